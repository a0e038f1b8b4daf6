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
# the catch-up poll right after it does not). Stopped from 700 ms to
# 1300 ms after that poll: the poll due at +1000 starts about 300 ms
# late. The next is due at +2000, as if on time. On a busy machine this
# script may wake too late to stop the host before the slot: then it
# tries again on a later slot (3 tries at most).
last_poll() { # the time of the latest poll, once there were >= 2
	local t=""
	for _ in $(seq 60); do
		t=$(fixture_log /events | awk '{ t = $1 } END { if (NR >= 2) print t }')
		[ -n "$t" ] && break
		sleep 0.1
	done
	echo "$t"
}
for try in 1 2 3; do
	last=$(last_poll)
	[ -n "$last" ] || bail_out "the connector did not poll twice"
	sleep "$(awk -v t="$last" -v n="$(now_ms)" 'BEGIN { d = (t + 700 - n) / 1000; print (d > 0 ? d : 0) }')"
	kill -STOP "$HOST_PID"
	sleep 0.6
	kill -CONT "$HOST_PID"
	sleep 1.6
	fixture_log /events | awk -v t="$last" '$1 > t { print $1 - t }' >"$T/after.txt"
	[ "$(sed -n 1p "$T/after.txt")" -ge 1200 ] 2>/dev/null && break
	diag "try $try: the script woke too late to stop the host before the slot"
done
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"

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
# Slots: a connector's k-th later poll is at its phase + k * 1000 ms. The
# phase is its earliest (least late) poll less its slots; a poll the
# busy loop starts late is late alone (up to 250 ms here), it moves none
# after it. (A check of each gap against 1000 +- 60 ms failed on a late
# poll under load: the gap before it is long and the one after it short.)
assert_eq "each connector's later polls are on its 1000 ms slots (0-250 ms late)" ok \
	"$(sort -k1,1n -k2,2n "$T/spread.txt" | awk '
		NR == 1 || $1 != c { c = $1; k = 0 }
		{ t[c, k] = $2 - k * 1000; n[c] = ++k }
		END {
			for (c in n) {
				ph = t[c, 0]
				for (k = 1; k < n[c]; k++) if (t[c, k] < ph) ph = t[c, k]
				for (k = 0; k < n[c]; k++)
					if (t[c, k] - ph > 250) bad = bad " " c ":" k ":+" t[c, k] - ph
			}
			print bad == "" ? "ok" : "off:" bad
		}')"
# Spread: in the second after the first slot, the connectors' polls span
# well over the ~10 ms a burst would (the splay window is 200 ms here).
span=$(awk '{ if (!($1 in f)) f[$1] = $2 } END {
	for (k in f) { if (mn == "" || f[k] < mn) mn = f[k]; if (f[k] > mx) mx = f[k] }
	print mx - mn }' "$T/spread.txt")
diag "first slot polls of 200 connectors span $span ms"
assert_ge "200 connectors' slots spread over >= 120 ms" 120 "${span:-0}"
