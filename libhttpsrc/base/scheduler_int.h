/* scheduler module: when each connector next needs the loop, as a binary
 * min-heap indexed from the nodes, so the loop finds what is due in
 * O(log n) instead of passing over every connector each iteration. */
#ifndef HTTPSRC_SCHEDULER_INT_H
#define HTTPSRC_SCHEDULER_INT_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_NONE ((size_t)-1)

/** Embedded in what is scheduled; sched_node_init() before first use. */
typedef struct sched_node {
        int64_t at;
        size_t idx; /* in the heap, or SCHED_NONE */
        void *item;
} sched_node;

typedef struct scheduler scheduler;

scheduler *sched_new(void);
/** Frees the heap only: the nodes belong to their items. NULL-safe. */
void sched_destroy(scheduler *s);
void sched_node_init(sched_node *n, void *item);
/** Queue @p n at @p at, or move it there; INT64_MAX takes it out.
 *  HTTPSRC_ERR_NOMEM if the heap cannot grow (@p n is then not queued). */
int sched_set(scheduler *s, sched_node *n, int64_t at);
void sched_remove(scheduler *s, sched_node *n);
/** The earliest time queued; INT64_MAX when nothing is. */
int64_t sched_next(const scheduler *s);
/** Take out and return a node due at @p now or earlier; NULL if none. */
sched_node *sched_pop_due(scheduler *s, int64_t now);

#endif
