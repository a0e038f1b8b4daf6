/* props module: Java .properties text, as java.util.Properties.load reads
 * it, for connector/worker files and the file config provider. */
#include "props_int.h"

#include <stddef.h>
#include <string.h>

#include "httpsrc/common.h"

struct props {
        const char *p; /* next unread byte */
        const char *end;
        int line; /* line of p */
};

static int is_prop_space(char c)
{
        return c == ' ' || c == '\t' || c == '\f';
}

static void skip_spaces(struct props *ps)
{
        while (ps->p < ps->end && is_prop_space(*ps->p))
                ps->p++;
}

/* Consumes the line terminator at p (\n, \r\n or \r), if any. */
static void skip_eol(struct props *ps)
{
        if (ps->p < ps->end && *ps->p == '\r')
                ps->p++;
        if (ps->p < ps->end && *ps->p == '\n')
                ps->p++;
        ps->line++;
}

static const char *natural_line_end(const struct props *ps)
{
        const char *e = ps->p;
        while (e < ps->end && *e != '\n' && *e != '\r')
                e++;
        return e;
}

/* Joins natural lines ending in an odd number of backslashes into one
 * logical line, escapes still in place. */
static int read_logical_line(struct props *ps, strbuf *out)
{
        for (;;) {
                const char *e = natural_line_end(ps);
                size_t bs     = 0;
                while (e - bs > ps->p && e[-1 - (ptrdiff_t)bs] == '\\')
                        bs++;
                int cont = bs % 2 == 1;
                if (sb_append(out, ps->p, (size_t)(e - ps->p) - (cont ? 1 : 0)))
                        return -1;
                ps->p = e;
                if (ps->p == ps->end)
                        return 0;
                skip_eol(ps);
                if (!cont)
                        return 0;
                skip_spaces(ps);
        }
}

/* Decodes "\\uXXXX" (or a "\\uD8xx\\uDCxx" surrogate pair) at s[0] == 'u';
 * returns the bytes consumed after the backslash, or -1 with a reason. */
static int decode_u(const char *s, size_t n, strbuf *out, const char **reason)
{
        unsigned cp;
        int used = u_escape_parse(s + 1, n - 1, &cp);
        if (used < 0) {
                *reason = used == -1 ? "malformed \\uXXXX escape"
                                     : "unpaired UTF-16 surrogate in \\u "
                                       "escape";
                return -1;
        }
        if (cp == 0) {
                *reason = "\\u0000 is not allowed";
                return -1;
        }
        char b[4];
        if (sb_append(out, b, utf8_put(b, cp))) {
                *reason = "out of memory";
                return -1;
        }
        return used + 1;
}

static char unescape_char(char c)
{
        switch (c) {
        case 't':
                return '\t';
        case 'n':
                return '\n';
        case 'r':
                return '\r';
        case 'f':
                return '\f';
        default: /* \\ \= \: \# \! and any other: the character itself */
                return c;
        }
}

/* Unescapes s[0..n) into out. Trailing whitespace that was not escaped is
 * dropped unless @p keep_trailing (java.util.Properties keeps it). */
static int unescape(const char *s,
                    size_t n,
                    strbuf *out,
                    int keep_trailing,
                    const char **reason)
{
        size_t keep = out->len;
        for (size_t i = 0; i < n; i++) {
                if (s[i] != '\\') {
                        if (sb_putc(out, s[i]))
                                goto nomem;
                        if (keep_trailing || !is_prop_space(s[i]))
                                keep = out->len;
                        continue;
                }
                if (++i == n)
                        break; /* a lone backslash at the end of the file */
                if (s[i] == 'u') {
                        int used = decode_u(s + i, n - i, out, reason);
                        if (used < 0)
                                return -1;
                        i += (size_t)used - 1;
                } else if (sb_putc(out, unescape_char(s[i]))) {
                        goto nomem;
                }
                keep = out->len;
        }
        out->len           = keep;
        out->buf[out->len] = '\0';
        return 0;
nomem:
        *reason = "out of memory";
        return -1;
}

/* Splits logical line l[0..n) into key and value (Java's rules). */
static int split_line(const char *l,
                      size_t n,
                      int keep_trailing,
                      strbuf *key,
                      strbuf *val,
                      const char **reason)
{
        size_t k = 0;
        while (k < n && l[k] != '=' && l[k] != ':' && !is_prop_space(l[k]))
                k += l[k] == '\\' && k + 1 < n ? 2 : 1;
        size_t v = k;
        while (v < n && is_prop_space(l[v]))
                v++;
        if (v < n && (l[v] == '=' || l[v] == ':'))
                v++;
        while (v < n && is_prop_space(l[v]))
                v++;
        if (sb_reserve(key, 0) || sb_reserve(val, 0)) {
                *reason = "out of memory";
                return -1;
        }
        return unescape(l, k, key, 0, reason) ||
                       unescape(l + v, n - v, val, keep_trailing, reason)
                   ? -1
                   : 0;
}

int props_parse(const char *text,
                size_t len,
                int keep_trailing,
                props_fn fn,
                void *opaque,
                int *line,
                const char **reason)
{
        struct props ps = {text, text + len, 1};
        strbuf l = {0}, k = {0}, v = {0};
        int rc = 0;
        while (!rc && ps.p < ps.end) {
                skip_spaces(&ps);
                const char *e = natural_line_end(&ps);
                if (ps.p == e || *ps.p == '#' || *ps.p == '!') {
                        ps.p = e; /* blank or comment: never continued */
                        skip_eol(&ps);
                        continue;
                }
                *line = ps.line;
                sb_reset(&l);
                sb_reset(&k);
                sb_reset(&v);
                if (read_logical_line(&ps, &l)) {
                        *reason = "out of memory";
                        rc      = -1;
                } else if (split_line(l.buf ? l.buf : "", l.len, keep_trailing,
                                      &k, &v, reason)) {
                        rc = -1;
                } else {
                        rc = fn(opaque, k.buf, k.len, v.buf, v.len, *line);
                }
        }
        sb_wipe(&l);
        sb_wipe(&k);
        sb_wipe(&v);
        return rc;
}
