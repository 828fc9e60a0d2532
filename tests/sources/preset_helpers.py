"""What the tests of the source-mapping presets share: a fixture database built from a clean
demo world (its builders read the world with `demo_rows`) and settings reading it through
the preset, with the plan `plan init` writes from it; `sources check` over the preset; the
backfill; and the revenue it published for the business, every region and every rep, to
compare with a direct SQL over the fixture."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingest.mapping import load_mapping
from orchestration.partitions import quarter_label
from orchestration.runner import run_quarters
from orchestration.settings import Settings, sqlite_url
from tests.conftest import DOCS_AND_REPORT, generate_small_world, settings_in

# (demo sources folder, fixture database) -> the fixture's id of each demo record, by
# (the source's object or table, demo key)
FixtureBuilder = Callable[[Path, Path], dict[tuple[str, object], str]]
# the backfill: the settings' first quarter to 2026Q4, where the small world's data ends
LAST_QUARTER = date(2026, 10, 1)
QUARTERS = 9
CENT = Decimal("0.01")


def preset_world_fixture(name: str, preset: Path, url_variable: str, build: FixtureBuilder):
    """A module fixture `name`: (settings, database) of a clean small demo world translated
    into a fixture database by `build`, the settings reading it through `preset` (its URL
    in `url_variable`) with the plan `plan init` writes from it, as a user would start:
    `plan init` exits 0 and `plan check` passes on its plan against the org."""

    def world(tmp_path_factory) -> tuple[Settings, Path]:
        folder = tmp_path_factory.mktemp(name)
        demo = generate_small_world(folder / "demo", dirty_share=0.0)
        database = folder / f"{preset.name}.sqlite"
        build(demo.sources_dir, database)
        plan = folder / "plan"
        with pytest.MonkeyPatch.context() as env:
            env.setenv(url_variable, sqlite_url(database))
            env.setenv("SALES_TARGETS_DATA_DIR", str(folder / "data"))
            env.setenv("SALES_TARGETS_SOURCE_MAPPING", str(preset))
            last = quarter_label(LAST_QUARTER)
            assert main(["plan", "init", "--out", str(plan), "--to", last]) == 0
            assert main(["plan", "check", "--plan-dir", str(plan)]) == 0
        settings = replace(
            settings_in(folder / "data"),
            source_mapping_dir=preset,
            database_urls=((url_variable, sqlite_url(database)),),
            plan_dir=plan,
        )
        return settings, database

    return pytest.fixture(scope="module", name=name)(world)


def assert_sources_check_passes(
    preset: Path, url_variable: str, world: tuple[Settings, Path], not_mapped, capsys, monkeypatch
) -> None:
    """`sources check --mapping <preset>`, run as a user would, passes, would quarantine
    none of the sampled rows of any mapped table and names the `not_mapped` tables as
    published as not measured."""
    settings, database = world
    monkeypatch.setenv(url_variable, sqlite_url(database))
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(settings.data_dir))

    code = main(["sources", "check", "--mapping", str(preset)])

    out = capsys.readouterr().out
    assert code == 0, out
    mapping = load_mapping(preset)
    for table in mapping.tables:
        line = next(line for line in out.splitlines() if line.lstrip().startswith(f"{table} "))
        assert " 0 of " in line, line
    assert mapping.unmapped == tuple(not_mapped)
    assert f"not mapped (published as not measured): {', '.join(not_mapped)}" in out


def backfill_without_quarantine(settings: Settings) -> None:
    """Backfill every quarter to LAST_QUARTER (no docs, no report); nothing is quarantined."""
    outcome = run_quarters(
        settings,
        date.fromisoformat(settings.first_quarter_start),
        LAST_QUARTER,
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=DOCS_AND_REPORT,
    )
    assert outcome.success, outcome.error
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        (quarantined,) = warehouse.execute("select count(*) from raw.quarantine").fetchone()
    assert quarantined == 0


def direct(database: Path, sql: str) -> list[tuple]:
    """Rows of `sql` run straight on the fixture database."""
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def demo_rows(path: Path, sql: str) -> list[sqlite3.Row]:
    """Rows of `sql` on a demo world's database, by column name."""
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql).fetchall()


def current_groups(crm: Path) -> dict[str, str]:
    """Each rep's current group in the demo CRM: the one a source without assignment
    history holds."""
    return {
        row["rep_id"]: row["group_id"]
        for row in demo_rows(
            crm,
            "select rep_id, group_id from rep_assignments where valid_to is null "
            "order by valid_from",
        )
    }


def in_cents(rows: list[tuple]) -> dict:
    """{key: amount} from rows of (*key, amount), amounts as Decimal cents; a one-part key
    stands alone."""
    return {
        (row[0] if len(row) == 2 else tuple(row[:-1])): Decimal(str(row[-1])).quantize(CENT)
        for row in rows
    }


def quarter_of(day: str) -> str:
    """SQLite expression of the calendar quarter (`2025Q1`) of the date expression `day`."""
    return f"strftime('%Y', {day}) || 'Q' || ((cast(strftime('%m', {day}) as integer) + 2) / 3)"


def assert_published_revenue(
    settings: Settings, total: Mapping, regions: Mapping, reps: Mapping
) -> None:
    """The published revenue equals the expected one, quarter by quarter: `total`
    {quarter: revenue} at the last week of each quarter (rpt_progress_weekly), `regions`
    {(quarter, region tier): revenue} and `reps` {(quarter, rep id): revenue}
    (rpt_team_performance; a rep in two groups of a quarter adds up)."""
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        published = store.execute(
            "select quarter, node_id, level, actual_value from rpt_team_performance"
        ).fetchall()
        totals = dict(
            store.execute(
                "select p.quarter, p.actual_to_date from rpt_progress_weekly p "
                "where p.node_id = 'total' and p.metric = 'revenue' and p.week_start = "
                "(select max(week_start) from rpt_progress_weekly w where w.quarter = p.quarter)"
            ).fetchall()
        )
    quarters = sorted(totals)
    assert len(quarters) == QUARTERS and all(totals[q] > 0 for q in quarters)
    assert {q: Decimal(totals[q]) for q in quarters} == {q: total.get(q, 0) for q in quarters}
    published_regions = {
        (q, node.split("/")[1]): Decimal(str(value))
        for q, node, level, value in published
        if level == "region"
    }
    assert published_regions == {key: value for key, value in regions.items() if key[0] in quarters}
    published_reps: dict = {}
    for quarter, node, level, value in published:
        if level == "rep":
            key = (quarter, node.rsplit("/", 1)[-1])
            published_reps[key] = published_reps.get(key, Decimal(0)) + Decimal(str(value))
    assert published_reps == {key: value for key, value in reps.items() if key[0] in quarters}
