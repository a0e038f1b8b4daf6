/* Unit tests: template.c (${name} placeholders, "$${" escapes, errors,
 * per-value escaping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "httpsrc/common.h"
#include "template_int.h"

/* name=value pairs; also counts the lookups. */
typedef struct vars {
        const char *const *kv;
        int calls;
} vars;

static const char *lookup(void *opaque, const char *name, size_t len)
{
        vars *v = opaque;
        v->calls++;
        for (const char *const *p = v->kv; *p; p += 2)
                if (strlen(p[0]) == len && !memcmp(p[0], name, len))
                        return p[1];
        return NULL;
}

static const char *const KV[] = {
    "offset", "42",     "cursor",    "a b&c", "a:b/c d", "odd", "empty",
    "",       "dollar", "${offset}", "x${y",  "weird",   NULL};

/* Expands @p tmpl; returns the rc, output in *out (malloc'd) and errstr. */
static int run(const char *tmpl,
               template_escape_fn esc,
               char **out,
               char *err,
               size_t err_size)
{
        vars v    = {KV, 0};
        strbuf sb = {0};
        err[0]    = '\0';
        int rc    = template_expand(tmpl, lookup, &v, esc, &sb, err, err_size);
        *out      = sb_steal(&sb);
        return rc;
}

static void expect(const char *tmpl, const char *want)
{
        char *out, err[256];
        assert_int_equal(run(tmpl, NULL, &out, err, sizeof(err)), HTTPSRC_OK);
        assert_string_equal(out, want);
        assert_string_equal(err, "");
        free(out);
}

static void expect_error(const char *tmpl, const char *want)
{
        char *out, err[256];
        assert_int_equal(run(tmpl, NULL, &out, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(err, want);
        assert_string_equal(out, ""); /* nothing half-written */
        free(out);
}

static void test_substitutes(void **state)
{
        (void)state;
        expect("", "");
        expect("no vars", "no vars");
        expect("${offset}", "42");
        expect("/items?since=${offset}&c=${cursor}", "/items?since=42&c=a b&c");
        expect("${offset}${offset}", "4242");
        expect("[${empty}]", "[]"); /* known but empty: not an error */
        /* a name may hold anything but '}' */
        expect("${a:b/c d}", "odd");
        expect("${x${y}", "weird");
}

static void test_value_is_not_rescanned(void **state)
{
        (void)state;
        /* the value "${offset}" comes out literally */
        expect("v=${dollar}", "v=${offset}");
}

static void test_escapes(void **state)
{
        (void)state;
        expect("$${offset}", "${offset}");
        expect("a$${b}c${offset}", "a${b}c42");
        expect("$${", "${");
        expect("$$${offset}", "$${offset}"); /* '$' + the escape */
        expect("$$", "$$");
        expect("$", "$");
        expect("a$b {c} }", "a$b {c} }");
        expect("$$$$", "$$$$");
        expect("${offset}$", "42$");
}

static void test_errors(void **state)
{
        (void)state;
        expect_error("${nope}", "unknown variable ${nope}");
        expect_error("x=${offset}&y=${Offset}", "unknown variable ${Offset}");
        expect_error("${}", "empty variable name at position 1");
        expect_error("abc${}", "empty variable name at position 4");
        expect_error("${offset", "unterminated ${ at position 1");
        expect_error("ab${offset}cd${x", "unterminated ${ at position 14");
        /* an escape before does not shift positions */
        expect_error("$${x}${", "unterminated ${ at position 6");
}

static void test_appends_and_restores(void **state)
{
        (void)state;
        vars v    = {KV, 0};
        strbuf sb = {0};
        char err[128];
        sb_puts(&sb, "pre:");
        assert_int_equal(template_expand("${offset}", lookup, &v, NULL, &sb,
                                         err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(sb.buf, "pre:42");
        /* a failure after a successful substitution leaves sb as it was */
        assert_int_equal(template_expand("${offset}${bad}", lookup, &v, NULL,
                                         &sb, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(sb.buf, "pre:42");
        assert_int_equal(sb.len, 6);
        assert_string_equal(err, "unknown variable ${bad}");
        sb_free(&sb);
}

static void test_null_lookup(void **state)
{
        (void)state;
        strbuf sb = {0};
        char err[128];
        assert_int_equal(
            template_expand("a$${b}", NULL, NULL, NULL, &sb, err, sizeof(err)),
            HTTPSRC_OK);
        assert_string_equal(sb.buf, "a${b}");
        assert_int_equal(
            template_expand("${x}", NULL, NULL, NULL, &sb, err, sizeof(err)),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(err, "unknown variable ${x}");
        sb_free(&sb);
}

static int upper_brackets(strbuf *out, const char *value)
{
        if (sb_putc(out, '<'))
                return -1;
        for (const char *p = value; *p; p++)
                if (sb_putc(out, *p >= 'a' && *p <= 'z' ? *p - 32 : *p))
                        return -1;
        return sb_putc(out, '>');
}

static void test_escape_applies_to_values_only(void **state)
{
        (void)state;
        char *out, err[128];
        assert_int_equal(run("q=${cursor}&lit=abc$${x}&o=${offset}",
                             upper_brackets, &out, err, sizeof(err)),
                         HTTPSRC_OK);
        assert_string_equal(out, "q=<A B&C>&lit=abc${x}&o=<42>");
        free(out);
}

static int failing_escape(strbuf *out, const char *value)
{
        (void)out;
        return strcmp(value, "42") ? 0 : HTTPSRC_ERR_LIMIT;
}

static int positive_escape(strbuf *out, const char *value)
{
        (void)out;
        (void)value;
        return 1;
}

static void test_escape_failure(void **state)
{
        (void)state;
        char *out, err[128];
        assert_int_equal(
            run("a${offset}", failing_escape, &out, err, sizeof(err)),
            HTTPSRC_ERR_LIMIT);
        assert_string_equal(err, "cannot escape the value of ${offset}");
        assert_string_equal(out, "");
        free(out);
        assert_int_equal(
            run("a${offset}", positive_escape, &out, err, sizeof(err)),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(err, "cannot escape the value of ${offset}");
        free(out);
}

static void test_lookup_called_once_per_placeholder(void **state)
{
        (void)state;
        vars v    = {KV, 0};
        strbuf sb = {0};
        char err[64];
        assert_int_equal(template_expand("${offset}-$${offset}-${cursor}",
                                         lookup, &v, NULL, &sb, err,
                                         sizeof(err)),
                         HTTPSRC_OK);
        assert_int_equal(v.calls, 2);
        sb_free(&sb);
}

static void test_has_vars(void **state)
{
        (void)state;
        assert_int_equal(template_has_vars(NULL), 0);
        assert_int_equal(template_has_vars(""), 0);
        assert_int_equal(template_has_vars("plain $ { }"), 0);
        assert_int_equal(template_has_vars("$${offset}"), 0);
        assert_int_equal(template_has_vars("a$${x}b$${y}"), 0);
        assert_int_equal(template_has_vars("${offset}"), 1);
        assert_int_equal(template_has_vars("$${x}${y}"), 1);
        assert_int_equal(template_has_vars("$$${y}"), 0);
        assert_int_equal(template_has_vars("abc${"), 1); /* unterminated */
        assert_int_equal(template_has_vars("$$"), 0);
}

static void test_small_errstr_truncates(void **state)
{
        (void)state;
        char *out, err[8];
        assert_int_equal(run("${nope}", NULL, &out, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(err, "unknown");
        free(out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_substitutes),
            cmocka_unit_test(test_value_is_not_rescanned),
            cmocka_unit_test(test_escapes),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_appends_and_restores),
            cmocka_unit_test(test_null_lookup),
            cmocka_unit_test(test_escape_applies_to_values_only),
            cmocka_unit_test(test_escape_failure),
            cmocka_unit_test(test_lookup_called_once_per_placeholder),
            cmocka_unit_test(test_has_vars),
            cmocka_unit_test(test_small_errstr_truncates),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
