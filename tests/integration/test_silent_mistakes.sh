#!/usr/bin/env bash
# Mistakes that used to give a wrong result with exit 0 and no word
# (issue 11): each now gets a message naming the key, the URL and what to
# do, shown in the log, the status and the metrics, and --once fails.
. "$(dirname "$0")/lib.sh"
plan 14
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"

# count FIXED_STRING FILE: lines of FILE that hold it.
count() {
	grep -cF -- "$1" "$2"
}

# ---- a records path that matches nothing ------------------------------
write_connector "$T/wrong-path.json" wrong-path kafka.topic=wp \
	"http.url=$API/events" 'http.response.records.path=$.items[*]'
run_host --once "$T/worker.properties" "$T/wrong-path.json"
msg="http.response.records.path \$.items[*] matches nothing in the response of GET $API/events, which is an object with members data, next_cursor: no records are read (fix the path to select the records, e.g. \$.<member>[*])"
assert_eq "records path matching nothing: --once exits 1" 1 "$HOST_RC"
assert_grep "WARN names the path, the page and what the body holds" \
	"WARN  [wrong-path] $msg" "$T/host.err"
assert_grep "the exit names the connector and the reason" \
	"connector 'wrong-path' failed: $msg" "$T/host.err"
assert_eq "warned once" 1 "$(count "WARN  [wrong-path] http.response.records.path" "$T/host.err")"

# Running: the status trace and the metrics show it.
PORT=$(free_port)
write_worker "$T/worker-rest.properties" "listeners=http://127.0.0.1:$PORT"
write_connector "$T/wrong-path-run.json" wrong-path kafka.topic=wp \
	"http.url=$API/events" 'http.response.records.path=$.items[*]' \
	http.timer.interval.ms=600000
start_host "$T/worker-rest.properties" "$T/wrong-path-run.json"
wait_for_line "$T/host.err" 'matches nothing' >/dev/null || diag_file "$T/host.err"
status=$(http_call GET "http://127.0.0.1:$PORT/connectors/wrong-path/status")
assert_eq "status: the task is RUNNING" RUNNING "$(printf '%s' "$status" | json_get tasks 0 state)"
assert_eq "status: its trace is the warning" "$msg" \
	"$(printf '%s' "$status" | json_get tasks 0 trace)"
assert_grep "metrics count the page" \
	'httpsrc_pages_unmatched_total{connector="wrong-path"} 1' \
	<(http_call GET "http://127.0.0.1:$PORT/metrics")
_stop_pid "$HOST_PID"

# An empty array where the path points is an empty page, not a mistake.
write_connector "$T/empty.json" empty-page kafka.topic=ep \
	"http.url=$API/paged?page=9" 'http.response.records.path=$.items[*]'
run_host --once "$T/worker.properties" "$T/empty.json"
assert_eq "an empty page: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "an empty page: no warning" 0 "$(count "records.path" "$T/host.err")"

# A path without [*] selecting the array: one record holding all of it.
write_connector "$T/no-star.json" no-star kafka.topic=ns \
	"http.url=$API/events" 'http.response.records.path=$.data'
run_host --once "$T/worker.properties" "$T/no-star.json"
assert_eq "an array as the record: --once exits 0 (the records are there)" \
	0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "WARN says add [*]" \
	"WARN  [no-star] http.response.records.path \$.data selects an array in the response of GET $API/events: each page gives one record holding the whole array; add [*] (\$.data[*]) for a record per element" \
	"$T/host.err"
assert_eq "warned once for 3 pages" 1 "$(count "selects an array" "$T/host.err")"

# The path matched on some pages: no failure.
write_connector "$T/ok.json" ok-path kafka.topic=ok \
	"http.url=$API/events" 'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/ok.json"
assert_eq "a right path: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "a right path: no warning" 0 "$(count "WARN" "$T/host.err")"
