/* Claims ABI major 0 while exporting the v1 entry. */
#include "fake_info.h"

FAKE_ENTRY(sizeof(httpsrc_plugin_info), 0, 0, "old_major")
