"""A Salesforce org as an EL tool lands it, built from a clean demo world.

Tables and columns are Salesforce's objects as Fivetran's Salesforce connector lands them
(snake_case, `_fivetran_synced` on every row; see fivetran/dbt_salesforce_source): user_role,
user, account, product_2, pricebook_entry, opportunity, opportunity_line_item, lead and
campaign. A few custom fields an admin adds (`*_c`) carry what Salesforce has no standard
field for. Ids are 18-character Salesforce ids.

The demo world is translated object by object: a region is a top-level role, a sales group
a role below it, a rep a user holding the group's role (their current group: Salesforce
keeps no assignment history), a completed order a closed-won opportunity, a cancelled or
refunded one closed-lost, an order line an opportunity product with its discount in percent.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.sources.preset_helpers import current_groups, demo_rows

PREFIXES = {
    "user_role": "00E",
    "user": "005",
    "account": "001",
    "product_2": "01t",
    "pricebook_entry": "01u",
    "opportunity": "006",
    "opportunity_line_item": "00k",
    "lead": "00Q",
    "campaign": "701",
}
TITLES = {
    "sales": "Sales Representative",
    "top_sales": "Senior Account Executive",
    "newcomer": "Sales Associate",
    "customer_success": "Customer Success Manager",
    "channel_manager": "Channel Manager",
}
FAMILIES = {"core": "Core", "new": "New", "long_tail": "Long Tail"}
LEAD_SOURCES = {
    "online_ads": "Advertisement",
    "trade_show": "Trade Show",
    "channel_partner": "Partner",
    "referral": "Customer Referral",
    "website": "Web",
}
CAMPAIGN_TYPES = {
    "online_ads": "Advertisement",
    "trade_show": "Trade Show",
    "channel_partner": "Partners",
    "referral": "Referral Program",
    "website": "Webinar",
}

DDL = {
    "user_role": "id varchar(18), name varchar(80), developer_name varchar(80), "
    "parent_role_id varchar(18), rollup_description varchar(80), _fivetran_deleted boolean, "
    "_fivetran_synced timestamp",
    "user": "id varchar(18), name varchar(121), first_name varchar(40), last_name varchar(80), "
    "email varchar(128), username varchar(80), title varchar(80), department varchar(80), "
    "user_role_id varchar(18), is_active boolean, created_date timestamp, "
    "monthly_salary_c decimal(18,2), _fivetran_deleted boolean, _fivetran_synced timestamp",
    "account": "id varchar(18), name varchar(255), type varchar(40), phone varchar(40), "
    "billing_city varchar(40), owner_id varchar(18), created_date timestamp, "
    "city_tier_c varchar(16), sales_region_c varchar(18), is_deleted boolean, "
    "_fivetran_synced timestamp",
    "product_2": "id varchar(18), name varchar(255), product_code varchar(255), "
    "family varchar(40), is_active boolean, launch_date_c date, created_date timestamp, "
    "is_deleted boolean, _fivetran_synced timestamp",
    "pricebook_entry": "id varchar(18), product_2_id varchar(18), pricebook_2_id varchar(18), "
    "unit_price decimal(18,2), is_active boolean, is_deleted boolean, "
    "_fivetran_synced timestamp",
    "opportunity": "id varchar(18), name varchar(120), account_id varchar(18), "
    "owner_id varchar(18), stage_name varchar(255), is_closed boolean, is_won boolean, "
    "close_date date, amount decimal(18,2), created_date timestamp, is_deleted boolean, "
    "_fivetran_synced timestamp",
    "opportunity_line_item": "id varchar(18), opportunity_id varchar(18), "
    "product_2_id varchar(18), quantity double, unit_price decimal(18,2), "
    "list_price decimal(18,2), discount double, total_price decimal(18,2), is_deleted boolean, "
    "_fivetran_synced timestamp",
    "lead": "id varchar(18), name varchar(121), company varchar(255), lead_source varchar(40), "
    "owner_id varchar(18), status varchar(40), created_date timestamp, is_converted boolean, "
    "converted_date date, converted_account_id varchar(18), is_deleted boolean, "
    "_fivetran_synced timestamp",
    "campaign": "id varchar(18), name varchar(80), type varchar(40), status varchar(40), "
    "start_date date, end_date date, budgeted_cost decimal(18,2), is_active boolean, "
    "is_deleted boolean, _fivetran_synced timestamp",
}
STANDARD_PRICEBOOK = "01s000000000000001"


class Ids:
    """Salesforce-style 18-character ids, one sequence per object."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, object], str] = {}

    def __call__(self, obj: str, key: object) -> str:
        found = self.known.get((obj, key))
        if found is None:
            number = sum(1 for o, _ in self.known if o == obj) + 1
            found = f"{PREFIXES[obj]}5g{number:013d}"
            self.known[(obj, key)] = found
        return found


def build_salesforce_fixture(demo_sources: Path, database: Path) -> dict[tuple[str, object], str]:
    """Write the Salesforce-shaped SQLite `database` from the demo world in `demo_sources`
    (generated clean: the translation keeps each record's latest version only); return
    each demo record's Salesforce id by (object, demo key)."""
    crm, orders = demo_sources / "crm.sqlite", demo_sources / "orders.sqlite"
    ids = Ids()
    tables: dict[str, list[tuple]] = {name: [] for name in DDL}

    for region in demo_rows(crm, "select * from regions order by region_id"):
        tables["user_role"].append((
            ids("user_role", region["region_id"]), region["region_name"],
            region["region_id"].title().replace("_", ""), None, region["region_name"], 0,
            region["updated_at"],
        ))  # fmt: skip
    for group in demo_rows(crm, "select * from sales_groups order by group_id"):
        tables["user_role"].append((
            ids("user_role", group["group_id"]), group["group_name"],
            group["group_id"].replace("-", "_"), ids("user_role", group["region_id"]),
            group["group_name"], 0, group["updated_at"],
        ))  # fmt: skip
    current_group = current_groups(crm)
    for rep in demo_rows(crm, "select * from reps order by rep_id"):
        first, _, last = rep["rep_name"].partition(" ")
        group = current_group.get(rep["rep_id"])
        tables["user"].append((
            ids("user", rep["rep_id"]), rep["rep_name"], first, last, rep["email"],
            rep["email"], TITLES[rep["role"]], "Sales",
            ids("user_role", group) if group else None, 1, rep["hire_date"] + " 09:00:00",
            rep["monthly_salary"], 0, rep["updated_at"],
        ))  # fmt: skip
    for customer in demo_rows(crm, "select * from customers order by customer_id"):
        owner = customer["owner_rep_id"]
        tables["account"].append((
            ids("account", customer["customer_id"]), customer["customer_name"], "Customer",
            customer["phone"], None, ids("user", owner) if owner else None,
            customer["created_at"], customer["city_tier"],
            ids("user_role", customer["region_id"]), 0, customer["updated_at"],
        ))  # fmt: skip
    for product in demo_rows(orders, "select * from products order by product_id"):
        product_id = ids("product_2", product["product_id"])
        tables["product_2"].append((
            product_id, product["product_name"], product["product_id"].upper(),
            FAMILIES[product["tier"]], 1, product["launch_date"],
            product["launch_date"] + " 08:00:00", 0, product["updated_at"],
        ))  # fmt: skip
        tables["pricebook_entry"].append((
            ids("pricebook_entry", product["product_id"]), product_id, STANDARD_PRICEBOOK,
            product["list_price"], 1, 0, product["updated_at"],
        ))  # fmt: skip
    for order in demo_rows(orders, "select * from orders order by order_id"):
        won = order["status"] == "completed"
        tables["opportunity"].append((
            ids("opportunity", order["order_id"]), f"Order {order['order_id']}",
            ids("account", order["customer_id"]), ids("user", order["rep_id"]),
            "Closed Won" if won else "Closed Lost", 1, int(won), order["order_date"], None,
            order["order_date"] + " 08:00:00", 0, order["updated_at"],
        ))  # fmt: skip
    for line in demo_rows(orders, "select * from order_lines order by order_line_id"):
        gross = line["quantity"] * line["unit_price"]
        tables["opportunity_line_item"].append((
            ids("opportunity_line_item", line["order_line_id"]),
            ids("opportunity", line["order_id"]), ids("product_2", line["product_id"]),
            float(line["quantity"]), line["unit_price"], line["unit_price"],
            line["discount"] / gross * 100 if gross else 0.0, line["net_amount"], 0,
            line["updated_at"],
        ))  # fmt: skip
    for lead in demo_rows(crm, "select * from leads order by lead_id"):
        converted = lead["converted_at"] is not None
        tables["lead"].append((
            ids("lead", lead["lead_id"]), f"Lead {lead['lead_id']}", "Unknown",
            LEAD_SOURCES[lead["source"]], ids("user", lead["rep_id"]) if lead["rep_id"] else None,
            "Closed - Converted" if converted else "Open - Not Contacted", lead["created_at"],
            int(converted), lead["converted_at"][:10] if converted else None,
            ids("account", lead["customer_id"]) if lead["customer_id"] else None, 0,
            lead["updated_at"],
        ))  # fmt: skip
    for campaign in demo_rows(crm, "select * from campaigns order by campaign_id"):
        tables["campaign"].append((
            ids("campaign", campaign["campaign_id"]), campaign["campaign_name"],
            CAMPAIGN_TYPES[campaign["source"]], "Completed", campaign["start_date"],
            campaign["end_date"], campaign["budget"], 0, 0, campaign["updated_at"],
        ))  # fmt: skip

    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as connection:
        for name, columns in DDL.items():
            connection.execute(f'create table "{name}" ({columns})')
            marks = ", ".join("?" * len(columns.split(", ")))
            connection.executemany(f'insert into "{name}" values ({marks})', tables[name])
    return ids.known
