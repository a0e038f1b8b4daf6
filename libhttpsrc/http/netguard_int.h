/* netguard module: the SSRF guard. Every address curl is about to connect
 * to (after DNS, for every redirect too), and the address of every
 * connection a request is sent on (a pooled one another connector opened
 * included), is checked against
 * connection.disallow.local.ips, connection.disallow.private.ips,
 * connection.disallow.class.e.ips and the CIDR allow/deny lists. */
#ifndef HTTPSRC_NETGUARD_INT_H
#define HTTPSRC_NETGUARD_INT_H

#include <stddef.h>
#include <sys/socket.h>

#include "httpsrc/httpsrc.h"

typedef struct netguard netguard;

/** NULL with *errstr == '\0' when no rule is configured (no guard needed);
 *  NULL with errstr set on a bad CIDR: "connection.allow.cidr.ranges:
 *  '10.0.0.0/33' is not a CIDR range". */
netguard *netguard_new(const httpsrc_conf *conf, char *errstr, size_t size);
void netguard_destroy(netguard *g); /* NULL-safe */

/** 0 if @p sa may be connected to; else -1 with @p why, e.g.
 *  "127.0.0.1 is a local address (connection.disallow.local.ips)". */
int netguard_check(const netguard *g,
                   const struct sockaddr *sa,
                   char *why,
                   size_t size);

/** netguard_check for the numeric address @p ip ("127.0.0.1", "::1"), as
 *  curl reports the address of a connection it reuses. Anything that does
 *  not parse is refused. */
int netguard_check_ip(const netguard *g,
                      const char *ip,
                      char *why,
                      size_t size);

#endif
