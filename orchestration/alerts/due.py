"""The alerts a publication owes: every warning current in a quarter still running, as one
alert per warning episode and level, grouped by owner, minus what was acknowledged before.

A warning episode is a node's run of weeks below its line (rpt_warnings counts them in
consecutive_weeks): it starts in the week whose count is 1. Its alert id hashes quarter,
node, metric, the episode's first week and the level, so the same warning is never sent
twice, a red after an amber of the same episode is sent (it got worse), an amber after a
red is not, and a node that recovers and falls behind again starts a new episode. A
closed quarter's warnings can no longer be acted on: they are not sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from orchestration.alerts.deliveries import Delivery, acknowledged
from orchestration.alerts.recipients import Recipients, load_recipients
from orchestration.partitions import parse_quarter, quarter_end_of
from orchestration.settings import Settings
from orchestration.store_reader import open_store_read_only

LEVELS = ("amber", "red")  # worse last
EMAIL, WEBHOOK = "email", "webhook"
WEBHOOK_RECIPIENT = "webhook"


@dataclass(frozen=True)
class Alert:
    alert_id: str
    quarter: str
    week_number: int | None
    week_start: date
    episode_start: date
    node_id: str
    node_name: str
    metric: str
    warning_level: str
    completion: float | None
    consecutive_weeks: int
    message: str
    owner: str
    owner_rep_id: str | None


@dataclass(frozen=True)
class Digest:
    """One owner's alerts of a publication, and where each still has to go."""

    owner: str
    owner_rep_id: str | None
    alerts: tuple[Alert, ...]
    # channel -> recipient -> the alerts not yet acknowledged there
    pending: dict[str, dict[str, tuple[Alert, ...]]] = field(default_factory=dict)

    def deliveries(self, channel: str, recipient: str) -> list[Delivery]:
        return [
            Delivery(a.alert_id, a.quarter, a.node_id, a.warning_level, self.owner, channel,
                     recipient)
            for a in self.pending.get(channel, {}).get(recipient, ())
        ]  # fmt: skip


@dataclass(frozen=True)
class DuePlan:
    publication_id: str | None
    publication_number: int | None
    quarters: tuple[str, ...]  # the running quarters the alerts come from
    digests: tuple[Digest, ...]

    @property
    def pending_count(self) -> int:
        return sum(
            len(alerts)
            for digest in self.digests
            for recipients in digest.pending.values()
            for alerts in recipients.values()
        )


def alert_id(quarter: str, node_id: str, metric: str, episode_start: date, level: str) -> str:
    key = "|".join((quarter, node_id, metric, episode_start.isoformat(), level))
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _episode_start(rows: list[dict]) -> date:
    """The first week of the run the newest row ends (rows of one node, newest first)."""
    for row in rows:
        if row["consecutive_weeks"] <= 1:
            return row["week_start"]
    return rows[-1]["week_start"]


def current_alerts(settings: Settings) -> tuple[dict, list[Alert]]:
    """The latest publication, and the warnings of its running quarters in their latest
    judged week, newest first."""
    store = open_store_read_only(settings.reporting_path)
    try:
        publication = _latest_publication(store)
        as_of_dates = store.execute(
            "select quarter, max(as_of_date) from rpt_target_tree group by quarter"
        ).fetchall()
        quarters = sorted(
            quarter for quarter, as_of in as_of_dates
            if _as_date(as_of) < quarter_end_of(
                parse_quarter(quarter, settings.fiscal_year_start_month))
        )  # fmt: skip
        if not quarters:
            return publication | {"running": []}, []
        marks = ", ".join("?" for _ in quarters)
        latest = dict(
            store.execute(
                f"select quarter, max(week_start) from rpt_progress_weekly "
                f"where flag is not null and quarter in ({marks}) group by quarter",
                quarters,
            ).fetchall()
        )
        result = store.execute(
            "select quarter, week_start, week_number, node_id, node_name, metric, "
            "warning_level, completion, consecutive_weeks, message, owner, owner_rep_id "
            f"from rpt_warnings where quarter in ({marks}) "
            "order by quarter, node_id, metric, week_start desc",
            quarters,
        )
        names = [column[0] for column in result.description]
        rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        store.close()
    by_node: dict[tuple, list[dict]] = {}
    for row in rows:
        row["week_start"] = _as_date(row["week_start"])
        by_node.setdefault((row["quarter"], row["node_id"], row["metric"]), []).append(row)
    alerts = []
    for (quarter, node_id, metric), node_rows in by_node.items():
        newest = node_rows[0]
        if newest["week_start"] != _as_date(latest.get(quarter)):
            continue  # not behind in the latest judged week: recovered
        start = _episode_start(node_rows)
        level = newest["warning_level"]
        alerts.append(
            Alert(
                alert_id=alert_id(quarter, node_id, metric, start, level),
                quarter=quarter, week_number=newest["week_number"],
                week_start=newest["week_start"], episode_start=start, node_id=node_id,
                node_name=newest["node_name"] or node_id, metric=metric, warning_level=level,
                completion=newest["completion"], consecutive_weeks=newest["consecutive_weeks"],
                message=newest["message"], owner=newest["owner"] or "unassigned",
                owner_rep_id=newest["owner_rep_id"],
            )
        )  # fmt: skip
    alerts.sort(key=lambda a: (a.quarter, -LEVELS.index(a.warning_level), a.node_id, a.metric))
    return publication | {"running": quarters}, alerts


def plan_deliveries(
    settings: Settings,
    channels: Iterable[str],
    recipients: Recipients | None = None,
    delivered: set[tuple[str, str, str]] | None = None,
) -> DuePlan:
    """Every owner's digest of the latest publication, with what each channel still owes."""
    publication, alerts = current_alerts(settings)
    recipients = recipients if recipients is not None else load_recipients(settings)
    delivered = delivered if delivered is not None else acknowledged(settings)
    channels = tuple(channels)
    by_owner: dict[tuple[str | None, str], list[Alert]] = {}
    for alert in alerts:
        by_owner.setdefault((alert.owner_rep_id, alert.owner), []).append(alert)
    digests = []
    for (owner_rep_id, owner), owned in by_owner.items():
        targets = {
            EMAIL: recipients.addresses(owner_rep_id, owner) if EMAIL in channels else (),
            WEBHOOK: (WEBHOOK_RECIPIENT,) if WEBHOOK in channels else (),
        }
        pending = {
            channel: {
                recipient: due
                for recipient in addresses
                if (due := tuple(a for a in owned if not _sent(a, channel, recipient, delivered)))
            }
            for channel, addresses in targets.items()
        }
        digests.append(
            Digest(owner, owner_rep_id, tuple(owned),
                   {channel: due for channel, due in pending.items() if due})
        )  # fmt: skip
    return DuePlan(
        publication_id=publication.get("publication_id"),
        publication_number=publication.get("publication_number"),
        quarters=tuple(publication.get("running", [])),
        digests=tuple(digests),
    )


def _sent(alert: Alert, channel: str, recipient: str, delivered: set) -> bool:
    """Acknowledged at this level or worse, for the same episode."""
    worse_or_same = LEVELS[LEVELS.index(alert.warning_level) :]
    return any(
        (alert_id(alert.quarter, alert.node_id, alert.metric, alert.episode_start, level),
         channel, recipient) in delivered
        for level in worse_or_same
    )  # fmt: skip


def _latest_publication(store) -> dict:
    row = store.execute(
        "select publication_id, publication_number, as_of_date from rpt_publication "
        "order by publication_number desc limit 1"
    ).fetchone()
    if row is None:
        return {}
    publication_id, number, as_of = row
    return {
        "publication_id": publication_id,
        "publication_number": number,
        "as_of_date": _as_date(as_of),
    }


def _as_date(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value
