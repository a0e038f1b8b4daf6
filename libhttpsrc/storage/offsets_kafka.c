/* The offset store on a Kafka topic, as Kafka Connect's
 * KafkaOffsetBackingStore (distributed.md §1.1, §1.5): the map lives in an
 * offset_store (offsets.c), this backend loads it from the topic and writes
 * its changes back. */
#include "offsets_kafka_int.h"

#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_int.h"
#include "kafka_log_int.h"
#include "txn_int.h"
#include "util_int.h"

/* How much of a foreign key an error shows. */
#define SHOW_BYTES 80

static const kafka_log_spec offsets_spec = {
    .topic_key             = "offset.storage.topic",
    .prefix                = "offset.storage",
    .purpose               = "offsets",
    .tag                   = "offsets",
    .default_partitions    = 25,
    .read_committed_if_eos = 1,
};

typedef struct kstore {
        kafka_log *log;
        const httpsrc_conf *worker; /* outlives the store */
        const logger *lg;
        int flush_timeout_ms;
} kstore;

/* A record of the topic is Connect's: key ["<connector>",{partition}],
 * value an offset map or null. The reason if not, else NULL. */
static const char *foreign_record(const rd_kafka_message_t *m)
{
        char why[128];
        const char *bad = NULL;
        if (!m->key)
                return "it has no key";
        httpsrc_json *k = json_parse(m->key, m->key_len, why, sizeof(why));
        if (!k || json_type(k) != HTTPSRC_JSON_ARRAY || json_len(k) != 2 ||
            json_type(json_at(k, 0)) != HTTPSRC_JSON_STRING ||
            (json_type(json_at(k, 1)) != HTTPSRC_JSON_OBJECT &&
             json_type(json_at(k, 1)) != HTTPSRC_JSON_NULL))
                bad = "its key is not [\"<connector>\",{<partition>}]";
        json_destroy(k);
        if (bad || !m->payload)
                return bad;
        httpsrc_json *v = json_parse(m->payload, m->len, why, sizeof(why));
        if (!v || json_type(v) != HTTPSRC_JSON_OBJECT)
                bad = "its value is not an offset map (a JSON object)";
        json_destroy(v);
        return bad;
}

static int foreign_error(kstore *ks,
                         const rd_kafka_message_t *m,
                         const char *reason,
                         char *errstr,
                         size_t errstr_size)
{
        strbuf shown = {0};
        if (m->key)
                sb_put_untrusted(&shown, m->key, m->key_len, SHOW_BYTES, NULL,
                                 0);
        errstr_set(errstr, errstr_size,
                   "offset.storage.topic: topic '%s' partition %" PRId32
                   " offset %" PRId64 " is not a Kafka Connect source offset "
                   "record: %s (key: %s); is it another kind of topic? Choose "
                   "an offsets topic of Kafka Connect or a new topic",
                   kafka_log_topic(ks->log), m->partition, m->offset, reason,
                   shown.buf ? shown.buf : "(none)");
        sb_free(&shown);
        return -1;
}

typedef struct read_ctx {
        kstore *ks;
        offset_store *s;
} read_ctx;

/* One record of the read: Connect's, loaded into the store. */
static int load_one(void *opaque,
                    const rd_kafka_message_t *m,
                    char *errstr,
                    size_t errstr_size)
{
        read_ctx *rc    = opaque;
        const char *why = foreign_record(m);
        if (why)
                return foreign_error(rc->ks, m, why, errstr, errstr_size);
        if (offset_store_load_raw(rc->s, m->key, m->key_len, m->payload,
                                  m->len)) {
                errstr_set(errstr, errstr_size, "out of memory");
                return -1;
        }
        return 0;
}

/* KafkaBasedLog.readToEnd, from where the last read stopped; @p past_txns:
 * offset_store_refresh(). */
static int read_to_end(kstore *ks,
                       offset_store *s,
                       int past_txns,
                       char *errstr,
                       size_t errstr_size)
{
        read_ctx rc = {ks, s};
        size_t n    = 0;
        if (kafka_log_read_to_end(ks->log, past_txns, load_one, &rc,
                                  kafka_log_patience_ms(ks->log), &n, errstr,
                                  errstr_size))
                return -1;
        log_msg(ks->lg, HTTPSRC_LOG_INFO, NULL,
                "offset.storage.topic: read topic '%s' to its end (%zu "
                "records, %d partitions)",
                kafka_log_topic(ks->log), n, kafka_log_partitions(ks->log));
        return 0;
}

static int produce_one(void *opaque,
                       const char *key,
                       size_t key_len,
                       const char *val,
                       size_t val_len)
{
        kstore *ks = opaque;
        return kafka_log_send(ks->log, NULL, key, key_len, val, val_len);
}

/* The connectors with changed offsets, each once. */
typedef struct conn_list {
        char **v;
        size_t n;
        int oom;
} conn_list;

static int collect_connector(void *opaque,
                             const char *connector,
                             const char *key,
                             size_t key_len,
                             const char *val,
                             size_t val_len)
{
        conn_list *l = opaque;
        for (size_t i = 0; i < l->n; i++)
                if (!strcmp(l->v[i], connector))
                        return 0;
        char **v   = realloc(l->v, (l->n + 1) * sizeof(*v));
        char *copy = v ? xstrdup(connector) : NULL;
        if (v)
                l->v = v;
        if (!copy) {
                l->oom = 1;
                return 0;
        }
        l->v[l->n++] = copy;
        return 0;
}

/* The changed offsets of one connector, into its transaction. */
typedef struct txn_write {
        txn *t;
        char *errstr;
        size_t errstr_size;
} txn_write;

static int put_in_txn(void *opaque,
                      const char *connector,
                      const char *key,
                      size_t key_len,
                      const char *val,
                      size_t val_len)
{
        txn_write *w = opaque;
        return txn_put(w->t, key, key_len, val, val_len, w->errstr,
                       w->errstr_size);
}

/* Under exactly-once, offsets written outside a task (REST PATCH and
 * DELETE, the connector stopped) go in a transaction of the connector's
 * own transactional id, as Connect's Worker.modifySourceConnectorOffsets
 * does: init_transactions first fences any zombie task still writing, and
 * read_committed readers see all of the change or none of it. */
static int flush_in_txns(kstore *ks,
                         offset_store *s,
                         char *errstr,
                         size_t errstr_size)
{
        conn_list l = {0};
        offset_store_foreach_changed_conn(s, NULL, collect_connector, &l);
        int rc = l.oom ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
        if (rc)
                errstr_set(errstr, errstr_size, "out of memory");
        for (size_t i = 0; i < l.n && !rc; i++) {
                txn *t = txn_new(ks->worker, l.v[i], ks->lg, NULL, NULL,
                                 errstr, errstr_size);
                txn_write w = {t, errstr, errstr_size};
                rc = t ? txn_begin(t, errstr, errstr_size) : HTTPSRC_ERR_KAFKA;
                if (!rc)
                        rc = offset_store_foreach_changed_conn(
                            s, l.v[i], put_in_txn, &w);
                if (!rc)
                        rc = txn_commit(t, NULL, 0, NULL, errstr, errstr_size);
                txn_destroy(t); /* aborts what did not commit */
        }
        strv_free(l.v, l.n);
        return rc;
}

static int
ks_flush(void *opaque, offset_store *s, char *errstr, size_t errstr_size)
{
        kstore *ks = opaque;
        if (txn_worker_enabled(ks->worker))
                return flush_in_txns(ks, s, errstr, errstr_size);
        offset_store_foreach_changed(s, produce_one, ks);
        int rc = kafka_log_flush(ks->log, ks->flush_timeout_ms, "the offsets",
                                 errstr, errstr_size);
        if (rc == HTTPSRC_ERR_TIMEOUT)
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: topic '%s' did not "
                           "acknowledge the offsets within "
                           "offset.flush.timeout.ms=%d (they are sent again "
                           "at the next flush)",
                           kafka_log_topic(ks->log), ks->flush_timeout_ms);
        return rc;
}

static void ks_destroy(void *opaque)
{
        kstore *ks = opaque;
        if (!ks)
                return;
        kafka_log_destroy(ks->log);
        free(ks);
}

static int ks_refresh(void *opaque,
                      offset_store *s,
                      int past_txns,
                      char *errstr,
                      size_t errstr_size)
{
        kstore *ks = opaque;
        return read_to_end(ks, s, past_txns, errstr, errstr_size)
                   ? HTTPSRC_ERR_KAFKA
                   : HTTPSRC_OK;
}

static const offset_backend kafka_backend = {ks_flush, ks_destroy,
                                             ks_refresh};

static int check_counts(const httpsrc_conf *worker,
                        char *errstr,
                        size_t errstr_size)
{
        static const char *const keys[] = {"offset.storage.partitions",
                                           "offset.storage.replication.factor"};
        for (size_t i = 0; i < 2; i++)
                if (conf_get_int(worker, keys[i], 1) == 0) {
                        errstr_set(errstr, errstr_size,
                                   "%s: 0 is not valid: a positive number, or "
                                   "-1 for the broker's default",
                                   keys[i]);
                        return -1;
                }
        return 0;
}

offset_store *offset_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size)
{
        if (check_counts(worker, errstr, errstr_size))
                return NULL;
        offset_store *s = offset_store_open(NULL, errstr, errstr_size);
        kstore *ks      = s ? calloc(1, sizeof(*ks)) : NULL;
        if (!ks) {
                offset_store_destroy(s);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        ks->lg     = lg;
        ks->worker = worker;
        ks->flush_timeout_ms =
            (int)conf_get_int(worker, "offset.flush.timeout.ms", 5000);
        offset_store_set_backend(s, &kafka_backend, ks);
        ks->log = kafka_log_open(worker, lg, &offsets_spec, errstr,
                                 errstr_size);
        if (!ks->log || read_to_end(ks, s, 0, errstr, errstr_size)) {
                offset_store_destroy(s);
                return NULL;
        }
        return s;
}
