/* pipeline internals for the layers above the runtime: the REST module
 * (rest.c), the composition that serves it (serve.c), metrics, reload,
 * preview and control. The runtime knows none of them: it reports task
 * state changes through pipeline_task_state_cb and destroys what was
 * attached to it first (pipeline_attach()).
 *
 * The REST server runs on its own thread; the pipeline's state belongs to
 * the loop thread. pipeline_exec() runs a function on the loop thread and
 * waits for it; every other function here must be called from such a
 * function (or while the loop is not running, which pipeline_exec()
 * handles the same way). */
#ifndef HTTPSRC_PIPELINE_INT_H
#define HTTPSRC_PIPELINE_INT_H

#include "task_int.h"

typedef void (*pipeline_fn)(httpsrc_pipeline *p, void *arg);

/** Run @p fn(p, arg) on the loop thread and wait until it returned. Safe
 *  from any thread but the loop thread itself. */
void pipeline_exec(httpsrc_pipeline *p, pipeline_fn fn, void *arg);
/** 1 while the loop runs (pipeline_exec() then queues). Any thread but
 *  inside a pipeline_exec() function. */
int pipeline_loop_running(httpsrc_pipeline *p);
/** 1 when called from the thread running the loop (inside a callback). */
int pipeline_on_loop_thread(httpsrc_pipeline *p);

const httpsrc_conf *pipeline_worker(const httpsrc_pipeline *p);
const plugin_registry *pipeline_plugins(const httpsrc_pipeline *p);
offset_store *pipeline_offsets(const httpsrc_pipeline *p);
/** Why the offsets file cannot be written (polling is paused), or NULL
 *  while it can; and how many writes failed so far. Loop thread. */
const char *pipeline_offsets_error(const httpsrc_pipeline *p);
uint64_t pipeline_offset_store_errors(const httpsrc_pipeline *p);
const logger *pipeline_logger(const httpsrc_pipeline *p);
/** The Kafka producer; NULL before the pipeline runs or with a record
 *  callback. */
const producer *pipeline_producer(const httpsrc_pipeline *p);
/** The Kafka cluster's id, NULL until known (or with a record callback). */
const char *pipeline_kafka_cluster_id(httpsrc_pipeline *p);
void pipeline_set_log_level(httpsrc_pipeline *p, int level);
/** Kafka unreachable: 1 with "Kafka unreachable for N s: no broker of
 *  bootstrap.servers=... answers (<librdkafka's reason>)" in @p buf;
 *  0 if a broker answers (or nothing was tried yet). */
int pipeline_kafka_problem(const httpsrc_pipeline *p, char *buf, size_t size);
/** Level of the lines of connector @p name only (PUT /admin/loggers/
 *  <name>; its log.level applies again when it restarts). 0, or -1 out
 *  of memory. */
int pipeline_set_connector_log_level(httpsrc_pipeline *p,
                                     const char *name,
                                     int level);
/** The config providers of the worker file's own values (the REST
 *  passwords): the listed ones, plus the built-ins with
 *  command.line.builtin.providers=true. */
const struct secrets *pipeline_secrets(const httpsrc_pipeline *p);

size_t pipeline_count(const httpsrc_pipeline *p);
task *pipeline_at(const httpsrc_pipeline *p, size_t i);
task *pipeline_find(const httpsrc_pipeline *p, const char *name);

/** Like httpsrc_pipeline_add_connector(), starting in @p initial_state
 *  (RUNNING, PAUSED or STOPPED), for a conf from REST or the config store:
 *  its placeholders resolve with the listed providers only. Takes @p conf
 *  on success. A valid conf whose stored offset does not fit is created
 *  FAILED (the failure says how to reset the offsets), not refused; so is
 *  a restart's. */
int pipeline_create(httpsrc_pipeline *p,
                    httpsrc_conf *conf,
                    int initial_state,
                    char *errstr,
                    size_t errstr_size);

/** Check @p conf (it passed conf_check_all()) as pipeline_create()
 *  would, creating nothing (no offsets are read): every bad plugin key,
 *  or the one problem of a later step, is appended to @p problems as
 *  (key, "<key>: <reason>") (conf_int.h). 0, or -1 on ENOMEM. */
int pipeline_validate(httpsrc_pipeline *p,
                      const httpsrc_conf *conf,
                      kvlist *problems);

/** Whether @p c, with @p conf, could resume from @p offset (compact
 *  JSON) stored for @p partition: HTTPSRC_OK, or HTTPSRC_ERR_INVAL with
 *  errstr "offset ... does not fit this connector: ...". */
int pipeline_check_offset(httpsrc_pipeline *p,
                          const task *c,
                          const httpsrc_conf *conf,
                          const char *partition,
                          const char *offset,
                          char *errstr,
                          size_t errstr_size);

/** Stop the connector and remove it once its outstanding records are
 *  acknowledged. Its stored offsets stay (as in Kafka Connect). */
int pipeline_delete(httpsrc_pipeline *p, const char *name);

/** Restart from @p conf (NULL: the current conf), keeping the offsets;
 *  deferred until outstanding records are acknowledged (state RESTARTING
 *  meanwhile). @p conf is taken on success; it is validated first. */
int pipeline_restart(httpsrc_pipeline *p,
                     const char *name,
                     httpsrc_conf *conf,
                     char *errstr,
                     size_t errstr_size);

/** pipeline_restart() with a conf from the operator's own files (a
 *  reload): its placeholders resolve as the command line's do. */
int pipeline_reconfigure(httpsrc_pipeline *p,
                         const char *name,
                         httpsrc_conf *conf,
                         char *errstr,
                         size_t errstr_size);

/** The environment of a connector outside the pipeline (a preview): safe
 *  from any thread, as it reads only what is fixed once @p p exists. */
conn_env pipeline_preview_env(httpsrc_pipeline *p, int local);

struct reloader;
/** Takes @p r (reload.c), destroying any earlier one. */
void pipeline_set_reloader(httpsrc_pipeline *p, struct reloader *r);

/**
 * A task's observed state changed (Connect's TaskStatus.Listener): @p name
 * is the connector's, @p state RUNNING, PAUSED, STOPPED, FAILED (@p trace
 * then says why; else NULL) or RESTARTING (a restart waits for its
 * outstanding records), or UNASSIGNED once the task is gone (deleted, or
 * a restart that failed to create it). Reported once per change, also
 * for the state a connector starts in. @p name and @p trace are borrowed
 * for the call.
 *
 * Runs on the loop thread: inside httpsrc_pipeline_run(), or, while no
 * loop runs, on the thread of the call that changed the state
 * (httpsrc_pipeline_add_connector(), a pipeline_exec() function). It may
 * read the pipeline but must not add, delete or restart connectors (it can
 * be called from inside the connector that changed): queue such work.
 */
typedef void (*pipeline_task_state_cb)(void *opaque,
                                       const char *name,
                                       httpsrc_state state,
                                       const char *trace);

/** Send every task state change to @p cb (NULL: none) with @p opaque.
 *  Call before the pipeline runs; the last call wins. */
void pipeline_set_task_state_cb(httpsrc_pipeline *p,
                                pipeline_task_state_cb cb,
                                void *opaque);

/** Attach a service built above the runtime (the REST server): the
 *  pipeline calls @p fini(@p opaque) first thing in
 *  httpsrc_pipeline_destroy(), newest first, before anything it may act on
 *  goes. HTTPSRC_OK or HTTPSRC_ERR_NOMEM. Not while the loop runs. */
int pipeline_attach(httpsrc_pipeline *p, void (*fini)(void *), void *opaque);
/** The opaque of the service attached with @p fini, or NULL. */
void *pipeline_attached(const httpsrc_pipeline *p, void (*fini)(void *));

/** Call @p cb(@p opaque, 0) on the loop thread once per loop iteration,
 *  after the deletes and restarts that could complete did, and
 *  @p cb(@p opaque, 1) once when the loop has ended (inside a
 *  pipeline_exec() function: nothing will complete any more). NULL: none.
 *  The herder runs there the operations that wait for them. @p cb may
 *  create, delete and restart connectors. Not while the loop runs. */
void pipeline_set_tick_cb(httpsrc_pipeline *p,
                          void (*cb)(void *opaque, int last),
                          void *opaque);

/** RESTARTING while a restart waits, else the connector's own state. */
int pipeline_state(const httpsrc_pipeline *p, const task *c);

/** 1 while the connector is being deleted (it is then not listed). */
int pipeline_deleting(const httpsrc_pipeline *p, const task *c);

/** 1 while a connector named @p name is on its way out (deleted or
 *  stopped for a rebalance, waiting for its records' acknowledgements):
 *  pipeline_find() does not see it, and pipeline_create() of that name
 *  fails until it is gone. */
int pipeline_leaving(const httpsrc_pipeline *p, const char *name);

#endif
