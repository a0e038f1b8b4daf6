/* A shared object that is not a plugin at all. */
#include "httpsrc/plugin.h"

HTTPSRC_PLUGIN_EXPORT int fake_not_a_plugin(void);

HTTPSRC_PLUGIN_EXPORT int fake_not_a_plugin(void)
{
        return 42;
}
