/*
 * check_escape.c: every byte another party wrote reaches an operator's
 * terminal escaped.
 *
 * A rogue backend (tests/e2e.c: a bare websocket server speaking
 * vigil.v1) reports builds, groups, flag names and paths, alert text,
 * cause and action, a renewal error and a pending proposal's reason that
 * hold escape sequences, line breaks and C1 controls, and closes with a
 * close reason holding some too.  The real vigil's status, alerts,
 * watch, pending and approve, and the curses console in tmux, must show
 * each escaped, never send it to the terminal.  The real vigild refuses
 * a proposal whose reason holds one, with a sentence naming the field.
 *
 * Every wait is bounded; every process dies in e2e_cleanup().
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "e2e.h"
#include "headless.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define ESCAPE_RUN_MS	30000	/* one vigil run */
#define ESCAPE_WAIT_MS	20000	/* the curses console showing it */

/* The reason of issue 8: it would erase the review's real targets line. */
#define ESCAPE_REASON	"runaway\033]0;PWNED\007\033[1A\033[2K  " \
			"targets: router/r2, build X\r"
#define ESCAPE_REASON_SHOWN "runaway\\e]0;PWNED\\a\\e[1A\\e[2K  targets: " \
			"router/r2, build X\\r"

static char	*rogue_frames(const char ***);
static void	 rogue_frames_free(const char **);
static char	*rogue_frame(const char *, ...);
static char	*rogue_station_stats(const char *, int64_t, int64_t);
static char	*rogue_proposal(int64_t, char **);
static void	 vigil_with(struct e2e_result *, ...);
static void	 assert_clean(const char *, const char *);
static void	 assert_shows(const char *, const char *, const char *);

/* Pack a frame with json_pack() and dump it, allocated. */
static char *
rogue_frame(const char *fmt, ...)
{
	json_error_t	 jerr;
	json_t		*obj;
	va_list		 ap;
	char		*text;

	va_start(ap, fmt);
	obj = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	ck_assert_msg(obj != NULL, "json_pack: %s", jerr.text);
	text = json_dumps(obj, JSON_COMPACT);
	ck_assert_ptr_nonnull(text);
	json_decref(obj);
	return (text);
}

/*
 * A pending proposal to kill router/r8 whose reason is ESCAPE_REASON,
 * as the rogue backend broadcasts it; *id gets its id (allocated).
 */
static char *
rogue_proposal(int64_t now, char **id)
{
	struct proto_command	 cmd;
	char			*doc, *frame;

	memset(&cmd, 0, sizeof cmd);
	util_copy(cmd.id, sizeof cmd.id, "5f0c2a9e4b7d41c3a8e61f2d9b0c7e34");
	util_copy(cmd.action, sizeof cmd.action, "kill");
	cmd.targets = e2e_targets(1);
	cmd.ntargets = 1;
	util_copy(cmd.targets[0].node, sizeof cmd.targets[0].node,
	    "router/r8");
	util_copy(cmd.targets[0].build, sizeof cmd.targets[0].build,
	    "smars\033]0;PWNED\007");
	util_copy(cmd.targets[0].state, sizeof cmd.targets[0].state,
	    "running");
	util_copy(cmd.reason, sizeof cmd.reason, ESCAPE_REASON);
	util_copy(cmd.proposer, sizeof cmd.proposer, "alice");
	cmd.created_ms = now;
	cmd.expires_ms = now + 300000;
	doc = proto_command_encode(&cmd);
	frame = rogue_frame("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:s, s:I}",
	    "type", "proposal", "node", "router/r8", "id", cmd.id,
	    "document", doc, "sigs", "operator", "alice", "signature",
	    "4JJcjv2HS1wh87L6n4OW9Cz/3GYdq5D5VCCg53TnJ7WU3zhTU5RU9ha+RJTUc995"
	    "dQd9rG7mFhCAqUuSdCeRDQ==", "status", "pending", "expires_ms",
	    (json_int_t)cmd.expires_ms);
	free(doc);
	*id = strdup(cmd.id);
	return (frame);
}

/* A station's stats frame: its s-th, an empty blacklist (allocated). */
static char *
rogue_station_stats(const char *node, int64_t now, int64_t s)
{
	return (rogue_frame("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:[]}", "type", "stats",
	    "node", node, "role", "station", "clock_ms", (json_int_t)(now +
	    1000 * s), "uptime_ms", (json_int_t)(1000 * s), "seq",
	    (json_int_t)s, "heartbeats_total", (json_int_t)(10 * s),
	    "devices", (json_int_t)10, "devices_failed", (json_int_t)0,
	    "device_countdown_ms", (json_int_t)170000,
	    "heartbeat_interval_ms", (json_int_t)60000, "device_timeout_ms",
	    (json_int_t)180000, "renewals_ok_total", (json_int_t)0,
	    "renewals_failed_total", (json_int_t)1, "messages_signed_total",
	    (json_int_t)1, "messages_rejected_total", (json_int_t)0,
	    "blacklist"));
}

/*
 * What the rogue backend says for router/r8 and station/s3: every text
 * field an operator reads holds an escape sequence.  Fills *framesp
 * (NULL-terminated; free each and it); returns the proposal's id.
 */
static char *
rogue_frames(const char ***framesp)
{
	int64_t	 now = util_wall_ms();
	char	**f, *id;
	size_t	 n = 0, s;

	f = calloc(16, sizeof *f);
	ck_assert_ptr_nonnull(f);
	f[n++] = rogue_frame("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:f, s:i, "
	    "s:[{s:s, s:b, s:s}]}", "type", "hello", "node", "router/r8",
	    "version", 1, "role", "router", "group", "ny\033[2Kse", "build",
	    "smars\033]0;PWNED\007", "clock_ms", (json_int_t)now,
	    "time_scale", 1.0, "link_nodes", 2, "flags", "name",
	    "rl\033[1Ap", "on", 1, "path", "power\033[2K_peg");
	f[n++] = rogue_frame("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:f, s:i, "
	    "s:[]}", "type", "hello", "node", "station/s3", "version", 1,
	    "role", "station", "group", "c\xc2\x9b" "2Jountry", "build",
	    "st\r\nat\x7fion", "clock_ms", (json_int_t)now, "time_scale", 1.0,
	    "link_nodes", 2, "flags");
	for (s = 1; s <= 2; s++) {
		f[n++] = rogue_frame("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
		    "s:I, s:I, s:I, s:I, s:I, s:f, s:s, s:s, s:I, s:I}",
		    "type", "stats", "node", "router/r8", "role", "router",
		    "clock_ms", (json_int_t)(now + 1000 * (int64_t)s),
		    "uptime_ms", (json_int_t)(1000 * s), "seq", (json_int_t)s,
		    "parents_total", (json_int_t)1, "parent_shares_total",
		    (json_int_t)100, "child_orders_total", (json_int_t)1,
		    "child_shares_total", (json_int_t)10,
		    "parents_refused_total", (json_int_t)0, "open_parents",
		    (json_int_t)1, "worst_ratio", 0.1, "worst_parent", "P1",
		    "state", "running", "open_children", (json_int_t)0,
		    "children_cancelled_total", (json_int_t)0);
		f[n++] = rogue_station_stats("station/s3", now, (int64_t)s);
	}
	f[n++] = rogue_frame("{s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:s, "
	    "s:b, s:I, s:b, s:s}", "type", "cert", "node", "station/s3",
	    "clock_ms", (json_int_t)now, "subject", "station/s3", "serial",
	    "01", "issuer", "Vigil root CA", "not_before_ms",
	    (json_int_t)(now - 60000), "not_after_ms",
	    (json_int_t)(now + 3600000), "root_holder", "station/capital",
	    "holds_root", 0, "last_renewal_ms", (json_int_t)now,
	    "last_renewal_ok", 0, "last_renewal_error",
	    "renewal \033[31mfailed\r");
	f[n++] = rogue_frame("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b}",
	    "type", "alert", "node", "router/r8", "clock_ms", (json_int_t)now,
	    "severity", "critical", "code", "rogue", "text",
	    "Power \033[2KPeg", "cause", "c\033[1Aause", "action",
	    "act\007ion", "clear", 0);
	f[n++] = rogue_proposal(now, &id);
	f[n] = NULL;
	*framesp = (const char **)f;
	return (id);
}

/* Free what rogue_frames() made. */
static void
rogue_frames_free(const char **frames)
{
	size_t	i;

	for (i = 0; frames[i] != NULL; i++)
		free((char *)frames[i]);
	free(frames);
}

/*
 * Run vigil with the arguments given (NULL-terminated) to completion
 * within ESCAPE_RUN_MS, into *r, and insist that nothing it printed, on
 * either output, holds a byte a terminal acts on.
 */
static void
vigil_with(struct e2e_result *r, ...)
{
	va_list	 ap;
	char	*argv[24], what[512] = "vigil";
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	va_start(ap, r);
	while (argc < 23 && (argv[argc] = va_arg(ap, char *)) != NULL) {
		if (argv[argc][0] != '-' && strchr(argv[argc], '/') == NULL)
			snprintf(what + strlen(what), sizeof what -
			    strlen(what), " %s", argv[argc]);
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	e2e_run(argv, NULL, ESCAPE_RUN_MS, r);
	ck_assert_msg(r->status != -1, "%s did not finish within %d ms",
	    what, ESCAPE_RUN_MS);
	free(argv[0]);
	assert_clean(what, r->out);
	snprintf(what + strlen(what), sizeof what - strlen(what), " (stderr)");
	assert_clean(what, r->err);
}

/* What was printed (called what) holds no byte a terminal acts on. */
static void
assert_clean(const char *what, const char *text)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		ck_assert_msg((*p >= 0x20 && *p != 0x7f) || *p == '\n',
		    "%s holds the control byte 0x%02x at %zu: %s", what, *p,
		    (size_t)(p - (const unsigned char *)text), text);
		ck_assert_msg(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f),
		    "%s holds a C1 control at %zu: %s", what,
		    (size_t)(p - (const unsigned char *)text), text);
	}
}

/* What was printed (called what) shows shown. */
static void
assert_shows(const char *what, const char *text, const char *shown)
{
	ck_assert_msg(strstr(text, shown) != NULL, "%s does not show %s: %s",
	    what, shown, text);
}

START_TEST(escape_rule)
{
	char	*s;

	s = util_escape("a\033[2K\a\r\n\t\x01\x7f\\z");
	ck_assert_str_eq(s, "a\\e[2K\\a\\r\\n\\t\\x01\\x7f\\\\z");
	free(s);
	/* C1 controls, a lone continuation byte, a cut character. */
	s = util_escape("\xc2\x9b" "1A|\x80|\xff|\xe2\x86");
	ck_assert_str_eq(s, "\\u009b1A|\\x80|\\xff|\\xe2\\x86");
	free(s);
	/* Overlong and surrogate forms are not UTF-8. */
	s = util_escape("\xc0\x9b|\xed\xa0\x80");
	ck_assert_str_eq(s, "\\xc0\\x9b|\\xed\\xa0\\x80");
	free(s);
	/* Printable UTF-8 passes. */
	s = util_escape("caf\xc3\xa9 \xe2\x86\x92 \xc2\xa0 \xf0\x9f\x94\xa5");
	ck_assert_str_eq(s, "caf\xc3\xa9 \xe2\x86\x92 \xc2\xa0 "
	    "\xf0\x9f\x94\xa5");
	free(s);
	s = util_escape_json("{\"r\":\"a\\\"b\033\"}");
	ck_assert_str_eq(s, "{\"r\":\"a\\\"b\\e\"}");
	free(s);
	ck_assert_int_eq(util_control_at("plain text \xc3\xa9"), -1);
	ck_assert_int_eq(util_control_at("ab\033c"), 2);
	ck_assert_int_eq(util_control_at("ab\xc2\x85"), 2);
	/* A right-to-left override would make r8 read backwards. */
	s = util_escape("router/\xe2\x80\xaer8\xe2\x80\xac \xe2\x80\xa8x");
	ck_assert_str_eq(s, "router/\\u202er8\\u202c \\u2028x");
	free(s);
	ck_assert_int_eq(util_control_at("r\xe2\x81\xa6x"), 1);
	ck_assert_int_eq(util_control_at("\xe2\x86\x92"), -1);
}
END_TEST

START_TEST(headless_text_from_a_rogue_backend_is_escaped)
{
	struct e2e_result	 r;
	const char		**frames;
	char			*url, *id, *key;

	e2e_setup();
	id = rogue_frames(&frames);
	url = e2e_rogue_backend(frames, -1, NULL);

	vigil_with(&r, "--connect", url, "status", (char *)NULL);
	assert_shows("status", r.out, "smars\\e]0;PWNED\\a");
	assert_shows("status", r.out, "ny\\e[2Kse");
	assert_shows("status", r.out, "c\\u009b2Jountry");
	assert_shows("status", r.out, "st\\r\\nat\\x7fion");
	assert_shows("status", r.out, "rl\\e[1Ap=power\\e[2K_peg");
	assert_shows("status", r.out, "Power \\e[2KPeg");
	assert_shows("status", r.out, "cause: c\\e[1Aause");
	assert_shows("status", r.out, "action: act\\aion");
	e2e_result_free(&r);

	/* JSON is escaped: control characters, DEL too, as \uXXXX. */
	vigil_with(&r, "--connect", url, "status", "--json", (char *)NULL);
	assert_shows("status --json", r.out, "smars\\u001B]0;PWNED\\u0007");
	assert_shows("status --json", r.out, "st\\r\\nat\\u007Fion");
	assert_shows("status --json", r.out, "c\\u009B2Jountry");
	e2e_result_free(&r);

	vigil_with(&r, "--connect", url, "alerts", (char *)NULL);
	assert_shows("alerts", r.out, "Power \\e[2KPeg");
	assert_shows("alerts", r.out, "cause: c\\e[1Aause");
	assert_shows("alerts", r.out, "renewal \\e[31mfailed\\r");
	e2e_result_free(&r);

	vigil_with(&r, "--connect", url, "watch", "--for", "2", (char *)NULL);
	assert_shows("watch", r.out, "live: build smars\\e]0;PWNED\\a, "
	    "rl\\e[1Ap=power\\e[2K_peg");
	assert_shows("watch", r.out, "raised CRITICAL");
	assert_shows("watch", r.out, "Power \\e[2KPeg");
	assert_shows("watch", r.out, "renewal \\e[31mfailed\\r");
	e2e_result_free(&r);

	vigil_with(&r, "--connect", url, "pending", (char *)NULL);
	assert_shows("pending", r.out, "reason: " ESCAPE_REASON_SHOWN);
	e2e_result_free(&r);

	/* The review comes before the prompt, which has no terminal. */
	key = e2e_make_key("bob");
	e2e_no_tty(1);
	vigil_with(&r, "--connect", url,
	    "approve", id, "--key", key, (char *)NULL);
	e2e_no_tty(0);
	assert_shows("approve", r.out, "reason:    " ESCAPE_REASON_SHOWN);
	assert_shows("approve", r.out, "router/r8, build smars\\e]0;PWNED\\a");
	assert_shows("approve", r.out, "\"reason\":\"runaway\\u001B]0;");
	e2e_result_free(&r);

	free(key);
	free(id);
	free(url);
	rogue_frames_free(frames);
}
END_TEST

START_TEST(close_reason_is_escaped)
{
	struct e2e_result	 r;
	const char		**frames;
	char			*url, *id;

	e2e_setup();
	url = e2e_rogue_backend(NULL, 0, "go\033[2K\033]0;PWNED\007away");
	vigil_with(&r, "--connect", url, "status", "--wait", "2", (char *)NULL);
	assert_shows("status's stderr", r.err, "(code 1008: "
	    "go\\e[2K\\e]0;PWNED\\aaway)");
	e2e_result_free(&r);
	free(url);

	/*
	 * Closed once, then up again and silent when the time is up: the
	 * reason is said all the same.
	 */
	e2e_rogue_close_first(1);
	url = e2e_rogue_backend(NULL, 0, "go\033[2K\033]0;PWNED\007away");
	vigil_with(&r, "--connect", url, "status", "--wait", "3", (char *)NULL);
	/* The time said is the time waited: 3.1 s on a loaded machine. */
	assert_shows("status's stderr", r.err, "connected but no node said "
	    "hello within 3.");
	assert_shows("status's stderr", r.err, " s, and it closed the "
	    "connection before: ");
	assert_shows("status's stderr", r.err, "go\\e[2K\\e]0;PWNED\\aaway");
	e2e_result_free(&r);
	free(url);
	e2e_rogue_close_first(0);

	/* A watch sees the nodes live, then the close. */
	id = rogue_frames(&frames);
	url = e2e_rogue_backend(frames, 500, "go\033[2Kaway");
	vigil_with(&r, "--connect", url, "watch", "--for", "2", (char *)NULL);
	assert_shows("watch", r.out, "go\\e[2Kaway");
	e2e_result_free(&r);
	free(url);
	free(id);
	rogue_frames_free(frames);
}
END_TEST

/*
 * A backend that sends a frame the console refuses and then an error
 * frame, and never a hello: status says on standard error why no node
 * said hello, the backend's error text escaped.
 */
START_TEST(link_error_after_a_refused_frame_is_escaped)
{
	static const char *const frames[] = { "not json", "{\"type\":"
	    "\"error\",\"text\":\"go\\u001b[2J\\u001b]0;PWNED\\u0007away\"}",
	    NULL };
	struct e2e_result	 r;
	char			*url;

	e2e_setup();
	url = e2e_rogue_backend(frames, -1, NULL);
	vigil_with(&r, "--connect", url, "status", "--wait", "2", (char *)NULL);
	assert_shows("status's stderr", r.err, "connected but no node said "
	    "hello within");
	assert_shows("status's stderr", r.err, "go\\e[2J\\e]0;PWNED\\aaway");
	e2e_result_free(&r);
	free(url);
}
END_TEST

/*
 * A move-root whose source refuses, in words holding an escape
 * sequence, after the approval was carried out: vigil approve says why
 * the move failed with the backend's words escaped.  The rogue sends
 * the results first and the proposal last, again every half second, so
 * the approval finds the proposal pending and its answer comes after.
 */
START_TEST(move_failure_is_escaped)
{
	struct proto_command	 cmd;
	struct e2e_result	 r;
	char			*f[10], *doc, *bob;
	const char		*id = "6a1d3b8f5c2e40d79b1a8e3f0c6d2b57";
	int64_t			 now = util_wall_ms();
	size_t			 i, n = 0;
	int			 port;
	char			 url[64];

	e2e_setup();
	for (i = 0; i < 2; i++)
		f[n++] = rogue_frame("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:f, "
		    "s:i, s:[]}", "type", "hello", "node", i == 0 ?
		    "station/capital" : "station/s3", "version", 1, "role",
		    "station", "group", "g", "build", "st-1", "clock_ms",
		    (json_int_t)now, "time_scale", 1.0, "link_nodes", 2,
		    "flags");
	/* approve judges on the stations' state: a backend sends it. */
	f[n++] = rogue_station_stats("station/capital", now, 1);
	f[n++] = rogue_station_stats("station/s3", now, 1);
	f[n++] = rogue_frame("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
	    "result", "node", "station/capital", "id", id, "action",
	    "move-root", "in_reply_to", "approve", "outcome", "executed",
	    "text", "sealed");
	f[n++] = rogue_frame("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
	    "result", "node", "station/capital", "id", id, "action",
	    "move-root", "in_reply_to", "deliver", "outcome", "refused",
	    "text", "seal \033[2J\033]0;PWNED\007failed");
	memset(&cmd, 0, sizeof cmd);
	util_copy(cmd.id, sizeof cmd.id, id);
	util_copy(cmd.action, sizeof cmd.action, "move-root");
	cmd.targets = e2e_targets(1);
	cmd.ntargets = 1;
	util_copy(cmd.targets[0].node, sizeof cmd.targets[0].node,
	    "station/capital");
	util_copy(cmd.targets[0].build, sizeof cmd.targets[0].build, "st-1");
	util_copy(cmd.targets[0].state, sizeof cmd.targets[0].state,
	    "running");
	cmd.nargs = 1;
	util_copy(cmd.args[0].name, sizeof cmd.args[0].name, "to");
	util_copy(cmd.args[0].value, sizeof cmd.args[0].value, "station/s3");
	util_copy(cmd.reason, sizeof cmd.reason, "a drill");
	util_copy(cmd.proposer, sizeof cmd.proposer, "alice");
	cmd.created_ms = now;
	cmd.expires_ms = now + 300000;
	doc = proto_command_encode(&cmd);
	f[n++] = rogue_frame("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:s, s:I}",
	    "type", "proposal", "node", "station/capital", "id", id,
	    "document", doc, "sigs", "operator", "alice", "signature",
	    "4JJcjv2HS1wh87L6n4OW9Cz/3GYdq5D5VCCg53TnJ7WU3zhTU5RU9ha+RJTUc995"
	    "dQd9rG7mFhCAqUuSdCeRDQ==", "status", "pending", "expires_ms",
	    (json_int_t)cmd.expires_ms);
	free(doc);
	e2e_rogue_start(f, n, 0, 500, &port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	bob = e2e_make_key("bob");
	vigil_with(&r, "--connect", url, "approve", id, "--yes", "--key", bob,
	    "--wait", "5", (char *)NULL);
	assert_shows("approve's stderr", r.err,
	    "seal \\e[2J\\e]0;PWNED\\afailed");
	e2e_result_free(&r);
	for (i = 0; i < n; i++)
		free(f[i]);
	free(bob);
}
END_TEST

START_TEST(curses_console_shows_escapes)
{
	const char	**frames;
	char		*url, *id, *vigil, cmd[1024], *screen;

	e2e_setup();
	id = rogue_frames(&frames);
	url = e2e_rogue_backend(frames, -1, NULL);
	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "%s --connect %s", vigil, url);
	e2e_tmux_start(160, 40, cmd);
	screen = e2e_tmux_wait(ESCAPE_WAIT_MS, "the alert bar",
	    "Power \\e[2KPeg", (char *)NULL);
	free(screen);
	free(vigil);
	free(url);
	free(id);
	rogue_frames_free(frames);
}
END_TEST

START_TEST(vigild_refuses_control_characters_in_a_reason)
{
	struct e2e_result	 r;
	char			*alice, *trust, *fleet;

	e2e_setup();
	alice = e2e_make_key("alice");
	trust = e2e_trust_file(alice, "alice", (char *)NULL);
	fleet = e2e_start_guarded_fleet("knight", trust, NULL);
	vigil_with(&r, "--fleet", fleet, "propose", "--yes", "kill",
	    "router/r8", "--key", alice, "--reason=" ESCAPE_REASON,
	    (char *)NULL);
	ck_assert_msg(r.status == HEADLESS_EXIT_REFUSED, "propose exited %d, "
	    "not %d (refused): %s%s", r.status, HEADLESS_EXIT_REFUSED, r.out,
	    r.err);
	assert_shows("propose's stderr", r.err, "router/r8 refused the "
	    "proposal: field reason holds a control character at byte 7");
	e2e_result_free(&r);

	free(fleet);
	free(trust);
	free(alice);
}
END_TEST

Suite *
escape_suite(void)
{
	Suite	*s = suite_create("escape");
	TCase	*tc = tcase_create("escape");

	tcase_add_test(tc, escape_rule);
	tcase_add_test(tc, headless_text_from_a_rogue_backend_is_escaped);
	tcase_add_test(tc, close_reason_is_escaped);
	tcase_add_test(tc, link_error_after_a_refused_frame_is_escaped);
	tcase_add_test(tc, move_failure_is_escaped);
	tcase_add_test(tc, curses_console_shows_escapes);
	tcase_add_test(tc, vigild_refuses_control_characters_in_a_reason);
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	suite_add_tcase(s, tc);
	return (s);
}
