/*
 * agent-facts.c: read a real node's facts from a command, a file or a
 * local HTTP endpoint (agent-facts.h), all from the one event loop.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

	struct lws_vhost	*http_vhost;	/* url */
	struct lws		*http;		/* a request in flight */
	char			 address[112];	/* or "+" and a socket */
	char			 host[64];	/* the Host header */
	int			 port;
	char			*path;
	int			 http_status;
	int			 http_done;

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
static int	 agent_facts_url_parse(struct agent_facts *, char **);
static int	 agent_facts_unix_parse(struct agent_facts *, char **);
static void	 agent_facts_poll_url(lws_sorted_usec_list_t *);
static const char *agent_facts_refused(struct agent_facts *, char *,
		    size_t);
static int	 agent_facts_http(struct lws *, enum lws_callback_reasons,
		    void *, void *, size_t);
static void	 agent_facts_http_end(struct agent_facts *, const char *);
static struct lws_vhost *agent_facts_vhost(struct agent_facts *, char **);

#define AGENT_FACTS_HTTP	"vigil-agent-facts-http"

static const struct lws_protocols agent_facts_protocols[] = {
	{ AGENT_FACTS_HTTP, agent_facts_http, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

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
		util_format(f->what, sizeof f->what, "the facts endpoint "
		    "%.100s", spec);
		if (agent_facts_url_parse(f, cause) != 0 ||
		    (f->http_vhost = agent_facts_vhost(f, cause)) == NULL) {
			agent_facts_free(f);
			return (NULL);
		}
		agent_facts_poll_url(&f->sul);
		break;
	}
	return (f);
}

/* Whether spec is a facts source of kind that can be asked; see .h. */
int
agent_facts_check(enum agent_facts_kind kind, const char *spec,
    char **cause)
{
	struct agent_facts	f;
	int			rc;

	if (kind != AGENT_FACTS_URL)
		return (0);
	memset(&f, 0, sizeof f);
	f.spec = (char *)spec;
	rc = agent_facts_url_parse(&f, cause);
	free(f.path);
	return (rc);
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
	if (f->http != NULL) {
		lws_set_opaque_user_data(f->http, NULL);
		lws_set_timeout(f->http, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
	}
	free(f->path);
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

/*
 * Take unix:SOCKET[:/PATH] apart: HTTP on a Unix-domain socket of this
 * host, which libwebsockets reaches through an address of "+" and the
 * socket's path.  Returns 0, or -1 with a sentence in *cause.
 */
static int
agent_facts_unix_parse(struct agent_facts *f, char **cause)
{
	const char	*sock = f->spec + 5, *colon;
	size_t		 n;

	colon = strchr(sock, ':');
	n = colon != NULL ? (size_t)(colon - sock) : strlen(sock);
	if (n == 0 || sock[0] != '/' || n + 2 > sizeof f->address ||
	    n >= sizeof ((struct sockaddr_un *)NULL)->sun_path ||
	    (colon != NULL && colon[1] != '/')) {
		*cause = xasprintf("--facts-url %s: give unix: and the full "
		    "path of the socket, at most %zu bytes, then :/PATH if the "
		    "facts are not at /, as in "
		    "unix:/run/smars/vigil.sock:/facts", f->spec,
		    sizeof ((struct sockaddr_un *)NULL)->sun_path - 1);
		return (-1);
	}
	f->address[0] = '+';
	memcpy(f->address + 1, sock, n);
	f->address[n + 1] = '\0';
	util_copy(f->host, sizeof f->host, "localhost");
	f->port = 80;
	f->path = xstrdup(colon != NULL ? colon + 1 : "/");
	return (0);
}

/*
 * Take http://ADDRESS:PORT/PATH, or unix:SOCKET[:/PATH], apart.  The
 * endpoint must be on this host: an IPv4 loopback address, as numbers,
 * since name lookups would block the loop, or a Unix-domain socket.
 * Returns 0, or -1 with a sentence in *cause.
 */
static int
agent_facts_url_parse(struct agent_facts *f, char **cause)
{
	const char	*p = f->spec, *colon, *slash;
	char		*end;
	size_t		 n;
	long		 port;

	if (strncmp(p, "unix:", 5) == 0)
		return (agent_facts_unix_parse(f, cause));
	if (strncmp(p, "http://", 7) != 0) {
		*cause = xasprintf("--facts-url %s: only http:// URLs of this "
		    "host, or unix: and a socket's path, are polled, such as "
		    "http://127.0.0.1:9100/facts or "
		    "unix:/run/smars/vigil.sock:/facts", f->spec);
		return (-1);
	}
	p += 7;
	slash = strchr(p, '/');
	colon = strchr(p, ':');
	if (colon == NULL || (slash != NULL && colon > slash)) {
		*cause = xasprintf("--facts-url %s: give the port, as in "
		    "http://127.0.0.1:9100/facts", f->spec);
		return (-1);
	}
	n = (size_t)(colon - p);
	if (n == 0 || n >= sizeof f->host || strncmp(p, "127.", 4) != 0) {
		*cause = xasprintf("--facts-url %s: the endpoint must be on "
		    "this host, at a 127.x.x.x address written as numbers, "
		    "as in http://127.0.0.1:9100/facts", f->spec);
		return (-1);
	}
	memcpy(f->host, p, n);
	f->host[n] = '\0';
	util_copy(f->address, sizeof f->address, f->host);
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || port < 1 || port > 65535 ||
	    (*end != '\0' && *end != '/')) {
		*cause = xasprintf("--facts-url %s: the port is not a number "
		    "from 1 to 65535", f->spec);
		return (-1);
	}
	f->port = (int)port;
	f->path = xstrdup(*end == '/' ? end : "/");
	return (0);
}

/* Ask the endpoint for the facts, unless a request is still out. */
static void
agent_facts_poll_url(lws_sorted_usec_list_t *sul)
{
	struct agent_facts		*f = lws_container_of(sul,
					    struct agent_facts, sul);
	struct lws_client_connect_info	 info;
	char				 why[PROTO_TEXT_MAX / 2];

	lws_sul_schedule(f->context, 0, &f->sul, agent_facts_poll_url,
	    AGENT_FACTS_POLL_MS * LWS_US_PER_MS);
	if (f->http != NULL)
		return;
	memset(&info, 0, sizeof info);
	info.context = f->context;
	info.vhost = f->http_vhost;
	info.address = f->address;
	info.port = f->port;
	info.path = f->path;
	info.host = f->host;
	info.origin = f->host;
	info.method = "GET";
	info.protocol = AGENT_FACTS_HTTP;
	info.local_protocol_name = AGENT_FACTS_HTTP;
	info.opaque_user_data = f;
	info.pwsi = &f->http;
	f->len = 0;
	f->skipping = 0;
	f->http_status = 0;
	f->http_done = 0;
	if (lws_client_connect_via_info(&info) == NULL) {
		f->http = NULL;
		agent_facts_http_end(f, agent_facts_refused(f, why,
		    sizeof why));
	}
}

/*
 * Why a connection to the endpoint could not even start, in why: for a
 * Unix-domain socket, what is at its path (libwebsockets says nothing).
 */
static const char *
agent_facts_refused(struct agent_facts *f, char *why, size_t len)
{
	struct stat	st;

	if (f->address[0] != '+')
		util_format(why, len, "it could not be asked: the event loop "
		    "refused the connection");
	else if (stat(f->address + 1, &st) == -1)
		util_format(why, len, "there is no socket at %s (%s)",
		    f->address + 1, strerror(errno));
	else if (!S_ISSOCK(st.st_mode))
		util_format(why, len, "%s is not a socket", f->address + 1);
	else
		util_format(why, len, "nothing accepts connections on the "
		    "socket %s", f->address + 1);
	return (why);
}

/* A request ended: hand on the body, or say why there is none. */
static void
agent_facts_http_end(struct agent_facts *f, const char *why)
{
	char	text[PROTO_TEXT_MAX];

	if (why == NULL && f->http_status != 200)
		util_format(text, sizeof text, "%s answered HTTP status %d, "
		    "not 200 with the facts", f->what, f->http_status);
	else if (why == NULL && f->skipping)
		util_format(text, sizeof text, "%s sent more than %d bytes; "
		    "facts are one JSON object", f->what,
		    AGENT_FACTS_LINE_MAX);
	else if (why != NULL)
		util_format(text, sizeof text, "%s did not answer: %s; check "
		    "that the node's service listens there", f->what, why);
	else {
		f->buf[f->len] = '\0';
		f->last_error[0] = '\0';
		f->line_cb(f->arg, f->buf, f->len);
		return;
	}
	agent_facts_file_error(f, text);
}

/* The endpoint's answer, in the pieces libwebsockets hands over. */
static int
agent_facts_http(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct agent_facts	*f;
	char			 buf[LWS_PRE + 4096], *px = buf + LWS_PRE;
	int			 lenx = sizeof buf - LWS_PRE;

	if (wsi == NULL || (f = lws_get_opaque_user_data(wsi)) == NULL)
		return (lws_callback_http_dummy(wsi, reason, user, in, len));
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		f->http_status = (int)lws_http_client_http_response(wsi);
		return (0);
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (f->len + len > AGENT_FACTS_LINE_MAX)
			f->skipping = 1;
		else {
			memcpy(f->buf + f->len, in, len);
			f->len += len;
		}
		return (0);
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		return (lws_http_client_read(wsi, &px, &lenx) < 0 ? -1 : 0);
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		f->http_done = 1;
		agent_facts_http_end(f, NULL);
		lws_set_opaque_user_data(wsi, NULL);
		f->http = NULL;
		return (-1);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		agent_facts_http_end(f, in != NULL && len > 0 ? (char *)in :
		    "the connection failed");
		lws_set_opaque_user_data(wsi, NULL);
		f->http = NULL;
		return (0);
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		lws_set_opaque_user_data(wsi, NULL);
		f->http = NULL;
		if (!f->http_done)
			agent_facts_http_end(f, "it closed the connection "
			    "before the whole answer");
		return (0);
	default:
		break;
	}
	return (lws_callback_http_dummy(wsi, reason, user, in, len));
}

/* The vhost whose client protocol asks the endpoint. */
static struct lws_vhost *
agent_facts_vhost(struct agent_facts *f, char **cause)
{
	return (agent_proc_portless_vhost(f->context, agent_facts_protocols,
	    "vigil-agent-facts", cause, "cannot poll %s: libwebsockets "
	    "refused a vhost for it", f->what));
}
