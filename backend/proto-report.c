/*
 * proto-report.c: the JSON reports vigil prints for scripts (status
 * --json, watch --json, alerts --json, pending --json), built from the
 * plain views the console fills (struct proto_report_*), with the wire
 * tables writing the parts a node sent.
 */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto-field.h"
#include "proto-plan.h"
#include "proto-report.h"
#include "util.h"

/* Whether status reports write nodes directly (tests compare both). */
static int	 proto_report_writer_on = 1;

static char	*proto_dump_report(json_t *);
static json_t	*proto_report_node_json(const struct proto_report_node *);
static json_t	*proto_report_alert_json(const struct proto_report_alert *);
static json_t	*proto_report_proposal_json(
		    const struct proto_report_proposal *);
static json_t	*proto_report_alerts_json(const struct proto_report_alert *,
		    size_t);
static void	 proto_set_rate(json_t *, const char *, double);
static json_t	*proto_report_names(const char *const *, size_t);
static json_t	*proto_report_object(void);
static json_t	*proto_report_answers(const struct proto_report_answer *,
		    size_t);
static int	 proto_report_dump_cb(const char *, size_t, void *);
static void	 proto_report_node_write(struct proto_out *,
		    const struct proto_report_node *);
static void	 proto_write_rate(struct proto_out *, const char *, double);
static void	 proto_write_text(struct proto_out *, const char *,
		    const char *);
static void	 proto_write_sub(struct proto_out *, const char *,
		    const struct proto_field *, size_t, const void *, int);
static void	 proto_write_hello(struct proto_out *,
		    const struct proto_hello *);
static void	 proto_report_append(struct proto_out *, json_t *,
		    size_t);
static int	 proto_report_dump_cb(const char *, size_t, void *);

/*
 * Print a report's compact JSON, all ASCII, and drop the value: JSON
 * escapes only C0 controls, and a report may go to a terminal, which
 * would act on a C1 control (U+0080 to U+009F) a backend sent.  DEL,
 * which jansson leaves raw even then, is escaped as well, as vigil(1)
 * promises for every control character.
 */
static char *
proto_dump_report(json_t *v)
{
	struct proto_out	 o;
	char			*s;

	s = proto_dump_flags(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (strchr(s, 0x7f) == NULL)
		return (s);
	memset(&o, 0, sizeof o);
	proto_report_dump_cb(s, strlen(s), &o);
	free(s);
	return (o.buf);
}

/*
 * A new report object, its first member the schema version, so that a
 * script can tell which vigil(1) describes what it reads.
 */
static json_t *
proto_report_object(void)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "schema", json_integer(PROTO_REPORT_SCHEMA));
	return (obj);
}

/* Set a rate per second, leaving it out while it is not known. */
static void
proto_set_rate(json_t *obj, const char *key, double rate)
{
	if (rate >= 0 && isfinite(rate))
		proto_set(obj, key, json_real(rate));
}

/*
 * Who watches a node, as its backend said:
 * {"consoles":N,"operators":["alice",..],"you":"alice"}.
 */
static json_t *
proto_report_watching(const struct proto_watching *w)
{
	json_t	*obj, *names;
	size_t	 i;

	if ((obj = json_object()) == NULL || (names = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set(obj, "consoles", json_integer(w->consoles));
	for (i = 0; i < w->noperators; i++) {
		if (json_array_append_new(names,
		    proto_string(w->operators[i].operator,
		    strlen(w->operators[i].operator))) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "operators", names);
	proto_set_string(obj, "you", w->you);
	return (obj);
}

/* One node of a report, in the form vigil(1) documents. */
static json_t *
proto_report_node_json(const struct proto_report_node *n)
{
	static const char *const hello_keys[] = {
		"role", "group", "build", "flags", "builds", "scenario",
		"time_scale", "transport_key",
	};
	const struct proto_hello	*hello = n->hello;
	const struct proto_stats	*stats = n->stats;
	json_t				*obj, *rates, *sub;
	size_t				 i;

	if ((obj = json_object()) == NULL || (rates = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "id", n->id);
	proto_set_string(obj, "url", n->url);
	proto_set_string(obj, "state", n->state);
	proto_set(obj, "age_ms", json_integer(n->age_ms));
	if (hello != NULL) {
		for (i = 0; i < nitems(hello_keys); i++)
			proto_encode_key(obj, proto_hello_fields,
			    proto_hello_nfields, hello_keys[i], hello);
	} else if (stats != NULL)
		proto_set_string(obj, "role", proto_role_name(stats->role));
	if (stats != NULL)
		proto_set(obj, "clock_ms", json_integer(stats->clock_ms));
	else if (hello != NULL)
		proto_set(obj, "clock_ms", json_integer(hello->clock_ms));

	proto_set_rate(rates, "parent", n->parent_rate);
	proto_set_rate(rates, "child", n->child_rate);
	proto_set_rate(rates, "child_shares", n->child_share_rate);
	proto_set_rate(rates, "child_baseline", n->child_rate_baseline);
	proto_set_rate(rates, "heartbeat", n->heartbeat_rate);
	proto_set_rate(rates, "heartbeat_expected",
	    n->heartbeat_rate_expected);
	proto_set(obj, "rates", rates);
	proto_set(obj, "counter_resets", proto_counter(n->counter_resets));
	if (n->watching != NULL)
		proto_set(obj, "watching", proto_report_watching(n->watching));

	if (stats != NULL && stats->role == ROLE_ROUTER) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_router_fields,
		    proto_router_nfields, &stats->router, 1);
		proto_set(obj, "router", sub);
	} else if (stats != NULL && stats->role == ROLE_STATION) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_station_fields,
		    proto_station_nfields, &stats->station, 1);
		proto_set(obj, "station", sub);
	}
	if (n->cert != NULL) {
		if ((sub = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(sub, proto_cert_fields,
		    proto_cert_nfields, n->cert, 0);
		proto_set(obj, "cert", sub);
		proto_set(obj, "cert_expires_in_ms",
		    json_integer(n->cert_expires_in_ms));
	}
	if (n->transport_fpr != NULL)
		proto_set_string(obj, "transport_key_fpr", n->transport_fpr);
	proto_set_string(obj, "error", n->error);
	return (obj);
}

/* A JSON array of the n names in v, leaving out any that is NULL. */
static json_t *
proto_report_names(const char *const *v, size_t n)
{
	json_t	*arr;
	size_t	 i;

	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < n; i++) {
		if (v[i] != NULL && json_array_append_new(arr,
		    proto_string(v[i], strlen(v[i]))) != 0)
			fatal("%s: out of memory", __func__);
	}
	return (arr);
}

/*
 * One alert of a report, in the form vigil(1) documents.  Written by
 * hand: its members are the console's borrowed pointers, not a wire
 * struct a table describes.
 */
static json_t *
proto_report_alert_json(const struct proto_report_alert *a)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "severity", proto_severity_name(a->severity));
	proto_set_string(obj, "rule", a->rule);
	proto_set(obj, "nodes", proto_report_names(a->nodes, a->nnodes));
	proto_set(obj, "nodes_total", proto_counter(a->nodes_total >
	    a->nnodes ? a->nodes_total : a->nnodes));
	proto_set_string(obj, "text", a->text);
	proto_set_string(obj, "cause", a->cause);
	proto_set_string(obj, "action", a->action);
	proto_set(obj, "first_seen_ms", json_integer(a->first_seen_ms));
	proto_set(obj, "last_seen_ms", json_integer(a->last_seen_ms));
	proto_set(obj, "count", proto_counter(a->count));
	proto_set(obj, "active", json_boolean(a->active));
	proto_set(obj, "acknowledged", json_boolean(a->acknowledged));
	if (a->incident == 0)
		return (obj);
	proto_set(obj, "incident", proto_counter(a->incident));
	proto_set(obj, "follows", a->follows != NULL ?
	    proto_string(a->follows, strlen(a->follows)) : json_null());
	proto_set(obj, "effects", proto_counter(a->effects));
	return (obj);
}

/* A JSON array of alerts. */
static json_t *
proto_report_alerts_json(const struct proto_report_alert *alerts,
    size_t nalerts)
{
	json_t	*arr;
	size_t	 i;

	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < nalerts; i++) {
		if (json_array_append_new(arr,
		    proto_report_alert_json(&alerts[i])) != 0)
			fatal("%s: out of memory", __func__);
	}
	return (arr);
}

/*
 * The writer's side of proto_report_node_json(): the same members in the
 * same order, as the bytes its compact ASCII dump gives, without a tree
 * (a tree and its dump were a quarter of a 20,000-node status --json).
 */

/* A member "key":"text", escaped as proto_set_string(); none for NULL. */
static void
proto_write_text(struct proto_out *o, const char *key, const char *text)
{
	if (text == NULL)
		return;
	proto_write_key(o, key);
	proto_write_string(o, text, strlen(text));
}

/* A rate as proto_set_rate() sets it: left out while not known. */
static void
proto_write_rate(struct proto_out *o, const char *key, double rate)
{
	if (rate >= 0 && isfinite(rate)) {
		proto_write_key(o, key);
		proto_write_real(o, rate);
	}
}

/* A member object of a table's fields, the node's id left out unless
 * with_self, as proto_encode_fields() fills one. */
static void
proto_write_sub(struct proto_out *o, const char *key,
    const struct proto_field *fields, size_t nfields, const void *base,
    int with_self)
{
	size_t	i;

	proto_write_key(o, key);
	proto_write_bytes(o, "{", 1);
	for (i = 0; i < nfields; i++) {
		if (with_self || !(fields[i].flags & FIELD_SELF))
			proto_write_field(o, &fields[i], base);
	}
	proto_write_bytes(o, "}", 1);
}

/* The hello's members a report shows, in proto_report_node_json()'s order. */
static void
proto_write_hello(struct proto_out *o, const struct proto_hello *hello)
{
	static const char *const keys[] = {
		"role", "group", "build", "flags", "builds", "scenario",
		"time_scale", "transport_key",
	};
	static const struct proto_field	*fields[nitems(keys)];
	size_t				 i, j;

	if (fields[0] == NULL) {
		for (i = 0; i < nitems(keys); i++) {
			for (j = 0; j < proto_hello_nfields; j++) {
				if (strcmp(proto_hello_fields[j].key,
				    keys[i]) == 0)
					fields[i] = &proto_hello_fields[j];
			}
			if (fields[i] == NULL)
				fatal("%s: no field %s", __func__, keys[i]);
		}
	}
	for (i = 0; i < nitems(keys); i++)
		proto_write_field(o, fields[i], hello);
}

/* One node of a report, as proto_report_node_json() and a dump give it. */
static void
proto_report_node_write(struct proto_out *o,
    const struct proto_report_node *n)
{
	const struct proto_stats	*stats = n->stats;
	const struct proto_watching	*w = n->watching;
	size_t				 i;

	proto_write_bytes(o, "{", 1);
	proto_write_text(o, "id", n->id);
	proto_write_text(o, "url", n->url);
	proto_write_text(o, "state", n->state);
	proto_write_key(o, "age_ms");
	proto_write_int(o, n->age_ms);
	if (n->hello != NULL)
		proto_write_hello(o, n->hello);
	else if (stats != NULL)
		proto_write_text(o, "role", proto_role_name(stats->role));
	if (stats != NULL || n->hello != NULL) {
		proto_write_key(o, "clock_ms");
		proto_write_int(o, stats != NULL ? stats->clock_ms :
		    n->hello->clock_ms);
	}
	proto_write_key(o, "rates");
	proto_write_bytes(o, "{", 1);
	proto_write_rate(o, "parent", n->parent_rate);
	proto_write_rate(o, "child", n->child_rate);
	proto_write_rate(o, "child_shares", n->child_share_rate);
	proto_write_rate(o, "child_baseline", n->child_rate_baseline);
	proto_write_rate(o, "heartbeat", n->heartbeat_rate);
	proto_write_rate(o, "heartbeat_expected", n->heartbeat_rate_expected);
	proto_write_bytes(o, "}", 1);
	proto_write_key(o, "counter_resets");
	proto_write_counter(o, n->counter_resets);
	if (w != NULL) {
		proto_write_key(o, "watching");
		proto_write_bytes(o, "{", 1);
		proto_write_key(o, "consoles");
		proto_write_int(o, w->consoles);
		proto_write_key(o, "operators");
		proto_write_bytes(o, "[", 1);
		for (i = 0; i < w->noperators; i++) {
			if (i > 0)
				proto_write_bytes(o, ",", 1);
			proto_write_string(o, w->operators[i].operator,
			    strlen(w->operators[i].operator));
		}
		proto_write_bytes(o, "]", 1);
		proto_write_text(o, "you", w->you);
		proto_write_bytes(o, "}", 1);
	}
	if (stats != NULL && stats->role == ROLE_ROUTER)
		proto_write_sub(o, "router", proto_router_fields,
		    proto_router_nfields, &stats->router, 1);
	else if (stats != NULL && stats->role == ROLE_STATION)
		proto_write_sub(o, "station", proto_station_fields,
		    proto_station_nfields, &stats->station, 1);
	if (n->cert != NULL) {
		proto_write_sub(o, "cert", proto_cert_fields,
		    proto_cert_nfields, n->cert, 0);
		proto_write_key(o, "cert_expires_in_ms");
		proto_write_int(o, n->cert_expires_in_ms);
	}
	proto_write_text(o, "transport_key_fpr", n->transport_fpr);
	proto_write_text(o, "error", n->error);
	proto_write_bytes(o, "}", 1);
}

/* Write status reports' nodes directly (1) or through jansson (0). */
void
proto_report_writer(int on)
{
	proto_report_writer_on = on;
}

/*
 * jansson's dump callback: append to the report being written in data,
 * with DEL escaped.  A raw DEL in JSON text can only be inside a string,
 * where \u007F means the same character.
 */
static int
proto_report_dump_cb(const char *text, size_t n, void *data)
{
	const char	*del;

	while ((del = memchr(text, 0x7f, n)) != NULL) {
		proto_write_bytes(data, text, (size_t)(del - text));
		proto_write_bytes(data, "\\u007F", 6);
		n -= (size_t)(del - text) + 1;
		text = del + 1;
	}
	proto_write_bytes(data, text, n);
	return (0);
}

/*
 * Append v's compact ASCII JSON, as proto_dump_report() prints it,
 * leaving out its last cut bytes, and drop the value.
 */
static void
proto_report_append(struct proto_out *o, json_t *v, size_t cut)
{
	if (json_dump_callback(v, proto_report_dump_cb, o, JSON_COMPACT |
	    JSON_ENSURE_ASCII) != 0)
		fatal("%s: out of memory", __func__);
	json_decref(v);
	o->len -= cut;
	o->buf[o->len] = '\0';
}

/*
 * The status document; see proto-report.h.  No fleet name when NULL.
 * Written node by node into one buffer, by the writer or else each
 * node's JSON dropped once it is printed: the same bytes as one tree of
 * the whole fleet, without holding 100,000 nodes' trees at once.
 */
char *
proto_report_status(const char *fleet, const struct proto_report_node *nodes,
    size_t nnodes, const struct proto_report_alert *alerts, size_t nalerts)
{
	struct proto_out	 o;
	json_t			*obj;
	const char		*holder = "";
	size_t			 i;

	memset(&o, 0, sizeof o);
	o.ascii = 1;
	obj = proto_report_object();
	proto_set_string(obj, "fleet", fleet);
	for (i = 0; i < nnodes; i++) {
		if (nodes[i].cert != NULL && nodes[i].cert->holds_root &&
		    holder[0] == '\0')
			holder = nodes[i].id;
	}
	if (holder[0] != '\0')
		proto_set_string(obj, "root_holder", holder);
	proto_report_append(&o, obj, 1);		/* its closing brace */
	proto_write_raw(&o, ",\"nodes\":[");
	for (i = 0; i < nnodes; i++) {
		if (i > 0)
			proto_write_bytes(&o, ",", 1);
		if (proto_report_writer_on)
			proto_report_node_write(&o, &nodes[i]);
		else
			proto_report_append(&o,
			    proto_report_node_json(&nodes[i]), 0);
	}
	proto_write_raw(&o, "],\"alerts\":");
	proto_report_append(&o, proto_report_alerts_json(alerts, nalerts), 0);
	proto_write_bytes(&o, "}", 1);
	return (o.buf);
}

/* {"alerts":[...]}; see proto-report.h. */
char *
proto_report_alerts(const struct proto_report_alert *alerts, size_t nalerts)
{
	json_t	*obj;

	obj = proto_report_object();
	proto_set(obj, "alerts", proto_report_alerts_json(alerts, nalerts));
	return (proto_dump_report(obj));
}

/* One watch line about a node; see proto-report.h. */
char *
proto_report_node_event(int64_t time_ms, const struct proto_report_node *node,
    const char *const *changes, size_t nchanges)
{
	json_t	*obj;

	obj = proto_report_object();
	proto_set(obj, "event", json_string("node"));
	proto_set(obj, "time", json_integer(time_ms));
	proto_set(obj, "changes", proto_report_names(changes, nchanges));
	proto_set(obj, "node", proto_report_node_json(node));
	return (proto_dump_report(obj));
}

/* One watch line about an alert; see proto-report.h. */
char *
proto_report_alert_event(int64_t time_ms, const char *change,
    const char *const *changes, size_t nchanges,
    const struct proto_report_alert *alert)
{
	json_t	*obj;

	obj = proto_report_object();
	proto_set(obj, "event", json_string("alert"));
	proto_set_string(obj, "change", change);
	proto_set(obj, "time", json_integer(time_ms));
	if (nchanges > 0)
		proto_set(obj, "changes", proto_report_names(changes,
		    nchanges));
	proto_set(obj, "alert", proto_report_alert_json(alert));
	return (proto_dump_report(obj));
}

/*
 * One pending proposal for vigil pending --json (see proto-report.h).  What the
 * document says is written by the document's own table, so the report
 * shows each field exactly as the signed text has it.
 */
static json_t *
proto_report_proposal_json(const struct proto_report_proposal *p)
{
	static const char *const cmd_keys[] = {
		"action", "targets", "args", "reason", "proposer", "created_ms",
	};
	const struct proto_command	*cmd = p->cmd;
	json_t				*obj, *arr;
	size_t				 i;

	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_set_string(obj, "id", p->id);
	for (i = 0; cmd != NULL && i < nitems(cmd_keys); i++)
		proto_encode_key(obj, proto_command_fields,
		    proto_command_nfields, cmd_keys[i], cmd);
	proto_set(obj, "expires_ms", json_integer(p->expires_ms));
	proto_set(obj, "expires_in_ms", json_integer(p->expires_in_ms));
	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < p->nsigs; i++) {
		if (json_array_append_new(arr, proto_string(
		    p->sigs[i].operator, strlen(p->sigs[i].operator))) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "signers", arr);
	proto_set_string(obj, "status", proto_status_name(p->status));
	proto_set(obj, "nodes", proto_report_names(p->nodes, p->nnodes));
	proto_set_string(obj, "document", p->document);
	proto_set_string(obj, "problem", p->problem);
	return (obj);
}

/* {"proposals":[...]}: vigil pending --json; see proto-report.h. */
char *
proto_report_proposals(const struct proto_report_proposal *v, size_t n)
{
	json_t	*obj, *arr;
	size_t	 i;

	obj = proto_report_object();
	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < n; i++) {
		if (json_array_append_new(arr,
		    proto_report_proposal_json(&v[i])) != 0)
			fatal("%s: out of memory", __func__);
	}
	proto_set(obj, "proposals", arr);
	return (proto_dump_report(obj));
}

/* A plan, as vigil plan --json prints it (proto-plan.h). */
static const struct proto_field proto_plan_path_fields[] = {
	P_STR(struct proto_plan_path, flag, FIELD_NONEMPTY),
	P_STR(struct proto_plan_path, before, 0),
	P_STR(struct proto_plan_path, after, 0),
};

static const struct proto_field proto_plan_target_fields[] = {
	P_STR(struct proto_plan_target, node, FIELD_NONEMPTY|FIELD_ID),
	P_STR(struct proto_plan_target, build_before, FIELD_NONEMPTY),
	P_STR(struct proto_plan_target, build_after, 0),
	P_ARRAY(struct proto_plan_target, paths, npaths,
	    proto_plan_path_fields, PROTO_MAX_FLAGS),
};

static const struct proto_field proto_plan_problem_fields[] = {
	P_STR(struct proto_plan_problem, node, 0),
	P_STR(struct proto_plan_problem, text, FIELD_NONEMPTY),
};

static const char *const proto_plan_words[] = { "rollback", "flag", NULL };
static const char *const proto_plan_set_words[] = { "on", "off", NULL };

static const struct proto_field proto_plan_fields[] = {
	P_WORDS(struct proto_plan, action, FIELD_NONEMPTY, proto_plan_words),
	P_STR(struct proto_plan, to, 0),
	P_STR(struct proto_plan, flag, 0),
	P_WORDS(struct proto_plan, set, 0, proto_plan_set_words),
	P_STR(struct proto_plan, override, 0),
	P_NUM(struct proto_plan, safe, KIND_BOOL, 0, 0, 0),
	P_NUM(struct proto_plan, mixed, KIND_BOOL, 0, 0, 0),
	P_STR(struct proto_plan, builds_after, 0),
	P_ARRAY(struct proto_plan, targets, ntargets,
	    proto_plan_target_fields, PROTO_MAX_TARGETS),
	P_ARRAY(struct proto_plan, problems, nproblems,
	    proto_plan_problem_fields, PLAN_MAX_PROBLEMS),
};

/*
 * The plan as one JSON object, keys in byte order, with the report's
 * schema version; see proto-plan.h.
 */
char *
proto_plan_encode(const struct proto_plan *plan)
{
	json_t	*obj;

	obj = proto_report_object();
	proto_encode_fields(obj, proto_plan_fields,
	    nitems(proto_plan_fields), plan, 1);
	return (proto_dump_sorted(obj));
}

/* A JSON array of what each target answered. */
static json_t *
proto_report_answers(const struct proto_report_answer *v, size_t n)
{
	json_t	*arr, *obj;
	size_t	 i;

	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < n; i++) {
		if ((obj = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_set_string(obj, "node", v[i].node);
		proto_set_string(obj, "outcome", v[i].outcome);
		proto_set_string(obj, "text", v[i].text);
		if (json_array_append_new(arr, obj) != 0)
			fatal("%s: out of memory", __func__);
	}
	return (arr);
}

/*
 * What propose, approve, cancel or fire --json print; see
 * proto-report.h.  The document's fields are written by its own table,
 * as for pending.
 */
char *
proto_report_command(const struct proto_report_command *c)
{
	static const char *const cmd_keys[] = {
		"action", "targets", "args", "reason", "proposer", "created_ms",
		"expires_ms",
	};
	json_t	*obj;
	size_t	 i;

	obj = proto_report_object();
	proto_set_string(obj, "verb", c->verb);
	proto_set_string(obj, "id", c->id);
	for (i = 0; c->cmd != NULL && i < nitems(cmd_keys); i++)
		proto_encode_key(obj, proto_command_fields,
		    proto_command_nfields, cmd_keys[i], c->cmd);
	proto_set(obj, "answers", proto_report_answers(c->answers,
	    c->nanswers));
	proto_set_string(obj, "approve_with", c->approve_with);
	return (proto_dump_report(obj));
}

/* Read a plan back; see proto-plan.h. */
int
proto_plan_decode(const char *text, size_t len, struct proto_plan *plan,
    char *cause, size_t causelen)
{
	struct proto_ctx	 ctx;
	json_t			*root;
	int			 rc;

	memset(plan, 0, sizeof *plan);
	proto_ctx_init(&ctx, "plan", cause, causelen);
	if (proto_decode_root(&ctx, text, len, 4 * PROTO_MAX_FRAME,
	    &root) != 0)
		return (-1);
	rc = proto_decode_fields(&ctx, root, proto_plan_fields,
	    nitems(proto_plan_fields), plan);
	json_decref(root);
	return (rc);
}
