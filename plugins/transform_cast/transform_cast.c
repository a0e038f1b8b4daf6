/* Transform org.apache.kafka.connect.transforms.Cast$Value / $Key
 * (schemaless): cast fields of the value (key) object, or the whole value,
 * to int8, int16, int32, int64, float32, float64, boolean or string with
 * Connect's castValueToType rules:
 *
 *     Map<String, Object> updated = new HashMap<>(value);
 *     for (Map.Entry<String, Type> spec : casts.entrySet())   // a HashMap
 *             updated.put(field, castValueToType(value.get(field), type));
 *
 * As Jackson reads JSON, a number without '.', 'e' or 'E' is an Integer or
 * Long (beyond long a BigInteger, which Connect cannot cast), any other
 * number a Double. Numbers narrow as Java's Number.byteValue() etc. do
 * (Double saturates to int/long first), strings parse with Byte.parseByte
 * ... Double.parseDouble, booleans become 1/0, numbers booleans by
 * longValue() != 0, and casts to string write Integer/Long.toString and
 * Double.toString ("1.0", "1.0E20"). Float and double results are written
 * as Jackson writes Float/Double: Float.toString / Double.toString, and
 * NaN / Infinity as strings. A listed field that is missing is added as
 * null; null stays null. Members come out in HashMap order
 * (java_hashmap.h). A null value (a tombstone) passes unchanged. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/java_text.h"
#include "../common/smt_map.h"
#include "../common/plugin_util.h"

#define WHO "Cast"

/* Schema.Type, in its declaration order (EnumSet.toString order). */
typedef enum cast_type {
        T_INT8,
        T_INT16,
        T_INT32,
        T_INT64,
        T_FLOAT32,
        T_FLOAT64,
        T_BOOLEAN,
        T_STRING,
        T_BYTES,
        T_ARRAY,
        T_MAP,
        T_STRUCT,
        T_NONE = -1,
} cast_type;

static const char *const type_names[] = {
    "INT8",    "INT16",  "INT32", "INT64", "FLOAT32", "FLOAT64",
    "BOOLEAN", "STRING", "BYTES", "ARRAY", "MAP",     "STRUCT"};

#define SUPPORTED_OUTPUT                                                       \
        "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"
#define SUPPORTED_INPUT                                                        \
        "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, "      \
        "BYTES]"

typedef struct cast_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        smt_part part;
        cast_type whole; /* T_NONE: field casts */
        smt_list fields; /* as listed, duplicates included */
        cast_type *types;
        size_t *order; /* distinct fields in the casts HashMap's order */
        size_t n_order;
} cast_state;

static const httpsrc_param_desc cast_params[] = {
    {.name  = "spec",
     .type  = HTTPSRC_PARAM_LIST,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "List of fields and the type to cast them to of the form "
              "field1:type,field2:type, or a single type to cast the entire "
              "value. Valid types are int8, int16, int32, int64, float32, "
              "float64, boolean, and string.",
     .group = "transform"},
    {.name = NULL},
};

static void cast_destroy(void *state)
{
        cast_state *st = state;
        smt_list_free(st->host, &st->fields);
        st->host->free(st->types);
        st->host->free(st->order);
        st->host->free(st);
}

/* Schema.Type.valueOf(s.trim().toUpperCase(Locale.ROOT)), T_NONE if none. */
static cast_type type_of(const char *s)
{
        char up[16];
        size_t n = 0;

        while (smt_is_space(*s))
                s++;
        for (; *s && n < sizeof(up) - 1; s++)
                up[n++] = (char)toupper((unsigned char)*s);
        while (n && smt_is_space(up[n - 1]))
                n--;
        up[n] = '\0';
        for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++)
                if (!strcmp(up, type_names[i]))
                        return (cast_type)i;
        return T_NONE;
}

static int cast_type_of(cast_state *st, const char *text, cast_type *out)
{
        const struct httpsrc_host_api *host = st->host;

        *out = type_of(text);
        if (*out == T_NONE)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": Invalid type found in casting "
                                           "spec: %s",
                                       text);
        if (*out > T_STRING)
                return host->set_error(
                    st->ctx, HTTPSRC_ERR_INVAL,
                    WHO ": Cast transformation does not support casting to "
                        "%s; supported types are " SUPPORTED_OUTPUT,
                    type_names[*out]);
        return HTTPSRC_OK;
}

/* One spec entry: "type" (the whole value) or "field:type". */
static int cast_parse_entry(cast_state *st, const char *entry, size_t i)
{
        const struct httpsrc_host_api *host = st->host;
        smt_list parts;

        if (smt_split_colon(host, entry, &parts) < 0)
                return HTTPSRC_ERR_NOMEM;
        int rc = HTTPSRC_OK;
        if (parts.n == 0 || parts.n > 2) {
                rc = host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                     WHO ": spec: Invalid cast mapping: %s "
                                         "(expected field:type or type)",
                                     entry);
        } else if (parts.n == 1) {
                rc           = cast_type_of(st, parts.items[0], &st->whole);
                st->types[i] = T_NONE;
        } else {
                rc            = cast_type_of(st, parts.items[1], &st->types[i]);
                const char *b = parts.items[0], *e = b + strlen(b);
                while (b < e && smt_is_space(*b))
                        b++;
                while (e > b && smt_is_space(e[-1]))
                        e--;
                if (rc == HTTPSRC_OK &&
                    smt_list_add(host, &st->fields, b, e) < 0)
                        rc = HTTPSRC_ERR_NOMEM;
        }
        smt_list_free(host, &parts);
        return rc;
}

static int cast_configure(cast_state *st, const char *spec)
{
        const struct httpsrc_host_api *host = st->host;
        smt_list entries;

        if (smt_list_parse(host, spec, &entries) < 0)
                return HTTPSRC_ERR_NOMEM;
        int rc = HTTPSRC_OK;
        if (!entries.n)
                rc = host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                     WHO ": spec: Must specify at least one "
                                         "field to cast.");
        if (rc == HTTPSRC_OK &&
            !(st->types = host->alloc(entries.n * sizeof(*st->types))))
                rc = HTTPSRC_ERR_NOMEM;
        size_t nf = 0;
        for (size_t i = 0; rc == HTTPSRC_OK && i < entries.n; i++) {
                rc = cast_parse_entry(st, entries.items[i], nf);
                if (st->fields.n > nf)
                        nf++;
        }
        if (rc == HTTPSRC_OK && st->whole != T_NONE && entries.n > 1)
                rc = host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                     WHO ": Cast transformations that "
                                         "specify a type to cast the entire "
                                         "value to may only specify a "
                                         "single cast in their spec");
        smt_list_free(host, &entries);
        if (rc < 0 || st->whole != T_NONE)
                return rc;
        st->order = host->alloc(st->fields.n * sizeof(*st->order));
        if (!st->order)
                return HTTPSRC_ERR_NOMEM;
        /* casts = new HashMap<>(), put in spec order */
        st->n_order = jhm_order(host, (const char *const *)st->fields.items,
                                st->fields.n, JHM_DEFAULT_CAPACITY, st->order);
        return st->n_order == SIZE_MAX ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static int
cast_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state, smt_part part)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *spec                    = host->conf_get(ctx, "spec");

        if (!spec)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": spec must be set");
        cast_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host  = host;
        st->ctx   = ctx;
        st->part  = part;
        st->whole = T_NONE;
        int rc    = cast_configure(st, spec);
        if (rc < 0) {
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                cast_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

static int cast_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return cast_create(ctx, plugin_ctx, state, SMT_VALUE);
}

static int cast_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return cast_create(ctx, plugin_ctx, state, SMT_KEY);
}

/* ------------------------------------------------------------------ */
/* castValueToType                                                      */

/* A value as Java sees it. */
typedef struct jvalue {
        enum { J_LONG, J_DOUBLE, J_BOOL, J_STRING } kind;
        int64_t l;
        double d;
        int b;
        const char *s;
} jvalue;

/* (int) d and (long) d: NaN is 0, out of range saturates. */
static int64_t java_d2l(double d, int64_t min, int64_t max)
{
        if (isnan(d))
                return 0;
        if (d <= (double)min)
                return min;
        if (d >= (double)max)
                return max;
        return (int64_t)d;
}

/* Number.longValue() / intValue() of @p v (a number). */
static int64_t number_as(const jvalue *v, int64_t min, int64_t max)
{
        if (v->kind == J_DOUBLE)
                return java_d2l(v->d, min, max);
        if (min == INT64_MIN)
                return v->l;
        return (int64_t)(int32_t)(uint32_t)(uint64_t)v->l;
}

/* The integral result of a cast to @p bits wide ints, in *out. */
static int cast_to_int(const jvalue *v, int bits, int64_t *out)
{
        int64_t min = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
        int64_t max = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;

        switch (v->kind) {
        case J_BOOL:
                *out = v->b;
                return 0;
        case J_STRING:
                return jtext_parse_int(v->s, min, max, out);
        default:
                break;
        }
        /* byteValue() is (byte)intValue(): truncate to int, then wrap */
        int64_t x = bits == 64 ? number_as(v, INT64_MIN, INT64_MAX)
                               : number_as(v, INT32_MIN, INT32_MAX);
        if (bits == 8)
                x = (int8_t)(uint8_t)(uint64_t)x;
        else if (bits == 16)
                x = (int16_t)(uint16_t)(uint64_t)x;
        *out = x;
        return 0;
}

static int cast_to_real(const jvalue *v, int is_float, double *out)
{
        switch (v->kind) {
        case J_BOOL:
                *out = v->b ? 1.0 : 0.0;
                return 0;
        case J_STRING:
                return jtext_parse_real(v->s, is_float, out);
        case J_LONG:
                *out = is_float ? (double)(float)v->l : (double)v->l;
                return 0;
        default:
                *out = is_float ? (double)(float)v->d : v->d;
                return 0;
        }
}

static int java_equals_ignore_case(const char *a, const char *b)
{
        for (; *a && *b; a++, b++)
                if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
                        return 0;
        return *a == *b;
}

static httpsrc_json *
real_json(const struct httpsrc_host_api *host, double d, int is_float)
{
        char text[JTEXT_NUM_MAX];

        if (is_float)
                jtext_float((float)d, text);
        else
                jtext_double(d, text);
        /* Jackson quotes non-numeric numbers by default */
        if (isnan(d) || isinf(d))
                return host->json_new_string(text);
        return host->json_new_number(text);
}

/* Object.toString() of @p v. */
static httpsrc_json *string_json(const struct httpsrc_host_api *host,
                                 const jvalue *v)
{
        char text[JTEXT_NUM_MAX];

        switch (v->kind) {
        case J_STRING:
                return host->json_new_string(v->s);
        case J_BOOL:
                return host->json_new_string(v->b ? "true" : "false");
        case J_LONG:
                snprintf(text, sizeof(text), "%" PRId64, v->l);
                return host->json_new_string(text);
        default:
                jtext_double(v->d, text);
                return host->json_new_string(text);
        }
}

/* The cast of @p v: *out, or -1 where Java throws NumberFormatException. */
static int cast_jvalue(const struct httpsrc_host_api *host,
                       const jvalue *v,
                       cast_type t,
                       httpsrc_json **out)
{
        char text[24];
        int64_t l;
        double d;

        switch (t) {
        case T_INT8:
        case T_INT16:
        case T_INT32:
        case T_INT64:
                if (cast_to_int(v, 8 << (t - T_INT8), &l))
                        return -1;
                snprintf(text, sizeof(text), "%" PRId64, l);
                *out = host->json_new_number(text);
                return 0;
        case T_FLOAT32:
        case T_FLOAT64:
                if (cast_to_real(v, t == T_FLOAT32, &d))
                        return -1;
                *out = real_json(host, d, t == T_FLOAT32);
                return 0;
        case T_BOOLEAN:
                if (v->kind == J_STRING)
                        *out = host->json_new_bool(
                            java_equals_ignore_case(v->s, "true"));
                else if (v->kind == J_BOOL)
                        *out = host->json_new_bool(v->b);
                else
                        *out = host->json_new_bool(
                            number_as(v, INT64_MIN, INT64_MAX) != 0);
                return 0;
        default:
                *out = string_json(host, v);
                return 0;
        }
}

/* The JSON @p j (not null) as Jackson's untyped reading gives it. */
static int
to_jvalue(cast_state *st, const char *what, const httpsrc_json *j, jvalue *v)
{
        const struct httpsrc_host_api *host = st->host;
        int type                            = host->json_type(j);

        memset(v, 0, sizeof(*v));
        if (type == HTTPSRC_JSON_BOOL) {
                v->kind = J_BOOL;
                v->b    = host->json_bool(j);
                return HTTPSRC_OK;
        }
        if (type == HTTPSRC_JSON_STRING) {
                v->kind = J_STRING;
                v->s    = host->json_string(j);
                return HTTPSRC_OK;
        }
        if (type == HTTPSRC_JSON_NUMBER) {
                const char *num = host->json_number_text(j);
                if (strpbrk(num, ".eE")) {
                        v->kind = J_DOUBLE;
                        v->d    = strtod(num, NULL);
                        return HTTPSRC_OK;
                }
                v->kind = J_LONG;
                if (!jtext_parse_int(num, INT64_MIN, INT64_MAX, &v->l))
                        return HTTPSRC_OK;
                return host->set_error(
                    st->ctx, HTTPSRC_ERR_INVAL,
                    WHO ": %s: Cast transformation was passed a value of "
                        "type class java.math.BigInteger which is not "
                        "supported by Connect's data API",
                    what);
        }
        return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                               WHO ": %s: Cast transformation does not "
                                   "support casting from %s; supported types "
                                   "are " SUPPORTED_INPUT,
                               what,
                               type == HTTPSRC_JSON_ARRAY ? "ARRAY" : "MAP");
}

/* castValueToType(@p j, @p t); @p what names the operand in errors. */
static int cast_value(cast_state *st,
                      const char *what,
                      const httpsrc_json *j,
                      cast_type t,
                      httpsrc_json **out)
{
        const struct httpsrc_host_api *host = st->host;
        jvalue v;

        *out = NULL;
        if (!j || host->json_type(j) == HTTPSRC_JSON_NULL) {
                *out = host->json_new_null();
                return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        }
        int rc = to_jvalue(st, what, j, &v);
        if (rc < 0)
                return rc;
        if (cast_jvalue(host, &v, t, out) < 0)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": %s: Value (%s) was out of "
                                           "range for requested data type "
                                           "(%s)",
                                       what, v.s, type_names[t]);
        return *out ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

static int
cast_fields(void *state, jhm_map *m, const httpsrc_json *v, httpsrc_record *rec)
{
        cast_state *st                      = state;
        const struct httpsrc_host_api *host = st->host;
        int rc                              = jhm_map_copy_object(m, v);

        for (size_t i = 0; rc == HTTPSRC_OK && i < st->n_order; i++) {
                const char *field = st->fields.items[st->order[i]];
                cast_type t       = T_NONE;
                /* the last spec of a field wins, as in a HashMap */
                for (size_t k = 0; k < st->fields.n; k++)
                        if (!strcmp(st->fields.items[k], field))
                                t = st->types[k];
                const httpsrc_json *f = host->json_get(v, field);
                char what[300];
                snprintf(what, sizeof(what), "field '%s'", field);
                httpsrc_json *val;
                rc = cast_value(st, what, f, t, &val);
                if (rc == HTTPSRC_OK)
                        rc = jhm_map_put(m, field, val);
        }
        return rc;
}

static int cast_apply(void *state, httpsrc_record *rec)
{
        cast_state *st                      = state;
        const struct httpsrc_host_api *host = st->host;
        const httpsrc_json *v;
        httpsrc_json *owned;

        int rc = smt_get(host, st->ctx, WHO, st->part, rec, &v, &owned);
        if (rc < 0 || !v)
                return rc; /* a tombstone passes unchanged */
        if (st->whole == T_NONE) {
                rc = smt_rebuild_object(host, st->ctx, WHO, st->part, rec, v,
                                        cast_fields, st);
        } else {
                httpsrc_json *out;
                rc =
                    cast_value(st, smt_part_name(st->part), v, st->whole, &out);
                if (rc == HTTPSRC_OK)
                        rc = smt_set(host, st->ctx, st->part, rec, out);
                else if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(st->ctx, rc, "out of memory");
                host->json_destroy(out);
        }
        host->json_destroy(owned);
        return rc;
}

static const httpsrc_transform_ops cast_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.Cast$Value",
    .description = "Cast fields of the record value, or the whole value, to "
                   "another primitive type",
    .params      = cast_params,
    .create      = cast_create_value,
    .apply       = cast_apply,
    .destroy     = cast_destroy,
};

static const httpsrc_transform_ops cast_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.Cast$Key",
    .description = "Cast fields of the record key, or the whole key, to "
                   "another primitive type",
    .params      = cast_params,
    .create      = cast_create_key,
    .apply       = cast_apply,
    .destroy     = cast_destroy,
};

static int cast_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        if (smt_host_check(host, errstr, errstr_size))
                return HTTPSRC_ERR_PLUGIN_INIT;
        static const void *const ops[] = {&cast_value_ops, &cast_key_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_cast",
                      "0.1.0",
                      "Transform Cast ($Value, $Key)",
                      cast_init,
                      plugin_host_fini)
