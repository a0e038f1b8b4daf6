/* rest_guard module: a deadline for every REST request (rest_guard_int.h). */
#include "rest_guard_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "util_int.h"

typedef struct tracked {
        struct tracked *next, *prev;
        struct rest_guard *g;
        int fd;
        int64_t since; /* mono ms: opened, or its last request answered */
        int answering;
        int cut; /* shut down already */
} tracked;

struct rest_guard {
        pthread_mutex_t lock;
        pthread_cond_t wake;
        pthread_t thread;
        int stop;
        int64_t timeout_ms;
        tracked *head;
};

static void cut_late(rest_guard *g, int64_t now)
{
        for (tracked *t = g->head; t; t = t->next) {
                if (t->answering || t->cut || now - t->since < g->timeout_ms)
                        continue;
                /* The connection's thread sees EOF and MHD closes it; the
                 * fd stays valid until the CLOSED notification, which
                 * takes the lock first. */
                shutdown(t->fd, SHUT_RDWR);
                t->cut = 1;
        }
}

static void *guard_main(void *arg)
{
        rest_guard *g = arg;
        pthread_mutex_lock(&g->lock);
        while (!g->stop) {
                cut_late(g, mono_ms());
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 500 * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&g->wake, &g->lock, &ts);
        }
        pthread_mutex_unlock(&g->lock);
        return NULL;
}

rest_guard *rest_guard_new(int64_t request_timeout_ms)
{
        rest_guard *g = calloc(1, sizeof(*g));
        if (!g)
                return NULL;
        g->timeout_ms = request_timeout_ms;
        pthread_mutex_init(&g->lock, NULL);
        pthread_cond_init(&g->wake, NULL);
        if (pthread_create(&g->thread, NULL, guard_main, g)) {
                pthread_cond_destroy(&g->wake);
                pthread_mutex_destroy(&g->lock);
                free(g);
                return NULL;
        }
        return g;
}

void rest_guard_destroy(rest_guard *g)
{
        if (!g)
                return;
        pthread_mutex_lock(&g->lock);
        g->stop = 1;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->thread, NULL);
        while (g->head) { /* none once the daemons are stopped */
                tracked *t = g->head;
                g->head    = t->next;
                free(t);
        }
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        free(g);
}

void rest_guard_notify(void *cls,
                       struct MHD_Connection *conn,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode toe)
{
        rest_guard *g = cls;
        tracked *t    = *socket_context;
        if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
                const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
                    conn, MHD_CONNECTION_INFO_CONNECTION_FD);
                t = ci ? calloc(1, sizeof(*t)) : NULL;
                if (!t)
                        return; /* untracked: the idle timeout still holds */
                t->g     = g;
                t->fd    = ci->connect_fd;
                t->since = mono_ms();
                pthread_mutex_lock(&g->lock);
                t->next = g->head;
                if (g->head)
                        g->head->prev = t;
                g->head = t;
                pthread_mutex_unlock(&g->lock);
                *socket_context = t;
                return;
        }
        if (!t)
                return;
        pthread_mutex_lock(&g->lock);
        if (t->prev)
                t->prev->next = t->next;
        else
                g->head = t->next;
        if (t->next)
                t->next->prev = t->prev;
        pthread_mutex_unlock(&g->lock);
        free(t);
        *socket_context = NULL;
}

void rest_guard_answering(struct MHD_Connection *conn, int on)
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        tracked *t = ci ? ci->socket_context : NULL;
        if (!t)
                return;
        pthread_mutex_lock(&t->g->lock);
        t->answering = on;
        t->since     = mono_ms();
        pthread_mutex_unlock(&t->g->lock);
}
