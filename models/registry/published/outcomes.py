"""Published outcome tables: rpt_action_plans, rpt_incentives, rpt_quarter_review."""

from models.registry import row_rules as rules
from models.registry.columns import (
    ACTUAL_VALUE,
    AS_OF_DATE,
    COMPLETION,
    IS_PROVISIONAL,
    NOT_MEASURED_REASON,
    QUARTER,
)
from models.registry.schema import Column, Table, names
from models.registry.values import ACTION_FLAGS, ACTION_KPIS, REVIEW_SECTIONS

RPT_ACTION_PLANS = Table(
    name="rpt_action_plans",
    description=(
        "Action plans against results per quarter x action: spend, KPI actual, completion, "
        "cost per outcome and flag."
    ),
    columns=(
        QUARTER,
        Column("action_id", "varchar", "Action slug from actions.csv.", min_length=1),
        Column("action_name", "varchar", "Action name."),
        Column("owner", "varchar", "Who is responsible.", nullable=True),
        Column("start_date", "date", "First day of the window.", nullable=True),
        Column("end_date", "date", "Last day of the window.", nullable=True),
        Column("budget", "decimal(18,2)", "Planned budget.", ge=0, nullable=True),
        Column("budget_line", "varchar", "Budget line of resources.csv.", nullable=True),
        Column(
            "spend",
            "decimal(18,2)",
            "Spend of the action's CRM campaign up to the as-of date (blank without a campaign).",
            ge=0,
            nullable=True,
        ),
        Column("kpi", "varchar", ", ".join(ACTION_KPIS) + ".", isin=ACTION_KPIS),
        Column("kpi_target", "double", "KPI target (count or rate).", ge=0, nullable=True),
        Column(
            "kpi_actual",
            "double",
            "KPI measured in the window up to the as-of date.",
            nullable=True,
        ),
        Column("kpi_completion", "double", "kpi_actual / kpi_target.", ge=0, nullable=True),
        Column(
            "outcome_count",
            "bigint",
            "Leads, customers won, existing customers who ordered or recalled customers.",
            ge=0,
            nullable=True,
        ),
        Column("cost_per_outcome", "decimal(18,2)", "spend / outcome_count.", ge=0, nullable=True),
        Column("flag", "varchar", ", ".join(ACTION_FLAGS) + ".", isin=ACTION_FLAGS),
        AS_OF_DATE.but(nullable=True),
        NOT_MEASURED_REASON.but(
            description="Why kpi_actual or spend is null: the source mapping has no leads, "
            "campaigns or campaign spend; null when both are measured."
        ),
    ),
    key=("quarter", "action_id"),
    row_rules=(
        rules.END_DATE_NOT_BEFORE_START_DATE,
        rules.ratio_rule(
            "kpi_completion_is_kpi_actual_over_kpi_target",
            "kpi_actual",
            "kpi_target",
            "kpi_completion",
        ),
    ),
    promised=names(
        "quarter action_id action_name owner start_date end_date budget spend kpi "
        "kpi_target kpi_actual kpi_completion cost_per_outcome flag"
    ),
)

RPT_INCENTIVES = Table(
    name="rpt_incentives",
    description=(
        "Incentives per quarter x rep: commission after clawbacks, attainment, bonus, awards, "
        "promotion eligibility."
    ),
    columns=(
        QUARTER,
        Column("rep_id", "varchar", "CRM rep.", min_length=1),
        Column("rep_name", "varchar", "Rep name.", nullable=True),
        Column(
            "revenue",
            "decimal(18,2)",
            "Completed revenue credited to the rep in the quarter.",
            ge=0,
            nullable=True,
        ),
        Column(
            "commission",
            "decimal(18,2)",
            "Commission of the quarter's sales minus clawbacks of refunds that arrived in it.",
            nullable=True,
        ),
        Column("attainment", "double", "revenue / revenue target.", ge=0, nullable=True),
        Column(
            "bonus", "decimal(18,2)", "Bonus tier's multiple x monthly salary.", ge=0, nullable=True
        ),
        Column(
            "awards",
            "decimal(18,2)",
            "Money of the special awards won (tied champions split equally).",
            ge=0,
            nullable=True,
        ),
        Column(
            "promotion_eligible",
            "boolean",
            "Reached the promotion tier this quarter and the one before.",
        ),
        Column(
            "refunded_revenue",
            "decimal(18,2)",
            "Revenue of earlier quarters refunded in this one (clawed back).",
            ge=0,
            nullable=True,
        ),
        Column(
            "clawback",
            "decimal(18,2)",
            "Commission taken back for those refunds (negative).",
            le=0,
            nullable=True,
        ),
        Column("target_value", "decimal(18,2)", "Revenue target of the rep.", ge=0, nullable=True),
        Column(
            "previous_attainment",
            "double",
            "Attainment in the previous quarter.",
            ge=0,
            nullable=True,
        ),
        Column("bonus_tier", "varchar", "Bonus tier reached.", nullable=True),
        Column("award_names", "varchar", "Awards won.", nullable=True),
        IS_PROVISIONAL.but(nullable=True),
        AS_OF_DATE.but(nullable=True),
    ),
    key=("quarter", "rep_id"),
    row_rules=(rules.COMMISSION_AT_MOST_REVENUE,),
    promised=names(
        "quarter rep_id rep_name revenue commission attainment bonus awards promotion_eligible"
    ),
)

RPT_QUARTER_REVIEW = Table(
    name="rpt_quarter_review",
    description=(
        "The quarter review per quarter x finding: total, dimension nodes, short boards, best "
        "and worst teams, resource problems and the suggested next total."
    ),
    columns=(
        QUARTER,
        Column("section", "varchar", ", ".join(REVIEW_SECTIONS) + ".", isin=REVIEW_SECTIONS),
        Column(
            "subject",
            "varchar",
            "Node id, action id or resource id the finding is about.",
            min_length=1,
        ),
        Column(
            "metric",
            "varchar",
            "revenue, units, customers, rate, an action KPI, budget or people.",
            min_length=1,
        ),
        Column(
            "target_value", "decimal(22,6)", "Target (money, count or rate).", ge=0, nullable=True
        ),
        ACTUAL_VALUE.but(data_type="decimal(22,6)"),
        COMPLETION,
        Column("finding", "varchar", "The finding as a sentence.", min_length=1),
        Column(
            "finding_order", "integer", "Reading order within the quarter.", ge=0, nullable=True
        ),
        IS_PROVISIONAL,
        AS_OF_DATE.but(nullable=True),
    ),
    key=("quarter", "section", "subject", "metric"),
    row_rules=(
        rules.ratio_rule(
            "completion_is_actual_over_target", "actual_value", "target_value", "completion"
        ),
    ),
    promised=names("quarter section subject metric target_value actual_value completion finding"),
)
