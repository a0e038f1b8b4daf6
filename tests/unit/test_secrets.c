/* Unit tests: secrets.c (config providers env, file, directory; named
 * providers from the worker conf, allowed.paths, base.path; .properties
 * parsing; escaping for the template pass; exact errors that never hold a
 * secret). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "httpsrc/httpsrc.h"
#include "secrets_int.h"
#include "template_int.h"

/* Every secret the fixtures hold: no error string may contain one. */
static const char *const SECRETS[] = {
    "tok-9f8e7d", "s3cr3t-token", "db-pa55w0rd",  "hunter2-x", "uni-é€😀",
    "a${b}c",     "dollar-end$",  "{brace-start", NULL};

typedef struct fixture {
        char dir[64];
        char path[512]; /* scratch */
} fixture;

static const char *at(fixture *fx, const char *rel)
{
        snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, rel);
        return fx->path;
}

static void put(fixture *fx, const char *rel, const void *data, size_t len)
{
        FILE *fp = fopen(at(fx, rel), "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(data, 1, len, fp), len);
        assert_int_equal(fclose(fp), 0);
}

static void puts_file(fixture *fx, const char *rel, const char *text)
{
        put(fx, rel, text, strlen(text));
}

static const char PROPS[] =
    "# a comment: ignored\n"
    "! also a comment \\\n"
    "db.password=db-pa55w0rd\n"
    "   spaced   =   value with trailing space  \n"
    "colon:hunter2-x\n"
    "ws  separated value\n"
    "empty=\n"
    "dup=first\n"
    "dup=second\n"
    "multi=one, \\\n"
    "      two, \\\n"
    "      three\n"
    "esc=tab\\there\\nnewline\\\\back\\=eq\\:colon\\#hash\\q\n"
    "uni=uni-\\u00e9\\u20ac\\ud83d\\ude00\n"
    "raw.utf8=caf\xc3\xa9\n"
    "key\\ with\\ spaces=ks\n"
    "key\\=eq=ke\n"
    "a:b:c=colon-key\n"
    "crlf=yes\r\n"
    "cr=only\r"
    "last=no-newline";

static int setup(void **state)
{
        fixture *fx = calloc(1, sizeof(*fx));
        strcpy(fx->dir, "/tmp/test_secrets_XXXXXX");
        if (!mkdtemp(fx->dir))
                return -1;
        mkdir(at(fx, "secrets"), 0700);
        mkdir(at(fx, "secrets/api"), 0700);
        mkdir(at(fx, "other"), 0700);
        puts_file(fx, "secrets/api/token", "s3cr3t-token\n");
        puts_file(fx, "secrets/db_password", "db-pa55w0rd");
        puts_file(fx, "secrets/empty", "");
        put(fx, "secrets/nul", "ab\0cd", 5);
        puts_file(fx, "other/x", "outside");
        puts_file(fx, "app.properties", PROPS);
        puts_file(fx, "bad.properties", "ok=1\n\nbad=\\u12G4\n");
        puts_file(fx, "surrogate.properties", "s=\\ud83d\n");
        put(fx, "nul.properties", "k=v\0\n", 5);
        FILE *big = fopen(at(fx, "secrets/big"), "wb");
        for (int i = 0; i < 1024 * 1024 + 1; i++)
                fputc('x', big);
        fclose(big);
        setenv("HTTPSRC_T_TOKEN", "tok-9f8e7d", 1);
        setenv("HTTPSRC_T_EMPTY", "", 1);
        setenv("HTTPSRC_T_BRACES", "a${b}c", 1);
        setenv("HTTPSRC_T_DOLLAR", "dollar-end$", 1);
        setenv("HTTPSRC_T_BRACE", "{brace-start", 1);
        unsetenv("HTTPSRC_T_UNSET");
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        fixture *fx = *state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
        int rc = system(cmd);
        free(fx);
        return rc ? -1 : 0;
}

static void assert_no_secret(const char *err)
{
        for (const char *const *s = SECRETS; *s; s++)
                if (strstr(err, *s))
                        fail_msg("error leaks a secret: %s", err);
}

/* Resolves @p value (with %s = the fixture dir substituted) and checks the
 * result; @p plain picks secrets_resolve_plain. */
static void want_value(fixture *fx,
                       const secrets *s,
                       const char *value,
                       int plain,
                       const char *want)
{
        char in[1024], err[512] = "";
        snprintf(in, sizeof(in), value, fx->dir, fx->dir);
        char *out = NULL;
        int rc    = plain ? secrets_resolve_plain(s, in, &out, err, sizeof(err))
                          : secrets_resolve(s, in, &out, err, sizeof(err));
        if (rc)
                fail_msg("'%s': rc %d: %s", in, rc, err);
        if (strcmp(out, want))
                fail_msg("'%s':\n got  '%s'\n want '%s'", in, out, want);
        free(out);
}

static void want_error(fixture *fx,
                       const secrets *s,
                       const char *value,
                       int want_rc,
                       const char *want_err)
{
        char in[1024], want[1024], err[512] = "";
        snprintf(in, sizeof(in), value, fx->dir, fx->dir);
        snprintf(want, sizeof(want), want_err, fx->dir, fx->dir, fx->dir);
        char *out = (char *)"untouched";
        int rc    = secrets_resolve(s, in, &out, err, sizeof(err));
        if (rc != want_rc)
                fail_msg("'%s': rc %d, want %d (%s)", in, rc, want_rc, err);
        assert_null(out);
        if (strcmp(err, want))
                fail_msg("'%s':\n got  %s\n want %s", in, err, want);
        assert_no_secret(err);
        /* the plain variant fails the same way */
        err[0] = '\0';
        assert_int_equal(secrets_resolve_plain(s, in, &out, err, sizeof(err)),
                         want_rc);
        assert_string_equal(err, want);
}

static void test_env(void **state)
{
        fixture *fx = *state;
        char err[256];
        secrets *s = secrets_new(NULL, 1, err, sizeof(err));
        assert_non_null(s);
        want_value(fx, s, "${env:HTTPSRC_T_TOKEN}", 0, "tok-9f8e7d");
        want_value(fx, s, "${env::HTTPSRC_T_TOKEN}", 0, "tok-9f8e7d");
        want_value(fx, s, "Bearer ${env:HTTPSRC_T_TOKEN}!", 0,
                   "Bearer tok-9f8e7d!");
        want_value(fx, s, "[${env:HTTPSRC_T_EMPTY}]", 0, "[]");
        want_error(fx, s, "x ${env:HTTPSRC_T_UNSET} y", HTTPSRC_ERR_NOENT,
                   "${env:HTTPSRC_T_UNSET}: environment variable is not "
                   "set");
        want_error(fx, s, "${env:}", HTTPSRC_ERR_INVAL,
                   "${env:}: empty variable name");
        want_error(fx, s, "${env::}", HTTPSRC_ERR_INVAL,
                   "${env::}: empty variable name");
        want_error(fx, s, "${env:p:HTTPSRC_T_TOKEN}", HTTPSRC_ERR_INVAL,
                   "${env:p:HTTPSRC_T_TOKEN}: the env provider takes no "
                   "path");
        secrets_destroy(s);
}

static void test_file(void **state)
{
        fixture *fx = *state;
        char err[256];
        secrets *s                       = secrets_new(NULL, 1, err, sizeof(err));
        static const char *const kv[][2] = {
            {"db.password", "db-pa55w0rd"},
            {"spaced", "value with trailing space  "},
            {"colon", "hunter2-x"},
            {"ws", "separated value"},
            {"empty", ""},
            {"dup", "second"},
            {"multi", "one, two, three"},
            {"esc", "tab\there\nnewline\\back=eq:colon#hash"
                    "q"},
            {"uni", "uni-\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
            {"raw.utf8", "caf\xc3\xa9"},
            {"key with spaces", "ks"},
            {"key=eq", "ke"},
            {"crlf", "yes"},
            {"cr", "only"},
            {"last", "no-newline"},
        };
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
                char v[512];
                snprintf(v, sizeof(v), "${file:%%s/app.properties:%s}",
                         kv[i][0]);
                want_value(fx, s, v, 0, kv[i][1]);
        }
        /* split at the LAST ':' — a key holding ':' is not reachable, a
         * path holding one is */
        want_error(fx, s, "${file:%s/app.properties:a:b:c}", HTTPSRC_ERR_NOENT,
                   "${file:%s/app.properties:a:b:c}: cannot read "
                   "%s/app.properties:a:b: No such file or directory");
        /* the comment line ending in '\' does not continue */
        want_error(fx, s, "${file:%s/app.properties:db}", HTTPSRC_ERR_NOENT,
                   "${file:%s/app.properties:db}: no key 'db' in "
                   "%s/app.properties");
        /* paths are normalized */
        want_value(fx, s, "${file:%s/./secrets/../app.properties:colon}", 0,
                   "hunter2-x");
        want_error(fx, s, "${file:%s/nope.properties:k}", HTTPSRC_ERR_NOENT,
                   "${file:%s/nope.properties:k}: cannot read "
                   "%s/nope.properties: No such file or directory");
        want_error(fx, s, "${file:%s/app.properties:nope}", HTTPSRC_ERR_NOENT,
                   "${file:%s/app.properties:nope}: no key 'nope' in "
                   "%s/app.properties");
        want_error(fx, s, "${file:%s/bad.properties:ok}", HTTPSRC_ERR_PARSE,
                   "${file:%s/bad.properties:ok}: cannot parse "
                   "%s/bad.properties: line 3: malformed \\uXXXX escape");
        want_error(fx, s, "${file:%s/surrogate.properties:s}",
                   HTTPSRC_ERR_PARSE,
                   "${file:%s/surrogate.properties:s}: cannot parse "
                   "%s/surrogate.properties: line 1: unpaired UTF-16 "
                   "surrogate in \\u escape");
        want_error(fx, s, "${file:%s/nul.properties:k}", HTTPSRC_ERR_INVAL,
                   "${file:%s/nul.properties:k}: %s/nul.properties "
                   "contains a NUL byte");
        want_error(fx, s, "${file:%s/secrets:k}", HTTPSRC_ERR_INVAL,
                   "${file:%s/secrets:k}: %s/secrets is not a regular "
                   "file");
        want_error(fx, s, "${file:/x}", HTTPSRC_ERR_INVAL,
                   "${file:/x}: expected ${<provider>:<path>:<key>}");
        want_error(fx, s, "${file::k}", HTTPSRC_ERR_INVAL,
                   "${file::k}: empty path");
        want_error(fx, s, "${file:/x:}", HTTPSRC_ERR_INVAL,
                   "${file:/x:}: empty key");
        secrets_destroy(s);
}

static void test_directory(void **state)
{
        fixture *fx = *state;
        char err[256];
        secrets *s = secrets_new(NULL, 1, err, sizeof(err));
        /* contents as is: the trailing newline stays */
        want_value(fx, s, "${directory:%s/secrets/api:token}", 0,
                   "s3cr3t-token\n");
        want_value(fx, s, "${directory:%s/secrets:db_password}", 0,
                   "db-pa55w0rd");
        want_value(fx, s, "${directory:%s/secrets/api/token}", 0,
                   "s3cr3t-token\n");
        want_value(fx, s, "[${directory:%s/secrets:empty}]", 0, "[]");
        want_error(fx, s, "${directory:%s/secrets:nope}", HTTPSRC_ERR_NOENT,
                   "${directory:%s/secrets:nope}: cannot read "
                   "%s/secrets/nope: No such file or directory");
        want_error(fx, s, "${directory:%s/secrets:api/token}",
                   HTTPSRC_ERR_INVAL,
                   "${directory:%s/secrets:api/token}: invalid file name "
                   "'api/token'");
        want_error(fx, s, "${directory:%s/secrets:..}", HTTPSRC_ERR_INVAL,
                   "${directory:%s/secrets:..}: invalid file name '..'");
        want_error(fx, s, "${directory:%s/secrets:}", HTTPSRC_ERR_INVAL,
                   "${directory:%s/secrets:}: invalid file name ''");
        want_error(fx, s, "${directory::x}", HTTPSRC_ERR_INVAL,
                   "${directory::x}: empty path");
        want_error(fx, s, "${directory:%s/secrets:api}", HTTPSRC_ERR_INVAL,
                   "${directory:%s/secrets:api}: %s/secrets/api is not a "
                   "regular file");
        want_error(fx, s, "${directory:%s/secrets:nul}", HTTPSRC_ERR_INVAL,
                   "${directory:%s/secrets:nul}: %s/secrets/nul contains a "
                   "NUL byte");
        want_error(fx, s, "${directory:%s/secrets:big}", HTTPSRC_ERR_LIMIT,
                   "${directory:%s/secrets:big}: %s/secrets/big is larger "
                   "than 1 MiB");
        secrets_destroy(s);
}

static void test_unknown_provider_and_non_refs(void **state)
{
        fixture *fx = *state;
        char err[256];
        secrets *s = secrets_new(NULL, 1, err, sizeof(err));
        want_error(fx, s, "${x:y}", HTTPSRC_ERR_INVAL,
                   "${x:y}: config provider 'x' is not "
                   "enabled: list it in the worker's config.providers");
        want_error(fx, s, "${:y}", HTTPSRC_ERR_INVAL,
                   "${:y}: config provider '' is not "
                   "enabled: list it in the worker's config.providers");
        want_error(fx, s, "${Env:HTTPSRC_T_TOKEN}", HTTPSRC_ERR_INVAL,
                   "${Env:HTTPSRC_T_TOKEN}: config provider 'Env' is not "
                   "enabled: list it in the worker's config.providers");
        /* the first failing placeholder is reported */
        want_error(fx, s, "${env:HTTPSRC_T_TOKEN}${a:b}${c:d}",
                   HTTPSRC_ERR_INVAL, "${a:b}: config provider 'a' is not "
                   "enabled: list it in the worker's config.providers");
        /* state variables, escapes, unterminated: kept as written */
        want_value(fx, s,
                   "${offset}/${env:HTTPSRC_T_TOKEN}?c=${cursor}&e=$${env:"
                   "HTTPSRC_T_TOKEN}&u=${env:X",
                   0,
                   "${offset}/tok-9f8e7d?c=${cursor}&e=$${env:HTTPSRC_T_"
                   "TOKEN}&u=${env:X");
        want_value(fx, s, "no placeholders $ { } $$", 0,
                   "no placeholders $ { } $$");
        secrets_destroy(s);
}

/* The template pass after secrets_resolve yields @p want. */
static void check_round_trip(const secrets *s, const char *in, const char *want)
{
        char *tmpl = NULL, err[256];
        assert_int_equal(secrets_resolve(s, in, &tmpl, err, sizeof(err)), 0);
        strbuf sb = {0};
        if (template_expand(tmpl, NULL, NULL, NULL, &sb, err, sizeof(err)))
                fail_msg("'%s' -> '%s': %s", in, tmpl, err);
        assert_string_equal(sb.buf, want);
        sb_free(&sb);
        free(tmpl);
}

static void test_values_are_escaped_for_templates(void **state)
{
        fixture *fx = *state;
        char err[256];
        secrets *s = secrets_new(NULL, 1, err, sizeof(err));
        want_value(fx, s, "${env:HTTPSRC_T_BRACES}", 0, "a$${b}c");
        want_value(fx, s, "${env:HTTPSRC_T_BRACES}", 1, "a${b}c");
        /* a value ending in '$' before a '{' */
        want_value(fx, s, "${env:HTTPSRC_T_DOLLAR}{x}", 0, "dollar-end$${x}");
        want_value(fx, s, "${env:HTTPSRC_T_DOLLAR}${env:HTTPSRC_T_BRACE}", 0,
                   "dollar-end$${brace-start");
        want_value(fx, s, "${env:HTTPSRC_T_DOLLAR}$${x}", 0,
                   "dollar-end$$${x}");
        want_value(fx, s, "${env:HTTPSRC_T_DOLLAR}${env:HTTPSRC_T_EMPTY}{", 0,
                   "dollar-end$${");
        check_round_trip(s, "${env:HTTPSRC_T_BRACES}", "a${b}c");
        check_round_trip(s, "${env:HTTPSRC_T_DOLLAR}{x}", "dollar-end${x}");
        check_round_trip(s, "${env:HTTPSRC_T_DOLLAR}${env:HTTPSRC_T_BRACE}",
                         "dollar-end${brace-start");
        /* '$' from the value, then the escape "$${" = "${" */
        check_round_trip(s, "${env:HTTPSRC_T_DOLLAR}$${x}", "dollar-end$${x}");
        /* the plain variant keeps "$${" as written: only templates unescape */
        char *out = NULL;
        assert_int_equal(secrets_resolve_plain(s,
                                               "${env:HTTPSRC_T_DOLLAR}$${x}",
                                               &out, err, sizeof(err)),
                         0);
        assert_string_equal(out, "dollar-end$$${x}");
        free(out);
        /* not expressible: '$' from a value, then a state placeholder */
        char *t = (char *)"untouched";
        assert_int_equal(secrets_resolve(s, "${env:HTTPSRC_T_DOLLAR}${offset}",
                                         &t, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_null(t);
        assert_string_equal(err, "${env:HTTPSRC_T_DOLLAR}: a value ending in "
                                 "'$' cannot be followed directly by a "
                                 "placeholder");
        assert_no_secret(err);
        assert_int_equal(
            secrets_resolve_plain(s, "${env:HTTPSRC_T_DOLLAR}${offset}", &t,
                                  err, sizeof(err)),
            0);
        assert_string_equal(t, "dollar-end$${offset}");
        free(t);
        secrets_destroy(s);
}

static httpsrc_conf *worker(const char *const *kv)
{
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        char err[512];
        for (; *kv; kv += 2)
                if (httpsrc_conf_set(w, kv[0], kv[1], err, sizeof(err)))
                        fail_msg("set %s: %s", kv[0], err);
        return w;
}

static void test_named_providers(void **state)
{
        fixture *fx = *state;
        char base[256], allowed[512], err[512];
        snprintf(base, sizeof(base), "%s/secrets", fx->dir);
        snprintf(allowed, sizeof(allowed), " %s/secrets , %s/app.properties ",
                 fx->dir, fx->dir);
        const char *const kv[] = {
            "config.providers",
            "secrets, props,vars,dir2",
            "config.providers.secrets.class",
            "directory",
            "config.providers.secrets.param.base.path",
            base,
            "config.providers.props.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider",
            "config.providers.props.param.allowed.paths",
            allowed,
            "config.providers.vars.class",
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            "config.providers.dir2.class",
            "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
            "config.providers.dir2.param.allowed.paths",
            base,
            "config.providers.dir2.param.base.path",
            fx->dir,
            NULL};
        httpsrc_conf *w = worker(kv);
        secrets *s      = secrets_new(w, 1, err, sizeof(err));
        if (!s)
                fail_msg("%s", err);
        /* the spec's form: a path relative to base.path */
        want_value(fx, s, "${secrets:api/token}", 0, "s3cr3t-token\n");
        want_value(fx, s, "${secrets:db_password}", 0, "db-pa55w0rd");
        want_value(fx, s, "${secrets:api:token}", 0, "s3cr3t-token\n");
        want_value(fx, s, "${secrets:./api/../db_password}", 0, "db-pa55w0rd");
        want_error(fx, s, "${secrets:../app.properties}", HTTPSRC_ERR_INVAL,
                   "${secrets:../app.properties}: path leaves base.path");
        want_error(fx, s, "${secrets:api/../../other/x}", HTTPSRC_ERR_INVAL,
                   "${secrets:api/../../other/x}: path leaves base.path");
        /* absolute paths are used as they are */
        want_value(fx, s, "${secrets:%s/other/x}", 0, "outside");
        /* allowed.paths: the file itself or below a listed directory */
        want_value(fx, s, "${props:%s/app.properties:colon}", 0, "hunter2-x");
        want_error(fx, s, "${props:%s/bad.properties:ok}", HTTPSRC_ERR_INVAL,
                   "${props:%s/bad.properties:ok}: %s/bad.properties is "
                   "not in config.providers.props.param.allowed.paths");
        want_error(fx, s, "${props:%s/secrets/../bad.properties:ok}",
                   HTTPSRC_ERR_INVAL,
                   "${props:%s/secrets/../bad.properties:ok}: "
                   "%s/bad.properties is not in "
                   "config.providers.props.param.allowed.paths");
        /* a sibling whose name merely starts like an allowed path */
        want_error(fx, s, "${props:%s/app.properties2:k}", HTTPSRC_ERR_INVAL,
                   "${props:%s/app.properties2:k}: %s/app.properties2 is "
                   "not in config.providers.props.param.allowed.paths");
        /* relative without base.path never passes allowed.paths */
        want_error(fx, s, "${props:app.properties:colon}", HTTPSRC_ERR_INVAL,
                   "${props:app.properties:colon}: app.properties is not "
                   "in config.providers.props.param.allowed.paths");
        want_value(fx, s, "${vars:HTTPSRC_T_TOKEN}", 0, "tok-9f8e7d");
        /* base.path + allowed.paths: relative to the base, checked */
        want_value(fx, s, "${dir2:secrets:db_password}", 0, "db-pa55w0rd");
        want_error(fx, s, "${dir2:other:x}", HTTPSRC_ERR_INVAL,
                   "${dir2:other:x}: %s/other/x is not in "
                   "config.providers.dir2.param.allowed.paths");
        /* the built-ins stay */
        want_value(fx, s,
                   "${env:HTTPSRC_T_TOKEN}|${file:%s/app.properties:"
                   "colon}",
                   0, "tok-9f8e7d|hunter2-x");
        secrets_destroy(s);
        httpsrc_conf_destroy(w);
}

/* Without builtins (a config from REST) only the listed providers
 * resolve: the worker's files and environment stay out of reach. */
static void test_only_listed_providers(void **state)
{
        fixture *fx = *state;
        char err[512];
        secrets *s = secrets_new(NULL, 0, err, sizeof(err));
        assert_non_null(s);
        want_error(fx, s, "${env:HTTPSRC_T_TOKEN}", HTTPSRC_ERR_INVAL,
                   "${env:HTTPSRC_T_TOKEN}: config provider 'env' is not "
                   "enabled: list it in the worker's config.providers");
        want_error(fx, s, "${file:%s/app.properties:colon}", HTTPSRC_ERR_INVAL,
                   "${file:%s/app.properties:colon}: config provider 'file' "
                   "is not enabled: list it in the worker's "
                   "config.providers");
        want_error(fx, s, "${directory:/etc:shadow}", HTTPSRC_ERR_INVAL,
                   "${directory:/etc:shadow}: config provider 'directory' is "
                   "not enabled: list it in the worker's config.providers");
        assert_null(secrets_unrestricted(s));
        secrets_destroy(s);
        const char *const kv[] = {"config.providers",
                                  "vars,f",
                                  "config.providers.vars.class",
                                  "env",
                                  "config.providers.f.class",
                                  "file",
                                  NULL};
        httpsrc_conf *w = worker(kv);
        s               = secrets_new(w, 0, err, sizeof(err));
        assert_non_null(s);
        want_value(fx, s, "${vars:HTTPSRC_T_TOKEN}", 0, "tok-9f8e7d");
        want_error(fx, s, "${env:HTTPSRC_T_TOKEN}", HTTPSRC_ERR_INVAL,
                   "${env:HTTPSRC_T_TOKEN}: config provider 'env' is not "
                   "enabled: list it in the worker's config.providers");
        /* a listed file provider without allowed.paths is reported */
        assert_string_equal(secrets_unrestricted(s), "f");
        secrets_destroy(s);
        httpsrc_conf_destroy(w);
}

static void test_named_overrides_builtin(void **state)
{
        fixture *fx            = *state;
        const char *const kv[] = {"config.providers", "env",
                                  "config.providers.env.class", "file", NULL};
        char err[512];
        httpsrc_conf *w = worker(kv);
        secrets *s      = secrets_new(w, 1, err, sizeof(err));
        assert_non_null(s);
        want_value(fx, s, "${env:%s/app.properties:colon}", 0, "hunter2-x");
        want_error(fx, s, "${env:HTTPSRC_T_TOKEN}", HTTPSRC_ERR_INVAL,
                   "${env:HTTPSRC_T_TOKEN}: expected "
                   "${<provider>:<path>:<key>}");
        secrets_destroy(s);
        httpsrc_conf_destroy(w);
}

static void
want_config_error(fixture *fx, const char *const *kv, const char *want_fmt)
{
        char err[512]   = "", want[512];
        httpsrc_conf *w = worker(kv);
        secrets *s      = secrets_new(w, 1, err, sizeof(err));
        if (s)
                fail_msg("accepted, want: %s", want_fmt);
        snprintf(want, sizeof(want), want_fmt, fx->dir);
        assert_string_equal(err, want);
        httpsrc_conf_destroy(w);
}

static void test_config_errors(void **state)
{
        fixture *fx = *state;
        char nope[256];
        snprintf(nope, sizeof(nope), "%s/nope", fx->dir);
        const char *const c1[] = {"config.providers", "a,,b", NULL};
        want_config_error(fx, c1,
                          "config.providers: empty provider name in 'a,,b'");
        const char *const c2[] = {"config.providers", "a, a", NULL};
        want_config_error(fx, c2,
                          "config.providers: provider 'a' is listed twice");
        const char *const c3[] = {"config.providers", "a", NULL};
        want_config_error(fx, c3,
                          "config.providers.a.class: missing (provider 'a' "
                          "is listed in config.providers)");
        const char *const c4[] = {"config.providers", "a",
                                  "config.providers.a.class", "vault", NULL};
        want_config_error(fx, c4,
                          "config.providers.a.class: unknown provider class "
                          "'vault'");
        const char *const c5[] = {"config.providers.x.class", "env", NULL};
        want_config_error(fx, c5,
                          "config.providers.x.class: provider 'x' is not "
                          "listed in config.providers");
        const char *const c6[] = {"config.providers",
                                  "a",
                                  "config.providers.a.class",
                                  "file",
                                  "config.providers.a.other",
                                  "1",
                                  NULL};
        want_config_error(fx, c6,
                          "config.providers.a.other: unknown key (expected "
                          "class or param.*)");
        const char *const c7[] = {"config.providers",
                                  "a",
                                  "config.providers.a.class",
                                  "file",
                                  "config.providers.a.param.path",
                                  "/x",
                                  NULL};
        want_config_error(fx, c7,
                          "config.providers.a.param.path: unknown parameter "
                          "(expected allowed.paths or base.path)");
        const char *const c8[] = {"config.providers",
                                  "a",
                                  "config.providers.a.param.base.path",
                                  "/x",
                                  "config.providers.a.class",
                                  "env",
                                  NULL};
        want_config_error(fx, c8,
                          "config.providers.a.param.base.path: not supported "
                          "by the env provider");
        const char *const c9[] = {"config.providers",
                                  "a",
                                  "config.providers.a.class",
                                  "directory",
                                  "config.providers.a.param.allowed.paths",
                                  "/tmp,rel/dir",
                                  NULL};
        want_config_error(fx, c9,
                          "config.providers.a.param.allowed.paths: path "
                          "'rel/dir' is not absolute");
        const char *const c10[] = {"config.providers",
                                   "a",
                                   "config.providers.a.class",
                                   "directory",
                                   "config.providers.a.param.allowed.paths",
                                   nope,
                                   NULL};
        want_config_error(fx, c10,
                          "config.providers.a.param.allowed.paths: %s/nope: "
                          "No such file or directory");
        const char *const c11[] = {"config.providers",
                                   "a",
                                   "config.providers.a.class",
                                   "file",
                                   "config.providers.a.param.base.path",
                                   "run/secrets",
                                   NULL};
        want_config_error(fx, c11,
                          "config.providers.a.param.base.path: 'run/secrets' "
                          "is not absolute");
        const char *const c12[] = {"config.providers", "a:b", NULL};
        want_config_error(fx, c12,
                          "config.providers: invalid provider name 'a:b' "
                          "(':' and '}' are not allowed)");
}

static void test_empty_allowed_paths_is_unrestricted(void **state)
{
        fixture *fx            = *state;
        const char *const kv[] = {"config.providers",
                                  "f",
                                  "config.providers.f.class",
                                  "file",
                                  "config.providers.f.param.allowed.paths",
                                  " ",
                                  NULL};
        char err[512];
        httpsrc_conf *w = worker(kv);
        secrets *s      = secrets_new(w, 1, err, sizeof(err));
        assert_non_null(s);
        want_value(fx, s, "${f:%s/app.properties:colon}", 0, "hunter2-x");
        secrets_destroy(s);
        httpsrc_conf_destroy(w);
}

static void test_has_refs(void **state)
{
        (void)state;
        assert_int_equal(secrets_has_refs(NULL), 0);
        assert_int_equal(secrets_has_refs(""), 0);
        assert_int_equal(secrets_has_refs("plain"), 0);
        assert_int_equal(secrets_has_refs("${offset}"), 0);
        assert_int_equal(secrets_has_refs("$${env:X}"), 0);
        assert_int_equal(secrets_has_refs("${env:X"), 0);
        assert_int_equal(secrets_has_refs("${env:X}"), 1);
        assert_int_equal(secrets_has_refs("a ${offset} b ${secrets:api/t}"), 1);
        assert_int_equal(secrets_has_refs("$${x}${file:/p:k}"), 1);
        assert_int_equal(secrets_has_refs("${:}"), 1);
}

static void test_bad_arguments(void **state)
{
        (void)state;
        char err[256], *out = (char *)"x";
        secrets *s = secrets_new(NULL, 1, err, sizeof(err));
        assert_int_equal(secrets_resolve(NULL, "v", &out, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_null(out);
        assert_int_equal(secrets_resolve(s, NULL, &out, err, sizeof(err)),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(
            err, "invalid argument: secrets, value and out required");
        secrets_destroy(s);
        secrets_destroy(NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_env),
            cmocka_unit_test(test_file),
            cmocka_unit_test(test_directory),
            cmocka_unit_test(test_unknown_provider_and_non_refs),
            cmocka_unit_test(test_values_are_escaped_for_templates),
            cmocka_unit_test(test_named_providers),
            cmocka_unit_test(test_only_listed_providers),
            cmocka_unit_test(test_named_overrides_builtin),
            cmocka_unit_test(test_config_errors),
            cmocka_unit_test(test_empty_allowed_paths_is_unrestricted),
            cmocka_unit_test(test_has_refs),
            cmocka_unit_test(test_bad_arguments),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
