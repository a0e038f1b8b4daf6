/* storage_records module: the records of Kafka Connect's config and status
 * topics, byte for byte as Connect writes them (KafkaConfigBackingStore,
 * KafkaStatusBackingStore; distributed.md §1.2, §1.4): keys are plain
 * strings, values the JSON of Connect's internal JsonConverter with
 * schemas.enable=false (struct fields in schema order, an optional null
 * field written as null). Reading applies a record to a store with
 * Connect's rules (config_store_apply_*, status_store_apply).
 *
 * Pure functions: no I/O, any thread (for its own buffers and stores).
 */
#ifndef HTTPSRC_STORAGE_RECORDS_INT_H
#define HTTPSRC_STORAGE_RECORDS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config_store_int.h"
#include "status_store_int.h"

struct strbuf;

/* ---- config.storage.topic ---- */

/** Keys: "connector-<name>", "target-state-<name>", "task-<name>-<task>",
 *  "commit-<name>", "restart-connector-<name>", "tasks-fencing-<name>".
 *  Each appends to @p out; HTTPSRC_OK or HTTPSRC_ERR_NOMEM. */
int cfgrec_connector_key(struct strbuf *out, const char *name);
int cfgrec_target_key(struct strbuf *out, const char *name);
int cfgrec_task_key(struct strbuf *out, const char *name, int task);
int cfgrec_commit_key(struct strbuf *out, const char *name);
int cfgrec_restart_key(struct strbuf *out, const char *name);
int cfgrec_fencing_key(struct strbuf *out, const char *name);

/** {"properties":{"k":"v",...}} (connector and task configs). A
 *  connector's (@p name not NULL) gets "name":"<name>" last if it has no
 *  "name" key: Connect's REST adds it before writing, and a Java worker
 *  fails a connector without it ("Missing required configuration"). */
int cfgrec_props_value(struct strbuf *out,
                       const kvlist *p,
                       const char *name);
/** {"state":"PAUSED","state.v2":"STOPPED"}: state.v2 is the target
 *  (STARTED for HTTPSRC_STATE_RUNNING), state its pre-STOPPED form. */
int cfgrec_target_value(struct strbuf *out, int target);
/** {"tasks":N} */
int cfgrec_commit_value(struct strbuf *out, int n);
/** {"include-tasks":B,"only-failed":B} */
int cfgrec_restart_value(struct strbuf *out, int include_tasks,
                         int only_failed);
/** {"task-count":N} */
int cfgrec_fencing_value(struct strbuf *out, int n);

/** Apply one record of the config topic to @p s (after
 *  config_store_set_offset(s, offset + 1)), dispatching by key prefix in
 *  Connect's order. @p val NULL is a tombstone. Returns HTTPSRC_OK,
 *  HTTPSRC_ERR_NOMEM, KAFKA_LOG_DROPPED (1: an unknown key or a malformed
 *  value, which Connect logs and drops too) or KAFKA_LOG_SKIPPED (2: a
 *  kind this store does not keep: session-key, logger-cluster-), with
 *  @p why saying why. */
int cfgrec_apply(config_store *s,
                 const char *key,
                 size_t key_len,
                 const char *val,
                 size_t val_len,
                 int64_t offset,
                 char *why,
                 size_t why_size);

/* ---- status.storage.topic ---- */

/** "status-connector-<name>", or "status-task-<name>-<task>" when @p task
 *  is not STATUS_CONNECTOR. */
int statusrec_key(struct strbuf *out, const char *connector, int task);
/** {"state":"RUNNING","trace":null,"worker_id":"h:p","generation":7,
 *   "version":null}: Connect 4.1's schema (its STATUS_SCHEMA_V0 gained an
 *  optional "version", the plugin's); older workers ignore the field. */
int statusrec_value(struct strbuf *out, const status_rec *r);

/** Apply one record of the status topic to @p s (@p val NULL: tombstone).
 *  HTTPSRC_OK, HTTPSRC_ERR_NOMEM, KAFKA_LOG_DROPPED (a bad key or value,
 *  as Connect drops it) or KAFKA_LOG_SKIPPED (a status-topic- record, not
 *  kept here), with @p why. */
int statusrec_apply(status_store *s,
                    const char *key,
                    size_t key_len,
                    const char *val,
                    size_t val_len,
                    char *why,
                    size_t why_size);

#endif
