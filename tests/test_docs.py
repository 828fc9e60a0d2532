"""The docs a user reads point only at what the repository has, and list every command."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest

from orchestration.cli import build_parser
from orchestration.settings import PROJECT_ROOT

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# Text users read: the docs, the dbt project (its descriptions become dbt docs and table
# comments), the contracts and the orchestration code.
READ_BY_USERS = ("README.md", "docs", "bench/README.md", "dbt_project", "models", "orchestration")


def tracked_files(*paths: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", *paths], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [PROJECT_ROOT / name for name in listed]


def markdown_files() -> list[Path]:
    return [path for path in tracked_files("*.md") if path.exists()]


@pytest.mark.parametrize("document", markdown_files(), ids=lambda path: path.name)
def test_every_relative_link_points_at_a_file_of_the_repository(document):
    missing = [
        target
        for target in LINK.findall(document.read_text(encoding="utf-8"))
        if "://" not in target
        and not target.startswith("mailto:")
        and not (document.parent / target).exists()
    ]
    assert not missing, f"{document.relative_to(PROJECT_ROOT)} links to missing files: {missing}"


def test_no_text_cites_a_design_document_the_repository_does_not_have():
    citing = [
        str(path.relative_to(PROJECT_ROOT))
        for path in tracked_files(*READ_BY_USERS)
        if path.suffix in {".md", ".sql", ".yml", ".py"}
        and re.search(r"\bDESIGN( section|'s|\.md)", path.read_text(encoding="utf-8"))
    ]
    assert not citing


def test_the_readme_lists_every_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    (commands,) = [action for action in parser._actions if action.dest == "command"]
    listed = []
    for name, sub in commands.choices.items():
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        subcommands = [f"{name} {child}" for action in nested for child in action.choices]
        listed += subcommands or [name]
    missing = [command for command in listed if f"`sales-targets {command}" not in readme]
    assert not missing, f"commands missing from the README's table: {missing}"
