/* http module: requests and responses (the plugin-visible objects) and a
 * non-blocking client over one curl multi handle shared by all connectors. */
#ifndef HTTPSRC_HTTP_INT_H
#define HTTPSRC_HTTP_INT_H

#include <curl/curl.h>
#include <poll.h>

#include "httpsrc/plugin.h"
#include "util_int.h"

/* The cap on one response's header block (each response of a redirect
 * chain on its own): more lines or bytes fail the request with
 * HTTPSRC_ERR_LIMIT, "response headers exceed the cap of 1000 lines or
 * 262144 bytes". Real APIs send a few dozen lines. */
#define HTTP_MAX_HEADER_LINES 1000
#define HTTP_MAX_HEADER_BYTES (256 * 1024)

/* --- requests --- */
httpsrc_request *http_request_new(void);
/** A deep copy of @p src; NULL on ENOMEM. */
httpsrc_request *http_request_copy(const httpsrc_request *src);
void http_request_destroy(httpsrc_request *req); /* NULL-safe */
const char *http_request_method(const httpsrc_request *req);
int http_request_set_method(httpsrc_request *req, const char *method);
/** The full URL (cached until the next change); NULL if none set. */
const char *http_request_url(const httpsrc_request *req);
/** Absolute, or relative to the current URL. Returns HTTPSRC_ERR_INVAL
 *  for an unparsable URL. */
int http_request_set_url(httpsrc_request *req, const char *url);
int http_request_set_query(httpsrc_request *req,
                           const char *name,
                           const char *value);
int http_request_set_header(httpsrc_request *req,
                            const char *name,
                            const char *value);
/** Header value or NULL (case-insensitive). */
const char *http_request_header(const httpsrc_request *req, const char *name);
const void *http_request_body(const httpsrc_request *req, size_t *len);
int http_request_set_body(httpsrc_request *req, const void *body, size_t len);

/* --- responses --- */
void http_response_destroy(httpsrc_response *resp); /* NULL-safe */
int http_response_status(const httpsrc_response *resp);
const char *http_response_header(const httpsrc_response *resp,
                                 const char *name);
const void *http_response_body(const httpsrc_response *resp, size_t *len);
/** The body parsed as a JSON tree, parsed once and cached. */
const httpsrc_json *http_response_json(const httpsrc_response *resp);
const char *http_response_url(const httpsrc_response *resp);
/** The absolute URL a 3xx response's Location names (for a request sent
 *  with http_opts.no_follow), or NULL. Borrowed from @p resp. */
const char *http_response_redirect_url(const httpsrc_response *resp);
/** Monotonic ms its request left the admission queue for the network
 *  (0 for a response built by hand). */
int64_t http_response_started_ms(const httpsrc_response *resp);
struct json_root_index;
/** The index of the body's root members, filled when records are selected
 *  (jsonpath_select_spans_indexed) and used by later lookups. */
struct json_root_index *http_response_root_index(const httpsrc_response *r);
/** Build a response by hand (tests, sources that synthesize responses). */
httpsrc_response *
http_response_new(int status, const char *body, size_t len, const char *url);

/** "scheme://host:port" of absolute @p url, lower case, the scheme's
 *  default port filled in (two URLs of one origin give the same text), in
 *  @p out (reset first). HTTPSRC_ERR_INVAL if @p url is not absolute. */
int http_url_origin(const char *url, strbuf *out);

/* --- the client --- */
typedef struct http_client http_client;

struct tls_conf;
struct netguard;

typedef struct http_opts {
        const struct tls_conf *tls;   /* NULL: curl's defaults */
        const struct netguard *guard; /* NULL: any address */
        long connect_timeout_ms;
        long timeout_ms;
        size_t max_bytes; /* response body limit */
        int no_follow;    /* 1: a redirect is the caller's to follow */
} http_opts;

/** Completion: @p resp is the caller's to destroy (NULL on transport
 *  error, then @p err < 0 and @p errmsg says why). */
typedef void (*http_done_fn)(void *opaque,
                             httpsrc_response *resp,
                             int err,
                             const char *errmsg);

/** At most @p max_active transfers run at once; more wait in a queue (as
 *  request copies) and start as others finish. */
http_client *
http_client_new(size_t max_active, char *errstr, size_t errstr_size);
/** Cancels every transfer without calling their callbacks. */
void http_client_destroy(http_client *c); /* NULL-safe */

/** Start sending @p req (copied). Returns a transfer id > 0, or < 0. */
long http_send(http_client *c,
               const httpsrc_request *req,
               const http_opts *opts,
               http_done_fn done,
               void *opaque);
/** Cancel transfer @p id without calling its callback. */
void http_cancel(http_client *c, long id);
/** Wait up to @p timeout_ms for network activity or one of @p extra fds,
 *  drive transfers and call completions. */
int http_client_poll(http_client *c,
                     struct curl_waitfd *extra,
                     unsigned n_extra,
                     int timeout_ms);
/** The sockets of the running transfers as pollfds, at most @p max (up
 *  to FD_SETSIZE: curl_multi_fdset's limit); returns how many. */
size_t http_client_fds(http_client *c, struct pollfd *out, size_t max);
/** Milliseconds until curl's timers need http_client_poll() (-1: none). */
long http_client_timeout(http_client *c);

#endif
