/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a type's devices support: one transient device created, probed and removed. */
#ifndef MDEVADM_TYPE_PROBE_H
#define MDEVADM_TYPE_PROBE_H

#include "basic/error.h"
#include "basic/rootfs.h"
#include "libmdev/vfio_probe.h"

/* How long a transient device may take to get its VFIO nodes (udev creates them on a host). */
#define TYPE_PROBE_READY_S 10

/*
 * Creates a device of TYPE on PARENT under a fresh UUID, waits until it is usable, probes it
 * (vfio_probe_device) and removes it again, whatever failed in between.  No callout runs:
 * the device is the tool's own and lives for a moment.  An error that follows a successful
 * create says whether the device is gone; only when its removal fails does it stay, and the
 * message names its UUID.
 */
int type_probe(const struct rootfs *rfs, const char *parent, const char *type,
	       struct vfio_probe *out, struct mdev_error *err);

#endif
