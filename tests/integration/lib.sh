# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are for the sourcing test scripts
# Helpers for the integration tests (sourced by tests/integration/test_*.sh).
#
# Environment (meson test sets all three; defaults suit a manual run from the
# source tree with a build in ./build):
#   HTTPSRC_BUILD_ROOT   build directory (tools, fixture, httpsrc-connect)
#   HTTPSRC_SOURCE_ROOT  source directory
#   HTTPSRC_PLUGIN_PATH  plugin.path for the uninstalled build
#   HTTPSRC_KEEP_TMP=1   keep the per-test temp dir even when all tests pass
#   HTTPSRC_KAFKA        "mock" (default): librdkafka's mock cluster
#                        (tests/tools/mockkafka); "real": real Apache Kafka
#                        brokers from tests/kafka/kafka.sh, one cluster per
#                        test in $T/kafka (the real-kafka suite). Without
#                        Java/Maven the test is skipped, naming what is
#                        missing; with CI=true that is a failure instead.
#
# Every test prints TAP. Everything started here is stopped when the test
# exits, passing or not; the temp dir is kept (and named) when a test fails.

set -u
set -o pipefail
export LC_ALL=C

HTTPSRC_SOURCE_ROOT=${HTTPSRC_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HTTPSRC_BUILD_ROOT=${HTTPSRC_BUILD_ROOT:-$HTTPSRC_SOURCE_ROOT/build}
HTTPSRC_PLUGIN_PATH=${HTTPSRC_PLUGIN_PATH:-$HTTPSRC_BUILD_ROOT/plugins}

HOST_BIN=$HTTPSRC_BUILD_ROOT/cli/httpsrc-connect
FIXTURE_BIN=$HTTPSRC_BUILD_ROOT/tests/fixture/api_server
MOCKKAFKA_BIN=$HTTPSRC_BUILD_ROOT/tests/tools/mockkafka
CONSUME_BIN=$HTTPSRC_BUILD_ROOT/tests/tools/consume
MKTOPIC_BIN=$HTTPSRC_BUILD_ROOT/tests/tools/mktopic
KAFKA_SH=$HTTPSRC_SOURCE_ROOT/tests/kafka/kafka.sh
HTTPSRC_KAFKA=${HTTPSRC_KAFKA:-mock}

HOST_TIMEOUT=${HOST_TIMEOUT:-60} # seconds a host run may take

T=$(mktemp -d "${TMPDIR:-/tmp}/httpsrc-it.XXXXXX")
OFFSETS=$T/offsets.json
_pids=()
_tap_planned=0
_tap_n=0
_tap_failed=0

# ---- TAP ----

plan() {
	_tap_planned=$1
	echo "1..$1"
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# diag_file FILE [MAX_LINES]: show a file's head as TAP comments.
diag_file() {
	[ -s "$1" ] || { diag "($1: empty or missing)"; return 0; }
	diag "--- $1:"
	head -n "${2:-20}" "$1" | sed 's/^/#   /'
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
}

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "expected: $(printf '%s' "$2" | head -c 600)" \
		"actual:   $(printf '%s' "$3" | head -c 600)"
	return 1
}

# assert_files_eq DESC EXPECTED_FILE ACTUAL_FILE: byte-exact. Either may be
# a process substitution: both are copied first, as they can be read once.
assert_files_eq() {
	cat "$2" >"$T/.expected"
	cat "$3" >"$T/.actual"
	if cmp -s "$T/.expected" "$T/.actual"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "diff expected actual (first lines):"
	diff "$T/.expected" "$T/.actual" | head -n 20 | sed 's/^/#   /'
	return 1
}

# assert_grep DESC FIXED_STRING FILE
assert_grep() {
	if grep -sqF -- "$2" "$3"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "no line of $3 contains: $2"
	diag_file "$3"
	return 1
}

# assert_grep_e DESC EXTENDED_REGEX FILE (case-insensitive)
assert_grep_e() {
	if grep -sqiE -- "$2" "$3"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "no line of $3 matches: $2"
	diag_file "$3"
	return 1
}

# ---- processes ----

# _ours PID: PID is still a process this test started. PIDs are reused
# fast on a busy machine (pid_max is 32768 here and every JVM thread takes
# one): a tracked process that already exited may now be another test's
# broker. Ours: a child of this shell, or a process whose command line
# names this test's temp dir (the brokers kafka.sh started).
_ours() {
	local ppid
	ppid=$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')
	[ -n "$ppid" ] || return 1
	[ "$ppid" = "$$" ] && return 0
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$T/"
}

_stop_pid() {
	local pid=$1 _
	_ours "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

_cleanup() {
	local rc=$? pid
	for pid in "${_pids[@]}"; do
		_stop_pid "$pid"
	done
	if [ "$_tap_n" -ne "$_tap_planned" ]; then
		echo "# planned $_tap_planned tests but ran $_tap_n"
		rc=1
	fi
	[ "$_tap_failed" -eq 0 ] || rc=1
	if [ "$rc" -ne 0 ] || [ -n "${HTTPSRC_KEEP_TMP:-}" ]; then
		echo "# test files kept in $T"
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# real Kafka: skip (or, in CI, fail) before the plan when it cannot run.
if [ "$HTTPSRC_KAFKA" = real ]; then
	if ! _why=$("$KAFKA_SH" check 2>&1) ||
		! _why=$("$KAFKA_SH" fetch 2>&1 >/dev/null); then
		_why=$(printf '%s' "$_why" | tail -n 1)
		[ "${CI:-}" != true ] ||
			bail_out "$_why (CI=true: the real-kafka suite may not be skipped)"
		echo "1..0 # SKIP $_why"
		exit 0
	fi
fi

# Remember a background process so that it dies with the test.
track_pid() {
	_pids+=("$1")
}

# wait_for_line FILE REGEX [TENTHS=100]: the first matching line, or fail.
wait_for_line() {
	local _ line
	for _ in $(seq "${3:-100}"); do
		line=$(grep -m1 -E -- "$2" "$1" 2>/dev/null) && {
			printf '%s\n' "$line"
			return 0
		}
		sleep 0.1
	done
	return 1
}

need_bins() {
	local b
	for b in "$@"; do
		[ -x "$b" ] || bail_out "$b not built (HTTPSRC_BUILD_ROOT=$HTTPSRC_BUILD_ROOT)"
	done
}

# start_fixture [api_server args]: sets API=http://127.0.0.1:PORT
# (https:// when the args hold --tls-cert). May be called again for more
# fixtures: each call sets API to the newest one.
_nfixtures=0
start_fixture() {
	local line scheme=http a out err
	for a in "$@"; do
		[ "$a" != --tls-cert ] || scheme=https
	done
	need_bins "$FIXTURE_BIN"
	out=$T/fixture.out err=$T/fixture.err
	if [ "$_nfixtures" -gt 0 ]; then
		out=$T/fixture$_nfixtures.out err=$T/fixture$_nfixtures.err
	fi
	_nfixtures=$((_nfixtures + 1))
	"$FIXTURE_BIN" --port 0 "$@" >"$out" 2>"$err" &
	track_pid $!
	line=$(wait_for_line "$out" '^PORT=[0-9]+$') ||
		bail_out "fixture API did not start: $(cat "$err")"
	API=$scheme://127.0.0.1:${line#PORT=}
}

# start_kafka [mockkafka args]: sets BOOT (bootstrap.servers). With
# HTTPSRC_KAFKA=real: a real broker, the -t topics created on it.
start_kafka() {
	if [ "$HTTPSRC_KAFKA" = real ]; then
		start_real_kafka 1 "$@"
		return
	fi
	need_bins "$MOCKKAFKA_BIN"
	"$MOCKKAFKA_BIN" "$@" >"$T/kafka.out" 2>"$T/kafka.err" &
	track_pid $!
	BOOT=$(wait_for_line "$T/kafka.out" '^[^ ]+:[0-9]+') ||
		bail_out "mock Kafka did not start: $(cat "$T/kafka.err")"
}

# write_worker FILE [extra key=value lines...]. The REST API is off
# (listeners=) unless a listeners= line is given: tests run in parallel and
# would all want the default port 8083.
write_worker() {
	local f=$1 kv listeners=yes
	shift
	for kv in "$@"; do
		[ "${kv%%=*}" != listeners ] || listeners=""
	done
	{
		echo "bootstrap.servers=${BOOT:-127.0.0.1:1}"
		echo "offset.storage.file.filename=$OFFSETS"
		echo "plugin.path=$HTTPSRC_PLUGIN_PATH"
		echo "producer.linger.ms=5"
		[ -z "$listeners" ] || echo "listeners="
		printf '%s\n' "$@"
	} >"$f"
}

json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# write_connector FILE NAME key=value...: Connect's {"name":..,"config":{..}}
write_connector() {
	local f=$1 name=$2 kv sep=""
	shift 2
	{
		printf '{"name": %s, "config": {' "$(json_str "$name")"
		for kv in "$@"; do
			printf '%s\n  %s: %s' "$sep" "$(json_str "${kv%%=*}")" \
				"$(json_str "${kv#*=}")"
			sep=,
		done
		printf '\n}}\n'
	} >"$f"
}

# write_connector_props FILE NAME key=value...: the .properties form.
write_connector_props() {
	local f=$1 name=$2
	shift 2
	{
		echo "name=$name"
		printf '%s\n' "$@"
	} >"$f"
}

# Connector key blocks the tests share: pass "${NAME[@]}" to write_connector.
# KEY_BY_ID: the ValueToKey transform: the record key is {"id": the value's id}.
KEY_BY_ID=(transforms=createKey
	transforms.createKey.type=org.apache.kafka.connect.transforms.ValueToKey
	transforms.createKey.fields=id)
# JSON_VALUES: values as schemaless JSON (JsonConverter, no schema envelope).
JSON_VALUES=(value.converter=org.apache.kafka.connect.json.JsonConverter
	value.converter.schemas.enable=false)
# CURSOR_EVENTS: the fixture's /events API, its records and cursor (?cursor=).
CURSOR_EVENTS=('http.response.records.path=$.data[*]'
	http.pagination.type=CURSOR
	http.pagination.cursor.param=cursor
	'http.pagination.cursor.path=$.next_cursor')
# CURSOR_NESTED: the fixture's /nested API, its records and cursor (?after=).
CURSOR_NESTED=('http.response.records.path=$.result.items[*]'
	http.pagination.type=CURSOR
	http.pagination.cursor.param=after
	'http.pagination.cursor.path=$.meta.next')

# topic_worker FILE TOPIC [key=value...]: a worker on the offsets topic
# TOPIC (and no offsets file).
topic_worker() {
	local f=$1 topic=$2
	shift 2
	write_worker "$f" "offset.storage.topic=$topic" \
		offset.storage.replication.factor=1 "$@"
	sed -i '/^offset.storage.file.filename=/d' "$f"
}

# run_host ARGS...: run httpsrc-connect in the foreground, bounded by
# HOST_TIMEOUT. Sets HOST_RC; output in $T/host.out and $T/host.err.
run_host() {
	need_bins "$HOST_BIN"
	HOST_RC=0
	timeout -k 5 "$HOST_TIMEOUT" "$HOST_BIN" "$@" \
		>"$T/host.out" 2>"$T/host.err" || HOST_RC=$?
	[ "$HOST_RC" -ne 124 ] || diag "httpsrc-connect timed out after ${HOST_TIMEOUT}s"
	return 0
}

# start_host ARGS...: run httpsrc-connect in the background; sets HOST_PID.
start_host() {
	need_bins "$HOST_BIN"
	"$HOST_BIN" "$@" >"$T/host.out" 2>"$T/host.err" &
	HOST_PID=$!
	track_pid "$HOST_PID"
}

# wait_host_exit PID SECONDS: sets HOST_RC (124 if still running).
wait_host_exit() {
	local _
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		HOST_RC=124
		return 0
	fi
	HOST_RC=0
	wait "$1" || HOST_RC=$?
}

# consume_topic TOPIC N [consume args...]: read TOPIC from the beginning
# until N records and then CONSUME_IDLE_MS of silence. Lines ("key<TAB>value")
# in $CONSUMED; sets CONSUME_RC (0, or 3 if fewer than N arrived in time).
consume_topic() {
	local topic=$1 n=$2
	shift 2
	need_bins "$CONSUME_BIN"
	CONSUMED=$T/consumed.$topic
	CONSUME_RC=0
	"$CONSUME_BIN" -b "$BOOT" -t "$topic" -n "$n" \
		-i "${CONSUME_IDLE_MS:-1000}" -T "${CONSUME_TIMEOUT_MS:-15000}" \
		"$@" >"$CONSUMED" 2>"$T/consume.err" || CONSUME_RC=$?
}

# http_call METHOD URL [BODY]: the response body on stdout (python3: curl's
# command-line tool is not a build dependency). https:// is not verified:
# it only reaches the fixture's /admin/ routes in the TLS tests.
http_call() {
	python3 - "$@" <<'EOF'
import ssl, sys, urllib.request
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(sys.argv[2], data=data, method=sys.argv[1])
ctx = ssl._create_unverified_context()
try:
    with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
EOF
}

# ---- expected data: the fixture's record formula (tests/fixture/api_server.c)

# fixture_records FIRST LAST: record JSON, one a line, exactly as served.
fixture_records() {
	awk -v first="$1" -v last="$2" 'BEGIN {
		split("PushEvent PullRequestEvent IssuesEvent WatchEvent ForkEvent", t, " ")
		for (i = first; i <= last; i++)
			printf "{\"id\":%d,\"type\":\"%s\",\"actor\":{\"login\":\"user%d\"},\"payload\":{\"n\":%d},\"created_at\":\"2024-01-%02dT%02d:%02d:%02dZ\"}\n",
				i, t[i % 5 + 1], i, i * 7 % 1000, 1 + int(i / 86400) % 28,
				int(i / 3600) % 24, int(i / 60) % 60, i % 60
	}'
}

# fixture_keyed FIRST LAST: "<ValueToKey id key>\t<record>" lines.
fixture_keyed() {
	fixture_records "$1" "$2" | awk '{
		id = $0; sub(/^\{"id":/, "", id); sub(/,.*/, "", id)
		printf "{\"id\":%s}\t%s\n", id, $0
	}'
}

# partitions_ordered FILE: with "partition<TAB>key<TAB>value" lines, prints
# "ordered" if ids increase strictly within every partition, else the first
# offending line.
partitions_ordered() {
	awk -F'\t' '{
		id = $3; sub(/^\{"id":/, "", id); sub(/,.*/, "", id); id += 0
		if (($1 in last) && id <= last[$1]) { print "out of order: " $0; bad = 1; exit }
		last[$1] = id
	} END { if (!bad) print "ordered" }' "$1"
}

# ---- fixture state, offsets, time ----

# json_get PATH... : from the JSON on stdin, the value at PATH (object keys,
# or array indexes as numbers): strings as they are, anything else as
# compact JSON; "(missing)" if absent.
json_get() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1:]:
    try:
        d = d[int(k)] if isinstance(d, list) else d[k]
    except (KeyError, IndexError, ValueError, TypeError):
        print("(missing)")
        sys.exit(0)
print(d if isinstance(d, str) else json.dumps(d, separators=(",", ":")))
' "$@"
}

# fixture_stat NAME: the fixture counter NAME (api_server.c: /admin/stats).
fixture_stat() {
	http_call GET "$API/admin/stats" | json_get counters "$1"
}

# fixture_requests PATH: how many requests the fixture served on PATH.
fixture_requests() {
	local n
	n=$(http_call GET "$API/admin/stats" | json_get requests "$1")
	[ "$n" != "(missing)" ] || n=0
	echo "$n"
}

# fixture_log [PATH]: the fixture's request log, one request a line as
# "<epoch ms> <status> <METHOD> <path>?<query>", optionally only PATH.
fixture_log() {
	http_call GET "$API/admin/log" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["requests"]:
    if len(sys.argv) < 2 or e["path"] == sys.argv[1]:
        print(e["t"], e["status"], e["method"], e["path"] + "?" + e["query"])
' "$@"
}

# offsets_dump [FILE=$OFFSETS]: the entries of a Connect offsets file (a
# Java-serialized HashMap<byte[],byte[]>), one a line: "key<TAB>value"
# ("null" for a null value). Decoded here independently of offsets.c.
offsets_dump() {
	python3 - "${1:-$OFFSETS}" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
pos = 0
def take(n):
    global pos
    if pos + n > len(b):
        raise SystemExit("offsets_dump: truncated at %d" % pos)
    pos += n
    return b[pos - n:pos]
def u8(): return take(1)[0]
def u16(): return struct.unpack(">H", take(2))[0]
def u32(): return struct.unpack(">i", take(4))[0]
def utf(): return take(u16()).decode()
def expect(v, what):
    got = u8()
    if got != v:
        raise SystemExit("offsets_dump: %s: 0x%02x at %d" % (what, got, pos - 1))
def classdesc():
    name = utf(); take(8); take(1)
    for _ in range(u16()):
        t = chr(u8()); utf()
        if t in "L[":
            raise SystemExit("offsets_dump: object fields unsupported")
    expect(0x78, "end of class annotation"); expect(0x70, "superclass")
    return name
if take(4) != b"\xac\xed\x00\x05":
    raise SystemExit("offsets_dump: not a Java serialization stream")
expect(0x73, "object"); expect(0x72, "class descriptor")
if classdesc() != "java.util.HashMap":
    raise SystemExit("offsets_dump: not a java.util.HashMap")
take(8); expect(0x77, "block data"); take(1); u32(); size = u32()
def obj():
    tc = u8()
    if tc == 0x70:
        return None
    if tc != 0x75:
        raise SystemExit("offsets_dump: 0x%02x is not a byte[]" % tc)
    tc = u8()
    if tc == 0x72:
        classdesc()
    elif tc == 0x71:
        u32()
    else:
        raise SystemExit("offsets_dump: bad array class 0x%02x" % tc)
    return take(u32()).decode()
for _ in range(size):
    k = obj(); v = obj()
    print("%s\t%s" % (k, "null" if v is None else v))
PY
}

# offset_of CONNECTOR [FILE]: the stored offset map of CONNECTOR as compact
# JSON (keys in stored order), or "(none)".
offset_of() {
	offsets_dump "${2:-$OFFSETS}" | python3 -c '
import json, sys
for line in sys.stdin:
    k, v = line.rstrip("\n").split("\t", 1)
    if json.loads(k)[0] == sys.argv[1]:
        print(json.dumps(json.loads(v), separators=(",", ":")))
        sys.exit(0)
print("(none)")
' "$1"
}

# now_ms: wall clock in milliseconds.
now_ms() {
	date +%s%3N
}

# assert_ge DESC MIN ACTUAL: integers.
assert_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "expected >= $2, got: $3"
	return 1
}

# assert_absent DESC STRING FILE...: no file contains STRING (missing
# files contain nothing).
assert_absent() {
	local desc=$1 str=$2 f hit=""
	shift 2
	for f in "$@"; do
		[ ! -e "$f" ] || ! grep -qaF -- "$str" "$f" || hit="$hit $f"
	done
	if [ -z "$hit" ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "found in:$hit"
	return 1
}

# fixture_ts_records FIRST LAST: the records of /ts (updated_at appended).
fixture_ts_records() {
	fixture_records "$1" "$2" |
		sed 's/"created_at":\("[^"]*"\)}$/"created_at":\1,"updated_at":\1}/'
}

# ts_of I: updated_at of record I (2024-01-01T00:00:00Z + I s).
ts_of() {
	date -u -d "@$((1704067200 + $1))" +%Y-%m-%dT%H:%M:%SZ
}

# make_pki DIR: a test PKI made with the openssl CLI (EC P-256, 30 days):
#   ca.pem ca.key            the CA
#   server.pem server.key    127.0.0.1 / localhost (subjectAltName)
#   wrong.pem wrong.key      the same CA, for wrong.example.com only
#   client.pem client.key    a client certificate (clientAuth)
#   client.p12               client cert + key + CA, password "changeit"
#   truststore.p12           the CA certificate only, password "changeit"
#   truststore.jks           a file with the JKS magic (0xFEEDFEED), to test
#                            the "convert it" error (keytool is not needed)
make_pki() {
	local d=$1 name
	command -v openssl >/dev/null || bail_out "make_pki: openssl not found"
	mkdir -p "$d"
	# set -e does not work under "||": every step checks its status.
	(
		cd "$d" || exit 1
		ossl() { openssl "$@" >/dev/null 2>>openssl.log; }
		key() {
			ossl genpkey -algorithm EC \
				-pkeyopt ec_paramgen_curve:P-256 -out "$1"
		}
		# NAME SUBJECT EXTENSIONS: a key and a certificate the CA signed.
		sign() {
			key "$1.key" &&
				ossl req -new -key "$1.key" -subj "$2" -out "$1.csr" &&
				printf '%s\n' "$3" >"$1.ext" &&
				ossl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
					-CAcreateserial -days 30 -extfile "$1.ext" \
					-out "$1.pem"
		}
		key ca.key &&
			ossl req -x509 -new -key ca.key -days 30 \
				-subj "/CN=httpsrc test CA" \
				-addext "basicConstraints=critical,CA:TRUE" \
				-addext "keyUsage=critical,keyCertSign,cRLSign" \
				-out ca.pem &&
			sign server "/CN=localhost" \
				"subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth" &&
			sign wrong "/CN=wrong.example.com" \
				"subjectAltName=DNS:wrong.example.com
extendedKeyUsage=serverAuth" &&
			sign client "/CN=httpsrc-client" \
				"extendedKeyUsage=clientAuth" &&
			ossl pkcs12 -export -in client.pem -inkey client.key \
				-certfile ca.pem -name client -passout pass:changeit \
				-out client.p12 &&
			ossl pkcs12 -export -nokeys -in ca.pem -name ca \
				-passout pass:changeit -out truststore.p12 &&
			printf '\376\355\376\355\000\000\000\002\000\000\000\000' \
				>truststore.jks
	) || bail_out "make_pki failed: $(cat "$d/openssl.log" 2>/dev/null)"
	for name in ca.pem server.pem wrong.pem client.pem client.p12 \
		truststore.p12 truststore.jks; do
		[ -s "$d/$name" ] || bail_out "make_pki: $d/$name missing"
	done
}

# assert_topic DESC TOPIC EXPECTED_FILE: TOPIC holds exactly the
# "key<TAB>value" lines of EXPECTED_FILE (any order, byte for byte: a
# missing, extra or duplicated record fails). Two assertions.
assert_topic() {
	local desc=$1 topic=$2 n
	sort "$3" >"$T/.want.$topic"
	n=$(wc -l <"$T/.want.$topic")
	consume_topic "$topic" "$n"
	assert_eq "$desc: $n records arrived" 0 "$CONSUME_RC"
	assert_files_eq "$desc: exactly the expected records (keys, values)" \
		"$T/.want.$topic" <(sort "$CONSUMED")
}

# unkeyed: "(null)<TAB>" before each line of stdin (records without a key).
unkeyed() {
	sed 's/^/(null)\t/'
}

# keyed_by_id: "{"id":N}<TAB>" before each record line of stdin (the key
# ValueToKey with fields=id writes).
keyed_by_id() {
	awk '{
		id = $0; sub(/^\{"id":/, "", id); sub(/,.*/, "", id)
		printf "{\"id\":%s}\t%s\n", id, $0
	}'
}

# ---- fault injection (tests/fixture/fault_server.c, mockkafka signals) ----

FAULT_BIN=$HTTPSRC_BUILD_ROOT/tests/fixture/fault_server

# start_fault_server: sets FAULT=http://127.0.0.1:PORT
start_fault_server() {
	local line
	need_bins "$FAULT_BIN"
	"$FAULT_BIN" --port 0 >"$T/fault.out" 2>"$T/fault.err" &
	track_pid $!
	line=$(wait_for_line "$T/fault.out" '^PORT=[0-9]+$') ||
		bail_out "fault_server did not start: $(cat "$T/fault.err")"
	FAULT=http://127.0.0.1:${line#PORT=}
}

# fault_stat KEY...: from fault_server's /stats, e.g. "requests /reset",
# "statuses /burst 503" or "open"; 0 when absent.
fault_stat() {
	local v
	v=$(http_call GET "$FAULT/stats" | json_get "$@")
	[ "$v" != "(missing)" ] || v=0
	echo "$v"
}

# free_port: a loopback TCP port nothing listens on (bound, then closed).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- the REST API (httpsrc-connect's listeners) ----

CLIENT=$HTTPSRC_SOURCE_ROOT/tests/integration/rest_client.py

# rest METHOD PATH [BODY]: a call to $U (the worker's REST base URL).
# ST = status, BODY = body, $T/headers = headers.
rest() {
	local out
	out=$(python3 "$CLIENT" -D "$T/headers" "$1" "$U$2" "${@:3}") || {
		ST=000
		BODY=""
		return 0
	}
	ST=${out%%$'\n'*}
	BODY=${out#*$'\n'}
	[ "$out" != "$ST" ] || BODY=""
}

# expect DESC STATUS BODY METHOD PATH [REQUEST_BODY]: the exact answer.
expect() {
	local desc=$1 st=$2 body=$3
	shift 3
	rest "$@"
	assert_eq "$desc" "$st $body" "$ST $BODY"
}

# err STATUS MESSAGE: Connect's error body.
err() {
	printf '{"error_code":%s,"message":%s}' "$1" \
		"$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$2")"
}

# start_kafka_ctl [mockkafka args]: start_kafka, and KAFKA_PID for
# kafka_brokers.
start_kafka_ctl() {
	start_kafka "$@"
	KAFKA_PID=${_pids[${#_pids[@]} - 1]}
}

# start_real_kafka N [-t TOPIC[:PARTITIONS]]...: N (1 or 3) real brokers in
# $KAFKA_DIR, their PIDs tracked; sets BOOT.
start_real_kafka() {
	local n=$1 topics=() pidf spec rf
	shift
	rf=$((n < 3 ? 1 : 3))
	while [ $# -gt 0 ]; do
		[ "$1" = -t ] && [ $# -ge 2 ] || bail_out "start_real_kafka: $1: only -t TOPIC[:N] is supported"
		spec=$2
		[[ $spec == *:* ]] || spec=$spec:1
		topics+=("$spec:$rf")
		shift 2
	done
	KAFKA_DIR=$T/kafka
	BOOT=$("$KAFKA_SH" start "$KAFKA_DIR" "$n" 2>"$T/kafka.err") ||
		bail_out "real Kafka did not start: $(tail -n 3 "$T/kafka.err")"
	diag "$(tail -n 1 "$T/kafka.err")"
	for pidf in "$KAFKA_DIR"/broker-*.pid; do
		track_pid "$(cat "$pidf")"
	done
	[ ${#topics[@]} -eq 0 ] || real_topics "${topics[@]}"
}

# real_topics [-c KEY=VALUE]... TOPIC[:PARTITIONS[:REPLICATION]]...
real_topics() {
	need_bins "$MKTOPIC_BIN"
	"$MKTOPIC_BIN" -b "$BOOT" "$@" 2>"$T/mktopic.err" ||
		bail_out "creating topics $* failed: $(cat "$T/mktopic.err")"
}

# kafka_brokers down|up: every broker of the cluster (started with
# start_kafka_ctl) down or up again; waits for mockkafka's DOWN/UP line.
# Real brokers are killed with SIGKILL (no clean shutdown: the log is
# recovered at restart) and restarted on the same log dirs and ports.
kafka_brokers() {
	local sig=USR1 word=DOWN n _ pidf
	if [ "$HTTPSRC_KAFKA" = real ]; then
		if [ "$1" = down ]; then
			"$KAFKA_SH" kill "$KAFKA_DIR" 2>>"$T/kafka.err" ||
				bail_out "killing the brokers failed"
			return 0
		fi
		"$KAFKA_SH" restart "$KAFKA_DIR" 2>>"$T/kafka.err" ||
			bail_out "restarting the brokers failed: $(tail -n 3 "$T/kafka.err")"
		diag "$(tail -n 1 "$T/kafka.err")"
		for pidf in "$KAFKA_DIR"/broker-*.pid; do
			track_pid "$(cat "$pidf")"
		done
		return 0
	fi
	[ "$1" = down ] || sig=USR2 word=UP
	n=$(grep -c "^$word\$" "$T/kafka.out")
	kill -"$sig" "$KAFKA_PID" || bail_out "mockkafka is gone"
	for _ in $(seq 50); do
		[ "$(grep -c "^$word\$" "$T/kafka.out")" -gt "$n" ] && return 0
		sleep 0.1
	done
	bail_out "mockkafka did not print $word"
}

# rss_kb PID: resident set size of PID in KiB (empty if it is gone).
rss_kb() {
	ps -o rss= -p "$1" | tr -d ' '
}

