/* State the "good" fake plugin shares with test_loader.c. */
#ifndef FAKE_GOOD_H
#define FAKE_GOOD_H

#include "httpsrc/plugin.h"

struct fake_good_ctx {
        const struct httpsrc_host_api *host;
        httpsrc_registrar *reg; /* kept to prove it is dead after init */
};

/* Extra members after the paginator vtable, as a plugin built against a
 * newer vtable would have: the host must not copy them. */
struct fake_good_paginator {
        httpsrc_paginator_ops ops;
        void (*future[2])(void);
};

#endif
