/* worker_client: one HTTP request from this worker to another worker of
 * its Connect cluster (Connect's RestClient): REST requests forwarded to
 * the leader or the owner (distributed.md §3.3) and a follower's task
 * configs sent to the leader (POST /connectors/{c}/tasks). Blocking, on
 * the calling thread; any thread. */
#ifndef HTTPSRC_WORKER_CLIENT_INT_H
#define HTTPSRC_WORKER_CLIENT_INT_H

#include <stddef.h>

#include "util_int.h"

/**
 * @p method @p url with @p body (NULL: none; else sent as
 * application/json), headers as Connect's RestClient sends them
 * (Accept: application/json, User-Agent: kafka-connect) plus
 * @p authorization (the incoming Authorization header, copied as is; NULL:
 * none). Redirects are not followed. Waits up to @p timeout_ms.
 * Returns the HTTP status (the remote's, also >= 400) with the body in
 * @p out, or -1 when no answer came, with the reason in @p errstr.
 */
long worker_request(const char *method,
                    const char *url,
                    const char *body,
                    size_t body_len,
                    const char *authorization,
                    long timeout_ms,
                    strbuf *out,
                    char *errstr,
                    size_t errstr_size);

/** @p base (an advertised URL, with or without a trailing '/') joined to
 *  @p path (starting with '/') without a "//"; malloc'ed, NULL on ENOMEM. */
char *worker_url_join(const char *base, const char *path);

#endif
