"""The reader thread that fetches the next chunk while the warehouse writes one."""

from __future__ import annotations

import gc
import threading

import pytest

from orchestration.ingest.prefetch import cyclic_gc_paused, prefetched


def test_items_arrive_in_order_made_in_another_thread() -> None:
    made_in: set[str] = set()

    def produce():
        for number in range(5):
            made_in.add(threading.current_thread().name)
            yield number

    assert list(prefetched(produce)) == [0, 1, 2, 3, 4]
    assert made_in == {"ingest-reader"}


def test_a_reader_error_arrives_after_the_items_read_before_it() -> None:
    def produce():
        yield "chunk 1"
        yield "chunk 2"
        raise ConnectionError("lost the source")

    received = []
    with pytest.raises(ConnectionError, match="lost the source"):
        for item in prefetched(produce):
            received.append(item)
    assert received == ["chunk 1", "chunk 2"]


def test_closing_early_stops_the_reader_and_closes_its_source() -> None:
    closed = threading.Event()

    def produce():
        try:
            number = 0
            while True:  # an endless source: only closing stops it
                yield number
                number += 1
        finally:
            closed.set()

    items = prefetched(produce, ahead=1)
    assert next(items) == 0
    items.close()  # returns once the reader has stopped
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "ingest-reader"]


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
