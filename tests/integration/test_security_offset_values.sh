#!/bin/bash
# Issue 10 items 7 and 12: TIMESTAMP/ID offset values are compared exactly
# and checked wherever they come from.
#  - Snowflake ids above 2^53 were compared as doubles: with the offset at
#    1790000000000000000, the ids +1..+14 all compared equal to it and were
#    dropped as "seen before". Now all 14 arrive, and a second run after
#    the API grew produces exactly the new ones.
#  - An id of 1e400 (inf as a double) made every later record "old"; an
#    id that is not a number compared as text. Both are now the record's
#    error, naming it (its index on the page) and the field.
#  - nan, 1e400 and 2024-02-31 are refused in http.initial.offset and in
#    a stored offset, naming the key or the stored offset.
. "$(dirname "$0")/lib.sh"

plan 17
mkdir -p "$T/files"
BASE=1790000000000000000

# ids.json: {"data":[{"id":BASE+1,"n":1},...,{"id":BASE+N,"n":N}]}
write_ids() {
	python3 - "$T/files/$1" "$BASE" "$2" <<'EOF'
import json, sys
base, n = int(sys.argv[2]), int(sys.argv[3])
recs = ",".join('{"id":%d,"n":%d}' % (base + i, i) for i in range(1, n + 1))
open(sys.argv[1], "w").write('{"data":[%s]}' % recs)
EOF
}
# expected "(null)<TAB>record" lines for ids BASE+FIRST..BASE+LAST
expect_ids() {
	python3 - "$BASE" "$1" "$2" <<'EOF'
import sys
base, a, b = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(a, b + 1):
    print('(null)\t{"id":%d,"n":%d}' % (base + i, i))
EOF
}

# offsets_write FILE CONNECTOR PARTITION_JSON OFFSET_JSON: a Connect offsets
# file (Java-serialized HashMap<byte[],byte[]>) with that one entry, written
# from the serialization spec, independently of offsets.c.
offsets_write() {
	python3 - "$@" <<'EOF'
import json, struct, sys
path, conn, part, val = sys.argv[1:5]
key = ("[" + json.dumps(conn) + "," + part + "]").encode()
def utf(s): return struct.pack(">H", len(s)) + s.encode()
out = b"\xac\xed\x00\x05\x73\x72" + utf("java.util.HashMap")
out += struct.pack(">q", 362498820763181265) + b"\x03" + struct.pack(">H", 2)
out += b"F" + utf("loadFactor") + b"I" + utf("threshold") + b"\x78\x70"
out += struct.pack(">fi", 0.75, 12) + b"\x77\x08" + struct.pack(">ii", 16, 1)
out += b"\x75\x72" + utf("[B") + bytes.fromhex("acf317f8060854e0")
out += b"\x02\x00\x00\x78\x70" + struct.pack(">i", len(key)) + key
out += b"\x75\x71" + struct.pack(">i", 0x7E0002)
out += struct.pack(">i", len(val.encode())) + val.encode() + b"\x78"
open(path, "wb").write(out)
EOF
}

write_ids snow.json 14
start_fixture --files "$T/files"
start_kafka
write_worker "$T/worker.properties"

id_conn() { # FILE NAME TOPIC URL [key=value...]
	local f=$1 name=$2 topic=$3 url=$4
	shift 4
	write_connector "$f" "$name" kafka.topic="$topic" "http.url=$url" \
		'http.response.records.path=$.data[*]' http.offset.mode=ID \
		http.offset.field=id http.timer.interval.ms=100 "$@"
}

# 1. Ids above 2^53, the API ignoring the filter (every poll gets all).
id_conn "$T/snow.json" snow-conn snow "$API/files/snow.json?after=\${offset}" \
	http.initial.offset=$BASE
run_host --once "$T/worker.properties" "$T/snow.json"
assert_eq "snowflake ids: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_topic "all 14 ids above the offset $BASE" snow <(expect_ids 1 14)
assert_eq "the offset is the largest id, exactly" \
	"{\"id\":$((BASE + 14))}" "$(offset_of snow-conn)"
# The API grows by 3 ids: a second run produces exactly those.
write_ids snow.json 17
run_host --once "$T/worker.properties" "$T/snow.json"
assert_eq "second run: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_topic "second run: exactly the 3 new ids" snow <(expect_ids 1 17)

# 2. 1e400 and a non-numeric id: the record's error, naming it.
printf '{"data":[{"id":5},{"id":1e400},{"id":6}]}' >"$T/files/inf.json"
id_conn "$T/inf.json" inf-conn inf "$API/files/inf.json"
run_host --once "$T/worker.properties" "$T/inf.json"
assert_eq "id 1e400: the connector fails (exit 1)" 1 "$HOST_RC"
assert_grep "id 1e400: the error names the record, the field and why" \
	"record 1 of page (first): http.offset.field \$.id: value '1e400' is out of range" \
	"$T/host.err"
printf '{"data":[{"id":"abc"}]}' >"$T/files/text.json"
id_conn "$T/text.json" text-conn text "$API/files/text.json"
run_host --once "$T/worker.properties" "$T/text.json"
assert_eq "id 'abc': the connector fails (exit 1)" 1 "$HOST_RC"
assert_grep "id 'abc': the error names the record and why" \
	"record 0 of page (first): http.offset.field \$.id: value 'abc' is not a decimal number" \
	"$T/host.err"

# 3. http.initial.offset: nan and 1e400 (ID), 2024-02-31 (TIMESTAMP).
for v in nan 1e400; do
	id_conn "$T/init.json" init-conn init "$API/files/snow.json" \
		http.initial.offset=$v
	run_host --once "$T/worker.properties" "$T/init.json"
	assert_grep "ID http.initial.offset=$v refused, naming the key" \
		"http.initial.offset: value '$v' is" "$T/host.err"
done
write_connector "$T/ts.json" ts-conn kafka.topic=ts \
	"http.url=$API/files/snow.json" 'http.response.records.path=$.data[*]' \
	http.offset.mode=TIMESTAMP http.offset.field=id \
	http.initial.offset=2024-02-31T00:00:00Z
run_host --once "$T/worker.properties" "$T/ts.json"
assert_eq "TIMESTAMP http.initial.offset=2024-02-31: exit 2" 2 "$HOST_RC"
assert_grep "... refused as not a calendar date" \
	"http.initial.offset: value '2024-02-31T00:00:00Z' is not a calendar date" \
	"$T/host.err"

# 4. A stored offset of nan: refused at start, naming the stored offset.
OFFSETS=$T/stored.offsets
write_worker "$T/worker2.properties"
id_conn "$T/stored.json" stored-conn stored "$API/files/snow.json"
offsets_write "$OFFSETS" stored-conn \
	"{\"url\":\"$API/files/snow.json\"}" '{"id":"nan"}'
run_host --once "$T/worker2.properties" "$T/stored.json"
assert_eq "stored offset {\"id\":\"nan\"}: exit 2" 2 "$HOST_RC"
assert_grep "... the error names the stored offset and why" \
	"stored offset {\"id\":\"nan\"}: value 'nan' is not a decimal number" \
	"$T/host.err"
