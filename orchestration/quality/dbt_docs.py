"""dbt docs as one static page: `docs_dir/dbt/index.html`, openable straight from disk.

`dbt docs generate --static` embeds the manifest and catalog in `static_index.html`, so
no web server is needed. dbt writes into a temporary target and log folder: nothing
lands in the dbt project, and the published page is swapped in only when complete.

The page depends only on the dbt project, the plan files, dbt's version and the
warehouse's columns, never on row values. A fingerprint of those sits next to the page;
when it is unchanged (every nightly run that adds orders) `dbt docs generate` is skipped.

Only models, seeds and sources are compiled for the page: compiling the ~350 data tests
would double the generation time for SQL nobody reads there (the tests themselves are
listed with their models all the same).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from orchestration.settings import Settings
from orchestration.transform.project import pipeline_invocation
from orchestration.warehouse import warehouse_lock

STATIC_PAGE = "static_index.html"
GENERATE = ["docs", "generate", "--static",
            "--exclude", "resource_type:test", "resource_type:unit_test"]  # fmt: skip
FINGERPRINT = ".fingerprint"
# Folders dbt writes into; their contents do not shape the docs.
_GENERATED = {"target", "logs", "dbt_packages"}


@dataclass(frozen=True)
class DbtDocs:
    index: Path
    regenerated: bool  # False: the inputs were unchanged and the page was kept


def dbt_docs_dir(settings: Settings) -> Path:
    return settings.docs_dir / "dbt"


def _project_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not _GENERATED.intersection(path.relative_to(folder).parts)
    )


def _warehouse_columns(warehouse: Path) -> list[tuple]:
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by all"
        ).fetchall()


def docs_fingerprint(settings: Settings) -> str:
    """A hash of everything the docs page shows: project, plan, dbt version, columns."""
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}\n".encode())
    for root in (settings.dbt_project_dir, settings.plan_dir):
        for path in _project_files(root):
            digest.update(f"{path.relative_to(root)}\n".encode())
            digest.update(path.read_bytes())
    digest.update(repr(_warehouse_columns(settings.warehouse_path)).encode())
    return digest.hexdigest()


def generate_dbt_docs(
    settings: Settings, timeout_seconds: float = 600.0, force: bool = False
) -> DbtDocs:
    """Run `dbt docs generate --static` unless the published page is current."""
    destination = dbt_docs_dir(settings)
    index = destination / "index.html"
    # dbt-duckdb opens the warehouse read-write to read its catalog: be the one writer.
    with warehouse_lock(settings):
        fingerprint = docs_fingerprint(settings)
        recorded = destination / FINGERPRINT
        current = index.exists() and recorded.exists() and recorded.read_text() == fingerprint
        if current and not force:
            return DbtDocs(index=index, regenerated=False)
        _generate(settings, destination, fingerprint, timeout_seconds)
    return DbtDocs(index=index, regenerated=True)


def _generate(
    settings: Settings, destination: Path, fingerprint: str, timeout_seconds: float
) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as scratch:
        invocation = pipeline_invocation(settings, GENERATE, work_dir=Path(scratch))
        invocation.run(timeout_seconds).raise_for_failure(str(settings.dbt_project_dir))
        page = invocation.target_path / STATIC_PAGE
        if not page.exists():
            raise RuntimeError(f"`dbt docs generate --static` wrote no {page}")
        staged = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
        staged.mkdir()
        shutil.copyfile(page, staged / "index.html")
        (staged / FINGERPRINT).write_text(fingerprint)
    retired = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.old")
    if destination.exists():
        os.replace(destination, retired)
    os.replace(staged, destination)
    shutil.rmtree(retired, ignore_errors=True)
