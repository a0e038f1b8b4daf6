/* The conf object: an ordered list of key/value strings of one scope,
 * validated against the declared key table as keys are set. */
#include "conf_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "util_int.h"

struct httpsrc_conf {
        int scope;
        kvlist kv; /* in the order first set; values never NULL */
};

/* Longest key the "did you mean" suggestion compares. */
#define SUGGEST_MAX_LEN  128
#define SUGGEST_MAX_DIST 2

HTTPSRC_API const httpsrc_param_desc *
httpsrc_conf_params(httpsrc_conf_scope scope)
{
        if (scope == HTTPSRC_SCOPE_CONNECTOR)
                return conf_connector_params;
        if (scope == HTTPSRC_SCOPE_WORKER)
                return conf_worker_params;
        return NULL;
}

HTTPSRC_API httpsrc_conf *httpsrc_conf_new(httpsrc_conf_scope scope)
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
        kvl_free(&conf->kv);
        free(conf);
}

HTTPSRC_API httpsrc_conf *httpsrc_conf_dup(const httpsrc_conf *conf)
{
        if (!conf)
                return NULL;
        httpsrc_conf *dup = httpsrc_conf_new(conf->scope);
        if (!dup)
                return NULL;
        for (size_t i = 0; i < conf->kv.n; i++) {
                if (kvl_add(&dup->kv, conf->kv.v[i].key, conf->kv.v[i].value)) {
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

static void conf_remove(httpsrc_conf *conf, const char *key)
{
        kvl_set(&conf->kv, key, NULL); /* a removal needs no memory */
}

static int conf_store(httpsrc_conf *conf, const char *key, const char *value)
{
        return kvl_set(&conf->kv, key, value);
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

/* A key that ends in ".<key>" ("topic" -> "kafka.topic"). */
static const char *suffix_match(const httpsrc_param_desc *params,
                                const char *key)
{
        size_t kl = strlen(key);
        for (; params->name; params++) {
                size_t nl = strlen(params->name);
                if (nl > kl && params->name[nl - kl - 1] == '.' &&
                    !strcmp(params->name + nl - kl, key))
                        return params->name;
        }
        return NULL;
}

const char *conf_suggest_key(const httpsrc_param_desc *params, const char *key)
{
        const char *best = NULL;
        size_t best_dist = SUGGEST_MAX_DIST + 1;
        if (!params)
                return NULL;
        for (const httpsrc_param_desc *d = params; d->name; d++) {
                size_t dist = edit_distance(key, d->name);
                if (dist < best_dist) {
                        best      = d->name;
                        best_dist = dist;
                }
        }
        return best ? best : suffix_match(params, key);
}

static httpsrc_conf_res unknown_key(const httpsrc_conf *conf,
                                    const char *key,
                                    char *errstr,
                                    size_t errstr_size)
{
        const char *hint =
            conf_suggest_key(httpsrc_conf_params(conf->scope), key);
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

/* ---- Confluent HTTP Source keys ----
 *
 * Confluent's own key names are accepted so that its connector configs run
 * unchanged. Each is rewritten into its canonical key when set: the conf
 * never holds an alias, so get/at and every reader see canonical keys. */

/* Fills @p out with the canonical value of @p value; on error writes what
 * follows "<alias>: " into @p msg. Returns HTTPSRC_OK, _ERR_INVAL or
 * _ERR_NOMEM. */
typedef int (*alias_map_fn)(const char *value,
                            strbuf *out,
                            char *msg,
                            size_t msg_size);

struct conf_alias {
        const char *alias;
        const char *canonical;
        alias_map_fn map; /* NULL: the value as is */
        /* The mapping needs the literal value: a ${...} placeholder
         * resolved later would skip it. */
        int literal_only;
        /* Also set when the alias is set: what the alias implies. */
        const char *also_key;
        const char *also_value;
};

static int
bad_value(char *msg, size_t size, const char *value, const char *reason)
{
        errstr_set(msg, size, "invalid value '%s': %s", value, reason);
        return HTTPSRC_ERR_INVAL;
}

static int map_status(int failed)
{
        return failed ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

/* "A: b|C: d" -> "A: b, C: d" */
static int map_headers(const char *value, strbuf *out, char *msg, size_t size)
{
        char *copy = xstrdup(value);
        if (!copy)
                return HTTPSRC_ERR_NOMEM;
        int rc     = HTTPSRC_OK;
        unsigned n = 0;
        for (char *save = NULL, *item = strtok_r(copy, "|", &save); item && !rc;
             item = strtok_r(NULL, "|", &save)) {
                item = strtrim(item);
                if (!*item)
                        continue;
                n++;
                if ((!strchr(item, ':') || *item == ':') &&
                    !strstr(item, "${")) {
                        /* Not even the bad item: "Authorization Bearer
                         * x" would print its token. */
                        errstr_set(msg, size, "header %u is not 'Name: value'",
                                   n);
                        rc = HTTPSRC_ERR_INVAL;
                        break;
                }
                rc = map_status((out->len && sb_puts(out, ", ")) ||
                                sb_puts(out, item));
        }
        free(copy);
        return rc ? rc : map_status(sb_append(out, "", 0));
}

static int map_topic(const char *value, strbuf *out, char *msg, size_t size)
{
        if (strstr(value, "${entityName}")) {
                errstr_set(msg, size, "entity names are not supported");
                return HTTPSRC_ERR_INVAL;
        }
        return map_status(sb_puts(out, value) || sb_append(out, "", 0));
}

static int is_pointer_index(const char *tok, size_t len)
{
        if (!len || len > 18 || (tok[0] == '0' && len > 1))
                return 0; /* RFC 6901: "0" or no leading zero */
        for (size_t i = 0; i < len; i++)
                if (tok[i] < '0' || tok[i] > '9')
                        return 0;
        return 1;
}

static int is_identifier(const char *tok, size_t len)
{
        if (!len || !(isalpha((unsigned char)tok[0]) || tok[0] == '_'))
                return 0;
        for (size_t i = 1; i < len; i++)
                if (!isalnum((unsigned char)tok[i]) && tok[i] != '_')
                        return 0;
        return 1;
}

/* One reference token as a JSONPath segment: [N], .name or ['name']. */
static int put_segment(strbuf *out, const char *tok, size_t len)
{
        if (is_pointer_index(tok, len))
                return sb_printf(out, "[%.*s]", (int)len, tok);
        if (is_identifier(tok, len))
                return sb_printf(out, ".%.*s", (int)len, tok);
        if (sb_puts(out, "['"))
                return -1;
        for (size_t i = 0; i < len; i++)
                if (((tok[i] == '\'' || tok[i] == '\\') &&
                     sb_putc(out, '\\')) ||
                    sb_putc(out, tok[i]))
                        return -1;
        return sb_puts(out, "']");
}

/* Decodes the token starting at p (RFC 6901 ~0 ~1) into tok; returns the
 * end of the token, or NULL for a bad escape. */
static const char *pointer_token(const char *p, strbuf *tok, int *nomem)
{
        sb_reset(tok);
        for (; *p && *p != '/'; p++) {
                char c = *p;
                if (c == '~') {
                        if (p[1] != '0' && p[1] != '1')
                                return NULL;
                        c = *++p == '0' ? '~' : '/';
                }
                if (sb_putc(tok, c)) {
                        *nomem = 1;
                        return NULL;
                }
        }
        return p;
}

/* JSON Pointer (RFC 6901) -> JSONPath: "" and "/" -> "$", "/a/0" ->
 * "$.a[0]", "/a b/c~1d" -> "$['a b']['c/d']". */
static int map_pointer(const char *value, strbuf *out, char *msg, size_t size)
{
        if (!*value || !strcmp(value, "/"))
                return map_status(sb_puts(out, "$"));
        if (*value != '/')
                return bad_value(msg, size, value,
                                 "a JSON Pointer is empty or starts with '/'");
        strbuf tok = {0};
        int nomem  = sb_putc(out, '$');
        for (const char *p = value; !nomem && *p == '/';) {
                p = pointer_token(p + 1, &tok, &nomem);
                if (!p && !nomem) {
                        sb_free(&tok);
                        return bad_value(msg, size, value,
                                         "'~' must be followed by 0 or 1");
                }
                if (p && put_segment(out, tok.buf ? tok.buf : "", tok.len))
                        nomem = 1;
        }
        sb_free(&tok);
        return map_status(nomem);
}

/* Confluent's open range "400-" means 400 and above. */
static int
map_status_codes(const char *value, strbuf *out, char *msg, size_t size)
{
        (void)msg;
        (void)size;
        char *copy = xstrdup(value);
        if (!copy)
                return HTTPSRC_ERR_NOMEM;
        int nomem = 0;
        for (char *save = NULL, *item = strtok_r(copy, ",", &save);
             item && !nomem; item = strtok_r(NULL, ",", &save)) {
                item = strtrim(item);
                if (!*item)
                        continue;
                size_t n = strlen(item);
                nomem = (out->len && sb_putc(out, ',')) || sb_puts(out, item) ||
                        (item[n - 1] == '-' && sb_puts(out, "599"));
        }
        free(copy);
        return map_status(nomem || sb_append(out, "", 0));
}

static int map_auth_type(const char *value, strbuf *out, char *msg, size_t size)
{
        static const char *const types[] = {"none", "basic", "oauth2", "bearer",
                                            NULL};
        for (const char *const *t = types; *t; t++) {
                if (!strcaseeq(value, *t))
                        continue;
                for (const char *c = *t; *c; c++)
                        if (sb_putc(out, (char)toupper((unsigned char)*c)))
                                return HTTPSRC_ERR_NOMEM;
                return HTTPSRC_OK;
        }
        return bad_value(msg, size, value,
                         "must be one of none, basic, oauth2, bearer");
}

/* Java's SSL endpoint identification: "https" checks the host name. */
static int
map_endpoint_algorithm(const char *value, strbuf *out, char *msg, size_t size)
{
        if (!*value)
                return map_status(sb_puts(out, "false"));
        if (strcaseeq(value, "https"))
                return map_status(sb_puts(out, "true"));
        return bad_value(msg, size, value, "must be https or empty");
}

/* Designated initializers: -Wextra flags partly positional ones. */
#define ALIAS(a, c)                                                            \
        {                                                                      \
                .alias = (a), .canonical = (c)                                 \
        }
#define ALIAS_MAP(a, c, fn)                                                    \
        {                                                                      \
                .alias = (a), .canonical = (c), .map = (fn), .literal_only = 1 \
        }
#define ALIAS_SSL(a, c)                                                        \
        {                                                                      \
                .alias = (a), .canonical = (c),                                \
                .also_key = "http.ssl.enabled", .also_value = "true"           \
        }

static const struct conf_alias conf_aliases[] = {
    ALIAS("url", "http.url"),
    ALIAS("http.request.method", "http.method"),
    {.alias     = "http.request.headers",
     .canonical = "http.headers",
     .map       = map_headers},
    {.alias     = "topic.name.pattern",
     .canonical = "kafka.topic",
     .map       = map_topic},
    {.alias        = "http.response.data.json.pointer",
     .canonical    = "http.response.records.path",
     .map          = map_pointer,
     .literal_only = 1,
     .also_key     = "http.response.records.expand",
     .also_value   = "true"},
    ALIAS_MAP("http.offset.json.pointer", "http.offset.field", map_pointer),
    ALIAS_MAP("http.next.page.json.pointer",
              "http.pagination.cursor.path",
              map_pointer),
    ALIAS("request.interval.ms", "http.timer.interval.ms"),
    ALIAS("max.retries", "http.retry.max.attempts"),
    ALIAS("retry.backoff.ms", "http.retry.backoff.ms"),
    ALIAS_MAP(
        "retry.on.status.codes", "http.response.error.codes", map_status_codes),
    ALIAS_MAP("auth.type", "http.auth.type", map_auth_type),
    ALIAS("connection.user", "http.auth.user"),
    ALIAS("connection.password", "http.auth.password"),
    ALIAS("bearer.token", "http.auth.token"),
    ALIAS("oauth2.token.url", "http.oauth2.token.url"),
    ALIAS("oauth2.client.id", "http.oauth2.client.id"),
    ALIAS("oauth2.client.secret", "http.oauth2.client.secret"),
    ALIAS("oauth2.client.scope", "http.oauth2.scope"),
    ALIAS("oauth2.token.property", "http.oauth2.token.property"),
    ALIAS_SSL("https.ssl.truststore.location", "http.ssl.truststore.location"),
    ALIAS_SSL("https.ssl.truststore.password", "http.ssl.truststore.password"),
    ALIAS_SSL("https.ssl.truststore.type", "http.ssl.truststore.type"),
    ALIAS_SSL("https.ssl.keystore.location", "http.ssl.keystore.location"),
    ALIAS_SSL("https.ssl.keystore.password", "http.ssl.keystore.password"),
    ALIAS_SSL("https.ssl.keystore.type", "http.ssl.keystore.type"),
    ALIAS_SSL("https.ssl.key.password", "http.ssl.key.password"),
    {.alias        = "https.ssl.endpoint.identification.algorithm",
     .canonical    = "http.ssl.verify.hostname",
     .map          = map_endpoint_algorithm,
     .literal_only = 1,
     .also_key     = "http.ssl.enabled",
     .also_value   = "true"},
    {.alias = NULL},
};

/* Confluent keys for features not implemented: a clear error beats the
 * "unknown key" a typo gets. */
static const char *const confluent_unsupported_keys[] = {
    "entity.names", "max.in.flight.requests", "http.request.sensitive.headers",
    "oauth2.client.mode", NULL};
static const char *const confluent_unsupported_prefixes[] = {
    "http.proxy.", "reporter.", "https.ssl.", NULL};

static const struct conf_alias *alias_find(const char *key)
{
        for (const struct conf_alias *a = conf_aliases; a->alias; a++)
                if (!strcmp(a->alias, key))
                        return a;
        return NULL;
}

static int is_unsupported_confluent_key(const char *key)
{
        for (const char *const *k = confluent_unsupported_keys; *k; k++)
                if (!strcmp(key, *k))
                        return 1;
        for (const char *const *p = confluent_unsupported_prefixes; *p; p++)
                if (!strncmp(key, *p, strlen(*p)) && key[strlen(*p)])
                        return 1;
        return 0;
}

/* Validates @p value (@p shown in errors) for the declared key @p d and
 * stores it under @p canonical; errors name @p key, the key the user
 * wrote. */
static httpsrc_conf_res store_checked(httpsrc_conf *conf,
                                      const httpsrc_param_desc *d,
                                      const char *key,
                                      const char *canonical,
                                      const char *value,
                                      const char *shown,
                                      char *errstr,
                                      size_t errstr_size)
{
        char reason[512];
        if (d && conf_param_reason(d, value, reason, sizeof(reason))) {
                if (d->type == HTTPSRC_PARAM_PASSWORD)
                        errstr_set(errstr, errstr_size, "%s: invalid value: %s",
                                   key, reason);
                else
                        errstr_set(errstr, errstr_size,
                                   "%s: invalid value '%s': %s", key, shown,
                                   reason);
                return HTTPSRC_CONF_INVALID;
        }
        if (conf_store(conf, canonical, value)) {
                errstr_set(errstr, errstr_size, "%s: out of memory", key);
                return HTTPSRC_CONF_INVALID;
        }
        return HTTPSRC_CONF_OK;
}

static httpsrc_conf_res set_alias(httpsrc_conf *conf,
                                  const struct conf_alias *a,
                                  const char *value,
                                  char *errstr,
                                  size_t errstr_size)
{
        if (!value) {
                conf_remove(conf, a->canonical);
                return HTTPSRC_CONF_OK;
        }
        if (a->literal_only && strstr(value, "${")) {
                errstr_set(errstr, errstr_size,
                           "%s: placeholders are not supported in this key; "
                           "set %s instead",
                           a->alias, a->canonical);
                return HTTPSRC_CONF_INVALID;
        }
        strbuf mapped = {0};
        char msg[512];
        int rc = a->map ? a->map(value, &mapped, msg, sizeof(msg)) : 0;
        if (rc) {
                sb_free(&mapped);
                if (rc == HTTPSRC_ERR_NOMEM)
                        snprintf(msg, sizeof(msg), "out of memory");
                errstr_set(errstr, errstr_size, "%s: %s", a->alias, msg);
                return HTTPSRC_CONF_INVALID;
        }
        const httpsrc_param_desc *d =
            conf_param_find(httpsrc_conf_params(conf->scope), a->canonical);
        httpsrc_conf_res res =
            store_checked(conf, d, a->alias, a->canonical,
                          a->map ? (mapped.buf ? mapped.buf : "") : value,
                          value, errstr, errstr_size);
        sb_free(&mapped);
        if (res || !a->also_key)
                return res;
        d = conf_param_find(httpsrc_conf_params(conf->scope), a->also_key);
        return store_checked(conf, d, a->alias, a->also_key, a->also_value,
                             a->also_value, errstr, errstr_size);
}

/* A key not declared in the scope: an alias, a Confluent key we do not
 * implement, or unknown. */
static httpsrc_conf_res set_undeclared(httpsrc_conf *conf,
                                       const char *key,
                                       const char *value,
                                       char *errstr,
                                       size_t errstr_size)
{
        if (conf->scope != HTTPSRC_SCOPE_CONNECTOR)
                return unknown_key(conf, key, errstr, errstr_size);
        const struct conf_alias *a = alias_find(key);
        if (a)
                return set_alias(conf, a, value, errstr, errstr_size);
        if (!is_unsupported_confluent_key(key))
                return unknown_key(conf, key, errstr, errstr_size);
        errstr_set(errstr, errstr_size, "%s: Confluent key not supported yet",
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
                return set_undeclared(conf, key, value, errstr, errstr_size);
        if (!value) {
                conf_remove(conf, key);
                return HTTPSRC_CONF_OK;
        }
        return store_checked(conf, d, key, key, value, value, errstr,
                             errstr_size);
}

const char *conf_get_set(const httpsrc_conf *conf, const char *key)
{
        if (!conf || !key)
                return NULL;
        return kvl_get(&conf->kv, key);
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
        return conf ? conf->kv.n : 0;
}

HTTPSRC_API int httpsrc_conf_at(const httpsrc_conf *conf,
                                size_t i,
                                const char **key,
                                const char **value)
{
        if (!conf || i >= conf->kv.n)
                return HTTPSRC_ERR_NOENT;
        if (key)
                *key = conf->kv.v[i].key;
        if (value)
                *value = conf->kv.v[i].value;
        return HTTPSRC_OK;
}

const kvlist *conf_pairs(const httpsrc_conf *conf)
{
        return &conf->kv;
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

/* One problem of @p key: "<key>: invalid value '<value>': <reason>" when
 * @p value is given, else "<key>: <reason>"; -1 on ENOMEM. */
static int
add_problem(kvlist *l, const char *key, const char *value, const char *reason)
{
        if (value)
                return conf_problem_add(l, key, "%s: invalid value '%s': %s",
                                        key, value, reason);
        return conf_problem_add(l, key, "%s: %s", key, reason);
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

static int check_required(const httpsrc_conf *conf, kvlist *sb)
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

/* Set to something other than the empty string. */
static int is_set(const httpsrc_conf *conf, const char *key)
{
        const char *v = conf_get_set(conf, key);
        return v && *v;
}

/* An expression without http.timer.type=cron would be ignored: the
 * connector would poll every interval instead, silently. */
static int check_timer(const httpsrc_conf *conf, kvlist *sb)
{
        int cron = strcaseeq(httpsrc_conf_get(conf, "http.timer.type"), "cron");
        int expr = is_set(conf, "http.timer.cron.expression");
        if (cron == expr)
                return 0;
        return add_problem(sb, "http.timer.cron.expression", NULL,
                           cron ? "required when http.timer.type=cron"
                                : "only used with http.timer.type=cron: set "
                                  "http.timer.type=cron (or remove the "
                                  "expression to poll every "
                                  "http.timer.interval.ms)");
}

static int check_offset(const httpsrc_conf *conf, kvlist *sb)
{
        static const char *const need_field[] = {"TIMESTAMP", "ID", "CHAINING",
                                                 NULL};
        const char *mode = httpsrc_conf_get(conf, "http.offset.mode");
        if (is_set(conf, "http.offset.field"))
                return 0;
        for (const char *const *m = need_field; *m; m++) {
                if (!strcaseeq(mode, *m))
                        continue;
                return conf_problem_add(sb, "http.offset.field",
                                        "http.offset.field: required when "
                                        "http.offset.mode=%s",
                                        *m);
        }
        return 0;
}

/* libcurl reads PEM and PKCS#12 only; keytool converts a JKS store. */
static int check_store_type(const httpsrc_conf *conf,
                            kvlist *sb,
                            const char *type_key,
                            const char *location_key)
{
        if (!strcaseeq(conf_get_set(conf, type_key), "JKS"))
                return 0;
        const char *file = conf_get_set(conf, location_key);
        if (!file || !*file)
                file = "<file>";
        return conf_problem_add(sb, type_key,
                         "%s: JKS is not supported; convert it to PKCS12: "
                         "keytool -importkeystore -srckeystore %s "
                         "-srcstoretype JKS -destkeystore store.p12 "
                         "-deststoretype PKCS12",
                         type_key, file);
}

static int check_policies(const httpsrc_conf *conf, kvlist *sb)
{
        if (check_timer(conf, sb) || check_offset(conf, sb))
                return -1;
        if (check_store_type(conf, sb, "http.ssl.truststore.type",
                             "http.ssl.truststore.location"))
                return -1;
        return check_store_type(conf, sb, "http.ssl.keystore.type",
                                "http.ssl.keystore.location");
}

/* Names travel in URLs, JSON and files: UTF-8 without control bytes
 * (strict: an encoded surrogate such as "\udc00" decoded to is not text). */
static int name_ok(const char *name)
{
        const unsigned char *u = (const unsigned char *)name;
        size_t left            = strlen(name);
        while (*u) {
                size_t need = json_utf8_len(u, left);
                if (!need || *u < 0x20 || *u == 0x7F)
                        return 0;
                u += need;
                left -= need;
        }
        return 1;
}

/* Kafka's rule for topic names (Topic.validate): 1-249 characters of
 * [a-zA-Z0-9._-], not "." or "..". NULL if @p t follows it, else why. */
static const char *topic_problem(const char *t, char *why, size_t size)
{
        size_t len = strlen(t), bad = strspn(t, "abcdefghijklmnopqrstuvwxyz"
                                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789._-");
        if (!strcmp(t, ".") || !strcmp(t, ".."))
                return "'.' and '..' are not allowed as Kafka topic names";
        if (len > 249) {
                snprintf(why, size,
                         "%zu characters; a Kafka topic name has at most 249",
                         len);
                return why;
        }
        if (bad == len)
                return NULL;
        unsigned char c = (unsigned char)t[bad];
        if (c >= 0x20 && c < 0x7F)
                snprintf(why, size,
                         "'%c' at position %zu: a Kafka topic name has only "
                         "letters, digits, '.', '_' and '-'",
                         c, bad + 1);
        else
                snprintf(why, size,
                         "byte 0x%02X at position %zu: a Kafka topic name has "
                         "only letters, digits, '.', '_' and '-'",
                         c, bad + 1);
        return why;
}

static int check_connector(const httpsrc_conf *conf, kvlist *sb)
{
        const char *topic = conf_get_set(conf, "kafka.topic");
        char why[160];
        const char *tp = topic && *topic && !strstr(topic, "${")
                             ? topic_problem(topic, why, sizeof(why))
                             : NULL;
        if (tp && add_problem(sb, "kafka.topic", topic, tp))
                return -1;
        const char *name = conf_get_set(conf, "name");
        if (name && *name && !name_ok(name) &&
            add_problem(sb, "name", NULL,
                        "must be UTF-8 text without control characters"))
                return -1;
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
        return check_policies(conf, sb);
}

int conf_problem_add(kvlist *problems, const char *key, const char *fmt, ...)
{
        strbuf msg = {0};
        va_list ap;
        va_start(ap, fmt);
        int rc = sb_vprintf(&msg, fmt, ap);
        va_end(ap);
        rc = rc || kvl_add(problems, key, msg.buf);
        sb_free(&msg);
        return rc ? -1 : 0;
}

int conf_problem_merge(kvlist *problems, size_t known, const kvlist *more)
{
        for (size_t i = 0; i < more->n; i++) {
                ssize_t seen = kvl_index(problems, more->v[i].key);
                if (seen >= 0 && (size_t)seen < known)
                        continue;
                if (kvl_add(problems, more->v[i].key, more->v[i].value))
                        return -1;
        }
        return 0;
}

int conf_check_all(const httpsrc_conf *conf, kvlist *problems)
{
        int rc = check_required(conf, problems);
        if (!rc && conf->scope == HTTPSRC_SCOPE_CONNECTOR)
                rc = check_connector(conf, problems);
        return rc;
}

void conf_problems_text(const kvlist *problems, char *errstr, size_t size)
{
        strbuf sb = {0};
        int bad   = 0;
        for (size_t i = 0; !bad && i < problems->n; i++)
                bad = (i && sb_puts(&sb, "; ")) ||
                      sb_puts(&sb, problems->v[i].value);
        if (bad)
                errstr_set(errstr, size, "out of memory");
        else
                errstr_set(errstr, size, "%s", sb.buf ? sb.buf : "");
        sb_free(&sb);
}

/* Names travel in URLs and log lines: Connect refuses control bytes. */
static int has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7F)
                        return 1;
        return 0;
}

httpsrc_conf *
conf_validate(int scope, const kvlist *cfg, kvlist *problems, int *clean)
{
        httpsrc_conf *conf = httpsrc_conf_new(scope);
        char err[2048];
        int bad = !conf;
        for (size_t i = 0; !bad && i < cfg->n; i++)
                if (httpsrc_conf_set(conf, cfg->v[i].key, cfg->v[i].value, err,
                                     sizeof(err)) != HTTPSRC_CONF_OK)
                        bad = kvl_add(problems, cfg->v[i].key, err);
        const char *name = kvl_get(cfg, "name");
        if (!bad && name && has_control(name))
                bad = kvl_add(problems, "name",
                              "name: must not contain control characters");
        kvlist found = {0};
        /* a key set() refused is missing from the conf: not "required" */
        bad = bad || conf_check_all(conf, &found) ||
              conf_problem_merge(problems, problems->n, &found);
        *clean = !found.n;
        kvl_free(&found);
        if (bad) {
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

HTTPSRC_API int
httpsrc_conf_check(const httpsrc_conf *conf, char *errstr, size_t errstr_size)
{
        if (!conf) {
                errstr_set(errstr, errstr_size, "invalid argument: no conf");
                return HTTPSRC_ERR_INVAL;
        }
        kvlist problems = {0};
        if (conf_check_all(conf, &problems)) {
                kvl_free(&problems);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        int rc = problems.n ? HTTPSRC_ERR_INVAL : HTTPSRC_OK;
        if (problems.n)
                conf_problems_text(&problems, errstr, errstr_size);
        kvl_free(&problems);
        return rc;
}
