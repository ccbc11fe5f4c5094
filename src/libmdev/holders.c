// SPDX-License-Identifier: LGPL-2.1-or-later
/* The holders of VFIO nodes, from proc/PID/fd: what a VM's process has open is what it uses. */
#include "libmdev/holders.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/util.h"
#include "libmdev/iommu.h"

/* Longer command lines are cut: the start names the program and the VM. */
#define CMDLINE_MAX 4096

static const char *held_node(int fddir, const char *fd, const struct strv *nodes)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(fddir, fd, target, sizeof(target) - 1);

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	for (size_t i = 0; i < nodes->n; i++)
		if (strcmp(target, nodes->v[i]) == 0)
			return nodes->v[i];
	return NULL;
}

/* The NUL-separated arguments of proc/PID/cmdline, joined by blanks; comm for kernel threads. */
static char *read_cmdline(int piddir)
{
	char buf[CMDLINE_MAX];
	int n = rfs_read_raw_at(piddir, "cmdline", buf, sizeof(buf) - 1);

	if (n <= 0) {
		n = rfs_read_at(piddir, "comm", buf, sizeof(buf));
		return xstrdup(n > 0 ? buf : "?");
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (int i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return xstrdup(buf);
}

static void add_holder(struct holder_list *l, pid_t pid, int piddir, const char *node)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct holder){ pid, read_cmdline(piddir), xstrdup(node) };
}

/* Looks through one process's descriptors; the first of NODES it holds counts. */
static void scan_process(int procfd, const char *name, const struct strv *nodes,
			 struct holder_list *out)
{
	unsigned long pid;
	struct dirent *de;
	int piddir, fddir;
	DIR *d;

	if (!parse_ulong(name, &pid) || pid == 0 || pid > INT_MAX)
		return;
	piddir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (piddir < 0)
		return; /* it ended */
	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fddir < 0 ? NULL : fdopendir(fddir);
	if (!d) {
		if (errno == EACCES || errno == EPERM)
			out->unreadable++;
		if (fddir >= 0)
			close(fddir);
		close(piddir);
		return;
	}
	while ((de = readdir(d))) {
		const char *node =
			de->d_name[0] != '.' ? held_node(fddir, de->d_name, nodes) : NULL;

		if (node) {
			add_holder(out, (pid_t)pid, piddir, node);
			break;
		}
	}
	closedir(d);
	close(piddir);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = ((const struct holder *)a)->pid, y = ((const struct holder *)b)->pid;

	return x < y ? -1 : x > y;
}

int holders_find(const struct rootfs *rfs, const struct strv *nodes, struct holder_list *out,
		 struct mdev_error *err)
{
	struct dirent *de;
	int procfd;
	DIR *d;

	memset(out, 0, sizeof(*out));
	if (!nodes->n)
		return 0;
	procfd = rfs_open(rfs, "proc", O_RDONLY | O_DIRECTORY, 0);
	if (procfd == -ENOENT)
		return 0; /* a fake tree without processes: nobody holds anything */
	d = procfd < 0 ? NULL : fdopendir(procfd);
	if (!d) {
		int e = procfd < 0 ? -procfd : errno;

		if (procfd >= 0)
			close(procfd);
		return mdev_errorf(err, e, "cannot list processes in /proc: %s", strerror(e));
	}
	while ((de = readdir(d)))
		scan_process(procfd, de->d_name, nodes, out);
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_pid);
	return 0;
}

void holder_list_free(struct holder_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].cmdline);
		free(l->v[i].node);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void holders_describe(const struct holder_list *l, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%ld (%.200s)", i ? ", " : "",
					(long)l->v[i].pid, l->v[i].cmdline);
	if (len >= size && size > 4)
		strcpy(buf + size - 4, "...");
}

int holders_check(const struct rootfs *rfs, const char *dev, struct mdev_error *err)
{
	struct holder_list held;
	struct strv nodes = { 0 };
	char who[512];
	int r;

	vfio_nodes_of(rfs, dev, &nodes);
	r = holders_find(rfs, &nodes, &held, err);
	strv_free(&nodes);
	if (r < 0)
		return r;
	if (held.n) {
		holders_describe(&held, who, sizeof(who));
		r = mdev_errorf(err, EBUSY, "in use by %s", who);
	}
	holder_list_free(&held);
	return r;
}
