/* The built-in paginators OFFSET, PAGE_NUMBER, LINK_HEADER and NEXT_URL,
 * loaded through the loader and driven through the fake host: the exact
 * requests they produce, the page keys they return, when they stop, their
 * errors and their declared keys. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"

#define API "http://api.test/v1/items"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static const httpsrc_paginator_ops *ops(const instance *in)
{
        return &in->c->ops.paginator;
}

/* In place: the plugin keeps a pointer to the instance's ctx. */
static void pag_new(instance *in,
                    const char *file,
                    const char *name,
                    const char *const *conf)
{
        assert_int_equal(
            instance_new(in, file, HTTPSRC_KIND_PAGINATOR, name, conf),
            HTTPSRC_OK);
}

/* The URL start() makes of a request for @p url for page @p key. */
static char *start_url(instance *in, const char *url, const char *key)
{
        static char buf[1024];
        httpsrc_request *req = fake_req(url);

        assert_int_equal(ops(in)->start(in->state, key, req), HTTPSRC_OK);
        snprintf(buf, sizeof(buf), "%s", http_request_url(req));
        http_request_destroy(req);
        return buf;
}

/* next() after page @p key of @p n records answered @p resp. The key it
 * returns is kept in @p out (freed on the next call). */
static int next_with(instance *in,
                     const char *key,
                     const httpsrc_response *resp,
                     size_t n,
                     char **out)
{
        free(*out);
        *out   = NULL;
        int rc = ops(in)->next(in->state, key, resp, n, out);
        if (rc != HTTPSRC_OK)
                assert_null(*out);
        else
                assert_non_null(*out);
        return rc;
}

/* next() for a page that answered a plain 200. */
static int next_n(instance *in, const char *key, size_t n, char **out)
{
        httpsrc_response resp = fake_resp(200, API, "[]");
        int rc                = next_with(in, key, &resp, n, out);
        fake_resp_free(&resp);
        return rc;
}

static void check_param(const httpsrc_param_desc *p,
                        const char *name,
                        int type,
                        const char *def,
                        int64_t min,
                        int64_t max)
{
        assert_string_equal(p->name, name);
        assert_int_equal(p->type, type);
        assert_int_equal(p->flags, 0);
        if (def)
                assert_string_equal(p->default_value, def);
        else
                assert_null(p->default_value);
        assert_int_equal(p->min, min);
        assert_int_equal(p->max, max);
        assert_string_equal(p->group, "pagination");
        assert_non_null(p->doc);
}

/* create() fails with exactly @p err. */
static void expect_create_error(const char *file,
                                const char *name,
                                const char *const *conf,
                                int code,
                                const char *err)
{
        instance in;
        assert_int_equal(
            instance_new(&in, file, HTTPSRC_KIND_PAGINATOR, name, conf), code);
        assert_string_equal(in.ctx.err, err);
        instance_free(&in, 0);
}

/* ------------------------------------------------------------------ */
/* OFFSET                                                              */

static void test_offset_defaults(void **state)
{
        instance in;
        pag_new(&in, "paginator_offset", "offset", NULL);
        char *next = NULL;

        assert_string_equal(ops(&in)->offset_field, "offset");
        assert_string_equal(start_url(&in, API, NULL),
                            API "?offset=0&limit=100");
        assert_string_equal(start_url(&in, API, "200"),
                            API "?offset=200&limit=100");
        /* the configured URL's own parameters stay, ours replace theirs */
        assert_string_equal(
            start_url(&in, API "?offset=5&sort=id&limit=7", "300"),
            API "?sort=id&offset=300&limit=100");

        assert_int_equal(next_n(&in, NULL, 100, &next), HTTPSRC_OK);
        assert_string_equal(next, "100");
        assert_int_equal(next_n(&in, "100", 100, &next), HTTPSRC_OK);
        assert_string_equal(next, "200");
        /* a server that ignores the limit: follow what it sent */
        assert_int_equal(next_n(&in, "200", 150, &next), HTTPSRC_OK);
        assert_string_equal(next, "350");
        /* short and empty pages are the last */
        assert_int_equal(next_n(&in, "350", 99, &next), HTTPSRC_DONE);
        assert_int_equal(next_n(&in, "350", 1, &next), HTTPSRC_DONE);
        assert_int_equal(next_n(&in, NULL, 0, &next), HTTPSRC_DONE);
        instance_free(&in, 1);
}

static void test_offset_conf(void **state)
{
        const char *conf[] = {"http.pagination.offset.param",
                              "start",
                              "http.pagination.limit.param",
                              "count",
                              "http.pagination.limit.value",
                              "25",
                              "http.pagination.offset.initial",
                              "10",
                              NULL};
        instance in;
        pag_new(&in, "paginator_offset", "OFFSET", conf);
        char *next = NULL;

        assert_string_equal(start_url(&in, API, NULL),
                            API "?start=10&count=25");
        assert_string_equal(start_url(&in, API, "35"),
                            API "?start=35&count=25");
        assert_int_equal(next_n(&in, NULL, 25, &next), HTTPSRC_OK);
        assert_string_equal(next, "35");
        assert_int_equal(next_n(&in, "35", 25, &next), HTTPSRC_OK);
        assert_string_equal(next, "60");
        assert_int_equal(next_n(&in, "60", 24, &next), HTTPSRC_DONE);
        /* a stored key of 0 is not the initial offset */
        assert_int_equal(next_n(&in, "0", 25, &next), HTTPSRC_OK);
        assert_string_equal(next, "25");
        free(next);
        instance_free(&in, 1);
}

/* Empty parameter names: the offset travels in ${offset} only. */
static void test_offset_no_params(void **state)
{
        const char *conf[] = {"http.pagination.offset.param",
                              "",
                              "http.pagination.limit.param",
                              "",
                              "http.pagination.limit.value",
                              "2",
                              NULL};
        instance in;
        pag_new(&in, "paginator_offset", "OFFSET", conf);
        char *next = NULL;

        assert_string_equal(start_url(&in, API "?q=1", NULL), API "?q=1");
        assert_string_equal(start_url(&in, API, "4"), API);
        assert_int_equal(next_n(&in, "4", 2, &next), HTTPSRC_OK);
        assert_string_equal(next, "6");
        assert_int_equal(next_n(&in, "6", 1, &next), HTTPSRC_DONE);

        /* only the limit sent */
        const char *limit_only[] = {"http.pagination.offset.param", "", NULL};
        instance in2;
        pag_new(&in2, "paginator_offset", "OFFSET", limit_only);
        assert_string_equal(start_url(&in2, API, "4"), API "?limit=100");
        instance_free(&in2, 1);
        instance_free(&in, 1);
}

static void test_offset_errors(void **state)
{
        const char *zero[]  = {"http.pagination.limit.value", "0", NULL};
        const char *word[]  = {"http.pagination.limit.value", "ten", NULL};
        const char *neg[]   = {"http.pagination.offset.initial", "-1", NULL};
        const char *trail[] = {"http.pagination.offset.initial", "5x", NULL};
        instance in;
        pag_new(&in, "paginator_offset", "OFFSET", NULL);
        httpsrc_request *req  = fake_req(API);
        httpsrc_response resp = fake_resp(200, API, "[]");
        char *next            = NULL;

        expect_create_error("paginator_offset", "OFFSET", zero,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.limit.value: '0' is not an "
                            "integer >= 1");
        expect_create_error("paginator_offset", "OFFSET", word,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.limit.value: 'ten' is not an "
                            "integer >= 1");
        expect_create_error("paginator_offset", "OFFSET", neg,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.offset.initial: '-1' is not an "
                            "integer >= 0");
        expect_create_error("paginator_offset", "OFFSET", trail,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.offset.initial: '5x' is not an "
                            "integer >= 0");

        /* a corrupt stored key */
        static const char *const bad_keys[] = {"x1", "-5", " 5", "",
                                               "99999999999999999999"};
        for (size_t i = 0; i < 5; i++) {
                char want[128];
                snprintf(want, sizeof(want),
                         "offset key '%s' is not a non-negative integer",
                         bad_keys[i]);
                in.ctx.err[0] = '\0';
                assert_int_equal(ops(&in)->start(in.state, bad_keys[i], req),
                                 HTTPSRC_ERR_INVAL);
                assert_string_equal(in.ctx.err, want);
                in.ctx.err[0] = '\0';
                assert_int_equal(next_with(&in, bad_keys[i], &resp, 100, &next),
                                 HTTPSRC_ERR_INVAL);
                assert_string_equal(in.ctx.err, want);
        }
        assert_string_equal(http_request_url(req), API);
        assert_int_equal(
            next_with(&in, "9223372036854775807", &resp, 100, &next),
            HTTPSRC_ERR_LIMIT);
        assert_string_equal(in.ctx.err, "offset 9223372036854775807 + 100 "
                                        "records overflows");
        assert_int_equal(
            next_with(&in, "9223372036854775707", &resp, 100, &next),
            HTTPSRC_OK);
        assert_string_equal(next, "9223372036854775807");
        free(next);
        fake_resp_free(&resp);
        http_request_destroy(req);
        instance_free(&in, 1);
}

static void test_offset_params(void **state)
{
        instance in;
        pag_new(&in, "paginator_offset", "OFFSET", NULL);
        const httpsrc_param_desc *p = ops(&in)->params;

        check_param(&p[0], "http.pagination.offset.param", HTTPSRC_PARAM_STRING,
                    "offset", 0, 0);
        check_param(&p[1], "http.pagination.limit.param", HTTPSRC_PARAM_STRING,
                    "limit", 0, 0);
        check_param(&p[2], "http.pagination.limit.value", HTTPSRC_PARAM_INT,
                    "100", 1, INT32_MAX);
        check_param(&p[3], "http.pagination.offset.initial", HTTPSRC_PARAM_INT,
                    "0", 0, INT64_MAX);
        assert_null(p[4].name);
        instance_free(&in, 1);

        /* the declared defaults, as the real host hands them out */
        const char *defaults[] = {"http.pagination.offset.param",
                                  "offset",
                                  "http.pagination.limit.param",
                                  "limit",
                                  "http.pagination.limit.value",
                                  "100",
                                  "http.pagination.offset.initial",
                                  "0",
                                  NULL};
        pag_new(&in, "paginator_offset", "OFFSET", defaults);
        assert_string_equal(start_url(&in, API, NULL),
                            API "?offset=0&limit=100");
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* PAGE_NUMBER                                                         */

static void test_page_defaults(void **state)
{
        instance in;
        pag_new(&in, "paginator_page_number", "page_number", NULL);
        char *next = NULL;

        assert_string_equal(ops(&in)->offset_field, "page");
        assert_string_equal(start_url(&in, API, NULL), API "?page=1");
        assert_string_equal(start_url(&in, API "?page=9&x=y", "7"),
                            API "?x=y&page=7");
        assert_int_equal(next_n(&in, NULL, 10, &next), HTTPSRC_OK);
        assert_string_equal(next, "2");
        assert_int_equal(next_n(&in, "41", 3, &next), HTTPSRC_OK);
        assert_string_equal(next, "42");
        /* page size unknown: only an empty page ends */
        assert_int_equal(next_n(&in, "42", 1, &next), HTTPSRC_OK);
        assert_string_equal(next, "43");
        assert_int_equal(next_n(&in, "43", 0, &next), HTTPSRC_DONE);
        assert_int_equal(next_n(&in, NULL, 0, &next), HTTPSRC_DONE);
        instance_free(&in, 1);
}

static void test_page_size(void **state)
{
        const char *conf[] = {"http.pagination.page.param",
                              "p",
                              "http.pagination.page.start",
                              "0",
                              "http.pagination.page.size.param",
                              "per_page",
                              "http.pagination.page.size",
                              "50",
                              NULL};
        instance in;
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", conf);
        char *next = NULL;

        assert_string_equal(start_url(&in, API, NULL), API "?p=0&per_page=50");
        assert_string_equal(start_url(&in, API, "3"), API "?p=3&per_page=50");
        assert_int_equal(next_n(&in, NULL, 50, &next), HTTPSRC_OK);
        assert_string_equal(next, "1");
        assert_int_equal(next_n(&in, "1", 51, &next), HTTPSRC_OK);
        assert_string_equal(next, "2");
        assert_int_equal(next_n(&in, "2", 49, &next), HTTPSRC_DONE);
        assert_int_equal(next_n(&in, "2", 0, &next), HTTPSRC_DONE);
        instance_free(&in, 1);

        /* a size without a parameter still ends on a short page */
        const char *unsent[] = {"http.pagination.page.size", "20", NULL};
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", unsent);
        assert_string_equal(start_url(&in, API, "2"), API "?page=2");
        assert_int_equal(next_n(&in, "2", 19, &next), HTTPSRC_DONE);
        assert_int_equal(next_n(&in, "2", 20, &next), HTTPSRC_OK);
        assert_string_equal(next, "3");
        instance_free(&in, 1);

        /* a parameter without a size sends nothing */
        const char *no_size[] = {"http.pagination.page.size.param", "size",
                                 "http.pagination.page.size", "0", NULL};
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", no_size);
        assert_string_equal(start_url(&in, API, NULL), API "?page=1");
        instance_free(&in, 1);

        /* no page parameter: ${page} only */
        const char *none[] = {"http.pagination.page.param", "", NULL};
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", none);
        assert_string_equal(start_url(&in, API, "5"), API);
        assert_int_equal(next_n(&in, "5", 1, &next), HTTPSRC_OK);
        assert_string_equal(next, "6");
        free(next);
        instance_free(&in, 1);
}

static void test_page_errors(void **state)
{
        const char *start[] = {"http.pagination.page.start", "x", NULL};
        const char *size[]  = {"http.pagination.page.size", "-5", NULL};
        instance in;
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", NULL);
        httpsrc_request *req  = fake_req(API);
        httpsrc_response resp = fake_resp(200, API, "[]");
        char *next            = NULL;

        expect_create_error("paginator_page_number", "PAGE_NUMBER", start,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.page.start: 'x' is not an "
                            "integer >= 0");
        expect_create_error("paginator_page_number", "PAGE_NUMBER", size,
                            HTTPSRC_ERR_INVAL,
                            "http.pagination.page.size: '-5' is not an "
                            "integer >= 0");
        assert_int_equal(ops(&in)->start(in.state, "4x", req),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "page key '4x' is not a page number");
        in.ctx.err[0] = '\0';
        assert_int_equal(next_with(&in, "-1", &resp, 3, &next),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "page key '-1' is not a page number");
        /* the page after the largest one cannot be numbered */
        assert_int_equal(next_with(&in, "9223372036854775807", &resp, 3, &next),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "page key '9223372036854775807' is "
                                        "not a page number");
        assert_string_equal(http_request_url(req), API);
        fake_resp_free(&resp);
        http_request_destroy(req);
        instance_free(&in, 1);
}

static void test_page_params(void **state)
{
        instance in;
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", NULL);
        const httpsrc_param_desc *p = ops(&in)->params;

        check_param(&p[0], "http.pagination.page.param", HTTPSRC_PARAM_STRING,
                    "page", 0, 0);
        check_param(&p[1], "http.pagination.page.start", HTTPSRC_PARAM_INT, "1",
                    0, INT64_MAX - 1);
        check_param(&p[2], "http.pagination.page.size.param",
                    HTTPSRC_PARAM_STRING, "", 0, 0);
        check_param(&p[3], "http.pagination.page.size", HTTPSRC_PARAM_INT, "0",
                    0, INT32_MAX);
        assert_null(p[4].name);
        instance_free(&in, 1);

        const char *defaults[] = {"http.pagination.page.param",
                                  "page",
                                  "http.pagination.page.start",
                                  "1",
                                  "http.pagination.page.size.param",
                                  "",
                                  "http.pagination.page.size",
                                  "0",
                                  NULL};
        pag_new(&in, "paginator_page_number", "PAGE_NUMBER", defaults);
        assert_string_equal(start_url(&in, API, NULL), API "?page=1");
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* LINK_HEADER                                                         */

/* next() for a page of @p url whose Link header is @p link (NULL: none);
 * returns the next URL, "DONE", or "ERROR: <message>". */
static const char *
link_next(instance *in, const char *key, const char *url, const char *link)
{
        static char buf[1024];
        httpsrc_response resp = fake_resp(200, url, "[1]");
        char *next            = NULL;

        if (link)
                fake_resp_header(&resp, "Link", link);
        in->ctx.err[0] = '\0';
        int rc         = next_with(in, key, &resp, 1, &next);
        if (rc == HTTPSRC_OK)
                snprintf(buf, sizeof(buf), "%s", next);
        else if (rc == HTTPSRC_DONE)
                snprintf(buf, sizeof(buf), "DONE");
        else
                snprintf(buf, sizeof(buf), "ERROR: %s", in->ctx.err);
        free(next);
        fake_resp_free(&resp);
        return buf;
}

#define GH "https://api.github.com/repositories/1/issues"

static void test_link_basic(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "link_header", NULL);

        assert_string_equal(ops(&in)->offset_field, "url");
        assert_null(ops(&in)->params);
        /* GitHub's shape */
        assert_string_equal(link_next(&in, NULL, GH,
                                      "<" GH "?page=2>; rel=\"next\", <" GH
                                      "?page=5>; rel=\"last\""),
                            GH "?page=2");
        /* next not first */
        assert_string_equal(link_next(&in, GH "?page=2", GH "?page=2",
                                      "<" GH "?page=1>; rel=\"prev\", <" GH
                                      "?page=3>; rel=\"next\", <" GH
                                      "?page=1>; rel=\"first\""),
                            GH "?page=3");
        /* start: the first page is the configured URL, later ones the key */
        assert_string_equal(start_url(&in, API "?per_page=5", NULL),
                            API "?per_page=5");
        assert_string_equal(start_url(&in, API "?per_page=5", GH "?page=3"),
                            GH "?page=3");
        instance_free(&in, 1);
}

static void test_link_rel_forms(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        static const struct {
                const char *link;
                const char *next;
        } cases[] = {
            /* unquoted, no blanks, upper case value and name */
            {"<https://x.test/2>;rel=next", "https://x.test/2"},
            {"<https://x.test/2>; REL=NEXT", "https://x.test/2"},
            {"<https://x.test/2>; Rel=\"Next\"", "https://x.test/2"},
            /* quoted lists of relation types */
            {"<https://x.test/9>; rel=\"last next\"", "https://x.test/9"},
            {"<https://x.test/9>; rel=\"next last\"", "https://x.test/9"},
            {"<https://x.test/9>; rel=\" prev  next\tlast \"",
             "https://x.test/9"},
            /* blanks everywhere they may be */
            {"  <https://x.test/3>  ;  rel = \"next\"  ,", "https://x.test/3"},
            {"<https://x.test/3>\t;\trel=next", "https://x.test/3"},
            /* only the first rel counts (RFC 8288 3.3) */
            {"<https://x.test/1>; rel=prev; rel=next, <https://x.test/2>; "
             "rel=next",
             "https://x.test/2"},
            /* other parameters, with quoted ',' ';' and escapes */
            {"<https://x.test/1>; title=\"a, b; rel=next\"; rel=\"prev\", "
             "<https://x.test/2>; rel=\"next\"",
             "https://x.test/2"},
            {"<https://x.test/1>; title=\"say \\\"hi\\\", rel=next\"; "
             "rel=prev, <https://x.test/2>; type=\"text/html\"; rel=next",
             "https://x.test/2"},
            {"<https://x.test/2>; title*=UTF-8'de'n%c3%a4chste; rel=next",
             "https://x.test/2"},
            /* commas (and ';') inside the target */
            {"<https://x.test/items?ids=1,2,3&page=2>; rel=\"next\"",
             "https://x.test/items?ids=1,2,3&page=2"},
            {"<https://x.test/a;b,c>; rel=\"prev\", <https://x.test/d,e;f>; "
             "rel=\"next\"",
             "https://x.test/d,e;f"},
            /* a malformed link-value before a good one is skipped */
            {"junk; rel=next, <https://x.test/5>; rel=next",
             "https://x.test/5"},
            {"<https://x.test/5>; rel=next garbage, <https://x.test/6>",
             "https://x.test/5"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *got =
                    link_next(&in, NULL, "https://x.test/1", cases[i].link);
                if (strcmp(got, cases[i].next))
                        fail_msg("Link: %s\ngot:  %s\nwant: %s", cases[i].link,
                                 got, cases[i].next);
        }
        instance_free(&in, 1);
}

static void test_link_no_next(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        static const char *const links[] = {
            "",
            " , ,",
            "<https://x.test/1>; rel=\"prev\"",
            "<https://x.test/1>; rel=\"first\", <https://x.test/9>; "
            "rel=\"last\"",
            "<https://x.test/2>; rel=\"next-page\"",
            "<https://x.test/2>; rel=\"nextpage prev\"",
            "<https://x.test/2>; rel=\"https://example.com/rels/next\"",
            "<https://x.test/2>; rev=next",
            "<https://x.test/2>; rel*=next",
            "<https://x.test/2>; title=\"rel=next\"",
            "<https://x.test/2>; rel",
            "<https://x.test/2>; rel=",
            "https://x.test/2; rel=next",
            "<https://x.test/2; rel=next",
        };

        assert_string_equal(link_next(&in, NULL, "https://x.test/1", NULL),
                            "DONE");
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                const char *got =
                    link_next(&in, NULL, "https://x.test/1", links[i]);
                if (strcmp(got, "DONE"))
                        fail_msg("Link: %s\ngot: %s", links[i], got);
        }
        instance_free(&in, 1);
}

static void test_link_relative(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        const char *base = "https://api.test/v1/items?page=1";

        assert_string_equal(
            link_next(&in, NULL, base, "</v1/items?page=2>; rel=\"next\""),
            "https://api.test/v1/items?page=2");
        assert_string_equal(
            link_next(&in, NULL, base, "<items?page=2>; rel=\"next\""),
            "https://api.test/v1/items?page=2");
        assert_string_equal(link_next(&in, NULL, base, "<?page=2>; rel=next"),
                            "https://api.test/v1/items?page=2");
        assert_string_equal(
            link_next(&in, NULL, base, "<../v2/items?page=2>; rel=next"),
            "https://api.test/v2/items?page=2");
        assert_string_equal(
            link_next(&in, NULL, base, "<//cdn.test/p2>; rel=next"),
            "https://cdn.test/p2");
        /* the base is where the response came from (after redirects), not
         * the page key */
        assert_string_equal(link_next(&in, "https://old.test/x?page=1",
                                      "https://new.test/y/z?page=1",
                                      "<w?page=2>; rel=next"),
                            "https://new.test/y/w?page=2");
        /* no response URL: the page key is the base */
        assert_string_equal(link_next(&in, "https://old.test/x/p?page=1", NULL,
                                      "<q?page=2>; rel=next"),
                            "https://old.test/x/q?page=2");
        assert_string_equal(link_next(&in, NULL, NULL, "<q?page=2>; rel=next"),
                            "ERROR: Link rel=\"next\" URL 'q?page=2' cannot "
                            "be resolved against '(no URL)'");
        assert_string_equal(
            link_next(&in, NULL, base, "<http://[::1>; rel=next"),
            "ERROR: Link rel=\"next\" URL 'http://[::1' "
            "cannot be resolved against "
            "'https://api.test/v1/items?page=1'");
        instance_free(&in, 1);
}

static void test_link_loop(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        const char *page = "https://api.test/items?page=2";

        fake_log_reset();
        assert_string_equal(
            link_next(&in, page, page, "<?page=2>; rel=\"next\""), "DONE");
        assert_int_equal(logged.n, 1);
        assert_int_equal(logged.level, HTTPSRC_LOG_WARN);
        assert_string_equal(logged.msg,
                            "Link rel=\"next\" points at the current page "
                            "('https://api.test/items?page=2'); stopping "
                            "pagination");
        /* the first page, known only by the response URL */
        assert_string_equal(link_next(&in, NULL, page,
                                      "<"
                                      "https://api.test/items?page=2"
                                      ">; "
                                      "rel=next"),
                            "DONE");
        assert_int_equal(logged.n, 2);
        /* a different page is fine */
        assert_string_equal(
            link_next(&in, page, page, "<?page=3>; rel=\"next\""),
            "https://api.test/items?page=3");
        assert_int_equal(logged.n, 2);
        instance_free(&in, 1);
}

/* The fake host, like the real one, shows a plugin the first Link field
 * line only; RFC 9110 5.3 makes several lines equal to one comma-joined
 * line, which is what a host that combines them passes on. */
static void test_link_several_headers(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        httpsrc_response resp = fake_resp(200, "https://x.test/1", "[]");
        char *next            = NULL;

        fake_resp_header(&resp, "Link", "<https://x.test/0>; rel=\"prev\"");
        fake_resp_header(&resp, "link", "<https://x.test/2>; rel=\"next\"");
        assert_int_equal(next_with(&in, NULL, &resp, 1, &next), HTTPSRC_DONE);
        fake_resp_free(&resp);
        assert_string_equal(link_next(&in, NULL, "https://x.test/1",
                                      "<https://x.test/0>; rel=\"prev\", "
                                      "<https://x.test/2>; rel=\"next\""),
                            "https://x.test/2");
        instance_free(&in, 1);
}

static void test_link_bad_key(void **state)
{
        instance in;
        pag_new(&in, "paginator_link_header", "LINK_HEADER", NULL);
        httpsrc_request *req = fake_req(API);

        assert_int_equal(ops(&in)->start(in.state, "http://[::1", req),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err,
                            "page key 'http://[::1' is not a valid URL");
        assert_string_equal(http_request_url(req), API);
        http_request_destroy(req);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* NEXT_URL                                                            */

/* next() for a page of @p url with body @p body: the next URL, "DONE" or
 * "ERROR: <message>". */
static const char *
next_url_next(instance *in, const char *key, const char *url, const char *body)
{
        static char buf[1024];
        httpsrc_response resp = fake_resp(200, url, body);
        char *next            = NULL;

        in->ctx.err[0] = '\0';
        int rc         = next_with(in, key, &resp, 1, &next);
        if (rc == HTTPSRC_OK)
                snprintf(buf, sizeof(buf), "%s", next);
        else if (rc == HTTPSRC_DONE)
                snprintf(buf, sizeof(buf), "DONE");
        else
                snprintf(buf, sizeof(buf), "ERROR: %s", in->ctx.err);
        free(next);
        fake_resp_free(&resp);
        return buf;
}

static void test_next_url(void **state)
{
        instance in;
        pag_new(&in, "paginator_next_url", "next_url", NULL);
        const char *base = "https://api.test/v1/items?page=1";

        assert_string_equal(ops(&in)->offset_field, "url");
        assert_string_equal(
            next_url_next(&in, NULL, base,
                          "{\"results\":[1],\"next\":"
                          "\"https://api.test/v1/items?page=2\"}"),
            "https://api.test/v1/items?page=2");
        /* relative, against the response URL */
        assert_string_equal(
            next_url_next(&in, NULL, base,
                          "{\"next\":\"/v1/items?page=2&per_page=5\"}"),
            "https://api.test/v1/items?page=2&per_page=5");
        assert_string_equal(
            next_url_next(&in, NULL, base, "{\"next\":\"?page=3\"}"),
            "https://api.test/v1/items?page=3");
        /* no response URL: against the page key */
        assert_string_equal(next_url_next(&in, "https://k.test/a/b?page=4",
                                          NULL, "{\"next\":\"c?page=5\"}"),
                            "https://k.test/a/c?page=5");
        /* the end: null, absent, empty */
        assert_string_equal(
            next_url_next(&in, NULL, base, "{\"next\":null,\"results\":[]}"),
            "DONE");
        assert_string_equal(next_url_next(&in, NULL, base, "{\"results\":[]}"),
                            "DONE");
        assert_string_equal(next_url_next(&in, NULL, base, "{\"next\":\"\"}"),
                            "DONE");
        assert_string_equal(next_url_next(&in, NULL, base, "[1,2]"), "DONE");

        /* start */
        assert_string_equal(start_url(&in, API "?x=1", NULL), API "?x=1");
        assert_string_equal(
            start_url(&in, API "?x=1", "https://api.test/v1/items?page=2"),
            "https://api.test/v1/items?page=2");
        instance_free(&in, 1);
}

static void test_next_url_errors(void **state)
{
        instance in;
        pag_new(&in, "paginator_next_url", "NEXT_URL", NULL);
        const char *base = "https://api.test/items?page=1";

        assert_string_equal(next_url_next(&in, NULL, base, "not json"),
                            "ERROR: response is not JSON");
        assert_string_equal(next_url_next(&in, NULL, base, "{\"next\":2}"),
                            "ERROR: $.next: expected the next page URL as a "
                            "string, found number");
        assert_string_equal(
            next_url_next(&in, NULL, base, "{\"next\":{\"href\":\"/2\"}}"),
            "ERROR: $.next: expected the next page URL as a string, found "
            "object");
        assert_string_equal(next_url_next(&in, NULL, base, "{\"next\":true}"),
                            "ERROR: $.next: expected the next page URL as a "
                            "string, found boolean");
        assert_string_equal(next_url_next(&in, NULL, NULL, "{\"next\":\"/2\"}"),
                            "ERROR: next page URL '/2' cannot be resolved "
                            "against '(no URL)'");

        /* the server names the page itself: stop */
        fake_log_reset();
        assert_string_equal(next_url_next(&in, "https://api.test/items?page=1",
                                          base, "{\"next\":\"?page=1\"}"),
                            "DONE");
        assert_int_equal(logged.n, 1);
        assert_int_equal(logged.level, HTTPSRC_LOG_WARN);
        assert_string_equal(logged.msg,
                            "next page URL points at the current page "
                            "('https://api.test/items?page=1'); stopping "
                            "pagination");
        instance_free(&in, 1);
}

static void test_next_url_conf(void **state)
{
        const char *conf[] = {"http.pagination.next.url.path",
                              "$.links.next.href", NULL};
        instance in;
        pag_new(&in, "paginator_next_url", "NEXT_URL", conf);

        assert_string_equal(
            next_url_next(&in, NULL, "https://api.test/a",
                          "{\"next\":\"/no\",\"links\":{\"next\":{\"href\":"
                          "\"/b?cursor=x%20y\"}}}"),
            "https://api.test/b?cursor=x%20y");
        assert_string_equal(next_url_next(&in, NULL, "https://api.test/a",
                                          "{\"links\":{\"next\":{}}}"),
                            "DONE");
        assert_string_equal(
            next_url_next(&in, NULL, "https://api.test/a",
                          "{\"links\":{\"next\":{\"href\":[]}}}"),
            "ERROR: $.links.next.href: expected the next page URL as a "
            "string, found array");

        const httpsrc_param_desc *p = ops(&in)->params;
        check_param(&p[0], "http.pagination.next.url.path",
                    HTTPSRC_PARAM_JSONPATH, "$.next", 0, 0);
        assert_null(p[1].name);
        instance_free(&in, 1);
}

/* A host from before url_resolve: the URL paginators are refused. */
static void test_url_paginators_old_host(void **state)
{
        struct httpsrc_host_api old = fake_host;
        instance in;

        old.struct_size = offsetof(struct httpsrc_host_api, url_resolve);
        assert_int_equal(instance_new_with(&in, &old, "paginator_link_header",
                                           HTTPSRC_KIND_PAGINATOR,
                                           "LINK_HEADER", NULL),
                         HTTPSRC_ERR_PLUGIN_ABI);
        assert_string_equal(in.ctx.err, "LINK_HEADER needs a host that "
                                        "provides url_resolve");
        instance_free(&in, 0);
        assert_int_equal(instance_new_with(&in, &old, "paginator_next_url",
                                           HTTPSRC_KIND_PAGINATOR, "NEXT_URL",
                                           NULL),
                         HTTPSRC_ERR_PLUGIN_ABI);
        assert_string_equal(in.ctx.err, "NEXT_URL needs a host that provides "
                                        "url_resolve");
        instance_free(&in, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_offset_defaults),
            cmocka_unit_test(test_offset_conf),
            cmocka_unit_test(test_offset_no_params),
            cmocka_unit_test(test_offset_errors),
            cmocka_unit_test(test_offset_params),
            cmocka_unit_test(test_page_defaults),
            cmocka_unit_test(test_page_size),
            cmocka_unit_test(test_page_errors),
            cmocka_unit_test(test_page_params),
            cmocka_unit_test(test_link_basic),
            cmocka_unit_test(test_link_rel_forms),
            cmocka_unit_test(test_link_no_next),
            cmocka_unit_test(test_link_relative),
            cmocka_unit_test(test_link_loop),
            cmocka_unit_test(test_link_several_headers),
            cmocka_unit_test(test_link_bad_key),
            cmocka_unit_test(test_next_url),
            cmocka_unit_test(test_next_url_errors),
            cmocka_unit_test(test_next_url_conf),
            cmocka_unit_test(test_url_paginators_old_host),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
