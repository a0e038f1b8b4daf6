/*
 * libhttpsrc - export.h: symbol visibility and deprecation macros.
 */
#ifndef HTTPSRC_EXPORT_H
#define HTTPSRC_EXPORT_H

#if defined(_WIN32)
#if defined(HTTPSRC_BUILDING_LIBRARY)
#define HTTPSRC_API __declspec(dllexport)
#else
#define HTTPSRC_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define HTTPSRC_API __attribute__((visibility("default")))
#else
#define HTTPSRC_API
#endif

/** Marks a symbol deprecated since library version @p since. */
#if defined(__GNUC__)
#define HTTPSRC_DEPRECATED(since, msg)                                         \
        __attribute__((deprecated("since " since ": " msg)))
#else
#define HTTPSRC_DEPRECATED(since, msg)
#endif

/** printf-style format checking for variadic logging functions. */
#if defined(__GNUC__)
#define HTTPSRC_PRINTF(fmt_idx, arg_idx)                                       \
        __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define HTTPSRC_PRINTF(fmt_idx, arg_idx)
#endif

#endif /* HTTPSRC_EXPORT_H */
