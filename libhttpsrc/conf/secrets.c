/* Kafka Connect config providers: ${provider:path:key} placeholders
 * resolved from the environment, .properties files and secret directories
 * (Kubernetes / Docker secrets). The semantics are documented in
 * secrets_int.h; errors name the placeholder, never the value. */
#include "secrets_int.h"
#include "props_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util_int.h"

#define PROVIDERS_KEY    "config.providers"
#define PROVIDERS_PREFIX "config.providers."
#define KAFKA_PROVIDER   "org.apache.kafka.common.config.provider."
/* Secrets are small; anything bigger is a mistake (a log, a device). */
#define SECRET_MAX_SIZE (1024 * 1024)

typedef enum prov_kind { PROV_ENV, PROV_FILE, PROV_DIR } prov_kind;

typedef struct provider {
        char *name;
        prov_kind kind;
        char **allowed; /* normalized absolute paths; NULL = anywhere */
        size_t n_allowed;
        char *base; /* normalized absolute base.path, or NULL */
} provider;

struct secrets {
        provider *v; /* named providers first: they shadow the built-ins */
        size_t n;
        size_t n_named;
};

/* The placeholder being resolved, for error messages. */
typedef struct ref {
        const char *text; /* "${...}" as written */
        int len;
        char *errstr;
        size_t errstr_size;
} ref;

/* ---- paths ---- */

static int is_dotdot(const char *p, size_t n)
{
        return n == 2 && p[0] == '.' && p[1] == '.';
}

/* Lexical normalization, as Java's Path.normalize(): drops "." and empty
 * components, ".." removes the previous component (stays at "/" for an
 * absolute path, is kept at the start of a relative one). Symlinks are
 * not resolved, as in Connect. */
static char *path_normalize(const char *path)
{
        strbuf out  = {0};
        int abs     = path[0] == '/';
        size_t root = abs ? 1 : 0;
        if (sb_puts(&out, abs ? "/" : ""))
                return NULL;
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                size_t n = strcspn(p, "/");
                if (!n)
                        break;
                const char *c = p;
                p += n;
                if (n == 1 && c[0] == '.')
                        continue;
                if (is_dotdot(c, n)) {
                        char *slash       = strrchr(out.buf + root, '/');
                        const char *lastc = slash ? slash + 1 : out.buf + root;
                        if (out.len > root && strcmp(lastc, "..")) {
                                out.len =
                                    slash ? (size_t)(slash - out.buf) : root;
                                out.buf[out.len] = '\0';
                                continue;
                        }
                        if (abs)
                                continue; /* "/.." is "/" */
                }
                if ((out.len > root && sb_putc(&out, '/')) ||
                    sb_append(&out, c, n)) {
                        sb_free(&out);
                        return NULL;
                }
        }
        return sb_steal(&out);
}

/* 1 if normalized @p path is @p dir or below it (component-wise). */
static int path_is_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        if (!strcmp(dir, "/"))
                return path[0] == '/';
        return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* ---- provider configuration ---- */

static void provider_clear(provider *p)
{
        free(p->name);
        for (size_t i = 0; i < p->n_allowed; i++)
                free(p->allowed[i]);
        free(p->allowed);
        free(p->base);
}

void secrets_destroy(secrets *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++)
                provider_clear(&s->v[i]);
        free(s->v);
        free(s);
}

static int class_kind(const char *cls, prov_kind *kind)
{
        static const struct {
                const char *short_name, *java_name;
                prov_kind kind;
        } classes[] = {
            {"env", KAFKA_PROVIDER "EnvVarConfigProvider", PROV_ENV},
            {"file", KAFKA_PROVIDER "FileConfigProvider", PROV_FILE},
            {"directory", KAFKA_PROVIDER "DirectoryConfigProvider", PROV_DIR},
        };
        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
                if (!strcmp(cls, classes[i].short_name) ||
                    !strcmp(cls, classes[i].java_name)) {
                        *kind = classes[i].kind;
                        return 0;
                }
        }
        return -1;
}

static provider *find_provider(const secrets *s, const char *name, size_t len)
{
        for (size_t i = 0; i < s->n; i++)
                if (strlen(s->v[i].name) == len &&
                    !memcmp(s->v[i].name, name, len))
                        return &s->v[i];
        return NULL;
}

static int add_provider(secrets *s, const char *name, size_t len)
{
        provider *v = realloc(s->v, (s->n + 1) * sizeof(*v));
        if (!v)
                return -1;
        s->v = v;
        memset(&v[s->n], 0, sizeof(v[s->n]));
        v[s->n].name = xstrndup(name, len);
        v[s->n].kind = (prov_kind)-1; /* no class yet */
        if (!v[s->n].name)
                return -1;
        s->n++;
        return 0;
}

static int check_provider_name(const secrets *s,
                               const char *name,
                               const char *list,
                               char *errstr,
                               size_t size)
{
        if (!*name)
                errstr_set(errstr, size, "%s: empty provider name in '%s'",
                           PROVIDERS_KEY, list);
        else if (strpbrk(name, ":}"))
                errstr_set(errstr, size,
                           "%s: invalid provider name '%s' (':' and '}' are "
                           "not allowed)",
                           PROVIDERS_KEY, name);
        else if (find_provider(s, name, strlen(name)))
                errstr_set(errstr, size, "%s: provider '%s' is listed twice",
                           PROVIDERS_KEY, name);
        else
                return HTTPSRC_OK;
        return HTTPSRC_ERR_INVAL;
}

/* config.providers=a,b: one provider (class not yet known) per name. */
static int
parse_provider_list(secrets *s, const char *list, char *errstr, size_t size)
{
        for (const char *p = list;;) {
                size_t n   = strcspn(p, ",");
                char *name = xstrndup(p, n);
                int rc     = name ? check_provider_name(s, strtrim(name), list,
                                                        errstr, size)
                                  : HTTPSRC_ERR_NOMEM;
                if (!rc && add_provider(s, name, strlen(name)))
                        rc = HTTPSRC_ERR_NOMEM;
                free(name);
                if (rc == HTTPSRC_ERR_NOMEM)
                        errstr_set(errstr, size, "%s: out of memory",
                                   PROVIDERS_KEY);
                if (rc)
                        return rc;
                if (!p[n])
                        return HTTPSRC_OK;
                p += n + 1;
        }
}

static int set_allowed_paths(
    provider *p, const char *key, const char *value, char *errstr, size_t size)
{
        char *copy = xstrdup(value);
        if (!copy)
                goto nomem;
        int rc = HTTPSRC_OK;
        /* Empty: no restriction, as Connect's AllowedPaths. */
        for (char *tok = *strtrim(copy) ? copy : NULL; tok && !rc;) {
                char *comma = strchr(tok, ',');
                if (comma)
                        *comma = '\0';
                strtrim(tok);
                struct stat st;
                char *norm = NULL;
                if (tok[0] != '/') {
                        errstr_set(errstr, size,
                                   "%s: path '%s' is not absolute", key, tok);
                        rc = HTTPSRC_ERR_INVAL;
                } else if (!(norm = path_normalize(tok))) {
                        rc = HTTPSRC_ERR_NOMEM;
                } else if (stat(norm, &st)) {
                        errstr_set(errstr, size, "%s: %s: %s", key, norm,
                                   strerror(errno));
                        rc = HTTPSRC_ERR_INVAL;
                } else {
                        char **v = realloc(p->allowed,
                                           (p->n_allowed + 1) * sizeof(*v));
                        if (!v) {
                                rc = HTTPSRC_ERR_NOMEM;
                        } else {
                                p->allowed                 = v;
                                p->allowed[p->n_allowed++] = norm;
                                norm                       = NULL;
                        }
                }
                free(norm);
                tok = comma ? comma + 1 : NULL;
        }
        free(copy);
        if (rc != HTTPSRC_ERR_NOMEM)
                return rc;
nomem:
        errstr_set(errstr, size, "%s: out of memory", key);
        return HTTPSRC_ERR_NOMEM;
}

static int set_base_path(
    provider *p, const char *key, const char *value, char *errstr, size_t size)
{
        if (value[0] != '/') {
                errstr_set(errstr, size, "%s: '%s' is not absolute", key,
                           value);
                return HTTPSRC_ERR_INVAL;
        }
        free(p->base);
        p->base = path_normalize(value);
        if (!p->base) {
                errstr_set(errstr, size, "%s: out of memory", key);
                return HTTPSRC_ERR_NOMEM;
        }
        return HTTPSRC_OK;
}

/* The keys under config.providers.<name>., after that prefix. Params are
 * checked once the class is known (keys come in any order). */
static int apply_provider_key(provider *p,
                              const char *key,
                              const char *sub,
                              const char *value,
                              int params,
                              char *errstr,
                              size_t size)
{
        if (!strcmp(sub, "class")) {
                if (params)
                        return HTTPSRC_OK;
                if (class_kind(value, &p->kind)) {
                        errstr_set(errstr, size,
                                   "%s: unknown provider class '%s'", key,
                                   value);
                        return HTTPSRC_ERR_INVAL;
                }
                return HTTPSRC_OK;
        }
        if (strncmp(sub, "param.", 6)) {
                errstr_set(errstr, size,
                           "%s: unknown key (expected class or param.*)", key);
                return HTTPSRC_ERR_INVAL;
        }
        if (!params)
                return HTTPSRC_OK;
        const char *param = sub + 6;
        int is_allowed    = !strcmp(param, "allowed.paths");
        int is_base       = !strcmp(param, "base.path");
        if (!is_allowed && !is_base) {
                errstr_set(errstr, size,
                           "%s: unknown parameter (expected allowed.paths or "
                           "base.path)",
                           key);
                return HTTPSRC_ERR_INVAL;
        }
        if (p->kind == PROV_ENV) {
                errstr_set(errstr, size,
                           "%s: not supported by the env provider", key);
                return HTTPSRC_ERR_INVAL;
        }
        return is_allowed ? set_allowed_paths(p, key, value, errstr, size)
                          : set_base_path(p, key, value, errstr, size);
}

/* The listed provider whose "config.providers.<name>." prefixes @p key
 * (the longest, as names may contain dots); NULL if none. */
static provider *
provider_of_key(const secrets *s, size_t n_named, const char *key)
{
        const char *rest = key + strlen(PROVIDERS_PREFIX);
        provider *best   = NULL;
        for (size_t i = 0; i < n_named; i++) {
                size_t n = strlen(s->v[i].name);
                if (!strncmp(rest, s->v[i].name, n) && rest[n] == '.' &&
                    (!best || n > strlen(best->name)))
                        best = &s->v[i];
        }
        return best;
}

static int apply_worker_keys(secrets *s,
                             const httpsrc_conf *worker,
                             size_t n_named,
                             int params,
                             char *errstr,
                             size_t size)
{
        const char *key, *value;
        for (size_t i = 0; !httpsrc_conf_at(worker, i, &key, &value); i++) {
                if (strncmp(key, PROVIDERS_PREFIX, strlen(PROVIDERS_PREFIX)))
                        continue;
                provider *p = provider_of_key(s, n_named, key);
                if (!p) {
                        const char *name = key + strlen(PROVIDERS_PREFIX);
                        if (find_provider(s, name, strlen(name))) {
                                errstr_set(errstr, size,
                                           "%s: unknown key (expected "
                                           "class or param.*)",
                                           key);
                                return HTTPSRC_ERR_INVAL;
                        }
                        errstr_set(errstr, size,
                                   "%s: provider '%.*s' is not listed in %s",
                                   key, (int)strcspn(name, "."), name,
                                   PROVIDERS_KEY);
                        return HTTPSRC_ERR_INVAL;
                }
                const char *sub =
                    key + strlen(PROVIDERS_PREFIX) + strlen(p->name) + 1;
                int rc = apply_provider_key(p, key, sub, value, params, errstr,
                                            size);
                if (rc)
                        return rc;
        }
        return HTTPSRC_OK;
}

static int configure_named(secrets *s,
                           const httpsrc_conf *worker,
                           char *errstr,
                           size_t size)
{
        const char *key, *value, *list = NULL;
        for (size_t i = 0; !httpsrc_conf_at(worker, i, &key, &value); i++)
                if (!strcmp(key, PROVIDERS_KEY))
                        list = value;
        int rc = HTTPSRC_OK;
        if (list && *list)
                rc = parse_provider_list(s, list, errstr, size);
        size_t n_named = s->n;
        if (!rc)
                rc = apply_worker_keys(s, worker, n_named, 0, errstr, size);
        for (size_t i = 0; !rc && i < n_named; i++) {
                if (s->v[i].kind == (prov_kind)-1) {
                        errstr_set(errstr, size,
                                   "%s%s.class: missing (provider '%s' is "
                                   "listed in %s)",
                                   PROVIDERS_PREFIX, s->v[i].name, s->v[i].name,
                                   PROVIDERS_KEY);
                        rc = HTTPSRC_ERR_INVAL;
                }
        }
        if (!rc)
                rc = apply_worker_keys(s, worker, n_named, 1, errstr, size);
        return rc;
}

static int add_builtins(secrets *s)
{
        static const struct {
                const char *name;
                prov_kind kind;
        } builtins[] = {
            {"env", PROV_ENV}, {"file", PROV_FILE}, {"directory", PROV_DIR}};
        for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
                if (add_provider(s, builtins[i].name, strlen(builtins[i].name)))
                        return -1;
                s->v[s->n - 1].kind = builtins[i].kind;
        }
        return 0;
}

secrets *secrets_new(const httpsrc_conf *worker,
                     int builtins,
                     char *errstr,
                     size_t size)
{
        secrets *s = calloc(1, sizeof(*s));
        if (!s) {
                errstr_set(errstr, size, "out of memory");
                return NULL;
        }
        if (worker && configure_named(s, worker, errstr, size)) {
                secrets_destroy(s);
                return NULL;
        }
        s->n_named = s->n;
        if (builtins && add_builtins(s)) {
                errstr_set(errstr, size, "out of memory");
                secrets_destroy(s);
                return NULL;
        }
        return s;
}

const char *secrets_unrestricted(const secrets *s)
{
        for (size_t i = 0; s && i < s->n_named; i++)
                if (s->v[i].kind != PROV_ENV && !s->v[i].allowed)
                        return s->v[i].name;
        return NULL;
}

/* ---- reading secrets ---- */

static int ref_fail(const ref *r, int rc, const char *fmt, const char *arg)
{
        char reason[512];
        errstr_set(reason, sizeof(reason), fmt, arg);
        errstr_set(r->errstr, r->errstr_size, "%.*s: %s", r->len, r->text,
                   reason);
        return rc;
}

static int read_fail(const ref *r, const char *path, int err)
{
        char reason[512];
        errstr_set(reason, sizeof(reason), "cannot read %s: %s", path,
                   strerror(err));
        return ref_fail(r, err == ENOENT ? HTTPSRC_ERR_NOENT : HTTPSRC_ERR_IO,
                        "%s", reason);
}

/* Reads regular file @p path whole into @p sb (NUL-terminated). */
static int read_secret_file(const ref *r, const char *path, strbuf *sb)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return read_fail(r, path, errno);
        struct stat st;
        int rc = HTTPSRC_OK;
        if (fstat(fd, &st)) {
                rc = read_fail(r, path, errno);
        } else if (!S_ISREG(st.st_mode)) {
                rc = ref_fail(r, HTTPSRC_ERR_INVAL, "%s is not a regular file",
                              path);
        } else if (st.st_size > SECRET_MAX_SIZE) {
                rc = ref_fail(r, HTTPSRC_ERR_LIMIT, "%s is larger than 1 MiB",
                              path);
        } else if (sb_reserve(sb, (size_t)st.st_size)) {
                rc = ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        }
        while (!rc) {
                char chunk[4096];
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        rc = read_fail(r, path, errno);
                else if (n == 0)
                        break;
                else if (sb->len + (size_t)n > SECRET_MAX_SIZE)
                        rc = ref_fail(r, HTTPSRC_ERR_LIMIT,
                                      "%s is larger than 1 MiB", path);
                else if (sb_append(sb, chunk, (size_t)n))
                        rc = ref_fail(r, HTTPSRC_ERR_NOMEM, "%s",
                                      "out of memory");
        }
        close(fd);
        if (!rc && memchr(sb->buf, '\0', sb->len))
                rc = ref_fail(r, HTTPSRC_ERR_INVAL, "%s contains a NUL byte",
                              path);
        return rc;
}

/* The absolute (or, without base.path, cwd-relative) normalized path of
 * @p path[0..len), checked against base.path and allowed.paths. */
static int resolve_path(
    const ref *r, const provider *p, const char *path, size_t len, char **out)
{
        strbuf sb = {0};
        if ((p->base && path[0] != '/' &&
             (sb_puts(&sb, p->base) || sb_putc(&sb, '/'))) ||
            sb_append(&sb, path, len)) {
                sb_free(&sb);
                return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        }
        char *norm   = path_normalize(sb.buf);
        int relative = path[0] != '/';
        sb_free(&sb);
        if (!norm)
                return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        int ok = 1;
        if (p->base && relative && !path_is_under(norm, p->base)) {
                free(norm);
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s",
                                "path leaves base.path");
        }
        if (p->allowed) {
                ok = 0;
                for (size_t i = 0; i < p->n_allowed && !ok; i++)
                        ok = path_is_under(norm, p->allowed[i]);
        }
        if (!ok) {
                char msg[512];
                errstr_set(msg, sizeof(msg),
                           "%s is not in " PROVIDERS_PREFIX
                           "%s.param.allowed.paths",
                           norm, p->name);
                free(norm);
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", msg);
        }
        *out = norm;
        return HTTPSRC_OK;
}

/* ---- Java .properties, as java.util.Properties.load ---- */

typedef struct props_find {
        const char *want;
        size_t want_len;
        strbuf *val;
        int found;
} props_find;

static int props_match(void *opaque,
                       const char *key,
                       size_t key_len,
                       const char *value,
                       size_t value_len,
                       int line)
{
        props_find *f = opaque;
        if (key_len != f->want_len || memcmp(key, f->want, key_len))
                return 0;
        /* the last occurrence wins, as Properties.load */
        sb_wipe(f->val);
        if (sb_append(f->val, value, value_len))
                return -2;
        f->found = 1;
        return 0;
}

/* Finds @p want in properties text buf. Returns 1 found (value in @p val),
 * 0 not found, -1 malformed (@p reason, @p line) */
static int props_lookup(const char *buf,
                        size_t len,
                        const char *want,
                        size_t want_len,
                        strbuf *val,
                        int *line,
                        const char **reason)
{
        props_find f = {want, want_len, val, 0};
        /* keep trailing whitespace: a secret is what the file says */
        int rc = props_parse(buf, len, 1, props_match, &f, line, reason);
        if (rc == -2)
                *reason = "out of memory";
        return rc ? -1 : f.found;
}

/* ---- the providers ---- */

/* Last ':' in s[0..n), or NULL. */
static const char *last_colon(const char *s, size_t n)
{
        for (size_t i = n; i > 0; i--)
                if (s[i - 1] == ':')
                        return s + i - 1;
        return NULL;
}

static int get_env(const ref *r, const char *rest, size_t n, strbuf *val)
{
        const char *colon = last_colon(rest, n);
        if (colon && colon != rest)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s",
                                "the env provider takes no path");
        const char *name = colon ? colon + 1 : rest;
        size_t len       = n - (size_t)(name - rest);
        if (!len)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s",
                                "empty variable name");
        char *var = xstrndup(name, len);
        if (!var)
                return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        const char *v = getenv(var);
        free(var);
        if (!v)
                return ref_fail(r, HTTPSRC_ERR_NOENT, "%s",
                                "environment variable is not set");
        if (sb_puts(val, v))
                return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        return HTTPSRC_OK;
}

static int get_file(
    const ref *r, const provider *p, const char *rest, size_t n, strbuf *val)
{
        const char *colon = last_colon(rest, n);
        if (!colon)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s",
                                "expected ${<provider>:<path>:<key>}");
        if (colon == rest)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", "empty path");
        const char *key = colon + 1;
        size_t key_len  = n - (size_t)(key - rest);
        if (!key_len)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", "empty key");
        char *path = NULL;
        int rc     = resolve_path(r, p, rest, (size_t)(colon - rest), &path);
        if (rc)
                return rc;
        strbuf text        = {0};
        rc                 = read_secret_file(r, path, &text);
        int line           = 0;
        const char *reason = NULL;
        int found          = 0;
        if (!rc)
                found = props_lookup(text.buf, text.len, key, key_len, val,
                                     &line, &reason);
        if (!rc && found < 0) {
                char msg[512];
                errstr_set(msg, sizeof(msg), "cannot parse %s: line %d: %s",
                           path, line, reason);
                rc = ref_fail(r, HTTPSRC_ERR_PARSE, "%s", msg);
        } else if (!rc && !found) {
                char msg[512];
                errstr_set(msg, sizeof(msg), "no key '%.*s' in %s",
                           (int)key_len, key, path);
                rc = ref_fail(r, HTTPSRC_ERR_NOENT, "%s", msg);
        }
        sb_wipe(&text); /* the whole file: other secrets too */
        free(path);
        return rc;
}

static int valid_file_name(const char *s, size_t n)
{
        return n && !memchr(s, '/', n) && !(n == 1 && s[0] == '.') &&
               !(n == 2 && s[0] == '.' && s[1] == '.');
}

static int get_dir(
    const ref *r, const provider *p, const char *rest, size_t n, strbuf *val)
{
        const char *colon = last_colon(rest, n);
        size_t path_len   = colon ? (size_t)(colon - rest) : n;
        if (!path_len)
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", "empty path");
        strbuf target = {0};
        if (sb_append(&target, rest, path_len))
                return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        if (colon) {
                const char *name = colon + 1;
                size_t name_len  = n - path_len - 1;
                if (!valid_file_name(name, name_len)) {
                        char msg[256];
                        errstr_set(msg, sizeof(msg), "invalid file name '%.*s'",
                                   (int)name_len, name);
                        sb_free(&target);
                        return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", msg);
                }
                if (sb_putc(&target, '/') ||
                    sb_append(&target, name, name_len)) {
                        sb_free(&target);
                        return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s",
                                        "out of memory");
                }
        }
        char *path = NULL;
        int rc     = resolve_path(r, p, target.buf, target.len, &path);
        sb_free(&target);
        if (rc)
                return rc;
        rc = read_secret_file(r, path, val);
        free(path);
        return rc;
}

/* Resolves name[0..len) ("provider:rest") into @p val. */
static int resolve_ref(
    const secrets *s, const ref *r, const char *name, size_t len, strbuf *val)
{
        const char *colon = memchr(name, ':', len);
        size_t plen       = (size_t)(colon - name);
        const provider *p = find_provider(s, name, plen);
        if (!p) {
                char msg[256];
                errstr_set(msg, sizeof(msg),
                           "config provider '%.*s' is not enabled: list it in "
                           "the worker's " PROVIDERS_KEY,
                           (int)plen, name);
                return ref_fail(r, HTTPSRC_ERR_INVAL, "%s", msg);
        }
        const char *rest = colon + 1;
        size_t n         = len - plen - 1;
        switch (p->kind) {
        case PROV_ENV:
                return get_env(r, rest, n, val);
        case PROV_FILE:
                return get_file(r, p, rest, n, val);
        default:
                return get_dir(r, p, rest, n, val);
        }
}

/* ---- scanning ---- */

static int is_escape(const char *p)
{
        return p[0] == '$' && p[1] == '$' && p[2] == '{';
}

static int is_open(const char *p)
{
        return p[0] == '$' && p[1] == '{';
}

/* The next "${name}" with a ':' in its name at or after @p p, skipping
 * "$${" escapes; NULL if none. *end is its closing '}'. */
static const char *next_ref(const char *p, const char **end)
{
        while (*p) {
                if (is_escape(p)) {
                        p += 3;
                        continue;
                }
                if (!is_open(p)) {
                        p++;
                        continue;
                }
                const char *close = strchr(p + 2, '}');
                if (!close)
                        return NULL; /* unterminated: left for the template */
                if (memchr(p + 2, ':', (size_t)(close - p - 2))) {
                        *end = close;
                        return p;
                }
                p = close + 1;
        }
        return NULL;
}

int secrets_has_refs(const char *value)
{
        const char *end;
        return value && next_ref(value, &end) != NULL;
}

/* The output is still a template (secrets_int.h): literal text is copied
 * as written, values are escaped so that template_expand yields them
 * verbatim. A value's trailing '$' followed by '{' (literal or from the
 * next value) would form "${", so it gets its own escape. */
typedef struct emitter {
        strbuf out;
        int escape; /* the output is a template (secrets_resolve) */
        int dollar; /* the last byte written is a '$' from a value */
} emitter;

static int emit_literal(emitter *em, const ref *last, const char *s, size_t n)
{
        if (!n)
                return HTTPSRC_OK;
        if (em->dollar && is_open(s))
                return ref_fail(last, HTTPSRC_ERR_INVAL, "%s",
                                "a value ending in '$' cannot be followed "
                                "directly by a placeholder");
        if ((em->dollar && s[0] == '{' && sb_putc(&em->out, '$')) ||
            sb_append(&em->out, s, n))
                return ref_fail(last, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        em->dollar = 0;
        return HTTPSRC_OK;
}

static int emit_value(emitter *em, const ref *r, const char *v)
{
        if (!*v)
                return HTTPSRC_OK;
        if (!em->escape)
                return sb_puts(&em->out, v) ? ref_fail(r, HTTPSRC_ERR_NOMEM,
                                                       "%s", "out of memory")
                                            : HTTPSRC_OK;
        if (em->dollar && v[0] == '{' && sb_putc(&em->out, '$'))
                goto nomem;
        for (const char *p = v; *p; p++)
                if ((is_open(p) && sb_putc(&em->out, '$')) ||
                    sb_putc(&em->out, *p))
                        goto nomem;
        em->dollar = v[strlen(v) - 1] == '$';
        return HTTPSRC_OK;
nomem:
        return ref_fail(r, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
}

static int resolve(const secrets *s,
                   const char *value,
                   int escape,
                   char **out,
                   char *errstr,
                   size_t errstr_size)
{
        if (out)
                *out = NULL;
        if (!s || !value || !out) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: secrets, value and out required");
                return HTTPSRC_ERR_INVAL;
        }
        emitter em    = {{0}, escape, 0};
        strbuf val    = {0};
        ref last      = {value, 0, errstr, errstr_size};
        const char *p = value, *start, *end;
        int rc        = HTTPSRC_OK;
        while (!rc && (start = next_ref(p, &end))) {
                ref r   = {start, (int)(end - start + 1), errstr, errstr_size};
                rc      = emit_literal(&em, &last, p, (size_t)(start - p));
                val.len = 0;
                if (!rc && sb_append(&val, "", 0)) /* "" even if empty */
                        rc = ref_fail(&r, HTTPSRC_ERR_NOMEM, "%s",
                                      "out of memory");
                if (!rc)
                        rc = resolve_ref(s, &r, start + 2,
                                         (size_t)(end - start - 2), &val);
                if (!rc)
                        rc = emit_value(&em, &r, val.buf);
                last = r;
                p    = end + 1;
        }
        if (!rc)
                rc = emit_literal(&em, &last, p, strlen(p));
        if (!rc && sb_reserve(&em.out, 0))
                rc = ref_fail(&last, HTTPSRC_ERR_NOMEM, "%s", "out of memory");
        if (!rc)
                *out = sb_steal(&em.out);
        sb_wipe(&val);
        sb_wipe(&em.out);
        return rc;
}

int secrets_resolve(const secrets *s,
                    const char *value,
                    char **out,
                    char *errstr,
                    size_t errstr_size)
{
        return resolve(s, value, 1, out, errstr, errstr_size);
}

int secrets_resolve_plain(const secrets *s,
                          const char *value,
                          char **out,
                          char *errstr,
                          size_t errstr_size)
{
        return resolve(s, value, 0, out, errstr, errstr_size);
}

/* Append @p len bytes of @p b to the list *@p v of @p n strings. */
static int strv_push(char ***v, size_t n, const char *b, size_t len)
{
        char **nv = realloc(*v, (n + 1) * sizeof(*nv));
        if (nv)
                *v = nv;
        return !nv || !(nv[n] = xstrndup(b, len)) ? HTTPSRC_ERR_NOMEM
                                                  : HTTPSRC_OK;
}

int secrets_collect_refs(const secrets *s,
                         const char *value,
                         char ***refs,
                         char ***vals,
                         size_t *n)
{
        const char *p = value, *start, *end;
        strbuf val    = {0};
        int rc        = HTTPSRC_OK;
        while (!rc && s && p && (start = next_ref(p, &end))) {
                char why[256];
                ref r   = {start, (int)(end - start + 1), why, sizeof(why)};
                val.len = 0;
                if (sb_append(&val, "", 0))
                        rc = HTTPSRC_ERR_NOMEM;
                else if (!resolve_ref(s, &r, start + 2,
                                      (size_t)(end - start - 2), &val) &&
                         val.len) {
                        rc = strv_push(vals, *n, val.buf, val.len);
                        if (!rc && refs &&
                            (rc = strv_push(refs, *n, start,
                                            (size_t)(end - start + 1)))) {
                                memset((*vals)[*n], 0, val.len);
                                free((*vals)[*n]);
                        }
                        if (!rc)
                                (*n)++;
                }
                p = end + 1;
        }
        sb_wipe(&val);
        return rc;
}

int secrets_collect(const secrets *s, const char *value, char ***vals,
                    size_t *n)
{
        return secrets_collect_refs(s, value, NULL, vals, n);
}
