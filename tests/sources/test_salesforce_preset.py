"""The Salesforce preset (sources/salesforce/) on a fixture built from Salesforce's objects
as an EL tool lands them: `sources check` passes, ingestion quarantines nothing, and a full
backfill publishes the revenue a direct SQL over the fixture gives, for the business, every
region and every rep, quarter by quarter."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingest.mapping import load_mapping
from orchestration.runner import run_quarters
from orchestration.settings import Settings, sqlite_url
from tests.conftest import DOCS_AND_REPORT, generate_small_world, settings_in
from tests.sources.salesforce_fixture import build_salesforce_fixture

pytestmark = pytest.mark.slow

PRESET = Settings().project_root / "sources" / "salesforce"
URL_VARIABLE = "SALESFORCE_DATABASE_URL"
# plan files naming groups, reps or campaigns by the demo world's keys
PLAN_KEYS = {
    "group_allocation.csv": {"group_id": "user_role"},
    "resources.csv": {"group_id": "user_role"},
    "rep_overrides.csv": {"rep_id": "user"},
    "actions.csv": {"campaign_id": "campaign"},
}


def _plan_for_the_org(plan_dir: Path, out: Path, salesforce_ids: dict) -> Path:
    """The demo plan with its group, rep and campaign keys replaced by the org's ids (a
    campaign the small world never ran keeps its key: the org has no such campaign either)."""
    shutil.copytree(plan_dir, out, ignore=shutil.ignore_patterns("examples"))
    for name, columns in PLAN_KEYS.items():
        path = out / name
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            for column, obj in columns.items():
                if row[column]:
                    row[column] = salesforce_ids.get((obj, row[column]), row[column])
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return out


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """A clean demo world translated into a Salesforce org; settings reading it."""
    folder = tmp_path_factory.mktemp("salesforce")
    demo = generate_small_world(folder / "demo", dirty_share=0.0)
    database = folder / "salesforce.sqlite"
    salesforce_ids = build_salesforce_fixture(demo.sources_dir, database)
    url = sqlite_url(database)
    settings = replace(
        settings_in(folder / "data"),
        source_mapping_dir=PRESET,
        database_urls=((URL_VARIABLE, url),),
        plan_dir=_plan_for_the_org(demo.plan_dir, folder / "plan", salesforce_ids),
    )
    return settings, database


def test_sources_check_reads_every_mapped_table_and_would_quarantine_nothing(
    org, capsys, monkeypatch
):
    settings, database = org
    monkeypatch.setenv(URL_VARIABLE, sqlite_url(database))
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(settings.data_dir))

    code = main(["sources", "check", "--mapping", str(PRESET)])

    out = capsys.readouterr().out
    assert code == 0, out
    mapped = load_mapping(PRESET)
    assert mapped.unmapped == ("campaign_spend", "inventory_snapshots")
    for table in mapped.tables:
        line = next(line for line in out.splitlines() if line.lstrip().startswith(f"{table} "))
        assert " 0 of " in line, line
    assert "not mapped (published as not measured): campaign_spend, inventory_snapshots" in out


def _direct(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


# A region node of the team tree is its tier; the org names its region roles after it.
REGION_TIERS = {"Tier1": "tier1", "Tier2": "tier2", "Tier34": "tier3_4", "Channel": "channel"}
QUARTER_OF_CLOSE = (
    "strftime('%Y', o.close_date) || 'Q' || ((cast(strftime('%m', o.close_date) as integer) "
    "+ 2) / 3)"
)
WON = "o.is_won and not o.is_deleted and not l.is_deleted"
WON_LINES = (
    f"from opportunity_line_item l join opportunity o on o.id = l.opportunity_id where {WON}"
)
# a rep's region: the parent of the group role they hold
WON_LINES_BY_REGION = (
    "from opportunity_line_item l join opportunity o on o.id = l.opportunity_id "
    'join "user" u on u.id = o.owner_id join user_role g on g.id = u.user_role_id '
    f"join user_role r on r.id = g.parent_role_id where {WON}"
)


def test_a_full_backfill_publishes_the_revenue_a_direct_sql_over_the_org_gives(org):
    settings, database = org
    outcome = run_quarters(
        settings,
        date.fromisoformat(settings.first_quarter_start),
        date(2026, 10, 1),
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=DOCS_AND_REPORT,
    )
    assert outcome.success, outcome.error

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        (quarantined,) = warehouse.execute("select count(*) from raw.quarantine").fetchone()
    assert quarantined == 0

    want_total = {
        quarter: Decimal(str(revenue)).quantize(Decimal("0.01"))
        for quarter, revenue in _direct(
            database, f"select {QUARTER_OF_CLOSE}, sum(l.total_price) {WON_LINES} group by 1"
        )
    }
    want_regions = {
        (quarter, REGION_TIERS[region]): Decimal(str(revenue)).quantize(Decimal("0.01"))
        for quarter, region, revenue in _direct(
            database,
            f"select {QUARTER_OF_CLOSE}, r.developer_name, sum(l.total_price) "
            f"{WON_LINES_BY_REGION} "
            "group by 1, 2",
        )
    }
    want_reps = {
        (quarter, rep): Decimal(str(revenue)).quantize(Decimal("0.01"))
        for quarter, rep, revenue in _direct(
            database,
            f"select {QUARTER_OF_CLOSE}, o.owner_id, sum(l.total_price) {WON_LINES} group by 1, 2",
        )
    }
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
    assert len(quarters) == 9 and all(totals[q] > 0 for q in quarters)
    assert {q: Decimal(totals[q]) for q in quarters} == {q: want_total.get(q, 0) for q in quarters}
    regions = {
        (q, node.split("/")[1]): Decimal(str(value))
        for q, node, level, value in published
        if level == "region"
    }
    assert regions == {key: value for key, value in want_regions.items() if key[0] in quarters}
    reps: dict = {}
    for quarter, node, level, value in published:
        if level == "rep":
            key = (quarter, node.rsplit("/", 1)[-1])
            reps[key] = reps.get(key, Decimal(0)) + Decimal(str(value))
    assert reps == {key: value for key, value in want_reps.items() if key[0] in quarters}
