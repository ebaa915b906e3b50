"""The generator's settings and what every chunk of customers shares: dates, the price list,
agents, signups, id counters and the random streams."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    DAY,
    a_cat,
    a_id,
    business_seconds,
    rng_for,
    to_days,
    uniform_int,
)
from tools.generate_data.contract import accepted_codes

SEGMENTS = accepted_codes("customers", "segment", ("smb", "mid_market", "enterprise"))
SEGMENT_P = (0.60, 0.30, 0.10)
TIERS = ("starter", "pro", "enterprise")
INTERVALS = accepted_codes("plans", "billing_interval", ("month", "quarter", "year"))
accepted_codes("subscriptions", "billing_interval", INTERVALS)
INTERVAL_MONTHS = np.array([1, 3, 12])
INTERVAL_PRICE_FACTOR = (1.0, 3 * 0.95, 12 * 0.85)
INTERVAL_LABEL = ("monthly", "quarterly", "annual")
CURRENCIES = ("USD", "EUR", "GBP", "TRY")
MONTHLY_SEAT_PRICE = {
    "USD": (19, 49, 99),
    "EUR": (18, 45, 92),
    "GBP": (15, 39, 79),
    "TRY": (349, 899, 1799),
}
# USD per unit on --start, and the mean monthly drift of the log rate: EUR and GBP wander
# around their level, TRY loses about 2.5 % a month against the dollar (docs/sample-data.md).
FX_START = {"EUR": 1.07, "GBP": 1.24, "TRY": 0.0535}
FX_MONTHLY_DRIFT = {"EUR": 0.0, "GBP": 0.0, "TRY": -0.025}
CHURN_MODELS = ("signals", "random")


TEAMS = ("frontline", "technical", "billing", "enterprise")
TEAM_OF_SLOT = (0, 0, 0, 0, 1, 1, 2, 3)


ID_WIDTH = 8
STREAM_SIGNUPS, STREAM_FX, STREAM_EXPENSES, STREAM_AGENTS, STREAM_OUTAGES = 1, 2, 3, 4, 5
CHUNK_STREAMS = {
    "customers": 100,
    "subscriptions": 101,
    "invoices": 102,
    "tickets": 103,
    "interactions": 104,
    "surveys": 105,
    "usage": 106,
    "engagement": 107,
    "risk": 108,
}


@dataclass(frozen=True)
class Config:
    out: Path
    customers: int = 400
    start: date = date(2023, 1, 1)
    end: date = date(2025, 6, 30)
    seed: int = 42
    fmt: str = "csv"
    inject_bad_rows: bool = False
    chunk_size: int = 10_000
    append_day: bool = False
    late_days: int = 2
    churn_model: str = "signals"


@dataclass
class Context:
    """Everything shared by the chunks: dates, prices, signups, agents, id counters."""

    cfg: Config
    start_day: int
    end_day: int
    end_ts: int
    cust_width: int
    signup_ts: np.ndarray
    price_cents: np.ndarray  # [tier, interval, currency]
    agent_team: np.ndarray
    agent_hired: np.ndarray
    outage_days: np.ndarray
    counters: dict[str, int] = field(default_factory=dict)
    chunk_customer_ids: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))

    def next_ids(self, kind: str, count: int) -> np.ndarray:
        first = self.counters.get(kind, 1)
        self.counters[kind] = first + count
        return np.arange(first, first + count, dtype=np.int64)

    def local_customer_ids(self, local: np.ndarray) -> pa.Array:
        """Customer ids of rows that point at customers of the current chunk."""
        return self.chunk_customer_ids.take(pa.array(np.asarray(local, dtype=np.int64)))

    def cust_id(self, gids: np.ndarray) -> pa.Array:
        return a_id("C", self.cust_width, np.where(np.asarray(gids) < 0, -1, np.asarray(gids) + 1))


def build_context(cfg: Config) -> Context:
    start_day, end_day = to_days(cfg.start), to_days(cfg.end)
    team, hired = agent_roster(cfg, start_day, end_day)
    outages = np.sort(
        uniform_int(rng_for(cfg.seed, STREAM_OUTAGES), start_day + 30, end_day - 5, 3)
    )
    return Context(
        cfg=cfg,
        start_day=start_day,
        end_day=end_day,
        end_ts=(end_day + 1) * DAY - 1,
        cust_width=max(6, len(str(cfg.customers))),
        signup_ts=signup_times(cfg, start_day, end_day),
        price_cents=price_matrix(),
        agent_team=team,
        agent_hired=hired,
        outage_days=outages,
    )


def price_matrix() -> np.ndarray:
    prices = np.zeros((3, 3, len(CURRENCIES)), dtype=np.int64)
    for c, cur in enumerate(CURRENCIES):
        for t in range(3):
            for i in range(3):
                prices[t, i, c] = round(MONTHLY_SEAT_PRICE[cur][t] * INTERVAL_PRICE_FACTOR[i] * 100)
    return prices


def signup_times(cfg: Config, start_day: int, end_day: int) -> np.ndarray:
    """Sorted signup timestamps of all customers; signups grow over the period."""
    rng = rng_for(cfg.seed, STREAM_SIGNUPS)
    growth = 1.5
    u = np.sort(rng.random(cfg.customers))
    x = (np.sqrt(1 + 2 * growth * u * (1 + growth / 2)) - 1) / growth
    days = start_day + np.floor(x * (end_day - start_day + 1)).astype(np.int64)
    ts = np.minimum(days, end_day) * DAY + business_seconds(rng, cfg.customers)
    return np.sort(ts)


def agent_roster(cfg: Config, start_day: int, end_day: int) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(cfg.seed, STREAM_AGENTS)
    n = max(8, min(3000, round(cfg.customers / 25)))
    team = np.array([TEAM_OF_SLOT[i % len(TEAM_OF_SLOT)] for i in range(n)], dtype=np.int64)
    veteran = (np.arange(n) < len(TEAM_OF_SLOT)) | (rng.random(n) < 0.65)
    hired = np.where(
        veteran,
        start_day - uniform_int(rng, 30, 1500, n),
        start_day + uniform_int(rng, 0, int((end_day - start_day) * 0.8), n),
    )
    return team, hired


def plan_code(tier: np.ndarray, ivl: np.ndarray, cur: np.ndarray) -> np.ndarray:
    return (tier * len(INTERVALS) + ivl) * len(CURRENCIES) + cur


def plan_ids() -> list[str]:
    """Plan ids in plan-code order (tier, then interval, then currency)."""
    return [f"{t}-{i}-{c}".lower() for t in TIERS for i in INTERVALS for c in CURRENCIES]


def plan_id_array(codes: np.ndarray) -> pa.Array:
    return a_cat(codes, plan_ids())
