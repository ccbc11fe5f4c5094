// SPDX-License-Identifier: LGPL-2.1-or-later
/* define, undefine, modify of an mdev: changes to the stored definitions. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "libmdev/callout.h"
#include "commands/commands.h"
#include "libmdev/store.h"
#include "libmdev/lifecycle.h"
#include "libmdev/model.h"

/*
 * Builds the new definition from the options and, for -u of a running device,
 * from that device: its type when none is given (mdevctl does so even when
 * the definition is for another parent), and its attributes as its callout
 * reports them when the definition is of its type.
 */
static int build_definition(struct ctx *ctx, const struct cmd_args *args,
			    const struct mdev_active *act, const char *parent,
			    struct mdev_config *cfg)
{
	struct mdev_error err;

	if (args->jsonfile) {
		if (config_read_file(args->jsonfile, cfg, &err) < 0)
			return fail(ctx, "%s", err.msg);
		return 0;
	}
	if (!args->type && !act->parent)
		return usage_error(ctx, "no type given for %s on %s: use --type", args->uuid,
				   parent);
	cfg->type = xstrdup(args->type ? args->type : act->type);
	cfg->autostart = has_opt(args, OPT_AUTO);
	if (act->parent && strcmp(act->type, cfg->type) == 0 &&
	    co_get_attrs(ctx->co, args->uuid, act->parent, cfg, &err) < 0)
		return fail(ctx, "cannot define %s: %s", args->uuid, err.msg);
	return 0;
}

/* A definition for a parent that is present but lacks its type cannot start there. */
static void warn_unsupported(const struct ctx *ctx, const char *parent, const char *type)
{
	if (rfs_existsf(&ctx->rfs, O_DIRECTORY, SYS_PARENTS "/%s", parent) &&
	    !rfs_existsf(&ctx->rfs, O_DIRECTORY, SYS_PARENTS "/%s/mdev_supported_types/%s", parent,
			 type))
		warnf("%s does not support type %s: the definition cannot start there", parent,
		      type);
}

/* Stores CFG as PARENT/UUID between the pre and post callouts of ACTION. */
static int save_with_callouts(struct ctx *ctx, const struct cmd_args *args, const char *parent,
			      const struct mdev_config *cfg, enum co_action action)
{
	struct co_call call = { ctx->co, args->uuid, parent, cfg, action, -1 };
	struct mdev_error err;
	int r;

	if (co_pre(&call, has_opt(args, OPT_FORCE), &err) < 0)
		return fail(ctx, "%s", err.msg);
	r = store_save(&ctx->rfs, parent, args->uuid, cfg, &err);
	co_post(&call, r == 0);
	return r < 0 ? fail(ctx, "cannot %s %s: %s", action == ACT_DEFINE ? "define" : "modify",
			    args->uuid, err.msg)
		     : 0;
}

int mdev_define(struct ctx *ctx, struct cmd_args *args)
{
	struct mdev_active act = { 0 };
	struct mdev_config cfg = { 0 }, old;
	struct mdev_error err;
	bool generated = false;
	const char *parent;
	int lock = -1, r;

	if (!has_opt(args, OPT_UUID) && !args->parent)
		return usage_error(ctx, "define needs --uuid or --parent");
	if (args->jsonfile && (args->type || has_opt(args, OPT_AUTO)))
		return usage_error(ctx, "--jsonfile cannot be combined with --type or --auto");
	if (args->jsonfile && !args->parent)
		return usage_error(ctx, "--jsonfile needs --parent");
	/* as with mdevctl: a running device's parent is taken only together with its type */
	if (args->type && !args->parent)
		return usage_error(ctx, "--type needs --parent");
	generated = take_uuid(args);
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	if (!generated)
		model_active_get(&ctx->rfs, args->uuid, &act);
	parent = args->parent ? args->parent : act.parent;
	if (!parent) {
		r = fail(ctx,
			 "cannot define %s: it is not active, so --parent and --type are needed",
			 args->uuid);
		goto out;
	}
	r = build_definition(ctx, args, &act, parent, &cfg);
	if (r)
		goto out;
	r = store_load(&ctx->rfs, parent, args->uuid, &old, &err);
	config_clear(&old);
	if (r == -ENOTDIR) {
		r = fail(ctx, "cannot define %s: %s", args->uuid, err.msg);
		goto out;
	}
	if (r != -ENOENT) {
		/* a broken file still is a definition: never overwrite it silently */
		r = fail(ctx, "refusing to overwrite existing config for %s/%s", parent,
			 args->uuid);
		goto out;
	}
	warn_unsupported(ctx, parent, cfg.type);
	r = save_with_callouts(ctx, args, parent, &cfg, ACT_DEFINE);
	if (r)
		goto out;
	if (generated)
		printf("%s\n", args->uuid);
	r = 0;
out:
	store_unlock(lock);
	config_clear(&cfg);
	active_clear(&act);
	return r;
}

/* Removes PARENT/UUID between the pre and post callouts of undefine. */
static int undefine_one(struct ctx *ctx, const struct cmd_args *args, const char *parent)
{
	struct mdev_config cfg;
	struct co_call call = { ctx->co, args->uuid, parent, &cfg, ACT_UNDEFINE, -1 };
	struct mdev_error err;
	int r = store_load(&ctx->rfs, parent, args->uuid, &cfg, &err);

	if (r < 0) {
		/* a broken definition can go, but no script can be told its type */
		warnf("%s", err.msg);
		r = store_delete(&ctx->rfs, parent, args->uuid, &err);
	} else if (co_pre(&call, has_opt(args, OPT_FORCE), &err) < 0) {
		config_clear(&cfg);
		return fail(ctx, "%s", err.msg); /* it names the command already */
	} else {
		r = store_delete(&ctx->rfs, parent, args->uuid, &err);
		co_post(&call, r == 0);
	}
	config_clear(&cfg);
	return r < 0 ? fail(ctx, "cannot undefine %s: %s", args->uuid, err.msg) : 0;
}

int mdev_undefine(struct ctx *ctx, struct cmd_args *args)
{
	struct strv parents = { 0 };
	struct mdev_error err;
	int lock, r = 0;

	if (!has_opt(args, OPT_UUID))
		return usage_error(ctx, "undefine needs --uuid");
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	if (store_find(&ctx->rfs, args->uuid, args->parent, &parents, &err) < 0)
		r = fail(ctx, "%s", err.msg);
	else if (!parents.n)
		r = fail(ctx, "cannot undefine %s: not defined%s%s", args->uuid,
			 args->parent ? " on " : "", args->parent ? args->parent : "");
	for (size_t i = 0; r == 0 && i < parents.n; i++)
		r = undefine_one(ctx, args, parents.v[i]);
	store_unlock(lock);
	strv_free(&parents);
	return r;
}

/* The one definition of UUID (on PARENT if given), or an error message. */
static int find_one(struct ctx *ctx, const char *uuid, const char *parent, const char *action,
		    struct strv *found)
{
	struct mdev_error err;

	if (store_find(&ctx->rfs, uuid, parent, found, &err) < 0)
		return fail(ctx, "%s", err.msg);
	if (found->n == 1)
		return 0;
	if (!found->n)
		return fail(ctx, "cannot %s %s: not defined%s%s", action, uuid,
			    parent ? " on " : "", parent ? parent : "");
	return fail(ctx, "cannot %s %s: defined on several parents (%s, %s%s): use --parent",
		    action, uuid, found->v[0], found->v[1], found->n > 2 ? ", ..." : "");
}

static int check_modify_args(struct ctx *ctx, const struct cmd_args *args)
{
	unsigned edits = OPTBIT(OPT_TYPE) | OPTBIT(OPT_AUTO) | OPTBIT(OPT_MANUAL) |
			 OPTBIT(OPT_ADDATTR) | OPTBIT(OPT_DELATTR);

	if (!has_opt(args, OPT_UUID))
		return usage_error(ctx, "modify needs --uuid");
	/* --live alone is told what it lacks, not "nothing to modify" (as by mdevctl) */
	if (has_opt(args, OPT_LIVE) && !args->jsonfile)
		return usage_error(ctx, "--live needs --jsonfile");
	if (!(args->seen & (edits | OPTBIT(OPT_JSONFILE))))
		return usage_error(ctx, "nothing to modify: give --type, --auto, --manual, "
					"--addattr, --delattr or --jsonfile");
	if (has_opt(args, OPT_AUTO) && has_opt(args, OPT_MANUAL))
		return usage_error(ctx, "--auto and --manual exclude each other");
	if (has_opt(args, OPT_ADDATTR) && has_opt(args, OPT_DELATTR))
		return usage_error(ctx, "--addattr and --delattr exclude each other");
	if (has_opt(args, OPT_ADDATTR) != has_opt(args, OPT_VALUE))
		return usage_error(ctx, "--addattr and --value go together");
	if (has_opt(args, OPT_INDEX) && !(args->seen & (OPTBIT(OPT_ADDATTR) | OPTBIT(OPT_DELATTR))))
		return usage_error(ctx, "--index needs --addattr or --delattr");
	if (args->jsonfile && (args->seen & edits))
		return usage_error(ctx,
				   "--jsonfile replaces the whole config: it cannot be combined "
				   "with other changes");
	if (args->jsonfile && !has_opt(args, OPT_LIVE) && !args->parent)
		return usage_error(ctx, "--jsonfile needs --parent");
	return 0;
}

static int apply_edits(struct ctx *ctx, const struct cmd_args *args, struct mdev_config *cfg)
{
	if (args->type) {
		free(cfg->type);
		cfg->type = xstrdup(args->type);
	}
	if (has_opt(args, OPT_AUTO) || has_opt(args, OPT_MANUAL))
		cfg->autostart = has_opt(args, OPT_AUTO);
	if (args->addattr) {
		size_t at = has_opt(args, OPT_INDEX) ? args->index : cfg->nattrs;

		if (config_attr_insert(cfg, at, args->addattr, args->value) < 0)
			return fail(ctx, "cannot add attribute at index %zu: %s has %zu attributes",
				    at, args->uuid, cfg->nattrs);
	}
	if (has_opt(args, OPT_DELATTR)) {
		size_t at = has_opt(args, OPT_INDEX) ? args->index : cfg->nattrs - 1;

		if (!cfg->nattrs)
			return fail(ctx, "cannot delete an attribute: %s has none", args->uuid);
		if (config_attr_delete(cfg, at) < 0)
			return fail(ctx, "cannot delete attribute %zu: %s has %zu attributes", at,
				    args->uuid, cfg->nattrs);
	}
	return 0;
}

/* Applies CFG to the running device UUID through a callout that supports live changes. */
static int modify_live(struct ctx *ctx, const struct cmd_args *args, const struct mdev_config *cfg)
{
	struct mdev_active act = { 0 };
	struct mdev_error err;
	int r = 0;

	if (model_active_get(&ctx->rfs, args->uuid, &act) < 0)
		return fail(ctx, "cannot change %s live: it is not active", args->uuid);
	if (args->parent && strcmp(args->parent, act.parent) != 0)
		r = fail(ctx, "cannot change %s live: it is active on %s, not on %s", args->uuid,
			 act.parent, args->parent);
	else if (co_live(ctx->co, args->uuid, act.parent, cfg, &err) < 0)
		r = fail(ctx, "%s", err.msg);
	active_clear(&act);
	return r;
}

int mdev_modify(struct ctx *ctx, struct cmd_args *args)
{
	bool live = has_opt(args, OPT_LIVE), defined = !live || has_opt(args, OPT_DEFINED);
	struct mdev_config cfg = { 0 };
	struct strv found = { 0 };
	struct mdev_error err;
	int lock, r;

	r = check_modify_args(ctx, args);
	if (r)
		return r;
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	/* check the definition exists before the running device is touched */
	if (defined) {
		r = find_one(ctx, args->uuid, args->parent, "modify", &found);
		if (r)
			goto out;
	}
	if (args->jsonfile)
		r = config_read_file(args->jsonfile, &cfg, &err) < 0 ? fail(ctx, "%s", err.msg) : 0;
	else if (store_load(&ctx->rfs, found.v[0], args->uuid, &cfg, &err) < 0)
		r = fail(ctx, "cannot modify %s: %s", args->uuid, err.msg);
	else
		r = apply_edits(ctx, args, &cfg);
	if (r == 0 && live)
		r = modify_live(ctx, args, &cfg);
	if (r == 0 && defined)
		r = save_with_callouts(ctx, args, found.v[0], &cfg, ACT_MODIFY);
out:
	store_unlock(lock);
	config_clear(&cfg);
	strv_free(&found);
	return r;
}
