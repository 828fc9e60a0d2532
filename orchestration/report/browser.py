"""Headless Chromium for screenshots of the report (Debian's `chromium` package).

Every flag that would make Chromium talk to the network on its own is off: the report
must render from disk alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.report.files import write_atomic

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Headless and offline: no sandbox (root in containers), no GPU, no background traffic.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)

SCREEN_SIZE = (1280, 900)


class BrowserError(RuntimeError):
    """Chromium is missing or failed; the message says which and how to fix it."""


def find_chromium() -> str | None:
    """Path of a Chromium binary: $CHROMIUM_PATH, else the first of the usual names on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(binary: str, user_data_dir: Path, *extra: str) -> list[str]:
    return [binary, *HEADLESS_FLAGS, f"--user-data-dir={user_data_dir}", *extra]


def take_screenshot(
    html_path: Path,
    png_path: Path,
    size: tuple[int, int] = SCREEN_SIZE,
    timeout_seconds: float = 60,
) -> Path:
    """Save the first screen of `html_path` as `png_path` (written atomically)."""
    binary = find_chromium()
    if binary is None:
        raise BrowserError(
            "no Chromium found for the report screenshot: install Debian's `chromium` "
            "(apt-get install chromium) or set CHROMIUM_PATH"
        )
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
        temporary = Path(profile) / "screen.png"
        command = chromium_command(
            binary,
            Path(profile) / "profile",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={temporary}",
            html_path.resolve().as_uri(),
        )
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout_seconds, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(
                f"Chromium took over {timeout_seconds:.0f}s to screenshot {html_path}"
            ) from exc
        if not temporary.exists():
            tail = "\n".join(result.stderr.strip().splitlines()[-5:])
            raise BrowserError(
                f"Chromium made no screenshot of {html_path} (exit {result.returncode}): {tail}"
            )
        # the profile lives in /tmp, maybe on another device: copy, then swap in atomically
        write_atomic(png_path, temporary.read_bytes())
    return png_path
