/* The fake runtime of fake_runtime.h: the pipeline's answers without a
 * loop, a producer or HTTP. A task's state follows the calls as the
 * pipeline's does (create: its initial state; target: that state;
 * restart: RUNNING again), and every change is reported through the
 * task state callback, as the pipeline reports it. */
#include "fake_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_int.h"

struct runtime_task {
        char *name;
        httpsrc_conf *conf;
        int state; /* httpsrc_state */
        char *failure;
        int busy;
        size_t outstanding;
        int deleting; /* removed; gone at fake_finish_delete() */
        char **topics;
        size_t n_topics;
};

static fake_runtime *fk(void *self)
{
        return self;
}

static void record(fake_runtime *f,
                   const char *what,
                   const char *name,
                   const char *more)
{
        sb_printf(&f->calls, "%s %s%s%s\n", what, name, more ? " " : "",
                  more ? more : "");
}

static void report(fake_runtime *f, runtime_task *t)
{
        if (f->on_state)
                f->on_state(f->state_opaque, t->name, t->state,
                            t->state == HTTPSRC_STATE_FAILED ? t->failure
                                                             : NULL);
}

static void set_state(fake_runtime *f, runtime_task *t, int state)
{
        t->state = state;
        report(f, t);
}

static void task_free(runtime_task *t)
{
        if (!t)
                return;
        free(t->name);
        httpsrc_conf_destroy(t->conf);
        free(t->failure);
        strv_free(t->topics, t->n_topics);
        free(t);
}

/* ---- the runtime's thread: the test's, inline ---- */

static void f_exec(void *self, runtime_fn fn, void *arg)
{
        fn(arg);
}

static int f_loop_running(void *self)
{
        return fk(self)->loop_running;
}

static void f_set_tick_cb(void *self, runtime_tick_cb cb, void *opaque)
{
        fk(self)->tick        = cb;
        fk(self)->tick_opaque = opaque;
}

static void
f_set_task_state_cb(void *self, runtime_task_state_cb cb, void *opaque)
{
        fk(self)->on_state     = cb;
        fk(self)->state_opaque = opaque;
}

/* ---- the worker ---- */

static const char *f_kafka_cluster_id(void *self)
{
        return "fake-cluster";
}

static int f_kafka_problem(void *self, char *buf, size_t size)
{
        const char *why = fk(self)->kafka_problem;
        if (why)
                snprintf(buf, size, "%s", why);
        return why != NULL;
}

static const char *f_offsets_error(void *self)
{
        return fk(self)->offsets_error;
}

static void f_set_log_level(void *self, int level)
{
        char lv[16];
        snprintf(lv, sizeof(lv), "%d", level);
        record(fk(self), "log-level", "root", lv);
}

static int f_set_task_log_level(void *self, const char *name, int level)
{
        char lv[16];
        snprintf(lv, sizeof(lv), "%d", level);
        record(fk(self), "log-level", name, lv);
        return 0;
}

static int f_metrics(void *self, strbuf *out)
{
        return sb_puts(out, "fake_tasks 1\n");
}

static int
f_preview(void *self, const httpsrc_conf *conf, size_t pages, strbuf *out)
{
        return sb_printf(out, "{\"pages\":%zu}", pages) ? HTTPSRC_ERR_NOMEM
                                                       : HTTPSRC_OK;
}

/* ---- the tasks ---- */

static size_t f_count(void *self)
{
        return fk(self)->n_tasks;
}

static runtime_task *f_at(void *self, size_t i)
{
        return fk(self)->tasks[i];
}

static runtime_task *f_find(void *self, const char *name)
{
        runtime_task *t = fake_task(fk(self), name);
        return t && !t->deleting ? t : NULL;
}

static int f_leaving(void *self, const char *name)
{
        runtime_task *t = fake_task(fk(self), name);
        return t && t->deleting;
}

static int f_create(void *self,
                    httpsrc_conf *conf,
                    int state,
                    char *errstr,
                    size_t errstr_size)
{
        fake_runtime *f  = fk(self);
        const char *name = httpsrc_conf_get(conf, "name");
        if (fake_task(f, name) || f->n_tasks == FAKE_TASKS_MAX) {
                snprintf(errstr, errstr_size,
                         "name: connector '%s' already exists", name);
                return HTTPSRC_ERR_STATE;
        }
        runtime_task *t = calloc(1, sizeof(*t));
        if (!t || !(t->name = xstrdup(name))) {
                free(t);
                return HTTPSRC_ERR_NOMEM;
        }
        t->conf                = conf;
        f->tasks[f->n_tasks++] = t;
        record(f, "create", name, httpsrc_state_name(state));
        set_state(f, t, state);
        return HTTPSRC_OK;
}

static int f_validate(void *self, const httpsrc_conf *conf, kvlist *problems)
{
        return 0;
}

/* An offset with "bad" in it does not fit. */
static int f_check_offset(void *self,
                          const runtime_task *t,
                          const httpsrc_conf *conf,
                          const char *partition,
                          const char *offset,
                          char *errstr,
                          size_t errstr_size)
{
        if (!strstr(offset, "bad"))
                return HTTPSRC_OK;
        snprintf(errstr, errstr_size, "offset %s does not fit", offset);
        return HTTPSRC_ERR_INVAL;
}

static int f_remove(void *self, const char *name)
{
        runtime_task *t = f_find(self, name);
        record(fk(self), "remove", name, NULL);
        if (!t)
                return HTTPSRC_ERR_NOENT;
        t->deleting = 1;
        return HTTPSRC_OK;
}

static int f_restart(void *self,
                     const char *name,
                     httpsrc_conf *conf,
                     char *errstr,
                     size_t errstr_size)
{
        fake_runtime *f = fk(self);
        runtime_task *t = f_find(self, name);
        record(f, "restart", name, conf ? "with-conf" : NULL);
        if (!t) {
                snprintf(errstr, errstr_size, "no connector %s", name);
                return HTTPSRC_ERR_NOENT;
        }
        if (conf) {
                httpsrc_conf_destroy(t->conf);
                t->conf = conf;
        }
        free(t->failure);
        t->failure = NULL;
        set_state(f, t, HTTPSRC_STATE_RUNNING);
        return HTTPSRC_OK;
}

/* ---- one task ---- */

static const char *f_task_name(void *self, const runtime_task *t)
{
        return t->name;
}

static const httpsrc_conf *f_task_conf(void *self, const runtime_task *t)
{
        return t->conf;
}

static int f_task_state(void *self, const runtime_task *t)
{
        return t->state;
}

static int f_task_deleting(void *self, const runtime_task *t)
{
        return t->deleting;
}

static void f_task_set_target(void *self, runtime_task *t, int target)
{
        record(fk(self), "target", t->name, httpsrc_state_name(target));
        if (t->state != HTTPSRC_STATE_FAILED)
                set_state(fk(self), t, target);
}

static const char *f_task_failure(void *self, const runtime_task *t)
{
        return t->state == HTTPSRC_STATE_FAILED ? t->failure : NULL;
}

static const char *f_task_warning(void *self, const runtime_task *t)
{
        return NULL;
}

static size_t f_task_outstanding(void *self, const runtime_task *t)
{
        return t->outstanding;
}

static int f_task_busy(void *self, const runtime_task *t)
{
        return t->busy;
}

static size_t
f_task_topics(void *self, const runtime_task *t, char *const **out)
{
        *out = t->topics;
        return t->n_topics;
}

static void f_task_reset_topics(void *self, runtime_task *t)
{
        record(fk(self), "reset-topics", t->name, NULL);
        strv_free(t->topics, t->n_topics);
        t->topics   = NULL;
        t->n_topics = 0;
}

static void
f_task_give_topics(void *self, runtime_task *t, char **topics, size_t n)
{
        strv_free(t->topics, t->n_topics);
        t->topics   = topics;
        t->n_topics = n;
}

static const runtime_ops fake_ops = {
    .exec               = f_exec,
    .loop_running       = f_loop_running,
    .set_tick_cb        = f_set_tick_cb,
    .set_task_state_cb  = f_set_task_state_cb,
    .kafka_cluster_id   = f_kafka_cluster_id,
    .kafka_problem      = f_kafka_problem,
    .offsets_error      = f_offsets_error,
    .set_log_level      = f_set_log_level,
    .set_task_log_level = f_set_task_log_level,
    .metrics            = f_metrics,
    .preview            = f_preview,
    .count              = f_count,
    .at                 = f_at,
    .find               = f_find,
    .leaving            = f_leaving,
    .create             = f_create,
    .validate           = f_validate,
    .check_offset       = f_check_offset,
    .remove             = f_remove,
    .restart            = f_restart,
    .name               = f_task_name,
    .conf               = f_task_conf,
    .state              = f_task_state,
    .deleting           = f_task_deleting,
    .set_target         = f_task_set_target,
    .failure            = f_task_failure,
    .warning            = f_task_warning,
    .outstanding        = f_task_outstanding,
    .busy               = f_task_busy,
    .topics             = f_task_topics,
    .reset_topics       = f_task_reset_topics,
    .give_topics        = f_task_give_topics,
};

/* ---- the test's side ---- */

/* Quiet: the herder's log lines are not what the tests assert. */
static void
no_log(void *opaque, int level, const char *name, const char *msg)
{
}

int fake_runtime_init(fake_runtime *f, httpsrc_conf *worker)
{
        char err[256];
        *f         = (fake_runtime){.worker = worker};
        f->log     = (logger){.cb = no_log, .max_level = HTTPSRC_LOG_INFO};
        f->plugins = plugin_registry_new(host_api_table());
        f->offsets = offset_store_open(NULL, err, sizeof(err));
        f->rt      = (herder_runtime){&fake_ops, f,          f->worker,
                                      f->plugins, f->offsets, &f->log};
        return f->plugins && f->offsets ? 0 : -1;
}

void fake_runtime_fini(fake_runtime *f)
{
        for (size_t i = 0; i < f->n_tasks; i++)
                task_free(f->tasks[i]);
        plugin_registry_destroy(f->plugins);
        offset_store_destroy(f->offsets);
        httpsrc_conf_destroy(f->worker);
        sb_free(&f->calls);
}

runtime_task *fake_task(fake_runtime *f, const char *name)
{
        for (size_t i = 0; name && i < f->n_tasks; i++)
                if (!strcmp(f->tasks[i]->name, name))
                        return f->tasks[i];
        return NULL;
}

void fake_fail(fake_runtime *f, const char *name, const char *trace)
{
        runtime_task *t = fake_task(f, name);
        free(t->failure);
        t->failure = xstrdup(trace);
        set_state(f, t, HTTPSRC_STATE_FAILED);
}

void fake_set_busy(fake_runtime *f, const char *name, int busy)
{
        fake_task(f, name)->busy = busy;
}

void fake_set_outstanding(fake_runtime *f, const char *name, size_t n)
{
        fake_task(f, name)->outstanding = n;
}

void fake_finish_delete(fake_runtime *f, const char *name)
{
        for (size_t i = 0; i < f->n_tasks; i++) {
                runtime_task *t = f->tasks[i];
                if (!t->deleting || strcmp(t->name, name))
                        continue;
                set_state(f, t, HTTPSRC_STATE_UNASSIGNED);
                task_free(t);
                f->tasks[i] = f->tasks[--f->n_tasks];
                return;
        }
}

void fake_tick(fake_runtime *f, int last)
{
        if (f->tick)
                f->tick(f->tick_opaque, last);
}

char *fake_take_calls(fake_runtime *f)
{
        return sb_steal(&f->calls);
}
