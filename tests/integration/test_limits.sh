#!/bin/bash
# Resource limits on what an API sends back, each exact at its boundary and
# each failing the connector with one line that names the key:
#   http.response.max.bytes         the body (default 64 MiB)
#   JSON nesting                    128 levels
#   http.response.max.record.bytes  one selected record
# A body over a limit is not retried (it would be as large again) and
# stores no offset. Bodies come from tests/fixture/fault_server.c.
. "$(dirname "$0")/lib.sh"

plan 17
start_fault_server
start_kafka
write_worker "$T/worker.properties"

# limit_run NAME URL [key=value...]: connector NAME (topic NAME) on URL
# with --once; its log is $T/NAME.err.
limit_run() {
	local name=$1 url=$2
	shift 2
	write_connector "$T/$name.json" "$name" \
		kafka.topic="$name" \
		"http.url=$url" \
		'http.response.records.path=$.data[*]' \
		http.retry.max.attempts=2 \
		http.retry.backoff.ms=10 \
		"$@"
	run_host --once "$T/worker.properties" "$T/$name.json"
	cp "$T/host.err" "$T/$name.err"
}

# ---- http.response.max.bytes: a body of exactly the limit passes ----
limit_run bigok "$FAULT/big?bytes=10000" http.response.max.bytes=10000
assert_eq "max.bytes: a 10000-byte body with a 10000-byte limit: exit 0" 0 \
	"$HOST_RC" || diag_file "$T/bigok.err"
consume_topic bigok 1
assert_eq "max.bytes: its one record (a 9989-byte string) arrived" \
	"(null) 9989" "$(awk -F'\t' '{print $1, length($2)}' "$CONSUMED")"

before=$(fault_stat requests /big)
limit_run big "$FAULT/big?bytes=20000" http.response.max.bytes=10000
assert_eq "max.bytes: a 20000-byte body: exit 1" 1 "$HOST_RC"
assert_grep "max.bytes: the failure names the limit and the key" \
	"httpsrc-connect: connector 'big' failed: GET $FAULT/big?... failed: response body exceeds 10000 bytes (http.response.max.bytes)" \
	"$T/big.err"
assert_eq "max.bytes: not retried (1 request), no offset stored" "1 (none)" \
	"$(($(fault_stat requests /big) - before)) $(offset_of big 2>/dev/null)"
limit_run big1 "$FAULT/big?bytes=10001" http.response.max.bytes=10000
assert_eq "max.bytes: one byte over the limit fails too" \
	"1 1" "$HOST_RC $(grep -c "^httpsrc-connect: connector 'big1' failed: .*: response body exceeds 10000 bytes (http.response.max.bytes)$" "$T/big1.err")"

# ---- nesting: N arrays around [{"id":1}] are N + 2 levels ----
limit_run deepok "$FAULT/deep?depth=126" 'http.response.records.path=$[*]'
assert_eq "depth: 128 levels pass (exit 0)" 0 "$HOST_RC" ||
	diag_file "$T/deepok.err"
limit_run deep129 "$FAULT/deep?depth=127" 'http.response.records.path=$[*]'
assert_eq "depth: 129 levels fail (exit 1)" 1 "$HOST_RC"
assert_grep "depth: 129 levels: the failure says why" \
	"httpsrc-connect: connector 'deep129' failed: response of GET $FAULT/deep?... is not valid JSON: JSON nested deeper than 128 levels" \
	"$T/deep129.err"
limit_run deep "$FAULT/deep?depth=200" 'http.response.records.path=$[*]'
assert_eq "depth: 202 levels fail (exit 1)" 1 "$HOST_RC"
assert_grep "depth: 202 levels: the failure says why" \
	"httpsrc-connect: connector 'deep' failed: response of GET $FAULT/deep?... is not valid JSON: JSON nested deeper than 128 levels" \
	"$T/deep.err"
assert_eq "depth: no offset stored" "(none)" \
	"$(offset_of deep 2>/dev/null)"

# ---- http.response.max.record.bytes ----
# {"id":1,"pad":"<N x>"} is N + 17 bytes.
limit_run recok "$FAULT/bigrecord?bytes=983" \
	http.response.max.record.bytes=1000
assert_eq "max.record.bytes: a 1000-byte record with a 1000-byte limit: exit 0" \
	0 "$HOST_RC" || diag_file "$T/recok.err"
consume_topic recok 1
assert_eq "max.record.bytes: that record arrived whole" "(null) 1000" \
	"$(awk -F'\t' '{print $1, length($2)}' "$CONSUMED")"
limit_run rec "$FAULT/bigrecord?bytes=5000" \
	http.response.max.record.bytes=1000
assert_eq "max.record.bytes: a 5017-byte record: exit 1" 1 "$HOST_RC"
assert_grep "max.record.bytes: the failure names the size, the key and the limit" \
	"a record of 5017 bytes exceeds http.response.max.record.bytes (1000)" \
	"$T/rec.err"
grep -F 'http.response.max.record.bytes' "$T/rec.err" >"$T/rec.lines"
assert_grep "max.record.bytes: ... in the connector's failure line" \
	"httpsrc-connect: connector 'rec' failed: " "$T/rec.lines"
