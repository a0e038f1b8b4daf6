/* init refuses to start with an errstr. */
#include <stdio.h>

#include "httpsrc/plugin.h"

static int init(const struct httpsrc_host_api *host,
                httpsrc_registrar *reg,
                void **plugin_ctx,
                char *errstr,
                size_t errstr_size)
{
        snprintf(errstr, errstr_size, "missing license file");
        return HTTPSRC_ERR_PLUGIN_INIT;
}

HTTPSRC_PLUGIN_DEFINE("init_fails", "0.0", "", init, NULL)
