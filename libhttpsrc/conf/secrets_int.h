/* secrets module: Kafka Connect's config providers, resolving
 * ${provider:...} placeholders when a task starts.
 *
 * Placeholder: "${" name "}" where the name runs to the first '}' and
 * holds a ':'; provider = the text before the first ':', rest = the text
 * after it. "$${" is an escape (template_int.h), never a placeholder, and
 * ${name} without ':' (state variables like ${offset}) is not a secret.
 * Provider names are case-sensitive.
 *
 * Provider kinds and the meaning of rest:
 *   env        ${env:VAR} or Connect's ${env::VAR} (empty path): the
 *              environment variable VAR; set but empty gives "". A
 *              non-empty path is an error ("the env provider takes no
 *              path"). (EnvVarConfigProvider)
 *   file       ${file:<path>:<key>}, split at the LAST ':': key <key> of
 *              the Java .properties file <path>, parsed as
 *              java.util.Properties.load (UTF-8): key=value, key:value,
 *              key value; '#'/'!' comment lines; leading whitespace and
 *              whitespace around the separator dropped, trailing
 *              whitespace of a value KEPT (as Java); "\" line
 *              continuations; escapes \t \n \r \f \uXXXX (surrogate pairs
 *              joined; lone surrogates and \u0000 are errors), "\x" = x;
 *              the last of duplicate keys wins. (FileConfigProvider)
 *   directory  ${directory:<dir>:<file>} (split at the last ':'): the
 *              contents of <dir>/<file>, <file> a plain name (no '/', not
 *              "." or ".."). Our extension: ${directory:<path>} (no ':')
 *              reads the file <path> itself, so with base.path=/run/secrets
 *              ${secrets:api/token} reads /run/secrets/api/token. Contents
 *              are returned as is, a trailing newline included (as
 *              Connect's DirectoryConfigProvider): write secret files
 *              without one (printf '%s' "$TOKEN" > file).
 *              (DirectoryConfigProvider)
 * Files must be regular files of at most 1 MiB without NUL bytes.
 *
 * Only the providers the worker lists in config.providers resolve, as in
 * Connect: a connector config (which anyone who reaches the REST API may
 * write) cannot read the worker's files or environment unless the
 * operator said so. A placeholder of any other provider is an error
 * naming it (Connect leaves it as written and sends it on; we refuse, so
 * that a typo is not sent to an API as a literal "${...}").
 * Built-ins env, file, directory (no restrictions, no base.path) exist
 * only in a secrets made with @p builtins (the operator's own files when
 * the worker sets command.line.builtin.providers=true); a listed provider
 * of the same name shadows them. Named providers:
 *   config.providers=secrets,vault            (comma list, trimmed)
 *   config.providers.<name>.class=directory   env | file | directory, or
 *       org.apache.kafka.common.config.provider.EnvVarConfigProvider /
 *       FileConfigProvider / DirectoryConfigProvider
 *   config.providers.<name>.param.allowed.paths=/run/secrets,/etc/app
 *       (file, directory) as Connect's AllowedPaths: absolute paths that
 *       must exist; a path read must be one of them or below one
 *       (component-wise, after lexical normalization of "." and "..";
 *       symlinks are not resolved, as in Connect). Empty: no restriction.
 *   config.providers.<name>.param.base.path=/run/secrets
 *       (file, directory; our extension) an absolute directory against
 *       which relative paths in placeholders are resolved; a relative path
 *       that leaves it ("../x") is refused. Absolute paths are used as
 *       they are. Without base.path a relative path is relative to the
 *       working directory (as Connect) and never passes allowed.paths.
 * Config errors (secrets_new, HTTPSRC_ERR_INVAL), each naming the key:
 *   "config.providers: empty provider name in 'a,,b'"
 *   "config.providers: invalid provider name 'a:b' (':' and '}' are not
 *    allowed)"
 *   "config.providers: provider 'a' is listed twice"
 *   "config.providers.x.class: missing (provider 'x' is listed in
 *    config.providers)"
 *   "config.providers.x.class: unknown provider class 'Y'"
 *   "config.providers.x.class: provider 'x' is not listed in
 *    config.providers" (any config.providers.x.* key)
 *   "config.providers.x.foo: unknown key (expected class or param.*)"
 *   "config.providers.x.param.foo: unknown parameter (expected
 *    allowed.paths or base.path)"
 *   "config.providers.x.param.base.path: not supported by the env provider"
 *   "config.providers.x.param.allowed.paths: path 'rel' is not absolute"
 *   "config.providers.x.param.allowed.paths: /nope: No such file or
 *    directory"
 *   "config.providers.x.param.base.path: 'rel' is not absolute"
 *
 * Resolution errors are "<placeholder as written>: <reason>" and never
 * contain a resolved value:
 *   "${x:y}: config provider 'x' is not enabled: list it in the worker's
 *    config.providers"                                       INVAL
 *   "${env:API_TOKEN}: environment variable is not set"      NOENT
 *   "${env:}: empty variable name", "${env:a:B}: the env provider takes
 *    no path"                                                INVAL
 *   "${file:/p}: expected ${<provider>:<path>:<key>}", "...: empty path",
 *   "...: empty key", "${directory:/d:a/b}: invalid file name 'a/b'" INVAL
 *   "${file:/p:k}: no key 'k' in /p"                         NOENT
 *   "${file:/p:k}: cannot read /p: <strerror>"               NOENT (ENOENT)
 *                                                            or IO
 *   "${file:/p:k}: cannot parse /p: line 3: malformed \uXXXX escape" PARSE
 *   "${a:/x:y}: /x is not in config.providers.a.param.allowed.paths" INVAL
 *   "${a:../x}: path leaves base.path"                       INVAL
 *   "...: /d/k is not a regular file" INVAL, "...: /d/k is larger than
 *    1 MiB" LIMIT, "...: /d/k contains a NUL byte" INVAL
 * Paths in errors are the normalized paths actually read.
 */
#ifndef HTTPSRC_SECRETS_INT_H
#define HTTPSRC_SECRETS_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"

typedef struct secrets secrets;

/** Providers from the worker conf (config.providers*, read with
 *  httpsrc_conf_at; @p worker NULL: none), plus the unrestricted built-ins
 *  env, file and directory if @p builtins. NULL on error with errstr as
 *  above. */
secrets *secrets_new(const httpsrc_conf *worker,
                     int builtins,
                     char *errstr,
                     size_t size);
void secrets_destroy(secrets *s); /* NULL-safe */

/** The name of the first listed file or directory provider without
 *  allowed.paths (it reads any file the worker can), or NULL. Borrowed
 *  from @p s. */
const char *secrets_unrestricted(const secrets *s);

/** 1 if @p value holds a ${provider:...} placeholder (a name with ':',
 *  terminated, not escaped). */
int secrets_has_refs(const char *value);

/**
 * Expand every ${provider:...} in @p value into a new malloc'd string
 * (*out), for a value that then goes through template_expand (http.url,
 * http.headers, http.request.parameters, http.request.body): the result is
 * still a template. Text outside secret placeholders is kept as written
 * ("$${", ${offset}, an unterminated "${"); each resolved value is
 * escaped ("${" in it becomes "$${", and a trailing '$' before a '{' gets
 * escaped too), so template_expand yields the secret verbatim and never
 * reads it as a placeholder. A value ending in '$' directly followed by a
 * state placeholder ("${env:X}${offset}") cannot be written in the
 * template syntax: INVAL "${env:X}: a value ending in '$' cannot be
 * followed directly by a placeholder".
 * Returns HTTPSRC_OK, or an error with errstr as above (*out NULL).
 */
int secrets_resolve(const secrets *s,
                    const char *value,
                    char **out,
                    char *errstr,
                    size_t errstr_size);

/** As secrets_resolve, for a value used as it is (passwords, client
 *  secrets, every key that is not expanded as a template): resolved values
 *  are inserted verbatim, everything else is kept as written. */
int secrets_resolve_plain(const secrets *s,
                          const char *value,
                          char **out,
                          char *errstr,
                          size_t errstr_size);

/** Append each non-empty value the placeholders of @p value resolve to
 *  (resolved as secrets_resolve_plain would) to the list *vals of *n
 *  malloc'd strings (realloc'd): the connector's known secrets, which
 *  sb_put_untrusted() redacts from upstream text. Placeholders that do not
 *  resolve are skipped. Returns HTTPSRC_OK or HTTPSRC_ERR_NOMEM. */
int secrets_collect(const secrets *s, const char *value, char ***vals,
                    size_t *n);
/** secrets_collect(), and the placeholder ("${provider:path:key}") of
 *  each value at the same index of *@p refs (a list grown alongside, of
 *  the same count; NULL: none kept). */
int secrets_collect_refs(const secrets *s,
                         const char *value,
                         char ***refs,
                         char ***vals,
                         size_t *n);

#endif
