/* serve: the composition above the runtime (Connect's AbstractConnectCli):
 * httpsrc_pipeline_serve_rest() binds the REST listeners, builds the
 * standalone herder with the worker id they make, serves REST on it and
 * attaches both to the pipeline, which destroys them first (REST, then
 * the herder). The runtime knows neither; REST knows only the herder.
 * httpsrc_pipeline_serve_distributed() composes the same way with the
 * distributed herder in front of a standalone one, which keeps what is
 * the worker's own (plugins, loggers, validate, GET /). */
#include "httpsrc/httpsrc.h"

#include <stdlib.h>

#include "herder_distributed_int.h"
#include "herder_standalone_int.h"
#include "pipeline_int.h"
#include "pipeline_runtime_int.h"
#include "rest_int.h"
#include "util_int.h"

typedef struct served {
        rest_server *rest;
        herder *h;
} served;

static void served_fini(void *opaque)
{
        served *s = opaque;
        rest_destroy(s->rest); /* no request asks the herder after this */
        herder_destroy(s->h);
        free(s);
}

int httpsrc_pipeline_bind_rest(httpsrc_pipeline *p,
                               char *errstr,
                               size_t errstr_size)
{
        if (pipeline_attached(p, served_fini)) {
                errstr_set(errstr, errstr_size, "REST API already bound");
                return HTTPSRC_ERR_STATE;
        }
        served *s = calloc(1, sizeof(*s));
        if (!s) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        rest_env env = {pipeline_worker(p), pipeline_secrets(p),
                        pipeline_logger(p), 0};
        s->rest      = rest_new(&env, errstr, errstr_size);
        if (!s->rest) {
                served_fini(s);
                return HTTPSRC_ERR_INVAL;
        }
        if (pipeline_attach(p, served_fini, s)) {
                served_fini(s);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        return HTTPSRC_OK;
}

int httpsrc_pipeline_serve_rest(httpsrc_pipeline *p,
                                char *errstr,
                                size_t errstr_size)
{
        served *s = pipeline_attached(p, served_fini);
        if (s && s->h) {
                errstr_set(errstr, errstr_size, "REST API already served");
                return HTTPSRC_ERR_STATE;
        }
        int rc = s ? HTTPSRC_OK
                   : httpsrc_pipeline_bind_rest(p, errstr, errstr_size);
        if (rc)
                return rc;
        s                 = pipeline_attached(p, served_fini);
        herder_runtime rt = pipeline_runtime(p);
        s->h = herder_standalone_new(&rt, rest_worker_id(s->rest), errstr,
                                     errstr_size);
        /* A failure leaves the listeners bound (freed with the pipeline);
         * the caller gives up on the pipeline anyway. */
        return s->h ? rest_start(s->rest, s->h, errstr, errstr_size)
                    : HTTPSRC_ERR_INVAL;
}

int httpsrc_pipeline_serve_distributed(httpsrc_pipeline *p,
                                       char *errstr,
                                       size_t errstr_size)
{
        if (pipeline_attached(p, served_fini) || pipeline_count(p)) {
                errstr_set(errstr, errstr_size,
                           "distributed mode: REST already served, or "
                           "connectors were added (they come from "
                           "config.storage.topic)");
                return HTTPSRC_ERR_STATE;
        }
        int rc = httpsrc_pipeline_bind_rest(p, errstr, errstr_size);
        if (rc)
                return rc;
        served *s         = pipeline_attached(p, served_fini);
        herder_runtime rt = pipeline_runtime(p);
        herder *local     = herder_standalone_new(&rt, rest_worker_id(s->rest),
                                                  errstr, errstr_size);
        if (local)
                s->h = herder_distributed_new(p, local, errstr, errstr_size);
        /* A failure leaves the listeners bound (freed with the pipeline). */
        return s->h ? rest_start(s->rest, s->h, errstr, errstr_size)
                    : HTTPSRC_ERR_INVAL;
}
