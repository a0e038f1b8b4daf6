/* connector: the running task's state machine (enum task_state,
 * task_impl.h) and the transitions that end a poll or change the
 * target: poll done, poll error, halted, target, redelivery, and when the
 * task next needs the loop.
 *
 * task_set_state() is the only writer of c->state (as curl's mstate() and
 * librdkafka's rd_kafka_cgrp_set_join_state()): it asserts the
 * transition, keeps the invariants and traces "state A -> B" at DEBUG.
 * Calls within the task go one way: task_poll.c (requests) ->
 * task_page.c (pages, records, offsets) -> this file; every file may
 * call task.c's conn_* helpers (fail, describe, redact). */
#include <assert.h>
#include <stdio.h>
#include <time.h>

#include "task_impl.h"

static const char *const task_state_names[TASK_STATE_COUNT] = {
    [TASK_IDLE] = "IDLE",       [TASK_POLLING] = "POLLING",
    [TASK_WAIT] = "WAIT",       [TASK_AUTH] = "AUTH",
    [TASK_FLIGHT] = "FLIGHT",   [TASK_STOPPED] = "STOPPED",
    [TASK_FAILED] = "FAILED",
};

const char *task_state_name(enum task_state s)
{
        return (unsigned)s < TASK_STATE_COUNT ? task_state_names[s] : "?";
}

/* The transitions the machine allows (task_impl.h draws them). */
static int allowed(enum task_state from, enum task_state to)
{
        if (from == TASK_FAILED)
                return 0; /* final: a restart makes a new task */
        if (to == TASK_FAILED)
                return 1;
        if (from == TASK_STOPPED)
                return 0; /* only a failure while stopping (last commit) */
        if (to == TASK_STOPPED)
                return 1;
        if (from == TASK_IDLE)
                return to == TASK_POLLING; /* a poll starts only in tick */
        return 1; /* within a poll, and back to IDLE when it ends */
}

void task_set_state_by(task *c, enum task_state to, const char *by)
{
        enum task_state from = c->state;
        assert((unsigned)to < TASK_STATE_COUNT);
        /* Between polls and once stopped no request of the poll is out
         * (task_stop() cancels it first). */
        assert(to != TASK_IDLE || !c->transfer);
        assert(to != TASK_STOPPED || !c->transfer);
        if (from == to)
                return; /* e.g. a second task_stop() */
        assert(allowed(from, to));
        c->state = to;
        log_msg(c->env.lg, HTTPSRC_LOG_DEBUG, c->name,
                "task state %s -> %s (%s)", task_state_name(from),
                task_state_name(to), by);
}

/* ------------------------------------------------------------------ */
/* scheduling                                                          */

/* Monotonic time of the next poll once caught up: the first of the
 * connector's fixed slots (phase_ms + k * interval) after now. Neither
 * a poll's duration nor a late start moves the slots, so connectors that
 * a stalled loop starts together keep their own slots instead of merging
 * into bursts. */
static int64_t next_poll_time(const task *c, int64_t now)
{
        if (!c->cron) {
                if (c->interval_ms <= 0 || now < c->phase_ms)
                        return now > c->phase_ms ? now : c->phase_ms;
                int64_t k = (now - c->phase_ms) / c->interval_ms + 1;
                return c->phase_ms + k * c->interval_ms;
        }
        int64_t wall = wall_ms();
        int64_t at   = cron_next(c->cron, c->zone, wall);
        return at < 0 ? INT64_MAX : now + (at - wall);
}

/* With cron the next poll may be hours away: the log says when (INFO when
 * a minute or more, else DEBUG, so that "* * * * * ?" does not flood it). */
static void log_next_cron_poll(const task *c)
{
        if (!c->cron)
                return;
        int64_t wall = wall_ms();
        int64_t at   = cron_next(c->cron, c->zone, wall);
        const char *expr =
            httpsrc_conf_get(c->conf, "http.timer.cron.expression");
        if (at < 0) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "http.timer.cron.expression '%s' never fires again: "
                        "no further poll",
                        expr);
                return;
        }
        char when[32];
        struct tm tm;
        time_t sec = (time_t)(at / 1000);
        gmtime_r(&sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        log_msg(c->env.lg,
                at - wall >= 60000 ? HTTPSRC_LOG_INFO : HTTPSRC_LOG_DEBUG,
                c->name, "next poll at %s (http.timer.cron.expression '%s' in %s)",
                when, expr, httpsrc_conf_get(c->conf, "http.timer.cron.zone"));
}

void task_wake(task *c)
{
        if (c->env.wake)
                c->env.wake(c->env.wake_opaque, c);
}

int task_offsets_held(const task *c)
{
        return c->env.offsets_unstored && *c->env.offsets_unstored;
}

/* ------------------------------------------------------------------ */
/* the end of a poll                                                   */

void task_poll_done(task *c)
{
        task_set_state(c, TASK_IDLE);
        /* A poll cut by a pagination cycle does not catch up at once. */
        c->caught_up  = c->poll_new == 0 || c->cycle_stop;
        c->cycle_stop = 0;
        if (c->once && c->caught_up && c->path_missed && !c->path_matched) {
                conn_fail(c, "%s", c->warning);
                return;
        }
        int64_t now = mono_ms();
        /* Catch-up: a poll that found new records is followed at once. */
        c->next_poll_at = c->caught_up ? next_poll_time(c, now) : now;
        task_wake(c);
        /* Read is not delivered: say how many Kafka has acknowledged. */
        log_msg(c->env.lg, c->caught_up ? HTTPSRC_LOG_DEBUG : HTTPSRC_LOG_INFO,
                c->name,
                "poll done: %zu new records read%s; %llu acknowledged so "
                "far, %zu waiting for acknowledgement",
                c->poll_new, c->caught_up ? ", caught up" : "",
                (unsigned long long)c->m.records_acked, c->outstanding);
        if (c->caught_up)
                log_next_cron_poll(c);
}

void task_poll_error(task *c, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        conn_clean_msg(c, msg, sizeof(msg));
        if (c->on_error == ON_ERROR_FAIL) {
                conn_fail(c, "%s", msg);
                return;
        }
        c->m.errors_total++;
        log_msg(c->env.lg,
                c->on_error == ON_ERROR_LOG ? HTTPSRC_LOG_ERROR
                                            : HTTPSRC_LOG_DEBUG,
                c->name,
                "%s; skipped (behavior.on.error=%s), retried at "
                "the next poll",
                msg, c->on_error == ON_ERROR_LOG ? "log" : "ignore");
        /* The offset stays where it is: the next poll asks again. */
        task_set_state(c, TASK_IDLE);
        c->want_next    = 0;
        c->caught_up    = 1;
        c->next_poll_at = next_poll_time(c, mono_ms());
        task_wake(c);
}

int task_halted(task *c)
{
        if (c->target == TARGET_STARTED)
                return 0;
        task_set_state(c, TASK_IDLE);
        c->send_at   = 0;
        c->want_next = 0;
        return 1;
}

/* ------------------------------------------------------------------ */
/* target state and wakeups                                            */

void task_set_target(task *c, target_state target)
{
        assert(target == TARGET_STARTED || target == TARGET_PAUSED ||
               target == TARGET_STOPPED);
        target_state was = c->target;
        c->target        = target;
        if (target == TARGET_STARTED && was != target) {
                c->next_poll_at = mono_ms(); /* resume polls at once */
                c->caught_up    = 0;
                task_wake(c);
        }
        if (target != TARGET_STARTED && c->state == TASK_WAIT)
                task_halted(c);
        log_msg(c->env.lg, HTTPSRC_LOG_INFO, c->name, "target state %s",
                httpsrc_state_name((int)target));
        if (was != target && c->env.state_changed)
                c->env.state_changed(c->env.wake_opaque, c);
}

void task_redeliver_later(task *c)
{
        c->redeliver_n++;
        c->m.retries++;
        int64_t delay = backoff_delay_ms(c->redeliver_n, c->backoff_ms,
                                         c->backoff_max_ms, 1);
        log_msg(c->env.lg,
                c->redeliver_n == 1 ? HTTPSRC_LOG_WARN : HTTPSRC_LOG_DEBUG,
                c->name,
                "record callback answered HTTPSRC_RETRY; the record is "
                "offered again in %lld ms (refusal %d in a row)",
                (long long)delay, c->redeliver_n);
        c->redeliver_at = mono_ms() + delay;
        task_wake(c);
}

static int64_t poll_wakeup(const task *c, int once)
{
        if (task_ended(c) || c->target != TARGET_STARTED)
                return INT64_MAX;
        if (task_offsets_held(c) && c->state != TASK_WAIT)
                return INT64_MAX; /* the pipeline wakes it once stored */
        if (c->redeliver_at)
                return c->redeliver_at;
        if (c->state == TASK_WAIT)
                return c->send_at;
        if (task_in_poll(c) || (once && c->caught_up))
                return INT64_MAX;
        return c->next_poll_at;
}

/* transaction.boundary=interval: also when its transaction is due. */
int64_t task_next_wakeup(const task *c, int once)
{
        int64_t poll   = poll_wakeup(c, once);
        int64_t commit = eos_commit_at(c);
        return commit < poll ? commit : poll;
}
