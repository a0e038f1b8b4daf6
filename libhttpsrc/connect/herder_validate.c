/* connect layer: the standalone herder's plugin side
 * (herder_standalone_impl.h): config validation (one declared-keys
 * table, three layers; starts nothing), the plugin lists and their
 * config definitions, ConfigInfos for config/validate, and a preview.
 * Loop thread, but a preview: the caller's.
 */
#include "herder_standalone_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "converter_int.h"

/* ------------------------------------------------------------------ */
/* validation: one declared-keys table, three layers                   */

/* Check @p cfg as creating the connector would; every problem goes to
 * @p errs as (key, "<key>: <reason>") (conf_int.h). Starts nothing.
 * Returns the conf built (the caller owns it), NULL on ENOMEM. */
static httpsrc_conf *
validate(const herder_runtime *rt, const kvlist *cfg, kvlist *errs)
{
        int clean;
        httpsrc_conf *conf =
            conf_validate(HTTPSRC_SCOPE_CONNECTOR, cfg, errs, &clean);
        /* Plugin keys too, even with a core key refused: every bad key of
         * the config in one answer. */
        kvlist found = {0};
        if (conf && clean &&
            (rt_validate(rt, conf, &found) ||
             conf_problem_merge(errs, errs->n, &found))) {
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&found);
        return conf;
}

/* "name" in a config must equal the connector's name. */
int sa_name_matches(hq *q, const kvlist *cfg, const char *name)
{
        const char *included = kvl_get(cfg, "name");
        if (!included || !strcmp(included, name))
                return 1;
        hq_error(q, HERDER_BAD_REQUEST,
                    "Connector name configuration (%s) doesn't match "
                    "connector name in the URL (%s)",
                    included, name);
        return 0;
}

/* 400 "Connector configuration is invalid and contains the following N
 * error(s): ..." (AbstractHerder.maybeAddConfigErrors), one line each. */
static void reply_invalid(hq *q, const kvlist *errs)
{
        strbuf msg = {0};
        int bad    = sb_printf(&msg,
                               "Connector configuration is invalid and "
                               "contains the following %zu error(s):",
                               errs->n);
        for (size_t i = 0; !bad && i < errs->n; i++)
                bad = sb_printf(&msg, "\n%s", errs->v[i].value);
        bad = bad || sb_puts(&msg, "\nYou can also find the above list of "
                                   "errors at the endpoint "
                                   "`/connector-plugins/{connectorType}/"
                                   "config/validate`");
        if (bad)
                q->oom = 1;
        else
                hq_error_text(q, HERDER_BAD_REQUEST, msg.buf);
        sb_free(&msg);
}

/* Validate, answering 400 (or ENOMEM) on problems. */
httpsrc_conf *
sa_valid_conf(hq *q, const herder_runtime *rt, const kvlist *cfg)
{
        kvlist errs        = {0};
        httpsrc_conf *conf = validate(rt, cfg, &errs);
        if (!conf)
                q->oom = 1;
        else if (errs.n)
                reply_invalid(q, &errs);
        if (errs.n) {
                httpsrc_conf_destroy(conf);
                conf = NULL;
        }
        kvl_free(&errs);
        return conf;
}

/* ------------------------------------------------------------------ */
/* plugins                                                             */

enum plugin_kind {
        PK_NONE,
        PK_BUILTIN,
        PK_SOURCE,
        PK_TRANSFORM,
        PK_PREDICATE,
        PK_CONVERTER
};

typedef struct plugin_ref {
        enum plugin_kind kind;
        const plugin_component *pc;
        const char *cls; /* converters: the class */
} plugin_ref;

/* Connect's normalizedPluginName: the simple name without "Connector". */
static size_t normalized(const char *name, const char **start)
{
        const char *dot = strrchr(name, '.');
        *start          = dot ? dot + 1 : name;
        size_t n = strlen(*start), suffix = strlen("Connector");
        if (n > suffix && !strcmp(*start + n - suffix, "Connector"))
                n -= suffix;
        return n;
}

static int is_builtin_source(const char *name)
{
        const char *s;
        size_t n = normalized(name, &s);
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                if (!strcmp(plugin_builtin_sources[i], name))
                        return 1;
        return n == strlen("HttpSource") && !strncmp(s, "HttpSource", n);
}

static plugin_ref find_source(const herder_runtime *rt, const char *name)
{
        plugin_ref ref = {PK_NONE, NULL, NULL};
        if (is_builtin_source(name))
                ref.kind = PK_BUILTIN;
        else if ((ref.pc = plugin_registry_find(rt->plugins,
                                                HTTPSRC_KIND_SOURCE, name)))
                ref.kind = PK_SOURCE;
        return ref;
}

static plugin_ref find_plugin(const herder_runtime *rt, const char *name)
{
        plugin_ref ref             = find_source(rt, name);
        const plugin_registry *reg = rt->plugins;
        if (ref.kind != PK_NONE)
                return ref;
        if ((ref.pc = plugin_registry_find(reg, HTTPSRC_KIND_TRANSFORM, name)))
                ref.kind = PK_TRANSFORM;
        else if ((ref.pc =
                      plugin_registry_find(reg, HTTPSRC_KIND_PREDICATE, name)))
                ref.kind = PK_PREDICATE;
        if (ref.kind == PK_NONE && (ref.cls = converter_class_of(name)))
                ref.kind = PK_CONVERTER;
        return ref;
}

static const char *comp_version(const plugin_component *pc)
{
        const char *v = pc->plugin ? loaded_plugin_version(pc->plugin) : NULL;
        return v && *v ? v : httpsrc_version_str();
}

static void o_plugin(hq *q,
                     int *first,
                     const char *cls,
                     const char *type,
                     const char *version)
{
        hq_raw(q, *first ? "{\"class\":" : ",{\"class\":");
        *first = 0;
        hq_str(q, cls);
        hq_raw(q, ",\"type\":");
        hq_str(q, type);
        if (version && *version) {
                hq_raw(q, ",\"version\":");
                hq_str(q, version);
        }
        hq_raw(q, "}");
}

static void o_components(
    hq *q, const herder_runtime *rt, int kind, const char *type, int *first)
{
        const plugin_registry *reg = rt->plugins;
        for (size_t i = 0; i < plugin_registry_count(reg, kind); i++) {
                const plugin_component *pc = plugin_registry_at(reg, kind, i);
                o_plugin(q, first, pc->name, type, comp_version(pc));
        }
}

/* ConfigKeyInfo of a declared key (named @p full, e.g. with a
 * transforms.<alias>. prefix). */
static void
o_key_info(hq *q, const httpsrc_param_desc *d, const char *full, int order)
{
        static const char *const types[] = {"STRING", "INT",   "BOOLEAN",
                                            "STRING", "LIST",  "PASSWORD",
                                            "STRING", "STRING"};
        const char *type = d->type >= 0 && d->type <= HTTPSRC_PARAM_CRON
                               ? types[d->type]
                               : "STRING";
        if (d->type == HTTPSRC_PARAM_INT &&
            (d->max > INT32_MAX || d->min < INT32_MIN || (!d->min && !d->max)))
                type = "LONG";
        int required = (d->flags & HTTPSRC_PARAM_F_REQUIRED) != 0;
        hq_raw(q, "{\"name\":");
        hq_str(q, full);
        hq_fmt(q, ",\"type\":\"%s\",\"required\":%s,\"default_value\":", type,
              required ? "true" : "false");
        hq_str(q, d->default_value);
        hq_fmt(q, ",\"importance\":\"%s\",\"documentation\":",
              required ? "HIGH" : "MEDIUM");
        hq_str(q, d->doc ? d->doc : "");
        hq_raw(q, ",\"group\":");
        hq_str(q, d->group);
        hq_fmt(q, ",\"order\":%d,\"width\":\"NONE\",\"display_name\":", order);
        hq_str(q, full);
        hq_raw(q, ",\"dependents\":[]}");
}

static void o_params(hq *q, const httpsrc_param_desc *d, int *order)
{
        for (; d && d->name; d++) {
                hq_raw(q, *order ? "," : "");
                o_key_info(q, d, d->name, ++*order);
        }
}

/* ------------------------------------------------------------------ */
/* ConfigInfos (validate)                                              */

/* The declaration of a key a plugin owns: auth and paginator keys are
 * full names; transforms.<alias>.<key> and predicates.<alias>.<key>
 * belong to the type the config gives the alias. */
static const httpsrc_param_desc *
plugin_key(const herder_runtime *rt, const kvlist *cfg, const char *key)
{
        static const struct {
                const char *ns;
                int kind;
        } aliased[]                = {{"transforms.", HTTPSRC_KIND_TRANSFORM},
                                      {"predicates.", HTTPSRC_KIND_PREDICATE}};
        const plugin_registry *reg = rt->plugins;
        for (size_t a = 0; a < 2; a++) {
                size_t ns       = strlen(aliased[a].ns);
                const char *dot = strncmp(key, aliased[a].ns, ns)
                                      ? NULL
                                      : strchr(key + ns, '.');
                if (!dot)
                        continue;
                char type_key[512];
                snprintf(type_key, sizeof(type_key), "%.*stype",
                         (int)(dot + 1 - key), key);
                const char *type = kvl_get(cfg, type_key);
                const plugin_component *pc =
                    type ? plugin_registry_find(reg, aliased[a].kind, type)
                         : NULL;
                return pc ? conf_param_find(plugin_component_params(pc),
                                            dot + 1)
                          : NULL;
        }
        static const int kinds[] = {HTTPSRC_KIND_AUTH, HTTPSRC_KIND_PAGINATOR};
        for (size_t k = 0; k < 2; k++)
                for (size_t i = 0; i < plugin_registry_count(reg, kinds[k]);
                     i++) {
                        const plugin_component *pc =
                            plugin_registry_at(reg, kinds[k], i);
                        const httpsrc_param_desc *d =
                            conf_param_find(plugin_component_params(pc), key);
                        if (d)
                                return d;
                }
        return NULL;
}

static void o_value_info(hq *q,
                         const char *key,
                         const char *value,
                         int password,
                         const kvlist *errs,
                         int *n_errs)
{
        hq_raw(q, "{\"name\":");
        hq_str(q, key);
        hq_raw(q, ",\"value\":");
        hq_str(q, value && password ? "[hidden]" : value);
        hq_raw(q, ",\"recommended_values\":[],\"errors\":[");
        int first = 1;
        for (size_t i = 0; i < errs->n; i++) {
                if (strcmp(errs->v[i].key, key))
                        continue;
                hq_raw(q, first ? "" : ",");
                hq_str(q, errs->v[i].value);
                first = 0;
                ++*n_errs;
        }
        hq_raw(q, "],\"visible\":true}");
}

typedef struct cfg_entry {
        const char *key;
        const httpsrc_param_desc *d; /* NULL: not declared */
} cfg_entry;

/* Every declared key, then the config's and the errors' other keys. */
static size_t collect_entries(const herder_runtime *rt,
                              const plugin_ref *src,
                              const kvlist *cfg,
                              const kvlist *errs,
                              cfg_entry *out,
                              size_t cap)
{
        size_t n                            = 0;
        const httpsrc_param_desc *tables[2] = {
            httpsrc_conf_params(HTTPSRC_SCOPE_CONNECTOR),
            src->pc ? plugin_component_params(src->pc) : NULL};
        for (size_t t = 0; t < 2; t++)
                for (const httpsrc_param_desc *d = tables[t];
                     d && d->name && n < cap; d++)
                        out[n++] = (cfg_entry){d->name, d};
        const kvlist *lists[2] = {cfg, errs};
        for (size_t l = 0; l < 2; l++)
                for (size_t i = 0; i < lists[l]->n && n < cap; i++) {
                        const char *k = lists[l]->v[i].key;
                        size_t j      = 0;
                        while (j < n && strcmp(out[j].key, k))
                                j++;
                        if (j == n)
                                out[n++] =
                                    (cfg_entry){k, plugin_key(rt, cfg, k)};
                }
        return n;
}

static void o_groups(hq *q, const cfg_entry *e, size_t n)
{
        int first = 1;
        hq_raw(q, "[");
        for (size_t i = 0; i < n; i++) {
                const char *g = e[i].d ? e[i].d->group : NULL;
                size_t j      = 0;
                while (g && j < i &&
                       !(e[j].d && e[j].d->group && !strcmp(e[j].d->group, g)))
                        j++;
                if (!g || j < i)
                        continue;
                hq_raw(q, first ? "" : ",");
                hq_str(q, g);
                first = 0;
        }
        hq_raw(q, "]");
}

static void o_config_infos(hq *q,
                           const herder_runtime *rt,
                           const plugin_ref *src,
                           const kvlist *cfg,
                           const kvlist *errs)
{
        size_t cap   = 256 + cfg->n + errs->n;
        cfg_entry *e = calloc(cap, sizeof(*e));
        if (!e) {
                q->oom = 1;
                return;
        }
        size_t n = collect_entries(rt, src, cfg, errs, e, cap);
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"name\":");
        hq_str(q, kvl_get(cfg, "connector.class"));
        hq_fmt(q, ",\"error_count\":%zu,\"groups\":", errs->n);
        o_groups(q, e, n);
        hq_raw(q, ",\"configs\":[");
        int counted = 0;
        for (size_t i = 0; i < n; i++) {
                hq_raw(q, i ? ",{\"definition\":" : "{\"definition\":");
                if (e[i].d)
                        o_key_info(q, e[i].d, e[i].key, (int)i + 1);
                else
                        hq_raw(q, "null");
                hq_raw(q, ",\"value\":");
                o_value_info(q, e[i].key, kvl_get(cfg, e[i].key),
                             e[i].d && e[i].d->type == HTTPSRC_PARAM_PASSWORD,
                             errs, &counted);
                hq_raw(q, "}");
        }
        hq_raw(q, "]}");
        free(e);
}

/* ------------------------------------------------------------------ */
/* handlers: plugins, validation, preview                              */

void sa_plugins(hq *q, const herder_runtime *rt)
{
        int first = 1, only = (q->rq->flags & HERDER_F_CONNECTORS_ONLY) != 0;
        hq_reply(q, HERDER_OK);
        hq_raw(q, "[");
        for (size_t i = 0; plugin_builtin_sources[i]; i++)
                o_plugin(q, &first, plugin_builtin_sources[i], "source",
                         httpsrc_version_str());
        o_components(q, rt, HTTPSRC_KIND_SOURCE, "source", &first);
        if (!only) {
                o_components(q, rt, HTTPSRC_KIND_TRANSFORM, "transformation",
                             &first);
                o_components(q, rt, HTTPSRC_KIND_PREDICATE, "predicate",
                             &first);
                for (size_t i = 0; converter_class_at(i); i++)
                        o_plugin(q, &first, converter_class_at(i), "converter",
                                 httpsrc_version_str());
        }
        hq_raw(q, "]");
}

void sa_plugin_config(hq *q, const herder_runtime *rt)
{
        static const httpsrc_param_desc json_params[] = {
            {.name          = "schemas.enable",
             .type          = HTTPSRC_PARAM_BOOL,
             .default_value = "false",
             .doc   = "Include schemas within each of the serialized values "
                      "and keys",
             .group = "Schemas"},
            {.name = NULL}};
        plugin_ref ref = find_plugin(rt, q->arg[0]);
        int order      = 0;
        if (ref.kind == PK_NONE) {
                hq_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                return;
        }
        hq_reply(q, HERDER_OK);
        hq_raw(q, "[");
        if (ref.kind == PK_BUILTIN || ref.kind == PK_SOURCE)
                o_params(q, httpsrc_conf_params(HTTPSRC_SCOPE_CONNECTOR),
                         &order);
        if (ref.pc)
                o_params(q, plugin_component_params(ref.pc), &order);
        if (ref.kind == PK_CONVERTER && !strcmp(ref.cls, CONVERTER_JSON))
                o_params(q, json_params, &order);
        hq_raw(q, "]");
}

/* validate: {p} and an included connector.class must be one plugin. */
static int
same_plugin(const herder_runtime *rt,
            const char *included,
            const char *requested)
{
        plugin_ref a = find_source(rt, included);
        plugin_ref b = find_source(rt, requested);
        if (a.kind != PK_NONE && b.kind != PK_NONE)
                return a.kind == b.kind && a.pc == b.pc;
        const char *sa, *sb;
        size_t na = normalized(included, &sa), nb = normalized(requested, &sb);
        return na >= nb && !strncmp(sa + na - nb, sb, nb);
}

void sa_validate(hq *q, const herder_runtime *rt)
{
        kvlist *cfg = q->cfg, errs = {0};
        plugin_ref src       = find_source(rt, q->arg[0]);
        const char *included = kvl_get(cfg, "connector.class");
        if (src.kind == PK_NONE) {
                hq_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
        } else if (included && !same_plugin(rt, included, q->arg[0])) {
                hq_error(q, HERDER_BAD_REQUEST,
                            "Included connector type %s does not match "
                            "request type %s",
                            included, q->arg[0]);
        } else if (!included && kvl_set(cfg, "connector.class", q->arg[0])) {
                q->oom = 1;
        } else {
                httpsrc_conf *conf = validate(rt, cfg, &errs);
                if (!conf)
                        q->oom = 1;
                else
                        o_config_infos(q, rt, &src, cfg, &errs);
                httpsrc_conf_destroy(conf);
        }
        kvl_free(&errs);
}

static httpsrc_conf *preview_conf_of(hq *q, const kvlist *cfg)
{
        char err[1024];
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        for (size_t i = 0; conf && i < cfg->n; i++) {
                if (httpsrc_conf_set(conf, cfg->v[i].key, cfg->v[i].value, err,
                                     sizeof(err)) == HTTPSRC_CONF_OK)
                        continue;
                hq_error(q, HERDER_BAD_REQUEST, "%s", err);
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        q->oom |= !conf;
        return conf;
}

void sa_preview(hq *q, const herder_runtime *rt)
{
        kvlist *cfg        = q->cfg;
        long pages         = q->rq->pages;
        httpsrc_conf *conf = NULL;
        strbuf out         = {0};
        if (find_source(rt, q->arg[0]).kind == PK_NONE) {
                hq_error(q, HERDER_NOT_FOUND, "Unknown plugin %s.",
                            q->arg[0]);
                goto done;
        }
        if ((!kvl_get(cfg, "connector.class") &&
             kvl_set(cfg, "connector.class", q->arg[0])) ||
            (!kvl_get(cfg, "name") && kvl_set(cfg, "name", "preview"))) {
                q->oom = 1;
                goto done;
        }
        if (!(conf = preview_conf_of(q, cfg)))
                goto done;
        if (rt_preview(rt, conf, (size_t)pages, &out) ==
            HTTPSRC_ERR_NOMEM) {
                q->oom = 1;
                goto done;
        }
        hq_reply(q, HERDER_OK);
        hq_raw(q, out.buf ? out.buf : "");
done:
        sb_free(&out);
        httpsrc_conf_destroy(conf);
}
