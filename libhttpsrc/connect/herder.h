/* connect layer: the Herder, Kafka Connect's interface between the REST
 * resources and the runtime (Herder.java). Every action REST can take on
 * the worker or the cluster goes through it, and REST calls nothing else:
 * it parses a request, calls one herder function, waits for the answer
 * (herder_call, with a timeout) and forwards or serializes it.
 *
 * One interface, several implementations behind an ops table (as curl's
 * struct Curl_ssl): the standalone herder (herder_standalone.c) today, the
 * distributed herder beside it. The herder owns the connectors' lifecycle:
 * configs and target state (config store), observed status (status
 * store), offsets (offset store), validation, restore on start.
 *
 * Asynchronous: every operation returns at once and answers exactly once
 * through a herder_cb, with a herder_result the callback owns. The
 * callback runs on the herder's thread (standalone: the pipeline's loop
 * thread), or on the calling thread before the call returns (an answer
 * known at once, or a herder whose loop is not running). It must not block
 * and must not call the herder. A herder may answer later (a create waits
 * while a connector of that name is still being deleted, an offsets
 * change while the connector finishes its last request, a distributed
 * write until it is read back), so callers wait with a timeout
 * (herder_call_wait) rather than assume an answer on return.
 *
 * Errors are answers: a herder_status class (the HTTP status REST sends),
 * a message for {"error_code","message"}, and for HERDER_FORWARD the URL
 * of the worker that must handle the request (distributed.md §3.2-3.3).
 */
#ifndef HTTPSRC_HERDER_H
#define HTTPSRC_HERDER_H

#include <stddef.h>
#include <stdint.h>

#include "httpsrc/httpsrc.h"

struct kvlist; /* kvlist_int.h: ordered (key, value) string pairs */

typedef struct herder herder;

/** What an answer means; REST maps each class to one HTTP status. */
typedef enum herder_status {
        HERDER_OK = 0,        /**< 200, body = the entity */
        HERDER_CREATED,       /**< 201, body = ConnectorInfo */
        HERDER_ACCEPTED,      /**< 202, body optional (restart plan) */
        HERDER_NO_CONTENT,    /**< 204, no body */
        HERDER_BAD_REQUEST,   /**< 400: invalid config, offsets, state */
        HERDER_FORBIDDEN,     /**< 403: e.g. topic tracking disabled */
        HERDER_NOT_FOUND,     /**< 404: unknown connector, task, plugin */
        HERDER_CONFLICT,      /**< 409: exists, still being deleted, busy */
        HERDER_REBALANCING,   /**< 409: rebalance in progress or stale
                                   config (RebalanceNeededException) */
        HERDER_ERROR,         /**< 500: a store write failed, ENOMEM */
        HERDER_UNAVAILABLE,   /**< 503: not ready (e.g. no session key) */
        HERDER_FORWARD,       /**< not the leader / not the owner
                                   (RequestTargetException): re-send the
                                   request to forward_url */
        HERDER_TIMEOUT,       /**< no answer in time (set by
                                   herder_call_wait, never by a herder):
                                   500 "Request timed out" */
        HERDER_STATUS_COUNT_
} herder_status;

/** An answer. Made by herder_result_new(), owned by whoever holds it (the
 *  callback receives ownership), freed by herder_result_free(). */
typedef struct herder_result {
        herder_status status;
        char *message;     /**< error text (the whole message, one line or
                                Connect's multi-line validation list);
                                NULL on success */
        char *body;        /**< success: the entity as compact JSON text
                                (Connect's REST entity, e.g. ConnectorInfo,
                                ConnectorStateInfo, ConfigInfos); NULL:
                                no body */
        const char *content_type; /**< static; NULL: application/json */
        char *forward_url; /**< HERDER_FORWARD: base URL of the worker to
                                re-send to (leader or owner), as advertised
                                (opaque: join paths without "//") */
} herder_result;

/** Called once per operation with its answer (@p res: the callee gives it
 *  to the callback, which must herder_result_free() it; NULL when even the
 *  answer could not be allocated: treat as HERDER_ERROR "out of memory").
 *  Thread: see the top of this file. */
typedef void (*herder_cb)(herder_result *res, void *opaque);

/** Connect's TargetState for a create's initial_state. */
typedef enum herder_target {
        HERDER_TARGET_STARTED = 0, /**< RUNNING */
        HERDER_TARGET_PAUSED,
        HERDER_TARGET_STOPPED
} herder_target;

/** Flags of a request (herder_request.flags). */
#define HERDER_F_ALLOW_REPLACE 0x01u /**< put config: replace if it exists */
#define HERDER_F_INCLUDE_TASKS 0x02u /**< restart: includeTasks=true */
#define HERDER_F_ONLY_FAILED   0x04u /**< restart: onlyFailed=true */
#define HERDER_F_EXPAND_STATUS 0x08u /**< list: expand=status */
#define HERDER_F_EXPAND_INFO   0x10u /**< list: expand=info */
#define HERDER_F_SCOPE_CLUSTER 0x20u /**< logger level: scope=cluster */
#define HERDER_F_CONNECTORS_ONLY 0x40u /**< plugins: connectorsOnly */
#define HERDER_F_EXPAND        0x80u /**< list: expand given (any value):
                                          answer a map, not an array */

/** Which operation a request is (the ops table member it went to). */
typedef enum herder_op {
        /* queries */
        HERDER_OP_WORKER_INFO = 0, /**< GET / {version,commit,kafka_cluster_id} */
        HERDER_OP_HEALTH,          /**< GET /health */
        HERDER_OP_CONNECTORS,      /**< GET /connectors[?expand=] */
        HERDER_OP_CONNECTOR_INFO,  /**< GET /connectors/{c} */
        HERDER_OP_CONNECTOR_CONFIG, /**< GET /connectors/{c}/config */
        HERDER_OP_CONNECTOR_STATUS, /**< GET /connectors/{c}/status */
        HERDER_OP_TASK_CONFIGS,    /**< GET /connectors/{c}/tasks */
        HERDER_OP_TASKS_CONFIG,    /**< GET /connectors/{c}/tasks-config */
        HERDER_OP_TASK_STATUS,     /**< GET /connectors/{c}/tasks/{t}/status */
        HERDER_OP_OFFSETS,         /**< GET /connectors/{c}/offsets */
        HERDER_OP_ACTIVE_TOPICS,   /**< GET /connectors/{c}/topics */
        HERDER_OP_PLUGINS,         /**< GET /connector-plugins */
        HERDER_OP_PLUGIN_CONFIG,   /**< GET /connector-plugins/{p}/config */
        HERDER_OP_LOGGERS,         /**< GET /admin/loggers */
        HERDER_OP_LOGGER_LEVEL,    /**< GET /admin/loggers/{l} */
        HERDER_OP_METRICS,         /**< GET /metrics (text exposition) */
        /* changes */
        HERDER_OP_PUT_CONFIG,      /**< POST /connectors, PUT .../config */
        HERDER_OP_PATCH_CONFIG,    /**< PATCH /connectors/{c}/config */
        HERDER_OP_DELETE,          /**< DELETE /connectors/{c} */
        HERDER_OP_PAUSE,           /**< PUT /connectors/{c}/pause */
        HERDER_OP_RESUME,          /**< PUT /connectors/{c}/resume */
        HERDER_OP_STOP,            /**< PUT /connectors/{c}/stop */
        HERDER_OP_RESTART,         /**< POST /connectors/{c}/restart */
        HERDER_OP_RESTART_TASK,    /**< POST /connectors/{c}/tasks/{t}/restart */
        HERDER_OP_ALTER_OFFSETS,   /**< PATCH /connectors/{c}/offsets */
        HERDER_OP_RESET_OFFSETS,   /**< DELETE /connectors/{c}/offsets */
        HERDER_OP_RESET_TOPICS,    /**< PUT /connectors/{c}/topics/reset */
        HERDER_OP_VALIDATE,        /**< PUT /connector-plugins/{p}/config/validate */
        HERDER_OP_PREVIEW,         /**< PUT /connector-plugins/{p}/config/preview */
        HERDER_OP_SET_LOGGER,      /**< PUT /admin/loggers/{l} */
        /* internal (distributed.md §3.4) */
        HERDER_OP_PUT_TASK_CONFIGS, /**< POST /connectors/{c}/tasks */
        HERDER_OP_FENCE_ZOMBIES,   /**< PUT /connectors/{c}/fence */
        HERDER_OP_COUNT_
} herder_op;

/**
 * The arguments of one operation; which fields an operation reads is
 * said at its member of herder_ops. Everything is the caller's and only
 * valid during the call: a herder that answers later copies what it
 * keeps.
 */
typedef struct herder_request {
        herder_op op;
        const char *connector; /**< connector name (decoded), or NULL */
        int task;              /**< task id (task status/restart) */
        unsigned flags;        /**< HERDER_F_* */
        herder_target target;  /**< put config: a create's initial state */
        /** put/validate/preview: the config as received (values as
         *  written, "name" set for put); patch: the changes, a NULL value
         *  removes the key. */
        const struct kvlist *config;
        /** plugin class or alias (plugin config, validate, preview); the
         *  logger name (logger level, set logger). */
        const char *plugin;
        /** alter offsets: the body's "offsets" array as compact JSON,
         *  checked for shape by REST ({"partition":{..},"offset":{..}|null}
         *  entries of primitives); set logger: the level ("INFO");
         *  put task configs: the body (JSON array of maps). */
        const char *text;
        size_t text_len;
        long pages; /**< preview: pages to fetch (1-100) */
        /** internal requests: X-Connect-Authorization and
         *  X-Connect-Request-Signature-Algorithm, or NULL. */
        const char *signature;
        const char *signature_algorithm;
} herder_request;

/**
 * The ops table: one member per operation, all of the same shape, so a
 * herder may route several to one function (the request says which op).
 * A NULL member answers HERDER_ERROR "not supported by this herder"
 * (herder_submit). Each must answer exactly once through @p cb.
 */
typedef struct herder_ops {
        const char *name; /**< "standalone", "distributed" (logs) */
        /** Stop answering: pending operations are answered HERDER_ERROR
         *  (or their callers have timed out), then free. Caller's thread,
         *  after REST stopped calling. */
        void (*destroy)(herder *h);
#define HERDER_OP_MEMBER(m)                                                   \
        void (*m)(herder * h, const herder_request *rq, herder_cb cb,         \
                  void *opaque)
        HERDER_OP_MEMBER(worker_info);
        HERDER_OP_MEMBER(health);
        HERDER_OP_MEMBER(connectors);       /* flags: EXPAND_* */
        HERDER_OP_MEMBER(connector_info);   /* connector */
        HERDER_OP_MEMBER(connector_config); /* connector */
        HERDER_OP_MEMBER(connector_status); /* connector */
        HERDER_OP_MEMBER(task_configs);     /* connector */
        HERDER_OP_MEMBER(tasks_config);     /* connector */
        HERDER_OP_MEMBER(task_status);      /* connector, task */
        HERDER_OP_MEMBER(offsets);          /* connector */
        HERDER_OP_MEMBER(active_topics);    /* connector */
        HERDER_OP_MEMBER(plugins);          /* flags: CONNECTORS_ONLY */
        HERDER_OP_MEMBER(plugin_config);    /* plugin */
        HERDER_OP_MEMBER(loggers);
        HERDER_OP_MEMBER(logger_level);     /* plugin = logger name */
        HERDER_OP_MEMBER(metrics);
        /** connector, config, target, flags: ALLOW_REPLACE. 201 created,
         *  200 replaced (body ConnectorInfo), 409 exists without
         *  ALLOW_REPLACE, 400 invalid. */
        HERDER_OP_MEMBER(put_config);
        HERDER_OP_MEMBER(patch_config);     /* connector, config */
        HERDER_OP_MEMBER(delete_connector); /* connector: 204 */
        HERDER_OP_MEMBER(pause);            /* connector: 202 */
        HERDER_OP_MEMBER(resume);           /* connector: 202 */
        HERDER_OP_MEMBER(stop);             /* connector: 204 */
        /** connector, flags: INCLUDE_TASKS, ONLY_FAILED. 204 without
         *  flags; 202 + ConnectorStateInfo (the plan) with any. */
        HERDER_OP_MEMBER(restart_connector);
        HERDER_OP_MEMBER(restart_task);     /* connector, task: 204 */
        HERDER_OP_MEMBER(alter_offsets);    /* connector, text: 200 */
        HERDER_OP_MEMBER(reset_offsets);    /* connector: 200 */
        HERDER_OP_MEMBER(reset_topics);     /* connector: 202 */
        /** plugin, config: 200 ConfigInfos (errors inside); starts
         *  nothing. */
        HERDER_OP_MEMBER(validate);
        /** plugin, config, pages: 200 the records. May run on the calling
         *  thread for seconds (it waits for the API). */
        HERDER_OP_MEMBER(preview);
        /** plugin = logger, text = level, flags: SCOPE_CLUSTER. 200 the
         *  loggers set (JSON array), 204 with SCOPE_CLUSTER. */
        HERDER_OP_MEMBER(set_logger);
        HERDER_OP_MEMBER(put_task_configs); /* connector, text, signature* */
        HERDER_OP_MEMBER(fence_zombies);    /* connector, signature* */
#undef HERDER_OP_MEMBER
} herder_ops;

/** The common head of every herder: an implementation embeds it first
 *  (struct my_herder { herder base; ... }) and sets ops. */
struct herder {
        const herder_ops *ops;
};

/** Route @p rq to the ops member of rq->op; a NULL member or an op out of
 *  range answers HERDER_ERROR at once. Any thread. */
void herder_submit(herder *h, const herder_request *rq, herder_cb cb,
                   void *opaque);

/** Destroy through the ops table. NULL-safe. */
void herder_destroy(herder *h);

/* ---- results ------------------------------------------------------- */

/** A result of @p status, no text; NULL on ENOMEM. */
herder_result *herder_result_new(herder_status status);
/** A result of @p status with a printf-formatted message; on ENOMEM the
 *  message is NULL (REST then says "out of memory"). Never NULL when
 *  allocation of the struct itself works; NULL otherwise. */
herder_result *herder_result_error(herder_status status, const char *fmt, ...)
    HTTPSRC_PRINTF(2, 3);
/** A result of @p status whose body is @p body (taken; NULL: no body). */
herder_result *herder_result_body(herder_status status, char *body);
/** NULL-safe. */
void herder_result_free(herder_result *res);
/** The HTTP status of @p status (200, 201, ... 409, 500); HERDER_FORWARD
 *  has none (0: the caller forwards). */
int herder_status_http(herder_status status);
/** "OK", "NOT_FOUND", ... (logs, tests). */
const char *herder_status_name(herder_status status);

/* ---- waiting for an answer (REST's side) ----------------------------- */

/**
 * A pending call: submit a request with herder_call_cb/the call as opaque,
 * then herder_call_wait(). Reference-counted between the waiter and the
 * herder, so a call that times out is freed by whichever side is last
 * (an answer after the timeout is dropped). Mutex + condition variable:
 * no polling.
 */
typedef struct herder_call herder_call;

/** NULL on ENOMEM. */
herder_call *herder_call_new(void);
/** Submit @p rq to @p h with this call as the answer's destination. */
void herder_call_submit(herder_call *c, herder *h, const herder_request *rq);
/** Wait up to @p timeout_ms for the answer; returns it (the caller owns
 *  it), or a HERDER_TIMEOUT result (NULL only on ENOMEM). Releases the
 *  caller's reference: @p c must not be used afterwards. */
herder_result *herder_call_wait(herder_call *c, int64_t timeout_ms);

/** submit + wait in one: the answer to @p rq within @p timeout_ms. */
herder_result *
herder_request_sync(herder *h, const herder_request *rq, int64_t timeout_ms);

#endif
