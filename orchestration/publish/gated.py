"""A publish behind every gate: upstream checks, personal-data scan, great-expectations.

The Dagster asset and the command line both publish through `publish_checked_store`, so
the same rules hold however a publish is started. Order: checks (refuse before anything
is written) -> build the new store -> scan it for personal data -> validate it with GX
(Data Docs rendered either way) -> swap in store and Parquet -> server target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.publish.gate import CheckOutcome, PublishBlockedError, require_checks_passed
from orchestration.publish.store import Publication, publish_reporting_store
from orchestration.quality.gx_checkpoint import (
    ValidationSummary,
    gx_docs_dir,
    validate_store_file,
)
from orchestration.quality.personal_data import (
    PersonalDataError,
    WarehouseCustomers,
    require_no_personal_data,
)
from orchestration.settings import Settings


@dataclass(frozen=True)
class CheckedPublication:
    publication: Publication
    validation: ValidationSummary


class _StoreGates:
    """The gates run on the new store file; keeps the GX summary for the caller."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.needles = WarehouseCustomers(settings)
        self.validation: ValidationSummary | None = None

    def personal_data(self, store: Path) -> None:
        try:
            require_no_personal_data(store, self.needles)
        except PersonalDataError as exc:
            raise PublishBlockedError(f"publish refused: {exc}") from exc

    def great_expectations(self, store: Path) -> None:
        summary = validate_store_file(store, gx_docs_dir(self.settings))
        self.validation = summary
        if not summary.success:
            raise PublishBlockedError(
                "publish refused: the new store fails its expectations; the previous store "
                f"stays in place. Data Docs: {summary.docs_index}\n{summary.describe()}"
            )


def publish_checked_store(
    settings: Settings,
    publication_row: Mapping[str, object] | None = None,
    checks: Sequence[CheckOutcome] = (),
) -> CheckedPublication:
    """Publish the reporting store only if every check and gate passes."""
    require_checks_passed(checks)  # before reading the warehouse for the scan's needles
    gates = _StoreGates(settings)
    publication = publish_reporting_store(
        settings,
        publication_row,
        checks=checks,
        gates=[gates.personal_data, gates.great_expectations],
    )
    assert gates.validation is not None  # the GX gate ran, or publish raised
    return CheckedPublication(publication=publication, validation=gates.validation)
