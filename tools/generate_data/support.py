"""Support: agents, tickets and the agent contacts on them."""

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    DAY,
    HOUR,
    NULL,
    Cols,
    a_cat,
    a_date,
    a_id,
    a_int,
    a_ts,
    business_seconds,
    lognormal_around,
    pick,
    pick_rows,
    rng_for,
    scatter_days,
    take,
    uniform_int,
)
from tools.generate_data.context import (
    CHUNK_STREAMS,
    ID_WIDTH,
    STREAM_AGENTS,
    TEAM_OF_SLOT,
    TEAMS,
    Context,
)
from tools.generate_data.contract import accepted_codes, make_table
from tools.generate_data.risk import Episodes

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Deniz",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
)
LAST_NAMES = (
    "Yılmaz",
    "Smith",
    "García",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Dubois",
    "Kaya",
    "Tanaka",
    "Silva",
    "Murphy",
    "Novak",
    "Andersen",
    "Patel",
)

TICKET_RATE_MONTHLY = np.array([0.30, 0.70, 1.60])
TICKET_CATEGORIES = ("billing", "bug", "how_to", "outage", "complaint", "account")
CATEGORY_P_HAPPY = (0.16, 0.24, 0.40, 0.06, 0.04, 0.10)
CATEGORY_P_UNHAPPY = (0.18, 0.30, 0.22, 0.08, 0.14, 0.08)
SEVERITY_P_BY_CATEGORY = np.array(
    [
        [0.25, 0.55, 0.17, 0.03],  # billing
        [0.15, 0.45, 0.30, 0.10],  # bug
        [0.55, 0.40, 0.05, 0.00],  # how_to
        [0.00, 0.10, 0.40, 0.50],  # outage
        [0.10, 0.45, 0.35, 0.10],  # complaint
        [0.40, 0.50, 0.10, 0.00],  # account
    ]
)
RESOLVE_HOURS_BY_CATEGORY = np.array([10.0, 50.0, 4.0, 5.0, 30.0, 8.0])
EXTRA_INTERACTIONS_BY_CATEGORY = np.array([0.5, 1.4, 0.35, 0.7, 1.5, 0.4])
TICKET_CHANNELS = accepted_codes("tickets", "channel", ("email", "chat", "phone", "social", "web"))
accepted_codes("ticket_interactions", "channel", TICKET_CHANNELS)
TICKET_CHANNEL_P = (0.38, 0.25, 0.15, 0.05, 0.17)
FIRST_RESPONSE_MEDIAN_S = np.array([3 * HOUR, 120, 30, 2 * HOUR, 4 * HOUR])
TALK_MEDIAN_S = np.array([240, 600, 420, 120, 240])
TICKET_STATUSES = accepted_codes(
    "tickets", "status", ("new", "open", "pending", "solved", "closed")
)


def agents_table(ctx: Context) -> pa.Table:
    n = len(ctx.agent_team)
    rng = rng_for(ctx.cfg.seed, STREAM_AGENTS, 1)
    first = pick(rng, [1] * len(FIRST_NAMES), n)
    last = pick(rng, [1] * len(LAST_NAMES), n)
    names = [f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)]
    # Hire dates are sometimes unknown: always for the last agent, now and then for others.
    unknown = (np.arange(n) >= len(TEAM_OF_SLOT)) & (rng.random(n) < 0.05)
    unknown[-1] = True
    return make_table(
        "agents",
        {
            "agent_id": a_id("A", 4, np.arange(1, n + 1)),
            "agent_name": pa.array(names),
            "team": a_cat(ctx.agent_team, TEAMS),
            "hired_at": a_date(np.where(unknown, NULL, ctx.agent_hired)),
        },
    )


def gen_tickets(ctx: Context, c: Cols, sp: Cols, risk: Episodes, chunk: int) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["tickets"], chunk)
    cust = sp["cust"]
    rate = TICKET_RATE_MONTHLY[c["seg"][cust]] / 30 * np.exp(-0.45 * c["happy"][cust])
    rate = rate * np.where(sp["trial"], 1.4, 1.0)
    iv, day = scatter_days(rng, sp["start"], sp["stop"], rate)
    tc = sp["cust"][iv]
    h = c["happy"][tc]
    n = len(iv)
    unhappy = (h < -0.5)[:, None]
    category = pick_rows(rng, np.where(unhappy, CATEGORY_P_UNHAPPY, CATEGORY_P_HAPPY))
    day = snap_to_outages(ctx, rng, category, day, sp["start"][iv], sp["stop"][iv])
    sev_p = SEVERITY_P_BY_CATEGORY[category] + np.where(unhappy, [-0.05, -0.05, 0.05, 0.05], 0)
    severity = 1 + pick_rows(rng, np.clip(sev_p, 0, None))
    severe = episode_tickets(ctx, rng, risk)
    m = len(severe["cust"])
    t: Cols = {
        "cust": np.concatenate([tc, severe["cust"]]),
        "category": np.concatenate([category, severe["category"]]),
        "severity": np.concatenate([severity, severe["severity"]]),
        "channel": pick(rng, TICKET_CHANNEL_P, n + m),
        "created_ts": np.concatenate([day, severe["day"]]) * DAY
        + business_seconds(rng, n + m, 13.0, 4.0),
        "stuck_ts": np.concatenate([np.full(n, NULL), severe["stuck_day"] * DAY]),
    }
    n += m
    h = np.concatenate([h, np.full(m, -2.0)])
    t.update(ticket_lifecycle(ctx, rng, t, h))
    # an episode's tickets come back: the fix did not hold
    t["reopened"][n - m :] = pick(rng, (0.3, 0.45, 0.25), m)
    del t["stuck_ts"]
    t.update(ticket_assignees(ctx, rng, t, c["seg"][t["cust"]]))
    order = np.lexsort((t["cust"], t["created_ts"]))
    t = take(t, order)
    t["id"] = ctx.next_ids("ticket", n)
    return t


def episode_tickets(ctx: Context, rng: np.random.Generator, risk: Episodes) -> Cols:
    """Severe bugs, outages and complaints early in an at-risk episode, left unresolved until
    after it ends (so open at the month ends the health score looks at)."""
    k = len(risk.cust)
    count = np.where(rng.random(k) < 0.85, 1 + rng.poisson(1.0, k), 0)
    ep = np.repeat(np.arange(k), count)
    last = np.minimum(risk.stop[ep], ctx.end_day + 1)
    span = np.minimum(last - risk.start[ep], 60)
    return {
        "cust": risk.cust[ep],
        "day": risk.start[ep] + np.floor(rng.random(len(ep)) * span).astype(np.int64),
        "category": rng.choice([1, 3, 4], len(ep)),
        "severity": 3 + (rng.random(len(ep)) < 0.4),
        "stuck_day": risk.stop[ep] + uniform_int(rng, 3, 40, len(ep)),
    }


def snap_to_outages(
    ctx: Context,
    rng: np.random.Generator,
    category: np.ndarray,
    day: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
) -> np.ndarray:
    """Move most outage tickets to the nearest global outage day (when the customer is live)."""
    if len(ctx.outage_days) == 0 or len(day) == 0:
        return day
    nearest = ctx.outage_days[np.argmin(np.abs(day[:, None] - ctx.outage_days[None, :]), axis=1)]
    move = (category == TICKET_CATEGORIES.index("outage")) & (rng.random(len(day)) < 0.6)
    move &= (nearest >= start) & (nearest < stop)
    return np.where(move, nearest, day)


def ticket_lifecycle(ctx: Context, rng: np.random.Generator, t: Cols, h: np.ndarray) -> Cols:
    n = len(h)
    created, sev, cat = t["created_ts"], t["severity"], t["category"]
    fr_delay = lognormal_around(rng, FIRST_RESPONSE_MEDIAN_S[t["channel"]], 1.0, n)
    fr_delay = (fr_delay / (1 + 0.4 * (sev - 1))).astype(np.int64) + 10
    reopened = pick_rows(rng, np.where((h < -0.5)[:, None], [0.8, 0.14, 0.06], [0.9, 0.08, 0.02]))
    res_h = lognormal_around(rng, RESOLVE_HOURS_BY_CATEGORY[cat], 1.0, n) * np.exp(-0.2 * h)
    res_h += reopened * lognormal_around(rng, 48.0, 0.8, n)
    resolved = np.maximum(created + fr_delay + (res_h * HOUR).astype(np.int64), t["stuck_ts"])
    stale = rng.random(n) < 0.015
    resolved = np.where(stale | (resolved > ctx.end_ts), NULL, resolved)
    first = created + fr_delay
    silent = (resolved >= 0) & (rng.random(n) < 0.01)
    waiting = (resolved < 0) & ((stale & (rng.random(n) < 0.2)) | (created > ctx.end_ts - 2 * DAY))
    first = np.where(silent | waiting | (first > ctx.end_ts), NULL, first)
    closed_ok = (resolved >= 0) & (resolved < ctx.end_ts - 4 * DAY) & (rng.random(n) < 0.85)
    status = np.select(
        [closed_ok, resolved >= 0, first < 0, rng.random(n) < 0.35],
        [4, 3, 0, 2],
        1,
    )
    return {"first_ts": first, "resolved_ts": resolved, "status": status, "reopened": reopened}


def ticket_assignees(ctx: Context, rng: np.random.Generator, t: Cols, seg: np.ndarray) -> Cols:
    n = len(seg)
    cat = t["category"]
    team = np.zeros(n, dtype=np.int64)
    team = np.where(np.isin(cat, [1, 3]) & (rng.random(n) < 0.6), 1, team)
    team = np.where(cat == 0, 2, team)
    team = np.where((seg == 2) & (rng.random(n) < 0.5), 3, team)
    agent = np.zeros(n, dtype=np.int64)
    day = t["created_ts"] // DAY
    for code in range(len(TEAMS)):
        members = np.flatnonzero(ctx.agent_team == code)
        veterans = members[ctx.agent_hired[members] < ctx.start_day]
        sel = np.flatnonzero(team == code)
        chosen = members[rng.integers(0, len(members), len(sel))]
        fallback = veterans[rng.integers(0, len(veterans), len(sel))]
        agent[sel] = np.where(ctx.agent_hired[chosen] <= day[sel], chosen, fallback)
    unassigned = (t["status"] == 0) & (rng.random(n) < 0.8)
    return {"agent": np.where(unassigned, NULL, agent)}


def tickets_table(ctx: Context, c: Cols, t: Cols) -> pa.Table:
    return make_table(
        "tickets",
        {
            "ticket_id": a_id("T", ID_WIDTH, t["id"]),
            "customer_id": ctx.local_customer_ids(t["cust"]),
            "created_at": a_ts(t["created_ts"]),
            "first_response_at": a_ts(t["first_ts"]),
            "resolved_at": a_ts(t["resolved_ts"]),
            "status": a_cat(t["status"], TICKET_STATUSES),
            "severity": a_int(t["severity"]),
            "channel": a_cat(t["channel"], TICKET_CHANNELS),
            "category": a_cat(t["category"], TICKET_CATEGORIES),
            "assignee_agent_id": a_id("A", 4, np.where(t["agent"] < 0, NULL, t["agent"] + 1)),
            "reopened_count": a_int(t["reopened"]),
        },
    )


def gen_interactions(ctx: Context, t: Cols, chunk: int) -> Cols:
    """Agent contacts: the first at first_response_at, the rest until resolution (or --end)."""
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["interactions"], chunk)
    n = len(t["id"])
    extra = rng.poisson(EXTRA_INTERACTIONS_BY_CATEGORY[t["category"]] + 0.2 * (t["severity"] - 1))
    extra += t["reopened"] * (1 + rng.poisson(0.5, n))
    count = np.where(t["first_ts"] < 0, 0, 1 + extra)
    ti = np.repeat(np.arange(n), count)
    m = len(ti)
    first_of = np.r_[0, np.cumsum(count)[:-1]]
    is_first = np.arange(m) == first_of[ti]
    last = np.where(
        t["resolved_ts"] >= 0, t["resolved_ts"], np.minimum(ctx.end_ts, t["first_ts"] + 20 * DAY)
    )
    frac = np.where(is_first, 0.0, rng.random(m))
    order = np.lexsort((frac, ti))
    ti, frac = ti[order], frac[order]
    span = np.maximum(last[ti] - t["first_ts"][ti], 0)
    started = t["first_ts"][ti] + (frac * span).astype(np.int64)
    channel = np.where(rng.random(m) < 0.85, t["channel"][ti], rng.choice([0, 2], m))
    veterans = np.flatnonzero(ctx.agent_hired < ctx.start_day)
    other = veterans[rng.integers(0, len(veterans), m)]
    own = t["agent"][ti]
    agent = np.where((own >= 0) & (rng.random(m) < 0.85), own, other)
    return {
        "ticket": t["id"][ti],
        "agent": agent,
        "channel": channel,
        "started_ts": started,
        **handling_seconds(rng, channel),
        "id": ctx.next_ids("interaction", m),
    }


def handling_seconds(rng: np.random.Generator, channel: np.ndarray) -> Cols:
    m = len(channel)
    talk = lognormal_around(rng, TALK_MEDIAN_S[channel], 0.6, m).astype(np.int64)
    hold_p = np.array([0.0, 0.2, 0.5, 0.0, 0.0])[channel]
    hold = np.where(rng.random(m) < hold_p, lognormal_around(rng, 60.0, 0.8, m), 0)
    after = lognormal_around(rng, 120.0, 0.7, m).astype(np.int64)
    return {"talk": talk, "hold": hold.astype(np.int64), "after": after}


def interactions_table(ctx: Context, x: Cols) -> pa.Table:
    return make_table(
        "ticket_interactions",
        {
            "interaction_id": a_id("TI", ID_WIDTH, x["id"]),
            "ticket_id": a_id("T", ID_WIDTH, x["ticket"]),
            "agent_id": a_id("A", 4, x["agent"] + 1),
            "channel": a_cat(x["channel"], TICKET_CHANNELS),
            "started_at": a_ts(x["started_ts"]),
            "talk_seconds": a_int(x["talk"]),
            "hold_seconds": a_int(x["hold"]),
            "after_work_seconds": a_int(x["after"]),
        },
    )
