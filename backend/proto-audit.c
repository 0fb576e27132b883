/*
 * proto-audit.c: the audit log's lines and the chain's reader, in the
 * protocol library (see proto-audit.h): encoding and decoding one line
 * (proto_audit_encode, _decode) and walking a log to check its chain.
 *
 * vigild's writer (audit.c) walks its log to continue the chain, and
 * vigil audit verify walks a copy to check it: one walk, so the two can
 * never disagree on what an intact chain is.
 */
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opkey.h"
#include "proto.h"
#include "proto-audit.h"
#include "proto-field.h"
#include "util.h"

/* A line longer than this is damage, not an entry (proto caps at 128K). */
#define AUDIT_LINE_MAX	(1024 * 1024)
#define AUDIT_READ	65536

static int	 audit_check_line(struct audit_walk *, const char *, size_t);
static int	 proto_audit_fill(const char *, size_t,
		    struct proto_audit_entry *, char *, size_t);
static int	 audit_check_doc(struct audit_walk *,
		    const struct proto_audit_entry *, long);
static void	 audit_mark(struct audit_walk *,
		    const struct proto_audit_entry *);

/* The entries this thread keeps for its next lines (proto_audit_new). */
#define AUDIT_KEPT	2
static _Thread_local struct proto_audit_entry *audit_kept[AUDIT_KEPT];
static _Thread_local size_t audit_nkept;

static const char audit_zeros[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/*
 * Read the log on fd line by line and check its chain; on success w holds
 * the last line's seq and hash.  Returns 0, or -1 with the first broken
 * line named in w->report and w->bad_line.
 */
int
audit_walk(int fd, struct audit_walk *w)
{
	char	*buf, *nl;
	size_t	 have = 0, cap = AUDIT_READ, start;
	ssize_t	 n;

	w->line = 0;
	w->seq = 0;
	w->bad_line = 0;
	w->docs = NULL;
	w->ndocs = w->capdocs = 0;
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
				free(w->docs);
				w->docs = NULL;
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
			free(w->docs);
			w->docs = NULL;
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
				free(w->docs);
				w->docs = NULL;
				return (-1);
			}
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	free(buf);
	free(w->docs);
	w->docs = NULL;
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
	if (audit_check_doc(w, e, n) != 0)
		goto out;
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

/*
 * Line n's document against its hash, and a hash alone against the
 * document the command's earlier line holds: the chain proves no line
 * changed since it was written, this that every line about a command
 * names the very bytes proposed.  Returns 0, or -1 with the sentence in
 * w->report.
 */
static int
audit_check_doc(struct audit_walk *w, const struct proto_audit_entry *e,
    long n)
{
	struct audit_doc	*d;
	char			 sha[65];
	size_t			 i;

	/* Lines written before "sha256" existed hold their document. */
	if (e->document[0] != '\0' && e->sha256[0] == '\0')
		return (0);
	if (e->document[0] != '\0') {
		opkey_sha256_hex(e->document, strlen(e->document), sha);
		if (strcmp(sha, e->sha256) != 0) {
			util_format(w->report, w->len, "line %ld: its document "
			    "does not have the SHA-256 the line gives "
			    "(%.16s..., the document's is %.16s...): the "
			    "document or the hash was changed at line %ld", n,
			    e->sha256, sha, n);
			return (-1);
		}
		if (e->id[0] == '\0')
			return (0);
		if (w->ndocs == w->capdocs) {
			w->capdocs = w->capdocs == 0 ? 16 : w->capdocs * 2;
			w->docs = xreallocarray(w->docs, w->capdocs,
			    sizeof *w->docs);
		}
		d = &w->docs[w->ndocs++];
		util_copy(d->node, sizeof d->node, e->node);
		util_copy(d->id, sizeof d->id, e->id);
		util_copy(d->sha256, sizeof d->sha256, sha);
		d->line = n;
		return (0);
	}
	if (e->sha256[0] == '\0' || e->id[0] == '\0' ||
	    strcmp(e->event, "refuse") == 0)
		return (0);
	for (i = w->ndocs; i > 0; i--) {
		d = &w->docs[i - 1];
		if (strcmp(d->id, e->id) != 0 || strcmp(d->node, e->node) != 0)
			continue;
		if (strcmp(d->sha256, e->sha256) == 0)
			return (0);
		util_format(w->report, w->len, "line %ld: it names the "
		    "document of command %s by SHA-256 %.16s..., and the "
		    "document line %ld holds for it has SHA-256 %.16s...: the "
		    "log was changed at line %ld or %ld", n, e->id, e->sha256,
		    d->line, d->sha256, d->line, n);
		return (-1);
	}
	return (0);
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

/* Check the chain of the log at path; see proto-audit.h. */
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

static const char *const proto_event_words[] = {
	"propose", "approve", "refuse", "cancel", "expire", "execute", "fire",
	"seal", "destroy", NULL
};

/*
 * An audit line.  Only what the chain needs is checked strictly: a log
 * must read back whatever its writer was handed, refusals of malformed
 * commands included.  The fields are in their keys' byte order, the
 * order of a line, for the writer (proto-write.c): a kill of 1,000
 * routers writes two lines a router on vigild's loop, and jansson's
 * tree, its sorting and its dump were a third of what a line cost there.
 */
static const struct proto_field proto_audit_fields[] = {
	P_STR(struct proto_audit_entry, action, 0),
	P_STR(struct proto_audit_entry, document, 0),
	P_WORDS(struct proto_audit_entry, event, FIELD_NONEMPTY,
	    proto_event_words),
	P_STR(struct proto_audit_entry, id, 0),
	P_STR(struct proto_audit_entry, node, 0),
	P_STR(struct proto_audit_entry, operator, 0),
	P_HEX(struct proto_audit_entry, prev, FIELD_NONEMPTY, 64),
	P_NUM(struct proto_audit_entry, seq, KIND_U64, 0, 1, 0),
	P_STR(struct proto_audit_entry, sha256, FIELD_OPTIONAL),
	P_STR(struct proto_audit_entry, text, 0),
	P_NUM(struct proto_audit_entry, time_ms, KIND_I64, 0, 0, 0),
	P_NUM(struct proto_audit_entry, verified, KIND_BOOL, FIELD_OPTIONAL,
	    0, 0),
};

/* Whether lines are written by the writer, read by the scanner. */
static int	proto_audit_writer_on = 1;

/* One audit line, keys in byte order; see proto-audit.h. */
char *
proto_audit_encode(const struct proto_audit_entry *entry)
{
	struct proto_out	 o = { NULL, 0, 0, 0 };
	json_t			*obj;

	if (proto_audit_writer_on) {
		proto_write_raw(&o, "{");
		proto_write_fields(&o, proto_audit_fields,
		    nitems(proto_audit_fields), entry);
		proto_write_raw(&o, "}");
		return (o.buf);
	}
	if ((obj = json_object()) == NULL)
		fatal("%s: out of memory", __func__);
	proto_encode_fields(obj, proto_audit_fields,
	    nitems(proto_audit_fields), entry, 1);
	return (proto_dump_sorted(obj));
}

/* Turn the writer and scanner of lines on or off; see proto-audit.h. */
void
proto_audit_writer(int on)
{
	proto_audit_writer_on = on;
}

/* Whether entry's line would read back; see proto-audit.h. */
int
proto_audit_readable(struct proto_audit_entry *entry, const char *line,
    size_t len, char *cause, size_t causelen)
{
	struct proto_audit_entry	*check;
	json_t				*doc;
	char				*bare = NULL, first;
	int				 rc;

	/* Without a document the line is the one to read back. */
	first = entry->document[0];
	if (first != '\0') {
		doc = json_stringn(entry->document, strnlen(entry->document,
		    sizeof entry->document));
		if (doc == NULL) {
			util_format(cause, causelen, "audit entry: field "
			    "document is not UTF-8 text");
			return (-1);
		}
		json_decref(doc);
		entry->document[0] = '\0';
		line = bare = proto_audit_encode(entry);
		len = strlen(bare);
		entry->document[0] = first;
	}
	/* Read back into one whose document's room is left untouched. */
	check = proto_audit_new();
	rc = proto_audit_fill(line, len, check, cause, causelen);
	proto_audit_free(check);
	free(bare);
	return (rc);
}

/* Clear entry but for its document's tail; see proto-audit.h. */
void
proto_audit_clear(struct proto_audit_entry *entry)
{
	size_t	tail = offsetof(struct proto_audit_entry, document) +
		    sizeof entry->document;

	memset(entry, 0, offsetof(struct proto_audit_entry, document) + 1);
	memset((char *)entry + tail, 0, sizeof *entry - tail);
}

/* An entry, one this thread kept if it has one; see proto-audit.h. */
struct proto_audit_entry *
proto_audit_new(void)
{
	struct proto_audit_entry	*e;

	if (audit_nkept > 0)
		e = audit_kept[--audit_nkept];
	else
		e = xmalloc(sizeof *e);
	proto_audit_clear(e);
	return (e);
}

/* Keep entry for this thread's next line, or free it; proto-audit.h. */
void
proto_audit_free(struct proto_audit_entry *entry)
{
	if (entry == NULL)
		return;
	if (audit_nkept < AUDIT_KEPT) {
		audit_kept[audit_nkept++] = entry;
		return;
	}
	free(entry);
}

/* Decode one audit line; see proto-audit.h. */
int
proto_audit_decode(const char *line, size_t len,
    struct proto_audit_entry *entry, char *cause, size_t causelen)
{
	memset(entry, 0, sizeof *entry);
	return (proto_audit_fill(line, len, entry, cause, causelen));
}

/*
 * Decode one audit line into entry, cleared already, setting only the
 * fields the line holds.  A line of plain text without its document is
 * read by the scanner (proto-scan.c), which builds no tree: each line
 * vigild writes is read back so (proto_audit_readable), two a router in
 * a kill of 1,000 on its loop, where jansson's parse was a tenth of the
 * loop's time.  Anything else goes to jansson, which says what is wrong.
 * Returns 0, or -1 with a sentence in cause.
 */
static int
proto_audit_fill(const char *line, size_t len,
    struct proto_audit_entry *entry, char *cause, size_t causelen)
{
	static const struct proto_field *const	 tables[] = {
		proto_audit_fields
	};
	static const size_t			 ntables[] = {
		nitems(proto_audit_fields)
	};
	struct proto_scan			 sc;
	struct proto_ctx			 ctx;
	json_t					*root;
	int					 rc;

	proto_ctx_init(&ctx, "audit entry", cause, causelen);
	if (proto_audit_writer_on && len <= 8 * PROTO_DOC_MAX &&
	    proto_scan(&sc, line, len, tables, ntables, 1) == 0)
		return (proto_scan_decode(&ctx, &sc, 0, entry));
	/* A document's every byte may take six to escape: \u001F. */
	if (proto_decode_root(&ctx, line, len, 8 * PROTO_DOC_MAX, &root) != 0)
		return (-1);
	rc = proto_decode_fields(&ctx, root, proto_audit_fields,
	    nitems(proto_audit_fields), entry);
	json_decref(root);
	return (rc);
}
