// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mdev family for `apply`: parents and running devices from sysfs, definitions from the
 * store, and each step as the single commands do it, between the same callouts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmdev/apply.h"
#include "libmdev/holders.h"
#include "libmdev/lifecycle.h"
#include "libmdev/model.h"
#include "libmdev/store.h"

static int mdev_types(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err)
{
	char path[PATH_MAX];
	int r = rfs_path(path, sizeof(path), SYS_PARENTS "/%s/mdev_supported_types", p->name);

	if (r == 0)
		r = rfs_scandir(rfs, path, SCAN_DIRS | SCAN_FOLLOW, &p->types, NULL);
	if (r < 0 && r != -ENOENT)
		return mdev_errorf(err, -r, "cannot list the types of parent %s: %s", p->name,
				   strerror(-r));
	return 0;
}

static struct cur_dev *new_dev(struct cur_parent *p, size_t *cap, const char *uuid)
{
	if (p->ndevs == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		p->devs = xrealloc(p->devs, *cap * sizeof(*p->devs));
	}
	p->devs[p->ndevs] = (struct cur_dev){ 0 };
	/* canonical: the store and sysfs name no device otherwise */
	memcpy(p->devs[p->ndevs].id, uuid, UUID_STR_LEN);
	return &p->devs[p->ndevs++];
}

/* The definitions of P, in UUID order.  A broken one stops the run: it still is a definition. */
static int load_defined(const struct rootfs *rfs, struct cur_parent *p, size_t *cap,
			struct mdev_error *err)
{
	struct store_dir dir;
	int r = store_dir_open(rfs, p->name, &dir, err);

	if (r == 0)
		r = store_dir_list(&dir, err);
	for (size_t i = 0; r == 0 && i < dir.uuids.n; i++) {
		struct mdev_config cfg;

		r = store_dir_load(rfs, &dir, dir.uuids.v[i], &cfg, err);
		if (r == 0) {
			struct cur_dev *d = new_dev(p, cap, dir.uuids.v[i]);

			d->defined = true;
			d->def = cfg;
		} else if (r == -ENOENT) { /* removed while we looked */
			r = 0;
		}
	}
	store_dir_close(&dir);
	return r;
}

/*
 * What runs on P: its child directories named by a UUID, each with the link to its type.
 * Reading them below the parent costs one readlink per device, not a walk per device from
 * /sys/bus/mdev/devices.
 */
static int load_running(const struct rootfs *rfs, struct cur_parent *p, size_t *cap,
			struct mdev_error *err)
{
	struct strv kids = { 0 };
	char dir[PATH_MAX], link[PATH_MAX];
	size_t ndef = p->ndevs, at = 0;
	int fd, r;

	rfs_path(dir, sizeof(dir), SYS_PARENTS "/%s", p->name);
	fd = rfs_open(rfs, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return mdev_errorf(err, -fd, "cannot read parent %s: %s", p->name, strerror(-fd));
	r = rfs_scandir_fd(fd, SCAN_DIRS, &kids, NULL);
	for (size_t i = 0; r == 0 && i < kids.n; i++) {
		const char *uuid = kids.v[i], *type;
		char rel[UUID_STR_LEN + sizeof("/mdev_type")];
		struct cur_dev *d;

		if (!uuid_is_canonical(uuid))
			continue;
		snprintf(rel, sizeof(rel), "%s/mdev_type", uuid);
		if (rfs_readlink_at(rfs, fd, dir, rel, link, sizeof(link)) < 0)
			continue; /* removed while we looked, or not an mdev */
		type = rfs_basename(link);
		if (!rfs_valid_name(type))
			continue;
		/* both lists are sorted: find it among the definitions, else add it */
		while (at < ndef && strcmp(p->devs[at].id, uuid) < 0)
			at++;
		d = at < ndef && strcmp(p->devs[at].id, uuid) == 0 ? &p->devs[at]
								   : new_dev(p, cap, uuid);
		d->active_type = xstrdup(type);
	}
	close(fd);
	strv_free(&kids);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read parent %s: %s", p->name, strerror(-r));
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct cur_dev *)a)->id, ((const struct cur_dev *)b)->id);
}

static int mdev_load(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err)
{
	size_t cap = 0, ndef;
	int r = load_defined(rfs, p, &cap, err);

	ndef = p->ndevs;
	if (r == 0)
		r = load_running(rfs, p, &cap, err);
	if (p->ndevs > ndef)
		qsort(p->devs, p->ndevs, sizeof(*p->devs), cmp_dev);
	p->loaded = true;
	return r;
}

static char *mdev_running_on(const struct rootfs *rfs, const char *id)
{
	struct mdev_active a = { 0 };
	char *parent;

	if (model_active_get(rfs, id, &a) < 0)
		return NULL;
	parent = xstrdup(a.parent);
	active_clear(&a);
	return parent;
}

static void mdev_new_id(const struct cur_parent *p, const struct strv *taken, char id[DEV_ID_MAX])
{
	(void)p;
	(void)taken;
	uuid_new(id);
}

static int mdev_available(const struct rootfs *rfs, const char *parent, const char *type, long *n,
			  struct mdev_error *err)
{
	char path[PATH_MAX], buf[64];
	unsigned long v;
	int r = rfs_path(path, sizeof(path),
			 SYS_PARENTS "/%s/mdev_supported_types/%s/available_instances", parent,
			 type);

	if (r == 0)
		r = rfs_read(rfs, path, buf, sizeof(buf));
	if (r >= 0 && (!parse_ulong(buf, &v) || v > LONG_MAX))
		r = -EINVAL;
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read available instances of %s on %s: %s", type,
				   parent, strerror(-r));
	*n = (long)v;
	return 0;
}

static int mdev_held(const struct rootfs *rfs, const char *parent, const char *id,
		     struct mdev_error *err)
{
	char dev[PATH_MAX];

	(void)parent;
	if (rfs_path(dev, sizeof(dev), SYS_DEVICES "/%s", id) < 0)
		return 0;
	return holders_check(rfs, dev, err);
}

/* Creates the device and waits until it is there: the next step, or the check, looks for it. */
static int start_and_wait(const struct rootfs *rfs, const char *parent, const char *id,
			  const struct mdev_config *cfg, struct mdev_error *err)
{
	struct mdev_error ignored;
	int r = device_start(rfs, parent, id, cfg, err);

	if (r < 0)
		return r;
	r = model_wait_active(rfs, id, device_appear_timeout_ms());
	if (r == 0)
		return 0;
	/* if the kernel makes it after all, it must not stay behind */
	model_remove(rfs, id, &ignored);
	return mdev_errorf(err, -r,
			   "created %s (%s on %s) but it did not appear in /sys/bus/mdev/devices",
			   id, cfg->type, parent);
}

/* A stopped device is gone before the next step may create one of the same UUID. */
static int stop_and_wait(const struct rootfs *rfs, const char *parent, const char *id,
			 struct mdev_error *err)
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	int r = model_remove(rfs, id, err), timeout = device_appear_timeout_ms();

	for (int waited = 0; r == 0 && rfs_existsf(rfs, O_NOFOLLOW, SYS_DEVICES "/%s", id);
	     waited += 5) {
		if (waited >= timeout)
			return mdev_errorf(err, EBUSY, "stopped %s on %s but it is still there", id,
					   parent);
		nanosleep(&tick, NULL);
	}
	return r;
}

static int mdev_save(const struct rootfs *rfs, enum plan_op op, const char *parent, const char *id,
		     struct apply_saved *out, struct mdev_error *err)
{
	if (op == OP_DEFINE) {
		out->made_dir = !rfs_existsf(rfs, O_NOFOLLOW, CONFIG_DIR "/%s", parent);
		return 0;
	}
	return store_load_raw(rfs, CONFIG_DIR, parent, id, &out->data, &out->len, err);
}

static int mdev_step(const struct apply_ctx *ax, const struct apply_step *s, struct mdev_error *err)
{
	static const enum co_action co_of[] = {
		[OP_STOP] = ACT_STOP,	  [OP_UNDEFINE] = ACT_UNDEFINE, [OP_DEFINE] = ACT_DEFINE,
		[OP_MODIFY] = ACT_MODIFY, [OP_START] = ACT_START,
	};
	struct mdev_config bare = { .type = (char *)s->type };
	struct co_call call = {
		ax->co, s->id, s->parent, s->cfg ? s->cfg : &bare, co_of[s->op], -1
	};
	/* undoing must not be vetoed: it puts back what a script already agreed to */
	int r = co_pre(&call, ax->force || s->undo, err);

	if (r < 0)
		return r;
	switch (s->op) {
	case OP_DEFINE:
	case OP_MODIFY:
		r = s->saved && s->saved->data
			    ? store_save_raw(ax->rfs, CONFIG_DIR, s->parent, s->id, s->saved->data,
					     s->saved->len, err)
			    : store_save(ax->rfs, s->parent, s->id, call.cfg, err);
		break;
	case OP_UNDEFINE:
		r = store_delete(ax->rfs, s->parent, s->id, err);
		if (r == 0 && s->saved && s->saved->made_dir)
			store_dir_remove(ax->rfs, CONFIG_DIR, s->parent);
		break;
	case OP_START:
		r = start_and_wait(ax->rfs, s->parent, s->id, call.cfg, err);
		break;
	case OP_STOP:
		r = stop_and_wait(ax->rfs, s->parent, s->id, err);
		break;
	}
	co_post(&call, r == 0);
	/* what is to be undone may be gone already: a device that never appeared */
	return s->undo && r == -ENOENT ? 0 : r;
}

const struct apply_backend apply_mdev_backend = {
	.ids = ID_UUID,
	.read_ahead = true,
	.parents = model_parents,
	.types = mdev_types,
	.load = mdev_load,
	.running_on = mdev_running_on,
	.new_id = mdev_new_id,
	.available = mdev_available,
	.held = mdev_held,
	.save = mdev_save,
	.step = mdev_step,
};
