"""Render the quarterly HTML report: `index.html` plus one self-contained page per quarter.

Pages open offline from disk: styles, charts (inline SVG) and the one small script are
inside the file, and nothing refers to another host. Files are swapped in atomically.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from orchestration.report.browser import BrowserError, find_chromium, take_screenshot
from orchestration.report.files import write_atomic
from orchestration.report.formatting import day, percent, whole
from orchestration.report.page_assets import page as page_html
from orchestration.report.people import node_href, node_page, render_team_page
from orchestration.report.people_data import TeamPage, load_team_pages
from orchestration.report.quarter_data import QuarterReport, load_quarter
from orchestration.report.sections import (
    flag_badge,
    headline_section,
    kpi_section,
    later_sections,
    meter,
    progress_section,
    team_section,
    tree_section,
    warnings_section,
)
from orchestration.report.store import PublishedStore, published_store
from orchestration.settings import Settings

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"


def _publication_note(publication: dict[str, Any] | None, generated_at: datetime) -> str:
    generated = generated_at.strftime("%Y-%m-%d %H:%M UTC")
    if not publication:
        return f"generated {generated}"
    published = publication["published_at"]
    number = publication.get("publication_number")
    label = f"publication {number}, " if number is not None else ""
    return f"{label}published {published:%Y-%m-%d %H:%M} UTC; generated {generated}"


def _quarter_nav(quarters: list[str], current: str | None) -> str:
    links = [f'<a href="{INDEX_NAME}">All quarters</a>']
    for quarter in quarters:
        if quarter == current:
            links.append(f"<strong>{escape(quarter)}</strong>")
        else:
            links.append(f'<a href="{escape(quarter)}.html">{escape(quarter)}</a>')
    return f'<nav class="quarters">{" ".join(links)}</nav>'


def render_quarter_page(
    report: QuarterReport,
    quarters: list[str],
    publication: dict[str, Any] | None,
    generated_at: datetime,
) -> str:
    """The complete HTML of one quarter's report."""
    header = (
        f"<h1>Sales targets {escape(report.quarter)}</h1>"
        f'<span class="meta">{report.quarter_start} to {report.quarter_end}, as of '
        f"{day(report.headline.as_of_date)} \u00b7 "
        f"{escape(_publication_note(publication, generated_at))}</span>"
        f"{_quarter_nav(quarters, report.quarter)}"
    )
    body = "".join(
        (
            headline_section(report),
            progress_section(report),
            tree_section(report),
            kpi_section(report),
            team_section(report, partial(node_href, report.quarter)),
            warnings_section(report),
            later_sections(report),
        )
    )
    return page_html(f"Sales targets {report.quarter}", header, body, script=True)


def render_index_page(
    reports: list[QuarterReport], publication: dict[str, Any] | None, generated_at: datetime
) -> str:
    """The index: one card per quarter with its headline, newest first."""
    quarters = [r.quarter for r in reports]
    cards = []
    for report in reversed(reports):
        h = report.headline
        red = sum(
            1
            for root in report.tree or []
            for node in _walk(root)
            for figures in node.metrics.values()
            if figures["flag"] == "red"
        )
        cards.append(
            f'<a href="{escape(report.quarter)}.html" data-quarter="{escape(report.quarter)}">'
            f"<strong>{escape(report.quarter)}</strong> \u00b7 as of {day(h.as_of_date)}<br>"
            f"target {whole(h.quarter_target)}<br>actual {whole(h.actual_to_date)}<br>"
            f"{meter(h.completion)}{percent(h.completion)} done, "
            f"projected {whole(h.projected_finish)}<br>"
            f"{flag_badge('red')} {red} node{'s' if red != 1 else ''} this week</a>"
        )
    body = (
        '<section><h2>Quarters</h2><div class="cards">'
        + ("".join(cards) or '<p class="unavailable">No quarter published yet.</p>')
        + "</div></section>"
    )
    header = (
        "<h1>Sales targets: quarterly reports</h1>"
        f'<span class="meta">{escape(_publication_note(publication, generated_at))}</span>'
        f"{_quarter_nav(quarters, None)}"
    )
    return page_html("Sales targets: quarterly reports", header, body)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _screenshot(html_path: Path) -> Path | None:
    png_path = html_path.with_suffix(".png")
    try:
        return take_screenshot(html_path, png_path)
    except BrowserError as exc:
        # a missing browser must not fail a publish: the HTML is the report
        log.warning("report screenshot skipped: %s", exc)
        return None


def render_reports(
    settings: Settings,
    quarters: list[str] | None = None,
    screenshots: bool | None = None,
) -> list[Path]:
    """Write `index.html`, a page per quarter and a page per rep and per group of each
    quarter (`people.node_page`) into `settings.reports_dir`; return the paths: the index,
    the quarter pages, then the people pages.

    Reads only the published store. `quarters` limits the quarter and people pages (the
    index always lists every published quarter); a page of a node no longer published is
    left where it is. `screenshots` saves `<quarter>.png` next to each quarter page; by
    default whenever a Chromium is installed. Raises `ReportStoreMissing` before the first
    publish.
    """
    generated_at = datetime.now(UTC)
    with published_store(settings) as store:
        published = store.quarters()
        unknown = sorted(set(quarters or []) - set(published))
        if unknown:
            raise ValueError(
                f"quarter(s) {', '.join(unknown)} not in the published store "
                f"{settings.reporting_path} (published: {', '.join(published) or 'none'})"
            )
        wanted = published if quarters is None else [q for q in published if q in quarters]
        reports = [_load(store, q, settings) for q in published]
        publication = store.latest_publication()
        team_pages = {r.quarter: load_team_pages(store, r) for r in reports if r.quarter in wanted}
    take_pictures = find_chromium() is not None if screenshots is None else screenshots
    reports_dir = settings.reports_dir
    written = [
        write_atomic(
            reports_dir / INDEX_NAME, render_index_page(reports, publication, generated_at)
        )
    ]
    people: list[Path] = []
    note = _publication_note(publication, generated_at)
    for report in reports:
        if report.quarter not in wanted:
            continue
        page = render_quarter_page(report, published, publication, generated_at)
        path = write_atomic(reports_dir / f"{report.quarter}.html", page)
        written.append(path)
        if take_pictures:
            _screenshot(path)
        people += _write_team_pages(reports_dir, report, team_pages[report.quarter], note)
    return written + people


def _write_team_pages(
    reports_dir: Path, report: QuarterReport, pages: list[TeamPage], note: str
) -> list[Path]:
    return [
        write_atomic(
            reports_dir / node_page(report.quarter, page.node_id),
            render_team_page(report, page, note),
        )
        for page in pages
    ]


def _load(store: PublishedStore, quarter: str, settings: Settings) -> QuarterReport:
    return load_quarter(store, quarter, settings.fiscal_year_start_month)
