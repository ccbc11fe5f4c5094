// SPDX-License-Identifier: LGPL-2.1-or-later
/* Creating and destroying vGPUs on virtual functions; enabling the VFs first when needed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmdev/holders.h"
#include "libmdev/vgpu_vf.h"

/* Where NVIDIA's driver package and its container put the script. */
static const char *const sriov_manage_paths[] = {
	"/usr/lib/nvidia/sriov-manage",
	"/run/nvidia/driver/usr/lib/nvidia/sriov-manage",
};

/* It rebinds every VF; a minute is far more than it takes. */
#define SRIOV_MANAGE_TIMEOUT_MS 120000

int vgpu_vf_timeout_ms(void)
{
	const char *env = getenv("MDEVADM_VF_TIMEOUT_MS");
	char *end;
	long ms = env ? strtol(env, &end, 10) : -1;

	return env && !*end && ms >= 0 && ms <= 600000 ? (int)ms : 15000;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

/*
 * Runs `sriov-manage -e PF` with a clean environment and its output dropped.  Returns its
 * exit status, -1 when it was killed at the time limit, or -errno when it could not run.
 */
static int run_sriov_manage(const char *path, const char *pf)
{
	char *argv[] = { (char *)path, (char *)"-e", (char *)pf, NULL };
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	long long deadline = monotonic_ms() + SRIOV_MANAGE_TIMEOUT_MS;
	int r, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	r = posix_spawn(&pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && monotonic_ms() < deadline)
		nap_ms(50);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	return r < 0 ? -errno : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* What keeps VF index K of PF from taking a vGPU now, or NULL when it is ready. */
static const char *vf_not_ready(const struct rootfs *rfs, const char *pf, unsigned long k,
				char *addr, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];

	snprintf(addr, size, "virtfn%lu", k);
	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/virtfn%lu", pf, k) < 0 ||
	    rfs_readlink(rfs, path, link, sizeof(link)) < 0)
		return "it does not exist";
	snprintf(addr, size, "%s", rfs_basename(link));
	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/driver", addr) < 0 ||
	    rfs_readlink(rfs, path, link, sizeof(link)) < 0 ||
	    strcmp(rfs_basename(link), VGPU_DRIVER) != 0)
		return "it is not bound to nvidia";
	if (!rfs_existsf(rfs, 0, SYS_PCI_DEVICES "/%s/nvidia/current_vgpu_type", addr))
		return "it has no nvidia/current_vgpu_type";
	return NULL;
}

/* Waits, bounded, until the N VFs of PF are bound to nvidia and can take a vGPU. */
static int wait_vfs(const struct rootfs *rfs, const char *pf, unsigned long n, const char *how,
		    struct mdev_error *err)
{
	long long deadline = monotonic_ms() + vgpu_vf_timeout_ms();
	char addr[PATH_MAX];

	for (unsigned long k = 0; k < n;) {
		const char *why = vf_not_ready(rfs, pf, k, addr, sizeof(addr));

		if (!why) {
			k++;
			continue;
		}
		if (monotonic_ms() >= deadline)
			return mdev_errorf(err, ETIMEDOUT,
					   "enabled %lu VFs of %s with %s, but VF %lu (%s) is not "
					   "ready after %d ms: %s",
					   n, pf, how, k, addr, vgpu_vf_timeout_ms(), why);
		nap_ms(10);
	}
	return 0;
}

static int enable_vfs(const struct rootfs *rfs, const struct vgpu_pf *pf, struct vgpu_enabled *en,
		      struct mdev_error *err)
{
	char num[24], path[PATH_MAX], manage_failed[128] = "";
	int r;

	en->n = pf->totalvfs;
	/* an external program acts on the host: never for a --root tree */
	for (size_t i = 0;
	     rfs->host && i < sizeof(sriov_manage_paths) / sizeof(*sriov_manage_paths); i++) {
		if (access(sriov_manage_paths[i], X_OK) != 0)
			continue;
		r = run_sriov_manage(sriov_manage_paths[i], pf->addr);
		if (r == 0) {
			snprintf(en->how, sizeof(en->how), "sriov-manage");
			return wait_vfs(rfs, pf->addr, en->n, en->how, err);
		}
		snprintf(manage_failed, sizeof(manage_failed), "%s -e failed (%s %d); ",
			 sriov_manage_paths[i],
			 r == -1 ? "killed at its time limit, status" : "exit", r);
		break;
	}
	snprintf(en->how, sizeof(en->how), "sriov_numvfs");
	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/sriov_numvfs", pf->addr) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "PF name too long: %s", pf->addr);
	r = rfs_write(rfs, path, ulong_to_str(num, pf->totalvfs));
	if (r < 0)
		return mdev_errorf(err, -r,
				   "cannot enable the VFs of %s: %swriting %lu to sriov_numvfs: %s",
				   pf->addr, manage_failed, pf->totalvfs, strerror(-r));
	return wait_vfs(rfs, pf->addr, en->n, en->how, err);
}

/* Why a write to current_vgpu_type failed with E, in the words of the interface. */
static const char *write_reason(int e, bool creating)
{
	switch (e) {
	case EBUSY:
		return "the VF is in use (a VM holds it)";
	case ENOSPC:
		return "the GPU is full";
	case ENODEV:
		return "the driver does not know this type on this GPU";
	case EPERM:
		return creating ? "the VF holds a vGPU already" : "the VF holds no vGPU";
	case EINVAL:
		return "the driver takes only types of the size in use on this GPU";
	case EIO:
		return "the driver could not create it (the kernel log says why: NVRM)";
	default:
		return "refused by the driver";
	}
}

/* Writes VALUE to the VF's current_vgpu_type and reads back what the driver says now. */
static int write_type(const struct rootfs *rfs, const char *addr, unsigned long value,
		      unsigned long *now)
{
	char path[PATH_MAX], num[24], buf[32];
	int r;

	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/nvidia/current_vgpu_type", addr) < 0)
		return -ENAMETOOLONG;
	r = rfs_write(rfs, path, ulong_to_str(num, value));
	if (r < 0)
		return r;
	r = rfs_read(rfs, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (!parse_ulong(buf, now))
		return -EBADMSG;
	return 0;
}

/* The free VFs' offers, "nvidia-1 (NAME), ...", for an error that says what would do. */
static void describe_offers(const struct vgpu_pf *pf, char *buf, size_t size)
{
	struct mdev_type_info *t;
	size_t n, len = 0;

	buf[0] = '\0';
	vgpu_pf_types(pf, &t, &n);
	for (size_t i = 0; i < n && len < size; i++)
		if (t[i].available > 0)
			len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s%s",
						len ? ", " : "", t[i].id, t[i].name ? " (" : "",
						t[i].name ? t[i].name : "", t[i].name ? ")" : "");
	model_types_free(t, n);
}

static const struct vgpu_vf *pick_vf(const struct vgpu_pf *pf, const struct vgpu_start_req *req,
				     struct mdev_error *err)
{
	char offers[512];
	size_t used = 0;

	if (req->vf >= 0) {
		const struct vgpu_vf *vf = vgpu_pf_vf(pf, (unsigned long)req->vf);

		if (!vf)
			mdev_errorf(err, ENODEV, "%s has no VF %ld (it has %lu)", pf->addr, req->vf,
				    pf->numvfs);
		else if (!vgpu_vf_ready(vf))
			mdev_errorf(err, ENODEV, "VF %ld (%s) is not ready: %s", req->vf, vf->addr,
				    vf->driver[0] ? "no nvidia/current_vgpu_type"
						  : "not bound to nvidia");
		else if (vf->current > 0)
			mdev_errorf(err, EBUSY,
				    "VF %ld (%s) is in use: it holds " VGPU_TYPE_PREFIX "%ld",
				    req->vf, vf->addr, vf->current);
		else if (!vgpu_type_find(&vf->creatable, req->type))
			mdev_errorf(err, ENOSPC, "VF %ld (%s) does not offer it now%s", req->vf,
				    vf->addr, vf->creatable.n ? "" : ": it offers nothing");
		else
			return vf;
		return NULL;
	}
	for (size_t i = 0; i < pf->nvfs; i++) {
		const struct vgpu_vf *vf = &pf->vfs[i];

		used += vf->current > 0;
		if (vgpu_vf_ready(vf) && vf->current == 0 &&
		    vgpu_type_find(&vf->creatable, req->type))
			return vf;
	}
	describe_offers(pf, offers, sizeof(offers));
	if (!offers[0])
		mdev_errorf(err, ENOSPC,
			    "the GPU is full (%zu of %zu VFs hold a vGPU, no free VF "
			    "offers any type)",
			    used, pf->nvfs);
	else
		mdev_errorf(err, ENOSPC,
			    "no free VF offers it (they offer %s; in the default mode every vGPU "
			    "on a GPU is of one size)",
			    offers);
	return NULL;
}

int vgpu_start(const struct rootfs *rfs, const struct vgpu_start_req *req, struct vgpu_started *out,
	       struct mdev_error *err)
{
	char head[160], why[sizeof(err->msg)];
	const struct vgpu_vf *vf;
	const struct vgpu_type *t;
	struct vgpu_pf pf;
	unsigned long now;
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(head, sizeof(head), "cannot start " VGPU_TYPE_PREFIX "%lu on %s", req->type,
		 req->pf);
	r = vgpu_pf_load(rfs, req->pf, &pf, err);
	if (r == 0 && pf.numvfs == 0) {
		r = enable_vfs(rfs, &pf, &out->enabled, err);
		vgpu_pf_clear(&pf);
		if (r == 0)
			r = vgpu_pf_load(rfs, req->pf, &pf, err);
	}
	if (r < 0) {
		snprintf(why, sizeof(why), "%s", err->msg);
		return mdev_errorf(err, err->code, "%s: %s", head, why);
	}
	vf = pick_vf(&pf, req, err);
	if (!vf) {
		snprintf(why, sizeof(why), "%s", err->msg);
		vgpu_pf_clear(&pf);
		return mdev_errorf(err, err->code, "%s: %s", head, why);
	}
	snprintf(out->addr, sizeof(out->addr), "%s", vf->addr);
	out->index = vf->index;
	t = vgpu_type_find(&vf->creatable, req->type);
	out->name = t ? xstrdup(t->name) : NULL;
	r = write_type(rfs, vf->addr, req->type, &now);
	if (r < 0)
		r = mdev_errorf(err, -r, "%s, VF %lu (%s): %s: %s", head, vf->index, vf->addr,
				strerror(-r), write_reason(-r, true));
	else if (now != req->type)
		r = mdev_errorf(err, EIO,
				"%s, VF %lu (%s): the driver took the write, but current_vgpu_type "
				"reads %lu",
				head, vf->index, vf->addr, now);
	vgpu_pf_clear(&pf);
	if (r < 0)
		vgpu_started_clear(out);
	return r;
}

void vgpu_started_clear(struct vgpu_started *s)
{
	free(s->name);
	s->name = NULL;
}

int vgpu_stop(const struct rootfs *rfs, const char *addr, bool force, struct mdev_error *err)
{
	char path[PATH_MAX], buf[32], why[sizeof(err->msg)];
	unsigned long cur, now;
	int r;

	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/nvidia/current_vgpu_type", addr) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "VF name too long: %s", addr);
	r = rfs_read(rfs, path, buf, sizeof(buf));
	if (r < 0 || !parse_ulong(buf, &cur))
		return mdev_errorf(
			err, r < 0 ? -r : EBADMSG, "cannot stop the vGPU on %s: %s", addr,
			r == -ENOENT ? "it is not a vGPU VF (no nvidia/current_vgpu_type)"
			: r < 0	     ? strerror(-r)
				     : "current_vgpu_type is not a number");
	if (cur == 0)
		return mdev_errorf(err, ENOENT, "cannot stop the vGPU on %s: the VF holds none",
				   addr);
	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s", addr) == 0 && !force &&
	    holders_check(rfs, path, err) < 0) {
		snprintf(why, sizeof(why), "%s", err->msg);
		return mdev_errorf(err, err->code,
				   "cannot stop the vGPU on %s (" VGPU_TYPE_PREFIX "%lu): %s", addr,
				   cur, why);
	}
	r = write_type(rfs, addr, 0, &now);
	if (r < 0)
		return mdev_errorf(err, -r,
				   "cannot stop the vGPU on %s (" VGPU_TYPE_PREFIX "%lu): %s: %s",
				   addr, cur, strerror(-r), write_reason(-r, false));
	if (now != 0)
		return mdev_errorf(err, EIO,
				   "cannot stop the vGPU on %s: the driver took the write, but "
				   "current_vgpu_type reads %lu",
				   addr, now);
	return 0;
}
