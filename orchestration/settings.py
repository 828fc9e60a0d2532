"""The one settings object: every path, URL and knob, from environment variables.

Defaults make the embedded demo work with no environment at all. Nothing here touches
the disk; callers create directories when they write.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

# The checkout this package lives in; the only place a path is derived from __file__.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"environment variable {name}={value!r} is not a whole number") from exc


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"environment variable {name}={value!r} is not a number") from exc


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise ValueError(f"environment variable {name}={value!r} is not true or false")
    return value in _TRUE


# What DuckDB's memory_limit accepts: a number and a unit ('1GB', '512MiB', '1.5 GB').
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B|B)", re.IGNORECASE)


DATABASE_URL_SUFFIX = "_DATABASE_URL"
ENGINES = ("duckdb", "spark")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline behaves. Build with `Settings.from_env()`."""

    project_root: Path = PROJECT_ROOT
    data_dir: Path = PROJECT_ROOT / "data"
    warehouse_path: Path = PROJECT_ROOT / "data" / "warehouse.duckdb"
    reporting_path: Path = PROJECT_ROOT / "data" / "reporting.duckdb"
    parquet_dir: Path = PROJECT_ROOT / "data" / "parquet"
    reports_dir: Path = PROJECT_ROOT / "data" / "reports"
    docs_dir: Path = PROJECT_ROOT / "data" / "docs"
    sources_dir: Path = PROJECT_ROOT / "data" / "sources"
    crm_database_url: str = ""
    orders_database_url: str = ""
    # How each contract table is read (orchestration/ingest/mapping.py), and the URLs of
    # the systems its files name: every *_DATABASE_URL variable of the environment.
    source_mapping_dir: Path = PROJECT_ROOT / "sources" / "demo"
    database_urls: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    reporting_database_url: str | None = None
    dbt_project_dir: Path = PROJECT_ROOT / "dbt_project"
    plan_dir: Path = PROJECT_ROOT / "seeds"
    dagster_home: Path = PROJECT_ROOT / ".dagster"
    # Quarters: the first partition and the month the fiscal year starts in.
    first_quarter_start: str = "2024-10-01"
    fiscal_year_start_month: int = 1
    # Nightly schedule: hour and timezone of the run that refreshes the current quarter.
    nightly_hour: int = 2
    timezone: str = "UTC"
    # Ingestion: rows per chunk (one fetch, one warehouse transaction), and how far before
    # the watermark to re-read so late-committed source rows with an older `updated_at`
    # are not missed.
    ingest_chunk_size: int = 200_000
    ingest_lookback_hours: int = 48
    # DuckDB's memory cap for every writer of the warehouse (dbt and the pipeline). DuckDB
    # spills joins and aggregates past it to disk; its default (80% of RAM) lets one big
    # backfill take the machine.
    warehouse_memory_limit: str = "1GB"
    # The engine the dbt models build on: duckdb (the embedded default) or spark
    # (dbt-spark; the `spark` extra). Spark's tables, and its metastore, live in spark_dir.
    engine: str = "duckdb"
    spark_dir: Path = PROJECT_ROOT / "data" / "spark"
    # Run dbt inside the pipeline's process (dbt's programmatic runner) rather than as a
    # subprocess per step: dbt is imported once per run. Off: a dbt subprocess per step.
    # Spark builds always run dbt as a subprocess.
    dbt_in_process: bool = True
    # Alerts after each publication (orchestration/alerts/): off while neither channel is
    # set. The SMTP URL carries its password; every log shows it masked.
    alert_smtp_url: str | None = field(default=None, repr=False)
    alert_webhook_url: str | None = field(default=None, repr=False)
    # Owners who are not reps (teams): their addresses, a plan file
    alert_recipients_path: Path = PROJECT_ROOT / "seeds" / "alert_recipients.csv"
    # Where the digests' links point: the report as its readers open it
    report_url: str = ""
    # A failing channel: attempts per digest, and the first wait (doubled each retry)
    alert_attempts: int = 3
    alert_backoff_seconds: float = 2.0

    def __post_init__(self) -> None:
        if not self.crm_database_url:
            object.__setattr__(
                self, "crm_database_url", sqlite_url(self.sources_dir / "crm.sqlite")
            )
        if not self.orders_database_url:
            object.__setattr__(
                self, "orders_database_url", sqlite_url(self.sources_dir / "orders.sqlite")
            )
        if not _MEMORY_SIZE.fullmatch(self.warehouse_memory_limit.strip()):
            raise ValueError(
                "SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT must be a size such as 1GB or 512MB, "
                f"got {self.warehouse_memory_limit!r}"
            )
        if self.engine not in ENGINES:
            raise ValueError(
                f"SALES_TARGETS_ENGINE must be one of {', '.join(ENGINES)}, got {self.engine!r}"
            )
        if not self.report_url:
            object.__setattr__(self, "report_url", self.reports_dir.as_uri() + "/")
        if self.alert_attempts < 1:
            raise ValueError(
                f"SALES_TARGETS_ALERT_ATTEMPTS must be 1 or more, got {self.alert_attempts}"
            )
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ValueError(
                "SALES_TARGETS_FISCAL_YEAR_START_MONTH must be 1..12, "
                f"got {self.fiscal_year_start_month}"
            )

    def database_url(self, variable: str) -> str | None:
        """The URL a mapping file names by its variable; the demo's two have defaults."""
        demo = {"CRM_DATABASE_URL": self.crm_database_url,
                "ORDERS_DATABASE_URL": self.orders_database_url}  # fmt: skip
        return demo.get(variable) or dict(self.database_urls).get(variable)

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _path("SALES_TARGETS_DATA_DIR", PROJECT_ROOT / "data")
        sources_dir = _path("SALES_TARGETS_SOURCES_DIR", data_dir / "sources")
        return cls(
            data_dir=data_dir,
            warehouse_path=_path("WAREHOUSE_PATH", data_dir / "warehouse.duckdb"),
            reporting_path=_path("REPORTING_PATH", data_dir / "reporting.duckdb"),
            parquet_dir=_path("SALES_TARGETS_PARQUET_DIR", data_dir / "parquet"),
            reports_dir=_path("SALES_TARGETS_REPORTS_DIR", data_dir / "reports"),
            docs_dir=_path("SALES_TARGETS_DOCS_DIR", data_dir / "docs"),
            sources_dir=sources_dir,
            crm_database_url=os.environ.get("CRM_DATABASE_URL", ""),
            orders_database_url=os.environ.get("ORDERS_DATABASE_URL", ""),
            source_mapping_dir=_path(
                "SALES_TARGETS_SOURCE_MAPPING", PROJECT_ROOT / "sources" / "demo"
            ),
            database_urls=tuple(
                sorted(
                    (name, value)
                    for name, value in os.environ.items()
                    if name.endswith(DATABASE_URL_SUFFIX) and value
                )
            ),
            reporting_database_url=os.environ.get("REPORTING_DATABASE_URL") or None,
            dbt_project_dir=_path("SALES_TARGETS_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"),
            plan_dir=_path("SALES_TARGETS_PLAN_DIR", PROJECT_ROOT / "seeds"),
            dagster_home=_path("DAGSTER_HOME", PROJECT_ROOT / ".dagster"),
            first_quarter_start=os.environ.get("SALES_TARGETS_FIRST_QUARTER", "2024-10-01"),
            fiscal_year_start_month=_int("SALES_TARGETS_FISCAL_YEAR_START_MONTH", 1),
            nightly_hour=_int("SALES_TARGETS_NIGHTLY_HOUR", 2),
            timezone=os.environ.get("SALES_TARGETS_TIMEZONE", "UTC"),
            ingest_chunk_size=_int("SALES_TARGETS_INGEST_CHUNK_SIZE", 200_000),
            ingest_lookback_hours=_int("SALES_TARGETS_INGEST_LOOKBACK_HOURS", 48),
            warehouse_memory_limit=os.environ.get("SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT", "1GB"),
            engine=os.environ.get("SALES_TARGETS_ENGINE", "duckdb").strip().lower() or "duckdb",
            spark_dir=_path("SALES_TARGETS_SPARK_DIR", data_dir / "spark"),
            dbt_in_process=_bool("SALES_TARGETS_DBT_IN_PROCESS", True),
            alert_smtp_url=os.environ.get("SALES_TARGETS_SMTP_URL") or None,
            alert_webhook_url=os.environ.get("SALES_TARGETS_ALERT_WEBHOOK_URL") or None,
            alert_recipients_path=_path(
                "SALES_TARGETS_ALERT_RECIPIENTS",
                _path("SALES_TARGETS_PLAN_DIR", PROJECT_ROOT / "seeds") / "alert_recipients.csv",
            ),
            report_url=os.environ.get("SALES_TARGETS_REPORT_URL", ""),
            alert_attempts=_int("SALES_TARGETS_ALERT_ATTEMPTS", 3),
            alert_backoff_seconds=_float("SALES_TARGETS_ALERT_BACKOFF_SECONDS", 2.0),
        )

    def with_data_dir(self, data_dir: Path) -> Settings:
        """The same settings with every data path under another folder (tests, benchmarks)."""
        data_dir = Path(data_dir).resolve()
        sources_dir = data_dir / "sources"
        return replace(
            self,
            data_dir=data_dir,
            warehouse_path=data_dir / "warehouse.duckdb",
            reporting_path=data_dir / "reporting.duckdb",
            parquet_dir=data_dir / "parquet",
            reports_dir=data_dir / "reports",
            report_url=(data_dir / "reports").as_uri() + "/",
            docs_dir=data_dir / "docs",
            spark_dir=data_dir / "spark",
            sources_dir=sources_dir,
            crm_database_url=sqlite_url(sources_dir / "crm.sqlite"),
            orders_database_url=sqlite_url(sources_dir / "orders.sqlite"),
        )
