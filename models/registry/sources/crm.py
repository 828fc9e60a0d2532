"""Source tables of the CRM: regions, groups, reps and their assignments, customers,
campaigns, campaign spend and leads."""

from models.registry.schema import Table
from models.registry.sources import row_rules as rules
from models.registry.sources.fields import (
    CITY_TIERS,
    EARLIEST_PERSON_DATE,
    LEAD_SOURCES,
    REP_ROLES,
    UPDATED_AT,
    choice,
    event_date,
    key_id,
    money,
    text,
    timestamp,
)

REGIONS = Table(
    name="regions",
    description="A sales region of the CRM.",
    columns=(
        key_id("region_id", "region key, e.g. tier1 or a territory id"),
        text("region_name", "display name of the region", 100),
        text(
            "tier",
            "the tier (team segment) the region counts in, when the CRM knows it; the plan's "
            "region_tiers.csv names it otherwise",
            32,
        ),
        UPDATED_AT,
    ),
    key=("region_id",),
)
SALES_GROUPS = Table(
    name="sales_groups",
    description="A sales group inside a region.",
    columns=(
        key_id("group_id", "group key, e.g. g-star-01"),
        text("group_name", "display name of the group", 100),
        key_id("region_id", "region the group belongs to (raw.regions)"),
        text(
            "group_kind",
            "star, normal, newcomer, new_product_squad, ... when the CRM knows it; the plan's "
            "group_kinds.csv names it otherwise",
            32,
        ),
        key_id("lead_rep_id", "rep leading the group (raw.reps); may be empty", True),
        UPDATED_AT,
    ),
    key=("group_id",),
)
REPS = Table(
    name="reps",
    description="A sales rep.",
    columns=(
        key_id("rep_id", "rep key, e.g. rep-017"),
        text("rep_name", "rep display name", 100),
        text("email", "work email (personal data)", 200, personal_data=True),
        choice("role", REP_ROLES, "sales, top_sales, newcomer, customer_success, ..."),
        event_date("hire_date", "first working day", EARLIEST_PERSON_DATE),
        money("monthly_salary", "monthly base salary in CNY (bonus base)"),
        UPDATED_AT,
    ),
    key=("rep_id",),
)
REP_ASSIGNMENTS = Table(
    name="rep_assignments",
    description="A rep's membership of a group over [valid_from, valid_to).",
    columns=(
        key_id("assignment_id", "assignment key"),
        key_id("rep_id", "assigned rep (raw.reps)"),
        key_id("group_id", "group joined (raw.sales_groups)"),
        event_date("valid_from", "first day in the group"),
        event_date(
            "valid_to",
            "first day no longer in the group (exclusive); null while current",
            nullable=True,
        ),
        UPDATED_AT,
    ),  # fmt: skip
    key=("assignment_id",),
    row_rules=(rules.VALID_TO_AFTER_VALID_FROM,),
)
CUSTOMERS = Table(
    name="customers",
    description="A customer account; names, emails and phones are personal data.",
    columns=(
        key_id("customer_id", "customer key, e.g. c-000123"),
        text("customer_name", "customer name (personal data)", 200, personal_data=True),
        text("email", "customer email (personal data)", 200, personal_data=True),
        text("phone", "customer phone (personal data)", 50, personal_data=True),
        choice("city_tier", CITY_TIERS, "tier of the customer's city", 16),
        key_id("region_id", "region serving the customer (raw.regions)"),
        key_id("owner_rep_id", "rep owning the account (raw.reps); may be empty", True),
        timestamp("created_at", "when the account was created", EARLIEST_PERSON_DATE),
        UPDATED_AT,
    ),
    key=("customer_id",),
)
CAMPAIGNS = Table(
    name="campaigns",
    description="A marketing campaign that produces leads of one source.",
    columns=(
        key_id("campaign_id", "campaign key"),
        text("campaign_name", "display name of the campaign", 200),
        choice("source", LEAD_SOURCES, "lead source the campaign produces"),
        event_date("start_date", "first day of the campaign"),
        event_date("end_date", "last day of the campaign (inclusive)"),
        money("budget", "planned spend in CNY"),
        UPDATED_AT,
    ),
    key=("campaign_id",),
    row_rules=(rules.END_DATE_NOT_BEFORE_START_DATE,),
)
CAMPAIGN_SPEND = Table(
    name="campaign_spend",
    description="Money a campaign spent on one day.",
    columns=(
        key_id("campaign_id", "campaign that spent (raw.campaigns)"),
        event_date("spend_date", "day of the spend"),
        money("amount", "spend in CNY"),
        UPDATED_AT,
    ),
    key=("campaign_id", "spend_date"),
)
LEADS = Table(
    name="leads",
    description="A sales lead, and the customer it became once converted.",
    columns=(
        key_id("lead_id", "lead key"),
        choice("source", LEAD_SOURCES, "where the lead came from"),
        key_id("campaign_id", "campaign that produced it (raw.campaigns); may be empty", True),
        key_id("rep_id", "rep working the lead (raw.reps); may be empty", True),
        timestamp("created_at", "when the lead was created"),
        timestamp("converted_at", "when it became a customer; null until converted", nullable=True),
        key_id("customer_id", "customer it became (raw.customers); may be empty", True),
        UPDATED_AT,
    ),  # fmt: skip
    key=("lead_id",),
    row_rules=(rules.CONVERTED_AT_NOT_BEFORE_CREATED_AT,),
)

CRM_TABLES = (
    REGIONS,
    SALES_GROUPS,
    REPS,
    REP_ASSIGNMENTS,
    CUSTOMERS,
    CAMPAIGNS,
    CAMPAIGN_SPEND,
    LEADS,
)
