/* TEMPORARY: weak stand-ins until secrets.c and cron.c land (helper-8).
 * Deleted as soon as they do; never part of a landed commit. */
#include <stdlib.h>
#include <string.h>

#include "cron_int.h"
#include "secrets_int.h"
#include "util_int.h"

#define WEAK __attribute__((weak))
WEAK secrets *secrets_new(const httpsrc_conf *w, char *e, size_t n)
{
        return (secrets *)calloc(1, 1);
}
WEAK void secrets_destroy(secrets *s)
{
        free(s);
}
WEAK int secrets_has_refs(const char *v)
{
        return 0;
}
WEAK int secrets_resolve(const secrets *s, const char *v, char **out,
                         char *e, size_t n)
{
        *out = xstrdup(v);
        return 0;
}
WEAK cron_expr *cron_parse(const char *x, char *e, size_t n)
{
        errstr_set(e, n, "cron not built yet");
        return NULL;
}
WEAK void cron_destroy(cron_expr *c)
{
}
WEAK cron_zone *cron_zone_new(const char *x, char *e, size_t n)
{
        return NULL;
}
WEAK void cron_zone_destroy(cron_zone *z)
{
}
WEAK int64_t cron_next(const cron_expr *c, const cron_zone *z, int64_t a)
{
        return -1;
}
