"""great-expectations checkpoint over the published tables, with Data Docs.

GX 1.x cannot validate DuckDB through SQLAlchemy (every expectation fails with an
IndexError upstream), so each table of the store is exported to a Parquet file in a
temporary folder and validated through GX's pandas filesystem datasource: the published
tables are aggregates, small enough for pandas. DECIMAL columns are exported as DOUBLE
(pandas has no decimal dtype; sign and nulls, which the rules check, are unchanged).

The GX context is ephemeral (nothing written into the repository); its one Data Docs
site is rendered to a temporary folder and swapped in at `docs_dir`, so the docs always
show exactly the latest validation. GX's own index needs scripts from CDNs; the site's
`index.html` is a plain page that reads offline (`gx_index.py`), GX's is `gx-index.html`.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from orchestration.quality.expectations import PUBLISHED_TABLES, build_suite, expectations_for
from orchestration.quality.gx_index import SuiteResult, write_offline_index
from orchestration.settings import Settings
from orchestration.store_reader import open_store_read_only, store_columns, store_tables

CHECKPOINT_NAME = "published_reporting_store"
DATASOURCE_NAME = "published_reporting_store"
DOCS_SITE_NAME = "reporting"
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationFailure:
    table: str
    expectation: str
    column: str | None
    unexpected_count: int | None
    sample: list[object] = field(default_factory=list)

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        count = "" if self.unexpected_count is None else f": {self.unexpected_count} row(s)"
        sample = f", e.g. {self.sample}" if self.sample else ""
        return f"{where} fails {self.expectation}{count}{sample}"


@dataclass(frozen=True)
class ValidationSummary:
    success: bool
    suites: list[str]
    skipped_tables: list[str]  # listed in the published interface, absent from the store
    expectations_evaluated: int
    failures: list[ExpectationFailure]
    docs_index: Path
    seconds: float

    def describe(self) -> str:
        head = (
            f"great-expectations: {len(self.suites)} suite(s), {self.expectations_evaluated} "
            f"expectation(s), {len(self.failures)} failed"
        )
        lines = [head, *(f"  - {failure.describe()}" for failure in self.failures[:20])]
        return "\n".join(lines)


def _export_for_validation(store: Path, folder: Path) -> dict[str, list[str]]:
    """One Parquet file per `rpt_*` table; return each table's columns."""
    exported: dict[str, list[str]] = {}
    connection = open_store_read_only(store)
    try:
        for table in store_tables(connection):
            columns = store_columns(connection, table)
            select = ", ".join(
                f'cast("{name}" as double) as "{name}"'
                if kind.upper().startswith("DECIMAL")
                else f'"{name}"'
                for name, kind in columns
            )
            target = str(folder / f"{table}.parquet").replace("'", "''")
            connection.execute(
                f"copy (select {select} from main.{table}) to '{target}' (format parquet)"
            )
            exported[table] = [name for name, _ in columns]
    finally:
        connection.close()
    return exported


def _context(docs_staging: Path):
    from great_expectations.data_context import get_context
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DOCS_SITE_NAME: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_staging),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return get_context(project_config=config, mode="ephemeral")


def _failures(table: str, result) -> list[ExpectationFailure]:
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(
            kwargs.get("column_list")
            or [c for c in (kwargs.get("column_A"), kwargs.get("column_B")) if c]
        )
        details = outcome.result or {}
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            details = {"partial_unexpected_list": [outcome.exception_info.get("exception_message")]}
        failures.append(
            ExpectationFailure(
                table=table,
                expectation=config.type,
                column=column or None,
                unexpected_count=details.get("unexpected_count"),
                sample=list(details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE],
            )
        )
    return failures


def _swap_in_folder(staged: Path, target: Path) -> None:
    retired = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
    if target.exists():
        os.replace(target, retired)
    os.replace(staged, target)
    shutil.rmtree(retired, ignore_errors=True)


def _disable_gx_analytics() -> None:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before GX is imported: no phoning home


def import_great_expectations_in_background() -> threading.Thread | None:
    """Start importing great-expectations on a thread; None when it is imported already.

    Its import takes about 5 s of a fresh run process, and publishing needs it right after
    the quarter's `dbt build`, during which this process mostly waits on dbt: the run
    starts the import with the build, so publishing finds it done.
    """
    if "great_expectations" in sys.modules:
        return None
    _disable_gx_analytics()
    thread = threading.Thread(
        target=importlib.import_module,
        args=("great_expectations",),
        name="import great_expectations",
        daemon=True,
    )
    thread.start()
    return thread


def validate_store_file(store: Path, docs_dir: Path) -> ValidationSummary:
    """Run the checkpoint over every `rpt_*` table of the store file; render Data Docs to
    `docs_dir` (its `index.html`)."""
    _disable_gx_analytics()
    import great_expectations as gx

    started = time.monotonic()
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    docs_staging = docs_dir.with_name(f".{docs_dir.name}.{uuid.uuid4().hex}.tmp")
    with tempfile.TemporaryDirectory(prefix="gx-published-") as folder:
        exported = _export_for_validation(store, Path(folder))
        context = _context(docs_staging)
        datasource = context.data_sources.add_pandas_filesystem(
            DATASOURCE_NAME, base_directory=Path(folder)
        )
        definitions = []
        for table, columns in exported.items():
            asset = datasource.add_parquet_asset(table)
            batch = asset.add_batch_definition_path(f"{table}_whole_table", path=f"{table}.parquet")
            suite = context.suites.add(build_suite(expectations_for(table), columns))
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=table, data=batch, suite=suite)
                )
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT_NAME, validation_definitions=definitions, result_format="SUMMARY"
            )
        )
        try:
            result = checkpoint.run()
            # Once for the whole checkpoint: GX's UpdateDataDocsAction rebuilds the site for
            # each validation, recompiling every template, which cost ten times as much.
            context.build_data_docs(site_names=[DOCS_SITE_NAME])
        except BaseException:
            shutil.rmtree(docs_staging, ignore_errors=True)
            raise
    failures: list[ExpectationFailure] = []
    evaluated = 0
    suites = []
    results = []
    for validation in result.run_results.values():
        table = validation.suite_name
        suites.append(table)
        evaluated += validation.statistics["evaluated_expectations"]
        failures.extend(_failures(table, validation))
        results.append(
            SuiteResult(
                suite=table,
                evaluated=validation.statistics["evaluated_expectations"],
                successful=validation.statistics["successful_expectations"],
                success=bool(validation.success),
            )
        )
    write_offline_index(docs_staging, results, datetime.now(UTC))
    _swap_in_folder(docs_staging, docs_dir)
    listed = {spec.table for spec in PUBLISHED_TABLES}
    return ValidationSummary(
        success=bool(result.success),
        suites=sorted(suites),
        skipped_tables=sorted(listed - set(exported)),
        expectations_evaluated=evaluated,
        failures=failures,
        docs_index=docs_dir / "index.html",
        seconds=time.monotonic() - started,
    )


def validate_published_store(settings: Settings) -> ValidationSummary:
    """Validate the served `reporting.duckdb`; Data Docs go to `docs_dir/gx`."""
    return validate_store_file(settings.reporting_path, gx_docs_dir(settings))


def gx_docs_dir(settings: Settings) -> Path:
    return settings.docs_dir / "gx"
