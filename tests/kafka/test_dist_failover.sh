#!/bin/bash
# Distributed mode (issue 14, test 2): kill -9 of a follower, then of the
# leader. Their connectors run again on the survivors within
# session.timeout.ms + 5 s, a new leader is elected, and no record is lost
# (at-least-once: every id of every connector is in Kafka; duplicates are
# counted and reported).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=9
SESSION_MS=6000
plan 9
DIST_SESSION_MS=$SESSION_MS
dist_setup "$N" offset.flush.interval.ms=100

# leader I: the URL the group last named as leader, in worker I's log.
leader_of() {
	grep -o 'leader http://[0-9.:]*' "$T/w$1.err" | tail -n 1 | sed 's#leader ##'
}
worker_of_url() {
	local i
	for i in 1 2 3; do
		[ "${W_URL[$i]}" != "$1" ] || echo "$i"
	done
}
L=$(worker_of_url "$(leader_of 1)")
[ -n "$L" ] || bail_out "no leader named in $T/w1.err"
F=$(( L % 3 + 1 ))
S=$(( F % 3 + 1 )) # the survivor of both kills, if F != S... pick the third
[ "$S" != "$L" ] || S=$(( S % 3 + 1 ))
diag "leader: worker $L, follower killed first: worker $F, survivor: worker $S"

# Records keep coming while the workers die.
start_appender 60

stop_worker "$F" KILL
ms=$(moved_within "$S" "$N" "$F")
diag "after kill -9 of follower $F: all $N tasks RUNNING on the survivors in $ms ms"
assert_eq "follower killed: its connectors run on the survivors within session.timeout.ms + 5 s" \
	1 "$(( ms >= 0 && ms <= SESSION_MS + 5000 ))"

stop_worker "$L" KILL
ms=$(moved_within "$S" "$N" "$F" "$L")
diag "after kill -9 of leader $L: all $N tasks RUNNING on worker $S in $ms ms"
assert_eq "leader killed: every connector runs on the survivor within session.timeout.ms + 5 s" \
	1 "$(( ms >= 0 && ms <= SESSION_MS + 5000 ))"
assert_eq "the survivor is the new leader" "${W_URL[$S]}/" "$(leader_of "$S")/"
assert_eq "the survivor's REST lists all $N connectors" "$N" \
	"$(dist_get "$S" /connectors | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

wait "$APPENDER"
total=$(appended_total)
dist_want_keys "$N" "$total"
# the survivor catches up with the last appends
dist_wait_keys "$((N * total))"
assert_files_eq "no record lost: every id of every connector is in Kafka" \
	"$T/want.keys" "$T/got.keys"
dups=$(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") ))
diag "records: $((N * total)) distinct, $dups duplicates (at-least-once)"
assert_eq "the survivor still answers" 200 "$(curl -s -o /dev/null -w '%{http_code}' "${W_URL[$S]}/connectors")"
kill -0 "${W_PID[$S]}"
assert_eq "the survivor is alive" 0 $?
stop_worker "$S" TERM
wait "${W_PID[$S]}"
assert_eq "the survivor exits 0 on SIGTERM" 0 $?
assert_eq "no worker crashed (only the two killed)" 0 \
	"$(cat "$T"/w*.err | grep -c 'AddressSanitizer\|runtime error' || true)"
