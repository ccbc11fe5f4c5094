/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who holds a VFIO device: the processes that have one of its /dev nodes open. */
#ifndef MDEVADM_HOLDERS_H
#define MDEVADM_HOLDERS_H

#include <stddef.h>
#include <sys/types.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"

struct holder {
	pid_t pid;
	char *cmdline; /* arguments joined by blanks; the command name when it has none */
	char *node;    /* the node it holds, e.g. /dev/vfio/12 */
};

struct holder_list {
	struct holder *v;
	size_t n;
	size_t unreadable; /* processes whose descriptors could not be read (not root) */
};

/*
 * Every process of proc/ (in the tree RFS) with one of NODES (absolute /dev paths) open, by
 * PID.  A process that ends while it is read is skipped.
 */
int holders_find(const struct rootfs *rfs, const struct strv *nodes, struct holder_list *out,
		 struct mdev_error *err);
void holder_list_free(struct holder_list *l);

/*
 * 0 when no process holds the device at DEV (a root-relative sysfs path); else -EBUSY and
 * ERR says "in use by PID (COMMAND LINE), ...".  Removing a VFIO device that a process has
 * open blocks the remover until the process lets go: ask before that happens.
 */
int holders_check(const struct rootfs *rfs, const char *dev, struct mdev_error *err);

/* "PID (COMMAND LINE)" of the first holders, ", "-separated, for a one-line message. */
void holders_describe(const struct holder_list *l, char *buf, size_t size);

#endif
