/*
 * check_rogue.c: backends that break the rules, against a real vigil.
 *
 * Each test starts a rogue backend (e2e_rogue_start: a websocket server
 * that sends what the test gives it) and, where it needs one, a real
 * vigild, then runs vigil status as an operator would.  A rogue may not
 * take over a node a real backend serves, may not fill the console with
 * made-up nodes, and may not make it show absurd numbers as facts or
 * crash it; whatever it sends wrong is said in words.
 */
#include <sys/resource.h>

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define RUN_MS		60000	/* one vigil status, at most */
#define FLOOD_NODES	20000	/* ids one rogue link claims */
#define FLOOD_DECLARED	4	/* what its hellos declare */

static void	 setup(void);
static void	 teardown(void);
static char	*hello_frame(const char *, enum proto_role, const char *,
		    int64_t, double, int);
static char	*stats_frame(const char *, enum proto_role, int64_t, int64_t,
		    uint64_t);
static char	*cert_frame(const char *, int64_t, int64_t);
static void	 vigil_status(const char *, const char *, const char *,
		    int, struct e2e_result *);
static char	*rogue_url(char *const *, size_t, int, int);
static void	 free_all(char **, size_t);
static char	*fleet_file(const char *, ...);
static char	*fleet_with(const char *, const char *);
static json_t	*find_in(json_t *, const char *, const char *,
		    const char *);

/* Each test gets its own directory and a cleanup that always runs. */
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

/* A hello frame for node, allocated. */
static char *
hello_frame(const char *node, enum proto_role role, const char *build,
    int64_t clock_ms, double time_scale, int link_nodes)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*frame;

	m->type = MSG_HELLO;
	util_copy(m->u.hello.node, sizeof m->u.hello.node, node);
	m->u.hello.role = role;
	util_copy(m->u.hello.group, sizeof m->u.hello.group, "rogue");
	util_copy(m->u.hello.build, sizeof m->u.hello.build, build);
	m->u.hello.version = PROTO_VERSION;
	m->u.hello.clock_ms = clock_ms;
	m->u.hello.time_scale = time_scale;
	m->u.hello.link_nodes = link_nodes;
	frame = proto_encode(m);
	free(m);
	return (frame);
}

/* A stats frame for node with every counter at counter, allocated. */
static char *
stats_frame(const char *node, enum proto_role role, int64_t clock_ms,
    int64_t uptime_ms, uint64_t counter)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*frame;

	m->type = MSG_STATS;
	util_copy(m->u.stats.node, sizeof m->u.stats.node, node);
	m->u.stats.role = role;
	m->u.stats.clock_ms = clock_ms;
	m->u.stats.uptime_ms = uptime_ms;
	m->u.stats.seq = counter;
	if (role == ROLE_ROUTER) {
		m->u.stats.router.parents_total = counter;
		m->u.stats.router.child_orders_total = counter;
		m->u.stats.router.child_shares_total = counter;
		m->u.stats.router.state = STATE_RUNNING;
	} else {
		m->u.stats.station.heartbeats_total = counter;
		m->u.stats.station.devices = counter;
		m->u.stats.station.device_countdown_ms = -1;
		m->u.stats.station.heartbeat_interval_ms = 60000;
		m->u.stats.station.device_timeout_ms = 180000;
		m->u.stats.station.renewals_ok_total = counter;
	}
	frame = proto_encode(m);
	free(m);
	return (frame);
}

/* A cert frame for a station, valid until not_after_ms, allocated. */
static char *
cert_frame(const char *node, int64_t clock_ms, int64_t not_after_ms)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	char			*frame;

	m->type = MSG_CERT;
	util_copy(m->u.cert.node, sizeof m->u.cert.node, node);
	m->u.cert.clock_ms = clock_ms;
	util_copy(m->u.cert.subject, sizeof m->u.cert.subject, node);
	util_copy(m->u.cert.serial, sizeof m->u.cert.serial, "01");
	util_copy(m->u.cert.issuer, sizeof m->u.cert.issuer, node);
	m->u.cert.not_after_ms = not_after_ms;
	util_copy(m->u.cert.root_holder, sizeof m->u.cert.root_holder, node);
	m->u.cert.holds_root = 1;
	frame = proto_encode(m);
	free(m);
	return (frame);
}

/* Free n strings of v (the parent's copies of a rogue's script). */
static void
free_all(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
}

/* Start a rogue serving frames; its URL, allocated. */
static char *
rogue_url(char *const *frames, size_t n, int first_ms, int repeat_ms)
{
	char	*url;
	int	 port;

	e2e_rogue_start(frames, n, first_ms, repeat_ms, &port);
	url = xcalloc(1, 64);
	snprintf(url, 64, "ws://127.0.0.1:%d/", port);
	return (url);
}

/*
 * Run vigil status (with --json unless mode is NULL) against the fleet
 * file fleet, waiting at most wait seconds.
 */
static void
vigil_status(const char *fleet, const char *mode, const char *wait,
    int timeout_ms, struct e2e_result *r)
{
	char	*argv[10];
	int	 n = 0;

	argv[n++] = e2e_bin("vigil");
	argv[n++] = "--fleet";
	argv[n++] = (char *)fleet;
	argv[n++] = "status";
	if (mode != NULL)
		argv[n++] = (char *)mode;
	argv[n++] = "--wait";
	argv[n++] = (char *)wait;
	argv[n] = NULL;
	e2e_run(argv, NULL, timeout_ms, r);
	free(argv[0]);
	ck_assert_msg(r->status != -1, "vigil status did not finish within "
	    "%d ms", timeout_ms);
	ck_assert_msg(r->status < 80, "vigil status ended with %d (a "
	    "sanitizer?): %s", r->status, r->err);
}

/* A fleet file listing urls (NULL-terminated), its path allocated. */
static char *
fleet_file(const char *first, ...)
{
	const char	*url;
	char		*path = e2e_path("rogue.fleet");
	FILE		*f;
	va_list		 ap;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	va_start(ap, first);
	for (url = first; url != NULL; url = va_arg(ap, const char *))
		fprintf(f, "%s\n", url);
	va_end(ap);
	fclose(f);
	return (path);
}

/* A fleet file holding the lines of fleet and then url; its path. */
static char *
fleet_with(const char *fleet, const char *url)
{
	char	*path = e2e_path("with-rogue.fleet"), line[512];
	FILE	*in, *out;

	ck_assert_ptr_nonnull(in = fopen(fleet, "r"));
	ck_assert_ptr_nonnull(out = fopen(path, "w"));
	while (fgets(line, sizeof line, in) != NULL)
		fputs(line, out);
	fprintf(out, "%s\n", url);
	fclose(in);
	fclose(out);
	return (path);
}

/* The first entry of list in doc whose field is value, or NULL. */
static json_t *
find_in(json_t *doc, const char *list, const char *field, const char *value)
{
	json_t	*entry;
	size_t	 i;

	json_array_foreach(json_object_get(doc, list), i, entry) {
		if (strcmp(json_string_value(json_object_get(entry, field)),
		    value) == 0)
			return (entry);
	}
	return (NULL);
}

/*
 * A rogue says hello for router/r1, which a real vigild serves, with
 * build "evil", four times a second: the node stays the real backend's,
 * and one critical alert names the node and both backends.
 */
START_TEST(test_second_backend_cannot_take_over_a_node)
{
	const char		*extra[] = { "--routers", "2", "--stations",
				    "2", NULL };
	char			*fleet, *url, *frames[4], *text, *path;
	struct e2e_result	 r;
	json_t			*doc, *r1, *alert;
	json_error_t		 jerr;
	int64_t			 clock = util_wall_ms();

	fleet = e2e_start_fleet("calm", extra, NULL);
	/* Its own node first keeps its link ready; then the claim. */
	frames[0] = hello_frame("router/r1", ROLE_ROUTER, "evil", clock, 1, 1);
	frames[1] = hello_frame("router/x1", ROLE_ROUTER, "rogue-1", clock, 1,
	    1);
	frames[2] = stats_frame("router/x1", ROLE_ROUTER, clock, 1000, 1);
	frames[3] = stats_frame("router/x1", ROLE_ROUTER, clock, 2000, 2);
	/* After the real backend's hello, then four times a second. */
	url = rogue_url(frames, 4, 1000, 250);
	path = fleet_with(fleet, url);
	vigil_status(path, "--json", "20", RUN_MS, &r);

	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "status --json is not JSON: %s\n%s",
	    jerr.text, r.err);
	ck_assert_ptr_nonnull(r1 = find_in(doc, "nodes", "id", "router/r1"));
	ck_assert_str_ne(json_string_value(json_object_get(r1, "build")),
	    "evil");
	ck_assert_ptr_null(strstr(json_string_value(json_object_get(r1,
	    "url")), url));
	alert = find_in(doc, "alerts", "rule", "node-claimed");
	ck_assert_msg(alert != NULL, "no node-claimed alert in %s", r.out);
	ck_assert_str_eq(json_string_value(json_object_get(alert,
	    "severity")), "critical");
	text = (char *)json_string_value(json_object_get(alert, "text"));
	ck_assert_ptr_nonnull(strstr(text, "router/r1"));
	ck_assert_ptr_nonnull(strstr(text, url));
	ck_assert_ptr_nonnull(strstr(text, json_string_value(
	    json_object_get(r1, "url"))));
	json_decref(doc);
	e2e_result_free(&r);
	free_all(frames, 4);
	free(url);
	free(path);
	free(fleet);
}
END_TEST

/*
 * One link claims 20,000 node ids while its hellos declare 4: the
 * console holds 4, says in an alert that it ignores the rest, and vigil
 * status ends in seconds with its memory bounded.
 */
START_TEST(test_one_link_cannot_flood_the_console_with_nodes)
{
	char			**frames, id[32], *url, *text, *path;
	struct e2e_result	 r;
	struct rusage		 ru;
	json_t			*doc, *alert;
	json_error_t		 jerr;
	int64_t			 clock = util_wall_ms(), start;
	size_t			 i, n = 0;

	frames = xcalloc(3 * FLOOD_NODES, sizeof *frames);
	for (i = 0; i < FLOOD_NODES; i++) {
		snprintf(id, sizeof id, "router/f%zu", i);
		frames[n++] = hello_frame(id, ROLE_ROUTER, "flood-1", clock, 1,
		    FLOOD_DECLARED);
	}
	for (i = 0; i < 2 * FLOOD_NODES; i++) {
		snprintf(id, sizeof id, "router/f%zu", i % FLOOD_NODES);
		frames[n++] = stats_frame(id, ROLE_ROUTER, clock,
		    1000 + (int64_t)(i / FLOOD_NODES) * 1000, i);
	}
	url = rogue_url(frames, n, 0, 0);
	start = e2e_now_ms();
	path = fleet_file(url, NULL);
	vigil_status(path, "--json", "100", RUN_MS, &r);
	ck_assert_msg(e2e_now_ms() - start < 20000, "vigil status took %lld "
	    "ms", (long long)(e2e_now_ms() - start));
	ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	/* Before the bound it took a gigabyte; ASan's quarantine adds some. */
	ck_assert_msg(ru.ru_maxrss < 600 * 1024, "vigil status grew to %ld "
	    "KB", ru.ru_maxrss);

	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "status --json is not JSON: %s\n%s",
	    jerr.text, r.err);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "nodes")),
	    FLOOD_DECLARED);
	alert = find_in(doc, "alerts", "rule", "link-nodes");
	ck_assert_msg(alert != NULL, "no link-nodes alert in %s", r.out);
	text = (char *)json_string_value(json_object_get(alert, "text"));
	ck_assert_ptr_nonnull(strstr(text, url));
	ck_assert_ptr_nonnull(strstr(text, "more nodes than the 4 its hello "
	    "declared in link_nodes"));
	ck_assert_ptr_nonnull(strstr(text, "are ignored"));
	json_decref(doc);
	e2e_result_free(&r);
	free_all(frames, n);
	free(frames);
	free(url);
	free(path);
}
END_TEST

/*
 * Absurd numbers: a clock at the last millisecond of the year 9999 with
 * a certificate that ended at the epoch shows as expired; counters at
 * 2^63-1 are taken without overflow; a clock past 9999 and a time scale
 * of 1e308 are refused with sentences, which text status shows, for a
 * live node too.  Under make asan nothing aborts.
 */
START_TEST(test_absurd_numbers_are_refused_or_shown_as_they_are)
{
	char			*frames[5], *bad[1], *a, *b, *want, *path;
	struct e2e_result	 r;

	frames[0] = hello_frame("station/x1", ROLE_STATION, "st-1",
	    PROTO_TIME_MAX, PROTO_TIME_SCALE_MAX, 1);
	frames[1] = stats_frame("station/x1", ROLE_STATION, PROTO_TIME_MAX,
	    1000, INT64_MAX);
	frames[2] = stats_frame("station/x1", ROLE_STATION, PROTO_TIME_MAX,
	    2000, INT64_MAX);
	frames[3] = cert_frame("station/x1", PROTO_TIME_MAX, 0);
	frames[4] = cert_frame("station/x1", INT64_MAX, 0);
	a = rogue_url(frames, 5, 0, 500);	/* keeps x1 live */
	bad[0] = hello_frame("station/x2", ROLE_STATION, "st-1",
	    1700000000000LL, 1e308, 1);
	b = rogue_url(bad, 1, 0, 0);
	path = fleet_file(a, b, NULL);
	vigil_status(path, NULL, "3", RUN_MS, &r);

	ck_assert_msg(strstr(r.out, "cert expired") != NULL, "no expired "
	    "cert in:\n%s", r.out);
	want = xcalloc(1, 1024);
	snprintf(want, 1024, "station/x1 (live; backend %s): cert from "
	    "station/x1: field clock_ms is 9223372036854775807, past the year "
	    "9999", a);
	ck_assert_msg(strstr(r.out, want) != NULL, "no \"%s\" in:\n%s",
	    want, r.out);
	snprintf(want, 1024, "backend %s connected but no node said hello "
	    "within", b);
	ck_assert_msg(strstr(r.err, want) != NULL, "no \"%s\" in:\n%s",
	    want, r.err);
	ck_assert_msg(strstr(r.err, "hello from station/x2: field time_scale "
	    "is 1e+308, expected at most 10000 seconds of node clock per real "
	    "second") != NULL, "time_scale not refused:\n%s", r.err);
	free(want);
	e2e_result_free(&r);
	free_all(frames, 5);
	free_all(bad, 1);
	free(a);
	free(b);
	free(path);
}
END_TEST

/* A hello that is not UTF-8 is named as such, with its backend. */
START_TEST(test_hello_in_invalid_utf8_is_named)
{
	char			*frames[1], *url, *want, *path;
	struct e2e_result	 r;

	frames[0] = "{\"type\":\"hello\",\"node\":\"router/r\xff\","
	    "\"version\":1,\"role\":\"router\",\"group\":\"g\","
	    "\"build\":\"b\",\"clock_ms\":1,\"flags\":[]}";
	url = rogue_url(frames, 1, 0, 0);
	path = fleet_file(url, NULL);
	vigil_status(path, NULL, "2", RUN_MS, &r);
	want = xcalloc(1, 1024);
	snprintf(want, 1024, "backend %s connected but no node said hello "
	    "within", url);
	ck_assert_msg(strstr(r.err, want) != NULL, "no \"%s\" in:\n%s",
	    want, r.err);
	ck_assert_msg(strstr(r.err, "frame is not valid UTF-8") != NULL,
	    "invalid UTF-8 not named:\n%s", r.err);
	free(want);
	e2e_result_free(&r);
	free(url);
	free(path);
}
END_TEST

Suite *
rogue_suite(void)
{
	Suite	*s = suite_create("rogue");
	TCase	*tc = tcase_create("rogue");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_second_backend_cannot_take_over_a_node);
	tcase_add_test(tc, test_one_link_cannot_flood_the_console_with_nodes);
	tcase_add_test(tc,
	    test_absurd_numbers_are_refused_or_shown_as_they_are);
	tcase_add_test(tc, test_hello_in_invalid_utf8_is_named);
	suite_add_tcase(s, tc);
	return (s);
}
