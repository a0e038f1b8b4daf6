/*
 * txn_open: leaves a transaction open on a topic, as a producer killed in
 * the middle of one does: init_transactions, one record into partition 0
 * (delivered), then exit without commit or abort. The broker aborts it
 * after TIMEOUT_MS (its next expiry check); until then read_committed
 * readers of that partition stop before the record.
 *
 *   txn_open BOOTSTRAP TOPIC TRANSACTIONAL_ID TIMEOUT_MS
 *
 * Prints the record's offset; exit 1 on a Kafka error, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

static int fail(const char *what, rd_kafka_error_t *e)
{
        fprintf(stderr, "txn_open: %s: %s\n", what, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return 1;
}

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        *(int64_t *)opaque = m->err ? -1 : m->offset;
}

int main(int argc, char **argv)
{
        char err[512];
        if (argc != 5) {
                fprintf(stderr, "usage: txn_open BOOTSTRAP TOPIC "
                                "TRANSACTIONAL_ID TIMEOUT_MS\n");
                return 2;
        }
        int64_t offset      = -2;
        rd_kafka_conf_t *kc = rd_kafka_conf_new();
        if (rd_kafka_conf_set(kc, "bootstrap.servers", argv[1], err,
                              sizeof(err)) ||
            rd_kafka_conf_set(kc, "transactional.id", argv[3], err,
                              sizeof(err)) ||
            rd_kafka_conf_set(kc, "transaction.timeout.ms", argv[4], err,
                              sizeof(err))) {
                fprintf(stderr, "txn_open: %s\n", err);
                return 2;
        }
        rd_kafka_conf_set_opaque(kc, &offset);
        rd_kafka_conf_set_dr_msg_cb(kc, on_dr);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "txn_open: %s\n", err);
                return 1;
        }
        rd_kafka_error_t *e = rd_kafka_init_transactions(rk, 30000);
        if (e)
                return fail("init_transactions", e);
        if ((e = rd_kafka_begin_transaction(rk)))
                return fail("begin_transaction", e);
        rd_kafka_resp_err_t pe = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_KEY("txn_open", 8), RD_KAFKA_V_VALUE("{}", 2),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (pe) {
                fprintf(stderr, "txn_open: produce: %s\n",
                        rd_kafka_err2str(pe));
                return 1;
        }
        rd_kafka_flush(rk, 30000);
        if (offset < 0) {
                fprintf(stderr, "txn_open: the record was not delivered\n");
                return 1;
        }
        printf("%lld\n", (long long)offset);
        fflush(stdout);
        _exit(0); /* no rd_kafka_destroy: it would abort the transaction */
}
