"""No customer emails, phones or names in anything published."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.publish.parquet import write_parquet_tables
from orchestration.quality.personal_data import (
    PersonalDataError,
    WarehouseCustomers,
    personal_data_needles,
    require_no_personal_data,
    scan_for_personal_data,
)

CUSTOMER_NAMES = ["Zhang Wei", "Maria Gonzalez"]


def findings_of(source, needles=()) -> set[tuple[str, str, str, int]]:
    return {(f.table, f.column, f.kind, f.rows) for f in scan_for_personal_data(source, needles)}


def write_raw_people(settings, customers: str, reps: str | None = None) -> None:
    """A warehouse whose raw.customers (and raw.reps) hold the given VALUES rows."""
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        warehouse.execute("create schema raw")
        warehouse.execute(
            f"create table raw.customers as select * from (values {customers}) "
            "t(customer_id, customer_name, email, phone)"
        )
        if reps is not None:
            warehouse.execute(
                f"create table raw.reps as select * from (values {reps}) t(rep_id, rep_name)"
            )


def test_a_clean_store_passes(store):
    path = store()
    # dates, node paths, money in messages and the publication log look nothing like a phone
    assert scan_for_personal_data(path, CUSTOMER_NAMES) == []
    require_no_personal_data(path, CUSTOMER_NAMES)


def test_a_planted_email_is_found_in_the_store_and_in_parquet(store, tmp_path):
    path = store(
        [
            "update rpt_warnings set message = message || ' (ask zhang.wei@example.com)' "
            "where level = 'red'"
        ]
    )

    assert findings_of(path) == {("rpt_warnings", "message", "email", 1)}
    parquet = tmp_path / "parquet"
    write_parquet_tables(path, parquet)
    assert findings_of(parquet) == {("rpt_warnings", "message", "email", 1)}
    with pytest.raises(PersonalDataError, match=r"rpt_warnings\.message: email in 1 row\(s\)"):
        require_no_personal_data(path)


def test_phones_and_listed_names_are_found(store):
    path = store(
        [
            "update rpt_action_plans set owner = 'Maria Gonzalez'",
            "update rpt_warnings set owner = '+86 138 1234 5678' where level = 'amber'",
            "update rpt_target_tree set revision_reason = 'customer asked: call (555) 201-7788' "
            "where node_id = 'total'",
        ]
    )

    assert findings_of(path, CUSTOMER_NAMES) == {
        ("rpt_action_plans", "owner", "listed value", 1),
        ("rpt_warnings", "owner", "phone", 1),
        ("rpt_target_tree", "revision_reason", "phone", 1),
    }


def test_an_open_connection_can_be_scanned_and_is_left_as_it_was(store):
    path = store(["update rpt_action_plans set action_name = 'Visit ZHANG WEI in person'"])
    with duckdb.connect(str(path), read_only=True) as connection:
        assert findings_of(connection, CUSTOMER_NAMES) == {
            ("rpt_action_plans", "action_name", "listed value", 1)
        }
        tables = connection.execute("select count(*) from duckdb_tables()").fetchone()[0]
        assert tables == 3  # the scan's temporary needle table is gone


def test_short_names_only_match_whole_values(store):
    path = store(["update rpt_action_plans set owner = 'Li'"])
    # "Li" as a substring would hit "online-ads"; as a whole value it hits the owner only
    assert findings_of(path, ["Li"]) == {("rpt_action_plans", "owner", "listed value", 1)}


def test_needles_come_from_the_warehouse_customers(settings):
    write_raw_people(
        settings,
        "('c-1', 'Zhang Wei', 'zhang.wei@example.com', '+86 138 1234 5678'), "
        "('c-1', 'Zhang Wei', 'zhang.wei@example.com', '+86 138 1234 5678'), "
        "('c-2', 'Maria Gonzalez', null, null)",
    )
    assert personal_data_needles(settings) == [
        "+86 138 1234 5678",
        "Maria Gonzalez",
        "Zhang Wei",
        "zhang.wei@example.com",
    ]


def test_no_warehouse_means_no_needles(tmp_path: Path):
    from orchestration.settings import Settings

    assert personal_data_needles(Settings().with_data_dir(tmp_path)) == []


def test_two_character_chinese_names_match_inside_text(store):
    path = store(["update rpt_warnings set message = '客户张伟连续两周未下单' where level = 'red'"])
    assert findings_of(path, ["张伟", "王芳"]) == {("rpt_warnings", "message", "listed value", 1)}


def test_a_customer_name_inside_a_longer_rep_name_is_not_a_hit(store):
    path = store(["update rpt_action_plans set owner = 'Min Liu'"])
    # the customer "Min Li" is a prefix of the rep "Min Liu": tokens differ, no finding
    assert findings_of(path, ["Min Li"]) == set()
    # but the customer's whole name inside a sentence is found
    assert findings_of(path, ["Min Liu"]) == {("rpt_action_plans", "owner", "listed value", 1)}
    with duckdb.connect(str(path)) as connection:
        connection.execute("update rpt_action_plans set owner = 'call Min Li, today'")
    assert findings_of(path, ["Min Li"]) == {("rpt_action_plans", "owner", "listed value", 1)}


def test_rep_names_are_not_needles_even_when_a_customer_shares_them(settings):
    write_raw_people(
        settings,
        "('c-1', 'Jing Huang', null, null), ('c-2', 'Maria Gonzalez', null, null)",
        reps="('rep-007', 'Jing Huang')",
    )
    assert personal_data_needles(settings) == ["Maria Gonzalez"]


def test_run_ids_and_batch_ids_are_not_phones(store):
    # a UUID holds a digit run with phone-like separators ("1920-4113-8625"); it once
    # refused a publish because rpt_publication.run_id looked like a phone number
    path = store(
        [
            "update rpt_action_plans set owner = 'cd1c348c-1920-4113-8625-a2b22433702a'",
            "update rpt_warnings set owner = 'batch-20261126-1534-2233' where level = 'amber'",
        ]
    )
    assert findings_of(path) == set()
    with duckdb.connect(str(path)) as connection:
        connection.execute("update rpt_action_plans set owner = 'phone: 138-1234-5678, thanks'")
    assert findings_of(path) == {("rpt_action_plans", "owner", "phone", 1)}


def test_the_scan_reads_its_needles_from_the_warehouse_as_listed(settings, store):
    """The publish gate's needles never pass through Python: the scan loads them from
    raw.customers itself, by the rule `personal_data_needles` lists them with."""
    write_raw_people(
        settings,
        "('c-1', '  Zhang Wei ', 'zhang.wei@example.com', null), "
        "('c-2', 'Jing Huang', null, 8613812345678), ('c-3', 'Li', null, null)",
        reps="('rep-007', 'Jing Huang')",
    )
    path = store(
        [
            "update rpt_action_plans set owner = 'Jing Huang'",  # a rep's name: published
            "update rpt_warnings set message = 'visit ZHANG   wei today' where level = 'red'",
            "update rpt_warnings set owner = 'ref 8613812345678' where level = 'amber'",
            "update rpt_target_tree set revision_reason = 'online' where node_id = 'total'",
        ]
    )
    from_warehouse = findings_of(path, WarehouseCustomers(settings))
    assert from_warehouse == findings_of(path, personal_data_needles(settings))
    # the phone stored as a number is a needle too; "Li" matches whole values only
    assert from_warehouse == {
        ("rpt_warnings", "message", "listed value", 1),
        ("rpt_warnings", "owner", "listed value", 1),
    }
    settings.warehouse_path.unlink()
    assert findings_of(path, WarehouseCustomers(settings)) == set()
