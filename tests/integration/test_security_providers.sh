#!/bin/bash
# shellcheck disable=SC2016 # ${provider:...} placeholders are literal
# Issue 10 item 1: a connector config cannot read the worker's files or
# environment unless the operator lists a provider. A worker without
# config.providers gets, over REST, a connector whose request body is
# ${directory:<dir>:shadow} and one whose API-key header is
# ${env:<secret var>}, both aimed at the fixture's /echo: each is refused
# with an error naming the placeholder, and /echo never sees a request.
# A listed directory provider with allowed.paths refuses a path outside
# them (also through ".."), naming the key; a listed file provider inside
# its allowed.paths works. Connector files on the command line get the
# built-ins only with command.line.builtin.providers=true, and even then a
# REST config does not.
. "$(dirname "$0")/lib.sh"

plan 17
SHADOW=shadow-H4sh-0f-r00t
AWS=aws-Secr3t-K3y-Value
APIKEY=listed-Api-K3y
start_fixture
start_kafka
mkdir -p "$T/etc" "$T/allowed"
printf 'root:%s:19000:0:99999:7:::\n' "$SHADOW" >"$T/etc/shadow"
printf 'api.key=%s\n' "$APIKEY" >"$T/allowed/api.properties"
export SEC_AWS_SECRET_ACCESS_KEY=$AWS

PORT=$(free_port)
U=http://127.0.0.1:$PORT
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT" \
	config.providers=d,f \
	config.providers.d.class=directory \
	"config.providers.d.param.allowed.paths=$T/allowed" \
	config.providers.f.class=file \
	"config.providers.f.param.allowed.paths=$T/allowed"
start_host "$T/worker.properties"
REST_HOST=$HOST_PID
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "host did not start: $(cat "$T/host.err")"

# connector NAME KEY VALUE: a create request polling /echo, KEY=VALUE added.
connector() {
	python3 -c '
import json, sys
name, key, value, api = sys.argv[1:]
conf = {"kafka.topic": name, "http.url": api + "/echo",
        "http.method": "POST", "http.timer.interval.ms": "100",
        "http.response.records.path": "$", key: value}
print(json.dumps({"name": name, "config": conf}))' "$@" "$API"
}
# invalid ERROR: the 400 body of a config with that one error.
invalid() {
	err 400 "Connector configuration is invalid and contains the following 1 error(s):
$1
You can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\`"
}
# refused DESC NAME KEY VALUE ERROR: POST /connectors answers 400 ERROR.
refused() {
	expect "$1" 400 "$(invalid "$5")" POST /connectors \
		"$(connector "$2" "$3" "$4")"
}

DIR_REF="\${directory:$T/etc:shadow}"
ENV_REF='${env:SEC_AWS_SECRET_ACCESS_KEY}'
refused "REST: \${directory:...} of an unlisted provider is refused" \
	exfil-dir http.request.body "$DIR_REF" \
	"http.request.body: $DIR_REF: config provider 'directory' is not enabled: list it in the worker's config.providers"
refused "REST: \${env:...} in http.headers is refused" \
	exfil-env http.headers "X-Api-Key: $ENV_REF" \
	"http.headers: $ENV_REF: config provider 'env' is not enabled: list it in the worker's config.providers"
refused "REST: a listed provider refuses a path outside allowed.paths" \
	exfil-d http.request.body "\${d:$T/etc:shadow}" \
	"http.request.body: \${d:$T/etc:shadow}: $T/etc/shadow is not in config.providers.d.param.allowed.paths"
refused "REST: ... also through '..'" \
	exfil-dotdot http.request.body "\${d:$T/allowed/../etc:shadow}" \
	"http.request.body: \${d:$T/allowed/../etc:shadow}: $T/etc/shadow is not in config.providers.d.param.allowed.paths"
rest PUT /connector-plugins/HttpSource/config/validate \
	"$(connector exfil-v http.request.body "$DIR_REF" |
		python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["config"]))')"
assert_eq "validate: the placeholder is one error" "200 1" \
	"$ST $(printf '%s' "$BODY" | json_get error_count)"
assert_eq "no connector was created" "200 []" \
	"$(rest GET /connectors && echo "$ST $BODY")"
assert_eq "/echo never got a request" 0 "$(fixture_requests /echo)"

# A listed file provider inside its allowed.paths resolves.
F_REF="\${f:$T/allowed/api.properties:api.key}"
rest POST /connectors "$(connector listed http.headers "X-Api-Key: $F_REF")"
assert_eq "REST: a listed provider inside allowed.paths: 201" 201 "$ST"
consume_topic listed 1
assert_grep "... and its value was sent" "\"x-api-key\":\"$APIKEY\"" \
	"$CONSUMED"
rest DELETE /connectors/listed
assert_absent "the worker's secrets are nowhere in the fixture's log or ours" \
	"$SHADOW" "$T"/fixture*.out "$T"/fixture*.err "$T/host.err" \
	"$T/host.out" "$T"/consumed.*
assert_absent "... nor the environment's" "$AWS" "$T"/fixture*.out \
	"$T"/fixture*.err "$T/host.err" "$T/host.out" "$T"/consumed.*

_stop_pid "$REST_HOST"

# The command line: the built-ins only if the worker file says so.
write_connector "$T/cli.json" cli kafka.topic=cli "http.url=$API/echo" \
	'http.response.records.path=$' "http.headers=X-Api-Key: $ENV_REF"
write_worker "$T/cli.properties" "offset.storage.file.filename=$T/cli.offs"
run_host --once "$T/cli.properties" "$T/cli.json"
assert_eq "command line, built-in not enabled: exit 2" 2 "$HOST_RC"
assert_grep "... the error names the placeholder and the fix" \
	"cli.json: http.headers: $ENV_REF: config provider 'env' is not enabled: list it in the worker's config.providers" \
	"$T/host.err"

P2=$(free_port)
U=http://127.0.0.1:$P2
write_worker "$T/local.properties" "listeners=http://127.0.0.1:$P2" \
	command.line.builtin.providers=true \
	"offset.storage.file.filename=$T/local.offs"
start_host "$T/local.properties" "$T/cli.json"
wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
	bail_out "host did not start: $(cat "$T/host.err")"
consume_topic cli 1
assert_grep "command.line.builtin.providers=true: the file's \${env:...} resolves" \
	"\"x-api-key\":\"$AWS\"" "$CONSUMED"
refused "... while REST still gets only the listed providers" \
	exfil-env2 http.headers "X-Api-Key: $ENV_REF" \
	"http.headers: $ENV_REF: config provider 'env' is not enabled: list it in the worker's config.providers"
expect "... and a REST config change of the file's connector too" 400 \
	"$(invalid "http.headers: $ENV_REF: config provider 'env' is not enabled: list it in the worker's config.providers")" \
	PUT /connectors/cli/config \
	"$(connector cli http.headers "X-Api-Key: $ENV_REF" |
		python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["config"]))')"
rest GET /connectors/cli/status
assert_eq "... the file's connector keeps running" RUNNING \
	"$(printf '%s' "$BODY" | json_get tasks 0 state)"
