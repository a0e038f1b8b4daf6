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

struct config_store {
        char *path;
        config_entry **entries;
        size_t n;
        topics_entry *topics;
        size_t n_topics;
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

static void entry_free(config_entry *e)
{
        if (!e)
                return;
        for (size_t i = 0; i < e->n; i++) {
                free(e->keys[i]);
                free(e->values[i]);
        }
        free(e->keys);
        free(e->values);
        free(e->name);
        free(e);
}

static config_entry *entry_new(const char *name, int target, size_t n)
{
        config_entry *e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        e->target = target;
        e->name   = xstrdup(name);
        e->keys   = calloc(n ? n : 1, sizeof(*e->keys));
        e->values = calloc(n ? n : 1, sizeof(*e->values));
        if (!e->name || !e->keys || !e->values) {
                entry_free(e);
                return NULL;
        }
        return e;
}

static int entry_add(config_entry *e, const char *key, const char *value)
{
        e->keys[e->n]   = xstrdup(key);
        e->values[e->n] = xstrdup(value);
        if (!e->keys[e->n] || !e->values[e->n]) {
                free(e->keys[e->n]);
                free(e->values[e->n]);
                return -1;
        }
        e->n++;
        return 0;
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
        config_entry *e = entry_new(name, target, json_len(cfg));
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
                if (entry_add(e, json_key_at(cfg, i), json_string(val))) {
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

config_store *
config_store_open(const char *path, char *errstr, size_t errstr_size)
{
        config_store *s = calloc(1, sizeof(*s));
        if (!s || (path && !(s->path = xstrdup(path)))) {
                free(s);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (s->path && load(s, errstr, errstr_size) != HTTPSRC_OK) {
                config_store_destroy(s);
                return NULL;
        }
        return s;
}

void config_store_destroy(config_store *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++)
                entry_free(s->entries[i]);
        free(s->entries);
        config_store_clear_topics(s);
        free(s->topics);
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
                for (size_t k = 0; !bad && k < e->n; k++)
                        bad = (k && sb_putc(sb, ',')) ||
                              json_write_string(sb, e->keys[k],
                                                strlen(e->keys[k])) ||
                              sb_putc(sb, ':') ||
                              json_write_string(sb, e->values[k],
                                                strlen(e->values[k]));
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

static int save(const config_store *s, char *errstr, size_t errstr_size)
{
        if (!s->path)
                return HTTPSRC_OK;
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

static config_entry *
entry_from_conf(const char *name, const httpsrc_conf *conf, int target)
{
        size_t n        = httpsrc_conf_count(conf);
        config_entry *e = entry_new(name, target, n);
        for (size_t i = 0; e && i < n; i++) {
                const char *k, *v;
                httpsrc_conf_at(conf, i, &k, &v);
                if (entry_add(e, k, v)) {
                        entry_free(e);
                        return NULL;
                }
        }
        return e;
}

int config_store_put(config_store *s,
                     const char *name,
                     const httpsrc_conf *conf,
                     int target,
                     char *errstr,
                     size_t errstr_size)
{
        if (!name || !conf || !config_store_target_name(target)) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: no name, no conf or a target "
                           "other than RUNNING, PAUSED, STOPPED");
                return HTTPSRC_ERR_INVAL;
        }
        config_entry *e = entry_from_conf(name, conf, target);
        config_entry **grown =
            e ? realloc(s->entries, (s->n + 1) * sizeof(*grown)) : NULL;
        if (!grown) {
                entry_free(e);
                errstr_set(errstr, errstr_size, "%s: out of memory",
                           s->path ? s->path : "config store");
                return HTTPSRC_ERR_NOMEM;
        }
        s->entries        = grown;
        ssize_t i         = find_index(s, name);
        config_entry *old = i >= 0 ? s->entries[i] : NULL;
        if (old)
                s->entries[i] = e;
        else
                s->entries[s->n++] = e;
        int rc = save(s, errstr, errstr_size);
        if (rc && old)
                s->entries[i] = old;
        else if (rc)
                s->n--;
        entry_free(rc ? e : old);
        return rc;
}

int config_store_remove(config_store *s,
                        const char *name,
                        char *errstr,
                        size_t errstr_size)
{
        ssize_t i = find_index(s, name);
        if (i < 0)
                return HTTPSRC_OK;
        config_entry *old = s->entries[i];
        memmove(&s->entries[i], &s->entries[i + 1],
                (s->n - (size_t)i - 1) * sizeof(*s->entries));
        s->n--;
        int rc = save(s, errstr, errstr_size);
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
