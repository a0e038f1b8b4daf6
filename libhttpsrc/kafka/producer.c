/* producer module: the librdkafka producer shared by every connector. */
#include "producer_int.h"

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "json_int.h"
#include "util_int.h"

struct producer {
        rd_kafka_t *rk;
        rd_kafka_queue_t *mainq;
        int pipefd[2];
        producer_dr_fn dr;
        void *opaque;
        const logger *lg;
        char fatal[512];
        char cluster_id[64]; /* "": not known yet */
        rd_kafka_topic_t **topics; /* prepared; kept for the metadata */
        size_t n_topics;
        size_t last_topic; /* topics[] index the last record went to */
        int broker_up;           /* from the last statistics; -1: none yet */
        /* Reachability: since when no broker has answered (monotonic ms;
         * 0: one has since), per the error callback (all brokers down),
         * the statistics and delivery reports. */
        int64_t down_since;
        char down_why[256]; /* librdkafka's last connection error */
        char *brokers;      /* bootstrap.servers, for messages */
        int64_t queue_max_bytes; /* queue.buffering.max.kbytes */
        int64_t queue_max_msgs;  /* queue.buffering.max.messages */
};

/* Worker keys that go to librdkafka unchanged, like Connect's client
 * settings at the top level of the worker config. */
static int is_client_key(const char *key)
{
        return strcmp(key, "security.protocol") == 0 ||
               strcmp(key, "client.id") == 0 || strncmp(key, "sasl.", 5) == 0 ||
               strncmp(key, "ssl.", 4) == 0;
}

static int kset(rd_kafka_conf_t *kc,
                const char *shown,
                const char *key,
                const char *value,
                char *errstr,
                size_t errstr_size)
{
        char why[512];
        if (rd_kafka_conf_set(kc, key, value, why, sizeof(why)) ==
            RD_KAFKA_CONF_OK)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size, "%s: %s", shown, why);
        return HTTPSRC_ERR_INVAL;
}

/* librdkafka never queues a record larger than the whole queue: the
 * connector would wait for room forever. A larger message.max.bytes
 * raises the default bound; an explicit bound too small is an error. */
static int fit_queue(rd_kafka_conf_t *kc,
                     const httpsrc_conf *worker,
                     char *errstr,
                     size_t errstr_size)
{
        char mb[32], qk[32];
        size_t n1 = sizeof(mb), n2 = sizeof(qk);
        if (rd_kafka_conf_get(kc, "message.max.bytes", mb, &n1) ||
            rd_kafka_conf_get(kc, "queue.buffering.max.kbytes", qk, &n2))
                return HTTPSRC_OK;
        long long need = (atoll(mb) + 1023) / 1024;
        if (atoll(qk) >= need)
                return HTTPSRC_OK;
        if (httpsrc_conf_get(worker, "producer.queue.buffering.max.kbytes")) {
                errstr_set(errstr, errstr_size,
                           "producer.queue.buffering.max.kbytes: %s KiB "
                           "cannot hold one record of "
                           "producer.message.max.bytes "
                           "(%s bytes); raise it to at least %lld",
                           qk, mb, need);
                return HTTPSRC_ERR_INVAL;
        }
        snprintf(qk, sizeof(qk), "%lld", need);
        return kset(kc, "queue.buffering.max.kbytes",
                    "queue.buffering.max.kbytes", qk, errstr, errstr_size);
}

rd_kafka_conf_t *producer_client_conf(const httpsrc_conf *worker,
                                      char *errstr,
                                      size_t errstr_size)
{
        rd_kafka_conf_t *kc = rd_kafka_conf_new();
        int rc              = kset(kc, "bootstrap.servers", "bootstrap.servers",
                                   httpsrc_conf_get(worker, "bootstrap.servers"), errstr,
                                   errstr_size);
        for (size_t i = 0; !rc && i < httpsrc_conf_count(worker); i++) {
                const char *k, *v;
                httpsrc_conf_at(worker, i, &k, &v);
                if (is_client_key(k))
                        rc = kset(kc, k, k, v, errstr, errstr_size);
        }
        if (rc) {
                rd_kafka_conf_destroy(kc);
                return NULL;
        }
        return kc;
}

static rd_kafka_conf_t *
build_conf(const httpsrc_conf *worker, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *kc = rd_kafka_conf_new();
        int rc              = kset(kc, "bootstrap.servers", "bootstrap.servers",
                                   httpsrc_conf_get(worker, "bootstrap.servers"), errstr,
                                   errstr_size);
        if (!rc)
                rc = kset(kc, "acks", "acks", "all", errstr, errstr_size);
        if (!rc)
                rc = kset(kc, "enable.idempotence", "enable.idempotence",
                          "true", errstr, errstr_size);
        /* Logs are served by rd_kafka_poll() on the loop's thread, so a
         * user's log callback is never called from librdkafka's threads. */
        if (!rc)
                rc = kset(kc, "log.queue", "log.queue", "true", errstr,
                          errstr_size);
        /* Like Connect (delivery.timeout.ms=MAX): an outage delays records,
         * it does not fail them. The queue is bounded so that a long
         * outage or a slow broker pauses polling instead of filling
         * memory: 4 MiB of records cost about 2.5 times that in
         * librdkafka's messages and batches, and keep a 2-core worker at
         * full speed (bench: 64 MiB let a 120 ms broker stall take peak RSS
         * from 19 to 40 MB, 4 MiB kept it under 21 MB at the same
         * records/s). producer.* keys below override both. */
        if (!rc)
                rc = kset(kc, "message.timeout.ms", "message.timeout.ms", "0",
                          errstr, errstr_size);
        if (!rc)
                rc = kset(kc, "queue.buffering.max.kbytes",
                          "queue.buffering.max.kbytes", "4096", errstr,
                          errstr_size);
        /* Java's partitioner, as Kafka Connect's producer: a keyed record
         * goes to toPositive(murmur2(key)) % partitions, so a key stays on
         * the partition Connect put it on (per-key order across a
         * migration, compacted topics); null keys: a random partition.
         * librdkafka's default (consistent_random, CRC-32) differs. */
        if (!rc)
                rc = kset(kc, "partitioner", "partitioner", "murmur2_random",
                          errstr, errstr_size);
        /* Broker reachability for /metrics comes from the statistics
         * (librdkafka has no other view of its broker connections). */
        if (!rc)
                rc = kset(kc, "statistics.interval.ms",
                          "statistics.interval.ms", "5000", errstr,
                          errstr_size);
        for (size_t i = 0; !rc && i < httpsrc_conf_count(worker); i++) {
                const char *k, *v;
                httpsrc_conf_at(worker, i, &k, &v);
                if (strncmp(k, "producer.", 9) == 0)
                        rc = kset(kc, k, k + 9, v, errstr, errstr_size);
                else if (is_client_key(k))
                        rc = kset(kc, k, k, v, errstr, errstr_size);
        }
        if (!rc)
                rc = fit_queue(kc, worker, errstr, errstr_size);
        if (rc) {
                rd_kafka_conf_destroy(kc);
                return NULL;
        }
        return kc;
}

int producer_check_conf(const httpsrc_conf *worker,
                        char *errstr,
                        size_t errstr_size)
{
        rd_kafka_conf_t *kc = build_conf(worker, errstr, errstr_size);
        if (!kc)
                return HTTPSRC_ERR_INVAL;
        rd_kafka_conf_destroy(kc);
        return HTTPSRC_OK;
}

/* A broker answered: Kafka is reachable (again). */
static void set_reachable(producer *p)
{
        if (p->down_since)
                log_msg(p->lg, HTTPSRC_LOG_INFO, NULL,
                        "Kafka reachable again (bootstrap.servers=%s)",
                        p->brokers);
        p->down_since  = 0;
        p->down_why[0] = '\0';
}

/* No broker answers. Said once, not at every retry of librdkafka's. */
static void set_down(producer *p)
{
        if (p->down_since)
                return;
        p->down_since = mono_ms();
        log_msg(p->lg, HTTPSRC_LOG_WARN, NULL,
                "Kafka unreachable: no broker of bootstrap.servers=%s "
                "answers (%s); records wait in the producer until one does",
                p->brokers, p->down_why[0] ? p->down_why : "no connection");
}

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        producer *p = opaque;
        if (!p->dr)
                return; /* being destroyed */
        if (!m->err)
                set_reachable(p);
        if (m->err)
                p->dr(p->opaque, m->_private, HTTPSRC_ERR_KAFKA,
                      rd_kafka_err2str(m->err));
        else
                p->dr(p->opaque, m->_private, HTTPSRC_OK, NULL);
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
        producer *p = opaque;
        char fatal[512];
        if (err == RD_KAFKA_RESP_ERR__FATAL &&
            rd_kafka_fatal_error(rk, fatal, sizeof(fatal))) {
                snprintf(p->fatal, sizeof(p->fatal), "fatal Kafka error: %s",
                         fatal);
                log_msg(p->lg, HTTPSRC_LOG_ERROR, NULL, "%s", p->fatal);
                return;
        }
        /* Transient: librdkafka retries by itself. Connection errors
         * repeat at every reconnect: they make one "unreachable" line,
         * with the last of them as its reason (and /health, the status,
         * --once's bound); each is DEBUG. */
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
                set_down(p);
                return;
        }
        if (err == RD_KAFKA_RESP_ERR__TRANSPORT ||
            err == RD_KAFKA_RESP_ERR__RESOLVE ||
            err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
                snprintf(p->down_why, sizeof(p->down_why), "%s", reason);
                log_msg(p->lg, HTTPSRC_LOG_DEBUG, NULL, "Kafka: %s", reason);
                return;
        }
        log_msg(p->lg, HTTPSRC_LOG_WARN, NULL, "Kafka: %s", reason);
}

/* Is a broker connection UP, per librdkafka's statistics JSON (served on
 * the loop thread by rd_kafka_poll)? Its internal and logical (e.g.
 * coordinator) entries are no broker of the cluster. */
static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
        producer *p = opaque;
        const char *raw;
        size_t raw_len;
        /* Only the brokers member is parsed: the topics' part grows with
         * every topic and partition. */
        if (json_member_span(json, len, "brokers", &raw, &raw_len) != 1)
                return 0;
        httpsrc_json *brokers = json_parse(raw, raw_len, NULL, 0);
        int up                = 0;
        for (size_t i = 0; i < json_len(brokers); i++) {
                const httpsrc_json *b = json_at(brokers, i);
                const char *state     = json_string(json_get(b, "state"));
                const char *source    = json_string(json_get(b, "source"));
                up |= state && strcmp(state, "UP") == 0 && source &&
                      (strcmp(source, "learned") == 0 ||
                       strcmp(source, "configured") == 0);
        }
        if (brokers)
                p->broker_up = up;
        if (brokers && up)
                set_reachable(p);
        else if (brokers)
                set_down(p);
        json_destroy(brokers);
        return 0; /* librdkafka frees json */
}

static int64_t conf_int(rd_kafka_conf_t *kc, const char *key)
{
        char v[32];
        size_t n = sizeof(v);
        return rd_kafka_conf_get(kc, key, v, &n) == RD_KAFKA_CONF_OK
                   ? atoll(v)
                   : 0;
}

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        producer *p = rd_kafka_opaque(rk);
        /* A connection failure (FAIL) also reaches on_error(): logged
         * there, once. */
        int error = level <= 3 && strcmp(fac, "FAIL") != 0;
        log_msg(p->lg, error ? HTTPSRC_LOG_ERROR : HTTPSRC_LOG_DEBUG, NULL,
                "librdkafka %s: %s", fac, buf);
}

producer *producer_new(const httpsrc_conf *worker,
                       const logger *lg,
                       producer_dr_fn dr,
                       void *opaque,
                       char *errstr,
                       size_t errstr_size)
{
        return producer_new_tx(worker, NULL, lg, dr, opaque, errstr,
                               errstr_size);
}

producer *producer_new_tx(const httpsrc_conf *worker,
                          const char *transactional_id,
                          const logger *lg,
                          producer_dr_fn dr,
                          void *opaque,
                          char *errstr,
                          size_t errstr_size)
{
        producer *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->pipefd[0] = p->pipefd[1] = -1;
        p->dr                       = dr;
        p->opaque                   = opaque;
        p->lg                       = lg;
        rd_kafka_conf_t *kc         = build_conf(worker, errstr, errstr_size);
        /* Java's partitioner: the offset records of the transaction go to
         * the partition Connect would choose. */
        if (kc && transactional_id &&
            (kset(kc, "transactional.id", "transactional.id",
                  transactional_id, errstr, errstr_size) ||
             kset(kc, "partitioner", "partitioner", "murmur2_random", errstr,
                  errstr_size))) {
                rd_kafka_conf_destroy(kc);
                kc = NULL;
        }
        if (!kc || pipe2(p->pipefd, O_NONBLOCK | O_CLOEXEC) != 0) {
                if (kc)
                        rd_kafka_conf_destroy(kc);
                producer_destroy(p);
                return NULL;
        }
        rd_kafka_conf_set_opaque(kc, p);
        rd_kafka_conf_set_dr_msg_cb(kc, on_dr);
        rd_kafka_conf_set_error_cb(kc, on_error);
        rd_kafka_conf_set_log_cb(kc, on_log);
        rd_kafka_conf_set_stats_cb(kc, on_stats);
        p->broker_up       = -1;
        p->brokers = xstrdup(httpsrc_conf_get(worker, "bootstrap.servers"));
        p->queue_max_bytes = conf_int(kc, "queue.buffering.max.kbytes") * 1024;
        p->queue_max_msgs  = conf_int(kc, "queue.buffering.max.messages");
        char why[512];
        p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, why, sizeof(why));
        if (!p->rk) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size, "Kafka producer: %s", why);
                producer_destroy(p);
                return NULL;
        }
        p->mainq = rd_kafka_queue_get_main(p->rk);
        rd_kafka_set_log_queue(p->rk, NULL);
        rd_kafka_queue_io_event_enable(p->mainq, p->pipefd[1], "1", 1);
        return p;
}

void producer_destroy(producer *p)
{
        if (!p)
                return;
        p->dr = NULL;
        free(p->brokers);
        for (size_t i = 0; i < p->n_topics; i++)
                rd_kafka_topic_destroy(p->topics[i]);
        free(p->topics);
        if (p->mainq) {
                rd_kafka_queue_io_event_enable(p->mainq, -1, NULL, 0);
                rd_kafka_queue_destroy(p->mainq);
        }
        if (p->rk)
                rd_kafka_destroy(p->rk);
        if (p->pipefd[0] >= 0)
                close(p->pipefd[0]);
        if (p->pipefd[1] >= 0)
                close(p->pipefd[1]);
        free(p);
}

/* The handle of @p topic if producer_prepare_topic() made one; the last
 * one used is tried first (a connector sends to one topic in a row). */
static rd_kafka_topic_t *prepared_topic(producer *p, const char *topic)
{
        if (p->last_topic < p->n_topics &&
            strcmp(rd_kafka_topic_name(p->topics[p->last_topic]), topic) == 0)
                return p->topics[p->last_topic];
        for (size_t i = 0; i < p->n_topics; i++)
                if (strcmp(rd_kafka_topic_name(p->topics[i]), topic) == 0) {
                        p->last_topic = i;
                        return p->topics[i];
                }
        return NULL;
}

int producer_send(producer *p,
                  const char *topic,
                  const void *key,
                  size_t key_len,
                  const void *value,
                  size_t value_len,
                  int64_t timestamp_ms,
                  void *msg_opaque,
                  char *errstr,
                  size_t errstr_size)
{
        /* A prepared topic's handle spares librdkafka a lookup by name
         * (under its lock) per record. */
        rd_kafka_topic_t *rkt = prepared_topic(p, topic);
        /* Filled member by member: an initializer list zeroes each
         * union whole (192 bytes a record; 14 M instructions of the
         * throughput job's loop thread). */
        rd_kafka_vu_t vu[6];
        if (rkt) {
                vu[0].vtype = RD_KAFKA_VTYPE_RKT;
                vu[0].u.rkt = rkt;
        } else {
                vu[0].vtype  = RD_KAFKA_VTYPE_TOPIC;
                vu[0].u.cstr = topic;
        }
        /* Copied: lending the value (no F_COPY; it is mostly a span of
         * the page's body) saved about 1% of the loop's instructions but
         * kept each page's body until its last record's report, so a
         * few slow records held many bodies: peak RSS of the throughput
         * job 24-34 MB instead of 23-25 MB at load 11-14 (the same 20-26
         * MB on a quiet machine; slower acks hold more; issue 15). */
        vu[1].vtype      = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[1].u.i        = RD_KAFKA_MSG_F_COPY;
        vu[2].vtype      = RD_KAFKA_VTYPE_KEY;
        vu[2].u.mem.ptr  = (void *)key;
        vu[2].u.mem.size = key_len;
        vu[3].vtype      = RD_KAFKA_VTYPE_VALUE;
        vu[3].u.mem.ptr  = (void *)value;
        vu[3].u.mem.size = value_len;
        vu[4].vtype      = RD_KAFKA_VTYPE_TIMESTAMP;
        vu[4].u.i64      = timestamp_ms;
        vu[5].vtype      = RD_KAFKA_VTYPE_OPAQUE;
        vu[5].u.ptr      = msg_opaque;
        rd_kafka_error_t *e     = rd_kafka_produceva(p->rk, vu, 6);
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (e) {
                err = rd_kafka_error_code(e);
                rd_kafka_error_destroy(e);
        }
        if (!err)
                return HTTPSRC_OK;
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                return HTTPSRC_ERR_LIMIT;
        errstr_set(errstr, errstr_size, "produce to topic '%s' failed: %s",
                   topic, rd_kafka_err2str(err));
        return HTTPSRC_ERR_KAFKA;
}

int producer_prepare_topic(producer *p, const char *topic)
{
        for (size_t i = 0; i < p->n_topics; i++)
                if (strcmp(rd_kafka_topic_name(p->topics[i]), topic) == 0)
                        return HTTPSRC_OK;
        rd_kafka_topic_t **nt =
            realloc(p->topics, (p->n_topics + 1) * sizeof(*nt));
        if (!nt)
                return HTTPSRC_ERR_NOMEM;
        p->topics = nt;
        if (!(nt[p->n_topics] = rd_kafka_topic_new(p->rk, topic, NULL)))
                return HTTPSRC_ERR_KAFKA;
        p->n_topics++;
        return HTTPSRC_OK;
}

int producer_fd(const producer *p)
{
        return p->pipefd[0];
}

int producer_serve(producer *p)
{
        char buf[256];
        while (read(p->pipefd[0], buf, sizeof(buf)) > 0)
                ;
        return rd_kafka_poll(p->rk, 0);
}

void producer_flush(producer *p, int timeout_ms)
{
        /* librdkafka ignores linger.ms while a flush() call lasts. */
        rd_kafka_flush(p->rk, timeout_ms);
}

const char *producer_cluster_id(producer *p)
{
        /* Known once the first metadata arrived; asking does not wait. */
        if (!*p->cluster_id) {
                char *id = rd_kafka_clusterid(p->rk, 0);
                if (id)
                        snprintf(p->cluster_id, sizeof(p->cluster_id), "%s",
                                 id);
                rd_kafka_mem_free(p->rk, id);
        }
        return *p->cluster_id ? p->cluster_id : NULL;
}

const char *producer_fatal(const producer *p)
{
        return p->fatal[0] ? p->fatal : NULL;
}

void producer_queue(const producer *p, producer_queue_info *q)
{
        q->messages     = rd_kafka_outq_len(p->rk);
        q->max_bytes    = p->queue_max_bytes;
        q->max_messages = p->queue_max_msgs;
        q->broker_up     = p->broker_up;
}

int64_t producer_unreachable(const producer *p, int64_t now, const char **why)
{
        if (why)
                *why = p->down_why[0] ? p->down_why : "no connection";
        return p->down_since ? now - p->down_since + 1 : 0;
}

const char *producer_brokers(const producer *p)
{
        return p->brokers ? p->brokers : "";
}

rd_kafka_t *producer_rk(const producer *p)
{
        return p->rk;
}
