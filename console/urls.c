/*
 * urls.c: the backends a console watches, and the fleet file that lists
 * them.
 *
 * The fleet file's parser lives here, apart from main, so that the
 * fuzzer (tests/fuzz/fuzz-fleet.c) runs the very code vigil runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "urls.h"
#include "util.h"

static int	 urls_read_stream(FILE *, const char *, struct urls *,
		    char **);
static int	 urls_gateway(const char *, size_t *, char *, size_t);
static int	 urls_ca(const char *, const char *, struct urls *, char *);

/* Add a URL unless it is already listed; its index. */
size_t
urls_add(struct urls *urls, const char *url)
{
	size_t	i;

	for (i = 0; i < urls->n; i++) {
		if (strcmp(urls->v[i], url) == 0)
			return (i);
	}
	urls->v = xreallocarray(urls->v, urls->n + 1, sizeof *urls->v);
	urls->gateway = xreallocarray(urls->gateway, urls->n + 1,
	    sizeof *urls->gateway);
	urls->gateway[urls->n] = 0;
	urls->v[urls->n] = xstrdup(url);
	return (urls->n++);
}

/* Free a URL list. */
void
urls_free(struct urls *urls)
{
	size_t	i;

	for (i = 0; i < urls->n; i++)
		free(urls->v[i]);
	free(urls->v);
	free(urls->gateway);
	urls->v = NULL;
	urls->gateway = NULL;
	urls->n = 0;
	free(urls->ca);
	urls->ca = NULL;
}

/*
 * Take a fleet file's "ca FILE" line: the CA certificate to trust,
 * relative to the fleet file's directory.  Returns 0, or -1 and a
 * sentence in why (PROTO_TEXT_MAX bytes).
 */
static int
urls_ca(const char *path, const char *file, struct urls *urls, char *why)
{
	const char	*slash = strrchr(path, '/');

	if (file == NULL) {
		util_format(why, PROTO_TEXT_MAX, "\"ca\" names no file; "
		    "write \"ca FILE\" with the CA certificate to trust");
		return (-1);
	}
	if (urls->ca != NULL) {
		util_format(why, PROTO_TEXT_MAX, "a second \"ca\" line; a "
		    "fleet file names one CA");
		return (-1);
	}
	if (file[0] == '/' || slash == NULL)
		urls->ca = xstrdup(file);
	else
		urls->ca = xasprintf("%.*s/%s", (int)(slash - path), path,
		    file);
	return (0);
}

/* Read the fleet file at path; see urls.h. */
int
urls_read(const char *path, struct urls *urls, char **cause)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("cannot read fleet file %s: %s; check the "
		    "path, or write one wss://HOST:PORT line per backend "
		    "(vigild fleet --fleet-file writes one)", path,
		    strerror(errno));
		return (-1);
	}
	rc = urls_read_stream(f, path, urls, cause);
	fclose(f);
	return (rc);
}

/* Read a fleet file from stream f, path naming it in sentences. */
static int
urls_read_stream(FILE *f, const char *path, struct urls *urls, char **cause)
{
	char	*line = NULL, *p, *word, *save, host[64], upath[256];
	char	 why[PROTO_TEXT_MAX];
	size_t	 size = 0, lineno = 0, last;
	int	 port, tls, after;

	*cause = NULL;
	while (getline(&line, &size, f) != -1) {
		lineno++;
		after = 0;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		word = strtok_r(line, " \t\r\n\f\v", &save);
		if (word != NULL && strcmp(word, "ca") == 0) {
			if (urls_ca(path, strtok_r(NULL, " \t\r\n\f\v",
			    &save), urls, why) != 0) {
				*cause = xasprintf("%s line %zu: %s", path,
				    lineno, why);
				goto done;
			}
			continue;
		}
		for (; word != NULL;
		    word = strtok_r(NULL, " \t\r\n\f\v", &save)) {
			if (strncmp(word, "gateway", 7) == 0) {
				if (!after)
					util_format(why, sizeof why,
					    "\"%.40s\" "
					    "comes before any URL on its line; "
					    "write it after the gateway's URL: "
					    "ws://HOST:PORT/ gateway=N", word);
				if (!after || urls_gateway(word,
				    &urls->gateway[last], why,
				    sizeof why) != 0) {
					*cause = xasprintf("%s line %zu: %s",
					    path, lineno, why);
					goto done;
				}
				after = 0;
				continue;
			}
			if (util_parse_url(word, host, sizeof host, &port,
			    upath, sizeof upath, &tls, why,
			    sizeof why) != 0) {
				*cause = xasprintf("%s line %zu: %s", path,
				    lineno, why);
				goto done;
			}
			last = urls_add(urls, word);
			after = 1;
		}
	}
	if (ferror(f))
		*cause = xasprintf("cannot read fleet file %s: %s; check the "
		    "file and the disk", path, strerror(errno));
	else if (urls->n == 0)
		*cause = xasprintf("fleet file %s lists no backends; add one "
		    "wss://HOST:PORT line per backend", path);
done:
	free(line);
	return (*cause != NULL ? -1 : 0);
}

/*
 * Parse word, "gateway=N", into *nodes: N from 1 to URLS_GATEWAY_MAX.
 * Returns 0, or -1 and a sentence in why.
 */
static int
urls_gateway(const char *word, size_t *nodes, char *why, size_t len)
{
	const char	*n = word + 7;
	char		*end;
	long		 v;

	if (*n != '=' || n[1] == '\0') {
		util_format(why, len, "\"%.40s\" is not gateway=N; give the "
		    "most nodes this gateway may serve, for example "
		    "gateway=5000", word);
		return (-1);
	}
	errno = 0;
	v = strtol(n + 1, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > URLS_GATEWAY_MAX) {
		util_format(why, len, "\"%.40s\": N must be a whole number "
		    "from 1 to %d, the most nodes this gateway may serve, for "
		    "example gateway=5000", word, URLS_GATEWAY_MAX);
		return (-1);
	}
	*nodes = (size_t)v;
	return (0);
}
