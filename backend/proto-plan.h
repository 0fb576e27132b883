/*
 * proto-plan.h: the preflight of a rollback or a flag change, the one
 * judgement that the console shows (vigil plan, the dialog, the review)
 * and the backend enforces (command.c refuses what it refuses), so the
 * two can never disagree.
 *
 * A plan takes what nodes said in their hellos (the active build, the
 * installed builds with their flag manifests and retired code paths, the
 * flags set) and works out, for each target, the build before and after
 * and every enabled flag's code path before and after.  It refuses a
 * change that would make a flag enable a code path the target's current
 * build retired, or leave one flag enabling different code paths on the
 * targets, unless the request names that code path as an override; a
 * rollback to a build a target does not hold, or a flag its build does
 * not have, is refused with no override.  Every problem is one sentence.
 *
 * Pure C: no JSON, no sockets.  proto.c encodes a plan for scripts.
 */
#ifndef VIGIL_PROTO_PLAN_H
#define VIGIL_PROTO_PLAN_H

#include <stddef.h>

#include "proto.h"

#define PLAN_MAX_PROBLEMS	16

/* What is asked: the arguments of a rollback or flag command. */
struct proto_plan_request {
	char	action[16];			/* "rollback" or "flag" */
	char	to[PROTO_NAME_MAX];		/* rollback: the build */
	char	flag[PROTO_FLAG_NAME_MAX];	/* flag: its name */
	char	set[4];				/* flag: "on" or "off" */
	char	override[PROTO_NAME_MAX];	/* a code path allowed
						   anyway; "" none */
};

/* One flag enabled before or after, and the code it runs. */
struct proto_plan_path {
	char	flag[PROTO_FLAG_NAME_MAX];
	char	before[PROTO_NAME_MAX];		/* "" when not enabled */
	char	after[PROTO_NAME_MAX];
};

/* One target's build and code before and after. */
struct proto_plan_target {
	char			node[PROTO_ID_MAX];
	char			build_before[PROTO_NAME_MAX];
	char			build_after[PROTO_NAME_MAX];	/* "" when
							   it cannot */
	size_t			npaths;
	struct proto_plan_path	paths[PROTO_MAX_FLAGS];
};

/* A reason to refuse, about one node when node is not "". */
struct proto_plan_problem {
	char	node[PROTO_ID_MAX];
	char	text[PROTO_TEXT_MAX];
};

struct proto_plan {
	char				action[16];
	char				to[PROTO_NAME_MAX];
	char				flag[PROTO_FLAG_NAME_MAX];
	char				set[4];
	char				override[PROTO_NAME_MAX];
	int				safe;	/* no problem */
	int				mixed;	/* the role ends on more
						   than one build */
	char				builds_after[PROTO_TEXT_MAX];
						/* the role's builds after,
						   "a (3 nodes), b (1)" */
	size_t				ntargets;
	struct proto_plan_target	targets[PROTO_MAX_TARGETS];
	size_t				nproblems;
	struct proto_plan_problem	problems[PLAN_MAX_PROBLEMS];
};

/* Whether action is one a plan judges ("rollback", "flag"). */
int	 proto_plan_applies(const char *action);

/*
 * Read a request from a command's action and args (to; flag and set;
 * override).  Returns 0, or -1 and a sentence in why naming the missing
 * or wrong argument.
 */
int	 proto_plan_request_parse(const struct proto_command *cmd,
	    struct proto_plan_request *req, char *why, size_t whylen);

/* Write req's arguments into cmd->args, in the canonical order. */
void	 proto_plan_request_args(const struct proto_plan_request *req,
	    struct proto_command *cmd);

/*
 * Make the plan of req on the targets, from fleet, the hellos of every
 * node known (targets and the rest of their role).  A target with no
 * hello is a problem when strict, else left out (a backend judges only
 * the targets it serves).  Returns 0 when safe, -1 when it must be
 * refused (plan->problems say why).
 */
int	 proto_plan_make(const struct proto_plan_request *req,
	    const char *const *targets, size_t ntargets,
	    const struct proto_hello *const *fleet, size_t nfleet,
	    int strict, struct proto_plan *plan);

/*
 * The problem to refuse node with: the first about node, else the
 * first; NULL when the plan is safe.
 */
const char *proto_plan_problem(const struct proto_plan *plan,
	    const char *node);

/* The build id among n builds, or NULL. */
const struct proto_build *proto_plan_find(const struct proto_build *builds,
	    size_t n, const char *id);

/*
 * The build id among the n builds node holds, or NULL and the sentence
 * a node refuses with: "router/r8 does not hold build B: it holds A".
 */
const struct proto_build *proto_plan_held(const struct proto_build *builds,
	    size_t n, const char *node, const char *id, char *cause,
	    size_t causelen);

/* The builds a simulated node holds, and the one it runs. */
struct proto_holding {
	char			build[PROTO_NAME_MAX];	/* the active one */
	size_t			nbuilds;		/* installed */
	struct proto_build	builds[PROTO_MAX_BUILDS];
};

/*
 * Install n builds in h, node's holding, whose active build must be
 * among them.  Returns 0, or -1 and a sentence in cause, h unchanged.
 */
int	 proto_plan_install(struct proto_holding *h,
	    const struct proto_build *builds, size_t n, const char *node,
	    char *cause, size_t causelen);

/*
 * Make build id of node's holding h the active one.  Returns it, or
 * NULL and the sentence of proto_plan_held(), h unchanged.
 */
const struct proto_build *proto_plan_activate(struct proto_holding *h,
	    const char *node, const char *id, char *cause, size_t causelen);

/* Give hello h's builds, the active one marked. */
void	 proto_plan_hello(const struct proto_holding *h,
	    struct proto_hello *hello);

/* "a, b and c": the ids of n builds, into buf. */
void	 proto_plan_builds_text(const struct proto_build *builds, size_t n,
	    char *buf, size_t len);

/*
 * The flags of a node switching to build to: each of its manifest's
 * flags, with the code path it means there, set as it was before (off
 * when the flag is new).
 */
void	 proto_plan_switch(const struct proto_build *to,
	    const struct proto_flag *before, size_t nbefore,
	    struct proto_flag *after, size_t *nafter);

/* Fill one build from an id and flags (for a node with one build). */
void	 proto_plan_single(const char *id, const struct proto_flag *flags,
	    size_t nflags, struct proto_build *build);

/* The plan as JSON for vigil plan --json (proto.c); caller frees. */
char	*proto_plan_encode(const struct proto_plan *plan);

/* Read that JSON back; 0, or -1 and a sentence in cause. */
int	 proto_plan_decode(const char *text, size_t len,
	    struct proto_plan *plan, char *cause, size_t causelen);

#endif
