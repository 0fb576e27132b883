/*
 * util.h: small helpers shared by every program: allocation that dies
 * only on out-of-memory, bounded string copies, clocks.  They live in
 * keys/, the bottom layer, so that keys depends on nothing above it and
 * every layer above may use them.
 */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof (a) / sizeof (a)[0])

/* Die with a message: only for programmer error or out-of-memory. */
void	 fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* The 32-bit FNV-1a hash of s's bytes: stable from run to run. */
uint32_t util_fnv1a(const char *s);

/* Write "who: " and the message, as one line, to stderr. */
void	 util_vsay(const char *who, const char *fmt, va_list ap);

/* malloc/calloc/realloc/strdup that call fatal() instead of failing. */
void	*xmalloc(size_t size);
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *s);

/* Allocate and format like asprintf; never returns NULL. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *fmt, va_list ap);

/*
 * Copy src into dst of size dstlen, always NUL-terminated.  Returns 0, or
 * -1 when src did not fit (dst then holds a truncated copy).
 */
int	 util_copy(char *dst, size_t dstlen, const char *src);

/* Format into a caller's buffer, always NUL-terminated, truncating. */
void	 util_format(char *dst, size_t dstlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * What goes before item i (from 0) of n in a list written "a, b and c",
 * or "a, b or c" when either is set: "", ", ", " and " or " or ".  The
 * one place such lists are joined.
 */
const char *util_list_sep(size_t i, size_t n, int either);

/*
 * Join n names into buf as "a, b and c" (or "a, b or c" when either is
 * set); name(i, arg) gives the i-th.  Truncates to fit len.
 */
void	 util_join(char *buf, size_t len, size_t n,
	    const char *(*name)(size_t, const void *), const void *arg,
	    int either);

/*
 * The visible escape for the character at s (len bytes left, len > 0)
 * when a terminal must not be sent it: a C0 control or DEL ("\e",
 * "\t", "\x07"), a C1 control ("\u009b"), a character that reorders
 * or breaks the text around it (bidirectional overrides and marks, line
 * and paragraph separators: "\u202e") or a byte that does not start
 * valid UTF-8 ("\xff").  Returns the escape's length, written
 * NUL-terminated into esc (at least UTIL_ESCAPE_MAX bytes), or 0 for a
 * printable character; *n gets the bytes the character takes in s.
 */
#define UTIL_ESCAPE_MAX	8
size_t	 util_escape_char(const char *s, size_t len, char *esc,
	    size_t *n);

/*
 * An allocated copy of s that a terminal shows as written and cannot act
 * on: every character util_escape_char() escapes is escaped, and a
 * backslash becomes "\\" so that the escaping reads one way only.
 * Printable UTF-8 passes unchanged.  Never NULL; the caller frees.
 */
char	*util_escape(const char *s);

/*
 * As util_escape(), leaving backslashes alone: for JSON text shown as
 * the exact bytes it is, where a backslash only ever starts a JSON
 * escape and no JSON escape looks like "\e" or "\x07".
 */
char	*util_escape_json(const char *s);

/*
 * The offset of the first character util_escape_char() escapes in s (a
 * control, a bidirectional override, a separator, a byte that is not
 * UTF-8), or -1 when it has none: text a backend reports or records must
 * have none.
 */
long	 util_control_at(const char *s);

/* Milliseconds from a monotonic clock, for intervals and ages. */
int64_t	 util_mono_ms(void);

/* Milliseconds since the Unix epoch, for timestamps shown to people. */
int64_t	 util_wall_ms(void);

/*
 * Write "HH:MM:SS" for a time in ms since the epoch (UTC) into buf,
 * which must hold at least 9 bytes.  Returns buf.
 */
char	*util_clock_text(int64_t epoch_ms, char *buf, size_t len);

/*
 * Write a signed duration as words an operator reads at a glance:
 * "2h05m", "4m07s", "12s", "-3s" (already past).  Returns buf.
 */
char	*util_duration_text(int64_t ms, char *buf, size_t len);

/*
 * Parse "HH:MM:SS" (or "HH:MM") into seconds after midnight.  Returns 0,
 * or -1 and a sentence in cause.
 */
int	 util_parse_clock(const char *s, int *seconds, char *cause,
	    size_t causelen);

/*
 * Parse "ws://HOST:PORT/PATH" or "wss://...".  HOST is a host name, a
 * numeric IPv4 address, or a numeric IPv6 address in brackets ("[::1]",
 * put in host without them); "localhost" becomes 127.0.0.1.  Nothing
 * is looked up here (the links look names up before the loop runs).
 * Fills host (size hostlen), port, path (size pathlen) and tls.
 * Returns 0, or -1 and a sentence naming the problem in cause.
 */
int	 util_parse_url(const char *url, char *host, size_t hostlen, int *port,
	    char *path, size_t pathlen, int *tls, char *cause, size_t causelen);

#endif
