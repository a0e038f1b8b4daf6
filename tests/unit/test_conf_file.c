/* Unit tests: loading confs from .properties and JSON files (conf_file.c).
 */
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

struct fixture {
        char dir[64];
        char path[128];
        char errstr[1024];
        char want[1024];
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/httpsrc-test-conf-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/c.properties", f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        unlink(f->path);
        rmdir(f->dir);
        free(f);
        return 0;
}

/* Writes @p len bytes (strlen when len is 0) to the fixture file. */
static void write_file(struct fixture *f, const char *text, size_t len)
{
        FILE *fp = fopen(f->path, "wb");
        assert_non_null(fp);
        if (!len)
                len = strlen(text);
        assert_int_equal(fwrite(text, 1, len, fp), len);
        fclose(fp);
}

static int load(struct fixture *f, httpsrc_conf *c, const char *text)
{
        write_file(f, text, 0);
        strcpy(f->errstr, "(untouched)");
        return httpsrc_conf_load_file(c, f->path, f->errstr, sizeof(f->errstr));
}

/* Expects the load to fail with @p rc and "<file><msg>". */
static void load_fails(struct fixture *f,
                       httpsrc_conf *c,
                       const char *text,
                       int rc,
                       const char *msg)
{
        assert_int_equal(load(f, c, text), rc);
        snprintf(f->want, sizeof(f->want), "%s%s", f->path, msg);
        assert_string_equal(f->errstr, f->want);
}

static void
assert_at(const httpsrc_conf *c, size_t i, const char *k, const char *v)
{
        const char *key = NULL, *val = NULL;
        assert_int_equal(httpsrc_conf_at(c, i, &key, &val), HTTPSRC_OK);
        assert_string_equal(key, k);
        assert_string_equal(val, v);
}

static void test_props_separators_comments(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(load(f, c,
                              "# a comment\n"
                              "! another comment\n"
                              "\n"
                              "   \t\n"
                              "name=orders\n"
                              "  kafka.topic : events\n"
                              "http.url   https://api.example.com/v1\n"
                              "http.method\t=\tPOST   \n"
                              "http.headers:A: 1, B: 2\n"
                              "http.request.body =\n"
                              "http.auth.user=a=b:c # not a comment"),
                         HTTPSRC_OK);
        assert_string_equal(f->errstr, "(untouched)");
        assert_int_equal(httpsrc_conf_count(c), 7);
        assert_at(c, 0, "name", "orders");
        assert_at(c, 1, "kafka.topic", "events");
        assert_at(c, 2, "http.url", "https://api.example.com/v1");
        assert_at(c, 3, "http.method", "POST");
        assert_at(c, 4, "http.headers", "A: 1, B: 2");
        assert_at(c, 5, "http.request.body", "");
        assert_at(c, 6, "http.auth.user", "a=b:c # not a comment");
        httpsrc_conf_destroy(c);
}

static void test_props_escapes(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(
            load(f, c,
                 "http.request.body=a\\tb\\nc\\rd\\fe\\\\f\\=g\\:h\\#i\\!j\n"
                 "http.headers=\\u00e9\\u20AC\\uD83D\\uDE00\\q\n"
                 "transforms.a\\:b.type = X\n"
                 "transforms.a\\ b.type = Y\n"
                 "http.auth.user=\\ \\ lead and trail\\ \n"
                 "h\\u0074tp.url=http://x/\n"),
            HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(c), 6);
        assert_at(c, 0, "http.request.body", "a\tb\nc\rd\fe\\f=g:h#i!j");
        /* UTF-8 of U+00E9, U+20AC, U+1F600; unknown escapes drop the \ */
        assert_at(c, 1, "http.headers",
                  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80q");
        assert_at(c, 2, "transforms.a:b.type", "X");
        assert_at(c, 3, "transforms.a b.type", "Y");
        assert_at(c, 4, "http.auth.user", "  lead and trail ");
        assert_at(c, 5, "http.url", "http://x/");
        httpsrc_conf_destroy(c);
}

static void test_props_continuation(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(load(f, c,
                              "http.url=https://api.example.com/\\\n"
                              "         v1/\\\r\n"
                              "\t orders\r\n"
                              "http.headers=A: 1, \\\n"
                              "  B: 2\n"
                              "# a comment never continues \\\n"
                              "name=orders\r"
                              "kafka.topic=two\\\\\n"
                              "http.auth.user=at eof\\"),
                         HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(c), 5);
        assert_at(c, 0, "http.url", "https://api.example.com/v1/orders");
        assert_at(c, 1, "http.headers", "A: 1, B: 2");
        assert_at(c, 2, "name", "orders");
        /* An even number of backslashes is an escaped one, not a join. */
        assert_at(c, 3, "kafka.topic", "two\\");
        assert_at(c, 4, "http.auth.user", "at eof");
        httpsrc_conf_destroy(c);
}

static void test_props_errors(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        load_fails(f, c, "# x\nname=a\nhttp.ur=x\n", HTTPSRC_ERR_INVAL,
                   ":3: http.ur: unknown configuration key (did you mean "
                   "'http.url'?)");
        /* The line of the key, after a continued line and CRLF ends. */
        load_fails(f, c,
                   "http.headers=A: 1, \\\r\n  B: 2\r\n\r\nhttp.method=PUT\r\n",
                   HTTPSRC_ERR_INVAL,
                   ":4: http.method: invalid value 'PUT': must be one of GET, "
                   "POST");
        load_fails(f, c, "tasks.max = \\\n  0\n", HTTPSRC_ERR_INVAL,
                   ":1: tasks.max: invalid value '0': must be at least 1");
        load_fails(f, c, "\n\nhttp.headers=\\u00g1\n", HTTPSRC_ERR_PARSE,
                   ":3: malformed \\uXXXX escape");
        load_fails(f, c, "http.headers=\\u12\n", HTTPSRC_ERR_PARSE,
                   ":1: malformed \\uXXXX escape");
        load_fails(f, c, "http.headers=\\uD83Dx\n", HTTPSRC_ERR_PARSE,
                   ":1: unpaired UTF-16 surrogate in \\u escape");
        load_fails(f, c, "http.headers=\\uDE00\n", HTTPSRC_ERR_PARSE,
                   ":1: unpaired UTF-16 surrogate in \\u escape");
        load_fails(f, c, "http.headers=a\\u0000b\n", HTTPSRC_ERR_PARSE,
                   ":1: \\u0000 is not allowed");
        load_fails(f, c, "name=x\n = value\n", HTTPSRC_ERR_PARSE,
                   ":2: empty key");
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

static void test_unreadable_and_nul(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        char missing[160];
        snprintf(missing, sizeof(missing), "%s/missing.properties", f->dir);
        assert_int_equal(
            httpsrc_conf_load_file(c, missing, f->errstr, sizeof(f->errstr)),
            HTTPSRC_ERR_IO);
        snprintf(f->want, sizeof(f->want), "%s: No such file or directory",
                 missing);
        assert_string_equal(f->errstr, f->want);

        assert_int_equal(
            httpsrc_conf_load_file(c, f->dir, f->errstr, sizeof(f->errstr)),
            HTTPSRC_ERR_IO);
        snprintf(f->want, sizeof(f->want), "%s: Is a directory", f->dir);
        assert_string_equal(f->errstr, f->want);

        write_file(f, "name=a\0b\n", 9);
        assert_int_equal(
            httpsrc_conf_load_file(c, f->path, f->errstr, sizeof(f->errstr)),
            HTTPSRC_ERR_PARSE);
        snprintf(f->want, sizeof(f->want), "%s: file contains a NUL byte",
                 f->path);
        assert_string_equal(f->errstr, f->want);

        assert_int_equal(
            httpsrc_conf_load_file(c, NULL, f->errstr, sizeof(f->errstr)),
            HTTPSRC_ERR_INVAL);
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

/* A failed load leaves the conf exactly as it was. */
static void test_failed_load_changes_nothing(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(httpsrc_conf_set(c, "name", "keep", NULL, 0),
                         HTTPSRC_CONF_OK);
        load_fails(f, c, "name=changed\nkafka.topic=t\nbogus=1\n",
                   HTTPSRC_ERR_INVAL, ":3: bogus: unknown configuration key");
        assert_int_equal(httpsrc_conf_count(c), 1);
        assert_at(c, 0, "name", "keep");
        load_fails(f, c, "{\"name\": \"changed\", \"x\": [1]}",
                   HTTPSRC_ERR_INVAL, ": x: value must be a string");
        assert_int_equal(httpsrc_conf_count(c), 1);
        assert_at(c, 0, "name", "keep");

        /* A successful load adds to and overrides what is there. */
        assert_int_equal(load(f, c, "kafka.topic=t\nname=new\n"), HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(c), 2);
        assert_at(c, 0, "name", "new");
        assert_at(c, 1, "kafka.topic", "t");
        assert_int_equal(conf_scope(c), CONN);
        httpsrc_conf_destroy(c);
}

static void test_worker_properties(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *w   = httpsrc_conf_new(WORK);
        assert_int_equal(load(f, w,
                              "bootstrap.servers=k1:9092,k2:9092\n"
                              "offset.storage.file.filename=/tmp/offsets\n"
                              "value.converter.schemas.enable=false\n"
                              "producer.linger.ms=5\n"
                              "security.protocol=SASL_SSL\n"),
                         HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(w), 5);
        assert_at(w, 3, "producer.linger.ms", "5");
        load_fails(f, w, "http.url=http://x/\n", HTTPSRC_ERR_INVAL,
                   ":1: http.url: unknown configuration key");
        httpsrc_conf_destroy(w);
}

static void test_json_wrapped(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(httpsrc_conf_set(c, "http.method", "POST", NULL, 0),
                         HTTPSRC_CONF_OK);
        assert_int_equal(
            load(f, c,
                 "\xEF\xBB\xBF \n\t{\"name\": \"orders\", \"config\": {\n"
                 "  \"kafka.topic\": \"t\",\n"
                 "  \"name\": \"orders\",\n"
                 "  \"http.url\": \"https://x/\\u00e9?a=${offset}\",\n"
                 "  \"http.timer.interval.ms\": 1500,\n"
                 "  \"value.converter.schemas.enable\": false,\n"
                 "  \"key.converter.schemas.enable\": true,\n"
                 "  \"http.method\": null\n"
                 "}, \"tasks\": [], \"type\": \"source\"}"),
            HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(c), 6);
        assert_at(c, 0, "name", "orders");
        assert_at(c, 1, "kafka.topic", "t");
        assert_at(c, 2, "http.url", "https://x/\xc3\xa9?a=${offset}");
        assert_at(c, 3, "http.timer.interval.ms", "1500");
        assert_at(c, 4, "value.converter.schemas.enable", "false");
        assert_at(c, 5, "key.converter.schemas.enable", "true");
        /* null unset the POST set before */
        assert_string_equal(httpsrc_conf_get(c, "http.method"), "GET");
        httpsrc_conf_destroy(c);

        /* config.name alone names the connector. */
        c = httpsrc_conf_new(CONN);
        assert_int_equal(load(f, c, "{\"config\": {\"name\": \"a\"}}"),
                         HTTPSRC_OK);
        assert_string_equal(httpsrc_conf_get(c, "name"), "a");
        httpsrc_conf_destroy(c);
}

static void test_json_flat(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        assert_int_equal(load(f, c,
                              "{\"name\": \"n\", \"kafka.topic\": \"t\", "
                              "\"tasks.max\": 1, \"http.auth.user\": \"u\", "
                              "\"http.request.body\": \"\"}"),
                         HTTPSRC_OK);
        assert_int_equal(httpsrc_conf_count(c), 5);
        assert_at(c, 0, "name", "n");
        assert_at(c, 2, "tasks.max", "1");
        assert_at(c, 3, "http.auth.user", "u");
        assert_at(c, 4, "http.request.body", "");
        httpsrc_conf_destroy(c);
}

static void test_json_errors(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        load_fails(f, c, "{\"name\": \"a\", \"config\": {\"name\": \"b\"}}",
                   HTTPSRC_ERR_INVAL,
                   ": name: connector name 'a' does not match config name "
                   "'b'");
        load_fails(f, c, "{\"config\": {\"http.headers\": {\"A\": \"1\"}}}",
                   HTTPSRC_ERR_INVAL, ": http.headers: value must be a string");
        load_fails(f, c, "{\"transforms\": [\"a\", \"b\"]}", HTTPSRC_ERR_INVAL,
                   ": transforms: value must be a string");
        load_fails(f, c, "{\"name\": {}, \"config\": {}}", HTTPSRC_ERR_INVAL,
                   ": name: value must be a string");
        load_fails(f, c, "{\"config\": {\"http.method\": \"PUT\"}}",
                   HTTPSRC_ERR_INVAL,
                   ": http.method: invalid value 'PUT': must be one of GET, "
                   "POST");
        load_fails(f, c, "{\"http.timer.interval.ms\": 1.5}", HTTPSRC_ERR_INVAL,
                   ": http.timer.interval.ms: invalid value '1.5': not an "
                   "integer");
        load_fails(f, c, "{\"config\": {}, \"initial_state\": \"PAUSED\"}",
                   HTTPSRC_ERR_INVAL,
                   ": initial_state: unexpected top-level member (expected "
                   "name and config)");
        /* A "config" that is not an object is just an unknown flat key. */
        load_fails(f, c, "{\"config\": \"x\"}", HTTPSRC_ERR_INVAL,
                   ": config: unknown configuration key");
        load_fails(f, c, "{\"name\": \"a\",}", HTTPSRC_ERR_PARSE,
                   ":1:14: invalid JSON at byte 14: parse error: invalid object "
                   "key (must be a string)");
        load_fails(f, c, "{\"name\": }", HTTPSRC_ERR_PARSE,
                   ":1:10: invalid JSON at byte 10: parse error: unallowed token "
                   "at this point in JSON text");
        load_fails(f, c, "  {\"name\": \"a\"", HTTPSRC_ERR_PARSE,
                   ":1:14: invalid JSON at byte 14: parse error: premature EOF");
        load_fails(f, c, "{\"name\": \"a\"} {}", HTTPSRC_ERR_PARSE,
                   ":1:15: trailing data after JSON value at byte 14");
        load_fails(f, c, "{'name': 'a'}", HTTPSRC_ERR_PARSE,
                   ":1:2: invalid JSON at byte 2: lexical error: invalid char in "
                   "json text.");
        /* The place is line:column, as an editor shows it (issue 11). */
        load_fails(f, c, "{\"name\": \"a\",\n  \"x\": \"\u00e9\" 1}",
                   HTTPSRC_ERR_PARSE,
                   ":2:11: invalid JSON at byte 26: parse error: after key "
                   "and value, inside map, I expect ',' or '}'");
        /* json.c keeps lengths: \u0000 is refused where it is, by key. */
        load_fails(f, c, "{\"http.headers\": \"a\\u0000b\"}", HTTPSRC_ERR_INVAL,
                   ": http.headers: \\u0000 is not allowed");
        load_fails(f, c,
                   "{\"name\": \"n\", \"config\": {\"kafka.topic\": "
                   "\"t\\u0000\"}}",
                   HTTPSRC_ERR_INVAL, ": kafka.topic: \\u0000 is not allowed");
        load_fails(f, c, "{\"kafka\\u0000.topic\": \"t\"}", HTTPSRC_ERR_INVAL,
                   ": kafka: \\u0000 is not allowed in a key");
        /* An escaped backslash before u0000 is plain text. */
        httpsrc_conf *c2 = httpsrc_conf_new(CONN);
        const char *ok   = "{\"http.headers\": \"X-A: \\\\u0000\"}";
        assert_int_equal(conf_load_text(c2, "x.json", ok, strlen(ok), f->errstr,
                                        sizeof(f->errstr)),
                         HTTPSRC_OK);
        assert_string_equal(httpsrc_conf_get(c2, "http.headers"),
                            "X-A: \\u0000");
        httpsrc_conf_destroy(c2);
        assert_int_equal(httpsrc_conf_count(c), 0);
        httpsrc_conf_destroy(c);
}

/* conf_load_file_partial() with a problem list: each refused key is one
 * (key, message) pair, a value holding "; " included; the keys accepted
 * stay set. */
static void test_partial_problem_list(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        kvlist problems   = {0};
        write_file(f, "kafka.topic=t\n"
                      "http.timer.interval.ms=5s; name: x\n"
                      "http.method=PUT\n", 0);
        assert_int_equal(conf_load_file_partial(c, f->path, &problems,
                                                f->errstr, sizeof(f->errstr)),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(problems.n, 2);
        assert_string_equal(problems.v[0].key, "http.timer.interval.ms");
        snprintf(f->want, sizeof(f->want),
                 "%s:2: http.timer.interval.ms: invalid value '5s; name: x': "
                 "not an integer",
                 f->path);
        assert_string_equal(problems.v[0].value, f->want);
        assert_string_equal(problems.v[1].key, "http.method");
        assert_string_equal(httpsrc_conf_get(c, "kafka.topic"), "t");
        kvl_free(&problems);
        httpsrc_conf_destroy(c);
}

/* A connector config as Confluent's docs write it loads unchanged: every
 * Confluent key lands on its canonical key, in file order. */
static void test_confluent_config(void **state)
{
        struct fixture *f = *state;
        httpsrc_conf *c   = httpsrc_conf_new(CONN);
        const char *path =
            HTTPSRC_SOURCE_ROOT "/tests/unit/data/confluent-http-source.json";
        assert_int_equal(
            httpsrc_conf_load_file(c, path, f->errstr, sizeof(f->errstr)),
            HTTPSRC_OK);
        static const char *const want[][2] = {
            {"name", "http-source-messages"},
            {"connector.class",
             "io.confluent.connect.http.HttpSourceConnector"},
            {"tasks.max", "1"},
            {"http.url", "http://localhost:8080/api/messages"},
            {"kafka.topic", "http-messages"},
            {"http.method", "GET"},
            {"http.headers", "Accept: application/json, X-Client: httpsrc"},
            {"http.request.parameters", "limit=100&offset=${offset}"},
            {"http.offset.mode", "SIMPLE_INCREMENTING"},
            {"http.initial.offset", "0"},
            {"http.response.records.path", "$.data"},
            {"http.response.records.expand", "true"},
            {"http.timer.interval.ms", "5000"},
            {"http.retry.max.attempts", "3"},
            {"http.retry.backoff.ms", "500"},
            {"http.response.error.codes", "400-599"},
            {"http.auth.type", "BASIC"},
            {"http.auth.user", "admin"},
            {"http.auth.password", "admin-secret"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"},
        };
        size_t n = sizeof(want) / sizeof(want[0]);
        assert_int_equal(httpsrc_conf_count(c), n);
        for (size_t i = 0; i < n; i++)
                assert_at(c, i, want[i][0], want[i][1]);
        assert_null(httpsrc_conf_get(c, "url"));
        assert_null(httpsrc_conf_get(c, "topic.name.pattern"));
        assert_int_equal(httpsrc_conf_check(c, f->errstr, sizeof(f->errstr)),
                         HTTPSRC_OK);
        httpsrc_conf_destroy(c);

        /* The same keys in a .properties file, with a Confluent-only key
         * named in the error. */
        c = httpsrc_conf_new(CONN);
        load_fails(f, c,
                   "url=http://h/x\n"
                   "http.request.headers=A: 1|B: 2\n"
                   "entity.names=a,b\n",
                   HTTPSRC_ERR_INVAL,
                   ":3: entity.names: Confluent key not supported yet");
        assert_int_equal(httpsrc_conf_count(c), 0);
        assert_int_equal(load(f, c,
                              "url=http://h/x\n"
                              "http.request.headers=A: 1|B: 2\n"
                              "http.offset.json.pointer=/meta/id\n"),
                         HTTPSRC_OK);
        assert_at(c, 0, "http.url", "http://h/x");
        assert_at(c, 1, "http.headers", "A: 1, B: 2");
        assert_at(c, 2, "http.offset.field", "$.meta.id");
        httpsrc_conf_destroy(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_props_separators_comments,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_props_escapes, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_props_continuation, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_props_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unreadable_and_nul, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_failed_load_changes_nothing,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_worker_properties, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_json_wrapped, setup, teardown),
            cmocka_unit_test_setup_teardown(test_json_flat, setup, teardown),
            cmocka_unit_test_setup_teardown(test_json_errors, setup, teardown),
            cmocka_unit_test_setup_teardown(test_partial_problem_list, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_confluent_config, setup,
                                            teardown),
        };
        return cmocka_run_group_tests_name("conf_file", tests, NULL, NULL);
}
