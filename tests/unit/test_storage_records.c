/* Unit tests: storage_records.c, the records of Kafka Connect's config and
 * status topics: the exact bytes written (as Connect's JsonConverter with
 * schemas.enable=false writes them, field order included), and a record
 * sequence as a Java worker leaves it in the topic, read back with
 * Connect's snapshot rules (KafkaConfigBackingStore, §1.3) and status
 * rules (KafkaStatusBackingStore). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "httpsrc/httpsrc.h"
#include "kafka_log_int.h"
#include "storage_records_int.h"
#include "util_int.h"

static const config_store_ops log_ops = {.name = "log", .reads_back = 1};

static void test_config_keys_and_values(void **state)
{
        (void)state;
        strbuf sb = {0};
        assert_int_equal(cfgrec_connector_key(&sb, "my-conn"), 0);
        assert_string_equal(sb.buf, "connector-my-conn");
        sb_reset(&sb);
        assert_int_equal(cfgrec_target_key(&sb, "my-conn"), 0);
        assert_string_equal(sb.buf, "target-state-my-conn");
        sb_reset(&sb);
        assert_int_equal(cfgrec_task_key(&sb, "my-conn", 12), 0);
        assert_string_equal(sb.buf, "task-my-conn-12");
        sb_reset(&sb);
        assert_int_equal(cfgrec_commit_key(&sb, "my-conn"), 0);
        assert_string_equal(sb.buf, "commit-my-conn");
        sb_reset(&sb);
        assert_int_equal(cfgrec_restart_key(&sb, "c"), 0);
        assert_string_equal(sb.buf, "restart-connector-c");
        sb_reset(&sb);
        assert_int_equal(cfgrec_fencing_key(&sb, "c"), 0);
        assert_string_equal(sb.buf, "tasks-fencing-c");
        sb_reset(&sb);

        kv kp[]  = {{"connector.class", "io.x.HttpSource"},
                    {"http.url", "http://h/a?b=1&c=\xc3\xa9"},
                    {"q", "a\"b\\\n"}};
        kvlist p = {kp, 3};
        assert_int_equal(cfgrec_props_value(&sb, &p, NULL), 0);
        assert_string_equal(sb.buf,
                            "{\"properties\":{\"connector.class\":\"io.x."
                            "HttpSource\",\"http.url\":\"http://h/a?b=1&c="
                            "\xc3\xa9\",\"q\":\"a\\\"b\\\\\\n\"}}");
        sb_reset(&sb);
        kvlist none = {0};
        assert_int_equal(cfgrec_props_value(&sb, &none, NULL), 0);
        assert_string_equal(sb.buf, "{\"properties\":{}}");
        sb_reset(&sb);
        /* A connector's config gets its name, as Connect's REST adds it. */
        assert_int_equal(cfgrec_props_value(&sb, &none, "c"), 0);
        assert_string_equal(sb.buf, "{\"properties\":{\"name\":\"c\"}}");
        sb_reset(&sb);
        kv nkv[]     = {{"name", "c"}, {"x", "1"}};
        kvlist named = {nkv, 2};
        assert_int_equal(cfgrec_props_value(&sb, &named, "c"), 0);
        assert_string_equal(sb.buf,
                            "{\"properties\":{\"name\":\"c\",\"x\":\"1\"}}");
        sb_reset(&sb);
        kvlist one = {nkv + 1, 1};
        assert_int_equal(cfgrec_props_value(&sb, &one, "c"), 0);
        assert_string_equal(sb.buf,
                            "{\"properties\":{\"x\":\"1\",\"name\":\"c\"}}");
        sb_reset(&sb);
        /* putConnectorConfig/serializeTargetState: STOPPED reads as PAUSED
         * for workers that predate it. */
        assert_int_equal(cfgrec_target_value(&sb, HTTPSRC_STATE_RUNNING), 0);
        assert_string_equal(sb.buf,
                            "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}");
        sb_reset(&sb);
        assert_int_equal(cfgrec_target_value(&sb, HTTPSRC_STATE_PAUSED), 0);
        assert_string_equal(sb.buf,
                            "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}");
        sb_reset(&sb);
        assert_int_equal(cfgrec_target_value(&sb, HTTPSRC_STATE_STOPPED), 0);
        assert_string_equal(sb.buf,
                            "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}");
        sb_reset(&sb);
        assert_int_equal(cfgrec_target_value(&sb, HTTPSRC_STATE_FAILED),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(cfgrec_commit_value(&sb, 3), 0);
        assert_string_equal(sb.buf, "{\"tasks\":3}");
        sb_reset(&sb);
        assert_int_equal(cfgrec_restart_value(&sb, 1, 0), 0);
        assert_string_equal(sb.buf,
                            "{\"include-tasks\":true,\"only-failed\":false}");
        sb_reset(&sb);
        assert_int_equal(cfgrec_fencing_value(&sb, 2), 0);
        assert_string_equal(sb.buf, "{\"task-count\":2}");
        sb_free(&sb);
}

static void test_status_keys_and_values(void **state)
{
        (void)state;
        strbuf sb = {0};
        assert_int_equal(statusrec_key(&sb, "a-b", STATUS_CONNECTOR), 0);
        assert_string_equal(sb.buf, "status-connector-a-b");
        sb_reset(&sb);
        assert_int_equal(statusrec_key(&sb, "a-b", 3), 0);
        assert_string_equal(sb.buf, "status-task-a-b-3");
        sb_reset(&sb);
        status_rec r = {STATUS_RUNNING, NULL, "127.0.0.1:8083", 7, NULL};
        assert_int_equal(statusrec_value(&sb, &r), 0);
        assert_string_equal(sb.buf, "{\"state\":\"RUNNING\",\"trace\":null,"
                                    "\"worker_id\":\"127.0.0.1:8083\","
                                    "\"generation\":7,\"version\":null}");
        sb_reset(&sb);
        status_rec f = {STATUS_FAILED, "boom\n\tat x", "h:1", 0, "0.2.0"};
        assert_int_equal(statusrec_value(&sb, &f), 0);
        assert_string_equal(sb.buf, "{\"state\":\"FAILED\",\"trace\":\"boom\\n"
                                    "\\tat x\",\"worker_id\":\"h:1\","
                                    "\"generation\":0,\"version\":\"0.2.0\"}");
        sb_free(&sb);
}

typedef struct rec {
        const char *key, *val; /* val NULL: tombstone */
} rec;

/* Apply @p n records from offset @p first; the number dropped. */
static int
apply_all(config_store *s, const rec *r, size_t n, int64_t first, char *last)
{
        int dropped = 0;
        for (size_t i = 0; i < n; i++) {
                char why[256] = "";
                int rc        = cfgrec_apply(s, r[i].key, strlen(r[i].key),
                                             r[i].val,
                                             r[i].val ? strlen(r[i].val) : 0,
                                             first + (int64_t)i, why,
                                             sizeof(why));
                assert_true(rc == 0 || rc == KAFKA_LOG_DROPPED ||
                            rc == KAFKA_LOG_SKIPPED);
                if (rc) {
                        dropped++;
                        strcpy(last, why);
                }
        }
        return dropped;
}

/* What a Java worker writes for: create "my-conn" with initial_state
 * PAUSED and 2 tasks, then "other" whose task 0 was compacted away. */
static void test_read_java_sequence(void **state)
{
        (void)state;
        static const rec log[] = {
            {"target-state-my-conn",
             "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}"},
            {"connector-my-conn",
             "{\"properties\":{\"connector.class\":\"X\",\"name\":\"my-conn\","
             "\"nullable\":null}}"},
            {"task-my-conn-0", "{\"properties\":{\"task.class\":\"T\",\"i\":\"0\"}}"},
            {"task-my-conn-1", "{\"properties\":{\"task.class\":\"T\",\"i\":\"1\"}}"},
            {"commit-my-conn", "{\"tasks\":2}"},
            {"connector-other", "{\"properties\":{\"connector.class\":\"Y\"}}"},
            {"task-other-1", "{\"properties\":{\"i\":\"1\"}}"},
            {"commit-other", "{\"tasks\":2}"},
            {"session-key", "{\"key\":\"AAAA\",\"algorithm\":\"HmacSHA256\","
                            "\"creation-timestamp\":1}"},
            {"tasks-fencing-my-conn", "{\"task-count\":2}"},
        };
        char last[256] = "";
        config_store *s = config_store_new(&log_ops, NULL);
        assert_int_equal(apply_all(s, log, 10, 100, last), 1);
        assert_string_equal(last, "session-key: not kept by this store");
        assert_int_equal(config_store_offset(s), 110);
        assert_int_equal(config_store_count(s), 2);
        const config_entry *e = config_store_get(s, "my-conn");
        assert_non_null(e);
        assert_int_equal(e->target, HTTPSRC_STATE_PAUSED);
        assert_int_equal(e->config.n, 2); /* the null value is not kept */
        assert_string_equal(e->config.v[1].key, "name");
        const kvlist *t;
        assert_int_equal(config_store_tasks(s, "my-conn", &t), 2);
        assert_string_equal(t[1].v[0].key, "task.class");
        assert_string_equal(t[1].v[1].value, "1");
        assert_int_equal(e->pending_fencing, 0);
        assert_int_equal(e->fenced_count, 2);
        assert_int_equal(config_store_tasks(s, "other", &t), 0);
        assert_int_equal(config_store_get(s, "other")->inconsistent, 1);
        assert_int_equal(config_store_get(s, "other")->target,
                         HTTPSRC_STATE_RUNNING);

        /* The leader rewrites the set; stop; then delete. */
        static const rec more[] = {
            {"task-other-0", "{\"properties\":{\"i\":\"0\"}}"},
            {"task-other-1", "{\"properties\":{\"i\":\"1\"}}"},
            {"commit-other", "{\"tasks\":2}"},
            {"target-state-other", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}"},
            {"target-state-my-conn", "{\"state\":\"STARTED\"}"}, /* old worker */
            {"connector-my-conn", NULL},
            {"target-state-my-conn", NULL},
        };
        assert_int_equal(apply_all(s, more, 7, 110, last), 0);
        assert_int_equal(config_store_offset(s), 117);
        assert_int_equal(config_store_tasks(s, "other", &t), 2);
        assert_int_equal(config_store_get(s, "other")->target,
                         HTTPSRC_STATE_STOPPED);
        assert_null(config_store_get(s, "my-conn"));
        assert_int_equal(config_store_count(s), 1);
        config_store_destroy(s);
}

static void test_read_dropped_records(void **state)
{
        (void)state;
        static const struct {
                rec r;
                const char *why;
        } bad[] = {
            {{"nonsense", "{}"}, "nonsense: unknown key"},
            {{"task-x", "{\"properties\":{}}"},
             "task-x: not a task-<connector>-<n> key"},
            {{"task-x-y", "{\"properties\":{}}"},
             "task-x-y: not a task-<connector>-<n> key"},
            {{"task-x-0", NULL}, "task-x-0: a task config cannot be null"},
            {{"connector-x", "{\"properties\":{\"a\":1}}"},
             "connector-x: \"properties\" is not a map of strings"},
            {{"connector-x", "{\"props\":{}}"},
             "connector-x: \"properties\" is not a map of strings"},
            {{"target-state-x", "{\"state\":\"RUNNING\"}"},
             "target-state-x: no valid target state"},
            {{"commit-x", "{\"tasks\":\"2\"}"}, "commit-x: no \"tasks\" count"},
            {{"commit-x", "[1]"}, "commit-x: value is not a JSON object"},
            {{"logger-cluster-org.x", "{\"level\":\"DEBUG\"}"},
             "logger-cluster-org.x: not kept by this store"},
        };
        config_store *s = config_store_new(&log_ops, NULL);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char last[256] = "";
                assert_int_equal(apply_all(s, &bad[i].r, 1, (int64_t)i, last),
                                 1);
                assert_string_equal(last, bad[i].why);
        }
        assert_int_equal(config_store_count(s), 0);
        /* A value that is not JSON does not move the offset on. */
        char why[128];
        assert_int_equal(cfgrec_apply(s, "commit-x", 8, "{", 1, 50, why,
                                      sizeof(why)),
                         KAFKA_LOG_DROPPED);
        assert_int_equal(config_store_offset(s), 10);
        assert_int_equal(cfgrec_apply(s, "session-key", 11, "{}", 2, 51, why,
                                      sizeof(why)),
                         KAFKA_LOG_SKIPPED);
        assert_int_equal(config_store_offset(s), 52);
        config_store_destroy(s);
}

static void test_status_read(void **state)
{
        (void)state;
        static const rec log[] = {
            {"status-connector-a-b", "{\"state\":\"RUNNING\",\"trace\":null,"
                                     "\"worker_id\":\"h:1\",\"generation\":3}"},
            {"status-task-a-b-0", "{\"state\":\"FAILED\",\"trace\":\"t\","
                                  "\"worker_id\":\"h:2\",\"generation\":4,"
                                  "\"version\":\"4.1.1\"}"},
            {"status-task-a-b-1", "{\"state\":\"RUNNING\",\"trace\":null,"
                                  "\"worker_id\":\"h:2\",\"generation\":4}"},
            {"status-task-a-b-1", "{\"state\":\"UNASSIGNED\",\"trace\":null,"
                                  "\"worker_id\":\"h:1\",\"generation\":4}"},
            {"status-task-a-b-0", NULL},
        };
        status_store *s = status_store_new_memory();
        for (size_t i = 0; i < 5; i++) {
                char why[128] = "";
                assert_int_equal(statusrec_apply(s, log[i].key,
                                                 strlen(log[i].key), log[i].val,
                                                 log[i].val ? strlen(log[i].val)
                                                            : 0,
                                                 why, sizeof(why)),
                                 0);
        }
        status_rec r;
        assert_int_equal(status_store_get(s, "a-b", STATUS_CONNECTOR, &r), 0);
        assert_int_equal(r.state, STATUS_RUNNING);
        assert_null(r.trace);
        assert_string_equal(r.worker_id, "h:1");
        assert_int_equal(r.generation, 3);
        assert_null(r.version);
        assert_int_equal(status_store_get(s, "a-b", 0, &r), HTTPSRC_ERR_NOENT);
        assert_int_equal(status_store_get(s, "a-b", 1, &r), 0);
        assert_int_equal(r.state, STATUS_RUNNING); /* stale UNASSIGNED */
        static const struct {
                rec r;
                const char *why;
        } bad[] = {
            {{"status-task-x", "{}"},
             "status-task-x: not a status-task-<connector>-<n> key"},
            {{"status-connector-x", "{\"state\":\"RUNNING\"}"},
             "status-connector-x: not a status value"},
            {{"status-connector-x",
              "{\"state\":\"BUSY\",\"worker_id\":\"h\",\"generation\":1}"},
             "status-connector-x: not a status value"},
            {{"status-topic-t:connector-x", "{\"topic\":{}}"},
             "status-topic-t:connector-x: not kept by this store"},
            {{"status-connector-", "{}"}, "status-connector-: unknown key"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char why[128] = "";
                assert_int_equal(statusrec_apply(s, bad[i].r.key,
                                                 strlen(bad[i].r.key),
                                                 bad[i].r.val,
                                                 strlen(bad[i].r.val), why,
                                                 sizeof(why)),
                                 strstr(bad[i].why, "not kept")
                                     ? KAFKA_LOG_SKIPPED
                                     : KAFKA_LOG_DROPPED);
                assert_string_equal(why, bad[i].why);
        }
        /* The connector's tombstone takes its tasks. */
        assert_int_equal(statusrec_apply(s, "status-connector-a-b", 20, NULL,
                                         0, NULL, 0),
                         0);
        assert_int_equal(status_store_get(s, "a-b", 1, &r), HTTPSRC_ERR_NOENT);
        status_store_destroy(s);
}

/* What we write is what we read: every record kind round-trips. */
static void test_round_trip(void **state)
{
        (void)state;
        strbuf k = {0}, v = {0};
        char why[128];
        char *cv[]      = {"\xe2\x82\xac \"x\""};
        kv ckv[]        = {{"a", cv[0]}};
        kvlist p        = {ckv, 1};
        config_store *s = config_store_new(&log_ops, NULL);
        cfgrec_target_key(&k, "r");
        cfgrec_target_value(&v, HTTPSRC_STATE_STOPPED);
        assert_int_equal(cfgrec_apply(s, k.buf, k.len, v.buf, v.len, 0, why,
                                      sizeof(why)),
                         0);
        sb_reset(&k);
        sb_reset(&v);
        cfgrec_connector_key(&k, "r");
        cfgrec_props_value(&v, &p, NULL);
        assert_int_equal(cfgrec_apply(s, k.buf, k.len, v.buf, v.len, 1, why,
                                      sizeof(why)),
                         0);
        sb_reset(&k);
        sb_reset(&v);
        cfgrec_task_key(&k, "r", 0);
        cfgrec_props_value(&v, &p, NULL);
        assert_int_equal(cfgrec_apply(s, k.buf, k.len, v.buf, v.len, 2, why,
                                      sizeof(why)),
                         0);
        sb_reset(&k);
        sb_reset(&v);
        cfgrec_commit_key(&k, "r");
        cfgrec_commit_value(&v, 1);
        assert_int_equal(cfgrec_apply(s, k.buf, k.len, v.buf, v.len, 3, why,
                                      sizeof(why)),
                         0);
        const config_entry *e = config_store_get(s, "r");
        const kvlist *t;
        assert_non_null(e);
        assert_int_equal(e->target, HTTPSRC_STATE_STOPPED);
        assert_string_equal(e->config.v[0].value, cv[0]);
        assert_int_equal(config_store_tasks(s, "r", &t), 1);
        assert_string_equal(t[0].v[0].value, cv[0]);
        config_store_destroy(s);

        status_store *ss = status_store_new_memory();
        status_rec r     = {STATUS_RESTARTING, "x\ny", "h:9", 12, "1.0"}, got;
        sb_reset(&k);
        sb_reset(&v);
        statusrec_key(&k, "r-1", 4);
        statusrec_value(&v, &r);
        assert_int_equal(statusrec_apply(ss, k.buf, k.len, v.buf, v.len, why,
                                         sizeof(why)),
                         0);
        assert_int_equal(status_store_get(ss, "r-1", 4, &got), 0);
        assert_int_equal(got.state, STATUS_RESTARTING);
        assert_string_equal(got.trace, "x\ny");
        assert_string_equal(got.worker_id, "h:9");
        assert_int_equal(got.generation, 12);
        assert_string_equal(got.version, "1.0");
        status_store_destroy(ss);
        sb_free(&k);
        sb_free(&v);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_config_keys_and_values),
            cmocka_unit_test(test_status_keys_and_values),
            cmocka_unit_test(test_read_java_sequence),
            cmocka_unit_test(test_read_dropped_records),
            cmocka_unit_test(test_status_read),
            cmocka_unit_test(test_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
