/* scheduler module: an indexed binary min-heap of wakeup times. */
#include "scheduler_int.h"

#include <stdlib.h>

#include "httpsrc/common.h"

struct scheduler {
        sched_node **heap;
        size_t n, cap;
};

scheduler *sched_new(void)
{
        return calloc(1, sizeof(scheduler));
}

void sched_destroy(scheduler *s)
{
        if (!s)
                return;
        free(s->heap);
        free(s);
}

void sched_node_init(sched_node *n, void *item)
{
        n->at   = INT64_MAX;
        n->idx  = SCHED_NONE;
        n->item = item;
}

static void place(scheduler *s, size_t i, sched_node *n)
{
        s->heap[i] = n;
        n->idx     = i;
}

static void sift_up(scheduler *s, size_t i)
{
        sched_node *n = s->heap[i];
        while (i > 0) {
                size_t parent = (i - 1) / 2;
                if (s->heap[parent]->at <= n->at)
                        break;
                place(s, i, s->heap[parent]);
                i = parent;
        }
        place(s, i, n);
}

static void sift_down(scheduler *s, size_t i)
{
        sched_node *n = s->heap[i];
        for (;;) {
                size_t child = 2 * i + 1;
                if (child >= s->n)
                        break;
                if (child + 1 < s->n &&
                    s->heap[child + 1]->at < s->heap[child]->at)
                        child++;
                if (n->at <= s->heap[child]->at)
                        break;
                place(s, i, s->heap[child]);
                i = child;
        }
        place(s, i, n);
}

void sched_remove(scheduler *s, sched_node *n)
{
        if (n->idx == SCHED_NONE)
                return;
        size_t i = n->idx;
        n->idx   = SCHED_NONE;
        n->at    = INT64_MAX;
        if (i == --s->n)
                return;
        sched_node *last = s->heap[s->n]; /* fills the hole */
        place(s, i, last);
        sift_up(s, i);
        sift_down(s, last->idx);
}

int sched_set(scheduler *s, sched_node *n, int64_t at)
{
        if (at == INT64_MAX) {
                sched_remove(s, n);
                return HTTPSRC_OK;
        }
        if (n->idx != SCHED_NONE) {
                int64_t was = n->at;
                n->at       = at;
                if (at < was)
                        sift_up(s, n->idx);
                else
                        sift_down(s, n->idx);
                return HTTPSRC_OK;
        }
        if (s->n == s->cap) {
                size_t cap      = s->cap ? s->cap * 2 : 64;
                sched_node **nh = realloc(s->heap, cap * sizeof(*nh));
                if (!nh)
                        return HTTPSRC_ERR_NOMEM;
                s->heap = nh;
                s->cap  = cap;
        }
        n->at = at;
        place(s, s->n++, n);
        sift_up(s, n->idx);
        return HTTPSRC_OK;
}

int64_t sched_next(const scheduler *s)
{
        return s->n ? s->heap[0]->at : INT64_MAX;
}

sched_node *sched_pop_due(scheduler *s, int64_t now)
{
        if (!s->n || s->heap[0]->at > now)
                return NULL;
        sched_node *n = s->heap[0];
        sched_remove(s, n);
        return n;
}
