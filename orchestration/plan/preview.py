"""`plan show`: a quarter's target tree from a plan folder, without running the pipeline.

The tree is built by the same dbt models the pipeline runs, in a scratch DuckDB. Org data
(groups, reps) and last quarter's actuals come from the warehouse when there is one; the
plan folder itself is never written. Without a warehouse the tree reaches as far as the
plan alone does (explicit totals, shares, groups with an explicit share), and the notes
say what is missing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from orchestration.partitions import parse_quarter, quarter_end_of, quarter_label
from orchestration.plan.check import validate_plan_or_raise
from orchestration.plan.dbt_build import build_target_tree
from orchestration.plan.inputs import copy_inputs_from_warehouse, create_empty_inputs
from orchestration.plan.org import load_org
from orchestration.settings import Settings

TREE_COLUMNS = (
    "quarter",
    "node_id",
    "parent_node_id",
    "dimension",
    "level",
    "node_name",
    "metric",
    "target_value",
    "original_target_value",
    "revision_reason",
    "revision_effective_date",
    "as_of_date",
)
DIMENSION_ORDER = ("total", "customer", "product", "team", "responsibility")
METRIC_ORDER = ("revenue", "units", "customers", "rate")


@dataclass(frozen=True)
class TargetRow:
    """One row of the target tree (fct_target_tree, published as rpt_target_tree)."""

    quarter: str
    node_id: str
    parent_node_id: str | None
    dimension: str
    level: int
    node_name: str
    metric: str
    target_value: Decimal
    original_target_value: Decimal | None
    revision_reason: str | None
    revision_effective_date: date | None
    as_of_date: date


@dataclass
class PlanPreview:
    """The target tree of one quarter, and what the preview could not show."""

    quarter: str
    as_of_date: date
    rows: list[TargetRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def value(self, node_id: str, metric: str = "revenue") -> Decimal | None:
        """The target of a node (None when the tree has no such row)."""
        for row in self.rows:
            if row.node_id == node_id and row.metric == metric:
                return row.target_value
        return None

    def row(self, node_id: str, metric: str = "revenue") -> TargetRow | None:
        return next(
            (row for row in self.rows if row.node_id == node_id and row.metric == metric), None
        )


def default_as_of(quarter_start: date, today: date) -> date:
    """What the nightly run would use: yesterday, or the quarter's last day once it is over."""
    return min(today - timedelta(days=1), quarter_end_of(quarter_start))


def _sort_key(row: TargetRow) -> tuple:
    return (
        DIMENSION_ORDER.index(row.dimension) if row.dimension in DIMENSION_ORDER else 99,
        row.node_id,
        METRIC_ORDER.index(row.metric) if row.metric in METRIC_ORDER else 99,
    )


def _read_rows(database: Path, quarter: str) -> list[TargetRow]:
    with duckdb.connect(str(database), read_only=True) as connection:
        records = connection.execute(
            f"select {', '.join(TREE_COLUMNS)} from marts.fct_target_tree where quarter = ?",
            [quarter],
        ).fetchall()
    return sorted((TargetRow(*record) for record in records), key=_sort_key)


def _fill_inputs(
    database: Path, warehouse_path: Path | None, quarter_start: date, notes: list[str]
) -> bool:
    """Create the staging inputs in the scratch database; copy them from the warehouse when
    one can be read. True when org and actuals came from the warehouse."""
    previous_start = previous_quarter_start(quarter_start)
    with duckdb.connect(str(database)) as connection:
        create_empty_inputs(connection)
        if warehouse_path is None:
            notes.append("no warehouse used: the tree shows what the plan alone defines")
            return False
        if not warehouse_path.exists():
            notes.append(
                f"no warehouse at {warehouse_path}: the tree shows what the plan alone defines"
            )
            return False
        catalog = warehouse_path.stem
        try:
            connection.execute(f"attach '{warehouse_path}' as \"{catalog}\" (read_only)")
            copied = copy_inputs_from_warehouse(
                connection, catalog, previous_start, quarter_start - timedelta(days=1)
            )
        except duckdb.Error as exc:
            create_empty_inputs(connection)
            notes.append(
                f"could not read the warehouse {warehouse_path} ({str(exc).splitlines()[0]}): "
                "the tree shows what the plan alone defines"
            )
            return False
        notes.append(
            f"org and last quarter's actuals from {warehouse_path}: {copied.groups} groups, "
            f"{copied.reps} reps, {copied.previous_quarter_orders} orders last quarter"
        )
        return copied.groups > 0


def previous_quarter_start(quarter_start: date) -> date:
    """First day of the quarter before the one starting on `quarter_start`."""
    index = quarter_start.year * 12 + quarter_start.month - 1 - 3
    return date(index // 12, index % 12 + 1, 1)


def _completeness_notes(preview: PlanPreview, org_loaded: bool) -> list[str]:
    notes = []
    if preview.value("total") is None:
        notes.append(
            "no revenue targets: the quarter total grows on last quarter's actual revenue, "
            "which is unknown here; give baseline_revenue or revenue_target in "
            "quarter_totals.csv, or run the pipeline first"
        )
    if preview.value("product/core", "units") is None:
        notes.append(
            "no core-unit target: it grows on last quarter's core units, unknown here; give "
            "baseline_core_units in quarter_totals.csv"
        )
    if not org_loaded:
        notes.append(
            "without the org (CRM groups and reps) only groups with an explicit share are "
            "shown; other groups, reps and responsibility owners appear once the CRM is loaded"
        )
    return notes


def show_plan(
    plan_dir: Path,
    quarter: str,
    *,
    as_of: date | None = None,
    settings: Settings | None = None,
    use_warehouse: bool = True,
    today: date | None = None,
) -> PlanPreview:
    """The target tree of `quarter` (e.g. 2026Q3) for the plan in `plan_dir`.

    As of `as_of` (default: yesterday in the configured timezone, or the quarter's last day
    once it is over). With `use_warehouse`, org and last quarter's actuals are read from
    `settings.warehouse_path` when it can be read.

    Raises PlanContractError when the plan breaks a rule (nothing is built then) and
    TargetTreeBuildError when dbt fails.
    """
    settings = settings or Settings.from_env()
    fiscal_month = settings.fiscal_year_start_month
    quarter_start = parse_quarter(quarter, fiscal_month)
    label = quarter_label(quarter_start, fiscal_month)
    validate_plan_or_raise(
        plan_dir,
        required_quarters=[label],
        fiscal_year_start_month=fiscal_month,
        org=load_org(settings.warehouse_path)[0] if use_warehouse else None,
    )
    today = today or datetime.now(ZoneInfo(settings.timezone)).date()
    as_of_date = as_of or default_as_of(quarter_start, today)
    preview = PlanPreview(quarter=label, as_of_date=as_of_date)
    with tempfile.TemporaryDirectory(prefix="plan-preview-") as folder:
        work_dir = Path(folder)
        database = work_dir / "plan_preview.duckdb"
        org_loaded = _fill_inputs(
            database,
            settings.warehouse_path if use_warehouse else None,
            quarter_start,
            preview.notes,
        )
        build_target_tree(
            plan_dir=Path(plan_dir),
            warehouse_path=database,
            work_dir=work_dir,
            dbt_project_dir=settings.dbt_project_dir,
            quarter_start=quarter_start,
            quarter_end=quarter_end_of(quarter_start),
            as_of_date=as_of_date,
            fiscal_year_start_month=fiscal_month,
        )
        preview.rows = _read_rows(database, label)
    preview.notes.extend(_completeness_notes(preview, org_loaded))
    return preview
