/* The standalone offset store: Kafka Connect's FileOffsetBackingStore
 * format (a Java-serialized HashMap<byte[],byte[]>), read and written
 * without a JVM. See connect-rest.md §5.2 for the byte layout; it was
 * confirmed against tests/unit/data/connect.offsets, written by a JVM. */
#include "offsets_int.h"

#include "fileio_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpsrc/common.h"
#include "json_int.h"
#include "util_int.h"

/* Java Object Serialization Stream Protocol constants. */
#define JS_MAGIC        0xACEDu
#define JS_VERSION      5u
#define TC_NULL         0x70
#define TC_REFERENCE    0x71
#define TC_CLASSDESC    0x72
#define TC_OBJECT       0x73
#define TC_ARRAY        0x75
#define TC_BLOCKDATA    0x77
#define TC_ENDBLOCKDATA 0x78
#define JS_BASE_HANDLE  0x7E0000u
#define SC_WRITE_METHOD 0x01
#define SC_SERIALIZABLE 0x02
#define HASHMAP_CLASS   "java.util.HashMap"
#define HASHMAP_SUID    UINT64_C(362498820763181265)
#define BYTES_CLASS     "[B"
#define BYTES_SUID      UINT64_C(0xACF317F8060854E0)
#define FLOAT_0_75_BITS 0x3F400000u
#define HASHMAP_MIN_CAP 16

struct offset_entry {
        char *key; /* key bytes, NUL-terminated (may hold NULs) */
        size_t key_len;
        char *val; /* offset map bytes, NUL-terminated; NULL: tombstone */
        size_t val_len;
        /* Decoded ["<conn>",<part>] of the key; conn is NULL when the key
         * has another shape (kept, but invisible to foreach). */
        char *conn;
        size_t conn_len;
        char *part;
        size_t seq;  /* position in the file, for last-wins on load */
        int changed; /* since the last flush, for a backend */
};

struct offset_store {
        char *path;                /* NULL: memory only */
        struct offset_entry *ents; /* sorted by key bytes */
        size_t cnt;
        size_t cap;
        int dirty;
        const offset_backend *backend; /* NULL: the file (or memory) */
        void *backend_opaque;
};

/* ------------------------------------------------------------------ */
/* Entries                                                             */
/* ------------------------------------------------------------------ */

static void entry_free(struct offset_entry *e)
{
        free(e->key);
        free(e->val);
        free(e->conn);
        free(e->part);
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
        int r = memcmp(a, b, alen < blen ? alen : blen);
        if (r)
                return r;
        return (alen > blen) - (alen < blen);
}

/* Index of the entry with this key, or where it would be inserted. */
static size_t
find_key(const offset_store *s, const char *key, size_t key_len, int *found)
{
        size_t lo = 0, hi = s->cnt;
        *found = 0;
        while (lo < hi) {
                size_t mid                   = lo + (hi - lo) / 2;
                const struct offset_entry *e = &s->ents[mid];
                int r = key_cmp(e->key, e->key_len, key, key_len);
                if (!r) {
                        *found = 1;
                        return mid;
                }
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static int ents_grow(offset_store *s)
{
        if (s->cnt < s->cap)
                return 0;
        size_t cap             = s->cap ? s->cap * 2 : 16;
        struct offset_entry *n = realloc(s->ents, cap * sizeof(*n));
        if (!n)
                return -1;
        s->ents = n;
        s->cap  = cap;
        return 0;
}

/* ------------------------------------------------------------------ */
/* Keys: ["<connector>",<partition>] as JsonConverter (Jackson) writes  */
/* ------------------------------------------------------------------ */

/* Jackson's escaping (json_write_string), so keys match Connect's byte
 * for byte. */
static int build_key(strbuf *sb, const char *connector, const char *partition)
{
        if (sb_putc(sb, '[') ||
            json_write_string(sb, connector, strlen(connector)) ||
            sb_putc(sb, ',') || sb_puts(sb, partition) || sb_putc(sb, ']'))
                return -1;
        return 0;
}

/* Offset of the first byte at or after @p i that is not JSON whitespace. */
static size_t skip_space(const char *t, size_t i, size_t len)
{
        while (i < len && json_is_space((unsigned char)t[i]))
                i++;
        return i;
}

/* Fill e->conn/e->part from e->key if it is ["<string>",{...}], the only
 * shape Connect's OffsetUtils accepts. Returns -1 only on ENOMEM. */
static int entry_parse_key(struct offset_entry *e)
{
        const char *name, *part;
        size_t name_len, part_len, at;
        char why[8];
        if (json_element_span(e->key, e->key_len, 0, &name, &name_len) != 1 ||
            json_element_span(e->key, e->key_len, 1, &part, &part_len) != 1 ||
            *name != '"' || *part != '{')
                return 0;
        /* nothing after the partition but "]" (and spaces) */
        size_t i = skip_space(e->key, (size_t)(part - e->key) + part_len,
                              e->key_len);
        if (i >= e->key_len || e->key[i] != ']' ||
            skip_space(e->key, i + 1, e->key_len) != e->key_len)
                return 0;
        /* a name json_parse() would alter (an unpaired surrogate) is not
         * a connector's; \u0000 is kept (conn_len counts it) */
        char err[64];
        httpsrc_json *v = json_parse(name, name_len, err, sizeof(err));
        if (!v) /* the spans were checked: only memory can fail here */
                return strcmp(err, "out of memory") ? 0 : -1;
        if (json_check_text(name, name_len, 1, &at, why, sizeof(why))) {
                json_destroy(v);
                return 0;
        }
        size_t conn_len = json_string_len(v);
        char *conn      = malloc(conn_len + 1);
        e->part         = conn ? xstrndup(part, part_len) : NULL;
        if (!e->part) {
                free(conn);
                json_destroy(v);
                return -1;
        }
        memcpy(conn, json_string(v), conn_len);
        conn[conn_len] = '\0';
        json_destroy(v);
        e->conn     = conn;
        e->conn_len = conn_len;
        return 0;
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

enum handle_kind { H_MAP_DESC, H_MAP, H_BYTES_DESC, H_BYTES };

struct jhandle {
        enum handle_kind kind;
        size_t off; /* H_BYTES: the array's data */
        size_t len;
};

struct jreader {
        const unsigned char *p;
        size_t len;
        size_t pos;
        struct jhandle *h;
        size_t nh;
        size_t hcap;
        const char *name;
        char *errstr;
        size_t errstr_size;
};

static int jr_fail(struct jreader *jr, size_t at, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);

static int jr_fail(struct jreader *jr, size_t at, const char *fmt, ...)
{
        char reason[128];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof(reason), fmt, ap);
        va_end(ap);
        errstr_set(jr->errstr, jr->errstr_size,
                   "%s: not a Kafka Connect offsets file: %s at byte %zu",
                   jr->name, reason, at);
        return -1;
}

static int jr_oom(struct jreader *jr)
{
        errstr_set(jr->errstr, jr->errstr_size, "%s: out of memory", jr->name);
        return -1;
}

static int jr_need(struct jreader *jr, size_t n)
{
        if (jr->len - jr->pos < n)
                return jr_fail(jr, jr->pos, "unexpected end of file");
        return 0;
}

static int jr_u8(struct jreader *jr, unsigned *v)
{
        if (jr_need(jr, 1))
                return -1;
        *v = jr->p[jr->pos++];
        return 0;
}

static int jr_u16(struct jreader *jr, unsigned *v)
{
        if (jr_need(jr, 2))
                return -1;
        *v = (unsigned)jr->p[jr->pos] << 8 | jr->p[jr->pos + 1];
        jr->pos += 2;
        return 0;
}

static int jr_u32(struct jreader *jr, uint32_t *v)
{
        if (jr_need(jr, 4))
                return -1;
        const unsigned char *b = jr->p + jr->pos;
        *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
             b[3];
        jr->pos += 4;
        return 0;
}

static int jr_u64(struct jreader *jr, uint64_t *v)
{
        uint32_t hi, lo;
        if (jr_u32(jr, &hi) || jr_u32(jr, &lo))
                return -1;
        *v = (uint64_t)hi << 32 | lo;
        return 0;
}

/* Read one expected type code; other codes fail with @p what. */
static int jr_expect(struct jreader *jr, unsigned tc, const char *what)
{
        size_t at = jr->pos;
        unsigned c;
        if (jr_u8(jr, &c))
                return -1;
        if (c != tc)
                return jr_fail(jr, at, "%s", what);
        return 0;
}

/* A modified-UTF-8 string (u16 length) that must equal @p want. */
static int jr_utf_is(struct jreader *jr, const char *want, int *eq)
{
        unsigned n;
        if (jr_u16(jr, &n) || jr_need(jr, n))
                return -1;
        *eq = n == strlen(want) && !memcmp(jr->p + jr->pos, want, n);
        jr->pos += n;
        return 0;
}

static int
jr_new_handle(struct jreader *jr, enum handle_kind kind, size_t off, size_t len)
{
        if (jr->nh == jr->hcap) {
                size_t cap        = jr->hcap ? jr->hcap * 2 : 16;
                struct jhandle *n = realloc(jr->h, cap * sizeof(*n));
                if (!n)
                        return jr_oom(jr);
                jr->h    = n;
                jr->hcap = cap;
        }
        jr->h[jr->nh++] = (struct jhandle){kind, off, len};
        return 0;
}

/* TC_REFERENCE's handle (the code already read), which must be @p kind. */
static const struct jhandle *
jr_reference(struct jreader *jr, size_t at, enum handle_kind kind)
{
        uint32_t h;
        if (jr_u32(jr, &h))
                return NULL;
        if (h < JS_BASE_HANDLE || h - JS_BASE_HANDLE >= jr->nh ||
            jr->h[h - JS_BASE_HANDLE].kind != kind) {
                jr_fail(jr, at, "bad back-reference 0x%08x", (unsigned)h);
                return NULL;
        }
        return &jr->h[h - JS_BASE_HANDLE];
}

/* The class descriptor tail shared by HashMap and byte[]: SUID, flags,
 * (fields are checked by the caller), no annotations, no superclass. */
static int jr_desc_suid_flags(struct jreader *jr,
                              uint64_t suid,
                              unsigned flags,
                              const char *cls)
{
        size_t at = jr->pos;
        uint64_t v;
        unsigned f;
        if (jr_u64(jr, &v))
                return -1;
        if (v != suid)
                return jr_fail(jr, at, "unexpected %s serialVersionUID", cls);
        at = jr->pos;
        if (jr_u8(jr, &f))
                return -1;
        if (f != flags)
                return jr_fail(jr, at, "unexpected %s class flags 0x%02x", cls,
                               f);
        return 0;
}

static int jr_desc_end(struct jreader *jr)
{
        if (jr_expect(jr, TC_ENDBLOCKDATA, "unsupported class annotation"))
                return -1;
        return jr_expect(jr, TC_NULL, "unsupported superclass");
}

/* One primitive field descriptor: type code and name. */
static int jr_field_is(struct jreader *jr, unsigned type, const char *name)
{
        size_t at = jr->pos;
        unsigned t;
        int eq;
        if (jr_u8(jr, &t) || jr_utf_is(jr, name, &eq))
                return -1;
        if (t != type || !eq)
                return jr_fail(jr, at, "unexpected java.util.HashMap fields");
        return 0;
}

static int jr_hashmap_desc(struct jreader *jr)
{
        unsigned n;
        int eq;
        if (jr_expect(jr, TC_CLASSDESC, "expected a class descriptor") ||
            jr_new_handle(jr, H_MAP_DESC, 0, 0))
                return -1;
        size_t at = jr->pos;
        if (jr_utf_is(jr, HASHMAP_CLASS, &eq))
                return -1;
        if (!eq)
                return jr_fail(jr, at, "class is not " HASHMAP_CLASS);
        if (jr_desc_suid_flags(jr, HASHMAP_SUID,
                               SC_WRITE_METHOD | SC_SERIALIZABLE,
                               HASHMAP_CLASS))
                return -1;
        at = jr->pos;
        if (jr_u16(jr, &n))
                return -1;
        if (n != 2)
                return jr_fail(jr, at, "unexpected java.util.HashMap fields");
        if (jr_field_is(jr, 'F', "loadFactor") ||
            jr_field_is(jr, 'I', "threshold"))
                return -1;
        return jr_desc_end(jr);
}

static int jr_bytes_desc(struct jreader *jr)
{
        unsigned n;
        int eq;
        if (jr_new_handle(jr, H_BYTES_DESC, 0, 0))
                return -1;
        size_t at = jr->pos;
        if (jr_utf_is(jr, BYTES_CLASS, &eq))
                return -1;
        if (!eq)
                return jr_fail(jr, at, "array class is not byte[]");
        if (jr_desc_suid_flags(jr, BYTES_SUID, SC_SERIALIZABLE, "byte[]"))
                return -1;
        at = jr->pos;
        if (jr_u16(jr, &n))
                return -1;
        if (n != 0)
                return jr_fail(jr, at, "unexpected byte[] fields");
        return jr_desc_end(jr);
}

/* A TC_ARRAY of byte (the code already read). */
static int jr_array(struct jreader *jr, size_t *off, size_t *len)
{
        size_t at = jr->pos;
        unsigned tc;
        uint32_t n;
        if (jr_u8(jr, &tc))
                return -1;
        if (tc == TC_CLASSDESC) {
                if (jr_bytes_desc(jr))
                        return -1;
        } else if (tc == TC_REFERENCE) {
                if (!jr_reference(jr, at, H_BYTES_DESC))
                        return -1;
        } else {
                return jr_fail(jr, at,
                               "expected the byte[] class, got type code "
                               "0x%02x",
                               tc);
        }
        at = jr->pos;
        if (jr_u32(jr, &n))
                return -1;
        if (n > INT32_MAX)
                return jr_fail(jr, at, "negative array length");
        if (jr_need(jr, n))
                return -1;
        *off = jr->pos;
        *len = n;
        jr->pos += n;
        return jr_new_handle(jr, H_BYTES, *off, *len);
}

/* A byte[] (new or back-reference) or null; *off == SIZE_MAX for null. */
static int jr_bytes_or_null(struct jreader *jr, size_t *off, size_t *len)
{
        size_t at = jr->pos;
        unsigned tc;
        if (jr_u8(jr, &tc))
                return -1;
        if (tc == TC_NULL) {
                *off = SIZE_MAX;
                *len = 0;
                return 0;
        }
        if (tc == TC_ARRAY)
                return jr_array(jr, off, len);
        if (tc == TC_REFERENCE) {
                const struct jhandle *h = jr_reference(jr, at, H_BYTES);
                if (!h)
                        return -1;
                *off = h->off;
                *len = h->len;
                return 0;
        }
        return jr_fail(jr, at, "expected byte[] or null, got type code 0x%02x",
                       tc);
}

/* The HashMap's own fields and block data; returns the entry count. */
static int jr_hashmap_header(struct jreader *jr, uint32_t *count)
{
        uint32_t lf, threshold, buckets;
        if (jr_expect(jr, TC_OBJECT, "expected a java.util.HashMap object") ||
            jr_hashmap_desc(jr) || jr_new_handle(jr, H_MAP, 0, 0))
                return -1;
        size_t at = jr->pos;
        if (jr_u32(jr, &lf))
                return -1;
        /* As HashMap.readObject: positive and not NaN (sign bit clear,
         * not NaN bits, not zero). */
        if (lf == 0 || lf >= 0x7F800001u)
                return jr_fail(jr, at, "invalid loadFactor");
        if (jr_u32(jr, &threshold))
                return -1;
        at = jr->pos;
        unsigned tc, blen;
        if (jr_u8(jr, &tc) || jr_u8(jr, &blen))
                return -1;
        if (tc != TC_BLOCKDATA || blen != 8)
                return jr_fail(jr, at, "expected capacity and size block");
        at = jr->pos + 4;
        if (jr_u32(jr, &buckets) || jr_u32(jr, count))
                return -1;
        if (*count > INT32_MAX)
                return jr_fail(jr, at, "negative entry count");
        return 0;
}

static int store_append_raw(offset_store *s,
                            const unsigned char *buf,
                            size_t koff,
                            size_t klen,
                            size_t voff,
                            size_t vlen)
{
        if (ents_grow(s))
                return -1;
        struct offset_entry e = {.seq = s->cnt};
        e.key                 = xstrndup((const char *)buf + koff, klen);
        e.key_len             = klen;
        if (voff != SIZE_MAX) {
                e.val     = xstrndup((const char *)buf + voff, vlen);
                e.val_len = vlen;
        }
        if (!e.key || (voff != SIZE_MAX && !e.val) || entry_parse_key(&e)) {
                entry_free(&e);
                return -1;
        }
        s->ents[s->cnt++] = e;
        return 0;
}

static int jr_entries(struct jreader *jr, offset_store *s, uint32_t count)
{
        for (uint32_t i = 0; i < count; i++) {
                size_t at = jr->pos;
                size_t koff, klen, voff, vlen;
                if (jr_bytes_or_null(jr, &koff, &klen))
                        return -1;
                if (koff == SIZE_MAX)
                        return jr_fail(jr, at, "null key");
                if (jr_bytes_or_null(jr, &voff, &vlen))
                        return -1;
                if (store_append_raw(s, jr->p, koff, klen, voff, vlen))
                        return jr_oom(jr);
        }
        if (jr_expect(jr, TC_ENDBLOCKDATA, "expected the end of the map"))
                return -1;
        if (jr->pos != jr->len)
                return jr_fail(jr, jr->pos, "trailing data after the map");
        return 0;
}

static int ent_cmp_seq(const void *a, const void *b)
{
        const struct offset_entry *x = a, *y = b;
        int r = key_cmp(x->key, x->key_len, y->key, y->key_len);
        if (r)
                return r;
        return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sort by key; of equal keys keep the last one in the file. (Java can
 * hold equal byte[] keys; Connect's load() then keeps whichever its
 * HashMap iterates last, which depends on identity hash codes.) */
static void store_sort_dedupe(offset_store *s)
{
        if (s->cnt > 1)
                qsort(s->ents, s->cnt, sizeof(*s->ents), ent_cmp_seq);
        size_t out = 0;
        for (size_t i = 0; i < s->cnt; i++) {
                if (i + 1 < s->cnt &&
                    !key_cmp(s->ents[i].key, s->ents[i].key_len,
                             s->ents[i + 1].key, s->ents[i + 1].key_len)) {
                        entry_free(&s->ents[i]);
                        continue;
                }
                s->ents[out++] = s->ents[i];
        }
        s->cnt = out;
}

static int store_load(offset_store *s,
                      const char *name,
                      const unsigned char *buf,
                      size_t len,
                      char *errstr,
                      size_t errstr_size)
{
        struct jreader jr = {.p           = buf,
                             .len         = len,
                             .name        = name,
                             .errstr      = errstr,
                             .errstr_size = errstr_size};
        unsigned magic, version;
        uint32_t count = 0;
        int r          = -1;
        if (len == 0)
                return 0;
        if (jr_u16(&jr, &magic))
                goto out;
        if (magic != JS_MAGIC) {
                jr_fail(&jr, 0, "bad stream magic");
                goto out;
        }
        if (jr_u16(&jr, &version))
                goto out;
        if (version != JS_VERSION) {
                jr_fail(&jr, 2, "unsupported stream version %u", version);
                goto out;
        }
        if (jr_hashmap_header(&jr, &count) || jr_entries(&jr, s, count))
                goto out;
        store_sort_dedupe(s);
        r = 0;
out:
        free(jr.h);
        return r;
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

static int put_u16(strbuf *sb, unsigned v)
{
        char b[2] = {(char)(v >> 8), (char)v};
        return sb_append(sb, b, 2);
}

static int put_u32(strbuf *sb, uint32_t v)
{
        char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
        return sb_append(sb, b, 4);
}

static int put_u64(strbuf *sb, uint64_t v)
{
        return put_u32(sb, (uint32_t)(v >> 32)) || put_u32(sb, (uint32_t)v);
}

static int put_utf(strbuf *sb, const char *s)
{
        return put_u16(sb, (unsigned)strlen(s)) || sb_puts(sb, s);
}

/* What a java.util.HashMap filled by put() reports: the table starts at
 * 16 buckets and doubles once size exceeds 3/4 of it; an empty map has
 * no table, threshold 0 and reports 16 buckets. */
static void hashmap_geometry(size_t n, uint32_t *threshold, uint32_t *buckets)
{
        uint32_t cap = HASHMAP_MIN_CAP;
        while (n > (size_t)cap / 4 * 3 && cap < (UINT32_C(1) << 30))
                cap *= 2;
        *buckets   = cap;
        *threshold = n ? cap / 4 * 3 : 0;
}

static int put_hashmap_header(strbuf *sb, size_t n)
{
        uint32_t threshold, buckets;
        hashmap_geometry(n, &threshold, &buckets);
        return put_u16(sb, JS_MAGIC) || put_u16(sb, JS_VERSION) ||
               sb_putc(sb, TC_OBJECT) || sb_putc(sb, TC_CLASSDESC) ||
               put_utf(sb, HASHMAP_CLASS) || put_u64(sb, HASHMAP_SUID) ||
               sb_putc(sb, SC_WRITE_METHOD | SC_SERIALIZABLE) ||
               put_u16(sb, 2) || sb_putc(sb, 'F') ||
               put_utf(sb, "loadFactor") || sb_putc(sb, 'I') ||
               put_utf(sb, "threshold") || sb_putc(sb, TC_ENDBLOCKDATA) ||
               sb_putc(sb, TC_NULL) || put_u32(sb, FLOAT_0_75_BITS) ||
               put_u32(sb, threshold) || sb_putc(sb, TC_BLOCKDATA) ||
               sb_putc(sb, 8) || put_u32(sb, buckets) ||
               put_u32(sb, (uint32_t)n);
}

/* A byte[]: the first one defines the "[B" class (handle 0x7E0002, after
 * the HashMap's class and object), the later ones refer back to it. */
static int put_bytes(strbuf *sb, const char *b, size_t len, int *desc_done)
{
        if (sb_putc(sb, TC_ARRAY))
                return -1;
        if (*desc_done) {
                if (sb_putc(sb, TC_REFERENCE) ||
                    put_u32(sb, JS_BASE_HANDLE + 2))
                        return -1;
        } else if (sb_putc(sb, TC_CLASSDESC) || put_utf(sb, BYTES_CLASS) ||
                   put_u64(sb, BYTES_SUID) || sb_putc(sb, SC_SERIALIZABLE) ||
                   put_u16(sb, 0) || sb_putc(sb, TC_ENDBLOCKDATA) ||
                   sb_putc(sb, TC_NULL)) {
                return -1;
        }
        *desc_done = 1;
        return put_u32(sb, (uint32_t)len) || sb_append(sb, b, len);
}

int offset_store_serialize(const offset_store *s, strbuf *out)
{
        int desc_done = 0;
        if (s->cnt > INT32_MAX)
                return HTTPSRC_ERR_LIMIT;
        for (size_t i = 0; i < s->cnt; i++)
                if (s->ents[i].key_len > INT32_MAX ||
                    s->ents[i].val_len > INT32_MAX)
                        return HTTPSRC_ERR_LIMIT;
        if (put_hashmap_header(out, s->cnt))
                return HTTPSRC_ERR_NOMEM;
        for (size_t i = 0; i < s->cnt; i++) {
                const struct offset_entry *e = &s->ents[i];
                if (put_bytes(out, e->key, e->key_len, &desc_done))
                        return HTTPSRC_ERR_NOMEM;
                if (e->val ? put_bytes(out, e->val, e->val_len, &desc_done)
                           : sb_putc(out, TC_NULL))
                        return HTTPSRC_ERR_NOMEM;
        }
        return sb_putc(out, TC_ENDBLOCKDATA) ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* Whole file into @p sb; ENOENT is reported as HTTPSRC_ERR_NOENT. */
static int
read_file(const char *path, strbuf *sb, char *errstr, size_t errstr_size)
{
        int err;
        int rc = fileio_read(path, 0, sb, &err);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
        else if (rc == HTTPSRC_ERR_IO)
                errstr_set(errstr, errstr_size, "%s: cannot read: %s", path,
                           strerror(err));
        return rc;
}

/* ------------------------------------------------------------------ */
/* Public (internal) API                                               */
/* ------------------------------------------------------------------ */

offset_store *offset_store_load_buffer(const char *name,
                                       const void *buf,
                                       size_t len,
                                       char *errstr,
                                       size_t errstr_size)
{
        offset_store *s = calloc(1, sizeof(*s));
        if (!s) {
                errstr_set(errstr, errstr_size, "%s: out of memory", name);
                return NULL;
        }
        if (store_load(s, name, buf, len, errstr, errstr_size)) {
                offset_store_destroy(s);
                return NULL;
        }
        return s;
}

offset_store *
offset_store_open(const char *path, char *errstr, size_t errstr_size)
{
        strbuf data = {0};
        offset_store *s;
        if (!path)
                return offset_store_load_buffer("(memory)", "", 0, errstr,
                                                errstr_size);
        /* what a process killed mid-write left (kill -9, a crash) */
        fileio_remove_orphans(path);
        int r = read_file(path, &data, errstr, errstr_size);
        if (r && r != HTTPSRC_ERR_NOENT) {
                sb_free(&data);
                return NULL;
        }
        if (!r && data.len == 0) {
                /* Never written so (a write is a rename of a whole file):
                 * truncated by something else. Starting over from
                 * http.initial.offset would send everything again. */
                errstr_set(errstr, errstr_size,
                           "%s: the offsets file is empty (0 bytes), so the "
                           "offsets stored in it are lost: restore it from a "
                           "backup, or delete it to start every connector "
                           "over from http.initial.offset",
                           path);
                sb_free(&data);
                return NULL;
        }
        s = offset_store_load_buffer(path, data.buf, data.len, errstr,
                                     errstr_size);
        sb_free(&data);
        if (s && !(s->path = xstrdup(path))) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                offset_store_destroy(s);
                return NULL;
        }
        return s;
}

void offset_store_destroy(offset_store *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->cnt; i++)
                entry_free(&s->ents[i]);
        if (s->backend)
                s->backend->destroy(s->backend_opaque);
        free(s->ents);
        free(s->path);
        free(s);
}

int offset_store_get(const offset_store *s,
                     const char *connector,
                     const char *partition_json,
                     const char **offset_json)
{
        strbuf key   = {0};
        int found    = 0;
        size_t i     = 0;
        *offset_json = NULL;
        if (!s || !connector || !partition_json)
                return HTTPSRC_ERR_INVAL;
        int rc = build_key(&key, connector, partition_json) ? HTTPSRC_ERR_NOMEM
                                                            : HTTPSRC_OK;
        if (!rc)
                i = find_key(s, key.buf, key.len, &found);
        sb_free(&key);
        if (found)
                *offset_json = s->ents[i].val;
        return rc;
}

/* Replace the value at @p i; unchanged values leave the store clean. */
static int entry_set_val(offset_store *s, size_t i, const char *offset_json)
{
        struct offset_entry *e = &s->ents[i];
        if (!offset_json ? !e->val : e->val && !strcmp(e->val, offset_json))
                return HTTPSRC_OK;
        char *v = NULL;
        if (offset_json && !(v = xstrdup(offset_json)))
                return HTTPSRC_ERR_NOMEM;
        free(e->val);
        e->val     = v;
        e->val_len = v ? strlen(v) : 0;
        e->changed = 1;
        s->dirty   = 1;
        return HTTPSRC_OK;
}

/* A new entry; conn/part are parsed back from the key bytes, exactly as
 * for entries read from a file, so foreach sees the same either way. */
static int
entry_insert(offset_store *s, size_t i, strbuf *key, const char *offset_json)
{
        struct offset_entry e = {0};
        e.key_len             = key->len;
        e.key                 = sb_steal(key);
        e.val                 = xstrdup(offset_json);
        e.val_len             = offset_json ? strlen(offset_json) : 0;
        e.changed             = 1;
        if (!e.key || (offset_json && !e.val) || entry_parse_key(&e) ||
            ents_grow(s)) {
                entry_free(&e);
                return HTTPSRC_ERR_NOMEM;
        }
        memmove(&s->ents[i + 1], &s->ents[i], (s->cnt - i) * sizeof(*s->ents));
        s->ents[i] = e;
        s->cnt++;
        s->dirty = 1;
        return HTTPSRC_OK;
}

int offset_store_put(offset_store *s,
                     const char *connector,
                     const char *partition_json,
                     const char *offset_json)
{
        strbuf key = {0};
        int found, r;
        if (!s || !connector || !partition_json)
                return HTTPSRC_ERR_INVAL;
        if (build_key(&key, connector, partition_json)) {
                sb_free(&key);
                return HTTPSRC_ERR_NOMEM;
        }
        size_t i = find_key(s, key.buf, key.len, &found);
        if (found)
                r = entry_set_val(s, i, offset_json);
        else
                r = entry_insert(s, i, &key, offset_json);
        sb_free(&key);
        return r;
}

void offset_store_foreach(const offset_store *s,
                          const char *connector,
                          offset_visit_fn fn,
                          void *opaque)
{
        if (!s || !connector || !fn)
                return;
        size_t n = strlen(connector);
        for (size_t i = 0; i < s->cnt; i++) {
                const struct offset_entry *e = &s->ents[i];
                if (e->val && e->conn && e->conn_len == n &&
                    !memcmp(e->conn, connector, n))
                        fn(opaque, e->part, e->val);
        }
}

/* ------------------------------------------------------------------ */
/* Backends (offsets_kafka.c)                                          */
/* ------------------------------------------------------------------ */

void offset_store_set_backend(offset_store *s,
                              const offset_backend *b,
                              void *opaque)
{
        s->backend        = b;
        s->backend_opaque = opaque;
}

int offset_store_foreach_changed_conn(const offset_store *s,
                                      const char *connector,
                                      offset_conn_fn fn,
                                      void *opaque)
{
        for (size_t i = 0; i < s->cnt; i++) {
                const struct offset_entry *e = &s->ents[i];
                if (!e->changed || !e->conn ||
                    (connector && strcmp(e->conn, connector)))
                        continue;
                int r = fn(opaque, e->conn, e->key, e->key_len, e->val,
                           e->val_len);
                if (r)
                        return r;
        }
        return HTTPSRC_OK;
}

int offset_store_foreach_changed(const offset_store *s,
                                 offset_raw_fn fn,
                                 void *opaque)
{
        for (size_t i = 0; i < s->cnt; i++) {
                const struct offset_entry *e = &s->ents[i];
                int r = e->changed ? fn(opaque, e->key, e->key_len, e->val,
                                        e->val_len)
                                   : 0;
                if (r)
                        return r;
        }
        return HTTPSRC_OK;
}

int offset_store_load_raw(offset_store *s,
                          const char *key,
                          size_t key_len,
                          const char *val,
                          size_t val_len)
{
        int found;
        size_t i = find_key(s, key, key_len, &found);
        char *v  = val ? xstrndup(val, val_len) : NULL;
        if (val && !v)
                return HTTPSRC_ERR_NOMEM;
        if (found) {
                free(s->ents[i].val);
                s->ents[i].val     = v;
                s->ents[i].val_len = val_len;
                return HTTPSRC_OK;
        }
        struct offset_entry e = {.key = xstrndup(key, key_len),
                                 .key_len = key_len,
                                 .val     = v,
                                 .val_len = val_len};
        if (!e.key || entry_parse_key(&e) || ents_grow(s)) {
                entry_free(&e);
                return HTTPSRC_ERR_NOMEM;
        }
        memmove(&s->ents[i + 1], &s->ents[i], (s->cnt - i) * sizeof(*s->ents));
        s->ents[i] = e;
        s->cnt++;
        return HTTPSRC_OK;
}

int offset_store_key(strbuf *out,
                     const char *connector,
                     const char *partition_json)
{
        return build_key(out, connector, partition_json) ? HTTPSRC_ERR_NOMEM
                                                         : HTTPSRC_OK;
}

int offset_store_has_backend(const offset_store *s)
{
        return s && s->backend;
}

int offset_store_refresh(offset_store *s,
                         int past_txns,
                         char *errstr,
                         size_t errstr_size)
{
        if (!s || !s->backend || !s->backend->refresh)
                return HTTPSRC_OK;
        return s->backend->refresh(s->backend_opaque, s, past_txns, errstr,
                                   errstr_size);
}

/* The backend writes what changed; on success the store is clean. */
static int backend_flush(offset_store *s, char *errstr, size_t errstr_size)
{
        int r = s->backend->flush(s->backend_opaque, s, errstr, errstr_size);
        if (r)
                return r;
        for (size_t i = 0; i < s->cnt; i++)
                s->ents[i].changed = 0;
        s->dirty = 0;
        return HTTPSRC_OK;
}

int offset_store_flush(offset_store *s, char *errstr, size_t errstr_size)
{
        strbuf data = {0};
        if (!s)
                return HTTPSRC_ERR_INVAL;
        if (s->dirty && s->backend)
                return backend_flush(s, errstr, errstr_size);
        if (!s->dirty || !s->path)
                return HTTPSRC_OK;
        int r = offset_store_serialize(s, &data);
        if (r)
                errstr_set(errstr, errstr_size, "%s: %s", s->path,
                           r == HTTPSRC_ERR_NOMEM ? "out of memory"
                                                  : "too large to write");
        else
                r = fileio_write_atomic(s->path, &data, 0600, errstr,
                                        errstr_size);
        sb_free(&data);
        if (!r)
                s->dirty = 0;
        return r;
}
