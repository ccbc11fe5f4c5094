// SPDX-License-Identifier: LGPL-2.1-or-later
/* Device start with rollback, and reading user-supplied config files. */
#include "libmdev/lifecycle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmdev/callout.h"
#include "libmdev/model.h"

int device_appear_timeout_ms(void)
{
	const char *env = getenv("MDEVADM_APPEAR_TIMEOUT_MS");
	char *end;
	long ms = env ? strtol(env, &end, 10) : -1;

	return env && !*end && ms >= 0 && ms <= 600000 ? (int)ms : 2000;
}

int device_start(const struct rootfs *rfs, const char *parent, const char *uuid,
		 const struct mdev_config *cfg, struct mdev_error *err)
{
	struct mdev_active cur = { 0 };
	struct mdev_error rollback;
	int r;

	if (model_active_get(rfs, uuid, &cur) == 0) {
		r = mdev_errorf(err, EALREADY, "cannot start %s: already active on %s (type %s)",
				uuid, cur.parent, cur.type);
		active_clear(&cur);
		return r;
	}
	r = model_check_creatable(rfs, parent, cfg->type, err);
	if (r < 0) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return mdev_errorf(err, err->code, "cannot start %s: %s", uuid, why);
	}
	r = model_create(rfs, parent, cfg->type, uuid, err);
	if (r < 0 || cfg->nattrs == 0)
		return r;
	r = model_wait_active(rfs, uuid, device_appear_timeout_ms());
	if (r < 0)
		return mdev_errorf(
			err, -r, "created %s on %s but it did not appear in /sys/bus/mdev/devices",
			uuid, parent);
	for (size_t i = 0; i < cfg->nattrs; i++) {
		r = model_write_attr(rfs, uuid, cfg->attrs[i].name, cfg->attrs[i].value, err);
		if (r < 0)
			break;
	}
	if (r < 0) {
		size_t len = strlen(err->msg);

		if (model_remove(rfs, uuid, &rollback) < 0)
			snprintf(err->msg + len, sizeof(err->msg) - len,
				 "; removing the device again failed too: %s", rollback.msg);
		else
			snprintf(err->msg + len, sizeof(err->msg) - len, "; device removed again");
	}
	return r;
}

int device_start_scripted(const struct rootfs *rfs, struct callouts *co, const char *parent,
			  const char *uuid, const struct mdev_config *cfg, bool force,
			  struct mdev_error *err)
{
	struct co_call call = { co, uuid, parent, cfg, ACT_START, -1 };
	int r = co_pre(&call, force, err);

	if (r < 0)
		return r;
	r = device_start(rfs, parent, uuid, cfg, err);
	co_post(&call, r == 0);
	return r;
}

int config_read_file(const char *path, struct mdev_config *cfg, struct mdev_error *err)
{
	char why[512], *data;
	size_t len;
	int fd, r;

	memset(cfg, 0, sizeof(*cfg));
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdev_errorf(err, errno, "cannot open %s: %s", path, strerror(errno));
	r = read_all_fd(fd, CONFIG_MAX_SIZE, &data, &len);
	close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read %s: %s", path, strerror(-r));
	r = config_parse(data, len, cfg, why, sizeof(why));
	free(data);
	if (r < 0)
		return mdev_errorf(err, EINVAL, "invalid config in %s: %s", path, why);
	return 0;
}
