"""At-risk episodes: the months in which an account goes bad before it leaves.

With ``--churn-model signals`` (the default) most cancellations of a paid subscription are preceded
by an episode that starts two to five months earlier; a few accounts go through one and recover.
During an episode the other domains read ``Episodes.level`` (0 before, rising to 1 within
RAMP_DAYS) and produce what a customer-success team watches: usage falls, severe tickets stay open,
survey answers turn into detractor scores, e-mails go unopened, invoices are paid late, and in a
payment-failure episode (``Episodes.unpaid_at``) they are not paid at all, so the account leaves
owing money (involuntary churn). With ``--churn-model random`` there are no episodes and churn
does not depend on anything the health score reads.
"""

from dataclasses import dataclass

import numpy as np

from tools.generate_data.columns import NULL, Cols, rng_for, uniform_int
from tools.generate_data.context import CHUNK_STREAMS, Context
from tools.generate_data.subscriptions import REASON_PAYMENT, SubscriptionResult

P_WARNED = 0.85  # share of paid cancellations preceded by an episode
LEAD_DAYS = (60, 160)  # how long before the cancellation the episode starts
P_UNPAID = 0.40  # share of episodes that are payment failures
P_REASON_PAYMENT = 0.7  # of the cancellations after a payment failure, those recorded as such
FALSE_ALARMS_PER_DAY = 0.008 / 30  # episodes of accounts that stay, per paid day
FALSE_ALARM_DAYS = (45, 120)
RAMP_DAYS = 21
# lookup key = customer * KEY_STRIDE + day: days since 1970 stay far below it
KEY_STRIDE = 1_000_000


@dataclass(frozen=True)
class Episodes:
    """Episodes of the customers of a chunk, sorted by (customer, start); none overlap."""

    cust: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    unpaid: np.ndarray
    settle: np.ndarray  # payment failures: the day the debt is paid, NULL = never

    def find(self, cust: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the episode in force for each (customer, day), and whether there is one."""
        cust, day = np.asarray(cust, dtype=np.int64), np.asarray(day, dtype=np.int64)
        if len(self.cust) == 0:
            return np.zeros(len(cust), dtype=np.int64), np.zeros(len(cust), dtype=bool)
        keys = self.cust * KEY_STRIDE + self.start
        at = np.searchsorted(keys, cust * KEY_STRIDE + day, side="right") - 1
        idx = np.maximum(at, 0)
        inside = (at >= 0) & (self.cust[idx] == cust) & (day < self.stop[idx])
        return idx, inside

    def level(self, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
        """How far into an episode each (customer, day) is: 0 outside, up to 1 after RAMP_DAYS."""
        idx, inside = self.find(cust, day)
        if len(self.cust) == 0:
            return np.zeros(len(idx))
        ramp = np.clip((np.asarray(day) - self.start[idx] + 1) / RAMP_DAYS, 0.0, 1.0)
        return np.where(inside, ramp, 0.0)

    def unpaid_at(self, cust: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each (customer, day): inside a payment-failure episode, and the day its debt is
        paid (NULL = never)."""
        idx, inside = self.find(cust, day)
        if len(self.cust) == 0:
            return inside, np.full(len(idx), NULL, dtype=np.int64)
        return inside & self.unpaid[idx], self.settle[idx]


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


NO_EPISODES = Episodes(_empty(), _empty(), _empty(), np.zeros(0, dtype=bool), _empty())


def draw_episodes(ctx: Context, subs: SubscriptionResult, sp: Cols, chunk: int) -> Episodes:
    """Episodes before paid cancellations, and false alarms of accounts that stay.

    Most cancellations after a payment-failure episode that billed the customer get the reason
    ``payment_failed`` (set in ``subs.versions`` in place)."""
    if ctx.cfg.churn_model == "random":
        return NO_EPISODES
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["risk"], chunk)
    v = subs.versions
    paid = v["trial"] == 0
    sub_ids, which = np.unique(v["sub"], return_inverse=True)
    first_paid = np.full(len(sub_ids), np.iinfo(np.int64).max)
    np.minimum.at(first_paid, which[paid], v["vf"][paid])
    ends = np.flatnonzero(paid & ((v["cancel"] == 1) | (v["leaves"] >= 0)))
    churn = np.where(v["leaves"][ends] >= 0, v["leaves"][ends], v["vt"][ends])
    lead = uniform_int(rng, *LEAD_DAYS, len(ends))
    start = np.maximum(churn - lead, first_paid[which[ends]] + 7)
    warned = (rng.random(len(ends)) < P_WARNED) & (start < churn) & (start <= ctx.end_day)
    unpaid = rng.random(len(ends)) < P_UNPAID
    recorded = rng.random(len(ends)) < P_REASON_PAYMENT

    stays = ~sp["trial"] & (sp["churn_day"] < 0)
    spell = np.flatnonzero(stays)
    counts = rng.poisson(FALSE_ALARMS_PER_DAY * (sp["stop"][spell] - sp["start"][spell]))
    alarm_spell = np.repeat(spell, counts)
    alarm_start = sp["start"][alarm_spell] + np.floor(
        rng.random(len(alarm_spell)) * (sp["stop"][alarm_spell] - sp["start"][alarm_spell])
    ).astype(np.int64)
    alarm_stop = np.minimum(
        alarm_start + uniform_int(rng, *FALSE_ALARM_DAYS, len(alarm_spell)),
        sp["stop"][alarm_spell],
    )
    alarm_unpaid = rng.random(len(alarm_spell)) < P_UNPAID / 2
    # a churned account's debt is written off, or collected one to three months later
    later = uniform_int(rng, 30, 90, len(ends))
    collected = np.where(rng.random(len(ends)) < 0.25, churn + later, NULL)
    caught_up = alarm_stop + uniform_int(rng, 1, 15, len(alarm_spell))

    cust = np.concatenate([v["cust"][ends][warned], sp["cust"][alarm_spell]])
    start = np.concatenate([start[warned], alarm_start])
    stop = np.concatenate([churn[warned], alarm_stop])
    kept = without_overlaps(cust, start, stop)
    # the version a kept churn episode ends (NULL for false alarms)
    version = np.concatenate([ends[warned], np.full(len(alarm_spell), NULL)])[kept]
    unpaid = np.concatenate([unpaid[warned], alarm_unpaid])[kept]
    settle = np.concatenate([collected[warned], caught_up])[kept]
    episodes = Episodes(cust[kept], start[kept], stop[kept], unpaid, settle)
    billed = np.zeros(len(kept), dtype=bool)
    at, inside = episodes.find(subs.periods["cust"], subs.periods["day"])
    billed[at[inside]] = True
    relabel = version[unpaid & billed & (version >= 0)]
    relabel = relabel[(v["cancel"][relabel] == 1) & recorded[np.searchsorted(ends, relabel)]]
    v["reason"][relabel] = REASON_PAYMENT
    return episodes


def without_overlaps(cust: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Positions of the episodes to keep, sorted by (customer, start): one that starts before the
    previous kept one of its customer ends is dropped."""
    order = np.lexsort((start, cust))
    keep = np.ones(len(order), dtype=bool)
    busy_until, busy_cust = NULL, NULL
    for k, i in enumerate(order):
        if cust[i] == busy_cust and start[i] < busy_until:
            keep[k] = False
        else:
            busy_until, busy_cust = stop[i], cust[i]
    return order[keep]
