#!/bin/bash
# libhttpsrc benchmark: throughput against the usual hand-written peers,
# scale (many connectors on a timer), per-page latency. One command:
#
#   bench/run.sh [throughput|real|cores|scale|latency|all|profile|jvm|first]
#                [--rounds N] [--full] [--sizes 100,1000,10000]
#                [--scale-seconds S]
#
#   throughput  200 pages x 1000 records (cursor-paginated, nginx) into
#               librdkafka's mock cluster: the Python poller, curl|jq|kcat
#               (first round only: ~18 s) and `httpsrc-connect --once`,
#               interleaved (Python first in odd rounds, httpsrc first in
#               even ones), N rounds (default 7), the load average before
#               each; the ratio to Python round by round (median, spread)
#               by wall time and by CPU seconds. Every httpsrc round is
#               read back from Kafka: 200000 records, 200000 distinct keys.
#               In the same rounds each stage alone (floors): curl fetching
#               every page, our selector over the pages in memory
#               (tests/tools/select_floor), librdkafka producing the
#               pre-selected records (tests/tools/produce_floor).
#   real        (not part of all) the throughput rounds (Python, httpsrc,
#               the floors; not the shell pipeline) into one real Kafka
#               broker (tests/kafka/kafka.sh) instead of the mock.
#   cores       the same job by 1 connector, then by 8 connectors in one
#               host each paging its own copy of the API, each on one core
#               (httpsrc, nginx and the mock pinned onto CPU 0) and on two:
#               records/s ratios to one connector and to one core, and how
#               busy the cores were.
#   scale       100, 1000, 10000 connectors each polling its own endpoint
#               every 10 s for 60 s (--full: 300 s for 10000): CPU, peak
#               RSS, poll jitter and missed polls from nginx's access log.
#   latency     one new page of 100 records a second for 30 s: time from
#               the page's response to its last acknowledgement.
#   profile     (not part of all) perf record of one httpsrc throughput run
#               (results/profile.txt) and of the largest scale size for
#               30 s (results/profile-scale.txt): self time per library,
#               time per function with its callees.
#   jvm         (not part of all) the JVM peer on a real broker
#               (tests/kafka/kafka.sh): Kafka Connect 4 standalone with
#               castorm's kafka-connect-http 0.8.11, and `httpsrc-connect
#               --once`, interleaved, on a keyset-paginated variant of the
#               workload (20 pages x 1000 records; --full: 200 x 1000):
#               records/s, CPU s, peak RSS, time to the first record in
#               Kafka; every round read back (all records, all keys, once).
#               Also httpsrc with exactly.once.source.support=enabled, the
#               stage floors on the broker, and 100 idle connectors (an API
#               with nothing new, polled every 10 s) in httpsrc and in
#               Connect: CPU and RSS over 60 s (BENCH_IDLE_CONNECTORS,
#               BENCH_IDLE_SECONDS; 0 connectors: skipped).
#               castorm's jars come from BENCH_CASTORM_DIR (a directory of
#               its jar and dependencies; BENCH_CASTORM_FROM says where they
#               came from, for results.md), else Maven Central, else
#               bench/build-castorm.sh builds them from the v0.8.11 source
#               tag; if none works the run stops saying so (never without
#               the peer).
#   first       (not part of all) of jvm, only the time from the process
#               start to the first record in Kafka, Connect + castorm and
#               httpsrc (at-least-once) in alternating order, --rounds N
#               (20 x 1000 records; results/first/).
#
# Installs what is missing (apt-get), builds a release build in build-bench
# (BENCH_BUILD overrides), writes bench/results/ (BENCH_RESULTS overrides):
# CSV per part, results.md, PNG charts. BENCH_WORKER_EXTRA adds lines to
# every worker file, for experiments (producer.socket.nagle.disable=true).
# BENCH_SHARED: the workload (default ../shared/bench beside the repository).
# BENCH_NICE (default -20; 0: off): the bench and everything it starts (the
# tools, nginx, Kafka) run at this niceness, and so does its session's
# scheduling group, both peers alike, so that the other work of a shared
# machine preempts them less (last run without: ratios 3.4x to 13.9x
# between rounds); results.md says which was used.
# Exits 1 if a correctness check fails, 2 on bad usage or a setup failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
RES=$(realpath -m "${BENCH_RESULTS:-$BENCH/results}")
BUILD=$(realpath -m "${BENCH_BUILD:-$ROOT/build-bench}")
SHARED=$(realpath -m "${BENCH_SHARED:-$ROOT/../shared/bench}")
PY=/usr/bin/python3 # the Debian python3-* modules live there
LIB="$PY $BENCH/benchlib.py"
KAFKA_SH=$ROOT/tests/kafka/kafka.sh
# kafka-server-start.sh's defaults (its heap, kafka-run-class.sh's
# performance options): the bench's broker as users run it.
# BENCH_BROKER_JVM_OPTS overrides them (the tests' broker: "-Xmx384m
# -XX:+UseSerialGC -XX:TieredStopAtLevel=1").
BROKER_JVM_OPTS=${BENCH_BROKER_JVM_OPTS:-"-Xmx1G -Xms1G -server -XX:+UseG1GC
	-XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
	-XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15
	-Djava.awt.headless=true"}

PART=all ROUNDS=7 FULL=0 SIZES=100,1000,10000 SCALE_S=60
LAT_S=30 PARTITIONS=32 RECORDS=200000

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 2
}
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

while [ $# -gt 0 ]; do
	case $1 in
	throughput | real | scale | latency | cores | all | profile | jvm | first) PART=$1 ;;
	--rounds) ROUNDS=${2:?--rounds needs a number} && shift ;;
	--full) FULL=1 ;;
	--sizes) SIZES=${2:?--sizes needs a list} && shift ;;
	--scale-seconds) SCALE_S=${2:?--scale-seconds needs seconds} && shift ;;
	*) die "unknown argument '$1' (usage: run.sh [throughput|real|scale|latency|cores|all|profile|jvm|first] [--rounds N] [--full] [--sizes LIST] [--scale-seconds S])" ;;
	esac
	shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds: '$ROUNDS' is not a positive number"
[[ $SCALE_S =~ ^[1-9][0-9]*$ ]] || die "--scale-seconds: '$SCALE_S' is not a positive number"
[[ $SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--sizes: '$SIZES' is not a list of counts"
[ -x "$SHARED/serve.sh" ] || die "$SHARED/serve.sh not found: the workload lives in ../shared/bench beside the repository"

# ---------------------------------------------------------------- setup

install_missing() {
	local need=() p
	for p in nginx:nginx-light jq:jq kcat:kcat gnuplot:gnuplot-nox; do
		command -v "${p%%:*}" >/dev/null || need+=("${p#*:}")
	done
	$PY -c 'import confluent_kafka, requests' 2>/dev/null ||
		need+=(python3-confluent-kafka python3-requests)
	[ "$PART" != profile ] || command -v perf >/dev/null || need+=(linux-perf)
	[ ${#need[@]} = 0 ] && return 0
	say "Installing ${need[*]}"
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${need[@]}" >/dev/null
}

build() {
	"$ROOT/scripts/install-deps.sh"
	if [ ! -f "$BUILD/build.ninja" ]; then
		say "Configuring a release build in $BUILD"
		meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
	fi
	# Only what the bench runs: a unit test that does not compile at -O3
	# must not stop it.
	local targets
	# the manifest regenerated first: the targets are those of this tree
	ninja -C "$BUILD" build.ninja >/dev/null
	targets=$(ninja -C "$BUILD" -t targets all | sed -n -E \
		's#^(plugins/[^/:]*\.so|([^:]*/)?httpsrc-connect|tests/tools/(consume|mockkafka|mktopic|select_floor|produce_floor)):.*#\1#p')
	# shellcheck disable=SC2086 # one target a word
	ninja -C "$BUILD" $targets >/dev/null
	# the host binary, wherever the build puts it (libhttpsrc/ or cli/)
	HOST=$BUILD/$(echo "$targets" | grep -m1 -E '(^|/)httpsrc-connect$')
	MOCK=$BUILD/tests/tools/mockkafka
	CONSUME=$BUILD/tests/tools/consume
	SELECT_FLOOR=$BUILD/tests/tools/select_floor
	PRODUCE_FLOOR=$BUILD/tests/tools/produce_floor
	MKTOPIC=$BUILD/tests/tools/mktopic
	local b
	for b in "$HOST" "$MOCK" "$CONSUME" "$SELECT_FLOOR" "$PRODUCE_FLOOR" "$MKTOPIC"; do
		[ -x "$b" ] || die "$b was not built (configure $BUILD with -Dtests=true)"
	done
}

WORK=$(mktemp -d /tmp/httpsrc-bench.XXXXXX)
chmod 755 "$WORK" # nginx's workers run unprivileged
PIDS=()
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	[ -f "$WORK/nginx2/nginx.pid" ] &&
		kill -QUIT "$(cat "$WORK/nginx2/nginx.pid")" 2>/dev/null
	[ -f "$WORK/w/env" ] && "$SHARED/stop.sh" "$WORK/w"
	[ -f "$WORK/jvm/nginx.pid" ] &&
		kill -QUIT "$(cat "$WORK/jvm/nginx.pid")" 2>/dev/null
	[ -f "$WORK/kafka/nodes" ] && "$KAFKA_SH" stop "$WORK/kafka"
	rm -rf "$WORK"
	[ -z "${AUTOGROUP_WAS:-}" ] || echo "$AUTOGROUP_WAS" 2>/dev/null >/proc/$$/autogroup || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# forget PID (once it has been waited for)
forget() {
	local keep=() p
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

stop_pid() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	forget "$1"
}

# stop_host PID WHAT: SIGTERM, and it must exit 0 (offsets stored)
stop_host() {
	local rc=0
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" || rc=$?
	forget "$1"
	[ "$rc" = 0 ] || {
		echo "bench: httpsrc-connect ($2) exited $rc on SIGTERM" >&2
		FAILED=1
	}
}

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_mock DIR [TOPIC:PARTITIONS...]: a fresh mock cluster; sets
# MOCK_PID, BOOT.
start_mock() {
	local dir=$1 args=() t
	shift
	for t in "$@"; do
		args+=(-t "$t")
	done
	"$MOCK" "${args[@]}" 1 >"$dir/kafka.out" 2>"$dir/kafka.err" &
	MOCK_PID=$!
	PIDS+=("$MOCK_PID")
	# creating a topic takes the mock about 0.4 s: the cores part's 18
	# topics of 32 partitions take 6-10 s
	for _ in $(seq 600); do
		BOOT=$(grep -m1 -E '^[^ ]+:[0-9]+' "$dir/kafka.out" || true)
		[ -n "$BOOT" ] && return 0
		sleep 0.05
	done
	die "the mock cluster did not start: $(cat "$dir/kafka.err")"
}

# write_worker DIR [extra lines...]: offsets in DIR/offsets, or in the
# topic OFFSETS_TOPIC (created with one partition, one replica) if set
write_worker() {
	local dir=$1
	shift
	{
		echo "bootstrap.servers=$BOOT"
		if [ -n "${OFFSETS_TOPIC:-}" ]; then
			echo "offset.storage.topic=$OFFSETS_TOPIC"
			echo "offset.storage.partitions=1"
			echo "offset.storage.replication.factor=1"
		else
			echo "offset.storage.file.filename=$dir/offsets"
		fi
		echo "plugin.path=$BUILD/plugins"
		echo "producer.linger.ms=5"
		echo "listeners="
		printf '%s\n' "$@"
		[ -z "${BENCH_WORKER_EXTRA:-}" ] || echo "$BENCH_WORKER_EXTRA"
	} >"$dir/worker.properties"
}

# cursor_connector FILE NAME TOPIC URL INTERVAL_MS [CURSOR_PARAM=cursor]
cursor_connector() {
	cat >"$1" <<EOF
{"name": "$2", "config": {
  "kafka.topic": "$3",
  "http.url": "$4",
  "http.timer.interval.ms": "$5",
  "http.response.records.path": "\$.data[*]",
  "http.pagination.type": "CURSOR",
  "http.pagination.cursor.param": "${6:-cursor}",
  "http.pagination.cursor.path": "\$.next_cursor",
  "transforms": "createKey",
  "transforms.createKey.type": "org.apache.kafka.connect.transforms.ValueToKey",
  "transforms.createKey.fields": "id",
  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  "value.converter.schemas.enable": "false"}}
EOF
}

now() { date +%s.%N; }

# proc_cpu PID: utime+stime in seconds
proc_cpu() {
	local tck
	tck=$(getconf CLK_TCK)
	sed 's/.*) //' "/proc/$1/stat" | awk -v t="$tck" '{ printf "%.2f", ($12 + $13) / t }'
}

raise_fd_limit() {
	ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}

# ------------------------------------------------------------ throughput

# timed NAME CMD...: run under /usr/bin/time, append a CSV row to RUNS.
# With BROKER_PID set, the broker's CPU seconds during the run go to
# BROKER_CSV (tool,round,broker_cpu_s).
timed() {
	local name=$1 round=$2 rc=0 wall user sys rss b0=""
	shift 2
	[ -z "${BROKER_PID:-}" ] || b0=$(proc_cpu "$BROKER_PID")
	/usr/bin/time -f "%e %U %S %M" -o "$ROUNDDIR/$name.time" "$@" \
		>"$ROUNDDIR/$name.out" 2>"$ROUNDDIR/$name.err" || rc=$?
	[ -z "$b0" ] ||
		echo "$name,$round,$(awk -v a="$b0" -v b="$(proc_cpu "$BROKER_PID")" 'BEGIN { printf "%.2f", b - a }')" >>"$BROKER_CSV"
	[ "$rc" = 0 ] || {
		echo "bench: $name (round $round) exited $rc: $(tail -3 "$ROUNDDIR/$name.err")" >&2
		FAILED=1
		return 0
	}
	read -r wall user sys rss <"$ROUNDDIR/$name.time"
	echo "$name,$round,$RECORDS,$wall,$user,$sys,$rss" >>"$RUNS"
	awk -v n="$name" -v r="$round" -v w="$wall" -v u="$user" -v s="$sys" \
		-v m="$rss" -v c="$RECORDS" 'BEGIN { printf "  %-8s round %s: %6.2f s wall, %6.2f s CPU, %6.1f MB peak RSS, %8.0f records/s\n", n, r, w, u + s, m / 1024, c / (w > 0 ? w : 0.01) }' >&2
}

# verify TOPIC [CSV [DUPS_OK]]: every record of the run is in Kafka exactly
# once (DUPS_OK: at least once; the duplicates are reported, not a failure)
verify() {
	local out=$ROUNDDIR/consumed.tsv lines keys rc=0
	local csv=${2:-$RES/throughput_verify.csv}
	"$CONSUME" -b "$BOOT" -t "$1" -n "$RECORDS" -i 1500 -T 180000 \
		>"$out" 2>"$ROUNDDIR/consume.err" || rc=$?
	lines=$(wc -l <"$out")
	keys=$(cut -f1 "$out" | sort -u | wc -l)
	rm -f "$out"
	if [ -n "${3:-}" ] && [ "$lines" -gt "$RECORDS" ] && [ "$keys" = "$RECORDS" ]; then
		echo "  verified: $1 holds all $RECORDS keys, and $((lines - keys)) duplicates (at least once)" >&2
	elif [ "$rc" != 0 ] || [ "$lines" != "$RECORDS" ] || [ "$keys" != "$RECORDS" ]; then
		echo "bench: CORRECTNESS: topic $1 holds $lines records with $keys distinct keys, expected $RECORDS and $RECORDS (consume exit $rc)" >&2
		FAILED=1
	else
		echo "  verified: $1 holds $lines records, $keys distinct keys" >&2
	fi
	echo "$1,$lines,$keys" >>"$csv"
}

httpsrc_round() { # ROUND [perf] [TOPIC]
	local r=$1 d=$ROUNDDIR/hs t=${3:-hs-$1}
	mkdir -p "$d"
	write_worker "$d"
	cursor_connector "$d/c.json" "bench-hs-$r" "$t" "$API" 1000
	if [ "${2:-}" = perf ]; then
		perf record -q -F 4000 --call-graph dwarf,16384 \
			-o "$WORK/perf.data" -- \
			"$HOST" --once "$d/worker.properties" "$d/c.json" \
			>/dev/null 2>"$d/perf.err"
		return
	fi
	timed httpsrc "$r" "$HOST" --once "$d/worker.properties" "$d/c.json"
	verify "$t" "${VERIFY_CSV:-$RES/throughput_verify.csv}"
}

# floors ROUND BOOT TOPIC FILES_GLOB URL...: each stage of the job alone,
# as rows floor-fetch (curl fetches every page over one connection, bodies
# to /dev/null), floor-select (our selector over the pages in memory, the
# median of 3 passes), floor-produce (librdkafka produces the records,
# selected and keyed beforehand, into TOPIC, as httpsrc configures it) of
# RUNS. httpsrc's time as a multiple of the slowest: benchlib throughput.
floors() {
	local r=$1 boot=$2 topic=$3 glob=$4 rc=0 wall user sys rss out
	shift 4
	# shellcheck disable=SC2086 # the glob expands to the page files
	local files=($glob)
	/usr/bin/time -f "%e %U %S %M" -o "$ROUNDDIR/fetch.time" \
		curl -sS --fail "$@" >/dev/null 2>"$ROUNDDIR/fetch.err" || rc=$?
	[ "$rc" = 0 ] || {
		echo "bench: floor-fetch (round $r): curl exited $rc: $(head -2 "$ROUNDDIR/fetch.err")" >&2
		FAILED=1
		return 0
	}
	read -r wall user sys rss <"$ROUNDDIR/fetch.time"
	echo "floor-fetch,$r,$RECORDS,$wall,$user,$sys,$rss" >>"$RUNS"
	out=$("$SELECT_FLOOR" '$.data[*]' 3 "${files[@]}") || {
		echo "bench: floor-select (round $r) failed" >&2
		FAILED=1
		return 0
	}
	read -r n _ wall <<<"$out"
	[ "$n" = "$RECORDS" ] || { echo "bench: floor-select found $n records, expected $RECORDS" >&2 && FAILED=1; }
	echo "floor-select,$r,$n,$wall,$wall,0,0" >>"$RUNS"
	out=$("$PRODUCE_FLOOR" "$boot" "$topic" '$.data[*]' id "${files[@]}" 2>"$ROUNDDIR/produce.err") || {
		echo "bench: floor-produce (round $r) failed: $(tail -2 "$ROUNDDIR/produce.err")" >&2
		FAILED=1
		return 0
	}
	read -r n wall user <<<"$out"
	[ "$n" = "$RECORDS" ] || { echo "bench: floor-produce sent $n records, expected $RECORDS" >&2 && FAILED=1; }
	echo "floor-produce,$r,$n,$wall,$user,0,0" >>"$RUNS"
	tail -3 "$RUNS" | awk -F, '{ printf "  %-14s round %s: %6.3f s wall, %6.3f s CPU\n", $1, $2, $4, $5 + $6 }' >&2
}

# perf_top DATA: self time per library, self time per function, then
# time per function with its callees
perf_top() {
	echo "# perf record of httpsrc $(git -C "$ROOT" describe --always --dirty 2>/dev/null), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "## self time per library"
	perf report -i "$1" --stdio --no-children --sort dso -g none \
		--percent-limit 1 2>/dev/null | grep -v -e '^$' -e '^#'
	echo "## self time per function"
	perf report -i "$1" --stdio --no-children --sort dso,symbol -g none \
		--percent-limit 1 2>/dev/null | grep -v -e '^$' -e '^#'
	echo "## time per function with its callees"
	perf report -i "$1" --stdio --children --sort symbol -g none \
		--percent-limit 3 2>/dev/null | grep -v -e '^$' -e '^#'
}

part_profile() {
	say "Profile: one httpsrc throughput run (perf record)"
	"$SHARED/serve.sh" "$WORK/w" >/dev/null
	API=$(sed -n 's/^API=//p' "$WORK/w/env")
	ROUNDDIR=$WORK/profile
	mkdir -p "$ROUNDDIR"
	start_mock "$ROUNDDIR" "hs-profile:$PARTITIONS"
	httpsrc_round profile perf
	perf_top "$WORK/perf.data" >"$RES/profile.txt"
	stop_pid "$MOCK_PID"
	"$SHARED/stop.sh" "$WORK/w"
	rm -f "$WORK/w/env"
	start_nginx2
	scale_one "${SIZES##*,}" 30 "$WORK/scale-profile.csv" \
		"$RES/profile-scale.txt"
	say "Profiles in $RES/profile.txt, $RES/profile-scale.txt"
}

python_round() { # ROUND TOPIC
	timed python "$1" $PY "$SHARED/py_poller.py" "$BOOT" "$2" "$API"
	[ "$(tail -1 "$ROUNDDIR/python.err")" = "$RECORDS" ] ||
		{ echo "bench: python round $1 did not report $RECORDS records" >&2 && FAILED=1; }
}

# throughput_rounds KIND NAME [PARTS]: the throughput rounds into KIND's
# Kafka (mock: a fresh mock cluster a round; real: the broker at BOOT,
# topics created a round) with RUNS=$RES/NAME.csv and the NAME_* files
# beside it; the topics have PARTS partitions (default PARTITIONS)
throughput_rounds() {
	local kind=$1 name=$2 p=${3:-$PARTITIONS} r topics
	"$SHARED/serve.sh" "$WORK/w" >/dev/null
	API=$(sed -n 's/^API=//p' "$WORK/w/env")
	# the real broker warmed once, with the pages serve.sh wrote
	if [ "$kind" = real ] && [ -z "${BROKER_WARM:-}" ]; then
		warm_broker "$WORK/w/www/page*.json"
		BROKER_WARM=1
	fi
	RUNS=$RES/$name.csv
	echo "tool,round,records,wall_s,user_s,sys_s,rss_kb" >"$RUNS"
	echo "topic,records,distinct_keys" >"$RES/${name}_verify.csv"
	echo "round,load1_before,python_position" >"$RES/${name}_rounds.csv"
	for r in $(seq "$ROUNDS"); do
		ROUNDDIR=$WORK/round$r
		mkdir -p "$ROUNDDIR"
		# The mock keeps only the last 5 MiB of a partition: the 70 MB
		# of a run can be read back only from a topic of many
		# partitions (auto-created topics get 4).
		topics=("$name-py-$r:$p" "$name-hs-$r:$p" "$name-sh-$r:$p" "$name-pf-$r:$p")
		if [ "$kind" = mock ]; then
			start_mock "$ROUNDDIR" "${topics[@]}"
		else
			"$MKTOPIC" -b "$BOOT" "${topics[@]}" >/dev/null ||
				die "could not create the round's topics on $BOOT"
		fi
		# The order alternates (odd rounds: Python first): neither tool
		# always runs in the other's wake (its page cache, the load it
		# leaves); the load average before each round goes beside it.
		echo "$r,$(cut -d' ' -f1 /proc/loadavg),$((r % 2 ? 1 : 2))" >>"$RES/${name}_rounds.csv"
		say "Round $r/$ROUNDS (Kafka $BOOT, load $(cut -d' ' -f1 /proc/loadavg))"
		[ $((r % 2)) = 0 ] || python_round "$r" "$name-py-$r"
		VERIFY_CSV=$RES/${name}_verify.csv httpsrc_round "$r" "" "$name-hs-$r"
		[ $((r % 2)) = 1 ] || python_round "$r" "$name-py-$r"
		[ "$r" != 1 ] || [ "$kind" != mock ] ||
			timed shell "$r" bash "$SHARED/shell_pipeline.sh" "$BOOT" "$name-sh-$r" "$API"
		floors "$r" "$BOOT" "$name-pf-$r" "$WORK/w/www/page*.json" \
			"$API" "$API?cursor=[1-$(($(ls "$WORK"/w/www/page*.json | wc -l) - 1))]"
		[ "$kind" != mock ] || stop_pid "$MOCK_PID"
		rm -rf "$ROUNDDIR"
	done
	"$SHARED/stop.sh" "$WORK/w"
	rm -f "$WORK/w/env"
	echo >&2
	$LIB throughput "$RUNS" "$RES/${name}_summary.csv"
}

part_throughput() {
	say "Throughput: serving the workload ($SHARED/serve.sh), into the mock cluster"
	throughput_rounds mock throughput
}

# start_broker: one real broker (tests/kafka/kafka.sh) run as
# kafka-server-start.sh runs it (BROKER_JVM_OPTS, not the tests' fast-
# starting C1-only JVM), with its first producer id block taken. Sets BOOT.
start_broker() {
	BOOT=$(KAFKA_JVM_OPTS=$BROKER_JVM_OPTS "$KAFKA_SH" start "$WORK/kafka" 1)
	$LIB warm "$BOOT" || die "the broker at $BOOT took no record"
}

# warm_broker PAGES_GLOB: the workload's records once into a throwaway
# topic before either peer, so that every round meets compiled code, as
# the clients of a broker that has been up for a while do.
warm_broker() {
	# shellcheck disable=SC2086 # the glob expands to the page files
	"$MKTOPIC" -b "$BOOT" "warm-up:$PARTITIONS" >/dev/null &&
		"$PRODUCE_FLOOR" "$BOOT" warm-up '$.data[*]' id $1 >/dev/null ||
		die "the broker at $BOOT did not take the warm-up records"
}

# the same rounds into one real broker (tests/kafka/kafka.sh), into topics
# of 1 partition (Kafka's num.partitions default), then of PARTITIONS (as
# on the mock): the broker's work per record depends on the batches'
# size, which the partitions divide
part_real() {
	local msg
	msg=$("$KAFKA_SH" check) || die "$msg"
	"$KAFKA_SH" fetch
	say "Throughput: serving the workload ($SHARED/serve.sh), into a real broker"
	start_broker
	BROKER_PID=$(cat "$WORK"/kafka/broker-*.pid)
	local p
	for p in 1 "$PARTITIONS"; do
		BROKER_CSV=$RES/real_p${p}_broker.csv
		echo "tool,round,broker_cpu_s" >"$BROKER_CSV"
		throughput_rounds real "real_p$p" "$p"
		$LIB broker-cpu "$BROKER_CSV" "$RES/real_p${p}_broker_summary.csv" >&2
	done
	BROKER_PID=""
	"$KAFKA_SH" stop "$WORK/kafka"
}

# ------------------------------------------------------------------ cores

# cpu_jiffies CPULIST: "busy total" jiffies summed over those CPUs of
# /proc/stat (busy: user nice system irq softirq steal), for how busy the
# cores were during a round, whoever kept them busy.
cpu_jiffies() {
	awk -v want=",$1," '$1 ~ /^cpu[0-9]+$/ && index(want, "," substr($1, 4) ",") {
		b += $2 + $3 + $4 + $7 + $8 + $9; t += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }
		END { print b, t }' /proc/stat
}

# pin CPULIST PID...: every thread of each process onto those CPUs
pin() {
	local cpus=$1 p
	shift
	for p in "$@"; do
		taskset -a -p -c "$cpus" "$p" >/dev/null ||
			die "taskset could not pin process $p onto CPUs $cpus"
	done
}

# cores_round ROUND N CPULIST: one httpsrc-connect --once with N
# connectors, each paging its own copy of the API (?api=K) into its own
# topic, with it, nginx and the mock cluster pinned onto CPULIST; every
# topic read back. Rows "N-connectors-Kcpu" of RUNS (records = N x
# RECORDS), with how busy those CPUs were (all processes of the machine).
cores_round() {
	local r=$1 n=$2 cpus=$3 d=$ROUNDDIR/c$2-${3//,/} k rc=0 wall user sys rss
	local conns=() ncpu b0 t0 b1 t1
	ncpu=$(echo "$cpus" | tr ',' '\n' | wc -l)
	mkdir -p "$d"
	write_worker "$d"
	for k in $(seq "$n"); do
		cursor_connector "$d/c$k.json" "bench-cores-$n-$k-$r" "co$n-$ncpu-$k-$r" "$API?api=$k" 1000
		conns+=("$d/c$k.json")
	done
	# shellcheck disable=SC2046 # one PID a word
	pin "$cpus" "$MOCK_PID" $(cat "$WORK/w/nginx.pid") $(pgrep -P "$(cat "$WORK/w/nginx.pid")")
	read -r b0 t0 < <(cpu_jiffies "$cpus")
	/usr/bin/time -f "%e %U %S %M" -o "$d/time" taskset -c "$cpus" "$HOST" --once \
		"$d/worker.properties" "${conns[@]}" >"$d/out" 2>"$d/err" || rc=$?
	read -r b1 t1 < <(cpu_jiffies "$cpus")
	[ "$rc" = 0 ] || {
		echo "bench: $n connectors on CPUs $cpus (round $r) exited $rc: $(tail -3 "$d/err")" >&2
		FAILED=1
		return 0
	}
	read -r wall user sys rss <"$d/time"
	echo "$n-connectors-${ncpu}cpu,$r,$((n * RECORDS)),$wall,$user,$sys,$rss,$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t ? 100 * b / t : 0 }')" >>"$RUNS"
	tail -1 "$RUNS" | awk -F, '{ printf "  %-19s round %s: %6.2f s wall, %6.2f s CPU, %6.1f MB peak RSS, %8.0f records/s, its CPUs %s%% busy\n", $1, $2, $4, $5 + $6, $7 / 1024, $3 / $4, $8 }' >&2
	for k in $(seq "$n"); do
		verify "co$n-$ncpu-$k-$r" "$RES/cores_verify.csv"
	done
}

# 1 connector, then 8 connectors paging 8 copies of the API at once in one
# host, each on one core (httpsrc, nginx and the mock cluster pinned onto
# CPU 0) and on both: records/s of the 8 / records/s of the 1, and what the
# second core adds (the same job on 2 cores / on 1), with how busy the
# cores were.
part_cores() {
	say "Cores: 1 and 8 connectors paging their own API into the mock cluster, on 1 and 2 cores"
	[ "$(nproc)" -ge 2 ] || die "cores: this machine has $(nproc) CPU; the part compares 1 and 2 cores"
	command -v taskset >/dev/null || die "cores: taskset (util-linux) not found"
	"$SHARED/serve.sh" "$WORK/w" >/dev/null
	API=$(sed -n 's/^API=//p' "$WORK/w/env")
	RUNS=$RES/cores.csv
	echo "tool,round,records,wall_s,user_s,sys_s,rss_kb,cpus_busy_pct" >"$RUNS"
	echo "topic,records,distinct_keys" >"$RES/cores_verify.csv"
	local r k n c topics
	for r in $(seq "$ROUNDS"); do
		ROUNDDIR=$WORK/cores$r
		mkdir -p "$ROUNDDIR"
		topics=()
		for c in 1 2; do
			topics+=("co1-$c-1-$r:$PARTITIONS")
			for k in $(seq 8); do
				topics+=("co8-$c-$k-$r:$PARTITIONS")
			done
		done
		start_mock "$ROUNDDIR" "${topics[@]}"
		say "Round $r/$ROUNDS (Kafka $BOOT)"
		# the order alternates: neither core count always runs first
		for c in $([ $((r % 2)) = 1 ] && echo "0 0,1" || echo "0,1 0"); do
			for n in 1 8; do
				cores_round "$r" "$n" "$c"
			done
		done
		stop_pid "$MOCK_PID"
		rm -rf "$ROUNDDIR"
	done
	# shellcheck disable=SC2046 # one PID a word
	pin "0-$(($(nproc) - 1))" $(cat "$WORK/w/nginx.pid") $(pgrep -P "$(cat "$WORK/w/nginx.pid")")
	"$SHARED/stop.sh" "$WORK/w"
	rm -f "$WORK/w/env"
	$LIB cores "$RUNS" "$RES/cores_summary.csv" >&2
}

# -------------------------------------------------------------------- jvm

JVM_PAGES=20 JVM_PER=1000
IDLE_N=${BENCH_IDLE_CONNECTORS:-100} IDLE_S=${BENCH_IDLE_SECONDS:-60}
CASTORM_VERSION=0.8.11
# connect-standalone.sh's defaults (kafka-run-class.sh): what a user runs
CONNECT_JVM_OPTS="-Xms256M -Xmx2G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
	-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
	-XX:MaxInlineLevel=15 -Djava.awt.headless=true"
# castorm moves its cursor only in SourceTask.commit(), which standalone
# Connect calls after each offset flush (jvm-kafka.md 3.2): both short.
JVM_FLUSH_MS=50 JVM_POLL_MS=50

# The jar and its runtime dependencies (connect-api is "provided", not
# copied) in one plugin directory; sets CASTORM_DIR.
fetch_castorm() {
	local cache tmp
	if [ -n "${BENCH_CASTORM_DIR:-}" ]; then
		CASTORM_DIR=$(realpath -m "$BENCH_CASTORM_DIR")
		ls "$CASTORM_DIR"/kafka-connect-http-*.jar >/dev/null 2>&1 ||
			die "BENCH_CASTORM_DIR=$CASTORM_DIR holds no kafka-connect-http-*.jar"
		CASTORM_FROM="jars from BENCH_CASTORM_DIR: ${BENCH_CASTORM_FROM:-not from Maven Central}"
		return 0
	fi
	CASTORM_FROM="jars from Maven Central"
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/httpsrc/castorm-$CASTORM_VERSION
	CASTORM_DIR=$cache/plugins/kafka-connect-http
	[ ! -f "$cache/.built-from" ] ||
		CASTORM_FROM="jars $(cat "$cache/.built-from") by bench/build-castorm.sh"
	[ -f "$cache/.complete" ] && return 0
	command -v mvn >/dev/null || die "mvn not found (scripts/install-deps.sh installs it)"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.httpsrc</groupId><artifactId>castorm-plugin</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.github.castorm</groupId><artifactId>kafka-connect-http</artifactId><version>$CASTORM_VERSION</version></dependency>
  </dependencies>
</project>
POM
	say "Downloading castorm's kafka-connect-http $CASTORM_VERSION from Maven Central into $cache"
	if ! mvn -B -q -f "$tmp/pom.xml" -Dmaven.repo.local="$cache/m2" \
		org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1; then
		rm -rf "$tmp"
		say "castorm $CASTORM_VERSION is not on the reachable Maven Central: building it from its source tag (bench/build-castorm.sh)"
		"$BENCH/build-castorm.sh" >/dev/null ||
			die "no JVM peer: castorm's kafka-connect-http $CASTORM_VERSION is neither on Maven Central nor buildable here (above); build it with bench/build-castorm.sh [SOURCE] or set BENCH_CASTORM_DIR"
		CASTORM_FROM="jars $(cat "$cache/.built-from") by bench/build-castorm.sh"
		return 0
	fi
	rm -rf "$CASTORM_DIR"
	mkdir -p "$(dirname "$CASTORM_DIR")"
	mv "$tmp/libs" "$CASTORM_DIR"
	rm -rf "$tmp"
	touch "$cache/.complete"
}

# The keyset variant (benchlib keyset) behind nginx: GET /items?after=ID
# is the page after record ID: a file when ID ends a page, else the rest of
# ID's page from benchlib slicer (castorm's cursor can stop mid-page);
# sets JAPI, JFIRST.
serve_keyset() {
	local d=$WORK/jvm port
	mkdir -p "$d/raw" "$d/www"
	$PY "$SHARED/gen.py" "$d/raw" "$JVM_PAGES" "$JVM_PER"
	JFIRST=$($LIB keyset "$d/raw" "$d/www" "$JVM_PAGES")
	rm -rf "$d/raw"
	$LIB slicer "$d/www" "$d/slicer.port" 2>"$d/slicer.err" &
	PIDS+=("$!")
	for _ in $(seq 200); do
		[ -s "$d/slicer.port" ] && break
		sleep 0.05
	done
	[ -s "$d/slicer.port" ] || die "the keyset slicer did not start: $(cat "$d/slicer.err")"
	port=$(free_port)
	cat >"$d/nginx.conf" <<EOF
worker_processes 1; pid $d/nginx.pid; error_log $d/nginx.err;
events { worker_connections 1024; }
http { access_log off; map \$arg_after \$k { "" $JFIRST; default \$arg_after; }
  server { listen 127.0.0.1:$port; root $d/www; default_type application/json;
           location = /items { try_files /k\$k.json @slice; }
           location /idle/ { access_log $d/idle.log; return 200 '{"data":[]}'; }
           location @slice { proxy_pass http://127.0.0.1:$(cat "$d/slicer.port"); } } }
EOF
	nginx -c "$d/nginx.conf" || die "nginx did not start: $(cat "$d/nginx.err")"
	JAPI=http://127.0.0.1:$port/items
}

# watch_start TOPIC DIR: the end-offset watcher (benchlib watch), once the
# topic exists; sets WATCH_PID.
watch_start() {
	$LIB watch "$BOOT" "$1" "$RECORDS" "$2/watch" 300 >"$2/watch.out" 2>"$2/watch.err" &
	WATCH_PID=$!
	PIDS+=("$WATCH_PID")
	for _ in $(seq 600); do
		grep -qs ready "$2/watch.out" && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || die "the watcher of $1 failed: $(tail -2 "$2/watch.err")"
		sleep 0.05
	done
	die "the watcher of $1 did not start"
}

# watch_wait DIR: 0 once every record is in Kafka; sets T_FIRST (the
# reader got the first record), T_ALL (every key), T_APPEND (the broker
# appended the first record: its LogAppendTime)
watch_wait() {
	local rc=0
	wait "$WATCH_PID" || rc=$?
	forget "$WATCH_PID"
	[ "$rc" = 0 ] || return 1
	read -r T_FIRST T_ALL T_APPEND <"$1/watch"
}

# jvm_row TOOL ROUND T0 CPU_S RSS_KB: first_record_s is when the broker
# appended the first record (the same clock point for both peers, whatever
# the reader's own start-up), first_read_s when the reader got it
jvm_row() {
	awk -v n="$1" -v r="$2" -v t0="$3" -v tf="$T_FIRST" -v ta="$T_ALL" \
		-v tp="$T_APPEND" -v c="$4" -v m="$5" -v N="$RECORDS" 'BEGIN {
		printf "%s,%s,%d,%.3f,%.2f,%.2f,%.1f,%.0f,%.3f\n", n, r, N, tp - t0,
			ta - t0, c, m / 1024, N / (ta - t0), tf - t0 }' >>"$JRUNS"
	tail -1 "$JRUNS" | awk -F, '{ printf "  %-11s round %s: first record in Kafka after %6.3f s (read after %6.3f s), all after %6.2f s, %6.2f s CPU, %7.1f MB peak RSS, %7.0f records/s\n", $1, $2, $4, $9, $5, $6, $7, $8 }' >&2
}

castorm_worker() { # DIR
	cat >"$1/worker.properties" <<EOF
bootstrap.servers=$BOOT
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$1/connect.offsets
offset.flush.interval.ms=$JVM_FLUSH_MS
plugin.path=$(dirname "$CASTORM_DIR")
listeners=http://127.0.0.1:$(free_port)
producer.linger.ms=5
EOF
}

castorm_props() { # FILE NAME TOPIC URL FIRST_ID INTERVAL_MS
	cat >"$1" <<EOF
name=$2
connector.class=com.github.castorm.kafka.connect.http.HttpSourceConnector
tasks.max=1
kafka.topic=$3
http.request.url=$4
http.request.params=after=\${offset.id}
http.offset.initial=id=$5
http.timer=com.github.castorm.kafka.connect.timer.FixedIntervalTimer
http.timer.interval.millis=$6
http.response.list.pointer=/data
http.response.record.offset.pointer=key=/id, id=/id
http.response.record.mapper=com.github.castorm.kafka.connect.http.record.StringKvSourceRecordMapper
EOF
}

castorm_round() { # ROUND
	local r=$1 d=$WORK/jvm/cs$1 t0 pid cpu hwm
	mkdir -p "$d"
	ROUNDDIR=$d
	castorm_worker "$d"
	castorm_props "$d/castorm.properties" "castorm-$r" "jvm-cs-$r" "$JAPI" \
		"$JFIRST" "$JVM_POLL_MS"
	watch_start "jvm-cs-$r" "$d"
	t0=$(now)
	# shellcheck disable=SC2086 # word splitting of the JVM options
	"$JAVA" $CONNECT_JVM_OPTS -Dlog4j2.configurationFile="$KCACHE/log4j2.properties" \
		-cp "$KCP" org.apache.kafka.connect.cli.ConnectStandalone \
		"$d/worker.properties" "$d/castorm.properties" >"$d/connect.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	if ! watch_wait "$d"; then
		echo "bench: castorm round $r: not every record reached Kafka: $(tail -2 "$d/watch.err"); Connect's log: $(grep -m3 -E ' (ERROR|WARN) ' "$d/connect.log")" >&2
		cp "$d/connect.log" "$RES/jvm-connect-failed.log" 2>/dev/null || true
		stop_pid "$pid"
		FAILED=1
		return 0
	fi
	cpu=$(proc_cpu "$pid")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	stop_pid "$pid"
	jvm_row connect "$r" "$t0" "$cpu" "$hwm"
	verify "jvm-cs-$r" "$RES/jvm_verify.csv" dups-ok
}

# httpsrc_jvm_round ROUND [eos]: eos: exactly.once.source.support=enabled
# (offsets in a topic; a transaction per page holds its records and offset)
httpsrc_jvm_round() {
	local r=$1 mode=${2:-} d=$WORK/jvm/hs${2:-}$1 t0 rc=0 wall user sys rss
	local tool=httpsrc topic=jvm-hs-$1
	mkdir -p "$d"
	ROUNDDIR=$d
	if [ "$mode" = eos ]; then
		tool=httpsrc-eos topic=jvm-hseos-$r
		OFFSETS_TOPIC=bench-offsets-$r write_worker "$d" \
			"exactly.once.source.support=enabled"
	else
		write_worker "$d"
	fi
	cursor_connector "$d/c.json" "bench-jvm-$tool-$r" "$topic" "$JAPI" 1000 after
	watch_start "$topic" "$d"
	t0=$(now)
	# shellcheck disable=SC2086 # HOST_ARGS: none or one word
	/usr/bin/time -f "%e %U %S %M" -o "$d/time" "$HOST" --once ${HOST_ARGS:-} \
		"$d/worker.properties" "$d/c.json" >"$d/out" 2>"$d/err" || rc=$?
	if [ "$rc" != 0 ] || ! watch_wait "$d"; then
		echo "bench: $tool round $r exited $rc: $(tail -3 "$d/err")" >&2
		FAILED=1
		return 0
	fi
	read -r wall user sys rss <"$d/time"
	[ -z "${HOST_FIRST:-}" ] ||
		echo "$r,$($LIB host-first "$d/err" "$t0")" >>"$HOST_FIRST"
	jvm_row "$tool" "$r" "$t0" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss"
	verify "$topic" "$RES/jvm_verify.csv"
}

JRUNS_HEADER=tool,round,records,first_record_s,wall_s,cpu_s,peak_rss_mb,records_per_s,first_read_s

# jvm_setup: the broker, castorm, the keyset API
jvm_setup() {
	local msg
	msg=$("$KAFKA_SH" check) || die "$msg"
	[ "$FULL" = 1 ] && JVM_PAGES=200
	RECORDS=$((JVM_PAGES * JVM_PER))
	"$KAFKA_SH" fetch
	fetch_castorm
	KCP=$("$KAFKA_SH" classpath)
	KCACHE=$(dirname "$(dirname "$KCP")")
	JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
	[ -n "$JAVA" ] || JAVA=$(command -v java)
	say "JVM peer: a real broker (tests/kafka/kafka.sh), $JVM_PAGES pages x $JVM_PER records (keyset)"
	start_broker
	serve_keyset
	warm_broker "$WORK/jvm/www/k*.json"
}

# part_first: only the time from the process start to the first record in
# Kafka, Connect + castorm and httpsrc interleaved (the order alternating),
# into results/first/ (jvm.csv, jvm_verify.csv, jvm_summary.csv;
# host_first.csv: httpsrc's first request and first acknowledgement from
# its debug log, and its producer id retries)
part_first() {
	local r
	jvm_setup
	RES=$RES/first
	mkdir -p "$RES"
	JRUNS=$RES/jvm.csv
	echo "$JRUNS_HEADER" >"$JRUNS"
	echo "topic,records,distinct_keys" >"$RES/jvm_verify.csv"
	# httpsrc's own clock points, from its debug log (benchlib host-first)
	HOST_ARGS=--log-level=debug HOST_FIRST=$RES/host_first.csv
	echo "round,first_request_s,first_ack_s,pid_retries" >"$HOST_FIRST"
	for r in $(seq "$ROUNDS"); do
		say "Round $r/$ROUNDS (Kafka $BOOT), load $(cut -d' ' -f1 /proc/loadavg)"
		if [ $((r % 2)) = 1 ]; then
			castorm_round "$r"
			httpsrc_jvm_round "$r"
		else
			httpsrc_jvm_round "$r"
			castorm_round "$r"
		fi
	done
	kill -QUIT "$(cat "$WORK/jvm/nginx.pid")" 2>/dev/null || true
	"$KAFKA_SH" stop "$WORK/kafka"
	echo >&2
	$LIB jvm "$JRUNS" "$RES/jvm_summary.csv"
	say "Results in $RES/jvm.csv, $RES/jvm_summary.csv"
}

part_jvm() {
	local r
	jvm_setup
	JRUNS=$RES/jvm.csv
	echo "$JRUNS_HEADER" >"$JRUNS"
	# each stage alone on the real broker, and httpsrc's wall time (from
	# its rounds) as a multiple of the slowest (benchlib throughput)
	JFLOORS=$WORK/jvm/floors.csv
	echo "tool,round,records,wall_s,user_s,sys_s,rss_kb" >"$JFLOORS"
	echo "topic,records,distinct_keys" >"$RES/jvm_verify.csv"
	for r in $(seq "$ROUNDS"); do
		say "Round $r/$ROUNDS (Kafka $BOOT)"
		castorm_round "$r"
		httpsrc_jvm_round "$r"
		httpsrc_jvm_round "$r" eos
		ROUNDDIR=$WORK/jvm/floors$r
		mkdir -p "$ROUNDDIR"
		RUNS=$JFLOORS floors "$r" "$BOOT" "jvm-pf-$r" "$WORK/jvm/www/k*.json" \
			"$(dirname "$JAPI")/{$(cd "$WORK/jvm/www" && ls k*.json | paste -sd,)}"
	done
	[ "$IDLE_N" = 0 ] || part_idle
	kill -QUIT "$(cat "$WORK/jvm/nginx.pid")" 2>/dev/null || true
	"$KAFKA_SH" stop "$WORK/kafka"
	echo >&2
	$LIB jvm "$JRUNS" "$RES/jvm_summary.csv"
	awk -F, 'NR > 1 && $1 == "httpsrc" { printf "httpsrc,%s,%s,%s,%s,0,0\n", $2, $3, $5, $6 }' \
		"$JRUNS" >>"$JFLOORS"
	$LIB throughput "$JFLOORS" "$WORK/jvm/fl_summary.csv" >&2
	cp "$WORK/jvm/fl_floors.csv" "$RES/jvm_floors.csv"
	$LIB jvm-section "$RES" "$(machine)" "$JVM_PAGES" "$JVM_PER" "$ROUNDS" \
		"$CASTORM_FROM"
	jvm_chart
	say "Results in $RES/jvm.csv, $RES/results.md"
}

# idle_wait TOOL PID T0: until the idle API got IDLE_N requests (each
# connector polls once when it starts); sets IDLE_STARTUP
idle_wait() {
	local log=$WORK/jvm/idle.log
	for _ in $(seq 6000); do
		kill -0 "$2" 2>/dev/null || die "idle: $1 exited before its connectors polled"
		if [ "$(wc -l <"$log")" -ge "$IDLE_N" ]; then
			IDLE_STARTUP=$(awk -v a="$(now)" -v b="$3" 'BEGIN { printf "%.2f", a - b }')
			return 0
		fi
		sleep 0.1
	done
	die "idle: $1's $IDLE_N connectors did not all poll within 600 s"
}

# idle_measure TOOL PID: CPU and memory of PID over IDLE_S seconds once its
# connectors run; a row of RES/idle.csv
idle_measure() {
	local c0 c1 t0 t1 rss hwm
	sleep 5 # past the start
	t0=$(now)
	c0=$(proc_cpu "$2")
	sleep "$IDLE_S"
	t1=$(now)
	c1=$(proc_cpu "$2")
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$2/status")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$2/status")
	awk -v n="$1" -v k="$IDLE_N" -v st="$IDLE_STARTUP" -v c0="$c0" -v c1="$c1" \
		-v t0="$t0" -v t1="$t1" -v rss="$rss" -v hwm="$hwm" 'BEGIN {
		printf "%s,%d,%s,%.0f,%.2f,%.2f,%.1f,%.1f\n", n, k, st, t1 - t0,
			c1 - c0, 100 * (c1 - c0) / (t1 - t0), rss / 1024, hwm / 1024 }' >>"$RES/idle.csv"
	tail -1 "$RES/idle.csv" | awk -F, '{ printf "  %-8s %s connectors: all polled after %s s; over %s s: %s s CPU = %s %% of a core, RSS %s MB (peak %s MB)\n", $1, $2, $3, $4, $5, $6, $7, $8 }' >&2
}

# IDLE_N connectors polling every 10 s an API with nothing new
# ({"data":[]}), in one httpsrc-connect, then in one Connect standalone
# worker with castorm: CPU and RSS over IDLE_S seconds.
part_idle() {
	local d=$WORK/jvm/idle k pid t0 props=()
	mkdir -p "$d/hs" "$d/cs"
	echo "tool,connectors,startup_s,window_s,cpu_s,cpu_pct,rss_mb,peak_rss_mb" >"$RES/idle.csv"
	say "Idle: $IDLE_N connectors polling every 10 s, httpsrc then Connect"
	: >"$WORK/jvm/idle.log"
	ROUNDDIR=$d/hs
	write_worker "$d/hs"
	for k in $(seq "$IDLE_N"); do
		cursor_connector "$d/hs/c$k.json" "idle-$k" "idle-hs" "$(dirname "$JAPI")/idle/$k" 10000 after
	done
	t0=$(now)
	(
		raise_fd_limit
		exec "$HOST" "$d/hs/worker.properties" "$d"/hs/c*.json 2>"$d/hs/host.log"
	) &
	pid=$!
	PIDS+=("$pid")
	idle_wait httpsrc "$pid" "$t0"
	idle_measure httpsrc "$pid"
	stop_host "$pid" "$IDLE_N idle connectors"
	: >"$WORK/jvm/idle.log"
	castorm_worker "$d/cs"
	for k in $(seq "$IDLE_N"); do
		castorm_props "$d/cs/c$k.properties" "idle-$k" idle-cs \
			"$(dirname "$JAPI")/idle/$k" 0 10000
		props+=("$d/cs/c$k.properties")
	done
	t0=$(now)
	# shellcheck disable=SC2086 # word splitting of the JVM options
	"$JAVA" $CONNECT_JVM_OPTS -Dlog4j2.configurationFile="$KCACHE/log4j2.properties" \
		-cp "$KCP" org.apache.kafka.connect.cli.ConnectStandalone \
		"$d/cs/worker.properties" "${props[@]}" >"$d/cs/connect.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	idle_wait connect "$pid" "$t0"
	idle_measure connect "$pid"
	stop_pid "$pid"
	$LIB md-table "$RES/idle.csv" >&2
}

# jvm_chart: jvm.png from jvm_summary.csv: httpsrc (at-least-once and
# exactly-once) beside Connect + castorm, one panel per measure, log scale
jvm_chart() {
	[ -f "$RES/jvm_summary.csv" ] || return 0
	grep -v '^ratio' "$RES/jvm_summary.csv" >"$WORK/jvm_chart.csv"
	(
		cd "$WORK" && gnuplot <<'EOF'
set terminal pngcairo size 1000,380 font "sans,9"
set output 'jvm.png'
set datafile separator ','
set multiplot layout 1,4 title "Kafka Connect + castorm vs httpsrc-connect: same keyset API, same real broker (medians, log scale)"
set style fill solid 0.85 border -1
set boxwidth 0.6
set logscale y
set grid ytics
set xtics scale 0 rotate by -25
set offsets 0.5, 0.5, 0, 0
set bmargin 5
unset key
set title "records/s (higher is better)"
plot 'jvm_chart.csv' skip 1 using 0:3:xtic(1) with boxes lc rgb '#3b7dd8', '' skip 1 using 0:3:(sprintf("%.0f", $3)) with labels offset 0,0.7
set title "seconds to the first record"
plot 'jvm_chart.csv' skip 1 using 0:4:xtic(1) with boxes lc rgb '#d8763b', '' skip 1 using 0:4:(sprintf("%.2f", $4)) with labels offset 0,0.7
set title "CPU seconds"
plot 'jvm_chart.csv' skip 1 using 0:6:xtic(1) with boxes lc rgb '#d8763b', '' skip 1 using 0:6:(sprintf("%.2f", $6)) with labels offset 0,0.7
set title "peak RSS MB"
plot 'jvm_chart.csv' skip 1 using 0:7:xtic(1) with boxes lc rgb '#d8763b', '' skip 1 using 0:7:(sprintf("%.0f", $7)) with labels offset 0,0.7
unset multiplot
EOF
	) && cp "$WORK/jvm.png" "$RES/jvm.png"
}

# ---------------------------------------------------- nginx for scale/latency

start_nginx2() {
	[ -f "$WORK/nginx2/nginx.pid" ] && return 0
	local d=$WORK/nginx2
	mkdir -p "$d/srv/lat"
	echo '{"data":[{"id":1,"type":"PushEvent","public":true}]}' >"$d/srv/one.json"
	PORT2=$(free_port)
	cat >"$d/nginx.conf" <<EOF
worker_processes 1; worker_rlimit_nofile 65536;
pid $d/nginx.pid; error_log $d/error.log;
events { worker_connections 30000; }
http {
  log_format bench '\$msec \$request_uri \$connection_requests';
  access_log $d/access.log bench buffer=256k flush=1s;
  keepalive_timeout 300s; keepalive_requests 1000000;
  map \$arg_cursor \$lpg { "" 0; default \$arg_cursor; }
  server {
    listen 127.0.0.1:$PORT2 backlog=16384;
    root $d/srv; default_type application/json;
    location /c/ { rewrite ^ /one.json break; }
    location = /lat { access_log off; rewrite ^ /lat/p\$lpg.json break; }
  }
}
EOF
	nginx -c "$d/nginx.conf" || die "nginx did not start: $(cat "$d/error.log")"
}

# ------------------------------------------------------------------ scale

# scale_one N SECONDS CSV [PERF_REPORT]
scale_one() {
	local n=$1 secs=$2 csv=$3 perf_out=${4:-} d=$WORK/scale$1
	local log=$WORK/nginx2/access.log
	local launch t_first t0 t1 cpu0 cpu1 hwm pid startup
	mkdir -p "$d/conn"
	start_mock "$d"
	write_worker "$d"
	$LIB connectors "$d/conn" "$n" "http://127.0.0.1:$PORT2/c" scale
	sleep 1.2 # nginx flushes its log every second: start it empty
	: >"$log"
	say "Scale: $n connectors, ${secs} s"
	launch=$(now)
	(
		raise_fd_limit
		exec "$HOST" "$d/worker.properties" "$d"/conn/c*.json 2>"$d/host.log"
	) &
	pid=$!
	PIDS+=("$pid")
	t_first=""
	for _ in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || die "httpsrc-connect exited: $(tail -3 "$d/host.log")"
		t_first=$($LIB first-polls "$log" "$n")
		[ -n "$t_first" ] && break
		sleep 0.5
	done
	[ -n "$t_first" ] || die "$n connectors: not every one polled within 300 s"
	startup=$(awk -v a="$t_first" -v b="$launch" 'BEGIN { printf "%.2f", a - b }')
	sleep 2 # past the catch-up poll that follows each first poll
	t0=$(now)
	cpu0=$(proc_cpu "$pid")
	if [ -n "$perf_out" ]; then
		perf record -q -F 250 --call-graph dwarf,8192 -p "$pid" \
			-o "$WORK/perf-scale.data" -- sleep "$secs" 2>/dev/null
		perf_top "$WORK/perf-scale.data" >"$perf_out"
	else
		sleep "$secs"
	fi
	t1=$(now)
	cpu1=$(proc_cpu "$pid")
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	stop_host "$pid" "$n connectors"
	stop_pid "$MOCK_PID"
	sleep 1.2
	local j
	j=$($LIB jitter "$log" "$t0" "$t1" "$n" 10)
	[ -z "${BENCH_KEEP_LOGS:-}" ] || { cp "$log" "$BENCH_KEEP_LOGS/access-$n.log" && cp "$d/host.log" "$BENCH_KEEP_LOGS/host-$n.log" && echo "$t0 $t1 $launch $t_first" >"$BENCH_KEEP_LOGS/window-$n"; }
	awk -v n="$n" -v s="$secs" -v st="$startup" -v c0="$cpu0" -v c1="$cpu1" \
		-v t0="$t0" -v t1="$t1" -v hwm="$hwm" -v j="$j" 'BEGIN {
		printf "%d,%d,%.2f,%.2f,%.2f,%.1f,%s\n", n, s, st, c1 - c0,
			100 * (c1 - c0) / (t1 - t0), hwm / 1024, j }' >>"$csv"
	tail -1 "$csv" | awk -F, '{ printf "  %s connectors: startup %s s, CPU %s s = %s %% of a core, peak RSS %s MB, %s requests (%s on a new connection), jitter p50 %s ms p99 %s ms max %s ms, missed polls %s\n", $1, $3, $4, $5, $6, $7, $8, $10, $11, $12, $13 }' >&2
	grep -E ' (ERROR|WARN) ' "$d/host.log" | head -3 >&2 || true
	rm -rf "$d"
}

part_scale() {
	start_nginx2
	echo "connectors,duration_s,startup_s,cpu_s,cpu_pct,peak_rss_mb,requests,new_connections,intervals,jitter_p50_ms,jitter_p99_ms,jitter_max_ms,missed_polls,connectors_missing_polls" >"$RES/scale.csv"
	local n secs
	for n in ${SIZES//,/ }; do
		secs=$SCALE_S
		[ "$FULL" = 1 ] && [ "$n" -ge 10000 ] && secs=300
		scale_one "$n" "$secs" "$RES/scale.csv"
	done
	echo >&2
	$LIB md-table "$RES/scale.csv"
}

# ---------------------------------------------------------------- latency

part_latency() {
	start_nginx2
	local d=$WORK/latency writer pid
	mkdir -p "$d"
	rm -f "$WORK/nginx2/srv/lat/"*
	# Four partitions: a page's records go out in several produce
	# requests at once. (Before mockkafka set TCP_NODELAY, as Kafka's
	# brokers do, Nagle held the last response for the client's delayed
	# ACK, 40 ms, and this topic had to have one partition.)
	start_mock "$d" lat:4
	write_worker "$d"
	cursor_connector "$d/c.json" bench-lat lat "http://127.0.0.1:$PORT2/lat" 1000
	say "Latency: one page of 100 records a second for $LAT_S s"
	$LIB writer "$WORK/nginx2/srv/lat" $((LAT_S + 5)) 100 &
	writer=$!
	PIDS+=("$writer")
	while [ ! -f "$WORK/nginx2/srv/lat/p0.json" ]; do sleep 0.05; done
	"$HOST" --log-level debug "$d/worker.properties" "$d/c.json" 2>"$d/host.log" &
	pid=$!
	PIDS+=("$pid")
	sleep "$LAT_S"
	stop_host "$pid" latency
	stop_pid "$writer"
	stop_pid "$MOCK_PID"
	echo "pages,p50_ms,p99_ms,max_ms" >"$RES/latency.csv"
	$LIB latency "$d/host.log" "$RES/latency_samples.csv" >>"$RES/latency.csv"
	IFS=, read -r pages p50 p99 mx < <(tail -1 "$RES/latency.csv")
	echo "  $pages pages: p50 $p50 ms, p99 $p99 ms, max $mx ms" >&2
	[ "$pages" -ge $((LAT_S / 2)) ] || {
		echo "bench: latency: only $pages pages acknowledged in $LAT_S s" >&2
		FAILED=1
	}
}

# ----------------------------------------------------------------- report

charts() {
	cd "$RES"
	if [ -f throughput_summary.csv ]; then
		gnuplot <<'EOF'
set terminal pngcairo size 720,420 font "sans,10"
set output 'throughput.png'
set datafile separator ','
set title "200 000 records from a paginated API into Kafka (median records/s)"
set style fill solid 0.85 border -1
set boxwidth 0.6
set grid ytics
set ylabel 'records/s'
stats 'throughput_summary.csv' skip 1 using 3 nooutput
set yrange [0:STATS_max * 1.12]
plot 'throughput_summary.csv' skip 1 using 0:3:xtic(1) with boxes lc rgb '#3b7dd8' notitle, \
     '' skip 1 using 0:3:3 with labels offset 0,0.8 notitle
EOF
	fi
	if [ -f scale.csv ]; then
		gnuplot <<'EOF'
set terminal pngcairo size 720,420 font "sans,10"
set output 'scale.png'
set datafile separator ','
set title "httpsrc-connect: connectors polling every 10 s"
set logscale x
set xlabel 'connectors'
set ylabel 'CPU (% of one core)'
set y2label 'peak RSS (MB)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set key top left
plot 'scale.csv' skip 1 using 1:5 with linespoints lw 2 pt 7 title 'CPU %', \
     '' skip 1 using 1:6 axes x1y2 with linespoints lw 2 pt 5 title 'peak RSS MB'
EOF
	fi
	cd - >/dev/null
}

machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	printf 'Machine: %s, %s cores, %s MB RAM, Linux %s. ' "$cpu" "$(nproc)" \
		"$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)" "$(uname -r)"
	# "-dirty" only for changed sources: the results written so far by
	# this run do not count
	local rev
	rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
	git -C "$ROOT" diff --quiet HEAD -- . ':!bench/results' 2>/dev/null ||
		rev=$rev-dirty
	printf 'httpsrc %s (release build), librdkafka %s, %s. ' "$rev" \
		"$(dpkg-query -W -f='${Version}' librdkafka-dev 2>/dev/null)" \
		"$(nginx -v 2>&1 | sed 's/.*: //')"
	printf 'Run %s to %s; load average before the run %s (other processes share the machine); the bench at %s.\n' \
		"$START0" "$(date -u +%H:%MZ)" "$LOAD0" "$PRIORITY"
}

# ------------------------------------------------------------------- main

FAILED=0
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
NICE=${BENCH_NICE:--20}
[[ $NICE =~ ^-?[0-9]+$ ]] || die "BENCH_NICE: '$NICE' is not a niceness (-20..19)"
PRIORITY="niceness 0"
# With autogroup scheduling (sched_autogroup_enabled=1) a process's nice
# value only orders it within its session's group: the group's own nice
# (/proc/PID/autogroup) is what counts against the other sessions. Both
# are set; the group's is put back at exit (it is the caller's session).
AUTOGROUP_WAS=""
set_priority() {
	renice -n "$NICE" -p $$ >/dev/null 2>&1 || return 1
	if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
		AUTOGROUP_WAS=$(sed -n 's/.* nice //p' /proc/$$/autogroup 2>/dev/null)
		echo "$NICE" 2>/dev/null >/proc/$$/autogroup || return 1
	fi
}
if [ "$NICE" != 0 ]; then
	if set_priority; then
		PRIORITY="niceness $NICE (BENCH_NICE; its session's scheduling group too), tools, nginx and Kafka alike"
	else
		say "BENCH_NICE=$NICE not permitted here: running at the default priority"
	fi
fi
START0=$(date -u +%Y-%m-%dT%H:%MZ)
install_missing
build
mkdir -p "$RES"
[ "$PART" = profile ] && { part_profile; exit "$FAILED"; }
[ "$PART" = jvm ] && { part_jvm; exit "$FAILED"; }
[ "$PART" = first ] && { part_first; exit "$FAILED"; }
case $PART in
throughput) part_throughput ;;
real) part_real ;;
scale) part_scale ;;
latency) part_latency ;;
cores) part_cores ;;
all)
	part_throughput
	part_cores
	part_scale
	part_latency
	;;
esac
charts
$LIB report "$RES" "$(machine)"
say "Results in $RES/results.md"
exit "$FAILED"
