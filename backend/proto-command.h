/*
 * proto-command.h: what a command document may ask for, part of the
 * protocol library that vigil and vigild both link (the document itself,
 * struct proto_command and its canonical text, is declared in proto.h).
 *
 * A command (proto_command) names one of these actions; how long it may
 * stay pending is bounded here too, so the console refuses a document
 * the backend would refuse before anyone signs it.  The rule engine that
 * enforces the two-person rule is vigild's (command.h).
 */
#ifndef VIGIL_PROTO_COMMAND_H
#define VIGIL_PROTO_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define COMMAND_DEFAULT_TTL_MS	(5 * 60 * 1000LL)
#define COMMAND_MAX_TTL_MS	(30 * 60 * 1000LL)

/* An action the rule knows: a const table, so the rule is data. */
struct command_spec {
	const char	*name;		/* "kill" */
	const char	*summary;	/* for help and man pages */
	int		 signers;	/* 2 */
	int		 roles;		/* ROLE_ROUTER, ... (bits) */
	/* The states a target must be in, "" for any. */
	const char	*from_state;
	/*
	 * The argument that names a node which is not a target (move-root's
	 * "to"), or NULL; a console hears that node before it sends, and
	 * says what it is (node_role) and why it matters (node_why) when
	 * it does not.
	 */
	const char	*node_arg;
	const char	*node_role;	/* "destination" */
	const char	*node_why;
};

extern const struct command_spec command_specs[];
extern const size_t command_nspecs;

/* The spec for action, or NULL. */
const struct command_spec *command_spec_find(const char *action);
/* Every action's name, "kill, resume and ..." ("... or ..." if either). */
void	 command_spec_names(char *buf, size_t len, int either);

/* Whether spec may act on a node in state (its from_state, or any). */
int	 command_spec_allows(const struct command_spec *spec,
	    enum proto_state state);

/*
 * Whether target t still names what a node is now: its build and its
 * state (a target's state word is decoded here, "" matching none).
 */
int	 command_target_matches(const struct proto_command_target *t,
	    const char *build, enum proto_state state);
#define COMMAND_MAX_WINDOW_MS	(12 * 3600 * 1000LL)	/* arm-kill */

/* Parse an arm-kill's window: "90s", "30m", "2h".  0 and *ms, or -1. */
int	 command_window_parse(const char *text, int64_t *ms);

#endif
