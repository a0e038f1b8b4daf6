#!/bin/bash
# Distributed mode (issue 14, test 1): three httpsrc-connect --distributed
# workers form one Connect cluster through the real broker's group
# coordinator. 30 connectors created over REST (on every worker: a
# follower forwards to the leader) each run on exactly one worker, the
# spread is even (max - min <= 1), every worker lists all 30 with the same
# owners, and every connector's records are in Kafka by id.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=30
RECORDS=40
plan 8
start_fixture --records "$RECORDS" --page-size 20
start_kafka
dist_init
start_cluster 3


created=0 codes=""
for n in $(seq -w 1 $N); do
	w=$((10#$n % 3 + 1)) # every worker takes creates: followers forward
	create_connector "$w" "c$n" 500 >"$T/create.out"
	[ "$DIST_ST" = 201 ] && created=$((created + 1)) || codes="${codes:-c$n:$DIST_ST:$(cat "$T/create.out")}"
done
assert_eq "30 creates answered 201, on whichever worker they were sent to" \
	"$N" "$created" || diag "$codes"

t0=$(now_ms)
wait_owners 1 "$N" 90 || diag "$(owners 1 | wc -l) tasks RUNNING after 90 s"
diag "all $N tasks RUNNING $(($(now_ms) - t0)) ms after the last create"
wait_placed 1 "$N" 60 ||
	diag "not settled after 60 s: placed $(tr '\n' ' ' <"$T/placed") named $(tr '\n' ' ' <"$T/named")"
owners 1 >"$T/owners.1"
# the others see the same statuses on their next read of the status topic
for _ in $(seq 100); do
	owners 2 >"$T/owners.2"
	owners 3 >"$T/owners.3"
	cmp -s "$T/owners.1" "$T/owners.2" && cmp -s "$T/owners.1" "$T/owners.3" && break
	sleep 0.2
done
assert_eq "every connector's task runs, on exactly one worker" \
	"$N" "$(cut -d' ' -f1 "$T/owners.1" | sort -u | wc -l)"
assert_files_eq "worker 2 lists the same connectors and owners" \
	"$T/owners.1" "$T/owners.2"
assert_files_eq "worker 3 lists the same connectors and owners" \
	"$T/owners.1" "$T/owners.3"
want_ids=$(for i in 1 2 3; do echo "127.0.0.1:${W_PORT[$i]}"; done | sort)
assert_eq "the owners are the three workers (worker_id host:port)" \
	"$want_ids" "$(cut -d' ' -f2 "$T/owners.1" | sort -u)"
spread=$(cut -d' ' -f2 "$T/owners.1" | sort | uniq -c | awk '
	NR == 1 { min = $1; max = $1 } { if ($1 < min) min = $1; if ($1 > max) max = $1 }
	END { print max - min }')
assert_eq "the spread is even (max - min <= 1)" 1 "$((spread <= 1))" ||
	diag "$(cut -d' ' -f2 "$T/owners.1" | sort | uniq -c)"

# Each worker's own tasks: what its pipeline runs is what the cluster says.
ran=0
for i in 1 2 3; do
	ran=$((ran + $(grep -c "^.* 127.0.0.1:${W_PORT[$i]}\$" "$T/owners.1")))
done
assert_eq "the owners add up to $N" "$N" "$ran"

# Every record of every connector, by (connector, id).
dist_want_keys "$N" "$RECORDS"
dist_wait_keys "$((N * RECORDS))"
assert_files_eq "every record of every connector is in Kafka (keys c,id)" \
	"$T/want.keys" "$T/got.keys"
