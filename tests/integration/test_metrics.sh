#!/bin/bash
# /metrics for on-call: a running worker is scraped over HTTP and the
# exposition is checked by tests/integration/prom_check.py (the format and
# naming conventions, label escaping, histogram consistency); the values
# are the exact counts of what three connectors did (one that delivers 250
# records, one that gets a 401, one whose API refuses connections); broker
# reachability follows the mock cluster going down and up; the Grafana
# dashboard (dist/grafana/httpsrc.json) names only exported metrics and the
# README's metrics table lists exactly the exported families.
. "$(dirname "$0")/lib.sh"

plan 24
CHECK=$HTTPSRC_SOURCE_ROOT/tests/integration/prom_check.py

start_fixture --records 250 --page-size 100
start_kafka_ctl
PORT=$(free_port)
M=http://127.0.0.1:$PORT/metrics
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT" \
	producer.statistics.interval.ms=100
# A name with the characters the exposition format escapes.
NAME='ev"x\y'
EV='ev\"x\\y'
write_connector "$T/events.json" "$NAME" kafka.topic=events \
	"http.url=$API/events" 'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR http.timer.interval.ms=60000
write_connector "$T/denied.json" denied kafka.topic=denied \
	"http.url=$API/basic" http.retry.max.attempts=0
write_connector "$T/refused.json" refused kafka.topic=refused \
	"http.url=http://127.0.0.1:$(free_port)/x" http.retry.max.attempts=0
start_host "$T/worker.properties" "$T/events.json" "$T/denied.json" \
	"$T/refused.json"

# scrape: the exposition in $T/metrics.
scrape() {
	http_call GET "$M" >"$T/metrics" || : >"$T/metrics"
}
val() {
	python3 "$CHECK" value "$T/metrics" "$1"
}
# wait_val SERIES VALUE: until a scrape shows it (10 s).
wait_val() {
	local _
	for _ in $(seq 100); do
		scrape
		[ "$(val "$1")" != "$2" ] || return 0
		sleep 0.1
	done
	return 1
}

wait_val "httpsrc_records_acknowledged_total{connector=\"$EV\"}" 250 ||
	diag "the events connector did not deliver 250 records"
wait_val 'httpsrc_connector_state{connector="refused",state="FAILED"}' 1 ||
	diag "refused did not fail"
wait_val 'httpsrc_connector_state{connector="denied",state="FAILED"}' 1 ||
	diag "denied did not fail"
wait_val httpsrc_kafka_broker_up 1 || diag "no broker_up 1"
scrape
cp "$T/metrics" "$T/metrics.first"

python3 "$CHECK" lint "$T/metrics" >"$T/lint.out" 2>&1
assert_eq "the exposition follows the text format and naming conventions" \
	"0 " "$? $(cat "$T/lint.out")"
assert_eq "records polled, exactly" 250 \
	"$(val "httpsrc_records_polled_total{connector=\"$EV\"}")"
assert_eq "records produced, exactly" 250 \
	"$(val "httpsrc_records_produced_total{connector=\"$EV\"}")"
assert_eq "records acknowledged, exactly" 250 \
	"$(val "httpsrc_records_acknowledged_total{connector=\"$EV\"}")"
assert_eq "records failed: none" 0 \
	"$(val "httpsrc_records_failed_total{connector=\"$EV\"}")"
assert_eq "nothing outstanding once acknowledged (records, bytes)" "0 0" \
	"$(val "httpsrc_records_outstanding{connector=\"$EV\"}") $(val "httpsrc_records_outstanding_bytes{connector=\"$EV\"}")"
# 3 pages (100, 100, 50) and the poll that finds nothing new after c200.
assert_eq "2xx requests of events: the 3 pages and the empty re-read" 4 \
	"$(val "httpsrc_http_requests_total{connector=\"$EV\",code=\"2xx\"}")"
assert_eq "the 401 is counted as 4xx" "1 0" \
	"$(val 'httpsrc_http_requests_total{connector="denied",code="4xx"}') $(val 'httpsrc_http_requests_total{connector="denied",code="2xx"}')"
assert_eq "a refused connection is code=error" 1 \
	"$(val 'httpsrc_http_requests_total{connector="refused",code="error"}')"
assert_eq "duration histogram: +Inf bucket and count are every request" "4 4" \
	"$(val "httpsrc_http_request_duration_seconds_bucket{connector=\"$EV\",le=\"+Inf\"}") $(val "httpsrc_http_request_duration_seconds_count{connector=\"$EV\"}")"
assert_eq "connector state: RUNNING is 1, FAILED 0" "1 0" \
	"$(val "httpsrc_connector_state{connector=\"$EV\",state=\"RUNNING\"}") $(val "httpsrc_connector_state{connector=\"$EV\",state=\"FAILED\"}")"
assert_eq "task state of a failed connector: FAILED" 1 \
	"$(val 'httpsrc_task_state{connector="denied",task="0",state="FAILED"}')"
NOW=$(date +%s)
AGE=$(val "httpsrc_offset_age_seconds{connector=\"$EV\"}")
assert_eq "offset age: seconds since the offset moved (0..60)" yes \
	"$(awk -v a="$AGE" 'BEGIN { print (a >= 0 && a < 60) ? "yes" : "no: " a }')"
LAST=$(val "httpsrc_last_success_timestamp_seconds{connector=\"$EV\"}")
assert_eq "last success: an epoch time within the last minute" yes \
	"$(awk -v l="$LAST" -v n="$NOW" 'BEGIN { print (l > n - 60 && l <= n + 1) ? "yes" : "no: " l }')"
assert_eq "no success yet for the 401 connector: 0" 0 \
	"$(val 'httpsrc_last_success_timestamp_seconds{connector="denied"}')"
assert_grep "build_info names version, commit, librdkafka and curl" \
	"httpsrc_build_info{version=\"$("$HOST_BIN" --version | cut -d' ' -f2)\",commit=\"" \
	"$T/metrics"
assert_grep_e "build_info: librdkafka and curl versions" \
	'^httpsrc_build_info\{.*,librdkafka="[0-9]+\.[0-9.]+",curl="[0-9]+\.[0-9.]+"\} 1$' \
	"$T/metrics"
RSS=$(val process_resident_memory_bytes)
assert_eq "process RSS in bytes matches ps (within 25%)" yes \
	"$(awk -v r="$RSS" -v p="$(rss_kb "$HOST_PID")" 'BEGIN { k = p * 1024; print (r > k * 0.75 && r < k * 1.25) ? "yes" : "no: " r " vs " k }')"
FDS=$(find "/proc/$HOST_PID/fd" -mindepth 1 2>/dev/null | wc -l)
assert_eq "process open fds: as many as /proc shows (+-2)" yes \
	"$(awk -v a="$(val process_open_fds)" -v b="$FDS" 'BEGIN { d = a - b; print (d <= 2 && d >= -2) ? "yes" : "no: " a " vs " b }')"

kafka_brokers down
wait_val httpsrc_kafka_broker_up 0
assert_eq "broker reachability: 0 while the cluster is down" 0 \
	"$(val httpsrc_kafka_broker_up)"
kafka_brokers up
wait_val httpsrc_kafka_broker_up 1
assert_eq "broker reachability: 1 again once it is back" 1 \
	"$(val httpsrc_kafka_broker_up)"

python3 "$CHECK" dashboard "$HTTPSRC_SOURCE_ROOT/dist/grafana/httpsrc.json" \
	"$T/metrics.first" >"$T/dash.out" 2>&1
assert_eq "every expression of the Grafana dashboard names exported metrics" \
	"0 " "$? $(grep -v '^#' "$T/dash.out")"
python3 "$CHECK" readme "$HTTPSRC_SOURCE_ROOT/README.md" "$T/metrics.first" \
	>"$T/readme.out" 2>&1
assert_eq "the README metrics table lists exactly the exported families" \
	"0 " "$? $(cat "$T/readme.out")"
sed 's/httpsrc_offset_age_seconds/httpsrc_offset_age_ms/' \
	"$HTTPSRC_SOURCE_ROOT/dist/grafana/httpsrc.json" >"$T/bad.json"
python3 "$CHECK" dashboard "$T/bad.json" "$T/metrics.first" >"$T/bad.out" 2>&1
assert_grep "the dashboard check catches a name that is not exported" \
	"not exported: httpsrc_offset_age_ms" "$T/bad.out"
