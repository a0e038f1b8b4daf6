#!/bin/bash
# Issue 10 item 3: the auth credentials and http.headers go only to
# http.url's origin. Two fixtures on two ports are two origins, A and B;
# each connector authenticates with a bearer token and sends an X-Api-Key
# header to A, and an upstream leads it to B's /echo (which answers with the
# headers it received): a NEXT_URL body, a LINK_HEADER Link and a 302. B
# gets neither credential, and the log names what was withheld (names,
# never values). A redirect within A keeps them, and
# http.credentials.allowed.origins lets B have them.
. "$(dirname "$0")/lib.sh"

plan 15
TOKEN=tok-0rigin-S3cret
KEY=key-0rigin-S3cret
start_fixture
ORIGIN_B=$API
start_fixture --bearer "$TOKEN" --files "$T/files"
A=$API
start_kafka
mkdir -p "$T/files"
printf '{"results":[{"id":1}],"next":"%s/echo"}' "$ORIGIN_B" \
	>"$T/files/next.json"

CREDS=(http.auth.type=BEARER "http.auth.token=$TOKEN"
	"http.headers=X-Api-Key: $KEY, Accept: application/json"
	'http.response.records.path=$')
conn() { # NAME URL [key=value...]
	local name=$1 url=$2
	shift 2
	write_connector "$T/$name.json" "$name" "kafka.topic=$name" \
		"http.url=$url" "${CREDS[@]}" "$@"
	FILES+=("$T/$name.json")
}
FILES=()
conn nexturl "$A/files/next.json" http.pagination.type=NEXT_URL
conn link "$A/link-to?url=$ORIGIN_B/echo" http.pagination.type=LINK_HEADER
conn redir "$A/redirect?to=$ORIGIN_B/echo"
conn same "$A/redirect?to=$A/echo"
write_worker "$T/worker.properties"
run_host --once "$T/worker.properties" "${FILES[@]}"
assert_eq "--once over four connectors: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
cp "$T/host.err" "$T/four.err"

# echo_headers TOPIC N: the headers the /echo answer among N records
# shows, as "name=value" lines for the two credentials. Found by its shape,
# not by its place: the consumer reads the topic's partitions in any order.
echo_headers() {
	consume_topic "$1" "$2"
	cut -f2- "$CONSUMED" | python3 -c '
import json, sys
echo = [v for v in map(json.loads, sys.stdin) if isinstance(v, dict) and "headers" in v]
if len(echo) != 1:
    sys.exit("%d /echo answers among the records" % len(echo))
h = echo[0]["headers"]
print("authorization=%s x-api-key=%s" % (h.get("authorization", "-"),
                                         h.get("x-api-key", "-")))'
}
NONE="authorization=- x-api-key=-"
BOTH="authorization=Bearer $TOKEN x-api-key=$KEY"
assert_eq "NEXT_URL to another origin: neither credential" "$NONE" \
	"$(echo_headers nexturl 2)"
assert_eq "LINK_HEADER to another origin: neither credential" "$NONE" \
	"$(echo_headers link 2)"
assert_eq "a 302 to another origin: neither credential" "$NONE" \
	"$(echo_headers redir 1)"
assert_eq "a 302 within the origin: both" "$BOTH" "$(echo_headers same 1)"
O_A=${A,,}
O_B=${ORIGIN_B,,}
for c in nexturl link redir; do
	assert_grep "$c: the log says what was withheld, and where" \
		"[$c] $O_B is another origin than http.url's ($O_A): sent without the BEARER credentials (http.auth.type), X-Api-Key, Accept (http.headers); to send them there, list it in http.credentials.allowed.origins" \
		"$T/four.err"
done
assert_absent "the log never shows the credentials" "$TOKEN" "$T/four.err" \
	"$T/host.out"
assert_absent "... nor the API key" "$KEY" "$T/four.err" "$T/host.out"
if grep -F "[same]" "$T/four.err" | grep -qF "another origin"; then
	not_ok "same origin: nothing withheld, nothing logged"
else
	ok "same origin: nothing withheld, nothing logged"
fi

FILES=()
conn allowed "$A/redirect?to=$ORIGIN_B/echo" \
	"http.credentials.allowed.origins=$ORIGIN_B/"
run_host --once "$T/worker.properties" "${FILES[@]}"
assert_eq "http.credentials.allowed.origins: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_eq "a 302 to an origin in http.credentials.allowed.origins: both" \
	"$BOTH" "$(echo_headers allowed 1)"

# Bad input: an entry that is not an origin is a config error naming it.
conn badorigin "$A/echo" "http.credentials.allowed.origins=$ORIGIN_B/api"
run_host --once "$T/worker.properties" "$T/badorigin.json"
assert_eq "an allowed origin with a path: exit 2" 2 "$HOST_RC"
assert_grep "... the error names the key, the value and the form" \
	"http.credentials.allowed.origins: '$ORIGIN_B/api' is not an origin (expected scheme://host[:port], e.g. https://api.example.com)" \
	"$T/host.err"
