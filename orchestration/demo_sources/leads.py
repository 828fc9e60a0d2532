# Longer than 300 lines: a lead's source depends on the campaign windows and spend.
"""Campaigns, their daily spend, and the leads that turn into the quarter's new customers.

Every quarter runs the handbook's action plans: online ads for the whole last month
(budget 500,000, KPI new customers), a three-day trade show mid last month (200,000,
KPI leads), a channel partner programme in the last month (KPI new customers), plus a
referral reward in the middle month. One campaign a quarter spends its whole budget but
under-delivers. KPI targets are sized for DEFAULT_SCALE_ORDERS and scale with volume.

Every new customer comes from one converted lead created up to four weeks before
the first order (never before the quarter starts); about LEAD_CONVERSION_RATE of leads
convert. Inside a campaign's window only that campaign's leads carry its source, so
"leads by source in the window" measures the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from orchestration.demo_sources import org, rates
from orchestration.demo_sources.timeline import SECONDS_PER_DAY, Quarter, Timeline, timestamp_text
from orchestration.partitions import add_months

CAMPAIGN_CREATED_DAYS_BEFORE = 14


@dataclass(frozen=True)
class CampaignTemplate:
    key: str
    title: str
    source: str
    kpi: str  # new_customers | leads
    kpi_target: int  # at DEFAULT_SCALE_ORDERS orders per quarter
    budget: int  # CNY
    month: int  # 0..2 within the quarter
    first_day: int  # day of that month
    last_day: int | None  # day of that month, None for the month end


CAMPAIGN_TEMPLATES: tuple[CampaignTemplate, ...] = (
    CampaignTemplate("ads", "Online ads", "online_ads", "new_customers", 400, 500_000, 2, 1, None),
    CampaignTemplate("show", "Trade show", "trade_show", "leads", 500, 200_000, 2, 15, 17),
    CampaignTemplate(
        "partners", "Channel partner programme", "channel_partner", "new_customers",
        100, 150_000, 2, 1, None,
    ),
    CampaignTemplate(
        "referral", "Referral rewards", "referral", "new_customers", 150, 60_000, 1, 1, None
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Campaign:
    template: CampaignTemplate
    campaign_id: str
    name: str
    start: date
    end: date  # inclusive
    delivery: float  # outcome / KPI target
    spend_ratio: float  # spend / budget

    def kpi_outcome(self, scale: float, covered: float) -> int:
        """Outcome to produce: the scaled KPI target x delivery, for the covered share."""
        return round(self.template.kpi_target * scale * self.delivery * covered)


def quarter_campaigns(quarter: Quarter, rng: np.random.Generator) -> list[Campaign]:
    under_delivering = quarter.index % len(CAMPAIGN_TEMPLATES)
    campaigns = []
    for number, template in enumerate(CAMPAIGN_TEMPLATES):
        month_start = add_months(quarter.start, template.month)
        month_end = add_months(month_start, 1) - timedelta(days=1)
        start = month_start.replace(day=template.first_day)
        end = month_end if template.last_day is None else month_start.replace(day=template.last_day)
        if number == under_delivering:
            delivery, spend_ratio = float(rng.uniform(*rates.UNDER_DELIVERY)), 1.0
        else:
            delivery = float(rng.uniform(*rates.CAMPAIGN_DELIVERY))
            spend_ratio = float(rng.uniform(*rates.CAMPAIGN_SPEND_RATIO))
        campaigns.append(
            Campaign(
                template=template,
                campaign_id=f"cmp-{quarter.label.lower()}-{template.key}",
                name=f"{template.title} {month_start.strftime('%B %Y')}",
                start=start,
                end=end,
                delivery=delivery,
                spend_ratio=spend_ratio,
            )
        )
    return campaigns


@dataclass(frozen=True)
class NewCustomerLeads:
    """What the leads need to know about the customers won this quarter."""

    customer_ids: np.ndarray  # 'c-000123'
    owner: np.ndarray  # rep index
    created_day: np.ndarray  # the day the lead converted
    created_seconds: np.ndarray
    created_at: np.ndarray  # the same moment as timestamp text


def _channel_reps() -> np.ndarray:
    return np.array([org.GROUPS_BY_ID[r.home_group_id].region_id == "channel" for r in org.REPS])


def _organic_sources(channel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sources = np.empty(len(channel), dtype=object)
    for mask, mix in ((~channel, rates.ORGANIC_SOURCES), (channel, rates.CHANNEL_ORGANIC_SOURCES)):
        names = np.array(list(mix), dtype=object)
        weights = np.array(list(mix.values()))
        sources[mask] = names[rng.choice(len(names), int(mask.sum()), p=weights / weights.sum())]
    return sources


@dataclass
class LeadBatch:
    """Leads under construction: parallel arrays, one element per lead."""

    day: np.ndarray
    seconds: np.ndarray
    rep: np.ndarray
    source: np.ndarray
    campaign: np.ndarray  # campaign id or None
    attributed: np.ndarray  # bool: credited to a campaign
    converted: np.ndarray  # bool
    converted_at: np.ndarray  # timestamp text, None while not converted
    customer_id: np.ndarray  # customer id or None

    @classmethod
    def concat(cls, batches: list[LeadBatch]) -> LeadBatch:
        return cls(*(np.concatenate([getattr(b, f) for b in batches]) for f in _LEAD_FIELDS))


_LEAD_FIELDS = (
    "day", "seconds", "rep", "source", "campaign", "attributed", "converted", "converted_at",
    "customer_id",
)  # fmt: skip


def _open_batch(
    day: np.ndarray, seconds: np.ndarray, rep: np.ndarray, source: np.ndarray
) -> LeadBatch:
    count = len(day)
    return LeadBatch(
        day=day.astype(np.int64),
        seconds=seconds.astype(np.int64),
        rep=rep.astype(np.int64),
        source=source,
        campaign=np.full(count, None, dtype=object),
        attributed=np.zeros(count, dtype=bool),
        converted=np.zeros(count, dtype=bool),
        converted_at=np.full(count, None, dtype=object),
        customer_id=np.full(count, None, dtype=object),
    )


def converted_leads(quarter: Quarter, won: NewCustomerLeads, rng: np.random.Generator) -> LeadBatch:
    """One lead per new customer, created 1-28 days earlier but not before the quarter."""
    count = len(won.owner)
    lead_time = np.minimum(
        rng.integers(1, rates.LEAD_LEAD_TIME_DAYS + 1, count),
        won.created_day - quarter.start_day,
    )
    seconds = np.where(
        lead_time > 0, rng.integers(9 * 3600, 18 * 3600, count), won.created_seconds // 2
    )
    batch = _open_batch(
        won.created_day - lead_time,
        seconds,
        won.owner,
        _organic_sources(_channel_reps()[won.owner], rng),
    )
    batch.converted[:] = True
    batch.converted_at[:] = won.created_at
    batch.customer_id[:] = won.customer_ids
    return batch


def unconverted_leads(
    timeline: Timeline, quarter: Quarter, won: NewCustomerLeads, rng: np.random.Generator
) -> LeadBatch:
    """Leads that did not convert, over the quarter's days, owned like the converted ones."""
    count = round(len(won.owner) * (1 / rates.LEAD_CONVERSION_RATE - 1)) if len(won.owner) else 0
    days = np.arange(quarter.start_day, quarter.last_day_number + 1)
    weights = np.asarray(rates.WEEKDAY_WEIGHTS)[timeline.weekday[days]]
    day = rng.choice(days, count, p=weights / weights.sum())
    rep = won.owner[rng.integers(0, max(len(won.owner), 1), count)]
    seconds = rng.integers(9 * 3600, 18 * 3600, count)
    return _open_batch(day, seconds, rep, _organic_sources(_channel_reps()[rep], rng))


def attribute_campaigns(
    timeline: Timeline,
    quarter: Quarter,
    campaigns: list[Campaign],
    leads: LeadBatch,
    scale: float,
    rng: np.random.Generator,
) -> LeadBatch:
    """Credit campaigns with converted leads in their windows; add trade-show leads.

    Returns the extra (unconverted) trade-show leads. Organic leads that would carry a
    running campaign's source get 'website' instead.
    """
    channel = _channel_reps()[leads.rep]
    extras: list[LeadBatch] = []
    # Short campaigns pick first: a trade show's days also lie inside the ads month.
    for item in sorted(campaigns, key=lambda c: (c.end - c.start).days):
        first = max(timeline.day_number(item.start), quarter.start_day)
        last = min(timeline.day_number(item.end), quarter.last_day_number)
        if last < first:
            continue
        covered = (last - first + 1) / ((item.end - item.start).days + 1)
        target = item.kpi_outcome(scale, covered)
        is_lead_kpi = item.template.kpi == "leads"
        converted_target = (
            round(target * rates.TRADE_SHOW_CONVERTED_SHARE) if is_lead_kpi else target
        )
        in_window = (leads.day >= first) & (leads.day <= last)
        wants_channel = item.template.source == "channel_partner"
        eligible = np.flatnonzero(
            in_window & ~leads.attributed & leads.converted & (channel == wants_channel)
        )
        chosen = rng.permutation(eligible)[:converted_target]
        leads.source[chosen] = item.template.source
        leads.campaign[chosen] = item.campaign_id
        leads.attributed[chosen] = True
        clash = in_window & ~leads.attributed & (leads.source == item.template.source)
        leads.source[clash] = "website"
        if is_lead_kpi:
            extras.append(_trade_show_leads(item, first, last, target - len(chosen), leads, rng))
    if not extras:
        no_leads = np.zeros(0, dtype=np.int64)
        return _open_batch(no_leads, no_leads, no_leads, np.zeros(0, dtype=object))
    return LeadBatch.concat(extras)


def _trade_show_leads(
    item: Campaign, first: int, last: int, count: int, leads: LeadBatch, rng: np.random.Generator
) -> LeadBatch:
    count = max(count, 0)
    direct = leads.rep[~_channel_reps()[leads.rep]]
    reps = direct if len(direct) else np.zeros(1, dtype=np.int64)
    batch = _open_batch(
        rng.integers(first, last + 1, count),
        rng.integers(9 * 3600, 18 * 3600, count),
        reps[rng.integers(0, len(reps), count)],
        np.full(count, item.template.source, dtype=object),
    )
    batch.campaign[:] = item.campaign_id
    batch.attributed[:] = True
    return batch


def lead_rows(
    timeline: Timeline,
    quarter: Quarter,
    campaigns: list[Campaign],
    won: NewCustomerLeads,
    scale: float,
    first_lead_id: int,
    rng: np.random.Generator,
) -> dict[str, object]:
    """All leads of the quarter, numbered in the order they were created."""
    leads = LeadBatch.concat(
        [converted_leads(quarter, won, rng), unconverted_leads(timeline, quarter, won, rng)]
    )
    show = attribute_campaigns(timeline, quarter, campaigns, leads, scale, rng)
    leads = LeadBatch.concat([leads, show])
    order = np.argsort(leads.day * SECONDS_PER_DAY + leads.seconds, kind="stable")
    created_at = timeline.timestamps(leads.day[order], leads.seconds[order])
    converted_at = leads.converted_at[order]
    updated_at = created_at.copy()
    converted = leads.converted[order]
    updated_at[converted] = converted_at[converted]
    return {
        "lead_id": first_lead_id + np.arange(len(order)),
        "source": leads.source[order],
        "campaign_id": leads.campaign[order],
        "rep_id": np.array(org.REP_IDS, dtype=object)[leads.rep[order]],
        "created_at": created_at,
        "converted_at": converted_at,
        "customer_id": leads.customer_id[order],
        "updated_at": updated_at,
    }


def campaign_rows(timeline: Timeline, campaigns: list[Campaign]) -> dict[str, list]:
    """Campaigns the CRM knows before the reference date (set up two weeks ahead)."""
    rows: dict[str, list] = {
        c: []
        for c in (
            "campaign_id", "campaign_name", "source", "start_date", "end_date", "budget",
            "updated_at",
        )
    }  # fmt: skip
    for item in campaigns:
        created = item.start - timedelta(days=CAMPAIGN_CREATED_DAYS_BEFORE)
        if created >= timeline.reference_date:
            continue
        rows["campaign_id"].append(item.campaign_id)
        rows["campaign_name"].append(item.name)
        rows["source"].append(item.template.source)
        rows["start_date"].append(item.start.isoformat())
        rows["end_date"].append(item.end.isoformat())
        rows["budget"].append(float(item.template.budget))
        rows["updated_at"].append(timestamp_text(created, 10 * 3600))
    return rows


def spend_rows(
    timeline: Timeline, campaigns: list[Campaign], rng: np.random.Generator
) -> dict[str, list]:
    """Daily spend summing to budget x spend ratio over the window; days before the reference."""
    rows: dict[str, list] = {c: [] for c in ("campaign_id", "spend_date", "amount", "updated_at")}
    for item in campaigns:
        days = (item.end - item.start).days + 1
        weights = rng.uniform(0.7, 1.3, days)
        total_cents = round(item.template.budget * 100 * item.spend_ratio)
        cents = largest_remainder(total_cents, weights)
        for offset in range(days):
            day = item.start + timedelta(days=offset)
            if day >= timeline.reference_date:
                break
            rows["campaign_id"].append(item.campaign_id)
            rows["spend_date"].append(day.isoformat())
            rows["amount"].append(int(cents[offset]) / 100)
            rows["updated_at"].append(timestamp_text(day, 22 * 3600))
    return rows


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number in proportion to weights; the parts sum exactly to `total`."""
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - int(parts.sum())
    parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return parts
