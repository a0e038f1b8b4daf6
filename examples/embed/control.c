/* Embedding libhttpsrc: control connectors from C while the pipeline runs
 * in a thread of its own: read a connector's state and error, pause,
 * resume, restart and remove it.
 *
 *   cc control.c $(pkg-config --cflags --libs libhttpsrc) -lpthread -o control
 *   ./control http://127.0.0.1:8080/events http://127.0.0.1:8080/basic
 *
 * "good" reads GOOD_URL, "bad" reads BAD_URL (which answers 401). Prints
 * each step and the states it leads to. With a third URL, a "probe"
 * connector polls it too, and the program waits for a line on stdin once
 * "good" is PAUSED and once it is RUNNING again: meanwhile a test counts
 * the requests the server gets (none for GOOD_URL while paused). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <httpsrc/httpsrc.h>

/* A state, or the error code the call returned instead. */
static const char *state_name(int st)
{
        const char *name = httpsrc_state_name(st);
        return name ? name : httpsrc_err_name(st);
}

/* Records arrive on the pipeline's thread: count them, keep nothing. */
static int on_record(void *opaque,
                     const char *connector,
                     const char *topic,
                     const void *key,
                     size_t key_len,
                     const void *value,
                     size_t value_len)
{
        return HTTPSRC_OK;
}

static void *run(void *arg)
{
        httpsrc_pipeline *p = arg;
        httpsrc_pipeline_run(p, 0);
        return NULL;
}

/* Until @p name is in state @p want (or 10 s): the loop applies changes
 * asynchronously (a restart waits for outstanding records). */
static int wait_state(httpsrc_pipeline *p, const char *name, int want)
{
        struct timespec tick = {0, 20 * 1000000L};
        int st               = httpsrc_pipeline_connector_state(p, name);
        for (int i = 0; i < 500 && st != want; i++) {
                nanosleep(&tick, NULL);
                st = httpsrc_pipeline_connector_state(p, name);
        }
        printf("%s: %s\n", name, state_name(st));
        return st == want ? 0 : -1;
}

static int add(httpsrc_pipeline *p, const char *name, const char *url)
{
        char err[1024];
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (!c || httpsrc_conf_set(c, "name", name, err, sizeof(err)) ||
            httpsrc_conf_set(c, "kafka.topic", "unused", err, sizeof(err)) ||
            httpsrc_conf_set(c, "http.url", url, err, sizeof(err)) ||
            httpsrc_conf_set(c, "http.response.records.path", "$.data[*]",
                             err, sizeof(err)) ||
            httpsrc_conf_set(c, "http.retry.max.attempts", "0", err,
                             sizeof(err)) ||
            httpsrc_conf_set(c, "http.timer.interval.ms", "100", err,
                             sizeof(err)) ||
            httpsrc_pipeline_add_connector(p, c, err, sizeof(err))) {
                fprintf(stderr, "control: %s: %s\n", name, c ? err : "oom");
                httpsrc_conf_destroy(c);
                return -1;
        }
        return 0;
}

/* With a probe: until the caller (a test) sends a line. */
static void gate(int on)
{
        char line[16];
        if (on && !fgets(line, sizeof(line), stdin))
                fprintf(stderr, "control: stdin closed\n");
}

static int steps(httpsrc_pipeline *p, int gated)
{
        char why[1024];
        int bad = wait_state(p, "good", HTTPSRC_STATE_RUNNING) ||
                  wait_state(p, "bad", HTTPSRC_STATE_FAILED);
        httpsrc_pipeline_connector_error(p, "bad", why, sizeof(why));
        printf("bad failed: %s\n", why);
        printf("pause good: %s\n",
               httpsrc_err_name(httpsrc_pipeline_pause_connector(p, "good")));
        bad |= wait_state(p, "good", HTTPSRC_STATE_PAUSED);
        gate(gated);
        printf("resume good: %s\n",
               httpsrc_err_name(httpsrc_pipeline_resume_connector(p, "good")));
        bad |= wait_state(p, "good", HTTPSRC_STATE_RUNNING);
        gate(gated);
        printf("restart bad: %s\n",
               httpsrc_err_name(httpsrc_pipeline_restart_connector(p, "bad")));
        bad |= wait_state(p, "bad", HTTPSRC_STATE_FAILED);
        printf("remove bad: %s\n",
               httpsrc_err_name(httpsrc_pipeline_remove_connector(p, "bad")));
        bad |= wait_state(p, "bad", HTTPSRC_ERR_NOENT);
        printf("remove bad again: %s\n",
               httpsrc_err_name(httpsrc_pipeline_remove_connector(p, "bad")));
        return bad;
}

int main(int argc, char **argv)
{
        if (argc != 3 && argc != 4) {
                fprintf(stderr,
                        "usage: control GOOD_URL BAD_URL [PROBE_URL]\n");
                return 2;
        }
        char err[1024];
        httpsrc_conf *worker = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *plugins  = getenv("HTTPSRC_PLUGIN_PATH");
        if (plugins)
                httpsrc_conf_set(worker, "plugin.path", plugins, err,
                                 sizeof(err));
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "control: %s\n", err);
                httpsrc_conf_destroy(worker);
                return 2;
        }
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, HTTPSRC_LOG_ERROR);
        httpsrc_pipeline_set_record_cb(p, on_record, NULL);
        setvbuf(stdout, NULL, _IOLBF, 0); /* a test reads it as it goes */
        if (add(p, "good", argv[1]) || add(p, "bad", argv[2]) ||
            (argc == 4 && add(p, "probe", argv[3]))) {
                httpsrc_pipeline_destroy(p);
                return 2;
        }
        pthread_t t;
        if (pthread_create(&t, NULL, run, p)) {
                httpsrc_pipeline_destroy(p);
                return 2;
        }
        int bad = steps(p, argc == 4);
        httpsrc_pipeline_stop(p);
        pthread_join(t, NULL);
        httpsrc_pipeline_destroy(p);
        return bad ? 1 : 0;
}
