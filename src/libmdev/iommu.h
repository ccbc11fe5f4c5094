/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU groups as sysfs shows them: their kind, members, VFIO nodes, and safe toggles. */
#ifndef MDEVADM_IOMMU_H
#define MDEVADM_IOMMU_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "basic/rootfs.h"

#define SYS_IOMMU_GROUPS "sys/kernel/iommu_groups"
#define SYS_CLASS_VFIO "sys/class/vfio"
#define SYS_NOIOMMU_PARAM "sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

/*
 * A real IOMMU isolates the group; an emulated group is the fake one every
 * mdev gets (its parent driver mediates all DMA); a no-IOMMU group is a
 * physical device handed to VFIO with no isolation at all.  The last two look
 * alike in sysfs (both named "vfio-noiommu", both of type "unknown").
 */
enum iommu_kind {
	IOMMU_KIND_IOMMU,
	IOMMU_KIND_EMULATED,
	IOMMU_KIND_NOIOMMU,
};

const char *iommu_kind_name(enum iommu_kind kind);

/* One line of reserved_regions, as the kernel prints it (hex strings keep all 64 bits). */
struct iommu_region {
	char *start;
	char *end;
	char *type;
};

struct iommu_member {
	char *name;
	char *bus;	   /* basename of the subsystem link; NULL when absent */
	char *driver;	   /* basename of the driver link; NULL when unbound */
	char *vfio_device; /* /dev/vfio/devices/vfioN, NULL without a VFIO device cdev */
	/* Filled in by the device family the member belongs to (family.h), else NULL. */
	const char *type_key; /* what its type is called: "mdev_type", "vgpu_type" */
	char *parent;
	char *mdev_type;    /* the type it runs; NULL for a slot that has none yet */
	bool vfio_provider; /* its driver is its own VFIO driver, not a host user of it */
};

struct iommu_group {
	unsigned long id;
	enum iommu_kind kind;
	char *name; /* the `name` attribute; NULL when absent */
	char *type; /* the default domain type; NULL when unreadable */
	char *vfio; /* /dev/vfio/N or /dev/vfio/noiommu-N; NULL when not bound to VFIO */
	struct iommu_member *members;
	size_t nmembers;
	struct iommu_region *regions;
	size_t nregions;
};

struct iommu_group_list {
	struct iommu_group *v;
	size_t n;
};

/* Every IOMMU group, sorted by number; none (not an error) when the directory is absent. */
int iommu_groups_load(const struct rootfs *rfs, struct iommu_group_list *out,
		      struct mdev_error *err);
void iommu_group_list_free(struct iommu_group_list *l);

/*
 * Adds the regions of a reserved_regions text ("0x00000000fee00000
 * 0x00000000feefffff msi" lines; others are skipped with a warning) to G.
 */
void iommu_parse_regions(char *text, struct iommu_group *g);

/*
 * One group; -ENOENT (with a message) when there is no group ID.  Members are read as PCI or
 * mdev devices; family_group_load (family.h) adds what their families know of them.
 */
int iommu_group_load(const struct rootfs *rfs, unsigned long id, struct iommu_group *g,
		     struct mdev_error *err);
void iommu_group_clear(struct iommu_group *g);

/* What a person wants to know before handing the group to a VM. */
enum iommu_status {
	IOMMU_STATUS_READY,   /* isolated and bound to VFIO */
	IOMMU_STATUS_UNBOUND, /* isolated, but no VFIO group node, or a slot with no type, yet */
	IOMMU_STATUS_HOST,    /* isolated, but a host driver is using a member */
	IOMMU_STATUS_UNSAFE,  /* no IOMMU isolation */
};

/*
 * The status of G; for IOMMU_STATUS_HOST, *CULPRIT is the first member a host driver holds,
 * for IOMMU_STATUS_UNBOUND the slot that has no type yet, if that is the reason.
 */
enum iommu_status iommu_group_status(const struct iommu_group *g,
				     const struct iommu_member **culprit);

/*
 * True for drivers that leave the device's DMA to VFIO or do none (vfio-pci and
 * its variants, pci-stub, pcieport: the kernel's driver_managed_dma ones), so
 * that the group's domain may change under them.
 */
bool iommu_driver_is_dma_free(const char *driver);

/* The number of the IOMMU group of the device at DEV (root-relative sysfs path), or -ENOENT. */
int iommu_group_of(const struct rootfs *rfs, const char *dev, unsigned long *id);
/* The same for device NAME in DIRFD, the open directory DIRPATH (listings open it once). */
int iommu_group_of_at(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *name,
		      unsigned long *id);

/* The VFIO group node (/dev/vfio/N, /dev/vfio/noiommu-N) of the device at DEV, or NULL. */
char *vfio_group_node_of(const struct rootfs *rfs, const char *dev);
/* Its VFIO device cdev node (/dev/vfio/devices/vfioN), or NULL without one. */
char *vfio_device_node_of(const struct rootfs *rfs, const char *dev);

struct strv;

/*
 * The /dev nodes through which a process uses the device at DEV: its VFIO group node and,
 * where the kernel has VFIO cdevs, its device node.  Appended to NODES; none when the device
 * is not bound to VFIO.
 */
void vfio_nodes_of(const struct rootfs *rfs, const char *dev, struct strv *nodes);

#endif
