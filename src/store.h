/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store of device definitions under etc/mdevctl.d. */
#ifndef MDEVADM_STORE_H
#define MDEVADM_STORE_H

#include "definition.h"
#include "error.h"
#include "rootfs.h"
#include "util.h"

#define CONFIG_DIR "etc/mdevctl.d"

/* Loads PARENT/UUID: 0, -ENOENT when not defined, another error with ERR set. */
int store_load(const struct rootfs *rfs, const char *parent, const char *uuid,
	       struct mdev_config *cfg, struct mdev_error *err);
/* Writes PARENT/UUID atomically, creating the parent's directory if needed. */
int store_save(const struct rootfs *rfs, const char *parent, const char *uuid,
	       const struct mdev_config *cfg, struct mdev_error *err);
int store_delete(const struct rootfs *rfs, const char *parent, const char *uuid,
		 struct mdev_error *err);

/* Parents with a config directory, byte-sorted (scripts.d excluded). */
int store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
/* Canonical UUIDs defined under PARENT, sorted; other names are warned about. */
int store_uuids(const struct rootfs *rfs, const char *parent, struct strv *out,
		struct mdev_error *err);

/*
 * Serialises commands that change devices or configs across processes.
 * Returns a descriptor to pass to store_unlock.
 */
int store_lock(const struct rootfs *rfs, struct mdev_error *err);
void store_unlock(int fd);

/* Parents (restricted to ONLY_PARENT when not NULL) holding a config for UUID. */
int store_find(const struct rootfs *rfs, const char *uuid, const char *only_parent,
	       struct strv *parents, struct mdev_error *err);

#endif
