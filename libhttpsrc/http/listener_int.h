/* listener module: the syntax of the worker's `listeners` key, one
 * "http[s]://host:port" item per comma. The runtime checks it before any
 * connector is added; the REST server binds what it parses. Pure parsing:
 * no socket, no thread, callable from anywhere. */
#ifndef HTTPSRC_LISTENER_INT_H
#define HTTPSRC_LISTENER_INT_H

#include <stddef.h>

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

#endif
