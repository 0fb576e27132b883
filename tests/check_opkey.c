/*
 * check_opkey.c: operators' keys as an operator and a backend meet them:
 * keys made here and by openssl genpkey load and sign, files others can
 * read and keys of the wrong kind are refused in words, one changed byte
 * breaks a signature, trust files are refused line by line with the line
 * named, and vigil-key prints exactly the line a trust file takes.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "opkey.h"
#include "tests.h"

#define RUN_MS		10000	/* bound on one vigil-key run */
#define MESSAGE		"{\"action\":\"kill\",\"targets\":[\"router/r8\"]}"

static char	*slurp(const char *path);
static void	 spew(const char *path, const char *text, mode_t mode);
static void	 run_openssl(const char *args, const char *out);
static struct opkey *make_key(void);
static int	 trust_refusal(const char *text, char **cause);

/* The whole of a file, NUL-terminated; fails the test if unreadable. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)len, f), len);
	fclose(f);
	return (buf);
}

/* Write text to a new file of the given mode. */
static void
spew(const char *path, const char *text, mode_t mode)
{
	FILE	*f;

	unlink(path);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s: %s", path,
	    strerror(errno));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/*
 * Run the real openssl command line (openssl ARGS), its output and
 * errors going to out; fails the test if it does not succeed.
 */
static void
run_openssl(const char *args, const char *out)
{
	char	*cmd;
	int	 rc;

	ck_assert_int_ne(asprintf(&cmd, "openssl %s >'%s' 2>&1", args, out),
	    -1);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "%s failed (status %d); is openssl installed?",
	    cmd, rc);
	free(cmd);
}

/* A fresh key pair; fails the test if none can be made. */
static struct opkey *
make_key(void)
{
	struct opkey	*key;
	char		*cause = NULL;

	key = opkey_generate(&cause);
	ck_assert_msg(key != NULL, "generate: %s", cause);
	return (key);
}

/*
 * Load a trust file holding text.  Returns what opkey_trust_load
 * returned; the trust it loads is freed, *cause is set on -1.
 */
static int
trust_refusal(const char *text, char **cause)
{
	struct opkey_trust	 trust = { NULL, 0 };
	char			*path = e2e_path("trust.txt");
	int			 rc;

	spew(path, text, 0644);
	*cause = NULL;
	rc = opkey_trust_load(path, &trust, cause);
	if (rc != 0) {
		/* Refused whole: nothing half-loaded comes back. */
		ck_assert_ptr_null(trust.v);
		ck_assert_int_eq(trust.n, 0);
	}
	opkey_trust_free(&trust);
	free(path);
	return (rc);
}

START_TEST(generated_key_round_trips_through_a_0600_file)
{
	struct opkey	*key, *loaded;
	struct stat	 st;
	char		*cause = NULL, *path, *pem, sig[OPKEY_SIG_B64_MAX];

	e2e_setup();
	key = make_key();
	path = e2e_path("alice.key");
	ck_assert_msg(opkey_save(key, path, NULL, &cause) == 0, "save: %s",
	    cause);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	pem = slurp(path);
	ck_assert_ptr_nonnull(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
	free(pem);

	loaded = opkey_load(path, NULL, &cause);
	ck_assert_msg(loaded != NULL, "load: %s", cause);
	ck_assert_int_eq(opkey_same(key, loaded), 1);
	/* The loaded key signs what the original verifies. */
	ck_assert_int_eq(opkey_sign(loaded, MESSAGE, strlen(MESSAGE), sig,
	    sizeof sig, &cause), 0);
	ck_assert_int_eq(opkey_verify(key, MESSAGE, strlen(MESSAGE), sig,
	    &cause), 1);
	opkey_free(loaded);
	opkey_free(key);
	free(path);
}
END_TEST

START_TEST(saving_over_an_existing_file_is_refused)
{
	struct opkey	*key;
	char		*cause = NULL, *path, *text, *want;

	e2e_setup();
	key = make_key();
	path = e2e_path("alice.key");
	spew(path, "alice's real key\n", 0600);
	ck_assert_int_eq(opkey_save(key, path, NULL, &cause), -1);
	ck_assert_int_ne(asprintf(&want, "%s already exists; choose another "
	    "--out or remove it first", path), -1);
	ck_assert_str_eq(cause, want);
	text = slurp(path);
	ck_assert_str_eq(text, "alice's real key\n");
	free(text);
	free(want);
	free(cause);
	opkey_free(key);
	free(path);
}
END_TEST

START_TEST(passphrase_protected_key_needs_the_right_passphrase)
{
	struct opkey	*key, *loaded;
	struct stat	 st;
	char		*cause = NULL, *path, *pem;

	e2e_setup();
	key = make_key();
	path = e2e_path("carol.key");
	ck_assert_int_eq(opkey_save(key, path, "correct horse", &cause), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	pem = slurp(path);
	ck_assert_ptr_nonnull(strstr(pem,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	free(pem);

	ck_assert_ptr_null(opkey_load(path, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "is encrypted and no passphrase "
	    "was given"));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(opkey_load(path, "", &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no passphrase was given"));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(opkey_load(path, "battery staple", &cause));
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_nonnull(strstr(cause, "the passphrase is wrong"));
	free(cause);
	cause = NULL;

	loaded = opkey_load(path, "correct horse", &cause);
	ck_assert_msg(loaded != NULL, "load: %s", cause);
	ck_assert_int_eq(opkey_same(key, loaded), 1);
	opkey_free(loaded);
	opkey_free(key);
	free(path);
}
END_TEST

START_TEST(openssl_genpkey_key_loads_and_signs)
{
	struct opkey	*key, *pub;
	char		*cause = NULL, *path, *log, *b64path, *b64, *args;
	char		 mine[OPKEY_PUB_B64_MAX], sig[OPKEY_SIG_B64_MAX];

	e2e_setup();
	path = e2e_path("bob.pem");
	log = e2e_path("openssl.log");
	b64path = e2e_path("bob.pub");
	ck_assert_int_ne(asprintf(&args, "genpkey -algorithm ed25519 -out "
	    "'%s'", path), -1);
	run_openssl(args, log);
	free(args);
	/* The last 32 bytes of the DER SubjectPublicKeyInfo are the key. */
	ck_assert_int_ne(asprintf(&args, "pkey -in '%s' -pubout -outform DER "
	    "| tail -c 32 | openssl base64 -A", path), -1);
	run_openssl(args, b64path);
	free(args);
	b64 = slurp(b64path);

	key = opkey_load(path, NULL, &cause);
	ck_assert_msg(key != NULL, "load: %s", cause);
	opkey_public(key, mine, sizeof mine);
	ck_assert_str_eq(mine, b64);
	ck_assert_int_eq(opkey_sign(key, MESSAGE, strlen(MESSAGE), sig,
	    sizeof sig, &cause), 0);
	pub = opkey_from_public(b64, &cause);
	ck_assert_msg(pub != NULL, "from_public: %s", cause);
	ck_assert_int_eq(opkey_verify(pub, MESSAGE, strlen(MESSAGE), sig,
	    &cause), 1);
	opkey_free(pub);
	opkey_free(key);
	free(b64);
	free(b64path);
	free(log);
	free(path);
}
END_TEST

START_TEST(rsa_and_ec_keys_are_refused_in_words)
{
	static const struct {
		const char	*args;
		const char	*says;
	} kinds[] = {
		{ "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024",
		  "holds an RSA key, not Ed25519" },
		{ "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
		  "holds an EC key, not Ed25519" },
	};
	char	*cause, *path, *log, *args;
	size_t	 i;

	e2e_setup();
	path = e2e_path("wrong.pem");
	log = e2e_path("openssl.log");
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		unlink(path);
		ck_assert_int_ne(asprintf(&args, "%s -out '%s'",
		    kinds[i].args, path), -1);
		run_openssl(args, log);
		free(args);
		ck_assert_int_eq(chmod(path, 0600), 0);
		cause = NULL;
		ck_assert_ptr_null(opkey_load(path, NULL, &cause));
		ck_assert_msg(strstr(cause, kinds[i].says) != NULL &&
		    strstr(cause, "openssl genpkey -algorithm ed25519") !=
		    NULL, "%s: %s", kinds[i].args, cause);
		free(cause);
	}
	free(log);
	free(path);
}
END_TEST

START_TEST(key_file_others_can_read_is_refused)
{
	struct opkey	*key;
	char		*cause = NULL, *path, *want;

	e2e_setup();
	key = make_key();
	path = e2e_path("alice.key");
	ck_assert_int_eq(opkey_save(key, path, NULL, &cause), 0);

	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_ptr_null(opkey_load(path, NULL, &cause));
	ck_assert_int_ne(asprintf(&want, "key file %s is readable by others "
	    "(mode 0644); run chmod 600 %s", path, path), -1);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	cause = NULL;

	/* Group-readable is readable by others too. */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_ptr_null(opkey_load(path, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "(mode 0640); run chmod 600"));
	free(cause);
	opkey_free(key);
	free(path);
}
END_TEST

START_TEST(one_changed_byte_breaks_a_signature)
{
	struct opkey	*alice, *mallory;
	char		*cause = NULL, msg[] = MESSAGE;
	char		 sig[OPKEY_SIG_B64_MAX], bad[OPKEY_SIG_B64_MAX];
	size_t		 len = strlen(msg);

	alice = make_key();
	mallory = make_key();
	ck_assert_int_eq(opkey_sign(alice, msg, len, sig, sizeof sig, &cause),
	    0);
	ck_assert_int_eq(strlen(sig), 88);
	ck_assert_int_eq(opkey_verify(alice, msg, len, sig, &cause), 1);

	/* One byte of the message. */
	msg[10] ^= 0x01;
	ck_assert_int_eq(opkey_verify(alice, msg, len, sig, &cause), 0);
	msg[10] ^= 0x01;

	/* One byte of the signature (a different, well-formed base64). */
	memcpy(bad, sig, sizeof bad);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(opkey_verify(alice, msg, len, bad, &cause), 0);

	/* Another key. */
	ck_assert_int_eq(opkey_verify(mallory, msg, len, sig, &cause), 0);

	/* The empty message signs and verifies too. */
	ck_assert_int_eq(opkey_sign(alice, "", 0, sig, sizeof sig, &cause),
	    0);
	ck_assert_int_eq(opkey_verify(alice, "", 0, sig, &cause), 1);
	ck_assert_ptr_null(cause);
	opkey_free(mallory);
	opkey_free(alice);
}
END_TEST

START_TEST(malformed_signature_is_invalid_not_an_error)
{
	struct opkey	*alice;
	char		*cause = NULL, sig[OPKEY_SIG_B64_MAX];
	char		 bad[OPKEY_SIG_B64_MAX + 8];
	size_t		 len = strlen(MESSAGE);
	int		 v;

	alice = make_key();
	ck_assert_int_eq(opkey_sign(alice, MESSAGE, len, sig, sizeof sig,
	    &cause), 0);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, "", &cause), 0);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, "not base64!",
	    &cause), 0);
	/* Cut short, one character too many, a space, no padding. */
	snprintf(bad, sizeof bad, "%.87s", sig);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, bad, &cause), 0);
	snprintf(bad, sizeof bad, "%sA", sig);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, bad, &cause), 0);
	snprintf(bad, sizeof bad, "%s ", sig);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, bad, &cause), 0);
	snprintf(bad, sizeof bad, "%.86s", sig);
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, bad, &cause), 0);
	/* A character outside the alphabet in the middle. */
	snprintf(bad, sizeof bad, "%s", sig);
	bad[20] = '*';
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len, bad, &cause), 0);
	/* The base64 of 63 or 65 bytes: wrong length once decoded. */
	ck_assert_int_eq(opkey_verify(alice, MESSAGE, len,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAA", &cause), 0);
	/*
	 * A second spelling of the same 64 bytes: the last character before
	 * "==" carries 4 unused bits, and setting one is not canonical.
	 */
	snprintf(bad, sizeof bad, "%s", sig);
	ck_assert_int_eq(bad[86], '=');
	ck_assert_int_eq(bad[87], '=');
	bad[85] = (char)(bad[85] + 1);	/* A->B, Q->R, g->h, w->x */
	v = opkey_verify(alice, MESSAGE, len, bad, &cause);
	ck_assert_int_eq(v, 0);
	/* None of these is a failure to check: no cause was set. */
	ck_assert_ptr_null(cause);
	opkey_free(alice);
}
END_TEST

START_TEST(public_key_round_trips_through_base64)
{
	struct opkey	*alice, *bob, *pub;
	char		*cause = NULL, b64[OPKEY_PUB_B64_MAX];
	char		 sig[OPKEY_SIG_B64_MAX], bad[OPKEY_PUB_B64_MAX];

	alice = make_key();
	bob = make_key();
	opkey_public(alice, b64, sizeof b64);
	ck_assert_int_eq(strlen(b64), 44);
	ck_assert_int_eq(b64[43], '=');
	pub = opkey_from_public(b64, &cause);
	ck_assert_msg(pub != NULL, "from_public: %s", cause);
	ck_assert_int_eq(opkey_same(pub, alice), 1);
	ck_assert_int_eq(opkey_same(pub, bob), 0);

	/* A public key verifies but cannot sign. */
	ck_assert_int_eq(opkey_sign(alice, MESSAGE, strlen(MESSAGE), sig,
	    sizeof sig, &cause), 0);
	ck_assert_int_eq(opkey_verify(pub, MESSAGE, strlen(MESSAGE), sig,
	    &cause), 1);
	ck_assert_int_eq(opkey_sign(pub, MESSAGE, strlen(MESSAGE), sig,
	    sizeof sig, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "only a public half"));
	free(cause);
	cause = NULL;
	opkey_free(pub);

	/* Not base64 of 32 bytes: refused in words. */
	ck_assert_ptr_null(opkey_from_public("abc", &cause));
	ck_assert_ptr_nonnull(strstr(cause, "is not the base64 of 32 bytes"));
	free(cause);
	cause = NULL;
	snprintf(bad, sizeof bad, "%.43s", b64);
	ck_assert_ptr_null(opkey_from_public(bad, &cause));
	free(cause);
	cause = NULL;
	/* A second spelling of the same 32 bytes (unused bits set). */
	snprintf(bad, sizeof bad, "%s", b64);
	bad[42] = (char)(bad[42] + 1);
	ck_assert_ptr_null(opkey_from_public(bad, &cause));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(opkey_from_public(NULL, &cause));
	free(cause);
	opkey_free(bob);
	opkey_free(alice);
}
END_TEST

START_TEST(good_trust_file_loads_every_operator)
{
	struct opkey_trust		 trust = { NULL, 0 };
	const struct opkey_trusted	*t;
	struct opkey			*alice, *bob, *carol;
	char				*cause = NULL, *path, *text, *la, *lb,
					*lc;
	char				 sig[OPKEY_SIG_B64_MAX];

	e2e_setup();
	alice = make_key();
	bob = make_key();
	carol = make_key();
	la = opkey_trust_line(alice, "alice");
	lb = opkey_trust_line(bob, "bob.smith");
	lc = opkey_trust_line(carol, "night-desk_2");
	ck_assert_int_ne(asprintf(&text,
	    "# operators router/r8 accepts\n"
	    "\n"
	    "%s\n"
	    "   \t\n"
	    "  %s   # on call this week\n"
	    "%s\r\n"
	    "#", la, lb, lc), -1);
	path = e2e_path("trust.txt");
	spew(path, text, 0644);
	ck_assert_msg(opkey_trust_load(path, &trust, &cause) == 0, "load: %s",
	    cause);
	ck_assert_int_eq(trust.n, 3);
	ck_assert_str_eq(trust.v[0].name, "alice");
	ck_assert_str_eq(trust.v[2].name, "night-desk_2");

	t = opkey_trust_find(&trust, "bob.smith");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(opkey_same(t->key, bob), 1);
	ck_assert_str_eq(lb + strlen("bob.smith ed25519 "), t->pub);
	ck_assert_ptr_null(opkey_trust_find(&trust, "mallory"));
	ck_assert_ptr_null(opkey_trust_find(&trust, "bob"));

	/* The trusted key verifies what bob signs. */
	ck_assert_int_eq(opkey_sign(bob, MESSAGE, strlen(MESSAGE), sig,
	    sizeof sig, &cause), 0);
	ck_assert_int_eq(opkey_verify(t->key, MESSAGE, strlen(MESSAGE), sig,
	    &cause), 1);

	opkey_trust_free(&trust);
	ck_assert_int_eq(trust.n, 0);
	free(text);
	free(path);
	free(la);
	free(lb);
	free(lc);
	opkey_free(carol);
	opkey_free(bob);
	opkey_free(alice);
}
END_TEST

START_TEST(each_bad_trust_line_is_refused_with_its_number)
{
	static const struct {
		const char	*line;
		const char	*says;
	} bad[] = {
		{ "bob ed25519", "expected \"NAME ed25519 PUBLIC-KEY\" but "
		  "found 2 fields" },
		{ "bob", "found 1 field;" },
		{ "bob ed25519 %s extra", "found at least 4 fields" },
		{ "bob@desk ed25519 %s", "operator name \"bob@desk\" is not "
		  "valid; use 1 to 63 letters, digits" },
		{ "b\xc3\xb6" "b ed25519 %s", "is not valid" },
		{ "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		  "bbbb ed25519 %s", "is not valid" },
		{ "bob rsa %s", "key type \"rsa\" of operator \"bob\" is not "
		  "supported" },
		{ "bob ed25519 not-base64!", "the public key of operator "
		  "\"bob\" is not the base64 of an Ed25519 key (32 bytes)" },
		/* 31 bytes, then 33 bytes: well-formed, wrong length. */
		{ "bob ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
		  "is not the base64 of an Ed25519 key" },
		{ "bob ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  "is not the base64 of an Ed25519 key" },
	};
	struct opkey_trust	 trust = { NULL, 0 };
	struct opkey		*alice, *bob;
	char			*la, *lb, *line, *text, *cause, *path, *prefix;
	char			*missing, pub[OPKEY_PUB_B64_MAX];
	size_t		 i;

	e2e_setup();
	alice = make_key();
	bob = make_key();
	la = opkey_trust_line(alice, "alice");
	lb = opkey_trust_line(bob, "bob");
	opkey_public(bob, pub, sizeof pub);
	path = e2e_path("trust.txt");
	ck_assert_int_ne(asprintf(&prefix, "%s line 4: ", path), -1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* The bad line is line 4, after a comment and a good line. */
		ck_assert_int_ne(asprintf(&line, bad[i].line, pub), -1);
		ck_assert_int_ne(asprintf(&text, "# r8\n%s\n\n%s\n", la, line),
		    -1);
		ck_assert_msg(trust_refusal(text, &cause) == -1,
		    "line \"%s\" was accepted", line);
		ck_assert_msg(strncmp(cause, prefix, strlen(prefix)) == 0 &&
		    strstr(cause, bad[i].says) != NULL,
		    "line \"%s\": %s", line, cause);
		free(cause);
		free(text);
		free(line);
	}
	/* The good line alone loads: the refusals were the bad lines. */
	ck_assert_int_ne(asprintf(&text, "%s\n%s\n", la, lb), -1);
	ck_assert_int_eq(trust_refusal(text, &cause), 0);
	free(text);

	/* A file that is not there is named, and nothing is loaded. */
	cause = NULL;
	missing = e2e_path("nope.txt");
	ck_assert_int_eq(opkey_trust_load(missing, &trust, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, missing));
	ck_assert_ptr_nonnull(strstr(cause, "No such file"));
	ck_assert_int_eq(trust.n, 0);
	free(missing);
	free(cause);

	/* One others may write is refused: they could add themselves. */
	ck_assert_int_ne(asprintf(&text, "%s\n", la), -1);
	spew(path, text, 0644);
	free(text);
	ck_assert_int_eq(chmod(path, 0666), 0);
	cause = NULL;
	ck_assert_int_eq(opkey_trust_load(path, &trust, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "may be changed by other users"));
	ck_assert_int_eq(trust.n, 0);
	free(cause);
	free(prefix);
	free(path);
	free(la);
	free(lb);
	opkey_free(bob);
	opkey_free(alice);
}
END_TEST

START_TEST(operator_listed_twice_is_refused)
{
	struct opkey	*a1, *a2;
	char		*l1, *l2, *text, *cause, *want, *path;

	e2e_setup();
	a1 = make_key();
	a2 = make_key();
	l1 = opkey_trust_line(a1, "bob");
	l2 = opkey_trust_line(a2, "bob");
	ck_assert_int_ne(asprintf(&text, "%s\n# new laptop\n\n%s\n", l1, l2),
	    -1);
	ck_assert_int_eq(trust_refusal(text, &cause), -1);
	path = e2e_path("trust.txt");
	ck_assert_int_ne(asprintf(&want, "%s line 4: operator \"bob\" is "
	    "listed twice; keep one line per operator", path), -1);
	ck_assert_str_eq(cause, want);
	free(want);
	free(path);
	free(cause);
	free(text);
	free(l1);
	free(l2);
	opkey_free(a2);
	opkey_free(a1);
}
END_TEST

START_TEST(one_key_under_two_names_loads_as_two_operators)
{
	struct opkey_trust	 trust = { NULL, 0 };
	struct opkey		*key;
	char			*l1, *l2, *text, *cause = NULL, *path;

	e2e_setup();
	key = make_key();
	l1 = opkey_trust_line(key, "alice");
	l2 = opkey_trust_line(key, "alice2");
	ck_assert_int_ne(asprintf(&text, "%s\n%s\n", l1, l2), -1);
	path = e2e_path("trust.txt");
	spew(path, text, 0644);
	ck_assert_msg(opkey_trust_load(path, &trust, &cause) == 0, "%s",
	    cause);
	ck_assert_int_eq(trust.n, 2);
	/* The backends see they are one key and refuse it signing twice. */
	ck_assert_int_eq(opkey_same(trust.v[0].key, trust.v[1].key), 1);
	ck_assert_str_eq(trust.v[0].pub, trust.v[1].pub);
	opkey_trust_free(&trust);
	free(path);
	free(text);
	free(l1);
	free(l2);
	opkey_free(key);
}
END_TEST

START_TEST(sha256_matches_the_known_vectors)
{
	char	hex[65];

	/* FIPS 180-2, appendix B.1, and the empty string. */
	opkey_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	opkey_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(random_ids_are_32_hex_digits_and_differ)
{
	char	a[33], b[33], small[32], *cause = NULL;
	size_t	i;

	ck_assert_int_eq(opkey_random_id(a, sizeof a, &cause), 0);
	ck_assert_int_eq(opkey_random_id(b, sizeof b, &cause), 0);
	ck_assert_int_eq(strlen(a), 32);
	ck_assert_int_eq(strlen(b), 32);
	for (i = 0; i < 32; i++)
		ck_assert_ptr_nonnull(strchr("0123456789abcdef", a[i]));
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(opkey_random_id(small, sizeof small, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

START_TEST(vigil_key_gen_then_pub_prints_the_trust_line)
{
	struct e2e_result	 r;
	struct opkey		*key;
	struct stat		 st;
	char			*bin, *path, *cause = NULL, *line, *want;
	const char		*last;
	char			*gen[] = { NULL, "gen", "--name", "dana",
				    "--out", NULL, NULL };
	char			*pub[] = { NULL, "pub", NULL, NULL };

	e2e_setup();
	bin = e2e_bin("vigil-key");
	path = e2e_path("dana.key");
	gen[0] = pub[0] = bin;
	gen[5] = pub[2] = path;
	e2e_run(gen, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "gen: status %d: %s", r.status, r.err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_ptr_nonnull(strstr(r.out, path));

	/* gen's last line is the trust line for the key it wrote. */
	key = opkey_load(path, NULL, &cause);
	ck_assert_msg(key != NULL, "%s", cause);
	line = opkey_trust_line(key, "dana");
	ck_assert_int_ne(asprintf(&want, "%s\n", line), -1);
	ck_assert_uint_gt(strlen(r.out), strlen(want));
	last = r.out + strlen(r.out) - strlen(want);
	ck_assert_str_eq(last, want);
	e2e_result_free(&r);

	/* pub prints exactly that line and nothing else. */
	e2e_run(pub, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "pub: status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, want);
	ck_assert_str_eq(r.err, "");
	e2e_result_free(&r);

	/* gen again to the same file: refused, the key kept. */
	e2e_run(gen, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "vigil-key: "));
	ck_assert_ptr_nonnull(strstr(r.err, "already exists; choose another "
	    "--out or remove it first"));
	e2e_result_free(&r);
	e2e_run(pub, NULL, RUN_MS, &r);
	ck_assert_str_eq(r.out, want);
	e2e_result_free(&r);

	free(want);
	free(line);
	opkey_free(key);
	free(path);
	free(bin);
}
END_TEST

START_TEST(vigil_key_default_file_and_passphrase)
{
	struct e2e_result	 r;
	struct stat		 st;
	char			*bin, *pf, *line, *want;
	char			*gen[] = { NULL, "gen", "--name", "erin",
				    "--passphrase-file", NULL, NULL };
	char			*pub[] = { NULL, "pub", "erin.key", NULL,
				    NULL, NULL };
	char			*right[] = { "VIGIL_KEY_PASSPHRASE=open sesame",
				    NULL };
	char			*wrong[] = { "VIGIL_KEY_PASSPHRASE=sesame",
				    NULL };

	e2e_setup();
	unsetenv("VIGIL_KEY_PASSPHRASE");	/* the runner's own */
	ck_assert_int_eq(chdir(e2e_dir()), 0);
	bin = e2e_bin("vigil-key");
	pf = e2e_path("pass.txt");
	spew(pf, "open sesame\n", 0600);
	gen[0] = pub[0] = bin;
	gen[5] = pf;
	e2e_run(gen, NULL, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "gen: status %d: %s", r.status, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "erin.key"));
	ck_assert_ptr_nonnull(strstr(r.out, "encrypted with the passphrase"));
	line = strrchr(r.out, '\n');
	ck_assert_ptr_nonnull(line);
	*line = '\0';
	line = strrchr(r.out, '\n') + 1;
	ck_assert_int_eq(stat("erin.key", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);

	ck_assert_int_ne(asprintf(&want, "%s\n", line), -1);
	e2e_result_free(&r);

	/* No passphrase, then a wrong one: both said in words. */
	e2e_run(pub, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "vigil-key: key file erin.key is "
	    "encrypted and no passphrase was given"));
	e2e_result_free(&r);
	e2e_run(pub, wrong, RUN_MS, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "the passphrase is wrong"));
	e2e_result_free(&r);

	/* The right one, from the environment or from the file. */
	e2e_run(pub, right, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "pub: %s", r.err);
	ck_assert_str_eq(r.out, want);
	e2e_result_free(&r);
	pub[3] = "--passphrase-file";
	pub[4] = pf;
	e2e_run(pub, wrong, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "pub: %s", r.err);
	ck_assert_str_eq(r.out, want);
	e2e_result_free(&r);

	/* The name comes from the file name; --name overrides it. */
	pub[3] = "--name";
	pub[4] = "erin.ops";
	e2e_run(pub, right, RUN_MS, &r);
	ck_assert_msg(r.status == 0, "pub: %s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "erin.ops ed25519 "));
	e2e_result_free(&r);

	free(want);
	free(pf);
	free(bin);
}
END_TEST

START_TEST(vigil_key_help_and_usage_errors)
{
	static const char *usage[][4] = {
		{ NULL },			/* no command */
		{ "frobnicate" },
		{ "gen" },			/* no --name */
		{ "gen", "--name", "bad name" },
		{ "gen", "--name", "x", "extra" },
		{ "pub" },			/* no file */
		{ "--no-such-option" },
		{ "gen", "--name" },		/* no value */
	};
	struct e2e_result	 r;
	char			*bin, *argv[6];
	size_t			 i, j;

	e2e_setup();
	ck_assert_int_eq(chdir(e2e_dir()), 0);
	bin = e2e_bin("vigil-key");
	argv[0] = bin;
	argv[1] = "--help";
	argv[2] = NULL;
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: vigil-key gen --name "));
	e2e_result_free(&r);
	argv[1] = "help";
	e2e_run(argv, NULL, RUN_MS, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: vigil-key"));
	e2e_result_free(&r);

	for (i = 0; i < sizeof usage / sizeof usage[0]; i++) {
		for (j = 0; j < 4 && usage[i][j] != NULL; j++)
			argv[j + 1] = (char *)usage[i][j];
		argv[j + 1] = NULL;
		e2e_run(argv, NULL, RUN_MS, &r);
		ck_assert_msg(r.status == 2, "%s %s: status %d, not 2",
		    argv[1] != NULL ? argv[1] : "",
		    argv[1] != NULL && argv[2] != NULL ? argv[2] : "",
		    r.status);
		ck_assert_msg(strncmp(r.err, "vigil-key: ", 11) == 0,
		    "stderr: %s", r.err);
		e2e_result_free(&r);
	}
	/* Nothing was written by the refused gen commands. */
	ck_assert_int_eq(access("x.key", F_OK), -1);
	free(bin);
}
END_TEST

Suite *
opkey_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("opkey");
	tc = tcase_create("keys");
	tcase_add_test(tc, generated_key_round_trips_through_a_0600_file);
	tcase_add_test(tc, saving_over_an_existing_file_is_refused);
	tcase_add_test(tc, passphrase_protected_key_needs_the_right_passphrase);
	tcase_add_test(tc, openssl_genpkey_key_loads_and_signs);
	tcase_add_test(tc, rsa_and_ec_keys_are_refused_in_words);
	tcase_add_test(tc, key_file_others_can_read_is_refused);
	tcase_add_test(tc, one_changed_byte_breaks_a_signature);
	tcase_add_test(tc, malformed_signature_is_invalid_not_an_error);
	tcase_add_test(tc, public_key_round_trips_through_base64);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("trust");
	tcase_add_test(tc, good_trust_file_loads_every_operator);
	tcase_add_test(tc, each_bad_trust_line_is_refused_with_its_number);
	tcase_add_test(tc, operator_listed_twice_is_refused);
	tcase_add_test(tc, one_key_under_two_names_loads_as_two_operators);
	suite_add_tcase(s, tc);

	tc = tcase_create("digests");
	tcase_add_test(tc, sha256_matches_the_known_vectors);
	tcase_add_test(tc, random_ids_are_32_hex_digits_and_differ);
	suite_add_tcase(s, tc);

	tc = tcase_create("program");
	tcase_add_test(tc, vigil_key_gen_then_pub_prints_the_trust_line);
	tcase_add_test(tc, vigil_key_default_file_and_passphrase);
	tcase_add_test(tc, vigil_key_help_and_usage_errors);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return (s);
}
