/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor-specific VFIO vGPUs (NVIDIA vGPU 17 and later): no mdev at all.  A GPU (the PF,
 * bound to `nvidia`, with SR-IOV) splits into virtual functions; a vGPU is a type id written
 * to a VF's nvidia/current_vgpu_type, and a VM gets the VF as a plain PCI device.  Nothing
 * in sysfs counts instances or names the type in use: capacity is the number of free VFs
 * whose nvidia/creatable_vgpu_types offers a type, re-read every time.
 */
#ifndef MDEVADM_VGPU_H
#define MDEVADM_VGPU_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"
#include "libmdev/model.h"

#define SYS_PCI_DEVICES "sys/bus/pci/devices"
#define SYS_VGPU_DRIVER "sys/bus/pci/drivers/nvidia"
#define VGPU_DRIVER "nvidia"
#define VGPU_VENDOR "0x10de"
/* Types are named like NVIDIA's mdev types: the id after this prefix. */
#define VGPU_TYPE_PREFIX "nvidia-"
/* "dddd:bb:dd.f" with a domain of up to 8 hex digits, and its NUL. */
#define PCI_ADDR_MAX 17

struct vgpu_type {
	unsigned long id;
	char *name;
};

struct vgpu_type_list {
	struct vgpu_type *v;
	size_t n;
};

/*
 * Parses the text of nvidia/creatable_vgpu_types (LEN bytes, not NUL-terminated): lines
 * "<decimal id> : <name>", spaces around the colon varying; every other line (the header,
 * garbage) is skipped, as are id 0 and an id seen before.  An empty file and a header alone
 * both give no type: nothing can be created on that VF now.  Control characters (NUL too) in
 * a name become '?', so that a name can be printed as it is.
 */
void vgpu_parse_creatable(const char *data, size_t len, struct vgpu_type_list *out);
void vgpu_type_list_free(struct vgpu_type_list *l);
const struct vgpu_type *vgpu_type_find(const struct vgpu_type_list *l, unsigned long id);

/* The id of a type named "nvidia-ID"; false for any other name. */
bool vgpu_type_id(const char *type, unsigned long *id);
/* A PCI address "dddd:bb:dd.f" (hex digits in any case). */
bool pci_addr_valid(const char *s);

/* A virtual function as sysfs shows it. */
struct vgpu_vf {
	unsigned long index; /* N of the PF's virtfnN */
	char addr[PCI_ADDR_MAX];
	char driver[64]; /* "" when unbound */
	long current;	 /* current_vgpu_type; -1 without nvidia/ (not a vGPU slot, or not yet) */
	long group;	 /* IOMMU group, -1 when none */
	struct vgpu_type_list creatable;
};

struct vgpu_pf {
	char addr[PCI_ADDR_MAX];
	unsigned long totalvfs, numvfs;
	struct vgpu_vf *vfs; /* by index; those whose virtfnN link is missing are left out */
	size_t nvfs;
};

/*
 * The vGPU parents: PCI devices bound to nvidia, of vendor 0x10de, with SR-IOV (a
 * sriov_totalvfs above 0), that are not VFs and are not mdev parents, nor have a VF that
 * is one (an Ampere card on an older driver: its VFs carry mdev types).  Byte-sorted.
 */
int vgpu_pfs(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
bool vgpu_is_pf(const struct rootfs *rfs, const char *addr);

/* PF and its VFs, each with its current type and creatable list read now. */
int vgpu_pf_load(const struct rootfs *rfs, const char *addr, struct vgpu_pf *pf,
		 struct mdev_error *err);
void vgpu_pf_clear(struct vgpu_pf *pf);
/* A VF ready to take a vGPU: bound to nvidia, with nvidia/current_vgpu_type. */
bool vgpu_vf_ready(const struct vgpu_vf *vf);
const struct vgpu_vf *vgpu_pf_vf(const struct vgpu_pf *pf, unsigned long index);

/*
 * The types PF offers now, sorted by id: each with the free VFs offering it as its available
 * instances, and the types in use with 0 when no list offers them any more.  Types of a
 * MIG-backed profile say in their description that a GPU instance must exist first.
 */
void vgpu_pf_types(const struct vgpu_pf *pf, struct mdev_type_info **types, size_t *n);

/*
 * The address of VF index INDEX of PF: its virtfnN link, or, before the VFs are enabled,
 * what the PF's sriov_offset and sriov_stride make it (the PCI SR-IOV routing rule).
 * False, with "" in ADDR, when neither tells.
 */
bool vgpu_vf_addr(const struct rootfs *rfs, const char *pf, unsigned long index,
		  char addr[PCI_ADDR_MAX]);

/*
 * Where the VF named SPEC is: an index N of PF (PF must then be given), or a VF's PCI
 * address, whose physfn names its PF (which must agree with PF when given; before the VFs
 * are enabled, PF must be given).  Fills PF_OUT and *INDEX; ADDR_OUT gets the address when
 * it is known (see vgpu_vf_addr), else "".
 */
int vgpu_vf_resolve(const struct rootfs *rfs, const char *pf, const char *spec,
		    char pf_out[PCI_ADDR_MAX], unsigned long *index, char addr_out[PCI_ADDR_MAX],
		    struct mdev_error *err);

#endif
