/*
 * check_proto.c: the vigil.v1 wire protocol as a backend or console sees
 * it: every message survives a round trip, every malformed frame is
 * refused with a sentence naming the message, the node (or operator), the
 * field and the problem, a command document has exactly one text that is
 * accepted, audit lines read back, and the reports scripts read hold
 * their documented fields.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto-audit.h"
#include "proto-plan.h"
#include "proto-report.h"
#include "tests.h"
#include "util.h"
#include "e2e.h"

/*
 * One sample message per shape, with its wire type, who it is from (a
 * node, or the operator who signed it) and the field that says so.
 */
struct sample {
	const char	*type;
	const char	*node;
	void		 (*fill)(struct proto_msg *);
	const char	*self;		/* "node", "sig.operator" */
};

/* Keys that may be left out, per type. */
struct optional_key {
	const char	*type;
	const char	*key;
};

static void	 fill_hello(struct proto_msg *);
static void	 fill_router_stats(struct proto_msg *);
static void	 fill_station_stats(struct proto_msg *);
static void	 fill_cert(struct proto_msg *);
static void	 fill_alert(struct proto_msg *);
static void	 fill_error(struct proto_msg *);
static void	 fill_command(struct proto_command *);
static void	 fill_propose(struct proto_msg *);
static void	 fill_approve(struct proto_msg *);
static void	 fill_cancel(struct proto_msg *);
static void	 fill_proposal(struct proto_msg *);
static void	 fill_result(struct proto_msg *);
static void	 fill_audit(struct proto_audit_entry *);
static void	 audit_hostile(uint64_t *, struct proto_audit_entry *, int);
static void	 landing_hostile(uint64_t *, struct proto_msg *, char *, int);
static void	 landing_alike(const struct proto_msg *);
static void	 audit_reads_alike(const char *);
static const char *doc_refused(const char *);
static char	*doc_mutate(const char *, const char *, const char *,
		    json_t *);
static char	*encode_sample(const struct sample *);
static json_t	*load(const char *);
static char	*dump(json_t *);
static const char *refused(const char *, enum msg_type);
static void	 accepted(const char *, struct proto_msg *);
static void	 assert_says(const char *, const char *);
static char	*mutate(const char *, const char *, const char *, json_t *);
static int	 is_optional(const char *, const char *);
static size_t	 limit_of(const char *, const char *);
static int	 is_object_key(const char *);
static enum msg_type type_of(const char *);
static void	 expect_prefix(const char *, const struct sample *,
		    const char *);
static const char *split_key(const char *, char *, size_t, const char **);
static void	 label_of(const char *, char *, size_t);
static void	 fill_report(struct proto_msg *, struct proto_report_node *,
		    struct proto_report_alert *);
static void	 check_alert_json(json_t *);
static void	 each_field(void (*)(const struct sample *, const char *,
		    const char *, json_t *));
static void	 missing_one(const struct sample *, const char *,
		    const char *, json_t *);
static void	 mistyped_one(const struct sample *, const char *,
		    const char *, json_t *);
static void	 overlong_one(const struct sample *, const char *,
		    const char *, json_t *);
static void	 negative_one(const struct sample *, const char *,
		    const char *, json_t *);
static void	 nul_one(const struct sample *, const char *,
		    const char *, json_t *);

static const struct sample samples[] = {
	{ "hello", "router/r3", fill_hello, "node" },
	{ "stats", "router/r3", fill_router_stats, "node" },
	{ "stats", "station/s1", fill_station_stats, "node" },
	{ "cert", "station/s1", fill_cert, "node" },
	{ "alert", "router/r8", fill_alert, "node" },
	{ "error", "router/r3", fill_error, "node" },
	{ "propose", "alice", fill_propose, "sig.operator" },
	{ "approve", "bob", fill_approve, "sig.operator" },
	{ "cancel", "alice", fill_cancel, "sig.operator" },
	{ "proposal", "router/r8", fill_proposal, "node" },
	{ "result", "router/r8", fill_result, "node" },
};

static const struct optional_key optional_keys[] = {
	{ "hello", "scenario" },
	{ "hello", "time_scale" },
	{ "hello", "operators" },
	{ "hello", "link_nodes" },
	{ "hello", "builds" },
	{ "hello", "transport_key" },
	{ "stats", "root_keys_destroyed" },
	{ "alert", "clear" },
	{ "error", "node" },
	{ "error", "in_reply_to" },
};

static char	cause[1024];

/* A router's hello with two flags, as the knight scenario's r3 sends. */
static void
fill_hello(struct proto_msg *m)
{
	static struct proto_build	 builds[2];
	static struct proto_operator_key ops[2];
	struct proto_hello		*h = &m->u.hello;

	memset(m, 0, sizeof *m);
	m->type = MSG_HELLO;
	util_copy(h->node, sizeof h->node, "router/r3");
	h->role = ROLE_ROUTER;
	util_copy(h->group, sizeof h->group, "nyse");
	util_copy(h->build, sizeof h->build, "smars-2012.08.01");
	h->version = PROTO_VERSION;
	util_copy(h->scenario, sizeof h->scenario, "knight");
	h->clock_ms = 1343808000123LL;
	h->time_scale = 2.5;
	h->link_nodes = 3;
	h->nflags = 2;
	util_copy(h->flags[0].name, sizeof h->flags[0].name, "rlp");
	h->flags[0].on = 1;
	util_copy(h->flags[0].path, sizeof h->flags[0].path,
	    "retail_liquidity");
	util_copy(h->flags[1].name, sizeof h->flags[1].name, "fast_cancel");
	h->flags[1].on = 0;
	util_copy(h->flags[1].path, sizeof h->flags[1].path, "");
	memset(builds, 0, sizeof builds);
	h->builds = builds;
	h->nbuilds = 2;
	util_copy(h->builds[0].id, sizeof h->builds[0].id,
	    "smars-2012.08.01");
	h->builds[0].active = 1;
	h->builds[0].nmanifest = 1;
	util_copy(h->builds[0].manifest[0].name,
	    sizeof h->builds[0].manifest[0].name, "rlp");
	util_copy(h->builds[0].manifest[0].path,
	    sizeof h->builds[0].manifest[0].path, "retail_liquidity");
	h->builds[0].nretired = 1;
	util_copy(h->builds[0].retired[0].path,
	    sizeof h->builds[0].retired[0].path, "power_peg");
	util_copy(h->builds[1].id, sizeof h->builds[1].id,
	    "smars-2012.07.31-old");
	h->builds[1].nmanifest = 1;
	util_copy(h->builds[1].manifest[0].name,
	    sizeof h->builds[1].manifest[0].name, "rlp");
	util_copy(h->builds[1].manifest[0].path,
	    sizeof h->builds[1].manifest[0].path, "power_peg");
	h->operators_said = 1;
	memset(ops, 0, sizeof ops);
	h->operators = ops;
	h->noperators = 2;
	util_copy(h->operators[0].operator, sizeof h->operators[0].operator,
	    "alice");
	util_copy(h->operators[0].key, sizeof h->operators[0].key,
	    "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=");
	util_copy(h->operators[1].operator, sizeof h->operators[1].operator,
	    "bob");
	util_copy(h->operators[1].key, sizeof h->operators[1].key,
	    "YmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm8=");
}

/* A router's counters mid-run. */
static void
fill_router_stats(struct proto_msg *m)
{
	struct proto_stats	*s = &m->u.stats;

	memset(m, 0, sizeof *m);
	m->type = MSG_STATS;
	util_copy(s->node, sizeof s->node, "router/r3");
	s->role = ROLE_ROUTER;
	s->clock_ms = 1343813400000LL;
	s->uptime_ms = 5400000;
	s->seq = 5400;
	s->router.parents_total = 212;
	s->router.parent_shares_total = 1900000;
	s->router.child_orders_total = 4000000;
	s->router.child_shares_total = 397000000;
	s->router.parents_refused_total = 4;
	s->router.open_parents = 154;
	s->router.worst_ratio = 208.94736842105263;
	util_copy(s->router.worst_parent, sizeof s->router.worst_parent,
	    "p-0042");
	s->router.state = STATE_RUNNING;
	s->router.open_children = 37;
	s->router.children_cancelled_total = 1200;
}

/* A station's counters with two blacklist entries. */
static void
fill_station_stats(struct proto_msg *m)
{
	static struct proto_blacklist	 b[2];
	struct proto_stats		*s = &m->u.stats;

	memset(m, 0, sizeof *m);
	memset(b, 0, sizeof b);
	s->station.blacklist = b;
	m->type = MSG_STATS;
	util_copy(s->node, sizeof s->node, "station/s1");
	s->role = ROLE_STATION;
	s->clock_ms = 1343829606000LL;
	s->uptime_ms = 16000;
	s->seq = 16;
	s->station.heartbeats_total = 123456;
	s->station.devices = 500;
	s->station.devices_failed = 7;
	s->station.device_countdown_ms = 42000;
	s->station.heartbeat_interval_ms = 60000;
	s->station.device_timeout_ms = 180000;
	s->station.renewals_ok_total = 11;
	s->station.renewals_failed_total = 1;
	s->station.messages_signed_total = 99999;
	s->station.messages_rejected_total = 3;
	s->station.nblacklist = 2;
	util_copy(b[0].peer, sizeof b[0].peer, "station/capital");
	util_copy(b[0].reported_by, sizeof b[0].reported_by, "station/s2");
	util_copy(b[0].evidence, sizeof b[0].evidence, "a validly signed "
	    "message whose body was cut off after 12 of 40 bytes");
	b[0].since_ms = 1343829606100LL;
	util_copy(b[1].peer, sizeof b[1].peer, "station/s9");
	util_copy(b[1].reported_by, sizeof b[1].reported_by, "station/s1");
	util_copy(b[1].evidence, sizeof b[1].evidence, "forwarded evidence");
	b[1].since_ms = 1343829607000LL;
}

/* A station's certificate after a failed renewal. */
static void
fill_cert(struct proto_msg *m)
{
	struct proto_cert	*c = &m->u.cert;

	memset(m, 0, sizeof *m);
	m->type = MSG_CERT;
	util_copy(c->node, sizeof c->node, "station/s1");
	c->clock_ms = 1343829600000LL;
	util_copy(c->subject, sizeof c->subject, "CN=station/s1");
	util_copy(c->serial, sizeof c->serial, "0a1b2c3d");
	util_copy(c->issuer, sizeof c->issuer, "CN=vigil root");
	c->not_before_ms = 1343826000000LL;
	c->not_after_ms = 1343829660000LL;
	util_copy(c->root_holder, sizeof c->root_holder, "station/capital");
	c->holds_root = 0;
	c->last_renewal_ms = 1343829600000LL;
	c->last_renewal_ok = 0;
	util_copy(c->last_renewal_error, sizeof c->last_renewal_error,
	    "station/capital is blacklisted here; renewal cannot be asked "
	    "of it");
}

/* A backend's own warning, cleared. */
static void
fill_alert(struct proto_msg *m)
{
	struct proto_alert	*a = &m->u.alert;

	memset(m, 0, sizeof *m);
	m->type = MSG_ALERT;
	util_copy(a->node, sizeof a->node, "router/r8");
	a->clock_ms = 1343804460000LL;
	a->severity = SEV_WARNING;
	util_copy(a->code, sizeof a->code, "power-peg");
	util_copy(a->text, sizeof a->text, "Power Peg disabled");
	util_copy(a->cause, sizeof a->cause, "flag rlp woke retired code");
	util_copy(a->action, sizeof a->action, "halt router/r8");
	a->clear = 1;
}

/* A refusal sent back to a console. */
static void
fill_error(struct proto_msg *m)
{
	struct proto_error	*e = &m->u.error;

	memset(m, 0, sizeof *m);
	m->type = MSG_ERROR;
	util_copy(e->node, sizeof e->node, "router/r3");
	util_copy(e->in_reply_to, sizeof e->in_reply_to, "propose");
	util_copy(e->text, sizeof e->text, "commands are not accepted yet");
}

/* A sample's document: a copy of text kept for the test's life. */
static char *
sample_doc(const char *text)
{
	static char	docs[4][4096];
	static size_t	next;
	char		*doc = docs[next++ % 4];

	util_copy(doc, sizeof docs[0], text);
	return (doc);
}

/* The knight scenario's kill of r8 and r9, as alice proposes it. */
static void
fill_command(struct proto_command *c)
{
	memset(c, 0, sizeof *c);
	util_copy(c->id, sizeof c->id, "0123456789abcdef0123456789abcdef");
	util_copy(c->action, sizeof c->action, "kill");
	c->targets = e2e_targets(2);
	c->ntargets = 2;
	util_copy(c->targets[0].node, sizeof c->targets[0].node, "router/r8");
	util_copy(c->targets[0].build, sizeof c->targets[0].build,
	    "smars-2012.07.31-old");
	util_copy(c->targets[0].state, sizeof c->targets[0].state, "running");
	util_copy(c->targets[1].node, sizeof c->targets[1].node, "router/r9");
	util_copy(c->targets[1].build, sizeof c->targets[1].build,
	    "smars-2012.08.01");
	util_copy(c->targets[1].state, sizeof c->targets[1].state, "running");
	c->nargs = 1;
	util_copy(c->args[0].name, sizeof c->args[0].name, "cancel_open");
	util_copy(c->args[0].value, sizeof c->args[0].value, "yes");
	util_copy(c->reason, sizeof c->reason, "runaway child orders since "
	    "the open");
	util_copy(c->proposer, sizeof c->proposer, "alice");
	c->created_ms = 1343826060000LL;
	c->expires_ms = 1343826360000LL;
}

/* alice proposes the kill, with her signature over its text. */
static void
fill_propose(struct proto_msg *m)
{
	struct proto_command	 c;
	char			*text;

	memset(m, 0, sizeof *m);
	m->type = MSG_PROPOSE;
	fill_command(&c);
	text = proto_command_encode(&c);
	m->u.propose.document = sample_doc(text);
	free(text);
	util_copy(m->u.propose.sig.operator, sizeof m->u.propose.sig.operator,
	    "alice");
	util_copy(m->u.propose.sig.signature,
	    sizeof m->u.propose.sig.signature, "c2lnbmF0dXJlLWEK");
}

/* bob approves it, sending the text he reviewed. */
static void
fill_approve(struct proto_msg *m)
{
	struct proto_command	 c;
	char			*text;

	memset(m, 0, sizeof *m);
	m->type = MSG_APPROVE;
	fill_command(&c);
	text = proto_command_encode(&c);
	util_copy(m->u.approve.id, sizeof m->u.approve.id, c.id);
	m->u.approve.document = sample_doc(text);
	free(text);
	util_copy(m->u.approve.sig.operator, sizeof m->u.approve.sig.operator,
	    "bob");
	util_copy(m->u.approve.sig.signature,
	    sizeof m->u.approve.sig.signature, "c2lnbmF0dXJlLWIK");
}

/* alice withdraws it. */
static void
fill_cancel(struct proto_msg *m)
{
	memset(m, 0, sizeof *m);
	m->type = MSG_CANCEL;
	util_copy(m->u.cancel.id, sizeof m->u.cancel.id,
	    "0123456789abcdef0123456789abcdef");
	util_copy(m->u.cancel.sig.operator, sizeof m->u.cancel.sig.operator,
	    "alice");
	util_copy(m->u.cancel.sig.signature, sizeof m->u.cancel.sig.signature,
	    "c2lnbmF0dXJlLWMK");
}

/* r8 broadcasts the kill it holds, with alice's signature. */
static void
fill_proposal(struct proto_msg *m)
{
	struct proto_proposal	*p = &m->u.proposal;
	struct proto_command	 c;
	char			*text;

	memset(m, 0, sizeof *m);
	m->type = MSG_PROPOSAL;
	fill_command(&c);
	text = proto_command_encode(&c);
	util_copy(p->node, sizeof p->node, "router/r8");
	util_copy(p->id, sizeof p->id, c.id);
	p->document = sample_doc(text);
	free(text);
	p->nsigs = 2;
	util_copy(p->sigs[0].operator, sizeof p->sigs[0].operator, "alice");
	util_copy(p->sigs[0].signature, sizeof p->sigs[0].signature,
	    "c2lnbmF0dXJlLWEK");
	util_copy(p->sigs[1].operator, sizeof p->sigs[1].operator, "bob");
	util_copy(p->sigs[1].signature, sizeof p->sigs[1].signature,
	    "c2lnbmF0dXJlLWIK");
	p->status = STATUS_EXECUTED;
	p->expires_ms = c.expires_ms;
}

/* r8 says what it did with bob's approval. */
static void
fill_result(struct proto_msg *m)
{
	struct proto_result	*r = &m->u.result;

	memset(m, 0, sizeof *m);
	m->type = MSG_RESULT;
	util_copy(r->node, sizeof r->node, "router/r8");
	util_copy(r->id, sizeof r->id, "0123456789abcdef0123456789abcdef");
	util_copy(r->action, sizeof r->action, "kill");
	util_copy(r->in_reply_to, sizeof r->in_reply_to, "approve");
	r->outcome = OUTCOME_REFUSED;
	util_copy(r->text, sizeof r->text, "router/r8 refused the approval: "
	    "operator alice already signed this command; another operator "
	    "must approve");
}

/* The line r8's audit log holds for the execution. */
static void
fill_audit(struct proto_audit_entry *e)
{
	struct proto_command	 c;
	char			*text;

	memset(e, 0, sizeof *e);
	e->seq = 3;
	e->time_ms = 1343826070000LL;
	util_copy(e->node, sizeof e->node, "router/r8");
	util_copy(e->event, sizeof e->event, "execute");
	util_copy(e->id, sizeof e->id, "0123456789abcdef0123456789abcdef");
	util_copy(e->action, sizeof e->action, "kill");
	util_copy(e->operator, sizeof e->operator, "bob");
	util_copy(e->text, sizeof e->text, "kill executes, approved by alice "
	    "and bob");
	fill_command(&c);
	text = proto_command_encode(&c);
	util_copy(e->document, sizeof e->document, text);
	free(text);
	memset(e->prev, 'a', 64);
	e->prev[64] = '\0';
}

/* Encode a sample; the caller frees. */
static char *
encode_sample(const struct sample *s)
{
	struct proto_msg	m;

	s->fill(&m);
	return (proto_encode(&m));
}

/* Parse JSON the test itself made or was handed; it must parse. */
static json_t *
load(const char *text)
{
	json_error_t	 err;
	json_t		*v;

	v = json_loads(text, JSON_ALLOW_NUL, &err);
	ck_assert_msg(v != NULL, "not JSON (%s): %s", err.text, text);
	return (v);
}

/* Compact text of v, which is released; the caller frees. */
static char *
dump(json_t *v)
{
	char	*s;

	s = json_dumps(v, JSON_COMPACT);
	ck_assert_ptr_nonnull(s);
	json_decref(v);
	return (s);
}

/*
 * Decode a frame that must be refused; check the sentence's house style
 * (lower-case start, no closing period) and the type reported.
 */
static const char *
refused(const char *frame, enum msg_type type)
{
	struct proto_msg	m;
	size_t			n;

	ck_assert_msg(proto_decode(frame, strlen(frame), &m, cause,
	    sizeof cause) == -1, "accepted: %s", frame);
	n = strlen(cause);
	ck_assert_msg(n > 0 && cause[0] >= 'a' && cause[0] <= 'z' &&
	    cause[n - 1] != '.', "badly formed sentence: %s", cause);
	ck_assert_msg(m.type == type, "type %d, expected %d for: %s",
	    (int)m.type, (int)type, cause);
	return (cause);
}

/*
 * What accepted() decoded onto the heap, freed after the test (its
 * messages live on the test's stack until it ends).
 */
static struct proto_msg	*kept[64];
static size_t		 nkept;

/* Free what accepted() kept: the tests' teardown. */
static void
kept_free(void)
{
	while (nkept > 0) {
		proto_msg_clear(kept[--nkept]);
		free(kept[nkept]);
	}
}

/* Decode a frame that must be accepted. */
static void
accepted(const char *frame, struct proto_msg *m)
{
	ck_assert_msg(proto_decode(frame, strlen(frame), m, cause,
	    sizeof cause) == 0, "refused: %s (%s)", cause, frame);
	ck_assert_uint_lt(nkept, nitems(kept));
	kept[nkept] = xmalloc(sizeof *m);
	memcpy(kept[nkept++], m, sizeof *m);
}

/* The sentence must contain want. */
static void
assert_says(const char *sentence, const char *want)
{
	ck_assert_msg(strstr(sentence, want) != NULL,
	    "sentence \"%s\" does not say \"%s\"", sentence, want);
}

/*
 * Frame with one key replaced by v, or deleted when v is NULL; with arr,
 * the key is in that object or the first element of that array.  Takes
 * v; caller frees.
 */
static char *
mutate(const char *frame, const char *arr, const char *key, json_t *v)
{
	json_t	*root, *obj;

	root = obj = load(frame);
	if (arr != NULL)
		obj = json_object_get(root, arr);
	if (json_is_array(obj))
		obj = json_array_get(obj, 0);
	ck_assert_ptr_nonnull(obj);
	if (v == NULL)
		json_object_del(obj, key);
	else
		json_object_set_new(obj, key, v);
	return (dump(root));
}

/* Whether key may be absent from a message of this type. */
static int
is_optional(const char *type, const char *key)
{
	size_t	i;

	for (i = 0; i < nitems(optional_keys); i++) {
		if (strcmp(optional_keys[i].type, type) == 0 &&
		    strcmp(optional_keys[i].key, key) == 0)
			return (1);
	}
	return (0);
}

/*
 * The longest value a string field may hold, as vigil-protocol(7) says;
 * a type's own limit comes before the one most fields of that name have.
 */
static size_t
limit_of(const char *type, const char *key)
{
	static const struct {
		const char	*type;
		const char	*key;
		size_t		 max;
	} own[] = {
		{ "result", "action", 15 }, { "result", "in_reply_to", 15 },
	};
	static const struct {
		const char	*key;
		size_t		 max;
	} limits[] = {
		{ "node", 63 }, { "group", 63 }, { "build", 63 },
		{ "scenario", 31 }, { "name", 31 }, { "path", 63 },
		{ "worst_parent", 31 }, { "state", 15 }, { "peer", 63 },
		{ "reported_by", 63 }, { "evidence", 511 },
		{ "subject", 127 }, { "serial", 63 }, { "issuer", 127 },
		{ "root_holder", 63 }, { "last_renewal_error", 511 },
		{ "code", 31 }, { "text", 511 }, { "cause", 511 },
		{ "action", 511 }, { "in_reply_to", 31 },
		{ "document", PROTO_DOC_MAX - 1 }, { "operator", 63 },
		{ "signature", 127 }, { "id", 39 }, { "status", 15 },
		{ "outcome", 15 }, { "key", 47 }, { "transport_key", 64 },
	};
	size_t	i;

	for (i = 0; i < nitems(own); i++) {
		if (strcmp(own[i].type, type) == 0 &&
		    strcmp(own[i].key, key) == 0)
			return (own[i].max);
	}
	for (i = 0; i < nitems(limits); i++) {
		if (strcmp(limits[i].key, key) == 0)
			return (limits[i].max);
	}
	ck_abort_msg("no limit known for field %s", key);
	return (0);
}

/* The enum of a wire type name. */
static enum msg_type
type_of(const char *name)
{
	enum msg_type	t;

	for (t = MSG_HELLO; t <= MSG_RESULT; t++) {
		if (strcmp(proto_type_name(t), name) == 0)
			return (t);
	}
	return (MSG_UNKNOWN);
}

/* Whether a key holds one object (a signature), not an array of them. */
static int
is_object_key(const char *key)
{
	return (strcmp(key, "sig") == 0);
}

/*
 * The sentence begins "TYPE from NODE: " unless the field that names the
 * sender (dotted, "node" or "sig.operator") or what holds it is the one
 * that is bad.
 */
static void
expect_prefix(const char *sentence, const struct sample *s,
    const char *dotted)
{
	const char	*self = s->self;
	char		 want[128];
	size_t		 n = strlen(dotted);

	if (strcmp(dotted, self) == 0 || (strncmp(self, dotted, n) == 0 &&
	    self[n] == '.'))
		snprintf(want, sizeof want, "%s: ", s->type);
	else
		snprintf(want, sizeof want, "%s from %s: ", s->type, s->node);
	ck_assert_msg(strncmp(sentence, want, strlen(want)) == 0,
	    "sentence \"%s\" does not begin \"%s\"", sentence, want);
}

/*
 * Call fn for every field of every sample, nested ones too, with the
 * sample's frame, the field's dotted key ("flags.name": the array or
 * object holding it, then its key) and its value in the frame.
 */
static void
each_field(void (*fn)(const struct sample *, const char *, const char *,
    json_t *))
{
	static const char *const nested[] = {
		"flags", "blacklist", "sigs", "sig"
	};
	json_t		*root, *v, *elem;
	const char	*key, *ekey;
	char		*frame;
	size_t		 i, j;

	for (i = 0; i < nitems(samples); i++) {
		frame = encode_sample(&samples[i]);
		root = load(frame);
		json_object_foreach(root, key, v) {
			if (strcmp(key, "type") == 0)
				continue;
			fn(&samples[i], frame, key, v);
		}
		for (j = 0; j < nitems(nested); j++) {
			elem = json_object_get(root, nested[j]);
			if (json_is_array(elem))
				elem = json_array_get(elem, 0);
			if (elem == NULL)
				continue;
			json_object_foreach(elem, ekey, v) {
				char	dotted[64];

				snprintf(dotted, sizeof dotted, "%s.%s",
				    nested[j], ekey);
				fn(&samples[i], frame, dotted, v);
			}
		}
		json_decref(root);
		free(frame);
	}
}

/* Split "flags.name" into its array and key, or leave arr NULL. */
static const char *
split_key(const char *dotted, char *arr, size_t arrlen, const char **key)
{
	const char	*dot = strchr(dotted, '.');

	if (dot == NULL) {
		*key = dotted;
		return (NULL);
	}
	snprintf(arr, arrlen, "%.*s", (int)(dot - dotted), dotted);
	*key = dot + 1;
	return (arr);
}

/* The field's name as a sentence gives it: "flags[0].name" or "build". */
static void
label_of(const char *dotted, char *label, size_t len)
{
	char		 arrbuf[32];
	const char	*arr, *key;

	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	if (arr != NULL && is_object_key(arr))
		snprintf(label, len, "%s.%s", arr, key);
	else if (arr != NULL)
		snprintf(label, len, "%s[0].%s", arr, key);
	else
		snprintf(label, len, "%s", key);
}

/* Delete one field; unless optional it is named as missing. */
static void
missing_one(const struct sample *s, const char *frame, const char *dotted,
    json_t *v)
{
	struct proto_msg	 m;
	char			 arrbuf[32], label[96], want[160], *bad;
	const char		*arr, *key, *sentence;

	(void)v;
	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	label_of(dotted, label, sizeof label);
	bad = mutate(frame, arr, key, NULL);
	if (arr == NULL && is_optional(s->type, key)) {
		accepted(bad, &m);
		free(bad);
		return;
	}
	sentence = refused(bad, type_of(s->type));
	snprintf(want, sizeof want, "field %s is missing", label);
	assert_says(sentence, want);
	expect_prefix(sentence, s, dotted);
	free(bad);
}

START_TEST(every_required_field_missing_is_named)
{
	each_field(missing_one);
}
END_TEST

/* Give one field a value of the wrong JSON type; both types are named. */
static void
mistyped_one(const struct sample *s, const char *frame, const char *dotted,
    json_t *v)
{
	char		 arrbuf[32], label[96], want[192], *bad;
	const char	*arr, *key, *sentence, *is, *expected;
	json_t		*wrong;

	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	label_of(dotted, label, sizeof label);
	switch (json_typeof(v)) {
	case JSON_STRING:
		wrong = json_integer(7);
		is = "an integer";
		expected = "a string";
		break;
	case JSON_INTEGER:
		wrong = json_string("7");
		is = "a string";
		expected = "an integer";
		break;
	case JSON_REAL:
		wrong = json_string("7");
		is = "a string";
		expected = "a number";
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		wrong = json_integer(1);
		is = "an integer";
		expected = "true or false";
		break;
	case JSON_ARRAY:
		wrong = json_object();
		is = "an object";
		expected = "an array";
		break;
	case JSON_OBJECT:
		wrong = json_array();
		is = "an array";
		expected = "an object";
		break;
	default:
		ck_abort_msg("unexpected JSON type for %s", dotted);
		return;
	}
	bad = mutate(frame, arr, key, wrong);
	sentence = refused(bad, type_of(s->type));
	snprintf(want, sizeof want, "field %s is %s, expected %s", label, is,
	    expected);
	assert_says(sentence, want);
	expect_prefix(sentence, s, dotted);
	free(bad);
}

START_TEST(every_wrong_json_type_is_named)
{
	each_field(mistyped_one);
}
END_TEST

/* Make one text field a byte too long; the limit is named in bytes. */
static void
overlong_one(const struct sample *s, const char *frame, const char *dotted,
    json_t *v)
{
	char		 arrbuf[32], label[96], want[192], *bad, *longtext;
	const char	*arr, *key, *sentence;
	size_t		 max;

	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	if (!json_is_string(v) || strcmp(key, "role") == 0 ||
	    strcmp(key, "severity") == 0)
		return;
	label_of(dotted, label, sizeof label);
	max = limit_of(s->type, key);
	longtext = xmalloc(max + 2);
	memset(longtext, 'a', max + 1);
	longtext[max + 1] = '\0';
	bad = mutate(frame, arr, key, json_string(longtext));
	sentence = refused(bad, type_of(s->type));
	snprintf(want, sizeof want, "field %s is %zu bytes long, at most %zu "
	    "are allowed", label, max + 1, max);
	assert_says(sentence, want);
	expect_prefix(sentence, s, dotted);
	free(bad);
	free(longtext);
}

START_TEST(every_overlong_string_is_refused_with_its_limit)
{
	each_field(overlong_one);
}
END_TEST

/* Make one integer field negative; it is refused and named. */
static void
negative_one(const struct sample *s, const char *frame, const char *dotted,
    json_t *v)
{
	char		 arrbuf[32], label[96], want[192], *bad;
	const char	*arr, *key, *sentence;

	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	if (!json_is_integer(v))
		return;
	label_of(dotted, label, sizeof label);
	bad = mutate(frame, arr, key, json_integer(-5));
	sentence = refused(bad, type_of(s->type));
	if (strcmp(key, "version") == 0)
		snprintf(want, sizeof want, "%s from %s speaks protocol "
		    "version -5", s->type, s->node);
	else
		snprintf(want, sizeof want, "field %s is -5, expected", label);
	assert_says(sentence, want);
	free(bad);
}

START_TEST(every_negative_integer_is_refused)
{
	each_field(negative_one);
}
END_TEST

/* Put a NUL character inside one text field; it is refused and named. */
static void
nul_one(const struct sample *s, const char *frame, const char *dotted,
    json_t *v)
{
	char		 arrbuf[32], label[96], want[192], *bad;
	const char	*arr, *key, *sentence;

	arr = split_key(dotted, arrbuf, sizeof arrbuf, &key);
	if (!json_is_string(v) || strcmp(key, "role") == 0 ||
	    strcmp(key, "severity") == 0)
		return;
	label_of(dotted, label, sizeof label);
	bad = mutate(frame, arr, key, json_stringn("rou\0ter/x", 9));
	ck_assert_ptr_nonnull(strstr(bad, "\\u0000"));
	sentence = refused(bad, type_of(s->type));
	snprintf(want, sizeof want, "field %s holds a NUL character", label);
	assert_says(sentence, want);
	expect_prefix(sentence, s, dotted);
	free(bad);
}

START_TEST(every_embedded_nul_is_refused)
{
	each_field(nul_one);
}
END_TEST

/* Point out's heap parts (a document, a blacklist) at in's. */
static void
sample_share(struct proto_msg *out, const struct proto_msg *in)
{
	switch (in->type) {
	case MSG_PROPOSE:
		out->u.propose.document = in->u.propose.document;
		break;
	case MSG_APPROVE:
		out->u.approve.document = in->u.approve.document;
		break;
	case MSG_PROPOSAL:
		out->u.proposal.document = in->u.proposal.document;
		break;
	case MSG_STATS:
		out->u.stats.station.blacklist = in->u.stats.station.blacklist;
		break;
	case MSG_HELLO:
		out->u.hello.builds = in->u.hello.builds;
		out->u.hello.operators = in->u.hello.operators;
		break;
	default:
		break;
	}
}

START_TEST(every_type_round_trips_field_by_field)
{
	struct proto_msg	 in, out;
	char			*frame;
	size_t			 i;

	for (i = 0; i < nitems(samples); i++) {
		samples[i].fill(&in);
		frame = proto_encode(&in);
		/* Decoding clears only the type's part of the message. */
		memset(&out, 0, sizeof out);
		accepted(frame, &out);
		ck_assert_int_eq(out.type, in.type);
		free(frame);
		switch (in.type) {
		case MSG_HELLO: {
			const struct proto_hello *a = &in.u.hello;
			const struct proto_hello *b = &out.u.hello;
			size_t j;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_int_eq(b->role, a->role);
			ck_assert_str_eq(b->group, a->group);
			ck_assert_str_eq(b->build, a->build);
			ck_assert_int_eq(b->version, a->version);
			ck_assert_str_eq(b->scenario, a->scenario);
			ck_assert_int_eq(b->clock_ms, a->clock_ms);
			ck_assert_double_eq(b->time_scale, a->time_scale);
			ck_assert_int_eq(b->link_nodes, a->link_nodes);
			ck_assert_uint_eq(b->nflags, a->nflags);
			for (j = 0; j < a->nflags; j++) {
				ck_assert_str_eq(b->flags[j].name,
				    a->flags[j].name);
				ck_assert_int_eq(b->flags[j].on,
				    a->flags[j].on);
				ck_assert_str_eq(b->flags[j].path,
				    a->flags[j].path);
			}
			ck_assert_int_eq(b->operators_said, 1);
			ck_assert_uint_eq(b->noperators, a->noperators);
			for (j = 0; j < a->noperators; j++) {
				ck_assert_str_eq(b->operators[j].operator,
				    a->operators[j].operator);
				ck_assert_str_eq(b->operators[j].key,
				    a->operators[j].key);
			}
			break;
		}
		case MSG_STATS: {
			const struct proto_stats *a = &in.u.stats;
			const struct proto_stats *b = &out.u.stats;
			const struct proto_router_stats *ra = &a->router;
			const struct proto_router_stats *rb = &b->router;
			const struct proto_station_stats *sa = &a->station;
			const struct proto_station_stats *sb = &b->station;
			size_t j;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_int_eq(b->role, a->role);
			ck_assert_int_eq(b->clock_ms, a->clock_ms);
			ck_assert_int_eq(b->uptime_ms, a->uptime_ms);
			ck_assert_uint_eq(b->seq, a->seq);
			ck_assert_uint_eq(rb->parents_total, ra->parents_total);
			ck_assert_uint_eq(rb->parent_shares_total,
			    ra->parent_shares_total);
			ck_assert_uint_eq(rb->child_orders_total,
			    ra->child_orders_total);
			ck_assert_uint_eq(rb->child_shares_total,
			    ra->child_shares_total);
			ck_assert_uint_eq(rb->parents_refused_total,
			    ra->parents_refused_total);
			ck_assert_uint_eq(rb->open_parents, ra->open_parents);
			ck_assert_double_eq(rb->worst_ratio, ra->worst_ratio);
			ck_assert_str_eq(rb->worst_parent, ra->worst_parent);
			ck_assert_str_eq(proto_state_name(rb->state),
			    proto_state_name(ra->state));
			ck_assert_uint_eq(rb->open_children, ra->open_children);
			ck_assert_uint_eq(rb->children_cancelled_total,
			    ra->children_cancelled_total);
			ck_assert_uint_eq(sb->heartbeats_total,
			    sa->heartbeats_total);
			ck_assert_uint_eq(sb->devices, sa->devices);
			ck_assert_uint_eq(sb->devices_failed,
			    sa->devices_failed);
			ck_assert_int_eq(sb->device_countdown_ms,
			    sa->device_countdown_ms);
			ck_assert_int_eq(sb->heartbeat_interval_ms,
			    sa->heartbeat_interval_ms);
			ck_assert_int_eq(sb->device_timeout_ms,
			    sa->device_timeout_ms);
			ck_assert_uint_eq(sb->renewals_ok_total,
			    sa->renewals_ok_total);
			ck_assert_uint_eq(sb->renewals_failed_total,
			    sa->renewals_failed_total);
			ck_assert_uint_eq(sb->messages_signed_total,
			    sa->messages_signed_total);
			ck_assert_uint_eq(sb->messages_rejected_total,
			    sa->messages_rejected_total);
			ck_assert_uint_eq(sb->nblacklist, sa->nblacklist);
			for (j = 0; j < sa->nblacklist; j++) {
				ck_assert_str_eq(sb->blacklist[j].peer,
				    sa->blacklist[j].peer);
				ck_assert_str_eq(sb->blacklist[j].reported_by,
				    sa->blacklist[j].reported_by);
				ck_assert_str_eq(sb->blacklist[j].evidence,
				    sa->blacklist[j].evidence);
				ck_assert_int_eq(sb->blacklist[j].since_ms,
				    sa->blacklist[j].since_ms);
			}
			break;
		}
		case MSG_CERT: {
			const struct proto_cert *a = &in.u.cert;
			const struct proto_cert *b = &out.u.cert;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_int_eq(b->clock_ms, a->clock_ms);
			ck_assert_str_eq(b->subject, a->subject);
			ck_assert_str_eq(b->serial, a->serial);
			ck_assert_str_eq(b->issuer, a->issuer);
			ck_assert_int_eq(b->not_before_ms, a->not_before_ms);
			ck_assert_int_eq(b->not_after_ms, a->not_after_ms);
			ck_assert_str_eq(b->root_holder, a->root_holder);
			ck_assert_int_eq(b->holds_root, a->holds_root);
			ck_assert_int_eq(b->last_renewal_ms,
			    a->last_renewal_ms);
			ck_assert_int_eq(b->last_renewal_ok,
			    a->last_renewal_ok);
			ck_assert_str_eq(b->last_renewal_error,
			    a->last_renewal_error);
			break;
		}
		case MSG_ALERT: {
			const struct proto_alert *a = &in.u.alert;
			const struct proto_alert *b = &out.u.alert;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_int_eq(b->clock_ms, a->clock_ms);
			ck_assert_int_eq(b->severity, a->severity);
			ck_assert_str_eq(b->code, a->code);
			ck_assert_str_eq(b->text, a->text);
			ck_assert_str_eq(b->cause, a->cause);
			ck_assert_str_eq(b->action, a->action);
			ck_assert_int_eq(b->clear, a->clear);
			break;
		}
		case MSG_ERROR: {
			const struct proto_error *a = &in.u.error;
			const struct proto_error *b = &out.u.error;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_str_eq(b->in_reply_to, a->in_reply_to);
			ck_assert_str_eq(b->text, a->text);
			break;
		}
		case MSG_PROPOSE:
			ck_assert_str_eq(out.u.propose.document,
			    in.u.propose.document);
			ck_assert_str_eq(out.u.propose.sig.operator,
			    in.u.propose.sig.operator);
			ck_assert_str_eq(out.u.propose.sig.signature,
			    in.u.propose.sig.signature);
			break;
		case MSG_APPROVE:
			ck_assert_str_eq(out.u.approve.id, in.u.approve.id);
			ck_assert_str_eq(out.u.approve.document,
			    in.u.approve.document);
			ck_assert_str_eq(out.u.approve.sig.operator,
			    in.u.approve.sig.operator);
			ck_assert_str_eq(out.u.approve.sig.signature,
			    in.u.approve.sig.signature);
			break;
		case MSG_CANCEL:
			ck_assert_str_eq(out.u.cancel.id, in.u.cancel.id);
			ck_assert_str_eq(out.u.cancel.sig.operator,
			    in.u.cancel.sig.operator);
			ck_assert_str_eq(out.u.cancel.sig.signature,
			    in.u.cancel.sig.signature);
			break;
		case MSG_PROPOSAL: {
			const struct proto_proposal *a = &in.u.proposal;
			const struct proto_proposal *b = &out.u.proposal;
			size_t j;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_str_eq(b->id, a->id);
			ck_assert_str_eq(b->document, a->document);
			ck_assert_uint_eq(b->nsigs, a->nsigs);
			for (j = 0; j < a->nsigs; j++) {
				ck_assert_str_eq(b->sigs[j].operator,
				    a->sigs[j].operator);
				ck_assert_str_eq(b->sigs[j].signature,
				    a->sigs[j].signature);
			}
			ck_assert_str_eq(proto_status_name(b->status),
			    proto_status_name(a->status));
			ck_assert_int_eq(b->expires_ms, a->expires_ms);
			break;
		}
		case MSG_RESULT: {
			const struct proto_result *a = &in.u.result;
			const struct proto_result *b = &out.u.result;

			ck_assert_str_eq(b->node, a->node);
			ck_assert_str_eq(b->id, a->id);
			ck_assert_str_eq(b->action, a->action);
			ck_assert_str_eq(b->in_reply_to, a->in_reply_to);
			ck_assert_str_eq(proto_outcome_name(b->outcome),
			    proto_outcome_name(a->outcome));
			ck_assert_str_eq(b->text, a->text);
			break;
		}
		default:
			ck_abort_msg("sample of type %d", (int)in.type);
		}
		/*
		 * Nothing else differs either, padding and spare bytes, once
		 * the pointers to what was decoded on the heap (compared
		 * above) are set aside.
		 */
		sample_share(&out, &in);
		ck_assert_int_eq(memcmp(&in, &out, sizeof in), 0);
	}
}
END_TEST

START_TEST(stats_carry_only_their_roles_counters)
{
	json_t	*root;
	char	*frame;

	frame = encode_sample(&samples[1]);
	root = load(frame);
	ck_assert_ptr_nonnull(json_object_get(root, "child_shares_total"));
	ck_assert_ptr_null(json_object_get(root, "heartbeats_total"));
	ck_assert_ptr_null(json_object_get(root, "blacklist"));
	ck_assert_ptr_null(json_object_get(root, "router"));
	json_decref(root);
	free(frame);

	frame = encode_sample(&samples[2]);
	root = load(frame);
	ck_assert_ptr_nonnull(json_object_get(root, "heartbeats_total"));
	ck_assert_ptr_nonnull(json_object_get(root, "blacklist"));
	ck_assert_ptr_null(json_object_get(root, "child_shares_total"));
	json_decref(root);
	free(frame);
}
END_TEST

/* A 64-bit pseudo-random number (xorshift), the same every run. */
static uint64_t
writer_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (*state);
}

/* A counter: zero, one, the largest the schema sends, past it, or any. */
static uint64_t
writer_counter(uint64_t *state)
{
	static const uint64_t	edges[] = { 0, 1, INT64_MAX,
				    (uint64_t)INT64_MAX + 1, UINT64_MAX };
	uint64_t		r = writer_random(state);

	return (r % 3 == 0 ? edges[r / 3 % nitems(edges)] : r >> (r % 64));
}

/*
 * Text of up to max - 1 bytes with what JSON must escape and what it
 * must never carry raw: quotes, backslashes, control characters, valid
 * UTF-8 of every length, and bytes that are not UTF-8 at all.
 */
static void
writer_text(uint64_t *state, char *s, size_t max)
{
	static const char *const pieces[] = { "\"", "\\", "\n", "\t", "\x01",
	    "\x1f", "\x7f", "/", "a", "Z 9", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x94\x91", "\xe2\x80\xa8", "\xc2\x85", "\xc3", "\x80",
	    "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff",
	    "\\u0041" };
	const char	*p;
	size_t		 len = 0, n, want;

	want = writer_random(state) % max;
	while (len < want) {
		p = pieces[writer_random(state) % nitems(pieces)];
		if ((n = strlen(p)) >= max - len)
			break;
		memcpy(s + len, p, n);
		len += n;
	}
	s[len] = '\0';
}

/* What a string becomes on the wire: '?' for non-ASCII when not UTF-8. */
static void
writer_expect(const char *s, char *out, size_t outlen)
{
	json_t	*v;
	size_t	 i;

	util_copy(out, outlen, s);
	if ((v = json_string(s)) != NULL) {
		json_decref(v);
		return;
	}
	for (i = 0; out[i] != '\0'; i++) {
		if ((unsigned char)out[i] >= 0x80)
			out[i] = '?';
	}
}

/* Fill st with a router's or a station's stats of extreme values. */
static void
writer_stats(uint64_t *state, struct proto_stats *st,
    struct proto_blacklist *bl)
{
	static const double	ratios[] = { 0, 0.1, 1.0 / 3, 1e20, 1e-7,
				    5e-324, 1.7976931348623157e308, 2.5,
				    123456789012345678.0, 1e15, NAN, INFINITY };
	struct proto_router_stats	*r = &st->router;
	struct proto_station_stats	*t = &st->station;
	uint64_t			 x = writer_random(state);
	size_t				 i;

	memset(st, 0, sizeof *st);
	st->role = x % 2 ? ROLE_ROUTER : ROLE_STATION;
	util_format(st->node, sizeof st->node, "%s/n%llu",
	    proto_role_name(st->role), (unsigned long long)(x % 10000));
	st->clock_ms = (int64_t)(writer_counter(state) % 253402300800000);
	st->uptime_ms = (int64_t)(writer_counter(state) % 253402300800000);
	st->seq = writer_counter(state);
	r->parents_total = writer_counter(state);
	r->parent_shares_total = writer_counter(state);
	r->child_orders_total = writer_counter(state);
	r->child_shares_total = writer_counter(state);
	r->parents_refused_total = writer_counter(state);
	r->open_parents = writer_counter(state);
	r->worst_ratio = x % 5 == 0 ? (double)writer_random(state) /
	    (double)(writer_random(state) | 1) :
	    ratios[writer_random(state) % nitems(ratios)];
	writer_text(state, r->worst_parent, sizeof r->worst_parent);
	r->state = (enum proto_state)(writer_random(state) % 3);
	r->open_children = writer_counter(state);
	r->children_cancelled_total = writer_counter(state);
	t->heartbeats_total = writer_counter(state);
	t->devices = writer_counter(state);
	t->devices_failed = writer_counter(state);
	t->device_countdown_ms = (int64_t)(writer_counter(state) %
	    253402300800000) - 1;
	t->heartbeat_interval_ms = (int64_t)(writer_counter(state) %
	    253402300800000);
	t->device_timeout_ms = (int64_t)(writer_counter(state) %
	    253402300800000);
	t->renewals_ok_total = writer_counter(state);
	t->renewals_failed_total = writer_counter(state);
	t->messages_signed_total = writer_counter(state);
	t->messages_rejected_total = writer_counter(state);
	t->root_keys_destroyed = writer_counter(state);
	t->nblacklist = writer_random(state) % (PROTO_MAX_BLACKLIST + 1);
	t->blacklist = bl;
	for (i = 0; i < t->nblacklist; i++) {
		util_format(bl[i].peer, sizeof bl[i].peer, "station/s%zu", i);
		util_copy(bl[i].reported_by, sizeof bl[i].reported_by,
		    st->node);
		do
			writer_text(state, bl[i].evidence,
			    sizeof bl[i].evidence);
		while (bl[i].evidence[0] == '\0');
		bl[i].since_ms = (int64_t)(writer_counter(state) %
		    253402300800000);
	}
}

/* The counters of a and b, b as decoded from a's text. */
static void
writer_compare(const struct proto_stats *a, const struct proto_stats *b)
{
#define CLAMP(n) ((n) > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : (n))
	const struct proto_router_stats		*ra = &a->router;
	const struct proto_router_stats		*rb = &b->router;
	const struct proto_station_stats	*sa = &a->station;
	const struct proto_station_stats	*sb = &b->station;
	char					 want[PROTO_TEXT_MAX];
	size_t					 i;

	ck_assert_str_eq(a->node, b->node);
	ck_assert_int_eq(a->role, b->role);
	ck_assert(a->clock_ms == b->clock_ms && a->uptime_ms == b->uptime_ms);
	ck_assert(CLAMP(a->seq) == b->seq);
	if (a->role == ROLE_ROUTER) {
		ck_assert(CLAMP(ra->parents_total) == rb->parents_total);
		ck_assert(CLAMP(ra->parent_shares_total) ==
		    rb->parent_shares_total);
		ck_assert(CLAMP(ra->child_orders_total) ==
		    rb->child_orders_total);
		ck_assert(CLAMP(ra->child_shares_total) ==
		    rb->child_shares_total);
		ck_assert(CLAMP(ra->parents_refused_total) ==
		    rb->parents_refused_total);
		ck_assert(CLAMP(ra->open_parents) == rb->open_parents);
		ck_assert(CLAMP(ra->open_children) == rb->open_children);
		ck_assert(CLAMP(ra->children_cancelled_total) ==
		    rb->children_cancelled_total);
		ck_assert(isfinite(ra->worst_ratio) ? ra->worst_ratio ==
		    rb->worst_ratio : rb->worst_ratio == 0);
		writer_expect(ra->worst_parent, want, sizeof want);
		ck_assert_str_eq(want, rb->worst_parent);
		ck_assert_int_eq(ra->state, rb->state);
		return;
	}
	ck_assert(CLAMP(sa->heartbeats_total) == sb->heartbeats_total);
	ck_assert(CLAMP(sa->devices) == sb->devices);
	ck_assert(CLAMP(sa->devices_failed) == sb->devices_failed);
	ck_assert(sa->device_countdown_ms == sb->device_countdown_ms);
	ck_assert(sa->heartbeat_interval_ms == sb->heartbeat_interval_ms);
	ck_assert(sa->device_timeout_ms == sb->device_timeout_ms);
	ck_assert(CLAMP(sa->renewals_ok_total) == sb->renewals_ok_total);
	ck_assert(CLAMP(sa->renewals_failed_total) ==
	    sb->renewals_failed_total);
	ck_assert(CLAMP(sa->messages_signed_total) ==
	    sb->messages_signed_total);
	ck_assert(CLAMP(sa->messages_rejected_total) ==
	    sb->messages_rejected_total);
	ck_assert(CLAMP(sa->root_keys_destroyed) == sb->root_keys_destroyed);
	ck_assert_uint_eq(sa->nblacklist, sb->nblacklist);
	for (i = 0; i < sa->nblacklist; i++) {
		ck_assert_str_eq(sa->blacklist[i].peer, sb->blacklist[i].peer);
		ck_assert_str_eq(sa->blacklist[i].reported_by,
		    sb->blacklist[i].reported_by);
		writer_expect(sa->blacklist[i].evidence, want, sizeof want);
		ck_assert_str_eq(want, sb->blacklist[i].evidence);
		ck_assert(sa->blacklist[i].since_ms ==
		    sb->blacklist[i].since_ms);
	}
#undef CLAMP
}

/*
 * The stats writer gives jansson's bytes for any stats, extreme values
 * and hostile text included, and what it writes decodes to the same
 * values (counters past 2^63 - 1 sent as that, text that is not UTF-8
 * with '?' for its non-ASCII bytes).
 */
START_TEST(stats_writer_matches_jansson_and_round_trips)
{
	static struct proto_blacklist	 bl[PROTO_MAX_BLACKLIST];
	struct proto_msg		*in, *out;
	json_t				*ja, *jb;
	char				*direct, *tree, *pre;
	uint64_t			 state = 0x9e3779b97f4a7c15ULL;
	size_t				 len;
	int				 i;

	in = xcalloc(1, sizeof *in);
	out = xcalloc(1, sizeof *out);
	for (i = 0; i < 3000; i++) {
		in->type = MSG_STATS;
		writer_stats(&state, &in->u.stats, bl);
		direct = proto_encode(in);
		proto_encode_writer(0);
		tree = proto_encode(in);
		proto_encode_writer(1);
		ck_assert_str_eq(direct, tree);
		/* Written behind a websocket header's room, the same. */
		pre = proto_encode_pre(in, 16, &len);
		ck_assert_uint_eq(len, strlen(direct));
		ck_assert_str_eq(pre + 16, direct);
		free(pre);
		ja = json_loads(direct, JSON_REJECT_DUPLICATES, NULL);
		jb = json_loads(tree, 0, NULL);
		ck_assert(ja != NULL && jb != NULL && json_equal(ja, jb));
		json_decref(ja);
		json_decref(jb);
		/* A ratio past 1e15 is refused: the bytes are all to check. */
		if (in->u.stats.role == ROLE_ROUTER &&
		    in->u.stats.router.worst_ratio > 1e15) {
			free(direct);
			free(tree);
			continue;
		}
		ck_assert_msg(proto_decode(direct, strlen(direct), out, cause,
		    sizeof cause) == 0, "%s: %.300s", cause, direct);
		writer_compare(&in->u.stats, &out->u.stats);
		proto_msg_clear(out);
		free(direct);
		free(tree);
	}
	free(in);
	free(out);
}
END_TEST

/*
 * Message i of a run: a proposal or a result as a landing sends them,
 * of hostile text in every string (plain ASCII in every other one, as
 * vigild's own are), words in and out of range, extreme numbers, and
 * in a third of the proposals a document past PROTO_KEEP_MIN (doc is
 * room for it).
 */
static void
landing_hostile(uint64_t *state, struct proto_msg *m, char *doc, int i)
{
	struct proto_proposal	*p = &m->u.proposal;
	struct proto_result	*r = &m->u.result;
	size_t			 j;

	memset(m, 0, sizeof *m);
	if (i % 2 == 0) {
		m->type = MSG_RESULT;
		writer_text(state, r->node, sizeof r->node);
		writer_text(state, r->id, sizeof r->id);
		writer_text(state, r->action, sizeof r->action);
		if (i % 4 == 0)
			writer_text(state, r->in_reply_to,
			    sizeof r->in_reply_to);
		r->outcome = (enum proto_outcome)(writer_random(state) % 8);
		writer_text(state, r->text, sizeof r->text);
		return;
	}
	m->type = MSG_PROPOSAL;
	writer_text(state, p->node, sizeof p->node);
	writer_text(state, p->id, sizeof p->id);
	if (i % 3 == 0) {
		writer_text(state, doc, 9000);
		p->document = doc;
	} else if (i % 3 == 1) {
		writer_text(state, doc, 64);
		p->document = doc;
	}
	if (i % 5 != 0)
		writer_text(state, p->sha256, sizeof p->sha256);
	p->nsigs = writer_random(state) % (PROTO_MAX_SIGNERS + 1);
	for (j = 0; j < p->nsigs; j++) {
		writer_text(state, p->sigs[j].operator,
		    sizeof p->sigs[j].operator);
		writer_text(state, p->sigs[j].signature,
		    sizeof p->sigs[j].signature);
		writer_text(state, p->sigs[j].covers,
		    sizeof p->sigs[j].covers);
	}
	p->status = (enum proto_status)(writer_random(state) % 10);
	p->expires_ms = (int64_t)writer_counter(state);
}

/*
 * m encodes to the same bytes through the writer as through jansson's
 * tree, twice (the second time jansson recalls a long document's bytes)
 * and behind a websocket header's room.
 */
static void
landing_alike(const struct proto_msg *m)
{
	char	*direct, *tree, *again, *pre;
	size_t	 len;

	direct = proto_encode(m);
	proto_encode_writer(0);
	tree = proto_encode(m);
	again = proto_encode(m);
	proto_encode_writer(1);
	ck_assert_str_eq(direct, tree);
	ck_assert_str_eq(direct, again);
	pre = proto_encode_pre(m, 16, &len);
	ck_assert_uint_eq(len, strlen(direct));
	ck_assert_str_eq(pre + 16, direct);
	free(pre);
	free(direct);
	free(tree);
	free(again);
}

/*
 * The proposal and result frames a landing sends (the writer's since
 * h-kp99e) are the bytes jansson's tree gave, for hostile text in every
 * field, and a console reads them as sent.
 */
START_TEST(landing_writer_matches_jansson)
{
	static struct proto_msg	 msgs[2];
	static char		 doc[9000];
	void			(*fill[])(struct proto_msg *) = {
				    fill_proposal, fill_result };
	struct proto_msg	*in = &msgs[0], *out = &msgs[1];
	char			*frame;
	uint64_t		 state = 0x5851f42d4c957f2dULL;
	size_t			 k;
	int			 i;

	for (i = 0; i < 3000; i++) {
		landing_hostile(&state, in, doc, i);
		landing_alike(in);
	}
	/* Plain fields as vigild sends them decode to what was sent. */
	for (k = 0; k < nitems(fill); k++) {
		fill[k](in);
		landing_alike(in);
		frame = proto_encode(in);
		ck_assert_msg(proto_decode(frame, strlen(frame), out, cause,
		    sizeof cause) == 0, "%s: %s", cause, frame);
		ck_assert_int_eq(out->type, in->type);
		if (in->type == MSG_PROPOSAL)
			ck_assert_str_eq(out->u.proposal.document,
			    in->u.proposal.document);
		else
			ck_assert_str_eq(out->u.result.text,
			    in->u.result.text);
		proto_msg_clear(out);
		free(frame);
	}
}
END_TEST

START_TEST(encoding_is_one_compact_line)
{
	char	*frame;
	size_t	 i;

	for (i = 0; i < nitems(samples); i++) {
		frame = encode_sample(&samples[i]);
		ck_assert_ptr_null(strchr(frame, '\n'));
		ck_assert_ptr_null(strstr(frame, ", "));
		ck_assert_ptr_null(strstr(frame, "\": "));
		ck_assert_msg(strncmp(frame, "{\"type\":\"", 9) == 0,
		    "frame does not begin with its type: %s", frame);
		free(frame);
	}
}
END_TEST

START_TEST(optional_fields_take_their_defaults)
{
	struct proto_msg	m;

	accepted("{\"type\":\"hello\",\"node\":\"station/s1\",\"version\":1,"
	    "\"role\":\"station\",\"group\":\"\",\"build\":\"b1\","
	    "\"clock_ms\":0,\"flags\":[]}", &m);
	ck_assert_str_eq(m.u.hello.scenario, "");
	ck_assert_double_eq(m.u.hello.time_scale, 1);
	/* Not declared: the console then bounds the link itself. */
	ck_assert_int_eq(m.u.hello.link_nodes, 0);
	ck_assert_uint_eq(m.u.hello.nflags, 0);

	accepted("{\"type\":\"alert\",\"node\":\"router/r8\",\"clock_ms\":1,"
	    "\"severity\":\"critical\",\"code\":\"x\",\"text\":\"t\","
	    "\"cause\":\"\",\"action\":\"\"}", &m);
	ck_assert_int_eq(m.u.alert.clear, 0);
	ck_assert_int_eq(m.u.alert.severity, SEV_CRITICAL);

	accepted("{\"type\":\"error\",\"text\":\"field x is missing\"}", &m);
	ck_assert_int_eq(m.type, MSG_ERROR);
	ck_assert_str_eq(m.u.error.node, "");
	ck_assert_str_eq(m.u.error.in_reply_to, "");
	ck_assert_str_eq(m.u.error.text, "field x is missing");
}
END_TEST

START_TEST(a_hello_says_whom_it_trusts_or_does_not_say)
{
	struct proto_msg	 m;
	char			*frame;

	/* Absent: the backend does not say, and it is not re-sent. */
	accepted("{\"type\":\"hello\",\"node\":\"station/s1\",\"version\":1,"
	    "\"role\":\"station\",\"group\":\"\",\"build\":\"b1\","
	    "\"clock_ms\":0,\"flags\":[]}", &m);
	ck_assert_int_eq(m.u.hello.operators_said, 0);
	frame = proto_encode(&m);
	ck_assert_ptr_null(strstr(frame, "operators"));
	free(frame);

	/* Empty: it trusts no operator, and says so. */
	accepted("{\"type\":\"hello\",\"node\":\"station/s1\",\"version\":1,"
	    "\"role\":\"station\",\"group\":\"\",\"build\":\"b1\","
	    "\"clock_ms\":0,\"flags\":[],\"operators\":[]}", &m);
	ck_assert_int_eq(m.u.hello.operators_said, 1);
	ck_assert_uint_eq(m.u.hello.noperators, 0);
	frame = proto_encode(&m);
	ck_assert_ptr_nonnull(strstr(frame, "\"operators\":[]"));
	free(frame);

	/* A name that cannot be an operator's is refused in words. */
	assert_says(refused("{\"type\":\"hello\",\"node\":\"station/s1\","
	    "\"version\":1,\"role\":\"station\",\"group\":\"\","
	    "\"build\":\"b1\",\"clock_ms\":0,\"flags\":[],\"operators\":"
	    "[{\"operator\":\"a b\",\"key\":\"k\"}]}", MSG_HELLO),
	    "field operators[0].operator \"a b\"");
}
END_TEST

START_TEST(numbers_accept_integer_or_real_where_documented)
{
	struct proto_msg	 m;
	char			*frame;

	frame = mutate("{\"type\":\"hello\",\"node\":\"router/r1\","
	    "\"version\":1,\"role\":\"router\",\"group\":\"g\","
	    "\"build\":\"b\",\"clock_ms\":5,\"flags\":[]}", NULL,
	    "time_scale", json_integer(60));
	accepted(frame, &m);
	ck_assert_double_eq(m.u.hello.time_scale, 60);
	free(frame);

	/* An integral real is still not an integer. */
	frame = mutate("{\"type\":\"hello\",\"node\":\"router/r1\","
	    "\"version\":1,\"role\":\"router\",\"group\":\"g\","
	    "\"build\":\"b\",\"clock_ms\":5,\"flags\":[]}", NULL,
	    "clock_ms", json_real(5.0));
	assert_says(refused(frame, MSG_HELLO), "hello from router/r1: field "
	    "clock_ms is a real number, expected an integer");
	free(frame);
}
END_TEST

START_TEST(ranges_of_numbers_are_enforced)
{
	struct proto_msg	 m;
	char			*hello, *stats, *router, *bad;

	hello = encode_sample(&samples[0]);
	router = encode_sample(&samples[1]);
	stats = encode_sample(&samples[2]);

	bad = mutate(stats, NULL, "device_countdown_ms", json_integer(-1));
	accepted(bad, &m);
	ck_assert_int_eq(m.u.stats.station.device_countdown_ms, -1);
	free(bad);
	bad = mutate(stats, NULL, "device_countdown_ms", json_integer(-2));
	assert_says(refused(bad, MSG_STATS), "stats from station/s1: field "
	    "device_countdown_ms is -2, expected an integer of at least -1");
	free(bad);

	bad = mutate(hello, NULL, "time_scale", json_integer(0));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "time_scale is 0, expected a number above 0");
	free(bad);
	bad = mutate(hello, NULL, "link_nodes", json_integer(0));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "link_nodes is 0, expected an integer of at least 1");
	free(bad);
	bad = mutate(hello, NULL, "link_nodes", json_integer(1LL << 40));
	assert_says(refused(bad, MSG_HELLO), "field link_nodes is "
	    "1099511627776, expected at most 2147483647");
	free(bad);

	bad = mutate(router, NULL, "worst_ratio", json_real(-0.5));
	assert_says(refused(bad, MSG_STATS), "stats from router/r3: field "
	    "worst_ratio is -0.5, expected a non-negative number");
	free(bad);

	/* The largest counter jansson carries survives the trip. */
	bad = mutate(stats, NULL, "heartbeats_total",
	    json_integer(9223372036854775807LL));
	accepted(bad, &m);
	ck_assert_uint_eq(m.u.stats.station.heartbeats_total,
	    9223372036854775807ULL);
	free(bad);
	free(hello);
	free(router);
	free(stats);
}
END_TEST

START_TEST(too_many_flags_or_blacklist_entries_are_refused)
{
	struct proto_msg	 m;
	json_t			*root, *arr;
	char			*frame, *bad;
	int			 i;

	frame = encode_sample(&samples[0]);
	root = load(frame);
	arr = json_array();
	for (i = 0; i < PROTO_MAX_FLAGS; i++) {
		char	name[16];

		snprintf(name, sizeof name, "f%d", i);
		json_array_append_new(arr, json_pack("{s:s,s:b,s:s}", "name",
		    name, "on", 1, "path", "p"));
	}
	json_object_set(root, "flags", arr);
	bad = dump(json_incref(root));
	accepted(bad, &m);
	ck_assert_uint_eq(m.u.hello.nflags, PROTO_MAX_FLAGS);
	ck_assert_str_eq(m.u.hello.flags[15].name, "f15");
	free(bad);
	for (i = 0; i < 4; i++)
		json_array_append_new(arr, json_pack("{s:s,s:b,s:s}", "name",
		    "extra", "on", 0, "path", ""));
	json_decref(arr);
	bad = dump(root);
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "flags has 20 entries, at most 16 are allowed");
	free(bad);
	free(frame);

	frame = encode_sample(&samples[2]);
	root = load(frame);
	arr = json_object_get(root, "blacklist");
	while (json_array_size(arr) <= PROTO_MAX_BLACKLIST)
		json_array_append(arr, json_array_get(arr, 0));
	bad = dump(root);
	assert_says(refused(bad, MSG_STATS), "stats from station/s1: field "
	    "blacklist has 33 entries, at most 32 are allowed");
	free(bad);
	free(frame);
}
END_TEST

START_TEST(array_entries_must_be_objects)
{
	char	*frame, *bad;

	frame = encode_sample(&samples[0]);
	bad = mutate(frame, NULL, "flags", json_pack("[s]", "rlp"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "flags[0] is a string, expected an object");
	free(bad);
	free(frame);
}
END_TEST

START_TEST(a_flag_named_twice_is_refused)
{
	char	*frame, *bad;

	frame = encode_sample(&samples[0]);
	bad = mutate(frame, NULL, "flags", json_pack("[{s:s,s:b,s:s},"
	    "{s:s,s:b,s:s}]", "name", "rlp", "on", 1, "path", "power_peg",
	    "name", "rlp", "on", 0, "path", "retail_liquidity"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "flags[1].name repeats flag rlp");
	free(bad);
	free(frame);
}
END_TEST

/* Installed builds round trip, and one active build, the one named. */
START_TEST(builds_carry_manifests_and_one_active_build)
{
	struct proto_msg	 in, out;
	char			*frame, *bad;

	fill_hello(&in);
	frame = proto_encode(&in);
	accepted(frame, &out);
	ck_assert_uint_eq(out.u.hello.nbuilds, 2);
	ck_assert_str_eq(out.u.hello.builds[1].id, "smars-2012.07.31-old");
	ck_assert_int_eq(out.u.hello.builds[0].active, 1);
	ck_assert_int_eq(out.u.hello.builds[1].active, 0);
	ck_assert_str_eq(out.u.hello.builds[1].manifest[0].path,
	    "power_peg");
	ck_assert_str_eq(out.u.hello.builds[0].retired[0].path,
	    "power_peg");
	bad = mutate(frame, NULL, "builds", json_pack("[{s:s,s:b,s:[],"
	    "s:[]}]", "id", "smars-2012.07.31-old", "active", 1, "manifest",
	    "retired"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "builds[0] is marked active, but the active build is "
	    "smars-2012.08.01");
	free(bad);
	bad = mutate(frame, NULL, "builds", json_pack("[{s:s,s:b,s:[],"
	    "s:[]}]", "id", "smars-2012.08.01", "active", 0, "manifest",
	    "retired"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "builds lists no active build");
	free(bad);
	free(frame);
}
END_TEST

/*
 * The plan: one flag meaning two code paths on the targets is refused,
 * naming both, unless the override names one; a retired path likewise.
 */
START_TEST(a_plan_refuses_drift_and_retired_code_unless_overridden)
{
	struct proto_msg		*a = calloc(1, sizeof *a);
	struct proto_msg		*b = calloc(1, sizeof *b);
	struct proto_plan		*plan = calloc(1, sizeof *plan);
	struct proto_plan_request	 req;
	const struct proto_hello	*fleet[2];
	const char			*nodes[] = { "router/r3", "router/r8" };

	ck_assert(a != NULL && b != NULL && plan != NULL);
	fill_hello(a);
	fill_hello(b);
	util_copy(b->u.hello.node, sizeof b->u.hello.node, "router/r8");
	util_copy(b->u.hello.build, sizeof b->u.hello.build,
	    "smars-2012.07.31-old");
	util_copy(b->u.hello.flags[0].path, sizeof b->u.hello.flags[0].path,
	    "power_peg");
	b->u.hello.nbuilds = 0;
	fleet[0] = &a->u.hello;
	fleet[1] = &b->u.hello;
	memset(&req, 0, sizeof req);
	util_copy(req.action, sizeof req.action, "flag");
	util_copy(req.flag, sizeof req.flag, "rlp");
	util_copy(req.set, sizeof req.set, "on");
	ck_assert_int_eq(proto_plan_make(&req, nodes, 2, fleet, 2, 1, plan),
	    -1);
	ck_assert_uint_eq(plan->nproblems, 1);
	ck_assert_str_eq(plan->problems[0].text, "flag rlp would enable code "
	    "path retail_liquidity on router/r3 (build smars-2012.08.01) and "
	    "power_peg on router/r8 (build smars-2012.07.31-old); one flag "
	    "must mean one code on the targets: change them apart, or both "
	    "operators sign an override naming the code path meant");
	ck_assert_int_eq(plan->mixed, 1);
	util_copy(req.override, sizeof req.override, "power_peg");
	ck_assert_int_eq(proto_plan_make(&req, nodes, 2, fleet, 2, 1, plan),
	    0);

	/* r3 back to the old build: rlp would wake retired power_peg. */
	memset(&req, 0, sizeof req);
	util_copy(req.action, sizeof req.action, "rollback");
	util_copy(req.to, sizeof req.to, "smars-2012.07.31-old");
	ck_assert_int_eq(proto_plan_make(&req, nodes, 1, fleet, 2, 1, plan),
	    -1);
	ck_assert_str_eq(plan->targets[0].paths[0].after, "power_peg");
	ck_assert_ptr_nonnull(strstr(proto_plan_problem(plan, "router/r3"),
	    "flag rlp enable code path power_peg, which build "
	    "smars-2012.08.01 retired"));
	ck_assert_int_eq(plan->mixed, 0);
	util_copy(req.override, sizeof req.override, "power_peg");
	ck_assert_int_eq(proto_plan_make(&req, nodes, 1, fleet, 2, 1, plan),
	    0);
	ck_assert_ptr_null(proto_plan_problem(plan, "router/r3"));
	free(a);
	free(b);
	free(plan);
}
END_TEST

START_TEST(role_must_be_known_and_match_the_node_id)
{
	char		*hello, *stats, *bad;
	json_t		*root;

	hello = encode_sample(&samples[0]);
	stats = encode_sample(&samples[1]);

	bad = mutate(hello, NULL, "role", json_string("king"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "role is \"king\", expected \"router\" or \"station\"");
	free(bad);
	bad = mutate(hello, NULL, "role", json_string("none"));
	assert_says(refused(bad, MSG_HELLO), "field role is \"none\"");
	free(bad);

	bad = mutate(hello, NULL, "role", json_string("station"));
	assert_says(refused(bad, MSG_HELLO), "hello from router/r3: field "
	    "node does not match field role \"station\"; a station's id is "
	    "station/NAME");
	free(bad);

	root = load(stats);
	json_object_set_new(root, "node", json_string("station/r3"));
	bad = dump(root);
	assert_says(refused(bad, MSG_STATS), "stats from station/r3: field "
	    "node does not match field role \"router\"; a router's id is "
	    "router/NAME");
	free(bad);

	/* "routers/x" is not "router/x". */
	bad = mutate(hello, NULL, "node", json_string("routerx/r3"));
	assert_says(refused(bad, MSG_HELLO), "field node does not match");
	free(bad);

	free(hello);
	free(stats);
}
END_TEST

START_TEST(node_ids_must_name_kind_and_name)
{
	char		*cert, *alert, *bad;

	cert = encode_sample(&samples[3]);
	alert = encode_sample(&samples[4]);

	bad = mutate(cert, NULL, "node", json_string("capital"));
	assert_says(refused(bad, MSG_CERT), "cert: field node \"capital\" is "
	    "not a node id; write it as KIND/NAME");
	free(bad);
	bad = mutate(alert, NULL, "node", json_string(""));
	assert_says(refused(bad, MSG_ALERT), "alert: field node is empty");
	free(bad);
	bad = mutate(alert, NULL, "node", json_string("router/"));
	assert_says(refused(bad, MSG_ALERT), "alert: field node \"router/\" "
	    "is not a node id");
	free(bad);
	bad = mutate(alert, NULL, "node", json_string("router/r 8\x1b[2J"));
	assert_says(refused(bad, MSG_ALERT), "holds a space, quote or control "
	    "character");
	/* The escape sequence is not echoed to the operator's terminal. */
	ck_assert_ptr_null(strchr(cause, '\x1b'));
	free(bad);
	bad = mutate(cert, NULL, "root_holder", json_string("capital"));
	assert_says(refused(bad, MSG_CERT), "cert from station/s1: field "
	    "root_holder \"capital\" is not a node id");
	free(bad);
	bad = mutate(alert, NULL, "text", json_string(""));
	assert_says(refused(bad, MSG_ALERT), "alert from router/r8: field "
	    "text is empty");
	free(bad);
	bad = mutate(alert, NULL, "severity", json_string("fatal"));
	assert_says(refused(bad, MSG_ALERT), "alert from router/r8: field "
	    "severity is \"fatal\", expected \"info\", \"warning\" or "
	    "\"critical\"");
	free(bad);
	free(cert);
	free(alert);
}
END_TEST

START_TEST(unknown_types_are_reported_with_what_to_do)
{
	ck_assert_str_eq(refused("{\"type\":\"bogus\",\"node\":\"router/r3\"}",
	    MSG_UNKNOWN), "message type \"bogus\" is not part of vigil.v1; "
	    "the sender may be newer than this program: upgrade it");
	/* A hostile name is cut short and cannot reach the terminal raw. */
	refused("{\"type\":\"\\u001b[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	    MSG_UNKNOWN);
	ck_assert_ptr_null(strchr(cause, '\x1b'));
	assert_says(cause, "...\" is not part of vigil.v1");
	refused("{\"type\":\"hello\\u0000\"}", MSG_UNKNOWN);
	assert_says(cause, "message type \"hello?\" is not part of vigil.v1");
}
END_TEST

START_TEST(auth_and_watching_are_read_and_bounded)
{
	struct proto_msg	m;
	char			frame[2048], big[200];
	char			text[PROTO_AUTH_TEXT_MAX], *out;
	const char		*key;

	key = "MCowBQYDK2VwAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

	util_format(frame, sizeof frame, "{\"type\":\"auth\",\"operator\":"
	    "\"alice\",\"node\":\"router/r1\",\"challenge\":\"%s\","
	    "\"key\":\"%s\",\"signature\":\"c2ln\"}",
	    "0123456789abcdef0123456789abcdef", key);
	ck_assert_int_eq(proto_decode(frame, strlen(frame), &m, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(m.type, MSG_AUTH);
	ck_assert_str_eq(m.u.auth.operator, "alice");
	proto_auth_text(&m.u.auth, text, sizeof text);
	ck_assert_str_eq(text, "vigil.v1 auth 0123456789abcdef0123456789abcdef "
	    "router/r1 MCowBQYDK2VwAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	out = proto_encode(&m);
	ck_assert_int_eq(proto_decode(out, strlen(out), &m, cause,
	    sizeof cause), 0);
	free(out);
	/* Sizes are bounded before anything is verified. */
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	util_format(frame, sizeof frame, "{\"type\":\"auth\",\"operator\":"
	    "\"alice\",\"node\":\"router/r1\",\"challenge\":\"%s\","
	    "\"key\":\"%s\",\"signature\":\"c2ln\"}",
	    "0123456789abcdef0123456789abcdef", big);
	assert_says(refused(frame, MSG_AUTH), "auth from alice: field key");
	util_format(frame, sizeof frame, "{\"type\":\"auth\",\"operator\":"
	    "\"alice\",\"node\":\"router/r1\",\"challenge\":\"%s\","
	    "\"key\":\"k\",\"signature\":\"%s\"}",
	    "0123456789abcdef0123456789abcdef", big);
	assert_says(refused(frame, MSG_AUTH), "auth from alice: field "
	    "signature");
	assert_says(refused("{\"type\":\"auth\",\"operator\":\"al ice\"}",
	    MSG_AUTH), "operator");
	assert_says(refused("{\"type\":\"auth\",\"operator\":\"alice\","
	    "\"node\":\"router/r1\",\"challenge\":\"xyz\"}", MSG_AUTH),
	    "challenge");
	ck_assert_str_eq(proto_type_name(MSG_AUTH), "auth");
	/* watching lists operators, each a name fit to be one. */
	assert_says(refused("{\"type\":\"watching\",\"node\":\"router/r1\","
	    "\"consoles\":1,\"operators\":[{\"operator\":\"\\u001b[2J\","
	    "\"key\":\"k\"}]}", MSG_WATCHING), "operator");
	util_copy(frame, sizeof frame, "{\"type\":\"watching\",\"node\":"
	    "\"router/r1\",\"consoles\":2,\"operators\":[{\"operator\":"
	    "\"bob\",\"key\":\"k\"}],\"you\":\"bob\"}");
	ck_assert_int_eq(proto_decode(frame, strlen(frame), &m, cause,
	    sizeof cause), 0);
	ck_assert_str_eq(m.u.watching.operators[0].operator, "bob");
	/* The command types are read now: a bare one names what it lacks. */
	assert_says(refused("{\"type\":\"propose\"}", MSG_PROPOSE),
	    "propose: field sig is missing");
	assert_says(refused("{\"type\":\"result\",\"node\":\"router/r8\"}",
	    MSG_RESULT), "result from router/r8: field id is missing");
}
END_TEST

START_TEST(command_messages_name_the_operator_who_signed)
{
	char	*frame, *bad;

	frame = encode_sample(&samples[6]);
	bad = mutate(frame, NULL, "document", json_string(""));
	ck_assert_str_eq(refused(bad, MSG_PROPOSE), "propose from alice: "
	    "field document is empty, expected some text");
	free(bad);
	bad = mutate(frame, "sig", "operator", json_string("alice smith"));
	ck_assert_str_eq(refused(bad, MSG_PROPOSE), "propose: field "
	    "sig.operator \"alice smith\" is not an operator's name: a name "
	    "is letters, digits, '.', '_' and '-', as the trust file gives "
	    "it");
	free(bad);
	bad = mutate(frame, "sig", "signature", json_string(""));
	assert_says(refused(bad, MSG_PROPOSE), "propose from alice: field "
	    "sig.signature is empty");
	free(bad);
	free(frame);

	frame = encode_sample(&samples[7]);
	bad = mutate(frame, NULL, "id", json_string("0123456789ABCDEF0123456789"
	    "abcdef"));
	ck_assert_str_eq(refused(bad, MSG_APPROVE), "approve from bob: field "
	    "id \"0123456789ABCDEF0123456789abcdef\" is not 32 lower-case "
	    "hexadecimal digits");
	free(bad);
	bad = mutate(frame, NULL, "id", json_string("c1"));
	assert_says(refused(bad, MSG_APPROVE), "field id \"c1\" is not 32 "
	    "lower-case hexadecimal digits");
	free(bad);
	free(frame);
}
END_TEST

/*
 * A router's state is decoded into an enum at this edge, so a state the
 * protocol does not name is refused in words rather than shown as if
 * the console understood it; each state it names reads back.
 */
START_TEST(a_router_state_must_be_one_the_protocol_names)
{
	static const char *const states[] = { "running", "halting", "killed" };
	struct proto_msg	 m;
	char			*frame, *bad;
	size_t			 i;

	frame = encode_sample(&samples[1]);
	bad = mutate(frame, NULL, "state", json_string("paused"));
	ck_assert_str_eq(refused(bad, MSG_STATS), "stats from router/r3: "
	    "field state is \"paused\", expected \"running\", \"halting\" "
	    "or \"killed\"");
	free(bad);
	for (i = 0; i < nitems(states); i++) {
		bad = mutate(frame, NULL, "state", json_string(states[i]));
		accepted(bad, &m);
		ck_assert_str_eq(proto_state_name(m.u.stats.router.state),
		    states[i]);
		free(bad);
	}
	free(frame);
}
END_TEST

START_TEST(proposal_and_result_words_are_checked)
{
	struct proto_msg	 m;
	char			*frame, *bad;
	json_t			*root, *sigs;

	frame = encode_sample(&samples[10]);
	bad = mutate(frame, NULL, "outcome", json_string("done"));
	ck_assert_str_eq(refused(bad, MSG_RESULT), "result from router/r8: "
	    "field outcome is \"done\", expected \"accepted\", \"executed\", "
	    "\"refused\", \"cancelled\", \"expired\" or \"fired\"");
	free(bad);
	bad = mutate(frame, NULL, "in_reply_to", json_string("auth"));
	assert_says(refused(bad, MSG_RESULT), "field in_reply_to is "
	    "\"auth\", expected \"propose\", \"approve\", \"cancel\", "
	    "\"fire\", \"deliver\" or \"holder\"");
	free(bad);
	/* A refusal of a frame with no command in it has no id or action. */
	bad = mutate(frame, NULL, "id", json_string(""));
	free(frame);
	frame = mutate(bad, NULL, "action", json_string(""));
	free(bad);
	bad = mutate(frame, NULL, "in_reply_to", json_string(""));
	accepted(bad, &m);
	ck_assert_str_eq(m.u.result.id, "");
	ck_assert_str_eq(m.u.result.in_reply_to, "");
	free(bad);
	free(frame);

	frame = encode_sample(&samples[9]);
	bad = mutate(frame, NULL, "status", json_string("approved"));
	assert_says(refused(bad, MSG_PROPOSAL), "proposal from router/r8: "
	    "field status is \"approved\", expected \"pending\", "
	    "\"executed\", \"refused\", \"cancelled\", \"expired\", "
	    "\"armed\", \"fired\" or \"disarmed\"");
	free(bad);
	root = load(frame);
	sigs = json_object_get(root, "sigs");
	while (json_array_size(sigs) <= PROTO_MAX_SIGNERS)
		json_array_append(sigs, json_array_get(sigs, 0));
	bad = dump(root);
	assert_says(refused(bad, MSG_PROPOSAL), "proposal from router/r8: "
	    "field sigs has 5 entries, at most 4 are allowed");
	free(bad);
	bad = mutate(frame, "sigs", "operator", json_string("a\"b"));
	assert_says(refused(bad, MSG_PROPOSAL), "proposal from router/r8: "
	    "field sigs[0].operator \"a\"b\" is not an operator's name");
	free(bad);
	free(frame);
}
END_TEST

/*
 * A command document that must be refused; the sentence is checked for
 * house style as frames' are.
 */
static const char *
doc_refused(const char *text)
{
	struct proto_command	c;
	size_t			n;

	ck_assert_msg(proto_command_decode(text, strlen(text), &c, cause,
	    sizeof cause) == -1, "accepted: %s", text);
	n = strlen(cause);
	ck_assert_msg(n > 0 && cause[0] >= 'a' && cause[0] <= 'z' &&
	    cause[n - 1] != '.', "badly formed sentence: %s", cause);
	return (cause);
}

/*
 * The bounds agree: a document naming PROTO_MAX_TARGETS targets, each
 * with the longest id, build and state, and the longest reason fits
 * PROTO_DOC_MAX, and the propose frame carrying it fits PROTO_MAX_FRAME;
 * both decode.  A frame or document one byte over is refused before it
 * is parsed.
 */
START_TEST(the_largest_command_fits_every_bound)
{
	struct proto_command	 c, back;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*text, *frame, digits[24];
	size_t			 i;

	fill_command(&c);
	c.targets = NULL;
	proto_command_targets(&c, PROTO_MAX_TARGETS);
	for (i = 0; i < c.ntargets; i++) {
		/* "router/0042nnn...": 63 bytes, each its own. */
		memset(c.targets[i].node, 'n', sizeof c.targets[i].node - 1);
		snprintf(digits, sizeof digits, "%04zu", i);
		memcpy(c.targets[i].node, "router/", 7);
		memcpy(c.targets[i].node + 7, digits, 4);
		memset(c.targets[i].build, 'b', sizeof c.targets[i].build - 1);
		memset(c.targets[i].state, 's', sizeof c.targets[i].state - 1);
	}
	memset(c.reason, 'r', sizeof c.reason - 1);
	text = proto_command_encode(&c);
	proto_command_clear(&c);
	ck_assert_msg(strlen(text) < PROTO_DOC_MAX, "the largest document is "
	    "%zu bytes, over %d", strlen(text), PROTO_DOC_MAX);
	ck_assert_msg(proto_command_decode(text, strlen(text), &back, cause,
	    sizeof cause) == 0, "%s", cause);
	ck_assert_uint_eq(back.ntargets, PROTO_MAX_TARGETS);
	proto_command_clear(&back);

	m->type = MSG_PROPOSE;
	m->u.propose.document = text;
	util_copy(m->u.propose.sig.operator, sizeof m->u.propose.sig.operator,
	    "alice");
	memset(m->u.propose.sig.signature, 'A',
	    sizeof m->u.propose.sig.signature - 1);
	frame = proto_encode(m);
	ck_assert_msg(strlen(frame) <= PROTO_MAX_FRAME, "its propose frame "
	    "is %zu bytes, over %d", strlen(frame), PROTO_MAX_FRAME);
	accepted(frame, m);
	ck_assert_str_eq(m->u.propose.document, text);
	free(frame);
	free(text);
	free(m);
}
END_TEST

/*
 * A document with one key replaced by v (deleted when v is NULL), in
 * that array's first element or object when arr is given, written with
 * keys in byte order so that only the change differs.  Takes v.
 */
static char *
doc_mutate(const char *text, const char *arr, const char *key, json_t *v)
{
	json_t	*root, *obj;
	char	*s;

	root = obj = load(text);
	if (arr != NULL)
		obj = json_object_get(root, arr);
	if (json_is_array(obj))
		obj = json_array_get(obj, 0);
	ck_assert_ptr_nonnull(obj);
	if (v == NULL)
		json_object_del(obj, key);
	else
		json_object_set_new(obj, key, v);
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(s);
	json_decref(root);
	return (s);
}

START_TEST(a_command_document_has_one_canonical_text)
{
	struct proto_command		 in, out;
	struct proto_command_target	*targets;
	char				*text, *again;

	fill_command(&in);
	text = proto_command_encode(&in);
	ck_assert_str_eq(text, "{\"action\":\"kill\",\"args\":{\"cancel_open\":"
	    "\"yes\"},\"created_ms\":1343826060000,\"expires_ms\":"
	    "1343826360000,\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"proposer\":\"alice\",\"reason\":\"runaway child orders since "
	    "the open\",\"targets\":[{\"build\":\"smars-2012.07.31-old\","
	    "\"node\":\"router/r8\",\"state\":\"running\"},{\"build\":"
	    "\"smars-2012.08.01\",\"node\":\"router/r9\",\"state\":"
	    "\"running\"}],\"v\":1}");
	ck_assert_int_eq(proto_command_decode(text, strlen(text), &out, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(memcmp(in.targets, out.targets, in.ntargets *
	    sizeof *in.targets), 0);
	targets = out.targets;
	out.targets = in.targets;
	ck_assert_int_eq(memcmp(&in, &out, sizeof in), 0);
	out.targets = targets;
	again = proto_command_encode(&out);
	ck_assert_str_eq(again, text);
	proto_command_clear(&out);
	free(again);
	free(text);

	/* Text JSON must escape is escaped one way only, and survives. */
	util_copy(in.reason, sizeof in.reason, "said \"stop\"\\now\n\x01\x7f "
	    "Z\xc3\xbcrich");
	text = proto_command_encode(&in);
	ck_assert_ptr_nonnull(strstr(text, "\"reason\":\"said \\\"stop\\\""
	    "\\\\now\\n\\u0001\x7f Z\xc3\xbcrich\""));
	ck_assert_int_eq(proto_command_decode(text, strlen(text), &out, cause,
	    sizeof cause), 0);
	ck_assert_str_eq(out.reason, in.reason);
	proto_command_clear(&out);
	free(text);
}
END_TEST

/*
 * A propose of 1,000 targets reaches one vigild as the same bytes on
 * every target's link, and each target's proposal brings a console the
 * same document: the last large document read is kept, and a frame
 * holding it again reads the same, each time a copy of its own, with
 * the rest of the frame (another signature, another node) its own; a
 * broken frame around it is refused as ever.  Written, the last is
 * kept too, and a frame holding it is the bytes written afresh.
 */
START_TEST(a_document_read_again_reads_the_same)
{
	struct proto_command	 c;
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*doc, *frame, *other, *first;
	char			*again, *afresh;
	size_t			 i;

	fill_command(&c);
	c.targets = NULL;	/* e2e_targets()'s: not to be grown */
	proto_command_targets(&c, 1000);
	for (i = 0; i < c.ntargets; i++) {
		snprintf(c.targets[i].node, sizeof c.targets[i].node,
		    "router/r%zu", i + 1);
		util_copy(c.targets[i].build, sizeof c.targets[i].build,
		    "smars-2012.08.01");
		util_copy(c.targets[i].state, sizeof c.targets[i].state,
		    "running");
	}
	/* Quotes and backslashes, escaped twice in a frame. */
	util_copy(c.reason, sizeof c.reason, "said \"stop\\\" \\\\\"now");
	doc = proto_command_encode(&c);
	proto_command_clear(&c);
	m->type = MSG_PROPOSE;
	m->u.propose.document = doc;
	util_copy(m->u.propose.sig.operator, sizeof m->u.propose.sig.operator,
	    "alice");
	util_copy(m->u.propose.sig.signature,
	    sizeof m->u.propose.sig.signature, "c2lnbmF0dXJlLW9uZQ==");
	frame = proto_encode(m);
	util_copy(m->u.propose.sig.signature,
	    sizeof m->u.propose.sig.signature, "c2lnbmF0dXJlLXR3bw==");
	other = proto_encode(m);
	ck_assert_uint_eq(strlen(frame), strlen(other));
	ck_assert_uint_gt(strlen(frame), 20000);

	for (i = 0; i < 3; i++) {
		memset(m, 0, sizeof *m);
		ck_assert_int_eq(proto_decode(frame, strlen(frame), m, cause,
		    sizeof cause), 0);
		ck_assert_int_eq(m->type, MSG_PROPOSE);
		ck_assert_str_eq(m->u.propose.document, doc);
		ck_assert_str_eq(m->u.propose.sig.operator, "alice");
		ck_assert_str_eq(m->u.propose.sig.signature,
		    "c2lnbmF0dXJlLW9uZQ==");
		/* Its own copy: freeing it leaves the kept one whole. */
		first = m->u.propose.document;
		ck_assert_ptr_ne(first, doc);
		proto_msg_clear(m);
	}
	memset(m, 0, sizeof *m);
	ck_assert_int_eq(proto_decode(other, strlen(other), m, cause,
	    sizeof cause), 0);
	ck_assert_str_eq(m->u.propose.sig.signature, "c2lnbmF0dXJlLXR3bw==");
	ck_assert_str_eq(m->u.propose.document, doc);
	proto_msg_clear(m);

	/* Each node's proposal of it: the same document, its own node. */
	for (i = 0; i < 2; i++) {
		memset(m, 0, sizeof *m);
		m->type = MSG_PROPOSAL;
		snprintf(m->u.proposal.node, sizeof m->u.proposal.node,
		    "router/r%zu", i + 1);
		util_copy(m->u.proposal.id, sizeof m->u.proposal.id,
		    "0123456789abcdef0123456789abcdef");
		m->u.proposal.document = doc;
		m->u.proposal.status = STATUS_PENDING;
		m->u.proposal.expires_ms = 1343826360000LL;
		first = proto_encode(m);
		memset(m, 0, sizeof *m);
		ck_assert_int_eq(proto_decode(first, strlen(first), m, cause,
		    sizeof cause), 0);
		ck_assert_int_eq(m->type, MSG_PROPOSAL);
		ck_assert_str_eq(m->u.proposal.document, doc);
		ck_assert_str_eq(m->u.proposal.node, i == 0 ? "router/r1" :
		    "router/r2");
		proto_msg_clear(m);
		free(first);
	}

	/*
	 * Written again for another node, it is the very bytes it would be
	 * written afresh: the same frame once another document was written.
	 */
	memset(m, 0, sizeof *m);
	m->type = MSG_PROPOSAL;
	util_copy(m->u.proposal.id, sizeof m->u.proposal.id,
	    "0123456789abcdef0123456789abcdef");
	m->u.proposal.document = doc;
	util_copy(m->u.proposal.node, sizeof m->u.proposal.node, "router/r1");
	free(proto_encode(m));
	util_copy(m->u.proposal.node, sizeof m->u.proposal.node, "router/r2");
	again = proto_encode(m);
	m->u.proposal.document = xstrdup(doc);
	m->u.proposal.document[0] = '[';
	free(proto_encode(m));
	free(m->u.proposal.document);
	m->u.proposal.document = doc;
	afresh = proto_encode(m);
	ck_assert_str_eq(again, afresh);
	ck_assert_ptr_nonnull(strstr(again, "\"node\":\"router/r2\""));
	free(again);
	free(afresh);

	/* A broken copy of it is still refused, in words. */
	other[strlen(other) - 1] = ' ';
	memset(m, 0, sizeof *m);
	ck_assert_int_eq(proto_decode(other, strlen(other), m, cause,
	    sizeof cause), -1);
	ck_assert_uint_gt(strlen(cause), 20);
	free(other);
	free(frame);
	free(doc);
	free(m);
}
END_TEST

START_TEST(command_args_are_written_in_byte_order)
{
	struct proto_command	 c, out;
	char			*text, *again, *swapped, want[256];
	const char		*p;

	fill_command(&c);
	c.nargs = 3;
	util_copy(c.args[0].name, sizeof c.args[0].name, "zone");
	util_copy(c.args[0].value, sizeof c.args[0].value, "b");
	util_copy(c.args[1].name, sizeof c.args[1].name, "a");
	util_copy(c.args[1].value, sizeof c.args[1].value, "1");
	util_copy(c.args[2].name, sizeof c.args[2].name, "Z");
	util_copy(c.args[2].value, sizeof c.args[2].value, "2");
	text = proto_command_encode(&c);
	ck_assert_ptr_nonnull(strstr(text, "\"args\":{\"Z\":\"2\",\"a\":\"1\","
	    "\"zone\":\"b\"}"));
	ck_assert_int_eq(proto_command_decode(text, strlen(text), &out, cause,
	    sizeof cause), 0);
	ck_assert_uint_eq(out.nargs, 3);
	ck_assert_str_eq(out.args[0].name, "Z");
	ck_assert_str_eq(out.args[1].name, "a");
	ck_assert_str_eq(out.args[2].name, "zone");
	ck_assert_str_eq(out.args[2].value, "b");
	again = proto_command_encode(&out);
	proto_command_clear(&out);
	ck_assert_str_eq(again, text);
	free(again);

	/* The same arguments in another order are other bytes: refused. */
	swapped = xstrdup(text);
	p = strstr(text, "{\"Z\":\"2\",\"a\":\"1\"");
	memcpy(swapped + (p - text), "{\"a\":\"1\",\"Z\":\"2\"", 16);
	snprintf(want, sizeof want, "document is not in canonical form: it "
	    "differs at byte %zu from the text vigil writes for the same "
	    "command (keys in byte order, no spaces, no escapes JSON does not "
	    "require); sign the text vigil produces, unchanged",
	    (size_t)(p - text) + 3);
	ck_assert_str_eq(doc_refused(swapped), want);
	free(swapped);
	free(text);
}
END_TEST

START_TEST(documents_not_in_canonical_form_are_refused)
{
	struct proto_command	 c;
	json_t			*root;
	char			*text, *bad, want[64];
	const char		*p;
	size_t			 n;

	fill_command(&c);
	text = proto_command_encode(&c);
	n = strlen(text);

	/* White space. */
	root = load(text);
	bad = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	assert_says(doc_refused(bad), "document is not in canonical form: it "
	    "differs at byte 2 from the text vigil writes");
	assert_says(cause, "; sign the text vigil produces, unchanged");
	free(bad);

	/* Keys out of order. */
	bad = xasprintf("{\"v\":1,%.*s}", (int)(n - 8), text + 1);
	assert_says(doc_refused(bad), "document is not in canonical form: it "
	    "differs at byte 3 ");
	free(bad);

	/* An escape JSON does not require: "\u0061lice" reads as alice. */
	p = strstr(text, "\"alice\"");
	bad = xasprintf("%.*s\"\\u0061lice\"%s", (int)(p - text), text,
	    p + 7);
	snprintf(want, sizeof want, "it differs at byte %zu ",
	    (size_t)(p - text) + 2);
	assert_says(doc_refused(bad), want);
	free(bad);

	/* A newline after it. */
	bad = xasprintf("%s\n", text);
	snprintf(want, sizeof want, "it differs at byte %zu ", n + 1);
	assert_says(doc_refused(bad), want);
	free(bad);

	/* Members vigil would not read. */
	bad = doc_mutate(text, NULL, "note", json_string("x"));
	ck_assert_str_eq(doc_refused(bad), "document is not in canonical "
	    "form: field note is not part of a command document; sign the "
	    "text vigil produces, unchanged");
	free(bad);
	bad = doc_mutate(text, "targets", "comment", json_string("x"));
	assert_says(doc_refused(bad), "document is not in canonical form: "
	    "field targets[0].comment is not part of a command document");
	free(bad);

	/* Its version. */
	bad = doc_mutate(text, NULL, "v", NULL);
	assert_says(doc_refused(bad), "document: field v is missing");
	free(bad);
	bad = doc_mutate(text, NULL, "v", json_integer(2));
	ck_assert_str_eq(doc_refused(bad), "document is version 2; this "
	    "program reads version 1 documents: upgrade the older side");
	free(bad);
	bad = doc_mutate(text, NULL, "v", json_string("1"));
	assert_says(doc_refused(bad), "document: field v is a string, "
	    "expected an integer");
	free(bad);

	/* Not a document at all. */
	assert_says(doc_refused("{\"action\":"), "document is not JSON: ");
	ck_assert_str_eq(doc_refused("[1]"), "document is an array, expected "
	    "a JSON object");
	ck_assert_int_eq(proto_command_decode("", 0, &c, cause, sizeof cause),
	    -1);
	assert_says(cause, "document is empty");
	bad = xmalloc(PROTO_DOC_MAX + 1);
	memset(bad, ' ', PROTO_DOC_MAX);
	bad[PROTO_DOC_MAX] = '\0';
	ck_assert_str_eq(doc_refused(bad), "document is 196608 bytes long, at "
	    "most 196607 are allowed");
	free(bad);
	bad = doc_mutate(text, NULL, "created_ms", json_real(1343826060000.0));
	assert_says(doc_refused(bad), "document: field created_ms is a real "
	    "number, expected an integer");
	free(bad);
	free(text);
}
END_TEST

START_TEST(command_document_fields_are_checked)
{
	static const struct {
		const char	*arr;
		const char	*key;
		const char	*json;	/* the new value; NULL deletes */
		const char	*says;
	} cases[] = {
		{ NULL, "id", "\"0123456789ABCDEF0123456789abcdef\"",
		  "document: field id \"0123456789ABCDEF0123456789abcdef\" is "
		  "not 32 lower-case hexadecimal digits" },
		{ NULL, "id", "\"0123456789abcdef0123456789abcde\"",
		  "is not 32 lower-case hexadecimal digits" },
		{ NULL, "action", "\"\"",
		  "document: field action is empty" },
		{ NULL, "targets", "[]", "document: field targets is empty; a "
		  "command names at least one target node" },
		{ "targets", "node", "\"r8\"", "document: field "
		  "targets[0].node \"r8\" is not a node id" },
		{ "targets", "node", "\"router/r9\"", "document: field "
		  "targets[1].node repeats router/r9 of targets[0]; each "
		  "target may appear once" },
		{ "targets", "build", "\"\"", "document: field "
		  "targets[0].build is empty" },
		{ NULL, "expires_ms", "1343826060000", "document: field "
		  "expires_ms (1343826060000) is not after field created_ms "
		  "(1343826060000); a command expires after it is made" },
		{ NULL, "reason", "\"\"", "document: field reason is empty" },
		{ NULL, "reason", NULL, "document: field reason is missing" },
		{ NULL, "proposer", "\"alice smith\"", "document: field "
		  "proposer \"alice smith\" is not an operator's name" },
		{ NULL, "args", "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\","
		  "\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\","
		  "\"h\":\"8\",\"i\":\"9\"}",
		  "document: field args has 9 entries, at most 8 are "
		  "allowed" },
		{ NULL, "args", "{\"cancel_open\":1}", "document: field "
		  "args.cancel_open is an integer, expected a string" },
		{ NULL, "args", "{\"\":\"x\"}", "document: field args has an "
		  "argument named \"\"; a name is 1 to 31 bytes with no NUL "
		  "character" },
		{ NULL, "args", "[]", "document: field args is an array, "
		  "expected an object" },
	};
	struct proto_command	 c;
	json_error_t		 jerr;
	json_t			*v, *root;
	char			*text, *bad, *longarg;
	size_t			 i;

	fill_command(&c);
	text = proto_command_encode(&c);
	for (i = 0; i < nitems(cases); i++) {
		v = NULL;
		if (cases[i].json != NULL)
			v = json_loads(cases[i].json, JSON_DECODE_ANY, &jerr);
		bad = doc_mutate(text, cases[i].arr, cases[i].key, v);
		assert_says(doc_refused(bad), cases[i].says);
		free(bad);
	}
	/* One target more than a command may name. */
	c.targets = NULL;
	proto_command_targets(&c, PROTO_MAX_TARGETS);
	for (i = 0; i < c.ntargets; i++) {
		snprintf(c.targets[i].node, sizeof c.targets[i].node,
		    "router/r%zu", i);
		util_copy(c.targets[i].build, sizeof c.targets[i].build, "b");
	}
	free(text);
	text = proto_command_encode(&c);
	proto_command_clear(&c);
	root = load(text);
	json_array_append_new(json_object_get(root, "targets"), json_pack(
	    "{s:s,s:s,s:s}", "build", "b", "node", "router/extra", "state",
	    ""));
	bad = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	assert_says(doc_refused(bad), "document: field targets has 1001 "
	    "entries, at most 1000 are allowed");
	free(bad);
	free(text);

	/* An argument's value has its limit. */
	fill_command(&c);
	text = proto_command_encode(&c);
	longarg = xmalloc(129);
	memset(longarg, 'x', 128);
	longarg[128] = '\0';
	bad = doc_mutate(text, "args", "cancel_open", json_string(longarg));
	assert_says(doc_refused(bad), "document: field args.cancel_open is 128 "
	    "bytes long, at most 127 are allowed");
	free(bad);
	free(longarg);
	free(text);
}
END_TEST

START_TEST(audit_lines_read_back_with_keys_in_byte_order)
{
	static const char *const keys[] = {
		"\"action\":", "\"document\":", "\"event\":", "\"id\":",
		"\"node\":", "\"operator\":", "\"prev\":", "\"seq\":",
		"\"text\":", "\"time_ms\":",
	};
	struct proto_audit_entry	 in, out;
	const char			*at, *last = NULL;
	char				*line, *bad;
	size_t				 i;

	fill_audit(&in);
	line = proto_audit_encode(&in);
	ck_assert_ptr_null(strchr(line, '\n'));
	ck_assert_ptr_null(strstr(line, "\": "));
	for (i = 0; i < nitems(keys); i++) {
		at = strstr(line, keys[i]);
		ck_assert_msg(at != NULL && at > last, "key %s out of order: "
		    "%s", keys[i], line);
		last = at;
	}
	ck_assert_int_eq(proto_audit_decode(line, strlen(line), &out, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(memcmp(&in, &out, sizeof in), 0);

	/* What a refusal of a malformed request logs still reads back. */
	util_copy(in.operator, sizeof in.operator, "mallory x");
	util_copy(in.id, sizeof in.id, "not-an-id");
	util_copy(in.node, sizeof in.node, "");
	util_copy(in.event, sizeof in.event, "refuse");
	free(line);
	line = proto_audit_encode(&in);
	ck_assert_int_eq(proto_audit_decode(line, strlen(line), &out, cause,
	    sizeof cause), 0);
	ck_assert_str_eq(out.operator, "mallory x");

	bad = doc_mutate(line, NULL, "seq", json_integer(0));
	ck_assert_int_eq(proto_audit_decode(bad, strlen(bad), &out, cause,
	    sizeof cause), -1);
	ck_assert_str_eq(cause, "audit entry: field seq is 0, expected an "
	    "integer of at least 1");
	free(bad);
	bad = doc_mutate(line, NULL, "event", json_string("delete"));
	ck_assert_int_eq(proto_audit_decode(bad, strlen(bad), &out, cause,
	    sizeof cause), -1);
	ck_assert_str_eq(cause, "audit entry: field event is \"delete\", "
	    "expected \"propose\", \"approve\", \"refuse\", \"cancel\", "
	    "\"expire\", \"execute\", \"fire\", \"seal\" or "
	    "\"destroy\"");
	free(bad);
	bad = doc_mutate(line, NULL, "prev", json_string("abc"));
	ck_assert_int_eq(proto_audit_decode(bad, strlen(bad), &out, cause,
	    sizeof cause), -1);
	ck_assert_str_eq(cause, "audit entry: field prev \"abc\" is not 64 "
	    "lower-case hexadecimal digits");
	free(bad);
	ck_assert_int_eq(proto_audit_decode("{\"seq\":", 7, &out, cause,
	    sizeof cause), -1);
	assert_says(cause, "audit entry is not JSON: ");
	free(line);
}
END_TEST

/*
 * Entry i of a run: text of every kind in each field (plain ASCII in
 * every other one, as vigild's own lines are), a document in a third.
 */
static void
audit_hostile(uint64_t *state, struct proto_audit_entry *e, int i)
{
	char	*fields[] = { e->node, e->event, e->id, e->action,
		    e->operator, e->text, e->sha256, e->prev };
	size_t	 sizes[] = { sizeof e->node, sizeof e->event, sizeof e->id,
		    sizeof e->action, sizeof e->operator, sizeof e->text,
		    sizeof e->sha256, sizeof e->prev };
	size_t	 f, j;

	proto_audit_clear(e);
	e->seq = writer_counter(state);
	e->time_ms = (int64_t)writer_counter(state);
	for (f = 0; f < nitems(fields); f++) {
		writer_text(state, fields[f], sizes[f]);
		for (j = 0; i % 2 == 1 && fields[f][j] != '\0'; j++)
			fields[f][j] = (char)('a' + (unsigned char)
			    fields[f][j] % 26);
	}
	if (i % 4 < 2)
		util_copy(e->event, sizeof e->event, "approve");
	if (i % 8 < 4)
		memset(e->prev, 'f', 64);
	if (i % 3 == 0)
		writer_text(state, e->document, 4096);
	if (i % 4 == 0)
		e->sha256[0] = '\0';
	e->verified = i % 5 == 0;
}

/* line decodes by the scanner as by jansson: same answer, same entry. */
static void
audit_reads_alike(const char *line)
{
	static struct proto_audit_entry	 a, b;
	char				 ca[PROTO_TEXT_MAX], cb[PROTO_TEXT_MAX];
	int				 ra, rb;

	ca[0] = cb[0] = '\0';
	ra = proto_audit_decode(line, strlen(line), &a, ca, sizeof ca);
	proto_audit_writer(0);
	rb = proto_audit_decode(line, strlen(line), &b, cb, sizeof cb);
	proto_audit_writer(1);
	ck_assert_msg(ra == rb, "scanner %d, jansson %d: %s", ra, rb, line);
	if (ra != 0)
		ck_assert_str_eq(ca, cb);
	else
		ck_assert(memcmp(&a, &b, sizeof a) == 0);
}

/*
 * An audit line written directly gives jansson's bytes, keys in byte
 * order, for entries of hostile text in every field, a document of up
 * to a few KB, extreme numbers and the optional members set or not; and
 * the scanner reads back what jansson does, plain lines, lines with a
 * member wrong and lines it leaves to jansson alike.
 */
START_TEST(audit_writer_matches_jansson)
{
	static struct proto_audit_entry	 e;
	uint64_t			 state = 0x2545f4914f6cdd1dULL;
	char				*direct, *tree;
	int				 i;

	for (i = 0; i < 2000; i++) {
		audit_hostile(&state, &e, i);
		direct = proto_audit_encode(&e);
		proto_audit_writer(0);
		tree = proto_audit_encode(&e);
		proto_audit_writer(1);
		ck_assert_str_eq(direct, tree);
		audit_reads_alike(direct);
		free(direct);
		free(tree);
	}
}
END_TEST

START_TEST(another_version_names_both_versions)
{
	char	*frame, *bad;

	frame = encode_sample(&samples[0]);
	bad = mutate(frame, NULL, "version", json_integer(2));
	ck_assert_str_eq(refused(bad, MSG_HELLO), "hello from router/r3 speaks "
	    "protocol version 2; this program speaks version 1: upgrade the "
	    "older side");
	free(bad);

	/* The version is judged before fields a newer version may change. */
	bad = mutate(frame, NULL, "version", json_integer(2));
	free(frame);
	frame = mutate(bad, NULL, "role", json_string("gateway"));
	free(bad);
	bad = mutate(frame, NULL, "build", NULL);
	assert_says(refused(bad, MSG_HELLO), "speaks protocol version 2");
	free(bad);
	free(frame);
}
END_TEST

START_TEST(frames_that_are_not_messages_are_refused)
{
	struct proto_msg	 m;
	char			*big, *hello;
	size_t			 n;

	assert_says(refused("{\"type\":", MSG_UNKNOWN), "frame is not JSON: ");
	assert_says(cause, " at line 1 column ");
	assert_says(refused("{\"type\":\"hello\"} trailing", MSG_UNKNOWN),
	    "frame is not JSON: ");
	ck_assert_str_eq(refused("[1,2]", MSG_UNKNOWN), "frame is a JSON "
	    "array, expected an object with a \"type\" field");
	ck_assert_str_eq(refused("\"hello\"", MSG_UNKNOWN), "frame is a JSON "
	    "string, expected an object with a \"type\" field");
	ck_assert_str_eq(refused("{\"node\":\"router/r3\"}", MSG_UNKNOWN),
	    "frame has no \"type\" field; every vigil.v1 message names its "
	    "type");
	ck_assert_str_eq(refused("{\"type\":7}", MSG_UNKNOWN), "frame has a "
	    "\"type\" field that is an integer, expected a string such as "
	    "\"hello\"");
	assert_says(refused("{\"type\":\"error\",\"text\":\"a\","
	    "\"text\":\"b\"}", MSG_UNKNOWN), "frame names a field twice");
	assert_says(cause, "each field may appear once");
	assert_says(refused("{\"type\":\"stats\",\"seq\":99999999999999999999}",
	    MSG_UNKNOWN), "frame holds a number out of range");
	ck_assert_int_eq(proto_decode("", 0, &m, cause, sizeof cause), -1);
	assert_says(cause, "frame is empty");

	/* The size is judged before parsing; the limit itself is allowed. */
	big = xmalloc(PROTO_MAX_FRAME + 2);
	memset(big, ' ', PROTO_MAX_FRAME + 1);
	big[PROTO_MAX_FRAME + 1] = '\0';
	ck_assert_int_eq(proto_decode(big, 600000, &m, cause, sizeof cause),
	    -1);
	ck_assert_str_eq(cause, "frame of 600000 bytes is over the 524288-byte "
	    "limit; it was dropped");
	hello = encode_sample(&samples[0]);
	n = strlen(hello);
	memcpy(big, hello, n);
	ck_assert_int_eq(proto_decode(big, PROTO_MAX_FRAME, &m, cause,
	    sizeof cause), 0);
	proto_msg_clear(&m);
	ck_assert_int_eq(proto_decode(big, PROTO_MAX_FRAME + 1, &m, cause,
	    sizeof cause), -1);
	assert_says(cause, "524289 bytes is over");
	free(hello);
	free(big);
}
END_TEST

START_TEST(the_frame_length_bounds_parsing)
{
	struct proto_msg	 m;
	char			*frame;
	size_t			 n;

	/* A frame is not NUL-terminated; bytes past len are not read. */
	frame = encode_sample(&samples[5]);
	n = strlen(frame);
	frame[n] = 'x';
	ck_assert_int_eq(proto_decode(frame, n, &m, cause, sizeof cause), 0);
	ck_assert_int_eq(proto_decode(frame, n - 1, &m, cause, sizeof cause),
	    -1);
	assert_says(cause, "frame is not JSON");
	free(frame);
}
END_TEST

/* The start and end of a router's stats frame, around seq and ratio. */
#define SCAN_HEAD	"{\"type\":\"stats\",\"node\":\"router/n1\"," \
	"\"role\":\"router\",\"clock_ms\":1700000000000,\"uptime_ms\":250,"
#define SCAN_TAIL	"\"parents_total\":5,\"parent_shares_total\":5000," \
	"\"child_orders_total\":40,\"child_shares_total\":4000," \
	"\"parents_refused_total\":0,\"open_parents\":12," \
	"\"worst_parent\":\"\",\"open_children\":0," \
	"\"children_cancelled_total\":0"
#define SCAN_STATION	"{\"type\":\"stats\",\"node\":\"station/s1\"," \
	"\"role\":\"station\",\"clock_ms\":1,\"uptime_ms\":2,\"seq\":3," \
	"\"heartbeats_total\":4,\"devices\":5,\"devices_failed\":0," \
	"\"device_countdown_ms\":-1,\"heartbeat_interval_ms\":6," \
	"\"device_timeout_ms\":7,\"renewals_ok_total\":8," \
	"\"renewals_failed_total\":0,\"messages_signed_total\":9," \
	"\"messages_rejected_total\":0"

/*
 * Each of n frames decodes by the scanner as by jansson's path: taken or
 * refused alike, with the same sentence, to the same message.
 */
static void
scan_matches_jansson(const char *const *frames, size_t n)
{
	struct proto_msg	*a, *b;
	char			 other[sizeof cause], *ta, *tb;
	size_t			 i;
	int			 ra, rb;

	a = xcalloc(1, sizeof *a);
	b = xcalloc(1, sizeof *b);
	for (i = 0; i < n; i++) {
		proto_decode_scanner(1);
		ra = proto_decode(frames[i], strlen(frames[i]), a, cause,
		    sizeof cause);
		proto_decode_scanner(0);
		rb = proto_decode(frames[i], strlen(frames[i]), b, other,
		    sizeof other);
		proto_decode_scanner(1);
		ck_assert_msg(ra == rb, "scanner %d, jansson %d: %s", ra, rb,
		    frames[i]);
		ck_assert_int_eq(a->type, b->type);
		if (ra != 0) {
			ck_assert_str_eq(cause, other);
			continue;
		}
		ta = proto_encode(a);
		tb = proto_encode(b);
		ck_assert_str_eq(ta, tb);
		free(ta);
		free(tb);
		proto_msg_clear(a);
		proto_msg_clear(b);
	}
	free(a);
	free(b);
}

/*
 * The scanner that reads plain stats frames without jansson's tree
 * takes and refuses exactly what the jansson path does, with the same
 * message and the same sentence: duplicate keys above all, which
 * jansson's tree would have merged.
 */
START_TEST(the_stats_scanner_decodes_as_jansson_does)
{
	static const char *const frames[] = {
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		" \n\t" SCAN_HEAD "\"seq\" : 1 ,\r\n\"worst_ratio\":2,"
		    "\"state\":\"halting\"," SCAN_TAIL " } \n",
		SCAN_HEAD "\"seq\":1,\"seq\":2,\"worst_ratio\":0.8,"
		    "\"state\":\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"type\":\"stats\",\"seq\":1,\"worst_ratio\":0,"
		    "\"state\":\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"extra\":[1],\"worst_ratio\":0.8,"
		    "\"state\":\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":-0,\"worst_ratio\":1e-999,\"state\":"
		    "\"killed\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":01,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1.0,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":9223372036854775807,\"worst_ratio\":1E2,"
		    "\"state\":\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":9223372036854775808,\"worst_ratio\":0.8,"
		    "\"state\":\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":1e999,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":-1,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":1.,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":true,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":null,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"runn\\u0069ng\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"sleeping\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"caf\xc3\xa9\"," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8," SCAN_TAIL "}",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL "}x",
		SCAN_HEAD "\"seq\":1,\"worst_ratio\":0.8,\"state\":"
		    "\"running\"," SCAN_TAIL ",}",
		SCAN_STATION ",\"blacklist\":[ ]}",
		SCAN_STATION ",\"blacklist\":[],\"root_keys_destroyed\":1}",
		SCAN_STATION ",\"blacklist\":[{\"peer\":\"router/r1\","
		    "\"reported_by\":\"station/s2\",\"evidence\":\"e\","
		    "\"since_ms\":1}]}",
		SCAN_STATION ",\"blacklist\":{}}",
		SCAN_STATION ",\"blacklist\":[],\"parents_total\":\"x\"}",
		"{\"type\":\"stats\",\"node\":\"station/s1\",\"role\":"
		    "\"router\"}",
		"{\"type\":\"stats\"}",
		"{\"type\":\"hello\"}",
		"{}",
		"{\"type\":\"stats\",\"node\":\"router/n1\"",
	};
	struct proto_msg	*a;

	scan_matches_jansson(frames, nitems(frames));
	a = xcalloc(1, sizeof *a);
	/* The first frame is the scanner's; a repeated key is refused. */
	ck_assert_int_eq(proto_decode(frames[0], strlen(frames[0]), a, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(a->u.stats.router.open_parents, 12);
	proto_msg_clear(a);
	assert_says(refused(frames[2], MSG_UNKNOWN), "frame names a field "
	    "twice (duplicate object key");
	assert_says(refused(frames[3], MSG_UNKNOWN), "each field may appear "
	    "once");
	free(a);
}
END_TEST

#define CERT_HEAD							\
	"{\"type\":\"cert\",\"node\":\"station/s1\",\"clock_ms\":1343829600000,"
#define CERT_MID							\
	"\"serial\":\"0a1b\",\"issuer\":\"CN=vigil root\","		\
	"\"not_before_ms\":1,\"not_after_ms\":2,"			\
	"\"root_holder\":\"station/capital\",\"holds_root\":false,"	\
	"\"last_renewal_ms\":3,\"last_renewal_ok\":true,"

/*
 * Certificate frames, one a station at a gateway's connect, go the
 * scanner's way too: it takes and refuses what the jansson path does,
 * and leaves to it any text it does not fully read.
 */
START_TEST(the_cert_scanner_decodes_as_jansson_does)
{
	static const char *const frames[] = {
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\",\"renew_every_ms\":86400000}",
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\",\"renew_every_ms\":0}",
		CERT_HEAD "\"subject\":\"CN=\\u00e9\\n\"," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		CERT_HEAD "\"subject\":\"CN=\xc3\xa9\xc2\x85\"," CERT_MID
		    "\"last_renewal_error\":\"\xff\"}",
		CERT_HEAD "\"subject\":\"a\",\"subject\":\"b\"," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\",\"extra\":1}",
		CERT_HEAD "\"subject\":1," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID "}",
		"{\"type\":\"cert\",\"node\":\"\",\"clock_ms\":1,"
		    "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		"{\"type\":\"cert\",\"node\":\"no such id\",\"clock_ms\":1,"
		    "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\"}",
		"{\"node\":\"station/s1\",\"clock_ms\":\"1\","
		    "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\",\"type\":\"cert\"}",
		"{\"node\":\"station/s1\",\"clock_ms\":1e20,"
		    "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\",\"type\":\"cert\"}",
		"{\"node\":\"station/s1\",\"clock_ms\":7,"
		    "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"x\",\"type\":\"cert\"}",
		"{\"type\":\"alert\",\"node\":\"station/s1\",\"clock_ms\":1}",
		CERT_HEAD "\"subject\":\"CN=s1\"," CERT_MID
		    "\"last_renewal_error\":\"\"",
	};
	struct proto_msg	*a;

	scan_matches_jansson(frames, nitems(frames));
	a = xcalloc(1, sizeof *a);
	ck_assert_int_eq(proto_decode(frames[1], strlen(frames[1]), a, cause,
	    sizeof cause), 0);
	ck_assert_int_eq(a->type, MSG_CERT);
	ck_assert_int_eq(a->u.cert.renew_every_ms, 86400000);
	ck_assert_str_eq(a->u.cert.root_holder, "station/capital");
	proto_msg_clear(a);
	free(a);
}
END_TEST

START_TEST(unknown_extra_fields_are_ignored)
{
	struct proto_msg	 m;
	char			*frame, *more;

	frame = encode_sample(&samples[3]);
	more = mutate(frame, NULL, "ocsp_url", json_string("http://x"));
	accepted(more, &m);
	ck_assert_str_eq(m.u.cert.serial, "0a1b2c3d");
	free(more);
	free(frame);
}
END_TEST

START_TEST(encoding_fills_what_an_unfilled_struct_leaves_out)
{
	struct proto_msg	 in, out;
	char			*frame;

	fill_hello(&in);
	in.u.hello.version = 0;
	in.u.hello.time_scale = 0;
	in.u.hello.link_nodes = 0;
	frame = proto_encode(&in);
	accepted(frame, &out);
	ck_assert_int_eq(out.u.hello.version, PROTO_VERSION);
	ck_assert_double_eq(out.u.hello.time_scale, 1);
	ck_assert_int_eq(out.u.hello.link_nodes, 0);
	free(frame);

	/* Text cut inside a UTF-8 character still makes a valid frame. */
	fill_alert(&in);
	util_copy(in.u.alert.text, sizeof in.u.alert.text, "Z\xc3rich down");
	frame = proto_encode(&in);
	accepted(frame, &out);
	ck_assert_str_eq(out.u.alert.text, "Z?rich down");
	free(frame);
}
END_TEST

START_TEST(names_and_parsers_agree)
{
	enum proto_role		role;
	enum proto_severity	sev;

	ck_assert_str_eq(proto_role_name(ROLE_ROUTER), "router");
	ck_assert_str_eq(proto_role_name(ROLE_STATION), "station");
	ck_assert_int_eq(proto_role_parse("station", &role), 0);
	ck_assert_int_eq(role, ROLE_STATION);
	ck_assert_int_eq(proto_role_parse("Router", &role), -1);
	ck_assert_str_eq(proto_severity_name(SEV_CRITICAL), "critical");
	ck_assert_int_eq(proto_severity_parse("warning", &sev), 0);
	ck_assert_int_eq(sev, SEV_WARNING);
	ck_assert_int_eq(proto_severity_parse("error", &sev), -1);
	ck_assert_str_eq(proto_type_name(MSG_STATS), "stats");
	ck_assert_str_eq(proto_type_name(MSG_UNKNOWN), "unknown");
}
END_TEST

/* Three nodes: a router and a station that said everything, one never. */
static void
fill_report(struct proto_msg *msgs, struct proto_report_node *nodes,
    struct proto_report_alert *alert)
{
	static const char *const alert_nodes[] = { "router/r3", "router/r8" };

	fill_hello(&msgs[0]);
	fill_router_stats(&msgs[1]);
	fill_station_stats(&msgs[2]);
	fill_cert(&msgs[3]);
	fill_hello(&msgs[4]);
	util_copy(msgs[4].u.hello.node, sizeof msgs[4].u.hello.node,
	    "station/s1");
	msgs[4].u.hello.role = ROLE_STATION;
	msgs[4].u.hello.nflags = 0;

	memset(nodes, 0, 3 * sizeof *nodes);
	nodes[0].id = "router/r3";
	nodes[0].url = "ws://127.0.0.1:9003/";
	nodes[0].state = "live";
	nodes[0].age_ms = 120;
	nodes[0].hello = &msgs[0].u.hello;
	nodes[0].stats = &msgs[1].u.stats;
	nodes[0].parent_rate = 2.5;
	nodes[0].child_rate = 1500;
	nodes[0].child_share_rate = 1e6;
	nodes[0].child_rate_baseline = 40;
	nodes[0].heartbeat_rate = -1;
	nodes[0].heartbeat_rate_expected = -1;
	nodes[0].counter_resets = 1;

	nodes[1].id = "station/s1";
	nodes[1].url = "ws://127.0.0.1:9101/";
	nodes[1].state = "stale";
	nodes[1].age_ms = 4000;
	nodes[1].hello = &msgs[4].u.hello;
	nodes[1].stats = &msgs[2].u.stats;
	nodes[1].cert = &msgs[3].u.cert;
	nodes[1].parent_rate = nodes[1].child_rate = -1;
	nodes[1].child_share_rate = nodes[1].child_rate_baseline = -1;
	nodes[1].heartbeat_rate = 8.25;
	nodes[1].heartbeat_rate_expected = 8.3;
	nodes[1].cert_expires_in_ms = 60000;

	nodes[2].id = "ws://127.0.0.1:9999/";
	nodes[2].url = "ws://127.0.0.1:9999/";
	nodes[2].state = "down";
	nodes[2].age_ms = -1;
	nodes[2].parent_rate = nodes[2].child_rate = -1;
	nodes[2].child_share_rate = nodes[2].child_rate_baseline = -1;
	nodes[2].heartbeat_rate = nodes[2].heartbeat_rate_expected = -1;
	nodes[2].error = "connection refused: nothing listens at "
	    "127.0.0.1:9999; start vigild there or fix the fleet file";

	memset(alert, 0, sizeof *alert);
	alert->severity = SEV_CRITICAL;
	alert->rule = "flag-drift";
	alert->nodes = alert_nodes;
	alert->nnodes = nitems(alert_nodes);
	alert->text = "flag rlp means power_peg on router/r8";
	alert->cause = "router/r8 runs an older build";
	alert->action = "halt router/r8";
	alert->first_seen_ms = 1000;
	alert->last_seen_ms = 2000;
	alert->count = 3;
	alert->active = 1;
	alert->acknowledged = 0;
}

/* The alert object as vigil(1) documents it. */
static void
check_alert_json(json_t *a)
{
	ck_assert_str_eq(json_string_value(json_object_get(a, "severity")),
	    "critical");
	ck_assert_str_eq(json_string_value(json_object_get(a, "rule")),
	    "flag-drift");
	ck_assert_uint_eq(json_array_size(json_object_get(a, "nodes")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a,
	    "nodes"), 1)), "router/r8");
	ck_assert_str_eq(json_string_value(json_object_get(a, "text")),
	    "flag rlp means power_peg on router/r8");
	ck_assert_str_eq(json_string_value(json_object_get(a, "cause")),
	    "router/r8 runs an older build");
	ck_assert_str_eq(json_string_value(json_object_get(a, "action")),
	    "halt router/r8");
	ck_assert_int_eq(json_integer_value(json_object_get(a,
	    "first_seen_ms")), 1000);
	ck_assert_int_eq(json_integer_value(json_object_get(a,
	    "last_seen_ms")), 2000);
	ck_assert_int_eq(json_integer_value(json_object_get(a, "count")), 3);
	ck_assert(json_is_true(json_object_get(a, "active")));
	ck_assert(json_is_false(json_object_get(a, "acknowledged")));
}

/* A rate a report may be handed: unknown, odd, extreme or plain. */
static double
writer_rate(uint64_t *state)
{
	static const double	rates[] = { -1, 0, 1.0 / 3, 1e20, 5e-324,
				    1.7976931348623157e308, 2.5, 1e-7, NAN,
				    INFINITY, -INFINITY, 1500 };

	return (rates[writer_random(state) % nitems(rates)]);
}

/* A hello of hostile text in every string a report shows. */
static void
writer_hello(uint64_t *state, struct proto_hello *h, struct proto_build *b)
{
	size_t	i, j;

	memset(h, 0, sizeof *h);
	memset(b, 0, 2 * sizeof *b);
	h->role = writer_random(state) % 2 ? ROLE_ROUTER : ROLE_STATION;
	writer_text(state, h->group, sizeof h->group);
	writer_text(state, h->build, sizeof h->build);
	writer_text(state, h->scenario, sizeof h->scenario);
	h->clock_ms = (int64_t)writer_counter(state);
	h->time_scale = writer_rate(state);
	writer_text(state, h->transport_key, sizeof h->transport_key);
	h->nflags = writer_random(state) % 3;
	for (i = 0; i < h->nflags; i++) {
		writer_text(state, h->flags[i].name, sizeof h->flags[i].name);
		writer_text(state, h->flags[i].path, sizeof h->flags[i].path);
		h->flags[i].on = (int)(writer_random(state) % 2);
	}
	h->builds = b;
	h->nbuilds = writer_random(state) % 3;
	for (i = 0; i < h->nbuilds; i++) {
		writer_text(state, b[i].id, sizeof b[i].id);
		b[i].active = (int)(writer_random(state) % 2);
		b[i].nmanifest = writer_random(state) % 3;
		for (j = 0; j < b[i].nmanifest; j++) {
			writer_text(state, b[i].manifest[j].name,
			    sizeof b[i].manifest[j].name);
			writer_text(state, b[i].manifest[j].path,
			    sizeof b[i].manifest[j].path);
		}
		b[i].nretired = writer_random(state) % 2;
		writer_text(state, b[i].retired[0].path,
		    sizeof b[i].retired[0].path);
	}
}

/* A certificate and a watcher list of hostile text. */
static void
writer_cert(uint64_t *state, struct proto_cert *c, struct proto_watching *w)
{
	memset(c, 0, sizeof *c);
	writer_text(state, c->node, sizeof c->node);
	c->clock_ms = (int64_t)writer_counter(state);
	writer_text(state, c->subject, sizeof c->subject);
	writer_text(state, c->serial, sizeof c->serial);
	writer_text(state, c->issuer, sizeof c->issuer);
	c->not_after_ms = -(int64_t)(writer_counter(state) >> 1);
	writer_text(state, c->root_holder, sizeof c->root_holder);
	c->holds_root = (int)(writer_random(state) % 2);
	c->last_renewal_ok = (int)(writer_random(state) % 2);
	writer_text(state, c->last_renewal_error,
	    sizeof c->last_renewal_error);
	c->renew_every_ms = (int64_t)(writer_random(state) % 3);
	memset(w, 0, sizeof *w);
	w->consoles = (int)(writer_random(state) % 4);
	w->noperators = writer_random(state) % 3;
	writer_text(state, w->operators[0].operator,
	    sizeof w->operators[0].operator);
	writer_text(state, w->operators[1].operator,
	    sizeof w->operators[1].operator);
	writer_text(state, w->you, sizeof w->you);
}

/*
 * A status report written directly gives jansson's bytes for nodes of
 * hostile ids, builds, reasons and certificates (control bytes, quotes,
 * UTF-8 of every length, C1 controls, bytes that are not UTF-8), and
 * every byte of it is printable ASCII, DEL written as \u007F too (JSON
 * leaves it raw): nothing a backend sent reaches a terminal raw.
 */
START_TEST(status_report_writer_matches_jansson)
{
	enum { N = 48 };
	static struct proto_blacklist	 bl[N][PROTO_MAX_BLACKLIST];
	static struct proto_build	 builds[N][2];
	static struct proto_hello	 hellos[N];
	static struct proto_stats	 stats[N];
	static struct proto_cert	 certs[N];
	static struct proto_watching	 watching[N];
	static char			 text[N][5][96];
	struct proto_report_node	 nodes[N];
	uint64_t			 state = 0x2545f4914f6cdd1dULL, x;
	char				*direct, *tree;
	size_t				 i, k, round;

	for (round = 0; round < 40; round++) {
		memset(nodes, 0, sizeof nodes);
		for (i = 0; i < N; i++) {
			for (k = 0; k < 5; k++)
				writer_text(&state, text[i][k],
				    sizeof text[i][k]);
			x = writer_random(&state);
			nodes[i].id = text[i][0];
			nodes[i].url = x & 1 ? text[i][1] : NULL;
			nodes[i].state = text[i][2];
			nodes[i].age_ms = (int64_t)writer_counter(&state);
			nodes[i].error = x & 2 ? text[i][3] : NULL;
			nodes[i].transport_fpr = x & 4 ? text[i][4] : NULL;
			writer_hello(&state, &hellos[i], builds[i]);
			nodes[i].hello = x & 8 ? &hellos[i] : NULL;
			writer_stats(&state, &stats[i], bl[i]);
			nodes[i].stats = x & 16 ? &stats[i] : NULL;
			writer_cert(&state, &certs[i], &watching[i]);
			nodes[i].cert = x & 32 ? &certs[i] : NULL;
			nodes[i].watching = x & 64 ? &watching[i] : NULL;
			nodes[i].parent_rate = writer_rate(&state);
			nodes[i].child_rate = writer_rate(&state);
			nodes[i].child_share_rate = writer_rate(&state);
			nodes[i].child_rate_baseline = writer_rate(&state);
			nodes[i].heartbeat_rate = writer_rate(&state);
			nodes[i].heartbeat_rate_expected = writer_rate(&state);
			nodes[i].counter_resets = writer_counter(&state);
			nodes[i].cert_expires_in_ms =
			    (int64_t)writer_counter(&state);
		}
		direct = proto_report_status(text[0][1], nodes, N, NULL, 0);
		proto_report_writer(0);
		tree = proto_report_status(text[0][1], nodes, N, NULL, 0);
		proto_report_writer(1);
		ck_assert_str_eq(direct, tree);
		for (k = 0; direct[k] != '\0'; k++) {
			if ((unsigned char)direct[k] < 0x20 ||
			    (unsigned char)direct[k] >= 0x7f)
				break;
		}
		ck_assert_uint_eq(k, strlen(direct));
		free(direct);
		free(tree);
	}
}
END_TEST

START_TEST(status_report_holds_the_documented_fields)
{
	struct proto_msg		 msgs[5];
	struct proto_report_node	 nodes[3];
	struct proto_report_alert	 alert;
	json_t				*root, *n, *flag, *rates, *sub;
	char				*text;

	fill_report(msgs, nodes, &alert);
	text = proto_report_status("knight", nodes, 3, &alert, 1);
	ck_assert_ptr_null(strchr(text, '\n'));
	root = load(text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "fleet")),
	    "knight");
	ck_assert_uint_eq(json_array_size(json_object_get(root, "nodes")), 3);

	n = json_array_get(json_object_get(root, "nodes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(n, "id")),
	    "router/r3");
	ck_assert_str_eq(json_string_value(json_object_get(n, "url")),
	    "ws://127.0.0.1:9003/");
	ck_assert_str_eq(json_string_value(json_object_get(n, "state")),
	    "live");
	ck_assert_int_eq(json_integer_value(json_object_get(n, "age_ms")), 120);
	ck_assert_str_eq(json_string_value(json_object_get(n, "role")),
	    "router");
	ck_assert_str_eq(json_string_value(json_object_get(n, "group")),
	    "nyse");
	ck_assert_str_eq(json_string_value(json_object_get(n, "build")),
	    "smars-2012.08.01");
	ck_assert_str_eq(json_string_value(json_object_get(n, "scenario")),
	    "knight");
	ck_assert_int_eq(json_integer_value(json_object_get(n, "clock_ms")),
	    1343813400000LL);
	flag = json_array_get(json_object_get(n, "flags"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(flag, "name")),
	    "rlp");
	ck_assert(json_is_true(json_object_get(flag, "on")));
	ck_assert_str_eq(json_string_value(json_object_get(flag, "path")),
	    "retail_liquidity");
	rates = json_object_get(n, "rates");
	ck_assert_double_eq(json_number_value(json_object_get(rates,
	    "parent")), 2.5);
	ck_assert_double_eq(json_number_value(json_object_get(rates,
	    "child")), 1500);
	ck_assert_double_eq(json_number_value(json_object_get(rates,
	    "child_shares")), 1e6);
	ck_assert_double_eq(json_number_value(json_object_get(rates,
	    "child_baseline")), 40);
	ck_assert_ptr_null(json_object_get(rates, "heartbeat"));
	ck_assert_ptr_null(json_object_get(rates, "heartbeat_expected"));
	ck_assert_int_eq(json_integer_value(json_object_get(n,
	    "counter_resets")), 1);
	sub = json_object_get(n, "router");
	ck_assert_int_eq(json_integer_value(json_object_get(sub,
	    "child_shares_total")), 397000000);
	ck_assert_double_eq(json_number_value(json_object_get(sub,
	    "worst_ratio")), 208.94736842105263);
	ck_assert_str_eq(json_string_value(json_object_get(sub, "state")),
	    "running");
	ck_assert_ptr_null(json_object_get(n, "station"));
	ck_assert_ptr_null(json_object_get(n, "cert"));
	ck_assert_ptr_null(json_object_get(n, "cert_expires_in_ms"));
	ck_assert_ptr_null(json_object_get(n, "error"));

	n = json_array_get(json_object_get(root, "nodes"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(n, "role")),
	    "station");
	ck_assert_uint_eq(json_array_size(json_object_get(n, "flags")), 0);
	rates = json_object_get(n, "rates");
	ck_assert_ptr_null(json_object_get(rates, "child"));
	ck_assert_double_eq(json_number_value(json_object_get(rates,
	    "heartbeat")), 8.25);
	sub = json_object_get(n, "station");
	ck_assert_int_eq(json_integer_value(json_object_get(sub,
	    "device_countdown_ms")), 42000);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(sub, "blacklist"), 0), "peer")), "station/capital");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(sub, "blacklist"), 0), "reported_by")),
	    "station/s2");
	ck_assert_ptr_null(json_object_get(n, "router"));
	sub = json_object_get(n, "cert");
	ck_assert_str_eq(json_string_value(json_object_get(sub,
	    "root_holder")), "station/capital");
	ck_assert(json_is_false(json_object_get(sub, "last_renewal_ok")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(sub,
	    "last_renewal_error")), "blacklisted"));
	ck_assert_int_eq(json_integer_value(json_object_get(sub,
	    "not_after_ms")), 1343829660000LL);
	ck_assert_int_eq(json_integer_value(json_object_get(n,
	    "cert_expires_in_ms")), 60000);

	/* A backend never reached: no hello fields, but its error. */
	n = json_array_get(json_object_get(root, "nodes"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(n, "state")),
	    "down");
	ck_assert_int_eq(json_integer_value(json_object_get(n, "age_ms")), -1);
	ck_assert_ptr_null(json_object_get(n, "role"));
	ck_assert_ptr_null(json_object_get(n, "build"));
	ck_assert_ptr_null(json_object_get(n, "flags"));
	ck_assert_ptr_null(json_object_get(n, "clock_ms"));
	ck_assert_ptr_null(json_object_get(n, "router"));
	ck_assert_uint_eq(json_object_size(json_object_get(n, "rates")), 0);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(n,
	    "error")), "connection refused"));

	ck_assert_uint_eq(json_array_size(json_object_get(root, "alerts")), 1);
	check_alert_json(json_array_get(json_object_get(root, "alerts"), 0));
	json_decref(root);
	free(text);

	/* An empty fleet is still a complete document. */
	text = proto_report_status(NULL, NULL, 0, NULL, 0);
	ck_assert_str_eq(text, "{\"schema\":2,\"nodes\":[],\"alerts\":[]}");
	free(text);

	/* Written node by node, it is still one document, members in order. */
	text = proto_report_status("knight", &nodes[2], 1, NULL, 0);
	ck_assert_int_eq(strncmp(text, "{\"schema\":2,\"fleet\":\"knight\","
	    "\"nodes\":[{\"id\":\"ws://127.0.0.1:9999/\",", 67), 0);
	ck_assert_str_eq(text + strlen(text) - 15, "}],\"alerts\":[]}");
	root = load(text);
	ck_assert_uint_eq(json_object_size(root), 4);
	json_decref(root);
	free(text);
}
END_TEST

START_TEST(alert_and_watch_reports_hold_the_documented_fields)
{
	struct proto_msg		 msgs[5];
	struct proto_report_node	 nodes[3];
	struct proto_report_alert	 alert;
	json_t				*root;
	char				*text;

	fill_report(msgs, nodes, &alert);
	text = proto_report_alerts(&alert, 1);
	root = load(text);
	ck_assert_uint_eq(json_object_size(root), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "schema")),
	    PROTO_REPORT_SCHEMA);
	check_alert_json(json_array_get(json_object_get(root, "alerts"), 0));
	json_decref(root);
	free(text);

	text = proto_report_alert_event(1234, "raised", NULL, 0, &alert);
	ck_assert_ptr_null(strchr(text, '\n'));
	root = load(text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "event")),
	    "alert");
	ck_assert_str_eq(json_string_value(json_object_get(root, "change")),
	    "raised");
	ck_assert_int_eq(json_integer_value(json_object_get(root, "time")),
	    1234);
	check_alert_json(json_object_get(root, "alert"));
	json_decref(root);
	free(text);

	text = proto_report_node_event(5678, &nodes[1],
	    (const char *[]){ "state" }, 1);
	ck_assert_ptr_null(strchr(text, '\n'));
	root = load(text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "event")),
	    "node");
	ck_assert_int_eq(json_integer_value(json_object_get(root, "time")),
	    5678);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    root, "node"), "id")), "station/s1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    root, "node"), "state")), "stale");
	json_decref(root);
	free(text);
}
END_TEST

Suite *
proto_suite(void)
{
	Suite	*s = suite_create("proto");
	TCase	*tc = tcase_create("proto");

	/* The writers against jansson take ~1 s, more when loaded. */
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, NULL, kept_free);

	tcase_add_test(tc, every_type_round_trips_field_by_field);
	tcase_add_test(tc, the_stats_scanner_decodes_as_jansson_does);
	tcase_add_test(tc, the_cert_scanner_decodes_as_jansson_does);
	tcase_add_test(tc, stats_carry_only_their_roles_counters);
	tcase_add_test(tc, encoding_is_one_compact_line);
	tcase_add_test(tc, stats_writer_matches_jansson_and_round_trips);
	tcase_add_test(tc, landing_writer_matches_jansson);
	tcase_add_test(tc, optional_fields_take_their_defaults);
	tcase_add_test(tc, a_hello_says_whom_it_trusts_or_does_not_say);
	tcase_add_test(tc, every_required_field_missing_is_named);
	tcase_add_test(tc, every_wrong_json_type_is_named);
	tcase_add_test(tc, every_overlong_string_is_refused_with_its_limit);
	tcase_add_test(tc, every_negative_integer_is_refused);
	tcase_add_test(tc, every_embedded_nul_is_refused);
	tcase_add_test(tc, numbers_accept_integer_or_real_where_documented);
	tcase_add_test(tc, ranges_of_numbers_are_enforced);
	tcase_add_test(tc, too_many_flags_or_blacklist_entries_are_refused);
	tcase_add_test(tc, array_entries_must_be_objects);
	tcase_add_test(tc, a_flag_named_twice_is_refused);
	tcase_add_test(tc, builds_carry_manifests_and_one_active_build);
	tcase_add_test(tc,
	    a_plan_refuses_drift_and_retired_code_unless_overridden);
	tcase_add_test(tc, role_must_be_known_and_match_the_node_id);
	tcase_add_test(tc, node_ids_must_name_kind_and_name);
	tcase_add_test(tc, unknown_types_are_reported_with_what_to_do);
	tcase_add_test(tc, auth_and_watching_are_read_and_bounded);
	tcase_add_test(tc, command_messages_name_the_operator_who_signed);
	tcase_add_test(tc, a_router_state_must_be_one_the_protocol_names);
	tcase_add_test(tc, proposal_and_result_words_are_checked);
	tcase_add_test(tc, a_command_document_has_one_canonical_text);
	tcase_add_test(tc, a_document_read_again_reads_the_same);
	tcase_add_test(tc, command_args_are_written_in_byte_order);
	tcase_add_test(tc, documents_not_in_canonical_form_are_refused);
	tcase_add_test(tc, command_document_fields_are_checked);
	tcase_add_test(tc, the_largest_command_fits_every_bound);
	tcase_add_test(tc, audit_lines_read_back_with_keys_in_byte_order);
	tcase_add_test(tc, audit_writer_matches_jansson);
	tcase_add_test(tc, another_version_names_both_versions);
	tcase_add_test(tc, frames_that_are_not_messages_are_refused);
	tcase_add_test(tc, the_frame_length_bounds_parsing);
	tcase_add_test(tc, unknown_extra_fields_are_ignored);
	tcase_add_test(tc, encoding_fills_what_an_unfilled_struct_leaves_out);
	tcase_add_test(tc, names_and_parsers_agree);
	tcase_add_test(tc, status_report_holds_the_documented_fields);
	tcase_add_test(tc, status_report_writer_matches_jansson);
	tcase_add_test(tc, alert_and_watch_reports_hold_the_documented_fields);
	suite_add_tcase(s, tc);
	return (s);
}
