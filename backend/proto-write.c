/*
 * proto-write.c: the hot path of encoding.  A backend with a console on
 * every link sends tens of thousands of stats frames a second, and
 * building jansson's tree for each (an object, a hash table, a value per
 * member, then a dump) was a fifth of vigild's time.  The writer walks
 * the same field tables straight into one buffer and writes the bytes
 * jansson's compact dump would: members in table order, strings escaped
 * as JSON requires (quote, backslash and every control character; text
 * that is not valid UTF-8 gets '?' for its non-ASCII bytes, as
 * proto_string() does), integers in decimal, reals as jansson prints
 * them.  The tests compare the two byte for byte.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-field.h"
#include "util.h"

#define PROTO_REAL_MEMO	64	/* reals' texts kept (proto_out_real) */

static int	 proto_utf8_valid(const char *, size_t);
static void	 proto_out_grow(struct proto_out *, size_t);
static void	 proto_out_put(struct proto_out *, const char *, size_t);
static void	 proto_out_string(struct proto_out *, const char *, size_t);
static size_t	 proto_out_escape(struct proto_out *, const char *, size_t);
static void	 proto_out_u(struct proto_out *, uint32_t);
static void	 proto_out_int(struct proto_out *, int64_t);
static void	 proto_out_uint(struct proto_out *, uint64_t);
static void	 proto_out_real(struct proto_out *, double);
static void	 proto_real_text(double, char *, size_t);
static void	 proto_out_key(struct proto_out *, const char *);
static void	 proto_out_array(struct proto_out *,
		    const struct proto_field *, const void *);
static void	 proto_out_field(struct proto_out *,
		    const struct proto_field *, const void *);

/* Make room for n more bytes and a NUL. */
static void
proto_out_grow(struct proto_out *o, size_t n)
{
	if (o->len + n + 1 <= o->cap)
		return;
	while (o->len + n + 1 > o->cap)
		o->cap = o->cap == 0 ? 512 : o->cap * 2;
	o->buf = xreallocarray(o->buf, 1, o->cap);
}

/* Append n bytes. */
static void
proto_out_put(struct proto_out *o, const char *s, size_t n)
{
	proto_out_grow(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/*
 * Whether len bytes are UTF-8 as jansson takes it: no stray continuation
 * byte, no overlong form, no surrogate, nothing past U+10FFFF.
 */
static int
proto_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, j, n;
	uint32_t		 cp, least;

	for (i = 0; i < len; i += n) {
		if (p[i] < 0x80) {
			n = 1;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 2;
			cp = p[i] & 0x1f;
			least = 0x80;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 3;
			cp = p[i] & 0x0f;
			least = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 4;
			cp = p[i] & 0x07;
			least = 0x10000;
		} else
			return (0);
		if (n > len - i)
			return (0);
		for (j = 1; j < n; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if (cp < least || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
	}
	return (1);
}

/*
 * Append len bytes as a JSON string, escaped as jansson escapes them;
 * for a report (ascii), DEL too, as proto-report.c has jansson's too.
 */
static void
proto_out_string(struct proto_out *o, const char *s, size_t len)
{
	const char		*esc;
	unsigned char		 c;
	size_t			 i, run;
	int			 valid;

	proto_out_grow(o, len + 2);
	o->buf[o->len++] = '"';
	/* Most text needs no escape and no UTF-8 check: one pass. */
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			break;
	}
	proto_out_put(o, s, i);
	if (i == len) {
		proto_out_put(o, "\"", 1);
		return;
	}
	s += i;
	len -= i;
	valid = proto_utf8_valid(s, len);
	for (i = 0; i < len; i += run) {
		for (run = 0; i + run < len; run++) {
			c = (unsigned char)s[i + run];
			if (c < 0x20 || c == '"' || c == '\\' ||
			    (c == 0x7f && o->ascii) ||
			    (c >= 0x80 && (!valid || o->ascii)))
				break;
		}
		if (run > 0) {
			proto_out_put(o, s + i, run);
			continue;
		}
		run = 1;
		c = (unsigned char)s[i];
		if (c >= 0x80 && valid) {
			run = proto_out_escape(o, s + i, len - i);
			continue;
		}
		switch (c) {
		case '"':  esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			esc = NULL;
			break;
		}
		if (esc != NULL)
			proto_out_put(o, esc, strlen(esc));
		else if (c >= 0x80)
			proto_out_put(o, "?", 1);
		else
			proto_out_u(o, c);
	}
	proto_out_put(o, "\"", 1);
}

/* Append a backslash-u escape of a 16-bit unit, four capital hex digits. */
static void
proto_out_u(struct proto_out *o, uint32_t unit)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 u[6];

	u[0] = '\\';
	u[1] = 'u';
	u[2] = hex[(unit >> 12) & 0xf];
	u[3] = hex[(unit >> 8) & 0xf];
	u[4] = hex[(unit >> 4) & 0xf];
	u[5] = hex[unit & 0xf];
	proto_out_put(o, u, sizeof u);
}

/*
 * Append the character of valid UTF-8 at s (n bytes left) as jansson's
 * JSON_ENSURE_ASCII writes it: a backslash-u escape of four capital hex
 * digits, a surrogate pair of two past U+FFFF.  Returns the bytes it
 * took.
 */
static size_t
proto_out_escape(struct proto_out *o, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 len, j;

	if (p[0] >= 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else if (p[0] >= 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else {
		len = 2;
		cp = p[0] & 0x1f;
	}
	if (len > n)
		fatal("%s: UTF-8 checked valid is cut short", __func__);
	for (j = 1; j < len; j++)
		cp = (cp << 6) | (p[j] & 0x3f);
	if (cp >= 0x10000) {
		cp -= 0x10000;
		proto_out_u(o, 0xd800 | (cp >> 10));
		cp = 0xdc00 | (cp & 0x3ff);
	}
	proto_out_u(o, cp);
	return (len);
}

/* Append an unsigned integer in decimal. */
static void
proto_out_uint(struct proto_out *o, uint64_t n)
{
	char	digits[20], *p = digits + sizeof digits;

	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	proto_out_put(o, p, (size_t)(digits + sizeof digits - p));
}

/* Append a signed integer in decimal. */
static void
proto_out_int(struct proto_out *o, int64_t n)
{
	if (n >= 0) {
		proto_out_uint(o, (uint64_t)n);
		return;
	}
	proto_out_put(o, "-", 1);
	proto_out_uint(o, (uint64_t)0 - (uint64_t)n);
}

/*
 * Append a real as jansson prints it: 17 significant digits, ".0" when
 * that reads as an integer, and an exponent without '+' or leading
 * zeros.  The text of the last reals written is kept by their bits
 * (PROTO_REAL_MEMO of them, in this thread), as the same ratios come
 * again and again in every router's stats and snprintf's "%.17g" was a
 * good part of writing a stats frame: the same bits give the same text.
 */
static void
proto_out_real(struct proto_out *o, double d)
{
	static _Thread_local struct proto_real_memo {
		uint64_t	bits;
		unsigned char	len;	/* 0 when empty */
		char		text[31];
	}		 memo[PROTO_REAL_MEMO];
	struct proto_real_memo	*m;
	uint64_t	 bits;
	size_t		 n;
	char		 buf[40];

	memcpy(&bits, &d, sizeof bits);
	m = &memo[((bits * 0x9e3779b97f4a7c15ULL) >> 40) % PROTO_REAL_MEMO];
	if (m->len == 0 || m->bits != bits) {
		proto_real_text(d, buf, sizeof buf);
		if ((n = strlen(buf)) >= sizeof m->text)
			fatal("%s: \"%s\" is too long", __func__, buf);
		memcpy(m->text, buf, n);
		m->len = (unsigned char)n;
		m->bits = bits;
	}
	proto_out_put(o, m->text, m->len);
}

/* The text of proto_out_real(): d as jansson prints it, into buf. */
static void
proto_real_text(double d, char *buf, size_t len)
{
	char	*e, *from;
	int	 n;

	n = snprintf(buf, len - 2, "%.17g", d);
	if (n < 0 || (size_t)n >= len - 2)
		fatal("%s: cannot print %g", __func__, d);
	if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL)
		memcpy(buf + n, ".0", 3);
	if ((e = strchr(buf, 'e')) != NULL) {
		e++;
		if (*e == '-')
			e++;
		for (from = e; *from == '+' || *from == '0'; from++)
			/* nothing */;
		if (*from == '\0')
			from--;
		memmove(e, from, strlen(from) + 1);
	}
}

/*
 * Append a member's name, after a comma unless it opens its object.  The
 * tables' names are plain words, which JSON takes as they stand: copied
 * at once, not checked as UTF-8 and scanned for escapes in three more
 * appends, as every name of every stats frame was.
 */
static void
proto_out_key(struct proto_out *o, const char *key)
{
	size_t	len, n;
	char	c;

	for (len = 0; (c = key[len]) != '\0'; len++) {
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			break;
	}
	if (key[len] != '\0') {
		if (o->len > 0 && o->buf[o->len - 1] != '{')
			proto_out_put(o, ",", 1);
		proto_out_string(o, key, strlen(key));
		proto_out_put(o, ":", 1);
		return;
	}
	proto_out_grow(o, len + 4);
	n = o->len;
	if (n > 0 && o->buf[n - 1] != '{')
		o->buf[n++] = ',';
	o->buf[n++] = '"';
	memcpy(o->buf + n, key, len);
	n += len;
	o->buf[n++] = '"';
	o->buf[n++] = ':';
	o->buf[n] = '\0';
	o->len = n;
}

/* Append array field f of the struct at base: objects of its fields. */
static void
proto_out_array(struct proto_out *o, const struct proto_field *f,
    const void *base)
{
	const char	*p;
	size_t		 i, n;

	p = proto_array_elems(f, base, &n);
	proto_out_put(o, "[", 1);
	for (i = 0; i < n; i++) {
		proto_out_put(o, i == 0 ? "{" : ",{", i == 0 ? 1 : 2);
		proto_write_fields(o, f->sub, f->nsub, p + i * f->size);
		proto_out_put(o, "}", 1);
	}
	proto_out_put(o, "]", 1);
}

/* Append one field as proto_encode_field() sets it, or leave it out. */
static void
proto_out_field(struct proto_out *o, const struct proto_field *f,
    const void *base)
{
	const char	*p = (const char *)base + f->off;
	uint64_t	 u;
	double		 d;

	if (proto_field_absent(f, base))
		return;
	switch (f->kind) {
	case KIND_STRING:
		p = proto_field_string(f, base);
		proto_out_key(o, f->key);
		proto_out_string(o, p, strnlen(p, f->size));
		break;
	case KIND_U64:
		u = *(const uint64_t *)p;
		proto_out_key(o, f->key);
		proto_out_uint(o, u > (uint64_t)INT64_MAX ? INT64_MAX : u);
		break;
	case KIND_I64:
		proto_out_key(o, f->key);
		proto_out_int(o, *(const int64_t *)p);
		break;
	case KIND_INT:
		proto_out_key(o, f->key);
		proto_out_int(o, *(const int *)p);
		break;
	case KIND_DOUBLE:
		d = *(const double *)p;
		proto_out_key(o, f->key);
		proto_out_real(o, isfinite(d) ? d : 0);
		break;
	case KIND_BOOL:
		proto_out_key(o, f->key);
		proto_out_put(o, *(const int *)p != 0 ? "true" : "false",
		    *(const int *)p != 0 ? 4 : 5);
		break;
	case KIND_ROLE:
		p = proto_role_name(*(const enum proto_role *)p);
		proto_out_key(o, f->key);
		proto_out_string(o, p, strlen(p));
		break;
	case KIND_SEVERITY:
		p = proto_severity_name(*(const enum proto_severity *)p);
		proto_out_key(o, f->key);
		proto_out_string(o, p, strlen(p));
		break;
	case KIND_WORD:
		p = proto_word(f->words, *(const int *)p);
		proto_out_key(o, f->key);
		proto_out_string(o, p, strlen(p));
		break;
	case KIND_ARRAY:
		proto_out_key(o, f->key);
		proto_out_array(o, f, base);
		break;
	default:
		fatal("%s: field %s is of a kind the writer does not write",
		    __func__, f->key);
	}
}

/* Append the fields of a table, as members of the object being written. */
void
proto_write_fields(struct proto_out *o, const struct proto_field *fields,
    size_t nfields, const void *base)
{
	size_t	i;

	for (i = 0; i < nfields; i++)
		proto_out_field(o, &fields[i], base);
}

/* Append one field of the struct at base, or nothing when it is absent. */
void
proto_write_field(struct proto_out *o, const struct proto_field *f,
    const void *base)
{
	proto_out_field(o, f, base);
}

/* Append a member's name, after a comma unless it opens its object. */
void
proto_write_key(struct proto_out *o, const char *key)
{
	proto_out_key(o, key);
}

/* Append len bytes of text as a JSON string. */
void
proto_write_string(struct proto_out *o, const char *s, size_t len)
{
	proto_out_string(o, s, len);
}

/* Append a signed integer in decimal, as json_integer() prints it. */
void
proto_write_int(struct proto_out *o, int64_t n)
{
	proto_out_int(o, n);
}

/* Append a counter, at most 2^63 - 1 as proto_counter() sets it. */
void
proto_write_counter(struct proto_out *o, uint64_t n)
{
	proto_out_uint(o, n > (uint64_t)INT64_MAX ? INT64_MAX : n);
}

/* Append a real as jansson prints it. */
void
proto_write_real(struct proto_out *o, double d)
{
	proto_out_real(o, d);
}

/* Append n bytes as they are. */
void
proto_write_bytes(struct proto_out *o, const char *s, size_t n)
{
	proto_out_put(o, s, n);
}

/* Append the text of an object's end, or any other literal bytes. */
void
proto_write_raw(struct proto_out *o, const char *s)
{
	proto_out_put(o, s, strlen(s));
}
