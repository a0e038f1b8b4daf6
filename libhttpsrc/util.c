/* Small shared helpers: growable buffers, string utilities, errstr. */
#include "util_int.h"

#include <ctype.h>
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

int sb_printf(strbuf *sb, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0 || sb_reserve(sb, (size_t)n))
                return -1;
        va_start(ap, fmt);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb->len += (size_t)n;
        return 0;
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

void sb_wipe(strbuf *sb)
{
        if (sb->buf)
                memset(sb->buf, 0, sb->cap);
        sb_free(sb);
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
