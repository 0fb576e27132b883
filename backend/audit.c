/*
 * audit.c: vigild's writer of a backend's tamper-evident audit log (see
 * audit.h; the chain's reader is proto-audit.c).
 *
 * The log is JSON lines, each holding in "prev" the SHA-256 of the line
 * before it (64 zeros for the first), so that changing, removing or
 * reordering a line breaks the chain at the next line.  A change to the
 * last line leaves no later line to break: only a copy of its hash kept
 * elsewhere finds that, so the verify report names it.
 *
 * The file is opened for appending only and locked, so that one writer
 * keeps one chain; a line is written whole and synced before its caller
 * acts, and a failed write is cut back off, so that the file never holds
 * a line nobody acted on or half a line.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "opkey.h"
#include "proto.h"
#include "proto-audit.h"
#include "util.h"

struct audit {
	char		*path;
	int		 fd;
	uint64_t	 seq;		/* of the last line; 0 when empty */
	char		 last[65];	/* SHA-256 of the last line */
	char		*broken;	/* why no more lines may be added */
	/*
	 * Its size: only this process writes it (O_APPEND, flock), so the
	 * end is known without an fstat() a line.
	 */
	off_t		 size;
	/* The end of the lines known durable, to cut back to. */
	off_t		 durable_size;
	uint64_t	 durable_seq;
	char		 durable_last[65];
	uint64_t	 cuts;		/* times unsynced lines were cut */
	uint64_t	*cut_seqs;	/* the durable line's seq at each */
	char		*cut;		/* why, the last time */
	struct audit_mark *marks;	/* ids named, as read at open */
	size_t		 nmarks;
};

static const char *audit_open_hint(int);
static int	 audit_sync_dir(const char *, char **);
static int	 audit_write_all(int, const char *, size_t);
static void	 audit_undo(struct audit *, off_t);
static void	 audit_cut(struct audit *, const char *);
static void	 audit_durable(struct audit *, off_t);
static int	 audit_write(struct audit *, struct proto_audit_entry *, int,
		    char **);

/* What to do when the log cannot be opened, by errno. */
static const char *
audit_open_hint(int error)
{
	switch (error) {
	case EISDIR:
		return ("it is a directory: give --audit the path of a file");
	case ENOENT:
	case ENOTDIR:
		return ("its directory does not exist: create it, or give "
		    "--audit another path");
	case EACCES:
	case EPERM:
	case EROFS:
		return ("vigild may not write there: fix the permissions, or "
		    "give --audit another path");
	case ENOSPC:
	case EDQUOT:
		return ("its filesystem is full: free some space");
	}
	return ("check the path given to --audit");
}

/*
 * Sync the directory holding path, so that a log just created is still
 * there after a crash.  Returns 0, or -1 and *cause.
 */
static int
audit_sync_dir(const char *path, char **cause)
{
	char	*copy, *dir;
	int	 fd, rc = 0;

	copy = xstrdup(path);
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		*cause = xasprintf("audit log %s was created, but its "
		    "directory %s could not be synced to disk: %s; check "
		    "that filesystem", path, dir, strerror(errno));
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	free(copy);
	return (rc);
}

/* Open the log for appending; see audit.h. */
struct audit *
audit_open(const char *path, char **cause)
{
	struct audit		*audit;
	struct audit_walk	 w;
	struct stat		 st, rst;
	char			 report[PROTO_TEXT_MAX];
	int			 fd, rfd;

	*cause = NULL;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		*cause = xasprintf("audit log %s cannot be opened for "
		    "appending: %s: %s", path, strerror(errno),
		    audit_open_hint(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("audit log %s is not a regular file: a log "
		    "is read back to continue its chain: give --audit the "
		    "path of a file", path);
		close(fd);
		return (NULL);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		*cause = xasprintf("audit log %s is in use by another process: "
		    "two writers would break its chain: give each node its "
		    "own log", path);
		close(fd);
		return (NULL);
	}
	if (st.st_size == 0 && audit_sync_dir(path, cause) != 0) {
		close(fd);
		return (NULL);
	}

	/* Read back through a second descriptor on the very same file. */
	if ((rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(rfd, &rst) == -1 || rst.st_dev != st.st_dev ||
	    rst.st_ino != st.st_ino) {
		*cause = xasprintf("audit log %s cannot be read back to "
		    "continue its chain: %s; check its permissions", path,
		    rfd == -1 ? strerror(errno) : "it was replaced while "
		    "being opened");
		if (rfd != -1)
			close(rfd);
		close(fd);
		return (NULL);
	}
	memset(&w, 0, sizeof w);
	w.report = report;
	w.len = sizeof report;
	w.capmarks = 64;
	w.marks = xreallocarray(NULL, w.capmarks, sizeof *w.marks);
	if (audit_walk(rfd, &w) != 0) {
		*cause = xasprintf("audit log %s is damaged: %s; new lines "
		    "would hide that: keep the file as evidence, move it aside "
		    "and start with a new log", path, report);
		free(w.marks);
		close(rfd);
		close(fd);
		return (NULL);
	}
	close(rfd);

	audit = xcalloc(1, sizeof *audit);
	audit->path = xstrdup(path);
	audit->fd = fd;
	audit->seq = w.seq;
	memcpy(audit->last, w.last, sizeof audit->last);
	audit->size = st.st_size;
	audit_durable(audit, st.st_size);
	audit->marks = w.marks;
	audit->nmarks = w.nmarks;
	return (audit);
}

/* Close the log; NULL is allowed. */
void
audit_close(struct audit *audit)
{
	if (audit == NULL)
		return;
	close(audit->fd);
	free(audit->marks);
	free(audit->broken);
	free(audit->cut);
	free(audit->cut_seqs);
	free(audit->path);
	free(audit);
}

/* Write len bytes whole; 0, or -1 with errno set (ENOSPC for no room). */
static int
audit_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0) {
			errno = ENOSPC;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * Cut the log back to size after a failed append, so that it holds
 * neither half a line nor a line whose action was refused.  When that
 * fails too, no more lines may be added: they would follow the damage.
 */
static void
audit_undo(struct audit *audit, off_t size)
{
	int	saved = errno;

	audit->size = size;
	if (ftruncate(audit->fd, size) == -1 || fdatasync(audit->fd) == -1) {
		free(audit->broken);
		audit->broken = xasprintf("a failed write left its end "
		    "damaged and it could not be cut back (%s)",
		    strerror(errno));
	}
	errno = saved;
}

/* The lines up to size (the end now) are on disk: later cuts stop there. */
static void
audit_durable(struct audit *audit, off_t size)
{
	audit->durable_size = size;
	audit->durable_seq = audit->seq;
	memcpy(audit->durable_last, audit->last, sizeof audit->last);
}

/*
 * An fdatasync failed: the lines since the last durable one may not
 * last, so cut them all off (their callers refuse what they recorded)
 * and continue the chain from the last durable line; why is kept for
 * the callers whose lines went too.
 */
static void
audit_cut(struct audit *audit, const char *why)
{
	audit_undo(audit, audit->durable_size);
	audit->seq = audit->durable_seq;
	memcpy(audit->last, audit->durable_last, sizeof audit->last);
	audit->cut_seqs = xreallocarray(audit->cut_seqs, audit->cuts + 1,
	    sizeof *audit->cut_seqs);
	audit->cut_seqs[audit->cuts++] = audit->durable_seq;
	free(audit->cut);
	audit->cut = xstrdup(why);
}

/* The descriptor to fdatasync off the loop; see audit.h. */
int
audit_fd(const struct audit *audit)
{
	return (audit->fd);
}

/* Where the lines just written stand; see audit.h. */
void
audit_ticket(const struct audit *audit, struct audit_ticket *ticket)
{
	ticket->cuts = audit->cuts;
	ticket->seq = audit->seq;
}

/* The result of an fdatasync made elsewhere, just now; see audit.h. */
int
audit_synced(struct audit *audit, int error,
    const struct audit_ticket *ticket, char **cause)
{
	struct audit_point	at;

	audit_point(audit, &at);
	return (audit_synced_at(audit, error, &at, ticket, cause));
}

/* Where the log stands as a sync begins; see audit.h. */
void
audit_point(const struct audit *audit, struct audit_point *at)
{
	at->cuts = audit->cuts;
	at->seq = audit->seq;
	at->error = 0;
	at->size = audit->size;
	memcpy(at->last, audit->last, sizeof at->last);
}

/* The result of an fdatasync begun at at; see audit.h. */
int
audit_synced_at(struct audit *audit, int error, const struct audit_point *at,
    const struct audit_ticket *ticket, char **cause)
{
	*cause = NULL;
	/* The first cut since the ticket took its lines, or not at all. */
	if (audit->cuts != ticket->cuts) {
		if (audit->cut_seqs[ticket->cuts] >= ticket->seq)
			return (0);
		*cause = xstrdup(audit->cut);
		return (-1);
	}
	if (audit->durable_seq >= ticket->seq)
		return (0);
	if (error == 0 && at->size == -1)
		error = at->error;
	if (error == 0 && at->cuts == audit->cuts && at->seq >= ticket->seq) {
		audit->durable_size = at->size;
		audit->durable_seq = at->seq;
		memcpy(audit->durable_last, at->last,
		    sizeof audit->durable_last);
		return (0);
	}
	if (error == 0)
		error = EIO;
	*cause = xasprintf("audit log %s could not be synced to disk "
	    "(fdatasync: %s); the line may not last: repair its "
	    "filesystem, then try again", audit->path, strerror(error));
	audit_cut(audit, *cause);
	return (-1);
}

/* Append entry and sync it; see audit.h. */
int
audit_append(struct audit *audit, struct proto_audit_entry *entry,
    char **cause)
{
	return (audit_write(audit, entry, 1, cause));
}

/* Append entry, synced with the next; see audit.h. */
int
audit_append_unsynced(struct audit *audit, struct proto_audit_entry *entry,
    char **cause)
{
	return (audit_write(audit, entry, 0, cause));
}

/* Append entry, and fdatasync when sync; 0, or -1 and *cause. */
static int
audit_write(struct audit *audit, struct proto_audit_entry *entry, int sync,
    char **cause)
{
	char				*line, why[PROTO_TEXT_MAX];
	size_t				 len;
	off_t				 size = audit->size;
	int				 rc = -1;

	*cause = NULL;
	if (audit->broken != NULL) {
		*cause = xasprintf("audit log %s takes no more lines: %s; "
		    "repair or move it aside, then restart vigild",
		    audit->path, audit->broken);
		return (-1);
	}
	entry->seq = audit->seq + 1;
	memcpy(entry->prev, audit->last, sizeof entry->prev);
	line = proto_audit_encode(entry);
	len = strlen(line);

	/* A line the log could not read back would break it for good. */
	if (proto_audit_readable(entry, line, len, why, sizeof why) != 0) {
		*cause = xasprintf("audit log %s: the entry would not read "
		    "back (%s); it was not written", audit->path, why);
		goto out;
	}
	line = xreallocarray(line, len + 2, 1);
	line[len] = '\n';
	if (audit_write_all(audit->fd, line, len + 1) == -1) {
		*cause = xasprintf("audit log %s could not be written: %s; "
		    "free space on its filesystem or repair it, then try "
		    "again", audit->path, strerror(errno));
		audit_undo(audit, size);
		goto out;
	}
	audit->size = size + (off_t)len + 1;
	if (sync && fdatasync(audit->fd) == -1) {
		*cause = xasprintf("audit log %s could not be synced to disk "
		    "(fdatasync: %s); the line may not last: repair its "
		    "filesystem, then try again", audit->path,
		    strerror(errno));
		audit_cut(audit, *cause);
		goto out;
	}
	audit->seq = entry->seq;
	opkey_sha256_hex(line, len, audit->last);
	if (sync)
		audit_durable(audit, audit->size);
	rc = 0;
out:
	free(line);
	return (rc);
}

/* The marks read at open; see audit.h. */
size_t
audit_marks(const struct audit *audit, const struct audit_mark **marks)
{
	*marks = audit->marks;
	return (audit->nmarks);
}

/* The room left on the log's filesystem; see audit.h. */
int
audit_space(const struct audit *audit, uint64_t *avail)
{
	struct statvfs	sv;

	if (fstatvfs(audit->fd, &sv) == -1)
		return (-1);
	*avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return (0);
}

/* The path the log was opened at. */
const char *
audit_path(const struct audit *audit)
{
	return (audit->path);
}
