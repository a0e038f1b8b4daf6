#!/bin/bash
# Distributed mode (issue 14, test 5): a mixed cluster. One httpsrc-connect
# --distributed worker and one real Java ConnectDistributed 4.1.1 worker in
# one group on the same three topics:
#  - ours leads (it starts first): HttpSource connectors h1 h2 created on
#    our REST port; the EagerAssignor gives one to each worker: the Java
#    worker (no HttpSource class) FAILS it as Connect 4.1.1 does, ours runs
#    the other; both REST ports show the same connectors, states, owners;
#  - kill -9 of the leader (ours): the Java worker leads and owns both;
#  - FileStreamSource connectors f1 f2 created on the Java REST port (the
#    leader now); our worker comes back as a follower: f1 f2 h1 h2 are
#    spread one of each class per worker; the FileStreamSource on ours is
#    FAILED with Connect's "Failed to find any class" words; a connector
#    created on our REST port is forwarded to the Java leader and written.
# (A worker validates a new connector with its own plugins, as Connect's
# leader does: a connector is created only on a leader that has its class.)
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

SESSION_MS=6000
plan 18
start_fixture --records 20 --page-size 20
start_kafka
dist_init
DIST_SESSION_MS=$SESSION_MS
start_worker 1 offset.flush.interval.ms=100
wait_rest 1
OID=127.0.0.1:${W_PORT[1]}

# ---- the Java worker joins the same group and topics ----
JPORT=$(free_port)
J=http://127.0.0.1:$JPORT
JID=127.0.0.1:$JPORT
cat >"$T/java.properties" <<EOF
bootstrap.servers=$BOOT
group.id=$DIST_GROUP
connect.protocol=compatible
session.timeout.ms=$SESSION_MS
heartbeat.interval.ms=1000
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
config.storage.topic=$DIST_GROUP-configs
offset.storage.topic=$DIST_GROUP-offsets
status.storage.topic=$DIST_GROUP-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=5
status.storage.partitions=5
offset.flush.interval.ms=1000
listeners=$J
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$JPORT
EOF
"$KAFKA_SH" connect-distributed "$T/jvm" "$T/java.properties" \
	>/dev/null 2>"$T/connect.err" ||
	bail_out "the Java Connect worker did not start: $(tail -n 3 "$T/connect.err")"
JPID=$(cat "$T/jvm/connect-java.pid")
track_pid "$JPID"
JLOG=$T/jvm/connect-java.log
wait_for_line "$JLOG" 'Joined group at generation' 600 >/dev/null ||
	bail_out "the Java worker did not join the group: $(tail -n 5 "$JLOG")"

# jsend METHOD PATH [BODY]: on the Java worker; body on stdout, DIST_ST.
jsend() {
	local out
	out=$(curl -s -m 30 -X "$1" -H 'Content-Type: application/json' \
		${3:+--data-binary "$3"} -w '\n%{http_code}' "$J$2")
	DIST_ST=${out##*$'\n'}
	printf '%s' "${out%$'\n'*}"
}
# create_on WHO NAME JSON: POST on worker WHO (ours|java), again while the
# answer is 409 (a rebalance: 20 s at most); the status in DIST_ST.
create_on() {
	local _
	for _ in $(seq 100); do
		if [ "$1" = ours ]; then
			dist_send 1 POST /connectors "$3" >"$T/create.$2"
		else
			jsend POST /connectors "$3" >"$T/create.$2"
		fi
		[ "$DIST_ST" = 409 ] || return 0
		sleep 0.2
	done
}
file_json() {
	echo "{\"name\":\"$1\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"tasks.max\":\"1\",\"file\":\"$T/in.txt\",\"topic\":\"file-out\"}}"
}
# states URL: "name connector-state connector-worker [task-state task-worker...]"
# per connector, sorted: what that worker's REST says of every connector.
states() {
	curl -s -m 10 "$1/connectors?expand=status" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for name, v in sorted(d.items()):
    s = v["status"]
    print(name, s["connector"]["state"], s["connector"]["worker_id"],
          *[t["state"] + " " + t["worker_id"] for t in s["tasks"]])
'
}
# trace URL NAME: the connector's trace, first line.
trace_of() {
	curl -s -m 10 "$1/connectors/$2/status" | python3 -c '
import json, sys
try:
    print((json.load(sys.stdin)["connector"].get("trace") or "").splitlines()[0])
except (ValueError, KeyError, IndexError):
    pass'
}
# leader_url: the leader the Java worker last joined under.
leader_url() {
	grep -o "leaderUrl='[^']*'" "$JLOG" | tail -n 1 | sed "s/leaderUrl='\(.*\)'/\1/; s#/\$##"
}

echo "line one" >"$T/in.txt"
diag "leader: $(leader_url) (ours ${W_URL[1]}, Java $J)"
assert_eq "ours (first in the group) leads" "${W_URL[1]}" "$(leader_url)"
create_on ours h1 "$(dist_connector_json h1)"
assert_eq "an HttpSource created on our REST port (the leader): 201" 201 "$DIST_ST" ||
	diag_file "$T/create.h1"
create_on ours h2 "$(dist_connector_json h2)"

# settled N: both REST ports agree on N connectors, each RUNNING (with its
# task RUNNING or FAILED) or FAILED, some owned by each worker.
settled() {
	local s
	states "${W_URL[1]}" >"$T/ours.states"
	states "$J" >"$T/java.states"
	[ "$(wc -l <"$T/ours.states")" -eq "$1" ] || return 1
	grep -q " $OID\b" "$T/ours.states" || return 1
	grep -q " $JID\b" "$T/ours.states" || return 1
	cmp -s "$T/ours.states" "$T/java.states" || return 1
	while read -r s; do
		set -- $s
		case $2 in
		FAILED) ;;
		RUNNING) [ "${4:-}" = RUNNING ] || [ "${4:-}" = FAILED ] || return 1 ;;
		*) return 1 ;;
		esac
	done <"$T/ours.states"
}
wait_settled() {
	local t0
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -lt 60000 ] && ! settled "$1"; do sleep 0.3; done
	diag "ours: $(tr '\n' ';' <"$T/ours.states")"
	diag "java: $(tr '\n' ';' <"$T/java.states")"
}
names() {
	curl -s "$1/connectors" | python3 -c 'import json,sys; print(json.dumps(sorted(json.load(sys.stdin)), separators=(",", ":")))'
}
owner() { awk -v n="$1" '$1 == n { print $3 }' "$T/ours.states"; }
state() { awk -v n="$1" '$1 == n { print $2 }' "$T/ours.states"; }
wait_settled 2
assert_eq "both REST ports list h1 h2" '["h1","h2"]|["h1","h2"]' \
	"$(names "${W_URL[1]}")|$(names "$J")"
assert_files_eq "both REST ports show the same states and owners" \
	"$T/java.states" "$T/ours.states"
hj=h1 hh=h2
[ "$(owner h1)" = "$JID" ] || { hj=h2 hh=h1; }
assert_eq "one HttpSource on each worker" "$JID $OID" "$(owner $hj) $(owner $hh)"
assert_eq "the HttpSource on the Java worker is FAILED (Connect 4.1.1's own exception for a class it lacks)" \
	"FAILED|java.lang.NullPointerException: Cannot invoke \"Object.hashCode()\" because \"key\" is null" \
	"$(state $hj)|$(trace_of "${W_URL[1]}" $hj)"
assert_eq "the HttpSource on ours runs" RUNNING "$(state $hh)"

# ---- kill -9 of the leader (ours): the Java worker takes over ----
stop_worker 1 KILL
wait "${W_PID[1]}" 2>/dev/null
t0=$(now_ms)
ms=-1
while [ $(($(now_ms) - t0)) -lt $((SESSION_MS + 30000)) ]; do
	states "$J" >"$T/after.states"
	if [ "$(awk -v w="$JID" '$3 == w && $2 == "FAILED"' "$T/after.states" | wc -l)" -eq 2 ]; then
		ms=$(($(now_ms) - t0))
		break
	fi
	sleep 0.2
done
diag "the Java worker owns h1 h2 $ms ms after kill -9 of the leader (session.timeout.ms=$SESSION_MS): $(tr '\n' ';' <"$T/after.states")"
assert_eq "leader killed: the Java worker owns both (FAILED: no class) within session.timeout.ms + 15 s" \
	1 "$(( ms >= 0 && ms <= SESSION_MS + 15000 ))"
assert_eq "the Java worker is the new leader" "$J" "$(leader_url)"

# ---- FileStreamSource connectors on the Java leader; ours rejoins ----
create_on java f1 "$(file_json f1)"
assert_eq "a FileStreamSource created on the Java REST port (the leader): 201" 201 "$DIST_ST" ||
	diag_file "$T/create.f1"
create_on java f2 "$(file_json f2)"
start_worker 1 offset.flush.interval.ms=100
wait_rest 1
wait_settled 4
assert_eq "both REST ports list f1 f2 h1 h2" \
	'["f1","f2","h1","h2"]|["f1","f2","h1","h2"]' \
	"$(names "${W_URL[1]}")|$(names "$J")"
assert_files_eq "both REST ports show the same states and owners" \
	"$T/java.states" "$T/ours.states"
fh=f1 fj=f2
[ "$(owner f1)" = "$OID" ] || { fh=f2 fj=f1; }
hj=h1 hh=h2
[ "$(owner h1)" = "$JID" ] || { hj=h2 hh=h1; }
assert_eq "each worker owns one connector of each class (EagerAssignor round-robin)" \
	"$OID $JID $JID $OID" "$(owner $fh) $(owner $fj) $(owner $hj) $(owner $hh)"
assert_eq "the FileStreamSource on our worker is FAILED with Connect's words" \
	"FAILED|org.apache.kafka.connect.errors.ConnectException: Failed to find any class that implements Connector and which name matches org.apache.kafka.connect.file.FileStreamSourceConnector, available connectors are: the httpsrc-connect worker $OID" \
	"$(state $fh)|$(trace_of "$J" $fh)"
assert_eq "the connectors on the worker that has their class run" \
	"RUNNING RUNNING" "$(state $fj) $(state $hh)"
# a connector created on our REST port goes to the Java leader: its answer
# is the Java leader's (ours validated it; Java refuses a config without
# connector.class, which ours defaults)
create_on ours h3 "$(dist_connector_json h3)"
assert_eq "h3 created on our REST port is forwarded to the Java leader: Java's answer" \
	"400 Connector config {...} contains no connector type" \
	"$DIST_ST $(python3 -c 'import json,sys,re; print(re.sub(r"\{.*\}", "{...}", json.load(sys.stdin)["message"]))' <"$T/create.h3")" ||
	diag_file "$T/create.h3"

stop_worker 1 TERM
wait "${W_PID[1]}"
assert_eq "our worker exits 0 on SIGTERM" 0 $?
"$KAFKA_SH" connect-stop "$T/jvm" java
assert_eq "our worker did not crash" 0 \
	"$(cat "$T"/w*.err | grep -c 'AddressSanitizer\|runtime error' || true)"
