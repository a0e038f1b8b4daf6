#!/bin/bash
# config.storage.topic and status.storage.topic in Kafka Connect's own
# formats, proven against a real Java Kafka Connect worker
# (ConnectDistributed 4.1.1 from the Maven jars, kafka.sh
# connect-distributed) sharing the topics with our Kafka stores
# (tests/kafka/storetool drives config_store_kafka.c / status_store_kafka.c):
#  - what our store writes is the bytes Connect writes, and the Java worker
#    lists the connector, runs it with our config and target state, and
#    shows the status we wrote;
#  - what the Java worker writes through its REST API (create, pause,
#    stop, delete; task configs; statuses) our stores read back the same;
#  - bad topics are refused with one line naming the topic.
. "$(dirname "$0")/../integration/lib.sh"

plan 31
start_kafka
ST=$HTTPSRC_BUILD_ROOT/tests/kafka/storetool
need_bins "$ST"
CT=connect-configs
SS=connect-status
GROUP=mixed
# store CMD ARGS...: our stores on the shared topics; stdout in $T/out.
store() {
	"$ST" "$BOOT" "$CT" "$SS" "$GROUP" "$@" >"$T/out" 2>"$T/store.err"
}
# jq_get URL EXPR: the answer of URL as JSON, EXPR (python, on j) printed.
jq_get() {
	http_call GET "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    j = json.load(sys.stdin)
except ValueError:
    j = None
try:
    print(eval(sys.argv[1]))
except Exception:
    print("-")' "$2"
}
# http_json METHOD URL BODY: a JSON request (Connect's REST wants the
# Content-Type); the answer's body on stdout.
http_json() {
	python3 - "$@" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[2], data=sys.argv[3].encode(),
                             method=sys.argv[1],
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
PY
}
# wait_get URL EXPR WANT: poll (150 x 0.2 s) until EXPR of URL is WANT;
# the last value seen in $GOT.
wait_get() {
	local _
	for _ in $(seq 150); do
		GOT=$(jq_get "$1" "$2")
		[ "$GOT" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

# ---- bad topics: one line each, before anything is written ----
real_topics -c cleanup.policy=delete deleting:1:1
real_topics -c cleanup.policy=compact two-parts:2:1
"$ST" "$BOOT" deleting "$SS" "$GROUP" config-dump >/dev/null 2>"$T/bad.err"
assert_eq "a config topic with cleanup.policy=delete is refused" \
	"storetool: config.storage.topic: topic 'deleting' has cleanup.policy=delete, but connector configurations need cleanup.policy=compact (older connector configurations would be deleted): alter the topic's cleanup.policy to compact or choose another topic" \
	"$(grep -v ' INFO ' "$T/bad.err")"
"$ST" "$BOOT" two-parts "$SS" "$GROUP" config-dump >/dev/null 2>"$T/bad.err"
assert_eq "a config topic of 2 partitions is refused (Connect needs 1)" \
	"storetool: config.storage.topic: topic 'two-parts' has 2 partitions, but connector configurations need exactly 1 (to keep their order): choose a topic with 1 partition or a new topic" \
	"$(grep -v ' INFO ' "$T/bad.err")"
"$ST" "$BOOT" "$CT" deleting "$GROUP" status-dump >/dev/null 2>"$T/bad.err"
assert_eq "a status topic with cleanup.policy=delete is refused" \
	"storetool: status.storage.topic: topic 'deleting' has cleanup.policy=delete, but statuses need cleanup.policy=compact (older statuses would be deleted): alter the topic's cleanup.policy to compact or choose another topic" \
	"$(grep -v ' INFO ' "$T/bad.err")"

# ---- three workers opening a missing topic at once: one creates it, the
# others find it (they retry the describe after TOPIC_ALREADY_EXISTS) ----
for i in 1 2 3; do
	"$ST" "$BOOT" race-configs "$SS" "$GROUP" config-dump >/dev/null \
		2>"$T/race.$i" &
	pids[$i]=$!
done
rcs=""
for i in 1 2 3; do
	wait "${pids[$i]}"
	rcs="$rcs$?"
done
assert_eq "three stores opened at once on a missing topic all start" 000 \
	"$rcs" || { diag_file "$T/race.1"; diag_file "$T/race.2"; diag_file "$T/race.3"; }

# ---- ours first: a FileStream connector created PAUSED, and one of a
# class the Java worker lacks with a status of generation 1000 ----
echo "line one" >"$T/in.txt"
store config-put file-src PAUSED \
	connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector \
	tasks.max=1 "file=$T/in.txt" topic=file-out
assert_eq "our config store writes file-src" 0 $? || diag_file "$T/store.err"
assert_grep "the missing config topic is created with 1 partition" \
	"created topic '$CT' (1 partitions, replication factor 1, cleanup.policy=compact)" \
	"$T/store.err"
store config-put httpsrc-src RUNNING connector.class=io.httpsrc.HttpSource \
	http.url=http://127.0.0.1:1/x kafka.topic=h-out
store status-put httpsrc-src -1 RUNNING 127.0.0.1:1 1000
assert_eq "our status store writes httpsrc-src's status" 0 $? ||
	diag_file "$T/store.err"
consume_topic "$CT" 4
assert_eq "the config topic holds Connect's records: target state first, then the config with its name" \
	"target-state-file-src	{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}
connector-file-src	{\"properties\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"tasks.max\":\"1\",\"file\":\"$T/in.txt\",\"topic\":\"file-out\",\"name\":\"file-src\"}}
target-state-httpsrc-src	{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}
connector-httpsrc-src	{\"properties\":{\"connector.class\":\"io.httpsrc.HttpSource\",\"http.url\":\"http://127.0.0.1:1/x\",\"kafka.topic\":\"h-out\",\"name\":\"httpsrc-src\"}}" \
	"$(cat "$CONSUMED")"
consume_topic "$SS" 1
assert_eq "the status topic holds Connect's status record" \
	'status-connector-httpsrc-src	{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:1","generation":1000,"version":null}' \
	"$(cat "$CONSUMED")"

# ---- the Java worker joins the same topics ----
JPORT=$(free_port)
J=http://127.0.0.1:$JPORT
cat >"$T/java1.properties" <<EOF
bootstrap.servers=$BOOT
group.id=$GROUP
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
config.storage.topic=$CT
offset.storage.topic=connect-offsets
status.storage.topic=$SS
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.flush.interval.ms=1000
listeners=$J
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$JPORT
EOF
"$KAFKA_SH" connect-distributed "$T/jvm" "$T/java1.properties" \
	>/dev/null 2>"$T/connect.err" ||
	bail_out "the Java Connect worker did not start: $(tail -n 3 "$T/connect.err")"
track_pid "$(cat "$T/jvm/connect-java1.pid")"
diag "$(tail -n 1 "$T/connect.err")"
JID=127.0.0.1:$JPORT

wait_get "$J/connectors" 'sorted(j)' "['file-src', 'httpsrc-src']"
assert_eq "the Java worker lists the connectors our store wrote" \
	"['file-src', 'httpsrc-src']" "$GOT"
assert_eq "... with the config we wrote" \
	"{'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'file': '$T/in.txt', 'name': 'file-src', 'tasks.max': '1', 'topic': 'file-out'}" \
	"$(jq_get "$J/connectors/file-src" 'dict(sorted(j["config"].items()))')"
wait_get "$J/connectors/file-src/status" 'j["connector"]["state"], j["connector"]["worker_id"]' "('PAUSED', '$JID')"
assert_eq "the Java worker runs file-src in the target state we wrote (PAUSED)" \
	"('PAUSED', '$JID')" "$GOT"
assert_eq "the Java worker shows the status our store wrote (its own putSafe of an older generation is suppressed)" \
	"('RUNNING', '127.0.0.1:1', None)" \
	"$(jq_get "$J/connectors/httpsrc-src/status" 'j["connector"]["state"], j["connector"]["worker_id"], j["connector"].get("trace")')"

store config-target file-src RUNNING
wait_get "$J/connectors/file-src/status" '[j["connector"]["state"]] + [t["state"] for t in j["tasks"]]' "['RUNNING', 'RUNNING']"
assert_eq "our target-state write resumes it on the Java worker, with its task" \
	"['RUNNING', 'RUNNING']" "$GOT"

# ---- the Java worker writes, our stores read ----
store config-dump
assert_eq "our store reads the task configs the Java leader wrote for file-src" \
	"$(jq_get "$J/connectors/file-src/tasks" '",".join(sorted(k + "=" + v for k, v in j[0]["config"].items()))')" \
	"$(sed -n '/^connector file-src/,/^connector /{s/^  task 0 //p}' "$T/out")"
assert_grep "... committed: target RUNNING, 1 task" \
	"connector file-src target=RUNNING tasks=1" "$T/out"

http_json POST "$J/connectors" "{\"name\":\"java-src\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"tasks.max\":\"1\",\"file\":\"$T/in.txt\",\"topic\":\"java-out\"}}" >"$T/create.out"
wait_get "$J/connectors/java-src/status" '[j["connector"]["state"]] + [t["state"] for t in j["tasks"]]' "['RUNNING', 'RUNNING']"
assert_eq "the Java worker creates and runs java-src" "['RUNNING', 'RUNNING']" "$GOT" ||
	diag_file "$T/create.out"
store config-dump
assert_eq "our store reads java-src as the Java worker has it" \
	"connector java-src target=RUNNING tasks=1
  config connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector,file=$T/in.txt,name=java-src,tasks.max=1,topic=java-out
  task 0 $(jq_get "$J/connectors/java-src/tasks" '",".join(sorted(k + "=" + v for k, v in j[0]["config"].items()))')" \
	"$(sed -n '/^connector java-src/,/^\(connector\|offset\) /p' "$T/out" | grep -v '^offset\|^connector [^j]')"
store status-dump
assert_eq "our status store reads the Java worker's statuses of java-src" \
	"java-src -1 RUNNING $JID
java-src 0 RUNNING $JID" \
	"$(grep '^java-src ' "$T/out" | cut -d' ' -f1-4 | sort)"

http_call PUT "$J/connectors/java-src/pause" >/dev/null
wait_get "$J/connectors/java-src/status" 'j["connector"]["state"]' PAUSED
store config-dump
assert_grep "a pause through the Java worker: our store reads PAUSED" \
	"connector java-src target=PAUSED tasks=1" "$T/out"
http_call PUT "$J/connectors/java-src/stop" >/dev/null
wait_get "$J/connectors/java-src/status" 'j["connector"]["state"]' STOPPED
store config-dump
assert_grep "a stop through the Java worker: STOPPED, and its empty task set" \
	"connector java-src target=STOPPED tasks=0" "$T/out"
store status-dump
assert_eq "... and the STOPPED status the Java worker wrote" \
	"java-src -1 STOPPED $JID" \
	"$(grep '^java-src -1 ' "$T/out" | cut -d' ' -f1-4)"
http_call DELETE "$J/connectors/java-src" >/dev/null
wait_get "$J/connectors" 'sorted(j)' "['file-src', 'httpsrc-src']"
store config-dump
assert_eq "a delete through the Java worker: gone from our store too" \
	"file-src httpsrc-src" "$(sed -n 's/^connector \([^ ]*\) .*/\1/p' "$T/out" | sort | xargs)"

# ---- and a delete through ours ----
store config-delete httpsrc-src
assert_eq "our store deletes httpsrc-src (tombstones)" 0 $? ||
	diag_file "$T/store.err"
wait_get "$J/connectors" 'sorted(j)' "['file-src']"
assert_eq "the Java worker no longer lists it" "['file-src']" "$GOT"
consume_topic "$CT" 1000 -N
assert_eq "our delete wrote Connect's two tombstones, config first" \
	"connector-httpsrc-src	(null)
target-state-httpsrc-src	(null)" \
	"$(grep 'httpsrc-src	(null)' "$CONSUMED")"
"$KAFKA_SH" connect-stop "$T/jvm" 2>>"$T/connect.err"

# ---- KIP-618: the leader writes the config topic in transactions of
# transactional.id connect-cluster-<group.id>; a new leader's claim fences
# the old one's producer ----
store config-fence fence-me
assert_eq "config-fence runs" 0 $? || diag_file "$T/store.err"
assert_grep "the transactional id is Connect's leader id" \
	"transactional.id connect-cluster-$GROUP" "$T/out"
assert_eq "A claims and writes; its listener hears its own write read back; B claims" \
	"A claims: 0
heard updated fence-me
A writes: 0
B claims: 0" "$(sed -n '2,5p' "$T/out")"
assert_grep "A's next write is refused: fenced by B, one line naming the id" \
	"A: config.storage.topic: transactional write with transactional.id 'connect-cluster-$GROUP' failed: " \
	"$T/out"
assert_eq "A gave its claim up; B's write lands and A's refresh hears it" \
	"A claimed: 0
B writes: 0
heard target fence-me
A reads: STOPPED" "$(sed -n '8,11p' "$T/out" | sed 's/, offset.*//')"
