"""The plan set in effect for a quarter, for the checks that run before anything is built.

The rule is dbt's (`int_plan_sets_in_effect`: a quarter reads the latest set whose
from_quarter is on or before it; dimension_shares has one set per dimension). The plan
contract must judge a plan before it is seeded, and building that model from the plan
seeds in a scratch DuckDB adds about 25 s to a 4 s `plan check`, so the contract keeps
this one selection in Python. tests/plan/test_plan_sets_in_effect.py builds the dbt model
on a plan with several revisions and asserts both select the same rows; nothing but the
contract's rules may call it (the preview and `plan suggest` read the dbt models).
"""

from __future__ import annotations

import pandas as pd

from orchestration.plan.loading import Plan


def in_effect(frame: pd.DataFrame, quarter: str, by: str | None = None) -> pd.DataFrame:
    """The rows of the set in effect for `quarter`; with `by` (dimension) one set per value."""
    earlier = frame[frame["from_quarter"] <= quarter]
    if earlier.empty:
        return earlier
    if by is None:
        return earlier[earlier["from_quarter"] == earlier["from_quarter"].max()]
    latest = earlier.groupby(by)["from_quarter"].transform("max")
    return earlier[earlier["from_quarter"] == latest]


def segments_in_effect(plan: Plan, quarter: str) -> dict[str, list[str]]:
    """dimension -> segments with a share in `quarter`."""
    shares = in_effect(plan["dimension_shares"], quarter, by="dimension")
    return {
        dimension: list(rows["segment"])
        for dimension, rows in shares.groupby("dimension", sort=True)
    }
