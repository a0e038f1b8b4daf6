#!/bin/bash
# Distributed exactly-once: a transaction left open on the offsets topic
# (its producer gone, as a worker killed mid-transaction leaves one) hides
# every offset committed after its start from read_committed readers,
# until the broker aborts it. A task that moves to another worker must not
# resume at the older offset visible before it: the new owner reads the
# offsets topic past the open transactions (to the high watermark, as
# Connect's KafkaBasedLog), waiting for them to end. Before that fix the
# moved task re-read and re-sent every record committed after the open
# transaction's start.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

TXN_OPEN_BIN=$HTTPSRC_BUILD_ROOT/tests/kafka/txn_open
need_bins "$TXN_OPEN_BIN"
# the broker aborts an expired transaction at its next check: every second
export KAFKA_BROKER_PROPS="transaction.abort.timed.out.transaction.cleanup.interval.ms=1000"

plan 5
# one offsets partition: the open transaction and c1's offsets share it
dist_setup 1 exactly.once.source.support=enabled offset.storage.partitions=1

start_appender 60
sleep 2
at=$("$TXN_OPEN_BIN" "$BOOT" "$DIST_GROUP-offsets" "$DIST_GROUP-dangling" 8000 2>"$T/txn_open.err")
assert_eq "a transaction is left open on the offsets topic" 1 \
	"$([[ $at =~ ^[0-9]+$ ]] && echo 1 || echo 0)" || diag_file "$T/txn_open.err"
# c1 goes on committing offsets after the open transaction's record
sleep 3
owner=$(owners 1 | awk '$1 == "c1" { print $2 }')
K=0
for i in 1 2 3; do
	[ "127.0.0.1:${W_PORT[$i]}" = "$owner" ] && K=$i
done
assert_eq "c1 runs on a worker ($owner)" 1 "$((K > 0))"
S=$((K % 3 + 1))
stop_worker "$K" TERM
moved=$(moved_within "$S" 1 "$K")
diag "c1 RUNNING on another worker $moved ms after worker $K stopped"
assert_eq "c1 moves to a survivor" 1 "$((moved >= 0))"

eos_records_once 1
assert_eq "read_committed: no duplicate (the moved task resumed at its last committed offset)" 0 "$DUPS"
