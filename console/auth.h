/*
 * auth.h: the console's side of operators on the link: each backend's
 * hello carries a challenge for its connection; a console with an
 * operator's key answers it (auth, signed in cmd.c and sent by the
 * loop), and each backend then reports which operators' consoles are
 * watching it (watching).  This module keeps, per link, where the
 * answer stands and who watches, and for the whole fleet the other
 * operators watching the same nodes, for the header and the reports.
 * It only changes the model; the loop sends.
 */
#ifndef VIGIL_AUTH_H
#define VIGIL_AUTH_H

#include <stddef.h>

#include "proto.h"

struct fleet;

/*
 * A hello from link carrying a challenge: have the loop answer it
 * (fleet->ask) once per connection, or, where the backend lets
 * only operators read and this console has no key, set the link's error
 * to a sentence saying so and what to do.  A hello without a challenge,
 * or repeating this connection's, changes nothing.
 */
void	 auth_hello(struct fleet *fleet, size_t link,
	    const struct proto_hello *hello);

/*
 * The loop answered link's challenge (why NULL), or could not (why: a
 * sentence, which becomes the link's error).
 */
void	 auth_answered(struct fleet *fleet, size_t link, const char *why);

/* link's backend refused its answer with an error (in_reply_to auth). */
void	 auth_refused(struct fleet *fleet, size_t link);

/*
 * A watching message from link: keep it as the link's; the operators
 * also watching are gathered again at the next auth_tick().  Returns 1
 * if the link's watchers changed.
 */
int	 auth_watching(struct fleet *fleet, size_t link,
	    const struct proto_watching *w);

/*
 * The timer's part: gather fleet->also_watching again when a link's
 * watchers changed since the last call (at most once per tick).
 */
void	 auth_tick(struct fleet *fleet);

/*
 * link connected or went down: its challenge and watchers belonged to
 * the old connection and are forgotten (a bar stays: see auth_refused).
 * Returns 1 if the link's error is an auth refusal, which explains a
 * close better than the close, and is kept on reconnecting while the
 * link is barred.
 */
int	 auth_link_reset(struct fleet *fleet, size_t link);

/*
 * Has link's answer settled?  1: answered and named, refused, or none
 * to give; 0: an answer went and neither a refusal nor the watching
 * message naming this console came back yet; -1: the backend lets only
 * operators read and this console has no key, or it refused this
 * console's answer (on this connection or an earlier one), so nothing
 * more will come, whether the link is up or not.
 */
int	 auth_settled(const struct fleet *fleet, size_t link);

/*
 * The operators watching link's nodes besides this console, ", "
 * between, into buf (len bytes); "" when none are known.  Names are as
 * the backend sent them: escape them before showing them.
 */
void	 auth_others(const struct fleet *fleet, size_t link, char *buf,
	    size_t len);

#endif
