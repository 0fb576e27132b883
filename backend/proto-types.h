/*
 * proto-types.h: the vigil.v1 vocabulary every part of the protocol
 * library shares: its version and limits, roles and severities with
 * their wire names, and a command's argument.
 *
 * It is apart from proto.h (the messages, proto.c's codec) so that the
 * field engine (proto-field.c) can check limits and words without
 * depending on the wire codec that uses it; proto.h includes it.
 */
#ifndef VIGIL_PROTO_TYPES_H
#define VIGIL_PROTO_TYPES_H

#define PROTO_SUBPROTOCOL	"vigil.v1"
#define PROTO_VERSION		1
/*
 * A console that holds a document it was sent whole on a link says so
 * on the websocket handshake with this header (value "sha256"): a
 * backend then names a later proposal of the same document on that link
 * by its SHA-256 instead of sending it whole again.  Without it, every
 * proposal frame carries its document.
 */
#define PROTO_NAMED_HEADER	"x-vigil-named:"
#define PROTO_NAMED_VALUE	"sha256"
/* The console's instance: a random id per process, 32 hex digits. */
#define PROTO_INSTANCE_HEADER	"x-vigil-instance:"
#define PROTO_INSTANCE_LEN	32
/*
 * Larger frames are refused before they are parsed.  The largest frame
 * a peer needs is a propose, approve or proposal carrying a document of
 * PROTO_DOC_MAX bytes (proto.h: 1,000 targets), whose quotes and
 * backslashes are escaped once more inside the frame: at most twice its
 * length, and room for the signatures.
 */
#define PROTO_MAX_FRAME		(512 * 1024)

#define PROTO_ID_MAX		64	/* "router/r8", "station/capital" */
#define PROTO_NAME_MAX		64	/* groups, builds, flag paths */
#define PROTO_FLAG_NAME_MAX	32
#define PROTO_CODE_MAX		32	/* alert codes, rule names */
#define PROTO_TEXT_MAX		512	/* sentences */
#define PROTO_MAX_FLAGS		16
#define PROTO_MAX_BLACKLIST	32
#define PROTO_OPERATOR_MAX	64	/* operator name */
#define PROTO_KEY_MAX		48	/* base64 Ed25519 public key: 44 */
#define PROTO_MAX_OPERATORS	16	/* a hello lists at most these */
#define PROTO_CHALLENGE_MAX	33	/* a hello's challenge: 32 hex */

/*
 * Bounds on numbers, so that no value a backend sends can overflow the
 * console's arithmetic or be shown as a fact when it is absurd: every
 * time in milliseconds (clocks, uptimes, intervals, countdowns) is at
 * most the last millisecond of the year 9999; a time scale is at most
 * what vigild's simulator allows; any other real number is finite and
 * at most 1e15.  Counters may be as large as JSON integers go (2^63-1).
 */
#define PROTO_TIME_MAX		253402300799999LL
#define PROTO_TIME_SCALE_MAX	10000.0
#define PROTO_REAL_MAX		1e15

/* Roles are bits so that a command can name the roles it applies to. */
enum proto_role {
	ROLE_NONE = 0,
	ROLE_ROUTER = 1,
	ROLE_STATION = 2,
};

enum proto_severity {
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_CRITICAL = 2,
};

/* The wire name of a role ("router") or severity ("info"). */
const char *proto_role_name(enum proto_role role);
const char *proto_severity_name(enum proto_severity severity);

/* Parse a role or severity name.  Return 0, or -1 if not known. */
int	 proto_role_parse(const char *name, enum proto_role *role);
int	 proto_severity_parse(const char *name, enum proto_severity *sev);

/* One argument of a command document: a name and its string value. */
struct proto_command_arg {
	char	name[32];
	char	value[128];
};

#endif
