/* template module: ${name} placeholders in connector values.
 *
 * "${offset}", "${cursor}": state variables, expanded for each request.
 * "${env:VAR}", "${file:/path:key}", "${secrets:api/token}": secrets,
 * resolved once when the task starts (secrets_int.h); their result is still
 * a template and goes through template_expand like any value.
 *
 * Syntax, scanned once left to right (a substituted value is never scanned
 * again):
 *   - "$${" is the escape: it yields a literal "${" (only this exact
 *     sequence: "$$" before anything but '{' is copied as is, and "$$${x}"
 *     is '$' followed by the escape, i.e. the literal "$${x}").
 *   - "${" starts a placeholder; its name runs to the first '}' and may hold
 *     any other character (':', '/', spaces, even "${").
 *   - any other byte is copied as is.
 * Errors (HTTPSRC_ERR_INVAL), N = 1-based byte position of the '$':
 *   "empty variable name at position N"      for "${}"
 *   "unterminated ${ at position N"          no '}' after "${"
 *   "unknown variable ${x}"                  lookup returned NULL
 *   "cannot escape the value of ${x}"        escape returned an error
 * An unknown variable is an error, never an empty expansion.
 */
#ifndef HTTPSRC_TEMPLATE_INT_H
#define HTTPSRC_TEMPLATE_INT_H

#include <stddef.h>

#include "util_int.h"

/** Look up @p name (@p len bytes, between "${" and "}"); return its
 *  value or NULL if unknown. */
typedef const char *(*template_lookup_fn)(void *opaque,
                                          const char *name,
                                          size_t len);
/** Optional escaping of each substituted value (e.g. URL-encoding). */
typedef int (*template_escape_fn)(strbuf *out, const char *value);

/** 1 if @p s contains a "${" that is not part of a "$${" escape (even an
 *  unterminated one: template_expand then reports it). */
int template_has_vars(const char *s);

/** Expand @p tmpl, appending to @p out. @p lookup may be NULL (every
 *  variable is then unknown). @p escape, if set, appends each substituted
 *  value instead of copying it (literal text is never escaped); it returns
 *  0, -1 on ENOMEM, or another httpsrc_err / positive failure.
 *  Returns HTTPSRC_OK, HTTPSRC_ERR_INVAL (errstr as above),
 *  HTTPSRC_ERR_NOMEM ("out of memory") or the negative code the escape
 *  returned; on failure @p out is left as it was. */
int template_expand(const char *tmpl,
                    template_lookup_fn lookup,
                    void *opaque,
                    template_escape_fn escape,
                    strbuf *out,
                    char *errstr,
                    size_t errstr_size);

#endif
