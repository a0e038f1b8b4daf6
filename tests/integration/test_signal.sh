#!/bin/bash
# SIGTERM stops a running host cleanly: exit 0, offsets of everything
# acknowledged stored.
. "$(dirname "$0")/lib.sh"

plan 7
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"
write_connector "$T/events.json" events-poller \
	kafka.topic=events \
	"http.url=$API/events" \
	http.timer.interval.ms=600000 \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	"${KEY_BY_ID[@]}" "${JSON_VALUES[@]}"

start_host "$T/worker.properties" "$T/events.json"
consume_topic events 250
assert_eq "all 250 records arrive while the host runs" 0 "$CONSUME_RC"
assert_files_eq "they are records 1..250, keyed" \
	<(fixture_keyed 1 250 | sort) <(sort "$CONSUMED")
if kill -0 "$HOST_PID" 2>/dev/null; then
	ok "host still running before SIGTERM"
else
	not_ok "host still running before SIGTERM"
	diag_file "$T/host.err"
fi
kill -TERM "$HOST_PID" 2>/dev/null
wait_host_exit "$HOST_PID" 15
assert_eq "host exits 0 on SIGTERM" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "offset stored for the connector's partition" "$API/events" \
	"$OFFSETS"
assert_grep_e "stored offset is the last page's cursor, all 50 records" \
	'"cursor" *: *"c200" *, *"position" *: *50' "$OFFSETS"
assert_grep "log lines name the connector" events-poller "$T/host.err"
