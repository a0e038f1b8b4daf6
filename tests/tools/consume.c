/*
 * consume: dump a topic from the beginning of every partition, one record a
 * line as "<key>\t<value>" ("(null)" for a missing key; with -p the line
 * starts with "<partition>\t").
 *
 * Usage: consume -b BOOT -t TOPIC [-n EXPECTED] [-i IDLE_MS=3000]
 *                [-T TOTAL_TIMEOUT_MS=30000] [-p] [-N] [-U]
 *        consume -b BOOT -C     print the cluster id (what GET / shows)
 * Stops once EXPECTED records were read and nothing more arrived for IDLE_MS
 * (so extra records show up too), or, without -n, after IDLE_MS of silence,
 * or at TOTAL_TIMEOUT_MS. Exits 0, 3 on timeout before EXPECTED records,
 * 2 on bad usage, 1 on a Kafka error. -N prints a null value (a tombstone)
 * as "(null)" instead of nothing. -U reads read_uncommitted (librdkafka's
 * default, and so this tool's, is read_committed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

struct opts {
        const char *boot;
        const char *topic;
        long expected; /* -1 = not given */
        long idle_ms;
        long total_ms;
        int partition_column;
        int null_values;
        int cluster_id; /* -C */
        int uncommitted;
};

struct progress {
        long count;
        long long start_ms;
        long long last_ms; /* last record, or start */
        long long flushed_ms;
};

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
        fputs("usage: consume -b BOOT -t TOPIC [-n EXPECTED] [-i IDLE_MS] "
              "[-T TOTAL_TIMEOUT_MS] [-p] [-N] [-U]\n       consume -b BOOT -C\n",
              stderr);
}

static int parse_long(const char *s, long *out)
{
        char *end;

        errno = 0;
        *out  = strtol(s, &end, 10);
        return errno || end == s || *end || *out < 0 ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
        int c, rc = 0;

        while ((c = getopt(argc, argv, "b:t:n:i:T:pNCU")) != -1) {
                if (c == 'b')
                        o->boot = optarg;
                else if (c == 't')
                        o->topic = optarg;
                else if (c == 'n')
                        rc = parse_long(optarg, &o->expected);
                else if (c == 'i')
                        rc = parse_long(optarg, &o->idle_ms);
                else if (c == 'T')
                        rc = parse_long(optarg, &o->total_ms);
                else if (c == 'p')
                        o->partition_column = 1;
                else if (c == 'N')
                        o->null_values = 1;
                else if (c == 'C')
                        o->cluster_id = 1;
                else if (c == 'U')
                        o->uncommitted = 1;
                else
                        rc = -1;
                if (rc)
                        return -1;
        }
        return !o->boot || (!o->topic && !o->cluster_id) || optind < argc
                   ? -1
                   : 0;
}

static rd_kafka_t *consumer_new(const struct opts *o)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        char err[512], group[64];
        rd_kafka_t *rk;

        /* assign() needs a group; a fresh one never has committed offsets. */
        snprintf(group, sizeof(group), "consume-%ld-%lld", (long)getpid(),
                 now_ms());
        if (rd_kafka_conf_set(conf, "bootstrap.servers", o->boot, err,
                              sizeof(err)) ||
            rd_kafka_conf_set(conf, "group.id", group, err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "enable.auto.commit", "false", err,
                              sizeof(err)) ||
            rd_kafka_conf_set(conf, "isolation.level",
                              o->uncommitted ? "read_uncommitted"
                                             : "read_committed",
                              err, sizeof(err))) {
                fprintf(stderr, "consume: %s\n", err);
                rd_kafka_conf_destroy(conf);
                return NULL;
        }
        rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "consume: %s\n", err);
                rd_kafka_conf_destroy(conf);
        }
        return rk;
}

/* Partition count of the topic, waiting until it exists; -1 at deadline. */
static int
partition_count(rd_kafka_t *rk, const char *topic, long long deadline)
{
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        int cnt               = -1;

        while (rkt && cnt < 0 && now_ms() < deadline) {
                const struct rd_kafka_metadata *md;

                if (rd_kafka_metadata(rk, 0, rkt, &md, 2000) == 0) {
                        if (md->topic_cnt == 1 && !md->topics[0].err &&
                            md->topics[0].partition_cnt > 0)
                                cnt = md->topics[0].partition_cnt;
                        rd_kafka_metadata_destroy(md);
                }
                if (cnt < 0)
                        usleep(100 * 1000);
        }
        if (rkt)
                rd_kafka_topic_destroy(rkt);
        return cnt;
}

static int assign_all(rd_kafka_t *rk, const char *topic, int partitions)
{
        rd_kafka_topic_partition_list_t *tp =
            rd_kafka_topic_partition_list_new(partitions);
        rd_kafka_resp_err_t err;
        int p;

        for (p = 0; p < partitions; p++)
                rd_kafka_topic_partition_list_add(tp, topic, p)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
        err = rd_kafka_assign(rk, tp);
        rd_kafka_topic_partition_list_destroy(tp);
        if (err)
                fprintf(stderr, "consume: assign: %s\n", rd_kafka_err2str(err));
        return err ? -1 : 0;
}

static void print_record(const rd_kafka_message_t *m,
                         int partition_column,
                         int null_values)
{
        if (partition_column)
                printf("%d\t", (int)m->partition);
        if (m->key)
                fwrite(m->key, 1, m->key_len, stdout);
        else
                fputs("(null)", stdout);
        putchar('\t');
        if (!m->payload && null_values)
                fputs("(null)", stdout);
        else
                fwrite(m->payload, 1, m->len, stdout);
        putchar('\n');
}

/* Stdout may be a file another process counts lines of (the demo's progress
 * display): flush at least every 200 ms, and whenever idle. */
static void maybe_flush(struct progress *pr, int idle)
{
        long long now = now_ms();

        if (idle || now - pr->flushed_ms >= 200) {
                fflush(stdout);
                pr->flushed_ms = now;
        }
}

static int done(const struct opts *o, const struct progress *pr)
{
        long long now = now_ms();

        if (o->expected >= 0 && pr->count < o->expected)
                return 0;
        return now - pr->last_ms >= o->idle_ms;
}

static int
consume_loop(rd_kafka_t *rk, const struct opts *o, struct progress *pr)
{
        long long deadline = pr->start_ms + o->total_ms;

        while (!done(o, pr)) {
                rd_kafka_message_t *m;

                if (now_ms() >= deadline)
                        return o->expected >= 0 && pr->count < o->expected ? 3
                                                                           : 0;
                m = rd_kafka_consumer_poll(rk, 100);
                if (!m) {
                        maybe_flush(pr, 1);
                        continue;
                }
                if (m->err)
                        fprintf(stderr, "consume: %s\n",
                                rd_kafka_message_errstr(m));
                else {
                        print_record(m, o->partition_column, o->null_values);
                        pr->count++;
                        pr->last_ms = now_ms();
                        maybe_flush(pr, 0);
                }
                rd_kafka_message_destroy(m);
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct opts o = {.expected = -1, .idle_ms = 3000, .total_ms = 30000};
        struct progress pr = {0};
        rd_kafka_t *rk;
        int partitions, rc;

        if (parse_args(argc, argv, &o))
                return usage(), 2;
        pr.start_ms = pr.last_ms = pr.flushed_ms = now_ms();
        rk                                       = consumer_new(&o);
        if (!rk)
                return 1;
        if (o.cluster_id) {
                char *id = rd_kafka_clusterid(rk, (int)o.total_ms);
                if (id)
                        printf("%s\n", id);
                rd_kafka_mem_free(rk, id);
                rd_kafka_destroy(rk);
                return id ? 0 : 1;
        }
        /* Without -n a topic that never appears is just an empty topic. */
        partitions = partition_count(
            rk, o.topic,
            pr.start_ms + (o.expected >= 0 ? o.total_ms : o.idle_ms));
        if (partitions < 0)
                rc = o.expected > 0 ? 3 : 0;
        else if (assign_all(rk, o.topic, partitions))
                rc = 1;
        else
                rc = consume_loop(rk, &o, &pr);
        fflush(stdout);
        if (rc == 3)
                fprintf(stderr, "consume: timeout: %ld of %ld records\n",
                        pr.count, o.expected);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return rc;
}
