"""The report of a pipeline-published store, opened in headless Chromium (Debian's chromium).

Checks what a person would see: no console error, no network request, every chart drawn,
the node picker switching charts, the print layout, and headline numbers equal to the
ones in reporting.duckdb.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from orchestration.partitions import parse_quarter, quarter_end_of
from orchestration.report.html import render_reports
from orchestration.store_reader import open_store_read_only
from tests.report.devtools import HeadlessPage

pytestmark = pytest.mark.slow

QUARTER = "2026Q3"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CHARTS = """
Array.from(document.querySelectorAll('svg.chart')).map(function (svg) {
  var box = svg.getBoundingClientRect();
  return {chart: svg.getAttribute('data-chart'),
          shapes: svg.querySelectorAll('polyline, rect, line, circle').length,
          texts: svg.querySelectorAll('text').length,
          visible: svg.closest('[hidden]') === null,
          width: box.width, height: box.height};
})
"""
HEADLINE = """
Object.fromEntries(Array.from(document.querySelectorAll('[data-headline] .figure'))
  .map(function (e) { return [e.parentElement.getAttribute('data-headline'), e.textContent]; }))
"""


def _whole(value) -> str:
    return f"{int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def _store_headline(settings) -> dict[str, str]:
    """The headline straight from reporting.duckdb, independent of the report's code."""
    connection = open_store_read_only(settings.reporting_path)
    try:
        target = connection.execute(
            "select target_value from rpt_target_tree "
            "where quarter = ? and node_id = 'total' and metric = 'revenue'",
            [QUARTER],
        ).fetchone()[0]
        actual, expected, projected, reported = connection.execute(
            "select actual_to_date, target_to_date, projected_quarter_end, reported_through "
            "from rpt_progress_weekly where quarter = ? and node_id = 'total' "
            "and metric = 'revenue' order by week_start desc limit 1",
            [QUARTER],
        ).fetchone()
    finally:
        connection.close()
    completion = (Decimal(actual) / Decimal(target) * 100).quantize(Decimal("0.1"))
    headline = {
        "quarter_target": _whole(target),
        "actual_to_date": _whole(actual),
        "completion": f"{completion}%",
        "as_of_date": reported.isoformat(),
    }
    if reported < quarter_end_of(parse_quarter(QUARTER)):  # pace only while it runs
        headline |= {"expected_to_date": _whole(expected), "projected_finish": _whole(projected)}
    return headline


def _store_quarters(settings) -> list[str]:
    connection = open_store_read_only(settings.reporting_path)
    try:
        rows = connection.execute("select distinct quarter from rpt_target_tree order by 1")
        return [quarter for (quarter,) in rows.fetchall()]
    finally:
        connection.close()


def test_report_renders_in_chromium_with_the_stores_numbers(pipeline_settings, chromium, tmp_path):
    paths = render_reports(pipeline_settings, screenshots=True)
    page_path = pipeline_settings.reports_dir / f"{QUARTER}.html"
    assert page_path in paths

    # the screenshot of the first screen sits next to the report
    png = page_path.with_suffix(".png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 20_000

    with HeadlessPage(chromium, tmp_path / "profile") as browser:
        browser.open(page_path.as_uri())
        assert browser.console_errors() == []
        assert [url for url in browser.requested_urls() if not url.startswith("file:")] == []

        charts = browser.evaluate(CHARTS)
        names = [c["chart"] for c in charts]
        assert {"progress:total|revenue", "kpi:customer", "kpi:product", "team:region",
                "team:group", "team:rep"} <= set(names)  # fmt: skip
        assert len(names) == len(set(names))
        for chart in charts:  # every chart has drawn marks and labels
            assert chart["shapes"] >= 3 and chart["texts"] >= 1, chart
        visible = [c for c in charts if c["visible"]]
        assert len(visible) >= 7
        for chart in visible:  # ... and takes room on the screen
            assert chart["width"] > 300 and chart["height"] > 50, chart

        assert browser.evaluate(HEADLINE) == {**browser.evaluate(HEADLINE),
                                              **_store_headline(pipeline_settings)}  # fmt: skip

        # the node picker shows the chosen node's chart and hides the previous one
        before = browser.evaluate("document.getElementById('node-picker').value")
        other = browser.evaluate(
            "Array.from(document.getElementById('node-picker').options)"
            ".map(o => o.value).find(v => v.startsWith('team/') && v.split('/').length > 3)"
        )
        assert other and other != before
        shown = browser.evaluate(
            f"var p = document.getElementById('node-picker'); p.value = {other!r};"
            "p.dispatchEvent(new Event('change'));"
            "Array.from(document.querySelectorAll('.node-chart:not([hidden])'))"
            ".map(f => [f.getAttribute('data-key'), f.getBoundingClientRect().height])"
        )
        assert len(shown) == 1 and shown[0][0] == other and shown[0][1] > 50

        # print: the picker disappears, every tree branch prints open
        browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
        assert (
            browser.evaluate("getComputedStyle(document.querySelector('.picker')).display")
            == "none"
        )

        browser.open((pipeline_settings.reports_dir / "index.html").as_uri())
        assert browser.console_errors() == []
        assert browser.evaluate("document.querySelectorAll('[data-quarter]').length") == len(
            _store_quarters(pipeline_settings)
        )


def test_a_closed_quarter_reads_as_a_result_not_as_a_quarter_in_progress(pipeline_settings):
    """2026Q2 is over: its headline has the actual and the completion, no pace, projection
    or days left, and its rankings draw no 'expected by now 100%' over the 100% line."""
    render_reports(pipeline_settings)
    page = (pipeline_settings.reports_dir / "2026Q2.html").read_text()
    headline = page[
        page.index('id="headline"') : page.index("</section>", page.index('id="headline"'))
    ]
    assert "<dt>Actual</dt>" in headline and "<dt>Closed</dt>" in headline
    for gone in ("Actual to date", "Projected finish", "Days left", "working", "Expected to date"):
        assert gone not in headline, gone
    assert "expected by now" not in page
    # (a quarter in progress keeps them: tests/report/test_report_html.py)


# every chart text drawn outside its own chart's box (cut off on screen and on paper)
CLIPPED_TEXTS = """
Array.from(document.querySelectorAll('svg.chart')).flatMap(function (svg) {
  var box = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text')).filter(function (t) {
    var r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
  }).map(function (t) { return [svg.getAttribute('data-chart'), t.textContent]; });
})
"""
# elements whose content is wider than they are, without a scroll bar of their own
OVERFLOWING = """
Array.from(document.querySelectorAll('main *')).filter(function (e) {
  if (e instanceof SVGElement) { return false; }  // charts: CLIPPED_TEXTS
  var style = getComputedStyle(e);
  return e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
    && style.overflowX !== 'auto' && style.overflowX !== 'scroll';
}).map(function (e) { return e.tagName + '#' + (e.id || e.className); })
"""
SCREEN_HEIGHT = 900


def test_a_quarters_page_fits_its_screens_and_leads_with_findings(
    pipeline_settings, chromium, tmp_path
):
    """The latest quarter's page (every rep, action and review row of the small world):
    nothing wider than the window, no chart label cut off, at most 8 screens tall; the
    incentives and the review lead with a summary and keep every published row in a
    closed, collapsible table (closed on paper too)."""
    render_reports(pipeline_settings)
    page_path = pipeline_settings.reports_dir / f"{QUARTER}.html"
    with HeadlessPage(chromium, tmp_path / "profile") as browser:
        browser.open(page_path.as_uri())
        assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
        assert browser.evaluate(OVERFLOWING) == []
        assert browser.evaluate(CLIPPED_TEXTS) == []
        assert browser.evaluate("document.documentElement.scrollHeight") <= 8 * SCREEN_HEIGHT

        full_tables = browser.evaluate(
            "Array.from(document.querySelectorAll('details.full-table')).map(function (d) {"
            "  return [d.closest('section').id, d.open, d.querySelectorAll('tbody tr').length,"
            "          d.querySelector('summary').textContent]; })"
        )
        rows = _store_row_counts(pipeline_settings)
        assert full_tables == [
            [section, False, rows[table], f"All {rows[table]} rows of {table}"]
            for section, table in (
                ("action-plans", "rpt_action_plans"),
                ("incentives", "rpt_incentives"),
                ("quarter-review", "rpt_quarter_review"),
            )
        ]
        # the review's findings come first: the total, then the best and the worst
        findings = browser.evaluate(
            "Array.from(document.querySelectorAll('#quarter-review .findings li'))"
            ".map(function (li) { return li.textContent; })"
        )
        assert findings[0].startswith("total Total revenue:")
        assert [f.split(" ")[0] for f in findings[1:7]] == ["best"] * 3 + ["worst"] * 3
        assert "commission" in browser.evaluate(
            "document.querySelector('#incentives p.summary').textContent"
        )

        # on paper the tree and the warnings open, the full tables stay closed
        browser.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        closed = browser.evaluate(
            "Array.from(document.querySelectorAll('details')).filter(function (d) {"
            "  return !d.open; }).map(function (d) { return d.className; })"
        )
        assert closed == ["full-table"] * 3


def _store_row_counts(settings) -> dict[str, int]:
    connection = open_store_read_only(settings.reporting_path)
    try:
        return {
            table: connection.execute(
                f"select count(*) from {table} where quarter = ?", [QUARTER]
            ).fetchone()[0]
            for table in ("rpt_action_plans", "rpt_incentives", "rpt_quarter_review")
        }
    finally:
        connection.close()
