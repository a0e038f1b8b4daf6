/* Paginator "PAGE_NUMBER": pages are numbered (page=1, page=2, ...), the
 * page key is the number. An empty page is past the last one; with a known
 * page size, a short page is the last one. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "httpsrc/plugin.h"
#include "../common/plugin_util.h"

#define KEY_PARAM      "http.pagination.page.param"
#define KEY_START      "http.pagination.page.start"
#define KEY_SIZE_PARAM "http.pagination.page.size.param"
#define KEY_SIZE       "http.pagination.page.size"
#define DEF_PARAM      "page"
#define DEF_START      1

typedef struct page_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *param;      /* "": not sent */
        char *size_param; /* "": not sent */
        int64_t start;
        int64_t size; /* 0: unknown */
} page_state;

static const httpsrc_param_desc page_params[] = {
    {.name          = KEY_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = DEF_PARAM,
     .doc           = "Query parameter that carries the page number; empty: "
                      "none (use ${page} in the URL or body)",
     .group         = "pagination"},
    {.name          = KEY_START,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1",
     .doc           = "Number of the first page",
     .group         = "pagination",
     .min           = 0,
     .max           = INT64_MAX - 1},
    {.name          = KEY_SIZE_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "",
     .doc           = "Query parameter that carries the page size; empty: "
                      "none",
     .group         = "pagination"},
    {.name          = KEY_SIZE,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "0",
     .doc           = "Records per page; a shorter page is the last one. "
                      "0: unknown, only an empty page ends",
     .group         = "pagination",
     .min           = 0,
     .max           = INT32_MAX},
    {.name = NULL},
};

/* A non-negative decimal integer, the whole of @p s. */
static int parse_count(const char *s, int64_t *out)
{
        char *end;

        if (!s || *s < '0' || *s > '9')
                return -1;
        errno       = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

/* The value of INT key @p key, @p def when unset. The host checks declared
 * bounds, but not values that came from ${...} placeholders. */
static int
conf_count(page_state *st, const char *key, int64_t def, int64_t *out)
{
        const char *v = st->host->conf_get(st->ctx, key);

        *out = def;
        if (!v || !*v)
                return HTTPSRC_OK;
        if (parse_count(v, out) || *out == INT64_MAX)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "%s: '%s' is not an integer >= 0",
                                           key, v);
        return HTTPSRC_OK;
}

/* "" is a valid choice (none), unset is the default. */
static char *conf_param(page_state *st, const char *key, const char *def)
{
        const char *v = st->host->conf_get(st->ctx, key);
        return st->host->strdup(v ? v : def);
}

static void page_destroy(void *state)
{
        page_state *st = state;
        st->host->free(st->param);
        st->host->free(st->size_param);
        st->host->free(st);
}

static int page_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        page_state *st                      = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        *st            = (page_state){.host = host, .ctx = ctx};
        st->param      = conf_param(st, KEY_PARAM, DEF_PARAM);
        st->size_param = conf_param(st, KEY_SIZE_PARAM, "");
        if (!st->param || !st->size_param) {
                page_destroy(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        int rc = conf_count(st, KEY_START, DEF_START, &st->start);
        if (!rc)
                rc = conf_count(st, KEY_SIZE, 0, &st->size);
        if (rc) {
                page_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

static int page_number(page_state *st, const char *page_key, int64_t *out)
{
        *out = st->start;
        if (!page_key)
                return HTTPSRC_OK;
        if (parse_count(page_key, out) || *out == INT64_MAX)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "page key '%s' is not a page "
                                           "number",
                                           page_key);
        return HTTPSRC_OK;
}

static int
set_int_query(page_state *st, httpsrc_request *req, const char *name, int64_t v)
{
        char buf[24];

        if (!*name)
                return HTTPSRC_OK;
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        return st->host->req_set_query(req, name, buf);
}

static int page_start(void *state, const char *page_key, httpsrc_request *req)
{
        page_state *st = state;
        int64_t page;

        int rc = page_number(st, page_key, &page);
        if (!rc)
                rc = set_int_query(st, req, st->param, page);
        if (!rc && st->size > 0)
                rc = set_int_query(st, req, st->size_param, st->size);
        return rc;
}

static int page_next(void *state,
                     const char *page_key,
                     const httpsrc_response *resp,
                     size_t n_records,
                     char **next_key)
{
        page_state *st = state;
        int64_t page;

        int rc = page_number(st, page_key, &page);
        if (rc)
                return rc;
        if (n_records == 0)
                return HTTPSRC_DONE;
        if (st->size > 0 && (int64_t)n_records < st->size)
                return HTTPSRC_DONE;
        *next_key = plugin_int_key(st->host, page + 1);
        if (!*next_key)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                           "out of memory");
        return HTTPSRC_OK;
}

/* The first page's key, so that ${page} holds it from the start. */
static char *page_first_key(void *state)
{
        page_state *st = state;
        return plugin_int_key(st->host, st->start);
}

static const httpsrc_paginator_ops page_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "PAGE_NUMBER",
    .description  = "Page number (and optional page size) query parameters",
    .params       = page_params,
    .offset_field = "page",
    .create       = page_create,
    .start        = page_start,
    .next         = page_next,
    .destroy      = page_destroy,
    .first_key    = page_first_key,
};

static int page_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        static const void *const ops[] = {&page_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PAGINATOR,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("paginator_page_number",
                      "0.1.0",
                      "Paginator PAGE_NUMBER",
                      page_init,
                      plugin_host_fini)
