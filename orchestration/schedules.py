"""The nightly schedule: refresh the quarter in progress, as of yesterday."""

from __future__ import annotations

import dagster as dg

from orchestration.partitions import quarter_start_of
from orchestration.run_window import today_in
from orchestration.settings import Settings


def build_nightly_schedule(job: dg.JobDefinition, settings: Settings) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="nightly_current_quarter",
        job=job,
        cron_schedule=f"0 {settings.nightly_hour} * * *",
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Every night: ingest new source rows, rebuild the current quarter, publish.",
    )
    def nightly_current_quarter(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        scheduled = context.scheduled_execution_time
        today = scheduled.date() if scheduled else today_in(settings.timezone)
        quarter = quarter_start_of(today, settings.fiscal_year_start_month)
        return dg.RunRequest(
            run_key=f"nightly-{today.isoformat()}",
            partition_key=quarter.isoformat(),
        )

    return nightly_current_quarter
