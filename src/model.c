// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading parents, types and active devices from sysfs; creating and removing. */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

static char *read_optional(int dirfd, const char *name, bool fold_lines)
{
	char buf[4096];
	int n = rfs_read_at(dirfd, name, buf, sizeof(buf));
	char *out, *o;

	if (n <= 0)
		return NULL;
	if (!fold_lines)
		return xstrdup(buf);
	/* mdevctl prints a multi-line description on one line, joined by ", " */
	out = o = xmalloc((size_t)n * 2 + 1);
	for (const char *p = buf; *p; p++) {
		if (*p == '\n') {
			*o++ = ',';
			*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static int read_type(const struct rootfs *rfs, const char *parent, const char *id,
		     struct mdev_type_info *t)
{
	char buf[64], *end;
	int dfd, n;

	dfd = rfs_openf(rfs, O_RDONLY | O_DIRECTORY, SYS_PARENTS "/%s/mdev_supported_types/%s",
			parent, id);
	if (dfd < 0)
		return dfd;
	n = rfs_read_at(dfd, "available_instances", buf, sizeof(buf));
	if (n <= 0) {
		close(dfd);
		return n < 0 ? n : -EINVAL;
	}
	errno = 0;
	t->available = strtol(buf, &end, 10);
	if (errno || *end || t->available < 0) {
		close(dfd);
		return -EINVAL;
	}
	t->id = xstrdup(id);
	t->device_api = read_optional(dfd, "device_api", false);
	if (!t->device_api)
		t->device_api = xstrdup("");
	t->name = read_optional(dfd, "name", false);
	t->description = read_optional(dfd, "description", true);
	close(dfd);
	return 0;
}

int model_types(const struct rootfs *rfs, const char *parent, struct mdev_type_info **types,
		size_t *n, struct mdev_error *err)
{
	struct strv ids = { 0 };
	char path[PATH_MAX];
	int r;

	*types = NULL;
	*n = 0;
	if (rfs_path(path, sizeof(path), SYS_PARENTS "/%s/mdev_supported_types", parent) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "parent name too long: %s", parent);
	r = rfs_scandir(rfs, path, SCAN_DIRS | SCAN_FOLLOW, &ids, NULL);
	if (r < 0) {
		strv_free(&ids);
		return mdev_errorf(err, -r, "cannot list the types of parent %s: %s", parent,
				   strerror(-r));
	}
	*types = xcalloc(ids.n, sizeof(**types));
	for (size_t i = 0; i < ids.n; i++) {
		r = read_type(rfs, parent, ids.v[i], &(*types)[*n]);
		if (r < 0)
			warnf("skipping type %s of parent %s: cannot read its attributes: %s",
			      ids.v[i], parent, strerror(-r));
		else
			(*n)++;
	}
	strv_free(&ids);
	return 0;
}

void model_types_free(struct mdev_type_info *types, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(types[i].id);
		free(types[i].device_api);
		free(types[i].name);
		free(types[i].description);
	}
	free(types);
}

/*
 * The device link points at .../<parent>/<uuid>: the parent is the component
 * before the last.  Returns a pointer into LINK, NUL-terminated in place.
 */
static const char *parent_from_link(char *link)
{
	char *last = strrchr(link, '/');
	char *prev;

	if (!last)
		return NULL;
	*last = '\0';
	prev = strrchr(link, '/');
	prev = prev ? prev + 1 : link;
	return rfs_valid_name(prev) ? prev : NULL;
}

/* Fills A from the device link UUID in the open devices directory DEVS. */
int model_active_at(const struct rootfs *rfs, int devs, const char *uuid, struct mdev_active *a)
{
	char link[PATH_MAX], type[PATH_MAX], path[PATH_MAX];
	const char *parent, *tname;
	ssize_t n;
	int dfd;

	n = readlinkat(devs, uuid, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	parent = parent_from_link(link);
	if (!parent)
		return -EINVAL;
	if (rfs_path(path, sizeof(path), SYS_DEVICES "/%s", uuid) < 0)
		return -ENAMETOOLONG;
	dfd = rfs_open(rfs, path, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0)
		return dfd;
	n = readlinkat(dfd, "mdev_type", type, sizeof(type) - 1);
	close(dfd);
	if (n < 0)
		return -errno;
	type[n] = '\0';
	tname = rfs_basename(type);
	if (!rfs_valid_name(tname))
		return -EINVAL;
	memcpy(a->uuid, uuid, UUID_STR_LEN);
	a->parent = xstrdup(parent);
	a->type = xstrdup(tname);
	return 0;
}

static int cmp_active(const void *pa, const void *pb)
{
	const struct mdev_active *a = pa, *b = pb;
	int c = strcmp(a->parent, b->parent);

	return c ? c : strcmp(a->uuid, b->uuid);
}

int model_active_all(const struct rootfs *rfs, struct active_list *out, struct mdev_error *err)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd, devs;

	out->v = NULL;
	out->n = 0;
	fd = rfs_open(rfs, SYS_DEVICES, O_RDONLY | O_DIRECTORY, 0);
	if (fd == -ENOENT)
		return 0; /* mdev core not loaded: nothing is active */
	if (fd < 0)
		return mdev_errorf(err, -fd, "cannot list active devices in /%s: %s", SYS_DEVICES,
				   strerror(-fd));
	devs = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	d = fdopendir(fd);
	if (!d || devs < 0) {
		int e = errno;

		if (d)
			closedir(d);
		else
			close(fd);
		if (devs >= 0)
			close(devs);
		return mdev_errorf(err, e, "cannot list active devices: %s", strerror(e));
	}
	while ((de = readdir(d))) {
		int r;

		if (!uuid_is_canonical(de->d_name))
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		r = model_active_at(rfs, devs, de->d_name, &out->v[out->n]);
		if (r == 0)
			out->n++;
		else if (r != -ENOENT) /* removed while we looked: not an error */
			warnf("skipping active device %s: %s", de->d_name, strerror(-r));
	}
	closedir(d);
	close(devs);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_active);
	return 0;
}

void active_clear(struct mdev_active *a)
{
	free(a->parent);
	free(a->type);
	a->parent = a->type = NULL;
}

void active_list_free(struct active_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		active_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int model_active_get(const struct rootfs *rfs, const char *uuid, struct mdev_active *out)
{
	int devs = rfs_open(rfs, SYS_DEVICES, O_PATH | O_DIRECTORY, 0);
	int r;

	if (devs < 0)
		return devs;
	r = model_active_at(rfs, devs, uuid, out);
	close(devs);
	return r;
}

static void near_miss(const struct rootfs *rfs, const char *parent, char *hint, size_t size)
{
	struct strv names = { 0 };

	hint[0] = '\0';
	if (rfs_scandir(rfs, SYS_PARENTS, SCAN_DIRS | SCAN_FOLLOW, &names, NULL) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			if (strcasecmp(names.v[i], parent) == 0 &&
			    strcmp(names.v[i], parent) != 0) {
				rfs_path(hint, size, " (did you mean '%s'?)", names.v[i]);
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
				   parent, strerror(-r));
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
