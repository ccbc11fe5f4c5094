/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A device definition and its mdevctl JSON format. */
#ifndef MDEVADM_DEFINITION_H
#define MDEVADM_DEFINITION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "basic/util.h"

/* Configs are a few hundred bytes: anything this big is not one. */
#define CONFIG_MAX_SIZE (1u << 20)

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
/*
 * The "attrs" list of a config (an array, or NULL for none) into CFG's attributes, checked as
 * config_from_json checks it; CFG's attributes are untouched on failure.
 */
int config_attrs_from_json(json_t *attrs, struct mdev_config *cfg, char *why, size_t whylen);
/* Parses a config file's text: config_scan when it can decide, else config_parse_json. */
int config_parse(const char *data, size_t len, struct mdev_config *cfg, char *why, size_t whylen);
/* The parser of record: jansson, then config_from_json. */
int config_parse_json(const char *data, size_t len, struct mdev_config *cfg, char *why,
		      size_t whylen);
/*
 * A single pass over a valid config in the plain shape mdevctl and mdevadm
 * write (known keys once each, ASCII strings without escapes).  True with CFG
 * filled, exactly as config_parse_json would; false, with CFG empty, for
 * anything else, which config_parse_json must judge.
 */
bool config_scan(const char *data, size_t len, struct mdev_config *cfg);

json_t *config_to_json(const struct mdev_config *cfg);
/*
 * CFG pretty-printed, byte for byte what json_add makes of config_to_json,
 * without building it: `list` prints thousands.  Lines after the first are
 * indented by INDENT.
 */
void config_format(struct sbuf *b, const struct mdev_config *cfg, int indent);

int config_attr_insert(struct mdev_config *cfg, size_t index, const char *name, const char *value);
int config_attr_delete(struct mdev_config *cfg, size_t index);

/* Whether A and B say the same: type, start and the attributes in their order. */
bool config_equal(const struct mdev_config *a, const struct mdev_config *b);

#endif
