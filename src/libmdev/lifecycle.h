/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Starting a device from its config: every precondition, create, attributes, rollback. */
#ifndef MDEVADM_LIFECYCLE_H
#define MDEVADM_LIFECYCLE_H

#include "libmdev/store.h"
#include "basic/error.h"
#include "basic/rootfs.h"

/*
 * How long to wait for a created device to show up (before writing its
 * attributes, or before the next autostart looks at it): instant on a real
 * kernel, which creates it before the write to create returns; an emulated
 * tree may lag.  MDEVADM_APPEAR_TIMEOUT_MS overrides the 2 s default, e.g.
 * 0 on a fake tree that nothing emulates.
 */
int device_appear_timeout_ms(void);

/*
 * Creates UUID on PARENT as CFG describes.  Fails without touching sysfs when
 * the device is already active or cannot be created; when an attribute write
 * fails the device is removed again, so a failure leaves sysfs as it was.
 * Returns -EALREADY when UUID is active already.
 */
int device_start(const struct rootfs *rfs, const char *parent, const char *uuid,
		 const struct mdev_config *cfg, struct mdev_error *err);

struct callouts;

/* device_start between the pre and post callouts of start (CO's scripts; FORCE: see co_pre). */
int device_start_scripted(const struct rootfs *rfs, struct callouts *co, const char *parent,
			  const char *uuid, const struct mdev_config *cfg, bool force,
			  struct mdev_error *err);

/* Reads a --jsonfile argument ("-" is standard input) into CFG. */
int config_read_file(const char *path, struct mdev_config *cfg, struct mdev_error *err);

#endif
