/* Unit tests: config_store.c, the file that keeps connectors created or
 * changed over the REST API across host restarts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config_store_int.h"
#include "httpsrc/httpsrc.h"
#include "util_int.h"

typedef struct fixture {
        char dir[64];
        char path[128];
} fixture;

static int setup(void **state)
{
        fixture *f = calloc(1, sizeof(*f));
        assert_non_null(f);
        strcpy(f->dir, "/tmp/test_config_store.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->path, sizeof(f->path), "%s/connect.offsets.configs",
                 f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        fixture *f = *state;
        unlink(f->path);
        assert_int_equal(rmdir(f->dir), 0); /* no temp file left behind */
        free(f);
        return 0;
}

static void write_file(const char *path, const char *text)
{
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
        assert_int_equal(fclose(fp), 0);
}

static char *read_file(const char *path)
{
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        strbuf sb = {0};
        char buf[512];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
                assert_int_equal(sb_append(&sb, buf, n), 0);
        fclose(fp);
        assert_int_equal(sb_putc(&sb, '\0'), 0);
        return sb_steal(&sb);
}

/* A connector conf with @p n key/value pairs (name first). */
static httpsrc_conf *
conf_of(const char *name, const char *url, const char *interval)
{
        char err[256];
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        assert_non_null(c);
        assert_int_equal(httpsrc_conf_set(c, "name", name, err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        assert_int_equal(httpsrc_conf_set(c, "http.url", url, err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        if (interval)
                assert_int_equal(httpsrc_conf_set(c, "http.timer.interval.ms",
                                                  interval, err, sizeof(err)),
                                 HTTPSRC_CONF_OK);
        return c;
}

static void test_missing_file_is_empty(void **state)
{
        fixture *f      = *state;
        char err[256]   = "";
        config_store *s = config_store_open(f->path, err, sizeof(err));
        assert_non_null(s);
        assert_string_equal(err, "");
        assert_int_equal(config_store_count(s), 0);
        assert_string_equal(config_store_path(s), f->path);
        assert_null(config_store_get(s, "x"));
        assert_null(config_store_at(s, 0));
        config_store_destroy(s);
        assert_int_equal(access(f->path, F_OK), -1); /* nothing written */
}

static void test_empty_file_is_empty(void **state)
{
        fixture *f = *state;
        char err[256];
        write_file(f->path, " \n");
        config_store *s = config_store_open(f->path, err, sizeof(err));
        assert_non_null(s);
        assert_int_equal(config_store_count(s), 0);
        config_store_destroy(s);
}

static void test_put_writes_exact_file(void **state)
{
        fixture *f = *state;
        char err[256];
        config_store *s = config_store_open(f->path, err, sizeof(err));
        httpsrc_conf *a = conf_of("a", "http://h/a", "5000");
        /* any Unicode, quotes and backslashes in names and values */
        httpsrc_conf *b =
            conf_of("b/\xc3\xbe \"q\"\\", "http://h/${env:X}", NULL);
        assert_int_equal(config_store_put(s, "a", a, HTTPSRC_STATE_RUNNING, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(config_store_put(s, "b/\xc3\xbe \"q\"\\", b,
                                          HTTPSRC_STATE_PAUSED, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        char *text = read_file(f->path);
        assert_string_equal(
            text,
            "{\"connectors\":{\"a\":{\"config\":{\"name\":\"a\",\"http.url\":"
            "\"http://h/a\",\"http.timer.interval.ms\":\"5000\"},\"target\":"
            "\"RUNNING\"},\"b/\xc3\xbe \\\"q\\\"\\\\\":{\"config\":{\"name\":"
            "\"b/\xc3\xbe \\\"q\\\"\\\\\",\"http.url\":\"http://h/${env:X}\"},"
            "\"target\":\"PAUSED\"}}}\n");
        free(text);
        struct stat st;
        assert_int_equal(stat(f->path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600); /* may hold passwords */
        httpsrc_conf_destroy(a);
        httpsrc_conf_destroy(b);
        config_store_destroy(s);
}

static void test_reopen_restores_entries(void **state)
{
        fixture *f = *state;
        char err[256];
        config_store *s = config_store_open(f->path, err, sizeof(err));
        httpsrc_conf *a = conf_of("a", "http://h/a", "5000");
        httpsrc_conf *z = conf_of("z\xe1\x88\xb4", "http://h/z", NULL);
        assert_int_equal(config_store_put(s, "z\xe1\x88\xb4", z,
                                          HTTPSRC_STATE_STOPPED, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(
            config_store_put(s, "a", a, HTTPSRC_STATE_PAUSED, err, sizeof(err)),
            HTTPSRC_OK);
        config_store_destroy(s);
        httpsrc_conf_destroy(a);
        httpsrc_conf_destroy(z);

        s = config_store_open(f->path, err, sizeof(err));
        assert_non_null(s);
        assert_int_equal(config_store_count(s), 2);
        const config_entry *e = config_store_at(s, 0); /* insertion order */
        assert_string_equal(e->name, "z\xe1\x88\xb4");
        assert_int_equal(e->target, HTTPSRC_STATE_STOPPED);
        assert_int_equal(e->config.n, 2);
        assert_string_equal(e->config.v[1].key, "http.url");
        assert_string_equal(e->config.v[1].value, "http://h/z");
        e = config_store_get(s, "a");
        assert_ptr_equal(e, config_store_at(s, 1));
        assert_int_equal(e->target, HTTPSRC_STATE_PAUSED);
        assert_int_equal(e->config.n, 3);
        assert_string_equal(e->config.v[0].key, "name");
        assert_string_equal(e->config.v[0].value, "a");
        assert_string_equal(e->config.v[2].key, "http.timer.interval.ms");
        assert_string_equal(e->config.v[2].value, "5000");
        config_store_destroy(s);
}

static void test_replace_keeps_position_and_remove(void **state)
{
        fixture *f = *state;
        char err[256];
        config_store *s  = config_store_open(f->path, err, sizeof(err));
        httpsrc_conf *a  = conf_of("a", "http://h/a", NULL);
        httpsrc_conf *b  = conf_of("b", "http://h/b", NULL);
        httpsrc_conf *a2 = conf_of("a", "http://h/a2", "7");
        config_store_put(s, "a", a, HTTPSRC_STATE_RUNNING, err, sizeof(err));
        config_store_put(s, "b", b, HTTPSRC_STATE_RUNNING, err, sizeof(err));
        assert_int_equal(config_store_put(s, "a", a2, HTTPSRC_STATE_STOPPED,
                                          err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(config_store_count(s), 2);
        assert_string_equal(config_store_at(s, 0)->config.v[1].value, "http://h/a2");
        assert_int_equal(config_store_at(s, 0)->target, HTTPSRC_STATE_STOPPED);
        assert_int_equal(config_store_remove(s, "a", err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(config_store_remove(s, "nope", err, sizeof(err)),
                         HTTPSRC_OK);
        char *text = read_file(f->path);
        assert_string_equal(text,
                            "{\"connectors\":{\"b\":{\"config\":{\"name\":"
                            "\"b\",\"http.url\":\"http://h/b\"},\"target\":"
                            "\"RUNNING\"}}}\n");
        free(text);
        assert_int_equal(config_store_remove(s, "b", err, sizeof(err)),
                         HTTPSRC_OK);
        text = read_file(f->path);
        assert_string_equal(text, "{\"connectors\":{}}\n");
        free(text);
        httpsrc_conf_destroy(a);
        httpsrc_conf_destroy(b);
        httpsrc_conf_destroy(a2);
        config_store_destroy(s);
}

static void test_memory_only(void **state)
{
        (void)state;
        char err[256];
        config_store *s = config_store_open(NULL, err, sizeof(err));
        assert_non_null(s);
        assert_null(config_store_path(s));
        httpsrc_conf *a = conf_of("a", "http://h/a", NULL);
        assert_int_equal(
            config_store_put(s, "a", a, HTTPSRC_STATE_PAUSED, err, sizeof(err)),
            HTTPSRC_OK);
        assert_int_equal(config_store_get(s, "a")->target,
                         HTTPSRC_STATE_PAUSED);
        assert_int_equal(config_store_remove(s, "a", err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(config_store_count(s), 0);
        httpsrc_conf_destroy(a);
        config_store_destroy(s);
}

static void test_bad_target(void **state)
{
        (void)state;
        char err[256];
        config_store *s = config_store_open(NULL, err, sizeof(err));
        httpsrc_conf *a = conf_of("a", "http://h/a", NULL);
        assert_int_equal(
            config_store_put(s, "a", a, HTTPSRC_STATE_FAILED, err, sizeof(err)),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(err, "invalid argument: no name, no conf or a "
                                 "target other than RUNNING, PAUSED, STOPPED");
        assert_int_equal(config_store_count(s), 0);
        httpsrc_conf_destroy(a);
        config_store_destroy(s);
        assert_string_equal(config_store_target_name(HTTPSRC_STATE_PAUSED),
                            "PAUSED");
        assert_null(config_store_target_name(HTTPSRC_STATE_FAILED));
}

/* A config is keys with values: a key without one is refused by name
 * and nothing is stored (the file writer could not write it). */
static void test_key_without_value(void **state)
{
        (void)state;
        char err[256];
        config_store *s = config_store_open(NULL, err, sizeof(err));
        kv pairs[]      = {{"connector.class", "X"}, {"http.url", NULL}};
        kvlist props    = {pairs, 2};
        assert_non_null(s);
        assert_int_equal(config_store_put_props(s, "a", &props,
                                                HTTPSRC_STATE_RUNNING, err,
                                                sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(err, "invalid argument: config key 'http.url' "
                                 "has no value");
        assert_int_equal(config_store_count(s), 0);
        config_store_destroy(s);
}

/* A failed write leaves the store as it was, in memory too. */
static void test_write_failure_undoes_change(void **state)
{
        fixture *f = *state;
        char path[192], err[512];
        snprintf(path, sizeof(path), "%s/missing/configs", f->dir);
        config_store *s = config_store_open(path, err, sizeof(err));
        assert_non_null(s);
        httpsrc_conf *a = conf_of("a", "http://h/a", NULL);
        assert_int_equal(config_store_put(s, "a", a, HTTPSRC_STATE_RUNNING, err,
                                          sizeof(err)),
                         HTTPSRC_ERR_IO);
        char want[512];
        snprintf(want, sizeof(want),
                 "%s: cannot create temporary file %s.tmp.%ld: No such file "
                 "or directory",
                 path, path, (long)getpid());
        assert_string_equal(err, want);
        assert_int_equal(config_store_count(s), 0);
        httpsrc_conf_destroy(a);
        config_store_destroy(s);
}

/* The temp file cannot be created (a directory has its name, which stops
 * root too): replace and remove fail and keep the old entry. */
static void test_failed_replace_and_remove_keep_old(void **state)
{
        fixture *f = *state;
        char err[512], tmp[192];
        config_store *s  = config_store_open(f->path, err, sizeof(err));
        httpsrc_conf *a  = conf_of("a", "http://h/a", NULL);
        httpsrc_conf *b  = conf_of("b", "http://h/b", NULL);
        httpsrc_conf *a2 = conf_of("a", "http://h/a2", NULL);
        config_store_put(s, "a", a, HTTPSRC_STATE_RUNNING, err, sizeof(err));
        config_store_put(s, "b", b, HTTPSRC_STATE_RUNNING, err, sizeof(err));
        snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", f->path, (long)getpid());
        assert_int_equal(mkdir(tmp, 0700), 0);
        assert_int_equal(config_store_put(s, "a", a2, HTTPSRC_STATE_PAUSED, err,
                                          sizeof(err)),
                         HTTPSRC_ERR_IO);
        char want[512];
        snprintf(want, sizeof(want),
                 "%s: cannot create temporary file %s: Is a directory", f->path,
                 tmp);
        assert_string_equal(err, want);
        assert_int_equal(config_store_remove(s, "a", err, sizeof(err)),
                         HTTPSRC_ERR_IO);
        assert_int_equal(config_store_count(s), 2);
        const config_entry *e = config_store_at(s, 0);
        assert_string_equal(e->name, "a");
        assert_string_equal(e->config.v[1].value, "http://h/a");
        assert_int_equal(e->target, HTTPSRC_STATE_RUNNING);
        assert_string_equal(config_store_at(s, 1)->name, "b");
        assert_int_equal(rmdir(tmp), 0);
        /* the file still holds both, as before */
        config_store_destroy(s);
        s = config_store_open(f->path, err, sizeof(err));
        assert_int_equal(config_store_count(s), 2);
        assert_string_equal(config_store_get(s, "a")->config.v[1].value, "http://h/a");
        httpsrc_conf_destroy(a);
        httpsrc_conf_destroy(b);
        httpsrc_conf_destroy(a2);
        config_store_destroy(s);
}

static void
expect_open_error(const fixture *f, const char *text, const char *reason)
{
        char err[512], want[512];
        write_file(f->path, text);
        assert_null(config_store_open(f->path, err, sizeof(err)));
        snprintf(want, sizeof(want), "%s: not a connector config file: %s",
                 f->path, reason);
        assert_string_equal(err, want);
}

static void test_corrupt_files(void **state)
{
        fixture *f = *state;
        expect_open_error(f, "[]", "no \"connectors\" object");
        expect_open_error(f, "{\"connectors\":[]}", "no \"connectors\" object");
        expect_open_error(f, "{\"connectors\":{\"a\":{}}}",
                          "connector 'a' has no \"config\" object");
        expect_open_error(f, "{\"connectors\":{\"a\":{\"config\":{\"k\":1}}}}",
                          "connector 'a': value of \"k\" is not a string");
        expect_open_error(f,
                          "{\"connectors\":{\"a\":{\"config\":{},\"target\":"
                          "\"FAILED\"}}}",
                          "connector 'a': \"target\" must be RUNNING, "
                          "PAUSED or STOPPED");
        expect_open_error(f,
                          "{\"connectors\":{\"a\":{\"config\":{}},\"a\":{"
                          "\"config\":{}}}}",
                          "connector 'a' appears twice");
        char err[512];
        write_file(f->path, "{\"connectors\":");
        assert_null(config_store_open(f->path, err, sizeof(err)));
        char want[512];
        snprintf(want, sizeof(want),
                 "%s: not a connector config file: ", f->path);
        assert_memory_equal(err, want, strlen(want));
}

/* "target" may be omitted: RUNNING. */
static void test_target_defaults_to_running(void **state)
{
        fixture *f = *state;
        char err[256];
        write_file(f->path,
                   "{\"connectors\":{\"a\":{\"config\":{\"name\":\"a\"}}}}");
        config_store *s = config_store_open(f->path, err, sizeof(err));
        assert_non_null(s);
        assert_int_equal(config_store_get(s, "a")->target,
                         HTTPSRC_STATE_RUNNING);
        config_store_destroy(s);
}

/* ---- the snapshot rules of Connect's KafkaConfigBackingStore (§1.3),
 * as a backend applies the records it reads ---- */

/* A backend that reads its writes back (none here: records are applied
 * by hand, as a backend's read would). */
static const config_store_ops log_ops = {.name = "log", .reads_back = 1};

static kvlist props1(kv *p)
{
        return (kvlist){p, 1};
}

typedef struct heard {
        strbuf log;
} heard;

static void listen(void *opaque, const config_event *ev)
{
        static const char *const kinds[] = {"",        "updated", "removed",
                                            "target",  "tasks",   "restart",
                                            "fenced"};
        heard *h = opaque;
        sb_printf(&h->log, "%s:%s@%lld", kinds[ev->kind], ev->connector,
                  (long long)ev->offset);
        if (ev->kind == CONFIG_EVENT_RESTART_REQUEST)
                sb_printf(&h->log, "(%d,%d)", ev->include_tasks,
                          ev->only_failed);
        sb_putc(&h->log, ';');
}

static void test_snapshot_commit_rules(void **state)
{
        (void)state;
        kv k[] = {{"connector.class", "X"}};
        kv t0[] = {{"task.n", "0"}}, t1[] = {{"task.n", "1"}},
           t2[] = {{"task.n", "2"}};
        kvlist c = props1(k), p0 = props1(t0), p1 = props1(t1),
               p2 = props1(t2);
        const kvlist *tasks;
        heard h         = {{0}};
        config_store *s = config_store_new(&log_ops, NULL);
        assert_non_null(s);
        assert_string_equal(config_store_backend(s), "log");
        config_store_set_listener(s, listen, &h);
        assert_int_equal(config_store_offset(s), -1);

        /* Task records wait for their commit. */
        config_store_set_offset(s, 1);
        assert_int_equal(config_store_apply_connector(s, "a-b", &c), 0);
        config_store_set_offset(s, 2);
        assert_int_equal(config_store_apply_task(s, "a-b", 0, &p0), 0);
        config_store_set_offset(s, 3);
        assert_int_equal(config_store_apply_task(s, "a-b", 1, &p1), 0);
        assert_int_equal(config_store_tasks(s, "a-b", &tasks), 0);
        assert_null(tasks);
        config_store_set_offset(s, 4);
        assert_int_equal(config_store_apply_commit(s, "a-b", 2), 0);
        assert_int_equal(config_store_tasks(s, "a-b", &tasks), 2);
        assert_string_equal(tasks[1].v[0].value, "1");
        const config_entry *e = config_store_get(s, "a-b");
        assert_int_equal(e->task_generation, 0);
        assert_int_equal(e->pending_fencing, 1);
        assert_int_equal(e->target, HTTPSRC_STATE_RUNNING);
        assert_int_equal(config_store_offset(s), 4);

        /* An incomplete set (task 0 compacted away): inconsistent, no
         * tasks run; an extra id beyond the count is fine. */
        assert_int_equal(config_store_apply_task(s, "a-b", 1, &p1), 0);
        assert_int_equal(config_store_apply_task(s, "a-b", 2, &p2), 0);
        assert_int_equal(config_store_apply_commit(s, "a-b", 2), 0);
        e = config_store_get(s, "a-b");
        assert_int_equal(e->inconsistent, 1);
        assert_int_equal(config_store_tasks(s, "a-b", &tasks), 0);
        assert_null(tasks);
        assert_int_equal(e->task_generation, 0);
        /* The deferred ones were cleared: task 0 alone is still not all
         * of 0..1. */
        assert_int_equal(config_store_apply_task(s, "a-b", 0, &p0), 0);
        assert_int_equal(config_store_apply_commit(s, "a-b", 2), 0);
        assert_int_equal(config_store_tasks(s, "a-b", &tasks), 0);
        /* A complete set makes it consistent again. */
        assert_int_equal(config_store_apply_task(s, "a-b", 0, &p0), 0);
        assert_int_equal(config_store_apply_task(s, "a-b", 1, &p1), 0);
        assert_int_equal(config_store_apply_task(s, "a-b", 2, &p2), 0);
        assert_int_equal(config_store_apply_commit(s, "a-b", 2), 0);
        assert_int_equal(config_store_tasks(s, "a-b", &tasks), 2);
        assert_int_equal(config_store_get(s, "a-b")->task_generation, 1);
        config_store_apply_fenced(s, "a-b", 2);
        e = config_store_get(s, "a-b");
        assert_int_equal(e->pending_fencing, 0);
        assert_int_equal(e->fenced_count, 2);

        /* A commit for a connector without config (deleted, compacted) is
         * ignored. */
        assert_int_equal(config_store_apply_task(s, "gone", 0, &p0), 0);
        assert_int_equal(config_store_apply_commit(s, "gone", 1), 0);
        assert_null(config_store_get(s, "gone"));
        assert_int_equal(config_store_apply_connector(s, "gone", &c), 0);
        assert_int_equal(config_store_apply_commit(s, "gone", 1), 0);
        assert_int_equal(config_store_get(s, "gone")->inconsistent, 1);

        /* Nothing was heard before the store started. */
        assert_null(h.log.buf);
        config_store_set_started(s);
        config_store_set_offset(s, 20);
        assert_int_equal(config_store_apply_target(s, "a-b",
                                                   HTTPSRC_STATE_PAUSED),
                         0);
        assert_int_equal(config_store_apply_target(s, "a-b",
                                                   HTTPSRC_STATE_PAUSED),
                         0); /* unchanged: not heard */
        config_store_apply_restart(s, "a-b", 1, 0);
        assert_int_equal(config_store_apply_task(s, "a-b", 0, &p0), 0);
        assert_int_equal(config_store_apply_commit(s, "a-b", 1), 0);
        assert_int_equal(config_store_apply_connector(s, "a-b", NULL), 0);
        assert_string_equal(h.log.buf, "target:a-b@20;restart:a-b@20(1,0);"
                                       "tasks:a-b@20;removed:a-b@20;");
        assert_null(config_store_get(s, "a-b"));
        sb_free(&h.log);
        config_store_destroy(s);
}

/* Target states: one read before the config (initial_state) is the new
 * connector's; a tombstone with the config still there is STARTED; the
 * target outlives a config's tombstone until its own. */
static void test_snapshot_target_rules(void **state)
{
        (void)state;
        char err[128];
        kv k[]          = {{"connector.class", "X"}};
        kvlist c        = props1(k);
        config_store *s = config_store_new(&log_ops, NULL);
        (void)err;
        assert_int_equal(config_store_apply_target(s, "n", HTTPSRC_STATE_STOPPED),
                         0);
        assert_int_equal(config_store_count(s), 0);
        assert_int_equal(config_store_apply_connector(s, "n", &c), 0);
        assert_int_equal(config_store_get(s, "n")->target,
                         HTTPSRC_STATE_STOPPED);
        assert_int_equal(config_store_apply_target(s, "n", -1), 0);
        assert_int_equal(config_store_get(s, "n")->target,
                         HTTPSRC_STATE_RUNNING);
        assert_int_equal(config_store_apply_target(s, "n", HTTPSRC_STATE_PAUSED),
                         0);
        assert_int_equal(config_store_apply_connector(s, "n", NULL), 0);
        assert_int_equal(config_store_apply_connector(s, "n", &c), 0);
        assert_int_equal(config_store_get(s, "n")->target,
                         HTTPSRC_STATE_PAUSED);
        assert_int_equal(config_store_apply_connector(s, "n", NULL), 0);
        assert_int_equal(config_store_apply_target(s, "n", -1), 0);
        assert_int_equal(config_store_apply_connector(s, "n", &c), 0);
        assert_int_equal(config_store_get(s, "n")->target,
                         HTTPSRC_STATE_RUNNING);
        config_store_destroy(s);
}

/* The front's writes on the memory backend: target only, task configs,
 * CONFIG_TARGET_KEEP; not heard by the listener (nothing was read). */
static void test_front_target_tasks_keep(void **state)
{
        (void)state;
        char err[128]   = "";
        heard h         = {{0}};
        config_store *s = config_store_open(NULL, err, sizeof(err));
        assert_string_equal(config_store_backend(s), "memory");
        config_store_set_listener(s, listen, &h);
        httpsrc_conf *a = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        assert_int_equal(httpsrc_conf_set(a, "http.url", "http://h/a", err,
                                          sizeof(err)),
                         HTTPSRC_CONF_OK);
        assert_int_equal(config_store_put_target(s, "a", HTTPSRC_STATE_PAUSED,
                                                 err, sizeof(err)),
                         HTTPSRC_ERR_NOENT);
        assert_string_equal(err, "connector 'a' not found");
        assert_int_equal(config_store_put(s, "a", a, CONFIG_TARGET_KEEP, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(config_store_get(s, "a")->target,
                         HTTPSRC_STATE_RUNNING);
        assert_int_equal(config_store_put_target(s, "a", HTTPSRC_STATE_STOPPED,
                                                 err, sizeof(err)),
                         HTTPSRC_OK);
        kv t0[]   = {{"task.n", "0"}};
        kvlist p0 = props1(t0);
        assert_int_equal(config_store_put_tasks(s, "a", 1, &p0, err,
                                                sizeof(err)),
                         HTTPSRC_OK);
        /* A config change keeps the target and the task configs. */
        assert_int_equal(config_store_put(s, "a", a, CONFIG_TARGET_KEEP, err,
                                          sizeof(err)),
                         HTTPSRC_OK);
        const kvlist *tasks;
        assert_int_equal(config_store_get(s, "a")->target,
                         HTTPSRC_STATE_STOPPED);
        assert_int_equal(config_store_tasks(s, "a", &tasks), 1);
        assert_string_equal(tasks[0].v[0].key, "task.n");
        assert_int_equal(config_store_get(s, "a")->task_generation, 0);
        assert_int_equal(config_store_put_target(s, "a", 42, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_null(h.log.buf);
        assert_int_equal(config_store_offset(s), -1);
        assert_int_equal(config_store_refresh(s, err, sizeof(err)), HTTPSRC_OK);
        httpsrc_conf_destroy(a);
        config_store_destroy(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_missing_file_is_empty, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_empty_file_is_empty, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_put_writes_exact_file, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_reopen_restores_entries, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(
                test_replace_keeps_position_and_remove, setup, teardown),
            cmocka_unit_test(test_memory_only),
            cmocka_unit_test(test_bad_target),
            cmocka_unit_test(test_key_without_value),
            cmocka_unit_test_setup_teardown(test_write_failure_undoes_change,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(
                test_failed_replace_and_remove_keep_old, setup, teardown),
            cmocka_unit_test_setup_teardown(test_corrupt_files, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_target_defaults_to_running,
                                            setup, teardown),
            cmocka_unit_test(test_snapshot_commit_rules),
            cmocka_unit_test(test_snapshot_target_rules),
            cmocka_unit_test(test_front_target_tasks_keep),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
