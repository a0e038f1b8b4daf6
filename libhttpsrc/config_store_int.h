/* config store module: connectors created or changed over the REST API,
 * kept across restarts of the host.
 *
 * The file is JSON, in insertion order:
 *   {"connectors":{"<name>":{"config":{"<key>":"<value>",...},
 *                            "target":"RUNNING|PAUSED|STOPPED"}},
 *    "topics":{"<name>":["<topic>",...]}}
 * ("topics": every connector's active topics, written at shutdown.)
 * Values are kept as written (${provider:...} placeholders unresolved).
 * Every change rewrites the file atomically: temp file in the same
 * directory (mode 0600: configs may hold passwords), fsync, rename, fsync
 * of the directory. A change whose write fails is undone in memory too.
 */
#ifndef HTTPSRC_CONFIG_STORE_INT_H
#define HTTPSRC_CONFIG_STORE_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"

typedef struct config_store config_store;

/** One stored connector (owned by the store). */
typedef struct config_entry {
        char *name;
        int target; /* HTTPSRC_STATE_RUNNING, _PAUSED or _STOPPED */
        size_t n;   /* config keys, in the order written */
        char **keys;
        char **values;
} config_entry;

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
 *  in @p conf and @p target, then write the file. HTTPSRC_OK,
 *  HTTPSRC_ERR_INVAL (bad target), or HTTPSRC_ERR_IO/NOMEM with
 *  "<path>: <reason>" (the store is then unchanged). */
int config_store_put(config_store *s,
                     const char *name,
                     const httpsrc_conf *conf,
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

#endif
