/*
 * ossl.h: OpenSSL's errors as sentences, for the modules in keys/.
 */
#ifndef VIGIL_OSSL_H
#define VIGIL_OSSL_H

/*
 * Set *cause (if cause is not NULL) to the formatted sentence followed by
 * the oldest error on OpenSSL's queue, if any, and empty the queue either
 * way, so that no stale error is blamed for a later failure.
 */
void	 ossl_fail(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
