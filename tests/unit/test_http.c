/* Unit tests: the origin of a URL (http.c, what credentials are kept to),
 * the SSRF guard's judgement of a connection's numeric address
 * (netguard.c, as curl reports a pooled connection's), and the host's
 * resp_query_type over a response (paginators ask it on every page). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "conf_int.h"
#include "http_int.h"
#include "jsonpath_int.h"
#include "netguard_int.h"
#include "task_int.h"

static void want_origin(const char *url, const char *want)
{
        strbuf sb = {0};
        int rc    = http_url_origin(url, &sb);
        if (rc)
                fail_msg("%s: rc %d", url, rc);
        assert_string_equal(sb.buf, want);
        sb_free(&sb);
}

static void test_url_origin(void **state)
{
        (void)state;
        /* one origin, however it is written */
        want_origin("http://api.example.com/a?b=c", "http://api.example.com:80");
        want_origin("HTTP://API.Example.COM:80/x", "http://api.example.com:80");
        want_origin("https://h/", "https://h:443");
        want_origin("https://h:8443", "https://h:8443");
        want_origin("http://user:pw@h:81/p#f", "http://h:81");
        want_origin("http://[::1]:9/", "http://[::1]:9");
        /* scheme and port tell origins apart */
        want_origin("http://127.0.0.1:8080/", "http://127.0.0.1:8080");
        strbuf sb = {0};
        assert_int_equal(http_url_origin("/relative/path", &sb),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(http_url_origin(NULL, &sb), HTTPSRC_ERR_INVAL);
        sb_free(&sb);
}

static netguard *guard_of(const char *key, const char *value)
{
        char err[256];
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        assert_non_null(conf);
        assert_int_equal(httpsrc_conf_set(conf, key, value, err, sizeof(err)),
                         HTTPSRC_CONF_OK);
        netguard *g = netguard_new(conf, err, sizeof(err));
        httpsrc_conf_destroy(conf);
        assert_non_null(g);
        return g;
}

static void want_refused(const netguard *g, const char *ip, const char *want)
{
        char why[256] = "";
        assert_int_equal(netguard_check_ip(g, ip, why, sizeof(why)), -1);
        assert_string_equal(why, want);
}

static void test_check_ip(void **state)
{
        (void)state;
        char why[256];
        netguard *g = guard_of("connection.disallow.local.ips", "true");
        want_refused(g, "127.0.0.1",
                     "connection to 127.0.0.1 refused: 127.0.0.1 is a local "
                     "address (connection.disallow.local.ips)");
        want_refused(g, "::1",
                     "connection to ::1 refused: ::1 is a local address "
                     "(connection.disallow.local.ips)");
        /* an IPv4-mapped IPv6 address is the IPv4 one */
        want_refused(g, "::ffff:127.0.0.2",
                     "connection to ::ffff:127.0.0.2 refused: "
                     "::ffff:127.0.0.2 is a local address "
                     "(connection.disallow.local.ips)");
        /* a zone is not part of the address */
        want_refused(g, "fe80::1%eth0",
                     "connection to fe80::1 refused: fe80::1 is a local "
                     "address (connection.disallow.local.ips)");
        /* what does not parse is refused, never let through */
        want_refused(g, "", "connection to '' refused: not an IP address");
        want_refused(g, NULL, "connection to '' refused: not an IP address");
        assert_int_equal(netguard_check_ip(g, "93.184.216.34", why,
                                           sizeof(why)),
                         0);
        netguard_destroy(g);
        g = guard_of("connection.disallow.cidr.ranges", "127.0.0.1/32");
        want_refused(g, "127.0.0.1",
                     "connection to 127.0.0.1 refused: 127.0.0.1 is in "
                     "connection.disallow.cidr.ranges");
        assert_int_equal(netguard_check_ip(g, "127.0.0.2", why, sizeof(why)),
                         0);
        netguard_destroy(g);
}

static int no_span(void *opaque, const char *start, size_t len)
{
        (void)opaque;
        (void)start;
        (void)len;
        return 0;
}

/* The type at @p path of @p body: through the tree (a response not
 * selected from) and, on a second response, through the root index a
 * selection leaves (the paginators' fast path; no tree is built before
 * it answers); both must give @p want. */
static void want_type(const char *body, const char *path, int want)
{
        const struct httpsrc_host_api *h = host_api_table();
        size_t len                       = strlen(body);
        httpsrc_response *t = http_response_new(200, body, len, NULL);
        httpsrc_response *r = http_response_new(200, body, len, NULL);
        assert_non_null(t);
        assert_non_null(r);
        jsonpath *sel = jsonpath_compile("$.data[*]", NULL, 0);
        int sel_rc    = jsonpath_select_spans_indexed(
            sel, body, len, 0, no_span, NULL, http_response_root_index(r),
            NULL, NULL, 0);
        int raw  = h->resp_query_type(r, path);
        int tree = h->resp_query_type(t, path);
        if (tree != want || raw != want)
                fail_msg("%s in %s: tree %d, indexed %d (selection %d), "
                         "want %d",
                         path, body, tree, raw, sel_rc, want);
        jsonpath_destroy(sel);
        http_response_destroy(t);
        http_response_destroy(r);
}

static void test_resp_query_type(void **state)
{
        (void)state;
        const char *b = "{\"data\":[{\"id\":1}],\"s\":\"x\\/y\",\"n\":-2,"
                        "\"t\":true,\"f\":false,\"z\":null,\"a\":[1,{\"k\":"
                        "\"v\"}],\"o\":{\"href\":\"/2\"},\"s\":7}";
        want_type(b, "$.n", HTTPSRC_JSON_NUMBER);
        want_type(b, "$.t", HTTPSRC_JSON_BOOL);
        want_type(b, "$.f", HTTPSRC_JSON_BOOL);
        want_type(b, "$.z", HTTPSRC_JSON_NULL);
        want_type(b, "$.a", HTTPSRC_JSON_ARRAY);
        want_type(b, "$.o", HTTPSRC_JSON_OBJECT);
        want_type(b, "$.o.href", HTTPSRC_JSON_STRING);
        want_type(b, "$.a[1].k", HTTPSRC_JSON_STRING);
        want_type(b, "$.a[0]", HTTPSRC_JSON_NUMBER);
        /* a duplicate: the first one, as jsonpath_first() on the tree */
        want_type(b, "$.s", HTTPSRC_JSON_STRING);
        want_type(b, "$.next", HTTPSRC_ERR_NOENT);
        want_type(b, "$.o.next", HTTPSRC_ERR_NOENT);
        want_type(b, "$.a[5]", HTTPSRC_ERR_NOENT);
        want_type(b, "$.data[*].id", HTTPSRC_JSON_NUMBER);
        want_type("{\"data\":[]}", "$.next", HTTPSRC_ERR_NOENT);
        want_type("[1,2]", "$.next", HTTPSRC_ERR_NOENT);
        want_type("not json", "$.next", HTTPSRC_ERR_PARSE);
        want_type("{\"next\":1", "$.next", HTTPSRC_ERR_PARSE);
        want_type(b, "$..[", HTTPSRC_ERR_INVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_url_origin),
            cmocka_unit_test(test_check_ip),
            cmocka_unit_test(test_resp_query_type),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
