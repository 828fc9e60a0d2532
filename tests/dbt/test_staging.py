"""The dbt staging layer on a hand-made raw version log.

Builds `--select staging` of the real dbt project against a DuckDB file in a temporary
folder and checks that staging holds exactly the latest version of every key, that the
order status history answers "status as of a date", and that the data tests bite.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest.raw_layout import RAW_SCHEMA, raw_columns
from orchestration.ingest.source_tables import SOURCE_TABLES, SOURCE_TABLES_BY_NAME
from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import DbtInvocation, project_env

pytestmark = pytest.mark.slow

# The dbt of the interpreter running the tests (the project's virtualenv).
DBT_TIMEOUT_SECONDS = 600

# Loads of the raw layer: (batch id, loaded at).
LOAD_1 = ("batch-1", datetime(2026, 7, 1, 3, 0))
LOAD_2 = ("batch-2", datetime(2026, 8, 1, 3, 0))
LOAD_3 = ("batch-3", datetime(2026, 9, 16, 3, 0))
LOAD_4 = ("batch-4", datetime(2026, 10, 6, 3, 0))
LOAD_5 = ("batch-5", datetime(2026, 10, 7, 3, 0))
# Leads keyed as a CRM keys them: text ids (Salesforce: 18 characters).
LEAD_1, LEAD_2, LEAD_3 = "00Q5g00000AbCdE1AA", "00Q5g00000AbCdE2AA", "00Q5g00000AbCdE3AA"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)


def money(text: str) -> Decimal:
    return Decimal(text)


# Column names and rows of one raw table.
RawVersions = tuple[list[str], list[tuple[Any, ...]]]


def version_log(columns: str, *rows: tuple[Any, ...]) -> RawVersions:
    """Versions of one raw table: the columns given, then `_batch_id`/`_loaded_at` from the
    load each row ends with. Text dates and amounts are cast by DuckDB on insert."""
    names = [*columns.replace(" ", "").split(","), "_batch_id", "_loaded_at"]
    return names, [(*values, *load) for *values, load in rows]


# A few versions per source table; comments mark the version staging must keep.
RAW_VERSIONS: dict[str, RawVersions] = {
    "regions": version_log(
        "region_id, region_name, tier, updated_at",
        ("tier1", "Tier-1 cities", "tier1", "2026-06-30 10:00", LOAD_1),
        # renamed later: the newer version wins
        ("tier1", "Tier-1 cities (east)", "tier1", "2026-07-31 10:00", LOAD_2),
        ("tier2", "Tier-2 cities", "tier2", "2026-06-30 10:00", LOAD_1),
    ),
    "sales_groups": version_log(
        "group_id, group_name, region_id, group_kind, lead_rep_id, updated_at",
        ("g-star-01", "Star group", "tier1", "star", "rep-001", "2026-06-30 10:00", LOAD_1),
    ),
    "reps": version_log(
        "rep_id, rep_name, role, hire_date, monthly_salary, updated_at",
        ("rep-001", "Ann Lee", "top_sales", "2020-03-01", "20000.00", "2026-06-30 10:00", LOAD_1),
        ("rep-002", "Bo Chen", "newcomer", "2026-06-01", "8000.00", "2026-06-30 10:00", LOAD_1),
        # promoted: the newer version wins
        ("rep-002", "Bo Chen", "sales", "2026-06-01", "9000.00", "2026-09-01 09:00", LOAD_3),
    ),
    "rep_assignments": version_log(
        "assignment_id, rep_id, group_id, valid_from, valid_to, updated_at",
        ("1", "rep-001", "g-star-01", "2024-01-01", None, "2026-06-30 10:00", LOAD_1),
        ("2", "rep-002", "g-star-01", "2026-06-01", None, "2026-06-30 10:00", LOAD_1),
        # the assignment was closed: the newer version wins
        ("2", "rep-002", "g-star-01", "2026-06-01", "2026-10-01", "2026-09-15 12:00", LOAD_3),
    ),
    "customers": version_log(
        # email and phone stay null: personal data the staging tests do not need
        "customer_id, customer_name, city_tier, region_id, owner_rep_id, created_at, updated_at",
        ("c-000001", "Acme", "tier1", "tier1", "rep-001", "2025-01-10", "2025-01-10", LOAD_1),
        ("c-000002", "Beta", "tier2", "tier2", "rep-002", "2026-07-05", "2026-07-05", LOAD_2),
    ),
    "campaigns": version_log(
        "campaign_id, source, start_date, end_date, budget, updated_at",
        ("cmp-ads", "online_ads", "2026-03-01", "2026-03-31", "500000.00", "2026-02-20", LOAD_1),
    ),
    "campaign_spend": version_log(
        "campaign_id, spend_date, amount, updated_at",
        ("cmp-ads", "2026-03-01", "1000.00", "2026-03-02 10:00", LOAD_1),
        # corrected spend for the same day: the newer version wins
        ("cmp-ads", "2026-03-01", "1200.00", "2026-03-05 10:00", LOAD_1),
        ("cmp-ads", "2026-03-02", "800.00", "2026-03-03 10:00", LOAD_1),
    ),
    "leads": version_log(
        "lead_id, source, campaign_id, created_at, converted_at, customer_id, updated_at",
        (
            LEAD_1,
            "online_ads",
            "cmp-ads",
            "2026-03-03",
            "2026-03-10",
            "c-000001",
            "2026-03-10",
            LOAD_1,
        ),
        (LEAD_2, "website", None, "2026-06-30", None, None, "2026-06-30", LOAD_1),
        # converted later: the newer version wins
        (LEAD_2, "website", None, "2026-06-30", "2026-07-05", "c-000002", "2026-07-05", LOAD_2),
        (LEAD_3, "referral", None, "2026-09-01", None, None, "2026-09-01", LOAD_3),
    ),
    "products": version_log(
        "product_id, product_name, tier, launch_date, list_price, updated_at",
        ("p-0001", "Core widget", "core", "2020-01-01", "100.00", "2026-06-01 10:00", LOAD_1),
        ("p-0002", "New gadget", "new", "2026-07-01", "250.00", "2026-06-30 10:00", LOAD_1),
        # changed in the source without a new updated_at: the later load wins the tie
        ("p-0002", "New gadget v2", "new", "2026-07-01", "240.00", "2026-06-30 10:00", LOAD_2),
    ),
    "orders": version_log(
        "order_id, customer_id, rep_id, order_date, status, currency, updated_at",
        ("1", "c-000001", "rep-001", "2026-07-10", "completed", "CNY", "2026-07-10 12:00", LOAD_2),
        # the same version re-read by a later look-back load: still one version
        ("1", "c-000001", "rep-001", "2026-07-10", "completed", "CNY", "2026-07-10 12:00", LOAD_4),
        ("2", "c-000002", "rep-002", "2026-07-20", "completed", "CNY", "2026-07-20 12:00", LOAD_2),
        # refunded after Q3 closed: now refunded, but completed as of Q3's end
        ("2", "c-000002", "rep-002", "2026-07-20", "refunded", "CNY", "2026-10-05 09:30", LOAD_4),
        ("3", "c-000001", "rep-001", "2026-07-25", "cancelled", "CNY", "2026-07-25 12:00", LOAD_2),
    ),
    "order_lines": version_log(
        "order_line_id, order_id, product_id, quantity, unit_price, discount, net_amount, "
        "updated_at",
        ("10", "1", "p-0001", 3, "100.00", "0.00", "300.00", "2026-07-10 12:00", LOAD_2),
        ("11", "2", "p-0002", 2, "250.00", "0.00", "500.00", "2026-07-20 12:00", LOAD_2),
        # quantity corrected the next day: the newer version wins
        ("11", "2", "p-0002", 1, "250.00", "10.00", "240.00", "2026-07-21 12:00", LOAD_2),
        ("12", "3", "p-0001", 1, "100.00", "0.00", "100.00", "2026-07-25 12:00", LOAD_2),
    ),
    "inventory_snapshots": version_log(
        "product_id, snapshot_date, units_on_hand, units_received, updated_at",
        ("p-0001", "2026-09-30", 50, 0, "2026-10-01 00:10", LOAD_4),
        ("p-0002", "2026-09-30", 20, 5, "2026-10-01 00:10", LOAD_4),
        # recount: the newer version wins
        ("p-0002", "2026-09-30", 18, 5, "2026-10-02 08:00", LOAD_5),
    ),
}

# What staging must hold: model -> (columns, rows ordered by those columns).
EXPECTED_STAGING: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
    "stg_crm__regions": (
        "region_id, region_name, tier, updated_at, loaded_at",
        [
            ("tier1", "Tier-1 cities (east)", "tier1", ts("2026-07-31 10:00"), LOAD_2[1]),
            ("tier2", "Tier-2 cities", "tier2", ts("2026-06-30 10:00"), LOAD_1[1]),
        ],
    ),
    "stg_crm__sales_groups": (
        "group_id, region_id, lead_rep_id, group_kind",
        [("g-star-01", "tier1", "rep-001", "star")],
    ),
    "stg_crm__reps": (
        "rep_id, role, monthly_salary, hire_date, updated_at",
        [
            ("rep-001", "top_sales", money("20000.00"), d("2020-03-01"), ts("2026-06-30 10:00")),
            ("rep-002", "sales", money("9000.00"), d("2026-06-01"), ts("2026-09-01 09:00")),
        ],
    ),
    "stg_crm__rep_assignments": (
        "assignment_id, rep_id, group_id, valid_from, valid_to",
        [
            ("1", "rep-001", "g-star-01", d("2024-01-01"), None),
            ("2", "rep-002", "g-star-01", d("2026-06-01"), d("2026-10-01")),
        ],
    ),
    "stg_crm__customers": (
        "customer_id, customer_name, city_tier, region_id, owner_rep_id, created_at",
        [
            ("c-000001", "Acme", "tier1", "tier1", "rep-001", ts("2025-01-10 00:00")),
            ("c-000002", "Beta", "tier2", "tier2", "rep-002", ts("2026-07-05 00:00")),
        ],
    ),
    "stg_crm__campaigns": (
        "campaign_id, source, budget, start_date, end_date",
        [("cmp-ads", "online_ads", money("500000.00"), d("2026-03-01"), d("2026-03-31"))],
    ),
    "stg_crm__campaign_spend": (
        "campaign_id, spend_date, amount",
        [
            ("cmp-ads", d("2026-03-01"), money("1200.00")),
            ("cmp-ads", d("2026-03-02"), money("800.00")),
        ],
    ),
    "stg_crm__leads": (
        "lead_id, source, campaign_id, customer_id, is_converted, converted_at",
        [
            (LEAD_1, "online_ads", "cmp-ads", "c-000001", True, ts("2026-03-10 00:00")),
            (LEAD_2, "website", None, "c-000002", True, ts("2026-07-05 00:00")),
            (LEAD_3, "referral", None, None, False, None),
        ],
    ),
    "stg_orders__products": (
        "product_id, product_name, tier, list_price, loaded_at",
        [
            ("p-0001", "Core widget", "core", money("100.00"), LOAD_1[1]),
            ("p-0002", "New gadget v2", "new", money("240.00"), LOAD_2[1]),
        ],
    ),
    "stg_orders__orders": (
        "order_id, status, is_completed, is_cancelled, is_refunded, order_date, loaded_at",
        [
            ("1", "completed", True, False, False, d("2026-07-10"), LOAD_4[1]),
            ("2", "refunded", False, False, True, d("2026-07-20"), LOAD_4[1]),
            ("3", "cancelled", False, True, False, d("2026-07-25"), LOAD_2[1]),
        ],
    ),
    "stg_orders__order_lines": (
        "order_line_id, order_id, product_id, quantity, unit_price, discount, net_amount",
        [
            ("10", "1", "p-0001", 3, money("100.00"), money("0.00"), money("300.00")),
            ("11", "2", "p-0002", 1, money("250.00"), money("10.00"), money("240.00")),
            ("12", "3", "p-0001", 1, money("100.00"), money("0.00"), money("100.00")),
        ],
    ),
    "stg_orders__inventory_snapshots": (
        "product_id, snapshot_date, units_on_hand, units_received",
        [
            ("p-0001", d("2026-09-30"), 50, 0),
            ("p-0002", d("2026-09-30"), 18, 5),
        ],
    ),
    "stg_orders__order_status_changes": (
        "order_id, updated_at, status, is_completed, superseded_at, loaded_at",
        [
            ("1", ts("2026-07-10 12:00"), "completed", True, None, LOAD_4[1]),
            ("2", ts("2026-07-20 12:00"), "completed", True, ts("2026-10-05 09:30"), LOAD_2[1]),
            ("2", ts("2026-10-05 09:30"), "refunded", False, None, LOAD_4[1]),
            ("3", ts("2026-07-25 12:00"), "cancelled", False, None, LOAD_2[1]),
        ],
    ),
}


@dataclass(frozen=True)
class DbtRun:
    """What one dbt invocation left behind: exit code, console output, node statuses."""

    returncode: int
    output: str
    statuses: dict[str, str]  # unique_id -> status (success, pass, fail, error, skipped)
    failures: dict[str, int]  # unique_id -> failing rows, for failed data tests

    def unique_ids_with(self, status: str) -> set[str]:
        return {unique_id for unique_id, value in self.statuses.items() if value == status}


def create_raw_layer(warehouse: Path, versions: dict[str, RawVersions]) -> None:
    """`raw.<table>` for every source table, typed as ingestion creates it, with `versions`."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        for source in SOURCE_TABLES:
            columns = raw_columns(source)
            column_list = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            connection.execute(f"create table {RAW_SCHEMA}.{source.name} ({column_list})")
            names, rows = versions[source.name]
            unknown = set(names) - set(columns)
            assert not unknown, f"test data for raw.{source.name} has unknown columns {unknown}"
            if rows:  # a table may start empty
                connection.executemany(
                    f"insert into {RAW_SCHEMA}.{source.name} ({', '.join(names)}) "
                    f"values ({', '.join('?' for _ in names)})",
                    rows,
                )


def run_dbt(
    command: list[str],
    project_dir: Path,
    warehouse: Path,
    work_dir: Path,
) -> DbtRun:
    """Run the project's dbt with its output (target, logs) kept under `work_dir`."""
    completed = DbtInvocation(
        tuple(command), project_dir, project_env(warehouse_path=warehouse), work_dir=work_dir
    ).run(DBT_TIMEOUT_SECONDS)
    assert completed.run_results is not None, (
        f"dbt {' '.join(command)} wrote no run results:\n{completed.output}"
    )
    return DbtRun(
        returncode=completed.returncode,
        output=completed.output,
        statuses=completed.statuses,
        failures={
            result["unique_id"]: result["failures"]
            for result in completed.run_results["results"]
            if result["status"] == "fail"
        },
    )


def build_staging(folder: Path, versions: dict[str, RawVersions]) -> tuple[Path, DbtRun]:
    """A warehouse under `folder` with `versions` in raw, and `dbt build --select staging`."""
    settings = Settings.from_env().with_data_dir(folder / "data")
    settings.warehouse_path.parent.mkdir(parents=True)
    create_raw_layer(settings.warehouse_path, versions)
    # cautious: tests that other layers attach to staging models are not part of this build
    run = run_dbt(
        ["build", "--select", "staging", "--indirect-selection", "cautious"],
        project_dir=settings.dbt_project_dir,
        warehouse=settings.warehouse_path,
        work_dir=folder,
    )
    return settings.warehouse_path, run


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtRun]:
    """The staging layer built once from RAW_VERSIONS."""
    return build_staging(tmp_path_factory.mktemp("staging"), RAW_VERSIONS)


def test_staging_builds_every_model_and_passes_every_test(staged):
    _, run = staged
    assert run.returncode == 0, run.output
    models = {uid.split(".")[-1] for uid in run.statuses if uid.startswith("model.")}
    assert models == set(EXPECTED_STAGING)
    # every model succeeded (the on-run-start hook, an operation, reports success too)
    assert {uid for uid in run.unique_ids_with("success") if not uid.startswith("operation.")} == {
        uid for uid in run.statuses if uid.startswith("model.")
    }
    tests = {uid for uid in run.statuses if uid.startswith("test.")}
    assert len(tests) >= 60  # keys, relationships and enums on every model
    assert run.unique_ids_with("pass") == tests


def test_each_source_table_has_one_staging_model():
    names = {f"stg_{source.system}__{source.name}" for source in SOURCE_TABLES} | {
        "stg_orders__order_status_changes"
    }
    assert names == set(EXPECTED_STAGING)
    assert set(RAW_VERSIONS) == set(SOURCE_TABLES_BY_NAME)


@pytest.mark.parametrize("model", sorted(EXPECTED_STAGING))
def test_staging_holds_exactly_the_latest_versions(staged, model):
    warehouse, run = staged
    assert run.returncode == 0, run.output
    columns, expected_rows = EXPECTED_STAGING[model]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            f"select {columns} from staging.{model} order by {columns}"
        ).fetchall()
    assert rows == expected_rows


def test_order_status_as_of_a_date_ignores_later_refunds(staged):
    warehouse, run = staged
    assert run.returncode == 0, run.output
    status_as_of = """
        select order_id, status
        from staging.stg_orders__order_status_changes
        where updated_at < cast(? as date) + interval 1 day
          and (superseded_at is null or superseded_at >= cast(? as date) + interval 1 day)
        order by order_id
    """
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        quarter_end = connection.execute(status_as_of, ["2026-09-30", "2026-09-30"]).fetchall()
        after_refund = connection.execute(status_as_of, ["2026-10-05", "2026-10-05"]).fetchall()
    assert quarter_end == [("1", "completed"), ("2", "completed"), ("3", "cancelled")]
    assert after_refund == [("1", "completed"), ("2", "refunded"), ("3", "cancelled")]


def test_staging_columns_have_the_house_types(staged):
    warehouse, _ = staged
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        types = dict(
            connection.execute(
                """
                select column_name, data_type
                from information_schema.columns
                where table_schema = 'staging' and table_name = 'stg_orders__orders'
                """
            ).fetchall()
        )
        line_amount_type = connection.execute(
            """
            select data_type from information_schema.columns
            where table_schema = 'staging' and table_name = 'stg_orders__order_lines'
              and column_name = 'net_amount'
            """
        ).fetchone()[0]
    assert types == {
        "order_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "rep_id": "VARCHAR",
        "status": "VARCHAR",
        "currency": "VARCHAR",
        "is_completed": "BOOLEAN",
        "is_cancelled": "BOOLEAN",
        "is_refunded": "BOOLEAN",
        "order_date": "DATE",
        "updated_at": "TIMESTAMP",
        "loaded_at": "TIMESTAMP",
    }
    assert line_amount_type == "DECIMAL(18,2)"


def test_a_broken_relationship_fails_the_build(tmp_path):
    names, lines = RAW_VERSIONS["order_lines"]
    orphan_line = (
        "13",
        "999",
        "p-0001",
        1,
        "100.00",
        "0.00",
        "100.00",
        "2026-10-06 12:00",
        *LOAD_5,
    )
    versions = {**RAW_VERSIONS, "order_lines": (names, [*lines, orphan_line])}
    _, run = build_staging(tmp_path, versions)
    assert run.returncode != 0
    failed = run.unique_ids_with("fail")
    assert len(failed) == 1, run.output
    (failed_test,) = failed
    test_name = failed_test.split(".")[2]
    assert test_name.startswith("relationships_stg_orders__order_lines_order_id__order_id__")
    assert run.failures[failed_test] == 1


SCRATCH_PROJECT = """
name: scratch
version: "1.0.0"
config-version: 2
profile: scratch
flags:
  send_anonymous_usage_stats: false
"""
SCRATCH_PROFILES = """
scratch:
  target: local
  outputs:
    local:
      type: duckdb
      path: "{{ env_var('WAREHOUSE_PATH') }}"
      threads: 1
"""
SCRATCH_MODELS = """
version: 2
models:
  - name: pairs_with_a_duplicate
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [region_id, day]
  - name: distinct_pairs
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [region_id, day]
"""


def test_unique_combination_of_columns_flags_each_duplicated_key(tmp_path):
    # The project's generic test, in a scratch project where duplicates can be staged.
    project = tmp_path / "scratch"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    generic_test = Path("tests/generic/unique_combination_of_columns.sql")
    shutil.copy(Settings.from_env().dbt_project_dir / generic_test, project / generic_test)
    (project / "dbt_project.yml").write_text(SCRATCH_PROJECT)
    (project / "profiles.yml").write_text(SCRATCH_PROFILES)
    (project / "models" / "_models.yml").write_text(SCRATCH_MODELS)
    (project / "models" / "pairs_with_a_duplicate.sql").write_text(
        "select 'tier1' as region_id, 1 as day union all select 'tier1', 2 "
        "union all select 'tier1', 2 union all select 'tier2', 1 union all select 'tier2', 1"
    )
    (project / "models" / "distinct_pairs.sql").write_text(
        "select 'tier1' as region_id, 1 as day union all select 'tier1', 2 "
        "union all select 'tier2', 1"
    )
    run = run_dbt(["build"], project, tmp_path / "scratch.duckdb", tmp_path)
    assert run.returncode != 0
    failed = run.unique_ids_with("fail")
    passed = run.unique_ids_with("pass")
    assert [uid.split(".")[2] for uid in failed] == [
        "unique_combination_of_columns_pairs_with_a_duplicate_region_id__day"
    ], run.output
    assert [uid.split(".")[2] for uid in passed] == [
        "unique_combination_of_columns_distinct_pairs_region_id__day"
    ], run.output
    # one failing row per duplicated key: (tier1, 2) and (tier2, 1)
    assert list(run.failures.values()) == [2]
