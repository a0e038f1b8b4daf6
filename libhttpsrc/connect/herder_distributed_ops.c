/* connect layer: the distributed herder's REST operations (Connect's
 * DistributedHerder request handlers), run on the herder thread: reads
 * from the config snapshot and the status store, writes through the
 * leader (followers forward), task configs from the connector owners. */
#include "herder_distributed_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_int.h"
#include "config_store_kafka_int.h"
#include "config_store_int.h"
#include "group_int.h"
#include "herder_json_int.h"
#include "json_int.h"
#include "kvlist_int.h"
#include "log_int.h"
#include "offsets_int.h"
#include "pipeline_int.h"
#include "plugin_int.h"
#include "listener_int.h"
#include "status_store_int.h"
#include "status_store_kafka_int.h"
#include "txn_int.h"
#include "util_int.h"
#include "worker_client_int.h"

#include "herder_distributed_impl.h"

/* ---- REST operations (herder thread) --------------------------------- */

static herder_result *not_found(const char *name)
{
        return herder_result_error(HERDER_NOT_FOUND, "Connector %s not found",
                                   name);
}

static void o_info(dist_herder *d, strbuf *sb, const config_entry *e)
{
        const kvlist *t;
        size_t n          = config_store_tasks(d->cfg, e->name, &t);
        herder_json_map m = herder_json_props(&e->config);
        herder_json_info(sb, e->name, &m, n);
}

/* A stored status as REST shows it (none: UNASSIGNED, worker_id ""). */
static herder_json_state
state_of(dist_herder *d, const char *name, int task_id, status_rec *r)
{
        herder_json_state s = {task_id, NULL, NULL, NULL};
        if (status_store_get(d->st, name, task_id, r) == HTTPSRC_OK) {
                s.state     = status_state_name(r->state);
                s.worker_id = r->worker_id;
                s.trace     = r->trace;
        }
        return s;
}

static void o_status(dist_herder *d, strbuf *sb, const char *name)
{
        const kvlist *t;
        size_t n = config_store_tasks(d->cfg, name, &t);
        status_rec rc, *rt = calloc(n ? n : 1, sizeof(*rt));
        herder_json_state *ts = calloc(n ? n : 1, sizeof(*ts));
        if (rt && ts) {
                herder_json_state cs = state_of(d, name, -1, &rc);
                for (size_t i = 0; i < n; i++)
                        ts[i] = state_of(d, name, (int)i, &rt[i]);
                herder_json_status(sb, name, &cs, ts, n);
        } else
                sb_free(sb); /* dh_body_of() answers out of memory */
        free(rt);
        free(ts);
}

/* The task configs of @p e as @p write lays them out. */
static void o_task_configs(strbuf *sb,
                           const config_entry *e,
                           const kvlist *t,
                           size_t n,
                           int (*write)(strbuf *,
                                        const char *,
                                        const herder_json_map *,
                                        size_t))
{
        herder_json_map *m = calloc(n ? n : 1, sizeof(*m));
        if (!m) {
                sb_free(sb);
                return;
        }
        for (size_t i = 0; i < n; i++)
                m[i] = herder_json_props(&t[i]);
        write(sb, e->name, m, n);
        free(m);
}

static herder_result *op_connectors(dist_herder *d, job *j)
{
        strbuf sb = {0};
        size_t n  = config_store_count(d->cfg);
        int expand = j->flags & (HERDER_F_EXPAND_STATUS | HERDER_F_EXPAND_INFO);
        sb_putc(&sb, expand ? '{' : '[');
        for (size_t i = 0; i < n; i++) {
                const config_entry *e = config_store_at(d->cfg, i);
                if (i)
                        sb_putc(&sb, ',');
                json_write_string(&sb, e->name, strlen(e->name));
                if (!expand)
                        continue;
                sb_puts(&sb, ":{");
                if (j->flags & HERDER_F_EXPAND_INFO) {
                        sb_puts(&sb, "\"info\":");
                        o_info(d, &sb, e);
                }
                if (j->flags & HERDER_F_EXPAND_STATUS) {
                        if (j->flags & HERDER_F_EXPAND_INFO)
                                sb_putc(&sb, ',');
                        sb_puts(&sb, "\"status\":");
                        o_status(d, &sb, e->name);
                }
                sb_putc(&sb, '}');
        }
        sb_putc(&sb, expand ? '}' : ']');
        return dh_body_of(&sb, HERDER_OK);
}

static herder_result *op_read_one(dist_herder *d, job *j)
{
        const config_entry *e = config_store_get(d->cfg, j->connector);
        if (!e)
                return not_found(j->connector);
        strbuf sb = {0};
        const kvlist *t;
        size_t n = config_store_tasks(d->cfg, e->name, &t);
        switch (j->op) {
        case HERDER_OP_CONNECTOR_INFO:
                o_info(d, &sb, e);
                break;
        case HERDER_OP_CONNECTOR_CONFIG: {
                herder_json_map m = herder_json_props(&e->config);
                herder_json_write_map(&sb, &m);
                break;
        }
        case HERDER_OP_CONNECTOR_STATUS:
                o_status(d, &sb, e->name);
                break;
        case HERDER_OP_TASK_CONFIGS:
                o_task_configs(&sb, e, t, n, herder_json_task_configs);
                break;
        case HERDER_OP_TASKS_CONFIG:
                o_task_configs(&sb, e, t, n, herder_json_tasks_config);
                break;
        case HERDER_OP_TASK_STATUS: {
                status_rec r;
                if (j->task < 0 || (size_t)j->task >= n ||
                    status_store_get(d->st, e->name, j->task, &r)) {
                        sb_free(&sb);
                        return herder_result_error(
                            HERDER_NOT_FOUND, "No status found for task %s-%d",
                            e->name, j->task);
                }
                herder_json_state st = state_of(d, e->name, j->task, &r);
                herder_json_write_state(&sb, &st);
                break;
        }
        default:
                break;
        }
        return dh_body_of(&sb, HERDER_OK);
}

typedef struct validate_arg {
        const httpsrc_conf *conf;
        kvlist *problems;
        int rc;
} validate_arg;

static void validate_on_loop(httpsrc_pipeline *p, void *arg)
{
        validate_arg *a = arg;
        a->rc = pipeline_validate(p, a->conf, a->problems);
}

/* 400 "Connector configuration is invalid and contains the following N
 * error(s): ..." (AbstractHerder.maybeAddConfigErrors), one line each. */
static herder_result *invalid(const kvlist *errs)
{
        strbuf msg = {0};
        sb_printf(&msg,
                  "Connector configuration is invalid and contains the "
                  "following %zu error(s):",
                  errs->n);
        for (size_t i = 0; i < errs->n; i++)
                sb_printf(&msg, "\n%s", errs->v[i].value);
        sb_puts(&msg, "\nYou can also find the above list of errors at the "
                      "endpoint `/connector-plugins/{connectorType}/config/"
                      "validate`");
        herder_result *res =
            herder_result_error(HERDER_BAD_REQUEST, "%s", msg.buf ? msg.buf : "");
        sb_free(&msg);
        return res;
}

/* The config of a put (or a patch over @p base), validated as the
 * standalone herder does: NULL with the 400 answer in *@p res. */
httpsrc_conf *dh_valid_conf(dist_herder *d,
                            const char *name,
                            const config_entry *base,
                            const kvlist *cfg,
                            herder_result **res)
{
        kvlist merged = {0}, problems = {0};
        for (size_t i = 0; base && i < base->config.n; i++)
                kvl_set(&merged, base->config.v[i].key,
                        base->config.v[i].value);
        for (size_t i = 0; i < cfg->n; i++)
                kvl_set(&merged, cfg->v[i].key, cfg->v[i].value);
        if (!kvl_get(&merged, "name"))
                kvl_set(&merged, "name", name);
        int clean          = 0;
        httpsrc_conf *conf = conf_validate(HTTPSRC_SCOPE_CONNECTOR, &merged,
                                           &problems, &clean);
        if (conf && clean) {
                validate_arg v = {conf, &problems, 0};
                pipeline_exec(d->p, validate_on_loop, &v);
        }
        kvl_free(&merged);
        if (!conf || problems.n) {
                *res = conf ? invalid(&problems)
                            : herder_result_error(HERDER_ERROR,
                                                  "out of memory");
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&problems);
        return conf;
}

static herder_result *op_put(dist_herder *d, job *j)
{
        herder_result *fw = dh_need_leader(d);
        if (fw)
                return fw;
        const config_entry *e = config_store_get(d->cfg, j->connector);
        if (j->op == HERDER_OP_PATCH_CONFIG && !e)
                return not_found(j->connector);
        if (j->op == HERDER_OP_PUT_CONFIG && e &&
            !(j->flags & HERDER_F_ALLOW_REPLACE))
                return herder_result_error(HERDER_CONFLICT,
                                           "Connector %s already exists",
                                           j->connector);
        herder_result *bad = NULL;
        httpsrc_conf *conf = dh_valid_conf(
            d, j->connector, j->op == HERDER_OP_PATCH_CONFIG ? e : NULL, &j->config, &bad);
        if (!conf)
                return bad;
        char err[1024];
        int created = !e;
        int target  = !created ? CONFIG_TARGET_KEEP
                      : j->target == HERDER_TARGET_PAUSED
                          ? HTTPSRC_STATE_PAUSED
                      : j->target == HERDER_TARGET_STOPPED
                          ? HTTPSRC_STATE_STOPPED
                          : HTTPSRC_STATE_RUNNING;
        int rc = config_store_put(d->cfg, j->connector, conf, target, err,
                                  sizeof(err));
        httpsrc_conf_destroy(conf);
        if (rc)
                return herder_result_error(HERDER_ERROR, "%s", err);
        dh_publish_snapshot(d);
        e = config_store_get(d->cfg, j->connector);
        if (!e)
                return herder_result_error(HERDER_ERROR,
                                           "Connector %s was not read back "
                                           "from the config topic",
                                           j->connector);
        /* The task configs with it: the rebalance this create causes
         * places the connector and its task at once (its owner would
         * write the same ones after a first rebalance, which then needed
         * a second). Our connectors' task config is the connector's. */
        if (created)
                dh_add_publish(d, j->connector);
        strbuf sb = {0};
        o_info(d, &sb, e);
        return dh_body_of(&sb, created ? HERDER_CREATED : HERDER_OK);
}

static herder_result *op_delete(dist_herder *d, job *j)
{
        herder_result *fw = dh_need_leader(d);
        if (fw)
                return fw;
        const config_entry *e = config_store_get(d->cfg, j->connector);
        if (!e)
                return not_found(j->connector);
        const kvlist *t;
        size_t n = config_store_tasks(d->cfg, j->connector, &t);
        char err[512];
        if (config_store_remove(d->cfg, j->connector, err, sizeof(err)))
                return herder_result_error(HERDER_ERROR, "%s", err);
        status_rec gone = {.state = STATUS_DESTROYED,
                           .worker_id = d->worker_id,
                           .generation = d->gen};
        for (size_t i = 0; i < n; i++)
                status_store_put(d->st, j->connector, (int)i, &gone, err,
                                 sizeof(err));
        status_store_put(d->st, j->connector, -1, &gone, err, sizeof(err));
        dh_publish_snapshot(d);
        return herder_result_new(HERDER_NO_CONTENT);
}

static herder_result *op_target(dist_herder *d, job *j)
{
        int target = j->op == HERDER_OP_PAUSE    ? HTTPSRC_STATE_PAUSED
                     : j->op == HERDER_OP_RESUME ? HTTPSRC_STATE_RUNNING
                                                 : HTTPSRC_STATE_STOPPED;
        if (j->op == HERDER_OP_STOP) { /* leader only; pause/resume: any */
                herder_result *fw = dh_need_leader(d);
                if (fw)
                        return fw;
        }
        if (!config_store_get(d->cfg, j->connector))
                return not_found(j->connector);
        char err[512];
        if (config_store_put_target(d->cfg, j->connector, target, err,
                                    sizeof(err)))
                return herder_result_error(HERDER_ERROR, "%s", err);
        return herder_result_new(j->op == HERDER_OP_STOP ? HERDER_NO_CONTENT
                                                         : HERDER_ACCEPTED);
}

typedef struct restart_arg {
        const char *name;
        int rc;
        char err[512];
} restart_arg;

static void restart_on_loop(httpsrc_pipeline *p, void *arg)
{
        restart_arg *a = arg;
        a->rc = pipeline_restart(p, a->name, NULL, a->err, sizeof(a->err));
}

/* Restarts go to the owner: the leader knows it (two hops at most). */
static herder_result *op_restart(dist_herder *d, job *j)
{
        if (!config_store_get(d->cfg, j->connector))
                return not_found(j->connector);
        pthread_mutex_lock(&d->run_mu);
        int mine = dh_runs_task(d, j->connector);
        pthread_mutex_unlock(&d->run_mu);
        int conn_only = j->op == HERDER_OP_RESTART &&
                        !(j->flags & HERDER_F_INCLUDE_TASKS);
        if (conn_only ? dh_owns_connector(d, j->connector) : mine) {
                if (conn_only) {
                        dh_add_publish(d, j->connector);
                        return herder_result_new(HERDER_NO_CONTENT);
                }
                restart_arg a = {.name = j->connector};
                pipeline_exec(d->p, restart_on_loop, &a);
                if (a.rc)
                        return herder_result_error(HERDER_ERROR, "%s", a.err);
                return herder_result_new(HERDER_NO_CONTENT);
        }
        herder_result *fw = dh_need_leader(d);
        if (fw)
                return fw;
        char url[512];
        if (wgroup_owner_url(d->g, j->connector, conn_only ? -1 : 0, url,
                             sizeof(url)))
                return herder_result_error(HERDER_NOT_FOUND,
                                           "Connector %s is not assigned",
                                           j->connector);
        return dh_forward_to(url);
}

/* 1 if the task configs of @p name are @p t already: writing them again
 * would commit them again, and every commit is a rebalance. */
static int tasks_stored(dist_herder *d,
                        const char *name,
                        const kvlist *t,
                        size_t n)
{
        const kvlist *have;
        if (config_store_tasks(d->cfg, name, &have) != n || !n)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (!dh_props_equal(&t[i], &have[i]))
                        return 0;
        return 1;
}

/* POST /connectors/{c}/tasks from the connector's owner. */
static herder_result *op_put_tasks(dist_herder *d, job *j)
{
        herder_result *fw = dh_need_leader(d);
        if (fw)
                return fw;
        if (!config_store_get(d->cfg, j->connector))
                return not_found(j->connector);
        char err[512];
        httpsrc_json *arr =
            json_parse(j->text ? j->text : "", j->text_len, err, sizeof(err));
        if (!arr || json_type(arr) != HTTPSRC_JSON_ARRAY) {
                json_destroy(arr);
                return herder_result_error(HERDER_BAD_REQUEST,
                                           "Task configs must be a JSON array "
                                           "of objects");
        }
        size_t n    = json_len(arr);
        kvlist *tps = calloc(n + 1, sizeof(*tps));
        int bad = 0, oom = !tps;
        for (size_t i = 0; !bad && !oom && i < n; i++) {
                const httpsrc_json *o = json_at(arr, i);
                bad = json_type(o) != HTTPSRC_JSON_OBJECT;
                for (size_t k = 0; !bad && !oom && k < json_len(o); k++) {
                        /* a null value means nothing, as in the topic */
                        char *v = json_scalar_text(json_at(o, k));
                        oom     = v && kvl_add(&tps[i], json_key_at(o, k), v);
                        free(v);
                }
        }
        json_destroy(arr);
        int rc = bad || oom ? -1
                 : tasks_stored(d, j->connector, tps, n)
                     ? 0 /* a resend (its first answer came late) */
                     : config_store_put_tasks(d->cfg, j->connector, n, tps,
                                              err, sizeof(err));
        for (size_t i = 0; tps && i < n; i++)
                kvl_free(&tps[i]);
        free(tps);
        if (oom)
                return herder_result_error(HERDER_ERROR, "out of memory");
        if (bad)
                return herder_result_error(HERDER_BAD_REQUEST,
                                           "Task configs must be a JSON array "
                                           "of objects");
        if (rc)
                return herder_result_error(HERDER_ERROR, "%s", err);
        return herder_result_new(HERDER_NO_CONTENT);
}

herder_result *dh_run_job(dist_herder *d, job *j)
{
        switch (j->op) {
        case HERDER_OP_CONNECTORS:
                return op_connectors(d, j);
        case HERDER_OP_CONNECTOR_INFO:
        case HERDER_OP_CONNECTOR_CONFIG:
        case HERDER_OP_CONNECTOR_STATUS:
        case HERDER_OP_TASK_CONFIGS:
        case HERDER_OP_TASKS_CONFIG:
        case HERDER_OP_TASK_STATUS:
                return op_read_one(d, j);
        case HERDER_OP_PUT_CONFIG:
        case HERDER_OP_PATCH_CONFIG:
                return op_put(d, j);
        case HERDER_OP_DELETE:
                return op_delete(d, j);
        case HERDER_OP_PAUSE:
        case HERDER_OP_RESUME:
        case HERDER_OP_STOP:
                return op_target(d, j);
        case HERDER_OP_RESTART:
        case HERDER_OP_RESTART_TASK:
                return op_restart(d, j);
        case HERDER_OP_PUT_TASK_CONFIGS:
                return op_put_tasks(d, j);
        case HERDER_OP_FENCE_ZOMBIES:
                /* Nothing to fence ahead: a task's transactional.id is
                 * the same on every worker, so a moved task's
                 * init_transactions fences its previous owner (README,
                 * Distributed mode: KIP-618's requests not built). */
                return herder_result_new(HERDER_NO_CONTENT);
        default:
                return herder_result_error(HERDER_ERROR,
                                           "not supported in distributed "
                                           "mode");
        }
}
