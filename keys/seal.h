/*
 * seal.h: the stations' X25519 transport keys and the sealed envelope
 * that carries the root's private key from one station to another.
 *
 * A blob is sealed for one recipient's public transport key: an
 * ephemeral X25519 key agrees a secret with it, HKDF-SHA256 turns that
 * into an AES-256-GCM key, and the associated data (which the caller
 * chooses: for move-root the command id, the source, the destination
 * and the root certificate's fingerprint) is bound by the tag without
 * being carried.  Layout, all binary:
 *	ephemeral public key (32) | nonce (12) | ciphertext | tag (16)
 * Only the holder of the recipient's private key, given the same
 * associated data, can open it; any change to a byte, or other
 * associated data, is refused.  All OpenSSL use is in keys/seal.c; its
 * failures come back as sentences.
 */
#ifndef VIGIL_SEAL_H
#define VIGIL_SEAL_H

#include <stddef.h>

#define SEAL_PUB_LEN	32	/* X25519 public key bytes */
#define SEAL_NONCE_LEN	12
#define SEAL_TAG_LEN	16
#define SEAL_OVERHEAD	(SEAL_PUB_LEN + SEAL_NONCE_LEN + SEAL_TAG_LEN)
#define SEAL_FPR_LEN	65	/* SHA-256 hex and NUL */

struct seal_key;	/* an X25519 key pair */

/* Make a key pair.  Returns it, or NULL and an allocated *cause. */
struct seal_key	*seal_key_new(char **cause);
void		 seal_key_free(struct seal_key *key);

/* Copy key's public half (SEAL_PUB_LEN bytes) into pub. */
void		 seal_key_public(const struct seal_key *key,
		    unsigned char *pub);

/* The SHA-256 of len bytes as lower-case hex (SEAL_FPR_LEN bytes). */
void		 seal_fingerprint(const void *data, size_t len, char *hex);

/*
 * Seal len bytes of plain for the holder of public key pub, binding
 * aadlen bytes of aad.  Returns the allocated blob (len + SEAL_OVERHEAD
 * bytes, in *bloblen), or NULL and an allocated *cause.
 */
unsigned char	*seal_seal(const unsigned char *pub, const void *plain,
		    size_t len, const void *aad, size_t aadlen,
		    size_t *bloblen, char **cause);

/*
 * Open blob with key and the same aad.  Returns the allocated plain
 * text (*len bytes; the caller wipes and frees it), or NULL and an
 * allocated *cause saying why: too short, sealed for another key, or
 * altered or bound to other data.
 */
unsigned char	*seal_open(const struct seal_key *key,
		    const unsigned char *blob, size_t bloblen, const void *aad,
		    size_t aadlen, size_t *len, char **cause);

/*
 * Base64 of len bytes into out (outlen bytes, with room for the NUL).
 * Returns 0, or -1 if it does not fit.
 */
int		 seal_b64_encode(const unsigned char *in, size_t len,
		    char *out, size_t outlen);

/*
 * Decode base64 text into out (at most outmax bytes) and set *len.
 * Returns 0, or -1 when it is not base64 or too long.
 */
int		 seal_b64_decode(const char *text, unsigned char *out,
		    size_t outmax, size_t *len);

/* Wipe len bytes at p so the compiler cannot skip it. */
void		 seal_wipe(void *p, size_t len);

#endif
