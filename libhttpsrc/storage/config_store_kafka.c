/* config_store_kafka module: see config_store_kafka_int.h. The write
 * sequences are KafkaConfigBackingStore's (putConnectorConfig,
 * removeConnectorConfig, putTaskConfigs, putTargetState,
 * putRestartRequest, putTaskCountRecord). */
#include "config_store_kafka_int.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka_log_int.h"
#include "producer_int.h"
#include "storage_records_int.h"
#include "util_int.h"

/* READ_WRITE_TOTAL_TIMEOUT_MS: a write and its read back, and the start. */
#define RW_TIMEOUT_MS 30000

static const kafka_log_spec configs_spec = {
    .topic_key             = "config.storage.topic",
    .prefix                = "config.storage",
    .purpose               = "connector configurations",
    .tag                   = "configs",
    .default_partitions    = 0, /* always 1 */
    .read_committed_if_eos = 1,
};

typedef struct ckafka {
        kafka_log *log;
        const httpsrc_conf *worker;
        const logger *lg;
        char *txid;     /* connect-cluster-<group.id>, or NULL */
        rd_kafka_t *tx; /* the claimed transactional producer, or NULL */
} ckafka;

static const config_store_ops kafka_ops;

/* ConsumeCallback: apply the record (what Connect drops, kafka_log
 * logs). */
static int apply_one(void *opaque,
                     const rd_kafka_message_t *m,
                     char *errstr,
                     size_t errstr_size)
{
        config_store *s = opaque;
        int r = cfgrec_apply(s, m->key, m->key_len, m->payload,
                             m->payload ? m->len : 0, m->offset, errstr,
                             errstr_size);
        if (r < 0)
                errstr_set(errstr, errstr_size, "out of memory");
        return r;
}

static int
read_to_end(ckafka *ck, config_store *s, char *errstr, size_t errstr_size)
{
        return kafka_log_read_to_end(ck->log, 0, apply_one, s, RW_TIMEOUT_MS,
                                     NULL, errstr, errstr_size);
}

/* One record to write: key and value (NULL: tombstone). */
typedef struct outrec {
        strbuf k, v;
        int tombstone;
} outrec;

static void outrec_free(outrec *r, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                sb_free(&r[i].k);
                sb_free(&r[i].v);
        }
}

/* A claimed worker's write: one transaction (sendPrivileged). A failure
 * leaves the worker fenced from the topic until it claims again. */
static int send_tx(ckafka *ck, const outrec *r, size_t n, char *errstr,
                   size_t errstr_size)
{
        rd_kafka_error_t *e = rd_kafka_begin_transaction(ck->tx);
        for (size_t i = 0; !e && i < n; i++)
                if (kafka_log_send(ck->log, ck->tx, r[i].k.buf, r[i].k.len,
                                   r[i].tombstone ? NULL : r[i].v.buf,
                                   r[i].v.len))
                        e = rd_kafka_error_new(RD_KAFKA_RESP_ERR__STATE,
                                               "produce failed");
        if (!e)
                e = rd_kafka_commit_transaction(ck->tx, RW_TIMEOUT_MS);
        if (!e)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "config.storage.topic: transactional write with "
                   "transactional.id '%s' failed: %s; this worker no longer "
                   "writes the topic until it claims it again",
                   ck->txid, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        rd_kafka_destroy(ck->tx);
        ck->tx = NULL;
        return HTTPSRC_ERR_KAFKA;
}

/* Send @p n records in order and wait for them. */
static int send_all(ckafka *ck,
                    const outrec *r,
                    size_t n,
                    char *errstr,
                    size_t errstr_size)
{
        if (ck->tx)
                return send_tx(ck, r, n, errstr, errstr_size);
        int rc = HTTPSRC_OK;
        for (size_t i = 0; !rc && i < n; i++)
                rc = kafka_log_send(ck->log, NULL, r[i].k.buf, r[i].k.len,
                                    r[i].tombstone ? NULL : r[i].v.buf,
                                    r[i].v.len);
        int f = kafka_log_flush(ck->log, RW_TIMEOUT_MS,
                                "the connector configuration", errstr,
                                errstr_size);
        return rc ? rc : f;
}

/* send_all(), then read to the end. */
static int write_all(ckafka *ck,
                     config_store *s,
                     const outrec *r,
                     size_t n,
                     char *errstr,
                     size_t errstr_size)
{
        int rc = send_all(ck, r, n, errstr, errstr_size);
        return rc ? rc : read_to_end(ck, s, errstr, errstr_size);
}

static int nomem(char *errstr, size_t errstr_size)
{
        errstr_set(errstr, errstr_size, "out of memory");
        return HTTPSRC_ERR_NOMEM;
}

static int ck_put_connector(void *be,
                            config_store *s,
                            const char *name,
                            const kvlist *props,
                            int target,
                            char *errstr,
                            size_t errstr_size)
{
        outrec r[2]  = {0};
        size_t n = 0;
        int bad  = 0;
        if (target != CONFIG_TARGET_KEEP) { /* the target state first */
                bad = cfgrec_target_key(&r[n].k, name) ||
                      cfgrec_target_value(&r[n].v, target);
                n++;
        }
        bad = bad || cfgrec_connector_key(&r[n].k, name) ||
              cfgrec_props_value(&r[n].v, props, name);
        n++;
        int rc = bad ? nomem(errstr, errstr_size)
                     : write_all(be, s, r, n, errstr, errstr_size);
        outrec_free(r, n);
        return rc;
}

static int ck_remove_connector(void *be,
                               config_store *s,
                               const char *name,
                               char *errstr,
                               size_t errstr_size)
{
        outrec r[2] = {{{0}, {0}, 1}, {{0}, {0}, 1}};
        int rc  = cfgrec_connector_key(&r[0].k, name) ||
                         cfgrec_target_key(&r[1].k, name)
                     ? nomem(errstr, errstr_size)
                     : write_all(be, s, r, 2, errstr, errstr_size);
        outrec_free(r, 2);
        return rc;
}

static int ck_put_target(void *be,
                         config_store *s,
                         const char *name,
                         int target,
                         char *errstr,
                         size_t errstr_size)
{
        outrec r   = {0};
        int rc = cfgrec_target_key(&r.k, name) ||
                         cfgrec_target_value(&r.v, target)
                     ? nomem(errstr, errstr_size)
                     : write_all(be, s, &r, 1, errstr, errstr_size);
        outrec_free(&r, 1);
        return rc;
}

/* putTaskConfigs: read to end, the task records, read to end, the
 * commit record, read to end. */
static int ck_put_tasks(void *be,
                        config_store *s,
                        const char *name,
                        size_t n,
                        const kvlist *tasks,
                        char *errstr,
                        size_t errstr_size)
{
        ckafka *ck = be;
        outrec *r      = calloc(n ? n : 1, sizeof(*r));
        outrec commit  = {0};
        int bad    = !r || cfgrec_commit_key(&commit.k, name) ||
                  cfgrec_commit_value(&commit.v, (int)n);
        for (size_t i = 0; !bad && i < n; i++)
                bad = cfgrec_task_key(&r[i].k, name, (int)i) ||
                      cfgrec_props_value(&r[i].v, &tasks[i], NULL);
        int rc = bad ? nomem(errstr, errstr_size)
                     : read_to_end(ck, s, errstr, errstr_size);
        /* The task records acknowledged before the commit goes (one
         * producer, in order); one read back for both: the read between
         * them (Connect's) costs a round trip per connector created. */
        if (!rc && n)
                rc = send_all(ck, r, n, errstr, errstr_size);
        if (!rc)
                rc = write_all(ck, s, &commit, 1, errstr, errstr_size);
        if (r)
                outrec_free(r, n);
        outrec_free(&commit, 1);
        free(r);
        return rc;
}

static int
ck_refresh(void *be, config_store *s, char *errstr, size_t errstr_size)
{
        return read_to_end(be, s, errstr, errstr_size);
}

static void ck_destroy(void *be)
{
        ckafka *ck = be;
        if (!ck)
                return;
        if (ck->tx)
                rd_kafka_destroy(ck->tx);
        kafka_log_destroy(ck->log);
        free(ck->txid);
        free(ck);
}

static const config_store_ops kafka_ops = {
    .name             = "kafka",
    .reads_back       = 1,
    .put_connector    = ck_put_connector,
    .remove_connector = ck_remove_connector,
    .put_target       = ck_put_target,
    .put_tasks        = ck_put_tasks,
    .refresh          = ck_refresh,
    .destroy          = ck_destroy,
};

config_store *config_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size)
{
        ckafka *ck      = calloc(1, sizeof(*ck));
        config_store *s = ck ? config_store_new(&kafka_ops, ck) : NULL;
        if (!s) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        ck->worker        = worker;
        ck->lg            = lg;
        const char *group = conf_get_set(worker, "group.id");
        strbuf id         = {0};
        if (group && sb_printf(&id, "connect-cluster-%s", group)) {
                config_store_destroy(s);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        ck->txid = sb_steal(&id);
        ck->log  = kafka_log_open(worker, lg, &configs_spec, errstr,
                                  errstr_size);
        size_t before = 0;
        if (!ck->log || read_to_end(ck, s, errstr, errstr_size)) {
                config_store_destroy(s);
                return NULL;
        }
        before = config_store_count(s);
        config_store_set_started(s);
        log_msg(lg, HTTPSRC_LOG_INFO, NULL,
                "config.storage.topic: read topic '%s' to its end (offset "
                "%lld, %zu connectors)",
                kafka_log_topic(ck->log), (long long)config_store_offset(s),
                before);
        return s;
}

static ckafka *ck_of(const config_store *s)
{
        return config_store_backend_data(s, &kafka_ops);
}

static int one_record(config_store *s,
                      int (*key)(strbuf *, const char *),
                      const char *name,
                      const outrec *filled,
                      char *errstr,
                      size_t errstr_size)
{
        ckafka *ck = ck_of(s);
        outrec r       = *filled;
        if (!ck) {
                outrec_free(&r, 1);
                errstr_set(errstr, errstr_size,
                           "not a config.storage.topic store");
                return HTTPSRC_ERR_STATE;
        }
        int rc = key(&r.k, name) ? nomem(errstr, errstr_size)
                                 : write_all(ck, s, &r, 1, errstr,
                                             errstr_size);
        outrec_free(&r, 1);
        return rc;
}

int config_store_kafka_put_restart(config_store *s,
                                   const char *name,
                                   int include_tasks,
                                   int only_failed,
                                   char *errstr,
                                   size_t errstr_size)
{
        outrec r = {0};
        if (cfgrec_restart_value(&r.v, include_tasks, only_failed)) {
                outrec_free(&r, 1);
                return nomem(errstr, errstr_size);
        }
        return one_record(s, cfgrec_restart_key, name, &r, errstr,
                          errstr_size);
}

int config_store_kafka_put_task_count(config_store *s,
                                      const char *name,
                                      int n,
                                      char *errstr,
                                      size_t errstr_size)
{
        outrec r = {0};
        if (cfgrec_fencing_value(&r.v, n)) {
                outrec_free(&r, 1);
                return nomem(errstr, errstr_size);
        }
        return one_record(s, cfgrec_fencing_key, name, &r, errstr,
                          errstr_size);
}

const char *config_store_kafka_transactional_id(const config_store *s)
{
        ckafka *ck = ck_of(s);
        return ck ? ck->txid : NULL;
}

int config_store_kafka_claimed(const config_store *s)
{
        ckafka *ck = ck_of(s);
        return ck && ck->tx;
}

void config_store_kafka_release(config_store *s)
{
        ckafka *ck = s ? ck_of(s) : NULL;
        if (!ck || !ck->tx)
                return;
        rd_kafka_destroy(ck->tx);
        ck->tx = NULL;
}

/* claimWritePrivileges: a transactional producer, fenced by the next. */
int config_store_kafka_claim(config_store *s,
                             char *errstr,
                             size_t errstr_size)
{
        ckafka *ck = ck_of(s);
        char why[256];
        if (!ck || !ck->txid) {
                errstr_set(errstr, errstr_size,
                           "group.id: needed to claim config.storage.topic "
                           "(transactional.id connect-cluster-<group.id>)");
                return HTTPSRC_ERR_STATE;
        }
        config_store_kafka_release(s);
        rd_kafka_conf_t *kc =
            producer_client_conf(ck->worker, errstr, errstr_size);
        if (!kc)
                return HTTPSRC_ERR_INVAL;
        if (rd_kafka_conf_set(kc, "transactional.id", ck->txid, why,
                              sizeof(why)) ||
            rd_kafka_conf_set(kc, "acks", "all", why, sizeof(why)) ||
            rd_kafka_conf_set(kc, "partitioner", "murmur2", why,
                              sizeof(why)) ||
            !(ck->tx = rd_kafka_new(RD_KAFKA_PRODUCER, kc, why,
                                    sizeof(why)))) {
                rd_kafka_conf_destroy(kc);
                errstr_set(errstr, errstr_size,
                           "config.storage.topic: transactional producer "
                           "'%s': %s",
                           ck->txid, why);
                return HTTPSRC_ERR_KAFKA;
        }
        rd_kafka_error_t *e = rd_kafka_init_transactions(ck->tx, RW_TIMEOUT_MS);
        if (!e)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "config.storage.topic: init_transactions with "
                   "transactional.id '%s' failed: %s",
                   ck->txid, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        rd_kafka_destroy(ck->tx);
        ck->tx = NULL;
        return HTTPSRC_ERR_KAFKA;
}
