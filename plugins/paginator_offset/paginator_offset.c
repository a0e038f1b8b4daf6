/* Paginator "OFFSET": pages are addressed by the index of their first
 * record (offset=0&limit=100, offset=100&limit=100, ...). The page key is
 * that offset. A page with fewer records than the limit is the last. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "httpsrc/plugin.h"
#include "../common/plugin_util.h"

#define KEY_OFFSET_PARAM "http.pagination.offset.param"
#define KEY_LIMIT_PARAM  "http.pagination.limit.param"
#define KEY_LIMIT_VALUE  "http.pagination.limit.value"
#define KEY_INITIAL      "http.pagination.offset.initial"
#define DEF_OFFSET_PARAM "offset"
#define DEF_LIMIT_PARAM  "limit"
#define DEF_LIMIT_VALUE  100
#define DEF_INITIAL      0

typedef struct offset_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *offset_param; /* "": not sent */
        char *limit_param;  /* "": not sent */
        int64_t limit;
        int64_t initial;
} offset_state;

static const httpsrc_param_desc offset_params[] = {
    {.name          = KEY_OFFSET_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = DEF_OFFSET_PARAM,
     .doc           = "Query parameter that carries the offset; empty: none "
                      "(use ${offset} in the URL or body)",
     .group         = "pagination"},
    {.name          = KEY_LIMIT_PARAM,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = DEF_LIMIT_PARAM,
     .doc           = "Query parameter that carries the page size; empty: none",
     .group         = "pagination"},
    {.name          = KEY_LIMIT_VALUE,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "100",
     .doc           = "Records per page; a shorter page is the last one",
     .group         = "pagination",
     .min           = 1,
     .max           = INT32_MAX},
    {.name          = KEY_INITIAL,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "0",
     .doc           = "Offset of the first page",
     .group         = "pagination",
     .min           = 0,
     .max           = INT64_MAX},
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
static int conf_count(
    offset_state *st, const char *key, int64_t def, int64_t min, int64_t *out)
{
        const char *v = st->host->conf_get(st->ctx, key);

        *out = def;
        if (!v || !*v)
                return HTTPSRC_OK;
        if (parse_count(v, out) || *out < min)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "%s: '%s' is not an integer >= "
                                           "%" PRId64,
                                           key, v, min);
        return HTTPSRC_OK;
}

/* The configured parameter name: "" is a valid choice (none), unset is
 * the default. */
static char *conf_param(offset_state *st, const char *key, const char *def)
{
        const char *v = st->host->conf_get(st->ctx, key);
        return st->host->strdup(v ? v : def);
}

static void offset_destroy(void *state)
{
        offset_state *st = state;
        st->host->free(st->offset_param);
        st->host->free(st->limit_param);
        st->host->free(st);
}

static int offset_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        offset_state *st                    = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        *st              = (offset_state){.host = host, .ctx = ctx};
        st->offset_param = conf_param(st, KEY_OFFSET_PARAM, DEF_OFFSET_PARAM);
        st->limit_param  = conf_param(st, KEY_LIMIT_PARAM, DEF_LIMIT_PARAM);
        if (!st->offset_param || !st->limit_param) {
                offset_destroy(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        int rc =
            conf_count(st, KEY_LIMIT_VALUE, DEF_LIMIT_VALUE, 1, &st->limit);
        if (!rc)
                rc = conf_count(st, KEY_INITIAL, DEF_INITIAL, 0, &st->initial);
        if (rc) {
                offset_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

/* The offset page @p page_key starts at. */
static int page_offset(offset_state *st, const char *page_key, int64_t *out)
{
        *out = st->initial;
        if (!page_key)
                return HTTPSRC_OK;
        if (parse_count(page_key, out))
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           "offset key '%s' is not a "
                                           "non-negative integer",
                                           page_key);
        return HTTPSRC_OK;
}

static int set_int_query(offset_state *st,
                         httpsrc_request *req,
                         const char *name,
                         int64_t v)
{
        char buf[24];

        if (!*name)
                return HTTPSRC_OK;
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        return st->host->req_set_query(req, name, buf);
}

static int offset_start(void *state, const char *page_key, httpsrc_request *req)
{
        offset_state *st = state;
        int64_t offset;

        int rc = page_offset(st, page_key, &offset);
        if (!rc)
                rc = set_int_query(st, req, st->offset_param, offset);
        if (!rc)
                rc = set_int_query(st, req, st->limit_param, st->limit);
        return rc;
}

static int offset_next(void *state,
                       const char *page_key,
                       const httpsrc_response *resp,
                       size_t n_records,
                       char **next_key)
{
        offset_state *st = state;
        int64_t offset;

        int rc = page_offset(st, page_key, &offset);
        if (rc)
                return rc;
        /* A server that returns fewer records than asked for has no more;
         * one that ignores the limit and sends more is followed on. */
        if ((int64_t)n_records < st->limit)
                return HTTPSRC_DONE;
        if ((uint64_t)offset + n_records > (uint64_t)INT64_MAX)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_LIMIT,
                                           "offset %" PRId64 " + %zu records "
                                           "overflows",
                                           offset, n_records);
        *next_key = plugin_int_key(st->host, offset + (int64_t)n_records);
        if (!*next_key)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                           "out of memory");
        return HTTPSRC_OK;
}

/* The first page's key, so that ${offset} holds it from the start. */
static char *offset_first_key(void *state)
{
        offset_state *st = state;
        return plugin_int_key(st->host, st->initial);
}

static const httpsrc_paginator_ops offset_ops = {
    .struct_size  = sizeof(httpsrc_paginator_ops),
    .name         = "OFFSET",
    .description  = "Offset and limit query parameters",
    .params       = offset_params,
    .offset_field = "offset",
    .create       = offset_create,
    .start        = offset_start,
    .next         = offset_next,
    .destroy      = offset_destroy,
    .first_key    = offset_first_key,
};

static int offset_init(const struct httpsrc_host_api *host,
                       httpsrc_registrar *reg,
                       void **plugin_ctx,
                       char *errstr,
                       size_t errstr_size)
{
        static const void *const ops[] = {&offset_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_PAGINATOR,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("paginator_offset",
                      "0.1.0",
                      "Paginator OFFSET",
                      offset_init,
                      plugin_host_fini)
