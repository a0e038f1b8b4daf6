/* Auth provider "NONE": requests go out as the config built them. */
#include "httpsrc/plugin.h"

static int none_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        *state = NULL;
        return HTTPSRC_OK;
}

static int none_apply(void *state, httpsrc_request *req)
{
        return HTTPSRC_OK;
}

static void none_destroy(void *state)
{
}

static const httpsrc_auth_ops none_ops = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "NONE",
    .description = "No authentication",
    .create      = none_create,
    .apply       = none_apply,
    .destroy     = none_destroy,
};

static int none_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        return host->register_component(reg, HTTPSRC_KIND_AUTH, &none_ops);
}

HTTPSRC_PLUGIN_DEFINE(
    "auth_none", "0.1.0", "Auth provider NONE", none_init, NULL)
