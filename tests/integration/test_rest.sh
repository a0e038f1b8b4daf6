#!/bin/bash
# shellcheck disable=SC2016 # ${provider:...} placeholders are literal
# Kafka Connect's REST API, black box over HTTP (connect-rest.md §7, the
# items that apply to one standalone worker): create, conflicts, invalid
# configs, expand, pause/resume/stop, restarts, status, offsets, plugins,
# validation, loggers, metrics, 404s, delete; a real connector polls the
# fixture meanwhile (a PAUSED one sends nothing, resumed ones neither lose
# nor repeat records); connectors created over REST survive a restart of
# the host; Basic auth, https, 413 and a busy port on a second host.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rest_lib.sh"

plan 195

quote() {
	python3 "$CLIENT" --quote "$1"
}


# wait_offset CONNECTOR OFFSET_JSON: until GET offsets shows it (10 s).
wait_offset() {
	local _ want="{\"offsets\":[{\"partition\":{\"url\":\"$API/events\"},\"offset\":$2}]}"
	for _ in $(seq 100); do
		rest GET "/connectors/$1/offsets"
		[ "$BODY" != "$want" ] || return 0
		sleep 0.1
	done
	return 1
}

start_fixture --records 250 --page-size 100
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
W=127.0.0.1:$PORT # worker_id
STORE=$OFFSETS.configs
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT" \
	config.providers=env config.providers.env.class=env
export HTTPSRC_TEST_TOKEN=tok-s3cr3t-value
start_host "$T/worker.properties"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "REST API did not start: $(cat "$T/host.err")"
VERSION=$("$HOST_BIN" --version | head -n1 | cut -d' ' -f2)
COMMIT=$(git -C "$HTTPSRC_SOURCE_ROOT" rev-parse --short=12 HEAD 2>/dev/null) ||
	COMMIT=unknown

# ---- root, health, an empty worker ----

rest GET /
assert_eq "GET / names the API level and the commit built" \
	"200 3.9.0 $COMMIT" \
	"$ST $(printf '%s' "$BODY" | json_get version) $(printf '%s' "$BODY" | json_get commit)"
expect "GET /health: healthy" 200 \
	'{"status":"healthy","message":"Worker has completed startup and is ready to handle requests."}' \
	GET /health
expect "a fresh worker has no connectors" 200 '[]' GET /connectors

# ---- create ----

EV_KEYS='"kafka.topic":"events","http.url":"'$API'/events","http.timer.interval.ms":"300","http.response.records.path":"$.data[*]","http.pagination.type":"CURSOR","transforms":"createKey","transforms.createKey.type":"org.apache.kafka.connect.transforms.ValueToKey","transforms.createKey.fields":"id"'
EV_CONF="{$EV_KEYS,\"name\":\"events\"}"
EV_INFO="{\"name\":\"events\",\"config\":$EV_CONF,\"tasks\":[{\"connector\":\"events\",\"task\":0}],\"type\":\"source\"}"
EV_STATUS="{\"name\":\"events\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"$W\"}],\"type\":\"source\"}"
expect "POST /connectors creates: 201 + ConnectorInfo" 201 "$EV_INFO" \
	POST /connectors "{\"name\":\"events\",\"config\":{$EV_KEYS}}"
assert_grep "201 has Location: /connectors/events" \
	"Location: /connectors/events" "$T/headers"
expect "the new connector is listed" 200 '["events"]' GET /connectors
expect "POST the same name again: 409" 409 \
	"$(err 409 "Connector events already exists")" \
	POST /connectors "{\"name\":\"events\",\"config\":{$EV_KEYS}}"
expect "POST with config.name != name: 400" 400 \
	"$(err 400 "Connector name configuration (other) doesn't match connector name in the URL (x)")" \
	POST /connectors '{"name":"x","config":{"name":"other"}}'
expect "PUT config with another name: 400" 400 \
	"$(err 400 "Connector name configuration (y) doesn't match connector name in the URL (x)")" \
	PUT /connectors/x/config '{"name":"y","kafka.topic":"t"}'
INVALID_TAIL=$'\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`'
expect "invalid config: 400 listing each bad key and why" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 5 error(s):
http.method: invalid value 'PUT': must be one of GET, POST
http.timer.interval.ms: invalid value 'abc': not an integer
http.urll: unknown configuration key (did you mean 'http.url'?)
kafka.topic: required key is missing
http.url: required key is missing$INVALID_TAIL")" \
	POST /connectors '{"name":"x","config":{"http.method":"PUT","http.timer.interval.ms":"abc","http.urll":"http://a/b"}}'
expect "missing required keys: 400 naming each" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 2 error(s):
kafka.topic: required key is missing
http.url: required key is missing$INVALID_TAIL")" \
	POST /connectors '{"name":"x","config":{}}'
rest POST /connectors '{"name":"x","config":{"kafka.topic":"t","http.url":"http://a/b","transforms":"a","transforms.a.type":"Nope"}}'
MSG=$(printf '%s' "$BODY" | json_get message)
WANT="Connector configuration is invalid and contains the following 1 error(s):
transforms.a.type: unknown transform 'Nope' (known: "
assert_eq "a plugin-level problem: 400 naming the key" "400 $WANT" \
	"$ST ${MSG:0:${#WANT}}"
# Issue 11: every misspelled plugin key in one answer, each with the key
# it was meant to be.
expect "misspelled plugin keys: 400 naming each, with did-you-mean" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 2 error(s):
http.auth.pasword: unknown configuration key (did you mean 'http.auth.password'?)
transforms.a.statc.field: unknown configuration key for transform org.apache.kafka.connect.transforms.InsertField\$Value (did you mean 'transforms.a.static.field'?)$INVALID_TAIL")" \
	POST /connectors '{"name":"x","config":{"kafka.topic":"t","http.url":"http://a/b","http.auth.type":"BASIC","http.auth.user":"u","http.auth.pasword":"p","transforms":"a","transforms.a.type":"org.apache.kafka.connect.transforms.InsertField$Value","transforms.a.statc.field":"x"}}'
expect "a core key and a plugin key wrong: both in one answer" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 2 error(s):
topic: unknown configuration key (did you mean 'kafka.topic'?)
http.auth.usr: unknown configuration key (did you mean 'http.auth.user'?)$INVALID_TAIL")" \
	POST /connectors '{"name":"x","config":{"kafka.topic":"t","topic":"t","http.url":"http://a/b","http.auth.type":"BEARER","http.auth.token":"k","http.auth.usr":"u"}}'
expect "a name of whitespace only: 400" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 1 error(s):
name: must not be empty$INVALID_TAIL")" \
	POST /connectors '{"name":" \n ","config":{"kafka.topic":"t","http.url":"http://a/b"}}'
expect "malformed JSON: 400" 400 \
	"$(err 400 "Request body is not valid JSON: invalid JSON at byte 8: parse error: premature EOF")" \
	POST /connectors '{"name":'
expect "a body that is not an object: 400" 400 \
	"$(err 400 "Request body must be a JSON object")" POST /connectors '[]'
expect "initial_state must be RUNNING, PAUSED or STOPPED" 400 \
	"$(err 400 'initial_state: invalid value "DONE": must be one of RUNNING, PAUSED, STOPPED')" \
	POST /connectors '{"name":"x","config":{},"initial_state":"DONE"}'
expect "no connector was created by the failures" 200 '["events"]' \
	GET /connectors

consume_topic events 250
assert_eq "the connector produces all 250 records" 0 "$CONSUME_RC"
assert_files_eq "records 1..250, keyed, each once" \
	<(fixture_keyed 1 250 | sort) <(sort "$CONSUMED")
wait_offset events '{"cursor":"c200","position":50}'
expect "GET offsets: the stored partition and offset" 200 \
	"{\"offsets\":[{\"partition\":{\"url\":\"$API/events\"},\"offset\":{\"cursor\":\"c200\",\"position\":50}}]}" \
	GET /connectors/events/offsets
rest GET /metrics
assert_eq "GET /metrics: Prometheus text" "200 text/plain; version=0.0.4; charset=utf-8" \
	"$ST $(sed -n 's/^Content-Type: //p' "$T/headers" | tr -d '\r')"
printf '%s\n' "$BODY" >"$T/metrics"
assert_grep "metrics: records acked, per connector" \
	'httpsrc_records_acknowledged_total{connector="events"} 250' "$T/metrics"
assert_grep "metrics: records polled" \
	'httpsrc_records_polled_total{connector="events"} 250' "$T/metrics"
assert_grep "metrics: requests are a counter" \
	'# TYPE httpsrc_http_requests_total counter' "$T/metrics"

# ---- reading connectors ----

expect "GET /connectors/{c}: ConnectorInfo" 200 "$EV_INFO" \
	GET /connectors/events
expect "GET config: as submitted, plus name" 200 "$EV_CONF" \
	GET /connectors/events/config
expect "GET tasks: one task, its config with task.class" 200 \
	"[{\"id\":{\"connector\":\"events\",\"task\":0},\"config\":{$EV_KEYS,\"name\":\"events\",\"task.class\":\"HttpSourceTask\"}}]" \
	GET /connectors/events/tasks
expect "GET status: RUNNING, worker_id host:port" 200 "$EV_STATUS" \
	GET /connectors/events/status
expect "GET tasks/0/status" 200 \
	"{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"$W\"}" \
	GET /connectors/events/tasks/0/status
expect "GET tasks/1/status: 404" 404 \
	"$(err 404 "No status found for task events-1")" \
	GET /connectors/events/tasks/1/status
expect "?expand=status" 200 "{\"events\":{\"status\":$EV_STATUS}}" \
	GET '/connectors?expand=status'
expect "?expand=info" 200 "{\"events\":{\"info\":$EV_INFO}}" \
	GET '/connectors?expand=info'
expect "?expand=status&expand=info" 200 \
	"{\"events\":{\"status\":$EV_STATUS,\"info\":$EV_INFO}}" \
	GET '/connectors?expand=status&expand=info'
expect "an unknown expand is ignored" 200 '{"events":{}}' \
	GET '/connectors?expand=bogus'

# ---- placeholders are shown as written, never resolved ----

SECRET_KEYS='"kafka.topic":"s","http.url":"'$API'/bearer","http.auth.type":"BEARER","http.auth.token":"${env:HTTPSRC_TEST_TOKEN}"'
rest POST /connectors "{\"name\":\"secretive\",\"config\":{$SECRET_KEYS},\"initial_state\":\"STOPPED\"}"
assert_eq "a connector with a \${env:...} token: 201" 201 "$ST"
expect "GET config shows the placeholder" 200 \
	"{$SECRET_KEYS,\"name\":\"secretive\"}" GET /connectors/secretive/config
rest PUT /connectors/secretive/resume
expect "so does GET tasks" 200 \
	"[{\"id\":{\"connector\":\"secretive\",\"task\":0},\"config\":{$SECRET_KEYS,\"name\":\"secretive\",\"task.class\":\"HttpSourceTask\"}}]" \
	GET /connectors/secretive/tasks
assert_grep "the config file keeps the placeholder" \
	'"http.auth.token":"${env:HTTPSRC_TEST_TOKEN}"' "$STORE"
assert_absent "the config file never holds the secret" tok-s3cr3t-value "$STORE"
rest DELETE /connectors/secretive

# ---- loggers ----

expect "GET /admin/loggers: root and the connector, never modified" 200 \
	'{"events":{"level":"INFO","last_modified":null},"root":{"level":"INFO","last_modified":null}}' \
	GET /admin/loggers
T0=$(now_ms)
expect "PUT a level: 200 with the loggers affected" 200 '["events","root"]' \
	PUT /admin/loggers/root '{"level":"debug"}'
rest GET /admin/loggers/events
assert_eq "the level applies to every logger" "200 DEBUG" \
	"$ST $(printf '%s' "$BODY" | json_get level)"
MODIFIED=$(printf '%s' "$BODY" | json_get last_modified)
assert_ge "last_modified is the time of the change" "$T0" "$MODIFIED"
rest PUT /admin/loggers/events '{"level":"DEBUG"}'
expect "the same level again does not change last_modified" 200 \
	"{\"level\":\"DEBUG\",\"last_modified\":$MODIFIED}" GET /admin/loggers/root
assert_grep "DEBUG lines are logged now" \
	'REST "GET /admin/loggers/events" 200' "$T/host.err"
expect "scope=cluster: 204" 204 "" PUT '/admin/loggers/root?scope=cluster' \
	'{"level":"INFO"}'
expect "PUT without level: 400" 400 \
	"$(err 400 "Desired 'level' parameter was not specified in request.")" \
	PUT /admin/loggers/root '{}'
expect "an invalid level: 404 (as Connect)" 404 "$(err 404 "invalid log level 'LOUD'. Use one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL")" \
	PUT /admin/loggers/root '{"level":"LOUD"}'
expect "an unknown logger: 404" 404 "$(err 404 "Logger nope not found.")" \
	GET /admin/loggers/nope

# ---- pause: no requests; resume: no loss, no duplicates ----

R0=$(fixture_requests /events)
sleep 1
assert_ge "a RUNNING connector polls (every 300 ms)" $((R0 + 2)) \
	"$(fixture_requests /events)"
expect "pause: 202" 202 "" PUT /connectors/events/pause
expect "pause again: 202" 202 "" PUT /connectors/events/pause
expect "status: PAUSED, its task too" 200 \
	"{\"name\":\"events\",\"connector\":{\"state\":\"PAUSED\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"PAUSED\",\"worker_id\":\"$W\"}],\"type\":\"source\"}" \
	GET /connectors/events/status
sleep 0.5 # a request in flight may finish
R1=$(fixture_requests /events)
assert_eq "fixture has 270 records" '{"records":270}' \
	"$(http_call POST "$API/admin/append?n=20")"
sleep 2
assert_eq "a PAUSED connector sends no request in 2 s" "$R1" \
	"$(fixture_requests /events)"
expect "offsets cannot change while PAUSED" 400 \
	"$(err 400 "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/events/stop' endpoint")" \
	PATCH /connectors/events/offsets \
	"{\"offsets\":[{\"partition\":{\"url\":\"$API/events\"},\"offset\":null}]}"
expect "resume: 202" 202 "" PUT /connectors/events/resume
expect "resume again: 202" 202 "" PUT /connectors/events/resume
fixture_keyed 1 270 >"$T/want"
assert_topic "after resume" events "$T/want"

# ---- restarts ----

expect "restart: 204" 204 "" POST /connectors/events/restart
wait_state events RUNNING
expect "restart?includeTasks=true: 202, both RESTARTING" 202 \
	"{\"name\":\"events\",\"connector\":{\"state\":\"RESTARTING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"RESTARTING\",\"worker_id\":\"$W\"}],\"type\":\"source\"}" \
	POST '/connectors/events/restart?includeTasks=true'
wait_state events RUNNING
expect "restart?onlyFailed=true on a healthy one: 202, no-op" 202 "$EV_STATUS" \
	POST '/connectors/events/restart?onlyFailed=true&includeTasks=true'
expect "tasks/0/restart: 204" 204 "" POST /connectors/events/tasks/0/restart
expect "tasks/1/restart: 404" 404 "$(err 404 "Task events-1 not found")" \
	POST /connectors/events/tasks/1/restart
expect "restart an unknown connector: 404" 404 \
	"$(err 404 "Connector nope not found")" POST /connectors/nope/restart
for q in includeTasks=true onlyFailed=true 'includeTasks=true&onlyFailed=true'; do
	expect "restart?$q an unknown connector: 404" 404 \
		"$(err 404 "Unknown connector: nope")" POST "/connectors/nope/restart?$q"
done
wait_state events RUNNING

# ---- active topics (KIP-558) ----

expect "topics: the topic it wrote to, kept across its restarts" 200 \
	'{"events":{"topics":["events"]}}' GET /connectors/events/topics
expect "topics of an unknown connector: 200, none (as in Connect)" 200 \
	'{"nope":{"topics":[]}}' GET /connectors/nope/topics
expect "topics/reset: 202" 202 "" PUT /connectors/events/topics/reset
expect "after a reset: none until it writes again" 200 \
	'{"events":{"topics":[]}}' GET /connectors/events/topics

TRACE="response of GET $API/notjson is not valid JSON: invalid JSON at byte 1: lexical error: invalid char in json text; Content-Type: text/plain, 15 bytes: hello, not json"
rest POST /connectors "{\"name\":\"broken\",\"config\":{\"kafka.topic\":\"broken\",\"http.url\":\"$API/notjson\"}}"
assert_eq "a connector that will fail: 201" 201 "$ST"
wait_task_state broken FAILED
expect "a failed task: connector RUNNING, the task FAILED with the trace" 200 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"$W\",\"trace\":\"$TRACE\"}],\"type\":\"source\"}" \
	GET /connectors/broken/status
expect "restart?onlyFailed=true&includeTasks=true restarts the failed task" 202 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"RESTARTING\",\"worker_id\":\"$W\"}],\"type\":\"source\"}" \
	POST '/connectors/broken/restart?onlyFailed=true&includeTasks=true'
wait_task_state broken FAILED
expect "a failed connector can be stopped" 204 "" PUT /connectors/broken/stop
expect "then it is STOPPED without tasks" 200 \
	"{\"name\":\"broken\",\"connector\":{\"state\":\"STOPPED\",\"worker_id\":\"$W\"},\"tasks\":[],\"type\":\"source\"}" \
	GET /connectors/broken/status
expect "and deleted" 204 "" DELETE /connectors/broken

# ---- lifecycle: stop, resume, pause, in every order ----

LIFE="{\"name\":\"life\",\"config\":{\"kafka.topic\":\"life\",\"http.url\":\"$API/events\",\"http.timer.interval.ms\":\"600000\"}}"
rest POST /connectors "$LIFE"
assert_eq "create life" 201 "$ST"
expect "stop: 204" 204 "" PUT /connectors/life/stop
expect "stop again: 204" 204 "" PUT /connectors/life/stop
expect "STOPPED: status without tasks" 200 \
	"{\"name\":\"life\",\"connector\":{\"state\":\"STOPPED\",\"worker_id\":\"$W\"},\"tasks\":[],\"type\":\"source\"}" \
	GET /connectors/life/status
rest GET /connectors/life
assert_eq "STOPPED: ConnectorInfo without tasks" "200 []" \
	"$ST $(printf '%s' "$BODY" | json_get tasks)"
expect "STOPPED: GET tasks is []" 200 '[]' GET /connectors/life/tasks
expect "resume: 202" 202 "" PUT /connectors/life/resume
expect "resume again: 202" 202 "" PUT /connectors/life/resume
wait_state life RUNNING
assert_eq "resumed: RUNNING with its task" RUNNING \
	"$(printf '%s' "$BODY" | json_get tasks 0 state)"
rest PUT /connectors/life/pause
rest PUT /connectors/life/pause
expect "paused twice: PAUSED, task PAUSED" 200 \
	"{\"name\":\"life\",\"connector\":{\"state\":\"PAUSED\",\"worker_id\":\"$W\"},\"tasks\":[{\"id\":0,\"state\":\"PAUSED\",\"worker_id\":\"$W\"}],\"type\":\"source\"}" \
	GET /connectors/life/status
rest PUT /connectors/life/stop
rest GET /connectors/life/status
assert_eq "stop from PAUSED: STOPPED" "204 STOPPED" \
	"204 $(printf '%s' "$BODY" | json_get connector state)"
rest PUT /connectors/life/pause
rest GET /connectors/life/status
assert_eq "pause from STOPPED: PAUSED" PAUSED \
	"$(printf '%s' "$BODY" | json_get connector state)"
rest PUT /connectors/life/resume
wait_state life RUNNING
assert_eq "then resume: RUNNING" "RUNNING 0" \
	"$(printf '%s' "$BODY" | json_get connector state) $(printf '%s' "$BODY" | json_get tasks 0 id)"
expect "DELETE: 204" 204 "" DELETE /connectors/life
expect "a deleted connector has no topics" 200 '{"life":{"topics":[]}}' \
	GET /connectors/life/topics
expect "then GET: 404" 404 "$(err 404 "Connector life not found")" \
	GET /connectors/life
expect "DELETE again: 404" 404 "$(err 404 "Connector life not found")" \
	DELETE /connectors/life
for a in pause resume stop; do
	expect "$a an unknown connector: 404" 404 \
		"$(err 404 "Unknown connector nope")" PUT "/connectors/nope/$a"
done

# ---- initial_state ----

for s in PAUSED STOPPED; do
	n=initial-$s
	expect "initial_state $s: no tasks in the ConnectorInfo" 201 \
		"{\"name\":\"$n\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":\"$API/events\",\"name\":\"$n\"},\"tasks\":[],\"type\":\"source\"}" \
		POST /connectors "{\"name\":\"$n\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":\"$API/events\"},\"initial_state\":\"$s\"}"
	expect "initial_state $s: status $s, no tasks" 200 \
		"{\"name\":\"$n\",\"connector\":{\"state\":\"$s\",\"worker_id\":\"$W\"},\"tasks\":[],\"type\":\"source\"}" \
		GET "/connectors/$n/status"
	expect "initial_state $s: GET tasks is []" 200 '[]' GET "/connectors/$n/tasks"
done
rest PUT /connectors/initial-PAUSED/resume
wait_state initial-PAUSED RUNNING
assert_eq "created PAUSED, resumed: one RUNNING task" RUNNING \
	"$(printf '%s' "$BODY" | json_get tasks 0 state)"
expect "a connector created PAUSED can be deleted" 204 "" \
	DELETE /connectors/initial-PAUSED
expect "a connector created STOPPED can be deleted" 204 "" \
	DELETE /connectors/initial-STOPPED
expect "a name can be reused at once after a delete" 201 \
	"{\"name\":\"initial-STOPPED\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":\"http://a/b\",\"name\":\"initial-STOPPED\"},\"tasks\":[],\"type\":\"source\"}" \
	POST /connectors '{"name":"initial-STOPPED","config":{"kafka.topic":"t","http.url":"http://a/b"},"initial_state":"STOPPED"}'
expect "resetting offsets a connector never had: 200" 200 \
	'{"message":"The offsets for this connector have been reset successfully"}' \
	DELETE /connectors/initial-STOPPED/offsets
rest DELETE /connectors/initial-STOPPED

# Created STOPPED, offsets altered, resumed: only what follows the offset.
rest POST /connectors "{\"name\":\"fresh\",\"config\":{\"kafka.topic\":\"fresh\",\"http.url\":\"$API/events\",\"http.timer.interval.ms\":\"600000\",\"http.response.records.path\":\"\$.data[*]\",\"http.pagination.type\":\"CURSOR\"},\"initial_state\":\"STOPPED\"}"
assert_eq "create fresh STOPPED" 201 "$ST"
expect "PATCH offsets while STOPPED: 200" 200 \
	'{"message":"The offsets for this connector have been altered successfully"}' \
	PATCH /connectors/fresh/offsets \
	"{\"offsets\": [ {\"partition\": {\"url\": \"$API/events\"}, \"offset\": {\"cursor\": \"c200\", \"position\": 45}} ]}"
expect "GET offsets shows the altered offset" 200 \
	"{\"offsets\":[{\"partition\":{\"url\":\"$API/events\"},\"offset\":{\"cursor\":\"c200\",\"position\":45}}]}" \
	GET /connectors/fresh/offsets
assert_eq "the offsets file holds it" '{"cursor":"c200","position":45}' \
	"$(offset_of fresh)"
rest PUT /connectors/fresh/resume
fixture_records 246 270 | unkeyed >"$T/want.fresh"
assert_topic "resumed from the altered offset: records 246..270 only" fresh \
	"$T/want.fresh"

# ---- offsets: validation, stop, reset ----

for c in GET PATCH DELETE; do
	expect "$c offsets of an unknown connector: 404" 404 \
		"$(err 404 "Connector nope not found")" $c /connectors/nope/offsets \
		'{"offsets":[{"partition":{},"offset":null}]}'
done
expect "PATCH offsets while RUNNING: 400" 400 \
	"$(err 400 "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/events/stop' endpoint")" \
	PATCH /connectors/events/offsets '{"offsets":[{"partition":{},"offset":null}]}'
expect "DELETE offsets while RUNNING: 400" 400 \
	"$(err 400 "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/events/stop' endpoint")" \
	DELETE /connectors/events/offsets
expect "stop events" 204 "" PUT /connectors/events/stop
NEED="Partitions / offsets need to be provided for an alter offsets request"
expect "PATCH {}: 400" 400 "$(err 400 "$NEED")" \
	PATCH /connectors/events/offsets '{}'
expect "PATCH {\"offsets\":[]}: 400" 400 "$(err 400 "$NEED")" \
	PATCH /connectors/events/offsets '{"offsets":[]}'
expect "PATCH []: 400" 400 "$(err 400 "Request body must be a JSON object")" \
	PATCH /connectors/events/offsets '[]'
expect "PATCH {\"offsets\":{}}: 400" 400 \
	"$(err 400 '"offsets" must be an array of {"partition": {...}, "offset": {...}}')" \
	PATCH /connectors/events/offsets '{"offsets":{}}'
expect "PATCH {\"offsets\":[123]}: 400" 400 \
	"$(err 400 'offsets[0]: must be an object with "partition" and "offset"')" \
	PATCH /connectors/events/offsets '{"offsets":[123]}'
expect "PATCH a nested offset value: 400" 400 \
	"$(err 400 'offsets[0]: partitions and offsets may only contain primitive values (string, number, boolean, null)')" \
	PATCH /connectors/events/offsets '{"offsets":[{"partition":{"url":"x"},"offset":{"a":{"b":1}}}]}'
expect "DELETE offsets while STOPPED: 200" 200 \
	'{"message":"The offsets for this connector have been reset successfully"}' \
	DELETE /connectors/events/offsets
expect "then GET offsets is empty" 200 '{"offsets":[]}' \
	GET /connectors/events/offsets
assert_eq "the offsets file holds a tombstone" null "$(offset_of events)"
expect "resume after the reset" 202 "" PUT /connectors/events/resume
cat "$T/want" "$T/want" >"$T/want.twice"
assert_topic "after a reset the task starts from scratch" events \
	"$T/want.twice"

# ---- PUT / PATCH config: restart with the offsets kept ----

EV2_KEYS=${EV_KEYS/\"300\"/\"250\"}
expect "PUT config on an existing connector: 200 with the new config" 200 \
	"{\"name\":\"events\",\"config\":{$EV2_KEYS,\"name\":\"events\"},\"tasks\":[{\"connector\":\"events\",\"task\":0}],\"type\":\"source\"}" \
	PUT /connectors/events/config "{$EV2_KEYS}"
wait_state events RUNNING
assert_eq "fixture has 280 records" '{"records":280}' \
	"$(http_call POST "$API/admin/append?n=10")"
{ cat "$T/want.twice"; fixture_keyed 271 280; } >"$T/want.280"
assert_topic "reconfigured: continues at its offset" events "$T/want.280"
expect "PUT config on a new name: 201" 201 \
	"{\"name\":\"other\",\"config\":{\"kafka.topic\":\"o\",\"http.url\":\"$API/events\",\"http.headers\":\"X-A: 1\",\"http.timer.interval.ms\":\"600000\",\"name\":\"other\"},\"tasks\":[{\"connector\":\"other\",\"task\":0}],\"type\":\"source\"}" \
	PUT /connectors/other/config "{\"kafka.topic\":\"o\",\"http.url\":\"$API/events\",\"http.headers\":\"X-A: 1\",\"http.timer.interval.ms\":\"600000\"}"
assert_grep "with Location" "Location: /connectors/other" "$T/headers"
rest PUT /connectors/other/stop
expect "PATCH config: merged, null removes a key" 200 \
	"{\"name\":\"other\",\"config\":{\"kafka.topic\":\"o\",\"http.url\":\"$API/paged\",\"http.timer.interval.ms\":\"600000\",\"name\":\"other\",\"http.method\":\"POST\"},\"tasks\":[],\"type\":\"source\"}" \
	PATCH /connectors/other/config "{\"http.headers\":null,\"http.url\":\"$API/paged\",\"http.method\":\"POST\"}"
expect "GET config reflects the PATCH" 200 \
	"{\"kafka.topic\":\"o\",\"http.url\":\"$API/paged\",\"http.timer.interval.ms\":\"600000\",\"name\":\"other\",\"http.method\":\"POST\"}" \
	GET /connectors/other/config
expect "PATCH an invalid result: 400" 400 \
	"$(err 400 "Connector configuration is invalid and contains the following 1 error(s):
kafka.topic: required key is missing$INVALID_TAIL")" \
	PATCH /connectors/other/config '{"kafka.topic":null}'
expect "PATCH an unknown connector: 404" 404 \
	"$(err 404 "Connector nope not found")" PATCH /connectors/nope/config '{}'

# ---- names with any character ----

ODD=$'ta/b&c=d//\\x=1\xc3\xbe.1>< `\'" x%y+z!\xe1\x88\xb4#$&\'(\xc3\xa6)*+,:;=?\xc3\xb1@[]\xc3\xbf'
ODD_Q=$(quote "$ODD")
ODD_JSON=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$ODD")
rest POST /connectors "{\"name\":$ODD_JSON,\"config\":{\"kafka.topic\":\"t\",\"http.url\":\"http://a/b\"},\"initial_state\":\"STOPPED\"}"
assert_eq "a name with / ? # % + and Unicode: 201" 201 "$ST"
assert_grep "its Location is percent-encoded" "Location: /connectors/$ODD_Q" \
	"$T/headers"
rest GET "/connectors/$ODD_Q/status"
assert_eq "GET by the encoded name" "200 $ODD" \
	"$ST $(printf '%s' "$BODY" | json_get name)"
expect "DELETE by the encoded name" 204 "" DELETE "/connectors/$ODD_Q"

# ---- plugins and validation ----

expect "GET /connector-plugins: our connector classes" 200 \
	"[{\"class\":\"HttpSource\",\"type\":\"source\",\"version\":\"$VERSION\"},{\"class\":\"io.confluent.connect.http.HttpSourceConnector\",\"type\":\"source\",\"version\":\"$VERSION\"},{\"class\":\"com.github.castorm.kafka.connect.http.HttpSourceConnector\",\"type\":\"source\",\"version\":\"$VERSION\"}]" \
	GET /connector-plugins
rest GET '/connector-plugins?connectorsOnly=false'
assert_eq "connectorsOnly=false adds transforms and converters" \
	"200 transformation converter" \
	"$ST $(printf '%s' "$BODY" | python3 -c '
import json, sys
d = {p["class"]: p["type"] for p in json.load(sys.stdin)}
print(d["org.apache.kafka.connect.transforms.ValueToKey"],
      d["org.apache.kafka.connect.json.JsonConverter"])')"
rest GET /connector-plugins/HttpSource/config
printf '%s' "$BODY" | python3 -c '
import json, sys
print("\n".join(sorted(k["name"] for k in json.load(sys.stdin))))' >"$T/declared"
"$HOST_BIN" --describe-config "$T/worker.properties" |
	sed -n '/^### Connector keys/,/^### [^C]/s/^| `\([^`]*\)`.*/\1/p' |
	sort >"$T/described"
assert_eq "GET /connector-plugins/HttpSource/config: 200" 200 "$ST"
assert_files_eq "it lists exactly the declared connector keys" \
	"$T/described" "$T/declared"
VALID='{"connector.class":"io.confluent.connect.http.HttpSourceConnector","name":"v","kafka.topic":"t","http.url":"http://a/b","http.auth.type":"BASIC","http.auth.user":"u","http.auth.password":"pw"}'
rest PUT /connector-plugins/HttpSourceConnector/config/validate "$VALID"
printf '%s' "$BODY" >"$T/valid.json"
assert_eq "validate a valid config: 200, no error, name = connector.class" \
	"200 0 io.confluent.connect.http.HttpSourceConnector" \
	"$ST $(json_get error_count <"$T/valid.json") $(json_get name <"$T/valid.json")"
assert_files_eq "validate: definitions = the declared keys + the plugin keys used" \
	<(printf 'http.auth.password\nhttp.auth.user\n' | cat - "$T/declared" | sort) \
	<(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted(c["definition"]["name"] for c in d["configs"])))' "$T/valid.json")
assert_eq "validate hides passwords" "[hidden]" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print([c["value"]["value"] for c in d["configs"] if c["value"]["name"] == "http.auth.password"][0])' "$T/valid.json")"
rest PUT /connector-plugins/HttpSource/config/validate \
	'{"connector.class":"HttpSource","name":"v","http.url":"http://a/b","http.auth.type":"BASIC"}'
assert_eq "validate a config missing keys: 200, errors per key" \
	'200 1 kafka.topic=["kafka.topic: required key is missing"]' \
	"$ST $(printf '%s' "$BODY" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["error_count"], " ".join("%s=%s" % (c["value"]["name"], json.dumps(c["value"]["errors"])) for c in d["configs"] if c["value"]["errors"]))')"
# A value with "; <key>: " in it is one problem of its own key (the
# problems travel as (key, message) pairs, not as text split again).
rest PUT /connector-plugins/HttpSource/config/validate \
	'{"connector.class":"HttpSource","name":"v","kafka.topic":"t","http.url":"nope; name: x"}'
assert_eq "validate: a value holding '; name: ' is one problem of its key" \
	"200 1 http.url=[\"http.url: invalid value 'nope; name: x': not an absolute http(s) URL\"]" \
	"$ST $(printf '%s' "$BODY" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["error_count"], " ".join("%s=%s" % (c["value"]["name"], json.dumps(c["value"]["errors"])) for c in d["configs"] if c["value"]["errors"]))')"
expect "validate with another connector.class: 400" 400 \
	"$(err 400 "Included connector type Other does not match request type HttpSource")" \
	PUT /connector-plugins/HttpSource/config/validate '{"connector.class":"Other"}'
expect "validate an unknown plugin: 404" 404 "$(err 404 "Unknown plugin Nope.")" \
	PUT /connector-plugins/Nope/config/validate '{}'
expect "GET config of an unknown plugin: 404" 404 \
	"$(err 404 "Unknown plugin Nope.")" GET /connector-plugins/Nope/config
expect "GET config of a transform: its keys" 200 \
	'[{"name":"fields","type":"LIST","required":true,"default_value":null,"importance":"HIGH","documentation":"Field names on the record value to extract as the record key","group":"transform","order":1,"width":"NONE","display_name":"fields","dependents":[]}]' \
	GET /connector-plugins/org.apache.kafka.connect.transforms.ValueToKey/config

# ---- HTTP layer ----

expect "an unknown path: 404" 404 "$(err 404 "HTTP 404 Not Found")" GET /nope
expect "a known path, another method: 405" 405 \
	"$(err 405 "HTTP 405 Method Not Allowed")" DELETE /connectors
expect "OPTIONS lists the methods" 200 "GET, POST, OPTIONS" OPTIONS /connectors
expect "a malformed escape in the path: 400" 400 \
	"$(err 400 "Malformed percent-encoding in the request path")" \
	GET /connectors/a%zz

# ---- persistence across a restart of the host ----

rest PUT /connectors/other/pause
assert_eq "the config file is private (0600)" 600 "$(stat -c %a "$STORE")"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 20
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_absent "the resolved secret never reached the logs" tok-s3cr3t-value \
	"$T/host.err" "$T/host.out"
assert_eq "the config file keeps the REST connectors and their targets" \
	"events:RUNNING fresh:RUNNING other:PAUSED" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["connectors"]
print(" ".join("%s:%s" % (k, v["target"]) for k, v in d.items()))' "$STORE")"
mv "$T/host.err" "$T/host1.err"
start_host "$T/worker.properties"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "REST API did not restart: $(cat "$T/host.err")"
expect "after the restart: the REST connectors are back" 200 \
	'["events","fresh","other"]' GET /connectors
expect "with their config" 200 "{$EV2_KEYS,\"name\":\"events\"}" \
	GET /connectors/events/config
rest GET /connectors/other/status
assert_eq "and their state" PAUSED \
	"$(printf '%s' "$BODY" | json_get connector state)"
assert_eq "fixture has 290 records" '{"records":290}' \
	"$(http_call POST "$API/admin/append?n=10")"
{ cat "$T/want.280"; fixture_keyed 281 290; } >"$T/want.290"
assert_topic "restored: continues at its offset" events "$T/want.290"

# Connectors from command-line files are kept only once changed over REST.
write_connector "$T/cli.json" cli kafka.topic=cli "http.url=$API/events" \
	http.timer.interval.ms=600000
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 20
mv "$T/host.err" "$T/host2.err"
start_host "$T/worker.properties" "$T/cli.json"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "REST API did not restart: $(cat "$T/host.err")"
expect "a command-line connector is listed with the stored ones" 200 \
	'["cli","events","fresh","other"]' GET /connectors
assert_absent "but not stored" '"cli"' "$STORE"
rest PUT /connectors/cli/resume
assert_absent "resuming it while it runs changes nothing: still not stored" \
	'"cli"' "$STORE"
rest PUT /connectors/cli/pause
assert_grep "once changed over REST it is stored" '"cli":{"config":{"name":"cli"' \
	"$STORE"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 20
mv "$T/host.err" "$T/host3.err"
start_host "$T/worker.properties" "$T/cli.json"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "REST API did not restart: $(cat "$T/host.err")"
wait_state cli RUNNING
assert_eq "at the next start the file wins, as in Connect standalone" \
	RUNNING "$(printf '%s' "$BODY" | json_get connector state)"
assert_grep "saying the REST-made changes were replaced" \
	"[cli] starts from its command-line file, as in Connect standalone: the config and state set over REST (kept in $STORE) were replaced" \
	"$T/host.err"
assert_eq "and the store no longer holds it" "(missing)" \
	"$(json_get connectors cli <"$STORE")"

# ---- security: Basic auth (password from a provider), https, 413 ----

make_pki "$T/pki"
P2=$(free_port)
P3=$(free_port)
write_worker "$T/secure.properties" \
	"listeners=https://127.0.0.1:$P2, http://127.0.0.1:$P3" \
	"listeners.https.ssl.certificate.location=$T/pki/server.pem" \
	"listeners.https.ssl.key.location=$T/pki/server.key" \
	rest.auth.user=admin 'rest.auth.password=${env:HTTPSRC_TEST_REST_PW}' \
	config.providers=env config.providers.env.class=env \
	rest.max.request.bytes=64 "offset.storage.file.filename=$T/secure.offsets" \
	topic.tracking.allow.reset=false
HTTPSRC_TEST_REST_PW=s3cret-pw "$HOST_BIN" "$T/secure.properties" \
	>"$T/secure.out" 2>"$T/secure.err" &
track_pid $!
wait_for_line "$T/secure.err" "REST API listening on http://127.0.0.1:$P3\$" \
	>/dev/null || bail_out "secure host did not start: $(cat "$T/secure.err")"
U=https://127.0.0.1:$P2
expect "no credentials: 401" 401 \
	"$(err 401 "Authentication required (HTTP Basic)")" GET /connectors
assert_grep "401 asks for Basic" 'WWW-Authenticate: Basic realm="httpsrc-connect"' \
	"$T/headers"
out=$(python3 "$CLIENT" -u admin:wrong GET "$U/connectors")
assert_eq "a wrong password: 401" 401 "${out%%$'\n'*}"
out=$(python3 "$CLIENT" --cacert "$T/pki/ca.pem" -u admin:s3cret-pw GET "$U/connectors")
assert_eq "the right one over verified https: 200" "200
[]" "$out"
out=$(python3 "$CLIENT" -u admin:s3cret-pw POST "http://127.0.0.1:$P3/connectors" \
	'{"name":"x","config":{"kafka.topic":"t","http.url":"http://a/b/c/d/e"}}')
assert_eq "a body over rest.max.request.bytes: 413" \
	"413
$(err 413 "Request body is larger than rest.max.request.bytes (64 bytes)")" "$out"
assert_absent "the REST password is never logged" s3cret-pw "$T/secure.err" \
	"$T/secure.out"
out=$(python3 "$CLIENT" -u admin:s3cret-pw GET "http://127.0.0.1:$P3/connectors/x/topics")
assert_eq "topic.tracking.allow.reset=false: topics still served" \
	'200
{"x":{"topics":[]}}' "$out"
out=$(python3 "$CLIENT" -u admin:s3cret-pw PUT "http://127.0.0.1:$P3/connectors/x/topics/reset")
assert_eq "but a reset is 403" "403
$(err 403 "Topic tracking reset is disabled.")" "$out"

# The port is found taken before any connector is created (issue 11: a
# connector was created, and could have fenced or read offsets, first).
write_worker "$T/busy.properties" "listeners=http://127.0.0.1:$PORT" \
	"offset.storage.file.filename=$T/busy.offsets"
write_connector "$T/busy.json" busy kafka.topic=busy "http.url=$API/events"
rc=0
timeout -k 5 20 "$HOST_BIN" "$T/busy.properties" "$T/busy.json" >/dev/null \
	2>"$T/busy.err" || rc=$?
assert_eq "a listener that cannot bind: exit 2, one line naming it, no connector created" \
	"2 httpsrc-connect: $T/busy.properties: listeners: cannot listen on http://127.0.0.1:$PORT: Address already in use" \
	"$rc $(cat "$T/busy.err")"

# topic.tracking.enable=false: both endpoints 403.
P4=$(free_port)
write_worker "$T/notrack.properties" "listeners=http://127.0.0.1:$P4" \
	"offset.storage.file.filename=$T/notrack.offsets" topic.tracking.enable=false
"$HOST_BIN" "$T/notrack.properties" >/dev/null 2>"$T/notrack.err" &
track_pid $!
wait_for_line "$T/notrack.err" "REST API listening on http://127.0.0.1:$P4\$" \
	>/dev/null || bail_out "host did not start: $(cat "$T/notrack.err")"
U=http://127.0.0.1:$P4
expect "topic.tracking.enable=false: GET topics 403" 403 \
	"$(err 403 "Topic tracking is disabled.")" GET /connectors/x/topics
expect "and PUT topics/reset 403" 403 \
	"$(err 403 "Topic tracking is disabled.")" PUT /connectors/x/topics/reset
