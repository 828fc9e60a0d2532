"""Peak resident memory of this process and every descendant (dbt subprocesses included).

Read straight from /proc (no psutil): every `interval` seconds a thread sums the RSS of
the process tree rooted at this process. Linux only; elsewhere the figure reads 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _parent_of(pid: str) -> int | None:
    """The parent pid from /proc/<pid>/stat (the command name may hold spaces and parens)."""
    try:
        stat = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def _rss_bytes(pid: int) -> int:
    try:
        resident_pages = int((PROC / str(pid) / "statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0  # the process ended between listing and reading
    return resident_pages * PAGE_SIZE


def process_tree(root: int) -> list[int]:
    """`root` and all of its descendants alive now."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(entry.name)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident memory of the process tree rooted at `root` (default: this process)."""
    if not PROC.exists():
        return 0
    return sum(_rss_bytes(pid) for pid in process_tree(root or os.getpid()))


class TreeRssSampler:
    """Samples the tree's RSS in a background thread; `peak_bytes` since start or `reset`.

    Use as a context manager around the whole benchmark and call `reset()` at the start
    of each phase whose own peak you want; `overall_peak_bytes` never resets.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.overall_peak_bytes = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> int:
        current = tree_rss_bytes()
        with self._lock:
            self.peak_bytes = max(self.peak_bytes, current)
            self.overall_peak_bytes = max(self.overall_peak_bytes, current)
        return current

    def reset(self) -> None:
        with self._lock:
            self.peak_bytes = 0
        self.sample()

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
