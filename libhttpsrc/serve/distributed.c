/* distributed: httpsrc-connect --distributed, a worker of a Kafka Connect
 * cluster (issue 14). The group membership, the Kafka-topic config and
 * status stores and the distributed herder plug in here. */
#include "httpsrc/httpsrc.h"

#include "listener_int.h"
#include "log_int.h"
#include "pipeline_int.h"
#include "rest_int.h"
#include "util_int.h"

int httpsrc_pipeline_serve_distributed(httpsrc_pipeline *p,
                                       char *errstr,
                                       size_t errstr_size)
{
        char url[512];
        if (listener_advertised_url(pipeline_worker(p), url, sizeof(url))) {
                errstr_set(errstr, errstr_size,
                           "rest.advertised.host.name: too long");
                return HTTPSRC_ERR_INVAL;
        }
        log_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, NULL,
                "distributed mode: advertised REST URL %s", url);
        errstr_set(errstr, errstr_size,
                   "distributed mode: the group membership client is not in "
                   "this build yet (issue 14); run standalone");
        return HTTPSRC_ERR_STATE;
}
