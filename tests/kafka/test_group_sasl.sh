#!/bin/bash
# The group module's own connection authenticates as the worker's
# librdkafka-style keys say: SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 on
# a real broker's SASL_PLAINTEXT listener (added to the test broker here);
# a wrong password is a fatal error naming the keys; an unsupported
# mechanism is refused at start, naming it.
. "$(dirname "$0")/../integration/lib.sh"

plan 6
MEMBER_BIN=$HTTPSRC_BUILD_ROOT/tests/kafka/group_member
need_bins "$MEMBER_BIN"
start_real_kafka 1
PLAIN_BOOT=$BOOT

# A SASL_PLAINTEXT listener next to the PLAINTEXT one; the broker restarts
# on its log dir.
"$KAFKA_SH" stop "$KAFKA_DIR" 2>>"$T/kafka.err"
SPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
P=$KAFKA_DIR/server-1.properties
sed -i -e "s#^listeners=PLAINTEXT://\([^,]*\),#listeners=PLAINTEXT://\1,SASL_PLAINTEXT://127.0.0.1:$SPORT,#" \
	-e "s#^advertised.listeners=\(.*\)#advertised.listeners=\1,SASL_PLAINTEXT://127.0.0.1:$SPORT#" \
	-e "s#^listener.security.protocol.map=\(.*\)#listener.security.protocol.map=\1,SASL_PLAINTEXT:SASL_PLAINTEXT#" "$P"
cat >>"$P" <<'EOF'
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
kafka_brokers up
# One mechanism per request ("A user credential cannot be altered twice
# in the same request").
for m in SCRAM-SHA-256 SCRAM-SHA-512; do
	"$KAFKA_SH" tool kafka.admin.ConfigCommand --bootstrap-server "$PLAIN_BOOT" \
		--alter --entity-type users --entity-name bob \
		--add-config "$m=[iterations=4096,password=bob-secret]" \
		>>"$T/scram.out" 2>&1 ||
		bail_out "adding the $m user failed: $(grep -m1 Exception "$T/scram.out")"
done

# run_member NAME MECHANISM USER PASSWORD: a member alone in group NAME
# on the SASL listener; its output in $T/NAME.out.
run_member() {
	printf '%s\n' "bootstrap.servers=127.0.0.1:$SPORT" "group.id=$1" \
		session.timeout.ms=6000 heartbeat.interval.ms=1000 \
		security.protocol=SASL_PLAINTEXT "sasl.mechanisms=$2" \
		"sasl.username=$3" "sasl.password=$4" >"$T/$1.properties"
	"$MEMBER_BIN" "$T/$1.properties" "http://$1:8083/" 2 1 0 \
		>"$T/$1.out" 2>"$T/$1.err" &
	track_pid $!
}

run_member plain PLAIN alice alice-secret
run_member scram256 SCRAM-SHA-256 bob bob-secret
run_member scram512 SCRAM-SHA-512 bob bob-secret
run_member wrongpw SCRAM-SHA-256 bob not-the-password
for m in plain scram256 scram512; do
	l=$(wait_for_line "$T/$m.out" '^ASSIGNED' 300)
	assert_eq "$m: authenticated, joined and led its group (2 connectors, 2 tasks)" \
		"connectors=c00,c01 tasks=c00-0,c01-0" \
		"$(printf '%s\n' "$l" | grep -o 'connectors=.*')" || diag_file "$T/$m.out"
done
l=$(wait_for_line "$T/wrongpw.out" '^ERROR fatal=1' 300)
assert_eq "wrong SCRAM password: one fatal error naming the keys" \
	"ERROR fatal=1 127.0.0.1:$SPORT: SASL authentication failed: SASL_AUTHENTICATION_FAILED: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256 (sasl.username, sasl.password, sasl.mechanisms)" \
	"$l"
assert_absent "the password is in no output" not-the-password "$T/wrongpw.out" "$T/wrongpw.err"

printf '%s\n' "bootstrap.servers=127.0.0.1:$SPORT" group.id=x \
	security.protocol=SASL_SSL sasl.mechanisms=GSSAPI >"$T/gssapi.properties"
out=$("$MEMBER_BIN" "$T/gssapi.properties" http://x/ 0 0 0 2>&1)
assert_eq "GSSAPI refused at start, naming it" \
	"START_ERROR sasl.mechanisms: GSSAPI is not supported by the group membership connection; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" \
	"$out"
