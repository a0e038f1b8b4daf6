/*
 * mktopic: create topics on a real broker (the mock's -t, for the tests that
 * run on real Kafka). Usage:
 *   mktopic -b BOOT [-c KEY=VALUE]... TOPIC[:PARTITIONS[:REPLICATION]]...
 * -c sets a topic config on every topic of the command. A topic that exists
 * already is an error (exit 1): the tests start from an empty broker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#define MAX_CONFIGS 16

static int create(rd_kafka_t *rk, char **specs, int n, char **configs,
                  int nconf)
{
        rd_kafka_NewTopic_t **nt = calloc((size_t)n, sizeof(*nt));
        rd_kafka_queue_t *q      = rd_kafka_queue_new(rk);
        const rd_kafka_topic_result_t **res;
        rd_kafka_event_t *ev;
        char err[256];
        size_t cnt, i;
        int rc = 0, k, j;

        for (k = 0; k < n; k++) {
                char *name = specs[k], *p = strchr(name, ':'), *r = NULL;
                int parts = 1, repl = 1;

                if (p) {
                        *p++  = '\0';
                        parts = atoi(p);
                        r     = strchr(p, ':');
                        if (r)
                                repl = atoi(r + 1);
                }
                nt[k] = rd_kafka_NewTopic_new(name, parts, repl, err,
                                              sizeof(err));
                if (!nt[k]) {
                        fprintf(stderr, "mktopic: %s: %s\n", name, err);
                        return 1;
                }
                for (j = 0; j < nconf; j++) {
                        char *eq = strchr(configs[j], '=');

                        *eq = '\0';
                        rd_kafka_NewTopic_set_config(nt[k], configs[j], eq + 1);
                        *eq = '=';
                }
        }
        rd_kafka_CreateTopics(rk, nt, (size_t)n, NULL, q);
        ev = rd_kafka_queue_poll(q, 60000);
        if (!ev || rd_kafka_event_error(ev)) {
                fprintf(stderr, "mktopic: %s\n",
                        ev ? rd_kafka_event_error_string(ev) : "timed out");
                rc = 1;
        } else {
                res = rd_kafka_CreateTopics_result_topics(
                    rd_kafka_event_CreateTopics_result(ev), &cnt);
                for (i = 0; i < cnt; i++)
                        if (rd_kafka_topic_result_error(res[i])) {
                                fprintf(stderr, "mktopic: %s: %s\n",
                                        rd_kafka_topic_result_name(res[i]),
                                        rd_kafka_topic_result_error_string(
                                            res[i]));
                                rc = 1;
                        }
        }
        if (ev)
                rd_kafka_event_destroy(ev);
        rd_kafka_NewTopic_destroy_array(nt, (size_t)n);
        free(nt);
        rd_kafka_queue_destroy(q);
        return rc;
}

int main(int argc, char **argv)
{
        char *configs[MAX_CONFIGS], err[256];
        const char *boot = NULL;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        int c, nconf = 0, rc;

        while ((c = getopt(argc, argv, "b:c:")) != -1) {
                if (c == 'b')
                        boot = optarg;
                else if (c == 'c' && nconf < MAX_CONFIGS &&
                         strchr(optarg, '='))
                        configs[nconf++] = optarg;
                else
                        goto usage;
        }
        if (!boot || optind >= argc)
                goto usage;
        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "bootstrap.servers", boot, err,
                              sizeof(err))) {
                fprintf(stderr, "mktopic: %s\n", err);
                return 2;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "mktopic: %s\n", err);
                return 1;
        }
        rc = create(rk, argv + optind, argc - optind, configs, nconf);
        rd_kafka_destroy(rk);
        return rc;
usage:
        fputs("usage: mktopic -b BOOT [-c KEY=VALUE]... "
              "TOPIC[:PARTITIONS[:REPLICATION]]...\n",
              stderr);
        return 2;
}
