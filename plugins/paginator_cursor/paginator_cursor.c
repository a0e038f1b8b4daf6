/* Paginator "CURSOR": the response names the next page's cursor (JSONPath
 * http.pagination.cursor.path); the next request sends it as query
 * parameter http.pagination.cursor.param. An absent, null or empty cursor
 * ends the pagination (absent after records: with a WARN); an object or
 * an array is an error. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#define KEY_PARAM "http.pagination.cursor.param"
#define KEY_PATH  "http.pagination.cursor.path"
#define DEF_PARAM "cursor"
#define DEF_PATH  "$.next_cursor"

typedef struct cursor_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *param;
        char *path;
        int warned; /* about a path that matches nothing */
} cursor_state;

static const httpsrc_param_desc cursor_params[] = {
    {.name          = KEY_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = DEF_PARAM,
     .doc           = "Query parameter that carries the cursor",
     .group         = "pagination"},
    {.name          = KEY_PATH,
     .type          = HTTPSRC_PARAM_JSONPATH,
     .default_value = DEF_PATH,
     .doc           = "JSONPath of the next cursor in the response",
     .group         = "pagination"},
    {.name = NULL},
};

static const char *conf_or(const struct httpsrc_host_api *host,
                           httpsrc_ctx *ctx,
                           const char *key,
                           const char *def)
{
        const char *v = host->conf_get(ctx, key);
        return v && *v ? v : def;
}

static void cursor_destroy(void *state)
{
        cursor_state *st = state;
        st->host->free(st->param);
        st->host->free(st->path);
        st->host->free(st);
}

static int cursor_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        cursor_state *st                    = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        st->host   = host;
        st->ctx    = ctx;
        st->warned = 0;
        /* An empty param is meaningful: the cursor travels only as
         * ${cursor} (e.g. in a POST body), not in the query. */
        const char *param = host->conf_get(ctx, KEY_PARAM);
        st->param         = host->strdup(param ? param : DEF_PARAM);
        st->path = host->strdup(conf_or(host, ctx, KEY_PATH, DEF_PATH));
        if (!st->param || !st->path) {
                cursor_destroy(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        *state = st;
        return HTTPSRC_OK;
}

static int cursor_start(void *state, const char *page_key, httpsrc_request *req)
{
        cursor_state *st = state;
        if (!page_key || !*page_key || !*st->param)
                return HTTPSRC_OK; /* first page: the URL as configured */
        return st->host->req_set_query(req, st->param, page_key);
}

/* The cursor's text: without a tree when the host can (the hot path:
 * every page), else through the parsed body. < 0: not JSON. */
static int cursor_text(const struct httpsrc_host_api *host,
                       const httpsrc_response *resp,
                       const char *path,
                       char **text)
{
        if (HTTPSRC_HOST_HAS(host, resp_query_text))
                return host->resp_query_text(resp, path, text);
        const httpsrc_json *root = host->resp_json(resp);
        if (!root)
                return HTTPSRC_ERR_PARSE;
        const httpsrc_json *v = host->json_query(root, path);
        *text                 = v ? host->json_scalar_text(v) : NULL;
        return *text != NULL;
}

static int cursor_next(void *state,
                       const char *page_key,
                       const httpsrc_response *resp,
                       size_t n_records,
                       char **next_key)
{
        cursor_state *st                    = state;
        const struct httpsrc_host_api *host = st->host;

        char *text = NULL;
        if (cursor_text(host, resp, st->path, &text) < 0)
                return host->set_error(st->ctx, HTTPSRC_ERR_PARSE,
                                       "response is not JSON");
        if (!text)
                return plugin_next_missing(host, st->ctx, KEY_PATH, st->path,
                                           page_key, resp, n_records,
                                           &st->warned);
        if (!*text) {
                host->free(text);
                return HTTPSRC_DONE;
        }
        /* A server that keeps answering with the same cursor would make us
         * fetch the same page forever. */
        if (page_key && !strcmp(text, page_key)) {
                host->log(st->ctx, HTTPSRC_LOG_WARN,
                          "cursor did not change ('%s'); stopping pagination",
                          text);
                host->free(text);
                return HTTPSRC_DONE;
        }
        *next_key = text;
        return HTTPSRC_OK;
}

static const httpsrc_paginator_ops cursor_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "CURSOR",
    .description  = "Cursor from the response body, sent as a query parameter",
    .params       = cursor_params,
    .offset_field = "cursor",
    .create       = cursor_create,
    .start        = cursor_start,
    .next         = cursor_next,
    .destroy      = cursor_destroy,
};

static int cursor_init(const struct httpsrc_host_api *host,
                       httpsrc_registrar *reg,
                       void **plugin_ctx,
                       char *errstr,
                       size_t errstr_size)
{
        static const void *const ops[] = {&cursor_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PAGINATOR,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("paginator_cursor",
                      "0.1.0",
                      "Paginator CURSOR",
                      cursor_init,
                      plugin_host_fini)
