/* config store module: see config_store_int.h. */
#include "config_store_int.h"

#include "fileio_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_int.h"
#include "json_int.h"
#include "util_int.h"

/* A config file larger than this is certainly not ours. */
#define MAX_FILE_BYTES (64 * 1024 * 1024)

/* A connector's active topics (KIP-558), kept across restarts. */
typedef struct topics_entry {
        char *name;
        char **topics;
        size_t n;
} topics_entry;

/* A task config read before its commit record (deferredTaskUpdates). */
typedef struct deferred_task {
        char *connector;
        int task;
        kvlist props;
} deferred_task;

/* A target state of a connector with no config (yet, or any more). */
typedef struct orphan_target {
        char *name;
        int target;
} orphan_target;

struct config_store {
        const config_store_ops *ops;
        void *be;
        char *path;
        config_entry **entries;
        size_t n;
        topics_entry *topics;
        size_t n_topics;
        deferred_task *deferred;
        size_t n_deferred;
        orphan_target *orphans;
        size_t n_orphans;
        int64_t offset;
        int started;
        config_listener_fn listener;
        void *listener_opaque;
};

/* The target states a connector is stored with. */
static const int targets[] = {HTTPSRC_STATE_RUNNING, HTTPSRC_STATE_PAUSED,
                              HTTPSRC_STATE_STOPPED};

const char *config_store_target_name(int target)
{
        for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
                if (targets[i] == target)
                        return httpsrc_state_name(target);
        return NULL;
}

static int target_of(const char *name)
{
        for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
                if (!strcmp(httpsrc_state_name(targets[i]), name))
                        return targets[i];
        return -1;
}

static void tasks_free(kvlist *t, size_t n)
{
        for (size_t i = 0; t && i < n; i++)
                kvl_free(&t[i]);
        free(t);
}

static void entry_free(config_entry *e)
{
        if (!e)
                return;
        kvl_free(&e->config);
        free(e->name);
        tasks_free(e->tasks, e->n_tasks);
        free(e);
}

/* A new entry with a copy of @p config (NULL: none yet). */
static config_entry *
entry_new(const char *name, int target, const kvlist *config)
{
        config_entry *e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        e->target          = target;
        e->task_generation = -1;
        e->fenced_count    = -1;
        e->name            = xstrdup(name);
        if (!e->name || kvl_append(&e->config, config)) {
                entry_free(e);
                return NULL;
        }
        return e;
}

static ssize_t find_index(const config_store *s, const char *name)
{
        for (size_t i = 0; name && i < s->n; i++)
                if (!strcmp(s->entries[i]->name, name))
                        return (ssize_t)i;
        return -1;
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

/* One "<name>": {"config": {...}, "target": "..."} member. */
static config_entry *
parse_entry(const char *name, const httpsrc_json *v, char *why, size_t why_size)
{
        const httpsrc_json *cfg = json_get(v, "config");
        const httpsrc_json *tgt = json_get(v, "target");
        if (json_type(v) != HTTPSRC_JSON_OBJECT ||
            json_type(cfg) != HTTPSRC_JSON_OBJECT) {
                errstr_set(why, why_size,
                           "connector '%s' has no \"config\" object", name);
                return NULL;
        }
        int target = HTTPSRC_STATE_RUNNING;
        if (tgt && (json_type(tgt) != HTTPSRC_JSON_STRING ||
                    (target = target_of(json_string(tgt))) < 0)) {
                errstr_set(why, why_size,
                           "connector '%s': \"target\" must be RUNNING, "
                           "PAUSED or STOPPED",
                           name);
                return NULL;
        }
        config_entry *e = entry_new(name, target, NULL);
        if (!e) {
                errstr_set(why, why_size, "out of memory");
                return NULL;
        }
        for (size_t i = 0; i < json_len(cfg); i++) {
                const httpsrc_json *val = json_at(cfg, i);
                if (json_type(val) != HTTPSRC_JSON_STRING) {
                        errstr_set(why, why_size,
                                   "connector '%s': value of \"%s\" is not "
                                   "a string",
                                   name, json_key_at(cfg, i));
                        entry_free(e);
                        return NULL;
                }
                if (kvl_add(&e->config, json_key_at(cfg, i),
                            json_string(val))) {
                        errstr_set(why, why_size, "out of memory");
                        entry_free(e);
                        return NULL;
                }
        }
        return e;
}

/* "topics": {"<name>": ["t", ...]}; optional (older files have none). */
static int parse_topics(config_store *s,
                        const httpsrc_json *doc,
                        char *why,
                        size_t why_size)
{
        const httpsrc_json *all = json_get(doc, "topics");
        if (!all)
                return HTTPSRC_OK;
        for (size_t i = 0; json_type(all) == HTTPSRC_JSON_OBJECT &&
                           i < json_len(all);
             i++) {
                const httpsrc_json *list = json_at(all, i);
                size_t n = json_type(list) == HTTPSRC_JSON_ARRAY ? json_len(list)
                                                                 : 0;
                char **t = calloc(n ? n : 1, sizeof(*t));
                int bad  = !t;
                for (size_t k = 0; !bad && k < n; k++)
                        bad = json_type(json_at(list, k)) !=
                                  HTTPSRC_JSON_STRING ||
                              !(t[k] = xstrdup(json_string(json_at(list, k))));
                bad = bad || config_store_set_topics(s, json_key_at(all, i), t,
                                                     n);
                strv_free(t, n);
                if (bad) {
                        errstr_set(why, why_size,
                                   "\"topics\" of '%s': not a list of names",
                                   json_key_at(all, i));
                        return HTTPSRC_ERR_PARSE;
                }
        }
        if (json_type(all) != HTTPSRC_JSON_OBJECT) {
                errstr_set(why, why_size, "\"topics\" is not an object");
                return HTTPSRC_ERR_PARSE;
        }
        return HTTPSRC_OK;
}

static int
parse_doc(config_store *s, const httpsrc_json *doc, char *why, size_t why_size)
{
        const httpsrc_json *conns = json_get(doc, "connectors");
        if (json_type(doc) != HTTPSRC_JSON_OBJECT ||
            json_type(conns) != HTTPSRC_JSON_OBJECT) {
                errstr_set(why, why_size, "no \"connectors\" object");
                return HTTPSRC_ERR_PARSE;
        }
        size_t n   = json_len(conns);
        s->entries = calloc(n ? n : 1, sizeof(*s->entries));
        if (!s->entries) {
                errstr_set(why, why_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                const char *name = json_key_at(conns, i);
                if (find_index(s, name) >= 0) {
                        errstr_set(why, why_size,
                                   "connector '%s' appears twice", name);
                        return HTTPSRC_ERR_PARSE;
                }
                config_entry *e =
                    parse_entry(name, json_at(conns, i), why, why_size);
                if (!e)
                        return HTTPSRC_ERR_PARSE;
                s->entries[s->n++] = e;
        }
        return parse_topics(s, doc, why, why_size);
}

static int
read_all(const char *path, strbuf *out, char *errstr, size_t errstr_size)
{
        int err;
        int rc = fileio_read(path, MAX_FILE_BYTES, out, &err);
        if (rc == HTTPSRC_ERR_NOENT)
                return HTTPSRC_OK; /* nothing stored yet */
        if (rc == HTTPSRC_ERR_LIMIT)
                errstr_set(errstr, errstr_size, "%s: larger than %d bytes",
                           path, MAX_FILE_BYTES);
        else if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
        else if (rc)
                errstr_set(errstr, errstr_size, "%s: cannot read: %s", path,
                           strerror(err));
        return rc;
}

static int load(config_store *s, char *errstr, size_t errstr_size)
{
        strbuf text  = {0};
        int rc       = read_all(s->path, &text, errstr, errstr_size);
        size_t start = 0;
        while (start < text.len &&
               json_is_space((unsigned char)text.buf[start]))
                start++;
        if (rc || start == text.len) {
                sb_free(&text);
                return rc;
        }
        char why[512];
        httpsrc_json *doc = json_parse(text.buf, text.len, why, sizeof(why));
        sb_free(&text);
        rc = doc ? parse_doc(s, doc, why, sizeof(why)) : HTTPSRC_ERR_PARSE;
        json_destroy(doc);
        if (rc)
                errstr_set(errstr, errstr_size,
                           "%s: not a connector config file: %s", s->path, why);
        return rc;
}

static int file_save(void *be, config_store *s, char *errstr,
                     size_t errstr_size);
static int file_put_connector(void *be,
                              config_store *s,
                              const char *name,
                              const kvlist *props,
                              int target,
                              char *errstr,
                              size_t errstr_size)
{
        return file_save(be, s, errstr, errstr_size);
}
static int file_remove_connector(void *be,
                                 config_store *s,
                                 const char *name,
                                 char *errstr,
                                 size_t errstr_size)
{
        return file_save(be, s, errstr, errstr_size);
}
static int file_put_target(void *be,
                           config_store *s,
                           const char *name,
                           int target,
                           char *errstr,
                           size_t errstr_size)
{
        return file_save(be, s, errstr, errstr_size);
}

/* Task configs are not in the file: a standalone host makes them again. */
static const config_store_ops file_ops = {
    .name             = "file",
    .put_connector    = file_put_connector,
    .remove_connector = file_remove_connector,
    .put_target       = file_put_target,
    .save             = file_save,
};
static const config_store_ops memory_ops = {.name = "memory"};

config_store *config_store_new(const config_store_ops *ops, void *be)
{
        config_store *s = calloc(1, sizeof(*s));
        if (!s) {
                if (ops->destroy)
                        ops->destroy(be);
                return NULL;
        }
        s->ops    = ops;
        s->be     = be;
        s->offset = -1;
        return s;
}

config_store *
config_store_open(const char *path, char *errstr, size_t errstr_size)
{
        config_store *s = config_store_new(path ? &file_ops : &memory_ops,
                                           NULL);
        if (!s || (path && !(s->path = xstrdup(path)))) {
                config_store_destroy(s);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (s->path && load(s, errstr, errstr_size) != HTTPSRC_OK) {
                config_store_destroy(s);
                return NULL;
        }
        s->started = 1;
        return s;
}

static void deferred_free(deferred_task *d)
{
        free(d->connector);
        kvl_free(&d->props);
}

void config_store_destroy(config_store *s)
{
        if (!s)
                return;
        if (s->ops->destroy)
                s->ops->destroy(s->be);
        for (size_t i = 0; i < s->n; i++)
                entry_free(s->entries[i]);
        free(s->entries);
        config_store_clear_topics(s);
        free(s->topics);
        for (size_t i = 0; i < s->n_deferred; i++)
                deferred_free(&s->deferred[i]);
        free(s->deferred);
        for (size_t i = 0; i < s->n_orphans; i++)
                free(s->orphans[i].name);
        free(s->orphans);
        free(s->path);
        free(s);
}

/* ------------------------------------------------------------------ */
/* saving                                                              */

static int serialize(const config_store *s, strbuf *sb)
{
        int bad = sb_puts(sb, "{\"connectors\":{");
        for (size_t i = 0; !bad && i < s->n; i++) {
                const config_entry *e = s->entries[i];
                bad                   = (i && sb_putc(sb, ',')) ||
                      json_write_string(sb, e->name, strlen(e->name)) ||
                      sb_puts(sb, ":{\"config\":{");
                for (size_t k = 0; !bad && k < e->config.n; k++) {
                        const kv *p = &e->config.v[k];
                        bad         = (k && sb_putc(sb, ',')) ||
                              json_write_string(sb, p->key, strlen(p->key)) ||
                              sb_putc(sb, ':') ||
                              json_write_string(sb, p->value,
                                                strlen(p->value));
                }
                bad = bad || sb_puts(sb, "},\"target\":\"") ||
                      sb_puts(sb, config_store_target_name(e->target)) ||
                      sb_puts(sb, "\"}");
        }
        /* Topics only when some are kept: the file stays as it was. */
        if (!s->n_topics)
                return bad || sb_puts(sb, "}}\n") ? HTTPSRC_ERR_NOMEM
                                                  : HTTPSRC_OK;
        bad = bad || sb_puts(sb, "},\"topics\":{");
        for (size_t i = 0; !bad && i < s->n_topics; i++) {
                const topics_entry *t = &s->topics[i];
                bad                   = (i && sb_putc(sb, ',')) ||
                      json_write_string(sb, t->name, strlen(t->name)) ||
                      sb_puts(sb, ":[");
                for (size_t k = 0; !bad && k < t->n; k++)
                        bad = (k && sb_putc(sb, ',')) ||
                              json_write_string(sb, t->topics[k],
                                                strlen(t->topics[k]));
                bad = bad || sb_putc(sb, ']');
        }
        return bad || sb_puts(sb, "}}\n") ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static int
file_save(void *be, config_store *s, char *errstr, size_t errstr_size)
{
        strbuf sb = {0};
        int rc    = serialize(s, &sb);
        if (rc)
                errstr_set(errstr, errstr_size, "%s: out of memory", s->path);
        else
                rc = fileio_write_atomic(s->path, &sb, 0600, errstr,
                                         errstr_size);
        sb_free(&sb);
        return rc;
}

/* ------------------------------------------------------------------ */
/* queries and changes                                                 */

const char *config_store_path(const config_store *s)
{
        return s->path;
}

size_t config_store_count(const config_store *s)
{
        return s->n;
}

const config_entry *config_store_at(const config_store *s, size_t i)
{
        return i < s->n ? s->entries[i] : NULL;
}

const config_entry *config_store_get(const config_store *s, const char *name)
{
        ssize_t i = find_index(s, name);
        return i < 0 ? NULL : s->entries[i];
}

/* The backend's save of everything (the file's image), if it has one. */
static int save(config_store *s, char *errstr, size_t errstr_size)
{
        return s->ops->save ? s->ops->save(s->be, s, errstr, errstr_size)
                            : HTTPSRC_OK;
}

/* Replace or add @p e (taking it) locally; the one it replaced, or NULL.
 * The new entry keeps the old one's task state. */
static config_entry *swap_in(config_store *s, config_entry *e, ssize_t *at)
{
        ssize_t i         = find_index(s, e->name);
        config_entry *old = i >= 0 ? s->entries[i] : NULL;
        *at               = i;
        if (!old) {
                s->entries[s->n++] = e;
                return NULL;
        }
        s->entries[i] = e;
        return old;
}

/* The task configs and their state go with the connector's new config
 * (Connect keeps them apart from the connector config). */
static void task_state_move(config_entry *to, config_entry *from)
{
        to->n_tasks          = from->n_tasks;
        to->tasks            = from->tasks;
        to->inconsistent     = from->inconsistent;
        to->task_generation  = from->task_generation;
        to->pending_fencing  = from->pending_fencing;
        to->fenced_count     = from->fenced_count;
        from->n_tasks        = 0;
        from->tasks          = NULL;
}

/* Store the new entry @p e (taken; NULL: out of memory) of @p name. */
static int put_entry(config_store *s,
                     const char *name,
                     config_entry *e,
                     int target,
                     char *errstr,
                     size_t errstr_size)
{
        config_entry **grown =
            e ? realloc(s->entries, (s->n + 1) * sizeof(*grown)) : NULL;
        if (!grown) {
                entry_free(e);
                errstr_set(errstr, errstr_size, "%s: out of memory",
                           s->path ? s->path : "config store");
                return HTTPSRC_ERR_NOMEM;
        }
        s->entries = grown;
        if (s->ops->reads_back) { /* the read back applies it */
                int rc = s->ops->put_connector(s->be, s, name, &e->config,
                                               target, errstr, errstr_size);
                entry_free(e);
                return rc;
        }
        ssize_t i;
        config_entry *old = swap_in(s, e, &i);
        if (old)
                task_state_move(e, old);
        int rc = s->ops->put_connector
                     ? s->ops->put_connector(s->be, s, name, &e->config,
                                             target, errstr, errstr_size)
                     : HTTPSRC_OK;
        if (rc && old) {
                task_state_move(old, e);
                s->entries[i] = old;
        } else if (rc)
                s->n--;
        entry_free(rc ? e : old);
        return rc;
}

static int check_put(const char *name,
                     const kvlist *config,
                     int target,
                     char *errstr,
                     size_t errstr_size)
{
        for (size_t i = 0; config && i < config->n; i++)
                if (!config->v[i].value) {
                        errstr_set(errstr, errstr_size,
                                   "invalid argument: config key '%s' has "
                                   "no value",
                                   config->v[i].key);
                        return HTTPSRC_ERR_INVAL;
                }
        if (name && config &&
            (target == CONFIG_TARGET_KEEP || config_store_target_name(target)))
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "invalid argument: no name, no conf or a target other "
                   "than RUNNING, PAUSED, STOPPED");
        return HTTPSRC_ERR_INVAL;
}

/* The target a put leaves locally: CONFIG_TARGET_KEEP keeps the current
 * one (a new connector: RUNNING). */
static int local_target(const config_store *s, const char *name, int target)
{
        const config_entry *cur = config_store_get(s, name);
        return target != CONFIG_TARGET_KEEP ? target
               : cur                        ? cur->target
                                            : HTTPSRC_STATE_RUNNING;
}

int config_store_put(config_store *s,
                     const char *name,
                     const httpsrc_conf *conf,
                     int target,
                     char *errstr,
                     size_t errstr_size)
{
        return config_store_put_props(s, name, conf ? conf_pairs(conf) : NULL,
                                      target, errstr, errstr_size);
}

int config_store_put_props(config_store *s,
                           const char *name,
                           const kvlist *props,
                           int target,
                           char *errstr,
                           size_t errstr_size)
{
        int rc = check_put(name, props, target, errstr, errstr_size);
        return rc ? rc
                  : put_entry(s, name,
                              entry_new(name, local_target(s, name, target),
                                        props),
                              target, errstr, errstr_size);
}

int config_store_remove(config_store *s,
                        const char *name,
                        char *errstr,
                        size_t errstr_size)
{
        ssize_t i = find_index(s, name);
        if (i < 0)
                return HTTPSRC_OK;
        if (s->ops->reads_back)
                return s->ops->remove_connector(s->be, s, name, errstr,
                                                errstr_size);
        config_entry *old = s->entries[i];
        memmove(&s->entries[i], &s->entries[i + 1],
                (s->n - (size_t)i - 1) * sizeof(*s->entries));
        s->n--;
        int rc = s->ops->remove_connector
                     ? s->ops->remove_connector(s->be, s, name, errstr,
                                                errstr_size)
                     : HTTPSRC_OK;
        if (rc) { /* put it back where it was */
                memmove(&s->entries[i + 1], &s->entries[i],
                        (s->n - (size_t)i) * sizeof(*s->entries));
                s->entries[i] = old;
                s->n++;
                return rc;
        }
        entry_free(old);
        return HTTPSRC_OK;
}

int config_store_put_target(config_store *s,
                            const char *name,
                            int target,
                            char *errstr,
                            size_t errstr_size)
{
        ssize_t i = find_index(s, name);
        if (!config_store_target_name(target)) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: a target other than RUNNING, "
                           "PAUSED, STOPPED");
                return HTTPSRC_ERR_INVAL;
        }
        if (i < 0) {
                errstr_set(errstr, errstr_size, "connector '%s' not found",
                           name);
                return HTTPSRC_ERR_NOENT;
        }
        if (s->ops->reads_back)
                return s->ops->put_target(s->be, s, name, target, errstr,
                                          errstr_size);
        int old                = s->entries[i]->target;
        s->entries[i]->target = target;
        int rc = s->ops->put_target ? s->ops->put_target(s->be, s, name,
                                                         target, errstr,
                                                         errstr_size)
                                    : HTTPSRC_OK;
        if (rc)
                s->entries[i]->target = old;
        return rc;
}

/* Install @p n copies of @p tasks as @p e's committed task configs. */
static int install_tasks(config_entry *e, size_t n, const kvlist *tasks)
{
        kvlist *t   = calloc(n ? n : 1, sizeof(*t));
        size_t done = 0;
        while (t && done < n && !kvl_append(&t[done], &tasks[done]))
                done++;
        if (!t || done < n) {
                tasks_free(t, done);
                return HTTPSRC_ERR_NOMEM;
        }
        tasks_free(e->tasks, e->n_tasks);
        e->tasks        = t;
        e->n_tasks      = n;
        e->inconsistent = 0;
        e->task_generation++;
        return HTTPSRC_OK;
}

int config_store_put_tasks(config_store *s,
                           const char *name,
                           size_t n,
                           const kvlist *tasks,
                           char *errstr,
                           size_t errstr_size)
{
        ssize_t i = find_index(s, name);
        if (i < 0) {
                errstr_set(errstr, errstr_size, "connector '%s' not found",
                           name);
                return HTTPSRC_ERR_NOENT;
        }
        if (s->ops->reads_back)
                return s->ops->put_tasks(s->be, s, name, n, tasks, errstr,
                                         errstr_size);
        int rc = install_tasks(s->entries[i], n, tasks);
        if (rc)
                errstr_set(errstr, errstr_size, "out of memory");
        return rc;
}

size_t config_store_tasks(const config_store *s,
                          const char *name,
                          const kvlist **tasks)
{
        const config_entry *e = config_store_get(s, name);
        *tasks                = e && !e->inconsistent ? e->tasks : NULL;
        return *tasks ? e->n_tasks : 0;
}

size_t config_store_topics(const config_store *s,
                           const char *name,
                           char *const **topics)
{
        for (size_t i = 0; i < s->n_topics; i++)
                if (!strcmp(s->topics[i].name, name)) {
                        *topics = s->topics[i].topics;
                        return s->topics[i].n;
                }
        *topics = NULL;
        return 0;
}

int config_store_set_topics(config_store *s,
                            const char *name,
                            char *const *topics,
                            size_t n)
{
        size_t i = 0;
        while (i < s->n_topics && strcmp(s->topics[i].name, name))
                i++;
        char **copy = calloc(n ? n : 1, sizeof(*copy));
        int bad     = !copy;
        for (size_t k = 0; !bad && k < n; k++)
                bad = !(copy[k] = xstrdup(topics[k]));
        if (!bad && i == s->n_topics) {
                topics_entry *nt =
                    realloc(s->topics, (s->n_topics + 1) * sizeof(*nt));
                char *dup = nt ? xstrdup(name) : NULL;
                if (nt)
                        s->topics = nt;
                bad = !dup;
                if (dup)
                        s->topics[s->n_topics++] =
                            (topics_entry){dup, NULL, 0};
        }
        if (bad) {
                strv_free(copy, n);
                return HTTPSRC_ERR_NOMEM;
        }
        strv_free(s->topics[i].topics, s->topics[i].n);
        s->topics[i].topics = copy;
        s->topics[i].n      = n;
        return HTTPSRC_OK;
}

void config_store_clear_topics(config_store *s)
{
        for (size_t i = 0; i < s->n_topics; i++) {
                free(s->topics[i].name);
                strv_free(s->topics[i].topics, s->topics[i].n);
        }
        s->n_topics = 0;
}

int config_store_save(config_store *s, char *errstr, size_t errstr_size)
{
        return save(s, errstr, errstr_size);
}

/* ------------------------------------------------------------------ */
/* backends: records read back (Connect's KafkaConfigBackingStore       */
/* ConsumeCallback and its process*Record functions)                    */

const char *config_store_backend(const config_store *s)
{
        return s->ops->name;
}

void *config_store_backend_data(const config_store *s,
                                const config_store_ops *ops)
{
        return s->ops == ops ? s->be : NULL;
}

int64_t config_store_offset(const config_store *s)
{
        return s->offset;
}

void config_store_set_offset(config_store *s, int64_t offset)
{
        s->offset = offset;
}

void config_store_set_started(config_store *s)
{
        s->started = 1;
}

void config_store_set_listener(config_store *s,
                               config_listener_fn fn,
                               void *opaque)
{
        s->listener        = fn;
        s->listener_opaque = opaque;
}

int config_store_refresh(config_store *s, char *errstr, size_t errstr_size)
{
        return s->ops->refresh ? s->ops->refresh(s->be, s, errstr, errstr_size)
                               : HTTPSRC_OK;
}

static void
tell(config_store *s, config_event_kind kind, const char *name, int tasks,
     int failed)
{
        if (!s->started || !s->listener)
                return;
        config_event ev = {kind, name, s->offset, tasks, failed};
        s->listener(s->listener_opaque, &ev);
}

static ssize_t find_orphan(const config_store *s, const char *name)
{
        for (size_t i = 0; i < s->n_orphans; i++)
                if (!strcmp(s->orphans[i].name, name))
                        return (ssize_t)i;
        return -1;
}

static void drop_orphan(config_store *s, ssize_t i)
{
        if (i < 0)
                return;
        free(s->orphans[i].name);
        s->orphans[i] = s->orphans[--s->n_orphans];
}

/* Keep @p target for @p name, which has no config. */
static int keep_orphan(config_store *s, const char *name, int target)
{
        ssize_t i = find_orphan(s, name);
        if (i >= 0) {
                s->orphans[i].target = target;
                return HTTPSRC_OK;
        }
        orphan_target *grown =
            realloc(s->orphans, (s->n_orphans + 1) * sizeof(*grown));
        char *dup = grown ? xstrdup(name) : NULL;
        if (grown)
                s->orphans = grown;
        if (!dup)
                return HTTPSRC_ERR_NOMEM;
        s->orphans[s->n_orphans++] = (orphan_target){dup, target};
        return HTTPSRC_OK;
}

/* Forget the deferred task configs of @p name. */
static void drop_deferred(config_store *s, const char *name)
{
        for (size_t i = s->n_deferred; i-- > 0;)
                if (!strcmp(s->deferred[i].connector, name)) {
                        deferred_free(&s->deferred[i]);
                        s->deferred[i] = s->deferred[--s->n_deferred];
                }
}

/* processConnectorRemoval: the config, task counts and configs, deferred
 * ones; the target state stays until its own tombstone. */
static int remove_connector(config_store *s, const char *name)
{
        ssize_t i = find_index(s, name);
        drop_deferred(s, name);
        if (i < 0)
                return HTTPSRC_OK;
        config_entry *old = s->entries[i];
        int rc            = keep_orphan(s, name, old->target);
        memmove(&s->entries[i], &s->entries[i + 1],
                (s->n - (size_t)i - 1) * sizeof(*s->entries));
        s->n--;
        entry_free(old);
        return rc;
}

int config_store_apply_connector(config_store *s,
                                 const char *name,
                                 const kvlist *props)
{
        if (!props) {
                int rc = remove_connector(s, name);
                tell(s, CONFIG_EVENT_CONNECTOR_REMOVED, name, 0, 0);
                return rc;
        }
        ssize_t o       = find_orphan(s, name);
        const config_entry *cur = config_store_get(s, name);
        int target = cur ? cur->target
                     : o >= 0 ? s->orphans[o].target
                              : HTTPSRC_STATE_RUNNING;
        config_entry *e = entry_new(name, target, props);
        config_entry **grown =
            e ? realloc(s->entries, (s->n + 1) * sizeof(*grown)) : NULL;
        if (!grown) {
                entry_free(e);
                return HTTPSRC_ERR_NOMEM;
        }
        s->entries = grown;
        ssize_t i;
        config_entry *old = swap_in(s, e, &i);
        if (old)
                task_state_move(e, old);
        entry_free(old);
        drop_orphan(s, o);
        tell(s, CONFIG_EVENT_CONNECTOR_UPDATED, name, 0, 0);
        return HTTPSRC_OK;
}

int config_store_apply_target(config_store *s, const char *name, int target)
{
        ssize_t i = find_index(s, name);
        if (target < 0) { /* a config without target state is STARTED */
                drop_orphan(s, find_orphan(s, name));
                if (i >= 0)
                        s->entries[i]->target = HTTPSRC_STATE_RUNNING;
                return HTTPSRC_OK;
        }
        if (i < 0) /* before its config (initial_state) or after delete */
                return keep_orphan(s, name, target);
        int changed           = s->entries[i]->target != target;
        s->entries[i]->target = target;
        if (changed)
                tell(s, CONFIG_EVENT_TARGET_CHANGED, name, 0, 0);
        return HTTPSRC_OK;
}

int config_store_apply_task(config_store *s,
                            const char *name,
                            int task,
                            const kvlist *props)
{
        for (size_t i = 0; i < s->n_deferred; i++) {
                deferred_task *d = &s->deferred[i];
                if (d->task != task || strcmp(d->connector, name))
                        continue;
                kvlist copy = {0};
                if (kvl_append(&copy, props))
                        return HTTPSRC_ERR_NOMEM;
                kvl_free(&d->props);
                d->props = copy;
                return HTTPSRC_OK;
        }
        deferred_task *grown =
            realloc(s->deferred, (s->n_deferred + 1) * sizeof(*grown));
        if (!grown)
                return HTTPSRC_ERR_NOMEM;
        s->deferred      = grown;
        deferred_task *d = &s->deferred[s->n_deferred];
        *d               = (deferred_task){.connector = xstrdup(name),
                                           .task      = task};
        if (!d->connector || kvl_append(&d->props, props)) {
                free(d->connector);
                return HTTPSRC_ERR_NOMEM;
        }
        s->n_deferred++;
        return HTTPSRC_OK;
}

/* The deferred config of task @p task of @p name, or NULL. */
static const kvlist *
deferred_of(const config_store *s, const char *name, int task)
{
        for (size_t i = 0; i < s->n_deferred; i++)
                if (s->deferred[i].task == task &&
                    !strcmp(s->deferred[i].connector, name))
                        return &s->deferred[i].props;
        return NULL;
}

/* processTasksCommitRecord + completeTaskIdSet. */
int config_store_apply_commit(config_store *s, const char *name, int n)
{
        ssize_t i = find_index(s, name);
        if (n < 0)
                n = 0;
        if (i < 0) { /* deleted, and compaction took its tombstone */
                drop_deferred(s, name);
                return HTTPSRC_OK;
        }
        config_entry *e = s->entries[i];
        kvlist *set     = calloc(n > 0 ? (size_t)n : 1, sizeof(*set));
        int complete    = 1;
        if (!set)
                return HTTPSRC_ERR_NOMEM;
        for (int t = 0; t < n && complete; t++) {
                const kvlist *p = deferred_of(s, name, t);
                if (p)
                        set[t] = *p; /* a view; install_tasks copies */
                complete = p != NULL;
        }
        int rc = HTTPSRC_OK;
        if (!complete) { /* nothing runs until a complete set */
                tasks_free(e->tasks, e->n_tasks);
                e->tasks        = NULL;
                e->n_tasks      = (size_t)n;
                e->inconsistent = 1;
        } else
                rc = install_tasks(e, (size_t)(n > 0 ? n : 0), set);
        free(set);
        drop_deferred(s, name);
        e->pending_fencing = 1;
        tell(s, CONFIG_EVENT_TASKS_COMMITTED, name, 0, 0);
        return rc;
}

void config_store_apply_fenced(config_store *s, const char *name, int n)
{
        ssize_t i = find_index(s, name);
        if (i >= 0) {
                s->entries[i]->fenced_count    = n;
                s->entries[i]->pending_fencing = 0;
        }
        tell(s, CONFIG_EVENT_TASKS_FENCED, name, 0, 0);
}

void config_store_apply_restart(config_store *s,
                                const char *name,
                                int include_tasks,
                                int only_failed)
{
        tell(s, CONFIG_EVENT_RESTART_REQUEST, name, include_tasks,
             only_failed);
}
