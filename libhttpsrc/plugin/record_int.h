/* record module: one Kafka record on its way through the transforms. The
 * value starts as a span borrowed from the response body; it is copied only
 * when a transform replaces it. */
#ifndef HTTPSRC_RECORD_INT_H
#define HTTPSRC_RECORD_INT_H

#include "httpsrc/plugin.h"
#include "util_int.h"

struct httpsrc_record {
        const char *value; /* borrowed span or value_buf.buf */
        size_t value_len;
        strbuf value_buf;
        strbuf key;
        int has_key;
        char *topic;               /* set by a transform, else NULL */
        const char *default_topic; /* the connector's kafka.topic */
        int64_t timestamp;         /* epoch ms */
        httpsrc_json *value_json;
        int value_json_tried;
        /* where the original value's members are (offsets from
         * members_base), known from the selection; NULL: not known */
        const struct json_root_member *members;
        size_t n_members;
        const char *members_base;
};

/** Point @p rec at a borrowed value, dropping any previous state but
 *  keeping buffers for reuse (no allocation per record). */
void record_reset(httpsrc_record *rec, const char *value, size_t len);
void record_free(httpsrc_record *rec); /* frees buffers, not rec */

const void *record_value(const httpsrc_record *rec, size_t *len);
const void *record_key(const httpsrc_record *rec, size_t *len);
const httpsrc_json *record_value_json(httpsrc_record *rec);
int record_set_value(httpsrc_record *rec, const void *v, size_t len);
int record_set_key(httpsrc_record *rec, const void *k, size_t len);
int record_set_key_json(httpsrc_record *rec, const httpsrc_json *key);
int record_set_value_json(httpsrc_record *rec, const httpsrc_json *val);
const char *record_topic(const httpsrc_record *rec);
int record_set_topic(httpsrc_record *rec, const char *topic);
int64_t record_timestamp(const httpsrc_record *rec);
int record_value_member(httpsrc_record *rec,
                        const char *name,
                        const char **raw,
                        size_t *len);
int record_set_timestamp(httpsrc_record *rec, int64_t ts_ms);

#endif
