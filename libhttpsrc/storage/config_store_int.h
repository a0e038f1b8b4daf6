/* config store module: one owner of what a connector should be: its
 * config, its target state, its task configs (Kafka Connect's
 * ConfigBackingStore). The store is the snapshot in memory in front of a
 * small ops table (the backend):
 *  - memory: nothing else (config_store_open(NULL));
 *  - file (config_store_open(path)), the standalone host's;
 *  - Kafka config.storage.topic (config_store_kafka_int.h), whose writes
 *    come back through the config_store_apply_*() functions, with the
 *    snapshot rules of Connect's KafkaConfigBackingStore.
 *
 * The file is JSON, in insertion order:
 *   {"connectors":{"<name>":{"config":{"<key>":"<value>",...},
 *                            "target":"RUNNING|PAUSED|STOPPED"}},
 *    "topics":{"<name>":["<topic>",...]}}
 * ("topics": every connector's active topics, written at shutdown; task
 * configs are not kept in the file.)
 * Values are kept as written (${provider:...} placeholders unresolved).
 * Every change rewrites the file atomically: temp file in the same
 * directory (mode 0600: configs may hold passwords), fsync, rename, fsync
 * of the directory. A change whose write fails is undone in memory too.
 *
 * Threads: not thread-safe; the store, its backend and its listener run
 * on the one thread that owns it (the herder's).
 */
#ifndef HTTPSRC_CONFIG_STORE_INT_H
#define HTTPSRC_CONFIG_STORE_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"

typedef struct config_store config_store;

/* A config (a connector's, a task's) is a kvlist: its keys and values in
 * the order written, no NULL value. */

/** One stored connector (owned by the store). */
typedef struct config_entry {
        char *name;
        int target;    /* HTTPSRC_STATE_RUNNING, _PAUSED or _STOPPED */
        kvlist config; /* its keys, in the order written */
        /* Task configs, applied on a commit record (Kafka backend) or
         * config_store_put_tasks(): */
        size_t n_tasks; /* the committed task count */
        kvlist *tasks;  /* n_tasks configs; NULL when inconsistent */
        int inconsistent;    /* the last commit lacked some of 0..N-1 */
        int task_generation; /* +1 per applied commit; -1: none yet */
        int pending_fencing; /* commit seen after the last fencing record */
        int fenced_count;    /* the tasks-fencing-<name> count; -1: none */
} config_entry;

/** Keep the target a connector has (a new one: RUNNING); write none. */
#define CONFIG_TARGET_KEEP (-1)

/** Open the store at @p path (NULL: memory only). A missing or empty file
 *  is an empty store; anything else that is not the format above is an
 *  error: "<path>: not a connector config file: <reason>". */
config_store *
config_store_open(const char *path, char *errstr, size_t errstr_size);
void config_store_destroy(config_store *s); /* NULL-safe */

/** The file, or NULL for a memory-only store. */
const char *config_store_path(const config_store *s);

size_t config_store_count(const config_store *s);
const config_entry *config_store_at(const config_store *s, size_t i);
/** The entry of connector @p name, or NULL. */
const config_entry *config_store_get(const config_store *s, const char *name);

/** Store (add, or replace in place) connector @p name with every key set
 *  in @p conf and @p target (CONFIG_TARGET_KEEP: unchanged), then write
 *  the file. HTTPSRC_OK, HTTPSRC_ERR_INVAL (bad target), or
 *  HTTPSRC_ERR_IO/NOMEM/KAFKA with "<path or topic>: <reason>" (the store
 *  is then unchanged). On Kafka, the target state record is written
 *  first, then the config (putConnectorConfig). */
int config_store_put(config_store *s,
                     const char *name,
                     const httpsrc_conf *conf,
                     int target,
                     char *errstr,
                     size_t errstr_size);

/** config_store_put() of raw keys and values (copied), as a Java
 *  worker's REST or config topic has them (no httpsrc key checks). */
int config_store_put_props(config_store *s,
                           const char *name,
                           const kvlist *props,
                           int target,
                           char *errstr,
                           size_t errstr_size);

/** Remove connector @p name and write the file. HTTPSRC_OK (also when it
 *  was not stored: nothing is written then) or HTTPSRC_ERR_IO/NOMEM. */
int config_store_remove(config_store *s,
                        const char *name,
                        char *errstr,
                        size_t errstr_size);

/** The active topics kept for connector @p name (KIP-558): how many, and
 *  *@p topics (the store's; valid until the next change). */
size_t config_store_topics(const config_store *s,
                           const char *name,
                           char *const **topics);
/** Keep (copy) @p n topics for @p name, in memory: config_store_save()
 *  writes them. HTTPSRC_OK or HTTPSRC_ERR_NOMEM (unchanged). */
int config_store_set_topics(config_store *s,
                            const char *name,
                            char *const *topics,
                            size_t n);
/** Forget every connector's topics (in memory). */
void config_store_clear_topics(config_store *s);
/** Write the file now. HTTPSRC_OK or HTTPSRC_ERR_IO/NOMEM, "<path>: ...". */
int config_store_save(config_store *s, char *errstr, size_t errstr_size);

/** "RUNNING", "PAUSED", "STOPPED" for those states, else NULL. */
const char *config_store_target_name(int target);

/** The backend's name: "memory", "file" or "kafka". */
const char *config_store_backend(const config_store *s);

/** Write only the target state of @p name (pause/resume/stop: any worker
 *  may). HTTPSRC_ERR_NOENT if @p name has no config. */
int config_store_put_target(config_store *s,
                            const char *name,
                            int target,
                            char *errstr,
                            size_t errstr_size);

/** Write @p n task configs of @p name and commit them (Kafka: the task
 *  records, then commit-<name> {"tasks":n}). HTTPSRC_ERR_NOENT if @p name
 *  has no config. File and memory keep them in memory only. */
int config_store_put_tasks(config_store *s,
                           const char *name,
                           size_t n,
                           const kvlist *tasks,
                           char *errstr,
                           size_t errstr_size);

/** The task configs to run for @p name: how many (0 when the connector is
 *  unknown or inconsistent: Connect runs nothing then), and *@p tasks. */
size_t config_store_tasks(const config_store *s,
                          const char *name,
                          const kvlist **tasks);

/** The offset of the next record to read from the backend's log (what a
 *  worker sends as its config offset in the group metadata); -1 for the
 *  file and memory backends, and before the first record. */
int64_t config_store_offset(const config_store *s);

/** What a config change is (Connect's ConfigBackingStore.UpdateListener). */
typedef enum config_event_kind {
        CONFIG_EVENT_CONNECTOR_UPDATED = 1,
        CONFIG_EVENT_CONNECTOR_REMOVED,
        CONFIG_EVENT_TARGET_CHANGED,
        CONFIG_EVENT_TASKS_COMMITTED, /* a commit record (also inconsistent) */
        CONFIG_EVENT_RESTART_REQUEST,
        CONFIG_EVENT_TASKS_FENCED, /* a tasks-fencing-<name> record */
} config_event_kind;

typedef struct config_event {
        config_event_kind kind;
        const char *connector;
        int64_t offset;    /* config_store_offset() after the record */
        int include_tasks; /* RESTART_REQUEST: includeTasks */
        int only_failed;   /* RESTART_REQUEST: onlyFailed */
} config_event;

/** Called for every change read from the backend's storage after the
 *  store started (its first read to the end), as Connect's listener: not
 *  for changes made by config_store_put*() on a file or memory store.
 *  Runs on the store's thread, inside config_store_refresh() or a write;
 *  @p ev and its strings are valid during the call only; the listener
 *  must not change the store. */
typedef void (*config_listener_fn)(void *opaque, const config_event *ev);
void config_store_set_listener(config_store *s,
                               config_listener_fn fn,
                               void *opaque);

/** Read what other workers wrote since (no-op for file and memory). */
int config_store_refresh(config_store *s, char *errstr, size_t errstr_size);

/* ---- For backends (config_store_kafka.c) and their tests. ---- */

/** A backend. Ops run on the store's thread; @p be is the backend's own.
 *  An op NULL has nothing to write. A backend with reads_back set stores
 *  a change by writing it and reading its storage back (the apply
 *  functions below then change the store); the others have the front
 *  change the store first and undo it if the op fails. */
typedef struct config_store_ops {
        const char *name;
        int reads_back;
        int (*put_connector)(void *be,
                             config_store *s,
                             const char *name,
                             const kvlist *props,
                             int target, /* CONFIG_TARGET_KEEP: none */
                             char *errstr,
                             size_t errstr_size);
        int (*remove_connector)(void *be,
                                config_store *s,
                                const char *name,
                                char *errstr,
                                size_t errstr_size);
        int (*put_target)(void *be,
                          config_store *s,
                          const char *name,
                          int target,
                          char *errstr,
                          size_t errstr_size);
        int (*put_tasks)(void *be,
                         config_store *s,
                         const char *name,
                         size_t n,
                         const kvlist *tasks,
                         char *errstr,
                         size_t errstr_size);
        /* Everything (the file image, with the topics). */
        int (*save)(void *be, config_store *s, char *errstr,
                    size_t errstr_size);
        int (*refresh)(void *be, config_store *s, char *errstr,
                       size_t errstr_size);
        void (*destroy)(void *be); /* NULL-safe */
} config_store_ops;

/** An empty store on backend @p ops (static), which owns @p be from now
 *  on (also when NULL is returned: out of memory). */
config_store *config_store_new(const config_store_ops *ops, void *be);

/** The @p be a store was made with, if it runs on @p ops; else NULL. */
void *config_store_backend_data(const config_store *s,
                                const config_store_ops *ops);

/* The record kinds of Connect's config topic, as read (§1.2, §1.3).
 * Each returns HTTPSRC_OK or HTTPSRC_ERR_NOMEM; the listener is called
 * once the store started. */
/** connector-<name>: @p props, or NULL (tombstone: delete). */
int config_store_apply_connector(config_store *s,
                                 const char *name,
                                 const kvlist *props);
/** target-state-<name>: @p target, or -1 (tombstone). */
int config_store_apply_target(config_store *s, const char *name, int target);
/** task-<name>-<task>: deferred until the commit record. */
int config_store_apply_task(config_store *s,
                            const char *name,
                            int task,
                            const kvlist *props);
/** commit-<name> {"tasks":n}: applies the deferred task configs if they
 *  hold all of 0..n-1, else marks the connector inconsistent. */
int config_store_apply_commit(config_store *s, const char *name, int n);
/** tasks-fencing-<name> {"task-count":n}. */
void config_store_apply_fenced(config_store *s, const char *name, int n);
/** restart-connector-<name>: only the listener hears it. */
void config_store_apply_restart(config_store *s,
                                const char *name,
                                int include_tasks,
                                int only_failed);
/** The log offset after the record about to be applied (record offset +
 *  1): call it before the apply, whose event carries it. */
void config_store_set_offset(config_store *s, int64_t offset);
/** The first read to the end is done: the listener hears what follows. */
void config_store_set_started(config_store *s);

#endif
