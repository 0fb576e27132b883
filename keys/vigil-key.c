/*
 * vigil-key.c: the vigil-key program.  It makes an operator's Ed25519 key
 * and prints the line a backend's trust file takes for a key, so that
 * adding an operator to a fleet is one command and one copied line.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opkey.h"
#include "tls.h"
#include "util.h"

#define VIGIL_KEY_EXIT_OK	0
#define VIGIL_KEY_EXIT_FAILED	1
#define VIGIL_KEY_EXIT_USAGE	2

#define VIGIL_KEY_PASS_ENV	"VIGIL_KEY_PASSPHRASE"
#define VIGIL_KEY_PASS_MAX	1024	/* OpenSSL's PEM_BUFSIZE */
#define VIGIL_KEY_NAMES_MAX	64	/* --host, --node each */
#define VIGIL_KEY_CA_DAYS	3650	/* ca: default lifetime */
#define VIGIL_KEY_CERT_DAYS	397	/* cert: default lifetime */

/* What the command line asked for. */
struct vigil_key_args {
	const char	*command;
	char		**operands;
	int		 noperands;
	const char	*name;
	const char	*out;
	const char	*pass_file;
	const char	*pass_env;
	const char	*ca;				/* cert: CA dir */
	const char	*hosts[VIGIL_KEY_NAMES_MAX];	/* cert: --host */
	int		 nhosts;
	const char	*nodes[VIGIL_KEY_NAMES_MAX];	/* cert: --node */
	int		 nnodes;
	int		 days;				/* 0: default */
	int		 help;
};

/* One command: its name, what --help shows for it, and its body. */
struct vigil_key_command {
	const char	*name;
	const char	*operands;
	const char	*summary;
	int		 (*run)(const struct vigil_key_args *);
};

static int	 vigil_key_gen(const struct vigil_key_args *);
static int	 vigil_key_pub(const struct vigil_key_args *);
static int	 vigil_key_help(const struct vigil_key_args *);
static int	 vigil_key_ca(const struct vigil_key_args *);
static int	 vigil_key_cert(const struct vigil_key_args *);
static int	 vigil_key_write_new(const char *, const char *, int);
static int	 vigil_key_add_name(const char **, int *, const char *,
		    const char *);
static void	 vigil_key_usage(FILE *);
static int	 vigil_key_parse(int, char **, struct vigil_key_args *);
static int	 vigil_key_passphrase(const struct vigil_key_args *, int,
		    char **, char **);
static char	*vigil_key_name_from_path(const char *);
static void	 vigil_key_forget(char *);

static const struct vigil_key_command vigil_key_commands[] = {
	{ "gen", "--name NAME [--out FILE]",
	  "make a new key (default file NAME.key, mode 0600)",
	  vigil_key_gen },
	{ "pub", "FILE [--name NAME]",
	  "print the trust-file line for a private key file",
	  vigil_key_pub },
	{ "ca", "--out DIR [--name NAME]",
	  "make a CA for backend certificates: DIR/ca.pem, DIR/ca.key",
	  vigil_key_ca },
	{ "cert", "--ca DIR --host HOST --node ID... --out NAME",
	  "make a backend's certificate and key: NAME.pem, NAME.key",
	  vigil_key_cert },
	{ "help", "", "print this text", vigil_key_help },
};

static const struct option vigil_key_options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "out", required_argument, NULL, 'o' },
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "passphrase-env", required_argument, NULL, 'E' },
	{ "ca", required_argument, NULL, 'C' },
	{ "host", required_argument, NULL, 'H' },
	{ "node", required_argument, NULL, 'N' },
	{ "days", required_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Run the command the arguments name; the exit status says how it went. */
int
main(int argc, char **argv)
{
	struct vigil_key_args	 args;
	size_t			 i;
	int			 rc;

	if ((rc = vigil_key_parse(argc, argv, &args)) != VIGIL_KEY_EXIT_OK)
		return (rc);
	if (args.help || args.command == NULL) {
		if (args.help) {
			vigil_key_usage(stdout);
			return (VIGIL_KEY_EXIT_OK);
		}
		fprintf(stderr, "vigil-key: no command given; use gen or pub "
		    "(see vigil-key --help)\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	for (i = 0; i < nitems(vigil_key_commands); i++) {
		if (strcmp(args.command, vigil_key_commands[i].name) == 0)
			return (vigil_key_commands[i].run(&args));
	}
	fprintf(stderr, "vigil-key: unknown command \"%s\"; use gen or pub "
	    "(see vigil-key --help)\n", args.command);
	return (VIGIL_KEY_EXIT_USAGE);
}

/*
 * Read the options and operands into args.  Returns VIGIL_KEY_EXIT_OK,
 * or VIGIL_KEY_EXIT_USAGE after saying on stderr what was wrong.
 */
static int
vigil_key_parse(int argc, char **argv, struct vigil_key_args *args)
{
	int	ch;

	memset(args, 0, sizeof *args);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hn:o:", vigil_key_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'n':
			args->name = optarg;
			break;
		case 'o':
			args->out = optarg;
			break;
		case 'P':
			args->pass_file = optarg;
			break;
		case 'E':
			args->pass_env = optarg;
			break;
		case 'C':
			args->ca = optarg;
			break;
		case 'H':
			if (vigil_key_add_name(args->hosts, &args->nhosts,
			    "--host", optarg) != 0)
				return (VIGIL_KEY_EXIT_USAGE);
			break;
		case 'N':
			if (vigil_key_add_name(args->nodes, &args->nnodes,
			    "--node", optarg) != 0)
				return (VIGIL_KEY_EXIT_USAGE);
			break;
		case 'D':
			args->days = atoi(optarg);
			if (args->days < 1 || args->days > 36500) {
				fprintf(stderr, "vigil-key: --days %s is not a "
				    "number of days from 1 to 36500\n", optarg);
				return (VIGIL_KEY_EXIT_USAGE);
			}
			break;
		case 'h':
			args->help = 1;
			break;
		case 'V':
			printf("vigil-key %s\n", VIGIL_VERSION);
			exit(VIGIL_KEY_EXIT_OK);
		case ':':
			fprintf(stderr, "vigil-key: %s needs a value (see "
			    "vigil-key --help)\n", argv[optind - 1]);
			return (VIGIL_KEY_EXIT_USAGE);
		default:
			fprintf(stderr, "vigil-key: unknown option %s (see "
			    "vigil-key --help)\n", argv[optind - 1]);
			return (VIGIL_KEY_EXIT_USAGE);
		}
	}
	if (optind < argc) {
		args->command = argv[optind];
		args->operands = argv + optind + 1;
		args->noperands = argc - optind - 1;
	}
	if (args->pass_file != NULL && args->pass_env != NULL) {
		fprintf(stderr, "vigil-key: give --passphrase-file or "
		    "--passphrase-env, not both\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	return (VIGIL_KEY_EXIT_OK);
}

/* The --help text. */
static void
vigil_key_usage(FILE *f)
{
	char	line[64];
	size_t	i;

	fprintf(f,
"usage: vigil-key gen --name NAME [--out FILE]\n"
"                 [--passphrase-file FILE | --passphrase-env VAR]\n"
"       vigil-key pub FILE [--name NAME]\n"
"                 [--passphrase-file FILE | --passphrase-env VAR]\n"
"       vigil-key ca --out DIR [--name NAME] [--days N]\n"
"       vigil-key cert --ca DIR --host HOST... --node ID... --out NAME\n"
"                 [--days N]\n"
"\n"
"Make and show the Ed25519 keys operators sign two-person commands with.\n"
"Each backend accepts the operators listed in its trust file, one line\n"
"each, as pub prints it.  Keys from openssl genpkey -algorithm ed25519\n"
"work too.\n"
"\n"
"Commands:\n");
	for (i = 0; i < nitems(vigil_key_commands); i++) {
		util_format(line, sizeof line, "%s %s",
		    vigil_key_commands[i].name, vigil_key_commands[i].operands);
		fprintf(f, "  %-29s %s\n", line, vigil_key_commands[i].summary);
	}
	fprintf(f,
"\n"
"Options:\n"
"  -n, --name NAME                the operator's name in trust files:\n"
"                                 1 to %d of A-Z a-z 0-9 . _ -\n"
"                                 (pub: default the file name without\n"
"                                 .key or .pem)\n"
"  -o, --out FILE                 gen: where to write the key; an existing\n"
"                                 file is never overwritten\n"
"      --passphrase-file FILE     the passphrase is the first line of FILE\n"
"      --passphrase-env VAR       the passphrase is in variable VAR\n"
"      --ca DIR                   cert: the directory vigil-key ca wrote\n"
"      --host HOST                cert: a name or address the console\n"
"                                 dials; repeat for more\n"
"      --node ID                  cert: a node the backend speaks for,\n"
"                                 ROLE/NAME (router/r8); repeat for more\n"
"      --days N                   lifetime (ca 3650, cert 397)\n"
"  -h, --help                     print this text\n"
"      --version                  print vigil-key's version\n"
"\n"
"Three steps make a backend reachable across machines: vigil-key ca\n"
"--out DIR once; vigil-key cert for each backend, whose vigild then\n"
"serves NAME.pem and NAME.key (see vigild(8)); and on each console,\n"
"vigil given DIR/ca.pem as its CA.\n"
"Keep DIR/ca.key off the backends.\n"
"\n"
"gen encrypts the key only when given a passphrase.  pub reads an\n"
"encrypted key's passphrase from the options above, else from\n"
"%s.\n"
"\n"
"Exit status: 0 done, 1 failed (the reason is on stderr), 2 usage.\n"
"See vigil-key(1).\n", OPKEY_NAME_MAX - 1, VIGIL_KEY_PASS_ENV);
}

/* Add a repeated option's value to names (at most VIGIL_KEY_NAMES_MAX). */
static int
vigil_key_add_name(const char **names, int *n, const char *option,
    const char *value)
{
	if (*n == VIGIL_KEY_NAMES_MAX) {
		fprintf(stderr, "vigil-key: more than %d %s options; a "
		    "certificate names at most that many\n",
		    VIGIL_KEY_NAMES_MAX, option);
		return (-1);
	}
	if (value[0] == '\0' || strpbrk(value, " \t\n,") != NULL) {
		fprintf(stderr, "vigil-key: %s \"%s\" is empty or holds a "
		    "space or comma; give one name per %s\n", option, value,
		    option);
		return (-1);
	}
	names[(*n)++] = value;
	return (0);
}

/*
 * Write text to a new file path with mode; an existing file is never
 * replaced, since it may be a key in use.  Returns 0, or -1 after
 * saying why.
 */
static int
vigil_key_write_new(const char *path, const char *text, int mode)
{
	char	*cause = NULL;

	if (access(path, F_OK) == 0) {
		fprintf(stderr, "vigil-key: %s already exists and is kept; "
		    "remove it or choose another --out\n", path);
		return (-1);
	}
	if (tls_write_file(path, text, mode, &cause) != 0) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* vigil-key ca: make a CA in --out DIR (ca.pem, ca.key). */
static int
vigil_key_ca(const struct vigil_key_args *args)
{
	struct tls_ca	*ca;
	char		*cause = NULL, *cert, *key, *cn, *kpem, *cpem;
	int		 rc = VIGIL_KEY_EXIT_FAILED;

	if (args->out == NULL || args->noperands != 0) {
		fprintf(stderr, "vigil-key: ca needs --out DIR, the directory "
		    "for ca.pem and ca.key, and no operands\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if (mkdir(args->out, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "vigil-key: cannot make directory %s: %s\n",
		    args->out, strerror(errno));
		return (VIGIL_KEY_EXIT_FAILED);
	}
	cn = xasprintf("%s", args->name != NULL ? args->name :
	    "vigil backend CA");
	ca = tls_ca_new(cn, args->days != 0 ? args->days : VIGIL_KEY_CA_DAYS,
	    &cause);
	free(cn);
	if (ca == NULL) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	cert = xasprintf("%s/ca.pem", args->out);
	key = xasprintf("%s/ca.key", args->out);
	kpem = tls_ca_key_pem(ca);
	cpem = tls_ca_pem(ca);
	if (access(cert, F_OK) == 0 || access(key, F_OK) == 0)
		fprintf(stderr, "vigil-key: %s already holds a CA and it is "
		    "kept; choose another --out\n", args->out);
	else if (vigil_key_write_new(key, kpem, 0600) == 0 &&
	    vigil_key_write_new(cert, cpem, 0644) == 0) {
		printf("wrote CA certificate %s and its key %s (mode 0600)\n"
		    "next: vigil-key cert --ca %s --host HOST --node ROLE/NAME "
		    "--out NAME for each backend; give consoles --ca %s\n",
		    cert, key, args->out, cert);
		rc = VIGIL_KEY_EXIT_OK;
	}
	free(cert);
	free(key);
	explicit_bzero(kpem, strlen(kpem));
	free(kpem);
	free(cpem);
	tls_ca_free(ca);
	return (rc);
}

/* vigil-key cert: a backend's certificate and key, signed by --ca DIR. */
static int
vigil_key_cert(const struct vigil_key_args *args)
{
	struct tls_ca	*ca;
	struct tls_key	*key;
	char		*cause = NULL, *cap, *kp, *pem = NULL, *certp, *keyp;
	char		*kpem;
	int		 rc = VIGIL_KEY_EXIT_FAILED, days;

	if (args->ca == NULL || args->out == NULL || args->nhosts == 0 ||
	    args->nnodes == 0 || args->noperands != 0) {
		fprintf(stderr, "vigil-key: cert needs --ca DIR, at least one "
		    "--host and one --node, and --out NAME, for example: "
		    "vigil-key cert --ca ca --host r8.example --node router/r8 "
		    "--out r8\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	cap = xasprintf("%s/ca.pem", args->ca);
	kp = xasprintf("%s/ca.key", args->ca);
	ca = tls_ca_load(cap, kp, &cause);
	free(cap);
	free(kp);
	if (ca == NULL || (key = tls_key_new(&cause)) == NULL) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		tls_ca_free(ca);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	days = args->days != 0 ? args->days : VIGIL_KEY_CERT_DAYS;
	kpem = tls_key_pem(key);
	certp = xasprintf("%s.pem", args->out);
	keyp = xasprintf("%s.key", args->out);
	if ((pem = tls_ca_issue(ca, key, args->hosts[0], args->hosts,
	    (size_t)args->nhosts, args->nodes, (size_t)args->nnodes, -300,
	    (int64_t)days * 86400, &cause)) == NULL) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
	} else if (vigil_key_write_new(keyp, kpem, 0600) == 0 &&
	    vigil_key_write_new(certp, pem, 0644) == 0) {
		printf("wrote certificate %s (hosts %d, nodes %d, %d days) and "
		    "key %s (mode 0600)\nnext: vigild ... --cert %s --key %s\n",
		    certp, args->nhosts, args->nnodes, days, keyp, certp, keyp);
		rc = VIGIL_KEY_EXIT_OK;
	}
	free(pem);
	free(certp);
	free(keyp);
	explicit_bzero(kpem, strlen(kpem));
	free(kpem);
	tls_key_free(key);
	tls_ca_free(ca);
	return (rc);
}

/* vigil-key help: print the --help text. */
static int
vigil_key_help(const struct vigil_key_args *args)
{
	(void)args;
	vigil_key_usage(stdout);
	return (VIGIL_KEY_EXIT_OK);
}

/*
 * Find the passphrase the options name, or with fallback the one in
 * VIGIL_KEY_PASSPHRASE; *pass is NULL when there is none.  Returns
 * VIGIL_KEY_EXIT_OK, or an exit status and a sentence in *cause.
 */
static int
vigil_key_passphrase(const struct vigil_key_args *args, int fallback,
    char **pass, char **cause)
{
	const char	*value;
	char		 buf[VIGIL_KEY_PASS_MAX + 2];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	*pass = NULL;
	if (args->pass_env != NULL) {
		if ((value = getenv(args->pass_env)) == NULL ||
		    *value == '\0') {
			*cause = xasprintf("environment variable %s %s; set it "
			    "to the passphrase or leave out --passphrase-env",
			    args->pass_env, value == NULL ? "is not set" :
			    "is empty");
			return (VIGIL_KEY_EXIT_FAILED);
		}
		*pass = xstrdup(value);
		return (VIGIL_KEY_EXIT_OK);
	}
	if (args->pass_file == NULL) {
		if (fallback && (value = getenv(VIGIL_KEY_PASS_ENV)) != NULL &&
		    *value != '\0')
			*pass = xstrdup(value);
		return (VIGIL_KEY_EXIT_OK);
	}
	if ((fd = open(args->pass_file, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot open passphrase file %s: %s; check "
		    "the path", args->pass_file, strerror(errno));
		return (VIGIL_KEY_EXIT_FAILED);
	}
	while (len < sizeof buf - 1) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("cannot read passphrase file %s: %s",
			    args->pass_file, strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof buf);
			return (VIGIL_KEY_EXIT_FAILED);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	/* The first line is the passphrase, without its line ending. */
	buf[strcspn(buf, "\r\n")] = '\0';
	if (*buf == '\0' || strlen(buf) > VIGIL_KEY_PASS_MAX) {
		*cause = xasprintf("passphrase file %s %s; write the "
		    "passphrase (at most %d bytes) on its first line",
		    args->pass_file, *buf == '\0' ? "has an empty first line" :
		    "holds too long a passphrase", VIGIL_KEY_PASS_MAX);
		explicit_bzero(buf, sizeof buf);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	*pass = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return (VIGIL_KEY_EXIT_OK);
}

/* Wipe and free a passphrase; NULL is allowed. */
static void
vigil_key_forget(char *pass)
{
	if (pass == NULL)
		return;
	explicit_bzero(pass, strlen(pass));
	free(pass);
}

/*
 * The operator name a key file's name implies: its last component
 * without ".key" or ".pem".  Allocated.
 */
static char *
vigil_key_name_from_path(const char *path)
{
	const char	*base, *slash;
	char		*name;
	size_t		 len;

	base = (slash = strrchr(path, '/')) != NULL ? slash + 1 : path;
	name = xstrdup(base);
	len = strlen(name);
	if (len > 4 && (strcmp(name + len - 4, ".key") == 0 ||
	    strcmp(name + len - 4, ".pem") == 0))
		name[len - 4] = '\0';
	return (name);
}

/*
 * vigil-key gen: make a key, write it where asked (never over a file),
 * and print where it went and the trust line for it.
 */
static int
vigil_key_gen(const struct vigil_key_args *args)
{
	struct opkey	*key;
	char		*cause = NULL, *pass = NULL, *out, *line;
	int		 rc;

	if (args->noperands != 0) {
		fprintf(stderr, "vigil-key: gen takes no operands, but was "
		    "given \"%s\"; the file goes after --out (see vigil-key "
		    "--help)\n", args->operands[0]);
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if (args->name == NULL) {
		fprintf(stderr, "vigil-key: gen needs --name NAME, the "
		    "operator's name in the backends' trust files\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if (opkey_check_name(args->name, &cause) != 0) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if ((rc = vigil_key_passphrase(args, 0, &pass, &cause)) !=
	    VIGIL_KEY_EXIT_OK) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		return (rc);
	}
	if ((key = opkey_generate(&cause)) == NULL) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		vigil_key_forget(pass);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	out = args->out != NULL ? xstrdup(args->out) :
	    xasprintf("%s.key", args->name);
	if (opkey_save(key, out, pass, &cause) != 0) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		free(out);
		opkey_free(key);
		vigil_key_forget(pass);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	line = opkey_trust_line(key, args->name);
	printf("wrote the private key of operator %s to %s (mode 0600, %s)\n"
	    "add this line to the trust file of every backend that should "
	    "accept %s:\n%s\n", args->name, out, pass != NULL ?
	    "encrypted with the passphrase" : "not encrypted", args->name,
	    line);
	free(line);
	free(out);
	opkey_free(key);
	vigil_key_forget(pass);
	return (fflush(stdout) == 0 ? VIGIL_KEY_EXIT_OK :
	    VIGIL_KEY_EXIT_FAILED);
}

/* vigil-key pub: print the trust line for a private key file. */
static int
vigil_key_pub(const struct vigil_key_args *args)
{
	struct opkey	*key;
	char		*cause = NULL, *pass = NULL, *name, *line;
	int		 rc;

	if (args->noperands != 1) {
		fprintf(stderr, "vigil-key: pub takes one key file, but was "
		    "given %d (see vigil-key --help)\n", args->noperands);
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if (args->out != NULL) {
		fprintf(stderr, "vigil-key: --out is for gen; pub prints to "
		    "standard output\n");
		return (VIGIL_KEY_EXIT_USAGE);
	}
	name = args->name != NULL ? xstrdup(args->name) :
	    vigil_key_name_from_path(args->operands[0]);
	if (opkey_check_name(name, &cause) != 0) {
		fprintf(stderr, "vigil-key: %s%s\n", cause, args->name != NULL ?
		    "" : " (taken from the file name); give one with --name");
		free(cause);
		free(name);
		return (VIGIL_KEY_EXIT_USAGE);
	}
	if ((rc = vigil_key_passphrase(args, 1, &pass, &cause)) !=
	    VIGIL_KEY_EXIT_OK) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		free(name);
		return (rc);
	}
	key = opkey_load(args->operands[0], pass, &cause);
	vigil_key_forget(pass);
	if (key == NULL) {
		fprintf(stderr, "vigil-key: %s\n", cause);
		free(cause);
		free(name);
		return (VIGIL_KEY_EXIT_FAILED);
	}
	line = opkey_trust_line(key, name);
	printf("%s\n", line);
	free(line);
	free(name);
	opkey_free(key);
	return (fflush(stdout) == 0 ? VIGIL_KEY_EXIT_OK :
	    VIGIL_KEY_EXIT_FAILED);
}
