/* libFuzzer target: template.c and the escaping of secrets.c.
 * Input = "<A>\n<B>" (no NUL bytes).
 *
 * Checks:
 *  - template_expand(A) with a lookup that knows some names: HTTPSRC_OK or
 *    HTTPSRC_ERR_INVAL with one of the documented messages; the output
 *    buffer keeps its prefix and is unchanged on failure; values are never
 *    rescanned (a variable whose value is "${offset}" expands to exactly
 *    that).
 *  - with no lookup, expansion succeeds iff template_has_vars() is 0.
 *  - escaping round trip: any text T (the whole input) written with every
 *    "${" as "$${" expands back to T and has no variables.
 *  - secrets: with env var FUZZ_SECRET = A (up to 64 bytes: glibc never
 *    frees replaced values), "${env:FUZZ_SECRET}" + B, where
 *    B has no placeholders, resolves (plain) to A + B, and the template form
 *    expands to A + expand(B), or fails only for the documented case (A
 *    ends in '$' and B starts with a placeholder).
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true, with fuzz_template in
 * tests/fuzz/meson.build's target list; or by hand against that build's
 * libhttpsrc_fuzz.a (see fuzz_cron.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "secrets_int.h"
#include "template_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
        if (!cond)
                abort();
}

static const char *lookup(void *opaque, const char *name, size_t len)
{
        (void)opaque;
        if (len == 6 && !memcmp(name, "offset", 6))
                return "42";
        if (len == 1 && name[0] == 'v')
                return "${offset}";
        if (len == 2 && !memcmp(name, "es", 2))
                return "";
        return len && name[0] == 'k' ? "known" : NULL;
}

static int brackets(strbuf *out, const char *value)
{
        return sb_putc(out, '<') || sb_puts(out, value) || sb_putc(out, '>');
}

static int known_error(const char *err)
{
        return !strncmp(err, "unknown variable ${", 19) ||
               !strncmp(err, "unterminated ${ at position ", 28) ||
               !strncmp(err, "empty variable name at position ", 32);
}

static void check_expand(const char *a)
{
        strbuf sb = {0};
        char err[256];
        sb_puts(&sb, "prefix:");
        int rc = template_expand(a, lookup, NULL, NULL, &sb, err, sizeof(err));
        check(rc == HTTPSRC_OK || rc == HTTPSRC_ERR_INVAL);
        check(!strncmp(sb.buf, "prefix:", 7));
        if (rc)
                check(known_error(err) && sb.len == 7);
        /* the escape function sees each value; literal text is the same */
        strbuf esc = {0};
        int rc2 =
            template_expand(a, lookup, NULL, brackets, &esc, err, sizeof(err));
        check(rc2 == rc);
        sb_free(&esc);
        sb_reset(&sb);
        rc = template_expand(a, NULL, NULL, NULL, &sb, err, sizeof(err));
        check((rc == HTTPSRC_OK) == !template_has_vars(a));
        sb_free(&sb);
}

static char *escape_text(const char *t)
{
        strbuf e = {0};
        for (const char *p = t; *p; p++)
                if ((p[0] == '$' && p[1] == '{' && sb_putc(&e, '$')) ||
                    sb_putc(&e, *p))
                        abort();
        return sb_steal(&e);
}

static void check_round_trip(const char *t)
{
        char *e   = escape_text(t);
        strbuf sb = {0};
        char err[256];
        check(!template_has_vars(e));
        check(template_expand(e, NULL, NULL, NULL, &sb, err, sizeof(err)) ==
              HTTPSRC_OK);
        check(!strcmp(sb.buf, t));
        sb_free(&sb);
        free(e);
}

static void check_secret(const char *a, const char *b)
{
        static secrets *s;
        char err[512];
        if (!s && !(s = secrets_new(NULL, 1, err, sizeof(err))))
                abort();
        strbuf bx = {0}, in = {0}, want = {0}, got = {0};
        /* glibc keeps every value ever set in the environment: bound it */
        if (strlen(a) > 64)
                goto out;
        if (template_expand(b, NULL, NULL, NULL, &bx, err, sizeof(err)))
                goto out; /* B has placeholders */
        if (setenv("FUZZ_SECRET", a, 1))
                goto out;
        sb_puts(&in, "${env:FUZZ_SECRET}");
        sb_puts(&in, b);
        char *plain = NULL, *tmpl = NULL;
        check(secrets_resolve_plain(s, in.buf, &plain, err, sizeof(err)) ==
              HTTPSRC_OK);
        sb_puts(&want, a);
        sb_puts(&want, b);
        check(!strcmp(plain, want.buf));
        free(plain);
        int rc   = secrets_resolve(s, in.buf, &tmpl, err, sizeof(err));
        size_t n = strlen(a);
        int unrepresentable =
            n && a[n - 1] == '$' && b[0] == '$' && b[1] == '{';
        if (rc) {
                check(rc == HTTPSRC_ERR_INVAL && unrepresentable);
                goto out;
        }
        check(template_expand(tmpl, NULL, NULL, NULL, &got, err, sizeof(err)) ==
              HTTPSRC_OK);
        sb_reset(&want);
        sb_puts(&want, a);
        sb_puts(&want, bx.buf);
        check(!strcmp(got.buf, want.buf));
        free(tmpl);
out:
        sb_free(&bx);
        sb_free(&in);
        sb_free(&want);
        sb_free(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (memchr(data, '\0', size))
                return 0;
        char *all = malloc(size + 1);
        if (!all)
                return 0;
        memcpy(all, data, size);
        all[size] = '\0';
        check_round_trip(all);
        char *nl = strchr(all, '\n');
        if (nl)
                *nl = '\0';
        const char *b = nl ? nl + 1 : "";
        check_expand(all);
        check_expand(b);
        check_secret(all, b);
        free(all);
        return 0;
}
