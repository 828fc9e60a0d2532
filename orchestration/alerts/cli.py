"""`sales-targets alerts preview|send`: what the latest publication owes each owner."""

from __future__ import annotations

import argparse
import sys

from orchestration.alerts.channels import mask_smtp_url
from orchestration.alerts.digest import body, subject
from orchestration.alerts.due import EMAIL, WEBHOOK, plan_deliveries
from orchestration.alerts.recipients import RecipientsFileError
from orchestration.alerts.send import configured_channels, deliver
from orchestration.settings import Settings


def register_alert_commands(subparsers: argparse._SubParsersAction) -> None:
    alerts = subparsers.add_parser(
        "alerts", help="the warnings each owner is told about after a publication"
    )
    commands = alerts.add_subparsers(dest="alerts_command", required=True)
    preview = commands.add_parser(
        "preview", help="print the digests the latest publication would send (sends nothing)"
    )
    preview.add_argument(
        "--all", action="store_true", help="include what was already sent (default: only due)"
    )
    preview.set_defaults(handler=cmd_preview)
    send = commands.add_parser(
        "send", help="send what the latest publication still owes (as each run does)"
    )
    send.set_defaults(handler=cmd_send)


def _channels_line(settings: Settings) -> str:
    parts = []
    if settings.alert_smtp_url:
        parts.append(f"email via {mask_smtp_url(settings.alert_smtp_url)}")
    if settings.alert_webhook_url:
        parts.append(f"webhook {configured_channels(settings)[WEBHOOK].label}")
    return ", ".join(parts) or (
        "none configured (alerts are off: set SALES_TARGETS_SMTP_URL and/or "
        "SALES_TARGETS_ALERT_WEBHOOK_URL); showing the email digests they would send"
    )


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    try:
        channels = list(configured_channels(settings)) or [EMAIL]
        plan = plan_deliveries(settings, channels, delivered=set() if args.all else None)
    except (FileNotFoundError, RecipientsFileError, ValueError) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 2
    print(f"channels: {_channels_line(settings)}")
    running = ", ".join(plan.quarters) or "none (every published quarter is closed)"
    print(f"publication {plan.publication_number}, quarters still running: {running}")
    owed = [d for d in plan.digests if d.pending]
    if not owed:
        print("nothing to send: every current warning was already delivered")
        return 0
    for digest in owed:
        for channel, recipients in digest.pending.items():
            for recipient, alerts in recipients.items():
                print(f"\n--- {channel} to {recipient} ({digest.owner})")
                print(f"Subject: {subject(digest, alerts)}\n")
                print(body(settings, digest, alerts))
    unaddressed = [d.owner for d in plan.digests if not d.pending.get(EMAIL) and EMAIL in channels]
    if unaddressed:
        print(
            "no email address for: " + ", ".join(unaddressed) + f" (reps: the CRM's email; "
            f"teams: {settings.alert_recipients_path})"
        )
    return 0


def cmd_send(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if not configured_channels(settings):
            print(f"alerts: {_channels_line(settings)}")
            return 0
        report = deliver(settings, say=print)
    except (FileNotFoundError, RecipientsFileError, ValueError) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 2
    print(f"alerts: {report.describe()}")
    return 1 if report.failures else 0
