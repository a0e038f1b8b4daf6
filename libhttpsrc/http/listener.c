/* listener: the `listeners` key's "http[s]://host:port" items. */
#include "listener_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "httpsrc/httpsrc.h"
#include "util_int.h"

/* Why @p item (after its scheme, @p s; NULL without one) is not
 * "http[s]://host:port", or NULL if it is; @p why holds the text. */
static const char *listener_problem(const char *item,
                                    const char *s,
                                    const char *colon,
                                    char *why,
                                    size_t size)
{
        if (!s) {
                snprintf(why, size,
                         "it must start with http:// or https:// (e.g. "
                         "http://%s)",
                         strstr(item, "://") ? "127.0.0.1:8083" : item);
                return why;
        }
        if (!colon || !colon[1]) {
                snprintf(why, size, "no port (expected %s://host:port)",
                         s - item == 8 ? "https" : "http");
                return why;
        }
        char *end = NULL;
        long port = strtol(colon + 1, &end, 10);
        if (*end || colon[1] == '-' || colon[1] == '+')
                snprintf(why, size, "port '%s' is not a number", colon + 1);
        else if (port > 65535)
                snprintf(why, size, "port %s is out of range 0-65535",
                         colon + 1);
        else
                return NULL;
        return why;
}

int listener_parse(const char *item,
                   listener_spec *l,
                   char *errstr,
                   size_t errstr_size)
{
        const char *s = item;
        memset(l, 0, sizeof(*l));
        if (!strncasecmp(s, "https://", 8)) {
                l->tls = 1;
                s += 8;
        } else if (!strncasecmp(s, "http://", 7)) {
                s += 7;
        } else {
                s = NULL;
        }
        const char *colon = s ? strrchr(s, ':') : NULL;
        const char *host = s, *host_end = colon;
        if (s && *s == '[') { /* [v6]:port */
                host_end = strchr(s, ']');
                host     = s + 1;
                if (!host_end || host_end[1] != ':')
                        colon = NULL;
        }
        char why[128];
        const char *problem =
            listener_problem(item, s, colon, why, sizeof(why));
        if (!problem && (size_t)(host_end - host) >= sizeof(l->host))
                problem = "host name too long";
        if (problem) {
                errstr_set(errstr, errstr_size,
                           "listeners: invalid listener '%s': %s", item,
                           problem);
                return HTTPSRC_ERR_INVAL;
        }
        memcpy(l->host, host, (size_t)(host_end - host));
        snprintf(l->port, sizeof(l->port), "%ld", strtol(colon + 1, NULL, 10));
        return HTTPSRC_OK;
}

int listeners_check(const char *list, char *errstr, size_t errstr_size)
{
        char *copy = xstrdup(list ? list : ""), *save = NULL;
        int rc     = copy ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        for (char *it = copy ? strtok_r(copy, ",", &save) : NULL; it && !rc;
             it       = strtok_r(NULL, ",", &save)) {
                listener_spec l;
                if (*strtrim(it))
                        rc = listener_parse(it, &l, errstr, errstr_size);
        }
        free(copy);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "out of memory");
        return rc;
}

/* Connect's RestServer.advertisedUrl(): the scheme of
 * rest.advertised.listener, else of the first listener; host and port of
 * rest.advertised.host.name/.port, else of the first listener of that
 * scheme. The trailing '/' is Jetty's Server.getURI() form. */
int listener_advertised_url(const httpsrc_conf *w, char *buf, size_t size)
{
        const char *scheme = conf_get_set(w, "rest.advertised.listener");
        const char *host   = conf_get_set(w, "rest.advertised.host.name");
        const char *port   = conf_get_set(w, "rest.advertised.port");
        char *copy = xstrdup(httpsrc_conf_get(w, "listeners")), *save = NULL;
        listener_spec l, found = {0};
        int have = 0;
        for (char *it = copy ? strtok_r(copy, ",", &save) : NULL;
             it && !have; it = strtok_r(NULL, ",", &save)) {
                if (!*strtrim(it) || listener_parse(it, &l, NULL, 0))
                        continue;
                if (!scheme || !strcasecmp(scheme, l.tls ? "https" : "http")) {
                        found = l;
                        have  = 1;
                }
        }
        free(copy);
        if (!scheme)
                scheme = have && found.tls ? "https" : "http";
        if (!host)
                host = have && *found.host ? found.host : "localhost";
        if (!port)
                port = have ? found.port : "8083";
        int v6 = strchr(host, ':') != NULL;
        int n  = snprintf(buf, size, "%s://%s%s%s:%s/", scheme, v6 ? "[" : "",
                          host, v6 ? "]" : "", port);
        return n > 0 && (size_t)n < size ? HTTPSRC_OK : HTTPSRC_ERR_LIMIT;
}
