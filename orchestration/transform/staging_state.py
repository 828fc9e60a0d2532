"""What a staging build may leave out: whole rebuilds, and rows its tests already passed.

On DuckDB the staging tables are incremental (dbt_project.yml): a run re-ranks only the
keys with a newly loaded version, and staging's data tests read only the rows loaded
after the last staging build whose tests all passed (macros/data_tests/where_subquery.sql).
The order history built with staging (models/intermediate/history) works the same way.
A row's `loaded_at` only grows and a raw version log is only appended to, so a row loaded
before that build was tested then, by the same tests.

`quality.contract_watermarks` keeps, under `dbt:staging`, the newest raw `_loaded_at` as
that build started and a fingerprint of what staging is built and tested with: its models
and generated YAML, the order history's, its macros and the data tests' `where` macro,
dbt_project.yml and the engine. When the fingerprint differs (the first build, a changed
model, test or config) the build is `--full-refresh` and tests every row. A failed build
records nothing, so its rows are tested again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.quality.contract_watermarks import record_pass, validated_through
from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import STAGING_TESTED_THROUGH_ENV
from orchestration.warehouse import connect_warehouse

STAGING_BUILD = "dbt:staging"


def files_fingerprint(settings: Settings, files: Iterable[Path], root: Path) -> str:
    """A hash of the engine and of each file's path (relative to `root`) and bytes."""
    digest = hashlib.sha256(f"engine={settings.engine}\n".encode())
    for path in sorted(p for p in files if p.is_file()):
        digest.update(f"{path.relative_to(root)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def staging_fingerprint(settings: Settings) -> str:
    project = settings.dbt_project_dir
    files = [
        *(project / "models" / "staging").rglob("*"),
        *(project / "models" / "intermediate" / "history").rglob("*"),
        *(project / "macros" / "staging").rglob("*"),
        *(project / "macros" / "data_tests").rglob("*"),
        project / "dbt_project.yml",
    ]
    return files_fingerprint(settings, files, project)


def newest_raw_load(settings: Settings) -> datetime | None:
    """The newest `_loaded_at` of the raw tables that exist (None when nothing is loaded)."""
    with connect_warehouse(settings) as connection:
        present = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        tables = [source.name for source in SOURCE_TABLES if source.name in present]
        if not tables:
            return None
        newest = " union all ".join(f"select max(_loaded_at) as t from raw.{t}" for t in tables)
        return connection.execute(f"select max(t) from ({newest})").fetchone()[0]


@dataclass(frozen=True)
class StagingBuild:
    """One staging build: how it is invoked, and what it records once it passed."""

    fingerprint: str
    tested_through: datetime | None  # rows loaded up to here passed staging's tests
    loaded_through: datetime | None  # the newest raw load as this build starts

    @classmethod
    def begin(cls, settings: Settings) -> StagingBuild:
        """Call holding the warehouse lock, so no load lands between this and the build."""
        fingerprint = staging_fingerprint(settings)
        return cls(
            fingerprint,
            validated_through(settings.warehouse_path, STAGING_BUILD, fingerprint),
            newest_raw_load(settings),
        )

    @property
    def whole(self) -> bool:
        """Rebuild and test every row: nothing passed against this fingerprint yet."""
        return self.tested_through is None

    @property
    def arguments(self) -> list[str]:
        return ["--full-refresh"] if self.whole else []

    @property
    def env(self) -> dict[str, str]:
        through = "" if self.whole else self.tested_through.isoformat(sep=" ")
        return {STAGING_TESTED_THROUGH_ENV: through}

    def describe(self) -> str:
        if self.whole:
            return "staging rebuilt whole, every row tested (first build or staging changed)"
        return f"staging tests read the rows loaded after {self.tested_through:%Y-%m-%d %H:%M:%S}"

    def record_pass(self, settings: Settings) -> None:
        if self.loaded_through is not None:
            record_pass(settings, STAGING_BUILD, self.fingerprint, self.loaded_through)
