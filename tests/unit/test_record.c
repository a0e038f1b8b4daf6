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
#include "jsonpath_int.h"
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

typedef struct collected {
        const char *starts[8];
        size_t lens[8], first[8], count[8], n;
        json_root_index *m;
} collected;

static int collect(void *opaque, const char *start, size_t len)
{
        collected *c    = opaque;
        c->starts[c->n] = start;
        c->lens[c->n]   = len;
        c->first[c->n]  = c->m->last_first;
        c->count[c->n]  = c->m->last_count;
        c->n++;
        return 0;
}

/* The members the selection records answer as the scanner would. */
static void test_member_index_agrees(void **state)
{
        const char *doc =
            "{\"data\":[{\"id\":1,\"t\":\"a\",\"id\":2},"
            "{\"n\":{\"id\":9},\"id\":\"x\"},{\"i\\u0064\":3},[1]],"
            "\"next\":\"c2\",\"next\":\"c3\"}";
        jsonpath *p          = jsonpath_compile("$.data[*]", NULL, 0);
        json_root_index root = {0}, members = {0};
        collected c = {.m = &members};
        assert_int_equal(jsonpath_select_spans_indexed(p, doc, strlen(doc), 0,
                                                       collect, &c, &root,
                                                       &members, NULL, 0),
                         0);
        assert_int_equal(c.n, 4);
        static const char *const names[] = {"id", "t", "n", "missing"};
        for (size_t i = 0; i < c.n; i++) {
                httpsrc_record rec;
                memset(&rec, 0, sizeof(rec));
                record_reset(&rec, c.starts[i], c.lens[i]);
                if (c.count[i]) {
                        rec.members      = members.v + c.first[i];
                        rec.n_members    = c.count[i];
                        rec.members_base = doc;
                }
                for (size_t k = 0; k < 4; k++) {
                        const char *r1 = NULL, *r2 = NULL;
                        size_t l1 = 0, l2 = 0;
                        int a = record_value_member(&rec, names[k], &r1, &l1);
                        int b = json_member_span(c.starts[i], c.lens[i],
                                                 names[k], &r2, &l2);
                        assert_int_equal(a, b);
                        if (a == 1) {
                                assert_int_equal(l1, l2);
                                assert_memory_equal(r1, r2, l1);
                        }
                }
                record_free(&rec);
        }
        /* the root index answers the cursor lookup: last duplicate wins */
        jsonpath *np = jsonpath_compile("$.next", NULL, 0);
        const char *raw;
        size_t rlen;
        assert_int_equal(jsonpath_raw_first_indexed(np, doc, strlen(doc), &root,
                                                    &raw, &rlen),
                         1);
        assert_int_equal(rlen, 4);
        assert_memory_equal(raw, "\"c3\"", 4);
        json_root_index_free(&root);
        json_root_index_free(&members);
        jsonpath_destroy(np);
        jsonpath_destroy(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_member_found),
            cmocka_unit_test(test_member_absent_or_unknown),
            cmocka_unit_test(test_record_member_and_topic),
            cmocka_unit_test(test_member_index_agrees),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
