/* Paginator "NEXT_URL": the response body names the next page's URL
 * (JSONPath http.pagination.next.url.path), absolute or relative to the
 * response's URL. The page key is the next page's absolute URL. An
 * absent, null or empty URL ends the pagination. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#define KEY_PATH "http.pagination.next.url.path"
#define DEF_PATH "$.next"

typedef struct next_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *path;
        int warned; /* about a path that matches nothing */
} next_state;

static const httpsrc_param_desc next_params[] = {
    {.name          = KEY_PATH,
     .type          = HTTPSRC_PARAM_JSONPATH,
     .default_value = DEF_PATH,
     .doc           = "JSONPath of the next page's URL in the response",
     .group         = "pagination"},
    {.name = NULL},
};

static const char *const type_names[] = {"null",   "boolean", "number",
                                         "string", "array",   "object"};

static void next_destroy(void *state)
{
        next_state *st = state;
        st->host->free(st->path);
        st->host->free(st);
}

static int next_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;

        if (!HTTPSRC_HOST_HAS(host, url_resolve))
                return host->set_error(ctx, HTTPSRC_ERR_PLUGIN_ABI,
                                       "NEXT_URL needs a host that provides "
                                       "url_resolve");
        next_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        const char *path = host->conf_get(ctx, KEY_PATH);
        st->host         = host;
        st->ctx          = ctx;
        st->warned       = 0;
        st->path         = host->strdup(path && *path ? path : DEF_PATH);
        if (!st->path) {
                host->free(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        *state = st;
        return HTTPSRC_OK;
}

static int next_start(void *state, const char *page_key, httpsrc_request *req)
{
        next_state *st = state;

        if (!page_key)
                return HTTPSRC_OK; /* first page: the URL as configured */
        if (st->host->req_set_url(req, page_key) < 0)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "page key '%s' is not a valid URL",
                                           page_key);
        return HTTPSRC_OK;
}

/* The URL at the path (*url, freed with host->free): HTTPSRC_DONE when
 * there is none, an error when the value there is not a string. Without a
 * tree of the page when the host can (every page asks). */
static int find_url(next_state *st,
                    const char *page_key,
                    const httpsrc_response *resp,
                    size_t n_records,
                    char **url)
{
        const struct httpsrc_host_api *host = st->host;
        int type = plugin_resp_type(host, resp, st->path);

        *url = NULL;
        if (type == HTTPSRC_ERR_PARSE || type == HTTPSRC_ERR_NOMEM)
                return host->set_error(st->ctx, type,
                                       type == HTTPSRC_ERR_NOMEM
                                           ? "out of memory"
                                           : "response is not JSON");
        if (type < 0)
                return plugin_next_missing(host, st->ctx, KEY_PATH, st->path,
                                           page_key, resp, n_records,
                                           &st->warned);
        if (type == HTTPSRC_JSON_NULL)
                return HTTPSRC_DONE;
        if (type != HTTPSRC_JSON_STRING)
                return host->set_error(
                    st->ctx, HTTPSRC_ERR_PARSE,
                    "%s: expected the next page URL as a "
                    "string, found %s",
                    st->path, type <= 5 ? type_names[type] : "?");
        if (HTTPSRC_HOST_HAS(host, resp_query_text)) {
                if (host->resp_query_text(resp, st->path, url) < 0 && !*url)
                        return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                               "out of memory");
        } else {
                const httpsrc_json *v =
                    host->json_query(host->resp_json(resp), st->path);
                *url = host->strdup(host->json_string(v));
        }
        if (!*url)
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        if (**url)
                return HTTPSRC_OK;
        host->free(*url);
        *url = NULL;
        return HTTPSRC_DONE;
}

static int next_next(void *state,
                     const char *page_key,
                     const httpsrc_response *resp,
                     size_t n_records,
                     char **next_key)
{
        next_state *st                      = state;
        const struct httpsrc_host_api *host = st->host;
        char *ref                           = NULL;

        int rc = find_url(st, page_key, resp, n_records, &ref);
        if (rc)
                return rc;
        const char *here = host->resp_url(resp);
        const char *base = here ? here : page_key;
        char *url        = base ? host->url_resolve(base, ref) : NULL;
        if (!url) {
                rc = host->set_error(st->ctx, HTTPSRC_ERR_PARSE,
                                     "next page URL '%s' cannot be "
                                     "resolved against '%s'",
                                     ref, base ? base : "(no URL)");
                host->free(ref);
                return rc;
        }
        host->free(ref);
        if (plugin_next_is_current(host, st->ctx, "next page URL", page_key,
                                   resp, url))
                return HTTPSRC_DONE;
        *next_key = url;
        return HTTPSRC_OK;
}

static const httpsrc_paginator_ops next_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "NEXT_URL",
    .description  = "Next page URL from the response body",
    .params       = next_params,
    .offset_field = "url",
    .create       = next_create,
    .start        = next_start,
    .next         = next_next,
    .destroy      = next_destroy,
};

static int next_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        static const void *const ops[] = {&next_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PAGINATOR,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("paginator_next_url",
                      "0.1.0",
                      "Paginator NEXT_URL",
                      next_init,
                      plugin_host_fini)
