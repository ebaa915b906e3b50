"""Deterministic raw-data generator for the customer_success warehouse.

Writes every raw table of the raw contract (docs/raw-data.md) as ``<table>.csv`` (or
``<table>.parquet``) into ``--out``::

    python -m tools.generate_data --out seeds --customers 400 --start 2023-01-01 \
        --end 2025-06-30 --seed 42 --format csv --inject-bad-rows

The output depends only on the arguments: two runs with the same arguments (and the same
numpy / pyarrow versions) give byte-identical files. ``--append-day`` adds one more day to an
existing directory instead (append_day.py).

How it works (dataset.py)
-------------------------
* The tables and columns come from the raw contract (contract.py); every value written is one
  the contract accepts.
* Small global tables (plans, agents, fx_rates, expenses) are written first.
* Customers are generated in chunks (``--chunk-size``, default 10,000). Signup times are drawn
  once for all customers (sorted, so ``C000001`` is the earliest customer); every other
  attribute and every child row of a chunk comes from random streams seeded with
  ``(seed, stream, chunk index)``. Each chunk is appended to the output files (writers.py), so
  memory stays bounded by the chunk size.
* Each customer has a latent *happiness*. Unhappy customers churn more, upgrade less, open more
  (and more severe) tickets, answer surveys with lower scores, use the product less, pay later
  and open fewer e-mails, so a health score computed from the data has signal. One module per
  domain: billing.py (customers, price list, fx rates, expenses, invoices), subscriptions.py,
  support.py, surveys.py, product.py.

Dates: nothing is dated after ``--end``. Versions still in force at ``--end`` have an empty
``valid_to``; invoice due dates are capped at ``--end``; FX rates start on or before ``--start``.

With ``--inject-bad-rows`` the documented contract-breaking rows are appended after the first
chunk (bad_rows.py); ``survey_responses.responded_at`` is then written as text in Parquet too, so
that it can carry an unparseable date.
"""
