/* connector module (task layer): the one running task of a connector
 * (Connect's WorkerSourceTask): poll, paginate, parse, transform, hand
 * records to the sink, advance the offset over acknowledged records.
 *
 * Names: a "connector" proper (name, config, target state, task configs)
 * is the herder's and the config store's (connect/, storage/); the
 * `connector` handle below is its running task, made and destroyed by the
 * runtime (runtime/pipeline.c). Three separate types say where it is: its
 * target (target_state, the operator's wish), its observed status
 * (httpsrc_state, connector_state()) and its internal state (enum
 * task_state, connector_impl.h). */
#ifndef HTTPSRC_CONNECTOR_INT_H
#define HTTPSRC_CONNECTOR_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "http_int.h"
#include "kvlist_int.h"
#include "log_int.h"
#include "offsets_int.h"
#include "plugin_int.h"
#include "producer_int.h"
#include "scheduler_int.h"

typedef struct connector connector;

/** A connector's target state (Connect's TargetState), the operator's
 *  wish; not its observed status (httpsrc_state, connector_state()) nor
 *  its task's internal state (connector_impl.h). Each value equals the
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

/** Watches a connector's pages (the preview, preview.c). */
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

/** What a connector uses of the pipeline (all borrowed). */
typedef struct conn_env {
        http_client *http;
        const sink *sink;
        offset_store *offsets;
        const plugin_registry *plugins;
        const logger *lg;
        const httpsrc_conf *worker;
        const struct secrets *secrets;
        const size_t *n_conns; /* connectors in the worker: the splay */
        /* Called when connector_next_wakeup() may have come earlier. */
        void (*wake)(void *opaque, connector *c);
        void *wake_opaque;
        const conn_observer *observer; /* NULL: none */
        /* Non-empty while the offsets cannot be stored: no new poll or
         * page starts (NULL: never). */
        const char *offsets_unstored;
        /* Non-NULL in a validation: every bad plugin key is appended here
         * as (key, "<key>: <reason>") (conf_int.h), not only to errstr. */
        kvlist *problems;
        /* Called (with wake_opaque) when connector_state() may have
         * changed: it failed or its target changed. NULL: none. */
        void (*state_changed)(void *opaque, connector *c);
} conn_env;

/** A component instance's context, handed to plugins as httpsrc_ctx. */
struct httpsrc_ctx {
        connector *conn;
        const plugin_component *comp;
        const char *prefix; /* "transforms.<alias>." or "" */
        char *alias;        /* transforms only */
        void *state;
        int created; /* create() succeeded: destroy() is owed */
};

/** Validate @p conf against the core keys and the chosen plugins' keys,
 *  create the plugin instances and load the stored offset. Takes @p conf
 *  on success. errstr: "<key>: <reason>". */
connector *connector_new(const conn_env *env,
                         httpsrc_conf *conf,
                         char *errstr,
                         size_t errstr_size);
/** A connector that never runs: FAILED with @p reason from the start, for
 *  a valid @p conf whose stored offset it cannot use. It stays listed, so
 *  its offsets can be reset and it can be restarted. Takes @p conf
 *  (NULL: out of memory, @p conf stays the caller's). */
connector *connector_new_failed(const conn_env *env,
                                httpsrc_conf *conf,
                                const char *reason);
void connector_destroy(connector *c); /* NULL-safe */

const char *connector_name(const connector *c);
const char *connector_topic(const connector *c);
/** Start a poll if one is due at @p now (monotonic ms); in @p once mode a
 *  caught-up connector polls no more. */
void connector_tick(connector *c, int64_t now, int once);
/** When the connector next needs the loop (monotonic ms), INT64_MAX if
 *  never. */
int64_t connector_next_wakeup(const connector *c, int once);
/** The connector's place in the pipeline's scheduler. */
sched_node *connector_sched_node(connector *c);
/** The topics it has sent records to (topic.tracking.enable), in the
 *  order first used; the array is the connector's. */
size_t connector_topics(const connector *c, char *const **topics);
void connector_reset_topics(connector *c);
/** A restart keeps the active topics: take them out of the old
 *  connector (the caller owns the array and its strings)... */
char **connector_take_topics(connector *c, size_t *n);
/** ... and hand them to the new one, which owns them from then on. */
void connector_give_topics(connector *c, char **topics, size_t n);
/** Hand over records that waited for room in the producer queue, and
 *  request a next page that waited (for that room, or for the offsets to
 *  be stored). */
void connector_resume(connector *c);
/** Delivery report of a record this connector produced. */
void connector_delivered(void *msg_opaque, int err, const char *reason);
/** Move the offset over the records acknowledged since the last call. */
void connector_commit_acks(connector *c);
/** The end of a --once run: commit a transaction.boundary=interval
 *  transaction that holds whole pages (as connector_stop() does). */
void connector_end_transaction(connector *c);
/** Stop polling and drop in-flight requests; acks still count. */
void connector_stop(connector *c);
/** Target state, as Connect's pause/resume/stop: RUNNING polls; PAUSED
 *  and STOPPED send no new request (a page in flight is finished). */
void connector_set_target(connector *c, target_state target);
/** httpsrc_state: FAILED, PAUSED, STOPPED or RUNNING. */
int connector_state(const connector *c);
/** The target state (also when FAILED). */
target_state connector_target(const connector *c);
/** The conf as written (placeholders kept). */
const httpsrc_conf *connector_conf(const connector *c);
/** The config providers its placeholders resolve with (borrowed). */
const struct secrets *connector_secrets(const connector *c);
int connector_failed(const connector *c);
const char *connector_failure(const connector *c);
/** Fail the connector for a reason of the pipeline's (e.g. Kafka
 *  unreachable under --once): FAILED with @p reason, polling stopped. */
void connector_fail(connector *c, const char *reason);
/** Responses whose records were taken in (pages), since the start. */
uint64_t connector_pages(const connector *c);
/** What a running connector gets wrong (e.g. a records path that matches
 *  nothing), or NULL; the connector's, valid until it changes. */
const char *connector_warning(const connector *c);
/** Caught up: pagination exhausted and the last poll yielded nothing. */
int connector_caught_up(const connector *c);
/** Pages received and not yet handed over to the sink. */
int connector_handing_over(const connector *c);
/** Requests in flight or records not yet acknowledged. */
int connector_busy(const connector *c);
void connector_metrics(const connector *c, httpsrc_metrics *m);
struct conn_stats;
/** The on-call counters (metrics.c), owned by the connector. */
const struct conn_stats *connector_stats(const connector *c);
/** Records handed to the producer and not yet acknowledged. */
size_t connector_outstanding(const connector *c);
/** The stored offset map (compact JSON) or NULL. */
const char *connector_offset(const connector *c);

/* For host_api.c: plugin services that need the connector. */
const char *connector_conf_get(httpsrc_ctx *ctx, const char *key);
void connector_vlog(httpsrc_ctx *ctx, int level, const char *fmt, va_list ap);
int connector_vset_error(httpsrc_ctx *ctx,
                         int code,
                         const char *fmt,
                         va_list ap);
int connector_emit(httpsrc_emitter *em,
                   const void *key,
                   size_t key_len,
                   const void *value,
                   size_t value_len);

/** The services table handed to plugins (host_api.c). */
const struct httpsrc_host_api *host_api_table(void);

#endif
