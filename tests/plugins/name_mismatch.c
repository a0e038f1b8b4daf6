/* File httpsrc-name_mismatch.so declares the name "other". */
#include "fake_info.h"

FAKE_ENTRY(sizeof(httpsrc_plugin_info),
           HTTPSRC_PLUGIN_ABI_MAJOR,
           HTTPSRC_PLUGIN_ABI_MINOR,
           "other")
