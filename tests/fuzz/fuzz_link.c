/* libFuzzer target: the Link header parser of the LINK_HEADER paginator
 * (plugins/paginator_link_header), the plugin's own code: its .c file is
 * included below and driven through its vtable with a host table that is
 * the library's (url_resolve is the real one, over libcurl) except for the
 * response and error callbacks, which read a fake response.
 *
 * Input = "<Link field value>\n<response URL>\n<page key>\n" (missing or
 * empty lines: the response has no URL, this is the first page; the
 * field value ends at the first CR, LF or NUL, as a header line does).
 *
 * Checks:
 *  - find_next() returns a span inside the field value, between '<' and
 *    the first '>' after it, with no OWS at either end;
 *  - next() answers HTTPSRC_DONE exactly when there is no rel="next" link
 *    or it points at the current page; HTTPSRC_OK with a URL that is
 *    what url_resolve() makes of the target, is not the current page and
 *    is itself a URL that resolves to itself; or HTTPSRC_ERR_PARSE,
 *    reported through set_error() in one line naming the target, exactly
 *    when it does not resolve;
 *  - a rel="prev" link put in front of the field value changes nothing.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true
 *        meson compile -C build-fuzz fuzz_link
 * Seeds: corpus/fuzz_link/, Link fields of RFC 8288 and of GitHub-style
 * APIs, with and without a response URL to resolve against. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_int.h"

/* The plugin under test, static functions and all. */
#include "../../plugins/paginator_link_header/paginator_link_header.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREV_LINK "<https://prev.example/p?page=1>; rel=\"prev\", "

/* A failed check names itself before the abort libFuzzer reports. */
#define check(cond) ((cond) ? (void)0 : fail(#cond, __LINE__))

static void fail(const char *what, int line)
{
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, line, what);
        abort();
}

/* What the fake host's handles point at (cast to the opaque types). */
typedef struct fake_req {
        const char *url; /* the last req_set_url() */
} fake_req;

typedef struct fake_resp {
        const char *link; /* NULL: no Link header */
        const char *url;  /* NULL: the host knows no URL */
} fake_resp;

typedef struct fake_ctx {
        int n_errors;
        int code;
        char *msg; /* the last set_error() */
} fake_ctx;

static const char *fake_header(const httpsrc_response *resp, const char *name)
{
        return !strcasecmp(name, "Link") ? ((const fake_resp *)resp)->link
                                         : NULL;
}

static const char *fake_url(const httpsrc_response *resp)
{
        return ((const fake_resp *)resp)->url;
}

static int fake_set_error(httpsrc_ctx *hctx, int code, const char *fmt, ...)
{
        fake_ctx *ctx = (fake_ctx *)hctx;
        va_list ap;
        va_start(ap, fmt);
        free(ctx->msg);
        check(vasprintf(&ctx->msg, fmt, ap) >= 0);
        va_end(ap);
        ctx->n_errors++;
        ctx->code = code;
        return code;
}

static void fake_log(httpsrc_ctx *ctx, int level, const char *fmt, ...)
{
        char line[4096];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        check(!strpbrk(line, "\r\n")); /* one line */
}

static int fake_register(httpsrc_registrar *reg, int kind, const void *ops)
{
        check(kind == HTTPSRC_KIND_PAGINATOR);
        *(const httpsrc_paginator_ops **)reg = ops;
        return HTTPSRC_OK;
}

/* Line @p i of @p text (0-based), up to a CR, LF or NUL, copied; NULL if
 * absent or empty. */
static char *line_at(const char *text, size_t len, int i)
{
        const char *p = text, *end = text + len;
        for (; i > 0 && p < end; i--) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                p              = nl ? nl + 1 : end;
        }
        size_t n = 0;
        while (p + n < end && p[n] != '\r' && p[n] != '\n' && p[n])
                n++;
        if (i > 0 || !n)
                return NULL;
        char *s = malloc(n + 1);
        check(s != NULL);
        memcpy(s, p, n);
        s[n] = '\0';
        return s;
}

/* find_next()'s answer is a well-formed span of @p v. */
static int checked_find(const char *v, span *t)
{
        if (!find_next(v, t))
                return 0;
        const char *end = v + strlen(v);
        check(t->p > v && t->p + t->len < end);
        check(!memchr(t->p, '>', t->len) && !memchr(t->p, '\0', t->len));
        const char *lt = t->p, *gt = t->p + t->len;
        while (lt[-1] == ' ' || lt[-1] == '\t')
                lt--;
        while (*gt == ' ' || *gt == '\t')
                gt++;
        check(lt[-1] == '<' && *gt == '>');
        check(!t->len || (t->p[0] != ' ' && t->p[0] != '\t' &&
                          t->p[t->len - 1] != ' ' && t->p[t->len - 1] != '\t'));
        return 1;
}

/* With a rel="prev" link in front, the same target is found. */
static void check_prefix(const char *v, int found, span t)
{
        size_t n = strlen(PREV_LINK), len = strlen(v);
        char *pv = malloc(n + len + 1);
        check(pv != NULL);
        memcpy(pv, PREV_LINK, n);
        memcpy(pv + n, v, len + 1);
        span u;
        int again = checked_find(pv, &u);
        check(again == found);
        check(!found || (u.len == t.len && u.p - pv == (t.p - v) + (long)n));
        free(pv);
}

/* next()'s verdict against what the target should give. */
static void check_next(const struct httpsrc_host_api *host,
                       const httpsrc_paginator_ops *ops,
                       void *plugin_ctx,
                       const fake_resp *resp,
                       const char *page_key)
{
        fake_ctx ctx = {0};
        void *state  = NULL;
        check(ops->create((httpsrc_ctx *)&ctx, plugin_ctx, &state) ==
              HTTPSRC_OK);
        span t;
        int found  = resp->link && checked_find(resp->link, &t);
        char *next = NULL;
        int rc = ops->next(state, page_key, (const httpsrc_response *)resp, 3,
                           &next);
        char *ref        = found ? strndup(t.p, t.len) : NULL;
        const char *base = resp->url ? resp->url : page_key;
        char *want       = ref && base ? host->url_resolve(base, ref) : NULL;
        if (!found) {
                check(rc == HTTPSRC_DONE && !next && !ctx.n_errors);
        } else if (!want) {
                /* the target does not resolve: reported, in one line */
                check(rc == HTTPSRC_ERR_PARSE && !next && ctx.n_errors == 1);
                check(ctx.code == rc && !strpbrk(ctx.msg, "\r\n"));
                check(!strncmp(ctx.msg, "Link rel=\"next\" URL '", 21));
                check(!strncmp(ctx.msg + 21, ref, strlen(ref)));
        } else if ((page_key && !strcmp(want, page_key)) ||
                   (resp->url && !strcmp(want, resp->url))) {
                check(rc == HTTPSRC_DONE && !next && !ctx.n_errors);
        } else {
                check(rc == HTTPSRC_OK && next && !ctx.n_errors);
                check(!strcmp(next, want));
                /* a page key is a URL of its own: it resolves to itself */
                char *self = host->url_resolve(next, next);
                check(self && !strcmp(self, next));
                host->free(self);
        }
        host->free(next);
        host->free(want);
        free(ref);
        free(ctx.msg);
        ops->destroy(state);
}

static int fake_set_url(httpsrc_request *req, const char *url)
{
        ((fake_req *)req)->url = url;
        return HTTPSRC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text             = (const char *)data;
        struct httpsrc_host_api host = *host_api_table();
        host.register_component      = fake_register;
        host.log                     = fake_log;
        host.set_error               = fake_set_error;
        host.resp_header             = fake_header;
        host.resp_url                = fake_url;
        host.req_set_url             = fake_set_url;

        const httpsrc_paginator_ops *ops = NULL;
        void *plugin_ctx                 = NULL;
        char err[256];
        check(link_init(&host, (httpsrc_registrar *)&ops, &plugin_ctx, err,
                        sizeof(err)) == HTTPSRC_OK &&
              ops == &link_ops);

        char *link = line_at(text, size, 0);
        char *url  = line_at(text, size, 1);
        char *key  = line_at(text, size, 2);
        span t     = {NULL, 0};
        int found  = link && checked_find(link, &t);
        if (link)
                check_prefix(link, found, t);

        fake_resp resp = {link, url};
        check_next(&host, ops, plugin_ctx, &resp, key);
        resp.link = NULL; /* no header at all */
        check_next(&host, ops, plugin_ctx, &resp, key);

        /* start() points the request at the page key, or leaves it */
        void *state  = NULL;
        fake_req req = {NULL};
        check(ops->create(NULL, plugin_ctx, &state) == HTTPSRC_OK);
        check(ops->start(state, key, (httpsrc_request *)&req) == HTTPSRC_OK &&
              req.url == key);
        ops->destroy(state);

        plugin_host_fini(plugin_ctx);
        free(link);
        free(url);
        free(key);
        return 0;
}
