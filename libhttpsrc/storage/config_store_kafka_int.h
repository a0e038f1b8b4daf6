/* config_store_kafka module: the config store on Kafka Connect's
 * config.storage.topic (KafkaConfigBackingStore; distributed.md §1.2,
 * §1.3), so httpsrc workers and Java Connect workers share one cluster's
 * connectors: one partition, compacted, created if missing
 * (config.storage.replication.factor), read to its end at open; records
 * in Connect's format (storage_records_int.h). Every write is followed by
 * a read to the end (30 s budget, READ_WRITE_TOTAL_TIMEOUT_MS): the store
 * changes when its records come back, as in Connect, and the listener
 * (config_store_set_listener) hears every change read after the open,
 * other workers' and this one's.
 *
 * KIP-618: once claimed (config_store_kafka_claim), the writes go through
 * a transactional producer whose transactional.id is Connect's leader id
 * "connect-cluster-<group.id>"; claiming fences the previous leader's.
 *
 * Threads: the store's thread only (config_store_int.h).
 */
#ifndef HTTPSRC_CONFIG_STORE_KAFKA_INT_H
#define HTTPSRC_CONFIG_STORE_KAFKA_INT_H

#include <stddef.h>

#include "conf_int.h"
#include "config_store_int.h"
#include "log_int.h"

/** Open the store on the worker's config.storage.topic: create or verify
 *  the topic (1 partition, compacted), read it to its end. @p worker and
 *  @p lg must outlive the store. NULL with a one-line error naming the
 *  key or topic and what to do. */
config_store *config_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size);

/** Write restart-connector-<name> (KIP-745; the leader does). */
int config_store_kafka_put_restart(config_store *s,
                                   const char *name,
                                   int include_tasks,
                                   int only_failed,
                                   char *errstr,
                                   size_t errstr_size);

/** Write tasks-fencing-<name> {"task-count":n} (KIP-618, the leader
 *  after fencing the tasks' producers). */
int config_store_kafka_put_task_count(config_store *s,
                                      const char *name,
                                      int n,
                                      char *errstr,
                                      size_t errstr_size);

/** The transactional.id of the leader's config-topic producer,
 *  "connect-cluster-<group.id>" (NULL: no group.id); the store's. */
const char *config_store_kafka_transactional_id(const config_store *s);

/** Become the only writer (the leader, when exactly-once is on):
 *  init_transactions with the transactional id above, which fences any
 *  previous leader's producer; later writes are transactions. Claiming
 *  again after a failed write (fenced) is allowed. HTTPSRC_OK or an error
 *  naming the transactional id. */
int config_store_kafka_claim(config_store *s,
                             char *errstr,
                             size_t errstr_size);
/** Give the claim up (no longer leader): writes go plain again. */
void config_store_kafka_release(config_store *s);
/** 1 while claimed. */
int config_store_kafka_claimed(const config_store *s);

#endif
