/* Plugin loader: the exact rejection messages for each broken fake plugin
 * (tests/plugins), registration rules, lookup, dedupe, directory scans, and
 * the built-in plugins driven through a fake host table. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../plugins/fake_good.h"
#include "fake_host.h"
#include "json_int.h"
#include "plugin_int.h"

/* ------------------------------------------------------------------ */
/* Paths                                                               */

static char fake_dir[PATH_MAX];    /* tests/plugins in the build tree */
static char builtin_dir[PATH_MAX]; /* plugins/ in the build tree */

static int setup_paths(void **state)
{
        const char *root = getenv("HTTPSRC_BUILD_ROOT");
        const char *bi   = getenv("HTTPSRC_PLUGIN_PATH");
        if (!root || !bi) {
                fprintf(stderr, "HTTPSRC_BUILD_ROOT and HTTPSRC_PLUGIN_PATH "
                                "must be set (run under meson test)\n");
                return -1;
        }
        snprintf(fake_dir, sizeof(fake_dir), "%s/tests/plugins", root);
        snprintf(builtin_dir, sizeof(builtin_dir), "%s", bi);
        return 0;
}

static const char *fake(const char *name)
{
        static char buf[PATH_MAX + 64];
        snprintf(buf, sizeof(buf), "%s/httpsrc-%s.so", fake_dir, name);
        return buf;
}

static const char *builtin(const char *name)
{
        static char buf[PATH_MAX + 64];
        snprintf(buf, sizeof(buf), "%s/httpsrc-%s.so", builtin_dir, name);
        return buf;
}

static char *fmt(const char *f, ...) HTTPSRC_PRINTF(1, 2);
static char *fmt(const char *f, ...)
{
        static char buf[2048];
        va_list ap;
        va_start(ap, f);
        vsnprintf(buf, sizeof(buf), f, ap);
        va_end(ap);
        return buf;
}

static char *make_tmpdir(void)
{
        char tmpl[] = "/tmp/test_loader.XXXXXX";
        char *d     = mkdtemp(tmpl);
        assert_non_null(d);
        return strdup(d);
}

static void rm_tmpdir(char *dir, const char *const *files)
{
        for (; *files; files++)
                unlink(fmt("%s/%s", dir, *files));
        rmdir(dir);
        free(dir);
}

/* ------------------------------------------------------------------ */
/* Loading the good plugin                                             */

static void test_good_plugin(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[1024]     = "";

        assert_int_equal(
            plugin_registry_load(r, fake("good"), err, sizeof(err)),
            HTTPSRC_OK);
        assert_string_equal(err, "");
        for (int k = HTTPSRC_KIND_SOURCE; k <= HTTPSRC_KIND_TRANSFORM; k++)
                assert_int_equal(plugin_registry_count(r, k), 1);
        assert_int_equal(plugin_registry_count(r, 0), 0);
        assert_int_equal(plugin_registry_count(r, 5), 0);

        const plugin_component *src =
            plugin_registry_find(r, HTTPSRC_KIND_SOURCE, "goodsource");
        assert_non_null(src);
        assert_ptr_equal(src, plugin_registry_at(r, HTTPSRC_KIND_SOURCE, 0));
        assert_null(plugin_registry_at(r, HTTPSRC_KIND_SOURCE, 1));
        assert_string_equal(src->name, "GoodSource");
        assert_int_equal(src->kind, HTTPSRC_KIND_SOURCE);
        assert_string_equal(loaded_plugin_name(src->plugin), "good");
        assert_string_equal(loaded_plugin_version(src->plugin), "1.2.3");
        assert_string_equal(loaded_plugin_path(src->plugin), fake("good"));

        /* plugin_ctx from init reaches every component and create() */
        const struct fake_good_ctx *g = src->plugin_ctx;
        assert_non_null(g);
        assert_ptr_equal(g->host, plugin_registry_host(r));
        void *st = NULL;
        assert_int_equal(src->ops.source.create(NULL, src->plugin_ctx, &st),
                         HTTPSRC_OK);
        assert_ptr_equal(st, g);

        /* the host table handed to plugins passes the caller's members */
        const struct httpsrc_host_api *h = plugin_registry_host(r);
        assert_int_equal(h->struct_size, sizeof(struct httpsrc_host_api));
        assert_int_equal(h->abi_major, HTTPSRC_PLUGIN_ABI_MAJOR);
        assert_ptr_equal(h->json_parse, json_parse);
        assert_non_null(h->register_component);

        const plugin_component *auth =
            plugin_registry_find(r, HTTPSRC_KIND_AUTH, "Good");
        assert_non_null(auth);
        assert_ptr_equal(auth->plugin_ctx, g);
        assert_int_equal(auth->ops.auth.struct_size, sizeof(httpsrc_auth_ops));
        assert_false(HTTPSRC_OPS_HAS(&auth->ops.auth, on_response));
        assert_true(HTTPSRC_OPS_HAS(&auth->ops.auth, apply));

        /* the plugin's paginator struct is larger than ours: the copy is
         * clamped to the host size */
        const plugin_component *pag =
            plugin_registry_find(r, HTTPSRC_KIND_PAGINATOR, "GOOD");
        assert_non_null(pag);
        assert_int_equal(pag->ops.paginator.struct_size,
                         sizeof(httpsrc_paginator_ops));
        assert_string_equal(pag->ops.paginator.offset_field, "page");
        char *next = NULL;
        assert_int_equal(pag->ops.paginator.next(NULL, NULL, NULL, 0, &next),
                         HTTPSRC_DONE);

        /* the registrar is dead once init has returned */
        static const httpsrc_auth_ops late = {
            .struct_size = sizeof(httpsrc_auth_ops), .name = "LATE"};
        assert_int_equal(
            h->register_component(g->reg, HTTPSRC_KIND_AUTH, &late),
            HTTPSRC_ERR_STATE);
        assert_int_equal(plugin_registry_count(r, HTTPSRC_KIND_AUTH), 1);

        logged.n = 0;
        plugin_registry_destroy(r);
        assert_int_equal(logged.n, 1);
        assert_string_equal(logged.msg, "good: fini");
        plugin_registry_destroy(NULL);
}

static void test_find_names(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[1024]     = "";

        assert_int_equal(
            plugin_registry_load(r, fake("good"), err, sizeof(err)), 0);
        const plugin_component *t =
            plugin_registry_at(r, HTTPSRC_KIND_TRANSFORM, 0);
        assert_string_equal(t->name, "com.example.transforms.GoodTransform");
        assert_ptr_equal(plugin_registry_find(r, HTTPSRC_KIND_TRANSFORM,
                                              "com.example.transforms."
                                              "goodtransform"),
                         t);
        assert_ptr_equal(
            plugin_registry_find(r, HTTPSRC_KIND_TRANSFORM, "GOODTRANSFORM"),
            t);
        /* another package's class of the same simple name is not ours */
        assert_null(plugin_registry_find(r, HTTPSRC_KIND_TRANSFORM,
                                         "org.other.GoodTransform"));
        assert_null(
            plugin_registry_find(r, HTTPSRC_KIND_TRANSFORM, "transforms"));
        assert_null(plugin_registry_find(r, HTTPSRC_KIND_TRANSFORM, "Good"));
        /* an undotted registered name matches a dotted query's last part */
        const plugin_component *a = plugin_registry_at(r, HTTPSRC_KIND_AUTH, 0);
        assert_ptr_equal(
            plugin_registry_find(r, HTTPSRC_KIND_AUTH, "com.example.good"), a);
        /* kinds are separate namespaces */
        assert_null(plugin_registry_find(r, HTTPSRC_KIND_SOURCE, "GOOD"));
        assert_null(plugin_registry_find(r, 9, "GOOD"));
        assert_null(plugin_registry_find(r, HTTPSRC_KIND_AUTH, NULL));
        plugin_registry_destroy(r);
}

/* ------------------------------------------------------------------ */
/* Rejections: one fake plugin per failure, exact messages             */

static void expect_load_error(const char *path, int code, const char *msg)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[2048]     = "";

        assert_int_equal(plugin_registry_load(r, path, err, sizeof(err)), code);
        assert_string_equal(err, msg);
        for (int k = HTTPSRC_KIND_SOURCE; k <= HTTPSRC_KIND_TRANSFORM; k++)
                assert_int_equal(plugin_registry_count(r, k), 0);
        plugin_registry_destroy(r);
}

static void test_abi_rejections(void **state)
{
        char p[PATH_MAX + 64];

        snprintf(p, sizeof(p), "%s", fake("v2_only"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_ABI,
                          fmt("%s: no entry point httpsrc_plugin_entry_v1; "
                              "plugin built for another ABI major?",
                              p));
        snprintf(p, sizeof(p), "%s", fake("no_entry"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_ABI,
                          fmt("%s: no entry point httpsrc_plugin_entry_v1; "
                              "plugin built for another ABI major?",
                              p));
        snprintf(p, sizeof(p), "%s", fake("short_struct"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_ABI,
                          fmt("%s: struct httpsrc_plugin_info too small "
                              "(8 bytes, need at least 48)",
                              p));
        snprintf(p, sizeof(p), "%s", fake("old_major"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_ABI,
                          fmt("%s: plugin ABI 0.x, host ABI 1.x", p));
        snprintf(p, sizeof(p), "%s", fake("newer_minor"));
        expect_load_error(
            p, HTTPSRC_ERR_PLUGIN_ABI,
            fmt("%s: plugin ABI 1.1 is newer than host ABI 1.0", p));
        snprintf(p, sizeof(p), "%s", fake("name_mismatch"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_ABI,
                          fmt("%s: plugin name 'other' does not match file "
                              "name (expected httpsrc-other.so)",
                              p));
}

static void test_init_rejections(void **state)
{
        char p[PATH_MAX + 64];

        snprintf(p, sizeof(p), "%s", fake("init_fails"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_INIT,
                          fmt("%s: init failed: missing license file", p));
        snprintf(p, sizeof(p), "%s", fake("dup"));
        expect_load_error(p, HTTPSRC_ERR_PLUGIN_INIT,
                          fmt("%s: registration failed: auth 'Dup' already "
                              "registered by %s",
                              p, p));
}

/* bad_ops registers a valid auth first, then the bad component, and
 * returns OK: the valid one must be dropped with the plugin, and its fini
 * must run (valgrind reports its context as leaked otherwise). */
static void test_bad_ops(void **state)
{
        static const struct {
                const char *variant;
                const char *reason;
        } cases[] = {
            {NULL, "paginator 'BAD': missing required method next"},
            {"unknown_kind", "unknown component kind 7"},
            {"null_ops", "auth: NULL ops"},
            {"no_name", "auth component without a name"},
            {"too_small", "transform 'SMALL': ops struct too small "
                          "(24 bytes, need at least 56)"},
        };
        char p[PATH_MAX + 64];

        snprintf(p, sizeof(p), "%s", fake("bad_ops"));
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                if (cases[i].variant)
                        setenv("HTTPSRC_FAKE_BAD_OPS", cases[i].variant, 1);
                else
                        unsetenv("HTTPSRC_FAKE_BAD_OPS");
                expect_load_error(
                    p, HTTPSRC_ERR_PLUGIN_INIT,
                    fmt("%s: registration failed: %s", p, cases[i].reason));
        }
        unsetenv("HTTPSRC_FAKE_BAD_OPS");
}

static void test_duplicate_across_plugins(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[2048]     = "";
        char cursor[PATH_MAX + 64], bad[PATH_MAX + 64];

        snprintf(cursor, sizeof(cursor), "%s", builtin("paginator_cursor"));
        snprintf(bad, sizeof(bad), "%s", fake("bad_ops"));
        assert_int_equal(plugin_registry_load(r, cursor, err, sizeof(err)), 0);
        setenv("HTTPSRC_FAKE_BAD_OPS", "cursor", 1);
        assert_int_equal(plugin_registry_load(r, bad, err, sizeof(err)),
                         HTTPSRC_ERR_PLUGIN_INIT);
        unsetenv("HTTPSRC_FAKE_BAD_OPS");
        assert_string_equal(err, fmt("%s: registration failed: paginator "
                                     "'cursor' already registered by %s",
                                     bad, cursor));
        assert_int_equal(plugin_registry_count(r, HTTPSRC_KIND_PAGINATOR), 1);
        assert_null(plugin_registry_find(r, HTTPSRC_KIND_AUTH, "BAD_OPS_OK"));
        plugin_registry_destroy(r);
}

static void test_cannot_open(void **state)
{
        char *dir = make_tmpdir();
        char real[PATH_MAX], p[PATH_MAX + 64];

        snprintf(p, sizeof(p), "%s/httpsrc-missing.so", dir);
        expect_load_error(p, HTTPSRC_ERR_IO,
                          fmt("%s: cannot open: No such file or directory", p));

        snprintf(p, sizeof(p), "%s/httpsrc-junk.so", dir);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        for (int i = 0; i < 16; i++) /* longer than an ELF header */
                fputs("not an ELF file\n", f);
        fclose(f);
        assert_non_null(realpath(p, real));
        expect_load_error(
            p, HTTPSRC_ERR_IO,
            fmt("%s: cannot open: %s: invalid ELF header", p, real));

        /* RTLD_NOW: a missing symbol fails the load, not a later call */
        snprintf(p, sizeof(p), "%s", fake("unresolved"));
        assert_non_null(realpath(p, real));
        expect_load_error(p, HTTPSRC_ERR_IO,
                          fmt("%s: cannot open: %s: undefined symbol: "
                              "httpsrc_fake_missing_symbol",
                              p, real));

        expect_load_error("", HTTPSRC_ERR_INVAL, "plugin path is empty");
        rm_tmpdir(dir, (const char *const[]){"httpsrc-junk.so", NULL});
}

/* ------------------------------------------------------------------ */
/* Dedupe and directory scans                                          */

static void test_dedupe(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[2048]     = "";
        char *dir          = make_tmpdir();
        char link[PATH_MAX + 64];

        assert_int_equal(
            plugin_registry_load(r, fake("good"), err, sizeof(err)), 0);
        /* again, by the same path and through a symlink: no second init
         * (which would fail with a duplicate registration) */
        assert_int_equal(
            plugin_registry_load(r, fake("good"), err, sizeof(err)), 0);
        snprintf(link, sizeof(link), "%s/httpsrc-good.so", dir);
        assert_int_equal(symlink(fake("good"), link), 0);
        assert_int_equal(plugin_registry_load(r, link, err, sizeof(err)), 0);
        assert_int_equal(
            plugin_registry_load_path(r, dir, NULL, NULL, err, sizeof(err)), 0);
        assert_string_equal(err, "");
        assert_int_equal(plugin_registry_count(r, HTTPSRC_KIND_AUTH), 1);
        plugin_registry_destroy(r);
        rm_tmpdir(dir, (const char *const[]){"httpsrc-good.so", NULL});
}

typedef struct errors {
        int n;
        char msg[16][1024];
} errors;

static void collect_error(void *opaque, const char *message)
{
        errors *e = opaque;
        assert_true(e->n < 16);
        snprintf(e->msg[e->n++], sizeof(e->msg[0]), "%s", message);
}

static void test_load_path_fakes(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[2048]     = "";
        errors e           = {0};

        unsetenv("HTTPSRC_FAKE_BAD_OPS");
        assert_int_equal(plugin_registry_load_path(r, fake_dir, collect_error,
                                                   &e, err, sizeof(err)),
                         2); /* good and the SDK example */
        assert_string_equal(err, "");
        /* every failure reported, in file name order */
        static const char *const order[] = {
            "bad_ops",     "dup",      "init_fails", "name_mismatch",
            "newer_minor", "no_entry", "old_major",  "short_struct",
            "unresolved",  "v2_only"};
        assert_int_equal(e.n, 10);
        for (int i = 0; i < 10; i++) {
                char want[PATH_MAX + 64];
                snprintf(want, sizeof(want), "%s: ", fake(order[i]));
                assert_true(!strncmp(e.msg[i], want, strlen(want)));
        }
        assert_string_equal(e.msg[2], fmt("%s: init failed: missing license "
                                          "file",
                                          fake("init_fails")));
        assert_non_null(plugin_registry_find(r, HTTPSRC_KIND_AUTH, "GOOD"));
        assert_non_null(
            plugin_registry_find(r, HTTPSRC_KIND_PAGINATOR, "PAGE"));
        plugin_registry_destroy(r);
}

static void test_load_path_list(void **state)
{
        plugin_registry *r = plugin_registry_new(&fake_host);
        char err[2048]     = "";
        char *a = make_tmpdir(), *b = make_tmpdir();
        char list[3 * PATH_MAX];

        /* a: auth_none + paginator_none; b: auth_basic + good; scanned
         * b first, each in name order */
        assert_int_equal(symlink(builtin("paginator_none"),
                                 fmt("%s/httpsrc-paginator_none.so", a)),
                         0);
        assert_int_equal(
            symlink(builtin("auth_none"), fmt("%s/httpsrc-auth_none.so", a)),
            0);
        assert_int_equal(
            symlink(builtin("auth_basic"), fmt("%s/httpsrc-auth_basic.so", b)),
            0);
        assert_int_equal(symlink(fake("good"), fmt("%s/httpsrc-good.so", b)),
                         0);
        snprintf(list, sizeof(list), " %s ,, %s:", b, a);
        assert_int_equal(
            plugin_registry_load_path(r, list, NULL, NULL, err, sizeof(err)),
            4);
        assert_int_equal(plugin_registry_count(r, HTTPSRC_KIND_AUTH), 3);
        assert_string_equal(plugin_registry_at(r, HTTPSRC_KIND_AUTH, 0)->name,
                            "BASIC");
        assert_string_equal(plugin_registry_at(r, HTTPSRC_KIND_AUTH, 1)->name,
                            "GOOD");
        assert_string_equal(plugin_registry_at(r, HTTPSRC_KIND_AUTH, 2)->name,
                            "NONE");
        assert_string_equal(
            plugin_registry_at(r, HTTPSRC_KIND_PAGINATOR, 0)->name, "good");
        assert_string_equal(
            plugin_registry_at(r, HTTPSRC_KIND_PAGINATOR, 1)->name, "NONE");

        /* an unreadable directory stops the scan with its reason */
        snprintf(list, sizeof(list), "%s:%s/nope", a, a);
        assert_int_equal(
            plugin_registry_load_path(r, list, NULL, NULL, err, sizeof(err)),
            HTTPSRC_ERR_IO);
        assert_string_equal(err, fmt("%s/nope: No such file or directory", a));
        plugin_registry_destroy(r);
        rm_tmpdir(a, (const char *const[]){"httpsrc-paginator_none.so",
                                           "httpsrc-auth_none.so", NULL});
        rm_tmpdir(b, (const char *const[]){"httpsrc-auth_basic.so",
                                           "httpsrc-good.so", NULL});
}

/* ------------------------------------------------------------------ */
/* The clamped copy                                                    */

/* The paginator vtable of a host built against a future ABI 1.1 that
 * appended one member. */
struct paginator_ops_v1_1 {
        HTTPSRC_OPS_HEAD;
        const char *offset_field;
        int (*create)(httpsrc_ctx *ctx, void *plugin_ctx, void **state);
        int (*start)(void *state, const char *page_key, httpsrc_request *req);
        int (*next)(void *state,
                    const char *page_key,
                    const httpsrc_response *resp,
                    size_t n_records,
                    char **next_key);
        void (*destroy)(void *state);
        char *(*first_key)(void *state);
        int (*seek)(void *state, const char *key);
};

static int dummy_seek(void *state, const char *key)
{
        return 0;
}

static void test_ops_copy(void **state)
{
        assert_int_equal(plugin_ops_min_size(HTTPSRC_KIND_SOURCE), 64);
        assert_int_equal(plugin_ops_min_size(HTTPSRC_KIND_AUTH), 64);
        assert_int_equal(plugin_ops_min_size(HTTPSRC_KIND_PAGINATOR), 72);
        assert_int_equal(plugin_ops_min_size(HTTPSRC_KIND_TRANSFORM), 56);
        assert_int_equal(plugin_ops_min_size(0), 0);
        assert_int_equal(offsetof(struct paginator_ops_v1_1, seek),
                         sizeof(httpsrc_paginator_ops));

        /* an ABI 1.0 plugin on that host: the new member reads as absent,
         * whatever follows the plugin's struct in its memory */
        struct {
                httpsrc_paginator_ops ops;
                int (*after)(void *state, const char *key);
        } plugin = {.ops   = {.struct_size  = sizeof(httpsrc_paginator_ops),
                              .name         = "P",
                              .offset_field = "page"},
                    .after = dummy_seek};
        struct paginator_ops_v1_1 host;
        memset(&host, 0xa5, sizeof(host));
        assert_int_equal(plugin_ops_copy(&host, sizeof(host), &plugin),
                         sizeof(httpsrc_paginator_ops));
        assert_int_equal(host.struct_size, sizeof(httpsrc_paginator_ops));
        assert_null(host.seek);
        assert_false(HTTPSRC_OPS_HAS(&host, seek));
        assert_false(HTTPSRC_OPS_HAS(&host, next));
        assert_string_equal(host.name, "P");
        assert_string_equal(host.offset_field, "page");

        /* an ABI 1.1 plugin on a 1.0 host: the copy stops at the host size */
        struct paginator_ops_v1_1 newer = {
            .struct_size = sizeof(newer), .name = "N", .seek = dummy_seek};
        httpsrc_paginator_ops old;
        assert_int_equal(plugin_ops_copy(&old, sizeof(old), &newer),
                         sizeof(old));
        assert_int_equal(old.struct_size, sizeof(old));
        assert_string_equal(old.name, "N");
}

/* ------------------------------------------------------------------ */
/* Built-in plugins through the loader and the fake host               */

#define API_URL "http://api.test/items"

static void test_auth_none(void **state)
{
        instance in;
        httpsrc_request *req = fake_req(API_URL);

        assert_int_equal(
            instance_new(&in, "auth_none", HTTPSRC_KIND_AUTH, "none", NULL), 0);
        assert_int_equal(in.c->ops.auth.apply(in.state, req), HTTPSRC_OK);
        assert_null(http_request_header(req, "Authorization"));
        assert_string_equal(http_request_url(req), API_URL);
        http_request_destroy(req);
        instance_free(&in, 1);
}

static void
check_basic(const char *user, const char *password, const char *header)
{
        const char *conf[]   = {"http.auth.user", user, "http.auth.password",
                                password, NULL};
        httpsrc_request *req = fake_req(API_URL);
        instance in;

        if (!password)
                conf[2] = NULL;
        logged.n = 0;
        assert_int_equal(
            instance_new(&in, "auth_basic", HTTPSRC_KIND_AUTH, "BASIC", conf),
            0);
        assert_int_equal(in.c->ops.auth.apply(in.state, req), HTTPSRC_OK);
        assert_string_equal(http_request_header(req, "Authorization"), header);
        assert_string_equal(http_request_url(req), API_URL);
        assert_int_equal(logged.n, 0); /* nothing that could leak it */
        http_request_destroy(req);
        instance_free(&in, 1);
}

static void test_auth_basic(void **state)
{
        /* RFC 7617 section 2's example, then every length mod 3 */
        check_basic("Aladdin", "open sesame",
                    "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        check_basic("a", "", "Basic YTo=");
        check_basic("ab", "c", "Basic YWI6Yw==");
        check_basic("ab", "cd", "Basic YWI6Y2Q=");
        check_basic("abc", "def", "Basic YWJjOmRlZg==");
        check_basic("user", NULL, "Basic dXNlcjo=");
        check_basic("t\xc3\xa9st", "p\xc3\xa4ss", "Basic dMOpc3Q6cMOkc3M=");
}

static void test_auth_basic_errors(void **state)
{
        instance in;
        const char *no_user[] = {"http.auth.password", "secret", NULL};
        const char *colon[]   = {"http.auth.user", "a:b", NULL};

        assert_int_equal(instance_new(&in, "auth_basic", HTTPSRC_KIND_AUTH,
                                      "BASIC", no_user),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "http.auth.user must be set for "
                                        "http.auth.type=BASIC");
        instance_free(&in, 0);
        assert_int_equal(
            instance_new(&in, "auth_basic", HTTPSRC_KIND_AUTH, "BASIC", colon),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err,
                            "http.auth.user must not contain ':' (RFC 7617)");
        instance_free(&in, 0);

        /* the declared keys */
        assert_int_equal(
            instance_new(&in, "auth_basic", HTTPSRC_KIND_AUTH, "BASIC", colon),
            HTTPSRC_ERR_INVAL);
        const httpsrc_param_desc *p = in.c->ops.auth.params;
        assert_string_equal(p[0].name, "http.auth.user");
        assert_int_equal(p[0].type, HTTPSRC_PARAM_STRING);
        assert_int_equal(p[0].flags, HTTPSRC_PARAM_F_REQUIRED);
        assert_string_equal(p[1].name, "http.auth.password");
        assert_int_equal(p[1].type, HTTPSRC_PARAM_PASSWORD);
        assert_null(p[2].name);
        instance_free(&in, 0);
}

static void test_paginator_none(void **state)
{
        instance in;
        httpsrc_request *req  = fake_req(API_URL);
        httpsrc_response resp = {0};
        char *next            = NULL;

        assert_int_equal(instance_new(&in, "paginator_none",
                                      HTTPSRC_KIND_PAGINATOR, "NONE", NULL),
                         0);
        assert_string_equal(in.c->ops.paginator.offset_field, "page");
        assert_int_equal(in.c->ops.paginator.start(in.state, NULL, req), 0);
        assert_int_equal(in.c->ops.paginator.start(in.state, "3", req), 0);
        assert_string_equal(http_request_url(req), API_URL);
        http_request_destroy(req);
        assert_int_equal(
            in.c->ops.paginator.next(in.state, NULL, &resp, 10, &next),
            HTTPSRC_DONE);
        assert_null(next);
        instance_free(&in, 1);
}

static httpsrc_json *parse(const char *s)
{
        httpsrc_json *v = json_parse(s, strlen(s), NULL, 0);
        assert_non_null(v);
        return v;
}

/* next() on a response with body @p body after page @p key. */
static int
cursor_next(instance *in, const char *key, const char *body, char **next)
{
        httpsrc_response resp = {.json = body ? parse(body) : NULL};
        *next                 = NULL;
        int rc = in->c->ops.paginator.next(in->state, key, &resp, 5, next);
        json_destroy(resp.json);
        return rc;
}

static void test_paginator_cursor(void **state)
{
        instance in;
        httpsrc_request *req = fake_req(API_URL);
        char *next;

        assert_int_equal(instance_new(&in, "paginator_cursor",
                                      HTTPSRC_KIND_PAGINATOR, "Cursor", NULL),
                         0);
        assert_string_equal(in.c->ops.paginator.offset_field, "cursor");
        assert_int_equal(in.c->ops.paginator.start(in.state, NULL, req), 0);
        assert_string_equal(http_request_url(req), API_URL);
        assert_int_equal(in.c->ops.paginator.start(in.state, "c 1&", req), 0);
        assert_string_equal(http_request_url(req), API_URL "?cursor=c+1%26");
        http_request_destroy(req);

        assert_int_equal(cursor_next(&in, NULL,
                                     "{\"data\":[],\"next_cursor\":\"c2\"}",
                                     &next),
                         HTTPSRC_OK);
        assert_string_equal(next, "c2");
        free(next);
        assert_int_equal(
            cursor_next(&in, "c2", "{\"next_cursor\":1234567890123}", &next),
            HTTPSRC_OK);
        assert_string_equal(next, "1234567890123");
        free(next);

        /* the end: null, absent, empty */
        assert_int_equal(
            cursor_next(&in, "c2", "{\"next_cursor\":null}", &next),
            HTTPSRC_DONE);
        assert_null(next);
        assert_int_equal(cursor_next(&in, "c2", "{\"other\":1}", &next),
                         HTTPSRC_DONE);
        assert_int_equal(
            cursor_next(&in, "c2", "{\"next_cursor\":\"\"}", &next),
            HTTPSRC_DONE);
        assert_int_equal(cursor_next(&in, "c2", "[1,2]", &next), HTTPSRC_DONE);
        assert_null(next);

        /* the server repeats the cursor: stop instead of looping */
        logged.n = 0;
        assert_int_equal(
            cursor_next(&in, "c2", "{\"next_cursor\":\"c2\"}", &next),
            HTTPSRC_DONE);
        assert_null(next);
        assert_int_equal(logged.n, 1);
        assert_int_equal(logged.level, HTTPSRC_LOG_WARN);
        assert_string_equal(
            logged.msg, "cursor did not change ('c2'); stopping pagination");

        assert_int_equal(cursor_next(&in, "c2", NULL, &next),
                         HTTPSRC_ERR_PARSE);
        assert_string_equal(in.ctx.err, "response is not JSON");
        assert_null(next);
        instance_free(&in, 1);
}

static void test_paginator_cursor_conf(void **state)
{
        const char *conf[] = {"http.pagination.cursor.param", "after",
                              "http.pagination.cursor.path", "$.meta['next']",
                              NULL};
        instance in;
        httpsrc_request *req = fake_req(API_URL);
        char *next;

        assert_int_equal(instance_new(&in, "paginator_cursor",
                                      HTTPSRC_KIND_PAGINATOR, "CURSOR", conf),
                         0);
        assert_int_equal(in.c->ops.paginator.start(in.state, "x", req), 0);
        assert_string_equal(http_request_url(req), API_URL "?after=x");
        http_request_destroy(req);
        assert_int_equal(
            cursor_next(&in, "x",
                        "{\"next_cursor\":\"no\",\"meta\":{\"next\":\"y\"}}",
                        &next),
            HTTPSRC_OK);
        assert_string_equal(next, "y");
        free(next);

        const httpsrc_param_desc *p = in.c->ops.paginator.params;
        assert_string_equal(p[0].name, "http.pagination.cursor.param");
        assert_string_equal(p[0].default_value, "cursor");
        assert_string_equal(p[1].name, "http.pagination.cursor.path");
        assert_int_equal(p[1].type, HTTPSRC_PARAM_JSONPATH);
        assert_string_equal(p[1].default_value, "$.next_cursor");
        assert_null(p[2].name);
        instance_free(&in, 1);
}

/* The key ValueToKey makes of @p value with fields @p fields. */
static void check_vtk(const char *fields, const char *value, const char *key)
{
        const char *conf[] = {"fields", fields, NULL};
        httpsrc_record rec = {.value = value};
        instance in;

        assert_int_equal(instance_new(&in, "transform_valuetokey",
                                      HTTPSRC_KIND_TRANSFORM, "ValueToKey",
                                      conf),
                         0);
        assert_int_equal(in.c->ops.transform.apply(in.state, &rec), HTTPSRC_OK);
        assert_string_equal(rec.key, key);
        fake_rec_free(&rec);
        instance_free(&in, 1);
}

/* Expected keys are what Kafka Connect writes: the member order of each
 * was confirmed with Java 17's java.util.HashMap, built as ValueToKey does
 * (new HashMap<>(fields.size()), put in field order). */
static void test_valuetokey_order(void **state)
{
        check_vtk("id,type", "{\"id\":1,\"type\":2}", "{\"type\":2,\"id\":1}");
        check_vtk("type,id", "{\"type\":1,\"id\":2}", "{\"type\":1,\"id\":2}");
        check_vtk("b,a,c", "{\"b\":1,\"a\":2,\"c\":3}",
                  "{\"a\":2,\"b\":1,\"c\":3}");
        check_vtk("order_id,customer_id", "{\"order_id\":1,\"customer_id\":2}",
                  "{\"customer_id\":2,\"order_id\":1}");
        check_vtk("name,id,email,ts",
                  "{\"name\":1,\"id\":2,\"email\":3,\"ts\":4}",
                  "{\"name\":1,\"id\":2,\"email\":3,\"ts\":4}");
        check_vtk("customer_id,order_id,region,created_at,status,amount,"
                  "currency,sku,quantity,warehouse,carrier,tracking,priority",
                  "{\"customer_id\":1,\"order_id\":2,\"region\":3,"
                  "\"created_at\":4,\"status\":5,\"amount\":6,\"currency\":7,"
                  "\"sku\":8,\"quantity\":9,\"warehouse\":10,\"carrier\":11,"
                  "\"tracking\":12,\"priority\":13}",
                  "{\"amount\":6,\"quantity\":9,\"created_at\":4,"
                  "\"warehouse\":10,\"priority\":13,\"tracking\":12,"
                  "\"carrier\":11,\"currency\":7,\"customer_id\":1,"
                  "\"region\":3,\"sku\":8,\"order_id\":2,\"status\":5}");
        /* UTF-16 hashing, a surrogate pair included */
        check_vtk("zeta,alpha,\xc3\xa9,\xe4\xb8\xad\xe6\x96\x87,"
                  "\xf0\x9f\x98\x80",
                  "{\"zeta\":1,\"alpha\":2,\"\xc3\xa9\":3,"
                  "\"\xe4\xb8\xad\xe6\x96\x87\":4,\"\xf0\x9f\x98\x80\":5}",
                  "{\"zeta\":1,\"\xf0\x9f\x98\x80\":5,\"\xc3\xa9\":3,"
                  "\"\xe4\xb8\xad\xe6\x96\x87\":4,\"alpha\":2}");
        /* ConfigDef LIST: blanks around commas go, empty entries stay */
        check_vtk(" id , type ,, x", "{\"id\":1,\"type\":2,\"x\":4}",
                  "{\"\":null,\"x\":4,\"id\":1,\"type\":2}");
        check_vtk("id,id,type", "{\"id\":1,\"type\":3}",
                  "{\"type\":3,\"id\":1}");
}

static void test_valuetokey_values(void **state)
{
        /* missing fields give null; values are deep copies */
        check_vtk("id,gone,obj",
                  "{\"obj\":{\"a\":[1,{\"b\":null}]},\"id\":\"x\",\"z\":0}",
                  "{\"obj\":{\"a\":[1,{\"b\":null}]},\"id\":\"x\","
                  "\"gone\":null}");
}

static void test_valuetokey_errors(void **state)
{
        const char *conf[]       = {"fields", "id", NULL};
        const char *blank[]      = {"fields", " \t", NULL};
        const char *bad_values[] = {"[1,2]", "\"s\"", "not json", "null"};
        instance in;

        assert_int_equal(instance_new(&in, "transform_valuetokey",
                                      HTTPSRC_KIND_TRANSFORM,
                                      "org.apache.kafka.connect.transforms."
                                      "ValueToKey",
                                      conf),
                         0);
        for (size_t i = 0; i < 4; i++) {
                httpsrc_record rec = {.value = bad_values[i]};
                in.ctx.err[0]      = '\0';
                assert_int_equal(in.c->ops.transform.apply(in.state, &rec),
                                 HTTPSRC_ERR_INVAL);
                assert_string_equal(in.ctx.err, "ValueToKey: record value is "
                                                "not a JSON object");
                assert_null(rec.key);
                fake_rec_free(&rec);
        }
        const httpsrc_param_desc *p = in.c->ops.transform.params;
        assert_string_equal(p[0].name, "fields");
        assert_int_equal(p[0].type, HTTPSRC_PARAM_LIST);
        assert_int_equal(p[0].flags, HTTPSRC_PARAM_F_REQUIRED);
        assert_null(p[1].name);
        instance_free(&in, 1);

        assert_int_equal(instance_new(&in, "transform_valuetokey",
                                      HTTPSRC_KIND_TRANSFORM, "ValueToKey",
                                      blank),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err,
                            "ValueToKey: fields must list at least one field");
        instance_free(&in, 0);
        assert_int_equal(instance_new(&in, "transform_valuetokey",
                                      HTTPSRC_KIND_TRANSFORM, "ValueToKey",
                                      NULL),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "ValueToKey: fields must be set");
        instance_free(&in, 0);
}

/* The SDK example, examples/custom_plugin/paginator_page.c. */
static void test_example_page(void **state)
{
        const char *conf[] = {"http.pagination.page.param", "p",
                              "http.pagination.page.start", "0", NULL};
        const char *bad[]  = {"http.pagination.page.start", "x", NULL};
        char path[PATH_MAX + 64];
        httpsrc_request *req  = fake_req(API_URL);
        httpsrc_response resp = {0};
        instance in;
        char *next = NULL;

        snprintf(path, sizeof(path), "%s", fake("paginator_page"));
        assert_int_equal(
            instance_new(&in, path, HTTPSRC_KIND_PAGINATOR, "page", NULL), 0);
        const httpsrc_paginator_ops *ops = &in.c->ops.paginator;
        assert_string_equal(ops->offset_field, "page");
        assert_int_equal(ops->start(in.state, NULL, req), 0);
        assert_string_equal(http_request_url(req), API_URL "?page=1");
        assert_int_equal(ops->start(in.state, "7", req), 0);
        assert_string_equal(http_request_url(req), API_URL "?page=7");
        http_request_destroy(req);
        assert_int_equal(ops->next(in.state, NULL, &resp, 10, &next), 0);
        assert_string_equal(next, "2");
        free(next);
        assert_int_equal(ops->next(in.state, "41", &resp, 3, &next), 0);
        assert_string_equal(next, "42");
        free(next);
        next = NULL;
        assert_int_equal(ops->next(in.state, "42", &resp, 0, &next),
                         HTTPSRC_DONE);
        assert_null(next);
        assert_int_equal(ops->next(in.state, "4x", &resp, 1, &next),
                         HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "page key '4x' is not a page number");
        instance_free(&in, 1);

        assert_int_equal(
            instance_new(&in, path, HTTPSRC_KIND_PAGINATOR, "PAGE", conf), 0);
        req = fake_req(API_URL);
        assert_int_equal(in.c->ops.paginator.start(in.state, NULL, req), 0);
        assert_string_equal(http_request_url(req), API_URL "?p=0");
        http_request_destroy(req);
        instance_free(&in, 1);

        assert_int_equal(
            instance_new(&in, path, HTTPSRC_KIND_PAGINATOR, "PAGE", bad),
            HTTPSRC_ERR_INVAL);
        assert_string_equal(in.ctx.err, "http.pagination.page.start: 'x' is "
                                        "not a page number");
        instance_free(&in, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_good_plugin),
            cmocka_unit_test(test_find_names),
            cmocka_unit_test(test_abi_rejections),
            cmocka_unit_test(test_init_rejections),
            cmocka_unit_test(test_bad_ops),
            cmocka_unit_test(test_duplicate_across_plugins),
            cmocka_unit_test(test_cannot_open),
            cmocka_unit_test(test_dedupe),
            cmocka_unit_test(test_load_path_fakes),
            cmocka_unit_test(test_load_path_list),
            cmocka_unit_test(test_ops_copy),
            cmocka_unit_test(test_auth_none),
            cmocka_unit_test(test_auth_basic),
            cmocka_unit_test(test_auth_basic_errors),
            cmocka_unit_test(test_paginator_none),
            cmocka_unit_test(test_paginator_cursor),
            cmocka_unit_test(test_paginator_cursor_conf),
            cmocka_unit_test(test_valuetokey_order),
            cmocka_unit_test(test_valuetokey_values),
            cmocka_unit_test(test_valuetokey_errors),
            cmocka_unit_test(test_example_page),
        };
        return cmocka_run_group_tests(tests, setup_paths, NULL);
}
