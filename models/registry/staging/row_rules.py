"""Row rules only staging states: flags derived from a status, versions in order.

The rules staging shares with raw (dates in order, net amount) are the source rules.
"""

import pandas as pd

from models.registry.schema import RowRule


def _is_converted_iff_converted_at(frame: pd.DataFrame) -> pd.Series:
    return frame["is_converted"].astype(bool) == frame["converted_at"].notna()


def _status_flags_match_status(frame: pd.DataFrame) -> pd.Series:
    status = frame["status"]
    return (
        (frame["is_completed"].astype(bool) == (status == "completed"))
        & (frame["is_cancelled"].astype(bool) == (status == "cancelled"))
        & (frame["is_refunded"].astype(bool) == (status == "refunded"))
    )


def _superseded_after_updated(frame: pd.DataFrame) -> pd.Series:
    """The next version comes later; the current version (no next one) passes."""
    holds = frame["superseded_at"] > frame["updated_at"]
    missing = frame[["superseded_at", "updated_at"]].isna().any(axis=1)
    return missing | holds.astype("boolean").fillna(False).astype(bool)


IS_CONVERTED_IFF_CONVERTED_AT = RowRule(
    "is_converted_iff_converted_at",
    _is_converted_iff_converted_at,
    sql="is_converted is not null and is_converted = (converted_at is not null)",
)
STATUS_FLAGS_MATCH_STATUS = RowRule(
    "status_flags_match_status",
    _status_flags_match_status,
    sql=" and ".join(
        f"is_{status} is not null and is_{status} = coalesce(status = '{status}', false)"
        for status in ("completed", "cancelled", "refunded")
    ),
)
SUPERSEDED_AFTER_UPDATED = RowRule(
    "superseded_after_updated",
    _superseded_after_updated,
    sql="superseded_at is null or updated_at is null or superseded_at > updated_at",
)
