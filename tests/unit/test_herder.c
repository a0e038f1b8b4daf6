/* Unit tests: the standalone herder (herder_standalone.c) through the
 * Herder interface (herder.h), without REST, over a fake runtime
 * (fake_runtime.h) and memory stores (offsets, statuses) plus a config
 * store file in a temp dir, restored by the next herder. Asserts the
 * answers (status class, entity JSON, exact messages), the exact calls
 * the herder makes on the runtime, and what the store keeps; the test
 * drives what the runtime does on its own (a task failing, a delete
 * completing, the loop's ticks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config_store_int.h"
#include "fake_runtime.h"
#include "herder_standalone_int.h"
#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"
#include "util_int.h"

typedef struct fixture {
        char dir[64], store[128];
        fake_runtime rt;
        herder *h;
        herder_result *res;   /* the last answer */
        herder_result *later; /* the answer of a submit() */
        int n_later;          /* how many answers submit() got */
} fixture;

static void open_worker(fixture *fx)
{
        char err[512];
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        assert_non_null(w);
        assert_int_equal(httpsrc_conf_set(w, "config.storage.file.filename",
                                          fx->store, err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        assert_int_equal(fake_runtime_init(&fx->rt, w), 0);
        fx->h = herder_standalone_new(&fx->rt.rt, "worker:8083", err,
                                      sizeof(err));
        if (!fx->h)
                fail_msg("%s", err);
}

static void close_worker(fixture *fx)
{
        herder_destroy(fx->h);
        fake_runtime_fini(&fx->rt);
        fx->h = NULL;
}

static int setup(void **state)
{
        fixture *fx = calloc(1, sizeof(*fx));
        assert_non_null(fx);
        strcpy(fx->dir, "/tmp/test_herder.XXXXXX");
        assert_non_null(mkdtemp(fx->dir));
        snprintf(fx->store, sizeof(fx->store), "%s/configs.json", fx->dir);
        open_worker(fx);
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        fixture *fx = *state;
        close_worker(fx);
        herder_result_free(fx->res);
        herder_result_free(fx->later);
        unlink(fx->store);
        rmdir(fx->dir);
        free(fx);
        return 0;
}

/* The calls the herder made on the runtime since the last check. */
static void expect_calls(fixture *fx, const char *want)
{
        char *got = fake_take_calls(&fx->rt);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(got);
}

static void on_later(herder_result *res, void *opaque)
{
        fixture *fx = opaque;
        herder_result_free(fx->later);
        fx->later = res;
        fx->n_later++;
}

/* Submit without waiting: an operation that waits for the runtime
 * answers later (fx->later, fx->n_later). */
static void
submit(fixture *fx, herder_op op, const char *name, herder_request rq)
{
        rq.op        = op;
        rq.connector = name;
        herder_submit(fx->h, &rq, on_later, fx);
}

/* Ask @p op about @p name with @p rq's other fields; the answer stays in
 * fx->res. */
static const herder_result *
ask(fixture *fx, herder_op op, const char *name, herder_request rq)
{
        herder_result_free(fx->res);
        rq.op        = op;
        rq.connector = name;
        fx->res      = herder_request_sync(fx->h, &rq, 5000);
        assert_non_null(fx->res);
        return fx->res;
}

static void expect(const herder_result *res,
                   herder_status st,
                   const char *body,
                   const char *message)
{
        if (res->status != st)
                fail_msg("status %s, want %s (%s)",
                         herder_status_name(res->status),
                         herder_status_name(st),
                         res->message ? res->message : res->body);
        if (body)
                assert_string_equal(res->body ? res->body : "(none)", body);
        else
                assert_null(res->body);
        if (message)
                assert_string_equal(res->message ? res->message : "(none)",
                                    message);
        else
                assert_null(res->message);
}

static void cfg_of(kvlist *cfg, const char *topic)
{
        assert_int_equal(kvl_add(cfg, "kafka.topic", topic), 0);
        assert_int_equal(kvl_add(cfg, "http.url", "http://127.0.0.1:9/e"), 0);
}

#define INFO_A                                                                \
        "{\"name\":\"a\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":"     \
        "\"http://127.0.0.1:9/e\",\"name\":\"a\"},\"tasks\":[{\"connector\":" \
        "\"a\",\"task\":0}],\"type\":\"source\"}"

static void create_a(fixture *fx, herder_target target)
{
        kvlist cfg = {0};
        cfg_of(&cfg, "t");
        ask(fx, HERDER_OP_PUT_CONFIG, "a",
            (herder_request){.config = &cfg, .target = target});
        kvl_free(&cfg);
        assert_int_equal(fx->res->status, HERDER_CREATED);
        expect_calls(fx, target == HERDER_TARGET_PAUSED ? "create a PAUSED\n"
                         : target == HERDER_TARGET_STOPPED
                             ? "create a STOPPED\n"
                             : "create a RUNNING\n");
}

static void test_create_conflict_replace(void **state)
{
        fixture *fx = *state;
        kvlist cfg  = {0};
        create_a(fx, HERDER_TARGET_STARTED);
        expect(fx->res, HERDER_CREATED, INFO_A, NULL);
        cfg_of(&cfg, "t");
        expect(ask(fx, HERDER_OP_PUT_CONFIG, "a", (herder_request){.config = &cfg}),
               HERDER_CONFLICT, NULL, "Connector a already exists");
        expect_calls(fx, "");
        kvl_free(&cfg);
        cfg_of(&cfg, "t2");
        expect(ask(fx, HERDER_OP_PUT_CONFIG, "a",
                   (herder_request){.config = &cfg,
                                    .flags  = HERDER_F_ALLOW_REPLACE}),
               HERDER_OK,
               "{\"name\":\"a\",\"config\":{\"kafka.topic\":\"t2\",\"http.url\":"
               "\"http://127.0.0.1:9/e\",\"name\":\"a\"},\"tasks\":[{"
               "\"connector\":\"a\",\"task\":0}],\"type\":\"source\"}",
               NULL);
        expect_calls(fx, "restart a with-conf\n");
        kvl_free(&cfg);
        /* the store has the replaced config */
        expect(ask(fx, HERDER_OP_CONNECTOR_CONFIG, "a", (herder_request){0}),
               HERDER_OK,
               "{\"kafka.topic\":\"t2\",\"http.url\":\"http://127.0.0.1:9/e\","
               "\"name\":\"a\"}",
               NULL);
        expect(ask(fx, HERDER_OP_CONNECTORS, NULL, (herder_request){0}),
               HERDER_OK, "[\"a\"]", NULL);
        assert_int_equal(kvl_add(&cfg, "name", "b"), 0);
        expect(ask(fx, HERDER_OP_PUT_CONFIG, "a", (herder_request){.config = &cfg}),
               HERDER_BAD_REQUEST, NULL,
               "Connector name configuration (b) doesn't match connector "
               "name in the URL (a)");
        kvl_free(&cfg);
}

/* Every problem in one answer, as (key, message) pairs, and nothing is
 * created by validating. */
static void test_invalid_and_validate(void **state)
{
        fixture *fx = *state;
        kvlist cfg  = {0};
        assert_int_equal(kvl_add(&cfg, "http.url", "nope"), 0);
        assert_int_equal(kvl_add(&cfg, "http.timer.interval.ms", "x"), 0);
        ask(fx, HERDER_OP_PUT_CONFIG, "v", (herder_request){.config = &cfg});
        assert_int_equal(fx->res->status, HERDER_BAD_REQUEST);
        assert_non_null(strstr(fx->res->message,
                               "Connector configuration is invalid and "
                               "contains the following 3 error(s):\n"));
        assert_non_null(strstr(fx->res->message, "\nhttp.timer.interval.ms: "));
        assert_non_null(strstr(fx->res->message, "\nkafka.topic: "));
        ask(fx, HERDER_OP_VALIDATE, NULL,
            (herder_request){.plugin = "HttpSource", .config = &cfg});
        assert_int_equal(fx->res->status, HERDER_OK);
        /* the create's three, and "name" (validate has none) */
        assert_non_null(strstr(fx->res->body,
                               "{\"name\":\"HttpSource\",\"error_count\":4,"));
        expect(ask(fx, HERDER_OP_CONNECTORS, NULL, (herder_request){0}),
               HERDER_OK, "[]", NULL);
        expect_calls(fx, "");
        expect(ask(fx, HERDER_OP_VALIDATE, NULL,
                   (herder_request){.plugin = "NoSuch", .config = &cfg}),
               HERDER_NOT_FOUND, NULL, "Unknown plugin NoSuch.");
        kvl_free(&cfg);
}

/* Pause, stop (no task, offsets changeable), resume, delete. */
static void test_lifecycle_and_offsets(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        const char *offs = "[{\"partition\":{\"url\":\"u\"},\"offset\":{\"n\":1}}]";
        expect(ask(fx, HERDER_OP_ALTER_OFFSETS, "a", (herder_request){.text = offs}),
               HERDER_BAD_REQUEST, NULL,
               "Connectors must be in the STOPPED state before their offsets "
               "can be modified. This can be done for the specified "
               "connector by issuing a 'PUT' request to the "
               "'/connectors/a/stop' endpoint");
        expect(ask(fx, HERDER_OP_PAUSE, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "target a PAUSED\n");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"name\":\"a\",\"connector\":{\"state\":\"PAUSED\","
               "\"worker_id\":\"worker:8083\"},\"tasks\":[{\"id\":0,\"state\":"
               "\"PAUSED\",\"worker_id\":\"worker:8083\"}],\"type\":\"source\"}",
               NULL);
        expect(ask(fx, HERDER_OP_STOP, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect_calls(fx, "target a STOPPED\n");
        expect(ask(fx, HERDER_OP_TASK_CONFIGS, "a", (herder_request){0}),
               HERDER_OK, "[]", NULL);
        expect(ask(fx, HERDER_OP_ALTER_OFFSETS, "a", (herder_request){.text = offs}),
               HERDER_OK,
               "{\"message\":\"The offsets for this connector have been "
               "altered successfully\"}",
               NULL);
        expect(ask(fx, HERDER_OP_OFFSETS, "a", (herder_request){0}), HERDER_OK,
               "{\"offsets\":[{\"partition\":{\"url\":\"u\"},\"offset\":{\"n\":"
               "1}}]}",
               NULL);
        expect(ask(fx, HERDER_OP_RESET_OFFSETS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"message\":\"The offsets for this connector have been "
               "reset successfully\"}",
               NULL);
        expect(ask(fx, HERDER_OP_OFFSETS, "a", (herder_request){0}), HERDER_OK,
               "{\"offsets\":[]}", NULL);
        expect(ask(fx, HERDER_OP_RESTART, "a",
                   (herder_request){.flags = HERDER_F_INCLUDE_TASKS}),
               HERDER_ACCEPTED,
               "{\"name\":\"a\",\"connector\":{\"state\":\"STOPPED\","
               "\"worker_id\":\"worker:8083\"},\"tasks\":[],\"type\":"
               "\"source\"}",
               NULL);
        /* a stopped connector's restart plan restarts nothing */
        expect_calls(fx, "");
        expect(ask(fx, HERDER_OP_DELETE, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect_calls(fx, "remove a\n");
        expect(ask(fx, HERDER_OP_CONNECTOR_INFO, "a", (herder_request){0}),
               HERDER_NOT_FOUND, NULL, "Connector a not found");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_NOT_FOUND, NULL, "No status found for connector a");
}

/* Without a running loop nothing completes a delete: a create of the
 * same name cannot wait for it and answers 409 at once, creating
 * nothing. */
static void test_create_while_deleting(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        expect(ask(fx, HERDER_OP_DELETE, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        kvlist cfg = {0};
        cfg_of(&cfg, "t");
        expect(ask(fx, HERDER_OP_PUT_CONFIG, "a", (herder_request){.config = &cfg}),
               HERDER_CONFLICT, NULL, "Connector a is still being deleted");
        expect_calls(fx, "remove a\n");
        kvl_free(&cfg);
}

/* The config store owns configs and target states: a new herder over the
 * same file restores the connector in the state it was left. */
static void test_restore_on_start(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_PAUSED);
        expect(fx->res, HERDER_CREATED,
               "{\"name\":\"a\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":"
               "\"http://127.0.0.1:9/e\",\"name\":\"a\"},\"tasks\":[],\"type\":"
               "\"source\"}",
               NULL);
        expect(ask(fx, HERDER_OP_STOP, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        close_worker(fx);
        char err[256];
        config_store *s = config_store_open(fx->store, err, sizeof(err));
        assert_non_null(s);
        const config_entry *e = config_store_get(s, "a");
        assert_non_null(e);
        assert_int_equal(e->target, HTTPSRC_STATE_STOPPED);
        config_store_destroy(s);
        open_worker(fx);
        expect_calls(fx, "create a STOPPED\n");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"name\":\"a\",\"connector\":{\"state\":\"STOPPED\","
               "\"worker_id\":\"worker:8083\"},\"tasks\":[],\"type\":"
               "\"source\"}",
               NULL);
}

static void test_queries_and_unsupported(void **state)
{
        fixture *fx = *state;
        ask(fx, HERDER_OP_WORKER_INFO, NULL, (herder_request){0});
        assert_int_equal(fx->res->status, HERDER_OK);
        assert_non_null(strstr(fx->res->body, "{\"version\":\"3.9.0\","));
        expect(ask(fx, HERDER_OP_LOGGER_LEVEL, NULL,
                   (herder_request){.plugin = "nope"}),
               HERDER_NOT_FOUND, NULL, "Logger nope not found.");
        expect(ask(fx, HERDER_OP_SET_LOGGER, NULL,
                   (herder_request){.plugin = "x", .text = "LOUD"}),
               HERDER_NOT_FOUND, NULL,
               "invalid log level 'LOUD'. Use one of OFF, FATAL, ERROR, "
               "WARN, INFO, DEBUG, TRACE, ALL");
        expect(ask(fx, HERDER_OP_PUT_TASK_CONFIGS, "a", (herder_request){0}),
               HERDER_ERROR, NULL,
               "This operation is not supported by the standalone herder");
        expect(ask(fx, HERDER_OP_TASK_STATUS, "a", (herder_request){.task = 0}),
               HERDER_NOT_FOUND, NULL, "No status found for task a-0");
}

#define STATE(st) "\"state\":\"" st "\",\"worker_id\":\"worker:8083\""

/* Each target change is one call on the runtime, none when nothing
 * changes; leaving STOPPED restarts the task first (its offsets may have
 * been altered meanwhile). */
static void test_target_calls(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        expect(ask(fx, HERDER_OP_PAUSE, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "target a PAUSED\n");
        expect(ask(fx, HERDER_OP_PAUSE, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "");
        expect(ask(fx, HERDER_OP_RESUME, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "target a RUNNING\n");
        expect(ask(fx, HERDER_OP_STOP, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect_calls(fx, "target a STOPPED\n");
        expect(ask(fx, HERDER_OP_RESUME, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "restart a\ntarget a RUNNING\n");
        expect(ask(fx, HERDER_OP_RESTART, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect_calls(fx, "restart a\n");
        expect(ask(fx, HERDER_OP_RESET_TOPICS, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        expect_calls(fx, "reset-topics a\n");
        expect(ask(fx, HERDER_OP_PAUSE, "nope", (herder_request){0}),
               HERDER_NOT_FOUND, NULL, "Unknown connector nope");
        expect_calls(fx, "");
}

/* A task that fails after it started (the runtime reports it through the
 * task state callback) shows FAILED with its trace, the connector
 * RUNNING as in Connect; onlyFailed restarts just that task. */
static void test_task_fails_after_start(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        fake_fail(&fx->rt, "a", "HTTP 500 from http://127.0.0.1:9/e");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"name\":\"a\",\"connector\":{" STATE("RUNNING")
               "},\"tasks\":[{\"id\":0," STATE("FAILED") ",\"trace\":"
               "\"HTTP 500 from http://127.0.0.1:9/e\"}],\"type\":"
               "\"source\"}",
               NULL);
        expect(ask(fx, HERDER_OP_TASK_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"id\":0," STATE("FAILED") ",\"trace\":\"HTTP 500 from "
               "http://127.0.0.1:9/e\"}",
               NULL);
        expect_calls(fx, "");
        expect(ask(fx, HERDER_OP_RESTART, "a",
                   (herder_request){.flags = HERDER_F_INCLUDE_TASKS |
                                             HERDER_F_ONLY_FAILED}),
               HERDER_ACCEPTED,
               "{\"name\":\"a\",\"connector\":{" STATE("RUNNING")
               "},\"tasks\":[{\"id\":0," STATE("RESTARTING")
               "}],\"type\":\"source\"}",
               NULL);
        expect_calls(fx, "restart a\n");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"name\":\"a\",\"connector\":{" STATE("RUNNING")
               "},\"tasks\":[{\"id\":0," STATE("RUNNING")
               "}],\"type\":\"source\"}",
               NULL);
        /* nothing failed any more: onlyFailed restarts nothing */
        ask(fx, HERDER_OP_RESTART, "a",
            (herder_request){.flags = HERDER_F_INCLUDE_TASKS |
                                      HERDER_F_ONLY_FAILED});
        assert_int_equal(fx->res->status, HERDER_ACCEPTED);
        expect_calls(fx, "");
}

/* A paused connector restarted by the runtime (it comes back RUNNING) is
 * put back to its target at the next operation. */
static void test_target_reconciled(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        expect(ask(fx, HERDER_OP_PAUSE, "a", (herder_request){0}),
               HERDER_ACCEPTED, NULL, NULL);
        fake_fail(&fx->rt, "a", "boom");
        expect(ask(fx, HERDER_OP_RESTART_TASK, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect_calls(fx, "target a PAUSED\nrestart a\n");
        expect(ask(fx, HERDER_OP_CONNECTORS, NULL, (herder_request){0}),
               HERDER_OK, "[\"a\"]", NULL);
        expect_calls(fx, "target a PAUSED\n");
}

/* What a running task gets wrong is its trace: offsets that cannot be
 * stored, then Kafka unreachable while records wait (also /health). */
static void test_running_trace(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        fx->rt.offsets_error = "configs.json: disk full";
        expect(ask(fx, HERDER_OP_TASK_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"id\":0," STATE("RUNNING") ",\"trace\":\"offsets not "
               "stored: configs.json: disk full; polling paused until they "
               "can be\"}",
               NULL);
        fx->rt.offsets_error = NULL;
        fx->rt.kafka_problem = "Kafka unreachable for 30 s";
        expect(ask(fx, HERDER_OP_TASK_STATUS, "a", (herder_request){0}),
               HERDER_OK, "{\"id\":0," STATE("RUNNING") "}", NULL);
        fake_set_outstanding(&fx->rt, "a", 3);
        expect(ask(fx, HERDER_OP_TASK_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"id\":0," STATE("RUNNING")
               ",\"trace\":\"Kafka unreachable for 30 s\"}",
               NULL);
        expect(ask(fx, HERDER_OP_HEALTH, NULL, (herder_request){0}),
               HERDER_UNAVAILABLE,
               "{\"status\":\"unhealthy\",\"message\":\"Kafka unreachable "
               "for 30 s\"}",
               NULL);
}

/* With the loop running, a create waits (no answer yet) while its
 * namesake is being deleted, and is answered at the tick after the
 * delete completed; when the loop ends first it answers 409. */
static void test_create_waits_for_delete(void **state)
{
        fixture *fx = *state;
        kvlist cfg  = {0};
        cfg_of(&cfg, "t");
        create_a(fx, HERDER_TARGET_STARTED);
        fx->rt.loop_running = 1;
        expect(ask(fx, HERDER_OP_DELETE, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        submit(fx, HERDER_OP_PUT_CONFIG, "a", (herder_request){.config = &cfg});
        fake_tick(&fx->rt, 0);
        assert_int_equal(fx->n_later, 0);
        fake_finish_delete(&fx->rt, "a");
        fake_tick(&fx->rt, 0);
        assert_int_equal(fx->n_later, 1);
        expect(fx->later, HERDER_CREATED, INFO_A, NULL);
        expect_calls(fx, "remove a\ncreate a RUNNING\n");
        expect(ask(fx, HERDER_OP_DELETE, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        submit(fx, HERDER_OP_PUT_CONFIG, "a", (herder_request){.config = &cfg});
        assert_int_equal(fx->n_later, 1);
        fake_tick(&fx->rt, 1);
        assert_int_equal(fx->n_later, 2);
        expect(fx->later, HERDER_CONFLICT, NULL,
               "Connector a is still being deleted");
        expect_calls(fx, "remove a\n");
        kvl_free(&cfg);
}

/* Offsets change only once the stopped task finished its last request
 * (the change waits for it), and only to offsets the task can use. */
static void test_offsets_wait_for_idle(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STOPPED);
        fx->rt.loop_running = 1;
        const char *bad =
            "[{\"partition\":{\"url\":\"u\"},\"offset\":{\"bad\":1}}]";
        expect(ask(fx, HERDER_OP_ALTER_OFFSETS, "a",
                   (herder_request){.text = bad}),
               HERDER_BAD_REQUEST, NULL,
               "offsets[0]: offset {\"bad\":1} does not fit; nothing was "
               "changed");
        fake_set_busy(&fx->rt, "a", 1);
        submit(fx, HERDER_OP_ALTER_OFFSETS, "a",
               (herder_request){
                   .text = "[{\"partition\":{\"url\":\"u\"},\"offset\":{"
                           "\"n\":2}}]"});
        fake_tick(&fx->rt, 0);
        assert_int_equal(fx->n_later, 0);
        expect(ask(fx, HERDER_OP_OFFSETS, "a", (herder_request){0}), HERDER_OK,
               "{\"offsets\":[]}", NULL);
        fake_set_busy(&fx->rt, "a", 0);
        fake_tick(&fx->rt, 0);
        assert_int_equal(fx->n_later, 1);
        expect(fx->later, HERDER_OK,
               "{\"message\":\"The offsets for this connector have been "
               "altered successfully\"}",
               NULL);
        expect(ask(fx, HERDER_OP_OFFSETS, "a", (herder_request){0}), HERDER_OK,
               "{\"offsets\":[{\"partition\":{\"url\":\"u\"},\"offset\":{\"n\":"
               "2}}]}",
               NULL);
        expect_calls(fx, "");
}

/* An operation still waiting when the herder goes is answered. */
static void test_destroy_answers_waiting(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STOPPED);
        fx->rt.loop_running = 1;
        fake_set_busy(&fx->rt, "a", 1);
        submit(fx, HERDER_OP_RESET_OFFSETS, "a", (herder_request){0});
        assert_int_equal(fx->n_later, 0);
        herder_destroy(fx->h);
        fx->h = NULL;
        assert_int_equal(fx->n_later, 1);
        expect(fx->later, HERDER_ERROR, NULL, "The worker is shutting down");
}

/* Logger levels go to the runtime: the root's, a connector's own. */
static void test_logger_calls(void **state)
{
        fixture *fx = *state;
        create_a(fx, HERDER_TARGET_STARTED);
        expect(ask(fx, HERDER_OP_SET_LOGGER, NULL,
                   (herder_request){.plugin = "a", .text = "DEBUG"}),
               HERDER_OK, "[\"a\"]", NULL);
        expect_calls(fx, "log-level a 7\n");
        expect(ask(fx, HERDER_OP_SET_LOGGER, NULL,
                   (herder_request){.plugin = "root", .text = "WARN"}),
               HERDER_OK, "[\"a\",\"root\"]", NULL);
        expect_calls(fx, "log-level a 4\nlog-level root 4\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_create_conflict_replace,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_invalid_and_validate, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_lifecycle_and_offsets, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_create_while_deleting, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_restore_on_start, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_queries_and_unsupported,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_target_calls, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_task_fails_after_start,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_target_reconciled, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_running_trace, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_create_waits_for_delete,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_offsets_wait_for_idle,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_destroy_answers_waiting,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_logger_calls, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
