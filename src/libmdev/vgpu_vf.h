/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating and destroying vGPUs on SR-IOV virtual functions, the VFs enabled first. */
#ifndef MDEVADM_VGPU_VF_H
#define MDEVADM_VGPU_VF_H

#include "libmdev/vgpu.h"

/* How the VFs of a PF came to be enabled, for the command to say. */
struct vgpu_enabled {
	char how[64]; /* "sriov-manage" or "sriov_numvfs"; "" when they were enabled already */
	unsigned long n;
};

/* A vGPU to create: type ID on VF index VF of PF, or on the first free VF offering it. */
struct vgpu_start_req {
	const char *pf;
	unsigned long type;
	long vf; /* -1: any */
};

struct vgpu_started {
	char addr[PCI_ADDR_MAX];
	unsigned long index;
	char *name; /* the type's name, as the VF's creatable list gave it; NULL when it did not */
	struct vgpu_enabled enabled;
};

/*
 * Creates the vGPU: enables the PF's VFs when none are (with NVIDIA's sriov-manage on the
 * host root when it is installed, else through sriov_numvfs) and waits, bounded, until they
 * are bound to nvidia; picks the VF; writes the type id and checks that it took.  Errors
 * name the PF, the type and the reason, with the kernel's own message when it refused.
 */
int vgpu_start(const struct rootfs *rfs, const struct vgpu_start_req *req, struct vgpu_started *out,
	       struct mdev_error *err);
void vgpu_started_clear(struct vgpu_started *s);

/*
 * Destroys the vGPU on the VF at ADDR (writes 0).  Unless FORCE, refuses with -EBUSY while a
 * process holds the VF's VFIO nodes, naming it: whether the driver refuses is not known.
 */
int vgpu_stop(const struct rootfs *rfs, const char *addr, bool force, struct mdev_error *err);

/* How long to wait for enabled VFs to be ready: MDEVADM_VF_TIMEOUT_MS, else 15 s. */
int vgpu_vf_timeout_ms(void);

#endif
