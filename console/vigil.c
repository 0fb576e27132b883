/*
 * vigil.c: the vigil program: arguments, where the backends are, and
 * which face to show (the curses console or a headless command).
 *
 * Options may come before or after the command and its operands, so
 * that "vigil status --json --wait 2" and "vigil --wait 2 status --json"
 * mean the same, and "vigil propose kill router/r8 --reason TEXT" reads
 * as a sentence.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmd.h"
#include "cmd-doc.h"
#include "demo.h"
#include "desk.h"
#include "fleet.h"
#include "headless.h"
#include "loop.h"
#include "opkey.h"
#include "proto.h"
#include "proto-command.h"
#include "proto-plan.h"
#include "tls.h"
#include "tui.h"
#include "urls.h"
#include "util.h"

#define VIGIL_MAX_SECONDS	(7 * 86400.0)	/* for --wait and --for */
#define VIGIL_HELP_INDENT	6		/* scenarios in --help */
#define VIGIL_HELP_WIDTH	78
#define VIGIL_EXIT_HUNGUP	129	/* as a shell reports SIGHUP's end */
/* --expires */
#define VIGIL_DEFAULT_TTL_MIN	((int)(COMMAND_DEFAULT_TTL_MS / 60000))

/* What the command line asked for. */
struct vigil_args {
	const char	*fleet_file;		/* --fleet */
	char		**connect;		/* --connect, in order */
	size_t		 nconnect;
	const char	*demo;			/* --demo[=S]: scenario */
	const char	*demo_time_scale;
	const char	*demo_start;
	const char	*ca;			/* --ca FILE */
	int		 insecure;		/* --insecure */
	const char	*demo_join;		/* how bob joins the demo */
	const char	*argv0;			/* how vigil was run */
	int64_t		 wait_ms;		/* --wait; -1 not given */
	int64_t		 for_ms;		/* --for; -1 not given */
	int		 every_line;		/* --every-line */
	int		 json;
	int		 no_color;
	int		 ascii;
	int		 help;
	int		 version;		/* --version */
	char		*reach;			/* the options that reach
						   the fleet, as shell words,
						   for vigil approve */
	const char	*command;		/* NULL: the console */
	const char	**operands;		/* words after the command */
	size_t		 noperands;

	/* Two-person commands. */
	const char	*reason;		/* --reason */
	const char	*to;			/* --to BUILD or STATION */
	const char	*set;			/* --set NAME=on|off */
	const char	*override;		/* --override PATH */
	const char	*window;		/* --window 30m */
	int64_t		 ttl_ms;		/* --expires...; -1 not given */
	const char	*key;			/* --key */
	const char	*operator_name;		/* --operator */
	int		 yes;			/* --yes */
};

/* What a command takes. */
#define VIGIL_TAKES_JSON	0x01	/* --json */
#define VIGIL_TAKES_WAIT	0x02	/* --wait */
#define VIGIL_SIGNS		0x04	/* --key, --operator */
#define VIGIL_NO_FLEET		0x08	/* works on a file, not a fleet */

/* The headless commands, with what --help shows for each. */
struct vigil_command {
	const char		*name;
	enum headless_command	 command;
	const char		*operands;	/* for --help; "" none */
	const char		*example;	/* a whole command line */
	size_t			 min, max;	/* operands taken */
	int			 takes;
	const char		*summary;
};
static const struct vigil_command vigil_commands[] = {
	{ "status", HEADLESS_STATUS, "", "status", 0, 0,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT,
	  "print every node and the standing alerts, then exit" },
	{ "watch", HEADLESS_WATCH, "", "watch", 0, 0, VIGIL_TAKES_JSON,
	  "print each node and alert change as it happens" },
	{ "alerts", HEADLESS_ALERTS, "", "alerts", 0, 0,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT,
	  "print only the standing alerts, by incident, cause first" },
	{ "propose", HEADLESS_PROPOSE, "ACTION NODE...",
	  "propose kill router/r8 --reason TEXT", 2,
	  1 + PROTO_MAX_TARGETS,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT | VIGIL_SIGNS,
	  "sign and propose a two-person command (needs --reason)" },
	{ "plan", HEADLESS_PLAN, "ACTION NODE...",
	  "plan rollback router/r1 --to smars-2012.07.31-old", 2,
	  1 + PROTO_MAX_TARGETS, VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT,
	  "show what a rollback or flag change would run" },
	{ "pending", HEADLESS_PENDING, "", "pending", 0, 0,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT,
	  "list the proposals waiting for a second operator" },
	{ "approve", HEADLESS_APPROVE, "ID", "approve 5f0c1a2b", 1, 1,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT | VIGIL_SIGNS,
	  "review a proposal and sign it as the second operator" },
	{ "cancel", HEADLESS_CANCEL, "ID", "cancel 5f0c1a2b", 1, 1,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT | VIGIL_SIGNS,
	  "withdraw a proposal you made" },
	{ "fire", HEADLESS_FIRE, "ID", "fire 5f0c1a2b", 1, 1,
	  VIGIL_TAKES_JSON | VIGIL_TAKES_WAIT | VIGIL_SIGNS,
	  "fire an armed kill (one trusted operator)" },
	{ "audit", HEADLESS_AUDIT, "verify FILE",
	  "audit verify /var/lib/vigil/router-r8.audit", 2, 2, VIGIL_NO_FLEET,
	  "check the hash chain of a backend's audit log" },
};

enum {
	OPT_DEMO_SCALE = 256,
	OPT_DEMO_START,
	OPT_FOR,
	OPT_EVERY_LINE,
	OPT_NO_COLOR,
	OPT_ASCII,
	OPT_REASON,
	OPT_EXPIRES,
	OPT_EXPIRES_SECONDS,
	OPT_KEY,
	OPT_OPERATOR,
	OPT_YES,
	OPT_TO,
	OPT_SET,
	OPT_OVERRIDE,
	OPT_WINDOW,
	OPT_CA,
	OPT_INSECURE,
	OPT_VERSION,
};

static const struct option vigil_options[] = {
	{ "fleet", required_argument, NULL, 'f' },
	{ "connect", required_argument, NULL, 'c' },
	{ "demo", optional_argument, NULL, 'd' },
	{ "demo-time-scale", required_argument, NULL, OPT_DEMO_SCALE },
	{ "demo-start", required_argument, NULL, OPT_DEMO_START },
	{ "wait", required_argument, NULL, 'w' },
	{ "for", required_argument, NULL, OPT_FOR },
	{ "every-line", no_argument, NULL, OPT_EVERY_LINE },
	{ "json", no_argument, NULL, 'j' },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "expires", required_argument, NULL, OPT_EXPIRES },
	{ "expires-seconds", required_argument, NULL, OPT_EXPIRES_SECONDS },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "to", required_argument, NULL, OPT_TO },
	{ "set", required_argument, NULL, OPT_SET },
	{ "override", required_argument, NULL, OPT_OVERRIDE },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "ca", required_argument, NULL, OPT_CA },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void	 vigil_args_free(struct vigil_args *);
static void	 vigil_usage(FILE *);
static void	 vigil_wrap(FILE *, int, const char *);
static void	 vigil_usage_scenarios(FILE *);
static int	 vigil_parse(int, char **, struct vigil_args *);
static int	 vigil_positional(struct vigil_args *, const char *);
static int	 vigil_option(struct vigil_args *, int, char **);
static int	 vigil_option_tls(struct vigil_args *, int, char **);
static int	 vigil_check_demo(const struct vigil_args *);
static int	 vigil_seconds(const char *, const char *, int, int64_t *);
static int	 vigil_check(struct vigil_args *,
		    const struct vigil_command **);
static int	 vigil_check_command(struct vigil_args *,
		    const struct vigil_command *);
static int	 vigil_expires(const char *, const char *, double,
		    int64_t *);
static int	 vigil_id_ok(const char *);
static const char *vigil_option_name(int, char **);
static int	 vigil_scenario_check(const char *);
static int	 vigil_load_key(const struct vigil_args *,
		    const struct vigil_command *, struct cmd_operator *);
static int	 vigil_insecure(const char *);
static int	 vigil_check_tls(const struct vigil_args *,
		    const struct urls *);
static int	 vigil_backends(struct vigil_args *, struct cmd_operator *,
		    struct urls *, char *, size_t, struct demo **);
static int	 vigil_demo(struct vigil_args *, struct cmd_operator *,
		    struct demo **);
static int	 vigil_demo_operator(struct vigil_args *, struct demo *,
		    struct cmd_operator *);
static void	 vigil_shell_word(char **, const char *);
static void	 vigil_reach(struct vigil_args *, const char *);
static int	 vigil_headless(struct loop *, struct fleet *,
		    const struct vigil_args *, const struct vigil_command *,
		    struct cmd_operator *);
static int	 vigil_check_nodes(const struct vigil_args *);
static int	 vigil_check_change(const struct vigil_args *);
static int	 vigil_check_move(const struct vigil_args *);
static int	 vigil_console(struct loop *, struct fleet *,
		    const struct vigil_args *, const struct cmd_operator *);

/* Parse the arguments, find the backends, and run. */
int
main(int argc, char **argv)
{
	struct vigil_args		 args;
	const struct vigil_command	*command = NULL;
	struct demo			*demo = NULL;
	struct urls		 urls;
	struct fleet			 fleet;
	struct loop			*loop;
	struct cmd_operator		 op;
	char				*cause = NULL, name[64], why[1024];
	size_t				 i, j;
	int				 status;

	memset(&urls, 0, sizeof urls);
	memset(&op, 0, sizeof op);
	if (vigil_parse(argc, argv, &args) != 0)
		return (HEADLESS_EXIT_USAGE);
	if (args.help || (args.command != NULL &&
	    strcmp(args.command, "help") == 0)) {
		vigil_usage(stdout);
		vigil_args_free(&args);
		return (HEADLESS_EXIT_OK);
	}
	if (args.version) {
		printf("vigil %s\n", VIGIL_VERSION);
		vigil_args_free(&args);
		return (HEADLESS_EXIT_OK);
	}
	if (vigil_check(&args, &command) != 0) {
		vigil_args_free(&args);
		return (HEADLESS_EXIT_USAGE);
	}
	if (command != NULL && (command->takes & VIGIL_NO_FLEET)) {
		/* audit verify FILE: a file, no backends. */
		status = headless_audit_verify(args.operands[1]);
		vigil_args_free(&args);
		return (status);
	}
	if ((status = vigil_load_key(&args, command, &op)) != 0 ||
	    (status = vigil_backends(&args, &op, &urls, name, sizeof name,
	    &demo)) != 0) {
		cmd_operator_free(&op);
		vigil_args_free(&args);
		return (status);
	}

	fleet_init(&fleet, name);
	/* A test hook: claim an instance id, as another console might. */
	if (getenv("VIGIL_TEST_INSTANCE") != NULL)
		util_copy(fleet.instance, sizeof fleet.instance,
		    getenv("VIGIL_TEST_INSTANCE"));
	check_watch(&fleet);
	for (i = 0; i < urls.n; i++) {
		j = fleet_add_link(&fleet, urls.v[i]);
		fleet.links[j].insecure = vigil_insecure(urls.v[i]);
		fleet.links[j].gateway = urls.gateway[i];
	}
	loop = loop_create(&fleet, args.ca != NULL ? args.ca : urls.ca,
	    &cause);
	urls_free(&urls);
	if (loop == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		fleet_free(&fleet);
		demo_stop(demo);
		cmd_operator_free(&op);
		vigil_args_free(&args);
		return (HEADLESS_EXIT_FAILED);
	}
	loop_set_operator(loop, &op);
	if (command != NULL)
		status = vigil_headless(loop, &fleet, &args, command, &op);
	else
		status = vigil_console(loop, &fleet, &args, &op);

	if (demo != NULL && !demo_alive(demo, why, sizeof why))
		fprintf(stderr, "vigil: the embedded fleet stopped while vigil "
		    "ran: %s\n", why);
	loop_free(loop);
	fleet_free(&fleet);
	demo_stop(demo);
	cmd_operator_free(&op);
	vigil_args_free(&args);
	return (status);
}

/*
 * Load the operator's key first: no use connecting if the signer cannot
 * sign.  The console signs too when given a key (--key or VIGIL_KEY);
 * without one it only watches.  Returns 0, or the exit status after
 * saying why.
 */
static int
vigil_load_key(const struct vigil_args *args,
    const struct vigil_command *command, struct cmd_operator *op)
{
	const char	*env = getenv("VIGIL_KEY");
	char		*cause = NULL;

	if (((command != NULL && (command->takes & VIGIL_SIGNS)) ||
	    args->key != NULL || args->operator_name != NULL ||
	    (command == NULL && env != NULL && *env != '\0')) &&
	    cmd_operator_load(op, args->key, args->operator_name,
	    &cause) != 0) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_USAGE);
	}
	return (0);
}

/*
 * Where the backends are: a fleet file, URLs, or a demo fleet started
 * here (*demo, which may give the console op, its signer).  Fills urls
 * and the fleet's name.  Returns 0, or the exit status after saying
 * why, with nothing left running.
 */
static int
vigil_backends(struct vigil_args *args, struct cmd_operator *op,
    struct urls *urls, char *name, size_t namelen, struct demo **demo)
{
	const char		*file = NULL, *slash;
	const char		*env = getenv("VIGIL_FLEET");
	char			*cause = NULL, host[64], upath[256], why[1024];
	size_t			 i;
	int			 port, tls, status;

	if (args->demo != NULL) {
		loop_hold_signals();
		if ((status = vigil_demo(args, op, demo)) != 0)
			return (status);
		file = demo_fleet_file(*demo);
		util_format(name, namelen, "demo:%s", args->demo);
	} else if (args->nconnect > 0) {
		for (i = 0; i < args->nconnect; i++) {
			if (util_parse_url(args->connect[i], host, sizeof host,
			    &port, upath, sizeof upath, &tls, why,
			    sizeof why) != 0) {
				fprintf(stderr, "vigil: --connect: %s\n", why);
				urls_free(urls);
				return (HEADLESS_EXIT_USAGE);
			}
			urls_add(urls, args->connect[i]);
		}
		if (urls->n == 1)
			util_copy(name, namelen, urls->v[0]);
		else
			util_format(name, namelen, "%zu backends", urls->n);
	} else if (args->fleet_file != NULL || (env != NULL && *env != '\0'))
		file = args->fleet_file != NULL ? args->fleet_file : env;
	else {
		fprintf(stderr, "vigil: no backends to watch; give --fleet "
		    "FILE, --connect wss://HOST:PORT, or --demo to start an "
		    "embedded fleet (see vigil --help)\n");
		return (HEADLESS_EXIT_USAGE);
	}
	if (file != NULL) {
		if (urls_read(file, urls, &cause) != 0) {
			fprintf(stderr, "vigil: %s\n", cause);
			free(cause);
			urls_free(urls);
			demo_stop(*demo);
			*demo = NULL;
			return (HEADLESS_EXIT_USAGE);
		}
		if (*demo == NULL) {
			slash = strrchr(file, '/');
			util_copy(name, namelen, slash != NULL ? slash + 1 :
			    file);
		}
	}
	vigil_reach(args, file);
	free(args->connect);
	args->connect = NULL;
	if (vigil_check_tls(args, urls) != 0) {
		urls_free(urls);
		demo_stop(*demo);
		*demo = NULL;
		return (HEADLESS_EXIT_USAGE);
	}
	return (0);
}

/*
 * Is url plain ws:// to a host that may not be this machine (anything
 * but 127.0.0.1, localhost and ::1)?  Such a link can be read and
 * forged by anyone on the way, so it needs --insecure, and the console
 * shows it in red.
 */
static int
vigil_insecure(const char *url)
{
	char	host[256], path[256], why[PROTO_TEXT_MAX];
	int	port, tls;

	if (util_parse_url(url, host, sizeof host, &port, path, sizeof path,
	    &tls, why, sizeof why) != 0 || tls)
		return (0);
	return (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "::1") != 0);
}

/*
 * Check the URLs' schemes: plain ws:// beyond loopback only with
 * --insecure, and the CA file (--ca, else the fleet file's) trusted
 * only when others cannot write it.  Returns 0, or -1 after saying why.
 */
static int
vigil_check_tls(const struct vigil_args *args, const struct urls *urls)
{
	const char	*ca = args->ca != NULL ? args->ca : urls->ca;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < urls->n && !args->insecure; i++) {
		if (vigil_insecure(urls->v[i])) {
			fprintf(stderr, "vigil: %s is plain ws:// to a host "
			    "beyond loopback, which anyone on the network can "
			    "read and forge; use wss://, or give --insecure "
			    "to watch it anyway\n", urls->v[i]);
			return (-1);
		}
	}
	if (ca != NULL && tls_check_ca(ca, &cause) != 0) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * Append word to the string *buf as one shell word, quoted when it holds
 * anything but letters, digits and _-./:@%+=,
 */
static void
vigil_shell_word(char **buf, const char *word)
{
	const char	*p;
	char		*quoted, *old = *buf;
	size_t		 n = 0;

	if (word[0] != '\0' && word[strspn(word, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,")] == '\0')
		quoted = xstrdup(word);
	else {
		quoted = xcalloc(4 * strlen(word) + 3, 1);
		quoted[n++] = '\'';
		for (p = word; *p != '\0'; p++) {
			if (*p == '\'') {
				memcpy(quoted + n, "'\\''", 4);
				n += 4;
			} else
				quoted[n++] = *p;
		}
		quoted[n] = '\'';
	}
	*buf = xasprintf("%s%s%s", old != NULL ? old : "", old != NULL ?
	    " " : "", quoted);
	free(old);
	free(quoted);
}

/*
 * The options another vigil needs to reach this fleet (args->reach), for
 * the approve command propose prints: the fleet file by its absolute
 * path, or each URL, and --ca, --insecure and --wait when given.
 */
static void
vigil_reach(struct vigil_args *args, const char *file)
{
	char	*path, wait[32];
	size_t	 i;

	free(args->reach);
	args->reach = NULL;
	if (file != NULL) {
		path = realpath(file, NULL);
		vigil_shell_word(&args->reach, "--fleet");
		vigil_shell_word(&args->reach, path != NULL ? path : file);
		free(path);
	}
	for (i = 0; file == NULL && i < args->nconnect; i++) {
		vigil_shell_word(&args->reach, "--connect");
		vigil_shell_word(&args->reach, args->connect[i]);
	}
	if (args->ca != NULL) {
		path = realpath(args->ca, NULL);
		vigil_shell_word(&args->reach, "--ca");
		vigil_shell_word(&args->reach, path != NULL ? path : args->ca);
		free(path);
	}
	if (args->insecure)
		vigil_shell_word(&args->reach, "--insecure");
	if (args->wait_ms >= 0) {
		util_format(wait, sizeof wait, "%g",
		    (double)args->wait_ms / 1000.0);
		vigil_shell_word(&args->reach, "--wait");
		vigil_shell_word(&args->reach, wait);
	}
}

/* Run a command (status, propose, ...) without the curses console. */
static int
vigil_headless(struct loop *loop, struct fleet *fleet,
    const struct vigil_args *args, const struct vigil_command *command,
    struct cmd_operator *op)
{
	struct headless_options	hopts;

	memset(&hopts, 0, sizeof hopts);
	hopts.command = command->command;
	hopts.json = args->json;
	hopts.wait_ms = args->wait_ms >= 0 ? args->wait_ms : HEADLESS_WAIT_MS;
	hopts.for_ms = args->for_ms >= 0 ? args->for_ms : 0;
	hopts.every_line = args->every_line;
	hopts.op = op;
	hopts.yes = args->yes;
	hopts.reason = args->reason;
	hopts.ttl_ms = args->ttl_ms >= 0 ? args->ttl_ms :
	    VIGIL_DEFAULT_TTL_MIN * 60 * 1000LL;
	hopts.to = args->to;
	hopts.set = args->set;
	hopts.override = args->override;
	hopts.window = args->window;
	hopts.reach = args->reach;
	if (command->command == HEADLESS_PROPOSE ||
	    command->command == HEADLESS_PLAN) {
		hopts.action = args->operands[0];
		hopts.nodes = args->operands + 1;
		hopts.nnodes = args->noperands - 1;
	} else if (args->noperands > 0)
		hopts.id = args->operands[0];
	return (headless_run(loop, fleet, &hopts));
}

/* Free what parsing the arguments allocated; safe to call twice. */
static void
vigil_args_free(struct vigil_args *args)
{
	free(args->connect);
	free(args->operands);
	args->connect = NULL;
	args->operands = NULL;
	args->nconnect = args->noperands = 0;
	free(args->reach);
	args->reach = NULL;
}

/*
 * Start the demo's fleet (*demo), trusting the key op signs with if it
 * has one; the console then signs as the demo's first operator unless
 * given a key.  Returns 0, or the exit status after saying why, with
 * nothing left running.
 */
static int
vigil_demo(struct vigil_args *args, struct cmd_operator *op,
    struct demo **demo)
{
	struct demo_options	 dopts;
	char			*cause = NULL, *line = NULL;

	memset(&dopts, 0, sizeof dopts);
	dopts.scenario = args->demo;
	dopts.time_scale = args->demo_time_scale;
	dopts.start = args->demo_start;
	dopts.stopping = loop_stop_noted;
	if (op->key != NULL) {
		/* The demo trusts the key the console signs with. */
		dopts.operator = op->name;
		dopts.operator_line = line = opkey_trust_line(op->key,
		    op->name);
	}
	*demo = demo_start(&dopts, &cause);
	free(line);
	if (*demo == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_UNREACHED);
	}
	if (args->command == NULL &&
	    vigil_demo_operator(args, *demo, op) != 0) {
		demo_stop(*demo);
		*demo = NULL;
		return (HEADLESS_EXIT_FAILED);
	}
	return (0);
}

/*
 * The demo's console signs as its first operator unless given a key, and
 * tells how a second terminal joins as the second (vigil run the way it
 * was, or by its full path).  Returns 0, or -1 after saying why not.
 */
static int
vigil_demo_operator(struct vigil_args *args, struct demo *demo,
    struct cmd_operator *op)
{
	const char	*argv0 = args->argv0;
	char		*cause = NULL, path[PATH_MAX];

	if (op->key == NULL && cmd_operator_load(op, demo_key_file(demo, 0),
	    demo_operator(0), &cause) != 0) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (-1);
	}
	if (strchr(argv0, '/') == NULL || realpath(argv0, path) == NULL)
		util_copy(path, sizeof path, argv0);
	args->demo_join = demo_join_command(demo, path);
	return (0);
}

/* The curses console, until the operator quits or a signal comes. */
static int
vigil_console(struct loop *loop, struct fleet *fleet,
    const struct vigil_args *args, const struct cmd_operator *op)
{
	struct tui_options	 topts;
	struct tui		*tui;
	struct desk		*desk;
	const char		*nocolor = getenv("NO_COLOR");
	char			*cause = NULL, pub[OPKEY_PUB_B64_MAX];
	enum loop_end		 end;

	memset(&topts, 0, sizeof topts);
	topts.no_color = args->no_color || (nocolor != NULL &&
	    *nocolor != '\0');
	topts.ascii = args->ascii;
	topts.config = NULL;
	topts.title = fleet->name;
	topts.operator = op->key != NULL ? op->name : NULL;
	topts.join = args->demo_join;
	if (op->key != NULL) {
		opkey_public(op->key, pub, sizeof pub);
		topts.operator_key = pub;
	}
	if ((tui = tui_open(&topts, &cause)) == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_USAGE);
	}
	if (loop_attach_tui(loop, tui, &cause) != 0) {
		tui_close(tui);
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_FAILED);
	}
	desk = desk_create(fleet, op, loop_send_up, loop);
	loop_attach_desk(loop, desk);
	end = loop_run(loop, &cause);
	loop_attach_desk(loop, NULL);
	desk_free(desk);
	tui_close(tui);
	if (end == LOOP_FAILED) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (HEADLESS_EXIT_FAILED);
	}
	if (end == LOOP_HUNGUP) {
		/* Standard error may be a log; the terminal is no more. */
		fprintf(stderr, "vigil: the terminal went away (its window "
		    "closed, its tmux server ended or its ssh link dropped); "
		    "the console stopped%s\n", args->demo != NULL ?
		    " and so did the embedded fleet" : "");
		return (VIGIL_EXIT_HUNGUP);
	}
	return (HEADLESS_EXIT_OK);
}

/*
 * The scenarios of --demo as vigild names them, one a line: vigil does
 * not link the simulator, so it asks the vigild that --demo would run.
 */
static void
vigil_usage_scenarios(FILE *f)
{
	char	*list, *line, *next, *cause = NULL;
	int	 n;

	if ((list = demo_scenarios(&cause)) == NULL) {
		fprintf(f, "%*s", VIGIL_HELP_INDENT, "");
		vigil_wrap(f, VIGIL_HELP_INDENT, cause);
		free(cause);
		return;
	}
	for (line = list; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		n = (int)strcspn(line, " ");
		fprintf(f, "%*s%-8.*s ", VIGIL_HELP_INDENT, "", n, line);
		vigil_wrap(f, VIGIL_HELP_INDENT + 9,
		    line + n + (line[n] != '\0'));
	}
	free(list);
}

/* The --help text. */
static void
vigil_usage(FILE *f)
{
	char	line[64];
	size_t	i;

	fprintf(f,
"usage: vigil [--fleet FILE | --connect URL ... | --demo[=SCENARIO]]\n"
"             [--wait SECONDS] [--no-color] [--ascii] [--key FILE]\n"
"             [COMMAND [--json]]\n"
"       vigil [--fleet FILE | --connect URL ...] propose ACTION NODE...\n"
"             --reason TEXT [--expires MINUTES] [--key FILE]\n"
"             [--to BUILD | --to STATION | --set NAME=on|off]\n"
"             [--override PATH] [--window TIME] [--yes] [--json]\n"
"       vigil [--fleet FILE | --connect URL ...] plan rollback|flag NODE...\n"
"             --to BUILD | --set NAME=on|off [--override PATH] [--json]\n"
"       vigil [--fleet FILE | --connect URL ...] approve ID [--yes] [--json]\n"
"       vigil [--fleet FILE | --connect URL ...] fire ID [--json]\n"
"       vigil audit verify FILE\n"
"\n"
"Watch a fleet of order routers and certificate stations.  With no\n"
"command, vigil opens the curses console; a command prints and exits.\n"
"\n"
"Where the backends are:\n"
"  -f, --fleet FILE         one wss://HOST:PORT URL per line, \"ca FILE\";\n"
"                           # comments\n"
"  -c, --connect URL        a backend; repeat for several\n"
"      --ca FILE            trust the backends' certificates this CA signed\n"
"                           (else the fleet file's \"ca\" line, else the\n"
"                           system's CAs)\n"
"      --insecure           allow plain ws:// beyond loopback (shown red)\n"
"      --demo[=SCENARIO]    start an embedded fleet (default calm):\n");
	vigil_usage_scenarios(f);
	fprintf(f,
"                           with two operators: the console signs as alice\n"
"                           (or with --key, which the demo then trusts) and\n"
"                           shows how bob joins from another terminal:\n"
"                           vigil --fleet DIR/fleet --key DIR/bob.key\n"
"      --demo-time-scale X  scenario seconds per real second\n"
"      --demo-start HH:MM:SS  scenario clock to start from\n"
"\n"
"Commands:\n");
	for (i = 0; i < nitems(vigil_commands); i++) {
		util_format(line, sizeof line, "%s %s", vigil_commands[i].name,
		    vigil_commands[i].operands);
		fprintf(f, "  %-23s %s\n", line, vigil_commands[i].summary);
	}
	fprintf(f,
"  help                    print this text\n"
"\n"
"Options:\n"
"  -j, --json               print JSON for scripts (status, watch, alerts,\n"
"                           pending, plan, propose, approve, cancel, fire)\n"
"  -w, --wait SECONDS       wait this long for every node (default %d);\n"
"                           commands wait as long again for answers\n"
"      --for SECONDS        watch: stop after this long\n"
"      --every-line         watch: a line for each node even when many\n"
"                           change state at once (else past 16, one line)\n"
"      --no-color           console: no colours (also NO_COLOR)\n"
"      --ascii              console: no Unicode line drawing\n"
"  -h, --help               print this text\n"
"      --version            print vigil's version\n"
"\n"
"Two-person commands (a second operator must approve what one proposes;\n"
"every backend checks it):\n"
"      --reason TEXT        propose: why, for the approver and the audit log\n"
"      --expires MINUTES    propose: lifetime, default %d, at most %lld\n"
"      --expires-seconds N  propose: lifetime in seconds, for tests, scripts\n"
"      --to BUILD           rollback: the installed build to switch to\n"
"      --to STATION         move-root: the station to move the root to;\n"
"                           approve stays to relay it and prints its steps\n"
"      --set NAME=on|off    flag: the flag and its new setting\n"
"      --override PATH      rollback, flag: let the change enable this\n"
"                           retired code path; both operators sign it\n"
"      --window TIME        arm-kill: how long it stays armed (30m, 2h)\n"
"      --key FILE           your Ed25519 key (else VIGIL_KEY; passphrase in\n"
"                           VIGIL_KEY_PASSPHRASE); in the console, K and R\n"
"                           propose, A approves in the Proposals view; it\n"
"                           also answers each backend's challenge, which\n"
"                           names you to the other operators watching and\n"
"                           lets you read a backend that only operators\n"
"                           may read\n"
"      --operator NAME      your name in the trust files (else\n"
"                           VIGIL_OPERATOR, else the key file's name\n"
"                           without .key or .pem)\n"
"      --yes                approve, propose: do not ask to type the\n"
"                           action's name at the terminal\n"
"Actions:",
	    HEADLESS_WAIT_MS / 1000, VIGIL_DEFAULT_TTL_MIN,
	    COMMAND_MAX_TTL_MS / 60000);
	for (i = 0; i < command_nspecs; i++)
		fprintf(f, "%s %s", i == 0 ? "" : ",", command_specs[i].name);
	fprintf(f,
"\n\n"
"Exit status: 0 fleet reached and no critical alert (or the command was\n"
"carried out, or the audit log is intact), 1 a critical alert stands (or\n"
"the audit log is broken), 2 usage or fleet-file error, 3 a backend or\n"
"node could not be reached in time (this outranks 1), 4 vigil itself\n"
"failed, 5 a backend refused the command (or, for plan, would refuse\n"
"it); the console exits 129 when its terminal hangs up.  See vigil(1).\n");
}

/*
 * Print text from column indent (where the cursor already is) to
 * VIGIL_HELP_WIDTH, breaking at spaces.
 */
static void
vigil_wrap(FILE *f, int indent, const char *text)
{
	const char	*word = text, *end;
	int		 col = indent, len;

	while (*word != '\0') {
		while (*word == ' ')
			word++;
		if (*word == '\0')
			break;
		end = strchr(word, ' ');
		len = end != NULL ? (int)(end - word) : (int)strlen(word);
		if (col > indent && col + 1 + len > VIGIL_HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", len, word);
		col += len;
		word += len;
	}
	fputc('\n', f);
}

/*
 * Take option c (getopt_long's answer, its value in optarg) into args.
 * Returns 0, or -1 after saying on stderr what is wrong.
 */
static int
vigil_option(struct vigil_args *args, int c, char **argv)
{
	switch (c) {
	case 'f':
		if (args->fleet_file != NULL) {
			fprintf(stderr, "vigil: --fleet was given "
			    "twice; give one fleet file\n");
			return (-1);
		}
		args->fleet_file = optarg;
		break;
	case 'c':
		args->connect = xreallocarray(args->connect,
		    args->nconnect + 1, sizeof *args->connect);
		args->connect[args->nconnect++] = optarg;
		break;
	case 'd':
		args->demo = optarg != NULL ? optarg : "calm";
		break;
	case OPT_DEMO_SCALE:
		args->demo_time_scale = optarg;
		break;
	case OPT_DEMO_START:
		args->demo_start = optarg;
		break;
	case 'w':
		if (vigil_seconds("--wait", optarg, 1,
		    &args->wait_ms) != 0)
			return (-1);
		break;
	case OPT_FOR:
		if (vigil_seconds("--for", optarg, 0,
		    &args->for_ms) != 0)
			return (-1);
		break;
	case OPT_EVERY_LINE:
		args->every_line = 1;
		break;
	case 'j':
		args->json = 1;
		break;
	case OPT_NO_COLOR:
		args->no_color = 1;
		break;
	case OPT_ASCII:
		args->ascii = 1;
		break;
	case OPT_TO:
		args->to = optarg;
		break;
	case OPT_SET:
		args->set = optarg;
		break;
	case OPT_OVERRIDE:
		args->override = optarg;
		break;
	case OPT_WINDOW:
		args->window = optarg;
		break;
	case OPT_REASON:
		args->reason = optarg;
		break;
	case OPT_EXPIRES:
	case OPT_EXPIRES_SECONDS:
		if (args->ttl_ms >= 0) {
			fprintf(stderr, "vigil: give one of --expires "
			    "and --expires-seconds, once\n");
			return (-1);
		}
		if (c == OPT_EXPIRES ? vigil_expires("--expires",
		    optarg, 60000.0, &args->ttl_ms) != 0 :
		    vigil_expires("--expires-seconds", optarg, 1000.0,
		    &args->ttl_ms) != 0)
			return (-1);
		break;
	case OPT_KEY:
		args->key = optarg;
		break;
	case OPT_OPERATOR:
		args->operator_name = optarg;
		break;
	case OPT_YES:
		args->yes = 1;
		break;
	case 'h':
		args->help = 1;
		break;
	case OPT_VERSION:
		args->version = 1;
		break;
	case ':':
		fprintf(stderr, "vigil: option %s needs a value (see "
		    "vigil --help)\n", argv[optind - 1]);
		return (-1);
	default:
		return (vigil_option_tls(args, c, argv));
	}
	return (0);
}

/* The links' TLS options, else an unknown option in words. */
static int
vigil_option_tls(struct vigil_args *args, int c, char **argv)
{
	switch (c) {
	case OPT_CA:
		args->ca = optarg;
		return (0);
	case OPT_INSECURE:
		args->insecure = 1;
		return (0);
	}
	fprintf(stderr, "vigil: unknown option %s (see vigil --help)\n",
	    vigil_option_name(optopt, argv));
	return (-1);
}

/*
 * Read the command line into args.  Returns 0, or -1 after saying what
 * is wrong on standard error.
 */
static int
vigil_parse(int argc, char **argv, struct vigil_args *args)
{
	int	c;

	memset(args, 0, sizeof *args);
	args->argv0 = argv[0];
	args->wait_ms = -1;
	args->for_ms = -1;
	args->ttl_ms = -1;
	opterr = 0;
	optind = 1;
	/*
	 * A leading "-" in the option string makes getopt hand back words
	 * that are not options in order, as option 1, so options may come
	 * before or after the command.
	 */
	while ((c = getopt_long(argc, argv, "-:f:c:w:jh", vigil_options,
	    NULL)) != -1) {
		if (c == 1) {
			if (vigil_positional(args, optarg) != 0)
				goto fail;
			continue;
		}
		if (vigil_option(args, c, argv) != 0)
			goto fail;
	}
	/* Words after "--". */
	for (; optind < argc; optind++) {
		if (vigil_positional(args, argv[optind]) != 0)
			goto fail;
	}
	return (0);
fail:
	vigil_args_free(args);
	return (-1);
}

/*
 * Take a word that is not an option: the command, then its operands
 * (checked against the command in vigil_check()).  Returns 0.
 */
static int
vigil_positional(struct vigil_args *args, const char *word)
{
	if (args->command == NULL) {
		args->command = word;
		return (0);
	}
	args->operands = xreallocarray(args->operands, args->noperands + 1,
	    sizeof *args->operands);
	args->operands[args->noperands++] = word;
	return (0);
}

/*
 * Parse a proposal's lifetime for option name, in units of unit_ms
 * (minutes or seconds), above 0 and at most 30 minutes.  Returns 0, or
 * -1 after saying what is wrong.
 */
static int
vigil_expires(const char *name, const char *s, double unit_ms, int64_t *ms)
{
	char	*end;
	double	 v, max = (double)COMMAND_MAX_TTL_MS / unit_ms;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v <= 0 || v > max) {
		fprintf(stderr, "vigil: %s \"%s\" is not a lifetime a "
		    "proposal can have; give a number above 0 and at most %.0f "
		    "(%lld minutes)\n", name, s, max,
		    COMMAND_MAX_TTL_MS / 60000);
		return (-1);
	}
	*ms = (int64_t)llround(v * unit_ms);
	if (*ms == 0)
		*ms = 1;
	return (0);
}

/* Is id 8 to 32 hex digits (all of a command id or its start)? */
static int
vigil_id_ok(const char *id)
{
	size_t	n = strlen(id), i;

	if (n < 8 || n > 32)
		return (0);
	for (i = 0; i < n; i++) {
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return (0);
	}
	return (1);
}

/* The option getopt complained about, as the user typed it. */
static const char *
vigil_option_name(int opt, char **argv)
{
	static char	buf[4];

	if (opt != 0 && opt < 256) {
		buf[0] = '-';
		buf[1] = (char)opt;
		buf[2] = '\0';
		return (buf);
	}
	return (argv[optind - 1]);
}

/*
 * Parse a number of seconds for option name (zero allowed with
 * allow_zero).  Returns 0, or -1 after saying what is wrong.
 */
static int
vigil_seconds(const char *name, const char *s, int allow_zero, int64_t *ms)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < 0 || (v == 0 && !allow_zero) || v > VIGIL_MAX_SECONDS) {
		fprintf(stderr, "vigil: %s \"%s\" is not a number of seconds; "
		    "give a number from %s to %.0f, for example %s 10\n",
		    name, s, allow_zero ? "0" : "just above 0",
		    VIGIL_MAX_SECONDS, name);
		return (-1);
	}
	*ms = (int64_t)llround(v * 1000.0);
	if (*ms == 0 && !allow_zero)
		*ms = 1;
	return (0);
}

/* Check the --demo options: a known scenario, a scale, a start time. */
static int
vigil_check_demo(const struct vigil_args *args)
{
	char	*end, cause[PROTO_TEXT_MAX];
	double	 scale;
	int	 seconds;

	if (args->demo != NULL && vigil_scenario_check(args->demo) != 0)
		return (-1);
	if ((args->demo_time_scale != NULL || args->demo_start != NULL) &&
	    args->demo == NULL) {
		fprintf(stderr, "vigil: --demo-time-scale and --demo-start "
		    "only apply with --demo\n");
		return (-1);
	}
	if (args->demo_time_scale != NULL) {
		errno = 0;
		scale = strtod(args->demo_time_scale, &end);
		if (errno != 0 || end == args->demo_time_scale ||
		    *end != '\0' || !isfinite(scale) || scale <= 0) {
			fprintf(stderr, "vigil: --demo-time-scale \"%s\" is "
			    "not a positive number; give scenario seconds per "
			    "real second, for example 10\n",
			    args->demo_time_scale);
			return (-1);
		}
	}
	if (args->demo_start != NULL && util_parse_clock(args->demo_start,
	    &seconds, cause, sizeof cause) != 0) {
		fprintf(stderr, "vigil: --demo-start: %s\n", cause);
		return (-1);
	}
	return (0);
}

/*
 * Check that the options fit together and find the command.  Returns 0,
 * or -1 after saying what is wrong.
 */
static int
vigil_check(struct vigil_args *args, const struct vigil_command **command)
{
	size_t	 i, sources = 0;

	*command = NULL;
	if (args->command != NULL) {
		for (i = 0; i < nitems(vigil_commands); i++) {
			if (strcmp(args->command, vigil_commands[i].name) == 0)
				*command = &vigil_commands[i];
		}
		if (*command == NULL) {
			fprintf(stderr, "vigil: unknown command \"%s\"; the "
			    "commands are", args->command);
			for (i = 0; i < nitems(vigil_commands); i++)
				fprintf(stderr, "%s %s", i == 0 ? "" : ",",
				    vigil_commands[i].name);
			fprintf(stderr, " and help\n");
			return (-1);
		}
		if (vigil_check_command(args, *command) != 0)
			return (-1);
	} else if (args->noperands > 0)
		fatal("vigil_check: operands without a command");
	if (args->reason != NULL && (*command == NULL ||
	    (*command)->command != HEADLESS_PROPOSE)) {
		fprintf(stderr, "vigil: --reason applies only to propose\n");
		return (-1);
	}
	if (args->ttl_ms >= 0 && (*command == NULL ||
	    (*command)->command != HEADLESS_PROPOSE)) {
		fprintf(stderr, "vigil: --expires and --expires-seconds apply "
		    "only to propose\n");
		return (-1);
	}
	if (args->window != NULL && (*command == NULL ||
	    (*command)->command != HEADLESS_PROPOSE)) {
		fprintf(stderr, "vigil: --window applies only to propose "
		    "arm-kill\n");
		return (-1);
	}
	if ((args->to != NULL || args->set != NULL ||
	    args->override != NULL) && (*command == NULL ||
	    ((*command)->command != HEADLESS_PROPOSE &&
	    (*command)->command != HEADLESS_PLAN))) {
		fprintf(stderr, "vigil: --to, --set and --override apply only "
		    "to propose and plan, of a rollback or flag change (and "
		    "--to to propose move-root)\n");
		return (-1);
	}
	if (args->yes && (*command == NULL ||
	    ((*command)->command != HEADLESS_APPROVE &&
	    (*command)->command != HEADLESS_PROPOSE))) {
		fprintf(stderr, "vigil: --yes applies only to approve and "
		    "propose\n");
		return (-1);
	}
	if ((args->key != NULL || args->operator_name != NULL) &&
	    *command != NULL && ((*command)->takes & VIGIL_NO_FLEET)) {
		fprintf(stderr, "vigil: --key and --operator apply only to "
		    "what connects to backends: the console, which answers "
		    "their challenges with the key, and the commands but "
		    "audit\n");
		return (-1);
	}
	if (*command != NULL && ((*command)->takes & VIGIL_NO_FLEET))
		return (0);

	sources = (args->fleet_file != NULL) + (args->nconnect > 0) +
	    (args->demo != NULL);
	if (sources > 1) {
		fprintf(stderr, "vigil: give only one of --fleet, --connect "
		    "and --demo; they each name the whole fleet\n");
		return (-1);
	}
	if (vigil_check_demo(args) != 0)
		return (-1);

	if (args->json && (*command == NULL ||
	    !((*command)->takes & VIGIL_TAKES_JSON))) {
		fprintf(stderr, "vigil: --json applies to the status, watch, "
		    "alerts, pending, plan, propose, approve, cancel and fire "
		    "commands; add one, for example vigil status --json\n");
		return (-1);
	}
	if (args->for_ms >= 0 && (*command == NULL ||
	    (*command)->command != HEADLESS_WATCH)) {
		fprintf(stderr, "vigil: --for applies only to the watch "
		    "command; status and alerts take --wait\n");
		return (-1);
	}
	if (args->every_line && (*command == NULL ||
	    (*command)->command != HEADLESS_WATCH)) {
		fprintf(stderr, "vigil: --every-line applies only to the watch "
		    "command, for example vigil watch --every-line\n");
		return (-1);
	}
	return (0);
}

/*
 * Check a command's operands and the options only it takes.  Returns 0,
 * or -1 after saying what is wrong.
 */
static int
vigil_check_command(struct vigil_args *args,
    const struct vigil_command *command)
{
	int64_t	window;
	size_t	i;

	if (command->max == 0 && args->noperands > 0) {
		fprintf(stderr, "vigil: unexpected \"%s\" after the command "
		    "%s; give one command (see vigil --help)\n",
		    args->operands[0], command->name);
		return (-1);
	}
	if (args->noperands < command->min ||
	    args->noperands > command->max) {
		fprintf(stderr, "vigil: %s takes %s, as in vigil %s\n",
		    command->name, command->operands, command->example);
		return (-1);
	}
	switch (command->command) {
	case HEADLESS_PLAN:
		if (!proto_plan_applies(args->operands[0])) {
			fprintf(stderr, "vigil: plan takes rollback or flag, "
			    "not \"%s\", as in vigil %s\n",
			    args->operands[0], command->example);
			return (-1);
		}
		return (vigil_check_change(args));
	case HEADLESS_PROPOSE:
		if (command_spec_find(args->operands[0]) == NULL) {
			fprintf(stderr, "vigil: there is no command \"%s\" "
			    "to propose; the commands are ",
			    args->operands[0]);
			for (i = 0; i < command_nspecs; i++)
				fprintf(stderr, "%s%s (%s)",
				    util_list_sep(i, command_nspecs, 0),
				    command_specs[i].name,
				    command_specs[i].summary);
			fprintf(stderr, "\n");
			return (-1);
		}
		if (args->reason == NULL || *args->reason == '\0') {
			fprintf(stderr, "vigil: propose needs --reason TEXT: "
			    "the second operator and the audit log read "
			    "why\n");
			return (-1);
		}
		if (strlen(args->reason) >= PROTO_TEXT_MAX) {
			fprintf(stderr, "vigil: the reason is %zu bytes; a "
			    "command holds at most %d, so say it in fewer "
			    "words\n", strlen(args->reason),
			    PROTO_TEXT_MAX - 1);
			return (-1);
		}
		if (strcmp(args->operands[0], "move-root") == 0)
			return (vigil_check_move(args));
		if (proto_plan_applies(args->operands[0]) ||
		    args->to != NULL || args->set != NULL ||
		    args->override != NULL)
			return (vigil_check_change(args));
		if ((strcmp(args->operands[0], "arm-kill") == 0) !=
		    (args->window != NULL) || (args->window != NULL &&
		    command_window_parse(args->window, &window) != 0)) {
			fprintf(stderr, "vigil: arm-kill, and only arm-kill, "
			    "takes --window, a time such as 30m, 90s or 2h of "
			    "at most %lld hours\n",
			    COMMAND_MAX_WINDOW_MS / 3600000);
			return (-1);
		}
		return (vigil_check_nodes(args));
	case HEADLESS_APPROVE:
	case HEADLESS_CANCEL:
	case HEADLESS_FIRE:
		if (!vigil_id_ok(args->operands[0])) {
			fprintf(stderr, "vigil: \"%s\" is not a proposal id; "
			    "give its 32 lower-case hex digits, or at least "
			    "its first 8, as vigil pending shows them\n",
			    args->operands[0]);
			return (-1);
		}
		break;
	case HEADLESS_AUDIT:
		if (strcmp(args->operands[0], "verify") != 0) {
			fprintf(stderr, "vigil: audit takes %s, as in vigil "
			    "%s\n", command->operands, command->example);
			return (-1);
		}
		break;
	default:
		break;
	}
	return (0);
}

/* Are the operands after the action node ids?  0, or -1 said. */
static int
vigil_check_nodes(const struct vigil_args *args)
{
	size_t	i;

	for (i = 1; i < args->noperands; i++) {
		if (strlen(args->operands[i]) >= PROTO_ID_MAX ||
		    strchr(args->operands[i], '/') == NULL) {
			fprintf(stderr, "vigil: \"%s\" is not a node id; name "
			    "nodes as vigil status shows them, for example "
			    "router/r8\n", args->operands[i]);
			return (-1);
		}
	}
	return (0);
}

/* A move-root's --to and nodes.  0, or -1 said. */
static int
vigil_check_move(const struct vigil_args *args)
{
	if (args->to == NULL || args->set != NULL || args->override != NULL ||
	    args->window != NULL) {
		fprintf(stderr, "vigil: move-root needs its destination, --to "
		    "station/NAME, and takes no --set, --override or "
		    "--window\n");
		return (-1);
	}
	if (strlen(args->to) >= PROTO_ID_MAX || strchr(args->to, '/') ==
	    NULL) {
		fprintf(stderr, "vigil: \"%s\" is not a station id; name the "
		    "destination as vigil status shows it, for example "
		    "station/s2\n", args->to);
		return (-1);
	}
	return (vigil_check_nodes(args));
}

/* A rollback or flag change's options and nodes.  0, or -1 said. */
static int
vigil_check_change(const struct vigil_args *args)
{
	struct proto_plan_request	 req;
	char				*cause = NULL;

	if (cmd_plan_request(args->operands[0], args->to, args->set,
	    args->override, &req, &cause) != 0) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return (-1);
	}
	return (vigil_check_nodes(args));
}

/*
 * Is name one of the scenarios vigild lists?  Returns 0, or -1 after
 * saying which there are.  When vigild cannot be asked, the name passes:
 * starting the fleet will then say what is wrong.
 */
static int
vigil_scenario_check(const char *name)
{
	char	*list, *cause = NULL, *names[32], *p, *next;
	size_t	 n = 0, i;

	if ((list = demo_scenarios(&cause)) == NULL) {
		free(cause);
		return (0);
	}
	for (p = list; *p != '\0' && n < nitems(names); p = next) {
		next = p + strcspn(p, "\n");
		if (*next != '\0')
			*next++ = '\0';
		p[strcspn(p, " ")] = '\0';
		names[n++] = p;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			free(list);
			return (0);
		}
	}
	fprintf(stderr, "vigil: there is no scenario \"%s\"; the scenarios "
	    "are ", name);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", util_list_sep(i, n, 0), names[i]);
	fprintf(stderr, "\n");
	free(list);
	return (-1);
}

