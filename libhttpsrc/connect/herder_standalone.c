/* connect layer: the standalone herder (herder.h), Kafka Connect's
 * StandaloneHerder. One owner per fact: configs and target states in the
 * config store, observed task states in the status store (as the runtime
 * reports them), offsets in the offset store. It decides the writes, the
 * status shown (state, trace, task), validation (starts nothing), offset
 * changes, restore on start and the loggers' levels; conn_meta keeps only
 * what Connect has no store for (no task yet, recreate when leaving
 * STOPPED, the latest config while its restart is pending).
 *
 * It drives the runtime (the pipeline, or a test's fake) only through
 * its ops table (runtime_ops.h). Every operation but a preview runs on
 * the runtime's loop thread (rt_exec(), from the caller's thread), the
 * only thread touching the tasks, the offset store, the config store and
 * the state below. One that must wait (a create while a namesake is still being
 * deleted, an offsets change while the connector finishes its last
 * request) is kept and run again from the loop's tick (tick()) until it
 * can answer or RETRY_MAX_MS passed: the answer comes later, REST waits
 * on its herder_call. Bodies are Connect's REST entities as JSON text.
 */
#include "herder_standalone_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "conf_int.h"
#include "converter_int.h"
#include "config_store_int.h"
#include "herder_json_int.h"
#include "json_int.h"
#include "kvlist_int.h"
#include "runtime_ops.h"
#include "status_store_int.h"
#include "util_int.h"

/* The Kafka Connect REST API level implemented (tools gate features on
 * GET /'s version): stop, offsets, PATCH config and /health are 3.9's. */
#define API_VERSION "3.9.0"
/* How long an operation that must wait for the runtime (a delete or a
 * page in flight to finish) waits before it answers 409. */
#define RETRY_MAX_MS          10000

/* A logger of /admin/loggers: its level as set (log4j's name) and when. */
typedef struct log_entry {
        char *name;
        char level[8];
        int64_t modified; /* epoch ms; 0: never set */
} log_entry;

/* What the herder keeps about a connector besides the runtime's state
 * and the stores' (its target state is the config store's). */
typedef struct conn_meta {
        char *name;
        int no_tasks; /* created PAUSED/STOPPED, or stopped: no task yet */
        int reload;   /* stopped since created: offsets may have been
                       * altered, so leaving STOPPED recreates it */
        httpsrc_conf *conf; /* the config last set over REST while the
                             * restart that applies it may be pending;
                             * NULL: rt_task_conf() is the latest */
} conn_meta;

struct job;

typedef struct standalone {
        herder base;
        herder_runtime rt; /* the runtime (the pipeline, or a test's) */
        config_store *store;
        status_store *status; /* observed task states, as the runtime
                               * reports them (rt_set_task_state_cb) */
        char worker_id[300];
        /* loop-thread state */
        conn_meta *meta;
        size_t n_meta;
        int restored;    /* the store was applied: it may be written */
        log_entry *logs; /* [0]: root */
        size_t n_logs;
        struct job **waiting; /* operations that wait for the runtime */
        size_t n_waiting;
} standalone;

typedef struct hq hq;
typedef void (*op_body)(hq *q, const herder_runtime *rt);

/* One operation: a copy of its request (it may outlive the caller's). */
typedef struct job {
        standalone *r;
        op_body fn;
        herder_request rq;
        kvlist config;
        char *connector, *plugin, *text;
        herder_cb cb;
        void *opaque;
        int64_t deadline; /* mono ms: answer 409 instead of waiting on */
        int no_loop;      /* the loop did not run when it was submitted */
} job;

/* An operation being answered. */
struct hq {
        standalone *r;
        const herder_request *rq;
        kvlist *cfg;        /* the request's config (a copy: may change) */
        const char *arg[1]; /* the connector's name, else the plugin's or
                             * the logger's */
        int final_try; /* waiting is not possible any more */
        int retry;     /* not now: run again at the next tick */
        herder_status status;
        strbuf out; /* the body (JSON, or the metrics text) */
        char *message;
        int oom;
        const char *content_type;
};

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

/* ------------------------------------------------------------------ */
/* writing the answer                                                  */

static void o_raw(hq *q, const char *s)
{
        if (!q->oom && sb_puts(&q->out, s))
                q->oom = 1;
}

static void o_fmt(hq *q, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
static void o_fmt(hq *q, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        o_raw(q, buf);
}

/* A JSON string literal, or null. */
static void o_str(hq *q, const char *s)
{
        if (!s)
                o_raw(q, "null");
        else if (!q->oom && json_write_string(&q->out, s, strlen(s)))
                q->oom = 1;
}

/* "key": (with a leading comma unless @p first). */
static void o_key(hq *q, const char *key, int first)
{
        if (!first)
                o_raw(q, ",");
        o_str(q, key);
        o_raw(q, ":");
}

static void reply(hq *q, herder_status status)
{
        q->status       = status;
        q->content_type = NULL;
}

static void reply_empty(hq *q, herder_status status)
{
        sb_reset(&q->out);
        q->status = status;
}

/* The same with a message that may be longer than a line. */
static void reply_error_text(hq *q, herder_status status, const char *msg)
{
        sb_reset(&q->out);
        q->status = status;
        free(q->message);
        if (!(q->message = xstrdup(msg)))
                q->oom = 1;
}

/* An error (REST writes {"error_code": N, "message": "..."}). */
static void reply_error(hq *q, herder_status status, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
static void reply_error(hq *q, herder_status status, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        reply_error_text(q, status, buf);
}

/* ------------------------------------------------------------------ */
/* connector bookkeeping                                               */

static conn_meta *meta_get(standalone *r, const char *name)
{
        for (size_t i = 0; i < r->n_meta; i++)
                if (!strcmp(r->meta[i].name, name))
                        return &r->meta[i];
        return NULL;
}

static void meta_drop(standalone *r, const char *name)
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
meta_set(standalone *r, const char *name, int no_tasks, int reload)
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
        m->no_tasks = no_tasks;
        m->reload   = reload;
        return m;
}

/* The connector's config as written, the latest one set. */
static const httpsrc_conf *conf_now(standalone *r, const runtime_task *c)
{
        const conn_meta *m = meta_get(r, rt_task_name(&r->rt, c));
        return m && m->conf ? m->conf : rt_task_conf(&r->rt, c);
}

/* Remember @p conf (taken) as @p name's latest config. */
static int meta_conf(standalone *r, const char *name, httpsrc_conf *conf)
{
        conn_meta *m = meta_get(r, name);
        if (!m)
                m = meta_set(r, name, 0, 0);
        if (!m || !conf) {
                httpsrc_conf_destroy(conf);
                return -1;
        }
        httpsrc_conf_destroy(m->conf);
        m->conf = conf;
        return 0;
}

/* The target state: the config store's (Connect's TargetState); one
 * given on the command line and never changed over REST is not stored:
 * RUNNING. */
static int desired(standalone *r, const runtime_task *c)
{
        const config_entry *e =
            config_store_get(r->store, rt_task_name(&r->rt, c));
        return e ? e->target : HTTPSRC_STATE_RUNNING;
}

/* The task's observed state: the status store's, as the runtime last
 * reported it. */
static int observed(standalone *r, const runtime_task *c)
{
        const herder_runtime *rt = &r->rt;
        static const int states[] = {
            [STATUS_UNASSIGNED] = HTTPSRC_STATE_UNASSIGNED,
            [STATUS_RUNNING]    = HTTPSRC_STATE_RUNNING,
            [STATUS_PAUSED]     = HTTPSRC_STATE_PAUSED,
            [STATUS_FAILED]     = HTTPSRC_STATE_FAILED,
            [STATUS_DESTROYED]  = HTTPSRC_STATE_UNASSIGNED,
            [STATUS_RESTARTING] = HTTPSRC_STATE_RESTARTING,
            [STATUS_STOPPED]    = HTTPSRC_STATE_STOPPED};
        status_rec rec;
        if (status_store_get(r->status, rt_task_name(rt, c), 0, &rec) ||
            (unsigned)rec.state >= sizeof(states) / sizeof(states[0]))
                return rt_task_state(rt, c); /* not reported (yet) */
        return states[rec.state];
}

/* The state shown: a connector asked to stop is STOPPED even if it had
 * failed before (Connect shuts it down). */
static int shown_state(standalone *r, runtime_task *c)
{
        int st = observed(r, c);
        if (st != HTTPSRC_STATE_RESTARTING &&
            desired(r, c) == HTTPSRC_STATE_STOPPED)
                return HTTPSRC_STATE_STOPPED;
        return st;
}

/* Connect has no task for a stopped connector, nor for one created
 * PAUSED or STOPPED until it is resumed. */
static int has_task(standalone *r, runtime_task *c)
{
        const herder_runtime *rt = &r->rt;
        const conn_meta *m = meta_get(r, rt_task_name(rt, c));
        return shown_state(r, c) != HTTPSRC_STATE_STOPPED &&
               !(m && m->no_tasks);
}

/* A restart brings a FAILED connector back RUNNING (the runtime); put the
 * target asked for over REST back. */
static void reconcile(standalone *r)
{
        const herder_runtime *rt = &r->rt;
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                int want     = desired(r, c);
                if (want != HTTPSRC_STATE_RUNNING &&
                    observed(r, c) == HTTPSRC_STATE_RUNNING)
                        rt_task_set_target(rt, c, want);
        }
}

/* The connector named by the route, or NULL with a 404 answered with
 * @p not_found ("... %s ..."). */
static runtime_task *
need_connector(hq *q, const herder_runtime *rt, const char *not_found)
{
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (!c) {
                char msg[1024];
                snprintf(msg, sizeof(msg), not_found, q->arg[0]);
                reply_error_text(q, HERDER_NOT_FOUND, msg);
        }
        return c;
}

/* Keep @p name's config and target in the config store. */
static int
store_put(hq *q, const char *name, const httpsrc_conf *conf, int target)
{
        char err[1024];
        if (config_store_put(q->r->store, name, conf, target, err,
                             sizeof(err)) == HTTPSRC_OK)
                return 0;
        reply_error(q, HERDER_ERROR,
                    "Connector config not stored: %s", err);
        return -1;
}

static int store_remove(hq *q, const char *name)
{
        char err[1024];
        if (config_store_remove(q->r->store, name, err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        reply_error(q, HERDER_ERROR,
                    "Connector config not removed: %s", err);
        return -1;
}

/* ------------------------------------------------------------------ */
/* JSON entities                                                       */

/* The entities are herder_json's (one writer for both herders). */
static void o_json(hq *q, int rc)
{
        if (rc)
                q->oom = 1;
}

/* The config as written (placeholders kept). */
static void o_conf(hq *q, const httpsrc_conf *conf)
{
        herder_json_map m = herder_json_conf(conf, NULL);
        o_json(q, herder_json_write_map(&q->out, &m));
}

/* ConnectorInfo */
static void
o_info(hq *q, const char *name, const httpsrc_conf *conf, int tasks)
{
        herder_json_map m = herder_json_conf(conf, NULL);
        o_json(q, herder_json_info(&q->out, name, &m, tasks ? 1 : 0));
}

static void o_conn_info(hq *q, const herder_runtime *rt, runtime_task *c)
{
        o_info(q, rt_task_name(rt, c), conf_now(q->r, c), has_task(q->r, c));
}

/* The trace of a status: why it failed, or what a running one gets
 * wrong: the offsets cannot be stored (it does not poll), Kafka
 * unreachable while its records wait, a records path that matches
 * nothing. @p buf holds the text made here. */
static const char *status_trace(const herder_runtime *rt,
                                const runtime_task *c,
                                char *buf,
                                size_t size)
{
        const char *failure  = rt_task_failure(rt, c);
        const char *unstored = rt_offsets_error(rt);
        if (failure)
                return failure;
        if (unstored) {
                snprintf(buf, size,
                         "offsets not stored: %s; polling paused until they "
                         "can be",
                         unstored);
                return buf;
        }
        if (rt_task_outstanding(rt, c) && rt_kafka_problem(rt, buf, size))
                return buf;
        return rt_task_warning(rt, c);
}

/* A connector's or task's state ("id" < 0: the connector's); the trace
 * only for FAILED, and for RUNNING what it gets wrong
 * (rt_task_warning()). */
static herder_json_state
state_of(standalone *r, int id, int st, const char *trace)
{
        herder_json_state s = {id, state_name(st), r->worker_id, NULL};
        if (st == HTTPSRC_STATE_FAILED || st == HTTPSRC_STATE_RUNNING)
                s.trace = trace;
        return s;
}

/* ConnectorStateInfo; a state < 0 is the current one. A failure is the
 * task's, as in Connect: the connector instance stays RUNNING and only
 * the task shows FAILED and the trace. */
static void o_status(
    hq *q, const herder_runtime *rt, runtime_task *c, int conn_st, int task_st)
{
        char buf[768];
        int st            = shown_state(q->r, c);
        const char *trace = status_trace(rt, c, buf, sizeof(buf));
        herder_json_state conn = state_of(
            q->r, -1,
            conn_st >= 0                 ? conn_st
            : st == HTTPSRC_STATE_FAILED ? HTTPSRC_STATE_RUNNING
                                         : st,
            rt_task_failure(rt, c) ? NULL : trace);
        herder_json_state task =
            state_of(q->r, 0, task_st < 0 ? st : task_st, trace);
        o_json(q, herder_json_status(&q->out, rt_task_name(rt, c), &conn, &task,
                                     has_task(q->r, c) ? 1 : 0));
}

/* ------------------------------------------------------------------ */
/* validation: one declared-keys table, three layers                   */

/* Check @p cfg as creating the connector would; every problem goes to
 * @p errs as (key, "<key>: <reason>") (conf_int.h). Starts nothing.
 * Returns the conf built (the caller owns it), NULL on ENOMEM. */
static httpsrc_conf *
validate(const herder_runtime *rt, const kvlist *cfg, kvlist *errs)
{
        int clean;
        httpsrc_conf *conf =
            conf_validate(HTTPSRC_SCOPE_CONNECTOR, cfg, errs, &clean);
        /* Plugin keys too, even with a core key refused: every bad key of
         * the config in one answer. */
        kvlist found = {0};
        if (conf && clean &&
            (rt_validate(rt, conf, &found) ||
             conf_problem_merge(errs, errs->n, &found))) {
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&found);
        return conf;
}

/* "name" in a config must equal the connector's name. */
static int name_matches(hq *q, const kvlist *cfg, const char *name)
{
        const char *included = kvl_get(cfg, "name");
        if (!included || !strcmp(included, name))
                return 1;
        reply_error(q, HERDER_BAD_REQUEST,
                    "Connector name configuration (%s) doesn't match "
                    "connector name in the URL (%s)",
                    included, name);
        return 0;
}

/* 400 "Connector configuration is invalid and contains the following N
 * error(s): ..." (AbstractHerder.maybeAddConfigErrors), one line each. */
static void reply_invalid(hq *q, const kvlist *errs)
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
                reply_error_text(q, HERDER_BAD_REQUEST, msg.buf);
        sb_free(&msg);
}

/* Validate, answering 400 (or ENOMEM) on problems. */
static httpsrc_conf *
valid_conf(hq *q, const herder_runtime *rt, const kvlist *cfg)
{
        kvlist errs        = {0};
        httpsrc_conf *conf = validate(rt, cfg, &errs);
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

static plugin_ref find_source(const herder_runtime *rt, const char *name)
{
        plugin_ref ref = {PK_NONE, NULL, NULL};
        if (is_builtin_source(name))
                ref.kind = PK_BUILTIN;
        else if ((ref.pc = plugin_registry_find(rt->plugins,
                                                HTTPSRC_KIND_SOURCE, name)))
                ref.kind = PK_SOURCE;
        return ref;
}

static plugin_ref find_plugin(const herder_runtime *rt, const char *name)
{
        plugin_ref ref             = find_source(rt, name);
        const plugin_registry *reg = rt->plugins;
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

static void o_plugin(hq *q,
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
    hq *q, const herder_runtime *rt, int kind, const char *type, int *first)
{
        const plugin_registry *reg = rt->plugins;
        for (size_t i = 0; i < plugin_registry_count(reg, kind); i++) {
                const plugin_component *pc = plugin_registry_at(reg, kind, i);
                o_plugin(q, first, pc->name, type, comp_version(pc));
        }
}

/* ConfigKeyInfo of a declared key (named @p full, e.g. with a
 * transforms.<alias>. prefix). */
static void
o_key_info(hq *q, const httpsrc_param_desc *d, const char *full, int order)
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

static void o_params(hq *q, const httpsrc_param_desc *d, int *order)
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
plugin_key(const herder_runtime *rt, const kvlist *cfg, const char *key)
{
        static const struct {
                const char *ns;
                int kind;
        } aliased[]                = {{"transforms.", HTTPSRC_KIND_TRANSFORM},
                                      {"predicates.", HTTPSRC_KIND_PREDICATE}};
        const plugin_registry *reg = rt->plugins;
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

static void o_value_info(hq *q,
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
static size_t collect_entries(const herder_runtime *rt,
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
                                    (cfg_entry){k, plugin_key(rt, cfg, k)};
                }
        return n;
}

static void o_groups(hq *q, const cfg_entry *e, size_t n)
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

static void o_config_infos(hq *q,
                           const herder_runtime *rt,
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
        size_t n = collect_entries(rt, src, cfg, errs, e, cap);
        reply(q, HERDER_OK);
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

static void h_root(hq *q, const herder_runtime *rt)
{
        reply(q, HERDER_OK);
        o_raw(q, "{\"version\":\"" API_VERSION "\",\"commit\":");
        o_str(q, HTTPSRC_COMMIT);
        o_raw(q, ",\"kafka_cluster_id\":");
        const char *id = rt_kafka_cluster_id(rt);
        if (id)
                o_str(q, id);
        else
                o_raw(q, "null");
        o_raw(q, "}");
}

/* Answering at all means the loop serves requests: healthy, unless no
 * Kafka broker answers (503, like Connect's unhealthy worker). */
static void h_health(hq *q, const herder_runtime *rt)
{
        char why[768];
        if (rt_kafka_problem(rt, why, sizeof(why))) {
                reply(q, HERDER_UNAVAILABLE);
                o_raw(q, "{\"status\":\"unhealthy\",\"message\":");
                o_str(q, why);
                o_raw(q, "}");
                return;
        }
        reply(q, HERDER_OK);
        o_raw(q, "{\"status\":\"healthy\",\"message\":\"Worker has completed "
                 "startup and is ready to handle requests.\"}");
}

static void h_plugins(hq *q, const herder_runtime *rt)
{
        int first = 1, only = (q->rq->flags & HERDER_F_CONNECTORS_ONLY) != 0;
        reply(q, HERDER_OK);
        o_raw(q, "[");
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                o_plugin(q, &first, plugin_builtin_sources[i], "source",
                         httpsrc_version_str());
        o_components(q, rt, HTTPSRC_KIND_SOURCE, "source", &first);
        if (!only) {
                o_components(q, rt, HTTPSRC_KIND_TRANSFORM, "transformation",
                             &first);
                o_components(q, rt, HTTPSRC_KIND_PREDICATE, "predicate",
                             &first);
                for (size_t i = 0; converter_class_at(i); i++)
                        o_plugin(q, &first, converter_class_at(i), "converter",
                                 httpsrc_version_str());
        }
        o_raw(q, "]");
}

static void h_plugin_config(hq *q, const herder_runtime *rt)
{
        static const httpsrc_param_desc json_params[] = {
            {.name          = "schemas.enable",
             .type          = HTTPSRC_PARAM_BOOL,
             .default_value = "false",
             .doc   = "Include schemas within each of the serialized values "
                      "and keys",
             .group = "Schemas"},
            {.name = NULL}};
        plugin_ref ref = find_plugin(rt, q->arg[0]);
        int order      = 0;
        if (ref.kind == PK_NONE) {
                reply_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                return;
        }
        reply(q, HERDER_OK);
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
same_plugin(const herder_runtime *rt,
            const char *included,
            const char *requested)
{
        plugin_ref a = find_source(rt, included);
        plugin_ref b = find_source(rt, requested);
        if (a.kind != PK_NONE && b.kind != PK_NONE)
                return a.kind == b.kind && a.pc == b.pc;
        const char *sa, *sb;
        size_t na = normalized(included, &sa), nb = normalized(requested, &sb);
        return na >= nb && !strncmp(sa + na - nb, sb, nb);
}

static void h_validate(hq *q, const herder_runtime *rt)
{
        kvlist *cfg = q->cfg, errs = {0};
        plugin_ref src       = find_source(rt, q->arg[0]);
        const char *included = kvl_get(cfg, "connector.class");
        if (src.kind == PK_NONE) {
                reply_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
        } else if (included && !same_plugin(rt, included, q->arg[0])) {
                reply_error(q, HERDER_BAD_REQUEST,
                            "Included connector type %s does not match "
                            "request type %s",
                            included, q->arg[0]);
        } else if (!included && kvl_set(cfg, "connector.class", q->arg[0])) {
                q->oom = 1;
        } else {
                httpsrc_conf *conf = validate(rt, cfg, &errs);
                if (!conf)
                        q->oom = 1;
                else
                        o_config_infos(q, rt, &src, cfg, &errs);
                httpsrc_conf_destroy(conf);
        }
        kvl_free(&errs);
}

/* ------------------------------------------------------------------ */
/* handlers: listing, creating, configs                                */

static void h_list(hq *q, const herder_runtime *rt)
{
        /* expand given at all (even empty) answers an object */
        int expand = (q->rq->flags & HERDER_F_EXPAND) != 0;
        int status = (q->rq->flags & HERDER_F_EXPAND_STATUS) != 0;
        int info = (q->rq->flags & HERDER_F_EXPAND_INFO) != 0, first = 1;
        reply(q, HERDER_OK);
        o_raw(q, expand ? "{" : "[");
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                if (rt_task_deleting(rt, c))
                        continue;
                if (!first)
                        o_raw(q, ",");
                first = 0;
                o_str(q, rt_task_name(rt, c));
                if (!expand)
                        continue;
                o_raw(q, ":{");
                if (status) {
                        o_raw(q, "\"status\":");
                        o_status(q, rt, c, -1, -1);
                }
                if (info) {
                        o_raw(q, status ? ",\"info\":" : "\"info\":");
                        o_conn_info(q, rt, c);
                }
                o_raw(q, "}");
        }
        o_raw(q, expand ? "}" : "]");
}


static void create(hq *q,
                   const herder_runtime *rt,
                   const char *name,
                   httpsrc_conf *conf,
                   int state)
{
        char err[2048];
        int no_tasks = state != HTTPSRC_STATE_RUNNING;
        /* Created first: a create that fails stores nothing, so it never
         * removes what the store held under that name. */
        if (rt_create(rt, conf, state, err, sizeof(err))) {
                httpsrc_conf_destroy(conf);
                reply_error(q, HERDER_BAD_REQUEST, "%s", err);
                return;
        }
        const httpsrc_conf *made = rt_task_conf(rt, rt_find(rt, name));
        if (store_put(q, name, made, state)) {
                rt_remove(rt, name); /* it would not survive a restart */
                return;
        }
        reply(q, HERDER_CREATED);
        o_info(q, name, made, !no_tasks);
        conn_meta *m = meta_set(q->r, name, no_tasks,
                                state == HTTPSRC_STATE_STOPPED);
        if (m) {
                httpsrc_conf_destroy(m->conf); /* of a deleted namesake */
                m->conf = NULL;
        } else {
                q->oom = 1;
        }
        log_msg(rt->log, HTTPSRC_LOG_INFO, name,
                "connector created over REST (%s)", state_name(state));
}

/* A create or update must wait while the name is being deleted. */
static int wait_for_delete(hq *q, const herder_runtime *rt, const char *name)
{
        if (!rt_leaving(rt, name))
                return 0;
        if (q->final_try)
                reply_error(q, HERDER_CONFLICT,
                            "Connector %s is still being deleted", name);
        else
                q->retry = 1;
        return 1;
}

static void
reconfigure(hq *q,
            const herder_runtime *rt,
            runtime_task *c,
            httpsrc_conf *conf);

static int state_of_target(herder_target t)
{
        return t == HERDER_TARGET_PAUSED    ? HTTPSRC_STATE_PAUSED
               : t == HERDER_TARGET_STOPPED ? HTTPSRC_STATE_STOPPED
                                            : HTTPSRC_STATE_RUNNING;
}

/* POST /connectors (a create: 409 if it exists) and PUT
 * /connectors/{c}/config (ALLOW_REPLACE: 200 updated, 201 created). */
static void h_put_config(hq *q, const herder_runtime *rt)
{
        kvlist *cfg      = q->cfg;
        const char *name = q->arg[0];
        int replace      = (q->rq->flags & HERDER_F_ALLOW_REPLACE) != 0;
        if (!name_matches(q, cfg, name) || wait_for_delete(q, rt, name))
                return;
        if (kvl_set(cfg, "name", name)) {
                q->oom = 1;
                return;
        }
        httpsrc_conf *conf = valid_conf(q, rt, cfg);
        runtime_task *c       = conf ? rt_find(rt, name) : NULL;
        if (c && replace) {
                reconfigure(q, rt, c, conf);
        } else if (c) {
                httpsrc_conf_destroy(conf);
                reply_error(q, HERDER_CONFLICT, "Connector %s already exists",
                            name);
        } else if (conf) {
                create(q, rt, name, conf,
                       replace ? HTTPSRC_STATE_RUNNING
                               : state_of_target(q->rq->target));
        }
}

static void h_info(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        reply(q, HERDER_OK);
        o_conn_info(q, rt, c);
}

static void h_delete(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c || store_remove(q, q->arg[0]))
                return;
        rt_remove(rt, q->arg[0]);
        meta_drop(q->r, q->arg[0]);
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "connector deleted over REST");
        reply_empty(q, HERDER_NO_CONTENT);
}

static void h_get_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        reply(q, HERDER_OK);
        o_conf(q, conf_now(q->r, c));
}

/* Replace a running connector's config: restart it with its offsets. */
static void
reconfigure(hq *q,
            const herder_runtime *rt,
            runtime_task *c,
            httpsrc_conf *conf)
{
        char err[2048];
        const char *name = q->arg[0];
        if (store_put(q, name, conf, desired(q->r, c))) {
                httpsrc_conf_destroy(conf);
                return;
        }
        reply(q, HERDER_OK);
        o_info(q, name, conf, has_task(q->r, c));
        httpsrc_conf *latest = httpsrc_conf_dup(conf);
        int rc = latest ? rt_restart(rt, name, conf, err, sizeof(err))
                        : HTTPSRC_ERR_NOMEM;
        if (rc) {
                /* The store keeps what still runs. */
                store_put(q, name, conf_now(q->r, c), desired(q->r, c));
                httpsrc_conf_destroy(conf);
                httpsrc_conf_destroy(latest);
                reply_error(q, HERDER_BAD_REQUEST, "%s",
                            latest ? err : "out of memory");
                return;
        }
        if (meta_conf(q->r, name, latest))
                q->oom = 1;
        log_msg(rt->log, HTTPSRC_LOG_INFO, name,
                "config changed over REST: restarting with the new config");
}

/* PATCH /connectors/{c}/config: merge, a null value removes the key. */
static void h_patch_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        const kvlist *patch = q->cfg;
        kvlist cfg          = {0};
        if (!c || !name_matches(q, patch, q->arg[0]))
                return;
        if (kvl_from_conf(&cfg, conf_now(q->r, c))) {
                q->oom = 1;
                goto out;
        }
        for (size_t i = 0; i < patch->n; i++)
                if (kvl_set(&cfg, patch->v[i].key, patch->v[i].value)) {
                        q->oom = 1;
                        goto out;
                }
        httpsrc_conf *conf = valid_conf(q, rt, &cfg);
        if (conf)
                reconfigure(q, rt, c, conf);
out:
        kvl_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* handlers: status, tasks, lifecycle                                  */

static void h_status(hq *q, const herder_runtime *rt)
{
        runtime_task *c =
            need_connector(q, rt, "No status found for connector %s");
        if (!c)
                return;
        reply(q, HERDER_OK);
        o_status(q, rt, c, -1, -1);
}

/* The task configs of @p c (@p n: 0 or its one task) as @p write lays
 * them out: the connector's config plus task.class. */
static void o_task_configs(hq *q,
                           runtime_task *c,
                           size_t n,
                           int (*write)(strbuf *,
                                        const char *,
                                        const herder_json_map *,
                                        size_t))
{
        const httpsrc_conf *conf = conf_now(q->r, c);
        char *cls =
            herder_json_task_class(httpsrc_conf_get(conf, "connector.class"));
        if (!cls)
                q->oom = 1;
        herder_json_map m = herder_json_conf(conf, cls ? cls : "");
        o_json(q, write(&q->out, rt_task_name(&q->r->rt, c), &m, n));
        free(cls);
}

static void h_tasks(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        reply(q, HERDER_OK);
        o_task_configs(q, c, has_task(q->r, c), herder_json_task_configs);
}

/* Deprecated GET /connectors/{c}/tasks-config: {"<c>-0": {...}}. */
static void h_tasks_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        if (!has_task(q->r, c)) {
                reply_error(q, HERDER_NOT_FOUND, "Connector %s not found",
                            q->arg[0]);
                return;
        }
        reply(q, HERDER_OK);
        o_task_configs(q, c, 1, herder_json_tasks_config);
}

static void h_task_status(hq *q, const herder_runtime *rt)
{
        long id      = q->rq->task;
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (!c || id != 0 || !has_task(q->r, c)) {
                reply_error(q, HERDER_NOT_FOUND,
                            "No status found for task %s-%ld", q->arg[0], id);
                return;
        }
        reply(q, HERDER_OK);
        char buf[768];
        herder_json_state s = state_of(q->r, 0, shown_state(q->r, c),
                                       status_trace(rt, c, buf, sizeof(buf)));
        o_json(q, herder_json_write_state(&q->out, &s));
}

/* A restart replaces one still pending, conf included: restart from the
 * latest config set over REST, not the running connector's. */
static void
restart(standalone *r, const char *name, const char *why)
{
        const herder_runtime *rt = &r->rt;
        char err[1024];
        const conn_meta *m = meta_get(r, name);
        httpsrc_conf *conf = m && m->conf ? httpsrc_conf_dup(m->conf) : NULL;
        int rc             = rt_restart(rt, name, conf, err, sizeof(err));
        if (rc) {
                httpsrc_conf_destroy(conf);
                log_msg(rt->log, HTTPSRC_LOG_ERROR, name,
                        "not restarted: %s", err);
                return;
        }
        log_msg(rt->log, HTTPSRC_LOG_INFO, name, "restarting (%s)",
                why);
}

static void h_task_restart(hq *q, const herder_runtime *rt)
{
        long id      = q->rq->task;
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        if (id != 0 || !has_task(q->r, c)) {
                reply_error(q, HERDER_NOT_FOUND, "Task %s-%ld not found",
                            q->arg[0], id);
                return;
        }
        restart(q->r, q->arg[0], "task restart requested over REST");
        reply_empty(q, HERDER_NO_CONTENT);
}

/* POST /connectors/{c}/restart[?includeTasks=&onlyFailed=]. The one
 * task shares the connector's fate: restarting either restarts both. */
static void h_restart(hq *q, const herder_runtime *rt)
{
        int tasks       = (q->rq->flags & HERDER_F_INCLUDE_TASKS) != 0;
        int only_failed = (q->rq->flags & HERDER_F_ONLY_FAILED) != 0;
        int plain       = !tasks && !only_failed;
        runtime_task *c    = need_connector(
            q, rt, plain ? "Connector %s not found" : "Unknown connector: %s");
        if (!c)
                return;
        /* Connect's plan (AbstractHerder.buildRestartPlan), with a
         * connector that is never FAILED itself (its task is). */
        int st      = shown_state(q->r, c);
        int stopped = st == HTTPSRC_STATE_STOPPED;
        int failed  = st == HTTPSRC_STATE_FAILED;
        int conn    = !stopped && !only_failed;
        int task    = !stopped && tasks && has_task(q->r, c) &&
                   (!only_failed || failed);
        if (conn || task)
                restart(q->r, q->arg[0], "restart requested over REST");
        if (plain) {
                reply_empty(q, HERDER_NO_CONTENT);
                return;
        }
        /* What the plan leaves alone shows as it was. */
        reply(q, HERDER_ACCEPTED);
        o_status(q, rt, c,
                 conn     ? HTTPSRC_STATE_RESTARTING
                 : failed ? HTTPSRC_STATE_RUNNING
                          : st,
                 task ? HTTPSRC_STATE_RESTARTING : st);
}

/* Record a new target (store first: a failed write changes nothing). */
static conn_meta *retarget(hq *q, runtime_task *c, int target)
{
        const char *name = rt_task_name(&q->r->rt, c);
        conn_meta *m     = meta_get(q->r, name);
        /* No change, no write: resuming a running command-line connector
         * must not copy it into the store (it would then override later
         * edits of its file). */
        if (desired(q->r, c) != target &&
            store_put(q, name, conf_now(q->r, c), target))
                return NULL;
        if (!m)
                m = meta_set(q->r, name, 0, 0);
        if (!m)
                q->oom = 1;
        return m;
}

static void h_pause(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        if (!c || !retarget(q, c, HTTPSRC_STATE_PAUSED))
                return;
        if (was != HTTPSRC_STATE_PAUSED)
                rt_task_set_target(rt, c, HTTPSRC_STATE_PAUSED);
        reply_empty(q, HERDER_ACCEPTED);
}

/* Leaving STOPPED recreates the connector: it reads its (maybe altered)
 * offsets when created. */
static void h_resume(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        conn_meta *m = c ? retarget(q, c, HTTPSRC_STATE_RUNNING) : NULL;
        if (!m)
                return;
        if (m->reload)
                restart(q->r, q->arg[0], "resumed from STOPPED");
        m->reload   = 0;
        m->no_tasks = 0;
        if (was != HTTPSRC_STATE_RUNNING)
                rt_task_set_target(rt, c, HTTPSRC_STATE_RUNNING);
        reply_empty(q, HERDER_ACCEPTED);
}

static void h_stop(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        conn_meta *m = c ? retarget(q, c, HTTPSRC_STATE_STOPPED) : NULL;
        if (!m)
                return;
        m->reload   = 1;
        m->no_tasks = 1;
        if (was != HTTPSRC_STATE_STOPPED)
                rt_task_set_target(rt, c, HTTPSRC_STATE_STOPPED);
        reply_empty(q, HERDER_NO_CONTENT);
}

/* ------------------------------------------------------------------ */
/* handlers: active topics (KIP-558)                                   */

/* 403 unless topic.tracking.enable (and, for a reset, .allow.reset). */
static int tracking_allowed(hq *q, const herder_runtime *rt, int reset)
{
        const httpsrc_conf *w = rt->worker;
        const char *why       = NULL;
        if (!conf_get_bool(w, "topic.tracking.enable", 1))
                why = "Topic tracking is disabled.";
        else if (reset && !conf_get_bool(w, "topic.tracking.allow.reset", 1))
                why = "Topic tracking reset is disabled.";
        if (why)
                reply_error_text(q, HERDER_FORBIDDEN, why);
        return !why;
}

/* Like Connect, an unknown (or deleted) connector has no topics: 200. */
static void h_topics(hq *q, const herder_runtime *rt)
{
        if (!tracking_allowed(q, rt, 0))
                return;
        runtime_task *c        = rt_find(rt, q->arg[0]);
        char *const *topics = NULL;
        size_t n =
            c && !rt_task_deleting(rt, c) ? rt_task_topics(rt, c, &topics) : 0;
        reply(q, HERDER_OK);
        o_raw(q, "{");
        o_str(q, q->arg[0]);
        o_raw(q, ":{\"topics\":[");
        for (size_t i = 0; i < n; i++) {
                o_raw(q, i ? "," : "");
                o_str(q, topics[i]);
        }
        o_raw(q, "]}}");
}

static void h_topics_reset(hq *q, const herder_runtime *rt)
{
        if (!tracking_allowed(q, rt, 1))
                return;
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (c)
                rt_task_reset_topics(rt, c);
        reply_empty(q, HERDER_ACCEPTED);
}

/* ------------------------------------------------------------------ */
/* handlers: offsets                                                   */

typedef struct offs_visit {
        hq *q;
        kvlist *parts; /* reset: the partitions seen */
        int first;
} offs_visit;

static void o_json_text(hq *q, const char *text)
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

static void h_offsets_get(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        offs_visit w = {q, NULL, 1};
        reply(q, HERDER_OK);
        o_raw(q, "{\"offsets\":[");
        offset_store_foreach(rt->offsets, q->arg[0], visit_offset, &w);
        o_raw(q, "]}");
}

/* Offsets may change only while the connector is STOPPED and idle. */
static int offsets_changeable(hq *q, const herder_runtime *rt, runtime_task *c)
{
        if (shown_state(q->r, c) != HTTPSRC_STATE_STOPPED) {
                reply_error(q, HERDER_BAD_REQUEST,
                            "Connectors must be in the STOPPED state before "
                            "their offsets can be modified. This can be done "
                            "for the specified connector by issuing a 'PUT' "
                            "request to the '/connectors/%s/stop' endpoint",
                            q->arg[0]);
                return 0;
        }
        if (!rt_task_busy(rt, c))
                return 1;
        if (q->final_try)
                reply_error(q, HERDER_CONFLICT,
                            "Connector %s is still finishing its last "
                            "request; try again",
                            q->arg[0]);
        else
                q->retry = 1;
        return 0;
}

static int flush_offsets(hq *q, const herder_runtime *rt)
{
        char err[1024];
        if (offset_store_flush(rt->offsets, err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        reply_error(q, HERDER_ERROR, "Offsets not stored: %s",
                    err);
        return -1;
}

/* Every offset of the body the connector would read, it can use: else
 * 400 naming the entry, and nothing is written (a connector resumed
 * from an offset it cannot use would only fail). */
static int offsets_fit(hq *q,
                       const herder_runtime *rt,
                       runtime_task *c,
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
                                 ? rt_check_offset(rt, c, conf_now(q->r, c),
                                                         part, val, err,
                                                         sizeof(err))
                                 : HTTPSRC_ERR_NOMEM;
                free(part);
                free(val);
        }
        if (rc == HTTPSRC_ERR_NOMEM)
                q->oom = 1;
        else if (rc)
                reply_error(q, HERDER_BAD_REQUEST,
                            "offsets[%zu]: %s; nothing was changed", i - 1,
                            err);
        return !rc;
}

/* PATCH /connectors/{c}/offsets: partitions are written as compact JSON,
 * the bytes the connector looks them up by. */
static void alter(hq *q, const herder_runtime *rt, const httpsrc_json *offs);

static void h_offsets_alter(hq *q, const herder_runtime *rt)
{
        const char *text = q->rq->text ? q->rq->text : "";
        httpsrc_json *offs = json_parse(text, strlen(text), NULL, 0);
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (c && json_type(offs) != HTTPSRC_JSON_ARRAY)
                reply_error(q, HERDER_BAD_REQUEST,
                            "\"offsets\" must be an array of "
                            "{\"partition\": {...}, \"offset\": {...}}");
        else if (c && offsets_changeable(q, rt, c) &&
                 offsets_fit(q, rt, c, offs))
                alter(q, rt, offs);
        json_destroy(offs);
}

/* Write every entry of @p offs (checked) and flush the store. */
static void alter(hq *q, const herder_runtime *rt, const httpsrc_json *offs)
{
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
                    offset_store_put(rt->offsets, q->arg[0], part, val);
                free(part);
                free(val);
                if (bad) {
                        q->oom = 1;
                        return;
                }
        }
        if (flush_offsets(q, rt))
                return;
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "offsets altered over REST (%zu partition(s))", json_len(offs));
        reply(q, HERDER_OK);
        o_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "altered successfully\"}");
}

/* DELETE /connectors/{c}/offsets: a tombstone for every partition. */
static void h_offsets_reset(hq *q, const herder_runtime *rt)
{
        runtime_task *c = need_connector(q, rt, "Connector %s not found");
        if (!c || !offsets_changeable(q, rt, c))
                return;
        kvlist parts = {0};
        offs_visit w = {q, &parts, 1};
        offset_store_foreach(rt->offsets, q->arg[0], visit_offset, &w);
        for (size_t i = 0; !q->oom && i < parts.n; i++)
                if (offset_store_put(rt->offsets, q->arg[0],
                                     parts.v[i].key, NULL))
                        q->oom = 1;
        kvl_free(&parts);
        if (q->oom || flush_offsets(q, rt))
                return;
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "offsets reset over REST");
        reply(q, HERDER_OK);
        o_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "reset successfully\"}");
}

/* ------------------------------------------------------------------ */
/* handlers: loggers, metrics                                          */

/* GET and PUT /admin/loggers (Connect 3.7+, LoggingResource): the loggers
 * are "root", one per connector (named as the connector) and any other
 * namespace a PUT named; each has a level and when it was last set. */

/* The logger named @p name ("root" in any case is the root), or NULL. */
static log_entry *log_find(standalone *r, const char *name)
{
        if (strcaseeq(name, "root"))
                return &r->logs[0];
        for (size_t i = 1; i < r->n_logs; i++)
                if (!strcmp(r->logs[i].name, name))
                        return &r->logs[i];
        return NULL;
}

/* The one set for @p name, else the root's (it inherits). */
static const log_entry *log_shown(standalone *r, const char *name)
{
        const log_entry *e = log_find(r, name);
        return e ? e : &r->logs[0];
}

static int log_add(standalone *r, const char *name, const char *level)
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

static int is_logger(standalone *r, const char *name)
{
        const herder_runtime *rt = &r->rt;
        return log_find(r, name) || rt_find(rt, name);
}

static int kv_cmp(const void *a, const void *b)
{
        return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

/* Every logger that exists whose name starts with @p prefix ("": all),
 * sorted as Connect sorts them. */
static int log_names(standalone *r, const char *prefix,
                     kvlist *out)
{
        const herder_runtime *rt = &r->rt;
        size_t n   = strlen(prefix);
        int failed = 0;
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                if (!rt_task_deleting(rt, c) &&
                    !strncmp(rt_task_name(rt, c), prefix, n))
                        failed |= kvl_add(out, rt_task_name(rt, c), NULL);
        }
        for (size_t i = 0; i < r->n_logs; i++)
                if (!strncmp(r->logs[i].name, prefix, n) &&
                    kvl_index(out, r->logs[i].name) < 0)
                        failed |= kvl_add(out, r->logs[i].name, NULL);
        if (out->n)
                qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return failed ? -1 : 0;
}

static void o_level(hq *q, const char *name)
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

static void h_loggers(hq *q, const herder_runtime *rt)
{
        kvlist names = {0};
        if (log_names(q->r, "", &names))
                q->oom = 1;
        reply(q, HERDER_OK);
        o_raw(q, "{");
        for (size_t i = 0; i < names.n; i++) {
                o_key(q, names.v[i].key, !i);
                o_level(q, names.v[i].key);
        }
        o_raw(q, "}");
        kvl_free(&names);
}

static void h_logger_get(hq *q, const herder_runtime *rt)
{
        if (!is_logger(q->r, q->arg[0])) {
                reply_error(q, HERDER_NOT_FOUND, "Logger %s not found.",
                            q->arg[0]);
                return;
        }
        reply(q, HERDER_OK);
        o_level(q, q->arg[0]);
}

/* Set logger @p name to level @p d; an unchanged level keeps its
 * last_modified (as in Connect). */
static int log_set(standalone *r, const char *name,
                   const log_level_desc *d)
{
        const herder_runtime *rt = &r->rt;
        log_entry *e = log_find(r, name);
        if (!e && log_add(r, name, ""))
                return -1;
        e = e ? e : &r->logs[r->n_logs - 1];
        if (!strcmp(e->level, d->name))
                return 0;
        snprintf(e->level, sizeof(e->level), "%s", d->name);
        e->modified = wall_ms();
        if (e == &r->logs[0]) {
                rt_set_log_level(rt, d->level);
                return 0;
        }
        return rt_set_task_log_level(rt, name, d->level);
}

/* The loggers a PUT on @p ns sets: every one for "root"; else those whose
 * name starts with it, and @p ns itself (created if new). */
static int log_targets(standalone *r, const char *ns,
                       kvlist *out)
{
        int root = strcaseeq(ns, "root");
        if (log_names(r, root ? "" : ns, out))
                return -1;
        if (root || kvl_index(out, ns) >= 0)
                return 0;
        if (kvl_add(out, ns, NULL))
                return -1;
        qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return 0;
}

static void h_logger_put(hq *q, const herder_runtime *rt)
{
        const char *want        = q->rq->text ? q->rq->text : "";
        const log_level_desc *d = log_level_find(want);
        kvlist names            = {0};
        if (!d) {
                /* As Connect 4.1.1 answers (LoggingResource.setLevel:
                 * NotFoundException, run against a ConnectStandalone):
                 * 404 and its words, then the levels it takes. */
                reply_error(q, HERDER_NOT_FOUND,
                            "invalid log level '%s'. Use one of OFF, FATAL, "
                            "ERROR, WARN, INFO, DEBUG, TRACE, ALL",
                            want);
                goto out;
        }
        if (log_targets(q->r, q->arg[0], &names)) {
                q->oom = 1;
                goto out;
        }
        for (size_t k = 0; k < names.n; k++)
                if (log_set(q->r, names.v[k].key, d))
                        q->oom = 1;
        if (q->rq->flags & HERDER_F_SCOPE_CLUSTER) {
                reply_empty(q, HERDER_NO_CONTENT);
                goto out;
        }
        reply(q, HERDER_OK);
        o_raw(q, "[");
        for (size_t k = 0; k < names.n; k++) {
                o_raw(q, k ? "," : "");
                o_str(q, strcaseeq(names.v[k].key, "root") ? "root"
                                                           : names.v[k].key);
        }
        o_raw(q, "]");
out:
        kvl_free(&names);
}

/* The exposition itself is metrics.c's. */
static void h_metrics(hq *q, const herder_runtime *rt)
{
        strbuf sb = {0};
        if (rt_metrics(rt, &sb)) {
                sb_free(&sb);
                q->oom = 1;
                return;
        }
        reply(q, HERDER_OK);
        q->content_type = "text/plain; version=0.0.4; charset=utf-8";
        o_raw(q, sb.buf ? sb.buf : "");
        sb_free(&sb);
}

static httpsrc_conf *preview_conf_of(hq *q, const kvlist *cfg)
{
        char err[1024];
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        for (size_t i = 0; conf && i < cfg->n; i++) {
                if (httpsrc_conf_set(conf, cfg->v[i].key, cfg->v[i].value, err,
                                     sizeof(err)) == HTTPSRC_CONF_OK)
                        continue;
                reply_error(q, HERDER_BAD_REQUEST, "%s", err);
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        q->oom |= !conf;
        return conf;
}

static void h_preview(hq *q, const herder_runtime *rt)
{
        kvlist *cfg        = q->cfg;
        long pages         = q->rq->pages;
        httpsrc_conf *conf = NULL;
        strbuf out         = {0};
        if (find_source(rt, q->arg[0]).kind == PK_NONE) {
                reply_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                goto done;
        }
        if ((!kvl_get(cfg, "connector.class") &&
             kvl_set(cfg, "connector.class", q->arg[0])) ||
            (!kvl_get(cfg, "name") && kvl_set(cfg, "name", "preview"))) {
                q->oom = 1;
                goto done;
        }
        if (!(conf = preview_conf_of(q, cfg)))
                goto done;
        if (rt_preview(rt, conf, (size_t)pages, &out) ==
            HTTPSRC_ERR_NOMEM) {
                q->oom = 1;
                goto done;
        }
        reply(q, HERDER_OK);
        o_raw(q, out.buf ? out.buf : "");
done:
        sb_free(&out);
        httpsrc_conf_destroy(conf);
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

static int restore_one(standalone *r, const config_entry *e,
                       char *err,
                       size_t err_size)
{
        const herder_runtime *rt = &r->rt;
        httpsrc_conf *conf = conf_of_entry(e, err, err_size);
        int rc             = conf ? rt_create(rt, conf, e->target, err,
                                                    err_size)
                                  : HTTPSRC_ERR_INVAL;
        if (rc) {
                httpsrc_conf_destroy(conf);
                return rc;
        }
        return meta_set(r, e->name, e->target != HTTPSRC_STATE_RUNNING,
                        e->target == HTTPSRC_STATE_STOPPED)
                   ? HTTPSRC_OK
                   : HTTPSRC_ERR_NOMEM;
}

/* A connector given on the command line starts from its file, as in
 * Connect standalone: what REST stored for it is dropped, said once.
 * (Before, a pause + resume was enough for later edits of the file to be
 * ignored at every start.) 1 if the entry was removed. */
static int file_wins(standalone *r, const char *name)
{
        const herder_runtime *rt = &r->rt;
        char err[1024];
        log_msg(rt->log, HTTPSRC_LOG_INFO, name,
                "starts from its command-line file, as in Connect "
                "standalone: the config and state set over REST (kept in "
                "%s) were replaced",
                config_store_path(r->store));
        if (config_store_remove(r->store, name, err, sizeof(err)) == HTTPSRC_OK)
                return 1;
        log_msg(rt->log, HTTPSRC_LOG_ERROR, name,
                "its REST-set config stays stored: %s", err);
        return 0;
}

/* Active topics survive a restart of the host (kept at shutdown,
 * standalone_destroy(); Connect keeps them in its status topic). */
static void restore_topics(standalone *r)
{
        const herder_runtime *rt = &r->rt;
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                char *const *kept;
                size_t n    = config_store_topics(r->store, rt_task_name(rt, c),
                                                  &kept);
                char **copy = n ? calloc(n, sizeof(*copy)) : NULL;
                int bad     = n && !copy;
                for (size_t k = 0; !bad && k < n; k++)
                        bad = !(copy[k] = xstrdup(kept[k]));
                if (bad)
                        strv_free(copy, n);
                else if (n)
                        rt_task_give_topics(rt, c, copy, n);
        }
        r->restored = 1;
}

static void keep_topics(standalone *r)
{
        char err[1024];
        const herder_runtime *rt = &r->rt;
        int bad             = 0;
        config_store_clear_topics(r->store);
        for (size_t i = 0; !bad && i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                char *const *topics;
                size_t n = rt_task_deleting(rt, c)
                               ? 0
                               : rt_task_topics(rt, c, &topics);
                bad      = n && config_store_set_topics(
                                   r->store, rt_task_name(rt, c), topics, n);
        }
        if (bad)
                snprintf(err, sizeof(err), "out of memory");
        if (bad || config_store_save(r->store, err, sizeof(err)))
                log_msg(rt->log, HTTPSRC_LOG_ERROR, NULL,
                        "active topics not kept: %s", err);
}

static void restore(void *arg)
{
        standalone *r            = arg;
        const herder_runtime *rt = &r->rt;
        char err[1024];
        for (size_t i = 0; i < config_store_count(r->store);) {
                const config_entry *e = config_store_at(r->store, i);
                if (rt_find(rt, e->name)) {
                        i += !file_wins(r, e->name);
                        continue;
                }
                if (restore_one(r, e, err, sizeof(err)))
                        log_msg(rt->log, HTTPSRC_LOG_ERROR, e->name,
                                "connector stored in %s not restored: %s",
                                config_store_path(r->store), err);
                i++;
        }
        restore_topics(r);
}

/* The config store's file: config.storage.file.filename, else next to
 * the offsets file. */
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

/* Loop thread (or the caller's, inside rt_exec() while no loop
 * runs): a task's observed state changed; the status store keeps it
 * (Connect's TaskStatus.Listener -> StatusBackingStore). A task that is
 * gone leaves a tombstone. */
static void on_task_state(void *opaque,
                          const char *name,
                          httpsrc_state state,
                          const char *trace)
{
        standalone *r = opaque;
        status_rec rec = {.trace = trace, .worker_id = r->worker_id};
        char err[256];
        switch (state) {
        case HTTPSRC_STATE_RUNNING: rec.state = STATUS_RUNNING; break;
        case HTTPSRC_STATE_PAUSED: rec.state = STATUS_PAUSED; break;
        case HTTPSRC_STATE_STOPPED: rec.state = STATUS_STOPPED; break;
        case HTTPSRC_STATE_FAILED: rec.state = STATUS_FAILED; break;
        case HTTPSRC_STATE_RESTARTING: rec.state = STATUS_RESTARTING; break;
        default: rec.state = STATUS_DESTROYED; break;
        }
        if (status_store_put(r->status, name, 0, &rec, err, sizeof(err)))
                log_msg(r->rt.log, HTTPSRC_LOG_ERROR, name,
                        "task status not kept: %s", err);
}

/* ------------------------------------------------------------------ */
/* running operations                                                  */

static void job_free(job *j)
{
        if (!j)
                return;
        kvl_free(&j->config);
        free(j->connector);
        free(j->plugin);
        free(j->text);
        free(j);
}

static int copy_str(char **dst, const char *s)
{
        return s && !(*dst = xstrdup(s)) ? -1 : 0;
}

/* A copy of @p rq: an operation that waits outlives the caller's. */
static job *job_new(standalone *r,
                    const herder_request *rq,
                    op_body fn,
                    herder_cb cb,
                    void *opaque)
{
        job *j = calloc(1, sizeof(*j));
        if (!j)
                return NULL;
        *j = (job){.r = r, .fn = fn, .rq = *rq, .cb = cb, .opaque = opaque};
        size_t tlen = rq->text_len ? rq->text_len
                      : rq->text   ? strlen(rq->text)
                                   : 0;
        int bad     = copy_str(&j->connector, rq->connector) ||
                  copy_str(&j->plugin, rq->plugin) ||
                  (rq->text && !(j->text = xstrndup(rq->text, tlen)));
        for (size_t i = 0; !bad && rq->config && i < rq->config->n; i++)
                bad = kvl_add(&j->config, rq->config->v[i].key,
                              rq->config->v[i].value);
        if (bad) {
                job_free(j);
                return NULL;
        }
        j->rq.connector = j->connector;
        j->rq.plugin    = j->plugin;
        j->rq.text      = j->text;
        j->rq.text_len  = tlen;
        j->rq.config    = &j->config;
        j->rq.signature = j->rq.signature_algorithm = NULL;
        j->deadline     = mono_ms() + RETRY_MAX_MS;
        return j;
}

static herder_result *result_of(hq *q)
{
        herder_result *res;
        if (q->oom)
                return herder_result_error(HERDER_ERROR, "out of memory");
        if (q->message) {
                res = herder_result_new(q->status);
                if (res) {
                        res->message = q->message;
                        q->message   = NULL;
                }
                return res;
        }
        res = herder_result_body(q->status,
                                 q->out.len ? sb_steal(&q->out) : NULL);
        if (res)
                res->content_type = q->content_type;
        return res;
}

/* Run @p j once: 1 when it answered, 0 when it waits (not @p final). */
static int job_run(job *j, int final)
{
        hq q     = {.r = j->r, .rq = &j->rq, .cfg = &j->config};
        q.arg[0] = j->connector ? j->connector : j->plugin ? j->plugin : "";
        q.final_try = final;
        j->fn(&q, &j->r->rt);
        int answered = !q.retry || final;
        if (answered)
                j->cb(result_of(&q), j->opaque);
        sb_free(&q.out);
        free(q.message);
        return answered;
}

/* Loop thread: an operation's first run; one that must wait is kept. A
 * runtime whose loop does not run (nothing to wait for) answers at once. */
static void on_loop(void *arg)
{
        job *j        = arg;
        standalone *r = j->r;
        int final     = j->no_loop;
        reconcile(r);
        if (job_run(j, final))
                goto done;
        job **nw = realloc(r->waiting, (r->n_waiting + 1) * sizeof(*nw));
        if (nw) {
                r->waiting                 = nw;
                r->waiting[r->n_waiting++] = j;
                return;
        }
        job_run(j, 1);
done:
        job_free(j);
}

/* Loop thread, once per loop iteration (rt_set_tick_cb): the
 * operations that wait, in order, until they can answer; @p last: the
 * loop has ended, they answer now. */
static void tick(void *opaque, int last)
{
        standalone *r = opaque;
        if (!r->n_waiting)
                return;
        int64_t now = mono_ms();
        reconcile(r);
        for (size_t i = 0; i < r->n_waiting;) {
                job *j = r->waiting[i];
                if (!job_run(j, last || now >= j->deadline)) {
                        i++;
                        continue;
                }
                job_free(j);
                memmove(&r->waiting[i], &r->waiting[i + 1],
                        (--r->n_waiting - i) * sizeof(*r->waiting));
        }
}

static void submit(herder *h,
                   const herder_request *rq,
                   op_body fn,
                   herder_cb cb,
                   void *opaque)
{
        standalone *r = (standalone *)h;
        job *j        = job_new(r, rq, fn, cb, opaque);
        if (!j) {
                cb(herder_result_error(HERDER_ERROR, "out of memory"), opaque);
                return;
        }
        j->no_loop = !rt_loop_running(&r->rt);
        rt_exec(&r->rt, on_loop, j);
}

/* A preview waits for an API for seconds: it runs on the caller's thread
 * (it reads only what is fixed once the runtime exists), never on the
 * loop, which would stall every connector. */
static void op_preview(herder *h,
                       const herder_request *rq,
                       herder_cb cb,
                       void *opaque)
{
        job *j = job_new((standalone *)h, rq, h_preview, cb, opaque);
        if (!j) {
                cb(herder_result_error(HERDER_ERROR, "out of memory"), opaque);
                return;
        }
        job_run(j, 1);
        job_free(j);
}

#define OP(name, body)                                                        \
        static void name(herder *h, const herder_request *rq, herder_cb cb,   \
                         void *opaque)                                        \
        {                                                                     \
                submit(h, rq, body, cb, opaque);                              \
        }
OP(op_worker_info, h_root)
OP(op_health, h_health)
OP(op_connectors, h_list)
OP(op_info, h_info)
OP(op_config, h_get_config)
OP(op_status, h_status)
OP(op_tasks, h_tasks)
OP(op_tasks_config, h_tasks_config)
OP(op_task_status, h_task_status)
OP(op_offsets, h_offsets_get)
OP(op_topics, h_topics)
OP(op_plugins, h_plugins)
OP(op_plugin_config, h_plugin_config)
OP(op_loggers, h_loggers)
OP(op_logger, h_logger_get)
OP(op_metrics, h_metrics)
OP(op_put_config, h_put_config)
OP(op_patch_config, h_patch_config)
OP(op_delete, h_delete)
OP(op_pause, h_pause)
OP(op_resume, h_resume)
OP(op_stop, h_stop)
OP(op_restart, h_restart)
OP(op_restart_task, h_task_restart)
OP(op_alter_offsets, h_offsets_alter)
OP(op_reset_offsets, h_offsets_reset)
OP(op_reset_topics, h_topics_reset)
OP(op_validate, h_validate)
OP(op_set_logger, h_logger_put)
#undef OP

/* ------------------------------------------------------------------ */
/* life                                                                */

static void standalone_destroy(herder *h)
{
        standalone *r = (standalone *)h;
        rt_set_tick_cb(&r->rt, NULL, NULL);
        rt_set_task_state_cb(&r->rt, NULL, NULL);
        for (size_t i = 0; i < r->n_waiting; i++) {
                job *j = r->waiting[i];
                j->cb(herder_result_error(HERDER_ERROR,
                                          "The worker is shutting down"),
                      j->opaque);
                job_free(j);
        }
        free(r->waiting);
        /* The loop has ended: the connectors may be read from here. */
        if (r->restored &&
            conf_get_bool(r->rt.worker, "topic.tracking.enable", 1))
                keep_topics(r);
        for (size_t i = 0; i < r->n_meta; i++) {
                free(r->meta[i].name);
                httpsrc_conf_destroy(r->meta[i].conf);
        }
        free(r->meta);
        for (size_t i = 0; i < r->n_logs; i++)
                free(r->logs[i].name);
        free(r->logs);
        config_store_destroy(r->store);
        status_store_destroy(r->status);
        free(r);
}

static const herder_ops standalone_ops = {
    .name             = "standalone",
    .destroy          = standalone_destroy,
    .worker_info      = op_worker_info,
    .health           = op_health,
    .connectors       = op_connectors,
    .connector_info   = op_info,
    .connector_config = op_config,
    .connector_status = op_status,
    .task_configs     = op_tasks,
    .tasks_config     = op_tasks_config,
    .task_status      = op_task_status,
    .offsets          = op_offsets,
    .active_topics    = op_topics,
    .plugins          = op_plugins,
    .plugin_config    = op_plugin_config,
    .loggers          = op_loggers,
    .logger_level     = op_logger,
    .metrics          = op_metrics,
    .put_config       = op_put_config,
    .patch_config     = op_patch_config,
    .delete_connector = op_delete,
    .pause            = op_pause,
    .resume           = op_resume,
    .stop             = op_stop,
    .restart_connector = op_restart,
    .restart_task     = op_restart_task,
    .alter_offsets    = op_alter_offsets,
    .reset_offsets    = op_reset_offsets,
    .reset_topics     = op_reset_topics,
    .validate         = op_validate,
    .preview          = op_preview,
    .set_logger       = op_set_logger,
    /* put_task_configs, fence_zombies: distributed only */
};

/* The tasks that exist before the herder (the command line's): the
 * runtime reported them to nobody yet. */
static void report_all(void *arg)
{
        const herder_runtime *rt = &((standalone *)arg)->rt;
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                on_task_state(arg, rt_task_name(rt, c), rt_task_state(rt, c),
                              rt_task_failure(rt, c));
        }
}

herder *herder_standalone_new(const herder_runtime *rt,
                              const char *worker_id,
                              char *errstr,
                              size_t errstr_size)
{
        standalone *r = calloc(1, sizeof(*r));
        if (!r) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        r->base.ops = &standalone_ops;
        r->rt       = *rt;
        snprintf(r->worker_id, sizeof(r->worker_id), "%s",
                 worker_id ? worker_id : "");
        strbuf path = {0};
        if (log_add(r, "root", log_level_name(rt->log->max_level))) {
                errstr_set(errstr, errstr_size, "out of memory");
        } else {
                r->store = config_store_open(store_path(rt->worker,
                                                        &path),
                                             errstr, errstr_size);
        }
        sb_free(&path);
        if (r->store && !(r->status = status_store_new_memory()))
                errstr_set(errstr, errstr_size, "out of memory");
        if (!r->status) {
                standalone_destroy(&r->base);
                return NULL;
        }
        rt_set_task_state_cb(rt, on_task_state, r);
        rt_exec(rt, report_all, r);
        rt_exec(rt, restore, r);
        rt_set_tick_cb(rt, tick, r);
        return &r->base;
}
