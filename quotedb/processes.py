"""A process that must not outlive the one that started it: the build's full-text index
process, and the server's worker processes."""

import ctypes
import os
import signal
import threading
import time

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
