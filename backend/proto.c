/*
 * proto.c: the vigil.v1 wire codec: the table of every message's fields,
 * decoding and validating frames, encoding messages, and the names of
 * types (roles and severities are named in proto-types.c).
 *
 * The tables are walked by proto-field.c; the command document, the
 * audit line and the --json reports have files of their own
 * (proto-command.c, proto-audit.c, proto-report.c).
 */
#include <jansson.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto-field.h"
#include "proto-plan.h"
#include "util.h"

static int	 proto_check_flags(struct proto_ctx *,
		    const struct proto_hello *);
static int	 proto_check_builds(struct proto_ctx *,
		    const struct proto_hello *);
static int	 proto_check_named(struct proto_ctx *, const char *,
		    const char *);
static const struct proto_type *proto_decode_type(json_t *, char *, size_t);
static int	 proto_decode_scan(const char *, size_t, struct proto_msg *);
static int	 proto_decode_scan_cert(const char *, size_t,
		    struct proto_msg *);
static int	 proto_scan_typed(struct proto_scan *, const char *, size_t,
		    const struct proto_field *const *, const size_t *, size_t,
		    const char *);
static int	 proto_decode_frame(const char *, size_t, struct proto_msg *,
		    char *, size_t);
struct proto_doc_kept;
static char	**proto_doc_field(struct proto_msg *);
static char	*proto_encode_whole(const struct proto_msg *);
static char	*proto_encode_recall(const struct proto_msg *);
static char	*proto_encode_direct(const struct proto_msg *, size_t);
static int	 proto_writes(enum msg_type);
static const char *proto_skip_ws(const char *, const char *);
static const char *proto_skip_string(const char *, const char *);
static const char *proto_skip_value(const char *, const char *);
static int	 proto_doc_span(const char *, size_t, const char **,
		    size_t *);
static int	 proto_doc_recall(const char *, size_t, const char *, size_t,
		    struct proto_msg *, char *, size_t);
static void	 proto_doc_keep(const char *, size_t, struct proto_msg *);
static void	 proto_doc_hold(struct proto_doc_kept *, const char *,
		    size_t, const char *);

static int	 proto_scanner_on = 1;
static int	 proto_writer_on = 1;

#define PROTO_FRAME_BYTES	1024	/* a kept frame's room */
#define PROTO_FRAMES_KEPT	8192	/* at most, in a thread */

/* Frames freed for the next (proto_frame_free), linked by first word. */
static _Thread_local struct {
	char	*head;
	size_t	 n;
} proto_frames;

/* Documents below this many bytes are decoded afresh: cheap enough. */
#define PROTO_KEEP_MIN		4096

static const struct proto_field proto_flag_fields[] = {
	P_STR(struct proto_flag, name, FIELD_NONEMPTY),
	P_NUM(struct proto_flag, on, KIND_BOOL, 0, 0, 0),
	P_STR(struct proto_flag, path, 0),
};

static const struct proto_field proto_manifest_fields[] = {
	P_STR(struct proto_manifest_entry, name, FIELD_NONEMPTY),
	P_STR(struct proto_manifest_entry, path, FIELD_NONEMPTY),
};

static const struct proto_field proto_retired_fields[] = {
	P_STR(struct proto_retired, path, FIELD_NONEMPTY),
};

static const struct proto_field proto_build_fields[] = {
	P_STR(struct proto_build, id, FIELD_NONEMPTY),
	P_NUM(struct proto_build, active, KIND_BOOL, 0, 0, 0),
	P_ARRAY(struct proto_build, manifest, nmanifest,
	    proto_manifest_fields, PROTO_MAX_FLAGS),
	P_ARRAY(struct proto_build, retired, nretired, proto_retired_fields,
	    PROTO_MAX_RETIRED),
};

static const struct proto_field proto_operator_key_fields[] = {
	P_STR(struct proto_operator_key, operator,
	    FIELD_NONEMPTY|FIELD_OPERATOR),
	P_STR(struct proto_operator_key, key, FIELD_NONEMPTY),
};

/* Who may read a node's telemetry, as its hello says. */
static const char *const proto_read_words[] = { "anyone", "key", NULL };

/* The version comes right after the node, so a newer sender is named. */
/* What a command's signature covers: its document's SHA-256. */
static const char *const proto_covers_words[] = {
	PROTO_COVERS_SHA256, NULL
};

const struct proto_field proto_hello_fields[] = {
	P_STR(struct proto_hello, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_hello, version, KIND_VERSION, 0, 0, 0),
	P_NUM(struct proto_hello, role, KIND_ROLE, 0, 0, 0),
	P_STR(struct proto_hello, group, 0),
	P_STR(struct proto_hello, build, FIELD_NONEMPTY),
	P_STR(struct proto_hello, scenario, FIELD_OPTIONAL),
	P_NUM(struct proto_hello, clock_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_hello, time_scale, KIND_DOUBLE,
	    FIELD_OPTIONAL|FIELD_POSITIVE|FIELD_SCALE, 0, 1),
	P_NUM(struct proto_hello, link_nodes, KIND_INT, FIELD_OPTIONAL, 1, 0),
	P_HEX(struct proto_hello, transport_key, FIELD_OPTIONAL, 64),
	P_ARRAY(struct proto_hello, flags, nflags, proto_flag_fields,
	    PROTO_MAX_FLAGS),
	/* Optional: a node that lists no builds holds only its build. */
	{ .key = "builds", .kind = KIND_ARRAY,
	  .off = offsetof(struct proto_hello, builds),
	  .size = sizeof (struct proto_build), .sub = proto_build_fields,
	  .nsub = nitems(proto_build_fields),
	  .countoff = offsetof(struct proto_hello, nbuilds),
	  .max = PROTO_MAX_BUILDS, .flags = FIELD_OPTIONAL|FIELD_HEAP },
	{ .key = "operators", .kind = KIND_ARRAY,
	  .off = offsetof(struct proto_hello, operators),
	  .size = sizeof (struct proto_operator_key),
	  .sub = proto_operator_key_fields,
	  .nsub = nitems(proto_operator_key_fields),
	  .countoff = offsetof(struct proto_hello, noperators),
	  .max = PROTO_MAX_OPERATORS, .flags = FIELD_OPTIONAL|FIELD_HEAP },
	P_HEX(struct proto_hello, challenge, FIELD_OPTIONAL, 32),
	P_WORDS(struct proto_hello, read, FIELD_OPTIONAL, proto_read_words),
	P_WORDS(struct proto_hello, signs, FIELD_OPTIONAL|FIELD_NONEMPTY,
	    proto_covers_words),
};

static const struct proto_field proto_stats_fields[] = {
	P_STR(struct proto_stats, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_stats, role, KIND_ROLE, 0, 0, 0),
	P_NUM(struct proto_stats, clock_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_stats, uptime_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_stats, seq, KIND_U64, 0, 0, 0),
};

static const char *const proto_state_words[] = {
	[STATE_RUNNING] = "running",
	[STATE_HALTING] = "halting",
	[STATE_KILLED] = "killed",
	NULL
};

const struct proto_field proto_router_fields[] = {
	P_NUM(struct proto_router_stats, parents_total, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_router_stats, parent_shares_total, KIND_U64, 0, 0,
	    0),
	P_NUM(struct proto_router_stats, child_orders_total, KIND_U64, 0, 0,
	    0),
	P_NUM(struct proto_router_stats, child_shares_total, KIND_U64, 0, 0,
	    0),
	P_NUM(struct proto_router_stats, parents_refused_total, KIND_U64, 0,
	    0, 0),
	P_NUM(struct proto_router_stats, open_parents, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_router_stats, worst_ratio, KIND_DOUBLE, 0, 0, 0),
	P_STR(struct proto_router_stats, worst_parent, 0),
	P_WORD(struct proto_router_stats, state, FIELD_NONEMPTY,
	    proto_state_words, PROTO_WORD_MAX),
	P_NUM(struct proto_router_stats, open_children, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_router_stats, children_cancelled_total, KIND_U64,
	    0, 0, 0),
};

static const struct proto_field proto_blacklist_fields[] = {
	P_STR(struct proto_blacklist, peer, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_blacklist, reported_by, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_blacklist, evidence, FIELD_NONEMPTY),
	P_NUM(struct proto_blacklist, since_ms, KIND_I64, 0, 0, 0),
};

const struct proto_field proto_station_fields[] = {
	P_NUM(struct proto_station_stats, heartbeats_total, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_station_stats, devices, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_station_stats, devices_failed, KIND_U64, 0, 0, 0),
	P_NUM(struct proto_station_stats, device_countdown_ms, KIND_I64, 0,
	    -1, 0),
	P_NUM(struct proto_station_stats, heartbeat_interval_ms, KIND_I64, 0,
	    0, 0),
	P_NUM(struct proto_station_stats, device_timeout_ms, KIND_I64, 0, 0,
	    0),
	P_NUM(struct proto_station_stats, renewals_ok_total, KIND_U64, 0, 0,
	    0),
	P_NUM(struct proto_station_stats, renewals_failed_total, KIND_U64, 0,
	    0, 0),
	P_NUM(struct proto_station_stats, messages_signed_total, KIND_U64, 0,
	    0, 0),
	P_NUM(struct proto_station_stats, messages_rejected_total, KIND_U64,
	    0, 0, 0),
	P_NUM(struct proto_station_stats, root_keys_destroyed, KIND_U64,
	    FIELD_OPTIONAL, 0, 0),
	P_HEAPARRAY(struct proto_station_stats, blacklist, nblacklist,
	    proto_blacklist_fields, PROTO_MAX_BLACKLIST),
};

const struct proto_field proto_cert_fields[] = {
	P_STR(struct proto_cert, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_cert, clock_ms, KIND_I64, 0, 0, 0),
	P_STR(struct proto_cert, subject, 0),
	P_STR(struct proto_cert, serial, 0),
	P_STR(struct proto_cert, issuer, 0),
	P_NUM(struct proto_cert, not_before_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_cert, not_after_ms, KIND_I64, 0, 0, 0),
	P_STR(struct proto_cert, root_holder, FIELD_ID),
	P_NUM(struct proto_cert, holds_root, KIND_BOOL, 0, 0, 0),
	P_NUM(struct proto_cert, last_renewal_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_cert, last_renewal_ok, KIND_BOOL, 0, 0, 0),
	P_STR(struct proto_cert, last_renewal_error, 0),
	P_NUM(struct proto_cert, renew_every_ms, KIND_I64, FIELD_OPTIONAL, 1,
	    0),
};

static const struct proto_field proto_alert_fields[] = {
	P_STR(struct proto_alert, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_alert, clock_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_alert, severity, KIND_SEVERITY, 0, 0, 0),
	P_STR(struct proto_alert, code, FIELD_NONEMPTY),
	P_STR(struct proto_alert, text, FIELD_NONEMPTY),
	P_STR(struct proto_alert, cause, 0),
	P_STR(struct proto_alert, action, 0),
	P_NUM(struct proto_alert, clear, KIND_BOOL, FIELD_OPTIONAL, 0, 0),
};

static const struct proto_field proto_error_fields[] = {
	P_STR(struct proto_error, node, FIELD_OPTIONAL|FIELD_ID|FIELD_SELF),
	P_STR(struct proto_error, in_reply_to, FIELD_OPTIONAL),
	P_STR(struct proto_error, text, FIELD_NONEMPTY),
};

/*
 * A signature in propose, approve and cancel: its operator is who the
 * message is from, so complaints about later fields name them.  Those
 * tables therefore list sig first.
 */
static const struct proto_field proto_signer_fields[] = {
	P_STR(struct proto_signature, operator,
	    FIELD_NONEMPTY|FIELD_OPERATOR|FIELD_SELF),
	P_STR(struct proto_signature, signature, FIELD_NONEMPTY),
	P_WORDS(struct proto_signature, covers,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, proto_covers_words),
};

/* A signature a proposal shows; the proposal is from its node. */
static const struct proto_field proto_signature_fields[] = {
	P_STR(struct proto_signature, operator, FIELD_NONEMPTY|FIELD_OPERATOR),
	P_STR(struct proto_signature, signature, FIELD_NONEMPTY),
	P_WORDS(struct proto_signature, covers,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, proto_covers_words),
};

static const struct proto_field proto_propose_fields[] = {
	P_OBJECT(struct proto_propose, sig, proto_signer_fields, 0),
	P_HEAPSTR(struct proto_propose, document, FIELD_NONEMPTY,
	    PROTO_DOC_MAX),
};

static const struct proto_field proto_approve_fields[] = {
	P_OBJECT(struct proto_approve, sig, proto_signer_fields, 0),
	P_HEX(struct proto_approve, id, FIELD_NONEMPTY, 32),
	P_HEAPSTR(struct proto_approve, document,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, PROTO_DOC_MAX),
	P_HEX(struct proto_approve, sha256,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, 64),
};

static const struct proto_field proto_cancel_fields[] = {
	P_OBJECT(struct proto_cancel, sig, proto_signer_fields, 0),
	P_HEX(struct proto_cancel, id, FIELD_NONEMPTY, 32),
};

static const struct proto_field proto_want_fields[] = {
	P_STR(struct proto_want, node, FIELD_NONEMPTY|FIELD_ID),
	P_HEX(struct proto_want, sha256, FIELD_NONEMPTY, 64),
};

static const char *const proto_status_words[] = {
	[STATUS_PENDING] = "pending",
	[STATUS_EXECUTED] = "executed",
	[STATUS_REFUSED] = "refused",
	[STATUS_CANCELLED] = "cancelled",
	[STATUS_EXPIRED] = "expired",
	[STATUS_ARMED] = "armed",
	[STATUS_FIRED] = "fired",
	[STATUS_DISARMED] = "disarmed",
	NULL
};

static const struct proto_field proto_proposal_fields[] = {
	P_STR(struct proto_proposal, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_HEX(struct proto_proposal, id, FIELD_NONEMPTY, 32),
	P_HEAPSTR(struct proto_proposal, document,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, PROTO_DOC_MAX),
	P_HEX(struct proto_proposal, sha256,
	    FIELD_OPTIONAL|FIELD_NONEMPTY, 64),
	P_ARRAY(struct proto_proposal, sigs, nsigs, proto_signature_fields,
	    PROTO_MAX_SIGNERS),
	P_WORD(struct proto_proposal, status, FIELD_NONEMPTY,
	    proto_status_words, PROTO_WORD_MAX),
	P_NUM(struct proto_proposal, expires_ms, KIND_I64, 0, 0, 0),
};

static const char *const proto_reply_words[] = {
	"propose", "approve", "cancel", "fire", "deliver", "holder", NULL
};

static const char *const proto_outcome_words[] = {
	[OUTCOME_ACCEPTED] = "accepted",
	[OUTCOME_EXECUTED] = "executed",
	[OUTCOME_REFUSED] = "refused",
	[OUTCOME_CANCELLED] = "cancelled",
	[OUTCOME_EXPIRED] = "expired",
	[OUTCOME_FIRED] = "fired",
	NULL
};

static const struct proto_field proto_result_fields[] = {
	P_STR(struct proto_result, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_HEX(struct proto_result, id, 0, 32),
	P_STR(struct proto_result, action, 0),
	P_WORDS(struct proto_result, in_reply_to, 0, proto_reply_words),
	P_WORD(struct proto_result, outcome, FIELD_NONEMPTY,
	    proto_outcome_words, PROTO_WORD_MAX),
	P_STR(struct proto_result, text, FIELD_NONEMPTY),
};

/* The answer to a hello's challenge; it is from its operator. */
static const struct proto_field proto_auth_fields[] = {
	P_STR(struct proto_auth, operator,
	    FIELD_NONEMPTY|FIELD_OPERATOR|FIELD_SELF),
	P_STR(struct proto_auth, node, FIELD_NONEMPTY|FIELD_ID),
	P_HEX(struct proto_auth, challenge, FIELD_NONEMPTY, 32),
	P_STR(struct proto_auth, key, FIELD_NONEMPTY),
	P_STR(struct proto_auth, signature, FIELD_NONEMPTY),
};

static const struct proto_field proto_watching_fields[] = {
	P_STR(struct proto_watching, node,
	    FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_watching, consoles, KIND_INT, 0, 0, 0),
	P_ARRAY(struct proto_watching, operators, noperators,
	    proto_operator_key_fields, PROTO_MAX_OPERATORS),
	P_STR(struct proto_watching, you, FIELD_OPTIONAL|FIELD_OPERATOR),
};

static const struct proto_field proto_sealed_fields[] = {
	P_STR(struct proto_sealed, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_STR(struct proto_sealed, from, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_sealed, to, FIELD_NONEMPTY|FIELD_ID),
	P_HEX(struct proto_sealed, id, FIELD_NONEMPTY, 32),
	P_HEAPSTR(struct proto_sealed, document, FIELD_NONEMPTY,
	    PROTO_DOC_MAX),
	P_ARRAY(struct proto_sealed, sigs, nsigs, proto_signature_fields,
	    PROTO_MAX_SIGNERS),
	P_NUM(struct proto_sealed, sealed_ms, KIND_I64, 0, 0, 0),
	P_HEX(struct proto_sealed, root, FIELD_NONEMPTY, 64),
	P_STR(struct proto_sealed, blob, FIELD_NONEMPTY),
};

static const struct proto_field proto_holder_fields[] = {
	P_STR(struct proto_holder, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_STR(struct proto_holder, holder, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_holder, from, FIELD_NONEMPTY|FIELD_ID),
	P_HEX(struct proto_holder, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_holder, signature, FIELD_NONEMPTY),
};

/* The member every frame has, for the scanner. */
static const struct proto_field proto_frame_fields[] = {
	{ .key = "type", .kind = KIND_STRING },
};

const size_t proto_hello_nfields = nitems(proto_hello_fields);
const size_t proto_router_nfields = nitems(proto_router_fields);
const size_t proto_station_nfields = nitems(proto_station_fields);
const size_t proto_cert_nfields = nitems(proto_cert_fields);

#define PROTO_TYPE(t, n, f, m) \
	{ t, n, f, nitems(f), sizeof (((struct proto_msg *)0)->u.m) }

/*
 * Every type name vigil.v1 knows, with its fields and the size of its
 * part of struct proto_msg (all decoding clears).
 */
static const struct proto_type {
	enum msg_type			 type;
	const char			*name;
	const struct proto_field	*fields;
	size_t				 nfields;
	size_t				 size;
} proto_types[] = {
	PROTO_TYPE(MSG_HELLO, "hello", proto_hello_fields, hello),
	PROTO_TYPE(MSG_STATS, "stats", proto_stats_fields, stats),
	PROTO_TYPE(MSG_CERT, "cert", proto_cert_fields, cert),
	PROTO_TYPE(MSG_ALERT, "alert", proto_alert_fields, alert),
	PROTO_TYPE(MSG_ERROR, "error", proto_error_fields, error),
	PROTO_TYPE(MSG_AUTH, "auth", proto_auth_fields, auth),
	PROTO_TYPE(MSG_PROPOSE, "propose", proto_propose_fields, propose),
	PROTO_TYPE(MSG_APPROVE, "approve", proto_approve_fields, approve),
	PROTO_TYPE(MSG_CANCEL, "cancel", proto_cancel_fields, cancel),
	PROTO_TYPE(MSG_PROPOSAL, "proposal", proto_proposal_fields,
	    proposal),
	PROTO_TYPE(MSG_RESULT, "result", proto_result_fields, result),
	PROTO_TYPE(MSG_FIRE, "fire", proto_cancel_fields, fire),
	PROTO_TYPE(MSG_WATCHING, "watching", proto_watching_fields,
	    watching),
	PROTO_TYPE(MSG_SEALED, "sealed", proto_sealed_fields, sealed),
	PROTO_TYPE(MSG_DELIVER, "deliver", proto_sealed_fields, sealed),
	PROTO_TYPE(MSG_HOLDER, "holder", proto_holder_fields, holder),
	PROTO_TYPE(MSG_WANT, "want", proto_want_fields, want),
};

/*
 * The message type a frame's root object names in its "type" field; or
 * NULL, with why in cause, when it names none this version knows.
 */
static const struct proto_type *
proto_decode_type(json_t *root, char *cause, size_t causelen)
{
	json_t		*type;
	const char	*name;
	char		 echo[64];
	size_t		 i, namelen;

	if ((type = json_object_get(root, "type")) == NULL) {
		util_format(cause, causelen, "frame has no \"type\" field; "
		    "every vigil.v1 message names its type");
		return (NULL);
	}
	if (!json_is_string(type)) {
		util_format(cause, causelen, "frame has a \"type\" field that "
		    "is %s, expected a string such as \"hello\"",
		    proto_json_kind(type));
		return (NULL);
	}
	name = json_string_value(type);
	namelen = json_string_length(type);
	for (i = 0; i < nitems(proto_types); i++) {
		if (strlen(proto_types[i].name) == namelen &&
		    memcmp(proto_types[i].name, name, namelen) == 0)
			return (&proto_types[i]);
	}
	proto_echo(name, namelen, echo, sizeof echo);
	util_format(cause, causelen, "message type \"%s\" is not part of "
	    "vigil.v1; the sender may be newer than this program: upgrade it",
	    echo);
	return (NULL);
}

/* Turn the scanner on or off; see proto.h. */
void
proto_decode_scanner(int on)
{
	proto_scanner_on = on;
}

/*
 * Scan a flat frame against tables, the first of which is
 * proto_frame_fields: 0 when it was read whole and its type is type.
 */
static int
proto_scan_typed(struct proto_scan *sc, const char *buf, size_t len,
    const struct proto_field *const *tables, const size_t *ntables,
    size_t n, const char *type)
{
	const struct proto_value	*v;

	if (proto_scan(sc, buf, len, tables, ntables, n) != 0)
		return (-1);
	v = proto_scan_get(sc, 0, 0);
	return (v != NULL && v->type == JSON_STRING &&
	    strcmp(v->s, type) == 0 ? 0 : -1);
}

/*
 * Decode a plain certificate frame by the scanner, as the jansson path
 * would: a flat object like a stats frame, one a station, and 10,000 of
 * them at a gateway's connect.  Returns 0, or -1 as proto_decode_scan().
 */
static int
proto_decode_scan_cert(const char *buf, size_t len, struct proto_msg *msg)
{
	static const struct proto_field *const	 tables[] = {
		proto_frame_fields, proto_cert_fields
	};
	static const size_t			 ntables[] = {
		nitems(proto_frame_fields), nitems(proto_cert_fields)
	};
	struct proto_scan			 sc;
	struct proto_ctx			 ctx;
	char					 cause[PROTO_TEXT_MAX];

	if (proto_scan_typed(&sc, buf, len, tables, ntables, nitems(tables),
	    "cert") != 0)
		return (-1);
	proto_ctx_init(&ctx, "cert", cause, sizeof cause);
	memset(&msg->u, 0, sizeof msg->u.cert);
	msg->type = MSG_CERT;
	if (proto_scan_decode(&ctx, &sc, 1, &msg->u.cert) == 0)
		return (0);
	proto_msg_clear(msg);
	return (-1);
}

/*
 * Decode a plain stats or certificate frame by the scanner
 * (proto-scan.c), as the jansson path below would.  Returns 0, or -1
 * with *msg left as it was found (nothing held, MSG_UNKNOWN) for the
 * jansson path, which takes every frame the scanner does not and says
 * why one is refused.
 */
static int
proto_decode_scan(const char *buf, size_t len, struct proto_msg *msg)
{
	static const struct proto_field *const	 tables[] = {
		proto_frame_fields, proto_stats_fields, proto_router_fields,
		proto_station_fields
	};
	static const size_t			 ntables[] = {
		nitems(proto_frame_fields), nitems(proto_stats_fields),
		nitems(proto_router_fields), nitems(proto_station_fields)
	};
	struct proto_scan			 sc;
	struct proto_ctx			 ctx;
	char					 cause[PROTO_TEXT_MAX];
	int					 router;

	if (proto_scan_typed(&sc, buf, len, tables, ntables, nitems(tables),
	    "stats") != 0)
		return (proto_decode_scan_cert(buf, len, msg));
	proto_ctx_init(&ctx, "stats", cause, sizeof cause);
	memset(&msg->u, 0, sizeof msg->u.stats);
	msg->type = MSG_STATS;
	if (proto_scan_decode(&ctx, &sc, 1, &msg->u) == 0) {
		router = msg->u.stats.role == ROLE_ROUTER;
		if (proto_scan_decode(&ctx, &sc, router ? 2 : 3, router ?
		    (void *)&msg->u.stats.router :
		    (void *)&msg->u.stats.station) == 0)
			return (0);
	}
	proto_msg_clear(msg);
	return (-1);
}

/* Decode a frame into *msg; see proto.h for the contract. */
int
proto_decode(const char *buf, size_t len, struct proto_msg *msg,
    char *cause, size_t causelen)
{
	const char	*doc;
	size_t		 doclen;
	int		 rc;

	if (len < PROTO_KEEP_MIN || len > PROTO_MAX_FRAME || buf == NULL ||
	    proto_doc_span(buf, len, &doc, &doclen) != 0)
		return (proto_decode_frame(buf, len, msg, cause, causelen));
	if (proto_doc_recall(buf, len, doc, doclen, msg, cause, causelen))
		return (0);
	if ((rc = proto_decode_frame(buf, len, msg, cause, causelen)) == 0)
		proto_doc_keep(doc, doclen, msg);
	return (rc);
}

/* proto_decode() of a frame, its document string parsed afresh. */
static int
proto_decode_frame(const char *buf, size_t len, struct proto_msg *msg,
    char *cause, size_t causelen)
{
	const struct proto_type	*t;
	struct proto_ctx	 ctx;
	json_t			*root;
	const char		*kind;
	enum msg_type		 type;
	int			 rc = -1;

	/* Only the decoded type's part is cleared: a station's stats or a
	   hello, not the largest member, is what most frames cost. */
	msg->type = MSG_UNKNOWN;
	proto_ctx_init(&ctx, NULL, cause, causelen);

	if (len > PROTO_MAX_FRAME) {
		util_format(cause, causelen, "frame of %zu bytes is over the "
		    "%d-byte limit; it was dropped", len, PROTO_MAX_FRAME);
		return (-1);
	}
	if (len == 0 || buf == NULL) {
		util_format(cause, causelen, "frame is empty; every vigil.v1 "
		    "frame is one JSON object");
		return (-1);
	}
	if (proto_scanner_on && proto_decode_scan(buf, len, msg) == 0)
		return (0);
	if ((root = proto_load("frame", buf, len, cause, causelen)) == NULL)
		return (-1);
	if (!json_is_object(root)) {
		kind = proto_json_kind(root);
		if (strchr(kind, ' ') != NULL)
			kind = strchr(kind, ' ') + 1;	/* "an array" */
		util_format(cause, causelen, "frame is a JSON %s, expected an "
		    "object with a \"type\" field", kind);
		goto out;
	}
	if ((t = proto_decode_type(root, cause, causelen)) == NULL)
		goto out;
	memset(&msg->u, 0, t->size);
	msg->type = t->type;

	ctx.type = t->name;
	util_copy(ctx.whom, sizeof ctx.whom, t->name);
	if (proto_decode_fields(&ctx, root, t->fields, t->nfields,
	    &msg->u) != 0)
		goto out;
	if (t->type == MSG_STATS) {
		if (msg->u.stats.role == ROLE_ROUTER)
			rc = proto_decode_fields(&ctx, root,
			    proto_router_fields, nitems(proto_router_fields),
			    &msg->u.stats.router);
		else
			rc = proto_decode_fields(&ctx, root,
			    proto_station_fields, nitems(proto_station_fields),
			    &msg->u.stats.station);
		goto out;
	}
	if (t->type == MSG_HELLO && (proto_check_flags(&ctx,
	    &msg->u.hello) != 0 || proto_check_builds(&ctx,
	    &msg->u.hello) != 0))
		goto out;
	if (t->type == MSG_HELLO)
		msg->u.hello.operators_said = json_object_get(root,
		    "operators") != NULL;
	if ((t->type == MSG_APPROVE && proto_check_named(&ctx,
	    msg->u.approve.document, msg->u.approve.sha256) != 0) ||
	    (t->type == MSG_PROPOSAL && proto_check_named(&ctx,
	    msg->u.proposal.document, msg->u.proposal.sha256) != 0))
		goto out;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0 && msg->type != MSG_UNKNOWN) {
		type = msg->type;
		proto_msg_clear(msg);
		msg->type = type;
	}
	return (rc);
}

/*
 * The last large document string read from a frame, as its escaped
 * bytes on the wire and as the text they stand for.  A command to 1,000
 * routers brings the same document to one process 1,000 times: in the
 * propose on each target's link of one vigild, and in each target's
 * proposal to a console.  Those frames differ in a few fields (the
 * node) but not in the document, which is nearly all of their bytes, so
 * the rest of such a frame is parsed with a stand-in for the document,
 * and the text kept is given in its place.  Every check of the frame
 * still runs, and each node still checks the document and its
 * signature itself: only the parse of the same 190 KB string is saved.
 */
struct proto_doc_kept {
	char	*raw;		/* the string's bytes, quotes left out */
	size_t	 rawlen;
	char	*text;		/* what they decode to */
};
static struct proto_doc_kept proto_doc_last;
/* And the last written: a proposal sent to each console, node by node. */
static struct proto_doc_kept proto_doc_sent;

/* Where a decoded msg keeps its document, for types that carry one. */
static char **
proto_doc_field(struct proto_msg *msg)
{
	switch (msg->type) {
	case MSG_PROPOSE:
		return (&msg->u.propose.document);
	case MSG_APPROVE:
		return (&msg->u.approve.document);
	case MSG_PROPOSAL:
		return (&msg->u.proposal.document);
	default:
		return (NULL);
	}
}

/* Past JSON's white space at p: space, tab, line feed, return. */
static const char *
proto_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return (p);
}

/*
 * The closing quote of the JSON string whose opening quote is at p, or
 * NULL if the text ends first: memchr() to each quote, which closes
 * the string unless an odd number of backslashes stands before it (a
 * document is 190 KB of string).
 */
static const char *
proto_skip_string(const char *p, const char *end)
{
	const char	*q, *b;

	for (p++; p < end; p = q + 1) {
		if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
			return (NULL);
		for (b = q; b > p && b[-1] == '\\'; b--)
			/* nothing */;
		if ((q - b) % 2 == 0)
			return (q);
	}
	return (NULL);
}

/*
 * Past the JSON value starting at p (white space skipped): where it ends,
 * or NULL if the text ends inside it.  A loose skip: jansson judges the
 * frame; this only has to find where a well-formed value ends.
 */
static const char *
proto_skip_value(const char *p, const char *end)
{
	int	depth = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			if ((p = proto_skip_string(p, end)) == NULL)
				return (NULL);
			if (depth == 0)
				return (p + 1);
		} else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return (p);
			if (--depth == 0)
				return (p + 1);
		} else if (*p == ',' && depth == 0)
			return (p);
	}
	return (depth == 0 ? p : NULL);
}

/*
 * The bytes between the quotes of the string value of frame buf's
 * top-level member "document", in *doc and *doclen.  Returns 0, or -1
 * when there is none or the text is not laid out as expected (an escape
 * in a key, say): the frame is then decoded whole, as any other.
 */
static int
proto_doc_span(const char *buf, size_t len, const char **doc,
    size_t *doclen)
{
	const char	*p = buf, *end = buf + len, *key, *s;

	p = proto_skip_ws(p, end);
	if (p == end || *p++ != '{')
		return (-1);
	for (;;) {
		p = proto_skip_ws(p, end);
		if (p < end && *p == ',')
			p = proto_skip_ws(p + 1, end);
		if (p == end || *p != '"')
			return (-1);
		key = ++p;
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p == end || *p != '"')
			return (-1);
		s = p++;
		p = proto_skip_ws(p, end);
		if (p == end || *p++ != ':')
			return (-1);
		p = proto_skip_ws(p, end);
		if (s - key == 8 && memcmp(key, "document", 8) == 0) {
			if (p == end || *p != '"' ||
			    (s = proto_skip_value(p, end)) == NULL)
				return (-1);
			*doc = p + 1;
			*doclen = (size_t)(s - 1 - (p + 1));
			return (0);
		}
		if ((p = proto_skip_value(p, end)) == NULL || p == end ||
		    *p == '}')
			return (-1);
	}
}

/*
 * If document string doc (doclen bytes of frame buf) is the one kept,
 * decode buf with a stand-in for it and give *msg the kept text.
 * Returns 1 if so; 0 (nothing changed) if it is another, or if the
 * frame with the stand-in is refused: buf is then decoded whole, so
 * that a refusal's words are about the frame as it came.
 */
static int
proto_doc_recall(const char *buf, size_t len, const char *doc,
    size_t doclen, struct proto_msg *msg, char *cause, size_t causelen)
{
	char	*copy, **field;
	size_t	 head = (size_t)(doc - buf);
	int	 rc;

	if (proto_doc_last.raw == NULL || doclen != proto_doc_last.rawlen ||
	    memcmp(doc, proto_doc_last.raw, doclen) != 0)
		return (0);
	copy = xmalloc(len - doclen + 1);
	memcpy(copy, buf, head);
	copy[head] = '-';
	memcpy(copy + head + 1, doc + doclen, len - head - doclen);
	rc = proto_decode_frame(copy, len - doclen + 1, msg, cause, causelen);
	free(copy);
	if (rc != 0)
		return (0);
	if ((field = proto_doc_field(msg)) == NULL || *field == NULL ||
	    strcmp(*field, "-") != 0) {
		proto_msg_clear(msg);
		return (0);
	}
	free(*field);
	*field = xstrdup(proto_doc_last.text);
	return (1);
}

/* Keep document string doc (doclen bytes) and msg's text for it. */
static void
proto_doc_keep(const char *doc, size_t doclen, struct proto_msg *msg)
{
	char	**field = proto_doc_field(msg);

	if (field == NULL || *field == NULL || doclen < PROTO_KEEP_MIN)
		return;
	proto_doc_hold(&proto_doc_last, doc, doclen, *field);
}

/* Keep in k document string raw (rawlen bytes), which stands for text. */
static void
proto_doc_hold(struct proto_doc_kept *k, const char *raw, size_t rawlen,
    const char *text)
{
	free(k->raw);
	free(k->text);
	k->raw = xmalloc(rawlen);
	memcpy(k->raw, raw, rawlen);
	k->rawlen = rawlen;
	k->text = xstrdup(text);
}

/* Free a decoded message's heap parts; see proto.h. */
void
proto_msg_clear(struct proto_msg *msg)
{
	size_t	i;

	for (i = 0; i < nitems(proto_types); i++) {
		if (proto_types[i].type != msg->type ||
		    proto_types[i].fields == NULL)
			continue;
		proto_free_fields(proto_types[i].fields,
		    proto_types[i].nfields, &msg->u);
		if (msg->type == MSG_STATS && msg->u.stats.role ==
		    ROLE_STATION)
			proto_free_fields(proto_station_fields,
			    nitems(proto_station_fields),
			    &msg->u.stats.station);
	}
	msg->type = MSG_UNKNOWN;
}

/*
 * An approve or a proposal names its document exactly once: whole, or
 * by its SHA-256 when the receiver holds it already.
 */
static int
proto_check_named(struct proto_ctx *ctx, const char *document,
    const char *sha256)
{
	if (document == NULL && sha256[0] == '\0')
		return (proto_fail(ctx, "field document is missing, and so is "
		    "field sha256: the message must carry the document, or "
		    "name it by its SHA-256"));
	if (document != NULL && sha256[0] != '\0')
		return (proto_fail(ctx, "fields document and sha256 are both "
		    "given: the message carries the document or names it by "
		    "its SHA-256, not both"));
	return (0);
}

/*
 * Refuse a hello whose builds are not one active build, the one named
 * in build, with each build and each manifest flag listed once: the plan
 * of a rollback reads them (proto-plan.h), and it must not guess.
 */
static int
proto_check_builds(struct proto_ctx *ctx, const struct proto_hello *hello)
{
	const struct proto_build	*b;
	size_t				 i, j, k, active = 0;

	for (i = 0; i < hello->nbuilds; i++) {
		b = &hello->builds[i];
		for (j = 0; j < i; j++) {
			if (strcmp(b->id, hello->builds[j].id) == 0)
				return (proto_fail(ctx, "field builds[%zu].id "
				    "repeats build %s of builds[%zu]; list "
				    "each installed build once", i, b->id, j));
		}
		for (k = 1; k < b->nmanifest; k++) {
			for (j = 0; j < k; j++) {
				if (strcmp(b->manifest[k].name,
				    b->manifest[j].name) == 0)
					return (proto_fail(ctx, "field builds"
					    "[%zu].manifest[%zu].name repeats "
					    "flag %s; a build gives each flag "
					    "one meaning", i, k,
					    b->manifest[k].name));
			}
		}
		if (!b->active)
			continue;
		if (active++ > 0 || strcmp(b->id, hello->build) != 0)
			return (proto_fail(ctx, "field builds[%zu] is marked "
			    "active, but the active build is %s and only one "
			    "build may be active; mark only that one", i,
			    hello->build));
	}
	if (hello->nbuilds > 0 && active == 0)
		return (proto_fail(ctx, "field builds lists no active build; "
		    "mark build %s, the one the node runs, active",
		    hello->build));
	return (0);
}

/*
 * Refuse a hello that names one flag twice: the drift checks compare
 * flags by name, and two meanings for one name on one node would hide
 * exactly the drift they look for.
 */
static int
proto_check_flags(struct proto_ctx *ctx, const struct proto_hello *hello)
{
	size_t	i, j;

	for (i = 1; i < hello->nflags; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(hello->flags[i].name,
			    hello->flags[j].name) == 0)
				return (proto_fail(ctx, "field flags[%zu].name "
				    "repeats flag %s of flags[%zu]; each flag "
				    "may appear once", i, hello->flags[i].name,
				    j));
		}
	}
	return (0);
}

/* Start a hello saying who node is; see proto.h. */
void
proto_hello_init(struct proto_hello *hello, const char *node,
    enum proto_role role, const char *group, const char *build)
{
	memset(hello, 0, sizeof *hello);
	util_copy(hello->node, sizeof hello->node, node);
	hello->role = role;
	util_copy(hello->group, sizeof hello->group, group);
	util_copy(hello->build, sizeof hello->build, build);
	hello->version = PROTO_VERSION;
	util_copy(hello->signs, sizeof hello->signs, PROTO_COVERS_SHA256);
}

/* Room for n builds in a hello; see proto.h. */
void
proto_hello_builds(struct proto_hello *hello, size_t n)
{
	hello->builds = proto_heap_array(hello->builds, n,
	    sizeof *hello->builds, PROTO_MAX_BUILDS, "builds");
	hello->nbuilds = n;
}

/* Room for n operators in a hello; see proto.h. */
void
proto_hello_operators(struct proto_hello *hello, size_t n)
{
	hello->operators = proto_heap_array(hello->operators, n,
	    sizeof *hello->operators, PROTO_MAX_OPERATORS, "operators");
	hello->noperators = n;
}

/* Free a hello's builds and operators; see proto.h. */
void
proto_hello_clear(struct proto_hello *hello)
{
	proto_hello_builds(hello, 0);
	proto_hello_operators(hello, 0);
}

/* The bytes an auth's signature covers; see proto.h. */
size_t
proto_auth_text(const struct proto_auth *auth, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "%s%s %s %s", PROTO_AUTH_PREFIX,
	    auth->challenge, auth->node, auth->key);
	if (n < 0 || (size_t)n >= len)
		fatal("%s: buffer of %zu bytes is too small", __func__, len);
	return ((size_t)n);
}

/* The statement a command's signatures cover; see proto.h. */
size_t
proto_statement(const char *sha256, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "%s%s\n", PROTO_STATEMENT_PREFIX, sha256);
	if (n < 0 || (size_t)n >= len)
		fatal("%s: buffer of %zu bytes is too small", __func__, len);
	return ((size_t)n);
}

/* Encode a message; see proto.h for the contract. */
char *
proto_encode(const struct proto_msg *msg)
{
	char		**field, *frame;
	const char	 *raw;
	size_t		  rawlen;

	if (proto_writes(msg->type))
		return (proto_encode_direct(msg, 0));
	field = proto_doc_field((struct proto_msg *)msg);
	if (field == NULL || *field == NULL ||
	    strlen(*field) < PROTO_KEEP_MIN)
		return (proto_encode_whole(msg));
	if (proto_doc_sent.text != NULL &&
	    strcmp(*field, proto_doc_sent.text) == 0 &&
	    (frame = proto_encode_recall(msg)) != NULL)
		return (frame);
	frame = proto_encode_whole(msg);
	if (proto_doc_span(frame, strlen(frame), &raw, &rawlen) == 0)
		proto_doc_hold(&proto_doc_sent, raw, rawlen, *field);
	return (frame);
}

/*
 * Encode a message after pre bytes of headroom; see proto.h.  A stats
 * frame, nearly every frame a backend sends, and the proposal and
 * result frames every command lands with, are written in place; any
 * other is moved behind the headroom once.
 */
char *
proto_encode_pre(const struct proto_msg *msg, size_t pre, size_t *len)
{
	char	*text, *buf;

	if (proto_writes(msg->type)) {
		buf = proto_encode_direct(msg, pre);
		*len = strlen(buf + pre);
		return (buf);
	}
	text = proto_encode(msg);
	*len = strlen(text);
	buf = xmalloc(pre + *len + 1);
	memcpy(buf + pre, text, *len + 1);
	free(text);
	return (buf);
}

/*
 * Free a frame proto_encode_pre() gave, or any malloc'd buffer; see
 * proto.h.  One with room for a stats frame is kept for the next, up to
 * PROTO_FRAMES_KEPT of them in this thread: a watched vigild encodes
 * some 5,500 frames a second and frees them as they are written, in
 * bursts past what malloc keeps at hand, and malloc's own bookkeeping
 * for them was some 5% of its samples.
 */
void
proto_frame_free(char *buf)
{
	size_t	room;

	if (buf == NULL)
		return;
	room = malloc_usable_size(buf);
	if (proto_frames.n >= PROTO_FRAMES_KEPT ||
	    room < PROTO_FRAME_BYTES || room >= 2 * PROTO_FRAME_BYTES) {
		free(buf);
		return;
	}
	memcpy(buf, &proto_frames.head, sizeof proto_frames.head);
	proto_frames.head = buf;
	proto_frames.n++;
}

/* Turn the stats writer on or off; see proto.h. */
void
proto_encode_writer(int on)
{
	proto_writer_on = on;
}

/*
 * Whether a message of type is written by the writer (proto-write.c):
 * the types a backend sends most, each field of a kind it writes.  A
 * kill of 1,000 routers lands with a proposal and a result frame a
 * router, and jansson's tree for them was a twentieth of vigild's loop.
 */
static int
proto_writes(enum msg_type type)
{
	if (!proto_writer_on)
		return (0);
	return (type == MSG_STATS || type == MSG_PROPOSAL ||
	    type == MSG_RESULT);
}

/*
 * A frame by the writer (proto_writes() says which): the members
 * proto_encode_whole() would set, in its order, as the bytes its
 * compact dump would give, after pre bytes left for the caller.  A
 * proposal's document is escaped afresh, in one pass: jansson's path
 * recalls a long one's bytes (proto_encode_recall) to spare its tree,
 * which the writer does not build.
 */
static char *
proto_encode_direct(const struct proto_msg *msg, size_t pre)
{
	struct proto_out	 o = { NULL, 0, 0, 0 };
	const struct proto_stats *st = &msg->u.stats;

	if (pre + 512 <= PROTO_FRAME_BYTES && proto_frames.head != NULL) {
		o.buf = proto_frames.head;
		memcpy(&proto_frames.head, o.buf, sizeof proto_frames.head);
		proto_frames.n--;
		o.cap = PROTO_FRAME_BYTES;
	} else {
		o.cap = pre + 512 <= PROTO_FRAME_BYTES ? PROTO_FRAME_BYTES :
		    pre + 512;
		o.buf = xmalloc(o.cap);
	}
	o.len = pre;
	switch (msg->type) {
	case MSG_STATS:
		proto_write_raw(&o, "{\"type\":\"stats\"");
		proto_write_fields(&o, proto_stats_fields,
		    nitems(proto_stats_fields), st);
		if (st->role == ROLE_ROUTER)
			proto_write_fields(&o, proto_router_fields,
			    nitems(proto_router_fields), &st->router);
		else if (st->role == ROLE_STATION)
			proto_write_fields(&o, proto_station_fields,
			    nitems(proto_station_fields), &st->station);
		break;
	case MSG_PROPOSAL:
		proto_write_raw(&o, "{\"type\":\"proposal\"");
		proto_write_fields(&o, proto_proposal_fields,
		    nitems(proto_proposal_fields), &msg->u.proposal);
		break;
	case MSG_RESULT:
		proto_write_raw(&o, "{\"type\":\"result\"");
		proto_write_fields(&o, proto_result_fields,
		    nitems(proto_result_fields), &msg->u.result);
		break;
	default:
		fatal("%s: message type %d is not written directly",
		    __func__, (int)msg->type);
	}
	proto_write_raw(&o, "}");
	return (o.buf);
}

/*
 * msg, whose document is the one written last, with that document's
 * bytes as written then (the same bytes: jansson escapes a string alike
 * wherever it stands) in place of a stand-in; NULL if the stand-in is
 * not where proto_doc_span() finds a document.
 */
static char *
proto_encode_recall(const struct proto_msg *msg)
{
	struct proto_msg	*m = xmalloc(sizeof *m);
	char			**field, *frame, *out;
	const char		*raw;
	size_t			 rawlen, head, len;

	*m = *msg;
	field = proto_doc_field(m);
	*field = (char *)"-";
	frame = proto_encode_whole(m);
	free(m);
	len = strlen(frame);
	if (proto_doc_span(frame, len, &raw, &rawlen) != 0 || rawlen != 1 ||
	    *raw != '-') {
		free(frame);
		return (NULL);
	}
	head = (size_t)(raw - frame);
	out = xmalloc(len - 1 + proto_doc_sent.rawlen + 1);
	memcpy(out, frame, head);
	memcpy(out + head, proto_doc_sent.raw, proto_doc_sent.rawlen);
	memcpy(out + head + proto_doc_sent.rawlen, raw + 1, len - head);
	free(frame);
	return (out);
}

/* proto_encode() of msg, its document string written afresh. */
static char *
proto_encode_whole(const struct proto_msg *msg)
{
	const struct proto_type	*t = NULL;
	json_t			*obj;
	size_t			 i;

	for (i = 0; i < nitems(proto_types); i++) {
		if (proto_types[i].type == msg->type)
			t = &proto_types[i];
	}
	if (t == NULL || t->fields == NULL)
		fatal("%s: message type %d cannot be encoded", __func__,
		    (int)msg->type);
	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "type", json_string(t->name));
	proto_encode_fields(obj, t->fields, t->nfields, &msg->u, 1);
	/* A hello that does not say whom it trusts leaves the field out. */
	if (msg->type == MSG_HELLO && !msg->u.hello.operators_said)
		json_object_del(obj, "operators");
	/* Nor one without a challenge, or not saying who may read. */
	if (msg->type == MSG_HELLO && msg->u.hello.challenge[0] == '\0')
		json_object_del(obj, "challenge");
	if (msg->type == MSG_HELLO && msg->u.hello.read[0] == '\0')
		json_object_del(obj, "read");
	if (msg->type == MSG_STATS && msg->u.stats.role == ROLE_ROUTER)
		proto_encode_fields(obj, proto_router_fields,
		    nitems(proto_router_fields), &msg->u.stats.router, 1);
	else if (msg->type == MSG_STATS && msg->u.stats.role == ROLE_STATION)
		proto_encode_fields(obj, proto_station_fields,
		    nitems(proto_station_fields), &msg->u.stats.station, 1);
	return (proto_dump(obj));
}

/* The wire name of a message type, "unknown" for anything else. */
const char *
proto_type_name(enum msg_type type)
{
	size_t	i;

	for (i = 0; i < nitems(proto_types); i++) {
		if (proto_types[i].type == type)
			return (proto_types[i].name);
	}
	return ("unknown");
}

/* The wire word of a node's state, "unknown" for a value out of range. */
const char *
proto_state_name(enum proto_state state)
{
	return (proto_word(proto_state_words, (int)state));
}

/* The wire word of a proposal's status, "unknown" out of range. */
const char *
proto_status_name(enum proto_status status)
{
	return (proto_word(proto_status_words, (int)status));
}

/* The wire word of a result's outcome, "unknown" out of range. */
const char *
proto_outcome_name(enum proto_outcome outcome)
{
	return (proto_word(proto_outcome_words, (int)outcome));
}

/* Parse "running", "halting" or "killed"; -1 for anything else. */
int
proto_state_parse(const char *name, enum proto_state *state)
{
	size_t	i;

	for (i = 0; proto_state_words[i] != NULL; i++) {
		if (strcmp(name, proto_state_words[i]) == 0) {
			*state = (enum proto_state)i;
			return (0);
		}
	}
	return (-1);
}
