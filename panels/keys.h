/*
 * keys.h: what each key does in the console.
 *
 * One list, KEYS_TABLE, names every action with its section, its name in
 * the config file, the sentence the help view shows and its default keys.
 * The keymap, the help view, the key hints and the man page's list are
 * all made from it, so none of them can drift from what the keys do.
 * Nothing here needs a terminal: it is tested without one.
 */
#ifndef VIGIL_KEYS_H
#define VIGIL_KEYS_H

#include <stddef.h>

/* Key codes other than characters come from curses (KEY_UP, ...). */
#define KEYS_CTRL(c)	((c) & 0x1f)
#define KEYS_ESCAPE	0x1b
#define KEYS_ENTER	'\n'		/* what \r and KEY_ENTER become */
#define KEYS_TAB	'\t'

/*
 * X(section, ACTION, "config-name", "help sentence", key, key, key):
 * keys are curses key codes or characters; 0 fills an unused slot.
 * No key alone changes the fleet: acknowledging an alert only hides it
 * from the alert bar until it changes or grows worse, and the command
 * keys open a dialog where the action's name must be typed whole before
 * anything is signed, which a second operator must then approve.
 */
#define KEYS_TABLE(X)							\
	X(KEYS_VIEWS, VIEW_FLEET, "view-fleet",				\
	    "Fleet view: every node, its build, flags and state",	\
	    '1', 0, 0)							\
	X(KEYS_VIEWS, VIEW_ROUTERS, "view-routers",			\
	    "Routers view: order rates, share ratio, history",		\
	    '2', 0, 0)							\
	X(KEYS_VIEWS, VIEW_STATIONS, "view-stations",			\
	    "Stations view: heartbeats, countdowns, blacklists",	\
	    '3', 0, 0)							\
	X(KEYS_VIEWS, VIEW_CERTS, "view-certs",				\
	    "Certs view: certificates, soonest expiry first",		\
	    '4', 0, 0)							\
	X(KEYS_VIEWS, VIEW_ALERTS, "view-alerts",			\
	    "Alerts view: every alert with its cause and action",	\
	    '5', 0, 0)							\
	X(KEYS_VIEWS, VIEW_PROPOSALS, "view-proposals",			\
	    "Proposals view: two-person commands and their time left",	\
	    '6', 0, 0)							\
	X(KEYS_VIEWS, VIEW_HELP, "view-help",				\
	    "Help view: this list of keys",				\
	    '?', KEY_F(1), 0)						\
	X(KEYS_VIEWS, OPEN_DETAIL, "open-detail",			\
	    "Node detail, or review the selected proposal",		\
	    KEYS_ENTER, 0, 0)						\
	X(KEYS_VIEWS, VIEW_NEXT, "view-next",				\
	    "Show the next view",					\
	    KEYS_TAB, KEY_RIGHT, 'l')					\
	X(KEYS_VIEWS, VIEW_PREV, "view-prev",				\
	    "Show the previous view",					\
	    KEY_BTAB, KEY_LEFT, 'h')					\
	X(KEYS_VIEWS, BACK, "back",					\
	    "Clear the filter or the marks, or leave detail, review "	\
	    "or help",							\
	    KEYS_ESCAPE, KEY_BACKSPACE, 0)				\
	X(KEYS_MOVING, MOVE_UP, "move-up",				\
	    "Select the row above",					\
	    KEY_UP, 'k', 0)						\
	X(KEYS_MOVING, MOVE_DOWN, "move-down",				\
	    "Select the row below",					\
	    KEY_DOWN, 'j', 0)						\
	X(KEYS_MOVING, PAGE_UP, "page-up",				\
	    "Move one page up",						\
	    KEY_PPAGE, KEYS_CTRL('b'), 0)				\
	X(KEYS_MOVING, PAGE_DOWN, "page-down",				\
	    "Move one page down",					\
	    KEY_NPAGE, KEYS_CTRL('f'), ' ')				\
	X(KEYS_MOVING, MOVE_TOP, "move-top",				\
	    "Select the first row",					\
	    KEY_HOME, 'g', 0)						\
	X(KEYS_MOVING, MOVE_BOTTOM, "move-bottom",			\
	    "Select the last row",					\
	    KEY_END, 'G', 0)						\
	X(KEYS_ROWS, FILTER, "filter",					\
	    "Filter: show only rows containing the text typed",		\
	    '/', 0, 0)							\
	X(KEYS_ROWS, SORT_NEXT, "sort-next",				\
	    "Sort by the next column",					\
	    's', '>', 0)						\
	X(KEYS_ROWS, SORT_PREV, "sort-prev",				\
	    "Sort by the previous column",				\
	    '<', 0, 0)							\
	X(KEYS_ROWS, SORT_REVERSE, "sort-reverse",			\
	    "Reverse the sort order",					\
	    'S', 0, 0)							\
	X(KEYS_ALERTS, ACK_ALERT, "ack-alert",				\
	    "Acknowledge the selected alert (Alerts view): hide it "	\
	    "from the bar until it changes or grows worse",		\
	    'a', 0, 0)							\
	X(KEYS_COMMANDS, MARK, "mark",					\
	    "Mark or unmark the selected node as a target of the next "	\
	    "proposal",							\
	    'm', 0, 0)							\
	X(KEYS_COMMANDS, PROPOSE_KILL, "propose-kill",			\
	    "Propose to kill the marked routers, or the selected one: "	\
	    "give a reason, type kill, read the document, press y",	\
	    'K', 0, 0)							\
	X(KEYS_COMMANDS, PROPOSE_RESUME, "propose-resume",		\
	    "Propose to resume the marked killed routers, or the "	\
	    "selected one: give a reason, type resume, read the "	\
	    "document, press y",					\
	    'R', 0, 0)							\
	X(KEYS_COMMANDS, PROPOSE_ROLLBACK, "rollback",			\
	    "Propose a rollback of the marked or selected nodes: type "	\
	    "the build, read the plan, give a reason, type rollback, "	\
	    "read the document, press y",				\
	    'B', 0, 0)							\
	X(KEYS_COMMANDS, PROPOSE_FLAG, "flag",				\
	    "Propose a flag change on the marked or selected routers: "	\
	    "type NAME=on or NAME=off, read the plan, give a reason, "	\
	    "type flag, read the document, press y",			\
	    'F', 0, 0)							\
	X(KEYS_COMMANDS, APPROVE, "approve",				\
	    "Approve the selected proposal (Proposals view): review "	\
	    "it, then type its action's name to sign",			\
	    'A', 0, 0)							\
	X(KEYS_COMMANDS, CANCEL_PROPOSAL, "cancel",		\
	    "Cancel your own selected proposal (Proposals view): type "	\
	    "cancel to sign",						\
	    'X', 0, 0)							\
	X(KEYS_COMMANDS, PROMPT, "prompt",				\
	    "Type a command by name, as :kill router/r8 or "		\
	    ":move-root capital --to s2 (any action of the command "	\
	    "table, on the nodes named or else the marked or selected "	\
	    "ones): it opens the same dialog",				\
	    ':', 0, 0)							\
	X(KEYS_COMMANDS, FIRE, "fire",					\
	    "Fire the selected armed kill (Proposals view): type "	\
	    "fire; one operator is enough",				\
	    'T', 0, 0)							\
	X(KEYS_CONSOLE, REDRAW, "redraw",				\
	    "Redraw the whole screen",					\
	    KEYS_CTRL('l'), 0, 0)					\
	X(KEYS_CONSOLE, QUIT, "quit",					\
	    "Quit the console (the fleet keeps running)",		\
	    'q', KEYS_CTRL('c'), 0)

enum keys_section {
	KEYS_VIEWS = 0,
	KEYS_MOVING,
	KEYS_ROWS,
	KEYS_ALERTS,
	KEYS_COMMANDS,
	KEYS_CONSOLE,
};

enum keys_action {
	KEYS_NONE = 0,
#define KEYS_ENUM(section, action, name, help, k1, k2, k3) KEYS_##action,
	KEYS_TABLE(KEYS_ENUM)
#undef KEYS_ENUM
	KEYS_NACTIONS
};

#define KEYS_MAX_BINDINGS	128
#define KEYS_NAME_MAX		16	/* "PageDown", "F12", "^L" */

struct keys_binding {
	int			key;
	enum keys_action	action;
};

/* The keys in force: the defaults, then the config file's changes. */
struct keymap {
	struct keys_binding	b[KEYS_MAX_BINDINGS];
	size_t			n;
};

/* One line of the help view. */
struct keys_help {
	const char		*section;	/* its heading */
	enum keys_action	 action;
	const char		*name;		/* "move-down" */
	const char		*help;		/* the sentence */
	char			 keys[64];	/* "j, Down", or "(none)" */
};

/* Fill km with the table's default keys. */
void		 keys_default(struct keymap *km);

/* The action bound to key (after keys_canonical), or KEYS_NONE. */
enum keys_action keys_lookup(const struct keymap *km, int key);

/* Fold keys that mean the same (\r, KEY_ENTER; DEL, ^H) into one. */
int		 keys_canonical(int key);

/*
 * Bind key to action, replacing what the key did; KEYS_NONE unbinds it.
 * Returns 0, or -1 when the map is full (nothing changed).
 */
int		 keys_bind(struct keymap *km, int key, enum keys_action action);

/*
 * A key's name as config files and the help view spell it ("j", "Up",
 * "^L", "PageDown", "Space", "F1") into buf of len bytes; returns buf.
 */
char		*keys_key_name(int key, char *buf, size_t len);

/* Parse a key name as keys_key_name writes it.  Returns 0, or -1. */
int		 keys_key_parse(const char *name, int *key);

/* An action's config name ("move-down"), or NULL for KEYS_NONE. */
const char	*keys_action_name(enum keys_action action);

/* Parse an action's config name ("none" is KEYS_NONE).  0, or -1. */
int		 keys_action_parse(const char *name, enum keys_action *action);

/* The heading of a section of the help view. */
const char	*keys_section_name(enum keys_section section);

/*
 * The keys bound to action, comma-separated in table order first
 * ("j, Down"), into buf; "(none)" when unbound.  Returns how many.
 */
size_t		 keys_for_action(const struct keymap *km,
		    enum keys_action action, char *buf, size_t len);

/*
 * The first of those keys ("j"), for hints that name one key; "(none)"
 * when unbound.  Returns how many keys the action has.
 */
size_t		 keys_first(const struct keymap *km, enum keys_action action,
		    char *buf, size_t len);

/*
 * The help view's lines, one per action in table order, into out (room
 * for max); returns how many (KEYS_NACTIONS - 1 when room).
 */
size_t		 keys_help_lines(const struct keymap *km,
		    struct keys_help *out, size_t max);

/*
 * Apply a config file's text to km: lines "bind KEY ACTION", blank lines
 * and "#" comments.  path names the file in sentences.  Returns 0, or -1
 * with an allocated *cause holding one sentence per bad line (each with
 * its line number; past the tenth, one sentence says how many more), and
 * km left unchanged: a config with a mistake is refused whole, never half
 * applied.
 */
int		 keys_parse_config(struct keymap *km, const char *text,
		    const char *path, char **cause);

/*
 * Load the config file at path into km (see keys_parse_config).  A file
 * that does not exist is not an error (the defaults stand) unless
 * must_exist.  Returns 0, or -1 and an allocated sentence in *cause.
 */
int		 keys_load(struct keymap *km, const char *path, int must_exist,
		    char **cause);

/* The default config path ($XDG_CONFIG_HOME or ~/.config), allocated. */
char		*keys_config_path(void);

#endif
