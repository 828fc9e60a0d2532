"""Expectation suites for the published `rpt_*` tables, kept as code.

One `TableExpectations` per table of the published interface (DESIGN section 8). Suites
are built against the columns a table actually has: a listed column that is missing
fails its `expect_column_to_exist` and its other rules are left out, and a listed table
the store does not have yet is skipped. Any other `rpt_*` table still gets the generic
rules (the quarter label).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"


@dataclass(frozen=True)
class TableExpectations:
    """What the users of one published table may rely on."""

    table: str
    columns: tuple[str, ...]  # must exist (section 8 key columns)
    key: tuple[str, ...] = ()  # compound key: unique together, and not null
    not_null: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()  # targets, budgets, rates: [0, inf)
    allowed_values: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    # (later, earlier): later >= earlier on every row where both are set
    ordered_pairs: tuple[tuple[str, str], ...] = ()


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PUBLISHED_TABLES: tuple[TableExpectations, ...] = (
    TableExpectations(
        table="rpt_target_tree",
        columns=_columns(
            "quarter node_id parent_node_id dimension level node_name metric target_value "
            "original_target_value revision_reason"
        ),
        key=_columns("quarter node_id metric"),
        not_null=_columns("dimension level node_name target_value"),
        non_negative=_columns("target_value original_target_value"),
        allowed_values={
            "dimension": ("total", "customer", "product", "team", "responsibility"),
            "metric": ("revenue", "units", "customers", "rate"),
        },
    ),
    TableExpectations(
        table="rpt_progress_weekly",
        columns=_columns(
            "quarter week_start node_id metric week_target week_actual week_completion "
            "target_to_date actual_to_date completion_to_date projected_quarter_end "
            "required_daily_run_rate"
        ),
        key=_columns("quarter week_start node_id metric"),
        non_negative=_columns("week_target target_to_date week_completion completion_to_date"),
    ),
    TableExpectations(
        table="rpt_warnings",
        columns=_columns(
            "quarter week_start node_id metric level completion threshold consecutive_weeks "
            "owner message"
        ),
        key=_columns("quarter week_start node_id metric"),
        not_null=_columns("level message"),
        non_negative=_columns("completion threshold consecutive_weeks"),
        allowed_values={"level": ("amber", "red")},
    ),
    TableExpectations(
        table="rpt_customer_kpis",
        columns=_columns("quarter metric target_value actual_value completion"),
        key=_columns("quarter metric"),
        non_negative=_columns("target_value completion"),
        allowed_values={
            "metric": (
                "new_customers",
                "lead_conversion_rate",
                "repurchase_rate",
                "aov_lift",
                "churn_recall_rate",
            )
        },
    ),
    TableExpectations(
        table="rpt_product_kpis",
        columns=_columns("quarter tier metric target_value actual_value completion"),
        key=_columns("quarter tier metric"),
        non_negative=_columns("target_value completion"),
        allowed_values={
            "tier": ("core", "new", "long_tail"),
            "metric": (
                "revenue",
                "units",
                "revenue_share",
                "sell_through_30d",
                "inventory_reduction",
            ),
        },
    ),
    TableExpectations(
        table="rpt_team_performance",
        columns=_columns(
            "quarter level node_id node_name target_value actual_value completion rank_in_level"
        ),
        key=_columns("quarter node_id"),
        not_null=_columns("level node_name"),
        non_negative=_columns("target_value completion"),
        allowed_values={"level": ("region", "group", "rep")},
    ),
    TableExpectations(
        table="rpt_action_plans",
        columns=_columns(
            "quarter action_id action_name owner start_date end_date budget spend kpi "
            "kpi_target kpi_actual kpi_completion cost_per_outcome flag"
        ),
        key=_columns("quarter action_id"),
        not_null=_columns("action_name"),
        non_negative=_columns("budget spend kpi_target kpi_completion"),
        ordered_pairs=(("end_date", "start_date"),),
    ),
    TableExpectations(
        table="rpt_incentives",
        columns=_columns(
            "quarter rep_id rep_name revenue commission attainment bonus awards promotion_eligible"
        ),
        key=_columns("quarter rep_id"),
        not_null=_columns("promotion_eligible"),
        non_negative=_columns("attainment bonus awards"),
        allowed_values={"promotion_eligible": (True, False)},
    ),
    TableExpectations(
        # Grain "quarter x finding": no key is promised beyond that, so none is enforced.
        table="rpt_quarter_review",
        columns=_columns(
            "quarter section subject metric target_value actual_value completion finding"
        ),
        not_null=_columns("quarter section finding"),
        non_negative=_columns("target_value completion"),
    ),
    TableExpectations(
        table="rpt_publication",
        columns=_columns(
            "publication_number publication_id published_at quarters as_of_date "
            "source_watermarks row_counts checks_passed"
        ),
        key=_columns("publication_id"),
        not_null=_columns("publication_number published_at row_counts checks_passed"),
    ),
)

EXPECTATIONS_BY_TABLE = {spec.table: spec for spec in PUBLISHED_TABLES}


def expectations_for(table: str) -> TableExpectations:
    """The table's listed expectations, or the generic ones for an unlisted `rpt_*` table."""
    return EXPECTATIONS_BY_TABLE.get(table) or TableExpectations(table=table, columns=())


def build_suite(spec: TableExpectations, present_columns: Iterable[str]):  # -> gx.ExpectationSuite
    """The great-expectations suite for `spec`, limited to rules whose columns exist."""
    import great_expectations as gx
    from great_expectations import expectations as gxe

    present = set(present_columns)
    suite = gx.ExpectationSuite(name=spec.table)
    for column in spec.columns:
        suite.add_expectation(gxe.ExpectColumnToExist(column=column))
    if "quarter" in present:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="quarter"))
        suite.add_expectation(
            gxe.ExpectColumnValuesToMatchRegex(column="quarter", regex=QUARTER_PATTERN)
        )
    key = [column for column in spec.key if column in present]
    if key and len(key) == len(spec.key):
        if len(key) == 1:
            suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
        else:
            suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
    for column in dict.fromkeys([*spec.key, *spec.not_null]):
        if column in present and column != "quarter":
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for column in spec.non_negative:
        if column in present:
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
    for column, values in spec.allowed_values.items():
        if column in present:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))
            )
    for later, earlier in spec.ordered_pairs:
        if later in present and earlier in present:
            suite.add_expectation(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=later,
                    column_B=earlier,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            )
    return suite
