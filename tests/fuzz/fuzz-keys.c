/*
 * fuzz-keys.c: the console's key config parser, keys_parse_config(), on
 * any file contents.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "util.h"

/* Apply a config holding the input: whole, or not at all with a reason. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keymap	*km, *before;
	char		*text, *cause = NULL;

	km = xcalloc(1, sizeof *km);
	before = xcalloc(1, sizeof *before);
	keys_default(km);
	*before = *km;
	text = fuzz_text(data, size);
	if (keys_parse_config(km, text, "fuzz.conf", &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			fatal("%s: refused without a reason", __func__);
		if (memcmp(km, before, sizeof *km) != 0)
			fatal("%s: a refused config changed the keys",
			    __func__);
		free(cause);
	}
	free(text);
	free(before);
	free(km);
	return (0);
}
