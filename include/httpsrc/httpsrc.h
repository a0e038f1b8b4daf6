/*
 * libhttpsrc - stream HTTP/REST APIs into Apache Kafka.
 * httpsrc.h: the umbrella header and the library API.
 *
 * Objects: httpsrc_conf (flat string key/values, librdkafka style) and
 * httpsrc_pipeline (one event loop running any number of connectors).
 *
 * @par Thread safety
 * An httpsrc_conf is not thread-safe. An httpsrc_pipeline is driven by the
 * thread that calls httpsrc_pipeline_run(); every other call on it must
 * happen from that thread or while it is not running, except
 * httpsrc_pipeline_stop(), which is safe from any thread and from a signal
 * handler.
 */
#ifndef HTTPSRC_HTTPSRC_H
#define HTTPSRC_HTTPSRC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "httpsrc/common.h"
#include "httpsrc/export.h"
#include "httpsrc/plugin.h"
#include "httpsrc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Versions and errors
 * @{ */

/** @brief Runtime library version as 0x00MMmmpp. Any thread.
 *  @since 0.1 */
HTTPSRC_API unsigned int httpsrc_version(void);
/** @brief Runtime library version as "M.m.p" (a static string). Any
 *  thread. @since 0.1 */
HTTPSRC_API const char *httpsrc_version_str(void);
/** @brief Symbolic name of @p err ("HTTPSRC_ERR_PARSE"). Any thread.
 *  @param err an httpsrc_err value
 *  @returns a static string; "HTTPSRC_ERR_UNKNOWN" for other values
 *  @since 0.1 */
HTTPSRC_API const char *httpsrc_err_name(httpsrc_err err);
/** @brief Human-readable description of @p err. Any thread.
 *  @param err an httpsrc_err value
 *  @returns a static string; "Unknown error" for other values
 *  @since 0.1 */
HTTPSRC_API const char *httpsrc_strerror(httpsrc_err err);
/** @brief 1 if an operation failing with @p err may succeed when retried
 *  (timeout, transport, rate limited), else 0. Any thread.
 *  @param err an httpsrc_err value
 *  @since 0.1 */
HTTPSRC_API int httpsrc_err_is_retriable(httpsrc_err err);
/** @} */

/** @name Configuration
 * @{ */

/** @brief A set of configuration keys of one scope. @since 0.1 */
typedef struct httpsrc_conf httpsrc_conf;

/** @brief Which key table a conf is checked against. @since 0.1 */
typedef enum httpsrc_conf_scope {
        HTTPSRC_SCOPE_CONNECTOR = 0, /**< connector keys (http.*, ...) */
        HTTPSRC_SCOPE_WORKER    = 1, /**< worker keys (bootstrap.servers...) */
} httpsrc_conf_scope;

/** @brief Result of httpsrc_conf_set(). @since 0.1 */
typedef enum httpsrc_conf_res {
        HTTPSRC_CONF_UNKNOWN = -2, /**< no such key */
        HTTPSRC_CONF_INVALID = -1, /**< invalid value */
        HTTPSRC_CONF_OK      = 0,
} httpsrc_conf_res;

/** @brief New empty conf of @p scope.
 *  @param scope the key table its keys are checked against
 *  @returns the conf (the caller's: httpsrc_conf_destroy()), or NULL on
 *           ENOMEM or an unknown @p scope
 *  @since 0.1 */
HTTPSRC_API httpsrc_conf *httpsrc_conf_new(httpsrc_conf_scope scope);
/** @brief Deep copy of @p conf.
 *  @param conf the conf to copy (NULL gives NULL)
 *  @returns the copy (the caller's), or NULL on ENOMEM
 *  @since 0.1 */
HTTPSRC_API httpsrc_conf *httpsrc_conf_dup(const httpsrc_conf *conf);
/** @brief Free @p conf and every string it owns.
 *  @param conf the conf; NULL is a no-op
 *  @since 0.1 */
HTTPSRC_API void httpsrc_conf_destroy(httpsrc_conf *conf);

/**
 * @brief Set @p key to @p value (copied); a NULL @p value unsets the key.
 *
 * Declared keys are validated at once. Keys owned by plugins (under
 * http.auth., http.oauth2., http.pagination., transforms.<alias>.) and
 * pass-through keys (producer.*, producer.override.*) are stored and checked
 * when the connector starts and its plugins are known. Values holding
 * ${provider:path:key} placeholders are kept as written. The keys of
 * Confluent's HTTP Source connector (url, topic.name.pattern,
 * http.response.data.json.pointer, ...) are accepted as aliases and stored
 * under the canonical key they map to.
 *
 * @param conf the conf
 * @param key the key (canonical or a Confluent alias), copied
 * @param value the value, copied; NULL unsets @p key
 * @param errstr receives "<key>: <reason>" on failure (may be NULL)
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_CONF_OK, _INVALID or _UNKNOWN
 * @since 0.1
 */
HTTPSRC_API httpsrc_conf_res httpsrc_conf_set(httpsrc_conf *conf,
                                              const char *key,
                                              const char *value,
                                              char *errstr,
                                              size_t errstr_size);

/** @brief The value set for @p key, else its declared default, else NULL.
 *  Lifetime: a value set is owned by @p conf and stays valid until that
 *  key is set or unset again (directly or through a Confluent alias of
 *  it), a httpsrc_conf_load_file() on @p conf succeeds (it replaces every
 *  value), or @p conf is destroyed (for a conf given to the pipeline: when
 *  its connector is deleted or reconfigured). Setting other keys does not
 *  move it. A declared default is a static string, valid for the life of
 *  the process. Copy the string to keep it longer.
 *  @param conf the conf
 *  @param key a canonical key
 *  @since 0.1 */
HTTPSRC_API const char *httpsrc_conf_get(const httpsrc_conf *conf,
                                         const char *key);

/** @brief Number of keys explicitly set.
 *  @param conf the conf (NULL: 0)
 *  @since 0.1 */
HTTPSRC_API size_t httpsrc_conf_count(const httpsrc_conf *conf);

/** @brief The @p i th explicitly set key, in the order first set.
 *  @param conf the conf
 *  @param i 0 .. httpsrc_conf_count() - 1
 *  @param key receives the key, owned by @p conf (may be NULL)
 *  @param value receives the value, owned by @p conf (may be NULL)
 *  @returns HTTPSRC_OK or HTTPSRC_ERR_NOENT
 *  @since 0.1 */
HTTPSRC_API int httpsrc_conf_at(const httpsrc_conf *conf,
                                size_t i,
                                const char **key,
                                const char **value);

/** @brief Check what a single set() cannot: required keys and rules
 *  between keys.
 *  @param conf the conf
 *  @param errstr receives every problem ("<key>: <reason>", separated by
 *         "; ") on failure
 *  @param errstr_size bytes of @p errstr
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_INVAL or HTTPSRC_ERR_NOMEM
 *  @since 0.1 */
HTTPSRC_API int
httpsrc_conf_check(const httpsrc_conf *conf, char *errstr, size_t errstr_size);

/**
 * @brief Load keys from a file into @p conf: Java-style .properties, or a
 * connector JSON {"name": ..., "config": {...}} (or a flat JSON object).
 * A top-level "name" is stored as the "name" key.
 * @param conf the conf the keys go to
 * @param path the file
 * @param errstr receives "<file>:<line>: <reason>" or
 *        "<file>: <key>: <reason>" on failure
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_OK or an error
 * @since 0.1
 */
HTTPSRC_API int httpsrc_conf_load_file(httpsrc_conf *conf,
                                       const char *path,
                                       char *errstr,
                                       size_t errstr_size);

/** @brief The declared keys of @p scope, ending with a NULL name.
 *  @param scope the key table
 *  @returns a static array, or NULL for an unknown @p scope
 *  @since 0.1 */
HTTPSRC_API const httpsrc_param_desc *
httpsrc_conf_params(httpsrc_conf_scope scope);
/** @} */

/** @name Pipeline
 * @{ */

/** @brief One event loop running connectors into Kafka or a callback.
 *  @since 0.1 */
typedef struct httpsrc_pipeline httpsrc_pipeline;

/**
 * @brief Create a pipeline from a worker conf.
 * @param worker_conf HTTPSRC_SCOPE_WORKER conf; on success the pipeline
 *        takes ownership (do not destroy it), on failure the caller keeps it
 * @param errstr receives the reason on failure
 * @param errstr_size bytes of @p errstr
 * @returns the pipeline, or NULL with the reason in @p errstr
 * @since 0.1
 */
HTTPSRC_API httpsrc_pipeline *httpsrc_pipeline_new(httpsrc_conf *worker_conf,
                                                   char *errstr,
                                                   size_t errstr_size);

/** @brief Stop, flush what can be flushed, store offsets, free. Call
 *  when httpsrc_pipeline_run() is not running (after it returned).
 *  @param p the pipeline; NULL is a no-op
 *  @since 0.1 */
HTTPSRC_API void httpsrc_pipeline_destroy(httpsrc_pipeline *p);

/**
 * @brief Load one plugin file (besides those found in plugin.path).
 * @param p the pipeline
 * @param path the plugin's .so file
 * @param errstr receives the loader's message on failure
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_OK or an error
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_load_plugin(httpsrc_pipeline *p,
                                             const char *path,
                                             char *errstr,
                                             size_t errstr_size);

/**
 * @brief Add a connector. Its "name" key names it.
 *
 * The conf is the caller's own (as the command line's files): its
 * ${provider:...} placeholders resolve with the providers listed in the
 * worker's config.providers, and with the built-ins env, file and
 * directory too if the worker sets command.line.builtin.providers=true.
 * Configs created over REST never get the built-ins.
 * @param p the pipeline
 * @param conf HTTPSRC_SCOPE_CONNECTOR conf; taken over on success
 * @param errstr receives "<key>: <reason>" on failure
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_OK or an error
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_add_connector(httpsrc_pipeline *p,
                                               httpsrc_conf *conf,
                                               char *errstr,
                                               size_t errstr_size);

/**
 * @brief Every problem of connector config file @p path at once, as
 * Connect's config validation finds them, creating nothing: the keys its
 * loading refuses (httpsrc_conf_load_file() stops there), then the rules
 * between the keys it accepted and, if those pass, the plugins' own keys.
 * For a command line that names every mistake of a file in one run.
 * Thread: the caller's, not inside a callback.
 * @param p the pipeline (its plugins judge the plugin keys)
 * @param path the file, .json or .properties
 * @param errstr receives the problems, "; "-joined, each "<path>: <key>:
 *        <reason>"; the caller's buffer
 * @param errstr_size its size
 * @returns HTTPSRC_OK if the file would load and create a connector;
 *          HTTPSRC_ERR_INVAL with the problems; another error (I/O, a
 *          syntax error of the file) with its message
 * @since 0.2
 */
HTTPSRC_API int httpsrc_pipeline_check_connector_file(httpsrc_pipeline *p,
                                                      const char *path,
                                                      char *errstr,
                                                      size_t errstr_size);

/**
 * @brief Receives each record instead of Kafka (embedding).
 * Called on the thread running httpsrc_pipeline_run(), one record at a
 * time, in order; the buffers are borrowed for the call.
 * Return HTTPSRC_OK once the record is safely handled: the stored offset
 * then covers it (also when a later record fails the connector, so a
 * restart starts at the first record not accepted). Return HTTPSRC_RETRY
 * when it cannot be handled now (a full buffer, a sink briefly down): the
 * connector waits http.retry.backoff.ms, doubled per refusal up to
 * http.retry.backoff.max.ms, and offers the same record again, as often
 * as it takes (it never fails for it; httpsrc_pipeline_stop() ends the
 * wait). Any other value fails the connector with that code.
 * @param opaque as given to httpsrc_pipeline_set_record_cb()
 * @param connector the connector's name
 * @param topic the record's topic, after transforms
 * @param key the key bytes (NULL: a null key), @p key_len of them
 * @param value the value bytes (NULL: a null value), @p value_len of them
 * @since 0.1
 */
typedef int (*httpsrc_record_cb)(void *opaque,
                                 const char *connector,
                                 const char *topic,
                                 const void *key,
                                 size_t key_len,
                                 const void *value,
                                 size_t value_len);

/** @brief Deliver records to @p cb instead of Kafka; call before
 *  httpsrc_pipeline_run(), from its thread. Replaces a callback set with
 *  httpsrc_pipeline_set_source_record_cb() (the last setter wins).
 *  @param p the pipeline
 *  @param cb the callback; NULL: records go to Kafka again
 *  @param opaque passed to @p cb as is; the caller's, valid until
 *         httpsrc_pipeline_destroy()
 *  @returns HTTPSRC_OK, or HTTPSRC_ERR_STATE once the pipeline has run
 *           with Kafka
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_set_record_cb(httpsrc_pipeline *p,
                                               httpsrc_record_cb cb,
                                               void *opaque);

/** @brief One record header (name and raw value bytes). @since 0.2 */
typedef struct httpsrc_header {
        const char *name;  /**< NUL-terminated */
        const void *value; /**< NULL: a null header value */
        size_t value_len;
} httpsrc_header;

/**
 * @brief One record as httpsrc_pipeline_set_source_record_cb() delivers it:
 * what a Kafka Connect SourceRecord carries.
 *
 * Filled by the library; everything it points to is borrowed for the call
 * (copy what you keep). The struct grows append-only: struct_size is the
 * size the library filled, so a program built against a newer header
 * reads a member only if HTTPSRC_SOURCE_RECORD_HAS(rec, member) holds.
 * @since 0.2
 */
typedef struct httpsrc_source_record {
        uint32_t struct_size;  /**< bytes filled by the library */
        const char *connector; /**< the connector's name */
        const char *topic;     /**< after transforms */
        const void *key;       /**< NULL: a null key */
        size_t key_len;
        const void *value; /**< NULL: a null value (tombstone) */
        size_t value_len;
        const httpsrc_header *headers; /**< NULL when @c n_headers is 0 */
        size_t n_headers; /**< 0: no source or transform sets headers yet */
        int64_t timestamp_ms; /**< epoch ms (the poll's time unless set) */
        /** Connect's source partition, JSON ({"url":...}). */
        const char *source_partition;
        /** Connect's source offset, JSON: what is stored once this record
         *  and every one before it is accepted, so a restart starts after
         *  it. Secret values resolved from ${provider:...} appear as their
         *  placeholders, as in the offsets file. */
        const char *source_offset;
        /* append new members below, with a @since */
} httpsrc_source_record;

/** @brief True if @p rec (an httpsrc_source_record *) was filled up to and
 *  including @p member. @since 0.2 */
#define HTTPSRC_SOURCE_RECORD_HAS(rec, member)                                 \
        ((rec)->struct_size >=                                                 \
         offsetof(httpsrc_source_record, member) +                             \
             sizeof(((httpsrc_source_record *)0)->member))

/**
 * @brief Receives each record, as a struct (embedding).
 * Same contract as httpsrc_record_cb: called on the thread running
 * httpsrc_pipeline_run(), one record at a time, in order. Return
 * HTTPSRC_OK once the record is safely handled (the stored offset then
 * covers it: rec->source_offset), HTTPSRC_RETRY to be offered the same
 * record again after a backoff, any other value to fail the connector.
 * @param opaque as given to httpsrc_pipeline_set_source_record_cb()
 * @param rec the record; it and what it points to are borrowed for the
 *        call
 * @since 0.2
 */
typedef int (*httpsrc_source_record_cb)(void *opaque,
                                        const httpsrc_source_record *rec);

/**
 * @brief Deliver records to @p cb as httpsrc_source_record instead of
 * Kafka. Replaces a callback set with httpsrc_pipeline_set_record_cb()
 * (and the other way round: the last setter wins). Call from the thread
 * that will call httpsrc_pipeline_run(), before it.
 * @param p the pipeline
 * @param cb the callback; NULL: records go to Kafka again
 * @param opaque passed to @p cb as is; owned by the caller, who keeps it
 *        valid until httpsrc_pipeline_destroy()
 * @returns HTTPSRC_OK, or HTTPSRC_ERR_STATE once the pipeline has run
 *          with Kafka (its producer exists)
 * @since 0.2
 */
HTTPSRC_API int
httpsrc_pipeline_set_source_record_cb(httpsrc_pipeline *p,
                                      httpsrc_source_record_cb cb,
                                      void *opaque);

/** @brief Receives log lines. The line never contains secret values.
 *  Called on the thread that logs: the thread running
 *  httpsrc_pipeline_run() for what connectors and the REST API do, the
 *  caller's thread inside the other httpsrc_pipeline_* calls (new,
 *  add_connector, serve_rest, destroy...), one line at a time per thread.
 *  It must not call back into the pipeline (except
 *  httpsrc_pipeline_stop()).
 *  @param opaque as given to httpsrc_pipeline_set_log_cb()
 *  @param level an httpsrc_log_level value
 *  @param connector the connector the line is about, NULL for the worker
 *  @param line the message, borrowed for the call
 *  @since 0.1 */
typedef void (*httpsrc_log_cb)(void *opaque,
                               int level,
                               const char *connector,
                               const char *line);

/** @brief Send log lines to @p cb (default: stderr at INFO and above).
 *  Call before httpsrc_pipeline_run(), from its thread.
 *  @param p the pipeline
 *  @param cb the callback; NULL: stderr again
 *  @param opaque passed to @p cb as is; the caller's, valid until
 *         httpsrc_pipeline_destroy()
 *  @param max_level the most verbose level passed on (HTTPSRC_LOG_INFO:
 *         errors, warnings and info; HTTPSRC_LOG_DEBUG: everything); a
 *         connector's log.level and PUT /admin/loggers may change it later
 *  @since 0.1 */
HTTPSRC_API void httpsrc_pipeline_set_log_cb(httpsrc_pipeline *p,
                                             httpsrc_log_cb cb,
                                             void *opaque,
                                             httpsrc_log_level max_level);

/** Run until every connector is caught up, then return (like --once). */
#define HTTPSRC_RUN_ONCE 0x1

/**
 * @brief Run the event loop until httpsrc_pipeline_stop(), or, with
 * HTTPSRC_RUN_ONCE, until every connector is caught up (pagination
 * exhausted and a poll that yields nothing new). Before returning, waits
 * for every record to be acknowledged and stores the offsets. The calling
 * thread becomes the pipeline's loop thread; the record and log callbacks
 * run on it. It may be called again after it returned.
 * @param p the pipeline
 * @param flags 0 or HTTPSRC_RUN_ONCE
 * @returns HTTPSRC_OK, or an error if a connector failed (see
 *          httpsrc_pipeline_last_error())
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_run(httpsrc_pipeline *p, int flags);

/**
 * @brief Begin a run driven by the caller's own event loop instead of
 * httpsrc_pipeline_run(): then wait on httpsrc_pipeline_fd() and call
 * httpsrc_pipeline_step() until it returns something other than
 * HTTPSRC_OK. httpsrc_pipeline_run() is this and that loop.
 *
 * Thread: the thread that calls this must make every
 * httpsrc_pipeline_step() call of the run (record and log callbacks run
 * on it, within the steps).
 * @param p the pipeline
 * @param flags 0 or HTTPSRC_RUN_ONCE, as for httpsrc_pipeline_run()
 * @returns HTTPSRC_OK; HTTPSRC_ERR_STATE if a run is already going on;
 *          HTTPSRC_ERR_KAFKA if the producer cannot be made (reason in
 *          httpsrc_pipeline_last_error())
 * @since 0.2
 */
HTTPSRC_API int httpsrc_pipeline_start(httpsrc_pipeline *p, int flags);

/**
 * @brief A file descriptor to wait on for reading (poll, epoll, select,
 * an event library): it is readable whenever httpsrc_pipeline_step() has
 * something to do (an HTTP response, a Kafka acknowledgement, a REST
 * request, httpsrc_pipeline_stop()). Timers are not signalled on it: call
 * httpsrc_pipeline_step() also when the @c next_ms it gave has passed.
 *
 * Ownership: the pipeline's, the same descriptor for the pipeline's
 * whole life (valid until httpsrc_pipeline_destroy(), which closes it);
 * only wait on it, never read, write or close it. Thread: any (it only
 * reads the number). Linux: an epoll descriptor, usable in another epoll
 * set.
 * @param p the pipeline
 * @returns the descriptor, or HTTPSRC_ERR_IO if it cannot be made
 *          (reason in httpsrc_pipeline_last_error())
 * @since 0.2
 */
HTTPSRC_API int httpsrc_pipeline_fd(httpsrc_pipeline *p);

/**
 * @brief One turn of the pipeline's loop: start the polls that are due,
 * wait at most @p timeout_ms for network activity, handle responses,
 * acknowledgements and REST requests, store offsets when due.
 *
 * Thread: the one that called httpsrc_pipeline_start(); never two steps
 * at once. Callbacks (records, logs) run inside the call.
 * @param p the pipeline, after httpsrc_pipeline_start()
 * @param timeout_ms the longest the call may block: 0 never blocks (the
 *        usual value once httpsrc_pipeline_fd() was readable), -1 as long
 *        as the pipeline's own timers allow (at most 1 s)
 * @param next_ms if not NULL, set to the longest the caller may wait on
 *        httpsrc_pipeline_fd() before the next step (milliseconds, 0 to
 *        1000); the caller's memory, written before the call returns
 * @returns HTTPSRC_OK: call again; HTTPSRC_DONE: the run ended well (after
 *          httpsrc_pipeline_stop(), or, with HTTPSRC_RUN_ONCE, every
 *          connector caught up), records acknowledged and offsets stored;
 *          an error (< 0): the run ended, as httpsrc_pipeline_run()
 *          would have returned it (reason in
 *          httpsrc_pipeline_last_error()); HTTPSRC_ERR_STATE without
 *          httpsrc_pipeline_start(). After the end, httpsrc_pipeline_start()
 *          begins a new run.
 * @since 0.2
 */
HTTPSRC_API int
httpsrc_pipeline_step(httpsrc_pipeline *p, int timeout_ms, int *next_ms);

/**
 * @brief Bind the worker's `listeners` now, before any connector is added,
 * so that a port in use is reported before anything starts (a connector
 * created first may already have fenced a running twin or read offsets).
 * httpsrc_pipeline_serve_rest() then serves on these sockets; without
 * this call it binds them itself.
 * Thread: the caller's, before httpsrc_pipeline_run(). The sockets are the
 * pipeline's, closed by httpsrc_pipeline_destroy().
 * @param p the pipeline
 * @param errstr receives "listeners: cannot listen on <url>: <reason>"
 * @param errstr_size its size
 * @returns HTTPSRC_OK; HTTPSRC_ERR_INVAL if a listener cannot be bound;
 *          HTTPSRC_ERR_STATE if already bound or served
 * @since 0.2
 */
HTTPSRC_API int httpsrc_pipeline_bind_rest(httpsrc_pipeline *p,
                                           char *errstr,
                                           size_t errstr_size);

/**
 * @brief Serve Kafka Connect's REST API (GET/POST /connectors, status,
 * pause/resume/stop/restart, offsets, plugins, validate, metrics) on the
 * worker's `listeners`, from a thread of its own; requests act on the
 * pipeline through its loop, so call httpsrc_pipeline_run() as usual.
 * Connectors created over the API are kept in `config.storage.file.filename`
 * and restored by this call. Call before httpsrc_pipeline_run(), from its
 * thread.
 * @param p the pipeline
 * @param errstr receives the reason on failure
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_OK or an error
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_serve_rest(httpsrc_pipeline *p,
                                            char *errstr,
                                            size_t errstr_size);

/**
 * @brief Join the Kafka Connect cluster named by the worker's `group.id`
 * (distributed mode, as connect-distributed): the connectors come from
 * `config.storage.topic`, statuses go to `status.storage.topic`, offsets
 * to `offset.storage.topic`, and the REST API is served on `listeners`
 * with writes forwarded to the group's leader. Call instead of
 * httpsrc_pipeline_serve_rest(), before httpsrc_pipeline_run(), on a
 * pipeline with no connector added. Calling thread: the pipeline's owner.
 * @param p the pipeline
 * @param errstr receives the reason on failure ("<key>: <reason>" for a
 *        worker key)
 * @param errstr_size bytes of @p errstr
 * @returns HTTPSRC_OK or an error
 * @since 0.2
 */
HTTPSRC_API int httpsrc_pipeline_serve_distributed(httpsrc_pipeline *p,
                                                   char *errstr,
                                                   size_t errstr_size);

/**
 * @brief The connector files httpsrc_pipeline_reload() re-reads (the
 * command line's). Their connectors must have been added already; the
 * paths are copied. Call before httpsrc_pipeline_run(), from its thread.
 * @param p the pipeline
 * @param paths @p n file names, copied
 * @param n how many
 * @returns HTTPSRC_OK, or HTTPSRC_ERR_NOMEM
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_set_connector_files(httpsrc_pipeline *p,
                                                     const char *const *paths,
                                                     size_t n);

/**
 * @brief Ask the running pipeline to re-read its connector files and apply
 * what changed: a new name is created, a changed config restarts its
 * connector with it (offsets kept), a name no longer in the files is
 * deleted (its stored offsets stay). Each change is logged; a file that
 * does not load is logged and leaves its connectors as they are.
 * Async-signal-safe (e.g. from a SIGHUP handler); any thread.
 * @param p the pipeline
 * @since 0.1
 */
HTTPSRC_API void httpsrc_pipeline_reload(httpsrc_pipeline *p);

/**
 * @brief Preview a connector: run @p conf against its API without Kafka and
 * without storing offsets (from the start, as a new connector; no retries),
 * for up to @p max_pages pages (0: 1), and write a report to @p out: per
 * page the request (method, URL with its query, secret values redacted),
 * status, record count and next page key; the first records as key and
 * value after transforms and converters; the offset that would be stored;
 * and, if no record was found, "no records: <reason>".
 * Call from any thread; it does not touch the pipeline's connectors.
 * @param p the pipeline (its worker keys and plugins are used)
 * @param conf HTTPSRC_SCOPE_CONNECTOR conf; the caller keeps it
 * @param max_pages pages to fetch at most (0: 1)
 * @param out where the report goes (the caller's)
 * @returns HTTPSRC_OK if records were found, HTTPSRC_ERR_NOENT if not,
 *          HTTPSRC_ERR_NOMEM
 * @since 0.1
 */
HTTPSRC_API int httpsrc_pipeline_preview(httpsrc_pipeline *p,
                                         const httpsrc_conf *conf,
                                         int max_pages,
                                         FILE *out);

/**
 * @name Connectors from C
 * Pause, resume, restart and remove one connector, and read its state and
 * error, as the REST API's pause/resume/restart/DELETE and status do. Safe
 * from any thread, before, during (from another thread) or after
 * httpsrc_pipeline_run(); from inside a record or log callback they return
 * HTTPSRC_ERR_STATE. Unknown (or removed) @p name: HTTPSRC_ERR_NOENT.
 * @{
 */
/** @brief PAUSED: no new request (a page in flight is finished).
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT or HTTPSRC_ERR_STATE
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_pause_connector(httpsrc_pipeline *p,
                                                 const char *name);
/** @brief RUNNING again: it polls at once.
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT or HTTPSRC_ERR_STATE
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_resume_connector(httpsrc_pipeline *p,
                                                  const char *name);
/** @brief Restart from its config, keeping its offsets, once its
 *  outstanding records are acknowledged (RESTARTING meanwhile); a FAILED
 *  connector runs again.
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT or HTTPSRC_ERR_STATE
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_restart_connector(httpsrc_pipeline *p,
                                                   const char *name);
/** @brief Stop and remove it once its outstanding records are
 *  acknowledged; its stored offsets stay (as in Kafka Connect).
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT or HTTPSRC_ERR_STATE
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_remove_connector(httpsrc_pipeline *p,
                                                  const char *name);
/** @brief Its state.
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @returns an httpsrc_state (RUNNING, PAUSED, STOPPED, FAILED,
 *           RESTARTING; httpsrc_state_name() names it), or
 *           HTTPSRC_ERR_NOENT
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_connector_state(httpsrc_pipeline *p,
                                                 const char *name);
/** @brief Why it FAILED, copied into the caller's @p buf of @p size
 *  bytes ("" if it did not fail; cut to fit, NUL-terminated), so it stays
 *  valid whatever the loop does next (a restart clears the connector's
 *  own). Same threads as the calls above.
 *  @param p the pipeline
 *  @param name the connector's name, borrowed for the call
 *  @param buf receives the message (the caller's)
 *  @param size bytes of @p buf
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT, or HTTPSRC_ERR_INVAL (no
 *  @p buf, or @p size 0). @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_connector_error(httpsrc_pipeline *p,
                                                 const char *name,
                                                 char *buf,
                                                 size_t size);
/** @} */

/** @brief Log formats of httpsrc_pipeline_set_log_format(). @since 0.1 */
typedef enum httpsrc_log_format {
        HTTPSRC_LOG_FORMAT_TEXT = 0, /**< "time LEVEL [connector] message" */
        /** One JSON object a line: time, level, connector (null for the
         *  host), message, fields (an object, e.g. {"file": ...}). */
        HTTPSRC_LOG_FORMAT_JSON = 1,
} httpsrc_log_format;

/** @brief Format of the lines written to stderr (without a log callback).
 *  Call before httpsrc_pipeline_run(), from its thread.
 *  @param p the pipeline
 *  @param format text (the default) or JSON lines
 *  @since 0.1 */
HTTPSRC_API void httpsrc_pipeline_set_log_format(httpsrc_pipeline *p,
                                                 httpsrc_log_format format);

/** @brief Ask a running pipeline to stop. Async-signal-safe; any thread.
 *  @param p the pipeline
 *  @since 0.1 */
HTTPSRC_API void httpsrc_pipeline_stop(httpsrc_pipeline *p);

/** @brief Last error of the pipeline ("" if none), e.g. why
 *  httpsrc_pipeline_run() failed. Owned by @p p; valid until the next
 *  httpsrc_pipeline_run() or httpsrc_pipeline_destroy(). Call from the
 *  pipeline's thread.
 *  @param p the pipeline
 *  @since 0.1 */
HTTPSRC_API const char *httpsrc_pipeline_last_error(const httpsrc_pipeline *p);

/** @brief Number of loaded components of @p kind.
 *  @param p the pipeline
 *  @param kind source, auth, paginator, transform or predicate
 *  @since 0.1 */
HTTPSRC_API size_t
httpsrc_pipeline_component_count(const httpsrc_pipeline *p,
                                 httpsrc_component_kind kind);

/**
 * @brief Describe the @p i th loaded component of @p kind. Every out
 * pointer may be NULL; the strings and the NULL-terminated @p params array
 * are owned by the plugin and valid while @p p lives.
 * @param p the pipeline
 * @param kind source, auth, paginator, transform or predicate
 * @param i 0 .. httpsrc_pipeline_component_count() - 1
 * @param name receives its name (the class name for transforms)
 * @param description receives its one-line description
 * @param params receives its declared keys
 * @returns HTTPSRC_OK or HTTPSRC_ERR_NOENT
 * @since 0.1
 */
HTTPSRC_API int
httpsrc_pipeline_component_info(const httpsrc_pipeline *p,
                                httpsrc_component_kind kind,
                                size_t i,
                                const char **name,
                                const char **description,
                                const httpsrc_param_desc **params);

/**
 * @brief The level of a log level name, as the host's --log-level and the
 * log.level key take it: error, warn, info, debug or trace (= debug), in
 * any case. Safe from any thread.
 * @param name the name; NULL gives -1
 * @returns an httpsrc_log_level value, or -1 if @p name is none of them
 * @since 0.2
 */
HTTPSRC_API int httpsrc_log_level_from_name(const char *name);

/** @brief Connector states, as Kafka Connect names them. @since 0.1 */
typedef enum httpsrc_state {
        HTTPSRC_STATE_UNASSIGNED = 0,
        HTTPSRC_STATE_RUNNING    = 1,
        HTTPSRC_STATE_PAUSED     = 2,
        HTTPSRC_STATE_STOPPED    = 3,
        HTTPSRC_STATE_FAILED     = 4,
        HTTPSRC_STATE_RESTARTING = 5,
} httpsrc_state;

/**
 * @brief Kafka Connect's name of connector state @p state ("RUNNING").
 * Safe from any thread, callbacks included.
 * @param state an httpsrc_state value, e.g. httpsrc_pipeline_connector_state()'s
 * @returns a static string, valid for the life of the process, or NULL if
 *          @p state is not an httpsrc_state (an error code, say)
 * @since 0.2
 */
HTTPSRC_API const char *httpsrc_state_name(httpsrc_state state);

/**
 * @brief Per-connector counters. The caller sets struct_size to
 * sizeof(httpsrc_metrics); the library fills at most that much.
 * @since 0.1
 */
typedef struct httpsrc_metrics {
        uint32_t struct_size;
        int32_t state;             /**< httpsrc_state */
        uint64_t requests_total;   /**< http-source-requests-total */
        uint64_t errors_total;     /**< http-source-errors-total */
        uint64_t records_polled;   /**< http-source-records-polled */
        uint64_t records_produced; /**< handed to Kafka / the callback */
        uint64_t records_acked;    /**< acknowledged by the broker */
        uint64_t retries;
        int64_t last_poll_ms; /**< epoch ms of the last poll start, 0 never */
        /* 0.2+: append below */
        /** pages in which http.response.records.path matched nothing
         *  (a non-empty body without the path: a wrong path). @since 0.2 */
        uint64_t pages_unmatched;
} httpsrc_metrics;

/** @brief Fill @p m for connector @p name. Call from the pipeline's
 *  thread (or while it does not run).
 *  @param p the pipeline
 *  @param name the connector's name
 *  @param m receives the counters; the caller sets m->struct_size
 *  @returns HTTPSRC_OK or HTTPSRC_ERR_NOENT
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_metrics(const httpsrc_pipeline *p,
                                         const char *name,
                                         httpsrc_metrics *m);

/** @brief Connector @p name's stored offset as Connect's JSON offset map
 *  ("null" if none). Call from the pipeline's thread (or while it does
 *  not run).
 *  @param p the pipeline
 *  @param name the connector's name
 *  @param buf receives the JSON, NUL-terminated (the caller's)
 *  @param size bytes of @p buf
 *  @returns HTTPSRC_OK, HTTPSRC_ERR_NOENT, or HTTPSRC_ERR_LIMIT if @p size
 *           is too small
 *  @since 0.1 */
HTTPSRC_API int httpsrc_pipeline_offset(const httpsrc_pipeline *p,
                                        const char *name,
                                        char *buf,
                                        size_t size);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* HTTPSRC_HTTPSRC_H */
