"""The one-writer lock: re-entrant for its holder, a clear error for anyone else."""

from __future__ import annotations

import threading

import pytest

from orchestration.settings import Settings
from orchestration.warehouse import WarehouseBusyError, warehouse_lock


def test_a_second_writer_waits_then_fails_naming_the_holder(tmp_path):
    settings = Settings().with_data_dir(tmp_path)
    errors: list[Exception] = []

    def second_writer() -> None:
        try:
            with warehouse_lock(settings, timeout_seconds=0.5):
                pass
        except WarehouseBusyError as exc:
            errors.append(exc)

    with warehouse_lock(settings), warehouse_lock(settings):  # re-entrant for the holder
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()

    assert len(errors) == 1
    message = str(errors[0])
    assert f"warehouse {settings.warehouse_path} is being written by another run" in message
    assert "(pid " in message
    # released: the next writer gets it at once
    with warehouse_lock(settings, timeout_seconds=0.1):
        pass


def test_the_lock_is_released_when_the_holder_fails(tmp_path):
    settings = Settings().with_data_dir(tmp_path)
    with pytest.raises(RuntimeError, match="boom"), warehouse_lock(settings):
        raise RuntimeError("boom")
    with warehouse_lock(settings, timeout_seconds=0.1):
        pass


def test_writers_run_under_the_configured_memory_cap(tmp_path):
    from dataclasses import replace

    from orchestration.warehouse import connect_warehouse

    settings = replace(Settings().with_data_dir(tmp_path), warehouse_memory_limit="300MB")
    with connect_warehouse(settings) as connection:
        limit = connection.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "286.1 MiB"  # DuckDB shows 300 MB in binary units


def test_readers_run_under_the_same_memory_cap(tmp_path):
    """Contract checks and other readers share the machine with dbt and the pipeline: a
    read-only connection keeps to the warehouse's cap, not DuckDB's 80% of memory."""
    from dataclasses import replace

    from orchestration.warehouse import connect_warehouse, open_read_only

    settings = replace(Settings().with_data_dir(tmp_path), warehouse_memory_limit="300MB")
    with connect_warehouse(settings):  # creates the file
        pass
    with connect_warehouse(settings, read_only=True) as connection:
        limit = connection.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "286.1 MiB"
    with open_read_only(settings.warehouse_path, "200MB") as connection:
        limit = connection.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "190.7 MiB"


def test_dbt_gets_the_same_memory_cap(tmp_path, monkeypatch):
    from orchestration.transform.project import dbt_env

    monkeypatch.setenv("SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT", "2.5GB")
    settings = Settings.from_env().with_data_dir(tmp_path)
    assert dbt_env(settings)["SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT"] == "2.5GB"


@pytest.mark.parametrize("bad", ["lots", "2", "-1GB", "1 gigabyte"])
def test_a_memory_cap_that_is_not_a_size_names_the_variable(bad):
    with pytest.raises(
        ValueError, match=f"SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT must be a size.*'{bad}'"
    ):
        Settings(warehouse_memory_limit=bad)
