# Longer than 300 lines: one reader per report section over one store.
"""One quarter's report content, read from the published store section by section.

A section whose table is not published yet (or lacks a column the report needs) is
`None` plus a note, never an error: the report grows as the pipeline does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from models.registry.published import published_table
from orchestration.dbt_vars import default_warning_lines
from orchestration.partitions import parse_quarter, quarter_end_of
from orchestration.report.store import PublishedStore

# What the report needs of each table (models/registry/published/);
# extra columns are fine.
PROGRESS_COLUMNS = published_table("rpt_progress_weekly").read_by_report
TREE_COLUMNS = published_table("rpt_target_tree").read_by_report
WARNING_COLUMNS = published_table("rpt_warnings").read_by_report
CUSTOMER_KPI_COLUMNS = published_table("rpt_customer_kpis").read_by_report
PRODUCT_KPI_COLUMNS = published_table("rpt_product_kpis").read_by_report
TEAM_COLUMNS = published_table("rpt_team_performance").read_by_report


# Optional tables shown as they are published, in this order, and the column to sort by.
LATER_TABLES = {
    "rpt_action_plans": ("Action plans", "start_date"),
    "rpt_incentives": ("Incentives", "attainment desc"),
    "rpt_quarter_review": ("Quarter review", "finding_order"),
}


@dataclass(frozen=True)
class Headline:
    quarter_target: Decimal | None
    actual_to_date: Decimal | None
    expected_to_date: Decimal | None
    projected_finish: Decimal | None
    pace: float | None  # actual_to_date / expected_to_date
    working_days_left: int | None
    as_of_date: date | None

    @property
    def completion(self) -> float | None:
        """Share of the quarter target already reached."""
        if self.actual_to_date is None or not self.quarter_target:
            return None
        return float(self.actual_to_date / self.quarter_target)

    @property
    def expected_completion(self) -> float | None:
        if self.expected_to_date is None or not self.quarter_target:
            return None
        return float(self.expected_to_date / self.quarter_target)


@dataclass
class TreeNode:
    node_id: str
    parent_node_id: str | None
    dimension: str
    level: int
    name: str
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # metric -> figures
    children: list[TreeNode] = field(default_factory=list)

    @property
    def primary_metric(self) -> str:
        return "revenue" if "revenue" in self.metrics else next(iter(self.metrics))


@dataclass(frozen=True)
class ProgressPoint:
    reported_through: date
    target_to_date: float | None
    actual_to_date: float | None


@dataclass(frozen=True)
class ProgressSeries:
    node_id: str
    node_name: str
    dimension: str
    metric: str
    quarter_target: float | None
    projected_finish: float | None
    points: list[ProgressPoint]
    warning_line: float
    red_line: float

    @property
    def key(self) -> str:
        return f"{self.node_id}|{self.metric}"


@dataclass
class QuarterReport:
    quarter: str
    quarter_start: date
    quarter_end: date
    headline: Headline
    tree: list[TreeNode] | None  # the total node(s); dimensions hang below
    progress: list[ProgressSeries] | None
    warnings: list[dict[str, Any]] | None
    customer_kpis: list[dict[str, Any]] | None
    product_kpis: list[dict[str, Any]] | None
    team: list[dict[str, Any]] | None
    later: dict[str, list[dict[str, Any]] | None]  # optional tables by name
    notes: dict[str, str]  # section -> why it is not shown

    @property
    def closed(self) -> bool:
        """The quarter is over: its pages read as results, without pace or what is left."""
        as_of = self.headline.as_of_date
        return as_of is not None and as_of >= self.quarter_end

    def not_measured(self) -> list[tuple[str, str]]:
        """(KPI, reason) of every KPI the source mapping cannot measure: `metric` for a
        customer KPI, `tier metric` for a product one."""
        found = [
            (row["metric"], row.get("not_measured_reason")) for row in self.customer_kpis or []
        ] + [
            (f"{row['tier']} {row['metric']}", row.get("not_measured_reason"))
            for row in self.product_kpis or []
        ]
        return [(name, reason) for name, reason in found if reason]


def _not_available(store: PublishedStore, table: str, columns: tuple[str, ...]) -> str | None:
    """Why a section cannot be shown, or None when it can."""
    if table not in store.tables:
        return f"not available yet: {table} is not in the published store"
    missing = store.missing_columns(table, columns)
    if missing:
        return f"not available yet: {table} lacks column(s) {', '.join(missing)}"
    return None


def _lines(store: PublishedStore, quarter: str) -> dict[tuple[str, str], float]:
    """(metric, level) -> the line a warning fires below, as published with the warnings."""
    if not store.has("rpt_warnings", ("quarter", "metric", "level", "threshold")):
        return {}
    rows = store.rows(
        "select metric, level, max(threshold) as threshold from rpt_warnings "
        "where quarter = ? group by all",
        [quarter],
    )
    return {(row["metric"], row["level"]): row["threshold"] for row in rows}


def _latest_progress(store: PublishedStore, quarter: str) -> dict[tuple[str, str], dict]:
    """(node_id, metric) -> the node's progress row of the quarter's last reported week."""
    rows = store.rows(
        "select * from rpt_progress_weekly where quarter = ? "
        "qualify row_number() over (partition by node_id, metric order by week_start desc) = 1",
        [quarter],
    )
    return {(row["node_id"], row["metric"]): row for row in rows}


def _latest_flags(store: PublishedStore, quarter: str) -> dict[tuple[str, str], dict] | None:
    """(node_id, metric) -> its flag in its latest judged week: level (on_track, amber or red)
    and the warning's message; None when the store predates judged flags.

    A week still in progress is not judged, so this is the last complete week's flag, the
    one rpt_warnings and `sales-targets status` show for the node.
    """
    if not store.has("rpt_progress_weekly", ("quarter", "week_start", "judged_on", "flag")):
        return None
    warnings = not _not_available(store, "rpt_warnings", WARNING_COLUMNS)
    rows = store.rows(
        "select progress.node_id, progress.metric, progress.week_start, "
        "progress.flag as level, "
        + ("warnings.message " if warnings else "null as message ")
        + "from rpt_progress_weekly as progress "
        + (
            "left join rpt_warnings as warnings on warnings.quarter = progress.quarter "
            "and warnings.week_start = progress.week_start "
            "and warnings.node_id = progress.node_id and warnings.metric = progress.metric "
            if warnings
            else ""
        )
        + "where progress.quarter = ? and progress.judged_on is not null "
        "qualify row_number() over ("
        "partition by progress.node_id, progress.metric order by progress.week_start desc) = 1",
        [quarter],
    )
    return {(row["node_id"], row["metric"]): row for row in rows}


def _latest_warnings(store: PublishedStore, quarter: str) -> dict[tuple[str, str], dict]:
    """(node_id, metric) -> its warning in the quarter's last reported week, if any (a store
    published before flags were judged)."""
    if _not_available(store, "rpt_warnings", WARNING_COLUMNS):
        return {}
    rows = store.rows(
        "select * from rpt_warnings where quarter = ? and week_start = "
        "(select max(week_start) from rpt_warnings where quarter = ?)",
        [quarter, quarter],
    )
    if store.has("rpt_progress_weekly", ("quarter", "week_start")):
        # a node without a warning in the newest reported week is on track now
        newest = store.rows(
            "select max(week_start) as week from rpt_progress_weekly where quarter = ?", [quarter]
        )[0]["week"]
        rows = [row for row in rows if newest is None or row["week_start"] == newest]
    return {(row["node_id"], row["metric"]): row for row in rows}


def _headline(store: PublishedStore, quarter: str, latest: dict) -> Headline:
    target_rows = store.rows(
        "select target_value, as_of_date from rpt_target_tree "
        "where quarter = ? and node_id = 'total' and metric = 'revenue'",
        [quarter],
    ) if store.has("rpt_target_tree", ("target_value", "as_of_date")) else []  # fmt: skip
    target = target_rows[0]["target_value"] if target_rows else None
    as_of = target_rows[0]["as_of_date"] if target_rows else None
    total = latest.get(("total", "revenue"))
    if total is None:
        return Headline(target, None, None, None, None, None, as_of)
    return Headline(
        quarter_target=target,
        actual_to_date=total["actual_to_date"],
        expected_to_date=total["target_to_date"],
        projected_finish=total["projected_quarter_end"],
        pace=total["completion_to_date"],
        working_days_left=total.get("remaining_working_days"),
        as_of_date=total["reported_through"] or as_of,
    )


def _tree(store: PublishedStore, quarter: str, latest: dict) -> list[TreeNode]:
    judged = _latest_flags(store, quarter)
    warnings = _latest_warnings(store, quarter) if judged is None else {}
    rows = store.rows(
        "select * from rpt_target_tree where quarter = ? order by level, node_id, metric",
        [quarter],
    )
    nodes: dict[str, TreeNode] = {}
    for row in rows:
        node = nodes.setdefault(
            row["node_id"],
            TreeNode(
                row["node_id"], row["parent_node_id"], row["dimension"], row["level"],
                row["node_name"] or row["node_id"],
            ),
        )  # fmt: skip
        progress = latest.get((row["node_id"], row["metric"]))
        actual = progress["actual_to_date"] if progress else None
        target = row["target_value"]
        flag = (judged or {}).get((row["node_id"], row["metric"]))
        if judged is None:
            flag = warnings.get((row["node_id"], row["metric"])) or (
                {"level": "on_track", "message": None} if progress else None
            )
        node.metrics[row["metric"]] = {
            "target": target,
            "original_target": row.get("original_target_value"),
            "revision_reason": row.get("revision_reason"),
            "actual": actual,
            "completion": float(actual / target) if actual is not None and target else None,
            "flag": flag["level"] if flag else None,
            "flag_message": flag["message"] if flag else None,
            "not_measured": progress.get("not_measured_reason") if progress else None,
        }
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_node_id or "")
        # responsibility slices hang off product/customer nodes but are their own dimension
        if parent is not None and (parent.dimension == node.dimension or parent.level == 0):
            parent.children.append(node)
        elif node.level == 0:
            roots.append(node)
        else:
            total = nodes.get("total")
            (total.children if total else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=_tree_order)
    return roots


DIMENSION_ORDER = {"total": 0, "customer": 1, "product": 2, "team": 3, "responsibility": 4}


def _tree_order(node: TreeNode) -> tuple:
    return (DIMENSION_ORDER.get(node.dimension, 9), node.level, node.node_id)


def _progress(store: PublishedStore, quarter: str) -> list[ProgressSeries]:
    lines = _lines(store, quarter)
    default_lines = default_warning_lines()
    rows = store.rows(
        "select * from rpt_progress_weekly where quarter = ? order by node_id, metric, week_start",
        [quarter],
    )
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["node_id"], row["metric"]), []).append(row)
    series = []
    for (node_id, metric), weeks in grouped.items():
        last = weeks[-1]
        target = last.get("quarter_target")
        if target is None:
            continue  # a node with actuals only has nothing to pace against
        series.append(
            ProgressSeries(
                node_id=node_id,
                node_name=last.get("node_name") or node_id,
                dimension=last.get("dimension") or node_id.split("/")[0],
                metric=metric,
                quarter_target=float(target),
                projected_finish=_float(last["projected_quarter_end"]),
                points=[
                    ProgressPoint(
                        week["reported_through"] or week["week_start"],
                        _float(week["target_to_date"]),
                        _float(week["actual_to_date"]),
                    )
                    for week in weeks
                ],
                # no warning of the metric yet: the plan's default lines
                warning_line=lines.get((metric, "amber"), default_lines[0]),
                red_line=lines.get((metric, "red"), default_lines[1]),
            )
        )
    series.sort(key=lambda s: (DIMENSION_ORDER.get(s.dimension, 9), s.node_id, s.metric))
    return series


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _later_table(store: PublishedStore, table: str, quarter: str, order: str) -> list[dict]:
    column = order.split()[0]
    order_by = order if column in store.columns(table) else "1"
    return store.rows(f"select * from {table} where quarter = ? order by {order_by}", [quarter])


def load_quarter(
    store: PublishedStore, quarter: str, fiscal_year_start_month: int = 1
) -> QuarterReport:
    """Everything the report shows for `quarter` (a label like 2026Q3)."""
    notes: dict[str, str] = {}
    start = parse_quarter(quarter, fiscal_year_start_month)
    progress_note = _not_available(store, "rpt_progress_weekly", PROGRESS_COLUMNS)
    latest = {} if progress_note else _latest_progress(store, quarter)

    def section(name: str, table: str, columns: tuple[str, ...], load):
        note = _not_available(store, table, columns)
        if note:
            notes[name] = note
            return None
        return load()

    tree = section("tree", "rpt_target_tree", TREE_COLUMNS,
                   lambda: _tree(store, quarter, latest))  # fmt: skip
    progress = None
    if progress_note:
        notes["progress"] = progress_note
    else:
        progress = _progress(store, quarter)
    warnings = section(
        "warnings", "rpt_warnings", WARNING_COLUMNS,
        lambda: store.rows(
            "select * from rpt_warnings where quarter = ? "
            "order by week_start desc, case level when 'red' then 0 else 1 end, "
            "consecutive_weeks desc, completion, node_id",
            [quarter],
        ),
    )  # fmt: skip
    customer = section(
        "customer_kpis", "rpt_customer_kpis", CUSTOMER_KPI_COLUMNS,
        lambda: store.rows(
            "select * from rpt_customer_kpis where quarter = ? order by metric", [quarter]
        ),
    )  # fmt: skip
    product = section(
        "product_kpis", "rpt_product_kpis", PRODUCT_KPI_COLUMNS,
        lambda: store.rows(
            "select * from rpt_product_kpis where quarter = ? order by "
            "case tier when 'core' then 0 when 'new' then 1 else 2 end, metric",
            [quarter],
        ),
    )  # fmt: skip
    team = section(
        "team", "rpt_team_performance", TEAM_COLUMNS,
        lambda: store.rows(
            "select * from rpt_team_performance where quarter = ? "
            "order by case level when 'region' then 0 when 'group' then 1 else 2 end, "
            "rank_in_level, node_id",
            [quarter],
        ),
    )  # fmt: skip
    later: dict[str, list[dict] | None] = {}
    for table, (_title, order) in LATER_TABLES.items():
        note = _not_available(store, table, ("quarter",))
        if note:
            notes[table] = note
            later[table] = None
        else:
            later[table] = _later_table(store, table, quarter, order)
    return QuarterReport(
        quarter=quarter,
        quarter_start=start,
        quarter_end=quarter_end_of(start),
        headline=_headline(store, quarter, latest),
        tree=tree,
        progress=progress,
        warnings=warnings,
        customer_kpis=customer,
        product_kpis=product,
        team=team,
        later=later,
        notes=notes,
    )
