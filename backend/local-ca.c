/*
 * local-ca.c: a CA made at start for the nodes of one vigild, so that
 * it serves wss with nothing set up beforehand.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "local-ca.h"
#include "sim.h"
#include "tls.h"
#include "util.h"

#define LOCAL_CA_DAYS	30	/* how long the CA and certificates last */

/* Make the CA, the nodes' certificates, and write the CA's. */
int
local_ca_make(struct local_ca *lca, const struct sim *sim,
    const char *address, const char *ca_path, char **cause)
{
	struct tls_ca	*ca;
	struct tls_key	*key;
	const char	*hosts[2], *node;
	char		*cn, *pem;
	size_t		 i;

	memset(lca, 0, sizeof lca[0]);
	cn = xasprintf("vigil local CA of vigild %ld", (long)getpid());
	ca = tls_ca_new(cn, LOCAL_CA_DAYS, cause);
	free(cn);
	if (ca == NULL)
		return (-1);
	if ((key = tls_key_new(cause)) == NULL) {
		tls_ca_free(ca);
		return (-1);
	}
	hosts[0] = address;
	hosts[1] = "localhost";
	lca->n = sim_nnodes(sim);
	lca->cert_pem = xcalloc(lca->n, sizeof *lca->cert_pem);
	for (i = 0; i < lca->n; i++) {
		node = sim_node_id(sim, i);
		lca->cert_pem[i] = tls_ca_issue(ca, key, node, hosts, 2, &node,
		    1, -300, (int64_t)LOCAL_CA_DAYS * 86400, cause);
		if (lca->cert_pem[i] == NULL)
			goto fail;
	}
	lca->key_pem = tls_key_pem(key);
	pem = tls_ca_pem(ca);
	if (tls_write_file(ca_path, pem, 0644, cause) != 0) {
		free(pem);
		goto fail;
	}
	free(pem);
	lca->ca_path = xstrdup(ca_path);
	tls_key_free(key);
	tls_ca_free(ca);
	return (0);
fail:
	tls_key_free(key);
	tls_ca_free(ca);
	local_ca_free(lca);
	return (-1);
}

/* Free the certificates and the key. */
void
local_ca_free(struct local_ca *lca)
{
	size_t	i;

	for (i = 0; i < lca->n; i++)
		free(lca->cert_pem[i]);
	free(lca->cert_pem);
	if (lca->key_pem != NULL) {
		explicit_bzero(lca->key_pem, strlen(lca->key_pem));
		free(lca->key_pem);
	}
	free(lca->ca_path);
	memset(lca, 0, sizeof lca[0]);
}
