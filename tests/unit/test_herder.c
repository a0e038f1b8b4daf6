/* Unit tests: the standalone herder (herder_standalone.c) through the
 * Herder interface (herder.h), without REST. The runtime is a pipeline
 * that is never run (no Kafka, no HTTP: operations run inline, as before
 * the loop starts); configs and target states go to a config store file
 * in a temp dir, restored by the next herder. Asserts the answers
 * (status class, entity JSON, exact messages) and what the store keeps. */
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
#include "herder_standalone_int.h"
#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"
#include "pipeline_int.h"
#include "util_int.h"

typedef struct fixture {
        char dir[64], store[128];
        httpsrc_pipeline *p;
        herder *h;
        herder_result *res; /* the last answer */
} fixture;

static void open_worker(fixture *fx)
{
        char err[512];
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        assert_non_null(w);
        assert_int_equal(httpsrc_conf_set(w, "listeners", "", err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        assert_int_equal(httpsrc_conf_set(w, "config.storage.file.filename",
                                          fx->store, err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        fx->p = httpsrc_pipeline_new(w, err, sizeof(err));
        if (!fx->p)
                fail_msg("%s", err);
        httpsrc_pipeline_set_log_cb(fx->p, NULL, NULL, 0);
        fx->h = herder_standalone_new(fx->p, "worker:8083", err, sizeof(err));
        if (!fx->h)
                fail_msg("%s", err);
}

static void close_worker(fixture *fx)
{
        herder_destroy(fx->h);
        httpsrc_pipeline_destroy(fx->p);
        fx->h = NULL;
        fx->p = NULL;
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
        unlink(fx->store);
        rmdir(fx->dir);
        free(fx);
        return 0;
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
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_OK,
               "{\"name\":\"a\",\"connector\":{\"state\":\"PAUSED\","
               "\"worker_id\":\"worker:8083\"},\"tasks\":[{\"id\":0,\"state\":"
               "\"PAUSED\",\"worker_id\":\"worker:8083\"}],\"type\":\"source\"}",
               NULL);
        expect(ask(fx, HERDER_OP_STOP, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
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
        expect(ask(fx, HERDER_OP_DELETE, "a", (herder_request){0}),
               HERDER_NO_CONTENT, NULL, NULL);
        expect(ask(fx, HERDER_OP_CONNECTOR_INFO, "a", (herder_request){0}),
               HERDER_NOT_FOUND, NULL, "Connector a not found");
        expect(ask(fx, HERDER_OP_CONNECTOR_STATUS, "a", (herder_request){0}),
               HERDER_NOT_FOUND, NULL, "No status found for connector a");
}

/* Without a running loop nothing completes a delete: a create of the
 * same name cannot wait for it and answers 409 at once. */
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
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
