/* connect layer: what every herder shares (herder.h): routing a request
 * to its ops member, results, and the call a REST thread waits on. */
#include "herder.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util_int.h"

static const struct {
        const char *name;
        int http;
} statuses[HERDER_STATUS_COUNT_] = {
    [HERDER_OK]          = {"OK", 200},
    [HERDER_CREATED]     = {"CREATED", 201},
    [HERDER_ACCEPTED]    = {"ACCEPTED", 202},
    [HERDER_NO_CONTENT]  = {"NO_CONTENT", 204},
    [HERDER_BAD_REQUEST] = {"BAD_REQUEST", 400},
    [HERDER_FORBIDDEN]   = {"FORBIDDEN", 403},
    [HERDER_NOT_FOUND]   = {"NOT_FOUND", 404},
    [HERDER_CONFLICT]    = {"CONFLICT", 409},
    [HERDER_REBALANCING] = {"REBALANCING", 409},
    [HERDER_ERROR]       = {"ERROR", 500},
    [HERDER_UNAVAILABLE] = {"UNAVAILABLE", 503},
    [HERDER_FORWARD]     = {"FORWARD", 0},
    [HERDER_TIMEOUT]     = {"TIMEOUT", 500},
};

int herder_status_http(herder_status status)
{
        return (unsigned)status < HERDER_STATUS_COUNT_ ? statuses[status].http
                                                       : 500;
}

const char *herder_status_name(herder_status status)
{
        return (unsigned)status < HERDER_STATUS_COUNT_ ? statuses[status].name
                                                       : "?";
}

herder_result *herder_result_new(herder_status status)
{
        herder_result *res = calloc(1, sizeof(*res));
        if (res)
                res->status = status;
        return res;
}

herder_result *herder_result_error(herder_status status, const char *fmt, ...)
{
        herder_result *res = herder_result_new(status);
        strbuf sb          = {0};
        va_list ap;
        va_start(ap, fmt);
        char buf[4096];
        int n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0)
                return res;
        if ((size_t)n < sizeof(buf)) {
                if (res)
                        res->message = xstrdup(buf);
                return res;
        }
        /* long (a validation list): format again into a buffer that fits */
        if (res && !sb_reserve(&sb, (size_t)n + 1)) {
                va_start(ap, fmt);
                vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
                va_end(ap);
                sb.len       = (size_t)n;
                res->message = sb_steal(&sb);
        }
        sb_free(&sb);
        return res;
}

herder_result *herder_result_body(herder_status status, char *body)
{
        herder_result *res = herder_result_new(status);
        if (res)
                res->body = body;
        else
                free(body);
        return res;
}

void herder_result_free(herder_result *res)
{
        if (!res)
                return;
        free(res->message);
        free(res->body);
        free(res->forward_url);
        free(res);
}

/* ---- routing ------------------------------------------------------- */

typedef void (*op_fn)(herder *h,
                      const herder_request *rq,
                      herder_cb cb,
                      void *opaque);

static op_fn op_of(const herder_ops *o, herder_op op)
{
        switch (op) {
        case HERDER_OP_WORKER_INFO: return o->worker_info;
        case HERDER_OP_HEALTH: return o->health;
        case HERDER_OP_CONNECTORS: return o->connectors;
        case HERDER_OP_CONNECTOR_INFO: return o->connector_info;
        case HERDER_OP_CONNECTOR_CONFIG: return o->connector_config;
        case HERDER_OP_CONNECTOR_STATUS: return o->connector_status;
        case HERDER_OP_TASK_CONFIGS: return o->task_configs;
        case HERDER_OP_TASKS_CONFIG: return o->tasks_config;
        case HERDER_OP_TASK_STATUS: return o->task_status;
        case HERDER_OP_OFFSETS: return o->offsets;
        case HERDER_OP_ACTIVE_TOPICS: return o->active_topics;
        case HERDER_OP_PLUGINS: return o->plugins;
        case HERDER_OP_PLUGIN_CONFIG: return o->plugin_config;
        case HERDER_OP_LOGGERS: return o->loggers;
        case HERDER_OP_LOGGER_LEVEL: return o->logger_level;
        case HERDER_OP_METRICS: return o->metrics;
        case HERDER_OP_PUT_CONFIG: return o->put_config;
        case HERDER_OP_PATCH_CONFIG: return o->patch_config;
        case HERDER_OP_DELETE: return o->delete_connector;
        case HERDER_OP_PAUSE: return o->pause;
        case HERDER_OP_RESUME: return o->resume;
        case HERDER_OP_STOP: return o->stop;
        case HERDER_OP_RESTART: return o->restart_connector;
        case HERDER_OP_RESTART_TASK: return o->restart_task;
        case HERDER_OP_ALTER_OFFSETS: return o->alter_offsets;
        case HERDER_OP_RESET_OFFSETS: return o->reset_offsets;
        case HERDER_OP_RESET_TOPICS: return o->reset_topics;
        case HERDER_OP_VALIDATE: return o->validate;
        case HERDER_OP_PREVIEW: return o->preview;
        case HERDER_OP_SET_LOGGER: return o->set_logger;
        case HERDER_OP_PUT_TASK_CONFIGS: return o->put_task_configs;
        case HERDER_OP_FENCE_ZOMBIES: return o->fence_zombies;
        default: return NULL;
        }
}

void herder_submit(herder *h,
                   const herder_request *rq,
                   herder_cb cb,
                   void *opaque)
{
        op_fn fn = h && h->ops ? op_of(h->ops, rq->op) : NULL;
        if (fn) {
                fn(h, rq, cb, opaque);
                return;
        }
        cb(herder_result_error(HERDER_ERROR,
                               "This operation is not supported by the %s "
                               "herder",
                               h && h->ops && h->ops->name ? h->ops->name
                                                           : "configured"),
           opaque);
}

void herder_destroy(herder *h)
{
        if (h && h->ops && h->ops->destroy)
                h->ops->destroy(h);
}

/* ---- calls ---------------------------------------------------------- */

struct herder_call {
        pthread_mutex_t mu;
        pthread_cond_t cv;
        int refs; /* the waiter's and the herder's */
        int answered;
        herder_result *res;
};

herder_call *herder_call_new(void)
{
        herder_call *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_mutex_init(&c->mu, NULL);
        pthread_cond_init(&c->cv, &attr);
        pthread_condattr_destroy(&attr);
        c->refs = 2;
        return c;
}

/* Drop one reference; the last one frees. Called without c->mu held. */
static void call_release(herder_call *c)
{
        pthread_mutex_lock(&c->mu);
        int last = --c->refs == 0;
        pthread_mutex_unlock(&c->mu);
        if (!last)
                return;
        herder_result_free(c->res);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
}

/* The herder's answer: kept for the waiter, or dropped if it left. */
static void call_answered(herder_result *res, void *opaque)
{
        herder_call *c = opaque;
        pthread_mutex_lock(&c->mu);
        c->answered = 1;
        c->res      = res;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->mu);
        call_release(c);
}

void herder_call_submit(herder_call *c, herder *h, const herder_request *rq)
{
        herder_submit(h, rq, call_answered, c);
}

herder_result *herder_call_wait(herder_call *c, int64_t timeout_ms)
{
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(timeout_ms / 1000);
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&c->mu);
        int rc = 0;
        while (!c->answered && rc != ETIMEDOUT)
                rc = pthread_cond_timedwait(&c->cv, &c->mu, &until);
        herder_result *res = NULL;
        int answered       = c->answered;
        if (answered) {
                res    = c->res;
                c->res = NULL;
        }
        pthread_mutex_unlock(&c->mu);
        call_release(c);
        if (answered)
                return res ? res
                           : herder_result_error(HERDER_ERROR, "out of memory");
        return herder_result_error(HERDER_TIMEOUT, "Request timed out");
}

herder_result *
herder_request_sync(herder *h, const herder_request *rq, int64_t timeout_ms)
{
        herder_call *c = herder_call_new();
        if (!c)
                return NULL;
        herder_call_submit(c, h, rq);
        return herder_call_wait(c, timeout_ms);
}
