/* connector module: one connector's task.
 *
 * A poll starts at the read position {page key, records of that page
 * already taken}, requests that page, selects its records, asks the
 * paginator for the following page and hands the records to the sink.
 * Pages wait in a FIFO until their records are acknowledged; the stored
 * offset only ever moves over a contiguous prefix of acknowledged records:
 * {"<field>": <page key>, "position": <records of that page acknowledged>}.
 */
#include "connector_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "json_int.h"
#include "jsonpath_int.h"
#include "record_int.h"

#define JSON_CONVERTER "org.apache.kafka.connect.json.JsonConverter"

typedef struct span {
        size_t off, len;   /* value */
        size_t koff, klen; /* key, when has_key */
        int has_key;
} span;

typedef struct page page;

typedef struct cookie {
        page *pg;
        size_t idx;
} cookie;

struct page {
        page *next;
        connector *conn;
        char *key;      /* this page's key; NULL: the first page */
        char *next_key; /* the following page's key; NULL: last page */
        size_t n;       /* records in the page */
        size_t skip;    /* records taken by an earlier poll */
        size_t handed;  /* records handed to the sink (absolute index) */
        size_t contig;  /* acknowledged prefix (absolute index) */
        uint8_t *acked;
        cookie *cookies;
        /* where the records' bytes live until they are handed over */
        httpsrc_response *resp;
        strbuf emitted;
        int from_emitter; /* spans point into emitted, not the body */
        span *spans;
        size_t cap;
};

struct httpsrc_emitter {
        page *pg;
};

typedef struct hdr {
        char *name, *value;
} hdr;

struct connector {
        conn_env env;
        httpsrc_conf *conf;
        const char *name, *topic, *url, *method, *body;
        char *partition_json;
        jsonpath *records_path;
        hdr *hdrs;
        size_t n_hdrs;
        int64_t interval_ms;
        http_opts hopts;
        int tolerate;

        httpsrc_ctx source, auth, paginator;
        httpsrc_ctx *transforms;
        size_t n_transforms;

        /* progress */
        char *read_key; /* where the next poll starts */
        size_t read_pos;
        char *cur_key; /* page being requested */
        int in_poll, auth_retried, caught_up, stopped, failed;
        long transfer;
        size_t poll_new;
        int64_t next_poll_at;
        page *head, *tail; /* pages not yet fully acknowledged */
        page *producing;   /* page waiting for room in the queue */
        size_t outstanding;
        char *offset_json;

        httpsrc_record rec;
        httpsrc_metrics m;
        char failure[1024];
        char plugin_err[512];
};

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static const httpsrc_param_desc *comp_params(const plugin_component *comp)
{
        return comp ? comp->ops.source.params : NULL;
}

static void fail(connector *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);

static void fail(connector *c, const char *fmt, ...)
{
        if (c->failed)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->failure, sizeof(c->failure), fmt, ap);
        va_end(ap);
        c->failed = 1;
        c->m.errors_total++;
        log_msg(c->env.lg, HTTPSRC_LOG_ERROR, c->name, "task failed: %s",
                c->failure);
        connector_stop(c);
}

/* The reason a plugin call failed: its set_error() text, else the code. */
static const char *plugin_reason(connector *c, int rc)
{
        if (c->plugin_err[0])
                return c->plugin_err;
        snprintf(c->plugin_err, sizeof(c->plugin_err), "%s",
                 httpsrc_strerror(rc));
        return c->plugin_err;
}

/* "GET http://host/path" without the query, which may carry API keys. */
static void describe_request(const connector *c, const char *url, char *buf,
                             size_t size)
{
        const char *q = url ? strchr(url, '?') : NULL;
        int len = url ? (q ? (int)(q - url) : (int)strlen(url)) : 0;
        snprintf(buf, size, "%s %.*s%s", c->method, len, url ? url : "",
                 q ? "?..." : "");
}

static int set_str(char **dst, const char *src)
{
        char *d = xstrdup(src);
        if (src && !d)
                return HTTPSRC_ERR_NOMEM;
        free(*dst);
        *dst = d;
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* offsets                                                             */

static const char *offset_field(const connector *c)
{
        const httpsrc_paginator_ops *ops = &c->paginator.comp->ops.paginator;
        return ops->offset_field ? ops->offset_field : "page";
}

static int build_offset(const connector *c, const char *key, size_t pos,
                        strbuf *out)
{
        if (sb_putc(out, '{') ||
            json_write_string(out, offset_field(c), strlen(offset_field(c))) ||
            sb_putc(out, ':'))
                return HTTPSRC_ERR_NOMEM;
        if (key ? json_write_string(out, key, strlen(key))
                : sb_puts(out, "null"))
                return HTTPSRC_ERR_NOMEM;
        if (sb_printf(out, ",\"position\":%zu}", pos))
                return HTTPSRC_ERR_NOMEM;
        return HTTPSRC_OK;
}

static void store_offset(connector *c, const char *key, size_t pos)
{
        strbuf sb = {0};
        if (build_offset(c, key, pos, &sb)) {
                sb_free(&sb);
                fail(c, "out of memory storing the offset");
                return;
        }
        if (c->offset_json && strcmp(c->offset_json, sb.buf) == 0) {
                sb_free(&sb);
                return;
        }
        if (offset_store_put(c->env.offsets, c->name, c->partition_json,
                             sb.buf) != HTTPSRC_OK) {
                sb_free(&sb);
                fail(c, "cannot store the offset");
                return;
        }
        free(c->offset_json);
        c->offset_json = sb_steal(&sb);
}

/* Resume from the stored offset; an unusable one is an error, not a
 * silent restart from the beginning. */
static int load_offset(connector *c, char *errstr, size_t errstr_size)
{
        const char *stored = offset_store_get(c->env.offsets, c->name,
                                              c->partition_json);
        if (!stored)
                return HTTPSRC_OK;
        char why[256];
        httpsrc_json *o = json_parse(stored, strlen(stored), why, sizeof(why));
        const httpsrc_json *k = json_get(o, offset_field(c));
        const httpsrc_json *p = json_get(o, "position");
        int kt = json_type(k);
        if (!o || json_type(o) != HTTPSRC_JSON_OBJECT ||
            (k && kt != HTTPSRC_JSON_STRING && kt != HTTPSRC_JSON_NULL) ||
            (p && json_type(p) != HTTPSRC_JSON_NUMBER)) {
                errstr_set(errstr, errstr_size,
                           "stored offset %s is not usable with pagination "
                           "type %s",
                           stored, c->paginator.comp->name);
                json_destroy(o);
                return HTTPSRC_ERR_INVAL;
        }
        int rc = set_str(&c->read_key, json_string(k));
        c->read_pos = p ? (size_t)strtoull(json_number_text(p), NULL, 10) : 0;
        c->offset_json = xstrdup(stored);
        json_destroy(o);
        return rc;
}

/* ------------------------------------------------------------------ */
/* pages and acknowledgements                                          */

static void page_release_data(page *pg)
{
        http_response_destroy(pg->resp);
        pg->resp = NULL;
        sb_free(&pg->emitted);
        free(pg->spans);
        pg->spans = NULL;
        pg->cap = 0;
}

static void page_free(page *pg)
{
        page_release_data(pg);
        free(pg->key);
        free(pg->next_key);
        free(pg->acked);
        free(pg->cookies);
        free(pg);
}

static int page_add_span(page *pg, span s)
{
        if (pg->n == pg->cap) {
                size_t cap = pg->cap ? pg->cap * 2 : 64;
                span *ns = realloc(pg->spans, cap * sizeof(*ns));
                if (!ns)
                        return HTTPSRC_ERR_NOMEM;
                pg->spans = ns;
                pg->cap = cap;
        }
        pg->spans[pg->n++] = s;
        return HTTPSRC_OK;
}

static int page_complete(const page *pg)
{
        return pg->handed == pg->n && pg->contig == pg->n;
}

/* Move the stored offset over the acknowledged prefix of the FIFO. */
static void commit(connector *c)
{
        while (c->head && page_complete(c->head)) {
                page *pg = c->head;
                /* The page is done: the offset moves to the next page, or
                 * stays on this last page, past its n records. */
                store_offset(c, pg->next_key ? pg->next_key : pg->key,
                             pg->next_key ? 0 : pg->n);
                c->head = pg->next;
                if (!c->head)
                        c->tail = NULL;
                page_free(pg);
        }
        if (c->head && c->head->contig > c->head->skip)
                store_offset(c, c->head->key, c->head->contig);
}

static void page_ack(page *pg, size_t idx)
{
        pg->acked[idx / 8] |= (uint8_t)(1u << (idx % 8));
        while (pg->contig < pg->handed &&
               (pg->acked[pg->contig / 8] & (1u << (pg->contig % 8))))
                pg->contig++;
}

void connector_delivered(void *msg_opaque, int err, const char *reason)
{
        cookie *ck = msg_opaque;
        page *pg = ck->pg;
        connector *c = pg->conn;
        c->outstanding--;
        if (err) {
                fail(c, "delivery to topic '%s' failed: %s", c->topic,
                     reason);
                return;
        }
        c->m.records_acked++;
        page_ack(pg, ck->idx);
        commit(c);
}

/* ------------------------------------------------------------------ */
/* handing records over                                                */

static int run_transforms(connector *c, httpsrc_record *rec)
{
        for (size_t i = 0; i < c->n_transforms; i++) {
                httpsrc_ctx *t = &c->transforms[i];
                c->plugin_err[0] = '\0';
                int rc = t->comp->ops.transform.apply(t->state, rec);
                if (rc == HTTPSRC_FILTERED)
                        return rc;
                if (rc < 0) {
                        char why[768];
                        snprintf(why, sizeof(why), "transform '%s' (%s): %s",
                                 t->alias, t->comp->name,
                                 plugin_reason(c, rc));
                        snprintf(c->plugin_err, sizeof(c->plugin_err), "%s",
                                 why);
                        return rc;
                }
        }
        return HTTPSRC_OK;
}

/* HTTPSRC_OK: handed over (or skipped); HTTPSRC_ERR_LIMIT: queue full. */
static int hand_over(connector *c, page *pg, size_t idx)
{
        const span *s = &pg->spans[idx];
        const char *base = pg->from_emitter
                               ? pg->emitted.buf
                               : http_response_body(pg->resp, NULL);
        httpsrc_record *rec = &c->rec;
        record_reset(rec, base + s->off, s->len);
        if (s->has_key)
                record_set_key(rec, base + s->koff, s->klen);
        int rc = run_transforms(c, rec);
        if (rc == HTTPSRC_FILTERED) {
                page_ack(pg, idx);
                return HTTPSRC_OK;
        }
        if (rc < 0) {
                if (!c->tolerate) {
                        fail(c, "record %zu of page %s: %s", idx,
                             pg->key ? pg->key : "(first)", c->plugin_err);
                        return rc;
                }
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "record %zu skipped (errors.tolerance=all): %s", idx,
                        c->plugin_err);
                c->m.errors_total++;
                page_ack(pg, idx);
                return HTTPSRC_OK;
        }
        size_t klen, vlen;
        const void *key = record_key(rec, &klen);
        const void *val = record_value(rec, &vlen);
        const char *topic = record_topic(rec) ? record_topic(rec) : c->topic;
        if (c->env.sink->cb) {
                rc = c->env.sink->cb(c->env.sink->opaque, c->name, topic, key,
                                     klen, val, vlen);
                if (rc != HTTPSRC_OK) {
                        fail(c, "record callback returned %s",
                             httpsrc_err_name(rc));
                        return HTTPSRC_ERR_STATE;
                }
                c->m.records_produced++;
                c->m.records_acked++;
                page_ack(pg, idx);
                return HTTPSRC_OK;
        }
        char why[512];
        pg->cookies[idx] = (cookie){pg, idx};
        rc = producer_send(c->env.sink->prod, topic, key, klen, val, vlen,
                           &pg->cookies[idx], why, sizeof(why));
        if (rc == HTTPSRC_ERR_LIMIT)
                return rc;
        if (rc < 0) {
                fail(c, "%s", why);
                return rc;
        }
        c->outstanding++;
        c->m.records_produced++;
        return HTTPSRC_OK;
}

static void send_request(connector *c);
static void poll_done(connector *c);

/* Hand over what is left of @pg; then go on with the next page. */
static void produce_page(connector *c, page *pg)
{
        while (pg->handed < pg->n && !c->failed) {
                /* Counted before the hand-over: a synchronous ack (filter,
                 * callback sink) must see the record as handed. */
                pg->handed++;
                int rc = hand_over(c, pg, pg->handed - 1);
                if (rc == HTTPSRC_ERR_LIMIT) {
                        pg->handed--;
                        c->producing = pg; /* backpressure: resume later */
                        return;
                }
                if (rc < 0)
                        return;
        }
        c->producing = NULL;
        page_release_data(pg);
        /* commit() may free @pg: take what the next step needs first. */
        char *next = pg->next_key ? xstrdup(pg->next_key) : NULL;
        char *key = next ? NULL : xstrdup(pg->key);
        size_t n = pg->n;
        commit(c);
        if (!c->failed && !c->stopped) {
                set_str(&c->read_key, next ? next : key);
                c->read_pos = next ? 0 : n;
                if (next) {
                        set_str(&c->cur_key, next);
                        send_request(c);
                } else {
                        poll_done(c);
                }
        }
        free(next);
        free(key);
}

void connector_resume(connector *c)
{
        if (c->producing && !c->failed && !c->stopped)
                produce_page(c, c->producing);
}

/* ------------------------------------------------------------------ */
/* responses                                                           */

static int on_span(void *opaque, const char *start, size_t len)
{
        page *pg = opaque;
        const char *body = http_response_body(pg->resp, NULL);
        return page_add_span(pg, (span){(size_t)(start - body), len, 0, 0, 0});
}

int connector_emit(httpsrc_emitter *em, const void *key, size_t key_len,
                   const void *value, size_t value_len)
{
        page *pg = em->pg;
        span s = {pg->emitted.len, value_len, 0, key_len, key != NULL};
        if (sb_append(&pg->emitted, value, value_len))
                return HTTPSRC_ERR_NOMEM;
        s.koff = pg->emitted.len;
        if (key && sb_append(&pg->emitted, key, key_len))
                return HTTPSRC_ERR_NOMEM;
        return page_add_span(pg, s);
}

static int select_records(connector *c, page *pg, const char *what)
{
        if (c->source.comp &&
            HTTPSRC_OPS_HAS(&c->source.comp->ops.source, parse_response)) {
                httpsrc_emitter em = {pg};
                pg->from_emitter = 1;
                c->plugin_err[0] = '\0';
                int rc = c->source.comp->ops.source.parse_response(
                    c->source.state, pg->resp, &em);
                if (rc < 0)
                        fail(c, "source %s could not parse the response "
                                "of %s: %s",
                             c->source.comp->name, what, plugin_reason(c, rc));
                return rc;
        }
        size_t len;
        const char *body = http_response_body(pg->resp, &len);
        char why[512];
        int rc = jsonpath_select_spans(c->records_path, body, len, 0, on_span,
                                       pg, why, sizeof(why));
        if (rc < 0)
                fail(c, "response of %s is not valid JSON: %s", what, why);
        return rc;
}

static page *page_new(connector *c, httpsrc_response *resp)
{
        page *pg = calloc(1, sizeof(*pg));
        if (!pg)
                return NULL;
        pg->conn = c;
        pg->resp = resp;
        if (set_str(&pg->key, c->cur_key)) {
                page_free(pg);
                return NULL;
        }
        return pg;
}

static int page_prepare(connector *c, page *pg)
{
        pg->acked = calloc(pg->n / 8 + 1, 1);
        pg->cookies = calloc(pg->n ? pg->n : 1, sizeof(*pg->cookies));
        if (!pg->acked || !pg->cookies)
                return HTTPSRC_ERR_NOMEM;
        /* The page the poll resumes on: its first read_pos records were
         * taken before (and acknowledged, or the offset says so). */
        int resumes = (!pg->key && !c->read_key) ||
                      (pg->key && c->read_key &&
                       strcmp(pg->key, c->read_key) == 0);
        pg->skip = resumes ? (c->read_pos < pg->n ? c->read_pos : pg->n) : 0;
        pg->handed = pg->contig = pg->skip;
        return HTTPSRC_OK;
}

static void on_page(connector *c, httpsrc_response *resp, const char *what)
{
        page *pg = page_new(c, resp);
        if (!pg) {
                http_response_destroy(resp);
                fail(c, "out of memory");
                return;
        }
        if (select_records(c, pg, what) < 0) {
                page_free(pg);
                return;
        }
        const httpsrc_paginator_ops *pops = &c->paginator.comp->ops.paginator;
        c->plugin_err[0] = '\0';
        char *next = NULL;
        int rc = pops->next(c->paginator.state, pg->key, resp, pg->n, &next);
        if (rc < 0 || (rc == HTTPSRC_OK && !next)) {
                free(next);
                fail(c, "paginator %s failed on the response of %s: %s",
                     c->paginator.comp->name, what,
                     rc < 0 ? plugin_reason(c, rc) : "no next page key");
                page_free(pg);
                return;
        }
        if (rc == HTTPSRC_DONE) {
                free(next);
                next = NULL;
        }
        pg->next_key = next;
        if (page_prepare(c, pg)) {
                page_free(pg);
                fail(c, "out of memory");
                return;
        }
        size_t fresh = pg->n - pg->skip;
        c->m.records_polled += fresh;
        c->poll_new += fresh;
        log_msg(c->env.lg, HTTPSRC_LOG_DEBUG, c->name,
                "%s: %zu records (%zu new)%s", what, pg->n, fresh,
                pg->next_key ? "" : ", last page");
        if (c->tail)
                c->tail->next = pg;
        else
                c->head = pg;
        c->tail = pg;
        produce_page(c, pg);
}

static void on_response(void *opaque, httpsrc_response *resp, int err,
                        const char *errmsg)
{
        connector *c = opaque;
        c->transfer = 0;
        char what[512];
        describe_request(c, resp ? http_response_url(resp) : c->url, what,
                         sizeof(what));
        if (err < 0) {
                fail(c, "%s failed: %s", what, errmsg);
                return;
        }
        int status = http_response_status(resp);
        if (HTTPSRC_OPS_HAS(&c->auth.comp->ops.auth, on_response)) {
                int retry = 0;
                c->plugin_err[0] = '\0';
                int rc = c->auth.comp->ops.auth.on_response(c->auth.state,
                                                             resp, &retry);
                if (rc < 0) {
                        http_response_destroy(resp);
                        fail(c, "auth %s: %s", c->auth.comp->name,
                             plugin_reason(c, rc));
                        return;
                }
                if (retry && !c->auth_retried) {
                        c->auth_retried = 1;
                        http_response_destroy(resp);
                        send_request(c);
                        return;
                }
        }
        c->auth_retried = 0;
        if (status < 200 || status > 299) {
                size_t len;
                const char *body = http_response_body(resp, &len);
                fail(c, "%s returned HTTP %d: %.*s", what, status,
                     (int)(len > 200 ? 200 : len), body);
                http_response_destroy(resp);
                return;
        }
        on_page(c, resp, what);
}

/* ------------------------------------------------------------------ */
/* requests                                                            */

static int build_request(connector *c, httpsrc_request *req)
{
        int rc = http_request_set_method(req, c->method);
        if (!rc && http_request_set_url(req, c->url) != HTTPSRC_OK) {
                fail(c, "http.url: invalid URL");
                return HTTPSRC_ERR_INVAL;
        }
        for (size_t i = 0; !rc && i < c->n_hdrs; i++)
                rc = http_request_set_header(req, c->hdrs[i].name,
                                             c->hdrs[i].value);
        if (!rc && c->body)
                rc = http_request_set_body(req, c->body, strlen(c->body));
        if (rc) {
                fail(c, "cannot build the request: %s", httpsrc_strerror(rc));
                return rc;
        }
        c->plugin_err[0] = '\0';
        if (c->source.comp &&
            HTTPSRC_OPS_HAS(&c->source.comp->ops.source, build_request) &&
            (rc = c->source.comp->ops.source.build_request(c->source.state,
                                                           req)) < 0) {
                fail(c, "source %s: %s", c->source.comp->name,
                     plugin_reason(c, rc));
                return rc;
        }
        rc = c->paginator.comp->ops.paginator.start(c->paginator.state,
                                                    c->cur_key, req);
        if (rc < 0) {
                fail(c, "paginator %s: %s", c->paginator.comp->name,
                     plugin_reason(c, rc));
                return rc;
        }
        rc = c->auth.comp->ops.auth.apply(c->auth.state, req);
        if (rc < 0) {
                fail(c, "auth %s: %s", c->auth.comp->name,
                     plugin_reason(c, rc));
                return rc;
        }
        return HTTPSRC_OK;
}

static void send_request(connector *c)
{
        httpsrc_request *req = http_request_new();
        if (!req) {
                fail(c, "out of memory");
                return;
        }
        if (build_request(c, req) == HTTPSRC_OK) {
                c->m.requests_total++;
                long id = http_send(c->env.http, req, &c->hopts, on_response,
                                    c);
                if (id < 0)
                        fail(c, "cannot send the request: %s",
                             httpsrc_strerror((int)id));
                else
                        c->transfer = id;
        }
        http_request_destroy(req);
}

static void poll_done(connector *c)
{
        c->in_poll = 0;
        c->caught_up = c->poll_new == 0;
        /* Catch-up: a poll that found new records is followed at once. */
        c->next_poll_at = mono_ms() + (c->caught_up ? c->interval_ms : 0);
        log_msg(c->env.lg,
                c->caught_up ? HTTPSRC_LOG_DEBUG : HTTPSRC_LOG_INFO, c->name,
                "poll done: %zu new records%s", c->poll_new,
                c->caught_up ? ", caught up" : "");
}

void connector_tick(connector *c, int64_t now, int once)
{
        if (c->in_poll || c->failed || c->stopped || now < c->next_poll_at)
                return;
        if (once && c->caught_up)
                return;
        c->in_poll = 1;
        c->poll_new = 0;
        c->m.last_poll_ms = wall_ms();
        if (set_str(&c->cur_key, c->read_key)) {
                fail(c, "out of memory");
                return;
        }
        send_request(c);
}

int64_t connector_next_wakeup(const connector *c, int once)
{
        if (c->in_poll || c->failed || c->stopped || (once && c->caught_up))
                return INT64_MAX;
        return c->next_poll_at;
}

void connector_stop(connector *c)
{
        c->stopped = 1;
        c->in_poll = 0;
        c->producing = NULL;
        if (c->transfer) {
                http_cancel(c->env.http, c->transfer);
                c->transfer = 0;
        }
}

/* ------------------------------------------------------------------ */
/* setup                                                               */

static int add_header(connector *c, char *item, char *errstr,
                      size_t errstr_size)
{
        char *colon = strchr(item, ':');
        if (!colon) {
                errstr_set(errstr, errstr_size,
                           "http.headers: '%s' is not 'Name: value'", item);
                return HTTPSRC_ERR_INVAL;
        }
        *colon = '\0';
        char *name = strtrim(item), *value = strtrim(colon + 1);
        if (!*name || strpbrk(name, " \t\r\n") || strpbrk(value, "\r\n")) {
                errstr_set(errstr, errstr_size,
                           "http.headers: invalid header name '%s'", name);
                return HTTPSRC_ERR_INVAL;
        }
        hdr *nh = realloc(c->hdrs, (c->n_hdrs + 1) * sizeof(*nh));
        if (!nh)
                return HTTPSRC_ERR_NOMEM;
        c->hdrs = nh;
        nh[c->n_hdrs].name = xstrdup(name);
        nh[c->n_hdrs].value = xstrdup(value);
        if (!nh[c->n_hdrs].name || !nh[c->n_hdrs].value) {
                free(nh[c->n_hdrs].name);
                free(nh[c->n_hdrs].value);
                return HTTPSRC_ERR_NOMEM;
        }
        c->n_hdrs++;
        return HTTPSRC_OK;
}

/* The comma that starts the next header in @p: one followed by "Token:",
 * so that values may contain commas. NULL if none. */
static char *next_header_comma(char *p)
{
        for (char *q = strchr(p, ','); q; q = strchr(q + 1, ',')) {
                char *t = q + 1 + strspn(q + 1, " \t");
                size_t nlen = strcspn(t, ":, \t");
                if (nlen && t[nlen] == ':')
                        return q;
        }
        return NULL;
}

/* "Name: value, Name: value" */
static int parse_headers(connector *c, const char *spec, char *errstr,
                         size_t errstr_size)
{
        char *copy = xstrdup(spec ? spec : "");
        if (!copy)
                return HTTPSRC_ERR_NOMEM;
        int rc = HTTPSRC_OK;
        for (char *p = copy; *p && !rc;) {
                char *cut = next_header_comma(p);
                if (cut)
                        *cut = '\0';
                if (*strtrim(p))
                        rc = add_header(c, p, errstr, errstr_size);
                p = cut ? cut + 1 : p + strlen(p);
        }
        free(copy);
        return rc;
}

static const char *effective(const connector *c, const char *key)
{
        const char *v = conf_get_set(c->conf, key);
        return v ? v : httpsrc_conf_get(c->env.worker, key);
}

static int check_converters(const connector *c, char *errstr,
                            size_t errstr_size)
{
        static const char *const which[] = {"key", "value"};
        for (size_t i = 0; i < 2; i++) {
                char k[64];
                snprintf(k, sizeof(k), "%s.converter", which[i]);
                const char *cls = effective(c, k);
                if (cls && strcmp(cls, JSON_CONVERTER) != 0) {
                        errstr_set(errstr, errstr_size,
                                   "%s: converter '%s' is not supported "
                                   "(supported: " JSON_CONVERTER ")",
                                   k, cls);
                        return HTTPSRC_ERR_INVAL;
                }
                snprintf(k, sizeof(k), "%s.converter.schemas.enable",
                         which[i]);
                const char *se = effective(c, k);
                if (se && strcaseeq(se, "true")) {
                        errstr_set(errstr, errstr_size,
                                   "%s: true is not supported yet; set it "
                                   "to false",
                                   k);
                        return HTTPSRC_ERR_INVAL;
                }
        }
        return HTTPSRC_OK;
}

static const char *const builtin_sources[] = {
    "HttpSource", "io.confluent.connect.http.HttpSourceConnector",
    "com.github.castorm.kafka.connect.http.HttpSourceConnector", NULL};

static int pick(const connector *c, int kind, const char *key,
                const char *kind_name, const plugin_component **out,
                char *errstr, size_t errstr_size)
{
        const char *want = httpsrc_conf_get(c->conf, key);
        *out = plugin_registry_find(c->env.plugins, kind, want);
        if (*out)
                return HTTPSRC_OK;
        strbuf known = {0};
        size_t n = plugin_registry_count(c->env.plugins, kind);
        for (size_t i = 0; i < n; i++) {
                const plugin_component *pc =
                    plugin_registry_at(c->env.plugins, kind, i);
                sb_printf(&known, "%s%s", i ? ", " : "", pc->name);
        }
        errstr_set(errstr, errstr_size, "%s: unknown %s '%s' (known: %s)",
                   key, kind_name, want ? want : "",
                   known.len ? known.buf : "none; check plugin.path");
        sb_free(&known);
        return HTTPSRC_ERR_INVAL;
}

static int pick_source(connector *c, char *errstr, size_t errstr_size)
{
        const char *cls = httpsrc_conf_get(c->conf, "connector.class");
        for (size_t i = 0; builtin_sources[i]; i++)
                if (strcmp(cls, builtin_sources[i]) == 0)
                        return HTTPSRC_OK;
        c->source.comp =
            plugin_registry_find(c->env.plugins, HTTPSRC_KIND_SOURCE, cls);
        if (c->source.comp)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "connector.class: unknown connector class '%s' (known: "
                   "HttpSource, io.confluent.connect.http."
                   "HttpSourceConnector, or a source plugin)",
                   cls);
        return HTTPSRC_ERR_INVAL;
}

/* The transform alias a "transforms.<alias>.<key>" key names, and <key>. */
static const httpsrc_ctx *transform_of(const connector *c, const char *key,
                                       const char **rest)
{
        const char *a = key + strlen("transforms.");
        const char *dot = strchr(a, '.');
        if (!dot)
                return NULL;
        *rest = dot + 1;
        for (size_t i = 0; i < c->n_transforms; i++)
                if (strlen(c->transforms[i].alias) == (size_t)(dot - a) &&
                    strncmp(c->transforms[i].alias, a, (size_t)(dot - a)) == 0)
                        return &c->transforms[i];
        return NULL;
}

/* Whether any registered component of @kind declares @key. */
static int declared_by_any(const connector *c, int kind, const char *key)
{
        size_t n = plugin_registry_count(c->env.plugins, kind);
        for (size_t i = 0; i < n; i++)
                if (conf_param_find(
                        comp_params(plugin_registry_at(c->env.plugins, kind, i)),
                        key))
                        return 1;
        return 0;
}

static int check_plugin_key(const connector *c, const char *key,
                            const char *value, char *errstr,
                            size_t errstr_size)
{
        const httpsrc_param_desc *d = NULL;
        if (strncmp(key, "producer.override.", 18) == 0) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s ignored: per-connector producer overrides are "
                        "not supported; set producer.* in the worker",
                        key);
                return HTTPSRC_OK;
        }
        if (strncmp(key, "transforms.", 11) == 0) {
                const char *rest = NULL;
                const httpsrc_ctx *t = transform_of(c, key, &rest);
                if (!t) {
                        errstr_set(errstr, errstr_size,
                                   "%s: transform alias is not listed in "
                                   "'transforms'",
                                   key);
                        return HTTPSRC_ERR_INVAL;
                }
                if (strcmp(rest, "type") == 0)
                        return HTTPSRC_OK;
                d = conf_param_find(comp_params(t->comp), rest);
                if (!d) {
                        errstr_set(errstr, errstr_size,
                                   "%s: unknown configuration key for "
                                   "transform %s",
                                   key, t->comp->name);
                        return HTTPSRC_ERR_INVAL;
                }
                return conf_param_validate(d, key, value, errstr,
                                           errstr_size);
        }
        const httpsrc_ctx *owner =
            strncmp(key, "http.pagination.", 16) == 0 ? &c->paginator
                                                      : &c->auth;
        int kind = owner == &c->paginator ? HTTPSRC_KIND_PAGINATOR
                                          : HTTPSRC_KIND_AUTH;
        d = conf_param_find(comp_params(owner->comp), key);
        if (d)
                return conf_param_validate(d, key, value, errstr,
                                           errstr_size);
        if (declared_by_any(c, kind, key)) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s ignored: not used by %s %s", key,
                        kind == HTTPSRC_KIND_AUTH ? "auth type"
                                                  : "pagination type",
                        owner->comp->name);
                return HTTPSRC_OK;
        }
        errstr_set(errstr, errstr_size, "%s: unknown configuration key", key);
        return HTTPSRC_ERR_INVAL;
}

/* Required keys of a component that has them must be set. */
static int check_required(const connector *c, const httpsrc_ctx *x,
                          char *errstr, size_t errstr_size)
{
        const httpsrc_param_desc *d = comp_params(x->comp);
        for (; d && d->name; d++) {
                if (!(d->flags & HTTPSRC_PARAM_F_REQUIRED))
                        continue;
                char full[256];
                snprintf(full, sizeof(full), "%s%s", x->prefix, d->name);
                if (!conf_get_set(c->conf, full)) {
                        errstr_set(errstr, errstr_size,
                                   "%s: required key is missing (needed by "
                                   "%s)",
                                   full, x->comp->name);
                        return HTTPSRC_ERR_INVAL;
                }
        }
        return HTTPSRC_OK;
}

static int setup_transforms(connector *c, char *errstr, size_t errstr_size)
{
        const char *list = httpsrc_conf_get(c->conf, "transforms");
        char *copy = xstrdup(list ? list : "");
        if (!copy)
                return HTTPSRC_ERR_NOMEM;
        int rc = HTTPSRC_OK;
        char *save = NULL;
        for (char *a = strtok_r(copy, ",", &save); a && !rc;
             a = strtok_r(NULL, ",", &save)) {
                a = strtrim(a);
                if (!*a)
                        continue;
                httpsrc_ctx *nt = realloc(c->transforms,
                                          (c->n_transforms + 1) * sizeof(*nt));
                if (!nt) {
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
                c->transforms = nt;
                httpsrc_ctx *t = &c->transforms[c->n_transforms];
                memset(t, 0, sizeof(*t));
                t->conn = c;
                t->alias = xstrdup(a);
                char key[256];
                snprintf(key, sizeof(key), "transforms.%s.type", a);
                const char *type = conf_get_set(c->conf, key);
                if (!type) {
                        errstr_set(errstr, errstr_size,
                                   "%s: required key is missing", key);
                        rc = HTTPSRC_ERR_INVAL;
                        break;
                }
                t->comp = plugin_registry_find(c->env.plugins,
                                               HTTPSRC_KIND_TRANSFORM, type);
                if (!t->comp) {
                        rc = pick(c, HTTPSRC_KIND_TRANSFORM, key, "transform",
                                  &t->comp, errstr, errstr_size);
                        break;
                }
                /* prefix points into alias-owned memory kept for life */
                char *prefix = malloc(strlen(a) + 13);
                if (!prefix) {
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
                sprintf(prefix, "transforms.%s.", a);
                t->prefix = prefix;
                c->n_transforms++;
        }
        free(copy);
        return rc;
}

/* create/destroy sit at different offsets in each kind's vtable. */
static int comp_create(httpsrc_ctx *x)
{
        const plugin_component *pc = x->comp;
        void *pctx = pc->plugin_ctx;
        switch (pc->kind) {
        case HTTPSRC_KIND_SOURCE:
                return pc->ops.source.create(x, pctx, &x->state);
        case HTTPSRC_KIND_AUTH:
                return pc->ops.auth.create(x, pctx, &x->state);
        case HTTPSRC_KIND_PAGINATOR:
                return pc->ops.paginator.create(x, pctx, &x->state);
        default:
                return pc->ops.transform.create(x, pctx, &x->state);
        }
}

static void comp_destroy(httpsrc_ctx *x)
{
        const plugin_component *pc = x->comp;
        switch (pc->kind) {
        case HTTPSRC_KIND_SOURCE:
                pc->ops.source.destroy(x->state);
                break;
        case HTTPSRC_KIND_AUTH:
                pc->ops.auth.destroy(x->state);
                break;
        case HTTPSRC_KIND_PAGINATOR:
                pc->ops.paginator.destroy(x->state);
                break;
        default:
                pc->ops.transform.destroy(x->state);
        }
}

static int create_instance(connector *c, httpsrc_ctx *x, char *errstr,
                           size_t errstr_size)
{
        if (!x->comp)
                return HTTPSRC_OK;
        c->plugin_err[0] = '\0';
        int rc = comp_create(x);
        if (rc < 0) {
                errstr_set(errstr, errstr_size, "%s%s%s: %s", x->comp->name,
                           x->alias ? " " : "", x->alias ? x->alias : "",
                           plugin_reason(c, rc));
                return rc;
        }
        x->created = 1;
        return HTTPSRC_OK;
}

static void destroy_instance(httpsrc_ctx *x)
{
        if (x->created)
                comp_destroy(x);
        x->created = 0;
        x->state = NULL;
}

static int setup(connector *c, char *errstr, size_t errstr_size)
{
        c->name = httpsrc_conf_get(c->conf, "name");
        c->topic = httpsrc_conf_get(c->conf, "kafka.topic");
        c->url = httpsrc_conf_get(c->conf, "http.url");
        c->method = httpsrc_conf_get(c->conf, "http.method");
        c->body = httpsrc_conf_get(c->conf, "http.request.body");
        c->interval_ms = conf_get_int(c->conf, "http.timer.interval.ms", 60000);
        c->hopts.connect_timeout_ms =
            (long)conf_get_int(c->conf, "http.connect.timeout.ms", 10000);
        c->hopts.timeout_ms =
            (long)conf_get_int(c->conf, "http.request.timeout.ms", 30000);
        c->hopts.max_bytes = (size_t)conf_get_int(
            c->conf, "http.response.max.bytes", 64 << 20);
        c->tolerate = strcaseeq(httpsrc_conf_get(c->conf, "errors.tolerance"),
                                "all");
        c->source.conn = c->auth.conn = c->paginator.conn = c;
        c->source.prefix = c->auth.prefix = c->paginator.prefix = "";
        int rc = httpsrc_conf_check(c->conf, errstr, errstr_size);
        if (!rc)
                rc = check_converters(c, errstr, errstr_size);
        if (!rc)
                rc = parse_headers(c, httpsrc_conf_get(c->conf, "http.headers"),
                                   errstr, errstr_size);
        if (!rc && !(c->records_path = jsonpath_compile(
                         httpsrc_conf_get(c->conf, "http.response.records.path"),
                         errstr, errstr_size)))
                rc = HTTPSRC_ERR_INVAL;
        if (!rc)
                rc = pick_source(c, errstr, errstr_size);
        if (!rc)
                rc = pick(c, HTTPSRC_KIND_AUTH, "http.auth.type", "auth type",
                          &c->auth.comp, errstr, errstr_size);
        if (!rc)
                rc = pick(c, HTTPSRC_KIND_PAGINATOR, "http.pagination.type",
                          "pagination type", &c->paginator.comp, errstr,
                          errstr_size);
        if (!rc)
                rc = setup_transforms(c, errstr, errstr_size);
        for (size_t i = 0; !rc && i < httpsrc_conf_count(c->conf); i++) {
                const char *k, *v;
                httpsrc_conf_at(c->conf, i, &k, &v);
                if (!conf_param_find(conf_connector_params, k) &&
                    conf_is_deferred_key(HTTPSRC_SCOPE_CONNECTOR, k))
                        rc = check_plugin_key(c, k, v, errstr, errstr_size);
        }
        if (!rc)
                rc = check_required(c, &c->auth, errstr, errstr_size);
        if (!rc)
                rc = check_required(c, &c->paginator, errstr, errstr_size);
        for (size_t i = 0; !rc && i < c->n_transforms; i++)
                rc = check_required(c, &c->transforms[i], errstr, errstr_size);
        return rc;
}

static int make_partition(connector *c)
{
        strbuf sb = {0};
        if (sb_puts(&sb, "{\"url\":") ||
            json_write_string(&sb, c->url, strlen(c->url)) ||
            sb_putc(&sb, '}')) {
                sb_free(&sb);
                return HTTPSRC_ERR_NOMEM;
        }
        c->partition_json = sb_steal(&sb);
        return HTTPSRC_OK;
}

connector *connector_new(const conn_env *env, httpsrc_conf *conf,
                         char *errstr, size_t errstr_size)
{
        connector *c = calloc(1, sizeof(*c));
        if (!c) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        c->env = *env;
        c->conf = conf;
        int rc = setup(c, errstr, errstr_size);
        if (!rc)
                rc = make_partition(c);
        if (!rc)
                rc = load_offset(c, errstr, errstr_size);
        if (!rc)
                rc = create_instance(c, &c->source, errstr, errstr_size);
        if (!rc)
                rc = create_instance(c, &c->auth, errstr, errstr_size);
        if (!rc)
                rc = create_instance(c, &c->paginator, errstr, errstr_size);
        for (size_t i = 0; !rc && i < c->n_transforms; i++)
                rc = create_instance(c, &c->transforms[i], errstr,
                                     errstr_size);
        if (rc) {
                c->conf = NULL; /* stays the caller's on failure */
                connector_destroy(c);
                return NULL;
        }
        c->m.struct_size = sizeof(c->m);
        c->next_poll_at = mono_ms();
        log_msg(env->lg, HTTPSRC_LOG_INFO, c->name,
                "connector created: %s %s -> topic %s, pagination %s, "
                "auth %s, %zu transform(s)%s%s",
                c->method, c->url, c->topic, c->paginator.comp->name,
                c->auth.comp->name, c->n_transforms,
                c->offset_json ? ", resuming at " : "",
                c->offset_json ? c->offset_json : "");
        return c;
}

void connector_destroy(connector *c)
{
        if (!c)
                return;
        connector_stop(c);
        while (c->head) {
                page *pg = c->head;
                c->head = pg->next;
                page_free(pg);
        }
        for (size_t i = 0; i < c->n_transforms; i++) {
                destroy_instance(&c->transforms[i]);
                free(c->transforms[i].alias);
                free((char *)c->transforms[i].prefix);
        }
        free(c->transforms);
        destroy_instance(&c->paginator);
        destroy_instance(&c->auth);
        destroy_instance(&c->source);
        for (size_t i = 0; i < c->n_hdrs; i++) {
                free(c->hdrs[i].name);
                free(c->hdrs[i].value);
        }
        free(c->hdrs);
        jsonpath_destroy(c->records_path);
        record_free(&c->rec);
        free(c->partition_json);
        free(c->read_key);
        free(c->cur_key);
        free(c->offset_json);
        httpsrc_conf_destroy(c->conf);
        free(c);
}

/* ------------------------------------------------------------------ */
/* queries and plugin services                                         */

const char *connector_name(const connector *c)
{
        return c->name;
}

int connector_failed(const connector *c)
{
        return c->failed;
}

const char *connector_failure(const connector *c)
{
        return c->failed ? c->failure : NULL;
}

int connector_caught_up(const connector *c)
{
        return c->caught_up;
}

int connector_busy(const connector *c)
{
        return c->in_poll || c->producing || c->outstanding > 0;
}

void connector_metrics(const connector *c, httpsrc_metrics *m)
{
        httpsrc_metrics full = c->m;
        full.state = c->failed ? HTTPSRC_STATE_FAILED
                     : c->stopped ? HTTPSRC_STATE_STOPPED
                                  : HTTPSRC_STATE_RUNNING;
        size_t n = m->struct_size < sizeof(full) ? m->struct_size
                                                 : sizeof(full);
        uint32_t size = m->struct_size;
        memcpy(m, &full, n);
        m->struct_size = size;
}

const char *connector_offset(const connector *c)
{
        return c->offset_json;
}

const char *connector_conf_get(httpsrc_ctx *ctx, const char *key)
{
        char full[512];
        snprintf(full, sizeof(full), "%s%s", ctx->prefix, key);
        const char *v = conf_get_set(ctx->conn->conf, full);
        if (v)
                return v;
        const httpsrc_param_desc *d = conf_param_find(comp_params(ctx->comp),
                                                      key);
        if (d && d->default_value)
                return d->default_value;
        return httpsrc_conf_get(ctx->conn->conf, full);
}

void connector_vlog(httpsrc_ctx *ctx, int level, const char *fmt, va_list ap)
{
        char line[900];
        vsnprintf(line, sizeof(line), fmt, ap);
        log_msg(ctx->conn->env.lg, level, ctx->conn->name, "%s: %s",
                ctx->comp ? ctx->comp->name : "source", line);
}

int connector_vset_error(httpsrc_ctx *ctx, int code, const char *fmt,
                         va_list ap)
{
        vsnprintf(ctx->conn->plugin_err, sizeof(ctx->conn->plugin_err), fmt,
                  ap);
        return code;
}
