#!/bin/bash
# Exactly-once across a broker crash (issue 12 §3(b)): the only broker is
# killed with SIGKILL while the exactly-once host streams (transactions
# open, records in flight), restarted 3 s later on the same log dirs; the
# host carries on (or, if its transaction could not survive, fails and a
# new run resumes from the last committed offset). A read_committed
# consumer sees every record exactly once: the exact id set, no gap, no
# duplicate; the stored offset is the last committed record.
. "$(dirname "$0")/../integration/lib.sh"

RECORDS=6000
END='{"cursor":"c5950","position":50}'

plan 6
start_fixture --records "$RECORDS" --page-size 50
start_kafka
. "$(dirname "$0")/eos.sh"
eos_setup crash exactly.once.support=required

# The host streams (10 pages a second: 12 s for the 120 pages) until it
# committed something, then the broker dies under it.
start_host --once "$T/worker.properties" "$T/crash.json"
off=""
for _ in $(seq 30); do
	off=$(committed_offset)
	[ -n "$off" ] && break
done
if [ -n "$off" ] && [ "$off" != "$END" ]; then
	ok "the host is mid-stream when the broker dies ($off)"
else
	not_ok "the host is mid-stream when the broker dies (${off:-nothing committed})"
fi
kafka_brokers down
sleep 3
kafka_brokers up
wait_host_exit "$HOST_PID" 90
assert_eq "the host that saw the crash finishes the stream: exit 0" 0 \
	"$HOST_RC" || diag_file "$T/host.err"
assert_eq "the stored offset is the last committed record" "$END" \
	"$(committed_offset)"

consume_topic crash "$RECORDS"
assert_eq "read_committed consumer read $RECORDS records" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
diag "broker kills=1 records=$total duplicates=$((total - $(sort -u "$CONSUMED" | wc -l)))"
assert_eq "exactly $RECORDS records: no duplicate" "$RECORDS" "$total"
assert_files_eq "exactly records 1..$RECORDS (keys, values): no gap" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort "$CONSUMED")
