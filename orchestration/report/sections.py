# Longer than 300 lines: one renderer per report section over shared helpers.
"""The HTML of each report section, from a `QuarterReport`; nothing here reads the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from orchestration.report.formatting import (
    MISSING,
    as_float,
    day,
    metric_value,
    missing_value_label,
    percent,
    whole,
)
from orchestration.report.quarter_data import LATER_TABLES, QuarterReport, TreeNode
from orchestration.report.svg import BulletRow, RankRow, bullet_chart, progress_chart, ranking_chart

# Flags carry an icon and a word, never colour alone.
FLAG_LABELS = {
    "red": "\u25a0 red",
    "amber": "\u25b2 amber",
    "on_track": "\u2713 on track",
    None: "\u2013 no data",
}
DIMENSION_TITLES = {
    "customer": "Customer dimension",
    "product": "Product dimension",
    "team": "Team dimension",
    "responsibility": "Cross-dimension responsibilities",
}
KPI_LABELS = {
    "new_customers": "New customers",
    "lead_conversion_rate": "Lead conversion",
    "repurchase_rate": "Repurchase rate",
    "aov_lift": "AOV lift",
    "churn_recall_rate": "Churn recall",
    "revenue": "Revenue",
    "units": "Units",
    "revenue_share": "Revenue share",
    "sell_through_30d": "30-day sell-through",
    "inventory_reduction": "Inventory reduction",
}
TIER_LABELS = {"core": "Core", "new": "New", "long_tail": "Long tail"}
KPI_METRIC_UNIT = {"new_customers": "customers", "units": "units", "revenue": "revenue"}


def flag_badge(flag: str | None, message: str | None = None) -> str:
    css = flag if flag in ("red", "amber", "on_track") else "none"
    tip = f' title="{escape(message)}"' if message else ""
    return f'<span class="flag {css}"{tip}>{escape(FLAG_LABELS.get(flag, str(flag)))}</span>'


def unavailable(note: str) -> str:
    return f'<p class="unavailable">{escape(note)}</p>'


def meter(fraction: float | None) -> str:
    width = 0 if fraction is None else max(0.0, min(fraction, 1.0)) * 100
    return f'<span class="meter" aria-hidden="true"><i style="width:{width:.0f}%"></i></span>'


# --- headline ----------------------------------------------------------------------------


def _closed_headline(report: QuarterReport) -> list[tuple]:
    """A quarter that is over: its result, no pace, projection or days left."""
    h = report.headline
    return [
        ("quarter_target", "Quarter target", whole(h.quarter_target), h.quarter_target, ""),
        ("actual_to_date", "Actual", whole(h.actual_to_date), h.actual_to_date, ""),
        ("completion", "Completion", percent(h.completion), h.completion, "of the quarter target"),
        ("as_of_date", "Closed", day(report.quarter_end), h.as_of_date, "the quarter is over"),
    ]  # fmt: skip


def headline_section(report: QuarterReport) -> str:
    h = report.headline
    days_left = f"{h.working_days_left} working" if h.working_days_left is not None else MISSING
    calendar_left = max((report.quarter_end - h.as_of_date).days, 0) if h.as_of_date else None
    items = _closed_headline(report) if report.closed else [
        ("quarter_target", "Quarter target", whole(h.quarter_target), h.quarter_target, ""),
        ("actual_to_date", "Actual to date", whole(h.actual_to_date), h.actual_to_date, ""),
        ("completion", "Completion", percent(h.completion), h.completion, "of the quarter target"),
        (
            "expected_to_date", "Expected to date", whole(h.expected_to_date), h.expected_to_date,
            f"pace {percent(h.pace)} of expected",
        ),
        (
            "projected_finish", "Projected finish", whole(h.projected_finish), h.projected_finish,
            "from the recent run rate",
        ),
        (
            "days_left", "Days left", days_left, h.working_days_left,
            f"{calendar_left} calendar days" if calendar_left is not None else "",
        ),
        (
            "as_of_date", "As of", day(h.as_of_date), h.as_of_date,
            f"quarter ends {report.quarter_end}",
        ),
    ]  # fmt: skip
    missing = ""
    if "progress" in report.notes:
        missing = unavailable(f"Actuals and pacing {report.notes['progress']}")
    return (
        '<section id="headline"><h2>Headline</h2>'
        f"{figure_list(items, 'data-headline')}{missing}</section>"
    )


def figure_list(items: list[tuple[str, str, str, Any, str]], attribute: str) -> str:
    """Figures as headline cards: (key, label, text, raw value, note) each; `attribute`
    names each card's figure for tests and scripts, its raw value in data-value."""
    cells = []
    for key, label, text, raw, small in items:
        raw_text = "" if raw is None else str(raw)
        note = f"<small>{escape(small)}</small>" if small else ""
        cells.append(
            f'<div><dt>{escape(label)}</dt><dd {attribute}="{key}" '
            f'data-value="{escape(raw_text)}"><span class="figure">{escape(text)}</span>'
            f"{note}</dd></div>"
        )
    return f'<dl class="headline">{"".join(cells)}</dl>'


# --- target tree -------------------------------------------------------------------------


def _metric_row(node: TreeNode, metric: str, with_name: bool) -> str:
    figures = node.metrics[metric]
    unit = "" if metric == "revenue" else f' <span class="metric-note">({metric})</span>'
    name = escape(node.name) + unit if with_name else f'<span class="metric-note">{metric}</span>'
    revised = ""
    original = figures.get("original_target")
    if original is not None and figures["target"] is not None and original != figures["target"]:
        reason = figures.get("revision_reason") or "revised"
        revised = (
            f'<span class="revised">was {metric_value(original, metric)}: {escape(reason)}</span>'
        )
    not_measured = figures.get("not_measured")
    actual = (
        metric_value(figures["actual"], metric)
        if not_measured is None
        else (
            f'<span class="not-measured" title="{escape(not_measured)}">'
            f"{missing_value_label(not_measured)}</span>"
        )
    )
    return (
        f'<span class="name">{name}</span>'
        f'<span class="num">{metric_value(figures["target"], metric)}{revised}</span>'
        f'<span class="num">{actual}</span>'
        f'<span class="num">{meter(figures["completion"])}{percent(figures["completion"])}</span>'
        f"<span>{flag_badge(figures['flag'], figures.get('flag_message'))}</span>"
    )


def _summary_row(node: TreeNode) -> str:
    row = _metric_row(node, node.primary_metric, True)
    return f'<div class="row" data-node="{escape(node.node_id)}">{row}</div>'


def _node_html(node: TreeNode, open_: bool = False) -> str:
    primary = node.primary_metric
    summary = _summary_row(node)
    extra = [
        f'<div class="row">{_metric_row(node, metric, False)}</div>'
        for metric in node.metrics
        if metric != primary
    ]
    if not node.children and not extra:
        return f'<div class="leaf">{summary}</div>'
    children = "".join(_node_html(child) for child in node.children)
    opened = " open" if open_ else ""
    return (
        f"<details{opened}><summary>{summary}</summary>"
        f'<div class="children">{"".join(extra)}{children}</div></details>'
    )


def tree_section(report: QuarterReport) -> str:
    title = '<section id="tree"><h2>Target tree</h2>'
    if report.tree is None:
        return title + unavailable(report.notes.get("tree", "not available yet")) + "</section>"
    head = (
        '<div class="row head"><span>Node</span><span class="num">Target</span>'
        '<span class="num">Actual</span><span class="num">Completion</span><span>Flag</span></div>'
    )
    parts = []
    for root in report.tree:
        by_dimension: dict[str, list[TreeNode]] = {}
        for child in root.children:
            by_dimension.setdefault(child.dimension, []).append(child)
        dimensions = "".join(
            f'<details class="dimension"{" open" if dimension != "responsibility" else ""}>'
            f'<summary><div class="row"><span class="name">'
            f"{escape(DIMENSION_TITLES.get(dimension, dimension))}</span>"
            f"<span></span><span></span><span></span><span></span></div></summary>"
            f'<div class="children">{"".join(_node_html(n) for n in nodes)}</div></details>'
            for dimension, nodes in by_dimension.items()
        )
        summary = _summary_row(root)
        parts.append(
            f"<details open><summary>{summary}</summary>"
            f'<div class="children">{dimensions}</div></details>'
        )
    note = (
        '<p class="legend-note">Completion = actual to date \u00f7 quarter target. The flag judges '
        "the node's latest complete week (\u25b2 amber below the warning line, "
        "\u25a0 red below the red line). Click a row to open it.</p>"
    )
    return f'{title}{note}<div class="tree">{head}{"".join(parts)}</div></section>'


# --- weekly progress ---------------------------------------------------------------------


def progress_section(report: QuarterReport) -> str:
    title = '<section id="progress"><h2>Weekly progress</h2>'
    if report.progress is None:
        return title + unavailable(report.notes.get("progress", "not available yet")) + "</section>"
    total = next(
        (s for s in report.progress if s.node_id == "total" and s.metric == "revenue"), None
    )
    others = [s for s in report.progress if s is not total]
    parts = [title]
    if total:
        parts.append(
            f"<figure>{progress_chart(total, report.quarter_start, report.quarter_end)}"
            "<figcaption>Total revenue: actual to date against the target due to date (phased "
            f"by working days), with the warning line ({percent(total.warning_line, 0)} of the "
            f"target to date) and the red line ({percent(total.red_line, 0)}).</figcaption>"
            "</figure>"
        )
    else:
        parts.append(unavailable("no weekly progress of the total yet"))
    if others:
        default = next((s for s in others if s.dimension == "team"), others[0])
        groups: dict[str, list[str]] = {}
        for series in others:
            label = f"{series.node_name} \u2014 {series.metric} ({series.node_id})"
            selected = " selected" if series is default else ""
            groups.setdefault(series.dimension, []).append(
                f'<option value="{escape(series.key)}"{selected}>{escape(label)}</option>'
            )
        options = "".join(
            f'<optgroup label="{escape(DIMENSION_TITLES.get(d, d))}">{"".join(o)}</optgroup>'
            for d, o in groups.items()
        )
        charts = "".join(
            f'<figure class="node-chart" data-key="{escape(series.key)}"'
            f"{'' if series is default else ' hidden'}>"
            f"{progress_chart(series, report.quarter_start, report.quarter_end)}"
            f"<figcaption>{escape(series.node_name)} ({escape(series.metric)}), "
            f"{escape(series.node_id)}</figcaption></figure>"
            for series in others
        )
        parts.append(
            "<h3>Any node</h3>"
            '<p class="picker"><label for="node-picker">Node: </label>'
            f'<select id="node-picker">{options}</select></p>{charts}'
        )
    parts.append("</section>")
    return "".join(parts)


# --- KPIs --------------------------------------------------------------------------------


def _kpi_rows(rows: Iterable[dict[str, Any]], label_of) -> list[BulletRow]:
    return [
        BulletRow(
            label=label_of(row),
            metric=KPI_METRIC_UNIT.get(row["metric"], row["metric"]),
            target=as_float(row["target_value"]),
            actual=as_float(row["actual_value"]),
            completion=as_float(row["completion"]),
            not_measured=row.get("not_measured_reason"),
        )
        for row in rows
    ]


def kpi_section(report: QuarterReport) -> str:
    parts = ['<section id="kpis"><h2>Customer and product KPIs</h2><h3>Customer lifecycle</h3>']
    if report.customer_kpis is None:
        parts.append(unavailable(report.notes.get("customer_kpis", "not available yet")))
    elif not report.customer_kpis:
        parts.append(unavailable("no customer KPIs published for this quarter"))
    else:
        rows = _kpi_rows(report.customer_kpis, lambda r: KPI_LABELS.get(r["metric"], r["metric"]))
        parts.append(
            "<figure>"
            + bullet_chart(rows, "Customer lifecycle KPIs: target vs actual", "kpi:customer")
            + "</figure>"
        )
    parts.append("<h3>Product tiers</h3>")
    if report.product_kpis is None:
        parts.append(unavailable(report.notes.get("product_kpis", "not available yet")))
    else:
        with_target = [r for r in report.product_kpis if r["target_value"] is not None]
        if not with_target:
            parts.append(unavailable("no product KPI targets published for this quarter"))
        else:
            rows = _kpi_rows(
                with_target,
                lambda r: (
                    f"{TIER_LABELS.get(r['tier'], r['tier'])}: "
                    f"{KPI_LABELS.get(r['metric'], r['metric'])}"
                ),
            )
            parts.append(
                "<figure>"
                + bullet_chart(rows, "Product-tier KPIs: target vs actual", "kpi:product")
                + "</figure>"
            )
    not_measured = report.not_measured()
    if not_measured:
        items = "".join(
            f"<li>{escape(name.replace('_', ' '))}: {escape(reason)}</li>"
            for name, reason in not_measured
        )
        parts.append(
            f'<div class="not-measured-list"><h3>Without a value</h3><ul>{items}</ul></div>'
        )
    parts.append("</section>")
    return "".join(parts)


# --- team ranking --------------------------------------------------------------------------


def team_section(report: QuarterReport, href_of: Callable[[str], str | None] | None = None) -> str:
    """The rankings; `href_of(node_id)` links a label to that node's own page, if it has one."""
    parts = ['<section id="team"><h2>Team ranking</h2>']
    if report.team is None:
        parts.append(unavailable(report.notes.get("team", "not available yet")))
        return "".join(parts) + "</section>"
    expected = report.headline.expected_completion
    for level, title in (("region", "Regions"), ("group", "Groups"), ("rep", "Reps")):
        rows = [row for row in report.team if row["level"] == level]
        if not rows:
            continue
        ranked = [
            RankRow(
                rank=int(row["rank_in_level"]),
                label=row["node_name"] or row["node_id"],
                completion=as_float(row["completion"]),
                detail=f"{whole(row['actual_value'])} of {whole(row['target_value'])}",
                href=href_of(row["node_id"]) if href_of else None,
            )
            for row in rows
        ]
        chart = ranking_chart(ranked, expected, f"{title} ranked by completion", f"team:{level}")
        parts.append(f"<h3>{title}</h3><figure>{chart}</figure>")
    opens = " A group's or rep's name opens its own page." if href_of else ""
    parts.append(
        '<p class="legend-note">Completion = revenue to date \u00f7 quarter target; the dashed '
        f"orange line is the share of the target due by the as-of date.{opens}</p></section>"
    )
    return "".join(parts)


# --- warnings ----------------------------------------------------------------------------


def warnings_section(report: QuarterReport) -> str:
    parts = ['<section id="warnings"><h2>Warnings, newest first</h2>']
    if report.warnings is None:
        parts.append(unavailable(report.notes.get("warnings", "not available yet")))
        return "".join(parts) + "</section>"
    if not report.warnings:
        parts.append('<p class="unavailable">No warnings this quarter.</p></section>')
        return "".join(parts)
    weeks: dict[date, list[dict[str, Any]]] = {}
    for row in report.warnings:
        weeks.setdefault(row["week_start"], []).append(row)
    for index, (week, rows) in enumerate(weeks.items()):
        reds = sum(1 for r in rows if r["level"] == "red")
        number = rows[0].get("week_number")
        label = f"Week {number}, " if number is not None else ""
        body = "".join(
            "<tr>"
            f"<td>{flag_badge(r['level'])}</td>"
            f"<td>{escape(r.get('node_name') or r['node_id'])}</td>"
            f"<td>{escape(r['metric'])}</td>"
            f'<td class="num">{percent(r["completion"])}</td>'
            f'<td class="num">{percent(r["threshold"], 0)}</td>'
            f'<td class="num">{r["consecutive_weeks"]}</td>'
            f"<td>{escape(r['owner'])}</td>"
            f"<td>{escape(r['message'])}</td>"
            "</tr>"
            for r in rows
        )
        parts.append(
            f'<details class="week-warnings"{" open" if index == 0 else ""}><summary>'
            f"{label}starting {week}: {len(rows)} warnings ({reds} red)</summary>"
            "<table><thead><tr><th>Flag</th><th>Node</th><th>Metric</th>"
            '<th class="num">Completion</th><th class="num">Line</th>'
            '<th class="num">Weeks in a row</th><th>Owner</th><th>Message</th></tr></thead>'
            f"<tbody>{body}</tbody></table></details>"
        )
    parts.append("</section>")
    return "".join(parts)


# --- tables published later: action plans, incentives, review ---------------------------

MONEY_COLUMNS = {"budget", "spend", "revenue", "commission", "bonus", "awards", "cost_per_outcome"}
# completions and attainments (previous_attainment too) read as percentages
RATE_SUFFIXES = ("completion", "attainment")
HIDDEN_COLUMNS = {"quarter", "as_of_date"}


def _cell(column: str, value: Any, row: dict[str, Any]) -> str:
    if value is None:
        return f'<td class="num">{MISSING}</td>'
    if column == "flag":
        shown = flag_badge(value) if value in ("red", "amber") else escape(str(value))
        return f"<td>{shown}</td>"
    if column in MONEY_COLUMNS:
        return f'<td class="num">{whole(value)}</td>'
    if column.endswith(RATE_SUFFIXES):
        return f'<td class="num">{percent(value)}</td>'
    if column in ("target_value", "actual_value", "kpi_target", "kpi_actual"):
        # an action's KPI (kpi) may be a rate such as repurchase_rate, like a metric
        metric = str(row.get("metric") or row.get("kpi") or "")
        return f'<td class="num">{metric_value(value, metric)}</td>'
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int | float | Decimal):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _generic_table(rows: list[dict[str, Any]]) -> str:
    # a wide table scrolls inside its own box instead of widening the page
    columns = [c for c in rows[0] if c not in HIDDEN_COLUMNS]
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(c, row[c], row) for c in columns) + "</tr>" for row in rows
    )
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _full_table(table: str, rows: list[dict[str, Any]]) -> str:
    """Every published row, closed by default (on paper too): the page leads with findings,
    the rows are one click away and whole in the store."""
    return (
        f'<details class="full-table"><summary>All {len(rows)} rows of {table}</summary>'
        f"{_generic_table(rows)}</details>"
    )


def _incentive_summary(rows: list[dict[str, Any]]) -> str:
    def total(column: str) -> Decimal:
        return sum((Decimal(str(r[column])) for r in rows if r.get(column) is not None),
                   Decimal(0))  # fmt: skip

    bonus_reps = sum(1 for r in rows if r.get("bonus") and Decimal(str(r["bonus"])) > 0)
    award_names = sorted({r["award_names"] for r in rows if r.get("award_names")})
    facts = [
        f"{len(rows)} reps earned {whole(total('commission'))} in commission",
        (
            f"bonuses of {whole(total('bonus'))} to {bonus_reps} rep{'s' if bonus_reps > 1 else ''}"
            if bonus_reps
            else "no bonus reached yet"
        ),
        f"awards of {whole(total('awards'))}"
        + (f" ({escape('; '.join(award_names))})" if award_names else ""),
        f"clawbacks of {whole(total('clawback'))} on {whole(total('refunded_revenue'))} "
        "refunded from earlier quarters",
    ]
    return f'<p class="summary">{"; ".join(facts)}.</p>'


# review sections that lead the page, in this order; the per-node rows stay in the table
REVIEW_LEADS = ("total", "best", "worst", "short_board", "next_quarter")


def _review_findings(rows: list[dict[str, Any]]) -> str:
    leading = sorted(
        (r for r in rows if r.get("section") in REVIEW_LEADS),
        key=lambda r: (REVIEW_LEADS.index(r["section"]), r.get("finding_order") or 0),
    )
    if not leading:
        return ""
    items = "".join(
        f'<li><span class="section-name">{escape(str(r["section"]).replace("_", " "))}</span> '
        f"{escape(str(r.get('finding') or r.get('subject') or ''))}</li>"
        for r in leading
    )
    return f'<ol class="findings">{items}</ol>'


def _action_charts(rows: list[dict[str, Any]]) -> str:
    charts = []
    if {"action_name", "budget", "spend"} <= set(rows[0]):
        spend = [
            BulletRow(
                r["action_name"], "revenue", as_float(r["budget"]), as_float(r["spend"]),
                (float(r["spend"]) / float(r["budget"])) if r["budget"] and r["spend"] is not None
                else None,
            )
            for r in rows
        ]  # fmt: skip
        charts.append(bullet_chart(spend, "Action plans: spend vs budget", "actions:budget"))
    if {"action_name", "kpi_target", "kpi_actual"} <= set(rows[0]):
        kpis = [
            BulletRow(
                f"{r['action_name']}: {r.get('kpi') or 'KPI'}", str(r.get("kpi") or "units"),
                as_float(r["kpi_target"]), as_float(r["kpi_actual"]),
                as_float(r.get("kpi_completion")),
                r.get("not_measured_reason") if r["kpi_actual"] is None else None,
            )
            for r in rows
        ]  # fmt: skip
        charts.append(bullet_chart(kpis, "Action plans: KPI vs target", "actions:kpi"))
    return "".join(f"<figure>{chart}</figure>" for chart in charts)


def later_sections(report: QuarterReport) -> str:
    parts = []
    for table, (title, _order) in LATER_TABLES.items():
        anchor = table.removeprefix("rpt_").replace("_", "-")
        parts.append(f'<section id="{anchor}"><h2>{escape(title)}</h2>')
        rows = report.later.get(table)
        if rows is None:
            parts.append(unavailable(report.notes.get(table, "not available yet")))
        elif not rows:
            parts.append(unavailable(f"nothing in {table} for {report.quarter}"))
        else:
            if table == "rpt_action_plans":
                parts.append(_action_charts(rows))
            elif table == "rpt_incentives":
                parts.append(_incentive_summary(rows))
            elif table == "rpt_quarter_review":
                parts.append(_review_findings(rows))
            parts.append(_full_table(table, rows))
        parts.append("</section>")
    return "".join(parts)
