/* cron module: Quartz cron expressions for http.timer.cron.expression.
 *
 * "sec min hour day-of-month month day-of-week [year]", fields separated by
 * spaces or tabs, case-insensitive (as Quartz, which upper-cases first):
 *   second 0-59, minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or
 *   JAN-DEC, day-of-week 1-7 or SUN-SAT (1 = SUN), year 1970-2199.
 * Items, comma-separated:  *   a   a-b   a/n   a-b/n   * /n   /n (= * /n)
 *   a-b with b < a wraps around the field (hours 22-2 = 22,23,0,1,2;
 *   FRI-MON), except years. a/n = a, a+n, ... up to the field's maximum.
 *   Increments: 1-59 (sec, min), 1-23, 1-31, 1-12, 1-7, 1-229 (year).
 * Specials, each alone in its field:
 *   ?            day-of-month or day-of-week: no value. Exactly one of the
 *                two must be '?'.
 *   L            day-of-month: last day; L-n (n 0-30) n days before it;
 *                LW, L-nW the weekday nearest to that day.
 *                day-of-week: L alone is 7 (Saturday); xL the last day x
 *                of the month (6L: last Friday).
 *   xW           day-of-month: the weekday (Mon-Fri) nearest to day x,
 *                never leaving the month (1W on a Saturday is Monday the
 *                3rd; on a Sunday that is the last day, Friday). No fire in
 *                a month shorter than x (31W in April), nor for L-n before
 *                the 1st.
 *   x#n          day-of-week: the n-th (1-5) day x of the month (6#3:
 *                third Friday); months without one are skipped.
 * Stricter than Quartz, which ignores trailing garbage: more than 7 fields,
 * stray characters and empty items are errors.
 */
#ifndef HTTPSRC_CRON_INT_H
#define HTTPSRC_CRON_INT_H

#include <stddef.h>
#include <stdint.h>

typedef struct cron_expr cron_expr;

/** NULL on error, errstr "invalid cron expression '<e>': <reason> at
 *  position <p>" (p = 1-based position in <e> of the offending character,
 *  or strlen(e) + 1 for too few fields; <e> is shown up to 64 characters
 *  and a value or name in <reason> up to 16, then "..."). Reasons:
 *   "expected 6 or 7 fields" (at the 8th field, or the end)
 *   "value 60 out of range 0-59", "increment 0 out of range 1-59",
 *   "offset 31 out of range 0-30" (L-n), "occurrence 6 out of range 1-5"
 *   (x#n), "year range 2030-2020 is reversed"
 *   "unknown month name 'FOO'", "unknown day name 'MONDAY'"
 *   "expected a number", "expected a value" (empty list item),
 *   "unexpected character 'x'"
 *   "'?' only allowed in day-of-month or day-of-week",
 *   "'L' only allowed in day-of-month or day-of-week",
 *   "'L' after a value only allowed in day-of-week",
 *   "'W' only allowed in day-of-month", "'#' only allowed in day-of-week",
 *   "'?' cannot be combined with other values" (also 'L', 'W', '#'),
 *   "'W' cannot follow a range" (also 'L', '#')
 *   "day-of-month and day-of-week cannot both be specified (use ?)",
 *   "day-of-month and day-of-week cannot both be '?'" (both at the
 *   day-of-week field). */
cron_expr *cron_parse(const char *expr, char *errstr, size_t errstr_size);
void cron_destroy(cron_expr *c); /* NULL-safe */

/** A time zone: "UTC", "GMT", "Z" (case-insensitive); a fixed offset
 *  "+HH", "+HHMM", "+HH:MM" or '-', optionally after UTC/GMT ("UTC+02:00"),
 *  at most 18:00; or an IANA name ("Europe/Berlin") read from the TZif file
 *  in $TZDIR or /usr/share/zoneinfo: its transitions, then the POSIX TZ rule
 *  of its footer (DST aware up to 2199). NULL on error, errstr
 *  "unknown time zone 'X'", "unknown time zone 'X' (no /usr/share/zoneinfo)"
 *  (tzdata not installed), "unknown time zone 'X' (<file> is not a valid
 *  TZif file)". */
typedef struct cron_zone cron_zone;
cron_zone *cron_zone_new(const char *name, char *errstr, size_t errstr_size);
void cron_zone_destroy(cron_zone *z);

/** The first fire time strictly after @p after_ms (epoch ms, UTC), as epoch
 *  ms (a whole second), in zone @p z (NULL = UTC); -1 if none up to 2199
 *  (e.g. a past year, Feb 30). Matching is on local wall-clock time: a local
 *  time that does not exist (the hour skipped when DST starts) does not
 *  fire (as Quartz); a local time that occurs twice (DST ends) fires once,
 *  at its first occurrence (java.time's choice for overlaps). Cost: a walk over
 * years, months and days, then the time of day in the first matching day; no
 * per-second stepping. */
int64_t cron_next(const cron_expr *c, const cron_zone *z, int64_t after_ms);

#endif
