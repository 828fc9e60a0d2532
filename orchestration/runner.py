"""Run the quarter job in this process, recording the run in the project's Dagster instance.

`make demo` and the CLI need no daemon or UI: runs execute here and `make dev` later shows
their history because both use the same DAGSTER_HOME.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import dagster as dg

from orchestration.progress import PROGRESS_LOGGER, progress_logger
from orchestration.run_window import RunWindow
from orchestration.settings import Settings
from orchestration.transform.project import ensure_manifest
from orchestration.warehouse import warehouse_lock


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    seconds: float
    materialized: list[str]
    failed_checks: list[str]
    error: str | None


def _root_cause(error) -> str:
    """The innermost error message: what the user can act on, not Dagster's wrapper."""
    while (error.cause or error.context) is not None:
        error = error.cause or error.context
    return error.message.strip()


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The project-local instance (telemetry off, see .dagster/dagster.yaml)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # a DAGSTER_HOME outside the checkout: the committed instance settings apply there too
        shutil.copyfile(settings.project_root / ".dagster" / "dagster.yaml", config)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def _selection_without(
    definitions: dg.Definitions, leave_out: Collection[str]
) -> list[dg.AssetKey] | None:
    """Every asset of the job except those named in `leave_out`; None for all of them."""
    if not leave_out:
        return None
    keys = definitions.resolve_asset_graph().get_all_asset_keys()
    names = {key.to_user_string(): key for key in keys}
    unknown = sorted(set(leave_out) - set(names))
    if unknown:
        raise ValueError(f"no asset named {', '.join(unknown)} to leave out")
    return sorted((key for name, key in names.items() if name not in leave_out), key=str)


def run_quarters(
    settings: Settings,
    first: date,
    last: date | None = None,
    as_of: date | None = None,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "INFO",
    restate: bool = False,
    leave_out: Collection[str] = (),
) -> RunOutcome:
    """Materialize every asset for one quarter, or for a range as one backfill run.

    `restate` recomputes closed quarters with every status change known today (late refunds
    and cancellations); without it a closed quarter keeps the numbers as of its last day.
    `leave_out` names assets not to materialize (e.g. `published/dbt_docs`).
    """
    window = RunWindow.from_quarters(first, last, as_of=as_of, restate=restate)
    return run_window(settings, window, instance=instance, log_level=log_level, leave_out=leave_out)


def run_window(
    settings: Settings,
    window: RunWindow,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "INFO",
    leave_out: Collection[str] = (),
    progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Run the quarter job for `window` in this process, holding the warehouse lock.

    `progress` receives one line per step as it ends (`orchestration.progress`)."""
    if not window.partitioned:
        raise ValueError("the quarter job needs at least one quarter to run")
    ensure_manifest(settings)
    from orchestration.definitions import QUARTER_JOB, build_definitions

    definitions = build_definitions(settings)
    job = definitions.resolve_job_def(QUARTER_JOB)
    loggers: dict[str, dict] = {"console": {"config": {"log_level": log_level}}}
    if progress is not None:
        job = job.with_logger_defs({**job.loggers, PROGRESS_LOGGER: progress_logger(progress)})
        loggers[PROGRESS_LOGGER] = {}
    selection = _selection_without(definitions, leave_out)
    started = time.monotonic()
    with warehouse_lock(settings):
        result = job.execute_in_process(
            instance=instance or dagster_instance(settings),
            partition_key=window.partition_key,
            asset_selection=selection,
            tags=window.run_tags(settings.fiscal_year_start_month),
            run_config={"loggers": loggers},
            raise_on_error=False,
        )
    materialized = sorted(
        {
            event.asset_key.to_user_string()
            for event in result.get_asset_materialization_events()
            if event.asset_key
        }
    )
    failed_checks = sorted(
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    )
    error = None
    skipped = [event.step_key for event in result.all_events if event.is_step_skipped]
    if result.success and skipped:
        # Dagster calls a run whose steps were skipped a success; nothing downstream of the
        # skipped step (publishing included) ran, so the run did not do what was asked
        return RunOutcome(
            run_id=result.run_id,
            success=False,
            seconds=time.monotonic() - started,
            materialized=materialized,
            failed_checks=failed_checks,
            error=f"{len(skipped)} steps were skipped, not run: "
            + ", ".join(skipped[:5])
            + (", ..." if len(skipped) > 5 else "")
            + " (an upstream output was not produced; see the run's log)",
        )
    if not result.success:
        failures = [event for event in result.all_events if event.is_step_failure]
        error = (
            "; ".join(
                f"{event.step_key}: {_root_cause(event.step_failure_data.error)}"
                for event in failures
                if event.step_failure_data and event.step_failure_data.error
            )
            or "run failed"
        )
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        seconds=time.monotonic() - started,
        materialized=materialized,
        failed_checks=failed_checks,
        error=error,
    )
