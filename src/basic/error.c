// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error messages for library code, and the warning sink. */
#include "basic/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "basic/escape.h"
#include "basic/util.h"

int mdev_errorf(struct mdev_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

const char *file_strerror(int code)
{
	return code == EBADFD ? "not a regular file" : strerror(code);
}

const char *sysfs_strerror(int code)
{
	switch (code) {
	case EEXIST:
		return "a device with this UUID already exists";
	case EINVAL:
		return "the kernel rejected the value (invalid argument)";
	case ENOSPC:
		return "no space left: the parent has no resources for another instance";
	case EACCES:
	case EPERM:
		return "permission denied (managing mediated devices needs root)";
	case EBUSY:
		return "the device is busy (in use by a VM or driver)";
	case ENODEV:
	case ENOENT:
		return "no such device";
	case EROFS:
		return "read-only file system";
	default:
		return file_strerror(code);
	}
}

static void default_sink(const char *msg)
{
	fprintln_escaped(stderr, "mdevadm: warning: %s", msg);
}

static warn_sink sink = default_sink;
static __thread struct strv *capture;

void warn_set_sink(warn_sink s)
{
	sink = s ? s : default_sink;
}

void warnf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (capture)
		strv_push(capture, buf);
	else
		sink(buf);
}

void warn_capture(struct strv *log)
{
	capture = log;
}

void warn_replay(const struct strv *log)
{
	for (size_t i = 0; i < log->n; i++)
		sink(log->v[i]);
}
