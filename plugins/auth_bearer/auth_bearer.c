/* Auth provider "BEARER" (RFC 6750): Authorization: Bearer <token>, the
 * token a static secret from the config. It is never logged, and the
 * buffer that held it is wiped before it is freed. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#define KEY_TOKEN "http.auth.token"
#define PREFIX    "Bearer "

typedef struct bearer_state {
        const struct httpsrc_host_api *host;
        char *header; /* "Bearer <token>", a secret */
} bearer_state;

static const httpsrc_param_desc bearer_params[] = {
    {.name  = KEY_TOKEN,
     .type  = HTTPSRC_PARAM_PASSWORD,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Token sent as Authorization: Bearer <token>",
     .group = "auth"},
    {.name = NULL},
};

static int bearer_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *token                   = host->conf_get(ctx, KEY_TOKEN);

        if (!token || !*token)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       KEY_TOKEN " must be set for "
                                                 "http.auth.type=BEARER");
        /* The host checks set values, not those from ${...} secrets. */
        if (strpbrk(token, "\r\n"))
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       KEY_TOKEN " must not contain line "
                                                 "breaks");
        int rc = plugin_need_secret_host(host, ctx, "BEARER auth");
        if (rc)
                return rc;
        bearer_state *st = host->alloc(sizeof(*st));
        size_t len       = strlen(token);
        char *header     = host->alloc(sizeof(PREFIX) + len);
        if (!st || !header) {
                host->free(st);
                host->free(header);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        memcpy(header, PREFIX, sizeof(PREFIX) - 1);
        memcpy(header + sizeof(PREFIX) - 1, token, len + 1);
        st->host   = host;
        st->header = header;
        *state     = st;
        return HTTPSRC_OK;
}

static int bearer_apply(void *state, httpsrc_request *req)
{
        bearer_state *st = state;
        return st->host->req_set_header(req, "Authorization", st->header);
}

static void bearer_destroy(void *state)
{
        bearer_state *st = state;
        st->host->wipe(st->header, strlen(st->header));
        st->host->free(st->header);
        st->host->free(st);
}

static const httpsrc_auth_ops bearer_ops = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "BEARER",
    .description = "Static bearer token (RFC 6750)",
    .params      = bearer_params,
    .create      = bearer_create,
    .apply       = bearer_apply,
    .destroy     = bearer_destroy,
};

static int bearer_init(const struct httpsrc_host_api *host,
                       httpsrc_registrar *reg,
                       void **plugin_ctx,
                       char *errstr,
                       size_t errstr_size)
{
        static const void *const ops[] = {&bearer_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_AUTH, ops);
}

HTTPSRC_PLUGIN_DEFINE("auth_bearer",
                      "0.1.0",
                      "Auth provider BEARER",
                      bearer_init,
                      plugin_host_fini)
