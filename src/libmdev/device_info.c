// SPDX-License-Identifier: LGPL-2.1-or-later
/* A device's facts gathered from sysfs, the definitions and /proc, for `info`. */
#include "libmdev/device_info.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/model.h"
#include "libmdev/store.h"

int vfio_facts_load(const struct rootfs *rfs, const char *dev, struct vfio_facts *f,
		    struct mdev_error *err)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct strv nodes = { 0 };
	struct iommu_group g;
	int r;

	memset(f, 0, sizeof(*f));
	if (iommu_group_of(rfs, dev, &f->group) == 0 &&
	    iommu_group_load(rfs, f->group, &g, err) == 0) {
		f->has_group = true;
		f->kind = g.kind;
		iommu_group_clear(&g);
	}
	f->group_node = vfio_group_node_of(rfs, dev);
	f->device_node = vfio_device_node_of(rfs, dev);
	if (rfs_path(path, sizeof(path), "%s/driver", dev) == 0 &&
	    rfs_readlink(rfs, path, link, sizeof(link)) >= 0)
		f->driver = xstrdup(rfs_basename(link));
	if (f->group_node)
		strv_push(&nodes, f->group_node);
	if (f->device_node)
		strv_push(&nodes, f->device_node);
	r = holders_find(rfs, &nodes, &f->holders, err);
	strv_free(&nodes);
	if (r < 0)
		vfio_facts_clear(f);
	return r;
}

void vfio_facts_clear(struct vfio_facts *f)
{
	free(f->group_node);
	free(f->device_node);
	free(f->driver);
	holder_list_free(&f->holders);
	memset(f, 0, sizeof(*f));
}

static char *type_name(const struct rootfs *rfs, const char *parent, const char *type)
{
	char path[PATH_MAX], buf[256];

	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s/mdev_supported_types/%s/name", parent,
		     type) < 0 ||
	    rfs_read(rfs, path, buf, sizeof(buf)) <= 0)
		return NULL;
	return xstrdup(buf);
}

/* The definition that goes with the device: on its active parent, else the only one. */
static int find_definition(const struct rootfs *rfs, struct dev_info *i, const char *only,
			   struct mdev_error *err)
{
	struct mdev_config cfg = { 0 };
	struct strv found = { 0 };
	int r = store_find(rfs, i->key, i->active ? i->parent : only, &found, err);

	if (r == 0 && found.n > 1)
		r = mdev_errorf(err, EINVAL,
				"%s is defined on several parents (%s, %s%s): use --parent", i->key,
				found.v[0], found.v[1], found.n > 2 ? ", ..." : "");
	if (r == 0 && found.n == 1) {
		r = store_load(rfs, found.v[0], i->key, &cfg, err);
		if (r == 0) {
			i->defined = true;
			i->autostart = cfg.autostart;
			if (!i->active) {
				i->parent = xstrdup(found.v[0]);
				i->type = xstrdup(cfg.type);
			}
		}
		config_clear(&cfg);
	}
	strv_free(&found);
	return r;
}

int mdev_info_load(const struct rootfs *rfs, const char *uuid, const char *parent,
		   struct dev_info *out, struct mdev_error *err)
{
	struct mdev_active act;
	int r;

	memset(out, 0, sizeof(*out));
	out->key_name = "uuid";
	snprintf(out->key, sizeof(out->key), "%s", uuid);
	if (model_active_get(rfs, uuid, &act) == 0) {
		if (parent && strcmp(parent, act.parent) != 0) {
			r = mdev_errorf(err, ENOENT, "%s is active on %s, not on %s", uuid,
					act.parent, parent);
			active_clear(&act);
			return r;
		}
		out->active = true;
		out->parent = xstrdup(act.parent);
		out->type = xstrdup(act.type);
		active_clear(&act);
		rfs_path(out->dev, sizeof(out->dev), SYS_DEVICES "/%s", uuid);
	}
	r = find_definition(rfs, out, parent, err);
	if (r == 0 && !out->active && !out->defined)
		r = mdev_errorf(err, ENOENT, "%s is neither active nor defined%s%s", uuid,
				parent ? " on " : "", parent ? parent : "");
	if (r == 0 && out->active)
		r = vfio_facts_load(rfs, out->dev, &out->vfio, err);
	if (r == 0)
		out->type_name = type_name(rfs, out->parent, out->type);
	if (r < 0)
		dev_info_clear(out);
	return r;
}

void dev_info_clear(struct dev_info *i)
{
	free(i->parent);
	free(i->type);
	free(i->type_name);
	vfio_facts_clear(&i->vfio);
	memset(i, 0, sizeof(*i));
}
