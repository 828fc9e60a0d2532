"""Staging tables of the CRM: the latest version of each region, group, rep, assignment,
customer, campaign, day of campaign spend and lead."""

from models.registry.schema import Column, Table
from models.registry.sources import crm
from models.registry.sources import row_rules as source_rules
from models.registry.staging import row_rules as rules
from models.registry.staging.columns import LOADED_AT, VERSION_UPDATED_AT, staged

STAMPS = (VERSION_UPDATED_AT, LOADED_AT)

REGIONS = Table(
    name="stg_crm__regions",
    description="Sales regions, latest version of each region.",
    columns=(*staged(crm.REGIONS, "region_id region_name tier"), *STAMPS),
    key=("region_id",),
    contract_enforced=False,
)
SALES_GROUPS = Table(
    name="stg_crm__sales_groups",
    description="Sales groups inside a region, latest version of each group.",
    columns=(
        *staged(
            crm.SALES_GROUPS,
            "group_id region_id lead_rep_id group_name group_kind",
            region_id="stg_crm__regions.region_id",
            lead_rep_id="stg_crm__reps.rep_id",
        ),
        *STAMPS,
    ),
    key=("group_id",),
    contract_enforced=False,
)
REPS = Table(
    name="stg_crm__reps",
    description="Sales reps, latest version of each rep.",
    columns=(
        *staged(crm.REPS, "rep_id rep_name email role monthly_salary hire_date"),
        *STAMPS,
    ),
    key=("rep_id",),
    contract_enforced=False,
)
REP_ASSIGNMENTS = Table(
    name="stg_crm__rep_assignments",
    description=(
        "Which group a rep belongs to from valid_from to valid_to, latest version of each "
        "assignment. The organisation as of a date is the assignments valid on it."
    ),
    columns=(
        *staged(
            crm.REP_ASSIGNMENTS,
            "assignment_id rep_id group_id valid_from valid_to",
            rep_id="stg_crm__reps.rep_id",
            group_id="stg_crm__sales_groups.group_id",
        ),
        *STAMPS,
    ),
    key=("assignment_id",),
    row_rules=(source_rules.VALID_TO_AFTER_VALID_FROM,),
    contract_enforced=False,
)
CUSTOMERS = Table(
    name="stg_crm__customers",
    description=(
        "Customers, latest version of each. Holds personal data (name, email, phone): it "
        "stays in the warehouse and never reaches the reporting layer."
    ),
    columns=(
        *staged(
            crm.CUSTOMERS,
            "customer_id region_id owner_rep_id customer_name email phone city_tier created_at",
            region_id="stg_crm__regions.region_id",
            owner_rep_id="stg_crm__reps.rep_id",
        ),
        *STAMPS,
    ),
    key=("customer_id",),
    contract_enforced=False,
)
CAMPAIGNS = Table(
    name="stg_crm__campaigns",
    description="Marketing campaigns (action plans' lead sources), latest version of each.",
    columns=(
        *staged(crm.CAMPAIGNS, "campaign_id campaign_name source budget start_date end_date"),
        *STAMPS,
    ),
    key=("campaign_id",),
    row_rules=(source_rules.END_DATE_NOT_BEFORE_START_DATE,),
    contract_enforced=False,
)
CAMPAIGN_SPEND = Table(
    name="stg_crm__campaign_spend",
    description="Money spent on a campaign per day, latest version of each (campaign, day).",
    columns=(
        *staged(
            crm.CAMPAIGN_SPEND,
            "campaign_id amount spend_date",
            campaign_id="stg_crm__campaigns.campaign_id",
        ),
        *STAMPS,
    ),
    key=("campaign_id", "spend_date"),
    contract_enforced=False,
)
LEADS = Table(
    name="stg_crm__leads",
    description="Leads, latest version of each, with whether they converted into a customer.",
    columns=(
        *staged(
            crm.LEADS,
            "lead_id campaign_id rep_id customer_id source",
            campaign_id="stg_crm__campaigns.campaign_id",
            rep_id="stg_crm__reps.rep_id",
            customer_id="stg_crm__customers.customer_id",
        ),
        Column(
            "is_converted", "boolean", "true once the lead became a customer (converted_at set)"
        ),
        *staged(crm.LEADS, "created_at converted_at"),
        *STAMPS,
    ),
    key=("lead_id",),
    row_rules=(rules.IS_CONVERTED_IFF_CONVERTED_AT,),
    contract_enforced=False,
)

CRM_VIEWS = (
    REGIONS,
    SALES_GROUPS,
    REPS,
    REP_ASSIGNMENTS,
    CUSTOMERS,
    CAMPAIGNS,
    CAMPAIGN_SPEND,
    LEADS,
)
