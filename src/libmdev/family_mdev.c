// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mdev family: model.c, store.c and lifecycle.c behind the device_family table. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmdev/callout.h"
#include "libmdev/device_info.h"
#include "libmdev/family.h"
#include "libmdev/holders.h"
#include "libmdev/lifecycle.h"
#include "libmdev/store.h"
#include "libmdev/type_probe.h"

static bool mdev_present(const struct rootfs *rfs, const char *parent)
{
	return rfs_existsf(rfs, 0, SYS_PARENTS "/%s", parent);
}

/* Loads UUID from DIR when it exists and is valid; bad files are warned about. */
static bool load_def(const struct rootfs *rfs, const struct store_dir *dir, const char *uuid,
		     struct mdev_config *cfg)
{
	struct mdev_error err;
	int r = store_dir_load(rfs, dir, uuid, cfg, &err);

	if (r < 0 && r != -ENOENT)
		warnf("skipping %s", err.msg);
	return r == 0;
}

/*
 * The IOMMU group of active device UUID into *ID; false when it has none (no
 * VFIO driver bound).  The device is looked up below its parent, PARENT's
 * directory opened once for all its devices in *PDEV (-1: none yet; the caller
 * closes it), which costs one step each, not the whole path from the root.
 */
static bool group_of(const struct rootfs *rfs, const char *parent, const char *uuid, int *pdev,
		     const char **pdev_name, unsigned long *id)
{
	char path[PATH_MAX];

	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s", parent) < 0)
		return false;
	if (!*pdev_name || strcmp(*pdev_name, parent) != 0) {
		if (*pdev >= 0)
			close(*pdev);
		*pdev = rfs_open(rfs, path, O_PATH | O_DIRECTORY, 0);
		*pdev_name = parent;
	}
	return *pdev >= 0 && iommu_group_of_at(rfs, *pdev, path, uuid, id) == 0;
}

static int mdev_each_active(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			    void *data, struct mdev_error *err)
{
	struct store_dir dir = { .fd = -1 };
	struct active_list act = { 0 };
	const char *pdev_name = NULL;
	int pdev = -1, r;

	if (q->key) {
		act.v = xcalloc(1, sizeof(*act.v));
		r = model_active_get(env->rfs, q->key, act.v);
		if (r == 0)
			act.n = 1;
		else if (r != -ENOENT)
			warnf("cannot read active device %s: %s", q->key, file_strerror(-r));
	} else if (model_active_all(env->rfs, &act, err) < 0) {
		return -err->code;
	}
	for (size_t i = 0; i < act.n; i++) {
		const struct mdev_active *a = &act.v[i];
		struct mdev_config cfg = { 0 };
		struct fam_dev d;
		struct mdev_error e;

		if (q->parent && strcmp(a->parent, q->parent) != 0)
			continue;
		fam_dev_init(&d, a->parent, a->uuid, &cfg);
		/* sorted by parent: each parent's definitions are opened once */
		if (!dir.parent || strcmp(dir.parent, a->parent) != 0) {
			store_dir_close(&dir);
			if (store_dir_open(env->rfs, a->parent, &dir, &e) < 0)
				warnf("%s", e.msg);
		}
		/* a definition of another type is not what is running */
		d.marked =
			load_def(env->rfs, &dir, a->uuid, &cfg) && strcmp(cfg.type, a->type) == 0;
		if (!d.marked) {
			config_clear(&cfg);
			cfg.type = xstrdup(a->type);
		}
		/* what the device really runs with, when its callout can tell */
		if (q->details && co_get_attrs(env->co, a->uuid, a->parent, &cfg, &e) < 0)
			warnf("%s", e.msg);
		if (q->groups)
			d.has_group =
				group_of(env->rfs, a->parent, a->uuid, &pdev, &pdev_name, &d.group);
		fn(data, &d);
		config_clear(&cfg);
	}
	if (pdev >= 0)
		close(pdev);
	store_dir_close(&dir);
	active_list_free(&act);
	return 0;
}

static bool is_active_as(const struct rootfs *rfs, int devs, const char *parent, const char *uuid,
			 const char *type)
{
	struct mdev_active a = { 0 };
	bool same;

	if (devs < 0 || model_active_at(rfs, devs, uuid, &a) < 0)
		return false;
	same = strcmp(a.parent, parent) == 0 && strcmp(a.type, type) == 0;
	active_clear(&a);
	return same;
}

/* The definitions of PARENT, or of only the UUID Q names. */
static void each_def_of(const struct rootfs *rfs, const struct fam_query *q, const char *parent,
			int devs, fam_dev_fn fn, void *data)
{
	struct store_dir dir;
	struct mdev_error err;

	if (store_dir_open(rfs, parent, &dir, &err) < 0 ||
	    (!q->key && store_dir_list(&dir, &err) < 0))
		warnf("%s", err.msg);
	if (q->key)
		strv_push(&dir.uuids, q->key);
	for (size_t i = 0; i < dir.uuids.n; i++) {
		struct mdev_config cfg;
		struct fam_dev d;

		if (!load_def(rfs, &dir, dir.uuids.v[i], &cfg))
			continue;
		fam_dev_init(&d, parent, dir.uuids.v[i], &cfg);
		d.marked = q->marks && is_active_as(rfs, devs, parent, d.key, cfg.type);
		fn(data, &d);
		config_clear(&cfg);
	}
	store_dir_close(&dir);
}

static int mdev_each_defined(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			     void *data, struct mdev_error *err)
{
	struct strv parents = { 0 };
	int devs = -1, r = 0;

	if (q->marks)
		devs = rfs_open(env->rfs, SYS_DEVICES, O_PATH | O_DIRECTORY, 0);
	/* -u: at most one file per parent */
	if (q->key)
		r = store_find(env->rfs, q->key, q->parent, &parents, err);
	else if (q->parent)
		strv_push(&parents, q->parent);
	else
		r = store_parents(env->rfs, &parents, err);
	for (size_t p = 0; r == 0 && p < parents.n; p++)
		each_def_of(env->rfs, q, parents.v[p], devs, fn, data);
	if (devs >= 0)
		close(devs);
	strv_free(&parents);
	return r < 0 ? -err->code : 0;
}

/*
 * udev may run this for the same parent several times at once (add and change): the caller's
 * lock serialises the runs, and each waits for what it created to show up before letting the
 * next one in, so the next finds it active and skips it.
 */
static int mdev_start_parent(const struct fam_env *env, const char *parent, struct fam_boot *boot,
			     struct mdev_error *err)
{
	struct store_dir dir;
	int r;

	if (store_dir_open(env->rfs, parent, &dir, err) < 0 || store_dir_list(&dir, err) < 0) {
		store_dir_close(&dir);
		return -err->code;
	}
	for (size_t i = 0; i < dir.uuids.n; i++) {
		const char *uuid = dir.uuids.v[i];
		struct mdev_config cfg;
		struct mdev_error e;
		char msg[sizeof(e.msg) + 16];

		r = store_dir_load(env->rfs, &dir, uuid, &cfg, &e);
		if (r < 0) {
			if (r != -ENOENT) {
				snprintf(msg, sizeof(msg), "skipping %s", e.msg);
				boot->failure(boot->data, msg);
				boot->failed++;
			}
			continue;
		}
		if (!cfg.autostart) {
			config_clear(&cfg);
			continue;
		}
		r = device_start_scripted(env->rfs, env->co, parent, uuid, &cfg, false, &e);
		if (r == -EALREADY) {
			boot->active++;
		} else if (r < 0) {
			boot->failure(boot->data, e.msg);
			boot->failed++;
		} else {
			boot->started++;
			/* so that a concurrent run sees it active and does not create it again */
			model_wait_active(env->rfs, uuid, device_appear_timeout_ms());
		}
		config_clear(&cfg);
	}
	store_dir_close(&dir);
	return 0;
}

static int mdev_stop(const struct fam_env *env, const char *uuid, bool force,
		     struct mdev_error *err)
{
	struct mdev_active act = { 0 };
	struct mdev_config cfg = { 0 };
	struct co_call call = { env->co, uuid, NULL, &cfg, ACT_STOP, -1 };
	char dev[PATH_MAX], why[sizeof(err->msg)];
	int r = model_active_get(env->rfs, uuid, &act);

	if (r < 0)
		return mdev_errorf(err, -r, "cannot stop %s: %s", uuid,
				   r == -ENOENT ? "device is not active" : file_strerror(-r));
	/* scripts see the definition when it describes what runs, else the bare device */
	if (store_load(env->rfs, act.parent, uuid, &cfg, err) < 0 ||
	    strcmp(cfg.type, act.type) != 0) {
		config_clear(&cfg);
		cfg.type = xstrdup(act.type);
	}
	call.parent = act.parent;
	/* the kernel's remove would wait, unkillably, until the holder lets go */
	if (!force && rfs_path(dev, sizeof(dev), SYS_DEVICES "/%s", uuid) == 0 &&
	    holders_check(env->rfs, dev, err) < 0) {
		snprintf(why, sizeof(why), "%s", err->msg);
		r = mdev_errorf(err, err->code, "cannot stop %s: %s%s", uuid, why,
				err->code == EBUSY
					? " (--force stops it anyway, waiting until it is released)"
					: "");
		goto out;
	}
	r = co_pre(&call, force, err);
	if (r == 0) {
		r = model_remove(env->rfs, uuid, err);
		co_post(&call, r == 0);
	}
out:
	config_clear(&cfg);
	active_clear(&act);
	return r;
}

/* An mdev's parent is the directory holding it: the link's second-to-last component. */
static char *parent_of(const struct rootfs *rfs, const char *dev)
{
	char link[PATH_MAX], *last, *prev;

	if (rfs_readlink(rfs, dev, link, sizeof(link)) < 0)
		return NULL;
	last = strrchr(link, '/');
	if (!last)
		return NULL;
	*last = '\0';
	prev = strrchr(link, '/');
	prev = prev ? prev + 1 : link;
	return rfs_valid_name(prev) ? xstrdup(prev) : NULL;
}

static void mdev_group_member(const struct rootfs *rfs, const char *dev, struct iommu_member *m)
{
	char path[PATH_MAX], link[PATH_MAX];

	if (!m->bus || strcmp(m->bus, "mdev") != 0)
		return;
	m->type_key = "mdev_type";
	m->parent = parent_of(rfs, dev);
	if (rfs_path(path, sizeof(path), "%s/mdev_type", dev) == 0 &&
	    rfs_readlink(rfs, path, link, sizeof(link)) >= 0 && rfs_valid_name(rfs_basename(link)))
		m->mdev_type = xstrdup(rfs_basename(link));
}

const struct device_family family_mdev = {
	.name = "mdev",
	.key_name = "uuid",
	.parent_note = "",
	.has_events = true,
	.parents = model_parents,
	.present = mdev_present,
	.types = model_types,
	.probe_type = type_probe,
	.each_active = mdev_each_active,
	.each_defined = mdev_each_defined,
	.def_parents = store_parents,
	.start_parent = mdev_start_parent,
	.info = mdev_info_load,
	.stop = mdev_stop,
	.group_member = mdev_group_member,
};
