#!/usr/bin/env bash
# The embedding API: examples/embed runs a CURSOR source in-process and gets
# every record in its callback (no Kafka), then reports the stored offset.
. "$(dirname "$0")/lib.sh"
plan 3
EMBED=$HTTPSRC_BUILD_ROOT/examples/embed
need_bins "$EMBED"
start_fixture --records 250 --page-size 100

rc=0
"$EMBED" "$API/events" >"$T/embed.out" 2>"$T/embed.err" || rc=$?
assert_eq "embed exits 0" 0 "$rc" || diag_file "$T/embed.err"
fixture_keyed 1 250 >"$T/expected"
assert_files_eq "callback got every record once, in order, keyed" \
	"$T/expected" "$T/embed.out"
assert_grep "offset stored after the last acknowledged record" \
	'embed: 250 records, offset {"cursor":"c200","position":50}' "$T/embed.err"
