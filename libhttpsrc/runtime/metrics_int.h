/* metrics module: the Prometheus text exposition of /metrics, from the
 * pipeline, its tasks' counters (conn_stats_int.h) and the process. */
#ifndef HTTPSRC_METRICS_INT_H
#define HTTPSRC_METRICS_INT_H

#include <stdint.h>

#include "conn_stats_int.h"
#include "util_int.h"

struct httpsrc_pipeline;
/** Append the whole /metrics exposition of @p p to @p out (loop thread).
 *  Returns 0, or -1 on ENOMEM. */
int metrics_render(struct httpsrc_pipeline *p, strbuf *out);

#endif
