/* tls module: a connector's http.ssl.* settings turned into curl options.
 * PEM and PKCS#12 stores work; a JKS store gets an error saying how to
 * convert it. Verification of the certificate and the host name is on
 * unless turned off explicitly. */
#ifndef HTTPSRC_TLS_INT_H
#define HTTPSRC_TLS_INT_H

#include <curl/curl.h>
#include <stddef.h>

#include "httpsrc/httpsrc.h"

typedef struct tls_conf tls_conf;

/** Read and check the stores named by @p conf's http.ssl.* keys (values
 *  already resolved). errstr names the key and the reason, never a
 *  password: "http.ssl.truststore.location: /x.p12: cannot read PKCS#12
 *  (wrong password or not a PKCS#12 file)". */
tls_conf *tls_conf_new(const httpsrc_conf *conf, char *errstr, size_t size);
void tls_conf_destroy(tls_conf *t); /* NULL-safe */

/** Set the TLS options of @p easy. */
void tls_apply(const tls_conf *t, CURL *easy);

/** Store formats, detected from the file when not configured. */
enum { TLS_PEM = 1, TLS_PKCS12 = 2, TLS_JKS = 3 };
int tls_detect_type(const unsigned char *data, size_t len);

#endif
