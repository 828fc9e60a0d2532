"""What a broken plan looks like to its author: the file, the line, the rule and what to fix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PlanError(Exception):
    """One broken rule of the plan.

    `row` is the line number in the CSV file as an editor shows it (the header is line 1,
    the first data row line 2); None when the rule is about the file or the plan as a whole.
    """

    def __init__(
        self, file: str, row: int | None, rule: str, message: str, plan_dir: Path | None = None
    ) -> None:
        self.file = file
        self.row = row
        self.rule = rule
        self.message = message
        self.plan_dir = plan_dir
        super().__init__(file, row, rule, message)

    def __str__(self) -> str:
        return self.describe()

    @property
    def path(self) -> Path:
        return (self.plan_dir / self.file) if self.plan_dir else Path(self.file)

    def describe(self) -> str:
        where = f"{self.path}, line {self.row}" if self.row is not None else f"{self.path}"
        return f"{where}: {self.message} (rule: {self.rule})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlanError):
            return NotImplemented
        return (self.file, self.row, self.rule, self.message) == (
            other.file,
            other.row,
            other.rule,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.row, self.rule, self.message))


class PlanContractError(PlanError):
    """The plan breaks one or more rules; carries all of them, described one per line.

    Its own file/row/rule are those of the first error, so a caller that catches
    `PlanError` can still name one place to fix.
    """

    def __init__(self, errors: Sequence[PlanError]) -> None:
        if not errors:
            raise ValueError("PlanContractError needs at least one error")
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.file, first.row, first.rule, first.message, first.plan_dir)

    def describe(self) -> str:
        count = len(self.errors)
        lines = [f"the plan breaks {count} rule{'s' if count > 1 else ''}:"]
        lines += [f"  - {error.describe()}" for error in self.errors]
        return "\n".join(lines)
