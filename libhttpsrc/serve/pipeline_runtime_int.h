/* serve layer: the pipeline as the standalone herder's runtime
 * (connect/runtime_ops.h): each member one pipeline_* or connector_*
 * call, a runtime_task being the pipeline's connector. */
#ifndef HTTPSRC_PIPELINE_RUNTIME_INT_H
#define HTTPSRC_PIPELINE_RUNTIME_INT_H

#include "pipeline_int.h"
#include "runtime_ops.h"

/** The runtime of @p p (borrowed by the result: it is valid while @p p
 *  is). Caller's thread, before the pipeline runs. */
herder_runtime pipeline_runtime(httpsrc_pipeline *p);

#endif
