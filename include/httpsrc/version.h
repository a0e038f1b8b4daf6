/*
 * libhttpsrc - stream HTTP/REST APIs into Apache Kafka.
 * version.h: compile-time version of the library and of the plugin ABI.
 *
 * The library version (soname, HTTPSRC_VERSION_*) and the plugin ABI version
 * (HTTPSRC_PLUGIN_ABI_*) are kept apart: the ABI major changes only for
 * incompatible plugin ABI changes, the minor for append-only additions.
 * meson reads these defines, so the version is written here and nowhere else.
 */
#ifndef HTTPSRC_VERSION_H
#define HTTPSRC_VERSION_H

#define HTTPSRC_VERSION_MAJOR 0
#define HTTPSRC_VERSION_MINOR 1
#define HTTPSRC_VERSION_PATCH 0

/** Library version as 0x00MMmmpp, comparable with httpsrc_version(). */
#define HTTPSRC_VERSION_NUM                                                    \
        ((HTTPSRC_VERSION_MAJOR << 16) | (HTTPSRC_VERSION_MINOR << 8) |        \
         HTTPSRC_VERSION_PATCH)

/** Plugin ABI major: a plugin built for another major is refused. */
#define HTTPSRC_PLUGIN_ABI_MAJOR 1
/** Plugin ABI minor: plugins built for a newer minor are refused. */
#define HTTPSRC_PLUGIN_ABI_MINOR 0

#endif /* HTTPSRC_VERSION_H */
