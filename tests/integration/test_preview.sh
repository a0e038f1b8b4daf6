#!/bin/bash
# shellcheck disable=SC2016 # ${env:...} placeholders and JSONPaths are literal
# --preview runs a connector against the real API (the fixture) without
# Kafka (the worker's broker is unreachable) and without storing offsets,
# and prints exactly: per page the request (secret values redacted), status,
# record count and next page key; the first records after transforms and
# converters; the offset that would be stored. Exit 0 with records, 1 with
# the reason otherwise: a records path that matches nothing, a 401. The
# REST equivalent returns the same as JSON.
. "$(dirname "$0")/lib.sh"

plan 12
start_fixture --records 25 --page-size 10
P=${API#http://}
export PREVIEW_KEY=k3y-s3cr3t
write_worker "$T/worker.properties" command.line.builtin.providers=true
write_connector "$T/cursor.json" gh kafka.topic=events "http.url=$API/events" \
	'http.response.records.path=$.data[*]' http.pagination.type=CURSOR \
	'http.request.parameters=api_key=${env:PREVIEW_KEY}' \
	"${KEY_BY_ID[@]}"

run_host --preview --pages 2 "$T/worker.properties" "$T/cursor.json"
{
	echo "page 1: GET http://$P/events?api_key=*** -> 200, 10 records, next page key c10"
	echo "page 2: GET http://$P/events?api_key=***&cursor=c10 -> 200, 10 records, next page key c20"
	echo "records: 20 (the first 5 after transforms and converters)"
	fixture_keyed 1 5 | awk -F'\t' '{ printf "  %d: topic events, key %s, value %s\n", NR, $1, $2 }'
	echo 'offset that would be stored: {"cursor":"c10","position":10}'
} >"$T/want.cursor"
assert_eq "cursor API: exit 0" 0 "$HOST_RC"
assert_files_eq "cursor API: pages, requests, first records and offset, exactly" \
	"$T/want.cursor" "$T/host.out"
assert_absent "the secret value is never printed" "$PREVIEW_KEY" \
	"$T/host.out" "$T/host.err"
assert_eq "no offsets stored" "absent" \
	"$([ -e "$OFFSETS" ] && offsets_dump | head -1 || echo absent)"
assert_eq "it asked the API for exactly 2 pages" 2 "$(fixture_requests /events)"

write_connector "$T/nothing.json" gh kafka.topic=events "http.url=$API/events" \
	'http.response.records.path=$.items[*]' http.pagination.type=CURSOR
run_host --preview "$T/worker.properties" "$T/nothing.json"
assert_eq "a records path that matches nothing: exit 1" 1 "$HOST_RC"
assert_files_eq "... and the reason, exactly" <(
	echo "page 1: GET http://$P/events -> 200, 0 records, next page key c10"
	echo "offset that would be stored: (none)"
	echo "no records: http.response.records.path '\$.items[*]' matched nothing in 1 page(s)"
) "$T/host.out"

write_connector "$T/denied.json" gh kafka.topic=events "http.url=$API/basic" \
	'http.response.records.path=$.data[*]'
run_host --preview "$T/worker.properties" "$T/denied.json"
assert_eq "a 401: exit 1" 1 "$HOST_RC"
assert_files_eq "... the request, the status and the reason, exactly" <(
	echo "page 1: GET http://$P/basic -> 401, 0 records"
	echo "offset that would be stored: (none)"
	echo "no records: GET http://$P/basic returned HTTP 401: {\"error\":\"unauthorized\"}"
) "$T/host.out"

# REST: the same as JSON, from a running worker.
PORT=$(free_port)
U=http://127.0.0.1:$PORT
write_worker "$T/rest.properties" "listeners=http://127.0.0.1:$PORT"
start_host "$T/rest.properties"
wait_for_line "$T/host.err" "REST API listening" >/dev/null ||
	bail_out "no REST API: $(tail -3 "$T/host.err")"
CFG=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$T/cursor.json" |
	sed 's/api_key=${env:PREVIEW_KEY}/api_key=plain/')
http_call PUT "$U/connector-plugins/HttpSource/config/preview?pages=2" "$CFG" >"$T/rest.json"
python3 - "$T/rest.json" >"$T/rest.txt" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for i, p in enumerate(r["pages"], 1):
    print("page %d: %s %s -> %s, %d records, next %s" % (i, p["method"], p["url"], p["status"], p["records"], p["next_page_key"]))
print("records_total %d shown %d" % (r["records_total"], len(r["records"])))
print("first %s %s %s" % (r["records"][0]["topic"], r["records"][0]["key"], r["records"][0]["value"]))
print("offset %s found %s reason %s" % (json.dumps(r["offset"], separators=(",", ":")), r["found"], r["reason"]))
EOF
assert_files_eq "REST PUT .../config/preview: the same report as JSON" <(
	echo "page 1: GET http://$P/events?api_key=*** -> 200, 10 records, next c10"
	echo "page 2: GET http://$P/events?api_key=***&cursor=c10 -> 200, 10 records, next c20"
	echo "records_total 20 shown 5"
	echo "first events {\"id\":1} $(fixture_records 1 1)"
	echo 'offset {"cursor":"c10","position":10} found True reason None'
) "$T/rest.txt"
http_call PUT "$U/connector-plugins/HttpSource/config/preview" \
	"{\"kafka.topic\":\"t\",\"http.url\":\"$API/basic\"}" >"$T/rest401.json"
assert_eq "REST: a 401 is found=false with the reason" \
	"false|GET http://$P/basic returned HTTP 401: {\"error\":\"unauthorized\"}" \
	"$(json_get found <"$T/rest401.json" | tr 'FT' 'ft')|$(json_get reason <"$T/rest401.json")"
http_call PUT "$U/connector-plugins/Nope/config/preview" '{}' >"$T/rest404.json"
assert_eq "REST: an unknown plugin is 404" \
	'{"error_code":404,"message":"Unknown plugin Nope."}' "$(cat "$T/rest404.json")"
