/* backoff module: the pure parts of the status policy: which statuses are
 * errors or retryable, exponential backoff with jitter, Retry-After and
 * rate-limit headers, a sliding request window for throttling. */
#ifndef HTTPSRC_BACKOFF_INT_H
#define HTTPSRC_BACKOFF_INT_H

#include <stddef.h>
#include <stdint.h>

/** A set of HTTP statuses from "404,429,500-599" (codes and ranges). */
typedef struct status_set {
        uint8_t bits[600 / 8 + 1];
} status_set;

/** Parse @p spec; errstr "'x': not a status code or range". */
int status_set_parse(status_set *s,
                     const char *spec,
                     char *errstr,
                     size_t errstr_size);
int status_set_has(const status_set *s, int status);

/** Retried before behavior.on.error applies: 408, 425, 429, 5xx. */
int status_retryable(int status);

/** Delay before retry @p attempt (1 = first retry): base * 2^(attempt-1)
 *  capped at @p max_ms, then "equal jitter": a uniform pick in
 *  [d/2, d] from @p rnd (0 <= rnd < 1). */
int64_t
backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, double rnd);

/** Retry-After: delta seconds or an HTTP-date; milliseconds to wait from
 *  @p now_wall_ms (0 for a date in the past), -1 if unparsable. An absurd
 *  value (10 years, the year 9999) gives at most 2^52 ms: the caller caps
 *  it (http.retry.max.wait.ms). */
int64_t retry_after_ms(const char *value, int64_t now_wall_ms);

/** A rate-limit reset header: seconds until reset, or epoch seconds when
 *  the number is larger than 10^9; milliseconds to wait (at most 2^52),
 *  -1 if unparsable or not finite (inf, nan, 1e400). */
int64_t rate_reset_ms(const char *value, int64_t now_wall_ms);

/** At most @p max requests in any window of @p window_ms. */
typedef struct throttle {
        int64_t *sent; /* ring of the last max send times (monotonic) */
        size_t max, next, n;
        int64_t window_ms;
} throttle;

int throttle_init(throttle *t, size_t max, int64_t window_ms);
void throttle_free(throttle *t);
/** Earliest monotonic time a request may go out (<= now: at once). */
int64_t throttle_next(const throttle *t, int64_t now);
void throttle_record(throttle *t, int64_t now);

#endif
