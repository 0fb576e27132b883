/*
 * e2e.h: helpers for the end-to-end tests: start the real vigild and
 * vigil, read what they print, stop them.
 *
 * Every process started here is remembered and killed (SIGKILL) and
 * reaped by e2e_cleanup(), which e2e_setup() registers with atexit() so
 * that it runs even when an assertion ends the test early; every child
 * also asks the kernel to kill it if the test process dies
 * (PR_SET_PDEATHSIG), so a test that times out leaves nothing behind.
 * Every wait takes a bound in milliseconds.
 */
#ifndef VIGIL_E2E_H
#define VIGIL_E2E_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Output a process wrote, gathered until it ended or the wait ran out. */
struct e2e_result {
	int	 status;	/* exit status, 128 + signal, or -1 timeout */
	char	*out;		/* stdout, NUL-terminated */
	char	*err;		/* stderr, NUL-terminated */
};

/* Lines read from a running process's stdout. */
struct e2e_lines {
	int	 fd;
	char	 buf[256 * 1024];
	size_t	 len;
};

/* Set up a test: register e2e_cleanup() with atexit(); make a tmp dir. */
void	 e2e_setup(void);

/* Kill and reap every process started, remove every directory made. */
void	 e2e_cleanup(void);

/* The directory this test may write in (made by e2e_setup). */
const char *e2e_dir(void);

/* An allocated path "e2e_dir()/name". */
char	*e2e_path(const char *name);

/*
 * The path of program name ("vigil", "vigild"): in $VIGIL_BIN if set,
 * else next to the test runner.  Allocated.
 */
char	*e2e_bin(const char *name);

/*
 * Start argv (argv[0] a path) with extra environment settings env
 * ("NAME=value", NULL-terminated, or NULL).  With out_fd not NULL, its
 * stdout comes back through a pipe in *out_fd; else it goes to
 * e2e_dir()/<pid>.out.  Stderr goes to e2e_dir()/<pid>.err.  Returns
 * the pid; fails the test if the process cannot be started.
 */
pid_t	 e2e_spawn(char *const argv[], char *const env[], int *out_fd);

/*
 * Fork a child that the kernel kills when the test dies and that
 * e2e_cleanup() kills and reaps.  Returns 0 in the child, its pid in the
 * parent; fails the test if fork fails.
 */
pid_t	 e2e_fork(void);

/*
 * Run argv to completion, at most timeout_ms (then SIGKILL and status
 * -1), gathering its output into *result (free with e2e_result_free).
 */
void	 e2e_run(char *const argv[], char *const env[], int timeout_ms,
	    struct e2e_result *result);
void	 e2e_result_free(struct e2e_result *result);

/*
 * Wait for pid to end, at most timeout_ms.  Returns its exit status
 * (128 + signal when killed), or -1 if it still runs.
 */
int	 e2e_wait(pid_t pid, int timeout_ms);

/* Send sig to pid (if it still runs) and, for SIGKILL, reap it. */
void	 e2e_kill(pid_t pid, int sig);

/* Wait until path exists and is not empty.  Returns 0, or -1. */
int	 e2e_wait_file(const char *path, int timeout_ms);

/* What a process started by e2e_spawn said on stderr so far. */
char	*e2e_stderr_of(pid_t pid);

/* Start reading lines from fd. */
void	 e2e_lines_init(struct e2e_lines *lines, int fd);

/*
 * Read the next line (without its newline) into line (size len), at
 * most timeout_ms.  Returns 1, 0 on timeout, -1 at end of file.
 */
int	 e2e_next_line(struct e2e_lines *lines, char *line, size_t len,
	    int timeout_ms);

/* Milliseconds on a monotonic clock. */
int64_t	 e2e_now_ms(void);

/* Sleep ms milliseconds. */
void	 e2e_sleep_ms(int ms);

/* A loopback port bound (not listening) and held until cleanup. */
int	 e2e_dead_port(void);

/*
 * A loopback port free now, below the kernel's range for outgoing
 * connections: for a backend that must come back on its port after a
 * kill, since no other process's connection can take such a port while
 * it is away (one from the kernel, port 0, can).
 */
int	 e2e_low_port(void);

/*
 * A listening TCP socket on the loopback of family (AF_INET or
 * AF_INET6) at a port from the kernel, returned in *port.  Fails the
 * test if it cannot listen.
 */
int	 e2e_listen(int family, int *port);

/*
 * A relay in a child process (killed by e2e_cleanup()): each connection
 * to the listener lfd (which this closes in the parent) is copied both
 * ways to 127.0.0.1:port, one connection at a time.  SIGSTOP on the
 * returned pid makes the backend behind it look hung to a console: TCP
 * still connects through the kernel's listen queue, nothing answers.
 */
pid_t	 e2e_relay(int lfd, int port);

/*
 * Copy bytes both ways between a and b until either closes, handing
 * what came from a to tap (when not NULL) as it passes.
 */
void	 e2e_relay_pump(int a, int b,
	    void (*tap)(void *, const void *, size_t), void *arg);

/*
 * With on set, processes started from now on run in a session of their
 * own, without a controlling terminal, so that /dev/tty cannot be opened
 * there whether or not the tests run from one.  Cleanup turns it off.
 */
void	 e2e_no_tty(int on);

/*
 * A minimal websocket client for speaking vigil.v1 to a backend directly,
 * as a console that does not follow the rules would: plain blocking
 * sockets, text frames, every wait bounded.
 */
struct e2e_ws;

/*
 * Connect to url ("ws://127.0.0.1:PORT/", or wss:// over TLS without
 * checking the certificate) with sub-protocol vigil.v1.  Fails the test
 * if it cannot within timeout_ms.
 */
struct e2e_ws *e2e_ws_open(const char *url, int timeout_ms);

/*
 * As e2e_ws_open(), adding headers ("Origin: x\r\n" lines, or NULL)
 * to the handshake.
 */
struct e2e_ws *e2e_ws_open_headers(const char *url, const char *headers,
	    int timeout_ms);

/*
 * As e2e_ws_open_headers(), but a refused or unanswered handshake gives
 * NULL and what the backend answered in answer (size answerlen).
 */
struct e2e_ws *e2e_ws_try_open(const char *url, const char *headers,
	    int timeout_ms, char *answer, size_t answerlen);

/* Send one text frame (masked, as a client must). */
/*
 * With on set, hold the frames sent on ws (TCP_CORK) until it is unset
 * or ws closed, so that the backend reads them, and the close, at once:
 * in one pass of its loop.
 */
void	 e2e_ws_hold(struct e2e_ws *ws, int on);

void	 e2e_ws_send(struct e2e_ws *ws, const char *text);

/*
 * As e2e_ws_send(), for a peer the backend may have cut off: returns 0,
 * or -1 when the frame could not be written (the connection is gone).
 */
int	 e2e_ws_try_send(struct e2e_ws *ws, const char *text);

/*
 * The next text frame received within timeout_ms, allocated and
 * NUL-terminated (caller frees), or NULL on timeout or a closed
 * connection.  Pings are answered on the way.
 */
char	*e2e_ws_recv(struct e2e_ws *ws, int timeout_ms);

/*
 * From now on, note when what ws reads arrived (over TLS too): the
 * kernel stamps each segment as the sender's write puts it on the
 * loopback, so a reader late to its socket, on a loaded machine, still
 * learns when the backend sent.  e2e_ws_stamp_us() is, on the wall
 * clock (CLOCK_REALTIME, as util_wall_ms()), the arrival of the last
 * segment of the read that completed the message e2e_ws_recv() last
 * returned: never before that message was sent, and no later than the
 * frames read with it.  Ask before the next e2e_ws_recv().
 */
void	 e2e_ws_stamp(struct e2e_ws *ws);
int64_t	 e2e_ws_stamp_us(const struct e2e_ws *ws);

/*
 * What the TLS session of ws (wss:// only) holds, once a frame came:
 * how many certificates the peer sent, and whether it issued a session
 * ticket.  Returns 0, or -1 on a plain ws:// link.
 */
int	 e2e_ws_tls_facts(const struct e2e_ws *ws, int *ncerts,
	    int *ticket);

void	 e2e_ws_close(struct e2e_ws *ws);

/*
 * A backend that does not follow the rules, to see what the console
 * makes of what it sends: a child process (killed by e2e_cleanup())
 * listening on 127.0.0.1 at a port from the kernel.  It answers each
 * console's websocket handshake for vigil.v1, sends it the text frames
 * given (NULL-terminated), and then, with close_after_ms >= 0, closes
 * the connection that long after with code 1008 and close_reason (at
 * most 123 bytes); else it holds it until the console goes.  It is
 * e2e_rogue_start()'s backend, sending at once and never again.
 * Returns its URL, "ws://127.0.0.1:PORT/" (allocated).
 */
char	*e2e_rogue_backend(const char *const *frames, int close_after_ms,
	    const char *close_reason);

/* A rogue's frame that is a pause: "\001pause 1500" sends nothing for
   1.5 s, then goes on with the next frame. */
#define E2E_ROGUE_PAUSE	"\001pause "

/*
 * A backend that follows no rules: a vigil.v1 websocket server in a
 * child process on 127.0.0.1 (port from the kernel, in *port) that
 * sends frames[0..n-1], in order, to every console that connects, first
 * first_ms after it connects and then again every repeat_ms (0: once).
 * The frames may be anything: bad JSON, invalid UTF-8, hellos for
 * another backend's nodes.  What a console sends it is read and
 * ignored.  Returns the child's pid, which e2e_cleanup() kills; fails
 * the test if it does not start.
 */
pid_t	 e2e_rogue_start(char *const *frames, size_t n, int first_ms,
	    int repeat_ms, int *port);

/*
 * The next rogue backend started answers each websocket handshake only
 * after ms, one at a time (it blocks meanwhile), as a loaded backend
 * serves a crowd of them.
 */
void	 e2e_rogue_slow_handshakes(int ms);

/*
 * The next e2e_rogue_backend() closes only the first n connections (0:
 * every one) and holds each later one, silent, until the console goes.
 */
void	 e2e_rogue_close_first(unsigned n);

/*
 * Start `vigild fleet --scenario SCENARIO --base-port 0` writing its fleet
 * file in e2e_dir(), with extra arguments (NULL-terminated, or NULL), and
 * wait for the file.  Returns its path (allocated); *pidp (if not NULL)
 * gets vigild's pid.  Fails the test, with what vigild said, if no fleet
 * file appears within 20 s.
 */
char	*e2e_start_fleet(const char *scenario, const char *const *extra,
	    pid_t *pidp);

/*
 * A router's state ("running", "killed", ...) as `vigil --fleet FLEET
 * status --json` reports it, or "" when it names no such router
 * (allocated).  Fails the test when status gives no JSON.
 */
char	*e2e_router_state(const char *fleet, const char *node);

/*
 * Wait up to timeout_ms until e2e_router_state() says want; fails the
 * test with the last state when the time runs out.
 */
void	 e2e_wait_router_state(const char *fleet, const char *node,
	    const char *want, int timeout_ms);

/*
 * As e2e_start_fleet(), with two-person commands: vigild trusts the
 * operators in the trust file at trust and keeps its audit logs in
 * e2e_dir()/audit, which this makes.
 */
char	*e2e_start_guarded_fleet(const char *scenario, const char *trust,
	    pid_t *pidp);

/*
 * As e2e_start_guarded_fleet(), with the scenario's clock from start
 * ("HH:MM:SS") and at time scale scale ("10"), each NULL for vigild's
 * own.
 */
char	*e2e_start_guarded_fleet_at(const char *scenario, const char *trust,
	    const char *start, const char *scale, pid_t *pidp);

/*
 * The node id in doc, a status --json document; fails the test when it
 * lists none.
 */
json_t	*e2e_status_node(json_t *doc, const char *id);

/*
 * The URL the fleet file at fleet gives for node id (allocated); fails
 * the test when it names none.
 */
char	*e2e_fleet_url(const char *fleet, const char *id);

/* `vigil-key gen --name NAME` in e2e_dir(): the key file's path. */
char	*e2e_make_key(const char *name);

/*
 * The trust-file line (with its newline) for the key at path, under name
 * (which may differ from the key's own, to list one key twice).
 */
char	*e2e_trust_line(const char *path, const char *name);

/*
 * Write e2e_dir()/operators, a trust file with a comment line and one
 * line per (key path, name) pair given, NULL-terminated; returns its
 * path (allocated).
 */
char	*e2e_trust_file(const char *key, const char *name, ...);

/*
 * A real terminal for the console: a detached tmux server of this test's
 * own (its socket in e2e_dir(), killed by e2e_cleanup()), one window of
 * cols x rows running the shell command cmd.  Fails the test when tmux
 * is missing or will not start.
 */
void	 e2e_tmux_start(int cols, int rows, const char *cmd);

/*
 * Open another window running cmd; it becomes the one typed into and
 * captured until e2e_tmux_select() picks another (0 is the first).
 */
void	 e2e_tmux_window(const char *cmd);
void	 e2e_tmux_select(int index);

/*
 * Stop the tmux server now, as a terminal that closes: what runs in it
 * sees its terminal hang up.
 */
void	 e2e_tmux_stop(void);

/* Make the window cols x rows, as a terminal resized. */
void	 e2e_tmux_resize(int cols, int rows);

/* Type into it: a tmux key name ("Enter", "Escape"), or literal text. */
void	 e2e_tmux_keys(const char *keys, int literal);

/* What the window shows now, as text (allocated). */
char	*e2e_tmux_capture(void);

/*
 * Wait up to timeout_ms until the window shows every one of the strings
 * after what (NULL-terminated), and return that screen (allocated).
 * Fails the test, saying what was awaited and showing the last screen,
 * when the time runs out.
 */
char	*e2e_tmux_wait(int timeout_ms, const char *what, ...);

/* As e2e_tmux_wait(), until the window no longer shows gone. */
char	*e2e_tmux_wait_gone(int timeout_ms, const char *what,
	    const char *gone);

/*
 * As e2e_tmux_wait(), until the console's header says nodes are live
 * (" 8 live") and all links links are up (" 8/8 up"): wait for this
 * before keys or assertions that need the whole fleet, since the
 * console's links come up a few at a time.
 */
char	*e2e_tmux_wait_fleet(int timeout_ms, int nodes, int links);

/*
 * In the console shown, wait for the one proposal by proposer (the
 * header's "Proposals (1)", then its row, pending, in the Proposals
 * view) and press A on it, which opens its approve dialog.  Fails the
 * test when either does not show within timeout_ms.
 */
void	 e2e_tmux_open_approve(int timeout_ms, const char *proposer);

/*
 * In the console shown, wait for the propose dialog's review of the
 * draft (its title and the line saying y signs) and press y: the
 * proposal is signed and sent.  Returns the screen that showed the
 * review (allocated).  Fails the test when it does not show within
 * timeout_ms.
 */
char	*e2e_tmux_sign_draft(int timeout_ms);

struct tls_ca;

/*
 * A CA of the test's own (see keys/tls.h), its certificate written to
 * e2e_dir()/NAME, whose path comes back in *path (allocated).
 */
struct tls_ca *e2e_tls_ca(const char *name, char **path);

/*
 * A backend certificate signed by ca naming host and node, valid from
 * now + from_s to now + until_s, written as e2e_dir()/NAME.pem and
 * NAME.key (mode 600); their paths come back in *cert and *key.
 */
void	 e2e_tls_cert(const struct tls_ca *ca, const char *name,
	    const char *host, const char *node, int64_t from_s,
	    int64_t until_s, char **cert, char **key);

/* A CA (e2e_dir()/ca.pem) and certificates for router/r1 and r2. */
struct e2e_tls_two {
	struct tls_ca	*ca;
	char		*ca_path;
	char		*cert[2];	/* e2e_dir()/r1.pem, r2.pem */
	char		*key[2];	/* e2e_dir()/r1.key, r2.key */
};

/* Make them, valid for an hour on 127.0.0.1. */
void	 e2e_tls_two(struct e2e_tls_two *t);

/* Free what e2e_tls_two() made (the files stay). */
void	 e2e_tls_two_free(struct e2e_tls_two *t);

/*
 * Room for n (at most 2) zeroed targets of a command document a test
 * builds by hand: never freed, so never passed to proto_command_clear().
 */
struct proto_command_target;
struct proto_command_target *e2e_targets(size_t n);

/*
 * Sign document with key as operator name into sig (cleared first) as
 * vigil does: over the statement of its SHA-256 (proto_statement),
 * covers saying so.  With old, over the document's bytes themselves, as
 * a vigil of the old scheme did, covers left empty.
 */
struct opkey;
struct proto_signature;
void	 e2e_sign_document(const struct opkey *key, const char *name,
	    const char *document, int old, struct proto_signature *sig);

#endif
