#!/bin/bash
# Connectors from C (examples/embed/control.c): while the pipeline runs in
# its own thread, another thread reads a connector's state and error,
# pauses, resumes, restarts and removes it; each call's result and the
# state it leads to, exactly.
. "$(dirname "$0")/lib.sh"

plan 5
start_fixture --records 30 --page-size 10
CONTROL=$HTTPSRC_BUILD_ROOT/examples/control
need_bins "$CONTROL"
# Every connector polls each 100 ms; "probe" (/ids) shows the loop goes
# on while "good" (/events) is paused. control waits for a line on the fifo
# once good is PAUSED and once it is RUNNING again.
mkfifo "$T/gate"
exec 3<>"$T/gate"
timeout -k 5 60 "$CONTROL" "$API/events" "$API/basic" "$API/ids" \
	<"$T/gate" >"$T/out" 2>"$T/err" &
ctl=$!
track_pid "$ctl"
# probe_after N: wait (bounded) until /ids has N more requests.
probe_after() {
	local want=$(($(fixture_requests /ids) + $1)) _
	for _ in $(seq 100); do
		[ "$(fixture_requests /ids)" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_for_line "$T/out" '^good: PAUSED$' >/dev/null
paused=$(fixture_requests /events)
probe_after 5
assert_eq "paused: no request to /events while probe polled 5 times" \
	"$paused" "$(fixture_requests /events)"
echo go >&3
wait_for_line "$T/out" '^resume good: ' >/dev/null
grows=0
for _ in $(seq 100); do
	[ "$(fixture_requests /events)" -gt "$paused" ] && { grows=1; break; }
	sleep 0.1
done
assert_eq "resumed: /events is requested again" 1 "$grows"
echo go >&3
rc=0
wait "$ctl" || rc=$?
exec 3>&-
assert_eq "control exits 0" 0 "$rc" || diag_file "$T/err"
P=${API#http://}
assert_files_eq "states, error, pause, resume, restart, remove: exactly" <(
	echo "good: RUNNING"
	echo "bad: FAILED"
	echo "bad failed: GET http://$P/basic returned HTTP 401: {\"error\":\"unauthorized\"}"
	echo "pause good: HTTPSRC_OK"
	echo "good: PAUSED"
	echo "resume good: HTTPSRC_OK"
	echo "good: RUNNING"
	echo "restart bad: HTTPSRC_OK"
	echo "bad: FAILED"
	echo "remove bad: HTTPSRC_OK"
	echo "bad: HTTPSRC_ERR_NOENT"
	echo "remove bad again: HTTPSRC_ERR_NOENT"
) "$T/out"
assert_eq "the restart asked the API again" 2 "$(fixture_requests /basic)"
