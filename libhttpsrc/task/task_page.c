/* connector: pages of records, their transforms and delivery, and the
 * offset, which only ever moves over a contiguous prefix of acknowledged
 * records. Offset maps per http.offset.mode:
 *   page modes   {"<page field>": <page key>, "position": <records of that
 *                 page acknowledged>}   (a restart re-requests the page and
 *                 skips them)
 *   TIMESTAMP/ID {"timestamp"|"id": <largest value acknowledged>}
 *   CHAINING     {"offset": <value of the last record acknowledged>}
 *   SIMPLE_INCREMENTING {"offset": <records acknowledged so far>}
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "offset_value_int.h"
#include "task_impl.h"

const char *offset_field(const task *c)
{
        if (c->offs != OFFS_PAGE)
                return c->offs_name;
        const httpsrc_paginator_ops *ops = &c->paginator.comp->ops.paginator;
        return ops->offset_field ? ops->offset_field : "page";
}

/* ------------------------------------------------------------------ */
/* offset values                                                       */

/* TIMESTAMP/ID: why @p v is not a value of this connector's mode, in
 * @p why ("value '...' is ..."); 0 if it is one. */
static int value_check(const task *c, const char *v, char *why, size_t why_size)
{
        char reason[160];
        if (!offset_value_check(c->offs_numeric ? OFFSET_VALUE_ID
                                                : OFFSET_VALUE_TIMESTAMP,
                                v, reason, sizeof(reason)))
                return 0;
        errstr_set(why, why_size, "value '%.64s%s' is %s", v,
                   strlen(v) > 64 ? "..." : "", reason);
        return -1;
}

/* Page keys and CHAINING values are upstream text: stored sealed, with
 * no resolved secret in them (offset_key_seal); TIMESTAMP/ID values are
 * checked numbers and instants, stored as they are. */
static int sealed_text(const task *c)
{
        return c->offs == OFFS_PAGE || c->offs == OFFS_LAST;
}

static int write_value(const task *c, const char *v, strbuf *out)
{
        if (!v)
                return sb_puts(out, "null");
        if (c->offs_numeric && offset_value_is_json_number(v))
                return sb_puts(out, v);
        if (!sealed_text(c))
                return json_write_string(out, v, strlen(v));
        strbuf sealed = {0};
        int r = offset_key_seal(v, (const char *const *)c->secret_refs,
                                (const char *const *)c->secret_vals,
                                c->n_secret_refs, &sealed) ||
                json_write_string(out, sealed.buf, sealed.len);
        sb_wipe(&sealed);
        return r;
}

/* The stored text back as the connector uses it (the secrets in); a
 * null key (the first page) stays NULL. */
static int unseal_into(const task *c, const char *stored, char **dst)
{
        strbuf sb = {0};
        if (!stored)
                return conn_set_str(dst, NULL);
        if (offset_key_unseal(stored, (const char *const *)c->secret_refs,
                              (const char *const *)c->secret_vals,
                              c->n_secret_refs, &sb)) {
                sb_wipe(&sb);
                return HTTPSRC_ERR_NOMEM;
        }
        free(*dst);
        *dst = sb_steal(&sb);
        return HTTPSRC_OK;
}

static int build_offset(const task *c, const char *key, size_t pos, strbuf *out)
{
        const char *f = offset_field(c);
        if (sb_putc(out, '{') || json_write_string(out, f, strlen(f)) ||
            sb_putc(out, ':'))
                return HTTPSRC_ERR_NOMEM;
        if (c->offs == OFFS_COUNT)
                return sb_printf(out, "%zu}", pos) ? HTTPSRC_ERR_NOMEM : 0;
        if (write_value(c, key, out))
                return HTTPSRC_ERR_NOMEM;
        if (c->offs == OFFS_PAGE && sb_printf(out, ",\"position\":%zu", pos))
                return HTTPSRC_ERR_NOMEM;
        return sb_putc(out, '}') ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static void store_offset(task *c, const char *key, size_t pos)
{
        strbuf sb = {0};
        if (build_offset(c, key, pos, &sb)) {
                sb_free(&sb);
                conn_fail(c, "out of memory storing the offset");
                return;
        }
        if (c->offset_json && strcmp(c->offset_json, sb.buf) == 0) {
                sb_free(&sb);
                return;
        }
        if (c->eos) {
                /* Written by the transaction that holds its records. */
                free(c->offset_json);
                c->offset_json = sb_steal(&sb);
                c->eos_dirty   = 1;
                return;
        }
        if (offset_store_put(c->env.offsets, c->name, c->partition_json,
                             sb.buf) != HTTPSRC_OK) {
                sb_free(&sb);
                conn_fail(c, "cannot store the offset");
                return;
        }
        free(c->offset_json);
        c->offset_json       = sb_steal(&sb);
        c->st.last_commit_ms = wall_ms();
}

static int
initial_value(task *c, const char *initial, char *errstr, size_t errstr_size)
{
        char why[256];
        if (c->offs == OFFS_MAX && value_check(c, initial, why, sizeof(why))) {
                errstr_set(errstr, errstr_size, "http.initial.offset: %s", why);
                return HTTPSRC_ERR_INVAL;
        }
        return conn_set_str(&c->read_value, initial);
}

/* The offset map this connector stores, for messages. */
static void offset_shape(const task *c, char *buf, size_t size)
{
        const char *f = offset_field(c);
        if (c->offs == OFFS_COUNT)
                snprintf(buf, size, "{\"%s\":<number>}", f);
        else if (c->offs == OFFS_PAGE)
                snprintf(buf, size, "{\"%s\":<page key>,\"position\":<number>}",
                         f);
        else
                snprintf(buf, size, "{\"%s\":<value>}", f);
}

/* Resume from the stored offset; an unusable one is an error, not a
 * silent restart from the beginning. */
int offset_load(task *c, char *errstr, size_t errstr_size)
{
        const char *stored;
        if (offset_store_get(c->env.offsets, c->name, c->partition_json,
                             &stored)) {
                errstr_set(errstr, errstr_size,
                           "cannot read the stored offset: out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        const char *initial = httpsrc_conf_get(c->rconf, "http.initial.offset");
        if (!stored) {
                if (c->offs == OFFS_COUNT)
                        c->read_count =
                            strtoull(initial ? initial : "0", NULL, 10);
                else if (c->offs != OFFS_PAGE && initial && *initial)
                        return initial_value(c, initial, errstr, errstr_size);
                return HTTPSRC_OK;
        }
        httpsrc_json *o       = json_parse(stored, strlen(stored), NULL, 0);
        const httpsrc_json *k = json_get(o, offset_field(c));
        const httpsrc_json *p = json_get(o, "position");
        int kt                = json_type(k);
        int ok                = o && json_type(o) == HTTPSRC_JSON_OBJECT && k &&
                 (c->offs == OFFS_COUNT ? kt == HTTPSRC_JSON_NUMBER
                                        : kt != HTTPSRC_JSON_ARRAY &&
                                              kt != HTTPSRC_JSON_OBJECT) &&
                 (!p || json_type(p) == HTTPSRC_JSON_NUMBER);
        if (!ok) {
                char shape[128];
                offset_shape(c, shape, sizeof(shape));
                errstr_set(errstr, errstr_size,
                           "offset %s does not fit this connector: with "
                           "http.offset.mode=%s and http.pagination.type=%s "
                           "its offset is %s",
                           stored,
                           httpsrc_conf_get(c->rconf, "http.offset.mode"),
                           c->paginator.comp->name, shape);
                json_destroy(o);
                return HTTPSRC_ERR_INVAL;
        }
        char *text = json_scalar_text(k);
        int rc     = HTTPSRC_OK;
        char why[256];
        if (c->offs == OFFS_MAX && value_check(c, text, why, sizeof(why))) {
                errstr_set(errstr, errstr_size,
                           "stored offset %s: %s (reset the offset with "
                           "PATCH /connectors/%s/offsets or use a new "
                           "connector name)",
                           stored, why, c->name);
                rc = HTTPSRC_ERR_INVAL;
        } else if (c->offs == OFFS_COUNT)
                c->read_count = strtoull(text, NULL, 10);
        else if (c->offs == OFFS_PAGE)
                rc = unseal_into(c, text, &c->read_key);
        else
                rc = unseal_into(c, text, &c->read_value);
        c->read_pos = p ? (size_t)strtoull(json_number_text(p), NULL, 10) : 0;
        free(text);
        c->offset_json = xstrdup(stored);
        json_destroy(o);
        return rc;
}

/* ------------------------------------------------------------------ */
/* pages and acknowledgements                                          */

static void page_release_data(page *pg)
{
        json_root_index_free(&pg->members);
        http_response_destroy(pg->resp);
        pg->resp = NULL;
        sb_free(&pg->emitted);
        free(pg->spans);
        pg->spans = NULL;
        pg->cap   = 0;
}

void page_free(page *pg)
{
        page_release_data(pg);
        free(pg->key);
        free(pg->next_key);
        free(pg->acked);
        free(pg->cookies);
        free(pg->val_off);
        sb_free(&pg->vals);
        free(pg);
}

static int page_add_span(page *pg, span s)
{
        if (pg->n == pg->cap) {
                size_t cap = pg->cap ? pg->cap * 2 : 64;
                span *ns   = realloc(pg->spans, cap * sizeof(*ns));
                if (!ns)
                        return HTTPSRC_ERR_NOMEM;
                pg->spans = ns;
                pg->cap   = cap;
        }
        pg->spans[pg->n++] = s;
        return HTTPSRC_OK;
}

static int page_complete(const page *pg)
{
        return !pg->queued && pg->handed == pg->n && pg->contig == pg->n;
}

static const char *page_value(const page *pg, size_t i)
{
        return pg->val_off[i] == SIZE_MAX ? NULL
                                          : pg->vals.buf + pg->val_off[i];
}

/* The offset once the first @p upto records of @p pg are acknowledged. */
/* The offset that covers the first @p upto records of @p pg, as the key
 * and position build_offset() takes; 0 if those records move none. */
static int page_offset_at(
    const task *c, const page *pg, size_t upto, const char **key, size_t *pos)
{
        *key = NULL;
        *pos = 0;
        switch (c->offs) {
        case OFFS_PAGE:
                /* {page, records taken}, never {next page, 0}: a restart
                 * re-reads the page and catches records appended to it.
                 * An empty page never takes the position: records that
                 * arrive later may land on the page before it. */
                *key = pg->key;
                *pos = upto;
                return pg->n > 0;
        case OFFS_COUNT:
                *pos = (size_t)(pg->count_base + upto);
                return 1;
        default:
                *key = upto > 0 ? page_value(pg, upto - 1) : NULL;
                return *key != NULL;
        }
}

static void store_page_offset(task *c, const page *pg, size_t upto)
{
        const char *key;
        size_t pos;
        if (page_offset_at(c, pg, upto, &key, &pos))
                store_offset(c, key, pos);
}

/* Move the stored offset over the acknowledged prefix of the FIFO. */
static void commit(task *c)
{
        while (c->head && page_complete(c->head)) {
                page *pg = c->head;
                /* the latency the bench reports: response to last ack */
                if (pg->n > pg->skip)
                        log_msg(c->env.lg, HTTPSRC_LOG_DEBUG, c->name,
                                "page of %zu records acknowledged %lld us "
                                "after its response",
                                pg->n - pg->skip,
                                (long long)(mono_us() - pg->mono_us));
                store_page_offset(c, pg, pg->n);
                c->head = pg->next;
                if (!c->head)
                        c->tail = NULL;
                page_free(pg);
        }
        if (c->head && c->head->contig > c->head->skip)
                store_page_offset(c, c->head, c->head->contig);
}

static void page_ack(page *pg, size_t idx)
{
        /* Only a record handed over can be acknowledged; the prefix
         * acknowledged never passes what was handed over. */
        assert(idx < pg->handed && pg->handed <= pg->n);
        pg->acked[idx / 8] |= (uint8_t)(1u << (idx % 8));
        while (pg->contig < pg->handed &&
               (pg->acked[pg->contig / 8] & (1u << (pg->contig % 8))))
                pg->contig++;
        assert(pg->skip <= pg->n && pg->contig <= pg->handed);
}

void task_delivered(void *msg_opaque, int err, const char *reason)
{
        cookie *ck   = msg_opaque;
        page *pg     = ck->pg;
        task *c      = pg->conn;
        c->outstanding--;
        c->st.outstanding_bytes -= ck->bytes;
        if (err) {
                c->st.records_failed++;
                conn_fail(c, "delivery to topic '%s' failed: %s", c->topic,
                          reason);
                return;
        }
        c->m.records_acked++;
        page_ack(pg, ck->idx);
        /* Reports come in batches: the offset moves once per batch, in
         * task_commit_acks(), not once per record. */
        c->acks_pending = 1;
}

void task_commit_acks(task *c)
{
        if (!c->acks_pending)
                return;
        c->acks_pending = 0;
        commit(c);
}

/* ------------------------------------------------------------------ */
/* records                                                             */

static int predicate_test(task *c, const transform_ref *t, httpsrc_record *rec)
{
        if (!t->predicate)
                return 1;
        const httpsrc_ctx *p = t->predicate;
        int r                = p->comp->ops.predicate.test(p->state, rec);
        if (r < 0)
                return r;
        return t->negate ? !r : r;
}

static int run_transforms(task *c, httpsrc_record *rec)
{
        for (size_t i = 0; i < c->n_transforms; i++) {
                transform_ref *t = &c->transforms[i];
                c->plugin_err[0] = '\0';
                int rc           = predicate_test(c, t, rec);
                if (rc > 0)
                        rc =
                            t->ctx.comp->ops.transform.apply(t->ctx.state, rec);
                if (rc == HTTPSRC_FILTERED)
                        return rc;
                if (rc < 0) {
                        char why[768];
                        snprintf(why, sizeof(why), "transform '%s' (%s): %s",
                                 t->ctx.alias, t->ctx.comp->name,
                                 conn_plugin_reason(c, rc));
                        snprintf(c->plugin_err, sizeof(c->plugin_err), "%s",
                                 why);
                        return rc;
                }
        }
        return HTTPSRC_OK;
}

/* OFFS_MAX: @p text checked, compared with the offset the poll started
 * from (*@p vs_poll) and the running maximum (*@p vs_max); an unusable
 * value is the record's error (plugin_err), never a silent drop. */
static int
record_value_cmp(task *c, const char *text, int *vs_poll, int *vs_max)
{
        char why[256];
        const char *f = jsonpath_expr(c->offs_field);
        int bad_poll = 0, bad_max = 0;
        *vs_poll = *vs_max = 1;
        if (value_check(c, text, why, sizeof(why))) {
                snprintf(c->plugin_err, sizeof(c->plugin_err),
                         "http.offset.field %s: %s", f, why);
                return -1;
        }
        if (c->poll_value)
                *vs_poll = offset_value_cmp(text, c->poll_value, &bad_poll);
        if (c->read_value)
                *vs_max = offset_value_cmp(text, c->read_value, &bad_max);
        if (bad_poll || bad_max) {
                snprintf(c->plugin_err, sizeof(c->plugin_err),
                         "http.offset.field %s: value '%.64s' cannot be "
                         "compared with the offset '%.64s' (an instant and "
                         "a number)",
                         f, text, bad_poll ? c->poll_value : c->read_value);
                return -1;
        }
        return 0;
}

/* OFFS_MAX/LAST: the record's offset value, and whether it is old. */
static int
record_offset(task *c, page *pg, size_t idx, httpsrc_record *rec, int *old)
{
        *old             = 0;
        pg->val_off[idx] = idx ? pg->val_off[idx - 1] : SIZE_MAX;
        if (c->offs != OFFS_MAX && c->offs != OFFS_LAST)
                return HTTPSRC_OK;
        const httpsrc_json *v =
            jsonpath_first(c->offs_field, record_value_json(rec));
        char *text  = json_scalar_text(v);
        int cmp_old = 1, cmp_max = 1;
        if (!text) {
                snprintf(c->plugin_err, sizeof(c->plugin_err),
                         "http.offset.field %s: no value in the record",
                         jsonpath_expr(c->offs_field));
                return HTTPSRC_ERR_INVAL;
        }
        if (c->offs == OFFS_MAX && record_value_cmp(c, text, &cmp_old,
                                                     &cmp_max)) {
                free(text);
                return HTTPSRC_ERR_INVAL;
        }
        if (c->offs == OFFS_MAX && c->poll_value && cmp_old <= 0)
                *old = 1; /* not newer than the offset: seen before */
        /* MAX: the value after a record is the running maximum over every
         * page so far (read_value), so a page of older records never takes
         * the stored offset back. ">=": records of the same instant all
         * carry it. */
        int keep = c->offs == OFFS_LAST || !c->read_value || cmp_max >= 0;
        if (keep) {
                pg->val_off[idx] = pg->vals.len;
                if (sb_append(&pg->vals, text, strlen(text) + 1) ||
                    conn_set_str(&c->read_value, text)) {
                        free(text);
                        return HTTPSRC_ERR_NOMEM;
                }
        }
        free(text);
        return HTTPSRC_OK;
}

static int convert(task *c,
                   converter *conv,
                   const void *in,
                   size_t len,
                   strbuf *out,
                   const void **res,
                   size_t *res_len)
{
        if (converter_is_identity(conv)) {
                /* JsonConverter writes a null value as a Kafka null */
                int is_null = !in || (len == 4 && !memcmp(in, "null", 4));
                *res        = is_null ? NULL : in;
                *res_len    = is_null ? 0 : len;
                return HTTPSRC_OK;
        }
        int is_null = 0;
        char why[256];
        int rc =
            converter_convert(conv, in, len, out, &is_null, why, sizeof(why));
        if (rc < 0) {
                snprintf(c->plugin_err, sizeof(c->plugin_err), "%s", why);
                return rc;
        }
        *res     = is_null ? NULL : out->buf;
        *res_len = is_null ? 0 : out->len;
        return HTTPSRC_OK;
}

/* A record that could not be turned into a Kafka record. */
static int record_error(task *c, page *pg, size_t idx, int rc)
{
        if (!c->tolerate) {
                conn_fail(c, "record %zu of page %s: %s", idx,
                          pg->key ? pg->key : "(first)", c->plugin_err);
                return rc;
        }
        if (c->log_errors)
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "record %zu skipped (errors.tolerance=all): %s", idx,
                        c->plugin_err);
        c->m.errors_total++;
        c->st.records_failed++;
        page_ack(pg, idx);
        return HTTPSRC_OK;
}

/* Topic tracking: one comparison per record with the usual one topic. */
static void note_topic(task *c, const char *topic)
{
        if (!c->track_topics)
                return;
        for (size_t i = c->n_topics; i-- > 0;)
                if (strcmp(c->topics[i], topic) == 0)
                        return;
        char **nt = realloc(c->topics, (c->n_topics + 1) * sizeof(*nt));
        if (!nt)
                return; /* only the REST view misses it */
        c->topics = nt;
        if ((nt[c->n_topics] = strdup(topic)))
                c->n_topics++;
}

/* The record callback of the embedding API: the held record as a
 * struct, with the offset its acceptance stores. */
static int
call_source_record_cb(task *c, const page *pg, size_t idx, const held_record *h)
{
        const char *okey;
        size_t pos;
        if (!page_offset_at(c, pg, idx + 1, &okey, &pos))
                okey = c->read_value; /* older than the maximum: it stays */
        sb_reset(&c->rec_offset);
        if (build_offset(c, okey, pos, &c->rec_offset))
                return HTTPSRC_ERR_NOMEM;
        httpsrc_source_record r = {
            .struct_size      = (uint32_t)sizeof(r),
            .connector        = c->name,
            .topic            = h->topic,
            .key              = h->key,
            .key_len          = h->klen,
            .value            = h->val,
            .value_len        = h->vlen,
            .timestamp_ms     = record_timestamp(&c->rec),
            .source_partition = c->partition_json,
            .source_offset    = c->rec_offset.buf,
        };
        return c->env.sink->rcb(c->env.sink->opaque, &r);
}

static void page_done(task *c, page *pg);

void eos_delivered(void *opaque, void *msg, int err, const char *why)
{
        (void)opaque;
        if (!msg) /* the offset record: commit_transaction reports it */
                return;
        cookie *ck   = msg;
        task *c      = ck->pg->conn;
        char fenced[512];
        if (err && c->txn && txn_fenced(c->txn, fenced, sizeof(fenced)))
                conn_fail(c, "%s", fenced); /* says more than the record */
        task_delivered(msg, err, why);
}

/* The transactional producer at the first record (init_transactions
 * fences a zombie with the same id before anything is written), and a
 * transaction open for the records. */
static int eos_begin(task *c, char *why, size_t why_size)
{
        if (!c->txn &&
            !(c->txn = txn_new(c->env.worker, c->name, c->env.lg,
                               eos_delivered, NULL, why, why_size)))
                return HTTPSRC_ERR_KAFKA;
        if (txn_is_open(c->txn))
                return HTTPSRC_OK;
        c->txn_started_ms = mono_ms();
        return txn_begin(c->txn, why, why_size);
}

/* Commit the open transaction with the offset record of what it holds;
 * the store learns the offset only once it is committed. */
static int eos_commit(task *c)
{
        char why[512];
        strbuf key = {0};
        int rc     = offset_store_key(&key, c->name, c->partition_json);
        if (!rc)
                rc = txn_commit(c->txn, key.buf, key.len,
                                c->eos_dirty ? c->offset_json : NULL, why,
                                sizeof(why));
        else
                snprintf(why, sizeof(why), "out of memory");
        if (!rc && c->eos_dirty)
                rc = offset_store_load_raw(c->env.offsets, key.buf, key.len,
                                           c->offset_json,
                                           strlen(c->offset_json));
        sb_free(&key);
        if (rc) {
                conn_fail(c, "%s", why);
                return rc;
        }
        c->eos_dirty         = 0;
        c->st.last_commit_ms = wall_ms();
        return HTTPSRC_OK;
}

/* A page whose records were all dropped (filters) still moves the
 * offset: in a transaction of its own. */
static int eos_offset_only(task *c)
{
        char why[512];
        if (eos_begin(c, why, sizeof(why))) {
                conn_fail(c, "%s", why);
                return -1;
        }
        return eos_commit(c) ? -1 : 0;
}

/* A page is handed over: wait for its records, let the offset move over
 * them, and commit at the boundary (every page; with interval, once the
 * interval passed). Returns -1 on failure. */
static int eos_page_done(task *c, page *pg)
{
        char why[512];
        if (txn_flush(c->txn, why, sizeof(why))) {
                conn_fail(c, "%s", why);
                return -1;
        }
        page_done(c, pg);
        if (task_failed(c))
                return -1;
        /* interval: the transaction stays open over the next pages; the
         * loop wakes the connector to commit it (eos_commit_at). */
        if (c->eos_interval &&
            mono_ms() - c->txn_started_ms < c->eos_interval_ms)
                return 0;
        return eos_commit(c) ? -1 : 0;
}

int64_t eos_commit_at(const task *c)
{
        if (!c->eos_interval || !c->txn || !txn_is_open(c->txn) || task_ended(c))
                return INT64_MAX;
        return c->txn_started_ms + c->eos_interval_ms;
}

/* Only between pages: a page half handed over is not in the offset yet,
 * its records would come again after the commit. */
void eos_commit_if_due(task *c, int64_t now, int force)
{
        if (c->producing || (!force && now < eos_commit_at(c)) ||
            eos_commit_at(c) == INT64_MAX)
                return;
        eos_commit(c);
}

static int deliver(task *c, page *pg, size_t idx, const held_record *h)
{
        const char *topic = h->topic;
        const void *key = h->key, *val = h->val;
        size_t klen = h->klen, vlen = h->vlen;
        if (c->env.sink->cb || c->env.sink->rcb) {
                int rc = c->env.sink->rcb
                             ? call_source_record_cb(c, pg, idx, h)
                             : c->env.sink->cb(c->env.sink->opaque, c->name,
                                               topic, key, klen, val, vlen);
                if (rc == HTTPSRC_RETRY) {
                        task_redeliver_later(c);
                        return HTTPSRC_ERR_LIMIT; /* held, as when full */
                }
                c->redeliver_n = 0;
                if (rc != HTTPSRC_OK) {
                        /* task_stop() commits: the offset covers
                         * every record accepted before this one. */
                        conn_fail(c, "record callback returned %s",
                                  httpsrc_err_name(rc));
                        return HTTPSRC_ERR_STATE;
                }
                c->m.records_produced++;
                c->m.records_acked++;
                note_topic(c, topic);
                page_ack(pg, idx);
                c->acks_pending = 1;
                return HTTPSRC_OK;
        }
        char why[512];
        if (c->eos && eos_begin(c, why, sizeof(why))) {
                conn_fail(c, "%s", why);
                return HTTPSRC_ERR_KAFKA;
        }
        pg->cookies[idx] = (cookie){pg, idx, klen + vlen};
        int rc = producer_send(c->txn ? txn_producer(c->txn) : c->env.sink->prod,
                               topic, key, klen, val, vlen, pg->ts,
                               &pg->cookies[idx], why, sizeof(why));
        if (rc == HTTPSRC_ERR_LIMIT)
                return rc;
        if (rc < 0) {
                conn_fail(c, "%s", why);
                return rc;
        }
        c->outstanding++;
        c->st.outstanding_bytes += klen + vlen;
        c->m.records_produced++;
        note_topic(c, topic);
        return HTTPSRC_OK;
}

/* Send the record hand_over() made ready. Under backpressure it stays
 * held (its bytes live in c->rec, the converters' buffers and the page)
 * and only this is tried again: no second transform or offset pass. */
static int send_held(task *c, page *pg, size_t idx)
{
        const held_record *h = &c->held;
        int rc = deliver(c, pg, idx, h);
        if (rc != HTTPSRC_ERR_LIMIT)
                c->held.pending = 0;
        return rc;
}

/* HTTPSRC_OK: handed over (or skipped); HTTPSRC_ERR_LIMIT: queue full. */
static int hand_over(task *c, page *pg, size_t idx)
{
        const span *s       = &pg->spans[idx];
        const char *base    = pg->from_emitter
                                  ? pg->emitted.buf
                                  : http_response_body(pg->resp, NULL);
        httpsrc_record *rec = &c->rec;
        record_reset(rec, base + s->off, s->len);
        rec->default_topic = c->topic;
        if (s->mcount && !pg->from_emitter) {
                rec->members      = pg->members.v + s->mfirst;
                rec->n_members    = s->mcount;
                rec->members_base = base;
        }
        record_set_timestamp(rec, pg->ts);
        if (s->has_key)
                record_set_key(rec, base + s->koff, s->klen);
        c->plugin_err[0] = '\0';
        int old          = 0;
        int rc           = record_offset(c, pg, idx, rec, &old);
        if (rc < 0)
                return record_error(c, pg, idx, rc);
        if (old) {
                page_ack(pg, idx);
                return HTTPSRC_OK;
        }
        c->poll_new++;
        rc = run_transforms(c, rec);
        if (rc == HTTPSRC_FILTERED) {
                page_ack(pg, idx);
                return HTTPSRC_OK;
        }
        if (rc < 0)
                return record_error(c, pg, idx, rc);
        size_t klen, vlen;
        const void *key = record_key(rec, &klen);
        const void *val = record_value(rec, &vlen);
        rc = convert(c, c->value_conv, val, vlen, &c->vout, &val, &vlen);
        if (!rc && key)
                rc = convert(c, c->key_conv, key, klen, &c->kout, &key, &klen);
        if (rc < 0)
                return record_error(c, pg, idx, rc);
        c->held = (held_record){1, record_topic(rec), key, klen, val, vlen};
        return send_held(c, pg, idx);
}

/* Where the next request (this poll) or poll (after the last page)
 * starts. Like the stored offset, it never rests on an empty last page:
 * records appended later land on the page before it. */
static void
set_read_position(task *c, const char *next, const char *key, size_t n)
{
        if (next) {
                conn_set_str(&c->read_key, next);
                c->read_pos = 0;
        } else if (n > 0 || !c->has_last_full) {
                conn_set_str(&c->read_key, key);
                c->read_pos = n;
        } else {
                conn_set_str(&c->read_key, c->last_full_key);
                c->read_pos = c->last_full_n;
        }
}

/* At most one received page may wait while the next one is requested
 * (task_poll.c requests it): memory stays at two pages whatever the
 * producer queue does. No request of the poll may be out or waiting. */
int page_next_due(const task *c)
{
        return c->want_next && c->state == TASK_POLLING && !c->transfer &&
               c->pq_len <= 1 && !task_offsets_held(c);
}

/* @pg is handed over: move the read position, commit what is acked. */
static void page_done(task *c, page *pg)
{
        c->pq_head = pg->pnext;
        if (!c->pq_head)
                c->pq_tail = NULL;
        c->pq_len--;
        pg->queued = 0;
        page_release_data(pg);
        /* commit() may free @pg: take what the next step needs first. */
        char *next = xstrdup(pg->next_key), *key = xstrdup(pg->key);
        size_t n      = pg->n;
        c->read_count = pg->count_base + n;
        commit(c);
        if (n > 0) {
                conn_set_str(&c->last_full_key, key);
                c->last_full_n   = n;
                c->has_last_full = 1;
        }
        if (!task_ended(c) && c->offs == OFFS_PAGE)
                set_read_position(c, next, key, n);
        if (!next && task_in_poll(c))
                task_poll_done(c);
        free(next);
        free(key);
}

/* Hand over the received pages, in order, as far as the producer queue
 * allows; task_resume() goes on when it has room again. Returns
 * after each page that is done, for the next page's request. */
int page_drain_step(task *c)
{
        if (c->pq_head && !task_failed(c)) {
                page *pg     = c->pq_head;
                c->producing = pg;
                while (pg->handed < pg->n && !task_failed(c)) {
                        /* Counted before the hand-over: a synchronous ack
                         * (filter, callback sink) must see it handed. */
                        pg->handed++;
                        size_t idx = pg->handed - 1;
                        int rc     = c->held.pending ? send_held(c, pg, idx)
                                                     : hand_over(c, pg, idx);
                        if (rc == HTTPSRC_ERR_LIMIT) {
                                pg->handed--;
                                return 0; /* backpressure: resume later */
                        }
                        if (rc < 0)
                                return 0;
                }
                c->producing = NULL;
                if (c->txn && txn_is_open(c->txn)) {
                        if (eos_page_done(c, pg))
                                return 0;
                } else {
                        page_done(c, pg);
                        if (c->eos && c->eos_dirty && !task_failed(c) &&
                            eos_offset_only(c))
                                return 0;
                }
                return 1;
        }
        c->producing = NULL;
        return 0;
}

/* ------------------------------------------------------------------ */
/* responses                                                           */

typedef struct span_ctx {
        task *c;
        page *pg;
        int expanding;
        int whole_array; /* a record is an array the path did not expand */
        char too_big[160];
} span_ctx;

static int on_span(void *opaque, const char *start, size_t len)
{
        span_ctx *sc = opaque;
        if (sc->c->expand_path && !sc->expanding && len && *start == '[') {
                /* Confluent's JSON Pointer semantics: an array selected by
                 * the records path stands for its elements. */
                sc->expanding = 1;
                int rc = jsonpath_select_spans(sc->c->expand_path, start, len,
                                               sc->c->max_depth, on_span, sc,
                                               NULL, 0);
                sc->expanding = 0;
                return rc;
        }
        if (!sc->expanding && !sc->c->records_parent && len && *start == '[')
                sc->whole_array = 1;
        if (len > sc->c->max_record_bytes) {
                snprintf(sc->too_big, sizeof(sc->too_big),
                         "a record of %zu bytes exceeds "
                         "http.response.max.record.bytes (%zu)",
                         len, sc->c->max_record_bytes);
                return HTTPSRC_ERR_LIMIT;
        }
        const char *body         = http_response_body(sc->pg->resp, NULL);
        const json_root_index *m = &sc->pg->members;
        span sp                  = {(size_t)(start - body), len, 0, 0, 0, 0, 0};
        if (!sc->expanding) { /* where this record's members are */
                sp.mfirst = m->last_first;
                sp.mcount = m->last_count;
        }
        return page_add_span(sc->pg, sp);
}

int task_emit(httpsrc_emitter *em,
              const void *key,
              size_t key_len,
              const void *value,
              size_t value_len)
{
        page *pg = em->pg;
        span s   = {pg->emitted.len, value_len, 0, key_len, key != NULL, 0, 0};
        if (sb_append(&pg->emitted, value, value_len))
                return HTTPSRC_ERR_NOMEM;
        s.koff = pg->emitted.len;
        if (key && sb_append(&pg->emitted, key, key_len))
                return HTTPSRC_ERR_NOMEM;
        return page_add_span(pg, s);
}

/* The records path's array (or, without [*], the path itself) is in
 * the page, even if empty; or the body itself is empty ({}, [], null). */
static int records_path_present(task *c, page *pg)
{
        const jsonpath *p =
            c->records_parent ? c->records_parent : c->records_path;
        size_t len, rlen;
        const char *body = http_response_body(pg->resp, &len), *raw;
        int rc = jsonpath_raw_first_indexed(
            p, body, len, http_response_root_index(pg->resp), &raw, &rlen);
        if (rc >= 0)
                return rc || json_len(http_response_json(pg->resp)) == 0;
        const httpsrc_json *root = http_response_json(pg->resp);
        return jsonpath_first(p, root) || json_len(root) == 0;
}

static void set_warning(task *c, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
static void set_warning(task *c, const char *fmt, ...)
{
        int first = !c->warning[0];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->warning, sizeof(c->warning), fmt, ap);
        va_end(ap);
        if (first) /* once per connector: not at every poll */
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name, "%s",
                        c->warning);
}

/* A wrong http.response.records.path gives no error, only pages without
 * records or one record holding a whole array: say so (once), count the
 * pages, and fail --once if no page ever matched (poll_done). */
static void
check_records_path(task *c, page *pg, const char *what, int whole_array)
{
        const char *rp = jsonpath_expr(c->records_path);
        if (whole_array) {
                c->path_matched = 1;
                set_warning(c,
                            "http.response.records.path %s selects an "
                            "array in the response of %s: each page gives "
                            "one record holding the whole array; add [*] "
                            "(%s[*]) for a record per element",
                            rp, what, rp);
                return;
        }
        if (pg->n > 0 || records_path_present(c, pg)) {
                c->path_matched = 1;
                return;
        }
        c->path_missed = 1;
        c->m.pages_unmatched++;
        strbuf top = {0};
        json_describe(http_response_json(pg->resp), &top);
        set_warning(c,
                    "http.response.records.path %s matches nothing in the "
                    "response of %s, which is %s: no records are read "
                    "(fix the path to select the records, e.g. $.<member>[*])",
                    rp, what, top.buf ? top.buf : "?");
        sb_free(&top);
}

/* A body that is no JSON at all (an HTML error page, a login form):
 * what the server said it is and how it starts, escaped and redacted. */
static void not_json(task *c,
                     const httpsrc_response *resp,
                     const char *what,
                     const char *why)
{
        if (strncmp(why, "invalid JSON", 12) != 0) { /* too deep: JSON */
                task_poll_error(c, "response of %s is not valid JSON: %s", what,
                           why);
                return;
        }
        size_t len, wlen = strlen(why);
        const char *body  = http_response_body(resp, &len);
        const char *ctype = http_response_header(resp, "Content-Type");
        if (wlen && why[wlen - 1] == '.') /* yajl's sentence; ours goes on */
                wlen--;
        strbuf ct = {0}, shown = {0};
        if (conn_put_untrusted(c, &ct, ctype ? ctype : "(none)",
                               ctype ? strlen(ctype) : 6, 100) ||
            conn_put_untrusted(c, &shown, body, len, 200)) {
                sb_reset(&ct);
                sb_reset(&shown);
        }
        task_poll_error(c,
                   "response of %s is not valid JSON: %.*s; Content-Type: %s, "
                   "%zu bytes: %s",
                   what, (int)wlen, why, ct.buf ? ct.buf : "", len,
                   shown.buf ? shown.buf : "");
        sb_wipe(&ct);
        sb_wipe(&shown);
}

/* Pages of one API are alike: the arrays a page's selection fills start
 * at the last page's size (a failed allocation leaves them to grow). */
static void page_presize(const task *c, page *pg)
{
        if (c->last_records > pg->cap) {
                span *s = malloc(c->last_records * sizeof(*s));
                if (s) {
                        free(pg->spans);
                        pg->spans = s;
                        pg->cap   = c->last_records;
                }
        }
        if (c->last_members > pg->members.cap) {
                json_root_member *m =
                    malloc(c->last_members * sizeof(*m));
                if (m) {
                        free(pg->members.v);
                        pg->members.v   = m;
                        pg->members.cap = c->last_members;
                }
        }
}

static int select_records(task *c, page *pg, const char *what)
{
        if (c->source.comp &&
            HTTPSRC_OPS_HAS(&c->source.comp->ops.source, parse_response)) {
                httpsrc_emitter em = {pg};
                pg->from_emitter   = 1;
                c->plugin_err[0]   = '\0';
                int rc             = c->source.comp->ops.source.parse_response(
                                c->source.state, pg->resp, &em);
                if (rc < 0)
                        task_poll_error(c,
                                   "source %s could not parse the response "
                                   "of %s: %s",
                                   c->source.comp->name, what,
                                   conn_plugin_reason(c, rc));
                return rc;
        }
        size_t len;
        const char *body = http_response_body(pg->resp, &len);
        char why[512];
        span_ctx sc = {c, pg, 0, 0, ""};
        page_presize(c, pg);
        int rc      = jsonpath_select_spans_indexed(
                 c->records_path, body, len, c->max_depth, on_span, &sc,
                 http_response_root_index(pg->resp), &pg->members, why, sizeof(why));
        c->last_records = pg->n;
        c->last_members = pg->members.n;
        if (rc == HTTPSRC_ERR_LIMIT)
                task_poll_error(c, "response of %s: %s", what, sc.too_big);
        else if (rc < 0)
                not_json(c, pg->resp, what, why);
        else
                check_records_path(c, pg, what, sc.whole_array);
        return rc;
}

static page *page_new(task *c, httpsrc_response *resp)
{
        page *pg = calloc(1, sizeof(*pg));
        if (!pg)
                return NULL;
        pg->conn    = c;
        pg->resp    = resp;
        pg->ts      = wall_ms();
        pg->mono_us = mono_us();
        /* After the pages still waiting to be handed over: read_count
         * moves only when a page is done. */
        pg->count_base =
            c->pq_tail ? c->pq_tail->count_base + c->pq_tail->n : c->read_count;
        if (conn_set_str(&pg->key, c->cur_key)) {
                page_free(pg);
                return NULL;
        }
        return pg;
}

static int page_prepare(task *c, page *pg)
{
        size_t n    = pg->n ? pg->n : 1;
        pg->acked   = calloc(n / 8 + 1, 1);
        pg->cookies = calloc(n, sizeof(*pg->cookies));
        pg->val_off = calloc(n, sizeof(*pg->val_off));
        if (!pg->acked || !pg->cookies || !pg->val_off)
                return HTTPSRC_ERR_NOMEM;
        if (c->offs != OFFS_PAGE)
                return HTTPSRC_OK; /* polls start over; old records drop */
        /* The page the poll resumes on: its first read_pos records were
         * taken before (and acknowledged, or the offset says so). */
        int resumes =
            (!pg->key && !c->read_key) ||
            (pg->key && c->read_key && strcmp(pg->key, c->read_key) == 0);
        pg->skip   = resumes ? (c->read_pos < pg->n ? c->read_pos : pg->n) : 0;
        pg->handed = pg->contig = pg->skip;
        return HTTPSRC_OK;
}

/* A next page already read in this poll (A -> B -> A) is a cycle: the
 * poll ends after @p pg, as after a last page, with a WARN naming both
 * keys. Returns 1 for a cycle. Keys beyond PAGE_KEYS_MAX in one poll are
 * not remembered (memory stays bounded; a WARN once per poll). */
static int page_cycle(task *c, page *pg, const char *next)
{
        int rc = pg->key ? keyset_add(&c->poll_keys, pg->key) : 0;
        if (rc == 1 && !c->keys_warned) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "more than %d pages in one poll: pagination cycles "
                        "among the later ones go undetected",
                        PAGE_KEYS_MAX);
                c->keys_warned = 1;
        }
        if (!keyset_has(&c->poll_keys, next))
                return 0;
        strbuf a = {0}, b = {0};
        const char *cur = pg->key ? pg->key : "(first page)";
        conn_put_untrusted(c, &a, cur, strlen(cur), 200);
        conn_put_untrusted(c, &b, next, strlen(next), 200);
        log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                "pagination cycle: page '%s' links to page '%s', already "
                "read in this poll (%zu pages): the poll ends here, the "
                "offset stays at the pages read",
                a.buf ? a.buf : "", b.buf ? b.buf : "", c->poll_keys.n);
        sb_free(&a);
        sb_free(&b);
        conn_set_str(&c->cycle_key, next);
        c->cycle_stop = 1;
        return 1;
}

int page_take(task *c, httpsrc_response *resp, const char *what)
{
        page *pg = page_new(c, resp);
        if (!pg) {
                http_response_destroy(resp);
                conn_fail(c, "out of memory");
                return -1;
        }
        if (select_records(c, pg, what) < 0) {
                page_free(pg);
                return -1;
        }
        const httpsrc_paginator_ops *pops = &c->paginator.comp->ops.paginator;
        c->plugin_err[0]                  = '\0';
        char *next                        = NULL;
        int rc = pops->next(c->paginator.state, pg->key, resp, pg->n, &next);
        if (rc < 0 || (rc == HTTPSRC_OK && !next)) {
                free(next);
                task_poll_error(c, "paginator %s failed on the response of %s: %s",
                           c->paginator.comp->name, what,
                           rc < 0 ? conn_plugin_reason(c, rc)
                                  : "no next page key");
                page_free(pg);
                return -1;
        }
        if (rc == HTTPSRC_DONE) {
                free(next);
                next = NULL;
        }
        if (next && page_cycle(c, pg, next)) {
                free(next);
                next = NULL;
        }
        pg->next_key = next;
        if (page_prepare(c, pg)) {
                page_free(pg);
                conn_fail(c, "out of memory");
                return -1;
        }
        c->m.records_polled += pg->n - pg->skip;
        c->pages++;
        c->st.last_success_ms = wall_ms();
        conn_observe(c, http_response_status(resp), pg->n, pg->next_key);
        log_msg(c->env.lg, HTTPSRC_LOG_DEBUG, c->name,
                "%s: %zu records (%zu after the offset)%s", what, pg->n,
                pg->n - pg->skip, pg->next_key ? "" : ", last page");
        if (c->tail)
                c->tail->next = pg;
        else
                c->head = pg;
        c->tail = pg;
        if (c->pq_tail)
                c->pq_tail->pnext = pg;
        else
                c->pq_head = pg;
        c->pq_tail = pg;
        c->pq_len++;
        pg->queued   = 1;
        c->want_next = pg->next_key != NULL;
        return 0;
}
