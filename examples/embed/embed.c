/* Embedding libhttpsrc: run a cursor-paginated source from a C program and
 * receive every record in a callback instead of Kafka.
 *
 *   cc embed.c $(pkg-config --cflags --libs libhttpsrc) -o embed
 *   ./embed http://127.0.0.1:8080/events
 *
 * Prints one "key<TAB>value" line per record, then the stored offset. */
#include <stdio.h>
#include <stdlib.h>

#include <httpsrc/httpsrc.h>

static int on_record(void *opaque,
                     const char *connector,
                     const char *topic,
                     const void *key,
                     size_t key_len,
                     const void *value,
                     size_t value_len)
{
        size_t *count = opaque;
        (*count)++;
        printf("%.*s\t%.*s\n", (int)key_len, key ? (const char *)key : "",
               (int)value_len, (const char *)value);
        /* HTTPSRC_OK: the record is safe; the offset may move past it. */
        return HTTPSRC_OK;
}

static int set(httpsrc_conf *conf, const char *key, const char *value)
{
        char err[512];
        if (httpsrc_conf_set(conf, key, value, err, sizeof(err)) ==
            HTTPSRC_CONF_OK)
                return 0;
        fprintf(stderr, "embed: %s\n", err);
        return -1;
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: embed URL\n");
                return 2;
        }
        char err[1024];
        httpsrc_conf *worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *plugins  = getenv("HTTPSRC_PLUGIN_PATH");
        if (plugins && set(worker, "plugin.path", plugins))
                return 2;
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "embed: %s\n", err);
                httpsrc_conf_destroy(worker);
                return 2;
        }
        httpsrc_conf *src = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (set(src, "name", "embedded") || set(src, "kafka.topic", "unused") ||
            set(src, "http.url", argv[1]) ||
            set(src, "http.response.records.path", "$.data[*]") ||
            set(src, "http.pagination.type", "CURSOR") ||
            set(src, "transforms", "key") ||
            set(src, "transforms.key.type", "ValueToKey") ||
            set(src, "transforms.key.fields", "id")) {
                httpsrc_conf_destroy(src);
                httpsrc_pipeline_destroy(p);
                return 2;
        }
        if (httpsrc_pipeline_add_connector(p, src, err, sizeof(err))) {
                fprintf(stderr, "embed: %s\n", err);
                httpsrc_conf_destroy(src);
                httpsrc_pipeline_destroy(p);
                return 2;
        }
        size_t count = 0;
        httpsrc_pipeline_set_record_cb(p, on_record, &count);
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_WARN);
        int rc = httpsrc_pipeline_run(p, HTTPSRC_RUN_ONCE);
        if (rc != HTTPSRC_OK)
                fprintf(stderr, "embed: %s\n", httpsrc_pipeline_last_error(p));
        char offset[256];
        httpsrc_pipeline_offset(p, "embedded", offset, sizeof(offset));
        fprintf(stderr, "embed: %zu records, offset %s\n", count, offset);
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_OK ? 0 : 1;
}
