/* Auth provider "BASIC" (RFC 7617): Authorization: Basic base64(user:pass).
 * The password is a secret: it is never logged, and every buffer that held
 * it is wiped before it is freed. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#define KEY_USER     "http.auth.user"
#define KEY_PASSWORD "http.auth.password"
#define PREFIX       "Basic "

typedef struct basic_state {
        const struct httpsrc_host_api *host;
        char *header; /* "Basic <base64>", a secret */
} basic_state;

static const httpsrc_param_desc basic_params[] = {
    {.name  = KEY_USER,
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "User name for HTTP basic authentication",
     .group = "auth"},
    {.name  = KEY_PASSWORD,
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "Password for HTTP basic authentication",
     .group = "auth"},
    {.name = NULL},
};

/* "Basic " + base64(user ":" password), allocated with host->alloc. */
static char *make_header(const struct httpsrc_host_api *host,
                         const char *user,
                         const char *password)
{
        size_t ulen = strlen(user), plen = strlen(password);
        size_t clen = ulen + 1 + plen;
        char *cred  = host->alloc(clen + 1);
        if (!cred)
                return NULL;
        memcpy(cred, user, ulen);
        cred[ulen] = ':';
        memcpy(cred + ulen + 1, password, plen + 1);

        char *header = plugin_prefixed_base64(host, PREFIX, cred, clen);
        host->wipe(cred, clen);
        host->free(cred);
        return header;
}

static int basic_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        const char *user                    = host->conf_get(ctx, KEY_USER);
        const char *password                = host->conf_get(ctx, KEY_PASSWORD);

        if (!user)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       KEY_USER " must be set for "
                                                "http.auth.type=BASIC");
        if (strchr(user, ':'))
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       KEY_USER " must not contain ':' "
                                                "(RFC 7617)");
        int rc = plugin_need_secret_host(host, ctx, "BASIC auth");
        if (rc)
                return rc;
        basic_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        st->host   = host;
        st->header = make_header(host, user, password ? password : "");
        if (!st->header) {
                host->free(st);
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        *state = st;
        return HTTPSRC_OK;
}

static int basic_apply(void *state, httpsrc_request *req)
{
        basic_state *st = state;
        return st->host->req_set_header(req, "Authorization", st->header);
}

static void basic_destroy(void *state)
{
        basic_state *st = state;
        st->host->wipe(st->header, strlen(st->header));
        st->host->free(st->header);
        st->host->free(st);
}

static const httpsrc_auth_ops basic_ops = {
    .struct_size = sizeof(httpsrc_auth_ops),
    .name        = "BASIC",
    .description = "HTTP basic authentication (RFC 7617)",
    .params      = basic_params,
    .create      = basic_create,
    .apply       = basic_apply,
    .destroy     = basic_destroy,
};

static int basic_init(const struct httpsrc_host_api *host,
                      httpsrc_registrar *reg,
                      void **plugin_ctx,
                      char *errstr,
                      size_t errstr_size)
{
        static const void *const ops[] = {&basic_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_AUTH, ops);
}

HTTPSRC_PLUGIN_DEFINE(
    "auth_basic", "0.1.0", "Auth provider BASIC", basic_init, plugin_host_fini)
