// SPDX-License-Identifier: LGPL-2.1-or-later
/* min-types: least-work yardstick for `mdevctl types`. */
#include "min-common.h"

static char **list_dir(int dirfd, size_t *count)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (min_is_dot(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = min_xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), min_strcmp_p);
	*count = n;
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: min-types ROOT\n", stderr);
		return 2;
	}
	int rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		min_die(argv[1]);
	int clsfd = openat(rootfd, "sys/class/mdev_bus", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (clsfd < 0)
		return 0;
	size_t np;
	char **parents = list_dir(clsfd, &np);
	char path[512], buf[4096];
	for (size_t i = 0; i < np; i++) {
		snprintf(path, sizeof(path), "%s/mdev_supported_types", parents[i]);
		int tfd = openat(clsfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tfd < 0)
			continue;
		size_t nt;
		char **types = list_dir(tfd, &nt);
		out_str(parents[i]);
		out_chr('\n');
		for (size_t k = 0; k < nt; k++) {
			int fd = openat(tfd, types[k], O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				continue;
			out_str("  ");
			out_str(types[k]);
			ssize_t len = min_read_at(fd, "available_instances", buf, sizeof(buf));
			out_str("\n    Available instances: ");
			if (len < 0)
				out_chr('0');
			else
				out_mem(buf, min_rstrip(buf, (size_t)len));
			len = min_read_at(fd, "device_api", buf, sizeof(buf));
			out_str("\n    Device API: ");
			if (len > 0)
				out_mem(buf, min_rstrip(buf, (size_t)len));
			out_chr('\n');
			len = min_read_at(fd, "name", buf, sizeof(buf));
			if (len > 0 && (len = (ssize_t)min_rstrip(buf, (size_t)len))) {
				out_str("    Name: ");
				out_mem(buf, (size_t)len);
				out_chr('\n');
			}
			len = min_read_at(fd, "description", buf, sizeof(buf));
			if (len > 0 && (len = (ssize_t)min_rstrip(buf, (size_t)len))) {
				out_str("    Description: ");
				char *s = buf, *nl;
				while ((nl = memchr(s, '\n', (size_t)(buf + len - s)))) {
					out_mem(s, (size_t)(nl - s));
					out_str(", ");
					s = nl + 1;
				}
				out_mem(s, (size_t)(buf + len - s));
				out_chr('\n');
			}
			close(fd);
			free(types[k]);
		}
		free(types);
		close(tfd);
		free(parents[i]);
	}
	free(parents);
	return out_flush() ? 1 : 0;
}
