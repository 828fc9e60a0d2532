"""The two channels: email over SMTP and a JSON webhook.

`SALES_TARGETS_SMTP_URL` is `smtp://user:password@host:587?from=alerts@example.com`:
STARTTLS is required unless the URL says `starttls=off` (a relay on the same host), so a
password never crosses the network in clear; `smtps://` connects over TLS from the start.
Certificates are verified against the system's store (or `SSL_CERT_FILE`). Every error
and log line shows the URL with its password masked, and a server's reply is scrubbed of
it too. The webhook URL (Slack's and Teams' hold a secret in their path) is shown as its
scheme and host only.
"""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 30


class ChannelError(RuntimeError):
    """A channel refused or could not take a message; the text holds no secret."""


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    username: str | None
    password: str | None = None
    sender: str = "sales-targets@localhost"
    implicit_tls: bool = False
    starttls: bool = True

    @classmethod
    def from_url(cls, url: str) -> SmtpChannel:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                f"SALES_TARGETS_SMTP_URL must look like smtp://user:password@host:587"
                f"?from=alerts@example.com, got {mask_smtp_url(url)!r}"
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        starttls = query.get("starttls", "require").lower()
        if starttls not in ("require", "off"):
            raise ValueError(
                f"SALES_TARGETS_SMTP_URL: starttls must be require or off, got {starttls!r}"
            )
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from") or f"sales-targets@{socket.getfqdn()}",
            implicit_tls=implicit,
            starttls=not implicit and starttls == "require",
        )

    @property
    def label(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{self.host}:{self.port}"

    def _scrub(self, text: str) -> str:
        return text.replace(self.password, "***") if self.password else text

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        try:
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                          context=context)  # fmt: skip
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            with client:
                client.ehlo()
                if self.starttls:
                    if not client.has_extn("starttls"):
                        raise ChannelError(
                            f"{self.label} offers no STARTTLS; refusing to send in clear "
                            "(add starttls=off to the URL only for a relay on this host)"
                        )
                    client.starttls(context=context)
                    client.ehlo()
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except ChannelError:
            raise
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            raise ChannelError(
                f"{self.label}: {self._scrub(str(exc)) or type(exc).__name__}"
            ) from None


@dataclass(frozen=True)
class WebhookChannel:
    url: str

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/…"

    def send(self, payload: dict) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                if not 200 <= response.status < 300:
                    raise ChannelError(f"webhook {self.label} answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"webhook {self.label} answered {exc.code}") from None
        except (OSError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ChannelError(f"webhook {self.label}: {reason}") from None


def mask_smtp_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
