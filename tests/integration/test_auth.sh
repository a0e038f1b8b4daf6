#!/bin/bash
# Auth providers against the fixture: BASIC and BEARER get every record once;
# a wrong password fails with the 401 and is never printed; OAUTH2 client
# credentials with 2 s tokens, over a run long enough to need several tokens,
# refreshes them before they expire and never prints the secret or a token.
. "$(dirname "$0")/lib.sh"

plan 30
start_fixture --records 250 --page-size 100 --token-ttl 2
start_kafka
write_worker "$T/worker.properties"

# common_keys TOPIC URL: a cursor-paginated events connector, keyed by id.
common_keys() {
	printf '%s\n' "kafka.topic=$1" "http.url=$2" \
		http.timer.interval.ms=100 \
		'http.response.records.path=$.data[*]' \
		http.pagination.type=CURSOR \
		"${KEY_BY_ID[@]}"
}
mapfile -t basic_keys < <(common_keys basic "$API/basic")
mapfile -t bearer_keys < <(common_keys bearer "$API/bearer")
mapfile -t badpass_keys < <(common_keys badpass "$API/basic")
write_connector "$T/basic.json" basic-conn "${basic_keys[@]}" \
	http.auth.type=BASIC http.auth.user=alice http.auth.password=s3cret
write_connector "$T/bearer.json" bearer-conn "${bearer_keys[@]}" \
	http.auth.type=BEARER http.auth.token=tok-123

run_host --once "$T/worker.properties" "$T/basic.json" "$T/bearer.json"
assert_eq "BASIC + BEARER --once: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
fixture_keyed 1 250 >"$T/want.250"
assert_topic "BASIC" basic "$T/want.250"
assert_topic "BEARER" bearer "$T/want.250"
assert_eq "the fixture answered no 401 to BASIC" 0 "$(fixture_stat basic.401)"
assert_eq "the fixture answered no 401 to BEARER" 0 \
	"$(fixture_stat bearer.401)"
assert_eq "BASIC: 3 pages + 1 re-poll of the last page" 4 \
	"$(fixture_requests /basic)"
assert_absent "the password and the token are never printed" s3cret \
	"$T/host.out" "$T/host.err"
assert_absent "... nor the bearer token" tok-123 "$T/host.out" "$T/host.err"

# A wrong password: the connector fails on the 401, naming it.
write_connector "$T/badpass.json" badpass-conn \
	"${badpass_keys[@]}" \
	http.auth.type=BASIC http.auth.user=alice \
	http.auth.password=Wr0ng-Passw0rd
run_host --once "$T/worker.properties" "$T/badpass.json"
assert_eq "wrong password: exit 1" 1 "$HOST_RC"
assert_grep "wrong password: the failure names the connector" \
	"connector 'badpass-conn' failed:" "$T/host.err"
assert_grep_e "wrong password: the failure gives the 401" \
	"connector 'badpass-conn' failed: .*\b401\b" "$T/host.err"
assert_absent "wrong password: the password is never printed" Wr0ng-Passw0rd \
	"$T/host.out" "$T/host.err" "$OFFSETS"
assert_eq "wrong password: one 401, not retried" 1 "$(fixture_stat basic.401)"

# Two connectors failing: each is named, one line each (issue 11).
write_connector "$T/badpass2.json" badpass2-conn \
	"${badpass_keys[@]}" \
	http.auth.type=BASIC http.auth.user=bob \
	http.auth.password=Wr0ng-Passw0rd
run_host --once "$T/worker.properties" "$T/badpass.json" "$T/badpass2.json"
assert_eq "two failing connectors: exit 1" 1 "$HOST_RC"
assert_eq "two failing connectors: each named, one line each" \
	"httpsrc-connect: connector 'badpass-conn' failed:
httpsrc-connect: connector 'badpass2-conn' failed:" \
	"$(grep '^httpsrc-connect: ' "$T/host.err" | sed 's/failed: .*/failed:/')"

# OAuth2 client credentials, tokens valid 2 s, for ~5 s of polling.
write_connector "$T/oauth.json" oauth-conn \
	kafka.topic=oauth \
	"http.url=$API/oauth/data" \
	http.timer.interval.ms=200 \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	http.auth.type=OAUTH2 \
	"http.oauth2.token.url=$API/oauth/token" \
	http.oauth2.client.id=cid \
	http.oauth2.client.secret=csecret \
	"${KEY_BY_ID[@]}"
start_host --log-level debug "$T/worker.properties" "$T/oauth.json"
sleep 2.5
assert_eq "fixture appends 20 records while the connector runs" \
	'{"records":270}' "$(http_call POST "$API/admin/append?n=20")"
sleep 2.5
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "OAUTH2: SIGTERM after ~5 s: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
tokens=$(fixture_stat oauth.tokens)
assert_ge "OAUTH2: 2 s tokens over 5 s: at least 3 tokens issued" 3 "$tokens"
data=$(fixture_requests /oauth/data)
assert_ge "OAUTH2: a token serves several requests (requests > tokens)" \
	$((tokens + 1)) "$data"
assert_eq "OAUTH2: no token request failed" 0 \
	"$(fixture_stat oauth.token_errors)"
assert_eq "OAUTH2: tokens were renewed before they expired (no 401)" 0 \
	"$(fixture_stat oauth.401)"
fixture_keyed 1 270 >"$T/want.270"
assert_topic "OAUTH2 over several tokens" oauth "$T/want.270"
assert_absent "OAUTH2: the client secret is never printed" csecret \
	"$T/host.out" "$T/host.err" "$OFFSETS"
assert_absent "OAUTH2: no access token is printed" '"at-' \
	"$T/host.out" "$T/host.err"

# A wrong client secret: the token endpoint's 401 fails the connector.
write_connector "$T/oauthbad.json" oauthbad-conn \
	kafka.topic=oauthbad \
	"http.url=$API/oauth/data" \
	'http.response.records.path=$.data[*]' \
	http.auth.type=OAUTH2 \
	"http.oauth2.token.url=$API/oauth/token" \
	http.oauth2.client.id=cid \
	http.oauth2.client.secret=N0t-The-Secret \
	http.oauth2.client.auth=body
run_host --once "$T/worker.properties" "$T/oauthbad.json"
assert_eq "OAUTH2 wrong secret: exit 1" 1 "$HOST_RC"
assert_grep_e "OAUTH2 wrong secret: the failure gives the endpoint's error" \
	"connector 'oauthbad-conn' failed: .*invalid_client" "$T/host.err"
assert_absent "OAUTH2 wrong secret: the secret is never printed" \
	N0t-The-Secret "$T/host.out" "$T/host.err"
