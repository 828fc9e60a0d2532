"""The "Engines" section of latest.md and results/summary.md: each engine's measured
start-up, build and cost per line, the line fitted through them, and the projected
crossover scale (engine_fit.py does the arithmetic)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from engine_fit import (
    CostLine,
    Crossover,
    cores_for_crossover,
    crossover,
    fit_cost_line,
    on_more_cores,
)

HEADING = "## Engines"
# the spark profile's master is local[2]: the cores Spark's measured per-line cost used
LOCAL_SPARK_CORES = 2
CLUSTER_CORES = (16, 64)  # executor cores the cluster projection is given for


def engine_points(details: Mapping[str, Mapping[str, object]]) -> dict[str, list[dict]]:
    """Each engine's measurements, one per scale, smallest scale first."""
    points: dict[str, list[dict]] = {}
    for scale, detail in details.items():
        for engine, measured in (detail.get("engines") or {}).items():
            points.setdefault(engine, []).append({"scale": scale, **measured})
    for rows in points.values():
        rows.sort(key=lambda row: row["order_lines_per_quarter"])
    return points


def engine_fits(points: Mapping[str, list[dict]]) -> dict[str, CostLine]:
    """A cost line per engine (with one scale, its start-up is the fixed cost)."""
    return {
        engine: fit_cost_line(
            [(row["order_lines_per_quarter"], row["build_wall_seconds"]) for row in rows],
            startup_seconds=rows[-1]["startup_seconds"],
        )
        for engine, rows in points.items()
        if rows
    }


def build_load(measured: Mapping[str, object]) -> str:
    """The 1-minute load average before and after the build, e.g. "6.1 → 8.6"."""
    for step, (before, after) in (measured.get("load_before_after") or {}).items():
        if step.startswith("dbt build"):
            return f"{before:.1f} → {after:.1f}"
    return "—"


def lines_text(lines: float) -> str:
    if lines >= 1e9:
        return f"{lines / 1e9:,.1f} billion"
    if lines >= 1e6:
        return f"{lines / 1e6:,.1f}M"
    if lines >= 1e3:
        return f"{lines / 1e3:,.0f}k"
    return f"{lines:,.0f}"


def line_text(line: CostLine) -> str:
    return f"{line.fixed_seconds:,.1f} s + {line.per_line_seconds * 1e6:,.2f} µs × lines"


def _beyond(lines: float, largest: int) -> str:
    return f"{lines / largest:,.1f}× the largest scale measured" if largest else ""


def crossover_sentence(found: Crossover, largest: int, where: str) -> str:
    """What a crossover of Spark (challenger) over DuckDB (incumbent) means, in a sentence."""
    if found.kind == "above":
        return (
            f"{where}, Spark's build would be faster than DuckDB's above about "
            f"**{lines_text(found.lines)} order lines per quarter** "
            f"({_beyond(found.lines, largest)})."
        )
    if found.kind == "always":
        return f"{where}, Spark's build would be faster than DuckDB's at every scale."
    if found.kind == "below":
        return (
            f"{where}, Spark's build would be faster only below about "
            f"{lines_text(found.lines)} order lines per quarter, and slower above."
        )
    return f"{where}, Spark's build would be faster at no scale."


def crossover_lines(fits: Mapping[str, CostLine], largest: int) -> list[str]:
    """The crossover paragraph (and the cluster projection), as Markdown lines."""
    duck, spark = fits.get("duckdb"), fits.get("spark")
    if duck is None or spark is None:
        return ["No crossover: the engine phase measured only " + ", ".join(fits) + "."]
    if duck.per_line_seconds <= 0 or spark.per_line_seconds <= 0:
        return [
            "No crossover projected: a fitted per-line cost is not positive (DuckDB "
            f"{duck.per_line_seconds * 1e6:.2f} µs, Spark {spark.per_line_seconds * 1e6:.2f} µs"
            "), so the build time did not grow with the scale beyond the noise of this "
            "machine; measure scales further apart."
        ]
    here = crossover(duck, spark)
    out = []
    if spark.per_line_seconds >= duck.per_line_seconds:
        costs = (
            f"Spark's fitted cost per order line ({spark.per_line_seconds * 1e6:,.2f} µs) is not "
            f"lower than DuckDB's ({duck.per_line_seconds * 1e6:,.2f} µs)"
        )
        if here.kind == "always":
            verdict = "but its fixed cost is lower, so Spark's build is faster at every scale"
        elif here.kind == "below":
            verdict = (
                f"its fixed cost is lower, so Spark's build is faster only below about "
                f"{lines_text(here.lines)} order lines per quarter and slower above"
            )
        else:
            verdict = (
                f"nor is its fixed cost ({spark.fixed_seconds:,.1f} s against "
                f"{duck.fixed_seconds:,.1f} s), so Spark's build is slower at every scale"
            )
        out.append(f"**No crossover on one {LOCAL_SPARK_CORES}-core machine**: {costs}; {verdict}.")
    else:
        out.append(crossover_sentence(here, largest, "On this machine"))
    needed = cores_for_crossover(duck, spark, LOCAL_SPARK_CORES)
    projections = []
    for cores in CLUSTER_CORES:
        found = crossover(duck, on_more_cores(spark, LOCAL_SPARK_CORES, cores))
        sentence = crossover_sentence(found, largest, f"with {cores} executor cores")
        projections.append(sentence.removesuffix("."))
    out += [
        "",
        f"Cluster projection. Assumption: Spark's per-line cost divides by its executor "
        f"cores relative to the {LOCAL_SPARK_CORES} local cores it was measured on "
        f"(`local[{LOCAL_SPARK_CORES}]`), its fixed cost stays as fitted here (a cluster's "
        "own start-up, scheduling and shuffles over the network would add to both of "
        "Spark's costs), and "
        "DuckDB stays bounded by one machine like this one (its line unchanged). Under it "
        + (
            f"Spark's per-line cost falls below DuckDB's from {math.floor(needed) + 1} "
            "executor cores on; "
            if math.isfinite(needed)
            else ""
        )
        + "; ".join(projections)
        + ".",
    ]
    return out


def engines_section(details: Mapping[str, Mapping[str, object]], context: Mapping) -> str:
    """The "Engines" section: measurements, fitted lines, crossover; '' without any."""
    points = engine_points(details)
    if not points:
        return ""
    fits = engine_fits(points)
    largest = max(row["order_lines_per_quarter"] for rows in points.values() for row in rows)
    scales = {row["scale"] for rows in points.values() for row in rows}
    lines = [
        HEADING,
        "",
        f"- run: {context['started']} on {context['machine']}; load average at start "
        f"{context['load_at_start']}, at end {context['load_at_end']}",
        f"- command: `{context['command']}`",
        f"- engines: {context.get('engine_settings', '')}",
        "- each engine builds the whole project (`dbt build --full-refresh`, seeds to "
        "reporting and their data tests) for 2026Q3 from empty, on the raw tables of the "
        "scale's full rebuild; start-up is `dbt run-operation register_raw_tables` on the "
        "same target (dbt start-up and parse, the connection; on Spark also the JVM, the "
        "Spark session, a new metastore and the raw tables declared); per line = (build "
        "wall − start-up) ÷ order lines per quarter (bench/README.md)",
        "",
        "| scale | engine | raw landing | start-up | build wall | per line | load during build |",
        "|---|---|---|---|---|---|---|",
    ]
    for engine, rows in points.items():
        for row in rows:
            landing = f"{row['landing_seconds']:.1f} s" if engine == "spark" else "—"
            lines.append(
                f"| {row['scale']} | {engine} | {landing} | {row['startup_seconds']:.1f} s | "
                f"{row['build_wall_seconds']:.1f} s | {row['per_line_microseconds']:,.0f} µs | "
                f"{build_load(row)} |"
            )
    how = (
        f"least squares over {len(scales)} scales"
        if len(scales) > 1
        else "one scale: the measured start-up is the fixed cost"
    )
    lines += ["", f"Fitted build time per engine ({how}; lines = order lines per quarter):", ""]
    lines += [f"- {engine}: {line_text(line)}" for engine, line in fits.items()]
    if len(scales) > 1:
        lines.append(
            "- the fitted fixed cost is more than the measured start-up: it also holds what "
            "does not grow with the data, e.g. each model's and test's own overhead"
        )
    lines += ["", *crossover_lines(fits, largest)]
    return "\n".join(lines) + "\n"


def engines_json(details: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """The fitted lines and crossovers, for the JSON results."""
    points = engine_points(details)
    fits = engine_fits(points)
    result: dict[str, object] = {
        "fits": {
            engine: {
                "fixed_seconds": line.fixed_seconds,
                "per_line_microseconds": line.per_line_seconds * 1e6,
            }
            for engine, line in fits.items()
        }
    }
    if "duckdb" in fits and "spark" in fits:
        duck, spark = fits["duckdb"], fits["spark"]
        result["crossover_here"] = vars(crossover(duck, spark))
        result["cores_for_crossover"] = cores_for_crossover(duck, spark, LOCAL_SPARK_CORES)
        result["crossover_on_cores"] = {
            cores: vars(crossover(duck, on_more_cores(spark, LOCAL_SPARK_CORES, cores)))
            for cores in CLUSTER_CORES
        }
    return result


def engines_section_of(text: str) -> str | None:
    """The "## Engines" section of `text` (to the next "## " heading), if it has one."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\n") == HEADING]
    if not starts:
        return None
    end = next(
        (i for i in range(starts[0] + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
    )
    return "".join(lines[starts[0] : end]).rstrip("\n") + "\n"


def replace_section(text: str, section: str, before: str = "## Notes per figure") -> str:
    """`text` with its "## Engines" section (to the next "## " heading) replaced by
    `section`; without one, `section` goes before the `before` heading, else at the end."""
    lines = text.splitlines(keepends=True)
    new = section if section.endswith("\n") else section + "\n"
    starts = [i for i, line in enumerate(lines) if line.rstrip("\n") == HEADING]
    if starts:
        start = starts[0]
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = lines[end:]
        return "".join(lines[:start]) + new + ("\n" if tail else "") + "".join(tail)
    at = next((i for i, line in enumerate(lines) if line.rstrip("\n") == before), None)
    if at is None:
        head = "".join(lines)
        return head + ("" if head.endswith("\n\n") or not head else "\n") + new
    return "".join(lines[:at]) + new + "\n" + "".join(lines[at:])
