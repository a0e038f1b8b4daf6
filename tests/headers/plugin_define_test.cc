/* A minimal plugin written with HTTPSRC_PLUGIN_DEFINE, built as C and as
 * C++ (plugin_define_test.cc): the macro must compile warning-free in both,
 * and the entry must return what the macro was given. */
#include <string.h>

#include "httpsrc/plugin.h"

static int test_init(const struct httpsrc_host_api *host,
                     httpsrc_registrar *reg,
                     void **plugin_ctx,
                     char *errstr,
                     size_t errstr_size)
{
        (void)host;
        (void)reg;
        (void)plugin_ctx;
        (void)errstr;
        (void)errstr_size;
        return HTTPSRC_OK;
}

static void test_fini(void *plugin_ctx)
{
        (void)plugin_ctx;
}

HTTPSRC_PLUGIN_DEFINE(
    "define_test", "9.8.7", "macro test", test_init, test_fini)

int main(void)
{
        const httpsrc_plugin_info *info = HTTPSRC_PLUGIN_ENTRY();
        httpsrc_auth_ops ops;

        memset(&ops, 0, sizeof(ops));
        ops.struct_size = (uint32_t)sizeof(ops);
        if (HTTPSRC_OPS_HAS(&ops, apply)) /* NULL member: absent */
                return 1;
        if (info->struct_size != sizeof(httpsrc_plugin_info) ||
            info->abi_major != HTTPSRC_PLUGIN_ABI_MAJOR ||
            info->abi_minor != HTTPSRC_PLUGIN_ABI_MINOR)
                return 2;
        if (strcmp(info->name, "define_test") ||
            strcmp(info->version, "9.8.7") ||
            strcmp(info->description, "macro test"))
                return 3;
        if (info->init != test_init || info->fini != test_fini)
                return 4;
        return 0;
}
