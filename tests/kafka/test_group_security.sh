#!/bin/bash
# The group module's own connection is secured as the worker's
# librdkafka-style keys say, on a real broker with two more listeners added
# here: SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL with
# client certificates required (a test CA made with openssl). A wrong
# password, a missing client certificate and an unknown CA fail with one
# line naming the cause; an unsupported mechanism is refused at start.
. "$(dirname "$0")/../integration/lib.sh"

plan 10
MEMBER_BIN=$HTTPSRC_BUILD_ROOT/tests/kafka/group_member
need_bins "$MEMBER_BIN"
start_real_kafka 1
PLAIN_BOOT=$BOOT

# A test CA, the broker's certificate (SAN IP:127.0.0.1), a client
# certificate whose key has a password; a second CA nobody uses.
C=$T/certs
mkdir -p "$C"
(
	cd "$C" || exit 1
	for ca in ca otherca; do
		openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.pem \
			-days 2 -subj "/CN=$ca" || exit 1
	done
	printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
	openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr \
		-subj /CN=127.0.0.1 &&
		openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -out broker.crt -days 2 -extfile san.ext &&
		cat broker.key broker.crt >broker.pem &&
		openssl req -newkey rsa:2048 -keyout client.key -passout pass:key-pw \
			-out client.csr -subj /CN=client &&
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -out client.pem -days 2
) >"$T/openssl.log" 2>&1 || bail_out "openssl: $(tail -n 3 "$T/openssl.log")"

# SASL_PLAINTEXT and SSL listeners next to the PLAINTEXT one; the broker
# restarts on its log dir.
"$KAFKA_SH" stop "$KAFKA_DIR" 2>>"$T/kafka.err"
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SPORT=$(free_port)
TPORT=$(free_port)
P=$KAFKA_DIR/server-1.properties
sed -i -e "s#^listeners=PLAINTEXT://\([^,]*\),#listeners=PLAINTEXT://\1,SASL_PLAINTEXT://127.0.0.1:$SPORT,SSL://127.0.0.1:$TPORT,#" \
	-e "s#^advertised.listeners=\(.*\)#advertised.listeners=\1,SASL_PLAINTEXT://127.0.0.1:$SPORT,SSL://127.0.0.1:$TPORT#" \
	-e "s#^listener.security.protocol.map=\(.*\)#listener.security.protocol.map=\1,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL#" "$P"
cat >>"$P" <<EOF
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$C/broker.pem
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$C/ca.pem
listener.name.ssl.ssl.client.auth=required
EOF
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

# ssl_member NAME [key=value...]: a member on the SSL listener.
ssl_member() {
	local n=$1
	shift
	printf '%s\n' "bootstrap.servers=127.0.0.1:$TPORT" "group.id=$n" \
		session.timeout.ms=6000 heartbeat.interval.ms=1000 \
		security.protocol=SSL "$@" >"$T/$n.properties"
	"$MEMBER_BIN" "$T/$n.properties" "http://$n:8083/" 1 1 0 \
		>"$T/$n.out" 2>"$T/$n.err" &
	track_pid $!
}
ssl_member tls "ssl.ca.location=$C/ca.pem" \
	"ssl.certificate.location=$C/client.pem" "ssl.key.location=$C/client.key" \
	ssl.key.password=key-pw
ssl_member nocert "ssl.ca.location=$C/ca.pem"
ssl_member otherca "ssl.ca.location=$C/otherca.pem" \
	"ssl.certificate.location=$C/client.pem" "ssl.key.location=$C/client.key" \
	ssl.key.password=key-pw
l=$(wait_for_line "$T/tls.out" '^ASSIGNED' 300)
assert_eq "SSL with a client certificate (key with a password): joined" \
	"connectors=c00 tasks=c00-0" "$(printf '%s\n' "$l" | grep -o 'connectors=.*')" ||
	diag_file "$T/tls.out"
l=$(wait_for_line "$T/otherca.out" '^ERROR fatal=1' 300)
assert_eq "SSL, broker certificate of an unknown CA: fatal, one line" \
	"ERROR fatal=1 127.0.0.1:$TPORT: TLS: broker certificate rejected: unable to get local issuer certificate (ssl.ca.location, ssl.endpoint.identification.algorithm)" \
	"$l"
l=$(wait_for_line "$T/nocert.out" '^ERROR fatal=1' 300)
assert_eq "SSL without the required client certificate: fatal, one line" \
	"ERROR fatal=1 127.0.0.1:$TPORT: TLS: the broker refused this client (sslv3 alert bad certificate); check ssl.certificate.location and ssl.key.location" \
	"$l"
assert_absent "the key password is in no output" key-pw "$T"/*.out "$T"/*.err

printf '%s\n' "bootstrap.servers=127.0.0.1:$SPORT" group.id=x \
	security.protocol=SASL_SSL sasl.mechanisms=GSSAPI >"$T/gssapi.properties"
out=$("$MEMBER_BIN" "$T/gssapi.properties" http://x/ 0 0 0 2>&1)
assert_eq "GSSAPI refused at start, naming it" \
	"START_ERROR sasl.mechanisms: GSSAPI is not supported by the group membership connection; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" \
	"$out"
