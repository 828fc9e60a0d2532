"""Validate a staging relation's row rules only on rows loaded since its last pass.

A staging table holds every key's latest version, most of them unchanged since the night
before; re-validating all of them made the nightly run grow with the history. A row's
`loaded_at` only grows, so once every row loaded up to T has passed, the next check reads
the rows loaded after T. The key (`unique`) is counted in SQL over every row of the keys
those new rows hold: any other key was unique at the last pass.

`quality.contract_watermarks` keeps, per relation, T and a fingerprint of what the rows
were checked against: the contract's module and the dbt model's SQL. When either
changes, the next check reads every row again. A failing check records nothing, so the
rows it refused are read again until they pass.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandera.pandas as pa

from orchestration.quality.contract_validation import (
    DEFAULT_CHUNK_ROWS,
    ContractReport,
    validate_warehouse_relation,
)
from orchestration.settings import Settings
from orchestration.warehouse import connect_warehouse, relation_exists

WATERMARK_SCHEMA = "quality"
WATERMARK_TABLE = f"{WATERMARK_SCHEMA}.contract_watermarks"


def contract_fingerprint(
    model: type[pa.DataFrameModel], dbt_models_dir: Path, relation: str
) -> str:
    """A hash of the contract's module and of the SQL of the dbt model behind `relation`."""
    digest = hashlib.sha256(f"{model.__module__}.{model.__name__}\n".encode())
    digest.update(inspect.getsource(inspect.getmodule(model)).encode())
    name = relation.rpartition(".")[2]
    for path in sorted(dbt_models_dir.rglob(f"{name}.sql")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def validated_through(warehouse: Path, relation: str, fingerprint: str) -> datetime | None:
    """T of the last pass of `relation` against the same fingerprint, else None."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        if not relation_exists(connection, WATERMARK_SCHEMA, WATERMARK_TABLE.rpartition(".")[2]):
            return None
        row = connection.execute(
            f"select validated_through from {WATERMARK_TABLE} "
            "where relation = ? and fingerprint = ?",
            [relation, fingerprint],
        ).fetchall()
    return row[0][0] if row else None


def record_pass(settings: Settings, relation: str, fingerprint: str, through: datetime) -> None:
    with connect_warehouse(settings) as connection:
        connection.execute(f"create schema if not exists {WATERMARK_SCHEMA}")
        connection.execute(
            f"create table if not exists {WATERMARK_TABLE} (relation varchar primary key, "
            "fingerprint varchar not null, validated_through timestamp not null, "
            "recorded_at timestamp not null)"
        )
        connection.execute(
            f"insert or replace into {WATERMARK_TABLE} values (?, ?, ?, current_localtimestamp())",
            [relation, fingerprint, through],
        )


def validate_since_last_pass(
    settings: Settings,
    relation: str,
    model: type[pa.DataFrameModel],
    quarters: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> ContractReport:
    """Validate `relation`, its row rules only on rows loaded since its last pass; record
    this pass. A relation without `loaded_at` is validated whole and records nothing."""
    fingerprint = contract_fingerprint(model, settings.dbt_project_dir / "models", relation)
    since = validated_through(settings.warehouse_path, relation, fingerprint)
    report = validate_warehouse_relation(
        settings.warehouse_path,
        relation,
        model,
        quarters,
        chunk_rows,
        loaded_after=since,
        memory_limit=settings.warehouse_memory_limit,
    )
    if report.passed and report.loaded_through is not None:
        record_pass(settings, relation, fingerprint, report.loaded_through)
    return report
