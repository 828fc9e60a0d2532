"""dbt run by its programmatic runner (`dbtRunner`) inside the Dagster process.

A dbt subprocess pays, on every invocation, for starting Python, importing dbt and
registering the adapter. In process, dbt is already imported (with dagster-dbt), and each
invocation still starts from the saved partial parse: a 1M-line nightly's two dbt steps
took about 3.5 s less (36.6 s -> 33.2 s for the whole night), and CI, whose tests run many
pipelines, went from 19.5 to 15.7 minutes.

`InProcessDbt` has the shape of the `subprocess.Popen` that dagster-dbt's
`DbtCliInvocation` reads (`args`, `stdout`, `wait`, `returncode`, `send_signal`), so
dagster-dbt turns the events into asset materializations and check results exactly as it
does for the subprocess: dbt's events reach it as the JSON lines `--log-format json`
prints, from a callback, instead of from a pipe.

The process environment is not changed. dbt reads the project's variables (`env_var`)
from its invocation context, which is given the explicit environment, and the options
dagster-dbt sets through DBT_* variables are passed as dbt's command-line options. dbt
prints nothing itself (`--log-level none`: its events go to the callback, its file log to
the target folder as before). dbt keeps global state (flags, the adapter, dbt-duckdb's
open database), so invocations in one process take turns (`_INVOCATION_LOCK`), and after
each one the adapter's connections and dbt-duckdb's database are closed: the check steps
open the warehouse read-only in this same process, which DuckDB refuses while a
read-write handle to the file is open.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

# The options dagster-dbt hands the dbt subprocess as environment variables, as the
# command-line options they stand for.
OPTION_OF_ENV = {
    "DBT_TARGET_PATH": "--target-path",
    "DBT_LOG_PATH": "--log-path",
    "DBT_PROJECT_DIR": "--project-dir",
    "DBT_PROFILES_DIR": "--profiles-dir",
    "DBT_INDIRECT_SELECTION": "--indirect-selection",
}
_INVOCATION_LOCK = threading.Lock()
_END = object()


def dbt_options(env: Mapping[str, str]) -> list[str]:
    """dbt's options for what `env` sets; telemetry always off, and nothing printed by
    dbt itself (its events go to the callback; the file log stays on)."""
    options = []
    for name, option in OPTION_OF_ENV.items():
        if name in env:
            options += [option, env[name]]
    return [*options, "--no-send-anonymous-usage-stats", "--log-level", "none"]


class _EventLines:
    """dbt's events as the bytes lines a subprocess's stdout would give, read in order."""

    def __init__(self) -> None:
        self._lines: queue.Queue = queue.Queue()
        self.closed = False

    def put(self, line: bytes) -> None:
        self._lines.put(line)

    def end(self) -> None:
        self._lines.put(_END)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not _END:
            yield line

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _EventLines:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextmanager
def _invocation_env(env: Mapping[str, str]) -> Iterator[None]:
    """dbt takes its invocation context's environment from `get_env`: give it `env`."""
    from dbt.cli import requires

    reads_process_env = requires.get_env
    requires.get_env = lambda: dict(env)
    try:
        yield
    finally:
        requires.get_env = reads_process_env


def release_adapter() -> None:
    """Close dbt's connections and dbt-duckdb's database, so that DuckDB lets this process
    open the warehouse again with another configuration (read-only)."""
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing of dbt-duckdb's to close
        return
    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


class InProcessDbt:
    """`dbt <arguments>` run by `dbtRunner` in a thread of this process, shaped like the
    `subprocess.Popen` dagster-dbt reads."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.args = list(args)  # as dagster-dbt prints the command: executable first
        self.returncode: int | None = None
        self.stdout = _EventLines()
        self._env = dict(env)
        self._reported_error = False
        self._thread = threading.Thread(target=self._run, name="dbt", daemon=True)
        self._thread.start()

    def _emit(self, message) -> None:
        """The event as dbt's JSON console logger prints it: at its default level (info and
        up), the values of DBT_ENV_SECRET_* variables masked."""
        from dbt_common.events.functions import env_scrubber, msg_to_json

        if message.info.level != "debug":
            self._reported_error |= message.info.level == "error"
            self.stdout.put(env_scrubber(msg_to_json(message)).encode())

    def _run(self) -> None:
        code = 2
        try:
            from dbt.cli.main import dbtRunner

            with _INVOCATION_LOCK, _invocation_env(self._env):
                try:
                    result = dbtRunner(callbacks=[self._emit]).invoke(
                        [*self.args[1:], *dbt_options(self._env)]
                    )
                    code = 0 if result.success else (1 if result.exception is None else 2)
                    if result.exception is not None and not self._reported_error:
                        self._error_line(result.exception)  # e.g. a wrong option
                finally:
                    release_adapter()
        except BaseException as exc:  # reported as an error line of dbt's, never lost
            self._error_line(exc)
        finally:
            self.returncode = code
            self.stdout.end()

    def _error_line(self, exc: BaseException) -> None:
        message = f"{type(exc).__name__}: {exc}"
        info = {"level": "error", "msg": message, "name": "InProcessDbtError"}
        self.stdout.put(json.dumps({"info": info, "data": {}}).encode())

    def poll(self) -> int | None:
        return None if self._thread.is_alive() else self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        return self.returncode

    def send_signal(self, _signal: int) -> None:
        """Dagster interrupts a step: cancel dbt's running queries, as dbt does on Ctrl-C."""
        from dbt.adapters.factory import FACTORY

        for adapter in list(FACTORY.adapters.values()):
            adapter.cancel_open_connections()
