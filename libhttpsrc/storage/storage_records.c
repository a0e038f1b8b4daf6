/* storage_records module: see storage_records_int.h. Names and formats
 * from apache/kafka connect/runtime/.../storage/KafkaConfigBackingStore.java
 * and KafkaStatusBackingStore.java. */
#include "storage_records_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/httpsrc.h"
#include "json_int.h"
#include "kafka_log_int.h"
#include "util_int.h"

#define TARGET_STATE_PREFIX "target-state-"
#define CONNECTOR_PREFIX    "connector-"
#define TASK_PREFIX         "task-"
#define COMMIT_PREFIX       "commit-"
#define RESTART_PREFIX      "restart-connector-"
#define FENCING_PREFIX      "tasks-fencing-"
#define SESSION_KEY         "session-key"
#define LOGGER_PREFIX       "logger-cluster-"
#define STATUS_CONN_PREFIX  "status-connector-"
#define STATUS_TASK_PREFIX  "status-task-"
#define STATUS_TOPIC_PREFIX "status-topic-"

static int key2(strbuf *out, const char *prefix, const char *name)
{
        return sb_puts(out, prefix) || sb_puts(out, name) ? HTTPSRC_ERR_NOMEM
                                                           : HTTPSRC_OK;
}

int cfgrec_connector_key(strbuf *out, const char *name)
{
        return key2(out, CONNECTOR_PREFIX, name);
}

int cfgrec_target_key(strbuf *out, const char *name)
{
        return key2(out, TARGET_STATE_PREFIX, name);
}

int cfgrec_task_key(strbuf *out, const char *name, int task)
{
        return sb_printf(out, TASK_PREFIX "%s-%d", name, task)
                   ? HTTPSRC_ERR_NOMEM
                   : HTTPSRC_OK;
}

int cfgrec_commit_key(strbuf *out, const char *name)
{
        return key2(out, COMMIT_PREFIX, name);
}

int cfgrec_restart_key(strbuf *out, const char *name)
{
        return key2(out, RESTART_PREFIX, name);
}

int cfgrec_fencing_key(strbuf *out, const char *name)
{
        return key2(out, FENCING_PREFIX, name);
}

static int put_str(strbuf *out, const char *s)
{
        return json_write_string(out, s, strlen(s));
}

int cfgrec_props_value(strbuf *out, const kvlist *p, const char *name)
{
        int bad = sb_puts(out, "{\"properties\":{");
        for (size_t i = 0; !bad && i < p->n; i++) {
                bad = (i && sb_putc(out, ',')) || put_str(out, p->v[i].key) ||
                      sb_putc(out, ':') || put_str(out, p->v[i].value);
                if (name && !strcmp(p->v[i].key, "name"))
                        name = NULL; /* there already */
        }
        if (name) /* ConnectorsResource.checkAndPutConnectorConfigName */
                bad = bad || (p->n && sb_putc(out, ',')) ||
                      sb_puts(out, "\"name\":") || put_str(out, name);
        return bad || sb_puts(out, "}}") ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

/* Connect's TargetState names; RUNNING is STARTED there. */
static const char *target_name(int target)
{
        switch (target) {
        case HTTPSRC_STATE_RUNNING:
                return "STARTED";
        case HTTPSRC_STATE_PAUSED:
                return "PAUSED";
        case HTTPSRC_STATE_STOPPED:
                return "STOPPED";
        default:
                return NULL;
        }
}

static int target_of(const char *name)
{
        static const int all[] = {HTTPSRC_STATE_RUNNING, HTTPSRC_STATE_PAUSED,
                                  HTTPSRC_STATE_STOPPED};
        for (size_t i = 0; name && i < 3; i++)
                if (!strcmp(target_name(all[i]), name))
                        return all[i];
        return -1;
}

int cfgrec_target_value(strbuf *out, int target)
{
        const char *v2 = target_name(target);
        if (!v2)
                return HTTPSRC_ERR_INVAL;
        /* Workers older than KIP-875 know no STOPPED: they read PAUSED. */
        const char *v1 = target == HTTPSRC_STATE_STOPPED ? "PAUSED" : v2;
        return sb_printf(out, "{\"state\":\"%s\",\"state.v2\":\"%s\"}", v1, v2)
                   ? HTTPSRC_ERR_NOMEM
                   : HTTPSRC_OK;
}

int cfgrec_commit_value(strbuf *out, int n)
{
        return sb_printf(out, "{\"tasks\":%d}", n) ? HTTPSRC_ERR_NOMEM
                                                   : HTTPSRC_OK;
}

int cfgrec_restart_value(strbuf *out, int include_tasks, int only_failed)
{
        return sb_printf(out, "{\"include-tasks\":%s,\"only-failed\":%s}",
                         include_tasks ? "true" : "false",
                         only_failed ? "true" : "false")
                   ? HTTPSRC_ERR_NOMEM
                   : HTTPSRC_OK;
}

int cfgrec_fencing_value(strbuf *out, int n)
{
        return sb_printf(out, "{\"task-count\":%d}", n) ? HTTPSRC_ERR_NOMEM
                                                        : HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* reading                                                             */

/* Java's Integer.parseInt: optional sign, decimal digits, int range. */
static int parse_int(const char *s, int *out)
{
        char *end;
        if (!*s || (!(*s >= '0' && *s <= '9') && *s != '-' && *s != '+'))
                return -1;
        errno  = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end || end == s || v < INT_MIN || v > INT_MAX ||
            ((*s == '-' || *s == '+') && !(s[1] >= '0' && s[1] <= '9')))
                return -1;
        *out = (int)v;
        return 0;
}

/* A JSON integer (Connect's INT32/INT64 fields) in *@p out. */
static int json_int(const httpsrc_json *v, int *out)
{
        const char *t = json_type(v) == HTTPSRC_JSON_NUMBER
                            ? json_number_text(v)
                            : NULL;
        return t ? parse_int(t, out) : -1;
}

/* "<prefix><name>-<n>" with at least one '-' after the prefix
 * (parseTaskId / parseConnectorTaskId): the last component is the task,
 * the middle the connector, which may hold '-'. */
static char *split_task(const char *key, size_t prefix_len, int *task)
{
        const char *dash = strrchr(key, '-');
        if (!dash || (size_t)(dash - key) < prefix_len ||
            parse_int(dash + 1, task))
                return NULL;
        return xstrndup(key + prefix_len, (size_t)(dash - key) - prefix_len);
}

static int starts(const char *s, const char *prefix)
{
        return !strncmp(s, prefix, strlen(prefix));
}

static int drop(char *why, size_t why_size, const char *fmt, const char *key)
{
        errstr_set(why, why_size, fmt, key);
        return KAFKA_LOG_DROPPED;
}

/* A record kind Connect keeps and this store does not. */
static int skip(char *why, size_t why_size, const char *key)
{
        errstr_set(why, why_size, "%s: not kept by this store", key);
        return KAFKA_LOG_SKIPPED;
}

/* "properties" of a config value: string values kept, nulls skipped
 * (Connect's map allows them; a null means nothing here). */
static int props_of_value(const httpsrc_json *v, kvlist *p)
{
        const httpsrc_json *m = json_get(v, "properties");
        if (json_type(m) != HTTPSRC_JSON_OBJECT)
                return -1;
        for (size_t i = 0; i < json_len(m); i++) {
                const httpsrc_json *e = json_at(m, i);
                if (json_type(e) == HTTPSRC_JSON_NULL)
                        continue;
                if (json_type(e) != HTTPSRC_JSON_STRING)
                        return -1;
                if (kvl_add(p, json_key_at(m, i), json_string(e)))
                        return -2;
        }
        return 0;
}

/* connector-<name> and task-<name>-<n>. */
static int apply_props(config_store *s,
                       const char *key,
                       const char *name,
                       int task,
                       const httpsrc_json *v,
                       char *why,
                       size_t why_size)
{
        kvlist p = {0};
        int rc   = props_of_value(v, &p);
        if (rc == -1) {
                kvl_free(&p);
                return drop(why, why_size,
                            "%s: \"properties\" is not a map of strings", key);
        }
        if (!rc)
                rc = task < 0 ? config_store_apply_connector(s, name, &p)
                              : config_store_apply_task(s, name, task, &p);
        else
                rc = HTTPSRC_ERR_NOMEM;
        kvl_free(&p);
        return rc;
}

/* target-state-<name>: state.v2 if it is a string, else state. */
static int apply_target(config_store *s,
                        const char *key,
                        const char *name,
                        const httpsrc_json *v,
                        char *why,
                        size_t why_size)
{
        if (!v)
                return config_store_apply_target(s, name, -1);
        const httpsrc_json *st = json_get(v, "state.v2");
        if (json_type(st) != HTTPSRC_JSON_STRING)
                st = json_get(v, "state");
        int target = json_type(st) == HTTPSRC_JSON_STRING
                         ? target_of(json_string(st))
                         : -1;
        if (target < 0)
                return drop(why, why_size, "%s: no valid target state", key);
        return config_store_apply_target(s, name, target);
}

static int bool_field(const httpsrc_json *v, const char *field)
{
        const httpsrc_json *b = json_get(v, field);
        return json_type(b) == HTTPSRC_JSON_BOOL && json_bool(b);
}

static int dispatch(config_store *s,
                    const char *key,
                    const httpsrc_json *v,
                    char *why,
                    size_t why_size)
{
        int n;
        if (starts(key, TARGET_STATE_PREFIX))
                return apply_target(s, key, key + strlen(TARGET_STATE_PREFIX),
                                    v, why, why_size);
        if (starts(key, CONNECTOR_PREFIX)) {
                const char *name = key + strlen(CONNECTOR_PREFIX);
                return v ? apply_props(s, key, name, -1, v, why, why_size)
                         : config_store_apply_connector(s, name, NULL);
        }
        if (starts(key, TASK_PREFIX)) {
                char *name = split_task(key, strlen(TASK_PREFIX), &n);
                if (!name)
                        return drop(why, why_size,
                                    "%s: not a task-<connector>-<n> key", key);
                int rc = v ? apply_props(s, key, name, n, v, why, why_size)
                           : drop(why, why_size,
                                  "%s: a task config cannot be null", key);
                free(name);
                return rc;
        }
        if (starts(key, COMMIT_PREFIX)) {
                if (!v || json_int(json_get(v, "tasks"), &n))
                        return drop(why, why_size, "%s: no \"tasks\" count",
                                    key);
                return config_store_apply_commit(
                    s, key + strlen(COMMIT_PREFIX), n);
        }
        if (starts(key, RESTART_PREFIX)) {
                if (!v)
                        return drop(why, why_size, "%s: null restart request",
                                    key);
                config_store_apply_restart(s, key + strlen(RESTART_PREFIX),
                                           bool_field(v, "include-tasks"),
                                           bool_field(v, "only-failed"));
                return HTTPSRC_OK;
        }
        if (starts(key, FENCING_PREFIX)) {
                if (!v || json_int(json_get(v, "task-count"), &n))
                        return drop(why, why_size,
                                    "%s: no \"task-count\"", key);
                config_store_apply_fenced(s, key + strlen(FENCING_PREFIX), n);
                return HTTPSRC_OK;
        }
        if (!strcmp(key, SESSION_KEY) || starts(key, LOGGER_PREFIX))
                return skip(why, why_size, key);
        return drop(why, why_size, "%s: unknown key", key);
}

/* The key as a C string (NULL: none, or a NUL inside) and the value
 * parsed (*@p v NULL: tombstone). 0, 1 dropped, or HTTPSRC_ERR_NOMEM. */
static int open_record(const char *key,
                       size_t key_len,
                       const char *val,
                       size_t val_len,
                       char **k,
                       httpsrc_json **v,
                       char *why,
                       size_t why_size)
{
        char perr[128];
        *v = NULL;
        *k = key ? xstrndup(key, key_len) : NULL;
        if (key && !*k)
                return HTTPSRC_ERR_NOMEM;
        if (!*k || strlen(*k) != key_len)
                return drop(why, why_size, "%s", "a record without a key");
        if (!val)
                return 0;
        *v = json_parse(val, val_len, perr, sizeof(perr));
        if (json_type(*v) == HTTPSRC_JSON_OBJECT)
                return 0;
        errstr_set(why, why_size, "%s: value is not a JSON object%s%s", *k,
                   *v ? "" : ": ", *v ? "" : perr);
        return 1;
}

int cfgrec_apply(config_store *s,
                 const char *key,
                 size_t key_len,
                 const char *val,
                 size_t val_len,
                 int64_t offset,
                 char *why,
                 size_t why_size)
{
        char *k;
        httpsrc_json *v;
        int rc = open_record(key, key_len, val, val_len, &k, &v, why,
                             why_size);
        /* As ConsumeCallback: the offset moves on once the value parsed
         * (a tombstone too), whatever the key. */
        if (!val || v)
                config_store_set_offset(s, offset + 1);
        if (!rc)
                rc = dispatch(s, k, v, why, why_size);
        json_destroy(v);
        free(k);
        return rc;
}

/* ---- status.storage.topic ---- */

int statusrec_key(strbuf *out, const char *connector, int task)
{
        if (task == STATUS_CONNECTOR)
                return key2(out, STATUS_CONN_PREFIX, connector);
        return sb_printf(out, STATUS_TASK_PREFIX "%s-%d", connector, task)
                   ? HTTPSRC_ERR_NOMEM
                   : HTTPSRC_OK;
}

int statusrec_value(strbuf *out, const status_rec *r)
{
        const char *st = status_state_name(r->state);
        if (!st)
                return HTTPSRC_ERR_INVAL;
        int bad = sb_printf(out, "{\"state\":\"%s\",\"trace\":", st) ||
                  (r->trace ? put_str(out, r->trace) : sb_puts(out, "null")) ||
                  sb_puts(out, ",\"worker_id\":") ||
                  put_str(out, r->worker_id ? r->worker_id : "") ||
                  sb_printf(out, ",\"generation\":%d,\"version\":",
                            (int)r->generation) ||
                  (r->version ? put_str(out, r->version)
                              : sb_puts(out, "null")) ||
                  sb_putc(out, '}');
        return bad ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

/* parseConnectorStatus / parseTaskStatus. */
static int status_of(const httpsrc_json *v, status_rec *r)
{
        const httpsrc_json *st = json_get(v, "state");
        const httpsrc_json *tr = json_get(v, "trace");
        const httpsrc_json *w  = json_get(v, "worker_id");
        const httpsrc_json *ver = json_get(v, "version");
        int gen;
        if (json_type(st) != HTTPSRC_JSON_STRING ||
            status_state_parse(json_string(st), &r->state) ||
            (tr && json_type(tr) != HTTPSRC_JSON_NULL &&
             json_type(tr) != HTTPSRC_JSON_STRING) ||
            json_type(w) != HTTPSRC_JSON_STRING ||
            json_int(json_get(v, "generation"), &gen))
                return -1;
        r->trace      = json_type(tr) == HTTPSRC_JSON_STRING ? json_string(tr)
                                                              : NULL;
        r->worker_id  = json_string(w);
        r->generation = gen;
        r->version = json_type(ver) == HTTPSRC_JSON_STRING ? json_string(ver)
                                                            : NULL;
        return 0;
}

static int status_dispatch(status_store *s,
                           const char *key,
                           const httpsrc_json *v,
                           char *why,
                           size_t why_size)
{
        status_rec r;
        int task     = STATUS_CONNECTOR;
        char *name   = NULL;
        if (starts(key, STATUS_CONN_PREFIX) &&
            key[strlen(STATUS_CONN_PREFIX)]) {
                name = xstrdup(key + strlen(STATUS_CONN_PREFIX));
        } else if (starts(key, STATUS_TASK_PREFIX)) {
                name = split_task(key, strlen(STATUS_TASK_PREFIX), &task);
                if (!name)
                        return drop(why, why_size,
                                    "%s: not a status-task-<connector>-<n> "
                                    "key",
                                    key);
        } else if (starts(key, STATUS_TOPIC_PREFIX))
                return skip(why, why_size, key);
        else
                return drop(why, why_size, "%s: unknown key", key);
        if (!name)
                return HTTPSRC_ERR_NOMEM;
        int rc = !v                  ? status_store_apply(s, name, task, NULL)
                 : status_of(v, &r) ? drop(why, why_size,
                                           "%s: not a status value", key)
                                    : status_store_apply(s, name, task, &r);
        free(name);
        return rc;
}

int statusrec_apply(status_store *s,
                    const char *key,
                    size_t key_len,
                    const char *val,
                    size_t val_len,
                    char *why,
                    size_t why_size)
{
        char *k;
        httpsrc_json *v;
        int rc = open_record(key, key_len, val, val_len, &k, &v, why,
                             why_size);
        if (!rc)
                rc = status_dispatch(s, k, v, why, why_size);
        json_destroy(v);
        free(k);
        return rc;
}
