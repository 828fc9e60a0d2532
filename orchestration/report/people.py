"""One self-contained page per rep and per group of each quarter, linked from its ranking.

`node_page` is the contract other code links by: under the reports dir a rep's page is
`people/<quarter>/rep/<rep_id>.html` and a group's `people/<quarter>/group/<group_id>.html`.
Pages show published figures only: no customer, and no rep's contact details.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from orchestration.report.formatting import MISSING, day, percent, whole
from orchestration.report.page_assets import page as page_html
from orchestration.report.people_data import GROUP, REP, TeamPage, team_kind
from orchestration.report.quarter_data import QuarterReport
from orchestration.report.sections import figure_list, flag_badge, meter, unavailable
from orchestration.report.svg import progress_chart

# names each figure of a page for tests and scripts (the quarter page says data-headline)
FIGURE = "data-figure"

PEOPLE_DIR = "people"
ROOT = "../../../"  # from a person page (people/<quarter>/<kind>/) back to the reports dir
KIND_LABELS = {REP: ("Rep", "reps"), GROUP: ("Group", "groups")}


def node_page(quarter: str, node_id: str) -> str | None:
    """The page of a rep or group node, relative to the reports dir; None for other nodes."""
    kind = team_kind(node_id)
    if kind is None:
        return None
    own_id = node_id.rsplit("/", 1)[-1]
    return f"{PEOPLE_DIR}/{quarter}/{kind}/{quote(own_id, safe='')}.html"


def node_href(quarter: str, node_id: str, root: str = "") -> str | None:
    """`node_page` as a link from a page in `root` ('' is the reports dir). The `%` that
    quoting put into a file name is quoted once more: a browser unquotes a link once."""
    path = node_page(quarter, node_id)
    return None if path is None else quote(root + path, safe="/")


def _rank(page: TeamPage) -> tuple[str, str, str, Any, str]:
    text = MISSING if page.rank is None else f"{page.rank} of {page.ranked_among}"
    return ("rank", "Rank", text, page.rank, f"{KIND_LABELS[page.kind][1]} by completion")


def _figures_section(report: QuarterReport, page: TeamPage) -> str:
    head = [
        ("target", "Quarter target", whole(page.target), page.target, ""),
        ("actual", "Actual" if report.closed else "Actual to date", whole(page.actual),
         page.actual, ""),
        ("completion", "Completion", percent(page.completion), page.completion,
         "of the quarter target"),
        _rank(page),
    ]  # fmt: skip
    if report.closed:  # a result: no pace, projection or need per day
        title = f"Result: the quarter closed on {day(report.quarter_end)}"
        return f'<section id="figures"><h2>{title}</h2>{figure_list(head, FIGURE)}</section>'
    latest = page.latest or {}
    due = latest.get("target_to_date")
    expected = float(due) / float(page.target) if due is not None and page.target else None
    items = head + [
        ("expected", "Expected by now", percent(expected), expected,
         f"of the target: {whole(due)} due by {day(page.as_of_date)}"),
        ("pace", "Pace", percent(latest.get("completion_to_date")),
         latest.get("completion_to_date"), "actual to date \u00f7 target due by now"),
    ]  # fmt: skip
    if page.kind == REP:
        days_left = latest.get("remaining_working_days")
        items.append(
            ("per_day", "Needed per day", whole(latest.get("required_daily_run_rate")),
             latest.get("required_daily_run_rate"),
             f"to finish, {days_left if days_left is not None else MISSING} working days left"),
        )  # fmt: skip
    items += [
        ("projected", "Projected finish", whole(latest.get("projected_quarter_end")),
         latest.get("projected_quarter_end"), f"at the quarter's end, {report.quarter_end}"),
    ]  # fmt: skip
    title = f"Quarter to date, as of {day(page.as_of_date)}"
    return f'<section id="figures"><h2>{title}</h2>{figure_list(items, FIGURE)}</section>'


def _progress_section(report: QuarterReport, page: TeamPage) -> str:
    title = '<section id="progress"><h2>Weekly progress</h2>'
    series = page.series
    if series is None:
        note = report.notes.get("progress", "no weekly progress of this node yet")
        return f"{title}{unavailable(note)}</section>"
    return (
        f"{title}<figure>{progress_chart(series, report.quarter_start, report.quarter_end)}"
        "<figcaption>Revenue: actual to date against the target due to date (phased by "
        f"working days), with the warning line ({percent(series.warning_line, 0)} of the "
        f"target to date) and the red line ({percent(series.red_line, 0)}).</figcaption>"
        "</figure></section>"
    )


def _incentives_section(report: QuarterReport, page: TeamPage) -> str:
    title = f'<section id="incentives"><h2>Incentives{"" if report.closed else " to date"}</h2>'
    if report.later.get("rpt_incentives") is None:
        note = report.notes.get("rpt_incentives", "not available yet")
        return f"{title}{unavailable(note)}</section>"
    row = page.incentives
    if row is None:
        note = f"no incentives published for {page.own_id} in {report.quarter}"
        return f"{title}{unavailable(note)}</section>"
    tier = row.get("bonus_tier")
    items = [
        ("commission", "Commission", whole(row.get("commission")), row.get("commission"),
         f"attainment {percent(row.get('attainment'))}"),
        ("bonus", "Bonus", whole(row.get("bonus")), row.get("bonus"),
         f"tier: {tier.replace('_', ' ')}" if tier else "no bonus tier reached"),
        ("awards", "Awards", whole(row.get("awards")), row.get("awards"),
         row.get("award_names") or "none won"),
        ("clawback", "Clawback", whole(row.get("clawback")), row.get("clawback"),
         f"on {whole(row.get('refunded_revenue'))} refunded from earlier quarters"),
    ]  # fmt: skip
    provisional = (
        '<p class="legend-note">Provisional: the quarter is still open.</p>'
        if row.get("is_provisional")
        else ""
    )
    return f"{title}{figure_list(items, FIGURE)}{provisional}</section>"


def _reps_section(report: QuarterReport, page: TeamPage) -> str:
    title = '<section id="reps"><h2>Reps</h2>'
    if not page.reps:
        return f"{title}{unavailable('no rep ranked in this group')}</section>"
    body = "".join(
        f'<tr data-node="{escape(rep.node_id)}">'
        f'<td class="num">{rep.rank if rep.rank is not None else MISSING}</td>'
        f'<td><a href="{escape(node_href(report.quarter, rep.node_id, ROOT) or "")}">'
        f"{escape(rep.name)}</a></td>"
        f'<td class="num">{whole(rep.target)}</td><td class="num">{whole(rep.actual)}</td>'
        f'<td class="num">{meter(rep.completion)}{percent(rep.completion)}</td>'
        f'<td class="num">{MISSING if rep.warnings is None else len(rep.warnings)}</td></tr>'
        for rep in page.reps
    )
    return (
        f'{title}<div class="table-wrap"><table><thead><tr>'
        f'<th class="num">Rank of {page.reps[0].ranked_among} reps</th><th>Rep</th>'
        '<th class="num">Target</th><th class="num">Actual</th>'
        '<th class="num">Completion</th><th class="num">Warnings</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div></section>"
    )


def _warnings_section(report: QuarterReport, page: TeamPage) -> str:
    title = '<section id="warnings"><h2>Warnings this quarter, newest first</h2>'
    if page.warnings is None:
        return f"{title}{unavailable(report.notes.get('warnings', 'not available yet'))}</section>"
    if not page.warnings:
        return f'{title}<p class="unavailable">No warnings this quarter.</p></section>'
    body = "".join(
        f'<tr data-week="{row["week_start"]}" data-metric="{escape(row["metric"])}">'
        f'<td class="num">{row.get("week_number") or MISSING}</td>'
        f'<td class="num">{row["week_start"]}</td>'
        # warning_level replaces the deprecated `level`; older stores have only `level`
        f"<td>{flag_badge(row.get('warning_level') or row.get('level'))}</td>"
        f"<td>{escape(row['metric'])}</td>"
        f'<td class="num">{percent(row["completion"])}</td>'
        f'<td class="num">{percent(row.get("threshold"), 0)}</td>'
        f"<td>{escape(row['message'])}</td></tr>"
        for row in page.warnings
    )
    return (
        f'{title}<div class="table-wrap"><table><thead><tr><th class="num">Week</th>'
        '<th class="num">Starting</th><th>Flag</th>'
        '<th>Metric</th><th class="num">Completion</th><th class="num">Line</th>'
        f"<th>Message</th></tr></thead><tbody>{body}</tbody></table></div></section>"
    )


def render_team_page(report: QuarterReport, page: TeamPage, publication_note: str) -> str:
    """The complete HTML of one rep's or group's quarter."""
    kind_label = KIND_LABELS[page.kind][0]
    quarter = escape(quote(report.quarter))
    links = [
        f'<a href="{ROOT}index.html">All quarters</a>',
        f'<a href="{ROOT}{quarter}.html">{escape(report.quarter)} report</a>',
    ]
    if page.group is not None:
        group_href = node_href(report.quarter, page.group.node_id, ROOT) or ""
        links.append(f'<a href="{escape(group_href)}">Group: {escape(page.group.name)}</a>')
    header = (
        f"<h1>{escape(page.name)}</h1>"
        f'<span class="meta">{kind_label} \u00b7 {escape(report.quarter)}, '
        f"{report.quarter_start} to {report.quarter_end}, as of {day(page.as_of_date)} \u00b7 "
        f"{escape(publication_note)}</span>"
        f'<nav class="quarters">{" ".join(links)}</nav>'
    )
    own = _incentives_section if page.kind == REP else _reps_section
    body = "".join(
        (
            _figures_section(report, page),
            _progress_section(report, page),
            own(report, page),
            _warnings_section(report, page),
        )
    )
    return page_html(f"{page.name} \u00b7 {kind_label} \u00b7 {report.quarter}", header, body)
