/* Paginator "NONE": the endpoint has a single page. */
#include "httpsrc/plugin.h"

static int none_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        *state = NULL;
        return HTTPSRC_OK;
}

static int none_start(void *state, const char *page_key, httpsrc_request *req)
{
        return HTTPSRC_OK;
}

static int none_next(void *state,
                     const char *page_key,
                     const httpsrc_response *resp,
                     size_t n_records,
                     char **next_key)
{
        return HTTPSRC_DONE;
}

static void none_destroy(void *state)
{
}

static const httpsrc_paginator_ops none_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "NONE",
    .description  = "No pagination: one request per poll",
    .offset_field = "page",
    .create       = none_create,
    .start        = none_start,
    .next         = none_next,
    .destroy      = none_destroy,
};

static int none_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        return host->register_component(reg, HTTPSRC_KIND_PAGINATOR, &none_ops);
}

HTTPSRC_PLUGIN_DEFINE(
    "paginator_none", "0.1.0", "Paginator NONE", none_init, NULL)
