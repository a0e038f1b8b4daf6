/* A host services table for unit tests that drive plugins directly.
 *
 * Requests are the library's own (http.c), so tests see the exact URL,
 * headers and body a plugin produced. Responses are hand-made (any status,
 * URL, headers and body), and so are records and instance contexts. JSON,
 * JSONPath, URL resolution and encoding are the library's code or the
 * same libcurl calls the real host makes. Include after <cmocka.h>. */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "http_int.h"
#include "httpsrc/plugin.h"
#include "plugin_int.h"

#define FAKE_MAX_HEADERS 8

/* One component instance's context: its config and its last error. */
struct httpsrc_ctx {
        const char *const *conf; /* key, value, ..., NULL */
        int err_code;
        char err[1024];
};

/* A response. Strings are borrowed; json is the test's to free, or set by
 * fake_resp() and freed by fake_resp_free(). */
struct httpsrc_response {
        int status;
        const char *url;
        const char *body;
        int n_headers;
        const char *headers[FAKE_MAX_HEADERS][2];
        httpsrc_json *json; /* NULL: the body is not JSON */
};

struct httpsrc_record {
        const char *value;
        httpsrc_json *value_json;
        char *key;
};

/* What plugins logged: the last message, and all of them one a line. */
struct fake_logged {
        int n;
        int level;
        char msg[512];
        char all[8192];
};
extern struct fake_logged logged;

/* The clock host->now_ms reads. */
extern int64_t fake_now_ms;

extern const struct httpsrc_host_api fake_host;

/** A real request for @p url (GET); free with http_request_destroy. */
httpsrc_request *fake_req(const char *url);
/** The request's body as a string ("" if none); valid until it changes. */
const char *fake_req_body(const httpsrc_request *req);

/** A response; @p body is parsed as JSON when it is. */
httpsrc_response fake_resp(int status, const char *url, const char *body);
/** Add header @p name: @p value (both borrowed) to @p resp. */
void fake_resp_header(httpsrc_response *resp,
                      const char *name,
                      const char *value);
void fake_resp_free(httpsrc_response *resp);

void fake_rec_free(httpsrc_record *rec);

/** Forget what was logged. */
void fake_log_reset(void);

/* A built-in (or any) plugin loaded through the real loader, and one
 * instance of one of its components. */
typedef struct instance {
        plugin_registry *r;
        const plugin_component *c;
        httpsrc_ctx ctx;
        void *state;
} instance;

/** Path of built-in plugin @p name (from HTTPSRC_PLUGIN_PATH). */
const char *fake_builtin(const char *name);

/** Load @p file (a built-in's name, or a path with a '/') and create its
 *  component @p name of @p kind with config @p conf (key, value, ...,
 *  NULL); returns what create() returned. */
int instance_new(instance *in,
                 const char *file,
                 int kind,
                 const char *name,
                 const char *const *conf);
/** The same, through host table @p host (e.g. an older, shorter one). */
int instance_new_with(instance *in,
                      const struct httpsrc_host_api *host,
                      const char *file,
                      int kind,
                      const char *name,
                      const char *const *conf);
/** Destroy the instance (if @p created) and unload the plugin. */
void instance_free(instance *in, int created);

#endif
