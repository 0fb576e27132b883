/*
 * proto-field.h: the field tables the protocol's files share, private to
 * backend/proto*.c (nothing else includes it, nor <jansson.h>).
 *
 * Each message, command document and audit line is described once, as a
 * table of its fields; proto-field.c decodes, validates and encodes any
 * table, so the wire format and the C structs cannot drift apart and
 * every complaint reads alike.  The tables themselves live with the job
 * they serve: the wire messages in proto.c, the command document in
 * proto-command.c, the audit line in proto-audit.c; the reports
 * (proto-report.c) borrow the wire tables.
 */
#ifndef VIGIL_PROTO_FIELD_H
#define VIGIL_PROTO_FIELD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "proto-types.h"

/* How a field is held in its struct and written on the wire. */
enum proto_kind {
	KIND_STRING,	/* char[size], JSON string */
	KIND_U64,	/* uint64_t, JSON integer >= 0 */
	KIND_I64,	/* int64_t, JSON integer >= min */
	KIND_INT,	/* int, JSON integer >= min */
	KIND_DOUBLE,	/* double, JSON integer or real */
	KIND_BOOL,	/* int 0 or 1, JSON true or false */
	KIND_ROLE,	/* enum proto_role, JSON "router" or "station" */
	KIND_SEVERITY,	/* enum proto_severity, JSON "info"... */
	KIND_VERSION,	/* int, must be PROTO_VERSION */
	KIND_ARRAY,	/* element[max] and a size_t count, JSON array */
	KIND_OBJECT,	/* a struct member, JSON object of its fields */
	KIND_ARGS,	/* proto_command_arg[max] and a size_t count, JSON
			   object of name to string */
	KIND_WORD,	/* an enum indexing words, JSON string of at most
			   size - 1 bytes: one of the words */
};

/* A word's bound on the wire (a state, status or outcome), with NUL. */
#define PROTO_WORD_MAX	16

#define FIELD_OPTIONAL	0x1	/* may be absent; then dflt or "" or 0 */
#define FIELD_NONEMPTY	0x2	/* a string that may not be "" */
#define FIELD_ID	0x4	/* a node id "KIND/NAME" when not "" */
#define FIELD_SELF	0x8	/* the id of the node the message is about */
#define FIELD_POSITIVE	0x10	/* a number above zero */
#define FIELD_HEX	0x20	/* min lower-case hex digits when not "" */
#define FIELD_OPERATOR	0x40	/* an operator's name when not "" */
#define FIELD_SCALE	0x80	/* a time scale: PROTO_TIME_SCALE_MAX */
#define FIELD_HEAP	0x100	/* held by pointer, allocated to fit: a
				   string as char * of at most size - 1
				   bytes, an array as element * */

/* One field of a message: its wire name equals the C member's name. */
struct proto_field {
	const char			*key;
	enum proto_kind			 kind;
	size_t				 off;	/* in the struct */
	size_t				 size;	/* string buffer, or element */
	int				 flags;	/* FIELD_* */
	int64_t				 min;	/* smallest integer allowed */
	double				 dflt;	/* optional number's default */
	const struct proto_field	*sub;	/* array: element's fields */
	size_t				 nsub;
	size_t				 countoff; /* array: its size_t count */
	size_t				 max;	/* array: most entries */
	const char *const		*words;	/* string: the values allowed
						   besides "", NULL-ended */
};

/* What decoding has learnt so far, to begin every sentence with. */
struct proto_ctx {
	const char *type;			/* "stats" */
	const char *self;			/* the node id, once known */
	char	 whom[PROTO_ID_MAX + 32];	/* "stats from router/r3" */
	char	 path[48];			/* "flags[2]" inside arrays,
						   "sig" inside objects */
	char	*cause;
	size_t	 causelen;
};

#define P_STR(t, m, fl) {						\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl) }
#define P_NUM(t, m, k, fl, lo, d) {					\
	.key = #m, .kind = (k), .off = offsetof(t, m), .flags = (fl),	\
	.min = (lo), .dflt = (d) }
#define P_ARRAY(t, m, n, s, mx) {					\
	.key = #m, .kind = KIND_ARRAY, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .sub = (s), .nsub = nitems(s),	\
	.countoff = offsetof(t, n), .max = (mx) }
#define P_OPTARRAY(t, m, n, s, mx) {					\
	.key = #m, .kind = KIND_ARRAY, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .sub = (s), .nsub = nitems(s),	\
	.countoff = offsetof(t, n), .max = (mx), .flags = FIELD_OPTIONAL }
#define P_HEAPARRAY(t, m, n, s, mx) {					\
	.key = #m, .kind = KIND_ARRAY, .off = offsetof(t, m),		\
	.size = sizeof (*((t *)0)->m), .sub = (s), .nsub = nitems(s),	\
	.countoff = offsetof(t, n), .max = (mx), .flags = FIELD_HEAP }
#define P_HEAPSTR(t, m, fl, mx) {					\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = (mx), .flags = (fl) | FIELD_HEAP }
#define P_OBJECT(t, m, s, fl) {						\
	.key = #m, .kind = KIND_OBJECT, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .sub = (s), .nsub = nitems(s),	\
	.flags = (fl) }
#define P_ARGS(t, m, n, mx) {						\
	.key = #m, .kind = KIND_ARGS, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m[0]), .countoff = offsetof(t, n),	\
	.max = (mx) }
#define P_HEX(t, m, fl, digits) {					\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl) | FIELD_HEX,	\
	.min = (digits) }
#define P_WORD(t, m, fl, w, sz) {					\
	.key = #m, .kind = KIND_WORD, .off = offsetof(t, m),		\
	.size = (sz), .flags = (fl), .words = (w) }
#define P_WORDS(t, m, fl, w) {						\
	.key = #m, .kind = KIND_STRING, .off = offsetof(t, m),		\
	.size = sizeof (((t *)0)->m), .flags = (fl), .words = (w) }

/*
 * A member's value as the checks see it: read from jansson's tree, or by
 * the scanner (proto-scan.c), which builds no tree.  A string holds len
 * bytes and a NUL after them.
 */
struct proto_value {
	json_type	 type;	/* JSON_STRING, JSON_INTEGER... */
	const char	*s;	/* a string's bytes */
	size_t		 len;	/* a string's length, an array's size */
	json_int_t	 i;	/* an integer */
	double		 d;	/* a number, as a double */
	json_t		*json;	/* jansson's value; NULL from the scanner,
				   which takes arrays only when empty, and
				   no objects */
};

#define PROTO_SCAN_TABLES	4	/* tables one scan reads against */
#define PROTO_SCAN_FIELDS	32	/* fields a table, one bit each */
#define PROTO_SCAN_SETS		4	/* sets of tables scans read against,
					   each checked once */

/*
 * The scanner's reading of one flat object (proto-scan.c): each member's
 * value by table and field, and which fields it had.
 */
struct proto_scan {
	const char			 *p, *end;
	const struct proto_field *const	 *tables;
	const size_t			 *ntables;
	size_t				  n;
	size_t				  next_t, next_f; /* where the
							     next key likely
							     is */
	uint32_t			  seen[PROTO_SCAN_TABLES];
	struct proto_value		  vals[PROTO_SCAN_TABLES]
					      [PROTO_SCAN_FIELDS];
	char				  strings[1024];  /* the string
							     values, each
							     with a NUL */
	size_t				  used;
};

/* The wire tables the reports borrow (proto.c). */
extern const struct proto_field	proto_hello_fields[];
extern const size_t		proto_hello_nfields;
extern const struct proto_field	proto_router_fields[];
extern const size_t		proto_router_nfields;
extern const struct proto_field	proto_station_fields[];
extern const size_t		proto_station_nfields;
extern const struct proto_field	proto_cert_fields[];
extern const size_t		proto_cert_nfields;

/* The command document's table, for the proposals report. */
extern const struct proto_field	proto_command_fields[];
extern const size_t		proto_command_nfields;

/* Decoding (proto-field.c). */
int		 proto_fail(struct proto_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*proto_json_kind(const json_t *);
void		 proto_echo(const char *, size_t, char *, size_t);
json_t		*proto_load(const char *, const char *, size_t, char *,
		    size_t);
void		 proto_ctx_init(struct proto_ctx *, const char *, char *,
		    size_t);
int		 proto_decode_root(struct proto_ctx *, const char *, size_t,
		    size_t, json_t **);
int		 proto_decode_fields(struct proto_ctx *, json_t *,
		    const struct proto_field *, size_t, void *);
void		 proto_value_of(json_t *, struct proto_value *);
int		 proto_decode_value(struct proto_ctx *,
		    const struct proto_field *, const struct proto_value *,
		    void *);
void		 proto_free_fields(const struct proto_field *, size_t,
		    void *);
void		*proto_heap_array(void *, size_t, size_t, size_t,
		    const char *);

/*
 * The scanner (proto-scan.c).  proto_scan() reads len bytes that are one
 * JSON object of scalars (and empty arrays) whose every key is a field of
 * one of n tables, each key once: 0, or -1 when the text is anything else
 * or anything the scanner leaves to jansson (see proto-scan.c); then the
 * caller decodes it through jansson, which says what is wrong, if
 * anything.  proto_scan_decode() then decodes table t into the struct at
 * base as proto_decode_fields() would: 0, or -1 with the sentence.
 */
int		 proto_scan(struct proto_scan *, const char *, size_t,
		    const struct proto_field *const *, const size_t *,
		    size_t);
const struct proto_value *proto_scan_get(const struct proto_scan *, size_t,
		    size_t);
int		 proto_scan_decode(struct proto_ctx *,
		    const struct proto_scan *, size_t, void *);

/* Encoding (proto-field.c). */
json_t		*proto_string(const char *, size_t);
json_t		*proto_counter(uint64_t);
void		 proto_set(json_t *, const char *, json_t *);
void		 proto_set_key(json_t *, const char *, json_t *);
void		 proto_set_string(json_t *, const char *, const char *);
void		 proto_encode_fields(json_t *, const struct proto_field *,
		    size_t, const void *, int);
void		 proto_encode_key(json_t *, const struct proto_field *,
		    size_t, const char *, const void *);
const char	*proto_array_elems(const struct proto_field *, const void *,
		    size_t *);
const char	*proto_field_string(const struct proto_field *, const void *);
int		 proto_field_absent(const struct proto_field *, const void *);
const char	*proto_word(const char *const *, int);
char		*proto_dump(json_t *);
char		*proto_dump_sorted(json_t *);
char		*proto_dump_flags(json_t *, size_t);

/*
 * The writer (proto-write.c): a table's fields appended to a growing
 * buffer as the bytes proto_encode_fields() and a compact dump would
 * give, without jansson's tree.  It writes every kind a stats, cert or
 * alert frame holds; a table with any other kind (an object, command
 * arguments, a version) is a programmer error (fatal).  buf is
 * NUL-terminated once anything is written; the caller frees it.
 */
struct proto_out {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 ascii;	/* escape non-ASCII (JSON_ENSURE_ASCII) */
};
void		 proto_write_fields(struct proto_out *,
		    const struct proto_field *, size_t, const void *);
void		 proto_write_field(struct proto_out *,
		    const struct proto_field *, const void *);
void		 proto_write_key(struct proto_out *, const char *);
void		 proto_write_string(struct proto_out *, const char *, size_t);
void		 proto_write_int(struct proto_out *, int64_t);
void		 proto_write_counter(struct proto_out *, uint64_t);
void		 proto_write_real(struct proto_out *, double);
void		 proto_write_bytes(struct proto_out *, const char *, size_t);
void		 proto_write_raw(struct proto_out *, const char *);

#endif
