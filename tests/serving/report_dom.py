"""Reading the report's DOM (as chromium's --dump-dom prints it) and the page's number formats,
mirrored in Python so tests can compare the text shown with the marts' figures."""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal


# ---------------------------------------------------------------------- the page's formats
def to_fixed(value: float, digits: int) -> str:
    """JavaScript's Number.prototype.toFixed: the exact binary value, ties away from zero."""
    text = str(Decimal(abs(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return ("-" if value < 0 else "") + text


def grouped(text: str) -> str:
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}"
    return whole + ("." + fraction if fraction else "")


def money(value: float, digits: int) -> str:
    return ("-" if value < 0 else "") + "$" + grouped(to_fixed(abs(value), digits))


FORMATS = {
    "usd": lambda v: money(v, 0),
    "usd2": lambda v: money(v, 2),
    "pct": lambda v: to_fixed(v * 100, 1) + "%",
    "points": lambda v: to_fixed(v, 1),
    "points_pct": lambda v: to_fixed(v, 1) + "%",
    "score": lambda v: to_fixed(v, 2),
    "hours": lambda v: to_fixed(v, 1) + " h",
    "minutes": lambda v: to_fixed(v / 60, 1) + " min",
    "count": lambda v: grouped(to_fixed(v, 0)),
    "ratio": lambda v: to_fixed(v, 2) + "x",
}


def unsigned_zero(text: str) -> str:
    """The page shows a value that rounds to zero without a sign ("$0", not "-$0")."""
    return text[1:] if re.fullmatch(r"[-+][^1-9]*", text) else text


def shown(kind: str, value: float | None) -> str:
    return "n/a" if value is None else unsigned_zero(FORMATS[kind](value))


# ---------------------------------------------------------------------- reading the DOM
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def attributes(text: str) -> dict[str, str]:
    return {key: html.unescape(value) for key, value in ATTRIBUTE.findall(text)}


def kpi_tiles(dom: str) -> dict[str, tuple[dict[str, str], str]]:
    pattern = re.compile(
        r'<div class="kpi" ([^>]*)><div class="kpi-label">[^<]*</div>'
        r'<div class="kpi-value">([^<]*)</div></div>'
    )
    tiles = {}
    for attrs, text in pattern.findall(dom):
        parsed = attributes(attrs)
        tiles[parsed["data-metric"]] = (parsed, html.unescape(text))
    return tiles


def figures(dom: str) -> dict[str, dict[str, str]]:
    return {
        found["data-chart"]: found
        for found in (attributes(m) for m in re.findall(r'<figure class="chart" ([^>]*)>', dom))
    }


def chart_body(dom: str, chart: str) -> str:
    start = dom.index(f'data-chart="{chart}"')
    return dom[start : dom.index("</figure>", start)]


def value(text: str) -> float | None:
    return None if text in ("null", "undefined") else float(text)
