#!/bin/bash
# Confluent HTTP Source configs run unchanged: connectors written with
# Confluent's key names only (url, topic.name.pattern, http.request.method,
# http.request.headers with '|', http.request.parameters with ${offset},
# http.offset.mode SIMPLE_INCREMENTING / CURSOR_PAGINATION / CHAINING,
# http.initial.offset, http.response.data.json.pointer,
# http.next.page.json.pointer, http.offset.json.pointer, request.interval.ms,
# max.retries, retry.backoff.ms, auth.type, connection.user/password) get
# every record exactly once, and resume from their offsets.
. "$(dirname "$0")/lib.sh"

plan 22
N=120
start_fixture --records "$N" --page-size 50
start_kafka
write_worker "$T/worker.properties"

CFLT=(connector.class=io.confluent.connect.http.HttpSourceConnector
	tasks.max=1 http.request.method=GET request.interval.ms=100
	max.retries=3 retry.backoff.ms=50 "${JSON_VALUES[@]}")
write_connector "$T/simple.json" cflt-simple "${CFLT[@]}" \
	"url=$API/offset" \
	topic.name.pattern=cflt-simple \
	'http.request.headers=Accept: application/json|X-Client: httpsrc' \
	'http.request.parameters=limit=50&offset=${offset}' \
	http.offset.mode=SIMPLE_INCREMENTING \
	http.initial.offset=0 \
	http.response.data.json.pointer=/items
write_connector "$T/cursor.json" cflt-cursor "${CFLT[@]}" \
	"url=$API/basic" \
	topic.name.pattern=cflt-cursor \
	'http.request.parameters=cursor=${offset}' \
	http.offset.mode=CURSOR_PAGINATION \
	http.next.page.json.pointer=/next_cursor \
	http.response.data.json.pointer=/data \
	auth.type=basic \
	connection.user=alice \
	connection.password=s3cret
write_connector "$T/chaining.json" cflt-chaining "${CFLT[@]}" \
	"url=$API/ids" \
	topic.name.pattern=cflt-chaining \
	'http.request.parameters=after=${offset}' \
	http.offset.mode=CHAINING \
	http.offset.json.pointer=/id \
	http.initial.offset=0 \
	http.response.data.json.pointer=/data
# The whole /echo answer as one record: which headers arrived.
write_connector "$T/headers.json" cflt-headers "${CFLT[@]}" \
	"url=$API/echo" \
	topic.name.pattern=cflt-headers \
	'http.request.headers=X-One: 1|X-Two: two, with a comma' \
	http.response.data.json.pointer=
CONNS=("$T/simple.json" "$T/cursor.json" "$T/chaining.json"
	"$T/headers.json")

run_host --once "$T/worker.properties" "${CONNS[@]}"
assert_eq "four connectors in Confluent's key names, --once: exit 0" 0 \
	"$HOST_RC" || diag_file "$T/host.err"
assert_eq "no warning or error about any key" "" \
	"$(grep -E ' (WARN|ERROR) ' "$T/host.err")"
fixture_records 1 "$N" | unkeyed >"$T/want.$N"
assert_topic "SIMPLE_INCREMENTING" cflt-simple "$T/want.$N"
assert_topic "CURSOR_PAGINATION + basic auth" cflt-cursor "$T/want.$N"
assert_topic "CHAINING" cflt-chaining "$T/want.$N"
assert_eq "SIMPLE_INCREMENTING: offset=0, then the record count so far" \
	"limit=50&offset=0 limit=50&offset=50 limit=50&offset=100 limit=50&offset=120" \
	"$(fixture_log /offset | awk '{print $4}' | sed 's/.*?//' | xargs)"
assert_eq "SIMPLE_INCREMENTING offset: records acknowledged" \
	"{\"offset\":$N}" "$(offset_of cflt-simple)"
assert_eq "CURSOR_PAGINATION: basic auth accepted (no 401)" 0 \
	"$(fixture_stat basic.401)"
assert_eq "CHAINING: each request chains the last id" \
	"after=0 after=50 after=100 after=120" \
	"$(fixture_log /ids | awk '{print $4}' | sed 's/.*?//' | xargs)"
assert_eq "CHAINING offset: the last record's /id" 120 \
	"$(offset_of cflt-chaining | json_get offset)"

consume_topic cflt-headers 1
assert_eq "http.request.headers split on '|' (not on ',')" \
	'1|two, with a comma' \
	"$(cut -f2- "$CONSUMED" | head -1 | json_get headers x-one)|$(cut -f2- "$CONSUMED" | head -1 | json_get headers x-two)"
assert_eq "http.request.method=GET; the whole body is one record" \
	"GET /echo" "$(cut -f2- "$CONSUMED" | head -1 | json_get method) $(cut -f2- "$CONSUMED" | head -1 | json_get path)"
assert_absent "connection.password is never printed" s3cret \
	"$T/host.out" "$T/host.err" "$OFFSETS"

# More records; a restart continues each connector where it stopped.
assert_eq "fixture appends 30 records" "{\"records\":$((N + 30))}" \
	"$(http_call POST "$API/admin/append?n=30")"
run_host --once "$T/worker.properties" "$T/simple.json" "$T/chaining.json"
assert_eq "second run: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
fixture_records 1 $((N + 30)) | unkeyed >"$T/want.more"
assert_topic "SIMPLE_INCREMENTING after a restart" cflt-simple "$T/want.more"
assert_topic "CHAINING after a restart" cflt-chaining "$T/want.more"
