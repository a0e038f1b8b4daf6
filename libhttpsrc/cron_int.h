/* cron module: Quartz cron expressions for http.timer.cron.expression.
 *
 * "sec min hour day-of-month month day-of-week [year]": '*', '?', ranges
 * a-b, lists a,b, steps a/n and * /n, L (last day of month / last <dow> as
 * 5L), W (nearest weekday: 15W, LW), # (nth weekday: 6#3), month names
 * JAN-DEC, day names SUN-SAT (1 = SUN, as Quartz). Exactly one of
 * day-of-month and day-of-week must be '?'.
 */
#ifndef HTTPSRC_CRON_INT_H
#define HTTPSRC_CRON_INT_H

#include <stddef.h>
#include <stdint.h>

typedef struct cron_expr cron_expr;

/** errstr: "invalid cron expression '<e>': <reason> at position <1-based>",
 *  e.g. "day-of-month and day-of-week cannot both be specified (use ?)". */
cron_expr *cron_parse(const char *expr, char *errstr, size_t errstr_size);
void cron_destroy(cron_expr *c); /* NULL-safe */

/** Offset of the zone east of UTC in seconds: "UTC", "Z", "+02:00",
 *  "-0530", or an IANA name read from /usr/share/zoneinfo (DST aware).
 *  Returns NULL on error (errstr "unknown time zone 'X'"). */
typedef struct cron_zone cron_zone;
cron_zone *cron_zone_new(const char *name, char *errstr, size_t errstr_size);
void cron_zone_destroy(cron_zone *z);

/** The first fire time strictly after @p after_ms (epoch ms, UTC), as epoch
 *  ms, in zone @p z (NULL = UTC); -1 if none (e.g. a past year). */
int64_t cron_next(const cron_expr *c, const cron_zone *z, int64_t after_ms);

#endif
