"""A run from the command line: one line per step on the terminal, the logs in a file.

Starts from the shared run of the demo world (`published_demo`) and runs its last quarter
again, as a nightly run would.
"""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.cli import main

STEP_LINE = re.compile(r"  \[\s*(\d+)\] (\S+) (done|FAILED|skipped) \(\d+\.\ds\)")


def test_a_run_prints_a_line_per_step_and_keeps_the_full_logs_in_a_file(
    published_demo, tmp_path, monkeypatch, capsys
):
    settings = published_demo.copy_into(tmp_path / "data")
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("CRM_DATABASE_URL", settings.crm_database_url)
    monkeypatch.setenv("ORDERS_DATABASE_URL", settings.orders_database_url)

    code = main(["run", "--quarter", "2026Q3"])

    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    lines = captured.out.splitlines()
    steps = [STEP_LINE.fullmatch(line) for line in lines]
    steps = [match for match in steps if match]
    assert [int(match.group(1)) for match in steps] == list(range(1, len(steps) + 1))
    assert {match.group(3) for match in steps} == {"done"}
    finished = [match.group(2) for match in steps]
    assert {"plan_and_staging", "quarter_models", "published__reporting_store"} <= set(finished)
    assert "orders__order_lines" in finished  # ingestion steps report too
    assert "  quarter_models ..." in lines  # long steps are announced when they start
    # dbt's and Dagster's own lines are not on the terminal ...
    assert "Running with dbt" not in captured.out + captured.err
    assert " - dagster - " not in captured.out + captured.err
    assert len(lines) < len(finished) + 25
    # ... but in the log file the run names
    (log_line,) = [line for line in lines if line.startswith("  logs: ")]
    log_path = log_line.removeprefix("  logs: ").split(" (")[0]
    log = Path(log_path).read_text(encoding="utf-8")
    assert "Running with dbt" in log
    assert " - dagster - INFO - quarter_job - " in log
