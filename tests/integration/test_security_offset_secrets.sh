#!/bin/bash
# Issue 10 item 4: resolved secrets never stored through page keys. An API
# whose next-page URL repeats "api_key=<secret>" put the secret in the
# offsets file, GET /connectors/{c}/offsets and the INFO "resuming at"
# line. Now the page key is stored sealed: the secret value replaced by its
# ${provider:...} placeholder (and any other '$' doubled); a restart
# substitutes it back, so the resumed request still carries the real key.
# Every place is grepped: the offsets file, REST GET offsets, the log
# (debug level) of both runs and the records in Kafka. A literal
# "${secrets:api_key}" from upstream stays text on resume: it never
# becomes the secret.
. "$(dirname "$0")/lib.sh"

plan 14
SECRET=Ak-7f3Q9-offset-secret
mkdir -p "$T/files" "$T/run-secrets"
printf '%s' "$SECRET" >"$T/run-secrets/api_key"
printf '{"results":[{"id":1},{"id":2}],"next":"/files/p2.json?api_key=%s"}' \
	"$SECRET" >"$T/files/p2-link.json"
printf '{"results":[{"id":3}],"next":null}' >"$T/files/p2.json"
start_fixture --files "$T/files"
start_kafka
PORT=$(free_port)
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT" \
	config.providers=secrets config.providers.secrets.class=directory \
	"config.providers.secrets.param.base.path=$T/run-secrets"
write_connector "$T/next.json" sec-next kafka.topic=sec-next \
	"http.url=$API/files/p2-link.json?api_key=\${secrets:api_key}" \
	'http.response.records.path=$.results[*]' \
	http.pagination.type=NEXT_URL http.timer.interval.ms=60000

# Run 1, with the REST API: poll both pages, read the offset over REST.
start_host --log-level debug "$T/worker.properties" "$T/next.json"
SEALED="$API/files/p2.json?api_key=\${secrets:api_key}"
WANT="{\"offsets\":[{\"partition\":{\"url\":\"$API/files/p2-link.json?api_key=\${secrets:api_key}\"},\"offset\":{\"url\":\"$SEALED\",\"position\":1}}]}"
for _ in $(seq 100); do
	http_call GET "http://127.0.0.1:$PORT/connectors/sec-next/offsets" \
		>"$T/rest.offsets" 2>/dev/null
	grep -qF 'p2.json' "$T/rest.offsets" && break
	sleep 0.1
done
assert_eq "REST GET offsets: the page key with the placeholder, not the secret" \
	"$WANT" "$(cat "$T/rest.offsets")"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 10
assert_eq "run 1 stops with exit 0 on SIGTERM" 0 "$HOST_RC"
cp "$T/host.err" "$T/run1.err"
assert_eq "offsets file: the page key as stored" \
	"{\"url\":\"$SEALED\",\"position\":1}" "$(offset_of sec-next)"

# Run 2 resumes on page 2: with the real key, nothing read twice.
N1=$(fixture_requests /files/p2.json)
run_host --once --log-level debug "$T/worker.properties" "$T/next.json"
assert_eq "run 2 (--once, resuming) exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_grep "the 'resuming at' line shows the placeholder" \
	"resuming at {\"url\":\"$SEALED\",\"position\":1}" "$T/host.err"
assert_eq "run 2 requested page 2 once" $((N1 + 1)) \
	"$(fixture_requests /files/p2.json)"
assert_eq "... with the real key, as every request of run 1 did" \
	"api_key=$SECRET" \
	"$(fixture_log /files/p2.json | awk '{print $4}' | sed 's/.*?//' | sort -u)"
assert_topic "3 records, none twice" sec-next \
	<(printf '(null)\t{"id":%d}\n' 1 2 3)
assert_absent "the secret is in no offsets file, REST answer, log or record" \
	"$SECRET" "$OFFSETS" "$T/rest.offsets" "$T/run1.err" "$T/host.err" \
	"$T/host.out" "$CONSUMED"

# An upstream that names the placeholder itself: it stays text.
printf '{"results":[{"id":1}],"next":"/files/p4.json?k=${secrets:api_key}"}' \
	>"$T/files/p3.json"
printf '{"results":[{"id":2}],"next":null}' >"$T/files/p4.json"
write_worker "$T/worker2.properties" \
	config.providers=secrets config.providers.secrets.class=directory \
	"config.providers.secrets.param.base.path=$T/run-secrets"
write_connector "$T/lit.json" sec-lit kafka.topic=sec-lit \
	"http.url=$API/files/p3.json" 'http.headers=X-Key: ${secrets:api_key}' \
	'http.response.records.path=$.results[*]' \
	http.pagination.type=NEXT_URL http.timer.interval.ms=100
run_host --once "$T/worker2.properties" "$T/lit.json"
assert_eq "literal placeholder upstream: run 1 exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_eq "... stored with its '\$' doubled" \
	"{\"url\":\"$API/files/p4.json?k=\$\${secrets:api_key}\",\"position\":1}" \
	"$(offset_of sec-lit)"
run_host --once "$T/worker2.properties" "$T/lit.json"
assert_eq "... run 2 exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "... every request sent it as text, never as the secret" \
	'k=${secrets:api_key}' \
	"$(fixture_log /files/p4.json | awk '{print $4}' | sed 's/.*?//' | sort -u)"
