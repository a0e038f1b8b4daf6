#!/bin/bash
# Issue 11 item 8, "status like Connect": a failed task shows the
# connector RUNNING and the task FAILED with the trace (before: both
# FAILED), and restart?onlyFailed=true restarts only the failed task;
# tasks.max above 1 is accepted (one task runs); an invalid log level is
# 404 as a Kafka Connect 4.1.1 worker answers it (its message, then the
# levels; the issue asked for 400, Connect says 404); PUT /admin/loggers/<connector> sets
# that connector's level only, a namespace every logger under it, as in
# Connect 3.7+ (before: one level for all); GET / shows the commit built
# and the Kafka cluster's id (before: the version and null).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rest_lib.sh"

plan 15

start_fixture --records 20 --page-size 10
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
W=127.0.0.1:$PORT
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
start_rest_host "$T/worker.properties"

# ---- GET / ----
COMMIT=$(git -C "$HTTPSRC_SOURCE_ROOT" rev-parse --short=12 HEAD 2>/dev/null) ||
	COMMIT=unknown
CLUSTER=$("$CONSUME_BIN" -b "$BOOT" -C -T 10000)
for _ in $(seq 100); do
	rest GET /
	case $BODY in *'"kafka_cluster_id":null'*) sleep 0.1 ;; *) break ;; esac
done
assert_eq "GET /: the commit built and the Kafka cluster id" \
	"{\"version\":\"3.9.0\",\"commit\":\"$COMMIT\",\"kafka_cluster_id\":\"$CLUSTER\"}" \
	"$BODY"

# ---- a failed task ----
TRACE="response of GET $API/notjson is not valid JSON: invalid JSON at byte 1: lexical error: invalid char in json text; Content-Type: text/plain, 15 bytes: hello, not json"
rest POST /connectors "{\"name\":\"broken\",\"config\":{\"kafka.topic\":\"broken\",\"http.url\":\"$API/notjson\"}}"
assert_eq "a connector whose task will fail: 201" 201 "$ST"
wait_task_state broken FAILED
expect "connector RUNNING, task FAILED with the trace" 200 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"$W\",\"trace\":\"$TRACE\"}],\"type\":\"source\"}" \
	GET /connectors/broken/status
expect "restart?onlyFailed=true: the connector did not fail, nothing restarts" 202 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"$W\",\"trace\":\"$TRACE\"}],\"type\":\"source\"}" \
	POST '/connectors/broken/restart?onlyFailed=true'
expect "with includeTasks=true the failed task restarts" 202 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"RESTARTING\",\"worker_id\":\"$W\"}],\"type\":\"source\"}" \
	POST '/connectors/broken/restart?onlyFailed=true&includeTasks=true'

# ---- tasks.max ----
rest POST /connectors "{\"name\":\"a\",\"config\":{\"kafka.topic\":\"a\",\"http.url\":\"$API/events\",\"http.response.records.path\":\"\$.data[*]\",\"http.timer.interval.ms\":\"200\",\"tasks.max\":\"4\"}}"
assert_eq "tasks.max=4 is accepted" 201 "$ST"
rest GET /connectors/a/tasks
assert_eq "one task runs (one source partition)" '[{"connector":"a","task":0}]' \
	"$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.dumps([t["id"] for t in json.load(sys.stdin)], separators=(",", ":")))')"
rest POST /connectors "{\"name\":\"b\",\"config\":{\"kafka.topic\":\"b\",\"http.url\":\"$API/events\",\"http.response.records.path\":\"\$.data[*]\",\"http.timer.interval.ms\":\"200\"}}"

# ---- loggers ----
expect "an invalid level: 404 as Connect, naming the levels" 404 \
	"$(err 404 "invalid log level 'LOUD'. Use one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL")" \
	PUT /admin/loggers/a '{"level":"LOUD"}'
expect "PUT /admin/loggers/a: that connector only" 200 '["a"]' \
	PUT /admin/loggers/a '{"level":"DEBUG"}'
wait_for_line "$T/host.err" 'DEBUG \[a\] ' >/dev/null
assert_grep "a logs DEBUG lines" "DEBUG [a] " "$T/host.err"
assert_absent "b does not" "DEBUG [b] " "$T/host.err"
rest GET /admin/loggers
assert_eq "GET /admin/loggers: each logger's own level, sorted" \
	"a:DEBUG b:INFO broken:INFO root:INFO" \
	"$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(" ".join("%s:%s" % (k, v["level"]) for k, v in json.load(sys.stdin).items()))')"
expect "a namespace sets every logger under it, and itself" 200 \
	'["br","broken"]' PUT /admin/loggers/br '{"level":"WARN"}'

# ---- active topics survive a restart of the host ----
for _ in $(seq 100); do
	rest GET /connectors/a/topics
	[ "$BODY" != '{"a":{"topics":["a"]}}' ] || break
	sleep 0.1
done
assert_eq "a wrote to topic a" '{"a":{"topics":["a"]}}' "$BODY"
_stop_pid "$HOST_PID"
mv "$T/host.err" "$T/host1.err"
start_rest_host "$T/worker.properties"
expect "after a restart of the host (nothing new to send) they are still known" \
	200 '{"a":{"topics":["a"]}}' GET /connectors/a/topics
