/* conn_stats module: one task's on-call counters beyond httpsrc_metrics
 * (requests by status class, request durations, bytes outstanding...),
 * written by the task and read by the runtime's /metrics (metrics.c). */
#ifndef HTTPSRC_CONN_STATS_INT_H
#define HTTPSRC_CONN_STATS_INT_H

#include <stdint.h>

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

/** Upper bounds (seconds) of the duration buckets, METRICS_N_BUCKETS. */
extern const double conn_stats_bucket_le[];

/** Count one request: @p status 0 for no response; @p dur_us < 0 when its
 *  duration is unknown (then it is not observed). */
void stats_request(conn_stats *s, int status, int64_t dur_us);

#endif
