/*
 * local-ca.c: a CA made at start for the nodes of one vigild, so that
 * it serves wss with nothing set up beforehand.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "local-ca.h"
#include "tls.h"
#include "util.h"

#define LOCAL_CA_DAYS	30	/* how long the CA and certificates last */

/* Make a CA and a key, and write the CA's certificate; see local-ca.h. */
int
local_ca_start(struct tls_ca **ca, struct tls_key **key, const char *ca_path,
    char **cause)
{
	char	*cn, *pem;
	int	 rc;

	cn = xasprintf("vigil local CA of vigild %ld", (long)getpid());
	*ca = tls_ca_new(cn, LOCAL_CA_DAYS, cause);
	free(cn);
	if (*ca == NULL)
		return (-1);
	if ((*key = tls_key_new(cause)) == NULL) {
		tls_ca_free(*ca);
		return (-1);
	}
	pem = tls_ca_pem(*ca);
	rc = tls_write_file(ca_path, pem, 0644, cause);
	free(pem);
	if (rc != 0) {
		tls_key_free(*key);
		tls_ca_free(*ca);
	}
	return (rc);
}

/*
 * Issue into lca, from ca for key, a certificate for each node of d
 * listening on address, or with gateway one naming them all.
 */
static int
local_ca_issue(struct local_ca *lca, const struct tls_ca *ca,
    const struct tls_key *key, const struct driver *d, const char *address,
    int gateway, char **cause)
{
	const char	*hosts[2], **nodes;
	size_t		 i, n = d->ops->nnodes(d->arg);

	hosts[0] = address;
	hosts[1] = "localhost";
	nodes = xcalloc(n, sizeof *nodes);
	for (i = 0; i < n; i++)
		nodes[i] = d->ops->node_id(d->arg, i);
	lca->n = gateway ? 1 : n;
	lca->certs = xcalloc(lca->n, sizeof *lca->certs);
	for (i = 0; i < lca->n; i++) {
		lca->certs[i] = tls_ca_issue_cert(ca, key, gateway ? "vigil "
		    "gateway" : nodes[i], hosts, 2, nodes + i, gateway ? n : 1,
		    -300, (int64_t)LOCAL_CA_DAYS * 86400, cause);
		if (lca->certs[i] == NULL)
			break;
	}
	free(nodes);
	if (i < lca->n)
		return (-1);
	lca->key = tls_key_ref(key);
	return (0);
}

/* Make the CA, the nodes' certificates, and write the CA's. */
int
local_ca_make(struct local_ca *lca, const struct driver *d,
    const char *address, const char *ca_path, char **cause)
{
	struct tls_ca	*ca;
	struct tls_key	*key;
	int		 rc;

	memset(lca, 0, sizeof lca[0]);
	if (local_ca_start(&ca, &key, ca_path, cause) != 0)
		return (-1);
	rc = local_ca_issue(lca, ca, key, d, address, 0, cause);
	tls_key_free(key);
	tls_ca_free(ca);
	if (rc != 0) {
		local_ca_free(lca);
		return (-1);
	}
	lca->ca_path = xstrdup(ca_path);
	return (0);
}

/* A gateway's one certificate naming all its nodes; see local-ca.h. */
int
local_ca_gateway(struct local_ca *lca, const struct tls_ca *ca,
    const struct tls_key *key, const struct driver *d, const char *address,
    const char *ca_path, char **cause)
{
	memset(lca, 0, sizeof lca[0]);
	if (local_ca_issue(lca, ca, key, d, address, 1, cause) != 0) {
		local_ca_free(lca);
		return (-1);
	}
	lca->ca_path = xstrdup(ca_path);
	return (0);
}

/* Free the certificates and the key. */
void
local_ca_free(struct local_ca *lca)
{
	size_t	i;

	for (i = 0; i < lca->n; i++)
		tls_cert_free(lca->certs[i]);
	free(lca->certs);
	tls_key_free(lca->key);
	free(lca->ca_path);
	memset(lca, 0, sizeof lca[0]);
}
