/* libFuzzer target: config file loading (conf_file.c: connector JSON and
 * Java .properties, via props.c) and the key checks behind it (conf.c:
 * declared keys, Confluent aliases, value validation). The input is a
 * file's text, loaded with conf_load_text() into a connector conf and into
 * a worker conf.
 *
 * Checks, for each scope:
 *  - a failed load has one error line naming the file: "fuzz.conf:<line>:
 *    <reason>", "fuzz.conf:<line>:<column>: <reason>" (JSON syntax) or
 *    "fuzz.conf: <reason>" (then a key, or "invalid JSON");
 *  - after a load, every key httpsrc_conf_at() lists is listed once and
 *    reads back with httpsrc_conf_get() as the same value, and
 *    httpsrc_conf_check() runs and answers in one line;
 *  - what a conf holds is a fixed point: setting its keys again, in order,
 *    on an empty conf succeeds and gives the same keys and values, and so
 *    does loading it written out as .properties, and as a flat JSON object
 *    (when it is all ASCII: JSON must be UTF-8, which is not checked here).
 *
 * Found and fixed: errors quoting a key or value with a line break were
 * several lines (corpus/fuzz_conf/multiline-error-*).
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true
 *        meson compile -C build-fuzz fuzz_conf
 * Seeds: corpus/fuzz_conf/, connector and worker files (JSON, wrapped or
 * flat, and .properties) as in examples/ and the tests' fixtures, with
 * Confluent keys, placeholders, escapes, and broken ones. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "json_int.h"
#include "util_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.conf"

/* A failed check names itself before the abort libFuzzer reports. */
#define check(cond) ((cond) ? (void)0 : fail(#cond, __LINE__))

static void fail(const char *what, int line)
{
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, line, what);
        abort();
}

static void check_one_line(const char *s, const char *text)
{
        check(s[0] && !strpbrk(s, "\r\n"));
}

/* "fuzz.conf:<line>: <reason>" or "fuzz.conf: <reason>". */
static void check_error(int rc, const char *err, const char *text)
{
        const size_t n = strlen(NAME);
        check(rc == HTTPSRC_ERR_PARSE || rc == HTTPSRC_ERR_INVAL ||
              rc == HTTPSRC_ERR_NOMEM);
        check_one_line(err, text);
        check(!strncmp(err, NAME ":", n + 1));
        const char *p = err + n + 1;
        if (*p >= '1' && *p <= '9') { /* <line> or, JSON, <line>:<col> */
                p += strspn(p, "0123456789");
                check(*p == ':');
                p++;
                if (*p >= '1' && *p <= '9') {
                        p += strspn(p, "0123456789");
                        check(*p == ':');
                        p++;
                }
        }
        check(p[0] == ' ' && p[1]); /* a key may be blank: "\\ " */
}

static void check_readable(const httpsrc_conf *conf)
{
        size_t n = httpsrc_conf_count(conf);
        for (size_t i = 0; i < n; i++) {
                const char *k = NULL, *v = NULL;
                check(httpsrc_conf_at(conf, i, &k, &v) == HTTPSRC_OK);
                check(k && v);
                const char *got = httpsrc_conf_get(conf, k);
                check(got && !strcmp(got, v));
                for (size_t j = 0; j < i; j++) {
                        const char *kj, *vj;
                        httpsrc_conf_at(conf, j, &kj, &vj);
                        check(strcmp(kj, k) != 0);
                }
        }
        const char *k, *v;
        check(httpsrc_conf_at(conf, n, &k, &v) == HTTPSRC_ERR_NOENT);
}

static void check_same(const httpsrc_conf *a, const httpsrc_conf *b)
{
        check(httpsrc_conf_count(a) == httpsrc_conf_count(b));
        for (size_t i = 0; i < httpsrc_conf_count(a); i++) {
                const char *ka, *va, *kb, *vb;
                httpsrc_conf_at(a, i, &ka, &va);
                httpsrc_conf_at(b, i, &kb, &vb);
                check(!strcmp(ka, kb) && !strcmp(va, vb));
        }
}

static void check_reset(const httpsrc_conf *conf, int scope)
{
        httpsrc_conf *again = httpsrc_conf_new(scope);
        check(again != NULL);
        for (size_t i = 0; i < httpsrc_conf_count(conf); i++) {
                const char *k, *v;
                char err[1024];
                httpsrc_conf_at(conf, i, &k, &v);
                check(httpsrc_conf_set(again, k, v, err, sizeof(err)) ==
                      HTTPSRC_CONF_OK);
        }
        check_same(conf, again);
        httpsrc_conf_destroy(again);
}

/* @p s escaped for a .properties file: nothing is trimmed or read as a
 * separator, comment or line end. */
static void put_props(strbuf *sb, const char *s)
{
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                int rc;
                if (c == '\n')
                        rc = sb_puts(sb, "\\n");
                else if (c == '\r')
                        rc = sb_puts(sb, "\\r");
                else if (c == '\t')
                        rc = sb_puts(sb, "\\t");
                else if (c == '\f')
                        rc = sb_puts(sb, "\\f");
                else if (c < 0x20 || c == 0x7f)
                        rc = sb_printf(sb, "\\u%04X", c);
                else if (strchr(" =:#!\\", c))
                        rc = sb_putc(sb, '\\') || sb_putc(sb, (char)c);
                else
                        rc = sb_putc(sb, (char)c);
                check(rc == 0);
        }
}

static int is_ascii(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s >= 0x80)
                        return 0;
        return 1;
}

/* The conf as .properties (@p json 0) or a flat JSON object; 0 if it is
 * not written as JSON: JSON is UTF-8, and non-ASCII bytes are not checked
 * for it here. */
static int write_conf(strbuf *sb, const httpsrc_conf *conf, int json)
{
        check(!sb_puts(sb, json ? "{" : "# written by fuzz_conf\n"));
        for (size_t i = 0; i < httpsrc_conf_count(conf); i++) {
                const char *k, *v;
                httpsrc_conf_at(conf, i, &k, &v);
                if (!json) {
                        put_props(sb, k);
                        check(!sb_putc(sb, '='));
                        put_props(sb, v);
                        check(!sb_putc(sb, '\n'));
                        continue;
                }
                if (!is_ascii(k) || !is_ascii(v))
                        return 0;
                check(!(i && sb_putc(sb, ',')));
                check(!json_write_string(sb, k, strlen(k)));
                check(!sb_putc(sb, ':'));
                check(!json_write_string(sb, v, strlen(v)));
        }
        check(!(json && sb_putc(sb, '}')));
        return 1;
}

static void check_reload(const httpsrc_conf *conf, int scope, int json)
{
        strbuf sb = {0};
        char err[1024];
        if (write_conf(&sb, conf, json)) {
                httpsrc_conf *again = httpsrc_conf_new(scope);
                check(again && !sb_reserve(&sb, 0));
                check(conf_load_text(again, NAME, sb.buf, sb.len, err,
                                     sizeof(err)) == HTTPSRC_OK);
                check_same(conf, again);
                httpsrc_conf_destroy(again);
        }
        sb_free(&sb);
}

static void check_scope(const char *text, size_t len, int scope)
{
        httpsrc_conf *conf = httpsrc_conf_new(scope);
        char err[2048]     = "";
        check(conf != NULL);
        int rc = conf_load_text(conf, NAME, text, len, err, sizeof(err));
        if (rc) {
                check_error(rc, err, text);
                httpsrc_conf_destroy(conf);
                return;
        }
        check_readable(conf);
        if (httpsrc_conf_check(conf, err, sizeof(err)) != HTTPSRC_OK)
                check_one_line(err, text);
        check_reset(conf, scope);
        check_reload(conf, scope, 0);
        check_reload(conf, scope, 1);
        httpsrc_conf_destroy(conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* as read from a file: exactly its bytes, then a NUL */
        char *text = malloc(size + 1);
        check(text != NULL);
        memcpy(text, data, size);
        text[size] = '\0';
        check_scope(text, size, HTTPSRC_SCOPE_CONNECTOR);
        check_scope(text, size, HTTPSRC_SCOPE_WORKER);
        free(text);
        return 0;
}
