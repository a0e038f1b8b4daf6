/* Auth provider "OAUTH2": the client credentials grant (RFC 6749 section
 * 4.4). The host sends the token request this provider builds (own_request)
 * with its own HTTP client, hands back the answer (own_response), and the
 * token goes out as Authorization: Bearer <token> (RFC 6750) until it is
 * about to expire or the API answers 401.
 *
 * The client secret and the tokens are secrets: they are never logged nor
 * put in an error message (messages quoting the token endpoint's answer
 * are scrubbed of them), and every buffer that held one is wiped before
 * it is freed. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpsrc/plugin.h"

#include "../common/plugin_util.h"

#define KEY_URL         "http.oauth2.token.url"
#define KEY_ID          "http.oauth2.client.id"
#define KEY_SECRET      "http.oauth2.client.secret"
#define KEY_SCOPE       "http.oauth2.scope"
#define KEY_CLIENT_AUTH "http.oauth2.client.auth"
#define KEY_PROPERTY    "http.oauth2.token.property"
#define KEY_MARGIN      "http.oauth2.refresh.margin.ms"
#define DEF_PROPERTY    "access_token"
#define DEF_MARGIN_MS   5000
#define BEARER          "Bearer "
#define BASIC           "Basic "
#define REDACTED        "***"
#define NEVER           INT64_MAX
#define MAX_REASON      200 /* of each quoted error/error_description */

typedef struct oauth2_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        char *token_url;
        char *shown_url; /* without userinfo, query and fragment */
        char *property;
        char *secret; /* a secret, kept to scrub messages */
        char *basic;  /* header mode: "Basic ..." (a secret); else NULL */
        char *body;   /* the token request's body; a secret in body mode */
        int64_t margin_ms;
        char *auth;         /* "Bearer <token>" (a secret); NULL: no token */
        int64_t refresh_at; /* wall ms when a new token is due */
} oauth2_state;

static const httpsrc_param_desc oauth2_params[] = {
    {.name  = KEY_URL,
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "OAuth2 token endpoint (client credentials grant)",
     .group = "auth"},
    {.name  = KEY_ID,
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "OAuth2 client id",
     .group = "auth"},
    {.name  = KEY_SECRET,
     .type  = HTTPSRC_PARAM_PASSWORD,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "OAuth2 client secret",
     .group = "auth"},
    {.name  = KEY_SCOPE,
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Scope requested with the token (space-separated); none if "
              "unset",
     .group = "auth"},
    {.name          = KEY_CLIENT_AUTH,
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "header",
     .doc           = "How the client authenticates to the token endpoint: "
                      "header (HTTP Basic, client_secret_basic) or body "
                      "(client_secret_post)",
     .group         = "auth",
     .enum_values   = "header|body"},
    {.name          = KEY_PROPERTY,
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = DEF_PROPERTY,
     .doc           = "Member of the token response that holds the token",
     .group         = "auth"},
    {.name          = KEY_MARGIN,
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "5000",
     .doc           = "A new token is requested when the cached one expires "
                      "within this many ms (at most half its lifetime)",
     .group         = "auth",
     .min           = 0,
     .max           = INT32_MAX},
    {.name = NULL},
};

/* ------------------------------------------------------------------ */
/* Secrets and strings                                                 */

static void free_secret(const struct httpsrc_host_api *host, char **s)
{
        if (*s)
                host->wipe(*s, strlen(*s));
        host->free(*s);
        *s = NULL;
}

/* @p s encoded as application/x-www-form-urlencoded (RFC 6749 appendix
 * B): percent-encoding, with '+' for a space. */
static char *form_encode(const struct httpsrc_host_api *host, const char *s)
{
        char *e = host->url_encode(s);
        char *w = e;

        for (const char *r = e; r && *r; w++) {
                if (!strncmp(r, "%20", 3)) {
                        *w = '+';
                        r += 3;
                } else {
                        *w = *r++;
                }
        }
        if (w)
                *w = '\0';
        return e;
}

/* Concatenation of the NULL-terminated strings after @p host. */
static char *concat(const struct httpsrc_host_api *host, ...)
{
        va_list ap;
        size_t len = 0;
        const char *s;

        va_start(ap, host);
        while ((s = va_arg(ap, const char *)))
                len += strlen(s);
        va_end(ap);
        char *out = host->alloc(len + 1);
        if (!out)
                return NULL;
        char *w = out;
        va_start(ap, host);
        while ((s = va_arg(ap, const char *))) {
                size_t n = strlen(s);
                memcpy(w, s, n);
                w += n;
        }
        va_end(ap);
        *w = '\0';
        return out;
}

/* @p url without userinfo, query and fragment: what messages may show. */
static char *shown_url(const struct httpsrc_host_api *host, const char *url)
{
        const char *sep   = strstr(url, "://");
        const char *auth  = sep ? sep + 3 : url;
        size_t auth_len   = strcspn(auth, "/?#");
        const char *host_ = auth;

        for (const char *p = auth; p < auth + auth_len; p++)
                if (*p == '@')
                        host_ = p + 1;
        size_t prefix = (size_t)(auth - url);
        size_t rest   = strcspn(host_, "?#");
        char *out     = host->alloc(prefix + rest + 1);
        if (!out)
                return NULL;
        memcpy(out, url, prefix);
        memcpy(out + prefix, host_, rest);
        out[prefix + rest] = '\0';
        return out;
}

/* Copy @p in to @p out (of @p size bytes, truncating), each occurrence of
 * @p secret replaced by "***". */
static void
copy_redacted(char *out, size_t size, const char *in, const char *secret)
{
        size_t slen = secret ? strlen(secret) : 0;
        size_t w    = 0;

        while (*in && w + 1 < size) {
                if (slen && !strncmp(in, secret, slen)) {
                        for (const char *r = REDACTED; *r && w + 1 < size; r++)
                                out[w++] = *r;
                        in += slen;
                } else {
                        out[w++] = *in++;
                }
        }
        out[w] = '\0';
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

static void oauth2_destroy(void *state)
{
        oauth2_state *st                    = state;
        const struct httpsrc_host_api *host = st->host;

        host->free(st->token_url);
        host->free(st->shown_url);
        host->free(st->property);
        free_secret(host, &st->secret);
        free_secret(host, &st->basic);
        free_secret(host, &st->body);
        free_secret(host, &st->auth);
        host->free(st);
}

static int required(oauth2_state *st, const char *key, const char **out)
{
        *out = st->host->conf_get(st->ctx, key);
        if (*out && **out)
                return HTTPSRC_OK;
        return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                   "%s must be set for http.auth.type=OAUTH2",
                                   key);
}

static int conf_margin(oauth2_state *st)
{
        const char *v = st->host->conf_get(st->ctx, KEY_MARGIN);
        char *end;

        st->margin_ms = DEF_MARGIN_MS;
        if (!v || !*v)
                return HTTPSRC_OK;
        errno       = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || end == v || *end || n < 0)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                           KEY_MARGIN ": '%s' is not an "
                                                      "integer >= 0",
                                           v);
        st->margin_ms = n;
        return HTTPSRC_OK;
}

/* 1 for client_secret_post, 0 for client_secret_basic. */
static int conf_body_mode(oauth2_state *st, int *body_mode)
{
        const char *v = st->host->conf_get(st->ctx, KEY_CLIENT_AUTH);

        *body_mode = v && !strcasecmp(v, "body");
        if (!v || !*v || *body_mode || !strcasecmp(v, "header"))
                return HTTPSRC_OK;
        return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                   KEY_CLIENT_AUTH ": '%s' is not header or "
                                                   "body",
                                   v);
}

/* "Basic " + base64(form(id) ":" form(secret)), RFC 6749 section 2.3.1. */
static char *make_basic(const struct httpsrc_host_api *host,
                        const char *id,
                        const char *secret)
{
        char *eid = form_encode(host, id), *esecret = form_encode(host, secret);
        char *cred =
            eid && esecret ? concat(host, eid, ":", esecret, NULL) : NULL;
        char *header = NULL;

        if (cred)
                header = plugin_prefixed_base64(host, BASIC, cred, strlen(cred));
        host->free(eid);
        free_secret(host, &esecret);
        free_secret(host, &cred);
        return header;
}

/* grant_type=client_credentials[&scope=..][&client_id=..&client_secret=..] */
static char *make_body(const struct httpsrc_host_api *host,
                       const char *scope,
                       int body_mode,
                       const char *id,
                       const char *secret)
{
        char *escope = scope && *scope ? form_encode(host, scope) : NULL;
        char *eid    = body_mode ? form_encode(host, id) : NULL;
        char *esec   = body_mode ? form_encode(host, secret) : NULL;
        char *body   = NULL;

        if ((!scope || !*scope || escope) && (!body_mode || (eid && esec)))
                body = concat(host, "grant_type=client_credentials",
                              escope ? "&scope=" : "", escope ? escope : "",
                              body_mode ? "&client_id=" : "", eid ? eid : "",
                              body_mode ? "&client_secret=" : "",
                              esec ? esec : "", NULL);
        host->free(escope);
        host->free(eid);
        free_secret(host, &esec);
        return body;
}

static int check_host(const struct httpsrc_host_api *host, httpsrc_ctx *ctx)
{
        if (!HTTPSRC_HOST_HAS(host, now_ms) ||
            !HTTPSRC_HOST_HAS(host, url_encode) ||
            !HTTPSRC_HOST_HAS(host, url_resolve))
                return host->set_error(ctx, HTTPSRC_ERR_PLUGIN_ABI,
                                       "OAUTH2 needs a host that provides "
                                       "now_ms, url_encode and url_resolve");
        return plugin_need_secret_host(host, ctx, "OAUTH2");
}

/* The token URL must be absolute: it is sent as is. */
static int check_url(oauth2_state *st)
{
        char *u = st->host->url_resolve(st->token_url, st->token_url);

        st->host->free(u);
        if (u)
                return HTTPSRC_OK;
        return st->host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                   KEY_URL ": '%s' is not an absolute URL",
                                   st->shown_url);
}

static int create_secrets(oauth2_state *st, const char *id, int body_mode)
{
        const struct httpsrc_host_api *host = st->host;
        const char *secret                  = NULL;

        int rc = required(st, KEY_SECRET, &secret);
        if (rc)
                return rc;
        if (strpbrk(id, "\r\n"))
                return host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                       KEY_ID " must not contain line breaks");
        st->secret = host->strdup(secret);
        st->body   = make_body(host, host->conf_get(st->ctx, KEY_SCOPE),
                               body_mode, id, secret);
        if (!body_mode)
                st->basic = make_basic(host, id, secret);
        if (!st->secret || !st->body || (!body_mode && !st->basic))
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        return HTTPSRC_OK;
}

static int create_conf(oauth2_state *st)
{
        const struct httpsrc_host_api *host = st->host;
        const char *url = NULL, *id = NULL;
        int body_mode;

        int rc = required(st, KEY_URL, &url);
        if (!rc)
                rc = required(st, KEY_ID, &id);
        if (!rc)
                rc = conf_body_mode(st, &body_mode);
        if (!rc)
                rc = conf_margin(st);
        if (rc)
                return rc;
        const char *prop = host->conf_get(st->ctx, KEY_PROPERTY);
        st->token_url    = host->strdup(url);
        st->shown_url    = shown_url(host, url);
        st->property     = host->strdup(prop && *prop ? prop : DEF_PROPERTY);
        if (!st->token_url || !st->shown_url || !st->property)
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        rc = check_url(st);
        return rc ? rc : create_secrets(st, id, body_mode);
}

static int oauth2_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;

        int rc = check_host(host, ctx);
        if (rc)
                return rc;
        oauth2_state *st = host->alloc(sizeof(*st));
        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        *st = (oauth2_state){.host = host, .ctx = ctx};
        rc  = create_conf(st);
        if (rc) {
                oauth2_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* The token request                                                   */

static int oauth2_own_request(void *state, httpsrc_request *req)
{
        oauth2_state *st                    = state;
        const struct httpsrc_host_api *host = st->host;

        if (st->auth && host->now_ms() < st->refresh_at)
                return 0;
        int rc = host->req_set_method(req, "POST");
        if (!rc)
                rc = host->req_set_url(req, st->token_url);
        if (!rc)
                rc = host->req_set_header(req, "Content-Type",
                                          "application/x-www-form-urlencoded");
        if (!rc)
                rc = host->req_set_header(req, "Accept", "application/json");
        if (!rc && st->basic)
                rc = host->req_set_header(req, "Authorization", st->basic);
        if (!rc)
                rc = host->req_set_body(req, st->body, strlen(st->body));
        if (rc < 0)
                return host->set_error(st->ctx, rc,
                                       "cannot build the token request to %s",
                                       st->shown_url);
        return 1;
}

/* A string member of @p obj cleaned up for a one-line message: control
 * characters become spaces, the length is capped. NULL if absent. */
static const char *member_text(oauth2_state *st,
                               const httpsrc_json *obj,
                               const char *name,
                               char *buf,
                               size_t size)
{
        const httpsrc_json *v = obj ? st->host->json_get(obj, name) : NULL;
        const char *s         = v ? st->host->json_string(v) : NULL;

        if (!s || !*s)
                return NULL;
        snprintf(buf, size, "%s", s);
        for (char *p = buf; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        *p = ' ';
        return buf;
}

/* The failure "token endpoint <url> returned HTTP <status>[: <reason>]",
 * the reason being @p why or the endpoint's error and error_description
 * (RFC 6749 section 5.2), scrubbed of the secret and the token. */
static int endpoint_error(oauth2_state *st,
                          int status,
                          const httpsrc_json *body,
                          const char *why)
{
        char err[MAX_REASON + 1], desc[MAX_REASON + 1];
        char raw[2 * MAX_REASON + 8] = "", once[sizeof(raw)],
                                  clean[sizeof(raw)];
        const char *e = member_text(st, body, "error", err, sizeof(err));
        const char *d =
            member_text(st, body, "error_description", desc, sizeof(desc));

        if (why)
                snprintf(raw, sizeof(raw), "%s", why);
        else if (e || d)
                snprintf(raw, sizeof(raw), "%s%s%s", e ? e : "",
                         e && d ? ": " : "", d ? d : "");
        copy_redacted(once, sizeof(once), raw, st->secret);
        copy_redacted(clean, sizeof(clean), once,
                      st->auth ? st->auth + sizeof(BEARER) - 1 : NULL);
        return st->host->set_error(
            st->ctx, HTTPSRC_ERR_AUTH, "token endpoint %s returned HTTP %d%s%s",
            st->shown_url, status, *clean ? ": " : "", clean);
}

/* Lifetime of the token in ms from expires_in (RFC 6749 section 5.1;
 * some servers send it as a string); 0 when absent or unusable. */
static int64_t lifetime_ms(oauth2_state *st, const httpsrc_json *root)
{
        const struct httpsrc_host_api *host = st->host;
        const httpsrc_json *v = host->json_get(root, "expires_in");
        char *text            = v ? host->json_scalar_text(v) : NULL;
        char *end;

        if (!text)
                return 0;
        double s = strtod(text, &end);
        int ok   = end != text && !*end && s >= 1 && s < 1e9;
        if (!ok)
                host->log(st->ctx, HTTPSRC_LOG_WARN,
                          "token endpoint %s returned expires_in '%.32s', not "
                          "a number of seconds: the token is kept until the "
                          "API answers 401",
                          st->shown_url, text);
        host->free(text);
        return ok ? (int64_t)(s * 1000) : 0;
}

static int store_token(oauth2_state *st, const char *token, int64_t life)
{
        const struct httpsrc_host_api *host = st->host;
        char *auth                          = concat(host, BEARER, token, NULL);

        if (!auth)
                return host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                       "out of memory");
        free_secret(host, &st->auth);
        st->auth = auth;
        if (!life) {
                st->refresh_at = NEVER;
                host->log(st->ctx, HTTPSRC_LOG_INFO,
                          "token obtained, no expiry given: kept until the "
                          "API answers 401");
                return HTTPSRC_OK;
        }
        /* A margin larger than the lifetime would ask for a new token on
         * every request. */
        int64_t margin = st->margin_ms < life / 2 ? st->margin_ms : life / 2;
        st->refresh_at = host->now_ms() + life - margin;
        host->log(st->ctx, HTTPSRC_LOG_INFO,
                  "token obtained, expires in %" PRId64 " s", life / 1000);
        return HTTPSRC_OK;
}

static int oauth2_own_response(void *state, const httpsrc_response *resp)
{
        oauth2_state *st                    = state;
        const struct httpsrc_host_api *host = st->host;
        int status                          = host->resp_status(resp);
        const httpsrc_json *root            = host->resp_json(resp);

        if (root && host->json_type(root) != HTTPSRC_JSON_OBJECT)
                root = NULL;
        if (status != 200)
                return endpoint_error(st, status, root, NULL);
        if (!root)
                return endpoint_error(st, status, NULL,
                                      "the body is not a JSON object");
        const httpsrc_json *v = host->json_get(root, st->property);
        const char *token     = v ? host->json_string(v) : NULL;
        char why[256];
        if (!token || !*token) {
                snprintf(why, sizeof(why), "no string member '%s'",
                         st->property);
                return endpoint_error(st, status, NULL, why);
        }
        if (strpbrk(token, "\r\n"))
                return endpoint_error(st, status, NULL,
                                      "the token contains line breaks");
        return store_token(st, token, lifetime_ms(st, root));
}

/* ------------------------------------------------------------------ */
/* Using the token                                                     */

static int oauth2_apply(void *state, httpsrc_request *req)
{
        oauth2_state *st = state;

        if (!st->auth)
                return st->host->set_error(st->ctx, HTTPSRC_ERR_STATE,
                                           "no access token: the host did "
                                           "not run the token request "
                                           "(own_request)");
        return st->host->req_set_header(req, "Authorization", st->auth);
}

/* 401: the token was revoked or expired early. Drop it; the host resends
 * once, and its own_request() fetches a new one first. */
static int
oauth2_on_response(void *state, const httpsrc_response *resp, int *retry)
{
        oauth2_state *st = state;

        if (st->host->resp_status(resp) != 401)
                return HTTPSRC_OK;
        if (st->auth)
                st->host->log(st->ctx, HTTPSRC_LOG_INFO,
                              "HTTP 401: dropping the token, requesting a "
                              "new one");
        free_secret(st->host, &st->auth);
        *retry = 1;
        return HTTPSRC_OK;
}

static const httpsrc_auth_ops oauth2_ops = {
    .struct_size  = sizeof(httpsrc_auth_ops),
    .name         = "OAUTH2",
    .description  = "OAuth2 client credentials (RFC 6749 4.4), bearer token",
    .params       = oauth2_params,
    .create       = oauth2_create,
    .apply        = oauth2_apply,
    .on_response  = oauth2_on_response,
    .destroy      = oauth2_destroy,
    .own_request  = oauth2_own_request,
    .own_response = oauth2_own_response,
};

static int oauth2_init(const struct httpsrc_host_api *host,
                       httpsrc_registrar *reg,
                       void **plugin_ctx,
                       char *errstr,
                       size_t errstr_size)
{
        static const void *const ops[] = {&oauth2_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_AUTH, ops);
}

HTTPSRC_PLUGIN_DEFINE("auth_oauth2",
                      "0.1.0",
                      "Auth provider OAUTH2",
                      oauth2_init,
                      plugin_host_fini)
