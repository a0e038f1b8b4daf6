/* offset_value module: TIMESTAMP and ID offset values, checked and
 * compared exactly (see offset_value_int.h). Ids above 2^53 used to be
 * compared as doubles: neighbouring snowflake ids compared equal and were
 * dropped as "seen before", and "1e400" (inf) stopped every later record. */
#include "offset_value_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util_int.h"

#define EXP_CAP 1000000000LL /* exponents beyond are out of range anyway */

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* ------------------------------------------------------------------ */
/* numbers: -?D+(.D+)?([eE][+-]?D+)?, as 0.<digits> x 10^exp             */

typedef struct number {
        int neg, zero;
        const char *ip, *fp; /* integer and fraction digits */
        size_t il, fl;
        size_t first, ndig; /* significant digits: index range over ip|fp */
        long long exp;      /* the value is 0.<significant> x 10^exp */
} number;

static char num_digit(const number *n, size_t i)
{
        return i < n->il ? n->ip[i] : n->fp[i - n->il];
}

static size_t digit_run(const char *s)
{
        size_t n = 0;
        while (is_digit(s[n]))
                n++;
        return n;
}

/* 0: a number by the grammar; *fancy: it has a fraction or exponent. */
static int number_parse(const char *s, number *n, int *fancy)
{
        long long e = 0;
        *n          = (number){0};
        *fancy      = 0;
        n->neg      = *s == '-';
        s += n->neg;
        n->ip = s;
        if (!(n->il = digit_run(s)))
                return -1;
        s += n->il;
        if (*s == '.') {
                n->fp = ++s;
                if (!(n->fl = digit_run(s)))
                        return -1;
                s += n->fl;
                *fancy = 1;
        }
        if (*s == 'e' || *s == 'E') {
                int eneg = *++s == '-';
                s += *s == '-' || *s == '+';
                if (!is_digit(*s))
                        return -1;
                for (; is_digit(*s); s++)
                        if (e < EXP_CAP)
                                e = e * 10 + (*s - '0');
                e      = eneg ? -e : e;
                *fancy = 1;
        }
        if (*s)
                return -1;
        size_t total = n->il + n->fl, k = 0;
        while (k < total && num_digit(n, k) == '0')
                k++;
        size_t end = total;
        while (end > k && num_digit(n, end - 1) == '0')
                end--;
        n->zero  = k == total;
        n->first = k;
        n->ndig  = end - k;
        n->exp   = (long long)n->il - (long long)k + e;
        return 0;
}

static int magnitude_cmp(const number *a, const number *b)
{
        if (a->exp != b->exp)
                return a->exp < b->exp ? -1 : 1;
        size_t n = a->ndig < b->ndig ? a->ndig : b->ndig;
        for (size_t i = 0; i < n; i++) {
                char x = num_digit(a, a->first + i);
                char y = num_digit(b, b->first + i);
                if (x != y)
                        return x < y ? -1 : 1;
        }
        return (a->ndig > b->ndig) - (a->ndig < b->ndig);
}

static int number_cmp(const number *a, const number *b)
{
        if (a->zero || b->zero) {
                int x = a->zero ? 0 : a->neg ? -1 : 1;
                int y = b->zero ? 0 : b->neg ? -1 : 1;
                return (x > y) - (x < y);
        }
        if (a->neg != b->neg)
                return a->neg ? -1 : 1;
        int r = magnitude_cmp(a, b);
        return a->neg ? -r : r;
}

static int number_check(const char *s, char *why, size_t why_size)
{
        number n;
        int fancy;
        if (number_parse(s, &n, &fancy)) {
                errstr_set(why, why_size,
                           "not a decimal number (e.g. 1234567890123456789)");
                return -1;
        }
        if (!fancy)
                return 0; /* an integer: any length, compared digit by digit */
        errno    = 0;
        double d = strtod(s, NULL);
        if (errno == ERANGE || !isfinite(d)) {
                errstr_set(why, why_size,
                           "out of range (not a finite number; write large "
                           "ids as integers, without an exponent)");
                return -1;
        }
        return 0;
}

/* ------------------------------------------------------------------ */
/* instants                                                            */

typedef struct instant {
        int64_t secs; /* since the epoch, offset applied */
        const char *frac;
        size_t flen; /* fraction digits, trailing zeros dropped */
} instant;

static int digits(const char **s, int n, int *out)
{
        int v = 0;
        for (int i = 0; i < n; i++, (*s)++) {
                if (!is_digit(**s))
                        return -1;
                v = v * 10 + (**s - '0');
        }
        *out = v;
        return 0;
}

static int looks_like_date(const char *s)
{
        return digit_run(s) == 4 && s[4] == '-';
}

#define FAIL(msg)                                                              \
        do {                                                                   \
                errstr_set(why, why_size, "%s", msg);                          \
                return -1;                                                     \
        } while (0)

static int time_of_day(const char **sp, instant *t, char *why, size_t why_size)
{
        const char *s = *sp;
        int h, mi, sec = 0;
        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
                FAIL("not an ISO-8601 time of day (hh:mm[:ss[.f]])");
        if (*s == ':' && (s++, digits(&s, 2, &sec)))
                FAIL("not an ISO-8601 time of day (hh:mm[:ss[.f]])");
        if (h > 23 || mi > 59 || sec > 60)
                FAIL("not a time of day (hours 00-23, minutes and seconds "
                     "00-59)");
        if (*s == '.' || *s == ',') {
                t->frac = ++s;
                if (!(t->flen = digit_run(s)))
                        FAIL("empty fraction of a second");
                s += t->flen;
                while (t->flen && t->frac[t->flen - 1] == '0')
                        t->flen--;
        }
        t->secs += h * 3600 + mi * 60 + sec;
        *sp = s;
        return 0;
}

static int instant_parse(const char *s, instant *t, char *why, size_t why_size)
{
        int y, mo, d, oh = 0, om = 0;
        *t = (instant){0};
        if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
            *s++ != '-' || digits(&s, 2, &d))
                FAIL("not an ISO-8601 date (YYYY-MM-DD)");
        if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
                FAIL("not a calendar date");
        t->secs = days_from_civil(y, mo, d) * 86400;
        if ((*s == 'T' || *s == ' ') &&
            (s++, time_of_day(&s, t, why, why_size)))
                return -1;
        if (*s == 'Z') {
                s++;
        } else if (*s == '+' || *s == '-') {
                int sign = *s++ == '+' ? 1 : -1;
                if (digits(&s, 2, &oh) || (*s == ':' && !s[1]))
                        FAIL("not a UTC offset (+hh[:mm])");
                s += *s == ':';
                if ((*s && digits(&s, 2, &om)) || oh > 23 || om > 59)
                        FAIL("not a UTC offset (+hh[:mm])");
                t->secs -= sign * (oh * 3600 + om * 60);
        }
        if (*s)
                FAIL("not an ISO-8601 instant (trailing characters)");
        return 0;
}

#undef FAIL

static int instant_cmp(const instant *a, const instant *b)
{
        if (a->secs != b->secs)
                return a->secs < b->secs ? -1 : 1;
        size_t n = a->flen < b->flen ? a->flen : b->flen;
        int r    = n ? memcmp(a->frac, b->frac, n) : 0;
        if (r)
                return r < 0 ? -1 : 1;
        return (a->flen > b->flen) - (a->flen < b->flen);
}

/* ------------------------------------------------------------------ */
/* public                                                              */

int offset_value_check(enum offset_value_mode mode,
                       const char *s,
                       char *why,
                       size_t why_size)
{
        if (!s) {
                errstr_set(why, why_size, "no value");
                return -1;
        }
        if (mode == OFFSET_VALUE_TIMESTAMP && looks_like_date(s)) {
                instant t;
                return instant_parse(s, &t, why, why_size);
        }
        if (number_check(s, why, why_size) == 0)
                return 0;
        if (mode == OFFSET_VALUE_TIMESTAMP)
                errstr_set(why, why_size,
                           "neither an ISO-8601 instant "
                           "(YYYY-MM-DDThh:mm:ssZ) nor a finite number");
        return -1;
}

int offset_value_cmp(const char *a, const char *b, int *incomparable)
{
        instant x, y;
        int da = looks_like_date(a), db = looks_like_date(b);
        *incomparable = 0;
        if (da && db && !instant_parse(a, &x, NULL, 0) &&
            !instant_parse(b, &y, NULL, 0))
                return instant_cmp(&x, &y);
        number p, q;
        int fancy;
        if (!da && !db && !number_parse(a, &p, &fancy) &&
            !number_parse(b, &q, &fancy))
                return number_cmp(&p, &q);
        *incomparable = 1;
        return 0;
}

int offset_value_is_json_number(const char *s)
{
        number n;
        int fancy;
        return !number_parse(s, &n, &fancy) && (n.il == 1 || n.ip[0] != '0');
}

/* ------------------------------------------------------------------ */
/* sealed page keys                                                    */

/* Index of the longest of @p pat (n of them) that @p s starts with. */
static size_t longest_prefix(const char *s, const char *const *pat, size_t n)
{
        size_t best = SIZE_MAX, best_len = 0;
        for (size_t i = 0; i < n; i++) {
                size_t l = strlen(pat[i]);
                if (l > best_len && !strncmp(s, pat[i], l)) {
                        best     = i;
                        best_len = l;
                }
        }
        return best;
}

int offset_key_seal(const char *key,
                    const char *const *refs,
                    const char *const *vals,
                    size_t n,
                    strbuf *out)
{
        if (!n)
                return sb_puts(out, key);
        for (const char *p = key; *p;) {
                size_t i = longest_prefix(p, vals, n);
                int r;
                if (i != SIZE_MAX) {
                        r = sb_puts(out, refs[i]);
                        p += strlen(vals[i]);
                } else {
                        r = *p == '$' ? sb_puts(out, "$$") : sb_putc(out, *p);
                        p++;
                }
                if (r)
                        return -1;
        }
        return sb_puts(out, "");
}

int offset_key_unseal(const char *stored,
                      const char *const *refs,
                      const char *const *vals,
                      size_t n,
                      strbuf *out)
{
        if (!n)
                return sb_puts(out, stored);
        for (const char *p = stored; *p;) {
                size_t i = p[0] == '$' && p[1] == '{'
                               ? longest_prefix(p, refs, n)
                               : SIZE_MAX;
                int r;
                if (i != SIZE_MAX) {
                        r = sb_puts(out, vals[i]);
                        p += strlen(refs[i]);
                } else {
                        r = sb_putc(out, *p);
                        p += p[0] == '$' && p[1] == '$' ? 2 : 1;
                }
                if (r)
                        return -1;
        }
        return sb_puts(out, "");
}
