#!/bin/bash
# Connect group membership (libhttpsrc/kafka/group*.c) on a real Kafka 4.x
# broker: three members built on the module (tests/kafka/group_member.c)
# form a group of protocol type "connect": one leader, the EagerAssignor's
# even spread, a member that leaves (LeaveGroup) and one killed with -9
# (session timeout) are rebalanced away; and a real Java ConnectDistributed
# worker joins the same group both ways round: the Java worker reads the
# assignment our leader wrote, our member reads the one the Java leader
# wrote (same generation, leader id and leader URL on both sides).
. "$(dirname "$0")/../integration/lib.sh"

plan 20
MEMBER_BIN=$HTTPSRC_BUILD_ROOT/tests/kafka/group_member
need_bins "$MEMBER_BIN"
start_real_kafka 1
SESSION=6000

# gworker FILE GROUP: the worker keys the group module reads.
gworker() {
	printf '%s\n' "bootstrap.servers=$BOOT" "group.id=$2" \
		"session.timeout.ms=$SESSION" heartbeat.interval.ms=1000 \
		rebalance.timeout.ms=20000 >"$1"
}

# member NAME GROUP N_CONNECTORS TASKS OFFSET: start a member in the
# background; its URL is http://NAME:8083/, its events in $T/NAME.out.
member() {
	gworker "$T/$1.properties" "$2"
	"$MEMBER_BIN" "$T/$1.properties" "http://$1:8083/" "$3" "$4" "$5" \
		>"$T/$1.out" 2>"$T/$1.err" &
	track_pid $!
	eval "PID_$1=$!"
}

# agree MIN_GEN NAME...: wait (60 s at most) until the members' last
# assignments are of one generation > MIN_GEN; print a summary line
# "gen=G leaders=L urls=U connectors=C tasks=K spread=S exact=E"
# (L members that are the leader, U distinct leader URLs, C/K items in
# all, S = max - min items per member, E = every item exactly once).
agree() {
	local min=$1 _ out
	shift
	for _ in $(seq 600); do
		out=$(python3 - "$min" "$@" <<'EOF'
import sys
mn = int(sys.argv[1]); last = []
for name in sys.argv[2:]:
    lines = [l.split() for l in open(f"{__import__('os').environ['T']}/{name}.out")
             if l.startswith("ASSIGNED")]
    if not lines: sys.exit(1)
    last.append(dict(kv.split("=", 1) for kv in lines[-1][1:]))
gens = {a["gen"] for a in last}
if len(gens) != 1 or int(last[0]["gen"]) <= mn: sys.exit(1)
items = [[c for c in a["connectors"].split(",") if c] +
         [t for t in a["tasks"].split(",") if t] for a in last]
flat = [i for it in items for i in it]
n = [len(it) for it in items]
print(f"gen={last[0]['gen']} leaders={sum(a['me'] == a['leader'] for a in last)}"
      f" urls={len({a['leader_url'] for a in last})}"
      f" connectors={sum(1 for i in flat if '-' not in i)}"
      f" tasks={sum(1 for i in flat if '-' in i)} spread={max(n) - min(n)}"
      f" exact={int(len(flat) == len(set(flat)))}")
EOF
) && {
			echo "$out"
			return 0
		}
		sleep 0.1
	done
	return 1
}
export T
field() { # LINE KEY
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
last_assigned() { # NAME
	grep '^ASSIGNED' "$T/$1.out" | tail -n 1
}

# ---- three httpsrc members ----
member m1 g1 10 2 5
member m2 g1 10 2 5
member m3 g1 10 2 5
s=$(agree 0 m1 m2 m3)
assert_eq "three members agree on a generation" 0 $? || diag_file "$T/m1.out"
G=$(field "$s" gen)
assert_eq "one leader, one leader URL" "1 1" \
	"$(field "$s" leaders) $(field "$s" urls)"
assert_eq "10 connectors and 20 tasks, each exactly once" "10 20 1" \
	"$(field "$s" connectors) $(field "$s" tasks) $(field "$s" exact)"
assert_eq "spread: max - min = 0 (30 items, 3 members)" 0 "$(field "$s" spread)"

# A member that stops leaves the group at once (LeaveGroup): the others
# rebalance without waiting for the session timeout.
t0=$(now_ms)
kill -TERM "$PID_m3"
s=$(agree "$G" m1 m2)
t1=$(now_ms)
assert_eq "after m3 left: 2 members, all 30 items, spread <= 1" \
	"10 20 1 ok" "$(field "$s" connectors) $(field "$s" tasks) $(field "$s" exact) $([ "$(field "$s" spread)" -le 1 ] && echo ok)"
diag "rebalance after a LeaveGroup: $((t1 - t0)) ms"
assert_eq "LeaveGroup rebalance within session.timeout.ms" yes \
	"$([ $((t1 - t0)) -lt $SESSION ] && echo yes)"
wait_for_line "$T/m3.out" '^LEFT$' 100 >/dev/null
assert_grep "m3 printed LEFT after SIGTERM" LEFT "$T/m3.out"
G=$(field "$s" gen)

member m4 g1 10 2 5
s=$(agree "$G" m1 m2 m4)
assert_eq "m4 joins: 3 members, spread 0, exact" "0 1" \
	"$(field "$s" spread) $(field "$s" exact)"
G=$(field "$s" gen)

# kill -9 the leader: the survivors rebalance after the session timeout,
# one of them leads.
leader=$(field "$(last_assigned m1)" leader)
for n in m1 m2 m4; do
	[ "$(field "$(last_assigned $n)" me)" != "$leader" ] || victim=$n
done
survivors=$(printf '%s\n' m1 m2 m4 | grep -vx "$victim" | tr '\n' ' ')
t0=$(now_ms)
eval "kill -KILL \$PID_$victim"
# shellcheck disable=SC2086
s=$(agree "$G" $survivors)
t1=$(now_ms)
assert_eq "leader $victim killed: survivors agree, a new leader, 30 items exactly once" \
	"1 1 10 20 1" "$(field "$s" leaders) $(field "$s" urls) $(field "$s" connectors) $(field "$s" tasks) $(field "$s" exact)"
diag "rebalance after kill -9 of the leader: $((t1 - t0)) ms (session.timeout.ms=$SESSION)"
assert_eq "failover within session.timeout.ms + 5 s" yes \
	"$([ $((t1 - t0)) -le $((SESSION + 5000)) ] && echo yes)"

G=$(field "$s" gen)

# A member frozen (SIGSTOP) past the session timeout: the other takes all
# the work; on SIGCONT the frozen one first revokes everything it ran (it
# knows it missed its heartbeats), then rejoins.
read -r a b <<<"$survivors"
eval "kill -STOP \$PID_$a"
s=$(agree "$G" "$b")
assert_eq "$a frozen: $b alone runs all 30 items" "10 20" \
	"$(field "$s" connectors) $(field "$s" tasks)"
G=$(field "$s" gen)
n_before=$(wc -l <"$T/$a.out")
eval "kill -CONT \$PID_$a"
s=$(agree "$G" "$a" "$b")
assert_eq "$a thawed: both agree again, 30 items exactly once" "10 20 1" \
	"$(field "$s" connectors) $(field "$s" tasks) $(field "$s" exact)"
assert_eq "$a's first event after SIGCONT: REVOKED (before any assignment)" \
	REVOKED "$(tail -n +$((n_before + 1)) "$T/$a.out" | grep -m1 -oE '^(REVOKED|ASSIGNED)')"

# ---- a real Java Connect worker in the group ----
CP=$("$KAFKA_SH" classpath)
JPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/java.properties" <<EOF
bootstrap.servers=$BOOT
group.id=g2
connect.protocol=compatible
session.timeout.ms=$SESSION
heartbeat.interval.ms=1000
rebalance.timeout.ms=20000
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
config.storage.topic=g2-configs
offset.storage.topic=g2-offsets
status.storage.topic=g2-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
listeners=http://127.0.0.1:$JPORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$JPORT
EOF
# j1 first: the first member of an empty group leads it.
member j1 g2 0 0 -1
wait_for_line "$T/j1.out" '^ASSIGNED' 600 >/dev/null
java -Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
	-Dlog4j2.configurationFile="${CP%/libs/\*}/log4j2.properties" \
	-cp "$CP" org.apache.kafka.connect.cli.ConnectDistributed \
	"$T/java.properties" >"$T/java.log" 2>&1 &
track_pid $!
JPID=$!
# Java's line: "Joined group at generation G with protocol version V and
# got assignment: Assignment{error=0, leader='ID', leaderUrl='URL', ...".
jline=$(wait_for_line "$T/java.log" 'Joined group at generation' 1800)
assert_eq "the Java worker joined the group" 0 $? || diag_file "$T/java.log"
jgen=$(sed -n 's/.*Joined group at generation \([0-9]*\) with protocol version \([0-9]*\).*/\1 \2/p' <<<"$jline")
jleader=$(sed -n "s/.*leader='\([^']*\)', leaderUrl='\([^']*\)'.*/\1 \2/p" <<<"$jline")
# j1's assignment of that generation (it may print it a moment later).
wait_for_line "$T/j1.out" "^ASSIGNED gen=${jgen% *} " 100 >/dev/null
a=$(grep "^ASSIGNED gen=${jgen% *} " "$T/j1.out" | tail -n 1)
assert_eq "Java and httpsrc: same generation, protocol 'default' (version 0)" \
	"$(field "$a" gen) 0" "$jgen"
assert_eq "Java read our leader's assignment: leader id and URL are j1's" \
	"$(field "$a" me) http://j1:8083/" "$jleader"

# Kill j1: the Java worker leads; a new httpsrc member reads the Java
# leader's assignment.
kill -KILL "$PID_j1"
jl=$(wait_for_line "$T/java.log" "Joined group at generation [0-9]+ .*leaderUrl='http://127.0.0.1:$JPORT/'" 300)
assert_eq "j1 killed: the Java worker leads the group alone" 0 $? ||
	diag "$(grep 'Joined group' "$T/java.log" | tail -n 3)"
n0=$(grep -c 'Joined group at generation' "$T/java.log")
member j2 g2 0 0 -1
for _ in $(seq 600); do
	a=$(last_assigned j2)
	g=$(field "$a" gen)
	jline=$(grep "Joined group at generation $g " "$T/java.log" | tail -n 1)
	[ -z "$a" ] || [ -z "$jline" ] || break
	sleep 0.1
done
jleader=$(sed -n "s/.*leader='\([^']*\)', leaderUrl='\([^']*\)'.*/\1 \2/p" <<<"$jline")
assert_eq "j2 and the Java worker agree on generation $g" yes \
	"$([ -n "$jline" ] && [ "$(grep -c 'Joined group at generation' "$T/java.log")" -gt "$n0" ] && echo yes)" ||
	{ diag_file "$T/j2.out"; diag "$(grep 'Joined group' "$T/java.log" | tail -n 3)"; }
assert_eq "j2 decoded the Java leader's assignment: leader id and URL" \
	"$jleader" "$(field "$a" leader) $(field "$a" leader_url)"
assert_eq "the Java leader's URL is its advertised REST URL" \
	"http://127.0.0.1:$JPORT/" "$(field "$a" leader_url)"
kill -TERM "$JPID"
