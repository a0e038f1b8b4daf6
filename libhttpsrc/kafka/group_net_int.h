/* group module, the wire: one Kafka connection of the group member
 * (TCP, TLS through OpenSSL, SASL PLAIN / SCRAM-SHA-256/512), the Kafka
 * request framing (request header v1, response header v0: the
 * non-flexible versions) and ApiVersions negotiation. Private to the
 * group module (group.c); used on the group thread only. */
#ifndef HTTPSRC_GROUP_NET_INT_H
#define HTTPSRC_GROUP_NET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "httpsrc/httpsrc.h"
#include "util_int.h"

/* Kafka API keys this client sends. */
enum {
        KAPI_FIND_COORDINATOR = 10,
        KAPI_JOIN_GROUP       = 11,
        KAPI_HEARTBEAT        = 12,
        KAPI_LEAVE_GROUP      = 13,
        KAPI_SYNC_GROUP       = 14,
        KAPI_SASL_HANDSHAKE   = 17,
        KAPI_API_VERSIONS     = 18,
        KAPI_SASL_AUTHENTICATE = 36,
        KAPI_MAX              = 37
};

/* ---- Kafka primitives (big-endian; STRING int16 length) ---- */
int kw_i16(strbuf *b, int16_t v);
int kw_i32(strbuf *b, int32_t v);
int kw_i64(strbuf *b, int64_t v);
int kw_str(strbuf *b, const char *s);  /* -1 for a string > 32767 bytes */
int kw_nstr(strbuf *b, const char *s); /* NULL: length -1 */
int kw_bytes(strbuf *b, const void *p, size_t n); /* int32 length */

typedef struct kr {
        const unsigned char *p;
        size_t len, pos;
        int bad; /* set by any read past the end or malformed field */
} kr;
int16_t kr_i16(kr *r);
int32_t kr_i32(kr *r);
int64_t kr_i64(kr *r);
/* STRING or NULLABLE_STRING, malloc'ed (NULL for null). */
char *kr_str(kr *r);
/* BYTES: points into the buffer; *n = length (0 for null). */
const unsigned char *kr_bytes(kr *r, size_t *n);

/* ---- security settings, read once from the worker conf ---- */
typedef struct knet_conf knet_conf;
/** NULL with a one-line errstr naming the key: "sasl.mechanisms: GSSAPI
 *  is not supported by the group membership connection; use PLAIN,
 *  SCRAM-SHA-256 or SCRAM-SHA-512". */
knet_conf *knet_conf_new(const httpsrc_conf *worker,
                         char *errstr,
                         size_t size);
void knet_conf_destroy(knet_conf *c); /* NULL-safe; wipes the password */

/* ---- a connection ---- */
typedef struct kconn kconn;

/* Results of kconn calls besides 0. */
enum { KNET_ERR = -1, KNET_WOKEN = -2, KNET_FATAL = -3 };

/** Connect to @p host:@p port within @p timeout_ms, TLS handshake, SASL,
 *  ApiVersions. Waits end early (KNET_WOKEN) when @p wake_fd becomes
 *  readable. KNET_FATAL: authentication refused or a TLS certificate
 *  rejected (retrying does not help). *@p out is NULL unless 0. */
int kconn_open(const knet_conf *c,
               const char *host,
               int port,
               int wake_fd,
               int timeout_ms,
               kconn **out,
               char *errstr,
               size_t size);
void kconn_close(kconn *k); /* NULL-safe */

/** The version of @p api to send: the highest both sides speak among
 *  @p lo..@p hi (this client's non-flexible range), or -1 with errstr
 *  naming both ranges. */
int kconn_pick(kconn *k,
               int api,
               int lo,
               int hi,
               const char *name,
               char *errstr,
               size_t size);

/** Send request @p api v@p ver with @p body and read its response body
 *  (after the correlation id) into @p resp, within @p timeout_ms. */
int kconn_call(kconn *k,
               int16_t api,
               int16_t ver,
               const strbuf *body,
               strbuf *resp,
               int timeout_ms,
               char *errstr,
               size_t size);

/** Wait on @p fd (-1: none) instead of the wake fd given at open. */
void kconn_set_wake(kconn *k, int fd);

/** "host:port" of the connection, for messages. */
const char *kconn_peer(const kconn *k);

/** The name of Kafka error code @p code ("REBALANCE_IN_PROGRESS"), or
 *  "error N". */
const char *kerr_name(int code);

#endif
