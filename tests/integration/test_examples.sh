#!/bin/bash
# The connector examples in examples/connectors/ run unchanged (but for the
# URL, and the TLS example's store paths) against the fixture API: the four
# first ones in one --once run, then every spec-row example (auth, polling,
# offsets, pagination, errors, rate limits, records, TLS, Confluent) in a
# second one, each topic compared byte for byte.
. "$(dirname "$0")/lib.sh"

plan 41
CONSUME_IDLE_MS=500
EXAMPLES=$HTTPSRC_SOURCE_ROOT/examples/connectors
start_fixture --records 250 --page-size 100
start_kafka
# The examples take their secrets from ${env:...}: the worker lists env.
write_worker "$T/worker.properties" config.providers=env \
	config.providers.env.class=env
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

# ---- one example per spec row ----
export OAUTH_CLIENT_SECRET=csecret API_TOKEN=tok-123 \
	TRUSTSTORE_PASSWORD=changeit KEYSTORE_PASSWORD=changeit
API_PLAIN=$API
make_pki "$T/pki"
start_fixture --records 250 --page-size 100 --tls-cert "$T/pki/server.pem" \
	--tls-key "$T/pki/server.key" --tls-ca "$T/pki/ca.pem"
API_TLS=$API
API=$API_PLAIN
ROW_EXAMPLES=(oauth2-client-credentials bearer-token cron-schedule
	timestamp-offset offset-limit page-number link-header next-url
	retry-errors rate-limits transforms-converters tls-mtls
	confluent-http-source)
files=()
for ex in "${ROW_EXAMPLES[@]}"; do
	sed -e "s|https://127.0.0.1:8443|$API_TLS|" \
		-e "s|http://127.0.0.1:8080|$API|" \
		-e "s|/etc/httpsrc/tls/|$T/pki/|" \
		"$EXAMPLES/$ex.json" >"$T/$ex.json"
	files+=("$T/$ex.json")
done
run_host --once "$T/worker.properties" "${files[@]}"
assert_eq "--once with the ${#ROW_EXAMPLES[@]} spec-row examples exits 0" 0 \
	"$HOST_RC" || diag_file "$T/host.err" 40
assert_absent "no secret of the examples is printed" csecret \
	"$T/host.out" "$T/host.err" "$OFFSETS"

fixture_keyed 1 250 >"$T/keyed.250"
for topic in oauth-events bearer-events cron-events offset-records \
	paged-records link-records next-url-records flaky-events quota-events \
	tls-events; do
	assert_topic "example -> $topic" "$topic" "$T/keyed.250"
done
assert_topic "example -> updated-records (TIMESTAMP offset)" updated-records \
	<(fixture_ts_records 1 250 | keyed_by_id)
assert_topic "example -> confluent-records (Confluent keys)" \
	confluent-records <(fixture_records 1 250 | unkeyed)
# InsertField builds a java.util.HashMap: for these keys (Java 17) it
# iterates actor, created_at, id, source, type, payload. The key is the id
# (ExtractField$Key) through StringConverter; the value has Connect's
# envelope with the schema inferred in that member order.
fixture_records 1 250 | python3 -c '
import json, sys
s = lambda t, f: {"type": t, "optional": False, "field": f}
schema = {"type": "struct", "fields": [
    {"type": "struct", "fields": [s("string", "login")], "optional": False,
     "field": "actor"},
    s("string", "created_at"), s("int64", "id"), s("string", "source"),
    s("string", "type"),
    {"type": "struct", "fields": [s("int64", "n")], "optional": False,
     "field": "payload"}], "optional": False}
c = lambda o: json.dumps(o, separators=(",", ":"))
for line in sys.stdin:
    r = json.loads(line)
    v = {"actor": r["actor"], "created_at": r["created_at"], "id": r["id"],
         "source": "httpsrc", "type": r["type"], "payload": r["payload"]}
    print("%d\t{\"schema\":%s,\"payload\":%s}" % (r["id"], c(schema), c(v)))
' >"$T/enriched.250"
assert_topic "example -> enriched-events (transforms, converters)" \
	enriched-events "$T/enriched.250"
