/* rest module: Kafka Connect's REST API over libmicrohttpd.
 *
 * Runs on MHD's own thread(s). It knows only the herder (herder.h): a
 * handler parses the request, asks the herder and writes its answer; it
 * never touches the connectors or the stores. Built in two steps so that
 * composition (serve.c) can give the herder the worker id the listeners
 * make: rest_new() binds, rest_start() serves. */
#ifndef HTTPSRC_REST_INT_H
#define HTTPSRC_REST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "herder.h"
#include "httpsrc/httpsrc.h"
#include "log_int.h"
#include "util_int.h"

typedef struct rest_server rest_server;
struct secrets;

/** What REST reads of the worker; borrowed, must outlive the server. */
typedef struct rest_env {
        const httpsrc_conf *worker;    /**< listeners, rest.*, TLS keys */
        const struct secrets *secrets; /**< resolves the worker file's
                                            passwords (rest.auth.password,
                                            listeners.https.ssl.key.password) */
        const logger *lg;
        int64_t herder_timeout_ms; /**< how long a request waits for the
                                        herder (0: 30 s); then 500
                                        "Request timed out" */
} rest_env;

/** Bind the worker's `listeners` (nothing is served yet). errstr names
 *  the key: "listeners: ...". Caller's thread. */
rest_server *rest_new(const rest_env *env, char *errstr, size_t errstr_size);
/** Connect's worker_id, "host:port" of the first listener ("" without
 *  one). */
const char *rest_worker_id(const rest_server *r);
/** Serve, asking @p h (borrowed: destroy the server first). HTTPSRC_OK,
 *  or an error with "listeners: cannot serve listener N ...". */
int rest_start(rest_server *r, herder *h, char *errstr, size_t errstr_size);
/** Stop serving (waits for requests in progress). NULL-safe. */
void rest_destroy(rest_server *r);

/**
 * Answer one request without MHD or sockets (for tests/fuzz/fuzz_rest.c
 * and tests/unit/test_rest_routes.c; the server does not use it):
 * @p method, the request @p target (path and optional "?query",
 * percent-encoded as on the request line) and @p len bytes of @p body,
 * handled as the server handles an authorized request. Use with a server
 * made by rest_new() with no listeners and rest_start(). Returns the HTTP
 * status; @p out is replaced by the response body and *@p content_type set
 * to its type (NULL: no body).
 */
int rest_handle(rest_server *r,
                const char *method,
                const char *target,
                const char *body,
                size_t len,
                strbuf *out,
                const char **content_type);

#endif
