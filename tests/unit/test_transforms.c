/* The built-in Kafka Connect transforms and predicates, driven through the
 * real loader and a host table whose records have a topic, a timestamp
 * and nullable key and value.
 *
 * Expected bytes are what Kafka Connect (3.x, schemaless, JsonConverter
 * with schemas.enable=false) writes. Every expected member order, number
 * text, date and topic below was confirmed with Java 17: the transforms'
 * schemaless code paths replayed on java.util.HashMap / HashSet,
 * Number.xValue(), X.parseX(), Double/Float.toString, SimpleDateFormat
 * (UTC) and java.util.regex, on the same inputs read as Jackson reads JSON
 * (objects as LinkedHashMap, integers Integer/Long, other numbers
 * Double). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "json_int.h"

/* ------------------------------------------------------------------ */
/* Records with everything a transform can touch                      */

typedef struct trec {
        httpsrc_record base; /* fake_host's; unused, keeps the cast valid */
        char *value;         /* NULL: a tombstone */
        size_t value_len;
        httpsrc_json *value_json;
        int value_json_tried;
        char *key; /* NULL: no key */
        size_t key_len;
        char *topic;
        int64_t ts;
} trec;

static trec *T(httpsrc_record *r)
{
        return (trec *)r;
}

static const trec *TC(const httpsrc_record *r)
{
        return (const trec *)r;
}

static char *dup_n(const void *s, size_t n)
{
        char *d = malloc(n + 1);
        assert_non_null(d);
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

static const void *t_rec_value(const httpsrc_record *r, size_t *len)
{
        *len = TC(r)->value_len;
        return TC(r)->value;
}

static const void *t_rec_key(const httpsrc_record *r, size_t *len)
{
        *len = TC(r)->key_len;
        return TC(r)->key;
}

static const httpsrc_json *t_rec_value_json(httpsrc_record *r)
{
        trec *t = T(r);
        if (!t->value_json_tried && t->value)
                t->value_json = json_parse(t->value, t->value_len, NULL, 0);
        t->value_json_tried = 1;
        return t->value_json;
}

static int t_rec_set_value(httpsrc_record *r, const void *v, size_t len)
{
        trec *t = T(r);
        free(t->value);
        json_destroy(t->value_json);
        t->value_json       = NULL;
        t->value_json_tried = 0;
        t->value            = v ? dup_n(v, len) : NULL;
        t->value_len        = v ? len : 0;
        return HTTPSRC_OK;
}

static int t_rec_set_key(httpsrc_record *r, const void *k, size_t len)
{
        trec *t = T(r);
        free(t->key);
        t->key     = k ? dup_n(k, len) : NULL;
        t->key_len = k ? len : 0;
        return HTTPSRC_OK;
}

static int t_rec_set_value_json(httpsrc_record *r, const httpsrc_json *v)
{
        size_t len = 0;
        char *s    = v ? json_serialize(v, &len) : NULL;
        int rc     = t_rec_set_value(r, s, len);
        free(s);
        return rc;
}

static int t_rec_set_key_json(httpsrc_record *r, const httpsrc_json *k)
{
        size_t len = 0;
        char *s    = k ? json_serialize(k, &len) : NULL;
        int rc     = t_rec_set_key(r, s, len);
        free(s);
        return rc;
}

static const char *t_rec_topic(const httpsrc_record *r)
{
        return TC(r)->topic;
}

static int t_rec_set_topic(httpsrc_record *r, const char *topic)
{
        free(T(r)->topic);
        T(r)->topic = topic ? strdup(topic) : NULL;
        return HTTPSRC_OK;
}

static int64_t t_rec_timestamp(const httpsrc_record *r)
{
        return TC(r)->ts;
}

static int t_rec_set_timestamp(httpsrc_record *r, int64_t ts)
{
        T(r)->ts = ts;
        return HTTPSRC_OK;
}

static struct httpsrc_host_api t_host;

static int setup(void **state)
{
        t_host                    = fake_host;
        t_host.rec_value          = t_rec_value;
        t_host.rec_key            = t_rec_key;
        t_host.rec_value_json     = t_rec_value_json;
        t_host.rec_set_value      = t_rec_set_value;
        t_host.rec_set_key        = t_rec_set_key;
        t_host.rec_set_value_json = t_rec_set_value_json;
        t_host.rec_set_key_json   = t_rec_set_key_json;
        t_host.rec_topic          = t_rec_topic;
        t_host.rec_set_topic      = t_rec_set_topic;
        t_host.rec_timestamp      = t_rec_timestamp;
        t_host.rec_set_timestamp  = t_rec_set_timestamp;
        return 0;
}

/* 2023-11-14T22:13:20.123Z */
#define TS 1700000000123LL

static void trec_init(trec *t, const char *value, const char *key)
{
        memset(t, 0, sizeof(*t));
        if (value)
                t_rec_set_value(&t->base, value, strlen(value));
        if (key)
                t_rec_set_key(&t->base, key, strlen(key));
        t->topic = strdup("orders");
        t->ts    = TS;
}

static void trec_free(trec *t)
{
        free(t->value);
        json_destroy(t->value_json);
        free(t->key);
        free(t->topic);
        memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ */
/* Driving one transform                                               */

/* Create transform @p name of plugin @p file with @p conf: 0 or the
 * create() error (message in in->ctx.err). */
static int xf_new(instance *in,
                  const char *file,
                  const char *name,
                  const char *const *conf)
{
        return instance_new_with(in, &t_host, file, HTTPSRC_KIND_TRANSFORM,
                                 name, conf);
}

/* The value @p name makes of @p value, "(null)" for none; asserts apply()
 * returned @p want_rc and, on error, that the message is @p want_err. */
static void check_value(const char *file,
                        const char *name,
                        const char *const *conf,
                        const char *value,
                        const char *want)
{
        instance in;
        trec t;

        assert_int_equal(xf_new(&in, file, name, conf), 0);
        trec_init(&t, value, NULL);
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base),
                         HTTPSRC_OK);
        assert_string_equal(t.value ? t.value : "(null)", want);
        trec_free(&t);
        instance_free(&in, 1);
}

static void check_apply_error(const char *file,
                              const char *name,
                              const char *const *conf,
                              const char *value,
                              int want_rc,
                              const char *want_err)
{
        instance in;
        trec t;

        assert_int_equal(xf_new(&in, file, name, conf), 0);
        trec_init(&t, value, NULL);
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), want_rc);
        assert_string_equal(in.ctx.err, want_err);
        /* the record is left as it was */
        assert_string_equal(t.value ? t.value : "(null)",
                            value ? value : "(null)");
        trec_free(&t);
        instance_free(&in, 1);
}

static void check_create_error(const char *file,
                               const char *name,
                               const char *const *conf,
                               const char *want_err)
{
        instance in;

        assert_int_equal(xf_new(&in, file, name, conf), HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, want_err);
        instance_free(&in, 0);
}

/* ------------------------------------------------------------------ */
/* InsertField                                                         */

#define INS "transform_insertfield"

static void test_insertfield(void **state)
{
        const char *all[]  = {"topic.field",  "topic",        "timestamp.field",
                              "ts",           "static.field", "src!",
                              "static.value", "http",         NULL};
        const char *stat[] = {"static.field", "source?", "static.value", "api",
                              NULL};
        const char *topic[] = {"topic.field", "t", NULL};
        const char *tsf[]   = {"timestamp.field", "ts", NULL};

        /* every member in HashMap order, the copied ones too */
        check_value(INS, "InsertField$Value", all, "{\"id\":1,\"name\":\"a\"}",
                    "{\"name\":\"a\",\"topic\":\"orders\",\"id\":1,"
                    "\"src\":\"http\",\"ts\":1700000000123}");
        /* 12 members: new HashMap<>(map) sizes the table to 32 */
        check_value(
            INS, "org.apache.kafka.connect.transforms.InsertField$Value", stat,
            "{\"order_id\":1,\"customer_id\":2,\"region\":3,"
            "\"created_at\":4,\"status\":5,\"amount\":6,"
            "\"currency\":7,\"sku\":8,\"quantity\":9,"
            "\"warehouse\":10,\"carrier\":11,\"tracking\":12}",
            "{\"amount\":6,\"quantity\":9,\"created_at\":4,"
            "\"source\":\"api\",\"warehouse\":10,\"tracking\":12,"
            "\"carrier\":11,\"currency\":7,\"customer_id\":2,"
            "\"region\":3,\"sku\":8,\"order_id\":1,\"status\":5}");
        /* duplicate keys as Jackson reads them; nested values as they were */
        check_value(INS, "InsertField$Value", topic,
                    "{\"b\":{\"z\":1,\"a\":[1,2]},\"a\":2,\"a\":3}",
                    "{\"t\":\"orders\",\"a\":3,\"b\":{\"z\":1,\"a\":[1,2]}}");
        check_value(INS, "InsertField$Value", tsf, "{}",
                    "{\"ts\":1700000000123}");
        /* a tombstone passes */
        check_value(INS, "InsertField$Value", topic, NULL, "(null)");
}

static void test_insertfield_key(void **state)
{
        const char *conf[] = {"static.field", "kind", "static.value", "order",
                              NULL};
        instance in;
        trec t;

        assert_int_equal(xf_new(&in, INS, "InsertField$Key", conf), 0);
        trec_init(&t, "{\"v\":1}", "{\"k\":\"x\"}");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "{\"kind\":\"order\",\"k\":\"x\"}");
        assert_string_equal(t.value, "{\"v\":1}");
        trec_free(&t);
        /* no key: stays none */
        trec_init(&t, "{\"v\":1}", NULL);
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_null(t.key);
        trec_free(&t);
        instance_free(&in, 1);
}

static void test_insertfield_errors(void **state)
{
        const char *topic[]  = {"topic.field", "t", NULL};
        const char *offset[] = {"offset.field", "o", "topic.field", "t", NULL};
        const char *part[]   = {"partition.field", "p", NULL};
        const char *nostat[] = {"static.field", "s!", NULL};
        const char *none[]   = {"static.value", "v", NULL};

        check_apply_error(INS, "InsertField$Value", topic, "[1]",
                          HTTPSRC_ERR_INVAL,
                          "InsertField: requires a JSON object value (got "
                          "array)");
        check_apply_error(INS, "InsertField$Value", topic, "\"s\"",
                          HTTPSRC_ERR_INVAL,
                          "InsertField: requires a JSON object value (got "
                          "string)");
        check_apply_error(INS, "InsertField$Value", topic, "{oops",
                          HTTPSRC_ERR_PARSE,
                          "InsertField: record value is not JSON");
        check_create_error(INS, "InsertField$Value", offset,
                           "InsertField: offset.field is only for sink "
                           "records");
        check_create_error(INS, "InsertField$Value", part,
                           "InsertField: partition.field is only for sink "
                           "records");
        check_create_error(INS, "InsertField$Value", nostat,
                           "InsertField: No value specified for static "
                           "field: s (set static.value)");
        check_create_error(INS, "InsertField$Value", none,
                           "InsertField: No field insertion configured (set "
                           "topic.field, timestamp.field or static.field)");
}

/* ------------------------------------------------------------------ */
/* ExtractField, HoistField                                            */

#define EXT   "transform_extractfield"
#define HOIST "transform_hoistfield"

static void test_extractfield(void **state)
{
        const char *id[]  = {"field", "id", NULL};
        const char *dot[] = {"field", "a.b", NULL};

        check_value(EXT, "ExtractField$Value", id,
                    "{\"id\":{\"x\":1,\"y\":[true,null]},\"b\":2}",
                    "{\"x\":1,\"y\":[true,null]}");
        check_value(EXT, "ExtractField$Value", id, "{\"id\":\"s\"}", "\"s\"");
        check_value(EXT, "ExtractField$Value", dot,
                    "{\"a.b\":7,\"a\":{\"b\":8}}", "7");
        /* missing or null: a null value, i.e. a tombstone */
        check_value(EXT, "ExtractField$Value", id, "{\"b\":2}", "(null)");
        check_value(EXT, "ExtractField$Value", id, "{\"id\":null}", "(null)");
        check_value(EXT, "ExtractField$Value", id, NULL, "(null)");
        check_apply_error(EXT, "ExtractField$Value", id, "5", HTTPSRC_ERR_INVAL,
                          "ExtractField: requires a JSON object value (got "
                          "number)");

        instance in;
        trec t;
        assert_int_equal(xf_new(&in, EXT, "ExtractField$Key", id), 0);
        trec_init(&t, "{\"id\":9}", "{\"id\":42,\"x\":1}");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "42");
        assert_string_equal(t.value, "{\"id\":9}");
        trec_free(&t);
        trec_init(&t, "{}", "{\"x\":1}");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_null(t.key);
        trec_free(&t);
        trec_init(&t, "{}", "[1]");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "ExtractField: requires a JSON "
                                        "object key (got array)");
        trec_free(&t);
        instance_free(&in, 1);
}

static void test_hoistfield(void **state)
{
        const char *conf[] = {"field", "payload", NULL};

        check_value(HOIST, "HoistField$Value", conf, "42", "{\"payload\":42}");
        check_value(HOIST, "HoistField$Value", conf, "{\"b\":1,\"a\":[2]}",
                    "{\"payload\":{\"b\":1,\"a\":[2]}}");
        check_value(HOIST, "HoistField$Value", conf, NULL,
                    "{\"payload\":null}");
        check_apply_error(HOIST, "HoistField$Value", conf, "nope",
                          HTTPSRC_ERR_PARSE,
                          "HoistField: record value is not JSON");

        instance in;
        trec t;
        assert_int_equal(xf_new(&in, HOIST, "HoistField$Key", conf), 0);
        trec_init(&t, "1", "\"k\"");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "{\"payload\":\"k\"}");
        assert_string_equal(t.value, "1");
        trec_free(&t);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* ReplaceField                                                        */

#define RPL "transform_replacefield"

static void test_replacefield(void **state)
{
        const char *v       = "{\"id\":1,\"secret\":2,\"name\":3,\"old\":4}";
        const char *ex_rn[] = {"exclude", "secret", "renames",
                               "old:new, name:title", NULL};
        const char *inc[]   = {"include", "name,id", NULL};
        const char *onto[]  = {"renames", "a:c,b:c", NULL};
        const char *both[]  = {"exclude", "a",   "include", "a,b",
                               "renames", "b:x", NULL};
        const char *old[] = {"blacklist", "secret", "whitelist", "secret,name",
                             NULL};
        const char *mixed[] = {"blacklist", "id", "exclude", "secret", NULL};

        check_value(RPL, "ReplaceField$Value", ex_rn, v,
                    "{\"title\":3,\"new\":4,\"id\":1}");
        check_value(RPL, "ReplaceField$Value", inc, v, "{\"name\":3,\"id\":1}");
        /* renamed onto one name: the later value wins */
        check_value(RPL, "ReplaceField$Value", onto,
                    "{\"a\":1,\"b\":2,\"c\":3}", "{\"c\":3}");
        /* exclude wins over include; renames apply after filtering */
        check_value(RPL, "ReplaceField$Value", both,
                    "{\"a\":1,\"b\":2,\"c\":3}", "{\"x\":2}");
        /* the pre-3.0 names */
        check_value(RPL, "ReplaceField$Value", old, v, "{\"name\":3}");
        fake_log_reset();
        check_value(RPL, "ReplaceField$Value", mixed, v,
                    "{\"name\":3,\"old\":4,\"id\":1}");
        assert_string_equal(logged.all,
                            "ReplaceField: blacklist is ignored: exclude is "
                            "set\n");
        check_value(RPL, "ReplaceField$Value", NULL, "{\"b\":1,\"a\":2}",
                    "{\"a\":2,\"b\":1}");
        check_value(RPL, "ReplaceField$Value", inc, NULL, "(null)");
}

static void test_replacefield_errors(void **state)
{
        const char *bad[]   = {"renames", "a:b, c", NULL};
        const char *three[] = {"renames", "a::b", NULL};
        const char *trail[] = {"renames", "a:b:", NULL};

        check_create_error(RPL, "ReplaceField$Value", bad,
                           "ReplaceField: Invalid value [a:b, c] for "
                           "configuration renames: Invalid rename mapping: "
                           "c");
        check_create_error(RPL, "ReplaceField$Value", three,
                           "ReplaceField: Invalid value [a::b] for "
                           "configuration renames: Invalid rename mapping: "
                           "a::b");
        /* Java's split drops trailing empty parts: a:b: is a:b */
        check_value(RPL, "ReplaceField$Value", trail, "{\"a\":1}", "{\"b\":1}");
        check_apply_error(RPL, "ReplaceField$Value", NULL, "true",
                          HTTPSRC_ERR_INVAL,
                          "ReplaceField: requires a JSON object value (got "
                          "boolean)");

        instance in;
        trec t;
        const char *rn[] = {"renames", "id:key_id", NULL};
        assert_int_equal(xf_new(&in, RPL, "ReplaceField$Key", rn), 0);
        trec_init(&t, "{\"id\":1}", "{\"id\":7}");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "{\"key_id\":7}");
        assert_string_equal(t.value, "{\"id\":1}");
        trec_free(&t);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* MaskField                                                           */

#define MASK "transform_maskfield"

static void test_maskfield(void **state)
{
        const char *all[] = {"fields", "s,i,l,d,b,arr,obj,n,missing", NULL};
        const char *num[] = {"fields", "card,pin,score", "replacement", "42",
                             NULL};
        const char *str[] = {"fields", "card", "replacement", "****", NULL};

        /* type-appropriate empties; Double's is 0.0; a missing field is
         * added as null */
        check_value(MASK, "MaskField$Value", all,
                    "{\"s\":\"x\",\"i\":5,\"l\":12345678901,\"d\":1.5,"
                    "\"b\":true,\"arr\":[1],\"obj\":{\"a\":1},\"n\":null,"
                    "\"keep\":7}",
                    "{\"arr\":[],\"b\":false,\"s\":\"\",\"d\":0.0,"
                    "\"obj\":{},\"keep\":7,\"missing\":null,\"i\":0,"
                    "\"l\":0,\"n\":null}");
        /* a replacement converted to each field's type */
        check_value(MASK, "MaskField$Value", num,
                    "{\"card\":\"4111\",\"pin\":1234,\"score\":9.5}",
                    "{\"score\":42.0,\"pin\":42,\"card\":\"42\"}");
        check_value(MASK, "MaskField$Value", str,
                    "{\"card\":\"4111\",\"pin\":1234}",
                    "{\"pin\":1234,\"card\":\"****\"}");
        check_value(MASK, "MaskField$Value", str, NULL, "(null)");

        instance in;
        trec t;
        assert_int_equal(xf_new(&in, MASK, "MaskField$Key", str), 0);
        trec_init(&t, "{\"card\":\"v\"}", "{\"card\":\"k\"}");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "{\"card\":\"****\"}");
        assert_string_equal(t.value, "{\"card\":\"v\"}");
        trec_free(&t);
        instance_free(&in, 1);
}

static void test_maskfield_errors(void **state)
{
        const char *rep[] = {"fields", "f", "replacement", "x1", NULL};
        const char *big[] = {"fields", "f", "replacement", "3000000000", NULL};
        const char *empty[] = {"fields", "f", "replacement", "", NULL};
        const char *blank[] = {"fields", " ", NULL};

        check_apply_error(MASK, "MaskField$Value", rep, "{\"f\":true}",
                          HTTPSRC_ERR_INVAL,
                          "MaskField: cannot mask field 'f' (a boolean) with "
                          "a custom replacement");
        check_apply_error(MASK, "MaskField$Value", rep, "{\"f\":{}}",
                          HTTPSRC_ERR_INVAL,
                          "MaskField: cannot mask field 'f' (a object) with "
                          "a custom replacement");
        check_apply_error(MASK, "MaskField$Value", rep, "{\"f\":1}",
                          HTTPSRC_ERR_INVAL,
                          "MaskField: cannot convert replacement 'x1' to the "
                          "integer type of field 'f'");
        check_apply_error(MASK, "MaskField$Value", rep, "{\"f\":1.5}",
                          HTTPSRC_ERR_INVAL,
                          "MaskField: cannot convert replacement 'x1' to the "
                          "double type of field 'f'");
        /* Integer fields take int replacements, Long fields long ones */
        check_apply_error(MASK, "MaskField$Value", big, "{\"f\":1}",
                          HTTPSRC_ERR_INVAL,
                          "MaskField: cannot convert replacement "
                          "'3000000000' to the integer type of field 'f'");
        check_value(MASK, "MaskField$Value", big, "{\"f\":3000000001}",
                    "{\"f\":3000000000}");
        check_apply_error(MASK, "MaskField$Value", rep, "[]", HTTPSRC_ERR_INVAL,
                          "MaskField: requires a JSON object value (got "
                          "array)");
        check_create_error(MASK, "MaskField$Value", empty,
                           "MaskField: replacement must not be empty");
        check_create_error(MASK, "MaskField$Value", blank,
                           "MaskField: fields must list at least one field");
        check_create_error(MASK, "MaskField$Value", NULL,
                           "MaskField: fields must be set");
}

/* ------------------------------------------------------------------ */
/* Cast                                                                */

#define CAST "transform_cast"

static void test_cast_fields(void **state)
{
        const char *mixed[] = {"spec",
                               "i:string, d:int32, s:float64, b:int8, "
                               "big:int16, f:float32, x:BOOLEAN, "
                               "missing:int64",
                               NULL};
        const char *tostr[] = {"spec",
                               "a:string,b:string,c:string,d:string,"
                               "e:string,g:string,h:string,k:string,"
                               "m:string",
                               NULL};
        const char *edge[]  = {"spec",
                               "x:int32,y:int32,z:float64,w:int8,v:boolean,"
                                "u:float32",
                               NULL};
        const char *wide[]  = {"spec", "a:float32,b:float32,c:float64", NULL};

        check_value(CAST, "Cast$Value", mixed,
                    "{\"i\":123,\"d\":1.9,\"s\":\"2.5\",\"b\":true,"
                    "\"big\":70000,\"f\":0.1,\"x\":\"TRUE\"}",
                    "{\"big\":4464,\"b\":1,\"s\":2.5,\"d\":1,\"f\":0.1,"
                    "\"x\":true,\"missing\":null,\"i\":\"123\"}");
        /* Double.toString, Integer.toString, Boolean.toString */
        check_value(CAST, "Cast$Value", tostr,
                    "{\"a\":1e20,\"b\":100,\"c\":1.0,\"d\":0.001,"
                    "\"e\":1.0E-4,\"g\":12345678.9,\"h\":-0.0,\"k\":false,"
                    "\"m\":\"s\"}",
                    "{\"a\":\"1.0E20\",\"b\":\"100\",\"c\":\"1.0\","
                    "\"d\":\"0.001\",\"e\":\"1.0E-4\",\"g\":\"1.23456789E7\","
                    "\"h\":\"-0.0\",\"k\":\"false\",\"m\":\"s\"}");
        /* narrowing wraps, doubles saturate, NaN is written as a string,
         * numbers are true when longValue() != 0, parseFloat trims */
        check_value(CAST, "Cast$Value", edge,
                    "{\"x\":3000000000,\"y\":-1.5e10,\"z\":\"NaN\","
                    "\"w\":300,\"v\":0.5,\"u\":\" 7.25 \"}",
                    "{\"u\":7.25,\"v\":false,\"w\":44,\"x\":-1294967296,"
                    "\"y\":-2147483648,\"z\":\"NaN\"}");
        /* float32 rounds; Float/Double.toString of large integral values */
        check_value(CAST, "Cast$Value", wide,
                    "{\"a\":16777217,\"b\":\"1.1\",\"c\":123456789012}",
                    "{\"a\":1.6777216E7,\"b\":1.1,\"c\":1.23456789012E11}");
        check_value(CAST, "Cast$Value", wide, NULL, "(null)");
        /* a field listed twice: the later type wins, as in a HashMap */
        const char *twice[] = {"spec", "a:int8,a:string", NULL};
        check_value(CAST, "Cast$Value", twice, "{\"a\":5,\"b\":1}",
                    "{\"a\":\"5\",\"b\":1}");
}

static void test_cast_whole(void **state)
{
        const char *i32[] = {"spec", "int32", NULL};
        const char *i64[] = {"spec", " INT64 ", NULL};
        const char *f64[] = {"spec", "float64", NULL};
        const char *str[] = {"spec", "string", NULL};

        check_value(CAST, "Cast$Value", i32, "\"42\"", "42");
        check_value(CAST, "Cast$Value", i64, "3.7", "3");
        check_value(CAST, "Cast$Value", f64, "true", "1.0");
        check_value(CAST, "Cast$Value", str, "1e20", "\"1.0E20\"");
        check_value(CAST, "Cast$Value", i32, NULL, "(null)");
        check_apply_error(CAST, "Cast$Value", i32, "\"abc\"", HTTPSRC_ERR_INVAL,
                          "Cast: value: Value (abc) was out of range for "
                          "requested data type (INT32)");
        check_apply_error(CAST, "Cast$Value", i32, "\"2147483648\"",
                          HTTPSRC_ERR_INVAL,
                          "Cast: value: Value (2147483648) was out of range "
                          "for requested data type (INT32)");
        check_apply_error(CAST, "Cast$Value", i32, "{\"a\":1}",
                          HTTPSRC_ERR_INVAL,
                          "Cast: value: Cast transformation does not support "
                          "casting from MAP; supported types are [INT8, "
                          "INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, "
                          "STRING, BYTES]");
        check_apply_error(CAST, "Cast$Value", i32, "123456789012345678901",
                          HTTPSRC_ERR_INVAL,
                          "Cast: value: Cast transformation was passed a "
                          "value of type class java.math.BigInteger which is "
                          "not supported by Connect's data API");

        instance in;
        trec t;
        assert_int_equal(xf_new(&in, CAST, "Cast$Key", str), 0);
        trec_init(&t, "1", "12");
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.key, "\"12\"");
        assert_string_equal(t.value, "1");
        trec_free(&t);
        instance_free(&in, 1);
}

static void test_cast_errors(void **state)
{
        const char *arr[]     = {"spec", "a:int8", NULL};
        const char *badtype[] = {"spec", "a:int128", NULL};
        const char *bytes[]   = {"spec", "a:bytes", NULL};
        const char *three[]   = {"spec", "a:b:c", NULL};
        const char *two[]     = {"spec", "int8,a:int16", NULL};
        const char *empty[]   = {"spec", "", NULL};

        check_apply_error(CAST, "Cast$Value", arr, "{\"a\":[1]}",
                          HTTPSRC_ERR_INVAL,
                          "Cast: field 'a': Cast transformation does not "
                          "support casting from ARRAY; supported types are "
                          "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, "
                          "BOOLEAN, STRING, BYTES]");
        check_apply_error(CAST, "Cast$Value", arr, "{\"a\":\"-129\"}",
                          HTTPSRC_ERR_INVAL,
                          "Cast: field 'a': Value (-129) was out of range "
                          "for requested data type (INT8)");
        check_apply_error(CAST, "Cast$Value", arr, "\"x\"", HTTPSRC_ERR_INVAL,
                          "Cast: requires a JSON object value (got string)");
        check_create_error(CAST, "Cast$Value", badtype,
                           "Cast: Invalid type found in casting spec: int128");
        check_create_error(CAST, "Cast$Value", bytes,
                           "Cast: Cast transformation does not support "
                           "casting to BYTES; supported types are [INT8, "
                           "INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, "
                           "STRING]");
        check_create_error(CAST, "Cast$Value", three,
                           "Cast: spec: Invalid cast mapping: a:b:c "
                           "(expected field:type or type)");
        check_create_error(CAST, "Cast$Value", two,
                           "Cast: Cast transformations that specify a type "
                           "to cast the entire value to may only specify a "
                           "single cast in their spec");
        check_create_error(CAST, "Cast$Value", empty,
                           "Cast: spec: Must specify at least one field to "
                           "cast.");
}

/* ------------------------------------------------------------------ */
/* Routers and Filter                                                  */

/* The topic transform @p name gives a record of topic @p topic and
 * timestamp @p ts. */
static void check_topic(const char *file,
                        const char *name,
                        const char *const *conf,
                        const char *topic,
                        int64_t ts,
                        const char *want)
{
        instance in;
        trec t;

        assert_int_equal(xf_new(&in, file, name, conf), 0);
        trec_init(&t, "{\"v\":1}", NULL);
        free(t.topic);
        t.topic = strdup(topic);
        t.ts    = ts;
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base), 0);
        assert_string_equal(t.topic, want);
        assert_string_equal(t.value, "{\"v\":1}");
        trec_free(&t);
        instance_free(&in, 1);
}

#define TSR "transform_timestamprouter"

static void test_timestamprouter(void **state)
{
        const char *every[] = {
            "topic.format", "${timestamp}_${topic}_${topic}",
            "timestamp.format",
            "yyyy-MM-dd'T'HH:mm:ss.SSS'Z' yy M MMM MMMM D E EEEE u a k K h H "
            "m s S z zzzz Z X XXX ''",
            NULL};
        const char *hour[] = {"topic.format", "x-${timestamp}",
                              "timestamp.format", "yyyy/MM/dd HH", NULL};
        const char *only[] = {"topic.format", "${topic}", NULL};
        const char *ampm[] = {"topic.format", "${timestamp}",
                              "timestamp.format", "hh:mm a, EEE d MMM yyyy",
                              NULL};

        /* the defaults (the fake host returns no declared default) */
        const char *dflt[] = {"topic.format", "${topic}-${timestamp}",
                              "timestamp.format", "yyyyMMdd", NULL};
        check_topic(TSR, "TimestampRouter", dflt, "orders", TS,
                    "orders-20231114");
        check_topic(TSR, "TimestampRouter", NULL, "orders", TS,
                    "orders-20231114");
        check_topic(TSR, "TimestampRouter", every, "t", TS,
                    "2023-11-14T22:13:20.123Z 23 11 Nov November 318 Tue "
                    "Tuesday 2 PM 22 10 10 22 13 20 123 UTC Coordinated "
                    "Universal Time +0000 Z Z '_t_t");
        check_topic(TSR, "TimestampRouter", hour, "t", -1, "x-1969/12/31 23");
        /* the second replace also sees what the first put in */
        check_topic(TSR, "TimestampRouter", only, "a${timestamp}", 0,
                    "a19700101");
        /* 2000-02-29T13:00:00Z, a leap day */
        check_topic(TSR, "TimestampRouter", ampm, "t", 951829200000LL,
                    "01:00 PM, Tue 29 Feb 2000");

        const char *bad[]   = {"timestamp.format", "yyyy-ww", NULL};
        const char *quote[] = {"timestamp.format", "yyyy'x", NULL};
        check_create_error(TSR, "TimestampRouter", bad,
                           "TimestampRouter: timestamp.format: pattern "
                           "letter 'w' is not supported (supported: "
                           "yMdDEuaHkKhmsSzZX)");
        check_create_error(TSR, "TimestampRouter", quote,
                           "TimestampRouter: timestamp.format: Unterminated "
                           "quote");
}

#define RR "transform_regexrouter"

static void test_regexrouter(void **state)
{
        const char *num[] = {"regex", "(.*)-(\\d+)", "replacement", "$2_$1",
                             NULL};
        const char *nc[]  = {"regex", "(?:pre)-(.*)", "replacement", "x.$1",
                             NULL};
        const char *esc[] = {"regex", "([a-z]+)\\.([a-z]+)", "replacement",
                             "\\$$1$2$10", NULL};
        const char *opt[] = {"regex", "(a)(b)?", "replacement", "[$2]$1", NULL};
        const char *cls[] = {"regex", "[\\w.]+\\s?", "replacement", "all",
                             NULL};

        check_topic(RR, "RegexRouter", num, "orders-42", TS, "42_orders");
        check_topic(RR, "org.apache.kafka.connect.transforms.RegexRouter", nc,
                    "pre-orders", TS, "x.orders");
        /* no match, or not of the whole topic: unchanged */
        check_topic(RR, "RegexRouter", num, "orders", TS, "orders");
        check_topic(RR, "RegexRouter", num, "orders-42x", TS, "orders-42x");
        /* \$ is a dollar; $10 is $1 then 0 with two groups */
        check_topic(RR, "RegexRouter", esc, "ab.cd", TS, "$abcdab0");
        /* a group that took no part gives nothing */
        check_topic(RR, "RegexRouter", opt, "a", TS, "[]a");
        check_topic(RR, "RegexRouter", cls, "a_b.c ", TS, "all");

        /* the host must give every record its topic */
        instance in;
        trec t;
        assert_int_equal(xf_new(&in, RR, "RegexRouter", num), 0);
        trec_init(&t, "{}", NULL);
        free(t.topic);
        t.topic = NULL;
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base),
                         HTTPSRC_ERR_STATE);
        assert_string_equal(in.ctx.err, "RegexRouter: record has no topic");
        trec_free(&t);
        instance_free(&in, 1);

        /* Java's syntax beyond POSIX: lazy and possessive quantifiers,
         * lookaround, named groups and ${name} references */
        const char *lazy[]  = {"regex", "(a+?)(a*)", "replacement", "$1|$2",
                               NULL};
        const char *look[]  = {"regex", "(?=o)(\\w+)(?<!x)", "replacement",
                               "<$1>", NULL};
        const char *named[] = {"regex", "(?<src>[a-z]+)-(\\d++)",
                               "replacement", "${src}_$2", NULL};
        check_topic(RR, "RegexRouter", lazy, "aaa", TS, "a|aa");
        check_topic(RR, "RegexRouter", look, "orders", TS, "<orders>");
        check_topic(RR, "RegexRouter", look, "box", TS, "box");
        check_topic(RR, "RegexRouter", named, "orders-42", TS, "orders_42");
        /* Java backtracks, leftmost alternative first: "a-bcd-" (a POSIX
         * leftmost-longest matcher may give "ab-c-d") */
        const char *alt[] = {"regex", "(a|ab)(c|bcd)(d*)", "replacement",
                             "$1-$2-$3", NULL};
        check_topic(RR, "RegexRouter", alt, "abcd", TS, "a-bcd-");

        const char *badre[]  = {"regex", "(", "replacement", "x", NULL};
        const char *brace[]  = {"regex", "a{x}", "replacement", "x", NULL};
        const char *nested[] = {"regex", "[a[b]]", "replacement", "x", NULL};
        const char *flag[]   = {"regex", "(?U)a+", "replacement", "x", NULL};
        const char *noref[]  = {"regex", "(a)", "replacement", "$2", NULL};
        const char *illref[] = {"regex", "(a)", "replacement", "$x", NULL};
        const char *trail[]  = {"regex", "(a)", "replacement", "x\\", NULL};
        const char *noname[] = {"regex", "(?<a>x)", "replacement", "${b}",
                                NULL};
        const char *open[]   = {"regex", "(?<a>x)", "replacement", "${a",
                                NULL};
        check_create_error(RR, "RegexRouter", badre,
                           "RegexRouter: regex: invalid regex '(': missing "
                           "closing parenthesis at offset 1");
        check_create_error(RR, "RegexRouter", brace,
                           "RegexRouter: regex: invalid regex 'a{x}': "
                           "Illegal repetition");
        check_create_error(RR, "RegexRouter", nested,
                           "RegexRouter: regex: invalid regex '[a[b]]': not "
                           "supported: nested or intersected character "
                           "classes");
        check_create_error(RR, "RegexRouter", flag,
                           "RegexRouter: regex: invalid regex '(?U)a+': not "
                           "supported: inline flags other than i, m, s and "
                           "x");
        check_create_error(RR, "RegexRouter", noref,
                           "RegexRouter: replacement '$2': No group 2");
        check_create_error(RR, "RegexRouter", illref,
                           "RegexRouter: replacement '$x': Illegal group "
                           "reference");
        check_create_error(RR, "RegexRouter", trail,
                           "RegexRouter: replacement 'x\\': character to be "
                           "escaped is missing");
        check_create_error(RR, "RegexRouter", noname,
                           "RegexRouter: replacement '${b}': No group with "
                           "name {b}");
        check_create_error(RR, "RegexRouter", open,
                           "RegexRouter: replacement '${a': named capturing "
                           "group is missing trailing '}'");
}

static void test_filter(void **state)
{
        instance in;
        trec t;

        assert_int_equal(xf_new(&in, "transform_filter",
                                "org.apache.kafka.connect.transforms.Filter",
                                NULL),
                         0);
        trec_init(&t, "{\"v\":1}", NULL);
        assert_int_equal(in.c->ops.transform.apply(in.state, &t.base),
                         HTTPSRC_FILTERED);
        assert_string_equal(t.value, "{\"v\":1}");
        trec_free(&t);
        instance_free(&in, 1);
}

/* ------------------------------------------------------------------ */
/* Predicates                                                          */

#define PRED "predicate_builtin"
#define PKG  "org.apache.kafka.connect.transforms.predicates."

static int pred_new(instance *in, const char *name, const char *const *conf)
{
        return instance_new_with(in, &t_host, PRED, HTTPSRC_KIND_PREDICATE,
                                 name, conf);
}

/* test() of predicate @p in on a record of @p topic and @p value. */
static int pred_test(instance *in, const char *topic, const char *value)
{
        trec t;
        trec_init(&t, value, NULL);
        free(t.topic);
        t.topic = strdup(topic);
        int rc  = in->c->ops.predicate.test(in->state, &t.base);
        trec_free(&t);
        return rc;
}

static void test_topicnamematches(void **state)
{
        const char *conf[] = {"pattern", "orders-\\d+|audit", NULL};
        instance in;

        assert_int_equal(pred_new(&in, PKG "TopicNameMatches", conf), 0);
        assert_int_equal(in.c->kind, HTTPSRC_KIND_PREDICATE);
        assert_int_equal(pred_test(&in, "orders-1", "{}"), 1);
        assert_int_equal(pred_test(&in, "audit", "{}"), 1);
        /* the whole topic must match */
        assert_int_equal(pred_test(&in, "orders-1x", "{}"), 0);
        assert_int_equal(pred_test(&in, "xaudit", "{}"), 0);
        const httpsrc_param_desc *p = in.c->ops.predicate.params;
        assert_string_equal(p[0].name, "pattern");
        assert_int_equal(p[0].flags, HTTPSRC_PARAM_F_REQUIRED);
        assert_null(p[1].name);
        instance_free(&in, 1);

        const char *empty[] = {"pattern", "", NULL};
        const char *bad[]   = {"pattern", "a{2", NULL};
        assert_int_equal(pred_new(&in, "TopicNameMatches", empty),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "TopicNameMatches: pattern must be "
                                        "set and not empty");
        instance_free(&in, 0);
        assert_int_equal(pred_new(&in, "TopicNameMatches", bad),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "TopicNameMatches: pattern: invalid "
                                        "regex 'a{2': Unclosed counted "
                                        "closure");
        instance_free(&in, 0);
}

static void test_tombstone_and_header(void **state)
{
        const char *name[] = {"name", "trace-id", NULL};
        instance in;

        assert_int_equal(pred_new(&in, "RecordIsTombstone", NULL), 0);
        assert_int_equal(pred_test(&in, "t", NULL), 1);
        assert_int_equal(pred_test(&in, "t", "null"), 0); /* bytes "null" */
        assert_int_equal(pred_test(&in, "t", ""), 0);
        instance_free(&in, 1);

        /* records carry no headers yet */
        assert_int_equal(pred_new(&in, PKG "HasHeaderKey", name), 0);
        assert_int_equal(pred_test(&in, "t", "{}"), 0);
        instance_free(&in, 1);
        assert_int_equal(pred_new(&in, "HasHeaderKey", NULL),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err,
                            "HasHeaderKey: name must be set and not empty");
        instance_free(&in, 0);
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */

static void test_registered_names(void **state)
{
        static const struct {
                const char *file;
                int kind;
                const char *names[3];
        } want[] = {
            {INS,
             HTTPSRC_KIND_TRANSFORM,
             {"InsertField$Value", "InsertField$Key", NULL}},
            {EXT,
             HTTPSRC_KIND_TRANSFORM,
             {"ExtractField$Value", "ExtractField$Key", NULL}},
            {RPL,
             HTTPSRC_KIND_TRANSFORM,
             {"ReplaceField$Value", "ReplaceField$Key", NULL}},
            {MASK,
             HTTPSRC_KIND_TRANSFORM,
             {"MaskField$Value", "MaskField$Key", NULL}},
            {HOIST,
             HTTPSRC_KIND_TRANSFORM,
             {"HoistField$Value", "HoistField$Key", NULL}},
            {CAST, HTTPSRC_KIND_TRANSFORM, {"Cast$Value", "Cast$Key", NULL}},
            {TSR, HTTPSRC_KIND_TRANSFORM, {"TimestampRouter", NULL, NULL}},
            {RR, HTTPSRC_KIND_TRANSFORM, {"RegexRouter", NULL, NULL}},
            {"transform_filter",
             HTTPSRC_KIND_TRANSFORM,
             {"Filter", NULL, NULL}},
            {PRED,
             HTTPSRC_KIND_PREDICATE,
             {"predicates.TopicNameMatches", "predicates.RecordIsTombstone",
              "predicates.HasHeaderKey"}},
        };
        char err[2048] = "", full[256];

        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
                plugin_registry *r = plugin_registry_new(&t_host);
                assert_int_equal(
                    plugin_registry_load(r, fake_builtin(want[i].file), err,
                                         sizeof(err)),
                    0);
                size_t n = 0;
                for (; n < 3 && want[i].names[n]; n++) {
                        const plugin_component *c =
                            plugin_registry_at(r, want[i].kind, n);
                        assert_non_null(c);
                        snprintf(full, sizeof(full),
                                 "org.apache.kafka.connect.transforms.%s",
                                 want[i].names[n]);
                        assert_string_equal(c->name, full);
                }
                assert_int_equal(plugin_registry_count(r, want[i].kind), n);
                plugin_registry_destroy(r);
        }
}

/* A host without the JSON builders and record timestamps of ABI 1.0 final
 * is refused at init, not crashed into at apply. */
static void test_old_host(void **state)
{
        struct httpsrc_host_api old = t_host;
        char err[2048]              = "";

        old.rec_timestamp  = NULL;
        plugin_registry *r = plugin_registry_new(&old);
        assert_int_equal(
            plugin_registry_load(r, fake_builtin(CAST), err, sizeof(err)),
            HTTPSRC_ERR_PLUGIN_INIT);
        assert_non_null(strstr(err, ": init failed: host lacks JSON builders "
                                    "or record timestamps (ABI 1.0 final "
                                    "needed)"));
        plugin_registry_destroy(r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_insertfield),
            cmocka_unit_test(test_insertfield_key),
            cmocka_unit_test(test_insertfield_errors),
            cmocka_unit_test(test_extractfield),
            cmocka_unit_test(test_hoistfield),
            cmocka_unit_test(test_replacefield),
            cmocka_unit_test(test_replacefield_errors),
            cmocka_unit_test(test_maskfield),
            cmocka_unit_test(test_maskfield_errors),
            cmocka_unit_test(test_cast_fields),
            cmocka_unit_test(test_cast_whole),
            cmocka_unit_test(test_cast_errors),
            cmocka_unit_test(test_timestamprouter),
            cmocka_unit_test(test_regexrouter),
            cmocka_unit_test(test_filter),
            cmocka_unit_test(test_topicnamematches),
            cmocka_unit_test(test_tombstone_and_header),
            cmocka_unit_test(test_registered_names),
            cmocka_unit_test(test_old_host),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
