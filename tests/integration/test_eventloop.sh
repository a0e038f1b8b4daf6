#!/usr/bin/env bash
# The pipeline driven from the caller's own event loop
# (examples/embed/eventloop.c: poll(2) over httpsrc_pipeline_fd() and
# stdin, httpsrc_pipeline_step() with timeout 0): every record arrives
# once, in order; the descriptor wakes the loop when work comes in (REST
# requests here; it is not only the timeouts that drive it); a stop asked
# from the caller's own input ends the run cleanly with the offset stored.
. "$(dirname "$0")/lib.sh"
plan 9
LOOP=$HTTPSRC_BUILD_ROOT/examples/eventloop
need_bins "$LOOP"
start_fixture --records 250 --page-size 100
fixture_keyed 1 250 >"$T/expected"

rc=0
timeout -k 5 60 "$LOOP" "$API/events" </dev/null >"$T/once.out" \
	2>"$T/once.err" || rc=$?
assert_eq "a run until caught up: exit 0" 0 "$rc" || diag_file "$T/once.err"
assert_files_eq "every record once, in order, keyed" "$T/expected" "$T/once.out"
line=$(grep '^eventloop: 250 records' "$T/once.err")
assert_eq "the offset is stored after the last record" \
	'offset {"cursor":"c200","position":50}' "${line##*fd, }"
# --forever with the REST API: each REST request runs on the loop and
# must wake it through the descriptor (the connector, caught up, polls
# again only in a minute: nothing else wakes it).
PORT=$(free_port)
mkfifo "$T/in"
timeout -k 5 60 "$LOOP" --forever "$API/events" "http://127.0.0.1:$PORT" \
	<"$T/in" >"$T/ever.out" 2>"$T/ever.err" &
pid=$!
track_pid "$pid"
exec 3>"$T/in"
for _ in $(seq 100); do
	[ "$(wc -l <"$T/ever.out")" -ge 250 ] && break
	sleep 0.1
done
assert_files_eq "--forever: every record once" "$T/expected" "$T/ever.out"
# counted: how often the descriptor woke the loop so far (stdin is not it)
counted() {
	local n=$(($(grep -c 'woken by the fd .* times' "$T/ever.err") + 1)) _
	echo count >&3
	for _ in $(seq 50); do
		[ "$(grep -c 'woken by the fd .* times' "$T/ever.err")" -ge "$n" ] && break
		sleep 0.1
	done
	grep 'woken by the fd .* times' "$T/ever.err" | tail -n 1 | tr -dc 0-9
}
before=$(counted)
statuses=""
for _ in 1 2 3 4 5; do
	statuses="$statuses $(http_call GET "http://127.0.0.1:$PORT/connectors/looped/status" | json_get connector state)"
done
after=$(counted)
assert_eq "5 REST requests answered by the loop" \
	" RUNNING RUNNING RUNNING RUNNING RUNNING" "$statuses"
if [ $((after - before)) -ge 5 ]; then
	ok "each REST request woke the loop through the descriptor ($before -> $after)"
else
	not_ok "each REST request woke the loop through the descriptor ($before -> $after)"
fi
echo stop >&3
wait_host_exit "$pid" 30
exec 3>&-
assert_eq "a stop from the caller's loop ends the run: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/ever.err"
assert_grep "the caller's own descriptor was served" \
	"eventloop: stop asked on stdin" "$T/ever.err"
assert_grep "offset stored at the stop" \
	'eventloop: 250 records, ' "$T/ever.err"
