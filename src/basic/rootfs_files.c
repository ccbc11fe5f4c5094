// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whole files and directories: atomic replacement, reading a file whole, sorted listings. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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

/* A name for a temporary file of NAME: hidden, and unique beyond the PID. */
static int temp_name(char *buf, size_t size, const char *name)
{
	unsigned char rnd[8];
	char hex[2 * sizeof(rnd) + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	return rfs_path(buf, size, ".%s" RFS_TEMP_MARK "%s", name, hex);
}

/* Writes DATA to FD and makes it durable. */
static int write_synced(int fd, const char *data, size_t len)
{
	int r = write_full(fd, data, len);

	return r == 0 && fsync(fd) < 0 ? -errno : r;
}

/*
 * Gives the anonymous file FD the name NAME in DIRFD.  Through /proc, as
 * linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH.
 */
static int link_anonymous(int fd, int dirfd, const char *name)
{
	char proc[32];

	rfs_path(proc, sizeof(proc), "/proc/self/fd/%lu", (unsigned long)fd);
	if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	return linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0 ? 0 : -errno;
}

/* Writes a new file TMP in DIRFD holding DATA. */
static int write_named(int dirfd, const char *tmp, const char *data, size_t len, mode_t mode)
{
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int r;

	if (fd < 0)
		return -errno;
	r = write_synced(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}

/*
 * Makes a file holding DATA under a fresh temporary name TMP in STAGEFD: an
 * anonymous file (O_TMPFILE) linked in when whole, so that a crash while
 * writing leaves nothing; a named one where the filesystem has no O_TMPFILE
 * or the file cannot be linked (no /proc).
 */
static int stage(int stagefd, char tmp[static NAME_MAX + 1], const char *name, const char *data,
		 size_t len, mode_t mode)
{
	int anon = openat(stagefd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	int r = anon < 0 ? -EEXIST : write_synced(anon, data, len);

	for (int tries = 0; r == -EEXIST || (r == 0 && tries == 0); tries++) {
		r = tries < 16 ? temp_name(tmp, NAME_MAX + 1, name) : -EEXIST;
		if (r < 0)
			break;
		if (anon >= 0) {
			r = link_anonymous(anon, stagefd, tmp);
			if (r == 0 || r == -EEXIST)
				continue;
			close(anon);
			anon = -1;
		}
		r = write_named(stagefd, tmp, data, len, mode);
	}
	if (anon >= 0)
		close(anon);
	return r;
}

int rfs_replace_at(int dirfd, const char *name, int stagefd, const char *data, size_t len,
		   mode_t mode)
{
	char tmp[NAME_MAX + 1];
	int r = stage(stagefd, tmp, name, data, len, mode);

	if (r == 0 && renameat(stagefd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(stagefd, tmp, 0);
		if (r != -EXDEV)
			return r;
	}
	/* STAGEFD is read-only, full or on another filesystem: stage beside NAME */
	if (r < 0 && stagefd != dirfd)
		return rfs_replace_at(dirfd, name, dirfd, data, len, mode);
	return r < 0 ? r : fsync(dirfd) < 0 ? -errno : 0;
}

void rfs_dir_init(struct rfs_dir *d, int fd)
{
	d->fd = fd;
	d->at = d->len = 0;
}

int rfs_dir_next(struct rfs_dir *d, const char **name, unsigned char *type)
{
	for (;;) {
		const struct dirent64 *de;

		if (d->at == d->len) {
			ssize_t n = getdents64(d->fd, d->buf, sizeof(d->buf));

			if (n <= 0)
				return n < 0 ? -errno : 0;
			d->at = 0;
			d->len = (size_t)n;
		}
		de = (const struct dirent64 *)(d->buf + d->at);
		d->at += de->d_reclen;
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		*name = de->d_name;
		*type = de->d_type;
		return 1;
	}
}

void rfs_remove_temps(int dirfd, bool (*ours)(const char *name))
{
	struct rfs_dir d;
	const char *name;
	unsigned char type;

	rfs_dir_init(&d, dirfd);
	while (rfs_dir_next(&d, &name, &type) > 0) {
		char base[NAME_MAX + 1];
		const char *mark = name[0] == '.' ? strstr(name, RFS_TEMP_MARK) : NULL;
		size_t n = mark ? (size_t)(mark - name) - 1 : 0;

		/* .NAME.tmp.SUFFIX, SUFFIX in hex: random now, a PID before */
		if (!mark || !n || !mark[sizeof(RFS_TEMP_MARK) - 1] ||
		    strspn(mark + sizeof(RFS_TEMP_MARK) - 1, "0123456789abcdef") !=
			    strlen(mark + sizeof(RFS_TEMP_MARK) - 1))
			continue;
		memcpy(base, name + 1, n);
		base[n] = '\0';
		if (ours(base))
			unlinkat(dirfd, name, 0);
	}
}

ssize_t read_retry(int fd, void *buf, size_t size)
{
	ssize_t n;

	do {
		n = read(fd, buf, size);
	} while (n < 0 && errno == EINTR);
	return n;
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
static bool entry_is_dir(int dfd, const char *name, unsigned char type, int flags)
{
	struct stat st;

	if (type == DT_DIR)
		return true;
	if (type != DT_UNKNOWN && !(type == DT_LNK && (flags & SCAN_FOLLOW)))
		return false;
	return fstatat(dfd, name, &st, (flags & SCAN_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

int rfs_scandir_fd(int fd, int flags, struct strv *out, struct strv *others)
{
	struct rfs_dir d;
	const char *name;
	unsigned char type;
	int r;

	rfs_dir_init(&d, fd);
	while ((r = rfs_dir_next(&d, &name, &type)) > 0) {
		if (name[0] == '.')
			continue;
		if (entry_is_dir(fd, name, type, flags) == !!(flags & SCAN_DIRS))
			strv_push(out, name);
		else if (others)
			strv_push(others, name);
	}
	strv_sort(out);
	if (others)
		strv_sort(others);
	return r;
}
