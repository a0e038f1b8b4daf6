/* connector: when to poll (interval or cron, catch-up), building and
 * sending requests (${...} state variables, auth, throttling), and the
 * status policy for responses (retries with backoff and jitter,
 * Retry-After, rate-limit headers, behavior.on.error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connector_impl.h"
#include "template_int.h"

static void
on_response(void *opaque, httpsrc_response *resp, int err, const char *errmsg);

/* ------------------------------------------------------------------ */
/* scheduling                                                          */

/* Monotonic time of the next poll once caught up: the first of the
 * connector's fixed slots (phase_ms + k * interval) after now. Neither
 * a poll's duration nor a late start moves the slots, so connectors that
 * a stalled loop starts together keep their own slots instead of merging
 * into bursts. */
static int64_t next_poll_time(const connector *c, int64_t now)
{
        if (!c->cron) {
                if (c->interval_ms <= 0 || now < c->phase_ms)
                        return now > c->phase_ms ? now : c->phase_ms;
                int64_t k = (now - c->phase_ms) / c->interval_ms + 1;
                return c->phase_ms + k * c->interval_ms;
        }
        int64_t wall = wall_ms();
        int64_t at   = cron_next(c->cron, c->zone, wall);
        return at < 0 ? INT64_MAX : now + (at - wall);
}

/* With cron the next poll may be hours away: the log says when (INFO when
 * a minute or more, else DEBUG, so that "* * * * * ?" does not flood it). */
static void log_next_cron_poll(const connector *c)
{
        if (!c->cron)
                return;
        int64_t wall = wall_ms();
        int64_t at   = cron_next(c->cron, c->zone, wall);
        const char *expr =
            httpsrc_conf_get(c->conf, "http.timer.cron.expression");
        if (at < 0) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "http.timer.cron.expression '%s' never fires again: "
                        "no further poll",
                        expr);
                return;
        }
        char when[32];
        struct tm tm;
        time_t sec = (time_t)(at / 1000);
        gmtime_r(&sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        log_msg(c->env.lg,
                at - wall >= 60000 ? HTTPSRC_LOG_INFO : HTTPSRC_LOG_DEBUG,
                c->name, "next poll at %s (http.timer.cron.expression '%s' in %s)",
                when, expr, httpsrc_conf_get(c->conf, "http.timer.cron.zone"));
}

/* The next wakeup may have come earlier: the pipeline reschedules. */
static void wake(connector *c)
{
        if (c->env.wake)
                c->env.wake(c->env.wake_opaque, c);
}

/* FNV-1a: a connector's splay stays the same across restarts. */
static uint64_t name_hash(const char *s)
{
        uint64_t h = 14695981039346656037ull;
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ull;
        return h;
}

/* The slots start when the first request went out, moved earlier by a
 * splay fixed by the name, of up to a millisecond per connector in the
 * worker (at most an interval): 10,000 connectors started together poll
 * at one a millisecond from their second poll on, not in one burst every
 * interval, while one connector's slots stay where its first poll was. */
static void set_phase(connector *c, int64_t sent_ms)
{
        int64_t window = c->env.n_conns ? (int64_t)*c->env.n_conns : 1;
        if (window > c->interval_ms)
                window = c->interval_ms;
        int64_t splay =
            window > 1 ? (int64_t)(name_hash(c->name) % (uint64_t)window) : 0;
        c->phase_ms = sent_ms - splay;
        c->phased   = 1;
}

void poll_done(connector *c)
{
        c->in_poll   = 0;
        c->phase     = PHASE_IDLE;
        /* A poll cut by a pagination cycle does not catch up at once. */
        c->caught_up  = c->poll_new == 0 || c->cycle_stop;
        c->cycle_stop = 0;
        if (c->once && c->caught_up && c->path_missed && !c->path_matched) {
                conn_fail(c, "%s", c->warning);
                return;
        }
        int64_t now = mono_ms();
        /* Catch-up: a poll that found new records is followed at once. */
        c->next_poll_at = c->caught_up ? next_poll_time(c, now) : now;
        wake(c);
        /* Read is not delivered: say how many Kafka has acknowledged. */
        log_msg(c->env.lg, c->caught_up ? HTTPSRC_LOG_DEBUG : HTTPSRC_LOG_INFO,
                c->name,
                "poll done: %zu new records read%s; %llu acknowledged so "
                "far, %zu waiting for acknowledgement",
                c->poll_new, c->caught_up ? ", caught up" : "",
                (unsigned long long)c->m.records_acked, c->outstanding);
        if (c->caught_up)
                log_next_cron_poll(c);
}

void poll_error(connector *c, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        conn_clean_msg(c, msg, sizeof(msg));
        if (c->on_error == ON_ERROR_FAIL) {
                conn_fail(c, "%s", msg);
                return;
        }
        c->m.errors_total++;
        log_msg(c->env.lg,
                c->on_error == ON_ERROR_LOG ? HTTPSRC_LOG_ERROR
                                            : HTTPSRC_LOG_DEBUG,
                c->name,
                "%s; skipped (behavior.on.error=%s), retried at "
                "the next poll",
                msg, c->on_error == ON_ERROR_LOG ? "log" : "ignore");
        /* The offset stays where it is: the next poll asks again. */
        c->in_poll      = 0;
        c->want_next    = 0;
        c->phase        = PHASE_IDLE;
        c->caught_up    = 1;
        c->next_poll_at = next_poll_time(c, mono_ms());
        wake(c);
}

/* Paused or stopped: end the poll here; the read position says where
 * the next one starts. */
static int halted(connector *c)
{
        if (c->target == HTTPSRC_STATE_RUNNING)
                return 0;
        c->in_poll   = 0;
        c->phase     = PHASE_IDLE;
        c->send_at   = 0;
        c->want_next = 0;
        return 1;
}

void connector_set_target(connector *c, int state)
{
        int was   = c->target;
        c->target = state;
        if (state == HTTPSRC_STATE_RUNNING && was != state) {
                c->next_poll_at = mono_ms(); /* resume polls at once */
                c->caught_up    = 0;
                wake(c);
        }
        if (state != HTTPSRC_STATE_RUNNING && c->phase == PHASE_WAIT)
                halted(c);
        log_msg(c->env.lg, HTTPSRC_LOG_INFO, c->name, "target state %s",
                state == HTTPSRC_STATE_RUNNING  ? "RUNNING"
                : state == HTTPSRC_STATE_PAUSED ? "PAUSED"
                                                : "STOPPED");
}

void poll_redeliver_later(connector *c)
{
        c->redeliver_n++;
        c->m.retries++;
        int64_t delay = backoff_delay_ms(c->redeliver_n, c->backoff_ms,
                                         c->backoff_max_ms, 1);
        log_msg(c->env.lg,
                c->redeliver_n == 1 ? HTTPSRC_LOG_WARN : HTTPSRC_LOG_DEBUG,
                c->name,
                "record callback answered HTTPSRC_RETRY; the record is "
                "offered again in %lld ms (refusal %d in a row)",
                (long long)delay, c->redeliver_n);
        c->redeliver_at = mono_ms() + delay;
        wake(c);
}

static void redirect_reset(connector *c)
{
        free(c->redirect_url);
        c->redirect_url = NULL;
        c->redirects = c->redirect_get = 0;
}

int offsets_held(const connector *c)
{
        return c->env.offsets_unstored && *c->env.offsets_unstored;
}

void connector_tick(connector *c, int64_t now, int once)
{
        c->once = once;
        if (c->failed || c->stopped || c->target != HTTPSRC_STATE_RUNNING)
                return;
        /* A retry of the page in flight may go; nothing new starts. */
        if (offsets_held(c) && c->phase != PHASE_WAIT)
                return;
        if (c->redeliver_at && now >= c->redeliver_at) {
                c->redeliver_at = 0;
                connector_resume(c);
                return;
        }
        if (c->phase == PHASE_WAIT && now >= c->send_at) {
                poll_send(c);
                return;
        }
        /* A new poll starts from the read position, which pages still
         * waiting to be handed over have yet to move. */
        if (c->in_poll || c->pq_head || now < c->next_poll_at ||
            (once && c->caught_up))
                return;
        c->in_poll  = 1;
        c->poll_new = 0;
        c->attempt  = 0;
        redirect_reset(c); /* one left by a stop in mid-chain */
        if (!c->phased)
                c->phase_ms = now; /* until a request goes out */
        c->m.last_poll_ms = wall_ms();
        /* Value and count modes always start over at the first page; the
         * offset goes in through ${offset} and old records are dropped. */
        int rc                            = conn_set_str(&c->cur_key,
                              c->offs == OFFS_PAGE ? c->read_key : NULL);
        const httpsrc_paginator_ops *pops = &c->paginator.comp->ops.paginator;
        if (!rc && !c->cur_key && HTTPSRC_OPS_HAS(pops, first_key))
                c->cur_key = pops->first_key(c->paginator.state);
        if (!rc)
                rc = conn_set_str(&c->poll_value, c->read_value);
        c->poll_count = c->read_count;
        /* A poll that resumes where a cycle was cut (OFFS_PAGE) must not
         * follow the same link back: its target counts as seen. */
        keyset_clear(&c->poll_keys);
        c->keys_warned = 0;
        if (!rc && c->cycle_key && c->offs == OFFS_PAGE &&
            keyset_add(&c->poll_keys, c->cycle_key) < 0)
                rc = HTTPSRC_ERR_NOMEM;
        free(c->cycle_key);
        c->cycle_key = NULL;
        if (rc) {
                conn_fail(c, "out of memory");
                return;
        }
        poll_send(c);
}

int64_t connector_next_wakeup(const connector *c, int once)
{
        if (c->failed || c->stopped || c->target != HTTPSRC_STATE_RUNNING)
                return INT64_MAX;
        if (offsets_held(c) && c->phase != PHASE_WAIT)
                return INT64_MAX; /* the pipeline wakes it once stored */
        if (c->redeliver_at)
                return c->redeliver_at;
        if (c->phase == PHASE_WAIT)
                return c->send_at;
        if (c->in_poll || (once && c->caught_up))
                return INT64_MAX;
        return c->next_poll_at;
}

void connector_stop(connector *c)
{
        /* Records a callback accepted are acknowledged at once: the
         * offset covers them before the rest is dropped. */
        connector_commit_acks(c);
        /* An open transaction is aborted: its records and offset vanish
         * together, the stored offset stays before them. */
        if (c->txn && txn_is_open(c->txn))
                txn_abort(c->txn);
        c->redeliver_at = 0;
        c->stopped      = 1;
        c->in_poll   = 0;
        c->producing = NULL;
        /* What waits to be handed over never will be. Its pages stay in
         * the FIFO, so the offset still stops before them, but they no
         * longer keep the connector busy (a failed record used to hold a
         * restart, a delete and --once forever). */
        for (page *pg = c->pq_head; pg; pg = pg->pnext)
                pg->queued = 0;
        c->held.pending = 0;
        c->pq_head = c->pq_tail = NULL;
        c->pq_len               = 0;
        c->want_next            = 0;
        c->phase                = PHASE_IDLE;
        if (c->transfer) {
                http_cancel(c->env.http, c->transfer);
                c->transfer = 0;
        }
}

/* ------------------------------------------------------------------ */
/* requests                                                            */

const char *poll_var(void *opaque, const char *name, size_t len)
{
        connector *c              = opaque;
        static const char empty[] = "";
        const char *field         = offset_field(c);
        int is_offset             = len == 6 && memcmp(name, "offset", 6) == 0;
        if (c->offs == OFFS_PAGE &&
            (is_offset || (strlen(field) == len && !memcmp(name, field, len))))
                return c->cur_key ? c->cur_key : empty;
        if (!is_offset)
                return NULL;
        if (c->offs == OFFS_COUNT) {
                snprintf(c->count_text, sizeof(c->count_text), "%llu",
                         (unsigned long long)c->poll_count);
                return c->count_text;
        }
        return c->poll_value ? c->poll_value : empty;
}

static int url_escape(strbuf *out, const char *value)
{
        char *e = curl_easy_escape(NULL, value, (int)strlen(value));
        int rc  = e && !sb_puts(out, e) ? 0 : -1;
        curl_free(e);
        return rc;
}

/* Expand ${...} in @p tmpl (a key's value) into @p out. */
static int expand(connector *c,
                  const char *key,
                  const char *tmpl,
                  template_escape_fn esc,
                  strbuf *out)
{
        char why[256];
        sb_reset(out);
        if (template_expand(tmpl, poll_var, c, esc, out, why, sizeof(why)) ==
            HTTPSRC_OK) {
                if (!out->buf)
                        sb_puts(out, "");
                return HTTPSRC_OK;
        }
        conn_fail(c, "%s: %s", key, why);
        return HTTPSRC_ERR_INVAL;
}

static int add_params(connector *c, httpsrc_request *req, strbuf *tmp)
{
        if (!c->params || !*c->params)
                return HTTPSRC_OK;
        if (expand(c, "http.request.parameters", c->params, url_escape, tmp))
                return HTTPSRC_ERR_INVAL;
        const char *cur = http_request_url(req);
        strbuf url      = {0};
        int rc = sb_printf(&url, "%s%s%s", cur, strchr(cur, '?') ? "&" : "?",
                           tmp->buf)
                     ? HTTPSRC_ERR_NOMEM
                     : http_request_set_url(req, url.buf);
        sb_free(&url);
        return rc;
}

static int is_cred_origin(const connector *c, const char *origin)
{
        for (size_t i = 0; i < c->n_cred_origins; i++)
                if (!strcmp(c->cred_origins[i], origin))
                        return 1;
        return 0;
}

/* "Authorization (http.auth.type=BASIC), X-Api-Key (http.headers)": the
 * names of what a request to another origin goes without, never values. */
static void withheld_names(const connector *c, strbuf *sb)
{
        int auth = strcmp(c->auth.comp->name, "NONE") != 0;
        if (auth)
                sb_printf(sb, "the %s credentials (http.auth.type)",
                          c->auth.comp->name);
        for (size_t i = 0; i < c->n_hdrs; i++)
                sb_printf(sb, "%s%s", auth || i ? ", " : "", c->hdrs[i].name);
        if (c->n_hdrs)
                sb_puts(sb, " (http.headers)");
}

/* The auth credentials and http.headers go only to http.url's origin and
 * to http.credentials.allowed.origins: a next-page URL or a redirect an
 * upstream names elsewhere gets neither. Returns 1 to send them, 0 when
 * they were taken off @p req (and logged, once per origin in a row), < 0
 * on error. @p home is http.url's request, expanded. */
static int credentials_allowed(connector *c,
                               httpsrc_request *req,
                               const char *home)
{
        strbuf a = {0}, b = {0}, names = {0};
        int ra   = http_url_origin(home, &a);
        int rb   = http_url_origin(http_request_url(req), &b);
        int rc   = ra == HTTPSRC_ERR_NOMEM || rb == HTTPSRC_ERR_NOMEM
                       ? HTTPSRC_ERR_NOMEM
                       : HTTPSRC_OK;
        int keep = !rc && !ra && !rb &&
                   (!strcmp(a.buf, b.buf) || is_cred_origin(c, b.buf));
        if (rc || keep)
                goto out;
        for (size_t i = 0; !rc && i < c->n_hdrs; i++)
                rc = http_request_set_header(req, c->hdrs[i].name, NULL);
        withheld_names(c, &names);
        if (!rc && names.len &&
            (!c->warned_origin || strcmp(c->warned_origin, b.buf))) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s is another origin than http.url's (%s): sent "
                        "without %s; to send them there, list it in "
                        "http.credentials.allowed.origins",
                        b.buf, a.buf, names.buf);
                free(c->warned_origin);
                c->warned_origin = sb_steal(&b);
        }
out:
        sb_free(&a);
        sb_free(&b);
        sb_free(&names);
        return rc ? rc : keep;
}

/* A header value is one line: a CR or LF that ${...} brought in (a
 * provider value ending in a newline, an upstream cursor carrying
 * "\r\nX-Evil: 1") is named, never sent and never printed. */
static int header_one_line(connector *c, const char *name, const char *value)
{
        const char *bad = strpbrk(value, "\r\n");
        if (!bad)
                return HTTPSRC_OK;
        conn_fail(c,
                  "http.headers: the value of header '%s' holds a %s after "
                  "${...} expansion; a header value must be one line (check "
                  "what its placeholders resolve to, e.g. a secret file "
                  "ending in a newline, or an upstream value)",
                  name, *bad == '\r' ? "CR (carriage return)" : "LF (line feed)");
        return HTTPSRC_ERR_INVAL;
}

static int build_request(connector *c, httpsrc_request *req)
{
        strbuf tmp = {0};
        int rc     = http_request_set_method(req, c->method);
        if (!rc && !(rc = expand(c, "http.url", c->url, url_escape, &tmp)) &&
            http_request_set_url(req, tmp.buf) != HTTPSRC_OK) {
                /* as written: the expanded URL may hold a resolved secret */
                conn_fail(c, "http.url: '%s' is not a valid URL",
                          httpsrc_conf_get(c->conf, "http.url"));
                rc = HTTPSRC_ERR_INVAL;
        }
        if (!rc)
                rc = add_params(c, req, &tmp);
        for (size_t i = 0; !rc && i < c->n_hdrs; i++)
                if (!(rc = expand(c, "http.headers", c->hdrs[i].value, NULL,
                                  &tmp)) &&
                    !(rc = header_one_line(c, c->hdrs[i].name, tmp.buf)))
                        rc = http_request_set_header(req, c->hdrs[i].name,
                                                     tmp.buf);
        if (!rc && c->body &&
            !(rc = expand(c, "http.request.body", c->body, NULL, &tmp)))
                rc = http_request_set_body(req, tmp.buf, tmp.len);
        sb_free(&tmp);
        if (rc) {
                conn_fail(c, "cannot build the request: %s",
                          httpsrc_strerror(rc));
                return rc;
        }
        c->plugin_err[0] = '\0';
        if (c->source.comp &&
            HTTPSRC_OPS_HAS(&c->source.comp->ops.source, build_request) &&
            (rc = c->source.comp->ops.source.build_request(c->source.state,
                                                           req)) < 0) {
                conn_fail(c, "source %s: %s", c->source.comp->name,
                          conn_plugin_reason(c, rc));
                return rc;
        }
        char *home = xstrdup(http_request_url(req));
        if (!home) {
                conn_fail(c, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        rc = c->paginator.comp->ops.paginator.start(c->paginator.state,
                                                    c->cur_key, req);
        if (rc < 0) {
                free(home);
                conn_fail(c, "paginator %s: %s", c->paginator.comp->name,
                          conn_plugin_reason(c, rc));
                return rc;
        }
        if (c->redirect_url) {
                rc = http_request_set_url(req, c->redirect_url);
                if (!rc && c->redirect_get)
                        rc = http_request_set_method(req, "GET");
                if (!rc && c->redirect_get)
                        rc = http_request_set_body(req, NULL, 0);
        }
        int keep = rc ? rc : credentials_allowed(c, req, home);
        free(home);
        if (keep < 0) {
                conn_fail(c, "cannot build the request: %s",
                          httpsrc_strerror(keep));
                return keep;
        }
        if (!keep)
                return HTTPSRC_OK;
        rc = c->auth.comp->ops.auth.apply(c->auth.state, req);
        if (rc < 0) {
                conn_fail(c, "auth %s: %s", c->auth.comp->name,
                          conn_plugin_reason(c, rc));
                return rc;
        }
        return HTTPSRC_OK;
}

/* By status class, and its time from being sent (a wait for a free slot
 * of http.max.concurrent.requests included) to its response. */
static void count_request(connector *c, const httpsrc_response *resp)
{
        stats_request(&c->st, resp ? http_response_status(resp) : 0,
                      mono_us() - c->sent_us);
}

/* DEBUG: the request as it goes out, query included (it says which
 * page), user:password@, credential-looking parameters and headers and
 * every known secret shown as ***. Authorization goes last: its value
 * hides the rest of the line. */
static void log_request(connector *c, const httpsrc_request *req)
{
        if (log_level_of(c->env.lg, c->name) < HTTPSRC_LOG_DEBUG)
                return;
        const char *url  = http_request_url(req);
        const char *sep  = strstr(url, "://");
        const char *host = sep ? sep + 3 : url;
        const char *at   = memchr(host, '@', strcspn(host, "/?#"));
        strbuf raw = {0}, line = {0};
        int rc = sb_printf(&raw, "%s %.*s%s%s", http_request_method(req),
                           (int)(host - url), url, at ? "***@" : "",
                           at ? at + 1 : host);
        for (size_t i = 0; !rc && i < c->n_hdrs; i++) {
                const char *v = http_request_header(req, c->hdrs[i].name);
                if (v)
                        rc = sb_printf(&raw, " | %s: %s", c->hdrs[i].name, v);
        }
        if (!rc && http_request_header(req, "Authorization"))
                rc = sb_puts(&raw, " | Authorization: ***");
        if (!rc && !conn_put_untrusted(c, &line, raw.buf, raw.len, 0))
                log_msg(c->env.lg, HTTPSRC_LOG_DEBUG, c->name, "request %s",
                        line.buf);
        sb_wipe(&raw);
        sb_wipe(&line);
}

static void send_req(connector *c,
                     httpsrc_request *req,
                     const http_opts *o,
                     http_done_fn done)
{
        log_request(c, req);
        c->m.requests_total++;
        c->sent_us = mono_us();
        if (c->env.observer && conn_set_str(&c->sent_url, http_request_url(req)))
                conn_fail(c, "out of memory");
        throttle_record(&c->thr, mono_ms());
        long id = http_send(c->env.http, req, o, done, c);
        if (id < 0)
                conn_fail(c, "cannot send the request: %s",
                          httpsrc_strerror((int)id));
        else
                c->transfer = id;
}

static void on_auth_response(void *opaque,
                             httpsrc_response *resp,
                             int err,
                             const char *errmsg)
{
        connector *c                = opaque;
        c->transfer                 = 0;
        const httpsrc_auth_ops *ops = &c->auth.comp->ops.auth;
        count_request(c, resp);
        if (err < 0) {
                poll_error(c, "auth %s: token request failed: %s",
                           c->auth.comp->name, errmsg);
                return;
        }
        c->plugin_err[0] = '\0';
        int rc           = ops->own_response(c->auth.state, resp);
        http_response_destroy(resp);
        if (rc < 0) {
                poll_error(c, "auth %s: %s", c->auth.comp->name,
                           conn_plugin_reason(c, rc));
                return;
        }
        poll_send(c);
}

/* The auth provider's own request (e.g. an OAuth2 token) first, if it
 * needs one. Returns 1 when such a request went out. */
static int auth_round_trip(connector *c)
{
        const httpsrc_auth_ops *ops = &c->auth.comp->ops.auth;
        if (!HTTPSRC_OPS_HAS(ops, own_request) ||
            !HTTPSRC_OPS_HAS(ops, own_response))
                return 0;
        httpsrc_request *req = http_request_new();
        if (!req) {
                conn_fail(c, "out of memory");
                return 1;
        }
        c->plugin_err[0] = '\0';
        int rc           = ops->own_request(c->auth.state, req);
        if (rc < 0)
                poll_error(c, "auth %s: %s", c->auth.comp->name,
                           conn_plugin_reason(c, rc));
        else if (rc > 0 && ++c->auth_rounds > 2)
                poll_error(c,
                           "auth %s: no usable credentials after two "
                           "token requests",
                           c->auth.comp->name);
        else if (rc > 0) {
                c->phase = PHASE_AUTH;
                /* its own endpoint, its own credentials: curl follows */
                http_opts o = c->hopts;
                o.no_follow = 0;
                send_req(c, req, &o, on_auth_response);
        }
        http_request_destroy(req);
        return rc != 0;
}

/* Send the request for page cur_key now, or once the throttle, a
 * rate-limit reset or a retry delay allows. */
void poll_send(connector *c)
{
        if (halted(c))
                return;
        int64_t now = mono_ms();
        int64_t at  = throttle_next(&c->thr, now);
        if (c->not_before > at)
                at = c->not_before;
        if (c->send_at > at && c->phase == PHASE_WAIT)
                at = c->send_at;
        if (at > now) {
                c->phase   = PHASE_WAIT;
                c->send_at = at;
                wake(c);
                return;
        }
        c->send_at = 0;
        if (auth_round_trip(c))
                return;
        c->auth_rounds       = 0;
        httpsrc_request *req = http_request_new();
        if (!req) {
                conn_fail(c, "out of memory");
                return;
        }
        if (build_request(c, req) == HTTPSRC_OK) {
                c->phase = PHASE_FLIGHT;
                send_req(c, req, &c->hopts, on_response);
        }
        http_request_destroy(req);
}

/* ------------------------------------------------------------------ */
/* responses                                                           */

static uint64_t next_rand(connector *c)
{
        /* xorshift64*: jitter only, no need for a global PRNG */
        c->rnd ^= c->rnd >> 12;
        c->rnd ^= c->rnd << 25;
        c->rnd ^= c->rnd >> 27;
        return c->rnd * 2685821657736338717ULL;
}

/* Retry the same page after @p delay_ms (< 0: backoff), or give up. */
static void retry_or_error(connector *c, int64_t delay_ms, const char *what)
{
        if (c->attempt >= c->retry_max) {
                poll_error(c, "%s (after %d attempt%s)", what, c->attempt + 1,
                           c->attempt ? "s" : "");
                return;
        }
        c->attempt++;
        c->m.retries++;
        if (delay_ms < 0)
                delay_ms = backoff_delay_ms(
                    c->attempt, c->backoff_ms, c->backoff_max_ms,
                    (double)(next_rand(c) >> 11) / (double)(1ULL << 53));
        char shown[1024];
        snprintf(shown, sizeof(shown), "%s", what);
        conn_clean_msg(c, shown, sizeof(shown));
        log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                "%s; retry %d of %d in %lld ms", shown, c->attempt, c->retry_max,
                (long long)delay_ms);
        c->phase   = PHASE_WAIT;
        c->send_at = mono_ms() + delay_ms;
        wake(c);
}

/* A wait the server asks for through @p header (@p ms parsed from
 * @p value, < 0: unusable): -1 when unusable (the caller falls back to
 * @p fallback), else at most http.retry.max.wait.ms. A refused or cut
 * value is a WARN naming the header; the wait shows in the metrics
 * (httpsrc_server_wait_until_timestamp_seconds). */
static int64_t server_wait(connector *c,
                           const char *header,
                           const char *value,
                           int64_t ms,
                           const char *fallback)
{
        strbuf shown = {0};
        if (conn_put_untrusted(c, &shown, value, strlen(value), 64))
                sb_reset(&shown);
        const char *v = shown.buf ? shown.buf : "";
        if (ms < 0)
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s: '%s' is not a usable wait (whole seconds%s): "
                        "ignored, %s",
                        header, v,
                        strcaseeq(header, "Retry-After") ? " or an HTTP-date"
                                                         : " or epoch seconds",
                        fallback);
        else if (ms > c->max_wait_ms) {
                log_msg(c->env.lg, HTTPSRC_LOG_WARN, c->name,
                        "%s: '%s' asks for a wait of %lld s, more than "
                        "http.retry.max.wait.ms (%lld ms): waiting %lld ms",
                        header, v, (long long)(ms / 1000),
                        (long long)c->max_wait_ms, (long long)c->max_wait_ms);
                ms = c->max_wait_ms;
        }
        if (ms >= 0) {
                c->st.wait_until_ms = wall_ms() + ms;
                time_t t            = (time_t)(c->st.wait_until_ms / 1000);
                struct tm tm;
                char at[32];
                gmtime_r(&t, &tm);
                strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
                snprintf(c->wait_note, sizeof(c->wait_note),
                         "waiting until %s (%s: %s)", at, header, v);
        }
        sb_free(&shown);
        return ms;
}

/* Remaining-quota headers: when none is left, wait for the reset. */
static void note_rate_limit(connector *c, const httpsrc_response *resp)
{
        if (!c->rate_header || !*c->rate_header)
                return;
        const char *rem = http_response_header(resp, c->rate_header);
        if (!rem || strtol(rem, NULL, 10) > 0)
                return;
        const char *reset =
            c->rate_reset_header
                ? http_response_header(resp, c->rate_reset_header)
                : NULL;
        int64_t wait = reset ? server_wait(c, c->rate_reset_header, reset,
                                           rate_reset_ms(reset, wall_ms()),
                                           "waiting http.retry.backoff.ms")
                             : -1;
        if (wait < 0)
                wait = c->backoff_ms;
        c->not_before = mono_ms() + wait;
        strbuf shown  = {0};
        conn_put_untrusted(c, &shown, rem, strlen(rem), 64);
        log_msg(c->env.lg, HTTPSRC_LOG_INFO, c->name,
                "rate limit reached (%s: %s); next request in %lld ms",
                c->rate_header, shown.buf ? shown.buf : "", (long long)wait);
        sb_free(&shown);
}

static void
on_error_status(connector *c, httpsrc_response *resp, const char *what)
{
        int status = http_response_status(resp);
        size_t len;
        const char *body = http_response_body(resp, &len);
        char msg[1024];
        strbuf shown     = {0};
        /* The body is the upstream's: it may reflect a credential or carry
         * terminal escapes. */
        if (conn_put_untrusted(c, &shown, body, len, 200))
                sb_reset(&shown);
        snprintf(msg, sizeof(msg), "%s returned HTTP %d: %s", what, status,
                 shown.buf ? shown.buf : "");
        sb_wipe(&shown);
        conn_observe(c, status, 0, NULL);
        int64_t delay = -1;
        const char *ra = status == 429 || status == 503
                             ? http_response_header(resp, "Retry-After")
                             : NULL;
        if (ra)
                delay = server_wait(c, "Retry-After", ra,
                                    retry_after_ms(ra, wall_ms()),
                                    "retrying after the backoff");
        http_response_destroy(resp);
        if (status_retryable(status))
                retry_or_error(c, delay, msg);
        else
                poll_error(c, "%s", msg);
}

#define MAX_REDIRECTS 10

/* Follows a 3xx itself (http_opts.no_follow), so that build_request
 * judges each hop's origin: 1 if it did (@p resp consumed). @p hops and
 * @p get: the chain so far. POST becomes GET on 303, and on 301/302 as
 * curl and browsers do. */
static int follow_redirect(connector *c,
                           httpsrc_response *resp,
                           const char *what,
                           int hops,
                           int get)
{
        int st          = http_response_status(resp);
        const char *loc = http_response_redirect_url(resp);
        if (!loc || (st != 301 && st != 302 && st != 303 && st != 307 &&
                     st != 308))
                return 0;
        const char *from = http_response_url(resp);
        int downgrade    = from && !strncasecmp(from, "https:", 6) &&
                        strncasecmp(loc, "https:", 6);
        char *next = downgrade || hops >= MAX_REDIRECTS ? NULL : xstrdup(loc);
        http_response_destroy(resp);
        if (hops >= MAX_REDIRECTS)
                poll_error(c, "%s failed: more than %d redirects", what,
                           MAX_REDIRECTS);
        else if (downgrade) /* its headers would go out in the clear */
                poll_error(c, "%s failed: redirect from https to a "
                           "non-https URL refused", what);
        else if (!next)
                conn_fail(c, "out of memory");
        if (!next)
                return 1;
        c->redirect_url = next;
        c->redirects    = hops + 1;
        c->redirect_get = get || st == 303 ||
                          ((st == 301 || st == 302) &&
                           !strcmp(c->method, "POST"));
        poll_send(c);
        return 1;
}

static void
on_response(void *opaque, httpsrc_response *resp, int err, const char *errmsg)
{
        connector *c = opaque;
        c->transfer  = 0;
        int hops = c->redirects, get = c->redirect_get;
        redirect_reset(c);
        count_request(c, resp);
        char what[512];
        conn_describe(c, resp ? http_response_url(resp) : c->url, what,
                      sizeof(what));
        if (err < 0) {
                char msg[1024];
                conn_observe(c, 0, 0, NULL);
                snprintf(msg, sizeof(msg), "%s failed: %s", what, errmsg);
                if (err == HTTPSRC_ERR_LIMIT || err == HTTPSRC_ERR_INVAL)
                        poll_error(c, "%s", msg);
                else
                        retry_or_error(c, -1, msg);
                return;
        }
        if (!c->phased && http_response_started_ms(resp) > 0)
                set_phase(c, http_response_started_ms(resp));
        note_rate_limit(c, resp);
        if (follow_redirect(c, resp, what, hops, get))
                return;
        const httpsrc_auth_ops *aops = &c->auth.comp->ops.auth;
        if (HTTPSRC_OPS_HAS(aops, on_response)) {
                int retry        = 0;
                c->plugin_err[0] = '\0';
                int rc = aops->on_response(c->auth.state, resp, &retry);
                if (rc < 0) {
                        http_response_destroy(resp);
                        poll_error(c, "auth %s: %s", c->auth.comp->name,
                                   conn_plugin_reason(c, rc));
                        return;
                }
                if (retry && !c->auth_retried) {
                        c->auth_retried = 1;
                        http_response_destroy(resp);
                        poll_send(c);
                        return;
                }
        }
        c->auth_retried = 0;
        int status      = http_response_status(resp);
        /* Statuses outside http.response.error.codes are answers too
         * (e.g. a 404 that means "no records" when 404 is left out). */
        if (status_set_has(&c->error_codes, status)) {
                on_error_status(c, resp, what);
                return;
        }
        c->attempt = 0;
        page_on_response(c, resp, what);
}
