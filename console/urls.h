/*
 * urls.h: the backends a console watches, and the fleet file that lists
 * them.
 *
 * A fleet file names one websocket URL per backend: "#" starts a comment
 * anywhere, blank lines are ignored, a line "ca FILE" names the CA
 * certificate to trust (relative to the fleet file; vigild writes it
 * when it made a local CA), every other word is a URL, or "gateway=N"
 * after a URL on its line: that backend is a gateway the console lets
 * serve up to N nodes (one backend may serve FLEET_LINK_NODES_DEFAULT).
 * vigild fleet --fleet-file writes one; operators write their own.
 */
#ifndef VIGIL_URLS_H
#define VIGIL_URLS_H

#include <stddef.h>

struct urls {
	char	**v;
	size_t	 *gateway;	/* 0: a backend; N: a gateway of N nodes */
	size_t	  n;
	char	 *ca;		/* the fleet file's CA; NULL: none named */
};

/* Most nodes a fleet file may let one gateway serve. */
#define URLS_GATEWAY_MAX	100000

/*
 * Add url (copied) as a backend unless it is already listed.  Returns
 * its index.
 */
size_t	 urls_add(struct urls *urls, const char *url);

/* Free the list and the CA's name, and leave it empty. */
void	 urls_free(struct urls *urls);

/*
 * Read the fleet file at path into urls.  Returns 0, or -1 and an
 * allocated sentence in *cause saying what is wrong and where (urls may
 * then hold the URLs read before the mistake).
 */
int	 urls_read(const char *path, struct urls *urls, char **cause);

#endif
