/*
 * agent-hook.h: one run of a real node's hook, the executable that
 * carries out an approved command (vigild agent --on-kill CMD...).
 *
 * It runs only after the two-person rule and the command's audit entry:
 * the signed document and its signatures on its standard input, the
 * command's fields in its environment (VIGIL_ACTION, VIGIL_COMMAND_ID,
 * VIGIL_NODE, VIGIL_PROPOSER, VIGIL_APPROVER, VIGIL_REASON, VIGIL_BUILD,
 * VIGIL_STATE, VIGIL_ARG_NAME for each argument), killed with what it
 * started at its time limit.  Its exit status and the last lines of its
 * output become the sentence every console is sent.
 */
#ifndef VIGIL_AGENT_HOOK_H
#define VIGIL_AGENT_HOOK_H

#include <stddef.h>

#include "command.h"

#define AGENT_HOOK_LINES	4	/* lines of output in the result */
#define AGENT_HOOK_TAIL		1024	/* bytes of output kept */

struct agent_hook;
struct lws_context;
struct lws_vhost;

/* The hook ended: ok (exit 0) or not, and the sentence to show. */
typedef void agent_hook_done_cb(void *arg, const struct command_pending *p,
    int ok, const char *text);

/*
 * Run hook cmd (the value of option, "--on-kill") for p on node within
 * timeout_s seconds.  Returns the run, or NULL and a sentence in cause
 * (nothing runs then).  done is called once, from the loop, when it
 * ends; the run is freed after it returns.
 */
struct agent_hook *agent_hook_start(struct lws_context *context,
		    struct lws_vhost *vhost, const char *node,
		    const char *option, const char *cmd,
		    const struct command_pending *p, int timeout_s,
		    agent_hook_done_cb *done, void *arg, char *cause,
		    size_t causelen);

/* The command a run carries out. */
const struct command_pending *agent_hook_command(const struct agent_hook *h);

/* Kill a run without calling done (vigild is stopping). */
void		 agent_hook_free(struct agent_hook *h);

#endif
