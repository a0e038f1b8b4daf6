/* Declares an info struct of 8 bytes: only struct_size and the ABI. */
#include "fake_info.h"

FAKE_ENTRY(8,
           HTTPSRC_PLUGIN_ABI_MAJOR,
           HTTPSRC_PLUGIN_ABI_MINOR,
           "short_struct")
