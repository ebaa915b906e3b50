"""Product: daily usage of live customers and relationship (engagement) events."""

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    DAY,
    HOUR,
    Cols,
    Rows,
    a_cat,
    a_date,
    a_id,
    a_int,
    a_ts,
    business_seconds,
    lognormal_around,
    rng_for,
    scatter_days,
    sigmoid,
    take,
    uniform_int,
    weekday,
)
from tools.generate_data.context import CHUNK_STREAMS, ID_WIDTH, Context
from tools.generate_data.contract import accepted_codes, make_table
from tools.generate_data.risk import Episodes

EVENT_TYPES = accepted_codes(
    "engagement_events",
    "event_type",
    (
        "email_sent",
        "email_opened",
        "training_completed",
        "webinar_attended",
        "referral_made",
        "social_mention",
    ),
)


USAGE_BATCH_ROWS = 1_000_000


def gen_usage(ctx: Context, c: Cols, sp: Cols, risk: Episodes, chunk: int) -> Iterator[Cols]:
    """Daily activity of live customers, in batches of about USAGE_BATCH_ROWS candidate days.

    Days without any activity have no row, so weekends (and small accounts) have fewer rows.
    With the signals churn model usage fades in the 75 days before a cancellation and falls
    during an at-risk episode.
    """
    signals = ctx.cfg.churn_model == "signals"
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["usage"], chunk)
    length = sp["stop"] - sp["start"]
    ends = np.cumsum(length)
    cuts = np.searchsorted(
        ends,
        np.arange(USAGE_BATCH_ROWS, ends[-1] if len(ends) else 0, USAGE_BATCH_ROWS),
        side="left",
    )
    bounds = [0, *np.unique(cuts + 1).tolist(), len(length)]
    seg = c["seg"]
    adoption = sigmoid(0.4 + 0.9 * c["happy"]) * np.where(c["value_ts"] < 0, 0.6, 1.0)
    weekend_factor = np.array([0.12, 0.18, 0.25])[seg]
    session_rate = 0.6 + 0.8 * sigmoid(c["happy"])
    key_rate = 2.5 * np.exp(0.5 * c["happy"])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi <= lo:
            continue
        part = {k: v[lo:hi] for k, v in sp.items()}
        iv, day = expand_days(part["start"], length[lo:hi])
        cust = part["cust"][iv]
        weekend = np.where(weekday(day) >= 5, weekend_factor[cust], 1.0)
        ramp = np.clip(0.35 + 0.65 * (day - c["signup_day"][cust]) / 45, 0.35, 1.0)
        churn_day = part["churn_day"][iv]
        decline = np.where(
            signals & (churn_day >= 0), np.clip((churn_day - day) / 75, 0.3, 1.0), 1.0
        )
        at_risk = risk.level(cust, day)
        noise = rng.uniform(0.8, 1.1, len(iv))
        p = adoption[cust] * weekend * ramp * decline * (1 - 0.85 * at_risk) * noise
        users = draw_users(rng, part["seats"][iv], np.clip(p, 0, 0.98))
        keep = users > 0
        users, cust, day, at_risk = users[keep], cust[keep], day[keep], at_risk[keep]
        sessions = users + rng.poisson(users * session_rate[cust])
        key_events = rng.poisson(users * key_rate[cust] * (1 - 0.7 * at_risk))
        yield {"cust": cust, "day": day, "users": users, "sessions": sessions, "key": key_events}


def expand_days(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per day of each interval: (interval index, day)."""
    iv = np.repeat(np.arange(len(length)), length)
    offset = np.arange(len(iv)) - np.repeat(np.cumsum(length) - length, length)
    return iv, start[iv] + offset


def draw_users(rng: np.random.Generator, seats: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Active users ~ Binomial(seats, p) (normal approximation above 30 seats), and now and
    then a few more than seats (shared logins)."""
    small = seats <= 30
    users = np.zeros(len(seats), dtype=np.int64)
    users[small] = rng.binomial(seats[small], p[small])
    big = ~small
    mean = seats[big] * p[big]
    sd = np.sqrt(mean * (1 - p[big]))
    users[big] = np.clip(np.rint(mean + sd * rng.standard_normal(big.sum())), 0, seats[big])
    extra = rng.random(len(seats)) < 0.01
    users[extra] += rng.integers(1, 4, extra.sum())
    return users


def usage_table(ctx: Context, u: Cols) -> pa.Table:
    return make_table(
        "product_usage",
        {
            "customer_id": ctx.local_customer_ids(u["cust"]),
            "usage_date": a_date(u["day"]),
            "active_users": a_int(u["users"]),
            "sessions": a_int(u["sessions"]),
            "key_feature_events": a_int(u["key"]),
        },
    )


def gen_engagement(ctx: Context, c: Cols, sp: Cols, risk: Episodes, chunk: int) -> Cols:
    """E-mails (opened less during an at-risk episode), trainings and webinars (skipped during
    one), social mentions and referrals."""
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["engagement"], chunk)
    h = c["happy"][sp["cust"]]
    seg_mult = np.array([1.0, 1.5, 2.5])[c["seg"][sp["cust"]]]
    rows = Rows("cust", "type", "ts")
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.full(len(h), 1 / 14))
    sent_ts = day * DAY + business_seconds(rng, len(iv), 10.0, 1.0)
    rows.add(cust=sp["cust"][iv], type=0, ts=sent_ts)
    quiet = risk.level(sp["cust"][iv], day)
    opened = rng.random(len(iv)) < sigmoid(-0.7 + 0.8 * h[iv] - 3.0 * quiet)
    open_ts = sent_ts + lognormal_around(rng, 5 * HOUR, 1.0, len(iv)).astype(np.int64)
    rows.add(cust=sp["cust"][iv][opened], type=1, ts=open_ts[opened])
    for code, per_day in (
        (2, seg_mult * np.exp(0.4 * h) / 150),
        (3, np.exp(0.4 * h) / 200),
        (5, (1 + 0.6 * np.abs(h)) / 500),
    ):
        iv, day = scatter_days(rng, sp["start"], sp["stop"], per_day)
        if code in (2, 3):
            attended = rng.random(len(iv)) >= risk.level(sp["cust"][iv], day)
            iv, day = iv[attended], day[attended]
        rows.add(cust=sp["cust"][iv], type=code, ts=day * DAY + business_seconds(rng, len(iv)))
    add_referrals(ctx, rng, rows, c)
    ev = rows.build()
    ev = take(ev, np.flatnonzero(ev["ts"] <= ctx.end_ts))
    ev = take(ev, np.lexsort((ev["cust"], ev["ts"])))
    ev["id"] = ctx.next_ids("event", len(ev["cust"]))
    return ev


def add_referrals(ctx: Context, rng: np.random.Generator, rows: Rows, c: Cols) -> None:
    """referral_made for the referrer, shortly before the referred customer signed up.

    The referrer may belong to an earlier chunk, so ``cust`` holds ``-(gid + 2)`` for it
    (decoded in ``engagement_table``).
    """
    referred = np.flatnonzero(c["referrer"] >= 0)
    ref = c["referrer"][referred]
    ts = c["signup_ts"][referred] - uniform_int(rng, HOUR, 20 * DAY, len(referred))
    ts = np.clip(ts, ctx.signup_ts[ref], c["signup_ts"][referred])
    rows.add(cust=-(ref + 2), type=4, ts=ts)


def engagement_table(ctx: Context, c: Cols, ev: Cols) -> pa.Table:
    local = ev["cust"] >= 0
    gid = np.where(local, c["gid"][np.where(local, ev["cust"], 0)], -ev["cust"] - 2)
    return make_table(
        "engagement_events",
        {
            "event_id": a_id("EV", ID_WIDTH, ev["id"]),
            "customer_id": ctx.cust_id(gid),
            "event_type": a_cat(ev["type"], EVENT_TYPES),
            "occurred_at": a_ts(ev["ts"]),
        },
    )
