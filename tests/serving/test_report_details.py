"""The report's behaviour on a hand-made data set (no warehouse): a value that rounds to zero has
no sign, the 1-5 score chart has a 1-5 axis, NPS points carry their response counts, the month
range (selectors, URL hash) limits the charts, tiles and tables, the FX impact is its own waterfall
bar, churn reasons add up over the range, the cohort heat map and the customer drill-down show
their rows. test_report.py compares the page with the marts of a built warehouse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from customer_success.report.data import MONTHLY_COLUMNS
from customer_success.report.page import render_page, write_atomically
from tests.serving.browser import PageLoad, load
from tests.serving.report_dom import attributes, chart_body, kpi_tiles

MONTHS = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
RESPONSES = [1, 4, 100, 25]
NPS = [100.0, -50.0, 20.0, 12.0]
SPECIAL: dict[str, list[Any]] = {
    "contraction_mrr": [0.0, 0.0, 0.0, 0.0],
    "churned_mrr": [0.3, 0.2, 0.4, 0.1],  # round to $0
    "starting_mrr": [1000.0, 1100.0, 1200.0, 1300.0],
    "new_mrr": [100.0, 100.0, 100.0, 100.0],
    "ending_mrr": [1100.0, 1200.0, 1300.0, 1400.0],
    "responses": RESPONSES,
    "nps": NPS,
    "csat_avg": [4.2, 4.5, 3.9, 4.1],
    "ces_avg": [3.0, 3.5, 4.0, 3.8],
    "net_revenue_churn_rate": [-0.0001, 0.01, 0.02, 0.0],
    "fx_impact_mrr": [-12.0, 0.0, 5.0, -30.0],
}
CHURN_REASONS = [
    # month, churn_reason, customers_churned, churned_mrr, customers_churned_involuntary
    ("2024-02-01", "too_expensive", 2, 150.0, 1),
    ("2024-03-01", "too_expensive", 1, 50.0, 0),
    ("2024-03-01", "unspecified", 3, 90.0, 3),
    ("2024-04-01", "missing_features", 4, 400.0, 0),
]
CUSTOMER = {
    "customer_id": "C7", "customer_name": "Pinecone Labs", "segment": "all", "country": "TR",
    "industry": "Software", "acquisition_channel": "organic", "cohort_month": "2024-01-01",
    "current_mrr": 120.0, "current_plan_tier": "pro", "health_score": 35.5, "health_band": "red",
    "churn_reason": None,
}  # fmt: skip


def hand_made_data() -> dict[str, Any]:
    columns = [column for names in MONTHLY_COLUMNS.values() for column in names]
    series = {column: SPECIAL.get(column, [1.0, 2.0, 3.0, 4.0]) for column in columns}
    series["pct_passives"] = [0.2] * len(MONTHS)
    return {
        "build": {},
        "months": MONTHS,
        "segments": ["all"],
        "series": {"all": series},
        "red_accounts_month": MONTHS[-1],
        "red_accounts": [],
        "churn_reasons": [
            {"month": month, "segment": "all", "churn_reason": reason, "customers_churned": count,
             "churned_mrr": mrr, "customers_churned_involuntary": involuntary}
            for month, reason, count, mrr, involuntary in CHURN_REASONS
        ],
        "cohorts": [
            {"cohort_month": cohort, "months_since_start": k, "segment": "all",
             "customers_cohort": 10, "customers_active": 10 - k, "logo_retention": (10 - k) / 10,
             "net_mrr_retention": 1 + k / 10, "gross_mrr_retention": 1 - k / 20}
            for c, cohort in enumerate(MONTHS) for k in range(len(MONTHS) - c)
        ],
        "backtest": [
            {"month": MONTHS[0], "health_band": band, "accounts": 10, "churned_within_3m": churned,
             "churn_rate_3m": churned / 10, "lift": lift, "auc": auc}
            for band, churned, lift, auc in (
                ("all", 2, 1.0, 0.8), ("green", 0, 0.0, None), ("yellow", 1, 0.5, None),
                ("red", 6, 3.0, None),
            )
        ],
        "component_power": [],
        "restatements": [
            {"mart": "mart_nps", "month": "2024-03-01", "figure": "responses",
             "previous_value": 99.0, "current_value": 100.0, "change": 1.0,
             "relative_change": 1 / 99, "previous_build_id": "0123456789abcdef",
             "previous_as_of_date": "2024-03-30", "build_id": "fedcba9876543210",
             "as_of_date": "2024-04-02"}
        ],
        "drilldown": {
            "customers": [CUSTOMER],
            "movements": [
                {"customer_id": "C7", "month": month, "ending_mrr": 100.0 + 10 * i,
                 "movement": "new" if i == 0 else "expansion"}
                for i, month in enumerate(MONTHS)
            ],
            "health": [
                {"customer_id": "C7", "month": MONTHS[-1], "health_score": 35.5,
                 "health_band": "red", "main_risk_factor": "payment",
                 "open_high_severity_tickets": 2, "recent_reopened_tickets": 1}
            ],
        },
    }  # fmt: skip


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report_details")
    return write_atomically(root / "index.html", render_page(hand_made_data()))


def loaded(page_file: Path, hash_: str, profile: Path) -> PageLoad:
    page = load(page_file.as_uri() + hash_, profile)
    assert page.console == [] and 'data-rendered="true"' in page.dom, page.console
    return page


@pytest.fixture(scope="module")
def whole(page_file: Path, tmp_path_factory: pytest.TempPathFactory) -> PageLoad:
    return loaded(page_file, "", tmp_path_factory.mktemp("profile_whole"))


def texts(body: str) -> list[str]:
    return re.findall(r"<text [^>]*>([^<]*)</text>", body)


def test_a_figure_rounding_to_zero_is_shown_without_a_sign(whole: PageLoad):
    assert "-$0<" not in whole.dom and "+$0<" not in whole.dom
    labels = texts(chart_body(whole.dom, "mrr_waterfall"))
    assert labels.count("$0") == 2, labels  # contraction 0 and churned 0.1
    assert "-$30" in labels and "FX impact" in labels
    assert kpi_tiles(whole.dom)["net_revenue_churn_rate"][1] == "0.0%"


def test_the_score_chart_runs_on_the_answers_scale(whole: PageLoad):
    ticks = [t for t in texts(chart_body(whole.dom, "csat_ces")) if not t.startswith("20")]
    assert ticks[0] == "1.00" and ticks[-1] == "5.00", ticks


def test_nps_points_carry_their_response_counts(whole: PageLoad):
    dots = [attributes(a) for a in re.findall(r"<circle ([^>]*)>", chart_body(whole.dom, "nps"))]
    assert [int(dot["data-count"]) for dot in dots] == RESPONSES
    radii = [float(dot["r"]) for dot in dots]
    assert radii[0] < radii[3] < radii[2]  # 1 < 25 < 100 answers
    assert "(1 responses)" in chart_body(whole.dom, "nps")


def test_the_month_range_limits_charts_and_tiles(page_file: Path, tmp_path: Path):
    page = loaded(page_file, "#segment=all&from=2024-02&to=2024-03", tmp_path)
    assert 'data-range="2024-02-01/2024-03-01"' in page.dom
    dots = [attributes(a) for a in re.findall(r"<circle ([^>]*)>", chart_body(page.dom, "nps"))]
    assert [dot["data-month"] for dot in dots] == MONTHS[1:3]
    assert [float(dot["data-value"]) for dot in dots] == NPS[1:3]
    tile = kpi_tiles(page.dom)["nps"][0]
    assert tile["data-month"] == "2024-03-01" and float(tile["data-value"]) == NPS[2]
    bars = re.findall(r'<rect [^>]*data-month="([^"]+)"', chart_body(page.dom, "mrr_waterfall"))
    assert set(bars) == {"2024-03-01"}


def test_churn_reasons_add_up_over_the_range(page_file: Path, tmp_path: Path):
    page = loaded(page_file, "#from=2024-02&to=2024-03", tmp_path)
    rows = [attributes(a) for a in re.findall(r'<tr class="churn-reason" ([^>]*)>', page.dom)]
    assert [(r["data-reason"], int(r["data-customers"])) for r in rows] == [
        ("too_expensive", 3),
        ("unspecified", 3),
    ]
    assert float(rows[0]["data-mrr"]) == 200.0 and int(rows[1]["data-involuntary"]) == 3


def test_cohort_heat_map_shows_the_triangle(whole: PageLoad):
    cells = [attributes(a) for a in re.findall(r'<td class="num cell" ([^>]*)>', whole.dom)]
    assert len(cells) == 10  # 4 + 3 + 2 + 1
    first = {(c["data-cohort"], int(c["data-k"])): float(c["data-value"]) for c in cells}
    assert first[("2024-01-01", 3)] == 0.7 and first[("2024-04-01", 0)] == 1.0


def test_backtest_tiles_show_lift_and_auc(whole: PageLoad):
    section = whole.dom[whole.dom.index('id="health-trust"') :]
    tiles = {
        (a["data-metric"], a["data-band"]): a
        for a in map(attributes, re.findall(r'<div class="kpi backtest" ([^>]*)>', section))
    }
    assert float(tiles[("auc", "all")]["data-value"]) == 0.8
    assert float(tiles[("lift", "red")]["data-value"]) == 3.0
    assert int(figures_marks(whole.dom, "health_backtest")) == 4


def figures_marks(dom: str, chart: str) -> str:
    return re.search(rf'data-chart="{chart}"[^>]*data-marks="(\d+)"', dom).group(1)


def test_customer_drilldown_from_the_url(page_file: Path, tmp_path: Path):
    page = loaded(page_file, "#customer=pinecone%20labs", tmp_path)
    assert 'data-customer-id="C7"' in page.dom
    months = [attributes(a) for a in re.findall(r'<tr class="customer-month" ([^>]*)>', page.dom)]
    assert [m["data-month"] for m in months] == MONTHS
    assert float(months[-1]["data-health-score"]) == 35.5 and months[-1]["data-movement"] == (
        "expansion"
    )


def test_restated_figures_are_listed(whole: PageLoad):
    section = whole.dom[whole.dom.index('<section id="restatements">') :]
    rows = [attributes(a) for a in re.findall(r'<tr class="restatement" ([^>]*)>', section)]
    assert [(r["data-mart"], r["data-figure"], r["data-current"]) for r in rows] == [
        ("mart_nps", "responses", "100")
    ]
    assert "build 01234567" in section and "+1 (+1.0%)" in section
