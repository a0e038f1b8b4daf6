#!/bin/bash
# Secrets from config providers reach the API and nowhere else. A BASIC
# password from ${env:HS_PW} and an API key header from
# ${file:...:apikey} are resolved and sent (the fixture's /echo shows the
# request headers as it received them, and /basic answers 401 unless the
# password is right); then every place the host writes to is searched for
# the password, the key and the base64 credentials: the debug log, the
# offsets file, the records of a topic fed by the same requests, and the
# error messages of a refused login, an invalid value and a missing key.
# Only the /echo topic may hold them: that is the proof that they were
# sent, and it is not searched.
# shellcheck disable=SC2016 # ${provider:...} placeholders are literal
. "$(dirname "$0")/lib.sh"

plan 24
PW=pw-Zq8V3kXr
KEY=key-9fT2LmWq
B64=$(printf 'alice:%s' "$PW" | base64)
B64_BAD=$(printf 'mallory:%s' "$PW" | base64)
start_fixture --records 250 --page-size 100 --basic-user alice \
	--basic-pass "$PW"
start_kafka
mkdir -p "$T/sec"
printf 'apikey=%s\nother=unrelated\n' "$KEY" >"$T/sec/secrets.properties"
SEC=$T/sec/secrets.properties
write_worker "$T/worker.properties" config.providers=env,file \
	config.providers.env.class=env config.providers.file.class=file \
	"config.providers.file.param.allowed.paths=$T/sec"

# no_secrets DESC FILE...: none of the password, the key or the base64
# credentials (alice's and mallory's) in FILE... (three assertions).
no_secrets() {
	local desc=$1
	shift
	assert_absent "$desc: no password" "$PW" "$@"
	assert_absent "$desc: no API key" "$KEY" "$@"
	if grep -qaF -e "$B64" -e "$B64_BAD" -- "$@" 2>/dev/null; then
		not_ok "$desc: no base64 credentials"
	else
		ok "$desc: no base64 credentials"
	fi
}

SECRET_KEYS=(http.auth.type=BASIC
	http.auth.user=alice
	'http.auth.password=${env:HS_PW}'
	"http.headers=X-Api-Key: \${file:$SEC:apikey}, Accept: application/json")

# ---- the secrets are resolved and sent ----
write_connector "$T/events.json" leak-events "${SECRET_KEYS[@]}" \
	kafka.topic=leak-events \
	"http.url=$API/basic" \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR
write_connector "$T/echo.json" leak-echo "${SECRET_KEYS[@]}" \
	kafka.topic=leak-echo \
	"http.url=$API/echo" \
	'http.response.records.path=$'
HS_PW=$PW run_host --once --log-level debug "$T/worker.properties" \
	"$T/events.json" "$T/echo.json"
cp "$T/host.err" "$T/ok.err"
assert_eq "with the secrets resolved, --once exits 0" 0 "$HOST_RC" ||
	diag_file "$T/ok.err"
assert_topic "the password opened /basic (401 otherwise)" leak-events \
	<(fixture_records 1 250 | unkeyed)
consume_topic leak-echo 1
assert_grep "the API key header was sent" "\"x-api-key\":\"$KEY\"" \
	"$CONSUMED"
assert_grep "the Authorization header was sent with the resolved password" \
	"\"authorization\":\"Basic $B64\"" "$CONSUMED"

# ---- ... and written nowhere else ----
assert_grep "the log is at debug level (the search below means something)" \
	" DEBUG " "$T/ok.err"
no_secrets "debug log, offsets file, records of leak-events" \
	"$T/ok.err" "$OFFSETS" "$T/consumed.leak-events"
if grep -qiE 'authorization:? *"?(basic|bearer) +[A-Za-z0-9+/=]{4,}' \
	"$T/ok.err"; then
	not_ok "no Authorization header value in the debug log"
	grep -iE 'authorization' "$T/ok.err" | head -n 3 | sed 's/^/#   /'
else
	ok "no Authorization header value in the debug log"
fi

# ---- a refused login: the error names the request, not the secrets ----
write_connector "$T/bad.json" leak-bad \
	kafka.topic=leak-bad \
	"http.url=$API/basic" \
	'http.response.records.path=$.data[*]' \
	http.auth.type=BASIC \
	http.auth.user=mallory \
	'http.auth.password=${env:HS_PW}' \
	"http.headers=X-Api-Key: \${file:$SEC:apikey}"
HS_PW=$PW run_host --once --log-level debug "$T/worker.properties" \
	"$T/bad.json"
cp "$T/host.err" "$T/bad.err"
assert_eq "wrong user: exit 1" 1 "$HOST_RC"
assert_grep "wrong user: the failure is the 401" \
	"httpsrc-connect: connector 'leak-bad' failed: GET $API/basic returned HTTP 401: {\"error\":\"unauthorized\"}" \
	"$T/bad.err"
no_secrets "wrong user: the log" "$T/bad.err"

# ---- a resolved value a key does not accept: named, never shown ----
write_connector "$T/inval.json" leak-inval \
	kafka.topic=leak-inval \
	"http.url=$API/basic" \
	'http.timer.interval.ms=${env:HS_PW}'
HS_PW=$PW run_host --once "$T/worker.properties" "$T/inval.json"
assert_eq "invalid resolved value: exit 2" 2 "$HOST_RC"
assert_grep "invalid resolved value: the message shows the placeholder" \
	"httpsrc-connect: $T/inval.json: http.timer.interval.ms: the value of \${env:HS_PW} is not valid for this key" \
	"$T/host.err"
assert_absent "invalid resolved value: the message hides the value" "$PW" \
	"$T/host.err"

# ---- a missing key: the file's other values stay hidden ----
write_connector "$T/nokey.json" leak-nokey \
	kafka.topic=leak-nokey \
	"http.url=$API/basic" \
	"http.headers=X-Api-Key: \${file:$SEC:nokey}"
run_host --once "$T/worker.properties" "$T/nokey.json"
assert_eq "missing key: exit 2" 2 "$HOST_RC"
assert_grep "missing key: the message names the key and the file" \
	"httpsrc-connect: $T/nokey.json: http.headers: \${file:$SEC:nokey}: no key 'nokey' in $SEC" \
	"$T/host.err"
assert_absent "missing key: no value of the file in the message" "$KEY" \
	"$T/host.err"

# ---- a secret in the URL's query string ----
# README: request URLs are logged without their query string. The offset
# partition is {"url": <http.url>}; holding the resolved URL would write
# the key to the offsets file (and start over whenever the key rotates).
rm -f "$OFFSETS"
write_connector "$T/query.json" leak-query \
	kafka.topic=leak-query \
	"http.url=$API/events?api_key=\${file:$SEC:apikey}" \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR
run_host --once --log-level debug "$T/worker.properties" "$T/query.json"
cp "$T/host.err" "$T/query.err"
assert_eq "key in the query string: --once exits 0" 0 "$HOST_RC" ||
	diag_file "$T/query.err"
assert_absent "key in the query string: not in the debug log" "$KEY" \
	"$T/query.err"
assert_absent "key in the query string: not in the offsets file" "$KEY" \
	"$OFFSETS"
