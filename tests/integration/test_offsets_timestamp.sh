#!/bin/bash
# Incremental offsets: http.offset.mode=TIMESTAMP and ID with ${offset} in the
# URL. The offset is the largest value acknowledged; each poll asks for what
# is newer; the API grows between two runs and the second run produces
# exactly the new records. ${offset} is URL-encoded (a '+' in a zone offset
# reaches the API as '+'), and records not newer than the stored offset are
# dropped even when the API ignores the filter.
. "$(dirname "$0")/lib.sh"

plan 27
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"

write_connector "$T/ts.json" ts-conn "${KEY_BY_ID[@]}" \
	kafka.topic=ts \
	"http.url=$API/ts?since=\${offset}" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.offset.mode=TIMESTAMP \
	http.offset.field=updated_at \
	http.initial.offset=1970-01-01T00:00:00Z
# Record 50's time, written in +01:00: the '+' must be sent as %2B.
write_connector "$T/tsplus.json" tsplus-conn "${KEY_BY_ID[@]}" \
	kafka.topic=tsplus \
	"http.url=$API/ts?limit=80&since=\${offset}" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.offset.mode=TIMESTAMP \
	'http.offset.field=$.updated_at' \
	http.initial.offset=2024-01-01T01:00:50+01:00
write_connector "$T/ids.json" ids-conn "${KEY_BY_ID[@]}" \
	kafka.topic=ids \
	"http.url=$API/ids?after=\${offset}" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.offset.mode=ID \
	http.offset.field=id \
	http.initial.offset=0
# The API ignores the offset here (no ${offset}): every poll gets every
# record, and only the new ones may be produced.
write_connector "$T/idsall.json" idsall-conn "${KEY_BY_ID[@]}" \
	kafka.topic=idsall \
	"http.url=$API/ids?limit=1000" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.offset.mode=ID \
	http.offset.field=id
CONNS=("$T/ts.json" "$T/tsplus.json" "$T/ids.json" "$T/idsall.json")

run_host --once "$T/worker.properties" "${CONNS[@]}"
assert_eq "TIMESTAMP and ID connectors, --once: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
fixture_ts_records 1 250 | keyed_by_id >"$T/ts.250"
fixture_keyed 1 250 >"$T/ids.250"
assert_topic "TIMESTAMP" ts "$T/ts.250"
assert_topic "ID" ids "$T/ids.250"
assert_topic "ID, API without a filter" idsall "$T/ids.250"
fixture_ts_records 51 250 | keyed_by_id >"$T/tsplus.250"
assert_topic "TIMESTAMP from 2024-01-01T01:00:50+01:00 (record 50)" tsplus \
	"$T/tsplus.250"

# Each poll asked for what is newer than the last record acknowledged.
assert_eq "TIMESTAMP: polls since the initial offset, then each last one" \
	"since=1970-01-01T00:00:00Z since=$(ts_of 100) since=$(ts_of 200) since=$(ts_of 250)" \
	"$(fixture_log /ts | awk '$4 ~ /^\/ts\?since=/ {print $4}' |
		sed 's/.*?//' | xargs)"
assert_eq "TIMESTAMP: '+01:00' reached the API intact (URL-encoded)" \
	"limit=80&since=2024-01-01T01:00:50+01:00" \
	"$(fixture_log /ts | awk '$4 ~ /limit=80/ {print $4}' | head -1 |
		sed 's/.*?//')"
assert_eq "ID: polls after 0, then after each last id" \
	"after=0 after=100 after=200 after=250" \
	"$(fixture_log /ids | awk '$4 ~ /after=/ {print $4}' | sed 's/.*?//' |
		xargs)"
assert_eq "TIMESTAMP offset: the newest updated_at in Kafka" \
	"{\"timestamp\":\"$(ts_of 250)\"}" "$(offset_of ts-conn)"
assert_eq "TIMESTAMP (+01:00 start) offset: the newest updated_at" \
	"{\"timestamp\":\"$(ts_of 250)\"}" "$(offset_of tsplus-conn)"
assert_eq "ID offset: the largest id in Kafka, as a number" '{"id":250}' \
	"$(offset_of ids-conn)"
assert_eq "ID offset (API without a filter)" '{"id":250}' \
	"$(offset_of idsall-conn)"

# The API grows; a restart produces exactly the 30 new records.
assert_eq "fixture appends 30 records" '{"records":280}' \
	"$(http_call POST "$API/admin/append?n=30")"
run_host --once "$T/worker.properties" "${CONNS[@]}"
assert_eq "second --once run: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
fixture_ts_records 1 280 | keyed_by_id >"$T/ts.280"
fixture_keyed 1 280 >"$T/ids.280"
assert_topic "TIMESTAMP after a restart" ts "$T/ts.280"
assert_topic "ID after a restart" ids "$T/ids.280"
assert_topic "ID (no filter) after a restart: old records dropped" idsall \
	"$T/ids.280"
assert_eq "TIMESTAMP: the restart resumed from the stored offset" \
	"since=$(ts_of 250)" \
	"$(fixture_log /ts | awk '$4 ~ /^\/ts\?since=/ {print $4}' |
		sed 's/.*?//' | sed -n 5p)"
assert_eq "TIMESTAMP offset after the restart" \
	"{\"timestamp\":\"$(ts_of 280)\"}" "$(offset_of ts-conn)"
assert_eq "ID offset after the restart" '{"id":280}' "$(offset_of ids-conn)"
