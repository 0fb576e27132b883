/*
 * check_rules.c: every alert rule, raised on a faulty fleet and silent on
 * a healthy one, asserting the words an operator reads.
 *
 * A small world of routers (knight-like: eight in group nyse) and
 * stations (a capital holding the root and its neighbours) sends the
 * model hello, stats and cert messages once a simulated second, through
 * fleet_apply() and check_tick() with synthetic monotonic times; a test
 * breaks one thing and reads the alerts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fleet.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

#define T0	1000000		/* monotonic ms the world starts at */
#define CLOCK0	1343813400000LL	/* node clock: 2012-08-01 09:30:00 UTC */
#define WALL0	1700000000000LL
#define MAXN	64

#define ck_assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, \
	    "\"%s\"\n  does not say \"%s\"", (hay), (needle))

/* One simulated node and what it will report. */
struct tnode {
	char		id[PROTO_ID_MAX];
	enum proto_role	role;
	char		group[PROTO_NAME_MAX];
	char		build[PROTO_NAME_MAX];
	char		path[PROTO_NAME_MAX];	/* flag rlp, "" for none */
	int		on;
	size_t		link;
	int		silent;			/* sends nothing */

	double		child_per_s;		/* router */
	double		children;
	double		ratio;
	char		worst_parent[32];
	char		state[16];		/* "" for running */
	uint64_t	open_children;

	double		beats_per_s;		/* station */
	double		beats;
	uint64_t	devices;
	uint64_t	failed;
	int64_t		countdown_ms;
	int64_t		not_after_ms;		/* node clock */
	int64_t		renewal_ms;
	int		renewal_ok;
	char		renewal_error[PROTO_TEXT_MAX];
	int		holds_root;
	char		bl_peer[PROTO_ID_MAX];
	char		bl_by[PROTO_ID_MAX];
	char		bl_evidence[PROTO_TEXT_MAX];
};

struct world {
	struct fleet	f;
	struct tnode	n[MAXN];
	size_t		nn;
	int64_t		now, wall, clock;
	double		scale;			/* node clock s per real s */
	int		raised, updated, cleared;
	int		forget;			/* the checks keep nothing
						   between ticks */
};

static const char blacklist_error[] = "the root holder station/capital is "
    "blacklisted: it signed a malformed message.";
static const char evidence[] = "station/capital sent a validly signed "
    "message whose body was cut off after 37 of 112 bytes";

/* Count alert changes; node changes are the fleet suite's business. */
static void
world_note(void *arg, struct fleet *fleet, enum fleet_change what,
    const struct node *node, const struct alert *alert,
    enum alert_change change)
{
	struct world	*w = arg;

	(void)fleet;
	(void)node;
	(void)alert;
	if (what != FLEET_ALERT_CHANGED)
		return;
	if (change == ALERT_RAISED)
		w->raised++;
	else if (change == ALERT_UPDATED)
		w->updated++;
	else if (change == ALERT_CLEARED)
		w->cleared++;
}

/* An empty world at T0. */
static struct world *
world_new(void)
{
	struct world	*w = xcalloc(1, sizeof *w);

	fleet_init(&w->f, "test");
	w->f.notify = world_note;
	w->f.notify_arg = w;
	w->now = T0;
	w->wall = WALL0;
	w->clock = CLOCK0;
	w->scale = 1;
	return (w);
}

/* Free the world and its model. */
static void
world_free(struct world *w)
{
	fleet_free(&w->f);
	free(w);
}

/* Add a node with its own link (as vigild fleet gives each a port). */
static struct tnode *
world_add(struct world *w, const char *id, enum proto_role role)
{
	struct tnode	*t;
	char		 url[64];

	ck_assert_uint_lt(w->nn, MAXN);
	t = &w->n[w->nn++];
	memset(t, 0, sizeof *t);
	util_copy(t->id, sizeof t->id, id);
	t->role = role;
	util_format(url, sizeof url, "ws://127.0.0.1:%zu", 9000 + w->nn);
	t->link = fleet_add_link(&w->f, url);
	fleet_link_up(&w->f, t->link, w->now);
	return (t);
}

/* A healthy router of group nyse on the new build. */
static struct tnode *
world_router(struct world *w, const char *id)
{
	struct tnode	*t = world_add(w, id, ROLE_ROUTER);

	util_copy(t->group, sizeof t->group, "nyse");
	util_copy(t->build, sizeof t->build, "smars-2012.08.01");
	util_copy(t->path, sizeof t->path, "retail_liquidity");
	t->on = 1;
	t->child_per_s = 10;
	t->ratio = 0.6;
	util_copy(t->worst_parent, sizeof t->worst_parent, "P3");
	return (t);
}

/* A healthy station of group north, renewed half an hour ago. */
static struct tnode *
world_station(struct world *w, const char *id)
{
	struct tnode	*t = world_add(w, id, ROLE_STATION);

	util_copy(t->group, sizeof t->group, "north");
	util_copy(t->build, sizeof t->build, "stations-2024.1");
	t->beats_per_s = 1;
	t->devices = 60;
	t->countdown_ms = 150000;
	t->not_after_ms = CLOCK0 + 31 * 60000;
	t->renewal_ms = CLOCK0 - 30 * 60000;
	t->renewal_ok = 1;
	t->holds_root = strcmp(id, "station/capital") == 0;
	return (t);
}

/* The simulated node called id. */
static struct tnode *
world_node(struct world *w, const char *id)
{
	size_t	i;

	for (i = 0; i < w->nn; i++) {
		if (strcmp(w->n[i].id, id) == 0)
			return (&w->n[i]);
	}
	ck_abort_msg("no node %s in the world", id);
	return (NULL);
}

/* Send t's hello. */
static void
world_hello(struct world *w, const struct tnode *t)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	struct proto_hello	*h = &m->u.hello;

	m->type = MSG_HELLO;
	util_copy(h->node, sizeof h->node, t->id);
	h->role = t->role;
	util_copy(h->group, sizeof h->group, t->group);
	util_copy(h->build, sizeof h->build, t->build);
	h->version = 1;
	h->clock_ms = w->clock;
	h->time_scale = w->scale;
	h->link_nodes = 1;
	if (t->path[0] != '\0') {
		h->nflags = 1;
		util_copy(h->flags[0].name, sizeof h->flags[0].name, "rlp");
		util_copy(h->flags[0].path, sizeof h->flags[0].path, t->path);
		h->flags[0].on = t->on;
	}
	ck_assert_int_eq(fleet_apply(&w->f, t->link, m, w->now), 0);
	free(m);
}

/* Send t's stats (and a station's cert) as of now. */
static void
world_report(struct world *w, const struct tnode *t)
{
	struct proto_msg	*m = xcalloc(1, sizeof *m);
	struct proto_stats	*st = &m->u.stats;
	struct proto_cert	*c = &m->u.cert;
	struct proto_blacklist	 one, *bl = &one;

	m->type = MSG_STATS;
	util_copy(st->node, sizeof st->node, t->id);
	st->role = t->role;
	st->clock_ms = w->clock;
	st->uptime_ms = w->now - T0 + 60000;
	if (t->role == ROLE_ROUTER) {
		st->router.child_orders_total = (uint64_t)t->children;
		st->router.parents_total = (uint64_t)(t->children / 20);
		st->router.child_shares_total = (uint64_t)t->children * 100;
		st->router.worst_ratio = t->ratio;
		util_copy(st->router.worst_parent,
		    sizeof st->router.worst_parent, t->worst_parent);
		ck_assert_int_eq(proto_state_parse(t->state[0] != '\0' ?
		    t->state : "running", &st->router.state), 0);
		st->router.open_children = t->open_children;
	} else {
		st->station.heartbeats_total = (uint64_t)t->beats;
		st->station.devices = t->devices;
		st->station.devices_failed = t->failed;
		st->station.device_countdown_ms = t->countdown_ms;
		st->station.heartbeat_interval_ms = 60000;
		st->station.device_timeout_ms = 180000;
		if (t->bl_peer[0] != '\0') {
			memset(bl, 0, sizeof *bl);
			st->station.nblacklist = 1;
			st->station.blacklist = bl;
			util_copy(bl->peer, sizeof bl->peer, t->bl_peer);
			util_copy(bl->reported_by, sizeof bl->reported_by,
			    t->bl_by);
			util_copy(bl->evidence, sizeof bl->evidence,
			    t->bl_evidence);
			bl->since_ms = w->clock;
		}
	}
	ck_assert_int_eq(fleet_apply(&w->f, t->link, m, w->now), 0);
	if (t->role != ROLE_STATION) {
		free(m);
		return;
	}
	memset(m, 0, sizeof *m);
	m->type = MSG_CERT;
	util_copy(c->node, sizeof c->node, t->id);
	c->clock_ms = w->clock;
	util_format(c->subject, sizeof c->subject, "CN=%s", t->id);
	util_copy(c->serial, sizeof c->serial, "5e11a1");
	util_copy(c->issuer, sizeof c->issuer, "CN=root");
	c->not_before_ms = t->not_after_ms - 61 * 60000;
	c->not_after_ms = t->not_after_ms;
	util_copy(c->root_holder, sizeof c->root_holder, "station/capital");
	c->holds_root = t->holds_root;
	c->last_renewal_ms = t->renewal_ms;
	c->last_renewal_ok = t->renewal_ok;
	util_copy(c->last_renewal_error, sizeof c->last_renewal_error,
	    t->renewal_error);
	ck_assert_int_eq(fleet_apply(&w->f, t->link, m, w->now), 0);
	free(m);
}

/*
 * The timer at now: with forget set, the checks first drop what they
 * kept, so that every rule counts the whole fleet again, as before the
 * checks kept results between ticks.
 */
static void
world_tick(struct world *w)
{
	if (w->forget && w->f.checks != NULL) {
		w->f.checks_free(w->f.checks);
		w->f.checks = NULL;
	}
	check_tick(&w->f, w->now, w->wall);
}

/* Every node says hello and reports once, then the timer runs. */
static void
world_start(struct world *w)
{
	size_t	i;

	for (i = 0; i < w->nn; i++) {
		world_hello(w, &w->n[i]);
		world_report(w, &w->n[i]);
	}
	world_tick(w);
}

/* Let seconds pass: counters move, nodes report, the timer runs. */
static void
world_step(struct world *w, int seconds)
{
	struct tnode	*t;
	size_t		 i;

	while (seconds-- > 0) {
		w->now += 1000;
		w->wall += 1000;
		w->clock += 1000;
		for (i = 0; i < w->nn; i++) {
			t = &w->n[i];
			t->children += t->child_per_s;
			t->beats += t->beats_per_s;
			if (!t->silent)
				world_report(w, t);
		}
		world_tick(w);
	}
}

/* A healthy knight-like fleet and a country of stations, 35 s in. */
static struct world *
world_healthy(void)
{
	struct world	*w = world_new();
	char		 id[32];
	int		 i;

	for (i = 1; i <= 8; i++) {
		util_format(id, sizeof id, "router/r%d", i);
		world_router(w, id);
	}
	world_station(w, "station/capital");
	for (i = 1; i <= 4; i++) {
		util_format(id, sizeof id, "station/s%d", i);
		world_station(w, id);
	}
	world_start(w);
	world_step(w, 35);
	return (w);
}

/* The standing alert of rule, or NULL. */
static struct alert *
active(struct world *w, const char *rule)
{
	size_t	i;

	for (i = 0; i < w->f.alerts.n; i++) {
		if (w->f.alerts.v[i].active &&
		    strcmp(w->f.alerts.v[i].rule, rule) == 0)
			return (&w->f.alerts.v[i]);
	}
	return (NULL);
}

/* How many alerts of rule stand. */
static size_t
nactive(struct world *w, const char *rule)
{
	size_t	i, n = 0;

	for (i = 0; i < w->f.alerts.n; i++) {
		if (w->f.alerts.v[i].active &&
		    strcmp(w->f.alerts.v[i].rule, rule) == 0)
			n++;
	}
	return (n);
}

/* Append one more word to a long renewal error. */
static void
append_word(char *buf, size_t len)
{
	size_t	used = strlen(buf);

	util_format(buf + used, len - used, " word%zu", used);
}

/* Fail, naming it, if any alert stands. */
static void
assert_quiet(struct world *w)
{
	size_t	i;

	for (i = 0; i < w->f.alerts.n; i++) {
		ck_assert_msg(!w->f.alerts.v[i].active,
		    "healthy fleet raised %s: %s", w->f.alerts.v[i].rule,
		    w->f.alerts.v[i].text);
	}
}

/* The active alert of rule, failing when there is none. */
static struct alert *
must(struct world *w, const char *rule)
{
	struct alert	*a = active(w, rule);

	ck_assert_msg(a != NULL, "no %s alert was raised", rule);
	return (a);
}

/* Stations s1..s4 failed renewal at the hour because of the blacklist. */
static void
world_blacklist_cascade(struct world *w, size_t from, size_t to)
{
	struct tnode	*t;
	char		 id[32];
	size_t		 i;

	for (i = from; i <= to; i++) {
		util_format(id, sizeof id, "station/s%zu", i);
		t = world_node(w, id);
		t->renewal_ms = w->clock;
		t->renewal_ok = 0;
		util_copy(t->renewal_error, sizeof t->renewal_error,
		    blacklist_error);
		util_copy(t->bl_peer, sizeof t->bl_peer, "station/capital");
		util_copy(t->bl_by, sizeof t->bl_by, "station/s2");
		util_copy(t->bl_evidence, sizeof t->bl_evidence, evidence);
	}
}

START_TEST(healthy_fleet_raises_nothing)
{
	struct world	*w = world_healthy();
	size_t		 i;

	assert_quiet(w);
	ck_assert_int_eq(w->raised, 0);
	ck_assert_uint_eq(w->f.nnodes, 13);
	ck_assert_int_eq(fleet_ready(&w->f), 1);
	/* The table holds every rule the foundation names, with words. */
	ck_assert_uint_eq(check_nrules, 12);
	for (i = 0; i < check_nrules; i++)
		ck_assert(strlen(check_rules[i].summary) > 10);
	world_free(w);
}
END_TEST

START_TEST(build_drift_names_the_odd_router)
{
	struct world	*w = world_healthy();
	struct alert	*a;

	ck_assert_ptr_null(active(w, "build-drift"));
	util_copy(world_node(w, "router/r8")->build, PROTO_NAME_MAX,
	    "smars-2012.07.31-old");
	world_hello(w, world_node(w, "router/r8"));
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_uint_eq(a->nnodes, 1);
	ck_assert_str_eq(a->nodes[0], "router/r8");
	ck_assert_str_eq(a->text, "router/r8 runs build smars-2012.07.31-old; "
	    "the other 7 routers in group nyse run smars-2012.08.01");
	ck_assert_has(a->action, "Bring router/r8 to build smars-2012.08.01");
	ck_assert_int_eq(w->raised, 1);

	/* Deployed at last: the alert clears, and the watcher hears it. */
	util_copy(world_node(w, "router/r8")->build, PROTO_NAME_MAX,
	    "smars-2012.08.01");
	world_hello(w, world_node(w, "router/r8"));
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "build-drift"));
	ck_assert_int_eq(w->cleared, 1);
	world_free(w);
}
END_TEST

START_TEST(build_drift_lists_several_odd_routers)
{
	struct world	*w = world_healthy();
	struct alert	*a;

	util_copy(world_node(w, "router/r2")->build, PROTO_NAME_MAX,
	    "smars-2012.07.31-old");
	util_copy(world_node(w, "router/r8")->build, PROTO_NAME_MAX,
	    "smars-2012.07.30");
	world_hello(w, world_node(w, "router/r2"));
	world_hello(w, world_node(w, "router/r8"));
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_uint_eq(a->nnodes, 2);
	ck_assert_str_eq(a->text, "2 routers in group nyse do not run "
	    "smars-2012.08.01 like the other 6: router/r2 runs "
	    "smars-2012.07.31-old, router/r8 runs smars-2012.07.30");
	world_free(w);
}
END_TEST

START_TEST(flag_drift_on_is_critical)
{
	struct world	*w = world_healthy();
	struct tnode	*r8 = world_node(w, "router/r8");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "flag-drift"));
	util_copy(r8->path, sizeof r8->path, "power_peg");
	r8->on = 0;
	world_hello(w, r8);
	world_step(w, 1);
	a = must(w, "flag-drift");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_str_eq(a->nodes[0], "router/r8");
	ck_assert_has(a->text, "flag rlp means power_peg on router/r8 but "
	    "retail_liquidity on 7 other routers");
	ck_assert_has(a->action, "Keep flag rlp off");

	/* Switched on where it means the retired code: critical. */
	r8->on = 1;
	world_hello(w, r8);
	world_step(w, 1);
	a = must(w, "flag-drift");
	ck_assert_uint_eq(nactive(w, "flag-drift"), 1);
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_has(a->text, "it is on at router/r8");
	ck_assert_has(a->cause, "reused");
	ck_assert_has(a->action, "Halt router/r8");
	world_free(w);
}
END_TEST

/* Give router id build and send its hello. */
static void
world_build(struct world *w, const char *id, const char *build)
{
	struct tnode	*t = world_node(w, id);

	util_copy(t->build, sizeof t->build, build);
	world_hello(w, t);
}

START_TEST(build_drift_majority_moves_with_each_hello)
{
	struct world	*w = world_healthy();
	struct alert	*a;
	int		 i;
	char		 id[32];

	/* Four of eight move on: a tie goes to r1's build, seen first. */
	for (i = 1; i <= 4; i++) {
		util_format(id, sizeof id, "router/r%d", i);
		world_build(w, id, "smars-2012.08.02");
	}
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_str_eq(a->text, "4 routers in group nyse do not run "
	    "smars-2012.08.02 like the other 4: router/r5 runs "
	    "smars-2012.08.01, router/r6 runs smars-2012.08.01, router/r7 "
	    "runs smars-2012.08.01, router/r8 runs smars-2012.08.01");
	/* r1 goes back: the old build is the majority again. */
	world_build(w, "router/r1", "smars-2012.08.01");
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_uint_eq(nactive(w, "build-drift"), 1);
	ck_assert_str_eq(a->text, "3 routers in group nyse do not run "
	    "smars-2012.08.01 like the other 5: router/r2 runs "
	    "smars-2012.08.02, router/r3 runs smars-2012.08.02, router/r4 "
	    "runs smars-2012.08.02");
	/* And forward again, twice in one tick: the last hello counts. */
	world_build(w, "router/r1", "smars-2012.08.03");
	world_build(w, "router/r1", "smars-2012.08.02");
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_has(a->text, "4 routers in group nyse do not run "
	    "smars-2012.08.02 like the other 4: router/r5 runs");
	/* Unchanged hellos and quiet ticks keep it as it is. */
	i = w->raised;
	world_hello(w, world_node(w, "router/r5"));
	world_step(w, 3);
	ck_assert_int_eq(w->raised, i);
	ck_assert_ptr_eq(must(w, "build-drift"), a);
	/* All on one build: it clears. */
	for (i = 5; i <= 8; i++) {
		util_format(id, sizeof id, "router/r%d", i);
		world_build(w, id, "smars-2012.08.02");
	}
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "build-drift"));
	world_free(w);
}
END_TEST

START_TEST(build_drift_follows_a_node_leaving_its_group)
{
	struct world	*w = world_healthy();
	struct tnode	*r8 = world_node(w, "router/r8");
	struct alert	*a;

	world_build(w, "router/r7", "smars-2012.07.31-old");
	world_step(w, 1);
	ck_assert_str_eq(must(w, "build-drift")->text, "router/r7 runs "
	    "build smars-2012.07.31-old; the other 7 routers in group nyse "
	    "run smars-2012.08.01");
	/* r8 leaves nyse for a group of its own: nyse counts 7. */
	util_copy(r8->group, sizeof r8->group, "arca");
	world_hello(w, r8);
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_uint_eq(nactive(w, "build-drift"), 1);
	ck_assert_str_eq(a->code, "nyse");
	ck_assert_str_eq(a->text, "router/r7 runs build "
	    "smars-2012.07.31-old; the other 6 routers in group nyse run "
	    "smars-2012.08.01");
	/* In arca, r8 alone on another build drifts from nobody. */
	world_build(w, "router/r8", "smars-2012.07.31-old");
	world_step(w, 1);
	ck_assert_uint_eq(nactive(w, "build-drift"), 1);
	/* Back in nyse on r7's build: two of eight, one alert. */
	util_copy(r8->group, sizeof r8->group, "nyse");
	world_hello(w, r8);
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_uint_eq(nactive(w, "build-drift"), 1);
	ck_assert_str_eq(a->text, "2 routers in group nyse do not run "
	    "smars-2012.08.01 like the other 6: router/r7 runs "
	    "smars-2012.07.31-old, router/r8 runs smars-2012.07.31-old");
	world_free(w);
}
END_TEST

START_TEST(flag_drift_follows_flags_coming_and_going)
{
	struct world	*w = world_healthy();
	struct tnode	*r2 = world_node(w, "router/r2");
	struct tnode	*r3 = world_node(w, "router/r3");
	struct alert	*a;

	util_copy(r3->path, sizeof r3->path, "power_peg");
	r3->on = 0;
	world_hello(w, r3);
	world_step(w, 1);
	ck_assert_has(must(w, "flag-drift")->text, "flag rlp means power_peg "
	    "on router/r3 but retail_liquidity on 7 other routers");
	/* r2 drops the flag: seven hold it. */
	r2->path[0] = '\0';
	world_hello(w, r2);
	world_step(w, 1);
	ck_assert_has(must(w, "flag-drift")->text, "flag rlp means power_peg "
	    "on router/r3 but retail_liquidity on 6 other routers");
	/* r2 takes it back meaning power_peg, on: critical, both named. */
	util_copy(r2->path, sizeof r2->path, "power_peg");
	r2->on = 1;
	world_hello(w, r2);
	world_step(w, 1);
	a = must(w, "flag-drift");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_has(a->text, "flag rlp means power_peg on router/r2, "
	    "power_peg on router/r3 but retail_liquidity on 6 other routers; "
	    "it is on at router/r2");
	/* Both drop it: nothing left to drift. */
	r2->path[0] = r3->path[0] = '\0';
	world_hello(w, r2);
	world_hello(w, r3);
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "flag-drift"));
	world_free(w);
}
END_TEST

START_TEST(contained_drift_names_the_build_most_run_now)
{
	struct world	*w = world_healthy();
	struct tnode	*r8 = world_node(w, "router/r8");
	struct alert	*a;
	int		 i;
	char		 id[32];

	world_build(w, "router/r8", "smars-2012.07.31-old");
	util_copy(r8->state, sizeof r8->state, "killed");
	world_step(w, 1);
	a = must(w, "build-drift");
	ck_assert_has(a->text, "router/r8 is killed, so this is contained");
	ck_assert_has(a->action, "roll it forward to build smars-2012.08.01");
	/* Most routers move on, the rest are killed: the action follows
	   the build most routers run now. */
	for (i = 1; i <= 5; i++) {
		util_format(id, sizeof id, "router/r%d", i);
		world_build(w, id, "smars-2012.08.02");
	}
	for (i = 6; i <= 7; i++) {
		util_format(id, sizeof id, "router/r%d", i);
		util_copy(world_node(w, id)->state, sizeof r8->state,
		    "killed");
	}
	world_step(w, 1);
	ck_assert_has(must(w, "build-drift")->action, "roll them forward to "
	    "build smars-2012.08.02");
	/* Resumed (running again), it is no longer contained. */
	r8->state[0] = '\0';
	world_step(w, 1);
	ck_assert_ptr_null(strstr(must(w, "build-drift")->text,
	    "contained"));
	world_free(w);
}
END_TEST

START_TEST(rules_follow_a_node_changing_role)
{
	struct world	*w = world_healthy();
	struct tnode	*s9 = world_station(w, "station/s9");

	/* Known by its stats alone, it is a station whose devices fail. */
	s9->countdown_ms = 20000;
	world_report(w, s9);
	world_step(w, 1);
	ck_assert_has(must(w, "device-countdown")->text, "station/s9");
	/* Its hello says it is a router: no station rule speaks of it. */
	s9->role = ROLE_ROUTER;
	util_copy(s9->group, sizeof s9->group, "nyse");
	util_copy(s9->build, sizeof s9->build, "smars-2012.08.01");
	world_hello(w, s9);
	s9->silent = 1;
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "device-countdown"));
	/* A station again, and the rule finds it again. */
	s9->role = ROLE_STATION;
	world_hello(w, s9);
	world_report(w, s9);
	s9->silent = 0;
	world_step(w, 1);
	ck_assert_has(must(w, "device-countdown")->text, "station/s9");
	world_free(w);
}
END_TEST

START_TEST(runaway_names_router_parent_and_ratio)
{
	struct world	*w = world_healthy();
	struct tnode	*r8 = world_node(w, "router/r8");
	struct alert	*a;

	r8->ratio = 1.0;	/* exactly filled is fine */
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "runaway"));

	r8->ratio = 4.2;
	util_copy(r8->worst_parent, sizeof r8->worst_parent, "P17");
	world_step(w, 1);
	a = must(w, "runaway");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->nodes[0], "router/r8");
	ck_assert_str_eq(a->text, "router/r8 sent 4.2x the shares of parent "
	    "P17 as child orders");
	ck_assert_has(a->cause, "rlp (retail_liquidity)");
	ck_assert_has(a->action, "two-person kill command");
	world_free(w);
}
END_TEST

START_TEST(runaway_follows_the_kill_switch)
{
	struct world	*w = world_healthy();
	struct tnode	*r8 = world_node(w, "router/r8");
	struct alert	*a;

	r8->ratio = 79.0;
	util_copy(r8->worst_parent, sizeof r8->worst_parent, "P21");
	util_copy(r8->state, sizeof r8->state, "halting");
	r8->open_children = 12;
	world_step(w, 1);
	a = must(w, "runaway");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->text, "router/r8 sent 79.0x the shares of parent "
	    "P21 as child orders; it is halting, 12 child orders still open");
	ck_assert_has(a->action, "Wait for router/r8's open child orders");
	/* Killed, it sends nothing: no more "halt it now". */
	util_copy(r8->state, sizeof r8->state, "killed");
	r8->open_children = 0;
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "runaway"));
	world_free(w);
}
END_TEST

START_TEST(order_rate_against_peers)
{
	struct world	*w = world_healthy();
	struct tnode	*r3 = world_node(w, "router/r3");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "order-rate"));
	r3->child_per_s = 100;
	world_step(w, 6);
	a = must(w, "order-rate");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_str_eq(a->text, "router/r3 sends 100 child orders/s, 10x "
	    "its baseline of 10.0/s (the median of the other 7 live routers "
	    "in group nyse)");
	r3->child_per_s = 300;
	world_step(w, 6);
	a = must(w, "order-rate");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_has(a->text, "router/r3 sends 300 child orders/s, 30x");
	world_free(w);
}
END_TEST

/*
 * A router's baseline moves with its peers while it says nothing new:
 * the rule still sees it cross (baselines are kept by group and the
 * tick tells only the routers near the moving line, fleet-base.c).
 */
START_TEST(order_rate_follows_peers_falling)
{
	struct world	*w = world_healthy();
	struct tnode	*r3 = world_node(w, "router/r3");
	struct alert	*a;
	size_t		 i;

	r3->child_per_s = 40;
	world_step(w, 6);
	ck_assert_ptr_null(active(w, "order-rate"));
	r3->silent = 1;		/* its last rate, 40/s, stands */
	world_step(w, 4);
	ck_assert_ptr_null(active(w, "order-rate"));
	for (i = 0; i < w->nn; i++)
		if (w->n[i].role == ROLE_ROUTER && &w->n[i] != r3)
			w->n[i].child_per_s = 5;
	world_step(w, 8);
	a = must(w, "order-rate");
	ck_assert_str_eq(a->text, "router/r3 sends 40 child orders/s, 8x "
	    "its baseline of 5.0/s (the median of the other 7 live routers "
	    "in group nyse)");
	world_free(w);
}
END_TEST

START_TEST(order_rate_ignores_small_rates)
{
	struct world	*w = world_healthy();
	size_t		 i;

	for (i = 0; i < w->nn; i++)
		w->n[i].child_per_s = w->n[i].role == ROLE_ROUTER ? 1 : 0;
	world_node(w, "router/r3")->child_per_s = 15;
	world_step(w, 6);
	/* 15x its peers, but 15 a second is below the floor. */
	ck_assert_ptr_null(active(w, "order-rate"));
	world_free(w);
}
END_TEST

START_TEST(order_rate_alone_uses_own_history)
{
	struct world	*w = world_new();
	struct tnode	*r1 = world_router(w, "router/r1");
	struct alert	*a;

	util_copy(r1->group, sizeof r1->group, "solo");
	world_start(w);
	world_step(w, 40);
	ck_assert_ptr_null(active(w, "order-rate"));
	r1->child_per_s = 100;
	world_step(w, 6);
	a = must(w, "order-rate");
	ck_assert_has(a->text, "router/r1 sends 100 child orders/s");
	ck_assert_has(a->text, "its own average before the last 10s");
	world_free(w);
}
END_TEST

START_TEST(cert_expiring_then_expired)
{
	struct world	*w = world_healthy();
	struct tnode	*s3 = world_node(w, "station/s3");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "cert-expiring"));
	/* 40 s left is a station renewing late in its slot: no alarm. */
	s3->not_after_ms = w->clock + 1000 + 40000;
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "cert-expiring"));
	s3->not_after_ms = w->clock + 1000 + 20000;
	world_step(w, 1);
	a = must(w, "cert-expiring");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_str_eq(a->text, "the certificate of station/s3 expires in "
	    "20s");
	ck_assert_has(a->cause, "The renewal of station/s3 is overdue");
	ck_assert_has(a->cause, "it has not renewed since 09:00:00");
	ck_assert_has(a->action, "move-root");

	s3->not_after_ms = w->clock + 1000 - 130000;
	world_step(w, 1);
	a = must(w, "cert-expiring");
	ck_assert_uint_eq(nactive(w, "cert-expiring"), 1);
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->text, "the certificate of station/s3 expired "
	    "2m10s ago");
	ck_assert_has(a->cause, "cannot sign heartbeats");
	world_free(w);
}
END_TEST

START_TEST(renewal_failed_explains_blacklist_in_words)
{
	struct world	*w = world_healthy();
	struct alert	*a;

	ck_assert_ptr_null(active(w, "renewal-failed"));
	world_blacklist_cascade(w, 1, 4);
	world_step(w, 1);
	ck_assert_uint_eq(nactive(w, "renewal-failed"), 1);
	a = must(w, "renewal-failed");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_uint_eq(a->nodes_total, 4);
	ck_assert_str_eq(a->text, "4 stations could not renew their "
	    "certificates: station/s1, station/s2, station/s3 and "
	    "station/s4");
	ck_assert_has(a->cause, "failed: the root holder station/capital is "
	    "blacklisted: it signed a malformed message.");
	ck_assert_has(a->cause, "station/s1 has blacklisted the root holder "
	    "station/capital on evidence reported by station/s2: "
	    "station/capital sent a validly signed message whose body was "
	    "cut off after 37 of 112 bytes.");
	ck_assert_has(a->cause, "All 4 of these stations have blacklisted the "
	    "root holder station/capital.");
	ck_assert_has(a->action, "Move the root from station/capital to a "
	    "station nobody blacklists");
	/* The command the action names is the one vigil takes. */
	ck_assert_has(a->action, "vigil propose move-root station/capital "
	    "--to station/NAME --reason TEXT");

	/* One station alone is named with its attempt. */
	world_node(w, "station/s2")->renewal_ok = 1;
	world_node(w, "station/s3")->renewal_ok = 1;
	world_node(w, "station/s4")->renewal_ok = 1;
	world_step(w, 1);
	a = must(w, "renewal-failed");
	ck_assert_has(a->text, "station/s1 could not renew its certificate "
	    "(attempt at 09:30:35, node clock)");
	ck_assert_uint_eq(nactive(w, "renewal-failed"), 1);
	world_free(w);
}
END_TEST

START_TEST(many_stations_make_one_alert)
{
	struct world	*w = world_new();
	struct tnode	*t;
	struct alert	*a;
	char		 id[32];
	size_t		 i;

	world_station(w, "station/capital");
	for (i = 1; i <= 40; i++) {
		util_format(id, sizeof id, "station/s%zu", i);
		world_station(w, id);
	}
	world_start(w);
	world_step(w, 10);
	assert_quiet(w);
	world_blacklist_cascade(w, 1, 40);
	for (i = 1; i <= 40; i++) {
		util_format(id, sizeof id, "station/s%zu", i);
		t = world_node(w, id);
		t->countdown_ms = 47000;
	}
	world_step(w, 1);
	ck_assert_uint_eq(nactive(w, "renewal-failed"), 1);
	a = must(w, "renewal-failed");
	ck_assert_uint_eq(a->nnodes, ALERT_MAX_NODES);
	ck_assert_uint_eq(a->nodes_total, 40);
	ck_assert_has(a->text, "40 stations could not renew their "
	    "certificates: station/s1, station/s2");
	ck_assert_has(a->text, "and 34 more");
	ck_assert_has(a->cause, "All 40 of these stations have blacklisted "
	    "the root holder station/capital.");

	ck_assert_uint_eq(nactive(w, "device-countdown"), 1);
	a = must(w, "device-countdown");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_uint_eq(a->nodes_total, 40);
	ck_assert_has(a->text, "devices of 40 stations are running out of "
	    "heartbeats: the next fails in 47s");

	/* The root holder is blacklisted by every station but itself. */
	a = must(w, "root-unreachable");
	ck_assert_has(a->text, "blacklisted by 40 of the 40 stations "
	    "reporting");
	world_free(w);
}
END_TEST

START_TEST(root_unreachable_when_blacklisted_or_down)
{
	struct world	*w = world_healthy();
	struct alert	*a;

	ck_assert_ptr_null(active(w, "root-unreachable"));
	/* Two of four is not more than half. */
	world_blacklist_cascade(w, 1, 2);
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "root-unreachable"));
	world_blacklist_cascade(w, 3, 3);
	world_step(w, 1);
	a = must(w, "root-unreachable");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->nodes[0], "station/capital");
	ck_assert_str_eq(a->text, "the root holder station/capital is "
	    "blacklisted by 3 of the 4 stations reporting");
	ck_assert_has(a->cause, "station/s2 found the evidence: "
	    "station/capital sent a validly signed message");
	ck_assert_has(a->action, "move-root");

	/* Its backend goes away too. */
	world_node(w, "station/capital")->silent = 1;
	fleet_link_down(&w->f, world_node(w, "station/capital")->link,
	    "connection refused by 127.0.0.1:9009; retrying every 2s",
	    w->now);
	world_step(w, 1);
	a = must(w, "root-unreachable");
	ck_assert_has(a->text, "the root holder station/capital is down: "
	    "connection refused by 127.0.0.1:9009; retrying every 2s");
	ck_assert_has(a->text, "blacklisted by 3 of the 4");
	world_free(w);
}
END_TEST

/*
 * Each device is sent a heartbeat once a minute at its own time, so a
 * console's first two readings, close together, can hold none though
 * the station is well: the rule waits until its readings span the
 * rate's window (or enough expected heartbeats), then judges.  Before,
 * a fresh vigil status called a healthy station critical now and then.
 */
START_TEST(heartbeat_waits_for_readings_that_should_hold_beats)
{
	struct world	*w = world_new();
	struct alert	*a;
	int		 i;

	world_station(w, "station/capital");
	world_station(w, "station/s1");
	/* 60 devices need 1 heartbeat/s; none come. */
	world_node(w, "station/s1")->beats_per_s = 0;
	world_start(w);
	for (i = 1; i < 5; i++) {
		world_step(w, 1);
		ck_assert_msg(active(w, "heartbeat") == NULL, "heartbeat "
		    "judged on readings %d s apart, which should hold only %d "
		    "heartbeats", i, i);
	}
	world_step(w, 1);
	a = must(w, "heartbeat");
	ck_assert_has(a->text, "station/s1 sends 0.0 heartbeats/s");
	world_free(w);
}
END_TEST

START_TEST(heartbeat_collapse_says_why)
{
	struct world	*w = world_healthy();
	struct tnode	*s2 = world_node(w, "station/s2");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "heartbeat"));
	/* Overloaded with a valid certificate. */
	s2->devices = 600;
	s2->beats_per_s = 4;
	world_step(w, 6);
	a = must(w, "heartbeat");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->text, "station/s2 sends 4.0 heartbeats/s to its "
	    "devices, expected 10.0/s (600 devices, one heartbeat each every "
	    "1m00s)");
	ck_assert_has(a->cause, "still holds a valid certificate");

	/* Its certificate expired after renewal failed: that is why. */
	s2->beats_per_s = 0;
	s2->not_after_ms = w->clock - 60000;
	world_blacklist_cascade(w, 2, 2);
	world_step(w, 6);
	a = must(w, "heartbeat");
	ck_assert_has(a->text, "station/s2 sends 0.0 heartbeats/s");
	ck_assert_has(a->cause, "The certificate of station/s2 expired 1m06s "
	    "ago, so it cannot sign heartbeats.");
	ck_assert_has(a->cause, "station/s2 has blacklisted the root holder "
	    "station/capital");
	ck_assert_has(a->action, "move-root");
	world_free(w);
}
END_TEST

START_TEST(device_countdown_warns_then_fails)
{
	struct world	*w = world_healthy();
	struct tnode	*s3 = world_node(w, "station/s3");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "device-countdown"));
	s3->countdown_ms = 90000;
	world_step(w, 1);
	a = must(w, "device-countdown");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_str_eq(a->text, "devices of station/s3 fail in 1m30s");

	s3->countdown_ms = 47000;
	s3->not_after_ms = w->clock - 120000;
	world_blacklist_cascade(w, 3, 3);
	world_step(w, 1);
	a = must(w, "device-countdown");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->text, "devices of station/s3 fail in 47s");
	/* The same words as renewal-failed: why heartbeats stopped. */
	ck_assert_has(a->cause, "cannot sign heartbeats");
	ck_assert_has(a->cause, "failed: the root holder station/capital is "
	    "blacklisted");
	ck_assert_has(a->cause, "on evidence reported by station/s2");

	s3->failed = 12;
	s3->countdown_ms = -1;
	world_step(w, 1);
	a = must(w, "device-countdown");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->text, "12 devices of station/s3 have failed");
	ck_assert_uint_eq(nactive(w, "device-countdown"), 1);
	world_free(w);
}
END_TEST

START_TEST(countdown_is_not_run_down_between_reports)
{
	struct world	*w = world_new();
	struct tnode	*s1;

	w->scale = 60;
	world_station(w, "station/capital");
	s1 = world_station(w, "station/s1");
	s1->countdown_ms = 120000;	/* the least a healthy one reports */
	world_start(w);
	world_step(w, 5);
	/*
	 * 900 ms later the node clock has moved 54 s, but heartbeats keep
	 * resetting devices: no alarm until a report says so.
	 */
	check_tick(&w->f, w->now + 900, w->wall + 900);
	ck_assert_ptr_null(active(w, "device-countdown"));
	world_free(w);
}
END_TEST

START_TEST(cause_quotes_evidence_once_and_whole_words)
{
	struct world	*w = world_healthy();
	struct tnode	*s1 = world_node(w, "station/s1");
	struct alert	*a;
	const char	*p;
	char		 error[PROTO_TEXT_MAX];
	int		 times = 0;

	/* vigild's own sentence already names the evidence. */
	world_blacklist_cascade(w, 1, 1);
	util_format(s1->renewal_error, sizeof s1->renewal_error, "renewal "
	    "refused: station/s1 blacklisted station/capital at 09:30:06 on "
	    "evidence from station/s2: %s; it will not accept a certificate "
	    "signed by it", evidence);
	world_step(w, 1);
	a = must(w, "renewal-failed");
	for (p = a->cause; (p = strstr(p, evidence)) != NULL; p++)
		times++;
	ck_assert_msg(times == 1, "evidence told %d times: %s", times,
	    a->cause);

	/* A reason too long to quote whole is cut at a word. */
	memset(error, 'x', 8);
	error[8] = '\0';
	while (strlen(error) < sizeof error - 16)
		append_word(error, sizeof error);
	util_copy(s1->renewal_error, sizeof s1->renewal_error, error);
	s1->not_after_ms = w->clock - 10000;
	s1->beats_per_s = 0;
	world_step(w, 6);
	a = must(w, "heartbeat");
	ck_assert_has(a->cause, "The certificate of station/s1 expired");
	ck_assert_uint_lt(strlen(a->cause), PROTO_TEXT_MAX);
	ck_assert_msg(strcmp(a->cause + strlen(a->cause) - 4, " ...") != 0 &&
	    strcmp(a->cause + strlen(a->cause) - 3, "...") == 0,
	    "cause not cut at a word: %s", a->cause);
	world_free(w);
}
END_TEST

START_TEST(node_stale_then_live_again)
{
	struct world	*w = world_healthy();
	struct tnode	*r2 = world_node(w, "router/r2");
	struct alert	*a;

	ck_assert_ptr_null(active(w, "node-stale"));
	r2->silent = 1;
	world_step(w, 3);
	ck_assert_ptr_null(active(w, "node-stale"));
	world_step(w, 1);
	a = must(w, "node-stale");
	ck_assert_int_eq(a->severity, SEV_WARNING);
	ck_assert_has(a->text, "router/r2 has been silent for 4s");
	ck_assert_int_eq(fleet_find(&w->f, "router/r2")->state, NODE_STALE);
	r2->silent = 0;
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "node-stale"));
	ck_assert_int_eq(fleet_find(&w->f, "router/r2")->state, NODE_LIVE);
	world_free(w);
}
END_TEST

START_TEST(silent_nodes_go_stale_each_in_turn)
{
	struct world	*w = world_healthy();
	struct tnode	*r2 = world_node(w, "router/r2");
	struct tnode	*r5 = world_node(w, "router/r5");
	struct node	*n2 = fleet_find(&w->f, "router/r2");
	struct node	*n5 = fleet_find(&w->f, "router/r5");
	struct alert	*a;

	/* r5 falls silent a second before r2: each goes stale in turn. */
	r5->silent = 1;
	world_step(w, 1);
	r2->silent = 1;
	world_step(w, 2);
	ck_assert_int_eq(n5->state, NODE_LIVE);
	world_step(w, 1);
	ck_assert_int_eq(n5->state, NODE_STALE);
	ck_assert_int_eq(n2->state, NODE_LIVE);
	world_step(w, 1);
	ck_assert_int_eq(n2->state, NODE_STALE);
	ck_assert_uint_eq(nactive(w, "node-stale"), 2);
	/* r5 speaks again, then falls silent again: stale once more. */
	r5->silent = 0;
	world_step(w, 1);
	ck_assert_int_eq(n5->state, NODE_LIVE);
	r5->silent = 1;
	world_step(w, 3);
	ck_assert_int_eq(n5->state, NODE_LIVE);
	world_step(w, 1);
	ck_assert_int_eq(n5->state, NODE_STALE);
	/* r2 goes down with its link, then comes back live. */
	fleet_link_down(&w->f, r2->link, "connection reset", w->now);
	world_step(w, 1);
	ck_assert_int_eq(n2->state, NODE_DOWN);
	ck_assert_ptr_nonnull(must(w, "node-down"));
	fleet_link_up(&w->f, r2->link, w->now);
	r2->silent = 0;
	world_step(w, 1);
	ck_assert_int_eq(n2->state, NODE_LIVE);
	ck_assert_ptr_null(active(w, "node-down"));
	/* Silent again after coming back: stale, not down. */
	r2->silent = 1;
	world_step(w, 4);
	ck_assert_int_eq(n2->state, NODE_STALE);
	a = must(w, "node-stale");
	ck_assert_uint_eq(nactive(w, "node-stale"), 2);
	ck_assert_ptr_nonnull(a);
	/* A frame on a link that is down makes its node live, and the
	   next tick down again, as the link says. */
	fleet_link_down(&w->f, r2->link, "connection reset", w->now);
	world_report(w, r2);
	ck_assert_int_eq(n2->state, NODE_LIVE);
	check_tick(&w->f, w->now, w->wall);
	ck_assert_int_eq(n2->state, NODE_DOWN);
	/* A frame stamped earlier than the newest one: the silence is
	   still counted from when each node was last heard. */
	r5->silent = 0;
	w->now -= 500;
	world_report(w, r5);
	w->now += 500;
	check_tick(&w->f, w->now, w->wall);
	ck_assert_int_eq(n5->state, NODE_LIVE);
	r5->silent = 1;
	world_step(w, 3);
	ck_assert_int_eq(n5->state, NODE_STALE);
	world_free(w);
}
END_TEST

START_TEST(node_down_says_the_links_words)
{
	struct world	*w = world_healthy();
	struct tnode	*r3 = world_node(w, "router/r3");
	struct alert	*a;
	size_t		 never;
	int		 cleared;

	ck_assert_ptr_null(active(w, "node-down"));
	r3->silent = 1;
	fleet_link_down(&w->f, r3->link, "connection refused by "
	    "127.0.0.1:9003; retrying every 2s", w->now);
	world_step(w, 1);
	a = must(w, "node-down");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_str_eq(a->nodes[0], "router/r3");
	ck_assert_str_eq(a->text, "router/r3 is down: connection refused by "
	    "127.0.0.1:9003; retrying every 2s");
	ck_assert_has(a->action, "reconnecting");
	/* Down is not also stale, and a down router has no rate alert. */
	ck_assert_ptr_null(active(w, "node-stale"));

	cleared = w->cleared;
	fleet_link_up(&w->f, r3->link, w->now);
	r3->silent = 0;
	world_hello(w, r3);
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "node-down"));
	ck_assert_int_eq(w->cleared, cleared + 1);

	/* A backend never reached is named by its address. */
	never = fleet_add_link(&w->f, "ws://127.0.0.1:9999");
	fleet_link_down(&w->f, never, "connection refused by "
	    "127.0.0.1:9999; retrying every 2s", w->now);
	world_step(w, 1);
	a = must(w, "node-down");
	ck_assert_str_eq(a->nodes[0], "ws://127.0.0.1:9999");
	ck_assert_has(a->text, "the backend at ws://127.0.0.1:9999 cannot be "
	    "reached: connection refused");
	world_free(w);
}
END_TEST

/*
 * An outage: past ALERT_MAX_NODES nodes stale, then down, each is one
 * grouped alert counting them all, not an alert per node.
 */
START_TEST(outage_is_one_alert)
{
	struct world	*w = world_new();
	struct alert	*a;
	char		 id[32];
	size_t		 i;

	for (i = 1; i <= 20; i++) {
		util_format(id, sizeof id, "router/r%zu", i);
		world_router(w, id);
	}
	world_start(w);
	world_step(w, 35);
	for (i = 0; i < w->nn; i++)
		w->n[i].silent = 1;
	world_step(w, 4);
	ck_assert_int_eq(nactive(w, "node-stale"), 1);
	a = must(w, "node-stale");
	ck_assert_int_eq(a->grouped, 1);
	ck_assert_uint_eq(a->nodes_total, 20);
	ck_assert_has(a->text, "20 nodes have been silent for up to 4s");
	ck_assert_has(a->action, "starting with router/r1");
	for (i = 0; i < w->nn; i++)
		fleet_link_down(&w->f, w->n[i].link, "connection refused",
		    w->now);
	world_step(w, 1);
	ck_assert_ptr_null(active(w, "node-stale"));
	ck_assert_int_eq(nactive(w, "node-down"), 1);
	a = must(w, "node-down");
	ck_assert_int_eq(a->severity, SEV_CRITICAL);
	ck_assert_uint_eq(a->nodes_total, 20);
	ck_assert_has(a->text, "20 nodes are down");
	ck_assert_has(a->cause, "connection refused");
	world_free(w);
}
END_TEST

START_TEST(every_alert_is_in_sentences)
{
	struct world		*w = world_healthy();
	struct tnode		*r8 = world_node(w, "router/r8");
	const struct alert	*list[64];
	size_t			 i, n;

	util_copy(r8->build, sizeof r8->build, "smars-2012.07.31-old");
	util_copy(r8->path, sizeof r8->path, "power_peg");
	r8->ratio = 9.5;
	r8->child_per_s = 400;
	world_hello(w, r8);
	world_blacklist_cascade(w, 1, 4);
	world_node(w, "station/s4")->not_after_ms = w->clock - 1000;
	world_node(w, "station/s4")->beats_per_s = 0;
	world_node(w, "station/s4")->countdown_ms = 30000;
	world_node(w, "router/r1")->silent = 1;
	world_step(w, 6);
	n = alert_sorted(&w->f.alerts, list, 64, 1);
	ck_assert_uint_ge(n, 10);
	for (i = 0; i < n; i++) {
		ck_assert_msg(strlen(list[i]->text) > 15, "%s: short text %s",
		    list[i]->rule, list[i]->text);
		ck_assert_msg(strstr(list[i]->text, "0x0") == NULL,
		    "%s: a code in %s", list[i]->rule, list[i]->text);
		ck_assert_msg(list[i]->cause[strlen(list[i]->cause) - 1] ==
		    '.', "%s: cause is no sentence: %s", list[i]->rule,
		    list[i]->cause);
		ck_assert_msg(list[i]->action[strlen(list[i]->action) - 1] ==
		    '.', "%s: action is no sentence: %s", list[i]->rule,
		    list[i]->action);
		ck_assert_msg(list[i]->nnodes > 0, "%s names no node",
		    list[i]->rule);
		if (i > 0)
			ck_assert_int_ge(list[i - 1]->severity,
			    list[i]->severity);
	}
	world_free(w);
}
END_TEST

/*
 * A station's certificate is asked again when its node clock, running
 * on without a frame, brings it under CHECK_CERT_WARN_MS: the alert
 * comes at the first tick past that, at any time scale.
 */
START_TEST(cert_warns_at_its_time_without_a_frame)
{
	static const double	 scales[] = { 1, 10 };
	static const int64_t	 before[] = { 2400, 200 };
	static const int64_t	 after[] = { 2600, 300 };
	struct world		*w;
	struct tnode		*s1;
	struct alert		*a;
	size_t			 k;

	for (k = 0; k < nitems(scales); k++) {
		w = world_new();
		w->scale = scales[k];
		world_station(w, "station/capital");
		s1 = world_station(w, "station/s1");
		world_start(w);
		world_step(w, 2);
		/* 32.5 s left on its clock when it last reports. */
		s1->not_after_ms = w->clock + 1000 + 32500;
		world_step(w, 1);
		ck_assert_ptr_null(active(w, "cert-expiring"));
		s1->silent = 1;
		check_tick(&w->f, w->now + before[k], w->wall + before[k]);
		ck_assert_ptr_null(active(w, "cert-expiring"));
		check_tick(&w->f, w->now + after[k], w->wall + after[k]);
		a = must(w, "cert-expiring");
		ck_assert_str_eq(a->nodes[0], "station/s1");
		ck_assert_has(a->text, "the certificate of station/s1 expires "
		    "in 29s");
		world_free(w);
	}
}
END_TEST

/* Break many things in turn, the same in w at each call. */
static void
world_trouble(struct world *w, int phase)
{
	struct tnode	*r8 = world_node(w, "router/r8");
	struct tnode	*s4 = world_node(w, "station/s4");

	switch (phase) {
	case 0:
		util_copy(r8->build, sizeof r8->build, "smars-2012.07.31-old");
		util_copy(r8->path, sizeof r8->path, "power_peg");
		r8->ratio = 9.5;
		r8->child_per_s = 400;
		world_hello(w, r8);
		break;
	case 1:
		world_blacklist_cascade(w, 1, 3);
		s4->not_after_ms = w->clock + 25000;
		break;
	case 2:
		s4->beats_per_s = 0;
		s4->countdown_ms = 30000;
		world_node(w, "router/r1")->silent = 1;
		break;
	case 3:
		world_node(w, "router/r2")->silent = 1;
		fleet_link_down(&w->f, world_node(w, "router/r2")->link,
		    "connection reset", w->now);
		util_copy(r8->state, sizeof r8->state, "killed");
		break;
	case 4:
		world_node(w, "router/r1")->silent = 0;
		s4->failed = 12;
		s4->not_after_ms = w->clock - 5000;
		break;
	case 5:
		fleet_link_up(&w->f, world_node(w, "router/r2")->link, w->now);
		world_node(w, "router/r2")->silent = 0;
		world_hello(w, world_node(w, "router/r2"));
		s4->renewal_ok = 1;
		s4->failed = 0;
		s4->beats_per_s = 1;
		s4->countdown_ms = 150000;
		s4->not_after_ms = w->clock + 3600000;
		break;
	}
}

/*
 * The rules read only the nodes their sets hold (check-set.h): through
 * drift, a runaway, a kill, a blacklist, certificates expiring, silent
 * and cut-off nodes and their return, every tick's alerts are word for
 * word those of a count of the whole fleet from scratch.
 */
START_TEST(kept_sets_raise_what_a_full_count_raises)
{
	struct world		*w[2];
	const struct alert	*a, *b;
	int			 phase, k, step;
	size_t			 i, j;
	char			 id[32];

	for (k = 0; k < 2; k++) {
		w[k] = world_new();
		w[k]->forget = k;
		for (i = 1; i <= 8; i++) {
			util_format(id, sizeof id, "router/r%zu", i);
			world_router(w[k], id);
		}
		world_station(w[k], "station/capital");
		for (i = 1; i <= 4; i++) {
			util_format(id, sizeof id, "station/s%zu", i);
			world_station(w[k], id);
		}
		world_start(w[k]);
		world_step(w[k], 35);
	}
	for (phase = 0; phase < 6; phase++) {
		for (k = 0; k < 2; k++)
			world_trouble(w[k], phase);
		for (step = 0; step < 6; step++) {
			for (k = 0; k < 2; k++)
				world_step(w[k], 1);
			ck_assert_uint_eq(w[0]->f.alerts.n, w[1]->f.alerts.n);
			for (i = 0; i < w[0]->f.alerts.n; i++) {
				a = &w[0]->f.alerts.v[i];
				b = &w[1]->f.alerts.v[i];
				ck_assert_int_eq(a->active, b->active);
				ck_assert_str_eq(a->rule, b->rule);
				ck_assert_str_eq(a->text, b->text);
				ck_assert_str_eq(a->cause, b->cause);
				ck_assert_str_eq(a->action, b->action);
				ck_assert_int_eq(a->severity, b->severity);
				ck_assert_uint_eq(a->nnodes, b->nnodes);
				for (j = 0; j < a->nnodes &&
				    j < ALERT_MAX_NODES; j++)
					ck_assert_str_eq(a->nodes[j],
					    b->nodes[j]);
			}
		}
	}
	ck_assert_uint_ge(w[0]->f.alerts.n, 8);
	for (k = 0; k < 2; k++)
		world_free(w[k]);
}
END_TEST

Suite *
rules_suite(void)
{
	Suite	*s = suite_create("rules");
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, healthy_fleet_raises_nothing);
	tcase_add_test(tc, build_drift_names_the_odd_router);
	tcase_add_test(tc, build_drift_lists_several_odd_routers);
	tcase_add_test(tc, flag_drift_on_is_critical);
	tcase_add_test(tc, build_drift_majority_moves_with_each_hello);
	tcase_add_test(tc, build_drift_follows_a_node_leaving_its_group);
	tcase_add_test(tc, flag_drift_follows_flags_coming_and_going);
	tcase_add_test(tc, contained_drift_names_the_build_most_run_now);
	tcase_add_test(tc, rules_follow_a_node_changing_role);
	tcase_add_test(tc, runaway_names_router_parent_and_ratio);
	tcase_add_test(tc, runaway_follows_the_kill_switch);
	tcase_add_test(tc, order_rate_against_peers);
	tcase_add_test(tc, order_rate_follows_peers_falling);
	tcase_add_test(tc, order_rate_ignores_small_rates);
	tcase_add_test(tc, order_rate_alone_uses_own_history);
	tcase_add_test(tc, cert_expiring_then_expired);
	tcase_add_test(tc, renewal_failed_explains_blacklist_in_words);
	tcase_add_test(tc, many_stations_make_one_alert);
	tcase_add_test(tc, root_unreachable_when_blacklisted_or_down);
	tcase_add_test(tc, heartbeat_collapse_says_why);
	tcase_add_test(tc, heartbeat_waits_for_readings_that_should_hold_beats);
	tcase_add_test(tc, device_countdown_warns_then_fails);
	tcase_add_test(tc, countdown_is_not_run_down_between_reports);
	tcase_add_test(tc, cause_quotes_evidence_once_and_whole_words);
	tcase_add_test(tc, node_stale_then_live_again);
	tcase_add_test(tc, silent_nodes_go_stale_each_in_turn);
	tcase_add_test(tc, node_down_says_the_links_words);
	tcase_add_test(tc, outage_is_one_alert);
	tcase_add_test(tc, every_alert_is_in_sentences);
	tcase_add_test(tc, cert_warns_at_its_time_without_a_frame);
	tcase_add_test(tc, kept_sets_raise_what_a_full_count_raises);
	suite_add_tcase(s, tc);
	return (s);
}
