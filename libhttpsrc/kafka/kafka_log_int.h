/* kafka_log module: a compacted Kafka topic read from its start and kept
 * in step, as Kafka Connect's KafkaBasedLog and
 * KafkaTopicBasedBackingStore.topicInitializer (distributed.md §1.1): the
 * topic is created if missing (cleanup.policy=compact, the worker's
 * <prefix>.partitions and <prefix>.replication.factor), an existing one
 * must be compacted; a reader assigned every partition from the beginning
 * (no group membership), read to the end offsets taken before each read;
 * a producer with acks=all, one request in flight, Java's murmur2
 * partitioner. The three stores (offsets, configs, statuses) sit on it.
 *
 * Threads: one owner thread; the record callback runs on it, inside
 * kafka_log_read_to_end().
 */
#ifndef HTTPSRC_KAFKA_LOG_INT_H
#define HTTPSRC_KAFKA_LOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conf_int.h"
#include "log_int.h"

struct rd_kafka_message_s;
struct rd_kafka_s;

/** Which topic, and the words its errors use. Static. */
typedef struct kafka_log_spec {
        const char *topic_key; /* "offset.storage.topic": names the topic */
        const char *prefix;    /* "offset.storage": .partitions, .repl... */
        const char *purpose;   /* "offsets": "... but offsets need ..." */
        const char *tag;       /* "offsets": "librdkafka (offsets)" */
        int default_partitions;   /* 25, 5; 0: always 1 (configs) */
        int read_committed_if_eos; /* exactly.once.source.support=enabled */
} kafka_log_spec;

typedef struct kafka_log kafka_log;

/** Open the log of @p spec on the worker's topic: producer, topic created
 *  or verified, reader assigned (not read yet). @p worker and @p lg must
 *  outlive the log. NULL with a one-line error naming the key or topic
 *  and what to do. */
kafka_log *kafka_log_open(const httpsrc_conf *worker,
                          const logger *lg,
                          const kafka_log_spec *spec,
                          char *errstr,
                          size_t errstr_size);
void kafka_log_destroy(kafka_log *kl); /* NULL-safe */

const char *kafka_log_topic(const kafka_log *kl);
int kafka_log_partitions(const kafka_log *kl);
/** How long a step of the start may wait for Kafka (ms): the worker's
 *  kafka.unreachable.timeout.ms, a week for 0 (no bound). */
int kafka_log_patience_ms(const kafka_log *kl);
/** The producer (to make records in a transaction of one's own, say). */
struct rd_kafka_s *kafka_log_producer(kafka_log *kl);

/** What a record callback may return besides 0 (applied) and a negative
 *  error (the read stops, @p errstr set): the record is dropped, as
 *  Connect drops it, and the log says why (@p errstr) in one line. */
#define KAFKA_LOG_DROPPED 1 /* malformed or unknown: a warning */
#define KAFKA_LOG_SKIPPED 2 /* a kind this store does not keep: debug */

/** Called for each record read: 0, KAFKA_LOG_DROPPED/_SKIPPED, or a
 *  negative error that stops the read with @p errstr. */
typedef int (*kafka_log_record_fn)(void *opaque,
                                   const struct rd_kafka_message_s *m,
                                   char *errstr,
                                   size_t errstr_size);

/** Read every record up to the end offsets taken now (for the first
 *  read: from the start), giving up after @p timeout_ms. HTTPSRC_OK, or
 *  an error with errstr naming the topic. @p records, if not NULL,
 *  receives how many records were read.
 *
 *  @p past_txns: up to the high watermarks rather than the last stable
 *  offsets: under read_committed (exactly-once) the read waits until
 *  every transaction open now has ended, so that it sees every
 *  transaction committed before the call, including those written after
 *  another producer's still-open one (KafkaBasedLog's readToEnd with its
 *  admin's read_uncommitted end offsets). No difference without
 *  read_committed. */
int kafka_log_read_to_end(kafka_log *kl,
                          int past_txns,
                          kafka_log_record_fn fn,
                          void *opaque,
                          int timeout_ms,
                          size_t *records,
                          char *errstr,
                          size_t errstr_size);

/** Queue a record (@p val NULL: a tombstone) on the producer @p rk (NULL:
 *  the log's own); kafka_log_flush() waits for it. */
int kafka_log_send(kafka_log *kl,
                   struct rd_kafka_s *rk,
                   const char *key,
                   size_t key_len,
                   const char *val,
                   size_t val_len);

/** Wait up to @p timeout_ms until every record sent is acknowledged.
 *  HTTPSRC_OK; HTTPSRC_ERR_KAFKA when one failed ("<topic key>: writing
 *  to topic '<t>' failed: <why>"); HTTPSRC_ERR_TIMEOUT when some are still
 *  unacknowledged (they stay queued; errstr says @p what was not). */
int kafka_log_flush(kafka_log *kl,
                    int timeout_ms,
                    const char *what,
                    char *errstr,
                    size_t errstr_size);

#endif
