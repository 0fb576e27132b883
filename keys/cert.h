/*
 * cert.h: the stations' keys and X.509 certificates, and the signatures
 * stations put on every message they send.  All OpenSSL use for stations
 * lives in keys/cert.c; its errors come back as sentences.
 *
 * Times are a node's clock (a scenario's clock when simulated) in
 * milliseconds since the Unix epoch: certificates are issued with
 * notBefore/notAfter on that clock, so an hour of scenario time is an
 * hour of validity even when the demo runs it in a minute.
 */
#ifndef VIGIL_CERT_H
#define VIGIL_CERT_H

#include <stddef.h>
#include <stdint.h>

#define CERT_SIG_MAX	64	/* Ed25519 signature bytes */

struct cert_key;	/* a station's Ed25519 key pair */
struct cert;		/* one X.509 certificate */

/* Fields of a certificate an operator reads. */
struct cert_info {
	char	subject[128];	/* "station/s3" (the CN) */
	char	issuer[128];	/* CN of the issuer */
	char	serial[64];	/* hex */
	int64_t	not_before_ms;
	int64_t	not_after_ms;
};

/*
 * Make a new Ed25519 key pair.  Returns the key, or NULL and an allocated
 * sentence in *cause (caller frees).
 */
struct cert_key	*cert_key_new(char **cause);
void		 cert_key_free(struct cert_key *key);

/*
 * Make a self-signed root CA certificate for key with common name cn,
 * valid from now_ms for valid_ms.  Returns it, or NULL and *cause.
 */
struct cert	*cert_root_new(struct cert_key *root_key, const char *cn,
		    int64_t now_ms, int64_t valid_ms, char **cause);

/*
 * Issue a certificate for subject_key with common name cn, signed by the
 * root (root_cert, root_key), valid from now_ms for valid_ms, with a
 * fresh random serial.  Returns it, or NULL and *cause.
 */
struct cert	*cert_issue(const struct cert *root_cert,
		    struct cert_key *root_key, struct cert_key *subject_key,
		    const char *cn, int64_t now_ms, int64_t valid_ms,
		    char **cause);

void		 cert_free(struct cert *cert);

/* Fill *info from cert.  Returns 0, or -1 and *cause. */
int		 cert_get_info(const struct cert *cert, struct cert_info *info,
		    char **cause);

/*
 * Check that cert was signed by root and that now_ms lies within its
 * validity on the node clock.  Returns 0, or -1 and *cause in words
 * ("certificate for station/s3 expired at 14:01:00, 12s ago").
 */
int		 cert_verify(const struct cert *cert, const struct cert *root,
		    int64_t now_ms, char **cause);

/* PEM text of cert, allocated (caller frees); NULL and *cause on error. */
char		*cert_pem(const struct cert *cert, char **cause);

/*
 * Sign len bytes of msg with key into sig (CERT_SIG_MAX bytes); *siglen
 * gets the length.  Returns 0, or -1 and *cause.
 */
int		 cert_sign(struct cert_key *key, const void *msg, size_t len,
		    unsigned char *sig, size_t *siglen, char **cause);

/*
 * Does cert hold the public half of key?  Returns 1 or 0; remembered with
 * the certificate, so asking again is a pointer compare.
 */
int		 cert_holds_key(const struct cert *cert,
		    const struct cert_key *key);

/*
 * Check sig over msg against the public key in cert.  Returns 1 if it is
 * valid, 0 if not, -1 and *cause if it could not be checked.
 */
int		 cert_check_signature(const struct cert *cert, const void *msg,
		    size_t len, const unsigned char *sig, size_t siglen,
		    char **cause);

/*
 * The root key travels between stations (move-root) as its 32 raw
 * Ed25519 private bytes, sealed (seal.h).  cert_key_raw copies them into
 * raw (CERT_KEY_RAW bytes); the caller wipes them.  Returns 0, or -1 and
 * *cause.  cert_key_from_raw makes a key of them, or NULL and *cause.
 */
#define CERT_KEY_RAW	32
int		 cert_key_raw(const struct cert_key *key, unsigned char *raw,
		    char **cause);
struct cert_key	*cert_key_from_raw(const unsigned char *raw, char **cause);

/* Is key the private half of cert's public key?  1 yes, 0 no. */
int		 cert_key_matches(const struct cert *cert,
		    const struct cert_key *key);

/* A copy of cert (never NULL: out of memory is fatal). */
struct cert	*cert_dup(const struct cert *cert);

/* SHA-256 of cert's DER as lower-case hex into hex (65 bytes). */
void		 cert_fingerprint(const struct cert *cert, char *hex);

/*
 * As cert_issue, and bind a station's X25519 transport public key
 * (CERT_TRANSPORT_LEN bytes) into the certificate, in the private
 * extension CERT_TRANSPORT_OID (an OCTET STRING holding the key).
 */
#define CERT_TRANSPORT_OID	"1.3.6.1.4.1.32473.11.1"
#define CERT_TRANSPORT_LEN	32
struct cert	*cert_issue_bound(const struct cert *root_cert,
		    struct cert_key *root_key, struct cert_key *subject_key,
		    const unsigned char *transport, const char *cn,
		    int64_t now_ms, int64_t valid_ms, char **cause);

/*
 * Copy the transport key bound into cert into pub (CERT_TRANSPORT_LEN
 * bytes).  Returns 0, or -1 and *cause when it holds none.
 */
int		 cert_transport_key(const struct cert *cert,
		    unsigned char *pub, char **cause);

/*
 * Was cert signed by root, whatever its validity times?  A station
 * whose certificate lapsed still proves who it is with it: its request
 * is signed with the key that certificate names.  Returns 0, or -1 and
 * *cause in words.
 */
int		 cert_verify_issued(const struct cert *cert,
		    const struct cert *root, char **cause);

#endif
