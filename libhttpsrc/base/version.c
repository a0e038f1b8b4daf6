/* Library version and the names and texts of error codes. */
#include "httpsrc/httpsrc.h"

#define HTTPSRC_STR_(x) #x
#define HTTPSRC_STR(x)  HTTPSRC_STR_(x)

struct err_desc {
        int code;
        const char *name;
        const char *text;
};

/* One row per code of httpsrc_err; the order does not matter. */
static const struct err_desc err_descs[] = {
    {HTTPSRC_OK, "HTTPSRC_OK", "Success"},
    {HTTPSRC_DONE, "HTTPSRC_DONE", "Done"},
    {HTTPSRC_FILTERED, "HTTPSRC_FILTERED", "Record filtered out"},
    {HTTPSRC_ERR_NOMEM, "HTTPSRC_ERR_NOMEM", "Out of memory"},
    {HTTPSRC_ERR_INVAL, "HTTPSRC_ERR_INVAL",
     "Invalid argument or configuration"},
    {HTTPSRC_ERR_IO, "HTTPSRC_ERR_IO", "I/O error"},
    {HTTPSRC_ERR_TIMEOUT, "HTTPSRC_ERR_TIMEOUT", "Operation timed out"},
    {HTTPSRC_ERR_HTTP_STATUS, "HTTPSRC_ERR_HTTP_STATUS",
     "Unexpected HTTP status"},
    {HTTPSRC_ERR_AUTH, "HTTPSRC_ERR_AUTH", "Authentication failed"},
    {HTTPSRC_ERR_RATE_LIMITED, "HTTPSRC_ERR_RATE_LIMITED",
     "Rate limited by the server"},
    {HTTPSRC_ERR_PARSE, "HTTPSRC_ERR_PARSE", "Malformed input"},
    {HTTPSRC_ERR_PLUGIN_ABI, "HTTPSRC_ERR_PLUGIN_ABI",
     "Plugin built for an incompatible ABI"},
    {HTTPSRC_ERR_PLUGIN_INIT, "HTTPSRC_ERR_PLUGIN_INIT",
     "Plugin initialization failed"},
    {HTTPSRC_ERR_KAFKA, "HTTPSRC_ERR_KAFKA", "Kafka error"},
    {HTTPSRC_ERR_NOENT, "HTTPSRC_ERR_NOENT", "No such object"},
    {HTTPSRC_ERR_STATE, "HTTPSRC_ERR_STATE",
     "Operation not valid in this state"},
    {HTTPSRC_ERR_TRANSPORT, "HTTPSRC_ERR_TRANSPORT",
     "Connection or transport error"},
    {HTTPSRC_ERR_LIMIT, "HTTPSRC_ERR_LIMIT", "Configured limit exceeded"},
    {HTTPSRC_RETRY, "HTTPSRC_RETRY", "Not now, try again later"},
};

static const struct err_desc *err_find(int err)
{
        for (size_t i = 0; i < sizeof(err_descs) / sizeof(err_descs[0]); i++)
                if (err_descs[i].code == err)
                        return &err_descs[i];
        return NULL;
}

HTTPSRC_API unsigned int httpsrc_version(void)
{
        return HTTPSRC_VERSION_NUM;
}

HTTPSRC_API const char *httpsrc_version_str(void)
{
        return HTTPSRC_STR(HTTPSRC_VERSION_MAJOR) "." HTTPSRC_STR(
            HTTPSRC_VERSION_MINOR) "." HTTPSRC_STR(HTTPSRC_VERSION_PATCH);
}

HTTPSRC_API const char *httpsrc_err_name(httpsrc_err err)
{
        const struct err_desc *d = err_find(err);
        return d ? d->name : "HTTPSRC_ERR_UNKNOWN";
}

HTTPSRC_API const char *httpsrc_strerror(httpsrc_err err)
{
        const struct err_desc *d = err_find(err);
        return d ? d->text : "Unknown error";
}

/* The one table of state names: REST, /metrics, the config store and the
 * logs all name a state through it. */
HTTPSRC_API const char *httpsrc_state_name(httpsrc_state state)
{
        static const char *const names[] = {"UNASSIGNED", "RUNNING",
                                            "PAUSED",     "STOPPED",
                                            "FAILED",     "RESTARTING"};
        return (unsigned)state <= HTTPSRC_STATE_RESTARTING ? names[state]
                                                           : NULL;
}

HTTPSRC_API int httpsrc_err_is_retriable(httpsrc_err err)
{
        return err == HTTPSRC_ERR_TIMEOUT || err == HTTPSRC_ERR_TRANSPORT ||
               err == HTTPSRC_ERR_RATE_LIMITED;
}
