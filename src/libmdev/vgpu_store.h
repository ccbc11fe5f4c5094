/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Definitions of vGPUs: etc/mdevadm.d/vf/<PF>/<N> says that VF index N of PF gets a type.
 * VMs name the VF by its address, which follows from PF and N, so the mapping holds across
 * boots.  Not under etc/mdevctl.d: mdevctl warns about every name there that is not a UUID.
 * The file is JSON, written atomically under the same lock as mdev definitions:
 *   { "type": "nvidia-1145", "name": "NVIDIA L40S-1B", "start": "auto" }
 * "name" (the type's name when it was defined: no sysfs file names the type in use) is
 * optional; any other key is refused.
 */
#ifndef MDEVADM_VGPU_STORE_H
#define MDEVADM_VGPU_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"

#define VGPU_CONFIG_DIR "etc/mdevadm.d/vf"

struct vgpu_def {
	char *type; /* "nvidia-ID" */
	char *name; /* NULL when unknown */
	bool autostart;
};

void vgpu_def_clear(struct vgpu_def *d);
/* Parses a definition's text; -EINVAL with WHY on anything but the format above. */
int vgpu_def_parse(const char *data, size_t len, struct vgpu_def *d, char *why, size_t whylen);

/* Loads PF/INDEX: 0, -ENOENT when not defined, another error with ERR set. */
int vgpu_store_load(const struct rootfs *rfs, const char *pf, unsigned long index,
		    struct vgpu_def *d, struct mdev_error *err);
int vgpu_store_save(const struct rootfs *rfs, const char *pf, unsigned long index,
		    const struct vgpu_def *d, struct mdev_error *err);
int vgpu_store_delete(const struct rootfs *rfs, const char *pf, unsigned long index,
		      struct mdev_error *err);

/* PFs with a directory of definitions, byte-sorted. */
int vgpu_store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
/* The VF indexes defined for PF, ascending; other names are warned about. */
int vgpu_store_list(const struct rootfs *rfs, const char *pf, unsigned long **indexes, size_t *n,
		    struct mdev_error *err);

#endif
