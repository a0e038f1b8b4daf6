#!/bin/bash
# http.timer.interval.ms: each connector polls in fixed slots, phase +
# k * interval. (1) A poll the loop starts late (the host is stopped with
# SIGSTOP across a slot) does not move the slots after it: with 10,000
# connectors, moving them would merge the phases of every connector a
# stalled pass starts together, until they poll in bursts. (2) Connectors
# started together spread their slots (up to 1 ms per connector in the
# worker, by a hash of the name): 200 connectors polling every second
# start at once, then poll over ~200 ms of each second, not in one burst.
# Poll times come from the fixture's request log (wall clock, ms).
. "$(dirname "$0")/lib.sh"

plan 7
start_fixture --records 20 --page-size 100
start_kafka
write_worker "$T/worker.properties"
write_connector "$T/sched.json" sched \
	kafka.topic=sched \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	http.timer.interval.ms=1000

start_host "$T/worker.properties" "$T/sched.json"
# Phase: the last of at least two polls (the first finds the records,
# the catch-up poll right after it does not).
last=""
for _ in $(seq 60); do
	last=$(fixture_log /events | awk '{ t = $1 } END { if (NR >= 2) print t }')
	[ -n "$last" ] && break
	sleep 0.1
done
[ -n "$last" ] || bail_out "the connector did not poll twice"
# Stopped from 700 ms to 1300 ms after that poll: the poll due at +1000
# starts about 300 ms late. The next is due at +2000, as if on time.
sleep "$(awk -v t="$last" -v n="$(now_ms)" 'BEGIN { d = (t + 700 - n) / 1000; print (d > 0 ? d : 0) }')"
kill -STOP "$HOST_PID"
sleep 0.6
kill -CONT "$HOST_PID"
sleep 1.6
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"

fixture_log /events | awk -v t="$last" '$1 > t { print $1 - t }' >"$T/after.txt"
diag_file "$T/after.txt"
late=$(sed -n 1p "$T/after.txt")
next=$(sed -n 2p "$T/after.txt")
assert_ge "the poll due at +1000 ms started late (>= 1200 ms)" 1200 "${late:-0}"
assert_ge "the next poll came (two polls after the phase poll)" 2 \
	"$(wc -l <"$T/after.txt")"
assert_eq "the next poll is at +2000 ms (within 100 ms), not shifted by the late one" \
	ok "$(awk -v n="${next:-0}" 'BEGIN { print (n >= 1900 && n <= 2100) ? "ok" : "at +" n " ms" }')"

# (2) 200 connectors, each on its own query string, 1 s interval.
rm -f "$OFFSETS"
: >"$T/list"
for i in $(seq 0 199); do
	write_connector "$T/c$i.json" "spread-$i" kafka.topic=spread \
		"http.url=$API/events?conn=$i" 'http.response.records.path=$.data[*]' \
		http.timer.interval.ms=1000
	echo "$T/c$i.json" >>"$T/list"
done
t_start=$(now_ms)
# shellcheck disable=SC2046 # one argument per file
start_host "$T/worker.properties" $(cat "$T/list")
sleep 4.5
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "200 connectors, SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
# Per connector: its polls after the first two (the first finds the
# records, the catch-up poll follows at once), as "conn time".
fixture_log /events | awk -v t0="$t_start" '$1 >= t0 {
	split($4, q, "conn="); n[q[2]]++; if (n[q[2]] > 2) print q[2], $1 }' \
	>"$T/spread.txt"
# Slots: every later poll of a connector 1000 ms (+-60) after its last.
assert_eq "each connector's later polls are 1000 ms apart (+-60 ms)" ok \
	"$(sort -k1,1n -k2,2n "$T/spread.txt" | awk '
		NR > 1 && $1 == c { d = $2 - t; if (d < 940 || d > 1060) bad = bad " " $1 ":" d }
		{ c = $1; t = $2 }
		END { print bad == "" ? "ok" : "off:" bad }')"
# Spread: in the second after the first slot, the connectors' polls span
# well over the ~10 ms a burst would (the splay window is 200 ms here).
span=$(awk '{ if (!($1 in f)) f[$1] = $2 } END {
	for (k in f) { if (mn == "" || f[k] < mn) mn = f[k]; if (f[k] > mx) mx = f[k] }
	print mx - mn }' "$T/spread.txt")
diag "first slot polls of 200 connectors span $span ms"
assert_ge "200 connectors' slots spread over >= 120 ms" 120 "${span:-0}"
