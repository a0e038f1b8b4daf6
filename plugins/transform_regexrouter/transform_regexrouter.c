/* Transform org.apache.kafka.connect.transforms.RegexRouter: rename the
 * topic when the regex matches all of it, as Connect does:
 *
 *     Matcher m = regex.matcher(topic);
 *     if (m.matches())
 *             topic = m.replaceFirst(replacement);   // $1 group references
 *
 * Records whose topic does not match keep it. The regex is Java syntax,
 * run by PCRE2 (java_regex.h says what it refuses). A replacement that Java would reject on every record (a bad
 * $ reference, a trailing backslash) is rejected when created. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/java_regex.h"
#include "../common/smt_util.h"
#include "../common/plugin_util.h"

#define WHO "RegexRouter"

typedef struct rr_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        jre re;
        char *replacement;
} rr_state;

static const httpsrc_param_desc rr_params[] = {
    {.name  = "regex",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Regular expression to use for matching (Java syntax)",
     .group = "transform"},
    {.name  = "replacement",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Replacement string ($1 for group 1)",
     .group = "transform"},
    {.name = NULL},
};

static void rr_destroy(void *state)
{
        rr_state *st = state;
        jre_free(st->host, &st->re);
        st->host->free(st->replacement);
        st->host->free(st);
}

static int rr_configure(rr_state *st, const char *regex, const char *rep)
{
        const struct httpsrc_host_api *host = st->host;
        char err[256];

        int rc = jre_compile(host, &st->re, regex, err, sizeof(err));
        if (rc == HTTPSRC_ERR_INVAL)
                return host->set_error(st->ctx, rc,
                                       WHO ": regex: invalid regex '%s': %s",
                                       regex, err);
        if (rc < 0)
                return rc;
        const char *why = jre_check_replacement(&st->re, rep, err, sizeof(err));
        if (why)
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": replacement '%s': %s", rep, why);
        st->replacement = host->strdup(rep);
        return st->replacement ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

static int rr_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *regex                   = host->conf_get(ctx, "regex");
        const char *rep = host->conf_get(ctx, "replacement");

        if (!regex || !rep)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": %s must be set",
                                       regex ? "replacement" : "regex");
        rr_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        int rc   = rr_configure(st, regex, rep);
        if (rc < 0) {
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                rr_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

/* The new topic under construction. */
typedef struct rr_buf {
        const struct httpsrc_host_api *host;
        char *s;
        size_t len, cap;
        int oom;
} rr_buf;

static void rr_put(void *out, const char *s, size_t n)
{
        rr_buf *b = out;
        if (b->oom)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t nc = (b->len + n + 1) * 2;
                char *ns  = b->host->realloc(b->s, nc);
                if (!ns) {
                        b->oom = 1;
                        return;
                }
                b->s   = ns;
                b->cap = nc;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

static int rr_apply(void *state, httpsrc_record *rec)
{
        rr_state *st                        = state;
        const struct httpsrc_host_api *host = st->host;
        const char *topic                   = host->rec_topic(rec);

        if (!topic)
                return host->set_error(st->ctx, HTTPSRC_ERR_STATE,
                                       WHO ": record has no topic");
        if (!jre_matches(&st->re, topic))
                return HTTPSRC_OK;
        /* matches() spans the whole topic, so replaceFirst() replaces all
         * of it: the result is the expanded replacement */
        rr_buf b = {.host = host};
        rr_put(&b, "", 0);
        jre_expand(&st->re, topic, st->replacement, rr_put, &b);
        int rc =
            b.oom ? host->set_error(st->ctx, HTTPSRC_ERR_NOMEM, "out of memory")
                  : host->rec_set_topic(rec, b.s);
        host->free(b.s);
        return rc;
}

static const httpsrc_transform_ops rr_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.RegexRouter",
    .description = "Rename the topic with a regex and a replacement",
    .params      = rr_params,
    .create      = rr_create,
    .apply       = rr_apply,
    .destroy     = rr_destroy,
};

static int rr_init(const struct httpsrc_host_api *host,
                   httpsrc_registrar *reg,
                   void **plugin_ctx,
                   char *errstr,
                   size_t errstr_size)
{
        static const void *const ops[] = {&rr_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_regexrouter",
                      "0.1.0",
                      "Transform RegexRouter",
                      rr_init,
                      plugin_host_fini)
