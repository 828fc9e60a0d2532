"""One owner's digest: the email and the webhook payload, from the same lines.

Each line is the warning's own message (it names the node, the week, how far behind and
what is needed per day) with a link to the node's page in the report: the rep's or the
group's own page, else the quarter's page. Nothing of a customer appears: the messages
are built from the published tables, which hold none.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from orchestration.alerts.due import Alert, Digest
from orchestration.report.people import node_href  # the report's one URL rule
from orchestration.settings import Settings

LEVEL_MARK = {"red": "RED", "amber": "AMBER"}


def page_link(settings: Settings, alert: Alert) -> str:
    page = node_href(alert.quarter, alert.node_id) or f"{alert.quarter}.html"
    return settings.report_url.rstrip("/") + "/" + page


def subject(digest: Digest, alerts: tuple[Alert, ...]) -> str:
    reds = sum(1 for a in alerts if a.warning_level == "red")
    quarters = ", ".join(sorted({a.quarter for a in alerts}))
    count = f"{len(alerts)} warning{'s' if len(alerts) != 1 else ''}"
    worst = f", {reds} red" if reds else ""
    return f"sales-targets {quarters}: {count}{worst} for {digest.owner}"


def lines(settings: Settings, alerts: tuple[Alert, ...]) -> list[str]:
    return [
        f"{LEVEL_MARK.get(a.warning_level, a.warning_level)}  {a.message}\n"
        f"      {page_link(settings, a)}"
        for a in alerts
    ]


def body(settings: Settings, digest: Digest, alerts: tuple[Alert, ...]) -> str:
    weeks = sorted({(a.quarter, a.week_number) for a in alerts}, key=str)
    as_of = "; ".join(f"{quarter} week {week}" for quarter, week in weeks)
    return (
        f"Hello {digest.owner},\n\n"
        f"new or worse since the last report ({as_of}):\n\n"
        + "\n\n".join(lines(settings, alerts))
        + "\n\nEach warning is sent once; you hear again only if it gets worse.\n"
    )


def email_message(
    settings: Settings, digest: Digest, recipient: str, sender: str, alerts: tuple[Alert, ...]
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject(digest, alerts)
    message["X-Sales-Targets-Alerts"] = ",".join(a.alert_id for a in alerts)
    message.set_content(body(settings, digest, alerts))
    return message


def webhook_payload(
    settings: Settings, digest: Digest, alerts: tuple[Alert, ...]
) -> dict[str, Any]:
    """Slack's and Teams' incoming webhooks read `text`; other receivers the fields."""
    return {
        "text": subject(digest, alerts) + "\n" + "\n".join(lines(settings, alerts)),
        "owner": digest.owner,
        "owner_rep_id": digest.owner_rep_id,
        "alerts": [
            {
                "alert_id": a.alert_id,
                "quarter": a.quarter,
                "week_number": a.week_number,
                "node_id": a.node_id,
                "node_name": a.node_name,
                "metric": a.metric,
                "warning_level": a.warning_level,
                "consecutive_weeks": a.consecutive_weeks,
                "message": a.message,
                "link": page_link(settings, a),
            }
            for a in alerts
        ],
    }
