/* rest_guard module: a deadline for every REST request. libmicrohttpd's
 * MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout, reset by each byte:
 * a client sending one byte every few seconds (slowloris) holds its
 * connection for ever. The guard tracks each connection of the daemons
 * (MHD_OPTION_NOTIFY_CONNECTION) and shuts down the socket of one that
 * has not completed a request within the deadline since it was opened or
 * since its previous request was answered; one whose request is being
 * answered is left alone. A thread of its own checks twice a second.
 *
 * Threads: rest_guard_notify runs on MHD's connection threads,
 * rest_guard_answering on the access handler's; both take the guard's
 * lock. The guard must outlive the daemons (destroy it after
 * MHD_stop_daemon). */
#ifndef HTTPSRC_REST_GUARD_INT_H
#define HTTPSRC_REST_GUARD_INT_H

#include <microhttpd.h>
#include <stdint.h>

typedef struct rest_guard rest_guard;

/** A guard with a deadline of @p request_timeout_ms; NULL on ENOMEM or if
 *  its thread cannot start. */
rest_guard *rest_guard_new(int64_t request_timeout_ms);
void rest_guard_destroy(rest_guard *g); /* NULL-safe; joins its thread */

/** MHD_NotifyConnectionCallback: pass with the guard as its cls. */
void rest_guard_notify(void *cls,
                       struct MHD_Connection *conn,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);

/** The request on @p conn is complete and being answered (@p on = 1), or
 *  answered: its connection's deadline starts again (@p on = 0). */
void rest_guard_answering(struct MHD_Connection *conn, int on);

#endif
