/* libFuzzer target: cron.c. Input = "<cron expression>\n<zone name>\n"
 * then up to 4 little-endian int64 "after" times (epoch ms).
 *
 * Checks: a parse error has the documented form; every next fire time is a
 * whole second strictly after its argument (or -1); the schedule is
 * consistent: cron_next from any instant between "after" and the result
 * (the result minus 1 ms, the midpoint) finds the same result, and the
 * chain of fire times grows. The zone is the named one when it loads
 * (exercising the TZif reader on real files), else one of a fixed set
 * with DST gaps and overlaps, picked by the first time's low byte.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true, with fuzz_cron in
 * tests/fuzz/meson.build's target list; or by hand:
 *   meson compile -C build-fuzz tests/fuzz/httpsrc_fuzz
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Ilibhttpsrc \
 *       tests/fuzz/fuzz_cron.c build-fuzz/tests/fuzz/libhttpsrc_fuzz.a \
 *       $(pkg-config --libs libcurl rdkafka yajl libcrypto) -ldl -lpthread
 * Seeds: one file per expression, "<expr>\nUTC\n" plus an 8-byte time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cron_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2200-01-01T00:00:00Z plus the largest offset: nothing fires later. */
#define LAST_MS ((int64_t)7258118400000LL + 18 * 3600 * 1000LL)

static void check(int cond)
{
        if (!cond)
                abort();
}

static const char *const zone_names[] = {NULL,
                                         "UTC",
                                         "+05:30",
                                         "-0800",
                                         "Europe/Berlin",
                                         "America/New_York",
                                         "Australia/Sydney",
                                         "Pacific/Apia",
                                         "Australia/Lord_Howe"};

static char *line(const uint8_t **p, const uint8_t *end)
{
        const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
        const uint8_t *e  = nl ? nl : end;
        char *s           = malloc((size_t)(e - *p) + 1);
        if (!s)
                abort();
        memcpy(s, *p, (size_t)(e - *p));
        s[e - *p] = '\0';
        *p        = nl ? nl + 1 : end;
        return s;
}

static void check_schedule(const cron_expr *c, const cron_zone *z, int64_t a)
{
        int64_t r = cron_next(c, z, a);
        if (r == -1)
                return;
        check(r > a && r % 1000 == 0 && r <= LAST_MS);
        check(cron_next(c, z, r - 1) == r);
        int64_t mid = a + (r - a) / 2;
        check(cron_next(c, z, mid) == r);
        int64_t r2 = cron_next(c, z, r);
        check(r2 == -1 || r2 > r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *p = data, *end = data + size;
        char *expr = line(&p, end), *zname = line(&p, end);
        char err[512];
        if (memchr(data, '\0', size)) { /* C strings: cut at NUL */
                free(expr);
                free(zname);
                return 0;
        }
        cron_expr *c = cron_parse(expr, err, sizeof(err));
        if (!c) {
                check(!strncmp(err, "invalid cron expression '", 25));
                check(strstr(err, " at position ") != NULL);
        }
        int64_t after[4];
        size_t n = 0;
        for (; n < 4 && end - p >= 8; n++, p += 8)
                memcpy(&after[n], p, 8);
        cron_zone *z = cron_zone_new(zname, err, sizeof(err));
        if (!z) {
                check(!strncmp(err, "unknown time zone '", 19) ||
                      !strcmp(err, "out of memory"));
                const char *name =
                    zone_names[(n ? (uint64_t)after[0] : 0) %
                               (sizeof(zone_names) / sizeof(zone_names[0]))];
                z = name ? cron_zone_new(name, err, sizeof(err)) : NULL;
        }
        for (size_t i = 0; c && i < n; i++)
                check_schedule(c, z, after[i]);
        if (c && !n) /* 2024-01-01T00:00:00Z */
                check_schedule(c, z, 1704067200000LL);
        cron_zone_destroy(z);
        cron_destroy(c);
        free(expr);
        free(zname);
        return 0;
}
