/*
 * mockkafka: librdkafka's mock cluster as a standalone process, for the
 * integration tests and the demo. Nothing is durable and the mock keeps only
 * the recent part of each partition's log.
 *
 * Usage: mockkafka [-t TOPIC[:PARTITIONS]]... [BROKERS=1]
 * Prints the bootstrap server list on stdout once the cluster is up; runs
 * until SIGTERM/SIGINT. -t pre-creates a topic (auto-created topics get the
 * mock's default partition count).
 *
 * Broker outages, for the tests: SIGUSR1 takes every broker down (their
 * connections are closed and new ones refused), SIGUSR2 brings every one
 * back up; each prints "DOWN" or "UP" on stdout once done.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 32

/*
 * Kafka's brokers set TCP_NODELAY on every connection they accept (the
 * Acceptor in SocketServer.scala); librdkafka 2.0.2's mock does not. Without
 * it, Nagle holds a produce response written while an earlier one is still
 * unacknowledged until the client's delayed ACK (40 ms on Linux): the last
 * batch of a burst is acknowledged 40 ms late, a figure of the harness and
 * not of any client. The mock accepts with accept(), which this definition
 * interposes for librdkafka (the executable's symbol wins).
 */
/* __SOCKADDR_ARG: glibc's own type for the address under _GNU_SOURCE. */
int accept(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
        int s   = accept4(fd, addr, len, 0);
        int one = 1;
        if (s >= 0)
                (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
                                 sizeof(one));
        return s;
}

struct topic_spec {
        char name[250];
        int partitions;
};

struct opts {
        int brokers;
        struct topic_spec topics[MAX_TOPICS];
        int ntopics;
};

static void usage(void)
{
        fputs("usage: mockkafka [-t TOPIC[:PARTITIONS]]... [BROKERS=1]\n",
              stderr);
}

static int parse_int(const char *s, int min, int max, int *out)
{
        char *end;
        long v;

        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return -1;
        *out = (int)v;
        return 0;
}

static int parse_topic(const char *arg, struct topic_spec *t)
{
        const char *colon = strrchr(arg, ':');
        size_t len        = colon ? (size_t)(colon - arg) : strlen(arg);

        if (!len || len >= sizeof(t->name))
                return -1;
        memcpy(t->name, arg, len);
        t->name[len]  = '\0';
        t->partitions = 1;
        if (colon && parse_int(colon + 1, 1, 1000, &t->partitions))
                return -1;
        return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
        int c;

        o->brokers = 1;
        while ((c = getopt(argc, argv, "t:")) != -1) {
                if (c != 't' || o->ntopics == MAX_TOPICS ||
                    parse_topic(optarg, &o->topics[o->ntopics++]))
                        return -1;
        }
        if (optind < argc && parse_int(argv[optind++], 1, 64, &o->brokers))
                return -1;
        return optind < argc ? -1 : 0;
}

static int create_topics(rd_kafka_mock_cluster_t *mc, const struct opts *o)
{
        int i, rf = o->brokers < 3 ? o->brokers : 3;

        for (i = 0; i < o->ntopics; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
                    mc, o->topics[i].name, o->topics[i].partitions, rf);
                if (err) {
                        fprintf(stderr, "mockkafka: topic %s: %s\n",
                                o->topics[i].name, rd_kafka_err2str(err));
                        return -1;
                }
        }
        return 0;
}

/* Every broker down (@p down) or up; brokers are numbered 1..N. */
static int set_brokers(rd_kafka_mock_cluster_t *mc, int brokers, int down)
{
        int id;

        for (id = 1; id <= brokers; id++) {
                rd_kafka_resp_err_t err =
                    down ? rd_kafka_mock_broker_set_down(mc, id)
                         : rd_kafka_mock_broker_set_up(mc, id);
                if (err) {
                        fprintf(stderr, "mockkafka: broker %d %s: %s\n", id,
                                down ? "down" : "up", rd_kafka_err2str(err));
                        return -1;
                }
        }
        printf("%s\n", down ? "DOWN" : "UP");
        fflush(stdout);
        return 0;
}

/* Serves the signals until SIGTERM/SIGINT. They are blocked in every
 * thread and taken synchronously here, so the mock API is called from
 * this thread only and no handler runs at all. */
static void
serve_signals(rd_kafka_mock_cluster_t *mc, int brokers, const sigset_t *set)
{
        int sig;

        for (;;) {
                if (sigwait(set, &sig) != 0)
                        continue;
                if (sig == SIGUSR1 || sig == SIGUSR2)
                        set_brokers(mc, brokers, sig == SIGUSR1);
                else
                        return;
        }
}

int main(int argc, char **argv)
{
        struct opts o = {0};
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        char err[512];
        sigset_t set;
        int rc = 1;

        if (parse_args(argc, argv, &o))
                return usage(), 2;
        /* Block before librdkafka starts threads so that they inherit the
         * mask and only sigwait() below sees the signals. */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGUSR2);
        pthread_sigmask(SIG_BLOCK, &set, NULL);

        conf = rd_kafka_conf_new();
        /* Only the mock cluster runs in this handle: no broker to warn
         * about. */
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "mockkafka: %s\n", err);
                rd_kafka_conf_destroy(conf);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, o.brokers);
        if (!mc) {
                fputs("mockkafka: cannot create the mock cluster\n", stderr);
                goto out;
        }
        if (create_topics(mc, &o) == 0) {
                printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
                fflush(stdout);
                serve_signals(mc, o.brokers, &set);
                rc = 0;
        }
        rd_kafka_mock_cluster_destroy(mc);
out:
        rd_kafka_destroy(rk);
        return rc;
}
