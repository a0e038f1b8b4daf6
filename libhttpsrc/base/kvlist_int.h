/* The ordered list of string pairs (base layer): a connector config as
 * REST received it, query parameters, a list of config problems
 * (conf_int.h). Keys are compared byte for byte; duplicates are kept by
 * kvl_add() and replaced by kvl_set(). */
#ifndef HTTPSRC_KVLIST_INT_H
#define HTTPSRC_KVLIST_INT_H

#include <stddef.h>
#include <sys/types.h>

typedef struct kv {
        char *key, *value; /* value may be NULL (a removal in a PATCH) */
} kv;

/** Zero-initialise ({0}); kvl_free() releases it. */
typedef struct kvlist {
        kv *v;
        size_t n;
} kvlist;

/** Free every pair and empty the list (NULL-safe pairs). */
void kvl_free(kvlist *l);
/** Append copies of @p key and @p value (NULL allowed), keeping a pair
 *  of the same key; 0, or -1 on ENOMEM (the list is then unchanged). */
int kvl_add(kvlist *l, const char *key, const char *value);
/** Append copies of every pair of @p src to @p dst; 0, or -1 on ENOMEM
 *  (@p dst is then unchanged). */
int kvl_append(kvlist *dst, const kvlist *src);
/** Index of the first pair of @p key, or -1. */
ssize_t kvl_index(const kvlist *l, const char *key);
/** Value of the first pair of @p key (NULL if absent or NULL). */
const char *kvl_get(const kvlist *l, const char *key);
/** Replace the first pair of @p key in place, or append; a NULL @p value
 *  removes it. 0, or -1 on ENOMEM (unchanged). */
int kvl_set(kvlist *l, const char *key, const char *value);

#endif
