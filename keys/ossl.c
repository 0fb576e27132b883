/*
 * ossl.c: OpenSSL's errors as sentences, shared by keys/cert.c and
 * keys/opkey.c.
 */
#include <stdarg.h>
#include <stdlib.h>

#include <openssl/err.h>

#include "ossl.h"
#include "util.h"

/* The sentence, then OpenSSL's own words; the queue is left empty. */
void
ossl_fail(char **cause, const char *fmt, ...)
{
	va_list		 ap;
	char		*what, ssl[256];
	unsigned long	 e;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	e = ERR_get_error();
	ERR_clear_error();
	if (cause == NULL) {
		free(what);
		return;
	}
	if (e != 0) {
		ERR_error_string_n(e, ssl, sizeof ssl);
		*cause = xasprintf("%s: %s", what, ssl);
		free(what);
	} else
		*cause = what;
}
