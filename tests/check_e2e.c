/*
 * check_e2e.c: end to end, real processes on 127.0.0.1: vigild serves
 * simulated fleets, vigil reports them, and the tests read what an
 * operator or a script would read.
 *
 * Ports are free ones vigild picks (--base-port 0, --listen 127.0.0.1:0)
 * and read back from the fleet files vigild writes.  Scenarios run fast
 * (--time-scale) from a chosen clock (--start) so that the incidents
 * happen within seconds.  Every wait is bounded; every process is killed
 * and reaped by e2e_cleanup() even when a test fails.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "e2e.h"
#include "proto.h"
#include "tests.h"

#define FLEET_START_MS	20000	/* vigild writing its fleet file */
#define RUN_MS		30000	/* one vigil status */
#define POLL_MS		45000	/* polling for an incident to unfold */

static char	*start_fleet(const char *, const char *, const char *,
		    pid_t *);
static json_t	*vigil_json(const char *const *, int *, char **);
static void	 status_args(const char **, const char *, const char *);
static json_t	*find_node(json_t *, const char *);
static json_t	*find_alert(json_t *, const char *, const char *);
static int	 json_has_string(json_t *, const char *);
static int	 text_has(json_t *, const char *, const char *);
static void	 watch_until(struct e2e_lines *, const char *, const char *,
		    const char *, const char *, int);
static void	 setup(void);
static void	 teardown(void);
static pid_t	 fake_backend_start(int *);
static void	 fake_backend_run(int) __attribute__((noreturn));
static int	 fake_callback(struct lws *, enum lws_callback_reasons,
		    void *, void *, size_t);
static void	 fake_tick(lws_sorted_usec_list_t *);
static void	 fake_piece(const char *, size_t, int);
static void	 fake_message(const struct proto_msg *, size_t);

/*
 * Start `vigild fleet --scenario S` with the given clock and scale and
 * wait for its fleet file.  Returns the file's path.
 */
static char *
start_fleet(const char *scenario, const char *start, const char *scale,
    pid_t *pidp)
{
	const char	*extra[5];
	int		 n = 0;

	if (start != NULL) {
		extra[n++] = "--start";
		extra[n++] = start;
	}
	if (scale != NULL) {
		extra[n++] = "--time-scale";
		extra[n++] = scale;
	}
	extra[n] = NULL;
	return (e2e_start_fleet(scenario, extra, pidp));
}

/*
 * Run vigil with args (NULL-terminated, without argv[0]) and parse its
 * standard output as one JSON document.  Sets *status and, if err is
 * not NULL, *err to what it said on standard error.
 */
static json_t *
vigil_json(const char *const *args, int *status, char **err)
{
	struct e2e_result	 r;
	char			*argv[32];
	json_t			*doc;
	json_error_t		 jerr;
	size_t			 i;

	argv[0] = e2e_bin("vigil");
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	free(argv[0]);
	ck_assert_msg(r.status != -1, "vigil %s did not finish within %d ms",
	    args[0], RUN_MS);
	*status = r.status;
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "vigil printed no JSON document (%s at "
	    "line %d); stdout: %.300s; stderr: %.500s", jerr.text, jerr.line,
	    r.out, r.err);
	if (err != NULL) {
		*err = r.err;
		r.err = NULL;
	}
	e2e_result_free(&r);
	return (doc);
}

/* The node with this id in a status document, or NULL. */
static json_t *
find_node(json_t *doc, const char *id)
{
	json_t	*node;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "nodes"), i, node) {
		if (strcmp(json_string_value(json_object_get(node, "id")) ?
		    json_string_value(json_object_get(node, "id")) : "",
		    id) == 0)
			return (node);
	}
	return (NULL);
}

/* The alert of rule about node (or any node, with NULL), or NULL. */
static json_t *
find_alert(json_t *doc, const char *rule, const char *node)
{
	json_t		*alert;
	const char	*r;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "alerts"), i, alert) {
		r = json_string_value(json_object_get(alert, "rule"));
		if (r == NULL || strcmp(r, rule) != 0)
			continue;
		if (node == NULL || json_has_string(json_object_get(alert,
		    "nodes"), node))
			return (alert);
	}
	return (NULL);
}

/* Does a JSON array hold this string? */
static int
json_has_string(json_t *array, const char *s)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(array, i, v) {
		if (json_string_value(v) != NULL &&
		    strcmp(json_string_value(v), s) == 0)
			return (1);
	}
	return (0);
}

/* Does the string field of obj contain needle? */
static int
text_has(json_t *obj, const char *field, const char *needle)
{
	const char	*s = json_string_value(json_object_get(obj, field));

	return (s != NULL && strstr(s, needle) != NULL);
}

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

/*
 * Both programs stop cleanly when told to, with consoles connected: exit
 * status 0 and nothing from a sanitizer on stderr (the teardown's SIGKILL
 * would hide a leak or a use-after-free on the way out).
 */
START_TEST(test_vigild_and_watch_stop_cleanly_on_sigterm)
{
	char		*fleet, *vigil = e2e_bin("vigil"), *err;
	char		*argv[8];
	struct e2e_lines *lines = malloc(sizeof *lines);
	char		 line[4096];
	pid_t		 vigild, watch;
	int64_t		 deadline;
	int		 fd, status;

	ck_assert_ptr_nonnull(lines);
	fleet = start_fleet("capital", "14:00:00", "20", &vigild);
	argv[0] = vigil;
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "watch";
	argv[4] = "--json";
	argv[5] = NULL;
	watch = e2e_spawn(argv, NULL, &fd);
	e2e_lines_init(lines, fd);
	ck_assert_msg(e2e_next_line(lines, line, sizeof line, 10000) == 1,
	    "watch printed nothing within 10 s; it said: %s",
	    e2e_stderr_of(watch));
	e2e_sleep_ms(1000);

	e2e_kill(vigild, SIGTERM);
	status = e2e_wait(vigild, 10000);
	err = e2e_stderr_of(vigild);
	ck_assert_msg(status == 0, "vigild exited %d on SIGTERM; it said: %s",
	    status, err);
	ck_assert_msg(strstr(err, "Sanitizer") == NULL &&
	    strstr(err, "runtime error") == NULL, "vigild: %s", err);
	free(err);

	/* Drain its pipe, or a full pipe would hold it in write(). */
	e2e_kill(watch, SIGTERM);
	deadline = e2e_now_ms() + 10000;
	while (e2e_now_ms() < deadline &&
	    e2e_next_line(lines, line, sizeof line, 200) != -1)
		;
	status = e2e_wait(watch, 10000);
	err = e2e_stderr_of(watch);
	ck_assert_msg(status == 0, "vigil watch exited %d on SIGTERM; it "
	    "said: %s", status, err);
	ck_assert_msg(strstr(err, "Sanitizer") == NULL &&
	    strstr(err, "runtime error") == NULL, "vigil watch: %s", err);
	free(err);
	free(lines);
	free(vigil);
	free(fleet);
}
END_TEST

/*
 * Knight Capital before the open: status names r8's old build and the
 * flag whose meaning differs, and a critical alert makes it exit 1.
 */
START_TEST(test_knight_status_names_old_build_and_flag_drift)
{
	char		*fleet, *err = NULL, *vigil;
	const char	*args[8];
	json_t		*doc, *r8, *drift, *flag;
	struct e2e_result r;
	char		*argv[8];
	int		 status;

	fleet = start_fleet("knight", "09:29:00", "10", NULL);
	status_args(args, fleet, "15");
	doc = vigil_json(args, &status, &err);

	ck_assert_int_eq(json_array_size(json_object_get(doc, "nodes")), 8);
	r8 = find_node(doc, "router/r8");
	ck_assert_msg(r8 != NULL, "status does not list router/r8");
	ck_assert_str_eq(json_string_value(json_object_get(r8, "build")),
	    "smars-2012.07.31-old");
	ck_assert_str_eq(json_string_value(json_object_get(r8, "state")),
	    "live");
	flag = json_array_get(json_object_get(r8, "flags"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(flag, "name")),
	    "rlp");
	ck_assert_str_eq(json_string_value(json_object_get(flag, "path")),
	    "power_peg");

	drift = find_alert(doc, "flag-drift", "router/r8");
	ck_assert_msg(drift != NULL, "no flag-drift alert names router/r8");
	ck_assert_msg(text_has(drift, "text", "rlp"), "the flag-drift alert "
	    "does not name flag rlp: %s",
	    json_string_value(json_object_get(drift, "text")));
	ck_assert_str_eq(json_string_value(json_object_get(drift,
	    "severity")), "critical");
	ck_assert_msg(text_has(drift, "cause", "") &&
	    text_has(drift, "action", ""), "flag-drift has no cause or "
	    "action");
	ck_assert_msg(status == 1, "status exited %d with a critical alert "
	    "standing, not 1; stderr: %s", status, err);
	json_decref(doc);
	free(err);

	/* The same, as a person reads it. */
	vigil = e2e_bin("vigil");
	argv[0] = vigil;
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "status";
	argv[4] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.out, "CRITICAL flag-drift router/r8: ") !=
	    NULL, "human status lacks the flag-drift line: %s", r.out);
	ck_assert_msg(strstr(r.out, "    cause: ") != NULL &&
	    strstr(r.out, "    action: ") != NULL, "human status lacks the "
	    "cause and action lines: %s", r.out);
	ck_assert_msg(strstr(r.out, "rlp=power_peg") != NULL, "human status "
	    "does not show r8's flag meaning: %s", r.out);
	e2e_result_free(&r);

	/* alerts --json: the alerts alone. */
	args[2] = "alerts";
	doc = vigil_json(args, &status, NULL);
	ck_assert_msg(json_object_get(doc, "nodes") == NULL, "alerts --json "
	    "printed nodes");
	ck_assert_msg(find_alert(doc, "flag-drift", "router/r8") != NULL,
	    "alerts --json lacks flag-drift on router/r8");
	ck_assert_int_eq(status, 1);
	json_decref(doc);
	free(vigil);
	free(fleet);
}
END_TEST

/*
 * Knight Capital after the open: r8's child shares pass its parents'
 * and status raises a critical runaway alert on router/r8.
 */
START_TEST(test_knight_runaway_on_r8_after_the_open)
{
	char		*fleet;
	const char	*args[8];
	json_t		*doc = NULL, *runaway = NULL;
	int64_t		 deadline;
	int		 status = -1;

	fleet = start_fleet("knight", "09:29:55", "10", NULL);
	status_args(args, fleet, "10");
	deadline = e2e_now_ms() + POLL_MS;
	while (e2e_now_ms() < deadline) {
		doc = vigil_json(args, &status, NULL);
		if ((runaway = find_alert(doc, "runaway", "router/r8")) != NULL)
			break;
		json_decref(doc);
		doc = NULL;
		e2e_sleep_ms(500);
	}
	ck_assert_msg(runaway != NULL, "no runaway alert on router/r8 within "
	    "%d ms of the open", POLL_MS);
	ck_assert_str_eq(json_string_value(json_object_get(runaway,
	    "severity")), "critical");
	ck_assert_msg(find_alert(doc, "runaway", "router/r1") == NULL,
	    "a router on the new build was called a runaway");
	ck_assert_int_eq(status, 1);
	json_decref(doc);
	free(fleet);
}
END_TEST

/*
 * The certificate cascade: renewals fail and device countdowns run, and
 * the alerts say in words that the stations blacklisted the capital.
 */
START_TEST(test_capital_renewal_and_countdown_explain_the_blacklist)
{
	char		*fleet;
	const char	*args[8];
	json_t		*doc = NULL, *renewal = NULL, *countdown = NULL;
	int64_t		 deadline;
	int		 status = -1;

	fleet = start_fleet("capital", "13:59:50", "20", NULL);
	status_args(args, fleet, "15");
	deadline = e2e_now_ms() + POLL_MS;
	while (e2e_now_ms() < deadline) {
		doc = vigil_json(args, &status, NULL);
		renewal = find_alert(doc, "renewal-failed", NULL);
		countdown = find_alert(doc, "device-countdown", NULL);
		if (renewal != NULL && countdown != NULL)
			break;
		json_decref(doc);
		doc = NULL;
		e2e_sleep_ms(500);
	}
	ck_assert_msg(renewal != NULL && countdown != NULL, "within %d ms "
	    "status showed %s renewal-failed and %s device-countdown alert",
	    POLL_MS, renewal != NULL ? "a" : "no", countdown != NULL ? "a" :
	    "no");
	ck_assert_msg((text_has(renewal, "text", "blacklist") ||
	    text_has(renewal, "cause", "blacklist")) &&
	    (text_has(renewal, "text", "station/capital") ||
	    text_has(renewal, "cause", "station/capital")),
	    "renewal-failed does not explain the blacklist of "
	    "station/capital: %s / %s",
	    json_string_value(json_object_get(renewal, "text")),
	    json_string_value(json_object_get(renewal, "cause")));
	ck_assert_msg((text_has(countdown, "text", "blacklist") ||
	    text_has(countdown, "cause", "blacklist")) &&
	    (text_has(countdown, "text", "station/capital") ||
	    text_has(countdown, "cause", "station/capital")),
	    "device-countdown does not explain the blacklist of "
	    "station/capital: %s / %s",
	    json_string_value(json_object_get(countdown, "text")),
	    json_string_value(json_object_get(countdown, "cause")));
	ck_assert_msg(text_has(renewal, "action", "move-root") ||
	    text_has(renewal, "action", "root"), "renewal-failed does not "
	    "say what to do about the root: %s",
	    json_string_value(json_object_get(renewal, "action")));
	ck_assert_int_eq(status, 1);
	json_decref(doc);
	free(fleet);
}
END_TEST

/* Fill args with `--fleet FILE status --json --wait S`, NULL-ended. */
static void
status_args(const char **args, const char *fleet, const char *wait)
{
	args[0] = "--fleet";
	args[1] = fleet;
	args[2] = "status";
	args[3] = "--json";
	args[4] = "--wait";
	args[5] = wait;
	args[6] = NULL;
}

/* A healthy fleet: every node live, no critical alert, exit 0. */
START_TEST(test_calm_fleet_is_all_live_and_exits_0)
{
	char		*fleet, *err = NULL;
	const char	*args[8];
	json_t		*doc, *node, *alert;
	size_t		 i;
	int		 status;

	fleet = start_fleet("calm", NULL, NULL, NULL);
	status_args(args, fleet, "15");
	doc = vigil_json(args, &status, &err);
	ck_assert_msg(json_array_size(json_object_get(doc, "nodes")) > 0,
	    "status listed no nodes");
	json_array_foreach(json_object_get(doc, "nodes"), i, node) {
		ck_assert_msg(strcmp(json_string_value(json_object_get(node,
		    "state")), "live") == 0, "%s is %s in a calm fleet",
		    json_string_value(json_object_get(node, "id")),
		    json_string_value(json_object_get(node, "state")));
	}
	json_array_foreach(json_object_get(doc, "alerts"), i, alert) {
		ck_assert_msg(strcmp(json_string_value(json_object_get(alert,
		    "severity")), "critical") != 0, "critical alert in a calm "
		    "fleet: %s %s", json_string_value(json_object_get(alert,
		    "rule")), json_string_value(json_object_get(alert,
		    "text")));
	}
	ck_assert_msg(status == 0, "status exited %d for a calm fleet; "
	    "stderr: %s", status, err);
	json_decref(doc);
	free(err);
	free(fleet);
}
END_TEST

/*
 * A calm fleet's stations as an operator reads them, from two status
 * reports a few seconds apart: every device alive, the shortest countdown
 * between two and three minutes (each device beats once a minute), and
 * one heartbeat a device a node minute between the reports; each router
 * with open parents names its worst.  A tick that visits only the devices
 * due must keep all of it.
 */
/*
 * A calm station's renewals reach a console as they happen: each cert
 * frame after the first carries a new certificate (a new serial, a later
 * renewal and expiry), and no frame repeats the last one.  vigild fills
 * a station's report only when its certificate, renewal or root holder
 * moved (sim_node_cert_changed), so a stale check would show here as a
 * renewal never sent, or a frame sent for nothing.  An hour in 3 s, so
 * station/s1 renews every 3 s.
 */
START_TEST(test_calm_renewals_reach_the_console_with_the_new_certificate)
{
	static const char *const extra[] = { "--routers", "1", "--stations",
	    "2", "--time-scale", "1200", NULL };
	struct proto_msg	*m = calloc(1, sizeof *m);
	struct proto_cert	 last;
	struct e2e_ws		*ws;
	char			*fleet, *url, *frame;
	size_t			 frames = 0, renewals = 0;
	int64_t			 deadline;

	ck_assert_ptr_nonnull(m);
	memset(&last, 0, sizeof last);
	fleet = e2e_start_fleet("calm", extra, NULL);
	url = e2e_fleet_url(fleet, "station/s1");
	ws = e2e_ws_open(url, FLEET_START_MS);
	deadline = e2e_now_ms() + POLL_MS;
	while (renewals < 2 && e2e_now_ms() < deadline) {
		if ((frame = e2e_ws_recv(ws, 500)) == NULL)
			continue;
		memset(m, 0, sizeof *m);
		if (proto_decode(frame, strlen(frame), m, NULL, 0) != 0 ||
		    m->type != MSG_CERT) {
			proto_msg_clear(m);
			free(frame);
			continue;
		}
		ck_assert_str_eq(m->u.cert.node, "station/s1");
		if (frames++ > 0) {
			ck_assert_msg(strcmp(m->u.cert.serial,
			    last.serial) != 0 || m->u.cert.last_renewal_ms !=
			    last.last_renewal_ms || strcmp(
			    m->u.cert.root_holder, last.root_holder) != 0 ||
			    m->u.cert.holds_root != last.holds_root,
			    "a cert frame repeats the last one: %s", frame);
			ck_assert_msg(strcmp(m->u.cert.serial,
			    last.serial) != 0, "a renewal at %lld came with "
			    "the old certificate %s", (long long)
			    m->u.cert.last_renewal_ms, last.serial);
			ck_assert_int_gt(m->u.cert.last_renewal_ms,
			    last.last_renewal_ms);
			ck_assert_int_gt(m->u.cert.not_after_ms,
			    last.not_after_ms);
			ck_assert_int_eq(m->u.cert.last_renewal_ok, 1);
			renewals++;
		}
		last = m->u.cert;
		proto_msg_clear(m);
		free(frame);
	}
	ck_assert_msg(renewals >= 2, "station/s1 sent %zu cert frames in %d "
	    "ms, %zu of them renewals; it renews every 3 s", frames, POLL_MS,
	    renewals);
	e2e_ws_close(ws);
	free(m);
	free(url);
	free(fleet);
}
END_TEST

START_TEST(test_calm_stations_beat_every_device_each_minute)
{
	const char	*args[8];
	char		*fleet;
	json_t		*doc[2], *node, *st;
	double		 beats[2][16], clock[2][16], minutes, want;
	size_t		 i, k, n = 0;
	int		 status;

	fleet = start_fleet("calm", NULL, NULL, NULL);
	status_args(args, fleet, "15");
	for (k = 0; k < 2; k++) {
		if (k == 1)
			sleep(3);
		doc[k] = vigil_json(args, &status, NULL);
		n = 0;
		json_array_foreach(json_object_get(doc[k], "nodes"), i, node) {
			if ((st = json_object_get(node, "station")) == NULL) {
				st = json_object_get(node, "router");
				ck_assert_msg(json_integer_value(
				    json_object_get(st, "open_parents")) == 0 ||
				    strncmp(json_string_value(json_object_get(
				    st, "worst_parent")), "P", 1) == 0,
				    "%s has open parents and names no worst",
				    json_string_value(json_object_get(node,
				    "id")));
				continue;
			}
			ck_assert_int_eq(json_integer_value(json_object_get(
			    st, "devices_failed")), 0);
			ck_assert_msg(json_integer_value(json_object_get(st,
			    "device_countdown_ms")) > 120000 &&
			    json_integer_value(json_object_get(st,
			    "device_countdown_ms")) <= 180000, "%s: shortest "
			    "countdown %lld ms", json_string_value(
			    json_object_get(node, "id")), json_integer_value(
			    json_object_get(st, "device_countdown_ms")));
			if (n == sizeof beats[k] / sizeof beats[k][0])
				continue;
			clock[k][n] = json_number_value(json_object_get(node,
			    "clock_ms"));
			beats[k][n++] = (double)json_integer_value(
			    json_object_get(st, "heartbeats_total")) /
			    (double)json_integer_value(json_object_get(st,
			    "devices"));
		}
	}
	ck_assert_msg(n > 0, "status listed no station");
	/* Reports come from ticks 12 node seconds apart: +-0.3 a device. */
	for (i = 0; i < n; i++) {
		minutes = (clock[1][i] - clock[0][i]) / 60000;
		ck_assert_msg(minutes >= 1, "the node clock moved %.2f "
		    "minutes", minutes);
		want = beats[0][i] + minutes;
		ck_assert_msg(beats[1][i] > want - 0.5 &&
		    beats[1][i] < want + 0.5, "station %zu: %.2f heartbeats "
		    "a device in %.2f node minutes", i, beats[1][i] -
		    beats[0][i], minutes);
	}
	json_decref(doc[0]);
	json_decref(doc[1]);
	free(fleet);
}
END_TEST

/*
 * Wait on watch --json output for a node event with node id in state,
 * or (with rule) an alert event of rule about id with change.  Fails
 * the test at the bound.
 */
static void
watch_until(struct e2e_lines *lines, const char *id, const char *state,
    const char *rule, const char *change, int timeout_ms)
{
	int64_t		 deadline = e2e_now_ms() + timeout_ms;
	static char	 line[256 * 1024];
	json_t		*ev, *obj;
	json_error_t	 jerr;
	const char	*event;
	int		 r, found = 0;

	while (!found) {
		r = e2e_next_line(lines, line, sizeof line,
		    (int)(deadline - e2e_now_ms()));
		ck_assert_msg(r == 1, "watch %s before %s %s%s%s%s", r == 0 ?
		    "said nothing more in time" : "ended", id,
		    state != NULL ? "was " : "got a ",
		    state != NULL ? state : change, state != NULL ? "" : " ",
		    state != NULL ? "" : rule);
		ev = json_loads(line, 0, &jerr);
		ck_assert_msg(ev != NULL, "watch --json printed a line that is "
		    "not JSON (%s): %.200s", jerr.text, line);
		event = json_string_value(json_object_get(ev, "event"));
		ck_assert_msg(event != NULL, "watch line without an event: "
		    "%.200s", line);
		if (state != NULL && strcmp(event, "node") == 0) {
			obj = json_object_get(ev, "node");
			found = strcmp(json_string_value(json_object_get(obj,
			    "id")), id) == 0 &&
			    strcmp(json_string_value(json_object_get(obj,
			    "state")), state) == 0;
		} else if (rule != NULL && strcmp(event, "alert") == 0) {
			obj = json_object_get(ev, "alert");
			found = strcmp(json_string_value(json_object_get(ev,
			    "change")), change) == 0 &&
			    strcmp(json_string_value(json_object_get(obj,
			    "rule")), rule) == 0 &&
			    json_has_string(json_object_get(obj, "nodes"), id);
		}
		json_decref(ev);
	}
}

/*
 * A backend killed with SIGKILL shows as down with a node-down alert;
 * restarted on the same port it is live again, without restarting vigil.
 */
START_TEST(test_killed_node_goes_down_and_returns_live)
{
	char		*vigild = e2e_bin("vigild"), *vigil = e2e_bin("vigil");
	char		*f1 = e2e_path("r1.url"), *f2 = e2e_path("r2.url");
	char		*fleet = e2e_path("fleet"), *u1, *u2, listen[64];
	char		*argv[16], *content;
	struct e2e_lines *lines;
	struct e2e_tls_two tls;
	FILE		*f;
	pid_t		 r1, r2, watch;
	int		 out, port = e2e_low_port();
	char		*p;

	/* r1 comes back on its port: one no connection can take meanwhile. */
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	argv[0] = vigild;
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = "r1";
	argv[6] = "--listen";
	argv[7] = listen;
	argv[8] = "--fleet-file";
	argv[9] = f1;
	/* One CA for both, so that r1 comes back with the same one. */
	e2e_tls_two(&tls);
	argv[10] = "--cert";
	argv[11] = tls.cert[0];
	argv[12] = "--key";
	argv[13] = tls.key[0];
	argv[14] = NULL;
	r1 = e2e_spawn(argv, NULL, NULL);
	argv[5] = "r2";
	argv[7] = "127.0.0.1:0";
	argv[9] = f2;
	argv[11] = tls.cert[1];
	argv[13] = tls.key[1];
	r2 = e2e_spawn(argv, NULL, NULL);
	(void)r2;
	ck_assert_msg(e2e_wait_file(f1, FLEET_START_MS) == 0 &&
	    e2e_wait_file(f2, FLEET_START_MS) == 0, "vigild node wrote no "
	    "fleet file in time");

	/* One fleet file of both nodes' URLs. */
	f = fopen(f1, "r");
	ck_assert(f != NULL);
	u1 = calloc(1, 4096);
	ck_assert(fread(u1, 1, 4095, f) > 0);
	fclose(f);
	f = fopen(f2, "r");
	ck_assert(f != NULL);
	u2 = calloc(1, 4096);
	ck_assert(fread(u2, 1, 4095, f) > 0);
	fclose(f);
	p = strstr(u1, "wss://127.0.0.1:");
	ck_assert_msg(p != NULL && atoi(p + strlen("wss://127.0.0.1:")) ==
	    port, "r1's fleet file does not name port %d: %s", port, u1);
	f = fopen(fleet, "w");
	ck_assert(f != NULL);
	fprintf(f, "# two routers\nca ca.pem\n%s\n%s\n", u1, u2);
	fclose(f);

	argv[0] = vigil;
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "watch";
	argv[4] = "--json";
	argv[5] = "--for";
	argv[6] = "60";
	argv[7] = NULL;
	watch = e2e_spawn(argv, NULL, &out);
	lines = calloc(1, sizeof *lines);
	ck_assert(lines != NULL);
	e2e_lines_init(lines, out);
	watch_until(lines, "router/r1", "live", NULL, NULL, 15000);

	e2e_kill(r1, SIGKILL);
	watch_until(lines, "router/r1", "down", NULL, NULL, 15000);
	watch_until(lines, "router/r1", NULL, "node-down", "raised", 15000);

	/* Back on the same port: the link's retry finds it. */
	argv[0] = vigild;
	argv[1] = "node";
	argv[2] = "--role";
	argv[3] = "router";
	argv[4] = "--id";
	argv[5] = "r1";
	argv[6] = "--listen";
	argv[7] = listen;
	argv[8] = "--cert";
	argv[9] = tls.cert[0];
	argv[10] = "--key";
	argv[11] = tls.key[0];
	argv[12] = "--fleet-file";
	argv[13] = f1;
	argv[14] = NULL;
	unlink(f1);
	r1 = e2e_spawn(argv, NULL, NULL);
	if (e2e_wait_file(f1, FLEET_START_MS) != 0) {
		content = e2e_stderr_of(r1);
		ck_abort_msg("r1 did not listen again on port %d: %s", port,
		    content);
	}
	watch_until(lines, "router/r1", "live", NULL, NULL, 20000);
	watch_until(lines, "router/r1", NULL, "node-down", "cleared", 15000);

	/* watch ends cleanly on SIGTERM. */
	kill(watch, SIGTERM);
	ck_assert_int_eq(e2e_wait(watch, 10000), 0);
	content = e2e_stderr_of(watch);
	ck_assert_msg(content[0] == '\0', "watch complained: %s", content);
	free(content);
	free(lines);
	free(u1);
	free(u2);
	free(fleet);
	free(f1);
	free(f2);
	free(vigild);
	free(vigil);
	e2e_tls_two_free(&tls);
}
END_TEST

/* A fleet file with a line that is not a URL: exit 2, line named. */
START_TEST(test_bad_fleet_file_exits_2_and_names_the_line)
{
	char			*fleet = e2e_path("bad-fleet"), *argv[8];
	struct e2e_result	 r;
	FILE			*f;

	f = fopen(fleet, "w");
	ck_assert(f != NULL);
	fprintf(f, "# two good, one bad\nws://127.0.0.1:9001/ # router/r1\n"
	    "\nws://127.0.0.1:9002/\nrouter-three:9003\n");
	fclose(f);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--fleet";
	argv[2] = fleet;
	argv[3] = "status";
	argv[4] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "line 5") != NULL && strstr(r.err,
	    "router-three:9003") != NULL && strstr(r.err, "ws://") != NULL,
	    "the error does not name line 5, the word and the form to use: "
	    "%s", r.err);
	ck_assert_msg(strncmp(r.err, "vigil: ", 7) == 0, "error not prefixed "
	    "vigil: %s", r.err);
	ck_assert_str_eq(r.out, "");
	e2e_result_free(&r);

	/* A file that is not there. */
	argv[2] = "/nonexistent/fleet";
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "/nonexistent/fleet") != NULL &&
	    strstr(r.err, "No such file") != NULL, "missing file not "
	    "explained: %s", r.err);
	e2e_result_free(&r);
	free(argv[0]);
	free(fleet);
}
END_TEST

/* A backend nobody listens on: exit 3 and a sentence saying so. */
START_TEST(test_unreachable_backend_exits_3_with_a_sentence)
{
	char			*argv[10], url[64];
	struct e2e_result	 r;
	json_t			*doc, *node;
	json_error_t		 jerr;

	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", e2e_dead_port());
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = url;
	argv[3] = "status";
	argv[4] = "--json";
	argv[5] = "--wait";
	argv[6] = "1";
	argv[7] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 3, "exit %d, not 3; stderr: %s", r.status,
	    r.err);
	ck_assert_msg(strstr(r.err, "vigil: could not reach backend") !=
	    NULL && strstr(r.err, url) != NULL && strstr(r.err, "refused") !=
	    NULL, "no sentence naming the backend and the refusal: %s",
	    r.err);
	/* The output still stands for the missing backend. */
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "no JSON on stdout: %s", r.out);
	node = find_node(doc, url);
	ck_assert_msg(node != NULL, "the unreachable backend is not listed");
	ck_assert_str_eq(json_string_value(json_object_get(node, "state")),
	    "down");
	json_decref(doc);
	e2e_result_free(&r);
	free(argv[0]);
}
END_TEST

/*
 * vigil --demo=knight starts its own vigild, reports it, and leaves no
 * directory behind.
 */
START_TEST(test_demo_knight_runs_end_to_end_and_cleans_up)
{
	char			*argv[12], *env[2], *tmpdir_env;
	struct e2e_result	 r;
	json_t			*doc, *r8;
	json_error_t		 jerr;
	char			*cmd;

	if (asprintf(&tmpdir_env, "TMPDIR=%s", e2e_dir()) == -1)
		ck_abort_msg("out of memory");
	env[0] = tmpdir_env;
	env[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--demo=knight";
	argv[2] = "status";
	argv[3] = "--json";
	argv[4] = "--demo-start";
	argv[5] = "09:29:58";
	argv[6] = "--demo-time-scale";
	argv[7] = "10";
	argv[8] = "--wait";
	argv[9] = "15";
	argv[10] = NULL;
	e2e_run(argv, env, RUN_MS, &r);
	ck_assert_msg(r.status == 1, "exit %d, not 1; stderr: %s", r.status,
	    r.err);
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "no JSON on stdout: %s; stderr: %s",
	    r.out, r.err);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "fleet")),
	    "demo:knight");
	r8 = find_node(doc, "router/r8");
	ck_assert_msg(r8 != NULL, "demo status does not list router/r8");
	ck_assert_str_eq(json_string_value(json_object_get(r8, "build")),
	    "smars-2012.07.31-old");
	ck_assert_msg(find_alert(doc, "flag-drift", "router/r8") != NULL,
	    "demo status lacks flag-drift on router/r8");
	json_decref(doc);
	e2e_result_free(&r);

	/* Its private directory is gone, so vigild was stopped first. */
	if (asprintf(&cmd, "ls -d %s/vigil-demo.* >/dev/null 2>&1",
	    e2e_dir()) == -1)
		ck_abort_msg("out of memory");
	ck_assert_msg(system(cmd) != 0, "vigil --demo left its directory in "
	    "%s", e2e_dir());
	free(cmd);
	free(tmpdir_env);
	free(argv[0]);
}
END_TEST

/* --demo without a runnable vigild: exit 3 and a sentence with why. */
START_TEST(test_demo_without_vigild_explains_why)
{
	char			*argv[4], *env[2];
	struct e2e_result	 r;

	env[0] = "VIGIL_VIGILD=/nonexistent/vigild";
	env[1] = NULL;
	argv[0] = e2e_bin("vigil");
	argv[1] = "--demo";
	argv[2] = "status";
	argv[3] = NULL;
	e2e_run(argv, env, RUN_MS, &r);
	ck_assert_int_eq(r.status, 3);
	ck_assert_msg(strstr(r.err, "vigil: the embedded fleet did not start")
	    != NULL && strstr(r.err, "/nonexistent/vigild") != NULL,
	    "no sentence naming the missing vigild: %s", r.err);
	e2e_result_free(&r);
	free(argv[0]);
}
END_TEST

/* Usage errors are sentences and exit 2. */
START_TEST(test_usage_errors_exit_2_with_a_sentence)
{
	char			*argv[6];
	struct e2e_result	 r;

	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = "ws://127.0.0.1:1/";
	argv[3] = "frobnicate";
	argv[4] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "vigil: unknown command \"frobnicate\"")
	    != NULL, "unknown command not explained: %s", r.err);
	e2e_result_free(&r);

	argv[1] = "status";
	argv[2] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "--fleet") != NULL && strstr(r.err,
	    "--demo") != NULL, "missing fleet not explained: %s", r.err);
	e2e_result_free(&r);

	argv[1] = "--help";
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "usage: vigil") != NULL &&
	    strstr(r.out, "knight") != NULL, "--help lacks usage or the "
	    "scenarios: %s", r.out);
	e2e_result_free(&r);
	free(argv[0]);
}
END_TEST

/*
 * A fake backend, run in a child process: a libwebsockets server that
 * sends two nodes' hellos over one websocket (one of them fragmented
 * into three frames), then a 600 KB message in fragments and a 540 KB one
 * whole, both over the protocol's limit, then stats for both nodes four
 * times a second.  It shows the console reassembling fragments, dropping
 * oversized messages without losing the link, and carrying several
 * nodes on one link.
 */
#define FAKE_PIECES	16
#define FAKE_NODES	2

struct fake_piece {
	char	*data;			/* LWS_PRE bytes, then the payload */
	size_t	 len;
	int	 flags;			/* lws_write protocol and flags */
};

static struct {
	struct lws_context	*context;
	struct lws		*wsi;
	struct fake_piece	 pieces[FAKE_PIECES];
	size_t			 npieces;
	size_t			 next;		/* piece to send */
	lws_sorted_usec_list_t	 sul;
	uint64_t		 seq;
	size_t			 stats_left;	/* nodes still to report */
	int64_t			 start_ms;
} fake;

static const struct lws_protocols fake_protocols[] = {
	{ PROTO_SUBPROTOCOL, fake_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Queue one websocket frame (or fragment) to send. */
static void
fake_piece(const char *data, size_t len, int flags)
{
	struct fake_piece	*p;

	if (fake.npieces == FAKE_PIECES)
		_exit(3);
	p = &fake.pieces[fake.npieces++];
	if ((p->data = malloc(LWS_PRE + len + 1)) == NULL)
		_exit(3);
	memcpy(p->data + LWS_PRE, data, len);
	p->len = len;
	p->flags = flags;
}

/* Queue a message split into n fragments (1: whole). */
static void
fake_message(const struct proto_msg *msg, size_t n)
{
	char	*json = proto_encode(msg);
	size_t	 len = strlen(json), i, at = 0, part;

	for (i = 0; i < n; i++) {
		part = i + 1 == n ? len - at : len / n;
		fake_piece(json + at, part, (i == 0 ? LWS_WRITE_TEXT :
		    LWS_WRITE_CONTINUATION) | (i + 1 < n ? LWS_WRITE_NO_FIN :
		    0));
		at += part;
	}
	free(json);
}

/* The fake backend's timer: stats are due. */
static void
fake_tick(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	fake.stats_left = FAKE_NODES;
	if (fake.wsi != NULL)
		lws_callback_on_writable(fake.wsi);
	lws_sul_schedule(fake.context, 0, &fake.sul, fake_tick,
	    250 * LWS_US_PER_MS);
}

/* The fake backend's websocket: send the script, then stats. */
static int
fake_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct fake_piece	*p;
	struct proto_msg	 m;
	char			*json, *buf;
	size_t			 n;
	int			 w;

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		fake.wsi = wsi;
		fake.next = 0;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLOSED:
		fake.wsi = NULL;
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (fake.next < fake.npieces) {
			p = &fake.pieces[fake.next++];
			if (lws_write(wsi, (unsigned char *)p->data + LWS_PRE,
			    p->len, (enum lws_write_protocol)p->flags) < 0)
				return (-1);
			lws_callback_on_writable(wsi);
			break;
		}
		if (fake.stats_left == 0)
			break;
		/* One node's stats per callback: one lws_write each. */
		memset(&m, 0, sizeof m);
		m.type = MSG_STATS;
		snprintf(m.u.stats.node, sizeof m.u.stats.node, "router/t%zu",
		    FAKE_NODES - fake.stats_left + 1);
		m.u.stats.role = ROLE_ROUTER;
		m.u.stats.uptime_ms = e2e_now_ms() - fake.start_ms;
		m.u.stats.clock_ms = 1700000000000LL + m.u.stats.uptime_ms;
		m.u.stats.seq = ++fake.seq;
		m.u.stats.router.state = STATE_RUNNING;
		json = proto_encode(&m);
		n = strlen(json);
		if ((buf = malloc(LWS_PRE + n)) == NULL)
			_exit(3);
		memcpy(buf + LWS_PRE, json, n);
		w = lws_write(wsi, (unsigned char *)buf + LWS_PRE, n,
		    LWS_WRITE_TEXT);
		free(buf);
		free(json);
		if (w < 0)
			return (-1);
		if (--fake.stats_left > 0)
			lws_callback_on_writable(wsi);
		break;
	default:
		break;
	}
	return (0);
}

/* In the child: serve until killed, telling the parent the port. */
static void
fake_backend_run(int portfd)
{
	struct lws_context_creation_info	 info;
	struct proto_msg			 m;
	char					*big;
	size_t					 i;
	int					 port;

	lws_set_log_level(0, NULL);
	fake.start_ms = e2e_now_ms();
	for (i = 0; i < FAKE_NODES; i++) {
		memset(&m, 0, sizeof m);
		m.type = MSG_HELLO;
		snprintf(m.u.hello.node, sizeof m.u.hello.node, "router/t%zu",
		    i + 1);
		m.u.hello.role = ROLE_ROUTER;
		snprintf(m.u.hello.group, sizeof m.u.hello.group, "test");
		snprintf(m.u.hello.build, sizeof m.u.hello.build, "build-1");
		m.u.hello.version = PROTO_VERSION;
		m.u.hello.clock_ms = 1700000000000LL;
		m.u.hello.time_scale = 1;
		m.u.hello.link_nodes = FAKE_NODES;
		m.u.hello.nflags = 1;
		snprintf(m.u.hello.flags[0].name,
		    sizeof m.u.hello.flags[0].name, "rlp");
		snprintf(m.u.hello.flags[0].path,
		    sizeof m.u.hello.flags[0].path, "retail_liquidity");
		fake_message(&m, i == 0 ? 3 : 1);
	}
	/* Over the limit: 600 KB in three fragments, then 540 KB whole. */
	if ((big = malloc(600000)) == NULL)
		_exit(3);
	memset(big, ' ', 600000);
	memcpy(big, "{\"type\":\"stats\",\"pad\":\"", 23);
	fake_piece(big, 200000, LWS_WRITE_TEXT | LWS_WRITE_NO_FIN);
	fake_piece(big, 200000, LWS_WRITE_CONTINUATION | LWS_WRITE_NO_FIN);
	fake_piece(big, 200000, LWS_WRITE_CONTINUATION);
	fake_piece(big, 540000, LWS_WRITE_TEXT);
	free(big);

	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = fake_protocols;
	info.gid = -1;
	info.uid = -1;
	if ((fake.context = lws_create_context(&info)) == NULL)
		_exit(4);
	port = lws_get_vhost_listen_port(lws_get_vhost_by_name(fake.context,
	    "default"));
	if (write(portfd, &port, sizeof port) != sizeof port)
		_exit(5);
	close(portfd);
	lws_sul_schedule(fake.context, 0, &fake.sul, fake_tick,
	    250 * LWS_US_PER_MS);
	for (;;)
		lws_service(fake.context, 0);
}

/* Start the fake backend; its port comes back in *port. */
static pid_t
fake_backend_start(int *port)
{
	int	 p[2];
	pid_t	 pid;

	ck_assert(pipe(p) == 0);
	if ((pid = e2e_fork()) == 0) {
		close(p[0]);
		fake_backend_run(p[1]);
	}
	close(p[1]);
	ck_assert_msg(read(p[0], port, sizeof *port) == sizeof *port,
	    "the fake backend did not start");
	close(p[0]);
	return (pid);
}

/*
 * Fragmented messages are put together, messages over the limit are
 * dropped with the reason recorded while the link stays up, and one
 * link carries two nodes.
 */
START_TEST(test_link_reassembles_fragments_and_survives_oversized_frames)
{
	char			*argv[10], url[64];
	struct e2e_result	 r;
	json_t			*doc, *t1, *t2;
	json_error_t		 jerr;
	int			 port;

	fake_backend_start(&port);
	snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
	/* Long enough for the script and several stats to arrive. */
	e2e_sleep_ms(200);
	argv[0] = e2e_bin("vigil");
	argv[1] = "--connect";
	argv[2] = url;
	argv[3] = "status";
	argv[4] = "--json";
	argv[5] = "--wait";
	argv[6] = "10";
	argv[7] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	doc = json_loads(r.out, 0, &jerr);
	ck_assert_msg(doc != NULL, "no JSON on stdout: %s; stderr: %s",
	    r.out, r.err);
	t1 = find_node(doc, "router/t1");
	t2 = find_node(doc, "router/t2");
	ck_assert_msg(t1 != NULL, "the node whose hello came in three "
	    "fragments is missing: %s", r.out);
	ck_assert_msg(t2 != NULL, "the second node on the link is missing");
	ck_assert_str_eq(json_string_value(json_object_get(t1, "build")),
	    "build-1");
	ck_assert_str_eq(json_string_value(json_object_get(t1, "state")),
	    "live");
	ck_assert_str_eq(json_string_value(json_object_get(t2, "state")),
	    "live");
	ck_assert_msg(json_is_object(json_object_get(t1, "router")),
	    "no stats arrived after the oversized messages");
	ck_assert_msg(text_has(t1, "error", "524288"), "the dropped oversized "
	    "message left no reason: %s", json_string_value(
	    json_object_get(t1, "error")));
	ck_assert_msg(r.status == 0, "exit %d for a reachable fleet without "
	    "alerts; stderr: %s", r.status, r.err);
	json_decref(doc);
	e2e_result_free(&r);
	free(argv[0]);
}
END_TEST

/* The end-to-end suite. */
Suite *
e2e_suite(void)
{
	Suite	*s = suite_create("e2e");
	TCase	*tc = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_knight_status_names_old_build_and_flag_drift);
	tcase_add_test(tc, test_knight_runaway_on_r8_after_the_open);
	tcase_add_test(tc,
	    test_capital_renewal_and_countdown_explain_the_blacklist);
	tcase_add_test(tc, test_calm_fleet_is_all_live_and_exits_0);
	tcase_add_test(tc, test_calm_stations_beat_every_device_each_minute);
	tcase_add_test(tc,
	    test_calm_renewals_reach_the_console_with_the_new_certificate);
	tcase_add_test(tc, test_killed_node_goes_down_and_returns_live);
	tcase_add_test(tc, test_bad_fleet_file_exits_2_and_names_the_line);
	tcase_add_test(tc, test_unreachable_backend_exits_3_with_a_sentence);
	tcase_add_test(tc, test_demo_knight_runs_end_to_end_and_cleans_up);
	tcase_add_test(tc, test_demo_without_vigild_explains_why);
	tcase_add_test(tc, test_usage_errors_exit_2_with_a_sentence);
	tcase_add_test(tc, test_vigild_and_watch_stop_cleanly_on_sigterm);
	tcase_add_test(tc,
	    test_link_reassembles_fragments_and_survives_oversized_frames);
	suite_add_tcase(s, tc);
	return (s);
}
