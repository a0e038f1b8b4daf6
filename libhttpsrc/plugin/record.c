/* record module: a record's key, value and topic through the transforms. */
#include "record_int.h"

#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "jsonpath_int.h"

void record_reset(httpsrc_record *rec, const char *value, size_t len)
{
        rec->value     = value;
        rec->value_len = len;
        sb_reset(&rec->value_buf);
        sb_reset(&rec->key);
        rec->has_key = 0;
        free(rec->topic);
        rec->topic = NULL;
        json_destroy(rec->value_json);
        rec->value_json       = NULL;
        rec->value_json_tried = 0;
        rec->members          = NULL;
}

void record_free(httpsrc_record *rec)
{
        record_reset(rec, NULL, 0);
        sb_free(&rec->value_buf);
        sb_free(&rec->key);
}

const void *record_value(const httpsrc_record *rec, size_t *len)
{
        if (len)
                *len = rec->value_len;
        return rec->value;
}

const void *record_key(const httpsrc_record *rec, size_t *len)
{
        if (len)
                *len = rec->has_key ? rec->key.len : 0;
        return rec->has_key ? rec->key.buf : NULL;
}

const httpsrc_json *record_value_json(httpsrc_record *rec)
{
        if (!rec->value_json_tried) {
                rec->value_json_tried = 1;
                rec->value_json =
                    json_parse(rec->value, rec->value_len, NULL, 0);
        }
        return rec->value_json;
}

int record_set_value(httpsrc_record *rec, const void *v, size_t len)
{
        rec->members = NULL; /* they described the old value */
        strbuf nb    = {0};
        if (v && sb_append(&nb, v, len))
                return HTTPSRC_ERR_NOMEM;
        sb_free(&rec->value_buf);
        rec->value_buf = nb;
        rec->value     = v ? nb.buf : NULL;
        rec->value_len = v ? len : 0;
        json_destroy(rec->value_json);
        rec->value_json       = NULL;
        rec->value_json_tried = 0;
        return HTTPSRC_OK;
}

int record_set_key(httpsrc_record *rec, const void *k, size_t len)
{
        sb_reset(&rec->key);
        rec->has_key = k != NULL;
        if (k && sb_append(&rec->key, k, len))
                return HTTPSRC_ERR_NOMEM;
        return HTTPSRC_OK;
}

int record_set_key_json(httpsrc_record *rec, const httpsrc_json *key)
{
        sb_reset(&rec->key);
        rec->has_key = key != NULL;
        if (key && json_write(&rec->key, key))
                return HTTPSRC_ERR_NOMEM;
        return HTTPSRC_OK;
}

int record_set_value_json(httpsrc_record *rec, const httpsrc_json *val)
{
        strbuf nb = {0};
        if (val && json_write(&nb, val)) {
                sb_free(&nb);
                return HTTPSRC_ERR_NOMEM;
        }
        int rc = record_set_value(rec, val ? nb.buf : NULL, nb.len);
        sb_free(&nb);
        return rc;
}

const char *record_topic(const httpsrc_record *rec)
{
        return rec->topic ? rec->topic : rec->default_topic;
}

int record_set_topic(httpsrc_record *rec, const char *topic)
{
        char *t = xstrdup(topic);
        if (topic && !t)
                return HTTPSRC_ERR_NOMEM;
        free(rec->topic);
        rec->topic = t;
        return HTTPSRC_OK;
}

int64_t record_timestamp(const httpsrc_record *rec)
{
        return rec->timestamp;
}

int record_set_timestamp(httpsrc_record *rec, int64_t ts_ms)
{
        rec->timestamp = ts_ms;
        return HTTPSRC_OK;
}

int record_value_member(httpsrc_record *rec,
                        const char *name,
                        const char **raw,
                        size_t *len)
{
        if (!rec->value)
                return -1;
        if (rec->members) {
                /* the selection saw them: no scan of the record */
                const json_root_member *hit;
                int found = json_members_find(rec->members, rec->n_members,
                                              rec->members_base, name,
                                              strlen(name), &hit);
                if (found < 0)
                        return json_member_span(rec->value, rec->value_len,
                                                name, raw, len);
                if (!found)
                        return 0;
                *raw = rec->members_base + hit->voff;
                *len = hit->vlen;
                return 1;
        }
        return json_member_span(rec->value, rec->value_len, name, raw, len);
}
