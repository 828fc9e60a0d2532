"""An ERPNext site's database, built from a clean demo world.

Tables and columns are ERPNext's (Frappe framework) as its database holds them: one table a
DocType named `tab` + the DocType ("tabSales Order"), the record's id in `name`, `creation`,
`modified` and `docstatus` (0 draft, 1 submitted, 2 cancelled) on every row, a child table
(an order's items, a document's sales team) pointing to its document by `parent`. The
DocTypes are the selling module's, as the ERPNext documentation and frappe/erpnext's
doctype JSON name them: Territory, Sales Person, Employee, Customer, Sales Team, Item Group,
Item, Item Price, Sales Order and Sales Order Item. Two custom fields an administrator adds
(`custom_*`, as Frappe names them) carry what ERPNext has no standard field for. Ids are as
ERPNext makes them: naming series (CUST-2025-00001, SAL-ORD-2025-00001, HR-EMP-00001),
the record's own name (territories, sales persons, item codes) or a 10-character hash
(child rows).

The demo world is translated record by record: a region is a territory below All
Territories whose manager is the sales person heading the region's sales groups, a group a
sales person group below that head, a rep a sales person in their current group (ERPNext
keeps no history of the sales person tree) linked to an employee, a customer's owner its
sales team, a completed order a submitted sales order credited to its rep, a cancelled or
refunded one a cancelled sales order (docstatus 2) whose `modified` is the time of the
change, an order line a sales order item sold off the Standard Selling price list. Now and
then a customer also leaves a draft of the same basket that is never submitted (not an
order).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.sources.preset_helpers import current_groups, demo_rows

REGION_TERRITORIES = {
    "tier1": "Tier 1 Cities",
    "tier2": "Tier 2 Cities",
    "tier3_4": "Tier 3-4 Cities",
    "channel": "Channel Partners",
}
REGION_HEADS = {
    "tier1": "Tier 1 Sales",
    "tier2": "Tier 2 Sales",
    "tier3_4": "Tier 3-4 Sales",
    "channel": "Channel Sales",
}
DESIGNATIONS = {
    "sales": "Sales Executive",
    "top_sales": "Senior Sales Executive",
    "newcomer": "Sales Trainee",
    "customer_success": "Customer Success Manager",
    "channel_manager": "Channel Sales Manager",
}
CITY_TIERS = {"tier1": "Tier 1", "tier2": "Tier 2", "tier3_4": "Tier 3-4"}
ITEM_GROUPS = {"core": "Core Range", "new": "New Launches", "long_tail": "Accessories"}
ROOT_TERRITORY, ROOT_SALES_PERSON, ROOT_ITEM_GROUP = (
    "All Territories",
    "Sales Team",
    "All Item Groups",
)
PRICE_LIST = "Standard Selling"
ORDER_STATUSES = {0: "Draft", 1: "Completed", 2: "Cancelled"}
DRAFT_EVERY = 50  # every 50th sales order of a year also has a draft of the same basket
COMPANY = "Demo Appliances Co."
DEPARTMENT = "Sales - DAC"  # ERPNext suffixes a department with its company's abbreviation
ADMIN = "Administrator"

# every DocType's table starts with these; a child table's rows also name their document
STANDARD = (
    "name varchar(140), creation datetime(6), modified datetime(6), "
    "modified_by varchar(140), owner varchar(140), docstatus int(1), idx int(8)"
)
CHILD = "parent varchar(140), parentfield varchar(140), parenttype varchar(140)"
DDL = {
    "tabTerritory": "territory_name varchar(140), parent_territory varchar(140), "
    "is_group int(1), territory_manager varchar(140)",
    "tabSales Person": "sales_person_name varchar(140), parent_sales_person varchar(140), "
    "is_group int(1), enabled int(1), employee varchar(140), department varchar(140)",
    "tabEmployee": "naming_series varchar(140), first_name varchar(140), "
    "last_name varchar(140), employee_name varchar(140), status varchar(140), "
    "company varchar(140), department varchar(140), designation varchar(140), "
    "date_of_joining date, company_email varchar(140), ctc decimal(21,9), "
    "salary_currency varchar(140)",
    "tabCustomer": "naming_series varchar(140), customer_name varchar(140), "
    "customer_type varchar(140), customer_group varchar(140), territory varchar(140), "
    "mobile_no varchar(140), email_id varchar(140), disabled int(1), "
    "custom_city_tier varchar(140)",
    "tabSales Team": f"{CHILD}, sales_person varchar(140), allocated_percentage decimal(21,9), "
    "allocated_amount decimal(21,9), commission_rate varchar(140)",
    "tabItem Group": "item_group_name varchar(140), parent_item_group varchar(140), "
    "is_group int(1)",
    "tabItem": "item_code varchar(140), item_name varchar(140), item_group varchar(140), "
    "stock_uom varchar(140), is_stock_item int(1), is_sales_item int(1), disabled int(1), "
    "custom_launch_date date",
    "tabItem Price": "item_code varchar(140), item_name varchar(140), price_list varchar(140), "
    "price_list_rate decimal(21,9), currency varchar(140), selling int(1), buying int(1), "
    "valid_from date",
    "tabSales Order": "naming_series varchar(140), customer varchar(140), "
    "customer_name varchar(140), order_type varchar(140), transaction_date date, "
    "delivery_date date, company varchar(140), currency varchar(140), "
    "conversion_rate decimal(21,9), selling_price_list varchar(140), territory varchar(140), "
    "net_total decimal(21,9), grand_total decimal(21,9), status varchar(140), "
    "amended_from varchar(140)",
    "tabSales Order Item": f"{CHILD}, item_code varchar(140), item_name varchar(140), "
    "item_group varchar(140), qty decimal(21,9), uom varchar(140), "
    "price_list_rate decimal(21,9), discount_percentage decimal(21,9), "
    "discount_amount decimal(21,9), rate decimal(21,9), amount decimal(21,9), "
    "net_rate decimal(21,9), net_amount decimal(21,9)",
}


class Names:
    """ERPNext's names: naming series numbered per prefix, hashes for child rows."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, object], str] = {}
        self.counters: Counter[str] = Counter()

    def series(self, doctype: str, key: object, prefix: str) -> str:
        """`prefix` + the next number of that prefix (SAL-ORD-2025-00042)."""
        self.counters[prefix] += 1
        return self.named(doctype, key, f"{prefix}{self.counters[prefix]:05d}")

    def named(self, doctype: str, key: object, name: str) -> str:
        self.known[(doctype, key)] = name
        return name

    def __getitem__(self, doctype_and_key: tuple[str, object]) -> str:
        return self.known[doctype_and_key]


def _hash(*parts: object) -> str:
    """A child row's name: 10 hex characters, as frappe.generate_hash makes them."""
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:10]


def _stamp(value: str) -> str:
    """A Frappe datetime(6) value: the demo's timestamp with microseconds."""
    return value if "." in value else f"{value}.000000"


def _record(name: str, created: str, modified: str, docstatus: int = 0, idx: int = 0) -> tuple:
    return (name, _stamp(created), _stamp(modified), ADMIN, ADMIN, docstatus, idx)


def _tree(tables: dict[str, list[tuple]], created: str) -> None:
    """The roots ERPNext's setup wizard creates."""
    root = _record(ROOT_TERRITORY, created, created)
    tables["tabTerritory"].append((*root, ROOT_TERRITORY, None, 1, None))
    root = _record(ROOT_SALES_PERSON, created, created)
    tables["tabSales Person"].append((*root, ROOT_SALES_PERSON, None, 1, 1, None, None))
    root = _record(ROOT_ITEM_GROUP, created, created)
    tables["tabItem Group"].append((*root, ROOT_ITEM_GROUP, None, 1))
    for group in ITEM_GROUPS.values():
        record = _record(group, created, created)
        tables["tabItem Group"].append((*record, group, ROOT_ITEM_GROUP, 0))


def _sales_team(name: str, parent: str, parenttype: str, row: tuple, amount: float) -> tuple:
    """One sales team row giving a document 100% to `row`'s sales person."""
    sales_person, created, modified, docstatus = row
    return (
        *_record(name, created, modified, docstatus, 1), parent, "sales_team", parenttype,
        sales_person, 100.0, amount, None,
    )  # fmt: skip


@dataclass(frozen=True)
class SalesOrder:
    """A demo order as a sales order: its key among the names, docstatus and stamps."""

    key: object
    order: sqlite3.Row
    docstatus: int
    created: str
    modified: str

    @property
    def prefix(self) -> str:
        return f"SAL-ORD-{self.order['order_date'][:4]}-"


def _sales_order(
    tables: dict[str, list[tuple]],
    names: Names,
    sales_order: SalesOrder,
    customers: dict[str, tuple[str, str]],
    items: dict[str, sqlite3.Row],
    lines_of: dict[str, list[sqlite3.Row]],
) -> str:
    """Write a sales order with its sales team and items; return its name."""
    order, docstatus = sales_order.order, sales_order.docstatus
    stamps = (sales_order.created, sales_order.modified)
    name = names.series("Sales Order", sales_order.key, sales_order.prefix)
    lines = lines_of.get(order["order_id"], [])
    total = round(sum(line["net_amount"] for line in lines), 2)
    customer = names["Customer", order["customer_id"]]
    customer_name, territory = customers[customer]
    tables["tabSales Order"].append((
        *_record(name, *stamps, docstatus), sales_order.prefix, customer, customer_name,
        "Sales", order["order_date"], order["order_date"], COMPANY, "CNY", 1.0, PRICE_LIST,
        territory, total, total, ORDER_STATUSES[docstatus], None,
    ))  # fmt: skip
    credited = (names["Sales Person", order["rep_id"]], *stamps, docstatus)
    tables["tabSales Team"].append(
        _sales_team(_hash("Sales Order", name), name, "Sales Order", credited, total)
    )
    for idx, line in enumerate(lines, start=1):
        item = items[line["product_id"]]
        quantity, price, net = line["quantity"], line["unit_price"], line["net_amount"]
        rate = round(net / quantity, 2)
        row = _hash("Sales Order Item", name, idx)
        if docstatus:
            names.named("Sales Order Item", line["order_line_id"], row)
        tables["tabSales Order Item"].append((
            *_record(row, *stamps, docstatus, idx), name, "items", "Sales Order",
            names["Item", line["product_id"]], item["product_name"], ITEM_GROUPS[item["tier"]],
            float(quantity), "Nos", price,
            round(line["discount"] / (quantity * price) * 100, 6) if price else 0.0,
            round(price - rate, 2), rate, round(quantity * rate, 2), rate, net,
        ))  # fmt: skip
    return name


def build_erp_fixture(demo_sources: Path, database: Path) -> dict[tuple[str, object], str]:
    """Write the ERPNext-shaped SQLite `database` from the demo world in `demo_sources`
    (generated clean: the translation keeps each record's latest version only); return each
    demo record's ERPNext name by (DocType, demo key)."""
    crm, orders = demo_sources / "crm.sqlite", demo_sources / "orders.sqlite"
    names = Names()
    tables: dict[str, list[tuple]] = {name: [] for name in DDL}
    regions = demo_rows(crm, "select * from regions order by region_id")
    _tree(tables, min(region["updated_at"] for region in regions))

    for region in regions:
        tier = region["tier"]
        head = names.named("Sales Person", region["region_id"], REGION_HEADS[tier])
        territory = names.named("Territory", region["region_id"], REGION_TERRITORIES[tier])
        stamp = region["updated_at"]
        tables["tabSales Person"].append(
            (*_record(head, stamp, stamp), head, ROOT_SALES_PERSON, 1, 1, None, DEPARTMENT)
        )
        tables["tabTerritory"].append(
            (*_record(territory, stamp, stamp), territory, ROOT_TERRITORY, 0, head)
        )
    for group in demo_rows(crm, "select * from sales_groups order by group_id"):
        # a slash would read as a path separator in the pipeline's node ids
        name = names.named("Sales Person", group["group_id"], group["group_name"].replace("/", "-"))
        stamp = group["updated_at"]
        tables["tabSales Person"].append((
            *_record(name, stamp, stamp), name, names["Sales Person", group["region_id"]], 1, 1,
            None, DEPARTMENT,
        ))  # fmt: skip
    current_group = current_groups(crm)
    for rep in demo_rows(crm, "select * from reps order by rep_id"):
        first, _, last = rep["rep_name"].partition(" ")
        employee = names.series("Employee", rep["rep_id"], "HR-EMP-")
        person = names.named("Sales Person", rep["rep_id"], rep["rep_name"])
        stamp, joined = rep["updated_at"], rep["hire_date"] + " 09:00:00"
        tables["tabEmployee"].append((
            *_record(employee, joined, stamp), "HR-EMP-", first, last, rep["rep_name"], "Active",
            COMPANY, DEPARTMENT, DESIGNATIONS[rep["role"]], rep["hire_date"], rep["email"],
            rep["monthly_salary"] * 12, "CNY",
        ))  # fmt: skip
        tables["tabSales Person"].append((
            *_record(person, joined, stamp), person,
            names["Sales Person", current_group[rep["rep_id"]]], 0, 1, employee, DEPARTMENT,
        ))  # fmt: skip
    customers = {}
    for customer in demo_rows(crm, "select * from customers order by customer_id"):
        created, stamp = customer["created_at"], customer["updated_at"]
        prefix = f"CUST-{created[:4]}-"
        name = names.series("Customer", customer["customer_id"], prefix)
        customers[name] = (customer["customer_name"], names["Territory", customer["region_id"]])
        tables["tabCustomer"].append((
            *_record(name, created, stamp), prefix, customer["customer_name"], "Individual",
            "Individual", customers[name][1], customer["phone"], customer["email"], 0,
            CITY_TIERS[customer["city_tier"]],
        ))  # fmt: skip
        if customer["owner_rep_id"]:
            owner = (names["Sales Person", customer["owner_rep_id"]], created, stamp, 0)
            tables["tabSales Team"].append(
                _sales_team(_hash("Customer", name), name, "Customer", owner, 0.0)
            )
    products = demo_rows(orders, "select * from products order by product_id")
    for product in products:
        code = names.named("Item", product["product_id"], product["product_id"].upper())
        stamp = product["updated_at"]
        tables["tabItem"].append((
            *_record(code, stamp, stamp), code, product["product_name"],
            ITEM_GROUPS[product["tier"]], "Nos", 1, 1, 0, product["launch_date"],
        ))  # fmt: skip
        tables["tabItem Price"].append((
            *_record(_hash("Item Price", code), stamp, stamp), code, product["product_name"],
            PRICE_LIST, product["list_price"], "CNY", 1, 0, product["launch_date"],
        ))  # fmt: skip
    items = {product["product_id"]: product for product in products}
    lines_of: dict[str, list[sqlite3.Row]] = {}
    for line in demo_rows(orders, "select * from order_lines order by order_id, order_line_id"):
        lines_of.setdefault(line["order_id"], []).append(line)
    for order in demo_rows(orders, "select * from orders order by order_date, updated_at"):
        completed = order["status"] == "completed"
        # booked when submitted; a cancelled order's modified is when it was cancelled
        created = order["updated_at"] if completed else order["order_date"] + " 09:00:00"
        submitted = SalesOrder(
            order["order_id"], order, 1 if completed else 2, created, order["updated_at"]
        )
        written = _sales_order(tables, names, submitted, customers, items, lines_of)
        if int(written.removeprefix(submitted.prefix)) % DRAFT_EVERY == 0:
            # a quotation the customer has not confirmed: a draft, not an order
            drafted = order["order_date"] + " 18:00:00"
            draft = SalesOrder(("draft", order["order_id"]), order, 0, drafted, drafted)
            _sales_order(tables, names, draft, customers, items, lines_of)

    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as connection:
        for name, columns in DDL.items():
            columns = f"{STANDARD}, {columns}"
            connection.execute(f'create table "{name}" ({columns})')
            marks = ", ".join("?" * len(columns.split(", ")))
            connection.executemany(f'insert into "{name}" values ({marks})', tables[name])
    return names.known
