"""Marts of execution: fct_action_results, fct_commission_lines, fct_incentives,
fct_quarter_review. They have no pandera contract yet, so only their key and the columns
the YAML documents are listed (`documents_every_column=False`)."""

from models.registry.columns import QUARTER
from models.registry.published.outcomes import (
    RPT_ACTION_PLANS,
    RPT_INCENTIVES,
    RPT_QUARTER_REVIEW,
)
from models.registry.schema import Column, Table
from models.registry.staging.orders import ORDER_LINES
from models.registry.values import COMMISSION_LINE_KINDS

REVIEW = RPT_QUARTER_REVIEW.column

FCT_ACTION_RESULTS = Table(
    name="fct_action_results",
    description=(
        "Action plans against results per quarter x action: spend, KPI actual and "
        "completion, cost per outcome, flag. Quarter-keyed, incremental (delete+insert by "
        "quarter)."
    ),
    columns=(QUARTER, RPT_ACTION_PLANS.column("action_id"), RPT_ACTION_PLANS.column("flag")),
    key=RPT_ACTION_PLANS.key,
    contract_enforced=False,
    documents_every_column=False,
)
FCT_COMMISSION_LINES = Table(
    name="fct_commission_lines",
    description=(
        "Commission per order line: sales of the quarter and clawbacks (negative) of earlier "
        "quarters' refunds arriving in it. Quarter-keyed, incremental."
    ),
    columns=(
        QUARTER,
        Column("line_kind", "varchar", "sale or clawback.", isin=COMMISSION_LINE_KINDS),
        ORDER_LINES.column("order_line_id"),
    ),
    key=("quarter", "line_kind", "order_line_id"),
    contract_enforced=False,
    documents_every_column=False,
)
FCT_INCENTIVES = Table(
    name="fct_incentives",
    description=(
        "Commission, attainment, bonus, awards and promotion eligibility per quarter x rep. "
        "Quarter-keyed, incremental."
    ),
    columns=(QUARTER, RPT_INCENTIVES.column("rep_id")),
    key=RPT_INCENTIVES.key,
    contract_enforced=False,
    documents_every_column=False,
)
FCT_QUARTER_REVIEW = Table(
    name="fct_quarter_review",
    description=(
        "The quarter review per quarter x finding (sections in the model header): numbers "
        "and codes, and the details each finding's sentence needs; rpt_quarter_review writes "
        "the sentence."
    ),
    columns=(
        *(REVIEW(name) for name in RPT_QUARTER_REVIEW.key),
        Column(
            "subject_name",
            "varchar",
            "The node's, action's or group's name (null for a budget line and next_quarter).",
            nullable=True,
        ),
        Column(
            "team_level", "varchar", "region, group or rep (best and worst only).", nullable=True
        ),
        Column(
            "action_flag",
            "varchar",
            "The action's flag in fct_action_results (resources rows of an action).",
            nullable=True,
        ),
        Column(
            "warning_line",
            "double",
            "The plan's warning line the node is judged on (short_board, people).",
            nullable=True,
        ),
    ),
    key=RPT_QUARTER_REVIEW.key,
    contract_enforced=False,
    documents_every_column=False,
)
