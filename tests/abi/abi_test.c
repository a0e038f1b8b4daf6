/* ABI layout guard (LP64): every public struct's size and member offsets,
 * and every frozen enum value, as released in ABI 1.0. Any change here is
 * an ABI break: append new members after the 1.0 ones and never edit the
 * numbers below (style-anchors §10 pitfalls 1 and 2). */
#include <stddef.h>

#include "httpsrc/httpsrc.h"
#include "httpsrc/plugin.h"

#define AT(type, member, off)                                                  \
        _Static_assert(offsetof(type, member) == (off),                        \
                       #type "." #member " moved")
/* The 1.0 size of a vtable: its last 1.0 member's end. Later minors may
 * only grow sizeof beyond it. */
#define V10_END(type, last, size)                                              \
        _Static_assert(offsetof(type, last) + sizeof(((type *)0)->last) ==     \
                           (size),                                             \
                       #type " 1.0 size changed");                             \
        _Static_assert(sizeof(type) >= (size), #type " shrank")

/* httpsrc_plugin_info: 48 bytes, no padding (compared field by field). */
_Static_assert(sizeof(httpsrc_plugin_info) == 48, "plugin_info size");
_Static_assert(HTTPSRC_PLUGIN_INFO_MIN_SIZE == 48, "plugin_info 1.0 size");
AT(httpsrc_plugin_info, struct_size, 0);
AT(httpsrc_plugin_info, abi_major, 4);
AT(httpsrc_plugin_info, abi_minor, 6);
AT(httpsrc_plugin_info, name, 8);
AT(httpsrc_plugin_info, version, 16);
AT(httpsrc_plugin_info, description, 24);
AT(httpsrc_plugin_info, init, 32);
AT(httpsrc_plugin_info, fini, 40);
_Static_assert(offsetof(httpsrc_plugin_info, fini) +
                       sizeof(httpsrc_plugin_fini_fn) ==
                   sizeof(httpsrc_plugin_info),
               "padding at the end of httpsrc_plugin_info");

/* The head shared by the vtables. */
#define HEAD_AT(type)                                                          \
        AT(type, struct_size, 0);                                              \
        AT(type, flags, 4);                                                    \
        AT(type, name, 8);                                                     \
        AT(type, description, 16);                                             \
        AT(type, params, 24)

HEAD_AT(httpsrc_source_ops);
AT(httpsrc_source_ops, create, 32);
AT(httpsrc_source_ops, build_request, 40);
AT(httpsrc_source_ops, parse_response, 48);
AT(httpsrc_source_ops, destroy, 56);
V10_END(httpsrc_source_ops, destroy, 64);

HEAD_AT(httpsrc_auth_ops);
AT(httpsrc_auth_ops, create, 32);
AT(httpsrc_auth_ops, apply, 40);
AT(httpsrc_auth_ops, on_response, 48);
AT(httpsrc_auth_ops, destroy, 56);
V10_END(httpsrc_auth_ops, destroy, 64);

HEAD_AT(httpsrc_paginator_ops);
AT(httpsrc_paginator_ops, offset_field, 32);
AT(httpsrc_paginator_ops, create, 40);
AT(httpsrc_paginator_ops, start, 48);
AT(httpsrc_paginator_ops, next, 56);
AT(httpsrc_paginator_ops, destroy, 64);
V10_END(httpsrc_paginator_ops, destroy, 72);

HEAD_AT(httpsrc_transform_ops);
AT(httpsrc_transform_ops, create, 32);
AT(httpsrc_transform_ops, apply, 40);
AT(httpsrc_transform_ops, destroy, 48);
V10_END(httpsrc_transform_ops, destroy, 56);

/* httpsrc_host_api: the version fields first, then one pointer per
 * service, in 1.0 order. */
#define HOST_AT(member, off) AT(struct httpsrc_host_api, member, off)
HOST_AT(struct_size, 0);
HOST_AT(abi_major, 4);
HOST_AT(abi_minor, 6);
HOST_AT(register_component, 8);
HOST_AT(log, 16);
HOST_AT(set_error, 24);
HOST_AT(alloc, 32);
HOST_AT(realloc, 40);
HOST_AT(free, 48);
HOST_AT(strdup, 56);
HOST_AT(conf_get, 64);
HOST_AT(req_get_method, 72);
HOST_AT(req_set_method, 80);
HOST_AT(req_get_url, 88);
HOST_AT(req_set_url, 96);
HOST_AT(req_set_query, 104);
HOST_AT(req_set_header, 112);
HOST_AT(req_get_body, 120);
HOST_AT(req_set_body, 128);
HOST_AT(resp_status, 136);
HOST_AT(resp_header, 144);
HOST_AT(resp_body, 152);
HOST_AT(resp_json, 160);
HOST_AT(resp_url, 168);
HOST_AT(json_parse, 176);
HOST_AT(json_destroy, 184);
HOST_AT(json_type, 192);
HOST_AT(json_get, 200);
HOST_AT(json_at, 208);
HOST_AT(json_key_at, 216);
HOST_AT(json_len, 224);
HOST_AT(json_string, 232);
HOST_AT(json_number_text, 240);
HOST_AT(json_bool, 248);
HOST_AT(json_query, 256);
HOST_AT(json_serialize, 264);
HOST_AT(json_scalar_text, 272);
HOST_AT(json_new_object, 280);
HOST_AT(json_object_put, 288);
HOST_AT(json_clone, 296);
HOST_AT(json_new_string, 304);
HOST_AT(rec_value, 312);
HOST_AT(rec_key, 320);
HOST_AT(rec_value_json, 328);
HOST_AT(rec_set_value, 336);
HOST_AT(rec_set_key, 344);
HOST_AT(rec_set_key_json, 352);
HOST_AT(rec_set_value_json, 360);
HOST_AT(rec_topic, 368);
HOST_AT(rec_set_topic, 376);
HOST_AT(emit, 384);
HOST_AT(now_ms, 392);
V10_END(struct httpsrc_host_api, now_ms, 400);

/* httpsrc_param_desc: frozen for ABI 1, room kept in reserved. */
_Static_assert(sizeof(httpsrc_param_desc) == 96, "param_desc size");
AT(httpsrc_param_desc, name, 0);
AT(httpsrc_param_desc, type, 8);
AT(httpsrc_param_desc, flags, 12);
AT(httpsrc_param_desc, default_value, 16);
AT(httpsrc_param_desc, doc, 24);
AT(httpsrc_param_desc, group, 32);
AT(httpsrc_param_desc, enum_values, 40);
AT(httpsrc_param_desc, min, 48);
AT(httpsrc_param_desc, max, 56);
AT(httpsrc_param_desc, reserved, 64);
_Static_assert(HTTPSRC_PARAM_F_REQUIRED == 0x1u, "param flag");

/* Frozen enum values. */
#define VAL(name, v) _Static_assert((name) == (v), #name " renumbered")
VAL(HTTPSRC_OK, 0);
VAL(HTTPSRC_DONE, 1);
VAL(HTTPSRC_FILTERED, 2);
VAL(HTTPSRC_ERR_NOMEM, -1);
VAL(HTTPSRC_ERR_INVAL, -2);
VAL(HTTPSRC_ERR_IO, -3);
VAL(HTTPSRC_ERR_TIMEOUT, -4);
VAL(HTTPSRC_ERR_HTTP_STATUS, -5);
VAL(HTTPSRC_ERR_AUTH, -6);
VAL(HTTPSRC_ERR_RATE_LIMITED, -7);
VAL(HTTPSRC_ERR_PARSE, -8);
VAL(HTTPSRC_ERR_PLUGIN_ABI, -9);
VAL(HTTPSRC_ERR_PLUGIN_INIT, -10);
VAL(HTTPSRC_ERR_KAFKA, -11);
VAL(HTTPSRC_ERR_NOENT, -12);
VAL(HTTPSRC_ERR_STATE, -13);
VAL(HTTPSRC_ERR_TRANSPORT, -14);
VAL(HTTPSRC_ERR_LIMIT, -15);
VAL(HTTPSRC_RETRY, 3);
VAL(HTTPSRC_LOG_ERROR, 3);
VAL(HTTPSRC_LOG_WARN, 4);
VAL(HTTPSRC_LOG_INFO, 6);
VAL(HTTPSRC_LOG_DEBUG, 7);
VAL(HTTPSRC_PARAM_STRING, 0);
VAL(HTTPSRC_PARAM_INT, 1);
VAL(HTTPSRC_PARAM_BOOL, 2);
VAL(HTTPSRC_PARAM_ENUM, 3);
VAL(HTTPSRC_PARAM_LIST, 4);
VAL(HTTPSRC_PARAM_PASSWORD, 5);
VAL(HTTPSRC_PARAM_JSONPATH, 6);
VAL(HTTPSRC_KIND_SOURCE, 1);
VAL(HTTPSRC_KIND_AUTH, 2);
VAL(HTTPSRC_KIND_PAGINATOR, 3);
VAL(HTTPSRC_KIND_TRANSFORM, 4);
VAL(HTTPSRC_JSON_NULL, 0);
VAL(HTTPSRC_JSON_BOOL, 1);
VAL(HTTPSRC_JSON_NUMBER, 2);
VAL(HTTPSRC_JSON_STRING, 3);
VAL(HTTPSRC_JSON_ARRAY, 4);
VAL(HTTPSRC_JSON_OBJECT, 5);
VAL(HTTPSRC_PLUGIN_ABI_MAJOR, 1);

/* 0.2: httpsrc_source_record (append-only from here on) and the header. */
AT(httpsrc_source_record, struct_size, 0);
AT(httpsrc_source_record, connector, 8);
AT(httpsrc_source_record, topic, 16);
AT(httpsrc_source_record, key, 24);
AT(httpsrc_source_record, key_len, 32);
AT(httpsrc_source_record, value, 40);
AT(httpsrc_source_record, value_len, 48);
AT(httpsrc_source_record, headers, 56);
AT(httpsrc_source_record, n_headers, 64);
AT(httpsrc_source_record, timestamp_ms, 72);
AT(httpsrc_source_record, source_partition, 80);
AT(httpsrc_source_record, source_offset, 88);
_Static_assert(sizeof(httpsrc_source_record) >= 96, "source_record shrank");
AT(httpsrc_header, name, 0);
AT(httpsrc_header, value, 8);
AT(httpsrc_header, value_len, 16);

int main(void)
{
        return 0;
}
