/*
 * tls.c: the links' certificates: a small CA, backend certificates that
 * name hosts and nodes, checks of the files an operator hands over, and
 * a peer certificate's refusal in words.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ossl.h"
#include "tls.h"
#include "util.h"

struct tls_key {
	EVP_PKEY	*pkey;
};

struct tls_ca {
	EVP_PKEY	*pkey;
	X509		*cert;
};

struct tls_cert {
	X509		*x509;
};

static X509	*tls_cert_start(const char *cn, EVP_PKEY *pkey,
		    int64_t from_s, int64_t until_s, char **cause);
static int	 tls_add_ext(X509 *cert, X509 *issuer, int nid,
		    const char *value, char **cause);
static int	 tls_add_names(X509 *cert, const char *const *hosts,
		    size_t nhosts, const char *const *nodes, size_t nnodes,
		    char **cause);
static char	*tls_bio_text(BIO *bio);
static GENERAL_NAME *tls_text_name(int type, const char *text);
static int	 tls_check_mode(const char *path, const char *what,
		    int secret, char **cause);
static void	 tls_name_text(const X509_NAME *name, char *buf, size_t len);
static int	 tls_names_host(X509 *cert, const char *host);
static int	 tls_is_address(const char *host);

/* Make a P-256 key pair. */
struct tls_key *
tls_key_new(char **cause)
{
	struct tls_key	*key;
	EVP_PKEY	*pkey;

	if ((pkey = EVP_EC_gen("P-256")) == NULL) {
		ossl_fail(cause, "cannot make a P-256 key");
		return (NULL);
	}
	key = xcalloc(1, sizeof *key);
	key->pkey = pkey;
	return (key);
}

/* Free a key pair. */
void
tls_key_free(struct tls_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

/* Everything written to a memory BIO, as an allocated string. */
static char *
tls_bio_text(BIO *bio)
{
	char	*data, *text;
	long	 n;

	n = BIO_get_mem_data(bio, &data);
	text = xmalloc((size_t)n + 1);
	memcpy(text, data, (size_t)n);
	text[n] = '\0';
	BIO_free(bio);
	return (text);
}

/* The private key as PEM ("PRIVATE KEY", PKCS#8). */
char *
tls_key_pem(const struct tls_key *key)
{
	BIO	*bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL,
	    NULL) != 1)
		fatal("tls_key_pem: out of memory");
	return (tls_bio_text(bio));
}

/*
 * A certificate for pkey with common name cn, a random serial and the
 * validity given, not yet signed and without extensions.
 */
static X509 *
tls_cert_start(const char *cn, EVP_PKEY *pkey, int64_t from_s,
    int64_t until_s, char **cause)
{
	X509		*cert;
	X509_NAME	*name;
	BIGNUM		*bn;
	ASN1_INTEGER	*serial;
	time_t		 now = time(NULL);

	if ((cert = X509_new()) == NULL || (bn = BN_new()) == NULL)
		fatal("tls_cert_start: out of memory");
	X509_set_version(cert, 2);
	if (BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    (serial = X509_get_serialNumber(cert)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, serial) == NULL) {
		BN_free(bn);
		X509_free(cert);
		ossl_fail(cause, "cannot pick a certificate serial");
		return (NULL);
	}
	BN_free(bn);
	X509_time_adj_ex(X509_getm_notBefore(cert), 0, (long)from_s, &now);
	X509_time_adj_ex(X509_getm_notAfter(cert), 0, (long)until_s, &now);
	name = X509_get_subject_name(cert);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1 ||
	    X509_set_pubkey(cert, pkey) != 1) {
		X509_free(cert);
		ossl_fail(cause, "cannot name certificate \"%s\"", cn);
		return (NULL);
	}
	return (cert);
}

/* Add extension nid with value (in openssl.cnf syntax) to cert. */
static int
tls_add_ext(X509 *cert, X509 *issuer, int nid, const char *value,
    char **cause)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL) {
		ossl_fail(cause, "cannot add \"%s\" to a certificate", value);
		return (-1);
	}
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return (0);
}

/* Make a self-signed CA. */
struct tls_ca *
tls_ca_new(const char *cn, int days, char **cause)
{
	struct tls_ca	*ca;

	ca = xcalloc(1, sizeof *ca);
	if ((ca->pkey = EVP_EC_gen("P-256")) == NULL) {
		ossl_fail(cause, "cannot make the CA's P-256 key");
		free(ca);
		return (NULL);
	}
	if ((ca->cert = tls_cert_start(cn, ca->pkey, -300,
	    (int64_t)days * 86400, cause)) == NULL)
		goto fail;
	if (tls_add_ext(ca->cert, ca->cert, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0", cause) != 0 ||
	    tls_add_ext(ca->cert, ca->cert, NID_key_usage,
	    "critical,keyCertSign,cRLSign", cause) != 0 ||
	    tls_add_ext(ca->cert, ca->cert, NID_subject_key_identifier,
	    "hash", cause) != 0)
		goto fail;
	if (X509_sign(ca->cert, ca->pkey, EVP_sha256()) == 0) {
		ossl_fail(cause, "cannot sign CA certificate \"%s\"", cn);
		goto fail;
	}
	return (ca);
fail:
	tls_ca_free(ca);
	return (NULL);
}

/* Read a CA's certificate and key. */
struct tls_ca *
tls_ca_load(const char *cert_path, const char *key_path, char **cause)
{
	struct tls_ca	*ca;
	FILE		*f;

	if (tls_check_mode(key_path, "CA key", 1, cause) != 0)
		return (NULL);
	ca = xcalloc(1, sizeof *ca);
	if ((f = fopen(cert_path, "r")) == NULL) {
		*cause = xasprintf("cannot read CA certificate %s: %s; make "
		    "one with vigil-key ca", cert_path, strerror(errno));
		free(ca);
		return (NULL);
	}
	ca->cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (ca->cert == NULL) {
		ossl_fail(cause, "CA certificate %s holds no PEM "
		    "certificate", cert_path);
		goto fail;
	}
	if ((f = fopen(key_path, "r")) == NULL) {
		*cause = xasprintf("cannot read CA key %s: %s", key_path,
		    strerror(errno));
		goto fail;
	}
	ca->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (ca->pkey == NULL) {
		ossl_fail(cause, "CA key %s holds no PEM private key",
		    key_path);
		goto fail;
	}
	if (X509_check_private_key(ca->cert, ca->pkey) != 1) {
		ossl_fail(cause, "CA key %s is not the key of certificate %s; "
		    "give the pair vigil-key ca made together", key_path,
		    cert_path);
		goto fail;
	}
	return (ca);
fail:
	tls_ca_free(ca);
	return (NULL);
}

/* Free a CA. */
void
tls_ca_free(struct tls_ca *ca)
{
	if (ca == NULL)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->pkey);
	free(ca);
}

/* The CA's private key as PEM. */
char *
tls_ca_key_pem(const struct tls_ca *ca)
{
	struct tls_key	key = { ca->pkey };

	return (tls_key_pem(&key));
}

/* The CA's certificate as PEM. */
char *
tls_ca_pem(const struct tls_ca *ca)
{
	BIO	*bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, ca->cert) != 1)
		fatal("tls_ca_pem: out of memory");
	return (tls_bio_text(bio));
}

/* A DNS or URI name holding text. */
static GENERAL_NAME *
tls_text_name(int type, const char *text)
{
	GENERAL_NAME	*gn;
	ASN1_IA5STRING	*s;

	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (s = ASN1_IA5STRING_new()) == NULL ||
	    ASN1_STRING_set(s, text, -1) != 1)
		fatal("tls_text_name: out of memory");
	GENERAL_NAME_set0_value(gn, type, s);
	return (gn);
}

/*
 * Add the subject alternative names: IP or DNS for each host, URI
 * "vigil:ID" for each node.
 */
static int
tls_add_names(X509 *cert, const char *const *hosts, size_t nhosts,
    const char *const *nodes, size_t nnodes, char **cause)
{
	GENERAL_NAMES	*names;
	GENERAL_NAME	*gn;
	ASN1_OCTET_STRING *ip;
	char		*uri;
	size_t		 i;
	int		 ok;

	if ((names = GENERAL_NAMES_new()) == NULL)
		fatal("tls_add_names: out of memory");
	for (i = 0; i < nhosts; i++) {
		if ((ip = a2i_IPADDRESS(hosts[i])) != NULL) {
			if ((gn = GENERAL_NAME_new()) == NULL)
				fatal("tls_add_names: out of memory");
			GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
		} else
			gn = tls_text_name(GEN_DNS, hosts[i]);
		sk_GENERAL_NAME_push(names, gn);
	}
	for (i = 0; i < nnodes; i++) {
		uri = xasprintf("%s%s", TLS_NODE_SCHEME, nodes[i]);
		gn = tls_text_name(GEN_URI, uri);
		free(uri);
		sk_GENERAL_NAME_push(names, gn);
	}
	ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0,
	    X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(names);
	if (ok != 1) {
		ossl_fail(cause, "cannot name hosts and nodes in a "
		    "certificate");
		return (-1);
	}
	return (0);
}

/* Issue a backend certificate for key, signed by ca, as an object. */
struct tls_cert *
tls_ca_issue_cert(const struct tls_ca *ca, const struct tls_key *key,
    const char *cn, const char *const *hosts, size_t nhosts,
    const char *const *nodes, size_t nnodes, int64_t from_s,
    int64_t until_s, char **cause)
{
	struct tls_cert	*c;
	X509		*cert;

	if ((cert = tls_cert_start(cn, key->pkey, from_s, until_s,
	    cause)) == NULL)
		return (NULL);
	if (X509_set_issuer_name(cert, X509_get_subject_name(ca->cert)) != 1 ||
	    tls_add_ext(cert, ca->cert, NID_basic_constraints, "CA:FALSE",
	    cause) != 0 ||
	    tls_add_ext(cert, ca->cert, NID_key_usage,
	    "critical,digitalSignature", cause) != 0 ||
	    tls_add_ext(cert, ca->cert, NID_ext_key_usage, "serverAuth",
	    cause) != 0 ||
	    tls_add_ext(cert, ca->cert, NID_authority_key_identifier,
	    "keyid", cause) != 0 ||
	    tls_add_names(cert, hosts, nhosts, nodes, nnodes, cause) != 0)
		goto fail;
	if (X509_sign(cert, ca->pkey, EVP_sha256()) == 0) {
		ossl_fail(cause, "cannot sign certificate \"%s\"", cn);
		goto fail;
	}
	c = xcalloc(1, sizeof *c);
	c->x509 = cert;
	return (c);
fail:
	X509_free(cert);
	return (NULL);
}

/* Issue a backend certificate for key, signed by ca, as PEM. */
char *
tls_ca_issue(const struct tls_ca *ca, const struct tls_key *key,
    const char *cn, const char *const *hosts, size_t nhosts,
    const char *const *nodes, size_t nnodes, int64_t from_s,
    int64_t until_s, char **cause)
{
	struct tls_cert	*c;
	BIO		*bio;

	if ((c = tls_ca_issue_cert(ca, key, cn, hosts, nhosts, nodes, nnodes,
	    from_s, until_s, cause)) == NULL)
		return (NULL);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, c->x509) != 1)
		fatal("tls_ca_issue: out of memory");
	tls_cert_free(c);
	return (tls_bio_text(bio));
}

/* Free a certificate. */
void
tls_cert_free(struct tls_cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	free(cert);
}

/* Another holder of key; see tls.h. */
struct tls_key *
tls_key_ref(const struct tls_key *key)
{
	struct tls_key	*ref;

	if (EVP_PKEY_up_ref(key->pkey) != 1)
		fatal("tls_key_ref: EVP_PKEY_up_ref failed");
	ref = xcalloc(1, sizeof *ref);
	ref->pkey = key->pkey;
	return (ref);
}

/*
 * Serve cert and key on ctx.  Both are shared, not copied: the context
 * takes a reference to each, so that no vhost decodes PEM or DER.
 */
int
tls_server_use(void *ctx, const struct tls_cert *cert,
    const struct tls_key *key, char **cause)
{
	if (SSL_CTX_use_certificate((SSL_CTX *)ctx, cert->x509) != 1 ||
	    SSL_CTX_use_PrivateKey((SSL_CTX *)ctx, key->pkey) != 1) {
		ossl_fail(cause, "OpenSSL refused a node's certificate or "
		    "key");
		return (-1);
	}
	/*
	 * The certificate alone, as was sent: its issuer is the CA the
	 * peer trusts from its own file.  Left to build a chain, OpenSSL
	 * ran a whole certificate verification (X509_verify_cert) at each
	 * handshake, only to find no issuer in this context's store.
	 */
	SSL_CTX_set_mode((SSL_CTX *)ctx, SSL_MODE_NO_AUTO_CHAIN);
	return (0);
}

/* Write text to path (mode) through path.tmp and a rename. */
int
tls_write_file(const char *path, const char *text, int mode, char **cause)
{
	char	*tmp;
	size_t	 len = strlen(text);
	int	 fd, saved;

	tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1)
		goto fail;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	free(tmp);
	return (0);
fail:
	*cause = xasprintf("cannot write %s: %s; check that its directory "
	    "exists and is writable", path, strerror(errno));
	free(tmp);
	return (-1);
}

/*
 * Refuse a file others may write (a secret: others may read either),
 * since whoever can change it chooses whom this program trusts.
 */
static int
tls_check_mode(const char *path, const char *what, int secret,
    char **cause)
{
	struct stat	st;
	mode_t		bad;

	bad = secret ? (S_IRWXG | S_IRWXO) : (S_IWGRP | S_IWOTH);
	if (stat(path, &st) == -1) {
		*cause = xasprintf("cannot read %s %s: %s; check the path",
		    what, path, strerror(errno));
		return (-1);
	}
	if ((st.st_mode & bad) != 0) {
		*cause = xasprintf("%s %s may be %s by other users (mode "
		    "%03o), so it cannot be trusted; run chmod %s %s", what,
		    path, secret ? "read or changed" : "changed",
		    (unsigned)(st.st_mode & 0777), secret ? "600" : "go-w",
		    path);
		return (-1);
	}
	return (0);
}

/* Check the certificate and key a backend will serve. */
int
tls_check_pair(const char *cert_path, const char *key_path, char **cause)
{
	X509		*cert = NULL;
	EVP_PKEY	*pkey = NULL;
	FILE		*f;
	char		 subject[256];
	int		 rc = -1;

	if (tls_check_mode(key_path, "key file", 1, cause) != 0 ||
	    tls_check_mode(cert_path, "certificate", 0, cause) != 0)
		return (-1);
	if ((f = fopen(cert_path, "r")) == NULL) {
		*cause = xasprintf("cannot read certificate %s: %s",
		    cert_path, strerror(errno));
		return (-1);
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL) {
		ossl_fail(cause, "certificate %s holds no PEM certificate; "
		    "make one with vigil-key cert", cert_path);
		return (-1);
	}
	tls_name_text(X509_get_subject_name(cert), subject, sizeof subject);
	if ((f = fopen(key_path, "r")) == NULL) {
		*cause = xasprintf("cannot read key file %s: %s", key_path,
		    strerror(errno));
		goto done;
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL) {
		ossl_fail(cause, "key file %s holds no PEM private key",
		    key_path);
		goto done;
	}
	if (X509_check_private_key(cert, pkey) != 1) {
		ossl_fail(cause, "key file %s is not the key of certificate "
		    "%s (\"%s\"); give the key the certificate was made for",
		    key_path, cert_path, subject);
		goto done;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
		*cause = xasprintf("certificate %s (\"%s\") has expired; make "
		    "a new one with vigil-key cert", cert_path, subject);
		goto done;
	}
	rc = 0;
done:
	EVP_PKEY_free(pkey);
	X509_free(cert);
	return (rc);
}

/* Check a CA file a console will trust. */
int
tls_check_ca(const char *path, char **cause)
{
	X509	*cert;
	FILE	*f;

	if (tls_check_mode(path, "CA file", 0, cause) != 0)
		return (-1);
	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("cannot read CA file %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL) {
		ossl_fail(cause, "CA file %s holds no PEM certificate; give "
		    "the ca.pem that vigil-key ca (or vigild fleet) wrote",
		    path);
		return (-1);
	}
	X509_free(cert);
	return (0);
}

/* The node ids in the peer certificate's "vigil:" URI names. */
int
tls_peer_nodes(void *ssl, char ***ids)
{
	X509		*cert;
	GENERAL_NAMES	*names;
	GENERAL_NAME	*gn;
	const char	*uri;
	size_t		 prefix = strlen(TLS_NODE_SCHEME);
	int		 i, n = 0, len;

	*ids = NULL;
	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL)
		return (-1);
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	X509_free(cert);
	if (names == NULL)
		return (0);
	for (i = 0; i < sk_GENERAL_NAME_num(names) && n < TLS_MAX_NAMES;
	    i++) {
		gn = sk_GENERAL_NAME_value(names, i);
		if (gn->type != GEN_URI)
			continue;
		uri = (const char *)ASN1_STRING_get0_data(gn->d.ia5);
		len = ASN1_STRING_length(gn->d.ia5);
		if ((size_t)len <= prefix || memchr(uri, '\0', len) != NULL ||
		    strncmp(uri, TLS_NODE_SCHEME, prefix) != 0)
			continue;
		*ids = xreallocarray(*ids, (size_t)n + 1, sizeof **ids);
		(*ids)[n++] = xasprintf("%.*s", len - (int)prefix,
		    uri + prefix);
	}
	GENERAL_NAMES_free(names);
	return (n);
}

/*
 * Give a vigild vhost's context back OpenSSL's key-exchange groups,
 * which libwebsockets 4.1 narrowed to P-256 for a certificate given
 * from memory: a client offering another first (OpenSSL's X25519) had
 * to be sent a HelloRetryRequest and make a second key and ClientHello.
 *
 * And issue no session tickets and cache no sessions: no vigil client
 * resumes a session (a fresh `vigil approve` holds none), yet OpenSSL
 * made, encrypted and sent two tickets after each TLS 1.3 handshake,
 * each client decoding and keeping them, over a thousand links at once.
 * Every handshake stays a full one, as it in effect was.
 */
void
tls_server_tune(void *ctx)
{
	if (ctx == NULL)
		return;
	(void)SSL_CTX_set1_groups_list((SSL_CTX *)ctx, TLS_SERVER_GROUPS);
	(void)SSL_CTX_set_num_tickets((SSL_CTX *)ctx, 0);
	SSL_CTX_set_options((SSL_CTX *)ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode((SSL_CTX *)ctx, SSL_SESS_CACHE_OFF);
}

/*
 * Give idle links' buffers back; no TLS older than 1.2; offer P-256
 * first.  A TLS 1.3 client sends a key share for its first group only,
 * and OpenSSL's first is X25519, but libwebsockets 4.1 pins every
 * server it runs, vigild's included, to P-256 (SSL_CTX_set_tmp_ecdh):
 * each handshake then took a HelloRetryRequest, a second ClientHello
 * and round trip, and a key made for nothing, some 8% of the console's
 * and of vigild's CPU at start-up over 1,000 links.  A server that
 * takes X25519 takes P-256 too, and picks from the shares offered, so
 * the order costs no other peer a round trip; the groups and their
 * strength are OpenSSL's defaults, only their order changes.
 */
void
tls_client_tune(void *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_set_mode((SSL_CTX *)ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_min_proto_version((SSL_CTX *)ctx, TLS1_2_VERSION);
	(void)SSL_CTX_set1_groups_list((SSL_CTX *)ctx, TLS_CLIENT_GROUPS);
}

/*
 * Give a link's record buffers back once it has read what came: OpenSSL
 * keeps its 17 KB read buffer allocated on a link waiting for its next
 * record even in SSL_MODE_RELEASE_BUFFERS, and a console waits on a
 * thousand links.  Does nothing while a record is half read or a write
 * is pending.
 */
void
tls_release_buffers(void *ssl)
{
	if (ssl != NULL)
		SSL_free_buffers(ssl);
}

/* A name as "CN=..., O=...", control characters replaced. */
static void
tls_name_text(const X509_NAME *name, char *buf, size_t len)
{
	BIO	*bio;
	char	*p;
	int	 n;

	buf[0] = '\0';
	if (name != NULL && (bio = BIO_new(BIO_s_mem())) != NULL) {
		if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
		    (n = BIO_read(bio, buf, (int)len - 1)) > 0)
			buf[n] = '\0';
		BIO_free(bio);
	}
	if (buf[0] == '\0')
		util_copy(buf, len, "?");
	for (p = buf; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			*p = '?';
	}
}

/* Is host a numeric IPv4 or IPv6 address (rather than a name)? */
static int
tls_is_address(const char *host)
{
	unsigned char	buf[16];

	return (inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1);
}

/* Does cert name host (an address, or a DNS name)? */
static int
tls_names_host(X509 *cert, const char *host)
{
	if (tls_is_address(host))
		return (X509_check_ip_asc(cert, host, 0) == 1);
	return (X509_check_host(cert, host, 0,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1);
}

/* Why the certificate being verified was refused, in words. */
int
tls_verify_refusal(void *store_ctx, int preverify_ok, const char *host,
    char *buf, size_t len)
{
	X509_STORE_CTX	*ctx = store_ctx;
	X509		*cert;
	char		 subject[256], issuer[256], when[64];
	const char	*hint;
	int		 err;
	BIO		*bio;

	cert = X509_STORE_CTX_get_current_cert(ctx);
	if (preverify_ok) {
		if (X509_STORE_CTX_get_error_depth(ctx) != 0 || cert == NULL ||
		    tls_names_host(cert, host))
			return (0);
		err = tls_is_address(host) ? X509_V_ERR_IP_ADDRESS_MISMATCH :
		    X509_V_ERR_HOSTNAME_MISMATCH;
	} else if ((err = X509_STORE_CTX_get_error(ctx)) == X509_V_OK)
		return (0);
	tls_name_text(cert != NULL ? X509_get_subject_name(cert) : NULL,
	    subject, sizeof subject);
	tls_name_text(cert != NULL ? X509_get_issuer_name(cert) : NULL,
	    issuer, sizeof issuer);
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		when[0] = '\0';
		if (cert != NULL && (bio = BIO_new(BIO_s_mem())) != NULL) {
			ASN1_TIME_print(bio, X509_get0_notAfter(cert));
			util_copy(when, sizeof when, "");
			BIO_read(bio, when, sizeof when - 1);
			when[sizeof when - 1] = '\0';
			BIO_free(bio);
		}
		util_format(buf, len, "%s's certificate \"%s\" expired %s; "
		    "the backend must be given a new one (vigil-key cert)",
		    host, subject, when);
		return (1);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		hint = "it is not valid yet; check both machines' clocks";
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		hint = "it does not name that host; use the name or address "
		    "the certificate was made for, or make one naming it";
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		hint = "no CA the console trusts signed it; give vigil --ca "
		    "FILE with the CA of that backend";
		break;
	default:
		hint = "check the backend's certificate and the console's "
		    "--ca";
		break;
	}
	util_format(buf, len, "%s's certificate \"%s\" issued by \"%s\" was "
	    "refused (%s): %s", host, subject, issuer,
	    X509_verify_cert_error_string(err), hint);
	return (1);
}
