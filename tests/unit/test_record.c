/* record module and the member scanner behind host->rec_value_member. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_int.h"
#include "record_int.h"

static int member(const char *doc, const char *name, char *out, size_t size)
{
        const char *raw = NULL;
        size_t len      = 0;
        /* an exact-size copy: valgrind/ASan catch any read past the end */
        size_t dlen = strlen(doc);
        char *copy  = malloc(dlen ? dlen : 1);
        memcpy(copy, doc, dlen);
        int r = json_member_span(copy, dlen, name, &raw, &len);
        if (r == 1)
                snprintf(out, size, "%.*s", (int)len, raw);
        free(copy);
        return r;
}

static void test_member_found(void **state)
{
        char v[128];
        assert_int_equal(member("{\"id\":17,\"t\":\"x\"}", "id", v, sizeof(v)),
                         1);
        assert_string_equal(v, "17");
        assert_int_equal(member(" { \"a\" : [1,{\"b\":\"}\"}] , \"t\" :"
                                " \"x,y\" } ",
                                "t", v, sizeof(v)),
                         1);
        assert_string_equal(v, "\"x,y\"");
        assert_int_equal(
            member("{\"a\":{\"id\":1},\"id\":-2.5e3}", "id", v, sizeof(v)), 1);
        assert_string_equal(v, "-2.5e3"); /* nested "id" is not top level */
        assert_int_equal(
            member("{\"s\":\"a\\\"b\",\"id\":true}", "id", v, sizeof(v)), 1);
        assert_string_equal(v, "true");
        /* duplicates: the last one, as json_get */
        assert_int_equal(member("{\"id\":1,\"id\":2}", "id", v, sizeof(v)), 1);
        assert_string_equal(v, "2");
}

static void test_member_absent_or_unknown(void **state)
{
        char v[64];
        assert_int_equal(member("{}", "id", v, sizeof(v)), 0);
        assert_int_equal(member("{\"x\":1}", "id", v, sizeof(v)), 0);
        assert_int_equal(member("[1,2]", "id", v, sizeof(v)), -1);
        assert_int_equal(member("17", "id", v, sizeof(v)), -1);
        assert_int_equal(member("", "id", v, sizeof(v)), -1);
        /* an escaped key could be "id": only the parser can tell */
        assert_int_equal(member("{\"i\\u0064\":1}", "id", v, sizeof(v)), -1);
        /* malformed or truncated: never a guess, never a read past the end */
        assert_int_equal(member("{\"id\"", "id", v, sizeof(v)), -1);
        assert_int_equal(member("{\"id\":", "id", v, sizeof(v)), -1);
        assert_int_equal(member("{\"a\":\"unterminated", "id", v, sizeof(v)),
                         -1);
        assert_int_equal(member("{\"a\":[1,2", "id", v, sizeof(v)), -1);
        assert_int_equal(member("{\"a\":1 \"id\":2}", "id", v, sizeof(v)), -1);
}

static void test_record_member_and_topic(void **state)
{
        httpsrc_record rec;
        memset(&rec, 0, sizeof(rec));
        const char *value = "{\"id\":17}";
        record_reset(&rec, value, strlen(value));
        rec.default_topic = "events";
        const char *raw;
        size_t len;
        assert_int_equal(record_value_member(&rec, "id", &raw, &len), 1);
        assert_int_equal(len, 2);
        assert_memory_equal(raw, "17", 2);
        assert_string_equal(record_topic(&rec), "events");
        assert_int_equal(record_set_topic(&rec, "other"), 0);
        assert_string_equal(record_topic(&rec), "other");
        /* a tombstone has no members to look at */
        assert_int_equal(record_set_value(&rec, NULL, 0), 0);
        assert_int_equal(record_value_member(&rec, "id", &raw, &len), -1);
        record_free(&rec);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_member_found),
            cmocka_unit_test(test_member_absent_or_unknown),
            cmocka_unit_test(test_record_member_and_topic),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
