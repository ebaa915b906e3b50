"""The generated sample, domain by domain: the business rules and shapes of customers, plans and
fx rates, subscriptions, invoices, expenses and agents, tickets and interactions, surveys,
product usage and engagement (test_generate_data.py: files, formats, keys, references, bad
rows)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.tools.generated import END, START, connect, run_generator, scalar
from tools.generate_data.product import EVENT_TYPES


def test_customer_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    segments = db.execute("SELECT DISTINCT segment FROM customers").fetchall()
    assert {s for (s,) in segments} == {"smb", "mid_market", "enterprise"}
    channels = {
        c for (c,) in db.execute("SELECT DISTINCT acquisition_channel FROM customers").fetchall()
    }
    assert channels == {"organic", "paid", "partner", "referral", "outbound"}
    referral = db.execute(
        """SELECT count(*), count(*) FILTER (WHERE r.signed_up_at <= c.signed_up_at)
           FROM customers c JOIN customers r ON r.customer_id = c.referred_by_customer_id"""
    ).fetchone()
    assert referral is not None and referral[0] > 0 and referral[0] == referral[1]
    assert (
        scalar(
            db,
            """SELECT count(*) FROM customers WHERE onboarding_completed_at < signed_up_at
           OR first_value_at < signed_up_at""",
        )
        == 0
    )
    counts = db.execute(
        "SELECT count(*), count(onboarding_completed_at), count(first_value_at) FROM customers"
    ).fetchone()
    assert counts is not None
    total, onboarded, valued = counts
    assert total / 2 < onboarded < total and total / 2 < valued < total


def test_plans_and_fx_rates(db: duckdb.DuckDBPyConnection) -> None:
    intervals = db.execute(
        "SELECT DISTINCT billing_interval, currency FROM subscriptions"
    ).fetchall()
    assert {i for i, _ in intervals} == {"month", "quarter", "year"}
    assert {c for _, c in intervals} == {"USD", "EUR", "GBP", "TRY"}
    assert scalar(db, "SELECT min(list_price) FROM plans") >= 0
    rates = db.execute(
        """SELECT currency, min(rate_date), max(rate_date), count(DISTINCT usd_per_unit),
                  min(usd_per_unit) FROM fx_rates GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert [r[0] for r in rates] == ["EUR", "GBP", "TRY"]
    for _, first, last, distinct, lowest in rates:
        assert str(first) <= START and str(last) >= "2025-06-23" and distinct > 50 and lowest > 0


def test_try_depreciates_and_turkish_customers_pay_in_it(db: duckdb.DuckDBPyConnection) -> None:
    """TRY loses a few percent a month against the dollar; EUR and GBP stay near their level."""
    monthly_change = db.execute(
        """SELECT currency,
                  exp(ln(arg_max(usd_per_unit, rate_date) / arg_min(usd_per_unit, rate_date))
                      / (date_diff('day', min(rate_date), max(rate_date)) / 30.4375)) - 1
           FROM fx_rates GROUP BY ALL"""
    ).fetchall()
    change = {currency: float(value) for currency, value in monthly_change}
    assert -0.04 < change["TRY"] < -0.015, change
    assert abs(change["EUR"]) < 0.01 and abs(change["GBP"]) < 0.01, change
    billed = db.execute(
        """SELECT DISTINCT c.country, s.currency FROM subscriptions s
           JOIN customers c USING (customer_id) WHERE 'TRY' IN (c.country, s.currency)
              OR c.country = 'TR'"""
    ).fetchall()
    assert billed == [("TR", "TRY")]


def test_subscription_rules(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM subscriptions WHERE valid_to <= valid_from") == 0
    assert scalar(db, "SELECT count(*) FROM subscriptions WHERE seats < 0") == 0
    assert (
        scalar(
            db,
            """SELECT count(*) FROM subscriptions WHERE (is_trial AND recurring_amount <> 0)
           OR (NOT is_trial AND recurring_amount <= 0)""",
        )
        == 0
    )
    versions = """SELECT *, lead(valid_from) OVER w AS next_from,
                         row_number() OVER w = count(*) OVER (PARTITION BY subscription_id) AS last
                  FROM subscriptions
                  WINDOW w AS (PARTITION BY subscription_id ORDER BY valid_from)"""
    broken = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE NOT last AND valid_to IS NULL),
              count(*) FILTER (WHERE NOT last AND cancel_reason IS NOT NULL),
              count(*) FILTER (WHERE NOT last AND NOT is_trial AND next_from <> valid_to),
              count(*) FILTER (WHERE NOT last AND is_trial AND next_from < valid_to),
              count(*) FILTER (WHERE last AND valid_to IS NULL AND cancel_reason IS NOT NULL)
            FROM ({versions})"""
    ).fetchone()
    assert broken == (0, 0, 0, 0, 0)
    one_customer = """SELECT count(DISTINCT customer_id) FROM subscriptions
                      GROUP BY subscription_id HAVING count(DISTINCT customer_id) > 1"""
    assert db.execute(one_customer).fetchall() == []


def test_subscription_shapes(db: duckdb.DuckDBPyConnection) -> None:
    pairs = """SELECT s.*, lead(valid_from) OVER w AS next_from,
                      lead(is_trial) OVER w AS next_trial,
                      lead(recurring_amount) OVER w AS next_amount,
                      lead(billing_interval) OVER w AS next_ivl
               FROM subscriptions s
               WINDOW w AS (PARTITION BY subscription_id ORDER BY valid_from)"""
    shapes = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE is_trial AND next_trial = false
                               AND next_from <= valid_to + 30),
              count(*) FILTER (WHERE is_trial AND next_from IS NULL AND valid_to IS NOT NULL),
              count(*) FILTER (WHERE NOT is_trial AND billing_interval = next_ivl
                               AND next_amount > recurring_amount),
              count(*) FILTER (WHERE NOT is_trial AND billing_interval = next_ivl
                               AND next_amount < recurring_amount),
              count(*) FILTER (WHERE NOT is_trial AND cancel_reason IS NOT NULL),
              count(*) FILTER (WHERE is_trial AND next_from > valid_to)
            FROM ({pairs})"""
    ).fetchone()
    assert shapes is not None
    converted, lapsed, upgrades, downgrades, cancellations, late_conversions = shapes
    assert converted > 0 and lapsed > 0 and upgrades > 0 and downgrades > 0 and cancellations > 0
    assert late_conversions > 0  # a trial that lapsed, then converted after a gap
    reactivations = scalar(
        db,
        """SELECT count(*) FROM subscriptions a JOIN subscriptions b
             ON a.customer_id = b.customer_id AND a.subscription_id <> b.subscription_id
           WHERE a.cancel_reason IS NOT NULL AND NOT a.is_trial AND NOT b.is_trial
             AND b.valid_from > a.valid_to""",
    )
    assert reactivations > 0


def test_invoice_rules(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE invoice_type = 'invoice' AND amount <= 0),
             count(*) FILTER (WHERE invoice_type = 'credit_note' AND amount >= 0),
             count(*) FILTER (WHERE due_date < issued_at::DATE),
             count(*) FILTER (WHERE (status = 'paid') <> (paid_at IS NOT NULL)),
             count(*) FILTER (WHERE paid_at < issued_at),
             count(*) FILTER (WHERE invoice_type NOT IN ('invoice', 'credit_note')
                              OR status NOT IN ('paid', 'open', 'void', 'uncollectible'))
           FROM invoices"""
    ).fetchone()
    assert broken == (0, 0, 0, 0, 0, 0)
    currency_mismatch = """SELECT count(*) FROM invoices i
                           JOIN subscriptions s USING (subscription_id)
                           WHERE i.currency <> s.currency"""
    assert scalar(db, currency_mismatch) == 0


def test_invoice_shapes(db: duckdb.DuckDBPyConnection) -> None:
    shapes = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE invoice_type = 'invoice' AND paid_at::DATE > due_date),
              count(*) FILTER (WHERE status = 'open' AND due_date < DATE '{END}'),
              count(*) FILTER (WHERE status = 'uncollectible'),
              count(*) FILTER (WHERE invoice_type = 'credit_note'),
              count(DISTINCT currency),
              count(*) FILTER (WHERE subscription_id IS NULL)
            FROM invoices"""
    ).fetchone()
    assert shapes is not None
    late, open_past_due, uncollectible, credit_notes, currencies, one_off = shapes
    assert late > 0 and open_past_due > 0 and uncollectible > 0 and credit_notes > 0
    assert currencies == 4 and one_off > 0


def test_paid_versions_are_invoiced(db: duckdb.DuckDBPyConnection) -> None:
    uninvoiced = """SELECT count(*) FROM subscriptions s WHERE NOT is_trial AND NOT EXISTS (
                      SELECT 1 FROM invoices i WHERE i.subscription_id = s.subscription_id
                        AND i.invoice_type = 'invoice' AND i.issued_at::DATE = s.valid_from)"""
    assert scalar(db, uninvoiced) == 0


def test_expenses_and_agents(db: duckdb.DuckDBPyConnection) -> None:
    kinds = db.execute("SELECT DISTINCT cost_type, category, currency FROM expenses").fetchall()
    assert {k[0] for k in kinds} == {"acquisition", "retention"}
    assert {k[1] for k in kinds} >= {"salaries", "programs", "training", "marketing", "tools"}
    assert {k[2] for k in kinds} == {"USD", "EUR"}
    assert scalar(db, "SELECT count(*) FROM expenses WHERE amount < 0") == 0
    assert scalar(db, "SELECT count(*) FROM expenses WHERE day(expense_month) <> 1") == 0
    months = scalar(db, "SELECT count(DISTINCT expense_month) FROM expenses")
    assert months == 30
    assert scalar(db, "SELECT count(DISTINCT team) FROM agents") >= 3


def test_ticket_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE first_response_at < created_at OR resolved_at < created_at),
             count(*) FILTER (WHERE (status IN ('solved', 'closed')) <> (resolved_at IS NOT NULL)),
             count(*) FILTER (WHERE reopened_count < 0)
           FROM tickets"""
    ).fetchone()
    assert broken == (0, 0, 0)
    shape = db.execute(
        """SELECT list(DISTINCT severity ORDER BY severity),
                  list(DISTINCT channel ORDER BY channel),
                  list(DISTINCT status ORDER BY status), list(DISTINCT reopened_count),
                  count(*) - count(first_response_at), count(*) - count(resolved_at),
                  list(DISTINCT category)
           FROM tickets"""
    ).fetchone()
    assert shape is not None
    severities, channels, statuses, reopened, no_response, unresolved, categories = shape
    assert severities == [1, 2, 3, 4]
    assert channels == ["chat", "email", "phone", "social", "web"]
    assert set(statuses) >= {"open", "solved", "closed"}
    assert set(reopened) >= {0, 1, 2}
    assert no_response > 0 and unresolved > 0
    assert set(categories) >= {"billing", "bug", "how_to", "outage", "complaint"}


def test_interaction_rules(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE x.started_at < t.created_at),
              count(*) FILTER (WHERE x.started_at > TIMESTAMP '{END} 23:59:59'),
              count(*) FILTER (WHERE talk_seconds < 0 OR hold_seconds < 0 OR after_work_seconds < 0)
            FROM ticket_interactions x JOIN tickets t USING (ticket_id)"""
    ).fetchone()
    assert broken == (0, 0, 0)
    counts = db.execute(
        """SELECT count(*) FILTER (WHERE n = 0 AND first_response_at IS NOT NULL),
                  count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
           FROM (SELECT t.ticket_id, any_value(first_response_at) AS first_response_at,
                        count(x.interaction_id) AS n
                 FROM tickets t LEFT JOIN ticket_interactions x USING (ticket_id) GROUP BY 1)"""
    ).fetchone()
    assert counts is not None
    responded_without_contact, single, several = counts
    assert responded_without_contact == 0 and single > 0 and several > 0


def test_survey_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    invitations = db.execute(
        """SELECT list(DISTINCT survey_type ORDER BY survey_type),
                  list(DISTINCT channel ORDER BY channel),
                  list(DISTINCT touchpoint ORDER BY touchpoint),
                  count(*) FILTER (WHERE touchpoint = 'support' AND ticket_id IS NOT NULL)
           FROM survey_invitations"""
    ).fetchone()
    assert invitations is not None
    types, channels, touchpoints, support_with_ticket = invitations
    assert types == ["ces", "csat", "nps"]
    assert channels == ["chat", "email", "in_app", "sms"]
    assert touchpoints == ["onboarding", "purchase", "relationship", "renewal", "support"]
    assert support_with_ticket > 0
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE r.survey_type = 'nps' AND r.score NOT BETWEEN 0 AND 10),
             count(*) FILTER (WHERE r.survey_type <> 'nps' AND r.score NOT BETWEEN 1 AND 5),
             count(*) FILTER (WHERE r.responded_at < i.sent_at),
             count(*) FILTER (WHERE r.customer_id <> i.customer_id
                              OR r.survey_type <> i.survey_type)
           FROM survey_responses r LEFT JOIN survey_invitations i USING (invitation_id)"""
    ).fetchone()
    assert broken == (0, 0, 0, 0)
    uninvited = scalar(db, "SELECT count(*) FROM survey_responses WHERE invitation_id IS NULL")
    invited = scalar(db, "SELECT count(*) FROM survey_responses WHERE invitation_id IS NOT NULL")
    assert 0 < uninvited < invited
    rates = dict(
        db.execute(
            """SELECT i.channel, count(r.response_id) / count(*) FROM survey_invitations i
               LEFT JOIN survey_responses r USING (invitation_id) GROUP BY 1"""
        ).fetchall()
    )
    assert rates["sms"] > rates["email"]


def test_usage_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    outside = """SELECT count(*) FROM product_usage u WHERE NOT EXISTS (
                   SELECT 1 FROM subscriptions s WHERE s.customer_id = u.customer_id
                     AND u.usage_date >= s.valid_from
                     AND (s.valid_to IS NULL OR u.usage_date < s.valid_to))"""
    assert scalar(db, outside) == 0
    assert (
        scalar(
            db,
            """SELECT count(*) FROM product_usage
           WHERE active_users < 0 OR sessions < 0 OR key_feature_events < 0""",
        )
        == 0
    )
    over_seats = scalar(
        db,
        """SELECT avg((u.active_users > s.seats)::INT) FROM product_usage u JOIN subscriptions s
             ON s.customer_id = u.customer_id AND u.usage_date >= s.valid_from
            AND (s.valid_to IS NULL OR u.usage_date < s.valid_to)""",
    )
    assert 0 < over_seats < 0.05
    weekend, weekday = db.execute(
        """SELECT sum(active_users) FILTER (WHERE dayofweek(usage_date) IN (0, 6)) / 2,
                  sum(active_users) FILTER (WHERE dayofweek(usage_date) NOT IN (0, 6)) / 5
           FROM product_usage"""
    ).fetchone() or (None, None)
    assert weekend < weekday / 2


def test_engagement_events(db: duckdb.DuckDBPyConnection) -> None:
    types = {
        t for (t,) in db.execute("SELECT DISTINCT event_type FROM engagement_events").fetchall()
    }
    assert types == set(EVENT_TYPES)
    referrals = scalar(
        db,
        """SELECT count(*) FROM engagement_events e WHERE event_type = 'referral_made'
           AND NOT EXISTS (SELECT 1 FROM customers c
                           WHERE c.referred_by_customer_id = e.customer_id)""",
    )
    assert referrals == 0


def test_unhappy_customers_churn_more(tmp_path: Path) -> None:
    """Health signal: small customers who churned gave lower NPS, opened more tickets per day
    live and had fewer active users per seat than those who stayed."""
    con = connect(run_generator(tmp_path / "signal", customers=400))
    row = con.execute(
        """WITH c AS (SELECT customer_id,
                         bool_or(cancel_reason IS NOT NULL AND NOT is_trial)
                           AND bool_and(valid_to IS NOT NULL) AS churned,
                         sum(coalesce(valid_to, DATE '2025-07-01') - valid_from) AS live_days
                       FROM subscriptions GROUP BY 1),
             nps AS (SELECT customer_id, avg(score) AS nps FROM survey_responses
                     WHERE survey_type = 'nps' GROUP BY 1),
             t AS (SELECT customer_id, count(*) AS tickets FROM tickets GROUP BY 1),
             u AS (SELECT u.customer_id, avg(u.active_users / s.seats) AS adoption
                   FROM product_usage u JOIN subscriptions s
                     ON s.customer_id = u.customer_id AND u.usage_date >= s.valid_from
                    AND (s.valid_to IS NULL OR u.usage_date < s.valid_to)
                   GROUP BY 1)
           SELECT avg(nps) FILTER (WHERE churned), avg(nps) FILTER (WHERE NOT churned),
                  sum(tickets) FILTER (WHERE churned) / sum(live_days) FILTER (WHERE churned),
                  sum(tickets) FILTER (WHERE NOT churned)
                    / sum(live_days) FILTER (WHERE NOT churned),
                  avg(adoption) FILTER (WHERE churned), avg(adoption) FILTER (WHERE NOT churned)
           FROM c JOIN customers USING (customer_id) LEFT JOIN nps USING (customer_id)
           LEFT JOIN t USING (customer_id) LEFT JOIN u USING (customer_id)
           WHERE segment = 'smb'"""
    ).fetchone()
    assert row is not None
    nps_churned, nps_kept, tickets_churned, tickets_kept, usage_churned, usage_kept = row
    assert nps_churned < nps_kept - 0.5
    assert tickets_churned > tickets_kept
    assert usage_churned < usage_kept
