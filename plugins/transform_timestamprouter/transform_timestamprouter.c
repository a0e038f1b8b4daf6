/* Transform org.apache.kafka.connect.transforms.TimestampRouter: route the
 * record to a topic named from its topic and timestamp, as Connect does:
 *
 *     topicFormat.replace("${topic}", topic)
 *                .replace("${timestamp}", fmt.format(new Date(timestamp)))
 *
 * (two passes of replace-all, in that order) with fmt a SimpleDateFormat in
 * UTC and an English locale. Supported pattern letters: y, M (numbers,
 * MMM/MMMM names), d, D, E, u, a, H, k, K, h, m, s, S, z, Z, X; quoted
 * text 'like this' and '' for a quote. Other letters are rejected when the
 * transform is created. Dates are proleptic Gregorian: Java switches to
 * the Julian calendar before 1582-10-15. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/smt_util.h"
#include "../common/plugin_util.h"

#define WHO "TimestampRouter"

/* A compiled pattern: letters with their repeat counts, literals with a
 * count of 0 (text in lit). */
typedef struct tsr_token {
        char letter; /* 0: literal */
        int count;
        char *lit;
} tsr_token;

typedef struct tsr_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *topic_format;
        tsr_token *tokens;
        size_t n_tokens;
} tsr_state;

static const httpsrc_param_desc tsr_params[] = {
    {.name          = "topic.format",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "${topic}-${timestamp}",
     .doc           = "Format string which can contain ${topic} and "
                      "${timestamp} as placeholders for the topic and "
                      "timestamp, respectively",
     .group         = "transform"},
    {.name          = "timestamp.format",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "yyyyMMdd",
     .doc           = "Format string for the timestamp that is compatible "
                      "with java.text.SimpleDateFormat (UTC)",
     .group         = "transform"},
    {.name = NULL},
};

static void tsr_destroy(void *state)
{
        tsr_state *st = state;
        for (size_t i = 0; i < st->n_tokens; i++)
                st->host->free(st->tokens[i].lit);
        st->host->free(st->tokens);
        st->host->free(st->topic_format);
        st->host->free(st);
}

static int
tsr_add(tsr_state *st, char letter, int count, const char *lit, size_t len)
{
        const struct httpsrc_host_api *host = st->host;
        tsr_token *nt =
            host->realloc(st->tokens, (st->n_tokens + 1) * sizeof(*nt));
        if (!nt)
                return HTTPSRC_ERR_NOMEM;
        st->tokens   = nt;
        tsr_token *t = &nt[st->n_tokens];
        memset(t, 0, sizeof(*t));
        t->letter = letter;
        t->count  = count;
        if (!letter) {
                t->lit = host->alloc(len + 1);
                if (!t->lit)
                        return HTTPSRC_ERR_NOMEM;
                memcpy(t->lit, lit, len);
                t->lit[len] = '\0';
        }
        st->n_tokens++;
        return HTTPSRC_OK;
}

static int is_letter(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Quoted text from just after the opening quote at *p; '' is a quote. */
static int tsr_quoted(tsr_state *st, const char **p)
{
        const struct httpsrc_host_api *host = st->host;
        const char *s                       = *p;
        char *buf                           = host->alloc(strlen(s) + 1);
        size_t n                            = 0;

        if (!buf)
                return HTTPSRC_ERR_NOMEM;
        for (;;) {
                if (!*s) {
                        host->free(buf);
                        return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                               WHO ": timestamp.format: "
                                                   "Unterminated quote");
                }
                if (*s == '\'' && s[1] == '\'') {
                        buf[n++] = '\'';
                        s += 2;
                } else if (*s == '\'') {
                        s++;
                        break;
                } else {
                        buf[n++] = *s++;
                }
        }
        int rc = tsr_add(st, 0, 0, buf, n);
        host->free(buf);
        *p = s;
        return rc;
}

static int tsr_compile(tsr_state *st, const char *fmt)
{
        static const char supported[] = "yMdDEuaHkKhmsSzZX";
        const char *p                 = fmt;
        int rc                        = HTTPSRC_OK;

        while (*p && rc == HTTPSRC_OK) {
                if (*p == '\'' && p[1] == '\'') {
                        rc = tsr_add(st, 0, 0, "'", 1);
                        p += 2;
                } else if (*p == '\'') {
                        p++;
                        rc = tsr_quoted(st, &p);
                } else if (is_letter(*p)) {
                        if (!strchr(supported, *p))
                                return st->host->set_error(
                                    st->ctx, HTTPSRC_ERR_INVAL,
                                    WHO ": timestamp.format: pattern "
                                        "letter '%c' is not supported "
                                        "(supported: %s)",
                                    *p, supported);
                        int n = 1;
                        while (p[n] == p[0])
                                n++;
                        rc = tsr_add(st, *p, n, NULL, 0);
                        p += n;
                } else {
                        const char *b = p;
                        while (*p && *p != '\'' && !is_letter(*p))
                                p++;
                        rc = tsr_add(st, 0, 0, b, (size_t)(p - b));
                }
        }
        return rc;
}

static int tsr_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *topic_format = host->conf_get(ctx, "topic.format");
        const char *ts_format    = host->conf_get(ctx, "timestamp.format");
        tsr_state *st            = host->alloc(sizeof(*st));

        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        st->topic_format =
            host->strdup(topic_format ? topic_format : "${topic}-${timestamp}");
        int rc = st->topic_format
                     ? tsr_compile(st, ts_format ? ts_format : "yyyyMMdd")
                     : HTTPSRC_ERR_NOMEM;
        if (rc < 0) {
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                tsr_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* Formatting                                                           */

typedef struct civil {
        int64_t year;
        int month, day, yday, wday; /* wday: 1 = Monday .. 7 = Sunday */
        int hour, min, sec, ms;
} civil;

static int64_t floor_div(int64_t a, int64_t b)
{
        return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* H. Hinnant's civil_from_days. */
static void civil_of(int64_t ts_ms, civil *c)
{
        int64_t days = floor_div(ts_ms, 86400000);
        int64_t ms   = ts_ms - days * 86400000;
        c->hour      = (int)(ms / 3600000);
        c->min       = (int)(ms / 60000 % 60);
        c->sec       = (int)(ms / 1000 % 60);
        c->ms        = (int)(ms % 1000);
        c->wday      = (int)((days % 7 + 7 + 3) % 7) + 1; /* 1970-01-01 Thu */

        int64_t z   = days + 719468;
        int64_t era = floor_div(z, 146097);
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp  = (5 * doy + 2) / 153;
        c->day      = (int)(doy - (153 * mp + 2) / 5 + 1);
        c->month    = (int)(mp < 10 ? mp + 3 : mp - 9);
        c->year     = yoe + era * 400 + (c->month <= 2);

        static const int before[] = {0,   31,  59,  90,  120, 151,
                                     181, 212, 243, 273, 304, 334};
        int leap =
            (c->year % 4 == 0 && c->year % 100 != 0) || c->year % 400 == 0;
        c->yday = before[c->month - 1] + c->day + (leap && c->month > 2);
}

/* A growing output string; oom sticks. */
typedef struct tbuf {
        const struct httpsrc_host_api *host;
        char *s;
        size_t len, cap;
        int oom;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
        if (b->oom)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t nc = (b->len + n + 1) * 2;
                char *ns  = b->host->realloc(b->s, nc);
                if (!ns) {
                        b->oom = 1;
                        return;
                }
                b->s   = ns;
                b->cap = nc;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

static void tb_str(tbuf *b, const char *s)
{
        tb_add(b, s, strlen(s));
}

/* @p v zero-padded to @p width digits, as SimpleDateFormat's zeroPadding */
static void tb_num(tbuf *b, int64_t v, int width)
{
        char num[48];
        int n = snprintf(num, sizeof(num), "%0*" PRId64,
                         width > 40 ? 40 : width, v);
        tb_add(b, num, (size_t)n);
}

static const char *const month_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Monday",   "Tuesday", "Wednesday",
                                        "Thursday", "Friday",  "Saturday",
                                        "Sunday"};

/* A name in full (count >= 4) or its first three letters. */
static void tb_name(tbuf *b, const char *name, int count)
{
        tb_add(b, name, count >= 4 ? strlen(name) : 3);
}

static void tb_field(tbuf *b, const tsr_token *t, const civil *c)
{
        int n = t->count;

        switch (t->letter) {
        case 'y':
                if (n == 2)
                        tb_num(b, (c->year % 100 + 100) % 100, 2);
                else
                        tb_num(b, c->year, n);
                break;
        case 'M':
                if (n >= 3)
                        tb_name(b, month_names[c->month - 1], n);
                else
                        tb_num(b, c->month, n);
                break;
        case 'd':
                tb_num(b, c->day, n);
                break;
        case 'D':
                tb_num(b, c->yday, n);
                break;
        case 'E':
                tb_name(b, day_names[c->wday - 1], n);
                break;
        case 'u':
                tb_num(b, c->wday, n);
                break;
        case 'a':
                tb_str(b, c->hour < 12 ? "AM" : "PM");
                break;
        case 'H':
                tb_num(b, c->hour, n);
                break;
        case 'k':
                tb_num(b, c->hour ? c->hour : 24, n);
                break;
        case 'K':
                tb_num(b, c->hour % 12, n);
                break;
        case 'h':
                tb_num(b, c->hour % 12 ? c->hour % 12 : 12, n);
                break;
        case 'm':
                tb_num(b, c->min, n);
                break;
        case 's':
                tb_num(b, c->sec, n);
                break;
        case 'S':
                tb_num(b, c->ms, n);
                break;
        case 'z':
                tb_str(b, n >= 4 ? "Coordinated Universal Time" : "UTC");
                break;
        case 'Z':
                tb_str(b, "+0000");
                break;
        default: /* 'X' */
                tb_str(b, "Z");
                break;
        }
}

static void tsr_format(const tsr_state *st, int64_t ts_ms, tbuf *b)
{
        civil c;

        civil_of(ts_ms, &c);
        tb_add(b, "", 0);
        for (size_t i = 0; i < st->n_tokens; i++) {
                const tsr_token *t = &st->tokens[i];
                if (t->letter)
                        tb_field(b, t, &c);
                else
                        tb_str(b, t->lit);
        }
}

/* String.replace(@p what, @p with): every occurrence, left to right. */
static void
replace_all(tbuf *out, const char *s, const char *what, const char *with)
{
        size_t wl = strlen(what);

        tb_add(out, "", 0);
        for (const char *hit; (hit = strstr(s, what)); s = hit + wl) {
                tb_add(out, s, (size_t)(hit - s));
                tb_str(out, with);
        }
        tb_str(out, s);
}

static int tsr_apply(void *state, httpsrc_record *rec)
{
        tsr_state *st                       = state;
        const struct httpsrc_host_api *host = st->host;
        const char *topic                   = host->rec_topic(rec);
        tbuf ts = {.host = host}, pass1 = {.host = host},
             pass2 = {.host = host};

        if (!topic)
                return host->set_error(st->ctx, HTTPSRC_ERR_STATE,
                                       WHO ": record has no topic");
        tsr_format(st, host->rec_timestamp(rec), &ts);
        replace_all(&pass1, st->topic_format, "${topic}", topic);
        if (!pass1.oom && !ts.oom)
                replace_all(&pass2, pass1.s, "${timestamp}", ts.s);
        int rc =
            pass1.oom || ts.oom || pass2.oom
                ? host->set_error(st->ctx, HTTPSRC_ERR_NOMEM, "out of memory")
                : host->rec_set_topic(rec, pass2.s);
        host->free(ts.s);
        host->free(pass1.s);
        host->free(pass2.s);
        return rc;
}

static const httpsrc_transform_ops tsr_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.TimestampRouter",
    .description = "Route records to a topic named from the topic and the "
                   "record timestamp",
    .params      = tsr_params,
    .create      = tsr_create,
    .apply       = tsr_apply,
    .destroy     = tsr_destroy,
};

static int tsr_init(const struct httpsrc_host_api *host,
                    httpsrc_registrar *reg,
                    void **plugin_ctx,
                    char *errstr,
                    size_t errstr_size)
{
        if (smt_host_check(host, errstr, errstr_size))
                return HTTPSRC_ERR_PLUGIN_INIT;
        static const void *const ops[] = {&tsr_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_timestamprouter",
                      "0.1.0",
                      "Transform TimestampRouter",
                      tsr_init,
                      plugin_host_fini)
