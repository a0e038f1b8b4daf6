/* group module, the member: coordinator discovery, join/sync rounds,
 * heartbeats, leaving; Java's AbstractCoordinator + WorkerCoordinator
 * rules for the EAGER protocol (distributed.md §2). */
#include "group_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "group_net_int.h"
#include "log_int.h"

/* join_group(): rejoin at once (the coordinator gave us a member id). */
#define KNET_RETRY_NOW (-10)

#define PROTOCOL_TYPE "connect"
#define PROTOCOL_NAME "default" /* EAGER, ConnectProtocol V0 */

/* Kafka error codes the member acts on. */
enum {
        E_LOAD_IN_PROGRESS  = 14,
        E_COORD_NA          = 15,
        E_NOT_COORD         = 16,
        E_ILLEGAL_GEN       = 22,
        E_UNKNOWN_MEMBER    = 25,
        E_REBALANCE         = 27,
        E_MEMBER_ID_REQ     = 79
};

typedef struct hostport {
        char *host;
        int port;
} hostport;

struct wgroup {
        /* settings, fixed */
        char *group_id, *url;
        hostport *boot;
        size_t n_boot, next_boot;
        int session_ms, heartbeat_ms, rebalance_ms;
        knet_conf *net;
        wgroup_callbacks cbs;
        void *opaque;
        const logger *lg;
        pthread_t thread;
        int stop_pipe[2], rejoin_pipe[2];

        /* shared with other threads, under lock */
        pthread_mutex_t lock;
        int stop, rejoin;
        int leave_ms; /* > 0: leave, rejoin after this long */
        char *member_id;
        int32_t generation;
        char *leader_url;
        int leader;
        wgroup_member *lmembers; /* leader state: members ... */
        wgroup_assignment *lassign; /* ... and what each runs */
        size_t ln;

        /* The heartbeat keeper: heartbeats while a callback runs (Java's
         * heartbeat thread), on the coordinator connection the group
         * thread leaves alone meanwhile. hb_lock hands it over. */
        pthread_t hb_thread;
        pthread_mutex_t hb_lock;
        pthread_cond_t hb_cv;
        int hb_quit, in_cb, hb_rc, hb_code;
        char hb_err[512];

        /* the group thread's own */
        kconn *coord;
        int v_join, v_sync, v_hb, v_leave;
        wgroup_assignment cur; /* what this member runs (error: none) */
        int running;          /* cur holds work to revoke */
        int need_join;
        /* last_hb_ok: when the last heartbeat (or SyncGroup) the
         * coordinator accepted was sent; last_hb_try: the last one sent */
        int64_t last_hb_ok, last_hb_try, coord_lost_since;
        int conn_fails; /* consecutive failures to reach a coordinator */
        char err[512];
};

/* Around each callback: the heartbeat keeper takes over meanwhile. */
static void callback_begin(wgroup *g);
static void callback_end(wgroup *g);

static void say(wgroup *g, int level, const char *fmt, ...) HTTPSRC_PRINTF(3, 4);
static void say(wgroup *g, int level, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        if (g->lg)
                log_vmsg(g->lg, level, NULL, fmt, ap);
        va_end(ap);
}

static void report(wgroup *g, const char *msg, int fatal)
{
        say(g, fatal ? HTTPSRC_LOG_ERROR : HTTPSRC_LOG_WARN, "group %s: %s",
            g->group_id, msg);
        if (g->cbs.error)
                g->cbs.error(g->opaque, msg, fatal);
}

static int stopping(wgroup *g)
{
        pthread_mutex_lock(&g->lock);
        int s = g->stop;
        pthread_mutex_unlock(&g->lock);
        return s;
}

static void set_member_id(wgroup *g, const char *id)
{
        char *c = xstrdup(id ? id : "");
        pthread_mutex_lock(&g->lock);
        free(g->member_id);
        g->member_id = c;
        pthread_mutex_unlock(&g->lock);
}

/* A copy of the member id (the group thread is its only writer). */
static const char *mid(wgroup *g)
{
        return g->member_id ? g->member_id : "";
}

static void drop_coordinator(wgroup *g, const char *why)
{
        if (g->coord) {
                say(g, HTTPSRC_LOG_INFO, "group %s: coordinator %s dropped: %s",
                    g->group_id, kconn_peer(g->coord), why);
                kconn_close(g->coord);
                g->coord = NULL;
        }
        if (!g->coord_lost_since)
                g->coord_lost_since = mono_ms();
}

static void leader_state_clear(wgroup *g)
{
        pthread_mutex_lock(&g->lock);
        for (size_t i = 0; i < g->ln; i++) {
                free(g->lmembers[i].member_id);
                free(g->lmembers[i].url);
                wgroup_assignment_clear(&g->lassign[i]);
        }
        free(g->lmembers);
        free(g->lassign);
        g->lmembers = NULL;
        g->lassign  = NULL;
        g->ln       = 0;
        g->leader   = 0;
        pthread_mutex_unlock(&g->lock);
}

/* Stop what this member runs (eager rebalance, lost membership). */
static void revoke_all(wgroup *g, const char *why)
{
        leader_state_clear(g);
        if (!g->running)
                return;
        say(g, HTTPSRC_LOG_INFO, "group %s: revoking %zu connector(s), %zu "
            "task(s): %s", g->group_id, g->cur.n_connectors, g->cur.n_tasks, why);
        callback_begin(g);
        g->cbs.revoked(g->opaque, &g->cur);
        callback_end(g);
        g->running = 0;
}

/* Sleep up to @p ms unless stopped or a rejoin is requested. */
static void pause_ms(wgroup *g, int ms)
{
        struct pollfd p[2] = {{g->stop_pipe[0], POLLIN, 0},
                              {g->rejoin_pipe[0], POLLIN, 0}};
        poll(p, 2, ms);
}

static int drain_rejoin(wgroup *g)
{
        char buf[64];
        while (read(g->rejoin_pipe[0], buf, sizeof(buf)) > 0)
                ;
        pthread_mutex_lock(&g->lock);
        int r     = g->rejoin;
        g->rejoin = 0;
        pthread_mutex_unlock(&g->lock);
        return r;
}

/* ---- coordinator ---- */

static int open_conn(wgroup *g, const char *host, int port, kconn **k)
{
        int rc = kconn_open(g->net, host, port, g->stop_pipe[0],
                            g->session_ms, k, g->err, sizeof(g->err));
        if (rc == KNET_FATAL)
                report(g, g->err, 1);
        return rc;
}

static int find_coordinator(wgroup *g)
{
        hostport *b  = &g->boot[g->next_boot++ % g->n_boot];
        kconn *k     = NULL;
        int rc       = open_conn(g, b->host, b->port, &k);
        if (rc)
                return rc;
        int v = kconn_pick(k, KAPI_FIND_COORDINATOR, 0, 2, "FindCoordinator",
                           g->err, sizeof(g->err));
        strbuf body = {0}, resp = {0};
        if (v < 0) {
                kconn_close(k);
                report(g, g->err, 1);
                return KNET_FATAL;
        }
        kw_str(&body, g->group_id);
        if (v >= 1)
                sb_putc(&body, 0); /* key type: wgroup */
        rc = kconn_call(k, KAPI_FIND_COORDINATOR, (int16_t)v, &body, &resp,
                        g->session_ms, g->err, sizeof(g->err));
        sb_free(&body);
        kconn_close(k);
        if (rc == KNET_FATAL)
                report(g, g->err, 1);
        if (rc) {
                sb_free(&resp);
                return rc;
        }
        kr r = {(const unsigned char *)resp.buf, resp.len, 0, 0};
        if (v >= 1)
                kr_i32(&r);
        int16_t err = kr_i16(&r);
        if (v >= 1)
                free(kr_str(&r));
        kr_i32(&r); /* node id */
        char *host = kr_str(&r);
        int32_t port = kr_i32(&r);
        sb_free(&resp);
        if (r.bad || err || !host) {
                snprintf(g->err, sizeof(g->err), "FindCoordinator: %s",
                         r.bad ? "malformed response" : kerr_name(err));
                free(host);
                return KNET_ERR;
        }
        rc = open_conn(g, host, port, &g->coord);
        free(host);
        if (rc)
                return rc;
        int vv[4];
        static const int api[4] = {KAPI_JOIN_GROUP, KAPI_SYNC_GROUP,
                                   KAPI_HEARTBEAT, KAPI_LEAVE_GROUP};
        static const int hi[4]  = {5, 3, 3, 3};
        static const char *const nm[4] = {"JoinGroup", "SyncGroup",
                                          "Heartbeat", "LeaveGroup"};
        for (int i = 0; i < 4; i++)
                if ((vv[i] = kconn_pick(g->coord, api[i], 0, hi[i], nm[i],
                                        g->err, sizeof(g->err))) < 0) {
                        kconn_close(g->coord);
                        g->coord = NULL;
                        report(g, g->err, 1);
                        return KNET_FATAL;
                }
        g->v_join  = vv[0];
        g->v_sync  = vv[1];
        g->v_hb    = vv[2];
        g->v_leave = vv[3];
        g->coord_lost_since = 0;
        say(g, HTTPSRC_LOG_DEBUG, "group %s: coordinator %s (JoinGroup v%d, "
            "SyncGroup v%d, Heartbeat v%d, LeaveGroup v%d)", g->group_id,
            kconn_peer(g->coord), g->v_join, g->v_sync, g->v_hb, g->v_leave);
        return 0;
}

/* Send a request to the coordinator: 0 and the response, or <0 (the
 * coordinator is then dropped, except when woken to stop). */
static int call(wgroup *g, int api, int v, strbuf *body, strbuf *resp, int tmo)
{
        int rc = kconn_call(g->coord, (int16_t)api, (int16_t)v, body, resp,
                            tmo, g->err, sizeof(g->err));
        sb_free(body);
        if (rc == KNET_FATAL)
                report(g, g->err, 1);
        if (rc)
                drop_coordinator(g, rc == KNET_WOKEN ? "stopping" : g->err);
        return rc;
}

/* React to an error code shared by JoinGroup, SyncGroup and Heartbeat;
 * returns 1 if it was fatal. */
static int on_group_error(wgroup *g, const char *req, int err)
{
        switch (err) {
        case E_COORD_NA:
        case E_NOT_COORD:
        case E_LOAD_IN_PROGRESS:
                drop_coordinator(g, kerr_name(err));
                return 0;
        case E_UNKNOWN_MEMBER:
                set_member_id(g, "");
                /* fallthrough */
        case E_ILLEGAL_GEN:
        case E_REBALANCE:
                g->need_join = 1;
                return 0;
        default:
                snprintf(g->err, sizeof(g->err),
                         "%s refused by the coordinator: %s (%d) (group.id, "
                         "session.timeout.ms, rebalance.timeout.ms, or a "
                         "group of another protocol type than '%s')",
                         req, kerr_name(err), err, PROTOCOL_TYPE);
                report(g, g->err, 1);
                return 1;
        }
}

/* ---- join and sync ---- */

typedef struct join_result {
        int32_t generation;
        char *protocol, *leader;
        wgroup_member *members;
        size_t n;
} join_result;

static void join_result_clear(join_result *j)
{
        free(j->protocol);
        free(j->leader);
        for (size_t i = 0; i < j->n; i++) {
                free(j->members[i].member_id);
                free(j->members[i].url);
        }
        free(j->members);
        memset(j, 0, sizeof(*j));
}

static int parse_join(wgroup *g, const strbuf *resp, join_result *j, int16_t *err)
{
        kr r = {(const unsigned char *)resp->buf, resp->len, 0, 0};
        if (g->v_join >= 2)
                kr_i32(&r);
        *err          = kr_i16(&r);
        j->generation = kr_i32(&r);
        j->protocol   = kr_str(&r);
        j->leader     = kr_str(&r);
        char *me      = kr_str(&r);
        int32_t n     = kr_i32(&r);
        if (!r.bad && me && *me)
                set_member_id(g, me);
        free(me);
        if (r.bad || n < 0 || (size_t)n > resp->len)
                return r.bad ? -1 : 0;
        j->members = calloc(n ? (size_t)n : 1, sizeof(*j->members));
        if (!j->members)
                return -1;
        for (int32_t i = 0; i < n && !r.bad; i++) {
                wgroup_member *m = &j->members[j->n++];
                m->member_id    = kr_str(&r);
                if (g->v_join >= 5)
                        free(kr_str(&r));
                size_t bn;
                const unsigned char *b = kr_bytes(&r, &bn);
                if (!r.bad && wgroup_metadata_decode(b, bn, &m->url,
                                                    &m->config_offset)) {
                        snprintf(g->err, sizeof(g->err),
                                 "JoinGroup: member %s sent metadata that is "
                                 "not ConnectProtocol's",
                                 m->member_id ? m->member_id : "?");
                        return -1;
                }
                if (!m->member_id)
                        r.bad = 1;
        }
        return r.bad ? -1 : 0;
}

static int join_request(wgroup *g, strbuf *body)
{
        strbuf meta = {0};
        int64_t off = g->cbs.config_offset(g->opaque);
        int rc      = wgroup_metadata_encode(&meta, g->url, off) ||
                 kw_str(body, g->group_id) || kw_i32(body, g->session_ms);
        if (g->v_join >= 1)
                rc = rc || kw_i32(body, g->rebalance_ms);
        rc = rc || kw_str(body, mid(g));
        if (g->v_join >= 5)
                rc = rc || kw_nstr(body, NULL);
        rc = rc || kw_str(body, PROTOCOL_TYPE) || kw_i32(body, 1) ||
             kw_str(body, PROTOCOL_NAME) || kw_bytes(body, meta.buf, meta.len);
        sb_free(&meta);
        return rc;
}

/* The leader's part: the herder's work, the EagerAssignor, the
 * assignments of all members into the SyncGroup body. */
static int lead(wgroup *g, join_result *j, strbuf *body)
{
        wgroup_work *w = wgroup_work_new();
        wgroup_assignment *a = NULL;
        int rc = -1;
        if (w) {
                callback_begin(g);
                rc = g->cbs.leader_work(g->opaque, j->members, j->n, w);
                callback_end(g);
        }
        if (rc || !g->coord ||
            wgroup_eager_assign(j->members, j->n, mid(g), w, &a)) {
                wgroup_work_destroy(w);
                snprintf(g->err, sizeof(g->err),
                         "leader: the assignment could not be computed");
                return -1;
        }
        wgroup_work_destroy(w);
        rc = kw_i32(body, (int32_t)j->n);
        strbuf one = {0};
        for (size_t i = 0; i < j->n && !rc; i++) {
                sb_reset(&one);
                rc = kw_str(body, j->members[i].member_id) ||
                     wgroup_assignment_encode(&one, &a[i]) ||
                     kw_bytes(body, one.buf, one.len);
        }
        sb_free(&one);
        pthread_mutex_lock(&g->lock); /* leader state, for wgroup_owner_url */
        g->lmembers = j->members;
        g->lassign  = a;
        g->ln       = j->n;
        g->leader   = 1;
        pthread_mutex_unlock(&g->lock);
        j->members = NULL; /* now the leader state's */
        j->n       = 0;
        return rc ? -1 : 0;
}

static int sync_group(wgroup *g, join_result *j, wgroup_assignment *out,
                      int64_t *sent)
{
        strbuf body = {0}, resp = {0};
        int rc = kw_str(&body, g->group_id) || kw_i32(&body, j->generation) ||
                 kw_str(&body, mid(g));
        if (g->v_sync >= 3)
                rc = rc || kw_nstr(&body, NULL);
        if (rc || (!strcmp(j->leader, mid(g)) ? lead(g, j, &body)
                                               : kw_i32(&body, 0))) {
                sb_free(&body);
                return -1;
        }
        *sent = mono_ms();
        if ((rc = call(g, KAPI_SYNC_GROUP, g->v_sync, &body, &resp,
                       g->rebalance_ms + 5000))) {
                sb_free(&resp);
                return rc;
        }
        kr r = {(const unsigned char *)resp.buf, resp.len, 0, 0};
        if (g->v_sync >= 1)
                kr_i32(&r);
        int16_t err = kr_i16(&r);
        size_t bn;
        const unsigned char *b = kr_bytes(&r, &bn);
        rc = r.bad ? -1 : err ? (on_group_error(g, "SyncGroup", err) ? KNET_FATAL : -1)
                   : wgroup_assignment_decode(b, bn, out);
        if (!r.bad && !err && rc)
                snprintf(g->err, sizeof(g->err), "SyncGroup: the assignment "
                         "is not ConnectProtocol's");
        sb_free(&resp);
        return rc;
}

static void publish(wgroup *g, const join_result *j, const wgroup_assignment *a)
{
        char *lu = xstrdup(a->leader_url);
        pthread_mutex_lock(&g->lock);
        g->generation = j->generation;
        free(g->leader_url);
        g->leader_url = lu;
        pthread_mutex_unlock(&g->lock);
}

/* One JoinGroup + SyncGroup round. 0: assigned; <0: retry (or fatal). */
static int join_group(wgroup *g)
{
        revoke_all(g, "rebalance");
        strbuf body = {0}, resp = {0};
        join_result j = {0};
        int16_t err   = 0;
        if (join_request(g, &body)) {
                sb_free(&body);
                return -1;
        }
        int rc = call(g, KAPI_JOIN_GROUP, g->v_join, &body, &resp,
                      g->rebalance_ms + 5000);
        if (!rc && parse_join(g, &resp, &j, &err))
                rc = -1;
        sb_free(&resp);
        if (!rc && err == E_MEMBER_ID_REQ) /* KIP-394: again, with the id */
                rc = KNET_RETRY_NOW;
        else if (!rc && err)
                rc = on_group_error(g, "JoinGroup", err) ? KNET_FATAL : -1;
        else if (!rc && (!j.protocol || strcmp(j.protocol, PROTOCOL_NAME))) {
                snprintf(g->err, sizeof(g->err),
                         "JoinGroup: the group chose protocol '%s', this "
                         "worker speaks only '%s'",
                         j.protocol ? j.protocol : "(none)", PROTOCOL_NAME);
                report(g, g->err, 1);
                rc = KNET_FATAL;
        }
        wgroup_assignment a = {0};
        int64_t sent        = 0;
        if (!rc)
                rc = sync_group(g, &j, &a, &sent);
        /* An answer read after a freeze longer than the session: the
         * group has moved on without this member; running the work would
         * make it a zombie. */
        if (!rc && mono_ms() - sent > g->session_ms) {
                snprintf(g->err, sizeof(g->err), "SyncGroup answered more "
                         "than session.timeout.ms ago; the assignment of "
                         "generation %d is stale", j.generation);
                wgroup_assignment_clear(&a);
                rc = -1;
        }
        if (rc) {
                join_result_clear(&j);
                return rc;
        }
        publish(g, &j, &a);
        say(g, HTTPSRC_LOG_INFO, "group %s: generation %d, %s (leader %s at "
            "%s), config offset %lld, %zu connector(s), %zu task(s)%s",
            g->group_id, j.generation, strcmp(j.leader, mid(g)) ? "follower"
                                                                : "leader",
            a.leader, a.leader_url, (long long)a.config_offset, a.n_connectors,
            a.n_tasks, a.error ? ", CONFIG_MISMATCH" : "");
        g->last_hb_ok = sent; /* SyncGroup renews the session too */
        g->need_join  = a.error != WGROUP_NO_ERROR;
        callback_begin(g);
        g->cbs.assigned(g->opaque, &a, j.generation);
        callback_end(g);
        wgroup_assignment_clear(&g->cur);
        g->cur     = a;
        g->running = !a.error;
        join_result_clear(&j);
        return 0;
}

/* ---- heartbeats, the thread ---- */

/* When the next heartbeat is due: an interval after the last one sent
 * (answered or not: a failure does not make the next one come sooner). */
static int64_t hb_due(const wgroup *g)
{
        int64_t last = g->last_hb_ok > g->last_hb_try ? g->last_hb_ok
                                                      : g->last_hb_try;
        return last + g->heartbeat_ms;
}

/* One Heartbeat on the coordinator connection: 0 and the error code in
 * *@p code, or a KNET_* error (text in @p errbuf). *@p sent: when the
 * request went out, the latest moment the coordinator can have renewed
 * the session by its answer (an answer read late, after the process was
 * frozen, proves nothing about now). Changes no state. */
static int heartbeat_send(wgroup *g, int16_t *code, int64_t *sent, char *errbuf,
                          size_t size)
{
        strbuf body = {0}, resp = {0};
        *sent = mono_ms();
        pthread_mutex_lock(&g->lock);
        int32_t gen = g->generation;
        pthread_mutex_unlock(&g->lock);
        int rc = kw_str(&body, g->group_id) || kw_i32(&body, gen) ||
                 kw_str(&body, mid(g));
        if (g->v_hb >= 3)
                rc = rc || kw_nstr(&body, NULL);
        rc = rc ? KNET_ERR
                : kconn_call(g->coord, KAPI_HEARTBEAT, (int16_t)g->v_hb, &body,
                             &resp, g->session_ms, errbuf, size);
        sb_free(&body);
        kr r = {(const unsigned char *)resp.buf, resp.len, 0, 0};
        if (!rc && g->v_hb >= 1)
                kr_i32(&r);
        *code = rc ? 0 : kr_i16(&r);
        sb_free(&resp);
        if (!rc && r.bad) {
                snprintf(errbuf, size, "malformed Heartbeat response");
                rc = KNET_ERR;
        }
        return rc;
}

/* A heartbeat's outcome, on the group thread. REBALANCE_IN_PROGRESS still
 * proves the coordinator keeps this member (it resets its session). */
static void heartbeat_result(wgroup *g, int rc, int16_t code, int64_t sent,
                             const char *why)
{
        if (rc == KNET_FATAL)
                report(g, why, 1);
        if (rc) {
                drop_coordinator(g, rc == KNET_WOKEN ? "stopping" : why);
                return;
        }
        if ((!code || code == E_REBALANCE) && sent > g->last_hb_ok)
                g->last_hb_ok = sent;
        if (code)
                on_group_error(g, "Heartbeat", code);
}

static void heartbeat(wgroup *g)
{
        int16_t code = 0;
        int64_t sent = 0;
        int rc = heartbeat_send(g, &code, &sent, g->err, sizeof(g->err));
        g->last_hb_try = sent;
        heartbeat_result(g, rc, code, sent, g->err);
}

/* The keeper's loop: while a callback runs, heartbeat every
 * heartbeat.interval.ms; stop at the first failure (handled by the group
 * thread once the callback returns). */
static void *hb_run(void *arg)
{
        wgroup *g = arg;
        pthread_mutex_lock(&g->hb_lock);
        while (!g->hb_quit) {
                if (!g->in_cb || g->hb_rc || (g->hb_code && g->hb_code != E_REBALANCE)) {
                        pthread_cond_wait(&g->hb_cv, &g->hb_lock);
                        continue;
                }
                int64_t due = hb_due(g), now = mono_ms();
                if (now < due) {
                        struct timespec ts;
                        clock_gettime(CLOCK_REALTIME, &ts);
                        int64_t ns = ts.tv_nsec + (due - now) * 1000000;
                        ts.tv_sec += ns / 1000000000;
                        ts.tv_nsec = ns % 1000000000;
                        pthread_cond_timedwait(&g->hb_cv, &g->hb_lock, &ts);
                        continue;
                }
                if (stopping(g)) { /* leave() comes next: no heartbeat */
                        g->in_cb = 0;
                        continue;
                }
                /* Not interrupted by wgroup_destroy(): a heartbeat cut off
                 * would leave its response unread on the connection the
                 * LeaveGroup is sent on next (bounded by the timeout). */
                int16_t code = 0;
                int64_t sent = 0;
                kconn_set_wake(g->coord, -1);
                g->hb_rc = heartbeat_send(g, &code, &sent, g->hb_err,
                                          sizeof(g->hb_err));
                kconn_set_wake(g->coord, g->stop_pipe[0]);
                g->last_hb_try = sent;
                if (!g->hb_rc && (!code || code == E_REBALANCE))
                        g->last_hb_ok = sent;
                if (!g->hb_rc && code)
                        g->hb_code = code;
        }
        pthread_mutex_unlock(&g->hb_lock);
        return NULL;
}

/* Around each callback: the keeper heartbeats meanwhile; afterwards its
 * outcome is the group thread's again. */
static void callback_begin(wgroup *g)
{
        pthread_mutex_lock(&g->hb_lock);
        g->in_cb   = g->coord != NULL;
        g->hb_rc   = 0;
        g->hb_code = 0;
        pthread_cond_signal(&g->hb_cv);
        pthread_mutex_unlock(&g->hb_lock);
}

static void callback_end(wgroup *g)
{
        pthread_mutex_lock(&g->hb_lock); /* waits for a heartbeat in flight */
        int was = g->in_cb, rc = g->hb_rc, code = g->hb_code;
        g->in_cb = 0;
        pthread_mutex_unlock(&g->hb_lock);
        if (was && (rc || code))
                heartbeat_result(g, rc, (int16_t)code, g->last_hb_try,
                                 g->hb_err);
}

static void leave(wgroup *g)
{
        revoke_all(g, "leaving the group");
        if (!g->coord || !*mid(g))
                return;
        strbuf body = {0}, resp = {0};
        int rc = kw_str(&body, g->group_id);
        if (g->v_leave >= 3)
                rc = rc || kw_i32(&body, 1) || kw_str(&body, mid(g)) ||
                     kw_nstr(&body, NULL);
        else
                rc = rc || kw_str(&body, mid(g));
        kconn_set_wake(g->coord, -1); /* the stop pipe is readable now */
        if (!rc && !kconn_call(g->coord, KAPI_LEAVE_GROUP, (int16_t)g->v_leave,
                               &body, &resp, 3000, g->err, sizeof(g->err)))
                say(g, HTTPSRC_LOG_INFO, "group %s: left as %s", g->group_id,
                    mid(g));
        kconn_set_wake(g->coord, g->stop_pipe[0]);
        sb_free(&body);
        sb_free(&resp);
}

/* wgroup_leave_for(): out of the group for a while, then a new member. */
static void leave_for(wgroup *g, int ms)
{
        say(g, HTTPSRC_LOG_INFO, "group %s: leaving for %d ms", g->group_id, ms);
        leave(g);
        set_member_id(g, "");
        pthread_mutex_lock(&g->lock);
        g->generation = -1;
        pthread_mutex_unlock(&g->lock);
        g->need_join = 1;
        pause_ms(g, ms);
}

/* The member treats itself as out of the group when no heartbeat was
 * answered for session.timeout.ms, or the coordinator has been
 * unreachable for heartbeat.interval.ms (WorkerCoordinator.poll). */
static void check_lost(wgroup *g)
{
        int64_t now = mono_ms();
        /* Java's session timer (Heartbeat.sessionTimeoutExpired): local,
         * so it fires on waking from a freeze before any answer of the
         * coordinator, which may have given the work away meanwhile. */
        if (g->running && now - g->last_hb_ok > g->session_ms) {
                char why[160];
                snprintf(why, sizeof(why), "no heartbeat answered within "
                         "session.timeout.ms (last one sent %lld ms ago)",
                         (long long)(now - g->last_hb_ok));
                revoke_all(g, why);
                g->need_join = 1;
        }
        /* Having revoked, the member rejoins for work (Java: no
         * assignment snapshot means rejoinNeededOrPending). */
        if (g->running && !g->coord && g->coord_lost_since &&
            now - g->coord_lost_since >= g->heartbeat_ms) {
                revoke_all(g, "coordinator unreachable for heartbeat.interval.ms");
                g->need_join = 1;
        }
}

static int step(wgroup *g)
{
        check_lost(g);
        if (!g->coord) {
                int rc = find_coordinator(g);
                if (rc == KNET_FATAL)
                        return -1;
                if (rc) { /* back off 0.5 s, 1 s, 2 s, then every 4 s */
                        int n = g->conn_fails < 3 ? g->conn_fails++ : 3;
                        if (rc != KNET_WOKEN)
                                say(g, HTTPSRC_LOG_WARN, "group %s: %s",
                                    g->group_id, g->err);
                        pause_ms(g, 500 << n);
                        return 0;
                }
                g->conn_fails = 0;
                return 0;
        }
        pthread_mutex_lock(&g->lock);
        int leave_ms = g->leave_ms;
        g->leave_ms  = 0;
        pthread_mutex_unlock(&g->lock);
        if (drain_rejoin(g))
                g->need_join = 1;
        if (leave_ms > 0) {
                leave_for(g, leave_ms);
                drain_rejoin(g);
                return 0;
        }
        if (g->need_join) {
                int rc = join_group(g);
                if (rc == KNET_FATAL)
                        return -1;
                if (rc && g->coord)
                        say(g, HTTPSRC_LOG_DEBUG, "group %s: rejoining: %s",
                            g->group_id, g->err);
                /* Java's retry.backoff.ms: a failing join does not spin. */
                if (rc && rc != KNET_RETRY_NOW && rc != KNET_WOKEN)
                        pause_ms(g, 100);
                return 0;
        }
        int64_t wait = hb_due(g) - mono_ms();
        if (wait > 0) {
                pause_ms(g, (int)wait);
                return 0;
        }
        heartbeat(g);
        return 0;
}

static void *run(void *arg)
{
        wgroup *g     = arg;
        g->need_join = 1;
        while (!stopping(g))
                if (step(g))
                        break;
        if (stopping(g))
                leave(g);
        else
                revoke_all(g, "the member gave up");
        kconn_close(g->coord);
        g->coord = NULL;
        return NULL;
}

/* ---- settings and the handle ---- */

static int parse_bootstrap(wgroup *g, const char *list, char *errstr, size_t size)
{
        char *copy = xstrdup(list), *save = NULL;
        if (!copy)
                return -1;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                t = strtrim(t);
                char *p = strstr(t, "://");
                if (p)
                        t = p + 3;
                char *colon = strrchr(t, ':');
                if (!*t)
                        continue;
                long port = colon ? strtol(colon + 1, &p, 10) : 9092;
                if (colon && (*p || port < 1 || port > 65535)) {
                        errstr_set(errstr, size, "bootstrap.servers: '%s' is "
                                   "not host:port", t);
                        free(copy);
                        return -1;
                }
                if (colon)
                        *colon = '\0';
                if (*t == '[' && t[strlen(t) - 1] == ']') {
                        t[strlen(t) - 1] = '\0';
                        t++;
                }
                hostport *b = realloc(g->boot, (g->n_boot + 1) * sizeof(*b));
                if (!b || !(b[g->n_boot].host = xstrdup(t))) {
                        g->boot = b ? b : g->boot;
                        free(copy);
                        return -1;
                }
                g->boot = b;
                b[g->n_boot++].port = (int)port;
        }
        free(copy);
        if (!g->n_boot) {
                errstr_set(errstr, size, "bootstrap.servers: no broker given");
                return -1;
        }
        return 0;
}

static int int_key(const httpsrc_conf *w, const char *key, int dflt, int *out,
                   char *errstr, size_t size)
{
        const char *v = httpsrc_conf_get(w, key);
        char *end     = NULL;
        long n        = v && *v ? strtol(v, &end, 10) : dflt;
        if ((v && *v && *end) || n < 1 || n > INT32_MAX / 2) {
                errstr_set(errstr, size, "%s: invalid value '%s': a positive "
                           "number of milliseconds", key, v);
                return -1;
        }
        *out = (int)n;
        return 0;
}

static void free_fields(wgroup *g)
{
        for (size_t i = 0; i < g->n_boot; i++)
                free(g->boot[i].host);
        free(g->boot);
        free(g->group_id);
        free(g->url);
        free(g->member_id);
        free(g->leader_url);
        knet_conf_destroy(g->net);
        for (int i = 0; i < 2; i++) {
                if (g->stop_pipe[i] >= 0)
                        close(g->stop_pipe[i]);
                if (g->rejoin_pipe[i] >= 0)
                        close(g->rejoin_pipe[i]);
        }
        wgroup_assignment_clear(&g->cur);
        leader_state_clear(g);
        pthread_mutex_destroy(&g->lock);
        pthread_mutex_destroy(&g->hb_lock);
        pthread_cond_destroy(&g->hb_cv);
        free(g);
}

static int configure(wgroup *g, const httpsrc_conf *w, const char *url,
                     char *errstr, size_t size)
{
        const char *gid  = httpsrc_conf_get(w, "group.id");
        const char *boot = httpsrc_conf_get(w, "bootstrap.servers");
        if (!gid || !*gid) {
                errstr_set(errstr, size, "group.id: missing (distributed "
                           "mode needs the Connect cluster's group.id)");
                return -1;
        }
        if (int_key(w, "session.timeout.ms", 10000, &g->session_ms, errstr, size) ||
            int_key(w, "heartbeat.interval.ms", 3000, &g->heartbeat_ms, errstr, size) ||
            int_key(w, "rebalance.timeout.ms", 60000, &g->rebalance_ms, errstr, size) ||
            parse_bootstrap(g, boot && *boot ? boot : "localhost:9092", errstr, size))
                return -1;
        if (!(g->net = knet_conf_new(w, errstr, size)))
                return -1;
        g->group_id = xstrdup(gid);
        g->url      = xstrdup(url ? url : "");
        if (!g->group_id || !g->url ||
            pipe2(g->stop_pipe, O_CLOEXEC | O_NONBLOCK) ||
            pipe2(g->rejoin_pipe, O_CLOEXEC | O_NONBLOCK)) {
                errstr_set(errstr, size, "group: %s", strerror(errno ? errno : ENOMEM));
                return -1;
        }
        return 0;
}

static void stop_keeper(wgroup *g)
{
        pthread_mutex_lock(&g->hb_lock);
        g->hb_quit = 1;
        pthread_cond_signal(&g->hb_cv);
        pthread_mutex_unlock(&g->hb_lock);
        pthread_join(g->hb_thread, NULL);
}

wgroup *wgroup_new(const httpsrc_conf *worker,
                 const char *url,
                 const wgroup_callbacks *cbs,
                 void *opaque,
                 const logger *lg,
                 char *errstr,
                 size_t size)
{
        wgroup *g = calloc(1, sizeof(*g));
        if (!g) {
                errstr_set(errstr, size, "group: out of memory");
                return NULL;
        }
        g->stop_pipe[0] = g->stop_pipe[1] = -1;
        g->rejoin_pipe[0] = g->rejoin_pipe[1] = -1;
        g->generation = -1;
        pthread_mutex_init(&g->lock, NULL);
        pthread_mutex_init(&g->hb_lock, NULL);
        pthread_cond_init(&g->hb_cv, NULL);
        g->cbs    = *cbs;
        g->opaque = opaque;
        g->lg     = lg;
        if (!cbs->config_offset || !cbs->leader_work || !cbs->revoked ||
            !cbs->assigned) {
                errstr_set(errstr, size, "group: a required callback is missing");
                free_fields(g);
                return NULL;
        }
        if (configure(g, worker, url, errstr, size)) {
                free_fields(g);
                return NULL;
        }
        if (pthread_create(&g->hb_thread, NULL, hb_run, g)) {
                errstr_set(errstr, size, "group: cannot start its threads");
                free_fields(g);
                return NULL;
        }
        if (pthread_create(&g->thread, NULL, run, g)) {
                errstr_set(errstr, size, "group: cannot start its threads");
                stop_keeper(g);
                free_fields(g);
                return NULL;
        }
        return g;
}

void wgroup_destroy(wgroup *g)
{
        if (!g)
                return;
        pthread_mutex_lock(&g->lock);
        g->stop = 1;
        pthread_mutex_unlock(&g->lock);
        if (write(g->stop_pipe[1], "x", 1) < 0) {
                /* the pipe is never full: one byte, never read */
        }
        pthread_join(g->thread, NULL);
        stop_keeper(g);
        free_fields(g);
}

void wgroup_request_rejoin(wgroup *g)
{
        pthread_mutex_lock(&g->lock);
        g->rejoin = 1;
        pthread_mutex_unlock(&g->lock);
        if (write(g->rejoin_pipe[1], "x", 1) < 0) {
                /* full: a wake-up is pending anyway */
        }
}

void wgroup_leave_for(wgroup *g, int backoff_ms)
{
        pthread_mutex_lock(&g->lock);
        g->leave_ms = backoff_ms > 0 ? backoff_ms : 1;
        pthread_mutex_unlock(&g->lock);
        if (write(g->rejoin_pipe[1], "x", 1) < 0) {
                /* full: a wake-up is pending anyway */
        }
}

int32_t wgroup_generation(wgroup *g)
{
        pthread_mutex_lock(&g->lock);
        int32_t v = g->generation;
        pthread_mutex_unlock(&g->lock);
        return v;
}

static void copy_locked(wgroup *g, const char *s, char *buf, size_t size)
{
        if (size)
                snprintf(buf, size, "%s", s ? s : "");
        pthread_mutex_unlock(&g->lock);
}

void wgroup_member_id(wgroup *g, char *buf, size_t size)
{
        pthread_mutex_lock(&g->lock);
        copy_locked(g, g->member_id, buf, size);
}

void wgroup_leader_url(wgroup *g, char *buf, size_t size)
{
        pthread_mutex_lock(&g->lock);
        copy_locked(g, g->leader_url, buf, size);
}

int wgroup_is_leader(wgroup *g)
{
        pthread_mutex_lock(&g->lock);
        int v = g->leader;
        pthread_mutex_unlock(&g->lock);
        return v;
}

static int runs(const wgroup_assignment *a, const char *connector, int32_t task)
{
        if (task == WGROUP_CONNECTOR_TASK) {
                for (size_t i = 0; i < a->n_connectors; i++)
                        if (!strcmp(a->connectors[i], connector))
                                return 1;
                return 0;
        }
        for (size_t i = 0; i < a->n_tasks; i++)
                if (a->tasks[i].task == task && !strcmp(a->tasks[i].connector, connector))
                        return 1;
        return 0;
}

int wgroup_owner_url(wgroup *g, const char *connector, int32_t task, char *buf,
                    size_t size)
{
        pthread_mutex_lock(&g->lock);
        for (size_t i = 0; i < g->ln; i++)
                if (runs(&g->lassign[i], connector, task)) {
                        copy_locked(g, g->lmembers[i].url, buf, size);
                        return 0;
                }
        pthread_mutex_unlock(&g->lock);
        return -1;
}
