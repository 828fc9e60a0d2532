"""pandera contracts of staging, marts and the published tables, and their blocking checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from models.marts import TargetTree
from models.reporting import RptCustomerKpis, RptQuarterReview, RptTargetTree, RptWarnings
from models.staging import OrderLines
from orchestration.partitions import quarters_partitions_def
from orchestration.quality.contract_validation import markdown_table, validate_relation
from orchestration.quality.contracts import (
    CONTRACT_CHECK_NAME,
    build_contract_checks,
    check_result,
    quarters_between,
)
from orchestration.settings import Settings

TARGET_TREE_KEY = dg.AssetKey(["marts", "fct_target_tree"])
UNIQUE_TREE_KEY = "unique(quarter, node_id, metric)"

# The handbook's quarter: 12,000,000 split by customer type and down one team branch.
TREE_ROWS = """
    select quarter, node_id, parent_node_id, dimension, level, node_name, metric,
        cast(target_value as decimal(22, 6)) as target_value,
        cast(original_target_value as decimal(22, 6)) as original_target_value,
        revision_reason, cast(revision_effective_date as date) as revision_effective_date,
        revision_approved_by, is_partition_of_parent,
        cast(quarter_start_date as date) as quarter_start_date,
        cast(quarter_end_date as date) as quarter_end_date,
        cast(as_of_date as date) as as_of_date
    from (values
        ('{q}', 'total', null, 'total', 0, 'Quarter total', 'revenue',
         12000000, 12000000, null, null, null, true, '{s}', '{e}', '{e}'),
        ('{q}', 'customer/existing', 'total', 'customer', 1, 'Existing customers', 'revenue',
         7200000, 7200000, null, null, null, true, '{s}', '{e}', '{e}'),
        ('{q}', 'customer/new', 'total', 'customer', 1, 'New customers', 'revenue',
         4800000, 4800000, null, null, null, true, '{s}', '{e}', '{e}'),
        ('{q}', 'product/new', 'total', 'product', 1, 'New products', 'units',
         2500, 3000, 'penetration below plan', '{r}', 'Head of Sales', true, '{s}', '{e}', '{e}'),
        ('{q}', 'team/tier1', 'total', 'team', 1, 'Tier-1 cities', 'revenue',
         4200000, 4200000, null, null, null, true, '{s}', '{e}', '{e}'),
        ('{q}', 'team/tier1/g-star-01', 'team/tier1', 'team', 2, 'Star group', 'revenue',
         1680000, 1680000, null, null, null, true, '{s}', '{e}', '{e}'),
        ('{q}', 'team/tier1/g-star-01/rep-001', 'team/tier1/g-star-01', 'team', 3, 'Li Wei',
         'revenue', 840000, 840000, null, null, null, true, '{s}', '{e}', '{e}')
    ) t(quarter, node_id, parent_node_id, dimension, level, node_name, metric, target_value,
        original_target_value, revision_reason, revision_effective_date, revision_approved_by,
        is_partition_of_parent, quarter_start_date, quarter_end_date, as_of_date)
"""
QUARTERS = {
    "2026Q2": {"q": "2026Q2", "s": "2026-04-01", "e": "2026-06-30", "r": "2026-05-18"},
    "2026Q3": {"q": "2026Q3", "s": "2026-07-01", "e": "2026-09-30", "r": "2026-08-17"},
}


def write_target_tree(path: Path, quarters: list[str], extra_sql: list[str] = ()) -> int:
    """marts.fct_target_tree with the handbook rows of each quarter, then `extra_sql`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    union = " union all ".join(TREE_ROWS.format(**QUARTERS[label]) for label in quarters)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(f"create or replace table marts.fct_target_tree as {union}")
        for statement in extra_sql:
            connection.execute(statement)
        return connection.execute("select count(*) from marts.fct_target_tree").fetchone()[0]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def validate(path: Path, relation: str, model, **options):
    with duckdb.connect(str(path), read_only=True) as connection:
        return validate_relation(connection, relation, model, **options)


# ---------------------------------------------------------------- contracts
def test_the_handbook_target_tree_meets_the_mart_contract(warehouse):
    rows = write_target_tree(warehouse, ["2026Q3"])

    report = validate(warehouse, "marts.fct_target_tree", TargetTree)

    assert report.passed, report.describe()
    assert (report.rows_checked, report.failing_rows, report.rules_failed) == (rows, 0, {})
    result = check_result(report)
    assert result.passed
    assert result.metadata["rows_checked"].value == 7


def test_a_negative_target_fails_naming_the_rule_the_count_and_the_row(warehouse):
    write_target_tree(
        warehouse,
        ["2026Q3"],
        ["update marts.fct_target_tree set target_value = -5 where node_id = 'customer/new'"],
    )

    report = validate(warehouse, "marts.fct_target_tree", TargetTree)

    assert not report.passed
    assert report.rules_failed == {"target_value: greater_than_or_equal_to(0)": 1}
    assert report.failing_rows == 1
    # the other six rows passed the SQL screen; pandera read only the one it flagged
    assert (report.rows_checked, report.rows_judged_by_pandera) == (7, 1)
    sample = report.failures[0].sample
    assert sample[["node_id", "metric", "target_value"]].values.tolist() == [
        ["customer/new", "revenue", -5.0]
    ]
    result = check_result(report)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["rule"].value == "target_value: greater_than_or_equal_to(0)"
    assert result.metadata["failing_rows"].value == 1
    assert "| customer/new |" in result.metadata["sample"].value
    assert result.metadata["rules_failed"].value == {"target_value: greater_than_or_equal_to(0)": 1}


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (
            "set parent_node_id = 'customer/new' where node_id like '%rep-001'",
            "team_nodes_hang_under_team",
        ),
        (
            "set node_id = 'product/tier1' where node_id = 'team/tier1'",
            "node_path_matches_dimension",
        ),
        (
            "set quarter = '2026-Q3' where node_id = 'total'",
            "quarter: str_matches('^\\d{4}Q[1-4]$')",
        ),
        (
            "set dimension = 'channel' where node_id = 'team/tier1'",
            "dimension: isin(['total', 'customer', 'product', 'team', 'responsibility'])",
        ),
        (
            "set revision_effective_date = null where node_id = 'product/new'",
            "revision_reason_with_effective_date",
        ),
    ],
)
def test_each_broken_rule_is_reported_by_name(warehouse, change, rule):
    write_target_tree(warehouse, ["2026Q3"], [f"update marts.fct_target_tree {change}"])

    report = validate(warehouse, "marts.fct_target_tree", TargetTree)

    assert rule in report.rules_failed, report.rules_failed
    assert report.rules_failed[rule] == 1


def test_completion_must_be_actual_over_target(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema reporting")
        connection.execute(
            """
            create table reporting.rpt_customer_kpis as select *, null::varchar as
                not_measured_reason from (values
                ('2026Q3', 'new_customers', 'customer/new', 1000.0, 800.0, 0.8, date '2026-09-30'),
                ('2026Q3', 'repurchase_rate', 'customer/existing/repurchase_rate',
                 0.25, 0.2, 0.9, date '2026-09-30'),
                ('2026Q3', 'aov_lift', 'customer/existing/aov_lift',
                 0.05, -0.01, 0.0, date '2026-09-30')
            ) t(quarter, metric, node_id, target_value, actual_value, completion, as_of_date)
            """
        )

    report = validate(warehouse, "reporting.rpt_customer_kpis", RptCustomerKpis)

    # 0.2 / 0.25 is 0.8, not 0.9; a negative lift counts as 0% and passes
    assert report.rules_failed == {"completion_is_actual_over_target": 1}
    assert report.failures[0].sample["metric"].tolist() == ["repurchase_rate"]


def test_a_warning_above_its_line_or_of_an_unknown_level_fails(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema reporting")
        connection.execute(
            """
            create table reporting.rpt_warnings as select * from (values
                ('2026Q3', date '2026-07-13', 3, 'team/tier2/g-t2-normal-02', 'Tier-2 group two',
                 'team', 'revenue', 'amber', 0.7, 0.8, 1, 'Li Wei (rep-011)', 'rep-011', 'behind',
                 'amber'),
                ('2026Q3', date '2026-07-20', 4, 'team/tier2/g-t2-normal-02', 'Tier-2 group two',
                 'team', 'revenue', 'red', 0.65, 0.6, 2, 'Li Wei (rep-011)', 'rep-011', 'behind',
                 'red'),
                ('2026Q3', date '2026-07-27', 5, 'team/tier2/g-t2-normal-02', 'Tier-2 group two',
                 'team', 'revenue', 'yellow', 0.5, 0.6, 3, 'Li Wei (rep-011)', 'rep-011', 'behind',
                 'yellow')
            ) t(quarter, week_start, week_number, node_id, node_name, dimension, metric, level,
                completion, threshold, consecutive_weeks, owner, owner_rep_id, message,
                warning_level)
            """
        )

    report = validate(warehouse, "reporting.rpt_warnings", RptWarnings)

    assert report.rules_failed == {
        "level: isin(['amber', 'red'])": 1,
        "warning_level: isin(['amber', 'red'])": 1,
        "completion_below_threshold": 1,
    }
    assert report.failing_rows == 2


def test_a_review_states_completion_where_it_means_actual_over_target(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema reporting")
        connection.execute(
            """
            create table reporting.rpt_quarter_review as select
                quarter, section, subject, metric,
                cast(target_value as decimal(22, 6)) as target_value,
                cast(actual_value as decimal(22, 6)) as actual_value,
                completion, finding, finding_order, is_provisional, as_of_date
            from (values
                ('2026Q2', 'total', 'total', 'revenue', 12000000, 11000000, 0.916667,
                 '91.7% of the quarter total', 1, false, date '2026-06-30'),
                ('2026Q2', 'next_quarter', 'total', 'revenue', 12100000, 11000000, null,
                 'Suggested 2026Q3 total: 12,100,000', 2, false, date '2026-06-30'),
                ('2026Q2', 'worst', 'team/tier2/g-t2-normal-02', 'revenue', 1000000, 600000,
                 0.7, 'Tier-2 group two at 60%', 3, false, date '2026-06-30')
            ) t(quarter, section, subject, metric, target_value, actual_value, completion,
                finding, finding_order, is_provisional, as_of_date)
            """
        )

    report = validate(warehouse, "reporting.rpt_quarter_review", RptQuarterReview)

    # a suggestion carries no completion; 600,000 of 1,000,000 is 0.6, not 0.7
    assert report.rules_failed == {"completion_is_actual_over_target": 1}
    assert report.failures[0].sample["section"].tolist() == ["worst"]


def test_a_published_table_with_an_extra_column_is_refused(warehouse):
    """Strict: a column dbt adds (say, a customer email) must be added to the contract first."""
    write_target_tree(warehouse, ["2026Q3"])
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema reporting")
        connection.execute(
            "create table reporting.rpt_target_tree as select * exclude "
            "(quarter_start_date, quarter_end_date), cast(null as decimal(22, 6)) as actual_value, "
            "cast(null as double) as completion, cast(null as double) as completion_to_date, "
            "level as node_depth, 'a@b.cn' as customer_email from marts.fct_target_tree"
        )

    report = validate(warehouse, "reporting.rpt_target_tree", RptTargetTree, chunk_rows=3)

    assert report.chunks == 3
    assert report.rules_failed == {"column_in_schema": 1}  # once, not once per chunk
    assert report.failures[0].sample["failure_case"].tolist() == ["customer_email"]


def test_a_missing_table_fails_instead_of_passing_silently(warehouse):
    write_target_tree(warehouse, ["2026Q3"])

    report = validate(warehouse, "reporting.rpt_incentives", TargetTree)

    assert list(report.rules_failed) == ["relation_exists"]


def test_staging_order_lines_must_add_up(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            """
            create view staging.stg_orders__order_lines as select
                order_line_id, order_id, product_id, quantity,
                cast(unit_price as decimal(18, 2)) as unit_price,
                cast(discount as decimal(18, 2)) as discount,
                cast(net_amount as decimal(18, 2)) as net_amount,
                timestamp '2026-07-02 10:00' as updated_at,
                timestamp '2026-07-03 02:00' as loaded_at
            from (values
                ('1', '10', 'p-0001', 2, 1200.00, 100.00, 2300.00),
                ('2', '10', 'p-0002', 1, 49.00, 0.00, 59.00),
                ('3', '11', 'p-0003', 0, 49.00, 0.00, 0.00)
            ) t(order_line_id, order_id, product_id, quantity, unit_price, discount, net_amount)
            """
        )

    report = validate(warehouse, "staging.stg_orders__order_lines", OrderLines)

    assert report.rules_failed == {
        "net_amount_matches_line": 1,
        "quantity: greater_than_or_equal_to(1)": 1,
    }
    assert sorted(row for failure in report.failures for row in failure.sample["row"]) == [1, 2]


# ---------------------------------------------------------------- chunks and keys
def test_a_duplicate_key_split_across_chunks_is_caught_in_sql(warehouse):
    write_target_tree(
        warehouse,
        ["2026Q3"],
        [
            # a second 'total' row, inserted last so it lands in the last chunk
            "insert into marts.fct_target_tree select * from marts.fct_target_tree "
            "where node_id = 'total'"
        ],
    )
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frame = connection.sql("select * from marts.fct_target_tree").df()
    first, last = frame.iloc[:3], frame.iloc[6:]
    # each chunk on its own holds no duplicate: only a check across chunks sees it
    assert first["node_id"].tolist().count("total") == 1
    assert last["node_id"].tolist() == ["team/tier1/g-star-01/rep-001", "total"]
    TargetTree.validate(first)
    TargetTree.validate(last)

    report = validate(warehouse, "marts.fct_target_tree", TargetTree, chunk_rows=3)

    # every row passes the SQL screen (pandera reads none); the key is checked in SQL
    assert (report.chunks, report.rows_judged_by_pandera) == (0, 0)
    assert report.rows_checked == 8
    assert report.rules_failed == {UNIQUE_TREE_KEY: 2}
    assert report.failures[0].sample.to_dict("records") == [
        {"quarter": "2026Q3", "node_id": "total", "metric": "revenue", "copies": 2}
    ]


def test_only_the_given_quarters_are_validated(warehouse):
    write_target_tree(
        warehouse,
        ["2026Q2", "2026Q3"],
        [
            "update marts.fct_target_tree set target_value = -1 where quarter = '2026Q2'",
            "insert into marts.fct_target_tree select * from marts.fct_target_tree "
            "where quarter = '2026Q2' and node_id = 'total'",
        ],
    )

    this_quarter = validate(warehouse, "marts.fct_target_tree", TargetTree, quarters=["2026Q3"])
    whole_table = validate(warehouse, "marts.fct_target_tree", TargetTree)

    assert this_quarter.passed and this_quarter.rows_checked == 7
    assert whole_table.rules_failed == {
        "target_value: greater_than_or_equal_to(0)": 8,
        UNIQUE_TREE_KEY: 2,
    }


def test_quarters_between_covers_a_backfill_range():
    assert quarters_between(date(2025, 10, 1), date(2026, 7, 1)) == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]
    # fiscal year from April: April-June is the first fiscal quarter
    assert quarters_between(date(2026, 4, 1), date(2026, 7, 1), 4) == ["2027Q1"]


# ---------------------------------------------------------------- Dagster
REPORT_KEY = dg.AssetKey(["published", "report"])


def _pipeline(settings: Settings, bad_sql: list[str], partitioned: bool = False):
    """A tiny asset writing fct_target_tree, its contract check, and a downstream asset."""
    partitions_def = (
        quarters_partitions_def("2026-04-01", settings.fiscal_year_start_month)
        if partitioned
        else None
    )

    @dg.asset(key=TARGET_TREE_KEY, partitions_def=partitions_def)
    def fct_target_tree() -> None:
        write_target_tree(settings.warehouse_path, ["2026Q2", "2026Q3"], bad_sql)

    @dg.asset(key=REPORT_KEY, deps=[TARGET_TREE_KEY], partitions_def=partitions_def)
    def report() -> None:
        settings.reports_dir.mkdir(parents=True, exist_ok=True)
        (settings.reports_dir / "published.txt").write_text("published")

    return [fct_target_tree, report, *build_contract_checks([fct_target_tree])]


def _evaluation(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == CONTRACT_CHECK_NAME
    return evaluation


def _materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
        if event.asset_key
    }


@pytest.mark.slow
def test_a_failed_contract_blocks_everything_downstream(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")
    bad = ["update marts.fct_target_tree set target_value = -5 where node_id = 'customer/new'"]

    result = dg.materialize(
        _pipeline(settings, bad),
        resources={"settings": settings},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    evaluation = _evaluation(result)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.metadata["rule"].value == "target_value: greater_than_or_equal_to(0)"
    assert evaluation.metadata["failing_rows"].value == 2  # one per quarter
    assert _materialized(result) == {"marts/fct_target_tree"}
    assert not (settings.reports_dir / "published.txt").exists()


@pytest.mark.slow
def test_a_passing_contract_lets_downstream_run(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")

    result = dg.materialize(
        _pipeline(settings, []),
        resources={"settings": settings},
        instance=dg.DagsterInstance.ephemeral(),
    )

    evaluation = _evaluation(result)
    assert evaluation.passed
    assert evaluation.metadata["rows_checked"].value == 14
    assert _materialized(result) == {"marts/fct_target_tree", "published/report"}
    assert (settings.reports_dir / "published.txt").read_text() == "published"


@pytest.mark.slow
def test_a_partitioned_check_validates_only_the_runs_quarter(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")
    bad_q2 = ["update marts.fct_target_tree set target_value = -5 where quarter = '2026Q2'"]
    instance = dg.DagsterInstance.ephemeral()
    assets = _pipeline(settings, bad_q2, partitioned=True)

    q3 = dg.materialize(
        assets, partition_key="2026-07-01", resources={"settings": settings}, instance=instance
    )
    q2 = dg.materialize(
        assets,
        partition_key="2026-04-01",
        resources={"settings": settings},
        instance=instance,
        raise_on_error=False,
    )

    passed, failed = _evaluation(q3), _evaluation(q2)
    assert passed.passed and passed.metadata["quarters"].value == "2026Q3"
    assert passed.metadata["rows_checked"].value == 7
    assert not failed.passed and failed.metadata["quarters"].value == "2026Q2"
    assert failed.metadata["failing_rows"].value == 7
    assert _materialized(q2) == {"marts/fct_target_tree"}


def test_checks_are_made_only_for_contracted_assets():
    @dg.multi_asset(
        specs=[
            dg.AssetSpec(["marts", "fct_target_tree"]),
            dg.AssetSpec(["intermediate", "int_plan_quarters_resolved"]),
            dg.AssetSpec(["reporting", "rpt_warnings"]),
        ]
    )
    def models():
        return None

    checks = build_contract_checks([models])

    keys = sorted(key.asset_key.to_user_string() for check in checks for key in check.check_keys)
    assert keys == ["marts/fct_target_tree", "reporting/rpt_warnings"]
    assert all(spec.blocking for check in checks for spec in check.check_specs)


def test_a_sample_table_renders_as_markdown():
    table = markdown_table(pd.DataFrame({"node_id": ["a|b"], "target_value": [None]}))
    assert table.splitlines() == ["| node_id | target_value |", "| --- | --- |", "| a\\|b |  |"]
