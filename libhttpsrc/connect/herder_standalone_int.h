/* connect layer: the standalone herder (herder.h), Kafka Connect's
 * StandaloneHerder over one pipeline: configs and target states in the
 * config store (config.storage.file.filename, else
 * <offset.storage.file.filename>.configs; memory only without either),
 * connectors restored from it when made. */
#ifndef HTTPSRC_HERDER_STANDALONE_INT_H
#define HTTPSRC_HERDER_STANDALONE_INT_H

#include <stddef.h>

#include "herder.h"
#include "runtime_ops.h"

/**
 * A standalone herder over the runtime @p rt (copied; what it points to
 * is borrowed: destroy the herder first, once the loop has ended, as the
 * pipeline does with what is attached to it). serve/ passes the
 * pipeline's (pipeline_runtime()), a unit test a fake.
 * Opens the config store and restores its connectors (a connector given
 * on the command line wins over its stored namesake). @p worker_id is
 * the "host:port" statuses show (copied). Caller's thread, before the
 * pipeline runs. NULL with errstr "<path>: ..." if the store cannot be
 * read.
 */
herder *herder_standalone_new(const herder_runtime *rt,
                              const char *worker_id,
                              char *errstr,
                              size_t errstr_size);

#endif
