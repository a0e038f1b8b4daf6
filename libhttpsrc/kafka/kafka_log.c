/* kafka_log module: see kafka_log_int.h. */
#include "kafka_log_int.h"

#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "producer_int.h"
#include "txn_int.h"
#include "util_int.h"

/* Connect has no key for its start's waits (KafkaBasedLog: 30 s for the
 * partitions, 15 min of end-offset retries, an unbounded read): each step
 * here (describe, create, metadata, end offsets) gives up when Kafka has
 * not answered for kafka.unreachable.timeout.ms, the host's bound for an
 * unreachable Kafka (0 there: no bound); a read to the end gives up when
 * no record came for the caller's timeout (a long topic that keeps
 * coming is read whole). */
#define UNREACHABLE_KEY     "kafka.unreachable.timeout.ms"
#define UNREACHABLE_DEFAULT 120000
#define NO_BOUND_MS         (7 * 24 * 3600 * 1000) /* a week */

struct kafka_log {
        const kafka_log_spec *spec;
        const httpsrc_conf *worker;
        const logger *lg;
        char *topic;
        rd_kafka_t *prod;
        rd_kafka_t *reader;
        int committed; /* the reader is read_committed (exactly-once) */
        /* read_uncommitted, made at the first read past open transactions
         * of a read_committed log: it asks for the high watermarks */
        rd_kafka_t *ends;
        int open_timeout_ms; /* kafka.unreachable.timeout.ms, or a week */
        int parts;
        int64_t *pos; /* per partition: the next offset to read */
        int failed;   /* a delivery since the last flush failed */
        char fail_reason[256];
};

static int kset(const kafka_log *kl,
                rd_kafka_conf_t *kc,
                const char *k,
                const char *v,
                char *errstr,
                size_t errstr_size)
{
        char why[256];
        if (rd_kafka_conf_set(kc, k, v, why, sizeof(why)) == RD_KAFKA_CONF_OK)
                return 0;
        errstr_set(errstr, errstr_size, "%s: %s: %s", kl->spec->topic_key, k,
                   why);
        return -1;
}

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        kafka_log *kl = opaque;
        if (!m->err || kl->failed)
                return;
        kl->failed = 1;
        snprintf(kl->fail_reason, sizeof(kl->fail_reason), "%s",
                 rd_kafka_err2str(m->err));
}

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        kafka_log *kl = rd_kafka_opaque(rk);
        log_msg(kl->lg, level <= 3 ? HTTPSRC_LOG_ERROR : HTTPSRC_LOG_DEBUG,
                NULL, "librdkafka (%s) %s: %s", kl->spec->tag, fac, buf);
}

/* Connect's writer: acks=all, one request in flight (idempotence keeps
 * the order of a key's writes), Java's partitioner, records kept through
 * an outage (the flush reports the wait). */
static int make_producer(kafka_log *kl, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *kc =
            producer_client_conf(kl->worker, errstr, errstr_size);
        char why[256];
        if (!kc)
                return -1;
        if (kset(kl, kc, "acks", "all", errstr, errstr_size) ||
            kset(kl, kc, "enable.idempotence", "true", errstr, errstr_size) ||
            kset(kl, kc, "partitioner", "murmur2", errstr, errstr_size) ||
            kset(kl, kc, "message.timeout.ms", "0", errstr, errstr_size) ||
            kset(kl, kc, "linger.ms", "0", errstr, errstr_size) ||
            kset(kl, kc, "log.queue", "true", errstr, errstr_size)) {
                rd_kafka_conf_destroy(kc);
                return -1;
        }
        rd_kafka_conf_set_opaque(kc, kl);
        rd_kafka_conf_set_dr_msg_cb(kc, on_dr);
        rd_kafka_conf_set_log_cb(kc, on_log);
        kl->prod = rd_kafka_new(RD_KAFKA_PRODUCER, kc, why, sizeof(why));
        if (!kl->prod) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size, "%s: Kafka producer: %s",
                           kl->spec->topic_key, why);
                return -1;
        }
        rd_kafka_set_log_queue(kl->prod, NULL); /* served by rd_kafka_poll */
        return 0;
}

/* One admin request: its result queue and options, then its event. */
typedef struct admin_call {
        int timeout_ms;
        rd_kafka_queue_t *q;
        rd_kafka_AdminOptions_t *o;
        rd_kafka_event_t *ev;
} admin_call;

static void admin_begin(kafka_log *kl, rd_kafka_admin_op_t op, admin_call *a)
{
        char why[128];
        a->timeout_ms = kl->open_timeout_ms;
        a->q  = rd_kafka_queue_new(kl->prod);
        a->o  = rd_kafka_AdminOptions_new(kl->prod, op);
        a->ev = NULL;
        if (a->o)
                rd_kafka_AdminOptions_set_request_timeout(
                    a->o, kl->open_timeout_ms, why, sizeof(why));
}

/* Wait for the result event: the request's own error (or the timeout) with
 * @p why, or 0 when the result is there to read in a->ev. */
static rd_kafka_resp_err_t
admin_wait(admin_call *a, char *why, size_t why_size)
{
        a->ev = rd_kafka_queue_poll(a->q, a->timeout_ms + 5000);
        if (!a->ev) {
                snprintf(why, why_size, "no answer from Kafka in %d ms",
                         a->timeout_ms);
                return RD_KAFKA_RESP_ERR__TIMED_OUT;
        }
        rd_kafka_resp_err_t err = rd_kafka_event_error(a->ev);
        /* librdkafka words a timeout by whichever of its timers fired first
         * ("Timed out waiting for controller", "Failed while waiting for
         * controller: Local: Timed out"): say it one way. */
        if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
                snprintf(why, why_size, "no answer from Kafka");
        else if (err)
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
static rd_kafka_resp_err_t describe_policy(kafka_log *kl,
                                           char *policy,
                                           size_t policy_size,
                                           char *why,
                                           size_t why_size)
{
        admin_call a;
        rd_kafka_ConfigResource_t *r =
            rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, kl->topic);
        admin_begin(kl, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, &a);
        rd_kafka_DescribeConfigs(kl->prod, &r, 1, a.o, a.q);
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

static rd_kafka_resp_err_t create_topic(kafka_log *kl,
                                        int partitions,
                                        int replication,
                                        char *why,
                                        size_t why_size)
{
        admin_call a;
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(
            kl->topic, partitions, replication, why, why_size);
        if (!nt)
                return RD_KAFKA_RESP_ERR__INVALID_ARG;
        rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
        admin_begin(kl, RD_KAFKA_ADMIN_OP_CREATETOPICS, &a);
        rd_kafka_CreateTopics(kl->prod, &nt, 1, a.o, a.q);
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

static int count_key(const kafka_log *kl, const char *what, char *key,
                     size_t key_size)
{
        return snprintf(key, key_size, "%s.%s", kl->spec->prefix, what);
}

/* Partitions to create: the config topic has one, always. */
static int partitions_wanted(const kafka_log *kl)
{
        char key[96];
        if (!kl->spec->default_partitions)
                return 1;
        count_key(kl, "partitions", key, sizeof(key));
        return (int)conf_get_int(kl->worker, key,
                                 kl->spec->default_partitions);
}

/* KafkaTopicBasedBackingStore.topicInitializer: create the topic compacted
 * if it is missing, else verify cleanup.policy is exactly compact. */
static int ensure_topic(kafka_log *kl, char *errstr, size_t errstr_size)
{
        char rkey[96];
        count_key(kl, "replication.factor", rkey, sizeof(rkey));
        const char *tk   = kl->spec->topic_key;
        int parts        = partitions_wanted(kl);
        int repl         = (int)conf_get_int(kl->worker, rkey, 3);
        char policy[128] = "", why[512];
        rd_kafka_resp_err_t err =
            describe_policy(kl, policy, sizeof(policy), why, sizeof(why));
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                err = create_topic(kl, parts, repl, why, sizeof(why));
                if (!err) {
                        log_msg(kl->lg, HTTPSRC_LOG_INFO, NULL,
                                "%s: created topic '%s' (%d partitions, "
                                "replication factor %d, "
                                "cleanup.policy=compact)",
                                tk, kl->topic, parts, repl);
                        return 0;
                }
                if (err == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR) {
                        errstr_set(errstr, errstr_size,
                                   "%s: %d is more than the brokers can hold "
                                   "for topic '%s' (%s): set it to the number "
                                   "of brokers or lower (-1: the broker "
                                   "default)",
                                   rkey, repl, kl->topic, why);
                        return -1;
                }
                if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                        errstr_set(errstr, errstr_size,
                                   "%s: cannot create topic '%s': %s", tk,
                                   kl->topic, why);
                        return -1;
                }
                /* Another worker created it a moment ago: the broker may
                 * not describe it until its metadata has spread. */
                int64_t until =
                    mono_ms() + (kl->open_timeout_ms < 30000
                                     ? kl->open_timeout_ms
                                     : 30000);
                while ((err = describe_policy(kl, policy, sizeof(policy), why,
                                              sizeof(why))) ==
                           RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART &&
                       mono_ms() < until)
                        usleep(200 * 1000);
        }
        if (err) {
                const char *boot =
                    httpsrc_conf_get(kl->worker, "bootstrap.servers");
                errstr_set(errstr, errstr_size,
                           "%s: cannot describe topic '%s' at "
                           "bootstrap.servers=%s: %s (gave up after %d ms: "
                           UNREACHABLE_KEY ")",
                           tk, kl->topic, boot ? boot : "", why,
                           kl->open_timeout_ms);
                return -1;
        }
        if (strcmp(policy, "compact") != 0) {
                errstr_set(errstr, errstr_size,
                           "%s: topic '%s' has cleanup.policy=%s, but %s "
                           "need cleanup.policy=compact (older %s would be "
                           "deleted): alter the topic's cleanup.policy to "
                           "compact or choose another topic",
                           tk, kl->topic, policy, kl->spec->purpose,
                           kl->spec->purpose);
                return -1;
        }
        return 0;
}

static int partition_count(kafka_log *kl, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(kl->prod, kl->topic, NULL);
        const struct rd_kafka_metadata *md = NULL;
        int cnt                            = -1;
        int64_t deadline = mono_ms() + kl->open_timeout_ms;
        while (rkt && cnt < 0 && mono_ms() < deadline) {
                if (rd_kafka_metadata(kl->prod, 0, rkt, &md, 5000) == 0) {
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
                           "%s: no partitions of topic '%s' known after %d "
                           "ms (" UNREACHABLE_KEY ")",
                           kl->spec->topic_key, kl->topic, kl->open_timeout_ms);
        /* KafkaConfigBackingStore.start: one partition keeps the order. */
        if (cnt > 1 && !kl->spec->default_partitions) {
                errstr_set(errstr, errstr_size,
                           "%s: topic '%s' has %d partitions, but %s need "
                           "exactly 1 (to keep their order): choose a topic "
                           "with 1 partition or a new topic",
                           kl->spec->topic_key, kl->topic, cnt,
                           kl->spec->purpose);
                return -1;
        }
        return cnt;
}

/* A consumer of the worker's connection settings, @p isolation, assign()
 * only: a group.id is needed by librdkafka's consumer, nothing is
 * committed under it. */
static rd_kafka_t *make_consumer(kafka_log *kl,
                                 const char *isolation,
                                 char *errstr,
                                 size_t errstr_size)
{
        rd_kafka_conf_t *kc =
            producer_client_conf(kl->worker, errstr, errstr_size);
        char why[256];
        if (!kc)
                return NULL;
        if (kset(kl, kc, "group.id", "httpsrc-storage-reader", errstr,
                 errstr_size) ||
            kset(kl, kc, "enable.auto.commit", "false", errstr, errstr_size) ||
            kset(kl, kc, "enable.auto.offset.store", "false", errstr,
                 errstr_size) ||
            kset(kl, kc, "enable.partition.eof", "true", errstr, errstr_size) ||
            /* A long-poll Fetch waits in front of every ListOffsets on the
             * broker connection: 500 ms per partition for a read to the
             * end (2.5 s for a 5-partition status topic) without this. */
            kset(kl, kc, "fetch.wait.max.ms", "10", errstr, errstr_size) ||
            kset(kl, kc, "isolation.level", isolation, errstr, errstr_size) ||
            kset(kl, kc, "allow.auto.create.topics", "false", errstr,
                 errstr_size)) {
                rd_kafka_conf_destroy(kc);
                return NULL;
        }
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, why, sizeof(why));
        if (!rk) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size, "%s: Kafka consumer: %s",
                           kl->spec->topic_key, why);
        }
        return rk;
}

static int make_reader(kafka_log *kl, char *errstr, size_t errstr_size)
{
        kl->committed =
            kl->spec->read_committed_if_eos && txn_worker_enabled(kl->worker);
        kl->reader = make_consumer(
            kl, kl->committed ? "read_committed" : "read_uncommitted", errstr,
            errstr_size);
        return kl->reader ? 0 : -1;
}

/* Every partition from its start (KafkaBasedLog.start: assign +
 * seekToBeginning). */
static int assign_all(kafka_log *kl, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *tp =
            rd_kafka_topic_partition_list_new(kl->parts);
        for (int p = 0; p < kl->parts; p++)
                rd_kafka_topic_partition_list_add(tp, kl->topic, p)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_resp_err_t err = rd_kafka_assign(kl->reader, tp);
        rd_kafka_topic_partition_list_destroy(tp);
        if (err)
                errstr_set(errstr, errstr_size, "%s: assign '%s': %s",
                           kl->spec->topic_key, kl->topic,
                           rd_kafka_err2str(err));
        return err ? -1 : 0;
}

kafka_log *kafka_log_open(const httpsrc_conf *worker,
                          const logger *lg,
                          const kafka_log_spec *spec,
                          char *errstr,
                          size_t errstr_size)
{
        kafka_log *kl = calloc(1, sizeof(*kl));
        if (!kl) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        kl->spec   = spec;
        kl->worker = worker;
        int64_t bound =
            conf_get_int(worker, UNREACHABLE_KEY, UNREACHABLE_DEFAULT);
        kl->open_timeout_ms =
            bound <= 0 || bound > NO_BOUND_MS ? NO_BOUND_MS : (int)bound;
        kl->lg     = lg;
        kl->topic  = xstrdup(conf_get_set(worker, spec->topic_key));
        if (!kl->topic) {
                errstr_set(errstr, errstr_size, "%s: not set",
                           spec->topic_key);
                kafka_log_destroy(kl);
                return NULL;
        }
        if (make_producer(kl, errstr, errstr_size) ||
            ensure_topic(kl, errstr, errstr_size) ||
            (kl->parts = partition_count(kl, errstr, errstr_size)) < 0 ||
            !(kl->pos = calloc((size_t)kl->parts, sizeof(*kl->pos))) ||
            make_reader(kl, errstr, errstr_size) ||
            assign_all(kl, errstr, errstr_size)) {
                if (kl->parts > 0 && !kl->pos)
                        errstr_set(errstr, errstr_size, "out of memory");
                kafka_log_destroy(kl);
                return NULL;
        }
        return kl;
}

void kafka_log_destroy(kafka_log *kl)
{
        if (!kl)
                return;
        if (kl->reader) {
                rd_kafka_consumer_close(kl->reader);
                rd_kafka_destroy(kl->reader);
        }
        if (kl->ends)
                rd_kafka_destroy(kl->ends);
        if (kl->prod)
                rd_kafka_destroy(kl->prod);
        free(kl->pos);
        free(kl->topic);
        free(kl);
}

const char *kafka_log_topic(const kafka_log *kl)
{
        return kl->topic;
}

int kafka_log_patience_ms(const kafka_log *kl)
{
        return kl->open_timeout_ms;
}

int kafka_log_partitions(const kafka_log *kl)
{
        return kl->parts;
}

rd_kafka_t *kafka_log_producer(kafka_log *kl)
{
        return kl->prod;
}

static int retriable(rd_kafka_resp_err_t err)
{
        return err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
               err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
               err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
               err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
               err == RD_KAFKA_RESP_ERR__TRANSPORT;
}

/* The end offset of every partition, in one ListOffsets per leader
 * (offsets for time "latest" under @p rk's isolation: read_committed
 * gives the last stable offsets, read_uncommitted the high watermarks): a
 * query per partition queues each behind the reader's long-poll fetch. A
 * topic just created has no leaders for a moment: wait for them. */
static rd_kafka_resp_err_t query_ends(kafka_log *kl,
                                      rd_kafka_t *rk,
                                      int64_t *end,
                                      int64_t deadline,
                                      int *bad_part)
{
        rd_kafka_resp_err_t err;
        do {
                rd_kafka_topic_partition_list_t *tp =
                    rd_kafka_topic_partition_list_new(kl->parts);
                for (int p = 0; p < kl->parts; p++)
                        rd_kafka_topic_partition_list_add(tp, kl->topic, p)
                            ->offset = RD_KAFKA_OFFSET_END;
                int64_t left = deadline - mono_ms();
                err          = rd_kafka_offsets_for_times(
                             rk, tp, left < 1000 ? 1000 : (int)left);
                for (int i = 0; !err && i < tp->cnt; i++) {
                        const rd_kafka_topic_partition_t *e = &tp->elems[i];
                        if (e->partition < 0 || e->partition >= kl->parts)
                                continue;
                        err       = e->err;
                        *bad_part = e->partition;
                        end[e->partition] = e->offset < 0 ? 0 : e->offset;
                }
                rd_kafka_topic_partition_list_destroy(tp);
        } while (err && retriable(err) && mono_ms() < deadline &&
                 !usleep(100 * 1000));
        return err;
}

/* The end offsets now, in @p end (@p past_txns: the high watermarks);
 * how many partitions are behind them, -1 on error. */
static int end_offsets(kafka_log *kl,
                       int past_txns,
                       int64_t *end,
                       int64_t deadline,
                       char *errstr,
                       size_t errstr_size)
{
        int bad = -1, behind = 0;
        past_txns = past_txns && kl->committed;
        if (past_txns && !kl->ends &&
            !(kl->ends =
                  make_consumer(kl, "read_uncommitted", errstr, errstr_size)))
                return -1;
        rd_kafka_t *rk          = past_txns ? kl->ends : kl->reader;
        rd_kafka_resp_err_t err = query_ends(kl, rk, end, deadline, &bad);
        if (err) {
                errstr_set(errstr, errstr_size,
                           "%s: end offset of topic '%s' partition %d: %s",
                           kl->spec->topic_key, kl->topic, bad,
                           rd_kafka_err2str(err));
                return -1;
        }
        for (int p = 0; p < kl->parts; p++)
                behind += kl->pos[p] < end[p];
        return behind;
}

/* One message of the read: a record given to @p fn, or a partition's EOF;
 * the position moves on. 1 when the partition reached @p end, 0, or -1 on
 * error. */
static int read_one(kafka_log *kl,
                    const rd_kafka_message_t *m,
                    const int64_t *end,
                    kafka_log_record_fn fn,
                    void *opaque,
                    char *errstr,
                    size_t errstr_size)
{
        if (m->partition < 0 || m->partition >= kl->parts)
                return 0;
        int p          = m->partition;
        int was_behind = kl->pos[p] < end[p];
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (m->offset > kl->pos[p])
                        kl->pos[p] = m->offset;
                return was_behind && kl->pos[p] >= end[p];
        }
        if (m->err) {
                errstr_set(errstr, errstr_size, "%s: reading topic '%s': %s",
                           kl->spec->topic_key, kl->topic,
                           rd_kafka_message_errstr(m));
                return -1;
        }
        char why[1024] = "";
        int r          = fn(opaque, m, why, sizeof(why));
        if (r < 0) {
                errstr_set(errstr, errstr_size, "%s", why);
                return -1;
        }
        if (r == KAFKA_LOG_DROPPED || r == KAFKA_LOG_SKIPPED)
                log_msg(kl->lg,
                        r == KAFKA_LOG_DROPPED ? HTTPSRC_LOG_WARN
                                               : HTTPSRC_LOG_DEBUG,
                        NULL,
                        "%s: record at partition %d offset %lld of topic "
                        "'%s' ignored: %s",
                        kl->spec->topic_key, p, (long long)m->offset,
                        kl->topic, why);
        if (m->offset + 1 > kl->pos[p])
                kl->pos[p] = m->offset + 1;
        return was_behind && kl->pos[p] >= end[p];
}

/* What holds a read that did not reach @p end: a partition below its
 * end, which under read_committed past open transactions is one. */
static void not_at_end(kafka_log *kl,
                       int past_txns,
                       const int64_t *end,
                       int timeout_ms,
                       int todo,
                       char *errstr,
                       size_t errstr_size)
{
        int p = 0;
        while (p < kl->parts - 1 && kl->pos[p] >= end[p])
                p++;
        if (past_txns && kl->committed)
                errstr_set(errstr, errstr_size,
                           "%s: topic '%s' not read to its end: partition %d "
                           "stayed at offset %lld for %d ms, its end is "
                           "%lld: a transaction open there holds it (one "
                           "whose producer stopped is aborted when a task "
                           "with its transactional.id starts, or after its "
                           "transaction.timeout.ms), or Kafka stopped "
                           "answering",
                           kl->spec->topic_key, kl->topic, p,
                           (long long)kl->pos[p], timeout_ms,
                           (long long)end[p]);
        else
                errstr_set(errstr, errstr_size,
                           "%s: topic '%s' not read to its end: nothing "
                           "came for %d ms (%d partition(s) left): is Kafka "
                           "reachable?",
                           kl->spec->topic_key, kl->topic, timeout_ms, todo);
}

/* KafkaBasedLog.readToEnd: every partition up to the end offset taken
 * before the read; the EOF event covers a log ending in transaction
 * markers, where no record moves the position to the end. */
int kafka_log_read_to_end(kafka_log *kl,
                          int past_txns,
                          kafka_log_record_fn fn,
                          void *opaque,
                          int timeout_ms,
                          size_t *records,
                          char *errstr,
                          size_t errstr_size)
{
        int64_t deadline = mono_ms() + timeout_ms;
        int64_t *end     = calloc((size_t)kl->parts, sizeof(*end));
        int todo =
            end ? end_offsets(kl, past_txns, end, deadline, errstr, errstr_size)
                : -1;
        size_t n = 0;
        if (!end)
                errstr_set(errstr, errstr_size, "out of memory");
        while (todo > 0 && mono_ms() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(kl->reader, 200);
                if (!m)
                        continue;
                deadline = mono_ms() + timeout_ms; /* it moves: go on */
                int r = read_one(kl, m, end, fn, opaque, errstr, errstr_size);
                n += !m->err;
                rd_kafka_message_destroy(m);
                todo = r < 0 ? -1 : todo - r;
        }
        if (todo > 0)
                not_at_end(kl, past_txns, end, timeout_ms, todo, errstr,
                           errstr_size);
        free(end);
        if (records)
                *records = n;
        return todo == 0 ? HTTPSRC_OK : HTTPSRC_ERR_KAFKA;
}

int kafka_log_send(kafka_log *kl,
                   rd_kafka_t *rk,
                   const char *key,
                   size_t key_len,
                   const char *val,
                   size_t val_len)
{
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk ? rk : kl->prod, RD_KAFKA_V_TOPIC(kl->topic),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, key_len),
            RD_KAFKA_V_VALUE((void *)val, val ? val_len : 0), RD_KAFKA_V_END);
        if (!err)
                return HTTPSRC_OK;
        kl->failed = 1;
        snprintf(kl->fail_reason, sizeof(kl->fail_reason), "%s",
                 rd_kafka_err2str(err));
        return HTTPSRC_ERR_KAFKA;
}

int kafka_log_flush(kafka_log *kl,
                    int timeout_ms,
                    const char *what,
                    char *errstr,
                    size_t errstr_size)
{
        rd_kafka_flush(kl->prod, timeout_ms);
        int left   = rd_kafka_outq_len(kl->prod);
        int failed = kl->failed;
        kl->failed = 0;
        if (failed) {
                errstr_set(errstr, errstr_size,
                           "%s: writing to topic '%s' failed: %s",
                           kl->spec->topic_key, kl->topic, kl->fail_reason);
                return HTTPSRC_ERR_KAFKA;
        }
        if (left > 0) {
                errstr_set(errstr, errstr_size,
                           "%s: topic '%s' did not acknowledge %s within %d "
                           "ms",
                           kl->spec->topic_key, kl->topic, what, timeout_ms);
                return HTTPSRC_ERR_TIMEOUT;
        }
        return HTTPSRC_OK;
}
