/* Embedding libhttpsrc in a program that has its own event loop: the
 * pipeline gives one file descriptor to wait on and a step function,
 * instead of a thread blocked in httpsrc_pipeline_run(). Here the loop is
 * poll(2) over that descriptor and stdin: a line "stop" on stdin stops the
 * pipeline (its records acknowledged and its offsets stored first), a
 * line "count" prints how often the descriptor woke the loop so far.
 *
 *   cc eventloop.c $(pkg-config --cflags --libs libhttpsrc) -o eventloop
 *   ./eventloop http://127.0.0.1:8080/events          # until caught up
 *   ./eventloop --forever http://127.0.0.1:8080/events http://127.0.0.1:8083
 *                        # until "stop", with Connect's REST API on :8083
 *
 * Prints one "key<TAB>value" line per record; at the end, on stderr, the
 * records, the steps (how many the descriptor woke) and the offset. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <httpsrc/httpsrc.h>

/* Called inside httpsrc_pipeline_step(), on this program's only thread. */
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
        fflush(stdout);
        return HTTPSRC_OK;
}

static int set(httpsrc_conf *conf, const char *key, const char *value)
{
        char err[512];
        if (httpsrc_conf_set(conf, key, value, err, sizeof(err)) ==
            HTTPSRC_CONF_OK)
                return 0;
        fprintf(stderr, "eventloop: %s\n", err);
        return -1;
}

static httpsrc_pipeline *
make_pipeline(const char *url, const char *listeners, int forever, size_t *count)
{
        char err[1024];
        httpsrc_conf *worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *plugins  = getenv("HTTPSRC_PLUGIN_PATH");
        if ((plugins && set(worker, "plugin.path", plugins)) ||
            set(worker, "listeners", listeners ? listeners : "")) {
                httpsrc_conf_destroy(worker);
                return NULL;
        }
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "eventloop: %s\n", err);
                httpsrc_conf_destroy(worker);
                return NULL;
        }
        httpsrc_conf *src = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (set(src, "name", "looped") || set(src, "kafka.topic", "unused") ||
            set(src, "http.url", url) ||
            /* caught up, --forever polls again in a minute */
            set(src, "http.timer.interval.ms", forever ? "60000" : "200") ||
            set(src, "http.response.records.path", "$.data[*]") ||
            set(src, "http.pagination.type", "CURSOR") ||
            set(src, "transforms", "key") ||
            set(src, "transforms.key.type", "ValueToKey") ||
            set(src, "transforms.key.fields", "id") ||
            httpsrc_pipeline_add_connector(p, src, err, sizeof(err))) {
                fprintf(stderr, "eventloop: %s\n", err);
                httpsrc_conf_destroy(src);
                httpsrc_pipeline_destroy(p);
                return NULL;
        }
        httpsrc_pipeline_set_record_cb(p, on_record, count);
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_WARN);
        /* REST requests run on the loop: they wake the descriptor. */
        if (listeners && httpsrc_pipeline_serve_rest(p, err, sizeof(err))) {
                fprintf(stderr, "eventloop: %s\n", err);
                httpsrc_pipeline_destroy(p);
                return NULL;
        }
        return p;
}

/* A line on stdin: "stop" asks the pipeline to stop (it drains first),
 * "count" shows how often the descriptor woke the loop. */
static void read_stdin(httpsrc_pipeline *p, int *open, size_t woken)
{
        char line[64];
        ssize_t n = read(STDIN_FILENO, line, sizeof(line) - 1);
        if (n <= 0) {
                *open = 0; /* EOF: stop watching it */
                return;
        }
        line[n] = '\0';
        if (!strncmp(line, "stop", 4)) {
                fprintf(stderr, "eventloop: stop asked on stdin\n");
                httpsrc_pipeline_stop(p);
        } else if (!strncmp(line, "count", 5)) {
                fprintf(stderr, "eventloop: woken by the fd %zu times\n",
                        woken);
        }
}

int main(int argc, char **argv)
{
        int forever = argc > 1 && !strcmp(argv[1], "--forever");
        if (argc < 2 + forever || argc > 3 + forever) {
                fprintf(stderr, "usage: eventloop [--forever] URL [LISTENERS]\n");
                return 2;
        }
        size_t count = 0, steps = 0, woken = 0;
        httpsrc_pipeline *p =
            make_pipeline(argv[1 + forever],
                          argc == 3 + forever ? argv[2 + forever] : NULL,
                          forever, &count);
        if (!p)
                return 2;
        int fd = httpsrc_pipeline_fd(p);
        int rc = fd < 0 ? fd
                        : httpsrc_pipeline_start(p, forever ? 0
                                                            : HTTPSRC_RUN_ONCE);
        int next = 0, stdin_open = 1;
        while (rc == HTTPSRC_OK) {
                struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
                                        {.fd = STDIN_FILENO, .events = POLLIN}};
                int ready = poll(fds, stdin_open ? 2 : 1, next);
                if (ready > 0 && fds[0].revents)
                        woken++;
                if (ready > 0 && stdin_open && fds[1].revents)
                        read_stdin(p, &stdin_open, woken);
                /* The descriptor was readable or next ms passed: no wait. */
                rc = httpsrc_pipeline_step(p, 0, &next);
                steps++;
        }
        if (rc != HTTPSRC_DONE)
                fprintf(stderr, "eventloop: %s\n", httpsrc_pipeline_last_error(p));
        char offset[256] = "";
        httpsrc_pipeline_offset(p, "looped", offset, sizeof(offset));
        fprintf(stderr, "eventloop: %zu records, %zu steps, %zu woken by the fd, offset %s\n",
                count, steps, woken, offset);
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_DONE ? 0 : 1;
}
