// SPDX-License-Identifier: LGPL-2.1-or-later
/* `mdevadm shell`: command lines from readline or standard input, run by the dispatcher. */
#include "cli/shell.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/escape.h"
#include "basic/lazylib.h"
#include "cli/complete.h"
#include "cli/split.h"

#define HISTORY_LINES 1000

/* Words the shell runs itself; the rest go to the dispatcher. */
static const struct {
	const char *name;
	const char *summary;
} builtins[] = {
	{ "help", "show the commands, or with COMMAND its options" },
	{ "exit", "leave the shell (also quit, or Ctrl-D)" },
	{ "quit", "leave the shell" },
};

struct shell {
	struct ctx *ctx;
	dispatch_fn dispatch;
	bool interactive;
	bool keep_going;
	FILE *in; /* batch mode: the script */
	char *prompt;
	char *history;		     /* NULL when there is nowhere to keep it */
	unsigned long lineno, first; /* last line read; first line of the command being run */
	bool quit;
};

/* Readline's callbacks carry no user data. */
static struct shell *active;
/* readline, loaded by an interactive session only */
static const struct readline_api *rl;
static volatile sig_atomic_t got_sigint;
static unsigned interrupts;

/* Errors of the shell itself; in batch mode they say which line. */
__attribute__((format(printf, 2, 3))) static int shell_error(const struct shell *sh,
							     const char *fmt, ...)
{
	char head[256];
	va_list ap;

	if (sh->interactive)
		snprintf(head, sizeof(head), "%s", sh->ctx->prog);
	else
		snprintf(head, sizeof(head), "%s: line %lu", sh->ctx->prog, sh->first);
	va_start(ap, fmt);
	vreport(head, "", fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static int dispatch_words(struct shell *sh, size_t argc, char **words)
{
	char **argv = xcalloc(argc + 1, sizeof(*argv));
	int r;

	/* getopt may permute argv: hand it a copy of the pointers, the words stay ours */
	memcpy(argv, words, argc * sizeof(*argv));
	r = sh->dispatch(sh->ctx, (int)argc, argv);
	free(argv);
	fflush(stdout);
	if (r && !sh->interactive)
		fprintln_escaped(stderr, "%s: line %lu: '%s' failed with status %d%s",
				 sh->ctx->prog, sh->first, words[0], r,
				 sh->keep_going ? "" : ", stopping");
	return r;
}

static void shell_help(const struct command *table)
{
	printf("Commands:\n");
	for (const struct command *c = table; c->name; c++)
		if (!c->hidden && !(c->complete & CPL_NOT_IN_SHELL))
			printf("  %-15s %s\n", c->name, c->summary);
	printf("\nShell commands:\n");
	for (size_t i = 0; i < sizeof(builtins) / sizeof(*builtins); i++)
		printf("  %-15s %s\n", builtins[i].name, builtins[i].summary);
	printf("\nType 'help COMMAND' or 'COMMAND --help' for a command's options.\n");
}

static int run_words(struct shell *sh, struct strv *w)
{
	const char *cmd = w->v[0];

	if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "quit") == 0) {
		if (w->n > 1)
			return shell_error(sh, "%s takes no arguments", cmd);
		sh->quit = true;
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		char *argv[2];

		if (w->n > 2)
			return shell_error(sh, "help takes at most one command");
		if (w->n == 1) {
			shell_help(sh->ctx->table);
			return 0;
		}
		for (size_t i = 0; i < sizeof(builtins) / sizeof(*builtins); i++) {
			if (strcmp(w->v[1], builtins[i].name) == 0) {
				printf("%s: %s\n", builtins[i].name, builtins[i].summary);
				return 0;
			}
		}
		argv[0] = w->v[1];
		argv[1] = (char *)"--help";
		return dispatch_words(sh, 2, argv);
	}
	if (strcmp(cmd, "shell") == 0)
		return shell_error(sh, "already in the shell");
	return dispatch_words(sh, w->n, w->v);
}

/* Returns the next line without its newline, or NULL at the end of the input. */
static char *read_line(struct shell *sh, bool continuation)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (sh->interactive) {
		/* a Ctrl-C that hit a running command must not clear the next line */
		got_sigint = 0;
		return rl->readline(continuation ? "> " : sh->prompt);
	}
	n = getline(&buf, &cap, sh->in);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	sh->lineno++;
	return buf;
}

static void remember(struct shell *sh, const char *text)
{
	HIST_ENTRY *last = *rl->history_length
				   ? rl->history_get(*rl->history_base + *rl->history_length - 1)
				   : NULL;
	int r;

	if (!*text || (last && strcmp(last->line, text) == 0))
		return;
	rl->add_history(text);
	if (!sh->history)
		return;
	/* appended at once, so that a killed session or a second one loses nothing */
	r = rl->append_history(1, sh->history);
	if (r) {
		fprintln_escaped(stderr, "%s: warning: history not saved to %s: %s", sh->ctx->prog,
				 sh->history, strerror(r));
		free(sh->history);
		sh->history = NULL;
	}
}

/* Runs every command of the input; returns the session's exit status. */
static int shell_loop(struct shell *sh)
{
	unsigned commands_run = 0, failed = 0;
	int worst = 0;
	char *text;

	while (!sh->quit && (text = read_line(sh, false))) {
		struct strv words = { 0 };
		struct split_end end;
		int r = 0, split;

		sh->first = sh->lineno;
		for (;;) {
			unsigned seen = interrupts;
			char *more, *joined;

			split = shell_split(text, &words, &end);
			if (split == 0 || !end.escape)
				break;
			more = read_line(sh, true);
			if (!more)
				break; /* as in sh, a backslash at the end of input is dropped */
			strv_free(&words);
			if (interrupts != seen) {
				/* Ctrl-C abandoned the whole command, not just its last line */
				free(text);
				text = more;
				sh->first = sh->lineno;
				continue;
			}
			/* as sh does, drop the backslash-newline: the history gets one line */
			joined = xasprintf("%.*s%s", (int)strlen(text) - 1, text, more);
			free(text);
			free(more);
			text = joined;
		}
		if (sh->interactive)
			remember(sh, text);
		if (split < 0 && end.quote) {
			r = shell_error(sh, "unterminated quote (%c)", end.quote);
			commands_run++;
		} else if (words.n) {
			r = run_words(sh, &words);
			commands_run++;
		}
		strv_free(&words);
		free(text);
		if (!r)
			continue;
		failed++;
		if (r > worst)
			worst = r;
		if (!sh->interactive && !sh->keep_going)
			return r;
	}
	if (sh->interactive) {
		if (!sh->quit)
			putchar('\n'); /* Ctrl-D: leave the caller's prompt on a line of its own */
		return 0;
	}
	if (failed) {
		fflush(stdout);
		fprintf(stderr, "%s: %u of %u commands failed\n", sh->ctx->prog, failed,
			commands_run);
	}
	return worst;
}

/* mkdir -p for the history directory, private to the user. */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		char c = *p;
		int r;

		if (c && c != '/')
			continue;
		*p = '\0';
		r = mkdir(path, 0700) < 0 && errno != EEXIST ? -errno : 0;
		*p = c;
		if (r < 0 || !c)
			return r;
	}
}

static char *history_file(const struct shell *sh)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir, *path;
	int fd, r;

	/* the XDG base directory spec says to ignore a relative path */
	if (state && state[0] == '/')
		dir = xasprintf("%s/mdevadm", state);
	else if (home && home[0] == '/')
		dir = xasprintf("%s/.local/state/mdevadm", home);
	else
		return NULL;
	r = make_dirs(dir);
	if (r < 0) {
		fprintln_escaped(stderr, "%s: warning: history not kept: cannot create %s: %s",
				 sh->ctx->prog, dir, strerror(-r));
		free(dir);
		return NULL;
	}
	path = xasprintf("%s/history", dir);
	free(dir);
	/* append_history does not create the file */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintln_escaped(stderr, "%s: warning: history not kept: cannot open %s: %s",
				 sh->ctx->prog, path, strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

static void on_sigint(int sig)
{
	got_sigint = 1;
}

/*
 * Readline calls this outside the signal handler, after its own SIGINT cleanup, while it
 * waits for input: the place to drop the line and show a fresh prompt.
 */
static int on_signal_event(void)
{
	if (!got_sigint)
		return 0;
	got_sigint = 0;
	interrupts++;
	rl->rl_replace_line("", 0);
	rl->rl_set_prompt(active->prompt);
	rl->rl_crlf();
	rl->rl_on_new_line();
	rl->rl_redisplay();
	return 0;
}

static struct strv matches;

static char *match_generator(const char *text, int state)
{
	static size_t next;

	if (!state)
		next = 0;
	return next < matches.n ? xstrdup(matches.v[next++]) : NULL;
}

/* The engine knows the table; the words only the shell runs are added here. */
static void add_builtins(const char *line, struct completion *c)
{
	struct strv words = { 0 };
	struct split_end end;

	shell_split(line, &words, &end);
	if (end.comment)
		goto done;
	if (c->index == 0) {
		for (size_t i = 0; i < sizeof(builtins) / sizeof(*builtins); i++)
			completion_add(c, "", builtins[i].name, builtins[i].summary);
	} else if (c->index == 1 && strcmp(words.v[0], "help") == 0) {
		struct completion cmds;

		complete_line(&active->ctx->rfs, active->ctx->table, c->cur, COMPLETE_SHELL, &cmds);
		for (size_t i = 0; i < cmds.words.n; i++)
			completion_add(c, "", cmds.words.v[i], cmds.descs.v[i]);
		for (size_t i = 0; i < sizeof(builtins) / sizeof(*builtins); i++)
			completion_add(c, "", builtins[i].name, builtins[i].summary);
		completion_free(&cmds);
	}
done:
	strv_free(&words);
}

static char **complete_for_readline(const char *text, int start, int end)
{
	char *line = xasprintf("%.*s", end, *rl->rl_line_buffer);
	struct completion c;
	char **r = NULL;
	size_t skip;

	*rl->rl_attempted_completion_over = 1;
	complete_line(&active->ctx->rfs, active->ctx->table, line, COMPLETE_SHELL, &c);
	if (c.kind == COMPLETE_FILES) {
		*rl->rl_attempted_completion_over = 0; /* readline's own file name completion */
		goto done;
	}
	add_builtins(line, &c);
	/* readline replaces TEXT, which starts after the last '=' of the engine's word */
	skip = strlen(c.cur) > strlen(text) ? strlen(c.cur) - strlen(text) : 0;
	for (size_t i = 0; i < c.words.n; i++)
		strv_push(&matches, c.words.v[i] + skip);
	r = rl->rl_completion_matches(text, match_generator);
	strv_free(&matches);
done:
	completion_free(&c);
	free(line);
	return r;
}

static int run_interactive(struct shell *sh)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	char why[256];
	int r;

	rl = readline_api(why, sizeof(why));
	if (!rl)
		return fail(sh->ctx, "no interactive shell: %s", why);
	*rl->rl_readline_name = "mdevadm";
	*rl->rl_attempted_completion_function = complete_for_readline;
	*rl->rl_completer_word_break_characters = " \t\n=";
	*rl->rl_completer_quote_characters = "'\"";
	*rl->rl_signal_event_hook = on_signal_event;
	/* output may go to a file; the prompt and the echo belong on the terminal */
	if (!isatty(STDOUT_FILENO) && isatty(STDERR_FILENO))
		*rl->rl_outstream = stderr;
	sh->prompt = xasprintf("%s> ", sh->ctx->prog);
	sh->history = history_file(sh);
	rl->stifle_history(HISTORY_LINES);
	if (sh->history)
		rl->read_history(sh->history);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	r = shell_loop(sh);
	sigaction(SIGINT, &old, NULL);
	if (sh->history)
		rl->history_truncate_file(sh->history, HISTORY_LINES);
	rl->clear_history();
	*rl->rl_signal_event_hook = NULL;
	free(sh->history);
	free(sh->prompt);
	return r;
}

static int run_batch(struct shell *sh)
{
	int script = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3), null, r;

	if (script < 0 || !(sh->in = fdopen(script, "r"))) {
		if (script >= 0)
			close(script);
		return fail(sh->ctx, "cannot read commands from standard input: %s",
			    strerror(errno));
	}
	/* a command reading stdin (--jsonfile -) or a callout must not eat the script */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	r = shell_loop(sh);
	dup2(script, STDIN_FILENO);
	fclose(sh->in);
	return r;
}

int shell_run(struct ctx *ctx, dispatch_fn dispatch, bool keep_going)
{
	struct shell sh = {
		.ctx = ctx,
		.dispatch = dispatch,
		.interactive = isatty(STDIN_FILENO),
		.keep_going = keep_going,
	};
	int r;

	active = &sh;
	r = sh.interactive ? run_interactive(&sh) : run_batch(&sh);
	active = NULL;
	return r;
}
