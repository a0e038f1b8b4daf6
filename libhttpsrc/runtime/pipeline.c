/* pipeline module: the public httpsrc_pipeline: one event loop (curl
 * multi) driving every connector, the shared producer, the offset store. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "fileio_int.h"
#include "listener_int.h"
#include "loopfd_int.h"
#include "offsets_kafka_int.h"
#include "txn_int.h"
#include "pipeline_int.h"
#include "reload_int.h"
#include "secrets_int.h"

/* How long a stop waits for outstanding acknowledgements. */
#define STOP_DRAIN_MS 30000
#define MAX_WAIT_MS   1000
/* How often a failed write of the offsets file is tried again. */
#define OFFSETS_RETRY_MS 1000

/* A function waiting to run on the loop thread (pipeline_exec). */
typedef struct exec_req {
        struct exec_req *next;
        pipeline_fn fn;
        void *arg;
        int done;
} exec_req;

/* A service attached with pipeline_attach(). */
typedef struct attached {
        void (*fini)(void *opaque);
        void *opaque;
} attached;

/* A connector waiting for its outstanding records before it goes. */
typedef struct pending_op {
        task *c;
        httpsrc_conf *new_conf; /* restart: the conf to start from */
        int restart;
        int local; /* new_conf is the operator's own (not from REST) */
} pending_op;

struct httpsrc_pipeline {
        httpsrc_conf *worker;
        logger lg;
        plugin_registry *plugins;
        offset_store *offsets;
        secrets *secrets; /* listed providers: what REST configs get */
        secrets *local;   /* + built-ins: the operator's own files; or NULL */
        http_client *http;
        sink sink;
        task **conns;
        size_t n_conns;
        scheduler *sched; /* connectors by next wakeup */
        task **due;       /* room for every connector: the due ones */
        int run_once;     /* the current run's HTTPSRC_RUN_ONCE */
        int running;      /* between httpsrc_pipeline_start() and its end */
        int64_t deadline; /* of the current run's drain; 0: not stopping */
        loopfd *lfd;      /* httpsrc_pipeline_fd(); NULL until asked */
        int stop_pipe[2];
        atomic_int stop_requested;
        atomic_int reload_requested;
        reloader *reloader; /* the connector files; NULL: none */
        int64_t flush_interval_ms;
        int64_t kafka_timeout_ms; /* kafka.unreachable.timeout.ms */
        int64_t last_flush;
        /* Why the offsets file cannot be written ("" while it can): polling
         * pauses meanwhile, so what is read but not stored stays bounded. */
        char offsets_error[512];
        uint64_t offset_store_errors; /* failed writes so far */
        char last_error[1024];

        pthread_mutex_t mu; /* guards exec_queue and loop_running */
        pthread_cond_t cv;
        exec_req *exec_queue;
        int loop_running;
        pthread_t loop_thread; /* while loop_running */
        pending_op *ops;
        size_t n_ops;
        /* Services attached above the runtime (the REST server): they act
         * on everything below, so they go first, newest first. */
        attached *svc;
        size_t n_svc;
        /* Task state changes go to on_task; shown[i] is the state last
         * reported for conns[i] (-1: none yet). */
        pipeline_task_state_cb on_task;
        void *on_task_opaque;
        int *shown;
        void (*on_tick)(void *opaque, int last); /* pipeline_set_tick_cb() */
        void *on_tick_opaque;
};

static void on_plugin_error(void *opaque, const char *message)
{
        httpsrc_pipeline *p = opaque;
        log_msg(&p->lg, HTTPSRC_LOG_WARN, NULL, "plugin not loaded: %s",
                message);
}

static int load_plugins(httpsrc_pipeline *p, char *errstr, size_t errstr_size)
{
        const char *path = conf_get_set(p->worker, "plugin.path");
        const char *env  = getenv("HTTPSRC_PLUGIN_PATH");
        char tree[PATH_MAX];
        if (!path && env && *env)
                path = env;
        if (!path) {
                const char *dflt = httpsrc_conf_get(p->worker, "plugin.path");
                path = plugin_default_dir(dflt, tree, sizeof(tree));
                if (path != dflt)
                        log_msg(&p->lg, HTTPSRC_LOG_INFO, NULL,
                                "plugin.path not set and %s does not exist: "
                                "using the build tree's %s",
                                dflt, path);
        }
        int n = plugin_registry_load_path(p->plugins, path, on_plugin_error, p,
                                          errstr, errstr_size);
        if (n < 0)
                return HTTPSRC_ERR_IO;
        log_msg(&p->lg, HTTPSRC_LOG_DEBUG, NULL, "%d plugin(s) loaded from %s",
                n, path);
        return HTTPSRC_OK;
}

/* Connector configs that came over REST resolve only the listed
 * providers; the worker file and the connectors given to
 * httpsrc_pipeline_add_connector (the command line) also get the built-ins
 * if the worker says so. */
static int setup_secrets(httpsrc_pipeline *p, char *errstr, size_t errstr_size)
{
        if (!(p->secrets = secrets_new(p->worker, 0, errstr, errstr_size)))
                return -1;
        if (conf_get_bool(p->worker, "command.line.builtin.providers", 0) &&
            !(p->local = secrets_new(p->worker, 1, errstr, errstr_size)))
                return -1;
        const char *open = secrets_unrestricted(p->secrets);
        if (open)
                log_msg(&p->lg, HTTPSRC_LOG_WARN, NULL,
                        "config provider '%s' has no allowed.paths: any "
                        "connector config (REST included) may read every "
                        "file this worker can; set "
                        "config.providers.%s.param.allowed.paths",
                        open, open);
        return 0;
}

/* The file store (standalone's default), or the Kafka topic. An offsets
 * file that cannot be written is found now, not after the first poll
 * (--once used to log errors and exit 0, offsets unstored). */
static int open_offsets(httpsrc_pipeline *p, char *errstr, size_t errstr_size)
{
        static const char key[] = "offset.storage.file.filename";
        const char *file        = httpsrc_conf_get(p->worker, key);
        const char *topic = conf_get_set(p->worker, "offset.storage.topic");
        char why[1024];
        if (topic && *topic && file && *file) {
                errstr_set(errstr, errstr_size,
                           "offset.storage.topic and "
                           "offset.storage.file.filename are both set: "
                           "offsets are kept in one place; remove one");
                return HTTPSRC_ERR_INVAL;
        }
        if (txn_worker_enabled(p->worker) && !(topic && *topic)) {
                errstr_set(errstr, errstr_size,
                           "exactly.once.source.support: enabled needs "
                           "offset.storage.topic (the offsets are written in "
                           "the records' transactions, which a file cannot "
                           "join); set it");
                return HTTPSRC_ERR_INVAL;
        }
        if (topic && *topic) {
                p->offsets = offset_store_open_kafka(p->worker, &p->lg, errstr,
                                                     errstr_size);
        } else if (file && fileio_check_writable(file, why, sizeof(why))) {
                errstr_set(errstr, errstr_size, "%s: %s", key, why);
                return HTTPSRC_ERR_IO;
        } else {
                p->offsets = offset_store_open(file, errstr, errstr_size);
        }
        return p->offsets ? HTTPSRC_OK : HTTPSRC_ERR_IO;
}

static int setup(httpsrc_pipeline *p, char *errstr, size_t errstr_size)
{
        int rc = httpsrc_conf_check(p->worker, errstr, errstr_size);
        if (!rc)
                rc = producer_check_conf(p->worker, errstr, errstr_size);
        /* Before any connector is added: a typo here must not surface only
         * once connectors were created. */
        if (!rc)
                rc = listeners_check(
                    httpsrc_conf_get(p->worker, "listeners"), errstr,
                    errstr_size);
        if (rc)
                return rc;
        if (pipe2(p->stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
                errstr_set(errstr, errstr_size, "pipe: %s", strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        if (open_offsets(p, errstr, errstr_size))
                return HTTPSRC_ERR_IO;
        if (setup_secrets(p, errstr, errstr_size))
                return HTTPSRC_ERR_INVAL;
        if (!(p->http = http_client_new(
                  (size_t)conf_get_int(p->worker,
                                       "http.max.concurrent.requests", 256),
                  errstr, errstr_size)))
                return HTTPSRC_ERR_NOMEM;
        if (!(p->sched = sched_new())) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        if (!(p->plugins = plugin_registry_new(host_api_table()))) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        p->kafka_timeout_ms =
            conf_get_int(p->worker, "kafka.unreachable.timeout.ms", 0);
        p->flush_interval_ms =
            conf_get_int(p->worker, "offset.flush.interval.ms", 0);
        return load_plugins(p, errstr, errstr_size);
}

httpsrc_pipeline *
httpsrc_pipeline_new(httpsrc_conf *worker, char *errstr, size_t errstr_size)
{
        if (!worker || conf_scope(worker) != HTTPSRC_SCOPE_WORKER) {
                errstr_set(errstr, errstr_size,
                           "httpsrc_pipeline_new needs a worker conf "
                           "(HTTPSRC_SCOPE_WORKER)");
                return NULL;
        }
        httpsrc_pipeline *p = calloc(1, sizeof(*p));
        if (!p) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        p->worker       = worker;
        p->lg.max_level = HTTPSRC_LOG_INFO;
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->cv, NULL);
        p->stop_pipe[0] = p->stop_pipe[1] = -1;
        if (setup(p, errstr, errstr_size) != HTTPSRC_OK) {
                p->worker = NULL; /* stays the caller's on failure */
                httpsrc_pipeline_destroy(p);
                return NULL;
        }
        return p;
}

void httpsrc_pipeline_destroy(httpsrc_pipeline *p)
{
        if (!p)
                return;
        /* Attached services (REST threads) act on everything below:
         * they go first, newest first. */
        while (p->n_svc > 0) {
                attached *a = &p->svc[--p->n_svc];
                a->fini(a->opaque);
        }
        free(p->svc);
        /* Producer next: no delivery report may reach a freed connector. */
        producer_destroy(p->sink.prod);
        for (size_t i = 0; i < p->n_conns; i++)
                task_destroy(p->conns[i]);
        free(p->conns);
        free(p->shown);
        free(p->due);
        loopfd_destroy(p->lfd);
        sched_destroy(p->sched);
        http_client_destroy(p->http);
        plugin_registry_destroy(p->plugins);
        secrets_destroy(p->secrets);
        secrets_destroy(p->local);
        if (p->offsets) {
                char why[512];
                if (offset_store_flush(p->offsets, why, sizeof(why)))
                        log_msg(&p->lg, HTTPSRC_LOG_ERROR, NULL,
                                "offsets not stored: %s", why);
                offset_store_destroy(p->offsets);
        }
        for (int i = 0; i < 2; i++)
                if (p->stop_pipe[i] >= 0)
                        close(p->stop_pipe[i]);
        for (size_t i = 0; i < p->n_ops; i++)
                httpsrc_conf_destroy(p->ops[i].new_conf);
        free(p->ops);
        reloader_destroy(p->reloader);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        httpsrc_conf_destroy(p->worker);
        log_free(&p->lg);
        free(p);
}

int httpsrc_pipeline_load_plugin(httpsrc_pipeline *p,
                                 const char *path,
                                 char *errstr,
                                 size_t errstr_size)
{
        return plugin_registry_load(p->plugins, path, errstr, errstr_size);
}

static task *find(const httpsrc_pipeline *p, const char *name)
{
        for (size_t i = 0; name && i < p->n_conns; i++)
                if (strcmp(task_name(p->conns[i]), name) == 0)
                        return p->conns[i];
        return NULL;
}

/* ------------------------------------------------------------------ */
/* task state reports and attached services                            */

void pipeline_set_task_state_cb(httpsrc_pipeline *p,
                                pipeline_task_state_cb cb,
                                void *opaque)
{
        p->on_task        = cb;
        p->on_task_opaque = opaque;
}

/* Report conns[i]'s state if it differs from the one last reported. */
static void report_at(httpsrc_pipeline *p, size_t i)
{
        const task *c      = p->conns[i];
        int state          = pipeline_state(p, c);
        if (state == p->shown[i])
                return;
        p->shown[i] = state;
        if (p->on_task)
                p->on_task(
                    p->on_task_opaque, task_name(c), (httpsrc_state)state,
                    state == HTTPSRC_STATE_FAILED ? task_failure(c) : NULL);
}

static void report_gone(httpsrc_pipeline *p, const char *name)
{
        if (p->on_task && name)
                p->on_task(p->on_task_opaque, name, HTTPSRC_STATE_UNASSIGNED,
                           NULL);
}

/* conn_env.state_changed: a connector failed or changed its target. One
 * not (or not yet) in the table is reported once it is put there. */
static void on_state(void *opaque, task *c)
{
        httpsrc_pipeline *p = opaque;
        for (size_t i = 0; i < p->n_conns; i++) {
                if (p->conns[i] == c) {
                        report_at(p, i);
                        return;
                }
        }
}

int pipeline_attach(httpsrc_pipeline *p, void (*fini)(void *), void *opaque)
{
        attached *na = realloc(p->svc, (p->n_svc + 1) * sizeof(*na));
        if (!na)
                return HTTPSRC_ERR_NOMEM;
        p->svc            = na;
        p->svc[p->n_svc++] = (attached){fini, opaque};
        return HTTPSRC_OK;
}

void *pipeline_attached(const httpsrc_pipeline *p, void (*fini)(void *))
{
        for (size_t i = 0; i < p->n_svc; i++)
                if (p->svc[i].fini == fini)
                        return p->svc[i].opaque;
        return NULL;
}

/* A connector's next wakeup may have changed: move it in the heap. */
static void on_wake(void *opaque, task *c)
{
        httpsrc_pipeline *p = opaque;
        if (sched_set(p->sched, task_sched_node(c),
                      task_next_wakeup(c, p->run_once)) != HTTPSRC_OK)
                log_msg(&p->lg, HTTPSRC_LOG_ERROR, task_name(c),
                        "out of memory: the connector cannot be scheduled");
}

static void unschedule(httpsrc_pipeline *p, task *c)
{
        sched_remove(p->sched, task_sched_node(c));
}

/* @p local: the conf is the operator's own (not from REST). */
static conn_env make_env(httpsrc_pipeline *p, int local)
{
        const secrets *sec = local && p->local ? p->local : p->secrets;
        conn_env env = {p->http,    &p->sink,  p->offsets,  p->plugins,
                        &p->lg,     p->worker, sec,         &p->n_conns,
                        on_wake,    p,         NULL,        p->offsets_error,
                        NULL,       on_state};
        return env;
}

/* log.level: the connector's own level; unset, it follows the root's. */
static void apply_log_level(httpsrc_pipeline *p, const task *c)
{
        const char *v = httpsrc_conf_get(task_conf(c), "log.level");
        if (log_set_level(&p->lg, task_name(c), log_level_parse(v)))
                log_msg(&p->lg, HTTPSRC_LOG_ERROR, task_name(c),
                        "log.level: out of memory; the worker's level "
                        "applies");
}

static int trial(httpsrc_pipeline *p,
                 const conn_env *base,
                 const httpsrc_conf *conf,
                 offset_store *offsets,
                 char *errstr,
                 size_t errstr_size);

/* task_new() failed with @p errstr: 1 if for its stored offset (the
 * config alone passes a trial). Exactly-once's Kafka setup (fencing, a
 * broker without transactions) fails only with the real store and says
 * so itself ("exactly.once: ..."): not an offset problem. */
static int offset_misfit(httpsrc_pipeline *p,
                         const conn_env *env,
                         httpsrc_conf *conf,
                         const char *errstr)
{
        return strncmp(errstr, "exactly.once:", 13) != 0 &&
               trial(p, env, conf, NULL, NULL, 0) == HTTPSRC_OK;
}

/* A valid config whose stored offset the connector cannot use (its
 * pagination or offset mode changed, or an offset was altered) would
 * otherwise be lost with no way to reset its offsets: keep it, FAILED,
 * with the way out (as in Connect, the task fails, the connector stays). */
static task *task_or_failed(httpsrc_pipeline *p,
                            const conn_env *env,
                            httpsrc_conf *conf,
                            char *errstr,
                            size_t errstr_size)
{
        task *c = task_new(env, conf, errstr, errstr_size);
        if (c || !offset_misfit(p, env, conf, errstr))
                return c;
        const char *name = httpsrc_conf_get(conf, "name");
        char why[1536];
        snprintf(why, sizeof(why),
                 "the stored %s. To start over: PUT /connectors/%s/stop, "
                 "DELETE /connectors/%s/offsets, PUT /connectors/%s/resume "
                 "(or PATCH /connectors/%s/offsets with an offset that fits "
                 "before resuming)",
                 errstr, name, name, name, name);
        c = task_new_failed(env, conf, why);
        if (!c)
                errstr_set(errstr, errstr_size, "out of memory");
        return c;
}

conn_env pipeline_preview_env(httpsrc_pipeline *p, int local)
{
        return make_env(p, local);
}

/* A connector from the command line (@p local) reports a stored offset
 * it cannot use to its caller at once; one from REST or the config store
 * is kept FAILED (task_or_failed). */
static int create(httpsrc_pipeline *p,
                  httpsrc_conf *conf,
                  int initial_state,
                  int local,
                  char *errstr,
                  size_t errstr_size)
{
        if (!conf || conf_scope(conf) != HTTPSRC_SCOPE_CONNECTOR) {
                errstr_set(errstr, errstr_size,
                           "a connector needs a connector conf "
                           "(HTTPSRC_SCOPE_CONNECTOR)");
                return HTTPSRC_ERR_INVAL;
        }
        const char *name = httpsrc_conf_get(conf, "name");
        if (find(p, name)) {
                errstr_set(errstr, errstr_size,
                           "name: connector '%s' already exists", name);
                return HTTPSRC_ERR_INVAL;
        }
        task **nc = realloc(p->conns, (p->n_conns + 1) * sizeof(*nc));
        if (nc)
                p->conns = nc;
        task **nd = nc ? realloc(p->due, (p->n_conns + 1) * sizeof(*nd)) : NULL;
        if (nd)
                p->due = nd;
        int *ns = nd ? realloc(p->shown, (p->n_conns + 1) * sizeof(*ns)) : NULL;
        if (!ns) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        p->shown     = ns;
        conn_env env = make_env(p, local);
        task *c      = local ? task_new(&env, conf, errstr, errstr_size)
                             : task_or_failed(p, &env, conf, errstr,
                                              errstr_size);
        if (!c && local && offset_misfit(p, &env, conf, errstr)) {
                char why[1024];
                snprintf(why, sizeof(why), "%s", errstr);
                errstr_set(errstr, errstr_size,
                           "the stored %s (reset its offsets or use a new "
                           "connector name)",
                           why);
        }
        if (!c)
                return HTTPSRC_ERR_INVAL;
        if (initial_state != HTTPSRC_STATE_RUNNING)
                task_set_target(c, initial_state);
        p->shown[p->n_conns]   = -1;
        p->conns[p->n_conns++] = c;
        apply_log_level(p, c);
        on_wake(p, c);
        report_at(p, p->n_conns - 1);
        return HTTPSRC_OK;
}

int pipeline_create(httpsrc_pipeline *p,
                    httpsrc_conf *conf,
                    int initial_state,
                    char *errstr,
                    size_t errstr_size)
{
        return create(p, conf, initial_state, 0, errstr, errstr_size);
}

int httpsrc_pipeline_add_connector(httpsrc_pipeline *p,
                                   httpsrc_conf *conf,
                                   char *errstr,
                                   size_t errstr_size)
{
        return create(p, conf, HTTPSRC_STATE_RUNNING, 1, errstr, errstr_size);
}

/* A trial connector of @p conf in @p base's environment (NULL: a REST
 * conf's) against @p offsets (NULL: an empty store): the same checks as
 * a real one, no side effects. */
static int trial(httpsrc_pipeline *p,
                 const conn_env *base,
                 const httpsrc_conf *conf,
                 offset_store *offsets,
                 char *errstr,
                 size_t errstr_size)
{
        httpsrc_conf *copy    = httpsrc_conf_dup(conf);
        offset_store *scratch = offset_store_open(NULL, NULL, 0);
        if (!copy || !scratch) {
                httpsrc_conf_destroy(copy);
                offset_store_destroy(scratch);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        /* Its "connector created" line would announce a connector that
         * never runs; warnings (an ignored key) are the check's output. */
        logger quiet = p->lg;
        if (quiet.max_level > HTTPSRC_LOG_WARN)
                quiet.max_level = HTTPSRC_LOG_WARN;
        quiet.n_ov = 0; /* nor a connector's own log.level */
        conn_env env = base ? *base : make_env(p, 0);
        env.offsets  = offsets ? offsets : scratch;
        env.lg       = &quiet;
        task *c      = task_new(&env, copy, errstr, errstr_size);
        if (!c)
                httpsrc_conf_destroy(copy);
        task_destroy(c);
        offset_store_destroy(scratch);
        return c ? HTTPSRC_OK : HTTPSRC_ERR_INVAL;
}

int pipeline_validate(httpsrc_pipeline *p,
                      const httpsrc_conf *conf,
                      kvlist *problems)
{
        char err[2048];
        conn_env env  = make_env(p, 0);
        size_t before = problems->n;
        env.problems  = problems;
        int rc        = trial(p, &env, conf, NULL, err, sizeof(err));
        if (rc == HTTPSRC_ERR_NOMEM)
                return -1;
        if (!rc || problems->n > before)
                return 0;
        /* One problem of a later step (a template, a secret, the cursor):
         * its message starts with the key it is about. */
        size_t kl = strcspn(err, ": ;'\"");
        char key[256];
        if (kl && kl < sizeof(key) && err[kl] == ':' && err[kl + 1] == ' ')
                snprintf(key, sizeof(key), "%.*s", (int)kl, err);
        else
                snprintf(key, sizeof(key), "connector.class");
        return kvl_add(problems, key, err);
}

int httpsrc_pipeline_check_connector_file(httpsrc_pipeline *p,
                                          const char *path,
                                          char *errstr,
                                          size_t errstr_size)
{
        kvlist problems = {0}, found = {0};
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        int rc = conf ? conf_load_file_partial(conf, path, &problems, errstr,
                                               errstr_size)
                      : HTTPSRC_ERR_NOMEM;
        /* As REST's validate: the keys accepted against the core's rules
         * and, if they pass, the plugins' keys; a refused key is missing
         * from the conf checked, which would only call it missing. */
        size_t refused = problems.n;
        if ((rc == HTTPSRC_OK || rc == HTTPSRC_ERR_INVAL) &&
            (conf_check_all(conf, &found) ||
             (!found.n && pipeline_validate(p, conf, &found))))
                rc = HTTPSRC_ERR_NOMEM;
        for (size_t i = 0; rc != HTTPSRC_ERR_NOMEM && i < found.n; i++) {
                ssize_t seen = kvl_index(&problems, found.v[i].key);
                if ((seen < 0 || (size_t)seen >= refused) &&
                    conf_problem_add(&problems, found.v[i].key, "%s: %s",
                                     path, found.v[i].value))
                        rc = HTTPSRC_ERR_NOMEM;
        }
        if (rc == HTTPSRC_ERR_NOMEM) {
                errstr_set(errstr, errstr_size, "out of memory");
        } else if ((rc == HTTPSRC_OK || rc == HTTPSRC_ERR_INVAL)) {
                rc = problems.n ? HTTPSRC_ERR_INVAL : HTTPSRC_OK;
                conf_problems_text(&problems, errstr, errstr_size);
        }
        kvl_free(&problems);
        kvl_free(&found);
        httpsrc_conf_destroy(conf);
        return rc;
}

int pipeline_check_offset(httpsrc_pipeline *p,
                          const task *c,
                          const httpsrc_conf *conf,
                          const char *partition,
                          const char *offset,
                          char *errstr,
                          size_t errstr_size)
{
        offset_store *one = offset_store_open(NULL, NULL, 0);
        const char *name  = httpsrc_conf_get(conf, "name");
        if (!one || offset_store_put(one, name, partition, offset)) {
                offset_store_destroy(one);
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        /* The connector's own providers: a command-line one may use the
         * built-ins. */
        conn_env env = make_env(p, 0);
        env.secrets  = task_secrets(c);
        int rc       = trial(p, &env, conf, one, errstr, errstr_size);
        offset_store_destroy(one);
        /* A config that no longer starts at all (a secret gone) is not
         * the offset's fault: that shows when the connector restarts. */
        if (rc && trial(p, &env, conf, NULL, NULL, 0) != HTTPSRC_OK)
                rc = HTTPSRC_OK;
        return rc;
}

static pending_op *pending_of(const httpsrc_pipeline *p, const task *c)
{
        for (size_t i = 0; i < p->n_ops; i++)
                if (p->ops[i].c == c)
                        return &p->ops[i];
        return NULL;
}

static int
add_op(httpsrc_pipeline *p, task *c, int restart, httpsrc_conf *conf, int local)
{
        pending_op *op = pending_of(p, c);
        if (op) { /* a later request replaces an earlier one */
                httpsrc_conf_destroy(op->new_conf);
                *op = (pending_op){c, conf, restart, local};
                return HTTPSRC_OK;
        }
        pending_op *no = realloc(p->ops, (p->n_ops + 1) * sizeof(*no));
        if (!no)
                return HTTPSRC_ERR_NOMEM;
        p->ops             = no;
        p->ops[p->n_ops++] = (pending_op){c, conf, restart, local};
        return HTTPSRC_OK;
}

int pipeline_delete(httpsrc_pipeline *p, const char *name)
{
        task *c = find(p, name);
        if (!c || pipeline_deleting(p, c))
                return HTTPSRC_ERR_NOENT;
        task_stop(c);
        return add_op(p, c, 0, NULL, 0);
}

static int restart(httpsrc_pipeline *p,
                   const char *name,
                   httpsrc_conf *conf,
                   int local,
                   char *errstr,
                   size_t errstr_size)
{
        task *c = find(p, name);
        if (!c || pipeline_deleting(p, c)) {
                errstr_set(errstr, errstr_size, "Connector %s not found", name);
                return HTTPSRC_ERR_NOENT;
        }
        conn_env env = make_env(p, local);
        if (conf && trial(p, &env, conf, NULL, errstr, errstr_size))
                return HTTPSRC_ERR_INVAL;
        task_stop(c);
        int rc = add_op(p, c, 1, conf, local);
        on_state(p, c); /* RESTARTING */
        return rc;
}

int pipeline_restart(httpsrc_pipeline *p,
                     const char *name,
                     httpsrc_conf *conf,
                     char *errstr,
                     size_t errstr_size)
{
        return restart(p, name, conf, 0, errstr, errstr_size);
}

int pipeline_reconfigure(httpsrc_pipeline *p,
                         const char *name,
                         httpsrc_conf *conf,
                         char *errstr,
                         size_t errstr_size)
{
        return restart(p, name, conf, 1, errstr, errstr_size);
}

void pipeline_set_reloader(httpsrc_pipeline *p, reloader *r)
{
        reloader_destroy(p->reloader);
        p->reloader = r;
}

void httpsrc_pipeline_reload(httpsrc_pipeline *p)
{
        /* Only async-signal-safe calls here. */
        atomic_store(&p->reload_requested, 1);
        if (p->stop_pipe[1] >= 0) {
                ssize_t w = write(p->stop_pipe[1], "r", 1);
                (void)w;
        }
}

int pipeline_state(const httpsrc_pipeline *p, const task *c)
{
        const pending_op *op = pending_of(p, c);
        return op && op->restart ? HTTPSRC_STATE_RESTARTING : task_status(c);
}

int pipeline_deleting(const httpsrc_pipeline *p, const task *c)
{
        const pending_op *op = pending_of(p, c);
        return op && !op->restart;
}

int pipeline_leaving(const httpsrc_pipeline *p, const char *name)
{
        const task *c = find(p, name);
        return c && pipeline_deleting(p, c);
}

static void remove_at(httpsrc_pipeline *p, size_t i)
{
        memmove(&p->conns[i], &p->conns[i + 1],
                (p->n_conns - i - 1) * sizeof(*p->conns));
        memmove(&p->shown[i], &p->shown[i + 1],
                (p->n_conns - i - 1) * sizeof(*p->shown));
        p->n_conns--;
}

/* Recreate @p c from @p conf (or its own), in the same slot. */
static void
recreate(httpsrc_pipeline *p, size_t i, httpsrc_conf *conf, int local)
{
        task *old           = p->conns[i];
        target_state target = task_target(old); /* FAILED keeps it */
        /* Its own conf keeps its providers; a new one came over REST, or
         * from the operator's files (a reload). */
        conn_env env = make_env(p, local);
        if (!conf) {
                conf        = httpsrc_conf_dup(task_conf(old));
                env.secrets = task_secrets(old);
        }
        char err[1024];
        size_t n_topics;
        char **topics = task_take_topics(old, &n_topics);
        /* The name outlives the old connector: a failed restart reports
         * the task gone under it. */
        char *name = xstrdup(task_name(old));
        unschedule(p, old);
        task_destroy(old);
        task *c = conf ? task_or_failed(p, &env, conf, err, sizeof(err)) : NULL;
        if (!c) {
                strv_free(topics, n_topics);
                log_msg(&p->lg, HTTPSRC_LOG_ERROR, NULL, "restart failed: %s",
                        conf ? err : "out of memory");
                httpsrc_conf_destroy(conf);
                remove_at(p, i);
                report_gone(p, name);
                free(name);
                return;
        }
        free(name);
        task_give_topics(c, topics, n_topics);
        if (target != TARGET_STARTED)
                task_set_target(c, target);
        p->conns[i] = c;
        apply_log_level(p, c);
        on_wake(p, c);
        report_at(p, i);
}

/* Deletes and restarts whose connectors have nothing outstanding. */
static void run_pending(httpsrc_pipeline *p)
{
        for (size_t k = 0; k < p->n_ops;) {
                pending_op op = p->ops[k];
                if (task_busy(op.c)) {
                        k++;
                        continue;
                }
                p->ops[k] = p->ops[--p->n_ops];
                for (size_t i = 0; i < p->n_conns; i++) {
                        if (p->conns[i] != op.c)
                                continue;
                        if (op.restart) {
                                recreate(p, i, op.new_conf, op.local);
                        } else {
                                log_set_level(&p->lg, task_name(op.c), -1);
                                unschedule(p, op.c);
                                report_gone(p, task_name(op.c));
                                task_destroy(op.c);
                                remove_at(p, i);
                        }
                        break;
                }
        }
}

/* ------------------------------------------------------------------ */
/* running functions on the loop thread                                */

void pipeline_exec(httpsrc_pipeline *p, pipeline_fn fn, void *arg)
{
        pthread_mutex_lock(&p->mu);
        if (!p->loop_running) {
                fn(p, arg);
                pthread_mutex_unlock(&p->mu);
                return;
        }
        exec_req req  = {p->exec_queue, fn, arg, 0};
        p->exec_queue = &req;
        ssize_t w     = write(p->stop_pipe[1], "e", 1);
        (void)w;
        while (!req.done)
                pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
}

static void run_execs(httpsrc_pipeline *p)
{
        pthread_mutex_lock(&p->mu);
        exec_req *q   = p->exec_queue;
        p->exec_queue = NULL;
        pthread_mutex_unlock(&p->mu);
        if (!q)
                return;
        for (exec_req *r = q; r; r = r->next)
                r->fn(p, r->arg);
        pthread_mutex_lock(&p->mu);
        for (exec_req *r = q, *next; r; r = next) {
                next    = r->next; /* r lives on its caller's stack */
                r->done = 1;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
}

static void set_loop_running(httpsrc_pipeline *p, int on)
{
        pthread_mutex_lock(&p->mu);
        p->loop_running = on;
        p->loop_thread  = pthread_self();
        pthread_mutex_unlock(&p->mu);
        if (!on)
                run_execs(p); /* requests that raced the loop's end */
}

int pipeline_loop_running(httpsrc_pipeline *p)
{
        pthread_mutex_lock(&p->mu);
        int on = p->loop_running;
        pthread_mutex_unlock(&p->mu);
        return on;
}

int pipeline_on_loop_thread(httpsrc_pipeline *p)
{
        pthread_mutex_lock(&p->mu);
        int on = p->loop_running && pthread_equal(p->loop_thread, pthread_self());
        pthread_mutex_unlock(&p->mu);
        return on;
}

const httpsrc_conf *pipeline_worker(const httpsrc_pipeline *p)
{
        return p->worker;
}

const plugin_registry *pipeline_plugins(const httpsrc_pipeline *p)
{
        return p->plugins;
}

offset_store *pipeline_offsets(const httpsrc_pipeline *p)
{
        return p->offsets;
}

const logger *pipeline_logger(const httpsrc_pipeline *p)
{
        return &p->lg;
}

const producer *pipeline_producer(const httpsrc_pipeline *p)
{
        return p->sink.prod;
}

int pipeline_kafka_problem(const httpsrc_pipeline *p, char *buf, size_t size)
{
        const char *why;
        int64_t ms = p->sink.prod ? producer_unreachable(p->sink.prod,
                                                         mono_ms(), &why)
                                  : 0;
        if (!ms)
                return 0;
        snprintf(buf, size,
                 "Kafka unreachable for %lld s: no broker of "
                 "bootstrap.servers=%s answers (%s)",
                 (long long)(ms / 1000), producer_brokers(p->sink.prod), why);
        return 1;
}

const char *pipeline_kafka_cluster_id(httpsrc_pipeline *p)
{
        return p->sink.prod ? producer_cluster_id(p->sink.prod) : NULL;
}

const struct secrets *pipeline_secrets(const httpsrc_pipeline *p)
{
        return p->local ? p->local : p->secrets;
}

void pipeline_set_log_level(httpsrc_pipeline *p, int level)
{
        p->lg.max_level = level;
}

int pipeline_set_connector_log_level(httpsrc_pipeline *p,
                                     const char *name,
                                     int level)
{
        return log_set_level(&p->lg, name, level);
}

size_t pipeline_count(const httpsrc_pipeline *p)
{
        return p->n_conns;
}

task *pipeline_at(const httpsrc_pipeline *p, size_t i)
{
        return i < p->n_conns ? p->conns[i] : NULL;
}

task *pipeline_find(const httpsrc_pipeline *p, const char *name)
{
        task *c = find(p, name);
        return c && !pipeline_deleting(p, c) ? c : NULL;
}

/* One record callback at a time: the last setter wins. */
static int set_sink(httpsrc_pipeline *p,
                    httpsrc_record_cb cb,
                    httpsrc_source_record_cb rcb,
                    void *opaque)
{
        if (p->sink.prod)
                return HTTPSRC_ERR_STATE;
        p->sink.cb     = cb;
        p->sink.rcb    = rcb;
        p->sink.opaque = opaque;
        return HTTPSRC_OK;
}

int httpsrc_pipeline_set_record_cb(httpsrc_pipeline *p,
                                   httpsrc_record_cb cb,
                                   void *opaque)
{
        return set_sink(p, cb, NULL, opaque);
}

int httpsrc_pipeline_set_source_record_cb(httpsrc_pipeline *p,
                                          httpsrc_source_record_cb cb,
                                          void *opaque)
{
        return set_sink(p, NULL, cb, opaque);
}

void httpsrc_pipeline_set_log_cb(httpsrc_pipeline *p,
                                 httpsrc_log_cb cb,
                                 void *opaque,
                                 httpsrc_log_level max_level)
{
        p->lg.cb        = cb;
        p->lg.opaque    = opaque;
        p->lg.max_level = max_level;
}

void httpsrc_pipeline_set_log_format(httpsrc_pipeline *p,
                                     httpsrc_log_format format)
{
        p->lg.format = format;
}

void httpsrc_pipeline_stop(httpsrc_pipeline *p)
{
        /* Only async-signal-safe calls here. */
        atomic_store(&p->stop_requested, 1);
        if (p->stop_pipe[1] >= 0) {
                ssize_t w = write(p->stop_pipe[1], "x", 1);
                (void)w;
        }
}

const char *httpsrc_pipeline_last_error(const httpsrc_pipeline *p)
{
        return p->last_error;
}

static void
on_delivery(void *opaque, void *msg_opaque, int err, const char *reason)
{
        task_delivered(msg_opaque, err, reason);
}

/* ------------------------------------------------------------------ */
/* the loop                                                            */

static int all_caught_up(const httpsrc_pipeline *p)
{
        for (size_t i = 0; i < p->n_conns; i++) {
                const task *c = p->conns[i];
                if (task_busy(c) || (!task_caught_up(c) && !task_is_failed(c)))
                        return 0;
        }
        return 1;
}

static int any_busy(const httpsrc_pipeline *p)
{
        for (size_t i = 0; i < p->n_conns; i++)
                if (task_busy(p->conns[i]))
                        return 1;
        return 0;
}

/* Start the polls that are due; how long the loop may then wait. Only
 * the due connectors are looked at: with 10,000 connectors and a poll a
 * millisecond, a pass over all of them per wakeup was the loop's cost.
 * All due ones are taken out before any ticks, so one a tick reschedules
 * for now waits for the next iteration instead of spinning here. */
static int tick_due(httpsrc_pipeline *p, int once, int64_t now)
{
        size_t n = 0;
        sched_node *nd;
        while ((nd = sched_pop_due(p->sched, now)))
                p->due[n++] = nd->item;
        for (size_t i = 0; i < n; i++)
                task_tick(p->due[i], now, once);
        for (size_t i = 0; i < n; i++)
                on_wake(p, p->due[i]);
        int64_t next = sched_next(p->sched);
        if (next > now + MAX_WAIT_MS)
                next = now + MAX_WAIT_MS;
        return next <= now ? 0 : (int)(next - now);
}

/* Write the offsets if due. A failure (disk full, EFBIG, a directory
 * gone) pauses polling until a retry succeeds; returns 0 if the offsets
 * are stored. */
static int flush_offsets(httpsrc_pipeline *p, int64_t now, int force)
{
        int64_t every =
            p->offsets_error[0] ? OFFSETS_RETRY_MS : p->flush_interval_ms;
        if (!force && now - p->last_flush < every)
                return p->offsets_error[0] ? -1 : 0;
        p->last_flush = now;
        char why[512];
        if (offset_store_flush(p->offsets, why, sizeof(why)) == HTTPSRC_OK) {
                if (!p->offsets_error[0])
                        return 0;
                p->offsets_error[0] = '\0';
                log_msg(&p->lg, HTTPSRC_LOG_INFO, NULL,
                        "offsets stored again; polling resumes");
                for (size_t i = 0; i < p->n_conns; i++) {
                        on_wake(p, p->conns[i]);
                        task_resume(p->conns[i]);
                }
                return 0;
        }
        p->offset_store_errors++;
        if (strcmp(p->offsets_error, why))
                log_msg(&p->lg, HTTPSRC_LOG_ERROR, NULL,
                        "offsets not stored: %s; polling paused until they "
                        "can be (tried again every %d ms)",
                        why, OFFSETS_RETRY_MS);
        snprintf(p->offsets_error, sizeof(p->offsets_error), "%s", why);
        return -1;
}

const char *pipeline_offsets_error(const httpsrc_pipeline *p)
{
        return p->offsets_error[0] ? p->offsets_error : NULL;
}

uint64_t pipeline_offset_store_errors(const httpsrc_pipeline *p)
{
        return p->offset_store_errors;
}

static void loop_once(httpsrc_pipeline *p, int timeout_ms)
{
        struct curl_waitfd fds[2] = {
            {.fd = p->stop_pipe[0], .events = CURL_WAIT_POLLIN},
            {.fd     = p->sink.prod ? producer_fd(p->sink.prod) : -1,
             .events = CURL_WAIT_POLLIN}};
        http_client_poll(p->http, fds, p->sink.prod ? 2 : 1, timeout_ms);
        /* Only delivery reports move offsets or make room in the queue:
         * without any, no connector needs a look. */
        if (!p->sink.prod || producer_serve(p->sink.prod) <= 0)
                return;
        const char *fatal = producer_fatal(p->sink.prod);
        for (size_t i = 0; i < p->n_conns; i++) {
                task_commit_acks(p->conns[i]);
                if (fatal)
                        task_stop(p->conns[i]);
                task_resume(p->conns[i]);
        }
}

static void begin_stop(httpsrc_pipeline *p, const char *why)
{
        log_msg(&p->lg, HTTPSRC_LOG_INFO, NULL,
                "%s: waiting for outstanding records to be acknowledged", why);
        for (size_t i = 0; i < p->n_conns; i++)
                task_stop(p->conns[i]);
}

/* --once and no broker answered for kafka.unreachable.timeout.ms while
 * records wait: fail every connector that has some, with what it read and
 * what was acknowledged, instead of waiting forever. Returns 1 if so. */
static int kafka_gave_up(httpsrc_pipeline *p)
{
        char why[768], msg[1200];
        if (!p->sink.prod || p->kafka_timeout_ms <= 0 || !any_busy(p) ||
            producer_unreachable(p->sink.prod, mono_ms(), NULL) <
                p->kafka_timeout_ms ||
            !pipeline_kafka_problem(p, why, sizeof(why)))
                return 0;
        for (size_t i = 0; i < p->n_conns; i++) {
                task *c           = p->conns[i];
                httpsrc_metrics m = {.struct_size = sizeof(m)};
                if (!task_busy(c))
                        continue;
                task_metrics(c, &m);
                snprintf(msg, sizeof(msg),
                         "%s; %llu records read, %llu acknowledged: the "
                         "offset stays before the rest and the next run "
                         "reads them again (check bootstrap.servers and "
                         "the brokers; kafka.unreachable.timeout.ms=%lld "
                         "bounds this wait)",
                         why, (unsigned long long)m.records_polled,
                         (unsigned long long)m.records_acked,
                         (long long)p->kafka_timeout_ms);
                task_fail(c, msg);
        }
        return 1;
}

/* The end of a --once run in one line: what was read, delivered and
 * stored, so that a run that did nothing is seen to. */
static void log_summary(httpsrc_pipeline *p)
{
        uint64_t read = 0, acked = 0, pages = 0;
        size_t failed = 0;
        strbuf offs   = {0};
        for (size_t i = 0; i < p->n_conns; i++) {
                const task *c      = p->conns[i];
                httpsrc_metrics m  = {.struct_size = sizeof(m)};
                task_metrics(c, &m);
                read += m.records_polled;
                acked += m.records_acked;
                pages += task_pages(c);
                failed += task_is_failed(c) != 0;
                const char *o = task_offset(c);
                sb_printf(&offs, "%s%s %s", i ? ", " : "", task_name(c),
                          o ? o : "(none)");
        }
        const char *file =
            httpsrc_conf_get(p->worker, "offset.storage.file.filename");
        const char *topic = httpsrc_conf_get(p->worker, "offset.storage.topic");
        log_msg(&p->lg, HTTPSRC_LOG_INFO, NULL,
                "run once done: %zu connector%s (%zu failed), %llu page%s fetched, "
                "%llu records read, %llu acknowledged; offsets in %s%s: %s",
                p->n_conns, p->n_conns == 1 ? "" : "s", failed,
                (unsigned long long)pages, pages == 1 ? "" : "s",
                (unsigned long long)read, (unsigned long long)acked,
                topic && *topic ? "topic " : "",
                topic && *topic ? topic : file && *file ? file : "memory",
                offs.buf ? offs.buf : "");
        sb_free(&offs);
}

/* Every failed connector is named ("connector 'a' failed: ...; connector
 * 'b' failed: ..."), not only the first: 1 if any failed. */
static int name_failed(httpsrc_pipeline *p)
{
        size_t len = 0, n = 0;
        for (size_t i = 0; i < p->n_conns; i++) {
                if (!task_is_failed(p->conns[i]))
                        continue;
                int w =
                    snprintf(p->last_error + len, sizeof(p->last_error) - len,
                             "%sconnector '%s' failed: %s", n ? "; " : "",
                             task_name(p->conns[i]), task_failure(p->conns[i]));
                n++;
                if (w < 0 || (size_t)w >= sizeof(p->last_error) - len)
                        break; /* full: the first ones are named */
                len += (size_t)w;
        }
        return n > 0;
}

static int finish(httpsrc_pipeline *p)
{
        int unstored = flush_offsets(p, mono_ms(), 1);
        if (!unstored)
                log_msg(&p->lg, HTTPSRC_LOG_DEBUG, NULL,
                        "offsets stored, stopping");
        if (any_busy(p))
                log_msg(&p->lg, HTTPSRC_LOG_WARN, NULL,
                        "stopped with records unacknowledged; their "
                        "offsets were not stored and they will be read "
                        "again");
        p->last_error[0] = '\0';
        if (p->run_once)
                log_summary(p);
        if (name_failed(p))
                return HTTPSRC_ERR_STATE;
        if (p->sink.prod && producer_fatal(p->sink.prod)) {
                snprintf(p->last_error, sizeof(p->last_error), "%s",
                         producer_fatal(p->sink.prod));
                return HTTPSRC_ERR_KAFKA;
        }
        if (unstored) {
                snprintf(p->last_error, sizeof(p->last_error),
                         "offsets not stored: %s (the records after the last "
                         "stored offsets will be read again)",
                         p->offsets_error);
                return HTTPSRC_ERR_IO;
        }
        return HTTPSRC_OK;
}

int httpsrc_pipeline_start(httpsrc_pipeline *p, int flags)
{
        if (p->running)
                return HTTPSRC_ERR_STATE;
        if (!p->sink.cb && !p->sink.rcb && !p->sink.prod) {
                p->sink.prod =
                    producer_new(p->worker, &p->lg, on_delivery, p,
                                 p->last_error, sizeof(p->last_error));
                if (!p->sink.prod)
                        return HTTPSRC_ERR_KAFKA;
                for (size_t i = 0; i < p->n_conns; i++)
                        if (task_topic(p->conns[i])) /* not failed */
                                producer_prepare_topic(p->sink.prod,
                                                       task_topic(p->conns[i]));
        }
        /* Wakeups depend on the mode (in once mode a caught-up connector
         * needs none): reschedule every connector for this run. */
        p->run_once = flags & HTTPSRC_RUN_ONCE;
        for (size_t i = 0; i < p->n_conns; i++)
                on_wake(p, p->conns[i]);
        p->deadline = 0;
        p->running  = 1;
        set_loop_running(p, 1);
        return HTTPSRC_OK;
}

/* --once, every connector caught up: nothing more will be queued, so the
 * last records need not wait linger.ms (5 ms in the bench, 1/50 of the
 * throughput job) before they go. Their reports are served meanwhile;
 * the offsets move over them here, as after producer_serve(). */
static void flush_last(httpsrc_pipeline *p)
{
        if (!p->sink.prod || !any_busy(p))
                return;
        producer_flush(p->sink.prod, 50);
        for (size_t i = 0; i < p->n_conns; i++)
                task_commit_acks(p->conns[i]);
}

/* Start the due polls and the drain when the run is to end; how long the
 * loop may wait, or -1 when the run is over. */
static int before_wait(httpsrc_pipeline *p)
{
        int once    = p->run_once;
        int64_t now = mono_ms();
        int wait    = 100; /* while draining: watch the deadline */
        if (!p->deadline) {
                wait = tick_due(p, once, now);
                if (atomic_load(&p->stop_requested)) {
                        begin_stop(p, "stop requested");
                        p->deadline = now + STOP_DRAIN_MS;
                } else if (once && p->offsets_error[0]) {
                        /* a run that ends must end stored */
                        begin_stop(p, "offsets cannot be stored");
                        p->deadline = now + STOP_DRAIN_MS;
                } else if (once && all_caught_up(p)) {
                        for (size_t i = 0; i < p->n_conns; i++)
                                task_end_transaction(p->conns[i]);
                        p->deadline = now + STOP_DRAIN_MS;
                        flush_last(p);
                }
        }
        if (p->deadline && (!any_busy(p) || now >= p->deadline))
                return -1;
        if (once && kafka_gave_up(p))
                return -1;
        return p->deadline ? 100 : wait;
}

/* What the loop reacts to: the wake pipe, the producer, curl's sockets. */
static void watch_fds(httpsrc_pipeline *p)
{
        struct pollfd fds[64];
        size_t n         = 0;
        fds[n++]         = (struct pollfd){.fd = p->stop_pipe[0], .events = POLLIN};
        if (p->sink.prod)
                fds[n++] = (struct pollfd){.fd     = producer_fd(p->sink.prod),
                                           .events = POLLIN};
        n += http_client_fds(p->http, fds + n, sizeof(fds) / sizeof(*fds) - n);
        loopfd_set(p->lfd, fds, n);
}

/* How long the caller may wait for the fd before the next step. */
static int next_wait(httpsrc_pipeline *p)
{
        int64_t now = mono_ms();
        int64_t w   = p->deadline ? 100 : sched_next(p->sched) - now;
        long curl   = http_client_timeout(p->http);
        if (w > MAX_WAIT_MS)
                w = MAX_WAIT_MS;
        if (curl >= 0 && curl < w)
                w = curl;
        return w < 0 ? 0 : (int)w;
}

/* pipeline_exec() function: the tick that says no other follows. */
static void last_tick(httpsrc_pipeline *p, void *arg)
{
        p->on_tick(p->on_tick_opaque, 1);
}

static int end_run(httpsrc_pipeline *p)
{
        /* finish() while REST requests still queue for the loop: only
         * afterwards may they run on their own threads. */
        int rc = finish(p);
        set_loop_running(p, 0);
        if (p->on_tick) /* serialized with those requests */
                pipeline_exec(p, last_tick, NULL);
        atomic_store(&p->stop_requested, 0);
        p->running = 0;
        return rc;
}

int httpsrc_pipeline_step(httpsrc_pipeline *p, int timeout_ms, int *next_ms)
{
        if (next_ms)
                *next_ms = 0;
        if (!p->running)
                return HTTPSRC_ERR_STATE;
        int wait = before_wait(p);
        if (wait < 0) {
                int rc = end_run(p);
                return rc == HTTPSRC_OK ? HTTPSRC_DONE : rc;
        }
        loop_once(p, timeout_ms >= 0 && timeout_ms < wait ? timeout_ms : wait);
        char buf[64];
        while (read(p->stop_pipe[0], buf, sizeof(buf)) > 0)
                ;
        run_execs(p);
        if (atomic_exchange(&p->reload_requested, 0) && p->reloader)
                reloader_run(p->reloader, p);
        run_pending(p);
        if (p->on_tick)
                p->on_tick(p->on_tick_opaque, 0);
        flush_offsets(p, mono_ms(), 0);
        if (p->lfd)
                watch_fds(p);
        if (next_ms)
                *next_ms = next_wait(p);
        return HTTPSRC_OK;
}

int httpsrc_pipeline_fd(httpsrc_pipeline *p)
{
        if (!p->lfd &&
            !(p->lfd = loopfd_new(p->last_error, sizeof(p->last_error))))
                return HTTPSRC_ERR_IO;
        watch_fds(p);
        return loopfd_fd(p->lfd);
}

int httpsrc_pipeline_run(httpsrc_pipeline *p, int flags)
{
        int rc = httpsrc_pipeline_start(p, flags);
        while (rc == HTTPSRC_OK)
                rc = httpsrc_pipeline_step(p, -1, NULL);
        return rc == HTTPSRC_DONE ? HTTPSRC_OK : rc;
}

int httpsrc_pipeline_metrics(const httpsrc_pipeline *p,
                             const char *name,
                             httpsrc_metrics *m)
{
        const task *c = find(p, name);
        if (!c || !m)
                return HTTPSRC_ERR_NOENT;
        task_metrics(c, m);
        return HTTPSRC_OK;
}

int httpsrc_pipeline_offset(const httpsrc_pipeline *p,
                            const char *name,
                            char *buf,
                            size_t size)
{
        const task *c = find(p, name);
        if (!c)
                return HTTPSRC_ERR_NOENT;
        const char *o = task_offset(c);
        int n         = snprintf(buf, size, "%s", o ? o : "null");
        return n < 0 || (size_t)n >= size ? HTTPSRC_ERR_LIMIT : HTTPSRC_OK;
}

size_t httpsrc_pipeline_component_count(const httpsrc_pipeline *p,
                                        httpsrc_component_kind kind)
{
        return plugin_registry_count(p->plugins, kind);
}

int httpsrc_pipeline_component_info(const httpsrc_pipeline *p,
                                    httpsrc_component_kind kind,
                                    size_t i,
                                    const char **name,
                                    const char **description,
                                    const httpsrc_param_desc **params)
{
        const plugin_component *pc = plugin_registry_at(p->plugins, kind, i);
        if (!pc)
                return HTTPSRC_ERR_NOENT;
        if (name)
                *name = pc->name;
        if (description)
                *description = pc->ops.source.description;
        if (params)
                *params = pc->ops.source.params;
        return HTTPSRC_OK;
}

void pipeline_set_tick_cb(httpsrc_pipeline *p,
                          void (*cb)(void *opaque, int last),
                          void *opaque)
{
        p->on_tick        = cb;
        p->on_tick_opaque = opaque;
}
