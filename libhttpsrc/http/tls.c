/* tls module: http.ssl.* -> curl options. */
#include "tls_int.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "fileio_int.h"
#include "util_int.h"

struct tls_conf {
        int verify_peer, verify_host;
        char *ca_file;   /* PEM truststore, used as is */
        strbuf ca_pem;   /* PKCS#12 truststore converted to PEM */
        char *cert_file; /* client certificate (PEM or P12) */
        int cert_p12;
        char *key_file; /* PEM private key */
        char *key_pass; /* of the key or the P12 keystore */
};

int tls_detect_type(const unsigned char *d, size_t len)
{
        static const unsigned char jks[4]   = {0xFE, 0xED, 0xFE, 0xED};
        static const unsigned char jceks[4] = {0xCE, 0xCE, 0xCE, 0xCE};
        if (len >= 4 && (!memcmp(d, jks, 4) || !memcmp(d, jceks, 4)))
                return TLS_JKS;
        size_t i = 0;
        while (i < len && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r'))
                i++;
        if (len - i >= 10 && !memcmp(d + i, "-----BEGIN", 10))
                return TLS_PEM;
        return TLS_PKCS12; /* DER: the PKCS#12 parser has the last word */
}

static int read_file(
    const char *key, const char *path, strbuf *out, char *errstr, size_t size)
{
        int err;
        int rc = fileio_read(path, 0, out, &err);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, size, "%s: out of memory", key);
        else if (rc)
                errstr_set(errstr, size, "%s: %s: %s", key, path,
                           strerror(err));
        return rc && rc != HTTPSRC_ERR_NOMEM ? HTTPSRC_ERR_IO : rc;
}

static int store_type(const httpsrc_conf *conf,
                      const char *type_key,
                      const char *loc_key,
                      const strbuf *data,
                      char *errstr,
                      size_t size)
{
        const char *t = httpsrc_conf_get(conf, type_key);
        int type =
            t && strcaseeq(t, "PEM")      ? TLS_PEM
            : t && strcaseeq(t, "PKCS12") ? TLS_PKCS12
            : t && strcaseeq(t, "JKS")
                ? TLS_JKS
                : tls_detect_type((const unsigned char *)data->buf, data->len);
        if (type != TLS_JKS)
                return type;
        errstr_set(errstr, size,
                   "%s: %s is a Java KeyStore (JKS), which is not supported; "
                   "convert it to PKCS#12: keytool -importkeystore "
                   "-srckeystore %s -srcstoretype JKS -destkeystore store.p12 "
                   "-deststoretype PKCS12",
                   loc_key, httpsrc_conf_get(conf, loc_key),
                   httpsrc_conf_get(conf, loc_key));
        return -1;
}

static PKCS12 *p12_open(const strbuf *data,
                        const char *pass,
                        EVP_PKEY **pkey,
                        X509 **cert,
                        STACK_OF(X509) * *ca)
{
        const unsigned char *p = (const unsigned char *)data->buf;
        PKCS12 *p12            = d2i_PKCS12(NULL, &p, (long)data->len);
        if (p12 && !PKCS12_parse(p12, pass ? pass : "", pkey, cert, ca)) {
                PKCS12_free(p12);
                p12 = NULL;
        }
        ERR_clear_error();
        return p12;
}

static int pem_append(strbuf *out, X509 *x)
{
        BIO *b = BIO_new(BIO_s_mem());
        char *mem;
        int rc = b && PEM_write_bio_X509(b, x) ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        long n = b ? BIO_get_mem_data(b, &mem) : 0;
        if (!rc && sb_append(out, mem, (size_t)n))
                rc = HTTPSRC_ERR_NOMEM;
        BIO_free(b);
        return rc;
}

/* Every certificate of a PKCS#12 truststore, as a PEM bundle. */
static int p12_to_pem(const strbuf *data, const char *pass, strbuf *out)
{
        EVP_PKEY *pkey     = NULL;
        X509 *cert         = NULL;
        STACK_OF(X509) *ca = NULL;
        PKCS12 *p12        = p12_open(data, pass, &pkey, &cert, &ca);
        if (!p12)
                return HTTPSRC_ERR_PARSE;
        int rc = cert ? pem_append(out, cert) : HTTPSRC_OK;
        for (int i = 0; !rc && ca && i < sk_X509_num(ca); i++)
                rc = pem_append(out, sk_X509_value(ca, i));
        if (!rc && !out->len)
                rc = HTTPSRC_ERR_NOENT;
        EVP_PKEY_free(pkey);
        X509_free(cert);
        sk_X509_pop_free(ca, X509_free);
        PKCS12_free(p12);
        return rc;
}

static int load_truststore(tls_conf *t,
                           const httpsrc_conf *conf,
                           char *errstr,
                           size_t size)
{
        const char *k    = "http.ssl.truststore.location";
        const char *path = httpsrc_conf_get(conf, k);
        if (!path || !*path)
                return HTTPSRC_OK;
        strbuf data = {0};
        int rc      = read_file(k, path, &data, errstr, size);
        int type    = rc ? 0
                         : store_type(conf, "http.ssl.truststore.type", k, &data,
                                      errstr, size);
        if (!rc && type < 0)
                rc = HTTPSRC_ERR_INVAL;
        if (!rc && type == TLS_PEM && !(t->ca_file = xstrdup(path)))
                rc = HTTPSRC_ERR_NOMEM;
        if (!rc && type == TLS_PKCS12) {
                rc = p12_to_pem(
                    &data,
                    httpsrc_conf_get(conf, "http.ssl.truststore.password"),
                    &t->ca_pem);
                if (rc)
                        errstr_set(errstr, size, "%s: %s: %s", k, path,
                                   rc == HTTPSRC_ERR_NOENT
                                       ? "no certificate in the PKCS#12 store"
                                       : "cannot read PKCS#12 (wrong "
                                         "password or not a PKCS#12 file)");
        }
        sb_free(&data);
        return rc;
}

static int
load_keystore(tls_conf *t, const httpsrc_conf *conf, char *errstr, size_t size)
{
        const char *k    = "http.ssl.keystore.location";
        const char *path = httpsrc_conf_get(conf, k);
        if (!path || !*path)
                return HTTPSRC_OK;
        strbuf data = {0};
        int rc      = read_file(k, path, &data, errstr, size);
        int type    = rc ? 0
                         : store_type(conf, "http.ssl.keystore.type", k, &data,
                                      errstr, size);
        if (!rc && type < 0)
                rc = HTTPSRC_ERR_INVAL;
        const char *ksp = httpsrc_conf_get(conf, "http.ssl.keystore.password");
        const char *kp  = httpsrc_conf_get(conf, "http.ssl.key.password");
        if (!rc && type == TLS_PKCS12) {
                /* Check the password now: a clear error beats a TLS
                 * handshake failure at the first poll. */
                EVP_PKEY *pkey     = NULL;
                X509 *cert         = NULL;
                STACK_OF(X509) *ca = NULL;
                PKCS12 *p12        = p12_open(&data, ksp, &pkey, &cert, &ca);
                if (!p12 || !pkey || !cert) {
                        errstr_set(errstr, size,
                                   "%s: %s: cannot read a certificate and "
                                   "key from PKCS#12 (wrong password or not "
                                   "a PKCS#12 keystore)",
                                   k, path);
                        rc = HTTPSRC_ERR_INVAL;
                }
                EVP_PKEY_free(pkey);
                X509_free(cert);
                sk_X509_pop_free(ca, X509_free);
                PKCS12_free(p12);
                t->cert_p12 = 1;
                kp          = ksp;
        }
        if (!rc && type == TLS_PEM) {
                const char *key =
                    httpsrc_conf_get(conf, "http.ssl.key.location");
                t->key_file = xstrdup(key && *key ? key : path);
        }
        t->cert_file = xstrdup(path);
        t->key_pass  = xstrdup(kp);
        sb_free(&data);
        return rc;
}

tls_conf *tls_conf_new(const httpsrc_conf *conf, char *errstr, size_t size)
{
        tls_conf *t = calloc(1, sizeof(*t));
        if (!t) {
                errstr_set(errstr, size, "out of memory");
                return NULL;
        }
        t->verify_peer = conf_get_bool(conf, "http.ssl.verify.certificate", 1);
        t->verify_host = conf_get_bool(conf, "http.ssl.verify.hostname", 1);
        if (conf_get_bool(conf, "http.ssl.enabled", 0) &&
            (load_truststore(t, conf, errstr, size) ||
             load_keystore(t, conf, errstr, size))) {
                tls_conf_destroy(t);
                return NULL;
        }
        return t;
}

void tls_conf_destroy(tls_conf *t)
{
        if (!t)
                return;
        free(t->ca_file);
        sb_free(&t->ca_pem);
        free(t->cert_file);
        free(t->key_file);
        if (t->key_pass) /* do not leave secrets in freed memory */
                memset(t->key_pass, 0, strlen(t->key_pass));
        free(t->key_pass);
        free(t);
}

void tls_apply(const tls_conf *t, CURL *e)
{
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, t->verify_peer ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, t->verify_host ? 2L : 0L);
        if (t->ca_file)
                curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
        if (t->ca_pem.len) {
                struct curl_blob blob = {t->ca_pem.buf, t->ca_pem.len,
                                         CURL_BLOB_NOCOPY};
                curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        }
        if (t->cert_file) {
                curl_easy_setopt(e, CURLOPT_SSLCERT, t->cert_file);
                curl_easy_setopt(e, CURLOPT_SSLCERTTYPE,
                                 t->cert_p12 ? "P12" : "PEM");
        }
        if (t->key_file)
                curl_easy_setopt(e, CURLOPT_SSLKEY, t->key_file);
        if (t->key_pass)
                curl_easy_setopt(e, CURLOPT_KEYPASSWD, t->key_pass);
}
