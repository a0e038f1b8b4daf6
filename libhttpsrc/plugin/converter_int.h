/* converter module: a record's key or value (JSON bytes, as selected from
 * the response and changed by transforms) -> the bytes written to Kafka,
 * as Kafka Connect's converters write them. */
#ifndef HTTPSRC_CONVERTER_INT_H
#define HTTPSRC_CONVERTER_INT_H

#include <stddef.h>

#include "util_int.h"

typedef struct converter converter;

#define CONVERTER_JSON   "org.apache.kafka.connect.json.JsonConverter"
#define CONVERTER_STRING "org.apache.kafka.connect.storage.StringConverter"
#define CONVERTER_BYTES  "org.apache.kafka.connect.converters.ByteArrayConverter"

/** The i-th supported converter class (the names above, in that order);
 *  NULL past the last. */
const char *converter_class_at(size_t i);
/** The class of @p name (a class above or its short name), else NULL. */
const char *converter_class_of(const char *name);

/**
 * @p cls: one of the class names above (the short names JsonConverter,
 * StringConverter, ByteArrayConverter are accepted too). @p schemas_enable
 * applies to JsonConverter only. @p key_name ("key.converter" or
 * "value.converter") names the key in errors:
 *   "value.converter: unknown converter 'X' (supported: ...)".
 */
converter *converter_new(const char *key_name,
                         const char *cls,
                         int schemas_enable,
                         char *errstr,
                         size_t errstr_size);
void converter_destroy(converter *c); /* NULL-safe */

/** 1 when the output equals the input (JsonConverter, schemas off), so
 *  the caller can skip convert() on the hot path. The one exception is a
 *  null value: NULL or the literal null is Kafka null (see below). */
int converter_is_identity(const converter *c);

/**
 * Convert @p json (@p len bytes of valid JSON; NULL = a null key/value).
 * Appends the output to @p out (reset first) and sets *out_null when the
 * Kafka key/value must be null. Rules:
 *  - JsonConverter, schemas off: the JSON as is.
 *  - JsonConverter, schemas on: {"schema":<inferred>,"payload":<json>}
 *    with the schema inferred from the value as Connect's
 *    JsonConverter.asJsonSchema() would write it for the matching Connect
 *    schema: string -> {"type":"string","optional":false}, integer ->
 *    int64, other number -> double, true/false -> boolean, null -> optional
 *    string (payload null), object -> struct with "fields" in document
 *    order (each {<schema>,"field":"<name>"}), array -> "array" with
 *    "items" inferred from the first element (string if empty). A null
 *    key/value (@p json NULL or the literal null) is Kafka null
 *    (*out_null = 1), as JsonConverter returns null for a null value
 *    without schema.
 *  - StringConverter: a JSON string -> its UTF-8 content; anything else ->
 *    its compact JSON text. NULL or the literal null -> Kafka null.
 *  - ByteArrayConverter: the JSON bytes as they are (NULL -> Kafka null;
 *    the literal null stays the 4 bytes "null").
 * Also with schemas off JsonConverter writes the literal null as Kafka null
 * (Connect's fromConnectData(null) is null). The input is assumed valid
 * JSON; where it is parsed (schemas on, StringConverter) a parse error is
 * HTTPSRC_ERR_PARSE with "<key_name>: invalid JSON at byte N: ...". On
 * success and not *out_null, out->buf is NUL-terminated (the output
 * itself may hold NULs).
 * Returns HTTPSRC_OK or an error with errstr.
 */
int converter_convert(const converter *c,
                      const char *json,
                      size_t len,
                      strbuf *out,
                      int *out_null,
                      char *errstr,
                      size_t errstr_size);

#endif
