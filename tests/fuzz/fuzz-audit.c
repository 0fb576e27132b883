/*
 * fuzz-audit.c: audit_verify(), which reads back a log an attacker may
 * have edited, on any file contents.
 */
#include <string.h>

#include "audit.h"
#include "fuzz.h"
#include "proto.h"
#include "util.h"

/* Verify a log holding the input; the report is always a sentence. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	report[PROTO_TEXT_MAX];
	long	bad_line;
	int	rc;

	rc = audit_verify(fuzz_file(data, size), report, sizeof report,
	    &bad_line);
	if (memchr(report, '\0', sizeof report) == NULL || report[0] == '\0')
		fatal("%s: the report is not a sentence", __func__);
	if (rc == 0 && bad_line != 0)
		fatal("%s: an intact log names a bad line", __func__);
	return (0);
}
