"""Every dbt command of the project is built here: arguments, vars, target and environment.

The pipeline (through dagster-dbt, `dagster_cli.py`), `sales-targets prepare`, dbt docs,
the plan preview and the tests' dbt helpers all describe their run as a `DbtInvocation`.
The process environment is never changed: each dbt subprocess is handed an explicit one,
the parent's plus the project's variables (`project_env`). A failed run raises
`DbtCommandError` naming the failing nodes and dbt's own message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.partitions import QuarterWindow

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
TELEMETRY_OFF = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
FAILED_STATUSES = {"error", "fail", "runtime error"}
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")
# Staging's data tests read the rows loaded after this time (`transform/staging_state.py`);
# empty, every row: only the pipeline's staging build sets it.
STAGING_TESTED_THROUGH_ENV = "SALES_TARGETS_STAGING_TESTED_THROUGH"


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's virtualenv), else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def project_env(
    warehouse_path: Path,
    plan_dir: Path | None = None,
    window: QuarterWindow | None = None,
    fiscal_year_start_month: int | None = None,
    memory_limit: str | None = None,
    indirect_selection: str | None = None,
    unmapped_tables: Sequence[str] = (),
    engine: str = "duckdb",
    spark_dir: Path | None = None,
) -> dict[str, str]:
    """The variables the dbt project reads (profiles.yml, dbt_project.yml, `pipeline_var`).

    The window goes in as environment variables, not `--vars`: a new window (every night
    a new as-of date) would otherwise make dbt re-parse the whole project. The engine is
    always set: only the pipeline's own invocations build on Spark, never a scratch build
    (plan show, plan init) that happens to run in a shell where SALES_TARGETS_ENGINE=spark.
    """
    env = {
        "WAREHOUSE_PATH": str(warehouse_path),
        "SALES_TARGETS_ENGINE": engine,
        **TELEMETRY_OFF,
    }
    if spark_dir is not None:
        env["SALES_TARGETS_SPARK_DIR"] = str(spark_dir)
    if plan_dir is not None:
        env["SALES_TARGETS_PLAN_DIR"] = str(plan_dir)
    if fiscal_year_start_month is not None:
        env["SALES_TARGETS_FISCAL_YEAR_START_MONTH"] = str(fiscal_year_start_month)
    if window is not None:
        env |= window.dbt_env()
    if memory_limit is not None:
        env["SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT"] = memory_limit
    if indirect_selection is not None:
        env["DBT_INDIRECT_SELECTION"] = indirect_selection
    # always set, so a mapping that maps every table again is never left with a stale list
    env["SALES_TARGETS_UNMAPPED_TABLES"] = ",".join(unmapped_tables)
    env[STAGING_TESTED_THROUGH_ENV] = ""
    return env


def start_from_parse_state(target_path: Path, parse_state: Path) -> None:
    """Put the saved partial-parse file where dbt will read it (dbt checks it is valid for
    this project, profile and vars, and re-parses whatever changed)."""
    if parse_state.exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse_state, target_path / PARTIAL_PARSE_FILE)


def save_parse_state(target_path: Path, parse_state: Path) -> None:
    """Keep dbt's partial-parse file for the next invocation, replaced in one step (a
    killed copy never leaves half a file)."""
    parsed = target_path / PARTIAL_PARSE_FILE
    if not parsed.exists():
        return
    parse_state.parent.mkdir(parents=True, exist_ok=True)
    partial = parse_state.with_name(f".{parse_state.name}.tmp")
    shutil.copyfile(parsed, partial)
    os.replace(partial, parse_state)


@dataclass(frozen=True)
class DbtFailure:
    node: str  # unique id, e.g. model.sales_targets.fct_orders
    status: str
    message: str

    def describe(self) -> str:
        return f"{self.node} ({self.status}): {self.message}"


class DbtCommandError(RuntimeError):
    """dbt exited with an error; the message names each failing node and dbt's message."""

    def __init__(self, message: str, failures: Sequence[DbtFailure] = ()) -> None:
        super().__init__(message)
        self.failures = list(failures)


def failures_in(run_results: Mapping[str, object]) -> list[DbtFailure]:
    """Failed or errored nodes of a dbt `run_results.json`, in dbt's order."""
    failures = []
    for result in run_results.get("results", []):  # type: ignore[union-attr]
        if result.get("status") in FAILED_STATUSES:
            message = " ".join(str(result.get("message") or "").split())
            failures.append(DbtFailure(result["unique_id"], result["status"], message))
    return failures


def summarise_output(output: str, limit: int = 40) -> str:
    """The lines of dbt's console output that say what failed (or its end)."""
    lines = ANSI_CODES.sub("", output).splitlines()
    start = next((i for i, line in enumerate(lines) if "Completed with" in line), None)
    picked = lines[start:] if start is not None else lines[-limit:]
    return "\n".join(picked[:limit])


@dataclass(frozen=True)
class DbtResult:
    command: list[str]
    returncode: int
    output: str
    run_results: Mapping[str, object] | None

    @property
    def success(self) -> bool:
        return self.returncode == 0

    @property
    def statuses(self) -> dict[str, str]:
        results = (self.run_results or {}).get("results", [])
        return {result["unique_id"]: result["status"] for result in results}  # type: ignore[union-attr]

    def failures(self) -> list[DbtFailure]:
        return failures_in(self.run_results or {})

    def failure_detail(self) -> str:
        """Each failing node with dbt's message, else the part of dbt's output that failed."""
        failures = self.failures()
        if failures:
            return "\n".join(f"  {failure.describe()}" for failure in failures)
        return summarise_output(self.output)

    def raise_for_failure(self, what: str) -> DbtResult:
        """Raise `DbtCommandError` naming what was being built, the failing nodes and dbt's
        message; return self when dbt succeeded."""
        if self.success:
            return self
        words = self.command[1:]
        ends = [words.index(flag) for flag in ("--select", "--project-dir") if flag in words]
        command = " ".join(words[: min(ends, default=len(words))])
        raise DbtCommandError(
            f"`dbt {command}` failed for {what} (exit {self.returncode}):\n"
            + self.failure_detail(),
            self.failures(),
        )


@dataclass(frozen=True)
class DbtInvocation:
    """One dbt command on the project: `dbt <arguments>` with its vars and environment.

    `work_dir` keeps dbt's target/ and logs/ out of the project (and is the working
    directory); without it dbt writes to the project's target/, where the manifest lives.
    `parse_state` is a partial-parse file dbt starts from and that a successful run
    replaces, so a fresh target folder need not re-parse the whole project.
    """

    arguments: tuple[str, ...]
    project_dir: Path
    env: Mapping[str, str] = field(default_factory=dict)
    dbt_vars: Mapping[str, object] | None = None
    work_dir: Path | None = None
    parse_state: Path | None = None

    @property
    def target_path(self) -> Path:
        return (self.work_dir or self.project_dir) / "target"

    def command(self) -> list[str]:
        project = str(self.project_dir)
        command = [dbt_executable(), *self.arguments, "--project-dir", project,
                   "--profiles-dir", project]  # fmt: skip
        if self.work_dir is not None:
            command += ["--target-path", str(self.target_path),
                        "--log-path", str(self.work_dir / "logs")]  # fmt: skip
        if self.dbt_vars:
            command += ["--vars", json.dumps(dict(self.dbt_vars), sort_keys=True)]
        return command

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A new mapping: `base` (default this process's environment) plus the project's."""
        return {**(os.environ if base is None else base), **self.env}

    def run(self, timeout_seconds: float | None = None) -> DbtResult:
        """Run dbt in a subprocess, output captured; never raises on dbt's exit code."""
        # only a private target folder's run results surely describe this run
        results_file = self.target_path / "run_results.json" if self.work_dir else None
        if results_file is not None:
            results_file.unlink(missing_ok=True)
        if self.parse_state is not None:
            start_from_parse_state(self.target_path, self.parse_state)
        command = self.command()
        completed = subprocess.run(
            command,
            env=self.environment(),
            cwd=self.work_dir,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout_seconds,
        )
        run_results = (
            json.loads(results_file.read_text())
            if results_file is not None and results_file.exists()
            else None
        )
        if self.parse_state is not None and completed.returncode == 0:
            save_parse_state(self.target_path, self.parse_state)
        return DbtResult(
            command=command,
            returncode=completed.returncode,
            output=completed.stdout + completed.stderr,
            run_results=run_results,
        )
