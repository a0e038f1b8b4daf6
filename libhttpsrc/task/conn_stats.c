/* conn_stats: counting one task's requests for /metrics. */
#include "conn_stats_int.h"

#include <stddef.h>

const double conn_stats_bucket_le[METRICS_N_BUCKETS] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

void stats_request(conn_stats *s, int status, int64_t dur_us)
{
        int cls = status >= 100 && status < 600 ? status / 100 : 0;
        s->requests[cls]++;
        if (dur_us < 0)
                return;
        size_t b = 0;
        while (b < METRICS_N_BUCKETS &&
               (double)dur_us > conn_stats_bucket_le[b] * 1e6)
                b++;
        s->dur_bucket[b]++;
        s->dur_count++;
        s->dur_sum_us += (uint64_t)dur_us;
}
