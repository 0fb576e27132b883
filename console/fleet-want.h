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
 * want, not 1,000.  After FLEET_WANT_TRIES unanswered (the command was
 * carried out or expired meanwhile, say) the frames are left out, as
 * the model says in each node's events, and the command is remembered
 * (fleet_await_gone), so that vigil approve says its document never
 * came rather than that no node holds it.
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
#define FLEET_WANT_TRIES	4	/* then the frames are left out */
#define FLEET_GONE_MAX		16	/* commands given up, remembered */

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

/*
 * A command whose document was given up on: its frames were left out,
 * so a console asked for it can say why it is not there.
 */
struct fleet_gone {
	char			id[PROTO_CMDID_MAX];
	char			node[PROTO_ID_MAX];	/* first to name it */
	size_t			nodes;			/* that named it */
	int64_t			since_ms;	/* monotonic: first came */
	struct fleet_want	want;		/* the last asked */
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
	struct fleet_gone	 gone[FLEET_GONE_MAX];	/* a ring */
	size_t			 ngone;			/* ever given up */
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
 * A document asked for FLEET_WANT_TRIES times, the last of them
 * FLEET_WANT_AGAIN_MS ago, is given up: returns 1 with its want in *w
 * and the frames kept for it taken into *out (allocated; free it), *n
 * of them, each command remembered (fleet_await_gone); else 0.
 */
int		 fleet_await_give_up(struct fleet_awaits *q, int64_t now_ms,
		    struct fleet_want *w, struct fleet_await **out, size_t *n);

/*
 * The latest command given up whose id starts with id, or NULL (a
 * command held whole since is found among the proposals first).
 */
const struct fleet_gone *fleet_await_gone(const struct fleet_awaits *q,
		    const char *id);

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
