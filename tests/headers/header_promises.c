/* What the public headers promise about lifetimes and names holds, through
 * the public API only (issue 11, "header docs"): a httpsrc_conf_get()
 * string outlives changes of other keys, a declared default outlives its
 * conf, TRACE is accepted as DEBUG; and the headers still say where a
 * plugin's keys may live and that next() sees empty pages. TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <httpsrc/httpsrc.h>

static int n_test, failed;

static void check(int ok, const char *what)
{
        printf("%sok %d - %s\n", ok ? "" : "not ", ++n_test, what);
        failed += !ok;
}

/* The header's text, to find a promise in it. */
static char *slurp(const char *name)
{
        char path[1024];
        snprintf(path, sizeof(path), "%s/include/httpsrc/%s",
                 HTTPSRC_SOURCE_ROOT, name);
        FILE *f = fopen(path, "rb");
        char *buf = f ? calloc(1, 1 << 20) : NULL;
        if (buf && fread(buf, 1, (1 << 20) - 1, f) == 0)
                buf[0] = '\0';
        if (f)
                fclose(f);
        return buf;
}

static void promised(const char *header, const char *words, const char *what)
{
        char *text = slurp(header);
        check(text && strstr(text, words), what);
        free(text);
}

int main(void)
{
        printf("1..8\n");
        char err[512];
        httpsrc_conf *c = httpsrc_conf_new(HTTPSRC_SCOPE_CONNECTOR);
        httpsrc_conf_set(c, "http.url", "http://127.0.0.1:1/a", err,
                         sizeof(err));
        const char *url = httpsrc_conf_get(c, "http.url");
        /* Hundreds of other keys: the conf's tables grow and move. */
        for (int i = 0; i < 300; i++) {
                char key[64];
                snprintf(key, sizeof(key), "transforms.t%d.field", i);
                httpsrc_conf_set(c, key, "id", err, sizeof(err));
        }
        check(url && !strcmp(url, "http://127.0.0.1:1/a"),
              "a conf_get string stays valid while other keys are set");
        const char *dflt = httpsrc_conf_get(c, "http.method");
        httpsrc_conf_destroy(c);
        check(dflt && !strcmp(dflt, "GET"),
              "a declared default is static: valid after its conf is gone");
        check(httpsrc_log_level_from_name("TRACE") == HTTPSRC_LOG_DEBUG &&
                  httpsrc_log_level_from_name("trace") == HTTPSRC_LOG_DEBUG,
              "TRACE is accepted, as DEBUG (no finer level)");
        promised("httpsrc.h", "Lifetime: a value set is owned by @p conf",
                 "httpsrc.h says how long a conf_get string lives");
        promised("plugin.h", "Where a plugin's keys may live",
                 "plugin.h says where a plugin's keys may live");
        promised("plugin.h", "an empty page (@p n_records 0) included",
                 "plugin.h says next() is called after an empty page");
        promised("common.h", "There is no TRACE level: DEBUG is the finest",
                 "common.h says TRACE maps to DEBUG");
        promised("plugin.h", "host->conf_get",
                 "plugin.h shows how a plugin reads its keys");
        return failed ? 1 : 0;
}
