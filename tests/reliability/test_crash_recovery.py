"""SIGKILL the whole pipeline during extraction, dbt build and publishing, then re-run.

The chain runs once per session (`crash_chain` fixture, tests/reliability/crash_chain.py);
each test asserts on one step. Readers x publishes of the publish step alone are proven in
tests/publish/test_store_readers.py and test_store_kill.py; these are the whole-pipeline
versions.
"""

from __future__ import annotations

import pytest

from tests.reliability.pipeline import (
    parquet_hashes,
    publication_numbers,
    publish_leftovers,
    table_hashes,
)

pytestmark = pytest.mark.slow

EXIT_BUSY = 75


def _statuses(state, table: str) -> list[str]:
    return [status for name, status, _ in state["batches"] if name == table]


def test_a_kill_during_extraction_leaves_the_batch_running_and_the_watermark_unmoved(
    crash_chain,
):
    state = crash_chain.observed["after_extract_kill"]
    assert _statuses(state, "inventory_snapshots") == ["running"]  # never marked complete
    read = [rows for name, _, rows in state["batches"] if name == "inventory_snapshots"]
    assert read[0] >= 3 * 2000  # three chunks were committed before the kill
    assert "inventory_snapshots" not in state["watermarks"]
    assert crash_chain.observed["store_after_extract_kill"] is False
    assert crash_chain.observed["extract_group_alive"] is False


def test_a_kill_during_dbt_build_publishes_nothing_and_the_rerun_needed_no_cleanup(crash_chain):
    assert crash_chain.observed["dbt_finished"] is False  # killed while dbt was building
    state = crash_chain.observed["after_dbt_kill"]
    # the second run marked the killed batch abandoned and completed its own
    assert _statuses(state, "inventory_snapshots") == ["abandoned", "completed"]
    assert len(state["watermarks"]) == 12
    assert state["duplicate_versions"] == 0  # re-read chunks were not loaded twice
    assert crash_chain.observed["store_after_dbt_kill"] is False
    assert crash_chain.observed["dbt_group_alive"] is False  # dbt died with the run


def test_a_kill_during_publishing_keeps_the_previous_store_byte_identical(crash_chain):
    observed = crash_chain.observed
    assert any(p.name.endswith(".tmp") for p in observed["publish_leftovers"])
    assert observed["digest_after_publish_kill"] == observed["served_digest"]
    assert observed["parquet_after_publish_kill"] == observed["served_parquet"]
    assert observed["version_after_publish_kill"] == 1


def test_two_runs_at_once_one_waits_or_is_refused_and_one_publishes(crash_chain):
    exits = sorted(crash_chain.twin_exits)
    outputs = crash_chain.twin_outputs
    print(f"concurrent re-runs exited {crash_chain.twin_exits}")
    assert 0 in exits
    if exits == [0, EXIT_BUSY]:
        refused = outputs[crash_chain.twin_exits.index(EXIT_BUSY)]
        assert "is being written by another run" in refused
        assert "Traceback" not in refused
        assert "chunk 1 committed" not in refused  # it never wrote: one writer at a time
        expected_publications = [1, 2]
    else:  # it waited for the lock and ran after the first: still one writer at a time
        assert exits == [0, 0], outputs
        expected_publications = [1, 2, 3]
    store = crash_chain.settings.reporting_path
    assert publication_numbers(store) == expected_publications


def test_the_rerun_leaves_nothing_behind_and_equals_an_uninterrupted_run(crash_chain, clean_run):
    settings = crash_chain.settings
    assert publish_leftovers(settings) == []
    assert table_hashes(settings.reporting_path) == table_hashes(clean_run.reporting_path)
    assert parquet_hashes(settings.parquet_dir) == parquet_hashes(clean_run.parquet_dir)


def test_readers_during_the_reruns_saw_only_complete_versions(crash_chain):
    versions = crash_chain.reader_versions
    print(f"reader: {len(versions)} reads, versions {sorted(set(versions))}")
    assert crash_chain.reader_errors == []
    assert len(versions) > 20
    assert versions[0] == 1  # the previous complete version until the re-run published
    assert all(a <= b for a, b in zip(versions, versions[1:], strict=False))
    assert set(versions) <= {1, 2, 3}
