/* httpsrc-connect: run connectors like Kafka's connect-standalone.
 *
 *   httpsrc-connect [--once] [--log-level L] WORKER.properties [CONNECTOR...]
 *
 * Serves the REST API on the worker's listeners, unless --once is given or
 * listeners is empty.
 *
 * Exit status: 0 done, 1 a connector failed, 2 bad usage or config. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/httpsrc.h"

/* The only global: the signal handler needs the pipeline. */
static httpsrc_pipeline *running;

static void on_signal(int sig)
{
        (void)sig;
        if (running)
                httpsrc_pipeline_stop(running);
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: httpsrc-connect [--once] [--log-level "
                "error|warn|info|debug]\n"
                "                       WORKER.properties "
                "[CONNECTOR.json|CONNECTOR.properties ...]\n"
                "  --once       run every connector until it is caught up, "
                "then exit\n"
                "  --describe-config  print every key the worker, the "
                "connectors and\n"
                "               the loaded plugins accept (Markdown), then "
                "exit\n"
                "  --version    print the version and exit\n");
}

static int parse_level(const char *s)
{
        static const struct {
                const char *name;
                int level;
        } levels[] = {{"error", HTTPSRC_LOG_ERROR},
                      {"warn", HTTPSRC_LOG_WARN},
                      {"info", HTTPSRC_LOG_INFO},
                      {"debug", HTTPSRC_LOG_DEBUG}};
        for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
                if (strcmp(s, levels[i].name) == 0)
                        return levels[i].level;
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
                int kind;
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

static httpsrc_conf *load(int scope, const char *path)
{
        char err[1024];
        httpsrc_conf *conf = httpsrc_conf_new(scope);
        if (!conf) {
                fprintf(stderr, "httpsrc-connect: out of memory\n");
                return NULL;
        }
        if (httpsrc_conf_load_file(conf, path, err, sizeof(err)) !=
            HTTPSRC_OK) {
                fprintf(stderr, "httpsrc-connect: %s\n", err);
                httpsrc_conf_destroy(conf);
                return NULL;
        }
        return conf;
}

static int add_connectors(httpsrc_pipeline *p, char **files, int n)
{
        char err[1024];
        for (int i = 0; i < n; i++) {
                httpsrc_conf *conf = load(HTTPSRC_SCOPE_CONNECTOR, files[i]);
                if (!conf)
                        return 2;
                if (httpsrc_pipeline_add_connector(p, conf, err, sizeof(err)) !=
                    HTTPSRC_OK) {
                        fprintf(stderr, "httpsrc-connect: %s: %s\n", files[i],
                                err);
                        httpsrc_conf_destroy(conf);
                        return 2;
                }
        }
        return 0;
}

int main(int argc, char **argv)
{
        int flags = 0, level = HTTPSRC_LOG_INFO, i = 1, describe_only = 0;
        for (; i < argc && argv[i][0] == '-'; i++) {
                if (strcmp(argv[i], "--once") == 0) {
                        flags |= HTTPSRC_RUN_ONCE;
                } else if (strcmp(argv[i], "--describe-config") == 0) {
                        describe_only = 1;
                } else if (strcmp(argv[i], "--log-level") == 0 &&
                           i + 1 < argc && parse_level(argv[i + 1]) > 0) {
                        level = parse_level(argv[++i]);
                } else if (strcmp(argv[i], "--version") == 0) {
                        printf("httpsrc-connect %s\n", httpsrc_version_str());
                        return 0;
                } else if (strcmp(argv[i], "--help") == 0) {
                        usage(stdout);
                        return 0;
                } else {
                        fprintf(stderr, "httpsrc-connect: unknown option %s\n",
                                argv[i]);
                        usage(stderr);
                        return 2;
                }
        }
        if (i >= argc) {
                usage(stderr);
                return 2;
        }
        httpsrc_conf *worker = load(HTTPSRC_SCOPE_WORKER, argv[i]);
        if (!worker)
                return 2;
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
        if (describe_only) {
                describe(p);
                httpsrc_pipeline_destroy(p);
                return 0;
        }
        int rc = add_connectors(p, argv + i + 1, argc - i - 1);
        if (!rc && serve &&
            httpsrc_pipeline_serve_rest(p, err, sizeof(err)) != HTTPSRC_OK) {
                fprintf(stderr, "httpsrc-connect: %s: %s\n", argv[i], err);
                rc = 2;
        }
        if (rc) {
                httpsrc_pipeline_destroy(p);
                return rc;
        }
        running             = p;
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        rc = httpsrc_pipeline_run(p, flags);
        if (rc != HTTPSRC_OK)
                fprintf(stderr, "httpsrc-connect: %s\n",
                        httpsrc_pipeline_last_error(p));
        running = NULL;
        httpsrc_pipeline_destroy(p);
        return rc == HTTPSRC_OK ? 0 : 1;
}
