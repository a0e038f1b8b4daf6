/* Loading a conf from a file: Java .properties (as Kafka Connect's worker
 * and connector files) or connector JSON (as POSTed to the REST API). */
#include "conf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "util_int.h"

/* Room for a conf error: key, value and reason. */
#define CONF_ERR_SIZE 1024

static int read_file(const char *path, strbuf *sb, char *errstr, size_t size)
{
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                errstr_set(errstr, size, "%s: %s", path, strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        char chunk[8192];
        size_t n;
        int rc = HTTPSRC_OK;
        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
                if (sb_append(sb, chunk, n)) {
                        errstr_set(errstr, size, "%s: out of memory", path);
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
        }
        if (!rc && ferror(fp)) {
                errstr_set(errstr, size, "%s: %s", path, strerror(errno));
                rc = HTTPSRC_ERR_IO;
        }
        fclose(fp);
        if (!rc && sb_reserve(sb, 0)) {
                errstr_set(errstr, size, "%s: out of memory", path);
                rc = HTTPSRC_ERR_NOMEM;
        }
        return rc;
}

/* ---- .properties ---- */

struct props {
        const char *path;
        const char *p; /* next unread byte */
        const char *end;
        int line; /* line of p */
        char *errstr;
        size_t errstr_size;
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

static int hex4(const char *s, size_t n, unsigned *out)
{
        if (n < 4)
                return -1;
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
                char c = s[i];
                int d  = c >= '0' && c <= '9'   ? c - '0'
                         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                : -1;
                if (d < 0)
                        return -1;
                v = v << 4 | (unsigned)d;
        }
        *out = v;
        return 0;
}

static int put_utf8(strbuf *sb, unsigned cp)
{
        char b[4];
        size_t n;
        if (cp < 0x80) {
                b[0] = (char)cp;
                n    = 1;
        } else if (cp < 0x800) {
                b[0] = (char)(0xC0 | cp >> 6);
                b[1] = (char)(0x80 | (cp & 0x3F));
                n    = 2;
        } else if (cp < 0x10000) {
                b[0] = (char)(0xE0 | cp >> 12);
                b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                b[2] = (char)(0x80 | (cp & 0x3F));
                n    = 3;
        } else {
                b[0] = (char)(0xF0 | cp >> 18);
                b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
                b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
                b[3] = (char)(0x80 | (cp & 0x3F));
                n    = 4;
        }
        return sb_append(sb, b, n);
}

/* Decodes "\uXXXX" (or a "\uD8xx\uDCxx" surrogate pair) at s[0] == 'u';
 * returns the bytes consumed after the backslash, or -1 with a reason. */
static int decode_u(const char *s, size_t n, strbuf *out, const char **reason)
{
        unsigned cp, lo;
        if (hex4(s + 1, n - 1, &cp)) {
                *reason = "malformed \\uXXXX escape";
                return -1;
        }
        int used = 5;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (n < 11 || s[5] != '\\' || s[6] != 'u' ||
                    hex4(s + 7, n - 7, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                        *reason = "unpaired UTF-16 surrogate in \\u escape";
                        return -1;
                }
                cp   = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                used = 11;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                *reason = "unpaired UTF-16 surrogate in \\u escape";
                return -1;
        } else if (cp == 0) {
                *reason = "\\u0000 is not allowed";
                return -1;
        }
        if (put_utf8(out, cp)) {
                *reason = "out of memory";
                return -1;
        }
        return used;
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
 * dropped: it is invisible in the file and never meant. */
static int unescape(const char *s, size_t n, strbuf *out, const char **reason)
{
        size_t keep = out->len;
        for (size_t i = 0; i < n; i++) {
                if (s[i] != '\\') {
                        if (sb_putc(out, s[i]))
                                goto nomem;
                        if (!is_prop_space(s[i]))
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

static int props_fail(struct props *ps, int line, int rc, const char *msg)
{
        errstr_set(ps->errstr, ps->errstr_size, "%s:%d: %s", ps->path, line,
                   msg);
        return rc;
}

/* Splits a logical line into key and value and sets them. */
static int props_apply(
    struct props *ps, httpsrc_conf *conf, const char *l, size_t n, int line)
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

        strbuf key = {0}, val = {0};
        const char *reason = NULL;
        char err[CONF_ERR_SIZE];
        int rc = HTTPSRC_OK;
        if (sb_reserve(&key, 0) || sb_reserve(&val, 0))
                rc = props_fail(ps, line, HTTPSRC_ERR_NOMEM, "out of memory");
        else if (unescape(l, k, &key, &reason) ||
                 unescape(l + v, n - v, &val, &reason))
                rc = props_fail(ps, line, HTTPSRC_ERR_PARSE, reason);
        else if (!key.len)
                rc = props_fail(ps, line, HTTPSRC_ERR_PARSE, "empty key");
        else if (httpsrc_conf_set(conf, key.buf, val.buf, err, sizeof(err)))
                rc = props_fail(ps, line, HTTPSRC_ERR_INVAL, err);
        sb_free(&key);
        sb_free(&val);
        return rc;
}

static int load_properties(httpsrc_conf *conf, struct props *ps)
{
        strbuf l = {0};
        int rc   = HTTPSRC_OK;
        while (!rc && ps->p < ps->end) {
                skip_spaces(ps);
                const char *e = natural_line_end(ps);
                if (ps->p == e || *ps->p == '#' || *ps->p == '!') {
                        ps->p = e; /* blank or comment: never continued */
                        skip_eol(ps);
                        continue;
                }
                int line = ps->line;
                sb_reset(&l);
                if (read_logical_line(ps, &l))
                        rc = props_fail(ps, line, HTTPSRC_ERR_NOMEM,
                                        "out of memory");
                else
                        rc = props_apply(ps, conf, l.buf, l.len, line);
        }
        sb_free(&l);
        return rc;
}

/* ---- JSON ---- */

static yajl_val json_member(yajl_val obj, const char *key)
{
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (!strcmp(obj->u.object.keys[i], key))
                        return obj->u.object.values[i];
        return NULL;
}

/* The text a scalar stands for; *text = NULL for null; -1 for containers. */
static int json_text(yajl_val v, const char **text)
{
        switch (v->type) {
        case yajl_t_string:
                *text = v->u.string;
                return 0;
        case yajl_t_number:
                *text = v->u.number.r;
                return 0;
        case yajl_t_true:
                *text = "true";
                return 0;
        case yajl_t_false:
                *text = "false";
                return 0;
        case yajl_t_null:
                *text = NULL;
                return 0;
        default:
                return -1;
        }
}

static int json_set(httpsrc_conf *conf,
                    const char *path,
                    const char *key,
                    yajl_val v,
                    char *errstr,
                    size_t size)
{
        const char *text;
        if (json_text(v, &text)) {
                errstr_set(errstr, size, "%s: %s: value must be a string", path,
                           key);
                return HTTPSRC_ERR_INVAL;
        }
        char err[CONF_ERR_SIZE];
        if (httpsrc_conf_set(conf, key, text, err, sizeof(err))) {
                errstr_set(errstr, size, "%s: %s", path, err);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int json_set_members(httpsrc_conf *conf,
                            const char *path,
                            yajl_val obj,
                            const char *skip,
                            char *errstr,
                            size_t size)
{
        for (size_t i = 0; i < obj->u.object.len; i++) {
                const char *key = obj->u.object.keys[i];
                if (skip && !strcmp(key, skip))
                        continue;
                int rc = json_set(conf, path, key, obj->u.object.values[i],
                                  errstr, size);
                if (rc)
                        return rc;
        }
        return HTTPSRC_OK;
}

/* Top-level members of {"name": ..., "config": {...}}; "tasks" and "type"
 * are what GET /connectors/<name> adds, so its output loads as is. */
static int check_wrapper_members(yajl_val root,
                                 const char *path,
                                 char *errstr,
                                 size_t size)
{
        static const char *const allowed[] = {"name", "config", "tasks", "type",
                                              NULL};
        for (size_t i = 0; i < root->u.object.len; i++) {
                const char *key      = root->u.object.keys[i];
                const char *const *a = allowed;
                while (*a && strcmp(*a, key))
                        a++;
                if (!*a) {
                        errstr_set(errstr, size,
                                   "%s: %s: unexpected top-level member "
                                   "(expected name and config)",
                                   path, key);
                        return HTTPSRC_ERR_INVAL;
                }
        }
        return HTTPSRC_OK;
}

static int load_wrapped(httpsrc_conf *conf,
                        const char *path,
                        yajl_val root,
                        yajl_val config,
                        char *errstr,
                        size_t size)
{
        int rc = check_wrapper_members(root, path, errstr, size);
        if (rc)
                return rc;
        yajl_val name = json_member(root, "name");
        if (!name)
                return json_set_members(conf, path, config, NULL, errstr, size);
        yajl_val cname = json_member(config, "name");
        const char *a, *b;
        if (cname && !json_text(name, &a) && !json_text(cname, &b) && a && b &&
            strcmp(a, b)) {
                errstr_set(errstr, size,
                           "%s: name: connector name '%s' does not match "
                           "config name '%s'",
                           path, a, b);
                return HTTPSRC_ERR_INVAL;
        }
        rc = json_set(conf, path, "name", name, errstr, size);
        if (!rc)
                rc = json_set_members(conf, path, config, "name", errstr, size);
        return rc;
}

static int load_json(httpsrc_conf *conf,
                     const char *path,
                     const char *text,
                     char *errstr,
                     size_t size)
{
        char yerr[512] = "";
        yajl_val root  = yajl_tree_parse(text, yerr, sizeof(yerr));
        if (!root) {
                yerr[strcspn(yerr, "\r\n")] = '\0';
                errstr_set(errstr, size, "%s: invalid JSON: %s", path,
                           yerr[0] ? strtrim(yerr) : "parse error");
                return HTTPSRC_ERR_PARSE;
        }
        int rc;
        yajl_val config =
            YAJL_IS_OBJECT(root) ? json_member(root, "config") : NULL;
        if (!YAJL_IS_OBJECT(root)) {
                errstr_set(errstr, size,
                           "%s: invalid JSON: top-level value must be an "
                           "object",
                           path);
                rc = HTTPSRC_ERR_PARSE;
        } else if (YAJL_IS_OBJECT(config)) {
                rc = load_wrapped(conf, path, root, config, errstr, size);
        } else {
                rc = json_set_members(conf, path, root, NULL, errstr, size);
        }
        yajl_tree_free(root);
        return rc;
}

/* ---- entry point ---- */

static int load_text(httpsrc_conf *conf,
                     const char *path,
                     const char *text,
                     size_t len,
                     char *errstr,
                     size_t size)
{
        if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
                text += 3; /* UTF-8 byte order mark */
                len -= 3;
        }
        if (memchr(text, '\0', len)) {
                errstr_set(errstr, size, "%s: file contains a NUL byte", path);
                return HTTPSRC_ERR_PARSE;
        }
        size_t i = strspn(text, " \t\r\n\f\v");
        if (text[i] == '{')
                return load_json(conf, path, text, errstr, size);
        struct props ps = {.path        = path,
                           .p           = text,
                           .end         = text + len,
                           .line        = 1,
                           .errstr      = errstr,
                           .errstr_size = size};
        return load_properties(conf, &ps);
}

HTTPSRC_API int httpsrc_conf_load_file(httpsrc_conf *conf,
                                       const char *path,
                                       char *errstr,
                                       size_t errstr_size)
{
        if (!conf || !path) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: conf and path are required");
                return HTTPSRC_ERR_INVAL;
        }
        strbuf sb = {0};
        int rc    = read_file(path, &sb, errstr, errstr_size);
        if (rc) {
                sb_free(&sb);
                return rc;
        }
        /* Fill a copy so that a failed load leaves conf as it was. */
        httpsrc_conf *tmp = httpsrc_conf_dup(conf);
        if (!tmp) {
                sb_free(&sb);
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        rc = load_text(tmp, path, sb.buf, sb.len, errstr, errstr_size);
        if (!rc)
                conf_swap(conf, tmp);
        httpsrc_conf_destroy(tmp);
        sb_free(&sb);
        return rc;
}
