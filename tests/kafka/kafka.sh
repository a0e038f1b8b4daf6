#!/usr/bin/env bash
# Real Apache Kafka for the tests, from Maven Central jars (no tarball, no
# Docker). Nothing is installed system-wide: the jars go to a cache outside
# the repository, reused by every later run.
#
#   kafka.sh check               exit 0 if Java and Maven are there, else
#                                print what is missing (one line) and exit 2
#   kafka.sh fetch               download the jars (and connect-file) once
#                                into $KAFKA_CACHE
#   kafka.sh start DIR [N]       format and start N (1 or 3) brokers
#                                (combined broker+controller, KRaft) on
#                                127.0.0.1 with free ports; state in DIR;
#                                prints the bootstrap servers
#   kafka.sh stop DIR            SIGTERM every broker of DIR (by PID), wait
#   kafka.sh kill DIR [I]        SIGKILL broker I (default: all)
#   kafka.sh restart DIR [I]     start broker I (default: all) again on its
#                                log dirs and ports (after stop or kill)
#   kafka.sh tool CLASS ARGS...  run a Kafka tool class (logs to stderr)
#   kafka.sh classpath           the classpath of the jars
#   kafka.sh connect-distributed DIR PROPS
#                                start a Java Kafka Connect distributed
#                                worker (ConnectDistributed PROPS; its
#                                listeners= gives the REST port), with the
#                                FileStream connectors (connect-file) on
#                                its plugin path; waits until its REST
#                                answers, prints its URL. Log and PID:
#                                DIR/connect-NAME.{log,pid}, NAME = PROPS
#                                file name without .properties
#   kafka.sh connect-stop DIR [NAME]   SIGTERM the worker(s), wait
#   kafka.sh connect-kill DIR [NAME]   SIGKILL the worker(s)
#
# Environment: KAFKA_VERSION (4.1.1), KAFKA_CACHE
# (~/.cache/httpsrc/kafka-$KAFKA_VERSION), KAFKA_HEAP (-Xmx384m),
# KAFKA_JVM_OPTS (the broker's JVM options; default: $KAFKA_HEAP, the
# serial GC and the C1 compiler only, which start fast and keep the tests'
# brokers small; bench/run.sh passes kafka-server-start.sh's defaults),
# KAFKA_START_TIMEOUT seconds (90), CONNECT_HEAP (-Xmx384m),
# CONNECT_START_TIMEOUT seconds (120), KAFKA_BROKER_PROPS (key=value lines
# added to every broker's server.properties at start; later lines win).
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
LOG4J_VERSION=2.24.3
SLF4J_VERSION=1.7.36
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
KAFKA_CACHE=${KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/httpsrc/kafka-$KAFKA_VERSION}
KAFKA_HEAP=${KAFKA_HEAP:--Xms128m -Xmx384m}
KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:-$KAFKA_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
CONNECT_HEAP=${CONNECT_HEAP:--Xms128m -Xmx384m}
CONNECT_START_TIMEOUT=${CONNECT_START_TIMEOUT:-120}
CLUSTER_ID=4L6g3nShT-eMCtK--X86sw # any 22-char base64 UUID

die() {
	echo "kafka.sh: $*" >&2
	exit 1
}

find_java() {
	JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
	[ -n "$JAVA" ] && [ -x "$JAVA" ] || JAVA=$(command -v java || true)
}

cmd_check() {
	local missing=""
	find_java
	[ -n "$JAVA" ] || missing="java (openjdk-17-jdk-headless)"
	if [ ! -f "$KAFKA_CACHE/.complete" ] && ! command -v mvn >/dev/null; then
		missing="${missing:+$missing, }mvn (maven)"
	fi
	if [ -n "$missing" ]; then
		echo "real Kafka unavailable: $missing not found; run scripts/install-deps.sh"
		exit 2
	fi
	if [ -n "$JAVA" ] && ! "$JAVA" -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
		echo "real Kafka unavailable: $JAVA is older than Java 17"
		exit 2
	fi
}

write_pom() {
	cat >"$1" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.httpsrc</groupId><artifactId>kafka-jars</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-json</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-transforms</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
}

write_log4j() { # FILE LEVEL TARGET
	cat >"$1" <<L4J
appender.out.type = Console
appender.out.name = OUT
appender.out.target = $3
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $2
rootLogger.appenderRef.out.ref = OUT
L4J
}

# The download: Maven's own local repository is kept inside the cache too,
# so that removing the cache removes everything this script fetched.
cmd_fetch() {
	fetch_jars
	# Here too, not only when a test first starts a Java worker: a download
	# inside a timed test can outlast its timeout on a fresh machine.
	fetch_plugins
}

fetch_jars() {
	local t0 tmp
	[ -f "$KAFKA_CACHE/.complete" ] && return 0
	cmd_check >&2
	command -v mvn >/dev/null || die "mvn not found"
	mkdir -p "$KAFKA_CACHE"
	# Tests started in parallel may all find the cache empty: one
	# downloads, the others wait for it.
	exec 9>"$KAFKA_CACHE/.lock"
	flock 9
	[ -f "$KAFKA_CACHE/.complete" ] && return 0
	t0=$(date +%s%N)
	tmp=$(mktemp -d "$KAFKA_CACHE/.fetch.XXXXXX")
	write_pom "$tmp/pom.xml"
	echo "kafka.sh: downloading Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_CACHE" >&2
	if ! mvn -B -q -f "$tmp/pom.xml" -Dmaven.repo.local="$KAFKA_CACHE/m2" \
		"$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
		-DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1; then
		tail -n 30 "$tmp/mvn.log" >&2
		die "Maven could not download Kafka $KAFKA_VERSION (log above; is Maven Central reachable?)"
	fi
	ls "$tmp/libs"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null ||
		die "kafka_2.13-$KAFKA_VERSION.jar missing after the download"
	rm -rf "$KAFKA_CACHE/libs"
	mv "$tmp/libs" "$KAFKA_CACHE/libs"
	write_log4j "$KAFKA_CACHE/log4j2.properties" INFO SYSTEM_OUT
	write_log4j "$KAFKA_CACHE/tools-log4j2.properties" WARN SYSTEM_ERR
	rm -rf "$tmp"
	touch "$KAFKA_CACHE/.complete"
	echo "kafka.sh: fetched $(ls "$KAFKA_CACHE/libs" | wc -l) jars ($(du -sh "$KAFKA_CACHE/libs" | cut -f1)) in $((($(date +%s%N) - t0) / 1000000)) ms" >&2
}

need_jars() {
	[ -f "$KAFKA_CACHE/.complete" ] || fetch_jars
	find_java
	[ -n "$JAVA" ] || die "java not found"
	CP="$KAFKA_CACHE/libs/*"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# DIR/nodes: one line per broker, "ID BROKER_PORT CONTROLLER_PORT".
write_config() { # DIR ID VOTERS BOOTSTRAP_CONTROLLERS N
	local dir=$1 id=$2 voters=$3 n=$5 bport cport rf
	read -r _ bport cport < <(awk -v id="$id" '$1 == id' "$dir/nodes")
	rf=$((n < 3 ? 1 : 3))
	cat >"$dir/server-$id.properties" <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data-$id
num.partitions=1
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$((rf < 3 ? 1 : 2))
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.segment.bytes=16777216
log.cleaner.dedupe.buffer.size=8388608
log.cleaner.threads=1
num.io.threads=2
num.network.threads=2
num.recovery.threads.per.data.dir=1
auto.create.topics.enable=true
${KAFKA_BROKER_PROPS:-}
PROPS
}

launch() { # DIR ID: start one formatted broker in the background
	local dir=$1 id=$2 pid
	"$JAVA" $KAFKA_JVM_OPTS -Xshare:auto -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$KAFKA_CACHE/log4j2.properties" \
		-cp "$CP" kafka.Kafka "$dir/server-$id.properties" \
		>>"$dir/broker-$id.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/broker-$id.pid"
}

wait_started() { # DIR ID SKIP_LINES
	local dir=$1 id=$2 skip=$3 n=0 pid
	pid=$(cat "$dir/broker-$id.pid")
	until tail -n +"$((skip + 1))" "$dir/broker-$id.log" | grep -q 'Kafka Server started'; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$dir/broker-$id.log" >&2
			die "broker $id exited during start (log: $dir/broker-$id.log)"
		fi
		n=$((n + 1))
		[ $n -lt $((KAFKA_START_TIMEOUT * 10)) ] ||
			die "broker $id not started after ${KAFKA_START_TIMEOUT}s (log: $dir/broker-$id.log)"
		sleep 0.1
	done
}

cmd_start() {
	local dir=${1:?start DIR [N]} n=${2:-1} id voters="" boot="" t0 skip
	[ "$n" = 1 ] || [ "$n" = 3 ] || die "start: N is 1 or 3, not $n"
	need_jars
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	t0=$(date +%s%N)
	: >"$dir/nodes"
	for id in $(seq "$n"); do
		echo "$id $(free_port) $(free_port)" >>"$dir/nodes"
	done
	while read -r id _ cport; do
		voters="${voters:+$voters,}$id@127.0.0.1:$cport"
	done <"$dir/nodes"
	while read -r id bport _; do
		boot="${boot:+$boot,}127.0.0.1:$bport"
		write_config "$dir" "$id" "$voters" "" "$n"
		"$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 \
			-Dlog4j2.configurationFile="$KAFKA_CACHE/tools-log4j2.properties" \
			-cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" \
			-c "$dir/server-$id.properties" --ignore-formatted >"$dir/format-$id.log" 2>&1 ||
			{ cat "$dir/format-$id.log" >&2; die "formatting broker $id failed"; }
	done <"$dir/nodes"
	echo "$boot" >"$dir/bootstrap"
	for id in $(seq "$n"); do
		launch "$dir" "$id"
	done
	for id in $(seq "$n"); do
		wait_started "$dir" "$id" 0
	done
	echo "kafka.sh: $n broker(s) of Kafka $KAFKA_VERSION ready at $boot in $((($(date +%s%N) - t0) / 1000000)) ms" >&2
	echo "$boot"
}

ids_of() { # DIR [I]
	if [ -n "${2:-}" ]; then echo "$2"; else awk '{print $1}' "$1/nodes"; fi
}

# is_broker PID DIR ID: PID is still that broker. PIDs are reused fast on
# a busy machine (every JVM thread takes one): a broker that already exited
# may have left its number to another test's process.
is_broker() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2/server-$3.properties"
}

# stop_broker DIR ID SIGNAL: signal broker ID of DIR if it still runs, and
# wait until it is gone (SIGKILL after 30 s).
stop_broker() {
	local pid n=0
	pid=$(cat "$1/broker-$2.pid" 2>/dev/null) || return 0
	is_broker "$pid" "$1" "$2" || return 0
	kill -"$3" "$pid" 2>/dev/null || return 0
	while is_broker "$pid" "$1" "$2"; do
		n=$((n + 1))
		[ $n -ne 300 ] || kill -KILL "$pid" 2>/dev/null || true
		[ $n -lt 400 ] || die "broker PID $pid does not exit"
		sleep 0.1
	done
}

cmd_stop() {
	local dir=${1:?stop DIR} id
	[ -f "$dir/nodes" ] || return 0
	dir=$(cd "$dir" && pwd)
	# SIGTERM all first: a KRaft quorum shuts down faster together.
	for id in $(ids_of "$dir" "${2:-}"); do
		is_broker "$(cat "$dir/broker-$id.pid" 2>/dev/null)" "$dir" "$id" &&
			kill -TERM "$(cat "$dir/broker-$id.pid")" 2>/dev/null
	done
	for id in $(ids_of "$dir" "${2:-}"); do
		stop_broker "$dir" "$id" TERM
	done
}

cmd_kill() {
	local dir=${1:?kill DIR [I]} id
	dir=$(cd "$dir" && pwd)
	for id in $(ids_of "$dir" "${2:-}"); do
		stop_broker "$dir" "$id" KILL
	done
}

cmd_restart() {
	local dir=${1:?restart DIR [I]} id t0 skip
	dir=$(cd "$dir" && pwd)
	need_jars
	t0=$(date +%s%N)
	for id in $(ids_of "$dir" "${2:-}"); do
		if is_broker "$(cat "$dir/broker-$id.pid" 2>/dev/null)" "$dir" "$id"; then
			die "broker $id is still running"
		fi
		wc -l <"$dir/broker-$id.log" >"$dir/broker-$id.skip"
		launch "$dir" "$id"
	done
	for id in $(ids_of "$dir" "${2:-}"); do
		wait_started "$dir" "$id" "$(cat "$dir/broker-$id.skip")"
	done
	echo "kafka.sh: restarted in $((($(date +%s%N) - t0) / 1000000)) ms" >&2
}

cmd_tool() {
	need_jars
	exec "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 \
		-Dlog4j2.configurationFile="$KAFKA_CACHE/tools-log4j2.properties" \
		-cp "$CP" "$@"
}

# The FileStream connectors, a plugin of their own (connect-file is not
# in the broker's jars): fetched once into $KAFKA_CACHE/plugins.
fetch_plugins() {
	local tmp
	[ -f "$KAFKA_CACHE/plugins/.complete" ] && return 0
	command -v mvn >/dev/null || die "mvn not found (connect-file plugin)"
	mkdir -p "$KAFKA_CACHE"
	exec 8>"$KAFKA_CACHE/.plugins.lock"
	flock 8
	[ -f "$KAFKA_CACHE/plugins/.complete" ] && return 0
	tmp=$(mktemp -d "$KAFKA_CACHE/.plugins.XXXXXX")
	if ! mvn -B -q -Dmaven.repo.local="$KAFKA_CACHE/m2" "$DEP_PLUGIN:copy" \
		-Dartifact="org.apache.kafka:connect-file:$KAFKA_VERSION" \
		-DoutputDirectory="$tmp/connect-file" >"$tmp/mvn.log" 2>&1; then
		tail -n 30 "$tmp/mvn.log" >&2
		die "Maven could not download connect-file $KAFKA_VERSION"
	fi
	rm -rf "$KAFKA_CACHE/plugins"
	mkdir -p "$KAFKA_CACHE/plugins"
	mv "$tmp/connect-file" "$KAFKA_CACHE/plugins/connect-file"
	rm -rf "$tmp"
	touch "$KAFKA_CACHE/plugins/.complete"
}

# is_connect PID PROPS: PID is still the worker started on PROPS.
is_connect() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "ConnectDistributed $2"
}

cmd_connect_distributed() {
	local dir=${1:?connect-distributed DIR PROPS} props=${2:?connect-distributed DIR PROPS}
	local name url pid n=0 t0
	need_jars
	fetch_plugins
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	props=$(cd "$(dirname "$props")" && pwd)/$(basename "$props")
	name=$(basename "$props" .properties)
	url=$(sed -n 's/^listeners=\([^,]*\).*/\1/p' "$props" | tail -n 1)
	[ -n "$url" ] || die "connect-distributed: $props has no listeners=http://127.0.0.1:PORT"
	grep -q '^plugin.path=' "$props" ||
		echo "plugin.path=$KAFKA_CACHE/plugins" >>"$props"
	t0=$(date +%s%N)
	"$JAVA" $CONNECT_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
		-Xshare:auto -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$KAFKA_CACHE/log4j2.properties" \
		-cp "$CP" org.apache.kafka.connect.cli.ConnectDistributed "$props" \
		>>"$dir/connect-$name.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/connect-$name.pid"
	until curl -fsS -o /dev/null "$url/connectors" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$dir/connect-$name.log" >&2
			die "Connect worker $name exited during start (log: $dir/connect-$name.log)"
		fi
		n=$((n + 1))
		[ $n -lt $((CONNECT_START_TIMEOUT * 5)) ] ||
			die "Connect worker $name not answering at $url after ${CONNECT_START_TIMEOUT}s (log: $dir/connect-$name.log)"
		sleep 0.2
	done
	echo "kafka.sh: Connect worker $name (Kafka $KAFKA_VERSION) answers at $url after $((($(date +%s%N) - t0) / 1000000)) ms" >&2
	echo "$url"
}

# connect_names DIR [NAME]
connect_names() {
	if [ -n "${2:-}" ]; then echo "$2"; return; fi
	for f in "$1"/connect-*.pid; do
		[ -e "$f" ] && basename "$f" .pid | sed 's/^connect-//'
	done
}

cmd_connect_signal() { # SIGNAL DIR [NAME]
	local sig=$1 dir=${2:?DIR} name pid props n
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd)
	for name in $(connect_names "$dir" "${3:-}"); do
		pid=$(cat "$dir/connect-$name.pid" 2>/dev/null) || continue
		props=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | tail -n 1)
		is_connect "$pid" "$props" || continue
		kill -"$sig" "$pid" 2>/dev/null || continue
		n=0
		while is_connect "$pid" "$props"; do
			n=$((n + 1))
			[ $n -ne 300 ] || kill -KILL "$pid" 2>/dev/null || true
			[ $n -lt 400 ] || die "Connect worker PID $pid does not exit"
			sleep 0.1
		done
	done
}

case "${1:-}" in
check) cmd_check ;;
fetch) cmd_fetch ;;
start) cmd_start "${@:2}" ;;
stop) cmd_stop "${@:2}" ;;
kill) cmd_kill "${@:2}" ;;
restart) cmd_restart "${@:2}" ;;
tool) cmd_tool "${@:2}" ;;
classpath) need_jars; echo "$CP" ;;
connect-distributed) cmd_connect_distributed "${@:2}" ;;
connect-stop) cmd_connect_signal TERM "${@:2}" ;;
connect-kill) cmd_connect_signal KILL "${@:2}" ;;
*) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
