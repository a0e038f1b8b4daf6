/* Small shared helpers: growable buffers, string utilities, errstr. */
#ifndef HTTPSRC_UTIL_INT_H
#define HTTPSRC_UTIL_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "httpsrc/export.h"

/** A growable byte buffer, always NUL-terminated when buf != NULL. */
typedef struct strbuf {
        char *buf;
        size_t len;
        size_t cap;
} strbuf;

/* Each returns 0, or -1 on ENOMEM (the buffer is then unchanged). */
int sb_reserve(strbuf *sb, size_t extra);
int sb_append(strbuf *sb, const void *data, size_t len);
int sb_puts(strbuf *sb, const char *s);
int sb_putc(strbuf *sb, char c);
int sb_printf(strbuf *sb, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
int sb_vprintf(strbuf *sb, const char *fmt, va_list ap) HTTPSRC_PRINTF(2, 0);
void sb_reset(strbuf *sb); /* len = 0, keeps memory */
void sb_free(strbuf *sb);
/** sb_free() after zeroing: a buffer that held a secret is not left in
 *  freed memory. */
void sb_wipe(strbuf *sb);
/** Zero @p len bytes at @p p (NULL-safe) so that the compiler keeps the
 *  stores: the one way a secret is wiped (sb_wipe(), the host API's wipe
 *  for plugins). */
void mem_wipe(void *p, size_t len);
/** Append the standard base64 (RFC 4648, padded) of @p len bytes at
 *  @p data; 0, or -1 on ENOMEM. The one base64 encoder (OpenSSL's), also
 *  the host API's base64 for plugins. */
int sb_put_base64(strbuf *sb, const void *data, size_t len);
/** The same as a new string (free()); NULL on ENOMEM. */
char *base64_new(const void *data, size_t len);
/** Hand the buffer over to the caller (never NULL unless ENOMEM). */
char *sb_steal(strbuf *sb);

char *xstrdup(const char *s);       /* NULL-safe strdup */
void strv_free(char **v, size_t n); /* n strings and the array */
/** Days from 1970-01-01 to y-m-d, proleptic Gregorian (any year). */
int64_t days_from_civil(int64_t y, int m, int d);
int is_leap(int64_t y);                /* proleptic Gregorian */
int days_in_month(int64_t y, int m); /* m 1..12 */
/* ---- codecs: the one copy of the hex and UTF-8 helpers (percent and
 * base64 are libcurl's and OpenSSL's) ---- */
/** The value of hex digit @p c (either case), -1 if it is none. */
int hex_digit(int c);
/** The value of the 4 hex digits at @p s (of @p n bytes) in *@p out, as
 *  in a \\uXXXX escape; -1 if there are not 4. */
int hex4_parse(const char *s, size_t n, unsigned *out);
/** The code point of the \\u escape whose 4 hex digits start at @p s (of
 *  @p n bytes), a surrogate pair "XXXX\\uYYYY" joined, in *@p cp. Returns
 *  the bytes used (4 or 10), -1 if there are not 4 hex digits, -2 for an
 *  unpaired UTF-16 surrogate. */
int u_escape_parse(const char *s, size_t n, unsigned *cp);
/** @p cp (at most 0x10FFFF) as UTF-8 into @p out (room for 4 bytes);
 *  returns the bytes written. */
size_t utf8_put(char *out, unsigned cp);
char *xstrndup(const char *s, size_t n); /* NUL-terminated copy */
int strcaseeq(const char *a, const char *b);
/** Trim ASCII whitespace from both ends in place; returns s. */
char *strtrim(char *s);

/** snprintf into errstr when errstr && size; always NUL-terminates. */
void errstr_set(char *errstr, size_t size, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);

/**
 * Append the untrusted byte string s[0..len) (an upstream body, header, page
 * key or message: anything a remote peer chose) to @p out, fit for a log
 * line, a status trace or an error message:
 *  - each of the @p n_secrets known secret values (non-empty, e.g. the
 *    connector's resolved ${provider:...} values) becomes "***";
 *  - the value of a credential-looking parameter becomes "***": the names
 *    api_key, apikey, api-key, x-api-key, token, access_token, refresh_token,
 *    id_token, auth_token, password, passwd, secret, client_secret, and any
 *    name ending in _token, -token, _secret, -secret, _password, _apikey,
 *    _api_key (case-insensitive), followed by '=' or ':' (JSON "name": "v"
 *    too); "Authorization:", "Proxy-Authorization:" and "Cookie:" hide the
 *    rest of their line;
 *  - control characters and bytes that are not valid UTF-8 (C1 controls
 *    included) are escaped: \n \r \t, else \xNN. No ESC reaches a terminal.
 * At most @p max input bytes are shown (0: all); a cut is marked
 * "... (N bytes)" with the full length. Redaction looks at the whole input,
 * so a secret straddling the cut is never shown in part.
 * Returns 0, or -1 on ENOMEM (out may then hold part of the text).
 */
int sb_put_untrusted(strbuf *out,
                     const char *s,
                     size_t len,
                     size_t max,
                     const char *const *secrets,
                     size_t n_secrets);

/** A set of strings (open addressing, FNV-1a), at most @c max of them:
 *  bounded memory for "seen before?" questions. Zero-initialise with
 *  keyset_init(). */
typedef struct keyset {
        char **slot;
        size_t cap, n, max;
} keyset;
void keyset_init(keyset *ks, size_t max);
/** 1 if @p key is in the set, else 0. */
int keyset_has(const keyset *ks, const char *key);
/** Add a copy of @p key: 0 added (or already there), 1 the set is full (not
 *  added), -1 ENOMEM. */
int keyset_add(keyset *ks, const char *key);
/** Empty the set, keeping nothing (NULL-safe contents). */
void keyset_clear(keyset *ks);

/** Monotonic clock in milliseconds. */
int64_t mono_ms(void);
/** Monotonic clock in microseconds. */
int64_t mono_us(void);
/** Wall clock in milliseconds since the epoch. */
int64_t wall_ms(void);

#endif
