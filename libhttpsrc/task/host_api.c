/* The services table handed to plugins: thin adapters over the modules,
 * so plugins link none of libcurl, librdkafka or yajl. */
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "jsonpath_int.h"
#include "record_int.h"
#include "task_int.h"

static void h_log(httpsrc_ctx *ctx, int level, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        task_vlog(ctx, level, fmt, ap);
        va_end(ap);
}

static int h_set_error(httpsrc_ctx *ctx, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        code = task_vset_error(ctx, code, fmt, ap);
        va_end(ap);
        return code;
}

static void *h_alloc(size_t size)
{
        return malloc(size);
}

static void *h_realloc(void *ptr, size_t size)
{
        return realloc(ptr, size);
}

static void h_free(void *ptr)
{
        free(ptr);
}

static char *h_strdup(const char *s)
{
        return xstrdup(s);
}

static const httpsrc_json *h_json_query(const httpsrc_json *root,
                                        const char *path)
{
        jsonpath *p           = jsonpath_compile(path, NULL, 0);
        const httpsrc_json *v = p ? jsonpath_first(p, root) : NULL;
        jsonpath_destroy(p);
        return v;
}

/* A raw scalar as text, when no unescaping is needed; else -1. */
static int raw_scalar(const char *raw, size_t len, char **text)
{
        *text = NULL;
        if (raw[0] == '{' || raw[0] == '[' ||
            (len == 4 && !memcmp(raw, "null", 4)))
                return 0;
        if (raw[0] == '"') {
                if (len < 2 || memchr(raw, '\\', len))
                        return -1;
                raw++;
                len -= 2;
        }
        *text = xstrndup(raw, len);
        return *text ? 1 : HTTPSRC_ERR_NOMEM;
}

static int
h_resp_query_text(const httpsrc_response *resp, const char *path, char **text)
{
        *text       = NULL;
        jsonpath *p = jsonpath_compile(path, NULL, 0);
        if (!p)
                return HTTPSRC_ERR_INVAL;
        size_t len, rlen;
        const char *body = http_response_body(resp, &len), *raw;
        int rc           = jsonpath_raw_first_indexed(
                      p, body, len, http_response_root_index(resp), &raw, &rlen);
        if (rc == 1)
                rc = raw_scalar(raw, rlen, text);
        if (rc < 0 && rc != HTTPSRC_ERR_NOMEM) { /* the tree decides */
                const httpsrc_json *root = http_response_json(resp);
                *text = root ? json_scalar_text(jsonpath_first(p, root)) : NULL;
                rc    = !root ? HTTPSRC_ERR_PARSE : *text ? 1 : 0;
        }
        jsonpath_destroy(p);
        return rc;
}

/* The type of a validated raw JSON value, from its first byte. */
static int raw_type(const char *raw)
{
        switch (raw[0]) {
        case 'n':
                return HTTPSRC_JSON_NULL;
        case 't':
        case 'f':
                return HTTPSRC_JSON_BOOL;
        case '"':
                return HTTPSRC_JSON_STRING;
        case '[':
                return HTTPSRC_JSON_ARRAY;
        case '{':
                return HTTPSRC_JSON_OBJECT;
        default:
                return HTTPSRC_JSON_NUMBER;
        }
}

/* Paginators ask it on the last page of every poll (is the next key
 * missing, null or an object?): a tree of the whole page cost 17 M
 * instructions for 1000 records, the root index a lookup. Only a body the
 * page's selection validated (its root index done) is read raw, and only
 * where the raw answer is the tree's (jsonpath_raw_member_once). */
static int h_resp_query_type(const httpsrc_response *resp, const char *path)
{
        jsonpath *p = jsonpath_compile(path, NULL, 0);
        if (!p)
                return HTTPSRC_ERR_INVAL;
        size_t rlen;
        const char *body = http_response_body(resp, NULL), *raw;
        int rc           = jsonpath_raw_member_once(
            p, body, http_response_root_index(resp), &raw, &rlen);
        if (rc == 1)
                rc = raw_type(raw);
        else if (rc == 0)
                rc = HTTPSRC_ERR_NOENT;
        else { /* the tree decides */
                const httpsrc_json *root = http_response_json(resp);
                const httpsrc_json *v = root ? jsonpath_first(p, root) : NULL;
                rc = !root ? HTTPSRC_ERR_PARSE
                     : v   ? (int)json_type(v)
                           : HTTPSRC_ERR_NOENT;
        }
        jsonpath_destroy(p);
        return rc;
}

static int h_emit(httpsrc_emitter *em,
                  const void *key,
                  size_t key_len,
                  const void *value,
                  size_t value_len)
{
        return task_emit(em, key, key_len, value, value_len);
}

static int64_t h_now_ms(void)
{
        return wall_ms();
}

static char *h_url_resolve(const char *base, const char *ref)
{
        CURLU *u  = curl_url();
        char *out = NULL, *res = NULL;
        if (u && base && ref &&
            curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
            curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
                res = xstrdup(out); /* plugins free with host->free */
        curl_free(out);
        curl_url_cleanup(u);
        return res;
}

static char *h_url_encode(const char *s)
{
        char *e   = s ? curl_easy_escape(NULL, s, (int)strlen(s)) : NULL;
        char *res = xstrdup(e);
        curl_free(e);
        return res;
}

static const struct httpsrc_host_api host_api = {
    .struct_size        = sizeof(struct httpsrc_host_api),
    .abi_major          = HTTPSRC_PLUGIN_ABI_MAJOR,
    .abi_minor          = HTTPSRC_PLUGIN_ABI_MINOR,
    .register_component = NULL, /* the plugin registry fills it in */
    .log                = h_log,
    .set_error          = h_set_error,
    .alloc              = h_alloc,
    .realloc            = h_realloc,
    .free               = h_free,
    .strdup             = h_strdup,
    .conf_get           = task_conf_get,
    .req_get_method     = http_request_method,
    .req_set_method     = http_request_set_method,
    .req_get_url        = http_request_url,
    .req_set_url        = http_request_set_url,
    .req_set_query      = http_request_set_query,
    .req_set_header     = http_request_set_header,
    .req_get_body       = http_request_body,
    .req_set_body       = http_request_set_body,
    .resp_status        = http_response_status,
    .resp_header        = http_response_header,
    .resp_body          = http_response_body,
    .resp_json          = http_response_json,
    .resp_url           = http_response_url,
    .json_parse         = json_parse,
    .json_destroy       = json_destroy,
    .json_type          = json_type,
    .json_get           = json_get,
    .json_at            = json_at,
    .json_key_at        = json_key_at,
    .json_len           = json_len,
    .json_string        = json_string,
    .json_number_text   = json_number_text,
    .json_bool          = json_bool,
    .json_query         = h_json_query,
    .json_serialize     = json_serialize,
    .json_scalar_text   = json_scalar_text,
    .json_new_object    = json_new_object,
    .json_object_put    = json_object_put,
    .json_clone         = json_clone,
    .json_new_string    = json_new_string,
    .rec_value          = record_value,
    .rec_key            = record_key,
    .rec_value_json     = record_value_json,
    .rec_set_value      = record_set_value,
    .rec_set_key        = record_set_key,
    .rec_set_key_json   = record_set_key_json,
    .rec_set_value_json = record_set_value_json,
    .rec_topic          = record_topic,
    .rec_set_topic      = record_set_topic,
    .emit               = h_emit,
    .now_ms             = h_now_ms,
    .url_resolve        = h_url_resolve,
    .url_encode         = h_url_encode,
    .json_new_number    = json_new_number,
    .json_new_bool      = json_new_bool,
    .json_new_null      = json_new_null,
    .json_new_array     = json_new_array,
    .json_array_push    = json_array_push,
    .rec_timestamp      = record_timestamp,
    .rec_set_timestamp  = record_set_timestamp,
    .rec_value_member   = record_value_member,
    .resp_query_text    = h_resp_query_text,
    .wipe               = mem_wipe,
    .base64             = base64_new,
    .resp_query_type    = h_resp_query_type,
};

const struct httpsrc_host_api *host_api_table(void)
{
        return &host_api;
}
