// SPDX-License-Identifier: LGPL-2.1-or-later
/* A type probed through a transient device of its own, the parent left as it was. */
#include "libmdev/type_probe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "basic/util.h"
#include "libmdev/model.h"
#include "libmdev/wait.h"

int type_probe(const struct rootfs *rfs, const char *parent, const char *type,
	       struct vfio_probe *out, struct mdev_error *err)
{
	char uuid[UUID_STR_LEN], dev[PATH_MAX];
	struct mdev_error rm;
	size_t len;
	int r, gone;

	memset(out, 0, sizeof(*out));
	uuid_new(uuid);
	r = model_check_creatable(rfs, parent, type, err);
	if (r == 0)
		r = model_create(rfs, parent, type, uuid, err);
	if (r < 0)
		return r;
	r = wait_device_ready(rfs, uuid, TYPE_PROBE_READY_S, err);
	if (r == 0) {
		rfs_path(dev, sizeof(dev), SYS_DEVICES "/%s", uuid);
		r = vfio_probe_device(rfs, dev, out, err);
	}
	gone = model_remove(rfs, uuid, &rm);
	/* ENOENT: it never appeared, or went away by itself while we waited */
	if (gone == 0 || gone == -ENOENT) {
		if (r < 0) {
			len = strlen(err->msg);
			snprintf(err->msg + len, sizeof(err->msg) - len,
				 " (%s transient device %s%s)", gone == 0 ? "the" : "no", uuid,
				 gone == 0 ? " is removed again" : " is left");
		}
		return r;
	}
	vfio_probe_clear(out);
	if (r == 0)
		return mdev_errorf(err, rm.code, "%s: the transient device stays", rm.msg);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, "; then %s: the transient device stays",
		 rm.msg);
	return r;
}
