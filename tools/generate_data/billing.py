"""Customers and billing: the price list, fx rates, expenses, customer accounts and invoices."""

import numpy as np
import pyarrow as pa

from tools.generate_data.columns import (
    DAY,
    HOUR,
    NULL,
    Cols,
    Rows,
    a_cat,
    a_date,
    a_dec,
    a_id,
    a_ts,
    lognormal_around,
    month_start,
    pick,
    pick_rows,
    rng_for,
    round_cents,
    sigmoid,
    take,
    uniform_int,
    weekday,
)
from tools.generate_data.context import (
    CHUNK_STREAMS,
    CURRENCIES,
    FX_MONTHLY_DRIFT,
    FX_START,
    ID_WIDTH,
    INTERVAL_LABEL,
    INTERVALS,
    SEGMENT_P,
    SEGMENTS,
    STREAM_EXPENSES,
    STREAM_FX,
    TIERS,
    Context,
    plan_ids,
)
from tools.generate_data.contract import accepted_codes, make_table
from tools.generate_data.risk import Episodes
from tools.generate_data.subscriptions import SubscriptionResult

# Turkish customers are billed in TRY, a currency that loses value against the dollar.
COUNTRIES = (
    ("US", 0.28, "USD"),
    ("TR", 0.15, "TRY"),
    ("GB", 0.10, "GBP"),
    ("DE", 0.09, "EUR"),
    ("FR", 0.06, "EUR"),
    ("NL", 0.04, "EUR"),
    ("ES", 0.03, "EUR"),
    ("IT", 0.02, "EUR"),
    ("IE", 0.02, "EUR"),
    ("CA", 0.06, "USD"),
    ("AU", 0.04, "USD"),
    ("IN", 0.04, "USD"),
    ("BR", 0.03, "USD"),
    ("SE", 0.03, "USD"),
    ("JP", 0.02, "USD"),
    ("SG", 0.03, "USD"),
)
INDUSTRIES = (
    "Software",
    "Retail",
    "Healthcare",
    "Financial services",
    "Manufacturing",
    "Education",
    "Logistics",
    "Media",
    "Professional services",
    "Non-profit",
)
CHANNELS_ACQ = accepted_codes(
    "customers", "acquisition_channel", ("organic", "paid", "partner", "referral", "outbound")
)
CHANNEL_ACQ_P = {
    0: (0.34, 0.27, 0.10, 0.17, 0.12),
    1: (0.25, 0.20, 0.15, 0.15, 0.25),
    2: (0.12, 0.08, 0.20, 0.15, 0.45),
}
NAME_HEADS = (
    "Acme",
    "Blue Harbor",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Müller",
    "Café Lumière",
    "Nordic",
    "Sakura",
    "Red Rock",
    "Silver Lake",
    "Bright Path",
    "O'Neill",
    "Ærø",
    "Pinecone",
    "Quantum",
    "Harbor & Sons",
)
NAME_BODIES = (
    "Logistics",
    "Analytics",
    "Foods",
    "Health",
    "Systems",
    "Labs",
    "Media",
    "Capital",
    "Retail",
    "Studios",
)
NAME_TAILS = ("", " Inc.", ", Inc.", " Ltd", " GmbH", " SARL", ", LLC", ' "Group"')


def plans_table(ctx: Context) -> pa.Table:
    n_cur = len(CURRENCIES)
    codes = np.arange(len(TIERS) * len(INTERVALS) * n_cur)
    tier, ivl, cur = codes // (3 * n_cur), (codes // n_cur) % 3, codes % n_cur
    ids = plan_ids()
    names = [
        f"{TIERS[t].title()} ({INTERVAL_LABEL[i]}, {CURRENCIES[c]})"
        for t, i, c in zip(tier, ivl, cur, strict=True)
    ]
    return make_table(
        "plans",
        {
            "plan_id": pa.array(ids),
            "plan_name": pa.array(names),
            "tier": a_cat(tier, TIERS),
            "billing_interval": a_cat(ivl, INTERVALS),
            "list_price": a_dec(ctx.price_cents[tier, ivl, cur]),
            "currency": a_cat(cur, CURRENCIES),
        },
    )


def fx_rates_table(ctx: Context) -> pa.Table:
    """EUR and TRY every weekday (central-bank style), GBP weekly on Mondays; all start on/before
    --start. Each log rate wanders around its trend line: flat for EUR and GBP, falling by
    FX_MONTHLY_DRIFT a month for TRY."""
    rng = rng_for(ctx.cfg.seed, STREAM_FX)
    days = np.arange(ctx.start_day - 7, ctx.end_day + 1)
    months_in = (days - days[0]) / 30.4375
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for cur in CURRENCIES[1:]:
        trend = np.log(FX_START[cur]) + FX_MONTHLY_DRIFT[cur] * months_in
        shocks = rng.normal(0, 0.0035, len(days))
        path = np.empty(len(days))
        x = trend[0]
        for i, shock in enumerate(shocks):
            x += 0.01 * (trend[i] - x) + shock
            path[i] = x
        keep = weekday(days) < 5 if cur != "GBP" else weekday(days) == 0
        first = np.flatnonzero(keep & (days <= ctx.start_day))[-1]
        keep[:first] = False
        code = CURRENCIES.index(cur)
        parts.append((days[keep], np.full(keep.sum(), code), np.exp(path[keep])))
    rate_day = np.concatenate([p[0] for p in parts])
    cur_code = np.concatenate([p[1] for p in parts])
    rate = np.concatenate([p[2] for p in parts])
    order = np.lexsort((cur_code, rate_day))
    return make_table(
        "fx_rates",
        {
            "rate_date": a_date(rate_day[order]),
            "currency": a_cat(cur_code[order], CURRENCIES),
            "usd_per_unit": a_dec(np.round(rate[order] * 1e6).astype(np.int64), 6),
        },
    )


EXPENSE_LINES = (
    # cost_type, category, currency, per new customer, per active customer, fixed per 400
    ("acquisition", "marketing", "USD", 650.0, 0.0, 2000.0),
    ("acquisition", "marketing", "EUR", 230.0, 0.0, 500.0),
    ("acquisition", "salaries", "USD", 400.0, 0.0, 9000.0),
    ("acquisition", "tools", "USD", 0.0, 0.0, 1200.0),
    ("retention", "salaries", "USD", 0.0, 30.0, 6000.0),
    ("retention", "programs", "USD", 60.0, 8.0, 0.0),
    ("retention", "training", "EUR", 0.0, 4.0, 300.0),
    ("retention", "tools", "USD", 0.0, 2.0, 800.0),
)
accepted_codes("expenses", "cost_type", sorted({line[0] for line in EXPENSE_LINES}))


def expenses_table(ctx: Context) -> pa.Table:
    rng = rng_for(ctx.cfg.seed, STREAM_EXPENSES)
    months = np.unique(month_start(np.arange(ctx.start_day, ctx.end_day + 1)))
    signup_month = month_start(ctx.signup_ts // DAY)
    new = np.array([(signup_month == m).sum() for m in months], dtype=float)
    active = np.cumsum(new) * 0.7
    scale = ctx.cfg.customers / 400
    rows = Rows("month", "type", "category", "currency", "cents")
    for cost_type, category, cur, per_new, per_active, fixed in EXPENSE_LINES:
        base = per_new * new + per_active * active + fixed * scale
        noise = rng.uniform(0.85, 1.15, len(months))
        rows.add(
            month=months,
            type=np.full(len(months), cost_type),
            category=np.full(len(months), category),
            currency=np.full(len(months), cur),
            cents=round_cents(base * noise * 100),
        )
    cols = rows.build()
    order = np.argsort(cols["month"], kind="stable")
    cols = take(cols, order)
    n = len(order)
    return make_table(
        "expenses",
        {
            "expense_id": a_id("E", 6, ctx.next_ids("expense", n)),
            "expense_month": a_date(cols["month"]),
            "cost_type": pa.array(cols["type"].tolist(), pa.string()),
            "category": pa.array(cols["category"].tolist(), pa.string()),
            "amount": a_dec(cols["cents"]),
            "currency": pa.array(cols["currency"].tolist(), pa.string()),
        },
    )


def gen_customers(ctx: Context, chunk: int, lo: int, hi: int) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["customers"], chunk)
    n = hi - lo
    gid = np.arange(lo, hi, dtype=np.int64)
    signup = ctx.signup_ts[lo:hi]
    seg = pick(rng, SEGMENT_P, n)
    country = pick(rng, [c[1] for c in COUNTRIES], n)
    cur_of_country = np.array([CURRENCIES.index(c[2]) for c in COUNTRIES])
    channel = pick_rows(rng, np.array([CHANNEL_ACQ_P[s] for s in range(3)])[seg])
    referral = CHANNELS_ACQ.index("referral")
    channel = np.where((channel == referral) & (gid == 0), 0, channel)
    recent = np.floor(gid * (1 - rng.random(n) ** 2)).astype(np.int64)
    referrer = np.where(channel == referral, np.minimum(recent, gid - 1), NULL)
    happy = rng.normal(0, 1, n) + np.where(channel == referral, 0.25, 0.0)
    onboard, first_value = onboarding_times(ctx, rng, signup, seg, happy)
    return {
        "gid": gid,
        "signup_ts": signup,
        "signup_day": signup // DAY,
        "seg": seg,
        "country": country,
        "cur": cur_of_country[country],
        "industry": pick(rng, [1] * len(INDUSTRIES), n),
        "name": pick(rng, [1] * (len(NAME_HEADS) * len(NAME_BODIES) * len(NAME_TAILS)), n),
        "channel": channel,
        "referrer": referrer,
        "happy": happy,
        "onboard_ts": onboard,
        "value_ts": first_value,
    }


def onboarding_times(
    ctx: Context, rng: np.random.Generator, signup: np.ndarray, seg: np.ndarray, happy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(signup)
    onb_days = lognormal_around(rng, np.array([4.0, 10.0, 25.0])[seg], 0.6, n)
    onb_days *= np.exp(-0.2 * happy)
    onboarded = rng.random(n) < sigmoid(2.0 + 0.8 * happy)
    onboard = signup + (onb_days * DAY).astype(np.int64)
    onboard = np.where(onboarded & (onboard <= ctx.end_ts), onboard, NULL)
    val_days = lognormal_around(rng, np.array([7.0, 15.0, 35.0])[seg], 0.7, n)
    val_days *= np.exp(-0.3 * happy)
    reached = rng.random(n) < sigmoid(1.5 + 1.0 * happy)
    value = signup + (val_days * DAY).astype(np.int64)
    value = np.where(reached & (value <= ctx.end_ts), value, NULL)
    return onboard, value


def customer_names() -> list[str]:
    return [f"{h} {b}{t}" for h in NAME_HEADS for b in NAME_BODIES for t in NAME_TAILS]


def customers_table(ctx: Context, c: Cols) -> pa.Table:
    ref = c["referrer"]
    return make_table(
        "customers",
        {
            "customer_id": ctx.cust_id(c["gid"]),
            "customer_name": a_cat(c["name"], customer_names()),
            "segment": a_cat(c["seg"], SEGMENTS),
            "country": a_cat(c["country"], [x[0] for x in COUNTRIES]),
            "industry": a_cat(c["industry"], INDUSTRIES),
            "signed_up_at": a_ts(c["signup_ts"]),
            "acquisition_channel": a_cat(c["channel"], CHANNELS_ACQ),
            "referred_by_customer_id": ctx.cust_id(ref),
            "onboarding_completed_at": a_ts(c["onboard_ts"]),
            "first_value_at": a_ts(c["value_ts"]),
        },
    )


P_CARD = np.array([0.80, 0.40, 0.05])
PAYMENT_TERMS = np.array([7, 30, 45])
INVOICE_STATUSES = accepted_codes("invoices", "status", ("paid", "open", "void", "uncollectible"))
INVOICE_TYPES = accepted_codes("invoices", "invoice_type", ("invoice", "credit_note"))


def gen_invoices(
    ctx: Context, c: Cols, subs: SubscriptionResult, tickets: Cols, risk: Episodes, chunk: int
) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["invoices"], chunk)
    p = subs.periods
    rows = Rows("cust", "sub", "type", "ts", "cents")
    rows.add(
        cust=p["cust"],
        sub=p["sub"],
        type=0,
        ts=p["day"] * DAY + uniform_int(rng, 0, 5 * HOUR, len(p["cust"])),
        cents=p["amount"],
    )
    fee = p["first"].astype(bool) & (c["seg"][p["cust"]] > 0)
    fee &= rng.random(len(fee)) < np.array([0.0, 0.15, 0.45])[c["seg"][p["cust"]]]
    f = np.flatnonzero(fee)
    rows.add(
        cust=p["cust"][f],
        sub=NULL,
        type=0,
        ts=p["day"][f] * DAY + 6 * HOUR + uniform_int(rng, 0, 8 * HOUR, len(f)),
        cents=uniform_int(rng, 50, 500, len(f)) * 1000,
    )
    cr = subs.credits
    rows.add(
        cust=cr["cust"],
        sub=cr["sub"],
        type=1,
        ts=cr["day"] * DAY + uniform_int(rng, 8 * HOUR, 18 * HOUR, len(cr["cust"])),
        cents=cr["amount"],
    )
    add_service_credits(ctx, rng, rows, tickets)
    inv = rows.build()
    order = np.lexsort((inv["cust"], inv["ts"]))
    inv = take(inv, order)
    inv.update(invoice_payments(ctx, rng, c, inv, risk))
    return inv


def add_service_credits(ctx: Context, rng: np.random.Generator, rows: Rows, t: Cols) -> None:
    """Goodwill credit notes after severe outages and complaints."""
    severe = np.isin(t["category"], [3, 4]) & (t["severity"] >= 3) & (t["resolved_ts"] >= 0)
    pick_ = np.flatnonzero(severe & (rng.random(len(severe)) < 0.35))
    ts = t["resolved_ts"][pick_] + uniform_int(rng, HOUR, 2 * DAY, len(pick_))
    keep = ts <= ctx.end_ts
    pick_, ts = pick_[keep], ts[keep]
    rows.add(
        cust=t["cust"][pick_],
        sub=NULL,
        type=1,
        ts=ts,
        cents=-uniform_int(rng, 5, 50, len(pick_)) * 500,
    )


def invoice_payments(
    ctx: Context, rng: np.random.Generator, c: Cols, inv: Cols, risk: Episodes
) -> Cols:
    """Payment of each invoice: unhappy customers and accounts in an at-risk episode pay late;
    in a payment-failure episode an invoice is paid when the debt is settled, or never."""
    n = len(inv["cust"])
    seg, h = c["seg"][inv["cust"]], c["happy"][inv["cust"]]
    issue_day = inv["ts"] // DAY
    credit = inv["type"] == 1
    terms = np.where(credit, 14, PAYMENT_TERMS[seg])
    due = np.minimum(issue_day + terms, ctx.end_day)
    card = rng.random(n) < P_CARD[seg]
    late = rng.random(n) < sigmoid(-2.6 - 0.9 * h + 3.0 * risk.level(inv["cust"], issue_day))
    delay = np.where(card, rng.uniform(0, 0.1, n), rng.uniform(0.2, 1.0, n) * terms)
    delay = np.where(late, terms + lognormal_around(rng, 12.0, 0.7, n), delay)
    delay = np.where(credit, rng.uniform(0, 5, n), delay)
    paid_ts = inv["ts"] + (delay * DAY).astype(np.int64) + uniform_int(rng, 60, HOUR, n)
    void = ~credit & (rng.random(n) < 0.008)
    failed, settle = risk.unpaid_at(inv["cust"], issue_day)
    failed &= ~credit & ~void
    paid_ts = np.where(
        failed, np.maximum(paid_ts, settle * DAY + uniform_int(rng, 0, DAY - 1, n)), paid_ts
    )
    never = ~credit & ~void & (rng.random(n) < 0.012 * np.exp(-0.8 * h))
    never |= failed & (settle < 0)
    written_off = never & (issue_day + 90 <= ctx.end_day)
    paid = ~void & ~never & (paid_ts <= ctx.end_ts)
    status = np.select([paid, void, written_off], [0, 2, 3], 1)
    return {"due": due, "status": status, "paid_ts": np.where(paid, paid_ts, NULL)}


def invoices_table(ctx: Context, c: Cols, inv: Cols) -> pa.Table:
    n = len(inv["cust"])
    return make_table(
        "invoices",
        {
            "invoice_id": a_id("INV", ID_WIDTH, ctx.next_ids("invoice", n)),
            "customer_id": ctx.local_customer_ids(inv["cust"]),
            "subscription_id": a_id("S", ID_WIDTH, inv["sub"]),
            "invoice_type": a_cat(inv["type"], INVOICE_TYPES),
            "issued_at": a_ts(inv["ts"]),
            "due_date": a_date(inv["due"]),
            "amount": a_dec(inv["cents"]),
            "currency": a_cat(c["cur"][inv["cust"]], CURRENCIES),
            "status": a_cat(inv["status"], INVOICE_STATUSES),
            "paid_at": a_ts(inv["paid_ts"]),
        },
    )
