"""The report's page shell: its inline stylesheet (screen and print) and its one small script."""

from __future__ import annotations

from html import escape

STYLE = """
:root { --ink:#1a1a1a; --muted:#595959; --line:#d9d9d9; --panel:#f7f7f7;
  --blue:#0072B2; --green:#009E73; --orange:#E69F00; --vermillion:#D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  color: var(--ink); background: #fff; }
header.page { background: #10324a; color: #fff; padding: 14px 28px; display: flex;
  align-items: baseline; gap: 18px; flex-wrap: wrap; }
header.page h1 { margin: 0; font-size: 22px; }
header.page a { color: #cfe8ff; }
header.page .meta { color: #d6e4ee; font-size: 13px; }
nav.quarters a { margin-right: 10px; }
main { padding: 10px 28px 40px; max-width: 1180px; }
section { margin: 26px 0; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.headline { display: grid; grid-template-columns: repeat(4, minmax(150px, 1fr)); gap: 12px;
  margin: 0; }
.headline div { background: var(--panel); border-left: 5px solid var(--blue); padding: 10px 14px; }
.headline dt { color: var(--muted); font-size: 13px; }
.headline dd { margin: 2px 0 0; font-size: 24px; font-weight: bold; font-variant-numeric:
  tabular-nums; }
.headline dd small { display: block; font-size: 12px; font-weight: normal; color: var(--muted); }
.unavailable { color: var(--muted); font-style: italic; background: var(--panel);
  padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.flag { font-weight: bold; white-space: nowrap; padding: 1px 6px; border-radius: 3px; }
.flag.red { background: var(--vermillion); color: #fff; }
.flag.amber { background: var(--orange); color: #000; }
.flag.on_track { background: var(--green); color: #fff; }
.flag.none { color: var(--muted); font-weight: normal; }
.tree { border-top: 1px solid var(--line); }
.tree details > summary { list-style: none; cursor: pointer; }
.tree details > summary::-webkit-details-marker { display: none; }
.tree .row { display: grid; grid-template-columns: minmax(220px, 1fr) 130px 130px 170px 110px;
  gap: 8px; padding: 5px 6px; border-bottom: 1px solid var(--line); align-items: center; }
.tree .row > span.num { text-align: right; font-variant-numeric: tabular-nums; }
.tree .row.head { font-weight: bold; background: var(--panel); }
.tree summary .name::before { content: "\\25B8"; display: inline-block; width: 1.1em;
  color: var(--muted); }
.tree details[open] > summary .name::before { content: "\\25BE"; }
.tree .leaf .name::before { content: ""; display: inline-block; width: 1.1em; }
.tree .children { margin-left: 22px; }
.tree .dimension > summary .row { background: #eef4f8; font-weight: bold; }
.tree .metric-note { color: var(--muted); font-size: 12px; }
.tree .revised { color: var(--muted); font-size: 12px; display: block; }
.not-measured { color: var(--muted); font-style: italic; }
.not-measured-list { color: var(--muted); }
.meter { display: inline-block; width: 70px; height: 10px; background: #e6e6e6;
  vertical-align: middle; margin-right: 6px; position: relative; }
.meter > i { display: block; height: 100%; background: var(--blue); }
figure { margin: 10px 0 18px; }
figcaption { color: var(--muted); font-size: 13px; }
svg.chart { max-width: 900px; display: block; }
svg.chart text { font: 12px "DejaVu Sans", "Liberation Sans", Arial, sans-serif; fill: #1a1a1a; }
svg.chart text.axis, svg.chart text.note { fill: #595959; font-size: 11px; }
svg.chart text.value { font-variant-numeric: tabular-nums; }
svg.chart a text.label { fill: var(--blue); text-decoration: underline; }
.picker { margin: 6px 0; }
.picker select { font-size: 14px; padding: 3px; max-width: 100%; }
.node-chart[hidden] { display: none; }
.week-warnings > summary { cursor: pointer; font-weight: bold; padding: 4px 0; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.full-table > summary { cursor: pointer; font-weight: bold; padding: 6px 0; color: var(--blue); }
.findings { padding-left: 24px; }
.findings li { margin: 3px 0; }
.findings .section-name { color: var(--muted); font-size: 13px; text-transform: uppercase; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
.cards a { display: block; background: var(--panel); padding: 12px; border-left: 5px solid
  var(--blue); color: var(--ink); text-decoration: none; }
.cards a strong { font-size: 18px; }
.legend-note { color: var(--muted); font-size: 13px; }
@media (max-width: 760px) {
  .headline { grid-template-columns: repeat(2, 1fr); }
  .tree .row { grid-template-columns: minmax(140px, 1fr) 95px 95px 110px 80px; font-size: 13px; }
}
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 11pt; }
  header.page { background: none; color: #000; border-bottom: 2px solid #000; padding: 0 0 6px; }
  header.page a, nav.quarters, .picker, .no-print { display: none; }
  header.page .meta { color: #000; }
  main { padding: 0; max-width: none; }
  section { break-inside: avoid-page; }
  h2 { break-after: avoid; }
  figure, tr, .row { break-inside: avoid; }
  .tree details > .children { display: block; }
  .flag { border: 1px solid #000; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Switches the node progress chart (all are pre-rendered; only one is shown at a time).
SCRIPT = """
(function () {
  var picker = document.getElementById("node-picker");
  if (!picker) { return; }
  function show(key) {
    var charts = document.querySelectorAll(".node-chart");
    for (var i = 0; i < charts.length; i++) {
      charts[i].hidden = charts[i].getAttribute("data-key") !== key;
    }
  }
  picker.addEventListener("change", function () { show(picker.value); });
  var links = document.querySelectorAll("a[data-show-chart]");
  for (var j = 0; j < links.length; j++) {
    links[j].addEventListener("click", function (event) {
      var key = event.currentTarget.getAttribute("data-show-chart");
      picker.value = key;
      show(key);
    });
  }
  show(picker.value);
})();
// closed <details> would print empty: open the tree and the warnings for paper (the full
// tables stay closed: the findings above them are the printed summary)
window.addEventListener("beforeprint", function () {
  var all = document.querySelectorAll("details:not(.full-table)");
  for (var i = 0; i < all.length; i++) { all[i].open = true; }
});
"""


def page(title: str, header: str, body: str, script: bool = False) -> str:
    """A whole self-contained page: styles (and the script) inline, nothing from the network."""
    code = f"<script>{SCRIPT}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # no request may leave the page: not even a favicon lookup
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f'<body><header class="page">{header}</header><main>{body}</main>{code}</body></html>\n'
    )
