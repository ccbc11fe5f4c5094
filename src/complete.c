// SPDX-License-Identifier: LGPL-2.1-or-later
/* Completion candidates from the command table and the tree, for `__complete` and the shell. */
#include "complete.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "iommu.h"
#include "model.h"
#include "shell.h"
#include "store.h"

/* Every command takes -h/--help, which the table's option bits leave out. */
#define OPT_HELP OPT_COUNT

/* What the words between the command and the current word say. */
struct line_state {
	const struct command *cmd;
	unsigned seen;
	const char *val[OPT_COUNT];
	int npos;
	int pending; /* the option whose value the current word is, or -1 */
	bool no_more_opts;
};

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

void completion_add(struct completion *c, const char *prefix, const char *word, const char *desc)
{
	char *full = xasprintf("%s%s", prefix, word);
	char *d;

	if (strncmp(full, c->cur, strlen(c->cur)) != 0)
		goto done;
	for (size_t i = 0; i < c->words.n; i++)
		if (strcmp(c->words.v[i], full) == 0)
			goto done;
	/* the protocol is one candidate per line, a tab before the description */
	d = xstrdup(desc ? desc : "");
	for (char *p = d; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
	strv_push(&c->words, full);
	strv_push(&c->descs, d);
	free(d);
done:
	free(full);
}

static int list_dir(const struct rootfs *rfs, const char *path, struct strv *out)
{
	struct dirent *de;
	DIR *d;
	int fd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return -e;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(out, de->d_name);
	closedir(d);
	strv_sort(out);
	return 0;
}

static bool uses_definitions(const struct command *c)
{
	return c->run == cmd_define || c->run == cmd_modify || c->run == cmd_undefine ||
	       c->run == cmd_start || c->run == cmd_list;
}

static void add_parents(const struct rootfs *rfs, const struct line_state *st, const char *prefix,
			struct completion *c)
{
	struct strv sys = { 0 }, def = { 0 };
	char uuid[UUID_STR_LEN];
	struct mdev_error err;

	/* These act on an existing definition: once -u names it, only its parents make sense. */
	if ((st->cmd->run == cmd_undefine || st->cmd->run == cmd_modify) && st->val[OPT_UUID] &&
	    uuid_normalize(st->val[OPT_UUID], uuid) &&
	    store_find(rfs, uuid, NULL, &def, &err) == 0 && def.n) {
		for (size_t i = 0; i < def.n; i++)
			completion_add(c, prefix, def.v[i], "holds this definition");
		strv_free(&def);
		return;
	}
	strv_free(&def);
	if (model_parents(rfs, &sys, &err) == 0)
		for (size_t i = 0; i < sys.n; i++)
			completion_add(c, prefix, sys.v[i], "");
	if (uses_definitions(st->cmd) && store_parents(rfs, &def, &err) == 0)
		for (size_t i = 0; i < def.n; i++)
			completion_add(c, prefix, def.v[i], "not present, has definitions");
	strv_free(&sys);
	strv_free(&def);
}

static void add_types_of(const struct rootfs *rfs, const char *parent, bool count,
			 const char *prefix, struct completion *c)
{
	struct mdev_type_info *t;
	struct mdev_error err;
	size_t n;

	if (model_types(rfs, parent, &t, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		/* many drivers name a type after its id: the description then says more */
		const char *name =
			t[i].name && strcmp(t[i].name, t[i].id) != 0 ? t[i].name : t[i].description;
		char *desc;

		/* a count helps once the parent is chosen; summed over parents it would mislead */
		if (count)
			desc = xasprintf("%s%s%ld available", name ? name : "", name ? ", " : "",
					 t[i].available);
		else
			desc = xstrdup(name ? name : "");
		completion_add(c, prefix, t[i].id, desc);
		free(desc);
	}
	model_types_free(t, n);
}

static void add_types(const struct rootfs *rfs, const char *parent, const char *prefix,
		      struct completion *c)
{
	struct strv parents = { 0 };
	struct mdev_error err;

	if (parent) {
		add_types_of(rfs, parent, true, prefix, c);
		return;
	}
	if (model_parents(rfs, &parents, &err) == 0)
		for (size_t i = 0; i < parents.n; i++)
			add_types_of(rfs, parents.v[i], false, prefix, c);
	strv_free(&parents);
}

static bool is_active(const struct active_list *act, const char *uuid)
{
	for (size_t i = 0; i < act->n; i++)
		if (strcmp(act->v[i].uuid, uuid) == 0)
			return true;
	return false;
}

static bool is_defined(const struct rootfs *rfs, const char *uuid)
{
	struct strv parents = { 0 };
	struct mdev_error err;
	bool found = store_find(rfs, uuid, NULL, &parents, &err) == 0 && parents.n;

	strv_free(&parents);
	return found;
}

static void add_defined(const struct rootfs *rfs, const char *parent, const struct active_list *act,
			bool skip_active, const char *prefix, struct completion *c)
{
	struct store_dir dir;
	struct mdev_error err;

	if (store_dir_open(rfs, parent, &dir, &err) < 0 || store_dir_list(&dir, &err) < 0) {
		store_dir_close(&dir);
		return;
	}
	for (size_t i = 0; i < dir.uuids.n; i++) {
		const char *uuid = dir.uuids.v[i];
		struct mdev_config cfg = { 0 };
		char *desc;

		if (skip_active && is_active(act, uuid))
			continue;
		if (store_dir_load(rfs, &dir, uuid, &cfg, &err) == 0)
			desc = xasprintf("defined on %s, %s", parent, cfg.type);
		else
			desc = xasprintf("defined on %s", parent);
		completion_add(c, prefix, uuid, desc);
		free(desc);
		config_clear(&cfg);
	}
	store_dir_close(&dir);
}

/*
 * stop wants active devices, start defined ones not yet active, modify and undefine defined
 * ones, define active ones not yet defined (it copies them), list either.
 */
static void add_uuids(const struct rootfs *rfs, const struct line_state *st, const char *prefix,
		      struct completion *c)
{
	const struct command *cmd = st->cmd;
	const char *only = st->val[OPT_PARENT];
	bool want_active = cmd->run == cmd_stop || cmd->run == cmd_list || cmd->run == cmd_define;
	bool want_defined = uses_definitions(cmd) && cmd->run != cmd_define;
	struct active_list act = { 0 };
	struct strv parents = { 0 };
	struct mdev_error err;

	if (model_active_all(rfs, &act, &err) < 0)
		act = (struct active_list){ 0 };
	for (size_t i = 0; want_active && i < act.n; i++) {
		const struct mdev_active *a = &act.v[i];
		char *desc;

		if ((only && strcmp(a->parent, only) != 0) ||
		    (cmd->run == cmd_define && is_defined(rfs, a->uuid)))
			continue;
		desc = xasprintf("active on %s, %s", a->parent, a->type);
		completion_add(c, prefix, a->uuid, desc);
		free(desc);
	}
	if (want_defined) {
		if (only)
			strv_push(&parents, only);
		else if (store_parents(rfs, &parents, &err) < 0)
			parents = (struct strv){ 0 };
		for (size_t i = 0; i < parents.n; i++)
			add_defined(rfs, parents.v[i], &act, cmd->run == cmd_start, prefix, c);
	}
	strv_free(&parents);
	active_list_free(&act);
}

static int cmp_num(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

static void add_groups(const struct rootfs *rfs, const char *prefix, struct completion *c)
{
	struct strv groups = { 0 };

	if (list_dir(rfs, "sys/kernel/iommu_groups", &groups) < 0)
		return;
	qsort(groups.v, groups.n, sizeof(*groups.v), cmp_num);
	for (size_t i = 0; i < groups.n; i++) {
		struct strv members = { 0 };
		char path[256], desc[72] = "";
		size_t len = 0;

		if (strspn(groups.v[i], "0123456789") != strlen(groups.v[i]))
			continue;
		/* the members are what a person recognises a group by */
		if (rfs_path(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices",
			     groups.v[i]) == 0)
			list_dir(rfs, path, &members);
		for (size_t j = 0; j < members.n && len < sizeof(desc); j++)
			len += (size_t)snprintf(desc + len, sizeof(desc) - len, "%s%s",
						j ? ", " : "", members.v[j]);
		if (len >= sizeof(desc))
			strcpy(desc + sizeof(desc) - 4, "...");
		completion_add(c, prefix, groups.v[i], desc);
		strv_free(&members);
	}
	strv_free(&groups);
}

static void complete_value(const struct rootfs *rfs, const struct line_state *st, int id,
			   const char *prefix, struct completion *c)
{
	switch (id) {
	case OPT_PARENT:
		add_parents(rfs, st, prefix, c);
		break;
	case OPT_TYPE:
		add_types(rfs, st->val[OPT_PARENT], prefix, c);
		break;
	case OPT_UUID:
		add_uuids(rfs, st, prefix, c);
		break;
	case OPT_GROUP:
		add_groups(rfs, prefix, c);
		break;
	case OPT_JSONFILE:
		c->kind = COMPLETE_FILES;
		break;
	default: /* free text: attribute names, values, indexes */
		break;
	}
}

static void complete_options(const struct line_state *st, struct completion *c)
{
	bool shorts = c->cur[0] == '-' && c->cur[1] != '-';

	for (int id = 0; id <= OPT_HELP; id++) {
		const char *help = id == OPT_HELP ? "show this help" : opt_defs[id].help;
		char name[32];

		/* parse_args refuses an option given twice */
		if (!accepts(st->cmd, id) || (id < OPT_COUNT && (st->seen & OPTBIT(id))))
			continue;
		snprintf(name, sizeof(name), "--%s", opt_long(id));
		completion_add(c, "", name, help);
		if (shorts && opt_short(id)) {
			snprintf(name, sizeof(name), "-%c", opt_short(id));
			completion_add(c, "", name, help);
		}
	}
}

static void complete_positional(const struct rootfs *rfs, const struct line_state *st,
				struct completion *c)
{
	struct strv parents = { 0 };
	struct mdev_error err;

	if (st->npos >= st->cmd->max_pos)
		return;
	if (st->cmd->run == cmd_set_group_type) {
		for (const char *const *t = iommu_group_types; *t; t++)
			completion_add(c, "", *t, "");
	} else if (st->cmd->run == cmd_start_parent_mdevs) {
		if (store_parents(rfs, &parents, &err) == 0)
			for (size_t i = 0; i < parents.n; i++)
				completion_add(c, "", parents.v[i], "has definitions");
		strv_free(&parents);
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

static void complete_command(enum complete_mode mode, struct completion *c)
{
	const char *eq;
	int id;

	for (const struct command *cmd = commands; cmd->name; cmd++) {
		/* the shell refuses to nest */
		if (cmd->hidden || (mode == COMPLETE_SHELL && cmd->run == cmd_shell))
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

void complete_line(const struct rootfs *rfs, const char *line, enum complete_mode mode,
		   struct completion *out)
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
			st.cmd = command_find("list");
		} else {
			i = 1;
			if (!skip_globals(words.v, n, &i, &root, out))
				goto done;
		}
	}
	out->index = (int)(n - i);
	if (!st.cmd && i == n) {
		/* the command's name needs no tree: a --root still being typed does not matter */
		complete_command(mode, out);
		goto done;
	}
	if (!st.cmd) {
		st.cmd = command_find(words.v[i++]);
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

void completion_free(struct completion *c)
{
	strv_free(&c->words);
	strv_free(&c->descs);
	free(c->cur);
	c->cur = NULL;
}

int cmd_complete(struct ctx *ctx, struct cmd_args *args)
{
	struct completion c;

	if (args->npos != 1)
		return usage_error(ctx, "expects one argument: the command line up to the cursor");
	complete_line(&ctx->rfs, args->pos[0], COMPLETE_CLI, &c);
	if (c.kind == COMPLETE_FILES)
		puts("@files");
	else if (c.kind == COMPLETE_DIRS)
		puts("@dirs");
	for (size_t i = 0; c.kind == COMPLETE_WORDS && i < c.words.n; i++) {
		/* one candidate per line: a name holding a newline cannot be offered */
		if (strchr(c.words.v[i], '\n') || strchr(c.words.v[i], '\t'))
			continue;
		printf("%s%s%s\n", c.words.v[i], c.descs.v[i][0] ? "\t" : "", c.descs.v[i]);
	}
	completion_free(&c);
	return 0;
}
