/* template module: ${name} placeholders in connector values.
 *
 * "${offset}", "${cursor}": state variables, expanded for each request.
 * "${env:VAR}", "${file:/path:key}", "${secrets:api/token}": secrets,
 * resolved once when the task starts (secrets_int.h). "$${" is a literal
 * "${". An unknown variable is an error, never an empty expansion.
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

/** 1 if @p s contains a ${...} placeholder. */
int template_has_vars(const char *s);

/** Expand @p tmpl into @p out (appended). errstr on failure:
 *  "unknown variable ${x}", "unterminated ${ at position N". */
int template_expand(const char *tmpl,
                    template_lookup_fn lookup,
                    void *opaque,
                    template_escape_fn escape,
                    strbuf *out,
                    char *errstr,
                    size_t errstr_size);

#endif
