#!/bin/bash
# Every built-in paginator against the fixture, five connectors in one --once
# run: OFFSET (offset/limit query), PAGE_NUMBER (page/per_page), LINK_HEADER
# (RFC 8288 rel="next", relative URLs), NEXT_URL (next page URL in the body)
# and CURSOR sent in a POST body (${cursor}, no query parameter). Each gets
# every record exactly once, stores the last page as its offset, and after
# the API grows, a second run gets exactly the new records.
. "$(dirname "$0")/lib.sh"

plan 35
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"

write_connector "$T/offset.json" pg-offset "${KEY_BY_ID[@]}" \
	kafka.topic=pg-offset \
	"http.url=$API/offset" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.items[*]' \
	http.pagination.type=OFFSET \
	http.pagination.offset.param=offset \
	http.pagination.limit.param=limit \
	http.pagination.limit.value=40
write_connector "$T/page.json" pg-page "${KEY_BY_ID[@]}" \
	kafka.topic=pg-page \
	"http.url=$API/paged" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.items[*]' \
	http.pagination.type=PAGE_NUMBER \
	http.pagination.page.param=page \
	http.pagination.page.size.param=per_page \
	http.pagination.page.size=60
write_connector "$T/link.json" pg-link "${KEY_BY_ID[@]}" \
	kafka.topic=pg-link \
	"http.url=$API/link?per_page=70" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$[*]' \
	http.pagination.type=LINK_HEADER
write_connector "$T/next.json" pg-next "${KEY_BY_ID[@]}" \
	kafka.topic=pg-next \
	"http.url=$API/next-url?per_page=90" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.results[*]' \
	http.pagination.type=NEXT_URL \
	'http.pagination.next.url.path=$.next'
write_connector "$T/post.json" pg-post "${KEY_BY_ID[@]}" \
	kafka.topic=pg-post \
	"http.url=$API/events" \
	http.method=POST \
	'http.request.body={"cursor":"${cursor}"}' \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	http.pagination.cursor.param= \
	'http.pagination.cursor.path=$.next_cursor'
CONNS=("$T/offset.json" "$T/page.json" "$T/link.json" "$T/next.json"
	"$T/post.json")

run_host --once "$T/worker.properties" "${CONNS[@]}"
assert_eq "five paginated connectors, --once: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
fixture_keyed 1 250 >"$T/want.250"
for t in pg-offset pg-page pg-link pg-next pg-post; do
	assert_topic "$t" "$t" "$T/want.250"
done

# Requests: every page once, then one poll that finds nothing new.
assert_eq "OFFSET: 7 pages of 40 (0..240) + 1 re-poll" 8 \
	"$(fixture_requests /offset)"
assert_eq "PAGE_NUMBER: 5 pages of 60 (the 5th short) + 1 re-poll" 6 \
	"$(fixture_requests /paged)"
assert_eq "LINK_HEADER: 4 pages of 70 (no Link on the last) + 1 re-poll" 5 \
	"$(fixture_requests /link)"
assert_eq "NEXT_URL: 3 pages of 90 (next null on the last) + 1 re-poll" 4 \
	"$(fixture_requests /next-url)"
assert_eq "CURSOR in a POST body: 3 pages + 1 re-poll, all POST" \
	'{"POST /events":4}' "$(http_call GET "$API/admin/stats" |
		json_get methods | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(json.dumps({k: v for k, v in m.items() if k.endswith(" /events")},
                 separators=(",", ":")))')"
assert_eq "POST cursors went in the body, never in the query" \
	"$(printf '%s\n' 200 200 200 200)" \
	"$(fixture_log /events | awk '$4 == "/events?" {print $2}')"
assert_eq "LINK_HEADER followed the relative next links" \
	"per_page=70 page=2&per_page=70 page=3&per_page=70 page=4&per_page=70" \
	"$(fixture_log /link | head -4 | sed 's/.*?//' | xargs)"

# The offsets: the last page's key and how many of its records are in Kafka.
offset_has() { # DESC CONNECTOR FIELD VALUE POSITION
	assert_eq "$1" "$4 $5" "$(offset_of "$2" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o.get(sys.argv[1]), o.get("position"))' "$3" 2>&1)"
}
offset_has "OFFSET offset: page offset 240, its 10 records" pg-offset \
	offset 240 10
offset_has "PAGE_NUMBER offset: page 5, its 10 records" pg-page page 5 10
offset_has "LINK_HEADER offset: the 4th page's URL, its 40 records" pg-link \
	url "$API/link?page=4&per_page=70" 40
offset_has "NEXT_URL offset: the 3rd page's URL, its 70 records" pg-next \
	url "$API/next-url?page=3&per_page=90" 70
offset_has "POST CURSOR offset: cursor c200, its 50 records" pg-post \
	cursor c200 50

# The API grows; a second run gets exactly the new records everywhere.
assert_eq "fixture appends 30 records" '{"records":280}' \
	"$(http_call POST "$API/admin/append?n=30")"
run_host --once "$T/worker.properties" "${CONNS[@]}"
assert_eq "second --once run: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
fixture_keyed 1 280 >"$T/want.280"
for t in pg-offset pg-page pg-link pg-next pg-post; do
	assert_topic "$t after 30 more" "$t" "$T/want.280"
done
