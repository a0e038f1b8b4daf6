#!/bin/bash
# The README's demo: build libhttpsrc, start a local REST API and an embedded
# Kafka, stream every page of the API into a topic with httpsrc-connect
# --once, then show what landed in Kafka and the stored offset.
#
# Usage: scripts/demo.sh [BUILD_DIR=build]
# Environment: DEMO_RECORDS (2000), DEMO_PAGE_SIZE (100), DEMO_PORT (0 = any
# free port), DEMO_DIR (.demo).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath -m "${1:-$ROOT/build}")
RECORDS=${DEMO_RECORDS:-2000}
PAGE_SIZE=${DEMO_PAGE_SIZE:-100}
DEMO=$(realpath -m "${DEMO_DIR:-$ROOT/.demo}")
EXAMPLE=$ROOT/examples/connectors/github-events-cursor.json

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_line FILE REGEX: print the first matching line (5 s at most).
wait_line() {
	local _
	for _ in $(seq 50); do
		grep -m1 -E "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

now() { date +%s.%N; }

say "Installing build dependencies (scripts/install-deps.sh)"
"$ROOT/scripts/install-deps.sh"

say "Building in $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" >/dev/null
fi
meson compile -C "$BUILD" >/dev/null
HOST=$BUILD/cli/httpsrc-connect
API_SERVER=$BUILD/tests/fixture/api_server
MOCKKAFKA=$BUILD/tests/tools/mockkafka
CONSUME=$BUILD/tests/tools/consume
for b in "$HOST" "$API_SERVER" "$MOCKKAFKA" "$CONSUME"; do
	[ -x "$b" ] || die "$b was not built (is the build configured with -Dtests=true?)"
done

# Only ever delete a directory this script created.
if [ -e "$DEMO" ]; then
	[ -f "$DEMO/.httpsrc-demo" ] || die "$DEMO exists and is not a demo dir"
	rm -rf "$DEMO"
fi
mkdir -p "$DEMO"
touch "$DEMO/.httpsrc-demo"

say "Starting the demo REST API and the embedded Kafka"
"$API_SERVER" --port "${DEMO_PORT:-0}" --records "$RECORDS" \
	--page-size "$PAGE_SIZE" >"$DEMO/api.out" 2>"$DEMO/api.err" &
pids+=($!)
PORT=$(wait_line "$DEMO/api.out" '^PORT=[0-9]+$') ||
	die "the API server did not start: $(cat "$DEMO/api.err")"
API=http://127.0.0.1:${PORT#PORT=}
"$MOCKKAFKA" 1 >"$DEMO/kafka.out" 2>"$DEMO/kafka.err" &
pids+=($!)
BOOT=$(wait_line "$DEMO/kafka.out" '^[^ ]+:[0-9]+') ||
	die "the mock Kafka cluster did not start: $(cat "$DEMO/kafka.err")"

cat >"$DEMO/worker.properties" <<EOF
bootstrap.servers=$BOOT
offset.storage.file.filename=$DEMO/offsets.json
plugin.path=$BUILD/plugins
producer.linger.ms=5
EOF
sed "s|http://127.0.0.1:8080|$API|" "$EXAMPLE" >"$DEMO/github-events.json"
TOPIC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["kafka.topic"])' \
	"$DEMO/github-events.json")
NAME=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' \
	"$DEMO/github-events.json")

cat <<EOF

  REST API    $API/nested   ($RECORDS GitHub-like events, $PAGE_SIZE per page,
              cursor-paginated: ?after=<cursor>, next cursor at \$.meta.next)
  Kafka       $BOOT   topic "$TOPIC"
  Connector   $NAME   ($DEMO/github-events.json)
  Worker      $DEMO/worker.properties
  Offsets     $DEMO/offsets.json

  WARNING: this Kafka is librdkafka's in-process MOCK cluster, started only
  for this demo. Nothing is durable and it keeps only recent data. Point
  bootstrap.servers at a real cluster for real use.

EOF

say "Running: httpsrc-connect --once worker.properties github-events.json"
# Read the topic back as records arrive; its line count is the progress.
"$CONSUME" -b "$BOOT" -t "$TOPIC" -n "$RECORDS" -i 1500 -T 300000 \
	>"$DEMO/consumed.tsv" 2>"$DEMO/consume.err" &
CONSUMER=$!
pids+=("$CONSUMER")
(
	last=-1
	while kill -0 "$CONSUMER" 2>/dev/null; do
		n=$(wc -l <"$DEMO/consumed.tsv")
		[ "$n" -eq "$last" ] ||
			printf '  [progress] %d / %d records in Kafka\n' "$n" "$RECORDS"
		last=$n
		sleep 0.5
	done
) &
PROGRESS=$!
pids+=("$PROGRESS")

start=$(now)
rc=0
"$HOST" --once "$DEMO/worker.properties" "$DEMO/github-events.json" \
	2> >(sed 's/^/  [httpsrc-connect] /' >&2) || rc=$?
end=$(now)
[ "$rc" -eq 0 ] || die "httpsrc-connect exited with status $rc"

crc=0
wait "$CONSUMER" || crc=$?
wait "$PROGRESS" || true
got=$(wc -l <"$DEMO/consumed.tsv")
[ "$crc" -eq 0 ] || die "only $got of $RECORDS records could be read back from Kafka"

echo
say "Done"
awk -v n="$got" -v s="$start" -v e="$end" 'BEGIN {
	t = e - s
	printf "  records    %d\n  seconds    %.2f\n  records/s  %.0f\n", n, t, (t > 0 ? n / t : 0)
}'
echo "  stored offset ($DEMO/offsets.json):"
# Connect's standalone offset file is a serialized Java map of JSON byte
# strings: show its ["connector",{partition}] -> {offset} pairs.
python3 - "$DEMO/offsets.json" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
runs = re.findall(rb'[\[{][\x20-\x7e]*[\]}]', data)
if not runs:
    print("    (none)")
for key, val in zip(runs[0::2], runs[1::2]):
    print("    %s -> %s" % (key.decode(), val.decode()))
EOF
echo "  5 sample records read back from Kafka (key -> value):"
awk -F'\t' -v n="$got" 'BEGIN { step = int(n / 5); if (step < 1) step = 1 }
	(NR - 1) % step == 0 && ++shown <= 5 { printf "    %s -> %s\n", $1, $2 }' \
	"$DEMO/consumed.tsv"
