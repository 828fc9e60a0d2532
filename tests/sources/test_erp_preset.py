"""The generic-ERP preset (sources/erp/) on a fixture built from ERPNext's selling DocTypes
as its database holds them: `sources check` passes, `plan init` writes a plan `plan check`
passes, ingestion quarantines nothing, a full backfill publishes the revenue a direct SQL
over the fixture gives, for the business, every region and every rep, quarter by quarter,
and what needs the leads the ERP does not hold is published as not measured."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.settings import Settings
from tests.sources.erp_fixture import build_erp_fixture
from tests.sources.preset_helpers import (
    assert_published_revenue,
    assert_sources_check_passes,
    backfill_without_quarantine,
    direct,
    in_cents,
    preset_world_fixture,
    quarter_of,
)

pytestmark = pytest.mark.slow

PRESET = Settings().project_root / "sources" / "erp"
URL_VARIABLE = "ERP_DATABASE_URL"
NOT_MAPPED = ("campaigns", "campaign_spend", "leads", "inventory_snapshots")


# a clean demo world translated into an ERPNext site; settings reading it, and the plan
# `plan init` writes from it
site = preset_world_fixture("site", PRESET, URL_VARIABLE, build_erp_fixture)


def test_sources_check_reads_every_mapped_table_and_would_quarantine_nothing(
    site, capsys, monkeypatch
):
    assert_sources_check_passes(PRESET, URL_VARIABLE, site, NOT_MAPPED, capsys, monkeypatch)


# A region node of the team tree is its tier; the site names its region territories after it.
REGION_TIERS = {
    "Tier 1 Cities": "tier1",
    "Tier 2 Cities": "tier2",
    "Tier 3-4 Cities": "tier3_4",
    "Channel Partners": "channel",
}
QUARTER = quarter_of("o.transaction_date")
# The as-of rule (docs/as-of.md): an order counts in its quarter when it was booked at the
# end of the quarter's last day, or of yesterday for the quarter in progress. A submitted
# order is booked; a cancelled one (ERPNext cancels only what was submitted) was booked from
# its date until it was cancelled, at its `modified`.
NEXT_QUARTER_START = (
    "date(strftime('%Y', o.transaction_date) || '-' || printf('%02d', "
    "(cast(strftime('%m', o.transaction_date) as integer) - 1) / 3 * 3 + 1) || '-01', "
    "'+3 months')"
)
BOOKED_AT_AS_OF = (
    f"(o.docstatus = 1 or (o.docstatus = 2 and o.modified >= min({NEXT_QUARTER_START}, "
    "date('now'))))"
)
# lines of booked orders with the sales person credited (the order's sales team)
ORDER_LINES = (
    'from "tabSales Order Item" l join "tabSales Order" o on o.name = l.parent '
    "join \"tabSales Team\" t on t.parent = o.name and t.parenttype = 'Sales Order'"
)
BOOKED = f"where l.parenttype = 'Sales Order' and {BOOKED_AT_AS_OF}"
BOOKED_LINES = f"{ORDER_LINES} {BOOKED}"
# a rep's region: the territory managed by the head of the rep's sales group
BOOKED_LINES_BY_REGION = (
    f'{ORDER_LINES} join "tabSales Person" rep on rep.name = t.sales_person '
    'join "tabSales Person" g on g.name = rep.parent_sales_person '
    f'join "tabTerritory" r on r.territory_manager = g.parent_sales_person {BOOKED}'
)
NO_LEADS = "not measured: the source mapping has no leads"


def test_a_full_backfill_publishes_the_revenue_a_direct_sql_over_the_site_gives(site):
    settings, database = site
    backfill_without_quarantine(settings)

    # some orders were cancelled after their quarter closed: they count where they were booked
    ((cancelled_late,),) = direct(
        database,
        'select count(*) from "tabSales Order" o '
        f"where o.docstatus = 2 and o.modified >= {NEXT_QUARTER_START}",
    )
    assert cancelled_late > 0
    want_total = in_cents(
        direct(database, f"select {QUARTER}, sum(l.net_amount) {BOOKED_LINES} group by 1")
    )
    want_regions = {
        (quarter, REGION_TIERS[region]): revenue
        for (quarter, region), revenue in in_cents(
            direct(
                database,
                f"select {QUARTER}, r.territory_name, sum(l.net_amount) "
                f"{BOOKED_LINES_BY_REGION} group by 1, 2",
            )
        ).items()
    }
    want_reps = in_cents(
        direct(
            database,
            f"select {QUARTER}, t.sales_person, sum(l.net_amount) {BOOKED_LINES} group by 1, 2",
        )
    )
    assert_published_revenue(settings, want_total, want_regions, want_reps)

    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        lead_conversion = store.execute(
            "select distinct actual_value, not_measured_reason from rpt_customer_kpis "
            "where metric = 'lead_conversion_rate'"
        ).fetchall()
    assert lead_conversion == [(None, NO_LEADS)]
