// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vGPU family for `apply`: vGPUs on the SR-IOV VFs of a GPU, named by VF index ("vf" in
 * a layout), their definitions in etc/mdevadm.d/vf, each step as the single commands do it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/apply.h"
#include "libmdev/family.h"
#include "libmdev/holders.h"
#include "libmdev/store.h"
#include "libmdev/vgpu_store.h"
#include "libmdev/vgpu_vf.h"

static int vf_types(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err)
{
	struct mdev_type_info *t;
	size_t n;
	int r = family_vf.types(rfs, p->name, &t, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++)
		strv_push(&p->types, t[i].id);
	if (r == 0) {
		strv_sort(&p->types);
		model_types_free(t, n);
	}
	return r;
}

static struct cur_dev *dev_of(struct cur_parent *p, unsigned long index)
{
	char id[DEV_ID_MAX];

	snprintf(id, sizeof(id), "%lu", index);
	for (size_t i = 0; i < p->ndevs; i++)
		if (strcmp(p->devs[i].id, id) == 0)
			return &p->devs[i];
	p->devs = xrealloc(p->devs, (p->ndevs + 1) * sizeof(*p->devs));
	p->devs[p->ndevs] = (struct cur_dev){ 0 };
	memcpy(p->devs[p->ndevs].id, id, sizeof(id));
	return &p->devs[p->ndevs++];
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct cur_dev *)a)->id, ((const struct cur_dev *)b)->id);
}

/* P's definitions, then what its VFs run; a broken definition stops the run, as for mdevs. */
static int vf_load(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err)
{
	unsigned long *idx;
	struct vgpu_pf pf = { 0 };
	size_t n;
	int r = vgpu_store_list(rfs, p->name, &idx, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct vgpu_def def;

		r = vgpu_store_load(rfs, p->name, idx[i], &def, err);
		if (r == 0) {
			struct cur_dev *d = dev_of(p, idx[i]);

			d->defined = true;
			d->def = (struct mdev_config){ .type = def.type,
						       .autostart = def.autostart };
			free(def.name);
		} else if (r == -ENOENT) {
			r = 0;
		}
	}
	free(idx);
	if (r == 0)
		r = vgpu_pf_load(rfs, p->name, &pf, err);
	for (size_t i = 0; r == 0 && i < pf.nvfs; i++)
		if (pf.vfs[i].current > 0)
			dev_of(p, pf.vfs[i].index)->active_type =
				xasprintf(VGPU_TYPE_PREFIX "%ld", pf.vfs[i].current);
	if (r == 0)
		vgpu_pf_clear(&pf);
	/* ids sort as strings, as the planner looks them up */
	if (p->ndevs > 1)
		qsort(p->devs, p->ndevs, sizeof(*p->devs), cmp_dev);
	p->loaded = true;
	return r;
}

/* A VF index is local to its GPU: no vGPU runs "elsewhere" under the same name. */
static char *vf_running_on(const struct rootfs *rfs, const char *id)
{
	(void)rfs;
	(void)id;
	return NULL;
}

static bool id_taken(const struct cur_parent *p, const struct strv *taken, const char *id)
{
	for (size_t i = 0; i < taken->n; i++)
		if (strcmp(taken->v[i], id) == 0)
			return true;
	return cur_find_dev(p, id) != NULL;
}

/* The lowest VF index with neither a definition nor a vGPU (nor given to another new one). */
static void vf_new_id(const struct cur_parent *p, const struct strv *taken, char id[DEV_ID_MAX])
{
	for (unsigned long k = 0;; k++) {
		snprintf(id, DEV_ID_MAX, "%lu", k);
		if (!id_taken(p, taken, id))
			return;
	}
}

static int vf_available(const struct rootfs *rfs, const char *parent, const char *type, long *n,
			struct mdev_error *err)
{
	struct mdev_type_info *t;
	size_t nt;
	int r = family_vf.types(rfs, parent, &t, &nt, err);

	*n = 0;
	for (size_t i = 0; r == 0 && i < nt; i++)
		if (strcmp(t[i].id, type) == 0)
			*n = t[i].available;
	if (r == 0)
		model_types_free(t, nt);
	return r;
}

/* VF ID of PARENT, its address into ADDR; an error when there is no such VF now. */
static int vf_addr_of(const struct rootfs *rfs, const char *parent, const char *id,
		      char addr[PCI_ADDR_MAX], struct mdev_error *err)
{
	char pf[PCI_ADDR_MAX];
	unsigned long index;
	int r = vgpu_vf_resolve(rfs, parent, id, pf, &index, addr, err);

	if (r == 0 && !rfs_existsf(rfs, 0, SYS_PCI_DEVICES "/%s", addr))
		r = mdev_errorf(err, ENOENT, "VF %s of %s does not exist", id, parent);
	return r;
}

static int vf_held(const struct rootfs *rfs, const char *parent, const char *id,
		   struct mdev_error *err)
{
	char addr[PCI_ADDR_MAX], dev[PATH_MAX];

	if (vf_addr_of(rfs, parent, id, addr, err) < 0 ||
	    rfs_path(dev, sizeof(dev), SYS_PCI_DEVICES "/%s", addr) < 0)
		return 0;
	return holders_check(rfs, dev, err);
}

static int vf_save(const struct rootfs *rfs, enum plan_op op, const char *parent, const char *id,
		   struct apply_saved *out, struct mdev_error *err)
{
	if (op == OP_DEFINE) {
		out->made_dir = !rfs_existsf(rfs, 0, VGPU_CONFIG_DIR "/%s", parent);
		return 0;
	}
	return store_load_raw(rfs, VGPU_CONFIG_DIR, parent, id, &out->data, &out->len, err);
}

/* Stores CFG as the definition of VF INDEX, with the type's name when the GPU lists it. */
static int save_def(const struct rootfs *rfs, const char *parent, unsigned long index,
		    const struct mdev_config *cfg, struct mdev_error *err)
{
	struct vgpu_def def = { .type = cfg->type, .autostart = cfg->autostart };
	struct mdev_type_info *t;
	struct mdev_error ignored;
	size_t n;
	int r;

	if (cfg->nattrs)
		return mdev_errorf(err, EINVAL, "a vGPU has no attributes (VF %lu of %s)", index,
				   parent);
	if (family_vf.types(rfs, parent, &t, &n, &ignored) == 0) {
		for (size_t i = 0; i < n && !def.name; i++)
			if (strcmp(t[i].id, cfg->type) == 0 && t[i].name)
				def.name = xstrdup(t[i].name);
		model_types_free(t, n);
	}
	r = vgpu_store_save(rfs, parent, index, &def, err);
	free(def.name);
	return r;
}

static int vf_step(const struct apply_ctx *ax, const struct apply_step *s, struct mdev_error *err)
{
	struct vgpu_start_req req = { .pf = s->parent };
	char addr[PCI_ADDR_MAX];
	struct vgpu_started started;
	unsigned long index;
	int r = parse_ulong(s->id, &index) ? 0 : mdev_errorf(err, EINVAL, "invalid VF %s", s->id);

	switch (r < 0 ? -1 : (int)s->op) {
	case OP_DEFINE:
	case OP_MODIFY:
		r = s->saved && s->saved->data
			    ? store_save_raw(ax->rfs, VGPU_CONFIG_DIR, s->parent, s->id,
					     s->saved->data, s->saved->len, err)
			    : save_def(ax->rfs, s->parent, index, s->cfg, err);
		break;
	case OP_UNDEFINE:
		r = vgpu_store_delete(ax->rfs, s->parent, index, err);
		if (r == 0 && s->saved && s->saved->made_dir)
			store_dir_remove(ax->rfs, VGPU_CONFIG_DIR, s->parent);
		break;
	case OP_START:
		req.vf = (long)index;
		r = vgpu_type_id(s->cfg->type, &req.type)
			    ? vgpu_start(ax->rfs, &req, &started, err)
			    : mdev_errorf(err, EINVAL, "invalid vGPU type %s", s->cfg->type);
		if (r == 0)
			vgpu_started_clear(&started);
		break;
	case OP_STOP:
		/* the holders were checked before the first step, unless --force */
		r = vf_addr_of(ax->rfs, s->parent, s->id, addr, err);
		if (r == 0)
			r = vgpu_stop(ax->rfs, addr, true, err);
		break;
	}
	/* what is to be undone may be gone already */
	return s->undo && r == -ENOENT ? 0 : r;
}

const struct apply_backend apply_vf_backend = {
	.ids = ID_VF,
	.parents = vgpu_pfs,
	.types = vf_types,
	.load = vf_load,
	.running_on = vf_running_on,
	.new_id = vf_new_id,
	.available = vf_available,
	.held = vf_held,
	.save = vf_save,
	.step = vf_step,
};
