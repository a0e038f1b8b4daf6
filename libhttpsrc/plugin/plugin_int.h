/* plugin loader module: dlopen plugins, check their ABI, keep a registry
 * of the components they register (host-owned copies of their vtables). */
#ifndef HTTPSRC_PLUGIN_INT_H
#define HTTPSRC_PLUGIN_INT_H

#include <stddef.h>

#include "httpsrc/plugin.h"

typedef struct plugin_registry plugin_registry;
typedef struct loaded_plugin loaded_plugin;

/** A registered component: a zeroed host copy of min(plugin size, host
 *  size) bytes of its vtable. */
typedef struct plugin_component {
        int kind; /* httpsrc_component_kind */
        union {
                httpsrc_source_ops source;
                httpsrc_auth_ops auth;
                httpsrc_paginator_ops paginator;
                httpsrc_transform_ops transform;
                httpsrc_predicate_ops predicate;
        } ops;
        const char *name; /* ops.X.name */
        void *plugin_ctx; /* from the plugin's init */
        const loaded_plugin *plugin;
} plugin_component;

/** @p host: the services table; the registry keeps its own copy with
 *  register_component filled in (other members are passed through). */
plugin_registry *plugin_registry_new(const struct httpsrc_host_api *host);
/** Runs every fini, then dlcloses. Call after every instance is gone. */
void plugin_registry_destroy(plugin_registry *r); /* NULL-safe */

/**
 * Load one plugin file. Exact messages in errstr (tests assert them):
 *   "<path>: cannot open: <dlerror>"
 *   "<path>: no entry point httpsrc_plugin_entry_v1; plugin built for
 *    another ABI major?"
 *   "<path>: struct httpsrc_plugin_info too small (N bytes, need at least M)"
 *   "<path>: plugin ABI N.x, host ABI 1.x"
 *   "<path>: plugin ABI 1.N is newer than host ABI 1.M"
 *   "<path>: plugin name 'X' does not match file name (expected httpsrc-X.so)"
 *   "<path>: init failed: <plugin errstr>"
 *   "<path>: registration failed: <reason>" (bad vtable, duplicate name)
 * Loading a file already loaded (same realpath) is a no-op.
 */
int plugin_registry_load(plugin_registry *r,
                         const char *path,
                         char *errstr,
                         size_t errstr_size);

/** Called for each plugin file that fails to load in a directory scan. */
typedef void (*plugin_error_fn)(void *opaque, const char *message);

/** Load every httpsrc-*.so in each directory of @p path_list (separated by
 *  ',' or ':'), in name order. Failures go to @p on_error and loading goes
 *  on. Returns the number of plugins loaded, or < 0 if a directory cannot
 *  be read (errstr "<dir>: <strerror>"). */
int plugin_registry_load_path(plugin_registry *r,
                              const char *path_list,
                              plugin_error_fn on_error,
                              void *opaque,
                              char *errstr,
                              size_t errstr_size);

/** The plugin directory when plugin.path is not set: @p installed (the
 *  build's plugindir) if it is a directory, else, when libhttpsrc runs from
 *  a build tree, the "plugins" directory next to the directory it was
 *  loaded from (build/cli/../plugins), written to @p buf; else
 *  @p installed. */
const char *plugin_default_dir(const char *installed, char *buf, size_t size);

/** Find a component of @p kind by name, case-insensitively; a dotted class
 *  name ("org.apache.kafka.connect.transforms.ValueToKey") also matches its
 *  last segment and vice versa. NULL if none. */
const plugin_component *
plugin_registry_find(const plugin_registry *r, int kind, const char *name);
size_t plugin_registry_count(const plugin_registry *r, int kind);
const plugin_component *
plugin_registry_at(const plugin_registry *r, int kind, size_t i);
/** The host table handed to plugins (with register_component set). */
const struct httpsrc_host_api *plugin_registry_host(const plugin_registry *r);

/** The declared keys of @p pc's component (NULL-safe). */
const httpsrc_param_desc *plugin_component_params(const plugin_component *pc);

/** The connector classes of the built-in HTTP source (NULL-terminated):
 *  "HttpSource", Confluent's and castorm's class names. */
extern const char *const plugin_builtin_sources[];

/** Name, version and path of a loaded plugin. */
const char *loaded_plugin_name(const loaded_plugin *p);
const char *loaded_plugin_version(const loaded_plugin *p);
const char *loaded_plugin_path(const loaded_plugin *p);

/** Copy a plugin vtable @p ops (which starts with uint32_t struct_size)
 *  into the zeroed host struct @p dst of @p dst_size bytes: copies
 *  min(ops->struct_size, dst_size) bytes, zeroes the rest and sets the
 *  copy's struct_size to that clamped size, so HTTPSRC_OPS_HAS() is false
 *  for every member the plugin did not provide. Returns the clamped size. */
size_t plugin_ops_copy(void *dst, size_t dst_size, const void *ops);

/** Size of the ABI 1.0 vtable of @p kind (offset of its last 1.0 member plus
 *  that member's size); 0 for an unknown kind. */
size_t plugin_ops_min_size(int kind);

#endif
