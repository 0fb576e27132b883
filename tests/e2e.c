/*
 * e2e.c: start, read and stop the real programs for the end-to-end
 * tests, with every wait bounded and nothing left running.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>

#include "e2e.h"
#include "opkey.h"
#include "proto.h"
#include "tls.h"

#define E2E_FLEET_START_MS	20000	/* vigild writing its fleet file */
#define E2E_RUN_MS		30000	/* one run of a short-lived program */
#include "tests.h"

#define E2E_MAX_PROCS	64
#define E2E_MAX_PORTS	8

/* A websocket client connection (see e2e_ws_open()). */
struct e2e_ws {
	int		 fd;
	SSL_CTX		*ssl_ctx;	/* wss:// only */
	SSL		*ssl;
	unsigned char	*buf;		/* bytes read, not yet a frame */
	size_t		 len;
	size_t		 cap;
	int		 stamping;	/* e2e_ws_stamp() */
	int64_t		 stamp_us;	/* the last read's, wall clock */
};

static pid_t	 e2e_procs[E2E_MAX_PROCS];
static int	 e2e_setsid;
static size_t	 e2e_nprocs;
static int	 e2e_ports[E2E_MAX_PORTS];
static size_t	 e2e_nports;
static char	 e2e_tmp[PATH_MAX];
static int	 e2e_registered;
static char	 e2e_tmux_socket[PATH_MAX + 16];

static void	 e2e_track(pid_t);
static void	 e2e_untrack(pid_t);
static char	*e2e_slurp(const char *);
static int	 e2e_decode_status(int);
static size_t	 e2e_ws_header(unsigned char *, int, size_t, int);
static int	 e2e_ws_write(struct e2e_ws *, int, const void *, size_t,
		    int);
static int	 e2e_ws_fill(struct e2e_ws *, int64_t);
static void	 e2e_ws_tls(struct e2e_ws *, const char *);
static ssize_t	 e2e_ws_io(struct e2e_ws *, int, const void *, size_t);
static void	 e2e_tmux(const char *const *, int);
static void	 e2e_tmux_kill(void);
static void	 e2e_relay_run(int, int) __attribute__((noreturn));

/* Register the cleanup and make this test's directory. */
void
e2e_setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (!e2e_registered) {
		atexit(e2e_cleanup);
		e2e_registered = 1;
	}
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(e2e_tmp, sizeof e2e_tmp, "%s/vigil-e2e.XXXXXX", tmp);
	if (mkdtemp(e2e_tmp) == NULL)
		ck_abort_msg("cannot make a test directory in %s: %s", tmp,
		    strerror(errno));
	/* A reader that goes away must not kill the test. */
	signal(SIGPIPE, SIG_IGN);
}

/* Kill and reap every child, close held ports, remove the directory. */
void
e2e_cleanup(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 256];
	size_t		 i;

	e2e_tmux_kill();
	for (i = 0; i < e2e_nprocs; i++) {
		kill(e2e_procs[i], SIGKILL);
		while (waitpid(e2e_procs[i], NULL, 0) == -1 && errno == EINTR)
			;
	}
	e2e_nprocs = 0;
	for (i = 0; i < e2e_nports; i++)
		close(e2e_ports[i]);
	e2e_nports = 0;
	e2e_setsid = 0;
	if (e2e_tmp[0] == '\0')
		return;
	if ((d = opendir(e2e_tmp)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", e2e_tmp,
			    de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(e2e_tmp);
	e2e_tmp[0] = '\0';
}

/* This test's directory. */
const char *
e2e_dir(void)
{
	return (e2e_tmp);
}

/* A path in this test's directory. */
char *
e2e_path(const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", e2e_tmp, name) == -1)
		ck_abort_msg("out of memory");
	return (p);
}

/* Where the programs under test are. */
char *
e2e_bin(const char *name)
{
	const char	*dir = getenv("VIGIL_BIN");
	char		 self[PATH_MAX], *slash, *p;
	ssize_t		 n;

	if (dir != NULL && *dir != '\0') {
		if (asprintf(&p, "%s/%s", dir, name) == -1)
			ck_abort_msg("out of memory");
		return (p);
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert_msg(n > 0, "cannot find the test runner's directory; "
	    "set VIGIL_BIN to the directory holding vigil and vigild");
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (asprintf(&p, "%s/%s", self, name) == -1)
		ck_abort_msg("out of memory");
	return (p);
}

/* Start a process. */
pid_t
e2e_spawn(char *const argv[], char *const env[], int *out_fd)
{
	int	 p[2] = { -1, -1 }, fd;
	pid_t	 pid;
	char	 path[PATH_MAX + 32];
	size_t	 i;

	ck_assert_msg(access(argv[0], X_OK) == 0, "%s cannot be run (%s); "
	    "build it first (make) or set VIGIL_BIN", argv[0],
	    strerror(errno));
	if (out_fd != NULL && pipe2(p, O_CLOEXEC) == -1)
		ck_abort_msg("pipe: %s", strerror(errno));
	if ((pid = e2e_fork()) == 0) {
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		if (out_fd != NULL)
			dup2(p[1], STDOUT_FILENO);
		else {
			snprintf(path, sizeof path, "%s/%d.out", e2e_tmp,
			    (int)getpid());
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd != -1) {
				dup2(fd, STDOUT_FILENO);
				close(fd);
			}
		}
		snprintf(path, sizeof path, "%s/%d.err", e2e_tmp,
		    (int)getpid());
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
		    -1) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		signal(SIGPIPE, SIG_DFL);
		if (e2e_setsid)
			setsid();
		unsetenv("VIGIL_FLEET");
		unsetenv("VIGIL_VIGILD");
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	if (out_fd != NULL) {
		close(p[1]);
		*out_fd = p[0];
	}
	return (pid);
}

/* Fork a child tied to the test's life. */
pid_t
e2e_fork(void)
{
	pid_t	pid, parent = getpid();

	fflush(NULL);
	if ((pid = fork()) == -1)
		ck_abort_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		return (0);
	}
	e2e_track(pid);
	return (pid);
}

/* Run a process to completion within timeout_ms. */
void
e2e_run(char *const argv[], char *const env[], int timeout_ms,
    struct e2e_result *result)
{
	struct pollfd	 pfd;
	int64_t		 deadline = e2e_now_ms() + timeout_ms, left;
	char		*out = NULL, buf[8192], path[PATH_MAX + 32];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;
	pid_t		 pid;

	memset(result, 0, sizeof *result);
	pid = e2e_spawn(argv, env, &fd);
	for (;;) {
		left = deadline - e2e_now_ms();
		if (left <= 0)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out = realloc(out, len + (size_t)n + 1);
		ck_assert_msg(out != NULL, "out of memory");
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	close(fd);
	left = deadline - e2e_now_ms();
	result->status = e2e_wait(pid, left > 0 ? (int)left : 0);
	if (result->status == -1)
		e2e_kill(pid, SIGKILL);
	if (out == NULL)
		out = calloc(1, 1);
	ck_assert_msg(out != NULL, "out of memory");
	out[len] = '\0';
	result->out = out;
	snprintf(path, sizeof path, "%s/%d.err", e2e_tmp, (int)pid);
	result->err = e2e_slurp(path);
}

/* Free what e2e_run gathered. */
void
e2e_result_free(struct e2e_result *result)
{
	free(result->out);
	free(result->err);
	result->out = result->err = NULL;
}

/* Wait for a child to end. */
int
e2e_wait(pid_t pid, int timeout_ms)
{
	int64_t	deadline = e2e_now_ms() + timeout_ms;
	int	status;
	pid_t	r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			e2e_untrack(pid);
			return (e2e_decode_status(status));
		}
		if (r == -1 && errno != EINTR) {
			e2e_untrack(pid);
			return (-1);
		}
		if (e2e_now_ms() >= deadline)
			return (-1);
		e2e_sleep_ms(10);
	}
}

/* Signal a child; reap it after SIGKILL. */
void
e2e_kill(pid_t pid, int sig)
{
	kill(pid, sig);
	if (sig == SIGKILL) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		e2e_untrack(pid);
	}
}

/* Wait for a file to exist with something in it. */
int
e2e_wait_file(const char *path, int timeout_ms)
{
	int64_t		deadline = e2e_now_ms() + timeout_ms;
	struct stat	st;

	for (;;) {
		if (stat(path, &st) == 0 && st.st_size > 0)
			return (0);
		if (e2e_now_ms() >= deadline)
			return (-1);
		e2e_sleep_ms(20);
	}
}

/* What a child said on stderr. */
char *
e2e_stderr_of(pid_t pid)
{
	char	path[PATH_MAX + 32];

	snprintf(path, sizeof path, "%s/%d.err", e2e_tmp, (int)pid);
	return (e2e_slurp(path));
}

/* Start reading lines. */
void
e2e_lines_init(struct e2e_lines *lines, int fd)
{
	lines->fd = fd;
	lines->len = 0;
}

/* The next line, within timeout_ms. */
int
e2e_next_line(struct e2e_lines *lines, char *line, size_t len,
    int timeout_ms)
{
	int64_t		 deadline = e2e_now_ms() + timeout_ms, left;
	struct pollfd	 pfd;
	char		*nl;
	size_t		 n;
	ssize_t		 r;

	for (;;) {
		nl = memchr(lines->buf, '\n', lines->len);
		if (nl != NULL || lines->len == sizeof lines->buf) {
			n = nl != NULL ? (size_t)(nl - lines->buf) :
			    lines->len;
			if (n >= len)
				n = len - 1;
			memcpy(line, lines->buf, n);
			line[n] = '\0';
			n = nl != NULL ? (size_t)(nl - lines->buf) + 1 :
			    lines->len;
			memmove(lines->buf, lines->buf + n, lines->len - n);
			lines->len -= n;
			return (1);
		}
		left = deadline - e2e_now_ms();
		if (left <= 0)
			return (0);
		pfd.fd = lines->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		r = read(lines->fd, lines->buf + lines->len,
		    sizeof lines->buf - lines->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (-1);
		lines->len += (size_t)r;
	}
}

/* Monotonic milliseconds. */
int64_t
e2e_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Sleep. */
void
e2e_sleep_ms(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * A loopback port bound but not listening: connecting to it is refused,
 * and holding it keeps anything else from taking it during the test.
 */
int
e2e_dead_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof sin;
	int			fd;

	ck_assert_msg(e2e_nports < E2E_MAX_PORTS, "too many held ports");
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		ck_abort_msg("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1)
		ck_abort_msg("bind 127.0.0.1:0: %s", strerror(errno));
	e2e_ports[e2e_nports++] = fd;
	return (ntohs(sin.sin_port));
}

/*
 * A loopback port below the kernel's ephemeral range (read from
 * ip_local_port_range, 32768 if it cannot be read) that binds now.  Only
 * a process that names its port binds there, never an outgoing
 * connection or a port 0, so a backend killed and started again on it
 * finds it free; each run starts its search at a place of its own.
 */
int
e2e_low_port(void)
{
	struct sockaddr_in	sin;
	FILE			*f;
	int			fd, low = 32768, span, start, i, port;

	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) !=
	    NULL) {
		if (fscanf(f, "%d", &low) != 1)
			low = 32768;
		fclose(f);
	}
	ck_assert_msg(low > 2048, "the kernel hands out ports from %d up: "
	    "no room below for a test's fixed port", low);
	span = low - 1024 > 8000 ? 8000 : low - 1024;
	start = (int)(((unsigned)getpid() * 2654435761u ^
	    (unsigned)e2e_now_ms()) % (unsigned)span);
	for (i = 0; i < span; i++) {
		port = low - 1 - (start + i) % span;
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			ck_abort_msg("socket: %s", strerror(errno));
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0) {
			close(fd);
			return (port);
		}
		close(fd);
	}
	ck_abort_msg("no free loopback port in %d-%d", low - span, low - 1);
	return (-1);
}

/* Remember a child for cleanup. */
static void
e2e_track(pid_t pid)
{
	ck_assert_msg(e2e_nprocs < E2E_MAX_PROCS, "too many processes");
	e2e_procs[e2e_nprocs++] = pid;
}

/* Forget a reaped child. */
static void
e2e_untrack(pid_t pid)
{
	size_t	i;

	for (i = 0; i < e2e_nprocs; i++) {
		if (e2e_procs[i] == pid) {
			e2e_procs[i] = e2e_procs[--e2e_nprocs];
			return;
		}
	}
}

/* A whole file as a string ("" if it cannot be read). */
static char *
e2e_slurp(const char *path)
{
	FILE	*f;
	char	*s = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "r")) != NULL) {
		for (;;) {
			if (cap - len < 4096) {
				cap = cap == 0 ? 8192 : cap * 2;
				s = realloc(s, cap);
				ck_assert_msg(s != NULL, "out of memory");
			}
			n = fread(s + len, 1, cap - len - 1, f);
			len += n;
			if (n == 0)
				break;
		}
		fclose(f);
	}
	if (s == NULL) {
		s = calloc(1, 1);
		ck_assert_msg(s != NULL, "out of memory");
	}
	s[len] = '\0';
	return (s);
}

/* An exit status, or 128 + the signal that ended the process. */
static int
e2e_decode_status(int status)
{
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return (128 + WTERMSIG(status));
	return (-1);
}

/* Start children without a controlling terminal, or stop doing so. */
void
e2e_no_tty(int on)
{
	e2e_setsid = on;
}

/*
 * Read len bytes at most into buf, with the kernel's time of arrival of
 * the last of them (SO_TIMESTAMP) in ws->stamp_us; the time of the read
 * if the kernel gave none, which is later.
 */
static ssize_t
e2e_ws_read_stamped(struct e2e_ws *ws, void *buf, size_t len)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof (struct timeval))];
	}			 control;
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*c;
	struct timeval		 tv;
	struct timespec		 now;
	ssize_t			 n;

	memset(&mh, 0, sizeof mh);
	iov.iov_base = buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof control.buf;
	if ((n = recvmsg(ws->fd, &mh, 0)) <= 0)
		return (n);
	clock_gettime(CLOCK_REALTIME, &now);
	ws->stamp_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_TIMESTAMP)
			continue;
		memcpy(&tv, CMSG_DATA(c), sizeof tv);
		ws->stamp_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	}
	return (n);
}

/* OpenSSL reads ws's socket through this, stamped once asked. */
static int
e2e_ws_bio_read(BIO *bio, char *buf, int len)
{
	struct e2e_ws	*ws = BIO_get_data(bio);
	ssize_t		 n;

	BIO_clear_retry_flags(bio);
	n = ws->stamping ? e2e_ws_read_stamped(ws, buf, (size_t)len) :
	    read(ws->fd, buf, (size_t)len);
	if (n == -1 && errno == EINTR)
		BIO_set_retry_read(bio);
	return ((int)n);
}

/* Nothing to flush or ask: reads only. */
static long
e2e_ws_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	(void)bio;
	(void)num;
	(void)ptr;
	return (cmd == BIO_CTRL_FLUSH);
}

/*
 * Start TLS on ws's connected socket.  The certificate is not checked:
 * this client plays a console that may be anyone, and what the backend
 * makes of it is what the tests look at.  OpenSSL reads through
 * e2e_ws_bio_read(), so that e2e_ws_stamp() works over TLS too.
 */
static void
e2e_ws_tls(struct e2e_ws *ws, const char *url)
{
	static BIO_METHOD	*method;
	BIO			*rbio;

	if (method == NULL) {
		method = BIO_meth_new(BIO_get_new_index() |
		    BIO_TYPE_SOURCE_SINK, "e2e stamped socket");
		ck_assert_msg(method != NULL, "BIO_meth_new failed");
		BIO_meth_set_read(method, e2e_ws_bio_read);
		BIO_meth_set_ctrl(method, e2e_ws_bio_ctrl);
	}
	ws->ssl_ctx = SSL_CTX_new(TLS_client_method());
	ck_assert_msg(ws->ssl_ctx != NULL, "SSL_CTX_new failed");
	SSL_CTX_set_verify(ws->ssl_ctx, SSL_VERIFY_NONE, NULL);
	ws->ssl = SSL_new(ws->ssl_ctx);
	ck_assert_msg(ws->ssl != NULL, "SSL_new failed");
	SSL_set_fd(ws->ssl, ws->fd);
	ck_assert_msg((rbio = BIO_new(method)) != NULL, "BIO_new failed");
	BIO_set_data(rbio, ws);
	BIO_set_init(rbio, 1);
	SSL_set0_rbio(ws->ssl, rbio);
	ck_assert_msg(SSL_connect(ws->ssl) == 1, "TLS handshake with %s "
	    "failed", url);
}

/* Read (write 0) or write (1) through TLS when ws has it. */
static ssize_t
e2e_ws_io(struct e2e_ws *ws, int write_, const void *buf, size_t len)
{
	int	n;

	if (ws->ssl == NULL && !write_ && ws->stamping)
		return (e2e_ws_read_stamped(ws, (void *)buf, len));
	if (ws->ssl == NULL)
		return (write_ ? write(ws->fd, buf, len) :
		    read(ws->fd, (void *)buf, len));
	if (len > INT_MAX)
		len = INT_MAX;
	n = write_ ? SSL_write(ws->ssl, buf, (int)len) :
	    SSL_read(ws->ssl, (void *)buf, (int)len);
	return (n > 0 ? n : -1);
}

/* Connect a websocket client to url. */
struct e2e_ws *
e2e_ws_open(const char *url, int timeout_ms)
{
	return (e2e_ws_open_headers(url, NULL, timeout_ms));
}

/* Connect a websocket client to url, sending extra headers. */
struct e2e_ws *
e2e_ws_open_headers(const char *url, const char *headers, int timeout_ms)
{
	char		 answer[512];
	struct e2e_ws	*ws;

	ws = e2e_ws_try_open(url, headers, timeout_ms, answer, sizeof answer);
	ck_assert_msg(ws != NULL, "%s refused the websocket handshake: %s",
	    url, answer);
	return (ws);
}

/* Connect, or NULL with the backend's answer when it refuses. */
struct e2e_ws *
e2e_ws_try_open(const char *url, const char *headers, int timeout_ms,
    char *answer, size_t answerlen)
{
	struct e2e_ws		*ws;
	struct sockaddr_in	 sin;
	char			 host[64], path[256], req[1024];
	int64_t			 deadline = e2e_now_ms() + timeout_ms;
	char			*end;
	int			 port, tls;

	tls = strncmp(url, "wss://", 6) == 0;
	if (sscanf(url + (tls ? 6 : 5), "%63[0-9.]:%d%255s", host, &port,
	    path) < 2)
		ck_abort_msg("e2e_ws_open: cannot read URL %s", url);
	if (strchr(url + 5 + tls, '/') == NULL)
		snprintf(path, sizeof path, "/");
	ws = calloc(1, sizeof *ws);
	ck_assert_msg(ws != NULL, "out of memory");
	for (;;) {
		ws->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_msg(ws->fd != -1, "socket: %s", strerror(errno));
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &sin.sin_addr);
		if (connect(ws->fd, (struct sockaddr *)&sin, sizeof sin) == 0)
			break;
		close(ws->fd);
		ck_assert_msg(e2e_now_ms() < deadline, "cannot connect to %s "
		    "within %d ms: %s", url, timeout_ms, strerror(errno));
		e2e_sleep_ms(50);
	}
	if (tls)
		e2e_ws_tls(ws, url);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Protocol: " PROTO_SUBPROTOCOL "\r\n\r\n", path,
	    host, port, headers != NULL ? headers : "");
	ck_assert_msg(e2e_ws_io(ws, 1, req, strlen(req)) ==
	    (ssize_t)strlen(req), "cannot send the websocket handshake to %s",
	    url);
	/* The answer's headers end with a blank line. */
	for (;;) {
		if (ws->len > 0 && (end = memmem(ws->buf, ws->len, "\r\n\r\n",
		    4)) != NULL)
			break;
		if (e2e_ws_fill(ws, deadline) <= 0) {
			snprintf(answer, answerlen, "no answer (%.*s)",
			    (int)ws->len, ws->len > 0 ? (char *)ws->buf : "");
			e2e_ws_close(ws);
			return (NULL);
		}
	}
	if (ws->len <= 12 || memcmp(ws->buf, "HTTP/1.1 101", 12) != 0) {
		snprintf(answer, answerlen, "%.*s", (int)ws->len,
		    (char *)ws->buf);
		e2e_ws_close(ws);
		return (NULL);
	}
	end += 4;
	ws->len -= (size_t)(end - (char *)ws->buf);
	memmove(ws->buf, end, ws->len);
	return (ws);
}

/*
 * Write the header of a final frame of opcode carrying len bytes into f
 * (at least 14 bytes), with the mask bit when masked.  Returns its size.
 */
static size_t
e2e_ws_header(unsigned char *f, int opcode, size_t len, int masked)
{
	unsigned char	m = masked ? 0x80 : 0;
	size_t		n = 0, i;

	f[n++] = (unsigned char)(0x80 | opcode);
	if (len < 126)
		f[n++] = (unsigned char)(m | len);
	else if (len < 65536) {
		f[n++] = m | 126;
		f[n++] = (unsigned char)(len >> 8);
		f[n++] = (unsigned char)len;
	} else {
		f[n++] = m | 127;
		for (i = 0; i < 8; i++)
			f[n++] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	}
	return (n);
}

/*
 * Write one frame of opcode with payload, masked.  Returns 0, or -1 when
 * it could not be written; unless may_fail, that fails the test.
 */
static int
e2e_ws_write(struct e2e_ws *ws, int opcode, const void *data, size_t len,
    int may_fail)
{
	unsigned char	*f, mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t		 n, i;
	ssize_t		 w;

	f = malloc(len + 14);
	ck_assert_msg(f != NULL, "out of memory");
	n = e2e_ws_header(f, opcode, len, 1);
	memcpy(f + n, mask, 4);
	n += 4;
	for (i = 0; i < len; i++)
		f[n + i] = ((const unsigned char *)data)[i] ^ mask[i % 4];
	n += len;
	for (i = 0; i < n; i += (size_t)w) {
		w = e2e_ws_io(ws, 1, f + i, n - i);
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0 && may_fail) {
			free(f);
			return (-1);
		}
		ck_assert_msg(w > 0, "websocket write: %s", strerror(errno));
	}
	free(f);
	return (0);
}

/* Hold what is sent on ws, or send what was held; see e2e.h. */
void
e2e_ws_hold(struct e2e_ws *ws, int on)
{
	int	v = on != 0;

	ck_assert_msg(setsockopt(ws->fd, IPPROTO_TCP, TCP_CORK, &v,
	    sizeof v) == 0, "TCP_CORK: %s", strerror(errno));
}

/* Stamp what ws reads with its time of arrival; see e2e.h. */
void
e2e_ws_stamp(struct e2e_ws *ws)
{
	int	on = 1;

	ck_assert_msg(setsockopt(ws->fd, SOL_SOCKET, SO_TIMESTAMP, &on,
	    sizeof on) == 0, "SO_TIMESTAMP: %s", strerror(errno));
	ws->stamping = 1;
}

/* When the last message e2e_ws_recv() returned arrived; see e2e.h. */
int64_t
e2e_ws_stamp_us(const struct e2e_ws *ws)
{
	ck_assert_msg(ws->stamping, "e2e_ws_stamp_us without e2e_ws_stamp");
	return (ws->stamp_us);
}

/* Send a text frame. */
void
e2e_ws_send(struct e2e_ws *ws, const char *text)
{
	e2e_ws_write(ws, 1, text, strlen(text), 0);
}

/* Send a text frame to a peer that may have gone; see e2e.h. */
int
e2e_ws_try_send(struct e2e_ws *ws, const char *text)
{
	return (e2e_ws_write(ws, 1, text, strlen(text), 1));
}

/* Read what is there by deadline; returns bytes read, 0 at EOF or time. */
static int
e2e_ws_fill(struct e2e_ws *ws, int64_t deadline)
{
	struct pollfd	pfd;
	int64_t		left;
	ssize_t		n;

	for (;;) {
		left = deadline - e2e_now_ms();
		if (left <= 0)
			return (0);
		pfd.fd = ws->fd;
		pfd.events = POLLIN;
		if ((ws->ssl == NULL || SSL_pending(ws->ssl) == 0) &&
		    poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (ws->cap - ws->len < 65536) {
			ws->cap = ws->cap == 0 ? 131072 : ws->cap * 2;
			ws->buf = realloc(ws->buf, ws->cap);
			ck_assert_msg(ws->buf != NULL, "out of memory");
		}
		n = e2e_ws_io(ws, 0, ws->buf + ws->len, ws->cap - ws->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (0);
		ws->len += (size_t)n;
		return ((int)n);
	}
}

/* The next text message (fragments joined), or NULL. */
char *
e2e_ws_recv(struct e2e_ws *ws, int timeout_ms)
{
	int64_t		 deadline = e2e_now_ms() + timeout_ms;
	unsigned char	*b;
	char		*msg = NULL;
	size_t		 msglen = 0, hdr, plen, i;
	int		 fin, opcode;

	for (;;) {
		b = ws->buf;
		if (ws->len >= 2) {
			fin = b[0] & 0x80;
			opcode = b[0] & 0x0f;
			plen = b[1] & 0x7f;
			hdr = 2;
			if (plen == 126 && ws->len >= 4) {
				plen = ((size_t)b[2] << 8) | b[3];
				hdr = 4;
			} else if (plen == 127 && ws->len >= 10) {
				for (plen = 0, i = 0; i < 8; i++)
					plen = (plen << 8) | b[2 + i];
				hdr = 10;
			} else if (plen >= 126)
				hdr = 0;	/* header incomplete */
			if (hdr != 0 && ws->len >= hdr + plen) {
				if (opcode == 9)	/* ping */
					e2e_ws_write(ws, 10, b + hdr, plen, 0);
				else if (opcode == 8) {	/* close */
					free(msg);
					return (NULL);
				} else if (opcode == 1 || opcode == 0) {
					msg = realloc(msg, msglen + plen + 1);
					ck_assert_msg(msg != NULL,
					    "out of memory");
					memcpy(msg + msglen, b + hdr, plen);
					msglen += plen;
					msg[msglen] = '\0';
				}
				memmove(ws->buf, ws->buf + hdr + plen,
				    ws->len - hdr - plen);
				ws->len -= hdr + plen;
				if (msg != NULL && fin &&
				    (opcode == 1 || opcode == 0))
					return (msg);
				continue;
			}
		}
		if (e2e_ws_fill(ws, deadline) == 0) {
			free(msg);
			return (NULL);
		}
	}
}

/* The peer's certificates and a ticket on ws's session; see e2e.h. */
int
e2e_ws_tls_facts(const struct e2e_ws *ws, int *ncerts, int *ticket)
{
	STACK_OF(X509)	*chain;
	SSL_SESSION	*sess;

	if (ws->ssl == NULL)
		return (-1);
	chain = SSL_get_peer_cert_chain(ws->ssl);
	*ncerts = chain != NULL ? sk_X509_num(chain) : 0;
	sess = SSL_get_session(ws->ssl);
	*ticket = sess != NULL && SSL_SESSION_has_ticket(sess);
	return (0);
}

/* Close the connection (without the closing handshake). */
void
e2e_ws_close(struct e2e_ws *ws)
{
	if (ws == NULL)
		return;
	SSL_free(ws->ssl);
	SSL_CTX_free(ws->ssl_ctx);
	close(ws->fd);
	free(ws->buf);
	free(ws);
}

/* Start a vigild fleet and wait for its fleet file; see e2e.h. */
char *
e2e_start_fleet(const char *scenario, const char *const *extra, pid_t *pidp)
{
	static unsigned	 nth;
	char		*argv[32], *file, *err;
	int		 argc = 0;
	pid_t		 pid;

	/*
	 * A file of its own for each fleet a test starts: one left by an
	 * earlier fleet would be taken for this one's, and its CA
	 * (FILE.ca) replaced under the earlier fleet's consoles.
	 */
	nth++;
	if (asprintf(&file, nth == 1 ? "%s/fleet-%s" : "%s/fleet-%s-%u",
	    e2e_dir(), scenario, nth) == -1)
		ck_abort_msg("out of memory");
	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "fleet";
	argv[argc++] = "--scenario";
	argv[argc++] = (char *)scenario;
	argv[argc++] = "--fleet-file";
	argv[argc++] = file;
	argv[argc++] = "--base-port";
	argv[argc++] = "0";
	while (extra != NULL && *extra != NULL && argc < 31)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;
	pid = e2e_spawn(argv, NULL, NULL);
	free(argv[0]);
	if (e2e_wait_file(file, E2E_FLEET_START_MS) != 0) {
		err = e2e_stderr_of(pid);
		ck_abort_msg("vigild fleet --scenario %s wrote no fleet file "
		    "within %d ms; it said: %s", scenario, E2E_FLEET_START_MS,
		    err);
	}
	if (pidp != NULL)
		*pidp = pid;
	return (file);
}

/* A router's state as vigil status --json reports it; see e2e.h. */
char *
e2e_router_state(const char *fleet, const char *node)
{
	struct e2e_result	 r;
	json_t			*doc, *nodes, *n;
	const char		*id, *state = NULL;
	char			*argv[6], *out;
	size_t			 i;

	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = (char *)fleet;
	argv[3] = "status";
	argv[4] = "--json";
	argv[5] = NULL;
	e2e_run(argv, NULL, E2E_RUN_MS, &r);
	free(argv[0]);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "status --json gave no JSON (exit %d): "
	    "%s%s", r.status, r.out, r.err);
	nodes = json_object_get(doc, "nodes");
	for (i = 0; i < json_array_size(nodes); i++) {
		n = json_array_get(nodes, i);
		id = json_string_value(json_object_get(n, "id"));
		if (id != NULL && strcmp(id, node) == 0)
			state = json_string_value(json_object_get(
			    json_object_get(n, "router"), "state"));
	}
	out = strdup(state != NULL ? state : "");
	json_decref(doc);
	e2e_result_free(&r);
	return (out);
}

/* Wait until a router's state is want; see e2e.h. */
void
e2e_wait_router_state(const char *fleet, const char *node, const char *want,
    int timeout_ms)
{
	int64_t	 deadline = e2e_now_ms() + timeout_ms;
	char	*state;

	for (;;) {
		state = e2e_router_state(fleet, node);
		if (strcmp(state, want) == 0)
			break;
		ck_assert_msg(e2e_now_ms() < deadline, "%s is %s, not %s after "
		    "%d ms", node, state, want, timeout_ms);
		free(state);
		e2e_sleep_ms(300);
	}
	free(state);
}

/* Start a vigild fleet that guards commands; see e2e.h. */
char *
e2e_start_guarded_fleet(const char *scenario, const char *trust,
    pid_t *pidp)
{
	return (e2e_start_guarded_fleet_at(scenario, trust, NULL, NULL,
	    pidp));
}

/* The same from a clock and at a time scale; see e2e.h. */
char *
e2e_start_guarded_fleet_at(const char *scenario, const char *trust,
    const char *start, const char *scale, pid_t *pidp)
{
	const char	*argv[9];
	char		*audit, *file;
	int		 argc = 0;

	audit = e2e_path("audit");
	ck_assert_msg(mkdir(audit, 0700) == 0, "mkdir %s: %s", audit,
	    strerror(errno));
	argv[argc++] = "--trust";
	argv[argc++] = trust;
	argv[argc++] = "--audit-dir";
	argv[argc++] = audit;
	if (start != NULL) {
		argv[argc++] = "--start";
		argv[argc++] = start;
	}
	if (scale != NULL) {
		argv[argc++] = "--time-scale";
		argv[argc++] = scale;
	}
	argv[argc] = NULL;
	file = e2e_start_fleet(scenario, argv, pidp);
	free(audit);
	return (file);
}

/* The node id in a status --json document; see e2e.h. */
json_t *
e2e_status_node(json_t *doc, const char *id)
{
	json_t		*node;
	const char	*s;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "nodes"), i, node) {
		s = json_string_value(json_object_get(node, "id"));
		if (s != NULL && strcmp(s, id) == 0)
			return (node);
	}
	ck_abort_msg("status does not list %s", id);
	return (NULL);
}

/* The URL a fleet file gives for a node; see e2e.h. */
char *
e2e_fleet_url(const char *fleet, const char *id)
{
	FILE	*f = fopen(fleet, "r");
	char	 line[512], url[256], *found = NULL;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, id) != NULL && line[0] != '#' &&
		    sscanf(line, "%255s", url) == 1) {
			found = strdup(url);
			break;
		}
	}
	fclose(f);
	ck_assert_msg(found != NULL, "the fleet file names no %s", id);
	return (found);
}

/* Make a key with the real vigil-key; see e2e.h. */
char *
e2e_make_key(const char *name)
{
	struct e2e_result	 r;
	char			*argv[8], *path = e2e_path(name);

	if (asprintf(&argv[5], "%s.key", path) == -1)
		ck_abort_msg("out of memory");
	free(path);
	argv[0] = e2e_bin("vigil-key");
	argv[1] = "gen";
	argv[2] = "--name";
	argv[3] = (char *)name;
	argv[4] = "--out";
	argv[6] = NULL;
	e2e_run(argv, NULL, E2E_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "vigil-key gen exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);
	free(argv[0]);
	return (argv[5]);
}

/* The trust line vigil-key pub gives for path, under name; see e2e.h. */
char *
e2e_trust_line(const char *path, const char *name)
{
	struct e2e_result	 r;
	char			*argv[4], word[64], kind[32], b64[128], *line;

	argv[0] = e2e_bin("vigil-key");
	argv[1] = "pub";
	argv[2] = (char *)path;
	argv[3] = NULL;
	e2e_run(argv, NULL, E2E_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "vigil-key pub exited %d: %s", r.status,
	    r.err);
	ck_assert_msg(sscanf(r.out, "%63s %31s %127s", word, kind, b64) == 3,
	    "vigil-key pub printed no trust line: %s", r.out);
	if (asprintf(&line, "%s %s %s\n", name, kind, b64) == -1)
		ck_abort_msg("out of memory");
	e2e_result_free(&r);
	free(argv[0]);
	return (line);
}

/* Write a trust file naming each key given under its name. */
char *
e2e_trust_file(const char *key, const char *name, ...)
{
	va_list	 ap;
	char	*path = e2e_path("operators"), *line;
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		ck_abort_msg("cannot write %s: %s", path, strerror(errno));
	fprintf(f, "# operators the test fleet trusts\n");
	va_start(ap, name);
	while (key != NULL) {
		line = e2e_trust_line(key, name);
		fputs(line, f);
		free(line);
		if ((key = va_arg(ap, const char *)) != NULL)
			name = va_arg(ap, const char *);
	}
	va_end(ap);
	if (fclose(f) == EOF)
		ck_abort_msg("cannot write %s: %s", path, strerror(errno));
	return (path);
}

/* Run tmux with args on this test's server; must: fail when it fails. */
static void
e2e_tmux(const char *const *args, int must)
{
	struct e2e_result	 r;
	char			*argv[32];
	size_t			 n = 0;

	argv[n++] = "/usr/bin/tmux";
	argv[n++] = "-S";
	argv[n++] = e2e_tmux_socket;
	argv[n++] = "-f";
	argv[n++] = "/dev/null";
	while (*args != NULL && n < 31)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	e2e_run(argv, NULL, 10000, &r);
	if (must)
		ck_assert_msg(r.status == 0, "tmux %s failed (status %d): %s",
		    argv[5], r.status, r.err);
	e2e_result_free(&r);
}

/* Kill this test's tmux server, if it started one. */
static void
e2e_tmux_kill(void)
{
	const char	*args[] = { "kill-server", NULL };

	if (e2e_tmux_socket[0] == '\0')
		return;
	e2e_tmux(args, 0);
	e2e_tmux_socket[0] = '\0';
}

/* Stop the tmux server, as a terminal closing; see e2e.h. */
void
e2e_tmux_stop(void)
{
	e2e_tmux_kill();
}

/* Start cmd in a detached tmux window of cols x rows. */
void
e2e_tmux_start(int cols, int rows, const char *cmd)
{
	char		 x[16], y[16];
	const char	*args[] = { "new-session", "-d", "-x", x, "-y", y,
			    "-s", "t", cmd, NULL };

	if (access("/usr/bin/tmux", X_OK) != 0)
		ck_abort_msg("/usr/bin/tmux is missing; the screen tests "
		    "drive the console in it: apt-get install tmux");
	snprintf(e2e_tmux_socket, sizeof e2e_tmux_socket, "%s/tmux",
	    e2e_tmp);
	snprintf(x, sizeof x, "%d", cols);
	snprintf(y, sizeof y, "%d", rows);
	e2e_tmux(args, 1);
}

/* Open another window running cmd, and make it the current one. */
void
e2e_tmux_window(const char *cmd)
{
	/*
	 * "t:" names the session; a bare "t" could also match a window
	 * whose name starts with t (tmux renames a window after what runs
	 * in it, such as timeout) and then fails: "index 0 in use".
	 */
	const char	*args[] = { "new-window", "-t", "t:", cmd, NULL };

	e2e_tmux(args, 1);
}

/* Make window index the current one. */
void
e2e_tmux_select(int index)
{
	char		 target[16];
	const char	*args[] = { "select-window", "-t", target, NULL };

	snprintf(target, sizeof target, "t:%d", index);
	e2e_tmux(args, 1);
}

/* Resize the window. */
void
e2e_tmux_resize(int cols, int rows)
{
	char		 x[16], y[16];
	const char	*args[] = { "resize-window", "-t", "t:", "-x", x,
			    "-y", y, NULL };

	snprintf(x, sizeof x, "%d", cols);
	snprintf(y, sizeof y, "%d", rows);
	e2e_tmux(args, 1);
}

/*
 * Type a tmux key name, or literal text.  Here and below, "t:" is the
 * session's current window: tmux looks a bare "t" up first as the
 * start of a window's name, and names a window after what runs in it,
 * so a window called "timeout" would take the keys and be the one
 * captured whichever window is current.
 */
void
e2e_tmux_keys(const char *keys, int literal)
{
	const char	*args[] = { "send-keys", "-t", "t:", literal ? "-l" :
			    keys, literal ? keys : NULL, NULL };

	e2e_tmux(args, 1);
}

/* What the window shows now. */
char *
e2e_tmux_capture(void)
{
	struct e2e_result	 r;
	char			*argv[] = { "/usr/bin/tmux", "-S",
				    e2e_tmux_socket, "capture-pane", "-p", "-t",
				    "t:", NULL };

	e2e_run(argv, NULL, 10000, &r);
	ck_assert_msg(r.status == 0, "tmux capture-pane failed: %s", r.err);
	free(r.err);
	return (r.out);
}

/* Wait until the window shows every string given. */
char *
e2e_tmux_wait(int timeout_ms, const char *what, ...)
{
	va_list		 ap;
	const char	*s;
	char		*screen = NULL;
	int64_t		 deadline = e2e_now_ms() + timeout_ms;
	int		 all;

	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		all = 1;
		va_start(ap, what);
		while (all && (s = va_arg(ap, const char *)) != NULL)
			all = strstr(screen, s) != NULL;
		va_end(ap);
		if (all)
			return (screen);
		ck_assert_msg(e2e_now_ms() < deadline, "after %d ms, %s is "
		    "not on the screen:\n%s", timeout_ms, what, screen);
		e2e_sleep_ms(200);
	}
}

/* Wait until the window no longer shows gone. */
char *
e2e_tmux_wait_gone(int timeout_ms, const char *what, const char *gone)
{
	char	*screen = NULL;
	int64_t	 deadline = e2e_now_ms() + timeout_ms;

	for (;;) {
		free(screen);
		screen = e2e_tmux_capture();
		if (strstr(screen, gone) == NULL)
			return (screen);
		ck_assert_msg(e2e_now_ms() < deadline, "after %d ms, %s: "
		    "\"%s\" is still on the screen:\n%s", timeout_ms, what,
		    gone, screen);
		e2e_sleep_ms(200);
	}
}

/*
 * Wait until the header says nodes are live over links links all up:
 * the whole fleet is in, whatever keys or assertions come next rely on.
 */
char *
e2e_tmux_wait_fleet(int timeout_ms, int nodes, int links)
{
	char	live[32], up[32];

	snprintf(live, sizeof live, " %d live", nodes);
	snprintf(up, sizeof up, " %d/%d up", links, links);
	return (e2e_tmux_wait(timeout_ms, "the header with the whole fleet "
	    "live and every link up", live, up, (char *)NULL));
}

/*
 * In the console shown, wait for the one proposal by proposer and press
 * A on it in the Proposals view: its approve dialog opens.
 */
void
e2e_tmux_open_approve(int timeout_ms, const char *proposer)
{
	free(e2e_tmux_wait(timeout_ms, "the console counting the proposal",
	    "Proposals (1)", (char *)NULL));
	e2e_tmux_keys("6", 0);
	free(e2e_tmux_wait(timeout_ms, "the proposal in the list", proposer,
	    "pending", (char *)NULL));
	e2e_tmux_keys("A", 0);
}

/*
 * In the console shown, wait for the propose dialog's review of the
 * draft and press y, which signs it and sends the proposal.  Returns
 * the screen that showed the review (allocated).
 */
char *
e2e_tmux_sign_draft(int timeout_ms)
{
	char	*screen;

	screen = e2e_tmux_wait(timeout_ms, "the review of the draft",
	    "Review before signing", "Press y to sign this document",
	    (char *)NULL);
	e2e_tmux_keys("y", 1);
	return (screen);
}

/* The rogue backend's script and clock (in its child process only). */
static struct {
	const char *const	*frames;
	size_t			 n;
	int			 first_ms;
	int			 repeat_ms;
	int			 close_after_ms;	/* after the last
							   frame; -1: never */
	const char		*close_reason;
	unsigned		 round;		/* +1 each repeat */
	int			 handshake_ms;	/* each, one at a time */
	unsigned		 close_first;	/* 0: close every one */
	unsigned		 nclosed;
	struct lws_context	*context;
	lws_sorted_usec_list_t	 sul;
} e2e_rogue;

/* Where one console's connection is in the rogue's script. */
struct e2e_rogue_session {
	unsigned	round;
	size_t		next;
	lws_usec_t	start;		/* when it may first be sent to */
	lws_usec_t	close_at;	/* when it is closed, or 0 */
	int		hold;		/* never closed (close_first) */
};

static int	 e2e_rogue_callback(struct lws *, enum lws_callback_reasons,
		    void *, void *, size_t);
static void	 e2e_rogue_tick(lws_sorted_usec_list_t *);
static void	 e2e_rogue_run(int portfd);
static pid_t	 e2e_rogue_fork(int *port);

static const struct lws_protocols e2e_rogue_protocols[] = {
	{ PROTO_SUBPROTOCOL, e2e_rogue_callback,
	  sizeof (struct e2e_rogue_session), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* The rogue's websocket: one frame of the script per writeable turn. */
static int
e2e_rogue_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct e2e_rogue_session	*s = user;
	unsigned char			*buf;
	size_t				 n;
	int				 w;

	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* Blocking: the next handshake waits for this one. */
		if (e2e_rogue.handshake_ms > 0)
			e2e_sleep_ms(e2e_rogue.handshake_ms);
		break;
	case LWS_CALLBACK_ESTABLISHED:
		s->round = e2e_rogue.round;
		s->next = 0;
		s->hold = e2e_rogue.close_first > 0 &&
		    e2e_rogue.nclosed >= e2e_rogue.close_first;
		s->start = lws_now_usecs() +
		    (lws_usec_t)e2e_rogue.first_ms * LWS_US_PER_MS;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (lws_now_usecs() < s->start)
			break;		/* the timer asks again */
		if (s->round != e2e_rogue.round) {
			s->round = e2e_rogue.round;
			s->next = 0;
		}
		if (s->close_at != 0 && lws_now_usecs() >= s->close_at) {
			n = strlen(e2e_rogue.close_reason);
			lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    (unsigned char *)(uintptr_t)e2e_rogue.close_reason,
			    n > 123 ? 123 : n);
			e2e_rogue.nclosed++;
			return (-1);
		}
		if (s->next >= e2e_rogue.n) {
			if (e2e_rogue.close_after_ms >= 0 && s->close_at == 0 &&
			    !s->hold)
				s->close_at = lws_now_usecs() + (lws_usec_t)
				    e2e_rogue.close_after_ms * LWS_US_PER_MS;
			break;
		}
		if (strncmp(e2e_rogue.frames[s->next], E2E_ROGUE_PAUSE,
		    strlen(E2E_ROGUE_PAUSE)) == 0) {
			s->start = lws_now_usecs() + (lws_usec_t)atoi(
			    e2e_rogue.frames[s->next++] +
			    strlen(E2E_ROGUE_PAUSE)) * LWS_US_PER_MS;
			break;		/* the timer asks again */
		}
		n = strlen(e2e_rogue.frames[s->next]);
		if ((buf = malloc(LWS_PRE + n + 1)) == NULL)
			_exit(3);
		memcpy(buf + LWS_PRE, e2e_rogue.frames[s->next++], n);
		w = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
		free(buf);
		if (w < 0)
			return (-1);
		lws_callback_on_writable(wsi);
		break;
	default:
		break;
	}
	return (0);
}

/*
 * The rogue's timer, every 50 ms: connections past their first_ms get
 * their turn, and every repeat_ms the script is due again on all.
 */
static void
e2e_rogue_tick(lws_sorted_usec_list_t *sul)
{
	static lws_usec_t	last;
	lws_usec_t		now = lws_now_usecs();

	(void)sul;
	if (e2e_rogue.repeat_ms > 0 && now - last >=
	    (lws_usec_t)e2e_rogue.repeat_ms * LWS_US_PER_MS) {
		e2e_rogue.round++;
		last = now;
	}
	lws_callback_on_writable_all_protocol(e2e_rogue.context,
	    &e2e_rogue_protocols[0]);
	lws_sul_schedule(e2e_rogue.context, 0, &e2e_rogue.sul, e2e_rogue_tick,
	    50 * LWS_US_PER_MS);
}

/* In the child: serve the script until killed, telling the parent the
   port through portfd. */
static void
e2e_rogue_run(int portfd)
{
	struct lws_context_creation_info	 info;
	int					 port;

	lws_set_log_level(0, NULL);
	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = e2e_rogue_protocols;
	info.gid = -1;
	info.uid = -1;
	if ((e2e_rogue.context = lws_create_context(&info)) == NULL)
		_exit(4);
	port = lws_get_vhost_listen_port(lws_get_vhost_by_name(
	    e2e_rogue.context, "default"));
	if (write(portfd, &port, sizeof port) != sizeof port)
		_exit(5);
	close(portfd);
	lws_sul_schedule(e2e_rogue.context, 0, &e2e_rogue.sul, e2e_rogue_tick,
	    50 * LWS_US_PER_MS);
	for (;;)
		lws_service(e2e_rogue.context, 0);
}

/*
 * Start the rogue's child process with the script in e2e_rogue; *port
 * gets its port.  Returns its pid.
 */
static pid_t
e2e_rogue_fork(int *port)
{
	int	 p[2];
	pid_t	 pid;

	ck_assert(pipe(p) == 0);
	if ((pid = e2e_fork()) == 0) {
		close(p[0]);
		e2e_rogue_run(p[1]);
	}
	close(p[1]);
	ck_assert_msg(read(p[0], port, sizeof *port) == sizeof *port,
	    "the rogue backend did not start");
	close(p[0]);
	return (pid);
}

/* Make the next rogue backend slow to answer handshakes; see e2e.h. */
void
e2e_rogue_slow_handshakes(int ms)
{
	e2e_rogue.handshake_ms = ms;
}

/* Have the next rogue backend close only its first n; see e2e.h. */
void
e2e_rogue_close_first(unsigned n)
{
	e2e_rogue.close_first = n;
}

/* Start a rogue backend serving frames; see e2e.h. */
pid_t
e2e_rogue_start(char *const *frames, size_t n, int first_ms, int repeat_ms,
    int *port)
{
	e2e_rogue.frames = (const char *const *)frames;
	e2e_rogue.n = n;
	e2e_rogue.first_ms = first_ms;
	e2e_rogue.repeat_ms = repeat_ms;
	e2e_rogue.close_after_ms = -1;
	return (e2e_rogue_fork(port));
}

/*
 * Start a rogue backend that sends frames (NULL-terminated, or NULL) at
 * once and then closes with close_reason; see e2e.h.
 */
char *
e2e_rogue_backend(const char *const *frames, int close_after_ms,
    const char *close_reason)
{
	char	*url;
	int	 port;

	e2e_rogue.frames = frames;
	for (e2e_rogue.n = 0; frames != NULL && frames[e2e_rogue.n] != NULL;
	    e2e_rogue.n++)
		/* nothing */;
	e2e_rogue.first_ms = 0;
	e2e_rogue.repeat_ms = 0;
	e2e_rogue.close_after_ms = close_after_ms;
	e2e_rogue.close_reason = close_reason;
	e2e_rogue_fork(&port);
	if (asprintf(&url, "ws://127.0.0.1:%d/", port) == -1)
		ck_abort_msg("out of memory");
	return (url);
}

/* A CA of the test's own, its certificate written to e2e_dir()/NAME. */
struct tls_ca *
e2e_tls_ca(const char *name, char **path)
{
	struct tls_ca	*ca;
	char		*cause = NULL, *pem;

	ca = tls_ca_new(name, 1, &cause);
	ck_assert_msg(ca != NULL, "tls_ca_new: %s", cause);
	*path = e2e_path(name);
	pem = tls_ca_pem(ca);
	ck_assert_msg(tls_write_file(*path, pem, 0644, &cause) == 0, "%s",
	    cause);
	free(pem);
	return (ca);
}

/*
 * A backend certificate signed by ca naming host and node, valid from
 * now + from_s to now + until_s, written as e2e_dir()/NAME.pem and
 * NAME.key; their paths come back in *cert and *key.
 */
void
e2e_tls_cert(const struct tls_ca *ca, const char *name, const char *host,
    const char *node, int64_t from_s, int64_t until_s, char **cert,
    char **key)
{
	struct tls_key	*k;
	char		*cause = NULL, *pem, *kpem, file[64];

	k = tls_key_new(&cause);
	ck_assert_msg(k != NULL, "tls_key_new: %s", cause);
	pem = tls_ca_issue(ca, k, node, &host, 1, &node, 1, from_s, until_s,
	    &cause);
	ck_assert_msg(pem != NULL, "tls_ca_issue: %s", cause);
	snprintf(file, sizeof file, "%s.pem", name);
	*cert = e2e_path(file);
	snprintf(file, sizeof file, "%s.key", name);
	*key = e2e_path(file);
	kpem = tls_key_pem(k);
	ck_assert(tls_write_file(*cert, pem, 0644, &cause) == 0);
	ck_assert(tls_write_file(*key, kpem, 0600, &cause) == 0);
	free(kpem);
	free(pem);
	tls_key_free(k);
}

/* A CA and two routers' certificates; see e2e.h. */
void
e2e_tls_two(struct e2e_tls_two *t)
{
	t->ca = e2e_tls_ca("ca.pem", &t->ca_path);
	e2e_tls_cert(t->ca, "r1", "127.0.0.1", "router/r1", -60, 3600,
	    &t->cert[0], &t->key[0]);
	e2e_tls_cert(t->ca, "r2", "127.0.0.1", "router/r2", -60, 3600,
	    &t->cert[1], &t->key[1]);
}

/* Free what e2e_tls_two() made. */
void
e2e_tls_two_free(struct e2e_tls_two *t)
{
	tls_ca_free(t->ca);
	free(t->ca_path);
	free(t->cert[0]);
	free(t->cert[1]);
	free(t->key[0]);
	free(t->key[1]);
}

/* Room for the targets of a document a test builds; see e2e.h. */
struct proto_command_target *
e2e_targets(size_t n)
{
	static struct proto_command_target	pool[16];
	static size_t				next;

	ck_assert_uint_le(n, 2);
	next = (next + 2) % (sizeof pool / sizeof pool[0]);
	memset(&pool[next], 0, n * sizeof pool[0]);
	return (&pool[next]);
}

/* Sign a document as vigil does, or as an old vigil did; see e2e.h. */
void
e2e_sign_document(const struct opkey *key, const char *name,
    const char *document, int old, struct proto_signature *sig)
{
	char	sha256[65], text[PROTO_STATEMENT_MAX], *cause = NULL;
	size_t	n;

	memset(sig, 0, sizeof *sig);
	snprintf(sig->operator, sizeof sig->operator, "%s", name);
	if (old) {
		ck_assert_msg(opkey_sign(key, document, strlen(document),
		    sig->signature, sizeof sig->signature, &cause) == 0,
		    "opkey_sign: %s", cause);
		return;
	}
	opkey_sha256_hex(document, strlen(document), sha256);
	n = proto_statement(sha256, text, sizeof text);
	ck_assert_msg(opkey_sign(key, text, n, sig->signature,
	    sizeof sig->signature, &cause) == 0, "opkey_sign: %s", cause);
	snprintf(sig->covers, sizeof sig->covers, "%s", PROTO_COVERS_SHA256);
}

/* A listening socket on the loopback; see e2e.h. */
int
e2e_listen(int family, int *port)
{
	struct sockaddr_in6	 s6;
	struct sockaddr_in	 s4;
	struct sockaddr		*sa;
	socklen_t		 slen;
	int			 fd;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd != -1, "socket: %s", strerror(errno));
	memset(&s6, 0, sizeof s6);
	memset(&s4, 0, sizeof s4);
	if (family == AF_INET6) {
		s6.sin6_family = AF_INET6;
		s6.sin6_addr = in6addr_loopback;
		sa = (struct sockaddr *)&s6;
		slen = sizeof s6;
	} else {
		s4.sin_family = AF_INET;
		s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa = (struct sockaddr *)&s4;
		slen = sizeof s4;
	}
	ck_assert_msg(bind(fd, sa, slen) == 0 && listen(fd, 16) == 0 &&
	    getsockname(fd, sa, &slen) == 0, "cannot listen on the %s "
	    "loopback: %s", family == AF_INET6 ? "IPv6" : "IPv4",
	    strerror(errno));
	*port = ntohs(family == AF_INET6 ? s6.sin6_port : s4.sin_port);
	return (fd);
}

/*
 * The relay child: take each connection to the listener lfd and relay
 * it to 127.0.0.1:port until either side closes, one at a time.
 */
static void
e2e_relay_run(int lfd, int port)
{
	struct sockaddr_in	sin;
	int			cfd, ufd;

	for (;;) {
		if ((cfd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		ufd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)port);
		if (ufd != -1 && connect(ufd, (struct sockaddr *)&sin,
		    sizeof sin) == 0)
			e2e_relay_pump(cfd, ufd, NULL, NULL);
		if (ufd != -1)
			close(ufd);
		close(cfd);
	}
}

/* Copy bytes both ways between a and b; see e2e.h. */
void
e2e_relay_pump(int a, int b, void (*tap)(void *, const void *, size_t),
    void *arg)
{
	struct pollfd	pfd[2];
	char		buf[16384];
	ssize_t		r;
	int		i;

	pfd[0].fd = a;
	pfd[1].fd = b;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1)
			return;
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents == 0)
				continue;
			r = read(pfd[i].fd, buf, sizeof buf);
			if (r <= 0 || write(pfd[1 - i].fd, buf, (size_t)r) !=
			    r)
				return;
			if (i == 0 && tap != NULL)
				tap(arg, buf, (size_t)r);
		}
	}
}

/* Start a relay to 127.0.0.1:port from listener lfd; see e2e.h. */
pid_t
e2e_relay(int lfd, int port)
{
	pid_t	pid;

	if ((pid = e2e_fork()) == 0)
		e2e_relay_run(lfd, port);
	close(lfd);
	return (pid);
}
