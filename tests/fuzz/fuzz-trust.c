/*
 * fuzz-trust.c: the operators' trust file parser, opkey_trust_load(), on
 * any file contents.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "opkey.h"
#include "util.h"

/* Load a trust file holding the input: all of it, or none with a reason. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opkey_trust	 trust;
	char			*cause = NULL;

	if (opkey_trust_load(fuzz_file(data, size), &trust, &cause) == 0)
		opkey_trust_free(&trust);
	else {
		if (cause == NULL || *cause == '\0')
			fatal("%s: refused without a reason", __func__);
		free(cause);
	}
	return (0);
}
