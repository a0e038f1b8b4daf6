/* Transform org.apache.kafka.connect.transforms.ValueToKey (schemaless):
 * the key becomes an object of the listed value fields, a missing field
 * giving null, exactly as Kafka Connect builds it:
 *
 *     Map<String, Object> key = new HashMap<>(fields.size());
 *     for (String field : fields)
 *             key.put(field, value.get(field));
 *
 * JsonConverter then writes the key's members in HashMap iteration order,
 * so to produce the same bytes we compute that order (java_hashmap.h). */
#include <stdint.h>
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/java_hashmap.h"

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
        int plain_names; /* no field name needs escaping: fast path ok */
} vtk_state;

static const httpsrc_param_desc vtk_params[] = {
    {.name  = KEY_FIELDS,
     .type  = HTTPSRC_PARAM_LIST,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Field names on the record value to extract as the record key",
     .group = "transform"},
    {.name = NULL},
};

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
        /* new HashMap<>(fields.size()), duplicates counted */
        st->n_order =
            jhm_order(st->host, (const char *const *)st->fields, st->n_fields,
                      jhm_table_size_for(st->n_fields), st->order);
        st->plain_names = 1;
        for (size_t i = 0; i < st->n_fields; i++)
                for (const char *c = st->fields[i]; *c; c++)
                        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
                                st->plain_names = 0;
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

/* Raw JSON that Jackson would write byte for byte: a number (kept as
 * written, like the tree path), true/false/null, or a string with no
 * escapes and no control characters. */
static int plain_scalar(const char *raw, size_t len)
{
        if (raw[0] != '"')
                return raw[0] != '{' && raw[0] != '[';
        for (size_t i = 1; i + 1 < len; i++)
                if (raw[i] == '\\' || (unsigned char)raw[i] < 0x20)
                        return 0;
        return 1;
}

/* The hot path: build the key bytes straight from the value's raw member
 * texts, without parsing the value into a tree. -1: take the tree path. */
static int vtk_fast(vtk_state *st, httpsrc_record *rec)
{
        const struct httpsrc_host_api *host = st->host;
        char buf[1024];
        size_t used = 0;
        if (!st->plain_names || !HTTPSRC_HOST_HAS(host, rec_value_member))
                return -1;
        buf[used++] = '{';
        for (size_t i = 0; i < st->n_order; i++) {
                const char *name = st->fields[st->order[i]], *raw;
                size_t len, nlen = strlen(name);
                int r = host->rec_value_member(rec, name, &raw, &len);
                if (r < 0 || (r > 0 && !plain_scalar(raw, len)))
                        return -1;
                if (r == 0) {
                        raw = "null";
                        len = 4;
                }
                if (used + nlen + len + 5 > sizeof(buf))
                        return -1;
                if (i)
                        buf[used++] = ',';
                buf[used++] = '"';
                memcpy(buf + used, name, nlen);
                used += nlen;
                buf[used++] = '"';
                buf[used++] = ':';
                memcpy(buf + used, raw, len);
                used += len;
        }
        buf[used++] = '}';
        return host->rec_set_key(rec, buf, used);
}

static int vtk_apply(void *state, httpsrc_record *rec)
{
        if (vtk_fast(state, rec) == HTTPSRC_OK)
                return HTTPSRC_OK;
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
