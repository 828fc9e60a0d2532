"""`sales-targets status` and `sales-targets report` against a hand-written published store."""

from __future__ import annotations

import argparse
import re

import pytest

from orchestration.report.cli import register_report_commands
from orchestration.report.terminal import completion_bar
from tests.conftest import settings_in
from tests.report.report_store import QUARTER

ANSI = re.compile(r"\033\[[0-9;]*m")


def run(settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="sales-targets")
    register_report_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(settings, args)


def test_status_prints_the_tree_with_the_stores_numbers(fixture_settings, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)

    assert run(fixture_settings, "status") == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"Sales targets {QUARTER}  as of 2026-07-19, 50 working days left"
    assert "target 12,000,000  actual 2,492,308 (20.8%)  expected 2,769,231" in out
    total = next(line for line in lines if line.startswith("Total "))
    assert total.split()[1:4] == ["12,000,000", "2,492,308", "20.8%"]
    assert total.endswith(" ok")
    tier2 = next(line for line in lines if line.strip().startswith("Tier-2 cities"))
    assert tier2.split()[2:5] == ["3,000,000", "346,154", "11.5%"] and tier2.endswith("RED")
    new_customers = next(line for line in lines if "New customers" in line)
    assert new_customers.endswith("amber")
    assert "Tier-1 Star Group" not in out  # --level region is the default
    assert not ANSI.search(out)  # captured output is not a terminal: no colour
    assert max(len(line) for line in lines) <= 80


def test_status_level_rep_goes_down_to_reps(fixture_settings, capsys):
    assert run(fixture_settings, "status", "--quarter", "2026q3", "--level", "rep") == 0

    out = capsys.readouterr().out
    rep = next(line for line in out.splitlines() if "Wei Zhang" in line)
    assert rep.startswith("      Wei Zhang")  # indented under region and group
    assert rep.split()[2:5] == ["1,680,000", "465,231", "27.7%"]


def test_status_colours_a_terminal_unless_no_color(fixture_settings, capsys, monkeypatch):
    import sys

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert run(fixture_settings, "status") == 0
    coloured = capsys.readouterr().out
    assert "\033[1;31mRED\033[0m" in coloured
    assert max(len(ANSI.sub("", line)) for line in coloured.splitlines()) <= 80

    monkeypatch.setenv("NO_COLOR", "1")
    assert run(fixture_settings, "status") == 0
    assert not ANSI.search(capsys.readouterr().out)


def test_status_without_a_store_says_run_make_demo(tmp_path, capsys):
    settings = settings_in(tmp_path)

    assert run(settings, "status") == 2

    err = capsys.readouterr().err
    assert str(settings.reporting_path) in err and "run `make demo`" in err


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2025Q1", "quarter 2025Q1 is not in the reporting store"),
        ("2026Q5", f"is not a quarter: write it as YYYYQn, e.g. 2026Q3; published: {QUARTER}"),
    ],
)
def test_unknown_quarters_are_refused(fixture_settings, capsys, quarter, message):
    assert run(fixture_settings, "status", "--quarter", quarter) == 2
    assert message in capsys.readouterr().err
    assert run(fixture_settings, "report", "--quarter", quarter) == 2
    assert message in capsys.readouterr().err


def test_report_regenerates_the_html(fixture_settings, capsys):
    assert run(fixture_settings, "report") == 0

    out = capsys.readouterr().out
    index = fixture_settings.reports_dir / "index.html"
    page = fixture_settings.reports_dir / f"{QUARTER}.html"
    assert out.splitlines()[-1] == f"report: {index}"
    assert 'data-headline="quarter_target" data-value="12000000' in page.read_text()

    assert run(fixture_settings, "report", "--quarter", QUARTER) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"report: {page}"


def test_the_pace_marker_sits_between_cells_and_never_hides_the_fill():
    # 54.8% and 69.4% with the pace at 60%: 7 and 8 filled cells of 12, the marker after
    # the 7th; drawn over a cell, both bars would read the same
    behind, ahead = completion_bar(0.548, 0.6, True), completion_bar(0.694, 0.6, True)
    assert behind == "\u2588" * 7 + "|" + "\u2591" * 5
    assert ahead == "\u2588" * 7 + "|" + "\u2588" + "\u2591" * 4
    # a quarter that is over has no pace marker: the column keeps its width
    assert completion_bar(0.5, None, False) == "######......" + " "
    assert len({len(completion_bar(c, e, True)) for c in (0, 0.5, 1.3) for e in (0, 0.6, 1)}) == 1
