/* rest module: Kafka Connect's REST API over libmicrohttpd (rest_int.h).
 *
 * Status codes, messages and JSON shapes follow Kafka Connect
 * (connect-rest.md §1-3). MHD runs one thread per connection; a request
 * is read, parsed and routed there. A handler only parses (path, query,
 * body), asks the herder (herder.h) and writes its answer: the herder
 * owns the connectors, the stores and the state shown, and answers
 * through a herder_call this thread waits on, with a timeout (as
 * Connect's resources wait on a FutureCallback).
 */
#include "rest_int.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conf_int.h"
#include "fileio_int.h"
#include "herder.h"
#include "json_int.h"
#include "kvlist_int.h"
#include "listener_int.h"
#include "rest_guard_int.h"
#include "secrets_int.h"
#include "util_int.h"
#include "worker_client_int.h"

/* How long a request waits for the herder's answer (500 "Request timed
 * out" after; Connect waits 90 s). The standalone herder answers within
 * 10 s: an operation that waits for the pipeline then gives up with 409. */
#define HERDER_TIMEOUT_MS     30000
#define MAX_PEM_BYTES         (1024 * 1024)
#define STATUS_HTTP_NOT_FOUND "HTTP 404 Not Found"

#define LISTEN_TLS  1
#define LISTEN_IPV6 2

struct rest_server {
        rest_env env;
        herder *h; /* set by rest_start() */
        struct MHD_Daemon **daemons;
        int *fds;   /* bound sockets, until a daemon owns them */
        int *flags; /* LISTEN_TLS, LISTEN_IPV6 */
        size_t n_listeners;
        char *cert, *key, *key_pass; /* PEM text: MHD borrows them */
        char *auth;                  /* base64 "user:password", or NULL */
        size_t max_body;
        unsigned max_conns, max_per_client; /* per listener */
        int64_t request_timeout_ms;
        int64_t herder_timeout_ms;
        rest_guard *guard;
        char worker_host[256];
        char worker_id[300];
};

/* A request body as it arrives. */
typedef struct upload {
        strbuf body;
        int too_large;
        int oom;
        int answered; /* answered before its body: the rest is dropped */
} upload;

typedef struct request {
        rest_server *r;
        const char *method;
        const char *url;
        char *allow_buf;
        char **seg; /* decoded path segments */
        size_t n_seg;
        const char *arg[2]; /* the '*' segments of the matched route */
        kvlist query;
        httpsrc_json *json; /* parsed body, or NULL */
        char json_err[256];
        /* the answer */
        int status;
        strbuf out;
        int oom;
        const char *content_type;
        char *location;
        const char *allow;
        const char *authorization; /* the incoming header, for forwarding */
} request;

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

/* A request body as JSON: what json_parse() would alter (an unpaired
 * surrogate became '?', \u0000 cut a name short) is refused instead. */
static httpsrc_json *parse_body(const upload *u, request *q)
{
        size_t at;
        char why[160];
        httpsrc_json *v = json_parse(u->body.buf, u->body.len, q->json_err,
                                     sizeof(q->json_err));
        if (v && json_check_text(u->body.buf, u->body.len, 0, &at, why,
                                 sizeof(why))) {
                snprintf(q->json_err, sizeof(q->json_err),
                         "invalid JSON at byte %zu: %s", at, why);
                json_destroy(v);
                v = NULL;
        }
        return v;
}

/* Percent-decode @p s (and '+' as space when @p plus) into a new string;
 * NULL if malformed or decoding to a NUL byte. */
static char *pct_decode(const char *s, int plus)
{
        for (const char *pc = strchr(s, '%'); pc; pc = strchr(pc + 1, '%'))
                if (hex_digit((unsigned char)pc[1]) < 0 ||
                    hex_digit((unsigned char)pc[2]) < 0)
                        return NULL; /* curl would keep it as text */
        char *text = xstrdup(s);
        for (char *c = text; plus && c && (c = strchr(c, '+'));)
                *c++ = ' ';
        int n   = 0;
        char *d = text ? curl_easy_unescape(NULL, text, 0, &n) : NULL;
        char *out =
            d && !memchr(d, '\0', (size_t)n) ? xstrndup(d, (size_t)n) : NULL;
        curl_free(d);
        free(text);
        return out;
}

/* Append @p s percent-encoded (everything but RFC 3986 unreserved). */
static int pct_encode(strbuf *sb, const char *s)
{
        char *e = curl_easy_escape(NULL, s, 0);
        int rc  = !e || sb_puts(sb, e);
        curl_free(e);
        return rc ? -1 : 0;
}

/* Java's String.trim(): drop bytes <= ' ' at both ends, in place. */
static char *java_trim(char *s)
{
        size_t len = strlen(s), start = 0;
        while (len && (unsigned char)s[len - 1] <= ' ')
                s[--len] = '\0';
        while ((unsigned char)s[start] && (unsigned char)s[start] <= ' ')
                start++;
        memmove(s, s + start, len - start + 1);
        return s;
}

/* ------------------------------------------------------------------ */
/* writing the answer                                                  */

static void o_raw(request *q, const char *s)
{
        if (!q->oom && sb_puts(&q->out, s))
                q->oom = 1;
}

static void reply(request *q, int status)
{
        q->status       = status;
        q->content_type = "application/json";
}

static void reply_empty(request *q, int status)
{
        sb_reset(&q->out);
        q->status       = status;
        q->content_type = NULL;
}

/* {"error_code": N, "message": "..."}, N the HTTP status. */
static void reply_error_text(request *q, int status, const char *msg)
{
        sb_reset(&q->out);
        reply(q, status);
        if (sb_printf(&q->out, "{\"error_code\":%d,\"message\":", status) ||
            json_write_string(&q->out, msg, strlen(msg)) ||
            sb_puts(&q->out, "}"))
                q->oom = 1;
}

static void reply_error(request *q, int status, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
static void reply_error(request *q, int status, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        reply_error_text(q, status, buf);
}

/* ------------------------------------------------------------------ */
/* request bodies                                                      */

/* The body as a JSON object, or NULL with a 400 answered. */
static const httpsrc_json *need_object(request *q)
{
        if (!q->json) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Request body is not valid JSON: %s", q->json_err);
                return NULL;
        }
        if (json_type(q->json) != HTTPSRC_JSON_OBJECT) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Request body must be a JSON object");
                return NULL;
        }
        return q->json;
}

/* Connect's Map<String,String>: scalars become their text; a null is
 * kept as a removal when @p keep_null (PATCH), else skipped. */
static int
config_of(request *q, const httpsrc_json *obj, kvlist *out, int keep_null)
{
        for (size_t i = 0; i < json_len(obj); i++) {
                const httpsrc_json *v = json_at(obj, i);
                const char *k         = json_key_at(obj, i);
                int t                 = json_type(v);
                if (t == HTTPSRC_JSON_OBJECT || t == HTTPSRC_JSON_ARRAY) {
                        reply_error(q, MHD_HTTP_BAD_REQUEST,
                                    "Connector config value of '%s' must be "
                                    "a string",
                                    k);
                        return -1;
                }
                int bad;
                if (t == HTTPSRC_JSON_NULL) {
                        /* a patch applies its entries in order */
                        bad = keep_null && kvl_add(out, k, NULL);
                } else {
                        char *text = json_scalar_text(v);
                        bad        = !text || (keep_null ? kvl_add(out, k, text)
                                                         : kvl_set(out, k, text));
                        free(text);
                }
                if (bad) {
                        q->oom = 1;
                        return -1;
                }
        }
        return 0;
}

/* "name" in a config must equal the connector's name. */
/* ------------------------------------------------------------------ */
/* asking the herder                                                   */

static void set_location(request *q, const char *name)
{
        strbuf sb = {0};
        if (sb_puts(&sb, "/connectors/") || pct_encode(&sb, name))
                q->oom = 1;
        free(q->location);
        q->location = sb_steal(&sb);
}

/* Connect's HerderRequestHandler.completeOrForwardRequest: the request
 * again at @p target (the leader or the owner), with ?forward=true from
 * the worker that received it (the target may forward once more) and
 * forward=false from there; the other query parameters, the JSON body
 * re-serialized and the Authorization header go along. The remote answer
 * (status and body, errors too) is this one. */
static void forward(request *q, const char *target)
{
        const char *fwd = kvl_get(&q->query, "forward");
        if (!target) {
                reply_error(q, MHD_HTTP_CONFLICT,
                            "Cannot complete request momentarily due to no "
                            "known leader URL, likely because a rebalance "
                            "was underway.");
                return;
        }
        if (fwd && !strcmp(fwd, "false")) {
                reply_error(q, MHD_HTTP_CONFLICT,
                            "Cannot complete request because of a "
                            "conflicting operation (e.g. worker rebalance)");
                return;
        }
        strbuf path = {0};
        int bad = sb_puts(&path, q->url) ||
                  sb_printf(&path, "?forward=%s", fwd ? "false" : "true");
        for (size_t i = 0; !bad && i < q->query.n; i++) {
                if (!strcmp(q->query.v[i].key, "forward"))
                        continue;
                bad = sb_putc(&path, '&') ||
                      pct_encode(&path, q->query.v[i].key) ||
                      (q->query.v[i].value &&
                       (sb_putc(&path, '=') ||
                        pct_encode(&path, q->query.v[i].value)));
        }
        char *url  = bad ? NULL : worker_url_join(target, path.buf);
        size_t len = 0;
        char *body = q->json ? json_serialize(q->json, &len) : NULL;
        strbuf out = {0};
        char err[512];
        long st = -1;
        if (url && (body || !q->json))
                st = worker_request(q->method, url, body, len,
                                    q->authorization, q->r->herder_timeout_ms,
                                    &out, err, sizeof(err));
        else
                errstr_set(err, sizeof(err), "out of memory");
        if (st < 0) {
                reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "IO Error trying to forward REST request: %s",
                            err);
        } else if (st == MHD_HTTP_NO_CONTENT || !out.len) {
                reply_empty(q, (int)st);
        } else {
                reply(q, (int)st);
                o_raw(q, out.buf);
        }
        free(url);
        free(body);
        sb_free(&path);
        sb_free(&out);
}

/* Write the herder's answer: its entity, or {"error_code","message"}. */
static void answer_with(request *q, const herder_result *res)
{
        if (!res) {
                q->oom = 1;
                return;
        }
        int http = herder_status_http(res->status);
        if (res->status == HERDER_FORWARD) {
                forward(q, res->forward_url); /* a distributed herder's */
        } else if (res->message) {
                reply_error_text(q, http, res->message);
        } else if (res->body) {
                reply(q, http);
                if (res->content_type)
                        q->content_type = res->content_type;
                o_raw(q, res->body);
        } else if (http >= 400) {
                reply_error_text(q, http, "out of memory");
        } else {
                reply_empty(q, http);
        }
}

/* Ask the herder @p op about @p rq (op set here) and answer with what it
 * says; wait at most herder_timeout_ms. */
static void ask(request *q, herder_op op, herder_request *rq)
{
        rq->op             = op;
        herder_result *res = herder_request_sync(q->r->h, rq,
                                                 q->r->herder_timeout_ms);
        answer_with(q, res);
        if (res && res->status == HERDER_CREATED && rq->connector)
                set_location(q, rq->connector);
        herder_result_free(res);
}

/* Ask about the connector named by the route. */
static void ask_connector(request *q, herder_op op)
{
        herder_request rq = {.connector = q->arg[0]};
        ask(q, op, &rq);
}

static const char *query_get(const request *q, const char *key)
{
        return kvl_get(&q->query, key);
}

/* Jersey's Boolean: "true" in any case is true, anything else false. */
static int query_bool(const request *q, const char *key, int dflt)
{
        const char *v = query_get(q, key);
        return v ? strcaseeq(v, "true") : dflt;
}

/* A task id segment: a decimal int (Jersey answers 404 for others). */
static int task_id(request *q, int *id)
{
        char *end;
        errno   = 0;
        long v  = strtol(q->arg[1], &end, 10);
        if (!*q->arg[1] || *end || errno || v < INT32_MIN || v > INT32_MAX) {
                reply_error(q, MHD_HTTP_NOT_FOUND, STATUS_HTTP_NOT_FOUND);
                return -1;
        }
        *id = (int)v;
        return 0;
}

/* ------------------------------------------------------------------ */
/* handlers: each asks the herder operation of its route               */

/* No argument: GET /, /health, /metrics, /admin/loggers. */
static void ask_worker(request *q, herder_op op)
{
        herder_request rq = {0};
        ask(q, op, &rq);
}

/* About the plugin, or the logger, the route names. */
static void ask_named(request *q, herder_op op)
{
        herder_request rq = {.plugin = q->arg[0]};
        ask(q, op, &rq);
}

/* GET .../tasks/{t}/status, POST .../tasks/{t}/restart */
static void ask_task(request *q, herder_op op)
{
        herder_request rq = {.connector = q->arg[0]};
        if (!task_id(q, &rq.task))
                ask(q, op, &rq);
}

/* A plugin operation on a config body (validate, preview). */
static void ask_plugin_config(request *q, herder_op op, long pages)
{
        const httpsrc_json *body = need_object(q);
        kvlist cfg               = {0};
        if (body && !config_of(q, body, &cfg, 0)) {
                herder_request rq = {
                    .plugin = q->arg[0], .config = &cfg, .pages = pages};
                ask(q, op, &rq);
        }
        kvl_free(&cfg);
}

static void h_validate(request *q, herder_op op)
{
        ask_plugin_config(q, op, 0);
}

static void h_plugins(request *q, herder_op op)
{
        herder_request rq = {
            .flags = query_bool(q, "connectorsOnly", 1)
                         ? HERDER_F_CONNECTORS_ONLY
                         : 0};
        ask(q, op, &rq);
}

static void h_list(request *q, herder_op op)
{
        herder_request rq = {0};
        if (kvl_index(&q->query, "expand") >= 0)
                rq.flags |= HERDER_F_EXPAND;
        for (size_t i = 0; i < q->query.n; i++) {
                const kv *e = &q->query.v[i];
                if (strcmp(e->key, "expand") || !e->value)
                        continue;
                if (!strcmp(e->value, "status"))
                        rq.flags |= HERDER_F_EXPAND_STATUS;
                if (!strcmp(e->value, "info"))
                        rq.flags |= HERDER_F_EXPAND_INFO;
        }
        ask(q, op, &rq);
}

static int parse_initial_state(request *q,
                               const httpsrc_json *v,
                               herder_target *target)
{
        static const struct {
                httpsrc_state state; /* named by httpsrc_state_name() */
                herder_target target;
        } states[] = {{HTTPSRC_STATE_RUNNING, HERDER_TARGET_STARTED},
                      {HTTPSRC_STATE_PAUSED, HERDER_TARGET_PAUSED},
                      {HTTPSRC_STATE_STOPPED, HERDER_TARGET_STOPPED}};
        *target = HERDER_TARGET_STARTED;
        if (!v || json_type(v) == HTTPSRC_JSON_NULL)
                return 0;
        for (size_t i = 0; json_type(v) == HTTPSRC_JSON_STRING && i < 3; i++)
                if (strcaseeq(json_string(v),
                              httpsrc_state_name(states[i].state))) {
                        *target = states[i].target;
                        return 0;
                }
        char *text = json_serialize(v, NULL);
        reply_error(q, MHD_HTTP_BAD_REQUEST,
                    "initial_state: invalid value %s: must be one of "
                    "RUNNING, PAUSED, STOPPED",
                    text ? text : "?");
        free(text);
        return -1;
}

/* POST /connectors {"name", "config", "initial_state"} */
static void h_create(request *q, herder_op op)
{
        const httpsrc_json *body = need_object(q);
        if (!body)
                return;
        const httpsrc_json *jn = json_get(body, "name");
        const httpsrc_json *jc = json_get(body, "config");
        herder_target target;
        if (jn && json_type(jn) != HTTPSRC_JSON_STRING &&
            json_type(jn) != HTTPSRC_JSON_NULL) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Connector name must be a string");
                return;
        }
        if (json_type(jc) != HTTPSRC_JSON_OBJECT) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Request body must have a \"config\" object");
                return;
        }
        if (parse_initial_state(q, json_get(body, "initial_state"), &target))
                return;
        char *name = xstrdup(
            json_type(jn) == HTTPSRC_JSON_STRING ? json_string(jn) : "");
        kvlist cfg = {0};
        if (!name || config_of(q, jc, &cfg, 0)) {
                q->oom |= !name;
        } else {
                herder_request rq = {.connector = java_trim(name),
                                     .config    = &cfg,
                                     .target    = target};
                ask(q, op, &rq);
        }
        kvl_free(&cfg);
        free(name);
}

/* PUT (the whole config) or PATCH (merged, a null value removes the key)
 * /connectors/{c}/config. */
static void h_config(request *q, herder_op op)
{
        const httpsrc_json *body = need_object(q);
        kvlist cfg               = {0};
        if (body && !config_of(q, body, &cfg, op == HERDER_OP_PATCH_CONFIG)) {
                herder_request rq = {.connector = q->arg[0],
                                     .config    = &cfg,
                                     .flags     = HERDER_F_ALLOW_REPLACE};
                ask(q, op, &rq);
        }
        kvl_free(&cfg);
}

/* POST /connectors/{c}/restart[?includeTasks=&onlyFailed=] */
static void h_restart(request *q, herder_op op)
{
        herder_request rq = {.connector = q->arg[0]};
        if (query_bool(q, "includeTasks", 0))
                rq.flags |= HERDER_F_INCLUDE_TASKS;
        if (query_bool(q, "onlyFailed", 0))
                rq.flags |= HERDER_F_ONLY_FAILED;
        ask(q, op, &rq);
}

/* Offset and partition maps hold primitives (OffsetUtils.validateFormat). */
static int flat_map(const httpsrc_json *m)
{
        for (size_t i = 0; i < json_len(m); i++) {
                int t = json_type(json_at(m, i));
                if (t == HTTPSRC_JSON_OBJECT || t == HTTPSRC_JSON_ARRAY)
                        return 0;
        }
        return 1;
}

/* The "offsets" array of a PATCH body, or NULL with a 400 answered. */
static const httpsrc_json *offsets_body(request *q)
{
        const httpsrc_json *body = need_object(q);
        const httpsrc_json *offs = body ? json_get(body, "offsets") : NULL;
        if (!body)
                return NULL;
        if (!offs || json_type(offs) == HTTPSRC_JSON_NULL ||
            (json_type(offs) == HTTPSRC_JSON_ARRAY && !json_len(offs))) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Partitions / offsets need to be provided for an "
                            "alter offsets request");
                return NULL;
        }
        if (json_type(offs) != HTTPSRC_JSON_ARRAY) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "\"offsets\" must be an array of "
                            "{\"partition\": {...}, \"offset\": {...}}");
                return NULL;
        }
        for (size_t i = 0; i < json_len(offs); i++) {
                const httpsrc_json *e    = json_at(offs, i);
                const httpsrc_json *part = json_get(e, "partition");
                const httpsrc_json *off  = json_get(e, "offset");
                int ot = off ? json_type(off) : HTTPSRC_JSON_NULL;
                const char *why =
                    json_type(e) != HTTPSRC_JSON_OBJECT
                        ? "must be an object with \"partition\" and "
                          "\"offset\""
                    : json_type(part) != HTTPSRC_JSON_OBJECT
                        ? "\"partition\" must be a JSON object"
                    : ot != HTTPSRC_JSON_OBJECT && ot != HTTPSRC_JSON_NULL
                        ? "\"offset\" must be a JSON object or null"
                    : !flat_map(part) || (off && !flat_map(off))
                        ? "partitions and offsets may only contain "
                          "primitive values (string, number, boolean, null)"
                        : NULL;
                if (why) {
                        reply_error(q, MHD_HTTP_BAD_REQUEST, "offsets[%zu]: %s",
                                    i, why);
                        return NULL;
                }
        }
        return offs;
}

/* PATCH /connectors/{c}/offsets: the herder gets the "offsets" array. */
static void h_offsets_alter(request *q, herder_op op)
{
        const httpsrc_json *offs = offsets_body(q);
        char *text               = offs ? json_serialize(offs, NULL) : NULL;
        if (offs && !text)
                q->oom = 1;
        if (text) {
                herder_request rq = {.connector = q->arg[0],
                                     .text      = text,
                                     .text_len  = strlen(text)};
                ask(q, op, &rq);
        }
        free(text);
}

static void h_logger_put(request *q, herder_op op)
{
        const httpsrc_json *body = need_object(q);
        const httpsrc_json *jl   = body ? json_get(body, "level") : NULL;
        char *want               = jl ? json_scalar_text(jl) : NULL;
        if (body && !want) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Desired 'level' parameter was not specified in "
                            "request.");
        } else if (want) {
                herder_request rq = {.plugin = q->arg[0], .text = want};
                if (strcaseeq(query_get(q, "scope"), "cluster"))
                        rq.flags |= HERDER_F_SCOPE_CLUSTER;
                ask(q, op, &rq);
        }
        free(want);
}

/* PUT /connector-plugins/{class}/config/preview?pages=N (preview.c): the
 * herder runs it on this thread, never on the loop. */
static void h_preview(request *q, herder_op op)
{
        const char *pg           = query_get(q, "pages");
        char *end                = NULL;
        long pages               = pg ? strtol(pg, &end, 10) : 1;
        const httpsrc_json *body = need_object(q);
        kvlist cfg               = {0};
        if (!body || config_of(q, body, &cfg, 0))
                goto out;
        if (pages < 1 || pages > 100 || (end && *end)) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "pages: invalid value '%s': must be 1 to 100", pg);
                goto out;
        }
        herder_request rq = {
            .plugin = q->arg[0], .config = &cfg, .pages = pages};
        ask(q, op, &rq);
out:
        kvl_free(&cfg);
}

/* Internal (distributed.md §3.4): POST /connectors/{c}/tasks, the task
 * configs a connector's owner sends to the leader (a JSON array of maps;
 * PUT /connectors/{c}/fence goes to ask_connector). */
static void h_put_task_configs(request *q, herder_op op)
{
        if (!q->json || json_type(q->json) != HTTPSRC_JSON_ARRAY) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Request body must be a JSON array of task "
                            "configs");
                return;
        }
        char *text = json_serialize(q->json, NULL);
        if (!text) {
                q->oom = 1;
                return;
        }
        herder_request rq = {.connector = q->arg[0],
                             .text      = text,
                             .text_len  = strlen(text)};
        ask(q, op, &rq);
        free(text);
}

/* ------------------------------------------------------------------ */
/* routing                                                             */

typedef void (*handler)(request *q, herder_op op);

static const struct route {
        const char *method;
        const char *path; /* '*': any one segment */
        handler fn;
        herder_op op;
} routes[] = {
    {"GET", "", ask_worker, HERDER_OP_WORKER_INFO},
    {"GET", "health", ask_worker, HERDER_OP_HEALTH},
    {"GET", "metrics", ask_worker, HERDER_OP_METRICS},
    {"GET", "connectors", h_list, HERDER_OP_CONNECTORS},
    {"POST", "connectors", h_create, HERDER_OP_PUT_CONFIG},
    {"GET", "connectors/*", ask_connector, HERDER_OP_CONNECTOR_INFO},
    {"DELETE", "connectors/*", ask_connector, HERDER_OP_DELETE},
    {"GET", "connectors/*/config", ask_connector, HERDER_OP_CONNECTOR_CONFIG},
    {"PUT", "connectors/*/config", h_config, HERDER_OP_PUT_CONFIG},
    {"PATCH", "connectors/*/config", h_config, HERDER_OP_PATCH_CONFIG},
    {"GET", "connectors/*/status", ask_connector, HERDER_OP_CONNECTOR_STATUS},
    {"GET", "connectors/*/tasks", ask_connector, HERDER_OP_TASK_CONFIGS},
    {"POST", "connectors/*/tasks", h_put_task_configs,
     HERDER_OP_PUT_TASK_CONFIGS},
    {"PUT", "connectors/*/fence", ask_connector, HERDER_OP_FENCE_ZOMBIES},
    /* deprecated: {"<c>-0": {...}} */
    {"GET", "connectors/*/tasks-config", ask_connector,
     HERDER_OP_TASKS_CONFIG},
    {"GET", "connectors/*/tasks/*/status", ask_task, HERDER_OP_TASK_STATUS},
    {"POST", "connectors/*/tasks/*/restart", ask_task,
     HERDER_OP_RESTART_TASK},
    {"POST", "connectors/*/restart", h_restart, HERDER_OP_RESTART},
    {"PUT", "connectors/*/pause", ask_connector, HERDER_OP_PAUSE},
    {"PUT", "connectors/*/resume", ask_connector, HERDER_OP_RESUME},
    {"PUT", "connectors/*/stop", ask_connector, HERDER_OP_STOP},
    {"GET", "connectors/*/offsets", ask_connector, HERDER_OP_OFFSETS},
    {"PATCH", "connectors/*/offsets", h_offsets_alter,
     HERDER_OP_ALTER_OFFSETS},
    {"DELETE", "connectors/*/offsets", ask_connector,
     HERDER_OP_RESET_OFFSETS},
    {"GET", "connectors/*/topics", ask_connector, HERDER_OP_ACTIVE_TOPICS},
    {"PUT", "connectors/*/topics/reset", ask_connector,
     HERDER_OP_RESET_TOPICS},
    {"GET", "connector-plugins", h_plugins, HERDER_OP_PLUGINS},
    {"GET", "connector-plugins/*/config", ask_named, HERDER_OP_PLUGIN_CONFIG},
    {"PUT", "connector-plugins/*/config/validate", h_validate,
     HERDER_OP_VALIDATE},
    {"GET", "admin/loggers", ask_worker, HERDER_OP_LOGGERS},
    {"GET", "admin/loggers/*", ask_named, HERDER_OP_LOGGER_LEVEL},
    {"PUT", "admin/loggers/*", h_logger_put, HERDER_OP_SET_LOGGER},
};

/* 1 if the segments match @p path; the '*' segments go to q->arg. */
static int path_matches(request *q, const char *path)
{
        size_t n_arg  = 0;
        const char *s = path;
        if (!*path)
                return q->n_seg == 0;
        for (size_t i = 0;; i++) {
                size_t len = strcspn(s, "/");
                if (i >= q->n_seg)
                        return 0;
                if (len == 1 && *s == '*') {
                        if (n_arg < 2)
                                q->arg[n_arg++] = q->seg[i];
                } else if (strlen(q->seg[i]) != len ||
                           strncmp(q->seg[i], s, len)) {
                        return 0;
                }
                if (!s[len])
                        return i + 1 == q->n_seg;
                s += len + 1;
        }
}

static void options(request *q, const char *allow)
{
        reply_empty(q, MHD_HTTP_OK);
        q->content_type = "text/plain";
        q->allow        = allow;
        o_raw(q, allow);
}

static void route(request *q)
{
        char methods[128] = "";
        int opts          = !strcmp(q->method, "OPTIONS");
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                if (!path_matches(q, routes[i].path))
                        continue;
                if (!opts && !strcmp(routes[i].method, q->method)) {
                        routes[i].fn(q, routes[i].op);
                        return;
                }
                size_t n = strlen(methods);
                snprintf(methods + n, sizeof(methods) - n, "%s%s",
                         n ? ", " : "", routes[i].method);
        }
        if (!*methods) {
                reply_error(q, MHD_HTTP_NOT_FOUND, STATUS_HTTP_NOT_FOUND);
        } else if (opts) {
                strbuf a = {0};
                if (sb_printf(&a, "%s, OPTIONS", methods))
                        q->oom = 1;
                q->allow_buf = sb_steal(&a);
                options(q, q->allow_buf ? q->allow_buf : "");
        } else {
                reply_error(q, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "HTTP 405 Method Not Allowed");
        }
}

/* ------------------------------------------------------------------ */
/* the MHD side                                                        */

/* Keep %XX and '+' as they are: names may hold '/', so the path is
 * split before it is decoded (and the query too, by us). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
        return strlen(s);
}

static void request_free(request *q)
{
        for (size_t i = 0; i < q->n_seg; i++)
                free(q->seg[i]);
        free(q->seg);
        kvl_free(&q->query);
        json_destroy(q->json);
        sb_free(&q->out);
        free(q->location);
        free(q->allow_buf);
}

/* "/a/b%2Fc/" -> "a", "b/c": split first, then decode each segment. */
static int split_path(request *q, const char *url)
{
        const char *s = url + (*url == '/');
        size_t len    = strlen(s);
        if (len && s[len - 1] == '/') /* "/connectors/" is "/connectors" */
                len--;
        for (size_t start = 0; len && start <= len;) {
                size_t n = start;
                while (n < len && s[n] != '/')
                        n++;
                char *raw = xstrndup(s + start, n - start);
                char *dec = raw ? pct_decode(raw, 0) : NULL;
                char **ns = realloc(q->seg, (q->n_seg + 1) * sizeof(*ns));
                free(raw);
                if (ns)
                        q->seg = ns;
                if (!dec || !ns) {
                        free(dec);
                        return -1;
                }
                q->seg[q->n_seg++] = dec;
                start              = n + 1;
        }
        return 0;
}

static enum MHD_Result add_query(void *cls,
                                 enum MHD_ValueKind kind,
                                 const char *key,
                                 const char *value)
{
        request *q = cls;
        char *k    = pct_decode(key, 1);
        char *v    = value ? pct_decode(value, 1) : NULL;
        if (k && (v || !value) && kvl_add(&q->query, k, v))
                q->oom = 1;
        free(k);
        free(v);
        return MHD_YES;
}

static int authorized(rest_server *r, struct MHD_Connection *conn)
{
        if (!r->auth)
                return 1;
        const char *h =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!h || strncasecmp(h, "Basic ", 6))
                return 0;
        h += 6;
        while (*h == ' ')
                h++;
        size_t n = strlen(h), want = strlen(r->auth);
        while (n && h[n - 1] == ' ')
                n--;
        return n == want && !CRYPTO_memcmp(h, r->auth, n);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, request *q)
{
        size_t len = q->out.len;
        char *body = len ? sb_steal(&q->out) : NULL;
        struct MHD_Response *resp =
            body ? MHD_create_response_from_buffer(len, body,
                                                   MHD_RESPMEM_MUST_FREE)
                 : MHD_create_response_from_buffer(0, (void *)"",
                                                   MHD_RESPMEM_PERSISTENT);
        if (!resp) {
                free(body);
                return MHD_NO;
        }
        if (q->content_type)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                        q->content_type);
        if (q->status == MHD_HTTP_CREATED && q->location)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
                                        q->location);
        if (q->allow)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, q->allow);
        if (q->status == MHD_HTTP_UNAUTHORIZED)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                        "Basic realm=\"httpsrc-connect\"");
        enum MHD_Result rc =
            MHD_queue_response(conn, (unsigned)q->status, resp);
        MHD_destroy_response(resp);
        return rc;
}

/* PUT /connector-plugins/{class}/config/preview (preview.c). It runs on
 * the request's own thread, not through the loop: a preview waits for an
 * API for seconds, which would stall every connector. */
static int is_preview(request *q)
{
        return !strcmp(q->method, "PUT") &&
               path_matches(q, "connector-plugins/*/config/preview");
}

/* An authorized request, its query parameters in q->query: what needs no
 * MHD (shared by answer() and rest_handle()). */
static void handle(rest_server *r, request *q, const upload *u)
{
        if (u->too_large) {
                reply_error(q, MHD_HTTP_CONTENT_TOO_LARGE,
                            "Request body is larger than "
                            "rest.max.request.bytes (%zu bytes)",
                            r->max_body);
        } else if (u->oom) {
                reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
        } else if (split_path(q, q->url)) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Malformed percent-encoding in the request path");
        } else {
                if (u->body.len)
                        q->json = parse_body(u, q);
                else
                        snprintf(q->json_err, sizeof(q->json_err),
                                 "empty body");
                if (is_preview(q))
                        h_preview(q, HERDER_OP_PREVIEW);
                else
                        route(q);
                if (q->oom)
                        reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                    "out of memory");
                log_msg(r->env.lg, HTTPSRC_LOG_DEBUG, NULL,
                        "REST \"%s %s\" %d", q->method, q->url, q->status);
        }
}

static enum MHD_Result answer(rest_server *r,
                              struct MHD_Connection *conn,
                              const char *url,
                              const char *method,
                              upload *u)
{
        request q = {.r = r, .method = method, .url = url};
        q.authorization =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        u->answered = 1;
        rest_guard_answering(conn, 1);
        if (!authorized(r, conn)) {
                reply_error(&q, MHD_HTTP_UNAUTHORIZED,
                            "Authentication required (HTTP Basic)");
        } else {
                MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
                                          add_query, &q);
                handle(r, &q, u);
        }
        enum MHD_Result rc = send_reply(conn, &q);
        request_free(&q);
        return rc;
}

/* The query string as MHD splits it for add_query(): '&' between
 * arguments, the first '=' between key and value (none: NULL value). */
static void add_query_string(request *q, char *s)
{
        char *save = NULL;
        for (char *arg = strtok_r(s, "&", &save); arg;
             arg       = strtok_r(NULL, "&", &save)) {
                char *eq = strchr(arg, '=');
                if (eq)
                        *eq++ = '\0';
                add_query(q, MHD_GET_ARGUMENT_KIND, arg, eq);
        }
}

/* Not used by the server: drives the handlers without MHD and sockets for
 * tests/fuzz/fuzz_rest.c (rest_int.h). */
int rest_handle(rest_server *r,
                const char *method,
                const char *target,
                const char *body,
                size_t len,
                strbuf *out,
                const char **content_type)
{
        size_t plen = strcspn(target, "?");
        char *path  = xstrndup(target, plen);
        char *query = xstrdup(target[plen] ? target + plen + 1 : "");
        request q   = {.r = r, .method = method, .url = path};
        upload u    = {.too_large = len > r->max_body};
        if (!path || !query || (!u.too_large && sb_append(&u.body, body, len)))
                u.oom = 1;
        else
                add_query_string(&q, query);
        handle(r, &q, &u);
        int status    = q.status;
        *content_type = q.content_type;
        sb_free(out);
        *out  = q.out;
        q.out = (strbuf){0};
        request_free(&q);
        sb_free(&u.body);
        free(path);
        free(query);
        return status;
}

static enum MHD_Result on_request(void *cls,
                                  struct MHD_Connection *conn,
                                  const char *url,
                                  const char *method,
                                  const char *version,
                                  const char *data,
                                  size_t *data_size,
                                  void **con_cls)
{
        rest_server *r = cls;
        upload *u      = *con_cls;
        if (!u) {
                *con_cls = u = calloc(1, sizeof(*u));
                if (!u)
                        return MHD_NO;
                /* Decided before a byte of the body is read: a client
                 * without credentials, or announcing a body over the
                 * limit, is answered at once and nothing is buffered. */
                const char *cl = MHD_lookup_connection_value(
                    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
                u->too_large = cl && strtoull(cl, NULL, 10) > r->max_body;
                if (!authorized(r, conn) || u->too_large)
                        return answer(r, conn, url, method, u);
                return MHD_YES;
        }
        if (u->answered) {
                *data_size = 0;
                return MHD_YES;
        }
        if (*data_size) { /* too large: read on, keep nothing */
                if (!u->too_large && u->body.len + *data_size > r->max_body) {
                        u->too_large = 1;
                        sb_free(&u->body);
                }
                if (!u->too_large && sb_append(&u->body, data, *data_size))
                        u->oom = 1;
                *data_size = 0;
                return MHD_YES;
        }
        return answer(r, conn, url, method, u);
}

static void on_completed(void *cls,
                         struct MHD_Connection *conn,
                         void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
        upload *u = *con_cls;
        if (u)
                sb_free(&u->body);
        free(u);
        *con_cls = NULL;
        rest_guard_answering(conn, 0);
}

/* ------------------------------------------------------------------ */
/* setup                                                               */

/* A listening socket on @p ai, or -1 with errno set. */
static int bind_one(const struct addrinfo *ai)
{
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
        if (fd < 0)
                return -1;
        /* "" binds 0.0.0.0 and :: side by side */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
            (ai->ai_family == AF_INET6 &&
             setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on))) ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64)) {
                int err = errno;
                close(fd);
                errno = err;
                return -1;
        }
        return fd;
}

static int add_socket(rest_server *r, int fd, int flags)
{
        int *nf = realloc(r->fds, (r->n_listeners + 1) * sizeof(*nf));
        if (nf)
                r->fds = nf;
        int *nt =
            nf ? realloc(r->flags, (r->n_listeners + 1) * sizeof(*nt)) : NULL;
        if (!nt)
                return -1;
        r->flags                   = nt;
        r->fds[r->n_listeners]     = fd;
        r->flags[r->n_listeners++] = flags;
        return 0;
}

static void log_listening(rest_server *r, int fd, int tls)
{
        struct sockaddr_storage ss;
        socklen_t sl                = sizeof(ss);
        char addr[INET6_ADDRSTRLEN] = "?";
        int port = 0, v6 = 0;
        if (!getsockname(fd, (struct sockaddr *)&ss, &sl)) {
                v6                            = ss.ss_family == AF_INET6;
                const struct sockaddr_in6 *s6 = (const void *)&ss;
                const struct sockaddr_in *s4  = (const void *)&ss;
                inet_ntop(ss.ss_family,
                          v6 ? (const void *)&s6->sin6_addr
                             : (const void *)&s4->sin_addr,
                          addr, sizeof(addr));
                port = ntohs(v6 ? s6->sin6_port : s4->sin_port);
        }
        if (!*r->worker_id) /* the first listener's */
                snprintf(r->worker_id, sizeof(r->worker_id), "%s:%d",
                         r->worker_host, port);
        log_msg(r->env.lg, HTTPSRC_LOG_INFO, NULL,
                "REST API listening on %s://%s%s%s:%d", tls ? "https" : "http",
                v6 ? "[" : "", addr, v6 ? "]" : "", port);
}

/* Bind every address @p l names (localhost may be 127.0.0.1 and ::1);
 * one the host cannot have (no IPv6) is skipped if another binds. */
static int bind_spec(rest_server *r,
                     const listener_spec *l,
                     const char *item,
                     char *errstr,
                     size_t errstr_size)
{
        struct addrinfo hints = {.ai_family   = AF_UNSPEC,
                                 .ai_socktype = SOCK_STREAM,
                                 .ai_flags    = AI_PASSIVE | AI_NUMERICSERV},
                        *res  = NULL;
        int rc = getaddrinfo(*l->host ? l->host : NULL, l->port, &hints, &res);
        if (rc) {
                errstr_set(errstr, errstr_size,
                           "listeners: cannot listen on %s: %s", item,
                           gai_strerror(rc));
                return HTTPSRC_ERR_INVAL;
        }
        int bound = 0, err = 0;
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                int fd = bind_one(ai);
                if (fd < 0) {
                        err = errno;
                        if (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)
                                continue;
                        break;
                }
                err = 0;
                if (add_socket(
                        r, fd,
                        (l->tls ? LISTEN_TLS : 0) |
                            (ai->ai_family == AF_INET6 ? LISTEN_IPV6 : 0))) {
                        close(fd);
                        err = ENOMEM;
                        break;
                }
                log_listening(r, fd, l->tls);
                bound++;
                /* port 0: one address, or each would get its own port */
                if (!strcmp(l->port, "0"))
                        break;
        }
        freeaddrinfo(res);
        int fatal = err && err != EADDRNOTAVAIL && err != EAFNOSUPPORT;
        if (!fatal && bound)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size, "listeners: cannot listen on %s: %s",
                   item, strerror(err ? err : EADDRNOTAVAIL));
        return HTTPSRC_ERR_IO;
}

static char *
read_pem(const char *key, const char *path, char *errstr, size_t errstr_size)
{
        if (!path) {
                errstr_set(errstr, errstr_size,
                           "%s: required for https:// listeners", key);
                return NULL;
        }
        strbuf sb = {0};
        int err;
        int rc = fileio_read(path, MAX_PEM_BYTES, &sb, &err);
        if (rc == HTTPSRC_ERR_IO || rc == HTTPSRC_ERR_NOENT)
                errstr_set(errstr, errstr_size, "%s: cannot open %s: %s", key,
                           path, strerror(err));
        else if (rc || !sb.len)
                errstr_set(errstr, errstr_size, "%s: %s: %s", key, path,
                           rc ? "not a PEM file of at most 1 MiB" : "empty");
        if (rc || !sb.len) {
                sb_free(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}

/* ${provider:...} values are resolved with the worker's providers. */
static char *resolve(const rest_server *r,
                     const char *key,
                     const char *value,
                     char *errstr,
                     size_t errstr_size)
{
        char *out = NULL, why[512];
        if (!value)
                return NULL;
        if (!secrets_has_refs(value))
                return xstrdup(value);
        /* Passwords are used as they are: not escaped for templates. */
        if (secrets_resolve_plain(r->env.secrets, value, &out, why,
                                  sizeof(why)) != HTTPSRC_OK) {
                errstr_set(errstr, errstr_size, "%s: %s", key, why);
                return NULL;
        }
        return out;
}

static int setup_tls(rest_server *r, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *w = r->env.worker;
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
                errstr_set(errstr, errstr_size,
                           "listeners: https:// needs libmicrohttpd with TLS "
                           "support");
                return HTTPSRC_ERR_INVAL;
        }
        const char *ck = "listeners.https.ssl.certificate.location";
        const char *kk = "listeners.https.ssl.key.location";
        const char *pk = "listeners.https.ssl.key.password";
        r->cert        = read_pem(ck, conf_get_set(w, ck), errstr, errstr_size);
        r->key         = r->cert
                             ? read_pem(kk, conf_get_set(w, kk), errstr, errstr_size)
                             : NULL;
        if (!r->key)
                return HTTPSRC_ERR_INVAL;
        const char *pass = conf_get_set(w, pk);
        if (pass &&
            !(r->key_pass = resolve(r, pk, pass, errstr, errstr_size)))
                return HTTPSRC_ERR_INVAL;
        return HTTPSRC_OK;
}

static int setup_auth(rest_server *r, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *w = r->env.worker;
        const char *user      = conf_get_set(w, "rest.auth.user");
        const char *pass      = conf_get_set(w, "rest.auth.password");
        if (!user && !pass)
                return HTTPSRC_OK;
        if (!user || !*user || strchr(user, ':') || !pass) {
                errstr_set(errstr, errstr_size,
                           !user || !*user ? "rest.auth.user: required with "
                                             "rest.auth.password"
                           : !pass ? "rest.auth.password: required with "
                                     "rest.auth.user"
                                   : "rest.auth.user: must not contain ':'");
                return HTTPSRC_ERR_INVAL;
        }
        char *secret =
            resolve(r, "rest.auth.password", pass, errstr, errstr_size);
        strbuf creds = {0};
        int bad      = !secret || sb_printf(&creds, "%s:%s", user, secret);
        if (secret)
                mem_wipe(secret, strlen(secret));
        free(secret);
        strbuf auth = {0};
        if (!bad && !sb_put_base64(&auth, creds.buf, creds.len))
                r->auth = sb_steal(&auth);
        sb_wipe(&creds);
        if (!bad && !r->auth)
                errstr_set(errstr, errstr_size, "out of memory");
        return bad || !r->auth ? HTTPSRC_ERR_INVAL : HTTPSRC_OK;
}

/* Connect's worker_id is "host:port": the first listener's host as
 * written (the machine's name for all interfaces) and its port. */
static void set_worker_host(rest_server *r, const listener_spec *l)
{
        if (*r->worker_host)
                return;
        if (*l->host)
                snprintf(r->worker_host, sizeof(r->worker_host), "%s", l->host);
        else if (gethostname(r->worker_host, sizeof(r->worker_host) - 1))
                snprintf(r->worker_host, sizeof(r->worker_host), "localhost");
}

/* Bind every listener (nothing is served yet). */
static int
bind_all(rest_server *r, const char *list, char *errstr, size_t errstr_size)
{
        char *copy = xstrdup(list), *save = NULL;
        int rc = copy ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        for (char *it = copy ? strtok_r(copy, ",", &save) : NULL; it && !rc;
             it       = strtok_r(NULL, ",", &save)) {
                listener_spec l;
                strtrim(it);
                if (!*it)
                        continue;
                rc = listener_parse(it, &l, errstr, errstr_size);
                if (!rc && l.tls && !r->key)
                        rc = setup_tls(r, errstr, errstr_size);
                if (!rc)
                        set_worker_host(r, &l);
                if (!rc)
                        rc = bind_spec(r, &l, it, errstr, errstr_size);
        }
        free(copy);
        return rc;
}

static int start_all(rest_server *r, char *errstr, size_t errstr_size)
{
        r->daemons =
            calloc(r->n_listeners ? r->n_listeners : 1, sizeof(*r->daemons));
        if (!r->daemons)
                return HTTPSRC_ERR_NOMEM;
        /* MHD's idle timeout (whole seconds) closes quiet keep-alive
         * connections; the guard bounds a request however it trickles. */
        unsigned idle_s = (unsigned)((r->request_timeout_ms + 999) / 1000);
        r->guard        = rest_guard_new(r->request_timeout_ms);
        if (!r->guard) {
                errstr_set(errstr, errstr_size,
                           "listeners: cannot start the request guard");
                return HTTPSRC_ERR_NOMEM;
        }
        for (size_t i = 0; i < r->n_listeners; i++) {
                struct MHD_OptionItem tls[] = {
                    {MHD_OPTION_HTTPS_MEM_KEY, 0, r->key},
                    {MHD_OPTION_HTTPS_MEM_CERT, 0, r->cert},
                    {r->key_pass ? MHD_OPTION_HTTPS_KEY_PASSWORD
                                 : MHD_OPTION_END,
                     0, r->key_pass},
                    {MHD_OPTION_END, 0, NULL}};
                struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
                unsigned flags               = MHD_USE_INTERNAL_POLLING_THREAD |
                                 MHD_USE_THREAD_PER_CONNECTION;
                int tls_on = r->flags[i] & LISTEN_TLS;
                flags |= tls_on ? MHD_USE_TLS : 0;
                flags |= r->flags[i] & LISTEN_IPV6 ? MHD_USE_IPv6 : 0;
                int fd        = r->fds[i];
                r->fds[i]     = -1; /* MHD closes it from now on */
                r->daemons[i] = MHD_start_daemon(
                    flags, 0, NULL, NULL, on_request, r,
                    MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_UNESCAPE_CALLBACK,
                    no_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                    on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
                    idle_s, MHD_OPTION_CONNECTION_LIMIT, r->max_conns,
                    MHD_OPTION_PER_IP_CONNECTION_LIMIT, r->max_per_client,
                    MHD_OPTION_NOTIFY_CONNECTION, rest_guard_notify, r->guard,
                    MHD_OPTION_ARRAY, tls_on ? tls : none, MHD_OPTION_END);
                if (!r->daemons[i]) {
                        errstr_set(errstr, errstr_size,
                                   "listeners: cannot serve listener %zu%s",
                                   i + 1,
                                   tls_on ? " (check listeners.https.ssl.*: "
                                            "certificate, key and password)"
                                          : "");
                        return HTTPSRC_ERR_IO;
                }
        }
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* public (internal) API                                               */

rest_server *rest_new(const rest_env *env, char *errstr, size_t errstr_size)
{
        rest_server *r = calloc(1, sizeof(*r));
        if (!r) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        r->env                = *env;
        const httpsrc_conf *w = env->worker;
        r->max_body =
            (size_t)conf_get_int(w, "rest.max.request.bytes", 1048576);
        r->max_conns =
            (unsigned)conf_get_int(w, "rest.max.connections", 256);
        r->max_per_client =
            (unsigned)conf_get_int(w, "rest.max.connections.per.client", 16);
        r->request_timeout_ms =
            conf_get_int(w, "rest.request.timeout.ms", 10000);
        r->herder_timeout_ms = env->herder_timeout_ms > 0
                                   ? env->herder_timeout_ms
                                   : HERDER_TIMEOUT_MS;
        const char *list     = httpsrc_conf_get(w, "listeners");
        int rc               = setup_auth(r, errstr, errstr_size);
        if (!rc)
                rc = bind_all(r, list ? list : "", errstr, errstr_size);
        if (rc) {
                rest_destroy(r);
                return NULL;
        }
        return r;
}

const char *rest_worker_id(const rest_server *r)
{
        return r->worker_id;
}

int rest_start(rest_server *r, herder *h, char *errstr, size_t errstr_size)
{
        r->h = h;
        return start_all(r, errstr, errstr_size);
}

void rest_destroy(rest_server *r)
{
        if (!r)
                return;
        for (size_t i = 0; r->daemons && i < r->n_listeners; i++)
                if (r->daemons[i])
                        MHD_stop_daemon(r->daemons[i]);
        rest_guard_destroy(r->guard); /* after the daemons: they notify it */
        for (size_t i = 0; i < r->n_listeners; i++)
                if (r->fds[i] >= 0)
                        close(r->fds[i]);
        free(r->daemons);
        free(r->fds);
        free(r->flags);
        free(r->cert);
        if (r->key)
                mem_wipe(r->key, strlen(r->key));
        free(r->key);
        if (r->key_pass)
                mem_wipe(r->key_pass, strlen(r->key_pass));
        free(r->key_pass);
        if (r->auth) /* base64 of user:password */
                mem_wipe(r->auth, strlen(r->auth));
        free(r->auth);
        free(r);
}
