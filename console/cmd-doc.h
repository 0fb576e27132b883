/*
 * cmd-doc.h: a command document as the console sees it: built from what
 * the fleet model shows, checked for whether it may be approved or
 * cancelled, and the review a second operator reads before signing.
 *
 * Pure: nothing here signs, sends or waits, so the panels, the desk and
 * the headless commands all use it without reaching the event loop
 * (signing and sending are cmd.h).
 */
#ifndef VIGIL_CMD_DOC_H
#define VIGIL_CMD_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct fleet;
struct fleet_proposal;
struct node;

/*
 * Fill t with node's id, build and state as the fleet model shows them:
 * for a router the state of its latest stats ("running", "halting",
 * "killed"), for a station "running"; what a backend compares before it
 * acts.
 */
void	 cmd_target_seen(const struct node *node,
	    struct proto_command_target *t);

/* node's state as cmd_target_seen() binds it. */
enum proto_state cmd_node_state(const struct node *node);

/*
 * Build the command document for action on the n nodes (ids), each as
 * the fleet model shows it now, with reason, proposer, a fresh random
 * id, created at wall time wall_ms and expiring ttl_ms later.  Returns
 * 0, or -1 and an allocated sentence in *cause (an action no backend
 * knows, a node not in the model, not heard from or that said hello
 * but has not sent its state (stats) yet, a node named twice,
 * too many nodes, a reason too long, a ttl out of bounds).  *cmd must
 * be zeroed or built before: its targets are freed first, and on success
 * it holds new ones (proto_command_clear() frees them).
 */
int	 cmd_build(const struct fleet *fleet, const char *action,
	    const char *const *nodes, size_t n, const char *reason,
	    const char *proposer, int64_t wall_ms, int64_t ttl_ms,
	    struct proto_command *cmd, char **cause);

/*
 * Name move-root's destination to in cmd (argument "to"), once the model
 * shows it is a station that is live and has sent its state, that no
 * station reports as blacklisted, and that is not the source.  Returns
 * 0, or -1 and an allocated sentence in *cause; the backend checks
 * again.
 */
int	 cmd_move_root(const struct fleet *fleet, struct proto_command *cmd,
	    const char *to, char **cause);

struct command_spec;

/*
 * The node that action names beyond its targets, as its arguments (args,
 * nargs: a document's, or the options given) say, or NULL when it names
 * none (rollback's "to" is a build, not a node).  *spec gets the action's
 * spec, whose node_role and node_why put that node in words.
 */
const char *cmd_named_node(const char *action,
	    const struct proto_command_arg *args, size_t nargs,
	    const struct command_spec **spec);

/*
 * May proposal p be approved (approving) or cancelled now?  Returns 0,
 * or -1 with an allocated sentence in *cause: nodes hold different
 * documents under its id, its document does not read, or it is no
 * longer pending.
 */
int	 cmd_actionable(const struct fleet_proposal *p, int approving,
	    char **cause);

struct proto_plan;
struct proto_plan_request;

/*
 * The request of a rollback (to BUILD) or flag change (set "NAME=on" or
 * "NAME=off"), with an override code path or NULL, as vigil plan and
 * vigil propose take them.  Returns 0, or -1 with an allocated sentence
 * in *cause naming the option that is missing or wrong.
 */
int	 cmd_plan_request(const char *action, const char *to, const char *set,
	    const char *override, struct proto_plan_request *req,
	    char **cause);

/*
 * The plan of req on nodes, from every hello the fleet holds (so the
 * role's other nodes count for "more than one build"); a node not heard
 * is a problem.  Allocated; the caller frees it.
 */
struct proto_plan *cmd_plan(const struct fleet *fleet,
	    const struct proto_plan_request *req, const char *const *nodes,
	    size_t n);

/*
 * The plan as lines for a person, each indented by indent: each target's
 * build and enabled flags' code before and after, the role's builds
 * afterwards, and every reason a backend would refuse it.  Allocated.
 */
char	*cmd_plan_text(const struct proto_plan *plan, const char *indent);

/*
 * The review of proposal p at wall time wall_ms, as lines for a person:
 * its id, action and what it does, each target with the build and state
 * the proposer saw (and what the node shows now when that differs),
 * the reason, the proposer and who has signed, when it was made and the
 * time left, which nodes hold it, any problem that forbids approving
 * it, the plan of a rollback or flag change, then the exact document.
 * Allocated; never NULL.
 */
char	*cmd_review_text(const struct fleet *fleet,
	    const struct fleet_proposal *p, int64_t wall_ms);

/*
 * The review a proposer reads before signing cmd, whose canonical text
 * (proto_command_encode()) is document: as cmd_review_text() for a
 * proposal nobody holds or has signed yet, its id, action, targets,
 * plan or arguments, reason, proposer, when it was made and expires,
 * then what the signature covers, the SHA-256 and the exact document.
 * Allocated; never NULL.
 */
char	*cmd_draft_text(const struct fleet *fleet,
	    const struct proto_command *cmd, const char *document);

#endif
