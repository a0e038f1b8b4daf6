/* connector: one connector's task. This file: setup (validation of the
 * core keys and of the chosen plugins' keys, secrets, plugin instances),
 * failing and stopping, queries, and the services plugins reach through
 * httpsrc_ctx. task_poll.c drives requests, task_page.c records
 * and offsets, task_state.c the task's state machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "json_int.h"
#include "netguard_int.h"
#include "secrets_int.h"
#include "task_impl.h"
#include "template_int.h"

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

void conn_fail(task *c, const char *fmt, ...)
{
        if (task_failed(c))
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->failure, sizeof(c->failure), fmt, ap);
        va_end(ap);
        conn_clean_msg(c, c->failure, sizeof(c->failure));
        task_set_state(c, TASK_FAILED);
        c->m.errors_total++;
        log_msg(c->env.lg, HTTPSRC_LOG_ERROR, c->name, "task failed: %s",
                c->failure);
        task_stop(c);
        if (c->env.state_changed)
                c->env.state_changed(c->env.wake_opaque, c);
}

void task_end_transaction(task *c)
{
        if (!task_ended(c))
                eos_commit_if_due(c, mono_ms(), 1);
}

void task_stop(task *c)
{
        /* Records a callback accepted are acknowledged at once: the
         * offset covers them before the rest is dropped. */
        task_commit_acks(c);
        /* transaction.boundary=interval: whole pages acknowledged wait
         * in the open transaction; a stop commits them as Connect commits
         * its final transaction (a failure does not). Any other open
         * transaction is aborted: its records and offset vanish together,
         * the stored offset stays before them. */
        task_end_transaction(c);
        if (c->txn && txn_is_open(c->txn))
                txn_abort(c->txn);
        c->redeliver_at = 0;
        c->producing    = NULL;
        /* What waits to be handed over never will be. Its pages stay in
         * the FIFO, so the offset still stops before them, but they no
         * longer keep the connector busy (a failed record used to hold a
         * restart, a delete and --once forever). */
        for (page *pg = c->pq_head; pg; pg = pg->pnext)
                pg->queued = 0;
        c->held.pending = 0;
        c->pq_head = c->pq_tail = NULL;
        c->pq_len               = 0;
        c->want_next            = 0;
        if (c->transfer) {
                http_cancel(c->env.http, c->transfer);
                c->transfer = 0;
        }
        if (!task_failed(c))
                task_set_state(c, TASK_STOPPED);
}

/* "GET http://host/path" for logs and errors, without what may carry
 * secrets: the query (API keys) and user:password@. An http.url with a
 * ${provider:...} placeholder is shown as written: the secret may be
 * anywhere in it. */
void conn_describe(const task *c, const char *url, char *buf, size_t size)
{
        const char *written = httpsrc_conf_get(c->conf, "http.url");
        if (written && secrets_has_refs(written))
                url = written;
        if (!url)
                url = "";
        const char *sep  = strstr(url, "://");
        const char *host = sep ? sep + 3 : url;
        const char *at   = memchr(host, '@', strcspn(host, "/?#"));
        const char *rest = at ? at + 1 : host;
        size_t n         = strcspn(rest, "?#");
        snprintf(buf, size, "%s %.*s%.*s%s", c->method, (int)(host - url), url,
                 (int)n, rest, rest[n] ? "?..." : "");
}

int conn_put_untrusted(
    const task *c, strbuf *out, const char *s, size_t len, size_t max)
{
        return sb_put_untrusted(out, s, len, max,
                                (const char *const *)c->secret_vals,
                                c->n_secret_vals);
}

void conn_observe(task *c, int status, size_t records, const char *next)
{
        const conn_observer *o = c->env.observer;
        if (!o)
                return;
        c->pages_seen++;
        strbuf url = {0};
        const char *u = c->sent_url ? c->sent_url : "";
        if (conn_put_untrusted(c, &url, u, strlen(u), 0) == 0)
                o->page(o->opaque, c->method, url.buf ? url.buf : "", status,
                        records, next);
        sb_wipe(&url);
}

void conn_clean_msg(const task *c, char *msg, size_t size)
{
        strbuf sb = {0};
        if (!conn_put_untrusted(c, &sb, msg, strlen(msg), 0))
                snprintf(msg, size, "%s", sb.buf ? sb.buf : "");
        sb_wipe(&sb);
}

/* The reason a plugin call failed: its set_error() text, else the code. */
const char *conn_plugin_reason(task *c, int rc)
{
        if (c->plugin_err[0])
                return c->plugin_err;
        snprintf(c->plugin_err, sizeof(c->plugin_err), "%s",
                 httpsrc_strerror(rc));
        return c->plugin_err;
}

int conn_set_str(char **dst, const char *src)
{
        if (*dst == src)
                return HTTPSRC_OK;
        char *d = xstrdup(src);
        if (src && !d)
                return HTTPSRC_ERR_NOMEM;
        free(*dst);
        *dst = d;
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* headers                                                             */

static int add_header(task *c, char *item, char *errstr, size_t errstr_size)
{
        char *colon = strchr(item, ':');
        if (!colon) {
                errstr_set(errstr, errstr_size,
                           "http.headers: '%s' is not 'Name: value'", item);
                return HTTPSRC_ERR_INVAL;
        }
        *colon     = '\0';
        char *name = strtrim(item), *value = strtrim(colon + 1);
        if (!*name || strpbrk(name, " \t\r\n")) {
                errstr_set(errstr, errstr_size,
                           "http.headers: invalid header name '%s'", name);
                return HTTPSRC_ERR_INVAL;
        }
        const char *bad = strpbrk(value, "\r\n");
        if (bad) { /* the value is not shown: it may be a resolved secret */
                errstr_set(errstr, errstr_size,
                           "http.headers: the value of header '%s' holds a "
                           "%s; a header value must be one line (check what "
                           "its placeholders resolve to, e.g. a secret file "
                           "with a newline inside)",
                           name,
                           *bad == '\r' ? "CR (carriage return)"
                                        : "LF (line feed)");
                return HTTPSRC_ERR_INVAL;
        }
        hdr *nh = realloc(c->hdrs, (c->n_hdrs + 1) * sizeof(*nh));
        if (!nh)
                return HTTPSRC_ERR_NOMEM;
        c->hdrs             = nh;
        nh[c->n_hdrs].name  = xstrdup(name);
        nh[c->n_hdrs].value = xstrdup(value);
        if (!nh[c->n_hdrs].name || !nh[c->n_hdrs].value) {
                free(nh[c->n_hdrs].name);
                free(nh[c->n_hdrs].value);
                return HTTPSRC_ERR_NOMEM;
        }
        c->n_hdrs++;
        return HTTPSRC_OK;
}

/* The comma that starts the next header in @p: one followed by "Token:",
 * so that values may contain commas. NULL if none. */
static char *next_header_comma(char *p)
{
        for (char *q = strchr(p, ','); q; q = strchr(q + 1, ',')) {
                char *t     = q + 1 + strspn(q + 1, " \t");
                size_t nlen = strcspn(t, ":, \t");
                if (nlen && t[nlen] == ':')
                        return q;
        }
        return NULL;
}

/* "Name: value, Name: value" */
static int
parse_headers(task *c, const char *spec, char *errstr, size_t errstr_size)
{
        char *copy = xstrdup(spec ? spec : "");
        if (!copy)
                return HTTPSRC_ERR_NOMEM;
        int rc = HTTPSRC_OK;
        for (char *p = copy; *p && !rc;) {
                char *cut = next_header_comma(p);
                if (cut)
                        *cut = '\0';
                if (*strtrim(p))
                        rc = add_header(c, p, errstr, errstr_size);
                p = cut ? cut + 1 : p + strlen(p);
        }
        free(copy);
        return rc;
}

/* ------------------------------------------------------------------ */
/* secrets, converters, templates                                      */

static const char *const template_keys[] = {"http.url", "http.request.body",
                                            "http.request.parameters",
                                            "http.headers", NULL};

static int is_template_key(const char *key)
{
        for (const char *const *k = template_keys; *k; k++)
                if (strcmp(key, *k) == 0)
                        return 1;
        return 0;
}

/* A copy of the conf with every ${provider:...} resolved: what the task
 * and its plugins read. The original keeps the placeholders. */
/* A value resolved from a provider was refused: the error names the
 * placeholder as written, never the resolved value. */
static int not_valid_for_key(const char *key,
                             const char *written,
                             char *errstr,
                             size_t errstr_size)
{
        errstr_set(errstr, errstr_size,
                   "%s: the value of %s is not valid for this key", key,
                   written);
        return HTTPSRC_ERR_INVAL;
}

static int resolve_secrets(task *c, char *errstr, size_t errstr_size)
{
        c->rconf = httpsrc_conf_dup(c->conf);
        if (!c->rconf)
                return HTTPSRC_ERR_NOMEM;
        for (size_t i = 0; i < httpsrc_conf_count(c->conf); i++) {
                const char *k, *v;
                httpsrc_conf_at(c->conf, i, &k, &v);
                if (!secrets_has_refs(v))
                        continue;
                char *val = NULL, why[512];
                /* Template keys get values escaped for template_expand();
                 * every other key gets them as they are. */
                int rc = is_template_key(k)
                             ? secrets_resolve(c->env.secrets, v, &val, why,
                                               sizeof(why))
                             : secrets_resolve_plain(c->env.secrets, v, &val,
                                                     why, sizeof(why));
                if (rc) {
                        errstr_set(errstr, errstr_size, "%s: %s", k, why);
                        return rc;
                }
                rc = secrets_collect_refs(c->env.secrets, v, &c->secret_refs,
                                          &c->secret_vals, &c->n_secret_vals);
                c->n_secret_refs = c->n_secret_vals;
                if (rc) {
                        memset(val, 0, strlen(val));
                        free(val);
                        return HTTPSRC_ERR_NOMEM;
                }
                rc = httpsrc_conf_set(c->rconf, k, val, why, sizeof(why));
                if (val)
                        memset(val, 0, strlen(val));
                free(val);
                if (rc != HTTPSRC_CONF_OK)
                        return not_valid_for_key(k, v, errstr, errstr_size);
        }
        return HTTPSRC_OK;
}

static const char *effective(const task *c, const char *key)
{
        const char *v = conf_get_set(c->rconf, key);
        return v ? v : httpsrc_conf_get(c->env.worker, key);
}

static int setup_converters(task *c, char *errstr, size_t errstr_size)
{
        const char *kse = effective(c, "key.converter.schemas.enable");
        const char *vse = effective(c, "value.converter.schemas.enable");
        c->key_conv =
            converter_new("key.converter", effective(c, "key.converter"),
                          kse && strcaseeq(kse, "true"), errstr, errstr_size);
        if (!c->key_conv)
                return HTTPSRC_ERR_INVAL;
        c->value_conv =
            converter_new("value.converter", effective(c, "value.converter"),
                          vse && strcaseeq(vse, "true"), errstr, errstr_size);
        return c->value_conv ? HTTPSRC_OK : HTTPSRC_ERR_INVAL;
}

/* Unknown ${...} variables are config errors, found before any request. */
static int check_templates(task *c, char *errstr, size_t errstr_size)
{
        int rc = HTTPSRC_OK;
        for (size_t i = 0; !rc && template_keys[i]; i++) {
                const char *v = httpsrc_conf_get(c->rconf, template_keys[i]);
                strbuf out    = {0};
                char why[256];
                if (v && template_expand(v, poll_var, c, NULL, &out, why,
                                         sizeof(why)) != HTTPSRC_OK) {
                        errstr_set(errstr, errstr_size, "%s: %s",
                                   template_keys[i], why);
                        rc = HTTPSRC_ERR_INVAL;
                }
                sb_free(&out);
        }
        return rc;
}

/* ------------------------------------------------------------------ */
/* plugins                                                             */

static int pick(const task *c,
                int kind,
                const char *key,
                const char *kind_name,
                const plugin_component **out,
                char *errstr,
                size_t errstr_size)
{
        const char *want = httpsrc_conf_get(c->rconf, key);
        *out             = plugin_registry_find(c->env.plugins, kind, want);
        if (*out)
                return HTTPSRC_OK;
        strbuf known = {0};
        size_t n     = plugin_registry_count(c->env.plugins, kind);
        for (size_t i = 0; i < n; i++) {
                const plugin_component *pc =
                    plugin_registry_at(c->env.plugins, kind, i);
                sb_printf(&known, "%s%s", i ? ", " : "", pc->name);
        }
        errstr_set(errstr, errstr_size, "%s: unknown %s '%s' (known: %s)", key,
                   kind_name, want ? want : "",
                   known.len ? known.buf : "none; check plugin.path");
        sb_free(&known);
        return HTTPSRC_ERR_INVAL;
}

static int pick_source(task *c, char *errstr, size_t errstr_size)
{
        const char *cls = httpsrc_conf_get(c->rconf, "connector.class");
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                if (strcmp(cls, plugin_builtin_sources[i]) == 0)
                        return HTTPSRC_OK;
        c->source.comp =
            plugin_registry_find(c->env.plugins, HTTPSRC_KIND_SOURCE, cls);
        if (c->source.comp)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "connector.class: unknown connector class '%s' (known: "
                   "HttpSource, io.confluent.connect.http."
                   "HttpSourceConnector, or a source plugin)",
                   cls);
        return HTTPSRC_ERR_INVAL;
}

/* The transform alias a "transforms.<alias>.<key>" key names, and <key>. */
static const transform_ref *
transform_of(const task *c, const char *key, const char **rest)
{
        const char *a   = key + strlen("transforms.");
        const char *dot = strchr(a, '.');
        if (!dot)
                return NULL;
        *rest = dot + 1;
        for (size_t i = 0; i < c->n_transforms; i++) {
                const char *alias = c->transforms[i].ctx.alias;
                if (strlen(alias) == (size_t)(dot - a) &&
                    strncmp(alias, a, (size_t)(dot - a)) == 0)
                        return &c->transforms[i];
        }
        return NULL;
}

/* Whether any registered component of @kind declares @key. */
static int declared_by_any(const task *c, int kind, const char *key)
{
        size_t n = plugin_registry_count(c->env.plugins, kind);
        for (size_t i = 0; i < n; i++)
                if (conf_param_find(plugin_component_params(plugin_registry_at(
                                        c->env.plugins, kind, i)),
                                    key))
                        return 1;
        return 0;
}

/* The key of any registered component of @p kind @p key was likely meant
 * to be (the component in use declares none close). */
static const char *suggest_any(const task *c, int kind, const char *key)
{
        size_t n = plugin_registry_count(c->env.plugins, kind);
        for (size_t i = 0; i < n; i++) {
                const char *hint = conf_suggest_key(
                    plugin_component_params(plugin_registry_at(c->env.plugins, kind, i)),
                    key);
                if (hint)
                        return hint;
        }
        return NULL;
}

/* "<key>: unknown configuration key[ for <kind> <name>][ (did you mean
 * '<prefix><hint>'?)]"; HTTPSRC_ERR_INVAL. */
static int unknown_plugin_key(const char *key,
                              const char *owner,
                              const char *prefix,
                              const char *hint,
                              char *errstr,
                              size_t errstr_size)
{
        errstr_set(errstr, errstr_size,
                   "%s: unknown configuration key%s%s%s%s%s%s", key,
                   owner ? " for " : "", owner ? owner : "",
                   hint ? " (did you mean '" : "", hint ? prefix : "",
                   hint ? hint : "", hint ? "'?)" : "");
        return HTTPSRC_ERR_INVAL;
}

/* predicates.<name>.<key>: <name> listed in "predicates", <key> its
 * type or a key the predicate declares. */
static int check_predicate_key(const task *c,
                               const char *key,
                               const char *value,
                               char *errstr,
                               size_t errstr_size)
{
        const char *n   = key + strlen("predicates.");
        const char *dot = strchr(n, '.');
        for (size_t i = 0; dot && i < c->n_predicates; i++) {
                const httpsrc_ctx *p = &c->predicates[i];
                if (strlen(p->alias) != (size_t)(dot - n) ||
                    strncmp(p->alias, n, (size_t)(dot - n)) != 0)
                        continue;
                if (strcmp(dot + 1, "type") == 0)
                        return HTTPSRC_OK;
                const httpsrc_param_desc *d =
                    conf_param_find(plugin_component_params(p->comp), dot + 1);
                if (d)
                        return conf_param_validate(d, key, value, errstr,
                                                   errstr_size);
                char owner[256];
                snprintf(owner, sizeof(owner), "predicate %s", p->comp->name);
                return unknown_plugin_key(
                    key, owner, p->prefix,
                    conf_suggest_key(plugin_component_params(p->comp), dot + 1), errstr,
                    errstr_size);
        }
        errstr_set(errstr, errstr_size,
                   "%s: predicate is not listed in 'predicates'", key);
        return HTTPSRC_ERR_INVAL;
}

static int check_plugin_key(const task *c,
                            const char *key,
                            const char *value,
                            char *errstr,
                            size_t errstr_size)
{
        const httpsrc_param_desc *d = NULL;
        if (strncmp(key, "confluent.", 10) == 0) {
                /* Confluent's license keys: nothing to license here. */
                log_msg(c->env.lg, HTTPSRC_LOG_INFO, c->name,
                        "%s ignored (Confluent license settings)", key);
                return HTTPSRC_OK;
        }
        if (strncmp(key, "producer.override.", 18) == 0) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s ignored: per-connector producer overrides are "
                        "not supported; set producer.* in the worker",
                        key);
                return HTTPSRC_OK;
        }
        if (strncmp(key, "transforms.", 11) == 0) {
                const char *rest       = NULL;
                const transform_ref *t = transform_of(c, key, &rest);
                if (!t) {
                        errstr_set(errstr, errstr_size,
                                   "%s: transform alias is not listed in "
                                   "'transforms'",
                                   key);
                        return HTTPSRC_ERR_INVAL;
                }
                if (strcmp(rest, "type") == 0 ||
                    strcmp(rest, "predicate") == 0 ||
                    strcmp(rest, "negate") == 0)
                        return HTTPSRC_OK;
                d = conf_param_find(plugin_component_params(t->ctx.comp), rest);
                if (!d) {
                        char owner[256];
                        snprintf(owner, sizeof(owner), "transform %s",
                                 t->ctx.comp->name);
                        return unknown_plugin_key(
                            key, owner, t->ctx.prefix,
                            conf_suggest_key(plugin_component_params(t->ctx.comp), rest),
                            errstr, errstr_size);
                }
                return conf_param_validate(d, key, value, errstr, errstr_size);
        }
        if (strncmp(key, "predicates.", 11) == 0)
                return check_predicate_key(c, key, value, errstr, errstr_size);
        const httpsrc_ctx *owner = strncmp(key, "http.pagination.", 16) == 0
                                       ? &c->paginator
                                       : &c->auth;
        int kind =
            owner == &c->paginator ? HTTPSRC_KIND_PAGINATOR : HTTPSRC_KIND_AUTH;
        d = conf_param_find(plugin_component_params(owner->comp), key);
        if (d)
                return conf_param_validate(d, key, value, errstr, errstr_size);
        if (declared_by_any(c, kind, key)) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s ignored: not used by %s %s", key,
                        kind == HTTPSRC_KIND_AUTH ? "auth type"
                                                  : "pagination type",
                        owner->comp->name);
                return HTTPSRC_OK;
        }
        const char *hint = conf_suggest_key(plugin_component_params(owner->comp), key);
        return unknown_plugin_key(key, NULL, "",
                                  hint ? hint : suggest_any(c, kind, key),
                                  errstr, errstr_size);
}

/* Required keys of a component that has them must be set. */
/* The first required key of @p x's component that is not set: its full
 * name in @p key and HTTPSRC_ERR_INVAL, else HTTPSRC_OK. */
static int check_required(const task *c,
                          const httpsrc_ctx *x,
                          char *key,
                          size_t key_size,
                          char *errstr,
                          size_t errstr_size)
{
        const httpsrc_param_desc *d = plugin_component_params(x->comp);
        for (; d && d->name; d++) {
                if (!(d->flags & HTTPSRC_PARAM_F_REQUIRED))
                        continue;
                snprintf(key, key_size, "%s%s", x->prefix, d->name);
                if (!conf_get_set(c->rconf, key)) {
                        errstr_set(errstr, errstr_size,
                                   "%s: required key is missing (needed by "
                                   "%s)",
                                   key, x->comp->name);
                        return HTTPSRC_ERR_INVAL;
                }
        }
        return HTTPSRC_OK;
}

static int add_named(task *c,
                     httpsrc_ctx **arr,
                     size_t *n,
                     const char *name,
                     const char *prefix_fmt)
{
        httpsrc_ctx *na = realloc(*arr, (*n + 1) * sizeof(*na));
        if (!na)
                return HTTPSRC_ERR_NOMEM;
        *arr           = na;
        httpsrc_ctx *x = &na[*n];
        memset(x, 0, sizeof(*x));
        x->conn      = c;
        x->alias     = xstrdup(name);
        size_t len   = strlen(prefix_fmt) + strlen(name);
        char *prefix = malloc(len);
        if (!x->alias || !prefix) {
                free(x->alias);
                free(prefix);
                return HTTPSRC_ERR_NOMEM;
        }
        snprintf(prefix, len, prefix_fmt, name);
        x->prefix = prefix;
        (*n)++;
        return HTTPSRC_OK;
}

/* Each alias of a list key ("transforms", "predicates") with its type. */
static int setup_list(task *c,
                      const char *list_key,
                      int kind,
                      const char *kind_name,
                      const char *prefix_fmt,
                      httpsrc_ctx **arr,
                      size_t *n,
                      char *errstr,
                      size_t errstr_size)
{
        char *copy = xstrdup(httpsrc_conf_get(c->rconf, list_key));
        if (!copy)
                return HTTPSRC_OK;
        int rc     = HTTPSRC_OK;
        char *save = NULL;
        for (char *a = strtok_r(copy, ",", &save); a && !rc;
             a       = strtok_r(NULL, ",", &save)) {
                if (!*(a = strtrim(a)))
                        continue;
                rc = add_named(c, arr, n, a, prefix_fmt);
                if (rc)
                        break;
                httpsrc_ctx *x = &(*arr)[*n - 1];
                char key[256];
                snprintf(key, sizeof(key), "%stype", x->prefix);
                if (!conf_get_set(c->rconf, key)) {
                        errstr_set(errstr, errstr_size,
                                   "%s: required key is missing", key);
                        rc = HTTPSRC_ERR_INVAL;
                        break;
                }
                rc = pick(c, kind, key, kind_name, &x->comp, errstr,
                          errstr_size);
        }
        free(copy);
        return rc;
}

static int setup_transforms(task *c, char *errstr, size_t errstr_size)
{
        httpsrc_ctx *ctxs = NULL;
        size_t n          = 0;
        int rc            = setup_list(c, "predicates", HTTPSRC_KIND_PREDICATE,
                                       "predicate", "predicates.%s.", &c->predicates,
                                       &c->n_predicates, errstr, errstr_size);
        if (!rc)
                rc = setup_list(c, "transforms", HTTPSRC_KIND_TRANSFORM,
                                "transform", "transforms.%s.", &ctxs, &n,
                                errstr, errstr_size);
        c->transforms = calloc(n ? n : 1, sizeof(*c->transforms));
        for (size_t i = 0; c->transforms && i < n; i++)
                c->transforms[i].ctx = ctxs[i];
        c->n_transforms = c->transforms ? n : 0;
        if (!c->transforms)
                for (size_t i = 0; i < n; i++) {
                        free(ctxs[i].alias);
                        free((char *)ctxs[i].prefix);
                }
        free(ctxs);
        if (!c->transforms)
                return HTTPSRC_ERR_NOMEM;
        for (size_t i = 0; !rc && i < c->n_transforms; i++) {
                transform_ref *t = &c->transforms[i];
                char key[256];
                snprintf(key, sizeof(key), "%spredicate", t->ctx.prefix);
                const char *pname = conf_get_set(c->rconf, key);
                snprintf(key, sizeof(key), "%snegate", t->ctx.prefix);
                t->negate = conf_get_set(c->rconf, key) &&
                            strcaseeq(conf_get_set(c->rconf, key), "true");
                for (size_t j = 0; pname && j < c->n_predicates; j++)
                        if (strcmp(c->predicates[j].alias, pname) == 0)
                                t->predicate = &c->predicates[j];
                if (pname && !t->predicate) {
                        errstr_set(errstr, errstr_size,
                                   "%spredicate: predicate '%s' is not "
                                   "listed in 'predicates'",
                                   t->ctx.prefix, pname);
                        rc = HTTPSRC_ERR_INVAL;
                }
        }
        return rc;
}

/* create/destroy sit at different offsets in each kind's vtable. */
static int comp_create(httpsrc_ctx *x)
{
        const plugin_component *pc = x->comp;
        void *pctx                 = pc->plugin_ctx;
        switch (pc->kind) {
        case HTTPSRC_KIND_SOURCE:
                return pc->ops.source.create(x, pctx, &x->state);
        case HTTPSRC_KIND_AUTH:
                return pc->ops.auth.create(x, pctx, &x->state);
        case HTTPSRC_KIND_PAGINATOR:
                return pc->ops.paginator.create(x, pctx, &x->state);
        case HTTPSRC_KIND_PREDICATE:
                return pc->ops.predicate.create(x, pctx, &x->state);
        default:
                return pc->ops.transform.create(x, pctx, &x->state);
        }
}

static void comp_destroy(httpsrc_ctx *x)
{
        const plugin_component *pc = x->comp;
        switch (pc->kind) {
        case HTTPSRC_KIND_SOURCE:
                pc->ops.source.destroy(x->state);
                break;
        case HTTPSRC_KIND_AUTH:
                pc->ops.auth.destroy(x->state);
                break;
        case HTTPSRC_KIND_PAGINATOR:
                pc->ops.paginator.destroy(x->state);
                break;
        case HTTPSRC_KIND_PREDICATE:
                pc->ops.predicate.destroy(x->state);
                break;
        default:
                pc->ops.transform.destroy(x->state);
        }
}

static int
create_instance(task *c, httpsrc_ctx *x, char *errstr, size_t errstr_size)
{
        if (!x->comp)
                return HTTPSRC_OK;
        c->plugin_err[0] = '\0';
        int rc           = comp_create(x);
        if (rc < 0) {
                errstr_set(errstr, errstr_size, "%s%s%s: %s", x->comp->name,
                           x->alias ? " " : "", x->alias ? x->alias : "",
                           conn_plugin_reason(c, rc));
                return rc;
        }
        x->created = 1;
        return HTTPSRC_OK;
}

static void destroy_instance(httpsrc_ctx *x)
{
        if (x->created)
                comp_destroy(x);
        x->created = 0;
        x->state   = NULL;
        free(x->alias);
        x->alias = NULL;
}

static int create_instances(task *c, char *errstr, size_t errstr_size)
{
        int rc = create_instance(c, &c->source, errstr, errstr_size);
        if (!rc)
                rc = create_instance(c, &c->auth, errstr, errstr_size);
        if (!rc)
                rc = create_instance(c, &c->paginator, errstr, errstr_size);
        for (size_t i = 0; !rc && i < c->n_predicates; i++)
                rc = create_instance(c, &c->predicates[i], errstr, errstr_size);
        for (size_t i = 0; !rc && i < c->n_transforms; i++)
                rc = create_instance(c, &c->transforms[i].ctx, errstr,
                                     errstr_size);
        return rc;
}

/* A plugin key's problem joins @p all, so that every bad key of a
 * connector is reported in one go. */
static int add_key_problem(kvlist *all, int rc, const char *key, const char *err)
{
        if (rc != HTTPSRC_ERR_INVAL)
                return rc;
        return kvl_add(all, key, err) ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

/* A required key of @p x's component that is missing: rc and its key. */
static int missing_key(
    const task *c, const httpsrc_ctx *x, kvlist *all, char *err, size_t size)
{
        char key[256];
        int rc = check_required(c, x, key, sizeof(key), err, size);
        return add_key_problem(all, rc, key, err);
}

/* Every bad plugin key: to env.problems when a validation asked for the
 * list, else "; "-joined into errstr (httpsrc_conf_check()'s form). */
static int report_key_problems(
    task *c, int rc, const kvlist *all, char *errstr, size_t errstr_size)
{
        if (!rc && all->n) {
                rc = HTTPSRC_ERR_INVAL;
                conf_problems_text(all, errstr, errstr_size);
                if (c->env.problems &&
                    conf_problem_merge(c->env.problems, 0, all))
                        rc = HTTPSRC_ERR_NOMEM;
        }
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "out of memory");
        return rc;
}

static int check_keys(task *c, char *errstr, size_t errstr_size)
{
        kvlist all = {0};
        char err[1024];
        int rc = HTTPSRC_OK;
        for (size_t i = 0; !rc && i < httpsrc_conf_count(c->rconf); i++) {
                const char *k, *v;
                httpsrc_conf_at(c->rconf, i, &k, &v);
                if (conf_param_find(conf_connector_params, k) ||
                    !conf_is_deferred_key(HTTPSRC_SCOPE_CONNECTOR, k))
                        continue;
                int bad = check_plugin_key(c, k, v, err, sizeof(err));
                /* Plugin keys are checked resolved: a refused value from
                 * a provider must not be echoed. */
                const char *written = httpsrc_conf_get(c->conf, k);
                if (bad && *v && strstr(err, v) && written &&
                    secrets_has_refs(written))
                        bad = not_valid_for_key(k, written, err, sizeof(err));
                rc = add_key_problem(&all, bad, k, err);
        }
        const httpsrc_ctx *ctxs[] = {&c->auth, &c->paginator};
        for (size_t i = 0; !rc && i < 2; i++)
                rc = missing_key(c, ctxs[i], &all, err, sizeof(err));
        for (size_t i = 0; !rc && i < c->n_predicates; i++)
                rc = missing_key(c, &c->predicates[i], &all, err, sizeof(err));
        for (size_t i = 0; !rc && i < c->n_transforms; i++)
                rc = missing_key(c, &c->transforms[i].ctx, &all, err,
                                 sizeof(err));
        rc = report_key_problems(c, rc, &all, errstr, errstr_size);
        kvl_free(&all);
        return rc;
}

/* ------------------------------------------------------------------ */
/* offsets, polling, status policy                                     */

static const struct {
        const char *mode, *field;
        enum offset_kind kind;
        int numeric;
} offset_modes[] = {
    {"NONE", NULL, OFFS_PAGE, 0},
    {"CURSOR", NULL, OFFS_PAGE, 0},
    {"CURSOR_PAGINATION", NULL, OFFS_PAGE, 0},
    {"TIMESTAMP", "timestamp", OFFS_MAX, 0},
    {"ID", "id", OFFS_MAX, 1},
    {"CHAINING", "offset", OFFS_LAST, 0},
    {"SIMPLE_INCREMENTING", "offset", OFFS_COUNT, 1},
};

static int setup_offsets(task *c, char *errstr, size_t errstr_size)
{
        const char *mode = httpsrc_conf_get(c->rconf, "http.offset.mode");
        for (size_t i = 0; i < sizeof(offset_modes) / sizeof(offset_modes[0]);
             i++) {
                if (!strcaseeq(mode, offset_modes[i].mode))
                        continue;
                c->offs         = offset_modes[i].kind;
                c->offs_name    = offset_modes[i].field;
                c->offs_numeric = offset_modes[i].numeric;
        }
        if (c->offs != OFFS_MAX && c->offs != OFFS_LAST)
                return HTTPSRC_OK;
        const char *f = httpsrc_conf_get(c->rconf, "http.offset.field");
        strbuf path   = {0};
        if (!f || !*f || sb_printf(&path, "%s%s", f[0] == '$' ? "" : "$.", f)) {
                errstr_set(errstr, errstr_size,
                           "http.offset.field: required with "
                           "http.offset.mode=%s",
                           mode);
                sb_free(&path);
                return HTTPSRC_ERR_INVAL;
        }
        char why[256];
        c->offs_field = jsonpath_compile(path.buf, why, sizeof(why));
        sb_free(&path);
        if (!c->offs_field) {
                errstr_set(errstr, errstr_size, "http.offset.field: %s", why);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int setup_timer(task *c, char *errstr, size_t errstr_size)
{
        c->interval_ms =
            conf_get_int(c->rconf, "http.timer.interval.ms", 60000);
        if (!strcaseeq(httpsrc_conf_get(c->rconf, "http.timer.type"), "cron"))
                return HTTPSRC_OK;
        char why[256];
        c->cron =
            cron_parse(httpsrc_conf_get(c->rconf, "http.timer.cron.expression"),
                       why, sizeof(why));
        if (c->cron)
                c->zone = cron_zone_new(
                    httpsrc_conf_get(c->rconf, "http.timer.cron.zone"), why,
                    sizeof(why));
        if (!c->cron || !c->zone) {
                errstr_set(errstr, errstr_size, "%s: %s",
                           c->cron ? "http.timer.cron.zone"
                                   : "http.timer.cron.expression",
                           why);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int setup_policy(task *c, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *r = c->rconf;
        char why[256];
        if (status_set_parse(&c->error_codes,
                             httpsrc_conf_get(r, "http.response.error.codes"),
                             why, sizeof(why))) {
                errstr_set(errstr, errstr_size, "http.response.error.codes: %s",
                           why);
                return HTTPSRC_ERR_INVAL;
        }
        c->retry_max      = (int)conf_get_int(r, "http.retry.max.attempts", 5);
        c->backoff_ms     = conf_get_int(r, "http.retry.backoff.ms", 1000);
        c->backoff_max_ms = conf_get_int(r, "http.retry.backoff.max.ms", 60000);
        c->max_wait_ms    = conf_get_int(r, "http.retry.max.wait.ms", 300000);
        const char *boe   = httpsrc_conf_get(r, "behavior.on.error");
        c->on_error       = strcaseeq(boe, "log")      ? ON_ERROR_LOG
                            : strcaseeq(boe, "ignore") ? ON_ERROR_IGNORE
                                                       : ON_ERROR_FAIL;
        c->tolerate = strcaseeq(httpsrc_conf_get(r, "errors.tolerance"), "all");
        c->log_errors  = conf_get_bool(r, "errors.log.enable", 0);
        c->rate_header = httpsrc_conf_get(r, "http.rate.limit.header");
        c->rate_reset_header =
            httpsrc_conf_get(r, "http.rate.limit.reset.header");
        c->rnd = (uint64_t)wall_ms() * 0x9E3779B97F4A7C15ULL | 1;
        if (throttle_init(
                &c->thr,
                (size_t)conf_get_int(r, "http.throttle.max.requests", 0),
                conf_get_int(r, "http.throttle.window.ms", 1000)))
                return HTTPSRC_ERR_NOMEM;
        c->guard = netguard_new(r, errstr, errstr_size);
        if (!c->guard && errstr && *errstr)
                return HTTPSRC_ERR_INVAL;
        c->hopts.guard = c->guard;
        c->tls         = tls_conf_new(r, errstr, errstr_size);
        c->hopts.tls   = c->tls;
        c->hopts.connect_timeout_ms =
            (long)conf_get_int(r, "http.connect.timeout.ms", 10000);
        c->hopts.timeout_ms =
            (long)conf_get_int(r, "http.request.timeout.ms", 30000);
        c->hopts.max_bytes =
            (size_t)conf_get_int(r, "http.response.max.bytes", 64 << 20);
        /* The connector follows redirects itself: a hop to another origin
         * must go without the credentials (task_poll.c). */
        c->hopts.no_follow = 1;
        c->max_depth = (size_t)conf_get_int(r, "http.response.max.depth", 128);
        c->max_record_bytes =
            (size_t)conf_get_int(r, "http.response.max.record.bytes", 1000000);
        return c->tls ? HTTPSRC_OK : HTTPSRC_ERR_INVAL;
}

/* CURSOR_PAGINATION (Confluent): the next-page token is the offset and
 * travels as ${offset}; use the CURSOR paginator without a query param. */
static int confluent_cursor(task *c, char *errstr, size_t errstr_size)
{
        if (!strcaseeq(httpsrc_conf_get(c->rconf, "http.offset.mode"),
                       "CURSOR_PAGINATION"))
                return HTTPSRC_OK;
        char why[256];
        if (!conf_get_set(c->rconf, "http.pagination.type") &&
            httpsrc_conf_set(c->rconf, "http.pagination.type", "CURSOR", why,
                             sizeof(why)) != HTTPSRC_CONF_OK)
                return HTTPSRC_ERR_INVAL;
        if (!conf_get_set(c->rconf, "http.pagination.cursor.param"))
                httpsrc_conf_set(c->rconf, "http.pagination.cursor.param", "",
                                 why, sizeof(why));
        (void)errstr;
        (void)errstr_size;
        return HTTPSRC_OK;
}

/* "$.data[*]" -> "$.data": where an empty page still has its array. */
static int records_parent(task *c)
{
        const char *rp = jsonpath_expr(c->records_path);
        size_t n       = strlen(rp), cut = 0;
        if (n > 3 && strcmp(rp + n - 3, "[*]") == 0)
                cut = 3;
        else if (n > 2 && strcmp(rp + n - 2, ".*") == 0)
                cut = 2;
        if (!cut)
                return HTTPSRC_OK;
        char *parent = xstrndup(rp, n - cut);
        c->records_parent =
            parent ? jsonpath_compile(parent, NULL, 0) : NULL;
        free(parent);
        return c->records_parent ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
}

/* http.credentials.allowed.origins: each entry a bare origin. */
static int parse_cred_origins(task *c, char *errstr, size_t errstr_size)
{
        const char *key = "http.credentials.allowed.origins";
        const char *v   = httpsrc_conf_get(c->rconf, key);
        char *copy = xstrdup(v ? v : ""), *save = NULL;
        strbuf o   = {0};
        int rc     = copy ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !rc;
             t       = strtok_r(NULL, ",", &save)) {
                if (!*(t = strtrim(t)))
                        continue;
                size_t n = strlen(t);
                while (n && t[n - 1] == '/')
                        t[--n] = '\0';
                const char *sep = strstr(t, "://");
                rc              = sep && !strpbrk(sep + 3, "/?#@")
                                      ? http_url_origin(t, &o)
                                      : HTTPSRC_ERR_INVAL;
                char **nv       = rc ? NULL
                                     : realloc(c->cred_origins,
                                               (c->n_cred_origins + 1) *
                                                   sizeof(*nv));
                if (rc == HTTPSRC_ERR_INVAL)
                        errstr_set(errstr, errstr_size,
                                   "%s: '%s' is not an origin (expected "
                                   "scheme://host[:port], e.g. "
                                   "https://api.example.com)",
                                   key, t);
                else if (!rc && !nv)
                        rc = HTTPSRC_ERR_NOMEM;
                else if (!rc) {
                        c->cred_origins                      = nv;
                        c->cred_origins[c->n_cred_origins++] = sb_steal(&o);
                }
        }
        sb_free(&o);
        free(copy);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "%s: out of memory", key);
        return rc;
}

static int setup_request(task *c, char *errstr, size_t errstr_size)
{
        const httpsrc_conf *r = c->rconf;
        c->name               = httpsrc_conf_get(c->conf, "name");
        c->topic              = httpsrc_conf_get(r, "kafka.topic");
        c->url                = httpsrc_conf_get(r, "http.url");
        c->method             = httpsrc_conf_get(r, "http.method");
        c->body               = httpsrc_conf_get(r, "http.request.body");
        c->params             = httpsrc_conf_get(r, "http.request.parameters");
        char why[256];
        c->records_path =
            jsonpath_compile(httpsrc_conf_get(r, "http.response.records.path"),
                             why, sizeof(why));
        if (!c->records_path) {
                errstr_set(errstr, errstr_size,
                           "http.response.records.path: %s", why);
                return HTTPSRC_ERR_INVAL;
        }
        if (records_parent(c))
                return HTTPSRC_ERR_NOMEM;
        if (conf_get_bool(r, "http.response.records.expand", 0) &&
            !(c->expand_path = jsonpath_compile("$[*]", NULL, 0)))
                return HTTPSRC_ERR_NOMEM;
        if (parse_cred_origins(c, errstr, errstr_size))
                return HTTPSRC_ERR_INVAL;
        return parse_headers(c, httpsrc_conf_get(r, "http.headers"), errstr,
                             errstr_size);
}

static int setup(task *c, char *errstr, size_t errstr_size)
{
        c->source.conn = c->auth.conn = c->paginator.conn = c;
        c->source.prefix = c->auth.prefix = c->paginator.prefix = "";
        c->name = httpsrc_conf_get(c->conf, "name");
        int rc  = httpsrc_conf_check(c->conf, errstr, errstr_size);
        if (!rc)
                rc = resolve_secrets(c, errstr, errstr_size);
        if (!rc)
                rc = confluent_cursor(c, errstr, errstr_size);
        if (!rc)
                rc = setup_request(c, errstr, errstr_size);
        if (!rc)
                rc = setup_converters(c, errstr, errstr_size);
        if (!rc)
                rc = pick_source(c, errstr, errstr_size);
        if (!rc)
                rc = pick(c, HTTPSRC_KIND_AUTH, "http.auth.type", "auth type",
                          &c->auth.comp, errstr, errstr_size);
        if (!rc)
                rc = pick(c, HTTPSRC_KIND_PAGINATOR, "http.pagination.type",
                          "pagination type", &c->paginator.comp, errstr,
                          errstr_size);
        if (!rc)
                rc = setup_transforms(c, errstr, errstr_size);
        if (!rc)
                rc = check_keys(c, errstr, errstr_size);
        if (!rc)
                rc = setup_offsets(c, errstr, errstr_size);
        if (!rc)
                rc = check_templates(c, errstr, errstr_size);
        if (!rc)
                rc = setup_timer(c, errstr, errstr_size);
        if (!rc)
                rc = setup_policy(c, errstr, errstr_size);
        return rc;
}

/* PASSWORD keys (core and the auth plugin's) join the resolved values
 * as known secrets: an API that echoes a password written in the config
 * gets it redacted too. */
static int collect_passwords(task *c)
{
        for (size_t i = 0; i < httpsrc_conf_count(c->rconf); i++) {
                const char *k, *v;
                httpsrc_conf_at(c->rconf, i, &k, &v);
                const httpsrc_param_desc *d =
                    conf_param_find(conf_connector_params, k);
                if (!d && c->auth.comp)
                        d = conf_param_find(plugin_component_params(c->auth.comp), k);
                if (!d || d->type != HTTPSRC_PARAM_PASSWORD || !v || !*v)
                        continue;
                char **nv = realloc(c->secret_vals,
                                    (c->n_secret_vals + 1) * sizeof(*nv));
                if (!nv)
                        return HTTPSRC_ERR_NOMEM;
                c->secret_vals = nv;
                if (!(nv[c->n_secret_vals] = xstrdup(v)))
                        return HTTPSRC_ERR_NOMEM;
                c->n_secret_vals++;
        }
        return HTTPSRC_OK;
}

/* The source partition names the URL as written: with placeholders, not
 * with the secrets they stand for (the offset file is not a secret store). */
static int make_partition(task *c)
{
        const char *url = httpsrc_conf_get(c->conf, "http.url");
        strbuf sb       = {0};
        if (sb_puts(&sb, "{\"url\":") ||
            json_write_string(&sb, url, strlen(url)) || sb_putc(&sb, '}')) {
                sb_free(&sb);
                return HTTPSRC_ERR_NOMEM;
        }
        c->partition_json = sb_steal(&sb);
        return HTTPSRC_OK;
}

/* KIP-618's connector keys against the worker's exactly-once support. */
static int eos_setup(task *c, char *errstr, size_t errstr_size)
{
        const char *support  = httpsrc_conf_get(c->conf, "exactly.once.support");
        const char *boundary = httpsrc_conf_get(c->conf, "transaction.boundary");
        /* A record callback (embedding) takes the records, not Kafka. */
        c->eos = txn_worker_enabled(c->env.worker) &&
                 !(c->env.sink && (c->env.sink->cb || c->env.sink->rcb));
        if (!c->eos && support && !strcmp(support, "required")) {
                errstr_set(errstr, errstr_size,
                           "exactly.once.support: required, but the "
                           "worker's exactly.once.source.support is not "
                           "enabled");
                return HTTPSRC_ERR_INVAL;
        }
        if (c->eos && boundary && !strcmp(boundary, "connector")) {
                errstr_set(errstr, errstr_size,
                           "transaction.boundary: connector, but this "
                           "connector does not define transaction "
                           "boundaries: use poll (a transaction per page) "
                           "or interval");
                return HTTPSRC_ERR_INVAL;
        }
        c->eos_interval = c->eos && boundary && !strcmp(boundary, "interval");
        c->eos_interval_ms =
            conf_get_int(c->conf, "transaction.boundary.interval.ms", 60000);
        return HTTPSRC_OK;
}

/* As Connect's task start: init_transactions first (a zombie with the
 * same transactional.id can commit no more), then read the offsets topic
 * again, so that the offset includes what the zombie committed before it
 * was fenced. To the last stable offset: a distributed worker has read
 * past the open transactions already, after fencing the tasks it starts
 * (herder_distributed.c); a standalone worker's own other tasks, not
 * started yet, would hold such a read. Only with the topic store: a
 * validation's scratch store must not fence the running connector. */
static int eos_fence(task *c, char *errstr, size_t errstr_size)
{
        if (!c->eos || !offset_store_has_backend(c->env.offsets))
                return HTTPSRC_OK;
        c->txn = txn_new(c->env.worker, c->name, c->env.lg, eos_delivered,
                         NULL, errstr, errstr_size);
        if (!c->txn)
                return HTTPSRC_ERR_KAFKA;
        return offset_store_refresh(c->env.offsets, 0, errstr, errstr_size);
}

task *task_new(const conn_env *env,
               httpsrc_conf *conf,
               char *errstr,
               size_t errstr_size)
{
        task *c = calloc(1, sizeof(*c));
        if (!c) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        c->env  = *env;
        c->conf = conf;
        keyset_init(&c->poll_keys, PAGE_KEYS_MAX);
        sched_node_init(&c->sched, c);
        c->track_topics =
            conf_get_bool(env->worker, "topic.tracking.enable", 1);
        int rc = setup(c, errstr, errstr_size);
        if (!rc)
                rc = eos_setup(c, errstr, errstr_size);
        if (!rc)
                rc = collect_passwords(c);
        if (!rc)
                rc = make_partition(c);
        if (!rc)
                rc = eos_fence(c, errstr, errstr_size);
        if (!rc)
                rc = offset_load(c, errstr, errstr_size);
        if (!rc)
                rc = create_instances(c, errstr, errstr_size);
        if (rc) {
                c->conf = NULL; /* stays the caller's on failure */
                task_destroy(c);
                return NULL;
        }
        c->m.struct_size = sizeof(c->m);
        c->next_poll_at  = mono_ms();
        c->target        = TARGET_STARTED;
        char what[512];
        conn_describe(c, c->url, what, sizeof(what));
        log_msg(env->lg, HTTPSRC_LOG_INFO, c->name,
                "connector created: %s -> topic %s, pagination %s, "
                "auth %s, %zu transform(s)%s%s",
                what, c->topic, c->paginator.comp->name, c->auth.comp->name,
                c->n_transforms, c->offset_json ? ", resuming at " : "",
                c->offset_json ? c->offset_json : "");
        return c;
}

task *
task_new_failed(const conn_env *env, httpsrc_conf *conf, const char *reason)
{
        task *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->env  = *env;
        c->conf = conf;
        c->name = httpsrc_conf_get(conf, "name");
        sched_node_init(&c->sched, c);
        c->m.struct_size = sizeof(c->m);
        c->target        = TARGET_STARTED;
        conn_fail(c, "%s", reason);
        return c;
}

static void free_ctxs(httpsrc_ctx *x, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                destroy_instance(&x[i]);
                free((char *)x[i].prefix);
        }
}

void task_destroy(task *c)
{
        if (!c)
                return;
        task_stop(c);
        txn_destroy(c->txn);
        while (c->head) {
                page *pg = c->head;
                c->head  = pg->next;
                page_free(pg);
        }
        for (size_t i = 0; i < c->n_transforms; i++)
                free_ctxs(&c->transforms[i].ctx, 1);
        free(c->transforms);
        free_ctxs(c->predicates, c->n_predicates);
        free(c->predicates);
        destroy_instance(&c->paginator);
        destroy_instance(&c->auth);
        destroy_instance(&c->source);
        for (size_t i = 0; i < c->n_hdrs; i++) {
                free(c->hdrs[i].name);
                free(c->hdrs[i].value);
        }
        free(c->hdrs);
        strv_free(c->cred_origins, c->n_cred_origins);
        free(c->warned_origin);
        free(c->redirect_url);
        jsonpath_destroy(c->records_path);
        jsonpath_destroy(c->expand_path);
        jsonpath_destroy(c->records_parent);
        jsonpath_destroy(c->offs_field);
        converter_destroy(c->key_conv);
        converter_destroy(c->value_conv);
        cron_destroy(c->cron);
        cron_zone_destroy(c->zone);
        tls_conf_destroy(c->tls);
        netguard_destroy(c->guard);
        throttle_free(&c->thr);
        record_free(&c->rec);
        sb_free(&c->kout);
        sb_free(&c->vout);
        sb_free(&c->rec_offset);
        free(c->partition_json);
        free(c->read_key);
        free(c->last_full_key);
        free(c->cur_key);
        keyset_clear(&c->poll_keys);
        free(c->cycle_key);
        free(c->sent_url);
        free(c->read_value);
        free(c->poll_value);
        free(c->offset_json);
        task_reset_topics(c);
        httpsrc_conf_destroy(c->rconf);
        for (size_t i = 0; i < c->n_secret_vals; i++)
                memset(c->secret_vals[i], 0, strlen(c->secret_vals[i]));
        strv_free(c->secret_vals, c->n_secret_vals);
        strv_free(c->secret_refs, c->n_secret_refs);
        httpsrc_conf_destroy(c->conf);
        free(c);
}

/* ------------------------------------------------------------------ */
/* queries                                                             */

const char *task_name(const task *c)
{
        return c->name;
}

const char *task_topic(const task *c)
{
        return c->topic;
}

int task_is_failed(const task *c)
{
        return task_failed(c);
}

const char *task_failure(const task *c)
{
        return task_failed(c) ? c->failure : NULL;
}

uint64_t task_pages(const task *c)
{
        return c->pages;
}

void task_fail(task *c, const char *reason)
{
        conn_fail(c, "%s", reason);
}

const char *task_warning(const task *c)
{
        /* A wait the server imposed shows while it lasts. */
        if (c->wait_note[0] && c->st.wait_until_ms > wall_ms())
                return c->wait_note;
        return c->warning[0] ? c->warning : NULL;
}

int task_caught_up(const task *c)
{
        return c->caught_up;
}

sched_node *task_sched_node(task *c)
{
        return &c->sched;
}

size_t task_topics(const task *c, char *const **topics)
{
        *topics = c->topics;
        return c->n_topics;
}

void task_reset_topics(task *c)
{
        strv_free(c->topics, c->n_topics);
        c->topics   = NULL;
        c->n_topics = 0;
}

char **task_take_topics(task *c, size_t *n)
{
        char **t    = c->topics;
        *n          = c->n_topics;
        c->topics   = NULL;
        c->n_topics = 0;
        return t;
}

void task_give_topics(task *c, char **topics, size_t n)
{
        task_reset_topics(c);
        c->topics   = topics;
        c->n_topics = n;
}

int task_handing_over(const task *c)
{
        return c->pq_head != NULL;
}

int task_busy(const task *c)
{
        return task_in_poll(c) || c->pq_head || c->outstanding > 0;
}

void task_metrics(const task *c, httpsrc_metrics *m)
{
        httpsrc_metrics full = c->m;
        full.state           = task_status(c);
        size_t n =
            m->struct_size < sizeof(full) ? m->struct_size : sizeof(full);
        uint32_t size = m->struct_size;
        memcpy(m, &full, n);
        m->struct_size = size;
}

const struct conn_stats *task_stats(const task *c)
{
        return &c->st;
}

size_t task_outstanding(const task *c)
{
        return c->outstanding;
}

int task_status(const task *c)
{
        return task_failed(c) ? HTTPSRC_STATE_FAILED : (int)c->target;
}

target_state task_target(const task *c)
{
        return c->target;
}

const struct secrets *task_secrets(const task *c)
{
        return c->env.secrets;
}

const httpsrc_conf *task_conf(const task *c)
{
        return c->conf;
}

const char *task_offset(const task *c)
{
        return c->offset_json;
}

/* ------------------------------------------------------------------ */
/* services for plugins                                                */

const char *task_conf_get(httpsrc_ctx *ctx, const char *key)
{
        char full[512];
        snprintf(full, sizeof(full), "%s%s", ctx->prefix, key);
        const char *v = conf_get_set(ctx->conn->rconf, full);
        if (v)
                return v;
        const httpsrc_param_desc *d =
            conf_param_find(plugin_component_params(ctx->comp), key);
        if (d && d->default_value)
                return d->default_value;
        return httpsrc_conf_get(ctx->conn->rconf, full);
}

void task_vlog(httpsrc_ctx *ctx, int level, const char *fmt, va_list ap)
{
        char line[900];
        vsnprintf(line, sizeof(line), fmt, ap);
        log_msg(ctx->conn->env.lg, level, ctx->conn->name, "%s: %s",
                ctx->comp ? ctx->comp->name : "source", line);
}

int task_vset_error(httpsrc_ctx *ctx, int code, const char *fmt, va_list ap)
{
        vsnprintf(ctx->conn->plugin_err, sizeof(ctx->conn->plugin_err), fmt,
                  ap);
        return code;
}
