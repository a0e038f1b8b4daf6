#!/bin/bash
# The connector examples in examples/connectors/ run unchanged (but for the
# URL) against the fixture API, all four in one --once run.
. "$(dirname "$0")/lib.sh"

plan 13
EXAMPLES=$HTTPSRC_SOURCE_ROOT/examples/connectors
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"
files=()
for ex in github-events-cursor simple-array basic-auth post-body; do
	sed "s|http://127.0.0.1:8080|$API|" "$EXAMPLES/$ex.json" >"$T/$ex.json"
	files+=("$T/$ex.json")
done

run_host --once "$T/worker.properties" "${files[@]}"
assert_eq "--once with the four examples exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
if grep -qF demo-secret "$T/host.err" "$T/host.out"; then
	not_ok "the basic auth password is never logged"
else
	ok "the basic auth password is never logged"
fi

consume_topic github-events 250
assert_eq "github-events-cursor: 250 records" 0 "$CONSUME_RC"
assert_files_eq "github-events-cursor: records 1..250, keyed by id" \
	<(fixture_keyed 1 250 | sort) <(sort "$CONSUMED")

consume_topic array-records 100
assert_eq "simple-array: 100 records" 0 "$CONSUME_RC"
assert_files_eq "simple-array: records 1..100, no key" \
	<(fixture_records 1 100 | sed 's/^/(null)\t/' | sort) <(sort "$CONSUMED")

consume_topic posted-events 250
assert_eq "post-body: 250 records" 0 "$CONSUME_RC"
assert_files_eq "post-body: records 1..250, keyed by id" \
	<(fixture_keyed 1 250 | sort) <(sort "$CONSUMED")

consume_topic echo-basic-auth 1
assert_eq "basic-auth: one record" "0 1" "$CONSUME_RC $(wc -l <"$CONSUMED")"
# The record is the fixture's description of the request it received.
echo_field() {
	cut -f2- "$CONSUMED" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for k in sys.argv[1:]:
    d = d[k]
print(json.dumps(d, separators=(",", ":")) if not isinstance(d, str) else d)
' "$@" 2>&1
}
assert_eq "basic-auth: key is null (no transform)" "(null)" \
	"$(cut -f1 "$CONSUMED")"
assert_eq "basic-auth: sent the Basic credentials" \
	"Basic ZGVtbzpkZW1vLXNlY3JldA==" "$(echo_field headers authorization)"
assert_eq "basic-auth: GET with the URL's query" 'GET /echo {"source":"httpsrc"}' \
	"$(echo_field method) $(echo_field path) $(echo_field query)"
assert_grep "post-body: the fixture served POST /events" '"POST /events":' \
	<(http_call GET "$API/admin/stats")
