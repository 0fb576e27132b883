/*
 * audit.h: a backend's tamper-evident audit log, as vigild writes it
 * (its reader, audit_verify, is in the protocol library: proto-audit.h).
 *
 * Append-only JSON lines (proto_audit_encode), each holding the SHA-256
 * of the line before, so that changing, removing or reordering a line
 * breaks the chain from there on.  A line is written and fdatasync'd
 * before the command it records takes effect: audit_append() failing
 * means the command must be refused.
 */
#ifndef VIGIL_AUDIT_H
#define VIGIL_AUDIT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "proto-audit.h"

struct audit;

/*
 * Open (or create, mode 0600) the log at path for appending, reading the
 * last line to continue the chain.  A log whose chain is already broken
 * is refused, naming the line, so that new lines never hide old damage.
 * Returns it, or NULL and an allocated sentence in *cause.
 */
struct audit	*audit_open(const char *path, char **cause);
void		 audit_close(struct audit *audit);

/*
 * Append entry (its seq and prev are filled in here), then fdatasync.
 * Returns 0, or -1 and *cause when the line could not be written and
 * synced: the caller must then refuse what it was about to do.
 */
int		 audit_append(struct audit *audit,
		    struct proto_audit_entry *entry, char **cause);

/*
 * The same without the fdatasync, for a line another follows at once
 * (an approval that executes): the next audit_append() syncs both, so
 * two lines cost one sync.  Nothing may take effect on it alone.
 */
int		 audit_append_unsynced(struct audit *audit,
		    struct proto_audit_entry *entry, char **cause);

/*
 * Group commit: lines written unsynced are made durable by an fdatasync
 * of audit_fd() on another thread (which touches nothing else), and its
 * result (0 or its errno) is then given to audit_synced() on the loop,
 * with the ticket audit_ticket() gave right after the lines were
 * written.  A failed sync, here or in audit_append(), cuts every line
 * since the last durable one off the log: audit_synced() then returns -1
 * and the sentence in *cause for each ticket whose lines went, and its
 * caller must refuse what they recorded.  Lines a later sync already
 * made durable stay, whatever this sync's result.
 */
struct audit_ticket {
	uint64_t	cuts;		/* cut-backs before the lines */
	uint64_t	seq;		/* the last line's */
};

int		 audit_fd(const struct audit *audit);
void		 audit_ticket(const struct audit *audit,
		    struct audit_ticket *ticket);
int		 audit_synced(struct audit *audit, int error,
		    const struct audit_ticket *ticket, char **cause);

/*
 * The same for a sync that ran while the loop went on writing: at,
 * which audit_point() gave as the sync began, says which lines it made
 * durable (those after it were not, and wait for a later sync).
 */
struct audit_point {
	uint64_t	cuts;
	uint64_t	seq;
	off_t		size;		/* -1: unknown, error says why */
	int		error;
	char		last[65];
};

void		 audit_point(const struct audit *audit,
		    struct audit_point *at);
int		 audit_synced_at(struct audit *audit, int error,
		    const struct audit_point *at,
		    const struct audit_ticket *ticket, char **cause);

/*
 * The bytes an unprivileged writer may still add to the log's
 * filesystem, in *avail.  Returns 0, or -1 with errno set.
 */
int		 audit_space(const struct audit *audit, uint64_t *avail);

/*
 * The marks of the log's lines as read when it was opened, in order, in
 * *marks (owned by the log, valid until audit_close).  Reading them here
 * rather than the file again keeps a restart to one pass over the log.
 * Returns how many.
 */
size_t		 audit_marks(const struct audit *audit,
		    const struct audit_mark **marks);

/* The path the log was opened at. */
const char	*audit_path(const struct audit *audit);

#endif
