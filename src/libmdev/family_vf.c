// SPDX-License-Identifier: LGPL-2.1-or-later
/* The vf family: vGPUs on SR-IOV virtual functions (vgpu*.c) behind the device_family table. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/device_info.h"
#include "libmdev/family.h"
#include "libmdev/vgpu_vf.h"
#include "libmdev/vgpu_store.h"

static int vf_types(const struct rootfs *rfs, const char *parent, struct mdev_type_info **types,
		    size_t *n, struct mdev_error *err)
{
	struct vgpu_pf pf;
	size_t ready = 0;
	int r = vgpu_pf_load(rfs, parent, &pf, err);

	*types = NULL;
	*n = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < pf.nvfs; i++)
		ready += vgpu_vf_ready(&pf.vfs[i]);
	/* before its VFs exist, nothing tells this GPU from one without vGPU: say so */
	if (!pf.numvfs)
		warnf("the vGPU types of %s are unknown until its VFs are enabled ('start -p %s -t " VGPU_TYPE_PREFIX
		      "ID' enables them)",
		      parent, parent);
	else if (!ready)
		warnf("the vGPU types of %s are unknown until its VFs are bound to nvidia", parent);
	vgpu_pf_types(&pf, types, n);
	vgpu_pf_clear(&pf);
	return 0;
}

static void add_fact(struct fam_dev *d, const char *label, const char *key, bool number,
		     const char *value)
{
	struct fam_fact *f = &d->facts[d->nfacts++];

	f->label = label;
	f->key = key;
	f->number = number;
	snprintf(f->value, sizeof(f->value), "%s", value);
}

/* PF's name for type ID: only the lists of this GPU's VFs say (ids are per GPU model). */
static const char *type_name(const struct vgpu_pf *pf, unsigned long id)
{
	for (size_t i = 0; i < pf->nvfs; i++) {
		const struct vgpu_type *t = vgpu_type_find(&pf->vfs[i].creatable, id);

		if (t)
			return t->name;
	}
	return NULL;
}

/* Q's key as PF and index; false (and a warning when it is not just absent) if none. */
static bool query_vf(const struct rootfs *rfs, const struct fam_query *q, char pf[PCI_ADDR_MAX],
		     unsigned long *index)
{
	char addr[PCI_ADDR_MAX];
	struct mdev_error err;

	if (vgpu_vf_resolve(rfs, q->parent, q->key, pf, index, addr, &err) == 0)
		return true;
	warnf("%s", err.msg);
	return false;
}

/*
 * The parents a query covers: the PF of the VF it names (its index in *ONLY; none when the
 * key is no VF), the one it names, or all of LIST.
 */
static int query_parents(const struct rootfs *rfs, const struct fam_query *q,
			 int (*list)(const struct rootfs *, struct strv *, struct mdev_error *),
			 struct strv *out, unsigned long *only, struct mdev_error *err)
{
	char pf[PCI_ADDR_MAX];

	if (q->key) {
		if (query_vf(rfs, q, pf, only))
			strv_push(out, pf);
		return 0;
	}
	if (q->parent) {
		strv_push(out, q->parent);
		return 0;
	}
	return list(rfs, out, err);
}

static void emit_active(const struct fam_env *env, const struct vgpu_pf *pf,
			const struct vgpu_vf *vf, const struct fam_query *q, fam_dev_fn fn,
			void *data)
{
	struct mdev_config cfg = { 0 };
	struct vgpu_def def = { 0 };
	struct fam_dev d = { .parent = pf->addr, .key = vf->addr, .cfg = &cfg };
	char type[32], num[24];
	struct mdev_error err;
	const char *name;
	int r;

	snprintf(type, sizeof(type), VGPU_TYPE_PREFIX "%ld", vf->current);
	r = vgpu_store_load(env->rfs, pf->addr, vf->index, &def, &err);
	if (r < 0 && r != -ENOENT)
		warnf("skipping %s", err.msg);
	d.marked = r == 0 && strcmp(def.type, type) == 0;
	cfg.type = type;
	cfg.autostart = d.marked && def.autostart;
	name = d.marked && def.name ? def.name : type_name(pf, (unsigned long)vf->current);
	if (q->details) {
		add_fact(&d, "VF", "vf", true, ulong_to_str(num, vf->index));
		if (name)
			add_fact(&d, "Name", "name", false, name);
		if (vf->group >= 0)
			add_fact(&d, "IOMMU group", "iommu_group", true,
				 ulong_to_str(num, (unsigned long)vf->group));
	}
	fn(data, &d);
	vgpu_def_clear(&def);
}

static int vf_each_active(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			  void *data, struct mdev_error *err)
{
	struct strv pfs = { 0 };
	unsigned long only = 0;
	int r = query_parents(env->rfs, q, vgpu_pfs, &pfs, &only, err);

	for (size_t p = 0; r == 0 && p < pfs.n; p++) {
		struct vgpu_pf pf;
		struct mdev_error e;

		if (!vgpu_is_pf(env->rfs, pfs.v[p]) ||
		    vgpu_pf_load(env->rfs, pfs.v[p], &pf, &e) < 0)
			continue;
		for (size_t i = 0; i < pf.nvfs; i++)
			if (pf.vfs[i].current > 0 && (!q->key || pf.vfs[i].index == only))
				emit_active(env, &pf, &pf.vfs[i], q, fn, data);
		vgpu_pf_clear(&pf);
	}
	strv_free(&pfs);
	return r < 0 ? -err->code : 0;
}

/* Whether VF INDEX of PF holds TYPE now. */
static bool runs_as(const struct rootfs *rfs, const char *pf, unsigned long index, const char *type)
{
	char path[PATH_MAX], addr[PCI_ADDR_MAX], buf[32];

	return vgpu_vf_addr(rfs, pf, index, addr) &&
	       rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/nvidia/current_vgpu_type", addr) ==
		       0 &&
	       rfs_read(rfs, path, buf, sizeof(buf)) > 0 &&
	       strcmp(buf, type + strlen(VGPU_TYPE_PREFIX)) == 0;
}

static void emit_defined(const struct fam_env *env, const struct fam_query *q, const char *pf,
			 unsigned long index, fam_dev_fn fn, void *data)
{
	struct mdev_config cfg = { 0 };
	struct vgpu_def def;
	struct fam_dev d = { .parent = pf, .cfg = &cfg };
	char addr[PCI_ADDR_MAX], num[24];
	struct mdev_error err;
	int r = vgpu_store_load(env->rfs, pf, index, &def, &err);

	if (r < 0) {
		if (r != -ENOENT)
			warnf("skipping %s", err.msg);
		return;
	}
	/* VMs know the VF by its address: it is the key wherever it can be worked out */
	d.key = vgpu_vf_addr(env->rfs, pf, index, addr) ? addr : ulong_to_str(num, index);
	cfg.type = def.type;
	cfg.autostart = def.autostart;
	d.marked = q->marks && runs_as(env->rfs, pf, index, def.type);
	if (q->details) {
		add_fact(&d, "VF", "vf", true, ulong_to_str(num, index));
		if (def.name)
			add_fact(&d, "Name", "name", false, def.name);
	}
	fn(data, &d);
	vgpu_def_clear(&def);
}

static int vf_each_defined(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			   void *data, struct mdev_error *err)
{
	struct strv pfs = { 0 };
	unsigned long only = 0;
	int r = query_parents(env->rfs, q, vgpu_store_parents, &pfs, &only, err);

	for (size_t p = 0; r == 0 && p < pfs.n; p++) {
		unsigned long *idx;
		size_t n;
		struct mdev_error e;

		if (q->key) {
			emit_defined(env, q, pfs.v[p], only, fn, data);
			continue;
		}
		if (vgpu_store_list(env->rfs, pfs.v[p], &idx, &n, &e) < 0)
			warnf("%s", e.msg);
		for (size_t i = 0; i < n; i++)
			emit_defined(env, q, pfs.v[p], idx[i], fn, data);
		free(idx);
	}
	strv_free(&pfs);
	return r < 0 ? -err->code : 0;
}

static void boot_one(const struct fam_env *env, const struct vgpu_pf *pf, unsigned long index,
		     struct fam_boot *boot)
{
	struct vgpu_start_req req = { pf->addr, 0, (long)index };
	const struct vgpu_vf *vf = vgpu_pf_vf(pf, index);
	struct vgpu_started started;
	struct vgpu_def def;
	struct mdev_error err;
	char msg[sizeof(err.msg) + 16];
	int r = vgpu_store_load(env->rfs, pf->addr, index, &def, &err);

	if (r < 0) {
		if (r == -ENOENT)
			return;
		snprintf(msg, sizeof(msg), "skipping %s", err.msg);
		boot->failure(boot->data, msg);
		boot->failed++;
		return;
	}
	vgpu_type_id(def.type, &req.type);
	if (!def.autostart) {
		vgpu_def_clear(&def);
		return;
	}
	if (vf && vf->current == (long)req.type) {
		boot->active++;
	} else if (vf && vf->current > 0) {
		snprintf(msg, sizeof(msg),
			 "cannot start %s on VF %lu (%s) of %s: it holds " VGPU_TYPE_PREFIX "%ld",
			 def.type, index, vf->addr, pf->addr, vf->current);
		boot->failure(boot->data, msg);
		boot->failed++;
	} else if (vgpu_start(env->rfs, &req, &started, &err) < 0) {
		boot->failure(boot->data, err.msg);
		boot->failed++;
	} else {
		boot->started++;
		vgpu_started_clear(&started);
	}
	vgpu_def_clear(&def);
}

/* The VFs are enabled by the first start, if they are not: the PF is reloaded after each. */
static int vf_start_parent(const struct fam_env *env, const char *parent, struct fam_boot *boot,
			   struct mdev_error *err)
{
	unsigned long *idx;
	size_t n;
	int r = vgpu_store_list(env->rfs, parent, &idx, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct vgpu_pf pf;

		r = vgpu_pf_load(env->rfs, parent, &pf, err);
		if (r == 0)
			boot_one(env, &pf, idx[i], boot);
		vgpu_pf_clear(&pf);
	}
	free(idx);
	return r < 0 ? -err->code : 0;
}

static int vf_stop(const struct fam_env *env, const char *key, bool force, struct mdev_error *err)
{
	char pf[PCI_ADDR_MAX], addr[PCI_ADDR_MAX], why[sizeof(err->msg)];
	unsigned long index;
	int r;

	if (!pci_addr_valid(key))
		return mdev_errorf(
			err, EINVAL,
			"cannot stop VF %s: name it by its PCI address, as 'list' shows it", key);
	r = vgpu_vf_resolve(env->rfs, NULL, key, pf, &index, addr, err);
	if (r < 0) {
		snprintf(why, sizeof(why), "%s", err->msg);
		return mdev_errorf(err, err->code, "cannot stop the vGPU on VF %s: %s", key, why);
	}
	if (!rfs_existsf(env->rfs, 0, SYS_PCI_DEVICES "/%s", addr))
		return mdev_errorf(err, ENOENT,
				   "cannot stop the vGPU on VF %lu of %s: the VF does "
				   "not exist (its VFs are not enabled)",
				   index, pf);
	r = vgpu_stop(env->rfs, addr, force, err);
	if (r == -EBUSY && !force) {
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len,
			 " (--force writes 0 anyway; the driver may refuse)");
	}
	return r;
}

static void vf_group_member(const struct rootfs *rfs, const char *dev, struct iommu_member *m)
{
	char path[PATH_MAX], link[PATH_MAX], buf[32];
	unsigned long id;

	if (!m->bus || strcmp(m->bus, "pci") != 0 ||
	    rfs_path(path, sizeof(path), "%s/physfn", dev) < 0 ||
	    rfs_readlink(rfs, path, link, sizeof(link)) < 0 ||
	    rfs_path(path, sizeof(path), "%s/nvidia/current_vgpu_type", dev) < 0 ||
	    rfs_read(rfs, path, buf, sizeof(buf)) <= 0 || !parse_ulong(buf, &id))
		return;
	/* the nvidia driver is the VF's VFIO driver: vfio-pci refuses these VFs */
	m->type_key = "vgpu_type";
	m->vfio_provider = true;
	m->parent = xstrdup(rfs_basename(link));
	m->mdev_type = id ? xasprintf(VGPU_TYPE_PREFIX "%lu", id) : NULL;
}

static void add_item(struct fam_items *l, bool defined, const char *parent, const char *key,
		     const char *type, char *stamp)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] =
		(struct fam_item){ defined, xstrdup(parent), xstrdup(key), xstrdup(type), stamp };
}

struct snap {
	struct fam_items *l;
	bool defined;
};

static void snapshot_one(void *data, const struct fam_dev *d)
{
	const struct snap *s = data;
	const char *name = "";

	for (size_t i = 0; i < d->nfacts; i++)
		if (strcmp(d->facts[i].key, "name") == 0)
			name = d->facts[i].value;
	/* a definition changes with any of its fields; an active vGPU only with its type */
	add_item(s->l, s->defined, d->parent, d->key, d->cfg->type,
		 s->defined ? xasprintf("%s %s", d->cfg->autostart ? "auto" : "manual", name)
			    : xstrdup(d->cfg->type));
}

static int vf_snapshot(const struct rootfs *rfs, struct fam_items *out)
{
	const struct fam_env env = { rfs, NULL };
	const struct fam_query q = { .details = true };
	struct snap active = { out, false }, defined = { out, true };
	struct mdev_error err;

	out->v = NULL;
	out->n = 0;
	if (vf_each_active(&env, &q, snapshot_one, &active, &err) < 0 ||
	    vf_each_defined(&env, &q, snapshot_one, &defined, &err) < 0)
		return -err.code;
	return 0;
}

/* The vGPU on the VF named KEY (an address, or an index of PARENT), active or defined. */
static int vf_info(const struct rootfs *rfs, const char *key, const char *parent,
		   struct dev_info *out, struct mdev_error *err)
{
	char pf_addr[PCI_ADDR_MAX], addr[PCI_ADDR_MAX], num[24];
	const struct vgpu_vf *vf = NULL;
	struct vgpu_pf pf = { 0 };
	struct vgpu_def def = { 0 };
	unsigned long index;
	int r;

	memset(out, 0, sizeof(*out));
	out->key_name = "vf";
	r = vgpu_vf_resolve(rfs, parent, key, pf_addr, &index, addr, err);
	if (r < 0)
		return r;
	snprintf(out->key, sizeof(out->key), "%s", *addr ? addr : ulong_to_str(num, index));
	out->parent = xstrdup(pf_addr);
	if (vgpu_pf_load(rfs, pf_addr, &pf, err) == 0)
		vf = vgpu_pf_vf(&pf, index);
	out->active = vf && vf->current > 0;
	r = vgpu_store_load(rfs, pf_addr, index, &def, err);
	out->defined = r == 0;
	out->autostart = def.autostart;
	if (out->active)
		out->type = xasprintf(VGPU_TYPE_PREFIX "%ld", vf->current);
	else if (out->defined)
		out->type = xstrdup(def.type);
	if (out->active && type_name(&pf, (unsigned long)vf->current))
		out->type_name = xstrdup(type_name(&pf, (unsigned long)vf->current));
	else if (def.name)
		out->type_name = xstrdup(def.name);
	vgpu_def_clear(&def);
	vgpu_pf_clear(&pf);
	if (r < 0 && r != -ENOENT)
		goto fail;
	r = 0;
	if (!out->active && !out->defined) {
		r = mdev_errorf(err, ENOENT, "VF %s of %s holds no vGPU and has no definition",
				out->key, pf_addr);
		goto fail;
	}
	if (!out->active)
		return 0;
	rfs_path(out->dev, sizeof(out->dev), SYS_PCI_DEVICES "/%s", addr);
	r = vfio_facts_load(rfs, out->dev, &out->vfio, err);
	if (r == 0)
		return 0;
fail:
	dev_info_clear(out);
	return r;
}

const struct device_family family_vf = {
	.name = "vf",
	.key_name = "vf",
	.parent_note = "vGPU parent",
	.has_events = false,
	.parents = vgpu_pfs,
	.present = vgpu_is_pf,
	.types = vf_types,
	.each_active = vf_each_active,
	.each_defined = vf_each_defined,
	.def_parents = vgpu_store_parents,
	.start_parent = vf_start_parent,
	.info = vf_info,
	.stop = vf_stop,
	.group_member = vf_group_member,
	.snapshot = vf_snapshot,
};
