"""`sales-targets sources check`: every mapped table read with a limit; a broken mapping
is one line naming the file, table and column, with exit code 2."""

from __future__ import annotations

import pytest

from orchestration.cli import main
from tests.ingest.test_mapping import _copy_demo_mapping, _edit


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.delenv("ORDERS_DATABASE_URL", raising=False)
    monkeypatch.delenv("SALES_TARGETS_SOURCE_MAPPING", raising=False)
    return settings


def run_check(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["sources", "check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_demo_mapping_reads_every_table_masks_personal_data_and_counts_rejects(
    cli_env, world, write_sources, capsys
):
    world["order_lines"].append(
        {**world["order_lines"][0], "order_line_id": 9, "quantity": "twelve"}
    )
    negative_discount = {"order_line_id": 10, "discount": -5.0, "net_amount": 6005.0}
    world["order_lines"].append({**world["order_lines"][0], **negative_discount})
    write_sources(world)

    code, out, err = run_check(capsys, "--show", "5")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1] == "mapping OK: 12 tables read"
    regions = next(line for line in lines if line.lstrip().startswith("regions "))
    assert regions.split() == ["regions", "2", "rows,", "4", "columns;", "0", "of", "2",
                               "sampled", "rows", "would", "be", "quarantined"]  # fmt: skip
    order_lines = lines.index(next(line for line in lines if "order_lines " in line))
    assert "5 rows, 8 columns; 2 of 5 sampled rows would be quarantined" in lines[order_lines]
    reasons = {line.split(maxsplit=1)[1] for line in lines[order_lines + 1 : order_lines + 3]}
    assert reasons == {"type:integer (quantity)", "greater_than_or_equal_to(0) (discount)"}
    # personal data never shows: emails, names and phones of customers, reps' emails
    for person in ("ann.lee@example.com", "buy@acme.example", "Acme", "555-0100"):
        assert person not in out
    assert "customer_name=*** email=*** phone=***" in out
    assert "rep_name=Ann Lee email=***" in out  # a rep's name is not personal data here


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # a typo in a column: the source says which
        ("crm.yml", "select region_id, region_name,", "select region_id, regoin_name,",
         ["crm.yml", "table regions", "no such column: regoin_name"]),
        # a select that fails in the source
        ("orders.yml", "      from order_lines\n", "      form order_lines\n",
         ["orders.yml", "table order_lines", "syntax error"]),
        # a column renamed away from its contract name
        ("orders.yml", "order_date, status", "order_date as ordered_on, status",
         ["orders.yml", "table orders", "the select returns no column order_date",
          "(it returns 'ordered_on', not a contract column)"]),
        # a wrong type: no value of the column is a timestamp
        ("crm.yml", "select region_id, region_name, tier, updated_at",
         "select region_id, region_name, tier, region_name as updated_at",
         ["crm.yml", "table regions", "column updated_at returns no timestamp",
          "cast it to the contract's timestamp type in the select"]),
    ],
)  # fmt: skip
def test_each_broken_mapping_is_one_line_naming_file_table_and_column_with_exit_2(
    cli_env, world, write_sources, capsys, tmp_path, file, old, new, expected
):
    write_sources(world)
    folder = _copy_demo_mapping(tmp_path / "mapping")
    _edit(folder / file, old, new)

    code, out, err = run_check(capsys, "--mapping", str(folder))

    assert code == 2
    errors = err.splitlines()
    assert len(errors) == 1, err
    for words in expected:
        assert words in errors[0]
    assert errors[0].startswith("sales-targets: error: ")
    assert str(folder / file) in errors[0]
    assert "mapping OK" not in out


def test_a_missing_required_table_fails_before_any_source_is_read(cli_env, capsys, tmp_path):
    folder = _copy_demo_mapping(tmp_path / "mapping")
    orders = folder / "orders.yml"
    text = orders.read_text()
    orders.write_text(
        text.replace(text[text.index("  orders:\n") : text.index("  order_lines:")], "")
    )

    code, out, err = run_check(capsys, "--mapping", str(folder))

    assert (code, out) == (2, "")
    assert err == (
        f"sales-targets: error: {folder}: no mapping file maps the required table(s) orders\n"
    )
