/* Emit an entry returning a hand-made info struct, for the ABI checks. */
#ifndef FAKE_INFO_H
#define FAKE_INFO_H

#include "httpsrc/plugin.h"

static int fake_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        return HTTPSRC_OK;
}

#define FAKE_ENTRY(size_, major_, minor_, name_)                               \
        HTTPSRC_PLUGIN_EXPORT const httpsrc_plugin_info *HTTPSRC_PLUGIN_ENTRY( \
            void);                                                             \
        HTTPSRC_PLUGIN_EXPORT const httpsrc_plugin_info *HTTPSRC_PLUGIN_ENTRY( \
            void)                                                              \
        {                                                                      \
                static const httpsrc_plugin_info info = {                      \
                    size_, major_, minor_, name_, "0.0", "", fake_init, NULL}; \
                return &info;                                                  \
        }

#endif
