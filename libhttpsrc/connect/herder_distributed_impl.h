/* connect layer: the distributed herder's own types and the functions its
 * two files share (herder_distributed.c: the herder thread, the group
 * callbacks, assignments; herder_distributed_ops.c: the REST operations
 * the herder thread runs). Not for other modules. */
#ifndef HTTPSRC_HERDER_DISTRIBUTED_IMPL_H
#define HTTPSRC_HERDER_DISTRIBUTED_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "config_store_int.h"
#include "group_int.h"
#include "herder.h"
#include "pipeline_int.h"
#include "status_store_int.h"

#define TICK_MS 200
#define PUBLISH_TIMEOUT_MS 3000
/* A write that needs the leader, received during a rebalance, waits for
 * its end (Java's herder thread is inside the rebalance meanwhile and
 * takes requests after it) rather than answering 409 at once: this long
 * at most, then the 409 as before. */
#define HOLD_MS 20000
/* Config changes that need a rebalance and come close together share one:
 * the queue is drained first (Java's tick: every pending request, then
 * one rejoin), for this long at most. */
#define COALESCE_MS 500

/* One REST operation waiting for the herder thread (its own copies). */
typedef struct job {
        struct job *next;
        herder_op op;
        char *connector;
        int task;
        unsigned flags;
        herder_target target;
        kvlist config;
        char *text;
        size_t text_len;
        herder_cb cb;
        void *opaque;
        int64_t queued_ms; /* mono_ms() when submitted */
} job;

/* A task of this worker on the pipeline, and the status last written. */
typedef struct running {
        char *name;
        int state;
        int started; /* 0: waits for the pipeline (old copy being deleted) */
} running;

typedef struct dist_herder {
        herder base; /* first: herder_submit's view */
        httpsrc_pipeline *p;
        herder *local; /* worker-local operations (plugins, loggers...) */
        const logger *lg;
        const httpsrc_conf *worker;
        char url[512], worker_id[320];
        int64_t sync_timeout_ms;
        int64_t shutdown_ms; /* task.shutdown.graceful.timeout.ms */

        pthread_t thread;
        int thread_started;
        pthread_mutex_t mu;
        pthread_cond_t cv;
        /* under mu */
        job *head, **tail;
        int stopping;
        int64_t cfg_offset;         /* the snapshot's (group metadata) */
        char **snap_names;          /* the snapshot for leader_work */
        int32_t *snap_tasks;
        size_t snap_n;
        wgroup_assignment pending;  /* from the last assigned callback */
        int32_t pending_gen;
        int have_pending;
        int rebalancing; /* revoked, not assigned again yet */
        unsigned revokes;         /* revoked callbacks so far */
        unsigned pending_revokes; /* ... when the pending one came */

        /* herder thread only */
        config_store *cfg;
        status_store *st;
        wgroup *g;
        wgroup_assignment cur;
        int32_t gen;
        /* The newest config offset of a change that needs a rebalance
         * (a connector added or removed, task configs committed), -1 for
         * none: the rejoin is asked for once, and not at all when the
         * assignment already covers that offset (another worker's
         * rejoin placed it). */
        int64_t rejoin_offset;
        int rejoin_asked;   /* since the last assignment */
        int64_t rejoin_since; /* mono_ms() of the first change waiting */
        job *held;          /* leader writes waiting for the rebalance */
        char **publish; /* connectors whose task configs are to be sent */
        size_t n_publish;

        /* run_mu: the tasks on the pipeline (herder and group threads) */
        pthread_mutex_t run_mu;
        running *run;
        size_t n_run;
        int offsets_stale; /* read the offsets topic before the next start */
} dist_herder;
/* Shared by the two files (herder thread only). */
herder_result *dh_body_of(strbuf *sb, herder_status st);
herder_result *dh_need_leader(dist_herder *d);
void dh_publish_snapshot(dist_herder *d);
void dh_add_publish(dist_herder *d, const char *name);
int dh_runs_task(dist_herder *d, const char *name);
int dh_owns_connector(dist_herder *d, const char *name);
herder_result *dh_forward_to(const char *url);
int dh_props_equal(const kvlist *a, const kvlist *b);
herder_result *dh_run_job(dist_herder *d, job *j);
/* A put's config (or a patch over @p base), validated as the standalone
 * herder does: NULL with the 400 answer in *@p res. */
httpsrc_conf *dh_valid_conf(dist_herder *d,
                            const char *name,
                            const config_entry *base,
                            const kvlist *cfg,
                            herder_result **res);

#endif
