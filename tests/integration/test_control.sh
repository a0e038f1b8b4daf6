#!/bin/bash
# Connectors from C (examples/embed/control.c): while the pipeline runs in
# its own thread, another thread reads a connector's state and error,
# pauses, resumes, restarts and removes it; each call's result and the
# state it leads to, exactly.
. "$(dirname "$0")/lib.sh"

plan 3
start_fixture --records 30 --page-size 10
CONTROL=$HTTPSRC_BUILD_ROOT/examples/control
need_bins "$CONTROL"
rc=0
timeout -k 5 60 "$CONTROL" "$API/events" "$API/basic" >"$T/out" 2>"$T/err" || rc=$?
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
