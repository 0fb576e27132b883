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
static int	 urls_ca(const char *, const char *, struct urls *, char *);

/* Add a URL unless it is already listed. */
void
urls_add(struct urls *urls, const char *url)
{
	size_t	i;

	for (i = 0; i < urls->n; i++) {
		if (strcmp(urls->v[i], url) == 0)
			return;
	}
	urls->v = xreallocarray(urls->v, urls->n + 1, sizeof *urls->v);
	urls->v[urls->n++] = xstrdup(url);
}

/* Free a URL list. */
void
urls_free(struct urls *urls)
{
	size_t	i;

	for (i = 0; i < urls->n; i++)
		free(urls->v[i]);
	free(urls->v);
	urls->v = NULL;
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
	size_t	 size = 0, lineno = 0;
	int	 port, tls;

	*cause = NULL;
	while (getline(&line, &size, f) != -1) {
		lineno++;
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
			if (util_parse_url(word, host, sizeof host, &port,
			    upath, sizeof upath, &tls, why,
			    sizeof why) != 0) {
				*cause = xasprintf("%s line %zu: %s", path,
				    lineno, why);
				goto done;
			}
			urls_add(urls, word);
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
