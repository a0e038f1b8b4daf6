/* Transform org.apache.kafka.connect.transforms.ExtractField$Value / $Key
 * (schemaless): the value (key) becomes one of its object's fields,
 *
 *     newValue = value == null ? null : value.get(field);
 *
 * so a missing field gives null, which JsonConverter writes as no bytes at
 * all (a tombstone, resp. a null key). The field's value is written as it
 * was read. A dotted name is one field name (field.syntax.version V1). */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/smt_util.h"

#define WHO "ExtractField"

static const httpsrc_param_desc ext_params[] = {
    {.name  = "field",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Field name to extract",
     .group = "transform"},
    {.name = NULL},
};

static int ext_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return smt_field_create(ctx, plugin_ctx, state, SMT_VALUE, WHO);
}

static int ext_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return smt_field_create(ctx, plugin_ctx, state, SMT_KEY, WHO);
}

static int ext_apply(void *state, httpsrc_record *rec)
{
        smt_field_state *st                 = state;
        const struct httpsrc_host_api *host = st->host;
        const httpsrc_json *v;
        httpsrc_json *owned;

        int rc = smt_get(host, st->ctx, WHO, st->part, rec, &v, &owned);
        if (rc < 0 || !v)
                return rc; /* null stays null */
        if (host->json_type(v) != HTTPSRC_JSON_OBJECT) {
                rc = smt_not_object(host, st->ctx, WHO, st->part, v);
                host->json_destroy(owned);
                return rc;
        }
        /* a copy: setting the value drops the host's parsed one */
        const httpsrc_json *f = host->json_get(v, st->field);
        httpsrc_json *copy    = f ? host->json_clone(f) : NULL;
        if (f && !copy)
                rc = host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                     "out of memory");
        else
                rc = smt_set(host, st->ctx, st->part, rec, copy);
        host->json_destroy(copy);
        host->json_destroy(owned);
        return rc;
}

static const httpsrc_transform_ops ext_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.ExtractField$Value",
    .description = "Replace the record value with one of its fields",
    .params      = ext_params,
    .create      = ext_create_value,
    .apply       = ext_apply,
    .destroy     = smt_field_destroy,
};

static const httpsrc_transform_ops ext_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.ExtractField$Key",
    .description = "Replace the record key with one of its fields",
    .params      = ext_params,
    .create      = ext_create_key,
    .apply       = ext_apply,
    .destroy     = smt_field_destroy,
};

static int ext_init(const struct httpsrc_host_api *host,
                    httpsrc_registrar *reg,
                    void **plugin_ctx,
                    char *errstr,
                    size_t errstr_size)
{
        static const void *const ops[] = {&ext_value_ops, &ext_key_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_extractfield",
                      "0.1.0",
                      "Transform ExtractField ($Value, $Key)",
                      ext_init,
                      plugin_host_fini)
