/* serve layer: the pipeline behind the standalone herder's runtime ops
 * (pipeline_runtime_int.h). Thin on purpose: every member is the
 * pipeline_* or connector_* call the herder made before the ops table
 * existed, so the herder behaves the same over it. */
#include "pipeline_runtime_int.h"

#include "metrics_int.h"
#include "preview_int.h"

static httpsrc_pipeline *pl(void *self)
{
        return self;
}

/* runtime_task is the pipeline's task (task_int.h) under an opaque name. */
static task *as_task(const runtime_task *t)
{
        return (task *)t;
}

/* exec() runs a runtime_fn; the pipeline's take the pipeline too. */
typedef struct exec_call {
        runtime_fn fn;
        void *arg;
} exec_call;

static void run_call(httpsrc_pipeline *p, void *arg)
{
        (void)p;
        exec_call *call = arg;
        call->fn(call->arg);
}

static void pr_exec(void *self, runtime_fn fn, void *arg)
{
        exec_call call = {fn, arg}; /* pipeline_exec() waits for it */
        pipeline_exec(pl(self), run_call, &call);
}

static int pr_loop_running(void *self)
{
        return pipeline_loop_running(pl(self));
}

static void pr_set_tick_cb(void *self, runtime_tick_cb cb, void *opaque)
{
        pipeline_set_tick_cb(pl(self), cb, opaque);
}

static void
pr_set_task_state_cb(void *self, runtime_task_state_cb cb, void *opaque)
{
        pipeline_set_task_state_cb(pl(self), cb, opaque);
}

static const char *pr_kafka_cluster_id(void *self)
{
        return pipeline_kafka_cluster_id(pl(self));
}

static int pr_kafka_problem(void *self, char *buf, size_t size)
{
        return pipeline_kafka_problem(pl(self), buf, size);
}

static const char *pr_offsets_error(void *self)
{
        return pipeline_offsets_error(pl(self));
}

static void pr_set_log_level(void *self, int level)
{
        pipeline_set_log_level(pl(self), level);
}

static int pr_set_task_log_level(void *self, const char *name, int level)
{
        return pipeline_set_connector_log_level(pl(self), name, level);
}

static int pr_metrics(void *self, strbuf *out)
{
        return metrics_render(pl(self), out);
}

/* A REST preview: the conf is not the operator's own (local 0); the
 * report is JSON. */
static int pr_preview(void *self,
                       const httpsrc_conf *conf,
                       size_t pages,
                       strbuf *out)
{
        return preview_run(pl(self), 0, conf, pages, 1, out);
}

static size_t pr_count(void *self)
{
        return pipeline_count(pl(self));
}

static runtime_task *pr_at(void *self, size_t i)
{
        return (runtime_task *)pipeline_at(pl(self), i);
}

static runtime_task *pr_find(void *self, const char *name)
{
        return (runtime_task *)pipeline_find(pl(self), name);
}

static int pr_leaving(void *self, const char *name)
{
        return pipeline_leaving(pl(self), name);
}

static int pr_create(void *self,
                      httpsrc_conf *conf,
                      int state,
                      char *errstr,
                      size_t errstr_size)
{
        return pipeline_create(pl(self), conf, state, errstr, errstr_size);
}

static int
pr_validate(void *self, const httpsrc_conf *conf, kvlist *problems)
{
        return pipeline_validate(pl(self), conf, problems);
}

static int pr_check_offset(void *self,
                            const runtime_task *t,
                            const httpsrc_conf *conf,
                            const char *partition,
                            const char *offset,
                            char *errstr,
                            size_t errstr_size)
{
        return pipeline_check_offset(pl(self), as_task(t), conf, partition,
                                     offset, errstr, errstr_size);
}

static int pr_remove(void *self, const char *name)
{
        return pipeline_delete(pl(self), name);
}

static int pr_restart(void *self,
                       const char *name,
                       httpsrc_conf *conf,
                       char *errstr,
                       size_t errstr_size)
{
        return pipeline_restart(pl(self), name, conf, errstr, errstr_size);
}

static const char *pr_task_name(void *self, const runtime_task *t)
{
        return task_name(as_task(t));
}

static const httpsrc_conf *pr_task_conf(void *self, const runtime_task *t)
{
        return task_conf(as_task(t));
}

static int pr_task_state(void *self, const runtime_task *t)
{
        return pipeline_state(pl(self), as_task(t));
}

static int pr_task_deleting(void *self, const runtime_task *t)
{
        return pipeline_deleting(pl(self), as_task(t));
}

/* target_state values equal the httpsrc_state of the same meaning. */
static void pr_task_set_target(void *self, runtime_task *t, int target)
{
        task_set_target(as_task(t), (target_state)target);
}

static const char *pr_task_failure(void *self, const runtime_task *t)
{
        return task_failure(as_task(t));
}

static const char *pr_task_warning(void *self, const runtime_task *t)
{
        return task_warning(as_task(t));
}

static size_t pr_task_outstanding(void *self, const runtime_task *t)
{
        return task_outstanding(as_task(t));
}

static int pr_task_busy(void *self, const runtime_task *t)
{
        return task_busy(as_task(t));
}

static size_t
pr_task_topics(void *self, const runtime_task *t, char *const **out)
{
        return task_topics(as_task(t), out);
}

static void pr_task_reset_topics(void *self, runtime_task *t)
{
        task_reset_topics(as_task(t));
}

static void
pr_task_give_topics(void *self, runtime_task *t, char **topics, size_t n)
{
        task_give_topics(as_task(t), topics, n);
}

static const runtime_ops pipeline_ops = {
    .exec               = pr_exec,
    .loop_running       = pr_loop_running,
    .set_tick_cb        = pr_set_tick_cb,
    .set_task_state_cb  = pr_set_task_state_cb,
    .kafka_cluster_id   = pr_kafka_cluster_id,
    .kafka_problem      = pr_kafka_problem,
    .offsets_error      = pr_offsets_error,
    .set_log_level      = pr_set_log_level,
    .set_task_log_level = pr_set_task_log_level,
    .metrics            = pr_metrics,
    .preview            = pr_preview,
    .count              = pr_count,
    .at                 = pr_at,
    .find               = pr_find,
    .leaving            = pr_leaving,
    .create             = pr_create,
    .validate           = pr_validate,
    .check_offset       = pr_check_offset,
    .remove             = pr_remove,
    .restart            = pr_restart,
    .name               = pr_task_name,
    .conf               = pr_task_conf,
    .state              = pr_task_state,
    .deleting           = pr_task_deleting,
    .set_target         = pr_task_set_target,
    .failure            = pr_task_failure,
    .warning            = pr_task_warning,
    .outstanding        = pr_task_outstanding,
    .busy               = pr_task_busy,
    .topics             = pr_task_topics,
    .reset_topics       = pr_task_reset_topics,
    .give_topics        = pr_task_give_topics,
};

herder_runtime pipeline_runtime(httpsrc_pipeline *p)
{
        return (herder_runtime){
            .ops     = &pipeline_ops,
            .self    = p,
            .worker  = pipeline_worker(p),
            .plugins = pipeline_plugins(p),
            .offsets = pipeline_offsets(p),
            .log     = pipeline_logger(p),
        };
}
