/* offsets module: the standalone offset store.
 *
 * Logical format as Kafka Connect's (connect-rest.md §5.1): key bytes
 * ["<connector>",<partition map>] and value bytes <offset map>, compact JSON;
 * a NULL value is a tombstone. On disk the file is what Connect's
 * FileOffsetBackingStore writes: a Java-serialized HashMap<byte[],byte[]>,
 * so offsets move between Connect and httpsrc-connect. Written atomically:
 * temp file in the same directory, fsync, rename, fsync of the directory.
 */
#ifndef HTTPSRC_OFFSETS_INT_H
#define HTTPSRC_OFFSETS_INT_H

#include <stddef.h>

typedef struct offset_store offset_store;

/** Open the store at @p path (NULL: memory only). A missing file is an
 *  empty store (it is created by the first flush); an empty (0-byte) or
 *  corrupt one is an error naming the file and why. Temp files a killed
 *  process left ("<path>.tmp.<pid>") are removed first. */
offset_store *
offset_store_open(const char *path, char *errstr, size_t errstr_size);
void offset_store_destroy(offset_store *s); /* NULL-safe, does not flush */

/** Offset map (compact JSON) of @p partition_json for @p connector in
 *  *@p offset_json; NULL if none or tombstoned. Owned by the store, valid
 *  until the next put. HTTPSRC_ERR_NOMEM is not "none": a caller that
 *  took it so would start over from the beginning. */
int offset_store_get(const offset_store *s,
                     const char *connector,
                     const char *partition_json,
                     const char **offset_json);

/** Set (copy) or tombstone (@p offset_json NULL) an offset. */
int offset_store_put(offset_store *s,
                     const char *connector,
                     const char *partition_json,
                     const char *offset_json);

/** Visit every live (non-tombstone) entry of @p connector. */
typedef void (*offset_visit_fn)(void *opaque,
                                const char *partition_json,
                                const char *offset_json);
void offset_store_foreach(const offset_store *s,
                          const char *connector,
                          offset_visit_fn fn,
                          void *opaque);
/* (The visitor must not put into the store while it runs.) */

/** Write the file if anything changed since the last flush. Returns
 *  HTTPSRC_OK or HTTPSRC_ERR_IO with "<path>: <reason>". */
int offset_store_flush(offset_store *s, char *errstr, size_t errstr_size);

/** Parse a file image (@p len bytes of @p buf; 0 is an empty store) into a
 *  memory-only store. @p name stands for the file in errors:
 *  "<name>: not a Kafka Connect offsets file: <reason> at byte N".
 *  For the fuzzer and tests; offset_store_open() uses it. */
offset_store *offset_store_load_buffer(const char *name,
                                       const void *buf,
                                       size_t len,
                                       char *errstr,
                                       size_t errstr_size);

struct strbuf;
/** Append the file image (what flush writes) to @p out. Returns HTTPSRC_OK,
 *  HTTPSRC_ERR_NOMEM, or HTTPSRC_ERR_LIMIT (a count or length over 2^31-1,
 *  which Java cannot represent). */
int offset_store_serialize(const offset_store *s, struct strbuf *out);

/* ---- Another backend than the file: the Kafka topic (offsets_kafka.c).
 * The store stays the map; the backend writes its changes. Loop thread. */

typedef struct offset_backend {
        /** Write every entry changed since the last flush
         *  (offset_store_foreach_changed) and wait until it is stored.
         *  HTTPSRC_OK marks the store clean; an error keeps the changes
         *  for the next flush, with errstr naming where and why. */
        int (*flush)(void *opaque,
                     offset_store *s,
                     char *errstr,
                     size_t errstr_size);
        void (*destroy)(void *opaque); /* at offset_store_destroy */
        /** Read the storage to its end again (what others wrote since);
         *  @p past_txns: see offset_store_refresh(). */
        int (*refresh)(void *opaque,
                       offset_store *s,
                       int past_txns,
                       char *errstr,
                       size_t errstr_size);
} offset_backend;

/** 1 if the store has a backend other than the file (the Kafka topic). */
int offset_store_has_backend(const offset_store *s);
/** Read the backend's storage to its end again (no-op for the file).
 *  @p past_txns: under exactly-once, to the end past the transactions open
 *  now, waiting until they end (kafka_log_read_to_end()): what a task
 *  moved from another worker needs, since another producer's open
 *  transaction hides every offset committed after its start; 0: to the
 *  last stable offset, which never waits. */
int offset_store_refresh(offset_store *s,
                         int past_txns,
                         char *errstr,
                         size_t errstr_size);

/** Attach @p b (static, outlives the store); the store owns @p opaque. */
void offset_store_set_backend(offset_store *s,
                              const offset_backend *b,
                              void *opaque);

/** Raw key/value bytes of an entry (@p val NULL: tombstone). */
typedef int (*offset_raw_fn)(void *opaque,
                             const char *key,
                             size_t key_len,
                             const char *val,
                             size_t val_len);
/** Visit every entry changed since the last flush, tombstones included;
 *  stops at (and returns) the first non-zero return of @p fn. */
int offset_store_foreach_changed(const offset_store *s,
                                 offset_raw_fn fn,
                                 void *opaque);
/** An entry changed, with the connector its key names. */
typedef int (*offset_conn_fn)(void *opaque,
                              const char *connector,
                              const char *key,
                              size_t key_len,
                              const char *val,
                              size_t val_len);
/** offset_store_foreach_changed() over the entries whose key is
 *  Connect's ["<connector>",{...}], with that connector; only those of
 *  @p connector unless it is NULL. */
int offset_store_foreach_changed_conn(const offset_store *s,
                                      const char *connector,
                                      offset_conn_fn fn,
                                      void *opaque);
/** Set key bytes to value bytes (@p val NULL: tombstone) as read back
 *  from storage: last wins, and it is not a change to write. */
int offset_store_load_raw(offset_store *s,
                          const char *key,
                          size_t key_len,
                          const char *val,
                          size_t val_len);

/** The key bytes of an entry, appended to @p out (the exactly-once
 *  producer writes the offset record itself, in its transaction). */
int offset_store_key(struct strbuf *out,
                     const char *connector,
                     const char *partition_json);

#endif
