/* listener module: the syntax of the worker's `listeners` key, one
 * "http[s]://host:port" item per comma, and the URL this worker is
 * advertised at. The runtime checks the syntax before any connector is
 * added; the REST server binds what it parses; the distributed herder
 * advertises the URL. Pure parsing: no socket, no thread, any thread. */
#ifndef HTTPSRC_LISTENER_INT_H
#define HTTPSRC_LISTENER_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"

/* One "http[s]://host:port" item. */
typedef struct listener_spec {
        int tls;
        char host[256]; /* "" for all interfaces; brackets of [v6] removed */
        char port[8];
} listener_spec;

/** Parse one trimmed, non-empty @p item into @p l: HTTPSRC_OK, or
 *  HTTPSRC_ERR_INVAL with "listeners: invalid listener '<item>': <reason>". */
int listener_parse(const char *item,
                   listener_spec *l,
                   char *errstr,
                   size_t errstr_size);

/** Check the syntax of a whole `listeners` value (NULL: empty) before
 *  anything starts: HTTPSRC_OK, or the first item's listener_parse()
 *  error (HTTPSRC_ERR_NOMEM: "out of memory"). */
int listeners_check(const char *list, char *errstr, size_t errstr_size);

/** The URL the other workers of a Connect cluster reach this one's REST
 *  API at ("http://host:port/"), from rest.advertised.* and `listeners`
 *  of worker conf @p w as Connect's RestServer.advertisedUrl() computes
 *  it, into @p buf of @p size bytes. HTTPSRC_OK, or HTTPSRC_ERR_LIMIT if
 *  @p size is too small. Any thread. */
int listener_advertised_url(const httpsrc_conf *w, char *buf, size_t size);

#endif
