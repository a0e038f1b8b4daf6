/* Loading a conf from a file: Java .properties (as Kafka Connect's worker
 * and connector files) or connector JSON (as POSTed to the REST API). */
#include "conf_int.h"
#include "props_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio_int.h"
#include "json_int.h"
#include "util_int.h"

/* Room for a conf error: key, value and reason. */
#define CONF_ERR_SIZE 1024

static int read_file(const char *path, strbuf *sb, char *errstr, size_t size)
{
        int err;
        int rc = fileio_read(path, 0, sb, &err);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, size, "%s: out of memory", path);
        else if (rc)
                errstr_set(errstr, size, "%s: %s", path, strerror(err));
        return rc && rc != HTTPSRC_ERR_NOMEM ? HTTPSRC_ERR_IO : rc;
}

/* ---- .properties ---- */

typedef struct props_load {
        httpsrc_conf *conf;
        const char *path;
        kvlist *errs; /* one problem per refused key */
        int rc;       /* HTTPSRC_ERR_PARSE once a line has no key */
} props_load;

/* A refused key is one more problem of @p errs (every mistake of a file
 * is reported in one go, each naming the file); -1 on ENOMEM. */
static int add_err(kvlist *errs, const char *key, const char *err)
{
        return kvl_add(errs, key, err);
}

/* The problems @p errs: to @p sink when given (refused keys, rc
 * HTTPSRC_ERR_INVAL), else "; "-joined into @p errstr. HTTPSRC_OK if
 * none, else _ERR_INVAL (or @p rc). */
static int
errs_result(kvlist *errs, int rc, kvlist *sink, char *errstr, size_t size)
{
        if (!rc && errs->n)
                rc = HTTPSRC_ERR_INVAL;
        if (rc == HTTPSRC_ERR_INVAL && sink && errs->n) {
                if (conf_problem_merge(sink, 0, errs)) {
                        errstr_set(errstr, size, "out of memory");
                        rc = HTTPSRC_ERR_NOMEM;
                }
        } else if ((rc == HTTPSRC_ERR_INVAL || rc == HTTPSRC_ERR_PARSE) &&
                   errs->n) {
                conf_problems_text(errs, errstr, size);
        }
        kvl_free(errs);
        return rc;
}

static int props_set(void *opaque,
                     const char *key,
                     size_t key_len,
                     const char *value,
                     size_t value_len,
                     int line)
{
        props_load *pl = opaque;
        char err[CONF_ERR_SIZE], msg[CONF_ERR_SIZE + 256], name[256];
        snprintf(name, sizeof(name), "%.*s", (int)key_len, key);
        if (!key_len) {
                snprintf(msg, sizeof(msg), "%s:%d: empty key", pl->path, line);
                pl->rc = HTTPSRC_ERR_PARSE;
        } else if (httpsrc_conf_set(pl->conf, key, value, err, sizeof(err)))
                snprintf(msg, sizeof(msg), "%s:%d: %s", pl->path, line, err);
        else
                return HTTPSRC_OK;
        return add_err(pl->errs, name, msg) ? HTTPSRC_ERR_NOMEM : HTTPSRC_OK;
}

static int load_properties(httpsrc_conf *conf,
                           const char *path,
                           const char *text,
                           size_t len,
                           kvlist *sink,
                           char *errstr,
                           size_t errstr_size)
{
        kvlist errs        = {0};
        props_load pl      = {conf, path, &errs, HTTPSRC_OK};
        int line           = 0;
        const char *reason = NULL;
        int rc = props_parse(text, len, 0, props_set, &pl, &line, &reason);
        if (rc == -1) {
                kvl_free(&errs);
                errstr_set(errstr, errstr_size, "%s:%d: %s", path, line,
                           reason);
                return strcmp(reason, "out of memory") ? HTTPSRC_ERR_PARSE
                                                       : HTTPSRC_ERR_NOMEM;
        }
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
        return errs_result(&errs, rc ? rc : pl.rc, sink, errstr, errstr_size);
}

/* ---- JSON ---- */

/* The text a scalar stands for: *text = NULL for null; -1 for containers,
 * -2 for a string holding \u0000 (a C string would be cut there). */
static int json_text(const httpsrc_json *v, const char **text)
{
        switch (json_type(v)) {
        case HTTPSRC_JSON_STRING:
                *text = json_string(v);
                return strlen(*text) == json_string_len(v) ? 0 : -2;
        case HTTPSRC_JSON_NUMBER:
                *text = json_number_text(v);
                return 0;
        case HTTPSRC_JSON_BOOL:
                *text = json_bool(v) ? "true" : "false";
                return 0;
        case HTTPSRC_JSON_NULL:
                *text = NULL;
                return 0;
        default:
                return -1;
        }
}

static int json_set(httpsrc_conf *conf,
                    const char *path,
                    const char *key,
                    const httpsrc_json *v,
                    char *errstr,
                    size_t size)
{
        const char *text;
        int t = json_text(v, &text);
        if (t) {
                errstr_set(errstr, size, "%s: %s: %s", path, key,
                           t == -2 ? "\\u0000 is not allowed"
                                   : "value must be a string");
                return HTTPSRC_ERR_INVAL;
        }
        char err[CONF_ERR_SIZE];
        if (httpsrc_conf_set(conf, key, text, err, sizeof(err))) {
                errstr_set(errstr, size, "%s: %s", path, err);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

/* A key with \u0000 in it would be cut short: it is refused. */
static const char *member_key(const httpsrc_json *obj,
                              size_t i,
                              const char *path,
                              char *errstr,
                              size_t size)
{
        const char *key = json_key_at(obj, i);
        if (strlen(key) == json_key_len_at(obj, i))
                return key;
        errstr_set(errstr, size, "%s: %s: \\u0000 is not allowed in a key",
                   path, key);
        return NULL;
}

/* Every member is set; each refused one is a problem in @p errs. */
static int json_set_members(httpsrc_conf *conf,
                            const char *path,
                            const httpsrc_json *obj,
                            const char *skip,
                            kvlist *errs)
{
        char err[CONF_ERR_SIZE + 256];
        for (size_t i = 0; i < json_len(obj); i++) {
                const char *key = member_key(obj, i, path, err, sizeof(err));
                int rc          = key ? HTTPSRC_OK : HTTPSRC_ERR_INVAL;
                if (key && skip && !strcmp(key, skip))
                        continue;
                if (key)
                        rc = json_set(conf, path, key, json_at(obj, i), err,
                                      sizeof(err));
                if (rc == HTTPSRC_ERR_INVAL &&
                    add_err(errs, json_key_at(obj, i), err))
                        return HTTPSRC_ERR_NOMEM;
                if (rc && rc != HTTPSRC_ERR_INVAL)
                        return rc;
        }
        return HTTPSRC_OK;
}

/* json_set_members() with its errors into @p errstr. */
static int json_set_all(httpsrc_conf *conf,
                        const char *path,
                        const httpsrc_json *obj,
                        const char *skip,
                        kvlist *sink,
                        char *errstr,
                        size_t size)
{
        kvlist errs = {0};
        int rc      = json_set_members(conf, path, obj, skip, &errs);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, size, "%s: out of memory", path);
        return errs_result(&errs, rc, sink, errstr, size);
}

/* Top-level members of {"name": ..., "config": {...}}; "tasks" and "type"
 * are what GET /connectors/<name> adds, so its output loads as is. */
static int check_wrapper_members(const httpsrc_json *root,
                                 const char *path,
                                 char *errstr,
                                 size_t size)
{
        static const char *const allowed[] = {"name", "config", "tasks", "type",
                                              NULL};
        for (size_t i = 0; i < json_len(root); i++) {
                const char *key = member_key(root, i, path, errstr, size);
                if (!key)
                        return HTTPSRC_ERR_INVAL;
                const char *const *a = allowed;
                while (*a && strcmp(*a, key))
                        a++;
                if (!*a) {
                        errstr_set(errstr, size,
                                   "%s: %s: unexpected top-level member "
                                   "(expected name and config)",
                                   path, key);
                        return HTTPSRC_ERR_INVAL;
                }
        }
        return HTTPSRC_OK;
}

static int load_wrapped(httpsrc_conf *conf,
                        const char *path,
                        const httpsrc_json *root,
                        const httpsrc_json *config,
                        kvlist *sink,
                        char *errstr,
                        size_t size)
{
        int rc = check_wrapper_members(root, path, errstr, size);
        if (rc)
                return rc;
        const httpsrc_json *name = json_get(root, "name");
        if (!name)
                return json_set_all(conf, path, config, NULL, sink, errstr,
                                    size);
        const httpsrc_json *cname = json_get(config, "name");
        const char *a, *b;
        if (cname && !json_text(name, &a) && !json_text(cname, &b) && a && b &&
            strcmp(a, b)) {
                errstr_set(errstr, size,
                           "%s: name: connector name '%s' does not match "
                           "config name '%s'",
                           path, a, b);
                return HTTPSRC_ERR_INVAL;
        }
        rc = json_set(conf, path, "name", name, errstr, size);
        if (!rc)
                rc = json_set_all(conf, path, config, "name", sink, errstr,
                                  size);
        return rc;
}

/* json.c keeps string lengths, so \u0000 is caught where it is, with the
 * key it is in; errors: "<path>:<line>:<column>: invalid JSON at byte N:
 * <reason>", the place as editors and compilers write it. */
static int load_json(httpsrc_conf *conf,
                     const char *path,
                     const char *text,
                     size_t len,
                     kvlist *sink,
                     char *errstr,
                     size_t size)
{
        char why[512]      = "";
        size_t at          = SIZE_MAX;
        httpsrc_json *root = json_parse_at(text, len, why, sizeof(why), &at);
        if (root && json_check_text(text, len, 1, &at, why, sizeof(why))) {
                json_destroy(root);
                root = NULL;
        }
        if (!root) {
                size_t line, col;
                if (at == SIZE_MAX) {
                        errstr_set(errstr, size, "%s: %s", path, strtrim(why));
                } else {
                        json_line_col(text, at, &line, &col);
                        errstr_set(errstr, size, "%s:%zu:%zu: %s", path, line,
                                   col, strtrim(why));
                }
                return HTTPSRC_ERR_PARSE;
        }
        int rc;
        const httpsrc_json *config = json_get(root, "config");
        if (json_type(root) != HTTPSRC_JSON_OBJECT) {
                errstr_set(errstr, size,
                           "%s: invalid JSON: top-level value must be an "
                           "object",
                           path);
                rc = HTTPSRC_ERR_PARSE;
        } else if (json_type(config) == HTTPSRC_JSON_OBJECT) {
                rc = load_wrapped(conf, path, root, config, sink, errstr,
                                  size);
        } else {
                rc = json_set_all(conf, path, root, NULL, sink, errstr, size);
        }
        json_destroy(root);
        return rc;
}

/* ---- entry point ---- */

/* conf_load_text(), the refused keys to @p sink when given. */
static int load_text(httpsrc_conf *conf,
                     const char *path,
                     const char *text,
                     size_t len,
                     kvlist *sink,
                     char *errstr,
                     size_t size)
{
        if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
                text += 3; /* UTF-8 byte order mark */
                len -= 3;
        }
        if (memchr(text, '\0', len)) {
                errstr_set(errstr, size, "%s: file contains a NUL byte", path);
                return HTTPSRC_ERR_PARSE;
        }
        size_t i = strspn(text, " \t\r\n\f\v");
        if (text[i] == '{')
                return load_json(conf, path, text, len, sink, errstr, size);
        return load_properties(conf, path, text, len, sink, errstr, size);
}

/* Exposed in conf_int.h (not static) so that tests/fuzz/fuzz_conf.c reaches
 * the parsers without a file. */
int conf_load_text(httpsrc_conf *conf,
                   const char *path,
                   const char *text,
                   size_t len,
                   char *errstr,
                   size_t size)
{
        return load_text(conf, path, text, len, NULL, errstr, size);
}

int conf_load_file_partial(httpsrc_conf *conf,
                           const char *path,
                           kvlist *problems,
                           char *errstr,
                           size_t errstr_size)
{
        strbuf sb = {0};
        int rc    = read_file(path, &sb, errstr, errstr_size);
        if (!rc)
                rc = load_text(conf, path, sb.buf, sb.len, problems, errstr,
                               errstr_size);
        sb_wipe(&sb); /* the file may hold passwords */
        return rc;
}

HTTPSRC_API int httpsrc_conf_load_file(httpsrc_conf *conf,
                                       const char *path,
                                       char *errstr,
                                       size_t errstr_size)
{
        if (!conf || !path) {
                errstr_set(errstr, errstr_size,
                           "invalid argument: conf and path are required");
                return HTTPSRC_ERR_INVAL;
        }
        /* Fill a copy so that a failed load leaves conf as it was. */
        httpsrc_conf *tmp = httpsrc_conf_dup(conf);
        if (!tmp) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        int rc = conf_load_file_partial(tmp, path, NULL, errstr, errstr_size);
        if (!rc)
                conf_swap(conf, tmp);
        httpsrc_conf_destroy(tmp);
        return rc;
}
