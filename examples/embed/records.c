/* Embedding libhttpsrc: receive each record as an httpsrc_source_record
 * (key, value, headers, timestamp, source partition and offset) instead of
 * Kafka, and keep the offset of the last record handled, as a sink that
 * stores it beside its data would.
 *
 *   cc records.c $(pkg-config --cflags --libs libhttpsrc) -o records
 *   ./records http://127.0.0.1:8080/events
 *
 * Prints one "offset<TAB>key<TAB>value" line per record, then a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <httpsrc/httpsrc.h>

typedef struct sink {
        size_t count;
        size_t untimed;      /* records whose timestamp is not of this run */
        int64_t started_ms;  /* the run's start, epoch ms */
        char partition[256]; /* of the last record */
        char offset[256];    /* of the last record handled */
} sink;

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* On the pipeline's thread; everything in @p rec is borrowed: copy it. */
static int on_record(void *opaque, const httpsrc_source_record *rec)
{
        sink *s = opaque;
        s->count++;
        if (!HTTPSRC_SOURCE_RECORD_HAS(rec, source_offset))
                return HTTPSRC_ERR_STATE; /* an older library: not ours */
        if (rec->timestamp_ms < s->started_ms || rec->timestamp_ms > now_ms())
                s->untimed++;
        printf("%s\t%.*s\t%.*s\n", rec->source_offset, (int)rec->key_len,
               rec->key ? (const char *)rec->key : "", (int)rec->value_len,
               rec->value ? (const char *)rec->value : "");
        snprintf(s->partition, sizeof(s->partition), "%s",
                 rec->source_partition);
        snprintf(s->offset, sizeof(s->offset), "%s", rec->source_offset);
        /* HTTPSRC_OK: handled; the stored offset may move past it. */
        return HTTPSRC_OK;
}

static int set(httpsrc_conf *conf, const char *key, const char *value)
{
        char err[512];
        if (httpsrc_conf_set(conf, key, value, err, sizeof(err)) ==
            HTTPSRC_CONF_OK)
                return 0;
        fprintf(stderr, "records: %s\n", err);
        return -1;
}

static int add_source(httpsrc_pipeline *p, const char *url)
{
        char err[1024];
        httpsrc_conf *src = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (!src || set(src, "name", "embedded") ||
            set(src, "kafka.topic", "events") || set(src, "http.url", url) ||
            set(src, "http.response.records.path", "$.data[*]") ||
            set(src, "http.pagination.type", "CURSOR") ||
            set(src, "transforms", "key") ||
            set(src, "transforms.key.type", "ValueToKey") ||
            set(src, "transforms.key.fields", "id")) {
                httpsrc_conf_destroy(src);
                return -1;
        }
        if (httpsrc_pipeline_add_connector(p, src, err, sizeof(err))) {
                fprintf(stderr, "records: %s\n", err);
                httpsrc_conf_destroy(src);
                return -1;
        }
        return 0;
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: records URL\n");
                return 2;
        }
        char err[1024];
        httpsrc_conf *worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *plugins  = getenv("HTTPSRC_PLUGIN_PATH");
        if (!worker || (plugins && set(worker, "plugin.path", plugins))) {
                httpsrc_conf_destroy(worker);
                return 2;
        }
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "records: %s\n", err);
                httpsrc_conf_destroy(worker);
                return 2;
        }
        if (add_source(p, argv[1])) {
                httpsrc_pipeline_destroy(p);
                return 2;
        }
        sink s = {.started_ms = now_ms()};
        httpsrc_pipeline_set_source_record_cb(p, on_record, &s);
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_WARN);
        int rc = httpsrc_pipeline_run(p, HTTPSRC_RUN_ONCE);
        if (rc != HTTPSRC_OK)
                fprintf(stderr, "records: %s\n", httpsrc_pipeline_last_error(p));
        char stored[256];
        httpsrc_pipeline_offset(p, "embedded", stored, sizeof(stored));
        fprintf(stderr,
                "records: %zu records (%zu timestamped outside the run), "
                "partition %s, last record's offset %s, stored %s\n",
                s.count, s.untimed, s.partition, s.offset, stored);
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_OK ? 0 : 1;
}
