"""The marts' data tests read the run's quarters only (dbt_project.yml, `__run_quarters__`).

A quarter run deletes and re-inserts its own quarters of a mart, so the rows of every other
quarter are the ones an earlier run wrote and tested; reading them again made each nightly
test grow with the history. On a copy of the demo run (2026Q2..2026Q3), a duplicated
commission line of 2026Q2 must fail the key test in a 2026Q2 window, and go unread in a
2026Q3 window.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.partitions import add_months, window_for_partitions
from orchestration.transform.dbt_invocation import DbtInvocation
from orchestration.transform.project import dbt_env

pytestmark = pytest.mark.slow

KEY_TEST = "unique_combination_of_columns_fct_commission_lines_quarter__line_kind__order_line_id"
DBT_TIMEOUT_SECONDS = 600


@pytest.fixture(scope="module")
def settings_with_a_duplicate(published_demo, tmp_path_factory):
    settings = published_demo.copy_into(tmp_path_factory.mktemp("mart_tests") / "data")
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute(
            "insert into marts.fct_commission_lines "
            "select * from marts.fct_commission_lines where quarter = '2026Q2' limit 1"
        )
        duplicated = connection.execute(
            "select count(*) from (select quarter, line_kind, order_line_id "
            "from marts.fct_commission_lines group by all having count(*) > 1)"
        ).fetchone()[0]
    assert duplicated == 1
    return settings


def test_a_duplicate_fails_the_run_of_its_own_quarter_only(settings_with_a_duplicate, tmp_path):
    outcomes = {}
    for label, start in (("2026Q2", date(2026, 4, 1)), ("2026Q3", date(2026, 7, 1))):
        window = window_for_partitions(start, add_months(start, 3), today=date(2026, 10, 15))
        (tmp_path / label).mkdir()
        result = DbtInvocation(
            ("test", "--select", KEY_TEST),
            settings_with_a_duplicate.dbt_project_dir,
            dbt_env(settings_with_a_duplicate, window),
            work_dir=tmp_path / label,
        ).run(DBT_TIMEOUT_SECONDS)
        tests = [status for node, status in result.statuses.items() if node.startswith("test.")]
        outcomes[label] = (tests, result.output)

    tests, output = outcomes["2026Q2"]
    assert tests == ["fail"], output[-2000:]
    tests, output = outcomes["2026Q3"]
    assert tests == ["pass"], output[-2000:]
