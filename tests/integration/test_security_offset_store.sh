#!/bin/bash
# Issue 10 item 11: the offsets cannot be stored (disk full, a directory
# gone, the file size limit). Polling went on (10,000 records unsaved in
# 10 s), the status said nothing, SIGTERM exited 0 with the offsets
# unstored, and SIGXFSZ killed the worker without a word. Now polling
# pauses until a retry stores them (a bounded duplicate window), the
# status trace and the metrics say why, an exit with the final offsets
# unstored is exit 1 naming the reason, and SIGXFSZ is a write error.
#
# Write errors without root tricks (CI runs as root, which ignores file
# permissions): the offsets' directory replaced by a regular file (the
# temp file cannot be created: ENOTDIR), and ulimit -f (EFBIG/SIGXFSZ).
. "$(dirname "$0")/lib.sh"

plan 15
start_fixture --records 2000 --page-size 10
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
mkdir -p "$T/od"
OFFSETS=$T/od/offsets.json
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
CONN=(kafka.topic=store "http.url=$API/events" 'http.response.records.path=$.data[*]'
	http.pagination.type=CURSOR http.timer.interval.ms=100)
# 2 requests (20 records) a second: polling is still going when the
# directory goes away.
write_connector "$T/slow.json" store "${CONN[@]}" \
	http.throttle.max.requests=2 http.throttle.window.ms=1000

# wait_count FILE FIXED_STRING N: until FILE has N lines with it (10 s).
wait_count() {
	local _
	for _ in $(seq 100); do
		[ "$(grep -cF -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}
break_dir() { mv "$T/od" "$T/od.away" && : >"$T/od"; }
mend_dir() { rm -f "$T/od" && mv "$T/od.away" "$T/od"; }

start_host "$T/worker.properties" "$T/slow.json"
for _ in $(seq 100); do
	[ -s "$OFFSETS" ] && break
	sleep 0.1
done
[ -s "$OFFSETS" ] || bail_out "no offsets stored: $(cat "$T/host.err")"

# 1. The directory goes: polling pauses, status and metrics say why.
break_dir
PAUSED="polling paused until they can be"
wait_count "$T/host.err" "$PAUSED" 1
assert_grep "ERROR names the file, the reason and the pause" \
	"offsets not stored: $OFFSETS: cannot create temporary file $OFFSETS.tmp.$HOST_PID: Not a directory; $PAUSED" \
	"$T/host.err"
sleep 0.5 # a request in flight at the pause may still complete
R1=$(fixture_requests /events)
sleep 2
assert_eq "no request for 2 s while paused (2 a second before)" "$R1" \
	"$(fixture_requests /events)"
STATUS=$(http_call GET "$U/connectors/store/status")
assert_eq "status: RUNNING, the trace says why" \
	"offsets not stored: $OFFSETS: cannot create temporary file $OFFSETS.tmp.$HOST_PID: Not a directory; $PAUSED" \
	"$(printf '%s' "$STATUS" | json_get connector trace)"
http_call GET "$U/metrics" >"$T/metrics"
assert_grep "metrics: httpsrc_offsets_unstored 1" \
	"httpsrc_offsets_unstored 1" "$T/metrics"
assert_grep_e "metrics: failed writes counted" \
	"^httpsrc_offset_store_errors_total [1-9]" "$T/metrics"

# 2. It comes back: stored again, polling resumes, no trace.
mend_dir
wait_count "$T/host.err" "offsets stored again; polling resumes" 1
assert_grep "INFO: stored again, polling resumes" \
	"offsets stored again; polling resumes" "$T/host.err"
for _ in $(seq 50); do
	[ "$(fixture_requests /events)" -gt "$R1" ] && break
	sleep 0.1
done
assert_ge "requests go on" $((R1 + 1)) "$(fixture_requests /events)"
assert_eq "status: no trace any more" "(missing)" \
	"$(http_call GET "$U/connectors/store/status" | json_get connector trace)"

# 3. Gone again, then SIGTERM: exit 1, naming why.
break_dir
wait_count "$T/host.err" "$PAUSED" 2
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 40
assert_eq "SIGTERM with the offsets unstored: exit 1" 1 "$HOST_RC"
assert_grep "... the last line says they were not stored" \
	"httpsrc-connect: offsets not stored: $OFFSETS: cannot create temporary file" \
	"$T/host.err"
cp "$T/host.err" "$T/run1.err"
mend_dir

# 4. Nothing lost, few duplicates: the rest at full speed, --once. What
# can come twice is what was acknowledged after the last write that
# succeeded: until the next write fails (one throttle burst of 2 pages
# here) and the page in flight.
write_connector "$T/fast.json" store "${CONN[@]}"
run_host --once "$T/worker.properties" "$T/fast.json"
assert_eq "--once after the directory is back: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
consume_topic store 2000
cut -f2 "$CONSUMED" | sort -u >"$T/unique"
assert_files_eq "every record arrived" <(fixture_records 1 2000 | sort) \
	"$T/unique"
DUPS=$(($(wc -l <"$CONSUMED") - $(wc -l <"$T/unique")))
diag "duplicates after two pauses and a SIGTERM while paused: $DUPS"
assert_eq "duplicates bounded: at most 4 pages of 10 (got $DUPS)" 1 \
	"$([ "$DUPS" -le 40 ] && echo 1)"

# 5. SIGXFSZ: an offsets file over ulimit -f is a write error (EFBIG).
# The partition key (the URL) makes the file larger than 1 KiB.
OFFSETS=$T/big.offsets
write_worker "$T/worker2.properties"
PAD=$(printf 'x%.0s' $(seq 1500))
write_connector "$T/big.json" big kafka.topic=big "http.url=$API/events?pad=$PAD" \
	'http.response.records.path=$.data[*]' http.pagination.type=CURSOR
(
	ulimit -f 1
	exec timeout -k 5 60 "$HOST_BIN" --once "$T/worker2.properties" \
		"$T/big.json"
) 2>&1 | cat >"$T/xfsz.log"
XRC=${PIPESTATUS[0]}
assert_eq "ulimit -f 1: exit 1, not killed by SIGXFSZ (153)" 1 "$XRC"
assert_grep_e "... the offsets are reported unstored: File too large" \
	"^httpsrc-connect: offsets not stored: $OFFSETS: cannot write temporary file $OFFSETS\.tmp\.[0-9]+: File too large" \
	"$T/xfsz.log"
