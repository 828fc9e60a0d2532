# Longer than 300 lines: one reader per plan-file shape over one cell parser.
"""Read the plan's CSV files into typed frames and apply each file's pandera contract.

Every frame keeps a `line` column: the line of the CSV the row came from, so every later
rule can name it. Cells are parsed here (not by pandas' guessing) so that '35%', '1,200'
or '2026-02-30' are reported as what they are, in the cell they are in.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from models.plan import DIMENSION_SEGMENTS, OPTIONAL_PLAN_FILES, PLAN_FILE_CONTRACTS
from orchestration.plan.errors import PlanError

LINE = "line"


class FileNotLoaded(KeyError):
    """A rule asked for a plan file that broke its own contract: the rule is skipped, as its
    verdict would only repeat that file's errors."""


@dataclass
class Plan:
    """The plan's files as typed frames (file name without .csv -> frame with `line`)."""

    plan_dir: Path
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the file passed its own contract (rules over every file skip the others)."""
        return name in self.frames

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.frames:
            raise FileNotLoaded(name)
        return self.frames[name]


def file_name(name: str) -> str:
    return f"{name}.csv"


def _kind(contract: type[pa.DataFrameModel], column: str) -> str:
    dtype = str(contract.to_schema().columns[column].dtype)
    if dtype.startswith("datetime"):
        return "date"
    if dtype == "Int64":
        return "integer"
    if dtype.startswith("float"):
        return "number"
    return "text"


NUMBER_HINT = "write plain decimals: 0.35 for 35%, 1200000 without thousands separators"


def _parse(text: str, kind: str) -> tuple[object, str | None]:
    """(value, problem): the typed value of a non-empty cell, or why it does not parse."""
    if kind == "text":
        return text, None
    if kind == "date":
        try:
            return pd.Timestamp(date.fromisoformat(text)), None
        except ValueError:
            return None, "is not a date written YYYY-MM-DD"
    if kind == "integer":
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text), None
        return None, "is not a whole number"
    try:
        value = float(text)
    except ValueError:
        return None, f"is not a number ({NUMBER_HINT})"
    if not math.isfinite(value):
        return None, f"is not a number ({NUMBER_HINT})"
    return value, None


def _read_rows(
    path: Path, name: str, contract: type[pa.DataFrameModel], errors: list[PlanError]
) -> pd.DataFrame | None:
    columns = list(contract.to_schema().columns)
    file = file_name(name)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [cell.strip() for cell in next(reader, [])]
        missing = [column for column in columns if column not in header]
        unknown = [column for column in header if column not in columns]
        for column in missing:
            errors.append(PlanError(file, 1, "missing_column", f"column {column} is missing"))
        for column in unknown:
            errors.append(
                PlanError(
                    file,
                    1,
                    "unknown_column",
                    f"column {column!r} is not part of this file (columns: {', '.join(columns)})",
                )
            )
        if missing or unknown:
            return None
        kinds = {column: _kind(contract, column) for column in columns}
        records: list[dict[str, object]] = []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are allowed and ignored
            if len(cells) != len(header):
                errors.append(
                    PlanError(
                        file,
                        line,
                        "row_length",
                        f"row has {len(cells)} cells but the header has {len(header)} "
                        "(quote text that contains commas)",
                    )
                )
                continue
            record: dict[str, object] = {LINE: line}
            parsed = True
            for column, cell in zip(header, cells, strict=True):
                text = cell.strip()
                if not text:
                    record[column] = None
                    continue
                value, problem = _parse(text, kinds[column])
                if problem:
                    errors.append(PlanError(file, line, "type", f"{column} {text!r} {problem}"))
                    parsed = False
                record[column] = value
            if parsed:  # the contract still checks the rows that parsed
                records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[LINE, *columns])
    for column, kind in kinds.items():
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column])
        elif kind == "integer":
            frame[column] = frame[column].astype("Int64")
        elif kind == "number":
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype(object)
    return frame


def format_value(value: object) -> str:
    """A cell value as the author wrote it (no 1.2e+07, no trailing .0)."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


_CHECK_CALL = re.compile(r"^(?P<name>\w+)(?:\((?P<args>.*)\))?$", re.DOTALL)

ROW_RULE_MESSAGES = {
    "exactly_one_total_method": (
        "give either revenue_target (explicit) or revenue_growth (on last quarter's actual), "
        "not both and not neither"
    ),
    "exactly_one_share_or_weight": "give either share or weight, not both and not neither",
    "exactly_one_owner": "give either owner_group_kind or owner_role, not both and not neither",
    "window_ends_before_it_starts": "end_date is before start_date",
    "lead_source_required": "kpi leads and new_customers count leads of a lead_source: give one",
    "columns_of_the_resource_kind": (
        "a people row gives group_id and people_added (no budget), a budget row gives budget "
        "and marketing_budget_share (no group_id, people_added)"
    ),
}


def _range_message(check: str, args: str, column: str, shown: str) -> str:
    bounds = [part.strip() for part in args.split(",")] if args else []
    texts = {
        "greater_than": "greater than {0}",
        "greater_than_or_equal_to": "at least {0}",
        "less_than": "less than {0}",
        "less_than_or_equal_to": "at most {0}",
        "in_range": "between {0} and {1}",
    }
    return f"{column} must be {texts[check].format(*bounds)}, got {shown}"


def _describe_failure(
    file: str, column: str, check: str, value: object, row: pd.Series | None
) -> tuple[str, str]:
    """(rule, message) for one pandera failure case."""
    match = _CHECK_CALL.match(check)
    name, args = (match.group("name"), match.group("args") or "") if match else (check, "")
    shown = format_value(value)
    if name in {"not_nullable", "str_length"}:
        return "required", f"{column} is required"
    if name in {
        "greater_than",
        "greater_than_or_equal_to",
        "less_than",
        "less_than_or_equal_to",
        "in_range",
    }:
        return "value_range", _range_message(name, args, column, shown)
    if name == "isin":
        allowed = ", ".join(re.findall(r"'([^']*)'", args))
        return "allowed_values", f"{column} {shown!r} is not one of: {allowed}"
    if name == "str_matches":
        if "Q[1-4]" in args:
            return "quarter_format", (
                f"{column} {shown!r} is not a quarter written YYYYQn (e.g. 2026Q3)"
            )
        return "name_format", (
            f"{column} {shown!r} must be lowercase letters, digits and underscores"
        )
    if name == "whole_cents":
        return name, f"{column} {shown} has fractions of a cent"
    if name in ROW_RULE_MESSAGES:
        return name, ROW_RULE_MESSAGES[name]
    if name == "segment_belongs_to_dimension" and row is not None:
        if row["dimension"] not in DIMENSION_SEGMENTS:
            return "", ""  # the dimension itself is reported as not allowed
        segments = DIMENSION_SEGMENTS[row["dimension"]]
        if segments is None:
            return name, (
                f"segment {row['segment']!r} is not a {row['dimension']} segment name "
                "(lowercase letters, digits and underscores)"
            )
        return name, (
            f"segment {row['segment']!r} is not a {row['dimension']} segment "
            f"(one of: {', '.join(segments)})"
        )
    if name == "red_line_below_amber_line" and row is not None:
        return name, (
            f"red_below {format_value(row['red_below'])} must be below "
            f"amber_below {format_value(row['amber_below'])}"
        )
    return name, f"{column} {shown!r} fails {check}"


def _apply_contract(
    name: str, frame: pd.DataFrame, contract: type[pa.DataFrameModel]
) -> list[PlanError]:
    file = file_name(name)
    data = frame.drop(columns=[LINE])
    try:
        contract.validate(data, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    errors: list[PlanError] = []
    seen: set[tuple[str, int]] = set()
    row_checks = set(ROW_RULE_MESSAGES) | {
        "segment_belongs_to_dimension",
        "red_line_below_amber_line",
    }
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            continue  # frame-level cases (dtype) cannot happen after our own parsing
        index = int(index)
        check = str(case.check)
        # a row rule is reported once per row, not once per column it looked at
        column = "" if check in row_checks else str(case.column)
        if (check + "|" + column, index) in seen:
            continue
        seen.add((check + "|" + column, index))
        row = frame.loc[index]
        rule, message = _describe_failure(file, str(case.column), check, case.failure_case, row)
        if not rule:
            continue
        errors.append(PlanError(file, int(row[LINE]), rule, message))
    return sorted(errors, key=lambda error: (error.row or 0, error.rule, error.message))


def load_plan(plan_dir: Path) -> tuple[Plan, list[PlanError]]:
    """Read and contract-check every plan file; the plan holds the files that passed."""
    plan_dir = Path(plan_dir)
    plan = Plan(plan_dir=plan_dir)
    errors: list[PlanError] = []
    if not plan_dir.is_dir():
        errors.append(
            PlanError(str(plan_dir), None, "missing_plan_dir", "the plan folder does not exist")
        )
        return plan, errors
    for name, contract in PLAN_FILE_CONTRACTS.items():
        path = plan_dir / file_name(name)
        if not path.is_file() and name in OPTIONAL_PLAN_FILES:
            columns = [*contract.to_schema().columns, LINE]
            plan.frames[name] = pd.DataFrame(
                {column: pd.Series(dtype=object) for column in columns}
            )
            continue
        if not path.is_file():
            errors.append(
                PlanError(
                    file_name(name),
                    None,
                    "missing_file",
                    "the file is missing (every plan file must exist; a header-only file is "
                    "an empty part of the plan)",
                )
            )
            continue
        cell_errors: list[PlanError] = []
        frame = _read_rows(path, name, contract, cell_errors)
        errors.extend(cell_errors)
        if frame is None:
            continue
        contract_errors = _apply_contract(name, frame, contract)
        errors.extend(contract_errors)
        if not contract_errors and not cell_errors:
            plan.frames[name] = frame
    for error in errors:
        if error.rule != "missing_plan_dir":
            error.plan_dir = plan_dir
    return plan, errors
