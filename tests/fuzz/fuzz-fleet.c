/*
 * fuzz-fleet.c: the console's fleet file parser, urls_read(), on
 * any file contents.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "urls.h"
#include "util.h"

/* Read a fleet file holding the input: a fleet it accepts has a backend. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct urls	 urls = { NULL, NULL, 0, NULL };
	char		*cause = NULL;

	if (urls_read(fuzz_file(data, size), &urls, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			fatal("%s: refused without a reason", __func__);
		free(cause);
	} else if (urls.n == 0)
		fatal("%s: accepted a fleet of no backends", __func__);
	urls_free(&urls);
	return (0);
}
