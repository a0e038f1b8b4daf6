/* Unit tests: the conf object and the declared key tables (conf.c,
 * conf_keys.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_int.h"
#include "httpsrc/httpsrc.h"

#define CONN HTTPSRC_SCOPE_CONNECTOR
#define WORK HTTPSRC_SCOPE_WORKER

static char errstr[1024];

/* Sets key=value, expecting @p want; returns errstr for exact checks. */
static const char *
set_res(httpsrc_conf *c, const char *k, const char *v, httpsrc_conf_res want)
{
        strcpy(errstr, "(untouched)");
        assert_int_equal(httpsrc_conf_set(c, k, v, errstr, sizeof(errstr)),
                         want);
        return errstr;
}

static void set_ok(httpsrc_conf *c, const char *k, const char *v)
{
        set_res(c, k, v, HTTPSRC_CONF_OK);
}

static httpsrc_conf *valid_connector(void)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "name", "orders");
        set_ok(c, "kafka.topic", "orders-topic");
        set_ok(c, "http.url", "https://api.example.com/v1/orders?x=1");
        return c;
}

static void test_new_scopes(void **state)
{
        assert_null(httpsrc_conf_new(2));
        assert_null(httpsrc_conf_new(-1));
        assert_null(httpsrc_conf_params(2));
        assert_ptr_equal(httpsrc_conf_params(CONN), conf_connector_params);
        assert_ptr_equal(httpsrc_conf_params(WORK), conf_worker_params);
        httpsrc_conf *c = httpsrc_conf_new(WORK);
        assert_int_equal(conf_scope(c), WORK);
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
        httpsrc_conf_destroy(NULL);
}

/* Every declared key is documented, grouped, and its default passes its
 * own validation: the table drives docs and REST validate. */
static void check_table(const httpsrc_param_desc *t)
{
        size_t n = 0;
        for (; t->name; t++, n++) {
                assert_non_null(t->doc);
                assert_null(strchr(t->doc, '\n'));
                assert_non_null(t->group);
                assert_true(t->type >= HTTPSRC_PARAM_STRING &&
                            t->type <= HTTPSRC_PARAM_CRON);
                if (t->type == HTTPSRC_PARAM_ENUM)
                        assert_non_null(t->enum_values);
                if (t->default_value)
                        assert_int_equal(
                            conf_param_validate(t, t->name, t->default_value,
                                                errstr, sizeof(errstr)),
                            HTTPSRC_OK);
                /* Required keys have no default. */
                if (t->flags & HTTPSRC_PARAM_F_REQUIRED)
                        assert_null(t->default_value);
                assert_ptr_equal(conf_param_find(t - n, t->name), t);
        }
        assert_true(n > 5);
}

static void test_tables(void **state)
{
        check_table(conf_connector_params);
        check_table(conf_worker_params);
        assert_null(conf_param_find(conf_connector_params, "nope"));
        assert_null(conf_param_find(conf_connector_params, NULL));

        const httpsrc_param_desc *d =
            conf_param_find(conf_connector_params, "http.method");
        assert_int_equal(d->type, HTTPSRC_PARAM_ENUM);
        assert_string_equal(d->enum_values, "GET|POST");
        assert_string_equal(d->group, "request");
        d = conf_param_find(conf_connector_params, "http.url");
        assert_int_equal(d->flags & HTTPSRC_PARAM_F_REQUIRED,
                         HTTPSRC_PARAM_F_REQUIRED);
        d = conf_param_find(conf_connector_params,
                            "http.response.records.path");
        assert_int_equal(d->type, HTTPSRC_PARAM_JSONPATH);
        d = conf_param_find(conf_worker_params, "plugin.path");
        assert_int_equal(d->type, HTTPSRC_PARAM_LIST);
        assert_true(strlen(d->default_value) > 0);
}

static void test_defaults(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(httpsrc_conf_get(c, "http.method"), "GET");
        assert_string_equal(httpsrc_conf_get(c, "tasks.max"), "1");
        assert_string_equal(httpsrc_conf_get(c, "connector.class"),
                            "HttpSource");
        assert_string_equal(httpsrc_conf_get(c, "http.timer.interval.ms"),
                            "60000");
        assert_string_equal(httpsrc_conf_get(c, "http.response.max.bytes"),
                            "67108864");
        assert_string_equal(httpsrc_conf_get(c, "http.response.records.path"),
                            "$");
        assert_string_equal(httpsrc_conf_get(c, "http.auth.type"), "NONE");
        assert_string_equal(httpsrc_conf_get(c, "errors.tolerance"), "none");
        assert_string_equal(httpsrc_conf_get(c, "transforms"), "");
        /* No connector default: the worker's converter applies. */
        assert_null(httpsrc_conf_get(c, "value.converter"));
        assert_null(httpsrc_conf_get(c, "value.converter.schemas.enable"));
        assert_null(httpsrc_conf_get(c, "http.url"));
        assert_null(httpsrc_conf_get(c, "http.auth.user"));
        assert_null(httpsrc_conf_get(c, "bootstrap.servers"));
        assert_null(conf_get_set(c, "http.method"));
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);

        httpsrc_conf *w = httpsrc_conf_new(WORK);
        assert_string_equal(httpsrc_conf_get(w, "bootstrap.servers"),
                            "localhost:9092");
        assert_string_equal(httpsrc_conf_get(w, "listeners"),
                            "http://localhost:8083");
        assert_string_equal(httpsrc_conf_get(w, "value.converter"),
                            "org.apache.kafka.connect.json.JsonConverter");
        assert_string_equal(httpsrc_conf_get(w, "key.converter"),
                            "org.apache.kafka.connect.json.JsonConverter");
        assert_string_equal(
            httpsrc_conf_get(w, "value.converter.schemas.enable"), "false");
        assert_string_equal(httpsrc_conf_get(w, "offset.flush.interval.ms"),
                            "100");
        assert_string_equal(
            httpsrc_conf_get(w, "plugin.path"),
            conf_param_find(conf_worker_params, "plugin.path")->default_value);
        assert_null(httpsrc_conf_get(w, "offset.storage.file.filename"));
        assert_null(httpsrc_conf_get(w, "http.method"));
        httpsrc_conf_destroy(w);
}

static void
assert_at(const httpsrc_conf *c, size_t i, const char *k, const char *v)
{
        const char *key = NULL, *val = NULL;
        assert_int_equal(httpsrc_conf_at(c, i, &key, &val), HTTPSRC_OK);
        assert_string_equal(key, k);
        assert_string_equal(val, v);
}

static void test_set_order_replace_remove(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.url", "http://a/");
        set_ok(c, "name", "n1");
        set_ok(c, "http.method", "POST");
        set_ok(c, "http.url", "http://b/"); /* replaced in place */
        assert_int_equal(httpsrc_conf_count(c), 3);
        assert_at(c, 0, "http.url", "http://b/");
        assert_at(c, 1, "name", "n1");
        assert_at(c, 2, "http.method", "POST");
        assert_int_equal(httpsrc_conf_at(c, 3, NULL, NULL), HTTPSRC_ERR_NOENT);
        assert_string_equal(httpsrc_conf_get(c, "http.url"), "http://b/");
        assert_string_equal(conf_get_set(c, "http.method"), "POST");

        set_ok(c, "name", NULL); /* removal keeps the others' order */
        assert_int_equal(httpsrc_conf_count(c), 2);
        assert_at(c, 0, "http.url", "http://b/");
        assert_at(c, 1, "http.method", "POST");
        assert_null(httpsrc_conf_get(c, "name"));
        set_ok(c, "http.method", NULL);
        assert_string_equal(httpsrc_conf_get(c, "http.method"), "GET");
        set_ok(c, "http.method", NULL); /* unsetting an unset key is fine */
        assert_int_equal(httpsrc_conf_count(c), 1);
        /* Re-adding goes to the end. */
        set_ok(c, "name", "n2");
        assert_at(c, 1, "name", "n2");
        httpsrc_conf_destroy(c);
}

static void test_invalid_values(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.method", "POST");
        assert_string_equal(
            set_res(c, "http.method", "PUT", HTTPSRC_CONF_INVALID),
            "http.method: invalid value 'PUT': must be one of GET, POST");
        /* A rejected value leaves the previous one. */
        assert_string_equal(httpsrc_conf_get(c, "http.method"), "POST");
        set_ok(c, "http.method", "get"); /* enums are case-insensitive */
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", "abc", HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value 'abc': not an integer");
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", "", HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value '': not an integer");
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", " 5", HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value ' 5': not an integer");
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", "5s", HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value '5s': not an integer");
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", "-1", HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value '-1': must be between 0 "
            "and 2147483647");
        assert_string_equal(
            set_res(c, "http.timer.interval.ms", "2147483648",
                    HTTPSRC_CONF_INVALID),
            "http.timer.interval.ms: invalid value '2147483648': must be "
            "between 0 and 2147483647");
        set_ok(c, "http.timer.interval.ms", "0");
        set_ok(c, "http.timer.interval.ms", "2147483647");
        assert_string_equal(
            set_res(c, "tasks.max", "0", HTTPSRC_CONF_INVALID),
            "tasks.max: invalid value '0': must be at least 1");
        set_ok(c, "tasks.max", "3"); /* accepted; one task runs */
        set_ok(c, "tasks.max", "1");
        assert_string_equal(
            set_res(c, "http.connect.timeout.ms", "0", HTTPSRC_CONF_INVALID),
            "http.connect.timeout.ms: invalid value '0': must be at least 1");
        assert_string_equal(
            set_res(c, "http.response.max.bytes", "99999999999999999999",
                    HTTPSRC_CONF_INVALID),
            "http.response.max.bytes: invalid value '99999999999999999999': "
            "must be at least 1");
        assert_string_equal(
            set_res(c, "value.converter.schemas.enable", "yes",
                    HTTPSRC_CONF_INVALID),
            "value.converter.schemas.enable: invalid value 'yes': must be "
            "true or false");
        set_ok(c, "value.converter.schemas.enable", "TRUE");
        assert_string_equal(
            set_res(c, "errors.tolerance", "some", HTTPSRC_CONF_INVALID),
            "errors.tolerance: invalid value 'some': must be one of none, "
            "all");
        assert_string_equal(
            set_res(c, "http.response.format", "XML", HTTPSRC_CONF_INVALID),
            "http.response.format: invalid value 'XML': must be one of JSON");
        httpsrc_conf_destroy(c);
}

static void test_jsonpath_validation(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.response.records.path", "$.data[*]");
        set_ok(c, "http.response.records.path", "$[0].items");
        /* The compiler's own "invalid JSONPath '<expr>': " prefix (see
         * jsonpath_int.h) is not repeated after ours. */
        assert_string_equal(set_res(c, "http.response.records.path", "$.a[",
                                    HTTPSRC_CONF_INVALID),
                            "http.response.records.path: invalid value "
                            "'$.a[': expected ']' at position 5");
        set_res(c, "http.response.records.path", "data", HTTPSRC_CONF_INVALID);
        assert_string_equal(httpsrc_conf_get(c, "http.response.records.path"),
                            "$[0].items");
        httpsrc_conf_destroy(c);
}

static void test_placeholders_not_validated(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.timer.interval.ms", "${env:INTERVAL}");
        set_ok(c, "http.method", "${file:/etc/m:method}");
        set_ok(c, "http.response.records.path", "${env:P}");
        assert_string_equal(httpsrc_conf_get(c, "http.method"),
                            "${file:/etc/m:method}");
        /* A placeholder cannot be read as a number yet. */
        assert_int_equal(conf_get_int(c, "http.timer.interval.ms", -7), -7);
        httpsrc_conf_destroy(c);
}

static void test_password_never_echoed(void **state)
{
        const httpsrc_param_desc pw = {.name  = "http.auth.password",
                                       .type  = HTTPSRC_PARAM_PASSWORD,
                                       .doc   = "password",
                                       .group = "auth"};
        assert_int_equal(conf_param_validate(&pw, "http.auth.password",
                                             "s3cret\n", errstr,
                                             sizeof(errstr)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "http.auth.password: invalid value: must "
                                    "not contain line breaks");
        assert_null(strstr(errstr, "s3cret"));
        assert_int_equal(
            conf_param_validate(&pw, NULL, "ok", errstr, sizeof(errstr)),
            HTTPSRC_OK);
        /* The key named in the message is the caller's (a plugin key may
         * be declared without its prefix). */
        const httpsrc_param_desc num = {
            .name = "max", .type = HTTPSRC_PARAM_INT, .doc = "n", .group = "g"};
        assert_int_equal(conf_param_validate(&num, "transforms.x.max", "z",
                                             errstr, sizeof(errstr)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr,
                            "transforms.x.max: invalid value 'z': not an "
                            "integer");
        /* Zeroed bounds: any 64-bit integer. */
        assert_int_equal(conf_param_validate(&num, NULL, "-9223372036854775808",
                                             errstr, sizeof(errstr)),
                         HTTPSRC_OK);
        assert_int_equal(conf_param_validate(&num, NULL, "9223372036854775808",
                                             errstr, sizeof(errstr)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "max: invalid value '9223372036854775808': "
                                    "integer out of range");
}

static void test_unknown_keys(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(set_res(c, "foo.bar", "1", HTTPSRC_CONF_UNKNOWN),
                            "foo.bar: unknown configuration key");
        assert_string_equal(
            set_res(c, "http.ur", "x", HTTPSRC_CONF_UNKNOWN),
            "http.ur: unknown configuration key (did you mean 'http.url'?)");
        assert_string_equal(
            set_res(c, "http.methdo", "GET", HTTPSRC_CONF_UNKNOWN),
            "http.methdo: unknown configuration key (did you "
            "mean 'http.method'?)");
        assert_string_equal(
            set_res(c, "kafka.topics", "t", HTTPSRC_CONF_UNKNOWN),
            "kafka.topics: unknown configuration key (did you "
            "mean 'kafka.topic'?)");
        /* Distance 3: no suggestion. */
        assert_string_equal(
            set_res(c, "http.urlxyz", "x", HTTPSRC_CONF_UNKNOWN),
            "http.urlxyz: unknown configuration key");
        /* Worker keys are unknown to a connector and vice versa. */
        assert_string_equal(
            set_res(c, "bootstrap.servers", "k:9092", HTTPSRC_CONF_UNKNOWN),
            "bootstrap.servers: unknown configuration key");
        httpsrc_conf *w = httpsrc_conf_new(WORK);
        assert_string_equal(
            set_res(w, "http.url", "http://x/", HTTPSRC_CONF_UNKNOWN),
            "http.url: unknown configuration key");
        assert_string_equal(
            set_res(w, "listener", "http://x/", HTTPSRC_CONF_UNKNOWN),
            "listener: unknown configuration key (did you "
            "mean 'listeners'?)");
        /* Unsetting an unknown key is as wrong as setting it. */
        set_res(w, "nope", NULL, HTTPSRC_CONF_UNKNOWN);
        assert_int_equal(httpsrc_conf_count(c), 0);
        assert_int_equal(httpsrc_conf_count(w), 0);
        httpsrc_conf_destroy(w);
        httpsrc_conf_destroy(c);
}

static void test_deferred_keys(void **state)
{
        static const char *const conn_ok[] = {
            "http.auth.user",         "http.auth.password",
            "http.oauth2.token.url",  "http.pagination.next.path",
            "transforms.ins.type",    "transforms.ins.static.field",
            "producer.override.acks", "predicates.isFoo.type",
            "predicates.p.pattern",   NULL};
        static const char *const conn_bad[] = {"transforms.ins",
                                               "transforms.",
                                               "transforms..x",
                                               "transforms.a.",
                                               "http.auth.",
                                               "producer.acks",
                                               "sasl.mechanism",
                                               "security.protocol",
                                               "predicates.p",
                                               "predicates.",
                                               "config.providers.x.class",
                                               NULL};
        static const char *const work_ok[]  = {"producer.acks",
                                               "producer.linger.ms",
                                               "sasl.mechanism",
                                               "ssl.ca.location",
                                               "security.protocol",
                                               "client.id",
                                               "config.providers.vault.class",
                                               "config.providers.f.param.path",
                                               NULL};
        static const char *const work_bad[] = {
            "client.id.x",       "security.protocols", "producer.",
            "http.auth.user",    "transforms.a.b",     "config.providers.x",
            "config.providers.", "predicates.p.type",  NULL};
        for (const char *const *k = conn_ok; *k; k++)
                assert_int_equal(conf_is_deferred_key(CONN, *k), 1);
        for (const char *const *k = conn_bad; *k; k++)
                assert_int_equal(conf_is_deferred_key(CONN, *k), 0);
        for (const char *const *k = work_ok; *k; k++)
                assert_int_equal(conf_is_deferred_key(WORK, *k), 1);
        for (const char *const *k = work_bad; *k; k++)
                assert_int_equal(conf_is_deferred_key(WORK, *k), 0);
        assert_int_equal(conf_is_deferred_key(7, "producer.acks"), 0);
        assert_int_equal(conf_is_deferred_key(CONN, NULL), 0);

        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.auth.user", "bob");
        set_ok(c, "transforms.ins.type", "InsertField$Value");
        set_ok(c, "producer.override.acks", "all");
        /* Declared keys under deferred prefixes are still validated. */
        set_ok(c, "http.auth.type", "BASIC");
        set_ok(c, "http.pagination.type", "CURSOR");
        assert_string_equal(
            set_res(c, "transforms.ins", "x", HTTPSRC_CONF_UNKNOWN),
            "transforms.ins: unknown configuration key");
        assert_int_equal(httpsrc_conf_count(c), 5);
        assert_at(c, 1, "transforms.ins.type", "InsertField$Value");
        assert_string_equal(httpsrc_conf_get(c, "http.auth.user"), "bob");
        set_ok(c, "http.auth.user", NULL);
        assert_null(httpsrc_conf_get(c, "http.auth.user"));
        httpsrc_conf_destroy(c);
}

static void test_dup(void **state)
{
        httpsrc_conf *c = valid_connector();
        set_ok(c, "http.auth.user", "bob");
        httpsrc_conf *d = httpsrc_conf_dup(c);
        assert_non_null(d);
        assert_int_equal(conf_scope(d), CONN);
        assert_int_equal(httpsrc_conf_count(d), 4);
        for (size_t i = 0; i < 4; i++) {
                const char *k1, *v1, *k2, *v2;
                httpsrc_conf_at(c, i, &k1, &v1);
                httpsrc_conf_at(d, i, &k2, &v2);
                assert_string_equal(k1, k2);
                assert_string_equal(v1, v2);
                assert_ptr_not_equal(v1, v2); /* deep copy */
        }
        set_ok(d, "name", "other");
        assert_string_equal(httpsrc_conf_get(c, "name"), "orders");
        httpsrc_conf_destroy(c);
        assert_string_equal(httpsrc_conf_get(d, "name"), "other");
        httpsrc_conf_destroy(d);
        assert_null(httpsrc_conf_dup(NULL));
}

static int check(const httpsrc_conf *c)
{
        strcpy(errstr, "(untouched)");
        return httpsrc_conf_check(c, errstr, sizeof(errstr));
}

static void test_check_required(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "name: required key is missing; "
                                    "kafka.topic: required key is missing; "
                                    "http.url: required key is missing");
        set_ok(c, "name", "");
        set_ok(c, "kafka.topic", "t");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "name: must not be empty; "
                                    "http.url: required key is missing");
        httpsrc_conf_destroy(c);

        c = valid_connector();
        assert_int_equal(check(c), HTTPSRC_OK);
        assert_string_equal(errstr, "(untouched)");
        httpsrc_conf_destroy(c);

        httpsrc_conf *w = httpsrc_conf_new(WORK);
        assert_int_equal(check(w), HTTPSRC_OK);
        httpsrc_conf_destroy(w);
}

static void test_check_url(void **state)
{
        static const char *const bad[] = {
            "ftp://example.com/x", "example.com/x", "/v1/orders",
            "http//example.com",   "file:///etc",   NULL};
        static const char *const good[] = {"http://localhost:8080/x",
                                           "HTTPS://api.example.com",
                                           "https://[::1]:8443/a?b=c#d",
                                           "https://api/${offset}",
                                           "${env:URL}",
                                           NULL};
        httpsrc_conf *c                 = valid_connector();
        for (const char *const *u = bad; *u; u++) {
                set_ok(c, "http.url", *u);
                assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
                char want[256];
                snprintf(want, sizeof(want),
                         "http.url: invalid value '%s': not an absolute "
                         "http(s) URL",
                         *u);
                assert_string_equal(errstr, want);
        }
        for (const char *const *u = good; *u; u++) {
                set_ok(c, "http.url", *u);
                assert_int_equal(check(c), HTTPSRC_OK);
        }
        httpsrc_conf_destroy(c);
}

static void test_check_body_and_joining(void **state)
{
        httpsrc_conf *c = valid_connector();
        set_ok(c, "http.request.body", "{\"since\":\"${offset}\"}");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL); /* default GET */
        assert_string_equal(errstr, "http.request.body: only allowed with "
                                    "http.method=POST");
        set_ok(c, "http.method", "get");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        set_ok(c, "http.method", "POST");
        assert_int_equal(check(c), HTTPSRC_OK);

        set_ok(c, "http.method", "GET");
        set_ok(c, "kafka.topic", NULL);
        set_ok(c, "http.url", "nope");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr,
                            "kafka.topic: required key is missing; "
                            "http.url: invalid value 'nope': not an absolute "
                            "http(s) URL; "
                            "http.request.body: only allowed with "
                            "http.method=POST");
        /* A short buffer gets a terminated prefix. */
        char small[12];
        assert_int_equal(httpsrc_conf_check(c, small, sizeof(small)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(small, "kafka.topic");
        httpsrc_conf_destroy(c);
}

/* conf_validate(): every problem as a (key, message) pair, in order; a key
 * already refused (by set(), or the name's control characters) gets no
 * second problem; a message with "; " in it stays one problem. */
static void test_validate_problem_list(void **state)
{
        (void)state;
        kvlist cfg = {0};
        assert_int_equal(kvl_add(&cfg, "name", "a\tb"), 0);
        assert_int_equal(kvl_add(&cfg, "kafka.topic", "bad topic"), 0);
        assert_int_equal(kvl_add(&cfg, "http.timer.interval.ms", "5s"), 0);
        assert_int_equal(kvl_add(&cfg, "http.url", "nope; x: y"), 0);
        assert_int_equal(kvl_add(&cfg, "http.request.body", "{}"), 0);
        kvlist problems = {0};
        int clean       = -1;
        httpsrc_conf *c = conf_validate(CONN, &cfg, &problems, &clean);
        assert_non_null(c);
        assert_int_equal(clean, 0);
        static const char *const want[][2] = {
            {"http.timer.interval.ms",
             "http.timer.interval.ms: invalid value '5s': not an integer"},
            {"name", "name: must not contain control characters"},
            {"kafka.topic",
             "kafka.topic: invalid value 'bad topic': ' ' at position 4: a "
             "Kafka topic name has only letters, digits, '.', '_' and '-'"},
            {"http.url", "http.url: invalid value 'nope; x: y': not an "
                         "absolute http(s) URL"},
            {"http.request.body",
             "http.request.body: only allowed with http.method=POST"},
        };
        assert_int_equal(problems.n, sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < problems.n; i++) {
                assert_string_equal(problems.v[i].key, want[i][0]);
                assert_string_equal(problems.v[i].value, want[i][1]);
        }
        /* the C API's text is the same messages joined */
        conf_problems_text(&problems, errstr, sizeof(errstr));
        assert_non_null(strstr(errstr, "not an integer; name: must not"));
        httpsrc_conf_destroy(c);
        kvl_free(&problems);

        /* A refused required key is one problem, not two. */
        kvl_free(&cfg);
        assert_int_equal(kvl_add(&cfg, "kafka.topic", "t"), 0);
        assert_int_equal(kvl_add(&cfg, "http.url", "http://127.0.0.1/"), 0);
        assert_int_equal(kvl_add(&cfg, "name", "n"), 0);
        assert_int_equal(kvl_add(&cfg, "http.method", "PUT"), 0);
        c = conf_validate(CONN, &cfg, &problems, &clean);
        assert_non_null(c);
        assert_int_equal(clean, 1);
        assert_int_equal(problems.n, 1);
        assert_string_equal(problems.v[0].key, "http.method");
        httpsrc_conf_destroy(c);
        kvl_free(&problems);
        kvl_free(&cfg);
}

static void test_typed_getters(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_int_equal(conf_get_int(c, "http.timer.interval.ms", 5), 60000);
        assert_int_equal(conf_get_int(c, "http.response.max.bytes", 5),
                         67108864);
        set_ok(c, "http.timer.interval.ms", "250");
        assert_int_equal(conf_get_int(c, "http.timer.interval.ms", 5), 250);
        /* No value and no default: the caller's. */
        assert_int_equal(conf_get_int(c, "no.such.key", 42), 42);
        assert_int_equal(conf_get_bool(c, "value.converter.schemas.enable", 1),
                         1);
        assert_int_equal(conf_get_bool(c, "value.converter.schemas.enable", 0),
                         0);
        set_ok(c, "value.converter.schemas.enable", "True");
        assert_int_equal(conf_get_bool(c, "value.converter.schemas.enable", 0),
                         1);
        set_ok(c, "value.converter.schemas.enable", "FALSE");
        assert_int_equal(conf_get_bool(c, "value.converter.schemas.enable", 1),
                         0);
        httpsrc_conf_destroy(c);

        httpsrc_conf *w = httpsrc_conf_new(WORK);
        assert_int_equal(conf_get_bool(w, "key.converter.schemas.enable", 1),
                         0);
        assert_int_equal(conf_get_int(w, "offset.flush.interval.ms", 9), 100);
        set_ok(w, "offset.flush.interval.ms", "9223372036854775807");
        assert_true(conf_get_int(w, "offset.flush.interval.ms", 0) ==
                    INT64_MAX);
        httpsrc_conf_destroy(w);
}

static void test_bad_arguments(void **state)
{
        assert_int_equal(
            httpsrc_conf_set(NULL, "name", "x", errstr, sizeof(errstr)),
            HTTPSRC_CONF_INVALID);
        assert_string_equal(errstr,
                            "invalid argument: conf and key are required");
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_int_equal(httpsrc_conf_set(c, NULL, "x", NULL, 0),
                         HTTPSRC_CONF_INVALID);
        /* errstr is optional */
        assert_int_equal(httpsrc_conf_set(c, "http.method", "PUT", NULL, 0),
                         HTTPSRC_CONF_INVALID);
        assert_null(httpsrc_conf_get(NULL, "name"));
        assert_null(httpsrc_conf_get(c, NULL));
        assert_int_equal(httpsrc_conf_count(NULL), 0);
        assert_int_equal(httpsrc_conf_at(NULL, 0, NULL, NULL),
                         HTTPSRC_ERR_NOENT);
        httpsrc_conf_destroy(c);
}

/* ---- keys of the HTTP Source spec ---- */

static void assert_param(const char *key,
                         int type,
                         const char *dflt,
                         const char *group,
                         const char *enums)
{
        const httpsrc_param_desc *d =
            conf_param_find(conf_connector_params, key);
        if (!d)
                fail_msg("%s is not declared", key);
        assert_int_equal(d->type, type);
        if (dflt)
                assert_string_equal(d->default_value, dflt);
        else
                assert_null(d->default_value);
        assert_string_equal(d->group, group);
        if (enums)
                assert_string_equal(d->enum_values, enums);
        else
                assert_null(d->enum_values);
}

static void assert_int_param(const char *key, const char *dflt, int64_t min)
{
        const httpsrc_param_desc *d =
            conf_param_find(conf_connector_params, key);
        assert_non_null(d);
        assert_int_equal(d->type, HTTPSRC_PARAM_INT);
        assert_string_equal(d->default_value, dflt);
        assert_true(d->min == min);
        assert_true(d->max == INT64_MAX);
}

static void test_spec_keys(void **state)
{
        assert_param("http.request.parameters", HTTPSRC_PARAM_STRING, "",
                     "request", NULL);
        assert_param("http.offset.mode", HTTPSRC_PARAM_ENUM, "NONE", "offsets",
                     "NONE|TIMESTAMP|ID|CURSOR|SIMPLE_INCREMENTING|CHAINING|"
                     "CURSOR_PAGINATION");
        assert_param("http.offset.field", HTTPSRC_PARAM_STRING, NULL, "offsets",
                     NULL);
        assert_param("http.initial.offset", HTTPSRC_PARAM_STRING, "", "offsets",
                     NULL);
        assert_param("http.timer.type", HTTPSRC_PARAM_ENUM, "interval",
                     "polling", "interval|cron");
        assert_param("http.timer.cron.expression", HTTPSRC_PARAM_CRON, NULL,
                     "polling", NULL);
        assert_param("http.timer.cron.zone", HTTPSRC_PARAM_STRING, "UTC",
                     "polling", NULL);
        assert_param("http.response.records.expand", HTTPSRC_PARAM_BOOL,
                     "false", "response", NULL);
        assert_int_param("http.retry.max.attempts", "5", 0);
        assert_int_param("http.retry.backoff.ms", "1000", 0);
        assert_int_param("http.retry.backoff.max.ms", "60000", 0);
        assert_param("http.response.error.codes", HTTPSRC_PARAM_STRING,
                     "400-599", "errors", NULL);
        assert_param("behavior.on.error", HTTPSRC_PARAM_ENUM, "fail", "errors",
                     "fail|log|ignore");
        assert_param("errors.log.enable", HTTPSRC_PARAM_BOOL, "false", "errors",
                     NULL);
        assert_param("http.ssl.enabled", HTTPSRC_PARAM_BOOL, "false", "tls",
                     NULL);
        assert_param("http.ssl.truststore.location", HTTPSRC_PARAM_STRING, NULL,
                     "tls", NULL);
        assert_param("http.ssl.truststore.password", HTTPSRC_PARAM_PASSWORD,
                     NULL, "tls", NULL);
        assert_param("http.ssl.truststore.type", HTTPSRC_PARAM_ENUM, NULL,
                     "tls", "PEM|PKCS12|JKS");
        assert_param("http.ssl.keystore.location", HTTPSRC_PARAM_STRING, NULL,
                     "tls", NULL);
        assert_param("http.ssl.keystore.password", HTTPSRC_PARAM_PASSWORD, NULL,
                     "tls", NULL);
        assert_param("http.ssl.keystore.type", HTTPSRC_PARAM_ENUM, NULL, "tls",
                     "PEM|PKCS12|JKS");
        assert_param("http.ssl.key.location", HTTPSRC_PARAM_STRING, NULL, "tls",
                     NULL);
        assert_param("http.ssl.key.password", HTTPSRC_PARAM_PASSWORD, NULL,
                     "tls", NULL);
        assert_param("http.ssl.verify.hostname", HTTPSRC_PARAM_BOOL, "true",
                     "tls", NULL);
        assert_param("http.ssl.verify.certificate", HTTPSRC_PARAM_BOOL, "true",
                     "tls", NULL);
        assert_int_param("http.throttle.max.requests", "0", 0);
        assert_int_param("http.throttle.window.ms", "1000", 1);
        assert_param("http.rate.limit.header", HTTPSRC_PARAM_STRING, NULL,
                     "rate limits", NULL);
        assert_param("http.rate.limit.reset.header", HTTPSRC_PARAM_STRING, NULL,
                     "rate limits", NULL);
        assert_param("predicates", HTTPSRC_PARAM_LIST, "", "transforms", NULL);
        /* Confluent's SSRF guard keys, under their own names. */
        assert_param("connection.disallow.local.ips", HTTPSRC_PARAM_BOOL,
                     "false", "network", NULL);
        assert_param("connection.disallow.private.ips", HTTPSRC_PARAM_BOOL,
                     "false", "network", NULL);
        assert_param("connection.disallow.class.e.ips", HTTPSRC_PARAM_BOOL,
                     "false", "network", NULL);
        assert_param("connection.allow.cidr.ranges", HTTPSRC_PARAM_LIST, "",
                     "network", NULL);
        assert_param("connection.disallow.cidr.ranges", HTTPSRC_PARAM_LIST, "",
                     "network", NULL);
        const httpsrc_param_desc *d =
            conf_param_find(conf_worker_params, "config.providers");
        assert_non_null(d);
        assert_int_equal(d->type, HTTPSRC_PARAM_LIST);
        assert_string_equal(d->default_value, "");

        /* Values through the one table: bounds and enums. */
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(
            set_res(c, "http.throttle.window.ms", "0", HTTPSRC_CONF_INVALID),
            "http.throttle.window.ms: invalid value '0': must be at least 1");
        assert_string_equal(
            set_res(c, "http.retry.max.attempts", "-1", HTTPSRC_CONF_INVALID),
            "http.retry.max.attempts: invalid value '-1': must be at least 0");
        assert_string_equal(
            set_res(c, "http.offset.mode", "PAGE", HTTPSRC_CONF_INVALID),
            "http.offset.mode: invalid value 'PAGE': must be one of NONE, "
            "TIMESTAMP, ID, CURSOR, SIMPLE_INCREMENTING, CHAINING, "
            "CURSOR_PAGINATION");
        assert_string_equal(
            set_res(c, "behavior.on.error", "retry", HTTPSRC_CONF_INVALID),
            "behavior.on.error: invalid value 'retry': must be one of fail, "
            "log, ignore");
        assert_string_equal(
            set_res(c, "http.timer.type", "daily", HTTPSRC_CONF_INVALID),
            "http.timer.type: invalid value 'daily': must be one of "
            "interval, cron");
        assert_string_equal(
            set_res(c, "http.ssl.key.password", "a\rb", HTTPSRC_CONF_INVALID),
            "http.ssl.key.password: invalid value: must not "
            "contain line breaks");
        set_ok(c, "http.offset.mode", "simple_incrementing");
        set_ok(c, "http.ssl.truststore.type", "pkcs12");
        set_ok(c, "http.throttle.max.requests", "0");
        httpsrc_conf_destroy(c);
}

static void test_status_codes(void **state)
{
        static const char *const good[] = {
            "400-599", "429", "400-499,503", " 404 , 500-599 ",
            "100-100", "",    NULL};
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        for (const char *const *v = good; *v; v++)
                set_ok(c, "http.response.error.codes", *v);
        assert_string_equal(
            set_res(c, "http.response.error.codes", "x", HTTPSRC_CONF_INVALID),
            "http.response.error.codes: invalid value 'x': not a status code "
            "or range");
        assert_string_equal(set_res(c, "http.response.error.codes", "600",
                                    HTTPSRC_CONF_INVALID),
                            "http.response.error.codes: invalid value '600': "
                            "not a status code or range");
        assert_string_equal(set_res(c, "http.response.error.codes", "500-400",
                                    HTTPSRC_CONF_INVALID),
                            "http.response.error.codes: invalid value "
                            "'500-400': not a status code or range");
        assert_string_equal(set_res(c, "http.response.error.codes", "400-",
                                    HTTPSRC_CONF_INVALID),
                            "http.response.error.codes: invalid value '400-': "
                            "not a status code or range");
        /* Several items: the message names the bad one. */
        assert_string_equal(set_res(c, "http.response.error.codes",
                                    "400-499,5xx", HTTPSRC_CONF_INVALID),
                            "http.response.error.codes: invalid value "
                            "'400-499,5xx': '5xx': not a status code or range");
        assert_string_equal(httpsrc_conf_get(c, "http.response.error.codes"),
                            "");
        /* Only this key has the syntax: other strings are free text. */
        set_ok(c, "http.rate.limit.header", "x");
        httpsrc_conf_destroy(c);
}

static void test_check_policies(void **state)
{
        httpsrc_conf *c = valid_connector();
        set_ok(c, "http.timer.type", "CRON");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "http.timer.cron.expression: required "
                                    "when http.timer.type=cron");
        set_ok(c, "http.timer.cron.expression", "0 0/5 * * * ?");
        assert_int_equal(check(c), HTTPSRC_OK);
        set_ok(c, "http.timer.type", "interval");
        set_ok(c, "http.timer.cron.expression", NULL);
        assert_int_equal(check(c), HTTPSRC_OK);

        static const char *const need_field[] = {"TIMESTAMP", "ID", "CHAINING",
                                                 NULL};
        for (const char *const *m = need_field; *m; m++) {
                set_ok(c, "http.offset.mode", *m);
                assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
                char want[128];
                snprintf(want, sizeof(want),
                         "http.offset.field: required when "
                         "http.offset.mode=%s",
                         *m);
                assert_string_equal(errstr, want);
        }
        set_ok(c, "http.offset.mode", "timestamp"); /* named as declared */
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "http.offset.field: required when "
                                    "http.offset.mode=TIMESTAMP");
        set_ok(c, "http.offset.field", "$.updated_at");
        assert_int_equal(check(c), HTTPSRC_OK);
        set_ok(c, "http.offset.field", NULL);
        static const char *const no_field[] = {
            "NONE", "CURSOR", "SIMPLE_INCREMENTING", "CURSOR_PAGINATION", NULL};
        for (const char *const *m = no_field; *m; m++) {
                set_ok(c, "http.offset.mode", *m);
                assert_int_equal(check(c), HTTPSRC_OK);
        }

        set_ok(c, "http.ssl.truststore.type", "jks");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(
            errstr, "http.ssl.truststore.type: JKS is not supported; convert "
                    "it to PKCS12: keytool -importkeystore -srckeystore <file> "
                    "-srcstoretype JKS -destkeystore store.p12 -deststoretype "
                    "PKCS12");
        set_ok(c, "http.ssl.truststore.type", "PKCS12");
        set_ok(c, "http.ssl.keystore.location", "/etc/client.jks");
        set_ok(c, "http.ssl.keystore.type", "JKS");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(
            errstr, "http.ssl.keystore.type: JKS is not supported; convert it "
                    "to PKCS12: keytool -importkeystore -srckeystore "
                    "/etc/client.jks -srcstoretype JKS -destkeystore "
                    "store.p12 -deststoretype PKCS12");
        /* All problems at once, in a fixed order. */
        set_ok(c, "http.timer.type", "cron");
        set_ok(c, "http.offset.mode", "ID");
        set_ok(c, "http.ssl.truststore.type", "JKS");
        set_ok(c, "name", NULL);
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(
            errstr,
            "name: required key is missing; "
            "http.timer.cron.expression: required when http.timer.type=cron; "
            "http.offset.field: required when http.offset.mode=ID; "
            "http.ssl.truststore.type: JKS is not supported; convert it to "
            "PKCS12: keytool -importkeystore -srckeystore <file> "
            "-srcstoretype JKS -destkeystore store.p12 -deststoretype PKCS12; "
            "http.ssl.keystore.type: JKS is not supported; convert it to "
            "PKCS12: keytool -importkeystore -srckeystore /etc/client.jks "
            "-srcstoretype JKS -destkeystore store.p12 -deststoretype PKCS12");
        httpsrc_conf_destroy(c);
}

static void test_cron_expression(void **state)
{
        static const char *const good[] = {
            "0 0/5 * * * ?", "0 15 10 ? * MON-FRI", "0 0 12 1W * ?",
            "0 0 0 L * ? 2030", NULL};
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        for (const char *const *e = good; *e; e++)
                set_ok(c, "http.timer.cron.expression", *e);
        /* The parser's reason, the expression shown once. */
        assert_string_equal(
            set_res(c, "http.timer.cron.expression", "0 0 12 1 * MON",
                    HTTPSRC_CONF_INVALID),
            "http.timer.cron.expression: invalid value '0 0 12 1 * MON': "
            "day-of-month and day-of-week cannot both be specified (use ?) at "
            "position 12");
        /* Unix cron's five fields are not Quartz's. */
        assert_string_equal(
            set_res(c, "http.timer.cron.expression", "*/5 * * * *",
                    HTTPSRC_CONF_INVALID),
            "http.timer.cron.expression: invalid value '*/5 * * * *': "
            "expected 6 or 7 fields at position 12; a 5-field Unix cron "
            "expression? Quartz has seconds first, Sunday = 1 and '?' in "
            "day-of-month or day-of-week: '0 */5 * * * ?'");
        assert_string_equal(
            set_res(c, "http.timer.cron.expression", "", HTTPSRC_CONF_INVALID),
            "http.timer.cron.expression: invalid value '': "
            "expected 6 or 7 fields at position 1");
        assert_string_equal(httpsrc_conf_get(c, "http.timer.cron.expression"),
                            "0 0 0 L * ? 2030");
        set_ok(c, "http.timer.cron.expression", "${env:CRON}");

        /* The zone is loaded as the timer will load it. */
        set_ok(c, "http.timer.cron.zone", "UTC");
        set_ok(c, "http.timer.cron.zone", "+05:30");
        set_ok(c, "http.timer.cron.zone", "Z");
        if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0)
                set_ok(c, "http.timer.cron.zone", "Europe/Paris");
        /* A zoneinfo directory that surely exists, without that zone. */
        setenv("TZDIR", HTTPSRC_SOURCE_ROOT "/tests/unit", 1);
        assert_string_equal(set_res(c, "http.timer.cron.zone", "Mars/Olympus",
                                    HTTPSRC_CONF_INVALID),
                            "http.timer.cron.zone: invalid value "
                            "'Mars/Olympus': unknown time zone");
        assert_string_equal(set_res(c, "http.timer.cron.zone", "../etc/passwd",
                                    HTTPSRC_CONF_INVALID),
                            "http.timer.cron.zone: invalid value "
                            "'../etc/passwd': unknown time zone");
        unsetenv("TZDIR");
        httpsrc_conf_destroy(c);
}

/* ---- Confluent HTTP Source aliases ---- */

/* Sets alias=value and expects canonical=want (as get and at show it),
 * the alias itself never stored. */
static void assert_alias(const char *alias,
                         const char *value,
                         const char *canonical,
                         const char *want)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, alias, value);
        assert_string_equal(conf_get_set(c, canonical), want);
        assert_string_equal(httpsrc_conf_get(c, canonical), want);
        assert_at(c, 0, canonical, want);
        assert_null(conf_get_set(c, alias));
        assert_null(httpsrc_conf_get(c, alias));
        httpsrc_conf_destroy(c);
}

static void test_alias_same_value(void **state)
{
        static const char *const pairs[][2] = {
            {"url", "http.url"},
            {"request.interval.ms", "http.timer.interval.ms"},
            {"max.retries", "http.retry.max.attempts"},
            {"retry.backoff.ms", "http.retry.backoff.ms"},
            {"connection.user", "http.auth.user"},
            {"connection.password", "http.auth.password"},
            {"bearer.token", "http.auth.token"},
            {"oauth2.token.url", "http.oauth2.token.url"},
            {"oauth2.client.id", "http.oauth2.client.id"},
            {"oauth2.client.secret", "http.oauth2.client.secret"},
            {"oauth2.client.scope", "http.oauth2.scope"},
            {"oauth2.token.property", "http.oauth2.token.property"},
        };
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
                assert_alias(pairs[i][0], "1234", pairs[i][1], "1234");
        assert_alias("url", "https://api.example.com/v1/items?x=${offset}",
                     "http.url",
                     "https://api.example.com/v1/items?x=${offset}");
        assert_alias("http.request.method", "post", "http.method", "post");
        assert_alias("http.request.method", "GET", "http.method", "GET");
        assert_alias("topic.name.pattern", "orders", "kafka.topic", "orders");
        assert_alias("connection.password", "${file:/run/s.properties:pw}",
                     "http.auth.password", "${file:/run/s.properties:pw}");

        /* Canonical keys Confluent shares are set as they are. */
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.request.parameters", "a=1&b=${offset}");
        set_ok(c, "http.offset.mode", "CURSOR_PAGINATION");
        set_ok(c, "http.initial.offset", "0");
        assert_at(c, 0, "http.request.parameters", "a=1&b=${offset}");
        httpsrc_conf_destroy(c);
}

static void test_alias_headers(void **state)
{
        assert_alias("http.request.headers", "A: b|C: d", "http.headers",
                     "A: b, C: d");
        assert_alias("http.request.headers",
                     " Accept:application/json | | X-Id: ${offset} |",
                     "http.headers",
                     "Accept:application/json, X-Id: ${offset}");
        assert_alias("http.request.headers", "Accept: a, b", "http.headers",
                     "Accept: a, b");
        assert_alias("http.request.headers", "", "http.headers", "");
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(set_res(c, "http.request.headers",
                                    "A: b|Bearer xyz", HTTPSRC_CONF_INVALID),
                            "http.request.headers: header 2 is not "
                            "'Name: value'"); /* the token stays unprinted */
        assert_string_equal(
            set_res(c, "http.request.headers", ": v", HTTPSRC_CONF_INVALID),
            "http.request.headers: header 1 is not 'Name: value'");
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

static void test_alias_topic(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(set_res(c, "topic.name.pattern",
                                    "http-${entityName}", HTTPSRC_CONF_INVALID),
                            "topic.name.pattern: entity names are not "
                            "supported");
        assert_int_equal(httpsrc_conf_count(c), 0);
        set_ok(c, "topic.name.pattern", "t1");
        set_ok(c, "kafka.topic", "t2"); /* the same key: last one wins */
        assert_int_equal(httpsrc_conf_count(c), 1);
        assert_string_equal(httpsrc_conf_get(c, "kafka.topic"), "t2");
        set_ok(c, "topic.name.pattern", NULL); /* unsets the canonical key */
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

static void test_alias_json_pointer(void **state)
{
        static const char *const cases[][2] = {
            {"", "$"},
            {"/", "$"},
            {"/data", "$.data"},
            {"/a/b", "$.a.b"},
            {"/a/0", "$.a[0]"},
            {"/items/12/id", "$.items[12].id"},
            {"/a~1b", "$['a/b']"},
            {"/m~0n", "$['m~n']"},
            {"/~01", "$['~1']"},
            {"/a b/x-y", "$['a b']['x-y']"},
            {"/it's", "$['it\\'s']"},
            {"/back\\slash", "$['back\\\\slash']"},
            {"/01", "$['01']"},
            {"/_x9", "$._x9"},
            {"/9x", "$['9x']"},
            {"/a/", "$.a['']"},
            {"/\xc3\xa9t\xc3\xa9", "$['\xc3\xa9t\xc3\xa9']"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_alias("http.offset.json.pointer", cases[i][0],
                             "http.offset.field", cases[i][1]);
                assert_alias("http.next.page.json.pointer", cases[i][0],
                             "http.pagination.cursor.path", cases[i][1]);
                /* Every result compiles as the records path. */
                httpsrc_conf *c = httpsrc_conf_new(CONN);
                set_ok(c, "http.response.data.json.pointer", cases[i][0]);
                assert_string_equal(
                    httpsrc_conf_get(c, "http.response.records.path"),
                    cases[i][1]);
                assert_int_equal(httpsrc_conf_count(c), 2);
                assert_at(c, 1, "http.response.records.expand", "true");
                httpsrc_conf_destroy(c);
        }

        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(set_res(c, "http.offset.json.pointer", "data",
                                    HTTPSRC_CONF_INVALID),
                            "http.offset.json.pointer: invalid value 'data': "
                            "a JSON Pointer is empty or starts with '/'");
        assert_string_equal(set_res(c, "http.response.data.json.pointer",
                                    "/a~2", HTTPSRC_CONF_INVALID),
                            "http.response.data.json.pointer: invalid value "
                            "'/a~2': '~' must be followed by 0 or 1");
        assert_string_equal(set_res(c, "http.next.page.json.pointer", "/a~",
                                    HTTPSRC_CONF_INVALID),
                            "http.next.page.json.pointer: invalid value "
                            "'/a~': '~' must be followed by 0 or 1");
        assert_string_equal(set_res(c, "http.response.data.json.pointer",
                                    "/${env:P}", HTTPSRC_CONF_INVALID),
                            "http.response.data.json.pointer: placeholders "
                            "are not supported in this key; set "
                            "http.response.records.path instead");
        /* A failed alias sets nothing, not even what it implies. */
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

static void test_alias_status_codes(void **state)
{
        assert_alias("retry.on.status.codes", "400-",
                     "http.response.error.codes", "400-599");
        assert_alias("retry.on.status.codes", "429, 500-",
                     "http.response.error.codes", "429,500-599");
        assert_alias("retry.on.status.codes", "400-500,503",
                     "http.response.error.codes", "400-500,503");
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        /* The value in the message is the one the user wrote. */
        assert_string_equal(
            set_res(c, "retry.on.status.codes", "4xx-", HTTPSRC_CONF_INVALID),
            "retry.on.status.codes: invalid value '4xx-': not a status code "
            "or range");
        assert_string_equal(set_res(c, "retry.on.status.codes", "400-,abc",
                                    HTTPSRC_CONF_INVALID),
                            "retry.on.status.codes: invalid value '400-,abc': "
                            "'abc': not a status code or range");
        assert_string_equal(set_res(c, "retry.on.status.codes", "${env:CODES}",
                                    HTTPSRC_CONF_INVALID),
                            "retry.on.status.codes: placeholders are not "
                            "supported in this key; set "
                            "http.response.error.codes instead");
        httpsrc_conf_destroy(c);
}

static void test_alias_auth_type(void **state)
{
        static const char *const cases[][2] = {{"none", "NONE"},
                                               {"basic", "BASIC"},
                                               {"OAuth2", "OAUTH2"},
                                               {"bearer", "BEARER"}};
        for (size_t i = 0; i < 4; i++)
                assert_alias("auth.type", cases[i][0], "http.auth.type",
                             cases[i][1]);
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(
            set_res(c, "auth.type", "digest", HTTPSRC_CONF_INVALID),
            "auth.type: invalid value 'digest': must be one of none, basic, "
            "oauth2, bearer");
        httpsrc_conf_destroy(c);
}

static void test_alias_invalid_canonical_value(void **state)
{
        /* The canonical key's checks apply; the message names the alias. */
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        assert_string_equal(
            set_res(c, "http.request.method", "put", HTTPSRC_CONF_INVALID),
            "http.request.method: invalid value 'put': must be one of GET, "
            "POST");
        assert_string_equal(
            set_res(c, "request.interval.ms", "5s", HTTPSRC_CONF_INVALID),
            "request.interval.ms: invalid value '5s': not an integer");
        assert_string_equal(
            set_res(c, "max.retries", "-1", HTTPSRC_CONF_INVALID),
            "max.retries: invalid value '-1': must be at least 0");
        assert_string_equal(set_res(c, "https.ssl.truststore.password", "a\nb",
                                    HTTPSRC_CONF_INVALID),
                            "https.ssl.truststore.password: invalid value: "
                            "must not contain line breaks");
        assert_string_equal(
            set_res(c, "https.ssl.keystore.type", "P12", HTTPSRC_CONF_INVALID),
            "https.ssl.keystore.type: invalid value 'P12': must be one of PEM, "
            "PKCS12, JKS");
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

static void test_alias_ssl(void **state)
{
        static const char *const pairs[][2] = {
            {"https.ssl.truststore.location", "http.ssl.truststore.location"},
            {"https.ssl.truststore.password", "http.ssl.truststore.password"},
            {"https.ssl.truststore.type", "http.ssl.truststore.type"},
            {"https.ssl.keystore.location", "http.ssl.keystore.location"},
            {"https.ssl.keystore.password", "http.ssl.keystore.password"},
            {"https.ssl.keystore.type", "http.ssl.keystore.type"},
            {"https.ssl.key.password", "http.ssl.key.password"},
        };
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                httpsrc_conf *c = httpsrc_conf_new(CONN);
                set_ok(c, pairs[i][0], "PEM");
                assert_int_equal(httpsrc_conf_count(c), 2);
                assert_at(c, 0, pairs[i][1], "PEM");
                assert_at(c, 1, "http.ssl.enabled", "true");
                httpsrc_conf_destroy(c);
        }
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "https.ssl.endpoint.identification.algorithm", "");
        assert_at(c, 0, "http.ssl.verify.hostname", "false");
        assert_at(c, 1, "http.ssl.enabled", "true");
        set_ok(c, "https.ssl.endpoint.identification.algorithm", "HTTPS");
        assert_at(c, 0, "http.ssl.verify.hostname", "true");
        assert_string_equal(
            set_res(c, "https.ssl.endpoint.identification.algorithm", "ldaps",
                    HTTPSRC_CONF_INVALID),
            "https.ssl.endpoint.identification.algorithm: invalid value "
            "'ldaps': must be https or empty");
        /* A JKS store set through the alias gets the canonical check. */
        set_ok(c, "name", "n");
        set_ok(c, "url", "https://x/");
        set_ok(c, "topic.name.pattern", "t");
        set_ok(c, "https.ssl.truststore.type", "JKS");
        set_ok(c, "https.ssl.truststore.location", "/s/trust.jks");
        assert_int_equal(check(c), HTTPSRC_ERR_INVAL);
        assert_string_equal(
            errstr, "http.ssl.truststore.type: JKS is not supported; convert "
                    "it to PKCS12: keytool -importkeystore -srckeystore "
                    "/s/trust.jks -srcstoretype JKS -destkeystore store.p12 "
                    "-deststoretype PKCS12");
        httpsrc_conf_destroy(c);
}

static void test_confluent_unsupported(void **state)
{
        static const char *const keys[] = {"entity.names",
                                           "max.in.flight.requests",
                                           "http.request.sensitive.headers",
                                           "oauth2.client.mode",
                                           "http.proxy.host",
                                           "http.proxy.port",
                                           "http.proxy.user",
                                           "http.proxy.password",
                                           "reporter.bootstrap.servers",
                                           "reporter.error.topic.name",
                                           "https.ssl.protocol",
                                           "https.ssl.cipher.suites",
                                           NULL};
        httpsrc_conf *c                 = httpsrc_conf_new(CONN);
        for (const char *const *k = keys; *k; k++) {
                char want[256];
                snprintf(want, sizeof(want),
                         "%s: Confluent key not supported yet", *k);
                assert_string_equal(set_res(c, *k, "x", HTTPSRC_CONF_UNKNOWN),
                                    want);
                assert_string_equal(set_res(c, *k, NULL, HTTPSRC_CONF_UNKNOWN),
                                    want);
        }
        /* Bare prefixes are plain unknown keys. */
        assert_string_equal(
            set_res(c, "http.proxy.", "x", HTTPSRC_CONF_UNKNOWN),
            "http.proxy.: unknown configuration key");
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);

        /* Aliases are connector keys only. */
        httpsrc_conf *w = httpsrc_conf_new(WORK);
        assert_string_equal(
            set_res(w, "url", "http://x/", HTTPSRC_CONF_UNKNOWN),
            "url: unknown configuration key");
        assert_string_equal(
            set_res(w, "entity.names", "a", HTTPSRC_CONF_UNKNOWN),
            "entity.names: unknown configuration key");
        httpsrc_conf_destroy(w);
}

static void test_alias_unset(void **state)
{
        httpsrc_conf *c = httpsrc_conf_new(CONN);
        set_ok(c, "http.response.data.json.pointer", "/data");
        set_ok(c, "https.ssl.key.password", "pw");
        assert_int_equal(httpsrc_conf_count(c), 4);
        /* Unsetting an alias unsets its canonical key; what it implied
         * stays (another key may imply it too). */
        set_ok(c, "http.response.data.json.pointer", NULL);
        set_ok(c, "https.ssl.key.password", NULL);
        assert_int_equal(httpsrc_conf_count(c), 2);
        assert_at(c, 0, "http.response.records.expand", "true");
        assert_at(c, 1, "http.ssl.enabled", "true");
        assert_string_equal(httpsrc_conf_get(c, "http.response.records.path"),
                            "$");
        httpsrc_conf_destroy(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_new_scopes),
            cmocka_unit_test(test_tables),
            cmocka_unit_test(test_defaults),
            cmocka_unit_test(test_set_order_replace_remove),
            cmocka_unit_test(test_invalid_values),
            cmocka_unit_test(test_jsonpath_validation),
            cmocka_unit_test(test_placeholders_not_validated),
            cmocka_unit_test(test_password_never_echoed),
            cmocka_unit_test(test_unknown_keys),
            cmocka_unit_test(test_deferred_keys),
            cmocka_unit_test(test_dup),
            cmocka_unit_test(test_check_required),
            cmocka_unit_test(test_check_url),
            cmocka_unit_test(test_check_body_and_joining),
            cmocka_unit_test(test_validate_problem_list),
            cmocka_unit_test(test_typed_getters),
            cmocka_unit_test(test_bad_arguments),
            cmocka_unit_test(test_spec_keys),
            cmocka_unit_test(test_status_codes),
            cmocka_unit_test(test_check_policies),
            cmocka_unit_test(test_cron_expression),
            cmocka_unit_test(test_alias_same_value),
            cmocka_unit_test(test_alias_headers),
            cmocka_unit_test(test_alias_topic),
            cmocka_unit_test(test_alias_json_pointer),
            cmocka_unit_test(test_alias_status_codes),
            cmocka_unit_test(test_alias_auth_type),
            cmocka_unit_test(test_alias_invalid_canonical_value),
            cmocka_unit_test(test_alias_ssl),
            cmocka_unit_test(test_confluent_unsupported),
            cmocka_unit_test(test_alias_unset),
        };
        return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
