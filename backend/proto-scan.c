/*
 * proto-scan.c: the hot path of decoding.  Nearly every frame a console
 * takes is a stats frame, one flat object of scalars.  The scanner reads
 * such text straight into the values the field engine checks (struct
 * proto_value), and proto_decode_value() checks each field as it does
 * for any frame, but without jansson's tree: no allocation per value, no
 * hash table per object, no hash lookup per key to refuse a repeated one
 * (every key must be a field here, so one bit per field does that).
 *
 * It only ever accepts.  Text it does not fully understand (an escape, a
 * byte outside ASCII, an array that is not empty, an object inside, a key
 * no table lists, a number jansson would not take) is left to the jansson
 * path, which decodes it again and says in words why it is refused: the
 * scanner changes how fast frames decode, never what is taken or refused.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proto-field.h"
#include "util.h"

static void	 proto_scan_ws(struct proto_scan *);
static int	 proto_scan_span(struct proto_scan *, const char **,
		    size_t *);
static int	 proto_scan_string(struct proto_scan *, struct proto_value *);
static int	 proto_scan_number(struct proto_scan *, struct proto_value *);
static int	 proto_scan_word(struct proto_scan *, const char *, json_type,
		    struct proto_value *);
static int	 proto_scan_scalar(struct proto_scan *, struct proto_value *);
static int	 proto_scan_key(struct proto_scan *, const char *, size_t,
		    size_t *, size_t *);
static void	 proto_scan_tables(const struct proto_field *const *,
		    const size_t *, size_t);

/* Skip JSON's white space: space, tab, line feed, carriage return. */
static void
proto_scan_ws(struct proto_scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
	    *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

/*
 * The bytes of the string at sc->p, past its closing quote: 0, or -1 for
 * an escape, a control character or a byte outside ASCII (the jansson
 * path decodes those and checks their UTF-8).
 */
static int
proto_scan_span(struct proto_scan *sc, const char **s, size_t *len)
{
	const char	*start = ++sc->p;
	unsigned char	 c;

	for (; sc->p < sc->end; sc->p++) {
		c = (unsigned char)*sc->p;
		if (c == '"') {
			*s = start;
			*len = (size_t)(sc->p++ - start);
			return (0);
		}
		if (c == '\\' || c < 0x20 || c >= 0x80)
			return (-1);
	}
	return (-1);
}

/* A string value, copied with a NUL after it as the checks expect. */
static int
proto_scan_string(struct proto_scan *sc, struct proto_value *v)
{
	const char	*s;
	size_t		 len;

	if (proto_scan_span(sc, &s, &len) != 0 ||
	    len >= sizeof sc->strings - sc->used)
		return (-1);
	v->type = JSON_STRING;
	v->s = sc->strings + sc->used;
	v->len = len;
	memcpy(sc->strings + sc->used, s, len);
	sc->strings[sc->used + len] = '\0';
	sc->used += len + 1;
	return (0);
}

/*
 * A number, by JSON's grammar: an integer when it has neither fraction
 * nor exponent, converted as jansson converts it (strtoll, strtod); one
 * jansson refuses (out of range) is left to it.
 */
static int
proto_scan_number(struct proto_scan *sc, struct proto_value *v)
{
	const char	*start = sc->p, *p = sc->p, *end = sc->end;
	char		 tok[64], *e;
	size_t		 n;
	int		 real = 0;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else
		return (-1);
	if (p < end && *p == '.') {
		real = 1;
		if (++p == end || *p < '0' || *p > '9')
			return (-1);
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = 1;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return (-1);
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if ((n = (size_t)(p - start)) >= sizeof tok)
		return (-1);
	memcpy(tok, start, n);
	tok[n] = '\0';
	errno = 0;
	if (real) {
		v->type = JSON_REAL;
		v->d = strtod(tok, &e);
		if (*e != '\0' || (errno == ERANGE && isinf(v->d)))
			return (-1);
	} else {
		v->type = JSON_INTEGER;
		v->i = strtoll(tok, &e, 10);
		if (*e != '\0' || errno == ERANGE)
			return (-1);
		v->d = (double)v->i;
	}
	sc->p = p;
	return (0);
}

/* The literal word (true, false, null) at sc->p, as a value of type. */
static int
proto_scan_word(struct proto_scan *sc, const char *word, json_type type,
    struct proto_value *v)
{
	size_t	len = strlen(word);

	if ((size_t)(sc->end - sc->p) < len || memcmp(sc->p, word, len) != 0)
		return (-1);
	sc->p += len;
	v->type = type;
	return (0);
}

/* One member's value: a string, number, literal or an empty array. */
static int
proto_scan_scalar(struct proto_scan *sc, struct proto_value *v)
{
	memset(v, 0, sizeof *v);
	switch (*sc->p) {
	case '"':
		return (proto_scan_string(sc, v));
	case 't':
		return (proto_scan_word(sc, "true", JSON_TRUE, v));
	case 'f':
		return (proto_scan_word(sc, "false", JSON_FALSE, v));
	case 'n':
		return (proto_scan_word(sc, "null", JSON_NULL, v));
	case '[':
		sc->p++;
		proto_scan_ws(sc);
		if (sc->p == sc->end || *sc->p != ']')
			return (-1);
		sc->p++;
		v->type = JSON_ARRAY;
		return (0);
	default:
		return (proto_scan_number(sc, v));
	}
}

/*
 * Find key (len bytes, no NUL) in the tables: first where the last key
 * was followed, as a sender writes its fields in table order, else
 * anywhere.  Sets *t and *f, or returns -1 for a key no table lists.
 */
static int
proto_scan_key(struct proto_scan *sc, const char *key, size_t len,
    size_t *t, size_t *f)
{
	const struct proto_field	*field;
	size_t				 i, j;

	for (i = sc->next_t; i < sc->n; i++) {
		j = i == sc->next_t ? sc->next_f : 0;
		if (j < sc->ntables[i]) {
			field = &sc->tables[i][j];
			if (strncmp(field->key, key, len) == 0 &&
			    field->key[len] == '\0')
				goto found;
			break;
		}
	}
	for (i = 0; i < sc->n; i++) {
		for (j = 0; j < sc->ntables[i]; j++) {
			field = &sc->tables[i][j];
			if (strncmp(field->key, key, len) == 0 &&
			    field->key[len] == '\0')
				goto found;
		}
	}
	return (-1);
found:
	*t = i;
	*f = j;
	sc->next_t = i;
	sc->next_f = j + 1;
	return (0);
}

/*
 * A set of tables the scanner reads against must name each key once, in
 * at most PROTO_SCAN_FIELDS fields a table, for a key to stand for one
 * field: a programmer's error otherwise (fatal).
 */
static void
proto_scan_tables(const struct proto_field *const *tables,
    const size_t *ntables, size_t n)
{
	size_t	i, j, k, l;

	if (n > PROTO_SCAN_TABLES)
		fatal("%s: %zu tables, at most %d", __func__, n,
		    PROTO_SCAN_TABLES);
	for (i = 0; i < n; i++) {
		if (ntables[i] > PROTO_SCAN_FIELDS)
			fatal("%s: a table of %zu fields", __func__,
			    ntables[i]);
		for (j = 0; j < ntables[i]; j++) {
			for (k = i; k < n; k++) {
				for (l = k == i ? j + 1 : 0; l < ntables[k];
				    l++) {
					if (strcmp(tables[i][j].key,
					    tables[k][l].key) == 0)
						fatal("%s: key %s twice",
						    __func__,
						    tables[i][j].key);
				}
			}
		}
	}
}

/* Read one flat object against n tables; see proto-field.h. */
int
proto_scan(struct proto_scan *sc, const char *buf, size_t len,
    const struct proto_field *const *tables, const size_t *ntables,
    size_t n)
{
	static const struct proto_field *const	*checked[PROTO_SCAN_SETS];
	struct proto_value			 v;
	const char				*key;
	size_t					 keylen, t, f;

	for (t = 0; t < PROTO_SCAN_SETS && checked[t] != tables; t++) {
		if (checked[t] == NULL) {
			proto_scan_tables(tables, ntables, n);
			checked[t] = tables;
			break;
		}
	}
	if (t == PROTO_SCAN_SETS)
		fatal("%s: more than %d sets of tables", __func__,
		    PROTO_SCAN_SETS);
	sc->p = buf;
	sc->end = buf + len;
	sc->tables = tables;
	sc->ntables = ntables;
	sc->n = n;
	sc->next_t = sc->next_f = 0;
	sc->used = 0;
	memset(sc->seen, 0, sizeof sc->seen);

	proto_scan_ws(sc);
	if (sc->p == sc->end || *sc->p++ != '{')
		return (-1);
	for (;;) {
		proto_scan_ws(sc);
		if (sc->p == sc->end || *sc->p != '"' ||
		    proto_scan_span(sc, &key, &keylen) != 0 ||
		    proto_scan_key(sc, key, keylen, &t, &f) != 0 ||
		    (sc->seen[t] & (UINT32_C(1) << f)))
			return (-1);
		sc->seen[t] |= UINT32_C(1) << f;
		proto_scan_ws(sc);
		if (sc->p == sc->end || *sc->p++ != ':')
			return (-1);
		proto_scan_ws(sc);
		if (sc->p == sc->end || proto_scan_scalar(sc, &v) != 0)
			return (-1);
		sc->vals[t][f] = v;
		proto_scan_ws(sc);
		if (sc->p == sc->end)
			return (-1);
		if (*sc->p == '}')
			break;
		if (*sc->p++ != ',')
			return (-1);
	}
	sc->p++;
	proto_scan_ws(sc);
	return (sc->p == sc->end ? 0 : -1);
}

/* The value of field f of table t, or NULL when the object lacks it. */
const struct proto_value *
proto_scan_get(const struct proto_scan *sc, size_t t, size_t f)
{
	if (t >= sc->n || f >= sc->ntables[t] ||
	    (~sc->seen[t] & (UINT32_C(1) << f)))
		return (NULL);
	return (&sc->vals[t][f]);
}

/* Decode table t's fields from what was read; see proto-field.h. */
int
proto_scan_decode(struct proto_ctx *ctx, const struct proto_scan *sc,
    size_t t, void *base)
{
	size_t	f;

	for (f = 0; f < sc->ntables[t]; f++) {
		if (proto_decode_value(ctx, &sc->tables[t][f],
		    proto_scan_get(sc, t, f), base) != 0)
			return (-1);
	}
	return (0);
}
