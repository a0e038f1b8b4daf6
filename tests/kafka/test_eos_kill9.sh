#!/bin/bash
# Exactly-once on the real broker (exactly.once.source.support=enabled,
# transaction.boundary=poll): the host is killed with SIGKILL at random
# moments of the stream (once the host asked for 5 pages, then 0-999 ms
# later), 20 times, over a paginated API of 20000 records in 400 pages (10
# pages a second at most), then finishes cleanly. A read_committed consumer sees every record exactly once: the
# exact id set, no gap, no duplicate; the stored offset is the last
# committed record. (A read_uncommitted consumer also sees the aborted copies
# a kill inside a transaction leaves: their count is printed.)
. "$(dirname "$0")/../integration/lib.sh"

ROUNDS=20
RECORDS=20000
END='{"cursor":"c19950","position":50}'

plan 8
start_fixture --records "$RECORDS" --page-size 50
start_kafka
. "$(dirname "$0")/eos.sh"
eos_setup eos exactly.once.support=required transaction.boundary=poll


kills=0 sigkilled=0 moved=0 last="" stalled=0
for round in $(seq "$ROUNDS"); do
	start_host "$T/worker.properties" "$T/eos.json"
	streaming 5 || stalled=$((stalled + 1))
	ms=$((RANDOM % 1000)) # then a random moment of the stream
	sleep "0.$(printf '%03d' "$ms")"
	if kill -0 "$HOST_PID" 2>/dev/null && kill -KILL "$HOST_PID"; then
		kills=$((kills + 1))
	fi
	rc=0
	wait "$HOST_PID" || rc=$?
	[ "$rc" -ne 137 ] || sigkilled=$((sigkilled + 1))
	off=$(committed_offset)
	[ -z "$off" ] || [ "$off" = "$last" ] || [ "$off" = "$END" ] ||
		moved=$((moved + 1))
	last=$off
	diag "round $round: killed ${ms} ms into the stream (exit $rc), committed offset ${off:-(none)}"
done
assert_eq "all $ROUNDS hosts were streaming when killed and died of SIGKILL" \
	"$ROUNDS $ROUNDS 0" "$kills $sigkilled $stalled"
assert_ge "the committed offset moved mid-stream in at least 15 rounds" 15 "$moved"

run_host --once "$T/worker.properties" "$T/eos.json"
assert_eq "the final --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "the stored offset is the last committed record" "$END" \
	"$(committed_offset)"

consume_topic eos "$RECORDS"
assert_eq "read_committed consumer read $RECORDS records" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
assert_eq "exactly $RECORDS records: no duplicate" "$RECORDS" "$total"
assert_files_eq "exactly records 1..$RECORDS (keys, values): no gap" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort "$CONSUMED")
consume_topic eos "$RECORDS" -U
uncommitted=$(wc -l <"$CONSUMED")
diag "kills=$kills records=$total duplicates=$((total - $(sort -u "$CONSUMED" | wc -l))) read_uncommitted=$uncommitted"
assert_files_eq "read_uncommitted: nothing but records 1..$RECORDS" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort -u "$CONSUMED")
