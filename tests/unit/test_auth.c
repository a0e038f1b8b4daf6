/* The built-in auth providers BEARER and OAUTH2, loaded through the loader
 * and driven through the fake host: exact headers, the exact token
 * request in both client authentication modes, token expiry on a fake
 * clock, the 401 refresh, and exact error messages that never carry a
 * secret. */
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

/* In place: the plugin keeps a pointer to the instance's ctx. */
static void auth_new(instance *in, const char *file, const char *const *conf)
{
        const char *name = strstr(file, "bearer") ? "BEARER" : "OAUTH2";
        assert_int_equal(instance_new(in, file, HTTPSRC_KIND_AUTH, name, conf),
                         HTTPSRC_OK);
}

static const httpsrc_auth_ops *ops(const instance *in)
{
        return &in->c->ops.auth;
}

/* create() fails with exactly @p err. */
static void expect_create_error(const char *file,
                                const char *const *conf,
                                int code,
                                const char *err)
{
        const char *name = strstr(file, "bearer") ? "BEARER" : "OAUTH2";
        instance in;

        assert_int_equal(instance_new(&in, file, HTTPSRC_KIND_AUTH, name, conf),
                         code);
        assert_string_equal(in.ctx.err, err);
        instance_free(&in, 0);
}

/* The Authorization header apply() sets on a request. */
static const char *applied(instance *in)
{
        static char buf[1024];
        httpsrc_request *req = fake_req(API);

        assert_int_equal(ops(in)->apply(in->state, req), HTTPSRC_OK);
        assert_string_equal(http_request_url(req), API);
        snprintf(buf, sizeof(buf), "%s",
                 http_request_header(req, "Authorization"));
        http_request_destroy(req);
        return buf;
}

/* Neither the last error nor anything logged mentions @p s. */
static void assert_not_leaked(const instance *in, const char *s)
{
        if (strstr(in->ctx.err, s))
                fail_msg("error leaks '%s': %s", s, in->ctx.err);
        if (strstr(logged.all, s))
                fail_msg("log leaks '%s': %s", s, logged.all);
}

/* ------------------------------------------------------------------ */
/* BEARER                                                              */

static void test_bearer(void **state)
{
        const char *conf[] = {"http.auth.token", "eyJhbGciOi.J9-_~+/=", NULL};
        instance in;

        fake_log_reset();
        auth_new(&in, "auth_bearer", conf);
        assert_string_equal(applied(&in), "Bearer eyJhbGciOi.J9-_~+/=");
        /* it replaces an Authorization header the config set */
        httpsrc_request *req = fake_req(API);
        assert_int_equal(
            http_request_set_header(req, "authorization", "Basic eA=="),
            HTTPSRC_OK);
        assert_int_equal(ops(&in)->apply(in.state, req), HTTPSRC_OK);
        assert_string_equal(http_request_header(req, "Authorization"),
                            "Bearer eyJhbGciOi.J9-_~+/=");
        http_request_destroy(req);
        assert_false(HTTPSRC_OPS_HAS(ops(&in), own_request));
        assert_false(HTTPSRC_OPS_HAS(ops(&in), on_response));
        assert_int_equal(logged.n, 0);

        const httpsrc_param_desc *p = ops(&in)->params;
        assert_string_equal(p[0].name, "http.auth.token");
        assert_int_equal(p[0].type, HTTPSRC_PARAM_PASSWORD);
        assert_int_equal(p[0].flags, HTTPSRC_PARAM_F_REQUIRED);
        assert_null(p[0].default_value);
        assert_string_equal(p[0].group, "auth");
        assert_null(p[1].name);
        instance_free(&in, 1);
}

static void test_bearer_errors(void **state)
{
        const char *empty[] = {"http.auth.token", "", NULL};
        const char *crlf[]  = {"http.auth.token", "tok\r\nX-Evil: 1", NULL};
        instance in;

        expect_create_error("auth_bearer", NULL, HTTPSRC_ERR_INVAL,
                            "http.auth.token must be set for "
                            "http.auth.type=BEARER");
        expect_create_error("auth_bearer", empty, HTTPSRC_ERR_INVAL,
                            "http.auth.token must be set for "
                            "http.auth.type=BEARER");
        assert_int_equal(
            instance_new(&in, "auth_bearer", HTTPSRC_KIND_AUTH, "bearer", crlf),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err,
                            "http.auth.token must not contain line breaks");
        instance_free(&in, 0);
}

/* ------------------------------------------------------------------ */
/* OAUTH2: the token request                                           */

#define TOKEN_URL "https://auth.test/oauth/token?tenant=t1"
#define SHOWN_URL "https://auth.test/oauth/token"
#define SECRET    "s3cr3t/+&="

/* What own_request() put in a fresh request. */
typedef struct token_request {
        int rc;
        char method[16];
        char url[256];
        char content_type[128];
        char accept[64];
        char authorization[256]; /* "" if none */
        char body[512];
} token_request;

static token_request own_request(instance *in)
{
        token_request t      = {0};
        httpsrc_request *req = http_request_new();
        const char *v;

        assert_non_null(req);
        t.rc = ops(in)->own_request(in->state, req);
        snprintf(t.method, sizeof(t.method), "%s", http_request_method(req));
        v = http_request_url(req);
        snprintf(t.url, sizeof(t.url), "%s", v ? v : "");
        v = http_request_header(req, "Content-Type");
        snprintf(t.content_type, sizeof(t.content_type), "%s", v ? v : "");
        v = http_request_header(req, "Accept");
        snprintf(t.accept, sizeof(t.accept), "%s", v ? v : "");
        v = http_request_header(req, "Authorization");
        snprintf(t.authorization, sizeof(t.authorization), "%s", v ? v : "");
        snprintf(t.body, sizeof(t.body), "%s", fake_req_body(req));
        http_request_destroy(req);
        return t;
}

/* own_response() on an answer of @p status with body @p body. */
static int own_response(instance *in, int status, const char *body)
{
        httpsrc_response resp = fake_resp(status, TOKEN_URL, body);
        in->ctx.err[0]        = '\0';
        int rc                = ops(in)->own_response(in->state, &resp);
        fake_resp_free(&resp);
        return rc;
}

/* on_response() on an API answer of @p status; returns *retry. */
static int on_response(instance *in, int status)
{
        httpsrc_response resp = fake_resp(status, API, "{}");
        int retry             = 0;
        assert_int_equal(ops(in)->on_response(in->state, &resp, &retry),
                         HTTPSRC_OK);
        fake_resp_free(&resp);
        return retry;
}

static void test_oauth2_header_mode(void **state)
{
        const char *conf[] = {"http.oauth2.token.url",
                              TOKEN_URL,
                              "http.oauth2.client.id",
                              "my client",
                              "http.oauth2.client.secret",
                              SECRET,
                              "http.oauth2.scope",
                              "read write",
                              NULL};
        instance in;

        fake_log_reset();
        auth_new(&in, "auth_oauth2", conf);
        assert_true(HTTPSRC_OPS_HAS(ops(&in), own_request));
        assert_true(HTTPSRC_OPS_HAS(ops(&in), own_response));
        token_request t = own_request(&in);
        assert_int_equal(t.rc, 1);
        assert_string_equal(t.method, "POST");
        assert_string_equal(t.url, TOKEN_URL);
        assert_string_equal(t.content_type,
                            "application/x-www-form-urlencoded");
        assert_string_equal(t.accept, "application/json");
        /* RFC 6749 2.3.1: base64(form(id) ":" form(secret)) */
        assert_string_equal(t.authorization,
                            "Basic bXkrY2xpZW50OnMzY3IzdCUyRiUyQiUyNiUzRA==");
        assert_string_equal(t.body,
                            "grant_type=client_credentials&scope=read+write");
        assert_int_equal(logged.n, 0);
        instance_free(&in, 1);
}

static void test_oauth2_body_mode(void **state)
{
        const char *conf[] = {"http.oauth2.token.url",
                              TOKEN_URL,
                              "http.oauth2.client.id",
                              "my client",
                              "http.oauth2.client.secret",
                              SECRET,
                              "http.oauth2.scope",
                              "read write",
                              "http.oauth2.client.auth",
                              "BODY",
                              NULL};
        instance in;

        auth_new(&in, "auth_oauth2", conf);
        token_request t = own_request(&in);
        assert_int_equal(t.rc, 1);
        assert_string_equal(t.method, "POST");
        assert_string_equal(t.url, TOKEN_URL);
        assert_string_equal(t.content_type,
                            "application/x-www-form-urlencoded");
        assert_string_equal(t.accept, "application/json");
        assert_string_equal(t.authorization, "");
        assert_string_equal(t.body, "grant_type=client_credentials"
                                    "&scope=read+write&client_id=my+client"
                                    "&client_secret=s3cr3t%2F%2B%26%3D");
        instance_free(&in, 1);
}

/* No scope; RFC 6749 appendix B's encoding example as the client id. */
static void test_oauth2_encoding(void **state)
{
        const char *body[]   = {"http.oauth2.token.url",
                                TOKEN_URL,
                                "http.oauth2.client.id",
                                " %&+\xc2\xa3\xe2\x82\xac",
                                "http.oauth2.client.secret",
                                "p:w",
                                "http.oauth2.client.auth",
                                "body",
                                "http.oauth2.scope",
                                "",
                                NULL};
        const char *header[] = {"http.oauth2.token.url",
                                TOKEN_URL,
                                "http.oauth2.client.id",
                                "a:b",
                                "http.oauth2.client.secret",
                                "p:w",
                                "http.oauth2.client.auth",
                                "Header",
                                NULL};
        instance in;

        auth_new(&in, "auth_oauth2", body);
        token_request t = own_request(&in);
        assert_string_equal(t.body, "grant_type=client_credentials"
                                    "&client_id=+%25%26%2B%C2%A3%E2%82%AC"
                                    "&client_secret=p%3Aw");
        instance_free(&in, 1);

        /* a ':' in the id is encoded, so it cannot split the pair:
         * base64("a%3Ab:p%3Aw") */
        auth_new(&in, "auth_oauth2", header);
        t = own_request(&in);
        assert_string_equal(t.authorization, "Basic YSUzQWI6cCUzQXc=");
        assert_string_equal(t.body, "grant_type=client_credentials");
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* OAUTH2: the token and its expiry                                    */

static const char *const base_conf[] = {"http.oauth2.token.url",
                                        TOKEN_URL,
                                        "http.oauth2.client.id",
                                        "cid",
                                        "http.oauth2.client.secret",
                                        SECRET,
                                        NULL};

static void test_oauth2_expiry(void **state)
{
        instance in;

        fake_log_reset();
        fake_now_ms = 1700000000000;
        auth_new(&in, "auth_oauth2", base_conf);
        assert_int_equal(own_request(&in).rc, 1);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-1\","
                                      "\"token_type\":\"Bearer\","
                                      "\"expires_in\":3600}"),
                         HTTPSRC_OK);
        assert_int_equal(logged.n, 1);
        assert_int_equal(logged.level, HTTPSRC_LOG_INFO);
        assert_string_equal(logged.msg, "token obtained, expires in 3600 s");
        assert_string_equal(applied(&in), "Bearer tok-1");

        /* cached until 5 s (the default margin) before it expires */
        token_request t = own_request(&in);
        assert_int_equal(t.rc, 0);
        assert_string_equal(t.url, ""); /* the request was left alone */
        assert_string_equal(t.method, "GET");
        fake_now_ms += 3600000 - 5000 - 1;
        assert_int_equal(own_request(&in).rc, 0);
        fake_now_ms += 1;
        t = own_request(&in);
        assert_int_equal(t.rc, 1);
        assert_string_equal(t.url, TOKEN_URL);
        /* until the new one arrives the old one is still used */
        assert_string_equal(applied(&in), "Bearer tok-1");

        /* expires_in as a string, as some servers send it */
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-2\","
                                      "\"expires_in\":\"60\"}"),
                         HTTPSRC_OK);
        assert_string_equal(logged.msg, "token obtained, expires in 60 s");
        assert_string_equal(applied(&in), "Bearer tok-2");
        fake_now_ms += 55000 - 1;
        assert_int_equal(own_request(&in).rc, 0);
        fake_now_ms += 1;
        assert_int_equal(own_request(&in).rc, 1);

        /* a lifetime shorter than twice the margin: refreshed halfway */
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-3\","
                                      "\"expires_in\":4}"),
                         HTTPSRC_OK);
        fake_now_ms += 1999;
        assert_int_equal(own_request(&in).rc, 0);
        fake_now_ms += 1;
        assert_int_equal(own_request(&in).rc, 1);
        assert_not_leaked(&in, "tok-");
        assert_not_leaked(&in, SECRET);
        instance_free(&in, 1);
}

static void test_oauth2_no_expiry(void **state)
{
        instance in;

        fake_log_reset();
        fake_now_ms = 1000;
        auth_new(&in, "auth_oauth2", base_conf);
        assert_int_equal(own_response(&in, 200, "{\"access_token\":\"t\"}"),
                         HTTPSRC_OK);
        assert_int_equal(logged.level, HTTPSRC_LOG_INFO);
        assert_string_equal(logged.msg, "token obtained, no expiry given: "
                                        "kept until the API answers 401");
        fake_now_ms += (int64_t)10 * 365 * 24 * 3600 * 1000;
        assert_int_equal(own_request(&in).rc, 0);
        assert_string_equal(applied(&in), "Bearer t");

        /* an unusable expires_in: warned about, then treated as absent */
        fake_log_reset();
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"u\","
                                      "\"expires_in\":\"soon\"}"),
                         HTTPSRC_OK);
        assert_int_equal(logged.n, 2);
        assert_string_equal(logged.all,
                            "token endpoint " SHOWN_URL " returned "
                            "expires_in 'soon', not a number of seconds: "
                            "the token is kept until the API answers 401\n"
                            "token obtained, no expiry given: kept until the "
                            "API answers 401\n");
        fake_now_ms += (int64_t)10 * 365 * 24 * 3600 * 1000;
        assert_int_equal(own_request(&in).rc, 0);
        assert_string_equal(applied(&in), "Bearer u");
        instance_free(&in, 1);
}

static void test_oauth2_conf(void **state)
{
        const char *conf[] = {"http.oauth2.token.url",
                              TOKEN_URL,
                              "http.oauth2.client.id",
                              "cid",
                              "http.oauth2.client.secret",
                              SECRET,
                              "http.oauth2.token.property",
                              "token",
                              "http.oauth2.refresh.margin.ms",
                              "60000",
                              NULL};
        const char *zero[] = {"http.oauth2.token.url",
                              TOKEN_URL,
                              "http.oauth2.client.id",
                              "cid",
                              "http.oauth2.client.secret",
                              SECRET,
                              "http.oauth2.refresh.margin.ms",
                              "0",
                              NULL};
        instance in;

        fake_now_ms = 0;
        auth_new(&in, "auth_oauth2", conf);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"no\","
                                      "\"token\":\"yes\",\"expires_in\":3600}"),
                         HTTPSRC_OK);
        assert_string_equal(applied(&in), "Bearer yes");
        fake_now_ms = 3540000 - 1;
        assert_int_equal(own_request(&in).rc, 0);
        fake_now_ms = 3540000;
        assert_int_equal(own_request(&in).rc, 1);
        instance_free(&in, 1);

        fake_now_ms = 0;
        auth_new(&in, "auth_oauth2", zero);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"z\","
                                      "\"expires_in\":10}"),
                         HTTPSRC_OK);
        fake_now_ms = 9999;
        assert_int_equal(own_request(&in).rc, 0);
        fake_now_ms = 10000;
        assert_int_equal(own_request(&in).rc, 1);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* OAUTH2: 401 from the API                                            */

static void test_oauth2_401(void **state)
{
        instance in;

        fake_log_reset();
        fake_now_ms = 0;
        auth_new(&in, "auth_oauth2", base_conf);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-1\","
                                      "\"expires_in\":3600}"),
                         HTTPSRC_OK);
        assert_int_equal(on_response(&in, 200), 0);
        assert_int_equal(on_response(&in, 403), 0);
        assert_int_equal(on_response(&in, 500), 0);
        assert_int_equal(own_request(&in).rc, 0);

        logged.n = 0;
        assert_int_equal(on_response(&in, 401), 1);
        assert_int_equal(logged.n, 1);
        assert_int_equal(logged.level, HTTPSRC_LOG_INFO);
        assert_string_equal(logged.msg,
                            "HTTP 401: dropping the token, requesting a new "
                            "one");
        /* the resend fetches a new token first */
        token_request t = own_request(&in);
        assert_int_equal(t.rc, 1);
        assert_string_equal(t.url, TOKEN_URL);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-2\","
                                      "\"expires_in\":3600}"),
                         HTTPSRC_OK);
        assert_string_equal(applied(&in), "Bearer tok-2");
        assert_int_equal(own_request(&in).rc, 0);

        /* a second 401 before a new token: still asks for the resend,
         * logged once */
        logged.n = 0;
        assert_int_equal(on_response(&in, 401), 1);
        assert_int_equal(on_response(&in, 401), 1);
        assert_int_equal(logged.n, 1);
        assert_not_leaked(&in, "tok-");
        instance_free(&in, 1);
}

/* apply() without a token: a host that never ran own_request(). */
static void test_oauth2_no_token(void **state)
{
        instance in;
        auth_new(&in, "auth_oauth2", base_conf);
        httpsrc_request *req = fake_req(API);

        assert_int_equal(ops(&in)->apply(in.state, req), HTTPSRC_ERR_STATE);
        assert_string_equal(in.ctx.err, "no access token: the host did not "
                                        "run the token request "
                                        "(own_request)");
        assert_null(http_request_header(req, "Authorization"));
        http_request_destroy(req);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* OAUTH2: errors                                                      */

static void
expect_token_error(instance *in, int status, const char *body, const char *err)
{
        assert_int_equal(own_response(in, status, body), HTTPSRC_ERR_AUTH);
        assert_string_equal(in->ctx.err, err);
        assert_int_equal(in->ctx.err_code, HTTPSRC_ERR_AUTH);
        assert_not_leaked(in, SECRET);
}

static void test_oauth2_endpoint_errors(void **state)
{
        instance in;
        char longdesc[400];

        fake_log_reset();
        fake_now_ms = 0;
        auth_new(&in, "auth_oauth2", base_conf);
        expect_token_error(&in, 401,
                           "{\"error\":\"invalid_client\","
                           "\"error_description\":\"Client authentication "
                           "failed\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 401: "
                           "invalid_client: Client authentication failed");
        expect_token_error(&in, 400, "{\"error\":\"invalid_scope\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 400: "
                           "invalid_scope");
        expect_token_error(&in, 400, "{\"error_description\":\"no\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 400: "
                           "no");
        expect_token_error(&in, 500, "<html>oops</html>",
                           "token endpoint " SHOWN_URL " returned HTTP 500");
        expect_token_error(&in, 503, "[\"error\"]",
                           "token endpoint " SHOWN_URL " returned HTTP 503");
        expect_token_error(&in, 401, "{\"error\":7}",
                           "token endpoint " SHOWN_URL " returned HTTP 401");
        /* 2xx other than 200 is not a token response */
        expect_token_error(&in, 201, "{\"access_token\":\"x\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 201");
        expect_token_error(&in, 200, "not json",
                           "token endpoint " SHOWN_URL " returned HTTP 200: "
                           "the body is not a JSON object");
        expect_token_error(&in, 200, "[{\"access_token\":\"x\"}]",
                           "token endpoint " SHOWN_URL " returned HTTP 200: "
                           "the body is not a JSON object");
        static const char *const no_token[] = {
            "{\"token_type\":\"Bearer\"}", "{\"access_token\":\"\"}",
            "{\"access_token\":5}", "{\"access_token\":null}"};
        for (size_t i = 0; i < 4; i++)
                expect_token_error(&in, 200, no_token[i],
                                   "token endpoint " SHOWN_URL " returned "
                                   "HTTP 200: no string member "
                                   "'access_token'");
        expect_token_error(&in, 200, "{\"access_token\":\"a\\r\\nX-Evil: 1\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 200: "
                           "the token contains line breaks");

        /* an endpoint that echoes the secret, with line breaks */
        expect_token_error(&in, 401,
                           "{\"error\":\"invalid_client\","
                           "\"error_description\":\"secret '" SECRET
                           "' is\\nnot " SECRET "\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 401: "
                           "invalid_client: secret '***' is not ***");
        /* long descriptions are cut */
        memset(longdesc, 'd', sizeof(longdesc) - 1);
        longdesc[sizeof(longdesc) - 1] = '\0';
        char body[512], want[512];
        snprintf(body, sizeof(body),
                 "{\"error\":\"e\",\"error_description\":\"%s\"}", longdesc);
        snprintf(want, sizeof(want),
                 "token endpoint " SHOWN_URL " returned HTTP 400: e: %.200s",
                 longdesc);
        expect_token_error(&in, 400, body, want);

        /* no token after all that; nothing was logged */
        assert_int_equal(own_request(&in).rc, 1);
        assert_int_equal(logged.n, 0);
        instance_free(&in, 1);
}

/* A failed refresh quoting the current token does not show it either. */
static void test_oauth2_refresh_error_redacts_token(void **state)
{
        instance in;

        fake_now_ms = 0;
        auth_new(&in, "auth_oauth2", base_conf);
        assert_int_equal(own_response(&in, 200,
                                      "{\"access_token\":\"tok-XYZ\","
                                      "\"expires_in\":10}"),
                         HTTPSRC_OK);
        fake_now_ms = 10000;
        assert_int_equal(own_request(&in).rc, 1);
        expect_token_error(&in, 400,
                           "{\"error\":\"invalid_grant\",\"error_description\":"
                           "\"token tok-XYZ revoked\"}",
                           "token endpoint " SHOWN_URL " returned HTTP 400: "
                           "invalid_grant: token *** revoked");
        assert_not_leaked(&in, "tok-XYZ");
        instance_free(&in, 1);
}

/* Messages show the token URL without userinfo, query and fragment. */
static void test_oauth2_shown_url(void **state)
{
        const char *conf[] = {"http.oauth2.token.url",
                              "https://u:pw@auth.test:8443/a/t?key=k#f",
                              "http.oauth2.client.id",
                              "cid",
                              "http.oauth2.client.secret",
                              SECRET,
                              NULL};
        instance in;

        auth_new(&in, "auth_oauth2", conf);
        assert_string_equal(own_request(&in).url,
                            "https://u:pw@auth.test:8443/a/t?key=k#f");
        expect_token_error(&in, 502, "",
                           "token endpoint https://auth.test:8443/a/t "
                           "returned HTTP 502");
        instance_free(&in, 1);
}

static void test_oauth2_create_errors(void **state)
{
        const char *no_url[]   = {"http.oauth2.client.id", "cid",
                                  "http.oauth2.client.secret", SECRET, NULL};
        const char *no_id[]    = {"http.oauth2.token.url", TOKEN_URL,
                                  "http.oauth2.client.secret", SECRET, NULL};
        const char *no_sec[]   = {"http.oauth2.token.url", TOKEN_URL,
                                  "http.oauth2.client.id", "cid", NULL};
        const char *empty_id[] = {"http.oauth2.token.url",
                                  TOKEN_URL,
                                  "http.oauth2.client.id",
                                  "",
                                  "http.oauth2.client.secret",
                                  SECRET,
                                  NULL};
        const char *mode[]     = {"http.oauth2.token.url",
                                  TOKEN_URL,
                                  "http.oauth2.client.id",
                                  "cid",
                                  "http.oauth2.client.secret",
                                  SECRET,
                                  "http.oauth2.client.auth",
                                  "form",
                                  NULL};
        const char *margin[]   = {"http.oauth2.token.url",
                                  TOKEN_URL,
                                  "http.oauth2.client.id",
                                  "cid",
                                  "http.oauth2.client.secret",
                                  SECRET,
                                  "http.oauth2.refresh.margin.ms",
                                  "-1",
                                  NULL};
        const char *rel[]      = {"http.oauth2.token.url",
                                  "/oauth/token",
                                  "http.oauth2.client.id",
                                  "cid",
                                  "http.oauth2.client.secret",
                                  SECRET,
                                  NULL};
        const char *crlf[]     = {"http.oauth2.token.url",
                                  TOKEN_URL,
                                  "http.oauth2.client.id",
                                  "c\nid",
                                  "http.oauth2.client.secret",
                                  SECRET,
                                  NULL};

        expect_create_error("auth_oauth2", no_url, HTTPSRC_ERR_INVAL,
                            "http.oauth2.token.url must be set for "
                            "http.auth.type=OAUTH2");
        expect_create_error("auth_oauth2", no_id, HTTPSRC_ERR_INVAL,
                            "http.oauth2.client.id must be set for "
                            "http.auth.type=OAUTH2");
        expect_create_error("auth_oauth2", empty_id, HTTPSRC_ERR_INVAL,
                            "http.oauth2.client.id must be set for "
                            "http.auth.type=OAUTH2");
        expect_create_error("auth_oauth2", no_sec, HTTPSRC_ERR_INVAL,
                            "http.oauth2.client.secret must be set for "
                            "http.auth.type=OAUTH2");
        expect_create_error("auth_oauth2", mode, HTTPSRC_ERR_INVAL,
                            "http.oauth2.client.auth: 'form' is not header "
                            "or body");
        expect_create_error("auth_oauth2", margin, HTTPSRC_ERR_INVAL,
                            "http.oauth2.refresh.margin.ms: '-1' is not an "
                            "integer >= 0");
        expect_create_error("auth_oauth2", rel, HTTPSRC_ERR_INVAL,
                            "http.oauth2.token.url: '/oauth/token' is not an "
                            "absolute URL");
        expect_create_error("auth_oauth2", crlf, HTTPSRC_ERR_INVAL,
                            "http.oauth2.client.id must not contain line "
                            "breaks");
}

/* A host from before now_ms/url_resolve/url_encode: refused cleanly. */
static void test_oauth2_old_host(void **state)
{
        struct httpsrc_host_api old = fake_host;
        instance in;

        old.struct_size = offsetof(struct httpsrc_host_api, url_resolve);
        old.now_ms      = NULL;
        assert_int_equal(instance_new_with(&in, &old, "auth_oauth2",
                                           HTTPSRC_KIND_AUTH, "OAUTH2",
                                           base_conf),
                         HTTPSRC_ERR_PLUGIN_ABI);
        assert_string_equal(in.ctx.err, "OAUTH2 needs a host that provides "
                                        "now_ms, url_encode and url_resolve");
        instance_free(&in, 0);
}

/* A host from before wipe/base64: the auth plugins that handle secrets
 * refuse it cleanly (they have no copy of their own any more). */
static void test_secret_host_members(void **state)
{
        struct httpsrc_host_api old = fake_host;
        const char *basic[] = {"http.auth.user", "u", "http.auth.password",
                               "p", NULL};
        const char *bearer[] = {"http.auth.token", "t", NULL};
        instance in;

        old.struct_size = offsetof(struct httpsrc_host_api, wipe);
        assert_int_equal(instance_new_with(&in, &old, "auth_basic",
                                           HTTPSRC_KIND_AUTH, "BASIC", basic),
                         HTTPSRC_ERR_PLUGIN_ABI);
        assert_string_equal(in.ctx.err, "BASIC auth needs a host that "
                                        "provides wipe and base64 "
                                        "(libhttpsrc 0.2 or later)");
        instance_free(&in, 0);
        assert_int_equal(instance_new_with(&in, &old, "auth_bearer",
                                           HTTPSRC_KIND_AUTH, "BEARER",
                                           bearer),
                         HTTPSRC_ERR_PLUGIN_ABI);
        instance_free(&in, 0);
        assert_int_equal(instance_new_with(&in, &old, "auth_oauth2",
                                           HTTPSRC_KIND_AUTH, "OAUTH2",
                                           base_conf),
                         HTTPSRC_ERR_PLUGIN_ABI);
        instance_free(&in, 0);

        /* the current host: "Basic " + base64("u:p") */
        assert_int_equal(instance_new_with(&in, &fake_host, "auth_basic",
                                           HTTPSRC_KIND_AUTH, "BASIC", basic),
                         HTTPSRC_OK);
        assert_string_equal(applied(&in), "Basic dTpw");
        instance_free(&in, 1);
}

static void test_oauth2_params(void **state)
{
        instance in;
        auth_new(&in, "auth_oauth2", base_conf);
        const httpsrc_param_desc *p = ops(&in)->params;
        static const struct {
                const char *name;
                int type;
                unsigned flags;
                const char *def;
        } want[] = {
            {"http.oauth2.token.url", HTTPSRC_PARAM_STRING,
             HTTPSRC_PARAM_F_REQUIRED, NULL},
            {"http.oauth2.client.id", HTTPSRC_PARAM_STRING,
             HTTPSRC_PARAM_F_REQUIRED, NULL},
            {"http.oauth2.client.secret", HTTPSRC_PARAM_PASSWORD,
             HTTPSRC_PARAM_F_REQUIRED, NULL},
            {"http.oauth2.scope", HTTPSRC_PARAM_STRING, 0, NULL},
            {"http.oauth2.client.auth", HTTPSRC_PARAM_ENUM, 0, "header"},
            {"http.oauth2.token.property", HTTPSRC_PARAM_STRING, 0,
             "access_token"},
            {"http.oauth2.refresh.margin.ms", HTTPSRC_PARAM_INT, 0, "5000"},
        };

        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                assert_string_equal(p[i].name, want[i].name);
                assert_int_equal(p[i].type, want[i].type);
                assert_int_equal(p[i].flags, want[i].flags);
                if (want[i].def)
                        assert_string_equal(p[i].default_value, want[i].def);
                else
                        assert_null(p[i].default_value);
                assert_string_equal(p[i].group, "auth");
        }
        assert_string_equal(p[4].enum_values, "header|body");
        assert_int_equal(p[6].min, 0);
        assert_int_equal(p[6].max, INT32_MAX);
        assert_null(p[7].name);
        instance_free(&in, 1);

        /* the declared defaults, as the real host hands them out */
        const char *defaults[] = {"http.oauth2.token.url",
                                  TOKEN_URL,
                                  "http.oauth2.client.id",
                                  "cid",
                                  "http.oauth2.client.secret",
                                  "sec",
                                  "http.oauth2.client.auth",
                                  "header",
                                  "http.oauth2.token.property",
                                  "access_token",
                                  "http.oauth2.refresh.margin.ms",
                                  "5000",
                                  NULL};
        auth_new(&in, "auth_oauth2", defaults);
        token_request t = own_request(&in);
        assert_string_equal(t.authorization, "Basic Y2lkOnNlYw==");
        assert_string_equal(t.body, "grant_type=client_credentials");
        instance_free(&in, 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_bearer),
            cmocka_unit_test(test_secret_host_members),
            cmocka_unit_test(test_bearer_errors),
            cmocka_unit_test(test_oauth2_header_mode),
            cmocka_unit_test(test_oauth2_body_mode),
            cmocka_unit_test(test_oauth2_encoding),
            cmocka_unit_test(test_oauth2_expiry),
            cmocka_unit_test(test_oauth2_no_expiry),
            cmocka_unit_test(test_oauth2_conf),
            cmocka_unit_test(test_oauth2_401),
            cmocka_unit_test(test_oauth2_no_token),
            cmocka_unit_test(test_oauth2_endpoint_errors),
            cmocka_unit_test(test_oauth2_refresh_error_redacts_token),
            cmocka_unit_test(test_oauth2_shown_url),
            cmocka_unit_test(test_oauth2_create_errors),
            cmocka_unit_test(test_oauth2_old_host),
            cmocka_unit_test(test_oauth2_params),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
