/* The fake host of fake_host.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "fake_host.h"
#include "json_int.h"
#include "jsonpath_int.h"
#include "util_int.h"

struct fake_logged logged;
int64_t fake_now_ms;

static void fake_log(httpsrc_ctx *ctx, int level, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
static void fake_log(httpsrc_ctx *ctx, int level, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(logged.msg, sizeof(logged.msg), fmt, ap);
        va_end(ap);
        logged.level = level;
        logged.n++;
        size_t len = strlen(logged.all);
        snprintf(logged.all + len, sizeof(logged.all) - len, "%s\n",
                 logged.msg);
}

void fake_log_reset(void)
{
        memset(&logged, 0, sizeof(logged));
}

static int fake_set_error(httpsrc_ctx *ctx, int code, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
static int fake_set_error(httpsrc_ctx *ctx, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
        va_end(ap);
        ctx->err_code = code;
        return code;
}

static void *fake_alloc(size_t n)
{
        return malloc(n);
}

static void *fake_realloc(void *p, size_t n)
{
        return realloc(p, n);
}

static void fake_free(void *p)
{
        free(p);
}

static char *fake_strdup(const char *s)
{
        return strdup(s);
}

/* Only what the test set: declared defaults are the plugin's business. */
static const char *fake_conf_get(httpsrc_ctx *ctx, const char *key)
{
        for (const char *const *kv = ctx->conf; kv && kv[0]; kv += 2)
                if (!strcmp(kv[0], key))
                        return kv[1];
        return NULL;
}

/* ------------------------------------------------------------------ */
/* Requests (real) and responses (hand-made)                           */

httpsrc_request *fake_req(const char *url)
{
        httpsrc_request *req = http_request_new();
        assert_non_null(req);
        assert_int_equal(http_request_set_url(req, url), HTTPSRC_OK);
        return req;
}

const char *fake_req_body(const httpsrc_request *req)
{
        size_t len;
        const char *body = http_request_body(req, &len);
        if (!body)
                return "";
        assert_int_equal(strlen(body), len); /* no NUL inside */
        return body;
}

httpsrc_response fake_resp(int status, const char *url, const char *body)
{
        httpsrc_response r = {.status = status, .url = url, .body = body};
        if (body)
                r.json = json_parse(body, strlen(body), NULL, 0);
        return r;
}

void fake_resp_header(httpsrc_response *resp,
                      const char *name,
                      const char *value)
{
        assert_true(resp->n_headers < FAKE_MAX_HEADERS);
        resp->headers[resp->n_headers][0] = name;
        resp->headers[resp->n_headers][1] = value;
        resp->n_headers++;
}

void fake_resp_free(httpsrc_response *resp)
{
        json_destroy(resp->json);
        memset(resp, 0, sizeof(*resp));
}

static int fake_resp_status(const httpsrc_response *resp)
{
        return resp->status;
}

/* The first header of that name, as the real host's. */
static const char *fake_resp_header_get(const httpsrc_response *resp,
                                        const char *name)
{
        for (int i = 0; i < resp->n_headers; i++)
                if (!strcasecmp(resp->headers[i][0], name))
                        return resp->headers[i][1];
        return NULL;
}

static const void *fake_resp_body(const httpsrc_response *resp, size_t *len)
{
        const char *b = resp->body ? resp->body : "";
        if (len)
                *len = strlen(b);
        return b;
}

static const httpsrc_json *fake_resp_json(const httpsrc_response *resp)
{
        return resp->json;
}

static const char *fake_resp_url(const httpsrc_response *resp)
{
        return resp->url;
}

/* ------------------------------------------------------------------ */
/* JSON, records, clock, URLs                                          */

static const httpsrc_json *fake_json_query(const httpsrc_json *root,
                                           const char *path)
{
        jsonpath *p           = jsonpath_compile(path, NULL, 0);
        const httpsrc_json *v = p ? jsonpath_first(p, root) : NULL;
        jsonpath_destroy(p);
        return v;
}

static const httpsrc_json *fake_rec_value_json(httpsrc_record *rec)
{
        if (!rec->value_json)
                rec->value_json =
                    json_parse(rec->value, strlen(rec->value), NULL, 0);
        return rec->value_json;
}

static int fake_rec_set_key_json(httpsrc_record *rec, const httpsrc_json *key)
{
        free(rec->key);
        rec->key = json_serialize(key, NULL);
        return rec->key ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

void fake_rec_free(httpsrc_record *rec)
{
        json_destroy(rec->value_json);
        free(rec->key);
        memset(rec, 0, sizeof(*rec));
}

static int64_t fake_now(void)
{
        return fake_now_ms;
}

/* As the real host (host_api.c): curl's RFC 3986 resolution. */
static char *fake_url_resolve(const char *base, const char *ref)
{
        CURLU *u  = curl_url();
        char *out = NULL, *res = NULL;
        if (u && base && ref &&
            curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
            curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
                res = strdup(out);
        curl_free(out);
        curl_url_cleanup(u);
        return res;
}

static char *fake_url_encode(const char *s)
{
        char *e   = s ? curl_easy_escape(NULL, s, (int)strlen(s)) : NULL;
        char *res = e ? strdup(e) : NULL;
        curl_free(e);
        return res;
}

const struct httpsrc_host_api fake_host = {
    .struct_size      = sizeof(struct httpsrc_host_api),
    .abi_major        = HTTPSRC_PLUGIN_ABI_MAJOR,
    .abi_minor        = HTTPSRC_PLUGIN_ABI_MINOR,
    .wipe             = mem_wipe,
    .base64           = base64_new,
    .log              = fake_log,
    .set_error        = fake_set_error,
    .alloc            = fake_alloc,
    .realloc          = fake_realloc,
    .free             = fake_free,
    .strdup           = fake_strdup,
    .conf_get         = fake_conf_get,
    .req_get_method   = http_request_method,
    .req_set_method   = http_request_set_method,
    .req_get_url      = http_request_url,
    .req_set_url      = http_request_set_url,
    .req_set_query    = http_request_set_query,
    .req_set_header   = http_request_set_header,
    .req_get_body     = http_request_body,
    .req_set_body     = http_request_set_body,
    .resp_status      = fake_resp_status,
    .resp_header      = fake_resp_header_get,
    .resp_body        = fake_resp_body,
    .resp_json        = fake_resp_json,
    .resp_url         = fake_resp_url,
    .json_parse       = json_parse,
    .json_destroy     = json_destroy,
    .json_type        = json_type,
    .json_get         = json_get,
    .json_at          = json_at,
    .json_key_at      = json_key_at,
    .json_len         = json_len,
    .json_string      = json_string,
    .json_number_text = json_number_text,
    .json_bool        = json_bool,
    .json_query       = fake_json_query,
    .json_serialize   = json_serialize,
    .json_scalar_text = json_scalar_text,
    .json_new_object  = json_new_object,
    .json_object_put  = json_object_put,
    .json_clone       = json_clone,
    .json_new_string  = json_new_string,
    .rec_value_json   = fake_rec_value_json,
    .rec_set_key_json = fake_rec_set_key_json,
    .now_ms           = fake_now,
    .url_resolve      = fake_url_resolve,
    .url_encode       = fake_url_encode,
    .json_new_number  = json_new_number,
    .json_new_bool    = json_new_bool,
    .json_new_null    = json_new_null,
    .json_new_array   = json_new_array,
    .json_array_push  = json_array_push,
};

/* ------------------------------------------------------------------ */
/* Instances                                                           */

const char *fake_builtin(const char *name)
{
        static char buf[4096];
        const char *dir = getenv("HTTPSRC_PLUGIN_PATH");
        assert_non_null(dir); /* set by meson test */
        snprintf(buf, sizeof(buf), "%s/httpsrc-%s.so", dir, name);
        return buf;
}

int instance_new(instance *in,
                 const char *file,
                 int kind,
                 const char *name,
                 const char *const *conf)
{
        return instance_new_with(in, &fake_host, file, kind, name, conf);
}

int instance_new_with(instance *in,
                      const struct httpsrc_host_api *host,
                      const char *file,
                      int kind,
                      const char *name,
                      const char *const *conf)
{
        char err[2048] = "";

        memset(in, 0, sizeof(*in));
        in->r            = plugin_registry_new(host);
        const char *path = strchr(file, '/') ? file : fake_builtin(file);
        assert_int_equal(plugin_registry_load(in->r, path, err, sizeof(err)),
                         0);
        in->c = plugin_registry_find(in->r, kind, name);
        assert_non_null(in->c);
        in->ctx.conf = conf;
        void *pctx   = in->c->plugin_ctx;
        switch (kind) {
        case HTTPSRC_KIND_AUTH:
                return in->c->ops.auth.create(&in->ctx, pctx, &in->state);
        case HTTPSRC_KIND_PAGINATOR:
                return in->c->ops.paginator.create(&in->ctx, pctx, &in->state);
        default:
                return in->c->ops.transform.create(&in->ctx, pctx, &in->state);
        }
}

void instance_free(instance *in, int created)
{
        if (created) {
                switch (in->c->kind) {
                case HTTPSRC_KIND_AUTH:
                        in->c->ops.auth.destroy(in->state);
                        break;
                case HTTPSRC_KIND_PAGINATOR:
                        in->c->ops.paginator.destroy(in->state);
                        break;
                default:
                        in->c->ops.transform.destroy(in->state);
                }
        }
        plugin_registry_destroy(in->r);
}
