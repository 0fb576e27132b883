/*
 * vigild.c: the backend daemon.  "vigild node" runs one router or
 * station; "vigild fleet" runs a whole simulated scenario in one
 * process, one listening port per node, or with --gateways in gateway
 * processes, one port each, and writes a fleet file the console reads.
 * Both serve vigil.v1 (server.c) until signalled, and carry out
 * two-person commands signed by the operators in --trust, recording
 * them in each node's audit log.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "audit.h"
#include "command.h"
#include "driver.h"
#include "local-ca.h"
#include "node-station.h"
#include "opkey.h"
#include "proto.h"
#include "server.h"
#include "sim.h"
#include "tls.h"
#include "util.h"

#define VIGILD_EXIT_RUNTIME	1	/* could not listen, write, run */
#define VIGILD_EXIT_USAGE	2	/* a bad argument */
#define VIGILD_MAX_NODES	10000	/* per kind: one port each */
#define VIGILD_MAX_GATEWAYS	100	/* processes of vigild fleet */
#define VIGILD_WAIT_US		100000	/* between looks at gateways */

/* What the command line asked for. */
struct vigild_args {
	const char		*command;	/* "node", "fleet", "agent" */
	struct sim_options	 sim;
	struct agent_options	 agent;
	const char		*facts_cmd;	/* agent's --facts-cmd */
	const char		*facts_file;
	const char		*facts_url;
	struct proto_flag	 flags[PROTO_MAX_FLAGS];
	size_t			 nflags;
	const char		*fleet_file;
	const char		*trust;		/* --trust FILE, or NULL */
	const char		*audit;		/* node's --audit FILE */
	const char		*audit_dir;	/* fleet's --audit-dir DIR */
	size_t			 reserve_mb;	/* --audit-reserve MB */
	const char		*cert;		/* --cert FILE */
	const char		*key;		/* --key FILE */
	int			 insecure;	/* --insecure: plain ws */
	int			 read;		/* --read: VIGILD_READ_* */
	char			 address[INET_ADDRSTRLEN];
	int			 port;		/* node's, or fleet's base */
	int			 gateways;	/* fleet's --gateways N */
	int			 help;		/* 1: help, 2: help scenarios */
	int			 version;	/* --version */
};

/*
 * What a gateway process of vigild fleet --gateways is handed: its
 * number, where to tell the parent its port, and the parent's local CA
 * (ca NULL: none) to issue its certificate from.
 */
struct vigild_gw {
	int		 k;
	int		 fd;
	struct tls_ca	*ca;
	struct tls_key	*key;
	const char	*ca_path;
};

#define VIGILD_NODE	0x1	/* an option of vigild node */
#define VIGILD_FLEET	0x2	/* an option of vigild fleet */
#define VIGILD_AGENT	0x4	/* an option of vigild agent */
#define VIGILD_OPT_BASE	256	/* getopt_long's value for vigild_opts[0] */

/* --read: who may read telemetry; unset, it follows the address. */
#define VIGILD_READ_DEFAULT	0
#define VIGILD_READ_ANYONE	1
#define VIGILD_READ_KEY		2

struct vigild_opt;
typedef void vigild_opt_fn(const struct vigild_opt *, const char *,
    struct vigild_args *);

/*
 * One long option: the commands that take it, the function that takes
 * its value, and what that function needs, so that one function serves
 * every option of a kind and each sentence is written once.
 */
struct vigild_opt {
	const char	*name;		/* "fleet-file", without "--" */
	int		 commands;	/* VIGILD_NODE | VIGILD_FLEET... */
	int		 bare;		/* takes no value */
	vigild_opt_fn	*parse;
	size_t		 off;		/* where in vigild_args it goes */
	size_t		 size;		/* a number's: int or size_t */
	long		 min, max;	/* a number's range; a word's length */
	const char	*what;		/* what an empty one lacks */
	const char	*example;	/* a value, for sentences */
	const char	*extra;		/* a word's characters beyond "._-" */
};
static const char vigild_usage[] =
"usage: vigild node --role router|station --id ID [--listen ADDR:PORT]\n"
"           [--group GROUP] [--build BUILD] [--flag NAME=PATH[:off]]...\n"
"           [--time-scale X] [--start HH:MM:SS] [--fleet-file FILE]\n"
"           [--trust FILE] [--audit FILE] [--audit-reserve MB]\n"
"           [--cert FILE --key FILE | --insecure]\n"
"           [--read anyone|key]\n"
"       vigild fleet [--scenario calm|knight|capital] --fleet-file FILE\n"
"           [--base-port N] [--listen-address ADDR] [--time-scale X]\n"
"           [--routers N] [--stations N] [--devices N] [--start HH:MM:SS]\n"
"           [--trust FILE] [--audit-dir DIR] [--audit-reserve MB]\n"
"           [--cert FILE --key FILE | --insecure]\n"
"           [--read anyone|key] [--gateways N]\n"
"       vigild agent --role router|station --id ID [--listen ADDR:PORT]\n"
"           [--fleet-file FILE] (--facts-cmd CMD | --facts-file FILE |\n"
"           --facts-url URL) [--on-kill CMD] [--on-resume CMD]\n"
"           [--on-rollback CMD] [--on-flag CMD] [--on-move-root CMD]\n"
"           [--hook-timeout SECONDS] --trust FILE --audit FILE\n"
"           [--audit-reserve MB] [--cert FILE --key FILE | --insecure]\n"
"           [--read anyone|key]\n"
"       vigild help [scenarios] | --version\n";

static const char vigild_help_text[] =
"\n"
"vigild serves the vigil.v1 websocket protocol for simulated order routers\n"
"and certificate stations, one listening port per node (or per gateway),\n"
"until SIGINT or SIGTERM, over TLS (wss://) unless --insecure is given.\n"
"Plain websockets are served on loopback addresses only, unless\n"
"--insecure is given.\n"
"\n"
"node: run one node.\n"
"  --role router|station  what the node is\n"
"  --id ID                its id, \"r1\" or \"router/r1\"\n"
"  --listen ADDR:PORT     where to listen (default 127.0.0.1:0; port 0\n"
"                         picks a free one and vigild prints it)\n"
"  --group GROUP          its group (default \"default\")\n"
"  --build BUILD          its build id (default: the simulator's)\n"
"  --flag NAME=PATH[:off] a flag and the code path it enables in this\n"
"                         build, on unless \":off\"; repeat for more\n"
"  --fleet-file FILE      also write FILE naming this node's URL\n"
"  --audit FILE           the node's audit log of commands (appended)\n"
"\n"
"fleet: run a scenario's whole fleet.\n"
"  --scenario NAME        calm (default), knight or capital\n"
"  --fleet-file FILE      write the nodes' URLs to FILE (required)\n"
"  --base-port N          node i listens on N+i; 0 (default) picks a\n"
"                         free port for each\n"
"  --listen-address ADDR  address to listen on (127.0.0.1); beyond\n"
"                         loopback it needs --cert and --key\n"
"  --routers N, --stations N, --devices N\n"
"                         fleet size and devices per station (default:\n"
"                         the scenario's)\n"
"  --audit-dir DIR        one audit log per node, DIR/ROLE-NAME.audit\n"
"  --gateways N           serve the nodes through N gateway processes,\n"
"                         each one port carrying its share of the nodes\n"
"                         (scenario calm); the fleet file marks each\n"
"                         \"gateway=COUNT\"\n"
"\n"
"agent: stand in front of one real router or station (vigild(8), AGENT).\n"
"  --role, --id, --listen, --fleet-file, --audit, --cert, --key,\n"
"  --insecure, --read     as for node\n"
"  --facts-cmd CMD        run CMD (sh -c) and read one JSON object of\n"
"                         facts per line from it, at least once a second\n"
"  --facts-file FILE      re-read FILE when it changes; its last line is\n"
"                         the facts\n"
"  --facts-url URL        poll http://127.0.0.1:PORT/PATH for the facts,\n"
"                         or HTTP on a Unix socket: unix:SOCKET[:/PATH]\n"
"  --on-kill CMD, --on-resume CMD, --on-rollback CMD, --on-flag CMD,\n"
"  --on-move-root CMD     the hook that carries out the action, run only\n"
"                         after two operators signed and the audit log\n"
"                         holds it; an action without one is refused\n"
"  --hook-timeout SECONDS a hook running longer is killed and reported\n"
"                         so (default 10)\n"
"\n"
"all:\n"
"  --time-scale X         scenario seconds per real second\n"
"  --start HH:MM:SS       scenario clock at start (default: the\n"
"                         scenario's)\n"
"  --trust FILE           operators whose signed commands are accepted,\n"
"                         one \"NAME ed25519 KEY\" a line (vigil-key pub);\n"
"                         without it, and without an audit log, every\n"
"                         command is refused\n"
"  --read anyone|key      who may read telemetry: any console, or only\n"
"                         one whose operator answers the hello's\n"
"                         challenge with a key in --trust (default:\n"
"                         anyone on 127.0.0.1, key elsewhere)\n"
"  --audit-reserve MB     below MB free (default 64) on the audit log's\n"
"                         filesystem, new proposals are refused so that\n"
"                         approvals and cancellations still fit\n"
"  --cert FILE, --key FILE\n"
"                         serve wss with this certificate (PEM, naming\n"
"                         the host and, as URI vigil:ROLE/NAME, each\n"
"                         node) and key (mode 600); vigil-key cert makes\n"
"                         them.  Without them, and with a fleet file, a\n"
"                         local CA is made, its certificate written to\n"
"                         the fleet file's name plus .ca for the console\n"
"  --insecure             serve plain ws, even beyond loopback\n"
"  --version              print vigild's version and exit\n"
"\n"
"A kill, resume or move-root is carried out only when two different\n"
"trusted operators have signed the same command, before it expires.\n"
"move-root seals the root key for the destination station's certified\n"
"transport key; the console relays it; the old holder keeps the root\n"
"until the destination confirms, and destroys its copy then.\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 when vigild cannot listen,\n"
"write its fleet file or open an audit log, 2 for a bad argument or\n"
"trust file.  See vigild(8).\n";

static volatile sig_atomic_t	 vigild_stopping;
static struct server		*volatile vigild_server;

static void	 vigild_usage_error(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	 vigild_print_help(FILE *f);
static void	 vigild_print_scenarios(FILE *f);
static void	 vigild_print_wrapped(FILE *f, int indent, const char *text);
static void	 vigild_on_signal(int signo);
static void	 vigild_signals(void);
static void	 vigild_say_started(const struct vigild_args *args,
		    const struct sim *sim, const struct server *server,
		    int tls, int64_t clock_ms);
static void	 vigild_parse(int argc, char **argv, struct vigild_args *args);
static const struct vigild_opt *vigild_find_opt(const char *name);
static void	 vigild_bad_option(const char *cmd, int which, int c,
		    const char *bad) __attribute__((noreturn));
static void	 vigild_parse_done(const char *cmd, struct vigild_args *args);
static void	 vigild_parse_agent(struct vigild_args *args);
static int	 vigild_serve(struct server *, const struct vigild_args *,
		    const struct opkey_trust *);
static int	 vigild_agent(const struct vigild_args *args,
		    const struct opkey_trust *trust);
static void	 vigild_parse_tls(const struct vigild_args *args);
static long	 vigild_parse_number(const char *option, const char *arg,
		    long min, long max, const char *example);
static void	 vigild_parse_listen(const struct vigild_opt *o,
		    const char *arg, struct vigild_args *args);
static void	 vigild_parse_address(const char *option, const char *arg,
		    const char *example, char *address, size_t len);
static void	 vigild_parse_flag(const struct vigild_opt *o,
		    const char *arg, struct vigild_args *args);
static void	 vigild_check_word(const char *option, const char *arg,
		    size_t max, const char *extra);
static vigild_opt_fn vigild_opt_path, vigild_opt_string, vigild_opt_word,
		    vigild_opt_number, vigild_opt_role, vigild_opt_time_scale,
		    vigild_opt_start, vigild_opt_scenario, vigild_opt_address,
		    vigild_opt_bare, vigild_opt_read, vigild_opt_hook;
static int	 vigild_read_key(const struct vigild_args *args);
static void	 vigild_say_reading(const struct vigild_args *args);
static int	 vigild_write_fleet_file(const char *path,
		    const char *scenario, double scale, int64_t clock_ms,
		    const char *ca_path, const char *lines, char **cause);
static char	*vigild_node_lines(const struct driver *d,
		    const struct server *server,
		    const struct vigild_args *args);
static int	 vigild_gateways(struct vigild_args *args,
		    const struct opkey_trust *trust);
static void	 vigild_gateway(struct vigild_args *args,
		    const struct opkey_trust *trust,
		    const struct vigild_gw *gw) __attribute__((noreturn));
static int	 vigild_gateways_start(struct vigild_args *args,
		    const struct opkey_trust *trust, struct vigild_gw *gw,
		    pid_t *pids, FILE *lines, int64_t *clock_ms);
static int	 vigild_gateways_wait(const struct vigild_args *args,
		    pid_t *pids);
static int	 vigild_run(struct server *server);
static int	 vigild_fleet_serve(const struct vigild_args *args,
		    struct sim *sim, const struct opkey_trust *trust,
		    const struct vigild_gw *gw);
static const struct server_tls *vigild_tls(const struct vigild_args *args,
		    const struct driver *d, const struct vigild_gw *gw,
		    struct local_ca *lca, struct server_tls *tls,
		    char **cause);
static struct audit **vigild_open_audits(const struct vigild_args *args,
		    const struct sim *sim, char **cause);
static void	 vigild_close_audits(struct audit **audits, size_t n);
static void	 vigild_say_commands(const struct vigild_args *args,
		    const struct opkey_trust *trust);

#define A(member)	offsetof(struct vigild_args, member)
#define N		VIGILD_NODE
#define F		VIGILD_FLEET
#define G		VIGILD_AGENT
#define HOOK(n)	{ .name = (n), .commands = G, .parse = vigild_opt_hook, \
	  .what = "a command", .example = "/usr/local/libexec/vigil/hook" }

/* Every option of vigild node and vigild fleet. */
static const struct vigild_opt vigild_opts[] = {
	{ .name = "role", .commands = N|G, .parse = vigild_opt_role },
	{ .name = "id", .commands = N|G, .parse = vigild_opt_string,
	  .off = A(sim.id) },
	{ .name = "listen", .commands = N|G, .parse = vigild_parse_listen },
	{ .name = "group", .commands = N, .parse = vigild_opt_word,
	  .off = A(sim.group), .max = PROTO_NAME_MAX - 1 },
	{ .name = "build", .commands = N, .parse = vigild_opt_word,
	  .off = A(sim.build), .max = PROTO_NAME_MAX - 1, .extra = "+:" },
	{ .name = "flag", .commands = N, .parse = vigild_parse_flag },
	{ .name = "scenario", .commands = F, .parse = vigild_opt_scenario },
	{ .name = "fleet-file", .commands = N|F|G, .parse = vigild_opt_path,
	  .off = A(fleet_file), .what = "a file name",
	  .example = "/tmp/fleet" },
	{ .name = "base-port", .commands = F, .parse = vigild_opt_number,
	  .off = A(port), .size = sizeof (int), .min = 0, .max = 65535,
	  .example = "9001" },
	{ .name = "listen-address", .commands = F,
	  .parse = vigild_opt_address },
	{ .name = "gateways", .commands = F, .parse = vigild_opt_number,
	  .off = A(gateways), .size = sizeof (int), .min = 1,
	  .max = VIGILD_MAX_GATEWAYS, .example = "20" },
	{ .name = "time-scale", .commands = N|F,
	  .parse = vigild_opt_time_scale },
	{ .name = "routers", .commands = F, .parse = vigild_opt_number,
	  .off = A(sim.routers), .size = sizeof (int), .min = 1,
	  .max = VIGILD_MAX_NODES, .example = "8" },
	{ .name = "stations", .commands = F, .parse = vigild_opt_number,
	  .off = A(sim.stations), .size = sizeof (int), .min = 1,
	  .max = VIGILD_MAX_NODES, .example = "38" },
	{ .name = "devices", .commands = F, .parse = vigild_opt_number,
	  .off = A(sim.devices), .size = sizeof (size_t), .min = 1,
	  .max = STATION_MAX_DEVICES, .example = "100" },
	{ .name = "start", .commands = N|F, .parse = vigild_opt_start },
	{ .name = "trust", .commands = N|F|G, .parse = vigild_opt_path,
	  .off = A(trust), .what = "the trust file",
	  .example = "/etc/vigil/operators" },
	{ .name = "audit", .commands = N|G, .parse = vigild_opt_path,
	  .off = A(audit), .what = "a file name",
	  .example = "/var/lib/vigil/r8.audit" },
	{ .name = "audit-dir", .commands = F, .parse = vigild_opt_path,
	  .off = A(audit_dir), .what = "a directory",
	  .example = "/var/lib/vigil" },
	{ .name = "audit-reserve", .commands = N|F|G,
	  .parse = vigild_opt_number, .off = A(reserve_mb),
	  .size = sizeof (size_t), .min = 0, .max = 1L << 24,
	  .example = "64" },
	{ .name = "facts-cmd", .commands = G, .parse = vigild_opt_path,
	  .off = A(facts_cmd), .what = "a command",
	  .example = "/usr/local/libexec/vigil/router-facts" },
	{ .name = "facts-file", .commands = G, .parse = vigild_opt_path,
	  .off = A(facts_file), .what = "a file name",
	  .example = "/run/smars/facts.json" },
	{ .name = "facts-url", .commands = G, .parse = vigild_opt_path,
	  .off = A(facts_url), .what = "a URL",
	  .example = "http://127.0.0.1:9100/vigil-facts" },
	HOOK("on-kill"), HOOK("on-resume"), HOOK("on-rollback"),
	HOOK("on-flag"), HOOK("on-move-root"),
	{ .name = "hook-timeout", .commands = G, .parse = vigild_opt_number,
	  .off = A(agent.hook_timeout_s), .size = sizeof (int), .min = 1,
	  .max = 3600, .example = "10" },
	{ .name = "cert", .commands = N|F|G, .parse = vigild_opt_path,
	  .off = A(cert), .what = "a certificate file",
	  .example = "/etc/vigil/r8.pem" },
	{ .name = "key", .commands = N|F|G, .parse = vigild_opt_path,
	  .off = A(key), .what = "a key file",
	  .example = "/etc/vigil/r8.key" },
	{ .name = "insecure", .commands = N|F|G, .bare = 1,
	  .parse = vigild_opt_bare, .off = A(insecure) },
	{ .name = "read", .commands = N|F|G, .parse = vigild_opt_read },
	{ .name = "help", .commands = N|F|G, .bare = 1,
	  .parse = vigild_opt_bare, .off = A(help) },
	{ .name = "version", .commands = N|F|G, .bare = 1,
	  .parse = vigild_opt_bare, .off = A(version) },
};

#undef A
#undef N
#undef F
#undef G
#undef HOOK

/*
 * Report a bad argument as a sentence and exit 2: the operator typed
 * something vigild cannot run, and retrying will not help.
 */
static void
vigild_usage_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	util_vsay("vigild", fmt, ap);
	va_end(ap);
	exit(VIGILD_EXIT_USAGE);
}

/* Print text word-wrapped to 76 columns, each line indented. */
static void
vigild_print_wrapped(FILE *f, int indent, const char *text)
{
	const char	*p = text, *end;
	int		 col = 0, n;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " ");
		n = (int)(end - p);
		if (col > 0 && col + 1 + n > 76) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0)
			col = fprintf(f, "%*s%.*s", indent, "", n, p);
		else
			col += fprintf(f, " %.*s", n, p);
		p = end;
	}
	if (col > 0)
		fputc('\n', f);
}

/* Print the usage, the options and the scenarios. */
static void
vigild_print_help(FILE *f)
{
	size_t	i;
	char	clock[16];

	fputs(vigild_usage, f);
	fputs(vigild_help_text, f);
	fputs("\nscenarios:\n", f);
	for (i = 0; i < sim_nscenarios; i++) {
		if (strcmp(sim_scenarios[i].name, "node") == 0)
			continue;
		util_clock_text((int64_t)sim_scenarios[i].start_s * 1000,
		    clock, sizeof clock);
		fprintf(f, "  %-8s %d routers, %d stations, from %s %s, "
		    "time scale %g\n", sim_scenarios[i].name,
		    sim_scenarios[i].routers, sim_scenarios[i].stations,
		    sim_scenarios[i].date, clock, sim_scenarios[i].time_scale);
		vigild_print_wrapped(f, 11, sim_scenarios[i].summary);
	}
}

/*
 * Print each scenario of vigild fleet as "NAME SUMMARY" on one line, for
 * vigil's --help: the console names the scenarios without linking the
 * simulator.
 */
static void
vigild_print_scenarios(FILE *f)
{
	size_t	i;

	for (i = 0; i < sim_nscenarios; i++) {
		if (strcmp(sim_scenarios[i].name, "node") != 0)
			fprintf(f, "%s %s\n", sim_scenarios[i].name,
			    sim_scenarios[i].summary);
	}
}

/* SIGINT or SIGTERM: stop the loop; async-signal-safe. */
static void
vigild_on_signal(int signo)
{
	struct server	*server = vigild_server;

	(void)signo;
	vigild_stopping = 1;
	if (server != NULL)
		server_stop(server);
}

/* The option called name (up to an "="), or NULL. */
static const struct vigild_opt *
vigild_find_opt(const char *name)
{
	size_t	i, n = strcspn(name, "=");

	for (i = 0; i < nitems(vigild_opts); i++) {
		if (strlen(vigild_opts[i].name) == n &&
		    strncmp(vigild_opts[i].name, name, n) == 0)
			return (&vigild_opts[i]);
	}
	return (NULL);
}

/* Parse a whole number in [min, max] or exit 2 saying what to give. */
static long
vigild_parse_number(const char *option, const char *arg, long min, long max,
    const char *example)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno != 0)
		vigild_usage_error("%s \"%s\" is not a whole number; give "
		    "one from %ld to %ld, for example %s %s", option, arg, min,
		    max, option, example);
	if (v < min || v > max)
		vigild_usage_error("%s %ld is out of range; give a number "
		    "from %ld to %ld, for example %s %s", option, v, min, max,
		    option, example);
	return (v);
}

/*
 * Parse host, a numeric IPv4 address; given is the option as typed and
 * example a corrected one, for the sentence.  Whether it may be beyond
 * loopback depends on TLS (vigild_parse_done).
 */
static void
vigild_parse_address(const char *given, const char *host,
    const char *example, char *address, size_t len)
{
	struct in_addr	in;

	if (strchr(host, ':') != NULL || host[0] == '[')
		vigild_usage_error("%s: %s is not an IPv4 address; vigild "
		    "listens on IPv4 only, for example %s", given,
		    host, example);
	if (inet_pton(AF_INET, host, &in) != 1)
		vigild_usage_error("%s: %s is not a numeric IPv4 address; "
		    "vigild does not look names up, so give one such as %s",
		    given, host, example);
	(void)in;
	util_copy(address, len, host);
}

/* Parse --listen ADDR:PORT (or PORT alone, on 127.0.0.1). */
static void
vigild_parse_listen(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	const char	*colon, *port;
	char		 host[64], given[128], example[64];
	char		*end;
	size_t		 n;
	long		 v;

	(void)o;
	util_format(given, sizeof given, "--listen %s", arg);
	if ((colon = strrchr(arg, ':')) == NULL) {
		util_copy(host, sizeof host, "127.0.0.1");
		port = arg;
	} else {
		n = (size_t)(colon - arg);
		if (n >= sizeof host)
			n = sizeof host - 1;
		memcpy(host, arg, n);
		host[n] = '\0';
		if (n == 0)
			util_copy(host, sizeof host, "127.0.0.1");
		port = colon + 1;
	}
	errno = 0;
	v = strtol(port, &end, 10);
	if (port[0] == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > 65535)
		vigild_usage_error("%s: \"%s\" is not a port; give ADDR:PORT "
		    "with a port from 0 to 65535 (0 picks a free one), "
		    "for example --listen 127.0.0.1:9001", given, port);
	args->port = (int)v;
	util_format(example, sizeof example, "--listen 127.0.0.1:%ld", v);
	vigild_parse_address(given, host, example, args->address,
	    sizeof args->address);
}

/*
 * Check a name (group, build, flag path) is one word of letters, digits
 * and ".-_" (plus extra), at most max bytes, or exit 2.
 */
static void
vigild_check_word(const char *option, const char *arg, size_t max,
    const char *extra)
{
	const char	*p;

	if (arg[0] == '\0')
		vigild_usage_error("%s is empty; give a name", option);
	if (strlen(arg) > max)
		vigild_usage_error("%s \"%.80s\" is longer than %zu bytes; "
		    "give a shorter name", option, arg, max);
	for (p = arg; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-", *p) != NULL ||
		    (extra != NULL && strchr(extra, *p) != NULL))
			continue;
		vigild_usage_error("%s \"%.80s\" holds the character '%c'; "
		    "use only letters, digits and \"._-%s\"", option, arg,
		    (*p >= 0x20 && *p < 0x7f) ? *p : '?',
		    extra != NULL ? extra : "");
	}
}

/* Parse --flag NAME=PATH[:off] into args->flags. */
static void
vigild_parse_flag(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	struct proto_flag	*flag;
	const char		*eq;
	char			 name[PROTO_FLAG_NAME_MAX * 2];
	char			 path[PROTO_NAME_MAX * 2];
	size_t			 n, i;
	int			 on = 1;

	(void)o;
	if ((eq = strchr(arg, '=')) == NULL || eq == arg)
		vigild_usage_error("--flag \"%s\" is not NAME=PATH; write the "
		    "flag's name and the code path it enables in this build, "
		    "for example --flag rlp=retail_liquidity", arg);
	n = (size_t)(eq - arg);
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, arg, n);
	name[n] = '\0';
	util_copy(path, sizeof path, eq + 1);
	n = strlen(path);
	if (n > 4 && strcmp(path + n - 4, ":off") == 0) {
		on = 0;
		path[n - 4] = '\0';
	} else if (n > 3 && strcmp(path + n - 3, ":on") == 0)
		path[n - 3] = '\0';
	vigild_check_word("--flag name", name, PROTO_FLAG_NAME_MAX - 1, NULL);
	vigild_check_word("--flag path", path, PROTO_NAME_MAX - 1, NULL);
	for (i = 0; i < args->nflags; i++) {
		if (strcmp(args->flags[i].name, name) == 0)
			vigild_usage_error("--flag %s is given twice; a flag "
			    "enables one code path in a build, so give it "
			    "once", name);
	}
	if (args->nflags == PROTO_MAX_FLAGS)
		vigild_usage_error("more than %d --flag options; a node "
		    "reports at most %d flags", PROTO_MAX_FLAGS,
		    PROTO_MAX_FLAGS);
	flag = &args->flags[args->nflags++];
	util_copy(flag->name, sizeof flag->name, name);
	util_copy(flag->path, sizeof flag->path, path);
	flag->on = on;
}

/* A file or directory: any text but an empty one. */
static void
vigild_opt_path(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	if (arg[0] == '\0')
		vigild_usage_error("--%s is empty; give %s, for example "
		    "--%s %s", o->name, o->what, o->name, o->example);
	*(const char **)(void *)((char *)args + o->off) = arg;
}

/* --on-ACTION CMD: the hook for an action (agent_hook_specs). */
static void
vigild_opt_hook(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	size_t	k;

	if (arg[0] == '\0')
		vigild_usage_error("--%s is empty; give %s, for example "
		    "--%s %s", o->name, o->what, o->name, o->example);
	for (k = 0; k < AGENT_NHOOKS; k++) {
		if (strcmp(agent_hook_specs[k].option, o->name) == 0)
			args->agent.hooks[k] = arg;
	}
}

/* Text checked later, with what else was given (--id). */
static void
vigild_opt_string(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	*(const char **)(void *)((char *)args + o->off) = arg;
}

/* A name of one word (--group, --build). */
static void
vigild_opt_word(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	char	given[32];

	util_format(given, sizeof given, "--%s", o->name);
	vigild_check_word(given, arg, (size_t)o->max, o->extra);
	*(const char **)(void *)((char *)args + o->off) = arg;
}

/* A whole number in the option's range, into an int or a size_t. */
static void
vigild_opt_number(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	char	given[32], *p = (char *)args + o->off;
	long	v;

	util_format(given, sizeof given, "--%s", o->name);
	v = vigild_parse_number(given, arg, o->min, o->max, o->example);
	if (o->size == sizeof (size_t))
		*(size_t *)(void *)p = (size_t)v;
	else
		*(int *)(void *)p = (int)v;
}

/* --role router|station. */
static void
vigild_opt_role(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	(void)o;
	if (proto_role_parse(arg, &args->sim.role) != 0 ||
	    args->sim.role == ROLE_NONE)
		vigild_usage_error("--role \"%s\" is not a role; give --role "
		    "router or --role station", arg);
}

/* --time-scale X: scenario seconds per real second. */
static void
vigild_opt_time_scale(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	double	 scale;
	char	*end;

	(void)o;
	errno = 0;
	scale = strtod(arg, &end);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 ||
	    !isfinite(scale) || scale <= 0 || scale > 10000)
		vigild_usage_error("--time-scale \"%s\" is not a number above "
		    "0 and at most 10000; it is scenario seconds per real "
		    "second, for example --time-scale 60", arg);
	args->sim.time_scale = scale;
}

/* --start HH:MM:SS. */
static void
vigild_opt_start(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	char	cause[256];

	(void)o;
	if (util_parse_clock(arg, &args->sim.start_s, cause,
	    sizeof cause) != 0)
		vigild_usage_error("--start: %s", cause);
}

/* --scenario NAME, one of the simulator's (not "node", vigild node's). */
static void
vigild_opt_scenario(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	char	names[256] = "", *p;
	size_t	i, n = 0, left = 0;

	(void)o;
	for (i = 0; i < sim_nscenarios; i++) {
		if (strcmp(sim_scenarios[i].name, "node") == 0)
			continue;
		if (strcmp(sim_scenarios[i].name, arg) == 0) {
			args->sim.scenario = arg;
			return;
		}
		left++;
	}
	for (i = 0; i < sim_nscenarios; i++) {
		if (strcmp(sim_scenarios[i].name, "node") == 0)
			continue;
		p = names + strlen(names);
		util_format(p, sizeof names - (size_t)(p - names), "%s%s",
		    util_list_sep(n, left, 1), sim_scenarios[i].name);
		n++;
	}
	vigild_usage_error("--scenario \"%s\" is not a scenario; give %s "
	    "(vigild help lists them)", arg, names);
}

/* --listen-address ADDR: a loopback address for every node. */
static void
vigild_opt_address(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	char	given[128];

	(void)o;
	util_format(given, sizeof given, "--listen-address %s", arg);
	vigild_parse_address(given, arg, "--listen-address 127.0.0.1",
	    args->address, sizeof args->address);
}

/* A bare option (--help, --version): the int at o->off becomes 1. */
static void
vigild_opt_bare(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	(void)arg;
	*(int *)(void *)((char *)args + o->off) = 1;
}

/*
 * An option getopt_long refused (c is ':' for a missing value); bad is
 * the word at fault, if known.  Exits 2 with a sentence.
 */
static void
vigild_bad_option(const char *cmd, int which, int c, const char *bad)
{
	const struct vigild_opt	*o;

	if (c == ':')
		vigild_usage_error("vigild %s: %s needs a value; run "
		    "\"vigild help\" for the options", cmd,
		    bad != NULL ? bad : "the last option");
	if (bad == NULL || strncmp(bad, "--", 2) != 0)
		vigild_usage_error("vigild %s: \"%s\" is not an option; "
		    "options are long, such as --fleet-file FILE (run "
		    "\"vigild help\")", cmd, bad != NULL ? bad : "?");
	if ((o = vigild_find_opt(bad + 2)) != NULL && (~o->commands & which))
		vigild_usage_error("vigild %s: %s belongs to \"vigild %s\", "
		    "not \"vigild %s\"; run \"vigild help\" for the options",
		    cmd, bad, (o->commands & VIGILD_NODE) ? "node" :
		    (o->commands & VIGILD_FLEET) ? "fleet" : "agent", cmd);
	vigild_usage_error("vigild %s: %s is not an option; run \"vigild "
	    "help\" for the options", cmd, bad);
}

/* What the options of cmd need together, or exit 2 with a sentence. */
static void
vigild_parse_done(const char *cmd, struct vigild_args *args)
{
	const char	*id = args->sim.id, *role;
	size_t		 n;

	vigild_parse_tls(args);
	if (strcmp(cmd, "fleet") == 0) {
		if (args->fleet_file == NULL)
			vigild_usage_error("vigild fleet needs --fleet-file "
			    "FILE: vigild writes the nodes' websocket URLs "
			    "there for \"vigil --fleet FILE\" to read");
		return;
	}
	if (args->sim.role == ROLE_NONE)
		vigild_usage_error("vigild %s needs --role router or --role "
		    "station", cmd);
	if (id == NULL)
		vigild_usage_error("vigild %s needs --id, the node's name, "
		    "for example --id r1", cmd);
	vigild_check_word("--id", id, PROTO_ID_MAX - 1, "/");
	role = proto_role_name(args->sim.role);
	n = strlen(role);
	if (strchr(id, '/') != NULL && (strncmp(id, role, n) != 0 ||
	    id[n] != '/' || strchr(id + n + 1, '/') != NULL ||
	    id[n + 1] == '\0'))
		vigild_usage_error("--id %s does not fit --role %s; give the "
		    "bare name (--id r1) or %s/NAME", id, role, role);
	if (args->nflags > 0) {
		args->sim.flags = args->flags;
		args->sim.nflags = args->nflags;
	}
	if (strcmp(cmd, "agent") == 0)
		vigild_parse_agent(args);
}

/*
 * What vigild agent needs together: one facts source, a trust file and
 * an audit log (a real node's commands are never unguarded), or exit 2.
 */
static void
vigild_parse_agent(struct vigild_args *args)
{
	struct agent_options	*a = &args->agent;
	const char		*id = args->sim.id;
	char			*cause;
	int			 n = 0;

	a->role = args->sim.role;
	if (strchr(id, '/') == NULL)
		a->id = xasprintf("%s/%s", proto_role_name(a->role), id);
	else
		a->id = xstrdup(id);
	if (args->facts_cmd != NULL) {
		a->facts_kind = AGENT_FACTS_CMD;
		a->facts = args->facts_cmd;
		n++;
	}
	if (args->facts_file != NULL) {
		a->facts_kind = AGENT_FACTS_FILE;
		a->facts = args->facts_file;
		n++;
	}
	if (args->facts_url != NULL) {
		a->facts_kind = AGENT_FACTS_URL;
		a->facts = args->facts_url;
		n++;
	}
	if (n != 1)
		vigild_usage_error("vigild agent needs exactly one source of "
		    "the node's facts: --facts-cmd CMD, --facts-file FILE or "
		    "--facts-url URL (%d given)", n);
	if (agent_facts_check(a->facts_kind, a->facts, &cause) != 0)
		vigild_usage_error("%s", cause);
	if (args->trust == NULL || args->audit == NULL)
		vigild_usage_error("vigild agent needs --trust FILE and "
		    "--audit FILE: it carries out commands on a real node only "
		    "when two trusted operators signed them, and records each "
		    "in its audit log");
}

/*
 * Check the TLS options fit together: --cert with --key, not with
 * --insecure, and plain websockets anywhere but 127.0.0.1 only when
 * asked for by name, since anyone on the network could then read and
 * forge them.  The rest of 127/8 counts as beyond loopback: it is how
 * one machine stands in for two (and how the tests do).
 */
static void
vigild_parse_tls(const struct vigild_args *args)
{
	if ((args->cert == NULL) != (args->key == NULL))
		vigild_usage_error("--%s needs --%s too: a certificate is "
		    "served with its key", args->cert == NULL ? "key" :
		    "cert", args->cert == NULL ? "cert" : "key");
	if (args->cert != NULL && args->insecure)
		vigild_usage_error("--insecure and --cert contradict each "
		    "other; give --cert and --key for wss, or --insecure "
		    "alone for plain ws");
	if (strcmp(args->address, "127.0.0.1") != 0 && args->cert == NULL &&
	    !args->insecure)
		vigild_usage_error("%s is not 127.0.0.1, and beyond loopback "
		    "vigild serves only wss: give --cert FILE and "
		    "--key FILE (vigil-key cert makes them), or --insecure "
		    "to serve plain ws that anyone on the network can read "
		    "and forge", args->address);
}

/* Parse the command line into args, or exit 2 with a sentence. */
static void
vigild_parse(int argc, char **argv, struct vigild_args *args)
{
	struct option	 longopts[nitems(vigild_opts) + 1];
	const char	*cmd;
	size_t		 i, n = 0;
	int		 c, which;

	memset(args, 0, sizeof *args);
	args->sim.start_s = -1;
	args->reserve_mb = (size_t)(COMMAND_DEFAULT_RESERVE >> 20);
	util_copy(args->address, sizeof args->address, "127.0.0.1");
	if (argc < 2) {
		fputs(vigild_usage, stderr);
		fputs("vigild: say what to run: \"vigild fleet --fleet-file "
		    "FILE\" for a simulated fleet, or \"vigild help\"\n",
		    stderr);
		exit(VIGILD_EXIT_USAGE);
	}
	cmd = args->command = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		args->help = argc > 2 && strcmp(argv[2], "scenarios") == 0 ?
		    2 : 1;
		return;
	}
	if (strcmp(cmd, "--version") == 0) {
		args->version = 1;
		return;
	}
	if (strcmp(cmd, "node") == 0) {
		which = VIGILD_NODE;
		args->sim.scenario = "node";
	} else if (strcmp(cmd, "fleet") == 0) {
		which = VIGILD_FLEET;
		args->sim.scenario = "calm";
	} else if (strcmp(cmd, "agent") == 0)
		which = VIGILD_AGENT;
	else
		vigild_usage_error("\"%s\" is not a vigild command; run "
		    "\"vigild node ...\", \"vigild fleet ...\", \"vigild "
		    "agent ...\" or \"vigild help\"", cmd);

	/* getopt_long's table: this command's options, by index. */
	memset(longopts, 0, sizeof longopts);
	for (i = 0; i < nitems(vigild_opts); i++) {
		if (~vigild_opts[i].commands & which)
			continue;
		longopts[n].name = vigild_opts[i].name;
		longopts[n].has_arg = vigild_opts[i].bare ? no_argument :
		    required_argument;
		longopts[n++].val = VIGILD_OPT_BASE + (int)i;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, ":", longopts,
	    NULL)) != -1) {
		if (c < VIGILD_OPT_BASE)
			vigild_bad_option(cmd, which, c, argv[optind]);
		i = (size_t)(c - VIGILD_OPT_BASE);
		vigild_opts[i].parse(&vigild_opts[i], optarg, args);
		if (args->help || args->version)
			return;
	}
	if (optind < argc - 1)
		vigild_usage_error("vigild %s: unexpected argument \"%s\"; "
		    "every setting is an option such as --fleet-file FILE",
		    cmd, argv[optind + 1]);
	vigild_parse_done(cmd, args);
}

/*
 * Decide how the nodes of d serve TLS: the operator's --cert and --key
 * (checked here, so that a bad file gets a sentence rather than a
 * libwebsockets log line), a local CA when there is a fleet file to
 * name its certificate in (for a gateway, gw's: one certificate naming
 * all its nodes), or nothing (plain ws, on loopback or with
 * --insecure).  Returns what server_create() takes, NULL for plain
 * websockets; or NULL and a sentence in *cause.
 */
static const struct server_tls *
vigild_tls(const struct vigild_args *args, const struct driver *d,
    const struct vigild_gw *gw, struct local_ca *lca, struct server_tls *tls,
    char **cause)
{
	char	*ca_path;
	int	 rc;

	memset(tls, 0, sizeof *tls);
	memset(lca, 0, sizeof *lca);
	if (args->cert != NULL) {
		if (tls_check_pair(args->cert, args->key, cause) != 0)
			return (NULL);
		tls->cert_path = args->cert;
		tls->key_path = args->key;
		return (tls);
	}
	if (args->insecure || args->fleet_file == NULL)
		return (NULL);
	if (gw != NULL) {
		if (gw->ca == NULL || local_ca_gateway(lca, gw->ca, gw->key,
		    d, args->address, gw->ca_path, cause) != 0)
			return (NULL);
		tls->certs = lca->certs;
		tls->key = lca->key;
		return (tls);
	}
	ca_path = xasprintf("%s.ca", args->fleet_file);
	rc = local_ca_make(lca, d, args->address, ca_path, cause);
	free(ca_path);
	if (rc != 0)
		return (NULL);
	tls->certs = lca->certs;
	tls->key = lca->key;
	return (tls);
}

/* One fleet-file line per node: its URL, with its id as a comment. */
static char *
vigild_node_lines(const struct driver *d, const struct server *server,
    const struct vigild_args *args)
{
	char	*lines = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	if ((f = open_memstream(&lines, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	for (i = 0; i < d->ops->nnodes(d->arg); i++)
		fprintf(f, "%s://%s:%d/ # %s\n", args->insecure ? "ws" : "wss",
		    args->address, server_port(server, i),
		    d->ops->node_id(d->arg, i));
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	return (lines);
}

/*
 * Write the fleet file: comments saying what runs (scenario, if not
 * NULL, its clock at clock_ms and time scale; otherwise an agent), the
 * CA to trust when vigild made one ("ca FILE", relative to the fleet
 * file), then lines, the URLs.  It goes to path.tmp first and is
 * renamed into place, so a console never reads a half-written file.
 */
static int
vigild_write_fleet_file(const char *path, const char *scenario,
    double scale, int64_t clock_ms, const char *ca_path, const char *lines,
    char **cause)
{
	const char	*base;
	FILE		*f;
	char		*tmp, clock[16], date[32], started[32];
	struct tm	 tm;
	time_t		 t;
	int		 fd, saved;

	t = (time_t)(clock_ms / 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
		util_copy(date, sizeof date, "?");
	util_clock_text(clock_ms, clock, sizeof clock);
	t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		util_copy(started, sizeof started, "?");

	tmp = xasprintf("%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		if (fd != -1)
			close(fd);
		*cause = xasprintf("cannot write fleet file %s: %s; check "
		    "that its directory exists and is writable", tmp,
		    strerror(saved));
		free(tmp);
		return (-1);
	}
	fprintf(f, "# vigil fleet file written by vigild: one websocket URL "
	    "per line;\n# \"#\" starts a comment anywhere on a line.\n");
	if (scenario != NULL)
		fprintf(f, "# scenario %s, clock starts %s %s UTC, time scale "
		    "%g\n", scenario, date, clock, scale);
	else
		fprintf(f, "# vigild agent for a real node\n");
	fprintf(f, "# started at %s by vigild pid %ld\n", started,
	    (long)getpid());
	if (ca_path != NULL) {
		base = strrchr(ca_path, '/');
		fprintf(f, "ca %s # the CA vigild made for its nodes\n",
		    base != NULL ? base + 1 : ca_path);
	}
	fputs(lines, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		saved = errno;
		fclose(f);
		unlink(tmp);
		*cause = xasprintf("cannot write fleet file %s: %s; check "
		    "that the disk has room", tmp, strerror(saved));
		free(tmp);
		return (-1);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		*cause = xasprintf("cannot put fleet file %s in place: %s; "
		    "check that its directory is writable", path,
		    strerror(saved));
		free(tmp);
		return (-1);
	}
	free(tmp);
	return (0);
}

/*
 * Open each node's audit log: node's --audit FILE, or DIR/ROLE-NAME.audit
 * under the fleet's --audit-dir (made, mode 0700, if missing).  Returns
 * an array of sim_nnodes() logs, NULL entries when no log was asked
 * for; or NULL and an allocated sentence in *cause, nothing left open.
 */
static struct audit **
vigild_open_audits(const struct vigild_args *args, const struct sim *sim,
    char **cause)
{
	struct audit	**audits;
	struct stat	  st;
	char		 *path, *why = NULL, *slash;
	size_t		  i, n = sim_nnodes(sim);

	audits = xcalloc(n, sizeof *audits);
	if (args->audit == NULL && args->audit_dir == NULL)
		return (audits);
	if (args->audit_dir != NULL && stat(args->audit_dir, &st) == -1 &&
	    (errno != ENOENT || mkdir(args->audit_dir, 0700) == -1)) {
		*cause = xasprintf("cannot use audit directory %s: %s; make "
		    "it, or give --audit-dir a directory vigild may write",
		    args->audit_dir, strerror(errno));
		free(audits);
		return (NULL);
	}
	for (i = 0; i < n; i++) {
		if (args->audit_dir != NULL) {
			path = xasprintf("%s/%s.audit", args->audit_dir,
			    sim_node_id(sim, i));
			slash = strrchr(path, '/');
			*slash = '-';
		} else
			path = xstrdup(args->audit);
		if ((audits[i] = audit_open(path, &why)) == NULL) {
			*cause = xasprintf("%s: %s", sim_node_id(sim, i),
			    why != NULL ? why : "its audit log cannot be "
			    "opened");
			free(why);
			free(path);
			vigild_close_audits(audits, n);
			return (NULL);
		}
		free(path);
	}
	return (audits);
}

/* Close the n audit logs (NULL entries are skipped) and free the array. */
static void
vigild_close_audits(struct audit **audits, size_t n)
{
	size_t	i;

	if (audits == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (audits[i] != NULL)
			audit_close(audits[i]);
	}
	free(audits);
}

/* Say on standard output whether and how commands are accepted. */
static void
vigild_say_commands(const struct vigild_args *args,
    const struct opkey_trust *trust)
{
	if (trust == NULL) {
		printf("commands: every command is refused: this vigild trusts "
		    "no operator (start it with --trust FILE)\n");
		return;
	}
	if (args->audit == NULL && args->audit_dir == NULL) {
		printf("commands: every command is refused: no audit log "
		    "(start it with %s)\n", strcmp(args->command, "fleet") ==
		    0 ? "--audit-dir DIR" : "--audit FILE");
		return;
	}
	printf("commands: %zu operator%s trusted from %s; audit log%s %s%s\n",
	    trust->n, trust->n == 1 ? "" : "s", args->trust,
	    args->audit != NULL ? "" : "s", args->audit != NULL ?
	    args->audit : args->audit_dir, args->audit != NULL ? "" :
	    "/ROLE-NAME.audit");
	if (trust->n < 2)
		printf("commands: with fewer than two trusted operators no "
		    "command can be approved; add another operator's key "
		    "to %s\n", args->trust);
}

/* SIGINT and SIGTERM stop the server; a console gone away is no signal. */
static void
vigild_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = vigild_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Say where each node listens and what runs, at scenario clock_ms. */
static void
vigild_say_started(const struct vigild_args *args, const struct sim *sim,
    const struct server *server, int tls, int64_t clock_ms)
{
	char	clock[16];
	size_t	i, n = sim_nnodes(sim);

	for (i = 0; i < n; i++)
		printf("%s listening on %s://%s:%d/\n", sim_node_id(sim, i),
		    tls ? "wss" : "ws", args->address, server_port(server, i));
	util_clock_text(clock_ms, clock, sizeof clock);
	if (strcmp(args->command, "fleet") == 0)
		printf("fleet %s: %zu nodes, clock %s, time scale %g; fleet "
		    "file %s\n", sim_scenario_name(sim), n, clock,
		    sim_time_scale(sim), args->fleet_file);
	else
		printf("node %s: clock %s, time scale %g%s%s\n",
		    sim_node_id(sim, 0), clock, sim_time_scale(sim),
		    args->fleet_file != NULL ? "; fleet file " : "",
		    args->fleet_file != NULL ? args->fleet_file : "");
}

/*
 * Say which commands and readers server takes, then serve until
 * signalled.  Returns the exit status.
 */
static int
vigild_serve(struct server *server, const struct vigild_args *args,
    const struct opkey_trust *trust)
{
	vigild_say_commands(args, trust);
	vigild_say_reading(args);
	fflush(stdout);
	return (vigild_run(server));
}

/*
 * vigild agent: listen for the one real node, keep its audit log, read
 * its facts and run its hooks, until signalled.  Returns the exit status.
 */
static int
vigild_agent(const struct vigild_args *args, const struct opkey_trust *trust)
{
	const struct agent_options	*o = &args->agent;
	struct agent			*agent;
	struct server			*server = NULL;
	struct audit			*audit;
	struct driver			 d;
	struct local_ca			 lca;
	struct server_tls		 tls_space;
	const struct server_tls		*tls;
	char				*cause = NULL, *lines;
	size_t				 k, nhooks;
	int				 rc = VIGILD_EXIT_RUNTIME;

	if ((audit = audit_open(args->audit, &cause)) == NULL) {
		fprintf(stderr, "vigild: %s: %s\n", o->id, cause);
		free(cause);
		return (VIGILD_EXIT_RUNTIME);
	}
	agent = agent_new(o);
	agent_driver(agent, &d);
	if (((tls = vigild_tls(args, &d, NULL, &lca, &tls_space, &cause)) ==
	    NULL && cause != NULL) || (server = server_create_driver(&d,
	    args->address, args->port, 0, tls, &cause)) == NULL)
		goto out;
	server_commands(server, trust, &audit, (uint64_t)args->reserve_mb <<
	    20);
	server_read(server, vigild_read_key(args));
	if (agent_start(agent, server, &cause) != 0)
		goto out;
	if (args->fleet_file != NULL) {
		lines = vigild_node_lines(&d, server, args);
		vigild_write_fleet_file(args->fleet_file, NULL, 0,
		    util_wall_ms(), lca.ca_path, lines, &cause);
		free(lines);
		if (cause != NULL)
			goto out;
	}
	printf("%s listening on %s://%s:%d/\n", o->id, tls != NULL ? "wss" :
	    "ws", args->address, server_port(server, 0));
	printf("agent %s: facts from %s %s; hooks:", o->id,
	    o->facts_kind == AGENT_FACTS_CMD ? "command" :
	    o->facts_kind == AGENT_FACTS_FILE ? "file" : "URL", o->facts);
	for (k = nhooks = 0; k < AGENT_NHOOKS; k++) {
		if (o->hooks[k] == NULL)
			continue;
		printf(" %s", agent_hook_specs[k].action);
		nhooks++;
	}
	printf("%s\n", nhooks == 0 ? " none (every command is refused)" : "");
	rc = vigild_serve(server, args, trust);
out:
	if (cause != NULL) {
		fprintf(stderr, "vigild: %s\n", cause);
		free(cause);
	}
	/* The hooks and the facts command go before the loop they use. */
	agent_free(agent);
	server_free(server);
	local_ca_free(&lca);
	audit_close(audit);
	free((char *)o->id);
	return (rc);
}

/* --read anyone|key: who may read the nodes' telemetry. */
static void
vigild_opt_read(const struct vigild_opt *o, const char *arg,
    struct vigild_args *args)
{
	(void)o;
	if (strcmp(arg, "anyone") == 0)
		args->read = VIGILD_READ_ANYONE;
	else if (strcmp(arg, "key") == 0)
		args->read = VIGILD_READ_KEY;
	else
		vigild_usage_error("--read \"%s\" is not a choice; give "
		    "anyone (any console may read telemetry) or key (only a "
		    "console whose operator answers with a key in --trust)",
		    arg);
}

/*
 * Does reading need an operator's key?  As --read says; unsaid, only
 * beyond 127.0.0.1 (the rest of 127/8 stands for other machines, as for
 * --insecure), where anyone on the network could otherwise watch.
 */
static int
vigild_read_key(const struct vigild_args *args)
{
	if (args->read != VIGILD_READ_DEFAULT)
		return (args->read == VIGILD_READ_KEY);
	return (strcmp(args->address, "127.0.0.1") != 0 &&
	    strcmp(args->address, "::1") != 0);
}

/* Serve until signalled; returns the exit status. */
static int
vigild_run(struct server *server)
{
	int	rc = 0;

	vigild_server = server;
	if (!vigild_stopping && server_run(server) != 0)
		rc = VIGILD_EXIT_RUNTIME;
	vigild_server = NULL;
	return (rc);
}

/*
 * Listen for sim's nodes (one port each, or, for gateway gw, one for
 * all), and serve until signalled.  A plain vigild writes its fleet
 * file and says where it listens; a gateway writes "PORT CLOCK_MS" to
 * gw->fd for the process that started it instead.  Frees sim.  Returns
 * the exit status.
 */
static int
vigild_fleet_serve(const struct vigild_args *args, struct sim *sim,
    const struct opkey_trust *trust, const struct vigild_gw *gw)
{
	struct server		 *server = NULL;
	struct audit		**audits = NULL;
	struct local_ca		  lca;
	struct server_tls	  tls_space;
	const struct server_tls	 *tls;
	struct driver		  d;
	char			 *cause = NULL, *lines;
	int64_t			  clock_ms = sim_clock_ms(sim);
	size_t			  n = sim_nnodes(sim);
	int			  rc = VIGILD_EXIT_USAGE;

	sim_driver(sim, &d);
	memset(&lca, 0, sizeof lca);
	if ((tls = vigild_tls(args, &d, gw, &lca, &tls_space,
	    &cause)) == NULL && cause != NULL)
		goto out;
	rc = VIGILD_EXIT_RUNTIME;
	if ((audits = vigild_open_audits(args, sim, &cause)) == NULL)
		goto out;
	if ((server = server_create(sim, args->address, args->port,
	    gw != NULL, tls, &cause)) == NULL)
		goto out;
	server_commands(server, trust, audits,
	    (uint64_t)args->reserve_mb << 20);
	server_read(server, vigild_read_key(args));
	if (gw != NULL) {
		dprintf(gw->fd, "%d %lld\n", server_port(server, 0),
		    (long long)clock_ms);
		close(gw->fd);
	} else {
		if (args->fleet_file != NULL) {
			lines = vigild_node_lines(&d, server, args);
			rc = vigild_write_fleet_file(args->fleet_file,
			    sim_scenario_name(sim), sim_time_scale(sim),
			    clock_ms, lca.ca_path, lines, &cause);
			free(lines);
			rc = rc != 0 ? VIGILD_EXIT_RUNTIME : rc;
			if (rc != 0)
				goto out;
		}
		vigild_say_started(args, sim, server, tls != NULL, clock_ms);
	}
	/* The clock starts with the serving, at clock_ms as told. */
	sim_begin(sim, util_mono_ms());
	rc = gw != NULL ? vigild_run(server) : vigild_serve(server, args,
	    trust);
out:
	if (cause != NULL) {
		fprintf(stderr, "vigild: %s%s\n", gw != NULL ? "gateway: " :
		    "", cause);
		free(cause);
	}
	server_free(server);
	vigild_close_audits(audits, n);
	local_ca_free(&lca);
	sim_free(sim);
	return (rc);
}

/* Say on standard output who may read the nodes' telemetry. */
static void
vigild_say_reading(const struct vigild_args *args)
{
	printf("reading: %s\n", vigild_read_key(args) ? "only consoles "
	    "whose operator answers the challenge with a key in the trust "
	    "file (--read key)" : "any console that connects (--read "
	    "anyone)");
	fflush(stdout);
}

/*
 * Gateway gw->k of vigild fleet --gateways, in its own process: build
 * its share of the fleet (args->sim's slice) and serve it on one port,
 * telling the parent on gw->fd where.  It ends with the parent.  Never
 * returns.
 */
static void
vigild_gateway(struct vigild_args *args, const struct opkey_trust *trust,
    const struct vigild_gw *gw)
{
	struct sim	*sim;
	char		*cause = NULL;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(0);
	if (args->port != 0)
		args->port += gw->k;
	if ((sim = sim_create(&args->sim, util_mono_ms(), &cause)) == NULL) {
		fprintf(stderr, "vigild: gateway %d: %s\n", gw->k + 1, cause);
		free(cause);
		exit(VIGILD_EXIT_USAGE);
	}
	exit(vigild_fleet_serve(args, sim, trust, gw));
}

/*
 * Start the gateways of vigild fleet --gateways (gw holding the CA they
 * issue their certificates from), pids[k] each one's, and write a
 * fleet-file line for each to lines as it reports its port, and the
 * scenario clock it started at to *clock_ms.  Returns 0, or -1 when one
 * did not start (said on stderr).
 */
static int
vigild_gateways_start(struct vigild_args *args,
    const struct opkey_trust *trust, struct vigild_gw *gw, pid_t *pids,
    FILE *lines, int64_t *clock_ms)
{
	char		 buf[64];
	size_t		 total = args->sim.slice_count, first, count;
	long long	 clock;
	int		 j, k, fds[2], *from, port, rc = 0;
	ssize_t		 r;

	from = xcalloc((size_t)args->gateways, sizeof *from);
	fflush(stdout);
	/* Gateway k serves nodes first .. first + count - 1 of total. */
	for (k = 0; k < args->gateways; k++) {
		if (pipe(fds) == -1 || (pids[k] = fork()) == -1)
			fatal("cannot start gateway %d: %s", k + 1,
			    strerror(errno));
		if (pids[k] == 0) {
			/* The gateway keeps nothing of its elders'. */
			close(fds[0]);
			for (j = 0; j < k; j++)
				close(from[j]);
			free(from);
			args->sim.slice_first = total * (size_t)k /
			    (size_t)args->gateways;
			args->sim.slice_count = total * (size_t)(k + 1) /
			    (size_t)args->gateways - args->sim.slice_first;
			gw->k = k;
			gw->fd = fds[1];
			vigild_gateway(args, trust, gw);
		}
		close(fds[1]);
		from[k] = fds[0];
	}
	for (k = 0; k < args->gateways; k++) {
		first = total * (size_t)k / (size_t)args->gateways;
		count = total * (size_t)(k + 1) / (size_t)args->gateways -
		    first;
		while ((r = read(from[k], buf, sizeof buf - 1)) == -1 &&
		    errno == EINTR && !vigild_stopping)
			continue;
		close(from[k]);
		if (rc != 0)
			continue;
		if (r <= 0 || sscanf((buf[r] = '\0', buf), "%d %lld", &port,
		    &clock) != 2) {
			fprintf(stderr, "vigild: gateway %d of %d did not "
			    "start (its reason is above); stopping the "
			    "others\n", k + 1, args->gateways);
			rc = -1;
			continue;
		}
		*clock_ms = clock;
		fprintf(lines, "%s://%s:%d/ gateway=%zu # gateway %d, pid %ld: "
		    "nodes %zu to %zu\n", args->insecure ? "ws" : "wss",
		    args->address, port, count, k + 1, (long)pids[k],
		    first + 1, first + count);
		printf("gateway %d (pid %ld) listening on %s://%s:%d/: %zu "
		    "nodes\n", k + 1, (long)pids[k], args->insecure ? "ws" :
		    "wss", args->address, port, count);
	}
	free(from);
	return (rc);
}

/*
 * vigild fleet --gateways: make the CA the gateways' certificates come
 * from (unless --cert or --insecure), start N gateway processes, each
 * serving its share of the nodes on one port, write the fleet file
 * naming each with its node count, and wait: SIGINT or SIGTERM is
 * passed on to them.  Returns the exit status.
 */
static int
vigild_gateways(struct vigild_args *args, const struct opkey_trust *trust)
{
	const struct sim_scenario	*sc = &sim_scenarios[0];
	struct vigild_gw		 gw;
	char				*lines = NULL, *cause = NULL;
	char				*ca_path = NULL;
	pid_t				*pids;
	size_t				 len = 0, total;
	int64_t				 clock_ms = 0;
	int				 rc;
	FILE				*f;

	if (strcmp(args->sim.scenario, "calm") != 0)
		vigild_usage_error("--gateways shares out scenario calm only: "
		    "%s replays one incident in one process; leave out "
		    "--gateways, or give --scenario calm", args->sim.scenario);
	total = (size_t)(args->sim.routers != 0 ? args->sim.routers :
	    sc->routers) + (size_t)(args->sim.stations != 0 ?
	    args->sim.stations : sc->stations);
	if ((size_t)args->gateways > total)
		vigild_usage_error("--gateways %d is more than the fleet's %zu "
		    "nodes; give at most one gateway per node", args->gateways,
		    total);
	memset(&gw, 0, sizeof gw);
	if (args->cert == NULL && !args->insecure) {
		ca_path = xasprintf("%s.ca", args->fleet_file);
		if (local_ca_start(&gw.ca, &gw.key, ca_path, &cause) != 0) {
			fprintf(stderr, "vigild: %s\n", cause);
			free(cause);
			free(ca_path);
			return (VIGILD_EXIT_RUNTIME);
		}
		gw.ca_path = ca_path;
	} else if (args->cert != NULL && tls_check_pair(args->cert, args->key,
	    &cause) != 0) {
		fprintf(stderr, "vigild: %s\n", cause);
		free(cause);
		return (VIGILD_EXIT_USAGE);
	}
	pids = xcalloc((size_t)args->gateways, sizeof *pids);
	if ((f = open_memstream(&lines, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	args->sim.slice_count = total;
	rc = vigild_gateways_start(args, trust, &gw, pids, f, &clock_ms);
	/* The gateways have their certificates: no one keeps the CA's key. */
	if (gw.ca != NULL) {
		tls_key_free(gw.key);
		tls_ca_free(gw.ca);
	}
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	if (rc == 0 && vigild_write_fleet_file(args->fleet_file, "calm",
	    args->sim.time_scale > 0 ? args->sim.time_scale : sc->time_scale,
	    clock_ms, ca_path, lines, &cause) != 0) {
		fprintf(stderr, "vigild: %s\n", cause);
		free(cause);
		rc = -1;
	}
	free(lines);
	free(ca_path);
	if (rc == 0) {
		printf("fleet calm: %zu nodes through %d gateways; fleet file "
		    "%s\n", total, args->gateways, args->fleet_file);
		vigild_say_commands(args, trust);
		vigild_say_reading(args);
	} else
		vigild_stopping = 1;
	rc = vigild_gateways_wait(args, pids) != 0 || rc != 0 ?
	    VIGILD_EXIT_RUNTIME : 0;
	free(pids);
	return (rc);
}

/*
 * Wait for the gateways to end; on SIGINT or SIGTERM (vigild_stopping)
 * send them SIGTERM.  A gateway that ends by itself is reported and its
 * nodes go dark; the others serve on.  Returns -1 if any failed.
 */
static int
vigild_gateways_wait(const struct vigild_args *args, pid_t *pids)
{
	int	k, left = 0, status, failed = 0, told = 0;
	pid_t	pid;

	for (k = 0; k < args->gateways; k++)
		left += pids[k] > 0;
	while (left > 0) {
		if (vigild_stopping && !told) {
			for (k = 0; k < args->gateways; k++) {
				if (pids[k] > 0)
					kill(pids[k], SIGTERM);
			}
			told = 1;
		}
		/* Polled, so a signal just before the wait is not lost. */
		if ((pid = waitpid(-1, &status, WNOHANG)) == 0) {
			usleep(VIGILD_WAIT_US);
			continue;
		}
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (k = 0; k < args->gateways && pids[k] != pid; k++)
			continue;
		if (k == args->gateways)
			continue;
		pids[k] = 0;
		left--;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		failed = 1;
		if (!vigild_stopping)
			fprintf(stderr, "vigild: gateway %d ended (%s %d); "
			    "its nodes are no longer served\n", k + 1,
			    WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) :
			    WTERMSIG(status));
	}
	return (failed ? -1 : 0);
}

/* Parse, build the fleet, listen, say where, serve until signalled. */
int
main(int argc, char **argv)
{
	struct vigild_args	 args;
	struct sim		*sim;
	struct opkey_trust	 trust;
	char			*cause = NULL;
	size_t			 n;
	int			 rc = VIGILD_EXIT_USAGE;

	vigild_parse(argc, argv, &args);
	if (args.help) {
		if (args.help == 2)
			vigild_print_scenarios(stdout);
		else
			vigild_print_help(stdout);
		return (0);
	}
	if (args.version) {
		printf("vigild %s\n", VIGIL_VERSION);
		return (0);
	}
	if (vigild_read_key(&args) && args.trust == NULL)
		vigild_usage_error("%s needs --trust FILE: reading then needs "
		    "an operator's key in the trust file, and without one no "
		    "console could read at all%s",
		    args.read == VIGILD_READ_KEY ?
		    "--read key" : "listening beyond loopback, where reading "
		    "needs a key unless --read anyone is given,",
		    args.read == VIGILD_READ_KEY ? "" : "; or give --read "
		    "anyone to let every console that connects read");

	vigild_signals();
	memset(&trust, 0, sizeof trust);
	if (args.trust != NULL && opkey_trust_load(args.trust, &trust,
	    &cause) != 0)
		goto out;
	if (strcmp(args.command, "agent") == 0) {
		rc = vigild_agent(&args, &trust);
		goto out;
	}
	if (args.gateways > 0) {
		rc = vigild_gateways(&args, args.trust != NULL ? &trust :
		    NULL);
		goto out;
	}
	if ((sim = sim_create(&args.sim, util_mono_ms(), &cause)) == NULL)
		goto out;
	n = sim_nnodes(sim);
	if (args.port != 0 && (long)args.port + (long)n - 1 > 65535) {
		cause = xasprintf("--base-port %d leaves no room for %zu "
		    "nodes, one port each, below 65536; give --base-port %ld "
		    "or lower, or 0 to pick free ports", args.port, n,
		    65536L - (long)n);
		sim_free(sim);
		goto out;
	}
	rc = vigild_fleet_serve(&args, sim, args.trust != NULL ? &trust :
	    NULL, NULL);
out:
	if (cause != NULL) {
		fprintf(stderr, "vigild: %s\n", cause);
		free(cause);
	}
	opkey_trust_free(&trust);
	return (rc);
}
