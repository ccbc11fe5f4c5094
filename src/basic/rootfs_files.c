// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole files and directories: atomic replacement, reading a file whole, sorted listings. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/rootfs.h"
#include "basic/util.h"

static int write_full(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int rfs_replace_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	int fd, r;

	if (rfs_path(tmp, sizeof(tmp), ".%s.tmp.%lu", name, (unsigned long)getpid()) < 0)
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	r = write_full(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}

int read_all_fd(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read_retry(fd, buf + n, cap - n);
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Whether the entry is a directory; links are followed only with SCAN_FOLLOW. */
static bool entry_is_dir(int dfd, const struct dirent *de, int flags)
{
	struct stat st;

	if (de->d_type == DT_DIR)
		return true;
	if (de->d_type != DT_UNKNOWN && !(de->d_type == DT_LNK && (flags & SCAN_FOLLOW)))
		return false;
	return fstatat(dfd, de->d_name, &st, (flags & SCAN_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW) ==
		       0 &&
	       S_ISDIR(st.st_mode);
}

int rfs_scandir_fd(int fd, int flags, struct strv *out, struct strv *others)
{
	struct dirent *de;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = own < 0 ? NULL : fdopendir(own);

	if (!d) {
		int e = errno;

		if (own >= 0)
			close(own);
		return -e;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (entry_is_dir(fd, de, flags) == !!(flags & SCAN_DIRS))
			strv_push(out, de->d_name);
		else if (others)
			strv_push(others, de->d_name);
	}
	closedir(d);
	strv_sort(out);
	if (others)
		strv_sort(others);
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
