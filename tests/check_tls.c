/*
 * check_tls.c: the links over TLS, through real processes: a console
 * refuses a backend whose certificate another CA signed, or that has
 * expired, naming the certificate; a backend may speak only for the
 * nodes its certificate names; a backend refuses a browser's handshake;
 * and a backend on a second loopback address, with a certificate of its
 * own, serves wss where plain ws is refused; a console's handshake with
 * vigild takes one ClientHello.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "e2e.h"
#include "tests.h"
#include "tls.h"

#define START_MS	20000	/* vigild saying where it listens */
#define WAIT_S		"3"	/* vigil status --wait */
#define RUN_MS		20000	/* vigil status, start to end */

/*
 * Start `vigild node --role router --id ID --listen ADDR:0` with extra
 * arguments (NULL-terminated) and read the URL it prints into url.
 */
static pid_t
start_node(const char *id, const char *address, const char *const *extra,
    char *url, size_t len)
{
	struct e2e_lines	*lines;
	char			*argv[16], listen[64], line[512], *p;
	pid_t			 pid;
	int			 argc = 0, fd;

	snprintf(listen, sizeof listen, "%s:0", address);
	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "node";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = (char *)id;
	argv[argc++] = "--listen";
	argv[argc++] = listen;
	while (extra != NULL && *extra != NULL && argc < 15)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;
	pid = e2e_spawn(argv, NULL, &fd);
	free(argv[0]);
	lines = calloc(1, sizeof *lines);
	ck_assert(lines != NULL);
	e2e_lines_init(lines, fd);
	url[0] = '\0';
	while (url[0] == '\0') {
		ck_assert_msg(e2e_next_line(lines, line, sizeof line,
		    START_MS) == 1, "vigild node printed no URL; it said: %s",
		    e2e_stderr_of(pid));
		if ((p = strstr(line, " listening on ")) != NULL)
			snprintf(url, len, "%s", p + strlen(" listening on "));
	}
	free(lines);
	close(fd);
	return (pid);
}

/* The first 64 KB of the file at path, allocated. */
static char *
read_text(const char *path)
{
	FILE	*f;
	char	*text;
	size_t	 n;

	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	text = calloc(1, 65536);
	ck_assert(text != NULL);
	n = fread(text, 1, 65535, f);
	fclose(f);
	text[n] = '\0';
	return (text);
}

static void	 run_status_env(const char *, const char *, char *const [],
		    struct e2e_result *);

/* Run vigil status on url trusting ca (may be NULL), into *r. */
static void
run_status(const char *url, const char *ca, struct e2e_result *r)
{
	run_status_env(url, ca, NULL, r);
}

/* As run_status(), with env (NULL-terminated "NAME=value"s) added. */
static void
run_status_env(const char *url, const char *ca, char *const env[],
    struct e2e_result *r)
{
	char	*argv[12];
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigil");
	argv[argc++] = "--connect";
	argv[argc++] = (char *)url;
	if (ca != NULL) {
		argv[argc++] = "--ca";
		argv[argc++] = (char *)ca;
	}
	argv[argc++] = "status";
	argv[argc++] = "--json";
	argv[argc++] = "--wait";
	argv[argc++] = WAIT_S;
	argv[argc] = NULL;
	e2e_run(argv, env, RUN_MS, r);
	free(argv[0]);
}

/*
 * Run `vigil-key cert --ca DIR --host HOST --node router/r8 --out OUT`,
 * into *r.
 */
static void
run_key_cert(const char *dir, const char *host, const char *out,
    struct e2e_result *r)
{
	char	*argv[11];

	argv[0] = e2e_bin("vigil-key");
	argv[1] = "cert";
	argv[2] = "--ca";
	argv[3] = (char *)dir;
	argv[4] = "--host";
	argv[5] = (char *)host;
	argv[6] = "--node";
	argv[7] = "router/r8";
	argv[8] = "--out";
	argv[9] = (char *)out;
	argv[10] = NULL;
	e2e_run(argv, NULL, RUN_MS, r);
	free(argv[0]);
}

/*
 * Count the TLS ClientHello records in what a client sent (a record of
 * type 22, handshake, whose message is of type 1), across reads: a TLS
 * 1.3 client sends a second one only after a HelloRetryRequest.
 */
struct hello_count {
	unsigned char	hdr[5];
	size_t		hn;		/* header bytes held */
	size_t		left;		/* body bytes still to come */
	int		body_start;	/* the next byte opens a body */
	int		hellos;
};

/* Take n more bytes of what the client sent (a relay's tap). */
static void
hello_count_feed(void *arg, const void *bytes, size_t n)
{
	struct hello_count	*h = arg;
	const unsigned char	*p = bytes;
	size_t			 k;

	while (n > 0) {
		if (h->left == 0) {
			h->hdr[h->hn++] = *p++;
			n--;
			if (h->hn == sizeof h->hdr) {
				h->hn = 0;
				h->left = (size_t)h->hdr[3] << 8 | h->hdr[4];
				h->body_start = 1;
			}
			continue;
		}
		if (h->body_start && h->hdr[0] == 22 && *p == 1)
			h->hellos++;
		h->body_start = 0;
		k = n < h->left ? n : h->left;
		h->left -= k;
		p += k;
		n -= k;
	}
}

/*
 * In a child: relay one connection from listener lfd to 127.0.0.1:port
 * until either side closes, then write how many ClientHellos the
 * client sent to fd.
 */
static void
hello_relay_run(int lfd, int port, int fd)
{
	struct hello_count	 h;
	struct sockaddr_in	 sin;
	int			 cfd, ufd;

	memset(&h, 0, sizeof h);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((cfd = accept(lfd, NULL, NULL)) == -1 ||
	    (ufd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(ufd, (struct sockaddr *)&sin, sizeof sin) != 0)
		_exit(1);
	e2e_relay_pump(cfd, ufd, hello_count_feed, &h);
	if (write(fd, &h.hellos, sizeof h.hellos) != sizeof h.hellos)
		_exit(1);
	_exit(0);
}

/*
 * A console given another CA refuses the backend, naming its cert, and
 * --ca is trusted instead of the system's CAs, not beside them: the
 * backend's CA in the system's store (OpenSSL reads SSL_CERT_FILE for
 * it) does not make it pass.
 */
START_TEST(test_wrong_ca_is_refused_naming_the_certificate)
{
	struct tls_ca		*ca, *other;
	struct e2e_result	 r;
	char			*ca_path, *other_path, *cert, *key, url[256];
	char			*env[2];
	const char		*extra[5];

	ca = e2e_tls_ca("right-ca", &ca_path);
	other = e2e_tls_ca("other-ca", &other_path);
	e2e_tls_cert(ca, "r8", "127.0.0.1", "router/r8", -60, 3600, &cert,
	    &key);
	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	extra[4] = NULL;
	start_node("r8", "127.0.0.1", extra, url, sizeof url);

	run_status(url, other_path, &r);
	ck_assert_msg(r.status == 3, "vigil exited %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "certificate \"CN=router/r8\" issued by "
	    "\"CN=right-ca\" was refused") != NULL && strstr(r.err,
	    "--ca") != NULL, "the refusal names no certificate: %s", r.err);
	e2e_result_free(&r);

	if (asprintf(&env[0], "SSL_CERT_FILE=%s", ca_path) == -1)
		ck_abort_msg("out of memory");
	env[1] = NULL;
	run_status_env(url, other_path, env, &r);
	free(env[0]);
	ck_assert_msg(r.status == 3 && strstr(r.err, "issued by "
	    "\"CN=right-ca\" was refused") != NULL, "a CA of the system's "
	    "store was trusted beside --ca: vigil exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);

	run_status(url, ca_path, &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r8") != NULL,
	    "with the right CA vigil exited %d: %s", r.status, r.err);
	e2e_result_free(&r);
	tls_ca_free(ca);
	tls_ca_free(other);
	free(ca_path);
	free(other_path);
	free(cert);
	free(key);
}
END_TEST

/* A certificate for another host is refused, though its CA is trusted. */
START_TEST(test_certificate_for_another_host_is_refused)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*ca_path, *cert, *key, url[256];
	const char		*extra[5];

	ca = e2e_tls_ca("ca", &ca_path);
	e2e_tls_cert(ca, "r8", "127.0.0.2", "router/r8", -60, 3600, &cert,
	    &key);
	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	extra[4] = NULL;
	start_node("r8", "127.0.0.1", extra, url, sizeof url);

	run_status(url, ca_path, &r);
	ck_assert_msg(r.status == 3, "vigil exited %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "certificate \"CN=router/r8\"") != NULL &&
	    strstr(r.err, "does not name that host") != NULL,
	    "the refusal does not say the host is not named: %s", r.err);
	e2e_result_free(&r);
	tls_ca_free(ca);
	free(ca_path);
	free(cert);
	free(key);
}
END_TEST

/* A certificate that expired while vigild ran is refused in words. */
START_TEST(test_expired_certificate_is_refused)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*ca_path, *cert, *key, url[256];
	const char		*extra[5];

	ca = e2e_tls_ca("ca", &ca_path);
	/* vigild refuses a certificate already expired, so it lapses. */
	e2e_tls_cert(ca, "r8", "127.0.0.1", "router/r8", -60, 2, &cert, &key);
	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	extra[4] = NULL;
	start_node("r8", "127.0.0.1", extra, url, sizeof url);
	e2e_sleep_ms(3000);

	run_status(url, ca_path, &r);
	ck_assert_msg(r.status == 3, "vigil exited %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "certificate \"CN=router/r8\" expired")
	    != NULL && strstr(r.err, "vigil-key cert") != NULL,
	    "the refusal does not say the certificate expired: %s", r.err);
	e2e_result_free(&r);

	/* And vigild will not start with it now. */
	{
		char	*argv[12];

		argv[0] = e2e_bin("vigild");
		argv[1] = "node";
		argv[2] = "--role";
		argv[3] = "router";
		argv[4] = "--id";
		argv[5] = "r8";
		argv[6] = "--cert";
		argv[7] = cert;
		argv[8] = "--key";
		argv[9] = key;
		argv[10] = NULL;
		e2e_run(argv, NULL, RUN_MS, &r);
		free(argv[0]);
	}
	ck_assert_msg(r.status == 2 && strstr(r.err, "has expired") != NULL,
	    "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);
	tls_ca_free(ca);
	free(ca_path);
	free(cert);
	free(key);
}
END_TEST

/* A backend whose certificate names another node cannot speak for r8. */
START_TEST(test_certificate_not_naming_node_cannot_speak_for_it)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*ca_path, *cert, *key, url[256];
	const char		*extra[5];

	ca = e2e_tls_ca("ca", &ca_path);
	e2e_tls_cert(ca, "r9", "127.0.0.1", "router/r9", -60, 3600, &cert,
	    &key);
	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	extra[4] = NULL;
	start_node("r8", "127.0.0.1", extra, url, sizeof url);

	run_status(url, ca_path, &r);
	ck_assert_msg(strstr(r.out, "\"node-unnamed\"") != NULL,
	    "no node-unnamed alert: %s", r.out);
	ck_assert_msg(strstr(r.out, "speaks for router/r8, which its "
	    "certificate does not name") != NULL && strstr(r.out, url) !=
	    NULL, "the alert names not the backend and the node: %s", r.out);
	ck_assert_msg(strstr(r.out, "\"id\":\"router/r8\"") == NULL &&
	    strstr(r.out, "\"id\": \"router/r8\"") == NULL,
	    "router/r8 is shown as a node: %s", r.out);
	e2e_result_free(&r);
	tls_ca_free(ca);
	free(ca_path);
	free(cert);
	free(key);
}
END_TEST

/* A handshake carrying Origin (a browser's) is refused; one without is not. */
START_TEST(test_origin_bearing_connection_is_refused)
{
	struct e2e_ws	*ws;
	char		 url[256], answer[512], *err;
	pid_t		 pid;

	pid = start_node("r8", "127.0.0.1", NULL, url, sizeof url);
	ws = e2e_ws_try_open(url, "Origin: http://evil.example\r\n", 5000,
	    answer, sizeof answer);
	ck_assert_msg(ws == NULL, "a handshake with Origin was accepted");
	e2e_sleep_ms(200);
	err = e2e_stderr_of(pid);
	ck_assert_msg(strstr(err, "refused a websocket handshake carrying "
	    "Origin http://evil.example") != NULL, "vigild said: %s", err);
	free(err);
	ws = e2e_ws_try_open(url, NULL, 5000, answer, sizeof answer);
	ck_assert_msg(ws != NULL, "a console's handshake was refused: %s",
	    answer);
	e2e_ws_close(ws);
}
END_TEST

/*
 * Beyond loopback (127.0.0.2 stands for another machine's address)
 * vigild serves wss with a certificate naming that address, refuses to
 * serve plain ws there, and a console reaches it; the console refuses
 * plain ws:// there unless told --insecure.
 */
START_TEST(test_second_address_serves_wss_with_its_certificate)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*ca_path, *cert, *key, url[256], *argv[12];
	const char		*extra[7];

	ca = e2e_tls_ca("ca", &ca_path);
	e2e_tls_cert(ca, "r8", "127.0.0.2", "router/r8", -60, 3600, &cert,
	    &key);
	argv[0] = e2e_bin("vigild");
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = "r8";
	argv[6] = "--listen";
	argv[7] = "127.0.0.3:0";
	argv[8] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "beyond loopback") !=
	    NULL, "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);
	free(argv[0]);

	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	/* Beyond 127.0.0.1 reading needs a key unless said otherwise. */
	extra[4] = "--read";
	extra[5] = "anyone";
	extra[6] = NULL;
	start_node("r8", "127.0.0.2", extra, url, sizeof url);
	ck_assert_msg(strncmp(url, "wss://127.0.0.2:", 16) == 0, "url %s",
	    url);
	run_status(url, ca_path, &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r8") != NULL,
	    "vigil exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	run_status("ws://10.0.0.8:9001/", NULL, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "--insecure") != NULL,
	    "plain ws beyond loopback: vigil exited %d: %s", r.status, r.err);
	e2e_result_free(&r);
	tls_ca_free(ca);
	free(ca_path);
	free(cert);
	free(key);
}
END_TEST

/* Run vigild node --role router --id r8 with args, into *r. */
static void
run_vigild(const char *const *args, struct e2e_result *r)
{
	char	*argv[16];
	int	 argc = 0;

	argv[argc++] = e2e_bin("vigild");
	argv[argc++] = "node";
	argv[argc++] = "--role";
	argv[argc++] = "router";
	argv[argc++] = "--id";
	argv[argc++] = "r8";
	while (*args != NULL && argc < 15)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	e2e_run(argv, NULL, RUN_MS, r);
	free(argv[0]);
}

/*
 * The README's three steps for two machines, through the real
 * vigil-key: a CA, a backend's certificate for 127.0.0.2 naming
 * router/r8, started with a trust file as reading needs a key there,
 * and a console trusting that CA and answering with alice's key sees
 * the node live.
 */
START_TEST(test_vigil_key_makes_a_working_deployment)
{
	struct e2e_result	 r;
	char			*vigil_key, *dir, *out, *ca_pem, *argv[12];
	char			*alice, *trust;
	char			 cert[512], key[512], url[256];
	const char		*extra[7];

	vigil_key = e2e_bin("vigil-key");
	dir = e2e_path("ca");
	out = e2e_path("r8");
	argv[0] = vigil_key;
	argv[1] = "ca";
	argv[2] = "--out";
	argv[3] = dir;
	argv[4] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "vigil-key ca exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);

	run_key_cert(dir, "127.0.0.2", out, &r);
	ck_assert_msg(r.status == 0, "vigil-key cert exited %d: %s",
	    r.status, r.err);
	e2e_result_free(&r);

	/* Beyond 127.0.0.1 reading needs a key: the README's operators. */
	alice = e2e_make_key("alice");
	trust = e2e_trust_file(alice, "alice", NULL);
	snprintf(cert, sizeof cert, "%s.pem", out);
	snprintf(key, sizeof key, "%s.key", out);
	extra[0] = "--cert";
	extra[1] = cert;
	extra[2] = "--key";
	extra[3] = key;
	extra[4] = "--trust";
	extra[5] = trust;
	extra[6] = NULL;
	start_node("r8", "127.0.0.2", extra, url, sizeof url);
	ca_pem = e2e_path("ca/ca.pem");
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = url;
	argv[3] = "--ca";
	argv[4] = ca_pem;
	argv[5] = "--key";
	argv[6] = alice;
	argv[7] = "status";
	argv[8] = "--wait";
	argv[9] = WAIT_S;
	argv[10] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	free(argv[0]);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r8") != NULL &&
	    strstr(r.out, "live") != NULL, "vigil exited %d: %s%s", r.status,
	    r.out, r.err);
	e2e_result_free(&r);
	free(ca_pem);
	free(trust);
	free(alice);
	free(out);
	free(dir);
	free(vigil_key);
}
END_TEST

/* vigild says what is wrong with its TLS options and files, and stops. */
START_TEST(test_vigild_refuses_bad_tls_options)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*ca_path, *cert, *key, *other_cert, *other_key;
	const char		*only_cert[] = { "--cert", NULL, NULL };
	const char		*both[] = { "--cert", NULL, "--key", NULL,
				    "--insecure", NULL };
	const char		*pair[] = { "--cert", NULL, "--key", NULL,
				    NULL };

	ca = e2e_tls_ca("ca", &ca_path);
	e2e_tls_cert(ca, "r8", "127.0.0.1", "router/r8", -60, 3600, &cert,
	    &key);
	e2e_tls_cert(ca, "r9", "127.0.0.1", "router/r9", -60, 3600, &other_cert,
	    &other_key);
	only_cert[1] = cert;
	run_vigild(only_cert, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "--cert needs --key") !=
	    NULL, "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	both[1] = pair[1] = cert;
	both[3] = key;
	run_vigild(both, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "contradict") != NULL,
	    "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	pair[3] = other_key;
	run_vigild(pair, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "is not the key of "
	    "certificate") != NULL, "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	pair[3] = key;
	ck_assert_int_eq(chmod(key, 0644), 0);
	run_vigild(pair, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "may be read or changed "
	    "by other users") != NULL, "vigild exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);
	tls_ca_free(ca);
	free(ca_path);
	free(cert);
	free(key);
	free(other_cert);
	free(other_key);
}
END_TEST

/*
 * A file whoever else can change is refused with a sentence naming it,
 * before anything is trusted or signed: an operator key by vigil and
 * vigil-key, a trust file by vigild, a CA by vigil, a CA key by
 * vigil-key cert.
 */
START_TEST(test_files_others_may_write_are_refused)
{
	struct tls_ca		*ca;
	struct e2e_result	 r;
	char			*key, *trust, *ca_path, *ca_key, *argv[16];
	char			*cause = NULL, *kpem, *dir, *out;
	const char		*with_trust[] = { "--trust", NULL, NULL };

	key = e2e_make_key("alice");
	trust = e2e_trust_file(key, "alice", NULL);
	ck_assert_int_eq(chmod(key, 0620), 0);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = "wss://127.0.0.1:1/";
	argv[3] = "--key";
	argv[4] = key;
	argv[5] = "propose";
	argv[6] = "kill";
	argv[7] = "router/r1";
	argv[8] = "--reason";
	argv[9] = "test";
	argv[10] = "--yes";
	argv[11] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "may be changed by other "
	    "users (mode 0620)") != NULL, "vigil exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);
	free(argv[0]);

	argv[0] = e2e_bin("vigil-key");
	argv[1] = "pub";
	argv[2] = key;
	argv[3] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status != 0 && strstr(r.err, "may be changed by "
	    "other users") != NULL, "vigil-key exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);

	ck_assert_int_eq(chmod(trust, 0666), 0);
	with_trust[1] = trust;
	run_vigild(with_trust, &r);
	ck_assert_msg(r.status != 0 && strstr(r.err, "may be changed by "
	    "other users") != NULL && strstr(r.err, trust) != NULL,
	    "vigild exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	ca = e2e_tls_ca("ca.pem", &ca_path);
	ck_assert_int_eq(chmod(ca_path, 0666), 0);
	run_status("wss://127.0.0.1:1/", ca_path, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "may be changed by "
	    "other users") != NULL, "vigil exited %d: %s", r.status, r.err);
	e2e_result_free(&r);

	/* vigil-key cert --ca DIR reads DIR/ca.pem and DIR/ca.key. */
	ca_key = e2e_path("ca.key");
	kpem = tls_ca_key_pem(ca);
	ck_assert(tls_write_file(ca_key, kpem, 0620, &cause) == 0);
	ck_assert_int_eq(chmod(ca_key, 0620), 0);
	dir = e2e_path(".");
	out = e2e_path("r8");
	run_key_cert(dir, "127.0.0.1", out, &r);
	ck_assert_msg(r.status != 0 && strstr(r.err, "may be read or changed "
	    "by other users") != NULL, "vigil-key exited %d: %s", r.status,
	    r.err);
	e2e_result_free(&r);
	free(argv[0]);
	explicit_bzero(kpem, strlen(kpem));
	free(kpem);
	free(dir);
	free(out);
	free(ca_key);
	free(ca_path);
	tls_ca_free(ca);
	free(trust);
	free(key);
}
END_TEST

/*
 * Plain ws beyond loopback, allowed on both sides with --insecure, is
 * shown in the console's header as INSECURE with the link's URL.
 */
START_TEST(test_insecure_link_is_shown_in_the_header)
{
	const char	*extra[] = { "--insecure", "--read", "anyone", NULL };
	char		 url[256], cmd[2048], *vigil, *screen;

	start_node("r8", "127.0.0.2", extra, url, sizeof url);
	ck_assert_msg(strncmp(url, "ws://127.0.0.2:", 15) == 0, "url %s",
	    url);
	vigil = e2e_bin("vigil");
	snprintf(cmd, sizeof cmd, "env LANG=C.UTF-8 LC_ALL=C.UTF-8 "
	    "XDG_CONFIG_HOME=%s timeout --foreground 60 %s --connect %s "
	    "--insecure; sleep 30", e2e_dir(), vigil, url);
	e2e_tmux_start(160, 30, cmd);
	screen = e2e_tmux_wait(START_MS, "the INSECURE mark", "INSECURE ws://"
	    "127.0.0.2:", "router/r8", (char *)NULL);
	free(screen);
	free(vigil);
}
END_TEST

/*
 * A backend whose host name cannot be found is down, in words, and the
 * other backends are still watched.
 */
START_TEST(test_unknown_host_leaves_only_its_link_down)
{
	struct e2e_result	 r;
	char			*fleet, *path, *argv[8], *text;
	FILE			*f;

	fleet = e2e_start_fleet("calm", NULL, NULL);
	text = read_text(fleet);
	path = e2e_path("with-unknown");
	f = fopen(path, "w");
	ck_assert(f != NULL);
	fprintf(f, "%swss://no-such-host.invalid:9001/\n", text);
	ck_assert(fclose(f) == 0);
	/* The fleet file names its CA relative to itself. */
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = path;
	argv[3] = "status";
	argv[4] = "--wait";
	argv[5] = "5";
	argv[6] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 3 && strstr(r.out, "10 live") != NULL,
	    "vigil exited %d: %s%s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, "cannot find host \"no-such-host."
	    "invalid\"") != NULL, "no sentence for the unknown host: %s",
	    r.out);
	e2e_result_free(&r);
	free(argv[0]);
	free(text);
	free(path);
	free(fleet);
}
END_TEST

/* The demo's own fleet runs over wss with the CA vigild made. */
START_TEST(test_fleet_serves_wss_with_its_own_ca)
{
	struct e2e_result	 r;
	char			*fleet, *text, *argv[8];

	fleet = e2e_start_fleet("calm", NULL, NULL);
	text = read_text(fleet);
	ck_assert_msg(strstr(text, "\nca ") != NULL && strstr(text,
	    "\nwss://127.0.0.1:") != NULL && strstr(text, "\nws://") == NULL,
	    "fleet file: %s", text);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "status";
	argv[4] = "--wait";
	argv[5] = "10";
	argv[6] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status != 3 && strstr(r.out, "0 down") != NULL,
	    "vigil exited %d: %s%s", r.status, r.out, r.err);
	e2e_result_free(&r);
	free(argv[0]);
	free(text);
	free(fleet);
}
END_TEST

/*
 * A relay in a child from a new loopback port (in *port) to the first
 * node of the fleet file at fleet, counting ClientHellos; the count
 * comes back from hello_relay_count(*fd).
 */
static void
hello_relay_start(const char *fleet, int *port, int *fd)
{
	char	*text, *p;
	int	 lfd, fds[2];

	text = read_text(fleet);
	ck_assert_msg((p = strstr(text, "wss://127.0.0.1:")) != NULL,
	    "no wss URL in the fleet file: %s", text);
	lfd = e2e_listen(AF_INET, port);
	ck_assert(pipe(fds) == 0);
	if (e2e_fork() == 0) {
		close(fds[0]);
		hello_relay_run(lfd, atoi(p + strlen("wss://127.0.0.1:")),
		    fds[1]);
	}
	close(lfd);
	close(fds[1]);
	free(text);
	*fd = fds[0];
}

/* How many ClientHellos the relay on fd saw, once its connection ended. */
static int
hello_relay_count(int fd)
{
	struct pollfd	pfd;
	int		hellos = -1;

	pfd.fd = fd;
	pfd.events = POLLIN;
	ck_assert_msg(poll(&pfd, 1, RUN_MS) == 1 && read(fd, &hellos,
	    sizeof hellos) == sizeof hellos, "the relay never said how many "
	    "ClientHellos it saw");
	close(fd);
	return (hellos);
}

/*
 * A console's TLS handshake with vigild takes one ClientHello: it
 * offers a key share for P-256 first, the one group libwebsockets 4.1
 * lets a vigild serving certificates from memory (as a fleet does)
 * take, where OpenSSL's default (X25519) cost every handshake a
 * HelloRetryRequest and a second round trip; a vigild of before still
 * takes only P-256.
 */
START_TEST(test_console_handshake_with_vigild_takes_one_hello)
{
	struct e2e_result	 r;
	char			*fleet, *ca, relayed[64];
	const char		*extra[] = { "--routers", "1", "--stations",
				    "2", NULL };
	int			 port, fd, hellos;

	fleet = e2e_start_fleet("calm", extra, NULL);
	if (asprintf(&ca, "%s.ca", fleet) == -1)
		ck_abort_msg("out of memory");
	hello_relay_start(fleet, &port, &fd);
	snprintf(relayed, sizeof relayed, "wss://127.0.0.1:%d/", port);
	run_status(relayed, ca, &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, "router/r1") != NULL,
	    "vigil exited %d through the relay: %s%s", r.status, r.out,
	    r.err);
	hellos = hello_relay_count(fd);
	ck_assert_msg(hellos == 1, "the console sent %d ClientHellos on one "
	    "connection (2: vigild asked for another key share)", hellos);
	e2e_result_free(&r);
	free(ca);
	free(fleet);
}
END_TEST

/*
 * So does any client's, with OpenSSL's default groups (X25519 first):
 * vigild's fleet takes them all, where libwebsockets had narrowed it to
 * P-256 and asked each such client for a second ClientHello.
 */
START_TEST(test_default_client_handshake_with_vigild_takes_one_hello)
{
	struct e2e_ws	*ws;
	char		*fleet, relayed[64];
	const char	*extra[] = { "--routers", "1", "--stations", "2",
			    NULL };
	int		 port, fd, hellos;

	fleet = e2e_start_fleet("calm", extra, NULL);
	hello_relay_start(fleet, &port, &fd);
	snprintf(relayed, sizeof relayed, "wss://127.0.0.1:%d/", port);
	ws = e2e_ws_open(relayed, RUN_MS);
	e2e_ws_close(ws);
	hellos = hello_relay_count(fd);
	ck_assert_msg(hellos == 1, "a default TLS client sent %d "
	    "ClientHellos on one connection (2: vigild asked for another "
	    "key share)", hellos);
	free(fleet);
}
END_TEST

/*
 * A fleet's node sends its certificate alone, the CA its peers trust
 * from their own file, and no session ticket: no vigil client resumes a
 * session, and making and sending two tickets, and building a chain
 * that finds no issuer, cost vigild an eighth of each handshake and
 * each client the tickets' decoding, over a thousand links at once.
 */
START_TEST(test_fleet_handshake_sends_leaf_and_no_ticket)
{
	struct e2e_ws	*ws;
	char		*fleet, *text, *p, url[64], *frame;
	const char	*extra[] = { "--routers", "1", "--stations", "2",
			    NULL };
	int		 ncerts, ticket;

	fleet = e2e_start_fleet("calm", extra, NULL);
	text = read_text(fleet);
	ck_assert_msg((p = strstr(text, "wss://127.0.0.1:")) != NULL,
	    "no wss URL in the fleet file: %s", text);
	snprintf(url, sizeof url, "wss://127.0.0.1:%d/",
	    atoi(p + strlen("wss://127.0.0.1:")));
	ws = e2e_ws_open(url, RUN_MS);
	frame = e2e_ws_recv(ws, RUN_MS);
	ck_assert_msg(frame != NULL, "vigild sent no frame on %s", url);
	ck_assert(e2e_ws_tls_facts(ws, &ncerts, &ticket) == 0);
	ck_assert_msg(ncerts == 1, "vigild sent %d certificates (its own "
	    "alone expected)", ncerts);
	ck_assert_msg(!ticket, "vigild issued a session ticket no vigil "
	    "client uses");
	free(frame);
	e2e_ws_close(ws);
	free(text);
	free(fleet);
}
END_TEST

Suite *
tls_suite(void)
{
	Suite	*s = suite_create("tls");
	TCase	*tc = tcase_create("processes");

	tcase_set_timeout(tc, 90);
	tcase_add_checked_fixture(tc, e2e_setup, e2e_cleanup);
	tcase_add_test(tc, test_wrong_ca_is_refused_naming_the_certificate);
	tcase_add_test(tc, test_certificate_for_another_host_is_refused);
	tcase_add_test(tc, test_expired_certificate_is_refused);
	tcase_add_test(tc,
	    test_certificate_not_naming_node_cannot_speak_for_it);
	tcase_add_test(tc, test_origin_bearing_connection_is_refused);
	tcase_add_test(tc, test_second_address_serves_wss_with_its_certificate);
	tcase_add_test(tc, test_vigil_key_makes_a_working_deployment);
	tcase_add_test(tc, test_fleet_serves_wss_with_its_own_ca);
	tcase_add_test(tc, test_vigild_refuses_bad_tls_options);
	tcase_add_test(tc, test_files_others_may_write_are_refused);
	tcase_add_test(tc, test_insecure_link_is_shown_in_the_header);
	tcase_add_test(tc, test_unknown_host_leaves_only_its_link_down);
	tcase_add_test(tc, test_console_handshake_with_vigild_takes_one_hello);
	tcase_add_test(tc, test_fleet_handshake_sends_leaf_and_no_ticket);
	tcase_add_test(tc,
	    test_default_client_handshake_with_vigild_takes_one_hello);
	suite_add_tcase(s, tc);
	return (s);
}
