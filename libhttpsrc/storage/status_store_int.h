/* status store module: the observed status of connectors and tasks
 * (Kafka Connect's StatusBackingStore): state, trace, worker_id and the
 * group generation of the worker that wrote it. One owner of that fact;
 * target states and configs live in the config store.
 *
 * The store is a cache in front of a small ops table (the backend): the
 * memory backend keeps nothing else; the Kafka backend
 * (status_store_kafka_int.h) writes status.storage.topic and feeds what
 * other workers write back through status_store_apply().
 *
 * Threads: not thread-safe. Every function, and the backend's ops, run on
 * the one thread that owns the store (the herder's).
 */
#ifndef HTTPSRC_STATUS_STORE_INT_H
#define HTTPSRC_STATUS_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

/** Connect's AbstractStatus.State, in its order. */
typedef enum status_state {
        STATUS_UNASSIGNED = 0,
        STATUS_RUNNING,
        STATUS_PAUSED,
        STATUS_FAILED,
        STATUS_DESTROYED, /* written as a tombstone */
        STATUS_RESTARTING,
        STATUS_STOPPED,
} status_state;

/** "RUNNING"... for @p st, NULL if it is none. */
const char *status_state_name(status_state st);
/** The state named @p name (Connect's spelling, exact) in *@p st;
 *  0, or -1 if @p name is none. */
int status_state_parse(const char *name, status_state *st);

/** The task number that stands for the connector itself. */
#define STATUS_CONNECTOR (-1)

/** One status. In a store's answers the strings are the store's, valid
 *  until its next change; given to a put they are copied. */
typedef struct status_rec {
        status_state state;
        const char *trace;     /* NULL: none */
        const char *worker_id; /* "host:port" of the writer */
        int32_t generation;    /* the writer's group generation */
        const char *version;   /* the plugin's version (Connect 4.1+); NULL */
} status_rec;

typedef struct status_store status_store;

/** A backend. Its ops run on the store's thread; @p be is its own. */
typedef struct status_store_ops {
        const char *name; /* "memory", "kafka" */
        /** Write the status of (@p connector, @p task) (task
         *  STATUS_CONNECTOR: the connector's); @p rec NULL: a tombstone.
         *  HTTPSRC_OK once stored, else an error with errstr. NULL: the
         *  memory backend (nothing to write). */
        int (*write)(void *be,
                     const char *connector,
                     int task,
                     const status_rec *rec,
                     char *errstr,
                     size_t errstr_size);
        /** Read what others wrote since (status_store_apply() for each
         *  record). NULL: nothing to read. */
        int (*refresh)(void *be,
                       status_store *s,
                       char *errstr,
                       size_t errstr_size);
        void (*destroy)(void *be); /* at status_store_destroy; NULL-safe */
        /** Wait until what write() sent is stored: HTTPSRC_OK, or an
         *  error with errstr. NULL: write() stores at once. */
        int (*flush)(void *be, char *errstr, size_t errstr_size);
} status_store_ops;

/** A store on backend @p ops (static, outlives the store), which owns
 *  @p be from now on (also when NULL is returned: out of memory). */
status_store *status_store_new(const status_store_ops *ops, void *be);
/** A memory-only store (standalone mode). NULL: out of memory. */
status_store *status_store_new_memory(void);
void status_store_destroy(status_store *s); /* NULL-safe */
/** The backend's name ("memory", "kafka"). */
const char *status_store_backend(const status_store *s);

/** Connect's put(): write @p rec (DESTROYED: a tombstone, the status is
 *  removed) and keep it. HTTPSRC_OK, or the backend's error (the cache is
 *  then unchanged). */
int status_store_put(status_store *s,
                     const char *connector,
                     int task,
                     const status_rec *rec,
                     char *errstr,
                     size_t errstr_size);

/** Batched (@p on non-zero): a put no longer waits for its write to be
 *  stored; status_store_flush() waits for all of them (Connect's
 *  KafkaStatusBackingStore sends without waiting too). For a worker that
 *  writes hundreds of statuses in one rebalance: one wait, not one per
 *  status. The cache has a batched put at once. */
void status_store_set_batched(status_store *s, int on);
/** Wait until every put so far is stored (no-op when there is nothing to
 *  wait for): HTTPSRC_OK, or the backend's error (what failed stays in
 *  the cache: the next status of that connector or task replaces it). */
int status_store_flush(status_store *s, char *errstr, size_t errstr_size);

/** Connect's putSafe(): as put, but only if there is no status yet, or it
 *  came from the same worker, or @p rec's generation is not older
 *  (CacheEntry.canWriteSafely: previous generation <= new). Returns
 *  HTTPSRC_OK when written, 1 when suppressed (nothing written), or the
 *  backend's error. */
int status_store_put_safe(status_store *s,
                          const char *connector,
                          int task,
                          const status_rec *rec,
                          char *errstr,
                          size_t errstr_size);

/** The status of (@p connector, @p task) in *@p out: HTTPSRC_OK or
 *  HTTPSRC_ERR_NOENT. */
int status_store_get(const status_store *s,
                     const char *connector,
                     int task,
                     status_rec *out);

/** Visit every status, connectors and tasks (in the order first seen);
 *  @p connector NULL: of every connector. The visitor must not change
 *  the store. */
typedef void (*status_visit_fn)(void *opaque,
                                const char *connector,
                                int task,
                                const status_rec *rec);
void status_store_foreach(const status_store *s,
                          const char *connector,
                          status_visit_fn fn,
                          void *opaque);

/** A status as read back from the backend's storage (@p rec NULL: a
 *  tombstone; a connector's tombstone removes its tasks' statuses too).
 *  Connect's read rule: an UNASSIGNED task status is ignored while the
 *  kept one is RUNNING at a generation >= it. HTTPSRC_OK or _NOMEM. */
int status_store_apply(status_store *s,
                       const char *connector,
                       int task,
                       const status_rec *rec);

/** Read what other workers wrote since (no-op for memory). */
int status_store_refresh(status_store *s, char *errstr, size_t errstr_size);

#endif
