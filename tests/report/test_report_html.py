"""The HTML report from a hand-written store: numbers, sections, missing tables, offline."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import duckdb

from orchestration.report.html import render_reports
from tests.report.report_store import QUARTER, expected_total, write_store


def _headline(page: str) -> dict[str, str]:
    return {
        key: unescape(text)
        for key, text in re.findall(
            r'data-headline="([a-z_]+)"[^>]*><span class="figure">([^<]*)</span>', page
        )
    }


def test_report_pages_show_the_stores_numbers(fixture_settings):
    paths = render_reports(fixture_settings)

    reports = fixture_settings.reports_dir
    # the index, the quarter page, then a page per group and rep (test_people_pages.py)
    assert paths == [reports / "index.html", reports / f"{QUARTER}.html"] + [
        reports / "people" / QUARTER / page
        for page in ("group/g-star-01.html", "group/g-t1-normal-01.html", "rep/rep-017.html")
    ]
    page = paths[1].read_text()
    expected = expected_total()
    headline = _headline(page)
    assert headline["quarter_target"] == "12,000,000"
    assert headline["actual_to_date"] == "2,492,308"  # 2,492,307.69 rounded half up
    assert headline["actual_to_date"] == f"{round(expected['actual_to_date']):,}"
    assert headline["expected_to_date"] == "2,769,231"
    assert headline["completion"] == "20.8%"  # 2,492,307.69 / 12,000,000
    assert headline["projected_finish"] == "10,800,000"
    assert headline["days_left"] == "50 working"
    assert headline["as_of_date"] == "2026-07-19"
    # the revision shows the original target and its reason
    assert "was 3,000: Launch slipped two weeks" in page
    # tree, KPI, ranking and warning sections hold the store's rows
    assert 'data-node="team/tier1/g-star-01/rep-017"' in page
    assert "Wei Zhang" in page
    assert "161 of 1,000 (16%)" in page  # new customers, target vs actual bars
    assert "1,578,462 of 7,200,000 (22%)" in page
    assert page.count("<td>Tier-2 cities revenue: week") == 3  # one warning row per week
    assert page.index("week 3 at 50%") < page.index("week 1 at 50%")  # newest first
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)"', page)
    assert "progress:total|revenue" in charts
    assert {"kpi:customer", "kpi:product", "team:region", "team:group", "team:rep"} <= set(charts)
    # one pre-rendered chart per node and metric with a target
    assert sum(c.startswith("progress:") for c in charts) == 15
    index = paths[0].read_text()
    assert f'href="{QUARTER}.html"' in index and "12,000,000" in index
    assert "not available yet" in page  # action plans, incentives, review come later


def test_pages_are_self_contained(fixture_settings):
    for path in render_reports(fixture_settings):
        page = path.read_text()
        # no other host, no external script, style sheet, font or image
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.IGNORECASE), path
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(?!data:)", page), path
        assert "@media print" in page
    leftovers = [p.name for p in fixture_settings.reports_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # atomic writes left no temporary file behind


def test_sections_of_unpublished_tables_say_not_available(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "none"))
    from tests.conftest import settings_in

    settings = settings_in(tmp_path)
    write_store(settings.reporting_path, tables=["rpt_target_tree", "rpt_publication"])

    page = render_reports(settings)[1].read_text()

    assert _headline(page)["quarter_target"] == "12,000,000"
    assert _headline(page)["actual_to_date"] == "–"
    for table in ("rpt_progress_weekly", "rpt_warnings", "rpt_customer_kpis",
                  "rpt_team_performance", "rpt_action_plans", "rpt_incentives"):  # fmt: skip
        assert f"not available yet: {table} is not in the published store" in page, table
    assert "Tier-1 Star Group" in page  # the target tree still shows


def test_a_later_table_is_shown_when_it_is_published(fixture_settings):
    connection = duckdb.connect(str(fixture_settings.reporting_path))
    connection.execute(
        "create table rpt_action_plans as select '2026Q3' as quarter, 'a-1' as action_id, "
        "'Online ads' as action_name, 'Li Na' as owner, date '2026-07-01' as start_date, "
        "date '2026-07-31' as end_date, 500000.00::decimal(18,2) as budget, "
        "510000.00::decimal(18,2) as spend, 'new customers' as kpi, 400.0 as kpi_target, "
        "310.0 as kpi_actual, 0.775 as kpi_completion, 1645.16::decimal(18,2) as "
        "cost_per_outcome, 'red' as flag"
    )
    connection.close()

    page = render_reports(fixture_settings)[1].read_text()

    section = page[page.index('id="action-plans"') : page.index('id="incentives"')]
    assert "Online ads" in section and "510,000" in section and "77.5%" in section
    assert 'data-chart="actions:budget"' in section and 'data-chart="actions:kpi"' in section
    assert "not available yet: rpt_incentives" in page


def test_missing_store_names_the_path_and_the_fix(tmp_path):
    from tests.conftest import settings_in

    settings = settings_in(tmp_path)
    try:
        render_reports(settings)
    except Exception as exc:  # noqa: BLE001 - the type is asserted below
        assert type(exc).__name__ == "ReportStoreMissing"
        assert str(settings.reporting_path) in str(exc) and "make demo" in str(exc)
    else:
        raise AssertionError("render_reports did not fail without a store")
    assert not Path(settings.reports_dir).exists()


def test_rate_kpis_and_previous_attainment_read_as_percentages(fixture_settings):
    connection = duckdb.connect(str(fixture_settings.reporting_path))
    connection.execute(
        "create table rpt_action_plans as select '2026Q3' as quarter, 'a-2' as action_id, "
        "'Win-back calls' as action_name, 'Li Na' as owner, date '2026-07-01' as start_date, "
        "date '2026-09-30' as end_date, 80000.00::decimal(18,2) as budget, "
        "20000.00::decimal(18,2) as spend, 'repurchase_rate' as kpi, 0.30 as kpi_target, "
        "0.24 as kpi_actual, 0.8 as kpi_completion, null::decimal(18,2) as "
        "cost_per_outcome, 'amber' as flag"
    )
    connection.execute(
        "create table rpt_incentives as select '2026Q3' as quarter, 'rep-001' as rep_id, "
        "0.9785775524572873 as previous_attainment, 1.0412 as attainment"
    )
    connection.close()

    page = render_reports(fixture_settings)[1].read_text()

    actions = page[page.index('id="action-plans"') : page.index('id="incentives"')]
    # the KPI bullet and the table read a rate as a rate, not "0 of 0 (80%)"
    assert "24.0% of 30.0% (80%)" in actions
    assert '<td class="num">30.0%</td><td class="num">24.0%</td>' in actions
    assert "0 of 0" not in actions
    incentives = page[page.index('id="incentives"') :]
    assert "97.9%" in incentives and "104.1%" in incentives
    assert "0.9785775524572873" not in incentives


def test_chart_labels_get_the_room_they_need_and_an_ellipsis_beyond_it():
    from orchestration.report.svg import BulletRow, bullet_chart

    short = "Referral rewards: new_customers"
    long = "Customer-success call-backs for every lapsed key account: repurchase_rate"
    svg = bullet_chart(
        [
            BulletRow(short, "customers", 150.0, 240.0, 1.6),
            BulletRow(long, "rate", 0.25, 0.014, 0.06),
        ],
        "Action plans: KPI vs target",
        "actions:kpi",
    )
    labels = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" class="label">([^<]*)<', svg
    )
    (x_short, shown_short), (x_long, shown_long) = labels
    # the column grows past the 190 default for the 31 characters, up to its 330 limit
    assert float(x_short) == float(x_long) == 330 - 8
    assert unescape(shown_short) == short
    shown_long = unescape(shown_long)
    assert shown_long.endswith("\u2026") and long.startswith(shown_long[:-1])
    assert len(shown_long) * 7.4 <= 330 - 12


def test_a_rate_without_a_base_reads_as_no_value_yet_not_as_unmeasured():
    from orchestration.report.svg import BulletRow, bullet_chart

    no_base = "no base: no churned customer at the quarter start"
    unmapped = "not measured: the source mapping has no leads"
    svg = bullet_chart(
        [
            BulletRow("Churn recall", "rate", 0.10, None, None, no_base),
            BulletRow("Lead conversion", "rate", 0.25, None, None, unmapped),
        ],
        "Customer KPIs",
        "kpi:customer",
    )
    values = re.findall(r'class="value">([^<]*)<', svg)
    assert values == ["no value yet, target 10.0%", "not measured, target 25.0%"]
