"""The plan contract: every rule has a broken plan that trips it, with the exact message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.plan import PlanContractError, PlanError, check_plan, validate_plan_or_raise
from orchestration.plan.loading import load_plan
from orchestration.plan.nodes import tree_catalogue
from orchestration.plan.org import load_org
from tests.plan.plan_fixtures import (
    create_staging_inputs,
    read_plan_file,
    write_plan_file,
    write_resolved_org,
)

Mutation = Callable[[Path], None]


def set_cell(name: str, line: int, column: str, value: str) -> Mutation:
    """Change one cell (line numbers as an editor shows them: the header is line 1)."""

    def mutate(plan_dir: Path) -> None:
        rows = read_plan_file(plan_dir, name)
        rows[line - 1][rows[0].index(column)] = value
        write_plan_file(plan_dir, name, rows)

    return mutate


def add_rows(name: str, *rows: list[str]) -> Mutation:
    def mutate(plan_dir: Path) -> None:
        write_plan_file(plan_dir, name, read_plan_file(plan_dir, name) + [list(r) for r in rows])

    return mutate


def drop_line(name: str, line: int) -> Mutation:
    def mutate(plan_dir: Path) -> None:
        rows = read_plan_file(plan_dir, name)
        del rows[line - 1]
        write_plan_file(plan_dir, name, rows)

    return mutate


def drop_column(name: str, column: str) -> Mutation:
    def mutate(plan_dir: Path) -> None:
        rows = read_plan_file(plan_dir, name)
        index = rows[0].index(column)
        write_plan_file(plan_dir, name, [row[:index] + row[index + 1 :] for row in rows])

    return mutate


def add_column(name: str, column: str) -> Mutation:
    def mutate(plan_dir: Path) -> None:
        rows = read_plan_file(plan_dir, name)
        write_plan_file(plan_dir, name, [rows[0] + [column]] + [row + [""] for row in rows[1:]])

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(plan_dir: Path) -> None:
        for mutation in mutations:
            mutation(plan_dir)

    return mutate


def errors_of(plan_dir: Path, **kwargs) -> list[tuple]:
    return [(e.file, e.row, e.rule, e.message) for e in check_plan(plan_dir, **kwargs)]


def test_the_shipped_plans_are_valid(live_plan_dir, handbook_dir, demo_org):
    assert check_plan(live_plan_dir) == []
    assert check_plan(handbook_dir) == []
    # the live plan also holds against the demo org (its override names rep-001)
    assert check_plan(live_plan_dir, org=demo_org) == []
    assert check_plan(handbook_dir, org=demo_org) == []


# (test id, mutation of the handbook plan, expected (file, line, rule, message))
FILE_RULES = [
    (
        "type_number",
        set_cell("dimension_shares", 3, "share", "35%"),
        (
            "dimension_shares.csv",
            3,
            "type",
            "share '35%' is not a number (write plain decimals: "
            "0.35 for 35%, 1200000 without thousands separators)",
        ),
    ),
    (
        "type_integer",
        set_cell("quarter_totals", 2, "baseline_core_units", "10000.5"),
        ("quarter_totals.csv", 2, "type", "baseline_core_units '10000.5' is not a whole number"),
    ),
    (
        "type_date",
        set_cell("plan_revisions", 2, "effective_date", "2026-02-30"),
        (
            "plan_revisions.csv",
            2,
            "type",
            "effective_date '2026-02-30' is not a date written YYYY-MM-DD",
        ),
    ),
    (
        "required",
        set_cell("dimension_shares", 3, "share", ""),
        ("dimension_shares.csv", 3, "required", "share is required"),
    ),
    (
        "share_range",
        set_cell("dimension_shares", 3, "share", "1.5"),
        ("dimension_shares.csv", 3, "value_range", "share must be between 0 and 1, got 1.5"),
    ),
    (
        "weights_positive",
        set_cell("role_weights", 4, "weight", "0"),
        ("role_weights.csv", 4, "value_range", "weight must be greater than 0, got 0"),
    ),
    (
        "negative_baseline",
        set_cell("quarter_totals", 2, "baseline_revenue", "-10"),
        ("quarter_totals.csv", 2, "value_range", "baseline_revenue must be at least 0, got -10"),
    ),
    (
        "allowed_values",
        set_cell("role_weights", 2, "role", "rockstar"),
        (
            "role_weights.csv",
            2,
            "allowed_values",
            "role 'rockstar' is not one of: sales, top_sales, newcomer, customer_success, "
            "channel_manager",
        ),
    ),
    (
        # group kinds, like region tiers, are the plan's own names
        "kind_name_format",
        set_cell("group_kind_weights", 2, "group_kind", "Rock Star"),
        (
            "group_kind_weights.csv",
            2,
            "name_format",
            "group_kind 'Rock Star' must be lowercase letters, digits and underscores",
        ),
    ),
    (
        "quarter_format",
        set_cell("group_kind_weights", 2, "from_quarter", "2026-Q1"),
        (
            "group_kind_weights.csv",
            2,
            "quarter_format",
            "from_quarter '2026-Q1' is not a quarter written YYYYQn (e.g. 2026Q3)",
        ),
    ),
    (
        "name_format",
        set_cell("responsibilities", 2, "responsibility", "New Squad"),
        (
            "responsibilities.csv",
            2,
            "name_format",
            "responsibility 'New Squad' must be lowercase letters, digits and underscores",
        ),
    ),
    (
        "whole_cents",
        both(
            set_cell("quarter_totals", 2, "revenue_growth", ""),
            set_cell("quarter_totals", 2, "revenue_target", "12000000.005"),
        ),
        (
            "quarter_totals.csv",
            2,
            "whole_cents",
            "revenue_target 12000000.005 has fractions of a cent",
        ),
    ),
    (
        "exactly_one_total_method",
        set_cell("quarter_totals", 2, "revenue_target", "12000000"),
        (
            "quarter_totals.csv",
            2,
            "exactly_one_total_method",
            "give either revenue_target (explicit) or revenue_growth (on last quarter's actual), "
            "not both and not neither",
        ),
    ),
    (
        "segment_belongs_to_dimension",
        set_cell("dimension_shares", 5, "segment", "tier1"),
        (
            "dimension_shares.csv",
            5,
            "segment_belongs_to_dimension",
            "segment 'tier1' is not a product segment (one of: core, new, long_tail)",
        ),
    ),
    (
        "exactly_one_share_or_weight",
        set_cell("group_allocation", 2, "weight", "1.2"),
        (
            "group_allocation.csv",
            2,
            "exactly_one_share_or_weight",
            "give either share or weight, not both and not neither",
        ),
    ),
    (
        "exactly_one_owner",
        set_cell("responsibilities", 2, "owner_role", "sales"),
        (
            "responsibilities.csv",
            2,
            "exactly_one_owner",
            "give either owner_group_kind or owner_role, not both and not neither",
        ),
    ),
    (
        "red_line_below_amber_line",
        set_cell("warning_lines", 2, "red_below", "0.9"),
        (
            "warning_lines.csv",
            2,
            "red_line_below_amber_line",
            "red_below 0.9 must be below amber_below 0.8",
        ),
    ),
    (
        "missing_column",
        drop_column("holidays", "holiday_name"),
        ("holidays.csv", 1, "missing_column", "column holiday_name is missing"),
    ),
    (
        "unknown_column",
        add_column("role_weights", "comment"),
        (
            "role_weights.csv",
            1,
            "unknown_column",
            "column 'comment' is not part of this file (columns: from_quarter, role, weight)",
        ),
    ),
    (
        "row_length",
        add_rows("holidays", ["2026-03-02", "Extra day", "surplus"]),
        (
            "holidays.csv",
            8,
            "row_length",
            "row has 3 cells but the header has 2 (quote text that contains commas)",
        ),
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"), [(m, e) for _, m, e in FILE_RULES], ids=[i for i, _, _ in FILE_RULES]
)
def test_each_file_rule_names_file_line_and_rule(handbook_copy, mutation, expected):
    mutation(handbook_copy)
    assert errors_of(handbook_copy) == [expected]


def test_a_missing_file_stops_the_plan(handbook_copy):
    (handbook_copy / "holidays.csv").unlink()
    errors = check_plan(handbook_copy)
    assert [(e.file, e.row, e.rule) for e in errors] == [("holidays.csv", None, "missing_file")]
    assert str(errors[0]) == (
        f"{handbook_copy / 'holidays.csv'}: the file is missing (every plan file must exist; "
        "a header-only file is an empty part of the plan) (rule: missing_file)"
    )


CROSS_FILE_RULES = [
    (
        "duplicate_key",
        add_rows("role_weights", ["2026Q1", "sales", "1.3"]),
        (
            "role_weights.csv",
            7,
            "duplicate_key",
            "from_quarter 2026Q1, role sales is already given on line 3",
        ),
    ),
    (
        "unknown_quarter",
        add_rows("role_weights", ["2026Q2", "sales", "1.3"]),
        (
            "role_weights.csv",
            7,
            "unknown_quarter",
            "from_quarter 2026Q2 is not a planned quarter "
            "(quarter_totals.csv plans 2026Q1..2026Q1)",
        ),
    ),
    (
        "shares_sum_to_one",
        set_cell("dimension_shares", 3, "share", "0.30"),
        (
            "dimension_shares.csv",
            2,
            "shares_sum_to_one",
            "customer shares from 2026Q1 (lines 2, 3) sum to 0.9, not 1",
        ),
    ),
    (
        "group_shares_exceed_region",
        add_rows("group_allocation", ["2026Q1", "tier1", "g-t1-normal-01", "0.7", "", ""]),
        (
            "group_allocation.csv",
            2,
            "group_shares_exceed_region",
            "explicit group shares of tier1 from 2026Q1 (lines 2, 4) sum to 1.1, more than the "
            "whole region",
        ),
    ),
    (
        "unknown_region",
        both(set_cell("dimension_shares", 10, "share", "0.40"), drop_line("dimension_shares", 9)),
        (
            "group_allocation.csv",
            3,
            "unknown_region",
            "region_tier tier3_4 has no team share in 2026Q1 (team segments then: tier1, tier2, "
            "channel)",
        ),
    ),
    (
        "week_outside_quarter",
        # 2029Q1 runs Monday 1 Jan .. Saturday 31 Mar: 13 Monday weeks (2026Q1 touches 14)
        both(
            add_rows("quarter_totals", ["2029Q1", "", "0.1", "100", "100", ""]),
            add_rows("weekly_phasing", ["2029Q1", "14", "1.1", "no such week"]),
        ),
        (
            "weekly_phasing.csv",
            4,
            "week_outside_quarter",
            "week_number 14 is past the last week of 2029Q1, which has 13 weeks",
        ),
    ),
    (
        "revision_outside_quarter",
        set_cell("plan_revisions", 2, "effective_date", "2026-04-01"),
        (
            "plan_revisions.csv",
            2,
            "revision_outside_quarter",
            "effective_date 2026-04-01 is outside 2026Q1 (2026-01-01..2026-03-31)",
        ),
    ),
    (
        "revision_dates_overlap",
        add_rows(
            "plan_revisions",
            ["2026Q1", "product/new", "units", "2400", "2026-02-16", "second thoughts", "CFO"],
        ),
        (
            "plan_revisions.csv",
            3,
            "revision_dates_overlap",
            "product/new units in 2026Q1 already changes on 2026-02-16 (line 2): "
            "give each revision its own effective date, or merge them",
        ),
    ),
    (
        "unknown_node",
        set_cell("plan_revisions", 2, "node_id", "product/premium"),
        (
            "plan_revisions.csv",
            2,
            "unknown_node",
            "node_id product/premium is not a node of the 2026Q1 target tree",
        ),
    ),
    (
        "metric_not_on_node",
        set_cell("plan_revisions", 2, "metric", "customers"),
        (
            "plan_revisions.csv",
            2,
            "metric_not_on_node",
            "product/new has no customers target (it has: revenue, units)",
        ),
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [(m, e) for _, m, e in CROSS_FILE_RULES],
    ids=[i for i, _, _ in CROSS_FILE_RULES],
)
def test_each_cross_file_rule_names_file_line_and_rule(handbook_copy, mutation, expected):
    mutation(handbook_copy)
    assert errors_of(handbook_copy) == [expected]


def test_every_planned_quarter_needs_shares_for_each_dimension(handbook_copy):
    for _ in range(4):
        drop_line("dimension_shares", 7)(handbook_copy)  # the four team rows
    assert errors_of(handbook_copy) == [
        (
            "dimension_shares.csv",
            None,
            "no_set_in_effect",
            "quarter 2026Q1 has no team shares: add team rows with from_quarter 2026Q1 or earlier",
        ),
        # and so the groups' region tiers have nothing to hang from
        (
            "group_allocation.csv",
            2,
            "unknown_region",
            "region_tier tier1 has no team share in 2026Q1 (team segments then: none)",
        ),
        (
            "group_allocation.csv",
            3,
            "unknown_region",
            "region_tier tier3_4 has no team share in 2026Q1 (team segments then: none)",
        ),
    ]


def test_a_responsibility_needs_its_source_segment(handbook_copy):
    set_cell("dimension_shares", 4, "share", "0.90")(handbook_copy)
    drop_line("dimension_shares", 5)(handbook_copy)  # no new-product segment any more
    assert errors_of(handbook_copy) == [
        (
            "responsibilities.csv",
            2,
            "unknown_source_node",
            "source_node_id product/new is not a node in 2026Q1 (product segment new has no share "
            "then)",
        ),
        (
            "plan_revisions.csv",
            2,
            "unknown_node",
            "node_id product/new is not a node of the 2026Q1 target tree",
        ),
    ]


def test_a_quarter_to_be_built_must_be_planned(handbook_dir):
    assert errors_of(handbook_dir, required_quarters=["2026Q1", "2026Q2"]) == [
        (
            "quarter_totals.csv",
            None,
            "quarter_not_planned",
            "quarter 2026Q2 is to be built but has no row "
            "(quarter_totals.csv plans 2026Q1..2026Q1)",
        ),
    ]


def test_kpi_targets_must_be_in_effect(handbook_copy):
    rows = read_plan_file(handbook_copy, "kpi_targets")
    write_plan_file(handbook_copy, "kpi_targets", rows[:1])
    assert errors_of(handbook_copy) == [
        (
            "kpi_targets.csv",
            None,
            "no_set_in_effect",
            "quarter 2026Q1 has no KPI targets: add a row with from_quarter 2026Q1 or earlier",
        ),
    ]


ORG_RULES = [
    (
        "unknown_group",
        set_cell("group_allocation", 2, "group_id", "g-star-99"),
        (
            "group_allocation.csv",
            2,
            "unknown_group",
            "group_id g-star-99 is not a sales group in the CRM",
        ),
    ),
    (
        "group_in_other_region",
        set_cell("group_allocation", 2, "group_id", "g-t2-normal-01"),
        (
            "group_allocation.csv",
            2,
            "group_in_other_region",
            "group g-t2-normal-01 belongs to region tier tier2 in the CRM, not tier1",
        ),
    ),
    (
        "unknown_rep",
        add_rows("rep_overrides", ["2026Q1", "rep-999", "", "1.5", "typo"]),
        ("rep_overrides.csv", 2, "unknown_rep", "rep_id rep-999 is not a rep in the CRM"),
    ),
    (
        "rep_shares_exceed_group",
        add_rows(
            "rep_overrides",
            ["2026Q1", "rep-001", "0.7", "", "lead"],
            ["2026Q1", "rep-002", "0.4", "", "deputy"],
        ),
        (
            "rep_overrides.csv",
            2,
            "rep_shares_exceed_group",
            "explicit rep shares in group g-star-01 in 2026Q1 (lines 2, 3) sum to 1.1, "
            "more than the whole group",
        ),
    ),
    (
        "unknown_region_in_region_tiers",
        add_rows("region_tiers", ["tier9", "tier1", "typo"]),
        (
            "region_tiers.csv",
            2,
            "unknown_region",
            "region_id tier9 is not the region of any sales group in the CRM",
        ),
    ),
    (
        "unknown_group_in_group_kinds",
        add_rows("group_kinds", ["g-star-99", "star", "typo"]),
        (
            "group_kinds.csv",
            2,
            "unknown_group",
            "group_id g-star-99 is not a sales group in the CRM",
        ),
    ),
    (
        "unknown_rep_node",
        set_cell("plan_revisions", 2, "node_id", "team/tier1/g-star-01/rep-004"),
        (
            "plan_revisions.csv",
            2,
            "unknown_node",
            "node_id team/tier1/g-star-01/rep-004 is not a node of the 2026Q1 target tree",
        ),
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"), [(m, e) for _, m, e in ORG_RULES], ids=[i for i, _, _ in ORG_RULES]
)
def test_org_rules_check_groups_and_reps_against_the_crm(
    handbook_copy, demo_org, mutation, expected
):
    mutation(handbook_copy)
    assert errors_of(handbook_copy, org=demo_org) == [expected]


def test_the_plans_region_tiers_and_group_kinds_classify_the_crm_org(handbook_copy, demo_org):
    # g-t2-normal-01's region is tier2 in the CRM: a tier-1 share is refused until the plan
    # puts region tier2 in tier1
    set_cell("group_allocation", 2, "group_id", "g-t2-normal-01")(handbook_copy)
    assert [rule for _, _, rule, _ in errors_of(handbook_copy, org=demo_org)] == [
        "group_in_other_region"
    ]
    add_rows("region_tiers", ["tier2", "tier1", "merged into tier 1"])(handbook_copy)
    assert errors_of(handbook_copy, org=demo_org) == []


def test_a_region_without_a_tier_in_the_crm_needs_one_in_the_plan(handbook_copy, demo_org):
    groups = dict(demo_org.groups)
    for group_id in ("g-t2-normal-01", "g-t2-normal-02"):
        groups[group_id] = replace(groups[group_id], region_tier=None)
    org = replace(demo_org, groups=groups)
    assert errors_of(handbook_copy, org=org) == [
        (
            "region_tiers.csv",
            None,
            "region_without_tier",
            "region tier2 has sales groups but no tier in the CRM: add a row 'tier2,<tier>' "
            "naming the team segment its groups count in",
        )
    ]
    add_rows("region_tiers", ["tier2", "tier2", "the CRM has no tiers"])(handbook_copy)
    assert errors_of(handbook_copy, org=org) == []


def test_without_the_org_only_the_region_of_a_group_or_rep_node_is_checked(handbook_copy, demo_org):
    set_cell("plan_revisions", 2, "node_id", "team/tier1/g-star-01/rep-002")(handbook_copy)
    set_cell("plan_revisions", 2, "metric", "revenue")(handbook_copy)
    assert errors_of(handbook_copy) == []
    assert errors_of(handbook_copy, org=demo_org) == []
    set_cell("plan_revisions", 2, "node_id", "team/tier9/g-star-01/rep-002")(handbook_copy)
    assert errors_of(handbook_copy) == [
        (
            "plan_revisions.csv",
            2,
            "unknown_node",
            "node_id team/tier9/g-star-01/rep-002 is not a node of the 2026Q1 target tree",
        ),
    ]


def test_validate_raises_one_error_listing_every_broken_rule(handbook_copy):
    set_cell("dimension_shares", 3, "share", "0.30")(handbook_copy)
    set_cell("dimension_shares", 6, "share", "0.40")(handbook_copy)
    with pytest.raises(PlanError) as raised:
        validate_plan_or_raise(handbook_copy)
    error = raised.value
    assert isinstance(error, PlanContractError)
    assert [(e.file, e.row, e.rule) for e in error.errors] == [
        ("dimension_shares.csv", 2, "shares_sum_to_one"),
        ("dimension_shares.csv", 4, "shares_sum_to_one"),
    ]
    assert (error.file, error.row, error.rule) == ("dimension_shares.csv", 2, "shares_sum_to_one")
    assert str(error) == (
        "the plan breaks 2 rules:\n"
        f"  - {handbook_copy / 'dimension_shares.csv'}, line 2: customer shares from 2026Q1 "
        "(lines 2, 3) sum to 0.9, not 1 (rule: shares_sum_to_one)\n"
        f"  - {handbook_copy / 'dimension_shares.csv'}, line 4: product shares from 2026Q1 "
        "(lines 4, 5, 6) sum to 1.3, not 1 (rule: shares_sum_to_one)"
    )


def test_shares_within_a_billionth_of_one_are_accepted(handbook_copy):
    set_cell("dimension_shares", 2, "share", "0.6000000004")(handbook_copy)
    assert errors_of(handbook_copy) == []
    set_cell("dimension_shares", 2, "share", "0.600000002")(handbook_copy)
    assert [e[2] for e in errors_of(handbook_copy)] == ["shares_sum_to_one"]


def test_a_later_set_replaces_an_earlier_one_from_its_quarter(live_plan_copy):
    # shares from 2026Q3 on: a new customer split; quarters before keep the 2024Q4 set
    add_rows(
        "dimension_shares",
        ["2026Q3", "customer", "existing", "0.55"],
        ["2026Q3", "customer", "new", "0.45"],
    )(live_plan_copy)
    assert errors_of(live_plan_copy) == []
    add_rows("dimension_shares", ["2026Q4", "customer", "existing", "0.5"])(live_plan_copy)
    assert errors_of(live_plan_copy) == [
        (
            "dimension_shares.csv",
            13,
            "shares_sum_to_one",
            "customer shares from 2026Q4 (line 13) sum to 0.5, not 1",
        ),
    ]


def test_org_is_read_from_the_warehouse_resolved_spans(tmp_path, handbook_copy):
    warehouse = tmp_path / "warehouse.duckdb"
    assert load_org(warehouse) == (None, f"no warehouse at {warehouse}")
    create_staging_inputs(warehouse, with_orders=False)
    assert load_org(warehouse) == (
        None,
        f"the warehouse {warehouse} has no intermediate.int_rep_assignments_resolved yet "
        "(the pipeline builds it with the target tree): run the pipeline once",
    )
    warehouse.unlink()
    write_resolved_org(warehouse)
    org, note = load_org(warehouse)
    assert note == f"checked against the org in {warehouse}"
    assert org.groups["g-star-01"].region_tier == "tier1"
    assert org.groups["g-np-squad-01"].group_kind == "new_product_squad"
    assert org.reps["rep-008"].role == "top_sales"
    # the mover is in his first group until the day he moves (valid_until is exclusive)
    assert org.group_of_rep_on("rep-009", date(2024, 1, 1)) == "g-t2-normal-01"
    assert org.group_of_rep_on("rep-009", date(2026, 8, 9)) == "g-t2-normal-01"
    assert org.group_of_rep_on("rep-009", date(2026, 8, 10)) == "g-t2-normal-02"
    assert org.group_of_rep_on("rep-018", date(2026, 7, 14)) is None  # joins on 2026-07-15
    assert org.reps_of_group_on("g-t34-normal-01", date(2026, 7, 1)) == ["rep-015"]
    assert org.reps_of_group_on("g-t34-normal-01", date(2026, 7, 15)) == ["rep-015", "rep-018"]
    set_cell("group_allocation", 2, "group_id", "g-star-99")(handbook_copy)
    assert [e.rule for e in check_plan(handbook_copy, org=org)] == ["unknown_group"]
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table staging.stg_crm__reps")
    org, note = load_org(warehouse)
    assert org is None and note.startswith(f"cannot read the org from {warehouse}: ")


def test_the_node_catalogue_lists_every_node_with_its_metrics(handbook_dir, demo_org):
    plan, errors = load_plan(handbook_dir)
    assert errors == []
    without_org = tree_catalogue(plan, "2026Q1", date(2026, 1, 1), None).metrics
    assert without_org["product/new"] == {"revenue", "units"}
    assert without_org["customer/new"] == {"revenue", "customers"}
    assert without_org["customer/existing/repurchase_rate"] == {"rate"}
    assert without_org["responsibility/new_product_squad"] == {"revenue", "units"}
    assert "team/tier1/g-star-01" in without_org
    assert "team/tier1/g-t1-normal-01" not in without_org  # weighted: needs the org
    with_org = tree_catalogue(plan, "2026Q1", date(2026, 1, 1), demo_org).metrics
    assert "team/tier1/g-t1-normal-01" in with_org
    assert "team/tier2/g-t2-normal-01/rep-009" in with_org
    assert "team/tier3_4/g-t34-normal-01/rep-018" not in with_org  # joins in 2026Q3
    assert "responsibility/customer_success/rep-003" in with_org
    assert "responsibility/new_product_squad/g-np-squad-01" in with_org


def test_a_type_error_hides_neither_the_rows_beside_it_nor_the_other_files_rules(handbook_copy):
    set_cell("dimension_shares", 2, "share", "60%")(handbook_copy)  # a typo
    set_cell("dimension_shares", 6, "segment", "premium")(handbook_copy)  # same file
    set_cell("role_weights", 2, "weight", "heavy")(handbook_copy)  # another typo
    set_cell("warning_lines", 2, "amber_below", "0.50")(handbook_copy)  # a row rule elsewhere
    add_rows("group_kind_weights", ["2026Q1", "star", "1.20"])(handbook_copy)  # a key rule
    errors = errors_of(handbook_copy)
    assert ("dimension_shares.csv", 2, "type") in {e[:3] for e in errors}
    assert ("role_weights.csv", 2, "type") in {e[:3] for e in errors}
    assert (
        "dimension_shares.csv",
        6,
        "segment_belongs_to_dimension",
        "segment 'premium' is not a product segment (one of: core, new, long_tail)",
    ) in errors
    assert ("warning_lines.csv", 2, "red_line_below_amber_line") in {e[:3] for e in errors}
    assert ("group_kind_weights.csv", 6, "duplicate_key") in {e[:3] for e in errors}
    # a rule over a file with a typo would only repeat it: shares are not summed
    assert "shares_sum_to_one" not in {e[2] for e in errors}
