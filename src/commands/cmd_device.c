// SPDX-License-Identifier: LGPL-2.1-or-later
/* start, stop, start-parent-mdevs: changes to running devices. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "libmdev/callout.h"
#include "libmdev/holders.h"
#include "commands/commands.h"
#include "libmdev/store.h"
#include "libmdev/lifecycle.h"
#include "libmdev/model.h"
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

/* Starts a device between the pre and post callouts of start. */
static int start_with_callouts(struct ctx *ctx, const char *parent, const char *uuid,
			       const struct mdev_config *cfg, bool force, struct mdev_error *err)
{
	struct co_call call = { ctx->co, uuid, parent, cfg, ACT_START, -1 };
	int r = co_pre(&call, force, err);

	if (r < 0)
		return r;
	r = device_start(&ctx->rfs, parent, uuid, cfg, err);
	co_post(&call, r == 0);
	return r;
}

int cmd_start(struct ctx *ctx, struct cmd_args *args)
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
	if (r == 0 &&
	    start_with_callouts(ctx, parent, args->uuid, &cfg, has_opt(args, OPT_FORCE), &err) < 0)
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
	struct mdev_active act = { 0 };
	struct mdev_config cfg = { 0 };
	struct co_call call = { ctx->co, args->uuid, NULL, &cfg, ACT_STOP, -1 };
	struct mdev_error err;
	char dev[PATH_MAX];
	int lock, r;

	if (!has_opt(args, OPT_UUID))
		return usage_error(ctx, "stop needs --uuid");
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = model_active_get(&ctx->rfs, args->uuid, &act);
	if (r < 0) {
		r = fail(ctx, "cannot stop %s: %s", args->uuid,
			 r == -ENOENT ? "device is not active" : file_strerror(-r));
		goto out;
	}
	/* scripts see the definition when it describes what runs, else the bare device */
	if (store_load(&ctx->rfs, act.parent, args->uuid, &cfg, &err) < 0 ||
	    strcmp(cfg.type, act.type) != 0) {
		config_clear(&cfg);
		cfg.type = xstrdup(act.type);
	}
	call.parent = act.parent;
	/* the kernel's remove would wait, unkillably, until the holder lets go */
	if (!has_opt(args, OPT_FORCE) &&
	    rfs_path(dev, sizeof(dev), SYS_DEVICES "/%s", args->uuid) == 0 &&
	    holders_check(&ctx->rfs, dev, &err) < 0) {
		r = fail(ctx, "cannot stop %s: %s%s", args->uuid, err.msg,
			 err.code == EBUSY
				 ? " (--force stops it anyway, waiting until it is released)"
				 : "");
		goto out;
	}
	r = co_pre(&call, has_opt(args, OPT_FORCE), &err);
	if (r == 0) {
		r = model_remove(&ctx->rfs, args->uuid, &err);
		co_post(&call, r == 0);
	}
	r = r < 0 ? fail(ctx, "%s", err.msg) : 0;
out:
	store_unlock(lock);
	config_clear(&cfg);
	active_clear(&act);
	return r;
}

/*
 * Starts every auto device of PARENT.  udev may run this for the same parent
 * several times at once (add and change): the lock serialises the runs, and
 * each waits for what it created to show up before letting the next one in, so
 * the next finds it active and skips it.  Returns the number of failures.
 */
static unsigned start_parent(struct ctx *ctx, const char *parent, bool verbose)
{
	unsigned started = 0, active = 0, failed = 0;
	struct store_dir dir;
	struct mdev_error err;
	int lock;

	lock = cmd_lock(ctx);
	if (lock < 0)
		return 1;
	if (store_dir_open(&ctx->rfs, parent, &dir, &err) < 0 || store_dir_list(&dir, &err) < 0) {
		store_dir_close(&dir);
		store_unlock(lock);
		fail(ctx, "%s", err.msg);
		return 1;
	}
	for (size_t i = 0; i < dir.uuids.n; i++) {
		const char *uuid = dir.uuids.v[i];
		struct mdev_config cfg;
		int r = store_dir_load(&ctx->rfs, &dir, uuid, &cfg, &err);

		if (r < 0) {
			if (r != -ENOENT) {
				fail(ctx, "skipping %s", err.msg);
				failed++;
			}
			continue;
		}
		if (!cfg.autostart) {
			config_clear(&cfg);
			continue;
		}
		r = start_with_callouts(ctx, parent, uuid, &cfg, false, &err);
		if (r == -EALREADY) {
			active++;
		} else if (r < 0) {
			fail(ctx, "%s", err.msg);
			failed++;
		} else {
			started++;
			/* so that a concurrent run sees it active and does not create it again */
			model_wait_active(&ctx->rfs, uuid, device_appear_timeout_ms());
		}
		config_clear(&cfg);
	}
	store_unlock(lock);
	store_dir_close(&dir);
	/* standard output stays mdevctl's (empty) unless asked for; a failure is told anyway */
	if (verbose && started + active + failed)
		fprintln_escaped(stdout, "%s: started %u, already active %u, failed %u", parent,
				 started, active, failed);
	else if (failed)
		fail(ctx, "%s: started %u, already active %u, failed %u", parent, started, active,
		     failed);
	return failed;
}

int cmd_start_parent_mdevs(struct ctx *ctx, struct cmd_args *args)
{
	bool verbose = has_opt(args, OPT_VERBOSE);
	struct strv parents = { 0 };
	struct mdev_error err;
	unsigned failed = 0;

	if (has_opt(args, OPT_ALL)) {
		if (args->npos)
			return usage_error(ctx, "--all takes no PARENT");
		if (store_parents(&ctx->rfs, &parents, &err) < 0)
			return fail(ctx, "%s", err.msg);
		/* parents not registered yet are left to the udev rule */
		for (size_t i = 0; i < parents.n; i++) {
			if (!rfs_existsf(&ctx->rfs, 0, SYS_PARENTS "/%s", parents.v[i]))
				continue;
			failed += start_parent(ctx, parents.v[i], verbose);
		}
		strv_free(&parents);
		return failed ? 1 : 0;
	}
	if (args->npos != 1)
		return usage_error(ctx, "missing argument: PARENT (or --all)");
	if (!rfs_valid_name(args->pos[0]))
		return usage_error(ctx, "invalid parent name '%s'", args->pos[0]);
	return start_parent(ctx, args->pos[0], verbose) ? 1 : 0;
}
