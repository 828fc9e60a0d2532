"""What a rep's or a group's own page shows, gathered for a whole quarter at once.

Most of it is in the quarter's `QuarterReport` already (rankings, weekly series, warnings,
incentives); the one more read is each team node's latest week, for its pace and what it
still needs per day. Nothing here reads per node: ~50 pages a quarter cost two queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from orchestration.report.quarter_data import ProgressSeries, QuarterReport
from orchestration.report.store import PublishedStore

REP = "rep"
GROUP = "group"


def team_kind(node_id: str) -> str | None:
    """`rep` for `team/<tier>/<group_id>/<rep_id>`, `group` for `team/<tier>/<group_id>`,
    None for any other node (regions, the total, other dimensions)."""
    parts = node_id.split("/")
    if parts[0] != "team" or not all(parts):
        return None
    return {3: GROUP, 4: REP}.get(len(parts))


@dataclass
class TeamPage:
    """One rep's or group's quarter: its row of rpt_team_performance and what hangs off it."""

    quarter: str
    node_id: str
    kind: str  # REP or GROUP
    name: str
    target: Decimal | None
    actual: Decimal | None
    completion: float | None
    rank: int | None
    ranked_among: int  # reps (or groups) ranked in the quarter
    as_of_date: date | None
    latest: dict[str, Any] | None  # its last reported week of rpt_progress_weekly (revenue)
    series: ProgressSeries | None
    warnings: list[dict[str, Any]] | None  # newest first; None when not published
    incentives: dict[str, Any] | None  # a rep's row of rpt_incentives
    group: TeamPage | None = None  # a rep's group
    reps: list[TeamPage] = field(default_factory=list)  # a group's reps, best first

    @property
    def own_id(self) -> str:
        """The rep id or group id: the node id's last part."""
        return self.node_id.rsplit("/", 1)[-1]


def _latest_team_weeks(store: PublishedStore, quarter: str) -> dict[str, dict[str, Any]]:
    """node_id -> the team node's revenue row of its last reported week."""
    return {
        row["node_id"]: row
        for row in store.rows(
            "select * from rpt_progress_weekly where quarter = ? and metric = 'revenue' "
            "and starts_with(node_id, 'team/') qualify row_number() over "
            "(partition by node_id order by week_start desc) = 1",
            [quarter],
        )
    }


def load_team_pages(store: PublishedStore, report: QuarterReport) -> list[TeamPage]:
    """A page for every group and rep of the quarter's rankings, groups first, by rank."""
    if report.team is None:
        return []
    latest = {} if report.progress is None else _latest_team_weeks(store, report.quarter)
    series = {s.node_id: s for s in report.progress or [] if s.metric == "revenue"}
    warnings: dict[str, list[dict[str, Any]]] = {}
    for row in report.warnings or []:
        warnings.setdefault(row["node_id"], []).append(row)
    incentive_rows = report.later.get("rpt_incentives") or []
    incentives = {row["rep_id"]: row for row in incentive_rows if "rep_id" in row}
    rows = [row for row in report.team if team_kind(row["node_id"])]
    ranked = Counter(team_kind(row["node_id"]) for row in rows)
    pages: dict[str, TeamPage] = {}
    for row in rows:
        node_id = row["node_id"]
        kind = team_kind(node_id)
        pages[node_id] = TeamPage(
            quarter=report.quarter,
            node_id=node_id,
            kind=kind,
            name=row["node_name"] or node_id,
            target=row["target_value"],
            actual=row["actual_value"],
            completion=row["completion"],
            rank=row["rank_in_level"],
            ranked_among=ranked[kind],
            as_of_date=row.get("as_of_date") or report.headline.as_of_date,
            latest=latest.get(node_id),
            series=series.get(node_id),
            warnings=None if report.warnings is None else warnings.get(node_id, []),
            incentives=incentives.get(node_id.rsplit("/", 1)[-1]) if kind == REP else None,
        )
    for page in pages.values():
        if page.kind == REP:
            page.group = pages.get(page.node_id.rsplit("/", 1)[0])
            if page.group is not None:
                page.group.reps.append(page)
    for page in pages.values():
        page.reps.sort(key=_by_rank)
    return sorted(pages.values(), key=lambda p: (p.kind != GROUP, *_by_rank(p)))


def _by_rank(page: TeamPage) -> tuple:
    return (page.rank is None, page.rank or 0, page.node_id)
