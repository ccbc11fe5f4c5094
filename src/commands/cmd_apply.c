// SPDX-License-Identifier: LGPL-2.1-or-later
/* apply: a layout file made true (plan, check, diff, verify, roll back), and --export. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "basic/output.h"
#include "basic/parallel.h"
#include "commands/commands.h"
#include "libmdev/apply.h"
#include "libmdev/callout.h"
#include "libmdev/export.h"
#include "libmdev/layout.h"
#include "libmdev/plan.h"

/* --check found that the machine differs from the layout: monitoring alarms on it. */
#define EXIT_DRIFT 3

struct run {
	struct ctx *ctx;
	const struct cmd_args *args;
	bool json, diff, check;
	struct layout lay;
	struct cur_state st;
	struct plan plan;
	struct apply_report rep;
};

static const char *config_label(const struct layout *lay)
{
	return lay->name[0] ? lay->name : "(unnamed)";
}

/* The lines of CFG as stored, for a diff. */
static void config_lines(const struct mdev_config *cfg, struct strv *out)
{
	struct sbuf b = { 0 };

	if (cfg)
		config_format(&b, cfg, 0);
	sb_addc(&b, '\0');
	for (char *line = b.p, *nl; cfg && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			strv_push(out, line);
			break;
		}
		*nl = '\0';
		strv_push(out, line);
	}
	sb_free(&b);
}

/* A unified-style diff of two small definitions (a longest common subsequence). */
static void print_diff(const struct mdev_config *before, const struct mdev_config *after)
{
	struct strv a = { 0 }, b = { 0 };
	size_t *lcs, w;

	config_lines(before, &a);
	config_lines(after, &b);
	w = b.n + 1;
	lcs = xcalloc((a.n + 1) * w, sizeof(*lcs));
	for (size_t i = a.n; i-- > 0;)
		for (size_t j = b.n; j-- > 0;)
			lcs[i * w + j] = strcmp(a.v[i], b.v[j]) == 0 ? lcs[(i + 1) * w + j + 1] + 1
					 : lcs[(i + 1) * w + j] > lcs[i * w + j + 1]
						 ? lcs[(i + 1) * w + j]
						 : lcs[i * w + j + 1];
	printf("      --- before\n      +++ after\n");
	for (size_t i = 0, j = 0; i < a.n || j < b.n;) {
		if (i < a.n && j < b.n && strcmp(a.v[i], b.v[j]) == 0) {
			fprintln_escaped(stdout, "       %s", a.v[i++]);
			j++;
		} else if (j < b.n && (i == a.n || lcs[i * w + j + 1] > lcs[(i + 1) * w + j])) {
			fprintln_escaped(stdout, "      +%s", b.v[j++]);
		} else {
			fprintln_escaped(stdout, "      -%s", a.v[i++]);
		}
	}
	free(lcs);
	strv_free(&a);
	strv_free(&b);
}

static void print_action(const struct run *run, const struct plan_action *a)
{
	bool stored = a->op == OP_DEFINE || a->op == OP_MODIFY;
	char *entry = a->entry >= 0 ? xasprintf(" [%s[%ld]]", run->lay.where, a->entry) : NULL;

	fprintln_escaped(stdout, "  %-8s %-36s on %s: %s%s%s%s%s%s%s", plan_op_name(a->op),
			 a->id[0] ? a->id : "(new UUID)", a->parent, a->type, stored ? ", " : "",
			 stored ? layout_start_name(a->after->autostart) : "", a->why ? " (" : "",
			 a->why ? a->why : "", a->why ? ")" : "", entry ? entry : "");
	free(entry);
	if (run->diff && a->op != OP_STOP && a->op != OP_START)
		print_diff(a->op == OP_DEFINE ? NULL : a->before,
			   a->op == OP_UNDEFINE ? NULL : a->after);
}

static void print_plan(const struct run *run)
{
	if (!run->plan.n) {
		fprintln_escaped(stdout, "Nothing to do: the devices match config \"%s\" of %s.",
				 config_label(&run->lay), run->lay.file);
		return;
	}
	fprintln_escaped(stdout, "Plan for config \"%s\" of %s: %zu change%s",
			 config_label(&run->lay), run->lay.file, run->plan.n,
			 run->plan.n == 1 ? "" : "s");
	for (size_t i = 0; i < run->plan.n; i++)
		print_action(run, &run->plan.v[i]);
}

static json_t *config_or_null(const struct mdev_config *cfg)
{
	return cfg ? config_to_json(cfg) : json_null();
}

static json_t *action_json(const struct run *run, const struct plan_action *a)
{
	json_t *j = json_pack("{s:s, s:o, s:o, s:o}", "action", plan_op_name(a->op), "parent",
			      json_str(a->parent), "uuid", a->id[0] ? json_str(a->id) : json_null(),
			      "type", json_str(a->type));

	if (a->op == OP_DEFINE || a->op == OP_MODIFY)
		json_object_set_new(j, "start",
				    json_string(layout_start_name(a->after->autostart)));
	json_object_set_new(j, "entry", a->entry >= 0 ? json_integer(a->entry) : json_null());
	if (a->why)
		json_object_set_new(j, "reason", json_string(a->why));
	if (run->diff) {
		bool stored = a->op != OP_STOP && a->op != OP_START;

		json_object_set_new(
			j, "before",
			config_or_null(stored && a->op != OP_DEFINE ? a->before : NULL));
		json_object_set_new(
			j, "after",
			config_or_null(stored && a->op != OP_UNDEFINE ? a->after : NULL));
	}
	return j;
}

static json_t *strv_json(const struct strv *sv)
{
	json_t *list = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(list, json_str(sv->v[i]));
	return list;
}

/* The --dumpjson report; ERR is set when the run failed. */
static void print_json(const struct run *run, bool changed, const struct mdev_error *err)
{
	json_t *actions = json_array();
	json_t *j;

	for (size_t i = 0; i < run->plan.n; i++)
		json_array_append_new(actions, action_json(run, &run->plan.v[i]));
	j = json_pack("{s:b, s:b, s:o, s:o}", "changed", changed, "check", run->check, "config",
		      json_str(run->lay.name), "actions", actions);
	if (err) {
		json_object_set_new(j, "failed", json_true());
		json_object_set_new(j, "error", json_str(err->msg));
		json_object_set_new(j, "undone", strv_json(&run->rep.undone));
		json_object_set_new(j, "not_undone", strv_json(&run->rep.leftover));
	}
	json_emit(stdout, j, 0);
	putchar('\n');
	json_decref(j);
}

static int report_failure(struct run *run, const struct mdev_error *err)
{
	if (run->json)
		print_json(run, run->rep.leftover.n > 0, err);
	for (size_t i = 0; !run->json && i < run->rep.undone.n; i++)
		fprintln_escaped(stdout, "undone: %s", run->rep.undone.v[i]);
	for (size_t i = 0; i < run->rep.leftover.n; i++)
		fail(run->ctx, "could not undo %s", run->rep.leftover.v[i]);
	if (run->rep.undone.n || run->rep.leftover.n)
		return fail(run->ctx, "%s; %zu step%s undone%s", err->msg, run->rep.undone.n,
			    run->rep.undone.n == 1 ? "" : "s",
			    run->rep.leftover.n ? ", some could not be (see above)" : "");
	return fail(run->ctx, "%s; nothing was changed", err->msg);
}

static void print_success(const struct run *run)
{
	bool *named = xcalloc(run->plan.nfresh + 1, sizeof(*named));

	if (run->json) {
		print_json(run, run->plan.n > 0, NULL);
		free(named);
		return;
	}
	for (size_t i = 0; i < run->plan.n; i++) {
		const struct plan_action *a = &run->plan.v[i];

		if (a->fresh && !named[a->fresh]) {
			named[a->fresh] = true;
			fprintln_escaped(stdout, "new device %s on %s (%s)", a->id, a->parent,
					 a->type);
		}
	}
	free(named);
	if (run->plan.n)
		printf("Applied %zu change%s.\n", run->plan.n, run->plan.n == 1 ? "" : "s");
}

/* The two reads that need nothing from each other: the layout, and the machine. */
struct first_reads {
	struct run *run;
	const char *text, *name; /* the layout file's bytes, and what messages call it */
	size_t len;
	int layout_r, machine_r;
	struct mdev_error layout_err, machine_err;
};

static void parse_layout(void *arg)
{
	struct first_reads *fr = arg;

	fr->layout_r = layout_parse(fr->text, fr->len, fr->name, fr->run->args->config,
				    &fr->run->lay, &fr->layout_err);
}

static void read_machine(void *arg)
{
	struct first_reads *fr = arg;

	fr->machine_r =
		apply_read_parents(&fr->run->ctx->rfs, APPLY_READ_TYPES | APPLY_READ_DEVICES,
				   &fr->run->st, &fr->machine_err);
}

/* Plans and, unless --check, carries out, all under the store lock. */
static int plan_and_apply(struct run *run)
{
	struct apply_ctx ax = { &run->ctx->rfs, run->ctx->co, has_opt(run->args, OPT_FORCE_STOP) };
	struct mdev_error err;
	int r;

	if (apply_gather(&run->ctx->rfs, &run->lay, NULL, &run->st, &err) < 0 ||
	    plan_make(&run->st, &run->lay, &run->plan, &err) < 0)
		return fail(run->ctx, "%s", err.msg);
	if (!run->json)
		print_plan(run);
	if (run->check) {
		if (run->json)
			print_json(run, run->plan.n > 0, NULL);
		else if (run->plan.n)
			printf("--check: nothing was changed.\n");
		return run->plan.n ? EXIT_DRIFT : 0;
	}
	/* nothing planned is nothing changed: there is nothing to verify either */
	if (!run->plan.n) {
		if (run->json)
			print_json(run, false, NULL);
		return 0;
	}
	r = apply_run(&ax, &run->st, &run->lay, &run->plan, &run->rep, &err);
	if (r < 0)
		return report_failure(run, &err);
	print_success(run);
	return 0;
}

/* Definitions of parents that are not there cannot be in a layout: said, not dropped silently. */
static void warn_absent(struct ctx *ctx, const struct cur_state *st)
{
	struct strv defined = { 0 };
	struct mdev_error err;

	if (store_parents(&ctx->rfs, &defined, &err) < 0)
		warnf("%s", err.msg);
	for (size_t i = 0; i < defined.n; i++)
		if (!cur_find_parent(st, defined.v[i]))
			warnf("not exported: the definitions of %s, a parent that is not present",
			      defined.v[i]);
	strv_free(&defined);
}

static int export(struct ctx *ctx, const struct cmd_args *args)
{
	struct strv only = { 0 };
	struct cur_state st;
	struct mdev_error err;
	int lock, r = 0;
	json_t *j;

	for (int i = 0; i < args->nparents; i++)
		strv_push(&only, args->parents[i]);
	lock = cmd_lock(ctx);
	if (lock < 0) {
		strv_free(&only);
		return EXIT_FAILURE;
	}
	if (apply_read_parents(&ctx->rfs, 0, &st, &err) < 0 ||
	    apply_gather(&ctx->rfs, NULL, &only, &st, &err) < 0) {
		r = fail(ctx, "cannot export: %s", err.msg);
	} else {
		if (!only.n)
			warn_absent(ctx, &st);
		j = layout_export(&st, args->config);
		json_emit(stdout, j, 0);
		putchar('\n');
		json_decref(j);
		cur_state_free(&st);
	}
	store_unlock(lock);
	strv_free(&only);
	return r;
}

static int check_args(struct ctx *ctx, const struct cmd_args *args)
{
	optmask apply_only = OPTBIT(OPT_FILE) | OPTBIT(OPT_CHECK) | OPTBIT(OPT_DIFF) |
			     OPTBIT(OPT_FORCE_STOP) | OPTBIT(OPT_DUMPJSON);

	if (has_opt(args, OPT_EXPORT) && (args->seen & apply_only))
		return usage_error(ctx, "--export takes only -p and --config");
	if (!has_opt(args, OPT_EXPORT) && args->nparents)
		return usage_error(ctx, "-p is for --export: a layout names its parents itself");
	if (args->config && (!*args->config || !utf8_valid(args->config)))
		return usage_error(ctx, "invalid config name '%s'", args->config);
	if (!has_opt(args, OPT_EXPORT) && !args->file && isatty(STDIN_FILENO))
		return usage_error(ctx, "no layout: give -f FILE, or the layout on standard input");
	return 0;
}

int cmd_apply(struct ctx *ctx, struct cmd_args *args)
{
	struct run run = {
		.ctx = ctx,
		.args = args,
		.json = has_opt(args, OPT_DUMPJSON),
		.diff = has_opt(args, OPT_DIFF),
		.check = has_opt(args, OPT_CHECK),
	};
	struct first_reads fr = { .run = &run };
	struct mdev_error err;
	char *text;
	int lock, r;

	r = check_args(ctx, args);
	if (r)
		return r;
	if (has_opt(args, OPT_EXPORT))
		return export(ctx, args);
	/* a layout piped in slowly holds no one up: it is read before the lock */
	if (layout_read_text(args->file ? args->file : "-", &text, &fr.len, &fr.name, &err) < 0)
		return fail(ctx, "%s", err.msg);
	fr.text = text;
	/* parallel applies and udev-started devices wait: the plan holds until it is carried out */
	lock = cmd_lock(ctx);
	if (lock < 0) {
		free(text);
		return EXIT_FAILURE;
	}
	/*
	 * A large layout takes as long to parse as the machine takes to read: on two CPUs, at
	 * once.  The machine is read ahead of knowing which of its parents the layout manages.
	 */
	parallel_pair(parse_layout, &fr, read_machine, &fr);
	free(text);
	if (fr.layout_r < 0 || fr.machine_r < 0)
		r = fail(ctx, "%s", fr.layout_r < 0 ? fr.layout_err.msg : fr.machine_err.msg);
	else
		r = plan_and_apply(&run);
	store_unlock(lock);
	apply_report_free(&run.rep);
	plan_free(&run.plan);
	cur_state_free(&run.st);
	layout_free(&run.lay);
	return r;
}
