/*
 * proto-field.c: the engine under every protocol file: it decodes,
 * validates and encodes any table of fields (proto-field.h), and owns the
 * sentences that name a field and its problem.
 *
 * The wire codec (proto.c), the command document (proto-command.c), the
 * audit line (proto-audit.c) and the reports (proto-report.c) each hold
 * their tables and walk them with these functions.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-types.h"
#include "proto-field.h"
#include "util.h"

static const char *proto_id_problem(const char *, size_t);
static const char *proto_operator_problem(const char *, size_t);
static const char *proto_type_kind(json_type);
static int	 proto_decode_string(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, char *);
static int	 proto_decode_integer(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, void *);
static int	 proto_decode_double(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, double *);
static int	 proto_decode_enum(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, void *);
static int	 proto_decode_array(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, char *);
static int	 proto_decode_object(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, char *);
static int	 proto_decode_args(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, char *);
static int	 proto_decode_word(struct proto_ctx *,
		    const struct proto_value *, const struct proto_field *,
		    const char *, char *);
static int	 proto_arg_cmp(const void *, const void *);
static void	 proto_words_text(const char *const *, char *, size_t);
static json_t	*proto_encode_array(const struct proto_field *, const void *);
static void	 proto_encode_field(json_t *, const struct proto_field *,
		    const void *);

/* Write "WHOM: problem" into the caller's buffer and return -1. */
int
proto_fail(struct proto_ctx *ctx, const char *fmt, ...)
{
	char	problem[PROTO_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	util_format(ctx->cause, ctx->causelen, "%s: %s", ctx->whom, problem);
	return (-1);
}

/* Name a JSON value's type with its article, as a sentence uses it. */
const char *
proto_json_kind(const json_t *v)
{
	return (proto_type_kind(json_typeof(v)));
}

/* Name a JSON type with its article, as a sentence uses it. */
static const char *
proto_type_kind(json_type type)
{
	switch (type) {
	case JSON_OBJECT:
		return ("an object");
	case JSON_ARRAY:
		return ("an array");
	case JSON_STRING:
		return ("a string");
	case JSON_INTEGER:
		return ("an integer");
	case JSON_REAL:
		return ("a real number");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("a boolean");
	case JSON_NULL:
		break;
	}
	return ("null");
}

/*
 * Copy untrusted text for quoting in a sentence: at most about 40 bytes,
 * with control and non-ASCII bytes shown as '?', so that a hostile frame
 * cannot write escape sequences to an operator's terminal.
 */
void
proto_echo(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t	i, n = 0;

	for (i = 0; i < len && i < 40 && n + 4 < buflen; i++) {
		unsigned char	c = (unsigned char)s[i];

		buf[n++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < len && n + 4 <= buflen) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	if (buflen > 0)
		buf[n < buflen ? n : buflen - 1] = '\0';
}

/* Return why s (len bytes) is not a node id "KIND/NAME", or NULL. */
static const char *
proto_id_problem(const char *s, size_t len)
{
	const char	*slash;
	size_t		 i;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == '"')
			return ("holds a space, quote or control character, "
			    "which a node id may not");
	}
	slash = memchr(s, '/', len);
	if (slash == NULL || slash == s || slash == s + len - 1)
		return ("is not a node id; write it as KIND/NAME, for "
		    "example router/r8 or station/capital");
	return (NULL);
}

/*
 * Return why s (len bytes) is not an operator's name, or NULL.  A name is
 * what a trust file may give an operator (keys/opkey.c holds the same
 * rule); it is shown in sentences and the audit log, so it has no spaces,
 * quotes or control characters.
 */
static const char *
proto_operator_problem(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return ("is not an operator's name: a name is letters, "
			    "digits, '.', '_' and '-', as the trust file gives "
			    "it");
	}
	return (NULL);
}

/*
 * Parse len bytes of JSON text, called what ("frame", "document") in the
 * sentence if it is refused.  Returns the value, or NULL and the sentence.
 */
json_t *
proto_load(const char *what, const char *buf, size_t len, char *cause,
    size_t causelen)
{
	json_t		*root;
	json_error_t	 jerr;

	/*
	 * NUL escapes are let through the parser so that the field holding
	 * one can be named; every string is checked for them later.
	 */
	root = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr);
	if (root != NULL)
		return (root);
	if (json_error_code(&jerr) == json_error_duplicate_key)
		util_format(cause, causelen, "%s names a field twice (%s at "
		    "line %d column %d); each field may appear once", what,
		    jerr.text, jerr.line, jerr.column);
	else if (json_error_code(&jerr) == json_error_invalid_utf8)
		/* jansson's text would quote the very bytes. */
		util_format(cause, causelen, "%s is not valid UTF-8 at line "
		    "%d column %d; vigil.v1 frames are UTF-8 text: check how "
		    "the sender encodes names", what, jerr.line, jerr.column);
	else if (json_error_code(&jerr) == json_error_numeric_overflow)
		util_format(cause, causelen, "%s holds a number out of range "
		    "(%s at line %d column %d); vigil.v1 integers fit in 64 "
		    "bits", what, jerr.text, jerr.line, jerr.column);
	else
		util_format(cause, causelen, "%s is not JSON: %s at line %d "
		    "column %d", what, jerr.text, jerr.line, jerr.column);
	return (NULL);
}

/* Decode each field of a table from obj into the struct at base. */
int
proto_decode_fields(struct proto_ctx *ctx, json_t *obj,
    const struct proto_field *fields, size_t nfields, void *base)
{
	struct proto_value	 val;
	json_t			*v;
	size_t			 i;

	for (i = 0; i < nfields; i++) {
		v = json_object_get(obj, fields[i].key);
		if (v != NULL)
			proto_value_of(v, &val);
		if (proto_decode_value(ctx, &fields[i], v != NULL ? &val :
		    NULL, base) != 0)
			return (-1);
	}
	return (0);
}

/* What decoding checks of jansson's value v. */
void
proto_value_of(json_t *v, struct proto_value *val)
{
	memset(val, 0, sizeof *val);
	val->type = json_typeof(v);
	val->json = v;
	switch (val->type) {
	case JSON_STRING:
		val->s = json_string_value(v);
		val->len = json_string_length(v);
		break;
	case JSON_INTEGER:
		val->i = json_integer_value(v);
		val->d = json_number_value(v);
		break;
	case JSON_REAL:
		val->d = json_real_value(v);
		break;
	case JSON_ARRAY:
		val->len = json_array_size(v);
		break;
	default:
		break;
	}
}

/*
 * Decode field f from its value v (NULL: absent) into the struct at base,
 * or say what is wrong with it and return -1.
 */
int
proto_decode_value(struct proto_ctx *ctx, const struct proto_field *f,
    const struct proto_value *v, void *base)
{
	char		*p = (char *)base + f->off;
	char		 buf[96];
	const char	*label = f->key;

	if (ctx->path[0] != '\0') {
		util_format(buf, sizeof buf, "%s.%s", ctx->path, f->key);
		label = buf;
	}
	if (v == NULL) {
		if (~f->flags & FIELD_OPTIONAL)
			return (proto_fail(ctx, "field %s is missing", label));
		if (f->kind == KIND_DOUBLE)
			*(double *)p = f->dflt;
		else if (f->kind == KIND_INT)
			*(int *)p = (int)f->dflt;
		return (0);
	}
	switch (f->kind) {
	case KIND_STRING:
		return (proto_decode_string(ctx, v, f, label, p));
	case KIND_U64:
	case KIND_I64:
	case KIND_INT:
	case KIND_VERSION:
		return (proto_decode_integer(ctx, v, f, label, p));
	case KIND_DOUBLE:
		return (proto_decode_double(ctx, v, f, label, (double *)p));
	case KIND_BOOL:
		if (v->type != JSON_TRUE && v->type != JSON_FALSE)
			return (proto_fail(ctx, "field %s is %s, expected true "
			    "or false", label, proto_type_kind(v->type)));
		*(int *)p = v->type == JSON_TRUE;
		return (0);
	case KIND_ROLE:
	case KIND_SEVERITY:
		return (proto_decode_enum(ctx, v, f, label, p));
	case KIND_ARRAY:
		return (proto_decode_array(ctx, v, f, label, p));
	case KIND_OBJECT:
		return (proto_decode_object(ctx, v, f, label, p));
	case KIND_ARGS:
		return (proto_decode_args(ctx, v, f, label, p));
	case KIND_WORD:
		return (proto_decode_word(ctx, v, f, label, p));
	}
	fatal("%s: field %s has no kind", __func__, f->key);
}

/* Decode a bounded string field into its buffer at dst. */
static int
proto_decode_string(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, char *dst)
{
	const char	*s, *problem;
	char		 echo[64], words[128];
	size_t		 len, i;

	if (v->type != JSON_STRING)
		return (proto_fail(ctx, "field %s is %s, expected a string",
		    label, proto_type_kind(v->type)));
	s = v->s;
	len = v->len;
	if (memchr(s, '\0', len) != NULL)
		return (proto_fail(ctx, "field %s holds a NUL character "
		    "(\\u0000), which no vigil.v1 string may contain", label));
	if (len >= f->size)
		return (proto_fail(ctx, "field %s is %zu bytes long, at most "
		    "%zu are allowed", label, len, f->size - 1));
	if (len == 0 && (f->flags & FIELD_NONEMPTY))
		return (proto_fail(ctx, "field %s is empty, expected %s",
		    label, (f->flags & FIELD_ID) ? "a node id such as "
		    "router/r8" : "some text"));
	if (len > 0 && (f->flags & FIELD_ID) &&
	    (problem = proto_id_problem(s, len)) != NULL) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" %s", label, echo,
		    problem));
	}
	if (len > 0 && (f->flags & FIELD_OPERATOR) &&
	    (problem = proto_operator_problem(s, len)) != NULL) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" %s", label, echo,
		    problem));
	}
	if (len > 0 && (f->flags & FIELD_HEX) &&
	    (len != (size_t)f->min || strspn(s, "0123456789abcdef") != len)) {
		proto_echo(s, len, echo, sizeof echo);
		return (proto_fail(ctx, "field %s \"%s\" is not %lld "
		    "lower-case hexadecimal digits", label, echo,
		    (long long)f->min));
	}
	if (len > 0 && f->words != NULL) {
		for (i = 0; f->words[i] != NULL; i++) {
			if (strcmp(f->words[i], s) == 0)
				break;
		}
		if (f->words[i] == NULL) {
			proto_echo(s, len, echo, sizeof echo);
			proto_words_text(f->words, words, sizeof words);
			return (proto_fail(ctx, "field %s is \"%s\", expected "
			    "%s", label, echo, words));
		}
	}
	if (f->flags & FIELD_HEAP) {
		free(*(char **)dst);
		*(char **)dst = xmalloc(len + 1);
		dst = *(char **)dst;
	}
	memcpy(dst, s, len + 1);
	if (len > 0 && (f->flags & FIELD_SELF)) {
		ctx->self = dst;
		util_format(ctx->whom, sizeof ctx->whom, "%s from %s",
		    ctx->type, dst);
	}
	return (0);
}

/* Decode an integer field, checking it fits and is not below its minimum. */
static int
proto_decode_integer(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, void *dst)
{
	long long	n;

	if (v->type != JSON_INTEGER)
		return (proto_fail(ctx, "field %s is %s, expected an integer",
		    label, proto_type_kind(v->type)));
	n = v->i;
	if (f->kind == KIND_VERSION) {
		if (n != PROTO_VERSION) {
			util_format(ctx->cause, ctx->causelen, "%s speaks "
			    "protocol version %lld; this program speaks "
			    "version %d: upgrade the older side", ctx->whom, n,
			    PROTO_VERSION);
			return (-1);
		}
		*(int *)dst = (int)n;
		return (0);
	}
	if (n < f->min) {
		if (f->min == 0)
			return (proto_fail(ctx, "field %s is %lld, expected a "
			    "non-negative integer", label, n));
		return (proto_fail(ctx, "field %s is %lld, expected an "
		    "integer of at least %lld", label, n, (long long)f->min));
	}
	switch (f->kind) {
	case KIND_U64:
		*(uint64_t *)dst = (uint64_t)n;
		break;
	case KIND_I64:
		/* Every int64 field is a time in milliseconds. */
		if (n > PROTO_TIME_MAX)
			return (proto_fail(ctx, "field %s is %lld, past the "
			    "year 9999: expected at most %lld milliseconds",
			    label, n, (long long)PROTO_TIME_MAX));
		*(int64_t *)dst = (int64_t)n;
		break;
	default:
		if (n > INT_MAX)
			return (proto_fail(ctx, "field %s is %lld, expected at "
			    "most %d", label, n, INT_MAX));
		*(int *)dst = (int)n;
		break;
	}
	return (0);
}

/* Decode a number field; JSON integers and reals are both accepted. */
static int
proto_decode_double(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, double *dst)
{
	double	d, hi;

	if (v->type != JSON_INTEGER && v->type != JSON_REAL)
		return (proto_fail(ctx, "field %s is %s, expected a number",
		    label, proto_type_kind(v->type)));
	d = v->d;
	hi = (f->flags & FIELD_SCALE) ? PROTO_TIME_SCALE_MAX : PROTO_REAL_MAX;
	if (d > hi)
		return (proto_fail(ctx, "field %s is %g, expected at most %g%s",
		    label, d, hi, (f->flags & FIELD_SCALE) ? " seconds of node "
		    "clock per real second" : ""));
	if ((f->flags & FIELD_POSITIVE) && !(d > 0))
		return (proto_fail(ctx, "field %s is %g, expected a number "
		    "above 0", label, d));
	if (!(d >= 0))
		return (proto_fail(ctx, "field %s is %g, expected a "
		    "non-negative number", label, d));
	*dst = d;
	return (0);
}

/*
 * Decode a role or severity from its name.  A role also fixes the form of
 * the node id, so the two are checked against each other here.
 */
static int
proto_decode_enum(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, void *dst)
{
	const char	*name;
	char		 echo[64];
	enum proto_role	 role;
	size_t		 n;

	if (v->type != JSON_STRING)
		return (proto_fail(ctx, "field %s is %s, expected a string",
		    label, proto_type_kind(v->type)));
	name = v->s;
	proto_echo(name, v->len, echo, sizeof echo);
	if (strlen(name) != v->len)
		name = "";
	if (f->kind == KIND_SEVERITY) {
		if (proto_severity_parse(name, dst) != 0)
			return (proto_fail(ctx, "field %s is \"%s\", expected "
			    "\"info\", \"warning\" or \"critical\"", label,
			    echo));
		return (0);
	}
	if (proto_role_parse(name, &role) != 0)
		return (proto_fail(ctx, "field %s is \"%s\", expected "
		    "\"router\" or \"station\"", label, echo));
	n = strlen(proto_role_name(role));
	if (ctx->self != NULL &&
	    (strncmp(ctx->self, proto_role_name(role), n) != 0 ||
	    ctx->self[n] != '/'))
		return (proto_fail(ctx, "field node does not match field %s "
		    "\"%s\"; a %s's id is %s/NAME", label, name, name, name));
	*(enum proto_role *)dst = role;
	return (0);
}

/* Decode an array of objects, each with the element table's fields. */
static int
proto_decode_array(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, char *dst)
{
	json_t	*elem;
	size_t	 i, n;
	char	 saved[sizeof ctx->path];

	if (v->type != JSON_ARRAY)
		return (proto_fail(ctx, "field %s is %s, expected an array",
		    label, proto_type_kind(v->type)));
	n = v->len;
	if (n > f->max)
		return (proto_fail(ctx, "field %s has %zu entries, at most "
		    "%zu are allowed", label, n, f->max));
	if (f->flags & FIELD_HEAP) {
		/* Sized by what it holds: the count is set first, so that
		   proto_free_fields() finds what a failure leaves. */
		proto_free_fields(f, 1, dst - f->off);
		*(char **)dst = n == 0 ? NULL : xcalloc(n, f->size);
		*(size_t *)(dst - f->off + f->countoff) = n;
		dst = *(char **)dst;
	}
	memcpy(saved, ctx->path, sizeof saved);
	for (i = 0; i < n; i++) {
		elem = json_array_get(v->json, i);
		util_format(ctx->path, sizeof ctx->path, "%s[%zu]", label, i);
		if (!json_is_object(elem))
			return (proto_fail(ctx, "field %s is %s, expected an "
			    "object", ctx->path, proto_json_kind(elem)));
		if (proto_decode_fields(ctx, elem, f->sub, f->nsub,
		    dst + i * f->size) != 0)
			return (-1);
	}
	memcpy(ctx->path, saved, sizeof ctx->path);
	if (~f->flags & FIELD_HEAP)
		*(size_t *)((char *)dst - f->off + f->countoff) = n;
	return (0);
}

/*
 * Free what decoding allocated for the held-by-pointer fields of a table
 * (and of the arrays and objects inside it) in the struct at base, and
 * leave them empty; fields not on the heap are left alone.
 */
void
proto_free_fields(const struct proto_field *fields, size_t nfields,
    void *base)
{
	const struct proto_field	*f;
	char				*p, *elems;
	size_t				 i, j, *count;

	for (i = 0; i < nfields; i++) {
		f = &fields[i];
		p = (char *)base + f->off;
		if (f->kind == KIND_STRING && (f->flags & FIELD_HEAP)) {
			free(*(char **)p);
			*(char **)p = NULL;
		} else if (f->kind == KIND_OBJECT)
			proto_free_fields(f->sub, f->nsub, p);
		if (f->kind != KIND_ARRAY)
			continue;
		count = (size_t *)((char *)base + f->countoff);
		elems = (f->flags & FIELD_HEAP) ? *(char **)p : p;
		for (j = 0; elems != NULL && j < *count && j < f->max; j++)
			proto_free_fields(f->sub, f->nsub, elems + j * f->size);
		if (f->flags & FIELD_HEAP) {
			free(elems);
			*(char **)p = NULL;
			*count = 0;
		}
	}
}

/*
 * A held-by-pointer array's new room: old freed, then n zeroed elements
 * of size bytes (NULL for none).  More than max is a programmer error,
 * named by what (fatal).
 */
void *
proto_heap_array(void *old, size_t n, size_t size, size_t max,
    const char *what)
{
	if (n > max)
		fatal("%s: %zu %s, at most %zu", __func__, n, what, max);
	free(old);
	return (n == 0 ? NULL : xcalloc(n, size));
}

/* Decode an object into the struct member at dst, by the sub-table. */
static int
proto_decode_object(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, char *dst)
{
	char	saved[sizeof ctx->path];

	if (v->type != JSON_OBJECT)
		return (proto_fail(ctx, "field %s is %s, expected an object",
		    label, proto_type_kind(v->type)));
	memcpy(saved, ctx->path, sizeof saved);
	util_copy(ctx->path, sizeof ctx->path, label);
	if (proto_decode_fields(ctx, v->json, f->sub, f->nsub, dst) != 0)
		return (-1);
	memcpy(ctx->path, saved, sizeof ctx->path);
	return (0);
}

/*
 * Decode a command's arguments, an object of name to string, into
 * proto_command_arg entries sorted by name: the order of the canonical
 * text, so that decoding and encoding agree entry by entry.
 */
static int
proto_decode_args(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, char *dst)
{
	struct proto_command_arg	*args = (struct proto_command_arg *)dst;
	const char			*name, *s;
	json_t				*value;
	char				 echo[64];
	size_t				 n = 0, namelen, len;

	if (v->type != JSON_OBJECT)
		return (proto_fail(ctx, "field %s is %s, expected an object",
		    label, proto_type_kind(v->type)));
	if (json_object_size(v->json) > f->max)
		return (proto_fail(ctx, "field %s has %zu entries, at most "
		    "%zu are allowed", label, json_object_size(v->json),
		    f->max));
	json_object_keylen_foreach(v->json, name, namelen, value) {
		proto_echo(name, namelen, echo, sizeof echo);
		if (namelen == 0 || memchr(name, '\0', namelen) != NULL ||
		    namelen >= sizeof args[n].name)
			return (proto_fail(ctx, "field %s has an argument "
			    "named \"%s\"; a name is 1 to %zu bytes with no "
			    "NUL character", label, echo,
			    sizeof args[n].name - 1));
		if (!json_is_string(value))
			return (proto_fail(ctx, "field %s.%s is %s, expected a "
			    "string", label, echo, proto_json_kind(value)));
		s = json_string_value(value);
		len = json_string_length(value);
		if (memchr(s, '\0', len) != NULL)
			return (proto_fail(ctx, "field %s.%s holds a NUL "
			    "character (\\u0000), which no vigil.v1 "
			    "string may contain", label, echo));
		if (len >= sizeof args[n].value)
			return (proto_fail(ctx, "field %s.%s is %zu bytes "
			    "long, at most %zu are allowed", label, echo, len,
			    sizeof args[n].value - 1));
		memcpy(args[n].name, name, namelen + 1);
		memcpy(args[n].value, s, len + 1);
		n++;
	}
	if (n > 1)
		qsort(args, n, sizeof *args, proto_arg_cmp);
	*(size_t *)((char *)dst - f->off + f->countoff) = n;
	return (0);
}

/*
 * Decode a word into the enum at dst, its index in the field's words:
 * checked as a string first, so a word too long or not known is refused
 * in the same sentence as any other string.
 */
static int
proto_decode_word(struct proto_ctx *ctx, const struct proto_value *v,
    const struct proto_field *f, const char *label, char *dst)
{
	char	word[PROTO_TEXT_MAX];
	int	i;

	if (f->size > sizeof word)
		fatal("%s: field %s is too wide", __func__, f->key);
	if (proto_decode_string(ctx, v, f, label, word) != 0)
		return (-1);
	for (i = 0; f->words[i] != NULL; i++) {
		if (strcmp(f->words[i], word) == 0) {
			*(int *)dst = i;
			return (0);
		}
	}
	return (proto_fail(ctx, "field %s is empty", label));
}

/* Order arguments by name, byte by byte, as JSON_SORT_KEYS does. */
static int
proto_arg_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct proto_command_arg *)a)->name,
	    ((const struct proto_command_arg *)b)->name));
}

/* Write "\"a\", \"b\" or \"c\"" for a NULL-ended list of words. */
static void
proto_words_text(const char *const *words, char *buf, size_t len)
{
	size_t	i, n = 0, used;

	while (words[n] != NULL)
		n++;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		util_format(buf + used, len - used, "%s\"%s\"",
		    util_list_sep(i, n, 1), words[i]);
	}
}

/*
 * A JSON string of len bytes.  Text that is not valid UTF-8 (a name cut
 * in the middle of a character, say) gets '?' for its non-ASCII bytes
 * rather than being lost.
 */
json_t *
proto_string(const char *s, size_t len)
{
	json_t	*v;
	char	*copy;
	size_t	 i;

	if ((v = json_stringn(s, len)) != NULL)
		return (v);
	copy = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		copy[i] = (c >= 0x80 || c == '\0') ? '?' : (char)c;
	}
	copy[len] = '\0';
	v = json_stringn(copy, len);
	free(copy);
	if (v == NULL)
		fatal("%s: out of memory", __func__);
	return (v);
}

/* Set a member of obj, taking v; dies only when out of memory. */
void
proto_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		fatal("%s: cannot set %s: out of memory", __func__, key);
}

/*
 * Set a member whose name came from a struct, not from this file: a name
 * that is not valid UTF-8 gets '?' for its non-ASCII bytes, as values do.
 */
void
proto_set_key(json_t *obj, const char *key, json_t *v)
{
	char	*copy;
	size_t	 i;

	if (v == NULL)
		fatal("%s: out of memory", __func__);
	if (json_object_set_new(obj, key, json_incref(v)) == 0) {
		json_decref(v);
		return;
	}
	copy = xstrdup(key);
	for (i = 0; copy[i] != '\0'; i++) {
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	}
	proto_set(obj, copy, v);
	free(copy);
}

/* Set a string member, or leave it out when s is NULL. */
void
proto_set_string(json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		proto_set(obj, key, proto_string(s, strlen(s)));
}

/* A counter as a JSON integer; jansson's integers stop at 2^63 - 1. */
json_t *
proto_counter(uint64_t n)
{
	return (json_integer(n > (uint64_t)INT64_MAX ? INT64_MAX :
	    (json_int_t)n));
}

/* Encode the fields of a table, skipping the node id when asked. */
void
proto_encode_fields(json_t *obj, const struct proto_field *fields,
    size_t nfields, const void *base, int with_self)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		if (!with_self && (fields[i].flags & FIELD_SELF))
			continue;
		proto_encode_field(obj, &fields[i], base);
	}
}

/*
 * The elements of array field f of the struct at base and, in *n, how
 * many are sent: the count, at most f->max, none when nothing is held.
 */
const char *
proto_array_elems(const struct proto_field *f, const void *base, size_t *n)
{
	const char	*p = (const char *)base + f->off;

	*n = *(const size_t *)((const char *)base + f->countoff);
	if (*n > f->max)
		*n = f->max;
	if (f->flags & FIELD_HEAP)
		p = *(char *const *)p;
	if (p == NULL)
		*n = 0;
	return (p);
}

/* Array field f of the struct at base, as a JSON array of objects. */
static json_t *
proto_encode_array(const struct proto_field *f, const void *base)
{
	const char	*p;
	json_t		*arr, *elem;
	size_t		 i, n;

	p = proto_array_elems(f, base, &n);
	if ((arr = json_array()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < n; i++) {
		if ((elem = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(elem, f->sub, f->nsub, p + i * f->size, 1);
		if (json_array_append_new(arr, elem) != 0)
			fatal("%s: out of memory", __func__);
	}
	return (arr);
}

/* A string field's text: a held pointer's, "" for none. */
const char *
proto_field_string(const struct proto_field *f, const void *base)
{
	const char	*p = (const char *)base + f->off;

	if (f->flags & FIELD_HEAP)
		p = *(char *const *)p != NULL ? *(char *const *)p : "";
	return (p);
}

/*
 * Whether field f of the struct at base is left out of what is sent:
 * an optional string that may not be empty and is (absent is how it is
 * not given), or an optional number holding a value its receiver would
 * refuse (a zero time_scale from a struct nobody filled), so that the
 * receiver applies the documented default instead.
 */
int
proto_field_absent(const struct proto_field *f, const void *base)
{
	const char	*p = (const char *)base + f->off;
	double		 d;

	if (!(f->flags & FIELD_OPTIONAL))
		return (0);
	switch (f->kind) {
	case KIND_STRING:
		return ((f->flags & FIELD_NONEMPTY) &&
		    *proto_field_string(f, base) == '\0');
	case KIND_I64:
		return (*(const int64_t *)p < f->min);
	case KIND_INT:
		return (*(const int *)p < f->min);
	case KIND_DOUBLE:
		d = *(const double *)p;
		return (!((f->flags & FIELD_POSITIVE) ? d > 0 : d >= 0));
	default:
		return (0);
	}
}

/* Encode one field, unless proto_field_absent() leaves it out. */
static void
proto_encode_field(json_t *obj, const struct proto_field *f,
    const void *base)
{
	const char	*p = (const char *)base + f->off;
	const char	*name;
	json_t		*elem;
	double		 d;
	size_t		 i, n;
	int		 k;

	if (proto_field_absent(f, base))
		return;
	switch (f->kind) {
	case KIND_STRING:
		p = proto_field_string(f, base);
		proto_set(obj, f->key, proto_string(p, strnlen(p, f->size)));
		break;
	case KIND_U64:
		proto_set(obj, f->key, proto_counter(*(const uint64_t *)p));
		break;
	case KIND_I64:
		proto_set(obj, f->key, json_integer(*(const int64_t *)p));
		break;
	case KIND_INT:
		k = *(const int *)p;
		proto_set(obj, f->key, json_integer(k));
		break;
	case KIND_VERSION:
		k = *(const int *)p;
		proto_set(obj, f->key, json_integer(k == 0 ? PROTO_VERSION :
		    k));
		break;
	case KIND_DOUBLE:
		d = *(const double *)p;
		proto_set(obj, f->key, json_real(isfinite(d) ? d : 0));
		break;
	case KIND_BOOL:
		proto_set(obj, f->key, json_boolean(*(const int *)p != 0));
		break;
	case KIND_ROLE:
		name = proto_role_name(*(const enum proto_role *)p);
		proto_set(obj, f->key, json_string(name));
		break;
	case KIND_SEVERITY:
		name = proto_severity_name(*(const enum proto_severity *)p);
		proto_set(obj, f->key, json_string(name));
		break;
	case KIND_WORD:
		proto_set(obj, f->key, json_string(proto_word(f->words,
		    *(const int *)p)));
		break;
	case KIND_ARRAY:
		proto_set(obj, f->key, proto_encode_array(f, base));
		break;
	case KIND_OBJECT:
		if ((elem = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		proto_encode_fields(elem, f->sub, f->nsub, p, 1);
		proto_set(obj, f->key, elem);
		break;
	case KIND_ARGS: {
		const struct proto_command_arg *args =
		    (const struct proto_command_arg *)p;

		n = *(const size_t *)((const char *)base + f->countoff);
		if (n > f->max)
			n = f->max;
		if ((elem = json_object()) == NULL)
			fatal("%s: out of memory", __func__);
		for (i = 0; i < n; i++)
			proto_set_key(elem, args[i].name, proto_string(
			    args[i].value, strnlen(args[i].value,
			    sizeof args[i].value)));
		proto_set(obj, f->key, elem);
		break;
	}
	}
}

/* Encode the one field of a table named key. */
void
proto_encode_key(json_t *obj, const struct proto_field *fields,
    size_t nfields, const char *key, const void *base)
{
	size_t	i;

	for (i = 0; i < nfields; i++) {
		if (strcmp(fields[i].key, key) == 0) {
			proto_encode_field(obj, &fields[i], base);
			return;
		}
	}
	fatal("%s: no field %s", __func__, key);
}

/* Word w of a NULL-ended list, or "unknown" when there is none. */
const char *
proto_word(const char *const *words, int w)
{
	int	i;

	for (i = 0; i < w && words[i] != NULL; i++)
		/* nothing */;
	return (w >= 0 && words[i] != NULL ? words[i] : "unknown");
}

/* Print compact JSON and drop the value; dies only out of memory. */
char *
proto_dump(json_t *v)
{
	return (proto_dump_flags(v, JSON_COMPACT));
}

/* Print compact JSON with keys in byte order and drop the value. */
char *
proto_dump_sorted(json_t *v)
{
	return (proto_dump_flags(v, JSON_COMPACT | JSON_SORT_KEYS));
}

/* Print JSON with jansson's flags and drop the value. */
char *
proto_dump_flags(json_t *v, size_t flags)
{
	char	*s;

	if ((s = json_dumps(v, flags)) == NULL)
		fatal("%s: out of memory", __func__);
	json_decref(v);
	return (s);
}

/*
 * Start ctx for decoding what ("plan", or NULL for a frame, whose type
 * names it later), its sentences going to cause (causelen bytes).
 */
void
proto_ctx_init(struct proto_ctx *ctx, const char *what, char *cause,
    size_t causelen)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->type = what;
	if (what != NULL)
		util_copy(ctx->whom, sizeof ctx->whom, what);
	ctx->cause = cause;
	ctx->causelen = causelen;
}

/*
 * Parse the text of a document or audit line, called ctx->whom in
 * sentences, into *root, which must be an object.  Returns 0, or -1 with
 * the sentence in ctx->cause.
 */
int
proto_decode_root(struct proto_ctx *ctx, const char *text, size_t len,
    size_t max, json_t **root)
{
	const char	*kind;

	*root = NULL;
	if (text == NULL || len == 0) {
		util_format(ctx->cause, ctx->causelen, "%s is empty, expected "
		    "one JSON object", ctx->whom);
		return (-1);
	}
	if (len > max) {
		util_format(ctx->cause, ctx->causelen, "%s is %zu bytes long, "
		    "at most %zu are allowed", ctx->whom, len, max);
		return (-1);
	}
	if ((*root = proto_load(ctx->whom, text, len, ctx->cause,
	    ctx->causelen)) == NULL)
		return (-1);
	if (!json_is_object(*root)) {
		kind = proto_json_kind(*root);
		util_format(ctx->cause, ctx->causelen, "%s is %s, expected a "
		    "JSON object", ctx->whom, kind);
		json_decref(*root);
		*root = NULL;
		return (-1);
	}
	return (0);
}
