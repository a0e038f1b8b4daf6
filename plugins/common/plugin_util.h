/* Shared by the built-in plugins: the plugin context most of them need
 * (the host table) and registering their components. Header-only (static
 * inline) so every plugin stays one self-contained module. */
#ifndef HTTPSRC_PLUGIN_UTIL_H
#define HTTPSRC_PLUGIN_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

/** The plugin context: what create() gets as plugin_ctx. */
typedef struct plugin_host {
        const struct httpsrc_host_api *host;
} plugin_host;

/** Keep @p host in a new plugin context and register every vtable of
 *  @p ops (NULL-terminated) as @p kind; on failure nothing is kept. */
static inline int plugin_register(const struct httpsrc_host_api *host,
                                  httpsrc_registrar *reg,
                                  void **plugin_ctx,
                                  int kind,
                                  const void *const *ops)
{
        plugin_host *p = host->alloc(sizeof(*p));
        if (!p)
                return HTTPSRC_ERR_NOMEM;
        p->host     = host;
        *plugin_ctx = p;
        int rc      = HTTPSRC_OK;
        for (; rc >= 0 && *ops; ops++)
                rc = host->register_component(reg, kind, *ops);
        if (rc < 0) {
                host->free(p);
                *plugin_ctx = NULL;
        }
        return rc;
}

/** The fini of plugins that registered with plugin_register(). */
static inline void plugin_host_fini(void *plugin_ctx)
{
        plugin_host *p = plugin_ctx;
        if (p)
                p->host->free(p);
}

/** A numeric page key ("0", "2000", "3"), host-allocated; NULL on ENOMEM. */
static inline char *plugin_int_key(const struct httpsrc_host_api *host,
                                   int64_t v)
{
        char buf[24];
        snprintf(buf, sizeof(buf), "%lld", (long long)v);
        return host->strdup(buf);
}

/** The host members a plugin that handles secrets needs (wipe, base64):
 *  HTTPSRC_OK, or the error set on @p ctx naming @p who. */
static inline int plugin_need_secret_host(const struct httpsrc_host_api *host,
                                          httpsrc_ctx *ctx,
                                          const char *who)
{
        if (HTTPSRC_HOST_HAS(host, wipe) && HTTPSRC_HOST_HAS(host, base64))
                return HTTPSRC_OK;
        return host->set_error(ctx, HTTPSRC_ERR_PLUGIN_ABI,
                               "%s needs a host that provides wipe and "
                               "base64 (libhttpsrc 0.2 or later)",
                               who);
}

/** @p prefix and the base64 of @p len bytes at @p data ("Basic " +
 *  base64(user:password)), host-allocated; NULL on ENOMEM. The base64
 *  text, a secret, is wiped. Needs plugin_need_secret_host(). */
static inline char *plugin_prefixed_base64(const struct httpsrc_host_api *host,
                                           const char *prefix,
                                           const void *data,
                                           size_t len)
{
        char *b64    = host->base64(data, len);
        size_t plen  = strlen(prefix), blen = b64 ? strlen(b64) : 0;
        char *header = b64 ? host->alloc(plen + blen + 1) : NULL;
        if (header) {
                memcpy(header, prefix, plen);
                memcpy(header + plen, b64, blen + 1);
        }
        host->wipe(b64, blen);
        host->free(b64);
        return header;
}

/** The URL paginators' guard: a next page equal to the current one (its
 *  key or the response's URL) would be fetched forever. Logs that, with
 *  @p source naming what gave the URL, frees @p url and returns 1. */
static inline int plugin_next_is_current(const struct httpsrc_host_api *host,
                                         httpsrc_ctx *ctx,
                                         const char *source,
                                         const char *page_key,
                                         const httpsrc_response *resp,
                                         char *url)
{
        const char *here = host->resp_url(resp);
        if (!(page_key && !strcmp(url, page_key)) &&
            !(here && !strcmp(url, here)))
                return 0;
        host->log(ctx, HTTPSRC_LOG_WARN,
                  "%s points at the current page ('%s'); stopping pagination",
                  source, url);
        host->free(url);
        return 1;
}

/** The type of the value at @p path of the response (>= 0), < 0 if
 *  there is none (HTTPSRC_ERR_PARSE: not JSON): without a tree of the
 *  body when the host can. */
static inline int plugin_resp_type(const struct httpsrc_host_api *host,
                                   const httpsrc_response *resp,
                                   const char *path)
{
        if (HTTPSRC_HOST_HAS(host, resp_query_type)) {
                int type = host->resp_query_type(resp, path);
                return type == HTTPSRC_ERR_INVAL ? HTTPSRC_ERR_NOENT : type;
        }
        const httpsrc_json *root = host->resp_json(resp);
        if (!root)
                return HTTPSRC_ERR_PARSE;
        const httpsrc_json *v = host->json_query(root, path);
        return v ? host->json_type(v) : HTTPSRC_ERR_NOENT;
}

/**
 * The next page's value at @p path (the key @p key) is no usable text:
 * why. null (or nothing in an empty page) ends the pagination; an object
 * or an array is an error; a path matching nothing in a page that had
 * records is most likely a wrong path: it ends the pagination too, with a
 * WARN naming the path and the page, once per instance (@p warned), as
 * the pages after it are never read.
 * @returns HTTPSRC_DONE or an error set on @p ctx
 */
static inline int plugin_next_missing(const struct httpsrc_host_api *host,
                                      httpsrc_ctx *ctx,
                                      const char *key,
                                      const char *path,
                                      const char *page_key,
                                      const httpsrc_response *resp,
                                      size_t n_records,
                                      int *warned)
{
        static const char *const names[] = {"null",     "a boolean",
                                            "a number", "a string",
                                            "an array", "an object"};
        int type = plugin_resp_type(host, resp, path);
        if (type == HTTPSRC_ERR_PARSE || type == HTTPSRC_ERR_NOMEM)
                return host->set_error(ctx, type,
                                       type == HTTPSRC_ERR_NOMEM
                                           ? "out of memory"
                                           : "response is not JSON");
        if (type == HTTPSRC_JSON_ARRAY || type == HTTPSRC_JSON_OBJECT)
                return host->set_error(ctx, HTTPSRC_ERR_PARSE,
                                       "%s %s selects %s, not the next "
                                       "page's key: point it at a string",
                                       key, path, names[type]);
        if (type >= 0 || !n_records || *warned)
                return HTTPSRC_DONE;
        /* URLs without their query: it may carry an API key */
        const char *url = host->resp_url(resp);
        size_t url_len  = url ? strcspn(url, "?#") : 0;
        size_t key_len  = page_key ? strlen(page_key) : 0;
        if (page_key && strstr(page_key, "://"))
                key_len = strcspn(page_key, "?#");
        *warned = 1;
        host->log(ctx, HTTPSRC_LOG_WARN,
                  "%s %s matches nothing in the response of %.*s (%s%.*s%s, "
                  "%zu records): pagination stops there and the pages "
                  "after it are not read; fix the path",
                  key, path, (int)url_len, url ? url : "",
                  page_key ? "page '" : "the first page", (int)key_len,
                  page_key ? page_key : "", page_key ? "'" : "", n_records);
        return HTTPSRC_DONE;
}

#endif
