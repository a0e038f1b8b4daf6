/* Built against a newer ABI minor than the host's. */
#include "fake_info.h"

FAKE_ENTRY(sizeof(httpsrc_plugin_info),
           HTTPSRC_PLUGIN_ABI_MAJOR,
           HTTPSRC_PLUGIN_ABI_MINOR + 1,
           "newer_minor")
