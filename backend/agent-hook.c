/*
 * agent-hook.c: run a real node's hook for an approved command and put
 * what became of it into words (agent-hook.h).
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-hook.h"
#include "agent-proc.h"
#include "util.h"

#define AGENT_HOOK_MAX_ENV	(16 + PROTO_MAX_ARGS)

struct agent_hook {
	struct agent_proc	*proc;
	struct command_pending	 p;		/* a copy: the engine's moves */
	char			 node[PROTO_ID_MAX];
	char			 option[32];
	int			 timeout_s;
	char			 tail[AGENT_HOOK_TAIL];	/* last output */
	size_t			 taillen;
	agent_hook_done_cb	*done;
	void			*arg;
	char			*env[AGENT_HOOK_MAX_ENV + 1];
	size_t			 nenv;
	char			*input;
};

static void	 agent_hook_output(void *, const char *, size_t);
static void	 agent_hook_exit(void *, int, int);
static void	 agent_hook_env(struct agent_hook *, const char *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	 agent_hook_last_lines(const struct agent_hook *, char *,
		    size_t);

/* Add NAME=value to the hook's environment. */
static void
agent_hook_env(struct agent_hook *h, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*value;

	if (h->nenv == AGENT_HOOK_MAX_ENV)
		return;
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) == -1)
		fatal("agent_hook_env: out of memory");
	va_end(ap);
	h->env[h->nenv++] = xasprintf("%s=%s", name, value);
	free(value);
}

/* Start a hook; see agent-hook.h. */
struct agent_hook *
agent_hook_start(struct lws_context *context, struct lws_vhost *vhost,
    const char *node, const char *option, const char *cmd,
    const struct command_pending *p, int timeout_s, agent_hook_done_cb *done,
    void *arg, char *cause, size_t causelen)
{
	struct agent_hook		 *h;
	const struct proto_command_target *t = NULL;
	char				 *why = NULL, name[64], *s;
	size_t				  i, len;

	h = xcalloc(1, sizeof *h);
	/* The engine frees its own; the hook keeps a copy to report on. */
	h->p = *p;
	h->p.cmd.targets = NULL;
	h->p.cmd.ntargets = 0;
	proto_command_copy(&h->p.cmd, &p->cmd);
	h->p.text = p->text != NULL ? xstrdup(p->text) : NULL;
	util_copy(h->node, sizeof h->node, node);
	util_copy(h->option, sizeof h->option, option);
	h->timeout_s = timeout_s;
	h->done = done;
	h->arg = arg;
	for (i = 0; i < p->cmd.ntargets; i++) {
		if (strcmp(p->cmd.targets[i].node, node) == 0)
			t = &p->cmd.targets[i];
	}
	agent_hook_env(h, "VIGIL_NODE", "%s", node);
	agent_hook_env(h, "VIGIL_ACTION", "%s", p->cmd.action);
	agent_hook_env(h, "VIGIL_COMMAND_ID", "%s", p->cmd.id);
	agent_hook_env(h, "VIGIL_PROPOSER", "%s", p->nsigs > 0 ?
	    p->sigs[0].operator : p->cmd.proposer);
	agent_hook_env(h, "VIGIL_APPROVER", "%s", p->nsigs > 1 ?
	    p->sigs[p->nsigs - 1].operator : "");
	agent_hook_env(h, "VIGIL_REASON", "%s", p->cmd.reason);
	agent_hook_env(h, "VIGIL_BUILD", "%s", t != NULL ? t->build : "");
	agent_hook_env(h, "VIGIL_STATE", "%s", t != NULL ? t->state : "");
	for (i = 0; i < p->cmd.nargs; i++) {
		util_format(name, sizeof name, "VIGIL_ARG_%s",
		    p->cmd.args[i].name);
		for (s = name; *s != '\0'; s++) {
			if (*s >= 'a' && *s <= 'z')
				*s = (char)(*s - 'a' + 'A');
			else if (!((*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9')))
				*s = '_';
		}
		agent_hook_env(h, name, "%s", p->cmd.args[i].value);
	}

	/* The document's bytes, then "OPERATOR SIGNATURE" per signer. */
	len = strlen(p->text) + 2;
	for (i = 0; i < p->nsigs; i++)
		len += strlen(p->sigs[i].operator) +
		    strlen(p->sigs[i].signature) + 2;
	h->input = xmalloc(len);
	s = h->input;
	s += sprintf(s, "%s\n", p->text);
	for (i = 0; i < p->nsigs; i++)
		s += sprintf(s, "%s %s\n", p->sigs[i].operator,
		    p->sigs[i].signature);

	h->proc = agent_proc_start(context, vhost, cmd, h->env, h->input,
	    timeout_s * 1000, agent_hook_output, agent_hook_exit, h, &why);
	if (h->proc == NULL) {
		util_format(cause, causelen, "%s could not start its %s hook "
		    "(%s): %s", node, p->cmd.action, option, why);
		free(why);
		agent_hook_free(h);
		return (NULL);
	}
	return (h);
}

/* The command a run carries out. */
const struct command_pending *
agent_hook_command(const struct agent_hook *h)
{
	return (&h->p);
}

/* Keep the last AGENT_HOOK_TAIL bytes the hook wrote. */
static void
agent_hook_output(void *arg, const char *buf, size_t len)
{
	struct agent_hook	*h = arg;
	size_t			 keep;

	if (len >= sizeof h->tail) {
		memcpy(h->tail, buf + len - sizeof h->tail, sizeof h->tail);
		h->taillen = sizeof h->tail;
		return;
	}
	if (h->taillen + len > sizeof h->tail) {
		keep = sizeof h->tail - len;
		memmove(h->tail, h->tail + h->taillen - keep, keep);
		h->taillen = keep;
	}
	memcpy(h->tail + h->taillen, buf, len);
	h->taillen += len;
}

/*
 * The last AGENT_HOOK_LINES non-empty lines of output joined by " | ",
 * control and non-ASCII bytes shown as '?', so that nothing a hook
 * prints can rewrite an operator's terminal; "" when it printed none.
 */
static void
agent_hook_last_lines(const struct agent_hook *h, char *buf, size_t len)
{
	char	 text[AGENT_HOOK_TAIL + 1], *line, *lines[AGENT_HOOK_LINES];
	char	*save = NULL, *p;
	size_t	 n = 0, i, used = 0;

	memcpy(text, h->tail, h->taillen);
	text[h->taillen] = '\0';
	for (p = text; *p != '\0'; p++) {
		if (*p != '\n' && ((unsigned char)*p < 0x20 ||
		    (unsigned char)*p >= 0x7f))
			*p = '?';
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (n == AGENT_HOOK_LINES) {
			memmove(lines, lines + 1, (n - 1) * sizeof *lines);
			n--;
		}
		lines[n++] = line;
	}
	buf[0] = '\0';
	for (i = 0; i < n && used + 1 < len; i++) {
		util_format(buf + used, len - used, "%s%s", i == 0 ? "" :
		    " | ", lines[i]);
		used = strlen(buf);
	}
}

/* The hook ended: say how, and hand the sentence on. */
static void
agent_hook_exit(void *arg, int status, int timed_out)
{
	struct agent_hook	*h = arg;
	const struct command_pending *p = &h->p;
	char			 out[PROTO_TEXT_MAX], how[96];
	char			 text[PROTO_TEXT_MAX * 2];
	int			 ok = 0;

	h->proc = NULL;		/* agent-proc frees it after this */
	agent_hook_last_lines(h, out, 200);
	if (timed_out)
		util_format(text, sizeof text, "%s's %s hook for %s ran past "
		    "its time limit of %d s (--hook-timeout) and was killed; "
		    "what it did is not known: check the node itself and its "
		    "facts before proposing again%s%s", h->node,
		    p->cmd.action, p->cmd.id, h->timeout_s,
		    out[0] != '\0' ? "; its last output: " : "", out);
	else {
		if (WIFEXITED(status)) {
			ok = WEXITSTATUS(status) == 0;
			util_format(how, sizeof how, "exited with status %d",
			    WEXITSTATUS(status));
			if (WEXITSTATUS(status) == 127)
				util_copy(how, sizeof how, "exited with "
				    "status 127 (command not found?)");
		} else
			util_format(how, sizeof how, "was killed by signal %d",
			    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		if (ok)
			util_format(text, sizeof text, "%s carried out %s %s "
			    "through its hook, proposed by %s and approved by "
			    "%s: the hook %s%s%s", h->node, p->cmd.action,
			    p->cmd.id, p->nsigs > 0 ? p->sigs[0].operator :
			    "?", p->nsigs > 1 ? p->sigs[p->nsigs - 1].operator :
			    "?", how, out[0] != '\0' ? "; its output: " : "",
			    out);
		else
			util_format(text, sizeof text, "%s's %s hook for %s "
			    "failed: it %s; check the node and the hook (%s) "
			    "before proposing again%s%s", h->node,
			    p->cmd.action, p->cmd.id, how, h->option,
			    out[0] != '\0' ? "; its last output: " : "", out);
	}
	text[PROTO_TEXT_MAX - 1] = '\0';
	h->done(h->arg, p, ok, text);
	agent_hook_free(h);
}

/* Kill a run (if it still runs) and free it. */
void
agent_hook_free(struct agent_hook *h)
{
	size_t	i;

	if (h == NULL)
		return;
	agent_proc_free(h->proc);
	for (i = 0; i < h->nenv; i++)
		free(h->env[i]);
	free(h->input);
	proto_command_clear(&h->p.cmd);
	free(h->p.text);
	free(h);
}
