/* preview module: a connector run against its API without Kafka and
 * without storing offsets (httpsrc-connect --preview, REST
 * PUT /connector-plugins/{class}/config/preview). */
#ifndef HTTPSRC_PREVIEW_INT_H
#define HTTPSRC_PREVIEW_INT_H

#include "pipeline_int.h"

/**
 * Preview @p conf (copied) for up to @p max_pages pages (0: 1): the report
 * is appended to @p out, as text (@p json 0) or as one JSON object. @p
 * local: the conf is the operator's own (command line), else from REST.
 * Safe from any thread (it reads only what is fixed once @p p exists).
 * @returns HTTPSRC_OK if records were found, HTTPSRC_ERR_NOENT if not
 *          (the report says why), HTTPSRC_ERR_NOMEM
 */
int preview_run(httpsrc_pipeline *p,
                int local,
                const httpsrc_conf *conf,
                size_t max_pages,
                int json,
                strbuf *out);

#endif
