/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store of device definitions under etc/mdevctl.d. */
#ifndef MDEVADM_STORE_H
#define MDEVADM_STORE_H

#include <limits.h>

#include "libmdev/definition.h"
#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"

#define CONFIG_DIR "etc/mdevctl.d"

/*
 * Loads PARENT/UUID: 0, -ENOENT when not defined, another error with ERR set:
 * -ENOTDIR when CONFIG_DIR/PARENT is a symbolic link, which no function here
 * follows (store_parents and store_dir_open warn of one and skip it).
 */
int store_load(const struct rootfs *rfs, const char *parent, const char *uuid,
	       struct mdev_config *cfg, struct mdev_error *err);
/*
 * Writes PARENT/UUID atomically, creating the parent's directory if needed.
 * store_save and store_delete are called under store_lock: they remove the
 * temporary files that killed writers left.
 */
int store_save(const struct rootfs *rfs, const char *parent, const char *uuid,
	       const struct mdev_config *cfg, struct mdev_error *err);
int store_delete(const struct rootfs *rfs, const char *parent, const char *uuid,
		 struct mdev_error *err);

/*
 * A definition's bytes as they are, and written back as they were: undoing a change restores
 * the very file, whoever wrote it and however it was laid out.  BASE is the directory of the
 * family's definitions: CONFIG_DIR for mdevs (VGPU_CONFIG_DIR for vGPUs), NAME the file.
 * Like store_save and store_delete: staged, one rename, never through a symlinked BASE/PARENT.
 */
int store_load_raw(const struct rootfs *rfs, const char *base, const char *parent, const char *name,
		   char **data, size_t *len, struct mdev_error *err);
int store_save_raw(const struct rootfs *rfs, const char *base, const char *parent, const char *name,
		   const char *data, size_t len, struct mdev_error *err);
int store_delete_raw(const struct rootfs *rfs, const char *base, const char *parent,
		     const char *name, struct mdev_error *err);

/* Removes BASE/PARENT if it is empty: undoing the define that made it. */
void store_dir_remove(const struct rootfs *rfs, const char *base, const char *parent);

/* Parents with a config directory, byte-sorted (scripts.d excluded). */
int store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
/*
 * One parent's directory of definitions, kept open: its files are opened
 * relative to it, not walked to from the root one by one.
 */
struct store_dir {
	int fd; /* -1 when the parent has no directory */
	const char *parent;
	char path[PATH_MAX]; /* CONFIG_DIR/PARENT */
	struct strv uuids;   /* after store_dir_list: the UUIDs defined, sorted */
};

/* Opens PARENT's directory; one that does not exist holds nothing. */
int store_dir_open(const struct rootfs *rfs, const char *parent, struct store_dir *d,
		   struct mdev_error *err);
/* Lists the UUIDs D holds into D->uuids; other names are warned about. */
int store_dir_list(struct store_dir *d, struct mdev_error *err);
/* Loads UUID from D, as store_load does. */
int store_dir_load(const struct rootfs *rfs, const struct store_dir *d, const char *uuid,
		   struct mdev_config *cfg, struct mdev_error *err);
void store_dir_close(struct store_dir *d);

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
