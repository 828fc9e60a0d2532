"""SQL-looking input is data, secrets stay secret, the published store is not writable by
everyone and carries no personal data."""

from __future__ import annotations

import os
import stat
import uuid
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingest.assets import build_ingest_assets
from orchestration.publish.store import publish_reporting_store
from orchestration.quality.personal_data import _customer_values, scan_for_personal_data
from orchestration.settings import Settings
from tests.conftest import REFERENCE_DATE, settings_in
from tests.publish.reporting_warehouse import write_warehouse
from tests.reliability.pipeline import SQL_LOOKING_REASON

SQL_QUARTER = "2026Q3'; drop table x; --"


# ---------------------------------------------------------------- SQL-looking input
@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--quarter", SQL_QUARTER],
        ["backfill", "--from", "2026Q1", "--to", SQL_QUARTER],
        ["plan", "show", "--no-warehouse", "--quarter", SQL_QUARTER],
    ],
    ids=["run", "backfill", "plan-show"],
)
def test_sql_in_a_quarter_argument_is_rejected_as_a_bad_quarter(
    argv, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(tmp_path / "data"))
    code = main(argv)
    output = capsys.readouterr()
    assert code != 0  # run and backfill exit 2, plan show 1: both refuse before any work
    assert "is not a quarter" in output.err + output.out
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()  # nothing ran


def test_sql_in_an_as_of_date_is_rejected(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--quarter", "2026Q3", "--as-of", "2026-09-30'; drop table x; --"])
    assert exit_.value.code == 2
    assert "--as-of" in capsys.readouterr().err


@pytest.mark.slow
def test_a_sql_looking_plan_value_is_published_verbatim_as_data(clean_run):
    with duckdb.connect(str(clean_run.reporting_path), read_only=True) as store:
        reasons = store.execute(
            "select distinct revision_reason from rpt_target_tree where revision_reason is not null"
        ).fetchall()
    assert reasons == [(SQL_LOOKING_REASON,)]
    with duckdb.connect(str(clean_run.warehouse_path), read_only=True) as warehouse:
        (orders,) = warehouse.execute("select count(*) from raw.orders").fetchone()
    assert orders > 1000  # raw.orders was never dropped


# ---------------------------------------------------------------- secrets
def _files_holding(folder: Path, secret: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret in p.read_bytes()]


@pytest.mark.slow
def test_a_source_password_never_reaches_logs_metadata_or_files(tmp_path, capfd):
    from orchestration.demo_sources.generate import generate_sources
    from tests.publish.postgres_cluster import ClusterUnavailable, throwaway_cluster

    secret = f"s3cret-{uuid.uuid4().hex[:12]}"
    settings = settings_in(tmp_path / "data")
    try:
        with throwaway_cluster() as (host, port):
            # trust authentication: the server ignores the password, the URL still carries it
            crm_url = f"postgresql+psycopg://postgres:{secret}@{host}:{port}/postgres"
            generate_sources(
                crm_url,
                settings.orders_database_url,
                reference_date=REFERENCE_DATE,
                seed=7,
                orders_per_quarter=50,
            )
            settings = replace(settings, crm_database_url=crm_url)
            (tmp_path / "dagster").mkdir()
            instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster"))
            result = dg.materialize(
                build_ingest_assets(), resources={"settings": settings}, instance=instance
            )
    except ClusterUnavailable as reason:
        pytest.skip(f"cannot start a throwaway PostgreSQL here: {reason}")
    assert result.success
    sources = {
        event.asset_key.to_user_string(): event.materialization.metadata["source"].value
        for event in result.get_asset_materialization_events()
    }
    assert sources["crm/customers"] == f"postgresql+psycopg://postgres:***@{host}:{port}/postgres"
    output = capfd.readouterr()
    assert secret not in output.out + output.err
    assert _files_holding(tmp_path, secret.encode()) == []  # warehouse, event log, run storage
    instance.dispose()


@pytest.mark.slow
def test_the_publication_log_records_no_source_url(clean_run):
    with duckdb.connect(str(clean_run.reporting_path), read_only=True) as store:
        rows = store.execute("select * from rpt_publication").fetchall()
    text = repr(rows)
    assert "://" not in text and "sqlite" not in text


# ---------------------------------------------------------------- file modes
def _world_writable(paths) -> list[str]:
    return [
        f"{oct(p.lstat().st_mode & 0o777)} {p}"
        for p in paths
        if not p.is_symlink() and p.lstat().st_mode & stat.S_IWOTH
    ]


@pytest.mark.slow
def test_published_files_of_a_pipeline_run_are_not_world_writable(clean_run):
    files = [clean_run.reporting_path, *clean_run.parquet_dir.resolve().rglob("*")]
    assert len(files) > 5
    assert _world_writable(files) == []


def test_published_files_are_not_world_writable_whatever_the_umask(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")
    previous = os.umask(0)
    try:
        write_warehouse(settings, version=1)
        publish_reporting_store(settings)
    finally:
        os.umask(previous)
    files = [settings.reporting_path, *settings.parquet_dir.resolve().rglob("*")]
    assert _world_writable(files) == []


# ---------------------------------------------------------------- personal data
@pytest.mark.slow
@pytest.mark.parametrize("run_name", ["clean_run", "dirty_run"])
def test_the_published_store_and_parquet_hold_no_customer_personal_data(run_name, request):
    settings = request.getfixturevalue(run_name)
    needles = _customer_values(settings.warehouse_path)
    assert len(needles) > 1000  # names, emails and phones of every loaded customer
    for published in (settings.reporting_path, settings.parquet_dir.resolve()):
        findings = scan_for_personal_data(published, needles)
        assert [f.describe() for f in findings] == []
