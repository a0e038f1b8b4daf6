/* Kafka Connect's predicates (org.apache.kafka.connect.transforms.
 * predicates.*), which transforms.<alias>.predicate applies:
 *
 *  - TopicNameMatches: pattern (Java regex) matches the whole topic, as
 *    pattern.matcher(topic).matches(); see java_regex.h for the syntax.
 *  - RecordIsTombstone: the record has no value (record.value() == null).
 *  - HasHeaderKey: the record has a header named `name`. Records carry no
 *    headers here yet, so it never matches (its negation always does). */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#include "../common/java_regex.h"

#define PKG "org.apache.kafka.connect.transforms.predicates."

/* ------------------------------------------------------------------ */
/* TopicNameMatches                                                    */

typedef struct tnm_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        jre re;
} tnm_state;

static const httpsrc_param_desc tnm_params[] = {
    {.name  = "pattern",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "A Java regular expression for matching against the name of "
              "a record's topic",
     .group = "predicate"},
    {.name = NULL},
};

static void tnm_destroy(void *state)
{
        tnm_state *st = state;
        jre_free(st->host, &st->re);
        st->host->free(st);
}

static int tnm_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *pattern                 = host->conf_get(ctx, "pattern");
        char err[256];

        if (!pattern || !*pattern)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       "TopicNameMatches: pattern must be "
                                       "set and not empty");
        tnm_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        int rc   = jre_compile(host, &st->re, pattern, err, sizeof(err));
        if (rc < 0) {
                host->free(st);
                if (rc == HTTPSRC_ERR_NOMEM)
                        return host->set_error(ctx, rc, "out of memory");
                return host->set_error(ctx, rc,
                                       "TopicNameMatches: pattern: invalid "
                                       "regex '%s': %s",
                                       pattern, err);
        }
        *state = st;
        return HTTPSRC_OK;
}

static int tnm_test(void *state, const httpsrc_record *rec)
{
        tnm_state *st     = state;
        const char *topic = st->host->rec_topic(rec);

        if (!topic)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_STATE,
                                           "TopicNameMatches: record has no "
                                           "topic");
        return jre_matches(&st->re, topic);
}

static const httpsrc_predicate_ops tnm_ops = {
    .struct_size = sizeof(httpsrc_predicate_ops),
    .name        = PKG "TopicNameMatches",
    .description = "True for records whose topic matches a regex",
    .params      = tnm_params,
    .create      = tnm_create,
    .test        = tnm_test,
    .destroy     = tnm_destroy,
};

/* ------------------------------------------------------------------ */
/* RecordIsTombstone                                                   */

static int tomb_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        *state = plugin_ctx; /* only the host is needed */
        return HTTPSRC_OK;
}

static int tomb_test(void *state, const httpsrc_record *rec)
{
        const plugin_host *p = state;
        size_t len;
        return p->host->rec_value(rec, &len) == NULL;
}

static void no_destroy(void *state)
{
}

static const httpsrc_predicate_ops tomb_ops = {
    .struct_size = sizeof(httpsrc_predicate_ops),
    .name        = PKG "RecordIsTombstone",
    .description = "True for tombstones (records without a value)",
    .params      = NULL,
    .create      = tomb_create,
    .test        = tomb_test,
    .destroy     = no_destroy,
};

/* ------------------------------------------------------------------ */
/* HasHeaderKey                                                        */

static const httpsrc_param_desc hhk_params[] = {
    {.name  = "name",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "The header name (records have no headers yet: never matches)",
     .group = "predicate"},
    {.name = NULL},
};

static int hhk_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *name                    = host->conf_get(ctx, "name");

        if (!name || !*name)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       "HasHeaderKey: name must be set and "
                                       "not empty");
        *state = plugin_ctx;
        return HTTPSRC_OK;
}

static int hhk_test(void *state, const httpsrc_record *rec)
{
        return 0; /* no record has headers yet */
}

static const httpsrc_predicate_ops hhk_ops = {
    .struct_size = sizeof(httpsrc_predicate_ops),
    .name        = PKG "HasHeaderKey",
    .description = "True for records with a header of the given name "
                   "(records have no headers yet: never)",
    .params      = hhk_params,
    .create      = hhk_create,
    .test        = hhk_test,
    .destroy     = no_destroy,
};

/* ------------------------------------------------------------------ */

static int pred_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        static const void *const ops[] = {&tnm_ops, &tomb_ops, &hhk_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PREDICATE,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("predicate_builtin",
                      "0.1.0",
                      "Predicates TopicNameMatches, RecordIsTombstone, "
                      "HasHeaderKey",
                      pred_init,
                      plugin_host_fini)
