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
 * the state below. One that must wait (a create while a namesake is
 * still being deleted, an offsets change while the connector finishes
 * its last request) is kept and run again from the loop's tick (tick())
 * until it can answer or RETRY_MAX_MS passed: the answer comes later,
 * REST waits on its herder_call. Bodies are Connect's REST entities as
 * JSON text.
 *
 * This file runs the operations and holds the herder; the handlers are
 * in the files herder_standalone_impl.h lists, one concern each.
 */
#include "herder_standalone_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "conf_int.h"
#include "json_int.h"

/* The Kafka Connect REST API level implemented (tools gate features on
 * GET /'s version): stop, offsets, PATCH config and /health are 3.9's. */
#define API_VERSION "3.9.0"
/* How long an operation that must wait for the runtime (a delete or a
 * page in flight to finish) waits before it answers 409. */
#define RETRY_MAX_MS          10000

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

/* ------------------------------------------------------------------ */
/* writing the answer                                                  */

void hq_raw(hq *q, const char *s)
{
        if (!q->oom && sb_puts(&q->out, s))
                q->oom = 1;
}

void hq_fmt(hq *q, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        hq_raw(q, buf);
}

/* A JSON string literal, or null. */
void hq_str(hq *q, const char *s)
{
        if (!s)
                hq_raw(q, "null");
        else if (!q->oom && json_write_string(&q->out, s, strlen(s)))
                q->oom = 1;
}

/* "key": (with a leading comma unless @p first). */
void hq_key(hq *q, const char *key, int first)
{
        if (!first)
                hq_raw(q, ",");
        hq_str(q, key);
        hq_raw(q, ":");
}

void hq_reply(hq *q, herder_status status)
{
        q->status       = status;
        q->content_type = NULL;
}

void hq_reply_empty(hq *q, herder_status status)
{
        sb_reset(&q->out);
        q->status = status;
}

/* The same with a message that may be longer than a line. */
void hq_error_text(hq *q, herder_status status, const char *msg)
{
        sb_reset(&q->out);
        q->status = status;
        free(q->message);
        if (!(q->message = xstrdup(msg)))
                q->oom = 1;
}

/* An error (REST writes {"error_code": N, "message": "..."}). */
void hq_error(hq *q, herder_status status, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        hq_error_text(q, status, buf);
}

/* ------------------------------------------------------------------ */
/* handlers: the worker                                                */

static void h_root(hq *q, const herder_runtime *rt)
{
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"version\":\"" API_VERSION "\",\"commit\":");
        hq_str(q, HTTPSRC_COMMIT);
        hq_raw(q, ",\"kafka_cluster_id\":");
        const char *id = rt_kafka_cluster_id(rt);
        if (id)
                hq_str(q, id);
        else
                hq_raw(q, "null");
        hq_raw(q, "}");
}

/* Answering at all means the loop serves requests: healthy, unless no
 * Kafka broker answers (503, like Connect's unhealthy worker). */
static void h_health(hq *q, const herder_runtime *rt)
{
        char why[768];
        if (rt_kafka_problem(rt, why, sizeof(why))) {
                hq_reply(q, HERDER_UNAVAILABLE);
                hq_raw(q, "{\"status\":\"unhealthy\",\"message\":");
                hq_str(q, why);
                hq_raw(q, "}");
                return;
        }
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"status\":\"healthy\",\"message\":\"Worker has completed "
                 "startup and is ready to handle requests.\"}");
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
        hq_reply(q, HERDER_OK);
        q->content_type = "text/plain; version=0.0.4; charset=utf-8";
        hq_raw(q, sb.buf ? sb.buf : "");
        sb_free(&sb);
}

/* ------------------------------------------------------------------ */
/* restoring stored connectors                                         */

static httpsrc_conf *
conf_of_entry(const config_entry *e, char *errstr, size_t errstr_size)
{
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        int bad            = !conf;
        for (size_t i = 0; !bad && i < e->config.n; i++)
                bad = httpsrc_conf_set(conf, e->config.v[i].key,
                                       e->config.v[i].value, errstr,
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
        return sa_meta_set(r, e->name, e->target != HTTPSRC_STATE_RUNNING,
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
        bad = bad || kvl_append(&j->config, rq->config);
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
        sa_reconcile(r);
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
        sa_reconcile(r);
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
        job *j = job_new((standalone *)h, rq, sa_preview, cb, opaque);
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
OP(op_connectors, sa_list)
OP(op_info, sa_info)
OP(op_config, sa_get_config)
OP(op_status, sa_status)
OP(op_tasks, sa_tasks)
OP(op_tasks_config, sa_tasks_config)
OP(op_task_status, sa_task_status)
OP(op_offsets, sa_offsets_get)
OP(op_topics, sa_topics)
OP(op_plugins, sa_plugins)
OP(op_plugin_config, sa_plugin_config)
OP(op_loggers, sa_loggers)
OP(op_logger, sa_logger_get)
OP(op_metrics, h_metrics)
OP(op_put_config, sa_put_config)
OP(op_patch_config, sa_patch_config)
OP(op_delete, sa_delete)
OP(op_pause, sa_pause)
OP(op_resume, sa_resume)
OP(op_stop, sa_stop)
OP(op_restart, sa_restart)
OP(op_restart_task, sa_task_restart)
OP(op_alter_offsets, sa_offsets_alter)
OP(op_reset_offsets, sa_offsets_reset)
OP(op_reset_topics, sa_topics_reset)
OP(op_validate, sa_validate)
OP(op_set_logger, sa_logger_put)
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
        if (sa_log_add(r, "root", log_level_name(rt->log->max_level))) {
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
