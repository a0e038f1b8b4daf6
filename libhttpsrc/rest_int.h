/* rest module: Kafka Connect's REST API over libmicrohttpd.
 *
 * Runs on MHD's own thread(s); every request that reads or changes
 * connectors goes through pipeline_exec() (pipeline_int.h), so the
 * pipeline's state is only ever touched by its loop thread. */
#ifndef HTTPSRC_REST_INT_H
#define HTTPSRC_REST_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"

typedef struct rest_server rest_server;

/** Start listening on the worker's `listeners` and restore the connectors
 *  kept in the config store. errstr names the key: "listeners: ...". */
rest_server *rest_new(httpsrc_pipeline *p, char *errstr, size_t errstr_size);
/** Stop serving (waits for requests in progress). NULL-safe. */
void rest_destroy(rest_server *r);

#endif
