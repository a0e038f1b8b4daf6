/* metrics module: /metrics in the Prometheus text format (0.0.4), named as
 * the client libraries do: a unit suffix in base units (_seconds, _bytes),
 * _total on counters, # HELP and # TYPE before every family. The families
 * are listed in README.md (Operations) and used by dist/grafana. */
#include "metrics_int.h"

#include <curl/curl.h>
#include <dirent.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "commit.h"
#include "pipeline_int.h"

/* ------------------------------------------------------------------ */
/* writing                                                             */

typedef struct out {
        strbuf *sb;
        int oom;
} out;

static void put(out *o, const char *fmt, ...) HTTPSRC_PRINTF(2, 3);
static void put(out *o, const char *fmt, ...)
{
        char line[512];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(line) || sb_puts(o->sb, line))
                o->oom = 1;
}

static void family(out *o, const char *name, const char *type, const char *help)
{
        put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the exposition format wants it: \, " and newline
 * escaped; anything else (UTF-8 included) as it is. */
static void label_value(out *o, const char *s)
{
        for (; *s && !o->oom; s++)
                o->oom = *s == '\\'  ? sb_puts(o->sb, "\\\\")
                         : *s == '"' ? sb_puts(o->sb, "\\\"")
                         : *s == '\n'
                             ? sb_puts(o->sb, "\\n")
                             : sb_putc(o->sb, *s);
}

/* name{connector="..." then the caller adds its labels, "} " and value. */
static void sample_start(out *o, const char *name, const task *c)
{
        put(o, "%s{connector=\"", name);
        label_value(o, task_name(c));
        put(o, "\"");
}

static void put_seconds_ms(out *o, int64_t ms)
{
        put(o, "%lld.%03lld\n", (long long)(ms / 1000), (long long)(ms % 1000));
}

/* ------------------------------------------------------------------ */
/* families                                                            */

/* Every httpsrc_state, named by httpsrc_state_name(). */
#define N_STATES (HTTPSRC_STATE_RESTARTING + 1)

typedef void (*conn_fn)(out *o, httpsrc_pipeline *p, const task *c);

static void each(out *o, httpsrc_pipeline *p, conn_fn fn)
{
        for (size_t i = 0; i < pipeline_count(p); i++) {
                const task *c = pipeline_at(p, i);
                if (!pipeline_deleting(p, c))
                        fn(o, p, c);
        }
}

static void s_connector_state(out *o, httpsrc_pipeline *p, const task *c)
{
        int st = pipeline_state(p, c);
        for (size_t s = 0; s < N_STATES; s++) {
                sample_start(o, "httpsrc_connector_state", c);
                put(o, ",state=\"%s\"} %d\n", httpsrc_state_name((int)s),
                    (int)s == st);
        }
}

/* One task per connector; a STOPPED connector has none (as in Connect). */
static void s_task_state(out *o, httpsrc_pipeline *p, const task *c)
{
        int st = pipeline_state(p, c);
        if (st == HTTPSRC_STATE_STOPPED)
                return;
        for (size_t s = 0; s < N_STATES; s++) {
                sample_start(o, "httpsrc_task_state", c);
                put(o, ",task=\"0\",state=\"%s\"} %d\n",
                    httpsrc_state_name((int)s), (int)s == st);
        }
}

static void s_requests(out *o, httpsrc_pipeline *p, const task *c)
{
        static const char *const cls[STAT_N_CLASSES] = {"error", "1xx", "2xx",
                                                        "3xx",   "4xx", "5xx"};
        const conn_stats *st = task_stats(c);
        for (size_t k = 0; k < STAT_N_CLASSES; k++) {
                sample_start(o, "httpsrc_http_requests_total", c);
                put(o, ",code=\"%s\"} %llu\n", cls[k],
                    (unsigned long long)st->requests[k]);
        }
}

static void s_duration(out *o, httpsrc_pipeline *p, const task *c)
{
        const conn_stats *st = task_stats(c);
        uint64_t cum         = 0;
        for (size_t b = 0; b <= METRICS_N_BUCKETS; b++) {
                cum += st->dur_bucket[b];
                sample_start(o, "httpsrc_http_request_duration_seconds_bucket",
                             c);
                if (b < METRICS_N_BUCKETS)
                        put(o, ",le=\"%g\"} %llu\n", conn_stats_bucket_le[b],
                            (unsigned long long)cum);
                else
                        put(o, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
        }
        sample_start(o, "httpsrc_http_request_duration_seconds_sum", c);
        put(o, "} %llu.%06llu\n", (unsigned long long)(st->dur_sum_us / 1000000),
            (unsigned long long)(st->dur_sum_us % 1000000));
        sample_start(o, "httpsrc_http_request_duration_seconds_count", c);
        put(o, "} %llu\n", (unsigned long long)st->dur_count);
}

/* The per-connector counters and gauges that are one number each. */
enum conn_value {
        V_RETRIES,
        V_POLLED,
        V_PRODUCED,
        V_ACKED,
        V_FAILED,
        V_OUTSTANDING,
        V_OUTSTANDING_BYTES,
        V_LAST_POLL,
        V_LAST_SUCCESS,
        V_LAST_COMMIT,
        V_OFFSET_AGE,
        V_UNMATCHED,
        V_WAIT_UNTIL,
};

static const struct {
        const char *name, *type, *help;
} conn_families[] = {
    [V_RETRIES]  = {"httpsrc_http_retries_total", "counter",
                    "HTTP requests sent again after an error"},
    [V_POLLED]   = {"httpsrc_records_polled_total", "counter",
                    "Records read from responses (after the stored offset)"},
    [V_PRODUCED] = {"httpsrc_records_produced_total", "counter",
                    "Records handed to Kafka (or the record callback)"},
    [V_ACKED]    = {"httpsrc_records_acknowledged_total", "counter",
                    "Records the broker acknowledged"},
    [V_FAILED]   = {"httpsrc_records_failed_total", "counter",
                    "Records skipped (errors.tolerance=all) or refused by "
                    "Kafka"},
    [V_OUTSTANDING]       = {"httpsrc_records_outstanding", "gauge",
                             "Records produced and not yet acknowledged"},
    [V_OUTSTANDING_BYTES] = {"httpsrc_records_outstanding_bytes", "gauge",
                             "Key and value bytes of the outstanding records"},
    [V_LAST_POLL]         = {"httpsrc_last_poll_timestamp_seconds", "gauge",
                             "When the last poll started (epoch seconds; 0: "
                             "never)"},
    [V_LAST_SUCCESS]      = {"httpsrc_last_success_timestamp_seconds", "gauge",
                             "When a response last yielded its records "
                             "(epoch seconds; 0: never)"},
    [V_LAST_COMMIT]       = {"httpsrc_offset_commit_timestamp_seconds",
                             "gauge",
                             "When the connector's offset last moved (epoch "
                             "seconds; 0: not since the start)"},
    [V_OFFSET_AGE] = {"httpsrc_offset_age_seconds", "gauge",
                      "Now minus the time the offset last moved (absent "
                      "until it has moved)"},
    [V_UNMATCHED]  = {"httpsrc_pages_unmatched_total", "counter",
                      "Pages in which http.response.records.path matched "
                      "nothing (a wrong path)"},
    [V_WAIT_UNTIL] = {"httpsrc_server_wait_until_timestamp_seconds", "gauge",
                      "When the wait the server asked for (Retry-After, "
                      "rate-limit reset; capped by http.retry.max.wait.ms) "
                      "ends (epoch seconds; 0: none)"},
};

static void conn_value(out *o, httpsrc_pipeline *p, const task *c, int v)
{
        httpsrc_metrics m    = {.struct_size = sizeof(m)};
        const conn_stats *st = task_stats(c);
        task_metrics(c, &m);
        if (v == V_OFFSET_AGE && !st->last_commit_ms)
                return;
        sample_start(o, conn_families[v].name, c);
        put(o, "} ");
        switch (v) {
        case V_RETRIES:
                put(o, "%llu\n", (unsigned long long)m.retries);
                break;
        case V_POLLED:
                put(o, "%llu\n", (unsigned long long)m.records_polled);
                break;
        case V_PRODUCED:
                put(o, "%llu\n", (unsigned long long)m.records_produced);
                break;
        case V_ACKED:
                put(o, "%llu\n", (unsigned long long)m.records_acked);
                break;
        case V_FAILED:
                put(o, "%llu\n", (unsigned long long)st->records_failed);
                break;
        case V_OUTSTANDING:
                put(o, "%zu\n", task_outstanding(c));
                break;
        case V_OUTSTANDING_BYTES:
                put(o, "%llu\n", (unsigned long long)st->outstanding_bytes);
                break;
        case V_LAST_POLL:
                put_seconds_ms(o, m.last_poll_ms);
                break;
        case V_LAST_SUCCESS:
                put_seconds_ms(o, st->last_success_ms);
                break;
        case V_LAST_COMMIT:
                put_seconds_ms(o, st->last_commit_ms);
                break;
        case V_UNMATCHED:
                put(o, "%llu\n", (unsigned long long)m.pages_unmatched);
                break;
        case V_WAIT_UNTIL:
                put_seconds_ms(o, st->wait_until_ms > wall_ms()
                                      ? st->wait_until_ms
                                      : 0);
                break;
        default: {
                int64_t age = wall_ms() - st->last_commit_ms;
                put_seconds_ms(o, age > 0 ? age : 0);
        }
        }
}

static void conn_families_all(out *o, httpsrc_pipeline *p)
{
        for (size_t v = 0; v < sizeof(conn_families) / sizeof(conn_families[0]);
             v++) {
                family(o, conn_families[v].name, conn_families[v].type,
                       conn_families[v].help);
                for (size_t i = 0; i < pipeline_count(p); i++) {
                        const task *c = pipeline_at(p, i);
                        if (!pipeline_deleting(p, c))
                                conn_value(o, p, c, (int)v);
                }
        }
}

static void producer_families(out *o, httpsrc_pipeline *p)
{
        const producer *prod  = pipeline_producer(p);
        producer_queue_info q = {0};
        uint64_t bytes        = 0;
        if (prod)
                producer_queue(prod, &q);
        for (size_t i = 0; i < pipeline_count(p); i++)
                bytes += task_stats(pipeline_at(p, i))->outstanding_bytes;
        family(o, "httpsrc_producer_queue_messages", "gauge",
               "Records in the producer not yet delivered (in flight "
               "included)");
        put(o, "httpsrc_producer_queue_messages %lld\n", (long long)q.messages);
        family(o, "httpsrc_producer_queue_bytes", "gauge",
               "Key and value bytes in the producer not yet delivered");
        put(o, "httpsrc_producer_queue_bytes %llu\n", (unsigned long long)bytes);
        family(o, "httpsrc_producer_queue_max_bytes", "gauge",
               "Producer queue bound (queue.buffering.max.kbytes); polling "
               "pauses when it is full");
        put(o, "httpsrc_producer_queue_max_bytes %lld\n",
            (long long)q.max_bytes);
        family(o, "httpsrc_producer_queue_max_messages", "gauge",
               "Producer queue bound (queue.buffering.max.messages)");
        put(o, "httpsrc_producer_queue_max_messages %lld\n",
            (long long)q.max_messages);
        family(o, "httpsrc_kafka_broker_up", "gauge",
               "1 if a Kafka broker was connected at the last producer "
               "statistics (statistics.interval.ms), else 0; absent before "
               "the first");
        if (prod && q.broker_up >= 0)
                put(o, "httpsrc_kafka_broker_up %d\n", q.broker_up);
}

static void build_info(out *o)
{
        family(o, "httpsrc_build_info", "gauge",
               "Always 1; the labels name the build");
        put(o,
            "httpsrc_build_info{version=\"%s\",commit=\"%s\","
            "librdkafka=\"%s\",curl=\"%s\"} 1\n",
            httpsrc_version_str(), HTTPSRC_COMMIT, rd_kafka_version_str(),
            curl_version_info(CURLVERSION_NOW)->version);
}

/* ------------------------------------------------------------------ */
/* process (names and meaning as the client libraries' process
 * collector, so that standard dashboards work)                        */

static int open_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return -1;
        int n = 0;
        for (struct dirent *e; (e = readdir(d));)
                n += e->d_name[0] != '.';
        closedir(d);
        return n - 1; /* the one opendir holds */
}

/* utime, stime (ticks), starttime (ticks since boot), vsize, rss (pages)
 * from /proc/self/stat; 0 on failure. */
static int proc_stat(unsigned long long v[5])
{
        char buf[1024];
        FILE *f = fopen("/proc/self/stat", "re");
        if (!f)
                return -1;
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n]         = '\0';
        const char *s  = strrchr(buf, ')'); /* comm may hold spaces */
        if (!s || sscanf(s + 2,
                         "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
                         "%llu %*d %*d %*d %*d %*d %*d %llu %llu %llu",
                         &v[0], &v[1], &v[2], &v[3], &v[4]) != 5)
                return -1;
        return 0;
}

static int64_t boot_time_s(void)
{
        char line[256];
        long long bt = 0;
        FILE *f      = fopen("/proc/stat", "re");
        if (!f)
                return 0;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "btime %lld", &bt) == 1)
                        break;
        fclose(f);
        return bt;
}

static void process_families(out *o)
{
        unsigned long long v[5] = {0};
        double tick             = (double)sysconf(_SC_CLK_TCK);
        long page               = sysconf(_SC_PAGESIZE);
        struct rlimit rl;
        if (proc_stat(v) == 0) {
                family(o, "process_cpu_seconds_total", "counter",
                       "Total user and system CPU time spent in seconds");
                put(o, "process_cpu_seconds_total %.2f\n",
                    (double)(v[0] + v[1]) / tick);
                family(o, "process_start_time_seconds", "gauge",
                       "Start time of the process since unix epoch in "
                       "seconds");
                put(o, "process_start_time_seconds %.2f\n",
                    (double)boot_time_s() + (double)v[2] / tick);
                family(o, "process_virtual_memory_bytes", "gauge",
                       "Virtual memory size in bytes");
                put(o, "process_virtual_memory_bytes %llu\n", v[3]);
                family(o, "process_resident_memory_bytes", "gauge",
                       "Resident memory size in bytes");
                put(o, "process_resident_memory_bytes %llu\n",
                    v[4] * (unsigned long long)page);
        }
        int fds = open_fds();
        if (fds >= 0) {
                family(o, "process_open_fds", "gauge",
                       "Number of open file descriptors");
                put(o, "process_open_fds %d\n", fds);
        }
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
                family(o, "process_max_fds", "gauge",
                       "Maximum number of open file descriptors");
                put(o, "process_max_fds %llu\n",
                    (unsigned long long)rl.rlim_cur);
        }
}

/* The worker's offsets: while they cannot be written, every connector's
 * polling is paused (the status trace says why). */
static void offset_families(out *o, httpsrc_pipeline *p)
{
        family(o, "httpsrc_offsets_unstored", "gauge",
               "1 while the offsets cannot be written (polling paused), "
               "else 0");
        put(o, "httpsrc_offsets_unstored %d\n",
            pipeline_offsets_error(p) != NULL);
        family(o, "httpsrc_offset_store_errors_total", "counter",
               "Writes of the offsets that failed");
        put(o, "httpsrc_offset_store_errors_total %llu\n",
            (unsigned long long)pipeline_offset_store_errors(p));
}

int metrics_render(httpsrc_pipeline *p, strbuf *sb)
{
        out o = {sb, 0};
        build_info(&o);
        family(&o, "httpsrc_connector_state", "gauge",
               "1 for the connector's current state, 0 for the others");
        each(&o, p, s_connector_state);
        family(&o, "httpsrc_task_state", "gauge",
               "1 for the task's current state, 0 for the others");
        each(&o, p, s_task_state);
        family(&o, "httpsrc_http_requests_total", "counter",
               "HTTP requests by status class (code=\"error\": no "
               "response: connect, TLS, timeout)");
        each(&o, p, s_requests);
        family(&o, "httpsrc_http_request_duration_seconds", "histogram",
               "Time from sending a request (a wait for a free connection "
               "slot included) to its response or error");
        each(&o, p, s_duration);
        conn_families_all(&o, p);
        producer_families(&o, p);
        offset_families(&o, p);
        process_families(&o);
        return o.oom ? -1 : 0;
}
