// SPDX-License-Identifier: LGPL-2.1-or-later
/* min-boot: least-work yardstick for `mdevctl start-parent-mdevs PARENT`. */
#include "min-common.h"
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: min-boot ROOT PARENT\n", stderr);
		return 2;
	}
	const char *parent = argv[2];
	int rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		min_die(argv[1]);
	char path[1024], buf[65536];
	snprintf(path, sizeof(path), "etc/mdevctl.d/%s", parent);
	int cfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return 0;
	snprintf(path, sizeof(path), "sys/class/mdev_bus/%s", parent);
	int pfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int busfd = openat(rootfd, "sys/bus/mdev/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(cfd);
	struct dirent *de;
	int failed = 0;
	while (d && (de = readdir(d))) {
		if (min_is_dot(de->d_name) || strlen(de->d_name) != 36)
			continue;
		ssize_t len = min_read_at(cfd, de->d_name, buf, sizeof(buf));
		if (len < 0)
			continue;
		struct min_cfg c;
		if (min_parse_config(buf, &c) < 0 || !c.autostart)
			continue;
		const char *type = c.type;
		struct stat st;
		if (busfd >= 0 && fstatat(busfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			fprintf(stderr, "%s: already active\n", de->d_name);
			failed = 1;
			continue;
		}
		snprintf(path, sizeof(path), "mdev_supported_types/%s/available_instances", type);
		len = pfd < 0 ? -1 : min_read_at(pfd, path, buf, sizeof(buf));
		if (len < 0 || atoi(buf) <= 0) {
			fprintf(stderr, "%s: no available instances of %s on %s\n", de->d_name,
				type, parent);
			failed = 1;
			continue;
		}
		snprintf(path, sizeof(path), "mdev_supported_types/%s/create", type);
		int fd = openat(pfd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, de->d_name, 36) != 36) {
			fprintf(stderr, "%s: create failed: %s\n", de->d_name, strerror(errno));
			failed = 1;
		}
		if (fd >= 0)
			close(fd);
		/* attributes go to the new device's directory, then a failure removes it again */
		for (size_t i = 0; i < c.nattr; i += 2) {
			const char *k = c.attr[i], *s = c.attr[i + 1];
			snprintf(path, sizeof(path), "%s/%s", de->d_name, k);
			int afd = openat(pfd, path, O_WRONLY | O_CLOEXEC);
			if (afd < 0 || write(afd, s, strlen(s)) < 0) {
				fprintf(stderr, "%s: attribute %s failed\n", de->d_name, k);
				snprintf(path, sizeof(path), "%s/remove", de->d_name);
				int rfd = openat(pfd, path, O_WRONLY | O_CLOEXEC);
				if (rfd >= 0) {
					(void)!write(rfd, "1", 1);
					close(rfd);
				}
				failed = 1;
				if (afd >= 0)
					close(afd);
				break;
			}
			close(afd);
		}
	}
	if (d)
		closedir(d);
	return failed;
}
