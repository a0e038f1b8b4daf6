/* Transform org.apache.kafka.connect.transforms.MaskField$Value / $Key
 * (schemaless): replace the listed fields of the value (key) object with
 * an empty value of their type, or with `replacement` converted to it:
 *
 *     Map<String, Object> updated = new HashMap<>(value);
 *     for (String field : maskedFields)          // a HashSet
 *             updated.put(field, masked(value.get(field)));
 *
 * As Jackson reads JSON, strings are String, true/false Boolean, integers
 * Integer/Long/BigInteger, other numbers Double, objects Map and arrays
 * List. Connect's PRIMITIVE_VALUE_MAPPING masks them as "", false, 0, 0.0
 * (Double), {} and []; null stays null and a listed field that is missing
 * is added as null. A replacement applies to strings (as is) and numbers
 * (an integer for integer fields, any number for Double ones, written as
 * Double.toString); masking anything else with one is an error.
 * Output members are in HashMap order (java_hashmap.h). A null value (a
 * tombstone) passes unchanged. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/java_text.h"
#include "../common/smt_map.h"
#include "../common/plugin_util.h"

#define WHO "MaskField"

typedef struct mask_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        smt_part part;
        smt_list fields;
        size_t *order; /* distinct fields in HashSet iteration order */
        size_t n_order;
        char *replacement; /* NULL: mask with empty values */
} mask_state;

static const httpsrc_param_desc mask_params[] = {
    {.name  = "fields",
     .type  = HTTPSRC_PARAM_LIST,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Names of fields to mask",
     .group = "transform"},
    {.name  = "replacement",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Custom value replacement, applied to all 'fields' values "
              "(numeric or string values only)",
     .group = "transform"},
    {.name = NULL},
};

static void mask_destroy(void *state)
{
        mask_state *st = state;
        smt_list_free(st->host, &st->fields);
        st->host->free(st->order);
        st->host->free(st->replacement);
        st->host->free(st);
}

static int mask_configure(mask_state *st)
{
        const struct httpsrc_host_api *host = st->host;
        const char *fields                  = host->conf_get(st->ctx, "fields");
        const char *replacement = host->conf_get(st->ctx, "replacement");

        if (!fields)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": fields must be set");
        if (replacement && !*replacement)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": replacement must not be empty");
        if (smt_list_parse(host, fields, &st->fields) < 0)
                return HTTPSRC_ERR_NOMEM;
        if (!st->fields.n)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": fields must list at least one "
                                           "field");
        if (replacement && !(st->replacement = host->strdup(replacement)))
                return HTTPSRC_ERR_NOMEM;
        st->order = host->alloc(st->fields.n * sizeof(*st->order));
        if (!st->order)
                return HTTPSRC_ERR_NOMEM;
        /* maskedFields = new HashSet<>(list) */
        st->n_order =
            jhm_order(host, (const char *const *)st->fields.items, st->fields.n,
                      jhm_set_copy_capacity(st->fields.n), st->order);
        return st->n_order == SIZE_MAX ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static int
mask_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state, smt_part part)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        mask_state *st                      = host->alloc(sizeof(*st));

        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        st->part = part;
        int rc   = mask_configure(st);
        if (rc < 0) {
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                mask_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

static int mask_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return mask_create(ctx, plugin_ctx, state, SMT_VALUE);
}

static int mask_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return mask_create(ctx, plugin_ctx, state, SMT_KEY);
}

/* Jackson reads a JSON number without '.', 'e' or 'E' as an integer. */
static int is_integral(const char *num)
{
        return !strpbrk(num, ".eE");
}

static int cannot_convert(mask_state *st, const char *field, const char *type)
{
        return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                   WHO ": cannot convert replacement '%s' "
                                       "to the %s type of field '%s'",
                                   st->replacement, type, field);
}

/* The replacement as the number class of @p num (Values.convertTo...). */
static int mask_number_replacement(mask_state *st,
                                   const char *field,
                                   const char *num,
                                   httpsrc_json **out)
{
        const struct httpsrc_host_api *host = st->host;
        char text[JTEXT_NUM_MAX];

        if (is_integral(num)) {
                int64_t cur, r;
                /* Jackson's Integer for the int range, Long beyond */
                int is_int = !jtext_parse_int(num, INT32_MIN, INT32_MAX, &cur);
                if (jtext_parse_int(st->replacement,
                                    is_int ? INT32_MIN : INT64_MIN,
                                    is_int ? INT32_MAX : INT64_MAX, &r))
                        return cannot_convert(st, field,
                                              is_int ? "integer" : "long");
                snprintf(text, sizeof(text), "%" PRId64, r);
        } else {
                double d;
                if (jtext_parse_real(st->replacement, 0, &d) || isnan(d) ||
                    isinf(d))
                        return cannot_convert(st, field, "double");
                jtext_double(d, text);
        }
        *out = host->json_new_number(text);
        return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

static int mask_replacement(mask_state *st,
                            const char *field,
                            const httpsrc_json *v,
                            httpsrc_json **out)
{
        const struct httpsrc_host_api *host = st->host;
        int type                            = host->json_type(v);

        if (type == HTTPSRC_JSON_STRING) {
                *out = host->json_new_string(st->replacement);
                return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        }
        if (type == HTTPSRC_JSON_NUMBER)
                return mask_number_replacement(st, field,
                                               host->json_number_text(v), out);
        return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                               WHO ": cannot mask field '%s' (a %s) with a "
                                   "custom replacement",
                               field, smt_type_name(type));
}

/* PRIMITIVE_VALUE_MAPPING, or empty containers. */
static httpsrc_json *mask_empty(const struct httpsrc_host_api *host,
                                const httpsrc_json *v)
{
        switch (host->json_type(v)) {
        case HTTPSRC_JSON_BOOL:
                return host->json_new_bool(0);
        case HTTPSRC_JSON_NUMBER:
                return host->json_new_number(
                    is_integral(host->json_number_text(v)) ? "0" : "0.0");
        case HTTPSRC_JSON_STRING:
                return host->json_new_string("");
        case HTTPSRC_JSON_ARRAY:
                return host->json_new_array();
        case HTTPSRC_JSON_OBJECT:
                return host->json_new_object();
        default:
                return host->json_new_null();
        }
}

/* masked(value.get(field)) */
static int mask_value(mask_state *st,
                      const char *field,
                      const httpsrc_json *v,
                      httpsrc_json **out)
{
        const struct httpsrc_host_api *host = st->host;

        if (!v || host->json_type(v) == HTTPSRC_JSON_NULL) {
                *out = host->json_new_null();
                return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        }
        if (st->replacement)
                return mask_replacement(st, field, v, out);
        *out = mask_empty(host, v);
        return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

static int
mask_fill(void *state, jhm_map *m, const httpsrc_json *v, httpsrc_record *rec)
{
        mask_state *st = state;
        int rc         = jhm_map_copy_object(m, v);

        for (size_t i = 0; rc == HTTPSRC_OK && i < st->n_order; i++) {
                const char *field = st->fields.items[st->order[i]];
                size_t at         = jhm_map_find(m, field);
                httpsrc_json *val = NULL;
                rc = mask_value(st, field, at == SIZE_MAX ? NULL : m->vals[at],
                                &val);
                if (rc == HTTPSRC_OK)
                        rc = jhm_map_put(m, field, val);
        }
        return rc;
}

static int mask_apply(void *state, httpsrc_record *rec)
{
        mask_state *st = state;
        return smt_rebuild(st->host, st->ctx, WHO, st->part, rec, mask_fill,
                           st);
}

static const httpsrc_transform_ops mask_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.MaskField$Value",
    .description = "Mask fields of the record value with empty values of "
                   "their type or a replacement",
    .params      = mask_params,
    .create      = mask_create_value,
    .apply       = mask_apply,
    .destroy     = mask_destroy,
};

static const httpsrc_transform_ops mask_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.MaskField$Key",
    .description = "Mask fields of the record key with empty values of "
                   "their type or a replacement",
    .params      = mask_params,
    .create      = mask_create_key,
    .apply       = mask_apply,
    .destroy     = mask_destroy,
};

static int mask_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        if (smt_host_check(host, errstr, errstr_size))
                return HTTPSRC_ERR_PLUGIN_INIT;
        static const void *const ops[] = {&mask_value_ops, &mask_key_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_maskfield",
                      "0.1.0",
                      "Transform MaskField ($Value, $Key)",
                      mask_init,
                      plugin_host_fini)
