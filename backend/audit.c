/*
 * audit.c: a backend's tamper-evident audit log (see audit.h).
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
#include "util.h"

/* A line longer than this is damage, not an entry (proto caps at 128K). */
#define AUDIT_LINE_MAX	(1024 * 1024)
#define AUDIT_READ	65536

struct audit {
	char		*path;
	int		 fd;
	uint64_t	 seq;		/* of the last line; 0 when empty */
	char		 last[65];	/* SHA-256 of the last line */
	char		*broken;	/* why no more lines may be added */
	struct audit_mark *marks;	/* ids named, as read at open */
	size_t		 nmarks;
};

/* Where a walk along the chain has got to. */
struct audit_walk {
	long		 line;		/* lines checked */
	uint64_t	 seq;		/* seq of the last line */
	char		 last[65];	/* its SHA-256, or 64 zeros */
	char		*report;
	size_t		 len;
	long		 bad_line;
	struct audit_mark *marks;	/* NULL: not gathered */
	size_t		 nmarks;
	size_t		 capmarks;
};

static int	 audit_walk(int, struct audit_walk *);
static int	 audit_check_line(struct audit_walk *, const char *, size_t);
static void	 audit_mark(struct audit_walk *,
		    const struct proto_audit_entry *);
static const char *audit_open_hint(int);
static int	 audit_sync_dir(const char *, char **);
static int	 audit_write_all(int, const char *, size_t);
static void	 audit_undo(struct audit *, off_t);

static const char audit_zeros[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/*
 * Read the log on fd line by line and check its chain; on success w holds
 * the last line's seq and hash.  Returns 0, or -1 with the first broken
 * line named in w->report and w->bad_line.
 */
static int
audit_walk(int fd, struct audit_walk *w)
{
	char	*buf, *nl;
	size_t	 have = 0, cap = AUDIT_READ, start;
	ssize_t	 n;

	w->line = 0;
	w->seq = 0;
	w->bad_line = 0;
	memcpy(w->last, audit_zeros, sizeof w->last);
	buf = xmalloc(cap);
	for (;;) {
		if (have == cap) {
			if (cap > AUDIT_LINE_MAX) {
				util_format(w->report, w->len, "line %ld is "
				    "longer than %d bytes, which no audit "
				    "entry is: the log was damaged at line %ld",
				    w->line + 1, AUDIT_LINE_MAX, w->line + 1);
				w->bad_line = w->line + 1;
				free(buf);
				return (-1);
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + have, cap - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			util_format(w->report, w->len, "cannot read the log "
			    "after line %ld: %s", w->line, strerror(errno));
			free(buf);
			return (-1);
		}
		if (n == 0)
			break;
		have += (size_t)n;
		start = 0;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			if (audit_check_line(w, buf + start,
			    (size_t)(nl - (buf + start))) != 0) {
				free(buf);
				return (-1);
			}
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	free(buf);
	if (have != 0) {
		w->bad_line = w->line + 1;
		util_format(w->report, w->len, "line %ld does not end in a "
		    "newline: a write was cut short (a crash or a full disk), "
		    "or the log was changed at its end", w->bad_line);
		return (-1);
	}
	return (0);
}

/* Check one line (len bytes, no newline) against the chain so far. */
static int
audit_check_line(struct audit_walk *w, const char *line, size_t len)
{
	struct proto_audit_entry	*e;
	char				 why[PROTO_TEXT_MAX];
	long				 n = w->line + 1;
	int				 rc = -1;

	e = xmalloc(sizeof *e);
	if (proto_audit_decode(line, len, e, why, sizeof why) != 0) {
		util_format(w->report, w->len, "line %ld is not an audit "
		    "entry (%s): the log was changed or damaged at line %ld",
		    n, why, n);
		goto out;
	}
	if (e->seq != w->seq + 1) {
		util_format(w->report, w->len, "line %ld: its seq is %" PRIu64
		    " where %" PRIu64 " was expected: the line was changed, or "
		    "lines were removed, added or reordered before it", n,
		    e->seq, w->seq + 1);
		goto out;
	}
	if (strcmp(e->prev, w->last) != 0) {
		if (n == 1)
			util_format(w->report, w->len, "line 1: its prev is "
			    "not 64 zeros, as the first line's must be: lines "
			    "before it were removed, or it was changed");
		else
			util_format(w->report, w->len, "line %ld: its prev "
			    "does not match the SHA-256 of line %ld: the log "
			    "was changed at or before line %ld", n, n - 1,
			    n - 1);
		goto out;
	}
	w->line = n;
	w->seq = e->seq;
	opkey_sha256_hex(line, len, w->last);
	if (w->capmarks != 0)
		audit_mark(w, e);
	rc = 0;
out:
	if (rc != 0)
		w->bad_line = n;
	free(e);
	return (rc);
}

/* Keep what line e says about a command id, if it says anything. */
static void
audit_mark(struct audit_walk *w, const struct proto_audit_entry *e)
{
	struct audit_mark	*m;

	if (e->id[0] == '\0' || (strcmp(e->event, "refuse") == 0 &&
	    !e->verified))
		return;
	if (w->nmarks == w->capmarks) {
		w->capmarks *= 2;
		w->marks = xreallocarray(w->marks, w->capmarks,
		    sizeof *w->marks);
	}
	m = &w->marks[w->nmarks++];
	util_copy(m->node, sizeof m->node, e->node);
	util_copy(m->event, sizeof m->event, e->event);
	util_copy(m->id, sizeof m->id, e->id);
	m->verified = e->verified;
}

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

	if (ftruncate(audit->fd, size) == -1 || fdatasync(audit->fd) == -1) {
		free(audit->broken);
		audit->broken = xasprintf("a failed write left its end "
		    "damaged and it could not be cut back (%s)",
		    strerror(errno));
	}
	errno = saved;
}

/* Append entry and sync it; see audit.h. */
int
audit_append(struct audit *audit, struct proto_audit_entry *entry,
    char **cause)
{
	struct proto_audit_entry	*check;
	struct stat			 st;
	char				*line, why[PROTO_TEXT_MAX];
	size_t				 len;
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
	check = xmalloc(sizeof *check);
	if (proto_audit_decode(line, len, check, why, sizeof why) != 0) {
		*cause = xasprintf("audit log %s: the entry would not read "
		    "back (%s); it was not written", audit->path, why);
		goto out;
	}
	if (fstat(audit->fd, &st) == -1) {
		*cause = xasprintf("audit log %s could not be written: %s; "
		    "check its filesystem", audit->path, strerror(errno));
		goto out;
	}
	line = xreallocarray(line, len + 2, 1);
	line[len] = '\n';
	if (audit_write_all(audit->fd, line, len + 1) == -1) {
		*cause = xasprintf("audit log %s could not be written: %s; "
		    "free space on its filesystem or repair it, then try "
		    "again", audit->path, strerror(errno));
		audit_undo(audit, st.st_size);
		goto out;
	}
	if (fdatasync(audit->fd) == -1) {
		*cause = xasprintf("audit log %s could not be synced to disk "
		    "(fdatasync: %s); the line may not last: repair its "
		    "filesystem, then try again", audit->path,
		    strerror(errno));
		audit_undo(audit, st.st_size);
		goto out;
	}
	audit->seq = entry->seq;
	opkey_sha256_hex(line, len, audit->last);
	rc = 0;
out:
	free(check);
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

/* Check the chain of the log at path; see audit.h. */
int
audit_verify(const char *path, char *report, size_t len, long *bad_line)
{
	struct audit_walk	w;
	int			fd, rc;

	if (bad_line != NULL)
		*bad_line = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		util_format(report, len, "cannot open %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	memset(&w, 0, sizeof w);
	w.report = report;
	w.len = len;
	rc = audit_walk(fd, &w);
	close(fd);
	if (rc != 0) {
		if (bad_line != NULL)
			*bad_line = w.bad_line;
		return (-1);
	}
	if (w.line == 0)
		util_format(report, len, "the log is empty: no entries to "
		    "check");
	else
		util_format(report, len, "%ld %s intact, seq 1 to %" PRIu64
		    "; the last line's SHA-256 is %s: compare it with a copy "
		    "kept elsewhere to find a change to the last line", w.line,
		    w.line == 1 ? "entry" : "entries", w.seq, w.last);
	return (0);
}
