#!/bin/sh
# Install the Debian 12 packages libhttpsrc needs to build, test and run the demo.
# Java and Maven are for the real-kafka test suite only (tests/kafka/kafka.sh
# downloads Apache Kafka's jars with Maven; javac builds the Connect interop
# test program); the library and the demo do not need them.
# Idempotent: only missing packages are installed. Needs root (or sudo) for apt-get.
set -eu
PKGS="build-essential meson ninja-build pkg-config python3 openssl \
libcurl4-openssl-dev librdkafka-dev libyajl-dev libcmocka-dev libmicrohttpd-dev libpcre2-dev \
libssl-dev openssl tzdata libsystemd-dev systemd openjdk-17-jdk-headless maven"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-deps: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
