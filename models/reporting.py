"""Contracts of the published interface: every `rpt_*` table.

BI tools rely on these names, keys and value sets, so a table that breaks its contract is
never published (the contract checks are blocking). Each contract is built from its entry
in `models/registry/published/` (columns, key, row rules); edit columns there. Keys are
`Config.unique`, checked in SQL over the whole table, or over the run's quarters.
rpt_publication is written by the publisher into reporting.duckdb, not by dbt: it has a
contract but no warehouse asset to check.
"""

import pandera.pandas as pa

from models.registry.pandera_build import contract_model
from models.registry.published import PUBLISHED_TABLES, published_table


class PublishedContract(pa.DataFrameModel):
    """Published tables: exactly these columns, coerced to these types."""

    class Config:
        strict = True
        coerce = True


def _contract(name: str) -> type[pa.DataFrameModel]:
    return contract_model(published_table(name), PublishedContract)


# Contract of each published table, by relation name in the warehouse.
REPORTING_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    f"reporting.{name}": _contract(name) for name in PUBLISHED_TABLES
}
RptTargetTree = REPORTING_CONTRACTS["reporting.rpt_target_tree"]
RptProgressWeekly = REPORTING_CONTRACTS["reporting.rpt_progress_weekly"]
RptWarnings = REPORTING_CONTRACTS["reporting.rpt_warnings"]
RptCustomerKpis = REPORTING_CONTRACTS["reporting.rpt_customer_kpis"]
RptProductKpis = REPORTING_CONTRACTS["reporting.rpt_product_kpis"]
RptTeamPerformance = REPORTING_CONTRACTS["reporting.rpt_team_performance"]
RptActionPlans = REPORTING_CONTRACTS["reporting.rpt_action_plans"]
RptIncentives = REPORTING_CONTRACTS["reporting.rpt_incentives"]
RptQuarterReview = REPORTING_CONTRACTS["reporting.rpt_quarter_review"]
RptPublication = REPORTING_CONTRACTS["reporting.rpt_publication"]
