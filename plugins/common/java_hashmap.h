/* java.util.HashMap iteration order (Java 17), for the transforms whose
 * Kafka Connect code builds a HashMap that JsonConverter then writes member
 * by member: to produce the same bytes, the members must come out in the
 * order that HashMap iterates them.
 *
 * Header-only (static inline) so that every built-in plugin stays one
 * self-contained shared object linking nothing but the host table.
 *
 * Iteration order is: buckets ascending, insertion order within a bucket.
 * A resize splits each bucket keeping the relative order of its entries and
 * new entries are appended to their bucket, so only the final capacity
 * needs simulating.
 *
 * Not emulated: a bucket of more than 8 entries in a table of 64 or more
 * becomes a red-black tree with its own order. That needs 9 keys whose
 * hashes agree in their low 6+ bits: such keys keep insertion order within
 * their bucket here. */
#ifndef HTTPSRC_PLUGINS_JAVA_HASHMAP_H
#define HTTPSRC_PLUGINS_JAVA_HASHMAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/plugin.h"

/** Capacity of `new HashMap<>()` at its first put. */
#define JHM_DEFAULT_CAPACITY 16

/* One code point from UTF-8 at *s (advancing it); U+FFFD for bad input,
 * as Java's decoder would substitute. */
static inline uint32_t jhm_utf8_next(const unsigned char **s)
{
        const unsigned char *p = *s;
        uint32_t cp;
        int extra;

        if (p[0] < 0x80) {
                *s = p + 1;
                return p[0];
        }
        if ((p[0] & 0xe0) == 0xc0) {
                cp    = p[0] & 0x1f;
                extra = 1;
        } else if ((p[0] & 0xf0) == 0xe0) {
                cp    = p[0] & 0x0f;
                extra = 2;
        } else if ((p[0] & 0xf8) == 0xf0) {
                cp    = p[0] & 0x07;
                extra = 3;
        } else {
                *s = p + 1;
                return 0xfffd;
        }
        for (int i = 1; i <= extra; i++) {
                if ((p[i] & 0xc0) != 0x80) {
                        *s = p + i;
                        return 0xfffd;
                }
                cp = cp << 6 | (p[i] & 0x3f);
        }
        *s = p + extra + 1;
        return cp > 0x10ffff ? 0xfffd : cp;
}

/** java.lang.String.hashCode(): s[0]*31^(n-1) + ... over UTF-16 units. */
static inline uint32_t jhm_string_hash(const char *str)
{
        const unsigned char *s = (const unsigned char *)str;
        uint32_t h             = 0;

        while (*s) {
                uint32_t cp = jhm_utf8_next(&s);
                if (cp >= 0x10000) {
                        cp -= 0x10000;
                        h = 31 * h + (0xd800 | cp >> 10);
                        h = 31 * h + (0xdc00 | (cp & 0x3ff));
                } else {
                        h = 31 * h + cp;
                }
        }
        return h;
}

/** HashMap.tableSizeFor(): the smallest power of two >= n, at least 1;
 *  the capacity of `new HashMap<>(n)`. */
static inline size_t jhm_table_size_for(size_t n)
{
        size_t cap = 1;
        while (cap < n)
                cap <<= 1;
        return cap;
}

/** Capacity of `new HashMap<>(m)` for a map @p m of @p size entries
 *  (Java 17 putMapEntries: tableSizeFor((int)(size / 0.75f + 1.0f))). */
static inline size_t jhm_copy_capacity(size_t size)
{
        if (size == 0)
                return JHM_DEFAULT_CAPACITY;
        float ft = (float)size / 0.75f + 1.0f;
        return jhm_table_size_for((size_t)ft);
}

/** Capacity of `new HashSet<>(c)` for a collection of @p size elements:
 *  new HashMap<>(Math.max((int)(size / .75f) + 1, 16)). */
static inline size_t jhm_set_copy_capacity(size_t size)
{
        size_t n = (size_t)((float)size / .75f) + 1;
        return jhm_table_size_for(n < 16 ? 16 : n);
}

/* (int)(cap * 0.75f), which is exact for the powers of two used here. */
static inline size_t jhm_threshold_of(size_t cap)
{
        return cap * 3 / 4;
}

static inline size_t
jhm_bucket_count(const uint32_t *hash, size_t n, uint32_t h, size_t cap)
{
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
                if ((hash[i] & (cap - 1)) == (h & (cap - 1)))
                        count++;
        return count;
}

/* The capacity after putting the @p n distinct keys with spread hashes
 * @p hash in order into a map whose first table has @p cap entries. */
static inline size_t jhm_capacity(const uint32_t *hash, size_t n, size_t cap)
{
        size_t thr = jhm_threshold_of(cap);

        for (size_t size = 0; size < n; size++) {
                /* putVal: a bin reaching 9 entries calls treeifyBin, which
                 * resizes instead while the table is smaller than 64. */
                if (cap < 64 &&
                    jhm_bucket_count(hash, size, hash[size], cap) >= 8) {
                        cap <<= 1;
                        thr = jhm_threshold_of(cap);
                }
                if (size + 1 > thr) {
                        cap <<= 1;
                        thr = jhm_threshold_of(cap);
                }
        }
        return cap;
}

typedef struct jhm_slot {
        uint32_t bucket;
        size_t seq; /* insertion rank: order within a bucket */
        size_t idx; /* into the caller's keys */
} jhm_slot;

static inline int jhm_slot_cmp(const void *a, const void *b)
{
        const jhm_slot *x = a, *y = b;
        if (x->bucket != y->bucket)
                return x->bucket < y->bucket ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * The iteration order of a HashMap whose first table has @p cap0 entries
 * (JHM_DEFAULT_CAPACITY, jhm_table_size_for(n) or jhm_copy_capacity(n))
 * after put(keys[0]), ..., put(keys[n - 1]). A key put again keeps its
 * first slot. Writes the indices of the distinct keys to @p order, in
 * iteration order, and returns how many; SIZE_MAX when out of memory.
 */
static inline size_t jhm_order(const struct httpsrc_host_api *host,
                               const char *const *keys,
                               size_t n,
                               size_t cap0,
                               size_t *order)
{
        uint32_t *hash = host->alloc((n ? n : 1) * sizeof(*hash));
        jhm_slot *slot = host->alloc((n ? n : 1) * sizeof(*slot));
        size_t d       = 0;

        if (!hash || !slot) {
                host->free(hash);
                host->free(slot);
                return SIZE_MAX;
        }
        for (size_t i = 0; i < n; i++) {
                size_t j;
                for (j = 0; j < d; j++)
                        if (!strcmp(keys[slot[j].idx], keys[i]))
                                break;
                if (j < d)
                        continue;
                uint32_t h  = jhm_string_hash(keys[i]);
                hash[d]     = h ^ (h >> 16); /* HashMap.hash() */
                slot[d].seq = d;
                slot[d].idx = i;
                d++;
        }
        size_t cap = jhm_capacity(hash, d, cap0);
        for (size_t i = 0; i < d; i++)
                slot[i].bucket = hash[i] & (uint32_t)(cap - 1);
        qsort(slot, d, sizeof(*slot), jhm_slot_cmp);
        for (size_t i = 0; i < d; i++)
                order[i] = slot[i].idx;
        host->free(hash);
        host->free(slot);
        return d;
}

/* ------------------------------------------------------------------ */
/* A map under construction: Java put() semantics over JSON values, then
 * written out as a JSON object in HashMap order. */

typedef struct jhm_map {
        const struct httpsrc_host_api *host;
        size_t cap0; /* first table size, see jhm_order */
        size_t n, size;
        const char **keys;   /* borrowed; must outlive the map */
        httpsrc_json **vals; /* owned */
} jhm_map;

static inline void
jhm_map_init(jhm_map *m, const struct httpsrc_host_api *host, size_t cap0)
{
        memset(m, 0, sizeof(*m));
        m->host = host;
        m->cap0 = cap0;
}

static inline void jhm_map_free(jhm_map *m)
{
        for (size_t i = 0; i < m->n; i++)
                m->host->json_destroy(m->vals[i]);
        m->host->free(m->keys);
        m->host->free(m->vals);
        memset(m, 0, sizeof(*m));
}

/** Index of @p key in @p m, or SIZE_MAX. */
static inline size_t jhm_map_find(const jhm_map *m, const char *key)
{
        for (size_t i = 0; i < m->n; i++)
                if (!strcmp(m->keys[i], key))
                        return i;
        return SIZE_MAX;
}

/** map.put(key, val): takes @p val over (also on failure); @p key is
 *  borrowed. A NULL @p val is an allocation that failed. */
static inline int jhm_map_put(jhm_map *m, const char *key, httpsrc_json *val)
{
        const struct httpsrc_host_api *host = m->host;

        if (!val)
                return HTTPSRC_ERR_NOMEM;
        size_t i = jhm_map_find(m, key);
        if (i != SIZE_MAX) {
                host->json_destroy(m->vals[i]);
                m->vals[i] = val;
                return HTTPSRC_OK;
        }
        if (m->n == m->size) {
                size_t ns       = m->size ? m->size * 2 : 16;
                const char **nk = host->realloc(m->keys, ns * sizeof(*nk));
                if (nk)
                        m->keys = nk;
                httpsrc_json **nv =
                    nk ? host->realloc(m->vals, ns * sizeof(*nv)) : NULL;
                if (!nv) {
                        host->json_destroy(val);
                        return HTTPSRC_ERR_NOMEM;
                }
                m->vals = nv;
                m->size = ns;
        }
        m->keys[m->n] = key;
        m->vals[m->n] = val;
        m->n++;
        return HTTPSRC_OK;
}

/** new HashMap<>(obj) as Jackson reads an object (document order, the
 *  last of duplicate keys winning in the first one's place): the map's
 *  first table is sized as the copy constructor sizes it. Keys are
 *  borrowed from @p obj. */
static inline int jhm_map_copy_object(jhm_map *m, const httpsrc_json *obj)
{
        const struct httpsrc_host_api *host = m->host;
        size_t n                            = host->json_len(obj);

        for (size_t i = 0; i < n; i++) {
                int rc = jhm_map_put(m, host->json_key_at(obj, i),
                                     host->json_clone(host->json_at(obj, i)));
                if (rc < 0)
                        return rc;
        }
        m->cap0 = jhm_copy_capacity(m->n);
        return HTTPSRC_OK;
}

/** The map as a JSON object in HashMap iteration order; NULL when out of
 *  memory. The values move into the object: only jhm_map_free is left to
 *  call on @p m. */
static inline httpsrc_json *jhm_map_to_object(jhm_map *m)
{
        const struct httpsrc_host_api *host = m->host;
        size_t *order     = host->alloc((m->n ? m->n : 1) * sizeof(*order));
        httpsrc_json *obj = order ? host->json_new_object() : NULL;

        if (!obj) {
                host->free(order);
                return NULL;
        }
        size_t d = jhm_order(host, m->keys, m->n, m->cap0, order);
        for (size_t i = 0; d != SIZE_MAX && i < d; i++) {
                httpsrc_json *v   = m->vals[order[i]];
                m->vals[order[i]] = NULL;
                if (host->json_object_put(obj, m->keys[order[i]], v) < 0)
                        d = SIZE_MAX;
        }
        host->free(order);
        if (d == SIZE_MAX) {
                host->json_destroy(obj);
                return NULL;
        }
        return obj;
}

#endif /* HTTPSRC_PLUGINS_JAVA_HASHMAP_H */
