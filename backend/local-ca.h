/*
 * local-ca.h: the local CA of a vigild that was given no certificate.
 *
 * So that a demo and the tests run over TLS as production does, vigild
 * with a fleet file and no --cert makes a CA of its own at start, issues
 * every node a certificate naming the listening address, "localhost"
 * and the node (a URI "vigil:ROLE/NAME", see vigil-protocol(7)), writes
 * the CA's certificate beside the fleet file for the console to trust,
 * and forgets the CA's key: no one, vigild included, can issue another
 * certificate under it.  All node certificates share one key, made
 * once, so that a fleet of 1,000 nodes starts in well under a second.
 */
#ifndef VIGIL_LOCAL_CA_H
#define VIGIL_LOCAL_CA_H

#include <stddef.h>

struct driver;
struct tls_ca;
struct tls_cert;
struct tls_key;

/*
 * What the nodes serve: a certificate each and their shared key, as
 * objects, so that no vhost decodes them again.
 */
struct local_ca {
	struct tls_cert	**certs;	/* one per node */
	size_t		  n;
	struct tls_key	 *key;
	char		 *ca_path;	/* where the CA certificate went */
};

/*
 * Make the CA, the node certificates for every node of d (the
 * simulator's or the agent's) listening on address, and write the CA's
 * certificate to ca_path (mode 0644).  Returns 0, or -1 and an
 * allocated sentence in *cause, nothing kept.
 */
int	 local_ca_make(struct local_ca *lca, const struct driver *d,
	    const char *address, const char *ca_path, char **cause);

/*
 * vigild fleet --gateways: make the CA and the key every gateway's
 * certificate carries, before the gateways start, and write the CA's
 * certificate to ca_path.  Returns 0, or -1 and an allocated sentence in
 * *cause, nothing kept.
 */
int	 local_ca_start(struct tls_ca **ca, struct tls_key **key,
	    const char *ca_path, char **cause);

/*
 * A gateway's one certificate, naming the listening address,
 * "localhost" and every node of d, issued by ca for key into lca
 * (n 1), which names ca_path as its CA's file.  Returns 0, or -1 and an
 * allocated sentence in *cause, nothing kept.
 */
int	 local_ca_gateway(struct local_ca *lca, const struct tls_ca *ca,
	    const struct tls_key *key, const struct driver *d,
	    const char *address, const char *ca_path, char **cause);

/* Free what local_ca_make() made (the file stays). */
void	 local_ca_free(struct local_ca *lca);

#endif
