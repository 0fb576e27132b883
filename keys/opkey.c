/*
 * opkey.c: operators' Ed25519 keys, the trust files backends keep, and
 * the SHA-256 digests of the audit chain.  This is the only place their
 * OpenSSL use lives; every OpenSSL failure leaves here as a sentence with
 * OpenSSL's own text after a colon, and the error queue is left empty.
 *
 * Each struct opkey holds one parsed EVP_PKEY and its 32 raw public
 * bytes, so a backend verifying a command pays for one Ed25519 verify
 * and never for parsing a key.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "opkey.h"
#include "ossl.h"
#include "util.h"

#define OPKEY_PUB_LEN		32	/* raw Ed25519 public key */
#define OPKEY_SIG_LEN		64	/* raw Ed25519 signature */
#define OPKEY_ID_BYTES		16	/* 128 random bits */
#define OPKEY_FILE_MAX		(64 * 1024)	/* no key PEM comes near */
#define OPKEY_TYPE		"ed25519"

struct opkey {
	EVP_PKEY	*pkey;
	int		 private;	/* can sign */
	unsigned char	 pub[OPKEY_PUB_LEN];
};

/* What the passphrase callback was given and whether it was asked. */
struct opkey_pass {
	const char	*passphrase;	/* NULL: none given */
	int		 asked;
};

static struct opkey *opkey_wrap(EVP_PKEY *pkey, int private, char **cause);
static int	 opkey_pass_cb(char *buf, int size, int rwflag, void *u);
static char	*opkey_read_file(const char *path, size_t *len,
		    char **cause);
static int	 opkey_b64_decode(const char *b64, unsigned char *out,
		    size_t want);
static void	 opkey_b64_encode(const unsigned char *in, size_t len,
		    char *buf, size_t buflen);
static int	 opkey_trust_parse(const char *path, unsigned long lineno,
		    char *line, struct opkey_trust *trust, char **cause);
static void	 opkey_sha256_fetch(void);
static void	 opkey_trust_add(struct opkey_trust *trust, const char *name,
		    const char *pub, struct opkey *key);

/*
 * Make an opkey owning pkey, which must be Ed25519; reads its raw public
 * key.  Returns it, or NULL and *cause (pkey is then freed).
 */
static struct opkey *
opkey_wrap(EVP_PKEY *pkey, int private, char **cause)
{
	struct opkey	*key;
	size_t		 len = OPKEY_PUB_LEN;

	key = xcalloc(1, sizeof *key);
	if (EVP_PKEY_get_raw_public_key(pkey, key->pub, &len) != 1 ||
	    len != OPKEY_PUB_LEN) {
		ossl_fail(cause, "cannot read the public half of an Ed25519 "
		    "key");
		EVP_PKEY_free(pkey);
		free(key);
		return (NULL);
	}
	key->pkey = pkey;
	key->private = private;
	return (key);
}

/*
 * OpenSSL's passphrase callback: hand over the passphrase we were given,
 * if any, and remember that the file asked for one.  Without this,
 * OpenSSL would prompt on the terminal.
 */
static int
opkey_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct opkey_pass	*pass = u;
	size_t			 len;

	(void)rwflag;
	pass->asked = 1;
	if (pass->passphrase == NULL || size <= 0)
		return (-1);
	len = strlen(pass->passphrase);
	if (len > (size_t)size)
		return (-1);
	memcpy(buf, pass->passphrase, len);
	return ((int)len);
}

/*
 * Read a key file whole after checking that only its owner may read or
 * change it.  Returns the bytes (NUL-terminated, *len without the NUL),
 * or NULL and *cause.
 */
static char *
opkey_read_file(const char *path, size_t *len, char **cause)
{
	struct stat	 st;
	char		*buf;
	size_t		 have = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ossl_fail(cause, "cannot open key file %s: %s; check the "
		    "path", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1) {
		ossl_fail(cause, "cannot read key file %s: %s", path,
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	if (!S_ISREG(st.st_mode)) {
		ossl_fail(cause, "key file %s is not a regular file; give "
		    "the path of a PEM private key", path);
		close(fd);
		return (NULL);
	}
	/* A private key others can read is no longer one operator's. */
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		ossl_fail(cause, "key file %s is readable by others (mode "
		    "%04o); run chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return (NULL);
	}
	/* Whoever can replace the key chooses whose name it signs. */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		ossl_fail(cause, "key file %s may be changed by other users "
		    "(mode %04o), so it may not be yours; run chmod 600 %s",
		    path, (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return (NULL);
	}
	if (st.st_size > OPKEY_FILE_MAX) {
		ossl_fail(cause, "key file %s is %lld bytes, too large for "
		    "a PEM private key; check the path", path,
		    (long long)st.st_size);
		close(fd);
		return (NULL);
	}
	buf = xmalloc(OPKEY_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + have, OPKEY_FILE_MAX - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ossl_fail(cause, "cannot read key file %s: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return (NULL);
		}
		if (n == 0 || (have += (size_t)n) == OPKEY_FILE_MAX)
			break;
	}
	close(fd);
	buf[have] = '\0';
	*len = have;
	return (buf);
}

/*
 * Decode base64 text that must be exactly the canonical encoding of want
 * bytes (padding included, no spaces).  Returns 0, or -1 if it is not.
 */
static int
opkey_b64_decode(const char *b64, unsigned char *out, size_t want)
{
	unsigned char	 raw[OPKEY_SIG_B64_MAX];
	char		 again[OPKEY_SIG_B64_MAX];
	size_t		 len, enclen = 4 * ((want + 2) / 3);
	int		 n;

	if (b64 == NULL || enclen >= sizeof again)
		return (-1);
	len = strlen(b64);
	if (len != enclen)
		return (-1);
	/* DecodeBlock counts padding as zero bytes: 44 chars give 33. */
	n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	ERR_clear_error();
	if (n < 0 || (size_t)n != len / 4 * 3)
		return (-1);
	/*
	 * Re-encoding catches what DecodeBlock lets through: padding in
	 * the wrong place, stray whitespace, unused bits set.  So one key
	 * or signature has exactly one spelling.
	 */
	opkey_b64_encode(raw, want, again, sizeof again);
	if (strcmp(again, b64) != 0)
		return (-1);
	memcpy(out, raw, want);
	return (0);
}

/* Encode len bytes as base64 into buf, NUL-terminated, truncating. */
static void
opkey_b64_encode(const unsigned char *in, size_t len, char *buf,
    size_t buflen)
{
	char	tmp[OPKEY_SIG_B64_MAX + 4];

	if (4 * ((len + 2) / 3) >= sizeof tmp)
		fatal("opkey: %zu bytes are too many to encode here", len);
	EVP_EncodeBlock((unsigned char *)tmp, in, (int)len);
	util_copy(buf, buflen, tmp);
}

/* Make a new Ed25519 key pair; NULL and *cause on failure. */
struct opkey *
opkey_generate(char **cause)
{
	EVP_PKEY	*pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		ossl_fail(cause, "cannot make an Ed25519 key pair");
		return (NULL);
	}
	return (opkey_wrap(pkey, 1, cause));
}

/*
 * Write the private key as PKCS#8 PEM to a new file of mode 0600,
 * encrypted when there is a passphrase; on failure nothing is left
 * behind and an existing file is untouched.
 */
int
opkey_save(const struct opkey *key, const char *path, const char *passphrase,
    char **cause)
{
	BIO		*bio;
	const EVP_CIPHER *enc = NULL;
	const char	*kstr = NULL;
	char		*pem;
	long		 pemlen;
	size_t		 done = 0;
	ssize_t		 n = 0;
	int		 fd, klen = 0, err = 0;

	if (!key->private) {
		ossl_fail(cause, "cannot save %s: the key holds only a "
		    "public half", path);
		return (-1);
	}
	if (passphrase != NULL && *passphrase != '\0') {
		enc = EVP_aes_256_cbc();
		kstr = passphrase;
		klen = (int)strlen(passphrase);
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL) {
		ossl_fail(cause, "cannot save %s: out of memory", path);
		return (-1);
	}
	if (PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, enc, kstr, klen,
	    NULL, NULL) != 1) {
		ossl_fail(cause, "cannot save %s: the key could not be "
		    "written as PEM", path);
		BIO_free(bio);
		return (-1);
	}
	pemlen = BIO_get_mem_data(bio, &pem);

	/* O_EXCL: a key is never written over another. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			ossl_fail(cause, "%s already exists; choose another "
			    "--out or remove it first", path);
		else
			ossl_fail(cause, "cannot create key file %s: %s",
			    path, strerror(errno));
		BIO_free(bio);
		return (-1);
	}
	while (done < (size_t)pemlen) {
		n = write(fd, pem + done, (size_t)pemlen - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != (size_t)pemlen)
		err = n == 0 ? ENOSPC : errno;
	else if (fchmod(fd, 0600) == -1 || fsync(fd) == -1)
		err = errno;
	OPENSSL_cleanse(pem, (size_t)pemlen);
	BIO_free(bio);
	if (err != 0) {
		ossl_fail(cause, "cannot write key file %s: %s", path,
		    strerror(err));
		close(fd);
		unlink(path);
		return (-1);
	}
	if (close(fd) == -1) {
		ossl_fail(cause, "cannot write key file %s: %s", path,
		    strerror(errno));
		unlink(path);
		return (-1);
	}
	return (0);
}

/*
 * Read an Ed25519 private key from a PEM file only its owner can read;
 * NULL and *cause (a sentence saying what to do) on failure.
 */
struct opkey *
opkey_load(const char *path, const char *passphrase, char **cause)
{
	struct opkey_pass	 pass;
	EVP_PKEY		*pkey;
	BIO			*bio;
	char			*buf;
	size_t			 len;
	int			 type;

	if ((buf = opkey_read_file(path, &len, cause)) == NULL)
		return (NULL);
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		ossl_fail(cause, "cannot read key file %s: out of memory",
		    path);
		OPENSSL_clear_free(buf, len);
		return (NULL);
	}
	pass.passphrase = passphrase != NULL && *passphrase != '\0' ?
	    passphrase : NULL;
	pass.asked = 0;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, opkey_pass_cb, &pass);
	BIO_free(bio);
	if (pkey == NULL) {
		/* Where we know the cause, OpenSSL's text only confuses. */
		if ((pass.asked && pass.passphrase == NULL) || (!pass.asked &&
		    strstr(buf, "-----BEGIN PUBLIC KEY-----") != NULL))
			ERR_clear_error();
		if (pass.asked && pass.passphrase == NULL)
			ossl_fail(cause, "key file %s is encrypted and no "
			    "passphrase was given; give its passphrase (for "
			    "example in VIGIL_KEY_PASSPHRASE)", path);
		else if (pass.asked)
			ossl_fail(cause, "key file %s could not be "
			    "decrypted: the passphrase is wrong (or the file "
			    "is damaged); check the passphrase and try again",
			    path);
		else if (strstr(buf, "-----BEGIN PUBLIC KEY-----") != NULL)
			ossl_fail(cause, "key file %s holds only a public "
			    "key; give the private key file instead", path);
		else
			ossl_fail(cause, "key file %s holds no PEM private "
			    "key; make one with vigil-key gen or openssl "
			    "genpkey -algorithm ed25519", path);
		OPENSSL_clear_free(buf, len);
		return (NULL);
	}
	OPENSSL_clear_free(buf, len);
	ERR_clear_error();
	if ((type = EVP_PKEY_get_base_id(pkey)) != EVP_PKEY_ED25519) {
		ossl_fail(cause, "key file %s holds %s %s key, not Ed25519; "
		    "operator keys must be Ed25519: make one with vigil-key "
		    "gen or openssl genpkey -algorithm ed25519", path,
		    type == EVP_PKEY_RSA || type == EVP_PKEY_EC ? "an" : "a",
		    EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown");
		EVP_PKEY_free(pkey);
		return (NULL);
	}
	return (opkey_wrap(pkey, 1, cause));
}

/* A public key from its base64 text; NULL and *cause on failure. */
struct opkey *
opkey_from_public(const char *b64, char **cause)
{
	unsigned char	 raw[OPKEY_PUB_LEN];
	EVP_PKEY	*pkey;

	if (opkey_b64_decode(b64, raw, sizeof raw) != 0) {
		ossl_fail(cause, "public key \"%.60s\" is not the base64 of "
		    "32 bytes; copy the line vigil-key pub prints",
		    b64 == NULL ? "" : b64);
		return (NULL);
	}
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	    sizeof raw);
	if (pkey == NULL) {
		ossl_fail(cause, "public key %s is not a valid Ed25519 key",
		    b64);
		return (NULL);
	}
	return (opkey_wrap(pkey, 0, cause));
}

/* Free a key; NULL is allowed. */
void
opkey_free(struct opkey *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

/* Base64 of the raw public key into buf (OPKEY_PUB_B64_MAX). */
void
opkey_public(const struct opkey *key, char *buf, size_t len)
{
	opkey_b64_encode(key->pub, sizeof key->pub, buf, len);
}

/* 1 if a and b hold the same public key, else 0. */
int
opkey_same(const struct opkey *a, const struct opkey *b)
{
	return (memcmp(a->pub, b->pub, sizeof a->pub) == 0);
}

/* Sign msg with a private key; base64 into sig.  0, or -1 and *cause. */
int
opkey_sign(const struct opkey *key, const void *msg, size_t len, char *sig,
    size_t siglen, char **cause)
{
	static const unsigned char	 empty;
	unsigned char			 raw[OPKEY_SIG_LEN];
	size_t				 rawlen = sizeof raw;
	EVP_MD_CTX			*ctx;

	if (!key->private) {
		ossl_fail(cause, "cannot sign: the key holds only a public "
		    "half; load the operator's private key file");
		return (-1);
	}
	if (siglen < 4 * ((OPKEY_SIG_LEN + 2) / 3) + 1) {
		ossl_fail(cause, "cannot sign: %zu bytes are too few for a "
		    "signature", siglen);
		return (-1);
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		ossl_fail(cause, "cannot sign: out of memory");
		return (-1);
	}
	/* Ed25519 hashes internally, so no digest is named. */
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(ctx, raw, &rawlen, msg == NULL ? &empty : msg,
	    len) != 1 || rawlen != OPKEY_SIG_LEN) {
		ossl_fail(cause, "cannot sign with the operator key");
		EVP_MD_CTX_free(ctx);
		return (-1);
	}
	EVP_MD_CTX_free(ctx);
	opkey_b64_encode(raw, rawlen, sig, siglen);
	return (0);
}

/*
 * Check a base64 signature: 1 valid, 0 invalid or malformed, -1 and
 * *cause when OpenSSL could not check it at all.
 */
int
opkey_verify(const struct opkey *key, const void *msg, size_t len,
    const char *sig, char **cause)
{
	static const unsigned char	 empty;
	unsigned char			 raw[OPKEY_SIG_LEN];
	EVP_MD_CTX			*ctx;
	int				 rc;

	if (opkey_b64_decode(sig, raw, sizeof raw) != 0)
		return (0);
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		ossl_fail(cause, "cannot check a signature: out of memory");
		return (-1);
	}
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey) != 1) {
		ossl_fail(cause, "cannot check a signature with the "
		    "operator key");
		EVP_MD_CTX_free(ctx);
		return (-1);
	}
	rc = EVP_DigestVerify(ctx, raw, sizeof raw, msg == NULL ? &empty : msg,
	    len);
	EVP_MD_CTX_free(ctx);
	/* A bad signature is an answer, not a failure: drop its error. */
	if (rc == 1 || rc == 0) {
		ERR_clear_error();
		return (rc);
	}
	ossl_fail(cause, "cannot check a signature with the operator key");
	return (-1);
}

/* 0 if name may name an operator, else -1 and *cause saying why. */
int
opkey_check_name(const char *name, char **cause)
{
	size_t	i, len = strlen(name);
	char	c;

	/* Spelled out, not isalnum(): a locale must not widen the set. */
	for (i = 0; i < len; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			break;
	}
	if (len == 0 || len >= OPKEY_NAME_MAX || i != len) {
		ossl_fail(cause, "operator name \"%.80s\" is not valid; use "
		    "1 to %d letters, digits, '.', '_' or '-'", name,
		    OPKEY_NAME_MAX - 1);
		return (-1);
	}
	return (0);
}

/* Append one operator to trust (which takes key). */
static void
opkey_trust_add(struct opkey_trust *trust, const char *name, const char *pub,
    struct opkey *key)
{
	struct opkey_trusted	*t;

	trust->v = xreallocarray(trust->v, trust->n + 1, sizeof *trust->v);
	t = &trust->v[trust->n++];
	memset(t, 0, sizeof *t);
	util_copy(t->name, sizeof t->name, name);
	util_copy(t->pub, sizeof t->pub, pub);
	t->key = key;
}

/*
 * Parse one line of a trust file (comments already cut off) into trust.
 * Returns 0 (blank lines too), or -1 and *cause naming file and line.
 */
static int
opkey_trust_parse(const char *path, unsigned long lineno, char *line,
    struct opkey_trust *trust, char **cause)
{
	static const char	*sep = " \t\r\n\v\f";
	char			*field[4], *save = NULL, *why = NULL;
	struct opkey		*key;
	size_t			 n = 0, i;

	for (field[n] = strtok_r(line, sep, &save); field[n] != NULL;
	    field[n] = strtok_r(NULL, sep, &save)) {
		if (++n == nitems(field))
			break;
	}
	if (n == 0)
		return (0);
	if (n != 3) {
		ossl_fail(cause, "%s line %lu: expected \"NAME ed25519 "
		    "PUBLIC-KEY\" but found %s%zu field%s; write one operator "
		    "a line, as vigil-key pub prints it", path, lineno,
		    n == nitems(field) ? "at least " : "", n,
		    n == 1 ? "" : "s");
		return (-1);
	}
	if (opkey_check_name(field[0], &why) != 0) {
		ossl_fail(cause, "%s line %lu: %s", path, lineno, why);
		free(why);
		return (-1);
	}
	if (strcasecmp(field[1], OPKEY_TYPE) != 0) {
		ossl_fail(cause, "%s line %lu: key type \"%.40s\" of operator "
		    "\"%s\" is not supported; operator keys are ed25519",
		    path, lineno, field[1], field[0]);
		return (-1);
	}
	for (i = 0; i < trust->n; i++) {
		if (strcmp(trust->v[i].name, field[0]) == 0) {
			ossl_fail(cause, "%s line %lu: operator \"%s\" is "
			    "listed twice; keep one line per operator", path,
			    lineno, field[0]);
			return (-1);
		}
	}
	if ((key = opkey_from_public(field[2], &why)) == NULL) {
		free(why);
		ossl_fail(cause, "%s line %lu: the public key of operator "
		    "\"%s\" is not the base64 of an Ed25519 key (32 bytes); "
		    "copy the line vigil-key pub prints", path, lineno,
		    field[0]);
		return (-1);
	}
	opkey_trust_add(trust, field[0], field[2], key);
	return (0);
}

/*
 * Load a trust file whole into trust; on any bad line or an unreadable
 * file, -1 and *cause naming file and line, and trust is left unchanged.
 */
int
opkey_trust_load(const char *path, struct opkey_trust *trust, char **cause)
{
	struct opkey_trust	 new = { NULL, 0 };
	struct stat		 st;
	FILE			*f;
	char			*line = NULL, *hash;
	size_t			 size = 0;
	unsigned long		 lineno = 0;
	int			 rc = 0;

	if ((f = fopen(path, "re")) == NULL) {
		ossl_fail(cause, "cannot read trust file %s: %s; check the "
		    "path given to --trust", path, strerror(errno));
		return (-1);
	}
	/* Whoever can change the file chooses who may sign commands. */
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		ossl_fail(cause, "trust file %s may be changed by other users "
		    "(mode %03o), so it cannot say whom to trust; run chmod "
		    "go-w %s", path, (unsigned)(st.st_mode & 0777), path);
		fclose(f);
		return (-1);
	}
	while (getline(&line, &size, f) != -1) {
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (opkey_trust_parse(path, lineno, line, &new, cause) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		ossl_fail(cause, "cannot read trust file %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	if (rc != 0) {
		opkey_trust_free(&new);
		return (-1);
	}
	*trust = new;
	return (0);
}

/* Free every operator in trust and empty it. */
void
opkey_trust_free(struct opkey_trust *trust)
{
	size_t	i;

	for (i = 0; i < trust->n; i++)
		opkey_free(trust->v[i].key);
	free(trust->v);
	trust->v = NULL;
	trust->n = 0;
}

/* The operator called name, or NULL. */
const struct opkey_trusted *
opkey_trust_find(const struct opkey_trust *trust, const char *name)
{
	size_t	i;

	for (i = 0; i < trust->n; i++) {
		if (strcmp(trust->v[i].name, name) == 0)
			return (&trust->v[i]);
	}
	return (NULL);
}

/* The trust-file line "NAME ed25519 BASE64" for key, allocated. */
char *
opkey_trust_line(const struct opkey *key, const char *name)
{
	char	pub[OPKEY_PUB_B64_MAX];

	opkey_public(key, pub, sizeof pub);
	return (xasprintf("%s %s %s", name, OPKEY_TYPE, pub));
}

/*
 * SHA-256 fetched from the provider once, for opkey_sha256_hex(): with
 * EVP_sha256() OpenSSL 3 looks the algorithm up again at every digest,
 * half of the 2 us a hash of an audit line took, two lines a router in
 * a kill of 1,000 on vigild's loop.  NULL if the fetch failed: then
 * EVP_sha256() as before.
 */
static pthread_once_t	 opkey_sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD		*opkey_sha256_md;

static void
opkey_sha256_fetch(void)
{
	opkey_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* Lower-case hex SHA-256 of data into hex (65 bytes). */
void
opkey_sha256_hex(const void *data, size_t len, char *hex)
{
	static const char	 digits[] = "0123456789abcdef";
	static const unsigned char empty;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;

	if (pthread_once(&opkey_sha256_once, opkey_sha256_fetch) != 0)
		fatal("opkey: SHA-256 could not be set up");
	if (EVP_Digest(data == NULL ? &empty : data, len, md, &mdlen,
	    opkey_sha256_md != NULL ? opkey_sha256_md : EVP_sha256(),
	    NULL) != 1 || mdlen != 32)
		fatal("opkey: SHA-256 failed (out of memory?)");
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[2 * mdlen] = '\0';
}

/* 128 random bits as 32 hex digits into hex; 0, or -1 and *cause. */
int
opkey_random_id(char *hex, size_t len, char **cause)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned char		bytes[OPKEY_ID_BYTES];
	size_t			i;

	if (len < 2 * sizeof bytes + 1) {
		ossl_fail(cause, "cannot make a command id: %zu bytes are "
		    "too few for 32 hex digits", len);
		return (-1);
	}
	if (RAND_bytes(bytes, sizeof bytes) != 1) {
		ossl_fail(cause, "cannot make a command id: the system's "
		    "random number generator failed");
		return (-1);
	}
	for (i = 0; i < sizeof bytes; i++) {
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	hex[2 * sizeof bytes] = '\0';
	return (0);
}
