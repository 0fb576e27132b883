/*
 * cert.c: the stations' Ed25519 keys, their X.509 certificates and the
 * signatures on the messages they send.  This is the only station code
 * that sees OpenSSL; every OpenSSL failure leaves here as a sentence with
 * OpenSSL's own text after a colon, and the error queue is left empty.
 *
 * Validity is checked against the node clock handed in, never against
 * the system clock, because a simulated station lives on its scenario's
 * clock (2012-08-01 for one of them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "ossl.h"
#include "util.h"

#define CERT_SERIAL_BYTES	16	/* 128 random bits */

struct cert_key {
	EVP_PKEY	*pkey;
	unsigned char	 pub[CERT_KEY_RAW];	/* its public half, raw */
	int		 have_pub;		/* pub read yet */
};

/*
 * What checking a certificate found, kept with it: a certificate never
 * changes once made, so its fields are read once and its signature is
 * checked once per root key (a station checks its own before every
 * heartbeat round).  The validity window is still checked every time.
 */
struct cert_memo {
	int			 have_info;
	struct cert_info	 info;
	EVP_PKEY		*signed_by;	/* root key it verified
						   against; NULL none yet */
	EVP_PKEY		*held_by;	/* key pair it was built for,
						   or found to be its key's;
						   NULL none yet */
	EVP_PKEY		*sign_with;	/* issuer's key it is still
						   to be signed with
						   (cert_seal); NULL once
						   signed */
};

struct cert {
	X509		*x509;
	struct cert_memo *memo;
};

static struct cert *cert_wrap(X509 *);
static int	 cert_set_time(ASN1_TIME *t, int64_t ms);
static int	 cert_get_time(const ASN1_TIME *t, int64_t *ms);
static int	 cert_set_serial(X509 *x);
static int	 cert_add_ext(X509 *x, X509 *issuer, int nid,
		    const char *value);
static X509	*cert_build(X509 *issuer, EVP_PKEY *issuer_key,
		    struct cert_key *subject_key,
		    const unsigned char *transport,
		    const char *cn, int is_ca,
		    int64_t now_ms, int64_t valid_ms, char **cause);
static int	 cert_add_transport(X509 *x, const unsigned char *pub);
static int	 cert_set_public(X509 *x, struct cert_key *key);
static struct cert *cert_held(struct cert *, struct cert_key *);
static EVP_PKEY	*cert_public(const struct cert *);
static void	 cert_cn(const X509_NAME *name, char *buf, size_t len);
static int	 cert_signed_by(const struct cert *, EVP_PKEY *);
static const char *cert_root_cn(const struct cert *, char *, size_t);
static struct cert *cert_signed(struct cert *, const struct cert *,
		    const struct cert_key *);
static struct cert *cert_issued(X509 *, const struct cert *,
		    struct cert_key *, struct cert_key *);
static int	 cert_seal(const struct cert *);

/* Set an ASN1_TIME to node clock ms (whole seconds).  Returns 0 or -1. */
static int
cert_set_time(ASN1_TIME *t, int64_t ms)
{
	time_t	secs;

	secs = (time_t)(ms / 1000);
	if (ms < 0 && ms % 1000 != 0)
		secs--;
	return (ASN1_TIME_set(t, secs) == NULL ? -1 : 0);
}

/* Read an ASN1_TIME as ms since the epoch.  Returns 0 or -1. */
static int
cert_get_time(const ASN1_TIME *t, int64_t *ms)
{
	struct tm	tm;
	time_t		secs;

	memset(&tm, 0, sizeof tm);
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return (-1);
	secs = timegm(&tm);
	*ms = (int64_t)secs * 1000;
	return (0);
}

/* Give x a fresh random positive 128-bit serial.  Returns 0 or -1. */
static int
cert_set_serial(X509 *x)
{
	unsigned char	 bytes[CERT_SERIAL_BYTES];
	BIGNUM		*bn;
	ASN1_INTEGER	*serial;
	int		 rc = -1;

	if (RAND_bytes(bytes, sizeof bytes) != 1)
		return (-1);
	bytes[0] &= 0x7f;	/* positive, and DER needs no pad byte */
	bytes[0] |= 0x40;	/* never zero, always 16 bytes long */
	if ((bn = BN_bin2bn(bytes, sizeof bytes, NULL)) == NULL)
		return (-1);
	if ((serial = BN_to_ASN1_INTEGER(bn, NULL)) != NULL) {
		if (X509_set_serialNumber(x, serial) == 1)
			rc = 0;
		ASN1_INTEGER_free(serial);
	}
	BN_free(bn);
	return (rc);
}

/* Add one v3 extension, written as in openssl.cnf.  Returns 0 or -1. */
static int
cert_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 rc;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return (-1);
	rc = X509_add_ext(x, ext, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ext);
	return (rc);
}

/*
 * Set x's public key to key's, from key's raw public half (read once):
 * the SubjectPublicKeyInfo an Ed25519 key encodes to (RFC 8410: the
 * algorithm without parameters, the 32 bytes as the bit string).
 * X509_set_pubkey() writes the same bytes through OpenSSL 3's encoder
 * and then decodes them again, half of a station's renewal; what it
 * would also keep, the key itself, is the memo's held_by instead
 * (cert_held(), cert_public()).  Returns 0 or -1.
 */
static int
cert_set_public(X509 *x, struct cert_key *key)
{
	unsigned char	*enc;
	size_t		 len = sizeof key->pub;

	if (!key->have_pub) {
		if (EVP_PKEY_get_raw_public_key(key->pkey, key->pub,
		    &len) != 1 || len != sizeof key->pub)
			return (-1);
		key->have_pub = 1;
	}
	if ((enc = OPENSSL_memdup(key->pub, sizeof key->pub)) == NULL)
		return (-1);
	if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x),
	    OBJ_nid2obj(NID_ED25519), V_ASN1_UNDEF, NULL, enc,
	    (int)sizeof key->pub) != 1) {
		OPENSSL_free(enc);
		return (-1);
	}
	return (0);
}

/*
 * Build and sign one certificate for subject_key named cn, binding
 * transport (a station's X25519 key) unless NULL; issuer NULL means
 * self-signed; issuer_key NULL leaves it unsigned (cert_issued).  A
 * CA's key is set through OpenSSL's encoder, so its X509 holds the key
 * for whoever reads it; an issued certificate's is written directly
 * (cert_set_public) and read through its memo.
 * Returns it, or NULL and *cause.
 */
static X509 *
cert_build(X509 *issuer, EVP_PKEY *issuer_key, struct cert_key *subject_key,
    const unsigned char *transport, const char *cn, int is_ca, int64_t now_ms,
    int64_t valid_ms, char **cause)
{
	X509		*x;
	X509_NAME	*name = NULL;
	const char	*step;

	if (valid_ms <= 0) {
		ossl_fail(cause, "certificate for %s: validity of %lld ms is "
		    "not positive", cn, (long long)valid_ms);
		return (NULL);
	}
	if ((x = X509_new()) == NULL) {
		ossl_fail(cause, "certificate for %s: cannot allocate it", cn);
		return (NULL);
	}
	step = "cannot set version 3";
	if (X509_set_version(x, 2) != 1)
		goto fail;
	step = "cannot make a random serial number";
	if (cert_set_serial(x) != 0)
		goto fail;
	step = "cannot set its validity times";
	if (cert_set_time(X509_getm_notBefore(x), now_ms) != 0 ||
	    cert_set_time(X509_getm_notAfter(x), now_ms + valid_ms) != 0)
		goto fail;
	step = "cannot set its subject name";
	if ((name = X509_NAME_new()) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, name) != 1)
		goto fail;
	step = "cannot set its issuer name";
	if (X509_set_issuer_name(x, issuer == NULL ? name :
	    X509_get_subject_name(issuer)) != 1)
		goto fail;
	step = "cannot set its public key";
	if (is_ca ? X509_set_pubkey(x, subject_key->pkey) != 1 :
	    cert_set_public(x, subject_key) != 0)
		goto fail;
	step = "cannot add its extensions";
	if (cert_add_ext(x, issuer == NULL ? x : issuer,
	    NID_basic_constraints, is_ca ? "critical,CA:TRUE" :
	    "critical,CA:FALSE") != 0 ||
	    cert_add_ext(x, issuer == NULL ? x : issuer, NID_key_usage,
	    is_ca ? "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature") != 0)
		goto fail;
	step = "cannot bind its transport key";
	if (transport != NULL && cert_add_transport(x, transport) != 0)
		goto fail;
	step = "cannot sign it";
	/* Ed25519 hashes internally, so no digest is named. */
	if (issuer_key != NULL && X509_sign(x, issuer_key, NULL) <= 0)
		goto fail;
	X509_NAME_free(name);
	return (x);
fail:
	ossl_fail(cause, "certificate for %s: %s", cn, step);
	X509_NAME_free(name);
	X509_free(x);
	return (NULL);
}

/* Copy the common name of name into buf, or "" if it has none. */
static void
cert_cn(const X509_NAME *name, char *buf, size_t len)
{
	buf[0] = '\0';
	if (X509_NAME_get_text_by_NID(name, NID_commonName, buf, (int)len) < 0)
		buf[0] = '\0';
	ERR_clear_error();
}

/* Make an Ed25519 key pair; NULL and *cause on failure. */
struct cert_key *
cert_key_new(char **cause)
{
	struct cert_key	*key;
	EVP_PKEY	*pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		ossl_fail(cause, "cannot make an Ed25519 key pair");
		return (NULL);
	}
	key = xcalloc(1, sizeof *key);
	key->pkey = pkey;
	return (key);
}

/* Free a key pair; NULL is allowed. */
void
cert_key_free(struct cert_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

/* A certificate around x, with an empty check memo; NULL for NULL. */
static struct cert *
cert_wrap(X509 *x)
{
	struct cert	*cert;

	if (x == NULL)
		return (NULL);
	cert = xcalloc(1, sizeof *cert);
	cert->x509 = x;
	cert->memo = xcalloc(1, sizeof *cert->memo);
	return (cert);
}

/*
 * Note in the memo of cert, just issued with root_key, that root_cert
 * signed it when root_key is root_cert's key: checking it against that
 * root would verify the signature just made.  Returns cert.
 */
static struct cert *
cert_signed(struct cert *cert, const struct cert *root_cert,
    const struct cert_key *root_key)
{
	EVP_PKEY	*root_pub;

	if (cert == NULL ||
	    (root_pub = cert_public(root_cert)) == NULL ||
	    EVP_PKEY_eq(root_key->pkey, root_pub) != 1)
		return (cert);
	if (EVP_PKEY_up_ref(root_pub) != 1)
		fatal("EVP_PKEY_up_ref failed");
	cert->memo->signed_by = root_pub;
	return (cert);
}

/*
 * Note in the memo of cert, just built for key, that key is its key
 * pair: what it was built from need not be compared, nor read back out
 * of the certificate.  Returns cert.
 */
static struct cert *
cert_held(struct cert *cert, struct cert_key *key)
{
	if (cert == NULL)
		return (NULL);
	if (EVP_PKEY_up_ref(key->pkey) != 1)
		fatal("EVP_PKEY_up_ref failed");
	cert->memo->held_by = key->pkey;
	return (cert);
}

/*
 * cert's public key: the key pair it is known to hold, if any (always,
 * for one issued here, whose X509 does not keep the key), else the one
 * OpenSSL decoded.  NULL when it has none usable.
 */
static EVP_PKEY *
cert_public(const struct cert *cert)
{
	if (cert->memo->held_by != NULL)
		return (cert->memo->held_by);
	return (X509_get0_pubkey(cert->x509));
}

/* Make a self-signed root CA; NULL and *cause on failure. */
struct cert *
cert_root_new(struct cert_key *root_key, const char *cn, int64_t now_ms,
    int64_t valid_ms, char **cause)
{
	return (cert_held(cert_wrap(cert_build(NULL, root_key->pkey,
	    root_key, NULL, cn, 1, now_ms, valid_ms, cause)), root_key));
}

/*
 * The certificate x, built unsigned for subject_key, to be signed by
 * root_key when its signature or its bytes are first wanted
 * (cert_seal): an Ed25519 signature is deterministic, so signing later
 * gives the very bytes signing now would, and most of a fleet's hourly
 * renewals are never read as bytes, only through the memo (the
 * signature was 4-6% of a watched vigild's samples).  NULL for NULL.
 */
static struct cert *
cert_issued(X509 *x, const struct cert *root_cert, struct cert_key *root_key,
    struct cert_key *subject_key)
{
	struct cert	*cert;

	if ((cert = cert_held(cert_wrap(x), subject_key)) == NULL)
		return (NULL);
	if (EVP_PKEY_up_ref(root_key->pkey) != 1)
		fatal("EVP_PKEY_up_ref failed");
	cert->memo->sign_with = root_key->pkey;
	return (cert_signed(cert, root_cert, root_key));
}

/*
 * Sign cert if it is still to be signed (cert_issued), before anything
 * reads its signature or its bytes.  Returns 0, or -1 with OpenSSL's
 * error queued.
 */
static int
cert_seal(const struct cert *cert)
{
	if (cert->memo->sign_with == NULL)
		return (0);
	if (X509_sign(cert->x509, cert->memo->sign_with, NULL) <= 0)
		return (-1);
	EVP_PKEY_free(cert->memo->sign_with);
	cert->memo->sign_with = NULL;
	return (0);
}

/* Issue a certificate signed by the root; NULL and *cause on failure. */
struct cert *
cert_issue(const struct cert *root_cert, struct cert_key *root_key,
    struct cert_key *subject_key, const char *cn, int64_t now_ms,
    int64_t valid_ms, char **cause)
{
	return (cert_issued(cert_build(root_cert->x509, NULL, subject_key,
	    NULL, cn, 0, now_ms, valid_ms, cause), root_cert, root_key,
	    subject_key));
}

/* Issue a certificate binding a transport key; NULL and *cause. */
struct cert *
cert_issue_bound(const struct cert *root_cert, struct cert_key *root_key,
    struct cert_key *subject_key, const unsigned char *transport,
    const char *cn, int64_t now_ms, int64_t valid_ms, char **cause)
{
	return (cert_issued(cert_build(root_cert->x509, NULL, subject_key,
	    transport, cn, 0, now_ms, valid_ms, cause), root_cert, root_key,
	    subject_key));
}

/* Free a certificate; NULL is allowed. */
void
cert_free(struct cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	EVP_PKEY_free(cert->memo->signed_by);
	EVP_PKEY_free(cert->memo->held_by);
	EVP_PKEY_free(cert->memo->sign_with);
	free(cert->memo);
	free(cert);
}

/* Fill *info from cert; -1 and *cause if a field cannot be read. */
int
cert_get_info(const struct cert *cert, struct cert_info *info,
    char **cause)
{
	const ASN1_INTEGER	*serial;
	BIGNUM			*bn;
	char			*hex;

	if (cert->memo->have_info) {
		*info = cert->memo->info;
		return (0);
	}
	memset(info, 0, sizeof *info);
	cert_cn(X509_get_subject_name(cert->x509), info->subject,
	    sizeof info->subject);
	cert_cn(X509_get_issuer_name(cert->x509), info->issuer,
	    sizeof info->issuer);
	if (cert_get_time(X509_get0_notBefore(cert->x509),
	    &info->not_before_ms) != 0 ||
	    cert_get_time(X509_get0_notAfter(cert->x509),
	    &info->not_after_ms) != 0) {
		ossl_fail(cause, "certificate for %s: its validity times "
		    "cannot be read", info->subject);
		return (-1);
	}
	serial = X509_get0_serialNumber(cert->x509);
	if ((bn = ASN1_INTEGER_to_BN(serial, NULL)) == NULL ||
	    (hex = BN_bn2hex(bn)) == NULL) {
		BN_free(bn);
		ossl_fail(cause, "certificate for %s: its serial number "
		    "cannot be read", info->subject);
		return (-1);
	}
	util_copy(info->serial, sizeof info->serial, hex);
	OPENSSL_free(hex);
	BN_free(bn);
	cert->memo->info = *info;
	cert->memo->have_info = 1;
	return (0);
}

/*
 * Whether root_pub signed cert, as X509_verify() answers (1, 0, or -1),
 * kept in the memo: a certificate's signature is checked once per root
 * key, the key compared with EVP_PKEY_eq().
 */
static int
cert_signed_by(const struct cert *cert, EVP_PKEY *root_pub)
{
	int	rc;

	/* The very key mostly: a station checks its own before each tick. */
	if (cert->memo->signed_by != NULL &&
	    (cert->memo->signed_by == root_pub ||
	    EVP_PKEY_eq(cert->memo->signed_by, root_pub) == 1))
		return (1);
	if (cert_seal(cert) != 0)
		return (-1);
	if ((rc = X509_verify(cert->x509, root_pub)) != 1)
		return (rc);
	EVP_PKEY_free(cert->memo->signed_by);
	if (EVP_PKEY_up_ref(root_pub) != 1)
		fatal("EVP_PKEY_up_ref failed");
	cert->memo->signed_by = root_pub;
	return (1);
}

/* The common name of root, from its memo once read. */
static const char *
cert_root_cn(const struct cert *root, char *buf, size_t len)
{
	struct cert_info	 info;
	char			*cause = NULL;

	if (root->memo->have_info || cert_get_info(root, &info, &cause) == 0)
		return (root->memo->info.subject);
	free(cause);
	cert_cn(X509_get_subject_name(root->x509), buf, len);
	return (buf);
}

/*
 * Check cert's signature against root's public key, then the validity
 * window against now_ms on the node clock; -1 and *cause in words.
 */
int
cert_verify(const struct cert *cert, const struct cert *root,
    int64_t now_ms, char **cause)
{
	struct cert_info	 copy;
	const struct cert_info	*info = &cert->memo->info;
	char			 buf[128], at[16], ago[32];
	const char		*root_cn;
	EVP_PKEY		*root_pub;
	int			 rc;

	/* The memos, read in place: this runs at every station's tick. */
	if (!cert->memo->have_info && cert_get_info(cert, &copy, cause) != 0)
		return (-1);
	root_cn = cert_root_cn(root, buf, sizeof buf);
	if ((root_pub = cert_public(root)) == NULL) {
		ossl_fail(cause, "certificate for %s cannot be checked: the "
		    "root certificate \"%s\" holds no usable public key",
		    info->subject, root_cn);
		return (-1);
	}
	if ((rc = cert_signed_by(cert, root_pub)) != 1) {
		if (rc < 0) {
			ossl_fail(cause, "certificate for %s cannot be checked "
			    "against the root \"%s\"", info->subject,
			    root_cn);
			return (-1);
		}
		if (rc == 0) {
			ERR_clear_error();
			ossl_fail(cause, "certificate for %s (serial %s) was "
			    "not signed by the trusted root \"%s\": it comes "
			    "from another root or was altered", info->subject,
			    info->serial, root_cn);
			return (-1);
		}
	}
	if (now_ms < info->not_before_ms) {
		ossl_fail(cause, "certificate for %s is not valid until %s, "
		    "%s from now", info->subject,
		    util_clock_text(info->not_before_ms, at, sizeof at),
		    util_duration_text(info->not_before_ms - now_ms, ago,
		    sizeof ago));
		return (-1);
	}
	if (now_ms > info->not_after_ms) {
		ossl_fail(cause, "certificate for %s expired at %s, %s ago",
		    info->subject,
		    util_clock_text(info->not_after_ms, at, sizeof at),
		    util_duration_text(now_ms - info->not_after_ms, ago,
		    sizeof ago));
		return (-1);
	}
	return (0);
}

/* PEM text of cert, allocated; NULL and *cause on failure. */
char *
cert_pem(const struct cert *cert, char **cause)
{
	BIO	*bio;
	char	*data, *pem;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL) {
		ossl_fail(cause, "cannot write a certificate as PEM: no "
		    "memory buffer");
		return (NULL);
	}
	if (cert_seal(cert) != 0 || PEM_write_bio_X509(bio, cert->x509) != 1 ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0) {
		ossl_fail(cause, "cannot write a certificate as PEM");
		BIO_free(bio);
		return (NULL);
	}
	pem = xmalloc((size_t)len + 1);
	memcpy(pem, data, (size_t)len);
	pem[len] = '\0';
	BIO_free(bio);
	return (pem);
}

/* Ed25519-sign msg into sig; -1 and *cause on failure. */
int
cert_sign(struct cert_key *key, const void *msg, size_t len,
    unsigned char *sig, size_t *siglen, char **cause)
{
	EVP_MD_CTX	*ctx;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		ossl_fail(cause, "cannot sign a message: no signing context");
		return (-1);
	}
	*siglen = CERT_SIG_MAX;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, siglen, msg, len) == 1)
		rc = 0;
	else
		ossl_fail(cause, "cannot sign a message of %zu bytes", len);
	EVP_MD_CTX_free(ctx);
	return (rc);
}

/*
 * Is key the key pair whose public half cert holds?  Compared once per
 * key and kept in the memo.
 */
int
cert_holds_key(const struct cert *cert, const struct cert_key *key)
{
	EVP_PKEY	*pub;

	if (cert->memo->held_by == key->pkey)
		return (1);
	if ((pub = cert_public(cert)) == NULL ||
	    EVP_PKEY_eq(pub, key->pkey) != 1) {
		ERR_clear_error();
		return (0);
	}
	if (EVP_PKEY_up_ref(key->pkey) != 1)
		fatal("EVP_PKEY_up_ref failed");
	EVP_PKEY_free(cert->memo->held_by);
	cert->memo->held_by = key->pkey;
	return (1);
}

/* 1 if sig over msg matches cert's key, 0 if not, -1 and *cause. */
int
cert_check_signature(const struct cert *cert, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen, char **cause)
{
	EVP_MD_CTX	*ctx;
	EVP_PKEY	*pub;
	int		 rc;

	if (siglen != CERT_SIG_MAX)
		return (0);	/* an Ed25519 signature has one length */
	if ((pub = cert_public(cert)) == NULL) {
		ossl_fail(cause, "cannot check a signature: the certificate "
		    "holds no usable public key");
		return (-1);
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		ossl_fail(cause, "cannot check a signature: no context");
		return (-1);
	}
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) != 1) {
		ossl_fail(cause, "cannot check a signature with the "
		    "certificate's key");
		EVP_MD_CTX_free(ctx);
		return (-1);
	}
	rc = EVP_DigestVerify(ctx, sig, siglen, msg, len);
	EVP_MD_CTX_free(ctx);
	if (rc < 0) {
		ossl_fail(cause, "cannot check a signature over %zu bytes",
		    len);
		return (-1);
	}
	ERR_clear_error();	/* a mismatch leaves an error queued */
	return (rc == 1 ? 1 : 0);
}

/*
 * Add the transport key extension: its value is the DER of an OCTET
 * STRING holding the 32 key bytes.  Returns 0 or -1.
 */
static int
cert_add_transport(X509 *x, const unsigned char *pub)
{
	ASN1_OBJECT		*obj;
	ASN1_OCTET_STRING	*key = NULL, *der = NULL;
	X509_EXTENSION		*ext = NULL;
	unsigned char		*buf = NULL;
	int			 len, rc = -1;

	if ((obj = OBJ_txt2obj(CERT_TRANSPORT_OID, 1)) == NULL)
		return (-1);
	if ((key = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(key, pub, CERT_TRANSPORT_LEN) != 1 ||
	    (len = i2d_ASN1_OCTET_STRING(key, &buf)) <= 0 ||
	    (der = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(der, buf, len) != 1 ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, der)) == NULL ||
	    X509_add_ext(x, ext, -1) != 1)
		goto out;
	rc = 0;
out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(der);
	ASN1_OCTET_STRING_free(key);
	OPENSSL_free(buf);
	ASN1_OBJECT_free(obj);
	return (rc);
}

/* The transport key bound into cert; -1 and *cause if none. */
int
cert_transport_key(const struct cert *cert, unsigned char *pub,
    char **cause)
{
	ASN1_OBJECT		*obj;
	X509_EXTENSION		*ext;
	ASN1_OCTET_STRING	*data, *key = NULL;
	const unsigned char	*p;
	int			 i;

	if ((obj = OBJ_txt2obj(CERT_TRANSPORT_OID, 1)) == NULL) {
		ossl_fail(cause, "cannot name the transport key extension");
		return (-1);
	}
	i = X509_get_ext_by_OBJ(cert->x509, obj, -1);
	ASN1_OBJECT_free(obj);
	if (i < 0 || (ext = X509_get_ext(cert->x509, i)) == NULL ||
	    (data = X509_EXTENSION_get_data(ext)) == NULL) {
		ossl_fail(cause, "the certificate binds no transport key");
		return (-1);
	}
	p = ASN1_STRING_get0_data(data);
	key = d2i_ASN1_OCTET_STRING(NULL, &p, ASN1_STRING_length(data));
	if (key == NULL || ASN1_STRING_length(key) != CERT_TRANSPORT_LEN) {
		ASN1_OCTET_STRING_free(key);
		ossl_fail(cause, "the certificate's transport key extension "
		    "does not hold a %d-byte key", CERT_TRANSPORT_LEN);
		return (-1);
	}
	memcpy(pub, ASN1_STRING_get0_data(key), CERT_TRANSPORT_LEN);
	ASN1_OCTET_STRING_free(key);
	return (0);
}

/* The raw private bytes of key; -1 and *cause. */
int
cert_key_raw(const struct cert_key *key, unsigned char *raw, char **cause)
{
	size_t	len = CERT_KEY_RAW;

	if (EVP_PKEY_get_raw_private_key(key->pkey, raw, &len) != 1 ||
	    len != CERT_KEY_RAW) {
		ossl_fail(cause, "cannot read the Ed25519 private key");
		return (-1);
	}
	return (0);
}

/* A key from raw private bytes; NULL and *cause. */
struct cert_key *
cert_key_from_raw(const unsigned char *raw, char **cause)
{
	struct cert_key	*key;
	EVP_PKEY	*pkey;

	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw,
	    CERT_KEY_RAW);
	if (pkey == NULL) {
		ossl_fail(cause, "the bytes are not an Ed25519 private key");
		return (NULL);
	}
	key = xcalloc(1, sizeof *key);
	key->pkey = pkey;
	return (key);
}

/* 1 if key is the private half of cert's public key. */
int
cert_key_matches(const struct cert *cert, const struct cert_key *key)
{
	EVP_PKEY	*pub;
	int		 rc;

	if ((pub = cert_public(cert)) == NULL) {
		ERR_clear_error();
		return (0);
	}
	rc = EVP_PKEY_eq(pub, key->pkey);
	ERR_clear_error();
	return (rc == 1);
}

/* A copy of cert. */
struct cert *
cert_dup(const struct cert *cert)
{
	X509	*x;

	if (cert_seal(cert) != 0 || (x = X509_dup(cert->x509)) == NULL)
		fatal("cert_dup: cannot sign or copy a certificate");
	return (cert_wrap(x));
}

/* SHA-256 of cert's DER, hex. */
void
cert_fingerprint(const struct cert *cert, char *hex)
{
	unsigned char	md[32];
	unsigned int	len = sizeof md;
	size_t		i;

	if (cert_seal(cert) != 0 ||
	    X509_digest(cert->x509, EVP_sha256(), md, &len) != 1)
		fatal("cert_fingerprint: cannot sign it or take its SHA-256");
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Signed by root, whatever the time; -1 and *cause. */
int
cert_verify_issued(const struct cert *cert, const struct cert *root,
    char **cause)
{
	EVP_PKEY	*root_pub;
	int		 rc;

	if ((root_pub = cert_public(root)) == NULL) {
		ossl_fail(cause, "the root certificate holds no usable "
		    "public key");
		return (-1);
	}
	rc = cert_signed_by(cert, root_pub);
	if (rc != 1) {
		ossl_fail(cause, "the certificate was not signed by the "
		    "trusted root");
		return (-1);
	}
	return (0);
}
