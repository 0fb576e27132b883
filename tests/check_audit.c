/*
 * check_audit.c: the audit log a backend keeps.  Its lines chain by
 * SHA-256, so any changed, removed or reordered line is found and named;
 * a damaged log is never appended to; a line that cannot be written and
 * synced is refused and leaves nothing behind.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "proto-audit.h"
#include "opkey.h"
#include "proto.h"
#include "tests.h"
#include "util.h"

static void	 make_dir(void);
static void	 remove_dir(void);
static void	 fill(struct proto_audit_entry *, int);
static void	 write_log(const char *, int);
static char	*slurp(const char *, size_t *);
static void	 spew(const char *, const char *, size_t);
static size_t	 line_start(const char *, size_t, int);
static void	 assert_says(const char *, const char *);
static void	 assert_unchanged(const struct stat *, const char *);

static char	dir[64];
static char	logpath[128];

/* A fresh directory for one test's files. */
static void
make_dir(void)
{
	util_copy(dir, sizeof dir, "/tmp/vigil-audit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(logpath, sizeof logpath, "%s/audit.log", dir);
}

/* Remove the test's directory and what it holds. */
static void
remove_dir(void)
{
	char	cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Entry i of a log: every event, some with a document. */
static void
fill(struct proto_audit_entry *e, int i)
{
	static const char *const events[] = {
		"propose", "approve", "execute", "refuse", "cancel", "expire"
	};

	memset(e, 0, sizeof *e);
	e->time_ms = 1343826060000LL + i * 1000;
	util_copy(e->node, sizeof e->node, "router/r8");
	util_copy(e->event, sizeof e->event, events[i % 6]);
	util_copy(e->id, sizeof e->id, "0123456789abcdef0123456789abcdef");
	util_copy(e->action, sizeof e->action, "kill");
	util_copy(e->operator, sizeof e->operator, i % 2 ? "bob" : "alice");
	util_format(e->text, sizeof e->text, "entry %d: alice proposed kill "
	    "of router/r8", i);
	if (i % 2 == 0)
		util_copy(e->document, sizeof e->document, "{\"action\":"
		    "\"kill\",\"v\":1}");
}

/* A log of n entries at path, made through the API. */
static void
write_log(const char *path, int n)
{
	struct proto_audit_entry	 e;
	struct audit			*a;
	char				*cause = NULL;
	int				 i;

	a = audit_open(path, &cause);
	ck_assert_msg(a != NULL, "audit_open: %s", cause);
	for (i = 1; i <= n; i++) {
		fill(&e, i);
		ck_assert_msg(audit_append(a, &e, &cause) == 0, "append: %s",
		    cause);
		ck_assert_uint_eq(e.seq, (uint64_t)i);
	}
	audit_close(a);
}

/* The whole file, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

/* Replace the file's contents. */
static void
spew(const char *path, const char *buf, size_t len)
{
	FILE	*f;

	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Offset of line n (from 1) in buf. */
static size_t
line_start(const char *buf, size_t len, int n)
{
	size_t	off = 0;

	while (--n > 0) {
		const char *nl = memchr(buf + off, '\n', len - off);

		ck_assert_ptr_nonnull(nl);
		off = (size_t)(nl - buf) + 1;
	}
	return (off);
}

/* The sentence must contain want. */
static void
assert_says(const char *sentence, const char *want)
{
	ck_assert_msg(sentence != NULL && strstr(sentence, want) != NULL,
	    "sentence \"%s\" does not say \"%s\"", sentence, want);
}

START_TEST(a_chain_of_lines_verifies)
{
	struct proto_audit_entry	 e;
	struct stat			 st;
	char				*buf, report[512], hash[65], want[80];
	size_t				 len, off, next;
	long				 bad = -1;
	int				 i;

	make_dir();
	write_log(logpath, 6);
	ck_assert_int_eq(stat(logpath, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	ck_assert_int_eq(bad, 0);
	assert_says(report, "6 entries intact, seq 1 to 6; the last line's "
	    "SHA-256 is ");

	/* Each line holds its seq and the SHA-256 of the line before. */
	buf = slurp(logpath, &len);
	ck_assert_int_eq(buf[len - 1], '\n');
	memset(hash, '0', 64);
	hash[64] = '\0';
	for (i = 1, off = 0; i <= 6; i++, off = next + 1) {
		next = (size_t)((char *)memchr(buf + off, '\n', len - off) -
		    buf);
		ck_assert_int_eq(proto_audit_decode(buf + off, next - off, &e,
		    report, sizeof report), 0);
		ck_assert_uint_eq(e.seq, (uint64_t)i);
		ck_assert_str_eq(e.prev, hash);
		opkey_sha256_hex(buf + off, next - off, hash);
	}
	ck_assert_uint_eq(off, len);
	/* The report's hash is the last line's, for keeping elsewhere. */
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, NULL), 0);
	snprintf(want, sizeof want, "SHA-256 is %s:", hash);
	assert_says(report, want);
	free(buf);
	remove_dir();
}
END_TEST

START_TEST(every_flipped_byte_is_found_at_the_first_line_it_breaks)
{
	char	*buf, report[512];
	size_t	 len, off, end, i;
	long	 bad;
	int	 line, fd;

	make_dir();
	write_log(logpath, 5);
	buf = slurp(logpath, &len);
	ck_assert_int_ge(fd = open(logpath, O_WRONLY), 0);
	/*
	 * A change anywhere in lines 1 to 4, their newlines included, is
	 * found: at its own line when that no longer reads or chains, else
	 * at the next, whose prev no longer matches.
	 */
	for (line = 1; line <= 4; line++) {
		off = line_start(buf, len, line);
		end = line_start(buf, len, line + 1);
		for (i = off; i < end; i++) {
			char	c = buf[i] ^ 0x01;

			ck_assert_int_eq(pwrite(fd, &c, 1, (off_t)i), 1);
			bad = 0;
			ck_assert_msg(audit_verify(logpath, report,
			    sizeof report, &bad) == -1, "flip at byte %zu of "
			    "line %d not found", i - off, line);
			ck_assert_msg(bad == line || bad == line + 1, "flip in "
			    "line %d reported at line %ld: %s", line, bad,
			    report);
			ck_assert_int_eq(pwrite(fd, buf + i, 1, (off_t)i), 1);
		}
	}
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);

	/* A letter of line 2's text: line 3 no longer chains to it. */
	off = line_start(buf, len, 2);
	i = (size_t)(strstr(buf + off, "proposed") - buf);
	ck_assert_int_eq(pwrite(fd, "P", 1, (off_t)i), 1);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 3);
	ck_assert_str_eq(report, "line 3: its prev does not match the SHA-256 "
	    "of line 2: the log was changed at or before line 2");
	ck_assert_int_eq(pwrite(fd, buf + i, 1, (off_t)i), 1);

	/* A digit of line 4's prev: line 4 itself is named. */
	off = line_start(buf, len, 4);
	i = (size_t)(strstr(buf + off, "\"prev\":\"") - buf) + 8;
	ck_assert_int_eq(pwrite(fd, buf[i] == 'f' ? "e" : "f", 1, (off_t)i),
	    1);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 4);
	assert_says(report, "line 4: its prev does not match the SHA-256 of "
	    "line 3");
	ck_assert_int_eq(pwrite(fd, buf + i, 1, (off_t)i), 1);

	/* A digit of line 1's prev: the first line chains to nothing. */
	i = (size_t)(strstr(buf, "\"prev\":\"") - buf) + 8;
	ck_assert_int_eq(pwrite(fd, "1", 1, (off_t)i), 1);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 1);
	assert_says(report, "line 1: its prev is not 64 zeros");
	ck_assert_int_eq(pwrite(fd, buf + i, 1, (off_t)i), 1);

	/* Line 2 made into something that is not an entry. */
	off = line_start(buf, len, 2);
	ck_assert_int_eq(pwrite(fd, "[", 1, (off_t)off), 1);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 2);
	assert_says(report, "line 2 is not an audit entry (audit entry is not "
	    "JSON: ");
	assert_says(report, "the log was changed or damaged at line 2");
	ck_assert_int_eq(pwrite(fd, buf + off, 1, (off_t)off), 1);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	close(fd);
	free(buf);
	remove_dir();
}
END_TEST

START_TEST(a_change_to_the_last_line_shows_in_the_reported_hash)
{
	char	*buf, before[512], after[512];
	size_t	 len, off;

	make_dir();
	write_log(logpath, 3);
	ck_assert_int_eq(audit_verify(logpath, before, sizeof before, NULL),
	    0);
	buf = slurp(logpath, &len);
	off = (size_t)(strstr(buf + line_start(buf, len, 3), "proposed") -
	    buf);
	buf[off] = 'P';
	spew(logpath, buf, len);
	/* No later line breaks; the hash kept from before tells. */
	ck_assert_int_eq(audit_verify(logpath, after, sizeof after, NULL), 0);
	ck_assert_str_ne(after, before);
	free(buf);
	remove_dir();
}
END_TEST

START_TEST(a_removed_or_moved_line_is_found)
{
	char	*buf, *cut, report[512];
	size_t	 len, l2, l3, l4;
	long	 bad;

	make_dir();
	write_log(logpath, 5);
	buf = slurp(logpath, &len);
	l2 = line_start(buf, len, 2);
	l3 = line_start(buf, len, 3);
	l4 = line_start(buf, len, 4);
	cut = xmalloc(len);

	/* Line 3 removed: the line now third has seq 4. */
	memcpy(cut, buf, l3);
	memcpy(cut + l3, buf + l4, len - l4);
	spew(logpath, cut, len - (l4 - l3));
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 3);
	ck_assert_str_eq(report, "line 3: its seq is 4 where 3 was expected: "
	    "the line was changed, or lines were removed, added or reordered "
	    "before it");

	/* Line 1 removed. */
	spew(logpath, buf + l2, len - l2);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 1);

	/* Lines 2 and 3 swapped. */
	memcpy(cut, buf, l2);
	memcpy(cut + l2, buf + l3, l4 - l3);
	memcpy(cut + l2 + (l4 - l3), buf + l2, l3 - l2);
	memcpy(cut + l4, buf + l4, len - l4);
	spew(logpath, cut, len);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 2);

	/* The last line cut short, as a crash mid-write would leave it. */
	spew(logpath, buf, len - 10);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad),
	    -1);
	ck_assert_int_eq(bad, 5);
	assert_says(report, "line 5 does not end in a newline: a write was "
	    "cut short");
	free(cut);
	free(buf);
	remove_dir();
}
END_TEST

START_TEST(reopening_continues_the_chain)
{
	struct proto_audit_entry	 e;
	struct audit			*a;
	char				*cause = NULL, report[512];
	long				 bad;

	make_dir();
	write_log(logpath, 3);
	a = audit_open(logpath, &cause);
	ck_assert_msg(a != NULL, "audit_open: %s", cause);
	ck_assert_str_eq(audit_path(a), logpath);
	fill(&e, 4);
	ck_assert_int_eq(audit_append(a, &e, &cause), 0);
	ck_assert_uint_eq(e.seq, 4);
	fill(&e, 5);
	ck_assert_int_eq(audit_append(a, &e, &cause), 0);
	ck_assert_uint_eq(e.seq, 5);
	audit_close(a);
	audit_close(NULL);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	assert_says(report, "5 entries intact, seq 1 to 5");

	/* An empty log, just created, verifies as empty. */
	snprintf(logpath, sizeof logpath, "%s/empty.log", dir);
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	audit_close(a);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	assert_says(report, "the log is empty");
	remove_dir();
}
END_TEST

START_TEST(a_damaged_log_is_never_appended_to)
{
	struct audit	*a, *b;
	char		*buf, *cause = NULL;
	size_t		 len, off;

	make_dir();
	write_log(logpath, 4);
	buf = slurp(logpath, &len);
	off = (size_t)(strstr(buf + line_start(buf, len, 2), "proposed") -
	    buf);
	buf[off] = 'X';
	spew(logpath, buf, len);
	ck_assert_ptr_null(audit_open(logpath, &cause));
	assert_says(cause, "is damaged: line 3: its prev does not match the "
	    "SHA-256 of line 2: the log was changed at or before line 2; new "
	    "lines would hide that: keep the file as evidence, move it aside "
	    "and start with a new log");
	free(cause);
	cause = NULL;

	/* Half a line at the end is damage too. */
	buf[off] = 'p';
	spew(logpath, buf, len - 1);
	ck_assert_ptr_null(audit_open(logpath, &cause));
	assert_says(cause, "line 4 does not end in a newline");
	free(cause);
	cause = NULL;

	/* One writer at a time: a second would fork the chain. */
	spew(logpath, buf, len);
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(b = audit_open(logpath, &cause));
	assert_says(cause, "is in use by another process: two writers would "
	    "break its chain");
	free(cause);
	audit_close(a);
	free(buf);
	remove_dir();
}
END_TEST

START_TEST(paths_that_cannot_hold_a_log_are_refused)
{
	char	 path[192], *cause = NULL;

	make_dir();
	ck_assert_ptr_null(audit_open(dir, &cause));
	assert_says(cause, "cannot be opened for appending: Is a directory: "
	    "it is a directory: give --audit the path of a file");
	free(cause);

	snprintf(path, sizeof path, "%s/missing/audit.log", dir);
	ck_assert_ptr_null(audit_open(path, &cause));
	assert_says(cause, "its directory does not exist");
	free(cause);

	/* /dev/full takes writes and fails them; it is no file to read. */
	snprintf(path, sizeof path, "%s/full.log", dir);
	ck_assert_int_eq(symlink("/dev/full", path), 0);
	ck_assert_ptr_null(audit_open(path, &cause));
	assert_says(cause, "is not a regular file");
	free(cause);
	remove_dir();
}
END_TEST

/* The log is as big as before and verifies, saying intact. */
static void
assert_unchanged(const struct stat *before, const char *intact)
{
	struct stat	after;
	char		report[512];
	long		bad;

	ck_assert_int_eq(stat(logpath, &after), 0);
	ck_assert_int_eq(after.st_size, before->st_size);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	assert_says(report, intact);
}

/*
 * A line is checked before it is written without parsing its document
 * again: a document of 100 KB is written and reads back; one that is
 * not UTF-8 is refused in words and leaves the log as it was.
 */
START_TEST(a_large_document_is_kept_and_a_bad_one_refused)
{
	static struct proto_audit_entry	 e;
	struct audit			*a;
	struct stat			 before;
	char				*cause = NULL;
	size_t				 i;

	make_dir();
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	fill(&e, 0);
	for (i = 0; i + 1 < 100000; i++)
		e.document[i] = (char)('a' + i % 26);
	ck_assert_int_eq(audit_append(a, &e, &cause), 0);
	ck_assert_int_eq(stat(logpath, &before), 0);
	ck_assert_int_gt(before.st_size, 100000);

	fill(&e, 2);
	util_copy(e.document, sizeof e.document, "{\"reason\":\"\xff\"}");
	ck_assert_int_eq(audit_append(a, &e, &cause), -1);
	assert_says(cause, "the entry would not read back (audit entry: "
	    "field document is not UTF-8 text); it was not written");
	free(cause);
	assert_unchanged(&before, "1 entry intact");
	audit_close(a);
	remove_dir();
}
END_TEST

/*
 * The entries a thread gives back are handed out again for its next
 * lines (a kill of 1,000 routers writes two lines a router): one that
 * held a large document comes back empty, and the next line written
 * with it holds none of the old one's fields.
 */
START_TEST(an_entry_given_back_comes_again_empty)
{
	struct proto_audit_entry	*e;
	struct audit			*a;
	char				*cause = NULL, *log;
	size_t				 i, len;

	make_dir();
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	e = proto_audit_new();
	fill(e, 0);
	for (i = 0; i + 1 < 100000; i++)
		e->document[i] = (char)('a' + i % 26);
	e->verified = 1;
	ck_assert_int_eq(audit_append(a, e, &cause), 0);
	proto_audit_free(e);

	e = proto_audit_new();
	ck_assert_int_eq(e->seq, 0);
	ck_assert_int_eq(e->time_ms, 0);
	ck_assert_int_eq(e->verified, 0);
	ck_assert_str_eq(e->node, "");
	ck_assert_str_eq(e->event, "");
	ck_assert_str_eq(e->id, "");
	ck_assert_str_eq(e->operator, "");
	ck_assert_str_eq(e->text, "");
	ck_assert_str_eq(e->document, "");
	ck_assert_str_eq(e->sha256, "");
	ck_assert_str_eq(e->prev, "");
	util_copy(e->node, sizeof e->node, "router/r9");
	util_copy(e->event, sizeof e->event, "approve");
	util_copy(e->text, sizeof e->text, "bob approved kill");
	ck_assert_int_eq(audit_append(a, e, &cause), 0);
	proto_audit_free(e);
	audit_close(a);

	log = slurp(logpath, &len);
	ck_assert_ptr_nonnull(strstr(log, "abcdefghij"));
	i = line_start(log, len, 2);
	ck_assert_ptr_null(strstr(log + i, "abcdefghij"));
	ck_assert_ptr_null(strstr(log + i, "alice"));
	ck_assert_ptr_nonnull(strstr(log + i, "bob approved kill"));
	free(log);
	remove_dir();
}
END_TEST

START_TEST(a_line_that_cannot_be_written_is_refused_and_leaves_nothing)
{
	struct proto_audit_entry	 e;
	struct audit			*a;
	struct rlimit			 saved, small;
	struct stat			 before;
	char				*cause = NULL, report[512];
	long				 bad;
	int				 rc;

	make_dir();
	write_log(logpath, 2);
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(stat(logpath, &before), 0);

	/*
	 * The file may grow by 20 bytes only, so the write stops part way
	 * and then fails, as on a full disk.  No assertion runs while the
	 * limit holds: Check writes its own messages to a file.
	 */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = (rlim_t)before.st_size + 20;
	fill(&e, 3);
	setrlimit(RLIMIT_FSIZE, &small);
	rc = audit_append(a, &e, &cause);
	setrlimit(RLIMIT_FSIZE, &saved);

	ck_assert_int_eq(rc, -1);
	assert_says(cause, "audit log ");
	assert_says(cause, "could not be written: File too large; free space "
	    "on its filesystem or repair it, then try again");
	free(cause);
	/* The part written was cut off again, and the chain holds. */
	assert_unchanged(&before, "2 entries intact");

	/* Once there is room, the next line follows on. */
	fill(&e, 3);
	ck_assert_int_eq(audit_append(a, &e, &cause), 0);
	ck_assert_uint_eq(e.seq, 3);
	audit_close(a);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	assert_says(report, "3 entries intact");
	remove_dir();
}
END_TEST

/*
 * A group sync that ran while the loop went on writing made durable only
 * the lines written before it began (audit_point): a later line waits
 * for its own sync, and when that one fails it is cut off, the earlier
 * one kept.  Taken at the sync's end instead, the size would count the
 * later line as durable and its failed sync would go unnoticed.
 */
START_TEST(a_sync_makes_durable_only_the_lines_before_it_began)
{
	struct proto_audit_entry	 e;
	struct audit			*a;
	struct audit_ticket		 first, second;
	struct audit_point		 at, at2;
	char				*cause = NULL, report[512];
	long				 bad;

	make_dir();
	write_log(logpath, 2);
	a = audit_open(logpath, &cause);
	ck_assert_ptr_nonnull(a);
	fill(&e, 3);
	ck_assert_int_eq(audit_append_unsynced(a, &e, &cause), 0);
	audit_ticket(a, &first);
	audit_point(a, &at);
	/* Written while the sync of the line before it runs. */
	fill(&e, 4);
	ck_assert_int_eq(audit_append_unsynced(a, &e, &cause), 0);
	audit_ticket(a, &second);
	ck_assert_int_eq(fdatasync(audit_fd(a)), 0);
	ck_assert_int_eq(audit_synced_at(a, 0, &at, &first, &cause), 0);
	ck_assert_ptr_null(cause);

	/* The second line's own sync fails: it goes, the first stays. */
	audit_point(a, &at2);
	ck_assert_int_eq(audit_synced_at(a, EIO, &at2, &second, &cause), -1);
	assert_says(cause, "could not be synced to disk (fdatasync: "
	    "Input/output error); the line may not last");
	free(cause);
	ck_assert_int_eq(audit_synced_at(a, 0, &at, &first, &cause), 0);
	audit_close(a);
	ck_assert_int_eq(audit_verify(logpath, report, sizeof report, &bad), 0);
	assert_says(report, "3 entries intact, seq 1 to 3");
	remove_dir();
}
END_TEST

Suite *
audit_suite(void)
{
	Suite	*s = suite_create("audit");
	TCase	*tc = tcase_create("audit");

	/* Flipping every byte of a log takes ~1 s, more when loaded. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_chain_of_lines_verifies);
	tcase_add_test(tc,
	    every_flipped_byte_is_found_at_the_first_line_it_breaks);
	tcase_add_test(tc,
	    a_change_to_the_last_line_shows_in_the_reported_hash);
	tcase_add_test(tc, a_removed_or_moved_line_is_found);
	tcase_add_test(tc, reopening_continues_the_chain);
	tcase_add_test(tc, a_damaged_log_is_never_appended_to);
	tcase_add_test(tc, paths_that_cannot_hold_a_log_are_refused);
	tcase_add_test(tc,
	    a_line_that_cannot_be_written_is_refused_and_leaves_nothing);
	tcase_add_test(tc, a_large_document_is_kept_and_a_bad_one_refused);
	tcase_add_test(tc, an_entry_given_back_comes_again_empty);
	tcase_add_test(tc, a_sync_makes_durable_only_the_lines_before_it_began);
	suite_add_tcase(s, tc);
	return (s);
}
