/*
 * agent-facts.h: where a real node's facts come from (vigild agent):
 *   cmd   a command the agent runs and keeps running, one JSON object a
 *         line on its standard output (run again AGENT_FACTS_RETRY_MS
 *         after it ends);
 *   file  a file re-read when it changes (size, time or inode), whose
 *         last line is the facts;
 *   url   an HTTP endpoint on this host, http://127.0.0.1:PORT/PATH or
 *         unix:SOCKET[:/PATH] (HTTP on a Unix-domain socket), polled
 *         every AGENT_FACTS_POLL_MS, whose body is the facts.
 * Each source hands on lines and complaints; what they mean is agent.c's.
 */
#ifndef VIGIL_AGENT_FACTS_H
#define VIGIL_AGENT_FACTS_H

#include <stddef.h>

#define AGENT_FACTS_LINE_MAX	(60 * 1024)	/* bytes in one object */
#define AGENT_FACTS_RETRY_MS	1000	/* before a command runs again */
#define AGENT_FACTS_POLL_MS	250	/* file and endpoint polls */

enum agent_facts_kind {
	AGENT_FACTS_CMD,
	AGENT_FACTS_FILE,
	AGENT_FACTS_URL,
};

struct agent_facts;
struct lws_context;
struct lws_vhost;

/* A line of facts (no newline, NUL-terminated), or a complaint. */
typedef void agent_facts_line_cb(void *arg, const char *line, size_t len);
typedef void agent_facts_error_cb(void *arg, const char *text);

/*
 * Start reading facts of kind from spec (the command, file or URL) in
 * context's loop.  Returns the source, or NULL and a sentence in *cause.
 */
struct agent_facts *agent_facts_start(struct lws_context *context,
		    struct lws_vhost *vhost, enum agent_facts_kind kind,
		    const char *spec, agent_facts_line_cb *line,
		    agent_facts_error_cb *error, void *arg, char **cause);

/*
 * Whether spec can be a source of kind (a URL this agent can poll),
 * before any loop runs.  Returns 0, or -1 and an allocated sentence in
 * *cause.
 */
int		 agent_facts_check(enum agent_facts_kind kind,
		    const char *spec, char **cause);

/* Describe the source for sentences: "the facts command \"...\"". */
const char	*agent_facts_what(const struct agent_facts *facts);

/* Stop reading and free the source. */
void		 agent_facts_free(struct agent_facts *facts);

#endif
