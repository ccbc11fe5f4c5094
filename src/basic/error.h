/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Errors and warnings raised by library code, reported by the command layer. */
#ifndef MDEVADM_ERROR_H
#define MDEVADM_ERROR_H

#include <stddef.h>

/*
 * Library functions return 0 or a negative errno and, on failure, leave a
 * one-line message naming object, action and reason here.  Only the command
 * layer prints it, so a failing command cannot end an interactive session.
 */
struct mdev_error {
	int code; /* positive errno */
	char msg[1024];
};

__attribute__((format(printf, 3, 4))) int mdev_errorf(struct mdev_error *err, int code,
						      const char *fmt, ...);

/* strerror, and "not a regular file" for the rooted layer's -EBADFD. */
const char *file_strerror(int code);
/* A person-readable reason for an errno returned by a sysfs write. */
const char *sysfs_strerror(int code);

/*
 * Warnings (a config skipped, a name ignored) do not fail a command; library
 * code hands them to the sink the front end installed.
 */
typedef void (*warn_sink)(const char *msg);
void warn_set_sink(warn_sink sink);
__attribute__((format(printf, 1, 2))) void warnf(const char *fmt, ...);

struct strv;
/*
 * While LOG is set (NULL ends it), the warnings of the calling thread are kept in it instead
 * of going to the sink: work done out of order, on several threads, is then reported in order
 * by warn_replay, or not at all when it turns out not to have been needed.
 */
void warn_capture(struct strv *log);
/* Hands each of LOG's warnings to the sink. */
void warn_replay(const struct strv *log);

#endif
