/* The runtime's task state reports (pipeline_set_task_state_cb): every
 * change of a task's observed state reaches the callback once, in order,
 * with the failure's trace, and a task that goes is reported UNASSIGNED.
 * Real pipeline, real HTTP (a refused connection on loopback), records to
 * a callback sink; no loop runs except where a step needs one. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pipeline_int.h"

#define MAX_EVENTS 32

/* The reports so far; the callback runs on the loop thread. */
typedef struct events {
        pthread_mutex_t mu;
        pthread_cond_t cv;
        char line[MAX_EVENTS][600];
        size_t n;
} events;

#define EVENTS_INIT                                                            \
        {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER}

static void on_task(void *opaque,
                    const char *name,
                    httpsrc_state state,
                    const char *trace)
{
        events *ev = opaque;
        pthread_mutex_lock(&ev->mu);
        if (ev->n < MAX_EVENTS)
                snprintf(ev->line[ev->n++], sizeof(ev->line[0]), "%s %s%s%s",
                         name, httpsrc_state_name(state), trace ? " " : "",
                         trace ? trace : "");
        pthread_cond_broadcast(&ev->cv);
        pthread_mutex_unlock(&ev->mu);
}

/* Wait (at most 10 s) until @p n reports came in; the count then. */
static size_t wait_for(events *ev, size_t n)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 10;
        pthread_mutex_lock(&ev->mu);
        int rc = 0;
        while (ev->n < n && rc != ETIMEDOUT)
                rc = pthread_cond_timedwait(&ev->cv, &ev->mu, &until);
        size_t got = ev->n;
        pthread_mutex_unlock(&ev->mu);
        return got;
}

static void *run_loop(void *arg)
{
        httpsrc_pipeline_run(arg, 0);
        return NULL;
}

static int on_record(void *opaque,
                     const char *conn,
                     const char *topic,
                     const void *key,
                     size_t key_len,
                     const void *value,
                     size_t value_len)
{
        return HTTPSRC_OK;
}

static httpsrc_conf *conn_conf(const char *name)
{
        char err[512];
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        assert_non_null(c);
        /* Port 1 on loopback refuses at once: the poll fails without a
         * retry (http.retry.max.attempts=0, behavior.on.error=fail). */
        const char *keys[][2] = {{"name", name},
                               {"kafka.topic", "t"},
                               {"http.url", "http://127.0.0.1:1/records"},
                               {"http.retry.max.attempts", "0"}};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                assert_int_equal(httpsrc_conf_set(c, keys[i][0], keys[i][1], err,
                                                  sizeof(err)),
                                 HTTPSRC_OK);
        return c;
}

static httpsrc_pipeline *pipeline_with(events *ev)
{
        char err[1024];
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        assert_non_null(w);
        assert_int_equal(httpsrc_conf_set(w, "listeners", "", err, sizeof(err)),
                         HTTPSRC_OK);
        httpsrc_pipeline *p = httpsrc_pipeline_new(w, err, sizeof(err));
        assert_non_null(p);
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_ERROR);
        assert_int_equal(httpsrc_pipeline_set_record_cb(p, on_record, NULL),
                         HTTPSRC_OK);
        pipeline_set_task_state_cb(p, on_task, ev);
        return p;
}

/* Start, pause, pause again (no change: no report), resume. */
static void test_target_changes(void **state)
{
        events ev = EVENTS_INIT;
        httpsrc_pipeline *p = pipeline_with(&ev);
        char err[1024];
        assert_int_equal(httpsrc_pipeline_add_connector(p, conn_conf("a"),
                                                        err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(httpsrc_pipeline_pause_connector(p, "a"), HTTPSRC_OK);
        assert_int_equal(httpsrc_pipeline_pause_connector(p, "a"), HTTPSRC_OK);
        assert_int_equal(httpsrc_pipeline_resume_connector(p, "a"),
                         HTTPSRC_OK);
        assert_int_equal(ev.n, 3);
        assert_string_equal(ev.line[0], "a RUNNING");
        assert_string_equal(ev.line[1], "a PAUSED");
        assert_string_equal(ev.line[2], "a RUNNING");
        httpsrc_pipeline_destroy(p);
        assert_int_equal(ev.n, 3); /* destroying reports nothing */
}

/* A poll that fails is FAILED with the failure as trace; a restart is
 * RESTARTING, then RUNNING once the loop made the task again (which fails
 * the same way); a removed task is UNASSIGNED. */
static void test_fail_restart_remove(void **state)
{
        events ev = EVENTS_INIT;
        httpsrc_pipeline *p = pipeline_with(&ev);
        char err[1024];
        assert_int_equal(httpsrc_pipeline_add_connector(p, conn_conf("b"),
                                                        err, sizeof(err)),
                         HTTPSRC_OK);
        pthread_t loop;
        assert_int_equal(pthread_create(&loop, NULL, run_loop, p), 0);
        assert_int_equal(wait_for(&ev, 2), 2);
        assert_int_equal(httpsrc_pipeline_restart_connector(p, "b"),
                         HTTPSRC_OK);
        assert_int_equal(wait_for(&ev, 5), 5);
        assert_int_equal(httpsrc_pipeline_remove_connector(p, "b"),
                         HTTPSRC_OK);
        assert_int_equal(wait_for(&ev, 6), 6);
        httpsrc_pipeline_stop(p);
        assert_int_equal(pthread_join(loop, NULL), 0);
        const char *failed = "b FAILED GET http://127.0.0.1:1/records failed: ";
        assert_string_equal(ev.line[0], "b RUNNING");
        assert_memory_equal(ev.line[1], failed, strlen(failed));
        assert_string_equal(ev.line[2], "b RESTARTING");
        assert_string_equal(ev.line[3], "b RUNNING");
        assert_memory_equal(ev.line[4], failed, strlen(failed));
        assert_string_equal(ev.line[5], "b UNASSIGNED");
        assert_int_equal(httpsrc_pipeline_connector_state(p, "b"),
                         HTTPSRC_ERR_NOENT);
        httpsrc_pipeline_destroy(p);
        assert_int_equal(ev.n, 6);
}

/* The task's own state machine, as its DEBUG trace shows it: a poll
 * whose request is refused goes IDLE -> POLLING -> FLIGHT, back to
 * POLLING with the (refused) response, then FAILED (no retry left,
 * behavior.on.error=fail); a stop keeps FAILED (it is final). */
typedef struct trace {
        char line[16][128];
        size_t n;
} trace;

static void on_log(void *opaque, int level, const char *conn, const char *line)
{
        trace *t = opaque;
        const char *s = strstr(line, "task state ");
        if (s && t->n < 16)
                snprintf(t->line[t->n++], sizeof(t->line[0]), "%s", s);
}

static void test_state_trace(void **state)
{
        events ev = EVENTS_INIT;
        trace t   = {0};
        httpsrc_pipeline *p = pipeline_with(&ev);
        httpsrc_pipeline_set_log_cb(p, on_log, &t, HTTPSRC_LOG_DEBUG);
        char err[1024];
        assert_int_equal(httpsrc_pipeline_add_connector(p, conn_conf("c"),
                                                        err, sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(httpsrc_pipeline_run(p, HTTPSRC_RUN_ONCE),
                         HTTPSRC_ERR_STATE);
        httpsrc_pipeline_destroy(p);
        assert_int_equal(t.n, 4);
        assert_string_equal(t.line[0],
                            "task state IDLE -> POLLING (task_tick)");
        assert_string_equal(t.line[1],
                            "task state POLLING -> FLIGHT (poll_send)");
        assert_string_equal(t.line[2],
                            "task state FLIGHT -> POLLING (on_response)");
        assert_string_equal(t.line[3],
                            "task state POLLING -> FAILED (conn_fail)");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_target_changes),
            cmocka_unit_test(test_fail_restart_remove),
            cmocka_unit_test(test_state_trace),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
