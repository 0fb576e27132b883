/*
 * seal.c: X25519 transport keys and sealed envelopes (see seal.h).
 *
 * The derived key is HKDF-SHA256 over the shared secret, salted with
 * both public keys (ephemeral, then recipient) so that a blob opened
 * with another recipient's key derives another key and fails its tag.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "ossl.h"
#include "seal.h"
#include "util.h"

#define SEAL_KEY_LEN	32	/* AES-256 */
#define SEAL_INFO	"vigil.v1 seal"

struct seal_key {
	EVP_PKEY	*pkey;
	unsigned char	 pub[SEAL_PUB_LEN];
};

static int	 seal_derive(EVP_PKEY *mine, const unsigned char *peer_pub,
		    const unsigned char *epk, const unsigned char *rpk,
		    unsigned char *key, char **cause);
static int	 seal_gcm(int enc, const unsigned char *key,
		    const unsigned char *nonce, const void *aad, size_t aadlen,
		    const unsigned char *in, size_t len, unsigned char *out,
		    unsigned char *tag);

/* Make an X25519 key pair; NULL and *cause on failure. */
struct seal_key *
seal_key_new(char **cause)
{
	struct seal_key	*key;
	EVP_PKEY	*pkey;
	size_t		 publen = SEAL_PUB_LEN;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL) {
		ossl_fail(cause, "cannot make an X25519 transport key");
		return (NULL);
	}
	key = xcalloc(1, sizeof *key);
	key->pkey = pkey;
	if (EVP_PKEY_get_raw_public_key(pkey, key->pub, &publen) != 1 ||
	    publen != SEAL_PUB_LEN) {
		ossl_fail(cause, "cannot read an X25519 public key");
		seal_key_free(key);
		return (NULL);
	}
	return (key);
}

/* Free a key pair; NULL is allowed. */
void
seal_key_free(struct seal_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

/* Copy the public half. */
void
seal_key_public(const struct seal_key *key, unsigned char *pub)
{
	memcpy(pub, key->pub, SEAL_PUB_LEN);
}

/* SHA-256 of data as hex. */
void
seal_fingerprint(const void *data, size_t len, char *hex)
{
	unsigned char	md[32];
	unsigned int	mdlen = sizeof md;
	size_t		i;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		fatal("seal_fingerprint: SHA-256 failed");
	for (i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Wipe memory. */
void
seal_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

/*
 * Agree a secret between mine and peer_pub, then HKDF it (salt: epk then
 * rpk) into key (SEAL_KEY_LEN).  Returns 0, or -1 and *cause.
 */
static int
seal_derive(EVP_PKEY *mine, const unsigned char *peer_pub,
    const unsigned char *epk, const unsigned char *rpk, unsigned char *key,
    char **cause)
{
	EVP_PKEY	*peer;
	EVP_PKEY_CTX	*ctx = NULL;
	unsigned char	 secret[32], salt[2 * SEAL_PUB_LEN];
	size_t		 slen = sizeof secret;
	int		 rc = -1;

	peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer_pub,
	    SEAL_PUB_LEN);
	if (peer == NULL) {
		ossl_fail(cause, "the X25519 public key cannot be read");
		return (-1);
	}
	if ((ctx = EVP_PKEY_CTX_new(mine, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) != 1 ||
	    EVP_PKEY_derive(ctx, secret, &slen) != 1 || slen != 32) {
		ossl_fail(cause, "the X25519 key agreement failed");
		goto out;
	}
	EVP_PKEY_CTX_free(ctx);
	memcpy(salt, epk, SEAL_PUB_LEN);
	memcpy(salt + SEAL_PUB_LEN, rpk, SEAL_PUB_LEN);
	slen = SEAL_KEY_LEN;
	if ((ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, sizeof salt) != 1 ||
	    EVP_PKEY_CTX_set1_hkdf_key(ctx, secret, sizeof secret) != 1 ||
	    EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)SEAL_INFO,
	    strlen(SEAL_INFO)) != 1 ||
	    EVP_PKEY_derive(ctx, key, &slen) != 1 || slen != SEAL_KEY_LEN) {
		ossl_fail(cause, "HKDF-SHA256 failed");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(secret, sizeof secret);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return (rc);
}

/*
 * AES-256-GCM over len bytes of in into out: enc 1 writes tag, enc 0
 * checks it.  Returns 0, 1 if the tag did not match, or -1.
 */
static int
seal_gcm(int enc, const unsigned char *key, const unsigned char *nonce,
    const void *aad, size_t aadlen, const unsigned char *in, size_t len,
    unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX	*ctx;
	int		 n, rc = -1;

	if (len > INT32_MAX || aadlen > INT32_MAX ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL,
	    enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SEAL_NONCE_LEN,
	    NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	    SEAL_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
		rc = enc ? -1 : 1;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
	    SEAL_TAG_LEN, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return (rc);
}

/* Seal plain for pub; the blob, or NULL and *cause. */
unsigned char *
seal_seal(const unsigned char *pub, const void *plain, size_t len,
    const void *aad, size_t aadlen, size_t *bloblen, char **cause)
{
	struct seal_key	*eph;
	unsigned char	*blob, key[SEAL_KEY_LEN], *nonce;
	char		*why = NULL;

	if ((eph = seal_key_new(&why)) == NULL) {
		*cause = xasprintf("cannot seal: %s", why);
		free(why);
		return (NULL);
	}
	blob = xmalloc(len + SEAL_OVERHEAD);
	memcpy(blob, eph->pub, SEAL_PUB_LEN);
	nonce = blob + SEAL_PUB_LEN;
	if (seal_derive(eph->pkey, pub, eph->pub, pub, key, &why) != 0) {
		*cause = xasprintf("cannot seal for that key: %s", why);
		free(why);
		goto fail;
	}
	if (RAND_bytes(nonce, SEAL_NONCE_LEN) != 1) {
		ossl_fail(cause, "cannot seal: no random nonce");
		goto fail;
	}
	if (seal_gcm(1, key, nonce, aad, aadlen, plain, len,
	    nonce + SEAL_NONCE_LEN, nonce + SEAL_NONCE_LEN + len) != 0) {
		ossl_fail(cause, "cannot seal: AES-256-GCM failed");
		goto fail;
	}
	OPENSSL_cleanse(key, sizeof key);
	seal_key_free(eph);
	*bloblen = len + SEAL_OVERHEAD;
	return (blob);
fail:
	OPENSSL_cleanse(key, sizeof key);
	seal_key_free(eph);
	free(blob);
	return (NULL);
}

/* Open blob with key and aad; the plain text, or NULL and *cause. */
unsigned char *
seal_open(const struct seal_key *key, const unsigned char *blob,
    size_t bloblen, const void *aad, size_t aadlen, size_t *len,
    char **cause)
{
	unsigned char	 k[SEAL_KEY_LEN], tag[SEAL_TAG_LEN], *plain;
	const unsigned char *nonce, *ct;
	char		*why = NULL;
	size_t		 n;
	int		 rc;

	if (bloblen < SEAL_OVERHEAD) {
		*cause = xasprintf("the sealed blob is %zu bytes, shorter "
		    "than the %d any sealed blob has: it was cut short",
		    bloblen, SEAL_OVERHEAD);
		return (NULL);
	}
	n = bloblen - SEAL_OVERHEAD;
	nonce = blob + SEAL_PUB_LEN;
	ct = nonce + SEAL_NONCE_LEN;
	if (seal_derive(key->pkey, blob, blob, key->pub, k, &why) != 0) {
		*cause = xasprintf("the sealed blob cannot be opened: %s",
		    why);
		free(why);
		return (NULL);
	}
	memcpy(tag, ct + n, SEAL_TAG_LEN);
	plain = xmalloc(n == 0 ? 1 : n);
	rc = seal_gcm(0, k, nonce, aad, aadlen, ct, n, plain, tag);
	OPENSSL_cleanse(k, sizeof k);
	if (rc != 0) {
		OPENSSL_cleanse(plain, n);
		free(plain);
		ERR_clear_error();
		if (rc == 1)
			*cause = xasprintf("the sealed blob does not open "
			    "with this station's transport key: it was "
			    "altered on the way, sealed for another key, or "
			    "bound to another command");
		else
			ossl_fail(cause, "the sealed blob cannot be opened: "
			    "AES-256-GCM failed");
		return (NULL);
	}
	*len = n;
	return (plain);
}

/* Base64 into out; -1 if it does not fit. */
int
seal_b64_encode(const unsigned char *in, size_t len, char *out,
    size_t outlen)
{
	if (len > INT32_MAX / 2 || 4 * ((len + 2) / 3) + 1 > outlen)
		return (-1);
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return (0);
}

/* Decode base64; -1 if it is not base64 or does not fit. */
int
seal_b64_decode(const char *text, unsigned char *out, size_t outmax,
    size_t *len)
{
	unsigned char	*buf;
	size_t		 n = strlen(text), pad = 0;
	int		 got;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > outmax + 2 || n > INT32_MAX)
		return (-1);
	if (text[n - 1] == '=')
		pad++;
	if (text[n - 2] == '=')
		pad++;
	buf = xmalloc(n / 4 * 3 + 1);
	got = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)n);
	if (got < 0 || (size_t)got < pad || (size_t)got - pad > outmax) {
		ERR_clear_error();
		free(buf);
		return (-1);
	}
	*len = (size_t)got - pad;
	memcpy(out, buf, *len);
	free(buf);
	return (0);
}
