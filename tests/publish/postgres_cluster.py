"""A throwaway PostgreSQL cluster on a loopback port, from the Debian server binaries.

`throwaway_cluster()` yields (host, port) or raises `ClusterUnavailable` with the reason;
the cluster lives in a fresh temporary folder and is stopped and removed afterwards.
initdb refuses to run as root, so as root it runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_SECONDS = 30


class ClusterUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


def server_bin_dir() -> Path:
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise ClusterUnavailable(
            "no PostgreSQL server binaries (pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
            "`apt-get install -y postgresql` provides them"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if _server_user() is None:
        raise ClusterUnavailable("running as root and there is no `postgres` user")
    runuser = shutil.which("runuser")
    if not runuser:
        raise ClusterUnavailable("running as root and `runuser` is missing")
    return [runuser, "-u", "postgres", "--", *command]


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(
        _as_server_user(command),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise ClusterUnavailable(f"{what} failed: {result.stdout[-500:]}{result.stderr[-500:]}")


@contextmanager
def throwaway_cluster() -> Iterator[tuple[str, int]]:
    bin_dir = server_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="pg-cluster-"))
    if os.geteuid() == 0 and _server_user():
        user = _server_user()
        os.chown(folder, user.pw_uid, user.pw_gid)  # the server runs as `postgres`
    data = folder / "data"
    port = _free_port()
    started = False
    try:
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8"],
            "initdb",
        )  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
             str(folder / "server.log"), "-w", "-t", str(START_TIMEOUT_SECONDS), "start"],
            "pg_ctl start",
        )  # fmt: skip
        started = True
        yield "127.0.0.1", port
    finally:
        if started:
            stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run(
                _as_server_user(stop),
                capture_output=True,
                timeout=START_TIMEOUT_SECONDS,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _server_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None
