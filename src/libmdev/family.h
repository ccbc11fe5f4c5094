/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device families: the seam through which a second kind of device enters the model.
 *
 * mdev (family_mdev.c): children of the parents in sys/class/mdev_bus, created by writing a
 * UUID to a type's `create`, keyed by that UUID, defined in etc/mdevctl.d/<parent>/<uuid>.
 * vf (family_vf.c, vgpu*.c): NVIDIA vGPU 17+ on SR-IOV virtual functions, created by writing
 * a type id to a VF's nvidia/current_vgpu_type, keyed by the VF (its address when active,
 * its index on the GPU when defined), defined in etc/mdevadm.d/vf/<PF>/<index>.
 *
 * The commands that list, or that take a parent they must find, iterate `families` and ask
 * each through this table; none of them tests which family it holds.  Both may be present on
 * one host: which one a device belongs to is decided by what sysfs shows (a device with
 * mdev_supported_types is an mdev parent, even an NVIDIA VF), never by the GPU's model.
 */
#ifndef MDEVADM_FAMILY_H
#define MDEVADM_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"
#include "libmdev/definition.h"
#include "libmdev/iommu.h"
#include "libmdev/model.h"

struct callouts;

/* What every operation may need: the tree, and the mdev event scripts. */
struct fam_env {
	const struct rootfs *rfs;
	struct callouts *co;
};

/* A fact about a device beyond its definition, shown by list -v and --dumpjson. */
struct fam_fact {
	const char *label; /* text: "  LABEL: VALUE" */
	const char *key;   /* JSON key */
	char value[128];
	bool number; /* a JSON number rather than a string */
};

#define FAM_FACTS_MAX 4

/* One device, active or defined, as a listing shows it. */
struct fam_dev {
	const char *parent;
	const char *key;
	const struct mdev_config *cfg; /* type, start and attributes */
	bool marked;		       /* active: defined as it runs; defined: runs as defined */
	bool has_group;		       /* an active mdev's IOMMU group, when asked for: */
	unsigned long group;	       /* list -v shows it, in text only */
	struct fam_fact facts[FAM_FACTS_MAX];
	size_t nfacts;
};

/* A device with no facts yet; cheaper than an initialiser, which clears every fact (list). */
static inline void fam_dev_init(struct fam_dev *d, const char *parent, const char *key,
				const struct mdev_config *cfg)
{
	d->parent = parent;
	d->key = key;
	d->cfg = cfg;
	d->marked = false;
	d->has_group = false;
	d->nfacts = 0;
}

typedef void (*fam_dev_fn)(void *data, const struct fam_dev *dev);

/* Which devices a listing wants, and how much of each. */
struct fam_query {
	const char *parent; /* NULL: every parent */
	const char *key;    /* NULL: every device; else one, named as the family names it */
	bool details;	    /* attributes as event scripts report them; facts */
	bool marks;	    /* fill fam_dev.marked */
	bool groups;	    /* fill fam_dev.group */
};

/* What one boot-time pass over a parent's definitions did. */
struct fam_boot {
	unsigned started, active, failed;
	void (*failure)(void *data, const char *msg); /* each failure, as it happens */
	void *data;
};

/* One item of a family's state, for families whose changes no event announces. */
struct fam_item {
	bool defined; /* a definition, else an active device */
	char *parent, *key, *type;
	char *stamp; /* compares equal while the item is unchanged */
};

struct fam_items {
	struct fam_item *v;
	size_t n;
};

void fam_items_free(struct fam_items *l);

struct dev_info;
struct vfio_probe;

struct device_family {
	const char *name;	 /* "mdev", "vf" */
	const char *key_name;	 /* what names one device: "uuid", "vf" */
	const char *parent_note; /* what completion says of its parents ("" for mdev's) */
	/* Events announce changes to this family's devices and definitions; else monitor polls. */
	bool has_events;

	/* The parents present, byte-sorted. */
	int (*parents)(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
	bool (*present)(const struct rootfs *rfs, const char *parent);
	/* The types of one parent present, as `types` shows them. */
	int (*types)(const struct rootfs *rfs, const char *parent, struct mdev_type_info **types,
		     size_t *n, struct mdev_error *err);
	/*
	 * Probes TYPE of PARENT through a transient device that it creates and removes (types
	 * --probe); NULL where the family's devices cannot be probed yet.
	 */
	int (*probe_type)(const struct rootfs *rfs, const char *parent, const char *type,
			  struct vfio_probe *out, struct mdev_error *err);

	/* Active devices, by parent then key; each with its definition when of the same type. */
	int (*each_active)(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			   void *data, struct mdev_error *err);
	/* Definitions, by parent then key. */
	int (*each_defined)(const struct fam_env *env, const struct fam_query *q, fam_dev_fn fn,
			    void *data, struct mdev_error *err);
	/* Parents that have definitions, byte-sorted. */
	int (*def_parents)(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);

	/* Starts every auto definition of PARENT not running yet (the caller holds the lock). */
	int (*start_parent)(const struct fam_env *env, const char *parent, struct fam_boot *boot,
			    struct mdev_error *err);
	/* What the device KEY (on PARENT when not NULL) is, as `info` shows it; -ENOENT if none. */
	int (*info)(const struct rootfs *rfs, const char *key, const char *parent,
		    struct dev_info *out, struct mdev_error *err);
	/* Stops the active device KEY, refusing while a process holds it unless FORCE. */
	int (*stop)(const struct fam_env *env, const char *key, bool force, struct mdev_error *err);

	/* Fills in M when the group member at DEV (root-relative) is one of this family's. */
	void (*group_member)(const struct rootfs *rfs, const char *dev, struct iommu_member *m);
	/* Active devices and definitions now, for monitor to compare (families without events). */
	int (*snapshot)(const struct rootfs *rfs, struct fam_items *out);
};

extern const struct device_family family_mdev, family_vf;
/* Every family, NULL-terminated; mdev first, so its output comes first, unchanged. */
extern const struct device_family *const families[];
/*
 * What mdevctl knows: mdevs alone.  Its clients read `list` and `types` as mdevctl writes
 * them (libvirt takes every key of list --dumpjson for a UUID and makes it an mdev node
 * device), so under mdevctl's names the listings show these families only.
 */
extern const struct device_family *const mdevctl_families[];

static inline const struct device_family *const *families_listed(bool as_mdevctl)
{
	return as_mdevctl ? mdevctl_families : families;
}

/* The family a parent that is present, or has definitions, belongs to; NULL when none. */
const struct device_family *family_of_parent(const struct rootfs *rfs, const char *parent);

/* The IOMMU groups with their members as each family sees them. */
int family_groups_load(const struct rootfs *rfs, struct iommu_group_list *out,
		       struct mdev_error *err);
int family_group_load(const struct rootfs *rfs, unsigned long id, struct iommu_group *g,
		      struct mdev_error *err);

#endif
