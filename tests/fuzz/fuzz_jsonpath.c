/* libFuzzer target: input = "<JSONPath>\n<JSON document>".
 *
 * Cross-checks the streaming span selector against json_parse + the tree
 * evaluator: same verdict (and error text) on validity, same matches (each
 * span re-parsed and serialized equals the evaluated value's serialization),
 * the same members in the matched index as in each matched object, and
 * json_parse(json_serialize(tree)) round-trips exactly.
 *
 * Build: clang -fsanitize=fuzzer,address -Iinclude -Ilibhttpsrc
 *        tests/fuzz/fuzz_jsonpath.c libhttpsrc/json/{json,jsonpath}.c
 *        libhttpsrc/base/util.c -lyajl */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "json_int.h"
#include "jsonpath_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct matches {
        strbuf sb;
        size_t count;
        /* spans: the matched index over doc ("$" reports no members) */
        const json_root_index *members;
        const char *doc;
} matches;

static void check(int cond, const char *what)
{
        if (!cond) {
                fprintf(stderr, "check failed: %s\n", what);
                abort();
        }
}

/* The serialization of the JSON text t[0..n), which must parse. */
static char *reserialize(const char *t, size_t n, size_t *out_len)
{
        char err[256];
        httpsrc_json *v = json_parse(t, n, err, sizeof(err));
        check(v != NULL, "member value parses");
        char *out = json_serialize(v, out_len);
        json_destroy(v);
        return out;
}

/* The matched index lists the members of the object span v just
 * reported, in order: raw key, escaped flag and value span. */
static void check_members(const matches *m, const httpsrc_json *v)
{
        const json_root_index *idx = m->members;
        check(idx->last_count == json_len(v), "members noted");
        for (size_t k = 0; k < idx->last_count; k++) {
                const json_root_member *jm = &idx->v[idx->last_first + k];
                const char *key            = m->doc + jm->koff;
                int has_escape = memchr(key, '\\', jm->klen) != NULL;
                check(jm->escaped == has_escape, "member escaped flag");
                check(has_escape || (jm->klen == json_key_len_at(v, k) &&
                                     !memcmp(key, json_key_at(v, k), jm->klen)),
                      "member key");
                size_t l1 = 0, l2 = 0;
                char *a = reserialize(m->doc + jm->voff, jm->vlen, &l1);
                char *b = json_serialize(json_at(v, k), &l2);
                check(l1 == l2 && !memcmp(a, b, l1), "member value");
                free(a);
                free(b);
        }
}

static int on_span(void *opaque, const char *start, size_t len)
{
        matches *m = opaque;
        char err[256];
        httpsrc_json *v = json_parse(start, len, err, sizeof(err));
        check(v != NULL, "span parses");
        check(len > 0 && !json_is_space((unsigned char)start[0]) &&
                  !json_is_space((unsigned char)start[len - 1]),
              "span trimmed");
        if (m->members && json_type(v) == HTTPSRC_JSON_OBJECT)
                check_members(m, v);
        sb_putc(&m->sb, '\n');
        json_write(&m->sb, v);
        json_destroy(v);
        m->count++;
        return 0;
}

static int on_value(void *opaque, const httpsrc_json *v)
{
        matches *m = opaque;
        sb_putc(&m->sb, '\n');
        json_write(&m->sb, v);
        m->count++;
        return 0;
}

static void check_roundtrip(const httpsrc_json *v)
{
        size_t len = 0;
        char *out  = json_serialize(v, &len);
        char err[256];
        httpsrc_json *again = json_parse(out, len, err, sizeof(err));
        check(again != NULL, "serialization parses");
        size_t len2 = 0;
        char *out2  = json_serialize(again, &len2);
        check(len == len2 && !memcmp(out, out2, len), "round trip");
        free(out);
        free(out2);
        json_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *nl = memchr(data, '\n', size);
        if (!nl)
                return 0;
        char *expr      = xstrndup((const char *)data, (size_t)(nl - data));
        const char *doc = (const char *)nl + 1;
        size_t len      = size - (size_t)(nl - data) - 1;
        char err[256];
        jsonpath *p = jsonpath_compile(expr, err, sizeof(err));
        free(expr);
        if (!p)
                return 0;

        char serr[256]       = "";
        json_root_index root = {0}, members = {0};
        matches spans = {.doc = doc};
        if (strcmp(jsonpath_expr(p), "$"))
                spans.members = &members;
        int rc =
            jsonpath_select_spans_indexed(p, doc, len, 0, on_span, &spans,
                                          &root, &members, serr, sizeof(serr));
        if (rc == HTTPSRC_OK) {
                /* the root index answers lookups as a scan of the text */
                const char *r1 = NULL, *r2 = NULL;
                size_t l1 = 0, l2 = 0;
                int a =
                    jsonpath_raw_first_indexed(p, doc, len, &root, &r1, &l1);
                int b = jsonpath_raw_first(p, doc, len, &r2, &l2);
                check(a == b || a < 0 || b < 0, "index agrees");
                check(a != 1 || b != 1 || (l1 == l2 && r1 == r2),
                      "index finds the same span");
        }
        json_root_index_free(&root);
        json_root_index_free(&members);
        char perr[256]  = "";
        httpsrc_json *v = json_parse(doc, len, perr, sizeof(perr));
        if (rc == HTTPSRC_OK) {
                check(v != NULL, "both accept");
                matches evals = {0};
                check(jsonpath_eval(p, v, on_value, &evals) == 0, "eval");
                check(evals.count == spans.count, "same count");
                check(evals.sb.len == spans.sb.len &&
                          (!evals.sb.len ||
                           !memcmp(evals.sb.buf, spans.sb.buf, evals.sb.len)),
                      "same matches");
                check_roundtrip(v);
                sb_free(&evals.sb);
        } else {
                check(rc == HTTPSRC_ERR_PARSE, "parse error");
                check(v == NULL, "both reject");
                check(!strcmp(serr, perr), "same error");
        }
        json_destroy(v);
        sb_free(&spans.sb);
        jsonpath_destroy(p);
        return 0;
}
