"""The demo sales organisation: regions, groups, reps and their moves. FIXED on purpose.

The demo plan (seeds/) is written against these ids, so change them only together with
the plan. Everything here is plain data plus small pure helpers; nothing is random.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Region:
    region_id: str
    region_name: str
    tier: str


@dataclass(frozen=True)
class Group:
    group_id: str
    group_name: str
    region_id: str
    group_kind: str  # star | normal | newcomer | new_product_squad
    lead_rep_id: str


@dataclass(frozen=True)
class Rep:
    rep_id: str
    rep_name: str  # "Given Surname"; the email is given.surname@example.com
    role: str  # sales | top_sales | newcomer | customer_success | channel_manager
    home_group_id: str  # the group the rep was hired into
    hire_date: date
    monthly_salary: int  # CNY

    @property
    def email(self) -> str:
        return self.rep_name.lower().replace(" ", ".") + "@example.com"


@dataclass(frozen=True)
class RepMove:
    """A rep changes group on `effective` (the old assignment ends that day, exclusive)."""

    rep_id: str
    to_group_id: str
    effective: date


REGIONS: tuple[Region, ...] = (
    Region("tier1", "Tier-1 cities", "tier1"),
    Region("tier2", "Tier-2 cities", "tier2"),
    Region("tier3_4", "Tier-3/4 cities", "tier3_4"),
    Region("channel", "Channel", "channel"),
)

GROUPS: tuple[Group, ...] = (
    Group("g-star-01", "Tier-1 Star Group", "tier1", "star", "rep-001"),
    Group("g-t1-normal-01", "Tier-1 Group 1", "tier1", "normal", "rep-006"),
    Group("g-np-squad-01", "New-Product Squad", "tier1", "new_product_squad", "rep-011"),
    Group("g-t2-normal-01", "Tier-2 Group 1", "tier2", "normal", "rep-015"),
    Group("g-t2-normal-02", "Tier-2 Group 2", "tier2", "normal", "rep-020"),
    Group("g-t34-newcomer-01", "Tier-3/4 Newcomer Group", "tier3_4", "newcomer", "rep-025"),
    Group("g-t34-normal-01", "Tier-3/4 Group 1", "tier3_4", "normal", "rep-030"),
    Group("g-channel-01", "Channel Group", "channel", "normal", "rep-035"),
)

REPS: tuple[Rep, ...] = (
    # Tier-1 star group
    Rep("rep-001", "Wei Zhang", "top_sales", "g-star-01", date(2017, 3, 6), 30_000),
    Rep("rep-002", "Fang Li", "top_sales", "g-star-01", date(2018, 9, 3), 27_000),
    Rep("rep-003", "Jun Wang", "top_sales", "g-star-01", date(2019, 4, 15), 25_500),
    Rep("rep-004", "Min Liu", "sales", "g-star-01", date(2021, 7, 12), 18_500),
    Rep("rep-005", "Yan Chen", "customer_success", "g-star-01", date(2020, 2, 17), 15_000),
    # Tier-1 normal group
    Rep("rep-006", "Lei Yang", "sales", "g-t1-normal-01", date(2018, 5, 21), 19_500),
    Rep("rep-007", "Jing Huang", "sales", "g-t1-normal-01", date(2020, 10, 12), 16_500),
    Rep("rep-008", "Tao Zhao", "top_sales", "g-t1-normal-01", date(2019, 1, 7), 24_000),
    Rep("rep-009", "Xiu Wu", "sales", "g-t1-normal-01", date(2022, 3, 14), 15_000),
    Rep("rep-010", "Hui Zhou", "customer_success", "g-t1-normal-01", date(2021, 6, 1), 14_000),
    # New-product squad
    Rep("rep-011", "Qiang Xu", "top_sales", "g-np-squad-01", date(2018, 11, 5), 26_000),
    Rep("rep-012", "Na Sun", "sales", "g-np-squad-01", date(2021, 9, 6), 17_000),
    Rep("rep-013", "Bo Ma", "sales", "g-np-squad-01", date(2022, 8, 22), 15_500),
    Rep("rep-014", "Ling Zhu", "sales", "g-np-squad-01", date(2023, 2, 13), 14_500),
    # Tier-2 group 1
    Rep("rep-015", "Gang Hu", "sales", "g-t2-normal-01", date(2017, 8, 28), 18_000),
    Rep("rep-016", "Mei Guo", "sales", "g-t2-normal-01", date(2020, 5, 11), 15_500),
    Rep("rep-017", "Ping He", "top_sales", "g-t2-normal-01", date(2019, 12, 2), 22_500),
    Rep("rep-018", "Xin Lin", "sales", "g-t2-normal-01", date(2022, 4, 18), 13_500),
    Rep("rep-019", "Yun Gao", "customer_success", "g-t2-normal-01", date(2021, 10, 25), 12_500),
    # Tier-2 group 2 (falls behind every quarter)
    Rep("rep-020", "Hao Luo", "sales", "g-t2-normal-02", date(2018, 6, 4), 17_500),
    Rep("rep-021", "Li Zheng", "sales", "g-t2-normal-02", date(2021, 1, 18), 14_500),
    Rep("rep-022", "Kai Liang", "sales", "g-t2-normal-02", date(2022, 9, 5), 13_000),
    Rep("rep-023", "Rui Xie", "sales", "g-t2-normal-02", date(2023, 5, 8), 12_500),
    Rep("rep-024", "Dan Song", "newcomer", "g-t2-normal-02", date(2024, 3, 4), 9_000),
    # Tier-3/4 newcomer group (falls behind every quarter)
    Rep("rep-025", "Ming Tang", "sales", "g-t34-newcomer-01", date(2019, 7, 1), 16_000),
    Rep("rep-026", "Ting Han", "newcomer", "g-t34-newcomer-01", date(2024, 1, 8), 8_500),
    Rep("rep-027", "Peng Feng", "newcomer", "g-t34-newcomer-01", date(2024, 2, 19), 8_000),
    Rep("rep-028", "Yu Deng", "newcomer", "g-t34-newcomer-01", date(2024, 4, 1), 8_000),
    Rep("rep-029", "Xue Cao", "newcomer", "g-t34-newcomer-01", date(2024, 5, 13), 8_500),
    # Tier-3/4 normal group
    Rep("rep-030", "Jian Peng", "top_sales", "g-t34-normal-01", date(2016, 10, 10), 23_000),
    Rep("rep-031", "Hong Zeng", "sales", "g-t34-normal-01", date(2019, 3, 25), 14_500),
    Rep("rep-032", "Bin Xiao", "sales", "g-t34-normal-01", date(2020, 8, 17), 13_500),
    Rep("rep-033", "Juan Tian", "sales", "g-t34-normal-01", date(2022, 11, 7), 12_000),
    Rep("rep-034", "Chao Dong", "customer_success", "g-t34-normal-01", date(2021, 4, 12), 12_000),
    # Channel group
    Rep("rep-035", "Yong Pan", "channel_manager", "g-channel-01", date(2016, 4, 18), 22_000),
    Rep("rep-036", "Lan Yuan", "channel_manager", "g-channel-01", date(2018, 2, 26), 19_000),
    Rep("rep-037", "Feng Cai", "channel_manager", "g-channel-01", date(2019, 9, 9), 18_000),
    Rep("rep-038", "Qing Jiang", "channel_manager", "g-channel-01", date(2020, 12, 14), 17_000),
    Rep("rep-039", "Hua Yu", "channel_manager", "g-channel-01", date(2022, 6, 27), 16_000),
    Rep("rep-040", "Zhen Du", "channel_manager", "g-channel-01", date(2023, 8, 21), 15_000),
)

# Mid-quarter moves, always inside one region so a rep's customers keep their region.
REP_MOVES: tuple[RepMove, ...] = (
    RepMove("rep-008", "g-star-01", date(2025, 5, 12)),  # 2025Q2: promoted into the star group
    RepMove("rep-031", "g-t34-newcomer-01", date(2026, 8, 17)),  # 2026Q3: coaches newcomers
)

# Groups that fall behind: they sell at this fraction of their planned pace per rep from
# week 3 of every quarter, so the weekly warnings fire for them.
LAGGING_GROUPS: dict[str, float] = {"g-t2-normal-02": 0.6, "g-t34-newcomer-01": 0.7}

# Share of total revenue each region brings at full pace (the handbook's split).
REGION_REVENUE_SHARES: dict[str, float] = {
    "tier1": 0.35,
    "tier2": 0.25,
    "tier3_4": 0.20,
    "channel": 0.20,
}

# Share of its region's revenue each group brings at full pace. The star group takes 40%
# of tier-1 and the newcomer group 30% of tier-3/4, as in the handbook's example.
GROUP_SHARES_OF_REGION: dict[str, float] = {
    "g-star-01": 0.40,
    "g-t1-normal-01": 0.30,
    "g-np-squad-01": 0.30,
    "g-t2-normal-01": 0.50,
    "g-t2-normal-02": 0.50,
    "g-t34-newcomer-01": 0.30,
    "g-t34-normal-01": 0.70,
    "g-channel-01": 1.00,
}

# Relative selling weight of a rep inside a group: a top rep carries 40% more than a newcomer.
ROLE_WEIGHTS: dict[str, float] = {
    "top_sales": 1.4,
    "sales": 1.2,
    "channel_manager": 1.2,
    "customer_success": 1.0,
    "newcomer": 1.0,
}

REGION_IDS: tuple[str, ...] = tuple(r.region_id for r in REGIONS)
GROUP_IDS: tuple[str, ...] = tuple(g.group_id for g in GROUPS)
REP_IDS: tuple[str, ...] = tuple(r.rep_id for r in REPS)
GROUPS_BY_ID: dict[str, Group] = {g.group_id: g for g in GROUPS}
REPS_BY_ID: dict[str, Rep] = {r.rep_id: r for r in REPS}


@dataclass(frozen=True)
class Assignment:
    """One row of rep_assignments: `valid_to` is exclusive and None while current."""

    assignment_id: int
    rep_id: str
    group_id: str
    valid_from: date
    valid_to: date | None


def assignment_history(known_before: date) -> list[Assignment]:
    """Every rep's group history as the CRM knows it the day before `known_before`.

    A move on or after `known_before` has not happened yet, so the rep's first
    assignment is still open.
    """
    history: list[Assignment] = []
    for rep in REPS:
        group_id, valid_from = rep.home_group_id, rep.hire_date
        moves = sorted(
            (m for m in REP_MOVES if m.rep_id == rep.rep_id and m.effective < known_before),
            key=lambda m: m.effective,
        )
        for move in moves:
            history.append(Assignment(0, rep.rep_id, group_id, valid_from, move.effective))
            group_id, valid_from = move.to_group_id, move.effective
        history.append(Assignment(0, rep.rep_id, group_id, valid_from, None))
    return [
        Assignment(i + 1, a.rep_id, a.group_id, a.valid_from, a.valid_to)
        for i, a in enumerate(history)
    ]


def group_revenue_share(group_id: str) -> float:
    """Share of total revenue a group brings at full pace (region share x share of region)."""
    group = GROUPS_BY_ID[group_id]
    return REGION_REVENUE_SHARES[group.region_id] * GROUP_SHARES_OF_REGION[group_id]


def validate_org() -> None:
    """Fail loudly if someone edits the constants into an inconsistent organisation."""
    for group in GROUPS:
        lead = REPS_BY_ID.get(group.lead_rep_id)
        if lead is None or lead.home_group_id != group.group_id:
            raise ValueError(f"group {group.group_id}: lead {group.lead_rep_id} is not its rep")
    for move in REP_MOVES:
        rep = REPS_BY_ID[move.rep_id]
        source, target = GROUPS_BY_ID[rep.home_group_id], GROUPS_BY_ID[move.to_group_id]
        if source.region_id != target.region_id:
            raise ValueError(f"move of {move.rep_id} leaves region {source.region_id}")
    total = sum(group_revenue_share(g) for g in GROUP_IDS)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"group revenue shares sum to {total}, not 1")
