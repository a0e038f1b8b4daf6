#!/bin/bash
# http.timer.type=cron: with the Quartz expression "*/2 * * * * ?" a
# caught-up connector polls at every even second (UTC), not every
# http.timer.interval.ms. Poll times come from the fixture's request log
# (wall clock, ms). A malformed expression is a config error naming the key.
. "$(dirname "$0")/lib.sh"

plan 17
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"
write_connector "$T/cron.json" cron-conn \
	kafka.topic=cron \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	http.timer.type=cron \
	'http.timer.cron.expression=*/2 * * * * ?' \
	http.timer.interval.ms=300 \
	"${KEY_BY_ID[@]}"

start_host --log-level debug "$T/worker.properties" "$T/cron.json"
sleep 7.5
assert_eq "records appended while the connector waits for cron" \
	'{"records":260}' "$(http_call POST "$API/admin/append?n=10")"
sleep 2.5
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"

# A poll that finds records is followed at once by a catch-up poll; the
# polls that come >= 1 s after the request before them are cron polls.
fixture_log /events >"$T/events.log"
awk 'NR > 1 && $1 - last >= 1000 { print } { last = $1 }' "$T/events.log" \
	>"$T/cron.log"
diag_file "$T/cron.log"
assert_ge "at least 4 cron polls in ~10 s" 4 "$(wc -l <"$T/cron.log")"
assert_eq "every cron poll starts at an even second (within 300 ms)" "" \
	"$(awk '{ s = int($1 / 1000); ms = $1 % 1000
		if (s % 2 || ms >= 300) printf "%s ", $1 }' "$T/cron.log")"
assert_eq "cron polls are 2 s apart, not http.timer.interval.ms" "" \
	"$(awk 'NR > 1 { d = $1 - last; if (d < 1700 || d > 2300) printf "%d ", d }
		{ last = $1 }' "$T/cron.log")"
assert_eq "every other request is a catch-up right after a poll with records" \
	"" "$(awk 'NR > 4 { s = int($1 / 1000); ms = $1 % 1000
		if (!(s % 2 == 0 && ms < 300) && $1 - last >= 250) printf "%s ", $1 }
		{ last = $1 }' "$T/events.log")"
assert_topic "cron: every record once, the appended ones too" cron \
	<(fixture_keyed 1 260)
# The log says when the next poll is (DEBUG here: 2 s away).
assert_grep_e "the log says when the next poll is" \
	"DEBUG +\[cron-conn\] next poll at 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \(http.timer.cron.expression '\*/2 \* \* \* \* \?' in UTC\)" \
	"$T/host.err"
# ...at INFO when it is a minute or more away: the user waiting sees it.
write_connector "$T/far.json" far-conn kafka.topic=far "http.url=$API/events" \
	'http.response.records.path=$.data[*]' http.timer.type=cron \
	'http.timer.cron.expression=0 0 0 1 1 ? 2199'
run_host --once "$T/worker.properties" "$T/far.json"
assert_eq "far cron, --once: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "INFO: the next poll, in UTC" \
	"[far-conn] next poll at 2199-01-01T00:00:00Z (http.timer.cron.expression '0 0 0 1 1 ? 2199' in UTC)" \
	"$T/host.err"

write_connector "$T/badcron.json" badcron-conn \
	kafka.topic=badcron \
	"http.url=$API/events" \
	http.timer.type=cron \
	'http.timer.cron.expression=*/2 * * * * *'
run_host --once "$T/worker.properties" "$T/badcron.json"
assert_eq "malformed cron expression: exit 2 (a config error)" 2 "$HOST_RC"
assert_grep "both day fields given: one line naming the file, key and rule" \
	"httpsrc-connect: $T/badcron.json: http.timer.cron.expression: invalid value '*/2 * * * * *': day-of-month and day-of-week cannot both be specified (use ?) at position 13" \
	"$T/host.err"

# Issue 11: a 5-field Unix expression gets its Quartz equivalent...
write_connector "$T/unixcron.json" unixcron kafka.topic=u "http.url=$API/events" \
	http.timer.type=cron 'http.timer.cron.expression=30 9 * * 1-5'
run_host --once "$T/worker.properties" "$T/unixcron.json"
assert_eq "5-field Unix expression: exit 2" 2 "$HOST_RC"
assert_eq "5-field Unix expression: the Quartz one to use" \
	"httpsrc-connect: $T/unixcron.json: http.timer.cron.expression: invalid value '30 9 * * 1-5': expected 6 or 7 fields at position 13; a 5-field Unix cron expression? Quartz has seconds first, Sunday = 1 and '?' in day-of-month or day-of-week: '0 30 9 ? * 2-6'" \
	"$(cat "$T/host.err")"
# ...and an expression without http.timer.type=cron is not silently ignored.
write_connector "$T/notype.json" notype kafka.topic=n "http.url=$API/events" \
	'http.timer.cron.expression=0 0 * * * ?'
run_host --once "$T/worker.properties" "$T/notype.json"
assert_eq "cron expression without http.timer.type=cron: exit 2" 2 "$HOST_RC"
assert_eq "cron expression without http.timer.type=cron: says what to set" \
	"httpsrc-connect: $T/notype.json: http.timer.cron.expression: only used with http.timer.type=cron: set http.timer.type=cron (or remove the expression to poll every http.timer.interval.ms)" \
	"$(cat "$T/host.err")"
