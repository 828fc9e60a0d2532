"""`plan check`: every rule of the plan contract, file by file and then across files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from orchestration.plan.errors import PlanContractError, PlanError
from orchestration.plan.loading import FileNotLoaded, load_plan
from orchestration.plan.org import PlanOrg, load_org
from orchestration.plan.rules import CROSS_FILE_RULES, QuarterCalendar, required_quarters_planned
from orchestration.settings import Settings


def check_plan(
    plan_dir: Path,
    org: PlanOrg | None = None,
    required_quarters: Iterable[str] = (),
    fiscal_year_start_month: int = 1,
) -> list[PlanError]:
    """All broken rules of the plan in `plan_dir`; empty when the plan is valid.

    Every file's own contract is checked on the rows that parse, so a typo in one cell
    hides nothing else of its file. A cross-file rule runs when every file it reads passed
    its own contract (`FileNotLoaded` skips it otherwise), so one typo does not cascade into
    a page of follow-on errors, and the other rules still report theirs. With `org` (see
    `org.load_org`) groups and reps are checked against the CRM; `required_quarters`
    (labels like 2026Q3) must be planned.
    """
    plan_dir = Path(plan_dir)
    plan, errors = load_plan(plan_dir)
    if any(error.rule == "missing_plan_dir" for error in errors):
        return errors
    try:
        calendar = QuarterCalendar(plan, fiscal_year_start_month)
    except FileNotLoaded:
        return errors  # the planned quarters themselves are unreadable
    if org is not None:
        try:
            org = org.classified_by(
                dict(zip(plan["region_tiers"].region_id, plan["region_tiers"].tier, strict=True)),
                dict(
                    zip(plan["group_kinds"].group_id, plan["group_kinds"].group_kind, strict=True)
                ),
            )
        except FileNotLoaded:
            org = None  # the org rules would judge a classification that is broken
    for rule in CROSS_FILE_RULES:
        try:
            errors.extend(rule(plan, calendar, org))
        except FileNotLoaded:
            continue
    errors.extend(required_quarters_planned(calendar, required_quarters))
    for error in errors:
        error.plan_dir = plan_dir
    return errors


def validate_plan_for_run(settings: Settings, required_quarters: Iterable[str]) -> None:
    """The check before a run builds anything: the settings' plan, groups and reps against
    the CRM as last staged (when it has been), `required_quarters` planned. Raises
    `PlanContractError` listing every broken rule."""
    org, _ = load_org(settings.warehouse_path)
    validate_plan_or_raise(
        settings.plan_dir,
        org=org,
        required_quarters=required_quarters,
        fiscal_year_start_month=settings.fiscal_year_start_month,
    )


def validate_plan_or_raise(
    plan_dir: Path,
    org: PlanOrg | None = None,
    required_quarters: Iterable[str] = (),
    fiscal_year_start_month: int = 1,
) -> None:
    """Raise `PlanContractError` (a `PlanError`) listing every broken rule; the pipeline
    calls this before seeding the plan, so a broken plan builds nothing."""
    errors = check_plan(plan_dir, org, required_quarters, fiscal_year_start_month)
    if errors:
        raise PlanContractError(errors)
