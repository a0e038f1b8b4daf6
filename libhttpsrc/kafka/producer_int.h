/* producer module: the librdkafka producer shared by every connector. */
#ifndef HTTPSRC_PRODUCER_INT_H
#define HTTPSRC_PRODUCER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "httpsrc/httpsrc.h"
#include "log_int.h"

typedef struct producer producer;

/** Delivery report: @p err is HTTPSRC_OK once the broker acknowledged the
 *  record, else HTTPSRC_ERR_KAFKA with @p reason. */
typedef void (*producer_dr_fn)(void *opaque,
                               void *msg_opaque,
                               int err,
                               const char *reason);

/**
 * Create the producer from the worker conf: bootstrap.servers, acks=all,
 * enable.idempotence=true, then every producer.* key with the prefix
 * removed, and the client security keys (security.protocol, sasl.*, ssl.*,
 * client.id) as they are. errstr "producer.<key>: <librdkafka reason>".
 */
producer *producer_new(const httpsrc_conf *worker,
                       const logger *lg,
                       producer_dr_fn dr,
                       void *opaque,
                       char *errstr,
                       size_t errstr_size);
void producer_destroy(producer *p); /* NULL-safe; does not flush */

/** producer_new() with transactional.id = @p transactional_id (and Java's
 *  murmur2 partitioner): the exactly-once producer of one connector. */
producer *producer_new_tx(const httpsrc_conf *worker,
                          const char *transactional_id,
                          const logger *lg,
                          producer_dr_fn dr,
                          void *opaque,
                          char *errstr,
                          size_t errstr_size);
struct rd_kafka_s;
/** The librdkafka handle, for the transaction calls (txn.c). */
struct rd_kafka_s *producer_rk(const producer *p);

/** A librdkafka conf with the worker's bootstrap.servers and client
 *  security keys only (for the other Kafka clients: the offsets topic).
 *  NULL with errstr "<key>: <reason>". The caller owns it. */
struct rd_kafka_conf_s;
struct rd_kafka_conf_s *producer_client_conf(const httpsrc_conf *worker,
                                             char *errstr,
                                             size_t errstr_size);

/** Check the worker's Kafka settings without connecting. */
int producer_check_conf(const httpsrc_conf *worker,
                        char *errstr,
                        size_t errstr_size);

/** Queue one record (copied). HTTPSRC_ERR_LIMIT when the local queue is
 *  full: try again after producer_serve(); other errors are final. */
int producer_send(producer *p,
                  const char *topic,
                  const void *key,
                  size_t key_len,
                  const void *value,
                  size_t value_len,
                  int64_t timestamp_ms,
                  void *msg_opaque,
                  char *errstr,
                  size_t errstr_size);

/** Make @p topic known to the producer now: its metadata then arrives
 *  with the first broker connection instead of up to a second after the
 *  first record (librdkafka 2.0 looks up unknown topics on a 1 s scan). */
int producer_prepare_topic(producer *p, const char *topic);

/** An fd that becomes readable when delivery reports are waiting. */
int producer_fd(const producer *p);
/** Serve waiting delivery reports (calls the dr callback); returns how
 *  many events were served. */
int producer_serve(producer *p);
/** Send what the queue holds now, without waiting for linger.ms, and
 *  serve delivery reports (as producer_serve) until all came or
 *  @p timeout_ms passed; for the end of a --once run, when nothing more
 *  will be queued. Loop thread. */
void producer_flush(producer *p, int timeout_ms);
/** The producer's queue and broker view, for /metrics. */
typedef struct producer_queue_info {
        int64_t messages;     /* records not yet delivered (incl. in flight) */
        int64_t max_bytes;    /* queue.buffering.max.kbytes, in bytes */
        int64_t max_messages; /* queue.buffering.max.messages */
        int broker_up; /* a broker was connected at the last statistics
                          (statistics.interval.ms); -1: none yet */
} producer_queue_info;
void producer_queue(const producer *p, producer_queue_info *q);

/** How long no Kafka broker has answered (ms, at @p now, monotonic;
 *  0: one answers or no connection was tried yet), and librdkafka's last
 *  connection error in @p why (may be NULL; the producer's string). */
int64_t producer_unreachable(const producer *p, int64_t now, const char **why);
/** bootstrap.servers as configured (the producer's string). */
const char *producer_brokers(const producer *p);

/** A fatal producer error (e.g. idempotence), or NULL. */
const char *producer_fatal(const producer *p);
/** The Kafka cluster id, or NULL while no metadata came (never waits;
 *  cached). Loop thread. */
const char *producer_cluster_id(producer *p);

#endif
