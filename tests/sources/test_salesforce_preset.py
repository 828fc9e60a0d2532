"""The Salesforce preset (sources/salesforce/) on a fixture built from Salesforce's objects
as an EL tool lands them: `sources check` passes, `plan init` writes a plan `plan check`
passes, ingestion quarantines nothing, and a full backfill publishes the revenue a direct
SQL over the fixture gives, for the business, every region and every rep, quarter by
quarter."""

from __future__ import annotations

import pytest

from orchestration.settings import Settings
from tests.sources.preset_helpers import (
    assert_published_revenue,
    assert_sources_check_passes,
    backfill_without_quarantine,
    direct,
    in_cents,
    preset_world_fixture,
    quarter_of,
)
from tests.sources.salesforce_fixture import build_salesforce_fixture

pytestmark = pytest.mark.slow

PRESET = Settings().project_root / "sources" / "salesforce"
URL_VARIABLE = "SALESFORCE_DATABASE_URL"


# a clean demo world translated into a Salesforce org; settings reading it, and the plan
# `plan init` writes from it
org = preset_world_fixture("org", PRESET, URL_VARIABLE, build_salesforce_fixture)


def test_sources_check_reads_every_mapped_table_and_would_quarantine_nothing(
    org, capsys, monkeypatch
):
    assert_sources_check_passes(
        PRESET, URL_VARIABLE, org, ("campaign_spend", "inventory_snapshots"), capsys, monkeypatch
    )


# A region node of the team tree is its tier; the org names its region roles after it.
REGION_TIERS = {"Tier1": "tier1", "Tier2": "tier2", "Tier34": "tier3_4", "Channel": "channel"}
QUARTER_OF_CLOSE = quarter_of("o.close_date")
WON = "o.is_won and not o.is_deleted and not l.is_deleted"
WON_LINES = (
    f"from opportunity_line_item l join opportunity o on o.id = l.opportunity_id where {WON}"
)
# a rep's region: the parent of the group role they hold
WON_LINES_BY_REGION = (
    "from opportunity_line_item l join opportunity o on o.id = l.opportunity_id "
    'join "user" u on u.id = o.owner_id join user_role g on g.id = u.user_role_id '
    f"join user_role r on r.id = g.parent_role_id where {WON}"
)


def test_a_full_backfill_publishes_the_revenue_a_direct_sql_over_the_org_gives(org):
    settings, database = org
    backfill_without_quarantine(settings)

    want_total = in_cents(
        direct(database, f"select {QUARTER_OF_CLOSE}, sum(l.total_price) {WON_LINES} group by 1")
    )
    want_regions = {
        (quarter, REGION_TIERS[region]): revenue
        for (quarter, region), revenue in in_cents(
            direct(
                database,
                f"select {QUARTER_OF_CLOSE}, r.developer_name, sum(l.total_price) "
                f"{WON_LINES_BY_REGION} group by 1, 2",
            )
        ).items()
    }
    want_reps = in_cents(
        direct(
            database,
            f"select {QUARTER_OF_CLOSE}, o.owner_id, sum(l.total_price) {WON_LINES} group by 1, 2",
        )
    )
    assert_published_revenue(settings, want_total, want_regions, want_reps)
