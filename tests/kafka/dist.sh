# shellcheck shell=bash
# Helpers for the distributed-mode tests of the real-kafka suite (sourced
# after ../integration/lib.sh): N httpsrc-connect --distributed workers of
# one Connect cluster on the test's real broker, their REST ports, and what
# the cluster says about its connectors.
#
#   dist_init                      topics and group names of this test
#   start_worker I [key=value...]  worker I (1..) on its own REST port;
#                                  W_PID[I], W_URL[I]; log $T/w$I.err
#   wait_rest I                    until worker I answers GET / (20 s)
#   stop_worker I SIGNAL           signal worker I (it is a child of ours)
#   dist_get I PATH                GET on worker I: the body on stdout,
#                                  status in $DIST_ST
#   dist_send I METHOD PATH [BODY] the same for a change
#   owners I                       "connector task-owner" lines, sorted,
#                                  from worker I's expand=status
#   wait_owners I N [SECONDS]      until N tasks RUNNING (default 30 s)
#   wait_placed I N [SECONDS]      until each connector runs on exactly
#                                  one pipeline, the owner REST names

DIST_GROUP=httpsrc-dist
declare -a W_PID W_URL W_PORT

dist_init() {
	DIST_GROUP=httpsrc-dist-$$
}

# dist_worker_file FILE PORT [key=value...]
dist_worker_file() {
	local f=$1 port=$2
	shift 2
	{
		echo "bootstrap.servers=$BOOT"
		echo "group.id=$DIST_GROUP"
		echo "config.storage.topic=$DIST_GROUP-configs"
		echo "offset.storage.topic=$DIST_GROUP-offsets"
		echo "status.storage.topic=$DIST_GROUP-status"
		echo "config.storage.replication.factor=1"
		echo "offset.storage.replication.factor=1"
		echo "status.storage.replication.factor=1"
		echo "offset.storage.partitions=5"
		echo "status.storage.partitions=5"
		echo "listeners=http://127.0.0.1:$port"
		echo "plugin.path=$HTTPSRC_PLUGIN_PATH"
		echo "session.timeout.ms=${DIST_SESSION_MS:-6000}"
		echo "heartbeat.interval.ms=${DIST_HEARTBEAT_MS:-1000}"
		echo "producer.linger.ms=5"
		printf '%s\n' "$@"
	} >"$f"
}

start_worker() {
	local i=$1
	shift
	need_bins "$HOST_BIN"
	[ -n "${W_PORT[$i]:-}" ] || W_PORT[$i]=$(free_port)
	W_URL[$i]=http://127.0.0.1:${W_PORT[$i]}
	dist_worker_file "$T/w$i.properties" "${W_PORT[$i]}" "$@"
	"$HOST_BIN" --distributed "$T/w$i.properties" \
		>>"$T/w$i.out" 2>>"$T/w$i.err" &
	W_PID[$i]=$!
	track_pid "${W_PID[$i]}"
}

wait_rest() {
	local i=$1 _
	for _ in $(seq 200); do
		curl -sf -o /dev/null "${W_URL[$i]}/" && return 0
		kill -0 "${W_PID[$i]}" 2>/dev/null || break
		sleep 0.1
	done
	diag_file "$T/w$i.err"
	bail_out "worker $i does not answer on ${W_URL[$i]}"
}

stop_worker() {
	kill -"$2" "${W_PID[$1]}" 2>/dev/null || true
}

dist_send() {
	local i=$1 m=$2 path=$3 out
	out=$(curl -s -m 30 -X "$m" -H 'Content-Type: application/json' \
		${4:+--data-binary "$4"} -w '\n%{http_code}' "${W_URL[$i]}$path")
	DIST_ST=${out##*$'\n'}
	printf '%s' "${out%$'\n'*}"
}

dist_get() {
	dist_send "$1" GET "$2"
}

# owners I: "connector worker_id" of every RUNNING task, sorted.
owners() {
	dist_get "$1" '/connectors?expand=status' | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for name, v in sorted(d.items()):
    for t in v["status"]["tasks"]:
        if t["state"] == "RUNNING":
            print(name, t["worker_id"])
'
}

wait_owners() {
	local i=$1 n=$2 s=${3:-30} t0
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "$s" ]; do
		[ "$(owners "$i" | wc -l)" -eq "$n" ] && return 0
		sleep 0.2
	done
	return 1
}

# on_pipeline I: the connectors on worker I's own pipeline (its /metrics
# is worker-local), sorted.
on_pipeline() {
	curl -s -m 10 "${W_URL[$1]}/metrics" |
		sed -n 's/^httpsrc_connector_state{connector="\([^"]*\)".*/\1/p' |
		sort -u
}

# placement: "connector worker-index" for each connector on any worker's
# pipeline; named I: the same as worker I's REST names the owners.
placement() {
	local i
	for i in "${!W_URL[@]}"; do
		on_pipeline "$i" | sed "s/\$/ $i/"
	done | sort
}
named() {
	local i
	owners "$1" | while read -r c id; do
		for i in "${!W_PORT[@]}"; do
			[ "$id" != "127.0.0.1:${W_PORT[$i]}" ] || echo "$c $i"
		done
	done | sort
}

# wait_placed I N [SECONDS]: until the N tasks are RUNNING, each connector on
# exactly one pipeline, the owner worker I's REST names (60 s at most):
# the statuses of the generation before the last rebalance may read
# RUNNING with the old owner until the new owner's are written. Leaves
# $T/placed and $T/named.
wait_placed() {
	local t0
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "${3:-60}" ]; do
		placement >"$T/placed"
		named "$1" >"$T/named"
		[ "$(wc -l <"$T/named")" -eq "$2" ] && cmp -s "$T/placed" "$T/named" &&
			return 0
		sleep 0.5
	done
	return 1
}

# start_cluster N [key=value...]: workers 1..N, each answering before the
# next starts.
start_cluster() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		start_worker "$i" "$@"
		wait_rest "$i"
	done
}

# dist_connector_json NAME [INTERVAL_MS]: a connector over the fixture's
# /events into topic dist-records, each record tagged "c":NAME and keyed
# {"c":NAME,"id":ID}, so that one topic tells the connectors apart.
dist_connector_json() {
	cat <<JSON
{"name":"$1","config":{"kafka.topic":"dist-records","http.url":"$API/events",
"http.timer.interval.ms":"${2:-200}","http.response.records.path":"\$.data[*]",
"http.pagination.type":"CURSOR","http.pagination.cursor.param":"cursor",
"http.pagination.cursor.path":"\$.next_cursor",
"transforms":"tag,createKey",
"transforms.tag.type":"org.apache.kafka.connect.transforms.InsertField\$Value",
"transforms.tag.static.field":"c","transforms.tag.static.value":"$1",
"transforms.createKey.type":"org.apache.kafka.connect.transforms.ValueToKey",
"transforms.createKey.fields":"c,id"}}
JSON
}

# create_connector I NAME [INTERVAL_MS]: POST it on worker I, again while
# the answer is 409 (no leader known yet: 10 s at most); the body on
# stdout, the status in DIST_ST.
create_connector() {
	local _
	for _ in $(seq 50); do
		dist_send "$1" POST /connectors "$(dist_connector_json "$2" "${3:-}")"
		[ "$DIST_ST" = 409 ] || return 0
		sleep 0.2
	done
}

# dist_want_keys N TOTAL: the keys of records 1..TOTAL of connectors
# c01..cN (as many digits as N), sorted, in $T/want.keys.
dist_want_keys() {
	local n id
	for n in $(seq -w 1 "$1"); do
		for id in $(seq "$2"); do
			echo "{\"c\":\"c$n\",\"id\":$id}"
		done
	done | sort >"$T/want.keys"
}

# dist_wait_keys N_RECORDS: consume dist-records until its distinct keys
# are $T/want.keys (30 s at most); they end in $T/got.keys.
dist_wait_keys() {
	local t0
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -lt 30000 ]; do
		CONSUME_IDLE_MS=500 consume_topic dist-records "$1" -N
		cut -f1 "$CONSUMED" | sort -u >"$T/got.keys"
		! cmp -s "$T/want.keys" "$T/got.keys" || return 0
		sleep 1
	done
}

# dist_setup N [key=value...]: the fixture API (100 records, pages of 20),
# the broker, three workers (session ${DIST_SESSION_MS:-6000} ms) and
# connectors c1..cN, all RUNNING (90 s at most).
dist_setup() {
	local n=$1 i
	shift
	start_fixture --records 100 --page-size 20
	start_kafka
	dist_init
	start_cluster 3 "$@"
	for i in $(seq "$n"); do
		create_connector 1 "c$i" >/dev/null
	done
	wait_owners 1 "$n" 90 || bail_out "connectors not all RUNNING: $(owners 1)"
}

# start_appender ROUNDS: 5 more records every 250 ms in the background
# (APPENDER is its PID); appended_total: once it ended (wait "$APPENDER"
# first: a $(...) subshell cannot wait), the API's record count.
start_appender() {
	(for _ in $(seq "$1"); do
		curl -s -X POST "$API/admin/append?n=5" >"$T/appended"
		sleep 0.25
	done) &
	APPENDER=$!
}
appended_total() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$T/appended"
}

# moved_within I N DEAD...: until the N tasks are RUNNING, none on a worker
# of DEAD, as worker I sees them (session + 20 s at most); prints the ms it
# took, -1 if it did not happen.
moved_within() {
	local i=$1 n=$2 t0 dead_ids
	shift 2
	dead_ids=$(for d in "$@"; do echo "127.0.0.1:${W_PORT[$d]}"; done)
	# exact worker ids (field 2): 127.0.0.1:4510 is not 127.0.0.1:45103
	t0=$(now_ms)
	while [ $(($(now_ms) - t0)) -lt $((${DIST_SESSION_MS:-6000} + 20000)) ]; do
		owners "$i" >"$T/own"
		if [ "$(wc -l <"$T/own")" -eq "$n" ] &&
			! cut -d' ' -f2 "$T/own" | grep -qxF -f <(echo "$dead_ids"); then
			echo $(($(now_ms) - t0))
			return 0
		fi
		sleep 0.2
	done
	echo -1
}

# eos_records_once N: once the appender ended, read_committed: every record
# of c1..cN in Kafka (one check); DUPS = how many were seen twice.
eos_records_once() {
	local total
	wait "$APPENDER"
	total=$(appended_total)
	dist_want_keys "$1" "$total"
	dist_wait_keys "$(($1 * total))"
	assert_files_eq "read_committed: no record lost" "$T/want.keys" "$T/got.keys"
	DUPS=$(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") ))
	diag "read_committed: $(($1 * total)) records, $DUPS duplicates"
}

# dist_create_many I N INTERVAL_MS CONC: connectors c0001..cN (as many
# digits as N) over the fixture's /events?c=NAME, each polling every
# INTERVAL_MS, created on worker I by CONC clients at once (each sends
# every CONC-th, again on a 409); workers need
# rest.max.connections.per.client above CONC. $T/create.codes gets each
# create's final status, $T/create.err the bodies of those not 201.
dist_create_many() {
	local i=$1 n=$2 iv=$3 conc=$4 k pids=()
	: >"$T/create.err"
	for k in $(seq 0 $((conc - 1))); do
		(for c in $(seq -w 1 "$n"); do
			[ $((10#$c % conc)) -eq "$k" ] || continue
			body=$(dist_connector_json "c$c" "$iv" |
				sed "s#\"http.url\":\"$API/events\"#\"http.url\":\"$API/events?c=c$c\"#")
			for _ in $(seq 100); do
				dist_send "$i" POST /connectors "$body" >"$T/create.$k.out"
				[ "$DIST_ST" = 409 ] || break
				sleep 0.2
			done
			echo "$DIST_ST" >>"$T/create.$k.codes"
			[ "$DIST_ST" = 201 ] || cat "$T/create.$k.out" >>"$T/create.err"
		done) &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$T"/create.*.codes >"$T/create.codes"
	rm -f "$T"/create.*.codes "$T"/create.*.out
}

# dist_polls FROM_MS TO_MS INTERVAL_MS: from the fixture's request log,
# the polls of each connector (requests with c=NAME) in [FROM, TO] against
# its schedule: after each poll the next is due one interval later; it
# counts as missed when no poll came within half an interval of that (a
# late one is not a miss); at TO, the dues more than half an interval
# past. Prints "connectors_seen total_missed max_missed_by_one
# longest_gap_ms".
dist_polls() {
	curl -s "$API/admin/log" | python3 -c '
import collections, json, re, sys
j0, j1, iv = (int(a) for a in sys.argv[1:4])
polls = collections.defaultdict(list)
for r in json.load(sys.stdin)["requests"]:
    m = re.search(r"(?:^|&)c=(c\d+)", r.get("query") or "")
    if m and j0 <= r["t"] <= j1:
        polls[m.group(1)].append(r["t"])
total = worst = longest = 0
for ts in polls.values():
    ts = sorted(ts) + [j1]
    missed = 0
    for a, b in zip(ts, ts[1:]):
        missed += max(0, (b - a - iv // 2) // iv)
        longest = max(longest, b - a)
    total += missed
    worst = max(worst, missed)
print(len(polls), total, worst, longest)
' "$@"
}
