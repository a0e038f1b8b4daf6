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
# The grid: slots at first + k * 1000, from the first request (the
# catch-up poll right after it is not on the grid). The host is stopped
# from 300 ms before a slot to 300 ms after it: that slot's poll starts
# late, and the next is due one interval after the slot, as if on time.
# On a busy machine this script may wake too late to stop the host before
# the slot: then it tries again on a later slot (3 tries at most).
first=""
for _ in $(seq 60); do
	first=$(fixture_log /events | awk 'NR == 1 { t = $1 } END { if (NR >= 2) print t }')
	[ -n "$first" ] && break
	sleep 0.1
done
[ -n "$first" ] || bail_out "the connector did not poll twice"
for try in 1 2 3; do
	# the first slot at least 500 ms away
	slot=$(awk -v f="$first" -v n="$(now_ms)" \
		'BEGIN { k = int((n + 500 - f + 999) / 1000); printf "%.0f\n", f + k * 1000 }')
	sleep "$(awk -v s="$slot" -v n="$(now_ms)" 'BEGIN { d = (s - 300 - n) / 1000; print (d < 0 ? 0 : d > 2 ? 2 : d) }')"
	kill -STOP "$HOST_PID"
	sleep 0.6
	kill -CONT "$HOST_PID"
	sleep 1.6
	# each poll since half an interval before the slot, in ms after the slot
	fixture_log /events | awk -v s="$slot" '$1 > s - 500 { print $1 - s }' >"$T/after.txt"
	[ "$(sed -n 1p "$T/after.txt")" -ge 200 ] 2>/dev/null && break
	diag "try $try: the script woke too late to stop the host before the slot"
done
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"

diag_file "$T/after.txt"
late=$(sed -n 1p "$T/after.txt")
next=$(sed -n 2p "$T/after.txt")
assert_ge "the poll due at the slot started late (>= 200 ms after it)" 200 "${late:-0}"
assert_ge "the next poll came (two polls since the slot)" 2 \
	"$(wc -l <"$T/after.txt")"
# Not early (50 ms for the first request's own connect, the grid's origin);
# late by at most 150 ms (the loop's wake-up on a loaded machine).
assert_eq "the next poll is on the next slot (-50 to +150 ms), not shifted by the late one" \
	ok "$(awk -v n="${next:-0}" 'BEGIN { print (n >= 950 && n <= 1150) ? "ok" : "at slot +" n " ms" }')"

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
