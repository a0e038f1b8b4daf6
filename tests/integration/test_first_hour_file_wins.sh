#!/bin/bash
# Issue 11 item 6, "file vs REST": a connector given on the command line
# starts from its file, as in Connect standalone, even after it was
# touched over REST (pause + resume, or a PUT of its config): an INFO line
# says the REST-made changes were replaced, and the config store drops
# them. Before, any REST touch made every later edit of the file ignored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rest_lib.sh"

plan 10

start_fixture --records 20 --page-size 10
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
STORE=$OFFSETS.configs
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
conn() { # TOPIC
	write_connector "$T/c.json" c "kafka.topic=$1" "http.url=$API/events" \
		'http.response.records.path=$.data[*]' http.timer.interval.ms=600000
}
LINE="[c] starts from its command-line file, as in Connect standalone: the config and state set over REST (kept in $STORE) were replaced"

# ---- pause + resume, then an edit of the file ----
conn t1
start_rest_host "$T/worker.properties" "$T/c.json"
rest PUT /connectors/c/pause
rest PUT /connectors/c/resume
assert_grep "pause + resume stored c over REST" '"c":{"config":{' "$STORE"
_stop_pid "$HOST_PID"
conn t2
mv "$T/host.err" "$T/host1.err"
start_rest_host "$T/worker.properties" "$T/c.json"
rest GET /connectors/c/config
assert_eq "the edited file wins at start" t2 \
	"$(printf '%s' "$BODY" | json_get kafka.topic)"
assert_grep "an INFO line says the REST-made changes were replaced" \
	"INFO  $LINE" "$T/host.err"
assert_eq "the store no longer holds c" "(missing)" "$(json_get connectors c <"$STORE")"
wait_state c RUNNING
assert_eq "it runs" RUNNING "$(printf '%s' "$BODY" | json_get connector state)"

# ---- a config PUT over REST, then an edit of the file ----
rest PUT /connectors/c/config \
	"{\"kafka.topic\":\"rest\",\"http.url\":\"$API/events\",\"http.response.records.path\":\"\$.data[*]\",\"http.timer.interval.ms\":\"600000\"}"
assert_eq "PUT config: 200" 200 "$ST"
rest PUT /connectors/c/stop
_stop_pid "$HOST_PID"
conn t3
mv "$T/host.err" "$T/host2.err"
start_rest_host "$T/worker.properties" "$T/c.json"
rest GET /connectors/c/config
assert_eq "the file wins over a REST config too" t3 \
	"$(printf '%s' "$BODY" | json_get kafka.topic)"
wait_state c RUNNING
assert_eq "and over a REST stop: it runs" RUNNING \
	"$(printf '%s' "$BODY" | json_get connector state)"
assert_grep "said again" "INFO  $LINE" "$T/host.err"
assert_eq "and dropped from the store" "(missing)" "$(json_get connectors c <"$STORE")"
