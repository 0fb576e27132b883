/*
 * move.c: move-root's steps on the stations of one vigild (move.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "command.h"
#include "move.h"
#include "node-station.h"
#include "seal.h"
#include "sim.h"
#include "util.h"

#define MOVE_SKEW_MS	(5 * 1000LL)	/* clocks may differ this much */

static struct node_station *move_station(struct sim *sim, size_t i,
		    char *why, size_t whylen);

/* Station i, or NULL and why for a router. */
static struct node_station *
move_station(struct sim *sim, size_t i, char *why, size_t whylen)
{
	struct node_station	*s;

	if ((s = sim_node_station(sim, i)) == NULL)
		util_format(why, whylen, "%s is a router: move-root applies "
		    "only to stations", sim_node_id(sim, i));
	return (s);
}

/* The "to" argument of cmd, or NULL. */
const char *
move_destination(const struct proto_command *cmd)
{
	size_t	i;

	for (i = 0; i < cmd->nargs; i++) {
		if (strcmp(cmd->args[i].name, "to") == 0)
			return (cmd->args[i].value);
	}
	return (NULL);
}

/* Whether station i may move the root as cmd asks; see move.h. */
int
move_check(struct sim *sim, size_t i, const struct proto_command *cmd,
    char *why, size_t whylen)
{
	const struct proto_blacklist	*b;
	struct node_station		*s;
	const char			*to = move_destination(cmd);
	char				 at[16];
	size_t				 k;

	if ((s = move_station(sim, i, why, whylen)) == NULL)
		return (-1);
	if (to == NULL || cmd->nargs != 1) {
		util_format(why, whylen, "move-root names its destination, "
		    "and only that, in argument \"to\"; propose it with "
		    "--to station/NAME");
		return (-1);
	}
	if (s->root_key == NULL) {
		util_format(why, whylen, "%s does not hold the root key (as "
		    "far as it knows, %s does); propose move-root for the "
		    "holder", s->id, s->root_holder);
		return (-1);
	}
	if (strcmp(to, s->id) == 0) {
		util_format(why, whylen, "%s already holds the root; name "
		    "another station with --to", s->id);
		return (-1);
	}
	/*
	 * The blacklist first: no wait cures it, so a destination both
	 * blacklisted and not yet renewed from here (one that renewed from
	 * the old holder just before the move) must not be told to wait.
	 */
	for (k = 0; k < s->counters.nblacklist; k++) {
		b = &s->counters.blacklist[k];
		if (strcmp(b->peer, to) != 0)
			continue;
		util_format(why, whylen, "%s is blacklisted: %s blacklisted "
		    "it at %s on evidence from %s (%s), so stations would "
		    "refuse the certificates it signs; move the root to a "
		    "station nobody blacklists", to, s->id,
		    util_clock_text(b->since_ms, at, sizeof at),
		    b->reported_by, b->evidence);
		return (-1);
	}
	if (!node_station_knows(s, to)) {
		util_format(why, whylen, "%s is unknown to %s: it has "
		    "certified no transport key for it, so it cannot seal the "
		    "root key for it; check the name in vigil status, or wait "
		    "until it has renewed from %s", to, s->id, s->id);
		return (-1);
	}
	return (0);
}

/* The source seals the root key for p's destination; see move.h. */
int
move_seal(struct sim *sim, size_t i, const struct command_pending *p,
    int64_t now_ms, struct proto_sealed *out, char *why, size_t whylen)
{
	struct node_station	*s;
	unsigned char		*blob;
	char			*cause = NULL;
	size_t			 len, k;

	if (move_check(sim, i, &p->cmd, why, whylen) != 0)
		return (-1);
	s = sim_node_station(sim, i);
	memset(out, 0, sizeof *out);
	blob = node_station_root_seal(s, p->cmd.id, move_destination(&p->cmd),
	    now_ms, out->root, &len, &cause);
	if (blob == NULL) {
		util_copy(why, whylen, cause);
		free(cause);
		return (-1);
	}
	if (seal_b64_encode(blob, len, out->blob, sizeof out->blob) != 0)
		fatal("move_seal: a %zu-byte blob does not fit", len);
	seal_wipe(blob, len);
	free(blob);
	util_copy(out->node, sizeof out->node, s->id);
	util_copy(out->from, sizeof out->from, s->id);
	util_copy(out->to, sizeof out->to, move_destination(&p->cmd));
	util_copy(out->id, sizeof out->id, p->cmd.id);
	out->document = p->text;	/* borrowed: valid while p is */
	out->nsigs = p->nsigs;
	for (k = 0; k < p->nsigs; k++)
		out->sigs[k] = p->sigs[k];
	out->sealed_ms = now_ms;
	return (0);
}

/* The destination opens the key and becomes the holder; see move.h. */
int
move_open(struct sim *sim, size_t i, struct command_engine *engine,
    const struct proto_sealed *in, int64_t now_ms, struct proto_holder *out,
    char *why, size_t whylen)
{
	struct node_station	*s;
	struct proto_command	 cmd;
	unsigned char		 blob[PROTO_BLOB_MAX], sig[CERT_SIG_MAX];
	char			 words[PROTO_TEXT_MAX], *cause = NULL;
	const char		*to;
	size_t			 len, siglen;

	if ((s = move_station(sim, i, why, whylen)) == NULL)
		return (-1);
	util_format(words, sizeof words, "%s accepts move-root %s from %s, "
	    "signed by %s and %s, and opens the sealed root key", s->id,
	    in->id, in->from, in->nsigs > 0 ? in->sigs[0].operator : "?",
	    in->nsigs > 1 ? in->sigs[1].operator : "?");
	if (command_witness(engine, in->document, in->sigs, in->nsigs, words,
	    now_ms, &cmd, why, whylen) != 0) {
		proto_command_clear(&cmd);
		return (-1);
	}
	to = move_destination(&cmd);
	if (strcmp(cmd.action, "move-root") != 0 ||
	    strcmp(cmd.id, in->id) != 0 || to == NULL ||
	    strcmp(to, s->id) != 0 || cmd.ntargets != 1 ||
	    strcmp(cmd.targets[0].node, in->from) != 0)
		util_format(why, whylen, "%s refused the sealed root key: the "
		    "command two operators signed (%s %s) does not move the "
		    "root from %s to %s", s->id, cmd.action, cmd.id, in->from,
		    s->id);
	else if (now_ms - in->sealed_ms > MOVE_TIMEOUT_MS ||
	    in->sealed_ms - now_ms > MOVE_SKEW_MS)
		util_format(why, whylen, "%s refused the sealed root key: it "
		    "was sealed %lld ms before it arrived, and a seal is good "
		    "for %lld ms; %s keeps the root: propose the move again",
		    s->id, (long long)(now_ms - in->sealed_ms),
		    (long long)MOVE_TIMEOUT_MS, in->from);
	else if (seal_b64_decode(in->blob, blob, sizeof blob, &len) != 0)
		util_format(why, whylen, "%s refused the sealed root key: the "
		    "blob is not base64, so it was altered on the way",
		    s->id);
	else if (node_station_root_open(s, in->id, in->from, in->sealed_ms,
	    in->root, blob, len, &cause) != 0) {
		util_format(why, whylen, "%s; %s keeps the root", cause,
		    in->from);
		free(cause);
	} else if (node_station_holder_sign(s, in->id, in->from, sig, &siglen,
	    &cause) != 0) {
		util_format(why, whylen, "%s opened the root key but cannot "
		    "sign with it: %s", s->id, cause);
		free(cause);
	} else {
		memset(out, 0, sizeof *out);
		util_copy(out->node, sizeof out->node, s->id);
		util_copy(out->holder, sizeof out->holder, s->id);
		util_copy(out->from, sizeof out->from, in->from);
		util_copy(out->id, sizeof out->id, in->id);
		if (seal_b64_encode(sig, siglen, out->signature,
		    sizeof out->signature) != 0)
			fatal("move_open: a signature does not fit");
		proto_command_clear(&cmd);
		return (0);
	}
	proto_command_clear(&cmd);
	if (command_record(engine, now_ms, "refuse", in->id, "move-root", why,
	    &cause) != 0) {
		len = strlen(why);
		util_format(why + len, whylen - len, " (not in the audit log: "
		    "%s)", cause);
		free(cause);
	}
	return (-1);
}

/* Station i hears who holds the root now; see move.h. */
int
move_hear(struct sim *sim, size_t i, const struct proto_holder *in,
    int *destroyed, char *why, size_t whylen)
{
	struct node_station	*s;
	unsigned char		 sig[CERT_SIG_MAX + 4];
	char			*cause = NULL;
	size_t			 len;

	*destroyed = 0;
	if ((s = move_station(sim, i, why, whylen)) == NULL)
		return (-1);
	if (seal_b64_decode(in->signature, sig, sizeof sig, &len) != 0) {
		util_format(why, whylen, "%s refused word that %s holds the "
		    "root: its signature is not base64", s->id, in->holder);
		return (-1);
	}
	if (node_station_holder_accept(s, in->holder, in->id, in->from, sig,
	    len, destroyed, &cause) != 0) {
		util_copy(why, whylen, cause);
		free(cause);
		return (-1);
	}
	return (0);
}
