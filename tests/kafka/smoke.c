/*
 * smoke: proves that this librdkafka (Debian 12: 2.0.2) works against the
 * real broker the real-kafka suite runs on, before any other test relies on
 * it. Prints TAP. Usage: smoke BOOTSTRAP
 *
 *   1. idempotent produce of 100 records, acks=all
 *   2. a transaction of 10 records committed, one of 10 aborted
 *   3. a read_committed consumer sees the 100 + 10 committed records, in
 *      order, and none of the aborted ones; a read_uncommitted one sees the
 *      aborted records too (so the check above could fail)
 *   4. a consumer group (subscribe, rebalance, commit, committed offset
 *      fetched back)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

static int tap_n, tap_failed;

static void ok(int cond, const char *desc)
{
        tap_n++;
        if (!cond)
                tap_failed++;
        printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, desc);
        fflush(stdout);
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static rd_kafka_conf_t *conf_of(const char *boot, const char *const *kv)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[256];

        if (rd_kafka_conf_set(conf, "bootstrap.servers", boot, err,
                              sizeof(err)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "smoke: %s\n", err);
                exit(1);
        }
        for (; kv && kv[0]; kv += 2)
                if (rd_kafka_conf_set(conf, kv[0], kv[1], err, sizeof(err)) !=
                    RD_KAFKA_CONF_OK) {
                        fprintf(stderr, "smoke: %s=%s: %s\n", kv[0], kv[1],
                                err);
                        exit(1);
                }
        return conf;
}

static rd_kafka_t *client(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
        char err[256];
        rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof(err));

        if (!rk) {
                fprintf(stderr, "smoke: rd_kafka_new: %s\n", err);
                exit(1);
        }
        return rk;
}

static int produce_range(rd_kafka_t *rk, const char *topic, int first,
                         int last, const char *tag)
{
        char val[64];
        int i;

        for (i = first; i <= last; i++) {
                snprintf(val, sizeof(val), "%s-%d", tag, i);
                if (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                      RD_KAFKA_V_PARTITION(0),
                                      RD_KAFKA_V_VALUE(val, strlen(val)),
                                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                      RD_KAFKA_V_END)) {
                        fprintf(stderr, "smoke: produce failed\n");
                        return -1;
                }
        }
        return 0;
}

static int txn_ok(rd_kafka_error_t *e, const char *what)
{
        if (!e)
                return 1;
        fprintf(stderr, "smoke: %s: %s\n", what, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return 0;
}

/* Reads partition 0 of TOPIC from the beginning until EOF at the end
 * offset; the values joined with ',' into BUF. */
static int read_all(const char *boot, const char *topic, const char *iso,
                    char *buf, size_t size)
{
        const char *kv[] = {"group.id",           "smoke-reader",
                            "isolation.level",    iso,
                            "enable.partition.eof", "true",
                            "enable.auto.commit", "false",
                            NULL};
        rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, conf_of(boot, kv));
        rd_kafka_topic_partition_list_t *tp =
            rd_kafka_topic_partition_list_new(1);
        long long deadline = now_ms() + 30000;
        int n = 0, eof = 0;
        size_t len = 0;

        buf[0] = '\0';
        rd_kafka_topic_partition_list_add(tp, topic, 0)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(rk, tp);
        rd_kafka_topic_partition_list_destroy(tp);
        while (!eof && now_ms() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);

                if (!m)
                        continue;
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                        eof = 1;
                else if (!m->err && len + m->len + 2 < size) {
                        len += snprintf(buf + len, size - len, "%s%.*s",
                                        n ? "," : "", (int)m->len,
                                        (const char *)m->payload);
                        n++;
                }
                rd_kafka_message_destroy(m);
        }
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return eof ? n : -1;
}

static void expect_values(char *buf, size_t size, int with_aborted)
{
        size_t len = 0;
        int i;

        for (i = 1; i <= 100; i++)
                len += snprintf(buf + len, size - len, "%splain-%d",
                                i > 1 ? "," : "", i);
        for (i = 1; i <= 10; i++)
                len += snprintf(buf + len, size - len, ",committed-%d", i);
        for (i = 1; with_aborted && i <= 10; i++)
                len += snprintf(buf + len, size - len, ",aborted-%d", i);
}

static void group_test(const char *boot, const char *topic)
{
        const char *kv[] = {"group.id",           "smoke-group",
                            "auto.offset.reset",  "earliest",
                            "enable.auto.commit", "false",
                            NULL};
        rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, conf_of(boot, kv));
        rd_kafka_topic_partition_list_t *sub =
            rd_kafka_topic_partition_list_new(1), *assigned = NULL, *c;
        long long deadline = now_ms() + 30000;
        int n = 0, committed = 0;

        rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
        ok(rd_kafka_subscribe(rk, sub) == 0, "group: subscribe");
        rd_kafka_topic_partition_list_destroy(sub);
        while (n < 110 && now_ms() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);

                if (m && !m->err)
                        n++;
                if (m)
                        rd_kafka_message_destroy(m);
        }
        ok(n == 110, "group: the member was assigned the partition and read "
                     "the 110 committed records");
        rd_kafka_assignment(rk, &assigned);
        ok(assigned && assigned->cnt == 1, "group: assignment holds 1 partition");
        if (assigned)
                rd_kafka_topic_partition_list_destroy(assigned);
        ok(rd_kafka_commit(rk, NULL, 0) == 0, "group: synchronous commit");
        c = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(c, topic, 0);
        if (rd_kafka_committed(rk, c, 10000) == 0)
                committed = (int)c->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(c);
        /* Offsets 0-99 plain, 100-109 committed: the position after the
         * last record delivered is 110 (the commit marker's offset). */
        ok(committed == 110, "group: committed offset 110 fetched back from "
                             "the group coordinator");
        if (committed != 110)
                printf("# committed offset: %d\n", committed);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
}

int main(int argc, char **argv)
{
        const char *idem[] = {"enable.idempotence", "true", "acks", "all",
                              NULL};
        char tid[64], topic[64];
        const char *txkv[] = {"transactional.id", tid, NULL};
        static char got[8192], want[8192];
        rd_kafka_t *p;
        int n;

        if (argc != 2) {
                fprintf(stderr, "usage: smoke BOOTSTRAP\n");
                return 2;
        }
        printf("# librdkafka %s\n1..12\n", rd_kafka_version_str());
        snprintf(topic, sizeof(topic), "smoke-%d", (int)getpid());
        snprintf(tid, sizeof(tid), "smoke-tx-%d", (int)getpid());

        p = client(RD_KAFKA_PRODUCER, conf_of(argv[1], idem));
        ok(produce_range(p, topic, 1, 100, "plain") == 0 &&
               rd_kafka_flush(p, 30000) == 0 && rd_kafka_outq_len(p) == 0,
           "idempotent produce of 100 records acknowledged (acks=all)");
        rd_kafka_destroy(p);

        p = client(RD_KAFKA_PRODUCER, conf_of(argv[1], txkv));
        ok(txn_ok(rd_kafka_init_transactions(p, 30000), "init"),
           "init_transactions");
        ok(txn_ok(rd_kafka_begin_transaction(p), "begin") &&
               produce_range(p, topic, 1, 10, "committed") == 0 &&
               txn_ok(rd_kafka_commit_transaction(p, 30000), "commit"),
           "transaction of 10 records committed");
        ok(txn_ok(rd_kafka_begin_transaction(p), "begin") &&
               produce_range(p, topic, 1, 10, "aborted") == 0 &&
               rd_kafka_flush(p, 30000) == 0 &&
               txn_ok(rd_kafka_abort_transaction(p, 30000), "abort"),
           "transaction of 10 records sent, then aborted");
        rd_kafka_destroy(p);

        n = read_all(argv[1], topic, "read_committed", got, sizeof(got));
        expect_values(want, sizeof(want), 0);
        ok(n == 110, "read_committed: reached the end, 110 records");
        ok(!strcmp(got, want), "read_committed: exactly the plain and "
                               "committed records in order, no aborted one");
        if (strcmp(got, want))
                printf("# got: %.300s\n", got);
        n = read_all(argv[1], topic, "read_uncommitted", got, sizeof(got));
        expect_values(want, sizeof(want), 1);
        ok(n == 120 && !strcmp(got, want),
           "read_uncommitted sees the 10 aborted records too");

        group_test(argv[1], topic);
        return tap_failed || tap_n != 12 ? 1 : 0;
}
