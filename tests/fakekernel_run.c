// SPDX-License-Identifier: LGPL-2.1-or-later
// fakekernel --run ROOT -- CMD...: the vGPU driver's side of CMD's writes, through seccomp.
//
// A sysfs write returns the driver's verdict: the vGPU exists (or the VFs do) when write(2)
// returns, or the write fails with the driver's errno.  A fake tree of regular files cannot
// say no, so CMD runs under a seccomp filter that hands each of its write(2)s to this process
// (SECCOMP_RET_USER_NOTIF): writes to a VF's nvidia/current_vgpu_type or a PF's sriov_numvfs
// inside ROOT are carried out here by fakekernel_vgpu.c and answered with its count or errno;
// every other write goes on untouched (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  Needs Linux 5.5;
// no privileges (the filter is installed with no_new_privs).  The log (one line per write
// answered) is appended to $FAKEKERNEL_LOG, if set.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakekernel.h"

/* The filter checks the architecture a system call comes in as: this one's. */
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#endif

/* A sysfs attribute takes one page: larger writes are not the driver's business. */
#define WRITE_MAX 4096

static int install_filter(void)
{
#ifndef NATIVE_ARCH
	errno = ENOSYS; /* an architecture not listed above: the vGPU tests skip */
	return -1;
#else
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
#endif
}

static int send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec io = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) < 0 ? -1 : 0;
}

static int recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0 || !(cm = CMSG_FIRSTHDR(&msg)) ||
	    cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The path of REQ's file below the root, or NULL when it is not in the tree. */
static const char *target(const struct seccomp_notif *req, char *buf, size_t size)
{
	char link[64];
	size_t n = strlen(root);
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/%d/fd/%llu", req->pid,
		 (unsigned long long)req->data.args[0]);
	len = readlink(link, buf, size - 1);
	if (len <= 0)
		return NULL;
	buf[len] = '\0';
	return strncmp(buf, root, n) == 0 && buf[n] == '/' ? buf + n + 1 : NULL;
}

static bool is_vgpu_file(const char *rel)
{
	static const char type[] = "/nvidia/current_vgpu_type";
	size_t n = strlen(rel);

	return strcmp(base_name(rel), "sriov_numvfs") == 0 ||
	       (n > sizeof(type) - 1 && strcmp(rel + n - (sizeof(type) - 1), type) == 0);
}

static void answer(int listener, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	char path[4096], data[WRITE_MAX];
	struct iovec local = { data, sizeof(data) };
	struct iovec remote = { (void *)(uintptr_t)req->data.args[1],
				req->data.args[2] < sizeof(data) ? req->data.args[2]
								 : sizeof(data) };
	const char *rel = target(req, path, sizeof(path));
	ssize_t n;
	long r;

	resp->id = req->id;
	resp->val = 0;
	resp->error = 0;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (rel && is_vgpu_file(rel)) {
		n = process_vm_readv(req->pid, &local, 1, &remote, 1, 0);
		/* the writer is still in write(2): what was read is what it wrote */
		if (n >= 0 && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0) {
			r = vgpu_write(rel, data, (size_t)n);
			resp->flags = 0;
			if (r < 0)
				resp->error = (int)r;
			else
				resp->val = r;
		}
	}
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		logmsg("cannot answer a write: %s", strerror(errno));
}

static int supervise(int listener, pid_t child)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int status;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
		logmsg("seccomp: %s", strerror(errno));
		return 1;
	}
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	for (;;) {
		struct pollfd pfd = { listener, POLLIN, 0 };
		int r = poll(&pfd, 1, (int)vgpu_next_ms());

		vgpu_tick(false);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR))
			break; /* every process that had the filter is gone */
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			continue; /* interrupted, or the writer died meanwhile */
		answer(listener, req, resp);
	}
	vgpu_tick(true);
	free(req);
	free(resp);
	if (waitpid(child, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int vgpu_run(const char *rootdir, char **cmd)
{
	int sock[2], listener;
	pid_t child;

	root = realpath(rootdir, NULL);
	rootfd = root ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (rootfd < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0) {
		fprintf(stderr, "fakekernel: %s: %s\n", rootdir, strerror(errno));
		return 125;
	}
	child = fork();
	if (child < 0) {
		fprintf(stderr, "fakekernel: fork: %s\n", strerror(errno));
		return 125;
	}
	if (child == 0) {
		listener = install_filter();
		if (listener < 0 || send_fd(sock[1], listener) < 0)
			_exit(125);
		close(listener);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(sock[1]);
	/* CMD's stderr is the test's to check: the driver's log goes elsewhere */
	if (!freopen(getenv("FAKEKERNEL_LOG") ? getenv("FAKEKERNEL_LOG") : "/dev/null", "a",
		     stderr))
		return 125;
	listener = recv_fd(sock[0]);
	close(sock[0]);
	if (listener < 0) {
		fprintf(stderr,
			"fakekernel: cannot set up the seccomp filter (Linux 5.5 needed)\n");
		waitpid(child, NULL, 0);
		return 125;
	}
	return supervise(listener, child);
}
