#!/bin/bash
# Issue 10 item 12, the small ones (ID/TIMESTAMP values: see
# test_security_offset_values):
#  - temp files a kill -9 left ("offsets.json.tmp.<pid>") are removed at
#    start (one of a process still running is kept);
#  - a 0-byte offsets file is an error naming it, not a silent re-ingest
#    of everything (a missing file is a new store, as before);
#  - \ud800 and \u0000 in a connector name are refused, in REST bodies and
#    in connector files, not altered ("\ud800x" became "?x", "a\u0000b"
#    became "a");
#  - a CR or LF in a header value after ${...} expansion (here a secret
#    with a newline inside) is named as such; the value is neither sent
#    nor printed.
. "$(dirname "$0")/lib.sh"

plan 17
mkdir -p "$T/files" "$T/run-secrets"
start_fixture --records 20 --files "$T/files"
start_kafka
write_worker "$T/worker.properties" \
	config.providers=secrets config.providers.secrets.class=directory \
	"config.providers.secrets.param.base.path=$T/run-secrets"
write_connector "$T/ev.json" ev kafka.topic=ev "http.url=$API/events" \
	'http.response.records.path=$.data[*]' http.pagination.type=CURSOR

# 1. Orphaned temp files: the dead one goes, the live one stays.
sleep 300 &
LIVE=$!
track_pid "$LIVE"
DEAD=$(python3 -c 'import os
p = 4194000
while True:
    try:
        os.kill(p, 0)
    except ProcessLookupError:
        print(p); break
    except PermissionError:
        pass
    p -= 1')
printf 'partial' >"$OFFSETS.tmp.$DEAD"
printf 'partial' >"$OFFSETS.tmp.$LIVE"
run_host --once "$T/worker.properties" "$T/ev.json"
assert_eq "--once with orphaned temp files: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_eq "the temp file of a dead process is removed" no \
	"$([ -e "$OFFSETS.tmp.$DEAD" ] && echo yes || echo no)"
assert_eq "the temp file of a running process is kept" yes \
	"$([ -e "$OFFSETS.tmp.$LIVE" ] && echo yes || echo no)"
assert_eq "the offset was stored" '{"cursor":null,"position":20}' \
	"$(offset_of ev)"

# 2. A 0-byte offsets file: exit 2 naming it; nothing read again.
: >"$OFFSETS"
N=$(fixture_requests /events)
run_host --once "$T/worker.properties" "$T/ev.json"
assert_eq "0-byte offsets file: exit 2" 2 "$HOST_RC"
assert_grep "... the error names the file and what to do" \
	"$OFFSETS: the offsets file is empty (0 bytes), so the offsets stored in it are lost: restore it from a backup, or delete it to start every connector over from http.initial.offset" \
	"$T/host.err"
assert_eq "... and no request was made" "$N" "$(fixture_requests /events)"
rm -f "$OFFSETS"

# 3. Names: refused, not altered (REST and files).
PORT=$(free_port)
write_worker "$T/rest.properties" "listeners=http://127.0.0.1:$PORT"
start_host "$T/rest.properties"
wait_for_line "$T/host.err" "REST API listening" >/dev/null ||
	bail_out "REST API did not start: $(cat "$T/host.err")"
for n in 'a\u0000b' '\ud800x'; do
	body="{\"name\":\"$n\",\"config\":{\"kafka.topic\":\"t\",\"http.url\":\"$API/events\"}}"
	http_call POST "http://127.0.0.1:$PORT/connectors" "$body" >"$T/post.out"
	assert_grep "REST POST name \"$n\": 400 naming the escape" \
		"\"error_code\":400" "$T/post.out"
done
assert_eq "... and no connector was made (under any altered name)" '[]' \
	"$(http_call GET "http://127.0.0.1:$PORT/connectors")"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 20
printf '{"name":"f\\ud800g","config":{"kafka.topic":"t","http.url":"%s/events"}}' \
	"$API" >"$T/bad-name.json"
run_host --once "$T/worker.properties" "$T/bad-name.json"
assert_grep "connector file: \\ud800 in the name refused (exit 2), naming why" \
	"\\ud800 is an unpaired UTF-16 surrogate, not a character" "$T/host.err"

# 4. CR/LF in a header value after expansion: named, not sent.
printf 'tok\nline' >"$T/run-secrets/token"
write_connector "$T/hdr.json" hdr kafka.topic=hdr "http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	'http.headers=X-Token: ${secrets:token}'
N=$(fixture_requests /events)
run_host --once "$T/worker.properties" "$T/hdr.json"
assert_eq "a secret with a newline inside: exit 2" 2 "$HOST_RC"
assert_grep "... the header and the LF are named" \
	"http.headers: the value of header 'X-Token' holds a LF (line feed); a header value must be one line" \
	"$T/host.err"
assert_absent "... the value is not printed" "tok" "$T/host.err" \
	"$T/host.out"
assert_eq "... and no request was sent" "$N" "$(fixture_requests /events)"
# An upstream value with CR LF reaching a header through ${offset} (a
# CHAINING offset): named at request time, the request never sent.
printf '{"data":[{"v":"x\\r\\nX-Evil: 1"}]}' >"$T/files/crlf.json"
write_connector "$T/chain.json" chain kafka.topic=chain \
	"http.url=$API/files/crlf.json" 'http.response.records.path=$.data[*]' \
	http.offset.mode=CHAINING http.offset.field=v \
	'http.headers=X-After: ${offset}'
run_host --once "$T/worker.properties" "$T/chain.json"
assert_grep "an upstream value with CR LF in \${offset}: the header and the CR are named" \
	"http.headers: the value of header 'X-After' holds a CR (carriage return) after \${...} expansion" \
	"$T/host.err"
assert_eq "... and that request was never sent (the first poll's only)" 1 \
	"$(fixture_requests /files/crlf.json)"
