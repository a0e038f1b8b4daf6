/* json module: parsing, exact Jackson-style serialization, errors, building.
 */
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

/* Parse text (all of it) and return its serialization (malloc'd). */
static char *reserialize(const char *text, size_t len)
{
        char err[256]   = "";
        httpsrc_json *v = json_parse(text, len, err, sizeof(err));
        if (!v)
                fail_msg("parse of '%s' failed: %s", text, err);
        size_t n  = 0;
        char *out = json_serialize(v, &n);
        assert_non_null(out);
        assert_int_equal(n, strlen(out));
        json_destroy(v);
        return out;
}

static void assert_roundtrip(const char *in, const char *expected)
{
        char *out = reserialize(in, strlen(in));
        assert_string_equal(out, expected);
        free(out);
}

static void assert_parse_fails(const char *text, size_t len, const char *msg)
{
        char err[256] = "unset";
        assert_null(json_parse(text, len, err, sizeof(err)));
        assert_string_equal(err, msg);
}

static void test_roundtrip_compacts(void **state)
{
        (void)state;
        assert_roundtrip(" { \"a\" : [1, 2.5e3 , \"x\" , true,false, null ,"
                         " {} , [ ] ] ,\n\t\"b\":-0 } \r\n",
                         "{\"a\":[1,2.5e3,\"x\",true,false,null,{},[]],"
                         "\"b\":-0}");
        assert_roundtrip("[]", "[]");
        assert_roundtrip("{}", "{}");
        assert_roundtrip("\"\"", "\"\"");
        assert_roundtrip("  null ", "null");
        assert_roundtrip("true", "true");
        assert_roundtrip("[[[{\"a\":[{\"b\":{}}]}]],[]]",
                         "[[[{\"a\":[{\"b\":{}}]}]],[]]");
}

static void test_numbers_verbatim(void **state)
{
        (void)state;
        assert_roundtrip("12345678901234567890", "12345678901234567890");
        assert_roundtrip("1.5e10", "1.5e10");
        assert_roundtrip("[-0.000,1E+2,1e-7,0,-1]", "[-0.000,1E+2,1e-7,0,-1]");
        assert_roundtrip("123456789012345678901234567890.123456789",
                         "123456789012345678901234567890.123456789");

        char err[64];
        httpsrc_json *v = json_parse("[1.50]", 6, err, sizeof(err));
        assert_non_null(v);
        assert_int_equal(json_type(json_at(v, 0)), HTTPSRC_JSON_NUMBER);
        assert_string_equal(json_number_text(json_at(v, 0)), "1.50");
        assert_null(json_string(json_at(v, 0)));
        json_destroy(v);
}

static void test_string_escapes(void **state)
{
        (void)state;
        /* '/' is not escaped, 0x7F and non-ASCII are raw, control characters
         * use upper-case hex except the five short forms. */
        assert_roundtrip("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0001 \\u001f "
                         "\\u007f \xc3\xa9 \\u00e9 \\ud83d\\ude00 /\"",
                         "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001 \\u001F "
                         "\x7f \xc3\xa9 \xc3\xa9 \xf0\x9f\x98\x80 /\"");
        assert_roundtrip("{\"k\\n\\u00e9\":\"\\u2028\"}",
                         "{\"k\\n\xc3\xa9\":\"\xe2\x80\xa8\"}");
}

static void test_write_string_all_controls(void **state)
{
        (void)state;
        static const char *const expected[32] = {
            "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
            "\\u0006", "\\u0007", "\\b",     "\\t",     "\\n",     "\\u000B",
            "\\f",     "\\r",     "\\u000E", "\\u000F", "\\u0010", "\\u0011",
            "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
            "\\u0018", "\\u0019", "\\u001A", "\\u001B", "\\u001C", "\\u001D",
            "\\u001E", "\\u001F"};
        for (int c = 0; c < 32; c++) {
                strbuf sb  = {0};
                char in[3] = {'a', (char)c, 'z'};
                char want[16];
                snprintf(want, sizeof(want), "\"a%sz\"", expected[c]);
                assert_int_equal(json_write_string(&sb, in, 3), 0);
                assert_string_equal(sb.buf, want);
                sb_free(&sb);
        }
        strbuf sb = {0};
        assert_int_equal(json_write_string(&sb, "\"\\/\x7f", 4), 0);
        assert_string_equal(sb.buf, "\"\\\"\\\\/\x7f\"");
        sb_free(&sb);
}

static void test_embedded_nul(void **state)
{
        (void)state;
        const char *doc = "{\"k\\u0000x\":\"a\\u0000b\"}";
        char err[64];
        httpsrc_json *v = json_parse(doc, strlen(doc), err, sizeof(err));
        assert_non_null(v);
        assert_int_equal(json_key_len_at(v, 0), 3);
        assert_memory_equal(json_key_at(v, 0), "k\0x", 3);
        const httpsrc_json *s = json_at(v, 0);
        assert_int_equal(json_string_len(s), 3);
        assert_memory_equal(json_string(s), "a\0b", 4);
        char *out = json_serialize(v, NULL);
        assert_string_equal(out, doc);
        free(out);
        json_destroy(v);
}

static void test_length_delimited(void **state)
{
        (void)state;
        char *out = reserialize("[1,2]garbage", 5);
        assert_string_equal(out, "[1,2]");
        free(out);
        assert_parse_fails(
            "[1,2]", 4, "invalid JSON at byte 4: parse error: premature EOF");
        /* a number ending the buffer must not run into the next byte */
        out = reserialize("1234", 2);
        assert_string_equal(out, "12");
        free(out);
}

static void test_read_access(void **state)
{
        (void)state;
        const char *doc = "{\"s\":\"str\",\"n\":7,\"t\":true,\"f\":false,"
                          "\"z\":null,\"a\":[10,20],\"o\":{\"x\":1},"
                          "\"dup\":1,\"dup\":2}";
        char err[64];
        httpsrc_json *v = json_parse(doc, strlen(doc), err, sizeof(err));
        assert_non_null(v);
        assert_int_equal(json_type(v), HTTPSRC_JSON_OBJECT);
        assert_int_equal(json_len(v), 9);
        assert_string_equal(json_key_at(v, 0), "s");
        assert_string_equal(json_key_at(v, 8), "dup");
        assert_null(json_key_at(v, 9));
        assert_string_equal(json_string(json_get(v, "s")), "str");
        assert_int_equal(json_string_len(json_get(v, "s")), 3);
        assert_string_equal(json_number_text(json_get(v, "n")), "7");
        assert_int_equal(json_bool(json_get(v, "t")), 1);
        assert_int_equal(json_bool(json_get(v, "f")), 0);
        assert_int_equal(json_bool(json_get(v, "n")), -1);
        assert_int_equal(json_type(json_get(v, "z")), HTTPSRC_JSON_NULL);
        assert_non_null(json_get(v, "z"));
        assert_null(json_get(v, "missing"));
        assert_null(json_get(json_get(v, "a"), "x")); /* not an object */
        assert_int_equal(json_len(json_get(v, "a")), 2);
        assert_string_equal(json_number_text(json_at(json_get(v, "a"), 1)),
                            "20");
        assert_null(json_at(json_get(v, "a"), 2));
        assert_null(json_at(json_get(v, "s"), 0));
        assert_int_equal(json_len(json_get(v, "s")), 0);
        assert_null(json_key_at(json_get(v, "a"), 0));
        /* duplicates: both kept in order, json_get returns the last */
        assert_string_equal(json_number_text(json_get(v, "dup")), "2");
        assert_string_equal(json_number_text(json_at(v, 7)), "1");
        char *out = json_serialize(v, NULL);
        assert_string_equal(out, doc);
        free(out);
        json_destroy(v);

        assert_int_equal(json_type(NULL), HTTPSRC_JSON_NULL);
        assert_int_equal(json_len(NULL), 0);
        assert_null(json_get(NULL, "a"));
        assert_null(json_string(NULL));
        json_destroy(NULL);
}

/* depth open brackets followed by depth closing ones */
static char *nested(size_t depth, char open, char close)
{
        char *s = malloc(2 * depth + 1);
        memset(s, open, depth);
        memset(s + depth, close, depth);
        s[2 * depth] = '\0';
        return s;
}

static void test_depth_limit(void **state)
{
        (void)state;
        char err[64];
        char *ok        = nested(128, '[', ']');
        httpsrc_json *v = json_parse(ok, 256, err, sizeof(err));
        assert_non_null(v);
        char *out = json_serialize(v, NULL);
        assert_string_equal(out, ok);
        free(out);
        json_destroy(v);
        free(ok);

        char *deep = nested(129, '[', ']');
        assert_parse_fails(deep, 258, "JSON nested deeper than 128 levels");
        free(deep);

        /* objects count too: 128 objects + 1 array */
        strbuf sb = {0};
        for (int i = 0; i < 128; i++)
                sb_puts(&sb, "{\"k\":");
        sb_puts(&sb, "[1]");
        for (int i = 0; i < 128; i++)
                sb_putc(&sb, '}');
        assert_parse_fails(sb.buf, sb.len,
                           "JSON nested deeper than 128 levels");
        sb_free(&sb);
}

static void test_errors(void **state)
{
        (void)state;
        assert_parse_fails("", 0, "empty JSON document");
        assert_parse_fails(NULL, 0, "empty JSON document");
        assert_parse_fails(" \n\t\r ", 5, "empty JSON document");
        assert_parse_fails("[1, x]", 6,
                           "invalid JSON at byte 5: lexical error: invalid "
                           "char in json text.");
        assert_parse_fails("{\"a\":}", 6,
                           "invalid JSON at byte 6: parse error: unallowed "
                           "token at this point in JSON text");
        assert_parse_fails(
            "[1", 2, "invalid JSON at byte 2: parse error: premature EOF");
        assert_parse_fails(
            "{\"a\"", 4, "invalid JSON at byte 4: parse error: premature EOF");
        assert_parse_fails("[01]", 4,
                           "invalid JSON at byte 3: parse error: after array "
                           "element, I expect ',' or ']'");
        assert_parse_fails("[1.]", 4,
                           "invalid JSON at byte 3: lexical error: malformed "
                           "number, a digit is required after the decimal "
                           "point.");
        assert_parse_fails("[\"\xff\"]", 4,
                           "invalid JSON at byte 3: lexical error: invalid "
                           "bytes in UTF8 string.");
        assert_parse_fails("{'a':1}", 7,
                           "invalid JSON at byte 2: lexical error: invalid "
                           "char in json text.");
        assert_parse_fails("[1] 2", 5,
                           "trailing data after JSON value at byte 4");
        assert_parse_fails("123x", 4,
                           "trailing data after JSON value at byte 3");
        assert_parse_fails("{\"a\":1}\n{\"a\":2}", 15,
                           "trailing data after JSON value at byte 8");
        assert_parse_fails("\"s\" \"abc", 8,
                           "trailing data after JSON value at byte 4");
        /* a NULL errstr is allowed */
        assert_null(json_parse("[", 1, NULL, 0));
}

static void test_build(void **state)
{
        (void)state;
        httpsrc_json *o = json_new_object();
        assert_int_equal(json_object_put(o, "a", json_new_number("1")),
                         HTTPSRC_OK);
        assert_int_equal(json_object_put(o, "b", json_new_string("x\"y")),
                         HTTPSRC_OK);
        httpsrc_json *arr = json_new_array();
        assert_int_equal(json_array_push(arr, json_new_bool(1)), HTTPSRC_OK);
        assert_int_equal(json_array_push(arr, json_new_null()), HTTPSRC_OK);
        assert_int_equal(json_array_push(arr, json_new_stringn("n\0l", 3)),
                         HTTPSRC_OK);
        assert_int_equal(json_object_put(o, "c", arr), HTTPSRC_OK);
        /* replacing keeps the position */
        assert_int_equal(json_object_put(o, "a", json_new_bool(0)), HTTPSRC_OK);
        char *out = json_serialize(o, NULL);
        assert_string_equal(out, "{\"a\":false,\"b\":\"x\\\"y\","
                                 "\"c\":[true,null,\"n\\u0000l\"]}");
        free(out);

        /* wrong types: value is freed (valgrind checks), error returned */
        assert_int_equal(json_object_put(arr, "k", json_new_null()),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(json_array_push(o, json_new_null()),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(json_object_put(o, "k", NULL), HTTPSRC_ERR_NOMEM);
        assert_int_equal(json_array_push(arr, NULL), HTTPSRC_ERR_NOMEM);
        assert_int_equal(json_len(o), 3);
        json_destroy(o);

        assert_null(json_new_string(NULL));
        assert_null(json_new_number(NULL));
        static const char *const bad[] = {"",  "01", "1.",  ".5",  "+1", "1e",
                                          "-", "1x", "1e+", "NaN", " 1"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_null(json_new_number(bad[i]));
        static const char *const good[] = {"0", "-0", "-1.5E+3", "10e-2",
                                           "12345678901234567890"};
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                httpsrc_json *n = json_new_number(good[i]);
                assert_non_null(n);
                char *s = json_serialize(n, NULL);
                assert_string_equal(s, good[i]);
                free(s);
                json_destroy(n);
        }
}

static void test_put_replaces_last_duplicate(void **state)
{
        (void)state;
        char err[64];
        httpsrc_json *v =
            json_parse("{\"a\":1,\"b\":2,\"a\":3}", 19, err, sizeof(err));
        assert_non_null(v);
        assert_int_equal(json_object_put(v, "a", json_new_number("4")),
                         HTTPSRC_OK);
        char *out = json_serialize(v, NULL);
        assert_string_equal(out, "{\"a\":1,\"b\":2,\"a\":4}");
        free(out);
        json_destroy(v);
}

static void test_clone(void **state)
{
        (void)state;
        const char *doc = "{\"a\":[1,\"x\\u0000y\",{\"b\":null,\"b\":true}],"
                          "\"c\":false,\"d\":1.0e5}";
        char err[64];
        httpsrc_json *v = json_parse(doc, strlen(doc), err, sizeof(err));
        assert_non_null(v);
        httpsrc_json *c = json_clone(v);
        assert_non_null(c);
        json_destroy(v); /* the clone must not share anything */
        char *out = json_serialize(c, NULL);
        assert_string_equal(out, doc);
        free(out);
        assert_int_equal(json_object_put(c, "c", json_new_string("new")),
                         HTTPSRC_OK);
        httpsrc_json *c2 = json_clone(c);
        json_destroy(c);
        out = json_serialize(c2, NULL);
        assert_string_equal(out, "{\"a\":[1,\"x\\u0000y\",{\"b\":null,"
                                 "\"b\":true}],\"c\":\"new\",\"d\":1.0e5}");
        free(out);
        json_destroy(c2);
        assert_null(json_clone(NULL));
}

static void test_scalar_text(void **state)
{
        (void)state;
        char err[64];
        const char *doc = "[\"s\\u00e9\",-1.5e3,true,false,null,[],{}]";
        httpsrc_json *v = json_parse(doc, strlen(doc), err, sizeof(err));
        assert_non_null(v);
        static const char *const want[] = {"s\xc3\xa9", "-1.5e3", "true",
                                           "false"};
        for (size_t i = 0; i < 4; i++) {
                char *t = json_scalar_text(json_at(v, i));
                assert_non_null(t);
                assert_string_equal(t, want[i]);
                free(t);
        }
        for (size_t i = 4; i < 7; i++)
                assert_null(json_scalar_text(json_at(v, i)));
        assert_null(json_scalar_text(NULL));
        json_destroy(v);
}

static void test_write_appends(void **state)
{
        (void)state;
        strbuf sb = {0};
        sb_puts(&sb, "x=");
        httpsrc_json *v = json_new_string("\xe2\x82\xac/");
        assert_int_equal(json_write(&sb, v), 0);
        assert_int_equal(json_write(&sb, NULL), 0);
        assert_string_equal(sb.buf, "x=\"\xe2\x82\xac/\"null");
        json_destroy(v);
        sb_free(&sb);
}

/* json_check_text: what json_parse() would alter is found, in strings
 * only, with its place; a surrogate pair and an escaped backslash are not. */
static void check_text(const char *text, int nul_ok, int want, size_t want_at,
                       const char *want_why)
{
        size_t at  = 0;
        char why[160] = "";
        assert_int_equal(
            json_check_text(text, strlen(text), nul_ok, &at, why, sizeof(why)),
            want);
        if (want) {
                assert_int_equal(at, want_at);
                assert_string_equal(why, want_why);
        }
}

static void test_check_text(void **state)
{
        (void)state;
        check_text("{\"name\":\"\\ud800x\"}", 0, -1, 9,
                   "\\ud800 is an unpaired UTF-16 surrogate, not a character");
        check_text("[\"x\\udc00\"]", 0, -1, 3,
                   "\\udc00 is an unpaired UTF-16 surrogate, not a character");
        check_text("[\"a\\u0000b\"]", 0, -1, 3,
                   "\\u0000 is not allowed (a NUL would cut the text short)");
        check_text("[\"a\\u0000b\"]", 1, 0, 0, NULL);
        check_text("[\"\\ud83d\\ude00 \\u00e9 \\\\ud800\"]", 0, 0, 0, NULL);
        check_text("[\"\\\"\\ud800\"]", 0, -1, 4,
                   "\\ud800 is an unpaired UTF-16 surrogate, not a character");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_roundtrip_compacts),
            cmocka_unit_test(test_numbers_verbatim),
            cmocka_unit_test(test_string_escapes),
            cmocka_unit_test(test_write_string_all_controls),
            cmocka_unit_test(test_embedded_nul),
            cmocka_unit_test(test_length_delimited),
            cmocka_unit_test(test_read_access),
            cmocka_unit_test(test_depth_limit),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_build),
            cmocka_unit_test(test_put_replaces_last_duplicate),
            cmocka_unit_test(test_clone),
            cmocka_unit_test(test_scalar_text),
            cmocka_unit_test(test_write_appends),
            cmocka_unit_test(test_check_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
