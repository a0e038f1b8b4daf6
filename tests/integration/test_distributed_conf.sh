#!/bin/bash
# --distributed: a worker file that cannot join a Connect cluster is refused
# before anything starts, in one line naming the missing or wrong key; a
# distributed worker file given to standalone mode (or the reverse) says so.
. "$(dirname "$0")/lib.sh"
HOST_TIMEOUT=15
plan 16
BOOT=127.0.0.1:1 # nothing listens: every error comes before Kafka

dist_worker() { # FILE [key=value...]
	local f=$1
	shift
	write_worker "$f" group.id=c1 config.storage.topic=cfg \
		offset.storage.topic=off status.storage.topic=st "$@"
	sed -i '/^offset.storage.file.filename=/d' "$f"
}

# refused DESC LINE ARGS...: exit 2, exactly LINE on stderr.
refused() {
	local desc=$1 line=$2
	shift 2
	run_host "$@"
	assert_eq "$desc: exit 2" 2 "$HOST_RC"
	assert_eq "$desc: one line naming the key" "$line" "$(cat "$T/host.err")"
}

write_worker "$T/sa.properties"
refused "a standalone file given to --distributed" \
	"httpsrc-connect: $T/sa.properties: group.id: required in distributed mode (this is a standalone worker file: run it without --distributed); set group.id, config.storage.topic, offset.storage.topic and status.storage.topic (as for connect-distributed)" \
	--distributed "$T/sa.properties"

dist_worker "$T/d.properties"
refused "a distributed file given to standalone mode" \
	"httpsrc-connect: $T/d.properties: offset.storage.file.filename: required in standalone mode; this is a distributed worker file (group.id=c1): run httpsrc-connect --distributed $T/d.properties" \
	"$T/d.properties"

dist_worker "$T/nostatus.properties"
sed -i '/^status.storage.topic=/d' "$T/nostatus.properties"
refused "status.storage.topic missing" \
	"httpsrc-connect: $T/nostatus.properties: status.storage.topic: required in distributed mode; set group.id, config.storage.topic, offset.storage.topic and status.storage.topic (as for connect-distributed)" \
	--distributed "$T/nostatus.properties"

dist_worker "$T/file.properties"
echo "offset.storage.file.filename=$T/o.json" >>"$T/file.properties"
refused "an offsets file in distributed mode" \
	"httpsrc-connect: $T/file.properties: offset.storage.file.filename: standalone only: a distributed worker keeps the offsets in offset.storage.topic; remove it" \
	--distributed "$T/file.properties"

dist_worker "$T/hb.properties" heartbeat.interval.ms=10000
refused "heartbeat not below the session timeout" \
	"httpsrc-connect: $T/hb.properties: heartbeat.interval.ms: 10000 is not below session.timeout.ms (10000): the group would drop this worker between two heartbeats; use about a third of it" \
	--distributed "$T/hb.properties"

dist_worker "$T/proto.properties" connect.protocol=cooperative
refused "an unknown connect.protocol" \
	"httpsrc-connect: $T/proto.properties:9: connect.protocol: invalid value 'cooperative': must be one of default, compatible, sessioned" \
	--distributed "$T/proto.properties"

echo '{"name":"x"}' >"$T/x.json"
refused "a connector file with --distributed" \
	"httpsrc-connect: --distributed: $T/x.json: connectors of a distributed worker come through the REST API (POST /connectors), not as files; remove it" \
	--distributed "$T/d.properties" "$T/x.json"

refused "--once with --distributed" \
	"httpsrc-connect: --distributed: --once is for standalone mode; remove one of them" \
	--distributed --once "$T/d.properties"
