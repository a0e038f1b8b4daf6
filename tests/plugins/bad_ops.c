/* Registers a valid auth "BAD_OPS_OK", then one bad component chosen by
 * $HTTPSRC_FAKE_BAD_OPS (default "no_next"), and returns OK regardless, so
 * the loader must notice the failed registration by itself. */
#include <stdlib.h>
#include <string.h>

#include "httpsrc/plugin.h"

static int create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return HTTPSRC_OK;
}

static void destroy(void *state)
{
}

static int auth_apply(void *state, httpsrc_request *req)
{
        return HTTPSRC_OK;
}

static int pag_start(void *state, const char *page_key, httpsrc_request *req)
{
        return HTTPSRC_OK;
}

static int pag_next(void *state,
                    const char *page_key,
                    const httpsrc_response *resp,
                    size_t n_records,
                    char **next_key)
{
        return HTTPSRC_DONE;
}

static const httpsrc_auth_ops ok_auth = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "BAD_OPS_OK",
    .create      = create,
    .apply       = auth_apply,
    .destroy     = destroy,
};

static const httpsrc_paginator_ops no_next = {
    .struct_size = sizeof(httpsrc_paginator_ops),
    .name        = "BAD",
    .create      = create,
    .start       = pag_start,
    .destroy     = destroy,
};

static const httpsrc_auth_ops no_name = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .create      = create,
    .apply       = auth_apply,
    .destroy     = destroy,
};

/* As a plugin built against a pre-release header would declare it. */
static const httpsrc_transform_ops too_small = {
    .struct_size = 24,
    .name        = "SMALL",
};

static const httpsrc_paginator_ops cursor = {
    .struct_size = sizeof(httpsrc_paginator_ops),
    .name        = "cursor",
    .create      = create,
    .start       = pag_start,
    .next        = pag_next,
    .destroy     = destroy,
};

static int register_bad(const struct httpsrc_host_api *host,
                        httpsrc_registrar *reg,
                        const char *variant)
{
        if (!strcmp(variant, "unknown_kind"))
                return host->register_component(reg, 7, &ok_auth);
        if (!strcmp(variant, "null_ops"))
                return host->register_component(reg, HTTPSRC_KIND_AUTH, NULL);
        if (!strcmp(variant, "no_name"))
                return host->register_component(reg, HTTPSRC_KIND_AUTH,
                                                &no_name);
        if (!strcmp(variant, "too_small"))
                return host->register_component(reg, HTTPSRC_KIND_TRANSFORM,
                                                &too_small);
        if (!strcmp(variant, "cursor"))
                return host->register_component(reg, HTTPSRC_KIND_PAGINATOR,
                                                &cursor);
        return host->register_component(reg, HTTPSRC_KIND_PAGINATOR, &no_next);
}

static int init(const struct httpsrc_host_api *host,
                httpsrc_registrar *reg,
                void **plugin_ctx,
                char *errstr,
                size_t errstr_size)
{
        const char *variant = getenv("HTTPSRC_FAKE_BAD_OPS");

        /* Leaks unless the loader runs fini after rejecting the plugin. */
        *plugin_ctx = malloc(16);
        host->register_component(reg, HTTPSRC_KIND_AUTH, &ok_auth);
        register_bad(host, reg, variant ? variant : "no_next");
        return HTTPSRC_OK;
}

static void fini(void *plugin_ctx)
{
        free(plugin_ctx);
}

HTTPSRC_PLUGIN_DEFINE("bad_ops", "0.0", "", init, fini)
