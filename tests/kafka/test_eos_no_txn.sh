#!/bin/bash
# Exactly-once against brokers that cannot run transactions: a broker
# whose transaction.state.log.replication.factor (3) is above its broker
# count (1) never creates __transaction_state, so no transaction
# coordinator answers InitProducerId. The host gives up after
# producer.transaction.timeout.ms (5 s here) with one line naming the
# transactional id, the reason and what to check; nothing is written: no
# record, no offset.
. "$(dirname "$0")/../integration/lib.sh"

plan 4
start_fixture --records 250 --page-size 50
export KAFKA_BROKER_PROPS=transaction.state.log.replication.factor=3
start_kafka
unset KAFKA_BROKER_PROPS
. "$(dirname "$0")/eos.sh"
eos_setup notxn
echo producer.transaction.timeout.ms=5000 >>"$T/worker.properties"

run_host --once "$T/worker.properties" "$T/notxn.json"
assert_eq "no transaction coordinator: exit 2 (a setup error)" 2 "$HOST_RC"
assert_eq "the error: one line naming the transactional id and what to check" \
	"httpsrc-connect: $T/notxn.json: exactly.once: transactional.id '$OT-notxn-0' got no producer id from the brokers in 5000 ms (Timed out waiting for operation to finish, retry call to resume): do they support transactions? Their transaction coordinator needs the __transaction_state topic (transaction.state.log.replication.factor brokers up); producer.transaction.timeout.ms bounds this wait" \
	"$(grep -v ' INFO ' "$T/host.err")" || diag_file "$T/host.err"
CONSUME_IDLE_MS=500 CONSUME_TIMEOUT_MS=3000 consume_topic notxn 1 -U
assert_eq "no record reached the topic (read_uncommitted)" 0 \
	"$(wc -l <"$CONSUMED")"
assert_eq "no offset was stored" "" "$(committed_offset)"
