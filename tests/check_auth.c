/*
 * check_auth.c: operators on the link, through real processes on
 * 127.0.0.1: vigild's hello carries a challenge, a console with a key
 * answers it, the backend checks the answer against its trust file and
 * tells every console who is watching; with --read key, a console that
 * does not answer reads nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "auth.h"
#include "cmd.h"
#include "fleet.h"
#include "e2e.h"
#include "proto.h"
#include "tests.h"

#define START_MS	20000	/* vigild writing its fleet file */
#define RUN_MS		30000	/* one vigil run */
#define SCREEN_MS	20000	/* the console showing something */
#define ANSWER_MS	5000	/* a backend answering a frame */

/* The keys and trust file of one test: alice and bob trusted, eve not. */
struct world {
	char	*alice, *bob, *eve;
	char	*trust;
	char	*fleet;
	char	*url;
	pid_t	 vigild;
};

static void	 world_start(struct world *, const char *);
static void	 world_free(struct world *);
static void	 vigil_run(struct e2e_result *, const char *, ...);
static json_t	*status_json(const struct world *, const char *);
static char	*hello_challenge(struct e2e_ws *, char *, size_t);
static char	*auth_frame(const char *, const char *, const char *);
static char	*recv_type(struct e2e_ws *, const char *, int);
static char	*recv_has(struct e2e_ws *, const char *, int);
static void	 named_no_one(const struct world *);
static char	*refusing_fleet(const char *const *);

static void
setup(void)
{
	e2e_setup();
}

static void
teardown(void)
{
	e2e_cleanup();
}

/*
 * Start `vigild node` router/r1 trusting alice and bob, with read
 * ("anyone", "key", or NULL for the default), and wait for its fleet
 * file.
 */
static void
world_start(struct world *w, const char *read)
{
	char	*argv[16], line[512];
	FILE	*f;
	int	 argc = 0;

	memset(w, 0, sizeof *w);
	w->alice = e2e_make_key("alice");
	w->bob = e2e_make_key("bob");
	w->eve = e2e_make_key("eve");
	w->trust = e2e_trust_file(w->alice, "alice", w->bob, "bob", NULL);
	w->fleet = e2e_path("fleet");
	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "node";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = "r1";
	argv[argc++] = "--trust";
	argv[argc++] = w->trust;
	argv[argc++] = "--fleet-file";
	argv[argc++] = w->fleet;
	if (read != NULL) {
		argv[argc++] = "--read";
		argv[argc++] = (char *)read;
	}
	argv[argc] = NULL;
	w->vigild = e2e_spawn(argv, NULL, NULL);
	free(argv[0]);
	ck_assert_msg(e2e_wait_file(w->fleet, START_MS) == 0, "vigild wrote "
	    "no fleet file: %s", e2e_stderr_of(w->vigild));
	f = fopen(w->fleet, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "wss://", 6) == 0 ||
		    strncmp(line, "ws://", 5) == 0) {
			line[strcspn(line, " \n")] = '\0';
			w->url = strdup(line);
		}
	}
	fclose(f);
	ck_assert_ptr_nonnull(w->url);
}

static void
world_free(struct world *w)
{
	free(w->alice);
	free(w->bob);
	free(w->eve);
	free(w->trust);
	free(w->fleet);
	free(w->url);
}

/* Run vigil with the arguments given (NULL-ended), key first if any. */
static void
vigil_run(struct e2e_result *r, const char *first, ...)
{
	char		*argv[24];
	const char	*a;
	va_list		 ap;
	int		 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	va_start(ap, first);
	for (a = first; a != NULL && argc < 23; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	e2e_run(argv, NULL, RUN_MS, r);
	free(argv[0]);
}

/* `vigil status --json` with key (or none), parsed. */
static json_t *
status_json(const struct world *w, const char *key)
{
	struct e2e_result	 r;
	json_error_t		 err;
	json_t			*doc;

	if (key != NULL)
		vigil_run(&r, "--fleet", w->fleet, "--key", key, "status",
		    "--json", NULL);
	else
		vigil_run(&r, "--fleet", w->fleet, "status", "--json", NULL);
	doc = json_loads(r.out, 0, &err);
	ck_assert_msg(doc != NULL, "status --json gave no JSON (exit %d): "
	    "%s / %s", r.status, r.out, r.err);
	e2e_result_free(&r);
	return (doc);
}

/* The challenge of the hello ws receives first, into buf. */
static char *
hello_challenge(struct e2e_ws *ws, char *buf, size_t len)
{
	struct proto_msg	 m;
	char			*frame, cause[PROTO_TEXT_MAX];

	frame = e2e_ws_recv(ws, ANSWER_MS);
	ck_assert_msg(frame != NULL, "no hello came");
	ck_assert_msg(proto_decode(frame, strlen(frame), &m, cause,
	    sizeof cause) == 0 && m.type == MSG_HELLO, "first frame is not a "
	    "hello: %s (%s)", frame, cause);
	ck_assert_msg(strlen(m.u.hello.challenge) == 32, "hello carries no "
	    "challenge: %s", frame);
	snprintf(buf, len, "%s", m.u.hello.challenge);
	proto_msg_clear(&m);	/* a hello's builds are on the heap */
	free(frame);
	return (buf);
}

/* An auth frame for challenge and node signed with the key at path. */
static char *
auth_frame(const char *path, const char *challenge, const char *node)
{
	struct cmd_operator	 op;
	char			*cause = NULL, *frame;

	memset(&op, 0, sizeof op);
	ck_assert_msg(cmd_operator_load(&op, path, NULL, &cause) == 0, "%s",
	    cause);
	frame = cmd_auth_frame(&op, challenge, node, &cause);
	ck_assert_msg(frame != NULL, "%s", cause);
	cmd_operator_free(&op);
	return (frame);
}

/*
 * The first frame of type (JSON "type") ws receives within ms, or NULL;
 * frames of other types are skipped.
 */
static char *
recv_type(struct e2e_ws *ws, const char *type, int ms)
{
	char	want[64];

	snprintf(want, sizeof want, "\"type\":\"%s\"", type);
	return (recv_has(ws, want, ms));
}

/* The first frame holding want that ws receives within ms, or NULL. */
static char *
recv_has(struct e2e_ws *ws, const char *want, int ms)
{
	char	*frame;
	int64_t	 end = e2e_now_ms() + ms;

	while (e2e_now_ms() < end) {
		frame = e2e_ws_recv(ws, (int)(end - e2e_now_ms()));
		if (frame == NULL)
			return (NULL);
		if (strstr(frame, want) != NULL)
			return (frame);
		free(frame);
	}
	return (NULL);
}

/* vigild has named no console's operator (its log says so when it does). */
static void
named_no_one(const struct world *w)
{
	char	*err = e2e_stderr_of(w->vigild);

	ck_assert_msg(strstr(err, "is operator") == NULL, "vigild named an "
	    "operator: %s", err);
	free(err);
}

/* Does the JSON array names hold name? */
static int
names_hold(json_t *names, const char *name)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(names, i, v) {
		if (strcmp(json_string_value(v), name) == 0)
			return (1);
	}
	return (0);
}

START_TEST(test_two_authenticated_consoles_see_each_other)
{
	struct world	 w;
	json_t		*doc, *watching;
	char		 cmd[2048], *vigil, *screen;

	world_start(&w, NULL);
	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "XDG_CONFIG_HOME=%s timeout --foreground 120 %s --fleet %s "
	    "--key %s; sleep 30", e2e_dir(), vigil, w.fleet, w.alice);
	e2e_tmux_start(160, 40, cmd);
	free(e2e_tmux_wait(SCREEN_MS, "alice's console, signing", "signs as "
	    "alice", "1 live", (char *)NULL));
	snprintf(cmd, sizeof cmd, "env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "XDG_CONFIG_HOME=%s timeout --foreground 120 %s --fleet %s "
	    "--key %s; sleep 30", e2e_dir(), vigil, w.fleet, w.bob);
	e2e_tmux_window(cmd);
	free(vigil);

	/* Each header names the other operator. */
	free(e2e_tmux_wait(SCREEN_MS, "bob's console naming alice",
	    "also watching: alice", "signs as bob", (char *)NULL));
	e2e_tmux_select(0);
	free(e2e_tmux_wait(SCREEN_MS, "alice's console naming bob",
	    "also watching: bob", (char *)NULL));
	/* The node's detail says it too. */
	e2e_tmux_keys("Enter", 0);
	screen = e2e_tmux_wait(SCREEN_MS, "the node's watchers",
	    "watching", "you (alice)", (char *)NULL);
	ck_assert_msg(strstr(screen, "also watching: bob") != NULL, "the "
	    "node's detail does not name bob:\n%s", screen);
	free(screen);

	/* status --json carries who watches, and who this console is. */
	doc = status_json(&w, w.bob);
	watching = json_object_get(json_array_get(json_object_get(doc,
	    "nodes"), 0), "watching");
	ck_assert_msg(watching != NULL, "status --json has no watching");
	ck_assert(names_hold(json_object_get(watching, "operators"),
	    "alice"));
	ck_assert(names_hold(json_object_get(watching, "operators"), "bob"));
	ck_assert_str_eq(json_string_value(json_object_get(watching, "you")),
	    "bob");
	ck_assert_int_ge(json_integer_value(json_object_get(watching,
	    "consoles")), 3);
	json_decref(doc);
	world_free(&w);
}
END_TEST

START_TEST(test_an_untrusted_key_is_told_so_in_words)
{
	struct world		 w;
	struct e2e_result	 r;
	json_t			*doc, *node;
	const char		*error;

	world_start(&w, NULL);
	vigil_run(&r, "--fleet", w.fleet, "--key", w.eve, "status", NULL);
	ck_assert_msg(strstr(r.out, "operator eve is not in router/r1's "
	    "trust file") != NULL && strstr(r.out, "vigil-key pub") != NULL,
	    "no sentence says eve is not trusted: %s / %s", r.out, r.err);
	e2e_result_free(&r);
	/* Reading is open here, so eve still reads, unnamed. */
	doc = status_json(&w, w.eve);
	node = json_array_get(json_object_get(doc, "nodes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(node, "state")),
	    "live");
	error = json_string_value(json_object_get(node, "error"));
	ck_assert_msg(error != NULL && strstr(error, "auth refused") != NULL,
	    "status --json does not carry the refusal");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    node, "watching"), "you")), "");
	json_decref(doc);
	world_free(&w);
}
END_TEST

START_TEST(test_replayed_forged_and_second_answers_are_refused)
{
	struct world	 w;
	struct e2e_ws	*a, *b;
	char		 ca[64], cb[64], *frame, *reply;

	world_start(&w, NULL);
	a = e2e_ws_open(w.url, ANSWER_MS);
	b = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(a, ca, sizeof ca);
	hello_challenge(b, cb, sizeof cb);
	ck_assert_str_ne(ca, cb);

	/* alice's good answer for a, replayed on b. */
	frame = auth_frame(w.alice, ca, "router/r1");
	e2e_ws_send(b, frame);
	reply = recv_type(b, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "not this connection's")
	    != NULL && strstr(reply, "replayed") != NULL, "a replayed answer "
	    "was not refused in words: %s", reply);
	free(reply);
	/* b answered once, badly: it takes no second answer. */
	free(frame);
	frame = auth_frame(w.alice, cb, "router/r1");
	e2e_ws_send(b, frame);
	reply = recv_type(b, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "one answer only") !=
	    NULL, "a second answer was not refused: %s", reply);
	free(reply);
	free(frame);

	/* For another node: refused. */
	e2e_ws_close(b);
	b = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(b, cb, sizeof cb);
	frame = auth_frame(w.alice, cb, "router/r2");
	e2e_ws_send(b, frame);
	reply = recv_type(b, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "made for router/r2") !=
	    NULL, "an answer for another node was not refused: %s", reply);
	free(reply);
	free(frame);

	/* Forged: alice's name and key, bob's signature. */
	frame = auth_frame(w.bob, ca, "router/r1");
	{
		json_t	*j = json_loads(frame, 0, NULL), *pub;
		char	*alice_frame = auth_frame(w.alice, ca, "router/r1");

		pub = json_loads(alice_frame, 0, NULL);
		json_object_set(j, "operator", json_object_get(pub,
		    "operator"));
		json_object_set(j, "key", json_object_get(pub, "key"));
		free(frame);
		frame = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		json_decref(pub);
		free(alice_frame);
	}
	e2e_ws_send(a, frame);
	reply = recv_type(a, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "does not verify") !=
	    NULL, "a forged answer was not refused: %s", reply);
	free(reply);
	free(frame);
	/* And vigild named no one. */
	named_no_one(&w);
	e2e_ws_close(a);
	e2e_ws_close(b);
	world_free(&w);
}
END_TEST

START_TEST(test_answers_are_bounded_before_verifying)
{
	struct world	 w;
	struct e2e_ws	*ws;
	char		 c[64], *good, *bad, *reply, *big;
	size_t		 i, n;
	int		 answered = 0;

	world_start(&w, NULL);
	ws = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(ws, c, sizeof c);
	good = auth_frame(w.alice, c, "router/r1");
	e2e_ws_close(ws);

	/* Oversized fields are refused by size, naming the field. */
	big = malloc(4096);
	memset(big, 'A', 4095);
	big[4095] = '\0';
	ws = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(ws, c, sizeof c);
	if (asprintf(&bad, "{\"type\":\"auth\",\"operator\":\"alice\","
	    "\"node\":\"router/r1\",\"challenge\":\"%s\",\"key\":\"k\","
	    "\"signature\":\"%s\"}", c, big) == -1)
		ck_abort_msg("out of memory");
	e2e_ws_send(ws, bad);
	reply = recv_type(ws, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "signature") != NULL,
	    "an oversized signature was not refused by size: %s", reply);
	free(reply);
	free(bad);
	e2e_ws_close(ws);
	free(big);

	/* Every byte of a good answer flipped: each refused, none crash. */
	n = strlen(good);
	for (i = 0; i < n; i += 3) {
		ws = e2e_ws_open(w.url, ANSWER_MS);
		hello_challenge(ws, c, sizeof c);
		bad = strdup(good);
		bad[i] ^= (char)(1 + (i % 7));
		if (e2e_ws_try_send(ws, bad) == 0 &&
		    (reply = recv_type(ws, "error", ANSWER_MS)) != NULL) {
			answered++;
			free(reply);
		}
		free(bad);
		e2e_ws_close(ws);
	}
	ck_assert_int_gt(answered, 0);
	named_no_one(&w);
	/* vigild still answers, and answers right. */
	ws = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(ws, c, sizeof c);
	free(good);
	good = auth_frame(w.alice, c, "router/r1");
	e2e_ws_send(ws, good);
	reply = recv_has(ws, "\"you\":\"alice\"", ANSWER_MS);
	ck_assert_msg(reply != NULL, "after the flipped answers a good one "
	    "was not taken");
	free(reply);
	e2e_ws_close(ws);
	free(good);
	world_free(&w);
}
END_TEST

/*
 * A backend that lets only operators read, as vigild --read key behaves
 * on every connection, slowly: its hello with a challenge, the refusal
 * of the answer 1.5 s later, the close 0.3 s after that.
 */
#define REFUSING_HELLO	"{\"type\":\"hello\",\"node\":\"router/r1\"," \
	"\"version\":1,\"role\":\"router\",\"group\":\"g\",\"build\":" \
	"\"b1\",\"clock_ms\":0,\"flags\":[],\"read\":\"key\"," \
	"\"challenge\":\"00112233445566778899aabbccddeeff\"}"
static const char *const refusing_backend[] = {
	REFUSING_HELLO,
	E2E_ROGUE_PAUSE "1500",
	"{\"type\":\"error\",\"node\":\"router/r1\",\"in_reply_to\":\"auth\","
	"\"text\":\"auth refused: operator eve is not in router/r1's trust "
	"file, so this console stays unnamed\"}",
	NULL
};

/*
 * As refusing_backend, with a reason holding a quote, an escape
 * sequence and a character beyond ASCII, which JSON must carry escaped.
 */
static const char *const refusing_oddly[] = {
	REFUSING_HELLO,
	E2E_ROGUE_PAUSE "1500",
	"{\"type\":\"error\",\"node\":\"router/r1\",\"in_reply_to\":\"auth\","
	"\"text\":\"auth refused: operator \\\"eve\\\"\\u001b[2J is not in "
	"r\\u00e9seau's trust file\"}",
	NULL
};
#define REFUSING_ODDLY	"auth refused: operator \"eve\"\033[2J is not in " \
	"r\303\251seau's trust file"

/* Is node, a NODE of the JSON output, refused with the odd reason? */
static int
refused_oddly(json_t *node)
{
	const char	*state, *error;

	state = json_string_value(json_object_get(node, "state"));
	error = json_string_value(json_object_get(node, "error"));
	return (state != NULL && strcmp(state, "refused") == 0 &&
	    error != NULL && strcmp(error, REFUSING_ODDLY) == 0);
}

/*
 * A node whose backend refused this console's key is refused in every
 * report, with the backend's reason escaped: status --json used to give
 * it as live (with the refusal only as its error), and watch said live
 * again at each reconnection's hello, so a script read a live node
 * that sends it nothing.  status and alerts exit 3 in both forms.
 */
START_TEST(test_a_refused_node_is_refused_in_json_too)
{
	struct e2e_result	 r;
	json_error_t		 jerr;
	json_t			*doc, *node;
	char			*eve = e2e_make_key("eve"), *fleet;
	char			*line, *next;
	int			 refused = 0;

	fleet = refusing_fleet(refusing_oddly);

	vigil_run(&r, "--fleet", fleet, "--key", eve, "status", "--json",
	    "--wait", "2.9", NULL);
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(r.status == 3 && doc != NULL && strchr(r.out, '\033') ==
	    NULL && refused_oddly(json_array_get(json_object_get(doc,
	    "nodes"), 0)), "status --json does not give the node refused, "
	    "with the reason escaped, and exit 3 (exit %d): %s / %s",
	    r.status, r.out, r.err);
	json_decref(doc);
	e2e_result_free(&r);

	vigil_run(&r, "--fleet", fleet, "--key", eve, "status", "--wait",
	    "2.9", NULL);
	ck_assert_msg(r.status == 3 && strstr(r.out, "1 refused") != NULL &&
	    strstr(r.out, " refused ") != NULL && strstr(r.out, " live ") ==
	    NULL, "status does not give the node refused (exit %d): %s / %s",
	    r.status, r.out, r.err);
	e2e_result_free(&r);

	vigil_run(&r, "--fleet", fleet, "--key", eve, "alerts", "--json",
	    "--wait", "2.9", NULL);
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(r.status == 3 && doc != NULL && strstr(r.err, "sends "
	    "nothing but its hello") != NULL, "alerts --json did not exit 3 "
	    "naming the refusal (exit %d): %s / %s", r.status, r.out, r.err);
	json_decref(doc);
	e2e_result_free(&r);

	/* Through reconnections, each with its hello. */
	vigil_run(&r, "--fleet", fleet, "--key", eve, "watch", "--json",
	    "--for", "8", NULL);
	ck_assert_msg(strchr(r.out, '\033') == NULL, "watch --json wrote an "
	    "escape unescaped: %s", r.out);
	for (line = r.out; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		ck_assert_ptr_nonnull(doc = json_loads(line, 0, &jerr));
		if ((node = json_object_get(doc, "node")) != NULL) {
			ck_assert_msg(refused_oddly(node), "watch --json "
			    "gave the node not refused: %s", line);
			refused++;
		}
		json_decref(doc);
	}
	ck_assert_msg(refused == 1, "watch --json gave %d node events for "
	    "the refused node, not one", refused);
	e2e_result_free(&r);
	free(fleet);
	free(eve);
}
END_TEST

/*
 * A fleet file naming one rogue backend (router/r1's) that sends frames
 * to each console and closes 0.3 s after the last: its path, allocated.
 */
static char *
refusing_fleet(const char *const *frames)
{
	FILE	*f;
	char	*url, *fleet;

	url = e2e_rogue_backend(frames, 300, "refused");
	fleet = e2e_path("fleet-refusing");
	ck_assert_ptr_nonnull(f = fopen(fleet, "w"));
	fprintf(f, "%s # router/r1\n", url);
	ck_assert_int_eq(fclose(f), 0);
	free(url);
	return (fleet);
}

/*
 * Proposing to a node whose backend refused this console's key stops
 * at the refusal and says it: it used to wait out --wait and tell the
 * operator to check that the backend runs, or to wait longer.
 */
START_TEST(test_proposing_to_a_refusing_backend_says_the_refusal)
{
	struct e2e_result	 r;
	char			*eve = e2e_make_key("eve"), *fleet;
	int64_t			 start;

	fleet = refusing_fleet(refusing_backend);
	start = e2e_now_ms();
	vigil_run(&r, "--fleet", fleet, "--key", eve, "propose", "--yes",
	    "kill", "router/r1", "--reason", "halt", "--wait", "25", NULL);
	ck_assert_msg(r.status == 3 && strstr(r.err, "the backend of "
	    "router/r1 sends this console nothing but its hello, so nothing "
	    "was proposed: auth refused: operator eve is not in router/r1's "
	    "trust file") != NULL && e2e_now_ms() - start < 20000,
	    "propose to a refusing backend exited %d after %lld ms: %s / %s",
	    r.status, (long long)(e2e_now_ms() - start), r.out, r.err);
	e2e_result_free(&r);
	free(fleet);
	free(eve);
}
END_TEST

/*
 * A console whose key a backend refused says so and exits 3, however
 * the refusal and the reconnections that follow it fall: status used to
 * print the fleet and exit 0 when --wait ran out while the link had
 * reconnected and heard the hello again, before the next refusal (it
 * forgot the refusal on reconnecting).  The screen keeps showing it
 * across those reconnections.
 */
START_TEST(test_a_refused_console_never_reports_success)
{
	struct e2e_result	 r;
	char			*eve = e2e_make_key("eve"), *fleet;
	char			 cmd[2048], *vigil, *screen;
	int			 i;

	fleet = refusing_fleet(refusing_backend);
	/* The wait runs out after the first reconnection's hello. */
	vigil_run(&r, "--fleet", fleet, "--key", eve, "status", "--wait",
	    "2.9", NULL);
	ck_assert_msg(r.status == 3 && strstr(r.out, "operator eve is not in "
	    "router/r1's trust file") != NULL && strstr(r.err, "sends "
	    "nothing but its hello to this console: auth refused") != NULL,
	    "a refused console was not told (exit %d): %s / %s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);

	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "XDG_CONFIG_HOME=%s timeout --foreground 120 %s --fleet %s "
	    "--key %s; sleep 30", e2e_dir(), vigil, fleet, eve);
	e2e_tmux_start(160, 40, cmd);
	free(e2e_tmux_wait(SCREEN_MS, "the refusal", "operator eve is not "
	    "in router/r1's trust file", (char *)NULL));
	/* Through two reconnections, each with its hello. */
	for (i = 0; i < 16; i++) {
		e2e_sleep_ms(250);
		screen = e2e_tmux_capture();
		ck_assert_msg(strstr(screen, "operator eve is not in "
		    "router/r1's trust file") != NULL, "the refusal went "
		    "from the screen on reconnecting:\n%s", screen);
		free(screen);
	}
	e2e_tmux_stop();
	free(vigil);
	free(fleet);
	free(eve);
}
END_TEST

/*
 * A console without a key watching a node whose vigild lets only
 * operators read (--read key): vigild sends its hello, waits 10 s for
 * an answer and closes, and the console reconnects, over and over.  The
 * node is refused, and its alert stands steadily for the refusal: one
 * node-down raised, naming it and saying to start vigil with a key,
 * never cleared at a reconnection's hello, and no node-stale for the
 * silence after each hello.  It used to raise and clear both every 10 s.
 */
START_TEST(test_a_refused_node_keeps_one_steady_alert)
{
	struct world	 w;
	struct e2e_result r;
	json_error_t	 jerr;
	json_t		*doc, *alert;
	const char	*rule, *change, *text, *action;
	char		*line, *next;
	int		 raised = 0;

	world_start(&w, "key");
	/* Two of vigild's closes, and the reconnections after them. */
	vigil_run(&r, "--fleet", w.fleet, "watch", "--json", "--for", "24",
	    NULL);
	ck_assert_msg(r.status == 0, "watch exited %d: %s", r.status, r.err);
	for (line = r.out; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		ck_assert_ptr_nonnull(doc = json_loads(line, 0, &jerr));
		if ((alert = json_object_get(doc, "alert")) == NULL) {
			json_decref(doc);
			continue;
		}
		rule = json_string_value(json_object_get(alert, "rule"));
		change = json_string_value(json_object_get(doc, "change"));
		text = json_string_value(json_object_get(alert, "text"));
		action = json_string_value(json_object_get(alert, "action"));
		ck_assert_msg(rule != NULL && change != NULL &&
		    strcmp(rule, "node-down") == 0 &&
		    strcmp(change, "raised") == 0, "a refused node's alerts "
		    "churn: %s", line);
		ck_assert_msg(text != NULL && action != NULL && strstr(text,
		    "router/r1 is refused to this console: router/r1 lets "
		    "only operators read its telemetry") != NULL &&
		    strstr(action, "Start vigil with --key FILE") != NULL,
		    "node-down does not name the refusal: %s", line);
		raised++;
		json_decref(doc);
	}
	ck_assert_msg(raised == 1, "node-down raised %d times, not once: %s",
	    raised, r.out);
	e2e_result_free(&r);
	world_free(&w);
}
END_TEST

START_TEST(test_reading_requires_a_key_when_told)
{
	struct world		 w;
	struct e2e_result	 r;
	struct e2e_ws		*ws;
	json_t			*doc, *node;
	char			 c[64], *frame, *reply;

	world_start(&w, "key");
	/* No key: a sentence saying so and what to do, and no reading. */
	vigil_run(&r, "--fleet", w.fleet, "status", NULL);
	ck_assert_msg(r.status != 0 && strstr(r.err, "lets only operators "
	    "read its telemetry") != NULL && strstr(r.err, "--key FILE") !=
	    NULL, "a console without a key was not told (exit %d): %s / %s",
	    r.status, r.out, r.err);
	e2e_result_free(&r);
	/* An untrusted key is refused, and the link closed. */
	vigil_run(&r, "--fleet", w.fleet, "--key", w.eve, "status", NULL);
	ck_assert_msg(r.status != 0 && strstr(r.out, "operator eve is not "
	    "in router/r1's trust file") != NULL, "eve was not refused "
	    "(exit %d): %s / %s", r.status, r.out, r.err);
	e2e_result_free(&r);
	/* A trusted one reads. */
	doc = status_json(&w, w.alice);
	node = json_array_get(json_object_get(doc, "nodes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(node, "state")),
	    "live");
	ck_assert_ptr_nonnull(json_object_get(node, "router"));
	json_decref(doc);

	/* The backend itself withholds telemetry until the answer. */
	ws = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(ws, c, sizeof c);
	reply = e2e_ws_recv(ws, 1000);
	ck_assert_msg(reply == NULL, "an unanswered console was sent %s",
	    reply);
	e2e_ws_send(ws, "{\"type\":\"cancel\",\"id\":\"0123456789abcdef"
	    "0123456789abcdef\",\"sig\":{\"operator\":\"x\",\"signature\":"
	    "\"c2ln\"}}");
	reply = recv_type(ws, "error", ANSWER_MS);
	ck_assert_msg(reply != NULL && strstr(reply, "before answering") !=
	    NULL, "a message before the answer was not refused: %s", reply);
	free(reply);
	e2e_ws_close(ws);
	ws = e2e_ws_open(w.url, ANSWER_MS);
	hello_challenge(ws, c, sizeof c);
	frame = auth_frame(w.bob, c, "router/r1");
	e2e_ws_send(ws, frame);
	reply = recv_type(ws, "stats", ANSWER_MS);
	ck_assert_msg(reply != NULL, "bob's answer did not open reading");
	free(reply);
	free(frame);
	e2e_ws_close(ws);
	world_free(&w);
}
END_TEST

START_TEST(test_read_key_needs_a_trust_file)
{
	struct e2e_result	 r;
	char			*argv[10];

	argv[0] = e2e_bin("vigild");
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = "r1";
	argv[6] = "--read";
	argv[7] = "key";
	argv[8] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "--read key needs --trust FILE") != NULL,
	    "%s", r.err);
	e2e_result_free(&r);
	argv[7] = "maybe";
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "give anyone") != NULL, "%s", r.err);
	e2e_result_free(&r);
	/* Unsaid, reading needs a key beyond 127.0.0.1, so --trust too. */
	argv[6] = "--listen";
	argv[7] = "127.0.0.2:0";
	argv[8] = "--insecure";
	argv[9] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "listening beyond loopback") != NULL &&
	    strstr(r.err, "--read anyone") != NULL, "%s", r.err);
	e2e_result_free(&r);
	free(argv[0]);
}
END_TEST

/*
 * A backend that takes the websocket and then refuses this console's
 * key is retried ever more slowly, as a backend that is down is, not
 * four times a second: each attempt costs it a challenge, a check and a
 * line in its log.  The console still shows the refusal all along.
 */
START_TEST(test_a_refused_key_is_retried_with_backoff)
{
	struct world		 w;
	struct e2e_result	 r;
	const char		*p;
	char			*log;
	int			 tries = 0;

	world_start(&w, "key");
	vigil_run(&r, "--fleet", w.fleet, "--key", w.eve, "watch", "--json",
	    "--for", "12", NULL);
	ck_assert_msg(r.status == 0 && strstr(r.out, "\"state\":\"refused\"")
	    != NULL && strstr(r.out, "is not in router/r1's trust file") !=
	    NULL, "the refusal was not shown (exit %d): %s / %s", r.status,
	    r.out, r.err);
	log = e2e_stderr_of(w.vigild);
	for (p = log; (p = strstr(p, "auth refused")) != NULL; p++)
		tries++;
	/* 250, 500, 1,000, 2,000 and 4,000 ms apart: 6 or 7 in 12 s. */
	ck_assert_msg(tries >= 3 && tries <= 10, "vigild refused the "
	    "console %d times in 12 s (it came back %s): %.400s", tries,
	    tries > 10 ? "without backing off" : "too seldom", log);
	free(log);
	e2e_result_free(&r);
	world_free(&w);
}
END_TEST

/* How many times needle occurs in hay. */
static int
count_of(const char *hay, const char *needle)
{
	const char	*p;
	int		 n = 0;

	for (p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return (n);
}

/*
 * Connection after connection, each with one bad message, costs vigild's
 * log at most 100 lines in 10 s over every console, then one line
 * counting the rest, said once the flood's window is over: each is still
 * answered in words.  It used to log a line for each connection.
 */
START_TEST(test_a_flood_of_bad_connections_costs_the_log_little)
{
	struct world	 w;
	struct e2e_ws	*ws;
	char		*reply, *log = NULL;
	int64_t		 t0, end, flood_ms;
	int		 i, lines, windows;

	world_start(&w, NULL);
	t0 = e2e_now_ms();
	for (i = 0; i < 200; i++) {
		ws = e2e_ws_open(w.url, START_MS);
		e2e_ws_send(ws, "not json");
		reply = recv_type(ws, "error", START_MS);
		ck_assert_msg(reply != NULL, "connection %d: the bad message "
		    "was not answered", i);
		free(reply);
		e2e_ws_close(ws);
	}
	/* The first window opens at the first bad message. */
	flood_ms = e2e_now_ms() - t0;
	windows = 1 + (int)(flood_ms / 10000);
	end = e2e_now_ms() + 30000;
	while (e2e_now_ms() < end) {
		free(log);
		log = e2e_stderr_of(w.vigild);
		if (strstr(log, "were refused but not logged") != NULL)
			break;
		e2e_sleep_ms(200);
	}
	lines = count_of(log, ": from 127.0.0.1:");
	fprintf(stderr, "200 bad connections in %lld ms: %d lines logged\n",
	    (long long)flood_ms, lines);
	ck_assert_msg(lines <= 100 * windows, "vigild logged %d lines for "
	    "200 bad connections in %d windows of 10 s: %.300s", lines,
	    windows, log);
	ck_assert_msg(strstr(log, "more bad messages, refused answers or "
	    "browser handshakes from consoles in") != NULL &&
	    strstr(log, "is a flood") != NULL,
	    "vigild never said how many it left out: %.300s", log);
	free(log);
	world_free(&w);
}
END_TEST

/* Feed frame to link of fleet; it must be taken. */
static void
feed(struct fleet *fleet, size_t link, const char *frame)
{
	char	cause[PROTO_TEXT_MAX];

	ck_assert_msg(fleet_receive(fleet, link, frame, strlen(frame), 1,
	    cause, sizeof cause) == 0, "%s: %s", frame, cause);
}

START_TEST(test_others_are_gathered_less_this_console)
{
	struct fleet	fleet;
	char		others[PROTO_TEXT_MAX];

	fleet_init(&fleet, "model");
	fleet_add_link(&fleet, "ws://127.0.0.1:1/");
	fleet_add_link(&fleet, "ws://127.0.0.1:2/");
	fleet_link_up(&fleet, 0, 1);
	fleet_link_up(&fleet, 1, 1);
	feed(&fleet, 0, "{\"type\":\"watching\",\"node\":\"router/r1\","
	    "\"consoles\":2,\"operators\":[{\"operator\":\"alice\",\"key\":"
	    "\"a\"},{\"operator\":\"bob\",\"key\":\"b\"}],\"you\":\"alice\"}");
	auth_tick(&fleet);
	ck_assert_str_eq(fleet.also_watching, "bob");
	/* alice at another terminal too: she is named, once. */
	feed(&fleet, 1, "{\"type\":\"watching\",\"node\":\"router/r2\","
	    "\"consoles\":4,\"operators\":[{\"operator\":\"alice\",\"key\":"
	    "\"a\"},{\"operator\":\"carol\",\"key\":\"c\"},{\"operator\":"
	    "\"bob\",\"key\":\"b\"},{\"operator\":\"alice\",\"key\":\"a\"}],"
	    "\"you\":\"alice\"}");
	auth_tick(&fleet);
	ck_assert_str_eq(fleet.also_watching, "bob, carol, alice");
	auth_others(&fleet, 1, others, sizeof others);
	ck_assert_str_eq(others, "carol, bob, alice");
	/* A link that goes down takes its watchers with it. */
	fleet_link_down(&fleet, 1, "gone", 2);
	fleet_tick(&fleet, 2, 2);
	ck_assert_str_eq(fleet.also_watching, "bob");
	fleet_free(&fleet);
}
END_TEST

Suite *
auth_suite(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("auth");
	TCase	*model = tcase_create("model");

	tcase_add_test(model, test_others_are_gathered_less_this_console);
	suite_add_tcase(s, model);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_two_authenticated_consoles_see_each_other);
	tcase_add_test(tc, test_an_untrusted_key_is_told_so_in_words);
	tcase_add_test(tc,
	    test_replayed_forged_and_second_answers_are_refused);
	tcase_add_test(tc, test_answers_are_bounded_before_verifying);
	tcase_add_test(tc, test_reading_requires_a_key_when_told);
	tcase_add_test(tc, test_a_refused_console_never_reports_success);
	tcase_add_test(tc, test_a_refused_node_is_refused_in_json_too);
	tcase_add_test(tc, test_a_refused_node_keeps_one_steady_alert);
	tcase_add_test(tc,
	    test_proposing_to_a_refusing_backend_says_the_refusal);
	tcase_add_test(tc, test_read_key_needs_a_trust_file);
	tcase_add_test(tc, test_a_refused_key_is_retried_with_backoff);
	tcase_add_test(tc,
	    test_a_flood_of_bad_connections_costs_the_log_little);
	suite_add_tcase(s, tc);
	return (s);
}
