"""The starter plan `plan init` writes, from a sales history and the org (no database here).

Every rule is stated in `orchestration/plan/init.py`'s docstring and in docs/plan.md; this
module turns a `History` into the plan files.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from orchestration.partitions import add_months, parse_quarter, quarter_label, quarter_labels
from orchestration.plan.errors import PlanError
from orchestration.settings import Settings

TEMPLATE_DIR = Settings().project_root / "seeds"
CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
POLICY_FILES = (
    "awards.csv",
    "bonus_tiers.csv",
    "commission_rates.csv",
    "kpi_targets.csv",
    "warning_lines.csv",
)
HEADER_ONLY_FILES = (
    "actions.csv",
    "group_allocation.csv",
    "plan_revisions.csv",
    "rep_overrides.csv",
    "resources.csv",
    "weekly_phasing.csv",
)


@dataclass(frozen=True)
class History:
    """Completed revenue by quarter and segment, and what the org has."""

    revenue: dict[tuple[str, str, str, str | None], Decimal]  # (quarter, customer, product, tier)
    tiers: tuple[str, ...]
    product_tiers: tuple[str, ...]
    group_kinds: tuple[str, ...]
    roles: tuple[str, ...]
    # the tier of every region with sales groups, the kind of every group (the plan's files)
    region_tiers: dict[str, str] = field(default_factory=dict)
    group_kinds_of_groups: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # region and group id -> name

    def quarters(self) -> list[str]:
        return sorted({quarter for quarter, *_ in self.revenue})

    def total(self, quarter: str) -> Decimal:
        return sum((v for (q, *_), v in self.revenue.items() if q == quarter), Decimal(0))


@dataclass
class StarterPlan:
    """What `init_plan` wrote, for the CLI to print."""

    out_dir: Path
    quarters: list[str]
    targets: dict[str, str] = field(default_factory=dict)  # quarter -> how its total is set
    # quarter -> its shares by (dimension, segment), and the quarters they come from
    shares: dict[str, dict[tuple[str, str], Decimal]] = field(default_factory=dict)
    share_history: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def to_share_places(shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """Shares summing to 1 written with 4 decimals: each rounded half up, the largest taking
    what the rounding left over, so the set still sums to exactly 1."""
    rounded = {
        segment: share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
        for segment, share in shares.items()
    }
    largest = max(sorted(rounded), key=lambda segment: rounded[segment])
    rounded[largest] += Decimal(1) - sum(rounded.values())
    return rounded


def rounded_shares(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each segment's share of the total, 4 decimals (`to_share_places`); equal shares when
    there is no revenue at all."""
    total = sum(amounts.values(), Decimal(0))
    if total <= 0:
        amounts, total = {segment: Decimal(1) for segment in amounts}, Decimal(len(amounts))
    return to_share_places({segment: amount / total for segment, amount in amounts.items()})


def shifted(quarter: str, quarters: int, fiscal_year_start_month: int) -> str:
    """The quarter `quarters` quarters after (negative: before) `quarter`."""
    start = parse_quarter(quarter, fiscal_year_start_month)
    return quarter_label(add_months(start, 3 * quarters), fiscal_year_start_month)


def planned_quarters(first: str, last: str, fiscal_year_start_month: int = 1) -> list[str]:
    """`first` through `last`, both included."""
    start, end = (parse_quarter(q, fiscal_year_start_month) for q in (first, last))
    if start > end:
        raise PlanError(None, None, "quarter_range", f"--from {first} is after --to {last}")
    return quarter_labels(start, end, fiscal_year_start_month)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [row for row in reader if any(row.values())]


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _current_set(rows: list[dict[str, str]], first: str) -> list[dict[str, str]]:
    """The template's newest `from_quarter` set, moved to start at `first`."""
    if not rows:
        return []
    newest = max(row["from_quarter"] for row in rows)
    return [{**row, "from_quarter": first} for row in rows if row["from_quarter"] == newest]


def _quarter_totals(
    history: History, quarters: list[str], growth: Decimal, fiscal_year_start_month: int
) -> tuple[list[dict[str, str]], dict[str, str]]:
    known = history.quarters()
    # the first quarter of the history may have started before the sources did
    complete = set(known[1:])
    rows, how = [], {}
    for quarter in quarters:
        year_before = shifted(quarter, -4, fiscal_year_start_month)
        row = dict.fromkeys(
            ("quarter", "revenue_target", "revenue_growth", "baseline_revenue",
             "baseline_core_units", "note"), "",
        )  # fmt: skip
        row["quarter"] = quarter
        if year_before in complete:
            actual = history.total(year_before).quantize(CENT)
            target = (actual * (1 + growth)).quantize(CENT, rounding=ROUND_HALF_UP)
            row["revenue_target"] = f"{target:.2f}"
            row["note"] = f"{year_before} actual {actual:.2f} x (1 + {growth})"
            how[quarter] = f"{target:,.2f} = {year_before} actual {actual:,.2f} x (1 + {growth})"
        else:
            row["revenue_growth"] = str(growth)
            row["note"] = f"Last quarter's actual x (1 + {growth}): no {year_before} history"
            how[quarter] = f"last quarter's actual x (1 + {growth}) (no {year_before} history)"
        rows.append(row)
    return rows, how


def _dimension_shares(
    history: History, window: list[str], template_customer: dict[str, Decimal]
) -> dict[tuple[str, str], Decimal]:
    """Each dimension's shares of the revenue in the `window` quarters. The customer split
    skips the history's first quarter, where every customer is new to the sources; with
    no other quarter it is the template's."""
    first_known = history.quarters()[0]
    by_dimension: dict[str, dict[str, Decimal]] = {
        "customer": dict.fromkeys(("existing", "new"), Decimal(0)),
        "product": dict.fromkeys(history.product_tiers, Decimal(0)),
        "team": dict.fromkeys(history.tiers, Decimal(0)),
    }
    for (quarter, customer, product, tier), amount in history.revenue.items():
        if quarter not in window:
            continue
        segments = [("product", product), ("team", tier)]
        if quarter != first_known:
            segments.append(("customer", customer))
        for dimension, segment in segments:
            if segment in by_dimension[dimension]:
                by_dimension[dimension][segment] += amount
    if not any(by_dimension["customer"].values()):
        by_dimension["customer"] = dict(template_customer)
    return {
        (dimension, segment): share
        for dimension, amounts in by_dimension.items()
        if amounts
        for segment, share in rounded_shares(amounts).items()
    }


def write_classification(
    plan_dir: Path,
    tiers: dict[str, str],
    kinds: dict[str, str],
    names: dict[str, str] | None = None,
) -> None:
    """region_tiers.csv and group_kinds.csv: every region's tier, every group's kind, each
    row's note the region's or group's name in the CRM."""
    names = names or {}
    _write(
        plan_dir / "region_tiers.csv",
        ["region_id", "tier", "note"],
        [{"region_id": r, "tier": t, "note": names.get(r, "")} for r, t in sorted(tiers.items())],
    )
    _write(
        plan_dir / "group_kinds.csv",
        ["group_id", "group_kind", "note"],
        [
            {"group_id": g, "group_kind": k, "note": names.get(g, "")}
            for g, k in sorted(kinds.items())
        ],
    )


def write_starter_plan(
    history: History,
    out_dir: Path,
    quarters: list[str],
    growth: Decimal,
    fiscal_year_start_month: int = 1,
    template_dir: Path = TEMPLATE_DIR,
) -> StarterPlan:
    """Write the plan files for `quarters` into `out_dir` (created; must not exist or be
    empty) from `history` and the template's policy."""
    first = quarters[0]
    known = set(history.quarters())
    plan = StarterPlan(out_dir=out_dir, quarters=quarters)
    out_dir.mkdir(parents=True, exist_ok=True)

    totals, plan.targets = _quarter_totals(history, quarters, growth, fiscal_year_start_month)
    header, _ = _read(template_dir / "quarter_totals.csv")
    _write(out_dir / "quarter_totals.csv", header, totals)

    header, rows = _read(template_dir / "dimension_shares.csv")
    template_customer = {
        row["segment"]: Decimal(row["share"])
        for row in _current_set(rows, first)
        if row["dimension"] == "customer"
    }
    share_rows = []
    for quarter in quarters:
        window = [
            q
            for q in (shifted(quarter, -n, fiscal_year_start_month) for n in range(4, 0, -1))
            if q in known
        ]
        plan.share_history[quarter] = window
        plan.shares[quarter] = _dimension_shares(history, window, template_customer)
        share_rows += [
            {"from_quarter": quarter, "dimension": d, "segment": s, "share": format(v, "f")}
            for (d, s), v in plan.shares[quarter].items()
        ]
    _write(out_dir / "dimension_shares.csv", header, share_rows)
    if len(plan.share_history[first]) < 2:
        plan.notes.append(
            f"{first}'s shares come from {', '.join(plan.share_history[first])} alone, and "
            "its customer split is the template's: the sources hold no earlier history"
        )

    for name, column, present in (
        ("group_kind_weights.csv", "group_kind", history.group_kinds),
        ("role_weights.csv", "role", history.roles),
    ):
        header, rows = _read(template_dir / name)
        weights = {row[column]: row["weight"] for row in _current_set(rows, first)}
        _write(
            out_dir / name,
            header,
            [
                {"from_quarter": first, column: value, "weight": weights.get(value, "1.00")}
                for value in present
            ],
        )

    header, rows = _read(template_dir / "responsibilities.csv")
    kept = [
        row
        for row in _current_set(rows, first)
        if (row["owner_group_kind"] or None) in (None, *history.group_kinds)
        and (row["owner_role"] or None) in (None, *history.roles)
    ]
    _write(out_dir / "responsibilities.csv", header, kept)
    for row in rows:
        if row not in kept and row["from_quarter"] == max(r["from_quarter"] for r in rows):
            plan.notes.append(
                f"responsibility {row['responsibility']} left out: the org has no "
                f"{row['owner_group_kind'] or row['owner_role']} owner"
            )

    write_classification(
        out_dir, history.region_tiers, history.group_kinds_of_groups, history.names
    )
    for name in POLICY_FILES:
        header, rows = _read(template_dir / name)
        _write(out_dir / name, header, _current_set(rows, first))
    for name in HEADER_ONLY_FILES:
        header, _ = _read(template_dir / name)
        _write(out_dir / name, header, [])
    shutil.copyfile(template_dir / "holidays.csv", out_dir / "holidays.csv")
    plan.notes.append(
        "holidays.csv is the template's public-holiday calendar: replace it with your own"
    )
    return plan
