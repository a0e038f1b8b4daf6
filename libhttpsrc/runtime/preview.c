/* preview module: run one connector against its real API without Kafka and
 * without storing offsets, and report per page the request, status, record
 * count and next page key, then the first records as Kafka would get them
 * (after transforms and converters) and the offset that would be stored.
 *
 * A preview has its own HTTP client, offset store (in memory, empty: it
 * starts as a new connector would), record sink and a silent logger; of
 * the pipeline it only reads what is fixed once it exists (plugins, worker
 * conf, config providers), so it may run on any thread, e.g. a REST
 * connection's, while the loop runs the worker's connectors. */
#include "preview_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "offsets_int.h"

#define PREVIEW_RECORDS  5     /* records shown */
#define PREVIEW_SHOW     2000  /* bytes of a key or value shown */
#define PREVIEW_DEADLINE 60000 /* ms, the whole preview */

typedef struct pv_page {
        char *method, *url, *next;
        int status;
        size_t records;
} pv_page;

typedef struct pv_record {
        char *topic, *key, *value; /* key NULL: none */
} pv_record;

typedef struct preview {
        const char *name;
        pv_page *pages;
        size_t n_pages;
        pv_record recs[PREVIEW_RECORDS];
        size_t n_recs, total;
        char *offset; /* NULL: none would be stored */
        char reason[1536];
        int oom;
} preview;

static void on_page(void *opaque,
                    const char *method,
                    const char *url,
                    int status,
                    size_t records,
                    const char *next)
{
        preview *pv = opaque;
        pv_page *np = realloc(pv->pages, (pv->n_pages + 1) * sizeof(*np));
        if (!np) {
                pv->oom = 1;
                return;
        }
        pv->pages = np;
        pv_page *g = &np[pv->n_pages++];
        *g = (pv_page){xstrdup(method), xstrdup(url), xstrdup(next), status,
                       records};
        pv->oom |= !g->method || !g->url || (next && !g->next);
}

/* Bytes as they would be shown: control bytes escaped, long ones cut. */
static char *shown(const void *s, size_t len)
{
        strbuf sb = {0};
        if (sb_put_untrusted(&sb, s, len, PREVIEW_SHOW, NULL, 0) ||
            sb_putc(&sb, '\0')) {
                sb_free(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}

static int on_record(void *opaque,
                     const char *conn_name,
                     const char *topic,
                     const void *key,
                     size_t klen,
                     const void *value,
                     size_t vlen)
{
        preview *pv = opaque;
        if (pv->total++ >= PREVIEW_RECORDS)
                return HTTPSRC_OK;
        pv_record *r = &pv->recs[pv->n_recs++];
        r->topic     = xstrdup(topic);
        r->key       = key ? shown(key, klen) : NULL;
        r->value     = value ? shown(value, vlen) : xstrdup("(null)");
        pv->oom |= !r->topic || (key && !r->key) || !r->value;
        return HTTPSRC_OK;
}

static void preview_free(preview *pv)
{
        for (size_t i = 0; i < pv->n_pages; i++) {
                free(pv->pages[i].method);
                free(pv->pages[i].url);
                free(pv->pages[i].next);
        }
        free(pv->pages);
        for (size_t i = 0; i < pv->n_recs; i++) {
                free(pv->recs[i].topic);
                free(pv->recs[i].key);
                free(pv->recs[i].value);
        }
        free(pv->offset);
}

static void noop_wake(void *opaque, task *c)
{
}

/* Drive @p c until its pages are in, it failed or the deadline passed. */
static void
drive(task *c, http_client *http, const preview *pv, size_t max_pages)
{
        int64_t deadline = mono_ms() + PREVIEW_DEADLINE;
        task_tick(c, mono_ms(), 1);
        while (!task_is_failed(c) && mono_ms() < deadline) {
                int done = pv->n_pages >= max_pages ||
                           (task_caught_up(c) && !task_busy(c));
                if (done && !task_handing_over(c))
                        return;
                int64_t wait = task_next_wakeup(c, 1) - mono_ms();
                http_client_poll(http, NULL, 0,
                                 wait < 0 ? 0 : wait > 100 ? 100 : (int)wait);
                task_tick(c, mono_ms(), 1);
        }
}

/* No retries (the first error is the answer) and no "log and go on". */
static httpsrc_conf *preview_conf(const httpsrc_conf *conf)
{
        httpsrc_conf *copy = httpsrc_conf_dup(conf);
        if (copy && (httpsrc_conf_set(copy, "http.retry.max.attempts", "0",
                                      NULL, 0) != HTTPSRC_CONF_OK ||
                     httpsrc_conf_set(copy, "behavior.on.error", "fail", NULL,
                                      0) != HTTPSRC_CONF_OK)) {
                httpsrc_conf_destroy(copy);
                return NULL;
        }
        return copy;
}

static void conclude(preview *pv, task *c, const httpsrc_conf *conf)
{
        size_t in_pages = 0;
        for (size_t i = 0; i < pv->n_pages; i++)
                in_pages += pv->pages[i].records;
        if (task_is_failed(c))
                snprintf(pv->reason, sizeof(pv->reason), "%s", task_failure(c));
        else if (!pv->n_pages)
                snprintf(pv->reason, sizeof(pv->reason),
                         "no response within %d s", PREVIEW_DEADLINE / 1000);
        else if (!pv->total && in_pages)
                snprintf(pv->reason, sizeof(pv->reason),
                         "the transforms dropped all %zu records", in_pages);
        else if (!pv->total)
                snprintf(pv->reason, sizeof(pv->reason),
                         "http.response.records.path '%s' matched nothing in "
                         "%zu page(s)",
                         httpsrc_conf_get(conf, "http.response.records.path"),
                         pv->n_pages);
        const char *o = task_offset(c);
        pv->offset    = o ? xstrdup(o) : NULL;
}

static int preview_text(const preview *pv, strbuf *out)
{
        int rc = 0;
        for (size_t i = 0; i < pv->n_pages; i++) {
                const pv_page *g = &pv->pages[i];
                rc |= sb_printf(out, "page %zu: %s %s -> ", i + 1, g->method,
                                g->url);
                rc |= g->status ? sb_printf(out, "%d, %zu record%s", g->status,
                                            g->records,
                                            g->records == 1 ? "" : "s")
                                : sb_puts(out, "no response");
                rc |= !g->status || g->status >= 400
                          ? sb_puts(out, "\n")
                      : g->next ? sb_printf(out, ", next page key %s\n", g->next)
                                : sb_puts(out, ", last page\n");
        }
        if (pv->total)
                rc |= sb_printf(out,
                                "records: %zu (the first %zu after transforms "
                                "and converters)\n",
                                pv->total, pv->n_recs);
        for (size_t i = 0; i < pv->n_recs; i++)
                rc |= sb_printf(out, "  %zu: topic %s, key %s, value %s\n",
                                i + 1, pv->recs[i].topic,
                                pv->recs[i].key ? pv->recs[i].key : "(null)",
                                pv->recs[i].value);
        rc |= sb_printf(out, "offset that would be stored: %s\n",
                        pv->offset ? pv->offset : "(none)");
        if (pv->reason[0])
                rc |= sb_printf(out, "no records: %s\n", pv->reason);
        return rc ? -1 : 0;
}

static int o_str(strbuf *out, const char *s)
{
        return s ? json_write_string(out, s, strlen(s)) : sb_puts(out, "null");
}

static int preview_json(const preview *pv, strbuf *out)
{
        int rc = sb_puts(out, "{\"name\":") | o_str(out, pv->name) |
                 sb_puts(out, ",\"pages\":[");
        for (size_t i = 0; i < pv->n_pages; i++) {
                const pv_page *g = &pv->pages[i];
                rc |= sb_puts(out, i ? ",{\"method\":" : "{\"method\":") |
                      o_str(out, g->method) | sb_puts(out, ",\"url\":") |
                      o_str(out, g->url);
                rc |= g->status ? sb_printf(out, ",\"status\":%d", g->status)
                                : sb_puts(out, ",\"status\":null");
                rc |= sb_printf(out, ",\"records\":%zu,\"next_page_key\":",
                                g->records) |
                      o_str(out, g->next) | sb_puts(out, "}");
        }
        rc |= sb_printf(out, "],\"records_total\":%zu,\"records\":[",
                        pv->total);
        for (size_t i = 0; i < pv->n_recs; i++)
                rc |= sb_puts(out, i ? ",{\"topic\":" : "{\"topic\":") |
                      o_str(out, pv->recs[i].topic) |
                      sb_puts(out, ",\"key\":") | o_str(out, pv->recs[i].key) |
                      sb_puts(out, ",\"value\":") |
                      o_str(out, pv->recs[i].value) | sb_puts(out, "}");
        rc |= sb_puts(out, "],\"offset\":") |
              sb_puts(out, pv->offset ? pv->offset : "null") |
              sb_printf(out, ",\"found\":%s,\"reason\":",
                        pv->reason[0] ? "false" : "true") |
              o_str(out, pv->reason[0] ? pv->reason : NULL) | sb_puts(out, "}");
        return rc ? -1 : 0;
}

int preview_run(httpsrc_pipeline *p,
                int local,
                const httpsrc_conf *conf,
                size_t max_pages,
                int json,
                strbuf *out)
{
        preview pv             = {.name = httpsrc_conf_get(conf, "name")};
        conn_observer obs      = {&pv, on_page, max_pages};
        sink snk               = {.cb = on_record, .opaque = &pv};
        logger quiet           = {.max_level = 0}; /* errors come back here */
        size_t one             = 1;
        char err[1024]         = "";
        http_client *http      = http_client_new(4, err, sizeof(err));
        offset_store *scratch  = offset_store_open(NULL, err, sizeof(err));
        httpsrc_conf *copy     = preview_conf(conf);
        conn_env env           = pipeline_preview_env(p, local);
        env.http               = http;
        env.sink               = &snk;
        env.offsets            = scratch;
        env.lg                 = &quiet;
        env.n_conns            = &one;
        env.wake               = noop_wake;
        env.observer           = &obs;
        task *c                = NULL;
        if (!copy)
                snprintf(err, sizeof(err), "out of memory");
        else if (http && scratch)
                c = task_new(&env, copy, err, sizeof(err));
        if (!c) /* task_new() took it otherwise */
                httpsrc_conf_destroy(copy);
        if (c) {
                drive(c, http, &pv, max_pages ? max_pages : 1);
                conclude(&pv, c, conf);
        } else {
                snprintf(pv.reason, sizeof(pv.reason), "%s",
                         *err ? err : "out of memory");
        }
        int rc = json ? preview_json(&pv, out) : preview_text(&pv, out);
        int ok = c && pv.total > 0 && !pv.reason[0] && !pv.oom && !rc;
        task_destroy(c);
        offset_store_destroy(scratch);
        http_client_destroy(http);
        preview_free(&pv);
        return rc ? HTTPSRC_ERR_NOMEM : ok ? HTTPSRC_OK : HTTPSRC_ERR_NOENT;
}

int httpsrc_pipeline_preview(httpsrc_pipeline *p,
                             const httpsrc_conf *conf,
                             int max_pages,
                             FILE *out)
{
        strbuf sb = {0};
        int rc    = preview_run(p, 1, conf, max_pages > 0 ? (size_t)max_pages : 1,
                                0, &sb);
        if (sb.buf)
                fputs(sb.buf, out);
        sb_free(&sb);
        return rc;
}
