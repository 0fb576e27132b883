/*
 * fuzz-command.c: the command document's parser, proto_command_decode(),
 * and the two-person rule that verifies it, command_propose() and
 * command_approve(), on any document text.
 *
 * The fuzzer cannot forge Ed25519 signatures, so the harness signs
 * whatever text it is given with one of two trusted operators' keys, as
 * an honest console would: the backend's own checks (canonical form,
 * action, targets, proposer, signature, time, state, replay) and its
 * audit log then see every document the fuzzer makes.  A document that
 * decodes must encode to the very same bytes, and the audit log the
 * engine wrote must verify.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "command.h"
#include "fuzz.h"
#include "opkey.h"
#include "proto.h"
#include "util.h"

static void	 fuzz_command_setup(void);
static void	 fuzz_command_cleanup(void);
static void	 fuzz_command_sign(const char *, const char *,
		    struct proto_signature *);
static void	 fuzz_command_run(const char *, const struct proto_command *,
		    int);

static struct opkey		*fuzz_alice, *fuzz_bob;
static struct opkey_trust	 fuzz_trust;
static char			 fuzz_dir[64], fuzz_log[96], fuzz_trusted[96];

/* Two operators' keys and the trust file naming them, made once. */
static void
fuzz_command_setup(void)
{
	FILE	*f;
	char	*a, *b, *cause = NULL;

	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/vigil-fuzz.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		fatal("%s: cannot make a temporary directory", __func__);
	snprintf(fuzz_log, sizeof fuzz_log, "%s/audit.log", fuzz_dir);
	snprintf(fuzz_trusted, sizeof fuzz_trusted, "%s/trust", fuzz_dir);
	if ((fuzz_alice = opkey_generate(&cause)) == NULL ||
	    (fuzz_bob = opkey_generate(&cause)) == NULL)
		fatal("%s: %s", __func__, cause);
	a = opkey_trust_line(fuzz_alice, "alice");
	b = opkey_trust_line(fuzz_bob, "bob");
	if ((f = fopen(fuzz_trusted, "w")) == NULL)
		fatal("%s: cannot write %s", __func__, fuzz_trusted);
	fprintf(f, "%s\n%s\n", a, b);
	fclose(f);
	free(a);
	free(b);
	if (opkey_trust_load(fuzz_trusted, &fuzz_trust, &cause) != 0)
		fatal("%s: %s", __func__, cause);
	atexit(fuzz_command_cleanup);
}

/* Remove the temporary files at exit. */
static void
fuzz_command_cleanup(void)
{
	unlink(fuzz_log);
	unlink(fuzz_trusted);
	rmdir(fuzz_dir);
}

/*
 * Sign document text as operator (bob's key for "bob", alice's for
 * anyone else), as vigil does: the statement of its SHA-256.
 */
static void
fuzz_command_sign(const char *operator, const char *text,
    struct proto_signature *sig)
{
	struct opkey	*key;
	char		*cause = NULL, sha256[65];
	char		 said[PROTO_STATEMENT_MAX];
	size_t		 n;

	key = strcmp(operator, "bob") == 0 ? fuzz_bob : fuzz_alice;
	util_copy(sig->operator, sizeof sig->operator, operator);
	util_copy(sig->covers, sizeof sig->covers, PROTO_COVERS_SHA256);
	opkey_sha256_hex(text, strlen(text), sha256);
	n = proto_statement(sha256, said, sizeof said);
	if (opkey_sign(key, said, n, sig->signature, sizeof sig->signature,
	    &cause) != 0)
		fatal("%s: %s", __func__, cause);
}

/*
 * Propose text, signed by its proposer, to a fresh engine on its first
 * target (as the proposer saw it, just after it was made); if held,
 * approve it as the other operator.  Then verify the audit log.
 */
static void
fuzz_command_run(const char *text, const struct proto_command *cmd,
    int decoded)
{
	const struct command_pending	*p;
	struct command_engine		*engine;
	struct command_node_state	 now;
	struct proto_signature		 sig;
	struct audit			*audit;
	const char			*proposer, *other;
	char				 cause[PROTO_TEXT_MAX], *why = NULL;
	char				 id[PROTO_CMDID_MAX];
	int64_t				 now_ms = 1700000000000LL;
	long				 bad;

	memset(&now, 0, sizeof now);
	util_copy(now.node, sizeof now.node, "router/r1");
	util_copy(now.build, sizeof now.build, "smars-1");
	now.state = STATE_RUNNING;
	proposer = "alice";
	if (decoded && cmd->ntargets > 0) {
		util_copy(now.node, sizeof now.node, cmd->targets[0].node);
		util_copy(now.build, sizeof now.build, cmd->targets[0].build);
		/* A word that names no state leaves it running. */
		(void)proto_state_parse(cmd->targets[0].state, &now.state);
		if (cmd->created_ms < INT64_MAX)
			now_ms = cmd->created_ms + 1;
		proposer = cmd->proposer;
	}
	other = strcmp(proposer, "bob") == 0 ? "alice" : "bob";

	unlink(fuzz_log);
	if ((audit = audit_open(fuzz_log, &why)) == NULL)
		fatal("%s: %s", __func__, why);
	engine = command_engine_new(now.node, &fuzz_trust, audit);
	fuzz_command_sign(proposer, text, &sig);
	if (command_propose(engine, text, &sig, &now, now_ms, &p, cause,
	    sizeof cause) == 0) {
		util_copy(id, sizeof id, p->cmd.id);
		fuzz_command_sign(other, text, &sig);
		command_approve(engine, id, text, &sig, &now, now_ms, &p, cause,
		    sizeof cause);
		fuzz_command_sign(proposer, text, &sig);
		command_approve(engine, id, text, &sig, &now, now_ms, &p, cause,
		    sizeof cause);
	}
	command_engine_free(engine);
	audit_close(audit);
	if (audit_verify(fuzz_log, cause, sizeof cause, &bad) != 0)
		fatal("%s: the engine wrote a log that does not verify: %s",
		    __func__, cause);
}

/* Decode a document; check it is canonical; run it past the rule. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_command	*cmd;
	char			*text, *again, cause[PROTO_TEXT_MAX];
	int			 decoded;

	if (fuzz_alice == NULL)
		fuzz_command_setup();
	cmd = xcalloc(1, sizeof *cmd);
	text = fuzz_text(data, size);
	decoded = proto_command_decode(text, size, cmd, cause,
	    sizeof cause) == 0;
	if (decoded) {
		again = proto_command_encode(cmd);
		if (strlen(again) != size || memcmp(again, data, size) != 0)
			fatal("%s: %s decodes, but encodes as %s", __func__,
			    text, again);
		free(again);
	}
	fuzz_command_run(text, cmd, decoded);
	free(text);
	proto_command_clear(cmd);
	free(cmd);
	return (0);
}
