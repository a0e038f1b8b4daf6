#!/bin/bash
# TLS against HTTPS fixtures with a PKI made by make_pki: a PEM CA and a
# PKCS#12 truststore work; mTLS works with a PKCS#12 keystore and with a PEM
# certificate + key; turning verification off works where it must. Failures
# are one clear line each: a server certificate for another host name, a
# CA that is not trusted, a missing client certificate (403), a JKS store
# (with the keytool command that converts it), a wrong PKCS#12 password
# (never printed).
. "$(dirname "$0")/lib.sh"

plan 32
PKI=$T/pki
make_pki "$PKI"
start_kafka
write_worker "$T/worker.properties"
start_fixture --records 30 --tls-cert "$PKI/server.pem" \
	--tls-key "$PKI/server.key"
API_S=$API
start_fixture --records 30 --tls-cert "$PKI/wrong.pem" \
	--tls-key "$PKI/wrong.key"
API_W=$API
start_fixture --records 30 --tls-cert "$PKI/server.pem" \
	--tls-key "$PKI/server.key" --tls-ca "$PKI/ca.pem"
API_M=$API

# tls_conn FILE NAME URL key=value...: a one-page events connector.
tls_conn() {
	local f=$1 name=$2 url=$3
	shift 3
	write_connector "$f" "$name" \
		"kafka.topic=$name" "http.url=$url" \
		'http.response.records.path=$.data[*]' \
		http.retry.max.attempts=0 \
		"${KEY_BY_ID[@]}" "$@"
}

tls_conn "$T/pem.json" tls-pem "$API_S/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem"
tls_conn "$T/p12.json" tls-p12 "$API_S/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/truststore.p12" \
	http.ssl.truststore.password=changeit
tls_conn "$T/mtls.json" tls-mtls-p12 "$API_M/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem" \
	"http.ssl.keystore.location=$PKI/client.p12" \
	http.ssl.keystore.password=changeit
tls_conn "$T/mtlspem.json" tls-mtls-pem "$API_M/events" \
	http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem" \
	"http.ssl.keystore.location=$PKI/client.pem" \
	"http.ssl.key.location=$PKI/client.key"
tls_conn "$T/nohost.json" tls-nohostcheck "$API_W/events" \
	http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem" \
	http.ssl.verify.hostname=false
tls_conn "$T/noverify.json" tls-noverify "$API_S/events" \
	http.ssl.enabled=true \
	http.ssl.verify.certificate=false \
	http.ssl.verify.hostname=false

run_host --once "$T/worker.properties" "$T/pem.json" "$T/p12.json" \
	"$T/mtls.json" "$T/mtlspem.json" "$T/nohost.json" "$T/noverify.json"
assert_eq "six TLS connectors that must work, --once: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
for t in tls-pem tls-p12 tls-mtls-p12 tls-mtls-pem tls-nohostcheck \
	tls-noverify; do
	assert_topic "$t" "$t" <(fixture_keyed 1 30)
done
API=$API_M
assert_eq "mTLS: both connectors' requests had a client certificate (no 403)" \
	"0 4" "$(fixture_stat tls.403) $(fixture_requests /events)"
assert_absent "the keystore password is never printed" changeit \
	"$T/host.out" "$T/host.err" "$OFFSETS"

# run_fail NAME CONNECTOR_FILE: a --once run that must fail.
run_fail() {
	run_host --once "$T/worker.properties" "$2"
	assert_eq "$1: exit 1" 1 "$HOST_RC" || diag_file "$T/host.err"
}

tls_conn "$T/wrong.json" tls-wronghost "$API_W/events" \
	http.ssl.enabled=true "http.ssl.truststore.location=$PKI/ca.pem"
run_fail "certificate for another host name" "$T/wrong.json"
assert_grep_e "wrong host name: the failure says the name does not match" \
	"connector 'tls-wronghost' failed: GET https://127\.0\.0\.1:[0-9]+/events failed: .*(subject name|host ?name).*(match|127\.0\.0\.1)" \
	"$T/host.err"

tls_conn "$T/untrusted.json" tls-untrusted "$API_S/events"
run_fail "CA not trusted (no truststore)" "$T/untrusted.json"
assert_grep_e "untrusted CA: the failure says the certificate is not trusted" \
	"connector 'tls-untrusted' failed: GET https://127\.0\.0\.1:[0-9]+/events failed: .*(certificate|issuer)" \
	"$T/host.err"

tls_conn "$T/nocert.json" tls-nocert "$API_M/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem"
run_fail "mTLS without a client certificate" "$T/nocert.json"
assert_grep "mTLS without a client certificate: the 403 and its body" \
	"connector 'tls-nocert' failed: GET $API_M/events returned HTTP 403: {\"error\":\"client certificate required\"}" \
	"$T/host.err"
API=$API_M
assert_eq "mTLS without a client certificate: the server refused it once" \
	1 "$(fixture_stat tls.403)"

# Store problems are config errors, found before any request.
API=$API_S
before=$(fixture_requests /events)
tls_conn "$T/jks.json" tls-jks "$API_S/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/truststore.jks" \
	http.ssl.truststore.password=changeit
run_host --once "$T/worker.properties" "$T/jks.json"
assert_eq "JKS truststore: exit 2 (a config error)" 2 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_grep "JKS truststore: the error says how to convert it" \
	"http.ssl.truststore.location: $PKI/truststore.jks is a Java KeyStore (JKS), which is not supported; convert it to PKCS#12: keytool -importkeystore -srckeystore $PKI/truststore.jks -srcstoretype JKS -destkeystore store.p12 -deststoretype PKCS12" \
	"$T/host.err"
assert_absent "JKS truststore: the password is not printed" changeit \
	"$T/host.out" "$T/host.err"

tls_conn "$T/badpass.json" tls-badpass "$API_M/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem" \
	"http.ssl.keystore.location=$PKI/client.p12" \
	http.ssl.keystore.password=N0t-Changeit
run_host --once "$T/worker.properties" "$T/badpass.json"
assert_eq "wrong PKCS#12 password: exit 2 (a config error)" 2 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_grep "wrong PKCS#12 password: the error names the key and the file" \
	"http.ssl.keystore.location: $PKI/client.p12: cannot read a certificate and key from PKCS#12 (wrong password or not a PKCS#12 keystore)" \
	"$T/host.err"
assert_absent "wrong PKCS#12 password: the password is not printed" \
	N0t-Changeit "$T/host.out" "$T/host.err"
assert_eq "store errors: no request was made" "$before" \
	"$(fixture_requests /events)"

# An https request never follows a redirect to http: its headers (API keys)
# would go out in the clear. Over https to https it does.
start_fixture --records 30
API_P=$API
tls_conn "$T/down.json" tls-down \
	"$API_S/redirect?to=$API_P/events" http.ssl.enabled=true \
	"http.ssl.truststore.location=$PKI/ca.pem" 'http.headers=X-Api-Key: k-s3cr3t'
run_host --once "$T/worker.properties" "$T/down.json"
assert_eq "https redirected to http: the connector fails (exit 1)" 1 \
	"$HOST_RC"
assert_eq "and the http server never got the request" 0 \
	"$(fixture_requests /events)"
tls_conn "$T/up.json" tls-up "$API_S/redirect?to=$API_S/events" \
	http.ssl.enabled=true "http.ssl.truststore.location=$PKI/ca.pem"
run_host --once "$T/worker.properties" "$T/up.json"
assert_eq "https redirected to https: followed (exit 0)" 0 "$HOST_RC" ||
	diag_file "$T/host.err"

