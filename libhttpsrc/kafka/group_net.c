/* group module, the wire: TCP/TLS/SASL connection, Kafka framing. */
#include "group_net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { SASL_NONE, SASL_PLAIN, SASL_SCRAM256, SASL_SCRAM512 };

struct knet_conf {
        int tls;
        int sasl;
        char *user, *pass;
        SSL_CTX *ctx;
        int verify_host;
        char *client_id;
};

struct kconn {
        const knet_conf *conf;
        int fd, wake_fd;
        SSL *ssl;
        int32_t corr;
        int16_t ver_lo[KAPI_MAX], ver_hi[KAPI_MAX]; /* -1: not offered */
        char peer[300];
        char tls_why[160]; /* OpenSSL's reason for the last TLS failure */
        int tls_fatal;     /* the broker refused our certificate */
};

/* ---- primitives ---- */

static int put_be(strbuf *b, uint64_t v, int bytes)
{
        unsigned char x[8];
        for (int i = 0; i < bytes; i++)
                x[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
        return sb_append(b, x, (size_t)bytes);
}

int kw_i16(strbuf *b, int16_t v)
{
        return put_be(b, (uint16_t)v, 2);
}
int kw_i32(strbuf *b, int32_t v)
{
        return put_be(b, (uint32_t)v, 4);
}
int kw_i64(strbuf *b, int64_t v)
{
        return put_be(b, (uint64_t)v, 8);
}

int kw_str(strbuf *b, const char *s)
{
        size_t n = strlen(s ? s : "");
        if (n > 32767)
                return -1;
        return kw_i16(b, (int16_t)n) || sb_append(b, s ? s : "", n) ? -1 : 0;
}

int kw_nstr(strbuf *b, const char *s)
{
        return s ? kw_str(b, s) : kw_i16(b, -1);
}

int kw_bytes(strbuf *b, const void *p, size_t n)
{
        if (n > INT32_MAX)
                return -1;
        return kw_i32(b, (int32_t)n) || sb_append(b, p, n) ? -1 : 0;
}

static uint64_t get_be(kr *r, int bytes)
{
        if (r->bad || r->len - r->pos < (size_t)bytes) {
                r->bad = 1;
                return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < bytes; i++)
                v = v << 8 | r->p[r->pos++];
        return v;
}

int16_t kr_i16(kr *r)
{
        return (int16_t)get_be(r, 2);
}
int32_t kr_i32(kr *r)
{
        return (int32_t)get_be(r, 4);
}
int64_t kr_i64(kr *r)
{
        return (int64_t)get_be(r, 8);
}

char *kr_str(kr *r)
{
        int16_t n = kr_i16(r);
        if (r->bad || n == -1)
                return NULL;
        if (n < 0 || r->len - r->pos < (size_t)n) {
                r->bad = 1;
                return NULL;
        }
        char *s = xstrndup((const char *)r->p + r->pos, (size_t)n);
        r->pos += (size_t)n;
        if (!s)
                r->bad = 1;
        return s;
}

const unsigned char *kr_bytes(kr *r, size_t *n)
{
        int32_t len = kr_i32(r);
        *n          = 0;
        if (r->bad || len == -1)
                return NULL;
        if (len < 0 || r->len - r->pos < (size_t)len) {
                r->bad = 1;
                return NULL;
        }
        const unsigned char *p = r->p + r->pos;
        r->pos += (size_t)len;
        *n = (size_t)len;
        return p;
}

const char *kerr_name(int code)
{
        switch (code) {
        case 14: return "COORDINATOR_LOAD_IN_PROGRESS";
        case 15: return "COORDINATOR_NOT_AVAILABLE";
        case 16: return "NOT_COORDINATOR";
        case 22: return "ILLEGAL_GENERATION";
        case 23: return "INCONSISTENT_GROUP_PROTOCOL";
        case 24: return "INVALID_GROUP_ID";
        case 25: return "UNKNOWN_MEMBER_ID";
        case 26: return "INVALID_SESSION_TIMEOUT";
        case 27: return "REBALANCE_IN_PROGRESS";
        case 30: return "WGROUP_AUTHORIZATION_FAILED";
        case 33: return "UNSUPPORTED_SASL_MECHANISM";
        case 34: return "ILLEGAL_SASL_STATE";
        case 35: return "UNSUPPORTED_VERSION";
        case 58: return "SASL_AUTHENTICATION_FAILED";
        case 79: return "MEMBER_ID_REQUIRED";
        case 81: return "WGROUP_MAX_SIZE_REACHED";
        default: return "error";
        }
}

/* ---- settings ---- */

static const char *get(const httpsrc_conf *w, const char *key)
{
        const char *v = httpsrc_conf_get(w, key);
        return v && *v ? v : NULL;
}

void knet_conf_destroy(knet_conf *c)
{
        if (!c)
                return;
        if (c->pass) {
                mem_wipe(c->pass, strlen(c->pass));
                free(c->pass);
        }
        free(c->user);
        free(c->client_id);
        SSL_CTX_free(c->ctx);
        free(c);
}

static void ssl_reason(char *buf, size_t size)
{
        unsigned long e = ERR_get_error();
        snprintf(buf, size, "%s", e ? ERR_reason_error_string(e) : "unknown");
        ERR_clear_error();
}

/* The PEM key's password callback: the configured ssl.key.password. */
static int key_password(char *buf, int size, int rw, void *u)
{
        (void)rw;
        const char *p = u;
        int n         = p ? (int)strlen(p) : 0;
        if (n >= size)
                return 0;
        memcpy(buf, p ? p : "", (size_t)n);
        return n;
}

static int tls_setup(knet_conf *c,
                     const httpsrc_conf *w,
                     char *errstr,
                     size_t size)
{
        char why[256];
        if (get(w, "ssl.keystore.location")) {
                errstr_set(errstr, size,
                           "ssl.keystore.location: a PKCS#12 keystore is not "
                           "supported by the group membership connection; "
                           "use ssl.certificate.location and "
                           "ssl.key.location (PEM)");
                return -1;
        }
        if (!(c->ctx = SSL_CTX_new(TLS_client_method()))) {
                errstr_set(errstr, size, "security.protocol: TLS: out of memory");
                return -1;
        }
        SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
        const char *ca = get(w, "ssl.ca.location");
        const char *verify = get(w, "enable.ssl.certificate.verification");
        int verify_peer = !verify || strcaseeq(verify, "true");
        const char *alg = httpsrc_conf_get(w, "ssl.endpoint.identification.algorithm");
        c->verify_host = verify_peer && (!alg || strcaseeq(alg, "https"));
        if (verify_peer) {
                int ok = ca ? SSL_CTX_load_verify_locations(c->ctx, ca, NULL) ||
                                  SSL_CTX_load_verify_locations(c->ctx, NULL, ca)
                            : SSL_CTX_set_default_verify_paths(c->ctx);
                if (!ok) {
                        ssl_reason(why, sizeof(why));
                        errstr_set(errstr, size, "ssl.ca.location: %s: %s",
                                   ca ? ca : "(system default)", why);
                        return -1;
                }
                SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
        }
        const char *cert = get(w, "ssl.certificate.location");
        const char *key  = get(w, "ssl.key.location");
        if (!cert != !key) {
                errstr_set(errstr, size, "%s: set without %s (a client "
                           "certificate needs both)",
                           cert ? "ssl.certificate.location" : "ssl.key.location",
                           cert ? "ssl.key.location" : "ssl.certificate.location");
                return -1;
        }
        if (!cert)
                return 0;
        SSL_CTX_set_default_passwd_cb(c->ctx, key_password);
        SSL_CTX_set_default_passwd_cb_userdata(
            c->ctx, (void *)httpsrc_conf_get(w, "ssl.key.password"));
        int rc = 0;
        if (SSL_CTX_use_certificate_chain_file(c->ctx, cert) != 1) {
                ssl_reason(why, sizeof(why));
                errstr_set(errstr, size, "ssl.certificate.location: %s: %s",
                           cert, why);
                rc = -1;
        } else if (SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) !=
                           1 ||
                   SSL_CTX_check_private_key(c->ctx) != 1) {
                ssl_reason(why, sizeof(why));
                errstr_set(errstr, size,
                           "ssl.key.location: %s: %s (wrong ssl.key.password "
                           "or not the certificate's key?)",
                           key, why);
                rc = -1;
        }
        /* The password is needed only while loading. */
        SSL_CTX_set_default_passwd_cb_userdata(c->ctx, NULL);
        return rc;
}

static int sasl_setup(knet_conf *c,
                      const httpsrc_conf *w,
                      char *errstr,
                      size_t size)
{
        const char *key = get(w, "sasl.mechanism") ? "sasl.mechanism"
                                                   : "sasl.mechanisms";
        const char *m = get(w, key);
        if (!m)
                m = "GSSAPI"; /* librdkafka's default */
        if (!strcmp(m, "PLAIN"))
                c->sasl = SASL_PLAIN;
        else if (!strcmp(m, "SCRAM-SHA-256"))
                c->sasl = SASL_SCRAM256;
        else if (!strcmp(m, "SCRAM-SHA-512"))
                c->sasl = SASL_SCRAM512;
        else {
                errstr_set(errstr, size,
                           "%s: %s%s is not supported by the group membership "
                           "connection; use PLAIN, SCRAM-SHA-256 or "
                           "SCRAM-SHA-512",
                           key, m, get(w, key) ? "" : " (the default)");
                return -1;
        }
        const char *u = get(w, "sasl.username"), *p = get(w, "sasl.password");
        if (!u || !p) {
                errstr_set(errstr, size, "%s: missing for sasl.mechanisms=%s",
                           u ? "sasl.password" : "sasl.username", m);
                return -1;
        }
        c->user = xstrdup(u);
        c->pass = xstrdup(p);
        if (!c->user || !c->pass) {
                errstr_set(errstr, size, "sasl.username: out of memory");
                return -1;
        }
        return 0;
}

knet_conf *knet_conf_new(const httpsrc_conf *w, char *errstr, size_t size)
{
        knet_conf *c = calloc(1, sizeof(*c));
        if (!c) {
                errstr_set(errstr, size, "out of memory");
                return NULL;
        }
        const char *proto = httpsrc_conf_get(w, "security.protocol");
        if (!proto || !*proto)
                proto = "PLAINTEXT";
        if (strcaseeq(proto, "SSL") || strcaseeq(proto, "SASL_SSL"))
                c->tls = 1;
        else if (!strcaseeq(proto, "PLAINTEXT") &&
                 !strcaseeq(proto, "SASL_PLAINTEXT")) {
                errstr_set(errstr, size,
                           "security.protocol: '%s' is not one of PLAINTEXT, "
                           "SSL, SASL_PLAINTEXT, SASL_SSL",
                           proto);
                knet_conf_destroy(c);
                return NULL;
        }
        const char *cid = get(w, "client.id");
        c->client_id    = xstrdup(cid ? cid : "httpsrc-connect");
        if ((!strncasecmp(proto, "SASL_", 5) && sasl_setup(c, w, errstr, size)) ||
            (c->tls && tls_setup(c, w, errstr, size)) || !c->client_id) {
                if (!c->client_id)
                        errstr_set(errstr, size, "out of memory");
                knet_conf_destroy(c);
                return NULL;
        }
        return c;
}

/* ---- socket I/O with a wake fd ---- */

/* Wait until the socket is ready for @p events or the wake fd fires. */
static int wait_fd(kconn *k, short events, int64_t deadline)
{
        for (;;) {
                int64_t left = deadline - mono_ms();
                if (left <= 0)
                        return KNET_ERR;
                struct pollfd p[2] = {{k->fd, events, 0},
                                      {k->wake_fd, POLLIN, 0}};
                int n = poll(p, k->wake_fd >= 0 ? 2 : 1, (int)left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return KNET_ERR;
                if (k->wake_fd >= 0 && (p[1].revents & POLLIN))
                        return KNET_WOKEN;
                if (p[0].revents)
                        return 0;
        }
}

/* One read or write step: >0 bytes, 0 retry after waiting for *ev,
 * <0 error. */
static ssize_t io_step(kconn *k, void *buf, size_t n, int wr, short *ev)
{
        if (k->ssl) {
                ERR_clear_error();
                int r = wr ? SSL_write(k->ssl, buf, (int)n)
                           : SSL_read(k->ssl, buf, (int)n);
                if (r > 0)
                        return r;
                int e = SSL_get_error(k->ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                        *ev = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
                        return 0;
                }
                unsigned long err = ERR_peek_error();
                int reason        = ERR_GET_REASON(err);
                /* TLS 1.3 reports a refused client certificate only on
                 * the first read after the handshake. */
                k->tls_fatal = reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
                               reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
                               reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA;
                if (err)
                        ssl_reason(k->tls_why, sizeof(k->tls_why));
                return -1;
        }
        ssize_t r = wr ? send(k->fd, buf, n, MSG_NOSIGNAL) : recv(k->fd, buf, n, 0);
        if (r > 0)
                return r;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                *ev = wr ? POLLOUT : POLLIN;
                return 0;
        }
        return -1; /* 0 from recv: the broker closed the connection */
}

static int io_full(kconn *k, void *buf, size_t n, int wr, int64_t deadline)
{
        unsigned char *p = buf;
        while (n) {
                short ev    = 0;
                ssize_t r   = io_step(k, p, n, wr, &ev);
                if (r < 0)
                        return KNET_ERR;
                if (r == 0) {
                        int w = wait_fd(k, ev, deadline);
                        if (w)
                                return w;
                        continue;
                }
                p += r;
                n -= (size_t)r;
        }
        return 0;
}

static int io_err(kconn *k, int rc, const char *what, char *errstr, size_t size)
{
        if (rc == KNET_WOKEN)
                return rc;
        if (k->tls_fatal) {
                errstr_set(errstr, size,
                           "%s: TLS: the broker refused this client (%s); "
                           "check ssl.certificate.location and "
                           "ssl.key.location",
                           k->peer, k->tls_why);
                return KNET_FATAL;
        }
        errstr_set(errstr, size, "%s: %s%s%s%s", k->peer, what,
                   *k->tls_why ? " (TLS: " : "", k->tls_why,
                   *k->tls_why ? ")" : "");
        return KNET_ERR;
}

int kconn_call(kconn *k,
               int16_t api,
               int16_t ver,
               const strbuf *body,
               strbuf *resp,
               int timeout_ms,
               char *errstr,
               size_t size)
{
        int64_t deadline = mono_ms() + timeout_ms;
        int32_t corr     = ++k->corr;
        strbuf req       = {0};
        int rc = kw_i32(&req, 0) || kw_i16(&req, api) || kw_i16(&req, ver) ||
                 kw_i32(&req, corr) || kw_str(&req, k->conf->client_id) ||
                 sb_append(&req, body->buf ? body->buf : "", body->len);
        if (rc) {
                sb_free(&req);
                errstr_set(errstr, size, "out of memory");
                return KNET_ERR;
        }
        uint32_t n = (uint32_t)(req.len - 4);
        for (int i = 0; i < 4; i++)
                req.buf[i] = (char)(n >> (24 - 8 * i));
        rc = io_full(k, req.buf, req.len, 1, deadline);
        sb_free(&req);
        if (rc)
                return io_err(k, rc, "send failed (connection lost)", errstr, size);
        unsigned char hdr[8];
        rc = io_full(k, hdr, 8, 0, deadline);
        if (rc)
                return io_err(k, rc,
                              rc == KNET_ERR && mono_ms() >= deadline
                                  ? "no response in time"
                                  : "connection lost",
                              errstr, size);
        uint32_t len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
        int32_t got  = (int32_t)((uint32_t)hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7]);
        if (len < 4 || len > 64 << 20 || got != corr)
                return io_err(k, KNET_ERR, "malformed response", errstr, size);
        sb_reset(resp);
        if (sb_reserve(resp, len - 4)) {
                errstr_set(errstr, size, "out of memory");
                return KNET_ERR;
        }
        rc = io_full(k, resp->buf, len - 4, 0, deadline);
        if (rc)
                return io_err(k, rc, "connection lost", errstr, size);
        resp->len = len - 4;
        return 0;
}

void kconn_set_wake(kconn *k, int fd)
{
        k->wake_fd = fd;
}

const char *kconn_peer(const kconn *k)
{
        return k->peer;
}

void kconn_close(kconn *k)
{
        if (!k)
                return;
        if (k->ssl) {
                SSL_shutdown(k->ssl);
                SSL_free(k->ssl);
        }
        if (k->fd >= 0)
                close(k->fd);
        free(k);
}

/* ---- opening ---- */

static int tcp_connect(kconn *k,
                       const char *host,
                       int port,
                       int64_t deadline,
                       char *errstr,
                       size_t size)
{
        struct addrinfo hints = {0}, *res = NULL;
        char ps[16];
        hints.ai_socktype = SOCK_STREAM;
        snprintf(ps, sizeof(ps), "%d", port);
        int e = getaddrinfo(host, ps, &hints, &res);
        if (e) {
                errstr_set(errstr, size, "%s: cannot resolve: %s", k->peer,
                           gai_strerror(e));
                return KNET_ERR;
        }
        int rc = KNET_ERR, err = 0;
        for (struct addrinfo *a = res; a && rc == KNET_ERR; a = a->ai_next) {
                k->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
                                                 SOCK_CLOEXEC, 0);
                if (k->fd < 0) {
                        err = errno;
                        continue;
                }
                if (connect(k->fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) {
                        err = errno;
                } else if ((rc = wait_fd(k, POLLOUT, deadline)) == 0) {
                        socklen_t l = sizeof(err);
                        getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &l);
                        rc = err ? KNET_ERR : 0;
                } else if (rc == KNET_ERR)
                        err = ETIMEDOUT;
                if (rc) {
                        close(k->fd);
                        k->fd = -1;
                }
                if (rc == KNET_WOKEN)
                        break;
        }
        freeaddrinfo(res);
        if (rc == KNET_ERR)
                errstr_set(errstr, size, "%s: cannot connect: %s", k->peer,
                           strerror(err ? err : ECONNREFUSED));
        if (!rc) {
                int one = 1;
                setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
        return rc;
}

static int tls_connect(kconn *k,
                       const char *host,
                       int64_t deadline,
                       char *errstr,
                       size_t size)
{
        if (!(k->ssl = SSL_new(k->conf->ctx)) || !SSL_set_fd(k->ssl, k->fd)) {
                errstr_set(errstr, size, "%s: TLS: out of memory", k->peer);
                return KNET_ERR;
        }
        SSL_set_tlsext_host_name(k->ssl, host);
        if (k->conf->verify_host) {
                X509_VERIFY_PARAM *vp = SSL_get0_param(k->ssl);
                X509_VERIFY_PARAM_set_hostflags(
                    vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
                if (!X509_VERIFY_PARAM_set1_host(vp, host, 0) ||
                    !X509_VERIFY_PARAM_set1_ip_asc(vp, host))
                        ERR_clear_error(); /* not an IP: the host name */
        }
        for (;;) {
                ERR_clear_error();
                int r = SSL_connect(k->ssl);
                if (r == 1)
                        return 0;
                int e = SSL_get_error(k->ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                        int w = wait_fd(k, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                        deadline);
                        if (w)
                                return io_err(k, w, "TLS handshake timed out",
                                              errstr, size);
                        continue;
                }
                long v = SSL_get_verify_result(k->ssl);
                if (v != X509_V_OK) {
                        errstr_set(errstr, size,
                                   "%s: TLS: broker certificate rejected: %s "
                                   "(ssl.ca.location, "
                                   "ssl.endpoint.identification.algorithm)",
                                   k->peer, X509_verify_cert_error_string(v));
                        return KNET_FATAL;
                }
                char why[256];
                ssl_reason(why, sizeof(why));
                errstr_set(errstr, size, "%s: TLS handshake failed: %s", k->peer, why);
                return KNET_ERR;
        }
}

static int api_versions(kconn *k, int64_t deadline, char *errstr, size_t size)
{
        strbuf body = {0}, resp = {0};
        int rc = kconn_call(k, KAPI_API_VERSIONS, 1, &body, &resp,
                            (int)(deadline - mono_ms()), errstr, size);
        if (rc) {
                sb_free(&resp);
                return rc;
        }
        kr r = {(const unsigned char *)resp.buf, resp.len, 0, 0};
        int16_t err = kr_i16(&r);
        int32_t n   = kr_i32(&r);
        for (int i = 0; i < KAPI_MAX; i++)
                k->ver_lo[i] = k->ver_hi[i] = -1;
        for (int32_t i = 0; i < n && !r.bad; i++) {
                int16_t key = kr_i16(&r), lo = kr_i16(&r), hi = kr_i16(&r);
                if (!r.bad && key >= 0 && key < KAPI_MAX) {
                        k->ver_lo[key] = lo;
                        k->ver_hi[key] = hi;
                }
        }
        sb_free(&resp);
        if (r.bad || err) {
                errstr_set(errstr, size, "%s: ApiVersions failed: %s", k->peer,
                           r.bad ? "malformed response" : kerr_name(err));
                return KNET_ERR;
        }
        return 0;
}

int kconn_pick(kconn *k,
               int api,
               int lo,
               int hi,
               const char *name,
               char *errstr,
               size_t size)
{
        int blo = k->ver_lo[api], bhi = k->ver_hi[api];
        int v   = bhi < hi ? bhi : hi;
        if (blo < 0 || v < lo || v < blo) {
                errstr_set(errstr, size,
                           "%s: the broker speaks %s versions %d-%d, this "
                           "client %d-%d",
                           k->peer, name, blo, bhi, lo, hi);
                return -1;
        }
        return v;
}

/* One SaslAuthenticate round: send @p out, the server's bytes in @p in. */
static int sasl_round(kconn *k,
                      int ver,
                      const void *out,
                      size_t n,
                      strbuf *in,
                      int64_t deadline,
                      char *errstr,
                      size_t size)
{
        strbuf body = {0}, resp = {0};
        int rc      = kw_bytes(&body, out, n) ? KNET_ERR : 0;
        if (!rc)
                rc = kconn_call(k, KAPI_SASL_AUTHENTICATE, (int16_t)ver, &body,
                                &resp, (int)(deadline - mono_ms()), errstr, size);
        sb_wipe(&body);
        if (rc) {
                sb_free(&resp);
                return rc;
        }
        kr r        = {(const unsigned char *)resp.buf, resp.len, 0, 0};
        int16_t err = kr_i16(&r);
        char *msg   = kr_str(&r);
        size_t bn;
        const unsigned char *b = kr_bytes(&r, &bn);
        sb_reset(in);
        if (!r.bad && !err && sb_append(in, b ? (const char *)b : "", bn))
                r.bad = 1;
        if (r.bad || err) {
                strbuf m = {0};
                if (msg)
                        sb_put_untrusted(&m, msg, strlen(msg), 200, NULL, 0);
                errstr_set(errstr, size,
                           "%s: SASL authentication failed: %s%s%s "
                           "(sasl.username, sasl.password, sasl.mechanisms)",
                           k->peer, r.bad ? "malformed response" : kerr_name(err),
                           m.len ? ": " : "", m.len ? m.buf : "");
                sb_free(&m);
                rc = r.bad ? KNET_ERR : KNET_FATAL;
        }
        free(msg);
        sb_wipe(&resp);
        return rc;
}

static int unb64(const char *s, size_t n, unsigned char *out, size_t cap)
{
        if (n % 4 || n / 4 * 3 > cap)
                return -1;
        int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
        if (r < 0)
                return -1;
        while (n && s[n - 1] == '=') {
                r--;
                n--;
        }
        return r;
}

/* The value of attribute "@p a=" in a SCRAM message, up to ',' or end. */
static const char *scram_attr(const char *m, char a, size_t *n)
{
        for (const char *p = m; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
                if (p[0] == a && p[1] == '=') {
                        const char *e = strchr(p + 2, ',');
                        *n            = e ? (size_t)(e - p - 2) : strlen(p + 2);
                        return p + 2;
                }
        }
        return NULL;
}

static int scram(kconn *k, int ver, int64_t deadline, char *errstr, size_t size)
{
        const EVP_MD *md = k->conf->sasl == SASL_SCRAM256 ? EVP_sha256() : EVP_sha512();
        int hl           = EVP_MD_get_size(md);
        unsigned char raw[24], salted[64], ckey[64], skey[64], stored[64],
            csig[64], proof[64], ssig[64], salt[256], vsig[96];
        unsigned int ol;
        strbuf first = {0}, in = {0}, final = {0}, auth = {0};
        int rc = KNET_ERR;
        if (RAND_bytes(raw, sizeof(raw)) != 1)
                goto out;
        strbuf nonce = {0};
        sb_put_base64(&nonce, raw, sizeof(raw));
        sb_puts(&first, "n,,n=");
        for (const char *u = k->conf->user; *u; u++) /* saslname escapes */
                *u == '=' ? sb_puts(&first, "=3D")
                          : *u == ',' ? sb_puts(&first, "=2C") : sb_putc(&first, *u);
        sb_printf(&first, ",r=%s", nonce.buf ? nonce.buf : "");
        rc = sasl_round(k, ver, first.buf, first.len, &in, deadline, errstr, size);
        if (rc)
                goto out_nonce;
        rc = KNET_FATAL;
        size_t rn = 0, sn = 0, in_n = 0;
        const char *r = scram_attr(in.buf, 'r', &rn), *s = scram_attr(in.buf, 's', &sn),
                   *it = scram_attr(in.buf, 'i', &in_n);
        long iters = it ? strtol(it, NULL, 10) : 0;
        int saltn  = s ? unb64(s, sn, salt, sizeof(salt)) : -1;
        if (!r || rn < nonce.len || memcmp(r, nonce.buf, nonce.len) || saltn < 0 ||
            iters < 1 || iters > 1000000) {
                errstr_set(errstr, size, "%s: SASL SCRAM-SHA-%d: malformed "
                           "server-first message", k->peer, hl * 8);
                goto out_nonce;
        }
        if (!PKCS5_PBKDF2_HMAC(k->conf->pass, (int)strlen(k->conf->pass), salt,
                               saltn, (int)iters, md, hl, salted))
                goto out_nonce;
        HMAC(md, salted, hl, (const unsigned char *)"Client Key", 10, ckey, &ol);
        EVP_Digest(ckey, (size_t)hl, stored, &ol, md, NULL);
        sb_printf(&final, "c=biws,r=%.*s", (int)rn, r);
        sb_append(&auth, first.buf + 3, first.len - 3);
        sb_printf(&auth, ",%s,%s", in.buf, final.buf);
        HMAC(md, stored, hl, (unsigned char *)auth.buf, auth.len, csig, &ol);
        for (int i = 0; i < hl; i++)
                proof[i] = ckey[i] ^ csig[i];
        sb_puts(&final, ",p=");
        sb_put_base64(&final, proof, (size_t)hl);
        rc = sasl_round(k, ver, final.buf, final.len, &in, deadline, errstr, size);
        if (rc)
                goto out_nonce;
        HMAC(md, salted, hl, (const unsigned char *)"Server Key", 10, skey, &ol);
        HMAC(md, skey, hl, (unsigned char *)auth.buf, auth.len, ssig, &ol);
        size_t vn = 0;
        const char *v = scram_attr(in.buf, 'v', &vn);
        if (!v || unb64(v, vn, vsig, sizeof(vsig)) != hl || CRYPTO_memcmp(vsig, ssig, (size_t)hl)) {
                errstr_set(errstr, size, "%s: SASL SCRAM-SHA-%d: the server's "
                           "signature does not match (not the broker it "
                           "claims to be)",
                           k->peer, hl * 8);
                rc = KNET_FATAL;
        }
out_nonce:
        sb_free(&nonce);
out:
        mem_wipe(salted, sizeof(salted));
        mem_wipe(ckey, sizeof(ckey));
        sb_wipe(&first);
        sb_wipe(&in);
        sb_wipe(&final);
        sb_wipe(&auth);
        return rc;
}

static int sasl_auth(kconn *k, int64_t deadline, char *errstr, size_t size)
{
        static const char *const names[] = {"", "PLAIN", "SCRAM-SHA-256",
                                            "SCRAM-SHA-512"};
        const char *mech = names[k->conf->sasl];
        if (kconn_pick(k, KAPI_SASL_HANDSHAKE, 1, 1, "SaslHandshake", errstr, size) < 0)
                return KNET_FATAL;
        int av = kconn_pick(k, KAPI_SASL_AUTHENTICATE, 0, 1, "SaslAuthenticate",
                            errstr, size);
        if (av < 0)
                return KNET_FATAL;
        strbuf body = {0}, resp = {0};
        int rc = kw_str(&body, mech) ? KNET_ERR
                                     : kconn_call(k, KAPI_SASL_HANDSHAKE, 1, &body,
                                                  &resp, (int)(deadline - mono_ms()),
                                                  errstr, size);
        sb_free(&body);
        if (!rc) {
                kr r        = {(const unsigned char *)resp.buf, resp.len, 0, 0};
                int16_t err = kr_i16(&r);
                if (r.bad || err) {
                        errstr_set(errstr, size,
                                   "%s: SASL mechanism %s refused by the broker "
                                   "(%s); check sasl.mechanisms",
                                   k->peer, mech, r.bad ? "malformed response"
                                                        : kerr_name(err));
                        rc = KNET_FATAL;
                }
        }
        sb_free(&resp);
        if (rc)
                return rc;
        if (k->conf->sasl != SASL_PLAIN)
                return scram(k, av, deadline, errstr, size);
        strbuf tok = {0}, in = {0};
        sb_putc(&tok, '\0');
        sb_puts(&tok, k->conf->user);
        sb_putc(&tok, '\0');
        sb_puts(&tok, k->conf->pass);
        rc = sasl_round(k, av, tok.buf, tok.len, &in, deadline, errstr, size);
        sb_wipe(&tok);
        sb_free(&in);
        return rc;
}

int kconn_open(const knet_conf *c,
               const char *host,
               int port,
               int wake_fd,
               int timeout_ms,
               kconn **out,
               char *errstr,
               size_t size)
{
        *out      = NULL;
        kconn *k  = calloc(1, sizeof(*k));
        if (!k) {
                errstr_set(errstr, size, "out of memory");
                return KNET_ERR;
        }
        k->conf    = c;
        k->fd      = -1;
        k->wake_fd = wake_fd;
        snprintf(k->peer, sizeof(k->peer), "%s:%d", host, port);
        int64_t deadline = mono_ms() + timeout_ms;
        int rc = tcp_connect(k, host, port, deadline, errstr, size);
        if (!rc && c->tls)
                rc = tls_connect(k, host, deadline, errstr, size);
        if (!rc)
                rc = api_versions(k, deadline, errstr, size);
        if (!rc && c->sasl)
                rc = sasl_auth(k, deadline, errstr, size);
        if (rc) {
                kconn_close(k);
                return rc;
        }
        *out = k;
        return 0;
}
