#!/bin/bash
# librdkafka (the one this build links: Debian 12 ships 2.0.2) against the
# real Apache Kafka broker: idempotent produce, a committed and an aborted
# transaction, read_committed, a consumer group. Runs first in real-kafka:
# every later real-kafka test relies on these.
. "$(dirname "$0")/../integration/lib.sh"

start_kafka
need_bins "$HTTPSRC_BUILD_ROOT/tests/kafka/smoke"
"$HTTPSRC_BUILD_ROOT/tests/kafka/smoke" "$BOOT"
