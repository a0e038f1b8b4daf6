#!/bin/bash
# Distributed mode (issue 14, test 4): a worker frozen with SIGSTOP past
# session.timeout.ms. Its connectors move to the other workers; on SIGCONT
# it knows at once that it missed its heartbeats (its own session timer,
# before any answer from the broker), revokes everything it ran and
# rejoins. The worker is frozen with a heartbeat in flight (the broker is
# frozen for 2.5 s first, so that every worker's next heartbeat waits for
# its answer): the answer, read after SIGCONT, must not count as a renewed
# session (it did before the fix: the worker ran its tasks on until its
# next heartbeat was refused). Checked on what each worker's pipeline runs (GET /metrics is
# worker-local): in the end every connector runs on exactly one worker,
# the one REST names. With exactly-once, a read_committed consumer sees
# every record once: nothing the thawed worker wrote was committed twice.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
SESSION_MS=6000
plan 9
DIST_SESSION_MS=$SESSION_MS
dist_setup "$N" exactly.once.source.support=enabled

wait_placed 1 "$N" 60 || diag "before SIGSTOP: placed $(tr '\n' ' ' <"$T/placed") named $(tr '\n' ' ' <"$T/named")"
# the worker frozen: one that runs tasks and is not the leader
L=$(grep -o 'leader http://[0-9.:]*' "$T/w1.err" | tail -n 1 | sed 's#leader ##')
Z=
for i in 3 2 1; do
	[ "${W_URL[$i]}" != "$L" ] && grep -q " $i\$" "$T/named" && { Z=$i; break; }
done
[ -n "$Z" ] || bail_out "no follower runs a task: $(cat "$T/named")"
S=$(( Z % 3 + 1 ))
had=$(grep -c " $Z\$" "$T/named")
diag "worker $Z (a follower) runs $had connector(s); worker $S watches"

start_appender 60
sleep 2
BROKER=$(cat "$KAFKA_DIR/broker-1.pid")
kill -STOP "$BROKER"
sleep 2.5 # > heartbeat.interval.ms: worker $Z waits for a heartbeat's answer
stop_worker "$Z" STOP
kill -CONT "$BROKER"
moved=$(moved_within "$S" "$N" "$Z")
diag "frozen worker's connectors RUNNING on the others after $moved ms (session.timeout.ms=$SESSION_MS)"
assert_eq "frozen past the session timeout: its connectors run on the other workers" \
	1 "$(( moved >= 0 ))"
assert_eq "while it is frozen its connectors are on the survivors' pipelines too" \
	"$had" "$(placement | grep -v " $Z\$" | cut -d' ' -f1 | sort -u |
		grep -cxF -f <(grep " $Z\$" "$T/named" | cut -d' ' -f1))"

lines=$(wc -l <"$T/w$Z.err")
stop_worker "$Z" CONT
after() { tail -n +"$((lines + 1))" "$T/w$Z.err"; }
for _ in $(seq 300); do
	after | grep -q 'rebalance: stopping' && break
	sleep 0.1
done
diag "thawed worker's log: $(after | grep -m3 'group\|rebalance' | tr '\n' '|')"
# Its own session timer fires first: the revoke comes before any answer
# of the coordinator could have told it (a rejoin, a new generation).
assert_eq "on SIGCONT it first revokes, on its own session timer" \
	"revoking: no heartbeat answered within session.timeout.ms" \
	"$(after | grep -m1 -oE 'revoking .*|generation [0-9]+' | sed 's/ .*: /: /; s/ (last .*//')"
assert_grep_e "the herder stops the $had task(s) it ran" \
	"rebalance: stopping [0-9]+ connector\(s\) and $had task\(s\)" <(after)

# Rejoined: each connector on exactly one pipeline, the owner REST names.
if wait_placed "$S" "$N" 60; then ok=1; else ok=0; fi
[ "$ok" = 1 ] || diag "placed: $(tr '\n' ' ' <"$T/placed") named: $(tr '\n' ' ' <"$T/named")"
assert_eq "after it rejoined every connector runs on exactly one worker, its named owner" 1 "$ok"

eos_records_once "$N"
assert_eq "read_committed: no duplicate (no zombie write committed)" 0 "$DUPS"
assert_eq "the thawed worker answers" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "${W_URL[$Z]}/connectors")"
assert_eq "no worker crashed" 0 \
	"$(cat "$T"/w*.err | grep -c 'AddressSanitizer\|runtime error' || true)"
