/* secrets module: Kafka Connect's config providers, resolving
 * ${provider:path:key} placeholders when a task starts.
 *
 * Built in: env (${env:VAR} or ${env::VAR}), file (${file:/path:key}: key in
 * a Java .properties file), directory (${directory:/dir:name}: the
 * contents of file /dir/name, trailing newline kept as is). Named providers
 * come from the worker config as in Connect:
 *   config.providers=secrets
 *   config.providers.secrets.class=directory   (or file, env, or the Java
 *       class names org.apache.kafka.common.config.provider.
 *       {FileConfigProvider,DirectoryConfigProvider,EnvVarConfigProvider})
 *   config.providers.secrets.param.path=/run/secrets   (base directory /
 *       file for a relative path: ${secrets:api/token} reads
 *       /run/secrets/api/token for directory, key "token" of file
 *       /run/secrets/api for file... see secrets.c)
 * Resolved values never appear in errors: an error names the placeholder
 * and the reason ("${env:API_TOKEN}: environment variable is not set").
 */
#ifndef HTTPSRC_SECRETS_INT_H
#define HTTPSRC_SECRETS_INT_H

#include <stddef.h>

#include "httpsrc/httpsrc.h"

typedef struct secrets secrets;

/** Providers from the worker conf (config.providers*). errstr names the
 *  key: "config.providers.x.class: unknown provider class 'Y'". */
secrets *secrets_new(const httpsrc_conf *worker, char *errstr, size_t size);
void secrets_destroy(secrets *s); /* NULL-safe */

/** 1 if @p value holds a ${provider:...} placeholder (a name with ':'). */
int secrets_has_refs(const char *value);

/**
 * Expand every ${provider:path:key} in @p value into a new malloc'd string
 * (*out); ${name} without ':' (state variables like ${offset}) is left
 * as written. Returns HTTPSRC_OK, or HTTPSRC_ERR_INVAL/NOENT/IO with
 * errstr "<placeholder>: <reason>" (never the resolved value).
 */
int secrets_resolve(const secrets *s,
                    const char *value,
                    char **out,
                    char *errstr,
                    size_t errstr_size);

#endif
