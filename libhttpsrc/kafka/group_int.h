/* group module: membership in a Kafka Connect worker group, speaking
 * Connect's own protocol so that httpsrc workers and Java Connect workers
 * share one cluster (issue 14, distributed.md §2).
 *
 * The member talks to the group coordinator on a connection of its own
 * (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup; versions
 * picked from the broker's ApiVersions), protocol type "connect",
 * sub-protocol "default" (EAGER: ConnectProtocol V0 metadata and
 * assignment bytes, EagerAssignor round-robin when this member is the
 * leader). PLAINTEXT, SSL (client certificates too) and SASL PLAIN /
 * SCRAM-SHA-256 / SCRAM-SHA-512 from the worker's librdkafka-style keys
 * (security.protocol, sasl.mechanisms, sasl.username, sasl.password,
 * ssl.ca.location, ssl.certificate.location, ssl.key.location,
 * ssl.key.password, ssl.endpoint.identification.algorithm,
 * enable.ssl.certificate.verification); any other mechanism is refused by
 * wgroup_new().
 *
 * Threads: wgroup_new() starts the group thread; every callback runs on
 * it, one at a time. While a callback runs, a second thread of the module
 * keeps heartbeating (as Java's heartbeat thread does), so a callback may
 * take longer than session.timeout.ms (stopping or starting many
 * connectors) without losing the membership; it should still return within
 * rebalance.timeout.ms. The functions below may be called from any thread,
 * also from a callback. */
#ifndef HTTPSRC_GROUP_INT_H
#define HTTPSRC_GROUP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "httpsrc/httpsrc.h"
#include "log_int.h"
#include "util_int.h"

/** Assignment error codes (ConnectProtocol.Assignment). */
enum { WGROUP_NO_ERROR = 0, WGROUP_CONFIG_MISMATCH = 1 };

/** ConnectProtocol.CONNECTOR_TASK: the connector instance itself. */
#define WGROUP_CONNECTOR_TASK (-1)

typedef struct wgroup_task {
        char *connector;
        int32_t task;
} wgroup_task;

/** One member's assignment (what SyncGroup brought, or what the leader
 *  computed). Everything is owned by the assignment. */
typedef struct wgroup_assignment {
        int16_t error;      /* WGROUP_NO_ERROR or WGROUP_CONFIG_MISMATCH */
        char *leader;       /* the leader's member id */
        char *leader_url;   /* the leader's advertised REST URL */
        int64_t config_offset;
        char **connectors;  /* connectors this member runs */
        size_t n_connectors;
        wgroup_task *tasks;  /* tasks this member runs */
        size_t n_tasks;
} wgroup_assignment;

void wgroup_assignment_clear(wgroup_assignment *a); /* NULL-safe; zeroes */
/** Deep copy of @p src into @p dst (zeroed first): 0, or -1 on ENOMEM
 *  (@p dst is then cleared). For a callback that keeps its assignment. */
int wgroup_assignment_copy(wgroup_assignment *dst, const wgroup_assignment *src);

/** A member as the leader sees it in JoinGroup (ConnectProtocol V0
 *  metadata). */
typedef struct wgroup_member {
        char *member_id;
        char *url;
        int64_t config_offset;
} wgroup_member;

/* ---- ConnectProtocol bytes (pure functions; tests use them) ---- */

/** Append V0 metadata: int16 0 | STRING url | INT64 config offset.
 *  -1 on ENOMEM or a url longer than 32767 bytes. */
int wgroup_metadata_encode(strbuf *out, const char *url, int64_t offset);
/** Read metadata of any version >= 0 (V1/V2 extra fields ignored, as
 *  Java's reader does): 0, or -1 if malformed. *url is malloc'ed. */
int wgroup_metadata_decode(const void *buf,
                          size_t len,
                          char **url,
                          int64_t *offset);

/** Append a V0 assignment. Entries are ordered as Java's
 *  ConnectProtocol.Assignment.asMap() orders them (connectors in the
 *  iteration order of a java.util.HashSet, then the tasks' connectors in
 *  task order), so the bytes equal Java's. -1 on ENOMEM or bad sizes. */
int wgroup_assignment_encode(strbuf *out, const wgroup_assignment *a);
/** Read an assignment of any version >= 0 (V1/V2: the "assignment" array
 *  is read, the rest ignored): 0, or -1 if malformed (then @p a is
 *  cleared). */
int wgroup_assignment_decode(const void *buf, size_t len, wgroup_assignment *a);

/** What the leader assigns: the connectors of the config snapshot and
 *  their task counts (tasks 0..n-1), filled by the herder in the work
 *  callback through wgroup_work_add(). */
typedef struct wgroup_work wgroup_work;
/** Add connector @p name with @p n_tasks tasks (a copy is kept).
 *  0, or -1 on ENOMEM. */
int wgroup_work_add(wgroup_work *w, const char *name, int32_t n_tasks);
/** The config offset of the snapshot the work comes from. */
void wgroup_work_set_offset(wgroup_work *w, int64_t offset);

wgroup_work *wgroup_work_new(void);
void wgroup_work_destroy(wgroup_work *w); /* NULL-safe */

/**
 * Java's EagerAssignor: max member config offset; if @p w's offset is
 * below it, every member gets an empty CONFIG_MISMATCH assignment at the
 * max offset; else connectors sorted (Java String order), then each
 * connector's tasks, round-robin over the member ids sorted, one iterator
 * carried from connectors to tasks. @p out gets @p n assignments, in the
 * order of @p members (caller frees each with wgroup_assignment_clear()
 * and the array with free()). 0, or -1 on ENOMEM.
 */
int wgroup_eager_assign(const wgroup_member *members,
                       size_t n,
                       const char *leader_id,
                       const wgroup_work *w,
                       wgroup_assignment **out);

/** Java's String.compareTo on UTF-8 strings (UTF-16 code unit order). */
int wgroup_java_strcmp(const char *a, const char *b);

/* ---- the member ---- */

typedef struct wgroup wgroup;

typedef struct wgroup_callbacks {
        /** The config offset of this worker's current snapshot, put in the
         *  metadata of each JoinGroup. Required. */
        int64_t (*config_offset)(void *opaque);
        /** Leader only, during the rebalance: fill @p w with the
         *  connectors and task counts of this worker's config snapshot
         *  (wgroup_work_add, wgroup_work_set_offset); @p members are all
         *  members' ids, URLs and config offsets (valid during the call).
         *  Return 0, or -1 to fail this rebalance (the member rejoins).
         *  Required. */
        int (*leader_work)(void *opaque,
                           const wgroup_member *members,
                           size_t n,
                           wgroup_work *w);
        /** Stop everything of @p prev (eager: before every rejoin, and when
         *  the member treats itself as out of the group: heartbeats
         *  unanswered for session.timeout.ms or the coordinator unreachable
         *  for heartbeat.interval.ms). Not called for an empty or failed
         *  assignment. @p prev is valid during the call. Required. */
        void (*revoked)(void *opaque, const wgroup_assignment *prev);
        /** A rebalance ended: @p a is this member's assignment in
         *  generation @p generation (valid during the call; keep it with
         *  wgroup_assignment_copy). On WGROUP_CONFIG_MISMATCH the member
         *  rejoins as soon as the call returns, with the offset
         *  config_offset() then gives: catch up with the config topic
         *  inside the call (worker.sync.timeout.ms), as Java's herder
         *  does before its next poll.
         *  Required. */
        void (*assigned)(void *opaque,
                         const wgroup_assignment *a,
                         int32_t generation);
        /** Something went wrong: a one-line message (no secret). @p fatal:
         *  the member gave up (wrong security settings, protocol refused
         *  by the group, group.id refused) and its thread ended; else it
         *  retries on its own. Optional. */
        void (*error)(void *opaque, const char *msg, int fatal);
} wgroup_callbacks;

/**
 * A member of the group of @p worker (group.id, bootstrap.servers,
 * session.timeout.ms, heartbeat.interval.ms, rebalance.timeout.ms, the
 * security keys above; Connect's defaults 10000/3000/60000), advertising
 * @p url, logging to @p lg (NULL: silent; it must outlive the member).
 * Starts the group thread, which joins at once. NULL with a
 * one-line errstr naming the key on bad settings (an unsupported SASL
 * mechanism, a missing password, an unreadable certificate). @p cbs is
 * copied; @p opaque is passed to every callback. The first callback may
 * run before wgroup_new() returns: what the callbacks need goes in
 * @p opaque (not the returned handle, until it is stored atomically).
 */
wgroup *wgroup_new(const httpsrc_conf *worker,
                 const char *url,
                 const wgroup_callbacks *cbs,
                 void *opaque,
                 const logger *lg,
                 char *errstr,
                 size_t size);

/** Leave the group (LeaveGroup, revoked callback for what it ran) and
 *  stop the thread. NULL-safe. Not from a callback. */
void wgroup_destroy(wgroup *g);

/** Ask for a rebalance (a connector was added or removed, tasks changed):
 *  the member revokes and rejoins. Any thread. */
void wgroup_request_rejoin(wgroup *g);

/** Leave the group now (revoked callback, LeaveGroup) and join again,
 *  as a new member, after @p backoff_ms or at the next
 *  wgroup_request_rejoin(): Connect's answer to a config topic it cannot
 *  read in time (worker.unsync.backoff.ms). Any thread. */
void wgroup_leave_for(wgroup *g, int backoff_ms);

/** The current generation, -1 before the first assignment. */
int32_t wgroup_generation(wgroup *g);
/** Copy the member id ("" before the first join) into @p buf. */
void wgroup_member_id(wgroup *g, char *buf, size_t size);
/** 1 if this member is the leader of the current generation. */
int wgroup_is_leader(wgroup *g);
/** Copy the leader's URL ("" when unknown) into @p buf. */
void wgroup_leader_url(wgroup *g, char *buf, size_t size);
/** Leader only: the URL of the member that runs @p connector's task
 *  @p task (WGROUP_CONNECTOR_TASK: the connector) in the current
 *  generation, copied into @p buf; 0, or -1 if unknown. */
int wgroup_owner_url(wgroup *g,
                    const char *connector,
                    int32_t task,
                    char *buf,
                    size_t size);

#endif
