/* Registers the same auth name twice, differing only in case. */
#include "httpsrc/plugin.h"

static int create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return HTTPSRC_OK;
}

static void destroy(void *state)
{
}

static int apply(void *state, httpsrc_request *req)
{
        return HTTPSRC_OK;
}

static const httpsrc_auth_ops first = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "DUP",
    .create      = create,
    .apply       = apply,
    .destroy     = destroy,
};

static const httpsrc_auth_ops second = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "Dup",
    .create      = create,
    .apply       = apply,
    .destroy     = destroy,
};

static int init(const struct httpsrc_host_api *host,
                httpsrc_registrar *reg,
                void **plugin_ctx,
                char *errstr,
                size_t errstr_size)
{
        int rc = host->register_component(reg, HTTPSRC_KIND_AUTH, &first);
        if (rc < 0)
                return rc;
        return host->register_component(reg, HTTPSRC_KIND_AUTH, &second);
}

HTTPSRC_PLUGIN_DEFINE("dup", "0.0", "", init, NULL)
