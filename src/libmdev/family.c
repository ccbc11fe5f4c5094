// SPDX-License-Identifier: LGPL-2.1-or-later
/* The device families side by side: which one a parent belongs to; groups as both see them. */
#include "libmdev/family.h"

#include <limits.h>
#include <stdlib.h>

const struct device_family *const families[] = { &family_mdev, &family_vf, NULL };
const struct device_family *const mdevctl_families[] = { &family_mdev, NULL };

const struct device_family *family_of_parent(const struct rootfs *rfs, const char *parent)
{
	for (const struct device_family *const *f = families; *f; f++)
		if ((*f)->present(rfs, parent))
			return *f;
	for (const struct device_family *const *f = families; *f; f++) {
		struct strv defs = { 0 };
		struct mdev_error err;
		bool found = false;

		if ((*f)->def_parents(rfs, &defs, &err) == 0)
			for (size_t i = 0; i < defs.n && !found; i++)
				found = strcmp(defs.v[i], parent) == 0;
		strv_free(&defs);
		if (found)
			return *f;
	}
	return NULL;
}

void fam_items_free(struct fam_items *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].parent);
		free(l->v[i].key);
		free(l->v[i].type);
		free(l->v[i].stamp);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void decorate(const struct rootfs *rfs, struct iommu_group *g)
{
	char dev[PATH_MAX];

	for (size_t i = 0; i < g->nmembers; i++) {
		if (rfs_path(dev, sizeof(dev), SYS_IOMMU_GROUPS "/%lu/devices/%s", g->id,
			     g->members[i].name) < 0)
			continue;
		for (const struct device_family *const *f = families; *f; f++)
			(*f)->group_member(rfs, dev, &g->members[i]);
	}
}

int family_groups_load(const struct rootfs *rfs, struct iommu_group_list *out,
		       struct mdev_error *err)
{
	int r = iommu_groups_load(rfs, out, err);

	for (size_t i = 0; r == 0 && i < out->n; i++)
		decorate(rfs, &out->v[i]);
	return r;
}

int family_group_load(const struct rootfs *rfs, unsigned long id, struct iommu_group *g,
		      struct mdev_error *err)
{
	int r = iommu_group_load(rfs, id, g, err);

	if (r == 0)
		decorate(rfs, g);
	return r;
}
