#!/bin/bash
# A keyed record lands on the partition Kafka Connect's producer would pick:
# Java's default partitioner, toPositive(murmur2(key bytes)) % partitions
# (org.apache.kafka.clients.producer.internals.BuiltInPartitioner
# .partitionForKey). A drop-in for Connect must keep each key on the same
# partition: per-key order across a migration, compacted topics.
# producer.partitioner still overrides it (here librdkafka's "consistent":
# CRC-32 of the key, modulo the partitions).
. "$(dirname "$0")/lib.sh"

plan 7
start_fixture --records 300 --page-size 100
start_kafka -t kp-java:7 -t kp-crc:7
connector() {
	write_connector "$T/$1.json" "$1" \
		"kafka.topic=$1" \
		"http.url=$API/events" \
		"${CURSOR_EVENTS[@]}" \
		"${KEY_BY_ID[@]}" "${JSON_VALUES[@]}"
}

# expected_partitions HASH N < "partition<TAB>key<TAB>value" lines: prints
# "<expected partition><TAB><key>" per line; HASH is java (murmur2) or crc.
# murmur2 is Kafka's org.apache.kafka.common.utils.Utils.murmur2, written
# out here from its Java source (seed 0x9747b28c, m 0x5bd1e995, r 24, the
# 4-byte words little-endian), checked first against the vectors of Kafka's
# UtilsTest.testMurmur2.
EXPECTED_PY=$(
	cat <<'EOF'
import sys, zlib

def murmur2(data):
    m, h = 0x5BD1E995, (0x9747B28C ^ len(data)) & 0xFFFFFFFF
    n4 = len(data) // 4
    for i in range(n4):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    tail = data[4 * n4:]
    if len(tail) >= 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if tail:
        h ^= tail[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h

# Kafka's UtilsTest.testMurmur2 (signed Java ints)
for s, want in ((b"21", -973932308), (b"foobar", -790332482),
                (b"a-little-bit-long-string", -985981536),
                (b"a-little-bit-longer-string", -1486304829),
                (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
                (b"abc", 479470107)):
    if murmur2(s) != want:
        sys.exit("murmur2(%r) = %d, Kafka says %d" % (s, murmur2(s), want))

how, n = sys.argv[1], int(sys.argv[2])
for line in sys.stdin.buffer:
    key = line.rstrip(b"\n").split(b"\t")[1]
    h = murmur2(key) & 0x7FFFFFFF if how == "java" else zlib.crc32(key)
    sys.stdout.write("%d\t%s\n" % (h % n, key.decode()))
EOF
)
expected_partitions() {
	python3 -c "$EXPECTED_PY" "$1" "$2"
}

# check TOPIC HASH DESC: all 300 records arrived and each sits on the
# partition HASH gives its key, over more than one partition.
check() {
	consume_topic "$1" 300 -p
	assert_eq "$1: 300 records arrived" 0 "$CONSUME_RC"
	expected_partitions "$2" 7 <"$CONSUMED" >"$T/want.$1"
	assert_files_eq "$1: every record is on the partition of $3" \
		"$T/want.$1" <(cut -f1,2 "$CONSUMED")
	assert_eq "$1: the keys spread over all 7 partitions" 7 \
		"$(cut -f1 "$CONSUMED" | sort -u | wc -l)"
}

connector kp-java
write_worker "$T/worker.properties"
run_host --once "$T/worker.properties" "$T/kp-java.json"
assert_eq "--once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
check kp-java java "Java's toPositive(murmur2(key)) % 7"

connector kp-crc
write_worker "$T/crc.properties" producer.partitioner=consistent
run_host --once "$T/crc.properties" "$T/kp-crc.json"
check kp-crc crc "producer.partitioner=consistent: CRC-32(key) % 7"
