/* The conf object: an ordered list of key/value strings of one scope,
 * validated against the declared key table as keys are set. */
#include "conf_int.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "util_int.h"

struct conf_kv {
        char *key;
        char *value;
};

struct httpsrc_conf {
        int scope;
        struct conf_kv *kv; /* in the order first set */
        size_t cnt;
        size_t cap;
};

/* Longest key the "did you mean" suggestion compares. */
#define SUGGEST_MAX_LEN  128
#define SUGGEST_MAX_DIST 2

HTTPSRC_API const httpsrc_param_desc *httpsrc_conf_params(int scope)
{
        if (scope == HTTPSRC_SCOPE_CONNECTOR)
                return conf_connector_params;
        if (scope == HTTPSRC_SCOPE_WORKER)
                return conf_worker_params;
        return NULL;
}

HTTPSRC_API httpsrc_conf *httpsrc_conf_new(int scope)
{
        if (!httpsrc_conf_params(scope))
                return NULL;
        httpsrc_conf *conf = calloc(1, sizeof(*conf));
        if (conf)
                conf->scope = scope;
        return conf;
}

HTTPSRC_API void httpsrc_conf_destroy(httpsrc_conf *conf)
{
        if (!conf)
                return;
        for (size_t i = 0; i < conf->cnt; i++) {
                free(conf->kv[i].key);
                free(conf->kv[i].value);
        }
        free(conf->kv);
        free(conf);
}

static int conf_append(httpsrc_conf *conf, const char *key, const char *value)
{
        if (conf->cnt == conf->cap) {
                size_t cap         = conf->cap ? conf->cap * 2 : 16;
                struct conf_kv *kv = realloc(conf->kv, cap * sizeof(*kv));
                if (!kv)
                        return -1;
                conf->kv  = kv;
                conf->cap = cap;
        }
        char *k = strdup(key);
        char *v = strdup(value);
        if (!k || !v) {
                free(k);
                free(v);
                return -1;
        }
        conf->kv[conf->cnt].key   = k;
        conf->kv[conf->cnt].value = v;
        conf->cnt++;
        return 0;
}

HTTPSRC_API httpsrc_conf *httpsrc_conf_dup(const httpsrc_conf *conf)
{
        if (!conf)
                return NULL;
        httpsrc_conf *dup = httpsrc_conf_new(conf->scope);
        if (!dup)
                return NULL;
        for (size_t i = 0; i < conf->cnt; i++) {
                if (conf_append(dup, conf->kv[i].key, conf->kv[i].value)) {
                        httpsrc_conf_destroy(dup);
                        return NULL;
                }
        }
        return dup;
}

void conf_swap(httpsrc_conf *a, httpsrc_conf *b)
{
        httpsrc_conf tmp = *a;
        *a               = *b;
        *b               = tmp;
}

static struct conf_kv *conf_find(const httpsrc_conf *conf, const char *key)
{
        for (size_t i = 0; i < conf->cnt; i++)
                if (!strcmp(conf->kv[i].key, key))
                        return &conf->kv[i];
        return NULL;
}

static void conf_remove(httpsrc_conf *conf, const char *key)
{
        struct conf_kv *kv = conf_find(conf, key);
        if (!kv)
                return;
        free(kv->key);
        free(kv->value);
        size_t i = (size_t)(kv - conf->kv);
        memmove(kv, kv + 1, (conf->cnt - i - 1) * sizeof(*kv));
        conf->cnt--;
}

static int conf_store(httpsrc_conf *conf, const char *key, const char *value)
{
        struct conf_kv *kv = conf_find(conf, key);
        if (!kv)
                return conf_append(conf, key, value);
        char *v = strdup(value);
        if (!v)
                return -1;
        free(kv->value);
        kv->value = v;
        return 0;
}

static size_t min3(size_t a, size_t b, size_t c)
{
        size_t m = a < b ? a : b;
        return m < c ? m : c;
}

/* Levenshtein distance; SIZE_MAX when a string is too long to compare. */
static size_t edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
                return SIZE_MAX;
        size_t prev[SUGGEST_MAX_LEN + 1], cur[SUGGEST_MAX_LEN + 1];
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++)
                        cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
                                      prev[j - 1] + (a[i - 1] != b[j - 1]));
                memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
        }
        return prev[lb];
}

static const char *suggest_key(const httpsrc_param_desc *params,
                               const char *key)
{
        const char *best = NULL;
        size_t best_dist = SUGGEST_MAX_DIST + 1;
        for (; params->name; params++) {
                size_t d = edit_distance(key, params->name);
                if (d < best_dist) {
                        best      = params->name;
                        best_dist = d;
                }
        }
        return best;
}

static httpsrc_conf_res unknown_key(const httpsrc_conf *conf,
                                    const char *key,
                                    char *errstr,
                                    size_t errstr_size)
{
        const char *hint = suggest_key(httpsrc_conf_params(conf->scope), key);
        if (hint)
                errstr_set(errstr, errstr_size,
                           "%s: unknown configuration key (did you mean "
                           "'%s'?)",
                           key, hint);
        else
                errstr_set(errstr, errstr_size, "%s: unknown configuration key",
                           key);
        return HTTPSRC_CONF_UNKNOWN;
}

HTTPSRC_API httpsrc_conf_res httpsrc_conf_set(httpsrc_conf *conf,
                                              const char *key,
                                              const char *value,
                                              char *errstr,
                                              size_t errstr_size)
{
        if (!conf || !key) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: conf and key are required");
                return HTTPSRC_CONF_INVALID;
        }
        const httpsrc_param_desc *d =
            conf_param_find(httpsrc_conf_params(conf->scope), key);
        if (!d && !conf_is_deferred_key(conf->scope, key))
                return unknown_key(conf, key, errstr, errstr_size);
        if (!value) {
                conf_remove(conf, key);
                return HTTPSRC_CONF_OK;
        }
        if (d && conf_param_validate(d, key, value, errstr, errstr_size))
                return HTTPSRC_CONF_INVALID;
        if (conf_store(conf, key, value)) {
                errstr_set(errstr, errstr_size, "%s: out of memory", key);
                return HTTPSRC_CONF_INVALID;
        }
        return HTTPSRC_CONF_OK;
}

const char *conf_get_set(const httpsrc_conf *conf, const char *key)
{
        if (!conf || !key)
                return NULL;
        const struct conf_kv *kv = conf_find(conf, key);
        return kv ? kv->value : NULL;
}

HTTPSRC_API const char *httpsrc_conf_get(const httpsrc_conf *conf,
                                         const char *key)
{
        const char *v = conf_get_set(conf, key);
        if (v || !conf)
                return v;
        const httpsrc_param_desc *d =
            conf_param_find(httpsrc_conf_params(conf->scope), key);
        return d ? d->default_value : NULL;
}

HTTPSRC_API size_t httpsrc_conf_count(const httpsrc_conf *conf)
{
        return conf ? conf->cnt : 0;
}

HTTPSRC_API int httpsrc_conf_at(const httpsrc_conf *conf,
                                size_t i,
                                const char **key,
                                const char **value)
{
        if (!conf || i >= conf->cnt)
                return HTTPSRC_ERR_NOENT;
        if (key)
                *key = conf->kv[i].key;
        if (value)
                *value = conf->kv[i].value;
        return HTTPSRC_OK;
}

int conf_scope(const httpsrc_conf *conf)
{
        return conf->scope;
}

int64_t conf_get_int(const httpsrc_conf *conf, const char *key, int64_t dflt)
{
        const char *v = httpsrc_conf_get(conf, key);
        if (!v || !*v)
                return dflt;
        char *end;
        long long n = strtoll(v, &end, 10);
        return *end ? dflt : (int64_t)n;
}

int conf_get_bool(const httpsrc_conf *conf, const char *key, int dflt)
{
        const char *v = httpsrc_conf_get(conf, key);
        if (strcaseeq(v, "true"))
                return 1;
        if (strcaseeq(v, "false"))
                return 0;
        return dflt;
}

/* Appends "<key>: <reason>" (with the value when given) to the "; "-joined
 * list of problems; -1 on ENOMEM. */
static int
add_problem(strbuf *sb, const char *key, const char *value, const char *reason)
{
        if (sb->len && sb_puts(sb, "; "))
                return -1;
        if (value)
                return sb_printf(sb, "%s: invalid value '%s': %s", key, value,
                                 reason);
        return sb_printf(sb, "%s: %s", key, reason);
}

static int is_http_url(const char *url)
{
        CURLU *h = curl_url();
        if (!h)
                return -1;
        char *scheme = NULL;
        int ok       = curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
                 curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                 (strcaseeq(scheme, "http") || strcaseeq(scheme, "https"));
        curl_free(scheme);
        curl_url_cleanup(h);
        return ok;
}

static int check_required(const httpsrc_conf *conf, strbuf *sb)
{
        const httpsrc_param_desc *d = httpsrc_conf_params(conf->scope);
        for (; d->name; d++) {
                if (!(d->flags & HTTPSRC_PARAM_F_REQUIRED))
                        continue;
                const char *v = conf_get_set(conf, d->name);
                if (v && *v)
                        continue;
                if (add_problem(sb, d->name, NULL,
                                v ? "must not be empty"
                                  : "required key is missing"))
                        return -1;
        }
        return 0;
}

static int check_connector(const httpsrc_conf *conf, strbuf *sb)
{
        const char *url = conf_get_set(conf, "http.url");
        if (url && *url && !strstr(url, "${")) {
                int ok = is_http_url(url);
                if (ok < 0)
                        return -1;
                if (!ok && add_problem(sb, "http.url", url,
                                       "not an absolute http(s) URL"))
                        return -1;
        }
        if (conf_get_set(conf, "http.request.body") &&
            strcaseeq(httpsrc_conf_get(conf, "http.method"), "GET") &&
            add_problem(sb, "http.request.body", NULL,
                        "only allowed with http.method=POST"))
                return -1;
        return 0;
}

HTTPSRC_API int
httpsrc_conf_check(const httpsrc_conf *conf, char *errstr, size_t errstr_size)
{
        if (!conf) {
                errstr_set(errstr, errstr_size, "invalid argument: no conf");
                return HTTPSRC_ERR_INVAL;
        }
        strbuf sb = {0};
        int rc    = check_required(conf, &sb);
        if (!rc && conf->scope == HTTPSRC_SCOPE_CONNECTOR)
                rc = check_connector(conf, &sb);
        if (rc) {
                sb_free(&sb);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        rc = sb.len ? HTTPSRC_ERR_INVAL : HTTPSRC_OK;
        if (sb.len)
                errstr_set(errstr, errstr_size, "%s", sb.buf);
        sb_free(&sb);
        return rc;
}
