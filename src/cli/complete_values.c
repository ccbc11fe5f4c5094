// SPDX-License-Identifier: LGPL-2.1-or-later
/* Completion candidates from the tree: parents, types, UUIDs, VFs, IOMMU groups. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/complete_values.h"
#include "libmdev/family.h"
#include "libmdev/iommu_set.h"
#include "libmdev/layout.h"
#include "libmdev/model.h"
#include "libmdev/store.h"
#include "libmdev/vgpu.h"

static int list_dir(const struct rootfs *rfs, const char *path, struct strv *out)
{
	struct dirent *de;
	DIR *d;
	int fd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return -e;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(out, de->d_name);
	closedir(d);
	strv_sort(out);
	return 0;
}

static void add_parents(const struct rootfs *rfs, const struct line_state *st, const char *prefix,
			struct completion *c)
{
	struct strv sys = { 0 }, def = { 0 };
	char uuid[UUID_STR_LEN];
	struct mdev_error err;

	/* These act on an existing definition: once -u names it, only its parents make sense. */
	if ((st->cmd->complete & CPL_UUID_PARENTS) && st->val[OPT_UUID] &&
	    uuid_normalize(st->val[OPT_UUID], uuid) &&
	    store_find(rfs, uuid, NULL, &def, &err) == 0 && def.n) {
		for (size_t i = 0; i < def.n; i++)
			completion_add(c, prefix, def.v[i], "holds this definition");
		strv_free(&def);
		return;
	}
	strv_free(&def);
	for (const struct device_family *const *f = families; *f; f++) {
		if ((*f)->parents(rfs, &sys, &err) == 0)
			for (size_t i = 0; i < sys.n; i++)
				completion_add(c, prefix, sys.v[i], (*f)->parent_note);
		if ((st->cmd->complete & CPL_DEF_PARENTS) &&
		    (*f)->def_parents(rfs, &def, &err) == 0)
			for (size_t i = 0; i < def.n; i++)
				completion_add(c, prefix, def.v[i], "not present, has definitions");
		strv_free(&sys);
		strv_free(&def);
	}
}

static void add_types_of(const struct rootfs *rfs, const struct device_family *fam,
			 const char *parent, bool count, const char *prefix, struct completion *c)
{
	struct mdev_type_info *t;
	struct mdev_error err;
	size_t n;

	if (fam->types(rfs, parent, &t, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		/* many drivers name a type after its id: the description then says more */
		const char *name =
			t[i].name && strcmp(t[i].name, t[i].id) != 0 ? t[i].name : t[i].description;
		char *desc;

		/* a count helps once the parent is chosen; summed over parents it would mislead */
		if (count)
			desc = xasprintf("%s%s%ld available", name ? name : "", name ? ", " : "",
					 t[i].available);
		else
			desc = xstrdup(name ? name : "");
		completion_add(c, prefix, t[i].id, desc);
		free(desc);
	}
	model_types_free(t, n);
}

static void add_types(const struct rootfs *rfs, const char *parent, const char *prefix,
		      struct completion *c)
{
	const struct device_family *fam = parent ? family_of_parent(rfs, parent) : NULL;
	struct strv parents = { 0 };
	struct mdev_error err;

	if (fam) {
		add_types_of(rfs, fam, parent, true, prefix, c);
		return;
	}
	for (const struct device_family *const *f = families; !parent && *f; f++) {
		if ((*f)->parents(rfs, &parents, &err) == 0)
			for (size_t i = 0; i < parents.n; i++)
				add_types_of(rfs, *f, parents.v[i], false, prefix, c);
		strv_free(&parents);
	}
}

static bool is_active(const struct active_list *act, const char *uuid)
{
	for (size_t i = 0; i < act->n; i++)
		if (strcmp(act->v[i].uuid, uuid) == 0)
			return true;
	return false;
}

static bool is_defined(const struct rootfs *rfs, const char *uuid)
{
	struct strv parents = { 0 };
	struct mdev_error err;
	bool found = store_find(rfs, uuid, NULL, &parents, &err) == 0 && parents.n;

	strv_free(&parents);
	return found;
}

static void add_defined(const struct rootfs *rfs, const char *parent, const struct active_list *act,
			bool skip_active, const char *prefix, struct completion *c)
{
	struct store_dir dir;
	struct mdev_error err;

	if (store_dir_open(rfs, parent, &dir, &err) < 0 || store_dir_list(&dir, &err) < 0) {
		store_dir_close(&dir);
		return;
	}
	for (size_t i = 0; i < dir.uuids.n; i++) {
		const char *uuid = dir.uuids.v[i];
		struct mdev_config cfg = { 0 };
		char *desc;

		if (skip_active && is_active(act, uuid))
			continue;
		if (store_dir_load(rfs, &dir, uuid, &cfg, &err) == 0)
			desc = xasprintf("defined on %s, %s", parent, cfg.type);
		else
			desc = xasprintf("defined on %s", parent);
		completion_add(c, prefix, uuid, desc);
		free(desc);
		config_clear(&cfg);
	}
	store_dir_close(&dir);
}

/*
 * stop wants active devices, start defined ones not yet active, modify and undefine defined
 * ones, define active ones not yet defined (it copies them), list either.
 */
static void add_uuids(const struct rootfs *rfs, const struct line_state *st, const char *prefix,
		      struct completion *c)
{
	const struct command *cmd = st->cmd;
	const char *only = st->val[OPT_PARENT];
	bool want_active = cmd->complete & CPL_ACTIVE;
	bool want_defined = cmd->complete & CPL_DEFINED;
	struct active_list act = { 0 };
	struct strv parents = { 0 };
	struct mdev_error err;

	if (model_active_all(rfs, &act, &err) < 0)
		act = (struct active_list){ 0 };
	for (size_t i = 0; want_active && i < act.n; i++) {
		const struct mdev_active *a = &act.v[i];
		char *desc;

		if ((only && strcmp(a->parent, only) != 0) ||
		    ((cmd->complete & CPL_ONLY_UNDEFINED) && is_defined(rfs, a->uuid)))
			continue;
		desc = xasprintf("active on %s, %s", a->parent, a->type);
		completion_add(c, prefix, a->uuid, desc);
		free(desc);
	}
	if (want_defined) {
		if (only)
			strv_push(&parents, only);
		else if (store_parents(rfs, &parents, &err) < 0)
			parents = (struct strv){ 0 };
		for (size_t i = 0; i < parents.n; i++)
			add_defined(rfs, parents.v[i], &act, cmd->complete & CPL_ONLY_INACTIVE,
				    prefix, c);
	}
	strv_free(&parents);
	active_list_free(&act);
}

struct vf_candidates {
	struct completion *c;
	const char *prefix, *what;
};

static void add_vf(void *data, const struct fam_dev *d)
{
	const struct vf_candidates *v = data;
	char *desc = xasprintf("%s on %s, %s", v->what, d->parent, d->cfg->type);

	completion_add(v->c, v->prefix, d->key, desc);
	free(desc);
}

/* The free VFs of PARENT (or of every vGPU parent), to start a vGPU on. */
static void add_free_vfs(const struct rootfs *rfs, const char *parent, const char *prefix,
			 struct completion *c)
{
	struct strv pfs = { 0 };
	struct mdev_error err;

	if (parent)
		strv_push(&pfs, parent);
	else if (vgpu_pfs(rfs, &pfs, &err) < 0)
		return;
	for (size_t p = 0; p < pfs.n; p++) {
		struct vgpu_pf pf;

		if (vgpu_pf_load(rfs, pfs.v[p], &pf, &err) < 0)
			continue;
		for (size_t i = 0; i < pf.nvfs; i++) {
			char *desc;

			if (!vgpu_vf_ready(&pf.vfs[i]) || pf.vfs[i].current != 0)
				continue;
			desc = xasprintf("VF %lu of %s, free", pf.vfs[i].index, pf.addr);
			completion_add(c, prefix, pf.vfs[i].addr, desc);
			free(desc);
		}
		vgpu_pf_clear(&pf);
	}
	strv_free(&pfs);
}

/* VF addresses: of vGPUs active or defined, as the command wants, and free ones for start. */
static void add_vfs(const struct rootfs *rfs, const struct line_state *st, const char *prefix,
		    struct completion *c)
{
	const struct fam_env env = { rfs, NULL };
	const struct fam_query q = { .parent = st->val[OPT_PARENT] };
	struct vf_candidates active = { c, prefix, "active" }, defined = { c, prefix, "defined" };
	struct mdev_error err;

	if (st->cmd->complete & CPL_ACTIVE)
		family_vf.each_active(&env, &q, add_vf, &active, &err);
	if (st->cmd->complete & CPL_DEFINED)
		family_vf.each_defined(&env, &q, add_vf, &defined, &err);
	if (st->cmd->complete & CPL_FREE_VFS)
		add_free_vfs(rfs, q.parent, prefix, c);
}

static int cmp_num(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

static void add_groups(const struct rootfs *rfs, const char *prefix, struct completion *c)
{
	struct strv groups = { 0 };

	if (list_dir(rfs, "sys/kernel/iommu_groups", &groups) < 0)
		return;
	qsort(groups.v, groups.n, sizeof(*groups.v), cmp_num);
	for (size_t i = 0; i < groups.n; i++) {
		struct strv members = { 0 };
		char path[256], desc[72] = "";
		size_t len = 0;

		if (strspn(groups.v[i], "0123456789") != strlen(groups.v[i]))
			continue;
		/* the members are what a person recognises a group by */
		if (rfs_path(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices",
			     groups.v[i]) == 0)
			list_dir(rfs, path, &members);
		for (size_t j = 0; j < members.n && len < sizeof(desc); j++)
			len += (size_t)snprintf(desc + len, sizeof(desc) - len, "%s%s",
						j ? ", " : "", members.v[j]);
		if (len >= sizeof(desc))
			strcpy(desc + sizeof(desc) - 4, "...");
		completion_add(c, prefix, groups.v[i], desc);
		strv_free(&members);
	}
	strv_free(&groups);
}

/* apply --config: the layouts of the -f file given before it. */
static void add_configs(const char *file, const char *prefix, struct completion *c)
{
	struct strv names = { 0 };

	if (file && strcmp(file, "-") != 0)
		layout_config_names(file, &names);
	for (size_t i = 0; i < names.n; i++)
		completion_add(c, prefix, names.v[i], "layout");
	strv_free(&names);
}

void complete_value(const struct rootfs *rfs, const struct line_state *st, int id,
		    const char *prefix, struct completion *c)
{
	switch (id) {
	case OPT_PARENT:
		add_parents(rfs, st, prefix, c);
		break;
	case OPT_TYPE:
		add_types(rfs, st->val[OPT_PARENT], prefix, c);
		break;
	case OPT_UUID:
		add_uuids(rfs, st, prefix, c);
		break;
	case OPT_VF:
		add_vfs(rfs, st, prefix, c);
		break;
	case OPT_GROUP:
		add_groups(rfs, prefix, c);
		break;
	case OPT_JSONFILE:
	case OPT_FILE:
		c->kind = COMPLETE_FILES;
		break;
	case OPT_CONFIG:
		add_configs(st->val[OPT_FILE], prefix, c);
		break;
	default: /* free text: attribute names, values, indexes */
		break;
	}
}

void complete_positional(const struct rootfs *rfs, const struct line_state *st,
			 struct completion *c)
{
	struct strv parents = { 0 };
	struct mdev_error err;

	if (st->npos >= st->cmd->max_pos)
		return;
	if (st->cmd->complete & CPL_POS_GROUP_TYPE) {
		for (const char *const *t = iommu_group_types; *t; t++)
			completion_add(c, "", *t, "");
	} else if (st->cmd->complete & CPL_POS_DEF_PARENT) {
		for (const struct device_family *const *f = families; *f; f++) {
			if ((*f)->def_parents(rfs, &parents, &err) == 0)
				for (size_t i = 0; i < parents.n; i++)
					completion_add(c, "", parents.v[i], "has definitions");
			strv_free(&parents);
		}
	}
}
