/* Plugin loader: dlopen plugins, check their ABI, keep host-owned copies of
 * the component vtables they register (style-anchors §9.1). A registry is
 * not thread-safe: load everything before the pipeline starts. */
#include "plugin_int.h"
#include "util_int.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KIND_MAX HTTPSRC_KIND_PREDICATE

/* Size of a vtable up to and including its last ABI 1.0 member. */
#define V10_SIZE(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))

struct loaded_plugin {
        char *path;     /* as given; used in messages */
        char *realpath; /* dedupe key */
        char *name;
        char *version;
        char *description;
        void *dl;
        httpsrc_plugin_fini_fn fini;
        void *plugin_ctx;
};

struct httpsrc_registrar {
        plugin_registry *r;
        loaded_plugin *plugin; /* non-NULL only while that plugin's init runs */
        char err[512];         /* first registration error, "" if none */
};

typedef struct comp_list {
        plugin_component **v;
        size_t n;
        size_t cap;
} comp_list;

struct plugin_registry {
        /* Plugins keep a pointer to this table, so the registry never
         * moves and outlives every plugin. */
        struct httpsrc_host_api host;
        httpsrc_registrar reg;
        loaded_plugin **plugins;
        size_t n_plugins;
        size_t cap_plugins;
        comp_list kinds[KIND_MAX + 1]; /* indexed by kind */
};

/* The common head of every vtable, to read name and size generically. */
struct ops_head {
        HTTPSRC_OPS_HEAD;
};

static const char *kind_name(int kind)
{
        switch (kind) {
        case HTTPSRC_KIND_SOURCE:
                return "source";
        case HTTPSRC_KIND_AUTH:
                return "auth";
        case HTTPSRC_KIND_PAGINATOR:
                return "paginator";
        case HTTPSRC_KIND_TRANSFORM:
                return "transform";
        case HTTPSRC_KIND_PREDICATE:
                return "predicate";
        default:
                return NULL;
        }
}

size_t plugin_ops_min_size(int kind)
{
        switch (kind) {
        case HTTPSRC_KIND_SOURCE:
                return V10_SIZE(httpsrc_source_ops, destroy);
        case HTTPSRC_KIND_AUTH:
                return V10_SIZE(httpsrc_auth_ops, destroy);
        case HTTPSRC_KIND_PAGINATOR:
                return V10_SIZE(httpsrc_paginator_ops, destroy);
        case HTTPSRC_KIND_TRANSFORM:
                return V10_SIZE(httpsrc_transform_ops, destroy);
        case HTTPSRC_KIND_PREDICATE:
                return V10_SIZE(httpsrc_predicate_ops, destroy);
        default:
                return 0;
        }
}

static size_t host_ops_size(int kind)
{
        switch (kind) {
        case HTTPSRC_KIND_SOURCE:
                return sizeof(httpsrc_source_ops);
        case HTTPSRC_KIND_AUTH:
                return sizeof(httpsrc_auth_ops);
        case HTTPSRC_KIND_PAGINATOR:
                return sizeof(httpsrc_paginator_ops);
        case HTTPSRC_KIND_TRANSFORM:
                return sizeof(httpsrc_transform_ops);
        case HTTPSRC_KIND_PREDICATE:
                return sizeof(httpsrc_predicate_ops);
        default:
                return 0;
        }
}

size_t plugin_ops_copy(void *dst, size_t dst_size, const void *ops)
{
        uint32_t size;

        /* Never read the host's sizeof from plugin memory: the plugin may
         * have been built against an older, shorter vtable. */
        memcpy(&size, ops, sizeof(size));
        size_t n = size < dst_size ? size : dst_size;
        memset(dst, 0, dst_size);
        memcpy(dst, ops, n);
        uint32_t clamped = (uint32_t)n;
        memcpy(dst, &clamped, sizeof(clamped));
        return n;
}

/* The first required method that is NULL in host copy @p c, or NULL. */
static const char *missing_method(const plugin_component *c)
{
        switch (c->kind) {
        case HTTPSRC_KIND_SOURCE:
                if (!c->ops.source.create)
                        return "create";
                if (!c->ops.source.destroy)
                        return "destroy";
                return NULL;
        case HTTPSRC_KIND_AUTH:
                if (!c->ops.auth.create)
                        return "create";
                if (!c->ops.auth.apply)
                        return "apply";
                if (!c->ops.auth.destroy)
                        return "destroy";
                return NULL;
        case HTTPSRC_KIND_PAGINATOR:
                if (!c->ops.paginator.create)
                        return "create";
                if (!c->ops.paginator.start)
                        return "start";
                if (!c->ops.paginator.next)
                        return "next";
                if (!c->ops.paginator.destroy)
                        return "destroy";
                return NULL;
        case HTTPSRC_KIND_PREDICATE:
                if (!c->ops.predicate.create)
                        return "create";
                if (!c->ops.predicate.test)
                        return "test";
                if (!c->ops.predicate.destroy)
                        return "destroy";
                return NULL;
        default:
                if (!c->ops.transform.create)
                        return "create";
                if (!c->ops.transform.apply)
                        return "apply";
                if (!c->ops.transform.destroy)
                        return "destroy";
                return NULL;
        }
}

static int reg_fail(httpsrc_registrar *reg, int code, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);

/* Keeps only the first error: later ones are usually its consequences. */
static int reg_fail(httpsrc_registrar *reg, int code, const char *fmt, ...)
{
        if (reg->err[0])
                return code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reg->err, sizeof(reg->err), fmt, ap);
        va_end(ap);
        return code;
}

static const plugin_component *find_exact(const comp_list *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcaseeq(l->v[i]->name, name))
                        return l->v[i];
        return NULL;
}

static int comp_list_push(comp_list *l, plugin_component *c)
{
        if (l->n == l->cap) {
                size_t cap           = l->cap ? l->cap * 2 : 8;
                plugin_component **v = realloc(l->v, cap * sizeof(*v));
                if (!v)
                        return -1;
                l->v   = v;
                l->cap = cap;
        }
        l->v[l->n++] = c;
        return 0;
}

static int check_ops(httpsrc_registrar *reg, int kind, const void *ops)
{
        const char *kn = kind_name(kind);
        if (!kn)
                return reg_fail(reg, HTTPSRC_ERR_INVAL,
                                "unknown component kind %d", kind);
        if (!ops)
                return reg_fail(reg, HTTPSRC_ERR_INVAL, "%s: NULL ops", kn);

        struct ops_head head = {0};
        memcpy(&head.struct_size, ops, sizeof(head.struct_size));
        size_t min = plugin_ops_min_size(kind);
        if (head.struct_size < min) {
                const char *name = NULL;
                if (head.struct_size >= V10_SIZE(struct ops_head, name))
                        name = ((const struct ops_head *)ops)->name;
                return reg_fail(reg, HTTPSRC_ERR_PLUGIN_ABI,
                                "%s '%s': ops struct too small (%u bytes, "
                                "need at least %zu)",
                                kn, name ? name : "?",
                                (unsigned)head.struct_size, min);
        }
        const char *name = ((const struct ops_head *)ops)->name;
        if (!name || !*name)
                return reg_fail(reg, HTTPSRC_ERR_INVAL,
                                "%s component without a name", kn);
        return HTTPSRC_OK;
}

static int register_component(httpsrc_registrar *reg, int kind, const void *ops)
{
        if (!reg || !reg->plugin)
                return HTTPSRC_ERR_STATE; /* called outside init */
        int rc = check_ops(reg, kind, ops);
        if (rc < 0)
                return rc;

        plugin_component *c = calloc(1, sizeof(*c));
        if (!c)
                return reg_fail(reg, HTTPSRC_ERR_NOMEM, "out of memory");
        c->kind = kind;
        plugin_ops_copy(&c->ops, host_ops_size(kind), ops);
        c->name   = c->ops.auth.name; /* the head is shared by all kinds */
        c->plugin = reg->plugin;

        const char *kn      = kind_name(kind);
        const char *missing = missing_method(c);
        if (missing) {
                rc = reg_fail(reg, HTTPSRC_ERR_INVAL,
                              "%s '%s': missing required method %s", kn,
                              c->name, missing);
                free(c);
                return rc;
        }
        comp_list *l                = &reg->r->kinds[kind];
        const plugin_component *dup = find_exact(l, c->name);
        if (dup) {
                rc = reg_fail(reg, HTTPSRC_ERR_INVAL,
                              "%s '%s' already registered by %s", kn, c->name,
                              dup->plugin->path);
                free(c);
                return rc;
        }
        if (comp_list_push(l, c)) {
                free(c);
                return reg_fail(reg, HTTPSRC_ERR_NOMEM, "out of memory");
        }
        return HTTPSRC_OK;
}

plugin_registry *plugin_registry_new(const struct httpsrc_host_api *host)
{
        plugin_registry *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        if (host)
                plugin_ops_copy(&r->host, sizeof(r->host), host);
        /* Members the caller's table lacks stay NULL, which
         * HTTPSRC_HOST_HAS() reports as absent. */
        r->host.struct_size        = sizeof(r->host);
        r->host.abi_major          = HTTPSRC_PLUGIN_ABI_MAJOR;
        r->host.abi_minor          = HTTPSRC_PLUGIN_ABI_MINOR;
        r->host.register_component = register_component;
        r->reg.r                   = r;
        return r;
}

static void plugin_free(loaded_plugin *p)
{
        if (!p)
                return;
        free(p->path);
        free(p->realpath);
        free(p->name);
        free(p->version);
        free(p->description);
        free(p);
}

/* Drop the components @p p registered; they are the tail of each list. */
static void drop_components_of(plugin_registry *r, const loaded_plugin *p)
{
        for (int k = 1; k <= KIND_MAX; k++) {
                comp_list *l = &r->kinds[k];
                while (l->n && l->v[l->n - 1]->plugin == p)
                        free(l->v[--l->n]);
        }
}

void plugin_registry_destroy(plugin_registry *r)
{
        if (!r)
                return;
        /* Every fini first, newest plugin first, while all code is still
         * mapped: a fini may call into the host or another plugin's data. */
        for (size_t i = r->n_plugins; i-- > 0;)
                if (r->plugins[i]->fini)
                        r->plugins[i]->fini(r->plugins[i]->plugin_ctx);
        for (int k = 1; k <= KIND_MAX; k++) {
                for (size_t i = 0; i < r->kinds[k].n; i++)
                        free(r->kinds[k].v[i]);
                free(r->kinds[k].v);
        }
        for (size_t i = r->n_plugins; i-- > 0;) {
                dlclose(r->plugins[i]->dl);
                plugin_free(r->plugins[i]);
        }
        free(r->plugins);
        free(r);
}

static const loaded_plugin *find_loaded(const plugin_registry *r,
                                        const char *real)
{
        for (size_t i = 0; i < r->n_plugins; i++)
                if (!strcmp(r->plugins[i]->realpath, real))
                        return r->plugins[i];
        return NULL;
}

#define INFO_HAS(info, m)                                                      \
        (offsetof(httpsrc_plugin_info, m) + sizeof((info)->m) <=               \
         (info)->struct_size)

/* Field by field, so that a plugin built against an older (shorter) info
 * struct is never read past its end. */
static void copy_info(httpsrc_plugin_info *dst, const httpsrc_plugin_info *src)
{
        memset(dst, 0, sizeof(*dst));
        dst->struct_size = src->struct_size;
        dst->abi_major   = src->abi_major;
        dst->abi_minor   = src->abi_minor;
        if (INFO_HAS(src, name))
                dst->name = src->name;
        if (INFO_HAS(src, version))
                dst->version = src->version;
        if (INFO_HAS(src, description))
                dst->description = src->description;
        if (INFO_HAS(src, init))
                dst->init = src->init;
        if (INFO_HAS(src, fini))
                dst->fini = src->fini;
}

static const char *base_name(const char *path)
{
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

/* The file must be httpsrc-<name>.so. */
static int name_matches_file(const char *name, const char *path)
{
        static const char prefix[] = "httpsrc-", suffix[] = ".so";
        const char *b = base_name(path);
        size_t nlen   = strlen(name);

        return strlen(b) == sizeof(prefix) - 1 + nlen + sizeof(suffix) - 1 &&
               !strncmp(b, prefix, sizeof(prefix) - 1) &&
               !strncmp(b + sizeof(prefix) - 1, name, nlen) &&
               !strcmp(b + sizeof(prefix) - 1 + nlen, suffix);
}

static int check_info(const httpsrc_plugin_info *info,
                      const char *path,
                      char *errstr,
                      size_t errstr_size)
{
        if (info->struct_size < HTTPSRC_PLUGIN_INFO_MIN_SIZE) {
                errstr_set(errstr, errstr_size,
                           "%s: struct httpsrc_plugin_info too small "
                           "(%u bytes, need at least %zu)",
                           path, (unsigned)info->struct_size,
                           (size_t)HTTPSRC_PLUGIN_INFO_MIN_SIZE);
                return HTTPSRC_ERR_PLUGIN_ABI;
        }
        if (info->abi_major != HTTPSRC_PLUGIN_ABI_MAJOR) {
                errstr_set(errstr, errstr_size,
                           "%s: plugin ABI %u.x, host ABI %d.x", path,
                           (unsigned)info->abi_major, HTTPSRC_PLUGIN_ABI_MAJOR);
                return HTTPSRC_ERR_PLUGIN_ABI;
        }
        if (info->abi_minor > HTTPSRC_PLUGIN_ABI_MINOR) {
                errstr_set(errstr, errstr_size,
                           "%s: plugin ABI %d.%u is newer than host ABI %d.%d",
                           path, HTTPSRC_PLUGIN_ABI_MAJOR,
                           (unsigned)info->abi_minor, HTTPSRC_PLUGIN_ABI_MAJOR,
                           HTTPSRC_PLUGIN_ABI_MINOR);
                return HTTPSRC_ERR_PLUGIN_ABI;
        }
        if (!info->name || !name_matches_file(info->name, path)) {
                const char *n = info->name ? info->name : "";
                errstr_set(errstr, errstr_size,
                           "%s: plugin name '%s' does not match file name "
                           "(expected httpsrc-%s.so)",
                           path, n, n);
                return HTTPSRC_ERR_PLUGIN_ABI;
        }
        if (!info->init) {
                errstr_set(errstr, errstr_size, "%s: plugin has no init", path);
                return HTTPSRC_ERR_PLUGIN_ABI;
        }
        return HTTPSRC_OK;
}

/* dlsym returns an object pointer; ISO C has no cast to a function
 * pointer, POSIX guarantees the representation is the same. */
static httpsrc_plugin_info const *(*entry_of(void *dl))(void)
{
        void *sym = dlsym(dl, HTTPSRC_PLUGIN_ENTRY_NAME);
        const httpsrc_plugin_info *(*fn)(void) = NULL;
        if (sym)
                memcpy(&fn, &sym, sizeof(fn));
        return fn;
}

/* Run init with registration open; on failure undo what it registered. */
static int run_init(plugin_registry *r,
                    loaded_plugin *p,
                    httpsrc_plugin_init_fn init,
                    char *errstr,
                    size_t errstr_size)
{
        char perr[512] = "";
        void *ctx      = NULL;

        r->reg.plugin = p;
        r->reg.err[0] = '\0';
        int rc        = init(&r->host, &r->reg, &ctx, perr, sizeof(perr));
        r->reg.plugin = NULL;

        if (rc >= 0 && !r->reg.err[0]) {
                p->plugin_ctx = ctx;
                for (int k = 1; k <= KIND_MAX; k++)
                        for (size_t i = 0; i < r->kinds[k].n; i++)
                                if (r->kinds[k].v[i]->plugin == p)
                                        r->kinds[k].v[i]->plugin_ctx = ctx;
                return HTTPSRC_OK;
        }
        drop_components_of(r, p);
        if (r->reg.err[0]) {
                /* init succeeded but ignored a failed registration: it
                 * still owns ctx. */
                if (rc >= 0 && p->fini)
                        p->fini(ctx);
                errstr_set(errstr, errstr_size, "%s: registration failed: %s",
                           p->path, r->reg.err);
                return HTTPSRC_ERR_PLUGIN_INIT;
        }
        if (perr[0])
                errstr_set(errstr, errstr_size, "%s: init failed: %s", p->path,
                           perr);
        else
                errstr_set(errstr, errstr_size,
                           "%s: init failed: error %d without a message",
                           p->path, rc);
        return HTTPSRC_ERR_PLUGIN_INIT;
}

static loaded_plugin *
plugin_new(const char *path, const char *real, const httpsrc_plugin_info *info)
{
        loaded_plugin *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->path        = xstrdup(path);
        p->realpath    = xstrdup(real);
        p->name        = xstrdup(info->name);
        p->version     = xstrdup(info->version ? info->version : "");
        p->description = xstrdup(info->description ? info->description : "");
        p->fini        = info->fini;
        if (!p->path || !p->realpath || !p->name || !p->version ||
            !p->description) {
                plugin_free(p);
                return NULL;
        }
        return p;
}

static int reserve_plugin_slot(plugin_registry *r)
{
        if (r->n_plugins < r->cap_plugins)
                return 0;
        size_t cap          = r->cap_plugins ? r->cap_plugins * 2 : 8;
        loaded_plugin **arr = realloc(r->plugins, cap * sizeof(*arr));
        if (!arr)
                return -1;
        r->plugins     = arr;
        r->cap_plugins = cap;
        return 0;
}

/* Everything after dlopen; closes @p dl on failure. */
static int load_opened(plugin_registry *r,
                       void *dl,
                       const char *path,
                       const char *real,
                       char *errstr,
                       size_t errstr_size)
{
        const httpsrc_plugin_info *(*entry)(void) = entry_of(dl);
        httpsrc_plugin_info info;
        loaded_plugin *p = NULL;
        int rc;

        if (!entry) {
                errstr_set(errstr, errstr_size,
                           "%s: no entry point " HTTPSRC_PLUGIN_ENTRY_NAME
                           "; plugin built for another ABI major?",
                           path);
                rc = HTTPSRC_ERR_PLUGIN_ABI;
                goto fail;
        }
        const httpsrc_plugin_info *pinfo = entry();
        if (!pinfo) {
                errstr_set(errstr, errstr_size,
                           "%s: " HTTPSRC_PLUGIN_ENTRY_NAME " returned NULL",
                           path);
                rc = HTTPSRC_ERR_PLUGIN_ABI;
                goto fail;
        }
        copy_info(&info, pinfo);
        rc = check_info(&info, path, errstr, errstr_size);
        if (rc < 0)
                goto fail;
        p = plugin_new(path, real, &info);
        if (!p || reserve_plugin_slot(r)) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                rc = HTTPSRC_ERR_NOMEM;
                goto fail;
        }
        p->dl = dl;
        rc    = run_init(r, p, info.init, errstr, errstr_size);
        if (rc < 0)
                goto fail;
        r->plugins[r->n_plugins++] = p;
        return HTTPSRC_OK;
fail:
        plugin_free(p);
        dlclose(dl);
        return rc;
}

int plugin_registry_load(plugin_registry *r,
                         const char *path,
                         char *errstr,
                         size_t errstr_size)
{
        char real[PATH_MAX];

        if (!path || !*path) {
                errstr_set(errstr, errstr_size, "plugin path is empty");
                return HTTPSRC_ERR_INVAL;
        }
        if (strlen(path) >= PATH_MAX) {
                errstr_set(errstr, errstr_size, "%.64s...: path too long",
                           path);
                return HTTPSRC_ERR_INVAL;
        }
        /* Opening the resolved path also keeps dlopen from searching the
         * system library path for a bare file name. */
        if (!realpath(path, real)) {
                errstr_set(errstr, errstr_size, "%s: cannot open: %s", path,
                           strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        if (find_loaded(r, real))
                return HTTPSRC_OK;

        dlerror();
        void *dl = dlopen(real, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                const char *e = dlerror();
                errstr_set(errstr, errstr_size, "%s: cannot open: %s", path,
                           e ? e : "unknown error");
                return HTTPSRC_ERR_IO;
        }
        return load_opened(r, dl, path, real, errstr, errstr_size);
}

static int has_plugin_name(const char *f)
{
        size_t n = strlen(f);
        return n > strlen("httpsrc-.so") && !strncmp(f, "httpsrc-", 8) &&
               !strcmp(f + n - 3, ".so");
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

/* The plugin file names in @p dir, sorted; -1 with errno on failure. */
static int list_plugins(const char *dir, char ***out, size_t *out_n)
{
        DIR *d = opendir(dir);
        if (!d)
                return -1;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int err = 0;
        while ((de = readdir(d))) {
                if (!has_plugin_name(de->d_name))
                        continue;
                if (n == cap) {
                        cap        = cap ? cap * 2 : 16;
                        char **arr = realloc(names, cap * sizeof(*arr));
                        if (!arr) {
                                err = ENOMEM;
                                break;
                        }
                        names = arr;
                }
                if (!(names[n] = xstrdup(de->d_name))) {
                        err = ENOMEM;
                        break;
                }
                n++;
        }
        closedir(d);
        if (err) {
                free_names(names, n);
                errno = err;
                return -1;
        }
        if (n)
                qsort(names, n, sizeof(*names), cmp_str);
        *out   = names;
        *out_n = n;
        return 0;
}

static int load_dir(plugin_registry *r,
                    const char *dir,
                    plugin_error_fn on_error,
                    void *opaque,
                    char *errstr,
                    size_t errstr_size)
{
        char **names = NULL;
        size_t n     = 0;

        if (list_plugins(dir, &names, &n)) {
                errstr_set(errstr, errstr_size, "%s: %s", dir, strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        strbuf path = {0};
        for (size_t i = 0; i < n; i++) {
                char msg[1024];
                sb_reset(&path);
                if (sb_printf(&path, "%s/%s", dir, names[i])) {
                        snprintf(msg, sizeof(msg), "%s/%s: out of memory", dir,
                                 names[i]);
                        if (on_error)
                                on_error(opaque, msg);
                        continue;
                }
                if (plugin_registry_load(r, path.buf, msg, sizeof(msg)) < 0 &&
                    on_error)
                        on_error(opaque, msg);
        }
        sb_free(&path);
        free_names(names, n);
        return HTTPSRC_OK;
}

int plugin_registry_load_path(plugin_registry *r,
                              const char *path_list,
                              plugin_error_fn on_error,
                              void *opaque,
                              char *errstr,
                              size_t errstr_size)
{
        size_t before = r->n_plugins;
        const char *s = path_list ? path_list : "";

        while (*s) {
                size_t len = strcspn(s, ",:");
                char *dir  = xstrndup(s, len);
                if (!dir) {
                        errstr_set(errstr, errstr_size, "out of memory");
                        return HTTPSRC_ERR_NOMEM;
                }
                strtrim(dir);
                int rc = HTTPSRC_OK;
                if (*dir)
                        rc = load_dir(r, dir, on_error, opaque, errstr,
                                      errstr_size);
                free(dir);
                if (rc < 0)
                        return rc;
                s += len;
                if (*s)
                        s++;
        }
        return (int)(r->n_plugins - before);
}

static const char *last_segment(const char *s)
{
        const char *dot = strrchr(s, '.');
        return dot ? dot + 1 : s;
}

/* "ValueToKey" matches "org.apache.kafka.connect.transforms.ValueToKey"
 * and the other way round; two different packages never match. */
static int segment_matches(const char *registered, const char *query)
{
        if (!strchr(query, '.'))
                return strcaseeq(last_segment(registered), query);
        if (!strchr(registered, '.'))
                return strcaseeq(registered, last_segment(query));
        return 0;
}

const char *const plugin_builtin_sources[] = {
    "HttpSource", "io.confluent.connect.http.HttpSourceConnector",
    "com.github.castorm.kafka.connect.http.HttpSourceConnector", NULL};

const httpsrc_param_desc *plugin_component_params(const plugin_component *pc)
{
        switch (pc ? pc->kind : -1) {
        case HTTPSRC_KIND_SOURCE:
                return pc->ops.source.params;
        case HTTPSRC_KIND_AUTH:
                return pc->ops.auth.params;
        case HTTPSRC_KIND_PAGINATOR:
                return pc->ops.paginator.params;
        case HTTPSRC_KIND_TRANSFORM:
                return pc->ops.transform.params;
        case HTTPSRC_KIND_PREDICATE:
                return pc->ops.predicate.params;
        default:
                return NULL;
        }
}

const plugin_component *
plugin_registry_find(const plugin_registry *r, int kind, const char *name)
{
        if (!r || !name || !kind_name(kind))
                return NULL;
        const comp_list *l        = &r->kinds[kind];
        const plugin_component *c = find_exact(l, name);
        if (c)
                return c;
        for (size_t i = 0; i < l->n; i++)
                if (segment_matches(l->v[i]->name, name))
                        return l->v[i];
        return NULL;
}

size_t plugin_registry_count(const plugin_registry *r, int kind)
{
        if (!r || !kind_name(kind))
                return 0;
        return r->kinds[kind].n;
}

const plugin_component *
plugin_registry_at(const plugin_registry *r, int kind, size_t i)
{
        if (i >= plugin_registry_count(r, kind))
                return NULL;
        return r->kinds[kind].v[i];
}

const struct httpsrc_host_api *plugin_registry_host(const plugin_registry *r)
{
        return &r->host;
}

const char *loaded_plugin_name(const loaded_plugin *p)
{
        return p->name;
}

const char *loaded_plugin_version(const loaded_plugin *p)
{
        return p->version;
}

const char *loaded_plugin_path(const loaded_plugin *p)
{
        return p->path;
}

static int is_dir(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The README's "Running connectors" works from a build tree as written:
 * there the plugins are built next to the library, not in plugindir. */
const char *plugin_default_dir(const char *installed, char *buf, size_t size)
{
        Dl_info info;
        if (is_dir(installed) ||
            !dladdr((void *)(uintptr_t)plugin_default_dir, &info) ||
            !info.dli_fname)
                return installed;
        const char *slash = strrchr(info.dli_fname, '/');
        int n             = slash ? (int)(slash - info.dli_fname) : 1;
        const char *dir   = slash ? info.dli_fname : ".";
        if (snprintf(buf, size, "%.*s/../plugins", n, dir) >= (int)size ||
            !is_dir(buf))
                return installed;
        return buf;
}
