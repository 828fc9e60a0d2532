"""dbt docs as one static page in docs/dbt/, generated from a tiny dbt project."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from orchestration.quality.dbt_docs import generate_dbt_docs

pytestmark = pytest.mark.slow


def tiny_dbt_project(folder: Path) -> Path:
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n"
        "flags:\n  send_anonymous_usage_stats: false\n"
    )
    (folder / "profiles.yml").write_text(
        "tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        "      path: \"{{ env_var('WAREHOUSE_PATH') }}\"\n      threads: 1\n"
    )
    (folder / "models" / "rpt_tiny_targets.sql").write_text("select 1 as node_count\n")
    (folder / "models" / "_models.yml").write_text(
        "version: 2\nmodels:\n  - name: rpt_tiny_targets\n"
        "    description: A model whose description must reach the docs page.\n"
    )
    return folder


def test_static_docs_page_lands_in_docs_dir_and_nothing_in_the_project(settings, tmp_path):
    project = tiny_dbt_project(tmp_path / "dbt_project")
    settings = replace(settings, dbt_project_dir=project)
    settings.data_dir.mkdir(parents=True)

    docs = generate_dbt_docs(settings)

    assert docs.regenerated
    index = docs.index
    assert index == settings.docs_dir / "dbt" / "index.html"
    page = index.read_text()
    assert "A model whose description must reach the docs page." in page
    assert sorted(p.name for p in (settings.docs_dir / "dbt").iterdir()) == [
        ".fingerprint",
        "index.html",
    ]
    # dbt wrote its target/ and logs/ to a temporary folder, not into the project
    assert sorted(p.name for p in project.iterdir()) == [
        "dbt_project.yml",
        "models",
        "profiles.yml",
    ]
    assert sorted(p.name for p in settings.docs_dir.iterdir()) == ["dbt"]


def test_a_broken_project_names_the_project_and_keeps_the_old_page(settings, tmp_path):
    project = tiny_dbt_project(tmp_path / "dbt_project")
    settings = replace(settings, dbt_project_dir=project)
    settings.data_dir.mkdir(parents=True)
    old_page = settings.docs_dir / "dbt" / "index.html"
    old_page.parent.mkdir(parents=True)
    old_page.write_text("previous docs")
    (project / "models" / "broken.sql").write_text("select {{ not_a_macro() }}\n")

    failed_for_project = r"`dbt docs generate --static[^`]*` failed for .*dbt_project"
    with pytest.raises(RuntimeError, match=failed_for_project) as failure:
        generate_dbt_docs(settings)
    assert "Compilation Error in model broken (models/broken.sql)" in str(failure.value)

    assert old_page.read_text() == "previous docs"


def test_the_page_is_regenerated_only_when_what_it_shows_changed(settings, tmp_path):
    import duckdb

    project = tiny_dbt_project(tmp_path / "dbt_project")
    settings = replace(settings, dbt_project_dir=project)
    settings.data_dir.mkdir(parents=True)
    first = generate_dbt_docs(settings)
    first.index.write_text("page as first generated")

    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("create or replace table main.orders_today as select 1 as n")
    changed_columns = generate_dbt_docs(settings)
    assert changed_columns.regenerated  # a new table is a new column set
    changed_columns.index.write_text("page after the new table")
    # new rows (what a nightly run adds) change nothing the page shows: it is kept
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("insert into main.orders_today values (2), (3)")
    unchanged = generate_dbt_docs(settings)
    assert not unchanged.regenerated
    assert unchanged.index.read_text() == "page after the new table"

    (project / "models" / "_models.yml").write_text(
        "version: 2\nmodels:\n  - name: rpt_tiny_targets\n    description: Edited words.\n"
    )
    edited = generate_dbt_docs(settings)
    assert edited.regenerated
    assert "Edited words." in edited.index.read_text()
    assert generate_dbt_docs(settings, force=True).regenerated
