#!/bin/bash
# The out-of-tree example plugin (examples/custom_plugin, paginator "PAGE"),
# built only against the installed SDK, runs next to the built-in plugins:
# every record exactly once, the offset Connect would store, and a resumed
# run that picks up the records appended in between to the short last page.
. "$(dirname "$0")/lib.sh"

MESON=${MESON:-$(command -v meson)}
if [ -z "$MESON" ] || ! command -v pkg-config >/dev/null 2>&1; then
	echo "1..0 # SKIP meson and pkg-config are needed to install the SDK"
	exit 0
fi
export MESON

plan 14

# The plugin as a user would build it: from the installed headers alone
# (sdk_build.sh checks the exports and that it links nothing).
so=$(HTTPSRC_BUILD_ROOT=$HTTPSRC_BUILD_ROOT \
	"$HTTPSRC_SOURCE_ROOT/tests/integration/sdk_build.sh" "$T/sdk" \
	2>"$T/sdk.err") || bail_out "sdk_build.sh failed: $(tail -n 5 "$T/sdk.err")"
assert_eq "sdk_build.sh built the plugin from the installed SDK" \
	"$T/sdk/httpsrc-paginator_page.so" "$so"
mkdir -p "$T/plugins"
cp "$so" "$T/plugins/"

start_fixture --records 130 --page-size 100
start_kafka
HTTPSRC_PLUGIN_PATH=$HTTPSRC_PLUGIN_PATH,$T/plugins
write_worker "$T/worker.properties"
write_connector "$T/paged.json" paged-events \
	kafka.topic=paged \
	"http.url=$API/paged?per_page=40" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.items[*]' \
	http.pagination.type=PAGE \
	"${KEY_BY_ID[@]}" "${JSON_VALUES[@]}"

# stored_offset CONNECTOR: the offset JSON stored for CONNECTOR in Connect's
# standalone offsets file (a serialized java.util.HashMap of byte[] JSON
# keys and values), or "(none)".
stored_offset() {
	python3 - "$OFFSETS" "$1" <<'EOF'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
pos = data.index(b"\x77\x08") + 2  # block data: capacity, size
size = struct.unpack(">i", data[pos + 4:pos + 8])[0]
pos += 8

def item():
    global pos
    tc = data[pos]
    pos += 1
    if tc == 0x70:  # TC_NULL
        return None
    assert tc == 0x75, "TC_ARRAY expected at %d" % (pos - 1)
    if data[pos] == 0x72:  # TC_CLASSDESC "[B": name, uid, flags, fields
        pos += 3 + 2 + 8 + 1 + 2 + 2  # then TC_ENDBLOCKDATA, TC_NULL
    else:  # TC_REFERENCE to it
        pos += 5
    n = struct.unpack(">i", data[pos:pos + 4])[0]
    pos += 4 + n
    return data[pos - n:pos].decode()

found = "(none)"
for _ in range(size):
    k, v = item(), item()
    if json.loads(k)[0] == sys.argv[2]:
        found = v
print(found)
EOF
}

run_host --once "$T/worker.properties" "$T/paged.json"
assert_eq "first --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
consume_topic paged 130
assert_eq "consumer read 130 records before the timeout" 0 "$CONSUME_RC"
sort "$CONSUMED" >"$T/got.130"
fixture_keyed 1 130 | sort >"$T/want.130"
assert_files_eq "topic holds exactly records 1..130 (key and value bytes)" \
	"$T/want.130" "$T/got.130"
assert_eq "no duplicates among 130 records" 130 \
	"$(sort -u "$CONSUMED" | wc -l)"
# Pages 1-4 hold 40+40+40+10 records and a page with records leads to the
# next, so the empty page 5 ends the first poll; --once polls again after a
# poll that found records, from the last page that had records: 4, then 5.
assert_eq "the fixture served /paged 7 times (pages 1..5, then 4, 5)" 7 \
	"$(http_call GET "$API/admin/stats" |
		python3 -c 'import json, sys
print(json.load(sys.stdin)["requests"].get("/paged", 0))')"
# commit(): the offset is {page, records taken}; an empty page never takes
# it, so it rests on page 4 with its 10 records.
assert_eq "offset is the last page with records, 4, position 10" \
	'{"page":"4","position":10}' "$(stored_offset paged-events)"
assert_eq "offset is stored under the source partition {\"url\": http.url}" \
	"[\"paged-events\",{\"url\":\"$API/paged?per_page=40\"}]" \
	"$(python3 -c 'import re, sys
d = open(sys.argv[1], "rb").read()
print(re.search(rb"\[\"paged-events\",\{[^}]*\}\]", d).group().decode())' \
		"$OFFSETS")"

# The appended records fill the partial page 4 (121..140): the resumed run
# re-reads page 4, skips its first 10 records and takes the new ones.
assert_eq "fixture appends 10 records" '{"records":140}' \
	"$(http_call POST "$API/admin/append?n=10")"
run_host --once "$T/worker.properties" "$T/paged.json"
assert_eq "second --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
consume_topic paged 140
sort "$CONSUMED" >"$T/got.140"
assert_eq "records 1..130 are each in the topic once, not re-produced" 130 \
	"$(grep -cxFf "$T/want.130" "$CONSUMED")"
assert_eq "consumer read 140 records before the timeout" 0 "$CONSUME_RC"
assert_files_eq "topic holds exactly records 1..140 (key and value bytes)" \
	<(fixture_keyed 1 140 | sort) "$T/got.140"
assert_files_eq "the second run added exactly records 131..140" \
	<(fixture_keyed 131 140 | sort) <(comm -13 "$T/got.130" "$T/got.140")
