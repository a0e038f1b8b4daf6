/* backoff module: status policy, backoff, Retry-After, throttling. */
#include "backoff_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "util_int.h"

static int parse_code(const char *s, const char *end, int *out)
{
        if (s == end || end - s > 3)
                return -1;
        int v = 0;
        for (; s < end; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                v = v * 10 + (*s - '0');
        }
        if (v < 100 || v > 599)
                return -1;
        *out = v;
        return 0;
}

int status_set_parse(status_set *s,
                     const char *spec,
                     char *errstr,
                     size_t errstr_size)
{
        memset(s, 0, sizeof(*s));
        const char *p = spec ? spec : "";
        while (*p) {
                p += strspn(p, " \t,");
                if (!*p)
                        break;
                size_t len      = strcspn(p, ",");
                const char *end = p + len;
                while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
                        end--;
                const char *dash = memchr(p, '-', (size_t)(end - p));
                int lo, hi;
                if (dash ? parse_code(p, dash, &lo) ||
                               parse_code(dash + 1, end, &hi) || hi < lo
                         : parse_code(p, end, &lo)) {
                        errstr_set(errstr, errstr_size,
                                   "'%.*s': not a status code or range",
                                   (int)(end - p), p);
                        return HTTPSRC_ERR_INVAL;
                }
                if (!dash)
                        hi = lo;
                for (int v = lo; v <= hi; v++)
                        s->bits[v / 8] |= (uint8_t)(1u << (v % 8));
                p += len;
        }
        return HTTPSRC_OK;
}

int status_set_has(const status_set *s, int status)
{
        return status >= 0 && status < 600 &&
               (s->bits[status / 8] & (1u << (status % 8)));
}

int status_retryable(int status)
{
        return status == 408 || status == 425 || status == 429 ||
               (status >= 500 && status <= 599);
}

int64_t
backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, double rnd)
{
        int64_t d = base_ms;
        for (int i = 1; i < attempt && d < max_ms; i++)
                d *= 2;
        if (d > max_ms)
                d = max_ms;
        return d / 2 + (int64_t)((double)(d - d / 2) * rnd);
}

static int all_digits(const char *s)
{
        if (!*s)
                return 0;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return 0;
        return 1;
}

/* A wait this long or longer is absurd whatever the cap: values beyond
 * it are held here, so that no conversion overflows. */
#define FAR_MS ((int64_t)1 << 52)

int64_t retry_after_ms(const char *value, int64_t now_wall_ms)
{
        if (!value)
                return -1;
        char buf[128];
        snprintf(buf, sizeof(buf), "%s", value);
        strtrim(buf);
        if (all_digits(buf)) {
                errno       = 0;
                long long v = strtoll(buf, NULL, 10);
                return errno || v > FAR_MS / 1000 ? FAR_MS : (int64_t)v * 1000;
        }
        time_t t = curl_getdate(buf, NULL);
        if (t == -1)
                return -1;
        if ((int64_t)t > FAR_MS / 1000)
                return FAR_MS;
        int64_t d = (int64_t)t * 1000 - now_wall_ms;
        return d > 0 ? d : 0;
}

int64_t rate_reset_ms(const char *value, int64_t now_wall_ms)
{
        if (!value)
                return -1;
        char buf[64], *end;
        snprintf(buf, sizeof(buf), "%s", value);
        strtrim(buf);
        errno    = 0;
        double v = strtod(buf, &end);
        /* inf, nan and 1e400 are not a time: converting them to an
         * integer is undefined. */
        if (errno || end == buf || *end || !isfinite(v) || v < 0)
                return -1;
        double ms = v * 1000;
        if (v > 1e9) /* epoch seconds */
                ms -= (double)now_wall_ms;
        if (ms >= (double)FAR_MS)
                return FAR_MS;
        return ms > 0 ? (int64_t)ms : 0;
}

int throttle_init(throttle *t, size_t max, int64_t window_ms)
{
        memset(t, 0, sizeof(*t));
        t->max       = max;
        t->window_ms = window_ms;
        if (!max)
                return HTTPSRC_OK;
        t->sent = calloc(max, sizeof(*t->sent));
        return t->sent ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

void throttle_free(throttle *t)
{
        free(t->sent);
        t->sent = NULL;
}

int64_t throttle_next(const throttle *t, int64_t now)
{
        if (!t->max || t->n < t->max)
                return now;
        /* The oldest of the last max requests leaves the window then. */
        int64_t oldest = t->sent[t->next];
        int64_t at     = oldest + t->window_ms;
        return at > now ? at : now;
}

void throttle_record(throttle *t, int64_t now)
{
        if (!t->max)
                return;
        t->sent[t->next] = now;
        t->next          = (t->next + 1) % t->max;
        if (t->n < t->max)
                t->n++;
}
