"""The command line: clear errors before any work starts."""

from __future__ import annotations

import shutil
import socket

import pytest

from orchestration.cli import main
from orchestration.settings import Settings


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.delenv("ORDERS_DATABASE_URL", raising=False)
    return tmp_path


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_malformed_quarter_is_rejected_with_the_valid_range(isolated, capsys):
    code, output = run_cli(capsys, "run", "--quarter", "2026Q5")
    assert code == 2
    assert "write it as YYYYQn, e.g. 2026Q3; quarters run from 2024Q4 to" in output


@pytest.mark.parametrize(
    "command", [("run", "--quarter", "2026Q3"), ("plan", "show", "--quarter", "2026Q3")]
)
def test_an_impossible_date_is_named_as_such_not_as_a_lambda(isolated, capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--as-of", "2026-13-01"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "argument --as-of: --as-of '2026-13-01' is not a calendar date written YYYY-MM-DD" in (
        error
    )
    assert "lambda" not in error


def test_sql_in_a_quarter_is_treated_as_a_bad_quarter(isolated, capsys):
    code, output = run_cli(capsys, "run", "--quarter", "2026Q3'; drop table raw.orders; --")
    assert code == 2
    assert "is not a quarter" in output


def test_a_quarter_outside_the_partitions_names_the_valid_range(isolated, capsys):
    code, output = run_cli(capsys, "run", "--quarter", "2019Q1")
    assert code == 2
    assert "quarter 2019Q1 is not a partition: quarters run from 2024Q4 to" in output


def test_missing_demo_sources_say_how_to_create_them(isolated, capsys):
    code, output = run_cli(capsys, "run", "--quarter", "2025Q2")
    assert code == 2
    assert "crm source sqlite:///" in output
    assert "run `sales-targets generate`" in output


def test_an_unreachable_source_is_named_with_its_password_masked(isolated, capsys, monkeypatch):
    with socket.socket() as probe:  # a free loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CRM_DATABASE_URL", f"postgresql+psycopg://etl:s3cret@127.0.0.1:{port}/crm")
    code, output = run_cli(capsys, "backfill", "--from", "2025Q1", "--to", "2025Q2")
    assert code == 2
    assert f"crm source postgresql+psycopg://etl:***@127.0.0.1:{port}/crm is unreachable" in output
    assert "s3cret" not in output


def test_a_backwards_range_is_rejected(isolated, capsys):
    code, output = run_cli(capsys, "backfill", "--from", "2026Q1", "--to", "2025Q2")
    assert code == 2
    assert "--from 2026Q1 is after --to 2025Q2" in output


def test_a_broken_plan_stops_a_run_before_any_source_is_read(isolated, capsys, monkeypatch):
    plan = isolated / "plan"
    shutil.copytree(Settings.from_env().plan_dir, plan, ignore=shutil.ignore_patterns("examples"))
    shares = plan / "dimension_shares.csv"
    shares.write_text(
        shares.read_text().replace("customer,existing,0.60", "customer,existing,0.70")
    )
    monkeypatch.setenv("SALES_TARGETS_PLAN_DIR", str(plan))

    code, output = run_cli(capsys, "run", "--quarter", "2025Q2")

    assert code == 2
    assert f"the plan {plan} breaks 1 rule(s); nothing was run:" in output
    assert f"{plan / 'dimension_shares.csv'}, line 2: customer shares from 2024Q4" in output
    assert "sum to 1.1" in output and "(rule: shares_sum_to_one)" in output
    assert f"see them all with: sales-targets plan check --plan-dir {plan}" in output
    # the sources (missing here) were never reached, and nothing was written
    assert "crm source" not in output
    assert not (isolated / "data" / "warehouse.duckdb").exists()
