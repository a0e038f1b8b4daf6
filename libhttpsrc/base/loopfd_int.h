/* loopfd module: one file descriptor that is readable whenever any of a
 * changing set of descriptors is ready (an epoll instance), so that a
 * caller's own event loop can wait for the pipeline with a single fd
 * (httpsrc_pipeline_fd). */
#ifndef HTTPSRC_LOOPFD_INT_H
#define HTTPSRC_LOOPFD_INT_H

#include <poll.h>
#include <stddef.h>

typedef struct loopfd loopfd;

/** NULL with the reason in @p errstr. */
loopfd *loopfd_new(char *errstr, size_t errstr_size);
void loopfd_destroy(loopfd *l); /* NULL-safe */
/** The epoll descriptor: readable while a watched descriptor is ready. */
int loopfd_fd(const loopfd *l);
/** Watch exactly @p fds (POLLIN/POLLOUT in events) from now on: the
 *  descriptors no longer listed are dropped. HTTPSRC_ERR_NOMEM/IO. */
int loopfd_set(loopfd *l, const struct pollfd *fds, size_t n);

#endif
