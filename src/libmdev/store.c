// SPDX-License-Identifier: LGPL-2.1-or-later
/* The on-disk store of definitions: atomic writes, lenient reads, the writers lock. */
#include "libmdev/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/output.h"

#define LOCK_PATH "run/lock/mdevadm.lock"
#define STAGE_DIR "etc" /* CONFIG_DIR's parent */

/*
 * Reads a config into BUF when it fits, else into a malloc'd *HEAP.  A short
 * read is the end: a regular file is read whole, and a FIFO, opened without
 * blocking, reads as empty; one read saves a system call per device.
 */
static int read_config(int fd, char *buf, size_t size, char **heap, size_t *len)
{
	ssize_t n = read_retry(fd, buf, size - 1);

	*heap = NULL;
	if (n < 0)
		return -errno;
	if ((size_t)n < size - 1) {
		buf[n] = '\0';
		*len = (size_t)n;
		return 0;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return read_all_fd(fd, CONFIG_MAX_SIZE, heap, len);
}

#define CONFIG_OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK)

/* Whether BASE/PARENT is a symbolic link. */
static bool parent_is_link(const struct rootfs *rfs, const char *base, const char *parent)
{
	int fd = rfs_openf(rfs, O_PATH | O_NOFOLLOW, "%s/%s", base, parent);
	struct stat st;
	bool link = fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);

	if (fd >= 0)
		close(fd);
	return link;
}

/*
 * Opens the directory BASE/PARENT, never through a symbolic link (-ELOOP):
 * one that define wrote through while list and undefine ignored it would hide
 * a definition, so no command follows one.
 */
static int open_base_parent(const struct rootfs *rfs, const char *base, const char *parent,
			    int flags)
{
	int fd = rfs_openf(rfs, flags | O_DIRECTORY | O_NOFOLLOW, "%s/%s", base, parent);

	return fd == -ENOTDIR && parent_is_link(rfs, base, parent) ? -ELOOP : fd;
}

static int open_parent(const struct rootfs *rfs, const char *parent, int flags)
{
	return open_base_parent(rfs, CONFIG_DIR, parent, flags);
}

static const char *parent_strerror(int code)
{
	return code == ELOOP ? "a symbolic link, never followed" : strerror(code);
}

/* Reads and parses PARENT/UUID from FD, the result of opening it. */
static int load_opened(int fd, const char *parent, const char *uuid, struct mdev_config *cfg,
		       struct mdev_error *err)
{
	char why[512], buf[4096], *heap;
	size_t len;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (fd == -ENOENT || fd == -ENOTDIR)
		return -ENOENT;
	if (fd < 0)
		return mdev_errorf(err, -fd, "unreadable config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, fd == -ELOOP ? "it is a symbolic link" : strerror(-fd));
	r = read_config(fd, buf, sizeof(buf), &heap, &len);
	close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "unreadable config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, strerror(-r));
	r = config_parse(heap ? heap : buf, len, cfg, why, sizeof(why));
	free(heap);
	if (r < 0)
		return mdev_errorf(err, EINVAL, "invalid config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, why);
	return 0;
}

int store_load(const struct rootfs *rfs, const char *parent, const char *uuid,
	       struct mdev_config *cfg, struct mdev_error *err)
{
	int dfd = open_parent(rfs, parent, O_PATH), fd;

	if (dfd == -ELOOP) { /* -ENOTDIR: the directory, not the file, is a link */
		memset(cfg, 0, sizeof(*cfg));
		return mdev_errorf(err, ENOTDIR,
				   "/" CONFIG_DIR "/%s is a symbolic link, never followed", parent);
	}
	fd = dfd < 0 ? dfd : openat(dfd, uuid, CONFIG_OPEN_FLAGS | O_CLOEXEC);
	if (dfd >= 0) {
		fd = fd < 0 ? -errno : fd;
		close(dfd);
	}
	return load_opened(fd, parent, uuid, cfg, err);
}

/* Definitions are named by UUID, vGPU ones by VF index (vgpu_store.h). */
static bool def_name(const char *name)
{
	size_t n = strspn(name, "0123456789");

	return uuid_is_canonical(name) || (n && !name[n] && (name[0] != '0' || n == 1));
}

/*
 * Temporary files of definitions that a killed writer left: every writer
 * holds the store lock, so none is being written now.
 */
static void remove_temps(const struct rootfs *rfs, int dfd)
{
	int sfd = rfs_open(rfs, STAGE_DIR, O_RDONLY | O_DIRECTORY, 0);

	rfs_remove_temps(dfd, def_name);
	if (sfd >= 0) {
		rfs_remove_temps(sfd, def_name);
		close(sfd);
	}
}

/* Replaces BASE/PARENT/UUID with LEN bytes of TEXT. */
static int write_config(const struct rootfs *rfs, const char *base, const char *parent,
			const char *uuid, const char *text, size_t len, struct mdev_error *err)
{
	int dfd = open_base_parent(rfs, base, parent, O_RDONLY), sfd, r;

	if (dfd < 0)
		return mdev_errorf(err, -dfd, "cannot open /%s/%s: %s", base, parent,
				   parent_strerror(-dfd));
	remove_temps(rfs, dfd);
	/*
	 * Staged in CONFIG_DIR's parent, which no watcher of the store (libvirt)
	 * hears of: the parent's directory sees one rename per change.
	 */
	sfd = rfs_open(rfs, STAGE_DIR, O_RDONLY | O_DIRECTORY, 0);
	r = rfs_replace_at(dfd, uuid, sfd < 0 ? dfd : sfd, text, len, 0644);
	close(dfd);
	if (sfd >= 0)
		close(sfd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot write config /%s/%s/%s: %s", base, parent, uuid,
				   strerror(-r));
	return 0;
}

int store_save(const struct rootfs *rfs, const char *parent, const char *uuid,
	       const struct mdev_config *cfg, struct mdev_error *err)
{
	char path[PATH_MAX];
	json_t *root;
	char *text;
	int r;

	/* dot names are the store's temporary files, and scripts.d is not a parent */
	if (!rfs_valid_name(parent) || parent[0] == '.' || strcmp(parent, "scripts.d") == 0)
		return mdev_errorf(err, EINVAL, "invalid parent name '%s'", parent);
	rfs_path(path, sizeof(path), CONFIG_DIR "/%s", parent);
	r = rfs_mkdirs(rfs, path);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create /%s: %s", path, strerror(-r));
	root = config_to_json(cfg);
	text = json_dump_text(root);
	json_decref(root);
	r = write_config(rfs, CONFIG_DIR, parent, uuid, text, strlen(text), err);
	free(text);
	return r;
}

int store_delete(const struct rootfs *rfs, const char *parent, const char *uuid,
		 struct mdev_error *err)
{
	return store_delete_raw(rfs, CONFIG_DIR, parent, uuid, err);
}

int store_delete_raw(const struct rootfs *rfs, const char *base, const char *parent,
		     const char *uuid, struct mdev_error *err)
{
	int dfd, r = 0;

	dfd = open_base_parent(rfs, base, parent, O_RDONLY);
	if (dfd < 0)
		return mdev_errorf(err, -dfd, "cannot open /%s/%s: %s", base, parent,
				   parent_strerror(-dfd));
	remove_temps(rfs, dfd);
	if (unlinkat(dfd, uuid, 0) < 0)
		r = -errno;
	else if (fsync(dfd) < 0)
		r = -errno;
	close(dfd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot remove config /%s/%s/%s: %s", base, parent,
				   uuid, strerror(-r));
	return 0;
}

int store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err)
{
	struct strv all = { 0 }, files = { 0 };
	int r = rfs_scandir(rfs, CONFIG_DIR, SCAN_DIRS, &all, &files);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /" CONFIG_DIR ": %s", strerror(-r));
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i], "scripts.d") != 0)
			strv_push(out, all.v[i]);
	for (size_t i = 0; i < files.n; i++)
		warnf("ignoring /" CONFIG_DIR "/%s: %s", files.v[i],
		      parent_is_link(rfs, CONFIG_DIR, files.v[i])
			      ? "a symbolic link, never followed"
			      : "not a directory of definitions");
	strv_free(&all);
	strv_free(&files);
	return 0;
}

int store_dir_open(const struct rootfs *rfs, const char *parent, struct store_dir *d,
		   struct mdev_error *err)
{
	*d = (struct store_dir){ .fd = -1, .parent = parent };
	if (rfs_path(d->path, sizeof(d->path), CONFIG_DIR "/%s", parent) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "parent name too long: %s", parent);
	d->fd = open_parent(rfs, parent, O_RDONLY);
	if (d->fd == -ELOOP)
		warnf("ignoring /%s: a symbolic link, never followed", d->path);
	if (d->fd == -ENOENT || d->fd == -ENOTDIR || d->fd == -ELOOP) {
		d->fd = -1;
		return 0;
	}
	if (d->fd < 0)
		return mdev_errorf(err, -d->fd, "cannot open /%s: %s", d->path, strerror(-d->fd));
	return 0;
}

int store_dir_list(struct store_dir *d, struct mdev_error *err)
{
	struct strv all = { 0 };
	int r = d->fd < 0 ? 0 : rfs_scandir_fd(d->fd, 0, &all, NULL);

	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /%s: %s", d->path, strerror(-r));
	for (size_t i = 0; i < all.n; i++) {
		if (uuid_is_canonical(all.v[i]))
			strv_push(&d->uuids, all.v[i]);
		else
			warnf("ignoring /%s/%s: file name is not a UUID", d->path, all.v[i]);
	}
	strv_free(&all);
	return 0;
}

int store_dir_load(const struct rootfs *rfs, const struct store_dir *d, const char *uuid,
		   struct mdev_config *cfg, struct mdev_error *err)
{
	int fd = d->fd < 0 ? -ENOENT : rfs_open_below(rfs, d->fd, d->path, uuid, CONFIG_OPEN_FLAGS);

	return load_opened(fd, d->parent, uuid, cfg, err);
}

void store_dir_close(struct store_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	strv_free(&d->uuids);
}

int store_lock(const struct rootfs *rfs, struct mdev_error *err)
{
	int fd, r;

	r = rfs_mkdirs(rfs, "run/lock");
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create /run/lock: %s", strerror(-r));
	fd = rfs_open(rfs, LOCK_PATH, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0)
		return mdev_errorf(err, -fd, "cannot open lock /" LOCK_PATH ": %s", strerror(-fd));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = errno;
			close(fd);
			return mdev_errorf(err, r, "cannot lock /" LOCK_PATH ": %s", strerror(r));
		}
	}
	return fd;
}

void store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int store_find(const struct rootfs *rfs, const char *uuid, const char *only_parent,
	       struct strv *parents, struct mdev_error *err)
{
	struct strv all = { 0 };
	int r = 0;

	if (only_parent)
		strv_push(&all, only_parent);
	else
		r = store_parents(rfs, &all, err);
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		int dfd = open_parent(rfs, all.v[i], O_PATH);
		struct stat st;

		if (dfd == -ELOOP)
			r = mdev_errorf(err, ELOOP, "cannot look in /" CONFIG_DIR "/%s: %s",
					all.v[i], parent_strerror(ELOOP));
		if (dfd >= 0 && fstatat(dfd, uuid, &st, AT_SYMLINK_NOFOLLOW) == 0)
			strv_push(parents, all.v[i]);
		if (dfd >= 0)
			close(dfd);
	}
	strv_free(&all);
	return r;
}

int store_load_raw(const struct rootfs *rfs, const char *base, const char *parent, const char *name,
		   char **data, size_t *len, struct mdev_error *err)
{
	int dfd = open_base_parent(rfs, base, parent, O_PATH), fd, r;

	if (dfd == -ELOOP)
		return mdev_errorf(err, ELOOP, "cannot open /%s/%s: %s", base, parent,
				   parent_strerror(ELOOP));
	fd = dfd < 0 ? dfd : openat(dfd, name, CONFIG_OPEN_FLAGS | O_CLOEXEC);
	if (dfd >= 0) {
		fd = fd < 0 ? -errno : fd;
		close(dfd);
	}
	if (fd < 0)
		return mdev_errorf(err, -fd, "cannot read /%s/%s/%s: %s", base, parent, name,
				   parent_strerror(-fd));
	r = read_all_fd(fd, CONFIG_MAX_SIZE, data, len);
	close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read /%s/%s/%s: %s", base, parent, name,
				   strerror(-r));
	return 0;
}

int store_save_raw(const struct rootfs *rfs, const char *base, const char *parent, const char *name,
		   const char *data, size_t len, struct mdev_error *err)
{
	return write_config(rfs, base, parent, name, data, len, err);
}

void store_dir_remove(const struct rootfs *rfs, const char *base, const char *parent)
{
	int dfd = rfs_open(rfs, base, O_RDONLY | O_DIRECTORY, 0);

	if (dfd < 0)
		return;
	if (rfs_valid_name(parent) && unlinkat(dfd, parent, AT_REMOVEDIR) == 0)
		fsync(dfd);
	close(dfd);
}
