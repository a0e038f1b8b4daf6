/* service: sd_notify when httpsrc-connect is built with libsystemd (the
 * optional meson dependency); compiled out otherwise, where a Type=notify
 * unit would wait for READY=1 in vain: use Type=exec there. */
#include "service.h"

#ifdef HTTPSRC_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

void service_notify(const char *state)
{
        sd_notify(0, state);
}
#else
void service_notify(const char *state)
{
        (void)state;
}
#endif
