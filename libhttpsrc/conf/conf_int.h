/* config module: declared key tables, the conf object, file loading.
 *
 * Confluent HTTP Source keys (connector scope): httpsrc_conf_set() accepts
 * Confluent's key names (url, topic.name.pattern, http.request.method,
 * http.request.headers, http.response.data.json.pointer, auth.type,
 * connection.user, https.ssl.*, ...; the table is in conf.c) and rewrites
 * each into its canonical key at set time, mapping the value where the
 * formats differ (JSON Pointer -> JSONPath, "A: b|C: d" -> "A: b, C: d",
 * "400-" -> "400-599", basic -> BASIC). Some also set what they imply
 * (http.response.records.expand=true, http.ssl.enabled=true). A conf never
 * holds an alias: httpsrc_conf_get() and httpsrc_conf_at() see canonical
 * keys only, and unsetting an alias unsets its canonical key. Errors name
 * the key as written ("request.interval.ms: invalid value '5s': not an
 * integer"). Confluent keys for features not implemented are refused with
 * HTTPSRC_CONF_UNKNOWN and "<key>: Confluent key not supported yet". */
#ifndef HTTPSRC_CONF_INT_H
#define HTTPSRC_CONF_INT_H

#include <stdint.h>

#include "httpsrc/httpsrc.h"
#include "kvlist_int.h"

/* Tables of declared keys, NULL-terminated (conf_keys.c). */
extern const httpsrc_param_desc conf_connector_params[];
extern const httpsrc_param_desc conf_worker_params[];

/** Find @p key in a NULL-terminated param array; NULL if absent. */
const httpsrc_param_desc *conf_param_find(const httpsrc_param_desc *params,
                                          const char *key);

/** The declared key of @p params (NULL-safe) @p key was most likely meant
 *  to be: within 2 edits, else one ending in ".<key>" ("topic" ->
 *  "kafka.topic"); NULL if none. */
const char *conf_suggest_key(const httpsrc_param_desc *params, const char *key);

/**
 * Validate @p value against @p d (type, bounds, enum, JSONPath syntax).
 * Values holding a ${...} placeholder pass: they are checked once resolved.
 * errstr gets "<key>: <reason>", e.g.
 *   "http.timer.interval.ms: invalid value 'abc': not an integer"
 *   "http.method: invalid value 'PUT': must be one of GET, POST"
 * Returns HTTPSRC_OK or HTTPSRC_ERR_INVAL.
 */
int conf_param_validate(const httpsrc_param_desc *d,
                        const char *key,
                        const char *value,
                        char *errstr,
                        size_t errstr_size);

/** conf_param_validate() without the "<key>: invalid value ..." frame:
 *  HTTPSRC_OK, or HTTPSRC_ERR_INVAL with the bare reason ("not an
 *  integer") in @p reason. */
int conf_param_reason(const httpsrc_param_desc *d,
                      const char *value,
                      char *reason,
                      size_t size);

/**
 * 1 if @p key belongs to a namespace whose keys plugins declare and that is
 * checked when the connector starts: http.auth.*, http.oauth2.*,
 * http.pagination.*, transforms.<alias>.*, predicates.<name>.* (connector
 * scope), config.providers.<name>.* (worker scope, read by the secrets
 * module), or a pass-through namespace: producer.*, sasl.*, ssl.*,
 * security.protocol, client.id (worker), producer.override.* (connector).
 */
int conf_is_deferred_key(int scope, const char *key);

int conf_scope(const httpsrc_conf *conf);

/** Typed getters for declared keys; the value is valid (validated at set
 *  time, or the declared default). Unset with no default: @p dflt. */
int64_t conf_get_int(const httpsrc_conf *conf, const char *key, int64_t dflt);
int conf_get_bool(const httpsrc_conf *conf, const char *key, int dflt);

/** The value explicitly set for @p key, ignoring defaults; NULL if unset. */
const char *conf_get_set(const httpsrc_conf *conf, const char *key);
/** The keys set, as written and in order (the conf's own list: valid
 *  until @p conf changes). */
const kvlist *conf_pairs(const httpsrc_conf *conf);

/** httpsrc_conf_load_file() straight into @p conf: on HTTPSRC_ERR_INVAL
 *  (keys refused) the keys accepted stay set, so the rest of the file can
 *  still be checked. Each refused key is a problem (key, "<file>: <key>:
 *  <reason>" or "<file>:<line>: ...") appended to @p problems, or, with
 *  @p problems NULL, listed in @p errstr ("; "-joined); other errors
 *  (unreadable file, syntax) go to @p errstr. */
int conf_load_file_partial(httpsrc_conf *conf,
                           const char *path,
                           kvlist *problems,
                           char *errstr,
                           size_t errstr_size);

/**
 * Load @p len bytes of @p text, named @p name in errors, into @p conf:
 * connector JSON when the first non-blank byte is '{', else Java
 * .properties (httpsrc_conf_load_file() without the file). @p text[len]
 * must be a NUL byte. On failure @p conf may hold some of the keys (load
 * into a copy to keep it as it was); errstr gets one line naming @p name
 * ("<name>:<line>: <reason>" or "<name>: <key>: <reason>").
 */
int conf_load_text(httpsrc_conf *conf,
                   const char *name,
                   const char *text,
                   size_t len,
                   char *errstr,
                   size_t errstr_size);

/** Exchange the contents of two confs (lets a loader fill a copy and
 *  commit it only once everything succeeded). */
void conf_swap(httpsrc_conf *a, httpsrc_conf *b);

/* ---- Config problems ------------------------------------------------
 * Validation reports every problem, not the first: a kvlist (kvlist_int.h)
 * of (key, message) pairs in the order found, each message one line
 * "<key>: <reason>" (e.g. ("http.url", "http.url: invalid value 'x': not
 * an absolute http(s) URL")). REST's config/validate and create errors use
 * the pairs as they are; only httpsrc_conf_check() (the C API) joins them
 * with "; " (conf_problems_text()). Functions returning int: 0, or -1 on
 * ENOMEM. */

/** Append the problem of @p key, its message printf-formatted. */
int conf_problem_add(kvlist *problems, const char *key, const char *fmt, ...)
    HTTPSRC_PRINTF(3, 4);

/** Append the problems of @p more, except those of a key that one of the
 *  first @p known problems already names (a key whose value was refused
 *  is missing from the conf checked after it: no second problem). */
int conf_problem_merge(kvlist *problems, size_t known, const kvlist *more);

/** Every problem of @p conf (required keys, rules between keys; connector
 *  scope: topic, name, URL, body, cron, offset field, store types). */
int conf_check_all(const httpsrc_conf *conf, kvlist *problems);

/** The messages joined with "; " into @p errstr (httpsrc_conf_check()'s
 *  text), "out of memory" on ENOMEM. */
void conf_problems_text(const kvlist *problems, char *errstr, size_t size);

/**
 * Build a conf of @p scope from the pairs @p cfg (a connector config as
 * received: values as written) and append every problem to @p problems:
 * each key httpsrc_conf_set() refuses, a name with control characters,
 * then conf_check_all()'s (none again for a refused key). *@p clean is 1
 * when conf_check_all() found nothing: the conf may go on to the plugin
 * keys' check (pipeline_validate()). Returns the conf built (caller owns;
 * it holds the keys accepted), NULL on ENOMEM.
 */
httpsrc_conf *
conf_validate(int scope, const kvlist *cfg, kvlist *problems, int *clean);

#endif
