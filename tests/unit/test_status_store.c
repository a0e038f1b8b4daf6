/* Unit tests: status_store.c, the observed status of connectors and tasks
 * (Connect's StatusBackingStore): put, putSafe's generation rule, the
 * read rule for a stale UNASSIGNED, tombstones, and a backend's ops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "httpsrc/httpsrc.h"
#include "status_store_int.h"
#include "util_int.h"

static status_rec rec(status_state st, const char *wid, int32_t gen)
{
        return (status_rec){st, NULL, wid, gen, NULL};
}

static void test_state_names(void **state)
{
        (void)state;
        static const char *const names[] = {"UNASSIGNED", "RUNNING",
                                            "PAUSED",     "FAILED",
                                            "DESTROYED",  "RESTARTING",
                                            "STOPPED"};
        for (int i = 0; i < 7; i++) {
                status_state st;
                assert_string_equal(status_state_name((status_state)i),
                                    names[i]);
                assert_int_equal(status_state_parse(names[i], &st), 0);
                assert_int_equal(st, i);
        }
        status_state st;
        assert_int_equal(status_state_parse("running", &st), -1);
        assert_null(status_state_name((status_state)7));
}

static void test_put_get_destroy(void **state)
{
        (void)state;
        char err[256] = "";
        status_store *s = status_store_new_memory();
        assert_string_equal(status_store_backend(s), "memory");
        status_rec r = {STATUS_FAILED, "java.lang.Boom\n\tat x", "h:8083", 3,
                        NULL};
        assert_int_equal(status_store_put(s, "c", STATUS_CONNECTOR, &r, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        status_rec t = rec(STATUS_RUNNING, "h:8083", 3);
        assert_int_equal(status_store_put(s, "c", 0, &t, err, sizeof(err)),
                         HTTPSRC_OK);
        status_rec got;
        assert_int_equal(status_store_get(s, "c", STATUS_CONNECTOR, &got),
                         HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_FAILED);
        assert_string_equal(got.trace, "java.lang.Boom\n\tat x");
        assert_string_equal(got.worker_id, "h:8083");
        assert_int_equal(got.generation, 3);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_null(got.trace);
        assert_int_equal(status_store_get(s, "c", 1, &got), HTTPSRC_ERR_NOENT);
        /* DESTROYED is a tombstone: the status is gone. */
        status_rec d = rec(STATUS_DESTROYED, "h:8083", 4);
        assert_int_equal(status_store_put(s, "c", 0, &d, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_ERR_NOENT);
        assert_int_equal(status_store_get(s, "c", STATUS_CONNECTOR, &got),
                         HTTPSRC_OK);
        status_store_destroy(s);
        status_store_destroy(NULL);
}

/* CacheEntry.canWriteSafely: no previous value, the same worker, or a
 * generation not older than the previous one. */
static void test_put_safe_generation_rule(void **state)
{
        (void)state;
        char err[256];
        status_rec got;
        status_store *s = status_store_new_memory();
        status_rec a5   = rec(STATUS_RUNNING, "a:1", 5);
        assert_int_equal(status_store_put_safe(s, "c", 0, &a5, err,
                                               sizeof(err)),
                         HTTPSRC_OK); /* nothing before */
        status_rec b4 = rec(STATUS_UNASSIGNED, "b:1", 4);
        assert_int_equal(status_store_put_safe(s, "c", 0, &b4, err,
                                               sizeof(err)),
                         1); /* another worker, older generation */
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_string_equal(got.worker_id, "a:1");
        status_rec a3 = rec(STATUS_PAUSED, "a:1", 3);
        assert_int_equal(status_store_put_safe(s, "c", 0, &a3, err,
                                               sizeof(err)),
                         HTTPSRC_OK); /* same worker: always */
        status_rec b3 = rec(STATUS_FAILED, "b:1", 3);
        assert_int_equal(status_store_put_safe(s, "c", 0, &b3, err,
                                               sizeof(err)),
                         HTTPSRC_OK); /* same generation: allowed */
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_FAILED);
        assert_string_equal(got.worker_id, "b:1");
        /* put (not safe) always writes. */
        status_rec c1 = rec(STATUS_RUNNING, "c:1", 1);
        assert_int_equal(status_store_put(s, "c", 0, &c1, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_string_equal(got.worker_id, "c:1");
        status_store_destroy(s);
}

/* readTaskStatus: an UNASSIGNED read while the kept task status is
 * RUNNING at a generation >= it is stale and ignored; a connector's
 * tombstone removes its tasks too. */
static void test_apply_read_rules(void **state)
{
        (void)state;
        status_rec got;
        status_store *s = status_store_new_memory();
        status_rec run7 = rec(STATUS_RUNNING, "a:1", 7);
        assert_int_equal(status_store_apply(s, "c", 0, &run7), HTTPSRC_OK);
        status_rec un7 = rec(STATUS_UNASSIGNED, "b:1", 7);
        assert_int_equal(status_store_apply(s, "c", 0, &un7), HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_RUNNING);
        status_rec un8 = rec(STATUS_UNASSIGNED, "b:1", 8);
        assert_int_equal(status_store_apply(s, "c", 0, &un8), HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_UNASSIGNED);
        /* Not for the connector's own status. */
        assert_int_equal(status_store_apply(s, "c", STATUS_CONNECTOR, &run7),
                         HTTPSRC_OK);
        assert_int_equal(status_store_apply(s, "c", STATUS_CONNECTOR, &un7),
                         HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", STATUS_CONNECTOR, &got),
                         HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_UNASSIGNED);
        assert_int_equal(status_store_apply(s, "c", 1, &run7), HTTPSRC_OK);
        assert_int_equal(status_store_apply(s, "d", 0, &run7), HTTPSRC_OK);
        assert_int_equal(status_store_apply(s, "c", STATUS_CONNECTOR, NULL),
                         HTTPSRC_OK);
        assert_int_equal(status_store_get(s, "c", 0, &got), HTTPSRC_ERR_NOENT);
        assert_int_equal(status_store_get(s, "c", 1, &got), HTTPSRC_ERR_NOENT);
        assert_int_equal(status_store_get(s, "d", 0, &got), HTTPSRC_OK);
        status_store_destroy(s);
}

static void count_visit(void *opaque,
                        const char *connector,
                        int task,
                        const status_rec *r)
{
        strbuf *sb = opaque;
        sb_printf(sb, "%s/%d=%s;", connector, task, status_state_name(r->state));
}

static void test_foreach(void **state)
{
        (void)state;
        char err[64];
        status_store *s = status_store_new_memory();
        status_rec r    = rec(STATUS_RUNNING, "a:1", 1);
        status_rec p    = rec(STATUS_PAUSED, "a:1", 1);
        status_store_put(s, "x", STATUS_CONNECTOR, &r, err, sizeof(err));
        status_store_put(s, "x", 0, &p, err, sizeof(err));
        status_store_put(s, "y", 0, &r, err, sizeof(err));
        strbuf sb = {0};
        status_store_foreach(s, NULL, count_visit, &sb);
        assert_string_equal(sb.buf, "x/-1=RUNNING;x/0=PAUSED;y/0=RUNNING;");
        sb_reset(&sb);
        status_store_foreach(s, "x", count_visit, &sb);
        assert_string_equal(sb.buf, "x/-1=RUNNING;x/0=PAUSED;");
        sb_free(&sb);
        status_store_destroy(s);
}

/* A backend: what it is asked to write; it fails on demand. */
typedef struct fake_be {
        strbuf log;
        int fail;
        int destroyed;
} fake_be;

static int fake_write(void *be,
                      const char *connector,
                      int task,
                      const status_rec *r,
                      char *errstr,
                      size_t errstr_size)
{
        fake_be *f = be;
        if (f->fail) {
                errstr_set(errstr, errstr_size, "status.storage.topic: down");
                return HTTPSRC_ERR_KAFKA;
        }
        sb_printf(&f->log, "%s/%d=%s;", connector, task,
                  r ? status_state_name(r->state) : "(tombstone)");
        return HTTPSRC_OK;
}

static void fake_destroy(void *be)
{
        ((fake_be *)be)->destroyed = 1;
}

static const status_store_ops fake_ops = {"fake", fake_write, NULL,
                                          fake_destroy, NULL};

static void test_backend_ops(void **state)
{
        (void)state;
        char err[128] = "";
        fake_be f     = {0};
        status_store *s = status_store_new(&fake_ops, &f);
        status_rec r    = rec(STATUS_RUNNING, "a:1", 1);
        status_rec d    = rec(STATUS_DESTROYED, "a:1", 1);
        assert_int_equal(status_store_put(s, "x", 0, &r, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(status_store_put(s, "x", 0, &d, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(f.log.buf, "x/0=RUNNING;x/0=(tombstone);");
        /* A failed write leaves the cache as it was. */
        assert_int_equal(status_store_put(s, "x", 0, &r, err, sizeof(err)),
                         HTTPSRC_OK);
        f.fail        = 1;
        status_rec fl = rec(STATUS_FAILED, "a:1", 2);
        assert_int_equal(status_store_put(s, "x", 0, &fl, err, sizeof(err)),
                         HTTPSRC_ERR_KAFKA);
        assert_string_equal(err, "status.storage.topic: down");
        status_rec got;
        assert_int_equal(status_store_get(s, "x", 0, &got), HTTPSRC_OK);
        assert_int_equal(got.state, STATUS_RUNNING);
        assert_int_equal(status_store_refresh(s, err, sizeof(err)), HTTPSRC_OK);
        status_store_destroy(s);
        assert_int_equal(f.destroyed, 1);
        sb_free(&f.log);
}

/* A backend whose writes are stored only at flush (as Kafka's). */
static int fake_flush(void *be, char *errstr, size_t errstr_size)
{
        fake_be *f = be;
        if (f->fail) {
                errstr_set(errstr, errstr_size, "status.storage.topic: down");
                return HTTPSRC_ERR_KAFKA;
        }
        sb_puts(&f->log, "flush;");
        return HTTPSRC_OK;
}

static const status_store_ops flushing_ops = {"fake", fake_write, NULL,
                                              fake_destroy, fake_flush};

/* Unbatched, each put waits for its write; batched, the puts only send
 * (and are in the cache at once) and one flush waits for all. */
static void test_batched_flush(void **state)
{
        (void)state;
        char err[128] = "";
        fake_be f     = {0};
        status_store *s = status_store_new(&flushing_ops, &f);
        status_rec r    = rec(STATUS_RUNNING, "a:1", 1);
        assert_int_equal(status_store_put(s, "x", 0, &r, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(f.log.buf, "x/0=RUNNING;flush;");
        status_store_set_batched(s, 1);
        assert_int_equal(status_store_put(s, "y", 0, &r, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(status_store_put(s, "y", STATUS_CONNECTOR, &r, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(f.log.buf,
                            "x/0=RUNNING;flush;y/0=RUNNING;y/-1=RUNNING;");
        status_rec got;
        assert_int_equal(status_store_get(s, "y", 0, &got), HTTPSRC_OK);
        assert_int_equal(status_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        assert_string_equal(f.log.buf, "x/0=RUNNING;flush;y/0=RUNNING;"
                                        "y/-1=RUNNING;flush;");
        f.fail = 1;
        assert_int_equal(status_store_flush(s, err, sizeof(err)),
                         HTTPSRC_ERR_KAFKA);
        assert_string_equal(err, "status.storage.topic: down");
        status_store_destroy(s);
        sb_free(&f.log);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_state_names),
            cmocka_unit_test(test_put_get_destroy),
            cmocka_unit_test(test_put_safe_generation_rule),
            cmocka_unit_test(test_apply_read_rules),
            cmocka_unit_test(test_foreach),
            cmocka_unit_test(test_backend_ops),
            cmocka_unit_test(test_batched_flush),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
