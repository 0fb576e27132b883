/*
 * check_command.c: the two-person rule as one backend node enforces it,
 * with real Ed25519 keys, a real trust file and a real audit log.  Two
 * different trusted operators signing the same bytes execute a command
 * once; every other path is refused with a sentence saying what was
 * wrong and what to do, and every step is in the audit chain.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "proto-audit.h"
#include "command.h"
#include "opkey.h"
#include "proto.h"
#include "tests.h"
#include "util.h"
#include "e2e.h"

#define T0		1700000000000LL		/* wall clock, ms */
#define MINUTE		60000LL

static void	 setup(void);
static void	 teardown(void);
static struct opkey *make_key(void);
static void	 make_doc(struct proto_command *, const char *);
static void	 arm_doc(struct proto_command *, const char *);
static char	*doc_text(const struct proto_command *);
static void	 sign(const struct opkey *, const char *, const char *,
		    struct proto_signature *);
static void	 sign_raw(const struct opkey *, const char *, const char *,
		    struct proto_signature *);
static void	 sign_cancel(const struct opkey *, const char *,
		    const char *, struct proto_signature *);
static const struct command_pending *propose(const struct opkey *,
		    const char *, const char *, int64_t);
static int	 approve(const struct opkey *, const char *, const char *,
		    const char *, int64_t);
static void	 assert_refused(int, const char *);
static void	 assert_events(const char *);
static void	 assert_logged_refusal(void);
static void	 set_state(const char *, const char *);

static char				 dir[64];
static char				 logpath[128];
static struct opkey			*alice, *bob, *eve;
static struct opkey_trust		 trust;
static struct audit			*audit;
static struct command_engine		*engine;
static struct command_node_state	 now;
static char				 cause[1024];

/*
 * A node router/r8 running build smars-1, trusting alice, bob and
 * mallory, where mallory holds alice's key under another name; eve has
 * a key nobody trusts.
 */
static void
setup(void)
{
	char	 path[160], *line, *why = NULL;
	FILE	*f;

	util_copy(dir, sizeof dir, "/tmp/vigil-command-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	alice = make_key();
	bob = make_key();
	eve = make_key();
	snprintf(path, sizeof path, "%s/trust", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "# operators router/r8 accepts\n");
	line = opkey_trust_line(alice, "alice");
	fprintf(f, "%s\n", line);
	free(line);
	line = opkey_trust_line(bob, "bob");
	fprintf(f, "%s\n", line);
	free(line);
	line = opkey_trust_line(alice, "mallory");
	fprintf(f, "%s\n", line);
	free(line);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(opkey_trust_load(path, &trust, &why) == 0, "%s", why);

	snprintf(logpath, sizeof logpath, "%s/audit.log", dir);
	audit = audit_open(logpath, &why);
	ck_assert_msg(audit != NULL, "%s", why);
	engine = command_engine_new("router/r8", &trust, audit);
	memset(&now, 0, sizeof now);
	util_copy(now.node, sizeof now.node, "router/r8");
	set_state("smars-1", "running");
}

/* Free it all and remove the directory. */
static void
teardown(void)
{
	char	cmd[160];

	command_engine_free(engine);
	audit_close(audit);
	opkey_trust_free(&trust);
	opkey_free(alice);
	opkey_free(bob);
	opkey_free(eve);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A new key pair; it must be made. */
static struct opkey *
make_key(void)
{
	struct opkey	*key;
	char		*why = NULL;

	key = opkey_generate(&why);
	ck_assert_msg(key != NULL, "%s", why);
	return (key);
}

/* What router/r8 is now. */
static void
set_state(const char *build, const char *state)
{
	util_copy(now.build, sizeof now.build, build);
	ck_assert_int_eq(proto_state_parse(state, &now.state), 0);
}

/* A kill of router/r8 as running on smars-1, open five minutes from T0. */
static void
make_doc(struct proto_command *c, const char *proposer)
{
	char	*why = NULL;

	memset(c, 0, sizeof *c);
	ck_assert_int_eq(opkey_random_id(c->id, sizeof c->id, &why), 0);
	util_copy(c->action, sizeof c->action, "kill");
	c->targets = e2e_targets(1);
	c->ntargets = 1;
	util_copy(c->targets[0].node, sizeof c->targets[0].node, "router/r8");
	util_copy(c->targets[0].build, sizeof c->targets[0].build, "smars-1");
	util_copy(c->targets[0].state, sizeof c->targets[0].state, "running");
	util_copy(c->reason, sizeof c->reason, "runaway child orders");
	util_copy(c->proposer, sizeof c->proposer, proposer);
	c->created_ms = T0;
	c->expires_ms = T0 + COMMAND_DEFAULT_TTL_MS;
}

/* The canonical text of c; the caller frees. */
static char *
doc_text(const struct proto_command *c)
{
	return (proto_command_encode(c));
}

/* name's signature, made with key, over document text (as vigil signs). */
static void
sign(const struct opkey *key, const char *name, const char *text,
    struct proto_signature *sig)
{
	e2e_sign_document(key, name, text, 0, sig);
}

/* name's signature, made with key, over the bytes of text themselves. */
static void
sign_raw(const struct opkey *key, const char *name, const char *text,
    struct proto_signature *sig)
{
	char	*why = NULL;

	memset(sig, 0, sizeof *sig);
	util_copy(sig->operator, sizeof sig->operator, name);
	ck_assert_msg(opkey_sign(key, text, strlen(text), sig->signature,
	    sizeof sig->signature, &why) == 0, "%s", why);
}

/* name's signature, made with key, over "vigil.v1 cancel ID". */
static void
sign_cancel(const struct opkey *key, const char *name, const char *id,
    struct proto_signature *sig)
{
	char	*bytes;

	bytes = xasprintf("vigil.v1 cancel %s", id);
	sign_raw(key, name, bytes, sig);
	free(bytes);
}

/* name proposes text signed with key at at_ms; it must be held. */
static const struct command_pending *
propose(const struct opkey *key, const char *name, const char *text,
    int64_t at_ms)
{
	const struct command_pending	*p = NULL;
	struct proto_signature		 sig;

	sign(key, name, text, &sig);
	ck_assert_msg(command_propose(engine, text, &sig, &now, at_ms, &p,
	    cause, sizeof cause) == 0, "refused: %s", cause);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(proto_status_name(p->status), "pending");
	return (p);
}

/* name approves id, sending text signed with key; the engine's answer. */
static int
approve(const struct opkey *key, const char *name, const char *id,
    const char *text, int64_t at_ms)
{
	const struct command_pending	*p = NULL;
	struct proto_signature		 sig;

	sign(key, name, text, &sig);
	return (command_approve(engine, id, text, &sig, &now, at_ms, &p, cause,
	    sizeof cause));
}

/*
 * A refusal: -1, a sentence that says want and what to do (it has a
 * "; "), and the same sentence as the last line of the audit log.
 */
static void
assert_refused(int rc, const char *want)
{
	ck_assert_msg(rc == -1, "not refused (%d), expected: %s", rc, want);
	ck_assert_msg(strstr(cause, want) != NULL, "sentence \"%s\" does not "
	    "say \"%s\"", cause, want);
	ck_assert_msg(strncmp(cause, "router/r8 refused the ", 22) == 0 ||
	    strncmp(cause, "station/s1 refused the ", 23) == 0,
	    "sentence does not say who refused: %s", cause);
	ck_assert_msg(strstr(cause, "; ") != NULL, "sentence says nothing to "
	    "do: %s", cause);
	assert_logged_refusal();
}

/* The audit log's last line is the refusal now in cause. */
static void
assert_logged_refusal(void)
{
	struct proto_audit_entry	*e;
	char				*buf, *last, why[512];
	size_t				 len;
	FILE				*f;
	long				 n;

	ck_assert_ptr_nonnull(f = fopen(logpath, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ck_assert_int_gt(n, 0);
	buf[n - 1] = '\0';
	last = strrchr(buf, '\n');
	last = last == NULL ? buf : last + 1;
	len = strlen(last);
	e = xmalloc(sizeof *e);
	ck_assert_int_eq(proto_audit_decode(last, len, e, why, sizeof why), 0);
	ck_assert_str_eq(e->event, "refuse");
	ck_assert_str_eq(e->node, "router/r8");
	ck_assert_str_eq(e->text, cause);
	free(e);
	free(buf);
}

/* The log verifies, and its events are these, comma-separated. */
static void
assert_events(const char *want)
{
	struct proto_audit_entry	*e;
	char				 line[65536], got[1024], why[512];
	FILE				*f;
	size_t				 len;
	long				 bad;

	ck_assert_msg(audit_verify(logpath, why, sizeof why, &bad) == 0,
	    "chain broken: %s", why);
	e = xmalloc(sizeof *e);
	got[0] = '\0';
	ck_assert_ptr_nonnull(f = fopen(logpath, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		len = strlen(line);
		ck_assert_int_eq(line[len - 1], '\n');
		ck_assert_int_eq(proto_audit_decode(line, len - 1, e, why,
		    sizeof why), 0);
		if (got[0] != '\0')
			strcat(got, ",");
		strcat(got, e->event);
	}
	fclose(f);
	free(e);
	ck_assert_str_eq(got, want);
}

START_TEST(two_trusted_operators_execute_a_command_exactly_once)
{
	const struct command_pending	*p, **list;
	struct proto_command		 c;
	struct proto_proposal		*msg;
	struct proto_audit_entry	*e;
	struct proto_signature		 sig;
	char				*text, line[65536], why[256];
	char				 sha[65];
	FILE				*f;

	make_doc(&c, "alice");
	text = doc_text(&c);
	p = propose(alice, "alice", text, T0 + 1000);
	ck_assert_str_eq(p->cmd.id, c.id);
	ck_assert_str_eq(p->text, text);
	ck_assert_uint_eq(p->nsigs, 1);
	ck_assert_uint_eq(command_pending(engine, &list), 1);
	ck_assert_ptr_eq(list[0], p);

	/* What every console is shown while it waits. */
	msg = xmalloc(sizeof *msg);
	command_proposal_msg("router/r8", p, msg);
	ck_assert_str_eq(msg->node, "router/r8");
	ck_assert_str_eq(msg->id, c.id);
	ck_assert_str_eq(msg->document, text);
	ck_assert_uint_eq(msg->nsigs, 1);
	ck_assert_str_eq(msg->sigs[0].operator, "alice");
	ck_assert_str_eq(proto_status_name(msg->status), "pending");
	ck_assert_int_eq(msg->expires_ms, c.expires_ms);
	free(msg);

	sign(bob, "bob", text, &sig);
	ck_assert_msg(command_approve(engine, c.id, text, &sig, &now,
	    T0 + 2000, &p, cause, sizeof cause) == 1, "refused: %s", cause);
	ck_assert_str_eq(proto_status_name(p->status), "executed");
	ck_assert_uint_eq(p->nsigs, 2);
	ck_assert_str_eq(p->sigs[1].operator, "bob");
	ck_assert_uint_eq(command_pending(engine, &list), 0);
	assert_events("propose,approve,execute");

	/*
	 * The execution line names the document by its SHA-256 (the
	 * proposal's line holds it, once) and who signed it.
	 */
	e = xmalloc(sizeof *e);
	ck_assert_ptr_nonnull(f = fopen(logpath, "r"));
	while (fgets(line, sizeof line, f) != NULL)
		ck_assert_int_eq(proto_audit_decode(line, strlen(line) - 1, e,
		    why, sizeof why), 0);
	fclose(f);
	ck_assert_str_eq(e->event, "execute");
	ck_assert_str_eq(e->id, c.id);
	ck_assert_str_eq(e->action, "kill");
	ck_assert_str_eq(e->operator, "bob");
	ck_assert_str_eq(e->document, "");
	opkey_sha256_hex(text, strlen(text), sha);
	ck_assert_str_eq(e->sha256, sha);
	ck_assert_str_eq(e->text, "kill executes on router/r8, signed by "
	    "alice and bob");
	ck_assert_int_eq(e->time_ms, T0 + 2000);
	free(e);

	/* Once: the same approval again does nothing more. */
	snprintf(why, sizeof why, "command %s was already executed", c.id);
	assert_refused(approve(bob, "bob", c.id, text, T0 + 3000), why);
	free(text);
}
END_TEST

START_TEST(the_same_operator_twice_is_refused)
{
	const struct command_pending	**list;
	struct proto_command		  c;
	char				 *text;

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	assert_refused(approve(alice, "alice", c.id, text, T0 + 1000),
	    "router/r8 refused the approval: operator alice already signed "
	    "this command; a second, different operator must approve");
	/* Still pending: a second operator may yet approve it. */
	ck_assert_uint_eq(command_pending(engine, &list), 1);
	ck_assert_uint_eq(list[0]->nsigs, 1);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 2000), 1);
	assert_events("propose,refuse,approve,execute");
	free(text);
}
END_TEST

START_TEST(one_key_under_two_names_is_refused)
{
	const struct command_pending	**gone;
	struct proto_command		  c;
	char				 *text;

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	assert_refused(approve(alice, "mallory", c.id, text, T0 + 1000),
	    "router/r8 refused the approval: operators alice and mallory share "
	    "one key; the rule needs two different people with two different "
	    "keys: give each their own key in the trust file");

	/* The other way round too, once the first has expired. */
	free(text);
	ck_assert_uint_eq(command_expire(engine, T0 + 10 * MINUTE, &gone), 1);
	make_doc(&c, "mallory");
	c.created_ms = T0 + 10 * MINUTE;
	c.expires_ms = c.created_ms + COMMAND_DEFAULT_TTL_MS;
	text = doc_text(&c);
	propose(alice, "mallory", text, T0 + 10 * MINUTE);
	assert_refused(approve(alice, "alice", c.id, text, T0 + 11 * MINUTE),
	    "operators mallory and alice share one key");
	free(text);
}
END_TEST

START_TEST(an_untrusted_key_is_refused)
{
	const struct command_pending	*p = NULL;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text;

	make_doc(&c, "eve");
	text = doc_text(&c);
	sign(eve, "eve", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 refused the proposal: operator eve is "
	    "not in router/r8's trust file; add their key's line (vigil-key "
	    "pub) to it, or have a trusted operator sign");
	ck_assert_ptr_null(p);
	free(text);

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	assert_refused(approve(eve, "eve", c.id, text, T0 + 1000),
	    "router/r8 refused the approval: operator eve is not in "
	    "router/r8's trust file");
	free(text);
}
END_TEST

START_TEST(a_trusted_name_signed_with_another_key_is_refused)
{
	const struct command_pending	*p = NULL;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text;

	make_doc(&c, "bob");
	text = doc_text(&c);
	sign(eve, "bob", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 refused the proposal: the signature of "
	    "bob does not verify with bob's key in router/r8's trust file: it "
	    "was made with another key or over other bytes; sign the text "
	    "vigil produces with bob's own key");
	free(text);

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	assert_refused(approve(eve, "bob", c.id, text, T0 + 1000),
	    "the signature of bob does not verify with bob's key");
	/* A signature that is not base64 at all is the same refusal. */
	sign(bob, "bob", text, &sig);
	util_copy(sig.signature, sizeof sig.signature, "not base64!");
	assert_refused(command_approve(engine, c.id, text, &sig, &now,
	    T0 + 2000, &p, cause, sizeof cause), "the signature of bob does "
	    "not verify");
	/* Proposed in one name, signed in another. */
	sign(bob, "bob", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "the document names alice as its proposer, but bob "
	    "signed it; the proposer signs first, and a second operator "
	    "approves");
	free(text);
}
END_TEST

START_TEST(expired_commands_are_refused_at_proposal_and_approval)
{
	const struct command_pending	**gone;
	struct proto_command		  c;
	char				 *text;

	/* At proposal: past its expiry. */
	make_doc(&c, "alice");
	text = doc_text(&c);
	{
		const struct command_pending	*p = NULL;
		struct proto_signature		 sig;

		sign(alice, "alice", text, &sig);
		assert_refused(command_propose(engine, text, &sig, &now,
		    c.expires_ms + 2 * MINUTE + 3000, &p, cause,
		    sizeof cause), "router/r8 refused the proposal: command ");
		ck_assert_ptr_nonnull(strstr(cause, " expired at 22:18:20 "
		    "UTC, 2m03s ago; propose it again"));
	}

	/* At approval: proposed in time (a new id), approved too late. */
	free(text);
	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0 + 1000);
	assert_refused(approve(bob, "bob", c.id, text, c.expires_ms),
	    "expired at 22:18:20 UTC, 0s ago; propose it again");
	/* The expiry is logged and the command leaves the pending table. */
	ck_assert_uint_eq(command_expire(engine, c.expires_ms, &gone), 1);
	ck_assert_str_eq(proto_status_name(gone[0]->status), "expired");
	ck_assert_str_eq(gone[0]->cmd.id, c.id);
	assert_events("refuse,propose,refuse,expire");
	assert_refused(approve(bob, "bob", c.id, text, c.expires_ms + 1),
	    "router/r8 holds no pending command");
	free(text);

	/* Open longer than the rule allows. */
	make_doc(&c, "alice");
	c.expires_ms = c.created_ms + 45 * MINUTE;
	text = doc_text(&c);
	{
		const struct command_pending	*p = NULL;
		struct proto_signature		 sig;

		sign(alice, "alice", text, &sig);
		assert_refused(command_propose(engine, text, &sig, &now, T0,
		    &p, cause, sizeof cause), "would stay open for 45m00s, and "
		    "at most 30m00s is allowed; propose it with a shorter "
		    "expiry");
	}
	free(text);
}
END_TEST

START_TEST(a_replayed_id_is_refused)
{
	const struct command_pending	*p = NULL;
	struct command_engine		*r9;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, want[160];

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 1000), 1);

	/* Proposed again, word for word, and approved again. */
	snprintf(want, sizeof want, "router/r8 refused the proposal: command "
	    "%s was already executed on router/r8; a command runs once: "
	    "propose a new one", c.id);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0 + 2000, &p,
	    cause, sizeof cause), want);
	snprintf(want, sizeof want, "router/r8 refused the approval: command "
	    "%s was already executed on router/r8", c.id);
	assert_refused(approve(bob, "bob", c.id, text, T0 + 3000), want);
	assert_events("propose,approve,execute,refuse,refuse");

	/* Replayed to another node, which it does not name. */
	r9 = command_engine_new("router/r9", &trust, audit);
	ck_assert_int_eq(command_propose(r9, text, &sig, &now, T0 + 4000, &p,
	    cause, sizeof cause), -1);
	snprintf(want, sizeof want, "router/r9 refused the proposal: "
	    "router/r9 is not among the targets of command %s (router/r8); "
	    "send it only to its targets", c.id);
	ck_assert_str_eq(cause, want);
	command_engine_free(r9);
	free(text);
}
END_TEST

START_TEST(a_restarted_node_still_refuses_what_it_executed)
{
	const struct command_pending	*p = NULL;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, *why = NULL, want[200];

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 1000), 1);

	/* vigild restarts: a new engine on the same log. */
	command_engine_free(engine);
	audit_close(audit);
	audit = audit_open(logpath, &why);
	ck_assert_msg(audit != NULL, "%s", why);
	engine = command_engine_new("router/r8", &trust, audit);

	/* The same signed frames, sent again before the command expires. */
	sign(alice, "alice", text, &sig);
	snprintf(want, sizeof want, "router/r8 refused the proposal: command "
	    "%s was already executed on router/r8; a command runs once: "
	    "propose a new one", c.id);
	assert_refused(command_propose(engine, text, &sig, &now, T0 + 2000, &p,
	    cause, sizeof cause), want);
	/* A new command is held as ever. */
	make_doc(&c, "alice");
	free(text);
	text = doc_text(&c);
	propose(alice, "alice", text, T0 + 3000);
	free(text);
}
END_TEST

START_TEST(a_document_changed_after_the_first_signature_is_refused)
{
	struct proto_command	 c;
	char			*text, *changed, want[256];
	size_t			 at;

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	/* bob reviews and signs another reason, validly. */
	util_copy(c.reason, sizeof c.reason, "runaway child orders, and more");
	changed = doc_text(&c);
	for (at = 0; text[at] == changed[at]; at++)
		/* nothing */;
	snprintf(want, sizeof want, "router/r8 refused the approval: the "
	    "document approved differs from the one proposed at byte %zu; "
	    "review the proposal as the backend holds it and approve that",
	    at + 1);
	assert_refused(approve(bob, "bob", c.id, changed, T0 + 1000), want);
	/* The held text with a signature over the other one. */
	{
		const struct command_pending	*p = NULL;
		struct proto_signature		 sig;

		sign(bob, "bob", changed, &sig);
		assert_refused(command_approve(engine, c.id, text, &sig, &now,
		    T0 + 2000, &p, cause, sizeof cause), "the signature of bob "
		    "does not verify with bob's key in router/r8's trust file: "
		    "it was made with another key or over other bytes; sign "
		    "the proposal as the backend holds it with bob's own key");
	}
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 3000), 1);
	free(changed);
	free(text);
}
END_TEST

START_TEST(a_node_not_among_the_targets_refuses)
{
	const struct command_pending	*p = NULL;
	struct command_engine		*s1;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, want[200];

	s1 = command_engine_new("station/s1", &trust, audit);
	make_doc(&c, "alice");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	ck_assert_int_eq(command_propose(s1, text, &sig, &now, T0, &p, cause,
	    sizeof cause), -1);
	snprintf(want, sizeof want, "station/s1 refused the proposal: "
	    "station/s1 is not among the targets of command %s (router/r8); "
	    "send it only to its targets", c.id);
	ck_assert_str_eq(cause, want);
	ck_assert_ptr_null(p);
	command_engine_free(s1);
	free(text);
}
END_TEST

START_TEST(a_target_whose_state_changed_refuses)
{
	struct proto_command	 c;
	char			*text;

	/* At proposal: the proposer saw it running; it is killed now. */
	make_doc(&c, "alice");
	text = doc_text(&c);
	set_state("smars-1", "killed");
	{
		const struct command_pending	*p = NULL;
		struct proto_signature		 sig;

		sign(alice, "alice", text, &sig);
		assert_refused(command_propose(engine, text, &sig, &now, T0,
		    &p, cause, sizeof cause), "router/r8 refused the "
		    "proposal: router/r8's state changed since the proposal: "
		    "it was running on build smars-1 when proposed and is now "
		    "killed on build smars-1; propose again");
	}

	/* At approval (a new id): it began halting after the proposal. */
	set_state("smars-1", "running");
	free(text);
	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	set_state("smars-1", "halting");
	assert_refused(approve(bob, "bob", c.id, text, T0 + 1000),
	    "router/r8 refused the approval: router/r8's state changed since "
	    "the proposal: it was running on build smars-1 when proposed and "
	    "is now halting on build smars-1; propose again");
	/* Or its build changed under the same state. */
	set_state("smars-2", "running");
	assert_refused(approve(bob, "bob", c.id, text, T0 + 2000),
	    "it was running on build smars-1 when proposed and is now running "
	    "on build smars-2; propose again");
	free(text);
}
END_TEST

START_TEST(one_pending_proposal_per_action_and_target)
{
	const struct command_pending	*p = NULL, *first;
	struct proto_command		 c1, c2;
	struct proto_signature		 sig;
	char				*t1, *t2, want[300];

	make_doc(&c1, "alice");
	t1 = doc_text(&c1);
	first = propose(alice, "alice", t1, T0);
	ck_assert_str_eq(first->cmd.id, c1.id);
	make_doc(&c2, "bob");
	t2 = doc_text(&c2);
	sign(bob, "bob", t2, &sig);
	snprintf(want, sizeof want, "router/r8 refused the proposal: kill is "
	    "already pending for router/r8 as command %s, proposed by alice, "
	    "expiring in 4m00s; approve or cancel that one, or wait until it "
	    "expires", c1.id);
	assert_refused(command_propose(engine, t2, &sig, &now, T0 + MINUTE, &p,
	    cause, sizeof cause), want);

	/* Withdrawn, it blocks nothing; the refused id stays spent. */
	sign_cancel(alice, "alice", c1.id, &sig);
	ck_assert_msg(command_cancel(engine, c1.id, &sig, T0 + 2 * MINUTE,
	    cause, sizeof cause) == 0, "%s", cause);
	free(t2);
	make_doc(&c2, "bob");
	t2 = doc_text(&c2);
	propose(bob, "bob", t2, T0 + 2 * MINUTE);
	assert_events("propose,refuse,cancel,propose");
	free(t1);
	free(t2);
}
END_TEST

START_TEST(only_the_proposer_cancels_with_the_cancel_bytes)
{
	const struct command_pending	**list;
	struct proto_command		  c;
	struct proto_signature		  sig;
	char				 *text, want[300];

	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);

	sign_cancel(bob, "bob", c.id, &sig);
	snprintf(want, sizeof want, "router/r8 refused the cancellation: only "
	    "alice, who proposed command %s, may cancel it, and bob signed "
	    "the cancellation; ask alice, or let it expire", c.id);
	assert_refused(command_cancel(engine, c.id, &sig, T0 + 1000, cause,
	    sizeof cause), want);
	/* alice's signature over the document is not over the cancel bytes. */
	sign(alice, "alice", text, &sig);
	snprintf(want, sizeof want, "the signature of alice does not verify "
	    "with alice's key in router/r8's trust file: it was made with "
	    "another key or over other bytes; sign vigil.v1 cancel %s with "
	    "alice's own key", c.id);
	assert_refused(command_cancel(engine, c.id, &sig, T0 + 1000, cause,
	    sizeof cause), want);
	ck_assert_uint_eq(command_pending(engine, &list), 1);

	sign_cancel(alice, "alice", c.id, &sig);
	ck_assert_int_eq(command_cancel(engine, c.id, &sig, T0 + 2000, cause,
	    sizeof cause), 0);
	ck_assert_uint_eq(command_pending(engine, &list), 0);
	assert_refused(approve(bob, "bob", c.id, text, T0 + 3000),
	    "it was cancelled; propose a new command");
	assert_events("propose,refuse,refuse,cancel,refuse");
	free(text);
}
END_TEST

START_TEST(proposals_the_node_cannot_carry_out_are_refused)
{
	const struct command_pending	*p = NULL;
	struct command_engine		*bare;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, *loose;

	/* An action no node knows, and one for stations only. */
	make_doc(&c, "alice");
	util_copy(c.action, sizeof c.action, "reboot");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 refused the proposal: reboot is not "
	    "an action router/r8 knows; it knows kill, resume, rollback, "
	    "flag, arm-kill, disarm and move-root");
	free(text);
	make_doc(&c, "alice");
	util_copy(c.action, sizeof c.action, "move-root");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 refused the proposal: move-root applies "
	    "to stations, and router/r8 is not one");
	free(text);

	/* A rollback without its build, then with no facts to plan on. */
	make_doc(&c, "alice");
	util_copy(c.action, sizeof c.action, "rollback");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 refused the proposal: rollback takes "
	    "argument to, the build to switch to");
	free(text);
	c.nargs = 1;
	util_copy(c.id, sizeof c.id, "0123456789abcdef0123456789abcdef");
	util_copy(c.args[0].name, sizeof c.args[0].name, "to");
	util_copy(c.args[0].value, sizeof c.args[0].value, "smars-0");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "router/r8 cannot tell what rollback would run "
	    "afterwards");
	free(text);

	/* resume of a router that is running. */
	make_doc(&c, "alice");
	util_copy(c.action, sizeof c.action, "resume");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause), "resume needs router/r8 to be killed, and it is "
	    "running; wait for it to be killed, or propose the action that "
	    "fits its state");
	free(text);

	/* Text that reads the same but is not the canonical bytes. */
	make_doc(&c, "alice");
	text = doc_text(&c);
	loose = xasprintf("%s\n", text);
	sign(alice, "alice", loose, &sig);
	assert_refused(command_propose(engine, loose, &sig, &now, T0, &p,
	    cause, sizeof cause), "router/r8 refused the proposal: document "
	    "is not in canonical form: ");
	ck_assert_ptr_nonnull(strstr(cause, "sign the text vigil produces, "
	    "unchanged"));
	free(loose);
	loose = xstrdup("{\"v\":1}");
	sign(alice, "alice", loose, &sig);
	assert_refused(command_propose(engine, loose, &sig, &now, T0, &p,
	    cause, sizeof cause), "document: field id is missing; make the "
	    "document with vigil propose");
	free(loose);

	/* A node without an audit log runs nothing. */
	bare = command_engine_new("router/r8", &trust, NULL);
	sign(alice, "alice", text, &sig);
	ck_assert_int_eq(command_propose(bare, text, &sig, &now, T0, &p, cause,
	    sizeof cause), -1);
	ck_assert_str_eq(cause, "router/r8 refused the proposal: it has no "
	    "audit log, and no command runs unrecorded; start it with --audit "
	    "FILE");
	command_engine_free(bare);
	free(text);
}
END_TEST

START_TEST(an_audit_write_failure_refuses_the_command)
{
	const struct command_pending	*p = NULL, **list;
	struct proto_command		 c;
	struct proto_signature		 sig;
	struct rlimit			 saved, small;
	struct stat			 st;
	char				*text;
	size_t				 npending;
	int				 rc;

	make_doc(&c, "alice");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	ck_assert_int_eq(stat(logpath, &st), 0);
	small = saved;
	small.rlim_cur = (rlim_t)st.st_size;

	/*
	 * The log may not grow, as on a full disk.  No assertion runs while
	 * the limit holds: Check writes its own messages to a file.
	 */
	setrlimit(RLIMIT_FSIZE, &small);
	rc = command_propose(engine, text, &sig, &now, T0, &p, cause,
	    sizeof cause);
	npending = command_pending(engine, &list);
	setrlimit(RLIMIT_FSIZE, &saved);
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(npending, 0);
	ck_assert_msg(strstr(cause, "router/r8 refused the proposal: its "
	    "audit log could not record it, and no command is held "
	    "unrecorded: audit log ") == cause, "%s", cause);
	ck_assert_ptr_nonnull(strstr(cause, "could not be written: File too "
	    "large; free space on its filesystem or repair it, then try "
	    "again"));
	ck_assert_ptr_nonnull(strstr(cause, "(this refusal is not in the "
	    "audit log either: "));

	/* Held, then the approval cannot be recorded: nothing executes. */
	propose(alice, "alice", text, T0);
	sign(bob, "bob", text, &sig);
	ck_assert_int_eq(stat(logpath, &st), 0);
	small.rlim_cur = (rlim_t)st.st_size;
	setrlimit(RLIMIT_FSIZE, &small);
	rc = command_approve(engine, c.id, text, &sig, &now, T0 + 1000, &p,
	    cause, sizeof cause);
	setrlimit(RLIMIT_FSIZE, &saved);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(cause, "router/r8 refused the approval: "
	    "its audit log could not record the approval, and nothing runs "
	    "unrecorded: audit log "));
	ck_assert_uint_eq(command_pending(engine, &list), 1);
	ck_assert_uint_eq(list[0]->nsigs, 1);
	assert_events("propose");

	/* With room again, the same approval executes. */
	ck_assert_int_eq(command_approve(engine, c.id, text, &sig, &now,
	    T0 + 2000, &p, cause, sizeof cause), 1);
	assert_events("propose,approve,execute");
	free(text);
}
END_TEST

/*
 * Group commit (command_engine_group): an approval that executes waits
 * for its lines' sync; meanwhile a second approval and a cancellation
 * are refused as executing, and it does not expire.  A sync that fails
 * cuts its lines off the log and refuses the approval with the log's
 * sentence; the command is pending as before, not remembered as
 * executed, and the same approval executes once a sync succeeds.
 */
START_TEST(a_group_sync_executes_once_durable_and_a_failed_one_refuses)
{
	const struct command_pending	*p = NULL, **list;
	struct proto_command		 c, c2;
	struct proto_signature		 sig;
	struct audit_ticket		 ticket;
	char				*text, *text2, *logcause, want[300];

	command_engine_group(engine, 1);
	make_doc(&c, "alice");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 1000), 2);
	audit_ticket(audit, &ticket);
	snprintf(want, sizeof want, "kill %s is executing on router/r8: its "
	    "execution is being written to the audit log", c.id);
	assert_refused(approve(bob, "bob", c.id, text, T0 + 1100), want);
	sign_cancel(alice, "alice", c.id, &sig);
	assert_refused(command_cancel(engine, c.id, &sig, T0 + 1200, cause,
	    sizeof cause), want);
	ck_assert_uint_eq(command_expire(engine, c.expires_ms + 1, NULL), 0);
	ck_assert_uint_eq(command_pending(engine, &list), 1);

	/* The refusals' syncs made its lines durable: a failure is late. */
	ck_assert_int_eq(audit_synced(audit, EIO, &ticket, &logcause), 0);
	ck_assert_ptr_null(logcause);
	ck_assert_int_eq(command_durable(engine, c.id, NULL, T0 + 1300, &p,
	    cause, sizeof cause), 1);
	ck_assert_str_eq(proto_status_name(p->status), "executed");
	ck_assert_uint_eq(command_pending(engine, &list), 0);
	assert_events("propose,approve,execute,refuse,refuse");

	/* A sync that fails: the lines go, and the approval is refused. */
	make_doc(&c2, "alice");
	text2 = doc_text(&c2);
	propose(alice, "alice", text2, T0 + 2000);
	ck_assert_int_eq(approve(bob, "bob", c2.id, text2, T0 + 2100), 2);
	audit_ticket(audit, &ticket);
	ck_assert_int_eq(audit_synced(audit, EIO, &ticket, &logcause), -1);
	ck_assert_ptr_nonnull(strstr(logcause, "could not be synced to disk "
	    "(fdatasync: Input/output error); the line may not last"));
	assert_refused(command_durable(engine, c2.id, logcause, T0 + 2200,
	    &p, cause, sizeof cause), "router/r8 refused the approval: its "
	    "audit log could not record the execution, and nothing runs "
	    "unrecorded: audit log ");
	ck_assert_ptr_nonnull(strstr(cause, "; the command is still "
	    "pending"));
	free(logcause);
	ck_assert_uint_eq(command_pending(engine, &list), 1);
	ck_assert_uint_eq(list[0]->nsigs, 1);
	ck_assert_int_eq(list[0]->syncing, 0);
	assert_events("propose,approve,execute,refuse,refuse,propose,refuse");

	/* Not remembered as executed: the approval executes now. */
	ck_assert_int_eq(approve(bob, "bob", c2.id, text2, T0 + 3000), 2);
	audit_ticket(audit, &ticket);
	ck_assert_int_eq(audit_synced(audit, 0, &ticket, &logcause), 0);
	ck_assert_int_eq(command_durable(engine, c2.id, NULL, T0 + 3100, &p,
	    cause, sizeof cause), 1);
	assert_events("propose,approve,execute,refuse,refuse,propose,refuse,"
	    "approve,execute");
	free(text2);
	free(text);
}
END_TEST

START_TEST(the_actions_are_a_table)
{
	const struct command_spec	*kill, *resume, *move;

	ck_assert_uint_eq(command_nspecs, 7);
	kill = command_spec_find("kill");
	ck_assert_ptr_nonnull(kill);
	ck_assert_str_eq(kill->summary, "halt child orders and refuse new "
	    "parents");
	ck_assert_int_eq(kill->signers, 2);
	ck_assert_int_eq(kill->roles, ROLE_ROUTER);
	ck_assert_str_eq(kill->from_state, "running");
	resume = command_spec_find("resume");
	ck_assert_ptr_nonnull(resume);
	ck_assert_str_eq(resume->summary, "restart a killed router");
	ck_assert_int_eq(resume->signers, 2);
	ck_assert_str_eq(resume->from_state, "killed");
	ck_assert_int_eq(command_spec_find("rollback")->roles,
	    ROLE_ROUTER | ROLE_STATION);
	ck_assert_int_eq(command_spec_find("flag")->roles, ROLE_ROUTER);
	move = command_spec_find("move-root");
	ck_assert_ptr_nonnull(move);
	ck_assert_int_eq(move->signers, 2);
	ck_assert_int_eq(move->roles, ROLE_STATION);
}
END_TEST

/* alice's arm-kill of router/r8 for window. */
static void
arm_doc(struct proto_command *c, const char *window)
{
	make_doc(c, "alice");
	util_copy(c->action, sizeof c->action, "arm-kill");
	c->nargs = 1;
	util_copy(c->args[0].name, sizeof c->args[0].name, "window");
	util_copy(c->args[0].value, sizeof c->args[0].value, window);
}

/*
 * An armed kill: two operators arm it; an untrusted key cannot fire
 * it, one trusted operator can, once, within its window; a second arm
 * while armed is refused, and so is a fire after the window.
 */
START_TEST(an_armed_kill_fires_once_at_one_trusted_word)
{
	const struct command_pending	*p;
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, *bytes;
	int64_t				 until;

	arm_doc(&c, "10m");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0 + 1000), 1);
	ck_assert_ptr_nonnull(p = command_armed(engine, &until));
	ck_assert_int_eq(p->status, STATUS_ARMED);
	ck_assert_int_eq(until, T0 + 1000 + 10 * 60 * 1000);
	free(text);

	/* Nothing else is armed while it is. */
	arm_doc(&c, "10m");
	text = doc_text(&c);
	sign(alice, "alice", text, &sig);
	assert_refused(command_propose(engine, text, &sig, &now, T0 + 2000,
	    &p, cause, sizeof cause), "router/r8 is already armed by command");
	free(text);

	p = command_armed(engine, &until);
	bytes = xasprintf("vigil.v1 fire %s", p->cmd.id);
	util_copy(c.id, sizeof c.id, p->cmd.id);
	sign_raw(eve, "eve", bytes, &sig);
	assert_refused(command_fire(engine, c.id, &sig, T0 + 3000, cause,
	    sizeof cause), "operator eve is not in router/r8's trust file");
	sign_raw(alice, "alice", bytes, &sig);
	ck_assert_int_eq(command_fire(engine, c.id, &sig, T0 + 4000, cause,
	    sizeof cause), 1);
	ck_assert_int_eq(command_ended(engine)->status, STATUS_FIRED);
	ck_assert_ptr_null(command_armed(engine, NULL));
	assert_refused(command_fire(engine, c.id, &sig, T0 + 5000, cause,
	    sizeof cause), "or it was already fired");
	free(bytes);
}
END_TEST

/* A fire after the window is refused saying when it closed. */
START_TEST(an_armed_kill_is_refused_after_its_window)
{
	struct proto_command		 c;
	struct proto_signature		 sig;
	char				*text, *bytes;

	arm_doc(&c, "60s");
	text = doc_text(&c);
	propose(alice, "alice", text, T0);
	ck_assert_int_eq(approve(bob, "bob", c.id, text, T0), 1);
	free(text);
	bytes = xasprintf("vigil.v1 fire %s", c.id);
	sign_raw(alice, "alice", bytes, &sig);
	assert_refused(command_fire(engine, c.id, &sig, T0 + 61000, cause,
	    sizeof cause), "the window of armed kill");
	/* Once expired by the engine, the sentence still says when. */
	ck_assert_uint_eq(command_expire(engine, T0 + 62000, NULL), 1);
	assert_refused(command_fire(engine, c.id, &sig, T0 + 63000, cause,
	    sizeof cause), "closed at");
	free(bytes);
}
END_TEST

Suite *
command_suite(void)
{
	Suite	*s = suite_create("command");
	TCase	*tc = tcase_create("command");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
	    two_trusted_operators_execute_a_command_exactly_once);
	tcase_add_test(tc, an_armed_kill_fires_once_at_one_trusted_word);
	tcase_add_test(tc, an_armed_kill_is_refused_after_its_window);
	tcase_add_test(tc, the_same_operator_twice_is_refused);
	tcase_add_test(tc, one_key_under_two_names_is_refused);
	tcase_add_test(tc, an_untrusted_key_is_refused);
	tcase_add_test(tc, a_trusted_name_signed_with_another_key_is_refused);
	tcase_add_test(tc,
	    expired_commands_are_refused_at_proposal_and_approval);
	tcase_add_test(tc, a_replayed_id_is_refused);
	tcase_add_test(tc, a_restarted_node_still_refuses_what_it_executed);
	tcase_add_test(tc,
	    a_document_changed_after_the_first_signature_is_refused);
	tcase_add_test(tc, a_node_not_among_the_targets_refuses);
	tcase_add_test(tc, a_target_whose_state_changed_refuses);
	tcase_add_test(tc, one_pending_proposal_per_action_and_target);
	tcase_add_test(tc, only_the_proposer_cancels_with_the_cancel_bytes);
	tcase_add_test(tc, proposals_the_node_cannot_carry_out_are_refused);
	tcase_add_test(tc, an_audit_write_failure_refuses_the_command);
	tcase_add_test(tc, the_actions_are_a_table);
	tcase_add_test(tc,
	    a_group_sync_executes_once_durable_and_a_failed_one_refuses);
	suite_add_tcase(s, tc);
	return (s);
}
