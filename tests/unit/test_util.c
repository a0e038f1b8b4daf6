/* Unit tests: util.c (strbuf, strings, errstr) and version.c (versions,
 * error names and texts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"
#include "log_int.h"
#include "util_int.h"

static void test_sb_append_grows_and_terminates(void **state)
{
        strbuf sb = {0};
        assert_int_equal(sb_puts(&sb, "abc"), 0);
        assert_string_equal(sb.buf, "abc");
        assert_int_equal(sb.len, 3);
        /* Past the initial capacity: content must survive reallocation. */
        for (int i = 0; i < 100; i++)
                assert_int_equal(sb_putc(&sb, (char)('a' + i % 26)), 0);
        assert_int_equal(sb.len, 103);
        assert_true(sb.cap > sb.len);
        assert_memory_equal(sb.buf, "abcabcd", 7);
        assert_int_equal(sb.buf[103], '\0');
        assert_int_equal(sb_append(&sb, "xyz", 0), 0);
        assert_int_equal(sb.len, 103);
        sb_free(&sb);
        assert_null(sb.buf);
        assert_int_equal(sb.len, 0);
        assert_int_equal(sb.cap, 0);
}

static void test_sb_printf(void **state)
{
        strbuf sb = {0};
        assert_int_equal(sb_printf(&sb, "%s=%d", "a", 42), 0);
        assert_int_equal(sb_printf(&sb, ",%s", "b"), 0);
        assert_string_equal(sb.buf, "a=42,b");
        assert_int_equal(sb.len, 6);
        char big[300];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(sb_printf(&sb, "[%s]", big), 0);
        assert_int_equal(sb.len, 6 + 2 + 299);
        assert_int_equal(sb.buf[6], '[');
        assert_int_equal(sb.buf[sb.len - 1], ']');
        sb_free(&sb);
}

static void test_sb_reset_keeps_memory(void **state)
{
        strbuf sb = {0};
        sb_puts(&sb, "hello");
        char *mem = sb.buf;
        sb_reset(&sb);
        assert_ptr_equal(sb.buf, mem);
        assert_int_equal(sb.len, 0);
        assert_string_equal(sb.buf, "");
        sb_puts(&sb, "x");
        assert_string_equal(sb.buf, "x");
        sb_free(&sb);
}

static void test_sb_steal(void **state)
{
        strbuf sb = {0};
        char *s   = sb_steal(&sb);
        assert_non_null(s);
        assert_string_equal(s, "");
        free(s);

        sb_puts(&sb, "data");
        s = sb_steal(&sb);
        assert_string_equal(s, "data");
        assert_null(sb.buf);
        assert_int_equal(sb.len, 0);
        free(s);
}

static void test_strtrim(void **state)
{
        char a[] = "  \t hello world \r\n";
        assert_ptr_equal(strtrim(a), a);
        assert_string_equal(a, "hello world");
        char b[] = " \t\n ";
        assert_string_equal(strtrim(b), "");
        char c[] = "";
        assert_string_equal(strtrim(c), "");
        char d[] = "x";
        assert_string_equal(strtrim(d), "x");
}

static void test_strings(void **state)
{
        assert_null(xstrdup(NULL));
        char *s = xstrdup("abc");
        assert_string_equal(s, "abc");
        free(s);
        s = xstrndup("abcdef", 3);
        assert_string_equal(s, "abc");
        free(s);
        assert_true(strcaseeq("GET", "get"));
        assert_false(strcaseeq("GET", "GETX"));
        assert_false(strcaseeq(NULL, "a"));
        assert_false(strcaseeq("a", NULL));
}

static void test_errstr_set(void **state)
{
        char buf[8];
        errstr_set(buf, sizeof(buf), "%s:%d", "abc", 12);
        assert_string_equal(buf, "abc:12");
        /* Truncates and always terminates. */
        errstr_set(buf, sizeof(buf), "%s", "0123456789");
        assert_string_equal(buf, "0123456");
        /* No buffer: nothing to write, no crash. */
        errstr_set(NULL, 10, "%s", "x");
        buf[0] = 'Z';
        errstr_set(buf, 0, "%s", "x");
        assert_int_equal(buf[0], 'Z');
}

static void test_version(void **state)
{
        assert_int_equal(httpsrc_version(), HTTPSRC_VERSION_NUM);
        assert_int_equal(httpsrc_version(), 0x000100);
        assert_string_equal(httpsrc_version_str(), "0.1.0");
}

static void test_err_names(void **state)
{
        assert_string_equal(httpsrc_err_name(HTTPSRC_OK), "HTTPSRC_OK");
        assert_string_equal(httpsrc_err_name(HTTPSRC_ERR_PARSE),
                            "HTTPSRC_ERR_PARSE");
        assert_string_equal(httpsrc_err_name(HTTPSRC_ERR_LIMIT),
                            "HTTPSRC_ERR_LIMIT");
        assert_string_equal(httpsrc_err_name(HTTPSRC_FILTERED),
                            "HTTPSRC_FILTERED");
        assert_string_equal(httpsrc_err_name(-16), "HTTPSRC_ERR_UNKNOWN");
        assert_string_equal(httpsrc_err_name(HTTPSRC_RETRY), "HTTPSRC_RETRY");
        assert_string_equal(httpsrc_err_name(4), "HTTPSRC_ERR_UNKNOWN");

        assert_string_equal(httpsrc_strerror(HTTPSRC_ERR_TIMEOUT),
                            "Operation timed out");
        assert_string_equal(httpsrc_strerror(HTTPSRC_ERR_NOMEM),
                            "Out of memory");
        assert_string_equal(httpsrc_strerror(-99), "Unknown error");
        /* Every defined code has its own name and text. */
        for (int e = HTTPSRC_ERR_LIMIT; e <= HTTPSRC_FILTERED; e++) {
                assert_string_not_equal(httpsrc_err_name(e),
                                        "HTTPSRC_ERR_UNKNOWN");
                assert_string_not_equal(httpsrc_strerror(e), "Unknown error");
        }
}

static void test_err_retriable(void **state)
{
        for (int e = -20; e <= 5; e++) {
                int want = e == HTTPSRC_ERR_TIMEOUT ||
                           e == HTTPSRC_ERR_TRANSPORT ||
                           e == HTTPSRC_ERR_RATE_LIMITED;
                assert_int_equal(httpsrc_err_is_retriable(e), want);
        }
}

static void untrusted_eq(const char *in,
                         size_t max,
                         const char *const *sec,
                         size_t nsec,
                         const char *want)
{
        strbuf sb = {0};
        assert_int_equal(sb_put_untrusted(&sb, in, strlen(in), max, sec, nsec),
                         0);
        assert_string_equal(sb.buf ? sb.buf : "", want);
        sb_free(&sb);
}

static void test_untrusted_escapes_controls(void **state)
{
        untrusted_eq("a\x1b[31mred\r\nX: y\t\x7f", 0, NULL, 0,
                     "a\\x1b[31mred\\r\\nX: y\\t\\x7f");
        /* UTF-8 kept; invalid bytes and C1 controls (U+009B, CSI) escaped */
        untrusted_eq("caf\xc3\xa9 \xff \xc2\x9b" "1m", 0, NULL, 0,
                     "caf\xc3\xa9 \\xff \\xc2\\x9b1m");
}

static void test_untrusted_redacts(void **state)
{
        untrusted_eq("bad key api_key=abc123&page=2", 0, NULL, 0,
                     "bad key api_key=***&page=2");
        untrusted_eq("{\"error\":\"no\",\"Access_Token\": \"x\\\"y\"}", 0,
                     NULL, 0, "{\"error\":\"no\",\"Access_Token\": \"***\"}");
        untrusted_eq("echo: Authorization: Bearer s3cr3t\nnext", 0, NULL, 0,
                     "echo: Authorization: ***\\nnext");
        untrusted_eq("PASSWORD=hunter2 my_token:zz tokens=5 token=", 0, NULL,
                     0, "PASSWORD=*** my_token:*** tokens=5 token=");
        /* cleaning a cleaned text changes nothing */
        untrusted_eq("key api_key=***\\r\\nX-Custom: ***", 0, NULL, 0,
                     "key api_key=***\\r\\nX-Custom: ***");
        const char *sec[] = {"", "hunter2", "hunt"};
        untrusted_eq("you sent hunter2 and hunt", 0, sec, 3,
                     "you sent *** and ***");
}

static void test_untrusted_cut(void **state)
{
        untrusted_eq("0123456789", 4, NULL, 0, "0123... (10 bytes)");
        /* a secret across the cut is hidden whole, never in part */
        const char *sec[] = {"345678"};
        untrusted_eq("0123456789", 4, sec, 1, "012***... (10 bytes)");
        untrusted_eq("01234", 5, NULL, 0, "01234");
}

static void test_keyset(void **state)
{
        keyset ks;
        keyset_init(&ks, 1000);
        char k[16];
        for (int i = 0; i < 1000; i++) {
                snprintf(k, sizeof(k), "c%d", i);
                assert_int_equal(keyset_add(&ks, k), 0);
        }
        assert_int_equal(ks.n, 1000);
        assert_true(keyset_has(&ks, "c0") && keyset_has(&ks, "c999"));
        assert_false(keyset_has(&ks, "c1000"));
        assert_int_equal(keyset_add(&ks, "c5"), 0); /* already there */
        assert_int_equal(keyset_add(&ks, "c1000"), 1); /* full */
        keyset_clear(&ks);
        assert_false(keyset_has(&ks, "c0"));
        assert_int_equal(keyset_add(&ks, ""), 0);
        assert_true(keyset_has(&ks, ""));
        keyset_clear(&ks);
}

/* One table of level names: the host's names, REST's log4j names, and
 * the name each level is shown with. */
static void test_log_level_names(void **state)
{
        (void)state;
        assert_int_equal(httpsrc_log_level_from_name("Trace"),
                         HTTPSRC_LOG_DEBUG);
        assert_int_equal(httpsrc_log_level_from_name("warn"), HTTPSRC_LOG_WARN);
        assert_int_equal(httpsrc_log_level_from_name("ALL"), -1);
        assert_int_equal(httpsrc_log_level_from_name("off"), -1);
        assert_int_equal(httpsrc_log_level_from_name(NULL), -1);
        assert_int_equal(log_level_find("all")->level, HTTPSRC_LOG_DEBUG);
        assert_int_equal(log_level_find("OFF")->level, 0);
        assert_null(log_level_find("verbose"));
        assert_string_equal(log_level_name(HTTPSRC_LOG_DEBUG), "DEBUG");
        assert_string_equal(log_level_name(0), "OFF");
        assert_string_equal(log_level_name(HTTPSRC_LOG_ERROR), "ERROR");
}

/* The one state-name table, as REST, /metrics and the config store use. */
static void test_state_names(void **state)
{
        (void)state;
        assert_string_equal(httpsrc_state_name(HTTPSRC_STATE_UNASSIGNED),
                            "UNASSIGNED");
        assert_string_equal(httpsrc_state_name(HTTPSRC_STATE_RESTARTING),
                            "RESTARTING");
        assert_null(httpsrc_state_name(HTTPSRC_STATE_RESTARTING + 1));
        assert_null(httpsrc_state_name(-1));
}

/* The ordered pair list: duplicates kept by add, replaced by set, a NULL
 * value removes. */
static void test_kvlist(void **state)
{
        (void)state;
        kvlist l = {0};
        assert_int_equal(kvl_add(&l, "a", "1"), 0);
        assert_int_equal(kvl_add(&l, "b", NULL), 0);
        assert_int_equal(kvl_add(&l, "a", "2"), 0);
        assert_int_equal(l.n, 3);
        assert_string_equal(kvl_get(&l, "a"), "1");
        assert_null(kvl_get(&l, "b"));
        assert_int_equal(kvl_index(&l, "b"), 1);
        assert_int_equal(kvl_set(&l, "a", "3"), 0);
        assert_string_equal(l.v[0].value, "3");
        assert_string_equal(l.v[2].value, "2");
        assert_int_equal(kvl_set(&l, "a", NULL), 0);
        assert_int_equal(l.n, 2);
        assert_string_equal(l.v[0].key, "b");
        assert_string_equal(kvl_get(&l, "a"), "2");
        assert_int_equal(kvl_set(&l, "c", "4"), 0);
        assert_int_equal(kvl_index(&l, "c"), 2);
        assert_int_equal(kvl_set(&l, "zz", NULL), 0);
        /* kvl_append(): copies after what is there, NULL values kept */
        kvlist c = {0};
        assert_int_equal(kvl_add(&c, "x", "0"), 0);
        assert_int_equal(kvl_append(&c, &l), 0);
        assert_int_equal(kvl_append(&c, NULL), 0);
        assert_int_equal(c.n, 4);
        assert_string_equal(c.v[1].key, "b");
        assert_null(c.v[1].value);
        assert_string_equal(c.v[3].value, "4");
        assert_ptr_not_equal(c.v[3].value, l.v[2].value);
        kvl_free(&c);
        kvl_free(&l);
        assert_int_equal(l.n, 0);
        assert_null(l.v);
}

/* The one base64 encoder (RFC 4648 section 10 vectors) and wipe. */
static void test_base64_and_wipe(void **state)
{
        (void)state;
        static const char *const v[][2] = {
            {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
            {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
            {"foobar", "Zm9vYmFy"},
        };
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                char *b = base64_new(v[i][0], strlen(v[i][0]));
                assert_non_null(b);
                assert_string_equal(b, v[i][1]);
                free(b);
        }
        strbuf sb = {0};
        assert_int_equal(sb_puts(&sb, "x="), 0);
        assert_int_equal(sb_put_base64(&sb, "\xff\x00", 2), 0);
        assert_string_equal(sb.buf, "x=/wA=");
        sb_free(&sb);
        char secret[] = "hunter2";
        mem_wipe(secret, sizeof(secret));
        for (size_t i = 0; i < sizeof(secret); i++)
                assert_int_equal(secret[i], 0);
        mem_wipe(NULL, 5); /* NULL-safe */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sb_append_grows_and_terminates),
            cmocka_unit_test(test_sb_printf),
            cmocka_unit_test(test_sb_reset_keeps_memory),
            cmocka_unit_test(test_sb_steal),
            cmocka_unit_test(test_strtrim),
            cmocka_unit_test(test_strings),
            cmocka_unit_test(test_errstr_set),
            cmocka_unit_test(test_untrusted_escapes_controls),
            cmocka_unit_test(test_untrusted_redacts),
            cmocka_unit_test(test_untrusted_cut),
            cmocka_unit_test(test_keyset),
            cmocka_unit_test(test_version),
            cmocka_unit_test(test_err_names),
            cmocka_unit_test(test_err_retriable),
            cmocka_unit_test(test_log_level_names),
            cmocka_unit_test(test_state_names),
            cmocka_unit_test(test_kvlist),
            cmocka_unit_test(test_base64_and_wipe),
        };
        return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
