/*
 * libhttpsrc - plugin.h: the plugin ABI.
 *
 * A plugin is a shared object named httpsrc-<name>.so that exports exactly one
 * function, HTTPSRC_PLUGIN_ENTRY (httpsrc_plugin_entry_v1; the name carries the
 * ABI major), which HTTPSRC_PLUGIN_DEFINE() emits. The entry returns a static
 * httpsrc_plugin_info; the host checks it, then calls init() with the host
 * services table, through which the plugin registers any number of
 * components of four kinds: source, auth provider, paginator, transform.
 *
 * Plugins link neither libhttpsrc, libcurl, librdkafka nor yajl: everything
 * they need (requests, responses, JSON, records, config, logging, errors,
 * allocation) comes through struct httpsrc_host_api.
 *
 * Compatibility rules (append-only, SQLite/PipeWire style):
 *  - every struct here starts with its own size and only grows at the end;
 *  - the host copies min(struct_size, its sizeof) of each vtable into a
 *    zeroed copy and tests HTTPSRC_OPS_HAS() before calling a newer member;
 *  - plugins test HTTPSRC_HOST_HAS() before calling a newer host member.
 *
 * Ownership rules:
 *  - strings and buffers passed to host setters are copied by the host;
 *  - requests, responses, records and JSON values the host passes to a
 *    callback are borrowed for the duration of that call only;
 *  - memory the host returns to a plugin (json_serialize, scalar_text,
 *    strdup, alloc) is released with host->free, never libc free();
 *  - destroy(state) is called exactly once after a successful create();
 *    methods of one instance are never called concurrently.
 *
 * Threads:
 *  - init() and fini() run on the thread that loads and unloads the plugin:
 *    the caller of httpsrc_pipeline_new() (plugin.path),
 *    httpsrc_pipeline_load_plugin() and httpsrc_pipeline_destroy();
 *  - create(), destroy() and every method of an instance run on one thread
 *    at a time: the thread running httpsrc_pipeline_run() for a running
 *    connector (and for the REST API's validation), the caller's thread in
 *    httpsrc_pipeline_add_connector() and httpsrc_pipeline_preview() (which
 *    may be any thread, with instances of its own). Instances of one
 *    component may so live on two threads at once: keep plugin_ctx
 *    read-only after init(), or lock it;
 *  - the host functions may be called from the thread that called the
 *    plugin, during that call.
 */
#ifndef HTTPSRC_PLUGIN_H
#define HTTPSRC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "httpsrc/common.h"
#include "httpsrc/export.h"
#include "httpsrc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the entry function for this ABI major, as a string for dlsym. */
#define HTTPSRC_PLUGIN_ENTRY_NAME "httpsrc_plugin_entry_v1"
/** The entry function's identifier. */
#define HTTPSRC_PLUGIN_ENTRY httpsrc_plugin_entry_v1

/** @brief Opaque handles passed to plugins. @since 0.1 */
typedef struct httpsrc_ctx httpsrc_ctx; /**< one component instance */
typedef struct httpsrc_registrar httpsrc_registrar; /**< plugin registration */
typedef struct httpsrc_request httpsrc_request;   /**< outgoing HTTP request */
typedef struct httpsrc_response httpsrc_response; /**< received HTTP response */
typedef struct httpsrc_json httpsrc_json;         /**< JSON value */
typedef struct httpsrc_record httpsrc_record;     /**< one Kafka record */
typedef struct httpsrc_emitter httpsrc_emitter;   /**< record sink of a parse */

/** @brief Component kinds. @since 0.1 */
typedef enum httpsrc_component_kind {
        HTTPSRC_KIND_SOURCE    = 1,
        HTTPSRC_KIND_AUTH      = 2,
        HTTPSRC_KIND_PAGINATOR = 3,
        HTTPSRC_KIND_TRANSFORM = 4,
        HTTPSRC_KIND_PREDICATE = 5,
} httpsrc_component_kind;

/** @brief JSON value types returned by host->json_type(). @since 0.1 */
typedef enum httpsrc_json_type {
        HTTPSRC_JSON_NULL   = 0,
        HTTPSRC_JSON_BOOL   = 1,
        HTTPSRC_JSON_NUMBER = 2,
        HTTPSRC_JSON_STRING = 3,
        HTTPSRC_JSON_ARRAY  = 4,
        HTTPSRC_JSON_OBJECT = 5,
} httpsrc_json_type;

/**
 * Common head of every component vtable. @c name is what connector configs
 * refer to (e.g. "CURSOR" for http.pagination.type=CURSOR); @c params
 * declares the component's own keys (NULL-terminated array, may be NULL).
 *
 * Where a plugin's keys may live (the core's key table is closed: any other
 * key is refused as unknown, with the nearest declared key suggested):
 *   - auth provider: full names under http.auth.* or http.oauth2.*
 *   - paginator: full names under http.pagination.*
 *   - transform: names relative to transforms.<alias>. ("fields" is
 *     transforms.<alias>.fields in the config)
 *   - predicate: names relative to predicates.<name>.
 *   - source: no keys of its own in ABI 1.0; it reads the core keys
 *     (http.url, http.headers, ...) through host->conf_get().
 * Declared keys are validated (type, enum, required) when the connector is
 * created; a key declared by another component of the same kind (another
 * auth type's) is ignored with a WARN.
 */
#define HTTPSRC_OPS_HEAD                                                       \
        uint32_t struct_size; /* sizeof(ops) at plugin build time */           \
        uint32_t flags;       /* reserved, 0 */                                \
        const char *name;                                                      \
        const char *description;                                               \
        const httpsrc_param_desc *params

/** True when @p ops (a host-side copy) has member @p m set. */
#define HTTPSRC_OPS_HAS(ops, m)                                                \
        (offsetof(__typeof__(*(ops)), m) + sizeof((ops)->m) <=                 \
             (ops)->struct_size &&                                             \
         (ops)->m != NULL)

/**
 * @brief A source: how requests are shaped and responses turned into records.
 * Selected by connector.class. Without a source plugin the host's built-in
 * JSON source is used (http.response.records.path).
 * @since 0.1
 */
typedef struct httpsrc_source_ops {
        HTTPSRC_OPS_HEAD;
        /** Create an instance; config through host->conf_get(ctx, ...). */
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        /** Adjust the request the host built from http.* keys (optional). */
        int (*build_request)(void *state, httpsrc_request *req);
        /** Turn a 2xx response into records with host->emit (optional: the
         *  host's JSON records path is used when NULL). */
        int (*parse_response)(void *state,
                              const httpsrc_response *resp,
                              httpsrc_emitter *emit);
        void (*destroy)(void *state);
        /* ABI 1.1+: append below */
} httpsrc_source_ops;

/**
 * @brief An auth provider, selected by http.auth.type.
 * @since 0.1
 */
typedef struct httpsrc_auth_ops {
        HTTPSRC_OPS_HEAD;
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        /** Decorate the request (headers, signature) before it is sent. */
        int (*apply)(void *state, httpsrc_request *req);
        /** Look at a response (optional). Set *retry to 1 to have the host
         *  resend the request once, e.g. after refreshing a token on 401. */
        int (*on_response)(void *state,
                           const httpsrc_response *resp,
                           int *retry);
        void (*destroy)(void *state);
        /** Optional: before apply(), does the provider need a request of
         *  its own answered first (e.g. an OAuth2 token request)? Fill
         *  @p req (a fresh request) and return 1 to have the host send it
         *  with the same HTTP client, 0 when apply() can run now, or an
         *  error. */
        int (*own_request)(void *state, httpsrc_request *req);
        /** Optional: the response to the request own_request() filled
         *  (any status). Return HTTPSRC_OK, or an error that fails the
         *  poll with the reason given to host->set_error(). */
        int (*own_response)(void *state, const httpsrc_response *resp);
        /* ABI 1.1+: append below */
} httpsrc_auth_ops;

/**
 * @brief A paginator, selected by http.pagination.type.
 *
 * Pages are identified by a page key, a string (a cursor, a page number, a
 * URL) that the host stores in the connector's offset under
 * @c offset_field together with how many records of that page were
 * acknowledged, so that a restart resumes at the exact record.
 * @since 0.1
 */
typedef struct httpsrc_paginator_ops {
        HTTPSRC_OPS_HEAD;
        /** Offset map field holding the page key, e.g. "cursor". */
        const char *offset_field;
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        /** Point @p req (freshly built from the config) at the page
         *  @p page_key; NULL means the first page. */
        int (*start)(void *state, const char *page_key, httpsrc_request *req);
        /** After page @p page_key answered @p resp with @p n_records
         *  records: return HTTPSRC_OK and set *next_key (allocated with
         *  host->alloc/strdup, owned by the host) for the following page,
         *  HTTPSRC_DONE when this was the last page, or an error.
         *  Called for every page that answered 2xx and whose records were
         *  selected, an empty page (@p n_records 0) included: the paginator
         *  decides whether an empty page ends the poll (the built-in
         *  PAGE_NUMBER and OFFSET return HTTPSRC_DONE on an empty or short
         *  page; CURSOR, LINK_HEADER and NEXT_URL follow the next key the
         *  page gives, empty or not, and stop without one). Not called
         *  for a page that failed (a status in http.response.error.codes,
         *  a body that is not JSON): that poll ends and the next one starts
         *  again at the stored page key with start(). */
        int (*next)(void *state,
                    const char *page_key,
                    const httpsrc_response *resp,
                    size_t n_records,
                    char **next_key);
        void (*destroy)(void *state);
        /** Optional: the key of the first page (e.g. "0" for offsets,
         *  "1" for page numbers), host-allocated; NULL = no key. It is
         *  what ${<offset_field>} and ${offset} hold on the first page. */
        char *(*first_key)(void *state);
        /* ABI 1.1+: append below */
} httpsrc_paginator_ops;

/**
 * @brief A single message transform (SMT), chained by the "transforms" key.
 * Its keys live under transforms.<alias>.*; host->conf_get(ctx, "fields")
 * looks up transforms.<alias>.fields.
 * @since 0.1
 */
typedef struct httpsrc_transform_ops {
        HTTPSRC_OPS_HEAD;
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        /** Change @p rec in place. Returns HTTPSRC_OK to keep it,
         *  HTTPSRC_FILTERED to drop it, or an error. */
        int (*apply)(void *state, httpsrc_record *rec);
        void (*destroy)(void *state);
        /* ABI 1.1+: append below */
} httpsrc_transform_ops;

/**
 * @brief A predicate, as Kafka Connect's: listed in "predicates", its keys
 * under predicates.<name>.*, applied by transforms.<alias>.predicate (and
 * .negate). host->conf_get(ctx, "pattern") looks up
 * predicates.<name>.pattern.
 * @since 0.1
 */
typedef struct httpsrc_predicate_ops {
        HTTPSRC_OPS_HEAD;
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        /** 1 if @p rec matches, 0 if not, or an error. */
        int (*test)(void *state, const httpsrc_record *rec);
        void (*destroy)(void *state);
        /* ABI 1.1+: append below */
} httpsrc_predicate_ops;

/**
 * @brief Services the host offers to plugins. Append-only; a plugin checks
 * HTTPSRC_HOST_HAS(host, member) before calling a member added after 1.0.
 * @since 0.1
 */
struct httpsrc_host_api {
        uint32_t struct_size;
        uint16_t abi_major;
        uint16_t abi_minor;

        /* registration (only valid during init) */
        int (*register_component)(httpsrc_registrar *reg,
                                  int kind,
                                  const void *ops);

        /* logging and errors; never pass secrets */
        void (*log)(httpsrc_ctx *ctx, int level, const char *fmt, ...)
            HTTPSRC_PRINTF(3, 4);
        /** Record a runtime error for this instance; returns @p code. */
        int (*set_error)(httpsrc_ctx *ctx, int code, const char *fmt, ...)
            HTTPSRC_PRINTF(3, 4);

        /* allocation */
        void *(*alloc)(size_t size);
        void *(*realloc)(void *ptr, size_t size);
        void (*free)(void *ptr);
        char *(*strdup)(const char *s);

        /* configuration: the value set for @p key (secrets resolved) or its
         * declared default, NULL if neither. Transform keys are relative to
         * transforms.<alias>.; other components use full keys. */
        const char *(*conf_get)(httpsrc_ctx *ctx, const char *key);

        /* requests; setters copy their arguments */
        const char *(*req_get_method)(const httpsrc_request *req);
        int (*req_set_method)(httpsrc_request *req, const char *method);
        const char *(*req_get_url)(const httpsrc_request *req);
        /** Absolute URL, or relative, resolved against the current URL. */
        int (*req_set_url)(httpsrc_request *req, const char *url);
        /** Set (replace) query parameter @p name; @p value is URL-encoded. */
        int (*req_set_query)(httpsrc_request *req,
                             const char *name,
                             const char *value);
        /** Set (replace) header @p name; NULL @p value removes it. */
        int (*req_set_header)(httpsrc_request *req,
                              const char *name,
                              const char *value);
        const void *(*req_get_body)(const httpsrc_request *req, size_t *len);
        int (*req_set_body)(httpsrc_request *req, const void *body, size_t len);

        /* responses */
        int (*resp_status)(const httpsrc_response *resp);
        /** First header named @p name (case-insensitive), NULL if none. */
        const char *(*resp_header)(const httpsrc_response *resp,
                                   const char *name);
        const void *(*resp_body)(const httpsrc_response *resp, size_t *len);
        /** The body parsed as JSON (cached); NULL if it is not JSON. */
        const httpsrc_json *(*resp_json)(const httpsrc_response *resp);
        /** The URL the response came from (after redirects). */
        const char *(*resp_url)(const httpsrc_response *resp);

        /* JSON: read access */
        httpsrc_json *(*json_parse)(const char *text,
                                    size_t len,
                                    char *errstr,
                                    size_t errstr_size);
        void (*json_destroy)(httpsrc_json *v);
        int (*json_type)(const httpsrc_json *v);
        /** Member @p key of an object, NULL if absent or not an object. */
        const httpsrc_json *(*json_get)(const httpsrc_json *obj,
                                        const char *key);
        /** Element @p i of an array / value of member @p i of an object. */
        const httpsrc_json *(*json_at)(const httpsrc_json *v, size_t i);
        /** Key of member @p i of an object. */
        const char *(*json_key_at)(const httpsrc_json *obj, size_t i);
        /** Number of elements/members; 0 for scalars. */
        size_t (*json_len)(const httpsrc_json *v);
        /** String value; NULL if not a string. */
        const char *(*json_string)(const httpsrc_json *v);
        /** Number as written in the input; NULL if not a number. */
        const char *(*json_number_text)(const httpsrc_json *v);
        /** 1 for true, 0 for false, -1 if not a boolean. */
        int (*json_bool)(const httpsrc_json *v);
        /** First value matched by JSONPath @p path, NULL if none/invalid. */
        const httpsrc_json *(*json_query)(const httpsrc_json *root,
                                          const char *path);
        /** Compact JSON as Kafka Connect's JsonConverter writes it;
         *  free with host->free. */
        char *(*json_serialize)(const httpsrc_json *v, size_t *len);
        /** A scalar as text (string value, number text, true/false);
         *  NULL for null, arrays and objects; free with host->free. */
        char *(*json_scalar_text)(const httpsrc_json *v);

        /* JSON: building (values passed to *_put are taken over) */
        httpsrc_json *(*json_new_object)(void);
        int (*json_object_put)(httpsrc_json *obj,
                               const char *key,
                               httpsrc_json *val);
        httpsrc_json *(*json_clone)(const httpsrc_json *v);
        httpsrc_json *(*json_new_string)(const char *s);

        /* records */
        const void *(*rec_value)(const httpsrc_record *rec, size_t *len);
        const void *(*rec_key)(const httpsrc_record *rec, size_t *len);
        /** The value parsed as JSON (cached); NULL if it is not JSON. */
        const httpsrc_json *(*rec_value_json)(httpsrc_record *rec);
        int (*rec_set_value)(httpsrc_record *rec, const void *v, size_t len);
        int (*rec_set_key)(httpsrc_record *rec, const void *k, size_t len);
        /** Key = @p key serialized as JsonConverter (schemas off) would. */
        int (*rec_set_key_json)(httpsrc_record *rec, const httpsrc_json *key);
        int (*rec_set_value_json)(httpsrc_record *rec, const httpsrc_json *val);
        const char *(*rec_topic)(const httpsrc_record *rec);
        int (*rec_set_topic)(httpsrc_record *rec, const char *topic);

        /* sources: hand one record to the pipeline (copied) */
        int (*emit)(httpsrc_emitter *em,
                    const void *key,
                    size_t key_len,
                    const void *value,
                    size_t value_len);

        /* clock: wall-clock milliseconds since the epoch */
        int64_t (*now_ms)(void);

        /* URLs: @p ref resolved against @p base (RFC 3986), NULL if either
         * is invalid; percent-encoding of @p s for a query or form value.
         * Both results are freed with host->free. */
        char *(*url_resolve)(const char *base, const char *ref);
        char *(*url_encode)(const char *s);

        /* JSON: more builders (values passed to *_push are taken over) */
        httpsrc_json *(*json_new_number)(const char *text); /* NULL if
                                                               invalid */
        httpsrc_json *(*json_new_bool)(int b);
        httpsrc_json *(*json_new_null)(void);
        httpsrc_json *(*json_new_array)(void);
        int (*json_array_push)(httpsrc_json *arr, httpsrc_json *val);

        /* records: timestamp in epoch ms (the poll time unless set) */
        int64_t (*rec_timestamp)(const httpsrc_record *rec);
        int (*rec_set_timestamp)(httpsrc_record *rec, int64_t ts_ms);

        /** The raw JSON text of top-level member @p name of the record's
         *  value, without parsing the value into a tree (the hot path of
         *  field-picking transforms). Returns 1 and sets *raw and *len
         * (borrowed until the record changes), 0 if the value is an object
         * without that member, or -1 when it cannot tell cheaply (not an
         * object, escaped member names, malformed): use rec_value_json then. */
        int (*rec_value_member)(httpsrc_record *rec,
                                const char *name,
                                const char **raw,
                                size_t *len);

        /** The scalar at JSONPath @p path of the response body as text
         *  (*text, freed with host->free), found without building a tree
         *  when it can be. Returns 1 (a string, number or boolean), 0 (no
         *  such value, null, an array or an object), or HTTPSRC_ERR_PARSE
         *  when the body is not JSON. */
        int (*resp_query_text)(const httpsrc_response *resp,
                               const char *path,
                               char **text);

        /* libhttpsrc 0.2 and later */
        /** Zero @p len bytes at @p p (NULL-safe) so that the compiler keeps
         *  the stores: wipe a secret before freeing it. @since 0.2 */
        void (*wipe)(void *p, size_t len);
        /** Standard base64 (RFC 4648, padded) of @p len bytes at @p data,
         *  NUL-terminated, freed with host->free; NULL on ENOMEM.
         *  @since 0.2 */
        char *(*base64)(const void *data, size_t len);
        /** The type (httpsrc_json_type) of the first value at JSONPath
         *  @p path of the response body, found without building a tree
         *  when the body was validated already (the page's records were
         *  selected from it). Returns that type (>= 0), HTTPSRC_ERR_NOENT
         *  when nothing matches, HTTPSRC_ERR_PARSE when the body is not
         *  JSON, HTTPSRC_ERR_INVAL for a path that does not compile,
         *  HTTPSRC_ERR_NOMEM. @since 0.2 */
        int (*resp_query_type)(const httpsrc_response *resp, const char *path);

        /* ABI 1.1+: append below */
};

/** True when @p host provides member @p m. */
#define HTTPSRC_HOST_HAS(host, m)                                              \
        (offsetof(struct httpsrc_host_api, m) + sizeof((host)->m) <=           \
             (host)->struct_size &&                                            \
         (host)->m != NULL)

/** @brief Plugin init: register components; may set *plugin_ctx. Called
 *  once, on the thread that loads the plugin (see "Threads" above).
 *  @since 0.1 */
typedef int (*httpsrc_plugin_init_fn)(const struct httpsrc_host_api *host,
                                      httpsrc_registrar *reg,
                                      void **plugin_ctx,
                                      char *errstr,
                                      size_t errstr_size);
/** @brief Plugin fini: called once, after every instance is destroyed, on
 *  the thread that calls httpsrc_pipeline_destroy(). @since 0.1 */
typedef void (*httpsrc_plugin_fini_fn)(void *plugin_ctx);

/**
 * @brief What a plugin's entry function returns. No padding on LP64.
 * @since 0.1
 */
typedef struct httpsrc_plugin_info {
        uint32_t struct_size; /**< sizeof at plugin build */
        uint16_t abi_major;   /**< HTTPSRC_PLUGIN_ABI_MAJOR */
        uint16_t abi_minor;   /**< HTTPSRC_PLUGIN_ABI_MINOR */
        const char *name;     /**< must match the file: httpsrc-<name>.so */
        const char *version;  /**< the plugin's own version */
        const char *description;
        httpsrc_plugin_init_fn init;
        httpsrc_plugin_fini_fn fini;
} httpsrc_plugin_info;

/** Size of the ABI 1.0 info struct: the smallest the host accepts. */
#define HTTPSRC_PLUGIN_INFO_MIN_SIZE                                           \
        (offsetof(httpsrc_plugin_info, fini) + sizeof(httpsrc_plugin_fini_fn))

#if defined(__GNUC__)
#define HTTPSRC_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define HTTPSRC_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
#define HTTPSRC_PLUGIN_EXTERN_C extern "C"
#else
#define HTTPSRC_PLUGIN_EXTERN_C
#endif

/**
 * @brief Emit a plugin's entry function and its info struct.
 * @param name_ string literal, must equal the file stem after "httpsrc-"
 * @param version_ string literal, the plugin's version
 * @param description_ string literal
 * @param init_ httpsrc_plugin_init_fn
 * @param fini_ httpsrc_plugin_fini_fn or NULL
 * @since 0.1
 */
#define HTTPSRC_PLUGIN_DEFINE(name_, version_, description_, init_, fini_)     \
        HTTPSRC_PLUGIN_EXTERN_C HTTPSRC_PLUGIN_EXPORT const                    \
            httpsrc_plugin_info *                                              \
            HTTPSRC_PLUGIN_ENTRY(void);                                        \
        HTTPSRC_PLUGIN_EXTERN_C HTTPSRC_PLUGIN_EXPORT const                    \
            httpsrc_plugin_info *                                              \
            HTTPSRC_PLUGIN_ENTRY(void)                                         \
        {                                                                      \
                static const httpsrc_plugin_info info = {                      \
                    sizeof(httpsrc_plugin_info),                               \
                    HTTPSRC_PLUGIN_ABI_MAJOR,                                  \
                    HTTPSRC_PLUGIN_ABI_MINOR,                                  \
                    name_,                                                     \
                    version_,                                                  \
                    description_,                                              \
                    init_,                                                     \
                    fini_};                                                    \
                return &info;                                                  \
        }

#ifdef __cplusplus
}
#endif
#endif /* HTTPSRC_PLUGIN_H */
