/* A well-formed plugin registering one component of each kind. */
#include <stdlib.h>

#include "fake_good.h"

static int create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        *state = plugin_ctx;
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

static int tf_apply(void *state, httpsrc_record *rec)
{
        return HTTPSRC_OK;
}

static void future_member(void)
{
}

static const httpsrc_source_ops source = {
    .struct_size = sizeof(httpsrc_source_ops),
    .name        = "GoodSource",
    .create      = create,
    .destroy     = destroy,
};

static const httpsrc_auth_ops auth = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "GOOD",
    .create      = create,
    .apply       = auth_apply,
    .destroy     = destroy,
};

static const struct fake_good_paginator paginator = {
    .ops =
        {
            .struct_size  = sizeof(struct fake_good_paginator),
            .name         = "good",
            .offset_field = "page",
            .create       = create,
            .start        = pag_start,
            .next         = pag_next,
            .destroy      = destroy,
        },
    .future = {future_member, future_member},
};

static const httpsrc_transform_ops transform = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "com.example.transforms.GoodTransform",
    .create      = create,
    .apply       = tf_apply,
    .destroy     = destroy,
};

static int init(const struct httpsrc_host_api *host,
                httpsrc_registrar *reg,
                void **plugin_ctx,
                char *errstr,
                size_t errstr_size)
{
        struct fake_good_ctx *g = calloc(1, sizeof(*g));
        if (!g)
                return HTTPSRC_ERR_NOMEM;
        g->host     = host;
        g->reg      = reg;
        *plugin_ctx = g;
        int rc = host->register_component(reg, HTTPSRC_KIND_SOURCE, &source);
        if (rc >= 0)
                rc = host->register_component(reg, HTTPSRC_KIND_AUTH, &auth);
        if (rc >= 0)
                rc = host->register_component(reg, HTTPSRC_KIND_PAGINATOR,
                                              &paginator);
        if (rc >= 0)
                rc = host->register_component(reg, HTTPSRC_KIND_TRANSFORM,
                                              &transform);
        if (rc < 0)
                free(g);
        return rc;
}

static void fini(void *plugin_ctx)
{
        struct fake_good_ctx *g = plugin_ctx;
        if (g->host->log)
                g->host->log(NULL, HTTPSRC_LOG_INFO, "good: fini");
        free(g);
}

HTTPSRC_PLUGIN_DEFINE(
    "good", "1.2.3", "fake plugin for the loader tests", init, fini)
