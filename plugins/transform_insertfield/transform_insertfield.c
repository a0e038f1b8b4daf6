/* Transform org.apache.kafka.connect.transforms.InsertField$Value / $Key
 * (schemaless): add the record's topic, its timestamp and/or a static
 * string to the value (key) object, as Kafka Connect does:
 *
 *     Map<String, Object> updated = new HashMap<>(value);
 *     updated.put(topicField, record.topic());
 *     updated.put(timestampField, record.timestamp());   // a Long
 *     updated.put(staticField, staticValue);
 *
 * JsonConverter then writes the members in HashMap order: all of them,
 * not only the new ones, come out in that order (java_hashmap.h).
 * A null value (a tombstone) passes unchanged. Partition and offset are
 * sink-record attributes a source record does not have: configuring them
 * is an error here rather than a silent no-op. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

#include "../common/smt_map.h"
#include "../common/plugin_util.h"

#define WHO "InsertField"

typedef struct ins_state {
        const struct httpsrc_host_api *host;
        httpsrc_ctx *ctx;
        smt_part part;
        char *topic_field; /* NULL: not inserted */
        char *timestamp_field;
        char *static_field;
        char *static_value;
} ins_state;

#define OPTIONALITY                                                            \
        " Suffix with ! to make this a required field, or ? to keep it "       \
        "optional (the default)."

static const httpsrc_param_desc ins_params[] = {
    {.name  = "topic.field",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Field name for Kafka topic." OPTIONALITY,
     .group = "transform"},
    {.name  = "partition.field",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Field name for Kafka partition: only for sink records, "
              "rejected here",
     .group = "transform"},
    {.name  = "offset.field",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Field name for Kafka offset: only for sink records, "
              "rejected here",
     .group = "transform"},
    {.name = "timestamp.field",
     .type = HTTPSRC_PARAM_STRING,
     .doc = "Field name for record timestamp (epoch milliseconds)." OPTIONALITY,
     .group = "transform"},
    {.name  = "static.field",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Field name for static data field." OPTIONALITY,
     .group = "transform"},
    {.name  = "static.value",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Static field value, if field name configured.",
     .group = "transform"},
    {.name = NULL},
};

static void ins_destroy(void *state)
{
        ins_state *st = state;
        st->host->free(st->topic_field);
        st->host->free(st->timestamp_field);
        st->host->free(st->static_field);
        st->host->free(st->static_value);
        st->host->free(st);
}

/* InsertionSpec.parse: a trailing '?' (optional) or '!' (required) only
 * matters with schemas; the name is what precedes it. NULL stays NULL. */
static int
spec_name(const struct httpsrc_host_api *host, const char *spec, char **out)
{
        *out = NULL;
        if (!spec)
                return HTTPSRC_OK;
        size_t n = strlen(spec);
        if (n && (spec[n - 1] == '?' || spec[n - 1] == '!'))
                n--;
        *out = host->alloc(n + 1);
        if (!*out)
                return HTTPSRC_ERR_NOMEM;
        memcpy(*out, spec, n);
        (*out)[n] = '\0';
        return HTTPSRC_OK;
}

static int ins_configure(ins_state *st)
{
        const struct httpsrc_host_api *host = st->host;
        httpsrc_ctx *ctx                    = st->ctx;

        if (host->conf_get(ctx, "offset.field"))
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": offset.field is only for sink "
                                           "records");
        if (host->conf_get(ctx, "partition.field"))
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": partition.field is only for "
                                           "sink records");
        const char *sv = host->conf_get(ctx, "static.value");
        if (spec_name(host, host->conf_get(ctx, "topic.field"),
                      &st->topic_field) ||
            spec_name(host, host->conf_get(ctx, "timestamp.field"),
                      &st->timestamp_field) ||
            spec_name(host, host->conf_get(ctx, "static.field"),
                      &st->static_field) ||
            (sv && !(st->static_value = host->strdup(sv))))
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        if (!st->topic_field && !st->timestamp_field && !st->static_field)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": No field insertion configured "
                                           "(set topic.field, "
                                           "timestamp.field or "
                                           "static.field)");
        if (st->static_field && !st->static_value)
                return host->set_error(ctx, HTTPSRC_ERR_INVAL,
                                       WHO ": No value specified for static "
                                           "field: %s (set static.value)",
                                       st->static_field);
        return HTTPSRC_OK;
}

static int
ins_create(httpsrc_ctx *ctx, void *plugin_ctx, void **state, smt_part part)
{
        const struct httpsrc_host_api *host = ((plugin_host *)plugin_ctx)->host;
        ins_state *st                       = host->alloc(sizeof(*st));

        if (!st)
                return host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        memset(st, 0, sizeof(*st));
        st->host = host;
        st->ctx  = ctx;
        st->part = part;
        int rc   = ins_configure(st);
        if (rc < 0) {
                ins_destroy(st);
                return rc;
        }
        *state = st;
        return HTTPSRC_OK;
}

static int ins_create_value(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return ins_create(ctx, plugin_ctx, state, SMT_VALUE);
}

static int ins_create_key(httpsrc_ctx *ctx, void *plugin_ctx, void **state)
{
        return ins_create(ctx, plugin_ctx, state, SMT_KEY);
}

/* The puts, in Connect's order, after the copy. */
static int ins_put_fields(ins_state *st, jhm_map *m, httpsrc_record *rec)
{
        const struct httpsrc_host_api *host = st->host;
        int rc                              = HTTPSRC_OK;

        if (st->topic_field) {
                const char *topic = host->rec_topic(rec);
                if (!topic)
                        return host->set_error(st->ctx, HTTPSRC_ERR_STATE,
                                               WHO ": record has no topic");
                rc = jhm_map_put(m, st->topic_field,
                                 host->json_new_string(topic));
        }
        if (rc == HTTPSRC_OK && st->timestamp_field) {
                char ts[24];
                snprintf(ts, sizeof(ts), "%" PRId64, host->rec_timestamp(rec));
                rc = jhm_map_put(m, st->timestamp_field,
                                 host->json_new_number(ts));
        }
        if (rc == HTTPSRC_OK && st->static_field)
                rc = jhm_map_put(m, st->static_field,
                                 host->json_new_string(st->static_value));
        if (rc == HTTPSRC_ERR_NOMEM)
                host->set_error(st->ctx, rc, "out of memory");
        return rc;
}

/* Connect copies the object, then puts the fields. */
static int
ins_fill(void *state, jhm_map *m, const httpsrc_json *v, httpsrc_record *rec)
{
        int rc = jhm_map_copy_object(m, v);
        return rc == HTTPSRC_OK ? ins_put_fields(state, m, rec) : rc;
}

static int ins_apply(void *state, httpsrc_record *rec)
{
        ins_state *st = state;
        return smt_rebuild(st->host, st->ctx, WHO, st->part, rec, ins_fill, st);
}

static const httpsrc_transform_ops ins_value_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.InsertField$Value",
    .description = "Insert the topic, the record timestamp or a static "
                   "string as fields of the record value",
    .params      = ins_params,
    .create      = ins_create_value,
    .apply       = ins_apply,
    .destroy     = ins_destroy,
};

static const httpsrc_transform_ops ins_key_ops = {
    .struct_size = sizeof(httpsrc_transform_ops),
    .name        = "org.apache.kafka.connect.transforms.InsertField$Key",
    .description = "Insert the topic, the record timestamp or a static "
                   "string as fields of the record key",
    .params      = ins_params,
    .create      = ins_create_key,
    .apply       = ins_apply,
    .destroy     = ins_destroy,
};

static int ins_init(const struct httpsrc_host_api *host,
                    httpsrc_registrar *reg,
                    void **plugin_ctx,
                    char *errstr,
                    size_t errstr_size)
{
        if (smt_host_check(host, errstr, errstr_size))
                return HTTPSRC_ERR_PLUGIN_INIT;
        static const void *const ops[] = {&ins_value_ops, &ins_key_ops, NULL};
        return plugin_register(host, reg, plugin_ctx, HTTPSRC_KIND_TRANSFORM,
                               ops);
}

HTTPSRC_PLUGIN_DEFINE("transform_insertfield",
                      "0.1.0",
                      "Transform InsertField ($Value, $Key)",
                      ins_init,
                      plugin_host_fini)
