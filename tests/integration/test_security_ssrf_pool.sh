#!/bin/bash
# Issue 10 item 2: the SSRF guard judges the connection a request is sent
# on, also one from curl's pool that another connector opened. One worker:
# "open" (no guard) polls the fixture on 127.0.0.1 once, leaving a
# keep-alive connection in the pool. Then two guarded connectors want the
# same 127.0.0.1 fixture: "hop" through a redirect from a second fixture on
# 127.0.0.2 (connection.disallow.cidr.ranges=127.0.0.1/32), "direct" at
# once (connection.disallow.local.ips=true). Each fails with the error
# naming the address and the key, and the fixture on 127.0.0.1 never serves
# them (before the fix both reused the pooled connection and got through).
. "$(dirname "$0")/lib.sh"

plan 8
start_fixture --bind 127.0.0.2
FAR=${API/127.0.0.1/127.0.0.2}
start_fixture
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
# one poll, then idle for a minute: its connection stays in the pool
write_connector "$T/open.json" open kafka.topic=open "http.url=$API/single" \
	'http.response.records.path=$' http.timer.interval.ms=60000
start_host "$T/worker.properties" "$T/open.json"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "host did not start: $(cat "$T/host.err")"
wait_for_line "$T/host.err" '\[open\] poll done' >/dev/null ||
	bail_out "the unguarded connector did not poll: $(cat "$T/host.err")"

# guarded NAME URL GUARD_KEY=VALUE: create it over REST; once its first
# poll ended (failed or done, in the log), its state.
guarded() {
	local name=$1 url=$2 guard=$3
	rest POST /connectors "{\"name\":\"$name\",\"config\":{\"kafka.topic\":\"$name\",\"http.url\":\"$url\",\"http.response.records.path\":\"\$\",\"http.timer.interval.ms\":\"60000\",\"${guard%%=*}\":\"${guard#*=}\"}}"
	assert_eq "$name: created (201)" 201 "$ST"
	wait_for_line "$T/host.err" "\\[$name\\] (task failed|poll done)" \
		>/dev/null
	rest GET "/connectors/$name/status"
	assert_eq "$name: its task FAILED" FAILED \
		"$(printf '%s' "$BODY" | json_get tasks 0 state)"
}

guarded hop "$FAR/redirect?to=$API/echo" \
	connection.disallow.cidr.ranges=127.0.0.1/32
assert_grep "hop: the error names the address and the key" \
	"[hop] task failed: GET $FAR/redirect?... failed: connection to 127.0.0.1 refused: 127.0.0.1 is in connection.disallow.cidr.ranges" \
	"$T/host.err"

# A pooled connection again (the refused request may have closed it): a
# second unguarded connector polls 127.0.0.1 once.
rest POST /connectors "{\"name\":\"open2\",\"config\":{\"kafka.topic\":\"open\",\"http.url\":\"$API/single\",\"http.response.records.path\":\"\$\",\"http.timer.interval.ms\":\"60000\"}}"
wait_for_line "$T/host.err" '\[open2\] poll done' >/dev/null
assert_eq "open2: polled 127.0.0.1 (a pooled connection again)" 0 "$?"
guarded direct "$API/echo" connection.disallow.local.ips=true
assert_grep "direct: the error names the address and the key" \
	"[direct] task failed: GET $API/echo failed: connection to 127.0.0.1 refused: 127.0.0.1 is a local address (connection.disallow.local.ips)" \
	"$T/host.err"
assert_eq "the guarded connectors never reached 127.0.0.1" 0 \
	"$(fixture_requests /echo)"
