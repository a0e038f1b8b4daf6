/* Unit tests: converters (converter.c) write the bytes Kafka Connect's
 * JsonConverter / StringConverter / ByteArrayConverter would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "converter_int.h"
#include "httpsrc/common.h"

static char errstr[512];

static converter *new_conv(const char *cls, int schemas)
{
        converter *c = converter_new("value.converter", cls, schemas, errstr,
                                     sizeof(errstr));
        if (!c)
                fail_msg("converter_new(%s): %s", cls, errstr);
        return c;
}

/* Converts @p in (NUL-terminated, or NULL) and checks the exact output. */
static void assert_conv_len(const converter *c,
                            const char *in,
                            const char *want,
                            size_t want_len)
{
        strbuf out   = {0};
        int out_null = -1;
        strcpy(errstr, "(untouched)");
        int rc = converter_convert(c, in, in ? strlen(in) : 0, &out, &out_null,
                                   errstr, sizeof(errstr));
        if (rc)
                fail_msg("convert '%s': %s", in, errstr);
        if (!want) {
                assert_int_equal(out_null, 1);
                assert_int_equal(out.len, 0);
        } else {
                assert_int_equal(out_null, 0);
                assert_int_equal(out.len, want_len);
                assert_memory_equal(out.buf, want, want_len);
                assert_int_equal(out.buf[out.len], '\0');
        }
        sb_free(&out);
}

static void assert_conv(const converter *c, const char *in, const char *want)
{
        assert_conv_len(c, in, want, want ? strlen(want) : 0);
}

static void assert_schema(const char *in, const char *want)
{
        converter *c = new_conv(CONVERTER_JSON, 1);
        assert_conv(c, in, want);
        converter_destroy(c);
}

/* The example from the brief, byte for byte as Connect writes it. */
static void test_json_schema_record(void **state)
{
        assert_schema(
            "{\"id\":17,\"name\":\"a\",\"tags\":[\"x\"],\"n\":null,"
            "\"f\":1.5,\"ok\":true}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":["
            "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
            "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
            "{\"type\":\"array\",\"items\":{\"type\":\"string\","
            "\"optional\":false},\"optional\":false,\"field\":\"tags\"},"
            "{\"type\":\"string\",\"optional\":true,\"field\":\"n\"},"
            "{\"type\":\"double\",\"optional\":false,\"field\":\"f\"},"
            "{\"type\":\"boolean\",\"optional\":false,\"field\":\"ok\"}],"
            "\"optional\":false},"
            "\"payload\":{\"id\":17,\"name\":\"a\",\"tags\":[\"x\"],"
            "\"n\":null,\"f\":1.5,\"ok\":true}}");
}

static void test_json_schema_scalars(void **state)
{
        assert_schema("\"hi\"", "{\"schema\":{\"type\":\"string\","
                                "\"optional\":false},\"payload\":\"hi\"}");
        assert_schema("true", "{\"schema\":{\"type\":\"boolean\","
                              "\"optional\":false},\"payload\":true}");
        assert_schema("false", "{\"schema\":{\"type\":\"boolean\","
                               "\"optional\":false},\"payload\":false}");
        assert_schema("42", "{\"schema\":{\"type\":\"int64\","
                            "\"optional\":false},\"payload\":42}");
        assert_schema("-7", "{\"schema\":{\"type\":\"int64\","
                            "\"optional\":false},\"payload\":-7}");
        assert_schema("9223372036854775807",
                      "{\"schema\":{\"type\":\"int64\",\"optional\":false},"
                      "\"payload\":9223372036854775807}");
        assert_schema("-9223372036854775808",
                      "{\"schema\":{\"type\":\"int64\",\"optional\":false},"
                      "\"payload\":-9223372036854775808}");
        /* Beyond a Java long: double; the payload keeps the text. */
        assert_schema("9223372036854775808",
                      "{\"schema\":{\"type\":\"double\",\"optional\":false},"
                      "\"payload\":9223372036854775808}");
        assert_schema("2.5", "{\"schema\":{\"type\":\"double\","
                             "\"optional\":false},\"payload\":2.5}");
        assert_schema("1e3", "{\"schema\":{\"type\":\"double\","
                             "\"optional\":false},\"payload\":1e3}");
        assert_schema("1E-2", "{\"schema\":{\"type\":\"double\","
                              "\"optional\":false},\"payload\":1E-2}");
        assert_schema("1.0", "{\"schema\":{\"type\":\"double\","
                             "\"optional\":false},\"payload\":1.0}");
}

static void test_json_schema_nested(void **state)
{
        /* Struct in struct, payload compacted. */
        assert_schema("{ \"a\" : { \"b\" : 1 , \"c\" : { } } }",
                      "{\"schema\":{\"type\":\"struct\",\"fields\":["
                      "{\"type\":\"struct\",\"fields\":["
                      "{\"type\":\"int64\",\"optional\":false,\"field\":\"b\"},"
                      "{\"type\":\"struct\",\"fields\":[],\"optional\":false,"
                      "\"field\":\"c\"}],\"optional\":false,\"field\":\"a\"}],"
                      "\"optional\":false},"
                      "\"payload\":{\"a\":{\"b\":1,\"c\":{}}}}");
        /* Array of structs: items from the first element. */
        assert_schema(
            "[{\"id\":1,\"v\":\"x\"},{\"id\":2,\"v\":\"y\"}]",
            "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"struct\","
            "\"fields\":["
            "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
            "{\"type\":\"string\",\"optional\":false,\"field\":\"v\"}],"
            "\"optional\":false},\"optional\":false},"
            "\"payload\":[{\"id\":1,\"v\":\"x\"},{\"id\":2,\"v\":\"y\"}]}");
        /* Empty array: items default to string. */
        assert_schema("{\"e\":[]}",
                      "{\"schema\":{\"type\":\"struct\",\"fields\":["
                      "{\"type\":\"array\",\"items\":{\"type\":\"string\","
                      "\"optional\":false},\"optional\":false,"
                      "\"field\":\"e\"}],\"optional\":false},"
                      "\"payload\":{\"e\":[]}}");
        /* Array of arrays; array whose first element is null. */
        assert_schema("[[1.5],[]]",
                      "{\"schema\":{\"type\":\"array\",\"items\":{"
                      "\"type\":\"array\",\"items\":{\"type\":\"double\","
                      "\"optional\":false},\"optional\":false},"
                      "\"optional\":false},\"payload\":[[1.5],[]]}");
        assert_schema("[null,\"a\"]",
                      "{\"schema\":{\"type\":\"array\",\"items\":{"
                      "\"type\":\"string\",\"optional\":true},"
                      "\"optional\":false},\"payload\":[null,\"a\"]}");
}

/* Field names and string payloads are escaped as Jackson does. */
static void test_json_schema_escapes(void **state)
{
        assert_schema("{\"a\\\"b\\u0001\":\"\\u00e9\\n\"}",
                      "{\"schema\":{\"type\":\"struct\",\"fields\":["
                      "{\"type\":\"string\",\"optional\":false,"
                      "\"field\":\"a\\\"b\\u0001\"}],\"optional\":false},"
                      "\"payload\":{\"a\\\"b\\u0001\":\"\xc3\xa9\\n\"}}");
}

static void test_null_values(void **state)
{
        static const char *const classes[] = {CONVERTER_JSON, CONVERTER_STRING,
                                              CONVERTER_BYTES};
        for (size_t i = 0; i < 3; i++) {
                for (int schemas = 0; schemas < 2; schemas++) {
                        converter *c = new_conv(classes[i], schemas);
                        assert_conv(c, NULL, NULL);
                        converter_destroy(c);
                }
        }
        /* The literal null is Connect's null value, except for
         * ByteArrayConverter, which has no JSON view of its bytes. */
        converter *c = new_conv(CONVERTER_JSON, 1);
        assert_conv(c, "null", NULL);
        assert_conv(c, " null\n", NULL);
        converter_destroy(c);
        c = new_conv(CONVERTER_JSON, 0);
        assert_conv(c, "null", NULL);
        converter_destroy(c);
        c = new_conv(CONVERTER_STRING, 0);
        assert_conv(c, "null", NULL);
        assert_conv(c, "\"null\"", "null");
        converter_destroy(c);
        c = new_conv(CONVERTER_BYTES, 0);
        assert_conv(c, "null", "null");
        converter_destroy(c);
}

static void test_json_no_schema_identity(void **state)
{
        converter *c = new_conv(CONVERTER_JSON, 0);
        assert_int_equal(converter_is_identity(c), 1);
        /* The bytes as given, not reformatted. */
        assert_conv(c, "{ \"a\" : 1.50 }", "{ \"a\" : 1.50 }");
        assert_conv(c, "\"x\"", "\"x\"");
        converter_destroy(c);
        c = new_conv("JsonConverter", 1);
        assert_int_equal(converter_is_identity(c), 0);
        converter_destroy(c);
        c = new_conv(CONVERTER_STRING, 0);
        assert_int_equal(converter_is_identity(c), 0);
        converter_destroy(c);
        c = new_conv(CONVERTER_BYTES, 0);
        assert_int_equal(converter_is_identity(c), 0);
        converter_destroy(c);
        assert_int_equal(converter_is_identity(NULL), 0);
}

static void test_string_converter(void **state)
{
        /* schemas.enable does not apply to StringConverter. */
        converter *c = new_conv("StringConverter", 1);
        assert_conv(c, "\"plain\"", "plain");
        assert_conv(c, "\"\"", "");
        assert_conv(c, "\"q\\\" b\\\\ s\\/ t\\t n\\n\"", "q\" b\\ s/ t\t n\n");
        assert_conv(c, "\"\\u00e9\\u20ac\\ud83d\\ude00 \xc3\xa9\"",
                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9");
        /* A NUL inside the string is kept: the length is exact. */
        assert_conv_len(c, "\"a\\u0000b\"", "a\0b", 3);
        /* Anything but a string: its compact JSON. */
        assert_conv(c, "{ \"a\" : [ 1 , \"\\u00e9\" ] , \"b\":null }",
                    "{\"a\":[1,\"\xc3\xa9\"],\"b\":null}");
        assert_conv(c, " 12.50 ", "12.50");
        assert_conv(c, "true", "true");
        assert_conv(c, "[]", "[]");
        converter_destroy(c);
}

static void test_bytes_converter(void **state)
{
        converter *c = new_conv(CONVERTER_BYTES, 1);
        assert_conv(c, " {\"a\" : 1} ", " {\"a\" : 1} ");
        assert_conv(c, "\"s\"", "\"s\"");
        converter_destroy(c);
        c = new_conv("ByteArrayConverter", 0);
        assert_conv(c, "[1,2]", "[1,2]");
        converter_destroy(c);
}

static void test_output_reset(void **state)
{
        converter *c = new_conv(CONVERTER_STRING, 0);
        strbuf out   = {0};
        int is_null  = 0;
        sb_puts(&out, "stale");
        assert_int_equal(converter_convert(c, "\"x\"", 3, &out, &is_null,
                                           errstr, sizeof(errstr)),
                         HTTPSRC_OK);
        assert_string_equal(out.buf, "x");
        assert_int_equal(converter_convert(c, NULL, 0, &out, &is_null, errstr,
                                           sizeof(errstr)),
                         HTTPSRC_OK);
        assert_int_equal(is_null, 1);
        assert_int_equal(out.len, 0);
        /* Not NUL-terminated input: only len bytes are read. */
        assert_int_equal(converter_convert(c, "\"ab\"junk", 4, &out, &is_null,
                                           errstr, sizeof(errstr)),
                         HTTPSRC_OK);
        assert_int_equal(is_null, 0);
        assert_string_equal(out.buf, "ab");
        sb_free(&out);
        converter_destroy(c);
}

static void test_errors(void **state)
{
        assert_null(converter_new("value.converter", "io.confluent.Avro", 0,
                                  errstr, sizeof(errstr)));
        assert_string_equal(
            errstr, "value.converter: unknown converter 'io.confluent.Avro' "
                    "(supported: org.apache.kafka.connect.json.JsonConverter, "
                    "org.apache.kafka.connect.storage.StringConverter, "
                    "org.apache.kafka.connect.converters.ByteArrayConverter)");
        assert_null(converter_new("key.converter", "jsonconverter", 0, errstr,
                                  sizeof(errstr)));
        assert_string_equal(
            errstr, "key.converter: unknown converter 'jsonconverter' "
                    "(supported: org.apache.kafka.connect.json.JsonConverter, "
                    "org.apache.kafka.connect.storage.StringConverter, "
                    "org.apache.kafka.connect.converters.ByteArrayConverter)");
        assert_null(
            converter_new("key.converter", NULL, 0, errstr, sizeof(errstr)));
        assert_string_equal(
            errstr, "key.converter: unknown converter '' "
                    "(supported: org.apache.kafka.connect.json.JsonConverter, "
                    "org.apache.kafka.connect.storage.StringConverter, "
                    "org.apache.kafka.connect.converters.ByteArrayConverter)");
        converter_destroy(NULL);

        converter *c = new_conv(CONVERTER_JSON, 1);
        strbuf out   = {0};
        int is_null  = 0;
        assert_int_equal(converter_convert(c, "{\"a\":", 5, &out, &is_null,
                                           errstr, sizeof(errstr)),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(
            errstr, "value.converter: invalid JSON at byte 5: parse error: "
                    "premature EOF");
        assert_int_equal(converter_convert(NULL, "1", 1, &out, &is_null, errstr,
                                           sizeof(errstr)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(errstr, "invalid argument: converter, out and "
                                    "out_null are required");
        sb_free(&out);
        converter_destroy(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_json_schema_record),
            cmocka_unit_test(test_json_schema_scalars),
            cmocka_unit_test(test_json_schema_nested),
            cmocka_unit_test(test_json_schema_escapes),
            cmocka_unit_test(test_null_values),
            cmocka_unit_test(test_json_no_schema_identity),
            cmocka_unit_test(test_string_converter),
            cmocka_unit_test(test_bytes_converter),
            cmocka_unit_test(test_output_reset),
            cmocka_unit_test(test_errors),
        };
        return cmocka_run_group_tests_name("converter", tests, NULL, NULL);
}
