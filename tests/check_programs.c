/*
 * check_programs.c: what every program says about itself: --version from
 * the one VERSION file, and a bash completion that completes every
 * command, option and action the program's --help names, so that the
 * completion cannot drift from the programs.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "tests.h"
#include "util.h"

#define PROG_RUN_MS	10000
#define PROG_WORDS	128

/* Words gathered from a --help text. */
struct prog_words {
	char	*v[PROG_WORDS];
	size_t	 n;
};

/* One program: how to ask for help, and the contexts to complete in. */
struct prog {
	const char	*name;
	const char	*help;		/* the word that prints the help */
	const char	*function;	/* its completion function */
	const char	*contexts;	/* shell words before the cursor, one
					   context a line */
};

static const struct prog progs[] = {
	{ "vigil", "--help", "_vigil",
	  "vigil ''\nvigil --\nvigil propose ''\nvigil audit ''\n" },
	{ "vigild", "help", "_vigild",
	  "vigild ''\nvigild node --\nvigild fleet --\n"
	  "vigild agent --\n" },
	{ "vigil-key", "--help", "_vigil_key",
	  "vigil-key ''\nvigil-key --\n" },
};

static void	 prog_add(struct prog_words *, const char *, size_t);
static void	 prog_help_words(const char *, const char *,
		    struct prog_words *);
static char	*prog_run(const char *, const char *);
static char	*prog_completed(const struct prog *);

/* Add a word unless it is already there. */
static void
prog_add(struct prog_words *w, const char *word, size_t len)
{
	size_t	i;

	for (i = 0; i < w->n; i++) {
		if (strlen(w->v[i]) == len && strncmp(w->v[i], word, len) == 0)
			return;
	}
	ck_assert_uint_lt(w->n, PROG_WORDS);
	w->v[w->n++] = strndup(word, len);
}

/*
 * The words of name's help text to complete: every long option, the
 * first word of each line under "Commands:", the word after the
 * program's name on each usage line (after "usage:" or indented), and
 * the actions.
 */
static void
prog_help_words(const char *name, const char *help, struct prog_words *w)
{
	const char	*p, *line, *end;
	size_t		 len, nlen = strlen(name);
	int		 commands = 0;

	for (p = help; (p = strstr(p, "--")) != NULL; p += 2) {
		if (p > help && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '-'))
			continue;
		len = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		if (len > 2 && isalpha((unsigned char)p[2]))
			prog_add(w, p, len);
	}
	for (line = help; *line != '\0'; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, "Commands:", 9) == 0) {
			commands = 1;
			continue;
		}
		if (line == end)
			commands = 0;
		p = line + strspn(line, " ");
		if (strncmp(p, "usage: ", 7) == 0)
			p += 7;
		if (commands && p > line && p < end)
			prog_add(w, p, strcspn(p, " \n"));
		/* Usage lines, not sentences: "usage: NAME" or indented. */
		if (p > line && p < end && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == ' ' && islower((unsigned char)p[nlen + 1]))
			prog_add(w, p + nlen + 1, strcspn(p + nlen + 1, " \n"));
		if (strncmp(line, "Actions:", 8) == 0) {
			for (p = line + 8; p < end; p += len) {
				p += strspn(p, " ,");
				len = strcspn(p, " ,\n");
				if (len > 0)
					prog_add(w, p, len);
			}
		}
	}
}

/* Run program name with one argument; its standard output (allocated). */
static char *
prog_run(const char *name, const char *arg)
{
	struct e2e_result	 r;
	char			*argv[3], *out;

	argv[0] = e2e_bin(name);
	argv[1] = (char *)arg;
	argv[2] = NULL;
	e2e_run(argv, NULL, PROG_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "%s %s exited %d: %s", name, arg,
	    r.status, r.err);
	out = strdup(r.out);
	free(argv[0]);
	e2e_result_free(&r);
	return (out);
}

/*
 * Every word the completion offers p in its contexts, one a line, and
 * what `complete -p` says of p (allocated).
 */
static char *
prog_completed(const struct prog *p)
{
	struct e2e_result	 r;
	char			*script, *argv[4];

	if (asprintf(&script, "source %s/completion/vigil.bash || exit 1\n"
	    "complete -p %s\n"
	    "while read -r line; do\n"
	    "	eval \"COMP_WORDS=($line)\"\n"
	    "	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
	    "	COMPREPLY=()\n"
	    "	%s\n"
	    "	printf '%%s\\n' \"${COMPREPLY[@]}\"\n"
	    "done <<'EOF'\n%sEOF\n", VIGIL_SRCDIR, p->name, p->function,
	    p->contexts) == -1)
		ck_abort_msg("out of memory");
	argv[0] = "/bin/bash";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = NULL;
	e2e_run(argv, NULL, PROG_RUN_MS, &r);
	ck_assert_msg(r.status == 0, "bash with the completion exited %d: "
	    "%s", r.status, r.err);
	free(script);
	script = strdup(r.out);
	e2e_result_free(&r);
	return (script);
}

START_TEST(every_program_prints_the_version_from_one_place)
{
	char	*out, want[64];
	size_t	 i;

	e2e_setup();
	for (i = 0; i < nitems(progs); i++) {
		out = prog_run(progs[i].name, "--version");
		snprintf(want, sizeof want, "%s %s\n", progs[i].name,
		    VIGIL_VERSION);
		ck_assert_str_eq(out, want);
		free(out);
	}
}
END_TEST

START_TEST(bash_completes_every_command_and_option_help_names)
{
	struct prog_words	 w;
	char			*help, *done, line[80];
	size_t			 i, j;

	e2e_setup();
	for (i = 0; i < nitems(progs); i++) {
		memset(&w, 0, sizeof w);
		help = prog_run(progs[i].name, progs[i].help);
		prog_help_words(progs[i].name, help, &w);
		ck_assert_msg(w.n >= 5, "%s's help names only %zu words:\n%s",
		    progs[i].name, w.n, help);
		done = prog_completed(&progs[i]);
		snprintf(line, sizeof line, "complete -F %s %s\n",
		    progs[i].function, progs[i].name);
		ck_assert_msg(strstr(done, line) != NULL, "complete -p does "
		    "not name %s: %s", progs[i].function, done);
		for (j = 0; j < w.n; j++) {
			snprintf(line, sizeof line, "\n%s\n", w.v[j]);
			ck_assert_msg(strstr(done, line) != NULL, "%s --help "
			    "names %s, which completion/vigil.bash does not "
			    "complete; it completes:\n%s", progs[i].name,
			    w.v[j], done);
			free(w.v[j]);
		}
		free(help);
		free(done);
	}
}
END_TEST

/* The programs suite. */
Suite *
programs_suite(void)
{
	Suite	*s = suite_create("programs");
	TCase	*tc;

	tc = tcase_create("programs");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, NULL, e2e_cleanup);
	tcase_add_test(tc, every_program_prints_the_version_from_one_place);
	tcase_add_test(tc,
	    bash_completes_every_command_and_option_help_names);
	suite_add_tcase(s, tc);
	return (s);
}
