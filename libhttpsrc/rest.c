/* rest module: Kafka Connect's REST API over libmicrohttpd (rest_int.h).
 *
 * Status codes, messages and JSON shapes follow Kafka Connect
 * (connect-rest.md §1-3). MHD runs one thread per connection; a request
 * is read and parsed there, then routed and answered by one
 * pipeline_exec() call, so everything below "handlers" runs on the loop
 * thread and is the only code touching the connectors, the offset store,
 * the config store and the REST bookkeeping (conn_meta, logger level).
 */
#include "rest_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conf_int.h"
#include "commit.h"
#include "config_store_int.h"
#include "converter_int.h"
#include "fileio_int.h"
#include "json_int.h"
#include "listener_int.h"
#include "metrics_int.h"
#include "pipeline_int.h"
#include "preview_int.h"
#include "rest_guard_int.h"
#include "secrets_int.h"
#include "util_int.h"

/* The Kafka Connect REST API level implemented (tools gate features on
 * GET /'s version): stop, offsets, PATCH config and /health are 3.9's. */
#define API_VERSION "3.9.0"
/* A request that waits for the pipeline (a delete or a page in flight to
 * finish) is retried this often, for at most this long. */
#define RETRY_SLEEP_MS        50
#define RETRY_MAX_MS          10000
#define MAX_PEM_BYTES         (1024 * 1024)
#define STATUS_HTTP_NOT_FOUND "HTTP 404 Not Found"

#define LISTEN_TLS  1
#define LISTEN_IPV6 2

/* A logger of /admin/loggers: its level as set (log4j's name) and when. */
typedef struct log_entry {
        char *name;
        char level[8];
        int64_t modified; /* epoch ms; 0: never set */
} log_entry;

/* What REST keeps about a connector besides the pipeline's state. */
typedef struct conn_meta {
        char *name;
        int target;   /* desired: RUNNING, PAUSED or STOPPED */
        int no_tasks; /* created PAUSED/STOPPED, or stopped: no task yet */
        int reload;   /* stopped since created: offsets may have been
                       * altered, so leaving STOPPED recreates it */
        httpsrc_conf *conf; /* the config last set over REST while the
                             * restart that applies it may be pending;
                             * NULL: connector_conf() is the latest */
} conn_meta;

struct rest_server {
        httpsrc_pipeline *p;
        struct MHD_Daemon **daemons;
        int *fds;   /* bound sockets, until a daemon owns them */
        int *flags; /* LISTEN_TLS, LISTEN_IPV6 */
        size_t n_listeners;
        char *cert, *key, *key_pass; /* PEM text: MHD borrows them */
        char *auth;                  /* base64 "user:password", or NULL */
        size_t max_body;
        unsigned max_conns, max_per_client; /* per listener */
        int64_t request_timeout_ms;
        rest_guard *guard;
        char worker_host[256];
        char worker_id[300];
        config_store *store;
        /* loop-thread state */
        conn_meta *meta;
        size_t n_meta;
        int restored;    /* the store was applied: it may be written */
        log_entry *logs; /* [0]: root */
        size_t n_logs;
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
        int final_try; /* a retry is not possible any more */
        int once;      /* rest_handle(): answer without retrying */
        /* the answer */
        int retry; /* not now: ask again in a moment */
        int status;
        strbuf out;
        int oom;
        const char *content_type;
        char *location;
        const char *allow;
} request;

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static int kvl_from_conf(kvlist *l, const httpsrc_conf *conf)
{
        for (size_t i = 0; i < httpsrc_conf_count(conf); i++) {
                const char *k, *v;
                httpsrc_conf_at(conf, i, &k, &v);
                if (kvl_add(l, k, v))
                        return -1;
        }
        return 0;
}

static const char *state_name(int st)
{
        const char *name = httpsrc_state_name(st);
        return name ? name : "UNASSIGNED";
}

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Percent-decode @p s (and '+' as space when @p plus) into a new string;
 * NULL if malformed or decoding to a NUL byte. */
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

static char *pct_decode(const char *s, int plus)
{
        size_t n  = strlen(s);
        char *out = malloc(n + 1), *o = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                int hi, lo;
                if (s[i] == '%' && i + 2 < n &&
                    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
                    (lo = hexval((unsigned char)s[i + 2])) >= 0 && (hi || lo)) {
                        *o++ = (char)(hi << 4 | lo);
                        i += 2;
                } else if (s[i] == '%') {
                        free(out);
                        return NULL;
                } else {
                        *o++ = plus && s[i] == '+' ? ' ' : s[i];
                }
        }
        *o = '\0';
        return out;
}

/* Append @p s percent-encoded (everything but RFC 3986 unreserved). */
static int pct_encode(strbuf *sb, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
                int plain = (*c >= 'a' && *c <= 'z') ||
                            (*c >= 'A' && *c <= 'Z') ||
                            (*c >= '0' && *c <= '9') || strchr("-._~", *c);
                if (plain ? sb_putc(sb, (char)*c)
                          : sb_printf(sb, "%%%c%c", hex[*c >> 4], hex[*c & 15]))
                        return -1;
        }
        return 0;
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

static void o_fmt(request *q, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
static void o_fmt(request *q, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        o_raw(q, buf);
}

/* A JSON string literal, or null. */
static void o_str(request *q, const char *s)
{
        if (!s)
                o_raw(q, "null");
        else if (!q->oom && json_write_string(&q->out, s, strlen(s)))
                q->oom = 1;
}

/* "key": (with a leading comma unless @p first). */
static void o_key(request *q, const char *key, int first)
{
        if (!first)
                o_raw(q, ",");
        o_str(q, key);
        o_raw(q, ":");
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
static void reply_error(request *q, int status, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
static void reply_error(request *q, int status, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        sb_reset(&q->out);
        reply(q, status);
        o_fmt(q, "{\"error_code\":%d,\"message\":", status);
        o_str(q, buf);
        o_raw(q, "}");
}

/* The same with a message that may be longer than a line. */
static void reply_error_text(request *q, int status, const char *msg)
{
        sb_reset(&q->out);
        reply(q, status);
        o_fmt(q, "{\"error_code\":%d,\"message\":", status);
        o_str(q, msg);
        o_raw(q, "}");
}

/* ------------------------------------------------------------------ */
/* connector bookkeeping                                               */

static conn_meta *meta_get(rest_server *r, const char *name)
{
        for (size_t i = 0; i < r->n_meta; i++)
                if (!strcmp(r->meta[i].name, name))
                        return &r->meta[i];
        return NULL;
}

static void meta_drop(rest_server *r, const char *name)
{
        conn_meta *m = meta_get(r, name);
        if (!m)
                return;
        free(m->name);
        httpsrc_conf_destroy(m->conf);
        *m = r->meta[--r->n_meta];
}

/* Set (or create) the entry of @p name; NULL on ENOMEM. */
static conn_meta *
meta_set(rest_server *r, const char *name, int target, int no_tasks, int reload)
{
        conn_meta *m = meta_get(r, name);
        if (!m) {
                conn_meta *nm = realloc(r->meta, (r->n_meta + 1) * sizeof(*nm));
                char *dup     = xstrdup(name);
                if (nm)
                        r->meta = nm;
                if (!nm || !dup) {
                        free(dup);
                        return NULL;
                }
                m       = &r->meta[r->n_meta++];
                m->name = dup;
                m->conf = NULL;
        }
        m->target   = target;
        m->no_tasks = no_tasks;
        m->reload   = reload;
        return m;
}

/* The connector's config as written, the latest one set. */
static const httpsrc_conf *conf_now(rest_server *r, const connector *c)
{
        const conn_meta *m = meta_get(r, connector_name(c));
        return m && m->conf ? m->conf : connector_conf(c);
}

/* Remember @p conf (taken) as @p name's latest config. */
static int meta_conf(rest_server *r, const char *name, httpsrc_conf *conf)
{
        conn_meta *m = meta_get(r, name);
        if (!m)
                m = meta_set(r, name, HTTPSRC_STATE_RUNNING, 0, 0);
        if (!m || !conf) {
                httpsrc_conf_destroy(conf);
                return -1;
        }
        httpsrc_conf_destroy(m->conf);
        m->conf = conf;
        return 0;
}

static int desired(rest_server *r, const connector *c)
{
        const conn_meta *m = meta_get(r, connector_name(c));
        return m ? m->target : HTTPSRC_STATE_RUNNING;
}

/* The state shown: a connector asked to stop is STOPPED even if it had
 * failed before (Connect shuts it down). */
static int shown_state(rest_server *r, httpsrc_pipeline *p, connector *c)
{
        int st = pipeline_state(p, c);
        if (st != HTTPSRC_STATE_RESTARTING &&
            desired(r, c) == HTTPSRC_STATE_STOPPED)
                return HTTPSRC_STATE_STOPPED;
        return st;
}

/* Connect has no task for a stopped connector, nor for one created
 * PAUSED or STOPPED until it is resumed. */
static int has_task(rest_server *r, httpsrc_pipeline *p, connector *c)
{
        const conn_meta *m = meta_get(r, connector_name(c));
        return shown_state(r, p, c) != HTTPSRC_STATE_STOPPED &&
               !(m && m->no_tasks);
}

/* A restart brings a FAILED connector back RUNNING (pipeline.c); put the
 * target asked for over REST back. */
static void reconcile(rest_server *r, httpsrc_pipeline *p)
{
        for (size_t i = 0; i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                int want     = desired(r, c);
                if (want != HTTPSRC_STATE_RUNNING &&
                    pipeline_state(p, c) == HTTPSRC_STATE_RUNNING)
                        connector_set_target(c, want);
        }
}

/* 1 while a connector of that name is on its way out. */
static int being_deleted(httpsrc_pipeline *p, const char *name)
{
        for (size_t i = 0; i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                if (!strcmp(connector_name(c), name) && pipeline_deleting(p, c))
                        return 1;
        }
        return 0;
}

/* The connector named by the route, or NULL with a 404 answered with
 * @p not_found ("... %s ..."). */
static connector *
need_connector(request *q, httpsrc_pipeline *p, const char *not_found)
{
        connector *c = pipeline_find(p, q->arg[0]);
        if (!c) {
                char msg[1024];
                snprintf(msg, sizeof(msg), not_found, q->arg[0]);
                reply_error_text(q, MHD_HTTP_NOT_FOUND, msg);
        }
        return c;
}

/* Keep @p name's config and target in the config store. */
static int
store_put(request *q, const char *name, const httpsrc_conf *conf, int target)
{
        char err[1024];
        if (config_store_put(q->r->store, name, conf, target, err,
                             sizeof(err)) == HTTPSRC_OK)
                return 0;
        reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "Connector config not stored: %s", err);
        return -1;
}

static int store_remove(request *q, const char *name)
{
        char err[1024];
        if (config_store_remove(q->r->store, name, err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "Connector config not removed: %s", err);
        return -1;
}

/* ------------------------------------------------------------------ */
/* JSON entities                                                       */

/* "HttpSource" -> "HttpSourceTask", "x.FooConnector" -> "x.FooTask". */
static void o_task_class(request *q, const httpsrc_conf *conf)
{
        const char *cls = httpsrc_conf_get(conf, "connector.class");
        size_t n = cls ? strlen(cls) : 0, suffix = strlen("Connector");
        strbuf sb = {0};
        if (n > suffix && !strcmp(cls + n - suffix, "Connector"))
                n -= suffix;
        if (sb_append(&sb, cls ? cls : "", n) || sb_puts(&sb, "Task"))
                q->oom = 1;
        o_str(q, sb.buf ? sb.buf : "");
        sb_free(&sb);
}

/* The config as written (placeholders kept), task.class appended for a
 * task config. */
static void o_conf(request *q, const httpsrc_conf *conf, int task)
{
        o_raw(q, "{");
        size_t n = httpsrc_conf_count(conf);
        for (size_t i = 0; i < n; i++) {
                const char *k, *v;
                httpsrc_conf_at(conf, i, &k, &v);
                o_key(q, k, i == 0);
                o_str(q, v);
        }
        if (task) {
                o_key(q, "task.class", n == 0);
                o_task_class(q, conf);
        }
        o_raw(q, "}");
}

/* ConnectorInfo */
static void
o_info(request *q, const char *name, const httpsrc_conf *conf, int tasks)
{
        o_raw(q, "{\"name\":");
        o_str(q, name);
        o_raw(q, ",\"config\":");
        o_conf(q, conf, 0);
        o_raw(q, ",\"tasks\":[");
        if (tasks) {
                o_raw(q, "{\"connector\":");
                o_str(q, name);
                o_raw(q, ",\"task\":0}");
        }
        o_raw(q, "],\"type\":\"source\"}");
}

static void o_conn_info(request *q, httpsrc_pipeline *p, connector *c)
{
        o_info(q, connector_name(c), conf_now(q->r, c), has_task(q->r, p, c));
}

/* The trace of a status: why it failed, or what a running one gets
 * wrong: the offsets cannot be stored (it does not poll), Kafka
 * unreachable while its records wait, a records path that matches
 * nothing. @p buf holds the text made here. */
static const char *status_trace(httpsrc_pipeline *p,
                                const connector *c,
                                char *buf,
                                size_t size)
{
        const char *failure  = connector_failure(c);
        const char *unstored = pipeline_offsets_error(p);
        if (failure)
                return failure;
        if (unstored) {
                snprintf(buf, size,
                         "offsets not stored: %s; polling paused until they "
                         "can be",
                         unstored);
                return buf;
        }
        if (connector_outstanding(c) && pipeline_kafka_problem(p, buf, size))
                return buf;
        return connector_warning(c);
}

/* A connector's or task's state ("id" < 0: the connector's). */
static void o_state(request *q, int id, int st, const char *trace)
{
        o_raw(q, "{");
        if (id >= 0)
                o_fmt(q, "\"id\":%d,", id);
        o_raw(q, "\"state\":");
        o_str(q, state_name(st));
        o_raw(q, ",\"worker_id\":");
        o_str(q, q->r->worker_id);
        /* RUNNING: what it gets wrong (connector_warning()) */
        if ((st == HTTPSRC_STATE_FAILED || st == HTTPSRC_STATE_RUNNING) &&
            trace && *trace) {
                o_raw(q, ",\"trace\":");
                o_str(q, trace);
        }
        o_raw(q, "}");
}

/* ConnectorStateInfo; a state < 0 is the current one. A failure is the
 * task's, as in Connect: the connector instance stays RUNNING and only
 * the task shows FAILED and the trace. */
static void o_status(
    request *q, httpsrc_pipeline *p, connector *c, int conn_st, int task_st)
{
        char buf[768];
        int st            = shown_state(q->r, p, c);
        const char *trace = status_trace(p, c, buf, sizeof(buf));
        o_raw(q, "{\"name\":");
        o_str(q, connector_name(c));
        o_raw(q, ",\"connector\":");
        o_state(q, -1,
                conn_st >= 0                 ? conn_st
                : st == HTTPSRC_STATE_FAILED ? HTTPSRC_STATE_RUNNING
                                             : st,
                connector_failed(c) ? NULL : trace);
        o_raw(q, ",\"tasks\":[");
        if (has_task(q->r, p, c))
                o_state(q, 0, task_st < 0 ? st : task_st, trace);
        o_raw(q, "],\"type\":\"source\"}");
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
static int name_matches(request *q, const kvlist *cfg, const char *name)
{
        const char *included = kvl_get(cfg, "name");
        if (!included || !strcmp(included, name))
                return 1;
        reply_error(q, MHD_HTTP_BAD_REQUEST,
                    "Connector name configuration (%s) doesn't match "
                    "connector name in the URL (%s)",
                    included, name);
        return 0;
}

/* ------------------------------------------------------------------ */
/* validation: one declared-keys table, three layers                   */

/* Check @p cfg as creating the connector would; every problem goes to
 * @p errs as (key, "<key>: <reason>") (conf_int.h). Returns the conf
 * built (the caller owns it), NULL on ENOMEM. */
static httpsrc_conf *
validate(httpsrc_pipeline *p, const kvlist *cfg, kvlist *errs)
{
        int clean;
        httpsrc_conf *conf =
            conf_validate(HTTPSRC_SCOPE_CONNECTOR, cfg, errs, &clean);
        /* Plugin keys too, even with a core key refused: every bad key of
         * the config in one answer. */
        kvlist found = {0};
        if (conf && clean &&
            (pipeline_validate(p, conf, &found) ||
             conf_problem_merge(errs, errs->n, &found))) {
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&found);
        return conf;
}

/* 400 "Connector configuration is invalid and contains the following N
 * error(s): ..." (AbstractHerder.maybeAddConfigErrors), one line each. */
static void reply_invalid(request *q, const kvlist *errs)
{
        strbuf msg = {0};
        int bad    = sb_printf(&msg,
                               "Connector configuration is invalid and contains "
                                  "the following %zu error(s):",
                               errs->n);
        for (size_t i = 0; !bad && i < errs->n; i++)
                bad = sb_printf(&msg, "\n%s", errs->v[i].value);
        bad = bad || sb_puts(&msg, "\nYou can also find the above list of "
                                   "errors at the endpoint "
                                   "`/connector-plugins/{connectorType}/"
                                   "config/validate`");
        if (bad)
                q->oom = 1;
        else
                reply_error_text(q, MHD_HTTP_BAD_REQUEST, msg.buf);
        sb_free(&msg);
}

/* Validate, answering 400 (or ENOMEM) on problems. */
static httpsrc_conf *
valid_conf(request *q, httpsrc_pipeline *p, const kvlist *cfg)
{
        kvlist errs        = {0};
        httpsrc_conf *conf = validate(p, cfg, &errs);
        if (!conf)
                q->oom = 1;
        else if (errs.n)
                reply_invalid(q, &errs);
        if (errs.n) {
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&errs);
        return conf;
}

/* ------------------------------------------------------------------ */
/* plugins                                                             */

enum plugin_kind {
        PK_NONE,
        PK_BUILTIN,
        PK_SOURCE,
        PK_TRANSFORM,
        PK_PREDICATE,
        PK_CONVERTER
};

typedef struct plugin_ref {
        enum plugin_kind kind;
        const plugin_component *pc;
        const char *cls; /* converters: the class */
} plugin_ref;

/* Connect's normalizedPluginName: the simple name without "Connector". */
static size_t normalized(const char *name, const char **start)
{
        const char *dot = strrchr(name, '.');
        *start          = dot ? dot + 1 : name;
        size_t n = strlen(*start), suffix = strlen("Connector");
        if (n > suffix && !strcmp(*start + n - suffix, "Connector"))
                n -= suffix;
        return n;
}

static int is_builtin_source(const char *name)
{
        const char *s;
        size_t n = normalized(name, &s);
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                if (!strcmp(plugin_builtin_sources[i], name))
                        return 1;
        return n == strlen("HttpSource") && !strncmp(s, "HttpSource", n);
}

static plugin_ref find_source(httpsrc_pipeline *p, const char *name)
{
        plugin_ref ref = {PK_NONE, NULL, NULL};
        if (is_builtin_source(name))
                ref.kind = PK_BUILTIN;
        else if ((ref.pc = plugin_registry_find(pipeline_plugins(p),
                                                HTTPSRC_KIND_SOURCE, name)))
                ref.kind = PK_SOURCE;
        return ref;
}

static plugin_ref find_plugin(httpsrc_pipeline *p, const char *name)
{
        plugin_ref ref             = find_source(p, name);
        const plugin_registry *reg = pipeline_plugins(p);
        if (ref.kind != PK_NONE)
                return ref;
        if ((ref.pc = plugin_registry_find(reg, HTTPSRC_KIND_TRANSFORM, name)))
                ref.kind = PK_TRANSFORM;
        else if ((ref.pc =
                      plugin_registry_find(reg, HTTPSRC_KIND_PREDICATE, name)))
                ref.kind = PK_PREDICATE;
        if (ref.kind == PK_NONE && (ref.cls = converter_class_of(name)))
                ref.kind = PK_CONVERTER;
        return ref;
}

static const char *comp_version(const plugin_component *pc)
{
        const char *v = pc->plugin ? loaded_plugin_version(pc->plugin) : NULL;
        return v && *v ? v : httpsrc_version_str();
}

static void o_plugin(request *q,
                     int *first,
                     const char *cls,
                     const char *type,
                     const char *version)
{
        o_raw(q, *first ? "{\"class\":" : ",{\"class\":");
        *first = 0;
        o_str(q, cls);
        o_raw(q, ",\"type\":");
        o_str(q, type);
        if (version && *version) {
                o_raw(q, ",\"version\":");
                o_str(q, version);
        }
        o_raw(q, "}");
}

static void o_components(
    request *q, httpsrc_pipeline *p, int kind, const char *type, int *first)
{
        const plugin_registry *reg = pipeline_plugins(p);
        for (size_t i = 0; i < plugin_registry_count(reg, kind); i++) {
                const plugin_component *pc = plugin_registry_at(reg, kind, i);
                o_plugin(q, first, pc->name, type, comp_version(pc));
        }
}

/* ConfigKeyInfo of a declared key (named @p full, e.g. with a
 * transforms.<alias>. prefix). */
static void
o_key_info(request *q, const httpsrc_param_desc *d, const char *full, int order)
{
        static const char *const types[] = {"STRING", "INT",   "BOOLEAN",
                                            "STRING", "LIST",  "PASSWORD",
                                            "STRING", "STRING"};
        const char *type = d->type >= 0 && d->type <= HTTPSRC_PARAM_CRON
                               ? types[d->type]
                               : "STRING";
        if (d->type == HTTPSRC_PARAM_INT &&
            (d->max > INT32_MAX || d->min < INT32_MIN || (!d->min && !d->max)))
                type = "LONG";
        int required = (d->flags & HTTPSRC_PARAM_F_REQUIRED) != 0;
        o_raw(q, "{\"name\":");
        o_str(q, full);
        o_fmt(q, ",\"type\":\"%s\",\"required\":%s,\"default_value\":", type,
              required ? "true" : "false");
        o_str(q, d->default_value);
        o_fmt(q, ",\"importance\":\"%s\",\"documentation\":",
              required ? "HIGH" : "MEDIUM");
        o_str(q, d->doc ? d->doc : "");
        o_raw(q, ",\"group\":");
        o_str(q, d->group);
        o_fmt(q, ",\"order\":%d,\"width\":\"NONE\",\"display_name\":", order);
        o_str(q, full);
        o_raw(q, ",\"dependents\":[]}");
}

static void o_params(request *q, const httpsrc_param_desc *d, int *order)
{
        for (; d && d->name; d++) {
                o_raw(q, *order ? "," : "");
                o_key_info(q, d, d->name, ++*order);
        }
}

/* ------------------------------------------------------------------ */
/* ConfigInfos (validate)                                              */

/* The declaration of a key a plugin owns: auth and paginator keys are
 * full names; transforms.<alias>.<key> and predicates.<alias>.<key>
 * belong to the type the config gives the alias. */
static const httpsrc_param_desc *
plugin_key(httpsrc_pipeline *p, const kvlist *cfg, const char *key)
{
        static const struct {
                const char *ns;
                int kind;
        } aliased[]                = {{"transforms.", HTTPSRC_KIND_TRANSFORM},
                                      {"predicates.", HTTPSRC_KIND_PREDICATE}};
        const plugin_registry *reg = pipeline_plugins(p);
        for (size_t a = 0; a < 2; a++) {
                size_t ns       = strlen(aliased[a].ns);
                const char *dot = strncmp(key, aliased[a].ns, ns)
                                      ? NULL
                                      : strchr(key + ns, '.');
                if (!dot)
                        continue;
                char type_key[512];
                snprintf(type_key, sizeof(type_key), "%.*stype",
                         (int)(dot + 1 - key), key);
                const char *type = kvl_get(cfg, type_key);
                const plugin_component *pc =
                    type ? plugin_registry_find(reg, aliased[a].kind, type)
                         : NULL;
                return pc ? conf_param_find(plugin_component_params(pc), dot + 1) : NULL;
        }
        static const int kinds[] = {HTTPSRC_KIND_AUTH, HTTPSRC_KIND_PAGINATOR};
        for (size_t k = 0; k < 2; k++)
                for (size_t i = 0; i < plugin_registry_count(reg, kinds[k]);
                     i++) {
                        const httpsrc_param_desc *d =
                            conf_param_find(plugin_component_params(plugin_registry_at(
                                                reg, kinds[k], i)),
                                            key);
                        if (d)
                                return d;
                }
        return NULL;
}

static void o_value_info(request *q,
                         const char *key,
                         const char *value,
                         int password,
                         const kvlist *errs,
                         int *n_errs)
{
        o_raw(q, "{\"name\":");
        o_str(q, key);
        o_raw(q, ",\"value\":");
        o_str(q, value && password ? "[hidden]" : value);
        o_raw(q, ",\"recommended_values\":[],\"errors\":[");
        int first = 1;
        for (size_t i = 0; i < errs->n; i++) {
                if (strcmp(errs->v[i].key, key))
                        continue;
                o_raw(q, first ? "" : ",");
                o_str(q, errs->v[i].value);
                first = 0;
                ++*n_errs;
        }
        o_raw(q, "],\"visible\":true}");
}

typedef struct cfg_entry {
        const char *key;
        const httpsrc_param_desc *d; /* NULL: not declared */
} cfg_entry;

/* Every declared key, then the config's and the errors' other keys. */
static size_t collect_entries(httpsrc_pipeline *p,
                              const plugin_ref *src,
                              const kvlist *cfg,
                              const kvlist *errs,
                              cfg_entry *out,
                              size_t cap)
{
        size_t n                            = 0;
        const httpsrc_param_desc *tables[2] = {
            httpsrc_conf_params(HTTPSRC_SCOPE_CONNECTOR),
            src->pc ? plugin_component_params(src->pc) : NULL};
        for (size_t t = 0; t < 2; t++)
                for (const httpsrc_param_desc *d = tables[t];
                     d && d->name && n < cap; d++)
                        out[n++] = (cfg_entry){d->name, d};
        const kvlist *lists[2] = {cfg, errs};
        for (size_t l = 0; l < 2; l++)
                for (size_t i = 0; i < lists[l]->n && n < cap; i++) {
                        const char *k = lists[l]->v[i].key;
                        size_t j      = 0;
                        while (j < n && strcmp(out[j].key, k))
                                j++;
                        if (j == n)
                                out[n++] =
                                    (cfg_entry){k, plugin_key(p, cfg, k)};
                }
        return n;
}

static void o_groups(request *q, const cfg_entry *e, size_t n)
{
        int first = 1;
        o_raw(q, "[");
        for (size_t i = 0; i < n; i++) {
                const char *g = e[i].d ? e[i].d->group : NULL;
                size_t j      = 0;
                while (g && j < i &&
                       !(e[j].d && e[j].d->group && !strcmp(e[j].d->group, g)))
                        j++;
                if (!g || j < i)
                        continue;
                o_raw(q, first ? "" : ",");
                o_str(q, g);
                first = 0;
        }
        o_raw(q, "]");
}

static void o_config_infos(request *q,
                           httpsrc_pipeline *p,
                           const plugin_ref *src,
                           const kvlist *cfg,
                           const kvlist *errs)
{
        size_t cap   = 256 + cfg->n + errs->n;
        cfg_entry *e = calloc(cap, sizeof(*e));
        if (!e) {
                q->oom = 1;
                return;
        }
        size_t n = collect_entries(p, src, cfg, errs, e, cap);
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"name\":");
        o_str(q, kvl_get(cfg, "connector.class"));
        o_fmt(q, ",\"error_count\":%zu,\"groups\":", errs->n);
        o_groups(q, e, n);
        o_raw(q, ",\"configs\":[");
        int counted = 0;
        for (size_t i = 0; i < n; i++) {
                o_raw(q, i ? ",{\"definition\":" : "{\"definition\":");
                if (e[i].d)
                        o_key_info(q, e[i].d, e[i].key, (int)i + 1);
                else
                        o_raw(q, "null");
                o_raw(q, ",\"value\":");
                o_value_info(q, e[i].key, kvl_get(cfg, e[i].key),
                             e[i].d && e[i].d->type == HTTPSRC_PARAM_PASSWORD,
                             errs, &counted);
                o_raw(q, "}");
        }
        o_raw(q, "]}");
        free(e);
}

/* ------------------------------------------------------------------ */
/* handlers: root, plugins, validation                                 */

static void h_root(request *q, httpsrc_pipeline *p)
{
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"version\":\"" API_VERSION "\",\"commit\":");
        o_str(q, HTTPSRC_COMMIT);
        o_raw(q, ",\"kafka_cluster_id\":");
        const char *id = pipeline_kafka_cluster_id(p);
        if (id)
                o_str(q, id);
        else
                o_raw(q, "null");
        o_raw(q, "}");
}

/* Answering at all means the loop serves requests: healthy, unless no
 * Kafka broker answers (503, like Connect's unhealthy worker). */
static void h_health(request *q, httpsrc_pipeline *p)
{
        char why[768];
        if (pipeline_kafka_problem(p, why, sizeof(why))) {
                reply(q, MHD_HTTP_SERVICE_UNAVAILABLE);
                o_raw(q, "{\"status\":\"unhealthy\",\"message\":");
                o_str(q, why);
                o_raw(q, "}");
                return;
        }
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"status\":\"healthy\",\"message\":\"Worker has completed "
                 "startup and is ready to handle requests.\"}");
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

static void h_plugins(request *q, httpsrc_pipeline *p)
{
        int first = 1, only = query_bool(q, "connectorsOnly", 1);
        reply(q, MHD_HTTP_OK);
        o_raw(q, "[");
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                o_plugin(q, &first, plugin_builtin_sources[i], "source",
                         httpsrc_version_str());
        o_components(q, p, HTTPSRC_KIND_SOURCE, "source", &first);
        if (!only) {
                o_components(q, p, HTTPSRC_KIND_TRANSFORM, "transformation",
                             &first);
                o_components(q, p, HTTPSRC_KIND_PREDICATE, "predicate", &first);
                for (size_t i = 0; converter_class_at(i); i++)
                        o_plugin(q, &first, converter_class_at(i), "converter",
                                 httpsrc_version_str());
        }
        o_raw(q, "]");
}

static void h_plugin_config(request *q, httpsrc_pipeline *p)
{
        static const httpsrc_param_desc json_params[] = {
            {.name          = "schemas.enable",
             .type          = HTTPSRC_PARAM_BOOL,
             .default_value = "false",
             .doc   = "Include schemas within each of the serialized values "
                      "and keys",
             .group = "Schemas"},
            {.name = NULL}};
        plugin_ref ref = find_plugin(p, q->arg[0]);
        int order      = 0;
        if (ref.kind == PK_NONE) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                return;
        }
        reply(q, MHD_HTTP_OK);
        o_raw(q, "[");
        if (ref.kind == PK_BUILTIN || ref.kind == PK_SOURCE)
                o_params(q, httpsrc_conf_params(HTTPSRC_SCOPE_CONNECTOR),
                         &order);
        if (ref.pc)
                o_params(q, plugin_component_params(ref.pc), &order);
        if (ref.kind == PK_CONVERTER && !strcmp(ref.cls, CONVERTER_JSON))
                o_params(q, json_params, &order);
        o_raw(q, "]");
}

/* validate: {p} and an included connector.class must be one plugin. */
static int
same_plugin(httpsrc_pipeline *p, const char *included, const char *requested)
{
        plugin_ref a = find_source(p, included), b = find_source(p, requested);
        if (a.kind != PK_NONE && b.kind != PK_NONE)
                return a.kind == b.kind && a.pc == b.pc;
        const char *sa, *sb;
        size_t na = normalized(included, &sa), nb = normalized(requested, &sb);
        return na >= nb && !strncmp(sa + na - nb, sb, nb);
}

static void h_validate(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *body = need_object(q);
        kvlist cfg = {0}, errs = {0};
        if (!body || config_of(q, body, &cfg, 0))
                goto out;
        plugin_ref src       = find_source(p, q->arg[0]);
        const char *included = kvl_get(&cfg, "connector.class");
        if (src.kind == PK_NONE) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
        } else if (included && !same_plugin(p, included, q->arg[0])) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Included connector type %s does not match "
                            "request type %s",
                            included, q->arg[0]);
        } else if (!included && kvl_set(&cfg, "connector.class", q->arg[0])) {
                q->oom = 1;
        } else {
                httpsrc_conf *conf = validate(p, &cfg, &errs);
                if (!conf)
                        q->oom = 1;
                else
                        o_config_infos(q, p, &src, &cfg, &errs);
                httpsrc_conf_destroy(conf);
        }
out:
        kvl_free(&cfg);
        kvl_free(&errs);
}

/* ------------------------------------------------------------------ */
/* handlers: listing, creating, configs                                */

static void h_list(request *q, httpsrc_pipeline *p)
{
        int expand = kvl_index(&q->query, "expand") >= 0;
        int status = 0, info = 0, first = 1;
        for (size_t i = 0; i < q->query.n; i++) {
                const kv *e = &q->query.v[i];
                if (!strcmp(e->key, "expand") && e->value) {
                        status |= !strcmp(e->value, "status");
                        info |= !strcmp(e->value, "info");
                }
        }
        reply(q, MHD_HTTP_OK);
        o_raw(q, expand ? "{" : "[");
        for (size_t i = 0; i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                if (pipeline_deleting(p, c))
                        continue;
                if (!first)
                        o_raw(q, ",");
                first = 0;
                o_str(q, connector_name(c));
                if (!expand)
                        continue;
                o_raw(q, ":{");
                if (status) {
                        o_raw(q, "\"status\":");
                        o_status(q, p, c, -1, -1);
                }
                if (info) {
                        o_raw(q, status ? ",\"info\":" : "\"info\":");
                        o_conn_info(q, p, c);
                }
                o_raw(q, "}");
        }
        o_raw(q, expand ? "}" : "]");
}

static void set_location(request *q, const char *name)
{
        strbuf sb = {0};
        if (sb_puts(&sb, "/connectors/") || pct_encode(&sb, name))
                q->oom = 1;
        free(q->location);
        q->location = sb_steal(&sb);
}

/* Create @p name from @p conf (taken) in @p state; 201 + ConnectorInfo. */
static void create(request *q,
                   httpsrc_pipeline *p,
                   const char *name,
                   httpsrc_conf *conf,
                   int state)
{
        char err[2048];
        int no_tasks = state != HTTPSRC_STATE_RUNNING;
        /* Created first: a create that fails stores nothing, so it never
         * removes what the store held under that name. */
        if (pipeline_create(p, conf, state, err, sizeof(err))) {
                httpsrc_conf_destroy(conf);
                reply_error(q, MHD_HTTP_BAD_REQUEST, "%s", err);
                return;
        }
        const httpsrc_conf *made = connector_conf(pipeline_find(p, name));
        if (store_put(q, name, made, state)) {
                pipeline_delete(p, name); /* it would not survive a restart */
                return;
        }
        reply(q, MHD_HTTP_CREATED);
        o_info(q, name, made, !no_tasks);
        conn_meta *m = meta_set(q->r, name, state, no_tasks,
                                state == HTTPSRC_STATE_STOPPED);
        if (m) {
                httpsrc_conf_destroy(m->conf); /* of a deleted namesake */
                m->conf = NULL;
        } else {
                q->oom = 1;
        }
        set_location(q, name);
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, name,
                "connector created over REST (%s)", state_name(state));
}

/* A create or update must wait while the name is being deleted. */
static int wait_for_delete(request *q, httpsrc_pipeline *p, const char *name)
{
        if (!being_deleted(p, name))
                return 0;
        if (q->final_try)
                reply_error(q, MHD_HTTP_CONFLICT,
                            "Connector %s is still being deleted", name);
        else
                q->retry = 1;
        return 1;
}

static int parse_initial_state(request *q, const httpsrc_json *v, int *state)
{
        static const int states[] = {
            HTTPSRC_STATE_RUNNING, HTTPSRC_STATE_PAUSED, HTTPSRC_STATE_STOPPED};
        *state = HTTPSRC_STATE_RUNNING;
        if (!v || json_type(v) == HTTPSRC_JSON_NULL)
                return 0;
        for (size_t i = 0; json_type(v) == HTTPSRC_JSON_STRING && i < 3; i++)
                if (strcaseeq(json_string(v), state_name(states[i]))) {
                        *state = states[i];
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
static void h_create(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *body = need_object(q);
        if (!body)
                return;
        const httpsrc_json *jn = json_get(body, "name");
        const httpsrc_json *jc = json_get(body, "config");
        int state;
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
        if (parse_initial_state(q, json_get(body, "initial_state"), &state))
                return;
        char *name = xstrdup(
            json_type(jn) == HTTPSRC_JSON_STRING ? json_string(jn) : "");
        kvlist cfg = {0};
        if (!name || config_of(q, jc, &cfg, 0)) {
                q->oom |= !name;
                goto out;
        }
        java_trim(name);
        if (!name_matches(q, &cfg, name) || wait_for_delete(q, p, name))
                goto out;
        if (kvl_set(&cfg, "name", name)) {
                q->oom = 1;
                goto out;
        }
        httpsrc_conf *conf = valid_conf(q, p, &cfg);
        if (conf && pipeline_find(p, name)) {
                httpsrc_conf_destroy(conf);
                reply_error(q, MHD_HTTP_CONFLICT, "Connector %s already exists",
                            name);
        } else if (conf) {
                create(q, p, name, conf, state);
        }
out:
        kvl_free(&cfg);
        free(name);
}

static void h_info(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c)
                return;
        reply(q, MHD_HTTP_OK);
        o_conn_info(q, p, c);
}

static void h_delete(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c || store_remove(q, q->arg[0]))
                return;
        pipeline_delete(p, q->arg[0]);
        meta_drop(q->r, q->arg[0]);
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, q->arg[0],
                "connector deleted over REST");
        reply_empty(q, MHD_HTTP_NO_CONTENT);
}

static void h_get_config(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c)
                return;
        reply(q, MHD_HTTP_OK);
        o_conf(q, conf_now(q->r, c), 0);
}

/* Replace a running connector's config: restart it with its offsets. */
static void
reconfigure(request *q, httpsrc_pipeline *p, connector *c, httpsrc_conf *conf)
{
        char err[2048];
        const char *name = q->arg[0];
        if (store_put(q, name, conf, desired(q->r, c))) {
                httpsrc_conf_destroy(conf);
                return;
        }
        reply(q, MHD_HTTP_OK);
        o_info(q, name, conf, has_task(q->r, p, c));
        httpsrc_conf *latest = httpsrc_conf_dup(conf);
        int rc = latest ? pipeline_restart(p, name, conf, err, sizeof(err))
                        : HTTPSRC_ERR_NOMEM;
        if (rc) {
                /* The store keeps what still runs. */
                store_put(q, name, conf_now(q->r, c), desired(q->r, c));
                httpsrc_conf_destroy(conf);
                httpsrc_conf_destroy(latest);
                reply_error(q, MHD_HTTP_BAD_REQUEST, "%s",
                            latest ? err : "out of memory");
                return;
        }
        if (meta_conf(q->r, name, latest))
                q->oom = 1;
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, name,
                "config changed over REST: restarting with the new config");
}

/* PUT /connectors/{c}/config: 200 updated, 201 created. */
static void h_put_config(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *body = need_object(q);
        kvlist cfg               = {0};
        const char *name         = q->arg[0];
        if (!body || config_of(q, body, &cfg, 0) ||
            !name_matches(q, &cfg, name) || wait_for_delete(q, p, name))
                goto out;
        if (kvl_set(&cfg, "name", name)) {
                q->oom = 1;
                goto out;
        }
        httpsrc_conf *conf = valid_conf(q, p, &cfg);
        connector *c       = conf ? pipeline_find(p, name) : NULL;
        if (c)
                reconfigure(q, p, c, conf);
        else if (conf)
                create(q, p, name, conf, HTTPSRC_STATE_RUNNING);
out:
        kvl_free(&cfg);
}

/* PATCH /connectors/{c}/config: merge, a null value removes the key. */
static void h_patch_config(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        const httpsrc_json *body = c ? need_object(q) : NULL;
        kvlist cfg = {0}, patch = {0};
        if (!body || config_of(q, body, &patch, 1) ||
            !name_matches(q, &patch, q->arg[0]))
                goto out;
        if (kvl_from_conf(&cfg, conf_now(q->r, c))) {
                q->oom = 1;
                goto out;
        }
        for (size_t i = 0; i < patch.n; i++)
                if (kvl_set(&cfg, patch.v[i].key, patch.v[i].value)) {
                        q->oom = 1;
                        goto out;
                }
        httpsrc_conf *conf = valid_conf(q, p, &cfg);
        if (conf)
                reconfigure(q, p, c, conf);
out:
        kvl_free(&cfg);
        kvl_free(&patch);
}

/* ------------------------------------------------------------------ */
/* handlers: status, tasks, lifecycle                                  */

static void h_status(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "No status found for connector %s");
        if (!c)
                return;
        reply(q, MHD_HTTP_OK);
        o_status(q, p, c, -1, -1);
}

static void h_tasks(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c)
                return;
        reply(q, MHD_HTTP_OK);
        o_raw(q, "[");
        if (has_task(q->r, p, c)) {
                o_raw(q, "{\"id\":{\"connector\":");
                o_str(q, connector_name(c));
                o_raw(q, ",\"task\":0},\"config\":");
                o_conf(q, conf_now(q->r, c), 1);
                o_raw(q, "}");
        }
        o_raw(q, "]");
}

/* Deprecated GET /connectors/{c}/tasks-config: {"<c>-0": {...}}. */
static void h_tasks_config(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c)
                return;
        if (!has_task(q->r, p, c)) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Connector %s not found",
                            q->arg[0]);
                return;
        }
        strbuf id = {0};
        if (sb_printf(&id, "%s-0", connector_name(c)))
                q->oom = 1;
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{");
        o_key(q, id.buf ? id.buf : "", 1);
        o_conf(q, conf_now(q->r, c), 1);
        o_raw(q, "}");
        sb_free(&id);
}

/* A task id segment: a decimal int (Jersey answers 404 for others). */
static int task_id(request *q, long *id)
{
        char *end;
        errno = 0;
        *id   = strtol(q->arg[1], &end, 10);
        if (!*q->arg[1] || *end || errno || *id < INT32_MIN ||
            *id > INT32_MAX) {
                reply_error(q, MHD_HTTP_NOT_FOUND, STATUS_HTTP_NOT_FOUND);
                return -1;
        }
        return 0;
}

static void h_task_status(request *q, httpsrc_pipeline *p)
{
        long id;
        if (task_id(q, &id))
                return;
        connector *c = pipeline_find(p, q->arg[0]);
        if (!c || id != 0 || !has_task(q->r, p, c)) {
                reply_error(q, MHD_HTTP_NOT_FOUND,
                            "No status found for task %s-%ld", q->arg[0], id);
                return;
        }
        reply(q, MHD_HTTP_OK);
        char buf[768];
        o_state(q, 0, shown_state(q->r, p, c),
                status_trace(p, c, buf, sizeof(buf)));
}

/* A restart replaces one still pending, conf included: restart from the
 * latest config set over REST, not the running connector's. */
static void
restart(rest_server *r, httpsrc_pipeline *p, const char *name, const char *why)
{
        char err[1024];
        const conn_meta *m = meta_get(r, name);
        httpsrc_conf *conf = m && m->conf ? httpsrc_conf_dup(m->conf) : NULL;
        int rc             = pipeline_restart(p, name, conf, err, sizeof(err));
        if (rc) {
                httpsrc_conf_destroy(conf);
                log_msg(pipeline_logger(p), HTTPSRC_LOG_ERROR, name,
                        "not restarted: %s", err);
                return;
        }
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, name, "restarting (%s)",
                why);
}

static void h_task_restart(request *q, httpsrc_pipeline *p)
{
        long id;
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c || task_id(q, &id))
                return;
        if (id != 0 || !has_task(q->r, p, c)) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Task %s-%ld not found",
                            q->arg[0], id);
                return;
        }
        restart(q->r, p, q->arg[0], "task restart requested over REST");
        reply_empty(q, MHD_HTTP_NO_CONTENT);
}

/* POST /connectors/{c}/restart[?includeTasks=&onlyFailed=]. The one
 * task shares the connector's fate: restarting either restarts both. */
static void h_restart(request *q, httpsrc_pipeline *p)
{
        int tasks       = query_bool(q, "includeTasks", 0);
        int only_failed = query_bool(q, "onlyFailed", 0);
        int plain       = !tasks && !only_failed;
        connector *c    = need_connector(
               q, p, plain ? "Connector %s not found" : "Unknown connector: %s");
        if (!c)
                return;
        /* Connect's plan (AbstractHerder.buildRestartPlan), with a
         * connector that is never FAILED itself (its task is). */
        int st      = shown_state(q->r, p, c);
        int stopped = st == HTTPSRC_STATE_STOPPED;
        int failed  = st == HTTPSRC_STATE_FAILED;
        int conn    = !stopped && !only_failed;
        int task    = !stopped && tasks && has_task(q->r, p, c) &&
                   (!only_failed || failed);
        if (conn || task)
                restart(q->r, p, q->arg[0], "restart requested over REST");
        if (plain) {
                reply_empty(q, MHD_HTTP_NO_CONTENT);
                return;
        }
        /* What the plan leaves alone shows as it was. */
        reply(q, MHD_HTTP_ACCEPTED);
        o_status(q, p, c,
                 conn     ? HTTPSRC_STATE_RESTARTING
                 : failed ? HTTPSRC_STATE_RUNNING
                          : st,
                 task ? HTTPSRC_STATE_RESTARTING : st);
}

/* Record a new target (store first: a failed write changes nothing). */
static conn_meta *retarget(request *q, connector *c, int target)
{
        const char *name = connector_name(c);
        conn_meta *m     = meta_get(q->r, name);
        conn_meta cur = m ? *m : (conn_meta){.target = HTTPSRC_STATE_RUNNING};
        /* No change, no write: resuming a running command-line connector
         * must not copy it into the store (it would then override later
         * edits of its file). */
        if (cur.target != target &&
            store_put(q, name, conf_now(q->r, c), target))
                return NULL;
        m = meta_set(q->r, name, target, cur.no_tasks, cur.reload);
        if (!m)
                q->oom = 1;
        return m;
}

static void h_pause(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        if (!c || !retarget(q, c, HTTPSRC_STATE_PAUSED))
                return;
        if (was != HTTPSRC_STATE_PAUSED)
                connector_set_target(c, TARGET_PAUSED);
        reply_empty(q, MHD_HTTP_ACCEPTED);
}

/* Leaving STOPPED recreates the connector: it reads its (maybe altered)
 * offsets when created. */
static void h_resume(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        conn_meta *m = c ? retarget(q, c, HTTPSRC_STATE_RUNNING) : NULL;
        if (!m)
                return;
        if (m->reload)
                restart(q->r, p, q->arg[0], "resumed from STOPPED");
        m->reload   = 0;
        m->no_tasks = 0;
        if (was != HTTPSRC_STATE_RUNNING)
                connector_set_target(c, TARGET_STARTED);
        reply_empty(q, MHD_HTTP_ACCEPTED);
}

static void h_stop(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        conn_meta *m = c ? retarget(q, c, HTTPSRC_STATE_STOPPED) : NULL;
        if (!m)
                return;
        m->reload   = 1;
        m->no_tasks = 1;
        if (was != HTTPSRC_STATE_STOPPED)
                connector_set_target(c, TARGET_STOPPED);
        reply_empty(q, MHD_HTTP_NO_CONTENT);
}

/* ------------------------------------------------------------------ */
/* handlers: active topics (KIP-558)                                   */

/* 403 unless topic.tracking.enable (and, for a reset, .allow.reset). */
static int tracking_allowed(request *q, httpsrc_pipeline *p, int reset)
{
        const httpsrc_conf *w = pipeline_worker(p);
        const char *why       = NULL;
        if (!conf_get_bool(w, "topic.tracking.enable", 1))
                why = "Topic tracking is disabled.";
        else if (reset && !conf_get_bool(w, "topic.tracking.allow.reset", 1))
                why = "Topic tracking reset is disabled.";
        if (why)
                reply_error_text(q, MHD_HTTP_FORBIDDEN, why);
        return !why;
}

/* Like Connect, an unknown (or deleted) connector has no topics: 200. */
static void h_topics(request *q, httpsrc_pipeline *p)
{
        if (!tracking_allowed(q, p, 0))
                return;
        connector *c        = pipeline_find(p, q->arg[0]);
        char *const *topics = NULL;
        size_t n =
            c && !pipeline_deleting(p, c) ? connector_topics(c, &topics) : 0;
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{");
        o_str(q, q->arg[0]);
        o_raw(q, ":{\"topics\":[");
        for (size_t i = 0; i < n; i++) {
                o_raw(q, i ? "," : "");
                o_str(q, topics[i]);
        }
        o_raw(q, "]}}");
}

static void h_topics_reset(request *q, httpsrc_pipeline *p)
{
        if (!tracking_allowed(q, p, 1))
                return;
        connector *c = pipeline_find(p, q->arg[0]);
        if (c)
                connector_reset_topics(c);
        reply_empty(q, MHD_HTTP_ACCEPTED);
}

/* ------------------------------------------------------------------ */
/* handlers: offsets                                                   */

typedef struct offs_visit {
        request *q;
        kvlist *parts; /* reset: the partitions seen */
        int first;
} offs_visit;

static void o_json_text(request *q, const char *text)
{
        httpsrc_json *v = text ? json_parse(text, strlen(text), NULL, 0) : NULL;
        char *s         = v ? json_serialize(v, NULL) : NULL;
        o_raw(q, s ? s : "null");
        free(s);
        json_destroy(v);
}

static void
visit_offset(void *opaque, const char *partition, const char *offset)
{
        offs_visit *w = opaque;
        if (w->parts) {
                if (kvl_add(w->parts, partition, NULL))
                        w->q->oom = 1;
                return;
        }
        o_raw(w->q, w->first ? "{\"partition\":" : ",{\"partition\":");
        w->first = 0;
        o_json_text(w->q, partition);
        o_raw(w->q, ",\"offset\":");
        o_json_text(w->q, offset);
        o_raw(w->q, "}");
}

static void h_offsets_get(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c)
                return;
        offs_visit w = {q, NULL, 1};
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"offsets\":[");
        offset_store_foreach(pipeline_offsets(p), q->arg[0], visit_offset, &w);
        o_raw(q, "]}");
}

/* Offsets may change only while the connector is STOPPED and idle. */
static int offsets_changeable(request *q, httpsrc_pipeline *p, connector *c)
{
        if (shown_state(q->r, p, c) != HTTPSRC_STATE_STOPPED) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Connectors must be in the STOPPED state before "
                            "their offsets can be modified. This can be done "
                            "for the specified connector by issuing a 'PUT' "
                            "request to the '/connectors/%s/stop' endpoint",
                            q->arg[0]);
                return 0;
        }
        if (!connector_busy(c))
                return 1;
        if (q->final_try)
                reply_error(q, MHD_HTTP_CONFLICT,
                            "Connector %s is still finishing its last "
                            "request; try again",
                            q->arg[0]);
        else
                q->retry = 1;
        return 0;
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

static int flush_offsets(request *q, httpsrc_pipeline *p)
{
        char err[1024];
        if (offset_store_flush(pipeline_offsets(p), err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR, "Offsets not stored: %s",
                    err);
        return -1;
}

/* Every offset of the body the connector would read, it can use: else
 * 400 naming the entry, and nothing is written (a connector resumed
 * from an offset it cannot use would only fail). */
static int offsets_fit(request *q,
                       httpsrc_pipeline *p,
                       connector *c,
                       const httpsrc_json *offs)
{
        char err[1536];
        int rc = HTTPSRC_OK;
        size_t i;
        for (i = 0; !rc && i < json_len(offs); i++) {
                const httpsrc_json *e   = json_at(offs, i);
                const httpsrc_json *off = json_get(e, "offset");
                if (!off || json_type(off) != HTTPSRC_JSON_OBJECT)
                        continue; /* a tombstone always fits */
                char *part = json_serialize(json_get(e, "partition"), NULL);
                char *val  = json_serialize(off, NULL);
                rc         = part && val
                                 ? pipeline_check_offset(p, c, conf_now(q->r, c),
                                                         part, val, err,
                                                         sizeof(err))
                                 : HTTPSRC_ERR_NOMEM;
                free(part);
                free(val);
        }
        if (rc == HTTPSRC_ERR_NOMEM)
                q->oom = 1;
        else if (rc)
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "offsets[%zu]: %s; nothing was changed", i - 1,
                            err);
        return !rc;
}

/* PATCH /connectors/{c}/offsets: partitions are written as compact JSON,
 * the bytes the connector looks them up by. */
static void h_offsets_alter(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *offs = offsets_body(q);
        connector *c =
            offs ? need_connector(q, p, "Connector %s not found") : NULL;
        if (!c || !offsets_changeable(q, p, c) || !offsets_fit(q, p, c, offs))
                return;
        for (size_t i = 0; i < json_len(offs); i++) {
                const httpsrc_json *e   = json_at(offs, i);
                const httpsrc_json *off = json_get(e, "offset");
                char *part = json_serialize(json_get(e, "partition"), NULL);
                char *val  = off && json_type(off) == HTTPSRC_JSON_OBJECT
                                 ? json_serialize(off, NULL)
                                 : NULL;
                int bad =
                    !part ||
                    (off && json_type(off) == HTTPSRC_JSON_OBJECT && !val) ||
                    offset_store_put(pipeline_offsets(p), q->arg[0], part, val);
                free(part);
                free(val);
                if (bad) {
                        q->oom = 1;
                        return;
                }
        }
        if (flush_offsets(q, p))
                return;
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, q->arg[0],
                "offsets altered over REST (%zu partition(s))", json_len(offs));
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "altered successfully\"}");
}

/* DELETE /connectors/{c}/offsets: a tombstone for every partition. */
static void h_offsets_reset(request *q, httpsrc_pipeline *p)
{
        connector *c = need_connector(q, p, "Connector %s not found");
        if (!c || !offsets_changeable(q, p, c))
                return;
        kvlist parts = {0};
        offs_visit w = {q, &parts, 1};
        offset_store_foreach(pipeline_offsets(p), q->arg[0], visit_offset, &w);
        for (size_t i = 0; !q->oom && i < parts.n; i++)
                if (offset_store_put(pipeline_offsets(p), q->arg[0],
                                     parts.v[i].key, NULL))
                        q->oom = 1;
        kvl_free(&parts);
        if (q->oom || flush_offsets(q, p))
                return;
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, q->arg[0],
                "offsets reset over REST");
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "reset successfully\"}");
}

/* ------------------------------------------------------------------ */
/* handlers: loggers, metrics                                          */

/* GET and PUT /admin/loggers (Connect 3.7+, LoggingResource): the loggers
 * are "root", one per connector (named as the connector) and any other
 * namespace a PUT named; each has a level and when it was last set. */

/* The logger named @p name ("root" in any case is the root), or NULL. */
static log_entry *log_find(rest_server *r, const char *name)
{
        if (strcaseeq(name, "root"))
                return &r->logs[0];
        for (size_t i = 1; i < r->n_logs; i++)
                if (!strcmp(r->logs[i].name, name))
                        return &r->logs[i];
        return NULL;
}

/* The one set for @p name, else the root's (it inherits). */
static const log_entry *log_shown(rest_server *r, const char *name)
{
        const log_entry *e = log_find(r, name);
        return e ? e : &r->logs[0];
}

static int log_add(rest_server *r, const char *name, const char *level)
{
        log_entry *ne = realloc(r->logs, (r->n_logs + 1) * sizeof(*ne));
        char *dup     = ne ? xstrdup(name) : NULL;
        if (ne)
                r->logs = ne;
        if (!dup)
                return -1;
        r->logs[r->n_logs] = (log_entry){.name = dup};
        snprintf(r->logs[r->n_logs++].level, sizeof(ne->level), "%s", level);
        return 0;
}

static int is_logger(rest_server *r, httpsrc_pipeline *p, const char *name)
{
        return log_find(r, name) || pipeline_find(p, name);
}

static int kv_cmp(const void *a, const void *b)
{
        return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

/* Every logger that exists whose name starts with @p prefix ("": all),
 * sorted as Connect sorts them. */
static int log_names(rest_server *r,
                     httpsrc_pipeline *p,
                     const char *prefix,
                     kvlist *out)
{
        size_t n   = strlen(prefix);
        int failed = 0;
        for (size_t i = 0; i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                if (!pipeline_deleting(p, c) &&
                    !strncmp(connector_name(c), prefix, n))
                        failed |= kvl_add(out, connector_name(c), NULL);
        }
        for (size_t i = 0; i < r->n_logs; i++)
                if (!strncmp(r->logs[i].name, prefix, n) &&
                    kvl_index(out, r->logs[i].name) < 0)
                        failed |= kvl_add(out, r->logs[i].name, NULL);
        if (out->n)
                qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return failed ? -1 : 0;
}

static void o_level(request *q, const char *name)
{
        const log_entry *e = log_shown(q->r, name);
        const log_entry *own = log_find(q->r, name);
        o_raw(q, "{\"level\":");
        o_str(q, e->level);
        o_raw(q, ",\"last_modified\":");
        if (own && own->modified)
                o_fmt(q, "%lld", (long long)own->modified);
        else
                o_raw(q, "null");
        o_raw(q, "}");
}

static void h_loggers(request *q, httpsrc_pipeline *p)
{
        kvlist names = {0};
        if (log_names(q->r, p, "", &names))
                q->oom = 1;
        reply(q, MHD_HTTP_OK);
        o_raw(q, "{");
        for (size_t i = 0; i < names.n; i++) {
                o_key(q, names.v[i].key, !i);
                o_level(q, names.v[i].key);
        }
        o_raw(q, "}");
        kvl_free(&names);
}

static void h_logger_get(request *q, httpsrc_pipeline *p)
{
        if (!is_logger(q->r, p, q->arg[0])) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Logger %s not found.",
                            q->arg[0]);
                return;
        }
        reply(q, MHD_HTTP_OK);
        o_level(q, q->arg[0]);
}

/* Set logger @p name to level @p d; an unchanged level keeps its
 * last_modified (as in Connect). */
static int log_set(rest_server *r,
                   httpsrc_pipeline *p,
                   const char *name,
                   const log_level_desc *d)
{
        log_entry *e = log_find(r, name);
        if (!e && log_add(r, name, ""))
                return -1;
        e = e ? e : &r->logs[r->n_logs - 1];
        if (!strcmp(e->level, d->name))
                return 0;
        snprintf(e->level, sizeof(e->level), "%s", d->name);
        e->modified = wall_ms();
        if (e == &r->logs[0]) {
                pipeline_set_log_level(p, d->level);
                return 0;
        }
        return pipeline_set_connector_log_level(p, name, d->level);
}

/* The loggers a PUT on @p ns sets: every one for "root"; else those whose
 * name starts with it, and @p ns itself (created if new). */
static int log_targets(rest_server *r,
                       httpsrc_pipeline *p,
                       const char *ns,
                       kvlist *out)
{
        int root = strcaseeq(ns, "root");
        if (log_names(r, p, root ? "" : ns, out))
                return -1;
        if (root || kvl_index(out, ns) >= 0)
                return 0;
        if (kvl_add(out, ns, NULL))
                return -1;
        qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return 0;
}

static void h_logger_put(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *body = need_object(q);
        const httpsrc_json *jl   = body ? json_get(body, "level") : NULL;
        char *want               = jl ? json_scalar_text(jl) : NULL;
        const log_level_desc *d  = want ? log_level_find(want) : NULL;
        kvlist names             = {0};
        if (!body)
                goto out;
        if (!want) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "Desired 'level' parameter was not specified in "
                            "request.");
                goto out;
        }
        if (!d) {
                /* Connect answers 404 here; a bad value is a bad request. */
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "invalid log level '%s': use one of OFF, FATAL, "
                            "ERROR, WARN, INFO, DEBUG, TRACE, ALL",
                            want);
                goto out;
        }
        if (log_targets(q->r, p, q->arg[0], &names)) {
                q->oom = 1;
                goto out;
        }
        for (size_t k = 0; k < names.n; k++)
                if (log_set(q->r, p, names.v[k].key, d))
                        q->oom = 1;
        if (strcaseeq(query_get(q, "scope"), "cluster")) {
                reply_empty(q, MHD_HTTP_NO_CONTENT);
                goto out;
        }
        reply(q, MHD_HTTP_OK);
        o_raw(q, "[");
        for (size_t k = 0; k < names.n; k++) {
                o_raw(q, k ? "," : "");
                o_str(q, strcaseeq(names.v[k].key, "root") ? "root"
                                                           : names.v[k].key);
        }
        o_raw(q, "]");
out:
        kvl_free(&names);
        free(want);
}

/* The exposition itself is metrics.c's. */
static void h_metrics(request *q, httpsrc_pipeline *p)
{
        strbuf sb = {0};
        if (metrics_render(p, &sb)) {
                sb_free(&sb);
                q->oom = 1;
                return;
        }
        reply(q, MHD_HTTP_OK);
        q->content_type = "text/plain; version=0.0.4; charset=utf-8";
        o_raw(q, sb.buf ? sb.buf : "");
        sb_free(&sb);
}

/* ------------------------------------------------------------------ */
/* routing                                                             */

typedef void (*handler)(request *q, httpsrc_pipeline *p);

static const struct route {
        const char *method;
        const char *path; /* '*': any one segment */
        handler fn;
} routes[] = {
    {"GET", "", h_root},
    {"GET", "health", h_health},
    {"GET", "metrics", h_metrics},
    {"GET", "connectors", h_list},
    {"POST", "connectors", h_create},
    {"GET", "connectors/*", h_info},
    {"DELETE", "connectors/*", h_delete},
    {"GET", "connectors/*/config", h_get_config},
    {"PUT", "connectors/*/config", h_put_config},
    {"PATCH", "connectors/*/config", h_patch_config},
    {"GET", "connectors/*/status", h_status},
    {"GET", "connectors/*/tasks", h_tasks},
    {"GET", "connectors/*/tasks-config", h_tasks_config},
    {"GET", "connectors/*/tasks/*/status", h_task_status},
    {"POST", "connectors/*/tasks/*/restart", h_task_restart},
    {"POST", "connectors/*/restart", h_restart},
    {"PUT", "connectors/*/pause", h_pause},
    {"PUT", "connectors/*/resume", h_resume},
    {"PUT", "connectors/*/stop", h_stop},
    {"GET", "connectors/*/offsets", h_offsets_get},
    {"PATCH", "connectors/*/offsets", h_offsets_alter},
    {"DELETE", "connectors/*/offsets", h_offsets_reset},
    {"GET", "connectors/*/topics", h_topics},
    {"PUT", "connectors/*/topics/reset", h_topics_reset},
    {"GET", "connector-plugins", h_plugins},
    {"GET", "connector-plugins/*/config", h_plugin_config},
    {"PUT", "connector-plugins/*/config/validate", h_validate},
    {"GET", "admin/loggers", h_loggers},
    {"GET", "admin/loggers/*", h_logger_get},
    {"PUT", "admin/loggers/*", h_logger_put},
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

static void route(request *q, httpsrc_pipeline *p)
{
        char methods[128] = "";
        int opts          = !strcmp(q->method, "OPTIONS");
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                if (!path_matches(q, routes[i].path))
                        continue;
                if (!opts && !strcmp(routes[i].method, q->method)) {
                        routes[i].fn(q, p);
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

/* Runs on the loop thread. */
static void dispatch(httpsrc_pipeline *p, void *arg)
{
        request *q = arg;
        reconcile(q->r, p);
        route(q, p);
        if (q->oom)
                reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
        if (!q->retry)
                log_msg(pipeline_logger(p), HTTPSRC_LOG_DEBUG, NULL,
                        "REST \"%s %s\" %d", q->method, q->url, q->status);
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

static void run(rest_server *r, request *q)
{
        for (int waited = 0;; waited += RETRY_SLEEP_MS) {
                q->final_try = q->once || waited >= RETRY_MAX_MS;
                q->retry     = 0;
                pipeline_exec(r->p, dispatch, q);
                if (!q->retry)
                        return;
                sb_reset(&q->out);
                struct timespec ts = {0, RETRY_SLEEP_MS * 1000000L};
                nanosleep(&ts, NULL);
        }
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

static httpsrc_conf *preview_conf_of(request *q, const kvlist *cfg)
{
        char err[1024];
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        for (size_t i = 0; conf && i < cfg->n; i++) {
                if (httpsrc_conf_set(conf, cfg->v[i].key, cfg->v[i].value, err,
                                     sizeof(err)) == HTTPSRC_CONF_OK)
                        continue;
                reply_error(q, MHD_HTTP_BAD_REQUEST, "%s", err);
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        q->oom |= !conf;
        return conf;
}

static void h_preview(request *q, httpsrc_pipeline *p)
{
        const httpsrc_json *body = need_object(q);
        const char *pg           = query_get(q, "pages");
        char *end                = NULL;
        long pages               = pg ? strtol(pg, &end, 10) : 1;
        kvlist cfg               = {0};
        httpsrc_conf *conf       = NULL;
        strbuf out               = {0};
        if (!body || config_of(q, body, &cfg, 0))
                goto done;
        if (pages < 1 || pages > 100 || (end && *end)) {
                reply_error(q, MHD_HTTP_BAD_REQUEST,
                            "pages: invalid value '%s': must be 1 to 100", pg);
                goto done;
        }
        if (find_source(p, q->arg[0]).kind == PK_NONE) {
                reply_error(q, MHD_HTTP_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                goto done;
        }
        if ((!kvl_get(&cfg, "connector.class") &&
             kvl_set(&cfg, "connector.class", q->arg[0])) ||
            (!kvl_get(&cfg, "name") && kvl_set(&cfg, "name", "preview"))) {
                q->oom = 1;
                goto done;
        }
        if (!(conf = preview_conf_of(q, &cfg)))
                goto done;
        if (preview_run(p, 0, conf, (size_t)pages, 1, &out) ==
            HTTPSRC_ERR_NOMEM) {
                q->oom = 1;
                goto done;
        }
        reply(q, MHD_HTTP_OK);
        o_raw(q, out.buf ? out.buf : "");
done:
        sb_free(&out);
        httpsrc_conf_destroy(conf);
        kvl_free(&cfg);
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
                if (!is_preview(q)) {
                        run(r, q);
                        return;
                }
                h_preview(q, r->p);
                if (q->oom)
                        reply_error(q, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                    "out of memory");
        }
}

static enum MHD_Result answer(rest_server *r,
                              struct MHD_Connection *conn,
                              const char *url,
                              const char *method,
                              upload *u)
{
        request q = {.r = r, .method = method, .url = url};
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
        request q   = {.r = r, .method = method, .url = path, .once = 1};
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

/* Connect's RestServer.advertisedUrl(): the scheme of
 * rest.advertised.listener, else of the first listener; host and port of
 * rest.advertised.host.name/.port, else of the first listener of that
 * scheme. The trailing '/' is Jetty's Server.getURI() form. */
int rest_advertised_url(const httpsrc_conf *w, char *buf, size_t size)
{
        const char *scheme = conf_get_set(w, "rest.advertised.listener");
        const char *host   = conf_get_set(w, "rest.advertised.host.name");
        const char *port   = conf_get_set(w, "rest.advertised.port");
        char *copy = xstrdup(httpsrc_conf_get(w, "listeners")), *save = NULL;
        listener_spec l, found = {0};
        int have = 0;
        for (char *it = copy ? strtok_r(copy, ",", &save) : NULL;
             it && !have; it = strtok_r(NULL, ",", &save)) {
                if (!*strtrim(it) || listener_parse(it, &l, NULL, 0))
                        continue;
                if (!scheme || !strcasecmp(scheme, l.tls ? "https" : "http")) {
                        found = l;
                        have  = 1;
                }
        }
        free(copy);
        if (!scheme)
                scheme = have && found.tls ? "https" : "http";
        if (!host)
                host = have && *found.host ? found.host : "localhost";
        if (!port)
                port = have ? found.port : "8083";
        int v6 = strchr(host, ':') != NULL;
        int n  = snprintf(buf, size, "%s://%s%s%s:%s/", scheme, v6 ? "[" : "",
                          host, v6 ? "]" : "", port);
        return n > 0 && (size_t)n < size ? HTTPSRC_OK : HTTPSRC_ERR_LIMIT;
}

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
        log_msg(pipeline_logger(r->p), HTTPSRC_LOG_INFO, NULL,
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
static char *resolve(httpsrc_pipeline *p,
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
        if (secrets_resolve_plain(pipeline_secrets(p), value, &out, why,
                                  sizeof(why)) != HTTPSRC_OK) {
                errstr_set(errstr, errstr_size, "%s: %s", key, why);
                return NULL;
        }
        return out;
}

static int setup_tls(rest_server *r, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *w = pipeline_worker(r->p);
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
            !(r->key_pass = resolve(r->p, pk, pass, errstr, errstr_size)))
                return HTTPSRC_ERR_INVAL;
        return HTTPSRC_OK;
}

static int setup_auth(rest_server *r, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *w = pipeline_worker(r->p);
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
            resolve(r->p, "rest.auth.password", pass, errstr, errstr_size);
        strbuf creds = {0};
        int bad      = !secret || sb_printf(&creds, "%s:%s", user, secret);
        if (secret)
                OPENSSL_cleanse(secret, strlen(secret));
        free(secret);
        if (!bad && (r->auth = malloc(4 * ((creds.len + 2) / 3) + 1)))
                EVP_EncodeBlock((unsigned char *)r->auth,
                                (const unsigned char *)creds.buf,
                                (int)creds.len);
        if (creds.buf)
                OPENSSL_cleanse(creds.buf, creds.len);
        sb_free(&creds);
        if (!bad && !r->auth)
                errstr_set(errstr, errstr_size, "out of memory");
        return bad || !r->auth ? HTTPSRC_ERR_INVAL : HTTPSRC_OK;
}

static const char *store_path(const httpsrc_conf *w, strbuf *buf)
{
        const char *path = conf_get_set(w, "config.storage.file.filename");
        const char *offs = conf_get_set(w, "offset.storage.file.filename");
        if (path && *path)
                return path;
        if (!offs || !*offs || sb_printf(buf, "%s.configs", offs))
                return NULL;
        return buf->buf;
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
/* restoring stored connectors                                         */

static httpsrc_conf *
conf_of_entry(const config_entry *e, char *errstr, size_t errstr_size)
{
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        int bad            = !conf;
        for (size_t i = 0; !bad && i < e->n; i++)
                bad = httpsrc_conf_set(conf, e->keys[i], e->values[i], errstr,
                                       errstr_size) != HTTPSRC_CONF_OK;
        if (!bad)
                bad = httpsrc_conf_set(conf, "name", e->name, errstr,
                                       errstr_size) != HTTPSRC_CONF_OK;
        if (bad) {
                if (!conf)
                        errstr_set(errstr, errstr_size, "out of memory");
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

static int restore_one(rest_server *r,
                       httpsrc_pipeline *p,
                       const config_entry *e,
                       char *err,
                       size_t err_size)
{
        httpsrc_conf *conf = conf_of_entry(e, err, err_size);
        int rc             = conf ? pipeline_create(p, conf, e->target, err,
                                                    err_size)
                                  : HTTPSRC_ERR_INVAL;
        if (rc) {
                httpsrc_conf_destroy(conf);
                return rc;
        }
        return meta_set(r, e->name, e->target,
                        e->target != HTTPSRC_STATE_RUNNING,
                        e->target == HTTPSRC_STATE_STOPPED)
                   ? HTTPSRC_OK
                   : HTTPSRC_ERR_NOMEM;
}

/* A connector given on the command line starts from its file, as in
 * Connect standalone: what REST stored for it is dropped, said once.
 * (Before, a pause + resume was enough for later edits of the file to be
 * ignored at every start.) 1 if the entry was removed. */
static int file_wins(rest_server *r, httpsrc_pipeline *p, const char *name)
{
        char err[1024];
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, name,
                "starts from its command-line file, as in Connect "
                "standalone: the config and state set over REST (kept in "
                "%s) were replaced",
                config_store_path(r->store));
        if (config_store_remove(r->store, name, err, sizeof(err)) == HTTPSRC_OK)
                return 1;
        log_msg(pipeline_logger(p), HTTPSRC_LOG_ERROR, name,
                "its REST-set config stays stored: %s", err);
        return 0;
}

/* Active topics survive a restart of the host (kept at shutdown,
 * rest_destroy(); Connect keeps them in its status topic). */
static void restore_topics(rest_server *r, httpsrc_pipeline *p)
{
        for (size_t i = 0; i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                char *const *kept;
                size_t n    = config_store_topics(r->store, connector_name(c),
                                                  &kept);
                char **copy = n ? calloc(n, sizeof(*copy)) : NULL;
                int bad     = n && !copy;
                for (size_t k = 0; !bad && k < n; k++)
                        bad = !(copy[k] = xstrdup(kept[k]));
                if (bad)
                        strv_free(copy, n);
                else if (n)
                        connector_give_topics(c, copy, n);
        }
        r->restored = 1;
}

static void keep_topics(rest_server *r)
{
        char err[1024];
        httpsrc_pipeline *p = r->p;
        int bad             = 0;
        config_store_clear_topics(r->store);
        for (size_t i = 0; !bad && i < pipeline_count(p); i++) {
                connector *c = pipeline_at(p, i);
                char *const *topics;
                size_t n = pipeline_deleting(p, c)
                               ? 0
                               : connector_topics(c, &topics);
                bad      = n && config_store_set_topics(
                                   r->store, connector_name(c), topics, n);
        }
        if (bad)
                snprintf(err, sizeof(err), "out of memory");
        if (bad || config_store_save(r->store, err, sizeof(err)))
                log_msg(pipeline_logger(p), HTTPSRC_LOG_ERROR, NULL,
                        "active topics not kept: %s", err);
}

static void restore(httpsrc_pipeline *p, void *arg)
{
        rest_server *r = arg;
        char err[1024];
        for (size_t i = 0; i < config_store_count(r->store);) {
                const config_entry *e = config_store_at(r->store, i);
                if (pipeline_find(p, e->name)) {
                        i += !file_wins(r, p, e->name);
                        continue;
                }
                if (restore_one(r, p, e, err, sizeof(err)))
                        log_msg(pipeline_logger(p), HTTPSRC_LOG_ERROR, e->name,
                                "connector stored in %s not restored: %s",
                                config_store_path(r->store), err);
                i++;
        }
        restore_topics(r, p);
}

/* ------------------------------------------------------------------ */
/* public (internal) API                                               */

rest_server *rest_new(httpsrc_pipeline *p, char *errstr, size_t errstr_size)
{
        rest_server *r = calloc(1, sizeof(*r));
        if (!r) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        r->p                  = p;
        const httpsrc_conf *w = pipeline_worker(p);
        r->max_body =
            (size_t)conf_get_int(w, "rest.max.request.bytes", 1048576);
        r->max_conns =
            (unsigned)conf_get_int(w, "rest.max.connections", 256);
        r->max_per_client =
            (unsigned)conf_get_int(w, "rest.max.connections.per.client", 16);
        r->request_timeout_ms =
            conf_get_int(w, "rest.request.timeout.ms", 10000);
        if (log_add(r, "root", log_level_name(pipeline_logger(p)->max_level))) {
                errstr_set(errstr, errstr_size, "out of memory");
                rest_destroy(r);
                return NULL;
        }
        strbuf path      = {0};
        const char *list = httpsrc_conf_get(w, "listeners");
        int rc           = setup_auth(r, errstr, errstr_size);
        if (!rc)
                rc = bind_all(r, list ? list : "", errstr, errstr_size);
        if (!rc && !(r->store = config_store_open(store_path(w, &path), errstr,
                                                  errstr_size)))
                rc = HTTPSRC_ERR_IO;
        sb_free(&path);
        if (!rc) {
                pipeline_exec(p, restore, r);
                rc = start_all(r, errstr, errstr_size);
        }
        if (rc) {
                rest_destroy(r);
                return NULL;
        }
        return r;
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
        /* The loop has ended: the connectors may be read from here. */
        if (r->restored && conf_get_bool(pipeline_worker(r->p),
                                         "topic.tracking.enable", 1))
                keep_topics(r);
        free(r->daemons);
        free(r->fds);
        free(r->flags);
        for (size_t i = 0; i < r->n_meta; i++) {
                free(r->meta[i].name);
                httpsrc_conf_destroy(r->meta[i].conf);
        }
        free(r->meta);
        for (size_t i = 0; i < r->n_logs; i++)
                free(r->logs[i].name);
        free(r->logs);
        config_store_destroy(r->store);
        free(r->cert);
        if (r->key)
                OPENSSL_cleanse(r->key, strlen(r->key));
        free(r->key);
        if (r->key_pass)
                OPENSSL_cleanse(r->key_pass, strlen(r->key_pass));
        free(r->key_pass);
        if (r->auth) /* base64 of user:password */
                OPENSSL_cleanse(r->auth, strlen(r->auth));
        free(r->auth);
        free(r);
}
