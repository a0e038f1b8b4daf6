/* service: what httpsrc-connect does for a service manager (systemd). */
#ifndef HTTPSRC_SERVICE_H
#define HTTPSRC_SERVICE_H

/** Tell systemd (Type=notify) the state in @p state, e.g. "READY=1";
 *  a no-op without $NOTIFY_SOCKET or when built without libsystemd. */
void service_notify(const char *state);

#endif
