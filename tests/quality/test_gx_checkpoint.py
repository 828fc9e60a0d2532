"""great-expectations over the published tables: suites as code, checkpoint, Data Docs."""

from __future__ import annotations

import re
import time

from orchestration.quality.expectations import (
    EXPECTATIONS_BY_TABLE,
    build_suite,
    expectations_for,
)
from orchestration.quality.gx_checkpoint import validate_published_store, validate_store_file


def failures_by_rule(summary) -> dict[tuple[str, str, str | None], tuple[int | None, list]]:
    return {
        (f.table, f.expectation, f.column): (f.unexpected_count, f.sample) for f in summary.failures
    }


def test_a_clean_store_passes_and_renders_data_docs(settings, store):
    store()
    started = time.monotonic()

    summary = validate_published_store(settings)

    elapsed = time.monotonic() - started
    print(f"GX checkpoint on 3 small tables: {elapsed:.2f}s ({summary.seconds:.2f}s inside)")
    assert summary.success
    assert summary.failures == []
    assert summary.suites == ["rpt_action_plans", "rpt_target_tree", "rpt_warnings"]
    assert "rpt_incentives" in summary.skipped_tables  # listed, not built yet: skipped
    # From the registry, on the columns the small store has (exist + quarter 2 + key +
    # not null + ranges + value sets + date pair): rpt_target_tree 10+2+1+6+3+2,
    # rpt_warnings 10+2+1+9+3+2, rpt_action_plans 14+2+1+4+5+2+1.
    assert summary.expectations_evaluated == 24 + 27 + 29
    assert summary.docs_index == settings.docs_dir / "gx" / "index.html"
    index = summary.docs_index.read_text()
    # the index is plain HTML: every suite is listed without a script, offline
    assert "<script" not in index and "https://cdn" not in index
    rows = re.findall(
        r'<tr><td><a href="(expectations/[^"]+)">(\w+)</a></td><td class="number">(\d+)</td>'
        r'<td class="number">(\d+)</td><td class="passed">passed</td>'
        r'<td><a href="(validations/[^"]+)">',
        index,
    )
    assert [(name, int(evaluated), int(failed)) for _, name, evaluated, failed, _ in rows] == [
        ("rpt_action_plans", 29, 0),
        ("rpt_target_tree", 24, 0),
        ("rpt_warnings", 27, 0),
    ]
    site = settings.docs_dir / "gx"
    assert all((site / suite).exists() and (site / result).exists() for suite, *_, result in rows)
    assert (site / "gx-index.html").exists()  # GX's own index, kept beside it
    pages = list((site / "validations").rglob("*.html"))
    assert len(pages) == 3
    # nothing of GX is left beside the docs folder
    assert sorted(p.name for p in settings.docs_dir.iterdir()) == ["gx"]


def test_broken_rows_fail_the_rules_that_name_them(settings, store):
    store(
        [
            "insert into rpt_target_tree values ('2026-Q3', 'customer/new', 'total', 'region', 1, "
            "'New', 'revenue', -1, 1, null)",
            "insert into rpt_target_tree select * from rpt_target_tree where node_id = 'total'",
            "alter table rpt_warnings drop column owner",
            "update rpt_warnings set level = 'orange' where consecutive_weeks = 2",
            "update rpt_action_plans set end_date = date '2026-06-01'",
        ]
    )

    summary = validate_published_store(settings)

    assert not summary.success
    failures = failures_by_rule(summary)
    assert failures[("rpt_target_tree", "expect_column_values_to_match_regex", "quarter")] == (
        1,
        ["2026-Q3"],
    )
    assert failures[("rpt_target_tree", "expect_column_values_to_be_between", "target_value")] == (
        1,
        [-1.0],
    )
    assert failures[("rpt_target_tree", "expect_column_values_to_be_in_set", "dimension")] == (
        1,
        ["region"],
    )
    duplicate = failures[
        ("rpt_target_tree", "expect_compound_columns_to_be_unique", "quarter,node_id,metric")
    ]
    assert duplicate[0] == 2  # both copies of the duplicated key
    assert ("rpt_warnings", "expect_column_to_exist", "owner") in failures
    assert failures[("rpt_warnings", "expect_column_values_to_be_in_set", "level")][1] == ["orange"]
    assert (
        "rpt_action_plans",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "end_date,start_date",
    ) in failures
    assert len(summary.failures) == 7
    assert "rpt_target_tree.target_value fails" in summary.describe()


def test_the_docs_show_only_the_latest_validation(settings, store, tmp_path):
    store()
    validate_published_store(settings)
    other = tmp_path / "other.duckdb"
    from tests.quality.conftest import write_store

    write_store(other, ["drop table rpt_warnings", "drop table rpt_action_plans"])

    summary = validate_store_file(other, settings.docs_dir / "gx")

    assert summary.suites == ["rpt_target_tree"]
    pages = list((settings.docs_dir / "gx" / "validations").rglob("*.html"))
    assert [p.parts[-4] for p in pages] == ["rpt_target_tree"]


def test_suites_are_built_from_the_columns_a_table_has():
    spec = expectations_for("rpt_target_tree")
    full = build_suite(spec, spec.columns)
    partial = build_suite(spec, [c for c in spec.columns if c != "target_value"])
    kinds = [e.expectation_type for e in full.expectations]
    assert kinds.count("expect_column_to_exist") == len(spec.columns)
    assert "expect_compound_columns_to_be_unique" in kinds
    # without target_value: its exist check stays (and fails), its other rules go
    assert len(partial.expectations) == len(full.expectations) - 2
    # an unlisted rpt_* table still gets the quarter rules
    generic = build_suite(expectations_for("rpt_something_new"), ["quarter", "value"])
    assert [e.expectation_type for e in generic.expectations] == [
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_match_regex",
    ]
    assert set(EXPECTATIONS_BY_TABLE) >= {
        "rpt_target_tree",
        "rpt_progress_weekly",
        "rpt_warnings",
        "rpt_customer_kpis",
        "rpt_product_kpis",
        "rpt_team_performance",
        "rpt_action_plans",
        "rpt_incentives",
        "rpt_quarter_review",
        "rpt_publication",
    }


def test_great_expectations_is_imported_on_a_thread_while_the_quarter_builds():
    """A fresh process (as a nightly run is) starts the import and carries on; the thread
    finishes it, and a second call finds it done."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from orchestration.quality.gx_checkpoint import "
        "import_great_expectations_in_background as start\n"
        "assert 'great_expectations' not in sys.modules\n"
        "thread = start()\n"
        "assert thread is not None and thread.daemon\n"
        "thread.join(timeout=300)\n"
        "assert not thread.is_alive()\n"
        "import great_expectations\n"
        "assert hasattr(great_expectations, 'get_context')\n"
        "assert start() is None\n"
        "print('imported on', thread.name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=360
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "imported on import great_expectations"
