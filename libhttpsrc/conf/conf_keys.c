/* The declared configuration keys and the validation they drive: one table
 * per scope is the single source for set-time checks, error messages, docs
 * and the REST config/validate endpoint. */
#include "conf_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoff_int.h"
#include "cron_int.h"
#include "jsonpath_int.h"
#include "util_int.h"

#ifndef HTTPSRC_PLUGINDIR
#define HTTPSRC_PLUGINDIR "/usr/local/lib/httpsrc/plugins"
#endif

#define JSON_CONVERTER "org.apache.kafka.connect.json.JsonConverter"

/* Bounds of INT keys without a real upper limit. */
#define NO_MAX INT64_MAX

const httpsrc_param_desc conf_connector_params[] = {
    {.name  = "name",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Unique name of the connector",
     .group = "common"},
    {.name          = "connector.class",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "HttpSource",
     .doc           = "Source plugin that implements the connector",
     .group         = "common"},
    {.name          = "tasks.max",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1",
     .doc           = "Maximum number of tasks; one runs (the connector has "
                      "one source partition)",
     .group         = "common",
     .min           = 1,
     .max           = INT64_MAX},
    {.name  = "kafka.topic",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Kafka topic the records are written to",
     .group = "topic"},
    {.name  = "http.url",
     .type  = HTTPSRC_PARAM_STRING,
     .flags = HTTPSRC_PARAM_F_REQUIRED,
     .doc   = "Absolute http(s) URL to poll",
     .group = "request"},
    {.name          = "http.method",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "GET",
     .doc           = "HTTP request method",
     .group         = "request",
     .enum_values   = "GET|POST"},
    {.name  = "http.headers",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Request headers as \"Name: value, Name: value\"",
     .group = "request"},
    {.name  = "http.request.body",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Request body (POST only)",
     .group = "request"},
    {.name          = "http.request.parameters",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "",
     .doc           = "Query parameters \"name=value&name=value\" appended "
                      "to the URL (GET and POST)",
     .group         = "request"},
    {.name          = "http.timer.interval.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "60000",
     .doc           = "Milliseconds between two polls once caught up "
                      "(fixed slots from the first request)",
     .group         = "polling",
     .min           = 0,
     .max           = 2147483647},
    {.name          = "http.timer.type",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "interval",
     .doc           = "interval: poll every http.timer.interval.ms; cron: at "
                      "the times of http.timer.cron.expression",
     .group         = "polling",
     .enum_values   = "interval|cron"},
    {.name  = "http.timer.cron.expression",
     .type  = HTTPSRC_PARAM_CRON,
     .doc   = "Quartz cron expression (sec min hour day-of-month month "
              "day-of-week [year]) of the poll times",
     .group = "polling"},
    {.name          = "http.timer.cron.zone",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "UTC",
     .doc           = "Time zone of the cron expression: UTC, +02:00 or an "
                      "IANA name",
     .group         = "polling"},
    {.name          = "exactly.once.support",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "requested",
     .doc           = "required: refuse to run without the worker's "
                      "exactly.once.source.support=enabled",
     .group         = "offsets",
     .enum_values   = "requested|required"},
    {.name          = "transaction.boundary",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "poll",
     .doc           = "Exactly-once transactions: poll (one per page), "
                      "interval (transaction.boundary.interval.ms)",
     .group         = "offsets",
     .enum_values   = "poll|interval|connector"},
    {.name          = "transaction.boundary.interval.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "60000",
     .doc           = "Longest transaction with transaction.boundary=interval "
                      "(ms)",
     .group         = "offsets",
     .min           = 1,
     .max           = NO_MAX},
    {.name          = "http.offset.mode",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "NONE",
     .doc           = "How the offset of the next request is found",
     .group         = "offsets",
     .enum_values   = "NONE|TIMESTAMP|ID|CURSOR|SIMPLE_INCREMENTING|CHAINING|"
                      "CURSOR_PAGINATION"},
    {.name  = "http.offset.field",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "JSONPath or bare field name of the record member holding its "
              "offset",
     .group = "offsets"},
    {.name          = "http.initial.offset",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "",
     .doc           = "Offset used until one is stored",
     .group         = "offsets"},
    {.name          = "http.connect.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "10000",
     .doc           = "Timeout in milliseconds to establish a connection",
     .group         = "limits",
     .min           = 1,
     .max           = NO_MAX},
    {.name          = "http.request.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "30000",
     .doc           = "Timeout in milliseconds for a whole request",
     .group         = "limits",
     .min           = 1,
     .max           = NO_MAX},
    {.name          = "http.response.max.bytes",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "67108864",
     .doc           = "Largest response body accepted, in bytes",
     .group         = "limits",
     .min           = 1,
     .max           = NO_MAX},
    {.name          = "http.response.max.depth",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "128",
     .doc           = "Deepest JSON nesting accepted in a response",
     .group         = "limits",
     .min           = 1,
     .max           = 100000},
    {.name          = "http.response.max.record.bytes",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1000000",
     .doc           = "Largest record accepted, in bytes",
     .group         = "limits",
     .min           = 1,
     .max           = NO_MAX},
    {.name          = "http.response.format",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "JSON",
     .doc           = "Format of the response body",
     .group         = "response",
     .enum_values   = "JSON"},
    {.name          = "http.response.records.path",
     .type          = HTTPSRC_PARAM_JSONPATH,
     .default_value = "$",
     .doc           = "JSONPath selecting the records in the response",
     .group         = "response"},
    {.name          = "http.response.records.expand",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Treat an array selected by the records path as its "
                      "elements (Confluent JSON Pointer semantics)",
     .group         = "response"},
    {.name          = "http.auth.type",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "NONE",
     .doc           = "Authentication plugin (NONE or a registered auth type)",
     .group         = "auth"},
    {.name          = "http.pagination.type",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "NONE",
     .doc           = "Pagination plugin (NONE or a registered paginator)",
     .group         = "pagination"},
    {.name  = "key.converter",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Converter for record keys (default: the worker's)",
     .group = "records"},
    {.name  = "value.converter",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Converter for record values (default: the worker's)",
     .group = "records"},
    {.name  = "key.converter.schemas.enable",
     .type  = HTTPSRC_PARAM_BOOL,
     .doc   = "Wrap keys in a schema envelope (default: the worker's)",
     .group = "records"},
    {.name  = "value.converter.schemas.enable",
     .type  = HTTPSRC_PARAM_BOOL,
     .doc   = "Wrap values in a schema envelope (default: the worker's)",
     .group = "records"},
    {.name          = "transforms",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "Aliases of the transforms to apply, in order",
     .group         = "transforms"},
    {.name          = "predicates",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "Aliases of the predicates transforms may refer to",
     .group         = "transforms"},
    {.name          = "errors.tolerance",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "none",
     .doc           = "none: fail on a bad record; all: skip it",
     .group         = "errors",
     .enum_values   = "none|all"},
    {.name          = "http.retry.max.attempts",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "5",
     .doc           = "Retries of a failed request before it is an error",
     .group         = "errors",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "http.retry.backoff.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1000",
     .doc           = "Wait before the first retry (ms), doubled each retry",
     .group         = "errors",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "http.retry.backoff.max.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "60000",
     .doc           = "Longest wait between two retries (ms)",
     .group         = "errors",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "http.retry.max.wait.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "300000",
     .doc           = "Longest wait a server may ask for (ms): a longer "
                      "Retry-After or rate-limit reset is cut to this, "
                      "with a WARN",
     .group         = "errors",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "http.response.error.codes",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "400-599",
     .doc           = "HTTP statuses treated as errors: codes and ranges, "
                      "e.g. 400-499,503",
     .group         = "errors"},
    {.name          = "behavior.on.error",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "fail",
     .doc           = "After the retries of an error response: fail the "
                      "connector, log it and go on, or ignore it",
     .group         = "errors",
     .enum_values   = "fail|log|ignore"},
    {.name          = "log.level",
     .type          = HTTPSRC_PARAM_ENUM,
     .doc           = "This connector's log level (default: the worker's, "
                      "--log-level)",
     .group         = "errors",
     .enum_values   = "error|warn|info|debug|trace"},
    {.name          = "errors.log.enable",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Log each error that is tolerated",
     .group         = "errors"},
    {.name          = "http.ssl.enabled",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Use the http.ssl.* stores and verification settings",
     .group         = "tls"},
    {.name  = "http.ssl.truststore.location",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "CA certificates to trust (PEM or PKCS#12 file)",
     .group = "tls"},
    {.name  = "http.ssl.truststore.password",
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "Password of the PKCS#12 truststore",
     .group = "tls"},
    {.name        = "http.ssl.truststore.type",
     .type        = HTTPSRC_PARAM_ENUM,
     .doc         = "Format of the truststore (default: detected from the "
                    "file)",
     .group       = "tls",
     .enum_values = "PEM|PKCS12|JKS"},
    {.name  = "http.ssl.keystore.location",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Client certificate (PEM or PKCS#12 with its key)",
     .group = "tls"},
    {.name  = "http.ssl.keystore.password",
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "Password of the PKCS#12 keystore",
     .group = "tls"},
    {.name        = "http.ssl.keystore.type",
     .type        = HTTPSRC_PARAM_ENUM,
     .doc         = "Format of the keystore (default: detected from the "
                    "file)",
     .group       = "tls",
     .enum_values = "PEM|PKCS12|JKS"},
    {.name  = "http.ssl.key.location",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "PEM private key when the keystore is a PEM certificate",
     .group = "tls"},
    {.name  = "http.ssl.key.password",
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "Password of the private key",
     .group = "tls"},
    {.name          = "http.ssl.verify.hostname",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "true",
     .doc           = "Check that the server certificate names the host",
     .group         = "tls"},
    {.name          = "http.ssl.verify.certificate",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "true",
     .doc           = "Check the server certificate chain",
     .group         = "tls"},
    {.name          = "http.throttle.max.requests",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "0",
     .doc           = "Most requests per http.throttle.window.ms (0: "
                      "unlimited)",
     .group         = "rate limits",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "http.throttle.window.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1000",
     .doc           = "Window of http.throttle.max.requests (ms)",
     .group         = "rate limits",
     .min           = 1,
     .max           = NO_MAX},
    {.name  = "http.rate.limit.header",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Response header with the requests left, e.g. "
              "X-RateLimit-Remaining",
     .group = "rate limits"},
    {.name  = "http.rate.limit.reset.header",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Response header with the reset time, e.g. X-RateLimit-Reset: "
              "seconds until reset, or epoch seconds when > 10^9",
     .group = "rate limits"},
    {.name          = "http.credentials.allowed.origins",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "Origins (scheme://host[:port]) besides http.url's "
                      "that a next-page URL or a redirect may take the auth "
                      "credentials and http.headers to; any other origin "
                      "gets neither",
     .group         = "auth"},
    {.name          = "connection.disallow.local.ips",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Refuse to connect to loopback, link-local and "
                      "unspecified addresses",
     .group         = "network"},
    {.name          = "connection.disallow.private.ips",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Refuse to connect to private addresses (RFC 1918, "
                      "CGNAT, IPv6 ULA)",
     .group         = "network"},
    {.name          = "connection.disallow.class.e.ips",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Refuse to connect to class E (240.0.0.0/4) addresses",
     .group         = "network"},
    {.name          = "connection.allow.cidr.ranges",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "CIDR ranges connections are limited to (empty: any)",
     .group         = "network"},
    {.name          = "connection.disallow.cidr.ranges",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "CIDR ranges connections are refused to",
     .group         = "network"},
    {.name = NULL},
};

const httpsrc_param_desc conf_worker_params[] = {
    {.name          = "bootstrap.servers",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = "localhost:9092",
     .doc           = "Kafka brokers to connect to (host:port,...)",
     .group         = "kafka"},
    {.name  = "offset.storage.file.filename",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "File the source offsets are stored in (httpsrc-connect: "
              "required unless offset.storage.topic is set)",
     .group = "offsets"},
    {.name  = "offset.storage.topic",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Kafka topic the source offsets are stored in, as Kafka "
              "Connect's (instead of offset.storage.file.filename)",
     .group = "offsets"},
    {.name          = "exactly.once.source.support",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "disabled",
     .doc           = "enabled: every connector writes its records and "
                      "offsets in Kafka transactions (needs "
                      "offset.storage.topic)",
     .group         = "offsets",
     .enum_values   = "disabled|enabled"},
    {.name          = "offset.storage.partitions",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "25",
     .doc           = "Partitions of offset.storage.topic when it is created "
                      "(-1: broker default)",
     .group         = "offsets",
     .min           = -1,
     .max           = 1000000},
    {.name          = "offset.storage.replication.factor",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "3",
     .doc           = "Replication factor of offset.storage.topic when it is "
                      "created (-1: broker default)",
     .group         = "offsets",
     .min           = -1,
     .max           = 32767},
    {.name  = "group.id",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Distributed mode: the Connect cluster (Kafka group) this "
              "worker joins (required with --distributed)",
     .group = "distributed"},
    {.name  = "config.storage.topic",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Distributed mode: compacted topic of the connector configs "
              "(1 partition; required with --distributed)",
     .group = "distributed"},
    {.name          = "config.storage.replication.factor",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "3",
     .doc           = "Replication factor of config.storage.topic when it is "
                      "created (-1: broker default)",
     .group         = "distributed",
     .min           = -1,
     .max           = 32767},
    {.name  = "status.storage.topic",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Distributed mode: compacted topic of the connector and task "
              "statuses (required with --distributed)",
     .group = "distributed"},
    {.name          = "status.storage.partitions",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "5",
     .doc           = "Partitions of status.storage.topic when it is created "
                      "(-1: broker default)",
     .group         = "distributed",
     .min           = -1,
     .max           = 1000000},
    {.name          = "status.storage.replication.factor",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "3",
     .doc           = "Replication factor of status.storage.topic when it is "
                      "created (-1: broker default)",
     .group         = "distributed",
     .min           = -1,
     .max           = 32767},
    {.name  = "rest.advertised.host.name",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Host name the other workers reach this one's REST API at "
              "(default: the first listener's host)",
     .group = "distributed"},
    {.name  = "rest.advertised.port",
     .type  = HTTPSRC_PARAM_INT,
     .doc   = "Port the other workers reach this one's REST API at "
              "(default: the first listener's port)",
     .group = "distributed",
     .min   = 1,
     .max   = 65535},
    {.name        = "rest.advertised.listener",
     .type        = HTTPSRC_PARAM_ENUM,
     .doc         = "Scheme given to the other workers (default: the first "
                    "listener's)",
     .group       = "distributed",
     .enum_values = "http|https"},
    {.name          = "session.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "10000",
     .doc           = "A worker that sends no heartbeat this long leaves the "
                      "group and its connectors move (within the broker's "
                      "group.min/max.session.timeout.ms)",
     .group         = "distributed",
     .min           = 1,
     .max           = 2147483647},
    {.name          = "heartbeat.interval.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "3000",
     .doc           = "Time between two heartbeats to the group coordinator "
                      "(below session.timeout.ms; about a third of it)",
     .group         = "distributed",
     .min           = 1,
     .max           = 2147483647},
    {.name          = "rebalance.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "60000",
     .doc           = "Longest time the workers have to rejoin in a "
                      "rebalance (stop their connectors, send JoinGroup)",
     .group         = "distributed",
     .min           = 1,
     .max           = 2147483647},
    {.name          = "worker.sync.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "3000",
     .doc           = "Longest wait to read the config topic up to the "
                      "leader's offset after a rebalance before leaving the "
                      "group",
     .group         = "distributed",
     .min           = 0,
     .max           = 2147483647},
    {.name          = "worker.unsync.backoff.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "300000",
     .doc           = "How long a worker that could not catch up with the "
                      "config topic stays out of the group",
     .group         = "distributed",
     .min           = 0,
     .max           = 2147483647},
    {.name          = "task.shutdown.graceful.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "5000",
     .doc           = "Longest wait, in a rebalance, for the stopped "
                      "tasks' records to be acknowledged and their offsets "
                      "stored before the worker rejoins",
     .group         = "distributed",
     .min           = 0,
     .max           = 2147483647},
    {.name          = "connect.protocol",
     .type          = HTTPSRC_PARAM_ENUM,
     .default_value = "sessioned",
     .doc           = "Highest Connect group protocol offered; this worker "
                      "implements default (eager) only and joins with it "
                      "whatever the value (sessioned Java workers offer "
                      "default too)",
     .group         = "distributed",
     .enum_values   = "default|compatible|sessioned"},
    {.name          = "offset.flush.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "5000",
     .doc           = "Longest wait for offset.storage.topic to acknowledge "
                      "a flush (ms)",
     .group         = "offsets",
     .min           = 1,
     .max           = 2147483647},
    {.name          = "kafka.unreachable.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "120000",
     .doc           = "--once fails (exit 1) when no Kafka broker has "
                      "answered this long while records wait for "
                      "acknowledgement (ms); the start gives up reading "
                      "offset.storage.topic when a step had no answer (or "
                      "the read no record) this long; 0: wait forever",
     .group         = "kafka",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "offset.flush.interval.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "100",
     .doc           = "Most often offsets are written (ms); 0: at every ack",
     .group         = "offsets",
     .min           = 0,
     .max           = NO_MAX},
    {.name          = "plugin.path",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = HTTPSRC_PLUGINDIR,
     .doc           = "Directories searched for httpsrc-*.so plugins",
     .group         = "plugins"},
    {.name          = "http.max.concurrent.requests",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "256",
     .doc           = "Requests in flight at once, over all connectors; "
                      "more wait their turn",
     .group         = "polling",
     .min           = 1,
     .max           = 1000000},
    {.name          = "listeners",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "http://localhost:8083",
     .doc           = "REST API listeners: http://host:port or https://",
     .group         = "rest"},
    {.name  = "listeners.https.ssl.certificate.location",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "PEM certificate (chain) of https:// listeners",
     .group = "rest"},
    {.name  = "listeners.https.ssl.key.location",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "PEM private key of https:// listeners",
     .group = "rest"},
    {.name  = "listeners.https.ssl.key.password",
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "Password of the listeners' private key",
     .group = "rest"},
    {.name  = "rest.auth.user",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "REST API Basic auth user (unset: no auth)",
     .group = "rest"},
    {.name  = "rest.auth.password",
     .type  = HTTPSRC_PARAM_PASSWORD,
     .doc   = "REST API Basic auth password (may be ${provider:..})",
     .group = "rest"},
    {.name          = "rest.max.request.bytes",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "1048576",
     .doc           = "Larger request bodies get 413",
     .group         = "rest",
     .min           = 1,
     .max           = 1073741824},
    {.name          = "rest.max.connections",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "256",
     .doc           = "Most connections a REST listener serves at once",
     .group         = "rest",
     .min           = 1,
     .max           = 65536},
    {.name          = "rest.max.connections.per.client",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "16",
     .doc           = "Most connections one client address may hold on a "
                      "REST listener (idle ones count)",
     .group         = "rest",
     .min           = 1,
     .max           = 65536},
    {.name          = "rest.request.timeout.ms",
     .type          = HTTPSRC_PARAM_INT,
     .default_value = "10000",
     .doc           = "Time a REST client has to send a whole request "
                      "(headers and body), from connecting or its previous "
                      "answer; then the connection is closed",
     .group         = "rest",
     .min           = 100,
     .max           = 3600000},
    {.name          = "topic.tracking.enable",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "true",
     .doc           = "Record the topics each connector writes to "
                      "(GET /connectors/{c}/topics)",
     .group         = "rest"},
    {.name          = "topic.tracking.allow.reset",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "true",
     .doc           = "Allow PUT /connectors/{c}/topics/reset",
     .group         = "rest"},
    {.name  = "config.storage.file.filename",
     .type  = HTTPSRC_PARAM_STRING,
     .doc   = "Connector configs created over REST (default: "
              "offset file + .configs)",
     .group = "rest"},
    {.name          = "key.converter",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = JSON_CONVERTER,
     .doc           = "Converter for record keys",
     .group         = "records"},
    {.name          = "value.converter",
     .type          = HTTPSRC_PARAM_STRING,
     .default_value = JSON_CONVERTER,
     .doc           = "Converter for record values",
     .group         = "records"},
    {.name          = "key.converter.schemas.enable",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Wrap keys in a schema envelope",
     .group         = "records"},
    {.name          = "value.converter.schemas.enable",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "Wrap values in a schema envelope",
     .group         = "records"},
    {.name          = "config.providers",
     .type          = HTTPSRC_PARAM_LIST,
     .default_value = "",
     .doc           = "Names of the config providers that resolve "
                      "${name:...} placeholders; no other provider does",
     .group         = "providers"},
    {.name          = "command.line.builtin.providers",
     .type          = HTTPSRC_PARAM_BOOL,
     .default_value = "false",
     .doc           = "true: the worker file and the connector files named "
                      "on the command line (or added with "
                      "httpsrc_pipeline_add_connector) may also use the "
                      "unrestricted built-in providers env, file and "
                      "directory without listing them; configs from REST "
                      "never can",
     .group         = "providers"},
    {.name = NULL},
};

const httpsrc_param_desc *conf_param_find(const httpsrc_param_desc *params,
                                          const char *key)
{
        if (!params || !key)
                return NULL;
        for (; params->name; params++)
                if (!strcmp(params->name, key))
                        return params;
        return NULL;
}

/* Namespaces owned by plugins or passed through to librdkafka: their keys
 * are only known once the connector starts. */
static const char *const connector_deferred_prefixes[] = {
    "http.auth.",         "http.oauth2.", "http.pagination.",
    "producer.override.", "confluent.",   NULL};
static const char *const worker_deferred_prefixes[] = {"producer.", "sasl.",
                                                       "ssl.", NULL};
static const char *const worker_deferred_keys[]     = {"security.protocol",
                                                       "client.id", NULL};

static int has_prefix_and_more(const char *key, const char *prefix)
{
        size_t n = strlen(prefix);
        return !strncmp(key, prefix, n) && key[n] != '\0';
}

static int any_prefix(const char *key, const char *const *prefixes)
{
        for (; *prefixes; prefixes++)
                if (has_prefix_and_more(key, *prefixes))
                        return 1;
        return 0;
}

/* "<list>.<name>.<key>" (transforms.<alias>.type, predicates.<name>.type,
 * config.providers.<name>.class): the bare list key is declared. */
static int is_named_key(const char *key, const char *list_prefix)
{
        if (!has_prefix_and_more(key, list_prefix))
                return 0;
        const char *name = key + strlen(list_prefix);
        const char *dot  = strchr(name, '.');
        return dot && dot > name && dot[1] != '\0';
}

int conf_is_deferred_key(int scope, const char *key)
{
        if (!key)
                return 0;
        if (scope == HTTPSRC_SCOPE_CONNECTOR)
                return any_prefix(key, connector_deferred_prefixes) ||
                       is_named_key(key, "transforms.") ||
                       is_named_key(key, "predicates.");
        if (scope != HTTPSRC_SCOPE_WORKER)
                return 0;
        if (any_prefix(key, worker_deferred_prefixes) ||
            is_named_key(key, "config.providers."))
                return 1;
        for (const char *const *k = worker_deferred_keys; *k; k++)
                if (!strcmp(key, *k))
                        return 1;
        return 0;
}

static int parse_int(const char *s, int64_t *out, int *overflow)
{
        if (!(*s >= '0' && *s <= '9') && *s != '-' && *s != '+')
                return -1;
        char *end;
        errno         = 0;
        long long val = strtoll(s, &end, 10);
        if (end == s || *end != '\0')
                return -1;
        *overflow = errno == ERANGE;
        *out      = val;
        return 0;
}

static int validate_int(const httpsrc_param_desc *d,
                        const char *value,
                        char *reason,
                        size_t size)
{
        int64_t v;
        int overflow;
        if (parse_int(value, &v, &overflow)) {
                errstr_set(reason, size, "not an integer");
                return -1;
        }
        /* Zeroed bounds mean "no bounds"; min == max == N means exactly N. */
        int bounded = d->min != 0 || d->max != 0;
        if (!bounded) {
                if (overflow)
                        errstr_set(reason, size, "integer out of range");
                return overflow ? -1 : 0;
        }
        if (!overflow && v >= d->min && v <= d->max)
                return 0;
        if (d->max == INT64_MAX)
                errstr_set(reason, size, "must be at least %" PRId64, d->min);
        else if (d->min == INT64_MIN)
                errstr_set(reason, size, "must be at most %" PRId64, d->max);
        else
                errstr_set(reason, size,
                           "must be between %" PRId64 " and %" PRId64, d->min,
                           d->max);
        return -1;
}

static int enum_has(const char *values, const char *value)
{
        size_t n = strlen(value);
        for (const char *p = values; p && *p;) {
                const char *bar = strchr(p, '|');
                size_t len      = bar ? (size_t)(bar - p) : strlen(p);
                if (len == n && !strncasecmp(p, value, n))
                        return 1;
                p = bar ? bar + 1 : NULL;
        }
        return 0;
}

static int validate_enum(const httpsrc_param_desc *d,
                         const char *value,
                         char *reason,
                         size_t size)
{
        if (enum_has(d->enum_values, value))
                return 0;
        strbuf sb = {0};
        for (const char *p = d->enum_values ? d->enum_values : ""; *p; p++)
                if (*p == '|' ? sb_puts(&sb, ", ") : sb_putc(&sb, *p))
                        break;
        errstr_set(reason, size, "must be one of %s", sb.buf ? sb.buf : "");
        sb_free(&sb);
        return -1;
}

/* A parser's message "<what> '<value>': <reason>" repeats the value, which
 * our caller already shows: keep the reason only. */
static void set_parser_reason(char *reason,
                              size_t size,
                              const char *err,
                              const char *what,
                              const char *value)
{
        strbuf prefix   = {0};
        const char *msg = err[0] ? err : what;
        if (!sb_printf(&prefix, "%s '%s': ", what, value) &&
            !strncmp(msg, prefix.buf, prefix.len) && msg[prefix.len])
                msg += prefix.len;
        errstr_set(reason, size, "%s", msg);
        sb_free(&prefix);
}

/* Compiling is the only exact check of the JSONPath grammar. */
static int validate_jsonpath(const char *value, char *reason, size_t size)
{
        char err[512] = "";
        jsonpath *p   = jsonpath_compile(value, err, sizeof(err));
        if (p) {
                jsonpath_destroy(p);
                return 0;
        }
        set_parser_reason(reason, size, err, "invalid JSONPath", value);
        return -1;
}

/* Quartz syntax, checked by the parser the timer uses. */
static int validate_cron(const char *value, char *reason, size_t size)
{
        char err[512] = "";
        cron_expr *c  = cron_parse(value, err, sizeof(err));
        if (c) {
                cron_destroy(c);
                return 0;
        }
        set_parser_reason(reason, size, err, "invalid cron expression", value);
        return -1;
}

/* A status list is checked by the parser the status policy uses. Its
 * message names the bad item; for a single item that is the value the
 * caller shows already. */
static int validate_status_codes(const char *value, char *reason, size_t size)
{
        status_set set;
        char err[256];
        if (!status_set_parse(&set, value, err, sizeof(err)))
                return 0;
        if (strchr(value, ','))
                errstr_set(reason, size, "%s", err);
        else
                errstr_set(reason, size, "not a status code or range");
        return -1;
}

/* The zone the cron timer will load: a fixed offset or a zoneinfo name. */
static int validate_zone(const char *value, char *reason, size_t size)
{
        char err[512] = "";
        cron_zone *z  = cron_zone_new(value, err, sizeof(err));
        if (z) {
                cron_zone_destroy(z);
                return 0;
        }
        /* "unknown time zone '<value>'[ (detail)]": the value is shown. */
        strbuf prefix = {0};
        if (!sb_printf(&prefix, "unknown time zone '%s'", value) &&
            !strncmp(err, prefix.buf, prefix.len))
                errstr_set(reason, size, "unknown time zone%s",
                           err + prefix.len);
        else
                errstr_set(reason, size, "%s", err);
        sb_free(&prefix);
        return -1;
}

/* Keys of the connector table whose STRING values have a syntax. */
static int validate_key_syntax(const httpsrc_param_desc *d,
                               const char *value,
                               char *reason,
                               size_t size)
{
        if (d ==
            conf_param_find(conf_connector_params, "http.response.error.codes"))
                return validate_status_codes(value, reason, size);
        if (d == conf_param_find(conf_connector_params, "http.timer.cron.zone"))
                return validate_zone(value, reason, size);
        return 0;
}

static int validate_value(const httpsrc_param_desc *d,
                          const char *value,
                          char *reason,
                          size_t size)
{
        switch (d->type) {
        case HTTPSRC_PARAM_STRING:
                return validate_key_syntax(d, value, reason, size);
        case HTTPSRC_PARAM_CRON:
                return validate_cron(value, reason, size);
        case HTTPSRC_PARAM_INT:
                return validate_int(d, value, reason, size);
        case HTTPSRC_PARAM_BOOL:
                if (strcaseeq(value, "true") || strcaseeq(value, "false"))
                        return 0;
                errstr_set(reason, size, "must be true or false");
                return -1;
        case HTTPSRC_PARAM_ENUM:
                return validate_enum(d, value, reason, size);
        case HTTPSRC_PARAM_JSONPATH:
                return validate_jsonpath(value, reason, size);
        case HTTPSRC_PARAM_PASSWORD:
                /* Secrets end up in headers; a line break is a copy/paste
                 * accident at best and header injection at worst. */
                if (!strpbrk(value, "\r\n"))
                        return 0;
                errstr_set(reason, size, "must not contain line breaks");
                return -1;
        default:
                return 0;
        }
}

int conf_param_reason(const httpsrc_param_desc *d,
                      const char *value,
                      char *reason,
                      size_t size)
{
        if (!d || !value || strstr(value, "${"))
                return HTTPSRC_OK;
        if (!validate_value(d, value, reason, size))
                return HTTPSRC_OK;
        return HTTPSRC_ERR_INVAL;
}

int conf_param_validate(const httpsrc_param_desc *d,
                        const char *key,
                        const char *value,
                        char *errstr,
                        size_t errstr_size)
{
        char reason[512];
        if (!conf_param_reason(d, value, reason, sizeof(reason)))
                return HTTPSRC_OK;
        if (!key)
                key = d->name;
        if (d->type == HTTPSRC_PARAM_PASSWORD)
                errstr_set(errstr, errstr_size, "%s: invalid value: %s", key,
                           reason);
        else
                errstr_set(errstr, errstr_size, "%s: invalid value '%s': %s",
                           key, value, reason);
        return HTTPSRC_ERR_INVAL;
}
