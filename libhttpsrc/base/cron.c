/* Quartz cron expressions and the time zones they fire in.
 *
 * Parsing builds one bit set per field plus the day specials (L, W, #);
 * cron_next searches local civil time field by field (year, month, day,
 * then time of day within a matching day) and maps the match back to UTC
 * through the zone, which is a fixed offset or a TZif file (transitions
 * plus the POSIX TZ rule of its footer for times past the table). */
#include "cron_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fileio_int.h"
#include "util_int.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define ZONEINFO "/usr/share/zoneinfo"

enum { F_SEC, F_MIN, F_HOUR, F_DOM, F_MON, F_DOW, F_YEAR, NFIELDS };

static const struct field_desc {
        int min, max;
        int max_step; /* Quartz's increment limits */
} fields[NFIELDS] = {
    {0, 59, 59},                               /* second */
    {0, 59, 59},                               /* minute */
    {0, 23, 23},                               /* hour */
    {1, 31, 31},                               /* day-of-month */
    {1, 12, 12},                               /* month */
    {1, 7, 7},                                 /* day-of-week */
    {YEAR_MIN, YEAR_MAX, YEAR_MAX - YEAR_MIN}, /* year */
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR",
                                          "MAY", "JUN", "JUL", "AUG",
                                          "SEP", "OCT", "NOV", "DEC"};
static const char *const day_names[]   = {"SUN", "MON", "TUE", "WED",
                                          "THU", "FRI", "SAT"};

/* Bit (v - min) of field f; 230 years need four words. */
typedef struct bitset {
        uint64_t w[4];
} bitset;

struct cron_expr {
        bitset set[NFIELDS];
        int has_year;
        int dom_any, dow_any; /* '?' */
        /* day-of-month specials: L[-offset][W], <day>W */
        int dom_last, dom_last_offset, dom_weekday, dom_nearest;
        /* day-of-week specials: <dow>L, <dow>#<n> */
        int dow_last, dow_nth_day, dow_nth;
};

static void bit_set(bitset *b, int f, int v)
{
        int i = v - fields[f].min;
        b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static int bit_get(const bitset *b, int f, int v)
{
        if (v < fields[f].min || v > fields[f].max)
                return 0;
        int i = v - fields[f].min;
        return (int)(b->w[i / 64] >> (i % 64) & 1);
}

/* ---- parsing ---- */

/* Quartz upper-cases the expression first; so do we (up), quoting the
 * original (expr) in errors. Positions are the same in both. */
typedef struct parser {
        const char *expr;
        const char *up;
        cron_expr *c;
        char *errstr;
        size_t errstr_size;
} parser;

/* Long input is shortened in messages so that the reason and the
 * position always fit. */
#define EXPR_SHOWN  64
#define TOKEN_SHOWN 16

static int shown(size_t len, int max)
{
        return len > (size_t)max ? max : (int)len;
}

static const char *more(size_t len, int max)
{
        return len > (size_t)max ? "..." : "";
}

static int fail(const parser *ps, const char *at, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);

static int fail(const parser *ps, const char *at, const char *fmt, ...)
{
        char reason[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof(reason), fmt, ap);
        va_end(ap);
        size_t len = strlen(ps->expr);
        errstr_set(ps->errstr, ps->errstr_size,
                   "invalid cron expression '%.*s%s': %s at position %d",
                   shown(len, EXPR_SHOWN), ps->expr, more(len, EXPR_SHOWN),
                   reason, (int)(at - ps->up) + 1);
        return -1;
}

/* The original text at @p p (a pointer into ps->up). */
static const char *orig(const parser *ps, const char *p)
{
        return ps->expr + (p - ps->up);
}

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lookup_name(const char *s, size_t n, int f)
{
        const char *const *names = f == F_MON ? month_names : day_names;
        int count                = f == F_MON ? 12 : 7;
        if (n != 3)
                return -1;
        for (int i = 0; i < count; i++) {
                int eq = 1;
                for (size_t k = 0; k < 3; k++)
                        if (s[k] != names[i][k])
                                eq = 0;
                if (eq)
                        return i + 1;
        }
        return -1;
}

/* A number in [lo, hi] at *p (advanced); @p what names it in errors. */
static int parse_number(const parser *ps,
                        const char **p,
                        const char *end,
                        int lo,
                        int hi,
                        const char *what,
                        int *out)
{
        const char *s = *p;
        if (s >= end || !is_digit(*s))
                return fail(ps, s, "expected a number");
        long v = 0;
        while (s < end && is_digit(*s)) {
                if (v < 100000)
                        v = v * 10 + (*s - '0');
                s++;
        }
        if (v < lo || v > hi)
                return fail(ps, *p, "%s %.*s%s out of range %d-%d", what,
                            shown((size_t)(s - *p), TOKEN_SHOWN), orig(ps, *p),
                            more((size_t)(s - *p), TOKEN_SHOWN), lo, hi);
        *p   = s;
        *out = (int)v;
        return 0;
}

/* A value of field f: a number or, in month and day-of-week, a name. */
static int
parse_value(const parser *ps, const char **p, const char *end, int f, int *out)
{
        const char *s = *p;
        if (s < end && is_alpha(*s)) {
                const char *e = s;
                while (e < end && is_alpha(*e))
                        e++;
                if (f != F_MON && f != F_DOW)
                        return fail(ps, s, "unexpected character '%c'",
                                    *orig(ps, s));
                /* "FRIL": the last Friday, as Quartz reads it */
                if (f == F_DOW && e - s == 4 && e[-1] == 'L' &&
                    lookup_name(s, 3, f) > 0)
                        e--;
                int v = lookup_name(s, (size_t)(e - s), f);
                if (v < 0)
                        return fail(ps, s, "unknown %s name '%.*s%s'",
                                    f == F_MON ? "month" : "day",
                                    shown((size_t)(e - s), TOKEN_SHOWN),
                                    orig(ps, s),
                                    more((size_t)(e - s), TOKEN_SHOWN));
                *p   = e;
                *out = v;
                return 0;
        }
        return parse_number(ps, p, end, fields[f].min, fields[f].max, "value",
                            out);
}

static int
parse_step(const parser *ps, const char **p, const char *end, int f, int *step)
{
        (*p)++; /* '/' */
        return parse_number(ps, p, end, 1, fields[f].max_step, "increment",
                            step);
}

/* Adds lo..hi by step; hi < lo wraps around the field's cycle (Quartz:
 * hours 22-2 are 22, 23, 0, 1, 2), except for years. */
static void add_range(cron_expr *c, int f, int lo, int hi, int step)
{
        int size = fields[f].max - fields[f].min + 1;
        if (hi < lo)
                hi += size;
        for (int i = lo; i <= hi; i += step)
                bit_set(&c->set[f], f, i > fields[f].max ? i - size : i);
}

/* "L", "L-3", "LW", "L-3W" in day-of-month; "L" (= 7, Saturday) in
 * day-of-week. */
static int
parse_last(const parser *ps, const char *s, const char *end, int f, int alone)
{
        cron_expr *c = ps->c;
        if (f != F_DOM && f != F_DOW)
                return fail(ps, s,
                            "'L' only allowed in day-of-month or day-of-week");
        if (!alone)
                return fail(ps, s, "'L' cannot be combined with other values");
        const char *p = s + 1;
        if (f == F_DOW) {
                if (p != end)
                        return fail(ps, p, "unexpected character '%c'",
                                    *orig(ps, p));
                bit_set(&c->set[f], f, 7);
                return 0;
        }
        c->dom_last = 1;
        if (p < end && *p == '-') {
                p++;
                if (parse_number(ps, &p, end, 0, 30, "offset",
                                 &c->dom_last_offset))
                        return -1;
        }
        if (p < end && *p == 'W') {
                c->dom_weekday = 1;
                p++;
        }
        if (p != end)
                return fail(ps, p, "unexpected character '%c'", *orig(ps, p));
        return 0;
}

/* What follows a value v at p: W, L, #n, -hi[/n], /n or nothing. */
static int parse_after_value(const parser *ps,
                             const char *s,
                             const char *p,
                             const char *end,
                             int f,
                             int v,
                             int alone)
{
        cron_expr *c = ps->c;
        int hi = v, step = 1, range = 0;
        if (p < end && (*p == 'W' || *p == 'L' || *p == '#')) {
                char k = *p;
                if (k == 'W' && f != F_DOM)
                        return fail(ps, p, "'W' only allowed in day-of-month");
                if (k == 'L' && f != F_DOW)
                        return fail(ps, p,
                                    "'L' after a value only allowed in "
                                    "day-of-week");
                if (k == '#' && f != F_DOW)
                        return fail(ps, p, "'#' only allowed in day-of-week");
                if (!alone)
                        return fail(ps, s,
                                    "'%c' cannot be combined with other values",
                                    k);
                const char *q = p + 1;
                if (k == 'W')
                        c->dom_nearest = v;
                else if (k == 'L')
                        c->dow_last = v;
                else if (parse_number(ps, &q, end, 1, 5, "occurrence",
                                      &c->dow_nth))
                        return -1;
                else
                        c->dow_nth_day = v;
                if (q != end)
                        return fail(ps, q, "unexpected character '%c'",
                                    *orig(ps, q));
                return 0;
        }
        if (p < end && *p == '-') {
                const char *h = ++p;
                range         = 1;
                if (parse_value(ps, &p, end, f, &hi))
                        return -1;
                if (f == F_YEAR && hi < v)
                        return fail(ps, h, "year range %d-%d is reversed", v,
                                    hi);
                if (p < end && strchr("WL#", *p))
                        return fail(ps, p, "'%c' cannot follow a range", *p);
        }
        if (p < end && *p == '/') {
                if (!range)
                        hi = fields[f].max; /* "a/n": a, a+n, ... to max */
                if (parse_step(ps, &p, end, f, &step))
                        return -1;
        }
        if (p != end)
                return fail(ps, p, "unexpected character '%c'", *orig(ps, p));
        add_range(c, f, v, hi, step);
        return 0;
}

/* One comma-separated item s[0..end) of field f. */
static int
parse_item(const parser *ps, const char *s, const char *end, int f, int alone)
{
        cron_expr *c = ps->c;
        if (s == end)
                return fail(ps, s, "expected a value");
        if (*s == '?') {
                if (f != F_DOM && f != F_DOW)
                        return fail(ps, s,
                                    "'?' only allowed in day-of-month or "
                                    "day-of-week");
                if (!alone || s + 1 != end)
                        return fail(ps, s,
                                    "'?' cannot be combined with other values");
                *(f == F_DOM ? &c->dom_any : &c->dow_any) = 1;
                return 0;
        }
        if (*s == 'L')
                return parse_last(ps, s, end, f, alone);
        if (*s == '*' || *s == '/') { /* Quartz reads "/n" as "* /n" */
                const char *p = *s == '*' ? s + 1 : s;
                int step      = 1;
                if (p < end && *p == '/' && parse_step(ps, &p, end, f, &step))
                        return -1;
                if (p != end)
                        return fail(ps, p, "unexpected character '%c'",
                                    *orig(ps, p));
                add_range(c, f, fields[f].min, fields[f].max, step);
                return 0;
        }
        const char *p = s;
        int v;
        if (parse_value(ps, &p, end, f, &v))
                return -1;
        return parse_after_value(ps, s, p, end, f, v, alone);
}

static int parse_field(const parser *ps, const char *s, const char *end, int f)
{
        int alone = !memchr(s, ',', (size_t)(end - s));
        for (const char *p = s;;) {
                const char *comma = memchr(p, ',', (size_t)(end - p));
                const char *e     = comma ? comma : end;
                if (parse_item(ps, p, e, f, alone))
                        return -1;
                if (!comma)
                        return 0;
                p = comma + 1;
        }
}

static int is_blank(char c)
{
        return c == ' ' || c == '\t';
}

/* Unix day-of-week numbers (0-7, 0 and 7 Sunday) as Quartz's (1-7, 1
 * Sunday); names and increments (after '/') stay as they are. */
static void put_quartz_dow(strbuf *sb, const char *s, const char *end)
{
        for (const char *p = s; p < end;) {
                if (*p < '0' || *p > '9' || (p > s && p[-1] == '/')) {
                        sb_putc(sb, *p++);
                        continue;
                }
                int v = 0;
                while (p < end && *p >= '0' && *p <= '9' && v < 1000)
                        v = v * 10 + (*p++ - '0');
                sb_printf(sb, "%d", v % 7 + 1);
        }
}

/* A 5-field expression is most likely Unix cron (no seconds, Sunday 0, day
 * fields ORed): "; a 5-field Unix expression? The Quartz one is '0 <min>
 * <hour> <dom> <month> <dow>'", with '?' in the day field left '*'. */
static void unix_hint(const parser *ps,
                      const char *const start[],
                      const char *const end[])
{
        int dom_star = end[2] - start[2] == 1 && *start[2] == '*';
        int dow_star = end[4] - start[4] == 1 && *start[4] == '*';
        size_t len   = strlen(ps->errstr);
        if ((!dom_star && !dow_star) || len + 1 >= ps->errstr_size)
                return; /* Unix ORs the two day fields: Quartz cannot */
        strbuf q = {0};
        sb_puts(&q, "0");
        for (int f = 0; f < 5; f++) {
                const char *s = orig(ps, start[f]), *e = orig(ps, end[f]);
                sb_putc(&q, ' ');
                if ((f == 4 && dow_star) || (f == 2 && !dow_star))
                        sb_putc(&q, '?');
                else if (f == 4)
                        put_quartz_dow(&q, s, e);
                else
                        sb_append(&q, s, (size_t)(e - s));
        }
        if (q.buf && q.len <= EXPR_SHOWN)
                snprintf(ps->errstr + len, ps->errstr_size - len,
                         "; a 5-field Unix cron expression? Quartz has "
                         "seconds first, Sunday = 1 and '?' in day-of-month "
                         "or day-of-week: '%s'",
                         q.buf);
        sb_free(&q);
}

static int parse_fields(const parser *ps)
{
        const char *start[NFIELDS], *end[NFIELDS];
        int n         = 0;
        const char *p = ps->up;
        for (;;) {
                while (is_blank(*p))
                        p++;
                if (!*p)
                        break;
                if (n == NFIELDS)
                        return fail(ps, p, "expected 6 or 7 fields");
                start[n] = p;
                while (*p && !is_blank(*p))
                        p++;
                end[n++] = p;
        }
        if (n < NFIELDS - 1) {
                fail(ps, p, "expected 6 or 7 fields");
                if (n == NFIELDS - 2 && ps->errstr)
                        unix_hint(ps, start, end);
                return -1;
        }
        ps->c->has_year = n == NFIELDS;
        for (int f = 0; f < n; f++)
                if (parse_field(ps, start[f], end[f], f))
                        return -1;
        if (ps->c->dom_any && ps->c->dow_any)
                return fail(ps, start[F_DOW],
                            "day-of-month and day-of-week cannot both be '?'");
        if (!ps->c->dom_any && !ps->c->dow_any)
                return fail(ps, start[F_DOW],
                            "day-of-month and day-of-week cannot both be "
                            "specified (use ?)");
        return 0;
}

cron_expr *cron_parse(const char *expr, char *errstr, size_t errstr_size)
{
        cron_expr *c = calloc(1, sizeof(*c));
        if (!c) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (!expr)
                expr = "";
        char *up = xstrdup(expr);
        if (!up) {
                free(c);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        for (char *p = up; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char)(*p - 'a' + 'A');
        parser ps = {expr, up, c, errstr, errstr_size};
        int rc    = parse_fields(&ps);
        free(up);
        if (rc) {
                free(c);
                return NULL;
        }
        return c;
}

void cron_destroy(cron_expr *c)
{
        free(c);
}

/* ---- civil time (proleptic Gregorian, Howard Hinnant's algorithms) ---- */

typedef struct civil {
        int y, mo, d, h, mi, s;
} civil;

static int64_t floor_div(int64_t a, int64_t b)
{
        return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
        z += 719468;
        int64_t era = floor_div(z, 146097);
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp  = (5 * doy + 2) / 153;
        *d          = (int)(doy - (153 * mp + 2) / 5 + 1);
        *m          = (int)(mp < 10 ? mp + 3 : mp - 9);
        *y          = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Sunday for a day number (1970-01-01 was a Thursday). */
static int weekday0(int64_t days)
{
        return (int)((days % 7 + 11) % 7);
}

static civil civil_from_secs(int64_t t)
{
        civil c;
        int64_t days = floor_div(t, 86400);
        int64_t sod  = t - days * 86400;
        civil_from_days(days, &c.y, &c.mo, &c.d);
        c.h  = (int)(sod / 3600);
        c.mi = (int)(sod / 60 % 60);
        c.s  = (int)(sod % 60);
        return c;
}

static int64_t secs_from_civil(const civil *c)
{
        return days_from_civil(c->y, c->mo, c->d) * 86400 + c->h * 3600 +
               c->mi * 60 + c->s;
}

/* ---- matching ---- */

/* Quartz's W: the weekday nearest to day d, never leaving the month. */
static int nearest_weekday(int y, int m, int d, int ldom)
{
        int wd = weekday0(days_from_civil(y, m, d));
        if (wd == 6)
                return d == 1 ? 3 : d - 1;
        if (wd == 0)
                return d == ldom ? d - 2 : d + 1;
        return d;
}

static int dom_matches(const cron_expr *c, int y, int m, int d)
{
        int ldom = days_in_month(y, m);
        if (c->dom_last) {
                int target = ldom - c->dom_last_offset;
                if (target < 1)
                        return 0;
                if (c->dom_weekday)
                        target = nearest_weekday(y, m, target, ldom);
                return d == target;
        }
        if (c->dom_nearest)
                return c->dom_nearest <= ldom &&
                       d == nearest_weekday(y, m, c->dom_nearest, ldom);
        return bit_get(&c->set[F_DOM], F_DOM, d);
}

static int dow_matches(const cron_expr *c, int y, int m, int d)
{
        int dow = weekday0(days_from_civil(y, m, d)) + 1; /* 1 = SUN */
        if (c->dow_last)
                return dow == c->dow_last && d + 7 > days_in_month(y, m);
        if (c->dow_nth)
                return dow == c->dow_nth_day && (d - 1) / 7 + 1 == c->dow_nth;
        return bit_get(&c->set[F_DOW], F_DOW, dow);
}

static int day_matches(const cron_expr *c, int y, int m, int d)
{
        return c->dom_any ? dow_matches(c, y, m, d) : dom_matches(c, y, m, d);
}

/* First set bit >= from in field f, or -1. */
static int next_bit(const cron_expr *c, int f, int from)
{
        for (int v = from; v <= fields[f].max; v++)
                if (bit_get(&c->set[f], f, v))
                        return v;
        return -1;
}

/* The first time of day >= *t matching the time fields (in *t), or -1. */
static int time_next(const cron_expr *c, civil *t)
{
        for (int h = next_bit(c, F_HOUR, t->h); h >= 0;
             h     = next_bit(c, F_HOUR, h + 1)) {
                int m0 = h == t->h ? t->mi : 0;
                for (int m = next_bit(c, F_MIN, m0); m >= 0;
                     m     = next_bit(c, F_MIN, m + 1)) {
                        int s0 = h == t->h && m == t->mi ? t->s : 0;
                        int s  = next_bit(c, F_SEC, s0);
                        if (s >= 0) {
                                t->h  = h;
                                t->mi = m;
                                t->s  = s;
                                return 0;
                        }
                }
        }
        return -1;
}

/* The first local civil time >= *t that matches, in *t; -1 if none up to
 * YEAR_MAX. */
static int civil_next(const cron_expr *c, civil *t)
{
        civil cur = *t;
        for (; cur.y <= YEAR_MAX;
             cur.y++, cur.mo = 1, cur.d = 1, cur.h = cur.mi = cur.s = 0) {
                if (c->has_year && !bit_get(&c->set[F_YEAR], F_YEAR, cur.y))
                        continue;
                for (; cur.mo <= 12;
                     cur.mo++, cur.d = 1, cur.h = cur.mi = cur.s = 0) {
                        if (!bit_get(&c->set[F_MON], F_MON, cur.mo))
                                continue;
                        int ldom = days_in_month(cur.y, cur.mo);
                        for (; cur.d <= ldom;
                             cur.d++, cur.h = cur.mi = cur.s = 0) {
                                if (day_matches(c, cur.y, cur.mo, cur.d) &&
                                    !time_next(c, &cur)) {
                                        *t = cur;
                                        return 0;
                                }
                        }
                }
        }
        return -1;
}

/* ---- zones ---- */

typedef struct tz_date {
        char kind; /* 'J' (1-365, no Feb 29), 'N' (0-365), 'M' */
        int n, m, w, d;
        int32_t secs; /* local time of day of the change */
} tz_date;

/* A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), offsets east of UTC. */
typedef struct tz_rule {
        int32_t std_off, dst_off;
        int has_dst;
        tz_date start, end;
} tz_rule;

struct cron_zone {
        int64_t *trans; /* transition times, ascending */
        int32_t *offs;  /* offset from trans[i] on */
        size_t n;
        int32_t off0; /* before the first transition (fixed zones: always) */
        int has_rule; /* after the last transition (or always) */
        tz_rule rule;
};

static int64_t tz_date_day(const tz_date *r, int y)
{
        int64_t jan1 = days_from_civil(y, 1, 1);
        if (r->kind == 'J')
                return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
        if (r->kind == 'N')
                return jan1 + r->n;
        int64_t first = days_from_civil(y, r->m, 1);
        int64_t day = first + (r->d - weekday0(first) + 7) % 7 + 7 * (r->w - 1);
        while (day >= first + days_in_month(y, r->m))
                day -= 7;
        return day;
}

static int32_t rule_offset(const tz_rule *r, int64_t t)
{
        if (!r->has_dst)
                return r->std_off;
        int y = civil_from_secs(t + r->std_off).y;
        int64_t start =
            tz_date_day(&r->start, y) * 86400 + r->start.secs - r->std_off;
        int64_t end =
            tz_date_day(&r->end, y) * 86400 + r->end.secs - r->dst_off;
        int dst =
            start < end ? t >= start && t < end : !(t >= end && t < start);
        return dst ? r->dst_off : r->std_off;
}

static int32_t zone_offset(const cron_zone *z, int64_t t)
{
        if (!z)
                return 0;
        if (!z->n)
                return z->has_rule ? rule_offset(&z->rule, t) : z->off0;
        if (t < z->trans[0])
                return z->off0;
        size_t lo = 0, hi = z->n; /* trans[lo] <= t < trans[hi] */
        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (z->trans[mid] <= t)
                        lo = mid;
                else
                        hi = mid;
        }
        if (lo == z->n - 1 && z->has_rule)
                return rule_offset(&z->rule, t);
        return z->offs[lo];
}

/* The first instant whose local time is @p local; -1 if that local time
 * does not exist (a gap). The candidates are the offsets in force around
 * it: zones change offset at most once within two days. */
static int local_to_utc(const cron_zone *z, int64_t local, int64_t *utc)
{
        int32_t cand[4];
        cand[0]      = zone_offset(z, local - 2 * 86400);
        cand[1]      = zone_offset(z, local + 2 * 86400);
        cand[2]      = zone_offset(z, local - cand[0]);
        cand[3]      = zone_offset(z, local - cand[1]);
        int64_t best = INT64_MAX;
        for (int i = 0; i < 4; i++) {
                int64_t u = local - cand[i];
                if (zone_offset(z, u) == cand[i] && u < best)
                        best = u;
        }
        *utc = best;
        return best == INT64_MAX ? -1 : 0;
}

int64_t cron_next(const cron_expr *c, const cron_zone *z, int64_t after_ms)
{
        /* Bounds keep the arithmetic far from overflow: year 1 .. 2200. */
        const int64_t t_min = -62135596800LL, t_max = 7258118400LL;
        if (!c)
                return -1;
        int64_t after = floor_div(after_ms, 1000);
        if (after >= t_max)
                return -1;
        if (after < t_min)
                after = t_min;
        int64_t local = after + 1 + zone_offset(z, after + 1);
        /* Skipped matches lie in one gap or overlap (at most a day of
         * seconds); the cap only guards against a corrupt zone. */
        for (int guard = 0; guard < 4 * 86400; guard++) {
                civil t = civil_from_secs(local);
                if (civil_next(c, &t))
                        return -1;
                int64_t lt = secs_from_civil(&t), utc;
                /* A local time in a gap does not fire; one that occurs
                 * twice fires at its first occurrence only. */
                if (!local_to_utc(z, lt, &utc) && utc > after)
                        return utc * 1000;
                local = lt + 1;
        }
        return -1;
}

/* ---- zone names ---- */

/* "+HH", "+HHMM", "+HH:MM" (or '-'), Java's limit of 18 hours. */
static int parse_fixed(const char *s, int32_t *off)
{
        int sign = *s == '+' ? 1 : *s == '-' ? -1 : 0;
        if (!sign)
                return -1;
        s++;
        int v[2] = {0, 0}, n = 0;
        for (int part = 0; part < 2 && *s; part++) {
                if (part == 1 && *s == ':')
                        s++;
                if (!is_digit(s[0]))
                        return -1;
                int digits = is_digit(s[1]) ? 2 : 1;
                if (part == 1 && digits != 2)
                        return -1;
                v[part] =
                    digits == 2 ? (s[0] - '0') * 10 + s[1] - '0' : s[0] - '0';
                s += digits;
                n++;
        }
        if (*s || !n || v[1] > 59 || v[0] * 60 + v[1] > 18 * 60)
                return -1;
        *off = sign * (v[0] * 3600 + v[1] * 60);
        return 0;
}

static int valid_zone_name(const char *name)
{
        if (!*name || *name == '/')
                return 0;
        for (const char *p = name; *p; p++)
                if (!is_alpha(*p) && !is_digit(*p) && !strchr("/_+-.", *p))
                        return 0;
        /* no "." or ".." component */
        for (const char *p = name; *p;) {
                size_t n = strcspn(p, "/");
                if ((n == 1 && p[0] == '.') ||
                    (n == 2 && p[0] == '.' && p[1] == '.'))
                        return 0;
                p += n;
                if (*p)
                        p++;
        }
        return 1;
}

/* -- POSIX TZ strings (RFC 8536 footer) -- */

static int tz_num(const char **p, int max, int *out)
{
        const char *s = *p;
        int v         = 0;
        if (!is_digit(*s))
                return -1;
        while (is_digit(*s)) {
                v = v * 10 + (*s++ - '0');
                if (v > max)
                        return -1;
        }
        *p   = s;
        *out = v;
        return 0;
}

/* [+-]hh[:mm[:ss]] in seconds; hours up to @p max_h. */
static int tz_time(const char **p, int max_h, int32_t *out)
{
        int sign = 1, h, m = 0, s = 0;
        if (**p == '+' || **p == '-')
                sign = *(*p)++ == '-' ? -1 : 1;
        if (tz_num(p, max_h, &h))
                return -1;
        if (**p == ':' && ((*p)++, tz_num(p, 59, &m)))
                return -1;
        if (**p == ':' && ((*p)++, tz_num(p, 59, &s)))
                return -1;
        *out = sign * (h * 3600 + m * 60 + s);
        return 0;
}

static int tz_name(const char **p)
{
        const char *s = *p;
        if (*s == '<') {
                const char *e = strchr(s, '>');
                if (!e || e == s + 1)
                        return -1;
                *p = e + 1;
                return 0;
        }
        while (is_alpha(**p))
                (*p)++;
        return *p - s >= 3 ? 0 : -1;
}

static int tz_date_parse(const char **p, tz_date *r)
{
        r->secs = 2 * 3600;
        if (**p == 'J') {
                (*p)++;
                r->kind = 'J';
                if (tz_num(p, 365, &r->n) || r->n < 1)
                        return -1;
        } else if (**p == 'M') {
                (*p)++;
                r->kind = 'M';
                if (tz_num(p, 12, &r->m) || r->m < 1 || *(*p)++ != '.' ||
                    tz_num(p, 5, &r->w) || r->w < 1 || *(*p)++ != '.' ||
                    tz_num(p, 6, &r->d))
                        return -1;
        } else {
                r->kind = 'N';
                if (tz_num(p, 365, &r->n))
                        return -1;
        }
        if (**p == '/') {
                (*p)++;
                return tz_time(p, 167, &r->secs);
        }
        return 0;
}

static int tz_rule_parse(const char *s, tz_rule *r)
{
        int32_t west;
        memset(r, 0, sizeof(*r));
        if (tz_name(&s) || tz_time(&s, 24, &west))
                return -1;
        r->std_off = -west;
        if (!*s)
                return 0;
        if (tz_name(&s))
                return -1;
        r->has_dst = 1;
        r->dst_off = r->std_off + 3600;
        if (*s && *s != ',') {
                if (tz_time(&s, 24, &west))
                        return -1;
                r->dst_off = -west;
        }
        if (!*s) { /* POSIX default: US rules */
                r->start = (tz_date){'M', 0, 3, 2, 0, 7200};
                r->end   = (tz_date){'M', 0, 11, 1, 0, 7200};
                return 0;
        }
        if (*s++ != ',' || tz_date_parse(&s, &r->start) || *s++ != ',' ||
            tz_date_parse(&s, &r->end))
                return -1;
        return *s ? -1 : 0;
}

/* -- TZif files (RFC 8536) -- */

typedef struct tzif_hdr {
        uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_hdr;

static uint32_t be32(const unsigned char *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
               (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
        return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int tzif_header(const unsigned char *p, size_t len, tzif_hdr *h)
{
        if (len < 44 || memcmp(p, "TZif", 4))
                return -1;
        h->isutcnt  = be32(p + 20);
        h->isstdcnt = be32(p + 24);
        h->leapcnt  = be32(p + 28);
        h->timecnt  = be32(p + 32);
        h->typecnt  = be32(p + 36);
        h->charcnt  = be32(p + 40);
        /* Bounds that also keep the size arithmetic below in range. */
        if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 1000000 ||
            h->leapcnt > 1000000 || h->charcnt > 1000000 ||
            (h->isutcnt && h->isutcnt != h->typecnt) ||
            (h->isstdcnt && h->isstdcnt != h->typecnt))
                return -1;
        return 0;
}

static size_t tzif_data_size(const tzif_hdr *h, size_t tsize)
{
        return h->timecnt * tsize + h->timecnt + h->typecnt * 6 + h->charcnt +
               h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Fills transitions from one data block (times of @p tsize bytes). */
static int
tzif_data(cron_zone *z, const tzif_hdr *h, const unsigned char *p, size_t tsize)
{
        const unsigned char *idx   = p + h->timecnt * tsize;
        const unsigned char *types = idx + h->timecnt;
        z->trans = malloc((h->timecnt ? h->timecnt : 1) * sizeof(*z->trans));
        z->offs  = malloc((h->timecnt ? h->timecnt : 1) * sizeof(*z->offs));
        if (!z->trans || !z->offs)
                return -1;
        for (uint32_t i = 0; i < h->timecnt; i++) {
                const unsigned char *t = p + i * tsize;
                int64_t when = tsize == 8 ? be64(t) : (int32_t)be32(t);
                if (idx[i] >= h->typecnt || (i && when <= z->trans[i - 1]))
                        return -1;
                z->trans[i] = when;
                z->offs[i]  = (int32_t)be32(types + idx[i] * 6);
        }
        z->n    = h->timecnt;
        z->off0 = (int32_t)be32(types);
        return 0;
}

static int tzif_parse(cron_zone *z, const unsigned char *p, size_t len)
{
        tzif_hdr h;
        if (tzif_header(p, len, &h))
                return -1;
        size_t size = tzif_data_size(&h, 4);
        if (len - 44 < size)
                return -1;
        if (p[4] < '2')
                return tzif_data(z, &h, p + 44, 4);
        const unsigned char *v2 = p + 44 + size;
        size_t rest             = len - 44 - size;
        if (tzif_header(v2, rest, &h))
                return -1;
        size = tzif_data_size(&h, 8);
        if (rest - 44 < size || tzif_data(z, &h, v2 + 44, 8))
                return -1;
        const char *foot = (const char *)v2 + 44 + size;
        size_t flen      = rest - 44 - size;
        if (flen < 2 || foot[0] != '\n')
                return -1;
        const char *nl = memchr(foot + 1, '\n', flen - 1);
        if (!nl)
                return -1;
        if (nl == foot + 1)
                return 0; /* empty footer: the last offset stays */
        char tz[128];
        if ((size_t)(nl - foot - 1) >= sizeof(tz))
                return -1;
        memcpy(tz, foot + 1, (size_t)(nl - foot - 1));
        tz[nl - foot - 1] = '\0';
        if (tz_rule_parse(tz, &z->rule))
                return -1;
        z->has_rule = 1;
        return 0;
}

static int read_all(const char *path, strbuf *sb)
{
        int err;
        return fileio_read(path, 1024 * 1024, sb, &err) ? -1 : 0;
}

static cron_zone *
zone_from_file(const char *name, char *errstr, size_t errstr_size)
{
        const char *dir = getenv("TZDIR");
        if (!dir || !*dir)
                dir = ZONEINFO;
        struct stat st;
        if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
                errstr_set(errstr, errstr_size,
                           "unknown time zone '%s' (no %s)", name, dir);
                return NULL;
        }
        strbuf path = {0}, data = {0};
        cron_zone *z = calloc(1, sizeof(*z));
        int rc       = !z || sb_printf(&path, "%s/%s", dir, name) ? -2 : 0;
        if (!rc && read_all(path.buf, &data))
                rc = -1;
        if (!rc && tzif_parse(z, (unsigned char *)data.buf, data.len)) {
                errstr_set(errstr, errstr_size,
                           "unknown time zone '%s' (%s is not a valid TZif "
                           "file)",
                           name, path.buf);
                rc = -3;
        }
        if (rc == -1)
                errstr_set(errstr, errstr_size, "unknown time zone '%s'", name);
        else if (rc == -2)
                errstr_set(errstr, errstr_size, "out of memory");
        sb_free(&path);
        sb_free(&data);
        if (rc) {
                cron_zone_destroy(z);
                return NULL;
        }
        return z;
}

cron_zone *cron_zone_new(const char *name, char *errstr, size_t errstr_size)
{
        if (!name)
                name = "";
        int32_t off      = 0;
        const char *spec = name;
        if (!strncasecmp(spec, "UTC", 3) || !strncasecmp(spec, "GMT", 3))
                spec += 3;
        int fixed = (spec != name && !*spec) || !strcmp(name, "Z") ||
                    (*spec && !parse_fixed(spec, &off));
        if (!fixed && (spec != name || !valid_zone_name(name))) {
                errstr_set(errstr, errstr_size, "unknown time zone '%s'", name);
                return NULL;
        }
        if (!fixed)
                return zone_from_file(name, errstr, errstr_size);
        cron_zone *z = calloc(1, sizeof(*z));
        if (!z) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        z->off0 = off;
        return z;
}

void cron_zone_destroy(cron_zone *z)
{
        if (!z)
                return;
        free(z->trans);
        free(z->offs);
        free(z);
}
