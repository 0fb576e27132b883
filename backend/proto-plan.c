/*
 * proto-plan.c: the preflight of a rollback or a flag change (see
 * proto-plan.h), shared by the console, which shows it, and the backend,
 * which refuses what it refuses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-plan.h"
#include "proto.h"
#include "util.h"

/* A target's facts and its flags after the change. */
struct plan_view {
	const struct proto_hello	*hello;
	const struct proto_build	*builds;	/* installed */
	size_t				 nbuilds;
	struct proto_build		 single;	/* when none listed */
	const struct proto_build	*active;
	struct proto_flag		 after[PROTO_MAX_FLAGS];
	size_t				 nafter;
};

static void	 plan_problem(struct proto_plan *, const char *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static const struct proto_hello *plan_hello(const struct proto_hello *const *,
		    size_t, const char *);
static void	 plan_view(const struct proto_hello *, struct plan_view *);
static int	 plan_after(const struct proto_plan_request *,
		    struct plan_view *, struct proto_plan *,
		    struct proto_plan_target *);
static const char *plan_path(const struct proto_flag *, size_t,
		    const char *);
static void	 plan_paths(const struct plan_view *,
		    struct proto_plan_target *);
static int	 plan_retired(const struct proto_build *, const char *);
static void	 plan_check_retired(const struct proto_plan_request *,
		    const struct plan_view *, struct proto_plan *,
		    const struct proto_plan_target *);
static void	 plan_check_drift(const struct proto_plan_request *,
		    struct proto_plan *);
static void	 plan_role_builds(const struct proto_hello *const *, size_t,
		    struct proto_plan *);

/* Whether action is one a plan judges. */
int
proto_plan_applies(const char *action)
{
	return (strcmp(action, "rollback") == 0 ||
	    strcmp(action, "flag") == 0);
}

/* Read a request from cmd's action and args; see proto-plan.h. */
int
proto_plan_request_parse(const struct proto_command *cmd,
    struct proto_plan_request *req, char *why, size_t whylen)
{
	const struct proto_command_arg	*a;
	size_t				 i;
	char				*dst;
	size_t				 dstlen;

	memset(req, 0, sizeof *req);
	util_copy(req->action, sizeof req->action, cmd->action);
	for (i = 0; i < cmd->nargs; i++) {
		a = &cmd->args[i];
		if (strcmp(a->name, "to") == 0) {
			dst = req->to;
			dstlen = sizeof req->to;
		} else if (strcmp(a->name, "flag") == 0) {
			dst = req->flag;
			dstlen = sizeof req->flag;
		} else if (strcmp(a->name, "set") == 0) {
			dst = req->set;
			dstlen = sizeof req->set;
		} else if (strcmp(a->name, "override") == 0) {
			dst = req->override;
			dstlen = sizeof req->override;
		} else {
			util_format(why, whylen, "argument %s means nothing "
			    "to %s; it takes to, flag, set and override",
			    a->name, cmd->action);
			return (-1);
		}
		if (util_copy(dst, dstlen, a->value) != 0 ||
		    *a->value == '\0') {
			util_format(why, whylen, "argument %s of %s is empty "
			    "or longer than %zu characters; give it a value "
			    "that fits", a->name, cmd->action, dstlen - 1);
			return (-1);
		}
	}
	if (strcmp(cmd->action, "rollback") == 0) {
		if (req->to[0] == '\0' || req->flag[0] != '\0' ||
		    req->set[0] != '\0') {
			util_format(why, whylen, "rollback takes argument to, "
			    "the build to switch to, and not flag or set; "
			    "propose it with vigil propose rollback NODE... "
			    "--to BUILD");
			return (-1);
		}
		return (0);
	}
	if (strcmp(cmd->action, "flag") == 0) {
		if (req->flag[0] == '\0' || req->to[0] != '\0' ||
		    (strcmp(req->set, "on") != 0 &&
		    strcmp(req->set, "off") != 0)) {
			util_format(why, whylen, "flag takes arguments flag, "
			    "its name, and set, \"on\" or \"off\"; propose it "
			    "with vigil propose flag NODE... --set "
			    "NAME=on|off");
			return (-1);
		}
		return (0);
	}
	util_format(why, whylen, "%s is not a rollback or a flag change, so "
	    "it has no plan; plan only those", cmd->action);
	return (-1);
}

/* Write req's arguments into cmd, sorted by name as the document is. */
void
proto_plan_request_args(const struct proto_plan_request *req,
    struct proto_command *cmd)
{
	const char	*names[] = { "flag", "override", "set", "to" };
	const char	*values[] = { req->flag, req->override, req->set,
			    req->to };
	size_t		 i;

	cmd->nargs = 0;
	for (i = 0; i < nitems(names); i++) {
		if (values[i][0] == '\0' || cmd->nargs == PROTO_MAX_ARGS)
			continue;
		util_copy(cmd->args[cmd->nargs].name,
		    sizeof cmd->args[0].name, names[i]);
		util_copy(cmd->args[cmd->nargs].value,
		    sizeof cmd->args[0].value, values[i]);
		cmd->nargs++;
	}
}

/* Add a problem about node (or "") to the plan. */
static void
plan_problem(struct proto_plan *plan, const char *node, const char *fmt,
    ...)
{
	struct proto_plan_problem	*p;
	va_list				 ap;

	plan->safe = 0;
	if (plan->nproblems == PLAN_MAX_PROBLEMS)
		return;
	p = &plan->problems[plan->nproblems++];
	util_copy(p->node, sizeof p->node, node);
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof p->text, fmt, ap);
	va_end(ap);
}

/* The hello of node among n, or NULL. */
static const struct proto_hello *
plan_hello(const struct proto_hello *const *fleet, size_t n,
    const char *node)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (fleet[i] != NULL && strcmp(fleet[i]->node, node) == 0)
			return (fleet[i]);
	}
	return (NULL);
}

/* The build id among n builds, or NULL. */
const struct proto_build *
proto_plan_find(const struct proto_build *builds, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(builds[i].id, id) == 0)
			return (&builds[i]);
	}
	return (NULL);
}

/* The build id node holds, or NULL and why not. */
const struct proto_build *
proto_plan_held(const struct proto_build *builds, size_t n,
    const char *node, const char *id, char *cause, size_t causelen)
{
	const struct proto_build	*b;
	char				 held[PROTO_TEXT_MAX / 2];

	if ((b = proto_plan_find(builds, n, id)) != NULL)
		return (b);
	proto_plan_builds_text(builds, n, held, sizeof held);
	util_format(cause, causelen, "%s does not hold build %s: it holds "
	    "%s; install %s there first, or choose one of those", node, id,
	    held, id);
	return (NULL);
}

/* Copy builds into a node's table; see proto-plan.h. */
int
proto_plan_install(struct proto_holding *h,
    const struct proto_build *builds, size_t n, const char *node,
    char *cause, size_t causelen)
{
	if (n == 0 || n > PROTO_MAX_BUILDS ||
	    proto_plan_find(builds, n, h->build) == NULL) {
		util_format(cause, causelen, "%s must hold from 1 to %d "
		    "builds, its build %s among them", node,
		    PROTO_MAX_BUILDS, h->build);
		return (-1);
	}
	memcpy(h->builds, builds, n * sizeof *builds);
	h->nbuilds = n;
	return (0);
}

/* Switch h to its build id; see proto-plan.h. */
const struct proto_build *
proto_plan_activate(struct proto_holding *h, const char *node,
    const char *id, char *cause, size_t causelen)
{
	const struct proto_build	*to;

	if ((to = proto_plan_held(h->builds, h->nbuilds, node, id, cause,
	    causelen)) != NULL)
		util_copy(h->build, sizeof h->build, to->id);
	return (to);
}

/* A hello's builds from h; see proto-plan.h. */
void
proto_plan_hello(const struct proto_holding *h, struct proto_hello *hello)
{
	size_t	i;

	proto_hello_builds(hello, h->nbuilds);
	for (i = 0; i < h->nbuilds; i++) {
		hello->builds[i] = h->builds[i];
		hello->builds[i].active = strcmp(h->builds[i].id,
		    h->build) == 0;
	}
}

/* "a, b and c". */
void
proto_plan_builds_text(const struct proto_build *builds, size_t n,
    char *buf, size_t len)
{
	size_t	i, used;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s", i == 0 ? "" :
		    i + 1 == n ? " and " : ", ", builds[i].id);
	}
}

/* Fill one build from an id and flags' meanings. */
void
proto_plan_single(const char *id, const struct proto_flag *flags,
    size_t nflags, struct proto_build *build)
{
	size_t	i;

	memset(build, 0, sizeof *build);
	util_copy(build->id, sizeof build->id, id);
	build->active = 1;
	for (i = 0; i < nflags && i < PROTO_MAX_FLAGS; i++) {
		if (flags[i].path[0] == '\0')
			continue;
		util_copy(build->manifest[build->nmanifest].name,
		    sizeof build->manifest[0].name, flags[i].name);
		util_copy(build->manifest[build->nmanifest].path,
		    sizeof build->manifest[0].path, flags[i].path);
		build->nmanifest++;
	}
}

/* The flags after switching to build to, set as they were. */
void
proto_plan_switch(const struct proto_build *to,
    const struct proto_flag *before, size_t nbefore,
    struct proto_flag *after, size_t *nafter)
{
	size_t	i, j;

	*nafter = 0;
	for (i = 0; i < to->nmanifest && i < PROTO_MAX_FLAGS; i++) {
		memset(&after[i], 0, sizeof after[i]);
		util_copy(after[i].name, sizeof after[i].name,
		    to->manifest[i].name);
		util_copy(after[i].path, sizeof after[i].path,
		    to->manifest[i].path);
		for (j = 0; j < nbefore; j++) {
			if (strcmp(before[j].name, to->manifest[i].name) == 0)
				after[i].on = before[j].on;
		}
		(*nafter)++;
	}
}

/* What a node holds and runs, from its hello. */
static void
plan_view(const struct proto_hello *h, struct plan_view *v)
{
	memset(v, 0, sizeof *v);
	v->hello = h;
	if (h->nbuilds > 0) {
		v->builds = h->builds;
		v->nbuilds = h->nbuilds;
	} else {
		proto_plan_single(h->build, h->flags, h->nflags, &v->single);
		v->builds = &v->single;
		v->nbuilds = 1;
	}
	v->active = proto_plan_find(v->builds, v->nbuilds, h->build);
	if (v->active == NULL) {
		proto_plan_single(h->build, h->flags, h->nflags, &v->single);
		v->active = &v->single;
	}
}

/*
 * Work out the target's build and flags after req.  Returns 0, or -1
 * after adding the problem that makes it impossible.
 */
static int
plan_after(const struct proto_plan_request *req, struct plan_view *v,
    struct proto_plan *plan, struct proto_plan_target *t)
{
	const struct proto_hello	*h = v->hello;
	const struct proto_build	*to;
	char				 list[PROTO_TEXT_MAX / 2];
	char				 why[PROTO_TEXT_MAX];
	size_t				 i;
	int				 found = 0;

	if (strcmp(req->action, "rollback") == 0) {
		if ((to = proto_plan_held(v->builds, v->nbuilds, h->node,
		    req->to, why, sizeof why)) == NULL) {
			plan_problem(plan, h->node, "%s", why);
			return (-1);
		}
		util_copy(t->build_after, sizeof t->build_after, to->id);
		proto_plan_switch(to, h->flags, h->nflags, v->after,
		    &v->nafter);
		return (0);
	}
	if (h->role != ROLE_ROUTER) {
		plan_problem(plan, h->node, "%s is not a router, and only "
		    "routers have flags; leave it out of the flag change",
		    h->node);
		return (-1);
	}
	util_copy(t->build_after, sizeof t->build_after, h->build);
	proto_plan_switch(v->active, h->flags, h->nflags, v->after,
	    &v->nafter);
	list[0] = '\0';
	for (i = 0; i < v->nafter; i++) {
		if (strcmp(v->after[i].name, req->flag) == 0) {
			v->after[i].on = strcmp(req->set, "on") == 0;
			found = 1;
		}
		util_format(list + strlen(list), sizeof list - strlen(list),
		    "%s%s", i == 0 ? "" : ", ", v->after[i].name);
	}
	if (!found) {
		plan_problem(plan, h->node, "build %s on %s has no flag %s "
		    "in its manifest (its flags: %s); check the flag's name "
		    "with vigil status", h->build, h->node, req->flag,
		    list[0] != '\0' ? list : "none");
		return (-1);
	}
	return (0);
}

/* The code path flag name enables among flags, or "". */
static const char *
plan_path(const struct proto_flag *flags, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(flags[i].name, name) == 0 && flags[i].on)
			return (flags[i].path);
	}
	return ("");
}

/* List every flag enabled before or after, with its code both times. */
static void
plan_paths(const struct plan_view *v, struct proto_plan_target *t)
{
	const struct proto_hello	*h = v->hello;
	struct proto_plan_path		*p;
	const char			*name, *before, *after;
	size_t				 i, k;

	t->npaths = 0;
	for (i = 0; i < h->nflags + v->nafter; i++) {
		name = i < h->nflags ? h->flags[i].name :
		    v->after[i - h->nflags].name;
		before = plan_path(h->flags, h->nflags, name);
		after = plan_path(v->after, v->nafter, name);
		if (before[0] == '\0' && after[0] == '\0')
			continue;
		for (k = 0; k < t->npaths; k++) {
			if (strcmp(t->paths[k].flag, name) == 0)
				break;
		}
		if (k < t->npaths || t->npaths == PROTO_MAX_FLAGS)
			continue;
		p = &t->paths[t->npaths++];
		util_copy(p->flag, sizeof p->flag, name);
		util_copy(p->before, sizeof p->before, before);
		util_copy(p->after, sizeof p->after, after);
	}
}

/* Whether build retired code path path. */
static int
plan_retired(const struct proto_build *build, const char *path)
{
	size_t	i;

	for (i = 0; i < build->nretired; i++) {
		if (strcmp(build->retired[i].path, path) == 0)
			return (1);
	}
	return (0);
}

/*
 * Refuse a change that wakes code the target's current build retired,
 * unless the request names that code path as its override.
 */
static void
plan_check_retired(const struct proto_plan_request *req,
    const struct plan_view *v, struct proto_plan *plan,
    const struct proto_plan_target *t)
{
	const struct proto_plan_path	*p;
	char				 change[PROTO_TEXT_MAX / 2];
	size_t				 i;

	for (i = 0; i < t->npaths; i++) {
		p = &t->paths[i];
		if (p->after[0] == '\0' || strcmp(p->after, p->before) == 0 ||
		    !plan_retired(v->active, p->after) ||
		    strcmp(req->override, p->after) == 0)
			continue;
		if (strcmp(req->action, "rollback") == 0)
			util_format(change, sizeof change, "switching %s from "
			    "build %s to %s", t->node, t->build_before,
			    t->build_after);
		else
			util_format(change, sizeof change, "setting flag %s %s "
			    "on %s", req->flag, req->set, t->node);
		plan_problem(plan, t->node, "%s would make flag %s enable "
		    "code path %s, which build %s retired; turn %s off there "
		    "first, or, if that code must run, both operators sign an "
		    "override naming %s", change, p->flag, p->after,
		    v->active->id, p->flag, p->after);
	}
}

/*
 * Refuse a change that leaves one flag meaning different code on the
 * targets, unless the override names one of those code paths.
 */
static void
plan_check_drift(const struct proto_plan_request *req,
    struct proto_plan *plan)
{
	const struct proto_plan_path	*p, *q;
	const struct proto_plan_target	*a, *b;
	size_t				 i, j, k, m;

	for (i = 0; i < plan->ntargets; i++) {
		a = &plan->targets[i];
		for (k = 0; k < a->npaths; k++) {
			p = &a->paths[k];
			if (p->after[0] == '\0')
				continue;
			for (j = i + 1; j < plan->ntargets; j++) {
				b = &plan->targets[j];
				for (m = 0; m < b->npaths; m++) {
					q = &b->paths[m];
					if (strcmp(p->flag, q->flag) != 0 ||
					    q->after[0] == '\0' ||
					    strcmp(p->after, q->after) == 0 ||
					    strcmp(req->override,
					    p->after) == 0 ||
					    strcmp(req->override,
					    q->after) == 0)
						continue;
					plan_problem(plan, "", "flag %s would "
					    "enable code path %s on %s (build "
					    "%s) and %s on %s (build %s); one "
					    "flag must mean one code on the "
					    "targets: change them apart, or "
					    "both operators sign an override "
					    "naming the code path meant",
					    p->flag, p->after, a->node,
					    a->build_after, q->after, b->node,
					    b->build_after);
					return;
				}
			}
		}
	}
}

/* Whether the targets' role ends on more than one build, and which. */
static void
plan_role_builds(const struct proto_hello *const *fleet, size_t nfleet,
    struct proto_plan *plan)
{
	char		 ids[8][PROTO_NAME_MAX];
	size_t		 counts[8], nids = 0, i, k, used;
	const char	*build;
	enum proto_role	 role = ROLE_NONE;

	for (i = 0; i < nfleet && role == ROLE_NONE; i++) {
		if (fleet[i] != NULL && plan->ntargets > 0 &&
		    strcmp(fleet[i]->node, plan->targets[0].node) == 0)
			role = fleet[i]->role;
	}
	for (i = 0; i < nfleet; i++) {
		if (fleet[i] == NULL || fleet[i]->role != role)
			continue;
		build = fleet[i]->build;
		for (k = 0; k < plan->ntargets; k++) {
			if (strcmp(plan->targets[k].node,
			    fleet[i]->node) == 0 &&
			    plan->targets[k].build_after[0] != '\0')
				build = plan->targets[k].build_after;
		}
		for (k = 0; k < nids; k++) {
			if (strcmp(ids[k], build) == 0)
				break;
		}
		if (k == nids && nids < nitems(ids)) {
			util_copy(ids[nids], sizeof ids[0], build);
			counts[nids++] = 0;
		}
		if (k < nids)
			counts[k]++;
	}
	plan->mixed = nids > 1;
	plan->builds_after[0] = '\0';
	for (k = 0; k < nids; k++) {
		used = strlen(plan->builds_after);
		util_format(plan->builds_after + used,
		    sizeof plan->builds_after - used, "%s%s (%zu %s)",
		    k == 0 ? "" : ", ", ids[k], counts[k],
		    counts[k] == 1 ? "node" : "nodes");
	}
}

/* Make the plan of req on the targets; see proto-plan.h. */
int
proto_plan_make(const struct proto_plan_request *req,
    const char *const *targets, size_t ntargets,
    const struct proto_hello *const *fleet, size_t nfleet, int strict,
    struct proto_plan *plan)
{
	struct plan_view		*v;
	struct proto_plan_target	*t;
	const struct proto_hello	*h;
	size_t				 i;

	memset(plan, 0, sizeof *plan);
	plan->safe = 1;
	util_copy(plan->action, sizeof plan->action, req->action);
	util_copy(plan->to, sizeof plan->to, req->to);
	util_copy(plan->flag, sizeof plan->flag, req->flag);
	util_copy(plan->set, sizeof plan->set, req->set);
	util_copy(plan->override, sizeof plan->override, req->override);
	v = xcalloc(1, sizeof *v);
	for (i = 0; i < ntargets && i < PROTO_MAX_TARGETS; i++) {
		if ((h = plan_hello(fleet, nfleet, targets[i])) == NULL) {
			if (strict)
				plan_problem(plan, targets[i], "%s has not "
				    "said hello, so what it would run is "
				    "unknown; check the name with vigil "
				    "status", targets[i]);
			continue;
		}
		t = &plan->targets[plan->ntargets++];
		util_copy(t->node, sizeof t->node, h->node);
		util_copy(t->build_before, sizeof t->build_before, h->build);
		plan_view(h, v);
		if (plan_after(req, v, plan, t) != 0) {
			/* It cannot change: it would run what it runs. */
			memcpy(v->after, h->flags,
			    h->nflags * sizeof *h->flags);
			v->nafter = h->nflags;
			plan_paths(v, t);
			continue;
		}
		plan_paths(v, t);
		plan_check_retired(req, v, plan, t);
	}
	free(v);
	plan_check_drift(req, plan);
	plan_role_builds(fleet, nfleet, plan);
	return (plan->safe ? 0 : -1);
}

/* The problem to refuse node with, or NULL. */
const char *
proto_plan_problem(const struct proto_plan *plan, const char *node)
{
	size_t	i;

	if (plan->nproblems == 0)
		return (NULL);
	for (i = 0; i < plan->nproblems; i++) {
		if (strcmp(plan->problems[i].node, node) == 0)
			return (plan->problems[i].text);
	}
	return (plan->problems[0].text);
}
