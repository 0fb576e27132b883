/*
 * util.c: allocation, bounded strings, clocks and the small parsers every
 * program shares, in keys/, the bottom layer (see util.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static size_t	 util_utf8_len(const unsigned char *, size_t);
static int	 util_reorders(const unsigned char *);
static char	*util_escape_text(const char *, int);
static int	 util_parse_url6(const char *, const char *, char *, size_t,
		    int *, char *, size_t, char *, size_t);
static int	 util_parse_port(const char *, const char *, int *, char *,
		    size_t, char *, size_t);

/* Die with a message: only for programmer error or out-of-memory. */
void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	util_vsay("fatal", fmt, ap);
	va_end(ap);
	abort();
}

/* FNV-1a, 32 bits, over s up to its NUL. */
uint32_t
util_fnv1a(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return (h);
}

/*
 * One line to stderr, "who: " first; see util.h.  Made whole before the
 * one fprintf: stderr is unbuffered, so a call each for "who: ", the
 * message and the newline was three system calls a line (vigild logs a
 * line a router in a kill of 1,000), and two threads or processes
 * sharing the stream could cut into each other's lines.
 */
void
util_vsay(const char *who, const char *fmt, va_list ap)
{
	char	 buf[1024], *line = buf, *big = NULL;
	va_list	 aq;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof buf, fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof buf && vasprintf(&big, fmt, ap) != -1)
		line = big;
	fprintf(stderr, "%s: %s\n", who, n < 0 ? fmt : line);
	free(big);
}

/* malloc that never returns NULL. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("out of memory allocating %zu bytes", size);
	return (p);
}

/* calloc that never returns NULL. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory allocating %zu x %zu bytes", n, size);
	return (p);
}

/* reallocarray that never returns NULL and checks for overflow. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*q;

	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation of %zu x %zu bytes overflows", n, size);
	if (n == 0 || size == 0)
		n = size = 1;
	if ((q = realloc(p, n * size)) == NULL)
		fatal("out of memory allocating %zu x %zu bytes", n, size);
	return (q);
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory copying a string");
	return (p);
}

/* vasprintf that never returns NULL. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory formatting a string");
	return (s);
}

/* asprintf that never returns NULL. */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return (s);
}

/* Bounded copy; -1 when src was truncated. */
int
util_copy(char *dst, size_t dstlen, const char *src)
{
	size_t	len = strlen(src);

	if (dstlen == 0)
		return (-1);
	if (len >= dstlen) {
		memcpy(dst, src, dstlen - 1);
		dst[dstlen - 1] = '\0';
		return (-1);
	}
	memcpy(dst, src, len + 1);
	return (0);
}

/*
 * The bytes of the UTF-8 character at s (len bytes left), or 0 when s
 * does not start one: overlong forms, surrogates and values past
 * U+10FFFF are not UTF-8 (RFC 3629).
 */
static size_t
util_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (len < n || s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return (0);
	}
	return (n);
}

/* The visible escape of one character, or 0; see util.h. */
size_t
util_escape_char(const char *s, size_t len, char *esc, size_t *n)
{
	static const char	 named[] = "\aa\bb\tt\nn\vv\ff\rr\033e";
	const unsigned char	*u = (const unsigned char *)s;
	const char		*p;

	*n = util_utf8_len(u, len);
	if (*n == 0) {
		*n = 1;
		return ((size_t)snprintf(esc, UTIL_ESCAPE_MAX, "\\x%02x",
		    u[0]));
	}
	if (*n == 2 && u[0] == 0xc2 && u[1] <= 0x9f)
		return ((size_t)snprintf(esc, UTIL_ESCAPE_MAX, "\\u%04x",
		    u[1]));
	if (*n == 3 && util_reorders(u))
		return ((size_t)snprintf(esc, UTIL_ESCAPE_MAX, "\\u%04x",
		    ((u[0] & 0x0fU) << 12) | ((u[1] & 0x3fU) << 6) |
		    (u[2] & 0x3fU)));
	if (*n > 1 || (u[0] >= 0x20 && u[0] != 0x7f))
		return (0);
	for (p = named; u[0] != 0 && *p != '\0'; p += 2) {
		if (*p == (char)u[0])
			return ((size_t)snprintf(esc, UTIL_ESCAPE_MAX, "\\%c",
			    p[1]));
	}
	return ((size_t)snprintf(esc, UTIL_ESCAPE_MAX, "\\x%02x", u[0]));
}

/*
 * Whether the three-byte UTF-8 character at u moves or breaks the text
 * around it: the bidirectional marks, embeddings, overrides and isolates
 * (U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the line and
 * paragraph separators (U+2028, U+2029).  An override can make
 * "router/r8" read as "8r/retuor" to the operator who signs it.
 */
static int
util_reorders(const unsigned char *u)
{
	unsigned	cp;

	cp = ((u[0] & 0x0fU) << 12) | ((u[1] & 0x3fU) << 6) | (u[2] & 0x3fU);
	return (cp == 0x200e || cp == 0x200f || (cp >= 0x2028 &&
	    cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069));
}

/* An escaped copy of s; see util.h. */
char *
util_escape(const char *s)
{
	return (util_escape_text(s, 1));
}

/* An escaped copy of JSON text s; see util.h. */
char *
util_escape_json(const char *s)
{
	return (util_escape_text(s, 0));
}

/* Escape s, and with backslash set, its backslashes too. */
static char *
util_escape_text(const char *s, int backslash)
{
	size_t	len = strlen(s), in = 0, out = 0, n, e;
	char	esc[UTIL_ESCAPE_MAX], *buf;

	/* No escape is longer than 6 bytes for each byte it stands for. */
	buf = xmalloc(len * 6 + 1);
	while (in < len) {
		if (backslash && s[in] == '\\') {
			memcpy(buf + out, "\\\\", 2);
			out += 2;
			in++;
			continue;
		}
		if ((e = util_escape_char(s + in, len - in, esc, &n)) > 0) {
			memcpy(buf + out, esc, e);
			out += e;
		} else {
			memcpy(buf + out, s + in, n);
			out += n;
		}
		in += n;
	}
	buf[out] = '\0';
	return (buf);
}

/* Where the first control character of s is, or -1; see util.h. */
long
util_control_at(const char *s)
{
	char	esc[UTIL_ESCAPE_MAX];
	size_t	i = 0, len = strlen(s), n;

	while (i < len) {
		if (util_escape_char(s + i, len - i, esc, &n) > 0)
			return ((long)i);
		i += n;
	}
	return (-1);
}

/* Bounded, truncating snprintf into a caller's buffer. */
void
util_format(char *dst, size_t dstlen, const char *fmt, ...)
{
	va_list	ap;

	if (dstlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(dst, dstlen, fmt, ap);
	va_end(ap);
}

/* The separator before item i of n in "a, b and c"; see util.h. */
const char *
util_list_sep(size_t i, size_t n, int either)
{
	if (i == 0)
		return ("");
	if (i + 1 == n)
		return (either ? " or " : " and ");
	return (", ");
}

/* Join n names as "a, b and c"; see util.h. */
void
util_join(char *buf, size_t len, size_t n,
    const char *(*name)(size_t, const void *), const void *arg, int either)
{
	size_t	i, used;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s%s",
		    util_list_sep(i, n, either), name(i, arg));
	}
}

/* Monotonic milliseconds. */
int64_t
util_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Wall-clock milliseconds since the epoch. */
int64_t
util_wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* "HH:MM:SS" of an epoch time in UTC. */
char *
util_clock_text(int64_t epoch_ms, char *buf, size_t len)
{
	time_t		t;
	struct tm	tm;

	t = (time_t)(epoch_ms / 1000);
	if (epoch_ms < 0 && epoch_ms % 1000 != 0)
		t--;
	if (gmtime_r(&t, &tm) == NULL) {
		util_copy(buf, len, "--:--:--");
		return (buf);
	}
	util_format(buf, len, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	return (buf);
}

/*
 * A duration at a glance.  Seconds are dropped past an hour and minutes
 * past a day, because precision there is noise to an operator.
 */
char *
util_duration_text(int64_t ms, char *buf, size_t len)
{
	const char	*sign = "";
	int64_t		 s;

	if (ms < 0) {
		sign = "-";
		ms = -ms;
	}
	s = ms / 1000;
	if (s >= 86400)
		util_format(buf, len, "%s%lldd%02lldh", sign,
		    (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		util_format(buf, len, "%s%lldh%02lldm", sign,
		    (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		util_format(buf, len, "%s%lldm%02llds", sign,
		    (long long)(s / 60), (long long)(s % 60));
	else
		util_format(buf, len, "%s%llds", sign, (long long)s);
	return (buf);
}

/* Parse "HH:MM[:SS]" into seconds after midnight. */
int
util_parse_clock(const char *s, int *seconds, char *cause, size_t causelen)
{
	int	h, m, sec = 0, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2)
		goto bad;
	if (s[n] == ':') {
		int	n2 = 0;

		if (sscanf(s + n + 1, "%2d%n", &sec, &n2) != 1)
			goto bad;
		n += 1 + n2;
	}
	if (s[n] != '\0' || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 ||
	    sec > 59)
		goto bad;
	*seconds = h * 3600 + m * 60 + sec;
	return (0);
bad:
	util_format(cause, causelen, "time \"%s\" is not a time of day; "
	    "write it as HH:MM:SS, for example 09:29:50", s);
	return (-1);
}

/*
 * Parse a ws:// or wss:// URL whose host is a name, a numeric IPv4
 * address or an IPv6 address in brackets.
 */
int
util_parse_url(const char *url, char *host, size_t hostlen, int *port,
    char *path, size_t pathlen, int *tls, char *cause, size_t causelen)
{
	const char	*p, *colon, *slash;
	size_t		 n;

	if (strncmp(url, "ws://", 5) == 0) {
		*tls = 0;
		p = url + 5;
	} else if (strncmp(url, "wss://", 6) == 0) {
		*tls = 1;
		p = url + 6;
	} else {
		util_format(cause, causelen, "backend address \"%s\" is not a "
		    "websocket URL; write ws://HOST:PORT or wss://HOST:PORT",
		    url);
		return (-1);
	}
	if (*p == '[')
		return (util_parse_url6(url, p, host, hostlen, port, path,
		    pathlen, cause, causelen));
	slash = strchr(p, '/');
	colon = strchr(p, ':');
	if (colon == NULL || (slash != NULL && colon > slash)) {
		util_format(cause, causelen, "backend address \"%s\" has no "
		    "port; write it as wss://HOST:PORT", url);
		return (-1);
	}
	n = (size_t)(colon - p);
	if (n == 0 || n >= hostlen) {
		util_format(cause, causelen, "backend address \"%s\" has an "
		    "empty or overlong host", url);
		return (-1);
	}
	memcpy(host, p, n);
	host[n] = '\0';
	if (util_parse_port(url, colon + 1, port, path, pathlen, cause,
	    causelen) != 0)
		return (-1);
	if (strcmp(host, "localhost") == 0)
		util_copy(host, hostlen, "127.0.0.1");
	for (p = host; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr(".-_", *p) == NULL) {
			util_format(cause, causelen, "backend address \"%s\" "
			    "names host \"%s\", which is neither a host name "
			    "nor an address; write wss://HOST:PORT with a "
			    "name, an IPv4 address, or an IPv6 one in brackets "
			    "such as [::1]", url, host);
			return (-1);
		}
	}
	return (0);
}

/*
 * The host of url is a bracketed IPv6 literal starting at p, as in
 * ws://[::1]:9001/ (RFC 3986): put it in host without the brackets.
 */
static int
util_parse_url6(const char *url, const char *p, char *host, size_t hostlen,
    int *port, char *path, size_t pathlen, char *cause, size_t causelen)
{
	struct in6_addr	 a6;
	const char	*close;
	size_t		 n;

	if ((close = strchr(p, ']')) == NULL) {
		util_format(cause, causelen, "backend address \"%s\" opens an "
		    "IPv6 address with [ and does not close it; write it as "
		    "ws://[ADDRESS]:PORT, for example ws://[::1]:9001", url);
		return (-1);
	}
	n = (size_t)(close - p - 1);
	if (n == 0 || n >= hostlen) {
		util_format(cause, causelen, "backend address \"%s\" has an "
		    "empty or overlong host", url);
		return (-1);
	}
	memcpy(host, p + 1, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, &a6) != 1) {
		util_format(cause, causelen, "backend address \"%s\": \"%s\" "
		    "is not a numeric IPv6 address; write one such as [::1], "
		    "or a numeric IPv4 address without brackets", url, host);
		return (-1);
	}
	if (close[1] != ':') {
		util_format(cause, causelen, "backend address \"%s\" has no "
		    "port after the IPv6 address; write it as "
		    "ws://[ADDRESS]:PORT", url);
		return (-1);
	}
	return (util_parse_port(url, close + 2, port, path, pathlen, cause,
	    causelen));
}

/* Read the port at p of url, and the path after it ("/" if none). */
static int
util_parse_port(const char *url, const char *p, int *port, char *path,
    size_t pathlen, char *cause, size_t causelen)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || end == p || v < 1 || v > 65535 ||
	    (*end != '\0' && *end != '/')) {
		util_format(cause, causelen, "backend address \"%s\" has a bad "
		    "port; it must be a number from 1 to 65535", url);
		return (-1);
	}
	*port = (int)v;
	if (util_copy(path, pathlen, *end == '/' ? end : "/") != 0) {
		util_format(cause, causelen, "backend address \"%s\" has an "
		    "overlong path", url);
		return (-1);
	}
	return (0);
}
