"""A Data Docs index that reads offline.

great-expectations' own `index.html` builds its lists with JavaScript loaded from CDNs,
so offline (and on a machine that blocks them) it is blank. This page lists the same
suites and validation results as plain HTML with its own small stylesheet; each row links
to GX's page for the suite and for the validation (static HTML, readable offline), and
GX's index stays beside it as `gx-index.html`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

GX_INDEX = "gx-index.html"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem;
       color: #1d2330; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #dde1e8; }
th { background: #f3f5f8; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: #176b2c; font-weight: 600; } .failed { color: #a11b1b; font-weight: 600; }
"""


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    evaluated: int
    successful: int
    success: bool


def _link(site: Path, page: Path | None, text: str) -> str:
    if page is None or not page.exists():
        return html.escape(text)
    return f'<a href="{html.escape(page.relative_to(site).as_posix())}">{html.escape(text)}</a>'


def _validation_page(site: Path, suite: str) -> Path | None:
    pages = sorted((site / "validations" / suite).rglob("*.html"))
    return pages[-1] if pages else None  # the newest run (folders are timestamps)


def write_offline_index(site: Path, results: list[SuiteResult], validated_at: datetime) -> Path:
    """Keep GX's index as `gx-index.html` and write the offline `index.html`."""
    index = site / "index.html"
    if index.exists():
        index.replace(site / GX_INDEX)
    passed = sum(result.success for result in results)
    rows = "\n".join(
        "<tr>"
        f"<td>{_link(site, site / 'expectations' / f'{result.suite}.html', result.suite)}</td>"
        f'<td class="number">{result.evaluated}</td>'
        f'<td class="number">{result.evaluated - result.successful}</td>'
        f'<td class="{"passed" if result.success else "failed"}">'
        f"{'passed' if result.success else 'FAILED'}</td>"
        f"<td>{_link(site, _validation_page(site, result.suite), 'validation result')}</td>"
        "</tr>"
        for result in sorted(results, key=lambda result: result.suite)
    )
    index.write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Data Docs: the published tables' checks</title><style>{STYLE}</style></head>
<body>
<h1>Checks of the published tables</h1>
<p>great-expectations validated {len(results)} tables of the reporting store on
{validated_at:%Y-%m-%d %H:%M} UTC: {passed} passed, {len(results) - passed} failed.
Each suite lists its expectations; each validation result shows what was found.</p>
<table>
<thead><tr><th>table (expectation suite)</th><th>expectations</th><th>failed</th>
<th>result</th><th>details</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p><a href="{GX_INDEX}">great-expectations' own index</a> (its lists need internet access
for their scripts).</p>
</body></html>
""",
        encoding="utf-8",
    )
    return index
