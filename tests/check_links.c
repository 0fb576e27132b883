/*
 * check_links.c: the console's links to backends never go blind.  Real
 * vigild and vigil processes on loopback: a backend stopped (SIGSTOP)
 * before the console starts or while it is connected, a listener that
 * accepts and never answers, a peer that sends a binary frame, a
 * backend that connects and says nothing, and a backend reached over
 * IPv6; a console just connected gets each node's second stats within a
 * stats period.  Every wait is bounded.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "e2e.h"
#include "fleet.h"
#include "link.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define NODE_START_MS	20000	/* vigild writing its fleet file */
#define LIVE_MS		(LINK_HANDSHAKE_MS + LINK_RETRY_MAX_MS + 4000)

static int	 start_node(const char *, pid_t *);
static char	*write_fleet(const char *);
static char	*node_fleet(const char *, pid_t *);
static void	 status_argv(char **, char *, char *);
static pid_t	 start_watch(const char *, const char *, struct e2e_lines *);
static pid_t	 start_watch_with(const char *, const char *, const char *,
		    char *const *, struct e2e_lines *);
static void	 watch_for(struct e2e_lines *, const char *, int);
static void	 watch_without(struct e2e_lines *, const char *, int,
		    const char *);
static int	 accept_within(int, int);
static void	 rogue_handshake(int);
static int	 serve_until(struct lws_context *, int (*)(const void *),
		    const void *, int);
static int	 some_left(const void *);
static int	 node_has_stats(const void *);
static int	 six_wants_answered(const void *);
static size_t	 want_refusals(const struct node *, char *, size_t);
static void	 setup(void);
static void	 teardown(void);

/*
 * Start `vigild node --role router --id ID` on a kernel-chosen loopback
 * port and wait until it listens.  Returns the port.
 */
static int
start_node(const char *id, pid_t *pidp)
{
	char	*argv[12], *file, text[512];
	FILE	*f;
	char	*p;
	size_t	 n;

	file = e2e_path(id);
	argv[0] = e2e_bin("vigild");
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = (char *)id;
	argv[6] = "--listen";
	argv[7] = "127.0.0.1:0";
	argv[8] = "--fleet-file";
	argv[9] = file;
	/* Plain: these tests reach the node through proxies and [::1]. */
	argv[10] = "--insecure";
	argv[11] = NULL;
	*pidp = e2e_spawn(argv, NULL, NULL);
	ck_assert_msg(e2e_wait_file(file, NODE_START_MS) == 0, "vigild node "
	    "%s wrote no fleet file within %d ms", id, NODE_START_MS);
	f = fopen(file, "r");
	ck_assert(f != NULL);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	p = strstr(text, "ws://127.0.0.1:");
	ck_assert_msg(p != NULL, "%s's fleet file names no URL: %s", id, text);
	free(argv[0]);
	free(file);
	return (atoi(p + strlen("ws://127.0.0.1:")));
}

/* Write a fleet file of the one URL given; returns its path. */
static char *
write_fleet(const char *url)
{
	char	*path = e2e_path("fleet");
	FILE	*f;

	f = fopen(path, "w");
	ck_assert(f != NULL);
	fprintf(f, "# one backend\n%s\n", url);
	ck_assert(fclose(f) == 0);
	return (path);
}

/* Start a node as start_node() does; returns a fleet file naming it. */
static char *
node_fleet(const char *id, pid_t *pidp)
{
	char	url[64];

	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", start_node(id, pidp));
	return (write_fleet(url));
}

/* Start `vigil --fleet FILE watch --for SECONDS`, reading its lines. */
static pid_t
start_watch(const char *fleet, const char *seconds, struct e2e_lines *lines)
{
	return (start_watch_with("--fleet", fleet, seconds, NULL, lines));
}

/*
 * Start `vigil HOW WHAT watch --for SECONDS` (HOW --fleet or --connect)
 * with env added to its environment (or NULL), reading its lines.
 */
static pid_t
start_watch_with(const char *how, const char *what, const char *seconds,
    char *const *env, struct e2e_lines *lines)
{
	char	*argv[8];
	pid_t	 pid;
	int	 out;

	argv[0] = e2e_bin("vigil");
	argv[1] = (char *)how;
	argv[2] = (char *)what;
	argv[3] = "watch";
	argv[4] = "--for";
	argv[5] = (char *)seconds;
	argv[6] = NULL;
	pid = e2e_spawn(argv, env, &out);
	e2e_lines_init(lines, out);
	free(argv[0]);
	return (pid);
}

/* Fill argv (7 slots) with `vigil --connect URL status --wait SECONDS`. */
static void
status_argv(char **argv, char *url, char *seconds)
{
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = url;
	argv[3] = "status";
	argv[4] = "--wait";
	argv[5] = seconds;
	argv[6] = NULL;
}

/* Read watch's lines until one holds what, or fail after timeout_ms. */
static void
watch_for(struct e2e_lines *lines, const char *what, int timeout_ms)
{
	int64_t	deadline = e2e_now_ms() + timeout_ms, left;
	char	line[4096];

	for (;;) {
		left = deadline - e2e_now_ms();
		ck_assert_msg(left > 0, "watch did not print \"%s\" within "
		    "%d ms", what, timeout_ms);
		if (e2e_next_line(lines, line, sizeof line, (int)left) != 1)
			continue;
		if (strstr(line, what) != NULL)
			return;
	}
}

/* Accept one connection within timeout_ms; -1 when none came. */
static int
accept_within(int fd, int timeout_ms)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, timeout_ms) != 1)
		return (-1);
	return (accept4(fd, NULL, NULL, SOCK_CLOEXEC));
}

/*
 * Answer a console's websocket handshake on fd as a vigil.v1 backend
 * would (RFC 6455: the key, the GUID, SHA-1, base64).
 */
static void
rogue_handshake(int fd)
{
	static const char	 guid[] =
	    "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned char		 accept[64];
	char			 req[4096], keyed[128], reply[512];
	char			*key, *end;
	size_t			 len = 0;
	unsigned		 mdlen;
	ssize_t			 r;
	struct pollfd		 pfd;

	while (memmem(req, len, "\r\n\r\n", 4) == NULL) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		ck_assert_msg(poll(&pfd, 1, 5000) == 1 && len < sizeof req - 1,
		    "the console sent no websocket handshake within 5 s");
		r = read(fd, req + len, sizeof req - 1 - len);
		ck_assert_msg(r > 0, "the console closed before its handshake");
		len += (size_t)r;
		req[len] = '\0';
	}
	key = strcasestr(req, "Sec-WebSocket-Key:");
	ck_assert_msg(key != NULL, "no key in the handshake: %s", req);
	key += strlen("Sec-WebSocket-Key:");
	key += strspn(key, " ");
	end = strstr(key, "\r\n");
	snprintf(keyed, sizeof keyed, "%.*s%s", (int)(end - key), key, guid);
	ck_assert(EVP_Digest(keyed, strlen(keyed), md, &mdlen, EVP_sha1(),
	    NULL) == 1);
	EVP_EncodeBlock(accept, md, (int)mdlen);
	snprintf(reply, sizeof reply, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n"
	    "Sec-WebSocket-Protocol: " PROTO_SUBPROTOCOL "\r\n\r\n", accept);
	ck_assert(write(fd, reply, strlen(reply)) == (ssize_t)strlen(reply));
}

/* Set up a test. */
static void
setup(void)
{
	e2e_setup();
}

/* Kill and reap what the test started, and remove its directory. */
static void
teardown(void)
{
	e2e_cleanup();
}

/*
 * A backend stopped before the console starts completes TCP through its
 * listen queue and never answers the handshake; once it is continued,
 * the console's next attempt finds it live.
 */
START_TEST(test_node_stopped_before_watch_is_live_after_sigcont)
{
	struct e2e_lines	*lines = calloc(1, sizeof *lines);
	char			*fleet;
	pid_t			 node;

	ck_assert(lines != NULL);
	fleet = node_fleet("r1", &node);
	ck_assert_int_eq(kill(node, SIGSTOP), 0);
	start_watch(fleet, "60", lines);
	/* Two handshake timeouts pass while it is stopped. */
	e2e_sleep_ms(2 * LINK_HANDSHAKE_MS + 500);
	ck_assert_int_eq(kill(node, SIGCONT), 0);
	watch_for(lines, " router/r1 live", LIVE_MS);
	free(fleet);
	free(lines);
}
END_TEST

/*
 * A backend hung while connected is hung up when it answers no ping,
 * marked down, and comes back live once it runs again, even when it
 * stayed hung through the console's next attempts.
 */
START_TEST(test_node_hung_while_connected_comes_back_live)
{
	struct e2e_lines	*lines = calloc(1, sizeof *lines);
	char			*fleet;
	pid_t			 node;

	ck_assert(lines != NULL);
	fleet = node_fleet("r1", &node);
	start_watch(fleet, "60", lines);
	watch_for(lines, " router/r1 live", LIVE_MS);
	ck_assert_int_eq(kill(node, SIGSTOP), 0);
	/* Hung up 25 s after its last frame, counting what it heard. */
	watch_for(lines, " router/r1 down: ", LINK_HANGUP_MS + 10000);
	/* It stays hung past the next attempt's handshake timeout. */
	e2e_sleep_ms(LINK_HANDSHAKE_MS + 1500);
	ck_assert_int_eq(kill(node, SIGCONT), 0);
	watch_for(lines, " router/r1 live", LIVE_MS);
	free(fleet);
	free(lines);
}
END_TEST

/*
 * A listener that accepts and never answers: the console gives up on
 * each attempt after the handshake timeout, says so in words, keeps
 * trying with backoff, and status ends on time.
 */
START_TEST(test_silent_listener_is_retried_and_explained)
{
	char			 url[64], *argv[8], *err;
	int64_t			 start, deadline, at[16];
	pid_t			 vigil;
	int			 lfd, port, fd, n = 0, status;

	lfd = e2e_listen(AF_INET, &port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	status_argv(argv, url, "10");
	start = e2e_now_ms();
	vigil = e2e_spawn(argv, NULL, NULL);
	deadline = start + 11000;
	while (e2e_now_ms() < deadline && n < 16) {
		fd = accept_within(lfd, (int)(deadline - e2e_now_ms()));
		if (fd != -1)
			at[n++] = e2e_now_ms() - start;	/* held, unanswered */
	}
	status = e2e_wait(vigil, 5000);
	ck_assert_msg(status == 3, "status exited %d, expected 3 (a backend "
	    "could not be reached)", status);
	ck_assert_msg(n >= 2, "the console connected %d time(s) in 11 s; it "
	    "must retry a backend that never answers the handshake", n);
	ck_assert_msg(at[1] - at[0] >= LINK_HANDSHAKE_MS, "the second attempt "
	    "came %lld ms after the first, before the handshake timeout",
	    (long long)(at[1] - at[0]));
	err = e2e_stderr_of(vigil);
	ck_assert_msg(strstr(err, "no websocket handshake from 127.0.0.1:") !=
	    NULL && strstr(err, "the backend is stopped, hung") != NULL,
	    "status did not say why in words: %s", err);
	free(err);
	free(argv[0]);
}
END_TEST

/*
 * A binary frame is refused with a sentence naming the backend, even
 * when it holds a well-formed hello: vigil.v1 uses text frames only.
 */
START_TEST(test_binary_frame_is_refused_with_a_sentence)
{
	static const char	 hello[] = "{\"type\":\"hello\","
	    "\"node\":\"router/rogue\",\"version\":1,\"role\":\"router\","
	    "\"group\":\"g\",\"build\":\"b1\",\"scenario\":\"calm\","
	    "\"clock_ms\":1343808096780,\"time_scale\":1.0,\"link_nodes\":1,"
	    "\"flags\":[]}";
	struct e2e_result	 res;
	unsigned char		 frame[512];
	char			 url[64], *argv[8];
	size_t			 n = sizeof hello - 1;
	pid_t			 child;
	int			 lfd, port, fd;

	lfd = e2e_listen(AF_INET, &port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	if ((child = e2e_fork()) == 0) {
		/* The rogue backend: a hello, but in a binary frame. */
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		rogue_handshake(fd);
		frame[0] = 0x82;
		frame[1] = 126;
		frame[2] = (unsigned char)(n >> 8);
		frame[3] = (unsigned char)n;
		memcpy(frame + 4, hello, n);
		if (write(fd, frame, n + 4) != (ssize_t)(n + 4))
			_exit(1);
		pause();
		_exit(0);
	}
	close(lfd);
	status_argv(argv, url, "2");
	e2e_run(argv, NULL, 15000, &res);
	ck_assert_msg(strstr(res.out, "router/rogue") == NULL, "a node from a "
	    "binary frame was accepted: %s", res.out);
	ck_assert_msg(strstr(res.out, "127.0.0.1:") != NULL &&
	    strstr(res.out, "sent a binary frame of") != NULL &&
	    strstr(res.out, "it was refused: vigil.v1 carries one JSON object "
	    "per text frame") != NULL, "the binary frame was not refused "
	    "with a sentence: %s%s", res.out, res.err);
	e2e_result_free(&res);
	free(argv[0]);
}
END_TEST

/*
 * A fleet file may name a backend by a bracketed IPv6 address: a real
 * vigild (it listens on IPv4), reached through [::1] by a relay.
 */
START_TEST(test_ipv6_fleet_entry_reaches_its_backend)
{
	struct e2e_result	 res;
	char			 url[64], *fleet, *argv[8];
	pid_t			 node;
	int			 lfd, port, port6;

	port = start_node("r1", &node);
	lfd = e2e_listen(AF_INET6, &port6);
	e2e_relay(lfd, port);
	snprintf(url, sizeof url, "ws://[::1]:%d/", port6);
	fleet = write_fleet(url);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "status";
	argv[4] = NULL;
	e2e_run(argv, NULL, 15000, &res);
	ck_assert_msg(res.status == 0 && strstr(res.out, "router/r1") !=
	    NULL && strstr(res.out, "live") != NULL, "status over IPv6 "
	    "exited %d: %s%s", res.status, res.out, res.err);
	e2e_result_free(&res);

	/* An address that is not IPv6 in brackets is named as such. */
	snprintf(url, sizeof url, "ws://[::1::2]:%d/", port6);
	free(fleet);
	fleet = write_fleet(url);
	argv[2] = fleet;
	e2e_run(argv, NULL, 15000, &res);
	ck_assert_msg(res.status == 2 && strstr(res.err, "is not a numeric "
	    "IPv6 address") != NULL, "a bad IPv6 address got: %d %s",
	    res.status, res.err);
	e2e_result_free(&res);
	free(fleet);
	free(argv[0]);
}
END_TEST

/*
 * Two backends that complete the websocket handshake and then say
 * nothing, one answering pings (a libwebsockets server) and one not:
 * within CHECK_UNHEARD_MS a critical alert names each, and it stands
 * while the console hangs up on the one that answers no ping and
 * connects again, rather than clearing each time it reconnects.
 */
START_TEST(test_backend_silent_after_connect_is_alerted)
{
	struct e2e_result	 res;
	char			 url[64], want[256], *pong, *argv[10];
	int			 lfd, port, fd, i;

	pong = e2e_rogue_backend(NULL, -1, NULL);
	lfd = e2e_listen(AF_INET, &port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	if (e2e_fork() == 0) {
		/* Every connection kept open, never read again. */
		for (;;) {
			if ((fd = accept(lfd, NULL, NULL)) == -1)
				_exit(1);
			rogue_handshake(fd);
		}
	}
	close(lfd);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = pong;
	argv[3] = "--connect";
	argv[4] = url;
	argv[5] = "watch";
	argv[6] = "--for";
	argv[7] = "32";
	argv[8] = NULL;
	e2e_run(argv, NULL, 50000, &res);
	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof want, "raised CRITICAL node-down %s: the "
		    "backend at %s connected, but no node behind it has said "
		    "hello within", i == 0 ? pong : url, i == 0 ? pong : url);
		ck_assert_msg(strstr(res.out, want) != NULL, "a backend silent "
		    "after connect was not alerted (\"%s\"): %s%s", want,
		    res.out, res.err);
	}
	ck_assert_msg(strstr(res.out, "cleared") == NULL, "the alert of a "
	    "silent backend cleared while it stayed silent: %s", res.out);
	e2e_result_free(&res);
	free(argv[0]);
	free(pong);
}
END_TEST

/*
 * In the Fleet view, a backend that completed the handshake and says
 * nothing is shown as it is, connected and silent for so long, not as
 * one still connecting.
 */
START_TEST(test_silent_backend_is_shown_connected_and_silent)
{
	char	*url, *vigil, cmd[512], *screen;

	url = e2e_rogue_backend(NULL, -1, NULL);
	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "%s --connect %s", vigil, url);
	e2e_tmux_start(200, 30, cmd);
	e2e_tmux_keys("1", 1);
	screen = e2e_tmux_wait(15000, "the silent backend's row", url,
	    "connected, silent 2s: no node has said hello", (char *)NULL);
	ck_assert_msg(strstr(screen, "connecting") == NULL, "a connected "
	    "backend is still called connecting:\n%s", screen);
	free(screen);
	free(vigil);
	free(url);
}
END_TEST

/*
 * A console frozen behind a dead tunnel (connected, reading nothing,
 * answering no ping) is pinged after 30 s of silence and dropped at 40
 * s, with a sentence in vigild's log; a console that answers the pings
 * but sends nothing else stays connected and keeps getting stats.
 */
START_TEST(test_frozen_console_is_dropped_and_a_quiet_one_kept)
{
	struct e2e_ws	*frozen, *quiet;
	char		 url[64], *frame, *err = NULL, *p;
	int64_t		 t0, dropped = -1;
	pid_t		 node;
	int		 port, n;

	port = start_node("r1", &node);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	frozen = e2e_ws_open(url, 5000);
	quiet = e2e_ws_open(url, 5000);
	t0 = e2e_now_ms();
	while (dropped < 0 && e2e_now_ms() - t0 < 50000) {
		/* quiet reads, answering pings; frozen reads nothing. */
		frame = e2e_ws_recv(quiet, 2000);
		free(err);
		err = e2e_stderr_of(node);
		ck_assert_msg(frame != NULL, "a console answering pings got "
		    "nothing for 2 s, %lld ms in: %s",
		    (long long)(e2e_now_ms() - t0), err);
		free(frame);
		if (strstr(err, "answered no ping") != NULL)
			dropped = e2e_now_ms() - t0;
	}
	ck_assert_msg(dropped >= 39000, "the frozen console was not dropped "
	    "in words between 40 and 50 s of silence (%lld ms): %s",
	    (long long)dropped, err);
	for (n = 0, p = err; (p = strstr(p, "answered no ping")) != NULL; p++)
		n++;
	ck_assert_msg(n == 1, "%d consoles dropped, not 1: %s", n, err);
	ck_assert_msg(strstr(err, "closing its connection") != NULL,
	    "the drop says nothing of closing: %s", err);
	/* The frozen one's socket ends; the quiet one still gets stats. */
	for (n = 0; n < 1000 && (frame = e2e_ws_recv(frozen, 3000)) != NULL;
	    n++)
		free(frame);
	ck_assert_msg(n < 1000, "the frozen console's connection never ended");
	for (n = 0; n < 10 && (frame = e2e_ws_recv(quiet, 2000)) != NULL &&
	    strstr(frame, "\"stats\"") == NULL; n++)
		free(frame);
	ck_assert_msg(frame != NULL, "the quiet console got no stats after "
	    "the drop");
	free(frame);
	free(err);
	e2e_ws_close(frozen);
	e2e_ws_close(quiet);
}
END_TEST

/*
 * A hundred links to a backend that answers handshakes one at a time,
 * 60 ms each (as a loaded vigild serves a crowd): every link comes up
 * in turn, and none is given up on for want of a handshake within 4 s.
 * The console used to start all hundred at once, so the last third
 * waited behind the others past 4 s, timed out, were marked down with
 * a critical alert each, and were retried.
 */
START_TEST(test_a_crowd_of_links_waits_its_turn_and_none_times_out)
{
	struct e2e_result	 res;
	FILE			*f;
	char			*fleet, *argv[8];
	int			 port, i;

	e2e_rogue_slow_handshakes(60);
	(void)e2e_rogue_start(NULL, 0, 0, 0, &port);
	fleet = e2e_path("fleet-crowd");
	ck_assert_ptr_nonnull(f = fopen(fleet, "w"));
	for (i = 0; i < 100; i++)
		fprintf(f, "ws://127.0.0.1:%d/l%d\n", port, i);
	ck_assert_int_eq(fclose(f), 0);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "watch";
	argv[4] = "--for";
	argv[5] = "9";
	argv[6] = NULL;
	e2e_run(argv, NULL, 30000, &res);
	ck_assert_msg(strstr(res.out, "no websocket handshake") == NULL &&
	    strstr(res.err, "no websocket handshake") == NULL, "links timed "
	    "out waiting for their handshake: %.600s %.300s", res.out,
	    res.err);
	e2e_result_free(&res);
	free(argv[0]);
	free(fleet);
}
END_TEST

/*
 * Drain watch's lines for ms, failing on any line holding what; say
 * which in the message.
 */
static void
watch_without(struct e2e_lines *lines, const char *what, int ms,
    const char *which)
{
	int64_t	deadline = e2e_now_ms() + ms, left;
	char	line[4096];

	while ((left = deadline - e2e_now_ms()) > 0) {
		if (e2e_next_line(lines, line, sizeof line, (int)left) != 1)
			continue;
		ck_assert_msg(strstr(line, what) == NULL, "%s: %s", which,
		    line);
	}
}

/*
 * A backend that streams its stats is never pinged: every frame proves
 * it alive (VIGIL_DEBUG=1 shows each ping the console sends, on
 * standard error).  Once it stops, the console pings it after 10 s of
 * silence.  The console used to ping every link every 10 s whatever
 * came, and a vigild of 6,000 nodes spent a tenth of its sends on the
 * pongs.
 */
START_TEST(test_streaming_backend_is_never_pinged)
{
	struct e2e_lines	*lines = calloc(1, sizeof *lines);
	char			*fleet, *err;
	char			*env[] = { "VIGIL_DEBUG=1", NULL };
	pid_t			 node, vigil;
	int64_t			 deadline;

	ck_assert(lines != NULL);
	fleet = node_fleet("r1", &node);
	vigil = start_watch_with("--fleet", fleet, "60", env, lines);
	watch_for(lines, " router/r1 live", LIVE_MS);
	/* Past the old 10 s ping and its 25 s hang-up. */
	watch_without(lines, " down", 27000, "a streaming backend went down");
	err = e2e_stderr_of(vigil);
	ck_assert_msg(strstr(err, "pinging it") == NULL, "a backend that "
	    "streamed stats was pinged: %s", err);
	free(err);
	ck_assert_int_eq(kill(node, SIGSTOP), 0);
	deadline = e2e_now_ms() + 20000;
	for (err = NULL; err == NULL || strstr(err, "pinging it") == NULL;
	    e2e_sleep_ms(500)) {
		free(err);
		err = e2e_stderr_of(vigil);
		ck_assert_msg(e2e_now_ms() < deadline, "a stopped backend was "
		    "not pinged within 20 s: %s", err);
	}
	ck_assert_msg(strstr(err, "sent nothing for 10 s; pinging it") !=
	    NULL, "the stopped backend was pinged at the wrong time: %s", err);
	free(err);
	ck_assert_int_eq(kill(node, SIGCONT), 0);
	free(fleet);
	free(lines);
}
END_TEST

/*
 * A console stopped for longer than the 25 s hang-up (SIGSTOP, then
 * SIGCONT) does not hang up a backend that kept sending meanwhile: its
 * frames wait in the socket, and the console reads them before it
 * judges silence, which counts only the time it listened.  The backend
 * also pauses before the console stops, so that silence had begun and a
 * ping may be waiting for its pong when the console stops.
 */
START_TEST(test_stopped_console_keeps_backends_that_kept_sending)
{
	struct e2e_lines	*lines = calloc(1, sizeof *lines);
	char			 url[64], hello[256], stats[512];
	char			*frames[2];
	pid_t			 rogue, vigil;
	int			 port;

	ck_assert(lines != NULL);
	/* Its node's clock reads now; it is running, and so shown live. */
	snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"node\":"
	    "\"router/r1\",\"version\":1,\"role\":\"router\","
	    "\"group\":\"g\",\"build\":\"b1\",\"clock_ms\":%lld,"
	    "\"time_scale\":1.0,\"link_nodes\":1,\"flags\":[]}",
	    (long long)util_wall_ms());
	snprintf(stats, sizeof stats, "{\"type\":\"stats\",\"node\":"
	    "\"router/r1\",\"role\":\"router\",\"clock_ms\":%lld,"
	    "\"uptime_ms\":1000,\"seq\":1,\"parents_total\":1,"
	    "\"parent_shares_total\":100,\"child_orders_total\":1,"
	    "\"child_shares_total\":10,\"parents_refused_total\":0,"
	    "\"open_parents\":1,\"worst_ratio\":0.1,"
	    "\"worst_parent\":\"P1\",\"state\":\"running\","
	    "\"open_children\":0,\"children_cancelled_total\":0}",
	    (long long)util_wall_ms());
	frames[0] = hello;
	frames[1] = stats;
	/* A backend that never drops a silent console, as vigild would. */
	rogue = e2e_rogue_start(frames, nitems(frames), 0, 1000, &port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	vigil = start_watch_with("--connect", url, "45", NULL, lines);
	watch_for(lines, " router/r1 live", LIVE_MS);
	/*
	 * The backend pauses across the 10 s at which the console used to
	 * ping, so that a pong is due when the console stops; the console
	 * sleeps past the 25 s hang-up while the backend sends again.
	 */
	e2e_sleep_ms(5000);
	ck_assert_int_eq(kill(rogue, SIGSTOP), 0);
	e2e_sleep_ms(6000);
	ck_assert_int_eq(kill(vigil, SIGSTOP), 0);
	e2e_sleep_ms(1000);
	ck_assert_int_eq(kill(rogue, SIGCONT), 0);
	e2e_sleep_ms(LINK_HANGUP_MS + 2000);
	ck_assert_int_eq(kill(vigil, SIGCONT), 0);
	watch_without(lines, " down", 6000, "a backend that kept sending was "
	    "hung up on after the console was stopped");
	free(lines);
}
END_TEST

/* The links suite. */
/*
 * The ms between the first two stats frames about id on ws (the first
 * within timeout_ms of the call, the second within timeout_ms of it), or
 * -1 when either did not come.
 */
static int64_t
second_stats_ms(struct e2e_ws *ws, const char *id, int timeout_ms)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	int64_t			 first = -1, deadline, gap = -1;
	char			*frame, why[PROTO_TEXT_MAX];

	deadline = e2e_now_ms() + timeout_ms;
	while (gap == -1 && e2e_now_ms() < deadline &&
	    (frame = e2e_ws_recv(ws, (int)(deadline - e2e_now_ms()))) !=
	    NULL) {
		if (proto_decode(frame, strlen(frame), m, why,
		    sizeof why) == 0 && m->type == MSG_STATS &&
		    strcmp(m->u.stats.node, id) == 0) {
			if (first == -1) {
				first = e2e_now_ms();
				deadline = first + timeout_ms;
			} else
				gap = e2e_now_ms() - first;
		}
		proto_msg_clear(m);
		free(frame);
	}
	free(m);
	return (gap);
}

/*
 * A console just connected to a node gets its second stats, which it
 * needs for any rate (and vigil status for a full report), at vigild's
 * next stats period (250 ms), though with 600 nodes watched each node's
 * turn comes only every other period: it used to wait for its turn, up
 * to 500 ms (and 1 s past 1,500 watched), which was 0.5 s of a
 * 1,000-link start-up.  A console reconnects to router/r1 sixteen
 * times, each just after r1's turn, so that the next period is not
 * r1's: it waited 500 ms each time before.
 */
START_TEST(test_a_new_console_gets_second_stats_within_a_period)
{
	const char	*extra[] = { "--routers", "600", "--stations", "2",
			    NULL };
	struct e2e_ws	*ws[600];
	char		*fleet, *url[nitems(ws)], id[32];
	int64_t		 gap, gaps[16];
	size_t		 i, slow = 0;

	fleet = e2e_start_fleet("calm", extra, NULL);
	for (i = 0; i < nitems(ws); i++) {
		snprintf(id, sizeof id, "router/r%zu", i + 1);
		url[i] = e2e_fleet_url(fleet, id);
		ws[i] = e2e_ws_open(url[i], LIVE_MS);
	}
	/* r1's second stats come at its turn: reconnect right after. */
	ck_assert_msg(second_stats_ms(ws[0], "router/r1", 3000) >= 0,
	    "router/r1 sent no stats twice within 3 s");
	for (i = 0; i < nitems(gaps); i++) {
		e2e_ws_close(ws[0]);
		ws[0] = e2e_ws_open(url[0], LIVE_MS);
		gap = second_stats_ms(ws[0], "router/r1", 3000);
		ck_assert_msg(gap >= 0, "router/r1 sent no second stats "
		    "within 3 s of its first");
		gaps[i] = gap;
		if (gap > 375)
			slow++;
	}
	ck_assert_msg(slow <= 4, "%zu of %zu consoles waited over 375 ms "
	    "for router/r1's second stats (first three: %lld, %lld, %lld "
	    "ms)", slow, nitems(gaps), (long long)gaps[0],
	    (long long)gaps[1], (long long)gaps[2]);
	for (i = 0; i < nitems(ws); i++) {
		e2e_ws_close(ws[i]);
		free(url[i]);
	}
	free(fleet);
}
END_TEST

/*
 * Frames a console queues on a link together leave together, in the
 * link's next writeable turn, and reach the backend in the order
 * queued: a cold approve queues its auth and its approval at once, as a
 * backend's first frames are read, and the approval used to leave a
 * turn of the console's loop after the auth (with a thousand TLS
 * handshakes in flight, a turn took tens of ms).  Six wants for
 * documents a real vigild does not hold are each refused with a
 * sentence naming the hash; the node's history has them in order.
 */
START_TEST(test_frames_queued_together_leave_together_in_order)
{
	static const struct lws_protocols protocols[] = {
		{ PROTO_SUBPROTOCOL, link_callback, 0, 0, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 }
	};
	struct lws_context_creation_info	 info;
	struct lws_context			*ctx;
	struct fleet				 fleet;
	struct link				*link;
	char					 url[64], frame[256], order[8];
	char					 hash[65];
	char					*cause = NULL;
	pid_t					 node;
	size_t					 i;

	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", start_node("r1",
	    &node));
	fleet_init(&fleet, "queued");
	fleet_add_link(&fleet, url);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	lws_set_log_level(0, NULL);
	ck_assert((ctx = lws_create_context(&info)) != NULL);
	link = link_create(ctx, lws_get_vhost_by_name(ctx, "default"), &fleet,
	    0, &cause);
	ck_assert_msg(link != NULL, "%s", cause);
	ck_assert_msg(serve_until(ctx, node_has_stats, &fleet, LIVE_MS),
	    "r1 sent no stats within %d ms", LIVE_MS);
	for (i = 0; i < 6; i++) {
		memset(hash, '1' + (int)i, 64);
		hash[64] = '\0';
		snprintf(frame, sizeof frame, "{\"type\":\"want\",\"node\":"
		    "\"%s\",\"sha256\":\"%s\"}", fleet.nodes[0].id, hash);
		ck_assert_msg(link_send(link, frame, strlen(frame), &cause) ==
		    0, "%s", cause);
	}
	ck_assert_msg(serve_until(ctx, some_left, link, LIVE_MS),
	    "none of six frames queued together left within %d ms", LIVE_MS);
	ck_assert_msg(link_queued(link) == 0, "of six frames queued "
	    "together, %zu still waited after the link's first writeable "
	    "turn", link_queued(link));
	ck_assert_msg(serve_until(ctx, six_wants_answered, &fleet.nodes[0],
	    10000), "r1 refused %zu of the six wants within 10 s",
	    want_refusals(&fleet.nodes[0], order, sizeof order));
	want_refusals(&fleet.nodes[0], order, sizeof order);
	ck_assert_str_eq(order, "123456");
	link_stop(link);
	lws_context_destroy(ctx);
	link_free(link);
	fleet_free(&fleet);
}
END_TEST

/*
 * Serve the context until done(arg) or timeout_ms passed.  Returns
 * whether done.
 */
static int
serve_until(struct lws_context *ctx, int (*done)(const void *),
    const void *arg, int timeout_ms)
{
	int64_t	end = e2e_now_ms() + timeout_ms;

	while (!done(arg) && e2e_now_ms() < end)
		lws_service(ctx, 0);
	return (done(arg));
}

/* Has the link written any of the six frames queued on it? */
static int
some_left(const void *arg)
{
	return (link_queued(arg) < 6);
}

/* Has the fleet's first node said hello and sent stats? */
static int
node_has_stats(const void *arg)
{
	const struct fleet	*fleet = arg;

	return (fleet->nnodes > 0 && fleet->nodes[0].nstats > 0);
}

/* Has the node's backend refused six wants? */
static int
six_wants_answered(const void *arg)
{
	char	order[8];

	return (want_refusals(arg, order, sizeof order) == 6);
}

/*
 * The want refusals in node's history, oldest first: the first digit of
 * each hash named, into order.  Returns how many.
 */
static size_t
want_refusals(const struct node *node, char *order, size_t len)
{
	const char	*text, *p;
	size_t		 i, n = 0;

	for (i = 0; i < node->events_n; i++) {
		text = node->events[(node->events_head + i) %
		    FLEET_EVENTS].text;
		if (strstr(text, "want refused") == NULL ||
		    (p = strstr(text, "SHA-256 ")) == NULL)
			continue;
		if (n + 1 < len)
			order[n] = p[strlen("SHA-256 ")];
		n++;
	}
	order[n < len ? n : len - 1] = '\0';
	return (n);
}

Suite *
links_suite(void)
{
	Suite	*s = suite_create("links");
	TCase	*tc = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc,
	    test_node_stopped_before_watch_is_live_after_sigcont);
	tcase_add_test(tc, test_node_hung_while_connected_comes_back_live);
	tcase_add_test(tc, test_silent_listener_is_retried_and_explained);
	tcase_add_test(tc, test_binary_frame_is_refused_with_a_sentence);
	tcase_add_test(tc, test_ipv6_fleet_entry_reaches_its_backend);
	tcase_add_test(tc, test_backend_silent_after_connect_is_alerted);
	tcase_add_test(tc, test_silent_backend_is_shown_connected_and_silent);
	tcase_add_test(tc, test_frozen_console_is_dropped_and_a_quiet_one_kept);
	tcase_add_test(tc,
	    test_a_crowd_of_links_waits_its_turn_and_none_times_out);
	tcase_add_test(tc,
	    test_a_new_console_gets_second_stats_within_a_period);
	tcase_add_test(tc, test_frames_queued_together_leave_together_in_order);
	suite_add_tcase(s, tc);

	/* Each watches a link for more than the 25 s hang-up. */
	tc = tcase_create("silence");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_streaming_backend_is_never_pinged);
	tcase_add_test(tc,
	    test_stopped_console_keeps_backends_that_kept_sending);
	suite_add_tcase(s, tc);
	return (s);
}
