"""Contracts of the plan's working-day calendar: holidays and the weekly phasing of targets."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from models.plan.vocabulary import MAX_WEEKS_IN_QUARTER, quarter_field


class Holidays(pa.DataFrameModel):
    """`holidays.csv`: days that are not working days (no expected progress)."""

    holiday_date: Series[pa.DateTime] = pa.Field(description="The day off.")
    holiday_name: Series[str] = pa.Field(nullable=True, description="Name shown in reports.")

    class Config:
        strict = True
        coerce = True


class WeeklyPhasing(pa.DataFrameModel):
    """`weekly_phasing.csv`: optional relative weight of a week (unlisted weeks weigh 1)."""

    quarter: Series[str] = quarter_field("The quarter.")
    week_number: Series[pd.Int64Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": MAX_WEEKS_IN_QUARTER},
        description="Week of the quarter; week 1 contains the quarter's first day (Monday weeks).",
    )
    weight: Series[float] = pa.Field(gt=0, description="Relative weight of the week.")
    reason: Series[str] = pa.Field(nullable=True, description="Why (for reviewers).")

    class Config:
        strict = True
        coerce = True
