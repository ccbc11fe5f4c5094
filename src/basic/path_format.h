/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MDEVADM_PATH_FORMAT_H
#define MDEVADM_PATH_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats a root-relative path; only %s and %lu are understood.
 * -ENAMETOOLONG when it does not fit, -EINVAL on any other conversion.
 */
__attribute__((format(printf, 3, 4))) int rfs_path(char *buf, size_t size, const char *fmt, ...);
int rfs_vpath(char *buf, size_t size, const char *fmt, va_list ap);

#endif
