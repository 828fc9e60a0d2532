"""Plan contracts: what each CSV file of the plan (`seeds/`) must look like.

One `DataFrameModel` per plan file, checked row by row before anything is seeded or built.
Rules that need several rows or several files (shares summing to 1, references between
files, overlapping revisions) live in `orchestration/plan/rules.py`; the column-by-column
meaning of every file is in `docs/plan.md`.

Column types follow the dbt seed types (`_plan__seeds.yml`): text -> str, DECIMAL and
DOUBLE -> float64, INTEGER -> Int64, DATE -> datetime64. The plan loader parses the text
of the CSV into these types first and reports a cell that does not parse (rule `type`),
so these contracts only see well-typed values.
"""

from __future__ import annotations

import pandera.pandas as pa

from models.plan.calendar import Holidays, WeeklyPhasing
from models.plan.execution import (
    AWARD_METRICS,
    CUSTOMER_TYPES,
    PRODUCT_TIERS,
    Actions,
    Awards,
    BonusTiers,
    CommissionRates,
    Resources,
)
from models.plan.targets import (
    DimensionShares,
    GroupAllocation,
    GroupKinds,
    GroupKindWeights,
    KpiTargets,
    PlanRevisions,
    QuarterTotals,
    RegionTiers,
    RepOverrides,
    Responsibilities,
    RoleWeights,
    WarningLines,
)
from models.plan.vocabulary import DIMENSION_SEGMENTS

# File name (without .csv) -> its contract. Every file must exist but the optional ones; a
# header-only file is an empty (but valid) part of the plan.
PLAN_FILE_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "quarter_totals": QuarterTotals,
    "dimension_shares": DimensionShares,
    "group_kind_weights": GroupKindWeights,
    "group_allocation": GroupAllocation,
    "role_weights": RoleWeights,
    "rep_overrides": RepOverrides,
    "kpi_targets": KpiTargets,
    "responsibilities": Responsibilities,
    "warning_lines": WarningLines,
    "holidays": Holidays,
    "weekly_phasing": WeeklyPhasing,
    "plan_revisions": PlanRevisions,
    "actions": Actions,
    "resources": Resources,
    "commission_rates": CommissionRates,
    "bonus_tiers": BonusTiers,
    "awards": Awards,
    "region_tiers": RegionTiers,
    "group_kinds": GroupKinds,
}
# Files a plan may leave out (read as header-only): a region or group they do not list keeps
# the CRM's tier or kind.
OPTIONAL_PLAN_FILES = frozenset({"region_tiers", "group_kinds"})

__all__ = [
    "AWARD_METRICS",
    "CUSTOMER_TYPES",
    "DIMENSION_SEGMENTS",
    "OPTIONAL_PLAN_FILES",
    "PLAN_FILE_CONTRACTS",
    "PRODUCT_TIERS",
]
