// SPDX-License-Identifier: LGPL-2.1-or-later
/* start of an mdev; stop and start-parent-mdevs of any family: changes to running devices. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/family.h"
#include "libmdev/store.h"
#include "libmdev/lifecycle.h"
#include "libmdev/wait.h"

/*
 * Works out what to start: the one definition of the UUID, or a transient
 * device from --type or --jsonfile.  Sets *PARENT (borrowed or in FOUND).
 */
static int resolve_start(struct ctx *ctx, struct cmd_args *args, struct strv *found,
			 const char **parent, struct mdev_config *cfg)
{
	struct mdev_error err;

	*parent = args->parent;
	if (has_opt(args, OPT_UUID)) {
		if (store_find(&ctx->rfs, args->uuid, args->parent, found, &err) < 0)
			return fail(ctx, "%s", err.msg);
		if (found->n > 1)
			return fail(ctx,
				    "cannot start %s: defined on several parents (%s, %s%s): use "
				    "--parent",
				    args->uuid, found->v[0], found->v[1],
				    found->n > 2 ? ", ..." : "");
	}
	if (found->n == 1) {
		*parent = found->v[0];
		if (args->jsonfile)
			return usage_error(ctx,
					   "%s is defined on %s: --jsonfile is only for "
					   "transient devices",
					   args->uuid, *parent);
		if (store_load(&ctx->rfs, *parent, args->uuid, cfg, &err) < 0)
			return fail(ctx, "cannot start %s: %s", args->uuid, err.msg);
		if (args->type && strcmp(args->type, cfg->type) != 0)
			return fail(ctx,
				    "cannot start %s: --type %s conflicts with its definition "
				    "(type %s on %s)",
				    args->uuid, args->type, cfg->type, *parent);
		return 0;
	}
	if (!args->parent || (!args->type && !args->jsonfile)) {
		if (has_opt(args, OPT_UUID))
			return fail(ctx,
				    "cannot start %s: not defined%s%s, and a transient device "
				    "needs --parent and --type (or --jsonfile)",
				    args->uuid, args->parent ? " on " : "",
				    args->parent ? args->parent : "");
		return usage_error(ctx, "a transient device needs --parent and --type (or "
					"--jsonfile)");
	}
	if (args->jsonfile)
		return config_read_file(args->jsonfile, cfg, &err) < 0 ? fail(ctx, "%s", err.msg)
								       : 0;
	cfg->type = xstrdup(args->type);
	return 0;
}

int mdev_start(struct ctx *ctx, struct cmd_args *args)
{
	struct mdev_config cfg = { 0 };
	struct strv found = { 0 };
	struct mdev_error err;
	bool generated = false;
	const char *parent;
	int lock, r;

	if (!has_opt(args, OPT_UUID) && !args->parent)
		return usage_error(ctx, "start needs --uuid or --parent");
	if (args->jsonfile && args->type)
		return usage_error(ctx, "--jsonfile cannot be combined with --type");
	generated = take_uuid(args);
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = resolve_start(ctx, args, &found, &parent, &cfg);
	if (r == 0 && device_start_scripted(&ctx->rfs, ctx->co, parent, args->uuid, &cfg,
					    has_opt(args, OPT_FORCE), &err) < 0)
		r = fail(ctx, "%s", err.msg);
	if (r == 0 && generated)
		printf("%s\n", args->uuid);
	store_unlock(lock);
	/* outside the lock: a slow driver must not hold up every other command */
	if (r == 0 && has_opt(args, OPT_WAIT)) {
		r = wait_device_ready(&ctx->rfs, args->uuid, args->wait_s, &err);
		if (r == -ETIMEDOUT)
			r = fail(ctx, "%s; it stays created on %s ('%s stop -u %s' removes it)",
				 err.msg, parent, ctx->prog, args->uuid);
		else if (r < 0)
			r = fail(ctx, "%s", err.msg);
	}
	config_clear(&cfg);
	strv_free(&found);
	return r;
}

int cmd_stop(struct ctx *ctx, struct cmd_args *args)
{
	const struct fam_env env = { &ctx->rfs, ctx->co };
	const char *key;
	const struct device_family *fam = cmd_key_family(args, &key);
	struct mdev_error err;
	int lock, r;

	if (!fam)
		return usage_error(ctx, "stop needs --uuid (an mdev) or --vf (a vGPU)");
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = fam->stop(&env, key, has_opt(args, OPT_FORCE), &err);
	store_unlock(lock);
	return r < 0 ? fail(ctx, "%s", err.msg) : 0;
}

static void report_failure(void *data, const char *msg)
{
	fail(data, "%s", msg);
}

/* Starts every auto definition of FAM's PARENT, under the lock; returns the failures. */
static unsigned start_parent(struct ctx *ctx, const struct device_family *fam, const char *parent,
			     bool verbose)
{
	const struct fam_env env = { &ctx->rfs, ctx->co };
	struct fam_boot boot = { .failure = report_failure, .data = ctx };
	struct mdev_error err;
	int lock = cmd_lock(ctx), r;

	if (lock < 0)
		return 1;
	r = fam->start_parent(&env, parent, &boot, &err);
	store_unlock(lock);
	if (r < 0) {
		fail(ctx, "%s", err.msg);
		return 1;
	}
	/* standard output stays mdevctl's (empty) unless asked for; a failure is told anyway */
	if (verbose && boot.started + boot.active + boot.failed)
		fprintln_escaped(stdout, "%s: started %u, already active %u, failed %u", parent,
				 boot.started, boot.active, boot.failed);
	else if (boot.failed)
		fail(ctx, "%s: started %u, already active %u, failed %u", parent, boot.started,
		     boot.active, boot.failed);
	return boot.failed;
}

int cmd_start_parent_mdevs(struct ctx *ctx, struct cmd_args *args)
{
	bool verbose = has_opt(args, OPT_VERBOSE);
	unsigned failed = 0;

	if (has_opt(args, OPT_ALL) && args->npos)
		return usage_error(ctx, "--all takes no PARENT");
	if (!has_opt(args, OPT_ALL) && args->npos != 1)
		return usage_error(ctx, "missing argument: PARENT (or --all)");
	if (args->npos && !rfs_valid_name(args->pos[0]))
		return usage_error(ctx, "invalid parent name '%s'", args->pos[0]);
	for (const struct device_family *const *f = families; *f; f++) {
		struct strv parents = { 0 };
		struct mdev_error err;

		if (args->npos) {
			failed += start_parent(ctx, *f, args->pos[0], verbose);
			continue;
		}
		if ((*f)->def_parents(&ctx->rfs, &parents, &err) < 0) {
			fail(ctx, "%s", err.msg);
			failed++;
		}
		/* parents not present yet are left to the udev rule */
		for (size_t i = 0; i < parents.n; i++)
			if ((*f)->present(&ctx->rfs, parents.v[i]))
				failed += start_parent(ctx, *f, parents.v[i], verbose);
		strv_free(&parents);
	}
	return failed ? 1 : 0;
}
