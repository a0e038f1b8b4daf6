/* connect layer: the distributed herder (herder_distributed.c), a worker
 * of a Kafka Connect cluster: group membership over Connect's protocol
 * (group_int.h), configs and statuses in Connect's topics. */
#ifndef HTTPSRC_HERDER_DISTRIBUTED_INT_H
#define HTTPSRC_HERDER_DISTRIBUTED_INT_H

#include <stddef.h>

#include "herder.h"

/**
 * Join the group of the worker of @p p (group.id...), reading
 * config.storage.topic and status.storage.topic (created if missing).
 * Operations that are the worker's own (plugins, loggers, validate,
 * preview, health, GET /) go to @p local, which the new herder owns (also
 * on failure). Starts the herder thread; the runtime is @p p, which must
 * outlive the herder. NULL with a one-line errstr ("<key>: <reason>").
 * Caller's thread.
 */
herder *herder_distributed_new(httpsrc_pipeline *p,
                               herder *local,
                               char *errstr,
                               size_t errstr_size);

#endif
