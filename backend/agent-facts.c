/*
 * agent-facts.c: read a real node's facts from a command, a file or a
 * local HTTP endpoint (agent-facts.h), all from the one event loop.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "agent-facts.h"
#include "agent-proc.h"
#include "proto.h"
#include "util.h"

struct agent_facts {
	struct lws_context	*context;
	struct lws_vhost	*vhost;
	enum agent_facts_kind	 kind;
	char			*spec;
	char			 what[PROTO_TEXT_MAX / 2];
	agent_facts_line_cb	*line_cb;
	agent_facts_error_cb	*error_cb;
	void			*arg;
	lws_sorted_usec_list_t	 sul;		/* retry or poll */

	struct agent_proc	*proc;		/* cmd */
	char			*buf;		/* a line being assembled */
	size_t			 len;
	int			 skipping;	/* a line too long */

	struct stat		 seen;		/* file, when last read */
	int			 have_seen;
	char			 last_error[256];
};

static void	 agent_facts_run(lws_sorted_usec_list_t *);
static void	 agent_facts_output(void *, const char *, size_t);
static void	 agent_facts_exit(void *, int, int);
static void	 agent_facts_poll_file(lws_sorted_usec_list_t *);
static void	 agent_facts_file_error(struct agent_facts *, const char *);
static void	 agent_facts_last_line(struct agent_facts *, char *, size_t);

/* Start a source; see agent-facts.h. */
struct agent_facts *
agent_facts_start(struct lws_context *context, struct lws_vhost *vhost,
    enum agent_facts_kind kind, const char *spec, agent_facts_line_cb *line,
    agent_facts_error_cb *error, void *arg, char **cause)
{
	struct agent_facts	*f;

	f = xcalloc(1, sizeof *f);
	f->context = context;
	f->vhost = vhost;
	f->kind = kind;
	f->spec = xstrdup(spec);
	f->line_cb = line;
	f->error_cb = error;
	f->arg = arg;
	f->buf = xmalloc(AGENT_FACTS_LINE_MAX + 1);
	switch (kind) {
	case AGENT_FACTS_CMD:
		util_format(f->what, sizeof f->what, "the facts command "
		    "\"%.100s\"", spec);
		agent_facts_run(&f->sul);
		break;
	case AGENT_FACTS_FILE:
		util_format(f->what, sizeof f->what, "the facts file %.100s",
		    spec);
		agent_facts_poll_file(&f->sul);
		break;
	case AGENT_FACTS_URL:
		*cause = xasprintf("--facts-url %s: not available in this "
		    "vigild; give --facts-cmd or --facts-file", spec);
		agent_facts_free(f);
		return (NULL);
	}
	return (f);
}

/* Describe the source. */
const char *
agent_facts_what(const struct agent_facts *f)
{
	return (f->what);
}

/* Stop reading and free the source. */
void
agent_facts_free(struct agent_facts *f)
{
	if (f == NULL)
		return;
	lws_sul_cancel(&f->sul);
	agent_proc_free(f->proc);
	free(f->buf);
	free(f->spec);
	free(f);
}

/* Run the facts command (again). */
static void
agent_facts_run(lws_sorted_usec_list_t *sul)
{
	struct agent_facts	*f = lws_container_of(sul, struct agent_facts,
				    sul);
	char			*why = NULL, text[PROTO_TEXT_MAX];

	f->len = 0;
	f->skipping = 0;
	f->proc = agent_proc_start(f->context, f->vhost, f->spec, NULL, NULL,
	    0, agent_facts_output, agent_facts_exit, f, &why);
	if (f->proc != NULL)
		return;
	util_format(text, sizeof text, "%s cannot be started: %s; vigild "
	    "tries again in %d s", f->what, why, AGENT_FACTS_RETRY_MS / 1000);
	free(why);
	f->error_cb(f->arg, text);
	lws_sul_schedule(f->context, 0, &f->sul, agent_facts_run,
	    AGENT_FACTS_RETRY_MS * LWS_US_PER_MS);
}

/* Output of the command: hand on each whole line. */
static void
agent_facts_output(void *arg, const char *buf, size_t len)
{
	struct agent_facts	*f = arg;
	char			 text[PROTO_TEXT_MAX];
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			if (f->len < AGENT_FACTS_LINE_MAX)
				f->buf[f->len++] = buf[i];
			else if (!f->skipping) {
				f->skipping = 1;
				util_format(text, sizeof text, "%s printed a "
				    "line longer than %d bytes; facts are one "
				    "JSON object a line, so it was ignored",
				    f->what, AGENT_FACTS_LINE_MAX);
				f->error_cb(f->arg, text);
			}
			continue;
		}
		if (!f->skipping && f->len > 0) {
			f->buf[f->len] = '\0';
			f->line_cb(f->arg, f->buf, f->len);
		}
		f->len = 0;
		f->skipping = 0;
	}
}

/* The command ended: say so, and run it again after a pause. */
static void
agent_facts_exit(void *arg, int status, int timed_out)
{
	struct agent_facts	*f = arg;
	char			 text[PROTO_TEXT_MAX], how[64];

	(void)timed_out;
	f->proc = NULL;
	if (!f->skipping && f->len > 0) {
		f->buf[f->len] = '\0';
		f->line_cb(f->arg, f->buf, f->len);
	}
	if (WIFEXITED(status))
		util_format(how, sizeof how, "exited with status %d",
		    WEXITSTATUS(status));
	else
		util_format(how, sizeof how, "was killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	util_format(text, sizeof text, "%s %s; it should keep running and "
	    "print facts at least once a second; vigild runs it again in "
	    "%d s", f->what, how, AGENT_FACTS_RETRY_MS / 1000);
	f->error_cb(f->arg, text);
	lws_sul_schedule(f->context, 0, &f->sul, agent_facts_run,
	    AGENT_FACTS_RETRY_MS * LWS_US_PER_MS);
}

/* A complaint about the file, said once until it changes. */
static void
agent_facts_file_error(struct agent_facts *f, const char *text)
{
	if (strcmp(f->last_error, text) == 0)
		return;
	util_copy(f->last_error, sizeof f->last_error, text);
	f->error_cb(f->arg, text);
}

/* Hand on the last non-empty line of what was read into buf. */
static void
agent_facts_last_line(struct agent_facts *f, char *buf, size_t len)
{
	char	*end = buf + len, *start;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	*end = '\0';
	start = end;
	while (start > buf && start[-1] != '\n')
		start--;
	if (start == end) {
		agent_facts_file_error(f, "the facts file is empty; write one "
		    "JSON object on one line to it");
		return;
	}
	f->last_error[0] = '\0';
	f->line_cb(f->arg, start, (size_t)(end - start));
}

/* Look at the file; read it when it changed. */
static void
agent_facts_poll_file(lws_sorted_usec_list_t *sul)
{
	struct agent_facts	*f = lws_container_of(sul, struct agent_facts,
				    sul);
	struct stat		 st;
	char			 text[PROTO_TEXT_MAX];
	ssize_t			 got;
	size_t			 len = 0;
	int			 fd;

	lws_sul_schedule(f->context, 0, &f->sul, agent_facts_poll_file,
	    AGENT_FACTS_POLL_MS * LWS_US_PER_MS);
	if ((fd = open(f->spec, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1 ||
	    fstat(fd, &st) == -1) {
		util_format(text, sizeof text, "%s cannot be read: %s; the "
		    "node's facts must be written there", f->what,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		f->have_seen = 0;
		agent_facts_file_error(f, text);
		return;
	}
	if (f->have_seen && st.st_ino == f->seen.st_ino &&
	    st.st_size == f->seen.st_size &&
	    st.st_mtim.tv_sec == f->seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == f->seen.st_mtim.tv_nsec &&
	    st.st_ctim.tv_nsec == f->seen.st_ctim.tv_nsec) {
		close(fd);
		return;
	}
	f->seen = st;
	f->have_seen = 1;
	if (st.st_size > AGENT_FACTS_LINE_MAX) {
		/* Only the end matters: the last line is the facts. */
		if (lseek(fd, st.st_size - AGENT_FACTS_LINE_MAX, SEEK_SET) ==
		    -1)
			(void)0;
	}
	while (len < AGENT_FACTS_LINE_MAX && (got = read(fd, f->buf + len,
	    AGENT_FACTS_LINE_MAX - len)) > 0)
		len += (size_t)got;
	close(fd);
	agent_facts_last_line(f, f->buf, len);
}
