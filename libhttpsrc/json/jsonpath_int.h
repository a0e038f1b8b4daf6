/* jsonpath module: compile a JSONPath subset, evaluate it on a tree, or
 * select matches straight from the raw bytes as spans (no tree built).
 *
 * Grammar: '$' followed by segments: .name  ['name']  ["name"]  [N]  [*]
 * .*  (N >= 0). Anything else (.., filters, slices, unions, negative
 * indexes) is rejected with the position of the problem.
 */
#ifndef HTTPSRC_JSONPATH_INT_H
#define HTTPSRC_JSONPATH_INT_H

#include <stddef.h>

#include "httpsrc/plugin.h"

typedef struct jsonpath jsonpath;

/** errstr e.g. "invalid JSONPath '$.a[': expected ']' at position 5". */
jsonpath *jsonpath_compile(const char *expr, char *errstr, size_t errstr_size);
void jsonpath_destroy(jsonpath *p); /* NULL-safe */
const char *jsonpath_expr(const jsonpath *p);

/** Called for every match, in document order; non-zero stops the walk
 *  and is returned by the evaluator. */
typedef int (*jsonpath_visit_fn)(void *opaque, const httpsrc_json *v);
int jsonpath_eval(const jsonpath *p,
                  const httpsrc_json *root,
                  jsonpath_visit_fn visit,
                  void *opaque);
const httpsrc_json *jsonpath_first(const jsonpath *p, const httpsrc_json *root);

/** Called for every match with the exact bytes of the matched value in the
 *  input (no surrounding whitespace); non-zero stops and is returned. */
typedef int (*jsonpath_span_fn)(void *opaque, const char *start, size_t len);

/**
 * Parse @p len bytes of JSON (validating all of it) and report the values
 * @p p matches as spans into @p text. A path that matches nothing (missing
 * member, null instead of an array) reports nothing and succeeds.
 * Returns HTTPSRC_OK, the callback's non-zero value, or HTTPSRC_ERR_PARSE
 * with errstr "invalid JSON at byte N: ..." /
 * "JSON nested deeper than D levels" (@p max_depth, 0 = JSON_MAX_DEPTH).
 */
int jsonpath_select_spans(const jsonpath *p,
                          const char *text,
                          size_t len,
                          size_t max_depth,
                          jsonpath_span_fn cb,
                          void *opaque,
                          char *errstr,
                          size_t errstr_size);

/** Where the members of a root JSON object are in the text, recorded while
 *  selecting records, so that later lookups (a cursor next to the records)
 *  need not scan the page again. */
typedef struct json_root_member {
        size_t koff, klen; /* the key's characters, quotes excluded */
        size_t voff, vlen; /* the value's bytes */
        int escaped;       /* the key has escapes: compare by parsing */
} json_root_member;

typedef struct json_root_index {
        json_root_member *v;
        size_t n, cap;
        int done; /* filled by a successful selection */
        /* members of matched objects (jsonpath_select_spans_indexed with
         * @p matched): those of the span just reported are
         * v[last_first .. last_first + last_count) */
        size_t last_first, last_count;
} json_root_index;

void json_root_index_free(json_root_index *idx);

/** Among @p n members of the text at @p base, the last one named
 *  @p name (@p nlen bytes), as a JSON object reader keeps it: 1 with
 *  *@p hit, 0 if none, -1 if a key has escapes (compare by scanning). */
int json_members_find(const json_root_member *v,
                      size_t n,
                      const char *base,
                      const char *name,
                      size_t nlen,
                      const json_root_member **hit);

/** The raw value at @p p when it is one member name of the root object
 *  found in @p idx (filled by a successful selection over @p text) that
 *  occurs there once, so that the value is the one jsonpath_first() gives
 *  on the tree: 1 and *@p raw, *@p raw_len; 0 if there is no such member;
 *  -1 when the index cannot tell (another path, a duplicate, an escaped
 *  key, no index): ask the tree. */
int jsonpath_raw_member_once(const jsonpath *p,
                             const char *text,
                             const json_root_index *idx,
                             const char **raw,
                             size_t *raw_len);

/** jsonpath_select_spans() that also records the root object's members
 *  in @p idx and the members of every matched object in @p matched (each
 *  may be NULL; see last_first/last_count in the span callback). */
int jsonpath_select_spans_indexed(const jsonpath *p,
                                  const char *text,
                                  size_t len,
                                  size_t max_depth,
                                  jsonpath_span_fn cb,
                                  void *opaque,
                                  json_root_index *idx,
                                  json_root_index *matched,
                                  char *errstr,
                                  size_t errstr_size);

/** jsonpath_raw_first() using @p idx (may be NULL) for the first member
 *  name of the path instead of scanning the root object. */
int jsonpath_raw_first_indexed(const jsonpath *p,
                               const char *text,
                               size_t len,
                               const json_root_index *idx,
                               const char **raw,
                               size_t *raw_len);

/** jsonpath_select_spans() through yajl's event parser: the reference the
 *  fast path is checked against (fuzz_jsonpath), and where its error
 *  messages come from. */
int jsonpath_select_spans_yajl(const jsonpath *p,
                               const char *text,
                               size_t len,
                               size_t max_depth,
                               jsonpath_span_fn cb,
                               void *opaque,
                               char *errstr,
                               size_t errstr_size);

/** The first match of a path of names and indexes only, found in @p text
 *  (valid JSON) by skipping, without a tree: 1 with its raw span, 0 if
 *  there is none, -1 if this cannot tell (wildcards, escaped keys,
 *  malformed text): evaluate a tree then. */
int jsonpath_raw_first(const jsonpath *p,
                       const char *text,
                       size_t len,
                       const char **raw,
                       size_t *raw_len);

#endif
