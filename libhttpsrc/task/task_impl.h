/* The task's private parts, shared by task.c (setup, lifecycle,
 * queries), task_poll.c (starting polls, requests, responses, status
 * policy), task_page.c (records, transforms, delivery, offsets) and
 * task_state.c (the task's state machine, the end of a poll, the
 * target). Calls go one way, poll -> page -> state; each may call
 * task.c's conn_* helpers. */
#ifndef HTTPSRC_TASK_IMPL_H
#define HTTPSRC_TASK_IMPL_H

/* Page keys remembered per poll for cycle detection (memory: about this
 * many keys at once; later pages of a longer poll are not checked). */
#define PAGE_KEYS_MAX 10000

#include "backoff_int.h"
#include "converter_int.h"
#include "cron_int.h"
#include "jsonpath_int.h"
#include "conn_stats_int.h"
#include "record_int.h"
#include "task_int.h"
#include "tls_int.h"
#include "txn_int.h"

/** Delivery report of an exactly-once connector's transactional producer
 *  (task_page.c). */
void eos_delivered(void *opaque, void *msg, int err, const char *why);
/** transaction.boundary=interval: when the open transaction is to be
 *  committed (INT64_MAX: none open, or not this boundary). */
int64_t eos_commit_at(const struct task *c);
/** Commit the open transaction if it holds whole pages only and (unless
 *  @p force) its interval passed; a failure fails the connector. */
void eos_commit_if_due(struct task *c, int64_t now, int force);

/* How the offset of a connector is kept (http.offset.mode). */
enum offset_kind {
        OFFS_PAGE,  /* NONE, CURSOR, CURSOR_PAGINATION: page key + position */
        OFFS_MAX,   /* TIMESTAMP, ID: largest field value acknowledged */
        OFFS_LAST,  /* CHAINING: field value of the last acknowledged */
        OFFS_COUNT, /* SIMPLE_INCREMENTING: records acknowledged so far */
};

enum on_error { ON_ERROR_FAIL, ON_ERROR_LOG, ON_ERROR_IGNORE };

/*
 * The running task's state: one machine, written only by task_set_state()
 * (task_state.c), which asserts the transitions. It is neither the
 * connector's target (target_state, the operator's wish) nor its observed
 * status (httpsrc_state, task_status()), as in Connect.
 *
 *   IDLE --tick--> POLLING <--> WAIT <--> AUTH <--> FLIGHT   (one poll)
 *    ^                |  (a response puts FLIGHT/AUTH back to POLLING)
 *    +----------------+  poll done, poll error, halted (target not STARTED)
 *   any --task_stop()--> STOPPED --conn_fail()--> FAILED (both final;
 *   FAILED also from any state)
 */
enum task_state {
        TASK_IDLE,    /* between polls */
        TASK_POLLING, /* in a poll, no request out: pages being handed
                         over, or the next page's request waits for room */
        TASK_WAIT,    /* in a poll, a request waits for send_at (retry,
                         throttle, rate limit) */
        TASK_AUTH,    /* the auth provider's own request is in flight */
        TASK_FLIGHT,  /* the page request is in flight */
        TASK_STOPPED, /* stopped: no request any more; acks still count */
        TASK_FAILED,  /* failed (c->failure says why) */
        TASK_STATE_COUNT
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
        task *conn;
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

struct task {
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
        enum task_state state; /* task_set_state() only */
        int attempt, auth_retried, auth_rounds;
        int caught_up;
        target_state target;
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
        /* the last page's records and their members: the next page's
         * arrays start at that size instead of growing by copies */
        size_t last_records, last_members;
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

/* task.c */
void conn_fail(task *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
/** "GET http://host/path" for logs and errors: without the query and any
 *  user:password@; an http.url with ${provider:...} shown as written. */
void conn_describe(const task *c, const char *url, char *buf, size_t size);
const char *conn_plugin_reason(task *c, int rc);
/** sb_put_untrusted() with this connector's known secrets: for every
 *  upstream byte string (body, header, page key) shown in a log or error. */
int conn_put_untrusted(
    const task *c, strbuf *out, const char *s, size_t len, size_t max);
/** @p msg cleaned in place by conn_put_untrusted (no cap): a message that
 *  may quote upstream text, before it reaches a log, trace or exit. */
void conn_clean_msg(const task *c, char *msg, size_t size);
/** Tell the observer (if any) of a response or a failed request. */
void conn_observe(task *c, int status, size_t records, const char *next);
int conn_set_str(char **dst, const char *src);

/* task_state.c */
/** The only way to change c->state: asserts that @p to may follow the
 *  current state and traces the change at DEBUG with the caller (@p by). */
void task_set_state_by(task *c, enum task_state to, const char *by);
#define task_set_state(c, to) task_set_state_by((c), (to), __func__)
const char *task_state_name(enum task_state s);
/** In a poll: from its start (tick) to its end (done, error, halted). */
static inline int task_in_poll(const task *c)
{
        return c->state >= TASK_POLLING && c->state <= TASK_FLIGHT;
}
/** Stopped or failed: no request ever again. */
static inline int task_ended(const task *c)
{
        return c->state >= TASK_STOPPED;
}
static inline int task_failed(const task *c)
{
        return c->state == TASK_FAILED;
}
/** The offsets cannot be stored: no poll or page request starts. */
int task_offsets_held(const task *c);
/** The next wakeup may have come earlier: the pipeline reschedules. */
void task_wake(task *c);
/** The last page of the poll is handed over: IDLE, next poll scheduled. */
void task_poll_done(task *c);
/** A poll-level error (HTTP, parse, paginator): fail, or log/ignore and
 *  retry the same position at the next poll, per behavior.on.error. */
void task_poll_error(task *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
/** The target is not STARTED: end the poll here (IDLE); the read position
 *  says where the next one starts. Returns 1 if so. */
int task_halted(task *c);
/** The record callback answered HTTPSRC_RETRY: offer the held record
 *  again after the backoff (http.retry.backoff.ms, doubled per refusal). */
void task_redeliver_later(task *c);

/* task_poll.c */
/** ${offset} and ${<page field>} for this request; a template_expand()
 *  lookup with the connector as @p opaque. */
const char *poll_var(void *opaque, const char *name, size_t len);

/* task_page.c */
/** Take a response in as a page queued for hand-over: 0, or -1 when it
 *  was refused (the poll error or failure is already recorded). The
 *  caller requests the next page and drains (task_poll.c). */
int page_take(task *c, httpsrc_response *resp, const char *what);
/** Hand queued pages over until one is done (1: the caller may request
 *  the next page and call again) or until the producer queue is full, the
 *  queue is empty or the task failed (0). */
int page_drain_step(task *c);
/** The page after the last one received may be requested now. */
int page_next_due(const task *c);
void page_free(page *pg);
const char *offset_field(const task *c);
int offset_load(task *c, char *errstr, size_t errstr_size);

#endif
