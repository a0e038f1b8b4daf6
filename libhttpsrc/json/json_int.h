/* json module: an owned JSON tree (parsed with yajl) and a serializer that
 * writes the bytes Kafka Connect's JsonConverter (Jackson) would. */
#ifndef HTTPSRC_JSON_INT_H
#define HTTPSRC_JSON_INT_H

#include <stddef.h>

#include "httpsrc/plugin.h"
#include "util_int.h"

/** Default maximum nesting depth accepted by json_parse(). */
#define JSON_MAX_DEPTH 128

/**
 * Parse exactly one JSON value from @p text (@p len bytes, need not be
 * NUL-terminated). Numbers keep their original text. Strings are UTF-8 and
 * may contain NUL (json_string_len gives the length).
 * On error: NULL and errstr like "invalid JSON at byte 17: <yajl reason>",
 * "JSON nested deeper than 128 levels", "empty JSON document".
 */
httpsrc_json *
json_parse(const char *text, size_t len, char *errstr, size_t errstr_size);
/** json_parse() that also gives, on a syntax error, the byte offset it was
 *  found at in @p err_at (SIZE_MAX for errors without a place). */
httpsrc_json *json_parse_at(const char *text,
                            size_t len,
                            char *errstr,
                            size_t errstr_size,
                            size_t *err_at);
/** For text a person wrote (configs, REST bodies): 0 if @p text (valid
 *  JSON) has no string escape that json_parse() would have to alter, else
 *  -1, the byte offset of the escape in *@p at and the reason in @p why:
 *  "\\u0000 is not allowed (a NUL would cut the text short)" or "\\ud800
 *  is an unpaired UTF-16 surrogate, not a character" (json_parse() gives
 *  '?' for it: a name "\\ud800x" became "?x"). @p nul_ok: \\u0000 is
 *  left to the caller (which names the key it is in). */
int json_check_text(const char *text,
                    size_t len,
                    int nul_ok,
                    size_t *at,
                    char *why,
                    size_t why_size);
/** Length of the well-formed UTF-8 sequence at @p s (1..4 of the @p n
 *  bytes), 0 if none: strict (no overlongs, surrogates or code points past
 *  U+10FFFF), as JSON text must be. */
size_t json_utf8_len(const unsigned char *s, size_t n);
/** 1-based line and column (in characters: UTF-8 continuation bytes do not
 *  count) of byte @p at of @p text, for messages a person reads. */
void json_line_col(const char *text, size_t at, size_t *line, size_t *col);
void json_destroy(httpsrc_json *v); /* NULL-safe */

int json_type(const httpsrc_json *v); /* httpsrc_json_type; NULL -> NULL */
const httpsrc_json *json_get(const httpsrc_json *obj, const char *key);
const httpsrc_json *json_at(const httpsrc_json *v, size_t i);
const char *json_key_at(const httpsrc_json *obj, size_t i);
size_t json_len(const httpsrc_json *v);
const char *json_string(const httpsrc_json *v);
size_t json_string_len(const httpsrc_json *v);
const char *json_number_text(const httpsrc_json *v);
int json_bool(const httpsrc_json *v);

/** Append compact JSON (Jackson style: escapes only '"', '\\' and control
 *  characters, \uXXXX upper-case hex except \b \f \n \r \t; non-ASCII
 *  written as UTF-8; numbers as their original text) to @p sb. */
int json_write(strbuf *sb, const httpsrc_json *v);
/** Append @p s as a JSON string literal (quotes included), Jackson style. */
int json_write_string(strbuf *sb, const char *s, size_t len);
/** json_write into a new malloc'd string; *len may be NULL. */
char *json_serialize(const httpsrc_json *v, size_t *len);
/** Scalar as text (malloc'd): string value, number text, "true"/"false";
 *  NULL for null, arrays, objects. */
char *json_scalar_text(const httpsrc_json *v);
/** What @p v is, for messages: "an object with members data, paging",
 *  "an empty object", "an array of 3 elements", "a string", "null"...
 *  Member names are printed as untrusted text (escaped, at most 8 named).
 *  Returns 0, or -1 on ENOMEM. */
int json_describe(const httpsrc_json *v, strbuf *out);

/* Building. *_put / *_push take ownership of @p val (also on failure). */
httpsrc_json *json_new_object(void);
httpsrc_json *json_new_array(void);
httpsrc_json *json_new_string(const char *s);
httpsrc_json *json_new_stringn(const char *s, size_t len);
httpsrc_json *json_new_number(const char *text); /* text must be valid */
httpsrc_json *json_new_bool(int b);
httpsrc_json *json_new_null(void);
/** Set member @p key (replacing an existing one, keeping its position). */
int json_object_put(httpsrc_json *obj, const char *key, httpsrc_json *val);
int json_array_push(httpsrc_json *arr, httpsrc_json *val);
httpsrc_json *json_clone(const httpsrc_json *v);

/** Length of the key of member @p i (keys may contain NUL); 0 if none. */
size_t json_key_len_at(const httpsrc_json *obj, size_t i);

/* ---- Shared yajl driver (json.c, jsonpath.c). Not for other modules. ---- */
#include <yajl/yajl_parse.h>

/** State of one pass of yajl over a complete buffer. Embed it first in the
 *  yajl callback context; callbacks cancel by returning 0 after setting
 *  rc (and errstr for parse errors). */
typedef struct json_scan {
        yajl_handle h;
        const char *text;
        size_t len;
        size_t max_depth; /* open containers allowed */
        size_t depth;     /* open containers now */
        int completing;   /* inside yajl_complete_parse(): tokens end at len */
        int rc;           /* why a callback cancelled (HTTPSRC_ERR_*, user) */
        size_t err_end;   /* 1 + the byte offset of a syntax error; 0: none */
        char *errstr;
        size_t errstr_size;
} json_scan;

/** Nonzero for the bytes yajl treats as whitespace. */
int json_is_space(unsigned char c);
/** The same as a table, for scanners' inner loops. */
extern const unsigned char json_space[256];
/** Offset just past the token the current callback reports. */
size_t json_scan_tok_end(const json_scan *s);
/** A container opens: 0, or -1 with the depth error set. */
int json_scan_push(json_scan *s);
/** A value at depth 0 ended at json_scan_tok_end(): 0, or -1 with
 *  "trailing data after JSON value at byte N" (N 0-based) set. */
int json_scan_root_done(json_scan *s);
/** Run yajl over s->text (s->text, len, max_depth, errstr preset).
 *  Returns HTTPSRC_OK, s->rc if a callback cancelled, or HTTPSRC_ERR_PARSE
 *  ("empty JSON document", "invalid JSON at byte N: <yajl reason>"). */
int json_scan_run(json_scan *s, const yajl_callbacks *cb, void *ctx);

/** Find top-level member @p name of the JSON object in @p text without
 *  building a tree: 1 (and the value's raw span), 0 (no such member), or
 *  -1 (not an object, escaped keys, malformed: parse it instead). Never
 *  reads past @p len. */
int json_member_span(const char *text,
                     size_t len,
                     const char *name,
                     const char **raw,
                     size_t *raw_len);
int json_member_span_n(const char *text,
                       size_t len,
                       const char *name,
                       size_t nlen,
                       const char **raw,
                       size_t *raw_len);
/** The same for element @p index of a JSON array. */
int json_element_span(const char *text,
                      size_t len,
                      size_t index,
                      const char **raw,
                      size_t *raw_len);

#endif
