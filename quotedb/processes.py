"""Processes the build and the server start: how many (one a core), and that none
outlives the process that started it (the build's share and index processes, the
server's worker processes)."""

import contextlib
import ctypes
import math
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def end_with(parent: int, ending=signal.SIGKILL):
    """End this process when `parent`, which started it, ends, even when it is killed:
    the kernel sends it `ending` (Linux), or a thread watches for the parent to go."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    else:
        prctl(PR_SET_PDEATHSIG, ending)
    if os.getppid() != parent:  # the parent was gone before the kernel was asked
        os._exit(1)


def _exit_when_orphaned(parent: int):
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(1)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


class ProcessFailed(Exception):
    """A forked process stopped before it was done (killed, out of memory)."""


def gone(pid: str) -> bool:
    """Is `pid`, as written in a file's name, a process that no longer runs?"""
    return pid.isdigit() and not process_exists(int(pid))


STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextlib.contextmanager
def stops_held():
    """Hold the STOPPING signals until the block is done (a Ctrl-C then stops the build
    after it): clearing what a build began is not cut short, and a process started is
    kept before the build can stop. Only in a process of one thread, as build_db.py
    and `serve --watch` are: the kernel hands a signal to any thread that does not
    hold it, and Python then runs its handler all the same."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def start_forked(work, keep):
    """Run `work()` in a forked process: it starts with this process's state as it is
    (the records read so far, Python's hash seed, which the build's keys depend on),
    ends with this process, and leaves Ctrl-C, which the terminal sends the whole
    group, to this process. `keep` is given its `Forked` before a signal can stop this
    process (they wait meanwhile), so that whatever stops this process stops it too.
    What `work` returns, or the error it met writing (a full disk), comes back through a
    pipe: see `Forked.result`."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    parent = os.getpid()

    def run():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stopped outright (Forked.stop), whatever the parent does
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
        end_with(parent)
        try:
            sending.send((True, work()))
        except (OSError, sqlite3.Error) as error:
            sending.send((False, error))

    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    with stops_held():  # until the child ignores SIGINT and `keep` has it
        process.start()
        sending.close()
        keep(Forked(process, receiving))


def _ending(code) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class Forked:
    def __init__(self, process, receiving):
        self.process, self.receiving = process, receiving

    def result(self, doing: str):
        """What the work returned, once the process is done; its error, raised here as
        the one process would have met it; ProcessFailed if it stopped otherwise."""
        try:
            done, value = self.receiving.recv()
        except (EOFError, OSError):  # the process ended before it sent, or while it sent
            done = value = None
        self.process.join()
        if done is False:
            raise value
        code = self.process.exitcode
        if done is None or code != 0:
            raise ProcessFailed(f"{doing} failed: its process ended with {_ending(code)}")
        return value

    def stop(self):
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


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
            if quota != "max" and int(quota) > 0 and int(period) > 0:
                quotas.append(math.ceil(int(quota) / int(period)))
        except (OSError, ValueError):
            pass
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return min(quotas, default=None)
