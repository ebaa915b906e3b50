"""The whole dataset: the small global tables first, then customers chunk by chunk with all their
rows, each chunk appended to the files so memory stays bounded by the chunk size."""

import math
from collections.abc import Iterator

import pyarrow as pa

from tools.generate_data.bad_rows import TEXT_IN_PARQUET_WITH_BAD_ROWS, bad_rows, text_table
from tools.generate_data.billing import (
    customers_table,
    expenses_table,
    fx_rates_table,
    gen_customers,
    gen_invoices,
    invoices_table,
    plans_table,
)
from tools.generate_data.columns import rng_for
from tools.generate_data.context import CHUNK_STREAMS, Config, Context, build_context
from tools.generate_data.product import engagement_table, gen_engagement, gen_usage, usage_table
from tools.generate_data.risk import draw_episodes
from tools.generate_data.subscriptions import (
    active_spells,
    simulate_subscriptions,
    subscriptions_table,
)
from tools.generate_data.support import (
    agents_table,
    gen_interactions,
    gen_tickets,
    interactions_table,
    tickets_table,
)
from tools.generate_data.surveys import (
    gen_invitations,
    gen_responses,
    invitations_table,
    responses_table,
)
from tools.generate_data.writers import Sink


def generate_chunk(ctx: Context, chunk: int, lo: int, hi: int) -> Iterator[tuple[str, pa.Table]]:
    """All rows of customers [lo, hi), table by table (product_usage in several batches)."""
    c = gen_customers(ctx, chunk, lo, hi)
    ctx.chunk_customer_ids = ctx.cust_id(c["gid"])
    subs = simulate_subscriptions(ctx, c, chunk)
    sp = active_spells(ctx, subs.versions)
    risk = draw_episodes(ctx, subs, sp, chunk)
    tickets = gen_tickets(ctx, c, sp, risk, chunk)
    interactions = gen_interactions(ctx, tickets, chunk)
    invoices = gen_invoices(ctx, c, subs, tickets, risk, chunk)
    survey_rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["surveys"], chunk)
    invitations = gen_invitations(ctx, survey_rng, c, sp, subs, tickets)
    responses = gen_responses(ctx, survey_rng, c, sp, invitations, risk)
    yield "customers", customers_table(ctx, c)
    yield "subscriptions", subscriptions_table(ctx, c, subs.versions)
    yield "invoices", invoices_table(ctx, c, invoices)
    yield "tickets", tickets_table(ctx, c, tickets)
    yield "ticket_interactions", interactions_table(ctx, interactions)
    yield "survey_invitations", invitations_table(ctx, c, invitations)
    yield "survey_responses", responses_table(ctx, c, responses)
    yield "engagement_events", engagement_table(ctx, c, gen_engagement(ctx, c, sp, risk, chunk))
    for usage in gen_usage(ctx, c, sp, risk, chunk):
        yield "product_usage", usage_table(ctx, usage)


def generate(cfg: Config) -> dict[str, int]:
    """Write all tables; returns the number of rows written per table."""
    if cfg.end < cfg.start:
        raise ValueError("--end is before --start")
    ctx = build_context(cfg)
    text_columns = TEXT_IN_PARQUET_WITH_BAD_ROWS if cfg.inject_bad_rows else set()
    sink = Sink(cfg.out, cfg.fmt, text_columns)
    try:
        sink.write("plans", plans_table(ctx))
        sink.write("agents", agents_table(ctx))
        sink.write("fx_rates", fx_rates_table(ctx))
        expenses = expenses_table(ctx)
        sink.write("expenses", expenses)
        n_chunks = math.ceil(cfg.customers / cfg.chunk_size)
        for chunk in range(n_chunks):
            lo, hi = chunk * cfg.chunk_size, min(cfg.customers, (chunk + 1) * cfg.chunk_size)
            samples: dict[str, pa.Table] = {"expenses": expenses}
            for name, table in generate_chunk(ctx, chunk, lo, hi):
                sink.write(name, table)
                samples.setdefault(name, table)
            if chunk == 0 and cfg.inject_bad_rows:
                for name, rows in bad_rows(ctx, samples).items():
                    sink.write(name, text_table(name, rows), text=True)
    finally:
        sink.close()
    return sink.rows
