/* rest module: Kafka Connect's REST API over libmicrohttpd.
 *
 * Runs on MHD's own thread(s); every request that reads or changes
 * connectors goes through pipeline_exec() (pipeline_int.h), so the
 * pipeline's state is only ever touched by its loop thread. */
#ifndef HTTPSRC_REST_INT_H
#define HTTPSRC_REST_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"
#include "util_int.h"

typedef struct rest_server rest_server;

/** Start listening on the worker's `listeners` and restore the connectors
 *  kept in the config store. errstr names the key: "listeners: ...". */
rest_server *rest_new(httpsrc_pipeline *p, char *errstr, size_t errstr_size);
/** The URL the other workers of a Connect cluster reach this one's REST
 *  API at ("http://host:port/"), from rest.advertised.* and `listeners`
 *  as Connect's RestServer computes it. HTTPSRC_OK, or HTTPSRC_ERR_LIMIT
 *  if @p size is too small. Any thread. */
int rest_advertised_url(const httpsrc_conf *w, char *buf, size_t size);
/** Stop serving (waits for requests in progress). NULL-safe. */
void rest_destroy(rest_server *r);

/**
 * Answer one request without MHD or sockets (for tests/fuzz/fuzz_rest.c;
 * the server does not use it): @p method, the request @p target (path and
 * optional "?query", percent-encoded as on the request line) and @p len
 * bytes of @p body, handled as the server handles an authorized request,
 * but in one attempt: what would wait for the pipeline is answered as the
 * last retry would (409). Use with a server made by rest_new() with no
 * listeners. Returns the HTTP status; @p out is replaced by the response
 * body and *@p content_type set to its type (NULL: no body).
 */
int rest_handle(rest_server *r,
                const char *method,
                const char *target,
                const char *body,
                size_t len,
                strbuf *out,
                const char **content_type);

#endif
