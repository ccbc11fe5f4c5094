/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The desired-state file of `apply`: named layouts of devices, validated into plain C.  It is
 * outside input (an Ansible variable, a ConfigMap): every error names the entry and the field.
 */
#ifndef MDEVADM_LAYOUT_H
#define MDEVADM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "libmdev/definition.h"

/* Layout files are a few kilobytes; an export of 10,000 devices is about 2 MB. */
#define LAYOUT_MAX_SIZE (64u << 20)
#define LAYOUT_VERSION 1
/* "every present parent that supports the type" */
#define LAYOUT_ANY_PARENT "*"
/* More devices than any parent makes (and than a plan should hold steps for): a typo. */
#define LAYOUT_MAX_COUNT 65536

/*
 * A device is known by its parent and an id: a UUID for an mdev, the VF index for a vGPU on
 * an SR-IOV virtual function.  The planner only compares ids.
 */
#define DEV_ID_MAX UUID_STR_LEN

/* How an entry names its devices. */
enum entry_by {
	BY_UUID,  /* exactly that mdev */
	BY_VF,	  /* the vGPU on that VF index of the parent */
	BY_COUNT, /* any COUNT devices of the type */
};

struct layout_entry {
	size_t index;		/* in the devices array, for messages */
	char *parent;		/* a parent name or LAYOUT_ANY_PARENT */
	struct mdev_config def; /* type, start and attributes to persist */
	enum entry_by by;
	char id[DEV_ID_MAX]; /* BY_UUID, BY_VF: canonical */
	unsigned long count; /* BY_COUNT */
	bool active;	     /* should run now */
	bool defined;	     /* false: a transient device, running without a definition */
};

struct layout {
	char *file;  /* as messages name it */
	char *name;  /* the config chosen, "" for a file with a top-level "devices" list */
	char *where; /* "devices" or "configs.NAME.devices": the prefix of messages */
	struct layout_entry *v;
	size_t n;
};

/*
 * Parses the layout file DATA (LEN bytes, named FILE in messages) and picks CONFIG (NULL: the
 * default).  Returns 0, or -EINVAL with ERR saying "FILE: configs.x.devices[2].count: ...".
 */
int layout_parse(const char *data, size_t len, const char *file, const char *config,
		 struct layout *out, struct mdev_error *err);
/*
 * Reads the layout file PATH ("-": standard input) whole into TEXT (malloc'd, LEN bytes), and
 * says in NAME how messages name it, for layout_parse.  Apart from it, so that `apply` reads a
 * slow pipe before it takes the store lock, and parses while it holds it.
 */
int layout_read_text(const char *path, char **text, size_t *len, const char **name,
		     struct mdev_error *err);
void layout_free(struct layout *l);
/* The names of the layouts in the "configs" of file PATH, sorted; none when it cannot be read. */
void layout_config_names(const char *path, struct strv *out);

/* A message quoting the file stays one line: control characters become '?'. */
int layout_error(struct mdev_error *err, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The names of a device's definition and entry fields, as the file spells them. */
const char *layout_start_name(bool autostart);

#endif
