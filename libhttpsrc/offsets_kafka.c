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
#include "producer_int.h"
#include "txn_int.h"
#include "util_int.h"

/* Startup steps (describe, create, read to end) give up after this. */
#define OPEN_TIMEOUT_MS 30000
/* How much of a foreign key an error shows. */
#define SHOW_BYTES 80

typedef struct kstore {
        const httpsrc_conf *worker; /* outlives the store */
        rd_kafka_t *prod;
        char *topic;
        const logger *lg;
        int flush_timeout_ms;
        int failed; /* a delivery of the current flush failed */
        char fail_reason[256];
} kstore;

static int
kset(rd_kafka_conf_t *kc, const char *k, const char *v, char *errstr,
     size_t errstr_size)
{
        char why[256];
        if (rd_kafka_conf_set(kc, k, v, why, sizeof(why)) == RD_KAFKA_CONF_OK)
                return 0;
        errstr_set(errstr, errstr_size, "offset.storage.topic: %s: %s", k, why);
        return -1;
}

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        kstore *ks = opaque;
        if (!m->err || ks->failed)
                return;
        ks->failed = 1;
        snprintf(ks->fail_reason, sizeof(ks->fail_reason), "%s",
                 rd_kafka_err2str(m->err));
}

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        kstore *ks = rd_kafka_opaque(rk);
        log_msg(ks->lg, level <= 3 ? HTTPSRC_LOG_ERROR : HTTPSRC_LOG_DEBUG,
                NULL, "librdkafka (offsets) %s: %s", fac, buf);
}

/* Connect's offset writer: acks=all, one request in flight (idempotence
 * keeps the order of a key's writes), Java's partitioner, records kept
 * through an outage (the flush reports the wait). */
static int make_producer(kstore *ks,
                         const httpsrc_conf *worker,
                         char *errstr,
                         size_t errstr_size)
{
        rd_kafka_conf_t *kc = producer_client_conf(worker, errstr, errstr_size);
        char why[256];
        if (!kc)
                return -1;
        if (kset(kc, "acks", "all", errstr, errstr_size) ||
            kset(kc, "enable.idempotence", "true", errstr, errstr_size) ||
            kset(kc, "partitioner", "murmur2", errstr, errstr_size) ||
            kset(kc, "message.timeout.ms", "0", errstr, errstr_size) ||
            kset(kc, "linger.ms", "0", errstr, errstr_size) ||
            kset(kc, "log.queue", "true", errstr, errstr_size)) {
                rd_kafka_conf_destroy(kc);
                return -1;
        }
        rd_kafka_conf_set_opaque(kc, ks);
        rd_kafka_conf_set_dr_msg_cb(kc, on_dr);
        rd_kafka_conf_set_log_cb(kc, on_log);
        ks->prod = rd_kafka_new(RD_KAFKA_PRODUCER, kc, why, sizeof(why));
        if (!ks->prod) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: Kafka producer: %s", why);
                return -1;
        }
        rd_kafka_set_log_queue(ks->prod, NULL); /* served by rd_kafka_poll */
        return 0;
}

/* One admin request: its result queue and options, then its event. */
typedef struct admin_call {
        rd_kafka_queue_t *q;
        rd_kafka_AdminOptions_t *o;
        rd_kafka_event_t *ev;
} admin_call;

static void admin_begin(kstore *ks, rd_kafka_admin_op_t op, admin_call *a)
{
        char why[128];
        a->q  = rd_kafka_queue_new(ks->prod);
        a->o  = rd_kafka_AdminOptions_new(ks->prod, op);
        a->ev = NULL;
        if (a->o)
                rd_kafka_AdminOptions_set_request_timeout(a->o, OPEN_TIMEOUT_MS,
                                                          why, sizeof(why));
}

/* Wait for the result event: the request's own error (or the timeout) with
 * @p why, or 0 when the result is there to read in a->ev. */
static rd_kafka_resp_err_t
admin_wait(admin_call *a, char *why, size_t why_size)
{
        a->ev = rd_kafka_queue_poll(a->q, OPEN_TIMEOUT_MS + 5000);
        if (!a->ev) {
                snprintf(why, why_size, "no answer from Kafka in %d ms",
                         OPEN_TIMEOUT_MS);
                return RD_KAFKA_RESP_ERR__TIMED_OUT;
        }
        rd_kafka_resp_err_t err = rd_kafka_event_error(a->ev);
        if (err)
                snprintf(why, why_size, "%s",
                         rd_kafka_event_error_string(a->ev));
        return err;
}

static void admin_end(admin_call *a)
{
        if (a->ev)
                rd_kafka_event_destroy(a->ev);
        rd_kafka_AdminOptions_destroy(a->o);
        rd_kafka_queue_destroy(a->q);
}

/* cleanup.policy of a described topic ("delete" when not listed). */
static void policy_of(const rd_kafka_ConfigResource_t *r,
                      char *policy,
                      size_t policy_size)
{
        size_t nc;
        const rd_kafka_ConfigEntry_t **ce =
            rd_kafka_ConfigResource_configs(r, &nc);
        snprintf(policy, policy_size, "delete");
        for (size_t i = 0; i < nc; i++) {
                const char *v = rd_kafka_ConfigEntry_value(ce[i]);
                if (!strcmp(rd_kafka_ConfigEntry_name(ce[i]), "cleanup.policy"))
                        snprintf(policy, policy_size, "%s", v ? v : "");
        }
}

/* The topic's cleanup.policy into @p policy; RD_KAFKA_RESP_ERR_UNKNOWN_
 * TOPIC_OR_PART if it does not exist; other errors with @p why. */
static rd_kafka_resp_err_t describe_policy(kstore *ks,
                                           char *policy,
                                           size_t policy_size,
                                           char *why,
                                           size_t why_size)
{
        admin_call a;
        rd_kafka_ConfigResource_t *r =
            rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, ks->topic);
        admin_begin(ks, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, &a);
        rd_kafka_DescribeConfigs(ks->prod, &r, 1, a.o, a.q);
        rd_kafka_resp_err_t err = admin_wait(&a, why, why_size);
        size_t n                = 0;
        const rd_kafka_ConfigResource_t **rs =
            err ? NULL
                : rd_kafka_DescribeConfigs_result_resources(
                      rd_kafka_event_DescribeConfigs_result(a.ev), &n);
        if (n == 1 && (err = rd_kafka_ConfigResource_error(rs[0])))
                snprintf(why, why_size, "%s",
                         rd_kafka_ConfigResource_error_string(rs[0]));
        else if (n == 1)
                policy_of(rs[0], policy, policy_size);
        admin_end(&a);
        rd_kafka_ConfigResource_destroy(r);
        return err;
}

static rd_kafka_resp_err_t create_topic(kstore *ks,
                                        int partitions,
                                        int replication,
                                        char *why,
                                        size_t why_size)
{
        admin_call a;
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(
            ks->topic, partitions, replication, why, why_size);
        if (!nt)
                return RD_KAFKA_RESP_ERR__INVALID_ARG;
        rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
        admin_begin(ks, RD_KAFKA_ADMIN_OP_CREATETOPICS, &a);
        rd_kafka_CreateTopics(ks->prod, &nt, 1, a.o, a.q);
        rd_kafka_resp_err_t err = admin_wait(&a, why, why_size);
        size_t n                = 0;
        const rd_kafka_topic_result_t **tr =
            err ? NULL
                : rd_kafka_CreateTopics_result_topics(
                      rd_kafka_event_CreateTopics_result(a.ev), &n);
        if (n == 1 && (err = rd_kafka_topic_result_error(tr[0])))
                snprintf(why, why_size, "%s",
                         rd_kafka_topic_result_error_string(tr[0]));
        admin_end(&a);
        rd_kafka_NewTopic_destroy(nt);
        return err;
}

/* KafkaTopicBasedBackingStore.topicInitializer: create the topic compacted
 * if it is missing, else verify cleanup.policy is exactly compact. */
static int ensure_topic(kstore *ks,
                        const httpsrc_conf *worker,
                        char *errstr,
                        size_t errstr_size)
{
        int parts = (int)conf_get_int(worker, "offset.storage.partitions", 25);
        int repl  = (int)conf_get_int(worker,
                                      "offset.storage.replication.factor", 3);
        char policy[128] = "", why[512];
        rd_kafka_resp_err_t err =
            describe_policy(ks, policy, sizeof(policy), why, sizeof(why));
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                err = create_topic(ks, parts, repl, why, sizeof(why));
                if (!err) {
                        log_msg(ks->lg, HTTPSRC_LOG_INFO, NULL,
                                "offset.storage.topic: created topic '%s' "
                                "(%d partitions, replication factor %d, "
                                "cleanup.policy=compact)",
                                ks->topic, parts, repl);
                        return 0;
                }
                if (err == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR) {
                        errstr_set(errstr, errstr_size,
                                   "offset.storage.replication.factor: %d is "
                                   "more than the brokers can hold for topic "
                                   "'%s' (%s): set it to the number of "
                                   "brokers or lower (-1: the broker default)",
                                   repl, ks->topic, why);
                        return -1;
                }
                if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                        errstr_set(errstr, errstr_size,
                                   "offset.storage.topic: cannot create topic "
                                   "'%s': %s",
                                   ks->topic, why);
                        return -1;
                }
                err = describe_policy(ks, policy, sizeof(policy), why,
                                      sizeof(why));
        }
        if (err) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: cannot describe topic '%s' "
                           "at bootstrap.servers: %s",
                           ks->topic, why);
                return -1;
        }
        if (strcmp(policy, "compact") != 0) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: topic '%s' has "
                           "cleanup.policy=%s, but offsets need "
                           "cleanup.policy=compact (older offsets would be "
                           "deleted): alter the topic's cleanup.policy to "
                           "compact or choose another topic",
                           ks->topic, policy);
                return -1;
        }
        return 0;
}

static int partition_count(kstore *ks, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(ks->prod, ks->topic, NULL);
        const struct rd_kafka_metadata *md = NULL;
        int cnt                            = -1;
        int64_t deadline                   = mono_ms() + OPEN_TIMEOUT_MS;
        while (rkt && cnt < 0 && mono_ms() < deadline) {
                if (rd_kafka_metadata(ks->prod, 0, rkt, &md, 5000) == 0) {
                        if (md->topic_cnt == 1 && !md->topics[0].err &&
                            md->topics[0].partition_cnt > 0)
                                cnt = md->topics[0].partition_cnt;
                        rd_kafka_metadata_destroy(md);
                }
        }
        if (rkt)
                rd_kafka_topic_destroy(rkt);
        if (cnt < 0)
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: no partitions of topic '%s' "
                           "known after %d ms",
                           ks->topic, OPEN_TIMEOUT_MS);
        return cnt;
}

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
                   ks->topic, m->partition, m->offset, reason,
                   shown.buf ? shown.buf : "(none)");
        sb_free(&shown);
        return -1;
}

static rd_kafka_t *make_reader(const httpsrc_conf *worker,
                               char *errstr,
                               size_t errstr_size)
{
        rd_kafka_conf_t *kc = producer_client_conf(worker, errstr, errstr_size);
        char why[256];
        if (!kc)
                return NULL;
        /* assign() only, no group membership: a group.id is needed by
         * librdkafka's consumer, nothing is committed under it. */
        if (kset(kc, "group.id", "httpsrc-offsets-reader", errstr,
                 errstr_size) ||
            kset(kc, "enable.auto.commit", "false", errstr, errstr_size) ||
            kset(kc, "enable.auto.offset.store", "false", errstr,
                 errstr_size) ||
            kset(kc, "enable.partition.eof", "true", errstr, errstr_size) ||
            kset(kc, "isolation.level",
                 txn_worker_enabled(worker) ? "read_committed"
                                            : "read_uncommitted",
                 errstr, errstr_size) ||
            kset(kc, "allow.auto.create.topics", "false", errstr,
                 errstr_size)) {
                rd_kafka_conf_destroy(kc);
                return NULL;
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, why, sizeof(why));
        if (!rk) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: Kafka consumer: %s", why);
        }
        return rk;
}

/* Per partition: the end offset captured before the read, and whether the
 * read reached it. */
typedef struct part_end {
        int64_t end;
        int done;
} part_end;

static int retriable(rd_kafka_resp_err_t err)
{
        return err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
               err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
               err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
               err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
               err == RD_KAFKA_RESP_ERR__TRANSPORT;
}

/* A topic just created has no leaders for a moment: wait for them. */
static rd_kafka_resp_err_t
watermarks(rd_kafka_t *rk, const char *topic, int p, int64_t *lo, int64_t *hi)
{
        int64_t deadline = mono_ms() + OPEN_TIMEOUT_MS;
        rd_kafka_resp_err_t err;
        while ((err = rd_kafka_query_watermark_offsets(rk, topic, p, lo, hi,
                                                       OPEN_TIMEOUT_MS)) &&
               retriable(err) && mono_ms() < deadline)
                usleep(100 * 1000);
        return err;
}

/* The end offsets; the partitions with records assigned from the start.
 * Returns how many partitions remain to read, -1 on error. */
static int assign_nonempty(kstore *ks,
                           rd_kafka_t *rk,
                           part_end *pe,
                           int parts,
                           char *errstr,
                           size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *tp =
            rd_kafka_topic_partition_list_new(parts);
        int todo = 0;
        for (int p = 0; p < parts; p++) {
                int64_t lo = 0, hi = 0;
                rd_kafka_resp_err_t err = watermarks(rk, ks->topic, p, &lo, &hi);
                if (err) {
                        errstr_set(errstr, errstr_size,
                                   "offset.storage.topic: end offset of topic "
                                   "'%s' partition %d: %s",
                                   ks->topic, p, rd_kafka_err2str(err));
                        rd_kafka_topic_partition_list_destroy(tp);
                        return -1;
                }
                pe[p].end  = hi;
                pe[p].done = hi <= lo;
                if (pe[p].done)
                        continue;
                rd_kafka_topic_partition_list_add(tp, ks->topic, p)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
                todo++;
        }
        rd_kafka_resp_err_t err = todo ? rd_kafka_assign(rk, tp) : 0;
        rd_kafka_topic_partition_list_destroy(tp);
        if (err) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: assign '%s': %s", ks->topic,
                           rd_kafka_err2str(err));
                return -1;
        }
        return todo;
}

/* One message of the read: a record loaded, or a partition's EOF.
 * Returns 1 when the partition reached its end, 0, or -1 on error. */
static int read_one(kstore *ks,
                    offset_store *s,
                    const rd_kafka_message_t *m,
                    part_end *pe,
                    int parts,
                    char *errstr,
                    size_t errstr_size)
{
        if (m->partition < 0 || m->partition >= parts || pe[m->partition].done)
                return 0;
        part_end *e = &pe[m->partition];
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                return m->offset >= e->end ? (e->done = 1) : 0;
        if (m->err) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: reading topic '%s': %s",
                           ks->topic, rd_kafka_message_errstr(m));
                return -1;
        }
        const char *why = foreign_record(m);
        if (why)
                return foreign_error(ks, m, why, errstr, errstr_size);
        if (offset_store_load_raw(s, m->key, m->key_len, m->payload, m->len)) {
                errstr_set(errstr, errstr_size, "out of memory");
                return -1;
        }
        return m->offset + 1 >= e->end ? (e->done = 1) : 0;
}

/* KafkaBasedLog.readToEnd: every partition from its start up to the end
 * offset taken before the read; the EOF event covers a log ending in
 * transaction markers, where no record moves the position to the end. */
static int read_to_end(kstore *ks,
                       const httpsrc_conf *worker,
                       offset_store *s,
                       char *errstr,
                       size_t errstr_size)
{
        int parts = partition_count(ks, errstr, errstr_size);
        if (parts < 0)
                return -1;
        rd_kafka_t *rk = make_reader(worker, errstr, errstr_size);
        part_end *pe   = calloc((size_t)parts, sizeof(*pe));
        int todo = rk && pe ? assign_nonempty(ks, rk, pe, parts, errstr,
                                              errstr_size)
                            : -1;
        int64_t deadline = mono_ms() + OPEN_TIMEOUT_MS;
        size_t records   = 0;
        if (rk && !pe)
                errstr_set(errstr, errstr_size, "out of memory");
        while (todo > 0 && mono_ms() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
                if (!m)
                        continue;
                int r = read_one(ks, s, m, pe, parts, errstr, errstr_size);
                records += !m->err;
                rd_kafka_message_destroy(m);
                if (r < 0)
                        todo = -1;
                else
                        todo -= r;
        }
        if (todo > 0)
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: topic '%s' not read to its "
                           "end in %d ms (%d partition(s) left): is Kafka "
                           "reachable?",
                           ks->topic, OPEN_TIMEOUT_MS, todo);
        else if (todo == 0)
                log_msg(ks->lg, HTTPSRC_LOG_INFO, NULL,
                        "offset.storage.topic: read topic '%s' to its end "
                        "(%zu records, %d partitions)",
                        ks->topic, records, parts);
        free(pe);
        if (rk) {
                rd_kafka_consumer_close(rk);
                rd_kafka_destroy(rk);
        }
        return todo == 0 ? 0 : -1;
}

static int produce_one(void *opaque,
                       const char *key,
                       size_t key_len,
                       const char *val,
                       size_t val_len)
{
        kstore *ks              = opaque;
        rd_kafka_resp_err_t err = rd_kafka_producev(
            ks->prod, RD_KAFKA_V_TOPIC(ks->topic),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, key_len),
            RD_KAFKA_V_VALUE((void *)val, val ? val_len : 0), RD_KAFKA_V_END);
        if (!err)
                return 0;
        ks->failed = 1;
        snprintf(ks->fail_reason, sizeof(ks->fail_reason), "%s",
                 rd_kafka_err2str(err));
        return HTTPSRC_ERR_KAFKA;
}

static int
ks_flush(void *opaque, offset_store *s, char *errstr, size_t errstr_size)
{
        kstore *ks = opaque;
        ks->failed = 0;
        offset_store_foreach_changed(s, produce_one, ks);
        rd_kafka_flush(ks->prod, ks->flush_timeout_ms);
        int left = rd_kafka_outq_len(ks->prod);
        if (ks->failed) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: writing to topic '%s' "
                           "failed: %s",
                           ks->topic, ks->fail_reason);
                return HTTPSRC_ERR_KAFKA;
        }
        if (left > 0) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic: topic '%s' did not "
                           "acknowledge the offsets within "
                           "offset.flush.timeout.ms=%d (they are sent again "
                           "at the next flush)",
                           ks->topic, ks->flush_timeout_ms);
                return HTTPSRC_ERR_TIMEOUT;
        }
        return HTTPSRC_OK;
}

static void ks_destroy(void *opaque)
{
        kstore *ks = opaque;
        if (!ks)
                return;
        if (ks->prod)
                rd_kafka_destroy(ks->prod);
        free(ks->topic);
        free(ks);
}

static int
ks_refresh(void *opaque, offset_store *s, char *errstr, size_t errstr_size)
{
        kstore *ks = opaque;
        return read_to_end(ks, ks->worker, s, errstr, errstr_size)
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
        ks->topic = xstrdup(conf_get_set(worker, "offset.storage.topic"));
        ks->flush_timeout_ms =
            (int)conf_get_int(worker, "offset.flush.timeout.ms", 5000);
        offset_store_set_backend(s, &kafka_backend, ks);
        if (!ks->topic) {
                errstr_set(errstr, errstr_size, "out of memory");
                offset_store_destroy(s);
                return NULL;
        }
        if (make_producer(ks, worker, errstr, errstr_size) ||
            ensure_topic(ks, worker, errstr, errstr_size) ||
            read_to_end(ks, worker, s, errstr, errstr_size)) {
                offset_store_destroy(s);
                return NULL;
        }
        return s;
}
