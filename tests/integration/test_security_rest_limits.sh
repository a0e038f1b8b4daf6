#!/bin/bash
# REST slowloris and pre-auth buffering (issue 10 item 6): 128 idle
# connections stopped the REST API and a byte every ~13 s kept it down;
# with auth on, unauthenticated partial uploads were buffered (14 MB -> 152
# MB). Now: at most rest.max.connections.per.client connections per client
# address, a deadline for a whole request (rest.request.timeout.ms) however
# it trickles, and authentication decided before the body is read.
. "$(dirname "$0")/lib.sh"

plan 7
FLOOD=$HTTPSRC_SOURCE_ROOT/tests/integration/rest_flood.py
# wait_rest PORT: until GET / answers (10 s).
wait_rest() {
	local _
	for _ in $(seq 50); do
		http_call GET "http://127.0.0.1:$1/" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	bail_out "the REST API on port $1 did not come up"
}

PORT=$(free_port)
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT" \
	rest.request.timeout.ms=2000
start_host "$T/worker.properties"
wait_rest "$PORT"

# 500 slowloris connections from 127.0.0.2, one more byte each second for
# 5 s; a client on 127.0.0.1 asks GET / five times meanwhile.
timeout 120 python3 "$FLOOD" idle "$PORT" 500 127.0.0.2 5 >"$T/idle.out" 2>&1
diag_file "$T/idle.out"
assert_grep "500 idle connections: the other client got 5 answers of 5" \
	"answered 5" "$T/idle.out"
assert_grep "slowloris connections are closed by the deadline" \
	"held 0" "$T/idle.out"
assert_eq "the worker is still up" 0 "$(kill -0 "$HOST_PID"; echo $?)"
_stop_pid "$HOST_PID"

# With auth on: 100 unauthenticated uploads of 512 KiB each (of 512 KiB + 1
# announced) from 10 addresses get 401 before their body is read, and the
# worker's memory does not grow by their bodies.
PORT=$(free_port)
write_worker "$T/auth.properties" "listeners=http://127.0.0.1:$PORT" \
	rest.auth.user=admin rest.auth.password=pw-8s7d
start_host "$T/auth.properties"
for _ in $(seq 50); do
	[ "$(python3 "$HTTPSRC_SOURCE_ROOT/tests/integration/rest_client.py" GET "http://127.0.0.1:$PORT/" 2>/dev/null | head -1)" = 401 ] && break
	sleep 0.2
done
before=$(grep VmRSS "/proc/$HOST_PID/status" | awk '{print $2}')
timeout 120 python3 "$FLOOD" upload "$PORT" 100 524288 3 >"$T/upload.out" 2>&1 &
flood=$!
wait_for_line "$T/upload.out" '^status' 100 >/dev/null
sleep 1
after=$(grep VmRSS "/proc/$HOST_PID/status" | awk '{print $2}')
wait "$flood"
diag_file "$T/upload.out"
diag "VmRSS before ${before} kB, with 100 uploads open ${after} kB"
assert_eq "100 unauthenticated uploads: all get 401 at once" \
	"status 401 100" "$(cat "$T/upload.out")"
assert_ge "RSS grew by less than 16 MB (their bodies: 50 MB)" \
	$((after - before)) 16384
assert_eq "an authenticated client still gets answers" \
	'[]' "$(python3 - "$PORT" <<'PY'
import base64, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/connectors" % sys.argv[1])
req.add_header("Authorization",
               "Basic " + base64.b64encode(b"admin:pw-8s7d").decode())
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
)"
assert_eq "the worker is still up" 0 "$(kill -0 "$HOST_PID"; echo $?)"
