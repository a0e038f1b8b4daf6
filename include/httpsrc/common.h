/*
 * libhttpsrc - common.h: types shared by the library API (httpsrc.h) and the
 * plugin ABI (plugin.h): error codes, log levels, declared config keys.
 *
 * Every enum value here is frozen: values are never renumbered or reused,
 * new ones are only appended.
 */
#ifndef HTTPSRC_COMMON_H
#define HTTPSRC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Result codes. Zero and positive values are success; negative values
 * are errors, so `if (rc < 0)` always means failure.
 * @since 0.1
 */
typedef enum httpsrc_err {
        HTTPSRC_OK               = 0,   /**< success */
        HTTPSRC_DONE             = 1,   /**< iteration finished, not an error */
        HTTPSRC_FILTERED         = 2,   /**< transform dropped the record */
        HTTPSRC_ERR_NOMEM        = -1,  /**< out of memory */
        HTTPSRC_ERR_INVAL        = -2,  /**< invalid argument or config */
        HTTPSRC_ERR_IO           = -3,  /**< file or socket I/O error */
        HTTPSRC_ERR_TIMEOUT      = -4,  /**< operation timed out */
        HTTPSRC_ERR_HTTP_STATUS  = -5,  /**< unexpected HTTP status */
        HTTPSRC_ERR_AUTH         = -6,  /**< authentication failed */
        HTTPSRC_ERR_RATE_LIMITED = -7,  /**< server asked us to slow down */
        HTTPSRC_ERR_PARSE        = -8,  /**< malformed input (JSON, ...) */
        HTTPSRC_ERR_PLUGIN_ABI   = -9,  /**< plugin built for another ABI */
        HTTPSRC_ERR_PLUGIN_INIT  = -10, /**< plugin init failed */
        HTTPSRC_ERR_KAFKA        = -11, /**< Kafka produce/delivery error */
        HTTPSRC_ERR_NOENT        = -12, /**< no such object (file, key) */
        HTTPSRC_ERR_STATE        = -13, /**< call not valid in this state */
        HTTPSRC_ERR_TRANSPORT    = -14, /**< connection/transport error */
        HTTPSRC_ERR_LIMIT        = -15, /**< a configured limit was hit */
        /** not now: call again later with the same input (a record
         *  callback: the record is offered again after a backoff).
         *  @since 0.2 */
        HTTPSRC_RETRY = 3,
} httpsrc_err;

/** @brief Log levels, syslog numbering. @since 0.1
 *
 *  There is no TRACE level: DEBUG is the finest. The names log4j and the
 *  Connect REST API use map onto these: TRACE and ALL are DEBUG (PUT
 *  /admin/loggers/<name> accepts them, as does --log-level=trace), OFF and
 *  FATAL log nothing (the host logs no fatal messages). */
typedef enum httpsrc_log_level {
        HTTPSRC_LOG_ERROR = 3,
        HTTPSRC_LOG_WARN  = 4,
        HTTPSRC_LOG_INFO  = 6,
        HTTPSRC_LOG_DEBUG = 7,
} httpsrc_log_level;

/** @brief Types of declared configuration keys. @since 0.1 */
typedef enum httpsrc_param_type {
        HTTPSRC_PARAM_STRING   = 0, /**< any string */
        HTTPSRC_PARAM_INT      = 1, /**< 64-bit integer within [min, max] */
        HTTPSRC_PARAM_BOOL     = 2, /**< true|false (case-insensitive) */
        HTTPSRC_PARAM_ENUM     = 3, /**< one of enum_values, case-insensitive */
        HTTPSRC_PARAM_LIST     = 4, /**< comma-separated list */
        HTTPSRC_PARAM_PASSWORD = 5, /**< secret string: never logged/shown */
        HTTPSRC_PARAM_JSONPATH = 6, /**< JSONPath expression, compiled */
        HTTPSRC_PARAM_CRON     = 7, /**< Quartz cron expression */
} httpsrc_param_type;

/** Key must be set. */
#define HTTPSRC_PARAM_F_REQUIRED 0x1u

/**
 * @brief Declaration of one configuration key. Arrays of these end with an
 * entry whose name is NULL. The layout is frozen for ABI 1; @c reserved is
 * zero and keeps room for later fields.
 * @since 0.1
 */
typedef struct httpsrc_param_desc {
        const char *name;          /**< full key, e.g. "http.url" */
        int32_t type;              /**< httpsrc_param_type */
        uint32_t flags;            /**< HTTPSRC_PARAM_F_* */
        const char *default_value; /**< NULL: no default */
        const char *doc;           /**< one-line description */
        const char *group;         /**< e.g. "request", "pagination" */
        const char *enum_values;   /**< ENUM: "A|B|C" */
        int64_t min;               /**< INT: inclusive bounds, */
        int64_t max;               /**< ignored when both are 0 */
        void *reserved[4];
} httpsrc_param_desc;

#ifdef __cplusplus
}
#endif
#endif /* HTTPSRC_COMMON_H */
