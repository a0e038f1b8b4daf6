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

/** Zero @p len bytes of a secret before it is freed; volatile keeps the
 *  compiler from dropping stores to memory about to go. */
static inline void plugin_wipe(char *s, size_t len)
{
        volatile char *p = s;
        while (len--)
                *p++ = 0;
}

/** Standard base64 of @p len bytes into @p out (4 * ((len + 2) / 3) + 1
 *  bytes, NUL-terminated). */
static inline void plugin_base64(const unsigned char *in, size_t len, char *out)
{
        static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i;

        for (i = 0; i + 2 < len; i += 3) {
                unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
                             in[i + 2];
                *out++ = abc[v >> 18 & 63];
                *out++ = abc[v >> 12 & 63];
                *out++ = abc[v >> 6 & 63];
                *out++ = abc[v & 63];
        }
        if (i < len) {
                unsigned v = (unsigned)in[i] << 16;
                if (i + 1 < len)
                        v |= (unsigned)in[i + 1] << 8;
                *out++ = abc[v >> 18 & 63];
                *out++ = abc[v >> 12 & 63];
                *out++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
                *out++ = '=';
        }
        *out = '\0';
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

#endif
