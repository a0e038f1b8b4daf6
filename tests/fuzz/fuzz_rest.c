/* libFuzzer target: the Kafka Connect REST API (rest.c: routing, path and
 * query decoding, request bodies, every handler) driven through
 * rest_handle(), without MHD or sockets, against a pipeline that is never
 * run (no Kafka, no HTTP): connectors are created, changed, paused,
 * stopped and deleted, their offsets altered, only in memory.
 *
 * Input = up to 16 requests separated by "\n%%\n" lines, each
 *   "<METHOD> <target>\n" [an empty line] "<body>"
 * (the request line ends at CR, LF or NUL; the target, path and optional
 * "?query", runs to the next space, as on an HTTP request line).
 *
 * Checks, for every response:
 *  - a status in 100..599; an error (>= 400) is JSON, an object with
 *    "error_code" equal to the status and a "message" string;
 *  - a body of type application/json parses (json_parse), no type means
 *    no body;
 * and after each input: GET /connectors is a JSON array of strings, and
 * each connector it lists, its name percent-encoded, answers
 * /connectors/<name>, .../config and .../status with 200 and an object;
 * log lines (all levels) are one line each.
 *
 * Found and fixed: names and paths that are not UTF-8 made answers (and
 * the config store) invalid JSON (corpus/fuzz_rest/invalid-utf8-*).
 *
 * The pipeline (with the built-in plugins: HTTPSRC_PLUGIN_PATH, else the
 * build's plugins directory) is made afresh every 64 inputs (or
 * FUZZ_REST_RECREATE) so that what inputs create does not pile up. A
 * crash may then need the inputs before it: the replay driver starts each
 * input from an empty pipeline, and so does libFuzzer with
 * FUZZ_REST_RECREATE=1 (slower): then every crash replays alone.
 * FUZZ_REST_TRACE=1 prints each request and its answer.
 *
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true
 *        meson compile -C build-fuzz fuzz_rest   (and the plugins)
 * Seeds: corpus/fuzz_rest/, Kafka Connect REST sessions (create, config,
 * status, pause/resume/stop, offsets, validate, loggers, errors). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herder_standalone_int.h"
#include "json_int.h"
#include "pipeline_int.h"
#include "pipeline_runtime_int.h"
#include "plugin_int.h"
#include "rest_int.h"
#include "util_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#ifndef FUZZ_PLUGIN_DIR
#define FUZZ_PLUGIN_DIR "plugins"
#endif
#define MAX_REQUESTS 16
#define MAX_BODY     3000
#define SEPARATOR    "\n%%\n"

/* A failed check names itself before the abort libFuzzer reports. */
#define check(cond) ((cond) ? (void)0 : fail(#cond, __LINE__))

static void fail(const char *what, int line)
{
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, line, what);
        abort();
}

static void on_log(void *opaque, int level, const char *conn, const char *line)
{
        check(line && !strpbrk(line, "\r\n"));
}

static httpsrc_conf *worker_conf(void)
{
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        char err[512], max[32];
        const char *env = getenv("HTTPSRC_PLUGIN_PATH");
        snprintf(max, sizeof(max), "%d", MAX_BODY);
        check(w && !httpsrc_conf_set(w, "listeners", "", err, sizeof(err)) &&
              !httpsrc_conf_set(w, "rest.max.request.bytes", max, err,
                                sizeof(err)));
        /* unset, plugin.path defers to HTTPSRC_PLUGIN_PATH */
        if ((!env || !*env) &&
            httpsrc_conf_set(w, "plugin.path", FUZZ_PLUGIN_DIR, err,
                             sizeof(err))) {
                fprintf(stderr, "fuzz_rest: %s\n", err);
                abort();
        }
        return w;
}

typedef struct fuzz_env {
        httpsrc_pipeline *p;
        rest_server *r;
        herder *h;
        unsigned uses;
} fuzz_env;

static void env_close(fuzz_env *e)
{
        rest_destroy(e->r);
        herder_destroy(e->h);
        httpsrc_pipeline_destroy(e->p);
        *e = (fuzz_env){0};
}

static void env_open(fuzz_env *e)
{
        char err[1024];
        httpsrc_conf *w = worker_conf();
        e->p            = httpsrc_pipeline_new(w, err, sizeof(err));
        if (!e->p) {
                fprintf(stderr, "fuzz_rest: %s\n", err);
                abort();
        }
        httpsrc_pipeline_set_log_cb(e->p, on_log, NULL, HTTPSRC_LOG_DEBUG);
        if (!plugin_registry_find(pipeline_plugins(e->p),
                                  HTTPSRC_KIND_PAGINATOR, "LINK_HEADER")) {
                fprintf(stderr,
                        "fuzz_rest: no plugins in %s: build them "
                        "(meson compile) or set "
                        "HTTPSRC_PLUGIN_PATH\n",
                        FUZZ_PLUGIN_DIR);
                abort();
        }
        rest_env renv = {pipeline_worker(e->p), pipeline_secrets(e->p),
                         pipeline_logger(e->p), 0};
        herder_runtime rt = pipeline_runtime(e->p);
        e->r              = rest_new(&renv, err, sizeof(err));
        if (e->r)
                e->h = herder_standalone_new(&rt, rest_worker_id(e->r), err,
                                             sizeof(err));
        if (!e->h || rest_start(e->r, e->h, err, sizeof(err))) {
                fprintf(stderr, "fuzz_rest: %s\n", err);
                abort();
        }
}

/* The one environment, kept across inputs (libFuzzer calls us in a loop). */
static fuzz_env the_env;
static unsigned recreate_every = 1;

static void env_exit(void)
{
        env_close(&the_env);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        /* Under libFuzzer: a fresh pipeline costs the plugins' loading */
        const char *n  = getenv("FUZZ_REST_RECREATE");
        recreate_every = n && atoi(n) > 0 ? (unsigned)atoi(n) : 64;
        return 0;
}

/* Every answer is valid JSON (UTF-8 included). *lossy stays 0: kept so
 * that callers read as before. */
static httpsrc_json *parse_lenient(const strbuf *body, int *lossy)
{
        char err[256];
        *lossy = 0;
        return json_parse(body->buf, body->len, err, sizeof(err));
}

/* One response against the invariants; its JSON (NULL if none). */
static httpsrc_json *
check_response(int status, const char *type, const strbuf *body, int *lossy)
{
        *lossy = 0;
        check(status >= 100 && status <= 599);
        if (!type) {
                check(body->len == 0);
                check(status < 400);
                return NULL;
        }
        if (strcmp(type, "application/json")) {
                check(status < 400);
                return NULL;
        }
        httpsrc_json *j = parse_lenient(body, lossy);
        check(j != NULL);
        if (status >= 400) {
                const httpsrc_json *code = json_get(j, "error_code");
                char want[8];
                snprintf(want, sizeof(want), "%d", status);
                check(json_type(j) == HTTPSRC_JSON_OBJECT);
                check(json_type(code) == HTTPSRC_JSON_NUMBER &&
                      !strcmp(json_number_text(code), want));
                check(json_type(json_get(j, "message")) == HTTPSRC_JSON_STRING);
        }
        return j;
}

/* Send one request; its JSON answer if there is one (else NULL), *lossy
 * if that had to be mended (parse_lenient). */
static httpsrc_json *ask(rest_server *r,
                         const char *method,
                         const char *target,
                         const char *body,
                         size_t len,
                         int *status,
                         int *lossy)
{
        strbuf out       = {0};
        const char *type = NULL;
        *status = rest_handle(r, method, target, body, len, &out, &type);
        if (getenv("FUZZ_REST_TRACE")) /* what a crash input does */
                fprintf(stderr, "%s %s -> %d %s\n", method, target, *status,
                        out.len ? out.buf : "");
        httpsrc_json *j = check_response(*status, type, &out, lossy);
        sb_free(&out);
        return j;
}

static void pct_encode(strbuf *sb, const char *s)
{
        for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
                int plain = (*c >= 'a' && *c <= 'z') ||
                            (*c >= 'A' && *c <= 'Z') ||
                            (*c >= '0' && *c <= '9') || strchr("-._~", *c);
                check(!(plain ? sb_putc(sb, (char)*c)
                              : sb_printf(sb, "%%%02X", *c)));
        }
}

/* A listed connector answers its info, config and status. */
static void check_listed(rest_server *r, const char *name)
{
        static const char *const what[] = {"", "/config", "/status"};
        for (size_t i = 0; i < 3; i++) {
                strbuf t = {0};
                int status, lossy;
                check(!sb_puts(&t, "/connectors/"));
                pct_encode(&t, name);
                check(!sb_puts(&t, what[i]));
                httpsrc_json *j = ask(r, "GET", t.buf, "", 0, &status, &lossy);
                check(status == 200 && json_type(j) == HTTPSRC_JSON_OBJECT);
                json_destroy(j);
                sb_free(&t);
        }
}

static void check_state(rest_server *r)
{
        int status, lossy;
        httpsrc_json *list =
            ask(r, "GET", "/connectors", "", 0, &status, &lossy);
        check(status == 200 && json_type(list) == HTTPSRC_JSON_ARRAY);
        for (size_t i = 0; !lossy && i < json_len(list); i++) {
                const httpsrc_json *n = json_at(list, i);
                check(json_type(n) == HTTPSRC_JSON_STRING);
                /* names with a NUL cannot be asked for: none is made */
                check(strlen(json_string(n)) == json_string_len(n));
                check_listed(r, json_string(n));
        }
        json_destroy(list);
}

/* A copy of @p len bytes at @p s up to the first of @p stop or NUL. */
static char *token(const char *s, size_t len, const char *stop)
{
        size_t n = 0;
        while (n < len && s[n] && !strchr(stop, s[n]))
                n++;
        char *t = xstrndup(s, n);
        check(t != NULL);
        return t;
}

/* One "<METHOD> <target>\n\n<body>" request of @p len bytes. */
static void run_one(rest_server *r, const char *req, size_t len)
{
        size_t eol = 0;
        while (eol < len && req[eol] != '\n')
                eol++;
        char *method      = token(req, eol, " \r");
        size_t mlen       = strlen(method);
        size_t at         = mlen < eol && req[mlen] == ' ' ? mlen + 1 : eol;
        char *target      = token(req + at, eol - at, " \r");
        size_t body_start = eol < len ? eol + 1 : len;
        if (body_start < len && req[body_start] == '\n')
                body_start++; /* the empty line before the body */
        int status, lossy;
        json_destroy(ask(r, method, target, req + body_start, len - body_start,
                         &status, &lossy));
        free(method);
        free(target);
}

static const char *find_sep(const char *s, size_t len)
{
        const size_t n = strlen(SEPARATOR);
        for (size_t i = 0; i + n <= len; i++)
                if (s[i] == '\n' && !memcmp(s + i, SEPARATOR, n))
                        return s + i;
        return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *s = (const char *)data, *end = s + size;
        if (!the_env.p) {
                env_open(&the_env);
                atexit(env_exit);
        } else if (the_env.uses >= recreate_every) {
                env_close(&the_env);
                env_open(&the_env);
        }
        the_env.uses++;
        for (int i = 0; i < MAX_REQUESTS && s < end; i++) {
                const char *sep = find_sep(s, (size_t)(end - s));
                size_t len      = sep ? (size_t)(sep - s) : (size_t)(end - s);
                run_one(the_env.r, s, len);
                s += len + (sep ? strlen(SEPARATOR) : 0);
        }
        check_state(the_env.r);
        return 0;
}
