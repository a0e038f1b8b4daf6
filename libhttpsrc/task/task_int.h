/* task module (task layer): the one running task of a connector
 * (Connect's WorkerSourceTask): poll, paginate, parse, transform, hand
 * records to the sink, advance the offset over acknowledged records.
 *
 * Names: a "connector" (name, config, target state, task configs) is the
 * herder's and the config store's (connect/, storage/); a "task" is its
 * running poller here: the `task` handle and the task_* functions below,
 * made and destroyed by the runtime (runtime/pipeline.c). Three separate
 * types say where it is: its target (target_state, the operator's wish),
 * its observed status (httpsrc_state, task_status()) and its internal
 * state (enum task_state, task_impl.h). The conn_* helpers, conn_env and
 * conn_stats keep their short prefix. */
#ifndef HTTPSRC_TASK_INT_H
#define HTTPSRC_TASK_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "http_int.h"
#include "kvlist_int.h"
#include "log_int.h"
#include "offsets_int.h"
#include "plugin_int.h"
#include "producer_int.h"
#include "scheduler_int.h"

typedef struct task task;

/** A connector's target state (Connect's TargetState), the operator's
 *  wish; not its observed status (httpsrc_state, task_status()) nor
 *  its task's internal state (task_impl.h). Each value equals the
 *  httpsrc_state of the same meaning, so RUNNING, PAUSED and STOPPED
 *  convert as they are. */
typedef enum target_state {
        TARGET_STARTED = HTTPSRC_STATE_RUNNING,
        TARGET_PAUSED  = HTTPSRC_STATE_PAUSED,
        TARGET_STOPPED = HTTPSRC_STATE_STOPPED,
} target_state;

/** Where records go: Kafka, or the embedding program's callback. */
typedef struct sink {
        producer *prod; /* created when the pipeline runs */
        httpsrc_record_cb cb;
        httpsrc_source_record_cb rcb; /* or this one, never both */
        void *opaque;
} sink;

/** Watches a task's pages (the preview, preview.c). */
typedef struct conn_observer {
        void *opaque;
        /** Each response or failed request: its method, URL (redacted),
         *  status (0: no response), records in it and the next page key
         *  (NULL: the last page, or an error). */
        void (*page)(void *opaque,
                     const char *method,
                     const char *url,
                     int status,
                     size_t records,
                     const char *next_key);
        size_t max_pages; /* 0: any; else no request after that many */
} conn_observer;

/** What a task uses of the pipeline (all borrowed). */
typedef struct conn_env {
        http_client *http;
        const sink *sink;
        offset_store *offsets;
        const plugin_registry *plugins;
        const logger *lg;
        const httpsrc_conf *worker;
        const struct secrets *secrets;
        const size_t *n_conns; /* connectors in the worker: the splay */
        /* Called when task_next_wakeup() may have come earlier. */
        void (*wake)(void *opaque, task *c);
        void *wake_opaque;
        const conn_observer *observer; /* NULL: none */
        /* Non-empty while the offsets cannot be stored: no new poll or
         * page starts (NULL: never). */
        const char *offsets_unstored;
        /* Non-NULL in a validation: every bad plugin key is appended here
         * as (key, "<key>: <reason>") (conf_int.h), not only to errstr. */
        kvlist *problems;
        /* Called (with wake_opaque) when task_status() may have
         * changed: it failed or its target changed. NULL: none. */
        void (*state_changed)(void *opaque, task *c);
} conn_env;

/** A component instance's context, handed to plugins as httpsrc_ctx. */
struct httpsrc_ctx {
        task *conn;
        const plugin_component *comp;
        const char *prefix; /* "transforms.<alias>." or "" */
        char *alias;        /* transforms only */
        void *state;
        int created; /* create() succeeded: destroy() is owed */
};

/** Validate @p conf against the core keys and the chosen plugins' keys,
 *  create the plugin instances and load the stored offset. Takes @p conf
 *  on success. errstr: "<key>: <reason>". */
task *task_new(const conn_env *env,
               httpsrc_conf *conf,
               char *errstr,
               size_t errstr_size);
/** A task that never runs: FAILED with @p reason from the start, for
 *  a valid @p conf whose stored offset it cannot use. It stays listed, so
 *  its offsets can be reset and it can be restarted. Takes @p conf
 *  (NULL: out of memory, @p conf stays the caller's). */
task *
task_new_failed(const conn_env *env, httpsrc_conf *conf, const char *reason);
void task_destroy(task *c); /* NULL-safe */

const char *task_name(const task *c);
const char *task_topic(const task *c);
/** Start a poll if one is due at @p now (monotonic ms); in @p once mode a
 *  caught-up task polls no more. */
void task_tick(task *c, int64_t now, int once);
/** When the task next needs the loop (monotonic ms), INT64_MAX if
 *  never. */
int64_t task_next_wakeup(const task *c, int once);
/** The task's place in the pipeline's scheduler. */
sched_node *task_sched_node(task *c);
/** The topics it has sent records to (topic.tracking.enable), in the
 *  order first used; the array is the task's. */
size_t task_topics(const task *c, char *const **topics);
void task_reset_topics(task *c);
/** A restart keeps the active topics: take them out of the old
 *  task (the caller owns the array and its strings)... */
char **task_take_topics(task *c, size_t *n);
/** ... and hand them to the new one, which owns them from then on. */
void task_give_topics(task *c, char **topics, size_t n);
/** Hand over records that waited for room in the producer queue, and
 *  request a next page that waited (for that room, or for the offsets to
 *  be stored). */
void task_resume(task *c);
/** Delivery report of a record this task produced. */
void task_delivered(void *msg_opaque, int err, const char *reason);
/** Move the offset over the records acknowledged since the last call. */
void task_commit_acks(task *c);
/** The end of a --once run: commit a transaction.boundary=interval
 *  transaction that holds whole pages (as task_stop() does). */
void task_end_transaction(task *c);
/** Stop polling and drop in-flight requests; acks still count. */
void task_stop(task *c);
/** Target state, as Connect's pause/resume/stop: RUNNING polls; PAUSED
 *  and STOPPED send no new request (a page in flight is finished). */
void task_set_target(task *c, target_state target);
/** httpsrc_state: FAILED, PAUSED, STOPPED or RUNNING. */
int task_status(const task *c);
/** The target state (also when FAILED). */
target_state task_target(const task *c);
/** The conf as written (placeholders kept). */
const httpsrc_conf *task_conf(const task *c);
/** The config providers its placeholders resolve with (borrowed). */
const struct secrets *task_secrets(const task *c);
/** FAILED (task_failed() inside task/, on the internal state). */
int task_is_failed(const task *c);
const char *task_failure(const task *c);
/** Fail the task for a reason of the pipeline's (e.g. Kafka
 *  unreachable under --once): FAILED with @p reason, polling stopped. */
void task_fail(task *c, const char *reason);
/** Responses whose records were taken in (pages), since the start. */
uint64_t task_pages(const task *c);
/** What a running task gets wrong (e.g. a records path that matches
 *  nothing), or NULL; the task's, valid until it changes. */
const char *task_warning(const task *c);
/** Caught up: pagination exhausted and the last poll yielded nothing. */
int task_caught_up(const task *c);
/** Pages received and not yet handed over to the sink. */
int task_handing_over(const task *c);
/** Requests in flight or records not yet acknowledged. */
int task_busy(const task *c);
void task_metrics(const task *c, httpsrc_metrics *m);
struct conn_stats;
/** The on-call counters (metrics.c), owned by the task. */
const struct conn_stats *task_stats(const task *c);
/** Records handed to the producer and not yet acknowledged. */
size_t task_outstanding(const task *c);
/** The stored offset map (compact JSON) or NULL. */
const char *task_offset(const task *c);

/* For host_api.c: plugin services that need the task. */
const char *task_conf_get(httpsrc_ctx *ctx, const char *key);
void task_vlog(httpsrc_ctx *ctx, int level, const char *fmt, va_list ap);
int task_vset_error(httpsrc_ctx *ctx, int code, const char *fmt, va_list ap);
int task_emit(httpsrc_emitter *em,
              const void *key,
              size_t key_len,
              const void *value,
              size_t value_len);

/** The services table handed to plugins (host_api.c). */
const struct httpsrc_host_api *host_api_table(void);

#endif
