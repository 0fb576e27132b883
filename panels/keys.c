/*
 * keys.c: the key table, the keymap made from it, the help lines, and the
 * config file that remaps keys.
 */
#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys.h"
#include "util.h"

#define KEYS_BAD_SHOWN	10	/* bad lines a refusal names */

struct keys_entry {
	enum keys_section	 section;
	const char		*name;
	const char		*help;
	int			 keys[3];
};

/* Names of keys that are not a printable character. */
struct keys_named {
	int		 key;
	const char	*name;
};

static const char	*keys_trim(char *s);
static int		 keys_parse_line(struct keymap *km, char *line,
			    const char *path, unsigned lineno, char *cause,
			    size_t causelen);
static const char	*keys_entry_name(size_t, const void *);

/* Indexed by action; KEYS_NONE (0) is the empty first entry. */
static const struct keys_entry keys_entries[KEYS_NACTIONS] = {
#define KEYS_ENTRY(section, action, name, help, k1, k2, k3)	\
	[KEYS_##action] = { section, name, help, { k1, k2, k3 } },
	KEYS_TABLE(KEYS_ENTRY)
#undef KEYS_ENTRY
};

static const char *const keys_sections[] = {
	[KEYS_VIEWS] = "Views",
	[KEYS_MOVING] = "Moving",
	[KEYS_ROWS] = "Rows",
	[KEYS_ALERTS] = "Alerts",
	[KEYS_COMMANDS] = "Two-person commands",
	[KEYS_CONSOLE] = "Console",
};

static const struct keys_named keys_names[] = {
	{ KEY_UP, "Up" },
	{ KEY_DOWN, "Down" },
	{ KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" },
	{ KEY_PPAGE, "PageUp" },
	{ KEY_NPAGE, "PageDown" },
	{ KEY_HOME, "Home" },
	{ KEY_END, "End" },
	{ KEY_IC, "Insert" },
	{ KEY_DC, "Delete" },
	{ KEY_BTAB, "BackTab" },
	{ KEY_BACKSPACE, "Backspace" },
	{ KEYS_ENTER, "Enter" },
	{ KEYS_TAB, "Tab" },
	{ KEYS_ESCAPE, "Escape" },
	{ ' ', "Space" },
};

/* Fill km with the table's default keys. */
void
keys_default(struct keymap *km)
{
	size_t	a, i;

	km->n = 0;
	for (a = 1; a < KEYS_NACTIONS; a++) {
		for (i = 0; i < nitems(keys_entries[a].keys); i++) {
			if (keys_entries[a].keys[i] != 0)
				keys_bind(km, keys_entries[a].keys[i],
				    (enum keys_action)a);
		}
	}
}

/* Fold the several codes a terminal may send for one key into one. */
int
keys_canonical(int key)
{
	switch (key) {
	case '\r':
	case KEY_ENTER:
		return (KEYS_ENTER);
	case 0x7f:
	case KEYS_CTRL('h'):
		return (KEY_BACKSPACE);
	}
	return (key);
}

/* The action of key, or KEYS_NONE. */
enum keys_action
keys_lookup(const struct keymap *km, int key)
{
	size_t	i;

	key = keys_canonical(key);
	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key)
			return (km->b[i].action);
	}
	return (KEYS_NONE);
}

/* Bind key to action in place of whatever it did. */
int
keys_bind(struct keymap *km, int key, enum keys_action action)
{
	size_t	i;

	key = keys_canonical(key);
	for (i = 0; i < km->n; i++) {
		if (km->b[i].key != key)
			continue;
		if (action == KEYS_NONE) {
			memmove(&km->b[i], &km->b[i + 1],
			    (km->n - i - 1) * sizeof km->b[0]);
			km->n--;
		} else
			km->b[i].action = action;
		return (0);
	}
	if (action == KEYS_NONE)
		return (0);
	if (km->n == nitems(km->b))
		return (-1);
	km->b[km->n].key = key;
	km->b[km->n].action = action;
	km->n++;
	return (0);
}

/* A key's name: a character, ^X, F1, or a word from keys_names. */
char *
keys_key_name(int key, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(keys_names); i++) {
		if (keys_names[i].key == key) {
			util_copy(buf, len, keys_names[i].name);
			return (buf);
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		util_format(buf, len, "F%d", key - KEY_F0);
	else if (key > 0 && key < 0x20)
		util_format(buf, len, "^%c", key + '@');
	else if (key > 0x20 && key < 0x7f)
		util_format(buf, len, "%c", key);
	else
		util_format(buf, len, "key-%d", key);
	return (buf);
}

/* Parse a key name: one character, ^X, F1-F12 or a named key. */
int
keys_key_parse(const char *name, int *key)
{
	size_t	 i;
	char	*end;
	long	 n;

	if (name[0] != '\0' && name[1] == '\0' &&
	    isgraph((unsigned char)name[0])) {
		*key = (unsigned char)name[0];
		return (0);
	}
	for (i = 0; i < nitems(keys_names); i++) {
		if (strcasecmp(keys_names[i].name, name) == 0) {
			*key = keys_names[i].key;
			return (0);
		}
	}
	if (name[0] == '^' && name[1] != '\0' && name[2] == '\0' &&
	    isalpha((unsigned char)name[1])) {
		*key = KEYS_CTRL(tolower((unsigned char)name[1]));
		return (0);
	}
	if ((name[0] == 'F' || name[0] == 'f') && isdigit((unsigned char)
	    name[1])) {
		errno = 0;
		n = strtol(name + 1, &end, 10);
		if (*end == '\0' && errno == 0 && n >= 1 && n <= 12) {
			*key = KEY_F((int)n);
			return (0);
		}
	}
	return (-1);
}

/* An action's config name. */
const char *
keys_action_name(enum keys_action action)
{
	if (action <= KEYS_NONE || action >= KEYS_NACTIONS)
		return (NULL);
	return (keys_entries[action].name);
}

/* Parse an action's config name; "none" unbinds. */
int
keys_action_parse(const char *name, enum keys_action *action)
{
	size_t	a;

	if (strcmp(name, "none") == 0) {
		*action = KEYS_NONE;
		return (0);
	}
	for (a = 1; a < KEYS_NACTIONS; a++) {
		if (strcmp(keys_entries[a].name, name) == 0) {
			*action = (enum keys_action)a;
			return (0);
		}
	}
	return (-1);
}

/* A section's heading. */
const char *
keys_section_name(enum keys_section section)
{
	if ((size_t)section >= nitems(keys_sections))
		return ("");
	return (keys_sections[section]);
}

/*
 * The keys of an action, its default keys first in table order (so "j,
 * Down" reads the same in help and man page), then keys a config added.
 */
size_t
keys_for_action(const struct keymap *km, enum keys_action action,
    char *buf, size_t len)
{
	const struct keys_entry	*e = &keys_entries[action];
	char			 name[KEYS_NAME_MAX];
	size_t			 i, j, n = 0;
	int			 dflt;

	buf[0] = '\0';
	for (i = 0; i < nitems(e->keys); i++) {
		if (e->keys[i] == 0 || keys_lookup(km, e->keys[i]) != action)
			continue;
		keys_key_name(e->keys[i], name, sizeof name);
		util_format(buf + strlen(buf), len - strlen(buf), "%s%s",
		    n++ == 0 ? "" : ", ", name);
	}
	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != action)
			continue;
		dflt = 0;
		for (j = 0; j < nitems(e->keys); j++)
			dflt |= (e->keys[j] == km->b[i].key);
		if (dflt)
			continue;
		keys_key_name(km->b[i].key, name, sizeof name);
		util_format(buf + strlen(buf), len - strlen(buf), "%s%s",
		    n++ == 0 ? "" : ", ", name);
	}
	if (n == 0)
		util_copy(buf, len, "(none)");
	return (n);
}

/* The first key of an action, as hints name it. */
size_t
keys_first(const struct keymap *km, enum keys_action action, char *buf,
    size_t len)
{
	size_t	n;
	char	*comma;

	n = keys_for_action(km, action, buf, len);
	if ((comma = strchr(buf, ',')) != NULL)
		*comma = '\0';
	return (n);
}

/* The help view's lines, in table order. */
size_t
keys_help_lines(const struct keymap *km, struct keys_help *out, size_t max)
{
	size_t	a, n = 0;

	for (a = 1; a < KEYS_NACTIONS && n < max; a++, n++) {
		out[n].section = keys_section_name(keys_entries[a].section);
		out[n].action = (enum keys_action)a;
		out[n].name = keys_entries[a].name;
		out[n].help = keys_entries[a].help;
		keys_for_action(km, (enum keys_action)a, out[n].keys,
		    sizeof out[n].keys);
	}
	return (n);
}

/* Strip leading and trailing white space in place. */
static const char *
keys_trim(char *s)
{
	size_t	len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return (s);
}

/* Action i + 1's name (0 is none), for util_join. */
static const char *
keys_entry_name(size_t i, const void *arg)
{
	(void)arg;
	return (keys_entries[i + 1].name);
}

/* Apply one config line; -1 and a sentence when it is wrong. */
static int
keys_parse_line(struct keymap *km, char *line, const char *path,
    unsigned lineno, char *cause, size_t causelen)
{
	char			*words[4] = { NULL }, *save = NULL, *w;
	char			 list[1024];
	const char		*s;
	size_t			 n = 0;
	int			 key;
	enum keys_action	 action;

	s = keys_trim(line);
	if (*s == '\0' || *s == '#')
		return (0);
	for (w = strtok_r(line, " \t", &save); w != NULL && n < 4;
	    w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (n == 0)
		return (0);
	if (n == 4 && words[3][0] == '#')
		n = 3;		/* a comment after the action */
	if (strcmp(words[0], "bind") != 0) {
		util_format(cause, causelen, "%s line %u: \"%s\" is not a "
		    "command; the only command is \"bind KEY ACTION\".",
		    path, lineno, words[0]);
		return (-1);
	}
	if (n != 3) {
		util_format(cause, causelen, "%s line %u: bind takes a key and "
		    "an action and nothing more, as in \"bind x view-fleet\".",
		    path, lineno);
		return (-1);
	}
	if (keys_key_parse(words[1], &key) != 0) {
		util_format(cause, causelen, "%s line %u: \"%s\" is not a key; "
		    "write one character, ^X for control, F1 to F12, or a "
		    "name such as Up, PageDown, Enter, Escape, Space.", path,
		    lineno, words[1]);
		return (-1);
	}
	if (keys_action_parse(words[2], &action) != 0) {
		util_join(list, sizeof list, KEYS_NACTIONS - 1, keys_entry_name,
		    NULL, 1);
		util_format(cause, causelen, "%s line %u: \"%s\" is not an "
		    "action; use %s, or none to unbind the key.", path,
		    lineno, words[2], list);
		return (-1);
	}
	if (keys_bind(km, key, action) != 0) {
		util_format(cause, causelen, "%s line %u: too many keys are "
		    "bound; remove some bind lines.", path, lineno);
		return (-1);
	}
	return (0);
}

/*
 * Apply a config file's text.  The whole file is checked against a copy
 * of the keymap, so that one mistake refuses the file without leaving
 * half of it in force, and the bad lines are reported at once: the first
 * KEYS_BAD_SHOWN of them, then how many more, so that a wrong file (a
 * megabyte of something else) is refused at once in a few lines, not
 * after a minute spent writing a sentence for each of its lines.
 */
int
keys_parse_config(struct keymap *km, const char *text, const char *path,
    char **cause)
{
	struct keymap	 copy = *km;
	char		*buf, *line, *next, sentence[2048], *all = NULL, *tmp;
	unsigned	 lineno = 0;
	int		 bad = 0;

	buf = xstrdup(text);
	for (line = buf; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		lineno++;
		if (keys_parse_line(&copy, line, path, lineno, sentence,
		    sizeof sentence) == 0)
			continue;
		if (++bad > KEYS_BAD_SHOWN)
			continue;
		tmp = xasprintf("%s%s%s", all == NULL ? "" : all,
		    all == NULL ? "" : "\n", sentence);
		free(all);
		all = tmp;
	}
	free(buf);
	if (bad > KEYS_BAD_SHOWN) {
		tmp = xasprintf("%s\n%s: %d more lines are wrong too, so this "
		    "may not be a key config at all; check the file.", all,
		    path, bad - KEYS_BAD_SHOWN);
		free(all);
		all = tmp;
	}
	if (bad == 0 && keys_for_action(&copy, KEYS_QUIT, sentence,
	    sizeof sentence) == 0) {
		bad++;
		all = xasprintf("%s: no key is left bound to quit; bind one, "
		    "as in \"bind q quit\".", path);
	}
	if (bad != 0) {
		*cause = xasprintf("%s\nThe key config %s was not used; fix "
		    "the line%s above and start vigil again.", all, path,
		    bad == 1 ? "" : "s");
		free(all);
		return (-1);
	}
	*km = copy;
	return (0);
}

/* Load a config file; a missing one leaves the defaults. */
int
keys_load(struct keymap *km, const char *path, int must_exist, char **cause)
{
	FILE	*f;
	char	*text;
	size_t	 len = 0, cap = 4096, got;
	int	 rv;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return (0);
		*cause = xasprintf("cannot read the key config %s: %s; fix "
		    "its permissions or remove it.", path, strerror(errno));
		return (-1);
	}
	text = xmalloc(cap);
	while ((got = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (len + 1 == cap) {
			if (cap >= 1024 * 1024)
				break;
			cap *= 2;
			text = xreallocarray(text, cap, 1);
		}
	}
	if (ferror(f) || len + 1 == cap) {
		*cause = xasprintf("cannot read the key config %s: %s; it "
		    "should be a short text file of bind lines.", path,
		    ferror(f) ? strerror(errno) : "it is over 1 MB");
		fclose(f);
		free(text);
		return (-1);
	}
	fclose(f);
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("the key config %s is not a text file; it "
		    "should hold lines such as \"bind j move-down\".", path);
		free(text);
		return (-1);
	}
	rv = keys_parse_config(km, text, path, cause);
	free(text);
	return (rv);
}

/* $XDG_CONFIG_HOME/vigil/config, or ~/.config/vigil/config. */
char *
keys_config_path(void)
{
	const char	*dir;

	if ((dir = getenv("XDG_CONFIG_HOME")) != NULL && *dir == '/')
		return (xasprintf("%s/vigil/config", dir));
	if ((dir = getenv("HOME")) != NULL && *dir != '\0')
		return (xasprintf("%s/.config/vigil/config", dir));
	return (xstrdup("/nonexistent/vigil/config"));
}
