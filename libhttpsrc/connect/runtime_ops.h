/* connect layer: the runtime as the standalone herder drives it (the
 * Worker calls of Connect's StandaloneHerder): an ops table over the
 * running tasks, so the herder runs over the pipeline
 * (serve/pipeline_runtime.c) or over a fake (tests/unit/test_herder.c).
 * The standalone herder reaches the runtime only through this.
 *
 * A runtime_task is one connector's running task, owned by the runtime
 * (the pipeline's connector): valid until the runtime deletes or
 * restarts it, so the herder looks it up again in every operation.
 *
 * Threads: every member but preview is called on the runtime's thread:
 * inside a function run by exec(), or inside the tick and task state
 * callbacks. preview may be called from any thread (it reads only what
 * is fixed once the runtime exists).
 */
#ifndef HTTPSRC_RUNTIME_OPS_H
#define HTTPSRC_RUNTIME_OPS_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"
#include "log_int.h"
#include "offsets_int.h"
#include "plugin_int.h"
#include "util_int.h"

typedef struct runtime_task runtime_task;

/** A function run on the runtime's thread (exec()). */
typedef void (*runtime_fn)(void *arg);
/** Once per loop iteration, after what could complete did (@p last 0),
 *  and once when the loop has ended (@p last 1). It may create, delete
 *  and restart tasks. Runtime's thread. */
typedef void (*runtime_tick_cb)(void *opaque, int last);
/** A task's observed state changed (pipeline_task_state_cb: the same
 *  states, @p name and @p trace borrowed for the call). It must not
 *  create, delete or restart tasks. Runtime's thread. */
typedef void (*runtime_task_state_cb)(void *opaque,
                                      const char *name,
                                      httpsrc_state state,
                                      const char *trace);

/** Every member gets the runtime (herder_runtime.self) first. States are
 *  httpsrc_state values; errors HTTPSRC_ERR_* with errstr set. */
typedef struct runtime_ops {
        /* ---- the runtime's thread and its callbacks ---- */
        /** Run @p fn(@p arg) on the runtime's thread and return when it
         *  returned (inline while no loop runs). Any other thread. */
        void (*exec)(void *self, runtime_fn fn, void *arg);
        /** 1 while the loop runs (what waits for it can wait). */
        int (*loop_running)(void *self);
        /** NULL @p cb: none. Before the loop runs. */
        void (*set_tick_cb)(void *self, runtime_tick_cb cb, void *opaque);
        void (*set_task_state_cb)(void *self,
                                  runtime_task_state_cb cb,
                                  void *opaque);

        /* ---- the worker ---- */
        /** The Kafka cluster's id, NULL until known. */
        const char *(*kafka_cluster_id)(void *self);
        /** 1 with why in @p buf while no Kafka broker answers. */
        int (*kafka_problem)(void *self, char *buf, size_t size);
        /** Why the offsets cannot be stored (polling paused), or NULL. */
        const char *(*offsets_error)(void *self);
        /** The root log level (httpsrc_log_level). */
        void (*set_log_level)(void *self, int level);
        /** Task @p name's own log level: 0, -1 on ENOMEM. */
        int (*set_task_log_level)(void *self, const char *name, int level);
        /** Append the /metrics exposition to @p out: 0, -1 on ENOMEM. */
        int (*metrics)(void *self, strbuf *out);
        /** Run @p conf (a REST config) for up to @p pages pages without
         *  Kafka; append the JSON report to @p out. HTTPSRC_OK,
         *  HTTPSRC_ERR_NOENT (no records: the report says why),
         *  HTTPSRC_ERR_NOMEM. Any thread. */
        int (*preview)(void *self,
                       const httpsrc_conf *conf,
                       size_t pages,
                       strbuf *out);

        /* ---- the tasks ---- */
        size_t (*count)(void *self);
        runtime_task *(*at)(void *self, size_t i);
        /** NULL: none (one on its way out is not found). */
        runtime_task *(*find)(void *self, const char *name);
        /** 1 while a task named @p name is on its way out: create()
         *  fails until it is gone. */
        int (*leaving)(void *self, const char *name);
        /** Start a task from @p conf (taken on success) in @p state
         *  (RUNNING, PAUSED or STOPPED). */
        int (*create)(void *self,
                      httpsrc_conf *conf,
                      int state,
                      char *errstr,
                      size_t errstr_size);
        /** Check @p conf as create() would, creating nothing: append
         *  (key, "<key>: <reason>") problems. 0, -1 on ENOMEM. */
        int (*validate)(void *self, const httpsrc_conf *conf, kvlist *problems);
        /** Whether @p t with @p conf could resume from @p offset stored
         *  for @p partition (compact JSON). */
        int (*check_offset)(void *self,
                            const runtime_task *t,
                            const httpsrc_conf *conf,
                            const char *partition,
                            const char *offset,
                            char *errstr,
                            size_t errstr_size);
        /** Stop @p name's task and remove it once its records are
         *  acknowledged (its offsets stay). */
        int (*remove)(void *self, const char *name);
        /** Restart @p name's task from @p conf (NULL: its own), keeping
         *  its offsets; @p conf taken on success. */
        int (*restart)(void *self,
                       const char *name,
                       httpsrc_conf *conf,
                       char *errstr,
                       size_t errstr_size);

        /* ---- one task ---- */
        const char *(*name)(void *self, const runtime_task *t);
        /** Its config as written (placeholders kept). */
        const httpsrc_conf *(*conf)(void *self, const runtime_task *t);
        /** Its state: RESTARTING while a restart waits, else RUNNING,
         *  PAUSED, STOPPED or FAILED. */
        int (*state)(void *self, const runtime_task *t);
        /** 1 while it is being deleted (not listed). */
        int (*deleting)(void *self, const runtime_task *t);
        /** Connect's TargetState: RUNNING, PAUSED or STOPPED. */
        void (*set_target)(void *self, runtime_task *t, int target);
        /** Why it failed, NULL unless FAILED. */
        const char *(*failure)(void *self, const runtime_task *t);
        /** What a running one gets wrong, or NULL. */
        const char *(*warning)(void *self, const runtime_task *t);
        /** Records handed to Kafka, not yet acknowledged. */
        size_t (*outstanding)(void *self, const runtime_task *t);
        /** Requests in flight or records not yet acknowledged. */
        int (*busy)(void *self, const runtime_task *t);
        /** The topics it sent records to (the array is the task's). */
        size_t (*topics)(void *self, const runtime_task *t, char *const **out);
        void (*reset_topics)(void *self, runtime_task *t);
        /** Hand it the topics kept from before (takes @p topics). */
        void (*give_topics)(void *self,
                            runtime_task *t,
                            char **topics,
                            size_t n);
} runtime_ops;

/** A runtime as the herder holds it: the ops, what they act on, and the
 *  parts fixed once the runtime exists (borrowed: the runtime outlives
 *  the herder). */
typedef struct herder_runtime {
        const runtime_ops *ops;
        void *self;
        const httpsrc_conf *worker;     /**< the worker's config */
        const plugin_registry *plugins; /**< the loaded plugins */
        offset_store *offsets;          /**< runtime's thread only */
        const logger *log;
} herder_runtime;

/* One call each (the herder reads rt_find(rt, name), not the table). */
static inline void rt_exec(const herder_runtime *rt, runtime_fn fn, void *arg)
{
        rt->ops->exec(rt->self, fn, arg);
}

static inline int rt_loop_running(const herder_runtime *rt)
{
        return rt->ops->loop_running(rt->self);
}

static inline void rt_set_tick_cb(const herder_runtime *rt,
                                  runtime_tick_cb cb,
                                  void *opaque)
{
        rt->ops->set_tick_cb(rt->self, cb, opaque);
}

static inline void rt_set_task_state_cb(const herder_runtime *rt,
                                        runtime_task_state_cb cb,
                                        void *opaque)
{
        rt->ops->set_task_state_cb(rt->self, cb, opaque);
}

static inline const char *rt_kafka_cluster_id(const herder_runtime *rt)
{
        return rt->ops->kafka_cluster_id(rt->self);
}

static inline int rt_kafka_problem(const herder_runtime *rt,
                                   char *buf,
                                   size_t size)
{
        return rt->ops->kafka_problem(rt->self, buf, size);
}

static inline const char *rt_offsets_error(const herder_runtime *rt)
{
        return rt->ops->offsets_error(rt->self);
}

static inline void rt_set_log_level(const herder_runtime *rt, int level)
{
        rt->ops->set_log_level(rt->self, level);
}

static inline int rt_set_task_log_level(const herder_runtime *rt,
                                        const char *name,
                                        int level)
{
        return rt->ops->set_task_log_level(rt->self, name, level);
}

static inline int rt_metrics(const herder_runtime *rt, strbuf *out)
{
        return rt->ops->metrics(rt->self, out);
}

static inline int rt_preview(const herder_runtime *rt,
                             const httpsrc_conf *conf,
                             size_t pages,
                             strbuf *out)
{
        return rt->ops->preview(rt->self, conf, pages, out);
}

static inline size_t rt_count(const herder_runtime *rt)
{
        return rt->ops->count(rt->self);
}

static inline runtime_task *rt_at(const herder_runtime *rt, size_t i)
{
        return rt->ops->at(rt->self, i);
}

static inline runtime_task *rt_find(const herder_runtime *rt, const char *name)
{
        return rt->ops->find(rt->self, name);
}

static inline int rt_leaving(const herder_runtime *rt, const char *name)
{
        return rt->ops->leaving(rt->self, name);
}

static inline int rt_create(const herder_runtime *rt,
                            httpsrc_conf *conf,
                            int state,
                            char *errstr,
                            size_t errstr_size)
{
        return rt->ops->create(rt->self, conf, state, errstr, errstr_size);
}

static inline int rt_validate(const herder_runtime *rt,
                              const httpsrc_conf *conf,
                              kvlist *problems)
{
        return rt->ops->validate(rt->self, conf, problems);
}

static inline int rt_check_offset(const herder_runtime *rt,
                                  const runtime_task *t,
                                  const httpsrc_conf *conf,
                                  const char *partition,
                                  const char *offset,
                                  char *errstr,
                                  size_t errstr_size)
{
        return rt->ops->check_offset(rt->self, t, conf, partition, offset,
                                     errstr, errstr_size);
}

static inline int rt_remove(const herder_runtime *rt, const char *name)
{
        return rt->ops->remove(rt->self, name);
}

static inline int rt_restart(const herder_runtime *rt,
                             const char *name,
                             httpsrc_conf *conf,
                             char *errstr,
                             size_t errstr_size)
{
        return rt->ops->restart(rt->self, name, conf, errstr, errstr_size);
}

static inline const char *rt_task_name(const herder_runtime *rt,
                                       const runtime_task *t)
{
        return rt->ops->name(rt->self, t);
}

static inline const httpsrc_conf *rt_task_conf(const herder_runtime *rt,
                                               const runtime_task *t)
{
        return rt->ops->conf(rt->self, t);
}

static inline int rt_task_state(const herder_runtime *rt, const runtime_task *t)
{
        return rt->ops->state(rt->self, t);
}

static inline int rt_task_deleting(const herder_runtime *rt,
                                   const runtime_task *t)
{
        return rt->ops->deleting(rt->self, t);
}

static inline void rt_task_set_target(const herder_runtime *rt,
                                      runtime_task *t,
                                      int target)
{
        rt->ops->set_target(rt->self, t, target);
}

static inline const char *rt_task_failure(const herder_runtime *rt,
                                          const runtime_task *t)
{
        return rt->ops->failure(rt->self, t);
}

static inline const char *rt_task_warning(const herder_runtime *rt,
                                          const runtime_task *t)
{
        return rt->ops->warning(rt->self, t);
}

static inline size_t rt_task_outstanding(const herder_runtime *rt,
                                         const runtime_task *t)
{
        return rt->ops->outstanding(rt->self, t);
}

static inline int rt_task_busy(const herder_runtime *rt, const runtime_task *t)
{
        return rt->ops->busy(rt->self, t);
}

static inline size_t rt_task_topics(const herder_runtime *rt,
                                    const runtime_task *t,
                                    char *const **out)
{
        return rt->ops->topics(rt->self, t, out);
}

static inline void rt_task_reset_topics(const herder_runtime *rt,
                                        runtime_task *t)
{
        rt->ops->reset_topics(rt->self, t);
}

static inline void rt_task_give_topics(const herder_runtime *rt,
                                       runtime_task *t,
                                       char **topics,
                                       size_t n)
{
        rt->ops->give_topics(rt->self, t, topics, n);
}

#endif
