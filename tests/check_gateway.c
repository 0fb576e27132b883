/*
 * check_gateway.c: vigild fleet --gateways through real processes: each
 * gateway serves its share of the nodes over one websocket, the console
 * takes them because the fleet file names each a gateway (and a plain
 * backend entry is still held to 64 nodes), a kill reaches its routers
 * through their gateways under the two-person rule, each with its own
 * audit log, and a gateway stopped with SIGSTOP shows exactly its nodes
 * stale, live again on SIGCONT.
 */
#include <sys/stat.h>

#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "opkey.h"
#include "proto.h"
#include "tests.h"
#include "urls.h"

#define GW_RUN_MS	30000	/* one vigil command */
#define GW_WAIT_MS	20000	/* a state to show */
#define GW_ID_MAX	64
#define GW_ODD		200	/* other gateways' nodes gone quiet */
#define GW_NAMED	"X-Vigil-Named: sha256\r\n"	/* vigil's header */

/* A started gateway fleet: its fleet file and each gateway's pid. */
struct gw_fleet {
	char	*file;
	pid_t	 vigild;
	pid_t	 gateway[3];
	char	 url[3][128];
};

/* Alice's and bob's keys, a trust file of both, an audit directory. */
struct gw_keys {
	char	*alice;
	char	*bob;
	char	*trust;
	char	*audit;
};

/* A vigil watch --json being read, and the other nodes gone quiet. */
struct gw_watch {
	struct e2e_lines	 lines;
	char			 odd[GW_ODD][GW_ID_MAX];
	size_t			 nodd;
};

static void	 gw_start(struct gw_fleet *, const char *const *);
static void	 gw_start_signed(struct gw_fleet *, struct gw_keys *);
static void	 gw_keys_free(struct gw_keys *);
static void	 gw_stop(struct gw_fleet *);
static void	 gw_vigil(struct e2e_result *, const char *, ...);
static json_t	*gw_status(const char *, int);
static const char *gw_state(json_t *, const char *, const char *);
static char	*gw_text(const char *, const char *);
static pid_t	 gw_watch_spawn(const char *, const char *, const char *,
		    int *);
static void	 gw_watch_line(const char *, size_t *, size_t *, size_t *);
static size_t	 gw_count(struct gw_watch *, const char *, int, size_t,
		    int);
static void	 gw_all_live(struct gw_watch *, size_t, int);
static json_t	*gw_next_node(struct gw_watch *, const char **,
		    const char **, const char **);
static void	 gw_proposals(struct e2e_ws *, const char *, size_t,
		    size_t *, size_t *);
static void	 gw_propose_30(struct gw_fleet *, const struct gw_keys *,
		    const char *, char *, size_t);
static void	 gw_forged_approve(struct e2e_ws *, const struct gw_keys *,
		    const char *);

/*
 * Start vigild fleet --gateways 3 of 290 routers and 10 stations, with
 * extra options; read each gateway's URL and pid from the fleet file.
 */
static void
gw_start(struct gw_fleet *g, const char *const *extra)
{
	const char	*argv[16] = { "--routers", "290", "--stations", "10",
			    "--gateways", "3" };
	char		 line[512];
	FILE		*f;
	size_t		 argc = 6, k = 0;
	long		 pid;
	unsigned	 count;

	while (extra != NULL && *extra != NULL && argc < 15)
		argv[argc++] = *extra++;
	argv[argc] = NULL;
	memset(g, 0, sizeof *g);
	g->file = e2e_start_fleet("calm", argv, &g->vigild);
	f = fopen(g->file, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL && k < 3) {
		if (line[0] == '#' || strncmp(line, "ca ", 3) == 0)
			continue;
		ck_assert_msg(sscanf(line, "%127s gateway=%u # gateway %*d, "
		    "pid %ld", g->url[k], &count, &pid) == 3, "fleet file "
		    "line: %s", line);
		ck_assert_uint_eq(count, 100);
		g->gateway[k++] = (pid_t)pid;
	}
	fclose(f);
	ck_assert_uint_eq(k, 3);
}

/*
 * Start the gateway fleet trusting alice and bob (keys made in k), each
 * node with its audit log in k's directory.
 */
static void
gw_start_signed(struct gw_fleet *g, struct gw_keys *k)
{
	const char	*extra[5];

	k->alice = e2e_make_key("alice");
	k->bob = e2e_make_key("bob");
	k->trust = e2e_trust_file(k->alice, "alice", k->bob, "bob",
	    (char *)NULL);
	k->audit = e2e_path("audit");
	ck_assert_int_eq(mkdir(k->audit, 0700), 0);
	extra[0] = "--trust";
	extra[1] = k->trust;
	extra[2] = "--audit-dir";
	extra[3] = k->audit;
	extra[4] = NULL;
	gw_start(g, extra);
}

/* Free what gw_start_signed() made. */
static void
gw_keys_free(struct gw_keys *k)
{
	free(k->alice);
	free(k->bob);
	free(k->trust);
	free(k->audit);
}

/* Stop the fleet as an operator would; its gateways end with it. */
static void
gw_stop(struct gw_fleet *g)
{
	size_t	k;

	e2e_kill(g->vigild, SIGTERM);
	ck_assert_int_eq(e2e_wait(g->vigild, GW_WAIT_MS), 0);
	for (k = 0; k < 3; k++)
		ck_assert_msg(kill(g->gateway[k], 0) == -1, "gateway %zu "
		    "outlived vigild", k + 1);
	free(g->file);
}

/* Run vigil with VIGIL_KEY=key (or none) and the arguments after it. */
static void
gw_vigil(struct e2e_result *r, const char *key, ...)
{
	va_list	 ap;
	char	*argv[24], env[512], *envp[2] = { env, NULL };
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	va_start(ap, key);
	while (argc < 23 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(env, sizeof env, "VIGIL_KEY=%s", key != NULL ? key : "");
	e2e_run(argv, key != NULL ? envp : NULL, GW_RUN_MS, r);
	ck_assert_msg(r->status != -1, "vigil %s did not finish", argv[3]);
	free(argv[0]);
}

/* vigil status --json of fleet file, which must list nodes nodes. */
static json_t *
gw_status(const char *file, int nodes)
{
	struct e2e_result	 r;
	json_t			*doc;

	gw_vigil(&r, NULL, "--fleet", file, "status", "--json", "--wait",
	    "15", (char *)NULL);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "status --json gave no JSON (exit %d): %s",
	    r.status, r.err);
	ck_assert_msg(json_array_size(json_object_get(doc, "nodes")) ==
	    (size_t)nodes, "status lists %zu nodes, not %d: %s",
	    json_array_size(json_object_get(doc, "nodes")), nodes, r.err);
	e2e_result_free(&r);
	return (doc);
}

/* Node id's field (state, or router's state with "router") in doc. */
static const char *
gw_state(json_t *doc, const char *id, const char *in)
{
	json_t		*node, *o;
	const char	*s;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "nodes"), i, node) {
		s = json_string_value(json_object_get(node, "id"));
		if (s == NULL || strcmp(s, id) != 0)
			continue;
		o = in != NULL ? json_object_get(node, in) : node;
		s = json_string_value(json_object_get(o, "state"));
		return (s != NULL ? s : "");
	}
	ck_abort_msg("status does not list %s", id);
	return ("");
}

/* The whole of file dir/name, or "" when it does not exist; allocated. */
static char *
gw_text(const char *dir, const char *name)
{
	char	*path, *buf;
	FILE	*f;
	long	 n;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		ck_abort_msg("out of memory");
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return (strdup(""));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return (buf);
}

/*
 * Count the proposal frames of command id bare console ws is sent, whole
 * and named by SHA-256, until want of them came or GW_WAIT_MS passed;
 * close it.
 */
static void
gw_proposals(struct e2e_ws *ws, const char *id, size_t want, size_t *whole,
    size_t *named)
{
	json_t		*msg;
	char		*frame;
	int64_t		 deadline = e2e_now_ms() + GW_WAIT_MS;

	*whole = *named = 0;
	while (*whole + *named < want && e2e_now_ms() < deadline) {
		if ((frame = e2e_ws_recv(ws, 1000)) == NULL)
			continue;
		msg = json_loads(frame, 0, NULL);
		free(frame);
		if (msg == NULL || strcmp(json_string_value(json_object_get(
		    msg, "type")) ? json_string_value(json_object_get(msg,
		    "type")) : "", "proposal") != 0 || json_string_value(
		    json_object_get(msg, "id")) == NULL || strcmp(
		    json_string_value(json_object_get(msg, "id")), id) != 0) {
			json_decref(msg);
			continue;
		}
		if (json_object_get(msg, "document") != NULL)
			(*whole)++;
		else if (json_object_get(msg, "sha256") != NULL)
			(*named)++;
		json_decref(msg);
	}
	e2e_ws_close(ws);
}

/*
 * alice proposes the kill of r111 .. r140, all the second gateway's, for
 * reason; its id in id.
 */
static void
gw_propose_30(struct gw_fleet *g, const struct gw_keys *k,
    const char *reason, char *id, size_t idlen)
{
	struct e2e_result	 r;
	char			*argv[40], name[30][16];
	char			 env[512], *envp[2] = { env, NULL }, fmt[32];
	size_t			 i;

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = g->file;
	argv[3] = "propose";
	argv[4] = "kill";
	for (i = 0; i < 30; i++) {
		snprintf(name[i], sizeof name[i], "router/r%zu", 111 + i);
		argv[5 + i] = name[i];
	}
	argv[35] = "--reason";
	argv[36] = (char *)reason;
	argv[37] = "--yes";
	argv[38] = NULL;
	snprintf(env, sizeof env, "VIGIL_KEY=%s", k->alice);
	e2e_run(argv, envp, GW_RUN_MS, &r);
	free(argv[0]);
	snprintf(fmt, sizeof fmt, "proposal %%%zu[0-9a-f]:", idlen - 1);
	ck_assert_msg(r.status == 0 && sscanf(r.out, fmt, id) == 1,
	    "propose exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
}

/*
 * bob's approval of id through a gateway, its signature forged (over
 * other bytes, naming the document held by its hash), in one message
 * for its 30 routers on bare console ws: each router refuses it in its
 * own words and audit log, and none carries it out, though the gateway
 * checks the one signature once for all of them.
 */
static void
gw_forged_approve(struct e2e_ws *ws, const struct gw_keys *k,
    const char *id)
{
	struct proto_msg	*m = calloc(1, sizeof *m);
	struct opkey		*key;
	json_t			*msg;
	char			*frame, *doc = NULL, *cause = NULL;
	const char		*type, *text, *outcome;
	size_t			 refused = 0, other = 0;
	int64_t			 deadline = e2e_now_ms() + GW_WAIT_MS;

	ck_assert_ptr_nonnull(m);
	while (doc == NULL && e2e_now_ms() < deadline) {
		if ((frame = e2e_ws_recv(ws, 1000)) == NULL)
			continue;
		msg = json_loads(frame, 0, NULL);
		free(frame);
		text = json_string_value(json_object_get(msg, "document"));
		if (text != NULL && strstr(text, id) != NULL)
			doc = strdup(text);
		json_decref(msg);
	}
	ck_assert_msg(doc != NULL, "no proposal of %s came", id);
	key = opkey_load(k->bob, NULL, &cause);
	ck_assert_msg(key != NULL, "%s: %s", k->bob, cause);
	m->type = MSG_APPROVE;
	snprintf(m->u.approve.id, sizeof m->u.approve.id, "%.32s", id);
	opkey_sha256_hex(doc, strlen(doc), m->u.approve.sha256);
	doc[strlen(doc) / 2] ^= 1;	/* other bytes signed */
	e2e_sign_document(key, "bob", doc, 0, &m->u.approve.sig);
	frame = proto_encode(m);
	e2e_ws_send(ws, frame);
	free(frame);
	while (refused + other < 30 && e2e_now_ms() < deadline) {
		if ((frame = e2e_ws_recv(ws, 1000)) == NULL)
			continue;
		msg = json_loads(frame, 0, NULL);
		free(frame);
		type = json_string_value(json_object_get(msg, "type"));
		text = json_string_value(json_object_get(msg, "text"));
		outcome = json_string_value(json_object_get(msg, "outcome"));
		if (type != NULL && strcmp(type, "result") == 0) {
			if (outcome != NULL && strcmp(outcome, "refused") ==
			    0 && text != NULL && strstr(text, "the signature "
			    "of bob does not verify") != NULL)
				refused++;
			else
				other++;
		}
		json_decref(msg);
	}
	ck_assert_msg(refused == 30 && other == 0, "a forged approval "
	    "through a gateway: %zu of 30 routers refused it, %zu answered "
	    "otherwise", refused, other);
	opkey_free(key);
	free(doc);
	free(m);
}

/*
 * A console that declares it keeps the document (x-vigil-named) is sent
 * a kill pending on 30 routers of one gateway whole once and named by
 * its SHA-256 29 times on that link; one that does not is sent it whole
 * each time; vigil shows the proposal whole; an approval forged is
 * refused by all 30, and bob's own carried out on all.
 */
START_TEST(a_gateway_sends_a_pending_document_once_per_link)
{
	struct gw_fleet		 g;
	struct e2e_result	 r;
	struct gw_keys		 k;
	char			 id[64];
	size_t			 whole, named;
	json_t			*doc, *p;
	struct e2e_ws		*ws;

	gw_start_signed(&g, &k);
	doc = gw_status(g.file, 300);
	json_decref(doc);

	/* r111 .. r140: all the second gateway's. */
	ws = e2e_ws_open_headers(g.url[1], GW_NAMED, GW_WAIT_MS);
	gw_propose_30(&g, &k, "named once per link", id, sizeof id);

	/* Connected as it was proposed: sent it as each router took it. */
	gw_proposals(ws, id, 30, &whole, &named);
	ck_assert_msg(whole == 1 && named == 29, "a console keeping the "
	    "document, connected before, was sent it whole %zu times and "
	    "named %zu times", whole, named);
	/* Connecting after: in each router's introduction. */
	ws = e2e_ws_open_headers(g.url[1], GW_NAMED, GW_WAIT_MS);
	gw_proposals(ws, id, 30, &whole, &named);
	ck_assert_msg(whole == 1 && named == 29, "a console keeping the "
	    "document was sent it whole %zu times and named %zu times",
	    whole, named);
	ws = e2e_ws_open_headers(g.url[1], NULL, GW_WAIT_MS);
	gw_proposals(ws, id, 30, &whole, &named);
	ck_assert_msg(whole == 30 && named == 0, "a console not keeping "
	    "the document was sent it whole %zu times and named %zu times",
	    whole, named);

	/* vigil, which keeps it, holds the proposal whole on all 30. */
	gw_vigil(&r, k.bob, "--fleet", g.file, "pending", "--json",
	    (char *)NULL);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "pending --json: %s%s", r.out, r.err);
	p = json_array_get(json_object_get(doc, "proposals"), 0);
	ck_assert_msg(json_string_value(json_object_get(p, "document")) !=
	    NULL && strstr(json_string_value(json_object_get(p, "document")),
	    "named once per link") != NULL && strstr(json_string_value(
	    json_object_get(p, "document")), "router/r140") != NULL,
	    "pending --json shows no whole document: %s", r.out);
	json_decref(doc);
	e2e_result_free(&r);

	/* Forged, refused by all 30; then bob's own carried out on all. */
	ws = e2e_ws_open_headers(g.url[1], NULL, GW_WAIT_MS);
	gw_forged_approve(ws, &k, id);
	e2e_ws_close(ws);
	gw_vigil(&r, k.bob, "--fleet", g.file, "approve", id, "--yes",
	    (char *)NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r111: executed")
	    != NULL && strstr(r.out, "router/r140: executed") != NULL,
	    "approve exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	e2e_wait_router_state(g.file, "router/r125", "killed", GW_WAIT_MS);

	gw_stop(&g);
	gw_keys_free(&k);
}
END_TEST

START_TEST(a_kill_reaches_its_routers_through_their_gateways)
{
	struct gw_fleet		 g;
	struct e2e_result	 r;
	struct gw_keys		 k;
	json_t			*doc;
	char			*log, id[64];

	gw_start_signed(&g, &k);

	/* Every node of the three gateways, each gateway's own. */
	doc = gw_status(g.file, 300);
	ck_assert_str_eq(gw_state(doc, "router/r150", "router"), "running");
	json_decref(doc);

	/* r150 is the second gateway's, r250 the third's: one message each. */
	gw_vigil(&r, k.alice, "--fleet", g.file, "propose", "--yes", "kill",
	    "router/r150", "router/r250", "--reason", "through its gateway",
	    (char *)NULL);
	ck_assert_msg(r.status == 0 && sscanf(r.out, "proposal %32[0-9a-f]:",
	    id) == 1 && strstr(r.out, "router/r150: accepted") != NULL &&
	    strstr(r.out, "router/r250: accepted") != NULL,
	    "propose exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	gw_vigil(&r, k.alice, "--fleet", g.file, "approve", id, "--yes",
	    (char *)NULL);
	ck_assert_msg(r.status != 0 && strstr(r.out, "executed") == NULL,
	    "alice approved her own kill: %s%s", r.out, r.err);
	e2e_result_free(&r);
	gw_vigil(&r, k.bob, "--fleet", g.file, "approve", id, "--yes",
	    (char *)NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r150: executed")
	    != NULL && strstr(r.out, "router/r250: executed") != NULL,
	    "approve exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);

	/* Only they stop; their neighbours on the same gateways run on. */
	e2e_wait_router_state(g.file, "router/r150", "killed", GW_WAIT_MS);
	e2e_wait_router_state(g.file, "router/r250", "killed", GW_WAIT_MS);
	doc = gw_status(g.file, 300);
	ck_assert_str_eq(gw_state(doc, "router/r149", "router"), "running");
	ck_assert_str_eq(gw_state(doc, "router/r151", "router"), "running");
	ck_assert_str_eq(gw_state(doc, "router/r249", "router"), "running");
	ck_assert_str_eq(gw_state(doc, "router/r1", "router"), "running");
	json_decref(doc);

	/* The command is in r150's own audit log, and in no neighbour's. */
	log = gw_text(k.audit, "router-r150.audit");
	ck_assert_msg(strstr(log, id) != NULL && strstr(log, "\"execute\"")
	    != NULL, "router/r150's audit log: %s", log);
	free(log);
	log = gw_text(k.audit, "router-r151.audit");
	ck_assert_msg(strstr(log, id) == NULL, "router/r151's audit log "
	    "holds the kill: %s", log);
	free(log);

	gw_stop(&g);
	gw_keys_free(&k);
}
END_TEST

/*
 * The next line of vigil watch --json within a second, parsed (free it
 * with json_decref), or NULL; its node's id, state and URL, or NULL for
 * those it lacks, go into *id, *state and *at.
 */
static json_t *
gw_next_node(struct gw_watch *w, const char **id, const char **state,
    const char **at)
{
	json_t	*ev, *node;
	char	 line[8192];

	if (e2e_next_line(&w->lines, line, sizeof line, 1000) != 1 ||
	    (ev = json_loads(line, 0, NULL)) == NULL)
		return (NULL);
	node = json_object_get(ev, "node");
	*id = json_string_value(json_object_get(node, "id"));
	*state = json_string_value(json_object_get(node, "state"));
	*at = json_string_value(json_object_get(node, "url"));
	return (ev);
}

/*
 * Read vigil watch --json events until want nodes of url went live (live
 * 1) or not live (live 0), for ms at most.  Nodes of other URLs that
 * go not live are kept in w->odd until they are live again: on a
 * machine this loaded a console descheduled for 3 s sees every node
 * stale for a moment, so only a node that stays so is wrong.  Returns
 * how many of url's did.
 */
static size_t
gw_count(struct gw_watch *w, const char *url, int live, size_t want,
    int ms)
{
	json_t		*ev;
	const char	*id, *state, *at;
	int64_t		 deadline = e2e_now_ms() + ms;
	size_t		 n = 0, k;
	int		 is_live;

	while (n < want && e2e_now_ms() < deadline) {
		if ((ev = gw_next_node(w, &id, &state, &at)) == NULL)
			continue;
		if (id != NULL && state != NULL && at != NULL) {
			is_live = strcmp(state, "live") == 0;
			if (strcmp(at, url) == 0)
				n += is_live == live;
			for (k = 0; k < w->nodd &&
			    strcmp(w->odd[k], id) != 0; k++)
				continue;
			if (strcmp(at, url) != 0 && !is_live && k == w->nodd &&
			    w->nodd < GW_ODD)
				snprintf(w->odd[w->nodd++], GW_ID_MAX, "%s",
				    id);
			else if (is_live && k < w->nodd)
				memcpy(w->odd[k], w->odd[--w->nodd],
				    GW_ID_MAX);
		}
		json_decref(ev);
	}
	return (n);
}

/*
 * Read vigil watch --json events until want distinct nodes have been
 * live, for ms at most: the console's links come up a few at a time, so
 * some time after watch starts is no proof that it has heard them all.
 * Fails the test saying how many it heard.
 */
static void
gw_all_live(struct gw_watch *w, size_t want, int ms)
{
	static char	 seen[300][GW_ID_MAX];
	json_t		*ev;
	const char	*id, *state, *at;
	int64_t		 deadline = e2e_now_ms() + ms;
	size_t		 n = 0, k;

	ck_assert_uint_le(want, sizeof seen / sizeof seen[0]);
	while (n < want && e2e_now_ms() < deadline) {
		if ((ev = gw_next_node(w, &id, &state, &at)) == NULL)
			continue;
		if (id != NULL && state != NULL && strcmp(state, "live") == 0) {
			for (k = 0; k < n && strcmp(seen[k], id) != 0; k++)
				continue;
			if (k == n)
				snprintf(seen[n++], GW_ID_MAX, "%s", id);
		}
		json_decref(ev);
	}
	ck_assert_msg(n == want, "watch heard %zu of the %zu nodes live "
	    "within %d ms", n, want, ms);
}

START_TEST(a_stopped_gateway_shows_exactly_its_nodes_stale)
{
	struct gw_fleet		 g;
	static struct gw_watch	 w;
	size_t			 n;
	pid_t			 watch;
	int			 fd;

	gw_start(&g, NULL);
	watch = gw_watch_spawn(g.file, "--json", "60", &fd);
	memset(&w, 0, sizeof w);
	e2e_lines_init(&w.lines, fd);
	gw_all_live(&w, 300, GW_WAIT_MS);

	/* Gateway 2 (nodes 101 to 200) freezes: its 100, and only they. */
	ck_assert_int_eq(kill(g.gateway[1], SIGSTOP), 0);
	n = gw_count(&w, g.url[1], 0, 100, GW_WAIT_MS);
	ck_assert_msg(n == 100, "%zu of gateway 2's 100 nodes went stale", n);
	/* While it stays stopped, no other node stays quiet. */
	gw_count(&w, g.url[1], 0, 1, 2000);
	ck_assert_msg(w.nodd == 0, "%s, not gateway 2's, went stale while "
	    "only gateway 2 stopped", w.odd[0]);

	/* SIGCONT: the same 100 come back, live. */
	ck_assert_int_eq(kill(g.gateway[1], SIGCONT), 0);
	n = gw_count(&w, g.url[1], 1, 100, GW_WAIT_MS);
	ck_assert_msg(n == 100, "%zu of gateway 2's 100 nodes came back", n);
	ck_assert_msg(w.nodd == 0, "%s, not gateway 2's, went stale while "
	    "only gateway 2 stopped, and stayed so", w.odd[0]);
	e2e_kill(watch, SIGTERM);
	e2e_wait(watch, GW_WAIT_MS);
	close(fd);
	gw_stop(&g);
}
END_TEST

/*
 * Start vigil watch on fleet file for seconds, with option opt (or
 * none); its output comes back through *fd.  Returns its pid.
 */
static pid_t
gw_watch_spawn(const char *file, const char *opt, const char *seconds,
    int *fd)
{
	char	*argv[8];
	pid_t	 pid;

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = (char *)file;
	argv[3] = "watch";
	argv[4] = "--for";
	argv[5] = (char *)seconds;
	argv[6] = (char *)opt;
	argv[7] = NULL;
	pid = e2e_spawn(argv, NULL, fd);
	free(argv[0]);
	return (pid);
}

/*
 * Read a text watch's line into counts of nodes gone to state (0 stale,
 * 1 live) whose state alone changed: each[], a node's own line, and
 * held[], the nodes a run's one line tells of, in runs[] such lines.
 */
static void
gw_watch_line(const char *line, size_t *each, size_t *held, size_t *runs)
{
	char		 id[GW_ID_MAX], word[32], noun[8];
	unsigned long	 n;
	int		 st;

	if (sscanf(line, "%*s %lu more %7s %31s", &n, noun, word) == 3 &&
	    strncmp(noun, "node", 4) == 0) {
		st = strcmp(word, "live") == 0;
		ck_assert_msg(st || strcmp(word, "stale") == 0, "watch: %s",
		    line);
		held[st] += n;
		runs[st]++;
		return;
	}
	if (strstr(line, " (changed: state)") == NULL ||
	    sscanf(line, "%*s %63s %31s", id, word) != 2 ||
	    strchr(id, '/') == NULL)
		return;
	if (strncmp(word, "stale", 5) == 0)
		each[0]++;
	else if (strncmp(word, "live", 4) == 0)
		each[1]++;
}

/*
 * A gateway of 100 nodes that stops and comes back takes them stale and
 * live again at once: watch prints HEADLESS_BURST lines of a run and one
 * line telling how many more (naming the first), which with the lines
 * printed counts every node; --every-line prints each.
 */
START_TEST(an_outage_in_text_watch_is_told_in_runs)
{
	struct gw_fleet		 g;
	struct e2e_lines	 l[2];
	char			 line[2048];
	size_t			 each[2][2], held[2][2], runs[2][2], k;
	pid_t			 w[2];
	int			 fd[2], eof[2] = { 0, 0 }, stopped = 0, r;
	int64_t			 t0;

	memset(each, 0, sizeof each);
	memset(held, 0, sizeof held);
	memset(runs, 0, sizeof runs);
	gw_start(&g, NULL);
	for (k = 0; k < 2; k++) {
		w[k] = gw_watch_spawn(g.file, k == 1 ? "--every-line" : NULL,
		    "16", &fd[k]);
		e2e_lines_init(&l[k], fd[k]);
	}
	t0 = e2e_now_ms();
	while (!eof[0] || !eof[1]) {
		ck_assert_msg(e2e_now_ms() - t0 < 40000, "watch did not end");
		/* Gateway 2 stops at 5 s and goes on at 10 s. */
		if (stopped == 0 && e2e_now_ms() - t0 >= 5000) {
			ck_assert_int_eq(kill(g.gateway[1], SIGSTOP), 0);
			stopped = 1;
		} else if (stopped == 1 && e2e_now_ms() - t0 >= 10000) {
			ck_assert_int_eq(kill(g.gateway[1], SIGCONT), 0);
			stopped = 2;
		}
		for (k = 0; k < 2; k++) {
			if (eof[k])
				continue;
			if ((r = e2e_next_line(&l[k], line, sizeof line,
			    50)) < 0)
				eof[k] = 1;
			else if (r > 0)
				gw_watch_line(line, each[k], held[k], runs[k]);
		}
	}
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(e2e_wait(w[k], GW_WAIT_MS), 0);
		close(fd[k]);
	}
	for (r = 0; r < 2; r++) {
		ck_assert_msg(each[1][r] >= 100 && runs[1][r] == 0,
		    "watch --every-line: %zu %s lines and %zu runs told in "
		    "one line", each[1][r], r ? "live" : "stale", runs[1][r]);
		ck_assert_msg(each[0][r] + held[0][r] >= 100 &&
		    runs[0][r] > 0 && each[0][r] < 100, "watch: %zu "
		    "%s lines, and %zu runs told of %zu more", each[0][r],
		    r ? "live" : "stale", runs[0][r], held[0][r]);
	}
	gw_stop(&g);
}
END_TEST

START_TEST(a_gateway_not_named_in_the_fleet_file_is_held_to_64_nodes)
{
	struct gw_fleet		 g;
	struct e2e_result	 r;
	char			*plain, *p;
	json_t			*doc, *a;
	size_t			 i, n = 0;
	FILE			*f;

	gw_start(&g, NULL);
	/* The same URLs without gateway=N: three plain backends. */
	plain = e2e_path("plain");
	f = fopen(plain, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "ca %s.ca\n", g.file);
	for (i = 0; i < 3; i++)
		fprintf(f, "%s\n", g.url[i]);
	fclose(f);
	gw_vigil(&r, NULL, "--fleet", plain, "status", "--json", "--wait",
	    "15", (char *)NULL);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "status gave no JSON: %s", r.err);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "nodes")),
	    3 * 64);
	json_array_foreach(json_object_get(doc, "alerts"), i, a) {
		p = (char *)json_string_value(json_object_get(a, "text"));
		if (strcmp(json_string_value(json_object_get(a, "rule")),
		    "link-nodes") != 0)
			continue;
		ck_assert_msg(strstr(p, "the 64 one backend may serve unless "
		    "the fleet file names it a gateway") != NULL, "%s", p);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	json_decref(doc);
	e2e_result_free(&r);
	free(plain);
	gw_stop(&g);
}
END_TEST

START_TEST(fleet_file_gateway_counts_are_read_and_mistakes_named)
{
	static const char *const bad[] = {
		"gateway=5 ws://127.0.0.1:7701\n",
		"ws://127.0.0.1:7701 gateway=0\n",
		"ws://127.0.0.1:7701 gateway=100001\n",
		"ws://127.0.0.1:7701 gateway=lots\n",
		"ws://127.0.0.1:7701 gateway\n",
	};
	struct urls	 urls = { NULL, NULL, 0, NULL };
	char		*path = e2e_path("fleet"), *cause = NULL;
	size_t		 i;
	FILE		*f;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("ws://127.0.0.1:7701/ gateway=5000 # twenty of these\n"
	    "ws://127.0.0.1:7702/\n", f);
	fclose(f);
	ck_assert_int_eq(urls_read(path, &urls, &cause), 0);
	ck_assert_uint_eq(urls.n, 2);
	ck_assert_uint_eq(urls.gateway[0], 5000);
	ck_assert_uint_eq(urls.gateway[1], 0);
	urls_free(&urls);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		fclose(f);
		ck_assert_int_eq(urls_read(path, &urls, &cause), -1);
		ck_assert_msg(strstr(cause, " line 1: ") != NULL &&
		    strstr(cause, "gateway=") != NULL, "%s: %s", bad[i],
		    cause);
		free(cause);
		cause = NULL;
		urls_free(&urls);
	}
	free(path);
}
END_TEST

Suite *
gateway_suite(void)
{
	Suite	*s = suite_create("gateway");
	TCase	*tc = tcase_create("gateway");

	tcase_add_checked_fixture(tc, e2e_setup, e2e_cleanup);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc,
	    fleet_file_gateway_counts_are_read_and_mistakes_named);
	tcase_add_test(tc,
	    a_gateway_not_named_in_the_fleet_file_is_held_to_64_nodes);
	tcase_add_test(tc, a_stopped_gateway_shows_exactly_its_nodes_stale);
	tcase_add_test(tc, an_outage_in_text_watch_is_told_in_runs);
	tcase_add_test(tc, a_kill_reaches_its_routers_through_their_gateways);
	tcase_add_test(tc, a_gateway_sends_a_pending_document_once_per_link);
	suite_add_tcase(s, tc);
	return (s);
}
