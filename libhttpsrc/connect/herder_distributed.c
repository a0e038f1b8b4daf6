/* connect layer: the distributed herder (Connect's DistributedHerder,
 * issue 14): a worker of a Connect cluster. Group membership (wgroup,
 * eager protocol) says which connectors and tasks this worker runs; the
 * config topic (config store, Kafka backend) says what they are; the
 * status topic (status store) says how they are; the leader alone writes
 * configs and task configs, followers forward (herder_result FORWARD).
 *
 * A connector here is two things, as in Connect: the connector instance
 * (task -1 in the assignment), which only turns the connector config into
 * task configs and reports the connector's status, and its task 0, which
 * runs on the pipeline (the runtime) and produces the records. The owner
 * of the connector instance publishes the task configs (leader: writes
 * them; follower: POST <leader>/connectors/<c>/tasks); a commit of task
 * configs, a new or a removed connector make every worker rejoin.
 *
 * Threads: one herder thread owns the stores and runs every REST
 * operation of this herder (queued by herder_submit from REST threads) and
 * every assignment; the group thread runs the group callbacks: revoked
 * stops the tasks on the pipeline itself (pipeline_exec) before it
 * returns, so a task never runs on two workers of one generation; the
 * others only hand over to the herder thread. mu guards what both see. */
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


static dist_herder *of(herder *h)
{
        return (dist_herder *)h;
}

/* ---- small helpers ------------------------------------------------- */

herder_result *dh_forward_to(const char *url)
{
        herder_result *res = herder_result_new(HERDER_FORWARD);
        if (res && url && *url)
                res->forward_url = xstrdup(url);
        return res;
}

/* Between the revoke and the herder thread's taking of the assignment. */
static int rebalancing(dist_herder *d)
{
        pthread_mutex_lock(&d->mu);
        int r = d->rebalancing || d->have_pending;
        pthread_mutex_unlock(&d->mu);
        return r;
}

static int is_leader(dist_herder *d)
{
        pthread_mutex_lock(&d->mu);
        int rebalancing = d->rebalancing;
        pthread_mutex_unlock(&d->mu);
        return d->g && !rebalancing && wgroup_is_leader(d->g);
}

/* NULL when this worker is the leader and may write, else the answer:
 * FORWARD to the leader, or no leader known. */
herder_result *dh_need_leader(dist_herder *d)
{
        if (is_leader(d))
                return NULL;
        pthread_mutex_lock(&d->mu);
        int rebalancing = d->rebalancing;
        pthread_mutex_unlock(&d->mu);
        char url[512] = "";
        if (d->g && !rebalancing)
                wgroup_leader_url(d->g, url, sizeof(url));
        return dh_forward_to(url);
}

static void reply(job *j, herder_result *res)
{
        j->cb(res, j->opaque);
}

herder_result *dh_body_of(strbuf *sb, herder_status st)
{
        if (!sb->buf) {
                sb_free(sb);
                return herder_result_error(HERDER_ERROR, "out of memory");
        }
        return herder_result_body(st, sb_steal(sb));
}

/* ---- the snapshot the group sees ------------------------------------ */

/* After each read of the config topic: the offset and the connectors
 * with their task counts, for the group thread's metadata and leader
 * work. Herder thread. */
void dh_publish_snapshot(dist_herder *d)
{
        size_t n        = config_store_count(d->cfg);
        char **names    = calloc(n ? n : 1, sizeof(*names));
        int32_t *counts = calloc(n ? n : 1, sizeof(*counts));
        for (size_t i = 0; names && counts && i < n; i++) {
                const config_entry *e = config_store_at(d->cfg, i);
                names[i]              = xstrdup(e->name);
                const kvlist *t;
                counts[i] = (int32_t)config_store_tasks(d->cfg, e->name, &t);
        }
        pthread_mutex_lock(&d->mu);
        if (names && counts) {
                strv_free(d->snap_names, d->snap_n);
                free(d->snap_tasks);
                d->snap_names = names;
                d->snap_tasks = counts;
                d->snap_n     = n;
                names         = NULL;
                counts        = NULL;
        }
        d->cfg_offset = config_store_offset(d->cfg);
        pthread_cond_broadcast(&d->cv);
        pthread_mutex_unlock(&d->mu);
        free(names);
        free(counts);
}

/* Publish the snapshot if the store moved: after a read, and after this
 * worker's own writes (read back in the write), or the leader assigns
 * from a snapshot older than what its followers read (CONFIG_MISMATCH,
 * one more rebalance). */
static void sync_snapshot(dist_herder *d)
{
        pthread_mutex_lock(&d->mu);
        int changed = config_store_offset(d->cfg) != d->cfg_offset ||
                      !d->snap_names;
        pthread_mutex_unlock(&d->mu);
        if (changed)
                dh_publish_snapshot(d);
}

static void refresh(dist_herder *d)
{
        char err[512];
        if (config_store_refresh(d->cfg, err, sizeof(err)))
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: reading the config topic: %s", err);
        if (status_store_refresh(d->st, err, sizeof(err)))
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: reading the status topic: %s", err);
        sync_snapshot(d);
}

/* ---- group callbacks (group thread) --------------------------------- */

static int64_t cb_config_offset(void *opaque)
{
        dist_herder *d = opaque;
        pthread_mutex_lock(&d->mu);
        int64_t off = d->cfg_offset;
        pthread_mutex_unlock(&d->mu);
        return off;
}

static int cb_leader_work(void *opaque,
                          const wgroup_member *members,
                          size_t n,
                          wgroup_work *w)
{
        dist_herder *d = opaque;
        (void)members;
        (void)n;
        int rc = 0;
        pthread_mutex_lock(&d->mu);
        for (size_t i = 0; i < d->snap_n && !rc; i++)
                rc = wgroup_work_add(w, d->snap_names[i], d->snap_tasks[i]);
        wgroup_work_set_offset(w, d->cfg_offset);
        pthread_mutex_unlock(&d->mu);
        return rc;
}

typedef struct stop_arg {
        running *run;
        size_t n;
} stop_arg;

static void stop_on_loop(httpsrc_pipeline *p, void *arg)
{
        stop_arg *a = arg;
        for (size_t i = 0; i < a->n; i++)
                if (a->run[i].started == 1)
                        pipeline_delete(p, a->run[i].name);
}

typedef struct drain_arg {
        const running *run;
        size_t n;
        size_t left;  /* out: stopped tasks still on the pipeline */
        int flush;    /* in: store the offsets now */
        int flush_rc; /* out */
        char err[512];
} drain_arg;

static void drain_on_loop(httpsrc_pipeline *p, void *arg)
{
        drain_arg *a = arg;
        a->left      = 0;
        for (size_t i = 0; i < a->n; i++)
                if (a->run[i].started == 1 &&
                    (pipeline_find(p, a->run[i].name) ||
                     pipeline_leaving(p, a->run[i].name)))
                        a->left++;
        if (a->flush)
                a->flush_rc = offset_store_flush(pipeline_offsets(p), a->err,
                                                 sizeof(a->err));
}

/* Connect's WorkerSourceTask: a stopped task commits its offsets before
 * the worker rejoins, so that the next owner starts where it ended
 * instead of re-reading what was already produced. Wait until the tasks
 * stopped by stop_on_loop() have left the pipeline (their records
 * acknowledged, their offsets in the store), then store the offsets;
 * task.shutdown.graceful.timeout.ms at most. Once the loop has ended
 * (the worker stops), its own stop drained and stored them. */
static void drain_stopped(dist_herder *d, const running *run, size_t n)
{
        drain_arg a      = {run, n, 0, 0, 0, ""};
        int64_t t0       = mono_ms();
        int64_t deadline = t0 + d->shutdown_ms;
        if (!pipeline_loop_running(d->p))
                return;
        for (;;) {
                pipeline_exec(d->p, drain_on_loop, &a);
                if (!a.left || mono_ms() >= deadline ||
                    !pipeline_loop_running(d->p))
                        break;
                struct timespec ts = {0, 20 * 1000000L};
                nanosleep(&ts, NULL);
        }
        size_t left = a.left;
        a.flush     = 1;
        pipeline_exec(d->p, drain_on_loop, &a);
        if (left)
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: rebalance: %zu task(s) still wait for "
                        "their records' acknowledgements after "
                        "task.shutdown.graceful.timeout.ms=%lld; their last "
                        "offsets may be stored after the next owner started "
                        "(it may then poll some records again)",
                        left, (long long)d->shutdown_ms);
        else if (a.flush_rc)
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: rebalance: offsets of the stopped "
                        "tasks not stored: %s",
                        a.err);
        else
                log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                        "distributed: rebalance: tasks stopped and their "
                        "offsets stored in %lld ms",
                        (long long)(mono_ms() - t0));
}

/* Eager: everything stops before the member rejoins. */
static void stop_all_tasks(dist_herder *d)
{
        pthread_mutex_lock(&d->run_mu);
        running *run = d->run;
        size_t n     = d->n_run;
        stop_arg a   = {run, n};
        d->run       = NULL;
        d->n_run     = 0;
        if (n)
                pipeline_exec(d->p, stop_on_loop, &a);
        pthread_mutex_unlock(&d->run_mu);
        if (n)
                drain_stopped(d, run, n);
        for (size_t i = 0; i < n; i++)
                free(run[i].name);
        free(run);
}

static void cb_revoked(void *opaque, const wgroup_assignment *prev)
{
        dist_herder *d = opaque;
        pthread_mutex_lock(&d->mu);
        d->rebalancing = 1;
        d->revokes++; /* an assignment not applied yet is void now */
        pthread_mutex_unlock(&d->mu);
        log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                "distributed: rebalance: stopping %zu connector(s) and %zu "
                "task(s)",
                prev->n_connectors, prev->n_tasks);
        stop_all_tasks(d);
}

static void cb_assigned(void *opaque,
                        const wgroup_assignment *a,
                        int32_t generation)
{
        dist_herder *d = opaque;
        pthread_mutex_lock(&d->mu);
        wgroup_assignment_clear(&d->pending);
        if (wgroup_assignment_copy(&d->pending, a)) {
                pthread_mutex_unlock(&d->mu);
                log_msg(d->lg, HTTPSRC_LOG_ERROR, NULL,
                        "distributed: out of memory keeping the assignment");
                return;
        }
        d->pending_gen     = generation;
        d->pending_revokes = d->revokes;
        d->have_pending    = 1;
        d->rebalancing  = 0;
        pthread_cond_broadcast(&d->cv);
        /* Behind the leader's config: the herder thread reads on (every
         * tick); wait for it here, so that a CONFIG_MISMATCH rejoin sends
         * the offset caught up (worker.sync.timeout.ms at most). */
        int64_t deadline = mono_ms() + d->sync_timeout_ms;
        while (d->cfg_offset < a->config_offset && !d->stopping) {
                int64_t left = deadline - mono_ms();
                if (left <= 0)
                        break;
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_sec += left / 1000;
                ts.tv_nsec += (left % 1000) * 1000000;
                if (ts.tv_nsec >= 1000000000) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000;
                }
                pthread_cond_timedwait(&d->cv, &d->mu, &ts);
        }
        pthread_mutex_unlock(&d->mu);
}

static void cb_error(void *opaque, const char *msg, int fatal)
{
        dist_herder *d = opaque;
        log_msg(d->lg, fatal ? HTTPSRC_LOG_ERROR : HTTPSRC_LOG_WARN, NULL,
                "distributed: group %s: %s",
                httpsrc_conf_get(d->worker, "group.id"), msg);
}

/* ---- statuses --------------------------------------------------------- */

/* The statuses of a tick are sent batched (a rebalance writes two for
 * each connector of the worker), and waited for once, here. */
static void flush_statuses(dist_herder *d)
{
        char err[512];
        if (status_store_flush(d->st, err, sizeof(err)))
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: statuses not written: %s", err);
}

static void put_status(dist_herder *d,
                       const char *name,
                       int task_id,
                       status_state state,
                       const char *trace)
{
        status_rec r = {.state      = state,
                        .trace      = trace,
                        .worker_id  = d->worker_id,
                        .generation = d->gen};
        char err[512];
        if (status_store_put_safe(d->st, name, task_id, &r, err, sizeof(err)) <
            0)
                log_msg(d->lg, HTTPSRC_LOG_WARN, name,
                        "distributed: status not written: %s", err);
}

static status_state status_of_target(int target)
{
        return target == HTTPSRC_STATE_PAUSED    ? STATUS_PAUSED
               : target == HTTPSRC_STATE_STOPPED ? STATUS_STOPPED
                                                 : STATUS_RUNNING;
}

/* ---- task configs (connector instance) ------------------------------ */

/* Our connectors have one task: its config is the connector's plus
 * task.class (Worker.connectorTaskConfigs); Connect's REST shows it. */

/* The task config of @p e: its keys and task.class (owned by @p out). */
static int task_props_of(const config_entry *e, kvlist *out)
{
        char *cls = herder_json_task_class(kvl_get(&e->config,
                                                   "connector.class"));
        int rc    = !cls || kvl_append(out, &e->config) ||
                 kvl_add(out, "task.class", cls);
        free(cls);
        return rc ? -1 : 0;
}

int dh_props_equal(const kvlist *a, const kvlist *b)
{
        if (a->n != b->n)
                return 0;
        for (size_t i = 0; i < a->n; i++) {
                ssize_t j      = kvl_index(b, a->v[i].key);
                const char *av = a->v[i].value;
                const char *bv = j < 0 ? NULL : b->v[j].value;
                if (j < 0 || !av != !bv || (av && strcmp(av, bv)))
                        return 0;
        }
        return 1;
}

/* The body of POST /connectors/{c}/tasks: a JSON array of maps. */
static char *tasks_body(const kvlist *t, size_t n)
{
        strbuf sb = {0};
        int rc    = sb_putc(&sb, '[');
        for (size_t i = 0; i < n; i++) {
                herder_json_map m = herder_json_props(&t[i]);
                if (i)
                        rc |= sb_putc(&sb, ',');
                rc |= herder_json_write_map(&sb, &m);
        }
        if (rc | sb_putc(&sb, ']')) {
                sb_free(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}

/* 0 once the task configs of @p name are what its config gives (written
 * by this leader, or sent to the leader), -1 to try again later. */
static int publish_tasks(dist_herder *d, const char *name)
{
        const config_entry *e = config_store_get(d->cfg, name);
        if (!e || e->target == HTTPSRC_STATE_STOPPED)
                return 0;
        kvlist want = {0};
        if (task_props_of(e, &want)) {
                kvl_free(&want);
                return -1;
        }
        const kvlist *have;
        size_t n = config_store_tasks(d->cfg, name, &have);
        int rc   = 0;
        char err[512];
        char leader[512] = "";
        if (!is_leader(d) && d->g)
                wgroup_leader_url(d->g, leader, sizeof(leader));
        if (n == 1 && dh_props_equal(&want, &have[0])) {
                rc = 0;
        } else if (rebalancing(d) || !strcmp(leader, d->url)) {
                rc = -1; /* after the rebalance: this thread answers */
        } else if (is_leader(d)) {
                rc = config_store_put_tasks(d->cfg, name, 1, &want, err,
                                            sizeof(err));
                if (rc)
                        log_msg(d->lg, HTTPSRC_LOG_WARN, name,
                                "distributed: task configs not written: %s",
                                err);
        } else {
                strbuf path = {0}, out = {0};
                char *body  = tasks_body(&want, 1);
                sb_puts(&path, "/connectors/");
                sb_puts(&path, name); /* names are URL-safe here: checked */
                sb_puts(&path, "/tasks");
                char *url   = *leader && path.buf
                                  ? worker_url_join(leader, path.buf)
                                  : NULL;
                long status = url && body
                                  ? worker_request("POST", url, body,
                                                   strlen(body), NULL,
                                                   PUBLISH_TIMEOUT_MS, &out,
                                                   err, sizeof(err))
                                  : -1;
                if (status < 200 || status >= 300) {
                        log_msg(d->lg, HTTPSRC_LOG_WARN, name,
                                "distributed: task configs not sent to the "
                                "leader (%s): %s",
                                *leader ? leader : "unknown",
                                status < 0 ? err : (out.buf ? out.buf : ""));
                        rc = -1;
                }
                free(url);
                free(body);
                sb_free(&path);
                sb_free(&out);
        }
        kvl_free(&want);
        return rc;
}

void dh_add_publish(dist_herder *d, const char *name)
{
        for (size_t i = 0; i < d->n_publish; i++)
                if (!strcmp(d->publish[i], name))
                        return;
        char **v = realloc(d->publish, (d->n_publish + 1) * sizeof(*v));
        if (!v)
                return;
        d->publish                 = v;
        d->publish[d->n_publish++] = xstrdup(name);
}

/* Not during a rebalance (the leader refuses them then); after a failure
 * the rest waits for the next tick (a leader that does not answer would
 * hold this thread PUBLISH_TIMEOUT_MS for each), and the one that failed
 * goes last, so that it cannot hold up the others for good. */
static void run_publish(dist_herder *d)
{
        size_t keep = 0;
        char *failed = NULL;
        int skip     = rebalancing(d);
        for (size_t i = 0; i < d->n_publish; i++) {
                if (skip || failed)
                        d->publish[keep++] = d->publish[i];
                else if (publish_tasks(d, d->publish[i]))
                        failed = d->publish[i];
                else
                        free(d->publish[i]);
        }
        if (failed)
                d->publish[keep++] = failed;
        d->n_publish = keep;
}

/* ---- starting what is assigned ---------------------------------------- */

int dh_owns_connector(dist_herder *d, const char *name)
{
        for (size_t i = 0; i < d->cur.n_connectors; i++)
                if (!strcmp(d->cur.connectors[i], name))
                        return 1;
        return 0;
}

/* The connector instance: its status, and its task configs. */

/* Whether this worker has the source class @p cls (built in or a loaded
 * plugin): checked before the config, whose keys belong to that class. */
static int has_source_class(dist_herder *d, const char *cls)
{
        if (!cls)
                return 1; /* connector.class defaults to HttpSource */
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                if (!strcmp(plugin_builtin_sources[i], cls))
                        return 1;
        return plugin_registry_find(pipeline_plugins(d->p),
                                    HTTPSRC_KIND_SOURCE, cls) != NULL ||
               !strchr(cls, '.'); /* a short name: conf_validate says */
}

/* The connector instance: its status, and its task configs. A connector
 * this worker cannot run (another worker's plugin: a mixed cluster) is
 * FAILED as Connect's Worker.startConnector fails it, and has no task. */
static void start_connector(dist_herder *d, const char *name)
{
        const config_entry *e = config_store_get(d->cfg, name);
        if (!e)
                return;
        kvlist none         = {0};
        herder_result *bad  = NULL;
        httpsrc_conf *conf  = dh_valid_conf(d, name, e, &none, &bad);
        httpsrc_conf_destroy(conf);
        if (!conf) {
                const char *cls = kvl_get(&e->config, "connector.class");
                strbuf trace    = {0};
                if (!has_source_class(d, cls) ||
                    (bad && bad->message &&
                     strstr(bad->message, "\nconnector.class: ")))
                        sb_printf(&trace,
                                  "org.apache.kafka.connect.errors."
                                  "ConnectException: Failed to find any "
                                  "class that implements Connector and which "
                                  "name matches %s, available connectors "
                                  "are: the httpsrc-connect worker %s",
                                  cls ? cls : "", d->worker_id);
                else
                        sb_printf(&trace,
                                  "org.apache.kafka.connect.errors."
                                  "ConnectException: %s",
                                  bad && bad->message ? bad->message
                                                      : "out of memory");
                put_status(d, name, -1, STATUS_FAILED, trace.buf);
                sb_free(&trace);
                herder_result_free(bad);
                return;
        }
        put_status(d, name, -1, status_of_target(e->target), NULL);
        dh_add_publish(d, name);
}

static httpsrc_conf *conf_of_props(const kvlist *t,
                                   char *err,
                                   size_t size)
{
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        for (size_t i = 0; conf && i < t->n; i++) {
                const kv *p = &t->v[i];
                if (!strcmp(p->key, "task.class") || !p->value)
                        continue;
                if (httpsrc_conf_set(conf, p->key, p->value, err, size) !=
                    HTTPSRC_CONF_OK) {
                        httpsrc_conf_destroy(conf);
                        return NULL;
                }
        }
        if (!conf)
                errstr_set(err, size, "out of memory");
        return conf;
}

typedef struct start_one {
        running *r;
        httpsrc_conf *conf;
        int target;
        int rc; /* 0 started, 1 try again, -1 failed (err) */
        char err[1024];
} start_one;

typedef struct start_arg {
        start_one *v;
        size_t n;
        char err[512];
        int refresh;   /* in: read the offsets topic first */
        int refreshed; /* out: it was read (or did not need to be) */
} start_arg;

/* Exactly-once: every task of the batch fenced before the offsets are
 * read past the open transactions. A task whose worker died left a
 * transaction open, which hides every offset committed after its start
 * until a producer with its transactional.id aborts it: the read waits
 * for that, and for a task this worker is about to start it would wait
 * for itself (until the dead producer's transaction.timeout.ms). Each
 * task fences again as it starts (task.c), which reports a failure. */
static void fence_batch(httpsrc_pipeline *p, const start_arg *a)
{
        for (size_t i = 0; i < a->n; i++) {
                const start_one *o = &a->v[i];
                const char *name =
                    o->conf ? httpsrc_conf_get(o->conf, "name") : NULL;
                if (o->rc || !name || pipeline_find(p, name) ||
                    pipeline_leaving(p, name))
                        continue; /* not started in this batch */
                char err[512];
                txn_destroy(txn_new(pipeline_worker(p), name,
                                    pipeline_logger(p), NULL, NULL, err,
                                    sizeof(err)));
        }
}

static void start_on_loop(httpsrc_pipeline *p, void *arg)
{
        start_arg *a = arg;
        int eos      = txn_worker_enabled(pipeline_worker(p));
        /* Other workers ran these tasks until the rebalance: their offsets
         * are in the topic, not in this worker's copy of it. Once for the
         * whole batch; under exactly-once past the transactions open now
         * (a dead worker's included), or a moved task would resume at an
         * offset older than its last committed one. */
        if (a->refresh && eos)
                fence_batch(p, a);
        a->refreshed =
            !a->refresh || !offset_store_refresh(pipeline_offsets(p), eos,
                                                 a->err, sizeof(a->err));
        for (size_t i = 0; i < a->n; i++) {
                start_one *o = &a->v[i];
                if (!a->refreshed) {
                        o->rc = 1;
                        continue;
                }
                const char *name = httpsrc_conf_get(o->conf, "name");
                /* Last generation's copy, running or still leaving (stopped
                 * by the revoke, waiting for its records' acks): try again
                 * on the next tick. pipeline_find() alone does not see a
                 * leaving copy, and pipeline_create() then failed the task
                 * for good ("already exists"). */
                if (pipeline_find(p, name) || pipeline_leaving(p, name)) {
                        o->rc = 1;
                        continue;
                }
                o->rc = pipeline_create(p, o->conf, o->target, o->err,
                                        sizeof(o->err))
                            ? -1
                            : 0;
                if (!o->rc)
                        o->conf = NULL; /* taken */
        }
}

/* Start every assigned task that is not running yet; a task whose old
 * copy is still leaving the pipeline waits for the next tick. run_mu
 * held. */
static void start_tasks(dist_herder *d)
{
        start_one *v = calloc(d->n_run + 1, sizeof(*v));
        size_t n     = 0;
        if (!v)
                return;
        for (size_t i = 0; i < d->n_run; i++) {
                running *r = &d->run[i];
                if (r->started)
                        continue;
                const config_entry *e = config_store_get(d->cfg, r->name);
                const kvlist *t;
                size_t nt = config_store_tasks(d->cfg, r->name, &t);
                if (!e || !nt || e->target == HTTPSRC_STATE_STOPPED) {
                        r->started = -1; /* deleted, inconsistent, stopped */
                        continue;
                }
                start_one *o = &v[n];
                o->r         = r;
                o->target    = e->target;
                o->conf      = conf_of_props(&t[0], o->err, sizeof(o->err));
                o->rc        = o->conf ? 0 : -1;
                n++;
        }
        start_arg a = {v, n, "", d->offsets_stale, 0};
        if (n)
                pipeline_exec(d->p, start_on_loop, &a);
        if (n && a.refreshed)
                d->offsets_stale = 0;
        if (n && !a.refreshed)
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: offsets topic not read: %s; tasks "
                        "start on the next try",
                        a.err);
        for (size_t i = 0; i < n; i++) {
                start_one *o = &v[i];
                httpsrc_conf_destroy(o->conf);
                if (o->rc == 1)
                        continue;
                if (o->rc) {
                        o->r->started = -1;
                        put_status(d, o->r->name, 0, STATUS_FAILED, o->err);
                        continue;
                }
                o->r->started = 1;
                o->r->state   = o->target;
                put_status(d, o->r->name, 0, status_of_target(o->target),
                           NULL);
        }
        free(v);
}

static void add_running(dist_herder *d, const char *name)
{
        running *v = realloc(d->run, (d->n_run + 1) * sizeof(*v));
        if (!v)
                return;
        d->run                = v;
        d->run[d->n_run++]    = (running){.name = xstrdup(name)};
}

/* KIP-618: with exactly-once the leader writes the config topic in
 * transactions as "connect-cluster-<group.id>", which fences a previous
 * leader still writing (claimWritePrivileges); a follower writes plain
 * (pause/resume). */
static void claim_config_topic(dist_herder *d)
{
        if (!txn_worker_enabled(d->worker))
                return;
        int leader = is_leader(d);
        if (!leader) {
                if (config_store_kafka_claimed(d->cfg))
                        config_store_kafka_release(d->cfg);
                return;
        }
        char err[512];
        if (config_store_kafka_claimed(d->cfg))
                return;
        if (config_store_kafka_claim(d->cfg, err, sizeof(err)))
                log_msg(d->lg, HTTPSRC_LOG_ERROR, NULL,
                        "distributed: leader of generation %d cannot claim "
                        "the config topic: %s",
                        (int)d->gen, err);
        else
                log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                        "distributed: leader: config topic writes are "
                        "transactions of '%s' (an earlier leader's producer "
                        "is fenced)",
                        config_store_kafka_transactional_id(d->cfg));
}

/* 1 if no revoke came after the assignment given with @p revokes: the
 * group thread may have revoked it while this thread still read the
 * config topic (a freeze, a slow read); its tasks must not start then. */
static int assignment_current(dist_herder *d, unsigned revokes)
{
        pthread_mutex_lock(&d->mu);
        int cur = d->revokes == revokes;
        pthread_mutex_unlock(&d->mu);
        return cur;
}

static void apply_assignment(dist_herder *d,
                             wgroup_assignment *a,
                             int32_t gen,
                             unsigned revokes)
{
        int64_t deadline = mono_ms() + d->sync_timeout_ms;
        while (config_store_offset(d->cfg) < a->config_offset &&
               mono_ms() < deadline)
                refresh(d);
        wgroup_assignment_clear(&d->cur);
        d->cur = *a;
        memset(a, 0, sizeof(*a));
        d->gen = gen;
        d->rejoin_asked = 0;
        /* CONFIG_MISMATCH: the member rejoins by itself (group_int.h); a
         * request more would cost one more rebalance. */
        if (d->cur.error != WGROUP_NO_ERROR)
                return;
        if (config_store_offset(d->cfg) < d->cur.config_offset) {
                log_msg(d->lg, HTTPSRC_LOG_WARN, NULL,
                        "distributed: config topic behind the leader's "
                        "(offset %lld < %lld): rejoining",
                        (long long)config_store_offset(d->cfg),
                        (long long)d->cur.config_offset);
                wgroup_request_rejoin(d->g);
                return;
        }
        /* Changes up to the assignment's offset are placed already: a
         * rejoin for them would be one more rebalance for nothing. */
        if (d->rejoin_offset <= d->cur.config_offset)
                d->rejoin_offset = -1;
        claim_config_topic(d);
        log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                "distributed: generation %d: %zu connector(s), %zu task(s) "
                "assigned; leader %s",
                (int)gen, d->cur.n_connectors, d->cur.n_tasks,
                d->cur.leader_url ? d->cur.leader_url : "?");
        for (size_t i = 0;
             i < d->cur.n_connectors && assignment_current(d, revokes); i++)
                start_connector(d, d->cur.connectors[i]);
        /* Checked again under run_mu: a revoke after this point waits for
         * it and stops what is added here. */
        pthread_mutex_lock(&d->run_mu);
        if (!assignment_current(d, revokes)) {
                pthread_mutex_unlock(&d->run_mu);
                log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                        "distributed: generation %d was revoked before its "
                        "tasks started; they wait for the next assignment",
                        (int)gen);
                return;
        }
        d->offsets_stale = 1; /* the last owners wrote them until now */
        for (size_t i = 0; i < d->cur.n_tasks; i++)
                if (d->cur.tasks[i].task == 0)
                        add_running(d, d->cur.tasks[i].connector);
        pthread_mutex_unlock(&d->run_mu);
}

typedef struct state_arg {
        running *run;
        size_t n;
        int *states;
        char **errors;
} state_arg;

static void states_on_loop(httpsrc_pipeline *p, void *arg)
{
        state_arg *a = arg;
        for (size_t i = 0; i < a->n; i++) {
                task *c =
                    a->run[i].started ? pipeline_find(p, a->run[i].name) : NULL;
                a->states[i] = c ? pipeline_state(p, c) : -1;
                if (c && a->states[i] == HTTPSRC_STATE_FAILED) {
                        char buf[1024] = "";
                        httpsrc_pipeline_connector_error(p, a->run[i].name,
                                                         buf, sizeof(buf));
                        a->errors[i] = xstrdup(buf);
                }
        }
}

/* Start what waits, and write the status of every task whose state
 * changed (a failure, a pause). */
static void reconcile_tasks(dist_herder *d)
{
        pthread_mutex_lock(&d->run_mu);
        start_tasks(d);
        state_arg a = {d->run, d->n_run, calloc(d->n_run + 1, sizeof(int)),
                       calloc(d->n_run + 1, sizeof(char *))};
        if (a.states && a.errors && a.n)
                pipeline_exec(d->p, states_on_loop, &a);
        for (size_t i = 0; a.states && a.errors && i < d->n_run; i++) {
                running *r = &d->run[i];
                if (r->started != 1 || a.states[i] < 0 ||
                    a.states[i] == r->state)
                        continue;
                r->state = a.states[i];
                if (r->state == HTTPSRC_STATE_FAILED)
                        put_status(d, r->name, 0, STATUS_FAILED, a.errors[i]);
                else if (r->state == HTTPSRC_STATE_RUNNING ||
                         r->state == HTTPSRC_STATE_PAUSED)
                        put_status(d, r->name, 0,
                                   status_of_target(r->state), NULL);
        }
        for (size_t i = 0; a.errors && i < d->n_run; i++)
                free(a.errors[i]);
        free(a.states);
        free(a.errors);
        pthread_mutex_unlock(&d->run_mu);
}

typedef struct target_arg {
        const char *name;
        int target;
} target_arg;

static void target_on_loop(httpsrc_pipeline *p, void *arg)
{
        target_arg *a = arg;
        task *c       = pipeline_find(p, a->name);
        if (c)
                task_set_target(c, a->target);
}

/* ---- config topic events (herder thread, inside a refresh) ----------- */

int dh_runs_task(dist_herder *d, const char *name)
{
        for (size_t i = 0; i < d->n_run; i++)
                if (!strcmp(d->run[i].name, name))
                        return 1;
        return 0;
}

/* 1 if @p name was in the snapshot before the record being read. */
static int in_snapshot(dist_herder *d, const char *name)
{
        int found = 0;
        pthread_mutex_lock(&d->mu);
        for (size_t i = 0; i < d->snap_n && !found; i++)
                found = !strcmp(d->snap_names[i], name);
        pthread_mutex_unlock(&d->mu);
        return found;
}

/* A change read at config offset @p offset needs a rebalance. */
static void need_rebalance(dist_herder *d, int64_t offset)
{
        if (d->rejoin_offset < 0)
                d->rejoin_since = mono_ms();
        if (offset > d->rejoin_offset)
                d->rejoin_offset = offset;
}

static void on_config_event(void *opaque, const config_event *ev)
{
        dist_herder *d = opaque;
        switch (ev->kind) {
        case CONFIG_EVENT_CONNECTOR_UPDATED:
                /* new: a rebalance places it; known: its owner makes its
                 * task configs again (a commit then rebalances) */
                if (!in_snapshot(d, ev->connector))
                        need_rebalance(d, ev->offset);
                else if (dh_owns_connector(d, ev->connector))
                        dh_add_publish(d, ev->connector);
                break;
        case CONFIG_EVENT_CONNECTOR_REMOVED:
        case CONFIG_EVENT_TASKS_COMMITTED:
                need_rebalance(d, ev->offset);
                break;
        case CONFIG_EVENT_TARGET_CHANGED: {
                const config_entry *e = config_store_get(d->cfg, ev->connector);
                if (!e)
                        break;
                if (dh_owns_connector(d, ev->connector))
                        put_status(d, ev->connector, -1,
                                   status_of_target(e->target), NULL);
                pthread_mutex_lock(&d->run_mu);
                int mine = dh_runs_task(d, ev->connector);
                pthread_mutex_unlock(&d->run_mu);
                if (e->target == HTTPSRC_STATE_STOPPED)
                        need_rebalance(d, ev->offset); /* tasks go away */
                else if (mine) {
                        target_arg a = {ev->connector, e->target};
                        pipeline_exec(d->p, target_on_loop, &a);
                }
                break;
        }
        default:
                break;
        }
}

/* ---- the herder thread ------------------------------------------------ */

static void job_free(job *j)
{
        free(j->connector);
        kvl_free(&j->config);
        free(j->text);
        free(j);
}

/* Leader writes; held during a rebalance (HOLD_MS). Not the task configs
 * a follower sends: its herder thread waits for the answer, and must not
 * wait for a rebalance (it takes part in it). */
static int leader_write(herder_op op)
{
        switch (op) {
        case HERDER_OP_PUT_CONFIG:
        case HERDER_OP_PATCH_CONFIG:
        case HERDER_OP_DELETE:
        case HERDER_OP_STOP:
                return 1;
        default:
                return 0;
        }
}

/* The jobs to run now: the held ones first (in order), then @p jobs;
 * leader writes wait while a rebalance runs (HOLD_MS at most). */
static job *with_held(dist_herder *d, job *jobs)
{
        job **t = &d->held;
        while (*t)
                t = &(*t)->next;
        *t      = jobs;
        jobs    = d->held;
        d->held = NULL;
        return jobs;
}

static job *runnable(dist_herder *d, job *jobs)
{
        jobs = with_held(d, jobs);
        if (!rebalancing(d))
                return jobs;
        job *run = NULL, **rt = &run, **ht = &d->held;
        int64_t now = mono_ms();
        for (job *j = jobs, *next; j; j = next) {
                next    = j->next;
                j->next = NULL;
                if (leader_write(j->op) && now - j->queued_ms < HOLD_MS) {
                        *ht = j;
                        ht  = &j->next;
                } else {
                        *rt = j;
                        rt  = &j->next;
                }
        }
        return run;
}

/* One rejoin for the changes read so far, unless a rebalance runs (its
 * assignment may place them) or more requests wait in the queue (they
 * may bring more changes: COALESCE_MS at most). */
static void maybe_rejoin(dist_herder *d)
{
        if (d->rejoin_offset < 0 || d->rejoin_asked || rebalancing(d))
                return;
        pthread_mutex_lock(&d->mu);
        int more = d->head != NULL;
        pthread_mutex_unlock(&d->mu);
        if (more && mono_ms() - d->rejoin_since < COALESCE_MS)
                return;
        d->rejoin_asked = 1;
        wgroup_request_rejoin(d->g);
}

static void *herder_main(void *arg)
{
        dist_herder *d  = arg;
        int64_t last_rc = 0;
        for (;;) {
                pthread_mutex_lock(&d->mu);
                if (!d->head && !d->have_pending && !d->stopping) {
                        struct timespec ts;
                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_nsec += TICK_MS * 1000000L;
                        if (ts.tv_nsec >= 1000000000) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000;
                        }
                        pthread_cond_timedwait(&d->cv, &d->mu, &ts);
                }
                job *jobs = d->head;
                d->head   = NULL;
                d->tail   = &d->head;
                wgroup_assignment a = {0};
                int have  = d->have_pending;
                int32_t gen = d->pending_gen;
                unsigned revokes = d->pending_revokes;
                if (have) {
                        a               = d->pending;
                        memset(&d->pending, 0, sizeof(d->pending));
                        d->have_pending = 0;
                }
                int stopping = d->stopping;
                pthread_mutex_unlock(&d->mu);
                if (stopping) {
                        wgroup_assignment_clear(&a);
                        jobs = with_held(d, jobs);
                        for (job *j = jobs, *next; j; j = next) {
                                next = j->next;
                                reply(j, herder_result_error(
                                             HERDER_ERROR,
                                             "the worker is stopping"));
                                job_free(j);
                        }
                        break;
                }
                refresh(d);
                if (have)
                        apply_assignment(d, &a, gen, revokes);
                wgroup_assignment_clear(&a);
                jobs = runnable(d, jobs);
                for (job *j = jobs, *next; j; j = next) {
                        next = j->next;
                        reply(j, dh_run_job(d, j));
                        job_free(j);
                }
                run_publish(d);
                sync_snapshot(d);
                maybe_rejoin(d);
                if (mono_ms() - last_rc >= TICK_MS) {
                        reconcile_tasks(d);
                        last_rc = mono_ms();
                }
                flush_statuses(d);
        }
        flush_statuses(d);
        return NULL;
}

/* ---- herder ops --------------------------------------------------------- */

/* Worker-local operations go to the local herder; the rest is queued. */
static int local_op(herder_op op)
{
        switch (op) {
        case HERDER_OP_WORKER_INFO:
        case HERDER_OP_HEALTH:
        case HERDER_OP_PLUGINS:
        case HERDER_OP_PLUGIN_CONFIG:
        case HERDER_OP_LOGGERS:
        case HERDER_OP_LOGGER_LEVEL:
        case HERDER_OP_METRICS:
        case HERDER_OP_VALIDATE:
        case HERDER_OP_PREVIEW:
        case HERDER_OP_SET_LOGGER:
                return 1;
        default:
                return 0;
        }
}

static void submit(herder *h, const herder_request *rq, herder_cb cb,
                   void *opaque)
{
        dist_herder *d = of(h);
        if (local_op(rq->op)) {
                herder_submit(d->local, rq, cb, opaque);
                return;
        }
        job *j = calloc(1, sizeof(*j));
        if (!j) {
                cb(herder_result_error(HERDER_ERROR, "out of memory"), opaque);
                return;
        }
        j->op        = rq->op;
        j->connector = xstrdup(rq->connector);
        j->task      = rq->task;
        j->flags     = rq->flags;
        j->target    = rq->target;
        j->cb        = cb;
        j->opaque    = opaque;
        j->queued_ms = mono_ms();
        for (size_t i = 0; rq->config && i < rq->config->n; i++)
                kvl_add(&j->config, rq->config->v[i].key,
                        rq->config->v[i].value);
        if (rq->text) {
                j->text     = xstrndup(rq->text, rq->text_len);
                j->text_len = rq->text_len;
        }
        pthread_mutex_lock(&d->mu);
        if (d->stopping) {
                pthread_mutex_unlock(&d->mu);
                job_free(j);
                cb(herder_result_error(HERDER_ERROR, "the worker is stopping"),
                   opaque);
                return;
        }
        *d->tail = j;
        d->tail  = &j->next;
        pthread_cond_broadcast(&d->cv);
        pthread_mutex_unlock(&d->mu);
}

static void dist_destroy(herder *h)
{
        dist_herder *d = of(h);
        if (!d)
                return;
        pthread_mutex_lock(&d->mu);
        d->stopping = 1;
        pthread_cond_broadcast(&d->cv);
        pthread_mutex_unlock(&d->mu);
        /* Leave first: the group thread stops the tasks (revoked). */
        wgroup_destroy(d->g);
        if (d->thread_started)
                pthread_join(d->thread, NULL);
        stop_all_tasks(d);
        config_store_destroy(d->cfg);
        status_store_destroy(d->st);
        herder_destroy(d->local);
        wgroup_assignment_clear(&d->cur);
        wgroup_assignment_clear(&d->pending);
        strv_free(d->snap_names, d->snap_n);
        free(d->snap_tasks);
        strv_free(d->publish, d->n_publish);
        pthread_mutex_destroy(&d->mu);
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->run_mu);
        free(d);
}

#define ALL(m) .m = submit
static const herder_ops dist_ops = {
    .name    = "distributed",
    .destroy = dist_destroy,
    ALL(worker_info),      ALL(health),         ALL(connectors),
    ALL(connector_info),   ALL(connector_config), ALL(connector_status),
    ALL(task_configs),     ALL(tasks_config),   ALL(task_status),
    ALL(offsets),          ALL(active_topics),  ALL(plugins),
    ALL(plugin_config),    ALL(loggers),        ALL(logger_level),
    ALL(metrics),          ALL(put_config),     ALL(patch_config),
    ALL(delete_connector), ALL(pause),          ALL(resume),
    ALL(stop),             ALL(restart_connector), ALL(restart_task),
    ALL(alter_offsets),    ALL(reset_offsets),  ALL(reset_topics),
    ALL(validate),         ALL(preview),        ALL(set_logger),
    ALL(put_task_configs), ALL(fence_zombies),
};
#undef ALL

herder *herder_distributed_new(httpsrc_pipeline *p,
                               herder *local,
                               char *errstr,
                               size_t errstr_size)
{
        dist_herder *d = calloc(1, sizeof(*d));
        if (!d) {
                herder_destroy(local);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        d->base.ops = &dist_ops;
        d->p        = p;
        d->local    = local;
        d->lg       = pipeline_logger(p);
        d->worker   = pipeline_worker(p);
        d->tail     = &d->head;
        d->gen      = -1;
        d->cfg_offset      = -1;
        d->rejoin_offset   = -1;
        d->sync_timeout_ms = conf_get_int(d->worker, "worker.sync.timeout.ms",
                                          3000);
        d->shutdown_ms     = conf_get_int(
            d->worker, "task.shutdown.graceful.timeout.ms", 5000);
        pthread_mutex_init(&d->mu, NULL);
        pthread_cond_init(&d->cv, NULL);
        pthread_mutex_init(&d->run_mu, NULL);
        if (listener_advertised_url(d->worker, d->url, sizeof(d->url))) {
                errstr_set(errstr, errstr_size,
                           "rest.advertised.host.name: too long");
                dist_destroy(&d->base);
                return NULL;
        }
        /* worker_id: host:port of the advertised URL (Connect's) */
        const char *hp = strstr(d->url, "://");
        snprintf(d->worker_id, sizeof(d->worker_id), "%s", hp ? hp + 3 : d->url);
        size_t wl = strlen(d->worker_id);
        if (wl && d->worker_id[wl - 1] == '/')
                d->worker_id[wl - 1] = '\0';
        d->cfg = config_store_open_kafka(d->worker, d->lg, errstr,
                                         errstr_size);
        if (d->cfg)
                d->st = status_store_open_kafka(d->worker, d->lg, errstr,
                                                errstr_size);
        if (!d->cfg || !d->st) {
                dist_destroy(&d->base);
                return NULL;
        }
        status_store_set_batched(d->st, 1);
        config_store_set_listener(d->cfg, on_config_event, d);
        dh_publish_snapshot(d);
        static const wgroup_callbacks cbs = {
            .config_offset = cb_config_offset,
            .leader_work   = cb_leader_work,
            .revoked       = cb_revoked,
            .assigned      = cb_assigned,
            .error         = cb_error,
        };
        d->rebalancing = 1;
        d->g = wgroup_new(d->worker, d->url, &cbs, d, d->lg, errstr,
                          errstr_size);
        if (!d->g) {
                dist_destroy(&d->base);
                return NULL;
        }
        if (pthread_create(&d->thread, NULL, herder_main, d)) {
                errstr_set(errstr, errstr_size, "pthread_create: %s",
                           strerror(errno));
                dist_destroy(&d->base);
                return NULL;
        }
        d->thread_started = 1;
        const char *proto = httpsrc_conf_get(d->worker, "connect.protocol");
        log_msg(d->lg, HTTPSRC_LOG_INFO, NULL,
                "distributed: joining group '%s' as %s (connect.protocol=%s: "
                "this worker offers 'default', the eager protocol, only)",
                httpsrc_conf_get(d->worker, "group.id"), d->url,
                proto ? proto : "sessioned");
        return &d->base;
}
