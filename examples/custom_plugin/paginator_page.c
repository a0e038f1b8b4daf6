/*
 * An out-of-tree libhttpsrc plugin: paginator "PAGE", for APIs numbered by
 * page (?page=1, ?page=2, ...). It stops at the first page without records.
 *
 *   http.pagination.type=PAGE
 *   http.pagination.page.param=page   query parameter carrying the number
 *   http.pagination.page.start=1      number of the first page
 *
 * Built against the headers only (pkg-config libhttpsrc-plugin): a plugin
 * links nothing and reaches every service through the host table. Build
 * with meson (meson.build) or make (Makefile), then put
 * httpsrc-paginator_page.so in a directory listed in plugin.path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <httpsrc/plugin.h>

#define KEY_PARAM "http.pagination.page.param"
#define KEY_START "http.pagination.page.start"

/* plugin_ctx: the host table, kept from init. */
typedef struct page_plugin {
        const struct httpsrc_host_api *host;
} page_plugin;

/* One paginator instance. */
typedef struct page_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *param; /* a copy: config strings are only borrowed */
        int64_t start;
} page_state;

static const httpsrc_param_desc page_params[] = {
    {.name          = KEY_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "page",
     .doc           = "Query parameter that carries the page number",
     .group         = "pagination"},
    {.name          = KEY_START,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1",
     .doc           = "Number of the first page",
     .group         = "pagination",
     .min           = 0,
     .max           = INT64_MAX - 1},
    {.name = NULL},
};

/* A whole decimal number, or -1. */
static int parse_page(const char *s, int64_t *out)
{
        char *end;

        if (!s || !*s)
                return -1;
        errno       = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end || v < 0 || v == INT64_MAX)
                return -1;
        *out = v;
        return 0;
}

static int page_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((page_plugin *)plugin_ctx)->host;
        const char *param                   = host->conf_get(ctx, KEY_PARAM);
        const char *start                   = host->conf_get(ctx, KEY_START);
        int64_t first                       = 1;

        if (start && parse_page(start, &first))
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       KEY_START ": '%s' is not a page number",
                                       start);
        page_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        st->host  = host;
        st->ctx   = ctx;
        st->param = host->strdup(param && *param ? param : "page");
        st->start = first;
        if (!st->param) {
                host->free(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        *state = st;
        return HTTPSRC_OK;
}

static int page_start(void *state, const char *page_key, httpsrc_request *req)
{
        page_state *st = state;
        char num[24];

        if (page_key)
                return st->host->req_set_query(req, st->param, page_key);
        snprintf(num, sizeof(num), "%" PRId64, st->start);
        return st->host->req_set_query(req, st->param, num);
}

static int page_next(void *state,
                     const char *page_key,
                     const httpsrc_response *resp,
                     size_t n_records,
                     char **next_key)
{
        page_state *st = state;
        int64_t page   = st->start;
        char num[24];

        (void)resp; /* only the record count matters here */
        if (n_records == 0)
                return HTTPSRC_DONE;
        if (page_key && parse_page(page_key, &page))
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "page key '%s' is not a page number",
                                           page_key);
        snprintf(num, sizeof(num), "%" PRId64, page + 1);
        /* the host owns *next_key: allocate it with the host */
        *next_key = st->host->strdup(num);
        if (!*next_key)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                           "out of memory");
        return HTTPSRC_OK;
}

static void page_destroy(void *state)
{
        page_state *st = state;
        st->host->free(st->param);
        st->host->free(st);
}

static const httpsrc_paginator_ops page_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "PAGE",
    .description  = "Page numbers in a query parameter",
    .params       = page_params,
    .offset_field = "page",
    .create       = page_create,
    .start        = page_start,
    .next         = page_next,
    .destroy      = page_destroy,
};

static int page_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        page_plugin *p = host->alloc(sizeof(*p));
        if (!p) {
                snprintf(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        p->host     = host;
        *plugin_ctx = p;
        int rc =
            host->register_component(reg, HTTPSRC_KIND_PAGINATOR, &page_ops);
        if (rc < 0)
                host->free(p);
        return rc;
}

static void page_fini(void *plugin_ctx)
{
        page_plugin *p = plugin_ctx;
        p->host->free(p);
}

/* The file must be named httpsrc-paginator_page.so to match this name. */
HTTPSRC_PLUGIN_DEFINE("paginator_page",
                      "1.0.0",
                      "Page-number paginator (example plugin)",
                      page_init,
                      page_fini)
