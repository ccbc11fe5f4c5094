/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The device model as sysfs shows it: parents, their types, active mdevs. */
#ifndef MDEVADM_MODEL_H
#define MDEVADM_MODEL_H

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"

#define SYS_PARENTS "sys/class/mdev_bus"
#define SYS_DEVICES "sys/bus/mdev/devices"

struct mdev_type_info {
	const char *id;
	long available;
	const char *device_api;
	const char *name;	 /* NULL when the file is absent or empty */
	const char *description; /* likewise; newlines already folded to ", " */
	char *buf;		 /* the strings above live in it */
};

struct mdev_active {
	char uuid[UUID_STR_LEN];
	char *parent;
	char *type; /* in parent's allocation */
};

struct active_list {
	struct mdev_active *v;
	size_t n;
};

/* Names of the registered parents, byte-sorted. */
int model_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);

/* The supported types of PARENT, sorted by id; types that cannot be read are skipped. */
int model_types(const struct rootfs *rfs, const char *parent, struct mdev_type_info **types,
		size_t *n, struct mdev_error *err);
void model_types_free(struct mdev_type_info *types, size_t n);

/* Every active mdev, sorted by parent then UUID. */
int model_active_all(const struct rootfs *rfs, struct active_list *out, struct mdev_error *err);
void active_list_free(struct active_list *l);

/* One active mdev by canonical UUID: 0, or -ENOENT when it is not active. */
int model_active_at(const struct rootfs *rfs, int devs, const char *uuid, struct mdev_active *out);
/* Like model_active_at, opening SYS_DEVICES itself. */
int model_active_get(const struct rootfs *rfs, const char *uuid, struct mdev_active *out);
void active_clear(struct mdev_active *a);

/*
 * Checks that a device of TYPE can be created on PARENT: the parent exists
 * (a case-insensitive near miss is offered as a hint), the type exists and has
 * an instance available.
 */
int model_check_creatable(const struct rootfs *rfs, const char *parent, const char *type,
			  struct mdev_error *err);

int model_create(const struct rootfs *rfs, const char *parent, const char *type, const char *uuid,
		 struct mdev_error *err);
int model_remove(const struct rootfs *rfs, const char *uuid, struct mdev_error *err);
int model_write_attr(const struct rootfs *rfs, const char *uuid, const char *name,
		     const char *value, struct mdev_error *err);

/*
 * Waits up to TIMEOUT_MS for a just-created device to appear.  A real kernel
 * creates it before the write to create returns; emulated trees may lag.
 */
int model_wait_active(const struct rootfs *rfs, const char *uuid, int timeout_ms);

#endif
