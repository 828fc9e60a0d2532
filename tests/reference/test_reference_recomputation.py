"""The published actuals agree with an independent recomputation, at two demo seeds.

Each seed's demo sources are generated clean (no dirty rows: quarantine has its own suite),
every quarter is backfilled through Dagster as of the day before the reference date, and
`tests/reference/reference.py` recomputes from the source files and the plan what each
published number must be. Money must match to the cent, counts exactly, rates to the six
decimal places rpt_customer_kpis publishes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from orchestration.demo_sources.generate import generate_sources
from orchestration.runner import run_quarters
from tests.conftest import REFERENCE_DATE, SMALL_ORDERS_PER_QUARTER, settings_in
from tests.reference import reference

pytestmark = pytest.mark.slow

FIRST, LAST = date(2024, 10, 1), date(2026, 10, 1)
AS_OF = REFERENCE_DATE - timedelta(days=1)
QUARTERS = reference.quarters_between(FIRST, LAST, AS_OF)


@pytest.fixture(scope="module", params=[7, 23], ids=lambda seed: f"seed{seed}")
def published(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"reference_seed{request.param}")
    settings = settings_in(folder)
    generate_sources(
        settings.crm_database_url,
        settings.orders_database_url,
        reference_date=REFERENCE_DATE,
        seed=request.param,
        orders_per_quarter=SMALL_ORDERS_PER_QUARTER,
        dirty_share=0.0,
    )
    outcome = run_quarters(
        settings, FIRST, LAST, as_of=AS_OF, instance=dg.DagsterInstance.ephemeral()
    )
    assert outcome.success, outcome.error
    sources = reference.read_sources(settings.sources_dir, settings.plan_dir)
    store = duckdb.connect(str(settings.reporting_path), read_only=True)
    yield sources, store
    store.close()


def differences(expected: dict, published: dict, tolerance) -> list[str]:
    """Every key whose values differ, as lines `key: expected .. published`."""
    lines = []
    for key in sorted(set(expected) | set(published), key=str):
        want, got = expected.get(key), published.get(key)
        if want is None or got is None:
            if (want or 0) == (got or 0):
                continue
        elif abs(Decimal(str(want)) - Decimal(str(got))) <= tolerance:
            continue
        lines.append(f"{key}: expected {want}, published {got}")
    return lines


def assert_agree(expected: dict, published: dict, tolerance=Decimal("0")) -> None:
    assert expected, "the reference computed nothing"
    wrong = differences(expected, published, tolerance)
    assert wrong == [], f"{len(wrong)} of {len(expected)} values differ:\n" + "\n".join(wrong[:40])


def test_node_actuals_of_every_quarter(published):
    sources, store = published
    rows = store.execute(
        "select p.quarter, p.node_id, p.metric, p.actual_to_date from rpt_progress_weekly p "
        "where p.week_start = (select max(week_start) from rpt_progress_weekly w "
        "where w.quarter = p.quarter) and p.metric in ('revenue', 'units') "
        "and (p.node_id = 'total' or p.node_id like 'customer/%' or p.node_id like 'product/%' "
        "or (p.node_id like 'team/%' and p.node_id not like 'team/%/%/%'))"
    ).fetchall()
    got = {(q, node, metric): Decimal(value) for q, node, metric, value in rows}
    want = {
        (quarter.label, node, metric): value
        for quarter in QUARTERS
        for (node, metric), value in reference.node_actuals(sources, quarter).items()
    }
    got = {key: value for key, value in got.items() if key in want or value != 0}
    assert_agree(want, got)
    assert len(want) >= len(QUARTERS) * 20


def test_team_performance_of_regions_groups_and_reps(published):
    sources, store = published
    rows = store.execute(
        "select quarter, level, node_id, actual_value from rpt_team_performance"
    ).fetchall()
    published_nodes = {(q, node): Decimal(v) for q, level, node, v in rows if level != "rep"}
    # a rep's credit in the quarter, whichever rep node it is shown under
    published_reps: dict = {}
    for quarter, level, node, value in rows:
        if level == "rep":
            key = (quarter, node.rsplit("/", 1)[-1])
            published_reps[key] = published_reps.get(key, Decimal(0)) + Decimal(value)
    want_nodes, want_reps = {}, {}
    for quarter in QUARTERS:
        for (node, metric), value in reference.node_actuals(sources, quarter).items():
            if node.startswith("team/") and metric == "revenue":
                want_nodes[(quarter.label, node)] = value
        for rep, value in reference.rep_revenue(sources, quarter).items():
            want_reps[(quarter.label, rep)] = value
    assert_agree(want_nodes, published_nodes)
    assert_agree(want_reps, published_reps)


def test_customer_kpis(published):
    sources, store = published
    rows = store.execute(
        "select quarter, metric, actual_value from rpt_customer_kpis "
        "where metric in ('new_customers', 'repurchase_rate', 'churn_recall_rate')"
    ).fetchall()
    got = {(q, metric): value for q, metric, value in rows}
    want = {
        (quarter.label, metric): value
        for quarter in QUARTERS
        for metric, value in reference.customer_kpis(sources, quarter).items()
    }
    # rpt_customer_kpis publishes values as DECIMAL with six places: half a unit of the last
    assert_agree(want, got, tolerance=Decimal("5e-7"))


def test_commissions_with_clawbacks(published):
    sources, store = published
    rows = store.execute("select quarter, rep_id, commission from rpt_incentives").fetchall()
    got = {(q, rep): Decimal(value) for q, rep, value in rows}
    want = reference.commissions(sources, QUARTERS)
    assert_agree(want, got)
    # late refunds do reach later quarters as clawbacks
    (clawed,) = store.execute("select sum(clawback) from rpt_incentives").fetchone()
    assert clawed < 0
