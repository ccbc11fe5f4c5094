/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rooted filesystem access: every path is resolved inside one root directory. */
#ifndef MDEVADM_ROOTFS_H
#define MDEVADM_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "basic/path_format.h"

/*
 * All paths given to these functions are relative to the root ("/" or the
 * --root tree).  Resolution never leaves the root: ".." and absolute symlinks
 * are clamped to it, so a hostile fake tree cannot redirect a read or write.
 * Functions return 0 (or a count) on success and a negative errno on failure.
 */
struct rootfs {
	int fd;
	char *path;
	bool host; /* the root is the real "/": nothing lies outside it, and libudev sees it */
};

int rootfs_open(struct rootfs *rfs, const char *dir);
void rootfs_close(struct rootfs *rfs);

/* True when NAME is one non-empty path component other than "." and "..". */
bool rfs_valid_name(const char *name);

int rfs_open(const struct rootfs *rfs, const char *path, int flags, mode_t mode);
/*
 * Opens REL below DIRFD, the directory DIRPATH of the root: cheaper than a
 * walk from the root, and resolved from the root all the same when a link
 * leads out of DIRPATH.
 */
int rfs_open_below(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *rel,
		   int flags);
__attribute__((format(printf, 3, 4))) int rfs_openf(const struct rootfs *rfs, int flags,
						    const char *fmt, ...);

/*
 * Reads a small attribute file into BUF (NUL-terminated, trailing newline
 * removed).  Returns its length.  Attributes, read or written, are regular
 * files: anything else is refused with -EBADFD, without blocking.
 */
int rfs_read(const struct rootfs *rfs, const char *path, char *buf, size_t size);
/* Like rfs_read for NAME inside the open directory DIRFD (one component). */
int rfs_read_at(int dirfd, const char *name, char *buf, size_t size);
/* The bytes of NAME in DIRFD as they are, up to SIZE: how many. */
int rfs_read_raw_at(int dirfd, const char *name, char *buf, size_t size);
/* All of the attribute PATH into a malloc'd *OUT, as read_all_fd. */
int rfs_read_all(const struct rootfs *rfs, const char *path, size_t max, char **out, size_t *len);

/*
 * Whether the formatted root-relative path exists; FLAGS add to O_PATH, e.g.
 * O_NOFOLLOW (a dangling symlink counts) or O_DIRECTORY.
 */
__attribute__((format(printf, 3, 4))) bool rfs_existsf(const struct rootfs *rfs, int flags,
						       const char *fmt, ...);

/* Reads the target of the symlink at PATH (NUL-terminated). */
int rfs_readlink(const struct rootfs *rfs, const char *path, char *buf, size_t size);
/*
 * The same for REL inside DIRFD, the directory DIRPATH of the root: on the
 * host root one readlinkat(2) that may follow links on the way, elsewhere
 * its directory opened below DIRFD (as rfs_open_below does), inside the root.
 */
int rfs_readlink_at(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *rel,
		    char *buf, size_t size);

/*
 * Writes VALUE to an existing attribute file in one write(2), as sysfs wants.
 * In a fake tree successive writes accumulate, so tests see every command
 * sent to a write-only file such as create or remove.
 */
int rfs_write(const struct rootfs *rfs, const char *path, const char *value);
/*
 * The same with O_TRUNC, as echo(1) does: sysfs ignores the truncation, and a
 * readable attribute of a fake tree then holds the value the kernel was sent.
 */
int rfs_write_replace(const struct rootfs *rfs, const char *path, const char *value);

/* Last component of a link target or path. */
const char *rfs_basename(const char *path);

/* Creates PATH and missing parents inside the root (mode 0755). */
int rfs_mkdirs(const struct rootfs *rfs, const char *path);

/*
 * Replaces the file NAME in directory DIRFD with DATA atomically and durably
 * (the file and the directory are synced).  The file is made in STAGEFD, a
 * directory on the same filesystem, and renamed to NAME when whole: with
 * STAGEFD a directory nobody watches, a watcher of DIRFD sees one event (a
 * rename) per change, and none of the writing.  It is made anonymous
 * (O_TMPFILE) and named .NAME.tmp.RANDOM only for the rename, which is what
 * a crash can leave behind; without O_TMPFILE it is named from the start.
 */
int rfs_replace_at(int dirfd, const char *name, int stagefd, const char *data, size_t len,
		   mode_t mode);
#define RFS_TEMP_MARK ".tmp."
/*
 * Removes the temporary files rfs_replace_at left in DIRFD when it was
 * killed, those of the names OURS accepts.  Only for callers that exclude
 * every other writer of DIRFD.
 */
void rfs_remove_temps(int dirfd, bool (*ours)(const char *name));

/*
 * A directory read with getdents64(2) on the caller's descriptor, from where its offset is.
 * opendir() would first duplicate the descriptor and check it (five more system calls), which
 * is most of what reading a small sysfs directory costs: `apply` reads thousands.
 */
struct rfs_dir {
	int fd;
	size_t at, len;
	char buf[32768] __attribute__((aligned(8)));
};

void rfs_dir_init(struct rfs_dir *d, int fd);
/*
 * The next entry other than "." and "..", and its type (DT_*, DT_UNKNOWN when the filesystem
 * does not say): 1, 0 at the end, or -errno.
 */
int rfs_dir_next(struct rfs_dir *d, const char **name, unsigned char *type);

struct strv;

#define SCAN_DIRS 1   /* want directories, else everything else */
#define SCAN_FOLLOW 2 /* a symlink to a directory counts as one (sysfs) */

/*
 * The entry names of directory PATH, sorted, dot names left out: directories
 * or the rest, as FLAGS say, in OUT; the others in OTHERS when not NULL.
 */
int rfs_scandir(const struct rootfs *rfs, const char *path, int flags, struct strv *out,
		struct strv *others);
/* The same for the open directory FD. */
int rfs_scandir_fd(int fd, int flags, struct strv *out, struct strv *others);

/* read(2), again when a signal interrupts it. */
ssize_t read_retry(int fd, void *buf, size_t size);

/*
 * Reads all of FD (a file, pipe or /dev/stdin) into a malloc'd buffer;
 * -EFBIG past MAX bytes.
 */
int read_all_fd(int fd, size_t max, char **out, size_t *len);

#endif
