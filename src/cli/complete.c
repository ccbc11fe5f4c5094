// SPDX-License-Identifier: LGPL-2.1-or-later
/* The completion engine: what the cursor is in, read from the line as the dispatcher would. */
#include "cli/complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/complete_values.h"
#include "basic/error.h"
#include "cli/split.h"

static bool accepts(const struct command *c, int id)
{
	return id == OPT_HELP || (c->opts & OPTBIT(id));
}

static const char *opt_long(int id)
{
	return id == OPT_HELP ? "help" : opt_defs[id].name;
}

static int opt_short(int id)
{
	return id == OPT_HELP ? 'h' : opt_defs[id].short_name;
}

static bool opt_has_arg(int id)
{
	return id != OPT_HELP && opt_defs[id].arg;
}

/* An optional value is only ever glued to its option (--wait=5), never the next word. */
static bool opt_takes_next(int id)
{
	return opt_has_arg(id) && !opt_defs[id].optional_arg;
}

/* Like getopt_long: an exact name, or a prefix of exactly one accepted name. */
static int find_long(const struct command *c, const char *name, size_t len)
{
	int found = -1, matches = 0;

	for (int id = 0; id <= OPT_HELP; id++) {
		if (!accepts(c, id) || strncmp(opt_long(id), name, len) != 0)
			continue;
		if (strlen(opt_long(id)) == len)
			return id;
		found = id;
		matches++;
	}
	return matches == 1 ? found : -1;
}

static int find_short(const struct command *c, int ch)
{
	for (int id = 0; id <= OPT_HELP; id++)
		if (accepts(c, id) && opt_short(id) == ch)
			return id;
	return -1;
}

static void note_opt(struct line_state *st, int id, const char *val)
{
	if (id < OPT_COUNT)
		st->seen |= OPTBIT(id);
	/* a value glued to a flag (--help=x) is an error getopt reports: nothing to keep */
	if (!opt_has_arg(id))
		return;
	if (val)
		st->val[id] = val;
	else if (opt_takes_next(id))
		st->pending = id;
}

/* Reads the words as parse_args will, to know what was given and what the cursor is in. */
static void scan_words(struct line_state *st, char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = w[i];

		if (st->pending >= 0) {
			st->val[st->pending] = s;
			st->pending = -1;
		} else if (st->no_more_opts || s[0] != '-' || !s[1]) {
			st->npos++;
		} else if (strcmp(s, "--") == 0) {
			st->no_more_opts = true;
		} else if (s[1] == '-') {
			const char *eq = strchr(s, '=');
			int id = find_long(st->cmd, s + 2,
					   eq ? (size_t)(eq - s - 2) : strlen(s + 2));

			if (id >= 0)
				note_opt(st, id, eq ? eq + 1 : NULL);
		} else {
			for (const char *p = s + 1; *p; p++) {
				int id = find_short(st->cmd, *p);

				if (id < 0)
					break;
				note_opt(st, id, opt_has_arg(id) && p[1] ? p + 1 : NULL);
				if (opt_has_arg(id))
					break;
			}
		}
	}
}

static void complete_options(const struct line_state *st, struct completion *c)
{
	bool shorts = c->cur[0] == '-' && c->cur[1] != '-';

	for (int id = 0; id <= OPT_HELP; id++) {
		const char *help = id == OPT_HELP ? "show this help" : opt_defs[id].help;
		char name[32];

		/* parse_args refuses an option given twice, and a second key option */
		if (!accepts(st->cmd, id) ||
		    (id < OPT_COUNT &&
		     ((st->seen & OPTBIT(id)) || (opt_defs[id].key && key_opts(st->seen)))))
			continue;
		snprintf(name, sizeof(name), "--%s", opt_long(id));
		completion_add(c, "", name, help);
		if (shorts && opt_short(id)) {
			snprintf(name, sizeof(name), "-%c", opt_short(id));
			completion_add(c, "", name, help);
		}
	}
}

/* The current word is an argument of st->cmd: an option, an option's value or a positional. */
static void complete_args(const struct rootfs *rfs, const struct line_state *st,
			  struct completion *c)
{
	const char *cur = c->cur;

	if (st->pending >= 0) {
		complete_value(rfs, st, st->pending, "", c);
		return;
	}
	if (st->no_more_opts || cur[0] != '-') {
		complete_positional(rfs, st, c);
		if (!*cur && !st->no_more_opts)
			complete_options(st, c);
		return;
	}
	if (cur[1] == '-') {
		const char *eq = strchr(cur, '=');

		if (eq) {
			int id = find_long(st->cmd, cur + 2, (size_t)(eq - cur - 2));
			char *prefix = xasprintf("%.*s", (int)(eq + 1 - cur), cur);

			if (id >= 0 && opt_has_arg(id))
				complete_value(rfs, st, id, prefix, c);
			free(prefix);
			return;
		}
	} else {
		/* a value glued to its short option, as in -pmtty */
		for (const char *p = cur + 1; *p; p++) {
			int id = find_short(st->cmd, *p);

			if (id < 0)
				return;
			if (opt_has_arg(id) && p[1]) {
				char *prefix = xasprintf("%.*s", (int)(p + 1 - cur), cur);

				complete_value(rfs, st, id, prefix, c);
				free(prefix);
				return;
			}
			if (opt_has_arg(id))
				break;
		}
	}
	complete_options(st, c);
}

/* Which global option WORD (without its dashes, up to LEN) names, as getopt_long would. */
static int find_global(const char *word, size_t len)
{
	int found = -1, matches = 0;

	for (size_t i = 0; i < GOPT_COUNT; i++) {
		if (strncmp(global_opts[i].name, word, len) != 0)
			continue;
		if (strlen(global_opts[i].name) == len)
			return (int)i;
		found = (int)i;
		matches++;
	}
	return matches == 1 ? found : -1;
}

static void complete_command(const struct command *table, enum complete_mode mode,
			     struct completion *c)
{
	const char *eq;
	int id;

	for (const struct command *cmd = table; cmd->name; cmd++) {
		if (cmd->hidden || (mode == COMPLETE_SHELL && (cmd->complete & CPL_NOT_IN_SHELL)))
			continue;
		completion_add(c, "", cmd->name, cmd->summary);
	}
	if (mode != COMPLETE_CLI || c->cur[0] != '-')
		return;
	if (c->cur[1] == '-' && (eq = strchr(c->cur, '='))) {
		id = find_global(c->cur + 2, (size_t)(eq - c->cur - 2));
		if (id >= 0 && strcmp(global_opts[id].name, "root") == 0)
			c->kind = COMPLETE_DIRS;
		return;
	}
	for (size_t i = 0; i < GOPT_COUNT; i++) {
		char name[16];

		snprintf(name, sizeof(name), "--%s", global_opts[i].name);
		completion_add(c, "", name, global_opts[i].help);
		if (global_opts[i].short_name && c->cur[1] != '-') {
			snprintf(name, sizeof(name), "-%c", global_opts[i].short_name);
			completion_add(c, "", name, global_opts[i].help);
		}
	}
}

/*
 * Skips the global options of a CLI line from W[*I], noting --root.  Returns false when the
 * line cannot reach a command (--help, --version, an unknown option) or when the current word
 * is the value of --root, in which case C asks for directory names.
 */
static bool skip_globals(char *const *w, size_t n, size_t *i, const char **root,
			 struct completion *c)
{
	while (*i < n) {
		const char *s = w[*i], *eq = strchr(s, '=');
		int id;

		if (strcmp(s, "--") == 0) {
			++*i;
			return true;
		}
		if (s[0] != '-' || !s[1])
			return true;
		if (s[1] != '-')
			return false; /* -h and -V end the line; nothing else is valid */
		id = find_global(s + 2, eq ? (size_t)(eq - s - 2) : strlen(s + 2));
		if (id < 0 || strcmp(global_opts[id].name, "root") != 0)
			return false;
		if (eq) {
			*root = eq + 1;
			++*i;
		} else if (*i + 1 < n) {
			*root = w[*i + 1];
			*i += 2;
		} else {
			c->kind = COMPLETE_DIRS;
			return false;
		}
	}
	return true;
}

static void ignore_warning(const char *msg)
{
}

void complete_line(const struct rootfs *rfs, const struct command *table, const char *line,
		   enum complete_mode mode, struct completion *out)
{
	struct line_state st = { .pending = -1 };
	struct rootfs own = { .fd = -1 };
	struct strv words = { 0 };
	struct split_end end;
	const char *root = NULL;
	size_t n, i = 0;
	char *root_dir = NULL;

	memset(out, 0, sizeof(*out));
	shell_split(line, &words, &end);
	n = words.n - (end.in_word ? 1 : 0); /* the words before the current one */
	out->cur = xstrdup(end.in_word ? words.v[n] : "");
	if (end.comment)
		goto done;
	if (mode == COMPLETE_CLI) {
		if (n == 0)
			goto done; /* still on the program's name */
		if (strcmp(rfs_basename(words.v[0]), "lsmdev") == 0) {
			st.cmd = command_find(table, "list");
		} else {
			i = 1;
			if (!skip_globals(words.v, n, &i, &root, out))
				goto done;
		}
	}
	out->index = (int)(n - i);
	if (!st.cmd && i == n) {
		/* the command's name needs no tree: a --root still being typed does not matter */
		complete_command(table, mode, out);
		goto done;
	}
	if (!st.cmd) {
		st.cmd = command_find(table, words.v[i++]);
		if (!st.cmd)
			goto done;
	} else {
		out->index++; /* lsmdev: the program's name stands for the command */
	}
	if (root) {
		/* the shell expands ~ when it runs the line; completion sees it unexpanded */
		if (root[0] == '~' && (root[1] == '/' || !root[1]) && getenv("HOME"))
			root_dir = xasprintf("%s%s", getenv("HOME"), root + 1);
		if (rootfs_open(&own, root_dir ? root_dir : root) < 0)
			goto done;
		rfs = &own;
	}
	scan_words(&st, words.v + i, n - i);
	/* a listing that warns about a stray file would scribble over the prompt */
	warn_set_sink(ignore_warning);
	complete_args(rfs, &st, out);
	warn_set_sink(NULL);
done:
	if (own.fd >= 0)
		rootfs_close(&own);
	free(root_dir);
	strv_free(&words);
}
