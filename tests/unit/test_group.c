/* group module: ConnectProtocol bytes against Java's (produced by
 * ConnectProtocol / IncrementalCooperativeConnectProtocol of
 * connect-runtime 4.1.1 on JDK 17), the EagerAssignor, Java's String
 * order, and the member flow against librdkafka's mock cluster. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "group_int.h"

/* Java: ConnectProtocol.serializeMetadata(new WorkerState("http://w1:8083/", 5)) */
static const char META_V0[] =
    "0000000f687474703a2f2f77313a383038332f0000000000000005";
/* Java: IncrementalCooperativeConnectProtocol.serializeMetadata(
 *   new ExtendedWorkerState("http://w1:8083/", 5, null), true) */
static const char META_V2[] =
    "0002000f687474703a2f2f77313a383038332f0000000000000005ffffffff";
/* Java: serializeAssignment(new Assignment(CONFIG_MISMATCH, "m-1",
 *   "http://w1:8083/", 7, [], [])) */
static const char ASG_EMPTY[] =
    "0000000100036d2d31000f687474703a2f2f77313a383038332f00000000000000070000"
    "0000";
/* Java: new Assignment(0, "connect-1-abc", "http://127.0.0.1:8083/", 42,
 *   [alpha, beta], [alpha-0, alpha-2, gamma-1]) */
static const char ASG[] =
    "00000000000d636f6e6e6563742d312d6162630016687474703a2f2f3132372e302e30"
    "2e313a383038332f000000000000002a000000030005616c70686100000003ffffffff0000"
    "00000000000200046265746100000001ffffffff000567616d6d610000000100000001";
/* Java: new Assignment(0, "L", "u", -1, [c0..c19], []): HashSet order */
static const char ASG_MANY[] =
    "0000000000014c000175ffffffffffffffff00000014000363313100000001ffffffff00"
    "0363313000000001ffffffff000363313300000001ffffffff000363313200000001ffff"
    "ffff000363313500000001ffffffff000363313400000001ffffffff0003633137000000"
    "01ffffffff000363313600000001ffffffff000363313900000001ffffffff0003633138"
    "00000001ffffffff0002633000000001ffffffff0002633100000001ffffffff00026332"
    "00000001ffffffff0002633300000001ffffffff0002633400000001ffffffff00026335"
    "00000001ffffffff0002633600000001ffffffff0002633700000001ffffffff00026338"
    "00000001ffffffff0002633900000001ffffffff";
/* Java: IncrementalCooperativeConnectProtocol.serializeAssignment(
 *   new ExtendedAssignment(2, 0, "L", "http://l:1/", 9, [x], [x-0], [y],
 *   [], 0), true) */
static const char ASG_V2[] =
    "0002000000014c000b687474703a2f2f6c3a312f000000000000000900000001000178"
    "00000002ffffffff000000000000000100017900000001ffffffff00000000";

static size_t unhex(const char *h, unsigned char *out)
{
        size_t n = strlen(h) / 2;
        for (size_t i = 0; i < n; i++)
                sscanf(h + 2 * i, "%2hhx", &out[i]);
        return n;
}

static void assert_bytes(const strbuf *sb, const char *hex)
{
        static unsigned char want[8192];
        size_t n = unhex(hex, want);
        assert_int_equal(sb->len, n);
        assert_memory_equal(sb->buf, want, n);
}

static void test_metadata(void **state)
{
        (void)state;
        strbuf sb = {0};
        assert_int_equal(wgroup_metadata_encode(&sb, "http://w1:8083/", 5), 0);
        assert_bytes(&sb, META_V0);
        char *url = NULL;
        int64_t off = 0;
        assert_int_equal(wgroup_metadata_decode(sb.buf, sb.len, &url, &off), 0);
        assert_string_equal(url, "http://w1:8083/");
        assert_int_equal(off, 5);
        free(url);
        /* A sessioned (V2) worker's metadata reads the same. */
        unsigned char b[256];
        size_t n = unhex(META_V2, b);
        assert_int_equal(wgroup_metadata_decode(b, n, &url, &off), 0);
        assert_string_equal(url, "http://w1:8083/");
        assert_int_equal(off, 5);
        free(url);
        /* Truncated: malformed, nothing returned. */
        assert_int_equal(wgroup_metadata_decode(b, 10, &url, &off), -1);
        assert_null(url);
        sb_free(&sb);
}

static void test_assignment_bytes(void **state)
{
        (void)state;
        strbuf sb = {0};
        char *none[1] = {NULL};
        wgroup_assignment e = {WGROUP_CONFIG_MISMATCH, "m-1", "http://w1:8083/",
                               7, none, 0, NULL, 0};
        assert_int_equal(wgroup_assignment_encode(&sb, &e), 0);
        assert_bytes(&sb, ASG_EMPTY);

        char *conns[] = {"alpha", "beta"};
        wgroup_task tasks[] = {{"alpha", 0}, {"alpha", 2}, {"gamma", 1}};
        wgroup_assignment a = {0, "connect-1-abc", "http://127.0.0.1:8083/",
                               42, conns, 2, tasks, 3};
        sb_reset(&sb);
        assert_int_equal(wgroup_assignment_encode(&sb, &a), 0);
        assert_bytes(&sb, ASG);

        char *many[20], names[20][4];
        for (int i = 0; i < 20; i++) {
                snprintf(names[i], sizeof(names[i]), "c%d", i);
                many[i] = names[i];
        }
        wgroup_assignment m = {0, "L", "u", -1, many, 20, NULL, 0};
        sb_reset(&sb);
        assert_int_equal(wgroup_assignment_encode(&sb, &m), 0);
        assert_bytes(&sb, ASG_MANY);
        sb_free(&sb);
}

static void test_assignment_decode(void **state)
{
        (void)state;
        unsigned char b[1024];
        wgroup_assignment a;
        size_t n = unhex(ASG, b);
        assert_int_equal(wgroup_assignment_decode(b, n, &a), 0);
        assert_int_equal(a.error, 0);
        assert_string_equal(a.leader, "connect-1-abc");
        assert_string_equal(a.leader_url, "http://127.0.0.1:8083/");
        assert_int_equal(a.config_offset, 42);
        assert_int_equal(a.n_connectors, 2);
        assert_string_equal(a.connectors[0], "alpha");
        assert_string_equal(a.connectors[1], "beta");
        assert_int_equal(a.n_tasks, 3);
        assert_string_equal(a.tasks[2].connector, "gamma");
        assert_int_equal(a.tasks[2].task, 1);
        wgroup_assignment c;
        assert_int_equal(wgroup_assignment_copy(&c, &a), 0);
        wgroup_assignment_clear(&a);
        strbuf sb = {0};
        assert_int_equal(wgroup_assignment_encode(&sb, &c), 0);
        assert_bytes(&sb, ASG); /* the copy is the same assignment */
        sb_free(&sb);
        wgroup_assignment_clear(&c);

        n = unhex(ASG_EMPTY, b);
        assert_int_equal(wgroup_assignment_decode(b, n, &a), 0);
        assert_int_equal(a.error, WGROUP_CONFIG_MISMATCH);
        assert_int_equal(a.n_connectors + a.n_tasks, 0);
        wgroup_assignment_clear(&a);

        /* A V2 (sessioned) assignment: its "assignment" array is read. */
        n = unhex(ASG_V2, b);
        assert_int_equal(wgroup_assignment_decode(b, n, &a), 0);
        assert_string_equal(a.leader_url, "http://l:1/");
        assert_int_equal(a.n_connectors, 1);
        assert_string_equal(a.connectors[0], "x");
        assert_int_equal(a.n_tasks, 1);
        wgroup_assignment_clear(&a);

        /* Every truncation of a valid assignment is refused. */
        n = unhex(ASG, b);
        for (size_t cut = 0; cut < n; cut++) {
                assert_int_equal(wgroup_assignment_decode(b, cut, &a), -1);
                assert_null(a.leader);
        }
}

static void test_java_order(void **state)
{
        (void)state;
        assert_true(wgroup_java_strcmp("Z", "a") < 0);
        assert_true(wgroup_java_strcmp("c10", "c2") < 0);
        assert_true(wgroup_java_strcmp("ab", "abc") < 0);
        assert_int_equal(wgroup_java_strcmp("same", "same"), 0);
        /* U+1F600 is D83D DE00 in UTF-16: before U+FFFD in Java, after it
         * in UTF-8 byte order. */
        assert_true(wgroup_java_strcmp("\xF0\x9F\x98\x80", "\xEF\xBF\xBD") < 0);
        assert_true(strcmp("\xF0\x9F\x98\x80", "\xEF\xBF\xBD") > 0);
}

static wgroup_member mk(const char *id, const char *url, int64_t off)
{
        wgroup_member m = {(char *)id, (char *)url, off};
        return m;
}

static void test_eager_assign(void **state)
{
        (void)state;
        /* Members given unsorted; the assignor sorts ids: m-a, m-b, m-c. */
        wgroup_member ms[3] = {mk("m-c", "http://c/", 5),
                               mk("m-a", "http://a/", 5),
                               mk("m-b", "http://b/", 4)};
        wgroup_work *w = wgroup_work_new();
        wgroup_work_set_offset(w, 5);
        assert_int_equal(wgroup_work_add(w, "s2", 2), 0);
        assert_int_equal(wgroup_work_add(w, "s1", 3), 0);
        wgroup_assignment *a = NULL;
        assert_int_equal(wgroup_eager_assign(ms, 3, "m-b", w, &a), 0);
        /* Round-robin, one iterator: s1->a, s2->b; s1-0->c, s1-1->a,
         * s1-2->b, s2-0->c, s2-1->a. */
        wgroup_assignment *A = &a[1], *B = &a[2], *C = &a[0];
        assert_int_equal(A->n_connectors, 1);
        assert_string_equal(A->connectors[0], "s1");
        assert_int_equal(B->n_connectors, 1);
        assert_string_equal(B->connectors[0], "s2");
        assert_int_equal(C->n_connectors, 0);
        assert_int_equal(A->n_tasks, 2);
        assert_string_equal(A->tasks[0].connector, "s1");
        assert_int_equal(A->tasks[0].task, 1);
        assert_string_equal(A->tasks[1].connector, "s2");
        assert_int_equal(A->tasks[1].task, 1);
        assert_int_equal(B->n_tasks, 1);
        assert_int_equal(B->tasks[0].task, 2);
        assert_int_equal(C->n_tasks, 2);
        assert_string_equal(C->tasks[0].connector, "s1");
        assert_int_equal(C->tasks[0].task, 0);
        assert_string_equal(C->tasks[1].connector, "s2");
        assert_int_equal(C->tasks[1].task, 0);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(a[i].error, WGROUP_NO_ERROR);
                assert_string_equal(a[i].leader, "m-b");
                assert_string_equal(a[i].leader_url, "http://b/");
                assert_int_equal(a[i].config_offset, 5);
                wgroup_assignment_clear(&a[i]);
        }
        free(a);

        /* The leader's snapshot (5) is behind a member's (6): everyone
         * gets an empty CONFIG_MISMATCH assignment at offset 6. */
        ms[0].config_offset = 6;
        assert_int_equal(wgroup_eager_assign(ms, 3, "m-b", w, &a), 0);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(a[i].error, WGROUP_CONFIG_MISMATCH);
                assert_int_equal(a[i].config_offset, 6);
                assert_int_equal(a[i].n_connectors + a[i].n_tasks, 0);
                wgroup_assignment_clear(&a[i]);
        }
        free(a);
        wgroup_work_destroy(w);
}

/* 100 connectors of 1..4 tasks over 7 members: every item exactly once,
 * connectors and connectors+tasks spread with max - min <= 1. */
static void test_eager_spread(void **state)
{
        (void)state;
        char ids[7][8], urls[7][16], name[100][8];
        wgroup_member ms[7];
        for (int i = 0; i < 7; i++) {
                snprintf(ids[i], sizeof(ids[i]), "m%d", 6 - i);
                snprintf(urls[i], sizeof(urls[i]), "http://%d/", i);
                ms[i] = mk(ids[i], urls[i], 3);
        }
        wgroup_work *w = wgroup_work_new();
        wgroup_work_set_offset(w, 3);
        int total = 0;
        for (int c = 0; c < 100; c++) {
                snprintf(name[c], sizeof(name[c]), "k%03d", c);
                assert_int_equal(wgroup_work_add(w, name[c], 1 + c % 4), 0);
                total += 1 + c % 4;
        }
        wgroup_assignment *a = NULL;
        assert_int_equal(wgroup_eager_assign(ms, 7, "m3", w, &a), 0);
        size_t cmin = 1000, cmax = 0, imin = 1000, imax = 0, nc = 0, nt = 0;
        for (int i = 0; i < 7; i++) {
                size_t c = a[i].n_connectors, it = c + a[i].n_tasks;
                cmin = c < cmin ? c : cmin;
                cmax = c > cmax ? c : cmax;
                imin = it < imin ? it : imin;
                imax = it > imax ? it : imax;
                nc += c;
                nt += a[i].n_tasks;
        }
        assert_int_equal(nc, 100);
        assert_int_equal(nt, total);
        assert_true(cmax - cmin <= 1);
        assert_true(imax - imin <= 1);
        for (int i = 0; i < 7; i++)
                wgroup_assignment_clear(&a[i]);
        free(a);
        wgroup_work_destroy(w);
}

/* Our EagerAssignor against Java's, byte for byte, on the cases of
 * tests/unit/data/EagerAssignorGolden.java: members "m-c", "m-a", "m-b"
 * (leader m-b) over s2 (2 tasks), s1 (3 tasks); 7 members m6..m0 (leader
 * m3) over 100 connectors k000..k099 of 1..4 tasks. Member URLs are
 * "http://<id>/". */
static void golden_case(const char *name,
                        const char *leader,
                        char **ids,
                        const int64_t *offsets,
                        size_t n,
                        char **conns,
                        const int *tasks,
                        size_t nc,
                        int64_t snap)
{
        char path[512], line[16384], url[16][32];
        wgroup_member ms[16];
        for (size_t i = 0; i < n; i++) {
                snprintf(url[i], sizeof(url[i]), "http://%s/", ids[i]);
                ms[i] = mk(ids[i], url[i], offsets[i]);
        }
        wgroup_work *w = wgroup_work_new();
        wgroup_work_set_offset(w, snap);
        for (size_t i = 0; i < nc; i++)
                assert_int_equal(wgroup_work_add(w, conns[i], tasks[i]), 0);
        wgroup_assignment *a = NULL;
        assert_int_equal(wgroup_eager_assign(ms, n, leader, w, &a), 0);
        snprintf(path, sizeof(path), "%s/tests/unit/data/eager_assignor_java.txt",
                 HTTPSRC_SOURCE_ROOT);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t seen = 0;
        while (fgets(line, sizeof(line), f)) {
                char cname[32], member[32], hex[16000];
                if (line[0] == '#' ||
                    sscanf(line, "%31s %31s %15999s", cname, member, hex) != 3 ||
                    strcmp(cname, name))
                        continue;
                for (size_t i = 0; i < n; i++) {
                        if (strcmp(ids[i], member))
                                continue;
                        strbuf sb = {0};
                        assert_int_equal(wgroup_assignment_encode(&sb, &a[i]), 0);
                        assert_bytes(&sb, hex);
                        sb_free(&sb);
                        seen++;
                }
        }
        fclose(f);
        assert_int_equal(seen, n);
        for (size_t i = 0; i < n; i++)
                wgroup_assignment_clear(&a[i]);
        free(a);
        wgroup_work_destroy(w);
}

static void test_eager_java(void **state)
{
        (void)state;
        char *ids[] = {"m-c", "m-a", "m-b"}, *conns[] = {"s2", "s1"};
        int64_t offs[] = {5, 5, 4};
        int tasks[]    = {2, 3};
        golden_case("small", "m-b", ids, offs, 3, conns, tasks, 2, 5);

        char idb[7][4], cb[100][8], *bids[7], *bconns[100];
        int64_t boffs[7];
        int btasks[100];
        for (int i = 0; i < 7; i++) {
                snprintf(idb[i], sizeof(idb[i]), "m%d", 6 - i);
                bids[i]  = idb[i];
                boffs[i] = 3;
        }
        for (int c = 0; c < 100; c++) {
                snprintf(cb[c], sizeof(cb[c]), "k%03d", c);
                bconns[c] = cb[c];
                btasks[c] = 1 + c % 4;
        }
        golden_case("big", "m3", bids, boffs, 7, bconns, btasks, 100, 3);
}

/* ---- the member flow on librdkafka's mock cluster ---- */

typedef struct member {
        wgroup *g;
        char url[32];
        pthread_mutex_t mu;
        pthread_cond_t cv;
        int32_t gen;
        int n_assigned, n_revoked;
        int16_t error;
        char leader_url[64];
        size_t n_connectors, n_tasks;
        int64_t offset;
        int slow_ms;   /* the first assigned callback takes this long */
        int slow_done; /* ... and has returned */
} member;

static int64_t cb_offset(void *op)
{
        return ((member *)op)->offset;
}

static int cb_work(void *op, const wgroup_member *m, size_t n, wgroup_work *w)
{
        (void)m;
        (void)n;
        /* librdkafka's mock coordinator ends the sync as soon as the
         * leader's SyncGroup brings every assignment, and then refuses a
         * follower's SyncGroup (INVALID_REQUEST; a real coordinator answers
         * it with the assignment): let the followers sync first. */
        usleep(300 * 1000);
        wgroup_work_set_offset(w, ((member *)op)->offset);
        for (int i = 0; i < 5; i++) {
                char name[8];
                snprintf(name, sizeof(name), "c%d", i);
                if (wgroup_work_add(w, name, 2))
                        return -1;
        }
        return 0;
}

static void cb_revoked(void *op, const wgroup_assignment *prev)
{
        member *m = op;
        (void)prev;
        pthread_mutex_lock(&m->mu);
        m->n_revoked++;
        m->n_connectors = m->n_tasks = 0;
        pthread_mutex_unlock(&m->mu);
}

static void cb_assigned(void *op, const wgroup_assignment *a, int32_t gen)
{
        member *m = op;
        pthread_mutex_lock(&m->mu);
        m->gen          = gen;
        m->error        = a->error;
        m->n_connectors = a->n_connectors;
        m->n_tasks      = a->n_tasks;
        snprintf(m->leader_url, sizeof(m->leader_url), "%s", a->leader_url);
        m->n_assigned++;
        int slow = m->slow_ms;
        m->slow_ms = 0;
        pthread_mutex_unlock(&m->mu);
        if (!slow)
                return;
        usleep((useconds_t)slow * 1000);
        pthread_mutex_lock(&m->mu);
        m->slow_done = 1;
        pthread_mutex_unlock(&m->mu);
}

static httpsrc_conf *worker_conf(const char *boot)
{
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        char err[256]   = "";
        const char *kv[][2] = {{"bootstrap.servers", boot},
                               {"group.id", "connect-test"},
                               {"session.timeout.ms", "3000"},
                               {"heartbeat.interval.ms", "500"},
                               {"rebalance.timeout.ms", "10000"}};
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                if (httpsrc_conf_set(c, kv[i][0], kv[i][1], err, sizeof(err)))
                        fail_msg("%s", err);
        return c;
}

static void member_start(member *m, const httpsrc_conf *c, int i)
{
        static const wgroup_callbacks cbs = {cb_offset, cb_work, cb_revoked,
                                             cb_assigned, NULL};
        char err[256] = "";
        memset(m, 0, sizeof(*m));
        pthread_mutex_init(&m->mu, NULL);
        pthread_cond_init(&m->cv, NULL);
        m->offset = 11;
        m->gen    = -1;
        snprintf(m->url, sizeof(m->url), "http://w%d:8083/", i);
        /* GROUP_TEST_LOG=1: the members' log lines on stderr. */
        static logger lg = {NULL, NULL, HTTPSRC_LOG_DEBUG, 0, NULL, 0};
        m->g = wgroup_new(c, m->url, &cbs, m, getenv("GROUP_TEST_LOG") ? &lg : NULL,
                          err, sizeof(err));
        if (!m->g)
                fail_msg("%s", err);
}

static void member_stop(member *m)
{
        wgroup_destroy(m->g);
        m->g = NULL;
        pthread_mutex_destroy(&m->mu);
        pthread_cond_destroy(&m->cv);
}

/* Wait (at most 30 s) until members @p ms[0..n) all hold an assignment of
 * one generation newer than @p after; returns it. */
static int32_t wait_same_gen(member **ms, size_t n, int32_t after)
{
        for (int tries = 0; tries < 300; tries++) {
                int32_t g0 = -2;
                int same   = 1;
                for (size_t i = 0; i < n; i++) {
                        pthread_mutex_lock(&ms[i]->mu);
                        int32_t g = ms[i]->n_assigned ? ms[i]->gen : -1;
                        pthread_mutex_unlock(&ms[i]->mu);
                        if (g <= after || (g0 != -2 && g != g0))
                                same = 0;
                        g0 = g;
                }
                if (same && wgroup_generation(ms[0]->g) == g0)
                        return g0;
                usleep(100 * 1000);
        }
        fail_msg("members did not agree on a generation after %d", after);
        return -1;
}

static void check_spread(member **ms, size_t n, int leaders_expected)
{
        size_t nc = 0, nt = 0, mn = 100, mx = 0;
        int leaders = 0;
        char lurl[64];
        wgroup_leader_url(ms[0]->g, lurl, sizeof(lurl));
        for (size_t i = 0; i < n; i++) {
                size_t items = ms[i]->n_connectors + ms[i]->n_tasks;
                nc += ms[i]->n_connectors;
                nt += ms[i]->n_tasks;
                mn = items < mn ? items : mn;
                mx = items > mx ? items : mx;
                leaders += wgroup_is_leader(ms[i]->g);
                assert_int_equal(ms[i]->error, WGROUP_NO_ERROR);
                assert_string_equal(ms[i]->leader_url, lurl);
                if (wgroup_is_leader(ms[i]->g))
                        assert_string_equal(ms[i]->url, lurl);
        }
        assert_int_equal(leaders, leaders_expected);
        assert_int_equal(nc, 5);
        assert_int_equal(nt, 10);
        assert_true(mx - mn <= 1);
}

/* A one-broker mock cluster and a worker conf pointing at it. */
typedef struct mock {
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        httpsrc_conf *conf;
} mock;

static mock mock_new(void)
{
        char err[256];
        mock mk;
        mk.rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err,
                             sizeof(err));
        assert_non_null(mk.rk);
        mk.mc = rd_kafka_mock_cluster_new(mk.rk, 1);
        assert_non_null(mk.mc);
        mk.conf = worker_conf(rd_kafka_mock_cluster_bootstraps(mk.mc));
        return mk;
}

static void mock_destroy(mock *mk)
{
        httpsrc_conf_destroy(mk->conf);
        rd_kafka_mock_cluster_destroy(mk->mc);
        rd_kafka_destroy(mk->rk);
}

static void test_mock_flow(void **state)
{
        (void)state;
        mock mk = mock_new();
        httpsrc_conf *c = mk.conf;
        member m[3], *ms[3] = {&m[0], &m[1], &m[2]};
        for (int i = 0; i < 3; i++)
                member_start(&m[i], c, i);
        int32_t g1 = wait_same_gen(ms, 3, -1);
        check_spread(ms, 3, 1);
        char id[128] = "";
        wgroup_member_id(m[0].g, id, sizeof(id));
        assert_true(strlen(id) > 0);

        /* The leader answers "who runs c0?" with that member's URL. */
        char owner[64] = "";
        for (int i = 0; i < 3; i++)
                if (wgroup_is_leader(m[i].g))
                        assert_int_equal(wgroup_owner_url(m[i].g, "c0",
                                                          WGROUP_CONNECTOR_TASK,
                                                          owner, sizeof(owner)),
                                         0);
        assert_true(!strncmp(owner, "http://w", 8));

        /* A rejoin request: everyone revokes and joins a new generation. */
        wgroup_request_rejoin(m[1].g);
        int32_t g2 = wait_same_gen(ms, 3, g1);
        check_spread(ms, 3, 1);
        for (int i = 0; i < 3; i++)
                assert_true(m[i].n_revoked >= 1);

        /* One leaves: the two others share all the work. */
        member_stop(&m[0]);
        wait_same_gen(ms + 1, 2, g2);
        check_spread(ms + 1, 2, 1);
        member_stop(&m[1]);
        member_stop(&m[2]);
        mock_destroy(&mk);
}

/* Wait (at most 20 s) until @p m's counter @p field reaches @p n. */
static int wait_count(member *m, const int *field, int n)
{
        for (int tries = 0; tries < 200; tries++) {
                pthread_mutex_lock(&m->mu);
                int v = *field;
                pthread_mutex_unlock(&m->mu);
                if (v >= n)
                        return v;
                usleep(100 * 1000);
        }
        return -1;
}

/* The coordinator unreachable for heartbeat.interval.ms: the member
 * revokes everything on its own (WorkerCoordinator.poll), and gets work
 * again once the broker is back. */
static void test_mock_coordinator_lost(void **state)
{
        (void)state;
        mock mk = mock_new();
        rd_kafka_mock_cluster_t *mc = mk.mc;
        httpsrc_conf *c = mk.conf;
        member m;
        member_start(&m, c, 0);
        assert_int_equal(wait_count(&m, &m.n_assigned, 1), 1);
        assert_int_equal(m.n_revoked, 0);
        assert_int_equal(m.n_connectors, 5);
        rd_kafka_mock_broker_set_down(mc, 1);
        assert_int_equal(wait_count(&m, &m.n_revoked, 1), 1);
        pthread_mutex_lock(&m.mu);
        assert_int_equal(m.n_connectors + m.n_tasks, 0);
        assert_int_equal(m.n_assigned, 1);
        pthread_mutex_unlock(&m.mu);
        rd_kafka_mock_broker_set_up(mc, 1);
        assert_int_equal(wait_count(&m, &m.n_assigned, 2), 2);
        assert_int_equal(m.n_connectors, 5);
        assert_int_equal(m.n_revoked, 1);
        member_stop(&m);
        mock_destroy(&mk);
}

/* A callback longer than session.timeout.ms (3 s here): the module keeps
 * heartbeating meanwhile, so the coordinator keeps the member and the other
 * member sees no rebalance (it would revoke within a heartbeat interval of
 * the expiry, i.e. by about 4.5 s of the 7 s). */
static void test_mock_slow_callback(void **state)
{
        (void)state;
        mock mk = mock_new();
        member m[2];
        member_start(&m[0], mk.conf, 0);
        assert_int_equal(wait_count(&m[0], &m[0].n_assigned, 1), 1);
        pthread_mutex_lock(&m[0].mu);
        m[0].slow_ms = 7000;
        pthread_mutex_unlock(&m[0].mu);
        member_start(&m[1], mk.conf, 1); /* a rebalance: m0 assigned again */
        assert_int_equal(wait_count(&m[0], &m[0].slow_done, 1), 1);
        pthread_mutex_lock(&m[1].mu);
        int revoked = m[1].n_revoked, assigned = m[1].n_assigned;
        pthread_mutex_unlock(&m[1].mu);
        assert_int_equal(assigned, 1);
        assert_int_equal(revoked, 0);
        assert_int_equal(wgroup_generation(m[0].g), wgroup_generation(m[1].g));
        member_stop(&m[0]);
        member_stop(&m[1]);
        mock_destroy(&mk);
}

/* wgroup_leave_for(): out at once (revoked, no longer a member), back as
 * a new member when asked. */
static void test_mock_leave_for(void **state)
{
        (void)state;
        mock mk = mock_new();
        member m;
        char id1[128], id2[128];
        member_start(&m, mk.conf, 0);
        assert_int_equal(wait_count(&m, &m.n_assigned, 1), 1);
        wgroup_member_id(m.g, id1, sizeof(id1));
        wgroup_leave_for(m.g, 60000);
        assert_int_equal(wait_count(&m, &m.n_revoked, 1), 1);
        for (int i = 0; i < 50 && wgroup_generation(m.g) != -1; i++)
                usleep(100 * 1000);
        assert_int_equal(wgroup_generation(m.g), -1);
        wgroup_request_rejoin(m.g); /* ends the 60 s backoff */
        assert_int_equal(wait_count(&m, &m.n_assigned, 2), 2);
        wgroup_member_id(m.g, id2, sizeof(id2));
        assert_string_not_equal(id1, id2);
        assert_int_equal(m.n_connectors, 5);
        member_stop(&m);
        mock_destroy(&mk);
}

/* Settings: an unsupported SASL mechanism is refused at start, naming it. */
static void test_settings(void **state)
{
        (void)state;
        static const wgroup_callbacks cbs = {cb_offset, cb_work, cb_revoked,
                                             cb_assigned, NULL};
        char err[256] = "";
        httpsrc_conf *c = worker_conf("127.0.0.1:1");
        assert_int_equal(httpsrc_conf_set(c, "security.protocol",
                                          "SASL_PLAINTEXT", err, sizeof(err)),
                         0);
        assert_null(wgroup_new(c, "u", &cbs, NULL, NULL, err, sizeof(err)));
        assert_string_equal(err, "sasl.mechanisms: GSSAPI (the default) is not "
                                 "supported by the group membership "
                                 "connection; use PLAIN, SCRAM-SHA-256 or "
                                 "SCRAM-SHA-512");
        httpsrc_conf_set(c, "sasl.mechanisms", "OAUTHBEARER", err, sizeof(err));
        assert_null(wgroup_new(c, "u", &cbs, NULL, NULL, err, sizeof(err)));
        assert_string_equal(err, "sasl.mechanisms: OAUTHBEARER is not supported "
                                 "by the group membership connection; use "
                                 "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        httpsrc_conf_set(c, "sasl.mechanisms", "SCRAM-SHA-256", err, sizeof(err));
        httpsrc_conf_set(c, "sasl.username", "u", err, sizeof(err));
        assert_null(wgroup_new(c, "u", &cbs, NULL, NULL, err, sizeof(err)));
        assert_string_equal(err, "sasl.password: missing for "
                                 "sasl.mechanisms=SCRAM-SHA-256");
        httpsrc_conf_set(c, "security.protocol", "SSL", err, sizeof(err));
        httpsrc_conf_set(c, "ssl.certificate.location", "/nonexistent.pem",
                         err, sizeof(err));
        assert_null(wgroup_new(c, "u", &cbs, NULL, NULL, err, sizeof(err)));
        assert_string_equal(err, "ssl.certificate.location: set without "
                                 "ssl.key.location (a client certificate "
                                 "needs both)");
        httpsrc_conf_set(c, "ssl.certificate.location", NULL, err, sizeof(err));
        httpsrc_conf_set(c, "group.id", NULL, err, sizeof(err));
        assert_null(wgroup_new(c, "u", &cbs, NULL, NULL, err, sizeof(err)));
        assert_string_equal(err, "group.id: missing (distributed mode needs "
                                 "the Connect cluster's group.id)");
        httpsrc_conf_destroy(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_metadata),
            cmocka_unit_test(test_assignment_bytes),
            cmocka_unit_test(test_assignment_decode),
            cmocka_unit_test(test_java_order),
            cmocka_unit_test(test_eager_assign),
            cmocka_unit_test(test_eager_spread),
            cmocka_unit_test(test_eager_java),
            cmocka_unit_test(test_settings),
            cmocka_unit_test(test_mock_flow),
            cmocka_unit_test(test_mock_coordinator_lost),
            cmocka_unit_test(test_mock_leave_for),
            cmocka_unit_test(test_mock_slow_callback),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
