/*
 * proto-command.c: the actions a command document may name, in the
 * protocol library (see proto-command.h).
 *
 * The table is data both sides read: vigild's engine (command.c) checks
 * a proposal's targets against it, and the console lists the actions in
 * its help and refuses one it does not name before anything is signed.
 */
#include <string.h>

#include "proto.h"
#include "proto-command.h"
#include "util.h"

/*
 * The actions.  rollback comes with its own issue; a proposal naming it
 * is refused as an action this node does not know.  move-root targets
 * the station holding the root and names its destination in argument
 * "to" (see move.h).
 */
const struct command_spec command_specs[] = {
	{
		.name = "kill",
		.summary = "halt child orders and refuse new parents",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "running",
	},
	{
		.name = "resume",
		.summary = "restart a killed router",
		.signers = 2,
		.roles = ROLE_ROUTER,
		.from_state = "killed",
	},
	{
		.name = "move-root",
		.summary = "move the root key from its holder to the station "
		    "named by --to",
		.signers = 2,
		.roles = ROLE_STATION,
		.from_state = "running",
	},
};
const size_t command_nspecs = nitems(command_specs);

/* The spec for action, or NULL. */
const struct command_spec *
command_spec_find(const char *action)
{
	size_t	i;

	for (i = 0; i < command_nspecs; i++) {
		if (strcmp(command_specs[i].name, action) == 0)
			return (&command_specs[i]);
	}
	return (NULL);
}
