/*
 * proto-facts.c: decode a real node's facts (proto-facts.h).  Each part
 * is put back into the envelope of the message it feeds (hello, stats,
 * cert) and decoded by proto_decode(), so the facts obey exactly the
 * rules a backend's messages do and every complaint is the protocol's
 * own sentence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto.h"
#include "proto-facts.h"
#include "util.h"

static int	 proto_facts_part(json_t *msg, const char *what,
		    struct proto_msg *out, char *cause, size_t causelen);
static json_t	*proto_facts_envelope(const char *type, const char *node,
		    enum proto_role role, int64_t clock_ms);
static int	 proto_facts_hello(json_t *, const char *, enum proto_role,
		    int64_t, struct proto_msg *, char *, size_t);
static int	 proto_facts_say(char *cause, size_t causelen,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write a sentence into cause and return -1. */
static int
proto_facts_say(char *cause, size_t causelen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cause, causelen, fmt, ap);
	va_end(ap);
	return (-1);
}

/* A message object of type about node, with role and clock_ms set. */
static json_t *
proto_facts_envelope(const char *type, const char *node,
    enum proto_role role, int64_t clock_ms)
{
	json_t	*m;

	m = json_object();
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "node", json_string(node));
	if (role != ROLE_NONE)
		json_object_set_new(m, "role",
		    json_string(proto_role_name(role)));
	json_object_set_new(m, "clock_ms", json_integer(clock_ms));
	return (m);
}

/*
 * Decode msg (consumed) as the protocol message it is; what names the
 * part of the facts, for the sentence.  Returns 0, or -1 with the
 * protocol's complaint, its "TYPE from NODE: " left off, in cause.
 */
static int
proto_facts_part(json_t *msg, const char *what, struct proto_msg *out,
    char *cause, size_t causelen)
{
	char		*text, why[PROTO_TEXT_MAX];
	const char	*p;
	int		 rc;

	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (text == NULL)
		return (proto_facts_say(cause, causelen, "the facts' %s "
		    "cannot be encoded again; give plain JSON values", what));
	rc = proto_decode(text, strlen(text), out, why, sizeof why);
	free(text);
	if (rc == 0)
		return (0);
	p = strstr(why, ": ");
	return (proto_facts_say(cause, causelen, "the facts' %s are wrong: "
	    "%s", what, p != NULL ? p + 2 : why));
}

/*
 * The facts' build, group, flags and installed builds, decoded as the
 * node's hello into out.  Returns 0, or -1 with a sentence in cause.
 */
static int
proto_facts_hello(json_t *doc, const char *node, enum proto_role role,
    int64_t clock_ms, struct proto_msg *out, char *cause, size_t causelen)
{
	json_t		*m, *v;
	const char	*key;

	if (json_object_get(doc, "build") == NULL)
		return (proto_facts_say(cause, causelen, "the facts name no "
		    "build; give \"build\":\"ID\", the build the node runs"));
	m = proto_facts_envelope("hello", node, role, clock_ms);
	json_object_set_new(m, "version", json_integer(PROTO_VERSION));
	json_object_set_new(m, "scenario", json_string(""));
	json_object_set_new(m, "time_scale", json_real(1.0));
	json_object_set_new(m, "link_nodes", json_integer(1));
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "build") == 0 || strcmp(key, "group") == 0 ||
		    strcmp(key, "flags") == 0 || strcmp(key, "builds") == 0)
			json_object_set(m, key, v);
	}
	if (json_object_get(m, "group") == NULL)
		json_object_set_new(m, "group", json_string("default"));
	if (json_object_get(m, "flags") == NULL)
		json_object_set_new(m, "flags", json_array());
	return (proto_facts_part(m, "build and flags", out, cause, causelen));
}

/* Free the facts' heap parts; see proto-facts.h. */
void
proto_facts_clear(struct proto_facts *facts)
{
	proto_hello_clear(&facts->hello);
	free(facts->stats.station.blacklist);
	facts->stats.station.blacklist = NULL;
	facts->stats.station.nblacklist = 0;
}

/* Decode a node's facts; see proto-facts.h. */
int
proto_facts_decode(const char *text, size_t len, const char *node,
    enum proto_role role, int64_t clock_ms, int64_t uptime_ms,
    struct proto_facts *facts, char *cause, size_t causelen)
{
	struct proto_msg	*out;
	json_t			*doc, *m, *v, *part;
	json_error_t		 jerr;
	const char		*counters;
	int			 rc = -1;

	memset(facts, 0, sizeof *facts);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return (proto_facts_say(cause, causelen, "the facts are not "
		    "JSON: %s at line %d column %d; give one JSON object per "
		    "line, such as {\"build\":\"...\",\"router\":{...}}",
		    jerr.text, jerr.line, jerr.column));
	if (!json_is_object(doc)) {
		json_decref(doc);
		return (proto_facts_say(cause, causelen, "the facts are not a "
		    "JSON object; give one object per line, such as "
		    "{\"build\":\"...\",\"router\":{...}}"));
	}
	if ((v = json_object_get(doc, "clock_ms")) != NULL &&
	    json_is_integer(v))
		clock_ms = json_integer_value(v);
	if ((v = json_object_get(doc, "uptime_ms")) != NULL &&
	    json_is_integer(v))
		uptime_ms = json_integer_value(v);
	out = xcalloc(1, sizeof *out);

	if (proto_facts_hello(doc, node, role, clock_ms, out, cause,
	    causelen) != 0)
		goto out;
	facts->hello = out->u.hello;

	/* The counters: what the node's stats say. */
	counters = role == ROLE_ROUTER ? "router" : "station";
	if ((part = json_object_get(doc, counters)) == NULL) {
		proto_facts_say(cause, causelen, "the facts have no \"%s\" "
		    "object; a %s's facts give its counters there, as in its "
		    "stats message", counters, counters);
		goto out;
	}
	if (!json_is_object(part)) {
		proto_facts_say(cause, causelen, "the facts' \"%s\" is not an "
		    "object; give the counters of a %s's stats message there",
		    counters, counters);
		goto out;
	}
	m = proto_facts_envelope("stats", node, role, clock_ms);
	json_object_set_new(m, "uptime_ms", json_integer(uptime_ms));
	json_object_set_new(m, "seq", json_integer(0));
	/* The envelope's own fields are not the facts' to set. */
	json_object_update_missing(m, part);
	if (proto_facts_part(m, "counters", out, cause, causelen) != 0)
		goto out;
	facts->stats = out->u.stats;

	/* A station's certificate, when it gives one. */
	if (role == ROLE_STATION &&
	    (part = json_object_get(doc, "cert")) != NULL) {
		if (!json_is_object(part)) {
			proto_facts_say(cause, causelen, "the facts' \"cert\" "
			    "is not an object; give the fields of a cert "
			    "message but node and clock_ms");
			goto out;
		}
		m = json_deep_copy(part);
		json_object_set_new(m, "type", json_string("cert"));
		json_object_set_new(m, "node", json_string(node));
		json_object_set_new(m, "clock_ms", json_integer(clock_ms));
		if (proto_facts_part(m, "certificate", out, cause,
		    causelen) != 0)
			goto out;
		facts->cert = out->u.cert;
		facts->has_cert = 1;
	}
	rc = 0;
out:
	if (rc != 0)
		proto_facts_clear(facts);
	free(out);
	json_decref(doc);
	return (rc);
}
