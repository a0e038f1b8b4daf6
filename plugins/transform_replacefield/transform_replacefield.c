/* Transform org.apache.kafka.connect.transforms.ReplaceField$Value / $Key
 * (schemaless): drop, keep and rename fields of the value (key) object, as
 * Kafka Connect does:
 *
 *     Map<String, Object> updated = new HashMap<>(value.size());
 *     for (Map.Entry<String, Object> e : value.entrySet())
 *             if (!exclude.contains(name) &&
 *                 (include.isEmpty() || include.contains(name)))
 *                     updated.put(renamed(name), e.getValue());
 *
 * so the result comes out in HashMap order (java_hashmap.h); fields renamed
 * onto the same name keep the later value in the earlier one's place.
 * blacklist / whitelist are the pre-3.0 names of exclude / include, used
 * only when the new key is not set. replace.null.with.default only matters
 * with schemas and is accepted for compatibility. A null value (a
 * tombstone) passes unchanged. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/smt_map.h"
#include "../common/plugin_util.h"

#define WHO "ReplaceField"

typedef struct rpl_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        smt_part part;
        smt_list exclude;
        smt_list include;
        smt_list from; /* renames: from[i] -> to[i], the last one winning */
        smt_list to;
} rpl_state;

static const httpsrc_param_desc rpl_params[] = {
    {.name  = "exclude",
     .type  = HTTPSRC_PARAM_LIST,
     .doc   = "Fields to exclude. This takes precedence over the fields to "
              "include (default: none)",
     .group = "transform"},
    {.name  = "include",
     .type  = HTTPSRC_PARAM_LIST,
     .doc   = "Fields to include. If specified, only these fields will be "
              "used (default: all)",
     .group = "transform"},
    {.name          = "renames",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "Field rename mappings, e.g. foo:bar,abc:xyz",
     .group         = "transform"},
    {.name  = "blacklist",
     .type  = HTTPSRC_PARAM_LIST,
     .doc   = "Deprecated. Use exclude instead.",
     .group = "transform"},
    {.name  = "whitelist",
     .type  = HTTPSRC_PARAM_LIST,
     .doc   = "Deprecated. Use include instead.",
     .group = "transform"},
    {.name          = "replace.null.with.default",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "true",
     .doc           = "Only applies to records with schemas; no effect here",
     .group         = "transform"},
    {.name = NULL},
};

static void rpl_destroy(void *state)
{
        rpl_state *st = state;
        smt_list_free(st->host, &st->exclude);
        smt_list_free(st->host, &st->include);
        smt_list_free(st->host, &st->from);
        smt_list_free(st->host, &st->to);
        st->host->free(st);
}

/* @p key, or @p old_key (logging that it is deprecated) when @p key is
 * not set. */
static const char *
conf_or_deprecated(rpl_state *st, const char *key, const char *old_key)
{
        const struct httpsrc_host_api *host = st->host;
        const char *v                       = host->conf_get(st->ctx, key);
        const char *old                     = host->conf_get(st->ctx, old_key);

        if (old && v) {
                host->log(st->ctx, HTTPSRC_LOG_WARN,
                          WHO ": %s is ignored: %s is set", old_key, key);
                return v;
        }
        if (old) {
                host->log(st->ctx, HTTPSRC_LOG_WARN,
                          WHO ": %s is deprecated; use %s", old_key, key);
                return old;
        }
        return v;
}

static int rpl_bad_rename(rpl_state *st, const smt_list *all, const char *m)
{
        const struct httpsrc_host_api *host = st->host;
        char *text                          = smt_list_text(host, all);
        int rc = host->set_error(st->ctx, HTTPSRC_ERR_INVAL,
                                 WHO ": Invalid value %s for configuration "
                                     "renames: Invalid rename mapping: %s",
                                 text ? text : "", m);
        host->free(text);
        return rc;
}

/* parseRenameMappings: each entry split(":") into exactly two parts. */
static int rpl_parse_renames(rpl_state *st, const char *value)
{
        const struct httpsrc_host_api *host = st->host;
        smt_list all;
        int rc = smt_list_parse(host, value, &all);

        for (size_t i = 0; rc == HTTPSRC_OK && i < all.n; i++) {
                smt_list parts;
                rc = smt_split_colon(host, all.items[i], &parts);
                if (rc < 0)
                        break;
                if (parts.n != 2)
                        rc = rpl_bad_rename(st, &all, all.items[i]);
                else if (smt_list_add(host, &st->from, parts.items[0],
                                      parts.items[0] + strlen(parts.items[0])) <
                             0 ||
                         smt_list_add(host, &st->to, parts.items[1],
                                      parts.items[1] + strlen(parts.items[1])) <
                             0)
                        rc = HTTPSRC_ERR_NOMEM;
                smt_list_free(host, &parts);
        }
        smt_list_free(host, &all);
        return rc;
}

static int rpl_configure(rpl_state *st)
{
        const struct httpsrc_host_api *host = st->host;
        const char *ex = conf_or_deprecated(st, "exclude", "blacklist");
        const char *in = conf_or_deprecated(st, "include", "whitelist");

        if (smt_list_parse(host, ex, &st->exclude) < 0 ||
            smt_list_parse(host, in, &st->include) < 0)
                return HTTPSRC_ERR_NOMEM;
        return rpl_parse_renames(st, host->conf_get(st->ctx, "renames"));
}

static int
rpl_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state, smt_part part)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        rpl_state *st                       = host->alloc(sizeof(*st));

        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        st->part = part;
        int rc   = rpl_configure(st);
        if (rc < 0) {
                if (rc == HTTPSRC_ERR_NOMEM)
                        host->set_error(ctx, rc, "out of memory");
                rpl_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

static int rpl_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return rpl_create(ctx, plugin_ctx, state, SMT_VALUE);
}

static int rpl_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return rpl_create(ctx, plugin_ctx, state, SMT_KEY);
}

static int rpl_keep(const rpl_state *st, const char *name)
{
        return !smt_list_has(&st->exclude, name) &&
               (st->include.n == 0 || smt_list_has(&st->include, name));
}

static const char *rpl_renamed(const rpl_state *st, const char *name)
{
        for (size_t i = st->from.n; i-- > 0;)
                if (!strcmp(st->from.items[i], name))
                        return st->to.items[i];
        return name;
}

/* The replaced object of @p v in @p m. */
static int
rpl_fill(void *state, jhm_map *m, const httpsrc_json *v, httpsrc_record *rec)
{
        rpl_state *st                       = state;
        const struct httpsrc_host_api *host = st->host;
        jhm_map src;

        /* value.entrySet() of the map Jackson read: duplicates collapsed */
        jhm_map_init(&src, host, JHM_DEFAULT_CAPACITY);
        int rc  = jhm_map_copy_object(&src, v);
        m->cap0 = jhm_table_size_for(src.n); /* new HashMap<>(size) */
        for (size_t i = 0; rc == HTTPSRC_OK && i < src.n; i++) {
                if (!rpl_keep(st, src.keys[i]))
                        continue;
                rc = jhm_map_put(m, rpl_renamed(st, src.keys[i]), src.vals[i]);
                src.vals[i] = NULL; /* moved */
        }
        jhm_map_free(&src);
        return rc;
}

static int rpl_apply(void *state, httpsrc_record *rec)
{
        rpl_state *st = state;
        return smt_rebuild(st->host, st->ctx, WHO, st->part, rec, rpl_fill, st);
}

static const httpsrc_transform_ops rpl_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.ReplaceField$Value",
    .description = "Filter or rename fields of the record value",
    .params      = rpl_params,
    .create      = rpl_create_value,
    .apply       = rpl_apply,
    .destroy     = rpl_destroy,
};

static const httpsrc_transform_ops rpl_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.ReplaceField$Key",
    .description = "Filter or rename fields of the record key",
    .params      = rpl_params,
    .create      = rpl_create_key,
    .apply       = rpl_apply,
    .destroy     = rpl_destroy,
};

static int rpl_init(const struct httpsrc_host_api *host,
                    httpsrc_registrar *reg,
                    void **plugin_ctx,
                    char *errstr,
                    size_t errstr_size)
{
        static const void *const ops[] = {&rpl_value_ops, &rpl_key_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_replacefield",
                      "0.1.0",
                      "Transform ReplaceField ($Value, $Key)",
                      rpl_init,
                      plugin_host_fini)
