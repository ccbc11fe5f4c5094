/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * readline and libudev, loaded when a command first needs them.  Mapping and
 * relocating them (and libtinfo) costs every run about 0.7 M instructions,
 * more than `list` spends on a thousand devices, yet only the interactive
 * shell, monitor and start --wait use them.
 */
#ifndef MDEVADM_LAZYLIB_H
#define MDEVADM_LAZYLIB_H

#include <stddef.h>
#include <stdio.h>

#include <libudev.h>
#include <readline/history.h>
#include <readline/readline.h>

/* Functions are called through the pointers, variables reached through them. */
#define READLINE_SYMBOLS(X)                                                                        \
	X(readline)                                                                                \
	X(add_history)                                                                             \
	X(append_history)                                                                          \
	X(clear_history)                                                                           \
	X(history_base)                                                                            \
	X(history_get)                                                                             \
	X(history_length)                                                                          \
	X(history_truncate_file)                                                                   \
	X(read_history)                                                                            \
	X(rl_attempted_completion_function)                                                        \
	X(rl_attempted_completion_over)                                                            \
	X(rl_completer_quote_characters)                                                           \
	X(rl_completer_word_break_characters)                                                      \
	X(rl_completion_matches)                                                                   \
	X(rl_crlf)                                                                                 \
	X(rl_line_buffer)                                                                          \
	X(rl_on_new_line)                                                                          \
	X(rl_outstream)                                                                            \
	X(rl_readline_name)                                                                        \
	X(rl_redisplay)                                                                            \
	X(rl_replace_line)                                                                         \
	X(rl_set_prompt)                                                                           \
	X(rl_signal_event_hook)                                                                    \
	X(stifle_history)

#define UDEV_SYMBOLS(X)                                                                            \
	X(udev_device_get_action)                                                                  \
	X(udev_device_get_devpath)                                                                 \
	X(udev_device_get_property_value)                                                          \
	X(udev_device_get_subsystem)                                                               \
	X(udev_device_get_sysname)                                                                 \
	X(udev_device_unref)                                                                       \
	X(udev_monitor_enable_receiving)                                                           \
	X(udev_monitor_filter_add_match_subsystem_devtype)                                         \
	X(udev_monitor_get_fd)                                                                     \
	X(udev_monitor_new_from_netlink)                                                           \
	X(udev_monitor_receive_device)                                                             \
	X(udev_monitor_unref)                                                                      \
	X(udev_new)                                                                                \
	X(udev_queue_get_udev_is_active)                                                           \
	X(udev_queue_new)                                                                          \
	X(udev_queue_unref)                                                                        \
	X(udev_unref)

#define LAZYLIB_MEMBER(sym) __typeof__(sym) *sym;

struct readline_api {
	READLINE_SYMBOLS(LAZYLIB_MEMBER)
};

struct udev_api {
	UDEV_SYMBOLS(LAZYLIB_MEMBER)
};

/* The library's symbols, loaded once; NULL with WHY saying what failed. */
const struct readline_api *readline_api(char *why, size_t whylen);
const struct udev_api *udev_api(char *why, size_t whylen);

#endif
