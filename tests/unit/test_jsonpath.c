/* jsonpath module: grammar, exact compile errors, tree evaluation, and the
 * streaming span selector (which must agree with the tree evaluator). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "httpsrc/common.h"
#include "json_int.h"
#include "jsonpath_int.h"

static jsonpath *compile_ok(const char *expr)
{
        char err[256] = "";
        jsonpath *p   = jsonpath_compile(expr, err, sizeof(err));
        if (!p)
                fail_msg("compile '%s': %s", expr, err);
        return p;
}

static httpsrc_json *parse_ok(const char *doc)
{
        char err[256]   = "";
        httpsrc_json *v = json_parse(doc, strlen(doc), err, sizeof(err));
        if (!v)
                fail_msg("parse '%s': %s", doc, err);
        return v;
}

/* Matches joined by '\n': serialized tree values, or raw spans. */
typedef struct collect {
        strbuf sb;
        int count;
        int stop_after;                 /* 0 = never stop */
        const json_root_index *members; /* member_collect: of doc */
        const char *doc;
} collect;

static int add_sep(collect *c)
{
        if (c->count++ && sb_putc(&c->sb, '\n'))
                return -1;
        return 0;
}

static int visit_collect(void *opaque, const httpsrc_json *v)
{
        collect *c = opaque;
        if (add_sep(c) || json_write(&c->sb, v))
                return -1;
        return c->stop_after && c->count == c->stop_after ? 42 : 0;
}

static int span_collect(void *opaque, const char *start, size_t len)
{
        collect *c = opaque;
        if (add_sep(c) || sb_append(&c->sb, start, len))
                return -1;
        return c->stop_after && c->count == c->stop_after ? 42 : 0;
}

/* Each span re-parsed and serialized, so it compares with eval output. */
static int span_reserialize(void *opaque, const char *start, size_t len)
{
        collect *c = opaque;
        char err[256];
        httpsrc_json *v = json_parse(start, len, err, sizeof(err));
        if (!v)
                fail_msg("span '%.*s' does not parse: %s", (int)len, start,
                         err);
        int rc = add_sep(c) || json_write(&c->sb, v);
        json_destroy(v);
        return rc;
}

static char *eval_str(const char *expr, const char *doc)
{
        jsonpath *p     = compile_ok(expr);
        httpsrc_json *v = parse_ok(doc);
        collect c       = {0};
        assert_int_equal(jsonpath_eval(p, v, visit_collect, &c), 0);
        json_destroy(v);
        jsonpath_destroy(p);
        sb_putc(&c.sb, '\0');
        return sb_steal(&c.sb);
}

/* Spans of doc; rc must be HTTPSRC_OK. */
static char *spans_str(const char *expr, const char *doc)
{
        jsonpath *p   = compile_ok(expr);
        collect c     = {0};
        char err[256] = "";
        int rc = jsonpath_select_spans(p, doc, strlen(doc), 0, span_collect, &c,
                                       err, sizeof(err));
        if (rc != HTTPSRC_OK)
                fail_msg("spans '%s' on '%s': %d %s", expr, doc, rc, err);
        jsonpath_destroy(p);
        sb_putc(&c.sb, '\0');
        return sb_steal(&c.sb);
}

static void assert_compile_error(const char *expr, const char *msg)
{
        char err[256] = "unset";
        jsonpath *p   = jsonpath_compile(expr, err, sizeof(err));
        if (p)
                fail_msg("'%s' compiled", expr);
        assert_string_equal(err, msg);
}

static void test_compile_forms(void **state)
{
        (void)state;
        static const char *const ok[] = {
            "$",
            "$[*]",
            "$.a.b[*]",
            "$['a']",
            "$[\"a b\"]",
            "$.a[0]",
            "$.*",
            "$.data[*].id",
            "$.a-b_c$9",
            "$['it\\'s']",
            "$[\"q\\\"\"]",
            "$['\\\\']",
            "$.caf\xc3\xa9",
            "$[12345]",
            "$.a.*[*].b",
            "$[\"]\"]",
        };
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                jsonpath *p = compile_ok(ok[i]);
                assert_string_equal(jsonpath_expr(p), ok[i]);
                jsonpath_destroy(p);
        }
        jsonpath_destroy(NULL);
}

static void test_compile_errors(void **state)
{
        (void)state;
        static const char *const cases[][2] = {
            {"", "invalid JSONPath '': must start with '$'"},
            {"a.b",
             "invalid JSONPath 'a.b': must start with '$' at position 1"},
            {" $", "invalid JSONPath ' $': must start with '$' at position 1"},
            {"$.a[", "invalid JSONPath '$.a[': expected ']' at position 5"},
            {"$[0", "invalid JSONPath '$[0': expected ']' at position 4"},
            {"$[*", "invalid JSONPath '$[*': expected ']' at position 4"},
            {"$[*x]", "invalid JSONPath '$[*x]': expected ']' at position 4"},
            {"$['a'", "invalid JSONPath '$['a'': expected ']' at position 6"},
            {"$.", "invalid JSONPath '$.': expected a member name at "
                   "position 3"},
            {"$.a.", "invalid JSONPath '$.a.': expected a member name at "
                     "position 5"},
            {"$.[0]", "invalid JSONPath '$.[0]': expected a member name at "
                      "position 3"},
            {"$.a..b", "invalid JSONPath '$.a..b': recursive descent '..' is "
                       "not supported at position 4"},
            {"$..*", "invalid JSONPath '$..*': recursive descent '..' is not "
                     "supported at position 2"},
            {"$.a[?(@.x)]", "invalid JSONPath '$.a[?(@.x)]': filters are not "
                            "supported at position 5"},
            {"$[0:2]", "invalid JSONPath '$[0:2]': slices are not supported "
                       "at position 4"},
            {"$[:2]", "invalid JSONPath '$[:2]': slices are not supported at "
                      "position 3"},
            {"$[-1]", "invalid JSONPath '$[-1]': negative index is not "
                      "supported at position 3"},
            {"$[0,1]", "invalid JSONPath '$[0,1]': unions are not supported "
                       "at position 4"},
            {"$['a','b']", "invalid JSONPath '$['a','b']': unions are not "
                           "supported at position 6"},
            {"$['abc", "invalid JSONPath '$['abc': unterminated string at "
                       "position 3"},
            {"$[\"a\\\"]", "invalid JSONPath '$[\"a\\\"]': unterminated "
                           "string at position 3"},
            {"$['a\\n']", "invalid JSONPath '$['a\\n']': unsupported escape "
                          "at position 5"},
            {"$x", "invalid JSONPath '$x': unexpected character 'x' at "
                   "position 2"},
            {"$.a b", "invalid JSONPath '$.a b': unexpected character ' ' at "
                      "position 4"},
            {"$.a(", "invalid JSONPath '$.a(': unexpected character '(' at "
                     "position 4"},
            {"$[a]", "invalid JSONPath '$[a]': unexpected character 'a' at "
                     "position 3"},
            {"$[ 0]", "invalid JSONPath '$[ 0]': unexpected character ' ' at "
                      "position 3"},
            /* one line: a control byte of the expression shows as ' ' */
            {"$.a\x01", "invalid JSONPath '$.a ': unexpected character "
                        "'\\x01' at position 4"},
            {"$[]", "invalid JSONPath '$[]': expected a member name, index or "
                    "'*' at position 3"},
            {"$[(@.length-1)]", "invalid JSONPath '$[(@.length-1)]': script "
                                "expressions are not supported at position 3"},
            {"$[99999999999999999999999]",
             "invalid JSONPath '$[99999999999999999999999]': index too large "
             "at position 3"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_compile_error(cases[i][0], cases[i][1]);
        char err[64] = "unset";
        assert_null(jsonpath_compile(NULL, err, sizeof(err)));
        assert_string_equal(err, "invalid JSONPath '': must start with '$'");
}

static void assert_eval(const char *expr, const char *doc, const char *want)
{
        char *got = eval_str(expr, doc);
        assert_string_equal(got, want);
        free(got);
}

static void test_eval_forms(void **state)
{
        (void)state;
        const char *doc = "{\"data\":[{\"id\":1,\"n\":\"a\"},{\"id\":2},"
                          "{\"x\":3}],\"a b\":true,\"o\":{\"p\":[5,6]}}";
        assert_eval("$", doc, doc);
        assert_eval("$.data[*].id", doc, "1\n2");
        assert_eval("$.data[1]", doc, "{\"id\":2}");
        assert_eval("$.data[3]", doc, "");
        assert_eval("$['a b']", doc, "true");
        assert_eval("$[\"a b\"]", doc, "true");
        assert_eval("$.*", doc,
                    "[{\"id\":1,\"n\":\"a\"},{\"id\":2},{\"x\":3}]\ntrue\n"
                    "{\"p\":[5,6]}");
        assert_eval("$.o.p[*]", doc, "5\n6");
        assert_eval("$.o.*[1]", doc, "6");
        assert_eval("$.data.*.*", doc, "1\n\"a\"\n2\n3");
        /* type mismatches yield nothing */
        assert_eval("$[0]", doc, "");
        assert_eval("$.data.id", doc, "");
        assert_eval("$.o.p[0].x", doc, "");
        assert_eval("$[*]", "[1,[2],{\"a\":3}]", "1\n[2]\n{\"a\":3}");
        assert_eval("$[*]", "7", "");
        assert_eval("$.a", "[{\"a\":1}]", "");

        jsonpath *p               = compile_ok("$.data[*].id");
        httpsrc_json *v           = parse_ok(doc);
        const httpsrc_json *first = jsonpath_first(p, v);
        assert_string_equal(json_number_text(first), "1");
        jsonpath_destroy(p);
        p = compile_ok("$.nope");
        assert_null(jsonpath_first(p, v));
        assert_int_equal(jsonpath_eval(p, NULL, visit_collect, NULL), 0);
        jsonpath_destroy(p);
        json_destroy(v);
}

static void test_eval_stops(void **state)
{
        (void)state;
        jsonpath *p     = compile_ok("$[*]");
        httpsrc_json *v = parse_ok("[1,2,3,4]");
        collect c       = {.stop_after = 2};
        assert_int_equal(jsonpath_eval(p, v, visit_collect, &c), 42);
        assert_int_equal(c.count, 2);
        assert_string_equal(c.sb.buf, "1\n2");
        sb_free(&c.sb);
        json_destroy(v);
        jsonpath_destroy(p);
}

/* The streaming selector and the tree evaluator must agree. */
static void test_spans_agree_with_eval(void **state)
{
        (void)state;
        static const char *const cases[][3] = {
            {"$", " {\"a\" : [1, 2]} ", "{\"a\":[1,2]}"},
            {"$", "42", "42"},
            {"$[*]", "[1, \"two\", [3], {\"four\": 4}, null, true, -5e3]",
             "1\n\"two\"\n[3]\n{\"four\":4}\nnull\ntrue\n-5e3"},
            {"$.data[*]",
             "{\"meta\":{\"data\":[9]},\"data\":[{\"id\":1},{\"id\":2}]}",
             "{\"id\":1}\n{\"id\":2}"},
            {"$.data[*].id",
             "{\"data\":[{\"id\":1},{\"x\":{\"id\":7}},{\"id\":\"s\"},"
             "{\"id\":[1,{\"id\":0}]}]}",
             "1\n\"s\"\n[1,{\"id\":0}]"},
            {"$.a.b[*]", "{\"a\":{\"b\":[[],{},\"\"],\"c\":[1]}}",
             "[]\n{}\n\"\""},
            {"$['a']", "{\"b\":1,\"a\":{\"a\":2}}", "{\"a\":2}"},
            {"$[\"a b\"]", "{\"a b\":\"x\\ny\"}", "\"x\\ny\""},
            {"$.a[0]", "{\"a\":[[0],1]}", "[0]"},
            {"$.a[1]", "{\"a\":[0,{\"z\":[1,2]},2]}", "{\"z\":[1,2]}"},
            {"$.*", "{\"a\":1,\"b\":[2],\"c\":{\"d\":3}}", "1\n[2]\n{\"d\":3}"},
            {"$.*", "[1,2]", "1\n2"},
            {"$[*][*]", "[[1,2],{\"a\":3},4,[[5]]]", "1\n2\n3\n[5]"},
            {"$.items[*]", "{\"items\":null}", ""},
            {"$.items[*]", "{\"other\":[1]}", ""},
            {"$.k", "{\"k\":1,\"k\":2}", "1\n2"},
            {"$.ab", "{\"a\\u0062\":\"\\u00e9\\ud83d\\ude00\"}",
             "\"\xc3\xa9\xf0\x9f\x98\x80\""},
            {"$['q\"\\'']", "{\"q\\\"'\":0}", "0"},
            {"$.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r",
             "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":"
             "{\"j\":{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{\"p\":{\"q\":{\"r\":"
             "[1]}}}}}}}}}}}}}}}}}}",
             "[1]"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *expr = cases[i][0];
                const char *doc  = cases[i][1];
                char *ev         = eval_str(expr, doc);
                assert_string_equal(ev, cases[i][2]);

                jsonpath *p = compile_ok(expr);
                collect c   = {0};
                char err[256];
                assert_int_equal(jsonpath_select_spans(p, doc, strlen(doc), 0,
                                                       span_reserialize, &c,
                                                       err, sizeof(err)),
                                 HTTPSRC_OK);
                sb_putc(&c.sb, '\0');
                if (strcmp(c.sb.buf, ev))
                        fail_msg("%s on %s: spans '%s' != eval '%s'", expr, doc,
                                 c.sb.buf, ev);
                sb_free(&c.sb);
                jsonpath_destroy(p);
                free(ev);
        }
}

static void assert_spans(const char *expr, const char *doc, const char *want)
{
        char *got = spans_str(expr, doc);
        assert_string_equal(got, want);
        free(got);
}

static void test_spans_exact_bytes(void **state)
{
        (void)state;
        const char *doc =
            " \n{ \"data\" :\t[ { \"id\" : 1 , \"s\":\"a\\\"b\" } ,"
            "\r\n  \"x\\u0041\" ,  -1.50e+3 ,true, null,[ ] ]"
            " } \n";
        assert_spans("$.data[*]", doc,
                     "{ \"id\" : 1 , \"s\":\"a\\\"b\" }\n\"x\\u0041\"\n"
                     "-1.50e+3\ntrue\nnull\n[ ]");
        assert_spans("$.data[0].s", doc, "\"a\\\"b\"");
        assert_spans("$.data[0].id", doc, "1");
        assert_spans("$", doc,
                     "{ \"data\" :\t[ { \"id\" : 1 , \"s\":\"a\\\"b\" } ,"
                     "\r\n  \"x\\u0041\" ,  -1.50e+3 ,true, null,[ ] ] }");
        assert_spans("$", "\t 12.5e1 \n", "12.5e1");
        assert_spans("$", "\"s\"", "\"s\"");
        assert_spans("$[*]", "[1,22 ,333]", "1\n22\n333");
        assert_spans("$[*]", "[]", "");
        assert_spans("$[*]", "{}", "");
        assert_spans("$[*]", "5", "");
        assert_spans("$.items[*]", "{\"items\": null}", "");
        assert_spans("$.items[*]", "{\"items\": {}}", "");
        assert_spans("$.items[*]", "{\"nope\": [1]}", "");
        assert_spans("$.a", "[{\"a\":1}]", "");
        assert_spans("$[1]", "[[1,2],[3,4]]", "[3,4]");
        assert_spans("$[5]", "[0,1]", "");
}

static void test_spans_stop(void **state)
{
        (void)state;
        jsonpath *p     = compile_ok("$[*]");
        collect c       = {.stop_after = 2};
        char err[64]    = "";
        const char *doc = "[1,2,3, bad";
        assert_int_equal(jsonpath_select_spans(p, doc, strlen(doc), 0,
                                               span_collect, &c, err,
                                               sizeof(err)),
                         42);
        assert_string_equal(c.sb.buf, "1\n2");
        assert_string_equal(err, "");
        sb_free(&c.sb);

        /* '$' is reported last, after the document validated */
        jsonpath_destroy(p);
        p = compile_ok("$");
        c = (collect){.stop_after = 1};
        assert_int_equal(jsonpath_select_spans(p, "[1]", 3, 0, span_collect, &c,
                                               err, sizeof(err)),
                         42);
        assert_string_equal(c.sb.buf, "[1]");
        sb_free(&c.sb);
        jsonpath_destroy(p);
}

/* rc and errstr of a select over doc; spans collected into *got. */
static int select_err(const char *expr,
                      const char *doc,
                      size_t len,
                      size_t max_depth,
                      char *got,
                      size_t gotsize,
                      char *err,
                      size_t errsize)
{
        jsonpath *p = compile_ok(expr);
        collect c   = {0};
        int rc = jsonpath_select_spans(p, doc, len, max_depth, span_collect, &c,
                                       err, errsize);
        snprintf(got, gotsize, "%s", c.sb.buf ? c.sb.buf : "");
        sb_free(&c.sb);
        jsonpath_destroy(p);
        return rc;
}

static void test_spans_errors(void **state)
{
        (void)state;
        char got[256];
        char err[256];
        /* spans completed before the error are reported; the caller drops
         * the page */
        assert_int_equal(select_err("$[*]", "[1, {\"a\":2}, x]", 16, 0, got,
                                    sizeof(got), err, sizeof(err)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(got, "1\n{\"a\":2}");
        assert_string_equal(err, "invalid JSON at byte 14: lexical error: "
                                 "invalid char in json text.");
        /* a truncated document: the last number ends at the buffer end */
        assert_int_equal(select_err("$[*]", "[1, 23", 6, 0, got, sizeof(got),
                                    err, sizeof(err)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(got, "1\n23");
        assert_string_equal(err,
                            "invalid JSON at byte 6: parse error: premature "
                            "EOF");
        /* '$' reports nothing for an invalid document */
        assert_int_equal(select_err("$", "{\"a\":1", 6, 0, got, sizeof(got),
                                    err, sizeof(err)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(got, "");
        assert_int_equal(select_err("$[*]", "[1] [2]", 7, 0, got, sizeof(got),
                                    err, sizeof(err)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(got, "1");
        assert_string_equal(err, "trailing data after JSON value at byte 4");
        assert_int_equal(
            select_err("$[*]", "  ", 2, 0, got, sizeof(got), err, sizeof(err)),
            HTTPSRC_ERR_PARSE);
        assert_string_equal(err, "empty JSON document");
        /* length-delimited input */
        assert_int_equal(select_err("$[*]", "[7]xyz", 3, 0, got, sizeof(got),
                                    err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(got, "7");
        assert_int_equal(
            select_err("$", "[7]xyz", 3, 0, got, sizeof(got), err, sizeof(err)),
            HTTPSRC_OK);
        assert_string_equal(got, "[7]");
}

/* The string scan looks at 16 bytes a step: a special byte (end quote,
 * escape, control character, UTF-8 good or bad) at every position of a
 * long string, near the end of the buffer too, gets the same verdict and
 * spans as the yajl reference. */
static void test_spans_string_scan(void **state)
{
        (void)state;
        static const char *const specials[] = {
            "\"",           "\\n",  "\\u00e9", "\x01", "\x1f", "\xc3\xa9",
            "\xe2\x82\xac", "\xff", "\xc3",    "\\q",  "\x7f", "\xed\xa0\x80"};
        jsonpath *p = compile_ok("$.d[*]");
        for (size_t k = 0; k < sizeof(specials) / sizeof(*specials); k++) {
                for (size_t pos = 0; pos < 40; pos++) {
                        for (size_t tail = 0; tail < 20; tail += 19) {
                                char doc[160];
                                int n     = snprintf(doc, sizeof(doc),
                                                     "{\"d\":[\"%.*s%s%.*s\"]}",
                                                     (int)pos,
                                                     "abcdefghijklmnopqrstuvwxyz"
                                                         "ABCDEFGHIJKLMN",
                                                     specials[k], (int)tail,
                                                     "0123456789012345678");
                                collect a = {0}, b = {0};
                                int ra = jsonpath_select_spans(
                                    p, doc, (size_t)n, 0, span_collect, &a,
                                    NULL, 0);
                                int rb = jsonpath_select_spans_yajl(
                                    p, doc, (size_t)n, 0, span_collect, &b,
                                    NULL, 0);
                                assert_int_equal(ra, rb);
                                assert_string_equal(a.sb.buf ? a.sb.buf : "",
                                                    b.sb.buf ? b.sb.buf : "");
                                sb_free(&a.sb);
                                sb_free(&b.sb);
                        }
                }
        }
        jsonpath_destroy(p);
}

/* Every byte value at every position of a 16-byte step inside a string:
 * the step flags '"', backslash, control characters and bytes >= 0x80
 * by arithmetic on the byte, so no value may slip through (or be taken
 * for the closing quote). The yajl reference gives the verdicts. */
static void test_spans_every_byte(void **state)
{
        (void)state;
        jsonpath *p = compile_ok("$.d[*]");
        for (unsigned b = 0; b < 256; b++) {
                for (int pos = 0; pos < 34; pos++) {
                        char doc[96];
                        int n =
                            snprintf(doc, sizeof(doc), "{\"d\":[\"%.*s", pos,
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGH");
                        doc[n++] = (char)b;
                        n += snprintf(doc + n, sizeof(doc) - (size_t)n, "%s",
                                      "0123456789012345678\"]}");
                        collect a = {0}, c = {0};
                        char ea[256] = "", ec[256] = "";
                        int ra = jsonpath_select_spans(p, doc, (size_t)n, 0,
                                                       span_collect, &a, ea,
                                                       sizeof(ea));
                        int rc = jsonpath_select_spans_yajl(p, doc, (size_t)n,
                                                            0, span_collect, &c,
                                                            ec, sizeof(ec));
                        if (ra != rc || strcmp(ea, ec))
                                fail_msg("byte 0x%02X at %d: %d '%s', yajl "
                                         "%d '%s'",
                                         b, pos, ra, ea, rc, ec);
                        assert_string_equal(a.sb.buf ? a.sb.buf : "",
                                            c.sb.buf ? c.sb.buf : "");
                        sb_free(&a.sb);
                        sb_free(&c.sb);
                }
        }
        jsonpath_destroy(p);
}

/* Long documents: many records whose strings, escapes (runs of
 * backslashes), UTF-8, numbers and mistakes fall on every alignment (a
 * block-wise scanner carries "in a string", "escaped" and "in a number"
 * from one block to the next) get the verdict and spans of the yajl
 * reference. Deterministic (a fixed LCG), bounded. */
static unsigned lcg(unsigned *x)
{
        *x = *x * 1103515245u + 12345u;
        return (*x >> 16) & 0x7fff;
}

static void put_piece(strbuf *sb, unsigned *x, int mistakes)
{
        static const char *const pieces[] = {
            "\"id\"",
            "\"a\\\\\"",
            "\"\\\\\\\"q\"",
            "\"\\u00e9x\"",
            "\"\xc3\xa9\xe2\x82\xac\"",
            "12345",
            "-0.5e+7",
            "true",
            "null",
            "\"abcdefghijklmnopqrstuvwxyz0123456789\"",
            "[]",
            "{}",
            "\"\\\\\\\\\"",
            "\" \\/ \\b\\f\\n\\r\\t \""};
        static const char *const bad[] = {"\"\x01\"",   "\"\xc3\"", "1x",
                                          "\"\\q\"",    "tru",      "\xff",
                                          "\"\\u12g4\""};
        if (mistakes && lcg(x) % 400 == 0)
                sb_puts(sb, bad[lcg(x) % (sizeof(bad) / sizeof(*bad))]);
        else
                sb_puts(sb,
                        pieces[lcg(x) % (sizeof(pieces) / sizeof(*pieces))]);
}

static void test_spans_long_documents(void **state)
{
        (void)state;
        jsonpath *p = compile_ok("$.data[*]");
        unsigned x  = 7;
        for (int round = 0; round < 60; round++) {
                strbuf doc = {0};
                sb_puts(&doc, "{\"data\":[");
                int records = 20 + (int)(lcg(&x) % 200);
                for (int r = 0; r < records; r++) {
                        if (r)
                                sb_puts(&doc, lcg(&x) % 2 ? "," : " ,\n ");
                        sb_puts(&doc, "{");
                        int members = 1 + (int)(lcg(&x) % 8);
                        for (int m = 0; m < members; m++) {
                                if (m)
                                        sb_puts(&doc, ",");
                                sb_printf(&doc, "\"k%d\":", m);
                                put_piece(&doc, &x, round % 2);
                        }
                        sb_puts(&doc, "}");
                }
                sb_puts(&doc, "],\"next\":\"\\\\\"}");
                collect a = {0}, b = {0};
                char ea[256] = "", eb[256] = "";
                int ra = jsonpath_select_spans(
                    p, doc.buf, doc.len, 0, span_collect, &a, ea, sizeof(ea));
                int rb = jsonpath_select_spans_yajl(
                    p, doc.buf, doc.len, 0, span_collect, &b, eb, sizeof(eb));
                assert_int_equal(ra, rb);
                assert_string_equal(ea, eb);
                assert_int_equal(a.count, b.count);
                assert_string_equal(a.sb.buf ? a.sb.buf : "",
                                    b.sb.buf ? b.sb.buf : "");
                sb_free(&a.sb);
                sb_free(&b.sb);
                sb_free(&doc);
        }
        /* a string that starts before byte 4096 and has its escape, UTF-8
         * or mistake after it */
        static const char *const specials[] = {"\\n",      "\\u00e9", "\x01",
                                               "\xc3\xa9", "\xc3",    "\\q",
                                               "\\\\",     "\xe2\x82"};
        for (size_t k = 0; k < sizeof(specials) / sizeof(*specials); k++) {
                for (size_t at = 4096 - 80; at < 4096 + 8; at += 3) {
                        strbuf doc = {0};
                        sb_puts(&doc, "{\"data\":[");
                        while (doc.len < at)
                                sb_puts(&doc, doc.len + 4 <= at ? "1, " : " ");
                        sb_printf(&doc, "\"%.60s%s%.20s\"]}",
                                  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop"
                                  "qrstuvwxyzabcdefghij",
                                  specials[k], "01234567890123456789");
                        collect a = {0}, b = {0};
                        int ra = jsonpath_select_spans(
                            p, doc.buf, doc.len, 0, span_collect, &a, NULL, 0);
                        int rb = jsonpath_select_spans_yajl(
                            p, doc.buf, doc.len, 0, span_collect, &b, NULL, 0);
                        assert_int_equal(ra, rb);
                        assert_int_equal(a.count, b.count);
                        sb_free(&a.sb);
                        sb_free(&b.sb);
                        sb_free(&doc);
                }
        }
        jsonpath_destroy(p);
}

static void test_spans_depth(void **state)
{
        (void)state;
        char got[256];
        char err[256];
        assert_int_equal(select_err("$[0][0]", "[[[1]]]", 7, 2, got,
                                    sizeof(got), err, sizeof(err)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(err, "JSON nested deeper than 2 levels");
        assert_int_equal(select_err("$[0][0]", "[[1]]", 5, 2, got, sizeof(got),
                                    err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(got, "1");

        char doc[300];
        memset(doc, '[', 128);
        memset(doc + 128, ']', 128);
        assert_int_equal(
            select_err("$[0]", doc, 256, 0, got, sizeof(got), err, sizeof(err)),
            HTTPSRC_OK);
        memset(doc, '[', 129);
        memset(doc + 129, ']', 129);
        assert_int_equal(
            select_err("$[0]", doc, 258, 0, got, sizeof(got), err, sizeof(err)),
            HTTPSRC_ERR_PARSE);
        assert_string_equal(err, "JSON nested deeper than 128 levels");
}

/* Inside a matched record nothing is on the path: the selector validates
 * it (and off-path values) with a scanner of its own. It must give every
 * verdict the yajl reference gives, and the reference's error text. */
typedef struct skip_case {
        const char *doc;
        size_t max_depth;
        const char *err; /* "" = valid */
} skip_case;

static void assert_skip_case(const jsonpath *p, const skip_case *k)
{
        collect a = {0}, b = {0};
        char ea[256] = "", eb[256] = "";
        size_t n = strlen(k->doc);
        int ra = jsonpath_select_spans(p, k->doc, n, k->max_depth, span_collect,
                                       &a, ea, sizeof(ea));
        int rb = jsonpath_select_spans_yajl(p, k->doc, n, k->max_depth,
                                            span_collect, &b, eb, sizeof(eb));
        if (strcmp(ea, k->err) || ra != (*k->err ? HTTPSRC_ERR_PARSE : 0))
                fail_msg("%s: rc %d error '%s', want '%s'", k->doc, ra, ea,
                         k->err);
        assert_int_equal(ra, rb);
        assert_string_equal(ea, eb);
        if (!ra)
                assert_string_equal(a.sb.buf ? a.sb.buf : "",
                                    b.sb.buf ? b.sb.buf : "");
        sb_free(&a.sb);
        sb_free(&b.sb);
}

static void test_spans_skipped_values(void **state)
{
        (void)state;
        static const skip_case cases[] = {
            /* depth: root 1, data 2, record 3, a 4, a[0] 5 */
            {"{\"data\":[{\"a\":[[1]]}]}", 5, ""},
            {"{\"data\":[{\"a\":[[1]]}]}", 4,
             "JSON nested deeper than 4 levels"},
            {"{\"data\":[{\"a\":[{}]}],\"x\":[[[]]]}", 5, ""},
            {"{\"data\":[1],\"x\":{\"y\":[{\"z\":{}}]}}", 4,
             "JSON nested deeper than 4 levels"},
            /* numbers as yajl lexes them */
            {"{\"data\":[{\"a\":[-0.5e+3,0,-0,1E9,2e-1,0.25]}]}", 0, ""},
            {"{\"data\":[{\"a\":01}]}", 0,
             "invalid JSON at byte 15: parse error: after key and value, "
             "inside map, I expect ',' or '}'"},
            {"{\"data\":[{\"a\":1.}]}", 0,
             "invalid JSON at byte 16: lexical error: malformed number, a "
             "digit is required after the decimal point."},
            {"{\"data\":[{\"a\":[1e+]}]}", 0,
             "invalid JSON at byte 18: lexical error: malformed number, a "
             "digit is required after the exponent."},
            {"{\"data\":[{\"a\":-}]}", 0,
             "invalid JSON at byte 15: lexical error: malformed number, a "
             "digit is required after the minus sign."},
            /* strings: escapes, UTF-8, control characters */
            {"{\"data\":[{\"k\\u0065y\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
             "\"\xc3\xa9\":[\"\xe2\x82\xac\xf0\x9f\x98\x80\"]}]}",
             0, ""},
            {"{\"data\":[{\"a\":{\"b\":\"x\\q\"}}]}", 0,
             "invalid JSON at byte 22: lexical error: inside a string, '\\' "
             "occurs before a character which it may not."},
            {"{\"data\":[{\"a\":[\"\\u12g4\"]}]}", 0,
             "invalid JSON at byte 20: lexical error: invalid (non-hex) "
             "character occurs after '\\u' inside string."},
            {"{\"data\":[{\"a\":[\"\x01\"]}]}", 0,
             "invalid JSON at byte 16: lexical error: invalid character "
             "inside string."},
            {"{\"data\":[{\"a\":{\"\xc3(\":1}}]}", 0,
             "invalid JSON at byte 18: lexical error: invalid bytes in UTF8 "
             "string."},
            /* literals, structure, white space */
            {"{\"data\":[{\"a\":[true,false,null]}]}", 0, ""},
            {"{\"data\":[{\"a\":tru}]}", 0,
             "invalid JSON at byte 17: lexical error: invalid string in json "
             "text."},
            {"{\"data\":[{\"a\":nulll}]}", 0,
             "invalid JSON at byte 19: lexical error: invalid char in json "
             "text."},
            {"{\"data\":[{\"a\":[1,]}]}", 0,
             "invalid JSON at byte 18: parse error: unallowed token at this "
             "point in JSON text"},
            {"{\"data\":[{\"a\":{\"b\":1,}}]}", 0,
             "invalid JSON at byte 22: parse error: invalid object key (must "
             "be a string)"},
            {"{\"data\":[{\"a\":{\"b\" 1}}]}", 0,
             "invalid JSON at byte 20: parse error: object key and value "
             "must be separated by a colon (':')"},
            {"{\"data\":[{\"a\":{1:2}}]}", 0,
             "invalid JSON at byte 16: parse error: invalid object key (must "
             "be a string)"},
            {"{\"data\":[{\"a\":[1}]}]}", 0,
             "invalid JSON at byte 17: parse error: after array element, I "
             "expect ',' or ']'"},
            /* closers that would balance if either one closed both */
            {"{\"data\":[{\"a\":[1}]]}", 0,
             "invalid JSON at byte 17: parse error: after array element, I "
             "expect ',' or ']'"},
            {"{\"data\":[{\"a\":{\"b\":1]}]}", 0,
             "invalid JSON at byte 20: parse error: after key and value, "
             "inside map, I expect ',' or '}'"},
            {"{\"data\":[{\"a\":{\"b\":[1,2", 0,
             "invalid JSON at byte 23: parse error: premature EOF"},
            {"{\"data\":[ {\f\"a\"\t:\r[ 1 ,\n{ } , [ ] ] ,\v\"b\" : { \"c\" "
             ": true } } ]}",
             0, ""},
            {"{\"data\":[{\"a\":[1 2]}]}", 0,
             "invalid JSON at byte 18: parse error: after array element, I "
             "expect ',' or ']'"},
        };
        jsonpath *p = compile_ok("$.data[*]");
        for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++)
                assert_skip_case(p, &cases[k]);
        jsonpath_destroy(p);
}

/* The scanner keeps 64 levels of open containers in a word and recurses
 * for deeper ones: the depth limit holds on either side of that. */
static void test_spans_skipped_deep(void **state)
{
        (void)state;
        jsonpath *p = compile_ok("$.data[*]");
        for (size_t nest = 60; nest <= 135; nest++) {
                strbuf doc = {0};
                sb_puts(&doc, "{\"data\":[{\"a\":");
                for (size_t k = 0; k < nest; k++)
                        sb_puts(&doc, k % 2 ? "{\"b\":" : "[");
                sb_puts(&doc, "1");
                for (size_t k = nest; k-- > 0;)
                        sb_puts(&doc, k % 2 ? "}" : "]");
                sb_puts(&doc, "}]}");
                /* root, data and record: 3 levels above the nest */
                char want[64];
                snprintf(want, sizeof(want),
                         "JSON nested deeper than %zu levels", nest + 2);
                skip_case fits = {doc.buf, nest + 3, ""};
                skip_case deep = {doc.buf, nest + 2, want};
                assert_skip_case(p, &fits);
                assert_skip_case(p, &deep);
                sb_free(&doc);
        }
        jsonpath_destroy(p);
}

/* The members of each matched record, as the connector reads them (keys
 * for ValueToKey): raw key, escaped flag and the value's exact bytes,
 * also after a nested value whose own members must not be noted. */
static int member_collect(void *opaque, const char *start, size_t len)
{
        collect *c                 = opaque;
        const json_root_index *idx = c->members;
        (void)start;
        (void)len;
        if (add_sep(c))
                return -1;
        for (size_t k = 0; k < idx->last_count; k++) {
                const json_root_member *m = &idx->v[idx->last_first + k];
                sb_printf(&c->sb, "%s%.*s%s=%.*s", k ? ";" : "", (int)m->klen,
                          c->doc + m->koff, m->escaped ? "(e)" : "",
                          (int)m->vlen, c->doc + m->voff);
        }
        return 0;
}

static void test_spans_matched_members(void **state)
{
        (void)state;
        const char *doc =
            "{\"data\":[{\"id\":\"7\",\"a\":{\"b\":{\"c\":1}},\"d\":[{\"e\":2}]"
            ","
            "\"k\\u0065y\" : \"v\\u00e9\" ,\"n\":-0.5e+3},{},{ \"x\" : [ ] "
            "}],\"id\":9}";
        jsonpath *p          = compile_ok("$.data[*]");
        json_root_index root = {0}, members = {0};
        collect c     = {.members = &members, .doc = doc};
        char err[256] = "";
        assert_int_equal(jsonpath_select_spans_indexed(
                             p, doc, strlen(doc), 0, member_collect, &c, &root,
                             &members, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(c.sb.buf, "id=\"7\";a={\"b\":{\"c\":1}};"
                                      "d=[{\"e\":2}];k\\u0065y(e)=\"v\\u00e9\";"
                                      "n=-0.5e+3\n"
                                      "\n"
                                      "x=[ ]");
        assert_int_equal(root.n, 2);
        sb_free(&c.sb);
        json_root_index_free(&root);
        json_root_index_free(&members);
        jsonpath_destroy(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_compile_forms),
            cmocka_unit_test(test_compile_errors),
            cmocka_unit_test(test_eval_forms),
            cmocka_unit_test(test_eval_stops),
            cmocka_unit_test(test_spans_agree_with_eval),
            cmocka_unit_test(test_spans_exact_bytes),
            cmocka_unit_test(test_spans_stop),
            cmocka_unit_test(test_spans_errors),
            cmocka_unit_test(test_spans_string_scan),
            cmocka_unit_test(test_spans_every_byte),
            cmocka_unit_test(test_spans_long_documents),
            cmocka_unit_test(test_spans_depth),
            cmocka_unit_test(test_spans_skipped_values),
            cmocka_unit_test(test_spans_skipped_deep),
            cmocka_unit_test(test_spans_matched_members),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
