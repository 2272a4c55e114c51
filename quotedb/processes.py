"""Processes the build and the server start: how many (one a core), and that none
outlives the process that started it (the build's share and index processes, the
server's worker processes)."""

import ctypes
import math
import os
import signal
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def end_with(parent: int):
    """End this process when `parent`, which started it, ends, even when it is killed:
    the kernel signals it (Linux), or a thread watches for the parent to go."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    else:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the kernel was asked
        os._exit(1)


def _exit_when_orphaned(parent: int):
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(1)


def cores() -> int:
    """The cores this process may use: those it may run on, fewer under a CPU quota (a
    container's `--cpus`, which the list of cores does not show)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    quota = cpu_quota()
    return max(1, min(count, quota)) if quota else count


def cpu_quota(root=Path("/sys/fs/cgroup"), membership=Path("/proc/self/cgroup")):
    """The CPU quota of this process's control group (cgroup v2) and those above it, in
    cores rounded up; None without one."""
    try:
        group = next(line[3:] for line in membership.read_text().splitlines() if line.startswith("0::"))
    except (OSError, StopIteration):
        return None
    quotas, folder = [], root / group.strip("/")
    while True:
        try:
            quota, period = (folder / "cpu.max").read_text().split()
            if quota != "max":
                quotas.append(math.ceil(int(quota) / int(period)))
        except (OSError, ValueError):
            pass
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return min(quotas, default=None)
