#!/bin/bash
# Upstream text is untrusted (issue 10 item 5): an error body that reflects
# the request's credentials and carries terminal escapes reaches the log,
# the --once exit message and the status trace escaped and redacted: no
# ESC/BEL byte, no known secret (a resolved ${env:...} value, the bearer
# token) and no credential-looking parameter value (api_key=...).
. "$(dirname "$0")/lib.sh"

plan 11
start_fault_server
start_kafka
export SECC_CUSTOM=plain-custom-8f2k4 # not credential-looking: known secret
TOKEN=tok-bearer-5h7j
KEY=lit-key-3d9w

conn() {
	write_connector "$T/reflect.json" reflect \
		kafka.topic=reflect \
		"http.url=$FAULT/reflect?api_key=$KEY" \
		'http.headers=X-Custom: ${env:SECC_CUSTOM}' \
		http.auth.type=BEARER "http.auth.token=$TOKEN" \
		'http.response.records.path=$.data[*]' "$@"
}

# assert_clean DESC FILE: no raw ESC or BEL, no secret.
assert_clean() {
	local bad
	bad=$(grep -c $'[\x1b\x07]' "$2")
	assert_eq "$1: no terminal escape byte" 0 "$bad"
	assert_absent "$1: no secret" "$SECC_CUSTOM" "$2"
	assert_absent "$1: no bearer token" "$TOKEN" "$2"
	assert_absent "$1: no api key" "$KEY" "$2"
}

# ${env:...} resolves only with the provider listed (issue 10 item 1).
PROVIDERS=(config.providers=env config.providers.env.class=env)
write_worker "$T/worker.properties" "${PROVIDERS[@]}"
conn
run_host --once "$T/worker.properties" "$T/reflect.json"
assert_eq "HTTP 400: exit 1" 1 "$HOST_RC"
assert_grep "the exit message quotes the body, escaped and redacted" \
	'returned HTTP 400: \x1b[2J\x1b]0;owned\x07\x1b[31mdenied api_key=***\r\nX-Custom: ***\r\nAuthorization: ***' \
	"$T/host.err"
assert_clean "log and exit message" "$T/host.err"

# The status trace of a failed connector (REST).
PORT=$(free_port)
write_worker "$T/rest.properties" "listeners=http://127.0.0.1:$PORT" \
	"${PROVIDERS[@]}"
start_host "$T/rest.properties" "$T/reflect.json"
wait_for_line "$T/host.err" 'task failed' 300 >/dev/null
trace=$(http_call GET "http://127.0.0.1:$PORT/connectors/reflect/status" |
	json_get tasks 0 trace)
printf '%s\n' "$trace" >"$T/trace"
assert_grep "status trace: the body escaped and redacted" \
	'denied api_key=***\r\nX-Custom: ***\r\nAuthorization: ***' "$T/trace"
assert_clean "status trace" "$T/trace"
