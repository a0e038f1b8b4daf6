/* The connector's private parts, shared by connector.c (setup, lifecycle),
 * connector_poll.c (scheduling, requests, responses, status policy) and
 * connector_page.c (records, transforms, delivery, offsets). */
#ifndef HTTPSRC_CONNECTOR_IMPL_H
#define HTTPSRC_CONNECTOR_IMPL_H

/* Page keys remembered per poll for cycle detection (memory: about this
 * many keys at once; later pages of a longer poll are not checked). */
#define PAGE_KEYS_MAX 10000

#include "backoff_int.h"
#include "connector_int.h"
#include "converter_int.h"
#include "cron_int.h"
#include "jsonpath_int.h"
#include "metrics_int.h"
#include "record_int.h"
#include "tls_int.h"
#include "txn_int.h"

/** Delivery report of an exactly-once connector's transactional producer
 *  (connector_page.c). */
void eos_delivered(void *opaque, void *msg, int err, const char *why);

/* How the offset of a connector is kept (http.offset.mode). */
enum offset_kind {
        OFFS_PAGE,  /* NONE, CURSOR, CURSOR_PAGINATION: page key + position */
        OFFS_MAX,   /* TIMESTAMP, ID: largest field value acknowledged */
        OFFS_LAST,  /* CHAINING: field value of the last acknowledged */
        OFFS_COUNT, /* SIMPLE_INCREMENTING: records acknowledged so far */
};

enum on_error { ON_ERROR_FAIL, ON_ERROR_LOG, ON_ERROR_IGNORE };

enum phase {
        PHASE_IDLE,   /* between polls */
        PHASE_WAIT,   /* a request waits for send_at (retry, throttle) */
        PHASE_AUTH,   /* the auth provider's own request is in flight */
        PHASE_FLIGHT, /* the page request is in flight */
};

typedef struct span {
        size_t off, len;   /* value */
        size_t koff, klen; /* key, when has_key */
        int has_key;
        size_t mfirst, mcount; /* its members in the page's index */
} span;

typedef struct page page;

typedef struct cookie {
        page *pg;
        size_t idx;
        size_t bytes; /* key + value, while outstanding */
} cookie;

struct page {
        page *next;  /* FIFO of pages not yet fully acknowledged */
        page *pnext; /* queue of pages not yet handed over */
        int queued;  /* in that queue: commit() must not free it */
        connector *conn;
        char *key;           /* this page's key; NULL: the first page */
        char *next_key;      /* the following page's key; NULL: last page */
        size_t n;            /* records in the page */
        size_t skip;         /* records taken by an earlier poll */
        size_t handed;       /* records handed to the sink (absolute index) */
        size_t contig;       /* acknowledged prefix (absolute index) */
        uint64_t count_base; /* OFFS_COUNT: records before this page */
        int64_t ts;          /* wall ms the response arrived */
        int64_t mono_us;     /* ... on the monotonic clock, in us */
        uint8_t *acked;
        cookie *cookies;
        /* OFFS_MAX/LAST: the offset value after each record */
        size_t *val_off;
        strbuf vals;
        /* where the records' bytes live until they are handed over */
        httpsrc_response *resp;
        strbuf emitted;
        int from_emitter;        /* spans point into emitted, not the body */
        json_root_index members; /* of the records, from the selection */
        span *spans;
        size_t cap;
};

struct httpsrc_emitter {
        page *pg;
};

/* A record converted and waiting for room in the producer queue. */
typedef struct held_record {
        int pending;
        const char *topic;
        const void *key;
        size_t klen;
        const void *val;
        size_t vlen;
} held_record;

typedef struct hdr {
        char *name, *value; /* value may hold ${...} state variables */
} hdr;

typedef struct transform_ref {
        httpsrc_ctx ctx;
        httpsrc_ctx *predicate; /* NULL: always applies */
        int negate;
} transform_ref;

struct connector {
        conn_env env;
        httpsrc_conf *conf;  /* as written (placeholders kept) */
        httpsrc_conf *rconf; /* secrets resolved */
        /* The values this connector must never print: what its
         * ${provider:...} placeholders resolved to and its PASSWORD keys
         * (redacted by conn_put_untrusted). */
        char **secret_vals;
        size_t n_secret_vals;
        /* secret_refs[i]: the placeholder secret_vals[i] came from, for
         * the first n_secret_refs (the resolved ones): page keys are
         * stored sealed with them (offset_key_seal). */
        char **secret_refs;
        size_t n_secret_refs;
        const char *name, *topic, *url, *method, *body, *params;
        char *partition_json;
        jsonpath *records_path, *expand_path;
        /* the records path without its trailing [*] / .* (NULL: there is
         * none): present but empty is an empty page, absent a mistake */
        jsonpath *records_parent;
        hdr *hdrs;
        size_t n_hdrs;
        /* http.credentials.allowed.origins, as http_url_origin() */
        char **cred_origins;
        size_t n_cred_origins;
        char *warned_origin; /* the last origin credentials were kept
                                from (logged once) */
        /* a redirect being followed (http_opts.no_follow) */
        char *redirect_url;
        int redirects, redirect_get;
        http_opts hopts;
        tls_conf *tls;
        struct netguard *guard;
        size_t max_depth, max_record_bytes;

        /* polling */
        int64_t interval_ms;
        cron_expr *cron;
        cron_zone *zone;

        /* status policy */
        status_set error_codes;
        int retry_max;
        int64_t backoff_ms, backoff_max_ms;
        int64_t max_wait_ms; /* cap on a server-imposed wait */
        enum on_error on_error;
        int tolerate, log_errors;
        throttle thr;
        const char *rate_header, *rate_reset_header;
        uint64_t rnd; /* jitter state */

        /* offsets */
        enum offset_kind offs;
        const char *offs_name; /* field of the offset map */
        jsonpath *offs_field;
        int offs_numeric;
        char *read_value; /* OFFS_MAX/LAST: where the next poll starts */
        char *poll_value; /* ... as it was when this poll started */
        uint64_t read_count, poll_count; /* OFFS_COUNT */
        char count_text[24];

        httpsrc_ctx source, auth, paginator;
        transform_ref *transforms;
        size_t n_transforms;
        httpsrc_ctx *predicates;
        size_t n_predicates;
        converter *key_conv, *value_conv;

        /* progress */
        char *read_key; /* OFFS_PAGE: where the next poll starts */
        size_t read_pos;
        char *last_full_key; /* the last page that had records */
        size_t last_full_n;
        int has_last_full;
        char *cur_key; /* page being requested */
        /* Pagination cycles: the keys of this poll's pages (bounded,
         * PAGE_KEYS_MAX), and the key a cycle went back to (cycle_key,
         * OFFS_PAGE: the next poll resumes before it) */
        keyset poll_keys;
        char *cycle_key;
        int cycle_stop;  /* this poll ended on a cycle: no catch-up */
        int keys_warned; /* this poll had more than PAGE_KEYS_MAX pages */
        enum phase phase;
        int in_poll, attempt, auth_retried, auth_rounds;
        int caught_up, stopped, failed;
        int target; /* httpsrc_state: RUNNING, PAUSED or STOPPED */
        long transfer;
        int64_t send_at, not_before;
        size_t poll_new;
        int64_t next_poll_at;
        sched_node sched;
        int track_topics;
        char **topics; /* sent to so far (topic.tracking.enable) */
        size_t n_topics;
        int64_t phase_ms;  /* polls are due at phase_ms + k * interval_ms */
        int phased;        /* phase_ms is set from a request that went out */
        page *head, *tail; /* pages not yet fully acknowledged */
        page *pq_head, *pq_tail; /* received, not yet handed over */
        size_t pq_len;
        int want_next;   /* the next page's request waits for room */
        page *producing; /* page waiting for room in the queue */
        size_t outstanding;
        int acks_pending; /* acknowledged records not yet committed */
        char *offset_json;
        /* exactly.once.source.support=enabled: records and offset go
         * through the transactions of @txn (made at the first record);
         * eos_dirty: offset_json is not committed yet. */
        struct txn *txn;
        int eos, eos_dirty, eos_interval;
        int64_t eos_interval_ms, txn_started_ms;

        httpsrc_record rec;
        strbuf kout, vout; /* converter output */
        held_record held;  /* rec converted, waiting for queue room */
        strbuf rec_offset; /* the source offset a record callback gets */
        int64_t redeliver_at; /* the callback said HTTPSRC_RETRY: offer
                                 the held record again then (mono ms) */
        int redeliver_n;      /* ... after this many refusals in a row */
        httpsrc_metrics m;
        conn_stats st;
        int64_t sent_us; /* monotonic: the request in flight went out */
        int once;         /* the run is --once (HTTPSRC_RUN_ONCE) */
        uint64_t pages;   /* responses whose records were taken in */
        int path_matched; /* a page's records path matched */
        int path_missed;  /* ... or matched nothing in a non-empty body */
        char warning[768]; /* shown in the status while RUNNING */
        char *sent_url;  /* with an observer: the URL of that request */
        size_t pages_seen; /* with an observer: responses so far */
        char wait_note[256]; /* "waiting until ..." (server_wait) */
        char failure[1024];
        char plugin_err[512];
};

/* connector.c */
void conn_fail(connector *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
/** "GET http://host/path" for logs and errors: without the query and any
 *  user:password@; an http.url with ${provider:...} shown as written. */
void conn_describe(const connector *c, const char *url, char *buf, size_t size);
const char *conn_plugin_reason(connector *c, int rc);
/** sb_put_untrusted() with this connector's known secrets: for every
 *  upstream byte string (body, header, page key) shown in a log or error. */
int conn_put_untrusted(const connector *c,
                       strbuf *out,
                       const char *s,
                       size_t len,
                       size_t max);
/** @p msg cleaned in place by conn_put_untrusted (no cap): a message that
 *  may quote upstream text, before it reaches a log, trace or exit. */
void conn_clean_msg(const connector *c, char *msg, size_t size);
/** Tell the observer (if any) of a response or a failed request. */
void conn_observe(connector *c, int status, size_t records, const char *next);
int conn_set_str(char **dst, const char *src);
const httpsrc_param_desc *comp_params(const plugin_component *comp);

/* connector_poll.c */
/** The offsets cannot be stored: no poll or page request starts. */
int offsets_held(const connector *c);
void poll_send(connector *c);
void poll_done(connector *c);
/** A poll-level error (HTTP, parse, paginator): fail, or log/ignore and
 *  retry the same position at the next poll, per behavior.on.error. */
void poll_error(connector *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
/** The record callback answered HTTPSRC_RETRY: offer the held record
 *  again after the backoff (http.retry.backoff.ms, doubled per refusal). */
void poll_redeliver_later(connector *c);
/** ${offset} and ${<page field>} for this request; a template_expand()
 *  lookup with the connector as @p opaque. */
const char *poll_var(void *opaque, const char *name, size_t len);

/* connector_page.c */
void page_on_response(connector *c, httpsrc_response *resp, const char *what);
/** Request the page after the last one received, if its turn has come. */
void page_request_next(connector *c);
void page_free(page *pg);
const char *offset_field(const connector *c);
int offset_load(connector *c, char *errstr, size_t errstr_size);

#endif
