/*
 * proto.h: the Vigil wire protocol, vigil.v1 (see vigil-protocol(7)).
 *
 * Every frame is one JSON object with a "type".  The protocol library
 * (backend/proto*.c) is the only code that sees JSON: it turns frames,
 * command documents and audit lines into the plain structs below and
 * back, owns every validation sentence, and writes the --json reports.
 * Both vigild and vigil use it.  This header holds the messages and the
 * command document (proto.c is the wire codec, proto-command.c the
 * document's canonical text); an audit log's line is in proto-audit.h,
 * the --json reports in proto-report.h.
 *
 * Times: "clock_ms" fields are the node's own clock (a scenario's clock
 * for a simulated node) in milliseconds since the Unix epoch; "uptime_ms"
 * is a monotonic count since the node started, used for rates.
 */
#ifndef VIGIL_PROTO_H
#define VIGIL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "proto-types.h"

/*
 * A node's state: a router's, as its stats say, and the state a command
 * binds each target to (a station is always running).
 */
enum proto_state {
	STATE_RUNNING = 0,
	STATE_HALTING,		/* killed, child orders still open */
	STATE_KILLED,
	/*
	 * A real node whose facts are missing or stale (vigild agent):
	 * named "unknown", never parsed from a document, so no command
	 * binds to it.
	 */
	STATE_UNKNOWN,
};

/* What became of a proposal on a node: a proposal's "status". */
enum proto_status {
	STATUS_PENDING = 0,
	STATUS_EXECUTED,
	STATUS_REFUSED,
	STATUS_CANCELLED,
	STATUS_EXPIRED,
	STATUS_ARMED,		/* an arm-kill that ran, in its window */
	STATUS_FIRED,
	STATUS_DISARMED,
};

/* What a node did with a command message: a result's "outcome". */
enum proto_outcome {
	OUTCOME_ACCEPTED = 0,	/* held pending */
	OUTCOME_EXECUTED,
	OUTCOME_REFUSED,
	OUTCOME_CANCELLED,
	OUTCOME_EXPIRED,
	OUTCOME_FIRED,		/* an armed kill fired */
};

enum msg_type {
	MSG_UNKNOWN = 0,
	MSG_HELLO,		/* backend -> console */
	MSG_STATS,		/* backend -> console */
	MSG_CERT,		/* backend -> console */
	MSG_ALERT,		/* backend -> console */
	MSG_ERROR,		/* either way */
	/* Two-person commands (see command.h), and who is watching. */
	MSG_AUTH,		/* console -> backend: the hello's answer */
	MSG_PROPOSE,		/* console -> backend */
	MSG_APPROVE,		/* console -> backend */
	MSG_CANCEL,		/* console -> backend */
	MSG_PROPOSAL,		/* backend -> console */
	MSG_RESULT,		/* backend -> console */
	MSG_FIRE,		/* console -> backend: fire an armed kill */
	MSG_WATCHING,		/* backend -> console: operators watching */
	/* Moving the root key (move-root); see vigil-protocol(7). */
	MSG_SEALED,		/* backend -> console */
	MSG_DELIVER,		/* console -> backend */
	MSG_HOLDER,		/* either way */
	MSG_WANT,		/* console -> backend: a named document */
};

/* One feature flag as a node's build understands it. */
struct proto_flag {
	char	name[PROTO_FLAG_NAME_MAX];	/* "rlp" */
	int	on;				/* 1 if set on this node */
	char	path[PROTO_NAME_MAX];		/* code it enables here */
};

#define PROTO_MAX_BUILDS	4	/* installed builds per node */
#define PROTO_MAX_RETIRED	8	/* code paths one build retired */

/* What one flag enables in one build: its manifest entry. */
struct proto_manifest_entry {
	char	name[PROTO_FLAG_NAME_MAX];	/* "rlp" */
	char	path[PROTO_NAME_MAX];		/* "retail_liquidity" */
};

/* A code path a build retired: no flag may enable it any more. */
struct proto_retired {
	char	path[PROTO_NAME_MAX];		/* "power_peg" */
};

/*
 * One build installed on a node, with its flag manifest and the code
 * paths it retired; exactly one of a node's builds is active.
 */
struct proto_build {
	char			id[PROTO_NAME_MAX];	/* "smars-2012.08.01" */
	int			active;
	size_t			nmanifest;
	struct proto_manifest_entry manifest[PROTO_MAX_FLAGS];
	size_t			nretired;
	struct proto_retired	retired[PROTO_MAX_RETIRED];
};

/* An operator a backend trusts, as its hello lists them (public). */
struct proto_operator_key {
	char	operator[PROTO_OPERATOR_MAX];	/* "alice" */
	char	key[PROTO_KEY_MAX];		/* base64 Ed25519 */
};

/* A node introduces itself; sent first on every connection. */
struct proto_hello {
	char		node[PROTO_ID_MAX];	/* "router/r8" */
	enum proto_role	role;
	char		group[PROTO_NAME_MAX];	/* "nyse", "north" */
	char		build[PROTO_NAME_MAX];	/* "smars-2012.07.31" */
	int		version;		/* protocol version, 1 */
	char		scenario[32];		/* "calm", "knight", ""... */
	int64_t		clock_ms;		/* node clock now */
	double		time_scale;		/* clock secs per real sec */
	int		link_nodes;		/* nodes on this websocket;
						   0 when not declared */
	char		transport_key[65];	/* a station's X25519 key,
						   hex; "" for a router */
	size_t		nflags;
	struct proto_flag flags[PROTO_MAX_FLAGS];
	size_t		nbuilds;		/* 0: only build is known */
	struct proto_build *builds;		/* installed: nbuilds, on
						   the heap (proto.c) */
	/*
	 * The operators whose signed commands the node accepts, when
	 * operators_said (the optional field was sent; empty: it trusts
	 * none).  Absent, the backend does not say.
	 */
	int		operators_said;
	size_t		noperators;
	struct proto_operator_key *operators;	/* noperators, on the
						   heap (proto.c) */
	/*
	 * Optional: this connection's challenge, which a console with a
	 * key answers with auth; and who may read telemetry ("anyone",
	 * or "key": only a console that answered it).
	 */
	char		challenge[PROTO_CHALLENGE_MAX];
	char		read[8];
	/*
	 * Optional: "sha256" when the node checks command signatures
	 * through the document's SHA-256 (proto_statement); "" from a
	 * vigild of the old scheme, which checks them over the document.
	 */
	char		signs[8];
};

/*
 * Start hello (all else zero) for node of role, group and build, in
 * this protocol's version: what every node says first.
 */
void	 proto_hello_init(struct proto_hello *hello, const char *node,
	    enum proto_role role, const char *group, const char *build);

/*
 * Give hello room for n zeroed builds (proto_hello_builds) or operators
 * (proto_hello_operators), freeing any it held; the count is set to n.
 * proto_hello_clear() frees both, as proto_msg_clear() does for a hello
 * message.  Never fail (xcalloc).
 */
void	 proto_hello_builds(struct proto_hello *hello, size_t n);
void	 proto_hello_operators(struct proto_hello *hello, size_t n);
void	 proto_hello_clear(struct proto_hello *hello);

/* Router counters; all cumulative since the node started. */
struct proto_router_stats {
	uint64_t	parents_total;		/* parent orders accepted */
	uint64_t	parent_shares_total;
	uint64_t	child_orders_total;	/* child orders sent */
	uint64_t	child_shares_total;
	uint64_t	parents_refused_total;
	uint64_t	open_parents;		/* gauge */
	double		worst_ratio;		/* max child/parent shares
						   over open parents; 0 none */
	char		worst_parent[32];	/* its id, "" if none */
	enum proto_state state;			/* "running", "halting" (kill
						   under way), "killed" */
	uint64_t	open_children;		/* gauge: child orders sent
						   and not yet filled or
						   cancelled (the residue) */
	uint64_t	children_cancelled_total;
};

/* One peer a station refuses to trust, and why. */
struct proto_blacklist {
	char	peer[PROTO_ID_MAX];		/* "station/capital" */
	char	reported_by[PROTO_ID_MAX];	/* who found the evidence */
	char	evidence[PROTO_TEXT_MAX];	/* what was seen, in words */
	int64_t	since_ms;			/* node clock */
};

/* Station counters; cumulative except where marked as a gauge. */
struct proto_station_stats {
	uint64_t	heartbeats_total;	/* heartbeats sent to devices */
	uint64_t	devices;		/* gauge */
	uint64_t	devices_failed;		/* gauge: countdown ran out */
	int64_t		device_countdown_ms;	/* gauge: shortest countdown
						   of a live device, node
						   clock ms; -1 if none */
	int64_t		heartbeat_interval_ms;	/* node clock ms between two
						   heartbeats to a device */
	int64_t		device_timeout_ms;	/* countdown length */
	uint64_t	renewals_ok_total;
	uint64_t	renewals_failed_total;
	uint64_t	messages_signed_total;
	uint64_t	messages_rejected_total;/* peers' messages refused */
	uint64_t	root_keys_destroyed;	/* copies of the root key
						   destroyed after a move */
	size_t		nblacklist;
	struct proto_blacklist *blacklist;	/* nblacklist entries, at
						   most PROTO_MAX_BLACKLIST;
						   decoded: on the heap */
};

struct proto_stats {
	char		node[PROTO_ID_MAX];
	enum proto_role	role;			/* says which part is valid */
	int64_t		clock_ms;
	int64_t		uptime_ms;		/* monotonic, for rates */
	uint64_t	seq;			/* +1 per stats message */
	struct proto_router_stats router;	/* role == ROLE_ROUTER */
	struct proto_station_stats station;	/* role == ROLE_STATION */
};

/* A station's current certificate and its last renewal. */
struct proto_cert {
	char	node[PROTO_ID_MAX];
	int64_t	clock_ms;
	char	subject[128];
	char	serial[64];			/* hex */
	char	issuer[128];
	int64_t	not_before_ms;			/* node clock */
	int64_t	not_after_ms;
	char	root_holder[PROTO_ID_MAX];	/* "station/capital" */
	int	holds_root;			/* 1 if this node is it */
	int64_t	last_renewal_ms;		/* last attempt; 0 never */
	int	last_renewal_ok;
	char	last_renewal_error[PROTO_TEXT_MAX];	/* words, "" if ok */
	int64_t	renew_every_ms;			/* renewal period; 0: unsaid */
};

/* A warning a backend raises itself, already in words. */
struct proto_alert {
	char			node[PROTO_ID_MAX];
	int64_t			clock_ms;
	enum proto_severity	severity;
	char			code[PROTO_CODE_MAX];	/* "power-peg" */
	char			text[PROTO_TEXT_MAX];	/* what happened */
	char			cause[PROTO_TEXT_MAX];	/* likely cause */
	char			action[PROTO_TEXT_MAX];	/* what to do */
	int			clear;	/* 1: the condition has ended */
};

/* A complaint about a message received, or a refusal. */
struct proto_error {
	char	node[PROTO_ID_MAX];		/* may be "" */
	char	in_reply_to[32];		/* a type name, may be "" */
	char	text[PROTO_TEXT_MAX];		/* what, why, what to do */
};

/*
 * Two-person commands.  A command document (command.h) travels as a
 * string holding its canonical JSON text, so that every node holds
 * exactly the same bytes.  An operator signs (base64 Ed25519) not those
 * bytes but a short statement naming them by their SHA-256:
 * "vigil command v2\nsha256 HEX\n" (proto_statement), HEX being the
 * lower-case hex SHA-256 of the document.  The signer hashes the
 * document it shows its operator; each node hashes its own copy and
 * never takes a hash from a message in its place.  So a kill of 1,000
 * routers checks 1,000 signatures over 88 bytes, not over 190 KB each.
 */
/* Canonical document text, NUL included: 1,000 targets of the longest
   names fit. */
#define PROTO_DOC_MAX		(192 * 1024)
#define PROTO_SIG_MAX		128	/* base64 signature */
#define PROTO_CMDID_MAX		40	/* 32 hex digits and NUL */
#define PROTO_MAX_SIGNERS	4

/* What a command's signature covers: the statement of its SHA-256. */
#define PROTO_STATEMENT_PREFIX	"vigil command v2\nsha256 "
#define PROTO_STATEMENT_MAX	(sizeof PROTO_STATEMENT_PREFIX + 64 + 1)
#define PROTO_COVERS_SHA256	"sha256"

/*
 * One operator's signature over a document, through its SHA-256.
 * covers says so ("sha256"); a signature without it was made by a
 * vigil of the old scheme, over the document's bytes themselves, and
 * is refused as such.  (A cancel's or fire's signature is over its own
 * text and has no covers.)
 */
struct proto_signature {
	char	operator[PROTO_OPERATOR_MAX];
	char	signature[PROTO_SIG_MAX];	/* base64 */
	char	covers[8];			/* "sha256", or "" */
};

/*
 * Write the statement a command's signatures cover, for the document
 * whose hex SHA-256 is sha256, into buf (at least PROTO_STATEMENT_MAX
 * bytes), and return its length.
 */
size_t	 proto_statement(const char *sha256, char *buf, size_t len);

/* propose (console -> backend): the first signature. */
struct proto_propose {
	char			*document;	/* < PROTO_DOC_MAX */
	struct proto_signature	sig;
};

/*
 * approve (console -> backend): the second signature, over the document
 * the approver reviewed.  The document is named by its SHA-256 (hex),
 * since the node holds it already and checks the signature against its
 * own copy; an approve may still carry it whole instead, as before.
 * Exactly one of the two is given.
 */
struct proto_approve {
	char			id[PROTO_CMDID_MAX];
	char			*document;	/* < PROTO_DOC_MAX, or NULL */
	char			sha256[65];	/* of the document, or "" */
	struct proto_signature	sig;
};

/*
 * cancel (console -> backend): the proposer withdraws; the signature is
 * over the bytes "vigil.v1 cancel ID": PROTO_CANCEL_PREFIX, then the id.
 */
#define PROTO_CANCEL_PREFIX	"vigil.v1 cancel "

struct proto_cancel {
	char			id[PROTO_CMDID_MAX];
	struct proto_signature	sig;
};

/*
 * fire (console -> backend): one trusted operator fires an armed kill
 * (arm-kill, signed by two ahead of time); the signature is over the
 * bytes "vigil.v1 fire ID".  It travels as a struct proto_cancel.
 */

/*
 * proposal (backend -> console): a command as a node holds it.  The
 * first about a command on a connection carries the document; later
 * ones (approved, executed, cancelled, ...) name it by its SHA-256
 * instead, and the console uses the copy it holds by id.  Exactly one
 * of document and sha256 is given.
 */
struct proto_proposal {
	char			node[PROTO_ID_MAX];
	char			id[PROTO_CMDID_MAX];
	char			*document;	/* < PROTO_DOC_MAX, or NULL */
	char			sha256[65];	/* of the document, or "" */
	size_t			nsigs;
	struct proto_signature	sigs[PROTO_MAX_SIGNERS];
	enum proto_status	status;		/* "pending", "executed",
						   "refused", "cancelled",
						   "expired"; an arm-kill
						   that ran: "armed", then
						   "fired" or "disarmed" */
	int64_t			expires_ms;	/* wall clock; when armed,
						   the window's end */
};

/*
 * want (console -> backend): the console holds a proposal of node that
 * names its document by sha256 but not the document; the node answers
 * with its proposal of that document whole, or an error saying why not.
 */
struct proto_want {
	char	node[PROTO_ID_MAX];
	char	sha256[65];
};

/* result (backend -> console): what a node did with a command message. */
struct proto_result {
	char	node[PROTO_ID_MAX];
	char	id[PROTO_CMDID_MAX];		/* "" if it had none */
	char	action[16];			/* "kill", "resume", ... */
	char	in_reply_to[16];		/* "propose", "approve",
						   "cancel", or "" */
	enum proto_outcome outcome;		/* "accepted" (held pending),
						   "executed", "refused",
						   "cancelled", "expired",
						   "fired" */
	char	text[PROTO_TEXT_MAX];		/* words: what, why, next */
};

/*
 * auth (console -> backend): an operator answers the challenge of the
 * connection's hello.  The signature is over the bytes
 * "vigil.v1 auth CHALLENGE NODE KEY" (PROTO_AUTH_PREFIX, then the
 * challenge, the node of the hello that carried it, and the operator's
 * base64 public key, one space apart; see proto_auth_text), so it
 * cannot be replayed to another connection or another backend.
 */
#define PROTO_AUTH_PREFIX	"vigil.v1 auth "
#define PROTO_AUTH_TEXT_MAX	(sizeof PROTO_AUTH_PREFIX + \
	    PROTO_CHALLENGE_MAX + PROTO_ID_MAX + PROTO_KEY_MAX)

struct proto_auth {
	char	operator[PROTO_OPERATOR_MAX];	/* "alice" */
	char	node[PROTO_ID_MAX];		/* the hello's node */
	char	challenge[PROTO_CHALLENGE_MAX];	/* the hello's challenge */
	char	key[PROTO_KEY_MAX];		/* base64 Ed25519 public */
	char	signature[PROTO_SIG_MAX];	/* base64 */
};

/*
 * Write the bytes an auth's signature covers into buf (at least
 * PROTO_AUTH_TEXT_MAX bytes) and return their length.
 */
size_t	 proto_auth_text(const struct proto_auth *auth, char *buf,
	    size_t len);

/*
 * watching (backend -> console): the operators whose consoles answered
 * this connection's challenge, one entry per console (at most
 * PROTO_MAX_OPERATORS listed), how many consoles are connected in all,
 * and the operator this connection answered as ("" if none).  Sent
 * after auth and whenever the set changes.
 */
struct proto_watching {
	char			node[PROTO_ID_MAX];
	int			consoles;
	size_t			noperators;
	struct proto_operator_key operators[PROTO_MAX_OPERATORS];
	char			you[PROTO_OPERATOR_MAX];
};

/*
 * sealed (backend -> console) and deliver (console -> backend): the root
 * key sealed by move-root's source for its destination.  node is the
 * source in sealed and the destination in deliver; the rest is relayed
 * unchanged: the command's signed document and its signatures, when it
 * was sealed (wall clock), the root certificate's fingerprint and the
 * blob (base64 of seal.h's layout), which only the destination opens.
 */
#define PROTO_BLOB_MAX		512	/* base64 of a sealed root key */
#define PROTO_FPR_MAX		65	/* SHA-256 hex and NUL */

struct proto_sealed {
	char			node[PROTO_ID_MAX];
	char			from[PROTO_ID_MAX];
	char			to[PROTO_ID_MAX];
	char			id[PROTO_CMDID_MAX];
	char			*document;	/* < PROTO_DOC_MAX */
	size_t			nsigs;
	struct proto_signature	sigs[PROTO_MAX_SIGNERS];
	int64_t			sealed_ms;
	char			root[PROTO_FPR_MAX];
	char			blob[PROTO_BLOB_MAX];
};

/*
 * holder: the new root holder's word that it holds the root, signed
 * with the root key over "vigil.v1 holder HOLDER ID FROM".  The new
 * holder sends it to the console that delivered the key (node: itself);
 * the console relays it to every station (node: the station).
 */
struct proto_holder {
	char	node[PROTO_ID_MAX];
	char	holder[PROTO_ID_MAX];
	char	from[PROTO_ID_MAX];
	char	id[PROTO_CMDID_MAX];
	char	signature[PROTO_SIG_MAX];	/* base64 */
};

struct proto_msg {
	enum msg_type	type;
	union {
		struct proto_hello	hello;
		struct proto_stats	stats;
		struct proto_cert	cert;
		struct proto_alert	alert;
		struct proto_error	error;
		struct proto_propose	propose;
		struct proto_approve	approve;
		struct proto_cancel	cancel;
		struct proto_cancel	fire;
		struct proto_proposal	proposal;
		struct proto_result	result;
		struct proto_auth	auth;
		struct proto_watching	watching;
		struct proto_sealed	sealed;
		struct proto_holder	holder;
		struct proto_want	want;
	} u;
};

/*
 * Decode one frame of len bytes (not NUL-terminated).  Returns 0 and fills
 * *msg.  Returns -1 on any problem and writes one sentence into cause
 * naming the message type, the node when known, the field and the
 * problem: "stats from router/r3: field child_shares_total is a string,
 * expected an integer".  Unknown types, unknown versions, oversized
 * frames and the reserved command types all come back as -1 with such a
 * sentence; *msg->type is then set to the type seen, or MSG_UNKNOWN.
 * Unknown extra fields are ignored (forward compatibility).
 */
int	 proto_decode(const char *buf, size_t len, struct proto_msg *msg,
	    char *cause, size_t causelen);

/*
 * Whether proto_decode() first tries its scanner, which reads a plain
 * stats frame without building jansson's tree (on unless turned off).
 * The outcome is the same either way; the tests and the fuzzer turn it
 * off to compare the two paths.
 */
void	 proto_decode_scanner(int on);

/*
 * Whether proto_encode() writes a stats, proposal or result frame
 * straight into its text (proto-write.c) rather than through jansson's
 * tree (on unless turned off).  The bytes are the same either way; the
 * tests turn it off to compare the two paths.
 */
void	 proto_encode_writer(int on);

/*
 * Free what proto_decode() put on the heap for *msg (a document, a
 * blacklist) and leave it MSG_UNKNOWN.  Call it once for every message
 * decoded without error, and never on one whose pointers are borrowed
 * (a message built for proto_encode()).
 */
void	 proto_msg_clear(struct proto_msg *msg);

/*
 * Encode a message as one compact JSON object.  Returns a NUL-terminated
 * string the caller frees; never NULL.  Only the decodable types may be
 * encoded; anything else is a programmer error (fatal).
 */
char	*proto_encode(const struct proto_msg *msg);

/*
 * As proto_encode(), with pre bytes of headroom before the text (a
 * websocket header's room): the text, *len bytes and a NUL, starts at
 * the returned pointer + pre; the caller frees the returned pointer.
 */
char	*proto_encode_pre(const struct proto_msg *msg, size_t pre,
	    size_t *len);

/*
 * Free buf, a frame proto_encode_pre() gave or any other malloc'd one;
 * one with the room of a stats frame is kept for the next stats frame
 * this thread encodes.  NULL is allowed.
 */
void	 proto_frame_free(char *buf);

/* The wire name of a type ("hello"). */
const char *proto_type_name(enum msg_type type);

/*
 * The wire word of a state ("running"), status ("pending") or outcome
 * ("accepted"); "unknown" for a value out of range.
 */
const char *proto_state_name(enum proto_state state);
const char *proto_status_name(enum proto_status status);
const char *proto_outcome_name(enum proto_outcome outcome);

/*
 * Parse a state's word, as a command document's target holds it.
 * Return 0, or -1 if it names no state ("" included).
 */
int	 proto_state_parse(const char *name, enum proto_state *state);

/*
 * The command document, as a C struct.  Its canonical JSON text is one
 * compact object with keys in byte order, no insignificant white space,
 * and every field present:
 *   {"action":..,"args":{..},"created_ms":..,"expires_ms":..,"id":..,
 *    "proposer":..,"reason":..,"targets":[{"build":..,"node":..,
 *    "state":..},..],"v":1}
 * Operators sign those bytes, and backends check them.
 */
#define PROTO_MAX_TARGETS	1000
#define PROTO_MAX_ARGS		8

struct proto_command_target {
	char	node[PROTO_ID_MAX];
	char	build[PROTO_NAME_MAX];	/* the build the proposer saw */
	char	state[16];		/* and the state ("running") */
};

struct proto_command {
	char				id[PROTO_CMDID_MAX];	/* 32 hex */
	char				action[16];
	size_t				ntargets;
	struct proto_command_target	*targets;	/* ntargets, at most
							   PROTO_MAX_TARGETS */
	size_t				nargs;
	struct proto_command_arg	args[PROTO_MAX_ARGS];
	char				reason[PROTO_TEXT_MAX];
	char				proposer[PROTO_OPERATOR_MAX];
	int64_t				created_ms;	/* wall clock */
	int64_t				expires_ms;
};

/*
 * The canonical text of cmd, allocated (caller frees); never NULL.
 * Encoding the result of proto_command_decode() gives the same bytes.
 */
char	*proto_command_encode(const struct proto_command *cmd);

/*
 * Decode a document's text.  Returns 0, or -1 with a sentence in cause
 * naming the field and problem; text that decodes but is not exactly the
 * canonical form of what it says is refused too ("document is not in
 * canonical form: ..."), so two operators can never sign different bytes
 * for the same command.
 */
int	 proto_command_decode(const char *text, size_t len,
	    struct proto_command *cmd, char *cause, size_t causelen);

/*
 * Free cmd's targets and leave it with none: after proto_command_decode()
 * returned 0, or once cmd->targets was allocated by proto_command_targets.
 */
void	 proto_command_clear(struct proto_command *cmd);

/*
 * Give cmd room for n targets (n <= PROTO_MAX_TARGETS), zeroed, freeing
 * any it held; sets ntargets to n.  Never fails (xcalloc).
 */
void	 proto_command_targets(struct proto_command *cmd, size_t n);

/* Make *dst a copy of *src with targets of its own (free dst's first). */
void	 proto_command_copy(struct proto_command *dst,
	    const struct proto_command *src);

#endif
