// SPDX-License-Identifier: LGPL-2.1-or-later
/* list: active devices, or with --defined the stored definitions. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmdev/callout.h"
#include "libmdev/iommu.h"
#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/store.h"
#include "libmdev/model.h"
#include "basic/output.h"

struct lister {
	struct ctx *ctx;
	bool json, verbose, single;
	struct outbuf out;
	struct group_writer gw;
	struct sbuf scratch; /* one attribute's JSON, before it is escaped */
};

static void add_attrs(struct lister *l, const struct mdev_config *cfg)
{
	struct sbuf *b = &l->out.b;

	if (!cfg->nattrs)
		return;
	sb_adds(b, "  Attrs:\n");
	for (size_t i = 0; i < cfg->nattrs; i++) {
		json_t *a = json_object();
		char num[24];

		json_object_set_new(a, cfg->attrs[i].name, json_str(cfg->attrs[i].value));
		sb_adds(b, "    @{");
		sb_adds(b, ulong_to_str(num, i));
		sb_adds(b, "}: ");
		/* JSON escapes C0 controls, but leaves DEL and C1 raw */
		l->scratch.len = 0;
		json_add_compact(&l->scratch, a);
		sb_addc(&l->scratch, '\0');
		sb_adds_escaped(b, l->scratch.p);
		sb_addc(b, '\n');
		json_decref(a);
	}
}

/*
 * One device, in the chosen format; MARK is " (defined)", " (active)" or "".
 * GROUP is the IOMMU group of an active device, or -1.
 */
static void emit(struct lister *l, const char *parent, const char *uuid,
		 const struct mdev_config *cfg, const char *mark, long group)
{
	struct sbuf *b = &l->out.b;

	if (!l->json) {
		sb_adds(b, uuid);
		sb_addc(b, ' ');
		sb_adds_escaped(b, parent);
		sb_addc(b, ' ');
		sb_adds_escaped(b, cfg->type);
		sb_adds(b, cfg->autostart ? " auto" : " manual");
		sb_adds(b, mark);
		sb_addc(b, '\n');
		if (group >= 0) {
			char num[24];

			sb_adds(b, "  IOMMU group: ");
			sb_adds(b, ulong_to_str(num, (unsigned long)group));
			sb_addc(b, '\n');
		}
		if (l->verbose)
			add_attrs(l, cfg);
		outbuf_item_done(&l->out);
	} else if (l->single) {
		config_format(b, cfg, 0);
		sb_addc(b, '\n');
	} else {
		gw_begin_item(&l->gw, parent, uuid);
		config_format(b, cfg, 8);
		gw_end_item(&l->gw);
	}
}

/* Loads UUID from DIR when it exists and is valid; bad files are warned about. */
static bool load_def(struct ctx *ctx, const struct store_dir *dir, const char *uuid,
		     struct mdev_config *cfg)
{
	struct mdev_error err;
	int r = store_dir_load(&ctx->rfs, dir, uuid, cfg, &err);

	if (r < 0 && r != -ENOENT)
		warnf("skipping %s", err.msg);
	return r == 0;
}

/*
 * The IOMMU group of active device UUID, or -1 (none: no VFIO driver bound).
 * The device is looked up below its parent, PARENT's directory opened once
 * for all its devices in *PDEV (-1: none yet; the caller closes it), which
 * costs one step each, not the whole path from the root.
 */
static long group_of(const struct ctx *ctx, const char *parent, const char *uuid, int *pdev,
		     const char **pdev_name)
{
	char path[PATH_MAX];
	unsigned long id;

	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s", parent) < 0)
		return -1;
	if (!*pdev_name || strcmp(*pdev_name, parent) != 0) {
		if (*pdev >= 0)
			close(*pdev);
		*pdev = rfs_open(&ctx->rfs, path, O_PATH | O_DIRECTORY, 0);
		*pdev_name = parent;
	}
	if (*pdev < 0 || iommu_group_of_at(&ctx->rfs, *pdev, path, uuid, &id) < 0)
		return -1;
	return id <= LONG_MAX ? (long)id : -1;
}

static int list_active(struct lister *l, const struct cmd_args *args)
{
	struct store_dir dir = { .fd = -1 };
	struct active_list act = { 0 };
	struct mdev_error err;
	const char *pdev_name = NULL;
	size_t shown = 0;
	int pdev = -1, r;

	if (has_opt(args, OPT_UUID)) {
		act.v = xcalloc(1, sizeof(*act.v));
		r = model_active_get(&l->ctx->rfs, args->uuid, act.v);
		if (r == 0)
			act.n = 1;
		else if (r != -ENOENT)
			warnf("cannot read active device %s: %s", args->uuid, file_strerror(-r));
	} else if (model_active_all(&l->ctx->rfs, &act, &err) < 0) {
		return fail(l->ctx, "%s", err.msg);
	}
	for (size_t i = 0; i < act.n; i++)
		shown += !args->parent || strcmp(act.v[i].parent, args->parent) == 0;
	l->single = l->json && has_opt(args, OPT_UUID) && shown == 1;
	for (size_t i = 0; i < act.n; i++) {
		const struct mdev_active *a = &act.v[i];
		struct mdev_config cfg = { 0 };
		bool defined;

		if (args->parent && strcmp(a->parent, args->parent) != 0)
			continue;
		/* sorted by parent: each parent's definitions are opened once */
		if (!dir.parent || strcmp(dir.parent, a->parent) != 0) {
			store_dir_close(&dir);
			if (store_dir_open(&l->ctx->rfs, a->parent, &dir, &err) < 0)
				warnf("%s", err.msg);
		}
		/* a definition of another type is not what is running */
		defined = load_def(l->ctx, &dir, a->uuid, &cfg) && strcmp(cfg.type, a->type) == 0;
		if (!defined) {
			config_clear(&cfg);
			cfg.type = xstrdup(a->type);
		}
		/* what the device really runs with, when its callout can tell */
		if ((l->verbose || l->json) &&
		    co_get_attrs(l->ctx->co, a->uuid, a->parent, &cfg, &err) < 0)
			warnf("%s", err.msg);
		emit(l, a->parent, a->uuid, &cfg, defined ? " (defined)" : "",
		     l->verbose && !l->json
			     ? group_of(l->ctx, a->parent, a->uuid, &pdev, &pdev_name)
			     : -1);
		config_clear(&cfg);
	}
	if (pdev >= 0)
		close(pdev);
	store_dir_close(&dir);
	active_list_free(&act);
	return 0;
}

static bool is_active_as(struct ctx *ctx, int devs, const char *parent, const char *uuid,
			 const char *type)
{
	struct mdev_active a = { 0 };
	bool same;

	if (devs < 0 || model_active_at(&ctx->rfs, devs, uuid, &a) < 0)
		return false;
	same = strcmp(a.parent, parent) == 0 && strcmp(a.type, type) == 0;
	active_clear(&a);
	return same;
}

static void emit_def(struct lister *l, int devs, const char *parent, const char *uuid,
		     const struct mdev_config *cfg)
{
	bool active = !l->json && is_active_as(l->ctx, devs, parent, uuid, cfg->type);

	emit(l, parent, uuid, cfg, active ? " (active)" : "", -1);
}

/* -u: at most one file per parent; a single valid one prints bare in JSON. */
static int list_defined_uuid(struct lister *l, const struct cmd_args *args, int devs)
{
	struct strv found = { 0 };
	struct mdev_config *cfgs;
	struct mdev_error err;
	size_t valid = 0;
	bool *ok;

	if (store_find(&l->ctx->rfs, args->uuid, args->parent, &found, &err) < 0)
		return fail(l->ctx, "%s", err.msg);
	cfgs = xcalloc(found.n, sizeof(*cfgs));
	ok = xcalloc(found.n, sizeof(*ok));
	for (size_t i = 0; i < found.n; i++) {
		struct store_dir dir;

		if (store_dir_open(&l->ctx->rfs, found.v[i], &dir, &err) < 0)
			warnf("%s", err.msg);
		valid += ok[i] = load_def(l->ctx, &dir, args->uuid, &cfgs[i]);
		store_dir_close(&dir);
	}
	l->single = l->json && valid == 1;
	for (size_t i = 0; i < found.n; i++) {
		if (ok[i])
			emit_def(l, devs, found.v[i], args->uuid, &cfgs[i]);
		config_clear(&cfgs[i]);
	}
	free(cfgs);
	free(ok);
	strv_free(&found);
	return 0;
}

static int list_defined(struct lister *l, const struct cmd_args *args)
{
	struct strv parents = { 0 };
	struct mdev_error err;
	int devs = -1, r = 0;

	if (!l->json)
		devs = rfs_open(&l->ctx->rfs, SYS_DEVICES, O_PATH | O_DIRECTORY, 0);
	if (has_opt(args, OPT_UUID))
		r = list_defined_uuid(l, args, devs);
	else if (args->parent)
		strv_push(&parents, args->parent);
	else if (store_parents(&l->ctx->rfs, &parents, &err) < 0)
		r = fail(l->ctx, "%s", err.msg);
	for (size_t p = 0; p < parents.n; p++) {
		struct store_dir dir;

		if (store_dir_open(&l->ctx->rfs, parents.v[p], &dir, &err) < 0 ||
		    store_dir_list(&dir, &err) < 0)
			warnf("%s", err.msg);
		for (size_t i = 0; i < dir.uuids.n; i++) {
			struct mdev_config cfg;

			if (!load_def(l->ctx, &dir, dir.uuids.v[i], &cfg))
				continue;
			emit_def(l, devs, parents.v[p], dir.uuids.v[i], &cfg);
			config_clear(&cfg);
		}
		store_dir_close(&dir);
	}
	if (devs >= 0)
		close(devs);
	strv_free(&parents);
	return r;
}

int cmd_list(struct ctx *ctx, struct cmd_args *args)
{
	struct lister l = {
		.ctx = ctx,
		.json = has_opt(args, OPT_DUMPJSON),
		.verbose = has_opt(args, OPT_VERBOSE),
		.gw = { .out = &l.out },
	};
	int r;

	outbuf_init(&l.out, stdout);
	r = has_opt(args, OPT_DEFINED) ? list_defined(&l, args) : list_active(&l, args);
	if (r == 0 && l.json && !l.single)
		gw_finish(&l.gw);
	outbuf_finish(&l.out);
	sb_free(&l.scratch);
	return r;
}
