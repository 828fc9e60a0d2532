"""A source mapping without leads, campaigns, campaign spend and inventory: every table is
published, what needs the missing tables is "not measured" (null with its reason, never 0,
never flagged), everything else equals the run with the full mapping, and the report says
so in the browser."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from orchestration.report.html import render_reports
from orchestration.report.quarter_data import load_quarter
from orchestration.report.store import published_store
from orchestration.report.terminal import render_status
from orchestration.runner import run_quarters
from tests.conftest import DOCS_AND_REPORT, settings_in
from tests.ingest.test_mapping import _copy_demo_mapping

pytestmark = pytest.mark.slow

QUARTER = "2026Q3"
LEFT_OUT = ("campaigns", "campaign_spend", "leads", "inventory_snapshots")
NO_LEADS = "not measured: the source mapping has no leads"
NO_INVENTORY = "not measured: the source mapping has no inventory_snapshots"
NO_LEADS_NOR_SPEND = "not measured: the source mapping has no leads, campaigns or campaign_spend"
# what the full mapping measures and this one cannot
NOT_MEASURED_CUSTOMER_KPIS = {"lead_conversion_rate"}
NOT_MEASURED_PRODUCT_KPIS = {("long_tail", "inventory_reduction"), ("new", "sell_through_30d")}


def _without(folder, tables) -> None:
    """Drop the named tables' entries from the mapping files of `folder`."""
    for file in folder.glob("*.yml"):
        lines = file.read_text().splitlines(keepends=True)
        kept, skipping = [], False
        for line in lines:
            if line.startswith("  ") and not line.startswith("    "):
                skipping = line.strip().rstrip(":") in tables
            if not skipping:
                kept.append(line)
        file.write_text("".join(kept))


@pytest.fixture(scope="module")
def partial(tmp_path_factory, published_demo):
    folder = tmp_path_factory.mktemp("partial_mapping")
    mapping = _copy_demo_mapping(folder / "mapping")
    _without(mapping, LEFT_OUT)
    settings = replace(
        settings_in(folder / "data"),
        source_mapping_dir=mapping,
        crm_database_url=published_demo.settings.crm_database_url,
        orders_database_url=published_demo.settings.orders_database_url,
    )
    outcome = run_quarters(
        settings,
        date(2026, 7, 1),
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=DOCS_AND_REPORT,
    )
    assert outcome.success, outcome.error
    return settings


def _rows(store, sql: str) -> list[tuple]:
    with duckdb.connect(str(store), read_only=True) as connection:
        return connection.execute(sql, [QUARTER]).fetchall()


def test_the_left_out_tables_were_not_read_and_every_table_is_published(partial):
    with duckdb.connect(str(partial.warehouse_path), read_only=True) as warehouse:
        loaded = dict(
            warehouse.execute(
                "select source_table, count(*) from raw.load_batches group by 1"
            ).fetchall()
        )
        for table in LEFT_OUT:
            assert warehouse.execute(f"select count(*) from raw.{table}").fetchone() == (0,)
    assert set(loaded).isdisjoint(LEFT_OUT) and len(loaded) == 12 - len(LEFT_OUT)
    with duckdb.connect(str(partial.reporting_path), read_only=True) as store:
        tables = {name for (name,) in store.execute("show tables").fetchall()}
        for table in tables - {"rpt_publication"}:
            (rows,) = store.execute(
                f"select count(*) from {table} where quarter = ?", [QUARTER]
            ).fetchone()
            assert rows > 0, table
    assert len(tables) == 10


def test_kpis_that_need_a_left_out_table_are_null_with_their_reason(partial):
    customer = _rows(
        partial.reporting_path,
        "select metric, actual_value, completion, not_measured_reason from rpt_customer_kpis "
        "where quarter = ? and not_measured_reason is not null",
    )
    assert customer == [("lead_conversion_rate", None, None, NO_LEADS)]
    product = _rows(
        partial.reporting_path,
        "select tier, metric, actual_value, not_measured_reason from rpt_product_kpis "
        "where quarter = ? and not_measured_reason is not null order by 1, 2",
    )
    assert product == [
        ("long_tail", "inventory_reduction", None, NO_INVENTORY),
        ("new", "sell_through_30d", None, NO_INVENTORY),
    ]
    # every week of those nodes: no actual, never judged, never flagged
    weeks = _rows(
        partial.reporting_path,
        "select node_id, count(*), count(actual_to_date), count(judged_on), count(flag) "
        "from rpt_progress_weekly where quarter = ? and not_measured_reason is not null "
        "group by 1 order by 1",
    )
    assert [row[0] for row in weeks] == [
        "customer/new/lead_conversion_rate",
        "product/long_tail/inventory_reduction",
        "product/new/sell_through_30d",
    ]
    assert all(count > 0 and tuple(rest) == (0, 0, 0) for _, count, *rest in weeks)
    left_out_nodes = [row[0] for row in weeks]
    marks = ", ".join(f"'{node}'" for node in left_out_nodes)
    assert _rows(
        partial.reporting_path,
        f"select count(*) from rpt_warnings where quarter = ? and node_id in ({marks})",
    ) == [(0,)]
    assert _rows(
        partial.reporting_path,
        f"select count(*) from rpt_quarter_review where quarter = ? and subject in ({marks})",
    ) == [(0,)]


def test_actions_whose_kpi_or_spend_needs_a_left_out_table_are_not_measured(partial):
    actions = _rows(
        partial.reporting_path,
        "select kpi, kpi_actual, spend, outcome_count, flag, not_measured_reason "
        "from rpt_action_plans where quarter = ? order by action_id",
    )
    counted = {kpi for kpi, *_ in actions}
    assert {"leads", "new_customers", "repurchase_rate"} <= counted
    for kpi, kpi_actual, spend, outcome_count, flag, reason in actions:
        if kpi in ("leads", "new_customers"):  # counted from leads; spent through campaigns
            assert (kpi_actual, spend, outcome_count, flag) == (None, None, None, "not_measured")
            assert reason == NO_LEADS_NOR_SPEND
        else:  # counted from orders and customers; these actions have no campaign
            assert kpi_actual is not None and reason is None and flag != "not_measured"


def test_everything_else_equals_the_run_with_the_full_mapping(partial, published_demo):
    full = published_demo.settings.reporting_path
    customer = "select metric, target_value, actual_value, completion, not_measured_reason "
    customer += "from rpt_customer_kpis where quarter = ? order by all"
    assert _rows(partial.reporting_path, customer) == [
        (*row[:2], None, None, NO_LEADS) if row[0] in NOT_MEASURED_CUSTOMER_KPIS else row
        for row in _rows(full, customer)
    ]
    product = "select tier, metric, target_value, actual_value, completion, not_measured_reason "
    product += "from rpt_product_kpis where quarter = ? order by all"
    assert _rows(partial.reporting_path, product) == [
        (*row[:3], None, None, NO_INVENTORY) if row[:2] in NOT_MEASURED_PRODUCT_KPIS else row
        for row in _rows(full, product)
    ]
    team = "select * from rpt_team_performance where quarter = ? order by all"
    assert _rows(partial.reporting_path, team) == _rows(full, team)
    revenue = _rows(
        partial.reporting_path,
        "select sum(actual_value) from rpt_team_performance where quarter = ? and level = 'rep'",
    )[0][0]
    assert Decimal(str(revenue)) > 0


def test_status_and_the_report_say_what_is_not_measured(partial, chromium, tmp_path):
    from tests.report.devtools import HeadlessPage

    with published_store(partial) as store:
        status = render_status(load_quarter(store, QUARTER))
    assert f"lead_conversion_rate: {NO_LEADS}" in status
    assert f"new sell_through_30d: {NO_INVENTORY}" in status
    assert f"long_tail inventory_reduction: {NO_INVENTORY}" in status

    html = partial.reports_dir / f"{QUARTER}.html"
    assert html in render_reports(partial, screenshots=False)
    with HeadlessPage(chromium, tmp_path / "profile") as browser:
        browser.open(html.as_uri())
        assert browser.console_errors() == []
        listed = browser.evaluate(
            "Array.from(document.querySelectorAll('.not-measured-list li'))"
            ".map(li => li.textContent)"
        )
        cells = browser.evaluate(
            "Array.from(document.querySelectorAll('.tree .not-measured')).length"
        )
    assert listed == [
        f"lead conversion rate: {NO_LEADS}",
        f"new sell through 30d: {NO_INVENTORY}",
        f"long tail inventory reduction: {NO_INVENTORY}",
    ]
    assert cells == 3  # the three rate nodes of the target tree
