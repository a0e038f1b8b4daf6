/* One Connect group member built on the group module, for the real-Kafka
 * tests: joins, prints every event as one line on stdout, leaves on
 * SIGTERM (exit 0).
 *
 *   group_member WORKER.properties URL N_CONNECTORS TASKS OFFSET
 *
 * As leader it assigns connectors c00..c<N-1> with TASKS tasks each at
 * config offset OFFSET (what a herder would read from the config topic).
 * Lines:
 *   ASSIGNED gen=G leader=ID leader_url=URL offset=O error=E me=ID
 *            connectors=a,b tasks=a-0,b-1
 *   REVOKED connectors=N tasks=M
 *   ERROR fatal=F msg */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "group_int.h"

static volatile sig_atomic_t stop;

typedef struct app {
        int n_connectors, n_tasks;
        int64_t offset;
        _Atomic(wgroup *) g; /* callbacks may run before wgroup_new returns */
} app;

static int64_t on_offset(void *op)
{
        return ((app *)op)->offset;
}

static int on_work(void *op, const wgroup_member *m, size_t n, wgroup_work *w)
{
        app *a = op;
        printf("LEADER members=%zu:", n);
        for (size_t i = 0; i < n; i++)
                printf(" %s@%s/%lld", m[i].member_id, m[i].url,
                       (long long)m[i].config_offset);
        printf("\n");
        fflush(stdout);
        wgroup_work_set_offset(w, a->offset);
        for (int i = 0; i < a->n_connectors; i++) {
                char name[16];
                snprintf(name, sizeof(name), "c%02d", i);
                if (wgroup_work_add(w, name, a->n_tasks))
                        return -1;
        }
        return 0;
}

static void on_revoked(void *op, const wgroup_assignment *prev)
{
        (void)op;
        printf("REVOKED connectors=%zu tasks=%zu\n", prev->n_connectors,
               prev->n_tasks);
        fflush(stdout);
}

static void on_assigned(void *op, const wgroup_assignment *a, int32_t gen)
{
        app *ap = op;
        char me[256] = "?";
        wgroup *g    = ap->g;
        if (g)
                wgroup_member_id(g, me, sizeof(me));
        printf("ASSIGNED gen=%d leader=%s leader_url=%s offset=%lld error=%d "
               "me=%s connectors=",
               gen, a->leader, a->leader_url, (long long)a->config_offset,
               a->error, me);
        for (size_t i = 0; i < a->n_connectors; i++)
                printf("%s%s", i ? "," : "", a->connectors[i]);
        printf(" tasks=");
        for (size_t i = 0; i < a->n_tasks; i++)
                printf("%s%s-%d", i ? "," : "", a->tasks[i].connector,
                       a->tasks[i].task);
        printf("\n");
        fflush(stdout);
}

static void on_error(void *op, const char *msg, int fatal)
{
        (void)op;
        printf("ERROR fatal=%d %s\n", fatal, msg);
        fflush(stdout);
}

static void on_signal(int sig)
{
        (void)sig;
        stop = 1;
}

int main(int argc, char **argv)
{
        if (argc != 6) {
                fprintf(stderr, "usage: group_member WORKER.properties URL "
                                "N_CONNECTORS TASKS OFFSET\n");
                return 2;
        }
        char err[512] = "";
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        if (httpsrc_conf_load_file(c, argv[1], err, sizeof(err))) {
                fprintf(stderr, "%s\n", err);
                httpsrc_conf_destroy(c);
                return 2;
        }
        app a = {atoi(argv[3]), atoi(argv[4]), atoll(argv[5]), NULL};
        static const wgroup_callbacks cbs = {on_offset, on_work, on_revoked,
                                             on_assigned, on_error};
        static logger lg = {NULL, NULL, HTTPSRC_LOG_INFO, 0, NULL, 0};
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        a.g = wgroup_new(c, argv[2], &cbs, &a, &lg, err, sizeof(err));
        if (!a.g) {
                printf("START_ERROR %s\n", err);
                httpsrc_conf_destroy(c);
                return 1;
        }
        while (!stop)
                pause();
        wgroup_destroy(a.g);
        printf("LEFT\n");
        httpsrc_conf_destroy(c);
        return 0;
}
