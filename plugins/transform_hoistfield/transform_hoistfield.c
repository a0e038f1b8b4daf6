/* Transform org.apache.kafka.connect.transforms.HoistField$Value / $Key
 * (schemaless): wrap the value (key) in an object of one field,
 *
 *     newValue = Collections.singletonMap(field, value);
 *
 * whatever the value is; null (a tombstone) gives {"field":null}. */
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/smt_util.h"

#define WHO "HoistField"

static const httpsrc_param_desc hoist_params[] = {
    {.name  = "field",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Field name for the single field that will be created in the "
              "resulting object",
     .group = "transform"},
    {.name = NULL},
};

static int hoist_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return smt_field_create(ctx, plugin_ctx, state, SMT_VALUE, WHO);
}

static int hoist_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return smt_field_create(ctx, plugin_ctx, state, SMT_KEY, WHO);
}

static int hoist_apply(void *state, httpsrc_record *rec)
{
        smt_field_state *st                 = state;
        const struct httpsrc_host_api *host = st->host;
        const httpsrc_json *v;
        httpsrc_json *owned;

        int rc = smt_get(host, st->ctx, WHO, st->part, rec, &v, &owned);
        if (rc < 0)
                return rc;
        httpsrc_json *obj = host->json_new_object();
        httpsrc_json *val = v ? host->json_clone(v) : host->json_new_null();
        /* put takes val over, also when it fails */
        if (!obj || host->json_object_put(obj, st->field, val) < 0) {
                if (!obj)
                        host->json_destroy(val);
                rc = host->set_error(st->ctx, HTTPSRC_ERR_NOMEM,
                                     "out of memory");
        } else {
                rc = smt_set(host, st->ctx, st->part, rec, obj);
        }
        host->json_destroy(obj);
        host->json_destroy(owned);
        return rc;
}

static const httpsrc_transform_ops hoist_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.HoistField$Value",
    .description = "Wrap the record value in an object of one field",
    .params      = hoist_params,
    .create      = hoist_create_value,
    .apply       = hoist_apply,
    .destroy     = smt_field_destroy,
};

static const httpsrc_transform_ops hoist_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.HoistField$Key",
    .description = "Wrap the record key in an object of one field",
    .params      = hoist_params,
    .create      = hoist_create_key,
    .apply       = hoist_apply,
    .destroy     = smt_field_destroy,
};

static int hoist_init(const struct httpsrc_host_api *host,
                      httpsrc_registrar *reg,
                      void **plugin_ctx,
                      char *errstr,
                      size_t errstr_size)
{
        if (smt_host_check(host, errstr, errstr_size))
                return HTTPSRC_ERR_PLUGIN_INIT;
        static const void *const ops[] = {&hoist_value_ops, &hoist_key_ops,
                                          NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_hoistfield",
                      "0.1.0",
                      "Transform HoistField ($Value, $Key)",
                      hoist_init,
                      plugin_host_fini)
