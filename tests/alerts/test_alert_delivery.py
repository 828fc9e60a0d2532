"""Alerts reach their owners, against real servers on loopback.

The small demo world's 2026Q4 is published as of 11 Nov, then as of 25 Nov, through
Dagster. An SMTP server (aiosmtpd, STARTTLS with a self-signed certificate, a login) and
an HTTP server take the digests. What each owner must receive is computed here from the
published store and the source CRM, not from the alert code: the warnings of the latest
judged week, the rep's email from the CRM's own database, a team's from the plan file.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.alerts.deliveries import DELIVERY_TABLE
from orchestration.alerts.send import deliver
from orchestration.cli import main
from orchestration.runner import run_quarters
from orchestration.settings import PROJECT_ROOT, Settings
from tests.alerts.loopback import SMTP_PASSWORD, SmtpServer, WebhookServer, self_signed_certificate
from tests.conftest import DOCS_AND_REPORT, generate_small_world, settings_in

pytestmark = pytest.mark.slow

QUARTER = "2026Q4"
ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")  # one plain address
FIRST_AS_OF, SECOND_AS_OF = date(2026, 11, 11), date(2026, 11, 25)
TEAM_ADDRESSES = {
    "Head of sales": ["head-of-sales@example.com"],
    "Customer team": ["customer-team@example.com"],
    "Product team": ["product-lead@example.com", "product-ops@example.com"],
    "Tier-1 cities team": ["tier1-team@example.com"],
    "Tier-2 cities team": ["tier2-team@example.com"],
    "Tier-3/4 cities team": ["tier34-team@example.com"],
    "Channel team": ["channel-team@example.com"],
}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def first_publication(tmp_path_factory) -> Settings:
    """2026Q4 published as of 11 Nov, alerts off: the tests send its digests themselves."""
    folder = tmp_path_factory.mktemp("alerts_world")
    settings = generate_small_world(folder)
    outcome = run_quarters(
        settings, date(2026, 10, 1), as_of=FIRST_AS_OF,
        instance=dg.DagsterInstance.ephemeral(), leave_out=DOCS_AND_REPORT,
    )  # fmt: skip
    assert outcome.success, outcome.error
    assert "published/alerts" in outcome.materialized
    return settings


@pytest.fixture
def world(first_publication, tmp_path, certificate, monkeypatch) -> Settings:
    """A copy of the first publication, with the team addresses file and the certificate
    the loopback servers use trusted (SSL_CERT_FILE, as an operator would)."""
    shutil.copytree(first_publication.data_dir, tmp_path / "data")
    recipients = tmp_path / "alert_recipients.csv"
    recipients.write_text(
        "owner,email\n"
        + "".join(
            f"{owner},{email}\n" for owner, emails in TEAM_ADDRESSES.items() for email in emails
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    return replace(
        settings_in(tmp_path / "data"), alert_recipients_path=recipients, alert_backoff_seconds=0.01
    )


# --- what the owners must get, from the store and the source CRM -------------------------


def latest_judged_week(settings: Settings) -> date:
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        (week,) = store.execute(
            "select max(week_start) from rpt_progress_weekly "
            "where quarter = ? and flag is not null",
            [QUARTER],
        ).fetchone()
    return week.date() if hasattr(week, "date") else week


def current_warnings(settings: Settings) -> dict[str, tuple]:
    """node|metric -> (level, message, owner, owner_rep_id) of the latest judged week."""
    week = latest_judged_week(settings)
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        rows = store.execute(
            "select node_id || '|' || metric, warning_level, message, owner, owner_rep_id "
            "from rpt_warnings where quarter = ? and week_start = ?",
            [QUARTER, week],
        ).fetchall()
    return {key: tuple(rest) for key, *rest in rows}


def still_behind_since(settings: Settings, since: date) -> set[str]:
    """node|metric judged behind (amber or red) in every judged week after `since`."""
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        rows = store.execute(
            "select node_id || '|' || metric, bool_and(flag in ('amber', 'red')) "
            "from rpt_progress_weekly where quarter = ? and flag is not null "
            "and week_start > ? group by 1",
            [QUARTER, since],
        ).fetchall()
    return {key for key, behind in rows if behind}


def crm_emails(settings: Settings) -> dict[str, str]:
    with sqlite3.connect(settings.sources_dir / "crm.sqlite") as crm:
        rows = crm.execute("select rep_id, email from reps").fetchall()
    return {rep: email for rep, email in rows if email and ADDRESS.fullmatch(email)}


def expected_mail(settings: Settings, warnings: dict[str, tuple]) -> dict[str, set[str]]:
    """recipient -> the messages of the warnings their digest must hold."""
    reps = crm_emails(settings)
    mail: dict[str, set[str]] = {}
    for _level, message, owner, owner_rep_id in warnings.values():
        if owner_rep_id:  # a rep without a usable address in the CRM gets no email
            addresses = [reps[owner_rep_id]] if owner_rep_id in reps else []
        else:
            addresses = TEAM_ADDRESSES.get(owner, [])
        for address in addresses:
            mail.setdefault(address, set()).add(message)
    return mail


def received_mail(accepted) -> dict[str, set[str]]:
    """recipient -> messages in the digests the server acknowledged (one each, asserted)."""
    recipients = [a.recipients[0] for a in accepted]
    assert len(recipients) == len(set(recipients)), f"a recipient got two digests: {recipients}"
    assert all(len(a.recipients) == 1 for a in accepted)
    return {
        a.recipients[0]: {line.split("  ", 1)[1] for line in a.text.splitlines()
                          if line.startswith(("RED  ", "AMBER  "))}
        for a in accepted
    }  # fmt: skip


def sent_rows(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        return warehouse.execute(
            f"select alert_id, channel, recipient, attempt, status, error from {DELIVERY_TABLE}"
        ).fetchall()


# --- the tests ---------------------------------------------------------------------------


def test_a_kill_between_two_sends_resends_only_what_was_not_acknowledged_and_the_next_publication_sends_only_what_is_new_or_worse(  # noqa: E501
    world: Settings, certificate
):
    first, first_week = current_warnings(world), latest_judged_week(world)
    want_first = expected_mail(world, first)
    assert len(first) >= 3 and len(want_first) >= 3, "the world should lag in several places"
    allowed = set(crm_emails(world).values()) | {e for es in TEAM_ADDRESSES.values() for e in es}

    with SmtpServer(*certificate) as smtp:
        # the sender is killed while the server holds its second digest unanswered
        smtp.recorder.hold_message = 2
        environment = {
            **os.environ,
            "SALES_TARGETS_DATA_DIR": str(world.data_dir),
            "SALES_TARGETS_SMTP_URL": smtp.url(),
            "SALES_TARGETS_ALERT_RECIPIENTS": str(world.alert_recipients_path),
            "SALES_TARGETS_ALERT_BACKOFF_SECONDS": "0.01",
        }
        sender = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "alerts", "send"], cwd=PROJECT_ROOT,
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            assert smtp.recorder.held.wait(180), sender.communicate(timeout=5)[0]
        finally:
            os.killpg(sender.pid, signal.SIGKILL)
            sender.wait(60)
        smtp.recorder.release.set()
        assert len(smtp.recorder.accepted) == 1
        acknowledged_first = smtp.recorder.accepted[0].recipients[0]

        # the next send delivers the rest, and the acknowledged digest not again
        smtp.recorder.hold_message = None
        email_only = replace(world, alert_smtp_url=smtp.url())
        report = deliver(email_only)
        assert report.failures == []
        assert report.messages_sent == len(want_first) - 1
        assert received_mail(smtp.recorder.accepted) == want_first
        assert acknowledged_first in want_first
        assert {a.recipients[0] for a in smtp.recorder.accepted} <= allowed
        assert all(a.sender == "sales-targets@example.com" for a in smtp.recorder.accepted)
        assert all(login == (b"alerts", SMTP_PASSWORD.encode()) for login in smtp.recorder.logins)
        # each digest links its warnings to the report
        assert all(world.report_url in a.text for a in smtp.recorder.accepted)
        # the log: one acknowledgement per alert and recipient, the killed send not among them
        rows = sent_rows(world)
        assert {status for *_, status, _ in rows} == {"sent"}
        assert len(rows) == sum(len(messages) for messages in want_first.values())

        # the second publication, with alerts on in the run: email and the webhook
        with WebhookServer() as webhook:
            both = replace(email_only, alert_webhook_url=webhook.url)
            before = len(smtp.recorder.accepted)
            outcome = run_quarters(
                both, date(2026, 10, 1), as_of=SECOND_AS_OF,
                instance=dg.DagsterInstance.ephemeral(), leave_out=DOCS_AND_REPORT,
            )  # fmt: skip
            assert outcome.success, outcome.error
            second = current_warnings(both)
            # by now a group lags too: its lead is written at the CRM's address
            assert any(owner_rep_id for *_, owner_rep_id in second.values())
            continuing = still_behind_since(both, first_week)
            worse = {"amber": 0, "red": 1}
            new_or_worse = {
                key: warning
                for key, warning in second.items()
                if key not in first
                or key not in continuing
                or worse[warning[0]] > worse[first[key][0]]
            }
            assert received_mail(smtp.recorder.accepted[before:]) == expected_mail(
                both, new_or_worse
            )
            # the webhook was off for the first publication: every current warning, one
            # payload per owner
            owners = {(w[3], w[2]) for w in second.values()}
            assert len(webhook.payloads) == len(owners)
            assert {
                (a["node_id"] + "|" + a["metric"], a["message"])
                for payload in webhook.payloads
                for a in payload["alerts"]
            } == {(key, warning[1]) for key, warning in second.items()}
            assert all(p["text"].startswith("sales-targets 2026Q4:") for p in webhook.payloads)

            # the same publication again: nothing new anywhere
            sent_so_far, posted_so_far = len(smtp.recorder.accepted), len(webhook.payloads)
            again = deliver(both)
            assert (again.messages_sent, again.failures) == (0, [])
            assert len(smtp.recorder.accepted) == sent_so_far
            assert len(webhook.payloads) == posted_so_far


def test_a_failing_channel_is_retried_then_reported_without_stopping_the_other(
    world: Settings, certificate
):
    with SmtpServer(*certificate) as smtp, WebhookServer() as webhook:
        webhook.fail_first = 1000
        both = replace(
            world, alert_smtp_url=smtp.url(), alert_webhook_url=webhook.url, alert_attempts=3
        )
        waits: list[float] = []
        report = deliver(both, sleep=waits.append)
        want = expected_mail(world, current_warnings(world))
        # email went through; the webhook was tried 3 times with a doubling wait, then left
        assert received_mail(smtp.recorder.accepted) == want
        assert webhook.failed == 3 and waits == [0.01, 0.02]
        assert len(report.failures) == 1 and "answered 500" in report.failures[0]
        assert "secret-token" not in report.describe()
        assert report.not_attempted == len({w[2] for w in current_warnings(world).values()}) - 1
        failed = [row for row in sent_rows(world) if row[4] == "failed"]
        assert sorted({row[3] for row in failed}) == [1, 2, 3]
        assert all("secret-token" not in row[5] for row in failed)

        # the next run, the webhook back: it gets every digest, email nothing twice
        webhook.fail_first = 0
        sent_before = len(smtp.recorder.accepted)
        later = deliver(both)
        assert later.failures == []
        assert len(smtp.recorder.accepted) == sent_before
        assert len(webhook.payloads) == len({w[2] for w in current_warnings(world).values()})


def test_a_refused_login_names_the_server_and_masks_the_password(
    world: Settings, certificate, monkeypatch, capsys
):
    with SmtpServer(*certificate) as smtp:
        wrong = "Wr0ng-Secret-99"
        monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(world.data_dir))
        monkeypatch.setenv("SALES_TARGETS_SMTP_URL", smtp.url(password=wrong))
        monkeypatch.setenv("SALES_TARGETS_ALERT_RECIPIENTS", str(world.alert_recipients_path))
        monkeypatch.setenv("SALES_TARGETS_ALERT_ATTEMPTS", "1")
        assert main(["alerts", "send"]) == 1
        printed = capsys.readouterr().out
        assert f"smtp://alerts:***@127.0.0.1:{smtp.port}" in printed
        assert "Authentication credentials invalid" in printed  # the server's 535, not a timeout
        assert wrong not in printed and smtp.recorder.accepted == []
        assert all(wrong not in (row[5] or "") for row in sent_rows(world))
        assert {row[4] for row in sent_rows(world)} == {"failed"}


def test_preview_prints_the_digests_and_sends_nothing(
    world: Settings, certificate, monkeypatch, capsys
):
    with SmtpServer(*certificate) as smtp:
        monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(world.data_dir))
        monkeypatch.setenv("SALES_TARGETS_SMTP_URL", smtp.url())
        monkeypatch.setenv("SALES_TARGETS_ALERT_RECIPIENTS", str(world.alert_recipients_path))
        assert main(["alerts", "preview"]) == 0
        printed = capsys.readouterr().out
        assert smtp.recorder.received == 0
    assert SMTP_PASSWORD not in printed
    for recipient, messages in expected_mail(world, current_warnings(world)).items():
        assert f"--- email to {recipient} " in printed
        assert all(message in printed for message in messages)
    assert not world.warehouse_path.exists() or sent_rows_or_none(world) == []


def sent_rows_or_none(settings: Settings) -> list[tuple]:
    try:
        return sent_rows(settings)
    except duckdb.CatalogException:
        return []
