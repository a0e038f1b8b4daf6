#!/bin/bash
# httpsrc-connect as a service: SIGHUP re-reads the connector files given
# on the command line and applies what changed (a changed config restarts
# its connector, a file naming another connector creates that one and
# deletes the old, a removed file deletes its connector with its offsets
# kept, a file that no longer loads leaves its connector running), logging
# each; --log-format json writes one object a line; log.level gives one
# connector its own level; sd_notify tells systemd READY=1 and STOPPING=1.
. "$(dirname "$0")/lib.sh"

plan 14
start_fixture --records 30 --page-size 10
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
conn() { # FILE NAME TOPIC [key=value...]
	local f=$1 name=$2 topic=$3
	shift 3
	write_connector "$f" "$name" "kafka.topic=$topic" "http.url=$API/events" \
		'http.response.records.path=$.data[*]' http.pagination.type=CURSOR \
		http.timer.interval.ms=60000 "$@"
}
conn "$T/a.json" a ta log.level=debug
conn "$T/b.json" b tb
conn "$T/c.json" c tc
conn "$T/d.json" d td

# A Type=notify service manager: a datagram socket that keeps what it gets.
NOTIFY_SOCKET=$T/notify.sock
python3 - "$NOTIFY_SOCKET" "$T/notify.log" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a") as log:
    try:
        while True:
            log.write(s.recv(4096).decode() + "\n")
            log.flush()
    except socket.timeout:
        pass
EOF
track_pid $!
for _ in $(seq 50); do [ -S "$NOTIFY_SOCKET" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$NOTIFY_SOCKET start_host --log-format json "$T/worker.properties" \
	"$T/a.json" "$T/b.json" "$T/c.json" "$T/d.json"
for n in a b c d; do
	wait_for_line "$T/host.err" "\"connector\":\"$n\",\"message\":\"connector created" \
		>/dev/null || bail_out "connector $n did not start: $(tail -5 "$T/host.err")"
done
wait_for_line "$T/host.err" "REST API listening" >/dev/null ||
	bail_out "no REST API: $(tail -5 "$T/host.err")"
# b's offset is stored before it is deleted (kept afterwards).
for _ in $(seq 100); do
	[ "$(offset_of b)" = '{"cursor":"c20","position":10}' ] && break
	sleep 0.1
done

if ldd "$HOST_BIN" | grep -q libsystemd; then
	wait_for_line "$T/notify.log" '^READY=1$' >/dev/null
	assert_eq "sd_notify: READY=1 once the connectors and the REST API are up" \
		"READY=1" "$(grep -m1 READY "$T/notify.log")"
else
	ok "# SKIP built without libsystemd: sd_notify is compiled out"
fi

# Every line is one JSON object with the five members.
python3 - "$T/host.err" >"$T/json.check" <<'EOF'
import json, sys
bad = 0
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        o = json.loads(line)
        assert list(o) == ["time", "level", "connector", "message", "fields"], list(o)
        assert isinstance(o["fields"], dict)
    except Exception as e:
        bad += 1
        print("line %d: %s: %s" % (n, e, line.strip()))
print("bad lines: %d" % bad)
EOF
assert_eq "--log-format json: every line is {time, level, connector, message, fields}" \
	"bad lines: 0" "$(tail -1 "$T/json.check")"
assert_grep_e "log.level=debug: connector a logs its DEBUG lines" \
	'"level":"DEBUG","connector":"a"' "$T/host.err"
assert_absent "the worker's INFO level: no DEBUG line of connector d" \
	'"level":"DEBUG","connector":"d"' "$T/host.err"

# The changes: a reconfigured, b's file removed, c's file names c2, d's
# file broken.
conn "$T/a.json" a ta2 log.level=debug
rm "$T/b.json"
conn "$T/c.json" c2 tc2
echo '{"name": "d", "config": {' >"$T/d.json"
kill -HUP "$HOST_PID"
SUMMARY=$(wait_for_line "$T/host.err" '"message":"reload: [0-9]+ created')
assert_eq "SIGHUP: one summary line of what changed" \
	"reload: 1 created, 1 reconfigured, 2 deleted, 0 unchanged, 1 failed" \
	"$(printf '%s' "$SUMMARY" | json_get message)"
msgs() { # CONNECTOR: its reload messages
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["connector"] == sys.argv[2] and o["message"].startswith("reload:"):
        print(o["message"], json.dumps(o["fields"], sort_keys=True))
' "$T/host.err" "$1"
}
assert_eq "a: reconfigured, logged with the file" \
	"reload: reconfigured (restarts with its offsets) from $T/a.json {\"action\": \"reconfigured\", \"file\": \"$T/a.json\"}" \
	"$(msgs a)"
assert_eq "b: its file is gone: deleted, offsets kept" \
	"reload: deleted ($T/b.json was removed); its stored offsets are kept {\"action\": \"deleted\", \"file\": \"$T/b.json\"}" \
	"$(msgs b)"
assert_eq "c2 created, c deleted (the file names another connector)" \
	"reload: created from $T/c.json {\"action\": \"created\", \"file\": \"$T/c.json\"}
reload: deleted ($T/c.json names another connector); its stored offsets are kept {\"action\": \"deleted\", \"file\": \"$T/c.json\"}" \
	"$(msgs c2; msgs c)"
assert_eq "d: the broken file is named with the reason, d is left as it was" \
	"reload: $T/d.json:1:26: invalid JSON at byte 26: parse error: premature EOF; its connector is left as it was {\"action\": \"failed\", \"file\": \"$T/d.json\"}" \
	"$(msgs d)"
for _ in $(seq 100); do
	L=$(http_call GET "$U/connectors" 2>/dev/null)
	[ "$L" = '["a","d","c2"]' ] && break
	sleep 0.1
done
assert_eq "the REST API lists a, d, c2" '["a","d","c2"]' "$L"
assert_eq "a runs with its new config" ta2 \
	"$(http_call GET "$U/connectors/a/config" | json_get kafka.topic)"
consume_topic tc2 30
assert_eq "c2 runs: its 30 records on its topic" "0 30" \
	"$CONSUME_RC $(sort -u "$CONSUMED" | wc -l)"

kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 40
assert_eq "SIGTERM: exit 0; b's offset is still stored" \
	'0 {"cursor":"c20","position":10}' "$HOST_RC $(offset_of b)"
if ldd "$HOST_BIN" | grep -q libsystemd; then
	assert_eq "sd_notify: STOPPING=1 as it stops" "READY=1 STOPPING=1" \
		"$(tr '\n' ' ' <"$T/notify.log" | sed 's/ $//')"
else
	ok "# SKIP built without libsystemd: sd_notify is compiled out"
fi
