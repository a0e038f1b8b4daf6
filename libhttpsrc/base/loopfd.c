/* loopfd module: see loopfd_int.h. */
#include "loopfd_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "httpsrc/common.h"
#include "util_int.h"

struct loopfd {
        int ep;
        struct pollfd *watched; /* what the epoll set holds now */
        size_t n, cap;
};

loopfd *loopfd_new(char *errstr, size_t errstr_size)
{
        loopfd *l = calloc(1, sizeof(*l));
        if (!l) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        l->ep = epoll_create1(EPOLL_CLOEXEC);
        if (l->ep < 0) {
                errstr_set(errstr, errstr_size, "epoll_create1: %s",
                           strerror(errno));
                free(l);
                return NULL;
        }
        return l;
}

void loopfd_destroy(loopfd *l)
{
        if (!l)
                return;
        close(l->ep);
        free(l->watched);
        free(l);
}

int loopfd_fd(const loopfd *l)
{
        return l->ep;
}

static const struct pollfd *
find_fd(const struct pollfd *fds, size_t n, int fd)
{
        for (size_t i = 0; i < n; i++)
                if (fds[i].fd == fd)
                        return &fds[i];
        return NULL;
}

static uint32_t ep_events(short events)
{
        return ((events & POLLIN) ? EPOLLIN : 0) |
               ((events & POLLOUT) ? EPOLLOUT : 0);
}

/* The sets are a handful of descriptors (the wake pipe, the producer,
 * the open HTTP connections): linear searches cost less than a map. */
int loopfd_set(loopfd *l, const struct pollfd *fds, size_t n)
{
        for (size_t i = 0; i < l->n; i++)
                if (!find_fd(fds, n, l->watched[i].fd))
                        /* A descriptor closed since is gone already. */
                        epoll_ctl(l->ep, EPOLL_CTL_DEL, l->watched[i].fd, NULL);
        if (n > l->cap) {
                struct pollfd *w = realloc(l->watched, n * sizeof(*w));
                if (!w)
                        return HTTPSRC_ERR_NOMEM;
                l->watched = w;
                l->cap     = n;
        }
        int rc = HTTPSRC_OK;
        for (size_t i = 0; i < n; i++) {
                /* Added every time: a descriptor closed and reopened
                 * under the same number since left the set silently. */
                struct epoll_event ev = {.events  = ep_events(fds[i].events),
                                         .data.fd = fds[i].fd};
                if (!epoll_ctl(l->ep, EPOLL_CTL_ADD, fds[i].fd, &ev))
                        continue;
                if (errno != EEXIST ||
                    epoll_ctl(l->ep, EPOLL_CTL_MOD, fds[i].fd, &ev))
                        rc = HTTPSRC_ERR_IO;
        }
        memcpy(l->watched, fds, n * sizeof(*fds));
        l->n = n;
        return rc;
}
