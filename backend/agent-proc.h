/*
 * agent-proc.h: a child process of the agent (a facts command or a
 * hook), run by "sh -c" in a process group of its own, with its output
 * and its end watched from the one event loop: its stdout and stderr
 * share one pipe, adopted into libwebsockets as a raw file, and its exit
 * arrives through a pidfd adopted the same way (or, where the kernel has
 * no pidfd, a waitpid() poll on a timer), so there is no SIGCHLD handler
 * and no race between a child ending and the loop sleeping.
 */
#ifndef VIGIL_AGENT_PROC_H
#define VIGIL_AGENT_PROC_H

#include <stddef.h>

struct agent_proc;
struct lws_context;
struct lws_protocols;
struct lws_vhost;

/* Output arrived: len bytes at buf (not NUL-terminated). */
typedef void agent_proc_output_cb(void *arg, const char *buf, size_t len);
/*
 * The process ended with waitpid() status, or was killed at its time
 * limit (timed_out set).  The process is freed when this returns.
 */
typedef void agent_proc_exit_cb(void *arg, int status, int timed_out);

/*
 * The vhost whose raw-file protocol watches every child's descriptors,
 * made once in context.  Returns it, or NULL and a sentence in *cause.
 */
struct lws_vhost *agent_proc_vhost(struct lws_context *context,
		    char **cause);

/*
 * A vhost called name in context that speaks protocols and listens on
 * no port (the children's, the facts poll's).  Returns it, or NULL and
 * the sentence fmt makes in *cause.
 */
struct lws_vhost *agent_proc_portless_vhost(struct lws_context *context,
		    const struct lws_protocols *protocols, const char *name,
		    char **cause, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

/*
 * In context's loop through vhost, run "sh -c cmd" with the environment
 * plus env (NULL-terminated "NAME=value", or NULL), input (or NULL for
 * /dev/null) on its standard input, killed with its process group after
 * timeout_ms (0: never).
 * Returns the process, or NULL and a sentence in *cause; nothing runs
 * then.
 */
struct agent_proc *agent_proc_start(struct lws_context *context,
		    struct lws_vhost *vhost, const char *cmd,
		    char *const *env, const char *input, int timeout_ms,
		    agent_proc_output_cb *output, agent_proc_exit_cb *exit_cb,
		    void *arg, char **cause);

/* Kill a process's group and forget it: no callback runs after this. */
void		 agent_proc_free(struct agent_proc *proc);

#endif
