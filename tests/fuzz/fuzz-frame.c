/*
 * fuzz-frame.c: the protocol's frame decoder, proto_decode(), on any
 * bytes a peer could send.
 *
 * Besides not crashing, a decoded frame must encode to text that
 * decodes again to the same message type: what one side accepts, the
 * other can send.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"
#include "util.h"

/* Decode one frame; re-encode and re-decode what decoded. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg	*msg, *again;
	char			 cause[PROTO_TEXT_MAX], *text;

	msg = xcalloc(1, sizeof *msg);
	again = xcalloc(1, sizeof *again);
	if (proto_decode((const char *)data, size, msg, cause,
	    sizeof cause) == 0) {
		text = proto_encode(msg);
		if (proto_decode(text, strlen(text), again, cause,
		    sizeof cause) != 0)
			fatal("%s: a decoded frame re-encodes as %s, which does "
			    "not decode: %s", __func__, text, cause);
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
