/* Small shared helpers: growable buffers, string utilities, errstr. */
#include "util_int.h"

#include <ctype.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int sb_reserve(strbuf *sb, size_t extra)
{
        size_t need = sb->len + extra + 1;
        if (need <= sb->cap)
                return 0;
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < need)
                cap *= 2;
        char *nb = realloc(sb->buf, cap);
        if (!nb)
                return -1;
        sb->buf = nb;
        sb->cap = cap;
        return 0;
}

int sb_append(strbuf *sb, const void *data, size_t len)
{
        if (sb_reserve(sb, len))
                return -1;
        if (len)
                memcpy(sb->buf + sb->len, data, len);
        sb->len += len;
        sb->buf[sb->len] = '\0';
        return 0;
}

int sb_puts(strbuf *sb, const char *s)
{
        return sb_append(sb, s, strlen(s));
}

int sb_putc(strbuf *sb, char c)
{
        return sb_append(sb, &c, 1);
}

int sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
        va_list again;
        va_copy(again, ap);
        int n = vsnprintf(NULL, 0, fmt, ap);
        if (n < 0 || sb_reserve(sb, (size_t)n)) {
                va_end(again);
                return -1;
        }
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again);
        va_end(again);
        sb->len += (size_t)n;
        return 0;
}

int sb_printf(strbuf *sb, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int rc = sb_vprintf(sb, fmt, ap);
        va_end(ap);
        return rc;
}

void sb_reset(strbuf *sb)
{
        sb->len = 0;
        if (sb->buf)
                sb->buf[0] = '\0';
}

void sb_free(strbuf *sb)
{
        free(sb->buf);
        sb->buf = NULL;
        sb->len = sb->cap = 0;
}

void mem_wipe(void *p, size_t len)
{
        if (p)
                explicit_bzero(p, len); /* a memset() before free() may go */
}

void sb_wipe(strbuf *sb)
{
        mem_wipe(sb->buf, sb->cap);
        sb_free(sb);
}

int sb_put_base64(strbuf *sb, const void *data, size_t len)
{
        if (len > INT_MAX / 2 || sb_reserve(sb, 4 * ((len + 2) / 3)))
                return -1;
        sb->len += (size_t)EVP_EncodeBlock((unsigned char *)sb->buf + sb->len,
                                           data, (int)len);
        return 0;
}

char *base64_new(const void *data, size_t len)
{
        strbuf sb = {0};
        if (!sb_put_base64(&sb, data, len))
                return sb_steal(&sb);
        sb_free(&sb);
        return NULL;
}

char *sb_steal(strbuf *sb)
{
        if (!sb->buf && sb_reserve(sb, 0))
                return NULL;
        if (!sb->len)
                sb->buf[0] = '\0';
        char *b = sb->buf;
        sb->buf = NULL;
        sb->len = sb->cap = 0;
        return b;
}

int64_t days_from_civil(int64_t y, int m, int d)
{
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400; /* floor division */
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

int is_leap(int64_t y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int64_t y, int m)
{
        static const int dim[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
        return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int hex_digit(int c)
{
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}

int hex4_parse(const char *s, size_t n, unsigned *out)
{
        if (n < 4)
                return -1;
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
                int d = hex_digit((unsigned char)s[i]);
                if (d < 0)
                        return -1;
                v = v << 4 | (unsigned)d;
        }
        *out = v;
        return 0;
}

int u_escape_parse(const char *s, size_t n, unsigned *cp)
{
        unsigned hi, lo;
        if (hex4_parse(s, n, &hi))
                return -1;
        if (hi >= 0xDC00 && hi <= 0xDFFF)
                return -2;
        if (hi < 0xD800 || hi > 0xDBFF) {
                *cp = hi;
                return 4;
        }
        if (n < 10 || s[4] != '\\' || s[5] != 'u' ||
            hex4_parse(s + 6, n - 6, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return -2;
        *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return 10;
}

size_t utf8_put(char *out, unsigned cp)
{
        if (cp < 0x80) {
                out[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char)(0xC0 | cp >> 6);
                out[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char)(0xE0 | cp >> 12);
                out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                out[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | cp >> 18);
        out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

void strv_free(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

char *xstrdup(const char *s)
{
        return s ? strdup(s) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
        char *d = malloc(n + 1);
        if (!d)
                return NULL;
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

int strcaseeq(const char *a, const char *b)
{
        return a && b && strcasecmp(a, b) == 0;
}

char *strtrim(char *s)
{
        size_t len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1]))
                s[--len] = '\0';
        size_t start = 0;
        while (isspace((unsigned char)s[start]))
                start++;
        if (start)
                memmove(s, s + start, len - start + 1);
        return s;
}

void errstr_set(char *errstr, size_t size, const char *fmt, ...)
{
        if (!errstr || !size)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, size, fmt, ap);
        va_end(ap);
        /* An error is one line, whatever a quoted key or value holds. */
        for (char *p = errstr; *p; p++)
                if ((unsigned char)*p < 0x20)
                        *p = ' ';
}

int64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t wall_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- untrusted text (sb_put_untrusted) ---- */

static const char *const cred_names[] = {
    "api_key",      "apikey",        "api-key",  "x-api-key", "token",
    "access_token", "refresh_token", "id_token", "auth_token", "password",
    "passwd",       "secret",        "client_secret", NULL};
static const char *const cred_suffixes[] = {
    "_token", "-token", "_secret", "-secret", "_password", "_apikey",
    "_api_key", NULL};
/* Header names whose whole value is a credential: the rest of the line. */
static const char *const cred_headers[] = {"authorization",
                                           "proxy-authorization", "cookie",
                                           NULL};

static int is_name_char(unsigned char ch)
{
        return isalnum(ch) || ch == '_' || ch == '-';
}

static int name_in(const char *name, size_t n, const char *const *list)
{
        for (const char *const *w = list; *w; w++)
                if (strlen(*w) == n && strncasecmp(name, *w, n) == 0)
                        return 1;
        return 0;
}

static int name_ends_in(const char *name, size_t n, const char *const *list)
{
        for (const char *const *w = list; *w; w++) {
                size_t k = strlen(*w);
                if (n > k && strncasecmp(name + n - k, *w, k) == 0)
                        return 1;
        }
        return 0;
}

/* An escape sb_put_untrusted writes (\n \r \t \xNN) starts at s[i]: a
 * value ends there, so that cleaning a cleaned text changes nothing. */
static int escape_at(const char *s, size_t len, size_t i)
{
        if (s[i] != '\\' || i + 1 >= len)
                return 0;
        char e = s[i + 1];
        return e == 'n' || e == 'r' || e == 't' ||
               (e == 'x' && i + 3 < len && isxdigit((unsigned char)s[i + 2]) &&
                isxdigit((unsigned char)s[i + 3]));
}

/* If a credential-looking name starts at s[i] (at a name boundary),
 * the length of "name[\"] = [\"]" before its value and, in *vend, where
 * the value ends; else 0. */
static size_t cred_param(const char *s, size_t len, size_t i, size_t *vend)
{
        if (i > 0 && is_name_char((unsigned char)s[i - 1]))
                return 0;
        size_t e = i;
        while (e < len && is_name_char((unsigned char)s[e]))
                e++;
        size_t n = e - i;
        if (!n)
                return 0;
        int header = name_in(s + i, n, cred_headers);
        if (!header && !name_in(s + i, n, cred_names) &&
            !name_ends_in(s + i, n, cred_suffixes))
                return 0;
        size_t p = e;
        if (p < len && (s[p] == '"' || s[p] == '\''))
                p++;
        while (p < len && (s[p] == ' ' || s[p] == '\t'))
                p++;
        if (p >= len || (s[p] != '=' && s[p] != ':'))
                return 0;
        int colon = s[p] == ':';
        p++;
        while (p < len && (s[p] == ' ' || s[p] == '\t'))
                p++;
        size_t v = p;
        if (header && colon) {
                while (v < len && s[v] != '\r' && s[v] != '\n')
                        v++;
        } else if (p < len && (s[p] == '"' || s[p] == '\'')) {
                char q = s[p++];
                for (v = p; v < len && s[v] != q; v++)
                        if (s[v] == '\\' && v + 1 < len)
                                v++;
        } else {
                while (v < len && !strchr(" \t\r\n&,;\"'<>}])", s[v]) &&
                       s[v] != '\0' && !escape_at(s, len, v))
                        v++;
        }
        if (v == p)
                return 0; /* nothing to hide ("token=" alone) */
        *vend = v;
        return p - i;
}

/* The length of the known secret starting at s[i], 0 if none. */
static size_t secret_at(const char *s,
                        size_t len,
                        size_t i,
                        const char *const *secrets,
                        size_t n_secrets)
{
        size_t best = 0;
        for (size_t k = 0; k < n_secrets; k++) {
                size_t n = secrets[k] ? strlen(secrets[k]) : 0;
                if (n && n <= len - i && n > best &&
                    memcmp(s + i, secrets[k], n) == 0)
                        best = n;
        }
        return best;
}

/* Length of the valid UTF-8 sequence at s[i] that is not a C1 control,
 * or 0. */
static size_t utf8_len(const unsigned char *s, size_t len, size_t i)
{
        unsigned char c = s[i];
        size_t n        = c >= 0xf0 && c <= 0xf4   ? 4
                          : c >= 0xe0 ? 3
                          : c >= 0xc2 ? 2
                                      : 0;
        if (!n || n > len - i)
                return 0;
        for (size_t k = 1; k < n; k++)
                if ((s[i + k] & 0xc0) != 0x80)
                        return 0;
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] > 0x9f) ||
            (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] > 0x8f) ||
            (c == 0xc2 && s[i + 1] < 0xa0))
                return 0; /* overlong, surrogate, > U+10FFFF, C1 */
        return n;
}

static int put_escaped_byte(strbuf *out, unsigned char c)
{
        switch (c) {
        case '\n':
                return sb_puts(out, "\\n");
        case '\r':
                return sb_puts(out, "\\r");
        case '\t':
                return sb_puts(out, "\\t");
        default:
                return sb_printf(out, "\\x%02x", c);
        }
}

int sb_put_untrusted(strbuf *out,
                     const char *s,
                     size_t len,
                     size_t max,
                     const char *const *secrets,
                     size_t n_secrets)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t lim             = max && max < len ? max : len;
        size_t i               = 0;
        int rc                 = 0;
        while (!rc && i < lim) {
                size_t vend, n = secret_at(s, len, i, secrets, n_secrets);
                if (n) {
                        rc = sb_puts(out, "***");
                        i += n;
                        continue;
                }
                if ((n = cred_param(s, len, i, &vend))) {
                        for (size_t k = i; !rc && k < i + n; k++)
                                rc = u[k] < 0x20 ? put_escaped_byte(out, u[k])
                                                 : sb_putc(out, s[k]);
                        if (!rc)
                                rc = sb_puts(out, "***");
                        i = vend;
                        continue;
                }
                if (u[i] >= 0x20 && u[i] < 0x7f) {
                        rc = sb_putc(out, s[i++]);
                        continue;
                }
                n = u[i] >= 0x80 ? utf8_len(u, len, i) : 0;
                if (n) {
                        rc = sb_append(out, s + i, n);
                        i += n;
                        continue;
                }
                rc = put_escaped_byte(out, u[i++]);
        }
        if (!rc && i < len)
                rc = sb_printf(out, "... (%zu bytes)", len);
        return rc ? -1 : 0;
}

/* ---- keyset ---- */

void keyset_init(keyset *ks, size_t max)
{
        memset(ks, 0, sizeof(*ks));
        ks->max = max;
}

static uint64_t fnv1a(const char *s)
{
        uint64_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

/* The slot holding @p key, or the empty one where it would go (cap > 0,
 * never full: the load stays at most one half). */
static size_t keyset_slot(char *const *slot, size_t cap, const char *key)
{
        size_t i = (size_t)fnv1a(key) & (cap - 1);
        while (slot[i] && strcmp(slot[i], key) != 0)
                i = (i + 1) & (cap - 1);
        return i;
}

int keyset_has(const keyset *ks, const char *key)
{
        return ks->cap && ks->slot[keyset_slot(ks->slot, ks->cap, key)];
}

static int keyset_grow(keyset *ks)
{
        size_t cap  = ks->cap ? ks->cap * 2 : 16;
        char **slot = calloc(cap, sizeof(*slot));
        if (!slot)
                return -1;
        for (size_t i = 0; i < ks->cap; i++)
                if (ks->slot[i])
                        slot[keyset_slot(slot, cap, ks->slot[i])] =
                            ks->slot[i];
        free(ks->slot);
        ks->slot = slot;
        ks->cap  = cap;
        return 0;
}

int keyset_add(keyset *ks, const char *key)
{
        if (keyset_has(ks, key))
                return 0;
        if (ks->n >= ks->max)
                return 1;
        if ((ks->n + 1) * 2 > ks->cap && keyset_grow(ks))
                return -1;
        char *copy = strdup(key);
        if (!copy)
                return -1;
        ks->slot[keyset_slot(ks->slot, ks->cap, key)] = copy;
        ks->n++;
        return 0;
}

void keyset_clear(keyset *ks)
{
        for (size_t i = 0; i < ks->cap; i++)
                free(ks->slot[i]);
        free(ks->slot);
        ks->slot = NULL;
        ks->cap = ks->n = 0;
}
