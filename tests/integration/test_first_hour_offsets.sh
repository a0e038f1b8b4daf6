#!/bin/bash
# Issue 11 item 5, "offsets that are not stored": the host requires
# offset.storage.file.filename, as Connect standalone does (before, offsets
# lived in memory without a word and the next start read everything
# again); an offsets file that cannot be written is exit 2 at start, with
# one line naming the key, the path and what to do (before, --once logged
# errors and exited 0 with nothing stored); and the documented way still
# works.
. "$(dirname "$0")/lib.sh"

plan 7

start_fixture --records 30 --page-size 10
start_kafka
write_connector "$T/c.json" c kafka.topic=c "http.url=$API/events" \
	'http.response.records.path=$.data[*]' http.pagination.type=CURSOR

# ---- no offset.storage.file.filename ----
printf '%s\n' "bootstrap.servers=$BOOT" "plugin.path=$HTTPSRC_PLUGIN_PATH" \
	listeners= >"$T/nofile.properties"
run_host --once "$T/nofile.properties" "$T/c.json"
assert_eq "no offsets file: exit 2" 2 "$HOST_RC"
assert_eq "one line naming the key and what to do" \
	"httpsrc-connect: $T/nofile.properties: offset.storage.file.filename: required (the file source offsets are kept in, as in Connect standalone; or offset.storage.topic), e.g. offset.storage.file.filename=/var/lib/httpsrc/connect.offsets; without it every start would read everything again" \
	"$(cat "$T/host.err")"
assert_eq "nothing was requested" 0 "$(fixture_requests /events)"

# ---- a directory that does not exist ----
OFFSETS=$T/missing/dir/offsets
write_worker "$T/missing.properties"
run_host --once "$T/missing.properties" "$T/c.json"
assert_eq "offsets in a missing directory: exit 2 at start" 2 "$HOST_RC"
assert_eq "one line naming the key, the directory and what to do" \
	"httpsrc-connect: $T/missing.properties: offset.storage.file.filename: $T/missing/dir/offsets: cannot be written: directory $T/missing/dir does not exist (create it or choose another path)" \
	"$(cat "$T/host.err")"
assert_eq "still nothing was requested" 0 "$(fixture_requests /events)"

# ---- the documented way ----
OFFSETS=$T/offsets
write_worker "$T/worker.properties"
run_host --once "$T/worker.properties" "$T/c.json"
assert_eq "with an offsets file: exit 0, the offset stored" \
	"0 {\"cursor\":\"c20\",\"position\":10}" "$HOST_RC $(offset_of c)"
