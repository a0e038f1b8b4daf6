/* metrics module: the counters an on-call engineer needs beyond
 * httpsrc_metrics, and the Prometheus text exposition of /metrics. */
#ifndef HTTPSRC_METRICS_INT_H
#define HTTPSRC_METRICS_INT_H

#include <stdint.h>

#include "util_int.h"

/* Upper bounds (seconds) of the request-duration histogram buckets. */
#define METRICS_N_BUCKETS 12

/* Status classes of http_requests_total: 1xx..5xx, and "error" for a
 * request that got no response (connect, TLS, timeout...). */
enum { STAT_CLASS_ERROR = 0, STAT_N_CLASSES = 6 };

/** One connector's on-call counters; owned by the connector, written and
 *  read on the loop thread only. */
typedef struct conn_stats {
        uint64_t requests[STAT_N_CLASSES];
        uint64_t dur_bucket[METRICS_N_BUCKETS + 1]; /* last: above all */
        uint64_t dur_count;
        uint64_t dur_sum_us;
        uint64_t records_failed;    /* skipped (errors.tolerance) or lost */
        uint64_t outstanding_bytes; /* key + value bytes not yet acked */
        int64_t last_success_ms;    /* wall: last page fully taken in */
        int64_t last_commit_ms;     /* wall: the offset last moved */
        int64_t wait_until_ms; /* wall: end of a server-imposed wait
                                  (Retry-After, rate-limit reset); 0: none */
} conn_stats;

/** Count one request: @p status 0 for no response; @p dur_us < 0 when its
 *  duration is unknown (then it is not observed). */
void stats_request(conn_stats *s, int status, int64_t dur_us);

struct httpsrc_pipeline;
/** Append the whole /metrics exposition of @p p to @p out (loop thread).
 *  Returns 0, or -1 on ENOMEM. */
int metrics_render(struct httpsrc_pipeline *p, strbuf *out);

#endif
