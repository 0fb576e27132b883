/*
 * check_seal.c: sealed envelopes for the root key: a blob sealed for a
 * station's transport key opens with that key and the same associated
 * data, and is refused, in words, when a byte was altered, when the
 * associated data differs, when it was sealed for another key or when
 * it was cut short.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "seal.h"
#include "tests.h"

#define SEAL_SECRET	"the root's private key, 32 bytes"
#define SEAL_AAD	"vigil.v1 move-root id=00ff from=station/capital " \
			    "to=station/s2 root=abcdef"

static unsigned char	*seal_test_blob(struct seal_key **key, size_t *len);

/* A fresh key and SEAL_SECRET sealed for it under SEAL_AAD. */
static unsigned char *
seal_test_blob(struct seal_key **key, size_t *len)
{
	unsigned char	 pub[SEAL_PUB_LEN], *blob;
	char		*cause = NULL;

	*key = seal_key_new(&cause);
	ck_assert_msg(*key != NULL, "%s", cause);
	seal_key_public(*key, pub);
	blob = seal_seal(pub, SEAL_SECRET, strlen(SEAL_SECRET), SEAL_AAD,
	    strlen(SEAL_AAD), len, &cause);
	ck_assert_msg(blob != NULL, "%s", cause);
	ck_assert_uint_eq(*len, strlen(SEAL_SECRET) + SEAL_OVERHEAD);
	return (blob);
}

START_TEST(test_seal_round_trip)
{
	struct seal_key	*key;
	unsigned char	*blob, *plain;
	char		*cause = NULL;
	size_t		 len, n;

	blob = seal_test_blob(&key, &len);
	ck_assert(memmem(blob, len, SEAL_SECRET, 8) == NULL);
	plain = seal_open(key, blob, len, SEAL_AAD, strlen(SEAL_AAD), &n,
	    &cause);
	ck_assert_msg(plain != NULL, "%s", cause);
	ck_assert_uint_eq(n, strlen(SEAL_SECRET));
	ck_assert(memcmp(plain, SEAL_SECRET, n) == 0);
	free(plain);
	free(blob);
	seal_key_free(key);
}
END_TEST

START_TEST(test_seal_altered_refused)
{
	struct seal_key	*key;
	unsigned char	*blob, *plain;
	char		*cause = NULL;
	size_t		 len, n, i;

	blob = seal_test_blob(&key, &len);
	/* Any byte: the ephemeral key, the nonce, the text or the tag. */
	for (i = 0; i < len; i += 7) {
		blob[i] ^= 0x01;
		cause = NULL;
		plain = seal_open(key, blob, len, SEAL_AAD, strlen(SEAL_AAD),
		    &n, &cause);
		ck_assert_msg(plain == NULL, "byte %zu altered yet opened", i);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, "does not open") != NULL ||
		    strstr(cause, "cannot be opened") != NULL, "%s", cause);
		free(cause);
		blob[i] ^= 0x01;
	}
	cause = NULL;
	plain = seal_open(key, blob, 10, SEAL_AAD, strlen(SEAL_AAD), &n,
	    &cause);
	ck_assert_ptr_null(plain);
	ck_assert_msg(strstr(cause, "cut short") != NULL, "%s", cause);
	free(cause);
	free(blob);
	seal_key_free(key);
}
END_TEST

START_TEST(test_seal_wrong_aad_refused)
{
	struct seal_key	*key, *other;
	unsigned char	*blob, *plain;
	char		*cause = NULL, aad[] = SEAL_AAD;
	size_t		 len, n;

	blob = seal_test_blob(&key, &len);
	aad[strlen(aad) - 1] = 'X';	/* another root fingerprint */
	plain = seal_open(key, blob, len, aad, strlen(aad), &n, &cause);
	ck_assert_ptr_null(plain);
	ck_assert_msg(strstr(cause, "bound to another command") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;
	other = seal_key_new(&cause);
	ck_assert_ptr_nonnull(other);
	plain = seal_open(other, blob, len, SEAL_AAD, strlen(SEAL_AAD), &n,
	    &cause);
	ck_assert_ptr_null(plain);
	ck_assert_msg(strstr(cause, "sealed for another key") != NULL, "%s",
	    cause);
	free(cause);
	seal_key_free(other);
	free(blob);
	seal_key_free(key);
}
END_TEST

START_TEST(test_seal_fingerprint)
{
	char	hex[SEAL_FPR_LEN];

	seal_fingerprint("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

Suite *
seal_suite(void)
{
	Suite	*s = suite_create("seal");
	TCase	*tc = tcase_create("seal");

	tcase_add_test(tc, test_seal_round_trip);
	tcase_add_test(tc, test_seal_altered_refused);
	tcase_add_test(tc, test_seal_wrong_aad_refused);
	tcase_add_test(tc, test_seal_fingerprint);
	suite_add_tcase(s, tc);
	return (s);
}
