/* Transform org.apache.kafka.connect.transforms.ValueToKey (schemaless):
 * the key becomes an object of the listed value fields, a missing field
 * giving null, exactly as Kafka Connect builds it:
 *
 *     Map<String, Object> key = new HashMap<>(fields.size());
 *     for (String field : fields)
 *             key.put(field, value.get(field));
 *
 * JsonConverter then writes the key's members in HashMap iteration order,
 * so to produce the same bytes we compute that order (see hashmap_order). */
#include <stdint.h>
#include <string.h>

#include "httpsrc/plugin.h"

#define KEY_FIELDS "fields"

typedef struct vtk_plugin {
        const struct httpsrc_host_api *host;
} vtk_plugin;

typedef struct vtk_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char **fields; /* as configured, duplicates included */
        size_t n_fields;
        size_t *order; /* distinct fields, in HashMap iteration order */
        size_t n_order;
} vtk_state;

static const httpsrc_param_desc vtk_params[] = {
    {.name  = KEY_FIELDS,
     .type  = HTTPSRC_PARAM_LIST,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Field names on the record value to extract as the record key",
     .group = "transform"},
    {.name = NULL},
};

/* One code point from UTF-8 at *s (advancing it); U+FFFD for bad input,
 * as Java's decoder would substitute. */
static uint32_t utf8_next(const unsigned char **s)
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

/* java.lang.String.hashCode(): s[0]*31^(n-1) + ... over UTF-16 units. */
static uint32_t java_string_hash(const char *str)
{
        const unsigned char *s = (const unsigned char *)str;
        uint32_t h             = 0;

        while (*s) {
                uint32_t cp = utf8_next(&s);
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

/* HashMap.tableSizeFor(): the smallest power of two >= n, at least 1. */
static size_t table_size_for(size_t n)
{
        size_t cap = 1;
        while (cap < n)
                cap <<= 1;
        return cap;
}

/* (int)(cap * 0.75f), which is exact for the powers of two used here. */
static size_t threshold_of(size_t cap)
{
        return cap * 3 / 4;
}

static size_t
bucket_count(const uint32_t *hash, size_t n, uint32_t h, size_t cap)
{
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
                if ((hash[i] & (cap - 1)) == (h & (cap - 1)))
                        count++;
        return count;
}

/*
 * The capacity of `new HashMap<>(n_initial)` after putting the @p n distinct
 * keys with spread hashes @p hash in order. A resize splits each bucket
 * keeping the relative order of its entries, and new entries are appended
 * to their bucket, so iteration order is: buckets ascending, insertion
 * order within a bucket; only the final capacity needs simulating.
 *
 * Not emulated: a bucket of more than 8 entries in a table of 64 or more
 * becomes a red-black tree with its own order. That needs 9 field names
 * whose hashes agree in their low 6+ bits: such keys keep insertion order
 * within their bucket here.
 */
static size_t hashmap_capacity(const uint32_t *hash, size_t n, size_t n_initial)
{
        size_t cap = table_size_for(n_initial);
        size_t thr = threshold_of(cap);

        for (size_t size = 0; size < n; size++) {
                /* putVal: a bin reaching 9 entries calls treeifyBin, which
                 * resizes instead while the table is smaller than 64. */
                if (bucket_count(hash, size, hash[size], cap) >= 8 &&
                    cap < 64) {
                        cap <<= 1;
                        thr = threshold_of(cap);
                }
                if (size + 1 > thr) {
                        cap <<= 1;
                        thr = threshold_of(cap);
                }
        }
        return cap;
}

/* Indices of the distinct fields in HashMap iteration order. */
static size_t hashmap_order(const struct httpsrc_host_api *host,
                            char **fields,
                            size_t n_fields,
                            size_t *order)
{
        uint32_t *hash = host->alloc(n_fields * sizeof(*hash));
        size_t n       = 0;

        if (!hash)
                return SIZE_MAX;
        for (size_t i = 0; i < n_fields; i++) {
                size_t j;
                for (j = 0; j < n; j++)
                        if (!strcmp(fields[order[j]], fields[i]))
                                break;
                if (j < n)
                        continue; /* put() of an existing key keeps its slot */
                uint32_t h = java_string_hash(fields[i]);
                hash[n]    = h ^ (h >> 16); /* HashMap.hash() */
                order[n++] = i;
        }
        size_t cap = hashmap_capacity(hash, n, n_fields);
        /* Stable insertion sort by bucket. */
        for (size_t i = 1; i < n; i++) {
                size_t idx = order[i];
                uint32_t h = hash[i];
                size_t j   = i;
                while (j > 0 && (hash[j - 1] & (cap - 1)) > (h & (cap - 1))) {
                        order[j] = order[j - 1];
                        hash[j]  = hash[j - 1];
                        j--;
                }
                order[j] = idx;
                hash[j]  = h;
        }
        host->free(hash);
        return n;
}

static int is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
               c == '\v';
}

/* Kafka's ConfigDef LIST: trim, then split on \s*,\s* keeping empty
 * entries; an all-blank value is the empty list. */
static int parse_fields(vtk_state *st, const char *value)
{
        const struct httpsrc_host_api *host = st->host;
        const char *b = value, *e = value + strlen(value);

        while (b < e && is_space(*b))
                b++;
        while (e > b && is_space(e[-1]))
                e--;
        if (b == e)
                return 0;
        size_t n = 1;
        for (const char *p = b; p < e; p++)
                n += *p == ',';
        st->fields = host->alloc(n * sizeof(*st->fields));
        if (!st->fields)
                return -1;
        memset(st->fields, 0, n * sizeof(*st->fields));
        for (size_t i = 0; i < n; i++) {
                const char *c  = memchr(b, ',', (size_t)(e - b));
                const char *fe = c ? c : e, *fb = b;
                while (fb < fe && is_space(*fb))
                        fb++;
                while (fe > fb && is_space(fe[-1]))
                        fe--;
                st->fields[i] = host->alloc((size_t)(fe - fb) + 1);
                if (!st->fields[i])
                        return -1;
                memcpy(st->fields[i], fb, (size_t)(fe - fb));
                st->fields[i][fe - fb] = '\0';
                st->n_fields           = i + 1;
                b                      = c ? c + 1 : e;
        }
        return 0;
}

static void vtk_destroy(void *state)
{
        vtk_state *st = state;
        for (size_t i = 0; i < st->n_fields; i++)
                st->host->free(st->fields[i]);
        st->host->free(st->fields);
        st->host->free(st->order);
        st->host->free(st);
}

static int vtk_setup(vtk_state *st, const char *value)
{
        if (parse_fields(st, value))
                return HTTPSRC_ERR_NOMEM;
        if (!st->n_fields)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "ValueToKey: " KEY_FIELDS
                                           " must list at least one field");
        st->order = st->host->alloc(st->n_fields * sizeof(*st->order));
        if (!st->order)
                return HTTPSRC_ERR_NOMEM;
        st->n_order =
            hashmap_order(st->host, st->fields, st->n_fields, st->order);
        return st->n_order == SIZE_MAX ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static int vtk_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((vtk_plugin *)plugin_ctx)->host;
        const char *value                   = host->conf_get(ctx, KEY_FIELDS);

        if (!value)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       "ValueToKey: " KEY_FIELDS
                                       " must be set");
        vtk_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        int rc   = vtk_setup(st, value);
        if (rc < 0) {
                vtk_destroy(st);
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

/* A copy of member @p name of @p value, or JSON null when it is absent. */
static httpsrc_json *field_or_null(const struct httpsrc_host_api *host,
                                   const httpsrc_json *value,
                                   const char *name)
{
        const httpsrc_json *v = host->json_get(value, name);
        if (v)
                return host->json_clone(v);
        return host->json_parse("null", 4, NULL, 0);
}

static int vtk_apply(void *state, httpsrc_record *rec)
{
        vtk_state *st                       = state;
        const struct httpsrc_host_api *host = st->host;

        const httpsrc_json *value = host->rec_value_json(rec);
        if (!value || host->json_type(value) != HTTPSRC_JSON_OBJECT)
                return host->set_error(
                    st->ctx, HTTPSRC_ERR_INVAL,
                    "ValueToKey: record value is not a JSON object");
        httpsrc_json *key = host->json_new_object();
        if (!key)
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        for (size_t i = 0; i < st->n_order; i++) {
                const char *name  = st->fields[st->order[i]];
                httpsrc_json *val = field_or_null(host, value, name);
                /* put takes val over, also when it fails */
                if (!val || host->json_object_put(key, name, val) < 0) {
                        host->json_destroy(key);
                        return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                               "out of memory");
                }
        }
        int rc = host->rec_set_key_json(rec, key);
        host->json_destroy(key);
        return rc;
}

static const httpsrc_transform_ops vtk_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.ValueToKey",
    .description = "Replace the record key with a new key formed from a "
                   "subset of fields in the record value",
    .params      = vtk_params,
    .create      = vtk_create,
    .apply       = vtk_apply,
    .destroy     = vtk_destroy,
};

static int vtk_init(const struct httpsrc_host_api *host,
                    httpsrc_registrar *reg,
                    void **plugin_ctx,
                    char *errstr,
                    size_t errstr_size)
{
        vtk_plugin *p = host->alloc(sizeof(*p));
        if (!p)
                return HTTPSRC_ERR_NOMEM;
        p->host     = host;
        *plugin_ctx = p;
        int rc =
            host->register_component(reg, HTTPSRC_KIND_TRANSFORM, &vtk_ops);
        if (rc < 0)
                host->free(p);
        return rc;
}

static void vtk_fini(void *plugin_ctx)
{
        vtk_plugin *p = plugin_ctx;
        p->host->free(p);
}

HTTPSRC_PLUGIN_DEFINE(
    "transform_valuetokey", "0.1.0", "Transform ValueToKey", vtk_init, vtk_fini)
