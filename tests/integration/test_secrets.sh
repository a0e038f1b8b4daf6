#!/bin/bash
# Config providers: ${env:VAR}, ${file:/path:key} (Java .properties),
# ${directory:/dir:file} and a named provider (config.providers=secrets,
# class directory, base.path) feed a bearer token, a basic password, an
# OAuth2 client secret, a header and a URL query parameter. Every connector
# authenticates, and no secret appears in the logs (debug level), the
# offsets file or the records in Kafka; the connector files keep their
# placeholders. A placeholder that cannot be resolved is one error line
# naming it.
. "$(dirname "$0")/lib.sh"

plan 25
TOKEN=Tok-From-Env-42
PASS=Pa55-From-File
CSECRET=Cs-From-Dir-7
URLKEY=Url-Key-99
start_fixture --records 30 --bearer "$TOKEN" --basic-pass "$PASS" \
	--client-secret "$CSECRET"
start_kafka
# The connector files are the operator's own: the built-ins env, file and
# directory are theirs with command.line.builtin.providers=true.
write_worker "$T/worker.properties" \
	command.line.builtin.providers=true \
	config.providers=secrets \
	config.providers.secrets.class=directory \
	"config.providers.secrets.param.base.path=$T/run-secrets"

# The secret stores. Files without a trailing newline: the directory
# provider keeps one, as Connect's does.
printf '# API credentials\nother.key=x\napi.password=%s\n' "$PASS" \
	>"$T/creds.properties"
mkdir -p "$T/secdir" "$T/run-secrets/api"
printf '%s' "$CSECRET" >"$T/secdir/client_secret"
printf '%s' "$TOKEN" >"$T/run-secrets/api/token"
export HTTPSRC_IT_TOKEN=$TOKEN HTTPSRC_IT_URLKEY=$URLKEY

KEY=(http.timer.interval.ms=100
	'http.response.records.path=$.data[*]'
	"${KEY_BY_ID[@]}")
write_connector "$T/env.json" sec-env "${KEY[@]}" kafka.topic=sec-env \
	"http.url=$API/bearer" http.auth.type=BEARER \
	'http.auth.token=${env:HTTPSRC_IT_TOKEN}'
write_connector "$T/file.json" sec-file "${KEY[@]}" kafka.topic=sec-file \
	"http.url=$API/basic" http.auth.type=BASIC http.auth.user=alice \
	"http.auth.password=\${file:$T/creds.properties:api.password}"
write_connector "$T/dir.json" sec-dir "${KEY[@]}" kafka.topic=sec-dir \
	"http.url=$API/oauth/data" http.auth.type=OAUTH2 \
	"http.oauth2.token.url=$API/oauth/token" http.oauth2.client.id=cid \
	"http.oauth2.client.secret=\${directory:$T/secdir:client_secret}"
write_connector "$T/named.json" sec-named "${KEY[@]}" kafka.topic=sec-named \
	"http.url=$API/bearer?key=\${env:HTTPSRC_IT_URLKEY}" \
	'http.headers=Accept: application/json, Authorization: Bearer ${secrets:api/token}'
CONNS=("$T/env.json" "$T/file.json" "$T/dir.json" "$T/named.json")
for f in "${CONNS[@]}"; do cp "$f" "$f.orig"; done

run_host --once --log-level debug "$T/worker.properties" "${CONNS[@]}"
assert_eq "four connectors with secrets, --once: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
for t in sec-env sec-file sec-dir sec-named; do
	assert_topic "$t" "$t" <(fixture_keyed 1 30)
done
assert_eq "every secret was right: no 401 anywhere" "0 0 0 0" \
	"$(fixture_stat basic.401) $(fixture_stat bearer.401) $(fixture_stat oauth.401) $(fixture_stat oauth.token_errors)"
assert_eq "the URL's query got the env value" "key=$URLKEY" \
	"$(fixture_log /bearer | awk '$4 ~ /key=/ {print $4}' | head -1 |
		sed 's/.*?//')"
for s in "$TOKEN" "$PASS" "$CSECRET" "$URLKEY"; do
	assert_absent "secret $s: not in the logs, offsets or records" "$s" \
		"$T/host.out" "$T/host.err" "$OFFSETS" "$T"/consumed.*
done
unchanged=yes
for f in "${CONNS[@]}"; do cmp -s "$f" "$f.orig" || unchanged="no: $f"; done
assert_eq "the connector files keep their placeholders" yes "$unchanged"
assert_grep "the offset partition keeps the URL's placeholder" \
	'/bearer?key=${env:HTTPSRC_IT_URLKEY}' <(offsets_dump)

# Unresolvable placeholders: one line naming the placeholder and why.
write_connector "$T/missing.json" sec-missing "${KEY[@]}" \
	kafka.topic=sec-missing "http.url=$API/bearer" http.auth.type=BEARER \
	'http.auth.token=${env:HTTPSRC_IT_NOT_SET}'
run_host --once "$T/worker.properties" "$T/missing.json"
assert_eq "unset environment variable: exit 2 (a config error)" 2 \
	"$HOST_RC"
assert_grep "unset environment variable: the error names it" \
	'http.auth.token: ${env:HTTPSRC_IT_NOT_SET}: environment variable is not set' \
	"$T/host.err"

# A provider value a plugin key refuses (an INT here): the error names the
# placeholder, never the value it resolved to.
write_connector "$T/badint.json" sec-badint "${KEY[@]}" \
	kafka.topic=sec-badint "http.url=$API/offset" \
	http.pagination.type=OFFSET \
	'http.pagination.limit.value=${env:HTTPSRC_IT_LIMIT}'
HTTPSRC_IT_LIMIT=lim-s3cr3t-value run_host --once "$T/worker.properties" \
	"$T/badint.json"
assert_eq "a provider value a plugin key refuses: exit 2" 2 "$HOST_RC"
assert_grep "the error names the placeholder" \
	'http.pagination.limit.value: the value of ${env:HTTPSRC_IT_LIMIT} is not valid for this key' \
	"$T/host.err"
assert_absent "and not the resolved value" lim-s3cr3t-value "$T/host.err" \
	"$T/host.out"

write_connector "$T/nokey.json" sec-nokey "${KEY[@]}" \
	kafka.topic=sec-nokey "http.url=$API/basic" http.auth.type=BASIC \
	http.auth.user=alice \
	"http.auth.password=\${file:$T/creds.properties:no.such.key}"
run_host --once "$T/worker.properties" "$T/nokey.json"
assert_eq "missing key in a properties file: exit 2" 2 "$HOST_RC"
assert_grep_e "missing key: the error names the placeholder" \
	"http\.auth\.password: \\$\\{file:$T/creds\.properties:no\.such\.key\\}: .*no\.such\.key" \
	"$T/host.err"
assert_absent "missing key: the file's other values are not printed" \
	"$PASS" "$T/host.out" "$T/host.err"
