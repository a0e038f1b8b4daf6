/* Exactly-once delivery of one connector: see txn_int.h. */
#include "txn_int.h"

#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_int.h"

/* Without producer.transaction.timeout.ms: librdkafka's default. */
#define TXN_TIMEOUT_MS 60000

struct txn {
        producer *prod;
        char *id;
        char *offsets_topic;
        int open;
        int timeout_ms; /* each wait: init, flush, commit, abort */
};

/* A transaction may last the producer's transaction.timeout.ms: the
 * waits for the brokers (init_transactions first of all) last as long. */
static int timeout_of(const httpsrc_conf *worker)
{
        const char *v = conf_get_set(worker, "producer.transaction.timeout.ms");
        char *end     = NULL;
        long ms       = v ? strtol(v, &end, 10) : 0;
        return end && !*end && ms > 0 && ms <= INT_MAX ? (int)ms
                                                       : TXN_TIMEOUT_MS;
}

int txn_worker_enabled(const httpsrc_conf *worker)
{
        const char *v = conf_get_set(worker, "exactly.once.source.support");
        return v && !strcmp(v, "enabled");
}

static int is_fenced(rd_kafka_resp_err_t code)
{
        return code == RD_KAFKA_RESP_ERR__FENCED ||
               code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
               code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

static void fenced_msg(const txn *t, char *errstr, size_t errstr_size)
{
        errstr_set(errstr, errstr_size,
                   "exactly.once: transactional.id '%s' was fenced: another "
                   "worker started the same connector (a zombie must not "
                   "write); this one stops",
                   t->id);
}

int txn_fenced(const txn *t, char *errstr, size_t errstr_size)
{
        char why[256];
        rd_kafka_resp_err_t code =
            rd_kafka_fatal_error(producer_rk(t->prod), why, sizeof(why));
        if (!is_fenced(code))
                return 0;
        fenced_msg(t, errstr, errstr_size);
        return 1;
}

/* One line for a transaction error; fencing says what it means. */
static int txn_error(const txn *t,
                     const char *what,
                     rd_kafka_error_t *e,
                     char *errstr,
                     size_t errstr_size)
{
        rd_kafka_resp_err_t code = rd_kafka_error_code(e);
        if (is_fenced(code))
                fenced_msg(t, errstr, errstr_size);
        else if (!strcmp(what, "init_transactions") &&
                 code == RD_KAFKA_RESP_ERR__TIMED_OUT)
                /* The brokers answer, but no coordinator gives an id:
                 * e.g. __transaction_state cannot be created with
                 * transaction.state.log.replication.factor brokers. */
                errstr_set(errstr, errstr_size,
                           "exactly.once: transactional.id '%s' got no "
                           "producer id from the brokers in %d ms (%s): do "
                           "they support transactions? Their transaction "
                           "coordinator needs the __transaction_state topic "
                           "(transaction.state.log.replication.factor "
                           "brokers up); producer.transaction.timeout.ms "
                           "bounds this wait",
                           t->id, t->timeout_ms, rd_kafka_error_string(e));
        else if (code == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
                errstr_set(errstr, errstr_size,
                           "exactly.once: transactional.id '%s' is not "
                           "authorized: grant WRITE on it in the brokers' "
                           "ACLs",
                           t->id);
        else
                errstr_set(errstr, errstr_size,
                           "exactly.once: %s (transactional.id '%s'): %s", what,
                           t->id, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return HTTPSRC_ERR_KAFKA;
}

txn *txn_new(const httpsrc_conf *worker,
             const char *connector,
             const logger *lg,
             producer_dr_fn dr,
             void *dr_opaque,
             char *errstr,
             size_t errstr_size)
{
        txn *t           = calloc(1, sizeof(*t));
        const char *otop = conf_get_set(worker, "offset.storage.topic");
        /* A distributed worker names the task as Connect's
         * Worker.taskTransactionalId: the same id on whichever worker the
         * task runs, so that its start fences the previous owner. */
        const char *group = conf_get_set(worker, "group.id");
        strbuf id         = {0};
        if (!t || !otop ||
            sb_printf(&id, "%s-%s-0", group && *group ? group : otop,
                      connector) ||
            !(t->offsets_topic = xstrdup(otop))) {
                sb_free(&id);
                txn_destroy(t);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        t->id         = sb_steal(&id);
        t->timeout_ms = timeout_of(worker);
        t->prod = producer_new_tx(worker, t->id, lg, dr, dr_opaque, errstr,
                                  errstr_size);
        if (!t->prod) {
                txn_destroy(t);
                return NULL;
        }
        rd_kafka_error_t *e =
            rd_kafka_init_transactions(producer_rk(t->prod), t->timeout_ms);
        if (e) {
                txn_error(t, "init_transactions", e, errstr, errstr_size);
                txn_destroy(t);
                return NULL;
        }
        log_msg(lg, HTTPSRC_LOG_INFO, connector,
                "exactly.once: transactional.id '%s' initialized (any "
                "earlier producer with this id is fenced)",
                t->id);
        return t;
}

void txn_destroy(txn *t)
{
        if (!t)
                return;
        if (t->open)
                txn_abort(t);
        producer_destroy(t->prod);
        free(t->id);
        free(t->offsets_topic);
        free(t);
}

producer *txn_producer(txn *t)
{
        return t->prod;
}

int txn_is_open(const txn *t)
{
        return t->open;
}

int txn_begin(txn *t, char *errstr, size_t errstr_size)
{
        if (t->open)
                return HTTPSRC_OK;
        rd_kafka_error_t *e = rd_kafka_begin_transaction(producer_rk(t->prod));
        if (e)
                return txn_error(t, "begin_transaction", e, errstr,
                                 errstr_size);
        t->open = 1;
        return HTTPSRC_OK;
}

int txn_flush(txn *t, char *errstr, size_t errstr_size)
{
        rd_kafka_resp_err_t err =
            rd_kafka_flush(producer_rk(t->prod), t->timeout_ms);
        if (!err)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "exactly.once: records of transactional.id '%s' not "
                   "acknowledged in %d ms: %s",
                   t->id, t->timeout_ms, rd_kafka_err2str(err));
        return HTTPSRC_ERR_KAFKA;
}

int txn_put(txn *t,
            const char *key,
            size_t key_len,
            const char *value,
            size_t value_len,
            char *errstr,
            size_t errstr_size)
{
        rd_kafka_resp_err_t err = rd_kafka_producev(
            producer_rk(t->prod), RD_KAFKA_V_TOPIC(t->offsets_topic),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, key_len),
            RD_KAFKA_V_VALUE((void *)value, value ? value_len : 0),
            RD_KAFKA_V_END);
        if (!err)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "exactly.once: offset record to topic '%s': %s",
                   t->offsets_topic, rd_kafka_err2str(err));
        return HTTPSRC_ERR_KAFKA;
}

int txn_commit(txn *t,
               const char *key,
               size_t key_len,
               const char *value,
               char *errstr,
               size_t errstr_size)
{
        rd_kafka_t *rk = producer_rk(t->prod);
        if (value && txn_put(t, key, key_len, value, strlen(value), errstr,
                             errstr_size))
                return HTTPSRC_ERR_KAFKA;
        rd_kafka_error_t *e = rd_kafka_commit_transaction(rk, t->timeout_ms);
        if (e)
                return txn_error(t, "commit_transaction", e, errstr,
                                 errstr_size);
        t->open = 0;
        return HTTPSRC_OK;
}

void txn_abort(txn *t)
{
        rd_kafka_error_t *e =
            rd_kafka_abort_transaction(producer_rk(t->prod), t->timeout_ms);
        if (e)
                rd_kafka_error_destroy(e);
        t->open = 0;
}
