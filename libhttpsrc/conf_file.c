/* Loading a conf from a file: Java .properties (as Kafka Connect's worker
 * and connector files) or connector JSON (as POSTed to the REST API). */
#include "conf_int.h"
#include "props_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "util_int.h"

/* Room for a conf error: key, value and reason. */
#define CONF_ERR_SIZE 1024

static int read_file(const char *path, strbuf *sb, char *errstr, size_t size)
{
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                errstr_set(errstr, size, "%s: %s", path, strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        char chunk[8192];
        size_t n;
        int rc = HTTPSRC_OK;
        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
                if (sb_append(sb, chunk, n)) {
                        errstr_set(errstr, size, "%s: out of memory", path);
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
        }
        if (!rc && ferror(fp)) {
                errstr_set(errstr, size, "%s: %s", path, strerror(errno));
                rc = HTTPSRC_ERR_IO;
        }
        fclose(fp);
        if (!rc && sb_reserve(sb, 0)) {
                errstr_set(errstr, size, "%s: out of memory", path);
                rc = HTTPSRC_ERR_NOMEM;
        }
        return rc;
}

/* ---- .properties ---- */

typedef struct props_load {
        httpsrc_conf *conf;
        const char *path;
        char *errstr;
        size_t errstr_size;
} props_load;

static int props_set(void *opaque,
                     const char *key,
                     size_t key_len,
                     const char *value,
                     size_t value_len,
                     int line)
{
        props_load *pl = opaque;
        char err[CONF_ERR_SIZE];
        if (!key_len) {
                errstr_set(pl->errstr, pl->errstr_size, "%s:%d: empty key",
                           pl->path, line);
                return HTTPSRC_ERR_PARSE;
        }
        if (httpsrc_conf_set(pl->conf, key, value, err, sizeof(err))) {
                errstr_set(pl->errstr, pl->errstr_size, "%s:%d: %s", pl->path,
                           line, err);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int load_properties(httpsrc_conf *conf,
                           const char *path,
                           const char *text,
                           size_t len,
                           char *errstr,
                           size_t errstr_size)
{
        props_load pl      = {conf, path, errstr, errstr_size};
        int line           = 0;
        const char *reason = NULL;
        int rc = props_parse(text, len, 0, props_set, &pl, &line, &reason);
        if (rc == -1) {
                errstr_set(errstr, errstr_size, "%s:%d: %s", path, line,
                           reason);
                return strcmp(reason, "out of memory") ? HTTPSRC_ERR_PARSE
                                                       : HTTPSRC_ERR_NOMEM;
        }
        return rc;
}

/* ---- JSON ---- */

static yajl_val json_member(yajl_val obj, const char *key)
{
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (!strcmp(obj->u.object.keys[i], key))
                        return obj->u.object.values[i];
        return NULL;
}

/* The text a scalar stands for; *text = NULL for null; -1 for containers. */
static int json_text(yajl_val v, const char **text)
{
        switch (v->type) {
        case yajl_t_string:
                *text = v->u.string;
                return 0;
        case yajl_t_number:
                *text = v->u.number.r;
                return 0;
        case yajl_t_true:
                *text = "true";
                return 0;
        case yajl_t_false:
                *text = "false";
                return 0;
        case yajl_t_null:
                *text = NULL;
                return 0;
        default:
                return -1;
        }
}

static int json_set(httpsrc_conf *conf,
                    const char *path,
                    const char *key,
                    yajl_val v,
                    char *errstr,
                    size_t size)
{
        const char *text;
        if (json_text(v, &text)) {
                errstr_set(errstr, size, "%s: %s: value must be a string", path,
                           key);
                return HTTPSRC_ERR_INVAL;
        }
        char err[CONF_ERR_SIZE];
        if (httpsrc_conf_set(conf, key, text, err, sizeof(err))) {
                errstr_set(errstr, size, "%s: %s", path, err);
                return HTTPSRC_ERR_INVAL;
        }
        return HTTPSRC_OK;
}

static int json_set_members(httpsrc_conf *conf,
                            const char *path,
                            yajl_val obj,
                            const char *skip,
                            char *errstr,
                            size_t size)
{
        for (size_t i = 0; i < obj->u.object.len; i++) {
                const char *key = obj->u.object.keys[i];
                if (skip && !strcmp(key, skip))
                        continue;
                int rc = json_set(conf, path, key, obj->u.object.values[i],
                                  errstr, size);
                if (rc)
                        return rc;
        }
        return HTTPSRC_OK;
}

/* Top-level members of {"name": ..., "config": {...}}; "tasks" and "type"
 * are what GET /connectors/<name> adds, so its output loads as is. */
static int check_wrapper_members(yajl_val root,
                                 const char *path,
                                 char *errstr,
                                 size_t size)
{
        static const char *const allowed[] = {"name", "config", "tasks", "type",
                                              NULL};
        for (size_t i = 0; i < root->u.object.len; i++) {
                const char *key      = root->u.object.keys[i];
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
                        yajl_val root,
                        yajl_val config,
                        char *errstr,
                        size_t size)
{
        int rc = check_wrapper_members(root, path, errstr, size);
        if (rc)
                return rc;
        yajl_val name = json_member(root, "name");
        if (!name)
                return json_set_members(conf, path, config, NULL, errstr, size);
        yajl_val cname = json_member(config, "name");
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
                rc = json_set_members(conf, path, config, "name", errstr, size);
        return rc;
}

static int load_json(httpsrc_conf *conf,
                     const char *path,
                     const char *text,
                     char *errstr,
                     size_t size)
{
        char yerr[512] = "";
        yajl_val root  = yajl_tree_parse(text, yerr, sizeof(yerr));
        if (!root) {
                yerr[strcspn(yerr, "\r\n")] = '\0';
                errstr_set(errstr, size, "%s: invalid JSON: %s", path,
                           yerr[0] ? strtrim(yerr) : "parse error");
                return HTTPSRC_ERR_PARSE;
        }
        int rc;
        yajl_val config =
            YAJL_IS_OBJECT(root) ? json_member(root, "config") : NULL;
        if (!YAJL_IS_OBJECT(root)) {
                errstr_set(errstr, size,
                           "%s: invalid JSON: top-level value must be an "
                           "object",
                           path);
                rc = HTTPSRC_ERR_PARSE;
        } else if (YAJL_IS_OBJECT(config)) {
                rc = load_wrapped(conf, path, root, config, errstr, size);
        } else {
                rc = json_set_members(conf, path, root, NULL, errstr, size);
        }
        yajl_tree_free(root);
        return rc;
}

/* ---- entry point ---- */

/* Exposed in conf_int.h (not static) so that tests/fuzz/fuzz_conf.c reaches
 * the parsers without a file. */
/* A "\u0000" escape (not "\\u0000") anywhere in JSON text. */
static int has_nul_escape(const char *t, size_t len)
{
        for (const char *p = t; (p = memchr(p, '\\', (size_t)(t + len - p)));) {
                size_t run = 0;
                while (p + run < t + len && p[run] == '\\')
                        run++;
                const char *after = p + run;
                if (run % 2 == 1 && t + len - after >= 5 && after[0] == 'u' &&
                    !memcmp(after + 1, "0000", 4))
                        return 1;
                p = after;
        }
        return 0;
}

int conf_load_text(httpsrc_conf *conf,
                   const char *path,
                   const char *text,
                   size_t len,
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
        if (text[i] == '{' && has_nul_escape(text, len)) {
                /* yajl's tree keeps C strings: it would cut the value */
                errstr_set(errstr, size, "%s: \\u0000 is not allowed", path);
                return HTTPSRC_ERR_PARSE;
        }
        if (text[i] == '{')
                return load_json(conf, path, text, errstr, size);
        return load_properties(conf, path, text, len, errstr, size);
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
        strbuf sb = {0};
        int rc    = read_file(path, &sb, errstr, errstr_size);
        if (rc) {
                sb_free(&sb);
                return rc;
        }
        /* Fill a copy so that a failed load leaves conf as it was. */
        httpsrc_conf *tmp = httpsrc_conf_dup(conf);
        if (!tmp) {
                sb_free(&sb);
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        rc = conf_load_text(tmp, path, sb.buf, sb.len, errstr, errstr_size);
        if (!rc)
                conf_swap(conf, tmp);
        httpsrc_conf_destroy(tmp);
        sb_free(&sb);
        return rc;
}
