/*
 * embed_cb: the embedding API with a record callback that refuses records,
 * for tests/integration/test_embed.sh.
 *
 * Usage: embed_cb URL OFFSETS_FILE [--fail-at N] [--retry-at N --retries K]
 * Runs a CURSOR connector "embedded" on URL ($.data[*], keyed by id) once,
 * offsets in OFFSETS_FILE. The callback counts the records it is offered
 * (1-based, across calls): the N-th of --fail-at gets HTTPSRC_ERR_IO, the
 * N-th of --retry-at gets HTTPSRC_RETRY K times before it is accepted.
 * Prints each accepted record as "key<TAB>value" on stdout, and on stderr
 * "embed_cb: <accepted> accepted, <offered> offered, offset <offset map>"
 * (and the pipeline's error, if any). Exits 0, 1 if the run failed,
 * 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <httpsrc/httpsrc.h>

struct state {
        long fail_at, retry_at, retries;
        long offered, accepted;
};

static int on_record(void *opaque,
                     const char *connector,
                     const char *topic,
                     const void *key,
                     size_t key_len,
                     const void *value,
                     size_t value_len)
{
        struct state *st = opaque;
        long n           = st->accepted + 1; /* which record this is */
        st->offered++;
        if (n == st->fail_at)
                return HTTPSRC_ERR_IO;
        if (n == st->retry_at && st->retries > 0) {
                st->retries--;
                return HTTPSRC_RETRY;
        }
        st->accepted++;
        printf("%.*s\t%.*s\n", (int)key_len, key ? (const char *)key : "",
               (int)value_len, (const char *)value);
        return HTTPSRC_OK;
}

static int set(httpsrc_conf *conf, const char *key, const char *value)
{
        char err[512];
        if (httpsrc_conf_set(conf, key, value, err, sizeof(err)) ==
            HTTPSRC_CONF_OK)
                return 0;
        fprintf(stderr, "embed_cb: %s\n", err);
        return -1;
}

static int parse_args(int argc, char **argv, struct state *st)
{
        for (int i = 3; i + 1 < argc; i += 2) {
                long v = strtol(argv[i + 1], NULL, 10);
                if (!strcmp(argv[i], "--fail-at"))
                        st->fail_at = v;
                else if (!strcmp(argv[i], "--retry-at"))
                        st->retry_at = v;
                else if (!strcmp(argv[i], "--retries"))
                        st->retries = v;
                else
                        return -1;
        }
        return argc >= 3 && argc % 2 == 1 ? 0 : -1;
}

static httpsrc_pipeline *make_pipeline(const char *url, const char *offsets)
{
        char err[1024];
        httpsrc_conf *worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *plugins  = getenv("HTTPSRC_PLUGIN_PATH");
        if ((plugins && set(worker, "plugin.path", plugins)) ||
            set(worker, "offset.storage.file.filename", offsets)) {
                httpsrc_conf_destroy(worker);
                return NULL;
        }
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "embed_cb: %s\n", err);
                httpsrc_conf_destroy(worker);
                return NULL;
        }
        httpsrc_conf *src = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (set(src, "name", "embedded") || set(src, "kafka.topic", "unused") ||
            set(src, "http.url", url) ||
            set(src, "http.response.records.path", "$.data[*]") ||
            set(src, "http.pagination.type", "CURSOR") ||
            set(src, "http.retry.backoff.ms", "20") ||
            set(src, "transforms", "key") ||
            set(src, "transforms.key.type", "ValueToKey") ||
            set(src, "transforms.key.fields", "id") ||
            httpsrc_pipeline_add_connector(p, src, err, sizeof(err))) {
                fprintf(stderr, "embed_cb: %s\n", err);
                httpsrc_conf_destroy(src);
                httpsrc_pipeline_destroy(p);
                return NULL;
        }
        return p;
}

int main(int argc, char **argv)
{
        struct state st = {0};
        if (parse_args(argc, argv, &st)) {
                fprintf(stderr, "usage: embed_cb URL OFFSETS_FILE "
                                "[--fail-at N] [--retry-at N --retries K]\n");
                return 2;
        }
        httpsrc_pipeline *p = make_pipeline(argv[1], argv[2]);
        if (!p)
                return 2;
        httpsrc_pipeline_set_record_cb(p, on_record, &st);
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_WARN);
        int rc = httpsrc_pipeline_run(p, HTTPSRC_RUN_ONCE);
        if (rc != HTTPSRC_OK)
                fprintf(stderr, "embed_cb: %s\n",
                        httpsrc_pipeline_last_error(p));
        char offset[256];
        httpsrc_pipeline_offset(p, "embedded", offset, sizeof(offset));
        fprintf(stderr, "embed_cb: %ld accepted, %ld offered, offset %s\n",
                st.accepted, st.offered, offset);
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_OK ? 0 : 1;
}
