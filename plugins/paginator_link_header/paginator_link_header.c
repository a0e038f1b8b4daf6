/* Paginator "LINK_HEADER": the next page is the target of the response's
 * Link header (RFC 8288) with relation type "next", as GitHub and many
 * other APIs send it. The page key is the next page's absolute URL. */
#include <string.h>
#include <strings.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

typedef struct link_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
} link_state;

/* A span of the header value. */
typedef struct span {
        const char *p;
        size_t len;
} span;

/* tchar of RFC 9110 section 5.6.2. */
static int is_tchar(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
        while (*p == ' ' || *p == '\t')
                p++;
        return p;
}

/* Past the quoted-string at @p p (on its opening quote); @p out gets its
 * raw content, escapes included. An unterminated string runs to the end. */
static const char *skip_quoted(const char *p, span *out)
{
        out->p = ++p;
        while (*p && *p != '"')
                p += p[0] == '\\' && p[1] ? 2 : 1;
        out->len = (size_t)(p - out->p);
        return *p ? p + 1 : p;
}

/* Past a malformed part of a link-value: the next ',' outside quotes and
 * angle brackets, or the end. */
static const char *skip_to_comma(const char *p)
{
        span ignored;

        while (*p && *p != ',') {
                if (*p == '"')
                        p = skip_quoted(p, &ignored);
                else if (*p == '<' && strchr(p, '>'))
                        p = strchr(p, '>') + 1;
                else
                        p++;
        }
        return p;
}

/* Does the rel value (a space-separated list, RFC 8288 section 3.3) name
 * the relation type "next"? Registered types are case-insensitive. */
static int rel_has_next(span rel)
{
        const char *p = rel.p, *end = rel.p + rel.len;

        while (p < end) {
                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                const char *w = p;
                while (p < end && *p != ' ' && *p != '\t')
                        p++;
                if (p - w == 4 && !strncasecmp(w, "next", 4))
                        return 1;
        }
        return 0;
}

/* One link-param at @p p (just past its ';'): its name and value. */
static const char *parse_param(const char *p, span *name, span *value)
{
        p       = skip_ows(p);
        name->p = p;
        while (is_tchar(*p))
                p++;
        name->len = (size_t)(p - name->p);
        *value    = (span){p, 0};
        p         = skip_ows(p);
        if (*p != '=')
                return p;
        p = skip_ows(p + 1);
        if (*p == '"')
                return skip_quoted(p, value);
        value->p = p;
        while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
                p++;
        value->len = (size_t)(p - value->p);
        return p;
}

/* The parameters of a link-value from @p p on: is it rel="next"? Only the
 * first rel counts (RFC 8288 section 3.3). */
static const char *parse_params(const char *p, int *is_next)
{
        int seen_rel = 0;

        *is_next = 0;
        for (p = skip_ows(p); *p == ';'; p = skip_ows(p)) {
                span name, value;
                p = parse_param(p + 1, &name, &value);
                if (seen_rel || name.len != 3 || strncasecmp(name.p, "rel", 3))
                        continue;
                seen_rel = 1;
                *is_next = rel_has_next(value);
        }
        return p;
}

/* The target of the first rel="next" link in Link field value @p v.
 * Targets are taken whole between '<' and '>', so commas in them do not
 * split links. */
static int find_next(const char *v, span *target)
{
        const char *p = v;

        while (*p) {
                while (*p == ',' || *p == ' ' || *p == '\t')
                        p++;
                if (*p != '<') {
                        p = skip_to_comma(p);
                        continue;
                }
                const char *gt = strchr(p, '>');
                if (!gt)
                        return 0;
                span t          = {skip_ows(p + 1), 0};
                const char *end = gt;
                while (end > t.p && (end[-1] == ' ' || end[-1] == '\t'))
                        end--;
                t.len = (size_t)(end - t.p);
                int is_next;
                p = skip_to_comma(parse_params(gt + 1, &is_next));
                if (is_next) {
                        *target = t;
                        return 1;
                }
        }
        return 0;
}

static int link_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;

        if (!HTTPSRC_HOST_HAS(host, url_resolve))
                return host->set_error(ctx, HTTPSRC_ERR_PLUGIN_ABI,
                                       "LINK_HEADER needs a host that "
                                       "provides url_resolve");
        link_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        st->host = host;
        st->ctx  = ctx;
        *state   = st;
        return HTTPSRC_OK;
}

static void link_destroy(void *state)
{
        link_state *st = state;
        st->host->free(st);
}

static int link_start(void *state, const char *page_key, httpsrc_request *req)
{
        link_state *st = state;

        if (!page_key)
                return HTTPSRC_OK; /* first page: the URL as configured */
        if (st->host->req_set_url(req, page_key) < 0)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "page key '%s' is not a valid URL",
                                           page_key);
        return HTTPSRC_OK;
}

/* Resolve @p t against the URL the response came from (RFC 8288 section
 * 3.2: the link context), or the page's URL when the host has none. */
static int resolve(link_state *st,
                   const char *page_key,
                   const httpsrc_response *resp,
                   span t,
                   char **out)
{
        const struct httpsrc_host_api *host = st->host;
        const char *base                    = host->resp_url(resp);
        char *ref                           = host->alloc(t.len + 1);

        if (!ref)
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        memcpy(ref, t.p, t.len);
        ref[t.len] = '\0';
        if (!base)
                base = page_key;
        *out   = base ? host->url_resolve(base, ref) : NULL;
        int rc = HTTPSRC_OK;
        if (!*out)
                rc = host->set_error(st->ctx, HTTPSRC_ERR_PARSE,
                                     "Link rel=\"next\" URL '%s' cannot be "
                                     "resolved against '%s'",
                                     ref, base ? base : "(no URL)");
        host->free(ref);
        return rc;
}

static int link_next(void *state,
                     const char *page_key,
                     const httpsrc_response *resp,
                     size_t n_records,
                     char **next_key)
{
        link_state *st                      = state;
        const struct httpsrc_host_api *host = st->host;
        const char *link                    = host->resp_header(resp, "Link");
        span target;
        char *url;

        if (!link || !find_next(link, &target))
                return HTTPSRC_DONE;
        int rc = resolve(st, page_key, resp, target, &url);
        if (rc)
                return rc;
        if (plugin_next_is_current(host, st->ctx, "Link rel=\"next\"", page_key,
                                   resp, url))
                return HTTPSRC_DONE;
        *next_key = url;
        return HTTPSRC_OK;
}

static const httpsrc_paginator_ops link_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "LINK_HEADER",
    .description  = "Next page from the Link header (RFC 8288 rel=\"next\")",
    .params       = NULL,
    .offset_field = "url",
    .create       = link_create,
    .start        = link_start,
    .next         = link_next,
    .destroy      = link_destroy,
};

static int link_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        static const void *const ops[] = {&link_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PAGINATOR,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("paginator_link_header",
                      "0.1.0",
                      "Paginator LINK_HEADER",
                      link_init,
                      plugin_host_fini)
