#!/bin/bash
# Exactly-once with two hosts running the same connector (a zombie: an old
# host still alive while a new one starts). The new host's
# init_transactions fences the old one, which stops with a one-line error
# naming the transactional id; the new one finishes. A read_committed
# consumer sees every record exactly once; the stored offset is the last
# committed record.
. "$(dirname "$0")/../integration/lib.sh"

RECORDS=20000
END='{"cursor":"c19900","position":100}'

plan 8
start_fixture --records "$RECORDS" --page-size 100
start_kafka
. "$(dirname "$0")/eos.sh"
FENCED="exactly.once: transactional.id '$OT-zombie-0' was fenced: another worker started the same connector (a zombie must not write); this one stops"
eos_setup zombie

# The old host streams (10 pages a second: 20 s) until it committed
# something.
"$HOST_BIN" --once "$T/worker.properties" "$T/zombie.json" \
	>"$T/old.out" 2>"$T/old.err" &
OLD=$!
track_pid "$OLD"
for _ in $(seq 30); do
	[ -n "$(committed_offset)" ] && break
done
off=$(committed_offset)
diag "old host committed $off before the new one starts"
if [ -n "$off" ] && [ "$off" != "$END" ]; then
	ok "the old host is mid-stream ($off)"
else
	not_ok "the old host is mid-stream (${off:-nothing committed})"
fi

run_host --once "$T/worker.properties" "$T/zombie.json"
assert_eq "the new host finishes: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
wait_host_exit "$OLD" 60
assert_eq "the fenced old host exits 1" 1 "$HOST_RC"
assert_eq "the old host's error names the transactional id and the reason" \
	"$FENCED" \
	"$(grep -o "exactly.once: transactional.id.*this one stops" "$T/old.err" | head -n 1)" ||
	diag_file "$T/old.err"
assert_eq "the stored offset is the last committed record" "$END" \
	"$(committed_offset)"

consume_topic zombie "$RECORDS"
assert_eq "read_committed consumer read $RECORDS records" 0 "$CONSUME_RC"
assert_eq "exactly $RECORDS records: no duplicate" "$RECORDS" \
	"$(wc -l <"$CONSUMED")"
assert_files_eq "exactly records 1..$RECORDS (keys, values): no gap" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort "$CONSUMED")
