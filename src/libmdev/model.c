// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading parents, types and active devices from sysfs; creating and removing. */
#include "libmdev/model.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

int model_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err)
{
	int r = rfs_scandir(rfs, SYS_PARENTS, SCAN_DIRS | SCAN_FOLLOW, out, NULL);

	if (r == -ENOENT)
		return 0; /* no parent driver has registered with mdev */
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list parents in /%s: %s", SYS_PARENTS,
				   strerror(-r));
	return 0;
}

/* Appends S (LEN bytes) and a NUL; returns where it starts. */
static size_t add_str(struct sbuf *b, const char *s, size_t len)
{
	size_t at = b->len;

	sb_add(b, s, len);
	sb_addc(b, '\0');
	return at;
}

/*
 * Appends the attribute NAME of the type directory DIRFD and returns where it
 * starts, -1 when it is absent or empty, -EBADFD when it is no file.  With FOLD_LINES, newlines
 * become
 * ", ": mdevctl prints a multi-line description on one line.
 */
static long add_attr(struct sbuf *b, int dirfd, const char *name, bool fold_lines)
{
	char buf[4096], folded[2 * sizeof(buf)], *o = folded;
	int n = rfs_read_at(dirfd, name, buf, sizeof(buf));

	if (n == -EBADFD)
		return n;
	if (n <= 0)
		return -1;
	if (!fold_lines || !memchr(buf, '\n', (size_t)n))
		return (long)add_str(b, buf, (size_t)n);
	for (const char *p = buf; *p; p++) {
		if (*p == '\n') {
			*o++ = ',';
			*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	return (long)add_str(b, folded, (size_t)(o - folded));
}

/* Reads type ID from the open directory DIRFD, the parent's types at DIRPATH. */
static int read_type(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *id,
		     struct mdev_type_info *t)
{
	struct sbuf b = { 0 };
	char buf[64];
	unsigned long avail;
	long api, name, desc;
	int dfd, n;

	dfd = rfs_open_below(rfs, dirfd, dirpath, id, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	n = rfs_read_at(dfd, "available_instances", buf, sizeof(buf));
	if (n <= 0 || !parse_ulong(buf, &avail) || avail > LONG_MAX) {
		close(dfd);
		return n < 0 ? n : -EINVAL;
	}
	/* one allocation for the strings of a type: types lists thousands */
	sb_grow(&b, 256);
	add_str(&b, id, strlen(id));
	api = add_attr(&b, dfd, "device_api", false);
	name = add_attr(&b, dfd, "name", false);
	desc = add_attr(&b, dfd, "description", true);
	close(dfd);
	if (api == -EBADFD || name == -EBADFD || desc == -EBADFD) {
		free(b.p);
		return -EBADFD;
	}
	if (api < 0)
		api = (long)add_str(&b, "", 0);
	t->buf = b.p;
	t->id = b.p;
	t->available = (long)avail;
	t->device_api = b.p + api;
	t->name = name < 0 ? NULL : b.p + name;
	t->description = desc < 0 ? NULL : b.p + desc;
	return 0;
}

int model_types(const struct rootfs *rfs, const char *parent, struct mdev_type_info **types,
		size_t *n, struct mdev_error *err)
{
	struct strv ids = { 0 };
	char path[PATH_MAX];
	int dfd, r;

	*types = NULL;
	*n = 0;
	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s/mdev_supported_types", parent) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "parent name too long: %s", parent);
	dfd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY, 0);
	r = dfd < 0 ? dfd : rfs_scandir_fd(dfd, SCAN_DIRS | SCAN_FOLLOW, &ids, NULL);
	if (r < 0) {
		if (dfd >= 0)
			close(dfd);
		strv_free(&ids);
		return mdev_errorf(err, -r, "cannot list the types of parent %s: %s", parent,
				   strerror(-r));
	}
	*types = xcalloc(ids.n, sizeof(**types));
	for (size_t i = 0; i < ids.n; i++) {
		r = read_type(rfs, dfd, path, ids.v[i], &(*types)[*n]);
		if (r < 0)
			warnf("skipping type %s of parent %s: cannot read its attributes: %s",
			      ids.v[i], parent, file_strerror(-r));
		else
			(*n)++;
	}
	close(dfd);
	strv_free(&ids);
	return 0;
}

void model_types_free(struct mdev_type_info *types, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(types[i].buf);
	free(types);
}

static void near_miss(const struct rootfs *rfs, const char *parent, char *hint, size_t size)
{
	struct strv names = { 0 };

	hint[0] = '\0';
	if (rfs_scandir(rfs, SYS_PARENTS, SCAN_DIRS | SCAN_FOLLOW, &names, NULL) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			if (strcasecmp(names.v[i], parent) == 0 &&
			    strcmp(names.v[i], parent) != 0) {
				snprintf(hint, size, " (did you mean '%s'?)", names.v[i]);
				break;
			}
		}
	}
	strv_free(&names);
}

int model_check_creatable(const struct rootfs *rfs, const char *parent, const char *type,
			  struct mdev_error *err)
{
	char buf[64], hint[PATH_MAX + 32], *end;
	long avail;
	int r;

	if (!rfs_existsf(rfs, O_DIRECTORY, SYS_PARENTS "/%s", parent)) {
		near_miss(rfs, parent, hint, sizeof(hint));
		return mdev_errorf(err, ENODEV, "parent device %s not found%s", parent, hint);
	}
	r = rfs_path(hint, sizeof(hint),
		     SYS_PARENTS "/%s/mdev_supported_types/%s/available_instances", parent, type);
	if (r == 0)
		r = rfs_read(rfs, hint, buf, sizeof(buf));
	if (r == -ENOENT || r == -ENOTDIR)
		return mdev_errorf(err, EINVAL, "parent %s does not support mdev type %s", parent,
				   type);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read available instances of %s on %s: %s", type,
				   parent, file_strerror(-r));
	errno = 0;
	avail = strtol(buf, &end, 10);
	if (errno || *end || end == buf)
		return mdev_errorf(err, EINVAL,
				   "parent %s reports garbage as available instances of %s", parent,
				   type);
	if (avail <= 0)
		return mdev_errorf(err, ENOSPC, "no available instances of %s on %s", type, parent);
	return 0;
}

int model_create(const struct rootfs *rfs, const char *parent, const char *type, const char *uuid,
		 struct mdev_error *err)
{
	char path[PATH_MAX];
	int r;

	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s/mdev_supported_types/%s/create", parent,
		     type) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "path of %s/%s is too long", parent, type);
	r = rfs_write(rfs, path, uuid);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create %s (%s on %s): %s", uuid, type, parent,
				   sysfs_strerror(-r));
	return 0;
}

int model_remove(const struct rootfs *rfs, const char *uuid, struct mdev_error *err)
{
	char path[PATH_MAX];
	int r;

	rfs_path(path, sizeof(path), SYS_DEVICES "/%s/remove", uuid);
	r = rfs_write(rfs, path, "1");
	if (r == -ENOENT)
		return mdev_errorf(err, ENOENT, "cannot stop %s: device is not active", uuid);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot stop %s: %s", uuid, sysfs_strerror(-r));
	return 0;
}

int model_write_attr(const struct rootfs *rfs, const char *uuid, const char *name,
		     const char *value, struct mdev_error *err)
{
	char path[PATH_MAX];
	int r;

	if (!rfs_valid_name(name))
		return mdev_errorf(err, EINVAL, "invalid attribute name '%s' for %s", name, uuid);
	if (rfs_path(path, sizeof(path), SYS_DEVICES "/%s/%s", uuid, name) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "attribute name too long: %s", name);
	r = rfs_write(rfs, path, value);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot set attribute %s=%s on %s: %s", name, value,
				   uuid, sysfs_strerror(-r));
	return 0;
}

int model_wait_active(const struct rootfs *rfs, const char *uuid, int timeout_ms)
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	char path[PATH_MAX];

	rfs_path(path, sizeof(path), SYS_DEVICES "/%s", uuid);
	for (int waited = 0;; waited += 5) {
		int fd = rfs_open(rfs, path, O_PATH | O_DIRECTORY, 0);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (fd != -ENOENT || waited >= timeout_ms)
			return fd;
		nanosleep(&tick, NULL);
	}
}
