/*
 * check_proposals.c: the console's Proposals view.  The countdown text
 * is checked on its own; the screen test runs the real vigild knight
 * fleet trusting two operators whose keys vigil-key made, the real vigil
 * in a detached tmux server of its own, and proposes from another vigil
 * process: every connected console must show the proposal, who made it,
 * and a countdown that moves, and the tab must count it.
 *
 * Every wait is bounded; vigild dies with the test (e2e.c), vigil runs
 * under timeout(1) and the tmux server is killed in the teardown.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "opkey.h"
#include "proto.h"
#include "panel.h"
#include "tests.h"

#define PROP_WAIT_MS	20000	/* longest wait for something to show */
#define PROP_RUN_MS	30000	/* one vigil run */

static const char *prop_row(const char *screen);
static long	 prop_left(const char *screen);
static int	 prop_row_has(const char *screen, const char *node,
		    const char *what);
static void	 prop_wait_row(const char *node, const char *what);
static char	*prop_knight(char **alice, char **bob);
static void	 prop_console(char *buf, size_t len, const char *key,
		    const char *fleet);
static json_t	*prop_json(const char *fleet, const char *command);
static char	*prop_pending_document(const char *fleet);
static size_t	 prop_lines(char *screen, char **line, size_t max);
static void	 prop_join(char *buf, size_t len, const char *line, int cols);
static void	 prop_trim(char *buf);
static char	*prop_settled(char *screen);
static int	 prop_pane_shows(const char *document, int cols);
static void	 prop_review_shows(const char *document, int cols);
static void	 prop_propose_eight(const char *fleet, const char *alice);
static char	*prop_coming_fleet(const char *fleet, const char *node,
		    int node_first);
static void	 prop_propose_r8(const char *fleet, const char *key,
		    const char *wait, struct e2e_result *r);
static void	 prop_draft_kill(void);
static void	 prop_draft_names(const char *screen, char *id, char *sha);
static void	 prop_holds(const char *fleet, const char *id,
		    const char *sha);
static char	*prop_alice_at_r8(int cols, char **alice, char **bob);
static void	 prop_shell_propose(char *buf, size_t len, const char *alice,
		    const char *fleet);

/*
 * Start the knight fleet trusting alice and bob, whose keys vigil-key
 * makes; returns the fleet file and the keys' paths (allocated).
 */
static char *
prop_knight(char **alice, char **bob)
{
	char	*trust, *audit, *fleet;
	char	*argv[5];

	*alice = e2e_make_key("alice");
	*bob = e2e_make_key("bob");
	trust = e2e_trust_file(*alice, "alice", *bob, "bob", (char *)NULL);
	audit = e2e_path("audit");
	ck_assert_int_eq(mkdir(audit, 0700), 0);
	argv[0] = "--trust";
	argv[1] = trust;
	argv[2] = "--audit-dir";
	argv[3] = audit;
	argv[4] = NULL;
	fleet = e2e_start_fleet("knight", (const char *const *)argv, NULL);
	free(trust);
	free(audit);
	return (fleet);
}

/* The shell command running the console on fleet, signing with key. */
static void
prop_console(char *buf, size_t len, const char *key, const char *fleet)
{
	char	*vigil = e2e_bin("vigil");

	snprintf(buf, len, "env -u NO_COLOR -u VIGIL_KEY LANG=C.UTF-8 "
	    "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=%s %s%s timeout --foreground 120 "
	    "%s --fleet %s; sleep 30", e2e_dir(), key != NULL ? "VIGIL_KEY=" :
	    "", key != NULL ? key : "", vigil, fleet);
	free(vigil);
}

/* What `vigil --fleet FLEET COMMAND --json` prints, parsed. */
static json_t *
prop_json(const char *fleet, const char *command)
{
	struct e2e_result	 r;
	json_t			*doc;
	char			*argv[6];

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = (char *)fleet;
	argv[3] = (char *)command;
	argv[4] = "--json";
	argv[5] = NULL;
	e2e_run(argv, NULL, PROP_RUN_MS, &r);
	free(argv[0]);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s --json gave no JSON (exit %d): %s%s",
	    command, r.status, r.out, r.err);
	e2e_result_free(&r);
	return (doc);
}

/* The Proposals view's row of alice's kill of router/r8, or NULL. */
static const char *
prop_row(const char *screen)
{
	const char	*line = screen, *end;
	static char	 buf[512];
	size_t		 len;

	while (*line != '\0') {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		len = (size_t)(end - line);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, " kill ") != NULL &&
		    strstr(buf, "router/r8") != NULL &&
		    strstr(buf, "alice") != NULL &&
		    strstr(buf, "pending") != NULL)
			return (buf);
		line = *end == '\0' ? end : end + 1;
	}
	return (NULL);
}

/* Seconds left the row shows ("4m 05s" or "59s"), or -1. */
static long
prop_left(const char *row)
{
	const char	*p;
	long		 m, s;

	for (p = row; *p != '\0'; p++) {
		if (sscanf(p, "%ldm %lds", &m, &s) == 2 && p > row &&
		    p[-1] == ' ' && strchr(p, 's') != NULL)
			return (m * 60 + s);
	}
	return (-1);
}

/* Does the row of node (marked or not) in screen hold what? */
static int
prop_row_has(const char *screen, const char *node, const char *what)
{
	const char	*line = screen, *end, *hit;
	size_t		 len = strlen(node);

	while (*line != '\0') {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		hit = line + (*line == '*');
		if (strncmp(hit, node, len) == 0 && hit[len] == ' ' &&
		    (hit = strstr(hit, what)) != NULL && hit < end)
			return (1);
		line = *end == '\0' ? end : end + 1;
	}
	return (0);
}

/*
 * Wait until the row of node holds what: a screen that shows the row
 * may not show its latest state yet.  Fails the test at the bound.
 */
static void
prop_wait_row(const char *node, const char *what)
{
	char	*screen = NULL;
	int64_t	 deadline = e2e_now_ms() + PROP_WAIT_MS;

	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (prop_row_has(screen, node, what))
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the row of %s does not "
		    "show %s:\n%s", node, what, screen);
		e2e_sleep_ms(200);
	}
	free(screen);
}

START_TEST(countdown_reads_minutes_and_seconds_and_says_expired)
{
	char	buf[16];

	ck_assert_str_eq(panel_proposals_left(300000, 0, buf, sizeof buf),
	    "5m 00s");
	ck_assert_str_eq(panel_proposals_left(300000, 1, buf, sizeof buf),
	    "5m 00s");
	ck_assert_str_eq(panel_proposals_left(65000, 0, buf, sizeof buf),
	    "1m 05s");
	ck_assert_str_eq(panel_proposals_left(59000, 0, buf, sizeof buf),
	    "59s");
	ck_assert_str_eq(panel_proposals_left(1000, 1000, buf, sizeof buf),
	    "expired");
	ck_assert_str_eq(panel_proposals_left(0, 5000, buf, sizeof buf),
	    "expired");
}
END_TEST

START_TEST(a_proposal_from_another_console_shows_with_its_countdown)
{
	char		*alice, *bob, *fleet;
	char		*argv[20], cmd[2048], env_alice[600], *env[2];
	char		*screen = NULL, first[512];
	const char	*row = NULL;
	struct e2e_result r;
	long		 left0, left = -1;
	int64_t		 deadline;

	e2e_setup();
	fleet = prop_knight(&alice, &bob);

	/* The console an operator watches, showing the Proposals view. */
	prop_console(cmd, sizeof cmd, NULL, fleet);
	e2e_tmux_start(100, 30, cmd);
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	e2e_tmux_keys("6", 0);

	/* Another operator proposes from a process of their own. */
	snprintf(env_alice, sizeof env_alice, "VIGIL_KEY=%s", alice);
	env[0] = env_alice;
	env[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "propose";
	argv[4] = "kill";
	argv[5] = "router/r8";
	argv[6] = "--reason";
	argv[7] = "runaway child orders";
	argv[8] = "--yes";
	argv[9] = NULL;
	e2e_run(argv, env, PROP_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "propose exited %d: %s%s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);

	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((row = prop_row(screen)) != NULL &&
		    strstr(screen, "Proposals (1)") != NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the proposal never "
		    "showed in the Proposals view:\n%s", screen);
		e2e_sleep_ms(200);
	}
	snprintf(first, sizeof first, "%s", row);
	left0 = prop_left(first);
	ck_assert_msg(left0 > 200 && left0 <= 300, "the countdown of a new "
	    "proposal should be near 5 minutes: %s", first);
	ck_assert_msg(strstr(screen, "\"action\":\"kill\"") != NULL,
	    "the selected proposal's document is not shown:\n%s", screen);

	/* The countdown moves. */
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if ((row = prop_row(screen)) != NULL &&
		    (left = prop_left(row)) != -1 && left < left0)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "the countdown stood "
		    "at %ld s:\n%s", left0, screen);
		e2e_sleep_ms(300);
	}

	/* Enter reviews it whole; Escape goes back to the list. */
	e2e_tmux_keys("Enter", 0);
	free(screen);
	screen = e2e_tmux_wait(PROP_WAIT_MS, "the review Enter opens",
	    "proposer: alice", "targets: router/r8, build",
	    "signed through their SHA-256", "sha256: ",
	    "{\"action\":\"kill\"", "VIGIL_KEY",
	    (char *)NULL);
	e2e_tmux_keys("Escape", 0);
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (prop_row(screen) != NULL &&
		    strstr(screen, "proposer: alice") == NULL)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "Escape did not leave "
		    "the review:\n%s", screen);
		e2e_sleep_ms(200);
	}
	free(screen);
	free(argv[0]);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

START_TEST(two_consoles_kill_marked_routers_and_a_proposer_cancels)
{
	char	*alice, *bob, *fleet, *screen, *state, cmd[2048];

	e2e_setup();
	fleet = prop_knight(&alice, &bob);

	/* A console without a key watches, and says how to sign. */
	prop_console(cmd, sizeof cmd, NULL, fleet);
	e2e_tmux_start(120, 40, cmd);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the Routers view", "router/r8",
	    (char *)NULL));
	e2e_tmux_keys("2", 0);
	e2e_tmux_keys("K", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "why a console without a key "
	    "cannot propose", "no operator key", "--key FILE",
	    (char *)NULL));

	/* alice marks r8 and r7 and proposes to kill both. */
	prop_console(cmd, sizeof cmd, alice, fleet);
	e2e_tmux_window(cmd);
	/* G and k move through the rows there are: all eight. */
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	e2e_tmux_keys("2", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the Routers view", "CHILD/s",
	    "router/r8", (char *)NULL));
	e2e_tmux_keys("G", 0);
	e2e_tmux_keys("m", 0);
	e2e_tmux_keys("k", 0);
	e2e_tmux_keys("m", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "two marked routers", "*router/r8",
	    "*router/r7", "2 marked", (char *)NULL));
	e2e_tmux_keys("K", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the propose dialog",
	    "Propose kill", "target: router/r8, build smars-2012.07.31-old, "
	    "running", "target: router/r7, build smars-2012.08.01, running",
	    "signer: alice", (char *)NULL));
	e2e_tmux_keys("r", 0);		/* typed, not a key binding */
	e2e_tmux_keys("unaway child orders", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the confirming prompt",
	    "reason: runaway child orders", "Type kill and press Enter",
	    (char *)NULL));
	e2e_tmux_keys("kil", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the refusal of a wrong word",
	    "You typed \"kil\", not \"kill\": nothing was signed or sent",
	    (char *)NULL));
	e2e_sleep_ms(1000);
	screen = e2e_tmux_capture();
	ck_assert_msg(strstr(screen, "Proposals (") == NULL, "a wrong word "
	    "made a proposal:\n%s", screen);
	free(screen);
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_sign_draft(PROP_WAIT_MS));
	free(e2e_tmux_wait(PROP_WAIT_MS, "both routers accepting the "
	    "proposal", "router/r8: accepted", "router/r7: accepted",
	    "signed through the document's SHA-256 ", "Proposals (1)",
	    (char *)NULL));
	e2e_tmux_keys("Enter", 0);

	/* bob reviews it in his own console and approves it. */
	prop_console(cmd, sizeof cmd, bob, fleet);
	e2e_tmux_window(cmd);
	/* The approval goes to r7 and r8: both links up, not only one. */
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	e2e_tmux_open_approve(PROP_WAIT_MS, "alice");
	free(e2e_tmux_wait(PROP_WAIT_MS, "the review and the approve dialog",
	    "proposer: alice", "reason: runaway child orders",
	    "{\"action\":\"kill\"", "Type kill and press Enter to sign the "
	    "document above as bob", (char *)NULL));
	e2e_tmux_keys("kil", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the refusal of a wrong word",
	    "nothing was signed or sent", (char *)NULL));
	e2e_sleep_ms(1000);
	state = e2e_router_state(fleet, "router/r8");
	ck_assert_msg(strcmp(state, "running") == 0, "router/r8 is %s after "
	    "a wrong word", state);
	free(state);
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "both routers carrying out the kill",
	    "router/r8: executed", "router/r7: executed",
	    "approved by bob", "signed through the document's SHA-256 ",
	    (char *)NULL));

	/* The backends say killed, and so does the screen. */
	e2e_wait_router_state(fleet, "router/r8", "killed", PROP_WAIT_MS);
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("2", 0);
	prop_wait_row("router/r8", "killed");
	state = e2e_router_state(fleet, "router/r1");
	ck_assert_str_eq(state, "running");
	free(state);

	/* alice proposes to resume r8, then withdraws it. */
	e2e_tmux_select(1);
	e2e_tmux_keys("2", 0);
	/* The dialog binds the state alice's console knows: killed. */
	prop_wait_row("router/r8", "killed");
	e2e_tmux_keys("G", 0);
	e2e_tmux_keys("R", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the resume dialog",
	    "Propose resume", "target: router/r8, build "
	    "smars-2012.07.31-old, killed", (char *)NULL));
	e2e_tmux_keys("second thoughts", 1);
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("resume", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_sign_draft(PROP_WAIT_MS));
	free(e2e_tmux_wait(PROP_WAIT_MS, "r8 accepting the resume proposal",
	    "router/r8: accepted", "Proposals (1)", (char *)NULL));
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("6", 0);
	e2e_tmux_keys("g", 0);
	e2e_tmux_keys("X", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the cancel dialog",
	    "Type cancel and press Enter", (char *)NULL));
	e2e_tmux_keys("cancel", 1);
	e2e_tmux_keys("Enter", 0);
	screen = e2e_tmux_wait(PROP_WAIT_MS, "r8 cancelling the proposal",
	    "router/r8: cancelled", (char *)NULL);
	free(screen);
	screen = e2e_tmux_wait_gone(PROP_WAIT_MS, "the tab still counts a "
	    "pending proposal", "Proposals (1)");
	free(screen);
	state = e2e_router_state(fleet, "router/r8");
	ck_assert_str_eq(state, "killed");
	free(state);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/* The document of the one pending proposal, as pending --json says. */
static char *
prop_pending_document(const char *fleet)
{
	json_t	*doc, *p;
	char	*out;

	doc = prop_json(fleet, "pending");
	p = json_array_get(json_object_get(doc, "proposals"), 0);
	ck_assert_msg(json_string_value(json_object_get(p, "document")) !=
	    NULL, "pending --json shows no document");
	out = strdup(json_string_value(json_object_get(p, "document")));
	json_decref(doc);
	return (out);
}

/*
 * Split a captured screen into its lines (in place); returns how many.
 * capture-pane drops trailing spaces, so a caller pads what it joins.
 */
static size_t
prop_lines(char *screen, char **line, size_t max)
{
	size_t	n = 0;
	char	*p = screen;

	while (n < max && *p != '\0') {
		line[n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	return (n);
}

/* Append line to buf (len bytes) padded with spaces to cols columns. */
static void
prop_join(char *buf, size_t len, const char *line, int cols)
{
	size_t	used = strlen(buf);

	snprintf(buf + used, len - used, "%-*s", cols, line);
}

/* Drop the padding that followed the last row. */
static void
prop_trim(char *buf)
{
	size_t	n = strlen(buf);

	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

/*
 * screen once the console has finished drawing it: captured again until
 * two captures 100 ms apart agree.  tmux may be read between the writes
 * of one large frame (a review replacing the list), and such a screen
 * shows the new first rows over the old ones (a loaded make asan run
 * read a review without its document title so).  Frees screen.
 */
static char *
prop_settled(char *screen)
{
	char	*again;
	int64_t	 deadline = e2e_now_ms() + PROP_WAIT_MS;

	for (;;) {
		e2e_sleep_ms(100);
		again = e2e_tmux_capture();
		if (strcmp(again, screen) == 0 || e2e_now_ms() >= deadline) {
			free(screen);
			return (again);
		}
		free(screen);
		screen = again;
	}
}

/*
 * The pane under the list: the rows after its title, joined, are the
 * document, or a prefix of it followed by a row saying exactly how many
 * bytes more the review shows.  Returns 1 if the pane held it all.
 */
static int
prop_pane_shows(const char *document, int cols)
{
	char	*screen, *line[256], got[8192];
	size_t	 n, i, more = 0;
	int	 hint = 0;

	screen = prop_settled(e2e_tmux_wait(PROP_WAIT_MS, "the document pane",
	    "Document (each operator signs it through its SHA-256):",
	    (char *)NULL));
	n = prop_lines(screen, line, 256);
	for (i = 0; i < n && strstr(line[i], "Document (each operator") ==
	    NULL; i++)
		;
	got[0] = '\0';
	for (i++; i + 1 < n && line[i][0] != '\0'; i++) {
		if (sscanf(line[i], "... %zu more bytes", &more) == 1) {
			hint = 1;
			break;
		}
		prop_join(got, sizeof got, line[i], cols);
	}
	prop_trim(got);
	if (hint) {
		ck_assert_msg(strncmp(document, got, strlen(got)) == 0 &&
		    strlen(got) + more == strlen(document), "at %d columns "
		    "the pane shows %zu bytes and says %zu more, not the "
		    "document's %zu:\n%s\nthe pane:\n%s", cols, strlen(got),
		    more, strlen(document), document, got);
	} else
		ck_assert_msg(strcmp(document, got) == 0, "at %d columns the "
		    "pane does not show the signed bytes whole:\n%s\nthe "
		    "pane:\n%s", cols, document, got);
	free(screen);
	return (!hint);
}

/*
 * The review, every row of it, scrolling a page at a time while its
 * last row says "rows A-B of N"; then the rows after its document title
 * joined must be the document, every byte.  Each screen is read only
 * once the console drew what the last key asked for: the review open
 * (its first row names the proposal), then each page after the last.
 */
static void
prop_review_shows(const char *document, int cols)
{
	char	*screen = NULL, *line[256], *rows[256], got[8192];
	size_t	 n, i, tabs, first, last, total, k, shown = 0, was = 0;
	int64_t	 deadline;

	memset(rows, 0, sizeof rows);
	e2e_tmux_keys("Enter", 0);
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	for (;;) {
		free(screen);
		screen = prop_settled(e2e_tmux_capture());
		n = prop_lines(screen, line, 256);
		for (tabs = 0; tabs < n && strstr(line[tabs],
		    "6 Proposals") == NULL; tabs++)
			;
		ck_assert_msg(tabs + 2 < n, "no view names on the screen");
		/* The last row of the view says which rows show, if not all. */
		if (sscanf(line[n - 2], "rows %zu-%zu of %zu", &first, &last,
		    &total) != 3) {
			first = 1;
			last = total = n - 2 - tabs;
		}
		if ((shown == 0 && strncmp(line[tabs + 1], "proposal ", 9) !=
		    0) || (shown > 0 && first == was)) {
			/* Not drawn yet: the list, or the previous page. */
			ck_assert_msg(e2e_now_ms() < deadline, "%s",
			    shown == 0 ? "Enter did not open the review" :
			    "PageDown did not scroll the review");
			e2e_sleep_ms(200);
			continue;
		}
		ck_assert_msg(total < 256 && last >= first && last - first <
		    n - tabs && first <= shown + 1, "a review row count that "
		    "makes no sense after rows 1-%zu: %s", shown, line[n - 2]);
		for (k = first; k <= last; k++) {
			free(rows[k - 1]);
			rows[k - 1] = strdup(line[tabs + 1 + (k - first)]);
		}
		if (last > shown)
			shown = last;
		if (shown >= total)
			break;
		was = first;
		e2e_tmux_keys("NPage", 0);
		deadline = e2e_now_ms() + PROP_WAIT_MS;
	}
	for (i = 0; i < total && strstr(rows[i], "document (the exact bytes, "
	    "signed through their SHA-256):") == NULL; i++)
		;
	ck_assert_msg(i < total, "the review has no document title");
	got[0] = '\0';
	for (i++; i < total && rows[i][0] != '\0'; i++)
		prop_join(got, sizeof got, rows[i], cols);
	prop_trim(got);
	ck_assert_msg(strcmp(document, got) == 0, "at %d columns the review "
	    "does not show the signed bytes whole:\n%s\nthe review:\n%s",
	    cols, document, got);
	for (i = 0; i < total; i++)
		free(rows[i]);
	free(screen);
}

/*
 * alice proposes to kill router/r1 to router/r8 with a reason holding a
 * word wider than any pane: eight targets make the document long.
 */
static void
prop_propose_eight(const char *fleet, const char *alice)
{
	char			*argv[20], name[32], env_alice[600], *env[2];
	struct e2e_result	 r;
	int			 i, argc = 0;

	snprintf(env_alice, sizeof env_alice, "VIGIL_KEY=%s", alice);
	env[0] = env_alice;
	env[1] = NULL;
	argv[argc++] = e2e_bin("vigil");
	argv[argc++] = "--fleet";
	argv[argc++] = (char *)fleet;
	argv[argc++] = "propose";
	argv[argc++] = "kill";
	for (i = 1; i <= 8; i++) {
		snprintf(name, sizeof name, "router/r%d", i);
		argv[argc++] = strdup(name);
	}
	argv[argc++] = "--reason";
	argv[argc++] = "runaway child orders since the open, see "
	    "https://runbooks.example/knight/2012-08-01/power-peg-runaway-"
	    "child-orders-on-router-r8-kill-every-router-until-the-rollback-"
	    "is-checked";
	argv[argc++] = "--yes";
	argv[argc] = NULL;
	e2e_run(argv, env, PROP_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "propose exited %d: %s%s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);
	for (i = 5; i < 13; i++)
		free(argv[i]);
	free(argv[0]);
}

/*
 * The executed proposal reaches consoles naming its document by its
 * SHA-256 only (router/r8's frames, read raw, say so); a console that
 * watched it all still shows the whole document, in the pane and in the
 * review, from the copy the pending proposal brought.
 */
START_TEST(executed_updates_name_the_document_and_the_console_keeps_it)
{
	struct proto_msg	*m = calloc(1, sizeof *m);
	struct e2e_result	 r;
	struct e2e_ws		*ws;
	json_t			*pending;
	char			*alice, *bob, *fleet, *document, *url, *frame;
	char			*argv[8], cmd[2048], env_bob[600], *env[2];
	char			 id[64], sha[65], why[PROTO_TEXT_MAX];
	int			 executed = 0;
	int64_t			 deadline;

	ck_assert_ptr_nonnull(m);
	e2e_setup();
	fleet = prop_knight(&alice, &bob);
	prop_propose_eight(fleet, alice);
	document = prop_pending_document(fleet);
	opkey_sha256_hex(document, strlen(document), sha);
	pending = prop_json(fleet, "pending");
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(
	    json_array_get(json_object_get(pending, "proposals"), 0), "id")));
	json_decref(pending);
	url = e2e_fleet_url(fleet, "router/r8");
	ws = e2e_ws_open(url, PROP_WAIT_MS);
	free(url);

	prop_console(cmd, sizeof cmd, NULL, fleet);
	e2e_tmux_start(200, 50, cmd);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the console", "Proposals (1)",
	    (char *)NULL));
	/* It watches every router before the approval, not some. */
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	snprintf(env_bob, sizeof env_bob, "VIGIL_KEY=%s", bob);
	env[0] = env_bob;
	env[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "approve";
	argv[4] = id;
	argv[5] = "--yes";
	argv[6] = NULL;
	e2e_run(argv, env, PROP_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "approve exited %d: %s%s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);
	free(argv[0]);

	/* What router/r8 told a console about it, frame by frame. */
	deadline = e2e_now_ms() + PROP_WAIT_MS;
	while (!executed && e2e_now_ms() < deadline &&
	    (frame = e2e_ws_recv(ws, PROP_WAIT_MS)) != NULL) {
		ck_assert_msg(proto_decode(frame, strlen(frame), m, why,
		    sizeof why) == 0, "router/r8 sent a frame that does not "
		    "decode: %s", why);
		if (m->type == MSG_PROPOSAL && m->u.proposal.status ==
		    STATUS_EXECUTED) {
			ck_assert_msg(m->u.proposal.document == NULL,
			    "the executed proposal carries its document again");
			ck_assert_str_eq(m->u.proposal.sha256, sha);
			executed = 1;
		} else if (m->type == MSG_PROPOSAL)
			ck_assert_str_eq(m->u.proposal.document, document);
		proto_msg_clear(m);
		free(frame);
	}
	ck_assert_msg(executed, "router/r8 sent no executed proposal");
	e2e_ws_close(ws);

	e2e_tmux_keys("6", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the executed proposal",
	    "executed", (char *)NULL));
	ck_assert_msg(prop_pane_shows(document, 200), "at 200 columns the "
	    "pane has room for the whole document");
	prop_review_shows(document, 200);
	free(document);
	free(alice);
	free(bob);
	free(fleet);
	free(m);
}
END_TEST

/*
 * Every byte an operator approves is on the screen: in the pane under
 * the list (or, when it has no room, said to be in the review) and in
 * the review, scrolled when it is taller than the view.  The reason has
 * a word wider than any pane; eight targets make the document long.
 */
START_TEST(the_pane_and_the_review_show_every_signed_byte)
{
	static const int	 size[][2] = { { 80, 24 }, { 100, 30 },
				    { 200, 50 } };
	int			 cols = size[_i][0], rows = size[_i][1];
	char			*alice, *bob, *fleet, *document;
	char			 cmd[2048];

	e2e_setup();
	fleet = prop_knight(&alice, &bob);
	prop_propose_eight(fleet, alice);
	document = prop_pending_document(fleet);

	prop_console(cmd, sizeof cmd, NULL, fleet);
	e2e_tmux_start(cols, rows, cmd);
	/* A target not heard from yet adds words to the review's rows. */
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	e2e_tmux_keys("6", 0);
	if (!prop_pane_shows(document, cols))
		ck_assert_msg(cols < 200, "at 200 columns the pane has room "
		    "for the whole document");
	prop_review_shows(document, cols);

	free(document);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/*
 * Start the knight fleet trusting alice and bob (their keys' paths in
 * *alice, *bob), and alice's console, cols wide, on the Routers view
 * with the last router, router/r8, selected once all eight are in (G
 * then k is router/r7 only then).  Returns the fleet file (allocated).
 */
static char *
prop_alice_at_r8(int cols, char **alice, char **bob)
{
	char	*fleet, cmd[2048];

	e2e_setup();
	fleet = prop_knight(alice, bob);
	prop_console(cmd, sizeof cmd, *alice, fleet);
	e2e_tmux_start(cols, 50, cmd);
	free(e2e_tmux_wait_fleet(PROP_WAIT_MS, 8, 8));
	e2e_tmux_keys("2", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the Routers view", "CHILD/s",
	    "router/r8", (char *)NULL));
	e2e_tmux_keys("G", 0);
	return (fleet);
}

/*
 * The preflight in the console: alice's rollback dialog for router/r7
 * shows the plan and the backend's refusal (rlp would wake power_peg,
 * which smars-2012.08.01 retired) before anything is signed; her flag
 * dialog for router/r8 shows rlp going from power_peg to off, and bob's
 * review shows the same plan before he signs it.
 */
START_TEST(the_dialog_and_the_review_show_the_plan)
{
	char	*alice, *bob, *fleet, cmd[2048];

	fleet = prop_alice_at_r8(140, &alice, &bob);
	e2e_tmux_keys("k", 0);
	e2e_tmux_keys("B", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the rollback dialog",
	    "Propose rollback", "Type the build to switch to",
	    (char *)NULL));
	e2e_tmux_keys("smars-2012.07.31-old", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the plan and its refusal",
	    "plan: rollback to smars-2012.07.31-old",
	    "flag rlp: retail_liquidity -> power_peg",
	    "REFUSED: switching router/r7", "smars-2012.08.01 retired",
	    (char *)NULL));
	e2e_tmux_keys("Escape", 0);

	e2e_tmux_keys("G", 0);
	e2e_tmux_keys("F", 0);
	e2e_tmux_keys("rlp=off", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the flag plan", "plan: flag rlp off",
	    "router/r8: build smars-2012.07.31-old -> smars-2012.07.31-old",
	    "flag rlp: power_peg -> off", "safe:", "target: router/r8, build "
	    "smars-2012.07.31-old, running", (char *)NULL));
	e2e_tmux_keys("rlp means power_peg here", 1);
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("flag", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_sign_draft(PROP_WAIT_MS));
	free(e2e_tmux_wait(PROP_WAIT_MS, "r8 accepting the proposal",
	    "router/r8: accepted", (char *)NULL));
	e2e_tmux_keys("Enter", 0);

	prop_console(cmd, sizeof cmd, bob, fleet);
	e2e_tmux_window(cmd);
	e2e_tmux_open_approve(PROP_WAIT_MS, "alice");
	free(e2e_tmux_wait(PROP_WAIT_MS, "the plan in the review",
	    "plan: flag rlp off", "flag rlp: power_peg -> off",
	    "Type flag and press Enter", (char *)NULL));
	e2e_tmux_keys("flag", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "r8 carrying it out",
	    "router/r8: executed", (char *)NULL));
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/*
 * A fleet file naming the backends of fleet's CA, node's and 96 that
 * accept and never answer (each a listener held until cleanup), node's
 * first or last: the console's links to those 96 stay on their first
 * connection, and those queued behind them too, for about 12 s (the
 * handshake pacing lets 32 at a time wait out a 4 s timeout).  Its path,
 * allocated.
 */
static char *
prop_coming_fleet(const char *fleet, const char *node, int node_first)
{
	char	*own, *url, line[1024];
	FILE	*in, *out;
	int	 i, port;

	own = e2e_path(node_first ? "fleet-node-first" : "fleet-node-last");
	ck_assert_ptr_nonnull(in = fopen(fleet, "r"));
	ck_assert_ptr_nonnull(out = fopen(own, "w"));
	while (fgets(line, sizeof line, in) != NULL) {
		if (strncmp(line, "ca ", 3) == 0)
			fputs(line, out);
	}
	fclose(in);
	url = e2e_fleet_url(fleet, node);
	if (node_first)
		fprintf(out, "%s # %s\n", url, node);
	for (i = 0; i < 96; i++) {
		(void)e2e_listen(AF_INET, &port);
		fprintf(out, "ws://127.0.0.1:%d/ # accepts, never answers\n",
		    port);
	}
	if (!node_first)
		fprintf(out, "%s # %s\n", url, node);
	ck_assert_int_eq(fclose(out), 0);
	free(url);
	return (own);
}

/*
 * bob's console hears router/r8, which holds alice's kill of r1 to r8,
 * while its 96 other links are still making their first connection
 * (backends that accept and never answer: the queue behind the
 * handshake pacing keeps some in it for about 12 s).  Approving then
 * is refused in words and nothing is signed or sent: the approval
 * used to go to r8 alone, which carried out its part of the kill while
 * the console had not yet heard the others.
 */
START_TEST(approving_waits_for_links_still_coming_up)
{
	char	*alice, *bob, *fleet, *own, *state, cmd[2048];

	e2e_setup();
	fleet = prop_knight(&alice, &bob);
	prop_propose_eight(fleet, alice);

	own = prop_coming_fleet(fleet, "router/r8", 1);

	prop_console(cmd, sizeof cmd, bob, own);
	e2e_tmux_start(200, 50, cmd);
	e2e_tmux_open_approve(PROP_WAIT_MS, "alice");
	free(e2e_tmux_wait(PROP_WAIT_MS, "the approve dialog", "Type kill "
	    "and press Enter to sign the document above as bob",
	    (char *)NULL));
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the approval refused",
	    "not approved: router/r1 has not said hello to this console "
	    "yet, and ", "links are still making their first connection; "
	    "nothing was signed or sent", (char *)NULL));
	state = e2e_router_state(fleet, "router/r8");
	ck_assert_msg(strcmp(state, "running") == 0, "router/r8 is %s after "
	    "an approval refused", state);
	free(state);
	free(own);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/* `vigil --fleet FLEET propose kill router/r8 --wait WAIT` as key. */
static void
prop_propose_r8(const char *fleet, const char *key, const char *wait,
    struct e2e_result *r)
{
	char	*argv[16];

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = (char *)fleet;
	argv[3] = "--key";
	argv[4] = (char *)key;
	argv[5] = "propose";
	argv[6] = "kill";
	argv[7] = "router/r8";
	argv[8] = "--reason";
	argv[9] = "halt r8";
	argv[10] = "--wait";
	argv[11] = (char *)wait;
	argv[12] = "--yes";
	argv[13] = NULL;
	e2e_run(argv, NULL, 60000, r);
	free(argv[0]);
}

/*
 * Proposing to a node not heard yet says why and what to do: while the
 * console's links are still making their first connection, router/r8's
 * (queued behind 96 backends that accept and never answer) may be
 * among them, so it says so and to allow longer, which works; it used
 * to tell the operator to check that r8's backend runs, which it did.
 * A node that said hello but sent no counters yet is said to be slow.
 */
START_TEST(proposing_says_links_are_still_coming_up)
{
	static const char *const hello_only[] = {
		"{\"type\":\"hello\",\"node\":\"router/r8\",\"version\":1,"
		"\"role\":\"router\",\"group\":\"g\",\"build\":\"b1\","
		"\"clock_ms\":0,\"flags\":[]}",
		NULL
	};
	struct e2e_result	 r;
	char			*alice, *bob, *fleet, *own, *url;
	FILE			*f;

	e2e_setup();
	fleet = prop_knight(&alice, &bob);
	own = prop_coming_fleet(fleet, "router/r8", 0);

	prop_propose_r8(own, alice, "2", &r);
	ck_assert_msg(r.status == 3 && strstr(r.err, "router/r8 has not said "
	    "hello to this console within") != NULL && strstr(r.err, "the "
	    "console is still making its first connection to ") != NULL &&
	    strstr(r.err, " of its 97 backends") != NULL && strstr(r.err,
	    "router/r8 may be behind one of them: allow longer with "
	    "--wait") != NULL &&
	    strstr(r.err, "check that its backend runs") == NULL &&
	    r.out[0] == '\0', "propose while the links come up exited %d: "
	    "%s / %s", r.status, r.out, r.err);
	e2e_result_free(&r);
	/* The advice is right: with longer, r8 is heard and proposed to. */
	prop_propose_r8(own, alice, "45", &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r8: accepted") !=
	    NULL, "propose allowed longer exited %d: %s / %s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);

	url = e2e_rogue_backend(hello_only, -1, NULL);
	ck_assert_ptr_nonnull(f = fopen(own, "w"));
	fprintf(f, "%s # router/r8\n", url);
	ck_assert_int_eq(fclose(f), 0);
	prop_propose_r8(own, alice, "2", &r);
	ck_assert_msg(r.status == 3 && strstr(r.err, "router/r8 said hello but "
	    "sent no counters within") != NULL && strstr(r.err, "its backend "
	    "is slow to report: allow longer with --wait") != NULL,
	    "propose to a node without counters exited %d: %s / %s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);
	free(url);
	free(own);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/*
 * The id and the SHA-256 a draft's review on screen names, into id
 * (PROTO_CMDID_MAX bytes) and sha (65).
 */
static void
prop_draft_names(const char *screen, char *id, char *sha)
{
	const char	*at;

	ck_assert_msg((at = strstr(screen, "proposal ")) != NULL &&
	    sscanf(at, "proposal %32[0-9a-f] (not signed", id) == 1 &&
	    (at = strstr(screen, "sha256:")) != NULL &&
	    sscanf(at, "sha256: %64[0-9a-f]", sha) == 1 && strlen(sha) == 64,
	    "the review names no id or SHA-256:\n%s", screen);
}

/* The one pending proposal vigild holds is document id, of hash sha. */
static void
prop_holds(const char *fleet, const char *id, const char *sha)
{
	char	*doc, held[65];

	doc = prop_pending_document(fleet);
	opkey_sha256_hex(doc, strlen(doc), held);
	ck_assert_msg(strcmp(held, sha) == 0 && strstr(doc, id) != NULL,
	    "vigild holds another document than the one reviewed (%s, %s): "
	    "%s", id, sha, doc);
	free(doc);
}

/*
 * In alice's console, on router/r8 in the Routers view, open the kill
 * dialog and type the reason and the word: the draft's review opens.
 */
static void
prop_draft_kill(void)
{
	e2e_tmux_keys("K", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the propose dialog",
	    "Propose kill", "target: router/r8", (char *)NULL));
	e2e_tmux_keys("runaway child orders", 1);
	e2e_tmux_keys("Enter", 0);
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
}

/*
 * What the proposer signs is shown whole first: after the word, alice's
 * console builds the document and shows its review (its id, the
 * document, its SHA-256), signing nothing.  Escape discards it and no
 * backend holds a proposal; y signs it, and the document vigild then
 * holds has the id and the SHA-256 the review showed, the hash bob's
 * review shows too.
 */
START_TEST(the_proposer_reviews_the_whole_document_before_signing)
{
	char	*alice, *bob, *fleet, *screen, cmd[2048];
	char	 id[PROTO_CMDID_MAX], sha[65], want[96];
	json_t	*pending;

	fleet = prop_alice_at_r8(120, &alice, &bob);

	/* Escape on the review: nothing signed, no backend holds it. */
	prop_draft_kill();
	free(e2e_tmux_wait(PROP_WAIT_MS, "the review of the draft",
	    "Review before signing: propose kill", "(not signed, not sent)",
	    "sha256:", "{\"action\":\"kill\"", "Press y to sign this "
	    "document as alice", (char *)NULL));
	e2e_tmux_keys("Escape", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the discard said", "No proposal "
	    "was made: you discarded the document, and nothing was signed "
	    "or sent.", (char *)NULL));
	e2e_sleep_ms(1000);
	pending = prop_json(fleet, "pending");
	ck_assert_msg(json_array_size(json_object_get(pending, "proposals"))
	    == 0, "a discarded draft is held: %s", json_dumps(pending, 0));
	json_decref(pending);
	screen = e2e_tmux_capture();
	ck_assert_msg(strstr(screen, "Proposals (") == NULL, "a discarded "
	    "draft counts as a proposal:\n%s", screen);
	free(screen);

	/* y signs the document reviewed: vigild holds those bytes. */
	prop_draft_kill();
	screen = e2e_tmux_sign_draft(PROP_WAIT_MS);
	prop_draft_names(screen, id, sha);
	free(screen);
	free(e2e_tmux_wait(PROP_WAIT_MS, "r8 accepting the proposal",
	    "router/r8: accepted", "signed through the document's SHA-256 ",
	    sha, (char *)NULL));
	prop_holds(fleet, id, sha);

	/* bob's review names the same hash, to compare by voice. */
	prop_console(cmd, sizeof cmd, bob, fleet);
	e2e_tmux_window(cmd);
	e2e_tmux_open_approve(PROP_WAIT_MS, "alice");
	snprintf(want, sizeof want, "sha256: %s", sha);
	free(e2e_tmux_wait(PROP_WAIT_MS, "bob's review naming the hash",
	    want, (char *)NULL));
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/*
 * The shell command running vigil propose kill router/r8 as alice on
 * fleet, at the terminal tmux gives it.
 */
static void
prop_shell_propose(char *buf, size_t len, const char *alice,
    const char *fleet)
{
	char	*vigil = e2e_bin("vigil");

	snprintf(buf, len, "env VIGIL_KEY=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "timeout --foreground 60 %s --fleet %s propose kill router/r8 "
	    "--reason 'runaway child orders'; echo exit $?; sleep 30", alice,
	    vigil, fleet);
	free(vigil);
}

/*
 * vigil propose at a terminal shows the document whole, with its id and
 * SHA-256, and asks for the action's name before signing, as approve
 * does: another word signs and sends nothing; the word signs the bytes
 * shown, which vigild then holds.
 */
START_TEST(propose_at_a_terminal_shows_the_document_and_asks_first)
{
	char	*alice, *bob, *fleet, *screen, cmd[2048];
	char	 id[PROTO_CMDID_MAX], sha[65];
	json_t	*pending;

	e2e_setup();
	fleet = prop_knight(&alice, &bob);
	prop_shell_propose(cmd, sizeof cmd, alice, fleet);
	e2e_tmux_start(140, 50, cmd);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the review and the question",
	    "(not signed, not sent)", "sha256:", "{\"action\":\"kill\"",
	    "Type kill to sign and propose this command", (char *)NULL));
	e2e_tmux_keys("kil", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the refusal", "vigil: not "
	    "proposed: you typed \"kil\", not \"kill\"; nothing was signed "
	    "or sent", "exit 5", (char *)NULL));
	pending = prop_json(fleet, "pending");
	ck_assert_msg(json_array_size(json_object_get(pending, "proposals"))
	    == 0, "a refused proposal is held: %s", json_dumps(pending, 0));
	json_decref(pending);

	prop_shell_propose(cmd, sizeof cmd, alice, fleet);
	e2e_tmux_window(cmd);
	screen = e2e_tmux_wait(PROP_WAIT_MS, "the question again",
	    "Type kill to sign and propose this command", (char *)NULL);
	prop_draft_names(screen, id, sha);
	free(screen);
	e2e_tmux_keys("kill", 1);
	e2e_tmux_keys("Enter", 0);
	free(e2e_tmux_wait(PROP_WAIT_MS, "the proposal accepted",
	    "router/r8: accepted", "exit 0", (char *)NULL));
	prop_holds(fleet, id, sha);
	free(alice);
	free(bob);
	free(fleet);
}
END_TEST

/* The Proposals view suite. */
Suite *
proposals_suite(void)
{
	Suite	*s = suite_create("proposals");
	TCase	*tc;

	tc = tcase_create("countdown");
	tcase_add_test(tc,
	    countdown_reads_minutes_and_seconds_and_says_expired);
	suite_add_tcase(s, tc);
	tc = tcase_create("screen");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc,
	    a_proposal_from_another_console_shows_with_its_countdown);
	tcase_add_test(tc,
	    two_consoles_kill_marked_routers_and_a_proposer_cancels);
	tcase_add_test(tc, the_dialog_and_the_review_show_the_plan);
	tcase_add_test(tc,
	    executed_updates_name_the_document_and_the_console_keeps_it);
	tcase_add_test(tc, approving_waits_for_links_still_coming_up);
	suite_add_tcase(s, tc);
	tc = tcase_create("propose");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc, proposing_says_links_are_still_coming_up);
	tcase_add_test(tc,
	    the_proposer_reviews_the_whole_document_before_signing);
	tcase_add_test(tc,
	    propose_at_a_terminal_shows_the_document_and_asks_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("signed bytes");
	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_loop_test(tc, the_pane_and_the_review_show_every_signed_byte,
	    0, 3);
	suite_add_tcase(s, tc);
	return (s);
}
