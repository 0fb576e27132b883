/*
 * proto-audit.h: an audit log's lines and the chain's reader, part of the
 * protocol library that vigil and vigild both link.
 *
 * An audit log is JSON lines (proto_audit_encode), each holding the
 * SHA-256 of the line before, so that changing, removing or reordering a
 * line breaks the chain from there on.  Reading and checking the chain
 * lives here; appending to it is vigild's alone (audit.h).
 */
#ifndef VIGIL_PROTO_AUDIT_H
#define VIGIL_PROTO_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/*
 * One line of a backend's audit log (audit.h): JSON with keys in byte
 * order, "prev" the SHA-256 (hex) of the previous line's bytes (64 zeros
 * for the first line).  A refusal holds the document's SHA-256 but not
 * the document, and says whether its operator's signature verified, so
 * that a flood of forged commands costs the log a short line each.
 * Lines written before "sha256" and "verified" existed read back with
 * "" and false.
 */
struct proto_audit_entry {
	uint64_t	seq;			/* 1, 2, ... */
	int64_t		time_ms;		/* wall clock */
	char		node[PROTO_ID_MAX];
	char		event[16];		/* "propose", "approve",
						   "refuse", "cancel",
						   "expire", "execute",
						   "fire", "seal", "destroy" */
	char		id[PROTO_CMDID_MAX];	/* may be "" */
	char		action[16];		/* may be "" */
	char		operator[PROTO_OPERATOR_MAX];	/* may be "" */
	char		text[PROTO_TEXT_MAX];	/* what happened, in words */
	char		document[PROTO_DOC_MAX];/* may be "" */
	char		sha256[65];		/* of the document, or "" */
	int		verified;		/* operator proven by a
						   signature */
	char		prev[65];		/* hex SHA-256 */
};

/* The line (without newline) for entry, allocated; never NULL. */
char	*proto_audit_encode(const struct proto_audit_entry *entry);

/*
 * Whether proto_audit_encode() writes a line straight into its text
 * (proto-write.c) rather than through jansson's tree, and a plain line is
 * read by the scanner (proto-scan.c) rather than jansson (on unless
 * turned off).  What is written, taken and refused is the same either
 * way; the tests turn it off to compare the two paths.
 */
void	 proto_audit_writer(int on);

/*
 * Clear entry as memset() to 0 would for every reader: all of it but
 * the document's bytes past its first, which stay as they were behind
 * an empty document.  An entry has room for a whole document (192 KB),
 * and a kill of 1,000 routers makes a few for each line it writes: so
 * their pages are not touched, faulted in and cleared each time.
 */
void	 proto_audit_clear(struct proto_audit_entry *entry);

/*
 * An entry to fill, cleared (proto_audit_clear), and its return: this
 * thread keeps the last few it returned for its next lines, since
 * glibc gives a freed 192 KB entry's pages back to the kernel (the
 * heap's top trimmed, every core's TLB flushed) and the next line
 * faults them in again: in a kill of 1,000 routers that was a third
 * of vigild's loop.  Never fails (xmalloc); proto_audit_free(NULL) is
 * nothing.
 */
struct proto_audit_entry *proto_audit_new(void);
void	 proto_audit_free(struct proto_audit_entry *entry);

/* Decode one line.  Returns 0, or -1 with a sentence in cause. */
int	 proto_audit_decode(const char *line, size_t len,
	    struct proto_audit_entry *entry, char *cause, size_t causelen);

/*
 * Whether the line for entry would decode: its document is UTF-8 (every
 * other check on it holds by its type), and the line without it reads
 * back; so a document of 1,000 targets is not parsed again on every
 * line.  line, len bytes, is entry's line as proto_audit_encode() gave
 * it: read back itself when entry has no document, rather than encoded
 * again (two lines a router in a kill of 1,000).  Returns 0, or -1 with
 * why in cause.
 */
int	 proto_audit_readable(struct proto_audit_entry *entry,
	    const char *line, size_t len, char *cause, size_t causelen);

/*
 * What one line says about a command id, for a node learning at start
 * which ids it has seen: a line naming an id, unless it is a refusal
 * whose operator was not proven.
 */
struct audit_mark {
	char	node[PROTO_ID_MAX];
	char	event[16];
	char	id[PROTO_CMDID_MAX];
	int	verified;
};


/* A document a line of the log brought, as later lines name it. */
struct audit_doc {
	char	node[PROTO_ID_MAX];
	char	id[PROTO_CMDID_MAX];
	char	sha256[65];
	long	line;
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
	struct audit_doc *docs;		/* documents met so far */
	size_t		 ndocs;
	size_t		 capdocs;
};

/*
 * Read the log on fd line by line and check its chain; w->report and
 * w->len name the caller's buffer for a sentence.  Besides the chain,
 * a line's document must have the SHA-256 the line gives, and a line
 * that names a command's document by its hash only (an approval, an
 * execution, ... after the proposal's line) must name the one the
 * proposal's line holds.  Returns 0 with the last line's seq and hash in
 * w, or -1 with the first broken line named in w->report and
 * w->bad_line.  w->docs is freed either way.
 */
int		 audit_walk(int fd, struct audit_walk *w);

/*
 * Check the chain of the log at path, and each command's document
 * against the hashes that name it (audit_walk).  Returns 0 and, in
 * report, a line
 * saying how many entries are intact; or -1 and, in report, a sentence
 * naming the first broken line and what is wrong with it ("line 7: its
 * prev does not match the SHA-256 of line 6: the log was changed at or
 * before line 6"); *bad_line (if not NULL) gets that line number, or 0.
 */
int		 audit_verify(const char *path, char *report, size_t len,
		    long *bad_line);

#endif
