/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fake kernel's shared parts: the tree it plays on, and file helpers relative to it. */
#ifndef FAKEKERNEL_H
#define FAKEKERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

extern const char *root; /* real path of ROOT */
extern int rootfd;

void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formats into buf; returns buf, or NULL (and logs) when it does not fit. */
char *fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
const char *base_name(const char *p);
char *dir_name(char *buf, size_t size, const char *p);
/* Relative path from directory `from` to `to`, both relative to the root, as the kernel makes it.
 */
char *rel_path(char *buf, size_t size, const char *from, const char *to);
bool exists(const char *rel);
int mkdir_p(const char *rel);
int write_file(const char *rel, const char *content);
/* Replaces rel atomically (temp file in the same directory, then rename). */
int replace_file(const char *rel, const char *content);
/* Reads at most size-1 bytes of rel into buf; returns the length or -errno. */
ssize_t read_file(const char *rel, char *buf, size_t size);
/* Symlink at link_rel pointing (relatively) to target_rel. */
int link_to(const char *target_rel, const char *link_rel);
int rm_rf_at(int dirfd, const char *name);
int read_int(const char *rel, long *v);

/*
 * `fakekernel --run ROOT -- CMD...` (fakekernel_run.c): runs CMD with its write(2)s to the
 * vGPU files of ROOT (a VF's nvidia/current_vgpu_type, a PF's sriov_numvfs) answered by
 * fakekernel_vgpu.c, as the driver would: done before the write returns, or refused with
 * the driver's errno.  Returns CMD's exit status.
 */
int vgpu_run(const char *rootdir, char **cmd);

/* A write of LEN bytes of DATA to the file REL (relative to the root): the count or -errno. */
long vgpu_write(const char *rel, const char *data, size_t len);
/* Milliseconds until the next delayed action (a VF's driver binding), or -1 when none. */
long vgpu_next_ms(void);
/* Carries out the delayed actions that are due; with ALL, every one of them now. */
void vgpu_tick(bool all);

#endif
