"""The alerts asset: after each publication, send every owner what is new or worse."""

import dagster as dg

from orchestration.alerts.send import configured_channels, deliver
from orchestration.settings import Settings

ALERTS_KEY = dg.AssetKey(["published", "alerts"])
STORE_KEY = dg.AssetKey(["published", "reporting_store"])


def build_alerts_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=ALERTS_KEY,
        deps=[STORE_KEY],
        group_name="publish",
        kinds={"email"},
        description="One digest per owner of the warnings that are new or got worse since "
        "the last publication, by email and/or webhook (off until a channel is set); "
        "deliveries are logged in quality.alert_deliveries.",
    )
    def alerts(
        context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
    ) -> dg.MaterializeResult:
        if not configured_channels(settings):
            context.log.info("alerts: off (no SALES_TARGETS_SMTP_URL or _ALERT_WEBHOOK_URL)")
            return dg.MaterializeResult(metadata={"enabled": False})
        report = deliver(settings, say=context.log.info)
        # a channel that stays down is reported, not raised: the publication stands and
        # the next run sends what is still due
        (context.log.warning if report.failures else context.log.info)(
            f"alerts: {report.describe()}"
        )
        return dg.MaterializeResult(
            metadata={
                "enabled": True,
                "digests_sent": report.messages_sent,
                "alerts_sent": report.alerts_sent,
                "failed": len(report.failures),
                "channels_down": ", ".join(report.channels_down) or "none",
                "left_due": report.not_attempted,
            }
        )

    return alerts
