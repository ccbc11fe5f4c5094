// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading readline and libudev on first use. */
#include "basic/lazylib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Same major version, same ABI: the soname follows the headers built against. */
#define READLINE_SONAME "libreadline.so." STR(RL_VERSION_MAJOR)
#define UDEV_SONAME "libudev.so.1"

/*
 * A dlopen() is invisible to packaging tools (NEEDED, dpkg-shlibdeps, rpm's
 * find-requires): an ELF note names the libraries after systemd's "dlopen
 * metadata" convention (https://systemd.io/ELF_DLOPEN_METADATA/), a JSON array
 * in a .note.dlopen section of type 0x407c0c0a owned by "FDO".  Both are
 * "recommended": every command but the interactive shell, monitor and start
 * --wait runs without them.  tests/lazylib.bats checks these are the sonames
 * loaded.
 */
#define DLOPEN_FEATURE(feature, description, soname)                                               \
	"{\"feature\":\"" feature "\",\"description\":\"" description                              \
	"\",\"priority\":\"recommended\",\"soname\":[\"" soname "\"]}"
#define READLINE_FEATURE                                                                           \
	DLOPEN_FEATURE("readline", "line editing, history and completion in the shell",            \
		       READLINE_SONAME)
#define UDEV_FEATURE DLOPEN_FEATURE("udev", "udev events for monitor and start --wait", UDEV_SONAME)
#define DLOPEN_JSON "[" READLINE_FEATURE "," UDEV_FEATURE "]"

static const struct {
	uint32_t namesz, descsz, type;
	char owner[4];
	/* zero-padded to the 4-byte alignment of notes */
	char json[(sizeof(DLOPEN_JSON) + 3) & ~(size_t)3];
} dlopen_note __attribute__((used, section(".note.dlopen"), aligned(4))) = {
	.namesz = sizeof("FDO"),
	.descsz = sizeof(DLOPEN_JSON),
	.type = 0x407c0c0a,
	.owner = "FDO",
	.json = DLOPEN_JSON,
};

/*
 * Opens SONAME and resolves NAMES into SLOTS.  The handle stays open for the
 * life of the process, as a linked library would.
 */
static bool load(const char *soname, const char *const *names, void **slots, size_t n, char *why,
		 size_t whylen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(why, whylen, "cannot load %s: %s", soname, dlerror());
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		slots[i] = dlsym(h, names[i]);
		if (!slots[i]) {
			snprintf(why, whylen, "cannot load %s: %s missing", soname, names[i]);
			dlclose(h);
			return false;
		}
	}
	return true;
}

#define LAZYLIB_NAME(sym) #sym,
#define LAZYLIB_SLOT(sym) 1 +

/*
 * The structures hold only object and function pointers, which on every
 * platform with dlsym(3) share one representation: they load as arrays.
 */
#define DEFINE_LOADER(fn, type, soname, SYMBOLS)                                                   \
	const struct type *fn(char *why, size_t whylen)                                            \
	{                                                                                          \
		static const char *const names[] = { SYMBOLS(LAZYLIB_NAME) };                      \
		static union {                                                                     \
			struct type api;                                                           \
			void *slot[SYMBOLS(LAZYLIB_SLOT) 0];                                       \
		} u;                                                                               \
		static bool loaded;                                                                \
                                                                                                   \
		_Static_assert(sizeof(u.api) == sizeof(u.slot), "pointer-only structure");         \
		if (!loaded)                                                                       \
			loaded = load(soname, names, u.slot, sizeof(names) / sizeof(*names), why,  \
				      whylen);                                                     \
		return loaded ? &u.api : NULL;                                                     \
	}

DEFINE_LOADER(readline_api, readline_api, READLINE_SONAME, READLINE_SYMBOLS)
DEFINE_LOADER(udev_api, udev_api, UDEV_SONAME, UDEV_SYMBOLS)
