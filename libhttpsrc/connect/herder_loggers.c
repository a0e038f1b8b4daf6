/* connect layer: the standalone herder's loggers
 * (herder_standalone_impl.h): GET and PUT /admin/loggers (Connect 3.7+,
 * LoggingResource). Loop thread.
 */
#include "herder_standalone_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET and PUT /admin/loggers (Connect 3.7+, LoggingResource): the loggers
 * are "root", one per connector (named as the connector) and any other
 * namespace a PUT named; each has a level and when it was last set. */

/* The logger named @p name ("root" in any case is the root), or NULL. */
static log_entry *log_find(standalone *r, const char *name)
{
        if (strcaseeq(name, "root"))
                return &r->logs[0];
        for (size_t i = 1; i < r->n_logs; i++)
                if (!strcmp(r->logs[i].name, name))
                        return &r->logs[i];
        return NULL;
}

/* The one set for @p name, else the root's (it inherits). */
static const log_entry *log_shown(standalone *r, const char *name)
{
        const log_entry *e = log_find(r, name);
        return e ? e : &r->logs[0];
}

int sa_log_add(standalone *r, const char *name, const char *level)
{
        log_entry *ne = realloc(r->logs, (r->n_logs + 1) * sizeof(*ne));
        char *dup     = ne ? xstrdup(name) : NULL;
        if (ne)
                r->logs = ne;
        if (!dup)
                return -1;
        r->logs[r->n_logs] = (log_entry){.name = dup};
        snprintf(r->logs[r->n_logs++].level, sizeof(ne->level), "%s", level);
        return 0;
}

static int is_logger(standalone *r, const char *name)
{
        const herder_runtime *rt = &r->rt;
        return log_find(r, name) || rt_find(rt, name);
}

static int kv_cmp(const void *a, const void *b)
{
        return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

/* Every logger that exists whose name starts with @p prefix ("": all),
 * sorted as Connect sorts them. */
static int log_names(standalone *r, const char *prefix,
                     kvlist *out)
{
        const herder_runtime *rt = &r->rt;
        size_t n   = strlen(prefix);
        int failed = 0;
        for (size_t i = 0; i < rt_count(rt); i++) {
                runtime_task *c = rt_at(rt, i);
                if (!rt_task_deleting(rt, c) &&
                    !strncmp(rt_task_name(rt, c), prefix, n))
                        failed |= kvl_add(out, rt_task_name(rt, c), NULL);
        }
        for (size_t i = 0; i < r->n_logs; i++)
                if (!strncmp(r->logs[i].name, prefix, n) &&
                    kvl_index(out, r->logs[i].name) < 0)
                        failed |= kvl_add(out, r->logs[i].name, NULL);
        if (out->n)
                qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return failed ? -1 : 0;
}

static void o_level(hq *q, const char *name)
{
        const log_entry *e = log_shown(q->r, name);
        const log_entry *own = log_find(q->r, name);
        hq_raw(q, "{\"level\":");
        hq_str(q, e->level);
        hq_raw(q, ",\"last_modified\":");
        if (own && own->modified)
                hq_fmt(q, "%lld", (long long)own->modified);
        else
                hq_raw(q, "null");
        hq_raw(q, "}");
}

void sa_loggers(hq *q, const herder_runtime *rt)
{
        kvlist names = {0};
        if (log_names(q->r, "", &names))
                q->oom = 1;
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{");
        for (size_t i = 0; i < names.n; i++) {
                hq_key(q, names.v[i].key, !i);
                o_level(q, names.v[i].key);
        }
        hq_raw(q, "}");
        kvl_free(&names);
}

void sa_logger_get(hq *q, const herder_runtime *rt)
{
        if (!is_logger(q->r, q->arg[0])) {
                hq_error(q, HERDER_NOT_FOUND, "Logger %s not found.",
                            q->arg[0]);
                return;
        }
        hq_reply(q, HERDER_OK);
        o_level(q, q->arg[0]);
}

/* Set logger @p name to level @p d; an unchanged level keeps its
 * last_modified (as in Connect). */
static int log_set(standalone *r, const char *name,
                   const log_level_desc *d)
{
        const herder_runtime *rt = &r->rt;
        log_entry *e = log_find(r, name);
        if (!e && sa_log_add(r, name, ""))
                return -1;
        e = e ? e : &r->logs[r->n_logs - 1];
        if (!strcmp(e->level, d->name))
                return 0;
        snprintf(e->level, sizeof(e->level), "%s", d->name);
        e->modified = wall_ms();
        if (e == &r->logs[0]) {
                rt_set_log_level(rt, d->level);
                return 0;
        }
        return rt_set_task_log_level(rt, name, d->level);
}

/* The loggers a PUT on @p ns sets: every one for "root"; else those whose
 * name starts with it, and @p ns itself (created if new). */
static int log_targets(standalone *r, const char *ns,
                       kvlist *out)
{
        int root = strcaseeq(ns, "root");
        if (log_names(r, root ? "" : ns, out))
                return -1;
        if (root || kvl_index(out, ns) >= 0)
                return 0;
        if (kvl_add(out, ns, NULL))
                return -1;
        qsort(out->v, out->n, sizeof(*out->v), kv_cmp);
        return 0;
}

void sa_logger_put(hq *q, const herder_runtime *rt)
{
        const char *want        = q->rq->text ? q->rq->text : "";
        const log_level_desc *d = log_level_find(want);
        kvlist names            = {0};
        if (!d) {
                /* As Connect 4.1.1 answers (LoggingResource.setLevel:
                 * NotFoundException, run against a ConnectStandalone):
                 * 404 and its words, then the levels it takes. */
                hq_error(q, HERDER_NOT_FOUND,
                            "invalid log level '%s'. Use one of OFF, FATAL, "
                            "ERROR, WARN, INFO, DEBUG, TRACE, ALL",
                            want);
                goto out;
        }
        if (log_targets(q->r, q->arg[0], &names)) {
                q->oom = 1;
                goto out;
        }
        for (size_t k = 0; k < names.n; k++)
                if (log_set(q->r, names.v[k].key, d))
                        q->oom = 1;
        if (q->rq->flags & HERDER_F_SCOPE_CLUSTER) {
                hq_reply_empty(q, HERDER_NO_CONTENT);
                goto out;
        }
        hq_reply(q, HERDER_OK);
        hq_raw(q, "[");
        for (size_t k = 0; k < names.n; k++) {
                hq_raw(q, k ? "," : "");
                hq_str(q, strcaseeq(names.v[k].key, "root") ? "root"
                                                           : names.v[k].key);
        }
        hq_raw(q, "]");
out:
        kvl_free(&names);
}
