"""The engine comparison's arithmetic and report (run: .venv/bin/pytest bench).

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import argparse

import bench_figures as bf
import engine_fit as ef
import engine_report as er
import pytest
from run import parse_engines, parse_phases

DUCK = ef.CostLine(fixed_seconds=5.0, per_line_seconds=100e-6)
SPARK = ef.CostLine(fixed_seconds=35.0, per_line_seconds=40e-6)


def test_one_scale_takes_the_measured_start_up_as_the_fixed_cost():
    line = ef.fit_cost_line([(30_000, 40.0)], startup_seconds=10.0)
    # (40 s - 10 s) / 30,000 lines = 0.001 s a line
    assert line == ef.CostLine(10.0, 0.001)


def test_two_scales_give_the_line_through_both():
    line = ef.fit_cost_line([(30_000, 20.0), (100_000, 34.0)], startup_seconds=99.0)
    # slope 14 s / 70,000 lines = 0.0002; intercept 20 - 0.0002 * 30,000 = 14
    assert line.per_line_seconds == pytest.approx(0.0002)
    assert line.fixed_seconds == pytest.approx(14.0)


def test_three_scales_are_fitted_by_least_squares():
    line = ef.fit_cost_line([(10_000, 12.0), (20_000, 13.0), (30_000, 17.0)], 0.0)
    # means 20,000 and 14; Sxy = (-10k)(-2) + 0 + (10k)(3) = 50,000; Sxx = 2e8
    # slope 50,000 / 2e8 = 0.00025; intercept 14 - 0.00025 * 20,000 = 9
    assert line.per_line_seconds == pytest.approx(0.00025)
    assert line.fixed_seconds == pytest.approx(9.0)
    with pytest.raises(ValueError):
        ef.fit_cost_line([], 1.0)


def test_a_lower_cost_per_line_crosses_over_above_the_scale_where_the_lines_meet():
    found = ef.crossover(DUCK, SPARK)
    # 30 s more fixed cost / 60 µs less per line = 500,000 lines
    assert found.kind == "above"
    assert found.lines == pytest.approx(500_000)
    # both take 55 s there: 5 + 50 and 35 + 20
    assert DUCK.seconds_at(500_000) == pytest.approx(55.0)
    assert SPARK.seconds_at(500_000) == pytest.approx(55.0)


def test_no_crossover_when_the_challenger_is_dearer_per_line_and_fixed():
    assert ef.crossover(DUCK, ef.CostLine(35.0, 400e-6)) == ef.Crossover("never")


def test_a_cheaper_start_but_dearer_line_is_faster_only_below_the_meeting_point():
    found = ef.crossover(DUCK, ef.CostLine(2.0, 160e-6))
    # 3 s less fixed cost / 60 µs more per line = 50,000 lines
    assert found.kind == "below"
    assert found.lines == pytest.approx(50_000)


def test_cheaper_on_both_counts_is_faster_at_every_scale():
    assert ef.crossover(DUCK, ef.CostLine(1.0, 50e-6)) == ef.Crossover("always")


def test_more_cores_divide_the_cost_per_line_only():
    spark = ef.CostLine(35.0, 400e-6)
    # 400 µs * 2 local cores / 16 cores = 50 µs; the fixed cost stays
    wide = ef.on_more_cores(spark, local_cores=2, cores=16)
    assert wide.fixed_seconds == 35.0
    assert wide.per_line_seconds == pytest.approx(50e-6)
    # 400 µs / 100 µs = 4 times DuckDB's per line: more than 2 * 4 = 8 cores are needed
    assert ef.cores_for_crossover(DUCK, spark, local_cores=2) == pytest.approx(8.0)
    # with 16 cores: 30 s / (100 - 50) µs = 600,000 lines
    assert ef.crossover(DUCK, wide).lines == pytest.approx(600_000)


def test_per_line_is_the_wall_above_start_up_per_order_line_in_microseconds():
    # (40 s - 10 s) / 30,000 lines = 1 ms = 1,000 µs
    assert ef.per_line_microseconds(40.0, 10.0, 30_000) == pytest.approx(1_000.0)


def _measured(lines: int, wall: float, startup: float, landing: float = 0.0) -> dict:
    return {
        "order_lines_per_quarter": lines,
        "build_wall_seconds": wall,
        "startup_seconds": startup,
        "landing_seconds": landing,
        "per_line_microseconds": ef.per_line_microseconds(wall, startup, lines),
    }


DETAILS = {
    # DuckDB: 8 s at 30k, 15 s at 100k -> 0.1 ms a line, 5 s fixed
    # Spark: 155 s at 30k, 435 s at 100k -> 4 ms a line, 35 s fixed
    "30k lines/q": {
        "engines": {
            "duckdb": _measured(30_000, 8.0, 4.0),
            "spark": {
                **_measured(30_000, 155, 30, 2),
                "load_before_after": {"start-up": (5.0, 6.0), "dbt build of 2026Q3": (6.1, 8.55)},
            },
        }
    },
    "100k lines/q": {
        "engines": {
            "duckdb": _measured(100_000, 15.0, 4.0),
            "spark": _measured(100_000, 435, 31, 5),
        }
    },
}
CONTEXT = {
    "started": "2026-11-27 10:00",
    "machine": "vm (x86_64, 2 CPUs)",
    "load_at_start": "1.00",
    "load_at_end": "2.00",
    "command": "python bench/run.py --phases engine",
    "engine_settings": "both",
}


def test_the_report_fits_each_engine_across_its_scales():
    fits = er.engine_fits(er.engine_points(DETAILS))
    assert fits["duckdb"].per_line_seconds == pytest.approx(100e-6)  # 7 s / 70,000
    assert fits["duckdb"].fixed_seconds == pytest.approx(5.0)  # 8 - 3
    assert fits["spark"].per_line_seconds == pytest.approx(4e-3)  # 280 s / 70,000
    assert fits["spark"].fixed_seconds == pytest.approx(35.0)  # 155 - 120


def test_the_report_says_there_is_no_crossover_here_and_projects_a_cluster():
    text = er.engines_section(DETAILS, CONTEXT)
    assert text.startswith("## Engines\n")
    # 125 s / 30k lines; 11 s / 100k lines
    assert "| 30k lines/q | spark | 2.0 s | 30.0 s | 155.0 s | 4,167 µs | 6.1 → 8.6 |" in text
    assert "| 100k lines/q | duckdb | — | 4.0 s | 15.0 s | 110 µs | — |" in text
    assert "**No crossover on one 2-core machine**" in text
    assert "slower at every scale" in text
    # 4,000 µs / 100 µs = 40: more than 2 * 40 = 80 executor cores
    assert "from 81 executor cores on" in text
    # 64 cores: 4 ms * 2 / 64 = 125 µs a line, still dearer than DuckDB's 100 µs
    assert "with 16 executor cores, Spark's build would be faster at no scale; with 64" in text
    assert text.endswith("with 64 executor cores, Spark's build would be faster at no scale.\n")
    assert "Assumption: Spark's per-line cost divides by its executor cores" in text


def test_the_report_names_the_crossover_scale_when_spark_is_cheaper_per_line():
    lines = er.crossover_lines({"duckdb": DUCK, "spark": SPARK}, largest=100_000)
    # 500,000 lines (see above) = 5.0x the largest scale
    assert lines[0] == (
        "On this machine, Spark's build would be faster than DuckDB's above about "
        "**500k order lines per quarter** (5.0× the largest scale measured)."
    )


def test_the_engines_section_is_replaced_or_put_before_the_notes():
    summary = "# Results\n\ntable\n\n## Engines\n\nold\n\n## Notes per figure\n\n- n\n"
    replaced = er.replace_section(summary, "## Engines\n\nnew\n")
    assert replaced == "# Results\n\ntable\n\n## Engines\n\nnew\n\n## Notes per figure\n\n- n\n"
    without = "# Results\n\ntable\n\n## Notes per figure\n\n- n\n"
    assert er.replace_section(without, "## Engines\n\nnew\n") == replaced
    at_end = "# Results\n\ntable\n\n## Engines\n\nold\n"
    assert (
        er.replace_section(at_end, "## Engines\n\nnew\n")
        == "# Results\n\ntable\n\n## Engines\n\nnew\n"
    )
    assert er.replace_section("# Results\n", "## Engines\n\nnew\n") == (
        "# Results\n\n## Engines\n\nnew\n"
    )


def test_engine_figures_show_their_engine_and_cost_per_line():
    figures = [
        bf.Figure("transformation", "30k lines/q", 9.0, "", "", engine="duckdb"),
        bf.Figure("engine build", "30k lines/q", 4166.67, "", "", engine="spark"),
        bf.Figure("engine build", "30k lines/q", 42.345, "", "", engine="duckdb"),
        bf.Figure("raw landing", "30k lines/q", 2.04, "", "", engine="spark"),
    ]
    bf.judge(figures, largest_scale="100k lines/q")  # the transformation goal: info here
    table = bf.markdown_table(figures)
    assert "| 30k lines/q | engine build | spark | 4,167 µs/line |" in table
    assert "| 30k lines/q | engine build | duckdb | 42.3 µs/line |" in table
    assert "| 30k lines/q | raw landing | spark | 2.0 s |" in table
    assert [f.verdict for f in figures] == ["info", "no goal", "no goal", "no goal"]


def test_engines_and_phases_are_read_from_the_command_line():
    assert parse_engines("spark,duckdb") == ["duckdb", "spark"]
    assert parse_phases("engine") == ["engine"]
    with pytest.raises(argparse.ArgumentTypeError):
        parse_engines("postgres")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_phases(",")


def test_the_engines_section_is_found_to_carry_over_a_pipeline_only_run():
    summary = "# Results\n\ntable\n\n## Engines\n\nold\n- a\n\n## Notes per figure\n\n- n\n"
    assert er.engines_section_of(summary) == "## Engines\n\nold\n- a\n"
    assert er.engines_section_of("# Results\n\ntable\n") is None
    fresh = "# Results\n\nnew table\n\n## Notes per figure\n\n- m\n"
    assert er.replace_section(fresh, er.engines_section_of(summary)) == (
        "# Results\n\nnew table\n\n## Engines\n\nold\n- a\n\n## Notes per figure\n\n- m\n"
    )
