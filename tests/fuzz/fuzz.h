/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fuzz targets: one per parser of input mdevadm does not control.  Each
 * is built twice from the same file: with libFuzzer (`make fuzz`, clang),
 * where FUZZ_TARGET(name) is LLVMFuzzerTestOneInput, and into the plain-C
 * replay driver (tests/fuzz/replay, built by `make check`), which feeds it
 * the checked-in corpus and every crash input kept as a regression.
 */
#ifndef MDEVADM_FUZZ_H
#define MDEVADM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/error.h"

/* One target per line; tests/fuzz.bats reads them from here. */
#define FUZZ_TARGETS(X)                                                                            \
	X(callout)                                                                                 \
	X(cli)                                                                                     \
	X(complete)                                                                                \
	X(config)                                                                                  \
	X(inotify)                                                                                 \
	X(json)                                                                                    \
	X(split)                                                                                   \
	X(sysfs)                                                                                   \
	X(uevent)                                                                                  \
	X(vgpu)

#define FUZZ_DECLARE(name) int fuzz_##name(const uint8_t *data, size_t size);
FUZZ_TARGETS(FUZZ_DECLARE)

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A finding that is not a crash by itself: abort, so that libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static inline void fuzz_drop_warning(const char *msg)
{
	(void)msg;
}

/* Warnings are expected on bad input: they would only slow the run down. */
static inline void fuzz_quiet(void)
{
	warn_set_sink(fuzz_drop_warning);
}

/* DATA as a C string (up to its first NUL), malloc'd. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
