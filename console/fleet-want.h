/*
 * fleet-want.h: proposals that name a document this console lacks, and
 * the wants that ask for it.
 *
 * A backend serving many nodes sends a console instance each document
 * whole once and names it by its SHA-256 on that instance's other
 * links (vigil-protocol(7)); the link carrying it may deliver it later
 * than the others, or drop first.  The model keeps such a proposal frame
 * aside, neither shown nor signable, until a frame carrying the document
 * arrives on any link.  Past FLEET_WANT_MS it queues one want, on the
 * link of one node that named it, and asks again on another such link
 * every FLEET_WANT_AGAIN_MS, so 1,000 links naming one document cost one
 * want, not 1,000.
 */
#ifndef VIGIL_FLEET_WANT_H
#define VIGIL_FLEET_WANT_H

#include <stddef.h>
#include <stdint.h>

#include "fleet-move.h"
#include "proto.h"

#define FLEET_AWAIT_MAX		16384	/* frames kept aside at most */
#define FLEET_WANT_MS		300	/* wait before the first want */
#define FLEET_WANT_AGAIN_MS	3000	/* and between wants of one */

/* A proposal frame naming a document the console does not hold. */
struct fleet_await {
	size_t			link;		/* it came on */
	int64_t			since_ms;	/* monotonic: first came */
	struct proto_proposal	p;		/* document NULL */
};

/* A document asked for: the last link and node asked, and when. */
struct fleet_want {
	char		sha256[65];
	size_t		link;
	char		node[PROTO_ID_MAX];
	int64_t		asked_ms;		/* monotonic; 0 not yet */
	unsigned	tries;
	char		refused[PROTO_TEXT_MAX];	/* last answer; "" */
};

struct fleet_awaits {
	struct fleet_await	*v;		/* in the order they came */
	size_t			 n;
	size_t			 cap;
	struct fleet_want	*wants;
	size_t			 nwants;
	size_t			 wantcap;
	/* Proposal frames that carried their document, that named it
	   by hash, and wants sent: the console's own counts. */
	uint64_t		 whole;
	uint64_t		 named;
	uint64_t		 wanted;
};

/*
 * Keep p, which came on link, aside until its document comes; a later
 * frame about the same node and id on the same link replaces it.
 * Returns 0, or -1 when FLEET_AWAIT_MAX are kept already.
 */
int		 fleet_await_add(struct fleet_awaits *q, size_t link,
		    const struct proto_proposal *p, int64_t now_ms);

/*
 * Take every frame kept aside for the document sha256, in the order they
 * came, into *out (allocated; free it); returns how many.
 */
size_t		 fleet_await_take(struct fleet_awaits *q, const char *sha256,
		    struct fleet_await **out);

/* Link went down: forget the frames it carried, and their wants. */
void		 fleet_await_link_down(struct fleet_awaits *q, size_t link);

/* A backend on link refused a want with text (an error frame). */
void		 fleet_await_refused(struct fleet_awaits *q, size_t link,
		    const char *text);

/*
 * Queue on r the wants now due at monotonic now_ms, each on a link
 * up(arg, link) says is up.
 */
void		 fleet_await_due(struct fleet_awaits *q, struct fleet_relays *r,
		    int (*up)(void *, size_t), void *arg, int64_t now_ms);

/*
 * The first frame kept aside whose command id starts with id (NULL:
 * any), with how many there are in *n and its document's want (NULL:
 * not asked yet) in *w; NULL when none.
 */
const struct fleet_await *fleet_await_find(const struct fleet_awaits *q,
		    const char *id, size_t *n, const struct fleet_want **w);

/* Free everything kept; q is empty afterwards (its counts stay). */
void		 fleet_await_free(struct fleet_awaits *q);

#endif
