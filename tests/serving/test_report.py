"""The HTML report in headless chromium: it loads without console errors, every chart draws, the
figures on the page equal the marts, and the segment filter switches them.

The report is written from the serving file of conftest.py by the same function the Dagster
asset `customer_success_report` calls (that asset runs in tests/orchestration's whole-graph build).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from customer_success.report.page import render_page, write_atomically
from orchestration.outputs import write_report
from tests.serving.browser import load, screenshot
from tests.serving.conftest import ServingWorkspace
from tests.serving.report_dom import (
    FORMATS,
    attributes,
    chart_body,
    figures,
    kpi_tiles,
    money,
    shown,
    to_fixed,
    value,
)

# KPI tile -> (mart, column); pct_passives is passives / responses of mart_nps.
KPI_SOURCES = {
    "ending_mrr": ("mart_revenue_retention", "ending_mrr"),
    "arr": ("mart_revenue_retention", "arr"),
    "nrr": ("mart_revenue_retention", "nrr"),
    "grr": ("mart_revenue_retention", "grr"),
    "gross_revenue_churn_rate": ("mart_revenue_retention", "gross_revenue_churn_rate"),
    "net_revenue_churn_rate": ("mart_revenue_retention", "net_revenue_churn_rate"),
    "arpa": ("mart_revenue_retention", "arpa"),
    "quick_ratio": ("mart_revenue_retention", "quick_ratio"),
    "logo_churn_rate": ("mart_logo_churn", "logo_churn_rate"),
    "customer_retention_rate": ("mart_logo_churn", "customer_retention_rate"),
    "customers_end": ("mart_logo_churn", "customers_end"),
    "nps": ("mart_nps", "nps"),
    "pct_promoters": ("mart_nps", "pct_promoters"),
    "pct_passives": ("mart_nps", "cast(passives as double) / nullif(responses, 0)"),
    "pct_detractors": ("mart_nps", "pct_detractors"),
    "csat_avg": ("mart_customer_experience", "csat_avg"),
    "csat_pct": ("mart_customer_experience", "csat_pct"),
    "ces_avg": ("mart_customer_experience", "ces_avg"),
    "first_response_hours_avg": ("mart_support_kpis", "first_response_hours_avg"),
    "resolution_hours_avg": ("mart_support_kpis", "resolution_hours_avg"),
    "fcr_rate": ("mart_support_kpis", "fcr_rate"),
    "aht_seconds": ("mart_support_kpis", "aht_seconds"),
    "backlog_end": ("mart_support_kpis", "backlog_end"),
    "clv": ("mart_unit_economics", "clv"),
    "cac": ("mart_unit_economics", "cac"),
    "clv_to_cac": ("mart_unit_economics", "clv_to_cac"),
    "crc": ("mart_unit_economics", "crc"),
    "accounts_red": ("mart_health_summary", "accounts_red"),
    "avg_health_score": ("mart_health_summary", "avg_health_score"),
}
CHARTS = {
    "mrr_waterfall", "retention", "revenue_churn", "logo_churn", "nps", "nps_shares", "csat_ces",
    "support_time", "fcr", "aht", "backlog", "clv_cac", "clv_to_cac", "health_bands",
    "quick_ratio", "churn_kind", "health_backtest", "health_worsened", "health_improved",
}  # fmt: skip
WATERFALL = (
    "starting_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "fx_impact_mrr",
    "ending_mrr",
)


def test_page_formats_mirror_javascript():
    assert to_fixed(0.125, 2) == "0.13" and to_fixed(-1.005, 2) == "-1.00"  # 1.005 is 1.00499..
    assert money(1234567.5, 0) == "$1,234,568" and money(-12.345, 2) == "-$12.35"
    assert FORMATS["pct"](0.0625) == "6.3%" and shown("pct", None) == "n/a"
    assert shown("usd", -0.4) == "$0" and shown("pct", -0.0001) == "0.0%"


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def report(serving_workspace: ServingWorkspace) -> Path:
    path, _ = write_report(serving_workspace.serving, serving_workspace.root / "report")
    return path


@pytest.fixture(scope="module")
def page_all(report: Path, tmp_path_factory: pytest.TempPathFactory):
    return load(report.as_uri(), tmp_path_factory.mktemp("chromium_all"))


@pytest.fixture(scope="module")
def page_smb(report: Path, tmp_path_factory: pytest.TempPathFactory):
    return load(report.as_uri() + "#segment=smb", tmp_path_factory.mktemp("chromium_smb"))


def latest_month(workspace: ServingWorkspace) -> str:
    return str(workspace.query("select max(month) from marts.mart_revenue_retention")[0][0])


def mart_figure(workspace: ServingWorkspace, metric: str, month: str, segment: str):
    mart, column = KPI_SOURCES[metric]
    rows = workspace.query(
        f"select {column} from marts.{mart} where month = cast(? as date) and segment = ?",
        [month, segment],
    )
    assert len(rows) == 1, (metric, month, segment)
    return None if rows[0][0] is None else float(rows[0][0])


# ---------------------------------------------------------------------- tests
def test_report_is_self_contained(report: Path):
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for needle in (" src=", " href=", "url(", "@import", "fetch(", "XMLHttpRequest", "<link"):
        assert needle not in text, needle
    # the only address in the page is the SVG namespace
    assert set(re.findall(r"https?://[^\s\"']+", text)) == {"http://www.w3.org/2000/svg"}


def test_page_loads_without_console_errors(page_all):
    assert page_all.console == []
    assert 'data-rendered="true"' in page_all.dom
    assert 'data-errors="true"' not in page_all.dom
    assert '<pre id="report-errors"></pre>' in page_all.dom


def test_a_script_error_would_be_caught(report: Path, tmp_path: Path):
    """The console check above can fail: a page whose data is broken shows up in both places."""
    broken = write_atomically(tmp_path / "broken.html", render_page({"months": []}))
    page = load(broken.as_uri(), tmp_path / "profile")
    assert any("Uncaught" in line for line in page.console), page.stderr[-1000:]
    assert 'data-errors="true"' in page.dom and 'data-rendered="true"' not in page.dom


def test_kpi_tiles_equal_the_marts_and_are_formatted(serving_workspace, page_all):
    month = latest_month(serving_workspace)
    tiles = kpi_tiles(page_all.dom)
    assert set(tiles) == set(KPI_SOURCES)
    for metric, (attrs, text) in tiles.items():
        expected = mart_figure(serving_workspace, metric, month, "all")
        assert attrs["data-month"] == month and attrs["data-segment"] == "all"
        assert value(attrs["data-value"]) == expected, metric
        assert text == shown(attrs["data-format"], expected), (metric, text)
    assert sum(value(a["data-value"]) is not None for a, _ in tiles.values()) >= 25


def test_segment_filter_shows_the_segment_rows(serving_workspace, page_smb):
    assert page_smb.console == []
    assert 'data-segment="smb"' in page_smb.dom
    month = latest_month(serving_workspace)
    tiles = kpi_tiles(page_smb.dom)
    for metric, (attrs, text) in tiles.items():
        expected = mart_figure(serving_workspace, metric, month, "smb")
        assert attrs["data-segment"] == "smb"
        assert value(attrs["data-value"]) == expected, metric
        assert text == shown(attrs["data-format"], expected), (metric, text)
    assert tiles["cac"][1] == "n/a"  # spend has no segment: CAC is whole-base only
    smb_mrr = value(tiles["ending_mrr"][0]["data-value"])
    assert smb_mrr != mart_figure(serving_workspace, "ending_mrr", month, "all")


def test_waterfall_and_trend_points_equal_the_marts(serving_workspace, page_all):
    month = latest_month(serving_workspace)
    body = chart_body(page_all.dom, "mrr_waterfall")
    bars = {
        attrs["data-metric"]: value(attrs["data-value"])
        for attrs in map(attributes, re.findall(r"<rect ([^>]*)>", body))
    }
    expected = serving_workspace.query(
        f"select {', '.join(WATERFALL)} from marts.mart_revenue_retention "
        "where month = cast(? as date) and segment = 'all'",
        [month],
    )[0]
    assert bars == {name: float(v) for name, v in zip(WATERFALL, expected, strict=True)}

    points = [
        attributes(a) for a in re.findall(r"<circle ([^>]*)>", chart_body(page_all.dom, "nps"))
    ]
    nps = dict(
        serving_workspace.query(
            "select cast(month as varchar), nps from marts.mart_nps "
            "where segment = 'all' and nps is not null"
        )
    )
    assert {p["data-month"]: float(p["data-value"]) for p in points} == nps


def test_red_accounts_table_lists_the_marts_red_accounts(serving_workspace, page_all):
    month = latest_month(serving_workspace)
    red = serving_workspace.query(
        "select customer_id, main_risk_factor from marts.mart_customer_health "
        "where month = cast(? as date) and health_band = 'red' order by health_score, customer_id",
        [month],
    )
    section = page_all.dom[page_all.dom.index('<section id="red-accounts">') :]
    table = re.search(r'<table data-rows="(\d+)">', section)
    assert table and int(table.group(1)) == len(red)
    rows = [attributes(a) for a in re.findall(r'<tr class="red-account" ([^>]*)>', page_all.dom)]
    shown_rows = [(r["data-customer-id"], r["data-main-risk-factor"]) for r in rows]
    assert shown_rows == red[:25]


def test_every_chart_renders(page_all, report: Path, tmp_path: Path):
    charts = figures(page_all.dom)
    assert set(charts) == CHARTS
    for name, attrs in charts.items():
        assert int(attrs["data-marks"]) > 0, name
    shot = screenshot(report.as_uri(), tmp_path / "profile", report.parent / "screenshot.png")
    image = Image.open(shot).convert("RGB")
    assert int(re.search(r'data-height="(\d+)"', page_all.dom).group(1)) <= image.height
    for name, attrs in charts.items():
        left, top, width, height = map(int, attrs["data-plot-box"].split(","))
        plot = image.crop((left, top, left + width, top + height))
        # chart ink is coloured; text, grid lines and the background are grey or white
        pixels = plot.get_flattened_data()
        coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60)
        assert coloured > 40, f"chart {name} looks blank ({coloured} coloured pixels)"
