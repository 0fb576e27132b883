/*
 * proto-command.c: the command document, in the protocol library: its
 * canonical text (proto_command_encode, _decode; see proto.h) and the
 * actions it may name (see proto-command.h).
 *
 * The canonical text is what operators sign, so decoding refuses any
 * text that is not byte for byte what encoding makes of it.  The action
 * table is data both sides read: vigild's engine (command.c) checks a
 * proposal's targets against it, and the console lists the actions in
 * its help and refuses one it does not name before anything is signed.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto-command.h"
#include "proto-field.h"
#include "util.h"

static int	 proto_check_targets(struct proto_ctx *,
		    const struct proto_command *);
static int	 proto_target_cmp(const void *, const void *);
static int	 proto_command_recall(const char *, size_t,
		    struct proto_command *);
static void	 proto_command_keep(const char *, size_t,
		    const struct proto_command *);
static int	 proto_check_unknown(struct proto_ctx *, json_t *,
		    const struct proto_field *, size_t, const char *);

/*
 * The actions.  Rollback, flag, arm-kill and disarm documents are also
 * checked against the node's facts by the engine (command.c) and the plan
 * (proto-plan.h).  move-root targets the station holding the root and
 * names its destination in argument "to" (see move.h).
 */
const struct command_spec command_specs[] = {
	{
		.name = "kill",
		.summary = "halt child orders and refuse new parents",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "running",
	},
	{
		.name = "resume",
		.summary = "restart a killed router",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "killed",
	},
	{
		.name = "rollback",
		.summary = "switch to another installed build (--to BUILD)",
		.signers = 2,
		.roles = ROLE_ROUTER | ROLE_STATION,
		.from_state = "",
	},
	{
		.name = "flag",
		.summary = "set a feature flag on or off (--set NAME=on|off)",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "",
	},
	{
		.name = "arm-kill",
		.summary = "let one operator, or the router itself, kill it "
		    "within a window (--window 30m)",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "running",
	},
	{
		.name = "disarm",
		.summary = "end an armed kill before its window closes",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "",
	},
	{
		.name = "move-root",
		.summary = "move the root key from its holder to the station "
		    "named by --to",
		.signers = 2,
		.roles = ROLE_STATION,
		.from_state = "running",
		.node_arg = "to",
		.node_role = "destination",
		.node_why = "the console checks that the destination is a "
		    "live station nobody blacklists, and relays the sealed "
		    "root key to it",
	},
};
const size_t command_nspecs = nitems(command_specs);

/* The spec for action, or NULL. */
const struct command_spec *
command_spec_find(const char *action)
{
	size_t	i;

	for (i = 0; i < command_nspecs; i++) {
		if (strcmp(command_specs[i].name, action) == 0)
			return (&command_specs[i]);
	}
	return (NULL);
}

/* The i-th action's name, for util_join. */
static const char *
command_spec_name(size_t i, const void *arg)
{
	(void)arg;
	return (command_specs[i].name);
}

/* Every action's name; see proto-command.h. */
void
command_spec_names(char *buf, size_t len, int either)
{
	util_join(buf, len, command_nspecs, command_spec_name, NULL, either);
}

/* Whether spec may act on a node in state; see proto-command.h. */
int
command_spec_allows(const struct command_spec *spec, enum proto_state state)
{
	enum proto_state	from;

	if (spec->from_state[0] == '\0')
		return (1);
	return (proto_state_parse(spec->from_state, &from) == 0 &&
	    from == state);
}

/* Whether t names build and state; see proto-command.h. */
int
command_target_matches(const struct proto_command_target *t,
    const char *build, enum proto_state state)
{
	enum proto_state	seen;

	return (strcmp(t->build, build) == 0 &&
	    proto_state_parse(t->state, &seen) == 0 && seen == state);
}

/*
 * The command document.  Its "v" has no member: it is written and
 * checked apart from the table (proto_command_encode, _decode).
 */
static const struct proto_field proto_target_fields[] = {
	P_STR(struct proto_command_target, node, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_command_target, build, FIELD_NONEMPTY),
	P_STR(struct proto_command_target, state, 0),
};

const struct proto_field proto_command_fields[] = {
	P_HEX(struct proto_command, id, FIELD_NONEMPTY, 32),
	P_STR(struct proto_command, action, FIELD_NONEMPTY),
	P_HEAPARRAY(struct proto_command, targets, ntargets,
	    proto_target_fields, PROTO_MAX_TARGETS),
	P_ARGS(struct proto_command, args, nargs, PROTO_MAX_ARGS),
	P_STR(struct proto_command, reason, FIELD_NONEMPTY),
	P_STR(struct proto_command, proposer, FIELD_NONEMPTY|FIELD_OPERATOR),
	P_NUM(struct proto_command, created_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_command, expires_ms, KIND_I64, 0, 0, 0),
};
const size_t proto_command_nfields = nitems(proto_command_fields);

/*
 * A command names at least one target and each target once: a node
 * listed twice would be bound to two states at once.
 */
static int
proto_check_targets(struct proto_ctx *ctx, const struct proto_command *cmd)
{
	const struct proto_command_target	**sorted;
	size_t					  i, a, b;
	int					  rc = 0;

	if (cmd->ntargets == 0)
		return (proto_fail(ctx, "field targets is empty; a command "
		    "names at least one target node"));
	/* Sorted, so that 1,000 targets cost n log n, not n squared. */
	sorted = xreallocarray(NULL, cmd->ntargets, sizeof *sorted);
	for (i = 0; i < cmd->ntargets; i++)
		sorted[i] = &cmd->targets[i];
	qsort(sorted, cmd->ntargets, sizeof *sorted, proto_target_cmp);
	for (i = 1; i < cmd->ntargets; i++) {
		if (strcmp(sorted[i]->node, sorted[i - 1]->node) != 0)
			continue;
		a = (size_t)(sorted[i - 1] - cmd->targets);
		b = (size_t)(sorted[i] - cmd->targets);
		rc = proto_fail(ctx, "field targets[%zu].node repeats %s of "
		    "targets[%zu]; each target may appear once", b,
		    sorted[i]->node, a);
		break;
	}
	free(sorted);
	return (rc);
}

/* Order targets by node id, then by place in the document. */
static int
proto_target_cmp(const void *a, const void *b)
{
	const struct proto_command_target *const	*ta = a, *const *tb = b;
	int						 c;

	if ((c = strcmp((*ta)->node, (*tb)->node)) != 0)
		return (c);
	return (*ta < *tb ? -1 : *ta > *tb);
}

/* Copy a document with its own targets; see proto.h. */
void
proto_command_copy(struct proto_command *dst, const struct proto_command *src)
{
	proto_command_clear(dst);
	*dst = *src;
	dst->targets = NULL;
	proto_command_targets(dst, src->ntargets);
	if (src->ntargets > 0)
		memcpy(dst->targets, src->targets,
		    src->ntargets * sizeof *dst->targets);
}

/* Free a document's targets; see proto.h. */
void
proto_command_clear(struct proto_command *cmd)
{
	free(cmd->targets);
	cmd->targets = NULL;
	cmd->ntargets = 0;
}

/* Give a document room for n zeroed targets; see proto.h. */
void
proto_command_targets(struct proto_command *cmd, size_t n)
{
	cmd->targets = proto_heap_array(cmd->targets, n, sizeof *cmd->targets,
	    PROTO_MAX_TARGETS, "targets");
	cmd->ntargets = n;
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
	if (proto_command_recall(text, len, cmd))
		return (0);
	proto_ctx_init(&ctx, "document", cause, causelen);
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
	proto_command_keep(text, len, cmd);
out:
	json_decref(root);
	if (rc != 0)
		proto_command_clear(cmd);
	return (rc);
}

/*
 * The document decoded last, kept: a command to 1,000 routers brings
 * the same bytes to one process 1,000 times (each target's proposal,
 * approval and console), and decoding is a pure function of the bytes.
 */
static struct {
	char			*text;
	size_t			 len;
	struct proto_command	 cmd;
} proto_command_last;

/* Fill *cmd from the last document decoded if it was text; 1 if so. */
static int
proto_command_recall(const char *text, size_t len, struct proto_command *cmd)
{
	if (proto_command_last.text == NULL || len != proto_command_last.len ||
	    memcmp(text, proto_command_last.text, len) != 0)
		return (0);
	proto_command_copy(cmd, &proto_command_last.cmd);
	return (1);
}

/* Keep text (len bytes) and what it decoded to, cmd, as the last. */
static void
proto_command_keep(const char *text, size_t len,
    const struct proto_command *cmd)
{
	free(proto_command_last.text);
	proto_command_last.text = xmalloc(len + 1);
	memcpy(proto_command_last.text, text, len);
	proto_command_last.text[len] = '\0';
	proto_command_last.len = len;
	proto_command_copy(&proto_command_last.cmd, cmd);
}

/* Parse an arm-kill's window: "90s", "30m", "2h". */
int
command_window_parse(const char *text, int64_t *ms)
{
	char		*end;
	long long	 n;
	int64_t		 unit;

	if (text == NULL || *text < '0' || *text > '9')
		return (-1);
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno != 0 || n <= 0 || end[0] == '\0' || end[1] != '\0')
		return (-1);
	if (*end == 's')
		unit = 1000;
	else if (*end == 'm')
		unit = 60 * 1000;
	else if (*end == 'h')
		unit = 3600 * 1000;
	else
		return (-1);
	if (n > COMMAND_MAX_WINDOW_MS / unit)
		return (-1);
	*ms = (int64_t)n * unit;
	return (0);
}
