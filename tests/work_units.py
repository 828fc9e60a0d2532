"""How `make test` splits the suite between its two xdist workers, longest work first.

A work unit runs whole on one worker, so an expensive fixture is built once:
- a test file (its module fixtures build one dbt or Dagster world);
- the reliability suite, whose session fixtures (frozen world, background runs, crash
  chain) serve its files, except the two that build worlds of their own;
- one seed of the reference recomputation: each seed is a world of its own, so the two
  seeds can be built on the two workers at the same time;
- the tests that start from the shared run of the demo world (`published_demo` in
  tests/conftest.py): end-to-end, as-of, the report in a browser, the mapping without
  the optional tables, the CLI, the contract checks' SQL screen and the marts' data tests'
  scope.

xdist hands out units in collection order; by default it puts the units with the most
tests first, which sends the one-test end-to-end files last and leaves one worker running
them alone at the end. The longest units (measured with `pytest --durations`, seconds
on an unloaded 2-core machine in the comment) go first instead; the rest keep their order.
"""

from __future__ import annotations

RELIABILITY = "tests/reliability"
# reliability files that use none of its session fixtures: free to run on the other worker
OWN_WORLDS = {"tests/reliability/test_schema_drift.py", "tests/reliability/test_source_outages.py"}
SPLIT_BY_PARAMETER = {"tests/reference/test_reference_recomputation.py"}
PUBLISHED_DEMO = "published demo world"
PUBLISHED_DEMO_FILES = {
    "tests/test_end_to_end.py",
    "tests/test_as_of.py",
    "tests/report/test_report_browser.py",
    "tests/report/test_people_pages.py",
    "tests/test_not_measured.py",
    "tests/test_cli_run.py",
    "tests/quality/test_contract_screen.py",
    "tests/test_bench_lower_bound.py",
    "tests/dbt/test_mart_tests_scope.py",
}

LONGEST_FIRST = (
    RELIABILITY,
    PUBLISHED_DEMO,
    "tests/reference/test_reference_recomputation.py[seed7]",
    "tests/reference/test_reference_recomputation.py[seed23]",
    "tests/dbt/test_staging.py",
    "tests/alerts/test_alert_delivery.py",
    "tests/sources/test_salesforce_preset.py",
    "tests/plan/test_plan_init.py",
    "tests/sources/test_erp_preset.py",
    "tests/plan/test_plan_tree_dbt.py",
    "tests/actuals/test_actuals_dbt.py",
    "tests/plan/test_plan_contract.py",
    "tests/execution/test_execution_dbt.py",
    "tests/reliability/test_schema_drift.py",
    "tests/quality/test_dbt_docs.py",
    "tests/dbt/test_unit_tests.py",
)


def work_unit(nodeid: str) -> str:
    """The unit a test belongs to, from its node id (`path::name[parameters]`)."""
    path, _, name = nodeid.partition("::")
    if path.startswith(f"{RELIABILITY}/") and path not in OWN_WORLDS:
        return RELIABILITY
    if path in PUBLISHED_DEMO_FILES:
        return PUBLISHED_DEMO
    if path in SPLIT_BY_PARAMETER and name.endswith("]"):
        return path + name[name.index("[") :]
    return path


def longest_first(nodeids: list[str]) -> list[int]:
    """Positions of `nodeids` in running order: listed units first, then the rest as
    collected; tests keep their order within a unit (a stable sort)."""
    rank = {unit: position for position, unit in enumerate(LONGEST_FIRST)}
    return sorted(range(len(nodeids)), key=lambda i: rank.get(work_unit(nodeids[i]), len(rank)))
