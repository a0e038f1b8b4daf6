/* connect layer: the standalone herder's connectors
 * (herder_standalone_impl.h): what it keeps about each besides the
 * stores (conn_meta), the status it shows (state, trace, tasks), and the
 * handlers that list, create, reconfigure, delete, pause, resume, stop
 * and restart them, and their active topics. Loop thread.
 */
#include "herder_standalone_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "herder_json_int.h"

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static const char *state_name(int st)
{
        const char *name = httpsrc_state_name(st);
        return name ? name : "UNASSIGNED";
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
conn_meta *
sa_meta_set(standalone *r, const char *name, int no_tasks, int reload)
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
const httpsrc_conf *sa_conf_now(standalone *r, const runtime_task *c)
{
        const conn_meta *m = meta_get(r, rt_task_name(&r->rt, c));
        return m && m->conf ? m->conf : rt_task_conf(&r->rt, c);
}

/* Remember @p conf (taken) as @p name's latest config. */
static int meta_conf(standalone *r, const char *name, httpsrc_conf *conf)
{
        conn_meta *m = meta_get(r, name);
        if (!m)
                m = sa_meta_set(r, name, 0, 0);
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
int sa_shown_state(standalone *r, runtime_task *c)
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
        return sa_shown_state(r, c) != HTTPSRC_STATE_STOPPED &&
               !(m && m->no_tasks);
}

/* A restart brings a FAILED connector back RUNNING (the runtime); put the
 * target asked for over REST back. */
void sa_reconcile(standalone *r)
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
runtime_task *
sa_need_connector(hq *q, const herder_runtime *rt, const char *not_found)
{
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (!c) {
                char msg[1024];
                snprintf(msg, sizeof(msg), not_found, q->arg[0]);
                hq_error_text(q, HERDER_NOT_FOUND, msg);
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
        hq_error(q, HERDER_ERROR,
                    "Connector config not stored: %s", err);
        return -1;
}

static int store_remove(hq *q, const char *name)
{
        char err[1024];
        if (config_store_remove(q->r->store, name, err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        hq_error(q, HERDER_ERROR,
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
        o_info(q, rt_task_name(rt, c), sa_conf_now(q->r, c), has_task(q->r, c));
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
        int st            = sa_shown_state(q->r, c);
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
/* handlers: listing, creating, configs                                */

void sa_list(hq *q, const herder_runtime *rt)
{
        /* expand given at all (even empty) answers an object */
        int expand = (q->rq->flags & HERDER_F_EXPAND) != 0;
        int status = (q->rq->flags & HERDER_F_EXPAND_STATUS) != 0;
        int info = (q->rq->flags & HERDER_F_EXPAND_INFO) != 0, first = 1;
        hq_reply(q, HERDER_OK);
        hq_raw(q, expand ? "{" : "[");
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                if (rt_task_deleting(rt, c))
                        continue;
                if (!first)
                        hq_raw(q, ",");
                first = 0;
                hq_str(q, rt_task_name(rt, c));
                if (!expand)
                        continue;
                hq_raw(q, ":{");
                if (status) {
                        hq_raw(q, "\"status\":");
                        o_status(q, rt, c, -1, -1);
                }
                if (info) {
                        hq_raw(q, status ? ",\"info\":" : "\"info\":");
                        o_conn_info(q, rt, c);
                }
                hq_raw(q, "}");
        }
        hq_raw(q, expand ? "}" : "]");
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
                hq_error(q, HERDER_BAD_REQUEST, "%s", err);
                return;
        }
        const httpsrc_conf *made = rt_task_conf(rt, rt_find(rt, name));
        if (store_put(q, name, made, state)) {
                rt_remove(rt, name); /* it would not survive a restart */
                return;
        }
        hq_reply(q, HERDER_CREATED);
        o_info(q, name, made, !no_tasks);
        conn_meta *m = sa_meta_set(q->r, name, no_tasks,
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
                hq_error(q, HERDER_CONFLICT,
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
void sa_put_config(hq *q, const herder_runtime *rt)
{
        kvlist *cfg      = q->cfg;
        const char *name = q->arg[0];
        int replace      = (q->rq->flags & HERDER_F_ALLOW_REPLACE) != 0;
        if (!sa_name_matches(q, cfg, name) || wait_for_delete(q, rt, name))
                return;
        if (kvl_set(cfg, "name", name)) {
                q->oom = 1;
                return;
        }
        httpsrc_conf *conf = sa_valid_conf(q, rt, cfg);
        runtime_task *c       = conf ? rt_find(rt, name) : NULL;
        if (c && replace) {
                reconfigure(q, rt, c, conf);
        } else if (c) {
                httpsrc_conf_destroy(conf);
                hq_error(q, HERDER_CONFLICT, "Connector %s already exists",
                            name);
        } else if (conf) {
                create(q, rt, name, conf,
                       replace ? HTTPSRC_STATE_RUNNING
                               : state_of_target(q->rq->target));
        }
}

void sa_info(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        hq_reply(q, HERDER_OK);
        o_conn_info(q, rt, c);
}

void sa_delete(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c || store_remove(q, q->arg[0]))
                return;
        rt_remove(rt, q->arg[0]);
        meta_drop(q->r, q->arg[0]);
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "connector deleted over REST");
        hq_reply_empty(q, HERDER_NO_CONTENT);
}

void sa_get_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        hq_reply(q, HERDER_OK);
        o_conf(q, sa_conf_now(q->r, c));
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
        hq_reply(q, HERDER_OK);
        o_info(q, name, conf, has_task(q->r, c));
        httpsrc_conf *latest = httpsrc_conf_dup(conf);
        int rc = latest ? rt_restart(rt, name, conf, err, sizeof(err))
                        : HTTPSRC_ERR_NOMEM;
        if (rc) {
                /* The store keeps what still runs. */
                store_put(q, name, sa_conf_now(q->r, c), desired(q->r, c));
                httpsrc_conf_destroy(conf);
                httpsrc_conf_destroy(latest);
                hq_error(q, HERDER_BAD_REQUEST, "%s",
                            latest ? err : "out of memory");
                return;
        }
        if (meta_conf(q->r, name, latest))
                q->oom = 1;
        log_msg(rt->log, HTTPSRC_LOG_INFO, name,
                "config changed over REST: restarting with the new config");
}

/* PATCH /connectors/{c}/config: merge, a null value removes the key. */
void sa_patch_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        const kvlist *patch = q->cfg;
        kvlist cfg          = {0};
        if (!c || !sa_name_matches(q, patch, q->arg[0]))
                return;
        if (kvl_append(&cfg, conf_pairs(sa_conf_now(q->r, c)))) {
                q->oom = 1;
                goto out;
        }
        for (size_t i = 0; i < patch->n; i++)
                if (kvl_set(&cfg, patch->v[i].key, patch->v[i].value)) {
                        q->oom = 1;
                        goto out;
                }
        httpsrc_conf *conf = sa_valid_conf(q, rt, &cfg);
        if (conf)
                reconfigure(q, rt, c, conf);
out:
        kvl_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* handlers: status, tasks, lifecycle                                  */

void sa_status(hq *q, const herder_runtime *rt)
{
        runtime_task *c =
            sa_need_connector(q, rt, "No status found for connector %s");
        if (!c)
                return;
        hq_reply(q, HERDER_OK);
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
        const httpsrc_conf *conf = sa_conf_now(q->r, c);
        char *cls =
            herder_json_task_class(httpsrc_conf_get(conf, "connector.class"));
        if (!cls)
                q->oom = 1;
        herder_json_map m = herder_json_conf(conf, cls ? cls : "");
        o_json(q, write(&q->out, rt_task_name(&q->r->rt, c), &m, n));
        free(cls);
}

void sa_tasks(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        hq_reply(q, HERDER_OK);
        o_task_configs(q, c, has_task(q->r, c), herder_json_task_configs);
}

/* Deprecated GET /connectors/{c}/tasks-config: {"<c>-0": {...}}. */
void sa_tasks_config(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        if (!has_task(q->r, c)) {
                hq_error(q, HERDER_NOT_FOUND, "Connector %s not found",
                            q->arg[0]);
                return;
        }
        hq_reply(q, HERDER_OK);
        o_task_configs(q, c, 1, herder_json_tasks_config);
}

void sa_task_status(hq *q, const herder_runtime *rt)
{
        long id      = q->rq->task;
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (!c || id != 0 || !has_task(q->r, c)) {
                hq_error(q, HERDER_NOT_FOUND,
                            "No status found for task %s-%ld", q->arg[0], id);
                return;
        }
        hq_reply(q, HERDER_OK);
        char buf[768];
        herder_json_state s = state_of(q->r, 0, sa_shown_state(q->r, c),
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

void sa_task_restart(hq *q, const herder_runtime *rt)
{
        long id      = q->rq->task;
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        if (id != 0 || !has_task(q->r, c)) {
                hq_error(q, HERDER_NOT_FOUND, "Task %s-%ld not found",
                            q->arg[0], id);
                return;
        }
        restart(q->r, q->arg[0], "task restart requested over REST");
        hq_reply_empty(q, HERDER_NO_CONTENT);
}

/* POST /connectors/{c}/restart[?includeTasks=&onlyFailed=]. The one
 * task shares the connector's fate: restarting either restarts both. */
void sa_restart(hq *q, const herder_runtime *rt)
{
        int tasks       = (q->rq->flags & HERDER_F_INCLUDE_TASKS) != 0;
        int only_failed = (q->rq->flags & HERDER_F_ONLY_FAILED) != 0;
        int plain       = !tasks && !only_failed;
        runtime_task *c    = sa_need_connector(
            q, rt, plain ? "Connector %s not found" : "Unknown connector: %s");
        if (!c)
                return;
        /* Connect's plan (AbstractHerder.buildRestartPlan), with a
         * connector that is never FAILED itself (its task is). */
        int st      = sa_shown_state(q->r, c);
        int stopped = st == HTTPSRC_STATE_STOPPED;
        int failed  = st == HTTPSRC_STATE_FAILED;
        int conn    = !stopped && !only_failed;
        int task    = !stopped && tasks && has_task(q->r, c) &&
                   (!only_failed || failed);
        if (conn || task)
                restart(q->r, q->arg[0], "restart requested over REST");
        if (plain) {
                hq_reply_empty(q, HERDER_NO_CONTENT);
                return;
        }
        /* What the plan leaves alone shows as it was. */
        hq_reply(q, HERDER_ACCEPTED);
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
            store_put(q, name, sa_conf_now(q->r, c), target))
                return NULL;
        if (!m)
                m = sa_meta_set(q->r, name, 0, 0);
        if (!m)
                q->oom = 1;
        return m;
}

void sa_pause(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        if (!c || !retarget(q, c, HTTPSRC_STATE_PAUSED))
                return;
        if (was != HTTPSRC_STATE_PAUSED)
                rt_task_set_target(rt, c, HTTPSRC_STATE_PAUSED);
        hq_reply_empty(q, HERDER_ACCEPTED);
}

/* Leaving STOPPED recreates the connector: it reads its (maybe altered)
 * offsets when created. */
void sa_resume(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Unknown connector %s");
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
        hq_reply_empty(q, HERDER_ACCEPTED);
}

void sa_stop(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Unknown connector %s");
        int was      = c ? desired(q->r, c) : 0;
        conn_meta *m = c ? retarget(q, c, HTTPSRC_STATE_STOPPED) : NULL;
        if (!m)
                return;
        m->reload   = 1;
        m->no_tasks = 1;
        if (was != HTTPSRC_STATE_STOPPED)
                rt_task_set_target(rt, c, HTTPSRC_STATE_STOPPED);
        hq_reply_empty(q, HERDER_NO_CONTENT);
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
                hq_error_text(q, HERDER_FORBIDDEN, why);
        return !why;
}

/* Like Connect, an unknown (or deleted) connector has no topics: 200. */
void sa_topics(hq *q, const herder_runtime *rt)
{
        if (!tracking_allowed(q, rt, 0))
                return;
        runtime_task *c        = rt_find(rt, q->arg[0]);
        char *const *topics = NULL;
        size_t n =
            c && !rt_task_deleting(rt, c) ? rt_task_topics(rt, c, &topics) : 0;
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{");
        hq_str(q, q->arg[0]);
        hq_raw(q, ":{\"topics\":[");
        for (size_t i = 0; i < n; i++) {
                hq_raw(q, i ? "," : "");
                hq_str(q, topics[i]);
        }
        hq_raw(q, "]}}");
}

void sa_topics_reset(hq *q, const herder_runtime *rt)
{
        if (!tracking_allowed(q, rt, 1))
                return;
        runtime_task *c = rt_find(rt, q->arg[0]);
        if (c)
                rt_task_reset_topics(rt, c);
        hq_reply_empty(q, HERDER_ACCEPTED);
}
