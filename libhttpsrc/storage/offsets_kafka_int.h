/* offsets_kafka module: the offset store on a Kafka topic
 * (offset.storage.topic), in Kafka Connect's KafkaOffsetBackingStore
 * format, so that Connect and httpsrc-connect read each other's offsets:
 * key bytes ["<connector>",{partition}] as Connect's JsonConverter
 * (schemas.enable=false) writes them, value the offset map JSON, a null
 * value a tombstone (reset), partitioned by murmur2 of the key as Java's
 * default partitioner. The topic is compacted, created if missing
 * (offset.storage.partitions, offset.storage.replication.factor), and
 * read to its end once at open (KafkaBasedLog.readToEnd). */
#ifndef HTTPSRC_OFFSETS_KAFKA_INT_H
#define HTTPSRC_OFFSETS_KAFKA_INT_H

#include <stddef.h>

#include "conf_int.h"
#include "log_int.h"
#include "offsets_int.h"

/** Open the store on the worker's offset.storage.topic: create or verify
 *  the topic, read it to the end. @p lg must outlive the store. Errors
 *  (NULL) are one line naming the topic or key and what to do.
 *  Loop thread; flush waits up to offset.flush.timeout.ms for acks. */
offset_store *offset_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size);

#endif
