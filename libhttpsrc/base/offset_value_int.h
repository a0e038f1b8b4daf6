/* offset_value module: the values TIMESTAMP and ID offsets hold, checked
 * and compared exactly.
 *
 *   ID         a decimal number: an integer of any length ("snowflake"
 *              ids above 2^53 included), or with a fraction or exponent
 *              if its magnitude is that of a finite double
 *   TIMESTAMP  an ISO-8601 instant "YYYY-MM-DD[(T| )hh:mm[:ss[.f]]]
 *              [Z|+hh[:mm]|-hh[:mm]]" (a real calendar date), or a
 *              number as for ID (epoch seconds or milliseconds)
 *
 * Numbers compare as exact decimals (never through a double: 2^53 + 1
 * and 2^53 differ), instants as instants (offsets applied, fractions of
 * any length). "nan", "inf", "1e400" and "2024-02-31" are refused.
 * Pure functions; any thread. */
#ifndef HTTPSRC_OFFSET_VALUE_INT_H
#define HTTPSRC_OFFSET_VALUE_INT_H

#include <stddef.h>

enum offset_value_mode {
        OFFSET_VALUE_ID,
        OFFSET_VALUE_TIMESTAMP,
};

/** 0 if @p s is a valid value of @p mode; else -1 and in @p why (may be
 *  NULL) the reason, e.g. "not a finite number", to follow the value. */
int offset_value_check(enum offset_value_mode mode,
                       const char *s,
                       char *why,
                       size_t why_size);

/** Compare two values offset_value_check() accepted: < 0, 0 or > 0.
 *  *@p incomparable is set to 1 (and 0 returned) when one is an instant
 *  and the other a number, else to 0. */
int offset_value_cmp(const char *a, const char *b, int *incomparable);

/** 1 if @p s is a number as JSON writes one (no leading zeros): an ID
 *  offset is stored as a JSON number then, else as a string. */
int offset_value_is_json_number(const char *s);

/* Page keys (and CHAINING values) are upstream text: a next-page URL
 * that repeats "api_key=<secret>" would put the secret in the offsets
 * file, GET .../offsets and the "resuming at" line. A connector that
 * resolved secrets stores them sealed: each secret value replaced by its
 * placeholder (longest value first) and every other '$' doubled, so a
 * literal "${...}" from upstream can never turn into a secret on resume.
 * Unsealing is the exact inverse with the same pairs; "$$" is '$', a
 * known placeholder its value, anything else stays as it is. With @p n
 * 0 both copy. @p refs[i] is the placeholder of @p vals[i].
 * Return 0 or -1 (out of memory). */
struct strbuf;
int offset_key_seal(const char *key,
                    const char *const *refs,
                    const char *const *vals,
                    size_t n,
                    struct strbuf *out);
int offset_key_unseal(const char *stored,
                      const char *const *refs,
                      const char *const *vals,
                      size_t n,
                      struct strbuf *out);

#endif
