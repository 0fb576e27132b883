/*
 * agent-proc.c: the agent's child processes (agent-proc.h), watched from
 * the event loop without threads or signal handlers.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "agent-proc.h"
#include "util.h"

#define AGENT_PROC_PROTOCOL	"vigil-agent-proc"
#define AGENT_PROC_POLL_MS	50	/* waitpid() poll without a pidfd */
#define AGENT_PROC_READ_MAX	(64 * 1024)	/* per pass, so output
						   cannot starve consoles */

extern char **environ;

struct agent_proc {
	struct lws_context	*context;
	pid_t			 pid;
	int			 out_fd;
	struct lws		*out_wsi;	/* stdout and stderr */
	struct lws		*pid_wsi;	/* the pidfd, or NULL */
	lws_sorted_usec_list_t	 timeout_sul;
	lws_sorted_usec_list_t	 poll_sul;
	int			 timed_out;
	agent_proc_output_cb	*output;
	agent_proc_exit_cb	*exit_cb;
	void			*arg;
};

static int	 agent_proc_callback(struct lws *, enum lws_callback_reasons,
		    void *, void *, size_t);
static int	 agent_proc_read(struct agent_proc *);
static int	 agent_proc_reap(struct agent_proc *, int);
static void	 agent_proc_detach(struct agent_proc *);
static void	 agent_proc_timeout(lws_sorted_usec_list_t *);
static void	 agent_proc_poll(lws_sorted_usec_list_t *);
static struct lws *agent_proc_adopt(struct lws_vhost *, int,
		    struct agent_proc *);
static void	 agent_proc_child(const char *, char *const *, int, int)
		    __attribute__((noreturn));

static const struct lws_protocols agent_proc_protocols[] = {
	{ AGENT_PROC_PROTOCOL, agent_proc_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Make the vhost that watches the children's descriptors. */
struct lws_vhost *
agent_proc_vhost(struct lws_context *context, char **cause)
{
	return (agent_proc_portless_vhost(context, agent_proc_protocols,
	    "vigil-agent-children", cause, "cannot watch child processes: "
	    "libwebsockets refused a vhost for them"));
}

/* Make a vhost that listens on no port; see agent-proc.h. */
struct lws_vhost *
agent_proc_portless_vhost(struct lws_context *context,
    const struct lws_protocols *protocols, const char *name, char **cause,
    const char *fmt, ...)
{
	struct lws_context_creation_info	 info;
	struct lws_vhost			*vh;
	va_list					 ap;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.vhost_name = name;
	if ((vh = lws_create_vhost(context, &info)) == NULL) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return (vh);
}

/* Adopt fd into the loop for proc; NULL if the loop refused it. */
static struct lws *
agent_proc_adopt(struct lws_vhost *vhost, int fd, struct agent_proc *proc)
{
	lws_sock_file_fd_type	 desc;
	struct lws		*wsi;

	memset(&desc, 0, sizeof desc);
	desc.filefd = fd;
	wsi = lws_adopt_descriptor_vhost(vhost, LWS_ADOPT_RAW_FILE_DESC, desc,
	    AGENT_PROC_PROTOCOL, NULL);
	if (wsi != NULL)
		lws_set_opaque_user_data(wsi, proc);
	return (wsi);
}

/*
 * In the child: its own process group (so a time limit kills what it
 * started too), in_fd and out_fd as its standard descriptors, nothing
 * else of vigild's open, default signal dispositions; then the shell.
 */
static void
agent_proc_child(const char *cmd, char *const *envp, int in_fd, int out_fd)
{
	sigset_t	set;
	int		fd;

	setpgid(0, 0);
	if (dup2(in_fd, 0) == -1 || dup2(out_fd, 1) == -1 ||
	    dup2(out_fd, 2) == -1)
		_exit(127);
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
		for (fd = 3; fd < 65536; fd++)
			close(fd);
	}
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	execle("/bin/sh", "sh", "-c", cmd, (char *)NULL, envp);
	_exit(127);
}

/* Start a child; see agent-proc.h. */
struct agent_proc *
agent_proc_start(struct lws_context *context, struct lws_vhost *vhost,
    const char *cmd, char *const *env,
    const char *input, int timeout_ms, agent_proc_output_cb *output,
    agent_proc_exit_cb *exit_cb, void *arg, char **cause)
{
	struct agent_proc	*proc;
	char			**envp;
	size_t			  n = 0, k = 0, i;
	int			  in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int			  pidfd;

	if (pipe2(out, O_CLOEXEC) == -1 || (input != NULL ?
	    pipe2(in, O_CLOEXEC) : (in[0] = open("/dev/null",
	    O_RDONLY | O_CLOEXEC))) == -1) {
		*cause = xasprintf("cannot run \"%s\": no pipe: %s", cmd,
		    strerror(errno));
		goto fail;
	}
	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[k] != NULL)
		k++;
	envp = xcalloc(n + k + 1, sizeof *envp);
	memcpy(envp, environ, n * sizeof *envp);
	for (i = 0; i < k; i++)
		envp[n + i] = env[i];

	proc = xcalloc(1, sizeof *proc);
	proc->context = context;
	proc->output = output;
	proc->exit_cb = exit_cb;
	proc->arg = arg;
	proc->out_fd = out[0];
	if ((proc->pid = fork()) == -1) {
		*cause = xasprintf("cannot run \"%s\": fork: %s", cmd,
		    strerror(errno));
		free(envp);
		free(proc);
		goto fail;
	}
	if (proc->pid == 0)
		agent_proc_child(cmd, envp, in[0], out[1]);
	free(envp);
	/* Both sides, so a group kill cannot miss a child still starting. */
	setpgid(proc->pid, proc->pid);
	close(out[1]);
	close(in[0]);
	if (input != NULL) {
		/* A document fits a pipe's buffer; the child reads it. */
		fcntl(in[1], F_SETFL, O_NONBLOCK);
		if (write(in[1], input, strlen(input)) < 0)
			(void)0;	/* it may not read stdin: fine */
		close(in[1]);
	}
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	proc->out_wsi = agent_proc_adopt(vhost, out[0], proc);
	if (proc->out_wsi == NULL)
		close(out[0]);
	pidfd = (int)syscall(SYS_pidfd_open, proc->pid, 0);
	if (pidfd != -1 && (proc->pid_wsi = agent_proc_adopt(vhost, pidfd,
	    proc)) == NULL)
		close(pidfd);
	if (proc->pid_wsi == NULL)
		lws_sul_schedule(proc->context, 0, &proc->poll_sul,
		    agent_proc_poll, AGENT_PROC_POLL_MS * LWS_US_PER_MS);
	if (timeout_ms > 0)
		lws_sul_schedule(proc->context, 0, &proc->timeout_sul,
		    agent_proc_timeout, (lws_usec_t)timeout_ms *
		    LWS_US_PER_MS);
	return (proc);

fail:
	if (out[0] != -1) {
		close(out[0]);
		close(out[1]);
	}
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	return (NULL);
}

/*
 * Read what the child wrote.  Returns 0, or -1 at end of file (the
 * descriptor is then to be closed).
 */
static int
agent_proc_read(struct agent_proc *proc)
{
	char	buf[4096];
	size_t	total = 0;
	ssize_t	got;

	while (total < AGENT_PROC_READ_MAX) {
		got = read(proc->out_fd, buf, sizeof buf);
		if (got > 0) {
			total += (size_t)got;
			proc->output(proc->arg, buf, (size_t)got);
			continue;
		}
		if (got == 0)
			return (-1);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		return (-1);
	}
	return (0);
}

/* Stop watching proc's descriptors; the loop closes them. */
static void
agent_proc_detach(struct agent_proc *proc)
{
	if (proc->out_wsi != NULL) {
		lws_set_opaque_user_data(proc->out_wsi, NULL);
		lws_set_timeout(proc->out_wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		proc->out_wsi = NULL;
	}
	if (proc->pid_wsi != NULL) {
		lws_set_opaque_user_data(proc->pid_wsi, NULL);
		lws_set_timeout(proc->pid_wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		proc->pid_wsi = NULL;
	}
	lws_sul_cancel(&proc->timeout_sul);
	lws_sul_cancel(&proc->poll_sul);
}

/*
 * If the child has ended, read the rest of its output, tell the owner
 * and free proc.  Returns 1 when it had ended, else 0.
 */
static int
agent_proc_reap(struct agent_proc *proc, int flags)
{
	pid_t	got;
	int	status;

	do
		got = waitpid(proc->pid, &status, flags);
	while (got == -1 && errno == EINTR);
	if (got == 0)
		return (0);
	if (got == -1)
		status = 127 << 8;	/* not ours any more: say it failed */
	if (proc->out_wsi != NULL)
		agent_proc_read(proc);
	agent_proc_detach(proc);
	proc->exit_cb(proc->arg, status, proc->timed_out);
	free(proc);
	return (1);
}

/* The time limit passed: kill the child and what it started. */
static void
agent_proc_timeout(lws_sorted_usec_list_t *sul)
{
	struct agent_proc	*proc = lws_container_of(sul,
				    struct agent_proc, timeout_sul);

	proc->timed_out = 1;
	kill(-proc->pid, SIGKILL);
	kill(proc->pid, SIGKILL);
}

/* Without a pidfd: look for the child's end every AGENT_PROC_POLL_MS. */
static void
agent_proc_poll(lws_sorted_usec_list_t *sul)
{
	struct agent_proc	*proc = lws_container_of(sul,
				    struct agent_proc, poll_sul);

	if (agent_proc_reap(proc, WNOHANG))
		return;
	lws_sul_schedule(proc->context, 0, &proc->poll_sul, agent_proc_poll,
	    AGENT_PROC_POLL_MS * LWS_US_PER_MS);
}

/* Kill proc's group, reap it and forget it, with no callback. */
void
agent_proc_free(struct agent_proc *proc)
{
	if (proc == NULL)
		return;
	kill(-proc->pid, SIGKILL);
	kill(proc->pid, SIGKILL);
	while (waitpid(proc->pid, NULL, 0) == -1 && errno == EINTR)
		;
	agent_proc_detach(proc);
	free(proc);
}

/* Output to read, a child ended, or a descriptor closed. */
static int
agent_proc_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct agent_proc	*proc;

	(void)user;
	(void)in;
	(void)len;
	if (wsi == NULL || (reason != LWS_CALLBACK_RAW_RX_FILE &&
	    reason != LWS_CALLBACK_RAW_CLOSE_FILE))
		return (0);
	if ((proc = lws_get_opaque_user_data(wsi)) == NULL)
		return (reason == LWS_CALLBACK_RAW_RX_FILE ? -1 : 0);
	if (reason == LWS_CALLBACK_RAW_CLOSE_FILE) {
		/* The loop closes it (a hangup): forget it, keep the rest. */
		lws_set_opaque_user_data(wsi, NULL);
		if (wsi == proc->out_wsi) {
			agent_proc_read(proc);
			proc->out_wsi = NULL;
		} else if (wsi == proc->pid_wsi) {
			proc->pid_wsi = NULL;
			lws_sul_schedule(proc->context, 0, &proc->poll_sul,
			    agent_proc_poll, AGENT_PROC_POLL_MS *
			    LWS_US_PER_MS);
		}
		return (0);
	}
	if (wsi == proc->pid_wsi) {
		proc->pid_wsi = NULL;	/* closed by returning -1 */
		lws_set_opaque_user_data(wsi, NULL);
		if (!agent_proc_reap(proc, WNOHANG))
			lws_sul_schedule(proc->context, 0, &proc->poll_sul,
			    agent_proc_poll, AGENT_PROC_POLL_MS *
			    LWS_US_PER_MS);
		return (-1);
	}
	if (wsi == proc->out_wsi && agent_proc_read(proc) != 0) {
		proc->out_wsi = NULL;
		lws_set_opaque_user_data(wsi, NULL);
		return (-1);
	}
	return (0);
}
