"""`plan suggest`: a next-quarter plan derived from a quarter's results (the quarter review).

The suggestion is a complete plan folder in the `seeds/` format: every file of the current
plan copied, then two changes, the rule printed with them:

- `quarter_totals.csv`: the next quarter's row (added, or replaced) has an explicit
  `revenue_target` = the quarter's actual revenue x (1 + growth), growth = `--growth`, else
  the quarter's own `revenue_growth`, else 10%; `baseline_revenue` and `baseline_core_units`
  are the quarter's actuals, so the suggestion previews without a warehouse;
- `dimension_shares.csv`: a set from the next quarter per dimension in which each segment's
  share moves halfway from its plan share to its share of the quarter's actual revenue,
  rounded to 4 decimals; the largest share takes the rounding so the set sums to exactly 1.

The actuals come from `rpt_quarter_review` (sections total and dimension): the published
reporting store when there is one, else the warehouse's reporting schema.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from orchestration.partitions import parse_quarter, quarter_end_of, quarter_label
from orchestration.plan.dbt_build import copy_plan
from orchestration.plan.errors import PlanError
from orchestration.plan.loading import load_plan
from orchestration.plan.resolved import resolve_plan
from orchestration.plan.starter import to_share_places
from orchestration.settings import Settings

DEFAULT_GROWTH = Decimal("0.10")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuarterResults:
    """What the suggestion needs from a quarter's review."""

    quarter: str
    total_revenue: Decimal
    core_units: Decimal | None
    segment_revenue: dict[str, Decimal]  # node id (customer/new, team/tier1, ...) -> actual
    is_provisional: bool
    as_of_date: date | None


@dataclass
class Suggestion:
    next_quarter: str
    revenue_target: Decimal
    growth: Decimal
    shares: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    rule: str = ""
    notes: list[str] = field(default_factory=list)


def read_quarter_results(database: Path, quarter: str, schema: str) -> QuarterResults:
    """The total and dimension findings of `quarter` in `<schema>.rpt_quarter_review`."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            f"select section, subject, metric, actual_value, is_provisional, as_of_date "
            f"from {schema}.rpt_quarter_review where quarter = ? "
            "and section in ('total', 'dimension')",
            [quarter],
        ).fetchall()
    total = next((row for row in rows if row[0] == "total" and row[2] == "revenue"), None)
    if total is None:
        raise PlanError(
            str(database),
            None,
            "quarter_not_reviewed",
            f"rpt_quarter_review has no total for {quarter}: run (or backfill) {quarter} first",
        )
    segments = {
        subject: Decimal(actual or 0)
        for section, subject, metric, actual, _, _ in rows
        if section == "dimension" and metric == "revenue" and subject.count("/") == 1
    }
    core_units = next(
        (Decimal(row[3]) for row in rows if row[1] == "product/core" and row[2] == "units"), None
    )
    return QuarterResults(
        quarter=quarter,
        total_revenue=Decimal(total[3] or 0),
        core_units=core_units,
        segment_revenue=segments,
        is_provisional=bool(total[4]),
        as_of_date=total[5],
    )


def find_review(reporting_path: Path, warehouse_path: Path) -> tuple[Path, str]:
    """Where to read the review: the published store, else the warehouse."""
    for database, schema in ((reporting_path, "main"), (warehouse_path, "reporting")):
        if not Path(database).exists():
            continue
        with duckdb.connect(str(database), read_only=True) as connection:
            found = connection.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = 'rpt_quarter_review'",
                [schema],
            ).fetchone()[0]
        if found:
            return Path(database), schema
    raise PlanError(
        str(reporting_path),
        None,
        "no_quarter_review",
        f"neither {reporting_path} nor {warehouse_path} has rpt_quarter_review: "
        "run the pipeline first",
    )


def next_quarter_of(quarter: str, fiscal_year_start_month: int = 1) -> str:
    start = parse_quarter(quarter, fiscal_year_start_month)
    return quarter_label(quarter_end_of(start) + timedelta(days=1), fiscal_year_start_month)


def _moved_shares(
    plan_shares: dict[str, Decimal], actual_revenue: dict[str, Decimal]
) -> dict[str, Decimal]:
    """Halfway from plan to actual mix, 4 decimals (`to_share_places`)."""
    actual_total = sum(actual_revenue.get(segment, Decimal(0)) for segment in plan_shares)
    if actual_total <= 0:
        return dict(plan_shares)
    return to_share_places(
        {
            segment: (share + actual_revenue.get(segment, Decimal(0)) / actual_total) / 2
            for segment, share in plan_shares.items()
        }
    )


def suggest_plan(
    plan_dir: Path,
    results: QuarterResults,
    out_dir: Path,
    *,
    growth: Decimal | None = None,
    fiscal_year_start_month: int = 1,
    dbt_project_dir: Path | None = None,
) -> Suggestion:
    """Write the suggested plan for the quarter after `results.quarter` into `out_dir`.

    The quarter's plan shares are those dbt resolves (int_plan_segments_resolved, built
    from the plan alone with the project in `dbt_project_dir`, default: the settings').
    """
    plan_dir, out_dir = Path(plan_dir), Path(out_dir)
    if out_dir.resolve() == plan_dir.resolve():
        raise PlanError(
            str(out_dir), None, "out_is_the_plan", "--out must be another folder than the plan"
        )
    plan, errors = load_plan(plan_dir)
    if errors:
        raise errors[0]
    quarter = results.quarter
    next_quarter = next_quarter_of(quarter, fiscal_year_start_month)
    totals = plan["quarter_totals"]
    planned = totals[totals["quarter"] == quarter]
    if growth is None:
        planned_growth = planned["revenue_growth"].dropna()
        growth = (
            Decimal(repr(float(planned_growth.iloc[0]))) if len(planned_growth) else DEFAULT_GROWTH
        )
        growth_source = f"{quarter}'s revenue_growth" if len(planned_growth) else "the default 10%"
    else:
        growth_source = "--growth"
    target = (results.total_revenue * (1 + growth)).quantize(CENT, rounding=ROUND_HALF_UP)
    suggestion = Suggestion(next_quarter=next_quarter, revenue_target=target, growth=growth)
    suggestion.rule = (
        f"{next_quarter} total = {quarter} actual revenue {results.total_revenue:,.2f} x "
        f"(1 + {growth}) = {target:,.2f} (growth: {growth_source}); each dimension's shares "
        f"move halfway from the {quarter} plan to {quarter}'s actual mix (4 decimals, the "
        "largest share takes the rounding)"
    )
    if results.is_provisional:
        suggestion.notes.append(
            f"{quarter} is still running (as of {results.as_of_date}): the suggestion is "
            "provisional"
        )
    quarter_start = parse_quarter(quarter, fiscal_year_start_month)
    resolved = resolve_plan(
        plan_dir,
        quarter_start,
        quarter_end_of(quarter_start),
        dbt_project_dir=dbt_project_dir or Settings.from_env().dbt_project_dir,
        fiscal_year_start_month=fiscal_year_start_month,
    )
    for dimension, segment_shares in sorted(resolved.segment_shares.get(quarter, {}).items()):
        plan_shares = {
            segment: Decimal(repr(float(share))) for segment, share in segment_shares.items()
        }
        actual = {
            segment: results.segment_revenue.get(f"{dimension}/{segment}", Decimal(0))
            for segment in plan_shares
        }
        for segment, share in _moved_shares(plan_shares, actual).items():
            suggestion.shares[(dimension, segment)] = share
    copy_plan(plan_dir, out_dir)
    _write_totals(out_dir / "quarter_totals.csv", suggestion, results)
    _write_shares(out_dir / "dimension_shares.csv", suggestion)
    return suggestion


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    return header, [row for row in rows if any(cell.strip() for cell in row)]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_totals(path: Path, suggestion: Suggestion, results: QuarterResults) -> None:
    header, rows = _read(path)
    column = {name: index for index, name in enumerate(header)}
    row = [""] * len(header)
    row[column["quarter"]] = suggestion.next_quarter
    row[column["revenue_target"]] = f"{suggestion.revenue_target:.2f}"
    row[column["baseline_revenue"]] = f"{results.total_revenue.quantize(CENT):.2f}"
    if results.core_units is not None:
        row[column["baseline_core_units"]] = str(int(results.core_units.to_integral_value()))
    row[column["note"]] = (
        f"Suggested from {results.quarter}'s results: actual x (1 + {suggestion.growth})"
    )
    kept = [r for r in rows if r[column["quarter"]] != suggestion.next_quarter]
    _write(path, header, sorted([*kept, row], key=lambda r: r[column["quarter"]]))


def _write_shares(path: Path, suggestion: Suggestion) -> None:
    header, rows = _read(path)
    column = {name: index for index, name in enumerate(header)}
    kept = [r for r in rows if r[column["from_quarter"]] != suggestion.next_quarter]
    for (dimension, segment), share in suggestion.shares.items():
        row = [""] * len(header)
        row[column["from_quarter"]] = suggestion.next_quarter
        row[column["dimension"]] = dimension
        row[column["segment"]] = segment
        row[column["share"]] = format(share.normalize(), "f")
        kept.append(row)
    _write(path, header, kept)
