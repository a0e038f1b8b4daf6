/* connector: starting polls, building and sending requests (${...} state
 * variables, auth, throttling), the status policy for responses (retries
 * with backoff and jitter, Retry-After, rate-limit headers,
 * behavior.on.error), and handing responses to task_page.c. When a
 * poll ends and the task's state: task_state.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "task_impl.h"
#include "template_int.h"

static void
on_response(void *opaque, httpsrc_response *resp, int err, const char *errmsg);
static void poll_send(task *c);

/* ------------------------------------------------------------------ */
/* scheduling                                                          */

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
static void set_slots(task *c, int64_t sent_ms)
{
        int64_t window = c->env.n_conns ? (int64_t)*c->env.n_conns : 1;
        if (window > c->interval_ms)
                window = c->interval_ms;
        int64_t splay =
            window > 1 ? (int64_t)(name_hash(c->name) % (uint64_t)window) : 0;
        c->phase_ms = sent_ms - splay;
        c->phased   = 1;
}

static void redirect_reset(task *c)
{
        free(c->redirect_url);
        c->redirect_url = NULL;
        c->redirects = c->redirect_get = 0;
}

void task_tick(task *c, int64_t now, int once)
{
        c->once = once;
        if (task_ended(c))
                return;
        eos_commit_if_due(c, now, 0); /* paused too: its pages are whole */
        if (task_ended(c) || c->target != TARGET_STARTED)
                return;
        /* A retry of the page in flight may go; nothing new starts. */
        if (task_offsets_held(c) && c->state != TASK_WAIT)
                return;
        if (c->redeliver_at && now >= c->redeliver_at) {
                c->redeliver_at = 0;
                task_resume(c);
                return;
        }
        if (c->state == TASK_WAIT && now >= c->send_at) {
                poll_send(c);
                return;
        }
        /* A new poll starts from the read position, which pages still
         * waiting to be handed over have yet to move. */
        if (task_in_poll(c) || c->pq_head || now < c->next_poll_at ||
            (once && c->caught_up))
                return;
        task_set_state(c, TASK_POLLING);
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

/* ------------------------------------------------------------------ */
/* requests                                                            */

const char *poll_var(void *opaque, const char *name, size_t len)
{
        task *c                   = opaque;
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
static int expand(task *c,
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

static int add_params(task *c, httpsrc_request *req, strbuf *tmp)
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

static int is_cred_origin(const task *c, const char *origin)
{
        for (size_t i = 0; i < c->n_cred_origins; i++)
                if (!strcmp(c->cred_origins[i], origin))
                        return 1;
        return 0;
}

/* "Authorization (http.auth.type=BASIC), X-Api-Key (http.headers)": the
 * names of what a request to another origin goes without, never values. */
static void withheld_names(const task *c, strbuf *sb)
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
static int credentials_allowed(task *c, httpsrc_request *req, const char *home)
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
static int header_one_line(task *c, const char *name, const char *value)
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

static int build_request(task *c, httpsrc_request *req)
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
static void count_request(task *c, const httpsrc_response *resp)
{
        stats_request(&c->st, resp ? http_response_status(resp) : 0,
                      mono_us() - c->sent_us);
}

/* DEBUG: the request as it goes out, query included (it says which
 * page), user:password@, credential-looking parameters and headers and
 * every known secret shown as ***. Authorization goes last: its value
 * hides the rest of the line. */
static void log_request(task *c, const httpsrc_request *req)
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

static void
send_req(task *c, httpsrc_request *req, const http_opts *o, http_done_fn done)
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
        task *c                     = opaque;
        c->transfer                 = 0;
        task_set_state(c, TASK_POLLING);
        const httpsrc_auth_ops *ops = &c->auth.comp->ops.auth;
        count_request(c, resp);
        if (err < 0) {
                task_poll_error(c, "auth %s: token request failed: %s",
                           c->auth.comp->name, errmsg);
                return;
        }
        c->plugin_err[0] = '\0';
        int rc           = ops->own_response(c->auth.state, resp);
        http_response_destroy(resp);
        if (rc < 0) {
                task_poll_error(c, "auth %s: %s", c->auth.comp->name,
                           conn_plugin_reason(c, rc));
                return;
        }
        poll_send(c);
}

/* The auth provider's own request (e.g. an OAuth2 token) first, if it
 * needs one. Returns 1 when such a request went out. */
static int auth_round_trip(task *c)
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
                task_poll_error(c, "auth %s: %s", c->auth.comp->name,
                           conn_plugin_reason(c, rc));
        else if (rc > 0 && ++c->auth_rounds > 2)
                task_poll_error(c,
                           "auth %s: no usable credentials after two "
                           "token requests",
                           c->auth.comp->name);
        else if (rc > 0) {
                task_set_state(c, TASK_AUTH);
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
static void poll_send(task *c)
{
        if (task_halted(c))
                return;
        int64_t now = mono_ms();
        int64_t at  = throttle_next(&c->thr, now);
        if (c->not_before > at)
                at = c->not_before;
        if (c->send_at > at && c->state == TASK_WAIT)
                at = c->send_at;
        if (at > now) {
                task_set_state(c, TASK_WAIT);
                c->send_at = at;
                task_wake(c);
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
                task_set_state(c, TASK_FLIGHT);
                send_req(c, req, &c->hopts, on_response);
        }
        http_request_destroy(req);
}

/* ------------------------------------------------------------------ */
/* the next page and the hand-over                                     */

/* The request for the page after the last one received goes out while
 * earlier pages are handed over (the network round trip overlaps the
 * work), but only once at most one received page waits: memory stays at
 * two pages whatever the producer queue does. */
static void request_next(task *c)
{
        if (!page_next_due(c))
                return;
        if (c->env.observer && c->env.observer->max_pages &&
            c->pages_seen >= c->env.observer->max_pages)
                return; /* a preview's last page */
        c->want_next = 0;
        conn_set_str(&c->cur_key,
                     c->pq_tail ? c->pq_tail->next_key : c->read_key);
        poll_send(c);
}

void task_resume(task *c)
{
        if (c->pq_head && !task_ended(c))
                while (page_drain_step(c))
                        request_next(c);
        request_next(c);
}

/* ------------------------------------------------------------------ */
/* responses                                                           */

static uint64_t next_rand(task *c)
{
        /* xorshift64*: jitter only, no need for a global PRNG */
        c->rnd ^= c->rnd >> 12;
        c->rnd ^= c->rnd << 25;
        c->rnd ^= c->rnd >> 27;
        return c->rnd * 2685821657736338717ULL;
}

/* Retry the same page after @p delay_ms (< 0: backoff), or give up. */
static void retry_or_error(task *c, int64_t delay_ms, const char *what)
{
        if (c->attempt >= c->retry_max) {
                task_poll_error(c, "%s (after %d attempt%s)", what, c->attempt + 1,
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
        task_set_state(c, TASK_WAIT);
        c->send_at = mono_ms() + delay_ms;
        task_wake(c);
}

/* A wait the server asks for through @p header (@p ms parsed from
 * @p value, < 0: unusable): -1 when unusable (the caller falls back to
 * @p fallback), else at most http.retry.max.wait.ms. A refused or cut
 * value is a WARN naming the header; the wait shows in the metrics
 * (httpsrc_server_wait_until_timestamp_seconds). */
static int64_t server_wait(task *c,
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
static void note_rate_limit(task *c, const httpsrc_response *resp)
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

static void on_error_status(task *c, httpsrc_response *resp, const char *what)
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
                task_poll_error(c, "%s", msg);
}

#define MAX_REDIRECTS 10

/* Follows a 3xx itself (http_opts.no_follow), so that build_request
 * judges each hop's origin: 1 if it did (@p resp consumed). @p hops and
 * @p get: the chain so far. POST becomes GET on 303, and on 301/302 as
 * curl and browsers do. */
static int follow_redirect(
    task *c, httpsrc_response *resp, const char *what, int hops, int get)
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
                task_poll_error(c, "%s failed: more than %d redirects", what,
                           MAX_REDIRECTS);
        else if (downgrade) /* its headers would go out in the clear */
                task_poll_error(c, "%s failed: redirect from https to a "
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
        task *c      = opaque;
        c->transfer  = 0;
        task_set_state(c, TASK_POLLING);
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
                        task_poll_error(c, "%s", msg);
                else
                        retry_or_error(c, -1, msg);
                return;
        }
        if (!c->phased && http_response_started_ms(resp) > 0)
                set_slots(c, http_response_started_ms(resp));
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
                        task_poll_error(c, "auth %s: %s", c->auth.comp->name,
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
        if (page_take(c, resp, what))
                return;
        request_next(c); /* overlaps the hand-over below */
        if (!c->producing)
                while (page_drain_step(c))
                        request_next(c);
}
