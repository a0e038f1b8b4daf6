/* A fake runtime for the standalone herder (connect/runtime_ops.h): tasks
 * are plain records, nothing polls. It records every action the herder
 * takes (create, remove, restart, target, log levels, topic reset) as one
 * line each in calls, and lets the test drive what the pipeline would do
 * on its own: a task failing, a delete completing, a task finishing its
 * last request, the loop ticking. Real parts where they are cheap: a
 * worker config, the plugin registry (no plugins loaded), a memory
 * offset store, a logger. One thread (the test's). */
#ifndef FAKE_RUNTIME_H
#define FAKE_RUNTIME_H

#include "runtime_ops.h"

#define FAKE_TASKS_MAX 8

typedef struct fake_runtime {
        herder_runtime rt; /* what herder_standalone_new() takes */
        runtime_task *tasks[FAKE_TASKS_MAX];
        size_t n_tasks;
        int loop_running; /* 1: what waits for the loop is kept */
        strbuf calls;     /* "create a RUNNING\nrestart a\n..." */
        const char *kafka_problem; /* NULL: Kafka answers */
        const char *offsets_error; /* NULL: offsets are stored */
        runtime_tick_cb tick;
        void *tick_opaque;
        runtime_task_state_cb on_state;
        void *state_opaque;
        /* the parts */
        httpsrc_conf *worker;
        plugin_registry *plugins;
        offset_store *offsets;
        logger log;
} fake_runtime;

/** A fake over @p worker (taken). Returns 0, -1 on ENOMEM. */
int fake_runtime_init(fake_runtime *f, httpsrc_conf *worker);
void fake_runtime_fini(fake_runtime *f);

/** The task of @p name, deleted ones included; NULL: none. */
runtime_task *fake_task(fake_runtime *f, const char *name);
/** The task fails on its own (an HTTP error, a bad record): FAILED with
 *  @p trace, reported through the task state callback. */
void fake_fail(fake_runtime *f, const char *name, const char *trace);
/** Requests in flight (1) or none (0). */
void fake_set_busy(fake_runtime *f, const char *name, int busy);
/** Records waiting for Kafka's acknowledgement. */
void fake_set_outstanding(fake_runtime *f, const char *name, size_t n);
/** A deleted task's records were acknowledged: it is gone (UNASSIGNED). */
void fake_finish_delete(fake_runtime *f, const char *name);
/** One loop iteration (@p last: the loop ended) as the pipeline calls
 *  the herder's tick. */
void fake_tick(fake_runtime *f, int last);
/** The calls recorded since the last take ("" if none); the caller
 *  frees it. */
char *fake_take_calls(fake_runtime *f);

#endif
