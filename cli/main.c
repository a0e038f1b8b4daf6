/* httpsrc-connect: run connectors like Kafka's connect-standalone.
 *
 *   httpsrc-connect [--once] [--log-level L] WORKER.properties [CONNECTOR...]
 *   httpsrc-connect --distributed [--log-level L] WORKER.properties
 *
 * Serves the REST API on the worker's listeners, unless --once is given or
 * listeners is empty.
 *
 * Exit status: 0 done, 1 a connector failed or the offsets could not be
 * stored at the end, 2 bad usage or config. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <librdkafka/rdkafka.h>
#include <yajl/yajl_version.h>

#include "commit.h"
#include "httpsrc/httpsrc.h"
#include "service.h"

/* The only global: the signal handler needs the pipeline. */
static httpsrc_pipeline *running;

static void on_signal(int sig)
{
        if (!running)
                return;
        if (sig == SIGHUP)
                httpsrc_pipeline_reload(running);
        else
                httpsrc_pipeline_stop(running);
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: httpsrc-connect [--once] [--log-level "
                "error|warn|info|debug]\n"
                "                       WORKER.properties "
                "[CONNECTOR.json|CONNECTOR.properties ...]\n"
                "       httpsrc-connect --distributed WORKER.properties\n"
                "  --once       run every connector until it is caught up, "
                "then exit\n"
                "  --distributed  join the Connect cluster of the worker's "
                "group.id (as\n"
                "               connect-distributed); connectors come "
                "through the REST API\n"
                "  --log-level L, --log-level=L\n"
                "               error, warn, info (default), debug or trace "
                "(= debug),\n"
                "               in any case\n"
                "  --describe-config  print every key the worker, the "
                "connectors and\n"
                "               the loaded plugins accept (Markdown), then "
                "exit\n"
                "  -V, --version  print the version, the commit and the "
                "libcurl, librdkafka\n"
                "               and yajl versions, then exit\n"
                "  --preview [--pages N] WORKER.properties CONNECTOR.json\n"
                "               run the connector against its API without "
                "Kafka and\n"
                "               without storing offsets; print the requests, "
                "records and\n"
                "               the offset; exit 0 if records were found, 1 "
                "if not\n"
                "  --log-format text|json\n"
                "               json: one object a line (time, level, "
                "connector, message,\n"
                "               fields)\n"
                "  -h, --help   print this help and exit\n"
                "SIGHUP re-reads the connector files and applies what "
                "changed.\n");
}

/* "httpsrc-connect 0.1.0 (commit abc) libcurl/8.0 librdkafka/2.0 yajl/2.1"
 * on one line: a bug report needs all of it, and scripts read field 2. */
static void print_version(void)
{
        int y = yajl_version();
        printf("httpsrc-connect %s (commit %s) libcurl/%s librdkafka/%s "
               "yajl/%d.%d.%d\n",
               httpsrc_version_str(), HTTPSRC_COMMIT,
               curl_version_info(CURLVERSION_NOW)->version,
               rd_kafka_version_str(), y / 10000, y / 100 % 100, y % 100);
}

/* "httpsrc-connect: OPT: unknown level 'x': use ..." or, with no value,
 * "...: a level is needed: use ...": one wording for every option. */
static int bad_option(const char *opt, const char *noun, const char *v,
                      const char *use)
{
        if (v)
                fprintf(stderr, "httpsrc-connect: %s: %s '%s': use %s\n", opt,
                        noun, v, use);
        else
                fprintf(stderr, "httpsrc-connect: %s: a %s is needed: use %s\n",
                        opt, strchr(noun, ' ') + 1, use);
        return -1;
}

/* --log-level L or --log-level=L at argv[*i]: 1 if it was one (*i moved
 * past its value), 0 if not, -1 (message printed) if its value is bad. */
static int level_option(int argc, char **argv, int *i, int *level)
{
        const char *arg = argv[*i], *name = "--log-level";
        size_t n        = strlen(name);
        if (strncmp(arg, name, n) != 0 || (arg[n] && arg[n] != '='))
                return 0;
        const char *v = arg[n] == '=' ? arg + n + 1
                        : *i + 1 < argc ? argv[++*i]
                                        : NULL;
        int l = v ? httpsrc_log_level_from_name(v) : -1;
        if (l < 0)
                return bad_option("--log-level", "unknown level", v,
                                  "error, warn, info, debug or trace");
        *level = l;
        return 1;
}

typedef struct cli_opts {
        int flags, level, describe_only, log_format;
        int distributed; /* --distributed */
        int preview, pages; /* --preview [--pages N] */
        int first_file; /* argv index of WORKER.properties */
} cli_opts;

/* --log-format's value: 0, or -1 (message printed) if it is bad. */
static int log_format_option(const char *v, cli_opts *o)
{
        if (v && strcmp(v, "json") == 0)
                o->log_format = HTTPSRC_LOG_FORMAT_JSON;
        else if (v && strcmp(v, "text") == 0)
                o->log_format = HTTPSRC_LOG_FORMAT_TEXT;
        else
                return bad_option("--log-format", "unknown format", v,
                                  "text or json");
        return 0;
}

/* --pages' value: 0, or -1 (message printed) if it is bad. */
static int pages_option(const char *v, cli_opts *o)
{
        char *end = NULL;
        long n    = v ? strtol(v, &end, 10) : 0;
        if (!v || *end || n < 1 || n > 1000)
                return bad_option("--pages", "invalid number", v,
                                  "a number of pages from 1 to 1000");
        o->pages = (int)n;
        return 0;
}

static httpsrc_conf *load(int scope, const char *path);

/* --preview WORKER CONNECTOR: the report on stdout; 0 if records were
 * found, 1 if not (the report's last line says why), 2 bad usage. */
static int preview(httpsrc_pipeline *p, int argc, char **argv, int i, int pages)
{
        if (argc - i != 2) {
                fprintf(stderr,
                        "httpsrc-connect: --preview needs one connector file: "
                        "httpsrc-connect --preview [--pages N] "
                        "WORKER.properties CONNECTOR.json\n");
                return 2;
        }
        httpsrc_conf *conf = load(HTTPSRC_SCOPE_CONNECTOR, argv[i + 1]);
        if (!conf)
                return 2;
        int rc = httpsrc_pipeline_preview(p, conf, pages, stdout);
        httpsrc_conf_destroy(conf);
        return rc == HTTPSRC_OK ? 0 : rc == HTTPSRC_ERR_NOENT ? 1 : 2;
}

/* SIGINT/SIGTERM stop (draining), SIGHUP reloads the connector files. */
static void install_signals(httpsrc_pipeline *p)
{
        running             = p;
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
}

/* The options before the files: -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, cli_opts *o)
{
        int i = 1;
        for (; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i];
                int lv        = level_option(argc, argv, &i, &o->level);
                if (lv < 0)
                        return 2;
                if (lv)
                        continue;
                if (strcmp(a, "--preview") == 0) {
                        o->preview = 1;
                } else if (strcmp(a, "--pages") == 0) {
                        if (pages_option(argv[i + 1], o))
                                return 2;
                        i++;
                } else if (strcmp(a, "--log-format") == 0) {
                        if (log_format_option(argv[i + 1], o))
                                return 2;
                        i++;
                } else if (strcmp(a, "--distributed") == 0) {
                        o->distributed = 1;
                } else if (strcmp(a, "--once") == 0) {
                        o->flags |= HTTPSRC_RUN_ONCE;
                } else if (strcmp(a, "--describe-config") == 0) {
                        o->describe_only = 1;
                } else if (strcmp(a, "--version") == 0 ||
                           strcmp(a, "-V") == 0) {
                        print_version();
                        return 0;
                } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                        usage(stdout);
                        return 0;
                } else {
                        fprintf(stderr, "httpsrc-connect: unknown option %s\n",
                                a);
                        usage(stderr);
                        return 2;
                }
        }
        if (i >= argc) {
                usage(stderr);
                return 2;
        }
        o->first_file = i;
        return -1;
}

static const char *type_name(int type)
{
        static const char *const names[] = {"string",   "int",  "bool",
                                            "enum",     "list", "password",
                                            "jsonpath", "cron"};
        return type >= 0 && type <= HTTPSRC_PARAM_CRON ? names[type] : "?";
}

static void print_params(const httpsrc_param_desc *d, const char *prefix)
{
        printf("| key | type | default | description |\n|---|---|---|---|\n");
        for (; d && d->name; d++) {
                int dflt        = d->default_value && *d->default_value;
                char enums[128] = "";
                if (d->enum_values) {
                        /* '|' would end the Markdown cell */
                        snprintf(enums, sizeof(enums), " (%s)", d->enum_values);
                        for (char *c = enums; *c; c++)
                                if (*c == '|')
                                        *c = '/';
                }
                int req = d->flags & HTTPSRC_PARAM_F_REQUIRED;
                printf("| `%s%s` | %s%s | %s%s%s | %s |\n", prefix, d->name,
                       type_name(d->type), enums, dflt ? "`" : "",
                       req ? "required" : (dflt ? d->default_value : ""),
                       dflt ? "`" : "", d->doc ? d->doc : "");
        }
}

/* The key reference in the README is this output: one table, one truth. */
static void describe(const httpsrc_pipeline *p)
{
        static const struct {
                httpsrc_component_kind kind;
                const char *title, *prefix;
        } kinds[] = {
            {HTTPSRC_KIND_SOURCE, "Sources (connector.class)", ""},
            {HTTPSRC_KIND_AUTH, "Auth providers (http.auth.type)", ""},
            {HTTPSRC_KIND_PAGINATOR, "Paginators (http.pagination.type)", ""},
            {HTTPSRC_KIND_TRANSFORM, "Transforms (transforms.<alias>.type)",
             "transforms.<alias>."}};
        printf("### Worker keys\n\n");
        print_params(httpsrc_conf_params(HTTPSRC_SCOPE_WORKER), "");
        printf("\n### Connector keys\n\n");
        print_params(httpsrc_conf_params(HTTPSRC_SCOPE_CONNECTOR), "");
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                size_t n = httpsrc_pipeline_component_count(p, kinds[k].kind);
                if (!n)
                        continue;
                printf("\n### %s\n", kinds[k].title);
                for (size_t i = 0; i < n; i++) {
                        const char *name, *desc;
                        const httpsrc_param_desc *params;
                        httpsrc_pipeline_component_info(p, kinds[k].kind, i,
                                                        &name, &desc, &params);
                        printf("\n**%s**: %s\n", name, desc ? desc : "");
                        if (params && params->name) {
                                printf("\n");
                                print_params(params, kinds[k].prefix);
                        }
                }
        }
}

/* Length of "<key>" when @p s starts with "<key>: " ("<file>:<line>: "
 * too), else 0. */
static size_t key_prefix(const char *s)
{
        size_t n = 0;
        while (s[n] && !strchr(" ;'\"", s[n]) &&
               !(s[n] == ':' && s[n + 1] == ' '))
                n++;
        return n && s[n] == ':' ? n : 0;
}

/* One line per problem, "httpsrc-connect: [<file>: ]<problem>": the library
 * joins the problems of a file with "; " before the next "<key>: ". */
static void print_problems(const char *file, const char *err)
{
        const char *p = err;
        while (*p) {
                const char *end = p;
                for (;; end++) {
                        end = strchr(end, ';');
                        if (!end || (end[1] == ' ' && key_prefix(end + 2)))
                                break;
                }
                int len = end ? (int)(end - p) : (int)strlen(p);
                fprintf(stderr, "httpsrc-connect: %s%s%.*s\n", file ? file : "",
                        file ? ": " : "", len, p);
                p = end ? end + 2 : p + len;
        }
}

/* The run's error, one line per failed connector: the library names them
 * all, "connector 'a' failed: ...; connector 'b' failed: ...". */
static void print_failures(const char *err)
{
        static const char sep[] = "; connector '";
        for (const char *p = err;;) {
                const char *next = strstr(p, sep);
                int len          = next ? (int)(next - p) : (int)strlen(p);
                fprintf(stderr, "httpsrc-connect: %.*s\n", len, p);
                if (!next)
                        return;
                p = next + 2;
        }
}

/* Whether @p path loads as a conf of @p scope: tells a connector file given
 * where the worker file goes (or the reverse) from a file with a mistake. */
static int loads_as(int scope, const char *path)
{
        char err[1024];
        httpsrc_conf *conf = httpsrc_conf_new(scope);
        int ok = conf && httpsrc_conf_load_file(conf, path, err, sizeof(err)) ==
                             HTTPSRC_OK;
        httpsrc_conf_destroy(conf);
        return ok;
}

static httpsrc_conf *load(int scope, const char *path)
{
        char err[4096];
        httpsrc_conf *conf = httpsrc_conf_new(scope);
        if (!conf) {
                fprintf(stderr, "httpsrc-connect: out of memory\n");
                return NULL;
        }
        if (httpsrc_conf_load_file(conf, path, err, sizeof(err)) ==
            HTTPSRC_OK)
                return conf;
        httpsrc_conf_destroy(conf);
        int other = scope == HTTPSRC_SCOPE_WORKER ? HTTPSRC_SCOPE_CONNECTOR
                                                  : HTTPSRC_SCOPE_WORKER;
        if (loads_as(other, path))
                fprintf(stderr,
                        "httpsrc-connect: %s is a %s config, not a %s "
                        "config: is the worker file first? (httpsrc-connect "
                        "[options] WORKER.properties CONNECTOR.json ...)\n",
                        path, other == HTTPSRC_SCOPE_WORKER ? "worker" : "connector",
                        other == HTTPSRC_SCOPE_WORKER ? "connector" : "worker");
        else
                print_problems(NULL, err);
        return NULL;
}

/* Every connector file is tried, so that each one that fails is named in
 * one run: 2 if any did. */
/* A connector file: loaded, or every problem of it printed in one run:
 * the keys refused and what the rest gets wrong (the plugins' keys too),
 * as REST's validate lists them. */
static httpsrc_conf *load_connector(httpsrc_pipeline *p, const char *path)
{
        char err[4096];
        httpsrc_conf *conf = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        if (conf &&
            httpsrc_conf_load_file(conf, path, err, sizeof(err)) == HTTPSRC_OK)
                return conf;
        httpsrc_conf_destroy(conf);
        if (!loads_as(HTTPSRC_SCOPE_WORKER, path) &&
            httpsrc_pipeline_check_connector_file(p, path, err, sizeof(err)) ==
                HTTPSRC_ERR_INVAL) {
                print_problems(NULL, err);
                return NULL;
        }
        return load(HTTPSRC_SCOPE_CONNECTOR, path); /* says why, once */
}

static int add_connectors(httpsrc_pipeline *p, char **files, int n)
{
        char err[4096];
        int rc = 0;
        for (int i = 0; i < n; i++) {
                httpsrc_conf *conf = load_connector(p, files[i]);
                if (!conf) {
                        rc = 2;
                        continue;
                }
                if (httpsrc_pipeline_add_connector(p, conf, err, sizeof(err)) !=
                    HTTPSRC_OK) {
                        print_problems(files[i], err);
                        httpsrc_conf_destroy(conf);
                        rc = 2;
                }
        }
        return rc;
}

/* Offsets go somewhere durable, as Connect standalone requires
 * (StandaloneConfig): without a store they would live in memory and the
 * next start would read everything again. Each key names a store the
 * host can use. */
static const char *const offset_store_keys[] = {
    "offset.storage.file.filename", "offset.storage.topic"};

static int check_offsets_stored(const httpsrc_conf *worker, const char *file)
{
        for (size_t k = 0;
             k < sizeof(offset_store_keys) / sizeof(offset_store_keys[0]); k++) {
                const char *v = httpsrc_conf_get(worker, offset_store_keys[k]);
                if (v && *v)
                        return 0;
        }
        fprintf(stderr,
                "httpsrc-connect: %s: offset.storage.file.filename: required "
                "(the file source offsets are kept in, as in Connect "
                "standalone; or offset.storage.topic), e.g. "
                "offset.storage.file.filename=/var/lib/httpsrc/"
                "connect.offsets; without it every start would read "
                "everything again\n",
                file);
        return 2;
}

/* The keys without which a worker cannot join a Connect cluster, as in
 * Connect's DistributedConfig (no default). */
static const char *const distributed_keys[] = {
    "group.id", "config.storage.topic", "offset.storage.topic",
    "status.storage.topic"};

static int is_set(const httpsrc_conf *conf, const char *key)
{
        const char *v = httpsrc_conf_get(conf, key);
        return v && *v;
}

/* A standalone worker file given to --distributed (or the reverse) is
 * named as such in one line, with the key that is missing. */
static int check_distributed(const httpsrc_conf *w, const char *file)
{
        for (size_t k = 0;
             k < sizeof(distributed_keys) / sizeof(distributed_keys[0]); k++) {
                if (is_set(w, distributed_keys[k]))
                        continue;
                fprintf(stderr,
                        "httpsrc-connect: %s: %s: required in distributed "
                        "mode%s; set group.id, config.storage.topic, "
                        "offset.storage.topic and status.storage.topic (as "
                        "for connect-distributed)\n",
                        file, distributed_keys[k],
                        is_set(w, "offset.storage.file.filename")
                            ? " (this is a standalone worker file: run it "
                              "without --distributed)"
                            : "");
                return 2;
        }
        if (is_set(w, "offset.storage.file.filename")) {
                fprintf(stderr,
                        "httpsrc-connect: %s: offset.storage.file.filename: "
                        "standalone only: a distributed worker keeps the "
                        "offsets in offset.storage.topic; remove it\n",
                        file);
                return 2;
        }
        int64_t hb = strtoll(httpsrc_conf_get(w, "heartbeat.interval.ms"),
                             NULL, 10),
                st = strtoll(httpsrc_conf_get(w, "session.timeout.ms"), NULL,
                             10);
        if (hb >= st) {
                fprintf(stderr,
                        "httpsrc-connect: %s: heartbeat.interval.ms: %lld "
                        "is not below session.timeout.ms (%lld): the group "
                        "would drop this worker between two heartbeats; "
                        "use about a third of it\n",
                        file, (long long)hb, (long long)st);
                return 2;
        }
        return 0;
}

/* Connect standalone has no group: a distributed worker file given
 * without --distributed would run alone beside its cluster. */
static int check_standalone(const httpsrc_conf *w, const char *file)
{
        if (!is_set(w, "group.id"))
                return check_offsets_stored(w, file);
        fprintf(stderr,
                "httpsrc-connect: %s: offset.storage.file.filename: required "
                "in standalone mode; this is a distributed worker file "
                "(group.id=%s): run httpsrc-connect --distributed %s\n",
                file, httpsrc_conf_get(w, "group.id"), file);
        return 2;
}

/* --distributed takes no connector file and runs until stopped. */
static int check_distributed_usage(const cli_opts *o, int argc, char **argv)
{
        const char *bad = o->flags & HTTPSRC_RUN_ONCE ? "--once"
                          : o->preview              ? "--preview"
                                                    : NULL;
        if (bad) {
                fprintf(stderr,
                        "httpsrc-connect: --distributed: %s is for "
                        "standalone mode; remove one of them\n",
                        bad);
                return 2;
        }
        if (o->first_file + 1 < argc && !o->describe_only) {
                fprintf(stderr,
                        "httpsrc-connect: --distributed: %s: connectors of "
                        "a distributed worker come through the REST API "
                        "(POST /connectors), not as files; remove it\n",
                        argv[o->first_file + 1]);
                return 2;
        }
        return 0;
}

/* --once with no connector file would exit 0 having done nothing. */
static int check_something_to_run(const cli_opts *o, int argc)
{
        if (!(o->flags & HTTPSRC_RUN_ONCE) || o->describe_only ||
            o->first_file + 1 < argc)
                return 0;
        fprintf(stderr,
                "httpsrc-connect: --once: no connector to run: give "
                "CONNECTOR.json or CONNECTOR.properties files after %s\n",
                "WORKER.properties");
        return 2;
}

int main(int argc, char **argv)
{
        /* A file over RLIMIT_FSIZE (ulimit -f) is a write error (EFBIG):
         * the offsets are then reported unstored and polling pauses,
         * instead of SIGXFSZ killing the worker without a word. */
        signal(SIGXFSZ, SIG_IGN);
        cli_opts o = {.level = HTTPSRC_LOG_INFO};
        int exit_now = parse_options(argc, argv, &o);
        if (exit_now >= 0)
                return exit_now;
        if (o.distributed ? check_distributed_usage(&o, argc, argv)
                          : check_something_to_run(&o, argc))
                return 2;
        int i = o.first_file, flags = o.flags, level = o.level,
            describe_only = o.describe_only;
        httpsrc_conf *worker = load(HTTPSRC_SCOPE_WORKER, argv[i]);
        if (!worker)
                return 2;
        if (!describe_only &&
            (o.distributed ? check_distributed(worker, argv[i])
                           : check_standalone(worker, argv[i]))) {
                httpsrc_conf_destroy(worker);
                return 2;
        }
        const char *listeners = httpsrc_conf_get(worker, "listeners");
        int serve = !(flags & HTTPSRC_RUN_ONCE) && listeners && *listeners;
        char err[1024];
        httpsrc_pipeline *p = httpsrc_pipeline_new(worker, err, sizeof(err));
        if (!p) {
                fprintf(stderr, "httpsrc-connect: %s: %s\n", argv[i], err);
                httpsrc_conf_destroy(worker);
                return 2;
        }
        httpsrc_pipeline_set_log_cb(p, NULL, NULL, level);
        httpsrc_pipeline_set_log_format(p, o.log_format);
        if (describe_only) {
                describe(p);
                httpsrc_pipeline_destroy(p);
                return 0;
        }
        if (o.preview) {
                int prc = preview(p, argc, argv, i, o.pages);
                httpsrc_pipeline_destroy(p);
                return prc;
        }
        int rc = 0;
        if (o.distributed) {
                if (httpsrc_pipeline_serve_distributed(p, err, sizeof(err)) !=
                    HTTPSRC_OK) {
                        fprintf(stderr, "httpsrc-connect: %s: %s\n", argv[i],
                                err);
                        rc = 2;
                }
                serve = 0;
        } else if (serve &&
                   httpsrc_pipeline_bind_rest(p, err, sizeof(err)) !=
                       HTTPSRC_OK) {
                /* The REST port first: one in use stops the start before
                 * any connector exists (a created one may already have
                 * fenced its running twin or read its offsets). */
                fprintf(stderr, "httpsrc-connect: %s: %s\n", argv[i], err);
                rc = 2;
        } else {
                rc = add_connectors(p, argv + i + 1, argc - i - 1);
        }
        if (!rc && serve &&
            httpsrc_pipeline_serve_rest(p, err, sizeof(err)) != HTTPSRC_OK) {
                fprintf(stderr, "httpsrc-connect: %s: %s\n", argv[i], err);
                rc = 2;
        }
        if (!rc && httpsrc_pipeline_set_connector_files(
                       p, (const char *const *)argv + i + 1,
                       (size_t)(argc - i - 1)) != HTTPSRC_OK) {
                fprintf(stderr, "httpsrc-connect: out of memory\n");
                rc = 2;
        }
        if (rc) {
                httpsrc_pipeline_destroy(p);
                return rc;
        }
        install_signals(p);
        service_notify("READY=1");
        rc = httpsrc_pipeline_run(p, flags);
        service_notify("STOPPING=1");
        if (rc != HTTPSRC_OK)
                print_failures(httpsrc_pipeline_last_error(p));
        running = NULL;
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_OK ? 0 : 1;
}
