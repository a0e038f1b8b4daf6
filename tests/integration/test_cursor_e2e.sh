#!/bin/bash
# End to end: a cursor-paginated nested API -> Kafka, exactly once per record,
# resumed from the stored offset when the API grows between runs.
. "$(dirname "$0")/lib.sh"

plan 16
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"
write_connector "$T/nested.json" nested-events \
	kafka.topic=events \
	"http.url=$API/nested" \
	http.timer.interval.ms=100 \
	"${CURSOR_NESTED[@]}" \
	"${KEY_BY_ID[@]}" "${JSON_VALUES[@]}"

# The offset of the last page: its cursor and how many of its records were
# acknowledged (Connect offset map; whitespace-insensitive).
offset_re() {
	printf '"cursor" *: *"%s" *, *"position" *: *%s' "$1" "$2"
}

# check_topic N: the topic holds exactly records 1..N, keyed, in id order
# within each partition.
check_topic() {
	local n=$1
	consume_topic events "$n" -p
	assert_eq "consumer read $n records before the timeout" 0 "$CONSUME_RC"
	cut -f2- "$CONSUMED" | sort >"$T/got.$n"
	fixture_keyed 1 "$n" | sort >"$T/want.$n"
	assert_files_eq "topic holds exactly records 1..$n (key and value bytes)" \
		"$T/want.$n" "$T/got.$n"
	assert_eq "no duplicates among $n records" "$n" \
		"$(cut -f2 "$CONSUMED" | sort -u | wc -l)"
	assert_eq "records are in id order within each partition" ordered \
		"$(partitions_ordered "$CONSUMED")"
}

run_host --once "$T/worker.properties" "$T/nested.json"
assert_eq "first --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
check_topic 250
if [ -s "$OFFSETS" ]; then ok "offsets file written"; else not_ok "offsets file written"; fi
assert_grep "offset is stored under the source partition {\"url\": http.url}" \
	"$API/nested" "$OFFSETS"
assert_grep_e "offset is the last page's cursor, all 50 of its records" \
	"$(offset_re c200 50)" "$OFFSETS"

assert_eq "fixture appends 30 records" '{"records":280}' \
	"$(http_call POST "$API/admin/append?n=30")"
run_host --once "$T/worker.properties" "$T/nested.json"
assert_eq "second --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
check_topic 280
assert_grep_e "offset advanced to 80 records of the last page" \
	"$(offset_re c200 80)" "$OFFSETS"
assert_files_eq "the second run added exactly records 251..280" \
	<(fixture_keyed 251 280 | sort) \
	<(comm -13 "$T/got.250" "$T/got.280")
