/* Converters: a record's JSON -> the bytes Kafka Connect's JsonConverter,
 * StringConverter or ByteArrayConverter would write for it. */
#include "converter_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "json_int.h"

typedef enum converter_kind {
        CONVERTER_KIND_JSON,
        CONVERTER_KIND_STRING,
        CONVERTER_KIND_BYTES,
} converter_kind;

struct converter {
        converter_kind kind;
        int schemas_enable;
        char *key_name; /* "key.converter" / "value.converter" in errors */
};

static const struct {
        const char *cls;
        const char *short_name;
        converter_kind kind;
} converter_classes[] = {
    {CONVERTER_JSON, "JsonConverter", CONVERTER_KIND_JSON},
    {CONVERTER_STRING, "StringConverter", CONVERTER_KIND_STRING},
    {CONVERTER_BYTES, "ByteArrayConverter", CONVERTER_KIND_BYTES},
};

#define N_CLASSES (sizeof(converter_classes) / sizeof(converter_classes[0]))

/* Index of class @p name (full or short), or -1. */
static int class_index(const char *name)
{
        for (size_t i = 0; name && i < N_CLASSES; i++)
                if (!strcmp(name, converter_classes[i].cls) ||
                    !strcmp(name, converter_classes[i].short_name))
                        return (int)i;
        return -1;
}

const char *converter_class_at(size_t i)
{
        return i < N_CLASSES ? converter_classes[i].cls : NULL;
}

const char *converter_class_of(const char *name)
{
        int i = class_index(name);
        return i < 0 ? NULL : converter_classes[i].cls;
}

static int find_class(const char *cls, converter_kind *kind)
{
        int i = class_index(cls);
        if (i >= 0)
                *kind = converter_classes[i].kind;
        return i < 0 ? -1 : 0;
}

converter *converter_new(const char *key_name,
                         const char *cls,
                         int schemas_enable,
                         char *errstr,
                         size_t errstr_size)
{
        if (!key_name)
                key_name = "converter";
        converter_kind kind;
        if (find_class(cls, &kind)) {
                errstr_set(errstr, errstr_size,
                           "%s: unknown converter '%s' (supported: %s, %s, "
                           "%s)",
                           key_name, cls ? cls : "", CONVERTER_JSON,
                           CONVERTER_STRING, CONVERTER_BYTES);
                return NULL;
        }
        converter *c = calloc(1, sizeof(*c));
        if (c)
                c->key_name = xstrdup(key_name);
        if (!c || !c->key_name) {
                free(c);
                errstr_set(errstr, errstr_size, "%s: out of memory", key_name);
                return NULL;
        }
        c->kind           = kind;
        c->schemas_enable = kind == CONVERTER_KIND_JSON && schemas_enable;
        return c;
}

void converter_destroy(converter *c)
{
        if (!c)
                return;
        free(c->key_name);
        free(c);
}

int converter_is_identity(const converter *c)
{
        return c && c->kind == CONVERTER_KIND_JSON && !c->schemas_enable;
}

/* ---- schema inference (JsonConverter.asJsonSchema layout) ---- */

static int write_schema(strbuf *sb, const httpsrc_json *v);

/* Integer syntax that fits a Java long: Connect's INT64. */
static int is_int64(const char *text)
{
        if (strpbrk(text, ".eE"))
                return 0;
        char *end;
        errno = 0;
        (void)strtoll(text, &end, 10);
        return errno != ERANGE && *end == '\0';
}

static int write_primitive(strbuf *sb, const char *type, int optional)
{
        return sb_printf(sb, "{\"type\":\"%s\",\"optional\":%s}", type,
                         optional ? "true" : "false");
}

/* Connect writes "optional" after "items"/"fields"; a struct field adds
 * "field" after that, hence the schema's closing brace is left to the
 * caller. */
static int write_array_schema(strbuf *sb, const httpsrc_json *v)
{
        if (sb_puts(sb, "{\"type\":\"array\",\"items\":"))
                return -1;
        int rc = json_len(v) ? write_schema(sb, json_at(v, 0))
                             : write_primitive(sb, "string", 0);
        return rc ? -1 : sb_puts(sb, ",\"optional\":false}");
}

/* A field is its value's schema with "field":"<name>" appended inside. */
static int write_field(strbuf *sb, const httpsrc_json *obj, size_t i)
{
        if (write_schema(sb, json_at(obj, i)))
                return -1;
        sb->buf[--sb->len] = '\0'; /* reopen the schema: drop its '}' */
        return sb_puts(sb, ",\"field\":") ||
               json_write_string(sb, json_key_at(obj, i),
                                 json_key_len_at(obj, i)) ||
               sb_putc(sb, '}');
}

static int write_struct_schema(strbuf *sb, const httpsrc_json *v)
{
        if (sb_puts(sb, "{\"type\":\"struct\",\"fields\":["))
                return -1;
        for (size_t i = 0; i < json_len(v); i++)
                if ((i && sb_putc(sb, ',')) || write_field(sb, v, i))
                        return -1;
        return sb_puts(sb, "],\"optional\":false}");
}

static int write_schema(strbuf *sb, const httpsrc_json *v)
{
        switch (json_type(v)) {
        case HTTPSRC_JSON_BOOL:
                return write_primitive(sb, "boolean", 0);
        case HTTPSRC_JSON_NUMBER:
                return write_primitive(
                    sb, is_int64(json_number_text(v)) ? "int64" : "double", 0);
        case HTTPSRC_JSON_STRING:
                return write_primitive(sb, "string", 0);
        case HTTPSRC_JSON_ARRAY:
                return write_array_schema(sb, v);
        case HTTPSRC_JSON_OBJECT:
                return write_struct_schema(sb, v);
        default: /* null: Connect's optional string, as a missing value */
                return write_primitive(sb, "string", 1);
        }
}

static int write_envelope(strbuf *sb, const httpsrc_json *v)
{
        return sb_puts(sb, "{\"schema\":") || write_schema(sb, v) ||
               sb_puts(sb, ",\"payload\":") || json_write(sb, v) ||
               sb_putc(sb, '}');
}

/* ---- conversion ---- */

static int
write_converted(const converter *c, strbuf *out, const httpsrc_json *v)
{
        if (c->kind == CONVERTER_KIND_STRING &&
            json_type(v) == HTTPSRC_JSON_STRING)
                return sb_append(out, json_string(v), json_string_len(v));
        if (c->schemas_enable)
                return write_envelope(out, v);
        return json_write(out, v);
}

static int nomem(const converter *c, char *errstr, size_t errstr_size)
{
        errstr_set(errstr, errstr_size, "%s: out of memory", c->key_name);
        return HTTPSRC_ERR_NOMEM;
}

/* The bytes as given: ByteArrayConverter, and JsonConverter without
 * schemas (its input is already the JSON Jackson would write). */
static int copy_bytes(const converter *c,
                      const char *json,
                      size_t len,
                      strbuf *out,
                      char *errstr,
                      size_t errstr_size)
{
        if (sb_append(out, json, len))
                return nomem(c, errstr, errstr_size);
        return HTTPSRC_OK;
}

static int is_literal_null(const char *json, size_t len)
{
        while (len && json_is_space((unsigned char)*json)) {
                json++;
                len--;
        }
        while (len && json_is_space((unsigned char)json[len - 1]))
                len--;
        return len == 4 && !memcmp(json, "null", 4);
}

int converter_convert(const converter *c,
                      const char *json,
                      size_t len,
                      strbuf *out,
                      int *out_null,
                      char *errstr,
                      size_t errstr_size)
{
        if (!c || !out || !out_null) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: converter, out and out_null "
                           "are required");
                return HTTPSRC_ERR_INVAL;
        }
        sb_reset(out);
        *out_null = !json || (c->kind != CONVERTER_KIND_BYTES &&
                              is_literal_null(json, len));
        if (*out_null)
                return HTTPSRC_OK;
        if (c->kind == CONVERTER_KIND_BYTES || converter_is_identity(c))
                return copy_bytes(c, json, len, out, errstr, errstr_size);
        char err[256];
        httpsrc_json *v = json_parse(json, len, err, sizeof(err));
        if (!v) {
                errstr_set(errstr, errstr_size, "%s: %s", c->key_name, err);
                return HTTPSRC_ERR_PARSE;
        }
        int rc = write_converted(c, out, v) || sb_append(out, "", 0);
        json_destroy(v);
        return rc ? nomem(c, errstr, errstr_size) : HTTPSRC_OK;
}
