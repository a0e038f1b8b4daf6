/* netguard module: refuse connections to local/private/listed ranges. */
#include "netguard_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "util_int.h"

typedef struct cidr {
        unsigned char addr[16]; /* IPv4 as IPv4-mapped IPv6 */
        int bits;               /* over the 128-bit form */
} cidr;

typedef struct cidr_list {
        cidr *v;
        size_t n;
} cidr_list;

struct netguard {
        int no_local, no_private, no_class_e;
        cidr_list allow, deny;
};

static void map4(const unsigned char v4[4], unsigned char out[16])
{
        static const unsigned char prefix[12] = {0, 0, 0, 0, 0,    0,
                                                 0, 0, 0, 0, 0xff, 0xff};
        memcpy(out, prefix, 12);
        memcpy(out + 12, v4, 4);
}

static int parse_cidr(const char *s, cidr *out)
{
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", s);
        char *slash = strchr(buf, '/');
        if (slash)
                *slash = '\0';
        unsigned char v4[4];
        int is4 = inet_pton(AF_INET, buf, v4) == 1;
        if (is4)
                map4(v4, out->addr);
        else if (inet_pton(AF_INET6, buf, out->addr) != 1)
                return -1;
        int max = is4 ? 32 : 128, bits = max;
        if (slash) {
                char *end;
                long b = strtol(slash + 1, &end, 10);
                if (end == slash + 1 || *end || b < 0 || b > max)
                        return -1;
                bits = (int)b;
        }
        out->bits = bits + (is4 ? 96 : 0);
        return 0;
}

static int in_cidr(const unsigned char a[16], const cidr *c)
{
        int full = c->bits / 8, rest = c->bits % 8;
        if (memcmp(a, c->addr, (size_t)full) != 0)
                return 0;
        if (!rest)
                return 1;
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        return (a[full] & mask) == (c->addr[full] & mask);
}

static int in_list(const unsigned char a[16], const cidr_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                if (in_cidr(a, &l->v[i]))
                        return 1;
        return 0;
}

static int parse_list(const httpsrc_conf *conf,
                      const char *key,
                      cidr_list *l,
                      char *errstr,
                      size_t size)
{
        const char *v = httpsrc_conf_get(conf, key);
        char *copy = xstrdup(v ? v : ""), *save = NULL;
        int rc = copy ? HTTPSRC_OK : HTTPSRC_ERR_NOMEM;
        for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !rc;
             t       = strtok_r(NULL, ",", &save)) {
                if (!*(t = strtrim(t)))
                        continue;
                cidr *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
                if (!nv) {
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
                l->v = nv;
                if (parse_cidr(t, &l->v[l->n])) {
                        errstr_set(errstr, size, "%s: '%s' is not a CIDR range",
                                   key, t);
                        rc = HTTPSRC_ERR_INVAL;
                        break;
                }
                l->n++;
        }
        free(copy);
        /* NULL with an empty errstr means "no rule": never for a failure */
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, size, "%s: out of memory", key);
        return rc;
}

netguard *netguard_new(const httpsrc_conf *conf, char *errstr, size_t size)
{
        errstr_set(errstr, size, "%s", "");
        netguard *g = calloc(1, sizeof(*g));
        if (!g) {
                errstr_set(errstr, size, "out of memory");
                return NULL;
        }
        g->no_local = conf_get_bool(conf, "connection.disallow.local.ips", 0);
        g->no_private =
            conf_get_bool(conf, "connection.disallow.private.ips", 0);
        g->no_class_e =
            conf_get_bool(conf, "connection.disallow.class.e.ips", 0);
        if (parse_list(conf, "connection.allow.cidr.ranges", &g->allow, errstr,
                       size) ||
            parse_list(conf, "connection.disallow.cidr.ranges", &g->deny,
                       errstr, size) ||
            (!g->no_local && !g->no_private && !g->no_class_e && !g->allow.n &&
             !g->deny.n)) {
                netguard_destroy(g);
                return NULL;
        }
        return g;
}

void netguard_destroy(netguard *g)
{
        if (!g)
                return;
        free(g->allow.v);
        free(g->deny.v);
        free(g);
}

static int in_any(const unsigned char a[16], const char *const *ranges)
{
        for (; *ranges; ranges++) {
                cidr c;
                if (parse_cidr(*ranges, &c) == 0 && in_cidr(a, &c))
                        return 1;
        }
        return 0;
}

int netguard_check(const netguard *g,
                   const struct sockaddr *sa,
                   char *why,
                   size_t size)
{
        static const char *const local[] = {
            "127.0.0.0/8", "0.0.0.0/8", "169.254.0.0/16", "::1/128", "::/128",
            "fe80::/10",   NULL};
        static const char *const private_[] = {
            "10.0.0.0/8",    "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "fc00::/7",      NULL};
        static const char *const class_e[] = {"240.0.0.0/4", NULL};
        unsigned char a[16];
        char text[INET6_ADDRSTRLEN] = "?";
        if (sa->sa_family == AF_INET) {
                const struct sockaddr_in *s4 = (const void *)sa;
                map4((const unsigned char *)&s4->sin_addr, a);
                inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
        } else if (sa->sa_family == AF_INET6) {
                const struct sockaddr_in6 *s6 = (const void *)sa;
                memcpy(a, &s6->sin6_addr, 16);
                inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
        } else {
                errstr_set(why, size, "not an IP address");
                return -1;
        }
        const char *rule = NULL;
        if (g->no_local && in_any(a, local))
                rule = "is a local address (connection.disallow.local.ips)";
        else if (g->no_private && in_any(a, private_))
                rule = "is a private address "
                       "(connection.disallow.private.ips)";
        else if (g->no_class_e && in_any(a, class_e))
                rule = "is a class E address "
                       "(connection.disallow.class.e.ips)";
        else if (in_list(a, &g->deny))
                rule = "is in connection.disallow.cidr.ranges";
        else if (g->allow.n && !in_list(a, &g->allow))
                rule = "is not in connection.allow.cidr.ranges";
        if (!rule)
                return 0;
        errstr_set(why, size, "connection to %s refused: %s %s", text, text,
                   rule);
        return -1;
}

int netguard_check_ip(const netguard *g, const char *ip, char *why, size_t size)
{
        struct sockaddr_storage ss;
        struct sockaddr_in *s4   = (void *)&ss;
        struct sockaddr_in6 *s6  = (void *)&ss;
        char text[INET6_ADDRSTRLEN + 1];
        memset(&ss, 0, sizeof(ss));
        /* an IPv6 zone ("fe80::1%eth0") is not part of the address */
        snprintf(text, sizeof(text), "%.*s", (int)strcspn(ip ? ip : "", "%"),
                 ip ? ip : "");
        if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
                s4->sin_family = AF_INET;
        } else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
                s6->sin6_family = AF_INET6;
        } else {
                errstr_set(why, size, "connection to '%s' refused: not an IP "
                           "address", text);
                return -1;
        }
        return netguard_check(g, (const struct sockaddr *)&ss, why, size);
}
