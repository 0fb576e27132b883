/*
 * tls.h: the certificates of the websocket links.  libwebsockets does
 * TLS itself; this module makes and reads what it needs (a small CA,
 * backend certificates naming hosts and nodes) and turns what OpenSSL
 * says about a peer's certificate into sentences, so that no other
 * module includes OpenSSL.
 *
 * A backend certificate names the hosts it may be reached at (DNS and
 * IP subject alternative names, checked by the console against the
 * URL's host) and the nodes it may speak for: one URI subject
 * alternative name "vigil:ROLE/NAME" per node (TLS_NODE_SCHEME), as
 * vigil-protocol(7) defines.  Keys are P-256: libwebsockets 4.1 loads
 * RSA and EC keys from memory, and P-256 keys cost well under a
 * millisecond to make.
 */
#ifndef VIGIL_TLS_H
#define VIGIL_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_NODE_SCHEME		"vigil:"	/* URI SAN "vigil:router/r8" */
#define TLS_MAX_NAMES		4096		/* SANs read from a peer */

struct tls_key;		/* a P-256 key pair */
struct tls_ca;		/* a CA: its key and self-signed certificate */
struct tls_cert;	/* a certificate a CA issued */

/* Make a key pair.  Returns it, or NULL and an allocated *cause. */
struct tls_key	*tls_key_new(char **cause);
void		 tls_key_free(struct tls_key *key);

/* Another holder of key: each holder frees its own. */
struct tls_key	*tls_key_ref(const struct tls_key *key);

/* The private key as PEM (allocated), for libwebsockets or a file. */
char		*tls_key_pem(const struct tls_key *key);

/*
 * Make a CA named cn, valid from now for days days.  Returns it, or
 * NULL and an allocated sentence in *cause.
 */
struct tls_ca	*tls_ca_new(const char *cn, int days, char **cause);

/*
 * Read a CA's certificate and key from PEM files.  Returns it, or NULL
 * and a sentence naming the file and what is wrong with it.
 */
struct tls_ca	*tls_ca_load(const char *cert_path, const char *key_path,
		    char **cause);
void		 tls_ca_free(struct tls_ca *ca);

/* The CA's private key as PEM (allocated), for vigil-key's ca.key. */
char		*tls_ca_key_pem(const struct tls_ca *ca);

/* The CA's certificate as PEM (allocated). */
char		*tls_ca_pem(const struct tls_ca *ca);

/*
 * Issue a certificate for key, signed by ca: common name cn, subject
 * alternative names for the nhosts hosts (an IPv4 or IPv6 address
 * becomes an IP name, anything else a DNS name) and one URI
 * "vigil:ID" for each of the nnodes node ids; valid from
 * now + from_s seconds to now + until_s seconds (from_s may be
 * negative, until_s too, to make an expired certificate for a test).
 * Returns the PEM (allocated), or NULL and an allocated *cause.
 */
char		*tls_ca_issue(const struct tls_ca *ca,
		    const struct tls_key *key, const char *cn,
		    const char *const *hosts, size_t nhosts,
		    const char *const *nodes, size_t nnodes, int64_t from_s,
		    int64_t until_s, char **cause);

/*
 * As tls_ca_issue(), the certificate as an object, for a server that
 * serves it (tls_server_use()) rather than writes it.  Returns it, or
 * NULL and an allocated *cause.
 */
struct tls_cert	*tls_ca_issue_cert(const struct tls_ca *ca,
		    const struct tls_key *key, const char *cn,
		    const char *const *hosts, size_t nhosts,
		    const char *const *nodes, size_t nnodes, int64_t from_s,
		    int64_t until_s, char **cause);
void		 tls_cert_free(struct tls_cert *cert);

/*
 * Serve cert with key on ctx, an SSL_CTX * as libwebsockets hands it
 * out: no PEM nor DER decoded, the context sharing both.  Returns 0, or
 * -1 and an allocated sentence in *cause.
 */
int		 tls_server_use(void *ctx, const struct tls_cert *cert,
		    const struct tls_key *key, char **cause);

/*
 * Write text to path with mode, replacing it through a temporary file.
 * Returns 0, or -1 and an allocated sentence in *cause.
 */
int		 tls_write_file(const char *path, const char *text, int mode,
		    char **cause);

/*
 * Check a certificate and key file a backend will serve: both readable
 * PEM, the key the certificate's, the certificate valid now, and the
 * key file not writable (nor readable) by others.  Returns 0, or -1 and
 * a sentence naming the file and the next step.
 */
int		 tls_check_pair(const char *cert_path, const char *key_path,
		    char **cause);

/*
 * Check a CA file a console will trust: readable, holding at least one
 * PEM certificate, and not writable by others.  Returns 0, or -1 and a
 * sentence.
 */
int		 tls_check_ca(const char *path, char **cause);

/*
 * The node ids the peer's certificate names (its "vigil:" URI names),
 * for ssl, an OpenSSL SSL * as libwebsockets hands it out.  Returns the
 * count and an allocated array of allocated ids in *ids (the caller
 * frees each and the array; fleet_link_names() takes them), or -1 when
 * the peer showed no certificate.
 */
int		 tls_peer_nodes(void *ssl, char ***ids);

/*
 * The key-exchange groups a console offers, in order: OpenSSL 3.0's
 * defaults with P-256 first (tls_client_tune() says why).
 */
#define TLS_CLIENT_GROUPS	"P-256:X25519:X448:P-521:P-384:ffdhe2048:" \
				"ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"

/* The groups a vigild vhost takes: OpenSSL 3.0's defaults, in order. */
#define TLS_SERVER_GROUPS	"X25519:P-256:X448:P-521:P-384:ffdhe2048:" \
				"ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"

/*
 * Let a vigild vhost's TLS context (ctx, an SSL_CTX * as libwebsockets
 * hands it out, after it set its certificate) take every key-exchange
 * group OpenSSL offers by default, so that no client needs a second
 * ClientHello.  Should OpenSSL refuse the list, the context stays as
 * it was.  It issues no session tickets and keeps no sessions: no vigil
 * client resumes one.
 */
void		 tls_server_tune(void *ctx);

/*
 * Tune the console's client TLS context (ctx, an OpenSSL SSL_CTX * as
 * libwebsockets hands it out) for many idle links: each connection's
 * 16 KB record buffers are given back while it waits, which is most of
 * the time, at least TLS 1.2 is spoken, and the first key share offered
 * is one libwebsockets' servers take.  Should OpenSSL refuse the list,
 * its defaults stay, which only cost a round trip.
 */
void		 tls_client_tune(void *ctx);

/* Free ssl's (an SSL *) record buffers if it holds nothing in them. */
void		 tls_release_buffers(void *ssl);

/*
 * Describe in buf why the certificate being verified (store_ctx, an
 * OpenSSL X509_STORE_CTX *) was refused, naming it by subject and
 * issuer; host is the address the console dialled.  Returns 1 when it
 * was refused (buf filled), 0 when it is fine (buf untouched).
 */
int		 tls_verify_refusal(void *store_ctx, int preverify_ok,
		    const char *host, char *buf, size_t len);

#endif
