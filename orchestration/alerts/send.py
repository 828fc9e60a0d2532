"""Deliver a publication's digests: at least once, in order, retrying a failing channel.

For each owner's digest and each of its recipients on each channel: send, then log the
acknowledgement (`deliveries.record`) before the next send. A crash between two sends
re-sends, on the next run, only the digests whose acknowledgement was not logged; a
second run of the same publication finds everything acknowledged and sends nothing. A
send that fails is retried `alert_attempts` times with a doubling wait; then that channel
is left for this run (its remaining digests stay due for the next one) and the failure is
reported, never raised: a mail server down must not undo a publication.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from orchestration.alerts.channels import ChannelError, SmtpChannel, WebhookChannel
from orchestration.alerts.deliveries import FAILED, SENT, record
from orchestration.alerts.digest import email_message, webhook_payload
from orchestration.alerts.due import EMAIL, WEBHOOK, DuePlan, plan_deliveries
from orchestration.settings import Settings


@dataclass
class DeliveryReport:
    messages_sent: int = 0
    alerts_sent: int = 0
    failures: list[str] = field(default_factory=list)  # one line per given-up digest
    channels_down: list[str] = field(default_factory=list)
    not_attempted: int = 0  # digests left due because their channel was down

    def describe(self) -> str:
        text = f"{self.messages_sent} digest(s) sent with {self.alerts_sent} alert(s)"
        if self.failures:
            text += (
                f"; {len(self.failures)} failed ({'; '.join(self.failures)}), "
                f"{self.not_attempted} left due for the next run"
            )
        return text


def configured_channels(settings: Settings) -> dict[str, SmtpChannel | WebhookChannel]:
    channels: dict[str, SmtpChannel | WebhookChannel] = {}
    if settings.alert_smtp_url:
        channels[EMAIL] = SmtpChannel.from_url(settings.alert_smtp_url)
    if settings.alert_webhook_url:
        channels[WEBHOOK] = WebhookChannel(settings.alert_webhook_url)
    return channels


def deliver(
    settings: Settings,
    plan: DuePlan | None = None,
    say: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    channels = configured_channels(settings)
    report = DeliveryReport()
    if not channels:
        return report
    plan = plan or plan_deliveries(settings, channels)
    down: set[str] = set()
    for digest in plan.digests:
        for name, recipients in digest.pending.items():
            channel = channels[name]
            for recipient, alerts in recipients.items():
                if name in down:
                    report.not_attempted += 1
                    continue
                deliveries = digest.deliveries(name, recipient)
                for attempt in range(1, settings.alert_attempts + 1):
                    try:
                        if name == EMAIL:
                            channel.send(
                                email_message(settings, digest, recipient, channel.sender, alerts)
                            )
                        else:
                            channel.send(webhook_payload(settings, digest, alerts))
                    except ChannelError as exc:
                        record(settings, deliveries, plan.publication_id, attempt, FAILED, str(exc))
                        if attempt < settings.alert_attempts:
                            wait = settings.alert_backoff_seconds * 2 ** (attempt - 1)
                            say(f"  {name} to {digest.owner}: {exc}; retrying in {wait:g}s")
                            sleep(wait)
                            continue
                        report.failures.append(f"{name} to {digest.owner}: {exc}")
                        report.channels_down.append(f"{name} ({channel.label})")
                        down.add(name)
                        break
                    record(settings, deliveries, plan.publication_id, attempt, SENT)
                    report.messages_sent += 1
                    report.alerts_sent += len(alerts)
                    say(f"  {name} to {digest.owner}: {len(alerts)} alert(s)")
                    break
    return report
