/* txn module: exactly-once delivery of one connector (KIP-618 on a
 * standalone worker). A transactional producer with transactional.id
 * "<offset.storage.topic>-<connector>-0" (a distributed worker:
 * "<group.id>-<connector>-0", KIP-618); each transaction holds the
 * records of a page and the offset record that covers them, written to the
 * offsets topic in Kafka Connect's format, then commits. Creating it calls
 * init_transactions, which fences any other producer with the same id (a
 * zombie host) and aborts its open transaction. Loop thread only. */
#ifndef HTTPSRC_TXN_INT_H
#define HTTPSRC_TXN_INT_H

#include <stddef.h>

#include "conf_int.h"
#include "log_int.h"
#include "producer_int.h"

typedef struct txn txn;

/** Create and init_transactions (waits up to the producer's
 *  transaction.timeout.ms, 60 s by default). @p dr gets the
 *  delivery reports of the records. NULL with errstr naming the
 *  transactional id and the reason. */
txn *txn_new(const httpsrc_conf *worker,
             const char *connector,
             const logger *lg,
             producer_dr_fn dr,
             void *dr_opaque,
             char *errstr,
             size_t errstr_size);
void txn_destroy(txn *t); /* NULL-safe; aborts an open transaction */

producer *txn_producer(txn *t);
/** Begin a transaction unless one is open. */
int txn_begin(txn *t, char *errstr, size_t errstr_size);
int txn_is_open(const txn *t);
/** Wait until every record of the open transaction is acknowledged
 *  (delivery reports served), so that the offset can be computed. */
int txn_flush(txn *t, char *errstr, size_t errstr_size);
/** Write one offset record (@p key bytes, @p value of @p value_len bytes;
 *  NULL: a tombstone) into the open transaction. */
int txn_put(txn *t,
            const char *key,
            size_t key_len,
            const char *value,
            size_t value_len,
            char *errstr,
            size_t errstr_size);
/** Write the offset record (@p key bytes, @p value; NULL: none) into the
 *  open transaction and commit it. Errors name the transactional id; a
 *  fenced producer says another worker runs the same connector. */
int txn_commit(txn *t,
               const char *key,
               size_t key_len,
               const char *value,
               char *errstr,
               size_t errstr_size);
/** 1 (with the message) if another producer with this transactional.id
 *  fenced this one: its records then fail with a fatal error. */
int txn_fenced(const txn *t, char *errstr, size_t errstr_size);
/** Abort the open transaction (its records never become visible to
 *  read_committed consumers). */
void txn_abort(txn *t);

/** "enabled" in the worker's exactly.once.source.support. */
int txn_worker_enabled(const httpsrc_conf *worker);

#endif
