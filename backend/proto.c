/*
 * proto.c: the vigil.v1 wire protocol: decoding and validating frames,
 * encoding messages, the canonical text of command documents, the lines
 * of the audit log, and the JSON reports vigil prints for scripts.
 *
 * Each message is described once, as a table of its fields.  Decoding,
 * validation and encoding all walk the same table, so the wire format and
 * the C structs cannot drift apart and every complaint reads alike.  A
 * command document and an audit line are tables too.  This is the only
 * file that includes <jansson.h>.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "util.h"

/* How a field is held in its struct and written on the wire. */
enum proto_kind {
	KIND_STRING,	/* char[size], JSON string */
	KIND_U64,	/* uint64_t, JSON integer >= 0 */
	KIND_I64,	/* int64_t, JSON integer >= min */
	KIND_INT,	/* int, JSON integer >= min */
	KIND_DOUBLE,	/* double, JSON integer or real */
	KIND_BOOL,	/* int 0 or 1, JSON true or false */
	KIND_ROLE,	/* enum proto_role, JSON "router" or "station" */
	KIND_SEVERITY,	/* enum proto_severity, JSON "info"... */
	KIND_VERSION,	/* int, must be PROTO_VERSION */
	KIND_ARRAY,	/* element[max] and a size_t count, JSON array */
	KIND_OBJECT,	/* a struct member, JSON object of its fields */
	KIND_ARGS,	/* proto_command_arg[max] and a size_t count, JSON
			   object of name to string */
};

#define FIELD_OPTIONAL	0x1	/* may be absent; then dflt or "" or 0 */
#define FIELD_NONEMPTY	0x2	/* a string that may not be "" */
#define FIELD_ID	0x4	/* a node id "KIND/NAME" when not "" */
#define FIELD_SELF	0x8	/* the id of the node the message is about */
#define FIELD_POSITIVE	0x10	/* a number above zero */
#define FIELD_HEX	0x20	/* min lower-case hex digits when not "" */
#define FIELD_OPERATOR	0x40	/* an operator's name when not "" */
#define FIELD_SCALE	0x80	/* a time scale: PROTO_TIME_SCALE_MAX */

/* One field of a message: its wire name equals the C member's name. */
struct proto_field {
	const char			*key;
	enum proto_kind			 kind;
	size_t				 off;	/* in the struct */
	size_t				 size;	/* string buffer, or element */
	int				 flags;	/* FIELD_* */
	int64_t				 min;	/* smallest integer allowed */
	double				 dflt;	/* optional number's default */
	const struct proto_field	*sub;	/* array: element's fields */
	size_t				 nsub;
	size_t				 countoff; /* array: its size_t count */
	size_t				 max;	/* array: most entries */
	const char *const		*words;	/* string: the values allowed
						   besides "", NULL-ended */
};

/* What decoding has learnt so far, to begin every sentence with. */
struct proto_ctx {
	const char *type;			/* "stats" */
	const char *self;			/* the node id, once known */
	char	 whom[PROTO_ID_MAX + 32];	/* "stats from router/r3" */
	char	 path[48];			/* "flags[2]" inside arrays,
						   "sig" inside objects */
	char	*cause;
	size_t	 causelen;
};

static int	 proto_fail(struct proto_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static const char *proto_json_kind(const json_t *);
static void	 proto_echo(const char *, size_t, char *, size_t);
static const char *proto_id_problem(const char *, size_t);
static const char *proto_operator_problem(const char *, size_t);
static json_t	*proto_load(const char *, const char *, size_t, char *,
		    size_t);
static int	 proto_decode_fields(struct proto_ctx *, json_t *,
		    const struct proto_field *, size_t, void *);
static int	 proto_decode_field(struct proto_ctx *, json_t *,
		    const struct proto_field *, void *);
static int	 proto_decode_string(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, char *);
static int	 proto_decode_integer(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, void *);
static int	 proto_decode_double(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, double *);
static int	 proto_decode_enum(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, void *);
static int	 proto_decode_array(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, char *);
static int	 proto_decode_object(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, char *);
static int	 proto_decode_args(struct proto_ctx *, json_t *,
		    const struct proto_field *, const char *, char *);
static int	 proto_arg_cmp(const void *, const void *);
static void	 proto_words_text(const char *const *, char *, size_t);
static int	 proto_check_targets(struct proto_ctx *,
		    const struct proto_command *);
static int	 proto_check_unknown(struct proto_ctx *, json_t *,
		    const struct proto_field *, size_t, const char *);
static int	 proto_check_flags(struct proto_ctx *,
		    const struct proto_hello *);
static json_t	*proto_string(const char *, size_t);
static void	 proto_set(json_t *, const char *, json_t *);
static void	 proto_set_string(json_t *, const char *, const char *);
static void	 proto_set_key(json_t *, const char *, json_t *);
static int	 proto_decode_root(struct proto_ctx *, const char *, size_t,
		    size_t, json_t **);
static void	 proto_encode_fields(json_t *, const struct proto_field *,
		    size_t, const void *, int);
static void	 proto_encode_field(json_t *, const struct proto_field *,
		    const void *);
static void	 proto_encode_key(json_t *, const struct proto_field *,
		    size_t, const char *, const void *);
static json_t	*proto_counter(uint64_t);
static char	*proto_dump(json_t *);
static char	*proto_dump_sorted(json_t *);
static char	*proto_dump_report(json_t *);
static char	*proto_dump_flags(json_t *, size_t);
static json_t	*proto_report_node_json(const struct proto_report_node *);
static json_t	*proto_report_alert_json(const struct proto_report_alert *);
static json_t	*proto_report_proposal_json(
		    const struct proto_report_proposal *);
static json_t	*proto_report_alerts_json(const struct proto_report_alert *,
		    size_t);
static void	 proto_set_rate(json_t *, const char *, double);

#define P_STR(t, m, fl) {						\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl) }
#define P_NUM(t, m, k, fl, lo, d) {					\
	.key = #m, .kind = (k), .off = offsetof(t, m), .flags = (fl),	\
	.min = (lo), .dflt = (d) }
#define P_ARRAY(t, m, n, s, mx) {					\
	.key = #m, .kind = KIND_ARRAY, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .sub = (s), .nsub = nitems(s),	\
	.countoff = offsetof(t, n), .max = (mx) }
#define P_OPTARRAY(t, m, n, s, mx) {					\
	.key = #m, .kind = KIND_ARRAY, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .sub = (s), .nsub = nitems(s),	\
	.countoff = offsetof(t, n), .max = (mx), .flags = FIELD_OPTIONAL }
#define P_OBJECT(t, m, s, fl) {						\
	.key = #m, .kind = KIND_OBJECT, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .sub = (s), .nsub = nitems(s),	\
	.flags = (fl) }
#define P_ARGS(t, m, n, mx) {						\
	.key = #m, .kind = KIND_ARGS, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .countoff = offsetof(t, n),	\
	.max = (mx) }
#define P_HEX(t, m, fl, digits) {					\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl) | FIELD_HEX,	\
	.min = (digits) }
#define P_WORDS(t, m, fl, w) {						\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl), .words = (w) }

static const struct proto_field proto_flag_fields[] = {
	P_STR(struct proto_flag, name, FIELD_NONEMPTY),
	P_NUM(struct proto_flag, on, KIND_BOOL, 0, 0, 0),
	P_STR(struct proto_flag, path, 0),
};

static const struct proto_field proto_operator_key_fields[] = {
	P_STR(struct proto_operator_key, operator,
	    FIELD_NONEMPTY|FIELD_OPERATOR),
	P_STR(struct proto_operator_key, key, FIELD_NONEMPTY),
};

/* The version comes right after the node, so a newer sender is named. */
static const struct proto_field proto_hello_fields[] = {
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
	P_OPTARRAY(struct proto_hello, operators, noperators,
	    proto_operator_key_fields, PROTO_MAX_OPERATORS),
};

static const struct proto_field proto_stats_fields[] = {
	P_STR(struct proto_stats, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_NUM(struct proto_stats, role, KIND_ROLE, 0, 0, 0),
	P_NUM(struct proto_stats, clock_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_stats, uptime_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_stats, seq, KIND_U64, 0, 0, 0),
};

static const struct proto_field proto_router_fields[] = {
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
	P_STR(struct proto_router_stats, state, FIELD_NONEMPTY),
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

static const struct proto_field proto_station_fields[] = {
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
	P_ARRAY(struct proto_station_stats, blacklist, nblacklist,
	    proto_blacklist_fields, PROTO_MAX_BLACKLIST),
};

static const struct proto_field proto_cert_fields[] = {
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
};

/* A signature a proposal shows; the proposal is from its node. */
static const struct proto_field proto_signature_fields[] = {
	P_STR(struct proto_signature, operator, FIELD_NONEMPTY|FIELD_OPERATOR),
	P_STR(struct proto_signature, signature, FIELD_NONEMPTY),
};

static const struct proto_field proto_propose_fields[] = {
	P_OBJECT(struct proto_propose, sig, proto_signer_fields, 0),
	P_STR(struct proto_propose, document, FIELD_NONEMPTY),
};

static const struct proto_field proto_approve_fields[] = {
	P_OBJECT(struct proto_approve, sig, proto_signer_fields, 0),
	P_HEX(struct proto_approve, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_approve, document, FIELD_NONEMPTY),
};

static const struct proto_field proto_cancel_fields[] = {
	P_OBJECT(struct proto_cancel, sig, proto_signer_fields, 0),
	P_HEX(struct proto_cancel, id, FIELD_NONEMPTY, 32),
};

static const char *const proto_status_words[] = {
	"pending", "executed", "refused", "cancelled", "expired", NULL
};

static const struct proto_field proto_proposal_fields[] = {
	P_STR(struct proto_proposal, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_HEX(struct proto_proposal, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_proposal, document, FIELD_NONEMPTY),
	P_ARRAY(struct proto_proposal, sigs, nsigs, proto_signature_fields,
	    PROTO_MAX_SIGNERS),
	P_WORDS(struct proto_proposal, status, FIELD_NONEMPTY,
	    proto_status_words),
	P_NUM(struct proto_proposal, expires_ms, KIND_I64, 0, 0, 0),
};

static const char *const proto_reply_words[] = {
	"propose", "approve", "cancel", "deliver", "holder", NULL
};

static const char *const proto_outcome_words[] = {
	"accepted", "executed", "refused", "cancelled", "expired", NULL
};

static const struct proto_field proto_result_fields[] = {
	P_STR(struct proto_result, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_HEX(struct proto_result, id, 0, 32),
	P_STR(struct proto_result, action, 0),
	P_WORDS(struct proto_result, in_reply_to, 0, proto_reply_words),
	P_WORDS(struct proto_result, outcome, FIELD_NONEMPTY,
	    proto_outcome_words),
	P_STR(struct proto_result, text, FIELD_NONEMPTY),
};

static const struct proto_field proto_sealed_fields[] = {
	P_STR(struct proto_sealed, node, FIELD_NONEMPTY|FIELD_ID|FIELD_SELF),
	P_STR(struct proto_sealed, from, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_sealed, to, FIELD_NONEMPTY|FIELD_ID),
	P_HEX(struct proto_sealed, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_sealed, document, FIELD_NONEMPTY),
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

/*
 * The command document.  Its "v" has no member: it is written and
 * checked apart from the table (proto_command_encode, _decode).
 */
static const struct proto_field proto_target_fields[] = {
	P_STR(struct proto_command_target, node, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_command_target, build, FIELD_NONEMPTY),
	P_STR(struct proto_command_target, state, 0),
};

static const struct proto_field proto_command_fields[] = {
	P_HEX(struct proto_command, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_command, action, FIELD_NONEMPTY),
	P_ARRAY(struct proto_command, targets, ntargets, proto_target_fields,
	    PROTO_MAX_TARGETS),
	P_ARGS(struct proto_command, args, nargs, PROTO_MAX_ARGS),
	P_STR(struct proto_command, reason, FIELD_NONEMPTY),
	P_STR(struct proto_command, proposer, FIELD_NONEMPTY|FIELD_OPERATOR),
	P_NUM(struct proto_command, created_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_command, expires_ms, KIND_I64, 0, 0, 0),
};

static const char *const proto_event_words[] = {
	"propose", "approve", "refuse", "cancel", "expire", "execute",
	"seal", "destroy", NULL
};

/*
 * An audit line.  Only what the chain needs is checked strictly: a log
 * must read back whatever its writer was handed, refusals of malformed
 * commands included.
 */
static const struct proto_field proto_audit_fields[] = {
	P_NUM(struct proto_audit_entry, seq, KIND_U64, 0, 1, 0),
	P_NUM(struct proto_audit_entry, time_ms, KIND_I64, 0, 0, 0),
	P_STR(struct proto_audit_entry, node, 0),
	P_WORDS(struct proto_audit_entry, event, FIELD_NONEMPTY,
	    proto_event_words),
	P_STR(struct proto_audit_entry, id, 0),
	P_STR(struct proto_audit_entry, action, 0),
	P_STR(struct proto_audit_entry, operator, 0),
	P_STR(struct proto_audit_entry, text, 0),
	P_STR(struct proto_audit_entry, document, 0),
	P_STR(struct proto_audit_entry, sha256, FIELD_OPTIONAL),
	P_NUM(struct proto_audit_entry, verified, KIND_BOOL, FIELD_OPTIONAL,
	    0, 0),
	P_HEX(struct proto_audit_entry, prev, FIELD_NONEMPTY, 64),
};

/* Every type name vigil.v1 knows; fields is NULL for the reserved one. */
static const struct proto_type {
	enum msg_type			 type;
	const char			*name;
	const struct proto_field	*fields;
	size_t				 nfields;
} proto_types[] = {
	{ MSG_HELLO, "hello", proto_hello_fields,
	  nitems(proto_hello_fields) },
	{ MSG_STATS, "stats", proto_stats_fields,
	  nitems(proto_stats_fields) },
	{ MSG_CERT, "cert", proto_cert_fields, nitems(proto_cert_fields) },
	{ MSG_ALERT, "alert", proto_alert_fields,
	  nitems(proto_alert_fields) },
	{ MSG_ERROR, "error", proto_error_fields,
	  nitems(proto_error_fields) },
	{ MSG_AUTH, "auth", NULL, 0 },
	{ MSG_PROPOSE, "propose", proto_propose_fields,
	  nitems(proto_propose_fields) },
	{ MSG_APPROVE, "approve", proto_approve_fields,
	  nitems(proto_approve_fields) },
	{ MSG_CANCEL, "cancel", proto_cancel_fields,
	  nitems(proto_cancel_fields) },
	{ MSG_PROPOSAL, "proposal", proto_proposal_fields,
	  nitems(proto_proposal_fields) },
	{ MSG_RESULT, "result", proto_result_fields,
	  nitems(proto_result_fields) },
	{ MSG_SEALED, "sealed", proto_sealed_fields,
	  nitems(proto_sealed_fields) },
	{ MSG_DELIVER, "deliver", proto_sealed_fields,
	  nitems(proto_sealed_fields) },
	{ MSG_HOLDER, "holder", proto_holder_fields,
	  nitems(proto_holder_fields) },
};

static const char *const proto_role_names[] = {
	[ROLE_NONE] = "none",
	[ROLE_ROUTER] = "router",
	[ROLE_STATION] = "station",
};

static const char *const proto_severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARNING] = "warning",
	[SEV_CRITICAL] = "critical",
};

/* Write "WHOM: problem" into the caller's buffer and return -1. */
static int
proto_fail(struct proto_ctx *ctx, const char *fmt, ...)
{
	char	problem[PROTO_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	util_format(ctx->cause, ctx->causelen, "%s: %s", ctx->whom, problem);
	return (-1);
}

/* Name a JSON value's type with its article, as a sentence uses it. */
static const char *
proto_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return ("an object");
	case JSON_ARRAY:
		return ("an array");
	case JSON_STRING:
		return ("a string");
	case JSON_INTEGER:
		return ("an integer");
	case JSON_REAL:
		return ("a real number");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("a boolean");
	case JSON_NULL:
		break;
	}
	return ("null");
}

/*
 * Copy untrusted text for quoting in a sentence: at most about 40 bytes,
 * with control and non-ASCII bytes shown as '?', so that a hostile frame
 * cannot write escape sequences to an operator's terminal.
 */
static void
proto_echo(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t	i, n = 0;

	for (i = 0; i < len && i < 40 && n + 4 < buflen; i++) {
		unsigned char	c = (unsigned char)s[i];

		buf[n++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < len && n + 4 <= buflen) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	if (buflen > 0)
		buf[n < buflen ? n : buflen - 1] = '\0';
}

/* Return why s (len bytes) is not a node id "KIND/NAME", or NULL. */
static const char *
proto_id_problem(const char *s, size_t len)
{
	const char	*slash;
	size_t		 i;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == '"')
			return ("holds a space, quote or control character, "
			    "which a node id may not");
	}
	slash = memchr(s, '/', len);
	if (slash == NULL || slash == s || slash == s + len - 1)
		return ("is not a node id; write it as KIND/NAME, for "
		    "example router/r8 or station/capital");
	return (NULL);
}

/*
 * Return why s (len bytes) is not an operator's name, or NULL.  A name is
 * what a trust file may give an operator (keys/opkey.c holds the same
 * rule); it is shown in sentences and the audit log, so it has no spaces,
 * quotes or control characters.
 */
static const char *
proto_operator_problem(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return ("is not an operator's name: a name is letters, "
			    "digits, '.', '_' and '-', as the trust file gives "
			    "it");
	}
	return (NULL);
}

/*
 * Parse len bytes of JSON text, called what ("frame", "document") in the
 * sentence if it is refused.  Returns the value, or NULL and the sentence.
 */
static json_t *
proto_load(const char *what, const char *buf, size_t len, char *cause,
    size_t causelen)
{
	json_t		*root;
	json_error_t	 jerr;

	/*
	 * NUL escapes are let through the parser so that the field holding
	 * one can be named; every string is checked for them later.
	 */
	root = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr);
	if (root != NULL)
		return (root);
	if (json_error_code(&jerr) == json_error_duplicate_key)
		util_format(cause, causelen, "%s names a field twice (%s at "
		    "line %d column %d); each field may appear once", what,
		    jerr.text, jerr.line, jerr.column);
	else if (json_error_code(&jerr) == json_error_invalid_utf8)
		/* jansson's text would quote the very bytes. */
		util_format(cause, causelen, "%s is not valid UTF-8 at line "
		    "%d column %d; vigil.v1 frames are UTF-8 text: check how "
		    "the sender encodes names", what, jerr.line, jerr.column);
	else if (json_error_code(&jerr) == json_error_numeric_overflow)
		util_format(cause, causelen, "%s holds a number out of range "
		    "(%s at line %d column %d); vigil.v1 integers fit in 64 "
		    "bits", what, jerr.text, jerr.line, jerr.column);
	else
		util_format(cause, causelen, "%s is not JSON: %s at line %d "
		    "column %d", what, jerr.text, jerr.line, jerr.column);
	return (NULL);
}

/* Decode a frame into *msg; see proto.h for the contract. */
int
proto_decode(const char *buf, size_t len, struct proto_msg *msg,
    char *cause, size_t causelen)
{
	const struct proto_type	*t = NULL;
	struct proto_ctx	 ctx;
	json_t			*root, *type;
	const char		*name, *kind;
	char			 echo[64];
	size_t			 i, namelen;
	int			 rc = -1;

	memset(msg, 0, sizeof *msg);
	msg->type = MSG_UNKNOWN;
	memset(&ctx, 0, sizeof ctx);
	ctx.cause = cause;
	ctx.causelen = causelen;

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
	if ((type = json_object_get(root, "type")) == NULL) {
		util_format(cause, causelen, "frame has no \"type\" field; "
		    "every vigil.v1 message names its type");
		goto out;
	}
	if (!json_is_string(type)) {
		util_format(cause, causelen, "frame has a \"type\" field that "
		    "is %s, expected a string such as \"hello\"",
		    proto_json_kind(type));
		goto out;
	}
	name = json_string_value(type);
	namelen = json_string_length(type);
	for (i = 0; i < nitems(proto_types); i++) {
		if (strlen(proto_types[i].name) == namelen &&
		    memcmp(proto_types[i].name, name, namelen) == 0) {
			t = &proto_types[i];
			break;
		}
	}
	if (t == NULL) {
		proto_echo(name, namelen, echo, sizeof echo);
		util_format(cause, causelen, "message type \"%s\" is not part "
		    "of vigil.v1; the sender may be newer than this program: "
		    "upgrade it", echo);
		goto out;
	}
	msg->type = t->type;
	if (t->fields == NULL) {
		util_format(cause, causelen, "message type \"%s\" is reserved "
		    "for a later version, which this version does not accept "
		    "yet; two-person commands need no %s: propose, approve "
		    "and cancel each carry their own signature", t->name,
		    t->name);
		goto out;
	}

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
	if (t->type == MSG_HELLO && proto_check_flags(&ctx,
	    &msg->u.hello) != 0)
		goto out;
	if (t->type == MSG_HELLO)
		msg->u.hello.operators_said = json_object_get(root,
		    "operators") != NULL;
	rc = 0;
out:
	json_decref(root);
	return (rc);
}

/* Decode each field of a table from obj into the struct at base. */
static int
proto_decode_fields(struct proto_ctx *ctx, json_t *obj,
    const struct proto_field *fields, size_t nfields, void *base)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		if (proto_decode_field(ctx, obj, &fields[i], base) != 0)
			return (-1);
	}
	return (0);
}

/* Decode one field, or say what is wrong with it and return -1. */
static int
proto_decode_field(struct proto_ctx *ctx, json_t *obj,
    const struct proto_field *f, void *base)
{
	char	*p = (char *)base + f->off;
	char	 label[96];
	json_t	*v;

	if (ctx->path[0] != '\0')
		util_format(label, sizeof label, "%s.%s", ctx->path, f->key);
	else
		util_copy(label, sizeof label, f->key);

	if ((v = json_object_get(obj, f->key)) == NULL) {
		if (~f->flags & FIELD_OPTIONAL)
			return (proto_fail(ctx, "field %s is missing", label));
		if (f->kind == KIND_DOUBLE)
			*(double *)p = f->dflt;
		else if (f->kind == KIND_INT)
			*(int *)p = (int)f->dflt;
		return (0);
	}
	switch (f->kind) {
	case KIND_STRING:
		return (proto_decode_string(ctx, v, f, label, p));
	case KIND_U64:
	case KIND_I64:
	case KIND_INT:
	case KIND_VERSION:
		return (proto_decode_integer(ctx, v, f, label, p));
	case KIND_DOUBLE:
		return (proto_decode_double(ctx, v, f, label, (double *)p));
	case KIND_BOOL:
		if (!json_is_boolean(v))
			return (proto_fail(ctx, "field %s is %s, expected true "
			    "or false", label, proto_json_kind(v)));
		*(int *)p = json_is_true(v);
		return (0);
	case KIND_ROLE:
	case KIND_SEVERITY:
		return (proto_decode_enum(ctx, v, f, label, p));
	case KIND_ARRAY:
		return (proto_decode_array(ctx, v, f, label, p));
	case KIND_OBJECT:
		return (proto_decode_object(ctx, v, f, label, p));
	case KIND_ARGS:
		return (proto_decode_args(ctx, v, f, label, p));
	}
	fatal("%s: field %s has no kind", __func__, f->key);
}

/* Decode a bounded string field into its buffer at dst. */
static int
proto_decode_string(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, char *dst)
{
	const char	*s, *problem;
	char		 echo[64], words[128];
	size_t		 len, i;

	if (!json_is_string(v))
		return (proto_fail(ctx, "field %s is %s, expected a string",
		    label, proto_json_kind(v)));
	s = json_string_value(v);
	len = json_string_length(v);
	if (memchr(s, '\0', len) != NULL)
		return (proto_fail(ctx, "field %s holds a NUL character "
		    "(\\u0000), which no vigil.v1 string may contain", label));
	if (len >= f->size)
		return (proto_fail(ctx, "field %s is %zu bytes long, at most "
		    "%zu are allowed", label, len, f->size - 1));
	if (len == 0 && (f->flags & FIELD_NONEMPTY))
		return (proto_fail(ctx, "field %s is empty, expected %s",
		    label, (f->flags & FIELD_ID) ? "a node id such as "
		    "router/r8" : "some text"));
	if (len > 0 && (f->flags & FIELD_ID) &&
	    (problem = proto_id_problem(s, len)) != NULL) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" %s", label, echo,
		    problem));
	}
	if (len > 0 && (f->flags & FIELD_OPERATOR) &&
	    (problem = proto_operator_problem(s, len)) != NULL) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" %s", label, echo,
		    problem));
	}
	if (len > 0 && (f->flags & FIELD_HEX) &&
	    (len != (size_t)f->min || strspn(s, "0123456789abcdef") != len)) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" is not %lld "
		    "lower-case hexadecimal digits", label, echo,
		    (long long)f->min));
	}
	if (len > 0 && f->words != NULL) {
		for (i = 0; f->words[i] != NULL; i++) {
			if (strcmp(f->words[i], s) == 0)
				break;
		}
		if (f->words[i] == NULL) {
			proto_echo(s, len, echo, sizeof echo);
			proto_words_text(f->words, words, sizeof words);
			return (proto_fail(ctx, "field %s is \"%s\", expected "
			    "%s", label, echo, words));
		}
	}
	memcpy(dst, s, len + 1);
	if (len > 0 && (f->flags & FIELD_SELF)) {
		ctx->self = dst;
		util_format(ctx->whom, sizeof ctx->whom, "%s from %s",
		    ctx->type, dst);
	}
	return (0);
}

/* Decode an integer field, checking it fits and is not below its minimum. */
static int
proto_decode_integer(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, void *dst)
{
	long long	n;

	if (!json_is_integer(v))
		return (proto_fail(ctx, "field %s is %s, expected an integer",
		    label, proto_json_kind(v)));
	n = json_integer_value(v);
	if (f->kind == KIND_VERSION) {
		if (n != PROTO_VERSION) {
			util_format(ctx->cause, ctx->causelen, "%s speaks "
			    "protocol version %lld; this program speaks "
			    "version %d: upgrade the older side", ctx->whom, n,
			    PROTO_VERSION);
			return (-1);
		}
		*(int *)dst = (int)n;
		return (0);
	}
	if (n < f->min) {
		if (f->min == 0)
			return (proto_fail(ctx, "field %s is %lld, expected a "
			    "non-negative integer", label, n));
		return (proto_fail(ctx, "field %s is %lld, expected an "
		    "integer of at least %lld", label, n, (long long)f->min));
	}
	switch (f->kind) {
	case KIND_U64:
		*(uint64_t *)dst = (uint64_t)n;
		break;
	case KIND_I64:
		/* Every int64 field is a time in milliseconds. */
		if (n > PROTO_TIME_MAX)
			return (proto_fail(ctx, "field %s is %lld, past the "
			    "year 9999: expected at most %lld milliseconds",
			    label, n, (long long)PROTO_TIME_MAX));
		*(int64_t *)dst = (int64_t)n;
		break;
	default:
		if (n > INT_MAX)
			return (proto_fail(ctx, "field %s is %lld, expected at "
			    "most %d", label, n, INT_MAX));
		*(int *)dst = (int)n;
		break;
	}
	return (0);
}

/* Decode a number field; JSON integers and reals are both accepted. */
static int
proto_decode_double(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, double *dst)
{
	double	d, hi;

	if (!json_is_integer(v) && !json_is_real(v))
		return (proto_fail(ctx, "field %s is %s, expected a number",
		    label, proto_json_kind(v)));
	d = json_number_value(v);
	hi = (f->flags & FIELD_SCALE) ? PROTO_TIME_SCALE_MAX : PROTO_REAL_MAX;
	if (d > hi)
		return (proto_fail(ctx, "field %s is %g, expected at most %g%s",
		    label, d, hi, (f->flags & FIELD_SCALE) ? " seconds of node "
		    "clock per real second" : ""));
	if ((f->flags & FIELD_POSITIVE) && !(d > 0))
		return (proto_fail(ctx, "field %s is %g, expected a number "
		    "above 0", label, d));
	if (!(d >= 0))
		return (proto_fail(ctx, "field %s is %g, expected a "
		    "non-negative number", label, d));
	*dst = d;
	return (0);
}

/*
 * Decode a role or severity from its name.  A role also fixes the form of
 * the node id, so the two are checked against each other here.
 */
static int
proto_decode_enum(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, void *dst)
{
	const char	*name;
	char		 echo[64];
	enum proto_role	 role;
	size_t		 n;

	if (!json_is_string(v))
		return (proto_fail(ctx, "field %s is %s, expected a string",
		    label, proto_json_kind(v)));
	name = json_string_value(v);
	proto_echo(name, json_string_length(v), echo, sizeof echo);
	if (strlen(name) != json_string_length(v))
		name = "";
	if (f->kind == KIND_SEVERITY) {
		if (proto_severity_parse(name, dst) != 0)
			return (proto_fail(ctx, "field %s is \"%s\", expected "
			    "\"info\", \"warning\" or \"critical\"", label,
			    echo));
		return (0);
	}
	if (proto_role_parse(name, &role) != 0)
		return (proto_fail(ctx, "field %s is \"%s\", expected "
		    "\"router\" or \"station\"", label, echo));
	n = strlen(proto_role_names[role]);
	if (ctx->self != NULL &&
	    (strncmp(ctx->self, proto_role_names[role], n) != 0 ||
	    ctx->self[n] != '/'))
		return (proto_fail(ctx, "field node does not match field %s "
		    "\"%s\"; a %s's id is %s/NAME", label, name, name, name));
	*(enum proto_role *)dst = role;
	return (0);
}

/* Decode an array of objects, each with the element table's fields. */
static int
proto_decode_array(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, char *dst)
{
	json_t	*elem;
	size_t	 i, n;
	char	 saved[sizeof ctx->path];

	if (!json_is_array(v))
		return (proto_fail(ctx, "field %s is %s, expected an array",
		    label, proto_json_kind(v)));
	n = json_array_size(v);
	if (n > f->max)
		return (proto_fail(ctx, "field %s has %zu entries, at most "
		    "%zu are allowed", label, n, f->max));
	memcpy(saved, ctx->path, sizeof saved);
	for (i = 0; i < n; i++) {
		elem = json_array_get(v, i);
		util_format(ctx->path, sizeof ctx->path, "%s[%zu]", label, i);
		if (!json_is_object(elem))
			return (proto_fail(ctx, "field %s is %s, expected an "
			    "object", ctx->path, proto_json_kind(elem)));
		if (proto_decode_fields(ctx, elem, f->sub, f->nsub,
		    dst + i * f->size) != 0)
			return (-1);
	}
	memcpy(ctx->path, saved, sizeof ctx->path);
	*(size_t *)((char *)dst - f->off + f->countoff) = n;
	return (0);
}

/* Decode an object into the struct member at dst, by the sub-table. */
static int
proto_decode_object(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, char *dst)
{
	char	saved[sizeof ctx->path];

	if (!json_is_object(v))
		return (proto_fail(ctx, "field %s is %s, expected an object",
		    label, proto_json_kind(v)));
	memcpy(saved, ctx->path, sizeof saved);
	util_copy(ctx->path, sizeof ctx->path, label);
	if (proto_decode_fields(ctx, v, f->sub, f->nsub, dst) != 0)
		return (-1);
	memcpy(ctx->path, saved, sizeof ctx->path);
	return (0);
}

/*
 * Decode a command's arguments, an object of name to string, into
 * proto_command_arg entries sorted by name: the order of the canonical
 * text, so that decoding and encoding agree entry by entry.
 */
static int
proto_decode_args(struct proto_ctx *ctx, json_t *v,
    const struct proto_field *f, const char *label, char *dst)
{
	struct proto_command_arg	*args = (struct proto_command_arg *)dst;
	const char			*name, *s;
	json_t				*value;
	char				 echo[64];
	size_t				 n = 0, namelen, len;

	if (!json_is_object(v))
		return (proto_fail(ctx, "field %s is %s, expected an object",
		    label, proto_json_kind(v)));
	if (json_object_size(v) > f->max)
		return (proto_fail(ctx, "field %s has %zu entries, at most "
		    "%zu are allowed", label, json_object_size(v), f->max));
	json_object_keylen_foreach(v, name, namelen, value) {
		proto_echo(name, namelen, echo, sizeof echo);
		if (namelen == 0 || memchr(name, '\0', namelen) != NULL ||
		    namelen >= sizeof args[n].name)
			return (proto_fail(ctx, "field %s has an argument "
			    "named \"%s\"; a name is 1 to %zu bytes with no "
			    "NUL character", label, echo,
			    sizeof args[n].name - 1));
		if (!json_is_string(value))
			return (proto_fail(ctx, "field %s.%s is %s, expected a "
			    "string", label, echo, proto_json_kind(value)));
		s = json_string_value(value);
		len = json_string_length(value);
		if (memchr(s, '\0', len) != NULL)
			return (proto_fail(ctx, "field %s.%s holds a NUL "
			    "character (\\u0000), which no vigil.v1 "
			    "string may contain", label, echo));
		if (len >= sizeof args[n].value)
			return (proto_fail(ctx, "field %s.%s is %zu bytes "
			    "long, at most %zu are allowed", label, echo, len,
			    sizeof args[n].value - 1));
		memcpy(args[n].name, name, namelen + 1);
		memcpy(args[n].value, s, len + 1);
		n++;
	}
	if (n > 1)
		qsort(args, n, sizeof *args, proto_arg_cmp);
	*(size_t *)((char *)dst - f->off + f->countoff) = n;
	return (0);
}

/* Order arguments by name, byte by byte, as JSON_SORT_KEYS does. */
static int
proto_arg_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct proto_command_arg *)a)->name,
	    ((const struct proto_command_arg *)b)->name));
}

/* Write "\"a\", \"b\" or \"c\"" for a NULL-ended list of words. */
static void
proto_words_text(const char *const *words, char *buf, size_t len)
{
	size_t	i, n = 0, used;

	while (words[n] != NULL)
		n++;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s\"%s\"",
		    i == 0 ? "" : (i == n - 1 ? " or " : ", "), words[i]);
	}
}

/*
 * A command names at least one target and each target once: a node
 * listed twice would be bound to two states at once.
 */
static int
proto_check_targets(struct proto_ctx *ctx, const struct proto_command *cmd)
{
	size_t	i, j;

	if (cmd->ntargets == 0)
		return (proto_fail(ctx, "field targets is empty; a command "
		    "names at least one target node"));
	for (i = 1; i < cmd->ntargets; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(cmd->targets[i].node,
			    cmd->targets[j].node) == 0)
				return (proto_fail(ctx, "field "
				    "targets[%zu].node repeats %s of "
				    "targets[%zu]; each target may appear "
				    "once", i, cmd->targets[i].node, j));
		}
	}
	return (0);
}

/*
 * Refuse a member obj has that the table does not name (nor "v" at the
 * top): a signed document means exactly what vigil reads from it, so it
 * may hold nothing vigil would skip.
 */
static int
proto_check_unknown(struct proto_ctx *ctx, json_t *obj,
    const struct proto_field *fields, size_t nfields, const char *where)
{
	const char	*key;
	json_t		*v;
	char		 echo[64];
	size_t		 i;

	json_object_foreach(obj, key, v) {
		if (fields == proto_command_fields && strcmp(key, "v") == 0)
			continue;
		for (i = 0; i < nfields; i++) {
			if (strcmp(fields[i].key, key) == 0)
				break;
		}
		if (i < nfields)
			continue;
		proto_echo(key, strlen(key), echo, sizeof echo);
		util_format(ctx->cause, ctx->causelen, "document is not in "
		    "canonical form: field %s%s is not part of a command "
		    "document; sign the text vigil produces, unchanged",
		    where, echo);
		return (-1);
	}
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

/*
 * A JSON string of len bytes.  Text that is not valid UTF-8 (a name cut
 * in the middle of a character, say) gets '?' for its non-ASCII bytes
 * rather than being lost.
 */
static json_t *
proto_string(const char *s, size_t len)
{
	json_t	*v;
	char	*copy;
	size_t	 i;

	if ((v = json_stringn(s, len)) != NULL)
		return (v);
	copy = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		copy[i] = (c >= 0x80 || c == '\0') ? '?' : (char)c;
	}
	copy[len] = '\0';
	v = json_stringn(copy, len);
	free(copy);
	if (v == NULL)
		fatal("%s: out of memory", __func__);
	return (v);
}

/* Set a member of obj, taking v; dies only when out of memory. */
static void
proto_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		fatal("%s: cannot set %s: out of memory", __func__, key);
}

/*
 * Set a member whose name came from a struct, not from this file: a name
 * that is not valid UTF-8 gets '?' for its non-ASCII bytes, as values do.
 */
static void
proto_set_key(json_t *obj, const char *key, json_t *v)
{
	char	*copy;
	size_t	 i;

	if (v == NULL)
		fatal("%s: out of memory", __func__);
	if (json_object_set_new(obj, key, json_incref(v)) == 0) {
		json_decref(v);
		return;
	}
	copy = xstrdup(key);
	for (i = 0; copy[i] != '\0'; i++) {
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	}
	proto_set(obj, copy, v);
	free(copy);
}

/* Set a string member, or leave it out when s is NULL. */
static void
proto_set_string(json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		proto_set(obj, key, proto_string(s, strlen(s)));
}

/* A counter as a JSON integer; jansson's integers stop at 2^63 - 1. */
static json_t *
proto_counter(uint64_t n)
{
	return (json_integer(n > (uint64_t)INT64_MAX ? INT64_MAX :
	    (json_int_t)n));
}

/* Encode the fields of a table, skipping the node id when asked. */
static void
proto_encode_fields(json_t *obj, const struct proto_field *fields,
    size_t nfields, const void *base, int with_self)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		if (!with_self && (fields[i].flags & FIELD_SELF))
			continue;
		proto_encode_field(obj, &fields[i], base);
	}
}

/*
 * Encode one field.  An optional number holding a value its receiver
 * would refuse (a zero time_scale from a struct nobody filled) is left
 * out, so the receiver applies the documented default instead.
 */
static void
proto_encode_field(json_t *obj, const struct proto_field *f,
    const void *base)
{
	const char	*p = (const char *)base + f->off;
	const char	*name;
	json_t		*arr, *elem;
	double		 d;
	size_t		 i, n;
	int		 k;

	switch (f->kind) {
	case KIND_STRING:
		proto_set(obj, f->key, proto_string(p, strnlen(p, f->size)));
		break;
	case KIND_U64:
		proto_set(obj, f->key, proto_counter(*(const uint64_t *)p));
		break;
	case KIND_I64:
		if ((f->flags & FIELD_OPTIONAL) && *(const int64_t *)p < f->min)
			break;
		proto_set(obj, f->key, json_integer(*(const int64_t *)p));
		break;
	case KIND_INT:
		k = *(const int *)p;
		if ((f->flags & FIELD_OPTIONAL) && k < f->min)
			break;
		proto_set(obj, f->key, json_integer(k));
		break;
	case KIND_VERSION:
		k = *(const int *)p;
		proto_set(obj, f->key, json_integer(k == 0 ? PROTO_VERSION :
		    k));
		break;
	case KIND_DOUBLE:
		d = *(const double *)p;
		if ((f->flags & FIELD_OPTIONAL) && !((f->flags &
		    FIELD_POSITIVE) ? d > 0 : d >= 0))
			break;
		proto_set(obj, f->key, json_real(isfinite(d) ? d : 0));
		break;
	case KIND_BOOL:
		proto_set(obj, f->key, json_boolean(*(const int *)p != 0));
		break;
	case KIND_ROLE:
		name = proto_role_name(*(const enum proto_role *)p);
		proto_set(obj, f->key, json_string(name));
		break;
	case KIND_SEVERITY:
		name = proto_severity_name(*(const enum proto_severity *)p);
		proto_set(obj, f->key, json_string(name));
		break;
	case KIND_ARRAY:
		n = *(const size_t *)((const char *)base + f->countoff);
		if (n > f->max)
			n = f->max;
		if ((arr = json_array()) == NULL)
			fatal("%s: out of memory", __func__);
		for (i = 0; i < n; i++) {
			if ((elem = json_object()) == NULL)
				fatal("%s: out of memory", __func__);
			proto_encode_fields(elem, f->sub, f->nsub,
			    p + i * f->size, 1);
			if (json_array_append_new(arr, elem) != 0)
				fatal("%s: out of memory", __func__);
		}
		proto_set(obj, f->key, arr);
		break;
	case KIND_OBJECT:
		if ((elem = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(elem, f->sub, f->nsub, p, 1);
		proto_set(obj, f->key, elem);
		break;
	case KIND_ARGS: {
		const struct proto_command_arg *args =
		    (const struct proto_command_arg *)p;

		n = *(const size_t *)((const char *)base + f->countoff);
		if (n > f->max)
			n = f->max;
		if ((elem = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		for (i = 0; i < n; i++)
			proto_set_key(elem, args[i].name, proto_string(
			    args[i].value, strnlen(args[i].value,
			    sizeof args[i].value)));
		proto_set(obj, f->key, elem);
		break;
	}
	}
}

/* Encode the one field of a table named key. */
static void
proto_encode_key(json_t *obj, const struct proto_field *fields,
    size_t nfields, const char *key, const void *base)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		if (strcmp(fields[i].key, key) == 0) {
			proto_encode_field(obj, &fields[i], base);
			return;
		}
	}
	fatal("%s: no field %s", __func__, key);
}

/* Print compact JSON and drop the value; dies only out of memory. */
static char *
proto_dump(json_t *v)
{
	return (proto_dump_flags(v, JSON_COMPACT));
}

/*
 * Print a report's compact JSON, all ASCII, and drop the value: JSON
 * escapes only C0 controls, and a report may go to a terminal, which
 * would act on a C1 control (U+0080 to U+009F) a backend sent.
 */
static char *
proto_dump_report(json_t *v)
{
	return (proto_dump_flags(v, JSON_COMPACT | JSON_ENSURE_ASCII));
}

/* Print compact JSON with keys in byte order and drop the value. */
static char *
proto_dump_sorted(json_t *v)
{
	return (proto_dump_flags(v, JSON_COMPACT | JSON_SORT_KEYS));
}

/* Print JSON with jansson's flags and drop the value. */
static char *
proto_dump_flags(json_t *v, size_t flags)
{
	char	*s;

	if ((s = json_dumps(v, flags)) == NULL)
		fatal("%s: out of memory", __func__);
	json_decref(v);
	return (s);
}

/* Encode a message; see proto.h for the contract. */
char *
proto_encode(const struct proto_msg *msg)
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
	if (msg->type == MSG_STATS && msg->u.stats.role == ROLE_ROUTER)
		proto_encode_fields(obj, proto_router_fields,
		    nitems(proto_router_fields), &msg->u.stats.router, 1);
	else if (msg->type == MSG_STATS && msg->u.stats.role == ROLE_STATION)
		proto_encode_fields(obj, proto_station_fields,
		    nitems(proto_station_fields), &msg->u.stats.station, 1);
	return (proto_dump(obj));
}

/*
 * Parse the text of a document or audit line, called ctx->whom in
 * sentences, into *root, which must be an object.  Returns 0, or -1 with
 * the sentence in ctx->cause.
 */
static int
proto_decode_root(struct proto_ctx *ctx, const char *text, size_t len,
    size_t max, json_t **root)
{
	const char	*kind;

	*root = NULL;
	if (text == NULL || len == 0) {
		util_format(ctx->cause, ctx->causelen, "%s is empty, expected "
		    "one JSON object", ctx->whom);
		return (-1);
	}
	if (len > max) {
		util_format(ctx->cause, ctx->causelen, "%s is %zu bytes long, "
		    "at most %zu are allowed", ctx->whom, len, max);
		return (-1);
	}
	if ((*root = proto_load(ctx->whom, text, len, ctx->cause,
	    ctx->causelen)) == NULL)
		return (-1);
	if (!json_is_object(*root)) {
		kind = proto_json_kind(*root);
		util_format(ctx->cause, ctx->causelen, "%s is %s, expected a "
		    "JSON object", ctx->whom, kind);
		json_decref(*root);
		*root = NULL;
		return (-1);
	}
	return (0);
}

/* The canonical text of a command document; see proto.h. */
char *
proto_command_encode(const struct proto_command *cmd)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_encode_fields(obj, proto_command_fields,
	    nitems(proto_command_fields), cmd, 1);
	proto_set(obj, "v", json_integer(PROTO_VERSION));
	return (proto_dump_sorted(obj));
}

/*
 * Decode a command document and insist that it is canonical: the text
 * must be byte for byte what proto_command_encode() makes of what it
 * says, so that a signature covers one meaning only.  See proto.h.
 */
int
proto_command_decode(const char *text, size_t len, struct proto_command *cmd,
    char *cause, size_t causelen)
{
	struct proto_ctx	 ctx;
	json_t			*root, *v, *elem;
	char			*canon, where[32];
	size_t			 i, n, clen;
	int			 rc = -1;

	memset(cmd, 0, sizeof *cmd);
	memset(&ctx, 0, sizeof ctx);
	ctx.type = "document";
	util_copy(ctx.whom, sizeof ctx.whom, "document");
	ctx.cause = cause;
	ctx.causelen = causelen;
	if (proto_decode_root(&ctx, text, len, PROTO_DOC_MAX - 1, &root) != 0)
		return (-1);

	if ((v = json_object_get(root, "v")) == NULL) {
		proto_fail(&ctx, "field v is missing; a command document "
		    "says its version");
		goto out;
	}
	if (!json_is_integer(v)) {
		proto_fail(&ctx, "field v is %s, expected an integer",
		    proto_json_kind(v));
		goto out;
	}
	if (json_integer_value(v) != PROTO_VERSION) {
		util_format(cause, causelen, "document is version %lld; this "
		    "program reads version %d documents: upgrade the older "
		    "side", (long long)json_integer_value(v), PROTO_VERSION);
		goto out;
	}
	if (proto_decode_fields(&ctx, root, proto_command_fields,
	    nitems(proto_command_fields), cmd) != 0)
		goto out;
	if (proto_check_targets(&ctx, cmd) != 0)
		goto out;
	if (cmd->expires_ms <= cmd->created_ms) {
		proto_fail(&ctx, "field expires_ms (%lld) is not after field "
		    "created_ms (%lld); a command expires after it is made",
		    (long long)cmd->expires_ms, (long long)cmd->created_ms);
		goto out;
	}
	if (proto_check_unknown(&ctx, root, proto_command_fields,
	    nitems(proto_command_fields), "") != 0)
		goto out;
	for (i = 0; i < cmd->ntargets; i++) {
		elem = json_array_get(json_object_get(root, "targets"), i);
		util_format(where, sizeof where, "targets[%zu].", i);
		if (proto_check_unknown(&ctx, elem, proto_target_fields,
		    nitems(proto_target_fields), where) != 0)
			goto out;
	}

	canon = proto_command_encode(cmd);
	clen = strlen(canon);
	for (n = 0; n < len && n < clen && text[n] == canon[n]; n++)
		/* nothing */;
	free(canon);
	if (n < len || n < clen) {
		util_format(cause, causelen, "document is not in canonical "
		    "form: it differs at byte %zu from the text vigil writes "
		    "for the same command (keys in byte order, no spaces, no "
		    "escapes JSON does not require); sign the text vigil "
		    "produces, unchanged", n + 1);
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return (rc);
}

/* One audit line, keys in byte order; see proto.h. */
char *
proto_audit_encode(const struct proto_audit_entry *entry)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_encode_fields(obj, proto_audit_fields,
	    nitems(proto_audit_fields), entry, 1);
	return (proto_dump_sorted(obj));
}

/* Decode one audit line; see proto.h. */
int
proto_audit_decode(const char *line, size_t len,
    struct proto_audit_entry *entry, char *cause, size_t causelen)
{
	struct proto_ctx	 ctx;
	json_t			*root;
	int			 rc;

	memset(entry, 0, sizeof *entry);
	memset(&ctx, 0, sizeof ctx);
	ctx.type = "audit entry";
	util_copy(ctx.whom, sizeof ctx.whom, "audit entry");
	ctx.cause = cause;
	ctx.causelen = causelen;
	/* A document's every byte may take six to escape: \u001F. */
	if (proto_decode_root(&ctx, line, len, 8 * PROTO_DOC_MAX, &root) != 0)
		return (-1);
	rc = proto_decode_fields(&ctx, root, proto_audit_fields,
	    nitems(proto_audit_fields), entry);
	json_decref(root);
	return (rc);
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

/* The wire name of a role: "router", "station", "none" or "unknown". */
const char *
proto_role_name(enum proto_role role)
{
	if ((size_t)role < nitems(proto_role_names))
		return (proto_role_names[role]);
	return ("unknown");
}

/* The wire name of a severity, "unknown" for a value out of range. */
const char *
proto_severity_name(enum proto_severity severity)
{
	if ((size_t)severity < nitems(proto_severity_names))
		return (proto_severity_names[severity]);
	return ("unknown");
}

/* Parse "router" or "station"; -1 for anything else, "none" included. */
int
proto_role_parse(const char *name, enum proto_role *role)
{
	if (strcmp(name, "router") == 0)
		*role = ROLE_ROUTER;
	else if (strcmp(name, "station") == 0)
		*role = ROLE_STATION;
	else
		return (-1);
	return (0);
}

/* Parse "info", "warning" or "critical"; -1 for anything else. */
int
proto_severity_parse(const char *name, enum proto_severity *sev)
{
	size_t	i;

	for (i = 0; i < nitems(proto_severity_names); i++) {
		if (strcmp(name, proto_severity_names[i]) == 0) {
			*sev = (enum proto_severity)i;
			return (0);
		}
	}
	return (-1);
}

/* Set a rate per second, leaving it out while it is not known. */
static void
proto_set_rate(json_t *obj, const char *key, double rate)
{
	if (rate >= 0 && isfinite(rate))
		proto_set(obj, key, json_real(rate));
}

/* One node of a report, in the form vigil(1) documents. */
static json_t *
proto_report_node_json(const struct proto_report_node *n)
{
	static const char *const hello_keys[] = {
		"role", "group", "build", "flags", "scenario", "time_scale",
		"transport_key",
	};
	const struct proto_hello	*hello = n->hello;
	const struct proto_stats	*stats = n->stats;
	json_t				*obj, *rates, *sub;
	size_t				 i;

	if ((obj = json_object()) == NULL || (rates = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "id", n->id);
	proto_set_string(obj, "url", n->url);
	proto_set_string(obj, "state", n->state);
	proto_set(obj, "age_ms", json_integer(n->age_ms));
	if (hello != NULL) {
		for (i = 0; i < nitems(hello_keys); i++)
			proto_encode_key(obj, proto_hello_fields,
			    nitems(proto_hello_fields), hello_keys[i], hello);
	} else if (stats != NULL)
		proto_set_string(obj, "role", proto_role_name(stats->role));
	if (stats != NULL)
		proto_set(obj, "clock_ms", json_integer(stats->clock_ms));
	else if (hello != NULL)
		proto_set(obj, "clock_ms", json_integer(hello->clock_ms));

	proto_set_rate(rates, "parent", n->parent_rate);
	proto_set_rate(rates, "child", n->child_rate);
	proto_set_rate(rates, "child_shares", n->child_share_rate);
	proto_set_rate(rates, "child_baseline", n->child_rate_baseline);
	proto_set_rate(rates, "heartbeat", n->heartbeat_rate);
	proto_set_rate(rates, "heartbeat_expected",
	    n->heartbeat_rate_expected);
	proto_set(obj, "rates", rates);
	proto_set(obj, "counter_resets", proto_counter(n->counter_resets));

	if (stats != NULL && stats->role == ROLE_ROUTER) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_router_fields,
		    nitems(proto_router_fields), &stats->router, 1);
		proto_set(obj, "router", sub);
	} else if (stats != NULL && stats->role == ROLE_STATION) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_station_fields,
		    nitems(proto_station_fields), &stats->station, 1);
		proto_set(obj, "station", sub);
	}
	if (n->cert != NULL) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_cert_fields,
		    nitems(proto_cert_fields), n->cert, 0);
		proto_set(obj, "cert", sub);
		proto_set(obj, "cert_expires_in_ms",
		    json_integer(n->cert_expires_in_ms));
	}
	if (n->transport_fpr != NULL)
		proto_set_string(obj, "transport_key_fpr", n->transport_fpr);
	proto_set_string(obj, "error", n->error);
	return (obj);
}

/* One alert of a report, in the form vigil(1) documents. */
static json_t *
proto_report_alert_json(const struct proto_report_alert *a)
{
	json_t	*obj, *nodes;
	size_t	 i;

	if ((obj = json_object()) == NULL || (nodes = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "severity", proto_severity_name(a->severity));
	proto_set_string(obj, "rule", a->rule);
	for (i = 0; i < a->nnodes; i++) {
		if (a->nodes[i] != NULL && json_array_append_new(nodes,
		    proto_string(a->nodes[i], strlen(a->nodes[i]))) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "nodes", nodes);
	proto_set(obj, "nodes_total", proto_counter(a->nodes_total >
	    a->nnodes ? a->nodes_total : a->nnodes));
	proto_set_string(obj, "text", a->text);
	proto_set_string(obj, "cause", a->cause);
	proto_set_string(obj, "action", a->action);
	proto_set(obj, "first_seen_ms", json_integer(a->first_seen_ms));
	proto_set(obj, "last_seen_ms", json_integer(a->last_seen_ms));
	proto_set(obj, "count", proto_counter(a->count));
	proto_set(obj, "active", json_boolean(a->active));
	proto_set(obj, "acknowledged", json_boolean(a->acknowledged));
	return (obj);
}

/* A JSON array of alerts. */
static json_t *
proto_report_alerts_json(const struct proto_report_alert *alerts,
    size_t nalerts)
{
	json_t	*arr;
	size_t	 i;

	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < nalerts; i++) {
		if (json_array_append_new(arr,
		    proto_report_alert_json(&alerts[i])) != 0)
			fatal("%s: out of memory", __func__);
	}
	return (arr);
}

/* The status document; see proto.h.  The fleet name is left out if NULL. */
char *
proto_report_status(const char *fleet, const struct proto_report_node *nodes,
    size_t nnodes, const struct proto_report_alert *alerts, size_t nalerts)
{
	json_t		*obj, *arr;
	const char	*holder = "";
	size_t		 i;

	if ((obj = json_object()) == NULL || (arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "fleet", fleet);
	for (i = 0; i < nnodes; i++) {
		if (nodes[i].cert != NULL && nodes[i].cert->holds_root &&
		    holder[0] == '\0')
			holder = nodes[i].id;
	}
	if (holder[0] != '\0')
		proto_set_string(obj, "root_holder", holder);
	for (i = 0; i < nnodes; i++) {
		if (json_array_append_new(arr,
		    proto_report_node_json(&nodes[i])) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "nodes", arr);
	proto_set(obj, "alerts", proto_report_alerts_json(alerts, nalerts));
	return (proto_dump_report(obj));
}

/* {"alerts":[...]}; see proto.h. */
char *
proto_report_alerts(const struct proto_report_alert *alerts, size_t nalerts)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "alerts", proto_report_alerts_json(alerts, nalerts));
	return (proto_dump_report(obj));
}

/* One watch line about a node; see proto.h. */
char *
proto_report_node_event(int64_t time_ms, const struct proto_report_node *node)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "event", json_string("node"));
	proto_set(obj, "time", json_integer(time_ms));
	proto_set(obj, "node", proto_report_node_json(node));
	return (proto_dump_report(obj));
}

/* One watch line about an alert; see proto.h. */
char *
proto_report_alert_event(int64_t time_ms, const char *change,
    const struct proto_report_alert *alert)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "event", json_string("alert"));
	proto_set_string(obj, "change", change);
	proto_set(obj, "time", json_integer(time_ms));
	proto_set(obj, "alert", proto_report_alert_json(alert));
	return (proto_dump_report(obj));
}

/* One pending proposal for vigil pending --json (see proto.h). */
static json_t *
proto_report_proposal_json(const struct proto_report_proposal *p)
{
	const struct proto_command	*cmd = p->cmd;
	json_t				*obj, *arr, *t, *args;
	size_t				 i;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "id", p->id);
	if (cmd != NULL) {
		proto_set_string(obj, "action", cmd->action);
		if ((arr = json_array()) == NULL)
			fatal("%s: out of memory", __func__);
		for (i = 0; i < cmd->ntargets && i < PROTO_MAX_TARGETS; i++) {
			if ((t = json_object()) == NULL)
				fatal("%s: out of memory", __func__);
			proto_set_string(t, "node", cmd->targets[i].node);
			proto_set_string(t, "build", cmd->targets[i].build);
			proto_set_string(t, "state", cmd->targets[i].state);
			if (json_array_append_new(arr, t) != 0)
				fatal("%s: out of memory", __func__);
		}
		proto_set(obj, "targets", arr);
		if ((args = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		for (i = 0; i < cmd->nargs && i < PROTO_MAX_ARGS; i++)
			proto_set_string(args, cmd->args[i].name,
			    cmd->args[i].value);
		proto_set(obj, "args", args);
		proto_set_string(obj, "reason", cmd->reason);
		proto_set_string(obj, "proposer", cmd->proposer);
		proto_set(obj, "created_ms", json_integer(cmd->created_ms));
	}
	proto_set(obj, "expires_ms", json_integer(p->expires_ms));
	proto_set(obj, "expires_in_ms", json_integer(p->expires_in_ms));
	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < p->nsigs; i++) {
		if (json_array_append_new(arr, proto_string(
		    p->sigs[i].operator, strlen(p->sigs[i].operator))) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "signers", arr);
	proto_set_string(obj, "status", p->status);
	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < p->nnodes; i++) {
		if (json_array_append_new(arr, proto_string(p->nodes[i],
		    strlen(p->nodes[i]))) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "nodes", arr);
	proto_set_string(obj, "document", p->document);
	proto_set_string(obj, "problem", p->problem);
	return (obj);
}

/* {"proposals":[...]}: vigil pending --json; see proto.h. */
char *
proto_report_proposals(const struct proto_report_proposal *v, size_t n)
{
	json_t	*obj, *arr;
	size_t	 i;

	if ((obj = json_object()) == NULL || (arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < n; i++) {
		if (json_array_append_new(arr,
		    proto_report_proposal_json(&v[i])) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "proposals", arr);
	return (proto_dump_report(obj));
}
