"""The report's details on a hand-made data set (no warehouse): a value that rounds to zero has no
sign, the 1-5 score chart has a 1-5 axis, NPS points carry their response counts, and the month
range (selectors, URL hash) limits every chart and the tiles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from orchestration.report.data import MONTHLY_COLUMNS
from orchestration.report.page import render_page, write_atomically
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
}


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
    }


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
