/*
 * auth.c: where each link's answer to its backend's challenge stands,
 * and which operators watch the fleet's nodes (see auth.h).
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fleet.h"
#include "util.h"

static void	 auth_recount(struct fleet *fleet);
static int	 auth_listed(const char *list, const char *name);

/* Note a hello's challenge; see auth.h. */
void
auth_hello(struct fleet *fleet, size_t link, const struct proto_hello *h)
{
	struct fleet_link	*l = &fleet->links[link];

	/* Where anyone may read, a refusal withholds nothing. */
	l->read_key = strcmp(h->read, "key") == 0;
	if (!l->read_key)
		l->barred = 0;
	if (h->challenge[0] == '\0' || strcmp(l->challenge, h->challenge) == 0)
		return;
	util_copy(l->challenge, sizeof l->challenge, h->challenge);
	util_copy(l->auth_node, sizeof l->auth_node, h->node);
	l->auth = FLEET_AUTH_NONE;
	if (fleet->ask != NULL) {
		l->auth = FLEET_AUTH_ASKED;
		fleet->ask(fleet->ask_arg, link);
	} else if (strcmp(h->read, "key") == 0) {
		/*
		 * No key, no answer, on any reconnection: barred too, so that
		 * the node stays refused while the link retries, rather than
		 * down, then live and stale, then down again.
		 */
		l->auth = FLEET_AUTH_KEYLESS;
		l->barred = 1;
		util_format(l->error, sizeof l->error, "%s lets only "
		    "operators read its telemetry, and this console has no "
		    "key to answer its challenge with; start vigil with "
		    "--key FILE (or VIGIL_KEY), a key in %s's trust file",
		    h->node, h->node);
	}
	fleet->dirty = 1;
}

/* The loop answered link's challenge, or could not; see auth.h. */
void
auth_answered(struct fleet *fleet, size_t link, const char *why)
{
	struct fleet_link	*l = &fleet->links[link];

	if (l->auth != FLEET_AUTH_ASKED)
		return;
	l->auth = FLEET_AUTH_SENT;
	if (why != NULL) {
		l->auth = FLEET_AUTH_REFUSED;
		util_format(l->error, sizeof l->error, "cannot answer the "
		    "challenge of %s: %s", l->auth_node, why);
	}
	fleet->dirty = 1;
}

/*
 * The backend refused the answer; its error is already the link's.  A
 * backend that lets only operators read then closes the connection,
 * and refuses the same key on every reconnection: the link stays barred
 * until an answer is accepted, so that a reconnection, whose hello
 * makes its nodes live again, never passes for a reading console.
 */
void
auth_refused(struct fleet *fleet, size_t link)
{
	struct fleet_link	*l = &fleet->links[link];

	l->auth = FLEET_AUTH_REFUSED;
	if (l->read_key)
		l->barred = 1;
	fleet->dirty = 1;
}

/* Keep link's watchers and gather the others again; see auth.h. */
int
auth_watching(struct fleet *fleet, size_t link,
    const struct proto_watching *w)
{
	struct fleet_link	*l = &fleet->links[link];

	if (w->you[0] != '\0')
		l->barred = 0;	/* named: the answer was accepted */
	if (l->watching != NULL && memcmp(l->watching, w, sizeof *w) == 0)
		return (0);
	if (l->watching == NULL)
		l->watching = xmalloc(sizeof *l->watching);
	*l->watching = *w;
	fleet->also_stale = 1;
	return (1);
}

/* Forget link's connection: its challenge and watchers; see auth.h. */
int
auth_link_reset(struct fleet *fleet, size_t link)
{
	struct fleet_link	*l = &fleet->links[link];
	int			 refused;

	refused = l->auth == FLEET_AUTH_REFUSED ||
	    l->auth == FLEET_AUTH_KEYLESS || l->barred;
	l->auth = FLEET_AUTH_NONE;
	l->challenge[0] = '\0';
	if (l->watching != NULL) {
		free(l->watching);
		l->watching = NULL;
		fleet->also_stale = 1;
	}
	return (refused);
}

/*
 * Gather the other operators again if a link's watchers changed since
 * the last tick: once per tick, not once per message, since each of
 * thousands of links reports its watchers as it connects.
 */
void
auth_tick(struct fleet *fleet)
{
	if (!fleet->also_stale)
		return;
	fleet->also_stale = 0;
	auth_recount(fleet);
	fleet->dirty = 1;
}

/* Where link's answer stands, for the headless waits; see auth.h. */
int
auth_settled(const struct fleet *fleet, size_t link)
{
	const struct fleet_link	*l = &fleet->links[link];

	if (l->auth == FLEET_AUTH_KEYLESS || l->barred)
		return (-1);
	if (l->auth == FLEET_AUTH_SENT && (l->watching == NULL ||
	    l->watching->you[0] == '\0'))
		return (0);
	return (1);
}

/*
 * The operators watching link's nodes but this console: every name its
 * backend listed, less one entry for the name this console answered as.
 */
void
auth_others(const struct fleet *fleet, size_t link, char *buf, size_t len)
{
	const struct proto_watching	*w = fleet->links[link].watching;
	size_t				 i, used = 0;
	int				 self = 0;

	buf[0] = '\0';
	if (w == NULL)
		return;
	for (i = 0; i < w->noperators; i++) {
		if (!self && w->you[0] != '\0' &&
		    strcmp(w->operators[i].operator, w->you) == 0) {
			self = 1;
			continue;
		}
		if (auth_listed(buf, w->operators[i].operator))
			continue;
		util_format(buf + used, len - used, "%s%s", used > 0 ?
		    ", " : "", w->operators[i].operator);
		used = strlen(buf);
	}
}

/* Gather fleet->also_watching from every link's watchers. */
static void
auth_recount(struct fleet *fleet)
{
	char	 others[FLEET_ERROR_MAX], *name, *next;
	char	*all = fleet->also_watching;
	size_t	 i, used;

	all[0] = '\0';
	for (i = 0; i < fleet->nlinks; i++) {
		if (fleet->links[i].watching == NULL)
			continue;
		auth_others(fleet, i, others, sizeof others);
		for (name = others; *name != '\0'; name = next) {
			next = name + strcspn(name, ",");
			if (*next == ',') {
				*next = '\0';
				next += 2;
			}
			if (auth_listed(all, name))
				continue;
			used = strlen(all);
			util_format(all + used, sizeof fleet->also_watching -
			    used, "%s%s", used > 0 ? ", " : "", name);
		}
	}
}

/* Is name one of the ", "-separated names of list? */
static int
auth_listed(const char *list, const char *name)
{
	size_t	n = strlen(name);

	while (*list != '\0') {
		if (strncmp(list, name, n) == 0 &&
		    (list[n] == ',' || list[n] == '\0'))
			return (1);
		list += strcspn(list, ",");
		if (*list == ',')
			list += 2;
	}
	return (0);
}
