/* status_store_kafka module: the status store on Kafka Connect's
 * status.storage.topic (KafkaStatusBackingStore; distributed.md §1.4):
 * compacted, created if missing (status.storage.partitions, default 5;
 * status.storage.replication.factor), read to its end at open; records
 * status-connector-<name> and status-task-<name>-<n> in Connect's format
 * (storage_records_int.h), partitioned by murmur2 of the key as Java's.
 * A write waits for its acknowledgement (up to 30 s; an unacknowledged
 * one stays queued and is sent when Kafka is back, as Connect retries),
 * or, batched (status_store_set_batched), status_store_flush() waits;
 * status_store_refresh() reads what other workers wrote since.
 *
 * Threads: the store's thread only (status_store_int.h).
 */
#ifndef HTTPSRC_STATUS_STORE_KAFKA_INT_H
#define HTTPSRC_STATUS_STORE_KAFKA_INT_H

#include <stddef.h>

#include "conf_int.h"
#include "log_int.h"
#include "status_store_int.h"

/** Open the store on the worker's status.storage.topic. @p worker and
 *  @p lg must outlive it. NULL with a one-line error naming the key or
 *  topic and what to do. */
status_store *status_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size);

#endif
