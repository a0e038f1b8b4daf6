/* The produce stage alone, for bench/run.sh's floors: the records of the
 * page files, selected and keyed before the clock starts, produced with
 * librdkafka as httpsrc-connect configures it (acks=all, idempotence,
 * a 4 MiB queue, linger.ms 5, Java's murmur2 partitioner) and flushed.
 *
 *   produce_floor BOOTSTRAP TOPIC PATH KEY_MEMBER FILE...
 *
 * Prints "records wall_seconds cpu_seconds" (CPU: this process, all its
 * threads); exit 1 if a record was not delivered, 2 on bad usage. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "httpsrc/common.h"
#include "fileio_int.h"
#include "jsonpath_int.h"
#include "util_int.h"

typedef struct rec {
        const char *val, *key;
        size_t vlen, klen;
} rec;

typedef struct recs {
        rec *v;
        size_t n, cap;
        const char *key_member;
        const char *base;
        json_root_index *members;
} recs;

static int on_record(void *opaque, const char *start, size_t len)
{
        recs *r = opaque;
        if (r->n == r->cap) {
                size_t cap = r->cap ? 2 * r->cap : 1024;
                rec *v     = realloc(r->v, cap * sizeof(*v));
                if (!v)
                        return -1;
                r->v   = v;
                r->cap = cap;
        }
        const json_root_member *hit = NULL;
        rec x = {start, NULL, len, 0};
        json_members_find(r->members->v + r->members->last_first,
                          r->members->last_count, r->base, r->key_member,
                          strlen(r->key_member), &hit);
        if (hit) {
                x.key  = r->base + hit->voff;
                x.klen = hit->vlen;
        }
        r->v[r->n++] = x;
        return 0;
}

static double seconds(clockid_t clk)
{
        struct timespec ts;
        clock_gettime(clk, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        size_t *failed = opaque;
        if (m->err && (*failed)++ == 0)
                fprintf(stderr, "produce_floor: %s\n", rd_kafka_err2str(m->err));
}

static int set(rd_kafka_conf_t *kc, const char *k, const char *v)
{
        char err[256];
        if (rd_kafka_conf_set(kc, k, v, err, sizeof(err)) == RD_KAFKA_CONF_OK)
                return 0;
        fprintf(stderr, "produce_floor: %s\n", err);
        return -1;
}

int main(int argc, char **argv)
{
        if (argc < 6) {
                fprintf(stderr, "usage: produce_floor BOOTSTRAP TOPIC PATH "
                                "KEY_MEMBER FILE...\n");
                return 2;
        }
        char err[512];
        jsonpath *p = jsonpath_compile(argv[3], err, sizeof(err));
        if (!p) {
                fprintf(stderr, "produce_floor: %s\n", err);
                return 2;
        }
        int files    = argc - 5;
        strbuf *page = calloc((size_t)files, sizeof(*page));
        json_root_index members = {0};
        recs r = {NULL, 0, 0, argv[4], NULL, &members};
        if (!page)
                return 2;
        for (int i = 0; i < files; i++) {
                int e = 0;
                if (fileio_read(argv[5 + i], 0, &page[i], &e)) {
                        fprintf(stderr, "produce_floor: %s: %s\n",
                                argv[5 + i], strerror(e));
                        return 2;
                }
                r.base = page[i].buf;
                if (jsonpath_select_spans_indexed(p, page[i].buf, page[i].len,
                                                  0, on_record, &r, NULL,
                                                  &members, err, sizeof(err))) {
                        fprintf(stderr, "produce_floor: %s: %s\n",
                                argv[5 + i], err);
                        return 2;
                }
        }
        size_t failed       = 0;
        rd_kafka_conf_t *kc = rd_kafka_conf_new();
        if (set(kc, "bootstrap.servers", argv[1]) || set(kc, "acks", "all") ||
            set(kc, "enable.idempotence", "true") ||
            set(kc, "queue.buffering.max.kbytes", "4096") ||
            set(kc, "linger.ms", "5") ||
            set(kc, "partitioner", "murmur2_random"))
                return 2;
        rd_kafka_conf_set_opaque(kc, &failed);
        rd_kafka_conf_set_dr_msg_cb(kc, on_dr);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "produce_floor: %s\n", err);
                return 2;
        }
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[2], NULL);
        /* the topic known before the clock starts, as httpsrc-connect
         * makes its topics known when its producer starts */
        const struct rd_kafka_metadata *md = NULL;
        if (rd_kafka_metadata(rk, 0, rkt, &md, 30000) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
                fprintf(stderr, "produce_floor: no metadata for %s in 30 s\n",
                        argv[2]);
                return 2;
        }
        rd_kafka_metadata_destroy(md);
        double t0 = seconds(CLOCK_MONOTONIC), c0 = cpu_seconds();
        for (size_t i = 0; i < r.n; i++) {
                const rec *x = &r.v[i];
                while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA,
                                        RD_KAFKA_MSG_F_COPY, (void *)x->val,
                                        x->vlen, x->key, x->klen, NULL) == -1) {
                        if (rd_kafka_last_error() !=
                            RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                fprintf(stderr, "produce_floor: %s\n",
                                        rd_kafka_err2str(rd_kafka_last_error()));
                                return 1;
                        }
                        rd_kafka_poll(rk, 1); /* delivery reports */
                }
        }
        if (rd_kafka_flush(rk, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
                fprintf(stderr, "produce_floor: not flushed in 120 s\n");
                return 1;
        }
        double t1 = seconds(CLOCK_MONOTONIC), c1 = cpu_seconds();
        printf("%zu %.4f %.4f\n", r.n, t1 - t0, c1 - c0);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        for (int i = 0; i < files; i++)
                sb_free(&page[i]);
        free(page);
        free(r.v);
        json_root_index_free(&members);
        jsonpath_destroy(p);
        return failed ? 1 : 0;
}
