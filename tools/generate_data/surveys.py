"""Surveys: invitations (after tickets, relationship NPS, onboarding, purchase, renewal) and
responses, whose scores follow the customer's happiness."""

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    DAY,
    HOUR,
    NULL,
    Cols,
    Rows,
    a_cat,
    a_id,
    a_int,
    a_ts,
    business_seconds,
    lognormal_around,
    pick,
    scatter_days,
    take,
    uniform_int,
)
from tools.generate_data.context import ID_WIDTH, Context
from tools.generate_data.contract import accepted_codes, make_table
from tools.generate_data.risk import Episodes
from tools.generate_data.subscriptions import SubscriptionResult
from tools.generate_data.support import TICKET_CHANNELS

SURVEY_TYPES = accepted_codes("survey_invitations", "survey_type", ("nps", "csat", "ces"))
accepted_codes("survey_responses", "survey_type", SURVEY_TYPES)
SURVEY_CHANNELS = accepted_codes(
    "survey_invitations", "channel", ("email", "sms", "in_app", "chat")
)
RESPONSE_RATE = np.array([0.22, 0.38, 0.30, 0.45])
TOUCHPOINTS = accepted_codes(
    "survey_invitations",
    "touchpoint",
    ("onboarding", "support", "purchase", "renewal", "relationship"),
)
accepted_codes("survey_responses", "touchpoint", TOUCHPOINTS)
COMMENTS_POSITIVE = (
    "Great support, thanks!",
    "Fast answer, problem solved.",
    'Love the new "Insights" dashboard',
    "Très bon produit, merci !",
    "Smooth onboarding; the team was great.",
)
COMMENTS_NEUTRAL = (
    "OK overall.",
    "Does the job, but reporting could be better.",
    "Setup took a while,\nbut it works now.",
    "Fine.",
)
COMMENTS_NEGATIVE = (
    "Too slow to resolve, again.",
    "Still waiting for a fix for the export bug.",
    'The "sync" keeps failing, very frustrating',
    "Pricing went up, value did not.",
    "Nobody called me back.",
)
COMMENTS = COMMENTS_POSITIVE + COMMENTS_NEUTRAL + COMMENTS_NEGATIVE


INVITE_COLS = ("cust", "type", "channel", "touch", "ticket", "ts", "bonus")


def gen_invitations(
    ctx: Context, rng: np.random.Generator, c: Cols, sp: Cols, subs: SubscriptionResult, t: Cols
) -> Cols:
    rows = Rows(*INVITE_COLS)
    support_invitations(ctx, rng, rows, t, c)
    relationship_invitations(rng, rows, sp)
    lifecycle_invitations(ctx, rng, rows, c, subs.periods)
    inv = rows.build()
    inv = take(inv, np.flatnonzero(inv["ts"] <= ctx.end_ts))
    inv = take(inv, np.lexsort((inv["cust"], inv["ts"])))
    inv["id"] = ctx.next_ids("invitation", len(inv["cust"]))
    return inv


def support_invitations(
    ctx: Context, rng: np.random.Generator, rows: Rows, t: Cols, c: Cols
) -> None:
    """CSAT (or CES) after a solved ticket; a good or bad experience shifts the score."""
    solved = np.flatnonzero((t["resolved_ts"] >= 0) & (rng.random(len(t["id"])) < 0.7))
    k = len(solved)
    chat = t["channel"][solved] == TICKET_CHANNELS.index("chat")
    channel = np.where(chat, 3, np.where(rng.random(k) < 0.85, 0, 1))
    hours = (t["resolved_ts"][solved] - t["created_ts"][solved]) / HOUR
    bonus = (
        0.3 * (hours < 8)
        - 0.6 * t["reopened"][solved]
        - 0.3 * (t["severity"][solved] >= 3)
        - 0.3 * (hours > 72)
    )
    rows.add(
        cust=t["cust"][solved],
        type=np.where(rng.random(k) < 0.8, 1, 2),
        channel=channel,
        touch=1,
        ticket=t["id"][solved],
        ts=t["resolved_ts"][solved] + uniform_int(rng, HOUR // 2, DAY, k),
        bonus=bonus,
    )


def relationship_invitations(rng: np.random.Generator, rows: Rows, sp: Cols) -> None:
    """Quarterly relationship NPS while a paid version is in force."""
    paid = ~sp["trial"]
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.where(paid, 1 / 90, 0.0))
    k = len(iv)
    rows.add(
        cust=sp["cust"][iv],
        type=0,
        channel=pick(rng, (0.65, 0.15, 0.20, 0), k),
        touch=4,
        ticket=NULL,
        ts=day * DAY + business_seconds(rng, k, 10.0, 2.0),
        bonus=0.0,
    )


def lifecycle_invitations(
    ctx: Context, rng: np.random.Generator, rows: Rows, c: Cols, periods: Cols
) -> None:
    """Onboarding (CES/CSAT), purchase (CSAT) and renewal (NPS) surveys."""
    onb = np.flatnonzero((c["onboard_ts"] >= 0) & (rng.random(len(c["gid"])) < 0.7))
    k = len(onb)
    rows.add(
        cust=onb,
        type=np.where(rng.random(k) < 0.5, 2, 1),
        channel=np.where(rng.random(k) < 0.5, 2, 0),
        touch=0,
        ticket=NULL,
        ts=c["onboard_ts"][onb] + uniform_int(rng, HOUR, DAY, k),
        bonus=np.zeros(k),
    )
    buy = np.flatnonzero(periods["first"].astype(bool) & (rng.random(len(periods["cust"])) < 0.5))
    k = len(buy)
    rows.add(
        cust=periods["cust"][buy],
        type=1,
        channel=0,
        touch=2,
        ticket=NULL,
        ts=(periods["day"][buy] + 1) * DAY + business_seconds(rng, k),
        bonus=0.0,
    )
    ren = np.flatnonzero(periods["renewal"].astype(bool) & (rng.random(len(periods["cust"])) < 0.6))
    k = len(ren)
    rows.add(
        cust=periods["cust"][ren],
        type=0,
        channel=0,
        touch=3,
        ticket=NULL,
        ts=(periods["day"][ren] + 2) * DAY + business_seconds(rng, k),
        bonus=0.0,
    )


def survey_scores(
    rng: np.random.Generator, stype: np.ndarray, happy: np.ndarray, bonus: np.ndarray
) -> np.ndarray:
    n = len(stype)
    nps = np.clip(np.round(7.9 + 1.7 * happy + 1.5 * bonus + rng.normal(0, 1.3, n)), 0, 10)
    csat = np.clip(np.round(4.0 + 0.55 * happy + bonus + rng.normal(0, 0.7, n)), 1, 5)
    ces = np.clip(np.round(3.8 + 0.45 * happy + bonus + rng.normal(0, 0.8, n)), 1, 5)
    return np.select([stype == 0, stype == 1], [nps, csat], ces).astype(np.int64)


def gen_responses(
    ctx: Context, rng: np.random.Generator, c: Cols, sp: Cols, inv: Cols, risk: Episodes
) -> Cols:
    """Answers to invitations, in-app answers without one, and, during most at-risk episodes, an
    in-app NPS; every answer given during an episode scores lower."""
    h = c["happy"][inv["cust"]]
    rate = np.clip(RESPONSE_RATE[inv["channel"]] * (1 + 0.2 * h), 0.02, 0.95)
    answered = np.flatnonzero(rng.random(len(h)) < rate)
    delay = np.minimum(lognormal_around(rng, 3 * HOUR, 1.5, len(answered)), 7 * DAY)
    ts = inv["ts"][answered] + delay.astype(np.int64) + 60
    answered, ts = answered[ts <= ctx.end_ts], ts[ts <= ctx.end_ts]
    rows = Rows("invitation", "cust", "type", "ts", "touch", "ticket", "bonus")
    rows.add(
        invitation=inv["id"][answered],
        cust=inv["cust"][answered],
        type=inv["type"][answered],
        ts=ts,
        touch=inv["touch"][answered],
        ticket=inv["ticket"][answered],
        bonus=inv["bonus"][answered],
    )
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.full(len(sp["cust"]), 0.6 / 365))
    k = len(iv)
    rows.add(
        invitation=NULL,
        cust=sp["cust"][iv],
        type=pick(rng, (0.6, 0.4), k),
        ts=day * DAY + business_seconds(rng, k),
        touch=4,
        ticket=NULL,
        bonus=0.0,
    )
    ep = np.flatnonzero((rng.random(len(risk.cust)) < 0.8) & (risk.stop - risk.start > 14))
    day = risk.start[ep] + uniform_int(rng, 14, 50, len(ep))
    ep, day = ep[day < risk.stop[ep]], day[day < risk.stop[ep]]
    rows.add(
        invitation=NULL,
        cust=risk.cust[ep],
        type=0,
        ts=day * DAY + business_seconds(rng, len(ep)),
        touch=4,
        ticket=NULL,
        bonus=0.0,
    )
    r = rows.build()
    r = take(r, np.flatnonzero(r["ts"] <= ctx.end_ts))
    r = take(r, np.lexsort((r["cust"], r["ts"])))
    r["bonus"] = r["bonus"] - 2.5 * risk.level(r["cust"], r["ts"] // DAY)
    r["score"] = survey_scores(rng, r["type"], c["happy"][r["cust"]], r["bonus"])
    r["comment"] = survey_comments(rng, r["type"], r["score"])
    r["id"] = ctx.next_ids("response", len(r["cust"]))
    return r


def survey_comments(rng: np.random.Generator, stype: np.ndarray, score: np.ndarray) -> np.ndarray:
    n = len(score)
    good = np.where(stype == 0, score >= 9, score >= 4)
    bad = np.where(stype == 0, score <= 6, score <= 2)
    npos, nneu, nneg = len(COMMENTS_POSITIVE), len(COMMENTS_NEUTRAL), len(COMMENTS_NEGATIVE)
    code = np.select(
        [good, bad],
        [rng.integers(0, npos, n), npos + nneu + rng.integers(0, nneg, n)],
        npos + rng.integers(0, nneu, n),
    )
    return np.where(rng.random(n) < 0.3, code, NULL)


def invitations_table(ctx: Context, c: Cols, inv: Cols) -> pa.Table:
    return make_table(
        "survey_invitations",
        {
            "invitation_id": a_id("SI", ID_WIDTH, inv["id"]),
            "customer_id": ctx.local_customer_ids(inv["cust"]),
            "survey_type": a_cat(inv["type"], SURVEY_TYPES),
            "channel": a_cat(inv["channel"], SURVEY_CHANNELS),
            "touchpoint": a_cat(inv["touch"], TOUCHPOINTS),
            "ticket_id": a_id("T", ID_WIDTH, inv["ticket"]),
            "sent_at": a_ts(inv["ts"]),
        },
    )


def responses_table(ctx: Context, c: Cols, r: Cols) -> pa.Table:
    return make_table(
        "survey_responses",
        {
            "response_id": a_id("SR", ID_WIDTH, r["id"]),
            "invitation_id": a_id("SI", ID_WIDTH, r["invitation"]),
            "customer_id": ctx.local_customer_ids(r["cust"]),
            "survey_type": a_cat(r["type"], SURVEY_TYPES),
            "score": a_int(r["score"]),
            "responded_at": a_ts(r["ts"]),
            "touchpoint": a_cat(r["touch"], TOUCHPOINTS),
            "ticket_id": a_id("T", ID_WIDTH, r["ticket"]),
            "comment": a_cat(r["comment"], COMMENTS),
        },
    )
