"""The report asset: the HTML quarterly report, rendered from the published store."""

import dagster as dg

from orchestration.report.html import render_reports
from orchestration.settings import Settings
from orchestration.transform.assets import run_quarter_labels

REPORT_KEY = dg.AssetKey(["published", "quarterly_report"])
STORE_KEY = dg.AssetKey(["published", "reporting_store"])


def build_report_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=REPORT_KEY,
        deps=[STORE_KEY],
        group_name="publish",
        kinds={"html"},
        description="data/reports/: an index, one self-contained HTML page per quarter and "
        "one per rep and per group of each quarter, read from reporting.duckdb only.",
    )
    def quarterly_report(
        context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
    ) -> dg.MaterializeResult:
        # pages of the quarters this run rebuilt (all of them outside a partitioned run);
        # the index always lists every published quarter
        quarters = run_quarter_labels(context.run.tags, settings) or None
        paths = render_reports(settings, quarters=quarters)
        quarter_pages = [path for path in paths[1:] if path.parent == settings.reports_dir]
        context.log.info(
            f"report: {paths[0]} ({len(quarter_pages)} quarters, "
            f"{len(paths) - 1 - len(quarter_pages)} rep and group pages)"
        )
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(paths[0])),
                "pages": len(paths),
            }
        )

    return quarterly_report
