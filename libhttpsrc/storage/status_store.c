/* status store module: see status_store_int.h. */
#include "status_store_int.h"

#include <stdlib.h>
#include <string.h>

#include "httpsrc/httpsrc.h"
#include "util_int.h"

typedef struct status_entry {
        char *connector;
        int task;
        status_state state;
        char *trace;
        char *worker_id;
        int32_t generation;
        char *version;
} status_entry;

struct status_store {
        const status_store_ops *ops;
        void *be;
        status_entry *e;
        size_t n, cap;
        int batched;
};

/* Connect's AbstractStatus.State order onto the public states, whose
 * names httpsrc_state_name() keeps; DESTROYED (a tombstone) has none. */
static const int public_state[] = {
    [STATUS_UNASSIGNED] = HTTPSRC_STATE_UNASSIGNED,
    [STATUS_RUNNING]    = HTTPSRC_STATE_RUNNING,
    [STATUS_PAUSED]     = HTTPSRC_STATE_PAUSED,
    [STATUS_FAILED]     = HTTPSRC_STATE_FAILED,
    [STATUS_DESTROYED]  = -1,
    [STATUS_RESTARTING] = HTTPSRC_STATE_RESTARTING,
    [STATUS_STOPPED]    = HTTPSRC_STATE_STOPPED,
};
#define N_STATES (sizeof(public_state) / sizeof(public_state[0]))

const char *status_state_name(status_state st)
{
        if (st == STATUS_DESTROYED)
                return "DESTROYED";
        return (unsigned)st < N_STATES ? httpsrc_state_name(public_state[st])
                                       : NULL;
}

int status_state_parse(const char *name, status_state *st)
{
        for (size_t i = 0; name && i < N_STATES; i++)
                if (!strcmp(status_state_name((status_state)i), name)) {
                        *st = (status_state)i;
                        return 0;
                }
        return -1;
}

static const status_store_ops memory_ops = {"memory", NULL, NULL, NULL,
                                            NULL};

status_store *status_store_new(const status_store_ops *ops, void *be)
{
        status_store *s = calloc(1, sizeof(*s));
        if (!s) {
                if (ops->destroy)
                        ops->destroy(be);
                return NULL;
        }
        s->ops = ops;
        s->be  = be;
        return s;
}

status_store *status_store_new_memory(void)
{
        return status_store_new(&memory_ops, NULL);
}

static void entry_clear(status_entry *e)
{
        free(e->connector);
        free(e->trace);
        free(e->worker_id);
        free(e->version);
}

void status_store_destroy(status_store *s)
{
        if (!s)
                return;
        if (s->ops->destroy)
                s->ops->destroy(s->be);
        for (size_t i = 0; i < s->n; i++)
                entry_clear(&s->e[i]);
        free(s->e);
        free(s);
}

const char *status_store_backend(const status_store *s)
{
        return s->ops->name;
}

static status_entry *
find(const status_store *s, const char *connector, int task)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->e[i].task == task &&
                    !strcmp(s->e[i].connector, connector))
                        return &s->e[i];
        return NULL;
}

static void remove_at(status_store *s, size_t i)
{
        entry_clear(&s->e[i]);
        memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof(*s->e));
        s->n--;
}

/* Drop (connector, task); a connector's drop takes its tasks too
 * (KafkaStatusBackingStore.remove(String)). */
static void drop(status_store *s, const char *connector, int task)
{
        for (size_t i = s->n; i-- > 0;)
                if (!strcmp(s->e[i].connector, connector) &&
                    (s->e[i].task == task || task == STATUS_CONNECTOR))
                        remove_at(s, i);
}

/* Keep a copy of @p rec for (connector, task). */
static int keep(status_store *s,
                const char *connector,
                int task,
                const status_rec *rec)
{
        char *trace = rec->trace ? xstrdup(rec->trace) : NULL;
        char *wid   = xstrdup(rec->worker_id ? rec->worker_id : "");
        char *ver   = rec->version ? xstrdup(rec->version) : NULL;
        status_entry *e = find(s, connector, task);
        if ((rec->trace && !trace) || !wid || (rec->version && !ver)) {
                free(trace);
                free(wid);
                free(ver);
                return HTTPSRC_ERR_NOMEM;
        }
        if (!e) {
                char *name = xstrdup(connector);
                if (s->n == s->cap) {
                        size_t cap          = s->cap ? s->cap * 2 : 16;
                        status_entry *grown = name ? realloc(
                                                         s->e,
                                                         cap * sizeof(*grown))
                                                   : NULL;
                        if (grown) {
                                s->e   = grown;
                                s->cap = cap;
                        }
                }
                if (!name || s->n == s->cap) {
                        free(name);
                        free(trace);
                        free(wid);
                        free(ver);
                        return HTTPSRC_ERR_NOMEM;
                }
                e  = &s->e[s->n++];
                *e = (status_entry){.connector = name, .task = task};
        }
        free(e->trace);
        free(e->worker_id);
        free(e->version);
        e->state      = rec->state;
        e->trace      = trace;
        e->worker_id  = wid;
        e->generation = rec->generation;
        e->version    = ver;
        return HTTPSRC_OK;
}

int status_store_apply(status_store *s,
                       const char *connector,
                       int task,
                       const status_rec *rec)
{
        if (!rec || rec->state == STATUS_DESTROYED) {
                drop(s, connector, task);
                return HTTPSRC_OK;
        }
        const status_entry *old = find(s, connector, task);
        /* readTaskStatus: a late UNASSIGNED from a worker that had not
         * read another's RUNNING of the same or a newer generation. */
        if (task != STATUS_CONNECTOR && old &&
            rec->state == STATUS_UNASSIGNED && old->state == STATUS_RUNNING &&
            old->generation >= rec->generation)
                return HTTPSRC_OK;
        return keep(s, connector, task, rec);
}

void status_store_set_batched(status_store *s, int on)
{
        s->batched = on;
}

int status_store_flush(status_store *s, char *errstr, size_t errstr_size)
{
        return s->ops->flush ? s->ops->flush(s->be, errstr, errstr_size)
                             : HTTPSRC_OK;
}

int status_store_put(status_store *s,
                     const char *connector,
                     int task,
                     const status_rec *rec,
                     char *errstr,
                     size_t errstr_size)
{
        const status_rec *w = rec->state == STATUS_DESTROYED ? NULL : rec;
        int rc              = s->ops->write ? s->ops->write(s->be, connector,
                                                            task, w, errstr,
                                                            errstr_size)
                                            : HTTPSRC_OK;
        if (!rc && !s->batched)
                rc = status_store_flush(s, errstr, errstr_size);
        if (rc)
                return rc;
        if (!w) {
                drop(s, connector, task);
                return HTTPSRC_OK;
        }
        rc = keep(s, connector, task, w);
        if (rc)
                errstr_set(errstr, errstr_size, "out of memory");
        return rc;
}

int status_store_put_safe(status_store *s,
                          const char *connector,
                          int task,
                          const status_rec *rec,
                          char *errstr,
                          size_t errstr_size)
{
        const status_entry *old = find(s, connector, task);
        if (old && strcmp(old->worker_id, rec->worker_id ? rec->worker_id
                                                          : "") != 0 &&
            old->generation > rec->generation)
                return 1;
        return status_store_put(s, connector, task, rec, errstr, errstr_size);
}

int status_store_get(const status_store *s,
                     const char *connector,
                     int task,
                     status_rec *out)
{
        const status_entry *e = find(s, connector, task);
        if (!e)
                return HTTPSRC_ERR_NOENT;
        *out = (status_rec){e->state, e->trace, e->worker_id, e->generation,
                            e->version};
        return HTTPSRC_OK;
}

void status_store_foreach(const status_store *s,
                          const char *connector,
                          status_visit_fn fn,
                          void *opaque)
{
        for (size_t i = 0; i < s->n; i++) {
                const status_entry *e = &s->e[i];
                if (connector && strcmp(e->connector, connector))
                        continue;
                status_rec r = {e->state, e->trace, e->worker_id,
                                e->generation, e->version};
                fn(opaque, e->connector, e->task, &r);
        }
}

int status_store_refresh(status_store *s, char *errstr, size_t errstr_size)
{
        return s->ops->refresh ? s->ops->refresh(s->be, s, errstr, errstr_size)
                               : HTTPSRC_OK;
}
