/*
 * fuzz-frame.c: the protocol's frame decoder, proto_decode(), on any
 * bytes a peer could send.
 *
 * Besides not crashing, a decoded frame must encode to text that
 * decodes again to the same message type: what one side accepts, the
 * other can send.  And the scanner that reads plain stats and cert
 * frames must take and refuse what the jansson path does, with the same
 * message or the same sentence; and the writer that encodes stats frames
 * must give jansson's bytes, as must the one that writes a status report
 * of the node a hello, stats or cert frame describes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"
#include "proto-report.h"
#include "util.h"

static void	 fuzz_frame_paths(const char *, size_t, struct proto_msg *,
		    int, const char *);
static void	 fuzz_frame_report(const struct proto_msg *);

/* A status report of the node msg describes: written as jansson would. */
static void
fuzz_frame_report(const struct proto_msg *msg)
{
	struct proto_report_node	 n;
	char				*a, *b;

	memset(&n, 0, sizeof n);
	n.state = "live";
	n.parent_rate = n.child_rate = n.child_share_rate = 1.0 / 3;
	n.child_rate_baseline = n.heartbeat_rate = -1;
	n.heartbeat_rate_expected = 1e300;
	if (msg->type == MSG_HELLO) {
		n.id = n.error = msg->u.hello.node;
		n.hello = &msg->u.hello;
	} else if (msg->type == MSG_STATS) {
		n.id = n.transport_fpr = msg->u.stats.node;
		n.stats = &msg->u.stats;
	} else if (msg->type == MSG_CERT) {
		n.id = n.url = msg->u.cert.node;
		n.cert = &msg->u.cert;
	} else
		return;
	a = proto_report_status(n.id, &n, 1, NULL, 0);
	proto_report_writer(0);
	b = proto_report_status(n.id, &n, 1, NULL, 0);
	proto_report_writer(1);
	if (strcmp(a, b) != 0)
		fatal("%s: the report writer writes %s, jansson %s", __func__,
		    a, b);
	free(a);
	free(b);
}

/*
 * Decode the frame again without the scanner, which must come to rc and
 * msg (when 0) or the sentence cause (when -1).
 */
static void
fuzz_frame_paths(const char *data, size_t size, struct proto_msg *msg,
    int rc, const char *cause)
{
	struct proto_msg	*other = xcalloc(1, sizeof *other);
	char			 why[PROTO_TEXT_MAX], *a, *b;
	int			 orc;

	proto_decode_scanner(0);
	orc = proto_decode(data, size, other, why, sizeof why);
	proto_decode_scanner(1);
	if (orc != rc || other->type != msg->type)
		fatal("%s: the scanner says %d (type %d), jansson %d (type "
		    "%d)", __func__, rc, (int)msg->type, orc,
		    (int)other->type);
	if (rc != 0 && strcmp(why, cause) != 0)
		fatal("%s: the scanner says \"%s\", jansson \"%s\"",
		    __func__, cause, why);
	if (rc == 0) {
		a = proto_encode(msg);
		b = proto_encode(other);
		if (strcmp(a, b) != 0)
			fatal("%s: the scanner decodes %s, jansson %s",
			    __func__, a, b);
		free(b);
		proto_encode_writer(0);
		b = proto_encode(msg);
		proto_encode_writer(1);
		if (strcmp(a, b) != 0)
			fatal("%s: the stats writer writes %s, jansson %s",
			    __func__, a, b);
		free(a);
		free(b);
		fuzz_frame_report(msg);
		proto_msg_clear(other);
	}
	free(other);
}

/* Decode one frame; re-encode and re-decode what decoded. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg	*msg, *again;
	char			 cause[PROTO_TEXT_MAX], *text;
	int			 rc;

	msg = xcalloc(1, sizeof *msg);
	again = xcalloc(1, sizeof *again);
	rc = proto_decode((const char *)data, size, msg, cause, sizeof cause);
	fuzz_frame_paths((const char *)data, size, msg, rc, cause);
	if (rc == 0) {
		text = proto_encode(msg);
		if (proto_decode(text, strlen(text), again, cause,
		    sizeof cause) != 0)
			fatal("%s: a decoded frame re-encodes as %s, which "
			    "does not decode: %s", __func__, text, cause);
		if (again->type != msg->type)
			fatal("%s: %s decodes as another type", __func__, text);
		free(text);
		proto_msg_clear(again);
		proto_msg_clear(msg);
	} else if (memchr(cause, '\0', sizeof cause) == NULL)
		fatal("%s: the cause is not a string", __func__);
	free(again);
	free(msg);
	return (0);
}
