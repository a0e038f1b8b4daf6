/* Unit tests: the conf object and the declared key tables (conf.c,
 * conf_keys.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf_int.h"
#include "httpsrc/httpsrc.h"

#define CONN HTTPSRC_SCOPE_CONNECTOR
#define WORK HTTPSRC_SCOPE_WORKER

static char errstr[512];

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
                            t->type <= HTTPSRC_PARAM_JSONPATH);
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
            set_res(c, "tasks.max", "3", HTTPSRC_CONF_INVALID),
            "tasks.max: invalid value '3': must be between 1 and 1");
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
            "producer.override.acks", NULL};
        static const char *const conn_bad[] = {
            "transforms.ins", "transforms.",       "transforms..x",
            "transforms.a.",  "http.auth.",        "producer.acks",
            "sasl.mechanism", "security.protocol", NULL};
        static const char *const work_ok[]  = {"producer.acks",
                                               "producer.linger.ms",
                                               "sasl.mechanism",
                                               "ssl.ca.location",
                                               "security.protocol",
                                               "client.id",
                                               NULL};
        static const char *const work_bad[] = {
            "client.id.x",    "security.protocols", "producer.",
            "http.auth.user", "transforms.a.b",     NULL};
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
            cmocka_unit_test(test_typed_getters),
            cmocka_unit_test(test_bad_arguments),
        };
        return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
