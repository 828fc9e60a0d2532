"""Who receives an owner's digest: a rep's email from the mapped CRM (staging's reps), or
for an owner who is not a rep (the customer team, a region's team, the head of sales) the
addresses the plan file `alert_recipients.csv` lists for that owner. No other address is
ever written to: an owner with neither gets the webhook only.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import Settings
from orchestration.warehouse import connect_warehouse, relation_exists

RECIPIENT_COLUMNS = ("owner", "email")
# one address, no display name or list: what the file and the CRM must hold
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


class RecipientsFileError(ValueError):
    """alert_recipients.csv is malformed; the message names the file, row and rule."""


@dataclass(frozen=True)
class Recipients:
    rep_emails: dict[str, str] = field(default_factory=dict)  # rep_id -> email
    team_emails: dict[str, tuple[str, ...]] = field(default_factory=dict)  # owner -> emails

    def addresses(self, owner_rep_id: str | None, owner: str) -> tuple[str, ...]:
        if owner_rep_id:
            email = self.rep_emails.get(owner_rep_id)
            return (email,) if email else ()
        return self.team_emails.get(owner, ())


def read_team_recipients(path: Path) -> dict[str, tuple[str, ...]]:
    """owner -> emails from the plan file; no file means no team has an address."""
    if not path.exists():
        return {}
    found: dict[str, list[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in RECIPIENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RecipientsFileError(
                f"{path}: header lacks {', '.join(missing)} (rule: recipient_columns)"
            )
        for row_number, row in enumerate(reader, start=2):
            owner, email = (row.get("owner") or "").strip(), (row.get("email") or "").strip()
            if not owner:
                raise RecipientsFileError(
                    f"{path}, row {row_number}: owner is empty (rule: owner_required)"
                )
            if not EMAIL.fullmatch(email):
                raise RecipientsFileError(
                    f"{path}, row {row_number}: {email!r} is not one email address "
                    "(rule: one_email_per_row)"
                )
            found.setdefault(owner, []).append(email)
    return {owner: tuple(dict.fromkeys(emails)) for owner, emails in found.items()}


def read_rep_emails(settings: Settings) -> dict[str, str]:
    """rep_id -> email of every rep of the mapped CRM with a well-formed address."""
    if not settings.warehouse_path.exists():
        return {}
    with connect_warehouse(settings, read_only=True) as connection:
        if not relation_exists(connection, "staging", "stg_crm__reps"):
            return {}
        rows = connection.execute(
            "select rep_id, email from staging.stg_crm__reps where email is not null"
        ).fetchall()
    return {rep: email.strip() for rep, email in rows if EMAIL.fullmatch(email.strip())}


def load_recipients(settings: Settings) -> Recipients:
    return Recipients(
        rep_emails=read_rep_emails(settings),
        team_emails=read_team_recipients(settings.alert_recipients_path),
    )
