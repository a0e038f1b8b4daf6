/* connect layer: the standalone herder's parts, shared by its files
 * (not an interface: herder_standalone_int.h is):
 * - herder_standalone.c: the herder itself: running operations (jobs,
 *   waiting, the ops table), the answer being written (hq_*), GET /,
 *   /health, /metrics, restore on start, task state reports, life
 * - herder_connectors.c: connectors: bookkeeping, status, lifecycle
 * - herder_validate.c: validation, plugins, ConfigInfos, preview
 * - herder_offsets.c: GET/PATCH/DELETE /connectors/{c}/offsets
 * - herder_loggers.c: /admin/loggers
 * Everything here runs on the runtime's loop thread (herder_standalone.c
 * says how), but a preview.
 */
#ifndef HTTPSRC_HERDER_STANDALONE_IMPL_H
#define HTTPSRC_HERDER_STANDALONE_IMPL_H

#include <stdint.h>

#include "config_store_int.h"
#include "herder_standalone_int.h"
#include "kvlist_int.h"
#include "runtime_ops.h"
#include "status_store_int.h"
#include "util_int.h"

/* A logger of /admin/loggers: its level as set (log4j's name) and when. */
typedef struct log_entry {
        char *name;
        char level[8];
        int64_t modified; /* epoch ms; 0: never set */
} log_entry;

/* What the herder keeps about a connector besides the runtime's state
 * and the stores' (its target state is the config store's). */
typedef struct conn_meta {
        char *name;
        int no_tasks; /* created PAUSED/STOPPED, or stopped: no task yet */
        int reload;   /* stopped since created: offsets may have been
                       * altered, so leaving STOPPED recreates it */
        httpsrc_conf *conf; /* the config last set over REST while the
                             * restart that applies it may be pending;
                             * NULL: rt_task_conf() is the latest */
} conn_meta;

struct job;

typedef struct standalone {
        herder base;
        herder_runtime rt; /* the runtime (the pipeline, or a test's) */
        config_store *store;
        status_store *status; /* observed task states, as the runtime
                               * reports them (rt_set_task_state_cb) */
        char worker_id[300];
        /* loop-thread state */
        conn_meta *meta;
        size_t n_meta;
        int restored;    /* the store was applied: it may be written */
        log_entry *logs; /* [0]: root */
        size_t n_logs;
        struct job **waiting; /* operations that wait for the runtime */
        size_t n_waiting;
} standalone;

/* An operation being answered. */
typedef struct hq hq;
struct hq {
        standalone *r;
        const herder_request *rq;
        kvlist *cfg;        /* the request's config (a copy: may change) */
        const char *arg[1]; /* the connector's name, else the plugin's or
                             * the logger's */
        int final_try; /* waiting is not possible any more */
        int retry;     /* not now: run again at the next tick */
        herder_status status;
        strbuf out; /* the body (JSON, or the metrics text) */
        char *message;
        int oom;
        const char *content_type;
};

/* ---- the answer (herder_standalone.c) ---- */

/** Append to the body; ENOMEM sets q->oom (answered 500). */
void hq_raw(hq *q, const char *s);
void hq_fmt(hq *q, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
/** A JSON string literal, or null. */
void hq_str(hq *q, const char *s);
/** "key": (with a leading comma unless @p first). */
void hq_key(hq *q, const char *key, int first);
/** Answer @p status with the body written. */
void hq_reply(hq *q, herder_status status);
/** Answer @p status, no body. */
void hq_reply_empty(hq *q, herder_status status);
/** An error (REST writes {"error_code": N, "message": "..."}). */
void hq_error(hq *q, herder_status status, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);
/** The same with a message that may be longer than a line. */
void hq_error_text(hq *q, herder_status status, const char *msg);

/* ---- connectors (herder_connectors.c) ---- */

/** Set (or create) @p name's entry; NULL on ENOMEM. */
conn_meta *
sa_meta_set(standalone *r, const char *name, int no_tasks, int reload);
/** The connector's config as written, the latest one set. */
const httpsrc_conf *sa_conf_now(standalone *r, const runtime_task *c);
/** The state shown (STOPPED when asked to stop, whatever it was). */
int sa_shown_state(standalone *r, runtime_task *c);
/** Put back the target of connectors a restart brought back RUNNING. */
void sa_reconcile(standalone *r);
/** The connector named by the route, or NULL with a 404 answered with
 *  @p not_found ("... %s ..."). */
runtime_task *
sa_need_connector(hq *q, const herder_runtime *rt, const char *not_found);
void sa_list(hq *q, const herder_runtime *rt);
void sa_put_config(hq *q, const herder_runtime *rt);
void sa_patch_config(hq *q, const herder_runtime *rt);
void sa_info(hq *q, const herder_runtime *rt);
void sa_get_config(hq *q, const herder_runtime *rt);
void sa_delete(hq *q, const herder_runtime *rt);
void sa_status(hq *q, const herder_runtime *rt);
void sa_tasks(hq *q, const herder_runtime *rt);
void sa_tasks_config(hq *q, const herder_runtime *rt);
void sa_task_status(hq *q, const herder_runtime *rt);
void sa_restart(hq *q, const herder_runtime *rt);
void sa_task_restart(hq *q, const herder_runtime *rt);
void sa_pause(hq *q, const herder_runtime *rt);
void sa_resume(hq *q, const herder_runtime *rt);
void sa_stop(hq *q, const herder_runtime *rt);
void sa_topics(hq *q, const herder_runtime *rt);
void sa_topics_reset(hq *q, const herder_runtime *rt);

/* ---- validation and plugins (herder_validate.c) ---- */

/** "name" in a config must equal the connector's: else 0, 400 answered. */
int sa_name_matches(hq *q, const kvlist *cfg, const char *name);
/** @p cfg checked as a create would (starts nothing): the conf (the
 *  caller's), or NULL with 400 (every problem) or ENOMEM answered. */
httpsrc_conf *
sa_valid_conf(hq *q, const herder_runtime *rt, const kvlist *cfg);
void sa_validate(hq *q, const herder_runtime *rt);
void sa_plugins(hq *q, const herder_runtime *rt);
void sa_plugin_config(hq *q, const herder_runtime *rt);
/** Runs on the caller's thread (op_preview()). */
void sa_preview(hq *q, const herder_runtime *rt);

/* ---- offsets (herder_offsets.c) ---- */

void sa_offsets_get(hq *q, const herder_runtime *rt);
void sa_offsets_alter(hq *q, const herder_runtime *rt);
void sa_offsets_reset(hq *q, const herder_runtime *rt);

/* ---- loggers (herder_loggers.c) ---- */

/** Add logger @p name at @p level (log4j's name): 0, -1 on ENOMEM. */
int sa_log_add(standalone *r, const char *name, const char *level);
void sa_loggers(hq *q, const herder_runtime *rt);
void sa_logger_get(hq *q, const herder_runtime *rt);
void sa_logger_put(hq *q, const herder_runtime *rt);

#endif
