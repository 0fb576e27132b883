/*
 * check_cert.c: the stations' keys and certificates, as a station and an
 * operator meet them: issued certificates verify on the node clock,
 * expired, early and foreign ones are refused in words, and signatures
 * catch a single changed byte.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert.h"
#include "tests.h"

#define DAY_2012_08_01	(1343779200LL * 1000)	/* 00:00:00 UTC */
#define HMS(h, m, s)	(DAY_2012_08_01 + \
			    (((h) * 3600LL + (m) * 60LL + (s)) * 1000))
#define MINUTE		(60 * 1000LL)
#define VALID_61_MIN	(61 * MINUTE)
#define TEN_YEARS	(3650 * 24 * 3600 * 1000LL)

static struct cert_key	*root_key, *station_key;
static struct cert	*root, *station;

static void	 pki_setup(void);
static void	 pki_teardown(void);
static struct cert *other_root_new(struct cert_key **keyp);
static void	 expect_holds(const struct cert *, const struct cert_key *,
		    const struct cert_key *);

/* A root made at 13:59:50 and station/s3's certificate from 14:00:00. */
static void
pki_setup(void)
{
	char	*cause = NULL;

	root_key = cert_key_new(&cause);
	ck_assert_ptr_nonnull(root_key);
	station_key = cert_key_new(&cause);
	ck_assert_ptr_nonnull(station_key);
	root = cert_root_new(root_key, "Vigil root CA", HMS(13, 59, 50),
	    TEN_YEARS, &cause);
	ck_assert_msg(root != NULL, "root: %s", cause);
	station = cert_issue(root, root_key, station_key, "station/s3",
	    HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_msg(station != NULL, "issue: %s", cause);
}

/* Free what pki_setup made. */
static void
pki_teardown(void)
{
	cert_free(station);
	cert_free(root);
	cert_key_free(station_key);
	cert_key_free(root_key);
}

START_TEST(issued_certificate_verifies_and_reads_back)
{
	struct cert_info	 info;
	char			*cause = NULL, *pem;

	ck_assert_int_eq(cert_verify(station, root, HMS(14, 30, 0), &cause),
	    0);
	ck_assert_int_eq(cert_get_info(station, &info, &cause), 0);
	ck_assert_str_eq(info.subject, "station/s3");
	ck_assert_str_eq(info.issuer, "Vigil root CA");
	ck_assert_int_eq(info.not_before_ms, HMS(14, 0, 0));
	ck_assert_int_eq(info.not_after_ms, HMS(15, 1, 0));
	ck_assert_int_ge(strlen(info.serial), 16);

	/* The root is self-signed and verifies against itself. */
	ck_assert_int_eq(cert_verify(root, root, HMS(14, 30, 0), &cause), 0);

	pem = cert_pem(station, &cause);
	ck_assert_ptr_nonnull(pem);
	ck_assert_ptr_nonnull(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	free(pem);
}
END_TEST

START_TEST(scenario_dates_are_kept_to_the_second)
{
	struct cert_info	info;
	char			*cause = NULL;

	/* The knight and capital scenarios live on 2012-08-01. */
	ck_assert_int_eq(cert_get_info(root, &info, &cause), 0);
	ck_assert_int_eq(info.not_before_ms, HMS(13, 59, 50));
	ck_assert_int_eq(info.not_after_ms, HMS(13, 59, 50) + TEN_YEARS);
	ck_assert_int_eq(cert_verify(station, root, HMS(14, 0, 0), &cause),
	    0);
	ck_assert_int_eq(cert_verify(station, root, HMS(15, 1, 0), &cause),
	    0);
}
END_TEST

START_TEST(expired_certificate_is_refused_in_words)
{
	char	*cause = NULL;

	ck_assert_int_eq(cert_verify(station, root, HMS(15, 1, 12), &cause),
	    -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, "certificate for station/s3 expired at "
	    "15:01:00, 12s ago");
	free(cause);
}
END_TEST

START_TEST(early_certificate_is_refused_in_words)
{
	char	*cause = NULL;

	ck_assert_int_eq(cert_verify(station, root, HMS(13, 59, 55), &cause),
	    -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, "certificate for station/s3 is not valid "
	    "until 14:00:00, 5s from now");
	free(cause);
}
END_TEST

/* A root of the same name as pki_setup's, with a key of its own. */
static struct cert *
other_root_new(struct cert_key **keyp)
{
	struct cert	*other;
	char		*cause = NULL;

	*keyp = cert_key_new(&cause);
	ck_assert_ptr_nonnull(*keyp);
	other = cert_root_new(*keyp, "Vigil root CA", HMS(13, 0, 0),
	    TEN_YEARS, &cause);
	ck_assert_ptr_nonnull(other);
	return (other);
}

START_TEST(certificate_from_another_root_is_refused)
{
	struct cert_key	*other_key;
	struct cert	*other_root, *forged;
	char		*cause = NULL;

	/* Same name, different key: only the signature tells them apart. */
	other_root = other_root_new(&other_key);
	forged = cert_issue(other_root, other_key, station_key, "station/s3",
	    HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_ptr_nonnull(forged);

	ck_assert_int_eq(cert_verify(forged, root, HMS(14, 30, 0), &cause),
	    -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "station/s3"));
	ck_assert_ptr_nonnull(strstr(cause, "not signed by the trusted root"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(cert_verify(station, other_root, HMS(14, 30, 0),
	    &cause), -1);
	free(cause);

	cert_free(forged);
	cert_free(other_root);
	cert_key_free(other_key);
}
END_TEST

/*
 * A certificate's signature is checked once per root key and kept (a
 * station checks its own before every round of heartbeats); a check
 * against another root, the move of the root, must not pass on what
 * the first found, and the validity window is checked every time.
 */
START_TEST(kept_check_holds_only_for_its_root)
{
	struct cert_key	*other_key;
	struct cert	*other_root;
	char		*cause = NULL;

	other_root = other_root_new(&other_key);
	ck_assert_int_eq(cert_verify(station, root, HMS(14, 30, 0), &cause),
	    0);
	ck_assert_int_eq(cert_verify(station, other_root, HMS(14, 30, 0),
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not signed by the trusted root"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(cert_verify(station, root, HMS(14, 31, 0), &cause),
	    0);
	ck_assert_int_eq(cert_verify(station, root, HMS(15, 1, 12), &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "expired"));
	free(cause);

	cert_free(other_root);
	cert_key_free(other_key);
}
END_TEST

/*
 * Issuing notes that the root signed the new certificate only when the
 * key that signed is the root's own: a certificate made with root's
 * name but another key is refused, by cert_verify and by
 * cert_verify_issued, and a kept check holds only for its root there
 * too.
 */
START_TEST(issue_is_kept_only_for_the_roots_own_key)
{
	struct cert_key	*other_key;
	struct cert	*other_root, *wrong, *good;
	char		*cause = NULL;

	other_root = other_root_new(&other_key);
	wrong = cert_issue(root, other_key, station_key, "station/s3",
	    HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_ptr_nonnull(wrong);
	ck_assert_int_eq(cert_verify(wrong, root, HMS(14, 30, 0), &cause),
	    -1);
	free(cause);
	cause = NULL;
	ck_assert_int_ne(cert_verify_issued(wrong, root, &cause), 0);
	free(cause);
	cause = NULL;

	good = cert_issue(root, root_key, station_key, "station/s3",
	    HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_ptr_nonnull(good);
	ck_assert_int_eq(cert_verify_issued(good, root, &cause), 0);
	ck_assert_int_ne(cert_verify_issued(good, other_root, &cause), 0);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(cert_verify(good, root, HMS(14, 30, 0), &cause), 0);

	cert_free(good);
	cert_free(wrong);
	cert_free(other_root);
	cert_key_free(other_key);
}
END_TEST

START_TEST(signature_catches_one_changed_byte)
{
	unsigned char	 msg[] = "v1 from=station/s3 seq=1 len=2 payload=ok";
	unsigned char	 sig[CERT_SIG_MAX];
	size_t		 siglen;
	char		*cause = NULL;

	ck_assert_int_eq(cert_sign(station_key, msg, sizeof msg, sig, &siglen,
	    &cause), 0);
	ck_assert_uint_eq(siglen, CERT_SIG_MAX);
	ck_assert_int_eq(cert_check_signature(station, msg, sizeof msg, sig,
	    siglen, &cause), 1);

	msg[10] ^= 0x01;
	ck_assert_int_eq(cert_check_signature(station, msg, sizeof msg, sig,
	    siglen, &cause), 0);
	msg[10] ^= 0x01;
	sig[0] ^= 0x80;
	ck_assert_int_eq(cert_check_signature(station, msg, sizeof msg, sig,
	    siglen, &cause), 0);
	sig[0] ^= 0x80;

	/* Signed by the station, so the root's certificate does not match. */
	ck_assert_int_eq(cert_check_signature(root, msg, sizeof msg, sig,
	    siglen, &cause), 0);
	/* A short signature is simply not valid. */
	ck_assert_int_eq(cert_check_signature(station, msg, sizeof msg, sig,
	    10, &cause), 0);
	ck_assert_ptr_null(cause);
}
END_TEST

/*
 * A renewal's proof is taken as matching once the certificate is known to
 * hold the signer's key; another key, even after, is not.
 */
START_TEST(holds_key_only_for_its_own_key_pair)
{
	ck_assert_int_eq(cert_holds_key(station, root_key), 0);
	ck_assert_int_eq(cert_holds_key(station, station_key), 1);
	ck_assert_int_eq(cert_holds_key(station, station_key), 1);
	ck_assert_int_eq(cert_holds_key(station, root_key), 0);
	ck_assert_int_eq(cert_holds_key(root, root_key), 1);
	ck_assert_int_eq(cert_holds_key(root, station_key), 0);
}
END_TEST

/* c holds the key pair mine, not theirs, by either question. */
static void
expect_holds(const struct cert *c, const struct cert_key *mine,
    const struct cert_key *theirs)
{
	ck_assert_int_eq(cert_key_matches(c, theirs), 0);
	ck_assert_int_eq(cert_key_matches(c, mine), 1);
	ck_assert_int_eq(cert_holds_key(c, theirs), 0);
	ck_assert_int_eq(cert_holds_key(c, mine), 1);
}

/*
 * An issued certificate's public key is written without OpenSSL's
 * encoder and kept, as the key pair it was built for, in its memo: the
 * bytes must still say that key to anyone who decodes them afresh (a
 * copy has no memo), and a copy checks signatures, keys and its root as
 * the original does.
 */
START_TEST(issued_certificate_bytes_decode_to_its_key)
{
	unsigned char	 msg[] = "vigil.v1 renew station/s3 1";
	unsigned char	 sig[CERT_SIG_MAX];
	char		 fa[65], fb[65], *cause = NULL;
	struct cert	*copy;
	size_t		 siglen;

	copy = cert_dup(station);
	cert_fingerprint(station, fa);
	cert_fingerprint(copy, fb);
	ck_assert_str_eq(fa, fb);
	expect_holds(copy, station_key, root_key);
	expect_holds(station, station_key, root_key);
	ck_assert_int_eq(cert_sign(station_key, msg, sizeof msg, sig,
	    &siglen, &cause), 0);
	ck_assert_int_eq(cert_check_signature(copy, msg, sizeof msg, sig,
	    siglen, &cause), 1);
	ck_assert_int_eq(cert_sign(root_key, msg, sizeof msg, sig, &siglen,
	    &cause), 0);
	ck_assert_int_eq(cert_check_signature(copy, msg, sizeof msg, sig,
	    siglen, &cause), 0);
	ck_assert_int_eq(cert_check_signature(station, msg, sizeof msg, sig,
	    siglen, &cause), 0);
	ck_assert_int_eq(cert_verify(copy, root, HMS(14, 0, 1), &cause), 0);
	ck_assert_ptr_null(cause);
	cert_free(copy);
}
END_TEST

START_TEST(each_issue_has_a_fresh_serial)
{
	struct cert		*again;
	struct cert_info	 a, b;
	char			*cause = NULL;

	again = cert_issue(root, root_key, station_key, "station/s3",
	    HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_ptr_nonnull(again);
	ck_assert_int_eq(cert_get_info(station, &a, &cause), 0);
	ck_assert_int_eq(cert_get_info(again, &b, &cause), 0);
	ck_assert_str_ne(a.serial, b.serial);
	cert_free(again);
}
END_TEST

START_TEST(nonpositive_validity_is_refused_in_words)
{
	struct cert	*c;
	char		*cause = NULL;

	c = cert_issue(root, root_key, station_key, "station/s3",
	    HMS(14, 0, 0), 0, &cause);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "station/s3"));
	ck_assert_ptr_nonnull(strstr(cause, "not positive"));
	free(cause);
}
END_TEST


/*
 * A station's transport key bound into its certificate reads back from
 * it; a certificate without one says so; the root key survives being
 * carried as raw bytes and still matches the root certificate, and a
 * lapsed certificate still proves it was issued by the root.
 */
START_TEST(transport_key_and_raw_root_key_read_back)
{
	struct cert_key	*copy;
	struct cert	*bound;
	unsigned char	 transport[CERT_TRANSPORT_LEN], got[CERT_TRANSPORT_LEN];
	unsigned char	 raw[CERT_KEY_RAW];
	char		*cause = NULL;

	memset(transport, 0x5a, sizeof transport);
	bound = cert_issue_bound(root, root_key, station_key, transport,
	    "station/s3", HMS(14, 0, 0), VALID_61_MIN, &cause);
	ck_assert_msg(bound != NULL, "%s", cause);
	ck_assert_int_eq(cert_transport_key(bound, got, &cause), 0);
	ck_assert(memcmp(got, transport, sizeof got) == 0);
	ck_assert_int_eq(cert_transport_key(station, got, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "binds no transport key"));
	free(cause);
	cause = NULL;

	ck_assert_int_eq(cert_key_raw(root_key, raw, &cause), 0);
	copy = cert_key_from_raw(raw, &cause);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(cert_key_matches(root, copy), 1);
	ck_assert_int_eq(cert_key_matches(root, station_key), 0);
	cert_key_free(copy);

	ck_assert_int_ne(cert_verify(bound, root, HMS(16, 0, 0), &cause), 0);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(cert_verify_issued(bound, root, &cause), 0);
	ck_assert_int_ne(cert_verify_issued(root, bound, &cause), 0);
	free(cause);
	cert_free(bound);
}
END_TEST

/*
 * An issued certificate is signed when its bytes are first wanted: its
 * PEM, never read before, decodes afresh to a certificate the root's
 * own PEM verifies, and taking it twice gives the same bytes.
 */
START_TEST(issued_certificate_pem_verifies_afresh)
{
	struct cert_key	*key;
	struct cert	*fresh;
	X509		*x, *r;
	BIO		*bio;
	char		*cause = NULL, *pem, *again, *root_pem;

	key = cert_key_new(&cause);
	ck_assert_ptr_nonnull(key);
	fresh = cert_issue(root, root_key, key, "station/s9", HMS(14, 0, 0),
	    VALID_61_MIN, &cause);
	ck_assert_msg(fresh != NULL, "issue: %s", cause);
	pem = cert_pem(fresh, &cause);
	ck_assert_ptr_nonnull(pem);
	again = cert_pem(fresh, &cause);
	ck_assert_str_eq(pem, again);
	root_pem = cert_pem(root, &cause);
	ck_assert_ptr_nonnull(root_pem);
	bio = BIO_new_mem_buf(pem, -1);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	bio = BIO_new_mem_buf(root_pem, -1);
	r = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(X509_verify(x, X509_get0_pubkey(r)), 1);
	ck_assert_int_eq(X509_verify(r, X509_get0_pubkey(r)), 1);
	X509_free(x);
	X509_free(r);
	free(pem);
	free(again);
	free(root_pem);
	cert_free(fresh);
	cert_key_free(key);
}
END_TEST

/* The cert suite: keys, certificates and signatures. */
Suite *
cert_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("cert");
	tc = tcase_create("keys");
	tcase_add_checked_fixture(tc, pki_setup, pki_teardown);
	tcase_add_test(tc, issued_certificate_verifies_and_reads_back);
	tcase_add_test(tc, scenario_dates_are_kept_to_the_second);
	tcase_add_test(tc, expired_certificate_is_refused_in_words);
	tcase_add_test(tc, early_certificate_is_refused_in_words);
	tcase_add_test(tc, certificate_from_another_root_is_refused);
	tcase_add_test(tc, signature_catches_one_changed_byte);
	tcase_add_test(tc, kept_check_holds_only_for_its_root);
	tcase_add_test(tc, issue_is_kept_only_for_the_roots_own_key);
	tcase_add_test(tc, each_issue_has_a_fresh_serial);
	tcase_add_test(tc, holds_key_only_for_its_own_key_pair);
	tcase_add_test(tc, issued_certificate_bytes_decode_to_its_key);
	tcase_add_test(tc, issued_certificate_pem_verifies_afresh);
	tcase_add_test(tc, nonpositive_validity_is_refused_in_words);
	tcase_add_test(tc, transport_key_and_raw_root_key_read_back);
	suite_add_tcase(s, tc);
	return (s);
}
