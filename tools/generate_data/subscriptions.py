"""Subscriptions: a vectorised billing-period simulation of every customer of a chunk."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    NULL,
    Cols,
    Rows,
    a_bool,
    a_cat,
    a_date,
    a_dec,
    a_id,
    a_int,
    add_months,
    pick_rows,
    rng_for,
    round_cents,
    sigmoid,
    take,
    uniform_int,
)
from tools.generate_data.context import (
    CHUNK_STREAMS,
    CURRENCIES,
    ID_WIDTH,
    INTERVAL_MONTHS,
    INTERVALS,
    Context,
    plan_code,
    plan_id_array,
)
from tools.generate_data.contract import make_table

CANCEL_REASONS = (
    "too_expensive",
    "missing_features",
    "poor_support",
    "low_usage",
    "switched_competitor",
    "business_closed",
    "budget_cuts",
    "trial_expired",
    "payment_failed",
)
REASON_TRIAL = CANCEL_REASONS.index("trial_expired")
REASON_PAYMENT = CANCEL_REASONS.index("payment_failed")
P_NO_REASON = 0.06  # cancellations whose reason nobody recorded
LEAVES_HORIZON_DAYS = 160  # how far after --end future cancellations are drawn
REASON_P_UNHAPPY = (0.20, 0.15, 0.25, 0.25, 0.10, 0.03, 0.02)
REASON_P_HAPPY = (0.20, 0.15, 0.03, 0.07, 0.15, 0.20, 0.20)

P_TRIAL = np.array([0.55, 0.45, 0.20])
CHURN_MONTHLY = np.array([0.030, 0.018, 0.009])
UPGRADE_MONTHLY = np.array([0.025, 0.035, 0.040])
DOWNGRADE_MONTHLY = 0.010
SWITCH_TO_ANNUAL = 0.015


RENEW, UPGRADE, CANCEL, DOWNGRADE, SWITCH = range(5)
VERSION_COLS = (
    "sub",
    "cust",
    "vf",
    "vt",
    "tier",
    "ivl",
    "seats",
    "amount",
    "trial",
    "reason",
    "cancel",
    "leaves",
)


class SubscriptionSim:
    """Simulates every customer of a chunk one billing period at a time.

    Each customer has at most one subscription in force. A trial may precede the first paid
    version; paid versions change on upgrades (mid-period, prorated with a credit note),
    downgrades and switches to annual billing (at renewal), and end on cancellation (at
    renewal, or immediately with a refund). Cancelled customers may come back later with a
    new subscription (a reactivation).
    """

    def __init__(self, ctx: Context, cust: Cols, rng: np.random.Generator) -> None:
        self.ctx, self.c, self.rng = ctx, cust, rng
        n = len(cust["gid"])
        self.n_subs = 0
        self.versions = Rows(*VERSION_COLS)
        self.periods = Rows("sub", "cust", "day", "amount", "renewal", "first")
        self.credits = Rows("sub", "cust", "day", "amount")
        h, seg = cust["happy"], cust["seg"]
        if ctx.cfg.churn_model == "random":
            # churn independent of everything the health score reads
            self.h_cancel = CHURN_MONTHLY[seg] * 1.3
        else:
            no_value = np.where(cust["value_ts"] < 0, 1.6, 1.0)
            self.h_cancel = CHURN_MONTHLY[seg] * np.exp(-0.8 * h) * no_value
        self.h_up = UPGRADE_MONTHLY[seg] * np.exp(0.35 * h)
        self.h_down = DOWNGRADE_MONTHLY * np.exp(-0.35 * h)
        self.tier, self.ivl, self.seats, self.disc = initial_plan(rng, seg, h)
        self.sub = self.new_subs(n)
        self.alive = np.zeros(n, dtype=bool)
        self.vf = np.zeros(n, dtype=np.int64)
        self.ps = np.zeros(n, dtype=np.int64)
        self.first = np.ones(n, dtype=bool)
        # the day a subscription would be cancelled after --end (not in the data; at-risk
        # episodes of accounts about to leave start before it)
        self.leaves = np.full(n, NULL, dtype=np.int64)

    def new_subs(self, count: int) -> np.ndarray:
        ids = np.arange(self.n_subs, self.n_subs + count, dtype=np.int64)
        self.n_subs += count
        return ids

    def amount(self, idx: np.ndarray) -> np.ndarray:
        price = self.ctx.price_cents[self.tier[idx], self.ivl[idx], self.c["cur"][idx]]
        return np.maximum(round_cents(price * self.seats[idx] * (1 - self.disc[idx])), 1)

    def run(self) -> None:
        self.start()
        while self.step():
            pass
        self.finish()

    def start(self) -> None:
        """Trials, and the day each customer's first paid version would start."""
        rng, c, end = self.rng, self.c, self.ctx.end_day
        n = len(c["gid"])
        s = c["signup_day"]
        trial = rng.random(n) < P_TRIAL[c["seg"]]
        trial_end = s + np.where(rng.random(n) < 0.7, 14, 30)
        converts = rng.random(n) < sigmoid(0.3 + 1.1 * c["happy"])
        gap = np.select(
            [rng.random(n) < 0.68, rng.random(n) < 0.8],
            [0, uniform_int(rng, 1, 25, n)],
            uniform_int(rng, 35, 75, n),
        )
        returns = trial & ~converts & (rng.random(n) < 0.15)
        paid_start = np.where(trial, trial_end + gap, s)
        paid_start = np.where(returns, trial_end + uniform_int(rng, 40, 300, n), paid_start)
        t = np.flatnonzero(trial)
        ended = trial_end[t] <= end
        lapsed = ended & ~(converts[t] & (paid_start[t] <= end))
        self.versions.add(
            sub=self.sub[t],
            cust=t,
            vf=s[t],
            vt=np.where(ended, trial_end[t], NULL),
            tier=self.tier[t],
            ivl=self.ivl[t],
            seats=self.seats[t],
            amount=np.zeros(len(t), dtype=np.int64),
            trial=np.ones(len(t), dtype=np.int64),
            reason=np.where(lapsed, REASON_TRIAL, NULL),
            cancel=lapsed.astype(np.int64),
            leaves=np.full(len(t), NULL),
        )
        r = np.flatnonzero(returns)
        self.sub[r] = self.new_subs(len(r))
        self.alive = ~trial | converts | returns
        self.vf[:] = paid_start
        self.ps[:] = paid_start

    def step(self) -> bool:
        """One billing period for every subscription with a period starting by --end."""
        a = np.flatnonzero(self.alive & (self.ps <= self.ctx.end_day))
        if a.size == 0:
            return False
        amt = self.amount(a)
        renewal = ~self.first[a] & (self.ivl[a] > 0)
        self.periods.add(
            sub=self.sub[a],
            cust=a,
            day=self.ps[a],
            amount=amt,
            renewal=renewal,
            first=self.first[a],
        )
        self.first[a] = False
        pe = add_months(self.ps[a], INTERVAL_MONTHS[self.ivl[a]])
        event, cut = self.draw_events(a, pe)
        for code, handler in (
            (UPGRADE, self.upgrade),
            (CANCEL, self.cancel),
            (DOWNGRADE, self.downgrade),
            (SWITCH, self.switch),
        ):
            sel = event == code
            handler(a[sel], pe[sel], cut[sel], amt[sel])
        renew = event == RENEW
        self.ps[a[renew]] = pe[renew]
        return True

    def draw_events(self, a: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng, end = self.rng, self.ctx.end_day
        m = INTERVAL_MONTHS[self.ivl[a]]
        can_down = (self.tier[a] > 0) | (self.seats[a] > 1)
        probs = np.stack(
            [
                np.zeros(len(a)),
                1 - (1 - self.h_up[a]) ** m,
                1 - (1 - self.h_cancel[a]) ** m,
                (1 - (1 - self.h_down[a]) ** m) * can_down,
                np.where(self.ivl[a] == 0, SWITCH_TO_ANNUAL, 0.0),
            ],
            axis=1,
        )
        probs[:, RENEW] = np.clip(1 - probs[:, 1:].sum(axis=1), 0, 1)
        event = pick_rows(rng, probs)
        span = pe - self.ps[a]
        cut = self.ps[a] + 1 + np.floor(rng.random(len(a)) * (span - 1)).astype(np.int64)
        event[(event == UPGRADE) & (cut > end)] = RENEW
        after_end = pe > end
        leaving = (event == CANCEL) & after_end
        self.leaves[a[leaving]] = pe[leaving]
        event[(event >= CANCEL) & after_end] = RENEW
        return event, cut

    def close(
        self, idx: np.ndarray, vt: np.ndarray, reason: np.ndarray | int, cancel: bool = False
    ) -> None:
        self.versions.add(
            sub=self.sub[idx],
            cust=idx,
            vf=self.vf[idx],
            vt=vt,
            tier=self.tier[idx],
            ivl=self.ivl[idx],
            seats=self.seats[idx],
            amount=self.amount(idx),
            trial=np.zeros(len(idx), dtype=np.int64),
            reason=np.broadcast_to(reason, idx.shape),
            cancel=np.full(len(idx), int(cancel)),
            leaves=np.where(np.asarray(vt) < 0, self.leaves[idx], NULL),
        )

    def prorate(self, idx: np.ndarray, day: np.ndarray, pe: np.ndarray, amt: np.ndarray) -> None:
        """A credit note for the unused part of the current period."""
        span = pe - self.ps[idx]
        credit = -round_cents(amt * (pe - day) / span)
        keep = credit < 0
        self.credits.add(
            sub=self.sub[idx][keep], cust=idx[keep], day=day[keep], amount=credit[keep]
        )

    def upgrade(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, cut, NULL)
        self.prorate(idx, cut, pe, amt)
        rng = self.rng
        tier_up = (self.tier[idx] < 2) & (rng.random(len(idx)) < 0.4)
        more = np.ceil(self.seats[idx] * rng.uniform(1.15, 1.8, len(idx))).astype(np.int64)
        self.seats[idx] = np.where(tier_up, self.seats[idx], np.maximum(more, self.seats[idx] + 1))
        self.tier[idx] += tier_up
        self.vf[idx] = cut
        self.ps[idx] = cut

    def cancel(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        rng, h = self.rng, self.c["happy"][idx]
        now = rng.random(len(idx)) < 0.12
        day = np.where(now, cut, pe)
        probs = np.where((h < 0)[:, None], REASON_P_UNHAPPY, REASON_P_HAPPY)
        reason = np.where(rng.random(len(idx)) < P_NO_REASON, NULL, pick_rows(rng, probs))
        self.close(idx, day, reason, cancel=True)
        self.prorate(idx[now], day[now], pe[now], amt[now])
        self.alive[idx] = False
        back = idx[rng.random(len(idx)) < 0.35 * sigmoid(h)]
        restart = day[np.isin(idx, back)] + uniform_int(rng, 45, 400, len(back))
        self.sub[back] = self.new_subs(len(back))
        self.seats[back] = np.maximum(
            1, np.round(self.seats[back] * rng.uniform(0.6, 1.1, len(back)))
        ).astype(np.int64)
        self.alive[back] = True
        self.first[back] = True
        self.vf[back] = restart
        self.ps[back] = restart

    def downgrade(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, pe, NULL)
        rng = self.rng
        tier_down = (self.tier[idx] > 0) & ((self.seats[idx] == 1) | (rng.random(len(idx)) < 0.4))
        fewer = np.floor(self.seats[idx] * rng.uniform(0.5, 0.9, len(idx))).astype(np.int64)
        fewer = np.clip(fewer, 1, np.maximum(self.seats[idx] - 1, 1))
        self.seats[idx] = np.where(tier_down, self.seats[idx], fewer)
        self.tier[idx] -= tier_down
        self.vf[idx] = pe
        self.ps[idx] = pe

    def switch(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, pe, NULL)
        self.ivl[idx] = 2
        self.vf[idx] = pe
        self.ps[idx] = pe

    def finish(self) -> None:
        """Versions still in force at --end get an empty valid_to."""
        if self.ctx.cfg.churn_model == "signals":
            self.draw_departures()
        idx = np.flatnonzero(self.alive & (self.vf <= self.ctx.end_day))
        self.close(idx, np.full(len(idx), NULL), NULL)

    def draw_departures(self) -> None:
        """Cancellations in the LEAVES_HORIZON_DAYS after --end, renewal by renewal, so that
        accounts about to leave are already at risk in the data's last months."""
        horizon = self.ctx.end_day + LEAVES_HORIZON_DAYS
        ps = self.ps.copy()
        while True:
            a = np.flatnonzero(self.alive & (self.leaves < 0) & (ps <= horizon))
            if a.size == 0:
                return
            m = INTERVAL_MONTHS[self.ivl[a]]
            pe = add_months(ps[a], m)
            leaving = self.rng.random(len(a)) < 1 - (1 - self.h_cancel[a]) ** m
            self.leaves[a[leaving]] = pe[leaving]
            ps[a] = pe


def initial_plan(
    rng: np.random.Generator, seg: np.ndarray, happy: np.ndarray
) -> tuple[np.ndarray, ...]:
    n = len(seg)
    tier_p = np.array([[0.65, 0.33, 0.02], [0.25, 0.60, 0.15], [0.02, 0.38, 0.60]])[seg]
    ivl_p = np.array([[0.70, 0.12, 0.18], [0.45, 0.20, 0.35], [0.10, 0.20, 0.70]])[seg]
    tier = pick_rows(rng, tier_p)
    ivl = pick_rows(rng, ivl_p)
    seats_low = np.array([1, 8, 25])[seg]
    seats_scale = np.array([3.0, 12.0, 60.0])[seg]
    seats = seats_low + np.floor(rng.exponential(1.0, n) * seats_scale).astype(np.int64)
    seats = np.minimum(seats, np.array([25, 120, 1000])[seg])
    disc = np.where(seg == 2, rng.choice([0.10, 0.15, 0.20, 0.25], n), 0.0)
    disc = np.where((seg == 1) & (rng.random(n) < 0.4), 0.10, disc)
    return tier, ivl, seats, disc


@dataclass
class SubscriptionResult:
    versions: Cols  # sorted by customer, valid_from; "sub" is the global subscription number
    periods: Cols
    credits: Cols


def simulate_subscriptions(ctx: Context, c: Cols, chunk: int) -> SubscriptionResult:
    sim = SubscriptionSim(ctx, c, rng_for(ctx.cfg.seed, CHUNK_STREAMS["subscriptions"], chunk))
    sim.run()
    versions = sim.versions.build()
    order = np.lexsort((versions["vf"], versions["cust"]))
    versions = take(versions, order)
    # Global subscription numbers, in order of first appearance, for emitted versions only.
    used, first_pos = np.unique(versions["sub"], return_index=True)
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(first_pos, kind="stable")] = np.arange(len(used))
    global_ids = ctx.next_ids("subscription", len(used))
    lookup = np.full(max(sim.n_subs, 1), NULL, dtype=np.int64)
    lookup[used] = global_ids[rank]
    versions["sub"] = lookup[versions["sub"]]
    periods = sim.periods.build()
    periods["sub"] = lookup[periods["sub"]]
    credits = sim.credits.build()
    credits["sub"] = lookup[credits["sub"]]
    return SubscriptionResult(versions, periods, credits)


def subscriptions_table(ctx: Context, c: Cols, v: Cols) -> pa.Table:
    cur = c["cur"][v["cust"]]
    return make_table(
        "subscriptions",
        {
            "subscription_id": a_id("S", ID_WIDTH, v["sub"]),
            "customer_id": ctx.local_customer_ids(v["cust"]),
            "plan_id": plan_id_array(plan_code(v["tier"], v["ivl"], cur)),
            "valid_from": a_date(v["vf"]),
            "valid_to": a_date(v["vt"]),
            "is_trial": a_bool(v["trial"]),
            "seats": a_int(v["seats"]),
            "recurring_amount": a_dec(v["amount"]),
            "billing_interval": a_cat(v["ivl"], INTERVALS),
            "currency": a_cat(cur, CURRENCIES),
            "cancel_reason": a_cat(v["reason"], CANCEL_REASONS),
        },
    )


def active_spells(ctx: Context, v: Cols) -> Cols:
    """Every version as an interval [start, stop) clipped to --end, with churn information."""
    stop = np.where(v["vt"] < 0, ctx.end_day + 1, v["vt"])
    cancelled = (v["cancel"] == 1) & (v["trial"] == 0)
    subs, which = np.unique(v["sub"], return_inverse=True)
    churn_day = np.full(len(subs), NULL, dtype=np.int64)
    churn_day[which[cancelled]] = v["vt"][cancelled]
    return {
        "cust": v["cust"],
        "sub": v["sub"],
        "start": v["vf"],
        "stop": stop,
        "seats": v["seats"],
        "trial": v["trial"].astype(bool),
        "churn_day": churn_day[which],
        "ivl": v["ivl"],
    }
