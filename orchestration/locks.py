"""An exclusive lock on a file, released by the OS if its holder dies.

Writers of the warehouse and publishers of the reporting store each hold one. A killed
process leaves no stale lock behind: flock locks die with their file descriptor.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_file_lock(
    path: Path,
    timeout_seconds: float,
    busy_error: Callable[[str], Exception],
    poll_seconds: float = 0.1,
) -> Iterator[None]:
    """Hold an exclusive lock on `path`, waiting up to `timeout_seconds`.

    On time-out, raises `busy_error(holder)` where holder describes who has the lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held for the life of the lock
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise busy_error(handle.read().strip() or "unknown") from None
                time.sleep(poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
