/* reload module: the command line's connector files, re-read on request
 * (SIGHUP in httpsrc-connect). Each file holds one connector; the set of
 * names they held at the last (re)load tells a deleted connector from one
 * created over REST, which a reload leaves alone. */
#include "reload_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline_int.h"

struct reloader {
        char **paths;
        char **names; /* per path: its connector at the last load; or NULL */
        size_t n;
};

void reloader_destroy(reloader *r)
{
        if (!r)
                return;
        strv_free(r->paths, r->n);
        strv_free(r->names, r->n);
        free(r);
}

static httpsrc_conf *load(const char *path, char *err, size_t size)
{
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (!conf) {
                errstr_set(err, size, "out of memory");
                return NULL;
        }
        if (httpsrc_conf_load_file(conf, path, err, size) != HTTPSRC_OK) {
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

int httpsrc_pipeline_set_connector_files(httpsrc_pipeline *p,
                                         const char *const *paths,
                                         size_t n)
{
        reloader *r = calloc(1, sizeof(*r));
        if (!r || !(r->paths = calloc(n ? n : 1, sizeof(*r->paths))) ||
            !(r->names = calloc(n ? n : 1, sizeof(*r->names)))) {
                reloader_destroy(r);
                return HTTPSRC_ERR_NOMEM;
        }
        r->n = n;
        for (size_t i = 0; i < n; i++) {
                char err[256];
                httpsrc_conf *conf = load(paths[i], err, sizeof(err));
                r->paths[i]        = xstrdup(paths[i]);
                r->names[i] =
                    conf ? xstrdup(httpsrc_conf_get(conf, "name")) : NULL;
                httpsrc_conf_destroy(conf);
                if (!r->paths[i]) {
                        reloader_destroy(r);
                        return HTTPSRC_ERR_NOMEM;
                }
        }
        pipeline_set_reloader(p, r);
        return HTTPSRC_OK;
}

static int conf_same(const httpsrc_conf *a, const httpsrc_conf *b)
{
        if (httpsrc_conf_count(a) != httpsrc_conf_count(b))
                return 0;
        for (size_t i = 0; i < httpsrc_conf_count(a); i++) {
                const char *k, *v, *w;
                httpsrc_conf_at(a, i, &k, &v);
                if (!(w = httpsrc_conf_get(b, k)) || strcmp(v, w) != 0)
                        return 0;
        }
        return 1;
}

typedef struct tally {
        int created, reconfigured, deleted, unchanged, failed;
} tally;

/* Apply one file's connector; takes @p conf. */
static void
apply(httpsrc_pipeline *p, const char *path, httpsrc_conf *conf, tally *t)
{
        const logger *lg = pipeline_logger(p);
        const char *name = httpsrc_conf_get(conf, "name");
        task *c          = pipeline_find(p, name);
        char err[1024];
        log_kv fields[] = {{"action", "failed"}, {"file", path}};
        if (c && pipeline_deleting(p, c)) {
                log_kv_msg(lg, HTTPSRC_LOG_WARN, name, fields, 2,
                           "reload: %s: still being deleted; not created "
                           "again until the next reload",
                           path);
                httpsrc_conf_destroy(conf);
                t->failed++;
                return;
        }
        if (c && conf_same(task_conf(c), conf)) {
                httpsrc_conf_destroy(conf);
                t->unchanged++;
                return;
        }
        int rc = c ? pipeline_reconfigure(p, name, conf, err, sizeof(err))
                   : httpsrc_pipeline_add_connector(p, conf, err, sizeof(err));
        if (rc != HTTPSRC_OK) {
                log_kv_msg(lg, HTTPSRC_LOG_ERROR, name, fields, 2,
                           "reload: %s: %s; the connector is left as it was",
                           path, err);
                httpsrc_conf_destroy(conf);
                t->failed++;
                return;
        }
        fields[0].value = c ? "reconfigured" : "created";
        log_kv_msg(lg, HTTPSRC_LOG_INFO, name, fields, 2, "reload: %s from %s",
                   c ? "reconfigured (restarts with its offsets)" : "created",
                   path);
        if (c)
                t->reconfigured++;
        else
                t->created++;
}

/* Is @p name still the connector of a file other than @p skip? */
static int named_elsewhere(const reloader *r, size_t skip, const char *name)
{
        for (size_t i = 0; i < r->n; i++)
                if (i != skip && r->names[i] && !strcmp(r->names[i], name))
                        return 1;
        return 0;
}

static void delete_conn(httpsrc_pipeline *p,
                        const reloader *r,
                        size_t i,
                        const char *name,
                        const char *why,
                        tally *t)
{
        if (named_elsewhere(r, i, name) || pipeline_delete(p, name))
                return;
        log_kv fields[] = {{"action", "deleted"}, {"file", r->paths[i]}};
        log_kv_msg(pipeline_logger(p), HTTPSRC_LOG_INFO, name, fields, 2,
                   "reload: deleted (%s %s); its stored offsets are kept",
                   r->paths[i], why);
        t->deleted++;
}

void reloader_run(reloader *r, httpsrc_pipeline *p)
{
        const logger *lg = pipeline_logger(p);
        tally t          = {0};
        log_msg(lg, HTTPSRC_LOG_INFO, NULL,
                "reload: re-reading %zu connector file(s)", r->n);
        for (size_t i = 0; i < r->n; i++) {
                char err[1024];
                if (access(r->paths[i], F_OK) != 0 && errno == ENOENT) {
                        if (r->names[i])
                                delete_conn(p, r, i, r->names[i],
                                            "was removed", &t);
                        free(r->names[i]);
                        r->names[i] = NULL;
                        continue;
                }
                httpsrc_conf *conf = load(r->paths[i], err, sizeof(err));
                if (!conf) {
                        log_kv fields[] = {{"action", "failed"},
                                           {"file", r->paths[i]}};
                        log_kv_msg(lg, HTTPSRC_LOG_ERROR, r->names[i], fields,
                                   2,
                                   "reload: %s; its connector is left as it "
                                   "was",
                                   err);
                        t.failed++;
                        continue;
                }
                char *old   = r->names[i];
                r->names[i] = xstrdup(httpsrc_conf_get(conf, "name"));
                apply(p, r->paths[i], conf, &t);
                /* The file now names another connector: the old one goes. */
                if (old && (!r->names[i] || strcmp(old, r->names[i])))
                        delete_conn(p, r, i, old, "names another connector",
                                    &t);
                free(old);
        }
        log_msg(lg, HTTPSRC_LOG_INFO, NULL,
                "reload: %d created, %d reconfigured, %d deleted, %d "
                "unchanged, %d failed",
                t.created, t.reconfigured, t.deleted, t.unchanged, t.failed);
}
