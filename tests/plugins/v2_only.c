/* A plugin built for a future ABI major: only the _v2 entry exists. */
#include "httpsrc/plugin.h"

HTTPSRC_PLUGIN_EXPORT const httpsrc_plugin_info *httpsrc_plugin_entry_v2(void);

HTTPSRC_PLUGIN_EXPORT const httpsrc_plugin_info *httpsrc_plugin_entry_v2(void)
{
        static const httpsrc_plugin_info info = {sizeof(httpsrc_plugin_info),
                                                 2,
                                                 0,
                                                 "v2_only",
                                                 "2.0",
                                                 "",
                                                 NULL,
                                                 NULL};
        return &info;
}
