"""The publish gate: nothing is published unless every check that gates it passed.

Dagster already skips the publish asset when a *blocking* check upstream fails. The gate
is the second line: `publish_reporting_store` refuses when any check it is handed failed
with ERROR severity (blocking or not), so a publish started outside Dagster is held to
the same rule. The Dagster side collects the checks (`assets.upstream_check_outcomes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class PublishBlockedError(RuntimeError):
    """Publishing was refused; the previously published store stays in place."""


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one check that gates a publication."""

    asset: str
    check: str
    passed: bool
    # WARN-severity failures are reported but do not block (Dagster's own semantics).
    blocks_on_failure: bool = True
    run_id: str | None = None

    @property
    def name(self) -> str:
        return f"{self.asset}:{self.check}"


def failed_blocking_checks(checks: Iterable[CheckOutcome]) -> list[CheckOutcome]:
    return [check for check in checks if not check.passed and check.blocks_on_failure]


def require_checks_passed(checks: Iterable[CheckOutcome]) -> None:
    """Raise `PublishBlockedError` naming every failed check that blocks publishing."""
    failed = failed_blocking_checks(checks)
    if failed:
        names = ", ".join(sorted(check.name for check in failed))
        raise PublishBlockedError(
            f"publish refused: {len(failed)} check(s) failed upstream ({names}); "
            "the previous reporting store stays in place. Fix the data and run again."
        )


def passed_check_names(checks: Iterable[CheckOutcome]) -> list[str]:
    return sorted({check.name for check in checks if check.passed})
