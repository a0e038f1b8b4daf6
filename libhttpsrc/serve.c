/* serve: the composition above the runtime. httpsrc_pipeline_serve_rest()
 * builds the REST server over a pipeline and attaches it, so that the
 * pipeline destroys it first; the runtime itself knows nothing of REST
 * (Connect composes the same way in AbstractConnectCli). */
#include "httpsrc/httpsrc.h"

#include "pipeline_int.h"
#include "rest_int.h"
#include "util_int.h"

static void rest_fini(void *opaque)
{
        rest_destroy(opaque);
}

int httpsrc_pipeline_serve_rest(httpsrc_pipeline *p,
                                char *errstr,
                                size_t errstr_size)
{
        if (pipeline_attached(p, rest_fini)) {
                errstr_set(errstr, errstr_size, "REST API already served");
                return HTTPSRC_ERR_STATE;
        }
        rest_server *r = rest_new(p, errstr, errstr_size);
        if (!r)
                return HTTPSRC_ERR_INVAL;
        if (pipeline_attach(p, rest_fini, r)) {
                rest_destroy(r);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        return HTTPSRC_OK;
}
