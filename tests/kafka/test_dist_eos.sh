#!/bin/bash
# Distributed mode with exactly.once.source.support=enabled (issue 14, the
# exactly-once part of test 2): kill -9 of a worker while records flow;
# its connectors run again on the survivors, and a read_committed consumer
# sees every record of every connector exactly once (the task's
# transactional.id <group.id>-<connector>-0 is the same on the new owner,
# whose start fences the dead one's open transaction).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
SESSION_MS=6000
plan 5
DIST_SESSION_MS=$SESSION_MS
dist_setup "$N" exactly.once.source.support=enabled
assert_grep "the leader writes the config topic as connect-cluster-<group.id>" \
	"transactions of 'connect-cluster-$DIST_GROUP'" <(cat "$T"/w*.err)

start_appender 60
sleep 3
K=2
stop_worker "$K" KILL
moved=$(moved_within 1 "$N" "$K")
diag "after kill -9 of worker $K: all $N tasks RUNNING elsewhere in $moved ms"
# + 10 s: after the session expires, the rebalance and each moved task's
# init_transactions on a loaded machine (a CI run's parallel suite: 11.4 s,
# over the earlier + 5 s); a worker that never gives the tasks up fails it.
assert_eq "its connectors run on the survivors within session.timeout.ms + 10 s" \
	1 "$(( moved >= 0 && moved <= SESSION_MS + 10000 ))"
assert_grep_e "a moved task's start fences the dead owner (same transactional.id)" \
	"transactional.id '$DIST_GROUP-c[0-9]+-0' initialized" <(cat "$T"/w1.err "$T"/w3.err)

eos_records_once "$N"
assert_eq "read_committed: no duplicate" 0 "$DUPS"
