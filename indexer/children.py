"""Child processes that end with the process that started them, however it ends."""

from __future__ import annotations

import ctypes
import logging
import os
import signal

LOG = logging.getLogger("egov_search")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: a signal for this process when its parent dies


def end_with(parent: int, signum: int = signal.SIGTERM) -> bool:
    """Have the kernel send this child ``signum`` when ``parent`` dies (a SIGKILL leaves the parent
    no chance to stop its children); False if it died already.

    Linux only (``prctl``); elsewhere a warning, and the child outlives a killed parent.
    """
    try:
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum) != 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    except (AttributeError, OSError) as err:  # no prctl in this libc, or it refused
        LOG.warning("process %d will not follow its parent's death: %s", os.getpid(), err)
    return os.getppid() == parent  # it may have died between the fork and the prctl
