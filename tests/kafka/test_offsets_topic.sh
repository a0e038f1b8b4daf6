#!/bin/bash
# offset.storage.topic: source offsets in a Kafka topic, in Kafka Connect's
# own format, proven with Connect's own classes (tests/kafka/
# OffsetsInterop.java: KafkaOffsetBackingStore, OffsetStorageReaderImpl,
# OffsetStorageWriter, compiled here with javac against the Maven jars):
# Connect reads what httpsrc-connect wrote, with the same key bytes and the
# same partition (Java's murmur2), and httpsrc-connect resumes from what
# Connect wrote. The REST offsets endpoints work on the topic store; a
# reset is a tombstone. Bad topics get one-line errors.
. "$(dirname "$0")/../integration/lib.sh"

plan 35
start_fixture --records 250 --page-size 100
start_kafka
OT=connect-offsets
KEY="[\"nested-events\",{\"url\":\"$API/nested\"}]"
PART="{\"url\":\"$API/nested\"}"

topic_worker "$T/worker.properties" "$OT"
write_connector "$T/nested.json" nested-events \
	kafka.topic=events \
	"http.url=$API/nested" \
	http.timer.interval.ms=100 \
	"${CURSOR_NESTED[@]}" \
	"${KEY_BY_ID[@]}"

# offsets_topic: the offsets topic as "partition<TAB>key<TAB>value" lines
# in $CONSUMED, tombstones as "(null)"; waits for N records.
offsets_topic() {
	consume_topic "$OT" "$1" -p -N
}

# interop read|write ARGS: Connect's classes on the offsets topic.
JCLS=$T/java
interop() {
	"$KAFKA_SH" tool -cp "$JCLS:$("$KAFKA_SH" classpath)" OffsetsInterop \
		"$BOOT" "$OT" "$@" 2>"$T/interop.err"
}
mkdir -p "$JCLS"
javac -d "$JCLS" -cp "$("$KAFKA_SH" classpath)" \
	"$HTTPSRC_SOURCE_ROOT/tests/kafka/OffsetsInterop.java" 2>"$T/javac.err" ||
	bail_out "javac OffsetsInterop.java failed: $(head -5 "$T/javac.err")"

run_host --once "$T/worker.properties" "$T/nested.json"
assert_eq "--once on offset.storage.topic exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_grep "the missing topic is created compacted with 25 partitions" \
	"created topic '$OT' (25 partitions, replication factor 1, cleanup.policy=compact)" \
	"$T/host.err"
assert_topic "first run" events <(fixture_keyed 1 250)
offsets_topic 1
assert_eq "one offset record: Connect's key bytes, the offset map as value" \
	"$KEY	{\"cursor\":\"c200\",\"position\":50}" "$(cut -f2- "$CONSUMED")"
P=$(cut -f1 "$CONSUMED")

interop read nested-events >"$T/java.read"
assert_eq "Connect's KafkaOffsetBackingStore reads the same offset; Java's JsonConverter and partitioner give the same key bytes and partition ($P)" \
	"$PART	{\"cursor\":\"c200\",\"position\":50}	$P	$KEY" \
	"$(cat "$T/java.read")" || diag_file "$T/interop.err"

# Connect writes position 60 of the last page: the next run starts there
# (records 251..260 are never sent: the run did not use its own offset).
assert_eq "fixture appends 30 records" '{"records":280}' \
	"$(http_call POST "$API/admin/append?n=30")"
interop write nested-events "$PART" '{"cursor":"c200","position":60}'
assert_eq "Connect's OffsetStorageWriter stored position 60" 0 $? ||
	diag_file "$T/interop.err"
run_host --once "$T/worker.properties" "$T/nested.json"
assert_eq "second --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "the start read the topic to its end" \
	"read topic '$OT' to its end (2 records, 25 partitions)" "$T/host.err"
assert_topic "resumed from Connect's offset: 1..250 then 261..280" events \
	<(fixture_keyed 1 250; fixture_keyed 261 280)
offsets_topic 3
assert_eq "three offset records, all in partition $P" \
	"$P 3" "$(cut -f1 "$CONSUMED" | sort | uniq -c | awk '{print $2, $1}')"
assert_eq "the last is position 80 of the last page" \
	"$KEY	{\"cursor\":\"c200\",\"position\":80}" \
	"$(tail -n 1 "$CONSUMED" | cut -f2-)"

# ---- REST offsets endpoints on the topic store ----
PORT=$(free_port)
U=http://127.0.0.1:$PORT
topic_worker "$T/rest.properties" "$OT" "listeners=$U" \
	"config.storage.file.filename=$T/configs.json"
start_host "$T/rest.properties" "$T/nested.json"
got=""
for _ in $(seq 100); do
	got=$(http_call GET "$U/connectors/nested-events/offsets" 2>/dev/null) && break
	sleep 0.1
done
assert_eq "GET offsets reads the topic store" \
	"{\"offsets\":[{\"partition\":$PART,\"offset\":{\"cursor\":\"c200\",\"position\":80}}]}" \
	"$got"
http_call PUT "$U/connectors/nested-events/stop" >/dev/null
for _ in $(seq 100); do
	http_call GET "$U/connectors/nested-events/status" | grep -q '"STOPPED"' && break
	sleep 0.1
done
assert_eq "PATCH offsets" \
	'{"message":"The offsets for this connector have been altered successfully"}' \
	"$(http_call PATCH "$U/connectors/nested-events/offsets" \
		"{\"offsets\":[{\"partition\":$PART,\"offset\":{\"cursor\":\"c200\",\"position\":70}}]}")"
offsets_topic 4
assert_eq "PATCH wrote position 70 to the topic" \
	"$P	$KEY	{\"cursor\":\"c200\",\"position\":70}" "$(tail -n 1 "$CONSUMED")"
assert_eq "DELETE offsets" \
	'{"message":"The offsets for this connector have been reset successfully"}' \
	"$(http_call DELETE "$U/connectors/nested-events/offsets")"
offsets_topic 5
assert_eq "DELETE wrote a tombstone" "$P	$KEY	(null)" \
	"$(tail -n 1 "$CONSUMED")"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 30
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
interop read nested-events >"$T/java.read2"
assert_eq "Connect sees no offset after the reset" "" "$(cat "$T/java.read2")" ||
	diag_file "$T/interop.err"

# ---- bad topics: one line each, nothing sent ----
bad_run() { # DESC EXPECTED_LINE TOPIC [worker keys...]
	local desc=$1 want=$2 topic=$3
	shift 3
	topic_worker "$T/bad.properties" "$topic" "$@"
	run_host --once "$T/bad.properties" "$T/nested.json"
	assert_eq "$desc: exit 2 (a setup error)" 2 "$HOST_RC"
	assert_eq "$desc: the error, one line" "$want" \
		"$(grep -v ' INFO ' "$T/host.err")"
}
real_topics -c cleanup.policy=delete deleting:1:1
bad_run "a topic with cleanup.policy=delete" \
	"httpsrc-connect: $T/bad.properties: offset.storage.topic: topic 'deleting' has cleanup.policy=delete, but offsets need cleanup.policy=compact (older offsets would be deleted): alter the topic's cleanup.policy to compact or choose another topic" \
	deleting
real_topics -c cleanup.policy=compact foreign:1:1
echo 'hello:world' | "$KAFKA_SH" tool org.apache.kafka.tools.ConsoleProducer \
	--bootstrap-server "$BOOT" --topic foreign \
	--property parse.key=true --property key.separator=: 2>"$T/producer.err"
bad_run "a compacted topic of something else" \
	"httpsrc-connect: $T/bad.properties: offset.storage.topic: topic 'foreign' partition 0 offset 0 is not a Kafka Connect source offset record: its key is not [\"<connector>\",{<partition>}] (key: hello); is it another kind of topic? Choose an offsets topic of Kafka Connect or a new topic" \
	foreign
bad_run "replication factor above the broker count" \
	"httpsrc-connect: $T/bad.properties: offset.storage.replication.factor: 3 is more than the brokers can hold for topic 'new-offsets' (Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.): set it to the number of brokers or lower (-1: the broker default)" \
	new-offsets offset.storage.replication.factor=3

# The start's waits are bounded by kafka.unreachable.timeout.ms (Connect
# has no key for them): a broker that never answers, 2 s.
BOOT=127.0.0.1:1 topic_worker "$T/dead.properties" "$OT" \
	kafka.unreachable.timeout.ms=2000
run_host --once "$T/dead.properties" "$T/nested.json"
assert_eq "no broker: exit 2 (a setup error)" 2 "$HOST_RC"
assert_eq "no broker: the error names the bound and its key" \
	"httpsrc-connect: $T/dead.properties: offset.storage.topic: cannot describe topic '$OT' at bootstrap.servers=127.0.0.1:1: no answer from Kafka (gave up after 2000 ms: kafka.unreachable.timeout.ms)" \
	"$(grep -v ' INFO ' "$T/host.err")"
# offset.storage.partitions is honoured for a topic the worker creates.
topic_worker "$T/p3.properties" p3-offsets offset.storage.partitions=3
run_host --once "$T/p3.properties" "$T/nested.json"
assert_eq "offset.storage.partitions=3: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_grep "offset.storage.partitions=3: the topic is created with 3" \
	"created topic 'p3-offsets' (3 partitions, replication factor 1, cleanup.policy=compact)" \
	"$T/host.err"

# ---- exactly-once keys against the worker ----
write_worker "$T/eosfile.properties" exactly.once.source.support=enabled
run_host --once "$T/eosfile.properties" "$T/nested.json"
assert_eq "exactly-once without offset.storage.topic: exit 2" 2 "$HOST_RC"
assert_eq "exactly-once without offset.storage.topic: the error" \
	"httpsrc-connect: $T/eosfile.properties: exactly.once.source.support: enabled needs offset.storage.topic (the offsets are written in the records' transactions, which a file cannot join); set it" \
	"$(grep -v ' INFO ' "$T/host.err")"
write_connector "$T/required.json" required kafka.topic=events \
	"http.url=$API/nested" exactly.once.support=required
topic_worker "$T/noeos.properties" "$OT"
run_host --once "$T/noeos.properties" "$T/required.json"
assert_eq "exactly.once.support=required on a worker without it: exit 2" 2 \
	"$HOST_RC"
assert_grep "exactly.once.support=required: the error names the key" \
	"exactly.once.support: required, but the worker's exactly.once.source.support is not enabled" \
	"$T/host.err"
