/*
 * opkey.h: operators' Ed25519 keys, the trust files backends keep, and
 * the SHA-256 digests of the audit chain.  All OpenSSL use for them lives
 * in keys/opkey.c; its errors come back as sentences.
 *
 * Keys made by `vigil-key gen` and by `openssl genpkey -algorithm
 * ed25519` are the same PEM (PKCS#8) and both work.  One EVP_PKEY is kept
 * per key, so verifying costs one Ed25519 verify, not a parse.
 */
#ifndef VIGIL_OPKEY_H
#define VIGIL_OPKEY_H

#include <stddef.h>

#define OPKEY_PUB_B64_MAX	64	/* base64 of 32 bytes is 44 */
#define OPKEY_SIG_B64_MAX	128	/* base64 of 64 bytes is 88 */
#define OPKEY_NAME_MAX		64

struct opkey;

/* A new Ed25519 key pair.  Returns it, or NULL and *cause. */
struct opkey	*opkey_generate(char **cause);

/*
 * Write key's private half as PEM to path, created with mode 0600; an
 * existing file is never overwritten.  With passphrase (not NULL or
 * empty) the PEM is encrypted (AES-256-CBC, PKCS#8).  Returns 0, or -1
 * and *cause.
 */
int		 opkey_save(const struct opkey *key, const char *path,
		    const char *passphrase, char **cause);

/*
 * Read a private key from a PEM file (vigil-key's or openssl genpkey's).
 * An encrypted file needs passphrase.  Refuses keys that are not Ed25519
 * and files readable by group or others, with a sentence saying how to
 * fix it (chmod 600).  Returns the key, or NULL and *cause.
 */
struct opkey	*opkey_load(const char *path, const char *passphrase,
		    char **cause);

/*
 * A public key from its base64 text (32 raw bytes).  Returns it, or NULL
 * and *cause.
 */
struct opkey	*opkey_from_public(const char *b64, char **cause);

void		 opkey_free(struct opkey *key);

/* Base64 of key's raw public key into buf (OPKEY_PUB_B64_MAX). */
void		 opkey_public(const struct opkey *key, char *buf, size_t len);

/* Do a and b hold the same public key? */
int		 opkey_same(const struct opkey *a, const struct opkey *b);

/*
 * Sign len bytes of msg with key (which must be private); base64 into
 * sig (OPKEY_SIG_B64_MAX).  Returns 0, or -1 and *cause.
 */
int		 opkey_sign(const struct opkey *key, const void *msg,
		    size_t len, char *sig, size_t siglen, char **cause);

/*
 * Check base64 signature sig over msg with key.  Returns 1 if valid, 0 if
 * not (including malformed base64 or a wrong length), -1 and *cause if
 * it could not be checked.
 */
int		 opkey_verify(const struct opkey *key, const void *msg,
		    size_t len, const char *sig, char **cause);

/* One operator a backend trusts. */
struct opkey_trusted {
	char		 name[OPKEY_NAME_MAX];
	char		 pub[OPKEY_PUB_B64_MAX];
	struct opkey	*key;
};

struct opkey_trust {
	struct opkey_trusted	*v;
	size_t			 n;
};

/*
 * Load a trust file: one operator a line, "NAME ed25519 BASE64", with
 * "#" comments and blank lines.  A bad line, a name given twice or an
 * unreadable file is refused whole with a sentence naming the file and
 * line.  (One key under two names is loaded: the backends refuse it when
 * both names sign one command.)  Returns 0, or -1 and *cause.
 */
int		 opkey_trust_load(const char *path, struct opkey_trust *trust,
		    char **cause);
void		 opkey_trust_free(struct opkey_trust *trust);

/* The operator called name, or NULL. */
const struct opkey_trusted *opkey_trust_find(const struct opkey_trust *trust,
		    const char *name);

/*
 * Is name fit to name an operator: 1 to 63 of [A-Za-z0-9._-]?  Returns 0,
 * or -1 and *cause saying what a name may hold.
 */
int		 opkey_check_name(const char *name, char **cause);

/* The line a trust file takes for key and name, allocated. */
char		*opkey_trust_line(const struct opkey *key, const char *name);

/* Hex SHA-256 of len bytes of data into hex (65 bytes). */
void		 opkey_sha256_hex(const void *data, size_t len, char *hex);

/* 128 random bits as 32 hex digits into hex (33 bytes); 0 or -1. */
int		 opkey_random_id(char *hex, size_t len, char **cause);

#endif
