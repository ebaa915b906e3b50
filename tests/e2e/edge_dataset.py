"""The e2e oracle test's hand-made dataset of traps (as of 2024-07-20), written as raw CSV files.

mid_market has no customer at all; 2023-04 is an empty month inside the spine (2023-03 ..
2024-07); every table holds rows dated after as_of_date. Each row's comment says which rule of
the metric contract it exercises.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

# fmt: off
EDGE_TABLES: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
    "customers": (
        "customer_id,customer_name,segment,country,industry,signed_up_at,acquisition_channel,"
        "referred_by_customer_id,onboarding_completed_at,first_value_at",
        [
            # signed up before the first spine month, never subscribes, answers the first NPS
            ("C20", "Early Bird", "enterprise", "DE", "Retail", "2023-01-15T00:00:00Z",
             "organic", "", "", ""),
            ("C01", "Monthly USD", "smb", "US", "Software", "2023-05-01T09:00:00Z", "organic", "",
             "2023-05-03T21:00:00Z", "2023-05-10T09:00:00Z"),
            ("C02", "Annual Up Down", "smb", "US", "Software", "2023-05-20T12:00:00Z", "paid", "",
             "2023-06-01T00:00:00Z", ""),
            ("C03", "Quarterly EUR", "enterprise", "DE", "Banking", "2023-05-10T00:00:00Z",
             "outbound", "", "2023-07-01T06:00:00Z", "2023-07-15T00:00:00Z"),
            ("C04", "Half Cent EUR", "smb", "FR", "Retail", "2023-06-02T00:00:00Z", "referral",
             "C01", "", ""),
            ("C05", "Half Cent Quarter", "smb", "US", "Retail", "2023-06-02T08:00:00Z", "organic",
             "", "2023-06-05T08:00:00Z", ""),
            ("C06", "Churn Comeback", "smb", "GB", "Media", "2023-06-01T00:00:00Z", "referral",
             "C01", "2023-06-02T00:00:00Z", "2023-06-03T12:00:00Z"),
            ("C07", "Trial Converts", "enterprise", "US", "Health", "2024-02-25T00:00:00Z",
             "referral", "C03", "2024-07-25T00:00:00Z", "2024-03-20T12:00:00Z"),
            ("C08", "Trial Lapses", "smb", "US", "Health", "2024-04-01T00:00:00Z", "organic", "",
             "", ""),
            ("C09", "Converts Day 30", "smb", "US", "Health", "2024-04-01T10:00:00Z", "partner",
             "", "", ""),
            ("C10", "Converts Day 31", "smb", "US", "Health", "2024-04-01T11:00:00Z", "paid", "",
             "", ""),
            ("C11", "Trial Past As Of", "enterprise", "DE", "Energy", "2024-07-10T00:00:00Z",
             "organic", "", "", ""),
            ("C12", "Paid Past As Of", "smb", "US", "Energy", "2024-06-25T00:00:00Z", "organic",
             "", "", ""),
            ("C13", "Signs Up Later", "smb", "US", "Energy", "2024-07-25T00:00:00Z", "organic",
             "", "", ""),
            ("C14", "Tiny MRR", "smb", "US", "Retail", "2023-08-01T00:00:00Z", "organic", "",
             "", ""),
            ("C15", "Month Boundaries", "enterprise", "US", "Retail", "2023-06-25T00:00:00Z",
             "outbound", "", "", ""),
            ("C16", "Mid Month New", "smb", "US", "Retail", "2024-07-14T00:00:00Z", "referral",
             "C02", "", ""),
            ("C17", "Trial Ends On As Of", "enterprise", "US", "Retail", "2024-07-06T00:00:00Z",
             "organic", "", "", ""),
            ("C19", "Only Later Rate", "smb", "CH", "Retail", "2024-06-01T00:00:00Z", "organic",
             "", "", ""),
            ("C18", "Two Half Cents", "enterprise", "US", "Retail", "2023-09-01T00:00:00Z",
             "partner", "", "", ""),
            ("C21", "Lira Depreciation", "smb", "TR", "Software", "2024-02-01T00:00:00Z",
             "partner", "", "", ""),
        ],
    ),
    "plans": (
        "plan_id,plan_name,tier,billing_interval,list_price,currency",
        [
            ("P_M_USD", "Monthly USD", "pro", "month", "20.00", "USD"),
            ("P_Q_USD", "Quarterly USD", "pro", "quarter", "60.00", "USD"),
            ("P_Y_USD", "Annual USD", "pro", "year", "240.00", "USD"),
            ("P_M_EUR", "Monthly EUR", "pro", "month", "10.00", "EUR"),
            ("P_Q_EUR", "Quarterly EUR", "enterprise", "quarter", "60.00", "EUR"),
            ("P_Y_EUR", "Annual EUR", "enterprise", "year", "1200.00", "EUR"),
            ("P_M_CHF", "Monthly CHF", "pro", "month", "20.00", "CHF"),
            ("P_M_TRY", "Monthly TRY", "pro", "month", "30000.00", "TRY"),
        ],
    ),
    "subscriptions": (
        "subscription_id,customer_id,plan_id,valid_from,valid_to,is_trial,seats,"
        "recurring_amount,billing_interval,currency,cancel_reason",
        [
            # churns on 2024-07-18, before the mid-month as_of snapshot (2024-07-20)
            ("S01", "C01", "P_M_USD", "2023-05-10", "2024-07-18", "false", 5, "100.00", "month",
             "USD", "budget_cuts"),
            # annual; upgrade on 2024-02-10 and downgrade on 2024-02-20 (only the last counts)
            ("S02", "C02", "P_Y_USD", "2023-06-01", "2024-02-10", "false", 10, "1200.00", "year",
             "USD", ""),
            ("S02", "C02", "P_Y_USD", "2024-02-10", "2024-02-20", "false", 20, "2400.00", "year",
             "USD", ""),
            ("S02", "C02", "P_Y_USD", "2024-02-20", "", "false", 5, "600.00", "year", "USD", ""),
            # quarterly EUR from before the first EUR rate, across the 2024-01-15 rate change
            ("S03", "C03", "P_Q_EUR", "2023-05-15", "", "false", 50, "3000.00", "quarter", "EUR",
             ""),
            # 10 EUR x 1.1005 = 11.005 -> 11.01 (half away from zero)
            ("S04", "C04", "P_M_EUR", "2023-06-05", "", "false", 1, "10.00", "month", "EUR", ""),
            # 60.015 / 3 = 20.005 -> 20.01; the version's own billing_interval (quarter) decides,
            # not its plan's (month)
            ("S05", "C05", "P_M_USD", "2023-06-10", "", "false", 1, "60.015", "quarter", "USD",
             ""),
            # churn on 2023-09-01, reactivation on 2023-12-05
            ("S06", "C06", "P_M_USD", "2023-06-01", "2023-09-01", "false", 2, "50.00", "month",
             "USD", "too_expensive"),
            ("S06B", "C06", "P_M_USD", "2023-12-05", "", "false", 3, "80.00", "month", "USD", ""),
            # trial converted the same day
            ("S07", "C07", "P_M_USD", "2024-03-01", "2024-03-15", "true", 5, "0", "month", "USD",
             ""),
            ("S07", "C07", "P_M_USD", "2024-03-15", "", "false", 5, "500.00", "month", "USD", ""),
            # trial never converted (its own subscription has no paid version) ...
            ("S08", "C08", "P_M_USD", "2024-04-01", "2024-04-15", "true", 1, "0", "month", "USD",
             ""),
            # ... though the customer buys another subscription within the window
            ("S08B", "C08", "P_M_USD", "2024-04-20", "", "false", 1, "15.00", "month", "USD", ""),
            # paid 30 days after the trial (converted) and 31 days after (not converted)
            ("S09", "C09", "P_M_USD", "2024-04-01", "2024-04-20", "true", 1, "0", "month", "USD",
             ""),
            ("S09", "C09", "P_M_USD", "2024-05-20", "", "false", 1, "40.00", "month", "USD", ""),
            ("S10", "C10", "P_M_USD", "2024-04-01", "2024-04-20", "true", 1, "0", "month", "USD",
             ""),
            ("S10", "C10", "P_M_USD", "2024-05-21", "", "false", 1, "40.00", "month", "USD", ""),
            # trial ending after as_of_date, paid version starting after as_of_date
            ("S11", "C11", "P_Y_EUR", "2024-07-10", "2024-07-24", "true", 10, "0", "year", "EUR",
             ""),
            ("S11", "C11", "P_Y_EUR", "2024-07-24", "", "false", 10, "12000.00", "year", "EUR",
             ""),
            # trial ended before as_of_date, converted only after it
            ("S12", "C12", "P_M_USD", "2024-06-25", "2024-07-05", "true", 1, "0", "month", "USD",
             ""),
            ("S12", "C12", "P_M_USD", "2024-07-25", "", "false", 1, "70.00", "month", "USD", ""),
            # entirely after as_of_date
            ("S13", "C13", "P_M_USD", "2024-08-01", "", "false", 1, "90.00", "month", "USD", ""),
            # 0.05 a year = 0.004 a month: rounds to 0.00, never a logo
            ("S14", "C14", "P_Y_USD", "2023-08-01", "", "false", 1, "0.05", "year", "USD", ""),
            # ends on the last day of July (not counted in July); starts on the last day of August
            ("S15B", "C15", "P_M_USD", "2023-07-01", "2023-07-31", "false", 1, "30.00", "month",
             "USD", ""),
            ("S15", "C15", "P_M_USD", "2023-08-31", "2023-09-15", "false", 1, "30.00", "month",
             "USD", "missing_features"),
            # starts after the middle of the as-of month but before as_of_date
            ("S16", "C16", "P_M_USD", "2024-07-15", "", "false", 2, "25.00", "month", "USD", ""),
            # trial ending on as_of_date itself, paid from that day: ended, converted and active
            ("S17", "C17", "P_M_USD", "2024-07-06", "2024-07-20", "true", 3, "0", "month", "USD",
             ""),
            ("S17", "C17", "P_M_USD", "2024-07-20", "", "false", 3, "300.00", "month", "USD", ""),
            # CHF has one rate only, dated after as_of_date: "else the earliest after it"
            ("S19", "C19", "P_M_CHF", "2024-06-01", "", "false", 1, "100.00", "month", "CHF", ""),
            # two versions of 10.005: the customer sum 20.01, not 10.01 + 10.01
            ("S18A", "C18", "P_M_USD", "2023-09-01", "", "false", 1, "10.005", "month", "USD", ""),
            ("S18B", "C18", "P_M_USD", "2023-09-01", "", "false", 1, "10.005", "month", "USD", ""),
            # TRY losing value every month: Feb new 960.00; Mar retained, fx -30.00; upgrade on
            # 2024-04-15: Apr expansion 36000 x 0.031 - 960 = 156.00, fx -18.00; May retained,
            # fx -18.00; June churn, involuntary (I21 open, due before s(June))
            ("S21", "C21", "P_M_TRY", "2024-02-01", "2024-04-15", "false", 1, "30000.00", "month",
             "TRY", ""),
            ("S21", "C21", "P_M_TRY", "2024-04-15", "2024-06-10", "false", 1, "36000.00", "month",
             "TRY", "payment_failed"),
        ],
    ),
    "fx_rates": (
        "rate_date,currency,usd_per_unit",
        [
            ("2023-01-01", "GBP", "1.25"),
            ("2023-08-01", "EUR", "1.1005"),
            ("2023-11-30", "EUR", "1.15"),  # on the snapshot date of November itself
            ("2024-01-15", "EUR", "1.20"),
            ("2024-07-25", "EUR", "1.30"),  # after as_of_date: never used
            ("2024-07-25", "CHF", "1.10"),  # after as_of_date, but the only CHF rate
            ("2024-01-31", "TRY", "0.0330"),
            ("2024-02-29", "TRY", "0.0320"),
            ("2024-03-01", "TRY", "0.0315"),  # after s(February): March's prev rate is 0.0320
            ("2024-03-31", "TRY", "0.0310"),
            ("2024-04-30", "TRY", "0.0305"),
            ("2024-05-31", "TRY", "0.0300"),
        ],
    ),
    "invoices": (
        "invoice_id,customer_id,subscription_id,invoice_type,issued_at,due_date,amount,currency,"
        "status,paid_at",
        [
            ("I01", "C01", "S01", "invoice", "2023-05-10T10:00:00Z", "2023-05-24", "100.00", "USD",
             "paid", "2023-05-12T00:00:00Z"),
            ("I02", "C01", "S01", "invoice", "2023-06-10T10:00:00Z", "2023-06-24", "100.00", "USD",
             "paid", "2023-06-11T00:00:00Z"),
            # issued before the first EUR rate: earliest rate after it
            ("I03", "C03", "S03", "invoice", "2023-05-15T00:00:00Z", "2023-06-15", "3000.00",
             "EUR", "paid", "2023-06-01T00:00:00Z"),
            # 11.005 + 11.005 - 5.5025: exact sum 16.5075 -> 16.51
            ("I04", "C04", "S04", "invoice", "2023-06-05T00:00:00Z", "2023-06-19", "10.00", "EUR",
             "paid", "2023-06-06T00:00:00Z"),
            ("I05", "C04", "S04", "invoice", "2023-08-05T00:00:00Z", "2023-08-19", "10.00", "EUR",
             "paid", "2023-08-06T00:00:00Z"),
            ("I06", "C04", "S04", "credit_note", "2023-08-20T00:00:00Z", "2023-08-20", "-5.00",
             "EUR", "paid", "2023-08-21T00:00:00Z"),
            # paid after as_of_date: not paid as of it
            ("I07", "C02", "S02", "invoice", "2024-07-10T00:00:00Z", "2024-07-20", "600.00", "USD",
             "paid", "2024-07-22T00:00:00Z"),
            ("I08", "C02", "S02", "invoice", "2023-06-01T00:00:00Z", "2023-06-15", "1200.00",
             "USD", "paid", "2023-06-03T00:00:00Z"),
            # one-off charge without a subscription
            ("I09", "C05", "", "invoice", "2023-09-15T00:00:00Z", "2023-09-30", "250.00", "USD",
             "paid", "2023-09-20T00:00:00Z"),
            ("I10", "C05", "S05", "invoice", "2023-06-10T00:00:00Z", "2023-06-30", "60.02", "USD",
             "open", ""),
            ("I11", "C06", "S06", "invoice", "2023-06-01T00:00:00Z", "2023-06-15", "50.00", "USD",
             "void", ""),
            ("I12", "C06", "S06", "invoice", "2023-07-01T00:00:00Z", "2023-07-15", "50.00", "USD",
             "uncollectible", ""),
            # issued after as_of_date
            ("I13", "C07", "S07", "invoice", "2024-07-25T00:00:00Z", "2024-08-08", "500.00", "USD",
             "paid", "2024-07-26T00:00:00Z"),
            ("I14", "C07", "S07", "invoice", "2024-03-15T00:00:00Z", "2024-03-29", "500.00", "USD",
             "paid", "2024-03-16T00:00:00Z"),
            ("I15", "C03", "S03", "invoice", "2024-02-15T00:00:00Z", "2024-03-15", "3000.00",
             "EUR", "paid", "2024-03-01T00:00:00Z"),
            ("I16", "C18", "S18A", "invoice", "2023-09-01T00:00:00Z", "2023-09-15", "10.01", "USD",
             "paid", "2023-09-01T12:00:00Z"),
            # paid before the first spine month: still in every cumulative figure
            ("I18", "C20", "", "invoice", "2023-02-10T00:00:00Z", "2023-02-24", "99.99", "USD",
             "paid", "2023-02-11T00:00:00Z"),
            # issued and paid in the last second of as_of_date, at the rate of that day
            ("I17", "C03", "S03", "invoice", "2024-07-20T23:59:59Z", "2024-08-20", "3000.00",
             "EUR", "paid", "2024-07-20T23:59:59Z"),
            # owed at C21's churn (June): involuntary
            ("I21", "C21", "S21", "invoice", "2024-05-22T00:00:00Z", "2024-06-05", "36000.00",
             "TRY", "open", ""),
            # C15 churns in September 2023 owing this one (paid on a day after s(September))
            ("I22", "C15", "S15", "invoice", "2023-08-31T00:00:00Z", "2023-09-10", "30.00", "USD",
             "paid", "2023-10-02T00:00:00Z"),
            # C01 churns in July 2024: paid on as_of_date = s(July) itself, voluntary
            ("I23", "C01", "S01", "invoice", "2024-07-01T00:00:00Z", "2024-07-08", "100.00", "USD",
             "paid", "2024-07-20T08:00:00Z"),
        ],
    ),
    "expenses": (
        "expense_id,expense_month,cost_type,category,amount,currency",
        [
            ("X01", "2023-05-01", "acquisition", "marketing", "1000.00", "USD"),
            ("X02", "2023-05-01", "acquisition", "marketing", "500.00", "EUR"),
            ("X03", "2023-05-01", "retention", "salaries", "2000.00", "USD"),
            ("X04", "2023-06-01", "acquisition", "marketing", "333.333", "USD"),
            ("X05", "2023-06-01", "retention", "programs", "10.00", "EUR"),
            # valued at 2024-01-01 (rate 1.15), not at the month's snapshot (rate 1.20)
            ("X06", "2024-01-01", "retention", "training", "100.00", "EUR"),
            ("X07", "2024-08-01", "acquisition", "marketing", "999.00", "USD"),
            ("X08", "2024-07-01", "acquisition", "marketing", "700.00", "USD"),
            # acquisition spend in a month without new customers: cac is null
            ("X09", "2023-10-01", "acquisition", "marketing", "400.00", "USD"),
        ],
    ),
    "agents": (
        "agent_id,agent_name,team,hired_at",
        [
            ("A1", "Ann", "frontline", "2022-01-01"),
            ("A2", "Bob", "tier2", ""),
            ("A3", "Cid", "frontline", "2024-06-01"),
        ],
    ),
    "tickets": (
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,status,severity,channel,"
        "category,assignee_agent_id,reopened_count",
        [
            ("T01", "C01", "2023-05-15T08:00:00Z", "2023-05-15T09:30:00Z", "2023-05-16T08:00:00Z",
             "closed", 2, "email", "how_to", "A1", 0),
            ("T02", "C03", "2023-05-20T10:00:00Z", "2023-05-20T10:15:00Z", "2023-06-02T10:00:00Z",
             "solved", 4, "phone", "outage", "A2", 0),
            ("T03", "C02", "2023-06-05T00:00:00Z", "2023-06-05T06:00:00Z", "2023-06-05T12:00:00Z",
             "closed", 1, "chat", "billing", "A1", 1),
            ("T04", "C04", "2023-06-10T00:00:00Z", "", "", "open", 3, "email", "bug", "", 0),
            # created exactly 48 h before the end of January: open there, but not backlog
            ("T05", "C05", "2024-01-30T00:00:00Z", "2024-01-30T01:00:00Z", "2024-02-02T00:00:00Z",
             "solved", 2, "web", "bug", "A1", 0),
            # resolved after as_of_date: still open at e(July)
            ("T06", "C07", "2024-07-10T00:00:00Z", "2024-07-10T04:00:00Z", "2024-07-25T00:00:00Z",
             "open", 3, "email", "bug", "A2", 0),
            # first response after as_of_date
            ("T07", "C07", "2024-07-19T12:00:00Z", "2024-07-22T00:00:00Z", "", "new", 2, "chat",
             "how_to", "A1", 0),
            # created after as_of_date, in a category never seen before it
            ("T08", "C01", "2024-07-21T09:00:00Z", "2024-07-21T10:00:00Z", "2024-07-22T00:00:00Z",
             "closed", 4, "phone", "security", "A1", 0),
            ("T09", "C03", "2024-07-15T00:00:00Z", "2024-07-15T02:00:00Z", "2024-07-16T00:00:00Z",
             "closed", 1, "phone", "billing", "A1", 0),
            # a ticket from a churned customer
            ("T10", "C06", "2023-09-02T00:00:00Z", "2023-09-02T03:00:00Z", "2023-09-03T00:00:00Z",
             "closed", 2, "email", "complaint", "A2", 0),
            # created at the first instant of November, resolved at the first instant of December
            # (open at the end of November), without any interaction (not FCR)
            ("T12", "C05", "2023-11-01T00:00:00Z", "2023-11-01T02:00:00Z", "2023-12-01T00:00:00Z",
             "solved", 3, "web", "billing", "A2", 0),
            ("T11", "C18", "2023-12-31T23:00:00Z", "2024-01-01T01:00:00Z", "2024-01-01T05:00:00Z",
             "closed", 2, "chat", "how_to", "A1", 0),
        ],
    ),
    "ticket_interactions": (
        "interaction_id,ticket_id,agent_id,channel,started_at,talk_seconds,hold_seconds,"
        "after_work_seconds",
        [
            ("TI01", "T01", "A1", "email", "2023-05-15T09:30:00Z", 600, 0, 120),
            ("TI02", "T02", "A2", "phone", "2023-05-20T10:15:00Z", 1200, 120, 600),
            ("TI03", "T02", "A1", "phone", "2023-06-01T10:00:00Z", 900, 60, 300),
            ("TI04", "T03", "A1", "chat", "2023-06-05T06:00:00Z", 300, 30, 60),
            ("TI05", "T05", "A1", "web", "2024-01-30T01:00:00Z", 400, 0, 100),
            ("TI06", "T06", "A2", "email", "2024-07-10T04:00:00Z", 500, 0, 200),
            ("TI07", "T06", "A2", "email", "2024-07-23T00:00:00Z", 500, 0, 200),
            ("TI08", "T09", "A1", "phone", "2024-07-15T02:00:00Z", 700, 50, 150),
            ("TI09", "T10", "A2", "email", "2023-09-02T03:00:00Z", 200, 0, 50),
            ("TI10", "T11", "A1", "chat", "2024-01-01T01:00:00Z", 350, 10, 40),
            ("TI11", "T08", "A1", "phone", "2024-07-21T10:00:00Z", 100, 0, 10),
        ],
    ),
    "survey_invitations": (
        "invitation_id,customer_id,survey_type,channel,touchpoint,ticket_id,sent_at",
        [
            # answered in the next month: counts for the month it was sent
            ("V01", "C01", "nps", "email", "relationship", "", "2023-05-30T10:00:00Z"),
            ("V02", "C02", "nps", "sms", "relationship", "", "2023-06-10T00:00:00Z"),
            ("V03", "C03", "nps", "email", "relationship", "", "2023-06-10T00:00:00Z"),
            ("V04", "C01", "csat", "email", "support", "T01", "2023-05-16T09:00:00Z"),
            ("V05", "C02", "csat", "sms", "support", "T03", "2023-06-05T13:00:00Z"),
            # answered after as_of_date
            ("V06", "C07", "nps", "in_app", "relationship", "", "2024-07-19T00:00:00Z"),
            # sent after as_of_date
            ("V07", "C07", "ces", "email", "support", "T06", "2024-07-21T00:00:00Z"),
            ("V08", "C04", "csat", "chat", "support", "T04", "2023-06-11T00:00:00Z"),
        ],
    ),
    "survey_responses": (
        "response_id,invitation_id,customer_id,survey_type,score,responded_at,touchpoint,"
        "ticket_id,comment",
        [
            # the first spine month (2023-03) holds only these; 2023-04 holds nothing at all
            ("R01", "", "C20", "nps", 10, "2023-03-10T12:00:00Z", "relationship", "", "great"),
            ("R02", "", "C20", "nps", 6, "2023-03-20T12:00:00Z", "relationship", "", ""),
            ("R03", "V01", "C01", "nps", 9, "2023-06-02T00:00:00Z", "relationship", "", ""),
            ("R04", "V02", "C02", "nps", 7, "2023-06-12T00:00:00Z", "relationship", "", ""),
            ("R05", "V04", "C01", "csat", 5, "2023-05-17T00:00:00Z", "support", "T01", ""),
            ("R06", "V05", "C02", "csat", 2, "2023-06-06T00:00:00Z", "support", "T03", "slow"),
            ("R07", "V08", "C04", "csat", 3, "2023-06-12T00:00:00Z", "support", "T04", ""),
            ("R08", "", "C03", "ces", 4, "2023-06-20T00:00:00Z", "onboarding", "", ""),
            ("R09", "", "C03", "nps", 0, "2023-06-25T00:00:00Z", "relationship", "", ""),
            ("R10", "V06", "C07", "nps", 10, "2024-07-21T00:00:00Z", "relationship", "", ""),
            ("R11", "", "C05", "csat", 4, "2024-02-02T01:00:00Z", "support", "T05", ""),
            ("R12", "", "C18", "ces", 1, "2024-01-05T00:00:00Z", "support", "T11", ""),
            ("R13", "", "C06", "nps", 8, "2023-09-03T00:00:00Z", "relationship", "", ""),
        ],
    ),
    # product_usage and engagement_events are optional and deliberately absent (= empty)
}
# fmt: on


def write_edge_dataset(out: Path) -> Path:
    """Hand-made traps, as of 2024-07-20. mid_market has no customer at all; 2023-04 is an
    empty month inside the spine (2023-03 .. 2024-07); every table holds rows dated after
    as_of_date."""
    out.mkdir(parents=True, exist_ok=True)
    for table, (header, rows) in EDGE_TABLES.items():
        with (out / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header.split(","))
            writer.writerows(rows)
    return out
