"""The delivery log, `quality.alert_deliveries`: one row per attempt to send an alert to a
recipient on a channel. A `sent` row acknowledges it: it is never sent there again. Rows
are written right after each digest is acknowledged (or has failed), so a crash between
two digests re-sends only the digests not yet acknowledged: delivery is at least once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from orchestration.settings import Settings
from orchestration.warehouse import connect_warehouse, relation_exists

DELIVERY_SCHEMA = "quality"
DELIVERY_TABLE = f"{DELIVERY_SCHEMA}.alert_deliveries"
SENT, FAILED = "sent", "failed"

CREATE_TABLE = f"""
create table if not exists {DELIVERY_TABLE} (
    alert_id varchar not null,
    publication_id varchar,
    quarter varchar not null,
    node_id varchar not null,
    warning_level varchar not null,
    owner varchar not null,
    channel varchar not null,
    recipient varchar not null,
    attempt integer not null,
    status varchar not null,
    error varchar,
    attempted_at timestamp not null
)
"""


@dataclass(frozen=True)
class Delivery:
    alert_id: str
    quarter: str
    node_id: str
    warning_level: str
    owner: str
    channel: str
    recipient: str


def acknowledged(settings: Settings) -> set[tuple[str, str, str]]:
    """(alert_id, channel, recipient) of every acknowledged delivery."""
    if not settings.warehouse_path.exists():
        return set()
    with connect_warehouse(settings, read_only=True) as connection:
        if not relation_exists(connection, DELIVERY_SCHEMA, DELIVERY_TABLE.rpartition(".")[2]):
            return set()
        rows = connection.execute(
            f"select distinct alert_id, channel, recipient from {DELIVERY_TABLE} where status = ?",
            [SENT],
        ).fetchall()
    return {tuple(row) for row in rows}


def record(
    settings: Settings,
    deliveries: Iterable[Delivery],
    publication_id: str | None,
    attempt: int,
    status: str,
    error: str | None = None,
) -> None:
    """Log one attempt of a digest: a row per alert and recipient, committed at once."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (d.alert_id, publication_id, d.quarter, d.node_id, d.warning_level, d.owner,
         d.channel, d.recipient, attempt, status, error, now)
        for d in deliveries
    ]  # fmt: skip
    if not rows:
        return
    with connect_warehouse(settings) as connection:
        connection.execute(f"create schema if not exists {DELIVERY_SCHEMA}")
        connection.execute(CREATE_TABLE)
        connection.executemany(
            f"insert into {DELIVERY_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
