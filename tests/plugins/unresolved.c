/* Needs a symbol nobody defines: RTLD_NOW must refuse it at load time. */
#include "httpsrc/plugin.h"

void httpsrc_fake_missing_symbol(void);

static int init(const struct httpsrc_host_api *host,
                httpsrc_registrar *reg,
                void **plugin_ctx,
                char *errstr,
                size_t errstr_size)
{
        httpsrc_fake_missing_symbol();
        return HTTPSRC_OK;
}

HTTPSRC_PLUGIN_DEFINE("unresolved", "0.0", "", init, NULL)
