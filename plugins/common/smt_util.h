/* Shared pieces of the built-in Kafka Connect transforms: ConfigDef LIST
 * values, Java's String.split(":"), and reading/writing the record key or
 * value the transform operates on (the $Key / $Value variants). Header-only,
 * see java_hashmap.h.
 *
 * Records hold JSON bytes; in Kafka Connect terms (schemaless) a JSON
 * object is a java.util.Map, an absent value (a tombstone) or a JSON null
 * is null. */
#ifndef HTTPSRC_PLUGINS_SMT_UTIL_H
#define HTTPSRC_PLUGINS_SMT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "httpsrc/plugin.h"
#include "plugin_util.h"

/** A list of owned strings. */
typedef struct smt_list {
        char **items;
        size_t n;
} smt_list;

static inline void smt_list_free(const struct httpsrc_host_api *host,
                                 smt_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                host->free(l->items[i]);
        host->free(l->items);
        l->items = NULL;
        l->n     = 0;
}

/** Append a copy of [b, e) to @p l. */
static inline int smt_list_add(const struct httpsrc_host_api *host,
                               smt_list *l,
                               const char *b,
                               const char *e)
{
        char **ni = host->realloc(l->items, (l->n + 1) * sizeof(*ni));
        if (!ni)
                return HTTPSRC_ERR_NOMEM;
        l->items = ni;
        char *s  = host->alloc((size_t)(e - b) + 1);
        if (!s)
                return HTTPSRC_ERR_NOMEM;
        memcpy(s, b, (size_t)(e - b));
        s[e - b]       = '\0';
        l->items[l->n] = s;
        l->n++;
        return HTTPSRC_OK;
}

static inline int smt_is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
               c == '\v';
}

/** Kafka's ConfigDef LIST: trim, then split on \s*,\s* keeping empty
 *  entries; an all-blank (or NULL) value is the empty list. */
static inline int smt_list_parse(const struct httpsrc_host_api *host,
                                 const char *value,
                                 smt_list *l)
{
        l->items = NULL;
        l->n     = 0;
        if (!value)
                return HTTPSRC_OK;
        const char *b = value, *e = value + strlen(value);
        while (b < e && smt_is_space(*b))
                b++;
        while (e > b && smt_is_space(e[-1]))
                e--;
        if (b == e)
                return HTTPSRC_OK;
        for (;;) {
                const char *c  = memchr(b, ',', (size_t)(e - b));
                const char *fe = c ? c : e, *fb = b;
                while (fb < fe && smt_is_space(*fb))
                        fb++;
                while (fe > fb && smt_is_space(fe[-1]))
                        fe--;
                if (smt_list_add(host, l, fb, fe) < 0) {
                        smt_list_free(host, l);
                        return HTTPSRC_ERR_NOMEM;
                }
                if (!c)
                        return HTTPSRC_OK;
                b = c + 1;
        }
}

/** Java's s.split(":"): without a ':' the whole string (even ""), else
 *  the parts between colons less trailing empty ones (":" gives none). */
static inline int smt_split_colon(const struct httpsrc_host_api *host,
                                  const char *s,
                                  smt_list *parts)
{
        int has_colon = strchr(s, ':') != NULL;

        parts->items = NULL;
        parts->n     = 0;
        for (;;) {
                const char *c = strchr(s, ':');
                const char *e = c ? c : s + strlen(s);
                if (smt_list_add(host, parts, s, e) < 0) {
                        smt_list_free(host, parts);
                        return HTTPSRC_ERR_NOMEM;
                }
                if (!c)
                        break;
                s = c + 1;
        }
        while (has_colon && parts->n > 0 && !parts->items[parts->n - 1][0])
                host->free(parts->items[--parts->n]);
        return HTTPSRC_OK;
}

/** The list as Java's List.toString() writes it: [a, b]. NULL when out of
 *  memory; free with host->free. */
static inline char *smt_list_text(const struct httpsrc_host_api *host,
                                  const smt_list *l)
{
        size_t len = 3;
        for (size_t i = 0; i < l->n; i++)
                len += strlen(l->items[i]) + 2;
        char *s = host->alloc(len);
        if (!s)
                return NULL;
        strcpy(s, "[");
        for (size_t i = 0; i < l->n; i++) {
                if (i)
                        strcat(s, ", ");
                strcat(s, l->items[i]);
        }
        strcat(s, "]");
        return s;
}

/** 1 if @p l holds @p s. */
static inline int smt_list_has(const smt_list *l, const char *s)
{
        for (size_t i = 0; i < l->n; i++)
                if (!strcmp(l->items[i], s))
                        return 1;
        return 0;
}

/** A JSON type as error messages name it. */
static inline const char *smt_type_name(int type)
{
        switch (type) {
        case HTTPSRC_JSON_BOOL:
                return "boolean";
        case HTTPSRC_JSON_NUMBER:
                return "number";
        case HTTPSRC_JSON_STRING:
                return "string";
        case HTTPSRC_JSON_ARRAY:
                return "array";
        case HTTPSRC_JSON_OBJECT:
                return "object";
        default:
                return "null";
        }
}

/** Plugin init: 0 if @p host has the members (added during ABI 1.0) that
 *  the transforms use, else -1 with @p errstr set. */
static inline int smt_host_check(const struct httpsrc_host_api *host,
                                 char *errstr,
                                 size_t errstr_size)
{
        if (HTTPSRC_HOST_HAS(host, json_new_number) &&
            HTTPSRC_HOST_HAS(host, json_new_bool) &&
            HTTPSRC_HOST_HAS(host, json_new_null) &&
            HTTPSRC_HOST_HAS(host, json_new_array) &&
            HTTPSRC_HOST_HAS(host, rec_timestamp))
                return 0;
        if (errstr && errstr_size) {
                strncpy(errstr,
                        "host lacks JSON builders or record "
                        "timestamps (ABI 1.0 final needed)",
                        errstr_size - 1);
                errstr[errstr_size - 1] = '\0';
        }
        return -1;
}

/* ------------------------------------------------------------------ */
/* The operand: the record's key ($Key) or value ($Value).             */

/** Which part of the record a transform instance works on. */
typedef enum smt_part { SMT_VALUE = 0, SMT_KEY = 1 } smt_part;

static inline const char *smt_part_name(smt_part part)
{
        return part == SMT_KEY ? "key" : "value";
}

/**
 * The operand of @p rec as JSON: *out is NULL for a null operand (no
 * bytes, or JSON null), else the parsed value; *owned is what the caller
 * destroys afterwards (a parsed key; the value is cached by the host).
 * Errors (set on @p ctx, prefixed with @p who): bytes that are not JSON.
 */
static inline int smt_get(const struct httpsrc_host_api *host,
                          httpsrc_ctx *ctx,
                          const char *who,
                          smt_part part,
                          httpsrc_record *rec,
                          const httpsrc_json **out,
                          httpsrc_json **owned)
{
        size_t len;
        const httpsrc_json *v;

        *out   = NULL;
        *owned = NULL;
        if (part == SMT_KEY) {
                const void *k = host->rec_key(rec, &len);
                if (!k)
                        return HTTPSRC_OK;
                *owned = host->json_parse(k, len, NULL, 0);
                v      = *owned;
        } else {
                if (!host->rec_value(rec, &len))
                        return HTTPSRC_OK;
                v = host->rec_value_json(rec);
        }
        if (!v)
                return host->set_error(ctx, HTTPSRC_ERR_PARSE,
                                       "%s: record %s is not JSON", who,
                                       smt_part_name(part));
        if (host->json_type(v) != HTTPSRC_JSON_NULL)
                *out = v;
        return HTTPSRC_OK;
}

/** Set the operand to @p v; NULL or JSON null writes no bytes at all, as
 *  JsonConverter turns a null into a null key or value (a tombstone). */
static inline int smt_set(const struct httpsrc_host_api *host,
                          httpsrc_ctx *ctx,
                          smt_part part,
                          httpsrc_record *rec,
                          const httpsrc_json *v)
{
        int rc;

        if (v && host->json_type(v) == HTTPSRC_JSON_NULL)
                v = NULL;
        if (part == SMT_KEY)
                rc = v ? host->rec_set_key_json(rec, v)
                       : host->rec_set_key(rec, NULL, 0);
        else
                rc = v ? host->rec_set_value_json(rec, v)
                       : host->rec_set_value(rec, NULL, 0);
        if (rc == HTTPSRC_ERR_NOMEM)
                host->set_error(ctx, rc, "out of memory");
        return rc;
}

/** The "requires a JSON object" error of the field transforms, which
 *  Kafka Connect raises as "Only Map objects supported in absence of
 *  schema for [...], found: <class>". */
static inline int smt_not_object(const struct httpsrc_host_api *host,
                                 httpsrc_ctx *ctx,
                                 const char *who,
                                 smt_part part,
                                 const httpsrc_json *v)
{
        return host->set_error(
            ctx, HTTPSRC_ERR_INVAL, "%s: requires a JSON object %s (got %s)",
            who, smt_part_name(part), smt_type_name(host->json_type(v)));
}

/** The state of a transform configured by one required "field" only
 *  (ExtractField, HoistField). */
typedef struct smt_field_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        smt_part part;
        char *field;
} smt_field_state;

static inline void smt_field_destroy(void *state)
{
        smt_field_state *st = state;
        st->host->free(st->field);
        st->host->free(st);
}

static inline int smt_field_create(httpsrc_ctx *ctx,
                                   void *plugin_ctx,
                                   void **state,
                                   smt_part part,
                                   const char *who)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *field                   = host->conf_get(ctx, "field");

        if (!field)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       "%s: field must be set", who);
        smt_field_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host  = host;
        st->ctx   = ctx;
        st->part  = part;
        st->field = host->strdup(field);
        if (!st->field) {
                smt_field_destroy(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        *state = st;
        return HTTPSRC_OK;
}

#endif /* HTTPSRC_PLUGINS_SMT_UTIL_H */
