/* http module: requests, responses and the curl multi client. */
#include "http_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_int.h"
#include "jsonpath_int.h"
#include "netguard_int.h"
#include "tls_int.h"

typedef struct header {
        char *name;
        char *value;
        size_t vlen, vcap; /* value's length and allocation (joins append) */
} header;

typedef struct header_list {
        header *v;
        size_t n;
        size_t cap;
} header_list;

struct httpsrc_request {
        char *method;
        CURLU *url;
        char *url_cache;
        header_list headers;
        strbuf body;
        int has_body;
};

struct httpsrc_response {
        long status;
        strbuf body;
        header_list headers;
        char *url;
        char *redirect_url; /* a 3xx's Location, absolute (no_follow) */
        httpsrc_json *json;
        int json_tried;
        json_root_index root; /* where the body's root members are */
        int64_t started_ms;
};

/* --- header lists --- */

static void headers_clear(header_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].name);
                free(l->v[i].value);
        }
        free(l->v);
        memset(l, 0, sizeof(*l));
}

static header *headers_find(const header_list *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcasecmp(l->v[i].name, name) == 0)
                        return &l->v[i];
        return NULL;
}

static int headers_add(header_list *l,
                       const char *name,
                       size_t nlen,
                       const char *value,
                       size_t vlen)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                header *nv = realloc(l->v, cap * sizeof(*nv));
                if (!nv)
                        return HTTPSRC_ERR_NOMEM;
                l->v   = nv;
                l->cap = cap;
        }
        char *n = xstrndup(name, nlen), *v = xstrndup(value, vlen);
        if (!n || !v) {
                free(n);
                free(v);
                return HTTPSRC_ERR_NOMEM;
        }
        l->v[l->n++] = (header){n, v, vlen, vlen + 1};
        return HTTPSRC_OK;
}

/* --- requests --- */

httpsrc_request *http_request_new(void)
{
        httpsrc_request *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        r->method = strdup("GET");
        r->url    = curl_url();
        if (!r->method || !r->url) {
                http_request_destroy(r);
                return NULL;
        }
        return r;
}

httpsrc_request *http_request_copy(const httpsrc_request *src)
{
        httpsrc_request *r = http_request_new();
        const char *url    = http_request_url(src);
        int rc =
            r ? http_request_set_method(r, src->method) : HTTPSRC_ERR_NOMEM;
        if (!rc && url)
                rc = http_request_set_url(r, url);
        for (size_t i = 0; !rc && i < src->headers.n; i++)
                rc = http_request_set_header(r, src->headers.v[i].name,
                                             src->headers.v[i].value);
        if (!rc && src->has_body)
                rc = http_request_set_body(
                    r, src->body.buf ? src->body.buf : "", src->body.len);
        if (rc) {
                http_request_destroy(r);
                return NULL;
        }
        return r;
}

void http_request_destroy(httpsrc_request *r)
{
        if (!r)
                return;
        free(r->method);
        curl_url_cleanup(r->url);
        curl_free(r->url_cache);
        headers_clear(&r->headers);
        sb_free(&r->body);
        free(r);
}

const char *http_request_method(const httpsrc_request *r)
{
        return r->method;
}

int http_request_set_method(httpsrc_request *r, const char *method)
{
        char *m = xstrdup(method);
        if (!m)
                return HTTPSRC_ERR_INVAL;
        for (char *p = m; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char)(*p - 'a' + 'A');
        free(r->method);
        r->method = m;
        return HTTPSRC_OK;
}

static void url_changed(httpsrc_request *r)
{
        curl_free(r->url_cache);
        r->url_cache = NULL;
}

const char *http_request_url(const httpsrc_request *cr)
{
        httpsrc_request *r = (httpsrc_request *)cr; /* cache only */
        if (!r->url_cache &&
            curl_url_get(r->url, CURLUPART_URL, &r->url_cache, 0) != CURLUE_OK)
                r->url_cache = NULL;
        return r->url_cache;
}

int http_request_set_url(httpsrc_request *r, const char *url)
{
        if (!url)
                return HTTPSRC_ERR_INVAL;
        /* A relative URL resolves against the one already set (RFC 3986). */
        if (curl_url_set(r->url, CURLUPART_URL, url, 0) != CURLUE_OK)
                return HTTPSRC_ERR_INVAL;
        url_changed(r);
        return HTTPSRC_OK;
}

/* Keep every query pair whose (decoded) name differs from @name. */
static int query_without(const char *query, const char *name, strbuf *out)
{
        const char *p = query;
        while (p && *p) {
                const char *amp = strchr(p, '&');
                size_t len      = amp ? (size_t)(amp - p) : strlen(p);
                const char *eq  = memchr(p, '=', len);
                size_t nlen     = eq ? (size_t)(eq - p) : len;
                int outlen      = 0;
                char *dn = curl_easy_unescape(NULL, p, (int)nlen, &outlen);
                int same = dn && strcmp(dn, name) == 0;
                curl_free(dn);
                if (!same && len) {
                        if ((out->len && sb_putc(out, '&')) ||
                            sb_append(out, p, len))
                                return HTTPSRC_ERR_NOMEM;
                }
                p = amp ? amp + 1 : NULL;
        }
        return HTTPSRC_OK;
}

int http_request_set_query(httpsrc_request *r,
                           const char *name,
                           const char *value)
{
        if (!name || !*name)
                return HTTPSRC_ERR_INVAL;
        char *query = NULL;
        strbuf kept = {0};
        int rc      = HTTPSRC_OK;
        if (curl_url_get(r->url, CURLUPART_QUERY, &query, 0) == CURLUE_OK)
                rc = query_without(query, name, &kept);
        curl_free(query);
        if (rc == HTTPSRC_OK &&
            curl_url_set(r->url, CURLUPART_QUERY, kept.len ? kept.buf : NULL,
                         0) != CURLUE_OK)
                rc = HTTPSRC_ERR_INVAL;
        sb_free(&kept);
        if (rc != HTTPSRC_OK || !value)
                goto out;
        strbuf pair = {0};
        if (sb_printf(&pair, "%s=%s", name, value)) {
                rc = HTTPSRC_ERR_NOMEM;
                goto out;
        }
        if (curl_url_set(r->url, CURLUPART_QUERY, pair.buf,
                         CURLU_APPENDQUERY | CURLU_URLENCODE) != CURLUE_OK)
                rc = HTTPSRC_ERR_INVAL;
        sb_free(&pair);
out:
        url_changed(r);
        return rc;
}

int http_request_set_header(httpsrc_request *r,
                            const char *name,
                            const char *value)
{
        if (!name || !*name || strpbrk(name, ":\r\n") ||
            (value && strpbrk(value, "\r\n")))
                return HTTPSRC_ERR_INVAL;
        header *h = headers_find(&r->headers, name);
        if (h && value) {
                char *v = strdup(value);
                if (!v)
                        return HTTPSRC_ERR_NOMEM;
                free(h->value);
                h->value = v;
                h->vlen  = strlen(v);
                h->vcap  = h->vlen + 1;
                return HTTPSRC_OK;
        }
        if (h) {
                free(h->name);
                free(h->value);
                *h = r->headers.v[--r->headers.n];
                return HTTPSRC_OK;
        }
        if (!value)
                return HTTPSRC_OK;
        return headers_add(&r->headers, name, strlen(name), value,
                           strlen(value));
}

const char *http_request_header(const httpsrc_request *r, const char *name)
{
        header *h = headers_find(&r->headers, name);
        return h ? h->value : NULL;
}

const void *http_request_body(const httpsrc_request *r, size_t *len)
{
        if (len)
                *len = r->body.len;
        return r->has_body ? r->body.buf : NULL;
}

int http_request_set_body(httpsrc_request *r, const void *body, size_t len)
{
        sb_reset(&r->body);
        r->has_body = body != NULL;
        if (body && sb_append(&r->body, body, len))
                return HTTPSRC_ERR_NOMEM;
        return HTTPSRC_OK;
}

/* --- responses --- */

httpsrc_response *
http_response_new(int status, const char *body, size_t len, const char *url)
{
        httpsrc_response *resp = calloc(1, sizeof(*resp));
        if (!resp)
                return NULL;
        resp->status = status;
        if ((body && sb_append(&resp->body, body, len)) ||
            (url && !(resp->url = strdup(url)))) {
                http_response_destroy(resp);
                return NULL;
        }
        return resp;
}

void http_response_destroy(httpsrc_response *resp)
{
        if (!resp)
                return;
        sb_free(&resp->body);
        headers_clear(&resp->headers);
        free(resp->url);
        free(resp->redirect_url);
        json_destroy(resp->json);
        json_root_index_free(&resp->root);
        free(resp);
}

int http_response_status(const httpsrc_response *resp)
{
        return (int)resp->status;
}

const char *http_response_header(const httpsrc_response *resp, const char *name)
{
        header *h = headers_find(&resp->headers, name);
        return h ? h->value : NULL;
}

int64_t http_response_started_ms(const httpsrc_response *resp)
{
        return resp->started_ms;
}

const void *http_response_body(const httpsrc_response *resp, size_t *len)
{
        if (len)
                *len = resp->body.len;
        return resp->body.buf ? resp->body.buf : "";
}

const httpsrc_json *http_response_json(const httpsrc_response *cresp)
{
        httpsrc_response *resp = (httpsrc_response *)cresp; /* cache only */
        if (!resp->json_tried) {
                resp->json_tried = 1;
                resp->json = json_parse(resp->body.buf ? resp->body.buf : "",
                                        resp->body.len, NULL, 0);
        }
        return resp->json;
}

json_root_index *http_response_root_index(const httpsrc_response *cresp)
{
        return &((httpsrc_response *)cresp)->root; /* a cache, like json */
}

const char *http_response_url(const httpsrc_response *resp)
{
        return resp->url;
}

int http_url_origin(const char *url, strbuf *out)
{
        CURLU *u         = curl_url();
        char *scheme     = NULL, *host = NULL, *port = NULL;
        int rc           = HTTPSRC_ERR_INVAL;
        if (!u)
                return HTTPSRC_ERR_NOMEM;
        if (url &&
            curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
                CURLUE_OK &&
            curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
                CURLUE_OK) {
                sb_reset(out);
                rc = sb_printf(out, "%s://%s:%s", scheme, host, port)
                         ? HTTPSRC_ERR_NOMEM
                         : HTTPSRC_OK;
                for (size_t i = 0; !rc && i < out->len; i++)
                        out->buf[i] = (char)tolower((unsigned char)out->buf[i]);
        }
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
        curl_url_cleanup(u);
        return rc;
}

const char *http_response_redirect_url(const httpsrc_response *resp)
{
        return resp->redirect_url;
}

/* --- the client --- */

typedef struct transfer {
        struct transfer *next, *prev;
        long id;
        CURL *easy;
        struct curl_slist *headers;
        httpsrc_response *resp;
        strbuf body; /* request body, alive until done */
        size_t max_bytes;
        int too_large;
        size_t hdr_lines, hdr_bytes; /* of the current response */
        int headers_over;
        const netguard *guard;
        char refused[160]; /* why the guard refused an address */
        http_done_fn done;
        void *opaque;
        char errbuf[CURL_ERROR_SIZE];
} transfer;

struct http_client {
        CURLM *multi;
        transfer *active;
        CURL *idle[16]; /* easy handles kept for reuse */
        size_t n_idle;
        long next_id;
        size_t n_active;
        size_t max_active; /* beyond: requests wait in pending */
        struct pending *pending, *pending_tail;
};

/* A request waiting for a free transfer slot: a copy, no curl handle, so
 * thousands of waiting connectors cost little memory. */
typedef struct pending {
        struct pending *next;
        long id;
        httpsrc_request *req;
        http_opts opts;
        http_done_fn done;
        void *opaque;
} pending;

http_client *
http_client_new(size_t max_active, char *errstr, size_t errstr_size)
{
        http_client *c = calloc(1, sizeof(*c));
        if (!c || !(c->multi = curl_multi_init())) {
                free(c);
                errstr_set(errstr, errstr_size, "cannot create curl multi");
                return NULL;
        }
        c->max_active = max_active ? max_active : 1;
        /* Keep as many connections as transfers may run: they are reused
         * across connectors talking to the same host. */
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->max_active);
        return c;
}

static void transfer_free(http_client *c, transfer *t)
{
        curl_multi_remove_handle(c->multi, t->easy);
        if (c->n_idle < sizeof(c->idle) / sizeof(c->idle[0])) {
                curl_easy_reset(t->easy);
                c->idle[c->n_idle++] = t->easy;
        } else {
                curl_easy_cleanup(t->easy);
        }
        curl_slist_free_all(t->headers);
        http_response_destroy(t->resp);
        sb_free(&t->body);
        free(t);
}

static void transfer_unlink(http_client *c, transfer *t)
{
        if (t->prev)
                t->prev->next = t->next;
        else
                c->active = t->next;
        if (t->next)
                t->next->prev = t->prev;
        c->n_active--;
}

void http_client_destroy(http_client *c)
{
        if (!c)
                return;
        while (c->active) {
                transfer *t = c->active;
                transfer_unlink(c, t);
                transfer_free(c, t);
        }
        while (c->pending) {
                pending *q = c->pending;
                c->pending = q->next;
                http_request_destroy(q->req);
                free(q);
        }
        for (size_t i = 0; i < c->n_idle; i++)
                curl_easy_cleanup(c->idle[i]);
        curl_multi_cleanup(c->multi);
        free(c);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
        transfer *t = ud;
        size_t n    = size * nmemb;
        if (t->resp->body.len + n > t->max_bytes) {
                t->too_large = 1;
                return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
        }
        return sb_append(&t->resp->body, ptr, n) ? 0 : n;
}

/* Repeated header lines mean one comma-joined line (RFC 9110 §5.3), so
 * a Link rel="next" on a second line is seen too. Set-Cookie aside. The
 * value grows by doubling: joining n lines costs O(n), not O(n^2). */
static int headers_join(header_list *l,
                        const char *name,
                        size_t nlen,
                        const char *value,
                        size_t vlen)
{
        header *h = NULL;
        for (size_t i = 0; i < l->n && !h; i++)
                if (strlen(l->v[i].name) == nlen &&
                    strncasecmp(l->v[i].name, name, nlen) == 0)
                        h = &l->v[i];
        if (!h || (nlen == 10 && strncasecmp(name, "Set-Cookie", 10) == 0))
                return headers_add(l, name, nlen, value, vlen);
        size_t need = h->vlen + 2 + vlen + 1;
        if (need > h->vcap) {
                size_t cap = h->vcap * 2 > need ? h->vcap * 2 : need;
                char *nv   = realloc(h->value, cap);
                if (!nv)
                        return HTTPSRC_ERR_NOMEM;
                h->value = nv;
                h->vcap  = cap;
        }
        memcpy(h->value + h->vlen, ", ", 2);
        memcpy(h->value + h->vlen + 2, value, vlen);
        h->vlen += 2 + vlen;
        h->value[h->vlen] = '\0';
        return HTTPSRC_OK;
}

/* A response's header block is capped (HTTP_MAX_HEADER_LINES lines,
 * HTTP_MAX_HEADER_BYTES bytes): more is a broken or hostile server, and
 * curl 7.88 would hand all of it to us on the loop thread. */
static int headers_over_cap(transfer *t, size_t n)
{
        t->hdr_lines++;
        t->hdr_bytes += n;
        if (t->hdr_lines <= HTTP_MAX_HEADER_LINES &&
            t->hdr_bytes <= HTTP_MAX_HEADER_BYTES)
                return 0;
        t->headers_over = 1;
        return 1;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
        transfer *t = ud;
        size_t n    = size * nitems;
        if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
                /* A new response (after a redirect or 100): forget the
                 * headers of the previous one. */
                headers_clear(&t->resp->headers);
                t->hdr_lines = t->hdr_bytes = 0;
                return n;
        }
        if (headers_over_cap(t, n))
                return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
        const char *colon = memchr(buf, ':', n);
        if (!colon)
                return n;
        const char *v = colon + 1, *end = buf + n;
        while (v < end && (*v == ' ' || *v == '\t'))
                v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
                           end[-1] == ' ' || end[-1] == '\t'))
                end--;
        if (headers_join(&t->resp->headers, buf, (size_t)(colon - buf), v,
                         (size_t)(end - v)))
                return 0;
        /* Size the body once instead of growing it by copies. */
        if ((size_t)(colon - buf) == 14 &&
            strncasecmp(buf, "Content-Length", 14) == 0) {
                unsigned long long cl = strtoull(v, NULL, 10);
                if (cl && cl <= t->max_bytes && !t->resp->body.len)
                        sb_reserve(&t->resp->body, (size_t)cl);
        }
        return n;
}

/* Every address curl connects to (each redirect too) passes the guard. */
static curl_socket_t
on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
        transfer *t = ud;
        if (t->guard && netguard_check(t->guard, &a->addr, t->refused,
                                       sizeof(t->refused)) != 0)
                return CURL_SOCKET_BAD;
        return socket(a->family, a->socktype, a->protocol);
}

/* The connection pool is shared by every connector: a connection another
 * connector (another policy) opened may be reused without a socket being
 * opened. Every request, each redirect's too, is judged here by the address
 * of the connection it is about to be sent on. */
static int on_prereq(void *ud,
                     char *primary_ip,
                     char *local_ip,
                     int primary_port,
                     int local_port)
{
        transfer *t = ud;
        (void)local_ip;
        (void)primary_port;
        (void)local_port;
        if (netguard_check_ip(t->guard, primary_ip, t->refused,
                              sizeof(t->refused)) != 0)
                return CURL_PREREQFUNC_ABORT;
        return CURL_PREREQFUNC_OK;
}

static int
transfer_setup(transfer *t, const httpsrc_request *req, const http_opts *o)
{
        CURL *e         = t->easy;
        const char *url = http_request_url(req);
        if (!url)
                return HTTPSRC_ERR_INVAL;
        for (size_t i = 0; i < req->headers.n; i++) {
                strbuf line = {0};
                if (sb_printf(&line, "%s: %s", req->headers.v[i].name,
                              req->headers.v[i].value))
                        return HTTPSRC_ERR_NOMEM;
                struct curl_slist *l = curl_slist_append(t->headers, line.buf);
                sb_free(&line);
                if (!l)
                        return HTTPSRC_ERR_NOMEM;
                t->headers = l;
        }
        /* Servers rarely need 100-continue; it costs a round trip. */
        struct curl_slist *l = curl_slist_append(t->headers, "Expect:");
        if (!l)
                return HTTPSRC_ERR_NOMEM;
        t->headers = l;
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        /* An https request never follows a redirect to http: its headers
         * (API keys) would go out in the clear. */
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
                         strncasecmp(url, "https:", 6) == 0 ? "https"
                                                            : "http,https");
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o->no_follow ? 0L : 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
        /* 128 KiB reads instead of 16 KiB: a 300 KB page takes 3 recv()s
         * and wake-ups, not 19 (strace of the throughput job: recvfrom
         * 4,057 -> 635 calls, poll 7,595 -> 1,599). Only the pages touched
         * are resident: a small response costs no more memory. */
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 131072L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
        curl_easy_setopt(e, CURLOPT_PRIVATE, t);
        if (o->guard) {
                t->guard = o->guard;
                curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
                curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
                curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
                curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
        }
        if (o->tls)
                tls_apply(o->tls, e);
        if (req->has_body) {
                if (sb_append(&t->body, req->body.buf, req->body.len))
                        return HTTPSRC_ERR_NOMEM;
                curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)t->body.len);
                curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                                 t->body.buf ? t->body.buf : "");
        }
        if (strcmp(req->method, "GET") == 0 && !req->has_body)
                curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        else if (strcmp(req->method, "POST") != 0 || !req->has_body)
                curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
        return HTTPSRC_OK;
}

static long start_transfer(http_client *c,
                           long id,
                           const httpsrc_request *req,
                           const http_opts *o,
                           http_done_fn done,
                           void *opaque)
{
        transfer *t = calloc(1, sizeof(*t));
        if (!t)
                return HTTPSRC_ERR_NOMEM;
        t->easy      = c->n_idle ? c->idle[--c->n_idle] : curl_easy_init();
        t->resp      = calloc(1, sizeof(*t->resp));
        t->max_bytes = o->max_bytes;
        t->done      = done;
        t->opaque    = opaque;
        t->id        = id;
        t->next      = c->active;
        if (c->active)
                c->active->prev = t;
        c->active = t;
        c->n_active++;
        if (t->resp)
                t->resp->started_ms = mono_ms();
        int rc =
            t->easy && t->resp ? transfer_setup(t, req, o) : HTTPSRC_ERR_NOMEM;
        if (rc == HTTPSRC_OK &&
            curl_multi_add_handle(c->multi, t->easy) != CURLM_OK)
                rc = HTTPSRC_ERR_TRANSPORT;
        if (rc != HTTPSRC_OK) {
                transfer_unlink(c, t);
                if (t->easy) {
                        transfer_free(c, t);
                } else {
                        free(t->resp);
                        free(t);
                }
                return rc;
        }
        return id;
}

long http_send(http_client *c,
               const httpsrc_request *req,
               const http_opts *o,
               http_done_fn done,
               void *opaque)
{
        long id = ++c->next_id;
        if (c->n_active < c->max_active && !c->pending) /* first come... */
                return start_transfer(c, id, req, o, done, opaque);
        pending *q = calloc(1, sizeof(*q));
        if (!q || !(q->req = http_request_copy(req))) {
                free(q);
                return HTTPSRC_ERR_NOMEM;
        }
        *q = (pending){NULL, id, q->req, *o, done, opaque};
        if (c->pending_tail)
                c->pending_tail->next = q;
        else
                c->pending = q;
        c->pending_tail = q;
        return id;
}

/* Start waiting requests while slots are free. A request that cannot
 * start reports its error through its callback, as a transfer would. */
static void start_pending(http_client *c)
{
        while (c->pending && c->n_active < c->max_active) {
                pending *q = c->pending;
                c->pending = q->next;
                if (!c->pending)
                        c->pending_tail = NULL;
                long rc = start_transfer(c, q->id, q->req, &q->opts, q->done,
                                         q->opaque);
                http_request_destroy(q->req);
                if (rc < 0)
                        q->done(q->opaque, NULL, (int)rc,
                                "cannot start the request");
                free(q);
        }
}

void http_cancel(http_client *c, long id)
{
        for (transfer *t = c->active; t; t = t->next) {
                if (t->id != id)
                        continue;
                transfer_unlink(c, t);
                transfer_free(c, t);
                return;
        }
        for (pending **pp = &c->pending, *prev = NULL; *pp;
             prev = *pp, pp = &(*pp)->next) {
                if ((*pp)->id != id)
                        continue;
                pending *q = *pp;
                *pp        = q->next;
                if (c->pending_tail == q)
                        c->pending_tail = prev;
                http_request_destroy(q->req);
                free(q);
                return;
        }
}

/* TLS failures that a retry cannot fix: a certificate that does not
 * verify (or a local one that cannot be used), and a server that answers
 * in plain HTTP. NULL for any other error. */
static const char *tls_hopeless(CURLcode res, const char *detail)
{
        switch (res) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
                return "the server's certificate does not verify, retrying "
                       "cannot help: check http.ssl.truststore.location "
                       "and the host name in http.url";
        case CURLE_SSL_CERTPROBLEM:
                return "the client certificate cannot be used, retrying "
                       "cannot help: check http.ssl.keystore.location";
        case CURLE_SSL_CONNECT_ERROR:
                if (strstr(detail, "wrong version number") ||
                    strstr(detail, "packet length too long") ||
                    strstr(detail, "http request"))
                        return "the server answers in plain HTTP, not TLS: "
                               "use http:// (or the server's TLS port)";
                return NULL;
        default:
                return NULL;
        }
}

static void transfer_done(http_client *c, transfer *t, CURLcode res)
{
        transfer_unlink(c, t);
        httpsrc_response *resp = NULL;
        int err                = HTTPSRC_OK;
        char msg[CURL_ERROR_SIZE + 256];
        msg[0] = '\0';
        if (t->too_large) {
                err = HTTPSRC_ERR_LIMIT;
                snprintf(msg, sizeof(msg),
                         "response body exceeds %zu bytes "
                         "(http.response.max.bytes)",
                         t->max_bytes);
        } else if (t->headers_over) {
                err = HTTPSRC_ERR_LIMIT;
                snprintf(msg, sizeof(msg),
                         "response headers exceed the cap of %d lines or "
                         "%d bytes (a broken or hostile server)",
                         HTTP_MAX_HEADER_LINES, HTTP_MAX_HEADER_BYTES);
        } else if (res != CURLE_OK && t->refused[0]) {
                err = HTTPSRC_ERR_INVAL; /* policy: retrying cannot help */
                snprintf(msg, sizeof(msg), "%s", t->refused);
        } else if (res != CURLE_OK) {
                err = res == CURLE_OPERATION_TIMEDOUT ? HTTPSRC_ERR_TIMEOUT
                                                      : HTTPSRC_ERR_TRANSPORT;
                long os_errno = 0;
                if (res == CURLE_COULDNT_CONNECT)
                        curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO,
                                          &os_errno);
                /* curl says "Couldn't connect"; the OS says why */
                const char *detail =
                    t->errbuf[0] ? t->errbuf : curl_easy_strerror(res);
                const char *tls = tls_hopeless(res, detail);
                if (tls)
                        err = HTTPSRC_ERR_INVAL; /* not retried */
                snprintf(msg, sizeof(msg), "%s%s%s%s%s%s", detail,
                         os_errno ? " (" : "",
                         os_errno ? strerror((int)os_errno) : "",
                         os_errno ? ")" : "", tls ? ": " : "",
                         tls ? tls : "");
        } else {
                resp    = t->resp;
                t->resp = NULL;
                curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE,
                                  &resp->status);
                char *eff = NULL;
                curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &eff);
                resp->url = xstrdup(eff);
                char *loc = NULL;
                if (resp->status / 100 == 3 &&
                    curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &loc) ==
                        CURLE_OK &&
                    loc)
                        resp->redirect_url = xstrdup(loc);
        }
        http_done_fn done = t->done;
        void *opaque      = t->opaque;
        transfer_free(c, t);
        done(opaque, resp, err, msg);
}

/* Hand finished transfers to their callbacks; returns how many. */
static int dispatch(http_client *c)
{
        int n = 0, left;
        CURLMsg *m;
        while ((m = curl_multi_info_read(c->multi, &left))) {
                if (m->msg != CURLMSG_DONE)
                        continue;
                transfer *t = NULL;
                curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
                if (t) {
                        transfer_done(c, t, m->data.result);
                        n++;
                }
        }
        return n;
}

int http_client_poll(http_client *c,
                     struct curl_waitfd *extra,
                     unsigned n_extra,
                     int timeout_ms)
{
        int running = 0;
        curl_multi_perform(c->multi, &running);
        /* A loopback transfer can finish within perform: its callback
         * must run now, not after the wait. */
        if (dispatch(c)) {
                start_pending(c);
                return HTTPSRC_OK;
        }
        if (curl_multi_poll(c->multi, extra, n_extra, timeout_ms, NULL) !=
            CURLM_OK)
                return HTTPSRC_ERR_TRANSPORT;
        curl_multi_perform(c->multi, &running);
        dispatch(c);
        start_pending(c);
        return HTTPSRC_OK;
}

size_t http_client_fds(http_client *c, struct pollfd *out, size_t max)
{
        fd_set r, w, x;
        int maxfd = -1;
        size_t n  = 0;
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_ZERO(&x);
        if (curl_multi_fdset(c->multi, &r, &w, &x, &maxfd) != CURLM_OK)
                return 0;
        for (int fd = 0; fd <= maxfd && n < max; fd++) {
                short ev = (short)((FD_ISSET(fd, &r) || FD_ISSET(fd, &x)
                                        ? POLLIN
                                        : 0) |
                                   (FD_ISSET(fd, &w) ? POLLOUT : 0));
                if (ev)
                        out[n++] = (struct pollfd){.fd = fd, .events = ev};
        }
        return n;
}

long http_client_timeout(http_client *c)
{
        long ms = -1;
        if (curl_multi_timeout(c->multi, &ms) != CURLM_OK)
                return -1;
        return ms;
}
