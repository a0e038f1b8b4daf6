/* Unit tests: the REST routes (rest.c) against a fake herder (herder.h).
 * Every route: which herder operation it asks, with which arguments
 * (connector, task, flags, config, text), and how the answer is written
 * (status code, body passed through, {"error_code","message"} errors, no
 * body for 202/204). What REST itself refuses (bad bodies, task ids,
 * methods) never reaches the herder. A herder that does not answer in
 * time: 500 "Request timed out", and its late answer is dropped. No
 * sockets: rest_handle() with a server that has no listeners. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "herder.h"
#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"
#include "rest_int.h"
#include "util_int.h"

/* What the fake herder was asked, and what it answers. */
typedef struct fake {
        herder base;
        int calls;
        herder_op op;
        char connector[128], plugin[128], text[256], config[256];
        int task;
        unsigned flags;
        herder_target target;
        long pages;
        /* the answer */
        herder_status status;
        const char *body, *message, *content_type;
        const char *forward_url; /* HERDER_FORWARD: where to */
        int silent; /* keep the callback instead of answering */
        herder_cb late_cb;
        void *late_opaque;
} fake;

static void copy(char *dst, size_t n, const char *s)
{
        snprintf(dst, n, "%s", s ? s : "(none)");
}

static void fake_op(herder *h, const herder_request *rq, herder_cb cb, void *o)
{
        fake *f = (fake *)h;
        f->calls++;
        f->op     = rq->op;
        f->task   = rq->task;
        f->flags  = rq->flags;
        f->target = rq->target;
        f->pages  = rq->pages;
        copy(f->connector, sizeof(f->connector), rq->connector);
        copy(f->plugin, sizeof(f->plugin), rq->plugin);
        copy(f->text, sizeof(f->text), rq->text);
        f->config[0] = '\0';
        for (size_t i = 0; rq->config && i < rq->config->n; i++) {
                size_t n = strlen(f->config);
                snprintf(f->config + n, sizeof(f->config) - n, "%s=%s;",
                         rq->config->v[i].key,
                         rq->config->v[i].value ? rq->config->v[i].value
                                                : "(null)");
        }
        if (f->silent) {
                f->late_cb     = cb;
                f->late_opaque = o;
                return;
        }
        herder_result *res = herder_result_new(f->status);
        assert_non_null(res);
        res->body         = f->body ? strdup(f->body) : NULL;
        res->message      = f->message ? strdup(f->message) : NULL;
        res->content_type = f->content_type;
        if (f->status == HERDER_FORWARD && f->forward_url)
                res->forward_url = strdup(f->forward_url);
        cb(res, o);
}

static void fake_destroy(herder *h)
{
}

static const herder_ops fake_ops = {
    .name              = "fake",
    .destroy           = fake_destroy,
    .worker_info       = fake_op,
    .health            = fake_op,
    .connectors        = fake_op,
    .connector_info    = fake_op,
    .connector_config  = fake_op,
    .connector_status  = fake_op,
    .task_configs      = fake_op,
    .tasks_config      = fake_op,
    .task_status       = fake_op,
    .offsets           = fake_op,
    .active_topics     = fake_op,
    .plugins           = fake_op,
    .plugin_config     = fake_op,
    .loggers           = fake_op,
    .logger_level      = fake_op,
    .metrics           = fake_op,
    .put_config        = fake_op,
    .patch_config      = fake_op,
    .delete_connector  = fake_op,
    .pause             = fake_op,
    .resume            = fake_op,
    .stop              = fake_op,
    .restart_connector = fake_op,
    .restart_task      = fake_op,
    .alter_offsets     = fake_op,
    .reset_offsets     = fake_op,
    .reset_topics      = fake_op,
    .validate          = fake_op,
    .preview           = fake_op,
    .set_logger        = fake_op,
};

typedef struct fixture {
        httpsrc_conf *worker;
        logger lg;
        rest_server *r;
        fake f;
        strbuf out;
        const char *type;
} fixture;

static int setup(void **state)
{
        fixture *fx = calloc(1, sizeof(*fx));
        char err[256];
        assert_non_null(fx);
        fx->worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        assert_int_equal(httpsrc_conf_set(fx->worker, "listeners", "", err,
                                          sizeof(err)),
                         HTTPSRC_CONF_OK);
        fx->lg.max_level  = 0; /* quiet */
        fx->f.base.ops    = &fake_ops;
        rest_env env      = {fx->worker, NULL, &fx->lg, 100};
        fx->r             = rest_new(&env, err, sizeof(err));
        assert_non_null(fx->r);
        assert_int_equal(rest_start(fx->r, &fx->f.base, err, sizeof(err)),
                         HTTPSRC_OK);
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        fixture *fx = *state;
        rest_destroy(fx->r);
        httpsrc_conf_destroy(fx->worker);
        sb_free(&fx->out);
        free(fx);
        return 0;
}

static int call(fixture *fx, const char *method, const char *target,
                const char *body)
{
        return rest_handle(fx->r, method, target, body, strlen(body), &fx->out,
                           &fx->type);
}

static const char *out(const fixture *fx)
{
        return fx->out.buf ? fx->out.buf : "";
}

/* One route: the request, the operation it must ask with its arguments. */
typedef struct route_case {
        const char *method, *target, *body;
        herder_op op;
        const char *connector, *plugin, *config, *text;
        unsigned flags;
        int task;
} route_case;

static const route_case cases[] = {
    {"GET", "/", "", HERDER_OP_WORKER_INFO, NULL, NULL, "", NULL, 0, 0},
    {"GET", "/health", "", HERDER_OP_HEALTH, NULL, NULL, "", NULL, 0, 0},
    {"GET", "/metrics", "", HERDER_OP_METRICS, NULL, NULL, "", NULL, 0, 0},
    {"GET", "/connectors", "", HERDER_OP_CONNECTORS, NULL, NULL, "", NULL, 0,
     0},
    {"GET", "/connectors?expand=status&expand=info", "", HERDER_OP_CONNECTORS,
     NULL, NULL, "", NULL,
     HERDER_F_EXPAND | HERDER_F_EXPAND_STATUS | HERDER_F_EXPAND_INFO, 0},
    {"GET", "/connectors?expand=x", "", HERDER_OP_CONNECTORS, NULL, NULL, "",
     NULL, HERDER_F_EXPAND, 0},
    {"POST", "/connectors", "{\"name\":\" a \",\"config\":{\"k\":\"v\",\"n\":1}}",
     HERDER_OP_PUT_CONFIG, "a", NULL, "k=v;n=1;", NULL, 0, 0},
    {"GET", "/connectors/a%2Fb", "", HERDER_OP_CONNECTOR_INFO, "a/b", NULL, "",
     NULL, 0, 0},
    {"DELETE", "/connectors/a", "", HERDER_OP_DELETE, "a", NULL, "", NULL, 0,
     0},
    {"GET", "/connectors/a/config", "", HERDER_OP_CONNECTOR_CONFIG, "a", NULL,
     "", NULL, 0, 0},
    {"PUT", "/connectors/a/config", "{\"k\":\"v\",\"k\":\"w\"}",
     HERDER_OP_PUT_CONFIG, "a", NULL, "k=w;", NULL, HERDER_F_ALLOW_REPLACE, 0},
    {"PATCH", "/connectors/a/config", "{\"k\":null,\"b\":true}",
     HERDER_OP_PATCH_CONFIG, "a", NULL, "k=(null);b=true;", NULL,
     HERDER_F_ALLOW_REPLACE, 0},
    {"GET", "/connectors/a/status", "", HERDER_OP_CONNECTOR_STATUS, "a", NULL,
     "", NULL, 0, 0},
    {"GET", "/connectors/a/tasks", "", HERDER_OP_TASK_CONFIGS, "a", NULL, "",
     NULL, 0, 0},
    {"GET", "/connectors/a/tasks-config", "", HERDER_OP_TASKS_CONFIG, "a",
     NULL, "", NULL, 0, 0},
    {"GET", "/connectors/a/tasks/0/status", "", HERDER_OP_TASK_STATUS, "a",
     NULL, "", NULL, 0, 0},
    {"POST", "/connectors/a/tasks/3/restart", "", HERDER_OP_RESTART_TASK, "a",
     NULL, "", NULL, 0, 3},
    {"POST", "/connectors/a/restart", "", HERDER_OP_RESTART, "a", NULL, "",
     NULL, 0, 0},
    {"POST", "/connectors/a/restart?includeTasks=true&onlyFailed=TRUE", "",
     HERDER_OP_RESTART, "a", NULL, "", NULL,
     HERDER_F_INCLUDE_TASKS | HERDER_F_ONLY_FAILED, 0},
    {"PUT", "/connectors/a/pause", "", HERDER_OP_PAUSE, "a", NULL, "", NULL, 0,
     0},
    {"PUT", "/connectors/a/resume", "", HERDER_OP_RESUME, "a", NULL, "", NULL,
     0, 0},
    {"PUT", "/connectors/a/stop", "", HERDER_OP_STOP, "a", NULL, "", NULL, 0,
     0},
    {"GET", "/connectors/a/offsets", "", HERDER_OP_OFFSETS, "a", NULL, "",
     NULL, 0, 0},
    {"PATCH", "/connectors/a/offsets",
     "{\"offsets\":[{\"partition\":{\"p\": 1},\"offset\":null}]}",
     HERDER_OP_ALTER_OFFSETS, "a", NULL, "",
     "[{\"partition\":{\"p\":1},\"offset\":null}]", 0, 0},
    {"DELETE", "/connectors/a/offsets", "", HERDER_OP_RESET_OFFSETS, "a", NULL,
     "", NULL, 0, 0},
    {"GET", "/connectors/a/topics", "", HERDER_OP_ACTIVE_TOPICS, "a", NULL, "",
     NULL, 0, 0},
    {"PUT", "/connectors/a/topics/reset", "", HERDER_OP_RESET_TOPICS, "a",
     NULL, "", NULL, 0, 0},
    {"GET", "/connector-plugins", "", HERDER_OP_PLUGINS, NULL, NULL, "", NULL,
     HERDER_F_CONNECTORS_ONLY, 0},
    {"GET", "/connector-plugins?connectorsOnly=false", "", HERDER_OP_PLUGINS,
     NULL, NULL, "", NULL, 0, 0},
    {"GET", "/connector-plugins/HttpSource/config", "",
     HERDER_OP_PLUGIN_CONFIG, NULL, "HttpSource", "", NULL, 0, 0},
    {"PUT", "/connector-plugins/HttpSource/config/validate", "{\"k\":\"v\"}",
     HERDER_OP_VALIDATE, NULL, "HttpSource", "k=v;", NULL, 0, 0},
    {"PUT", "/connector-plugins/HttpSource/config/preview?pages=2",
     "{\"k\":\"v\"}", HERDER_OP_PREVIEW, NULL, "HttpSource", "k=v;", NULL, 0,
     0},
    {"GET", "/admin/loggers", "", HERDER_OP_LOGGERS, NULL, NULL, "", NULL, 0,
     0},
    {"GET", "/admin/loggers/root", "", HERDER_OP_LOGGER_LEVEL, NULL, "root",
     "", NULL, 0, 0},
    {"PUT", "/admin/loggers/x.y", "{\"level\":\"debug\"}",
     HERDER_OP_SET_LOGGER, NULL, "x.y", "", "debug", 0, 0},
    {"PUT", "/admin/loggers/x?scope=cluster", "{\"level\":\"WARN\"}",
     HERDER_OP_SET_LOGGER, NULL, "x", "", "WARN", HERDER_F_SCOPE_CLUSTER, 0},
};

/* Every route asks its operation, with its arguments, and answers with
 * the herder's body as it is. */
static void test_every_route_asks_its_operation(void **state)
{
        fixture *fx = *state;
        fx->f.status = HERDER_OK;
        fx->f.body   = "{\"entity\":[1,\"x\"]}";
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const route_case *c = &cases[i];
                int calls           = fx->f.calls;
                int st = call(fx, c->method, c->target, c->body);
                if (st != 200 || fx->f.calls != calls + 1 || fx->f.op != c->op)
                        fail_msg("%s %s: %d, op %d (want %d)", c->method,
                                 c->target, st, (int)fx->f.op, (int)c->op);
                assert_string_equal(out(fx), "{\"entity\":[1,\"x\"]}");
                assert_string_equal(fx->type, "application/json");
                assert_int_equal(fx->f.calls, calls + 1);
                assert_int_equal(fx->f.op, c->op);
                assert_string_equal(fx->f.connector,
                                    c->connector ? c->connector : "(none)");
                assert_string_equal(fx->f.plugin,
                                    c->plugin ? c->plugin : "(none)");
                assert_string_equal(fx->f.config, c->config);
                assert_string_equal(fx->f.text, c->text ? c->text : "(none)");
                assert_int_equal(fx->f.flags, c->flags);
                assert_int_equal(fx->f.task, c->task);
        }
}

static void test_create_arguments(void **state)
{
        fixture *fx  = *state;
        fx->f.status = HERDER_CREATED;
        fx->f.body   = "{\"name\":\"a b\"}";
        assert_int_equal(call(fx, "POST", "/connectors",
                              "{\"name\":\"a b\",\"config\":{},"
                              "\"initial_state\":\"stopped\"}"),
                         201);
        assert_string_equal(out(fx), "{\"name\":\"a b\"}");
        assert_int_equal(fx->f.target, HERDER_TARGET_STOPPED);
        assert_string_equal(fx->f.connector, "a b");
        assert_int_equal(call(fx, "PUT", "/connector-plugins/X/config/preview",
                              "{}"),
                         201);
        assert_int_equal(fx->f.pages, 1); /* the default */
}

/* Each answer class: its HTTP status, and the body Connect writes. */
static void test_answers_map_to_statuses(void **state)
{
        static const struct {
                herder_status st;
                int http;
        } errs[] = {{HERDER_BAD_REQUEST, 400}, {HERDER_FORBIDDEN, 403},
                    {HERDER_NOT_FOUND, 404},   {HERDER_CONFLICT, 409},
                    {HERDER_REBALANCING, 409}, {HERDER_ERROR, 500},
                    {HERDER_UNAVAILABLE, 503}};
        fixture *fx = *state;
        char want[256];
        for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
                fx->f.status  = errs[i].st;
                fx->f.message = "Connector a \"x\" not found";
                fx->f.body    = NULL;
                assert_int_equal(call(fx, "GET", "/connectors/a", ""),
                                 errs[i].http);
                snprintf(want, sizeof(want),
                         "{\"error_code\":%d,\"message\":\"Connector a "
                         "\\\"x\\\" not found\"}",
                         errs[i].http);
                assert_string_equal(out(fx), want);
                assert_string_equal(fx->type, "application/json");
        }
        /* 202 and 204 without a body have no type */
        fx->f.message = NULL;
        fx->f.status  = HERDER_NO_CONTENT;
        assert_int_equal(call(fx, "PUT", "/connectors/a/stop", ""), 204);
        assert_int_equal(fx->out.len, 0);
        assert_null(fx->type);
        fx->f.status = HERDER_ACCEPTED;
        assert_int_equal(call(fx, "PUT", "/connectors/a/pause", ""), 202);
        assert_int_equal(fx->out.len, 0);
        assert_null(fx->type);
        /* 202 with the restart plan */
        fx->f.body = "{\"name\":\"a\"}";
        assert_int_equal(call(fx, "POST",
                              "/connectors/a/restart?includeTasks=true", ""),
                         202);
        assert_string_equal(out(fx), "{\"name\":\"a\"}");
        /* an unhealthy worker: 503 with its own body */
        fx->f.status = HERDER_UNAVAILABLE;
        fx->f.body   = "{\"status\":\"unhealthy\",\"message\":\"m\"}";
        assert_int_equal(call(fx, "GET", "/health", ""), 503);
        assert_string_equal(out(fx), "{\"status\":\"unhealthy\",\"message\":\"m\"}");
        /* the metrics text keeps its type */
        fx->f.status       = HERDER_OK;
        fx->f.body         = "# HELP x\n";
        fx->f.content_type = "text/plain; version=0.0.4; charset=utf-8";
        assert_int_equal(call(fx, "GET", "/metrics", ""), 200);
        assert_string_equal(out(fx), "# HELP x\n");
        assert_string_equal(fx->type,
                            "text/plain; version=0.0.4; charset=utf-8");
        /* not the leader and no leader known: Connect's 409 */
        fx->f.status       = HERDER_FORWARD;
        fx->f.body         = NULL;
        fx->f.content_type = NULL;
        assert_int_equal(call(fx, "PUT", "/connectors/a/stop", ""), 409);
        assert_string_equal(out(fx),
                            "{\"error_code\":409,\"message\":\"Cannot complete "
                            "request momentarily due to no known leader URL, "
                            "likely because a rebalance was underway.\"}");
        /* a leader known, but this request was forwarded once already
         * (forward=false): no third hop */
        fx->f.forward_url = "http://127.0.0.1:1";
        assert_int_equal(
            call(fx, "PUT", "/connectors/a/stop?forward=false", ""), 409);
        assert_string_equal(out(fx),
                            "{\"error_code\":409,\"message\":\"Cannot complete "
                            "request because of a conflicting operation (e.g. "
                            "worker rebalance)\"}");
        /* forwarded, the leader unreachable: 500, as Connect's RestClient */
        assert_int_equal(call(fx, "PUT", "/connectors/a/stop", ""), 500);
        assert_non_null(strstr(out(fx), "IO Error trying to forward REST "
                                        "request: PUT "
                                        "http://127.0.0.1:1/connectors/a/"
                                        "stop?forward=true: "));
        fx->f.forward_url = NULL;
}

/* What REST refuses itself never reaches the herder. */
static void test_parse_errors_stay_in_rest(void **state)
{
        static const struct {
                const char *method, *target, *body;
                int http;
                const char *message;
        } bad[] = {
            {"POST", "/connectors", "\"x\"", 400,
             "Request body must be a JSON object"},
            {"POST", "/connectors", "{\"name\":1,\"config\":{}}", 400,
             "Connector name must be a string"},
            {"POST", "/connectors", "{\"name\":\"a\"}", 400,
             "Request body must have a \\\"config\\\" object"},
            {"POST", "/connectors",
             "{\"name\":\"a\",\"config\":{},\"initial_state\":\"GO\"}", 400,
             "initial_state: invalid value \\\"GO\\\": must be one of "
             "RUNNING, PAUSED, STOPPED"},
            {"PUT", "/connectors/a/config", "{\"k\":[1]}", 400,
             "Connector config value of 'k' must be a string"},
            {"GET", "/connectors/a/tasks/x/status", "", 404,
             "HTTP 404 Not Found"},
            {"POST", "/connectors/a/tasks/99999999999/restart", "", 404,
             "HTTP 404 Not Found"},
            {"PATCH", "/connectors/a/offsets", "{}", 400,
             "Partitions / offsets need to be provided for an alter offsets "
             "request"},
            {"PUT", "/admin/loggers/x", "{}", 400,
             "Desired 'level' parameter was not specified in request."},
            {"PUT", "/connector-plugins/X/config/preview?pages=0", "{}", 400,
             "pages: invalid value '0': must be 1 to 100"},
            {"GET", "/nope", "", 404, "HTTP 404 Not Found"},
            {"DELETE", "/connectors", "", 405, "HTTP 405 Method Not Allowed"},
        };
        fixture *fx = *state;
        char want[512];
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int st = call(fx, bad[i].method, bad[i].target, bad[i].body);
                if (st != bad[i].http)
                        fail_msg("%s %s: %d, want %d", bad[i].method,
                                 bad[i].target, st, bad[i].http);
                snprintf(want, sizeof(want),
                         "{\"error_code\":%d,\"message\":\"%s\"}", bad[i].http,
                         bad[i].message);
                assert_string_equal(out(fx), want);
        }
        assert_int_equal(fx->f.calls, 0);
        assert_int_equal(call(fx, "OPTIONS", "/connectors/a/pause", ""), 200);
        assert_string_equal(out(fx), "PUT, OPTIONS");
        assert_int_equal(fx->f.calls, 0);
}

/* No answer within the timeout (100 ms here): 500, and the answer that
 * comes later is dropped (ASan: nothing leaks, nothing is used freed). */
static void test_timeout_then_late_answer(void **state)
{
        fixture *fx  = *state;
        fx->f.silent = 1;
        assert_int_equal(call(fx, "GET", "/connectors/a/status", ""), 500);
        assert_string_equal(out(fx), "{\"error_code\":500,\"message\":"
                                     "\"Request timed out\"}");
        assert_non_null(fx->f.late_cb);
        herder_result *res = herder_result_new(HERDER_OK);
        assert_non_null(res);
        res->body = strdup("{}");
        fx->f.late_cb(res, fx->f.late_opaque);
}

/* The shared parts of herder.c: submit to a missing member, names. */
static void test_herder_common(void **state)
{
        static const herder_ops none = {.name = "empty"};
        herder h                     = {&none};
        herder_request rq            = {.op = HERDER_OP_FENCE_ZOMBIES};
        herder_result *res           = herder_request_sync(&h, &rq, 1000);
        assert_non_null(res);
        assert_int_equal(res->status, HERDER_ERROR);
        assert_string_equal(res->message, "This operation is not supported "
                                          "by the empty herder");
        herder_result_free(res);
        assert_int_equal(herder_status_http(HERDER_REBALANCING), 409);
        assert_int_equal(herder_status_http(HERDER_FORWARD), 0);
        assert_string_equal(herder_status_name(HERDER_NOT_FOUND), "NOT_FOUND");
        /* a message longer than the first buffer */
        char big[6000];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        res = herder_result_error(HERDER_BAD_REQUEST, "%s!", big);
        assert_non_null(res);
        assert_int_equal(strlen(res->message), sizeof(big));
        herder_result_free(res);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_every_route_asks_its_operation,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_create_arguments, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_answers_map_to_statuses,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_parse_errors_stay_in_rest,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_timeout_then_late_answer,
                                            setup, teardown),
            cmocka_unit_test(test_herder_common),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
