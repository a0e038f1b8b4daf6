/* Transform org.apache.kafka.connect.transforms.Filter: drop every record
 * it is applied to. On its own it drops everything; with a predicate
 * (transforms.<alias>.predicate, and .negate) it drops the records that
 * match (or do not). */
#include "httpsrc/plugin.h"

static int filter_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        *state = plugin_ctx; /* no state of its own */
        return HTTPSRC_OK;
}

static int filter_apply(void *state, httpsrc_record *rec)
{
        return HTTPSRC_FILTERED;
}

static void filter_destroy(void *state)
{
}

static const httpsrc_transform_ops filter_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.Filter",
    .description = "Drop records (all of them, or those a predicate picks)",
    .params      = NULL,
    .create      = filter_create,
    .apply       = filter_apply,
    .destroy     = filter_destroy,
};

static int filter_init(const struct httpsrc_host_api *host,
                       httpsrc_registrar *reg,
                       void **plugin_ctx,
                       char *errstr,
                       size_t errstr_size)
{
        *plugin_ctx = NULL;
        return host->register_component(reg, HTTPSRC_KIND_TRANSFORM,
                                        &filter_ops);
}

HTTPSRC_PLUGIN_DEFINE(
    "transform_filter", "0.1.0", "Transform Filter", filter_init, NULL)
