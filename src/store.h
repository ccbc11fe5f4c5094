/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device definitions: the mdevctl JSON format and the store under etc/mdevctl.d. */
#ifndef MDEVADM_STORE_H
#define MDEVADM_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "rootfs.h"
#include "util.h"

#define CONFIG_DIR "etc/mdevctl.d"

struct mdev_attr {
	char *name;
	char *value;
};

struct mdev_config {
	char *type;
	bool autostart;
	struct mdev_attr *attrs;
	size_t nattrs;
};

void config_clear(struct mdev_config *cfg);
/* Moves SRC's attributes into DST, dropping DST's. */
void config_replace_attrs(struct mdev_config *dst, struct mdev_config *src);

/*
 * Validates and converts a parsed config.  On failure returns -EINVAL and
 * says what is wrong in WHY.
 */
int config_from_json(json_t *root, struct mdev_config *cfg, char *why, size_t whylen);
int config_parse(const char *data, size_t len, struct mdev_config *cfg, char *why, size_t whylen);
json_t *config_to_json(const struct mdev_config *cfg);
/*
 * CFG pretty-printed, byte for byte what json_emit makes of config_to_json,
 * without building it: `list` prints thousands.  Lines after the first are
 * indented by INDENT.
 */
void config_print(FILE *f, const struct mdev_config *cfg, int indent);

int config_attr_insert(struct mdev_config *cfg, size_t index, const char *name, const char *value);
int config_attr_delete(struct mdev_config *cfg, size_t index);

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
