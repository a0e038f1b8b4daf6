/* ${name} placeholders: one left-to-right scan, no recursion, so a value
 * that itself contains "${" is never expanded again. */
#include "template_int.h"

#include <string.h>

#include "httpsrc/common.h"

/* Length of the "$${" escape and of the "${" opener. */
#define ESC_LEN  3
#define OPEN_LEN 2

static int is_escape(const char *p)
{
        return p[0] == '$' && p[1] == '$' && p[2] == '{';
}

static int is_open(const char *p)
{
        return p[0] == '$' && p[1] == '{';
}

int template_has_vars(const char *s)
{
        if (!s)
                return 0;
        for (const char *p = s; *p; p++) {
                if (is_escape(p))
                        p += ESC_LEN - 1;
                else if (is_open(p))
                        return 1;
        }
        return 0;
}

/* Substitutes the placeholder whose name is name[0..len). */
static int expand_one(const char *name,
                      size_t len,
                      template_lookup_fn lookup,
                      void *opaque,
                      template_escape_fn escape,
                      strbuf *out,
                      char *errstr,
                      size_t errstr_size)
{
        const char *v = lookup ? lookup(opaque, name, len) : NULL;
        if (!v) {
                errstr_set(errstr, errstr_size, "unknown variable ${%.*s}",
                           (int)len, name);
                return HTTPSRC_ERR_INVAL;
        }
        int rc = escape ? escape(out, v) : sb_puts(out, v);
        if (rc == -1) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        if (rc) {
                errstr_set(errstr, errstr_size,
                           "cannot escape the value of ${%.*s}", (int)len,
                           name);
                return rc < 0 ? rc : HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int expand(const char *tmpl,
                  template_lookup_fn lookup,
                  void *opaque,
                  template_escape_fn escape,
                  strbuf *out,
                  char *errstr,
                  size_t errstr_size)
{
        const char *p = tmpl;
        while (*p) {
                const char *lit = p;
                while (*p && !is_escape(p) && !is_open(p))
                        p++;
                if (sb_append(out, lit, (size_t)(p - lit)))
                        goto nomem;
                if (!*p)
                        break;
                if (is_escape(p)) {
                        if (sb_puts(out, "${"))
                                goto nomem;
                        p += ESC_LEN;
                        continue;
                }
                size_t pos       = (size_t)(p - tmpl) + 1;
                const char *name = p + OPEN_LEN;
                const char *end  = strchr(name, '}');
                if (!end) {
                        errstr_set(errstr, errstr_size,
                                   "unterminated ${ at position %zu", pos);
                        return HTTPSRC_ERR_INVAL;
                }
                if (end == name) {
                        errstr_set(errstr, errstr_size,
                                   "empty variable name at position %zu", pos);
                        return HTTPSRC_ERR_INVAL;
                }
                int rc = expand_one(name, (size_t)(end - name), lookup, opaque,
                                    escape, out, errstr, errstr_size);
                if (rc)
                        return rc;
                p = end + 1;
        }
        return HTTPSRC_OK;
nomem:
        errstr_set(errstr, errstr_size, "out of memory");
        return HTTPSRC_ERR_NOMEM;
}

int template_expand(const char *tmpl,
                    template_lookup_fn lookup,
                    void *opaque,
                    template_escape_fn escape,
                    strbuf *out,
                    char *errstr,
                    size_t errstr_size)
{
        if (!tmpl || !out) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: template and output required");
                return HTTPSRC_ERR_INVAL;
        }
        size_t mark = out->len;
        if (sb_append(out, "", 0)) { /* NUL-terminated even if empty */
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        int rc = expand(tmpl, lookup, opaque, escape, out, errstr, errstr_size);
        if (rc) { /* all or nothing: the caller's buffer is as it was */
                out->len           = mark;
                out->buf[out->len] = '\0';
        }
        return rc;
}
