// SPDX-License-Identifier: LGPL-2.1-or-later
/* Rooted filesystem access built on openat2(RESOLVE_IN_ROOT). */
#include "basic/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/util.h"

/* Kernels before 5.6 lack openat2; there we fall back to a lexical check. */
static bool have_openat2 = true;

int rootfs_open(struct rootfs *rfs, const char *dir)
{
	struct stat st, slash;

	rfs->fd = open(dir && *dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfs->fd < 0)
		return -errno;
	rfs->host = fstat(rfs->fd, &st) == 0 && stat("/", &slash) == 0 &&
		    st.st_dev == slash.st_dev && st.st_ino == slash.st_ino;
	rfs->path = strdup(dir && *dir ? dir : "/");
	if (!rfs->path) {
		close(rfs->fd);
		return -ENOMEM;
	}
	return 0;
}

void rootfs_close(struct rootfs *rfs)
{
	if (rfs->fd >= 0)
		close(rfs->fd);
	free(rfs->path);
	rfs->fd = -1;
	rfs->path = NULL;
}

bool rfs_valid_name(const char *name)
{
	size_t len;

	if (!name || (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))))
		return false;
	len = strlen(name);
	return len && len <= NAME_MAX && !memchr(name, '/', len);
}

/* The fallback refuses ".." components outright; sysfs links are followed. */
static bool lexically_inside(const char *path)
{
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	return true;
}

/*
 * openat2(2): a descriptor, or -errno.  -ENOSYS (a kernel before 5.6) also
 * turns openat2 off for the rest of the run: the callers fall back.
 */
static int openat2_retry(int dirfd, const char *path, const struct open_how *how)
{
	int fd;

	/* EAGAIN: a rename anywhere raced the ".." checks of RESOLVE_IN_ROOT or _BENEATH */
	do {
		fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
	} while (fd < 0 && errno == EAGAIN);
	if (fd < 0 && errno == ENOSYS)
		have_openat2 = false;
	return fd < 0 ? -errno : fd;
}

int rfs_open(const struct rootfs *rfs, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	if (have_openat2) {
		fd = openat2_retry(rfs->fd, path, &how);
		if (fd != -ENOSYS)
			return fd;
	}
	if (!lexically_inside(path))
		return -EXDEV;
	fd = openat(rfs->fd, path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

int rfs_open_below(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *rel,
		   int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char path[PATH_MAX];
	int fd;

	if (!rfs->host && have_openat2) {
		fd = openat2_retry(dirfd, rel, &how);
		if (fd != -ENOSYS && fd != -EXDEV)
			return fd;
	}
	/* the host root has no outside, and the fallback follows links as rfs_open's does */
	if (rfs->host || (!have_openat2 && lexically_inside(rel))) {
		fd = openat(dirfd, rel, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	/* a link out of DIRPATH: resolve the whole path from the root */
	if (rfs_path(path, sizeof(path), "%s/%s", dirpath, rel) < 0)
		return -ENAMETOOLONG;
	return rfs_open(rfs, path, flags, 0);
}

int rfs_openf(const struct rootfs *rfs, int flags, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rfs_vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return r < 0 ? r : rfs_open(rfs, path, flags, 0);
}

bool rfs_existsf(const struct rootfs *rfs, int flags, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r, fd;

	va_start(ap, fmt);
	r = rfs_vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return false;
	fd = rfs_open(rfs, path, O_PATH | flags, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * FD, or -EBADFD when it is not a regular file: sysfs attributes are regular
 * files, and a FIFO or a device where one should be (a hostile or broken
 * tree) must be refused, not read or written.  Opening with O_NONBLOCK has
 * already kept a FIFO's open from blocking.
 */
static int regular_or_close(int fd)
{
	struct stat st;

	if (fd < 0)
		return fd == -ENXIO ? -EBADFD : fd; /* ENXIO: a FIFO without a reader */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return fd;
	close(fd);
	return -EBADFD;
}

#define ATTR_FLAGS (O_NOFOLLOW | O_NONBLOCK)

static int open_attr_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | ATTR_FLAGS | O_CLOEXEC);

	return regular_or_close(fd < 0 ? -errno : fd);
}

static int read_fd_small(int fd, char *buf, size_t size)
{
	ssize_t n = read_retry(fd, buf, size - 1);

	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (memchr(buf, '\0', (size_t)n))
		return -EILSEQ;
	return (int)n;
}

int rfs_read(const struct rootfs *rfs, const char *path, char *buf, size_t size)
{
	int fd = regular_or_close(rfs_open(rfs, path, O_RDONLY | ATTR_FLAGS, 0));

	return fd < 0 ? fd : read_fd_small(fd, buf, size);
}

int rfs_read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = open_attr_at(dirfd, name);

	return fd < 0 ? fd : read_fd_small(fd, buf, size);
}

int rfs_read_raw_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = open_attr_at(dirfd, name);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read_retry(fd, buf, size);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

int rfs_read_all(const struct rootfs *rfs, const char *path, size_t max, char **out, size_t *len)
{
	int fd = regular_or_close(rfs_open(rfs, path, O_RDONLY | ATTR_FLAGS, 0));
	int r;

	if (fd < 0)
		return fd;
	r = read_all_fd(fd, max, out, len);
	close(fd);
	return r;
}

/* Opens the directory holding PATH's last component and returns that name. */
static int open_dir_of(const struct rootfs *rfs, const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		int fd = fcntl(rfs->fd, F_DUPFD_CLOEXEC, 0);

		*base = path;
		return fd < 0 ? -errno : fd;
	}
	len = (size_t)(slash - path);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len);
	dir[len] = '\0';
	*base = slash + 1;
	return rfs_open(rfs, dir, O_PATH | O_DIRECTORY, 0);
}

/* readlinkat(2), NUL-terminated: the length, or -errno. */
static int readlink_in(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int rfs_readlink(const struct rootfs *rfs, const char *path, char *buf, size_t size)
{
	const char *base;
	int dfd = open_dir_of(rfs, path, &base);
	int r;

	if (dfd < 0)
		return dfd;
	r = readlink_in(dfd, base, buf, size);
	close(dfd);
	return r;
}

int rfs_readlink_at(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *rel,
		    char *buf, size_t size)
{
	const char *base = strrchr(rel, '/');
	char dir[PATH_MAX];
	int fd, r;

	if (rfs->host || !base)
		return readlink_in(dirfd, rel, buf, size);
	/* the link's directory below DIRFD: two components to resolve, not the whole path */
	if ((size_t)(base - rel) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, (size_t)(base - rel));
	dir[base - rel] = '\0';
	fd = rfs_open_below(rfs, dirfd, dirpath, dir, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	r = readlink_in(fd, base + 1, buf, size);
	close(fd);
	return r;
}

static int write_value(const struct rootfs *rfs, const char *path, const char *value, int flags)
{
	size_t len = strlen(value);
	int fd = regular_or_close(rfs_open(rfs, path, O_WRONLY | ATTR_FLAGS | flags, 0));
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return fd;
	do {
		n = write(fd, value, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

int rfs_write(const struct rootfs *rfs, const char *path, const char *value)
{
	return write_value(rfs, path, value, 0);
}

int rfs_write_replace(const struct rootfs *rfs, const char *path, const char *value)
{
	return write_value(rfs, path, value, O_TRUNC);
}

const char *rfs_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int rfs_mkdirs(const struct rootfs *rfs, const char *path)
{
	char buf[PATH_MAX];
	char *p;
	int fd;

	if (rfs_path(buf, sizeof(buf), "%s", path) < 0)
		return -ENAMETOOLONG;
	for (p = buf;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (*buf) {
			fd = rfs_open(rfs, buf, O_PATH | O_DIRECTORY, 0);
			if (fd >= 0) {
				close(fd);
			} else {
				const char *base;
				int dfd = open_dir_of(rfs, buf, &base);
				int r;

				if (dfd < 0)
					return dfd;
				r = mkdirat(dfd, base, 0755) < 0 && errno != EEXIST ? -errno : 0;
				close(dfd);
				if (r < 0)
					return r;
			}
		}
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

int rfs_scandir(const struct rootfs *rfs, const char *path, int flags, struct strv *out,
		struct strv *others)
{
	int fd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY, 0);
	int r;

	if (fd < 0)
		return fd;
	r = rfs_scandir_fd(fd, flags, out, others);
	close(fd);
	return r;
}
