"""Read the next chunk from the source while the warehouse writes this one.

Reading is Python work (the DB-API driver builds tuples, landing builds Arrow arrays);
writing is DuckDB's, which releases the GIL. A reader thread keeps at most `ahead` chunks
waiting, so memory stays bounded, and hands over its error, if any, in order. Closing the
iterator early (the consumer failed) stops the reader and waits for it: the source
connection is closed in the thread that opened it (SQLite requires that).

Python's cyclic garbage collector is paused meanwhile: every chunk allocates hundreds of
thousands of tuples, none of them in a reference cycle, and each collection would walk
them all again.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Item = TypeVar("Item")
_DONE = object()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prefetched(produce: Callable[[], Iterator[Item]], ahead: int = 1) -> Iterator[Item]:
    """The items of `produce()`, made in a background thread at most `ahead` in advance."""
    waiting: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(entry: tuple[object, object]) -> bool:
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in produce():
                if not put((item, None)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((_DONE, exc))

    reader = threading.Thread(target=read, name="ingest-reader", daemon=True)
    reader.start()
    try:
        while True:
            item, error = waiting.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        reader.join()
